/*
 * vm/eval.c - the bytecode interpreter.
 *
 * gk__eval_frame runs one frame: a loop that fetches an instruction
 * (vm/lang/opcodes.h), dispatches on its opcode (computed goto under GCC
 * and Clang, a switch otherwise) and manipulates the frame's value stack.
 * Exceptions follow CPython 3.9's block-stack design, simplified to one
 * exception object per handler: on an error the loop records a traceback
 * entry, then pops blocks until it finds a SETUP_FINALLY/SETUP_WITH handler
 * (see the comment at the top of opcodes.h).  If none is left the frame
 * returns NULL with the exception pending.
 *
 * This file also owns calling Python functions (argument binding itself is
 * in vm/objects/function.c), module and class bodies (gk__eval_code,
 * __build_class__) and the frame queries used by super(), globals() and
 * locals().  Frame memory lives in vm/objects/frame.c, generators in
 * vm/objects/generator.c.
 */
#include <stdlib.h>
#include <string.h>
#include "eval.h"

#define CO_NCELLVARS(co) gk__tuple_size((co)->cellvars)

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static inline gk_object *call_any(gk_object *callable, gk_object *const *args, size_t nargs,
                                  gk_object *kwnames)
{
    if (GK_TYPE(callable) == &gk__function_type)
        return gk__function_call(callable, args, nargs, kwnames);
    return gk__call(callable, args, nargs, kwnames);
}

/* Name of cell/free variable number i of co (borrowed). */
static gk_object *cell_name(gk_code *co, size_t i)
{
    size_t nc = CO_NCELLVARS(co);
    return i < nc ? GK_TUPLE_GET(co->cellvars, i) : GK_TUPLE_GET(co->freevars, i - nc);
}

static void raise_unbound_local(gk_object *name)
{
    gk__raise(&gk__exc_UnboundLocalError,
              "cannot access local variable '%s' where it is not associated with a value",
              gk__str_utf8(name));
}

static void raise_unbound_deref(gk_code *co, size_t i)
{
    gk_object *name = cell_name(co, i);
    if (i < CO_NCELLVARS(co))
        raise_unbound_local(name);
    else
        gk__raise(&gk__exc_NameError,
                  "cannot access free variable '%s' where it is not associated with a value"
                  " in enclosing scope", gk__str_utf8(name));
}

static void raise_name_error(gk_object *name)
{
    gk__raise(&gk__exc_NameError, "name '%s' is not defined", gk__str_utf8(name));
}

/* Sets exc.__context__ = handled, first cutting any chain from handled
 * back to exc so that no cycle forms (as CPython does). */
static void set_context(gk_object *exc, gk_object *handled)
{
    gk_object *o = handled;
    for (int guard = 0; o && guard < 10000; guard++) {
        gk_object *ctx = gk__exc_context(o);
        if (ctx == exc) {
            gk__exc_set_context_obj(o, NULL);
            break;
        }
        o = ctx;
    }
    gk__exc_set_context_obj(exc, handled);
}

/* Replaces the thread's handled exception with prev (steals; None means
 * nothing is being handled). */
static inline void restore_exc_info(gk__tstate *ts, gk_object *prev)
{
    if (prev == GK_NONE) {
        gk__decref(prev);
        prev = NULL;
    }
    GK_SETREF(ts->exc_info, prev);
}

/* Creates the frame's cells: cellvars (moving arguments that are also
 * cells into theirs) then the closure's cells. */
static int init_cells(gk__frame *f, gk_code *co, gk_object *closure)
{
    size_t nc = CO_NCELLVARS(co);
    gk_object **cells = f->localsplus + co->nlocals;
    for (size_t i = 0; i < nc; i++) {
        gk_object *v = NULL;
        if (co->cell2arg && co->cell2arg[i] >= 0) {
            v = f->localsplus[co->cell2arg[i]];
            f->localsplus[co->cell2arg[i]] = NULL;
        }
        cells[i] = gk__cell_new(v);
        gk__xdecref(v);
        if (!cells[i])
            return -1;
    }
    size_t nfree = gk__tuple_size(co->freevars);
    if (nfree && (!closure || gk__tuple_size(closure) < nfree)) {
        gk__raise(&gk__exc_SystemError, "code object needs a closure of %zu cells", nfree);
        return -1;
    }
    for (size_t i = 0; i < nfree; i++)
        cells[nc + i] = gk__incref(GK_TUPLE_GET(closure, i));
    return 0;
}

/* Calls a Python function (the call slot of the function type). */
gk_object *gk__function_call(gk_object *func, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    gk_function *fn = (gk_function *)func;
    gk_code *co = (gk_code *)fn->code;
    gk__frame *f = gk__frame_new(co, fn->globals, fn->builtins, NULL);
    if (!f)
        return NULL;
    if (!kwnames && nargs == (size_t)co->argcount && co->kwonlyargcount == 0 &&
        !(co->flags & (GK_CO_VARARGS | GK_CO_VARKEYWORDS))) {
        for (size_t i = 0; i < nargs; i++)
            f->localsplus[i] = gk__incref(args[i]);
    } else if (gk__function_bind(fn, f->localsplus, args, nargs, kwnames) < 0) {
        goto fail;
    }
    if ((co->cell2arg || co->ncells) && init_cells(f, co, fn->closure) < 0)
        goto fail;
    if (co->flags & GK_CO_GENERATOR)
        return gk__gen_new(f, fn->qualname);
    gk_object *res = gk__eval_frame(gk__ts(), f, 0);
    gk__frame_free(f);
    return res;
fail:
    gk__frame_free(f);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Module and class bodies                                             */

static gk_object *run_body(gk_code *co, gk_object *globals, gk_object *locals, gk_object *closure)
{
    gk_object *builtins = gk__rt && gk__rt->builtins ? gk__rt->builtins : globals;
    gk__frame *f = gk__frame_new(co, globals, builtins, locals);
    if (!f)
        return NULL;
    if ((gk__tuple_size(co->cellvars) || gk__tuple_size(co->freevars)) && init_cells(f, co, closure) < 0) {
        gk__frame_free(f);
        return NULL;
    }
    gk_object *res = gk__eval_frame(gk__ts(), f, 0);
    gk__frame_free(f);
    return res;
}

/* Runs a module or class body (see code.h). */
gk_object *gk__eval_code(gk_object *code, gk_object *globals, gk_object *locals)
{
    if (gk__rt && gk__rt->builtins && !gk__dict_get_cstr(globals, "__builtins__") &&
        gk__dict_set_cstr(globals, "__builtins__", gk__rt->builtins) < 0)
        return NULL;
    return run_body((gk_code *)code, globals, locals ? locals : globals, NULL);
}

static gk_object *pick_metaclass(gk_object *meta, gk_object *bases)
{
    if (!meta) {
        meta = gk__tuple_size(bases) ? (gk_object *)GK_TYPE(GK_TUPLE_GET(bases, 0))
                                     : (gk_object *)&gk__type_type;
    }
    if (!gk__is_type(meta))
        return meta;
    /* The most derived metaclass among meta and the bases' types wins. */
    gk_type *winner = (gk_type *)meta;
    for (size_t i = 0; i < gk__tuple_size(bases); i++) {
        gk_type *t = GK_TYPE(GK_TUPLE_GET(bases, i));
        if (gk__type_is_subtype(winner, t))
            continue;
        if (gk__type_is_subtype(t, winner)) {
            winner = t;
            continue;
        }
        gk__raise(&gk__exc_TypeError, "metaclass conflict: the metaclass of a derived class must be a "
                  "(non-strict) subclass of the metaclasses of all its bases");
        return NULL;
    }
    return (gk_object *)winner;
}

static gk_object *make_class(gk_object *meta, gk_object *name, gk_object *bases, gk_object *ns,
                             gk_object *const *kwvals, gk_object *kwnames)
{
    if (meta == (gk_object *)&gk__type_type && !kwnames)
        return gk__type_new(name, bases, ns);
    gk_object *argv[3 + 16];
    size_t nkw = kwnames ? gk__tuple_size(kwnames) : 0;
    if (nkw > 16)
        return gk__raise(&gk__exc_TypeError, "too many class keywords");
    argv[0] = name;
    argv[1] = bases;
    argv[2] = ns;
    for (size_t i = 0; i < nkw; i++)
        argv[3 + i] = kwvals[i];
    return gk__call(meta, argv, 3, nkw ? kwnames : NULL);
}

/* Splits class keywords into the metaclass and the rest (new tuple or NULL). */
static int split_class_kw(gk_object *const *kwvals, gk_object *kwnames, gk_object **meta,
                          gk_object **rest_names, gk_object **rest_vals)
{
    size_t nkw = kwnames ? gk__tuple_size(kwnames) : 0, n = 0;
    *meta = NULL;
    *rest_names = NULL;
    gk_object *names[16];
    for (size_t i = 0; i < nkw; i++) {
        gk_object *k = GK_TUPLE_GET(kwnames, i);
        if (gk__str_eq_cstr(k, "metaclass"))
            *meta = kwvals[i];
        else if (n < 16) {
            names[n] = k;
            rest_vals[n++] = kwvals[i];
        }
    }
    if (n && !(*rest_names = gk__tuple_from_array(names, n)))
        return -1;
    return 0;
}

/* The builtin __build_class__(func, name, *bases, **kwds). */
gk_object *gk__build_class(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (nargs < 2)
        return gk__raise(&gk__exc_TypeError, "__build_class__: not enough arguments");
    gk_object *func = args[0], *name = args[1];
    if (GK_TYPE(func) != &gk__function_type)
        return gk__raise(&gk__exc_TypeError, "__build_class__: func must be a function");
    if (!gk__is_str(name))
        return gk__raise(&gk__exc_TypeError, "__build_class__: name is not a string");
    gk_object *bases = NULL, *ns = NULL, *body = NULL, *cls = NULL, *meta, *rest_names = NULL;
    gk_object *rest_vals[16];
    if (split_class_kw(args + nargs, kwnames, &meta, &rest_names, rest_vals) < 0)
        return NULL;
    if (!(bases = gk__tuple_from_array(args + 2, nargs - 2)))
        goto fail;
    if (!(meta = pick_metaclass(meta, bases)))
        goto fail;
    if (!(ns = gk__dict_new()))
        goto fail;
    gk_function *fn = (gk_function *)func;
    if (!(body = run_body((gk_code *)fn->code, fn->globals, ns, fn->closure)))
        goto fail;
    gk_object *cell = gk__dict_get_cstr(ns, "__classcell__");
    if (cell)
        gk__incref(cell);
    if (cell && gk__dict_del_cstr(ns, "__classcell__") < 0) {
        gk__decref(cell);
        goto fail;
    }
    cls = make_class(meta, name, bases, ns, rest_vals, rest_names);
    if (cls && cell && GK_TYPE(cell) == &gk__cell_type)
        gk__cell_set(cell, cls);
    gk__xdecref(cell);
fail:
    gk__xdecref(body);
    gk__xdecref(ns);
    gk__xdecref(bases);
    gk__xdecref(rest_names);
    return cls;
}

/* ------------------------------------------------------------------ */
/* Frame queries                                                       */

/* super() without arguments: __class__ and the first argument (BORROWED). */
int gk__frame_super_args(gk_object **cls, gk_object **self)
{
    gk__frame *f = gk__ts()->frame;
    if (!f) {
        gk__raise(&gk__exc_RuntimeError, "super(): no current frame");
        return -1;
    }
    gk_code *co = f->code;
    if (co->argcount == 0 && !(co->flags & GK_CO_VARARGS)) {
        gk__raise(&gk__exc_RuntimeError, "super(): no arguments");
        return -1;
    }
    gk_object *first = f->localsplus[0];
    size_t nc = CO_NCELLVARS(co);
    for (size_t i = 0; co->cell2arg && i < nc; i++)
        if (co->cell2arg[i] == 0)
            first = gk__cell_get(f->localsplus[co->nlocals + i]);
    if (first && co->argcount == 0 && gk__is_tuple(first))   /* def m(*args) */
        first = gk__tuple_size(first) ? GK_TUPLE_GET(first, 0) : NULL;
    if (!first) {
        gk__raise(&gk__exc_RuntimeError, "super(): arg[0] deleted");
        return -1;
    }
    size_t nfree = gk__tuple_size(co->freevars);
    for (size_t i = 0; i < nfree; i++) {
        if (!gk__str_eq_cstr(GK_TUPLE_GET(co->freevars, i), "__class__"))
            continue;
        gk_object *c = gk__cell_get(f->localsplus[co->nlocals + nc + i]);
        if (!c) {
            gk__raise(&gk__exc_RuntimeError, "super(): empty __class__ cell");
            return -1;
        }
        if (!gk__is_type(c)) {
            gk__raise(&gk__exc_RuntimeError, "super(): __class__ is not a type (%s)", GK_TYPE_NAME(c));
            return -1;
        }
        *cls = c;
        *self = first;
        return 0;
    }
    gk__raise(&gk__exc_RuntimeError, "super(): __class__ cell not found");
    return -1;
}

/* globals() of the innermost frame: BORROWED or NULL. */
gk_object *gk__frame_globals(void)
{
    gk__frame *f = gk__ts()->frame;
    return f ? f->globals : NULL;
}

/* locals() of the innermost frame: a new reference to a dict. */
gk_object *gk__frame_locals(void)
{
    gk__frame *f = gk__ts()->frame;
    if (!f)
        return gk__dict_new();
    if (f->locals)
        return gk__incref(f->locals);
    gk_code *co = f->code;
    gk_object *d = gk__dict_new();
    if (!d)
        return NULL;
    for (int i = 0; i < co->nlocals; i++) {
        gk_object *v = f->localsplus[i];
        if (v && gk__dict_set(d, GK_TUPLE_GET(co->varnames, i), v) < 0)
            goto fail;
    }
    size_t ncells = gk__frame_ncells(co);
    for (size_t i = 0; i < ncells; i++) {
        gk_object *cell = f->localsplus[co->nlocals + i];
        gk_object *v = cell ? gk__cell_get(cell) : NULL;
        if (v && gk__dict_set(d, cell_name(co, i), v) < 0)
            goto fail;
    }
    return d;
fail:
    gk__decref(d);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Helpers for individual opcodes (kept out of the loop's hot path)   */

/* The value of a StopIteration that ended a delegated iterator: takes
 * the pending StopIteration (or nothing) and returns its value. */
static gk_object *fetch_stop_value(void)
{
    gk_object *exc = gk__err_fetch();
    if (!exc)
        return gk__none_ref();
    gk_object *v = gk__stop_iteration_value(exc);
    v = gk__incref(v ? v : GK_NONE);
    gk__decref(exc);
    return v;
}

/* One step of `yield from`: 1 yielded (*res), 0 finished (*res = value), -1 error. */
static int delegate_send(gk_object *recv, gk_object *v, gk_object **res)
{
    if (gk__is_generator(recv))
        return gk__gen_send_ex(recv, v, res);
    gk_object *r;
    if (v == GK_NONE && GK_TYPE(recv)->iternext)
        r = GK_TYPE(recv)->iternext(recv);
    else
        r = gk__call_method(recv, "send", &v, 1);
    if (r) {
        *res = r;
        return 1;
    }
    if (gk__err_occurred() && !gk__err_matches(&gk__exc_StopIteration))
        return -1;
    *res = fetch_stop_value();
    return 0;
}

/* raise exc [from cause]; returns -1 always (0 never); *reraise tells a
 * bare `raise`. */
static void do_raise(gk__tstate *ts, gk_object *exc, gk_object *cause, int *reraise)
{
    *reraise = 0;
    if (!exc) {
        if (!ts->exc_info) {
            gk__raise(&gk__exc_RuntimeError, "No active exception to reraise");
            return;
        }
        gk__err_restore(gk__incref(ts->exc_info));
        *reraise = 1;
        return;
    }
    gk_object *value = NULL;
    if (gk__is_type(exc)) {
        if (!gk__type_is_subtype((gk_type *)exc, &gk__exc_BaseException)) {
            gk__raise(&gk__exc_TypeError, "exceptions must derive from BaseException");
            return;
        }
        if (!(value = gk__call0(exc)))
            return;
        if (!gk__is_exception(value)) {
            gk__raise(&gk__exc_TypeError, "calling %R should have returned an instance of BaseException, "
                      "not %s", exc, GK_TYPE_NAME(value));
            gk__decref(value);
            return;
        }
    } else if (gk__is_exception(exc)) {
        value = gk__incref(exc);
    } else {
        gk__raise(&gk__exc_TypeError, "exceptions must derive from BaseException");
        return;
    }
    if (cause) {
        gk_object *c = NULL;
        if (cause == GK_NONE) {
            c = gk__incref(cause);
        } else if (gk__is_type(cause) && gk__type_is_subtype((gk_type *)cause, &gk__exc_BaseException)) {
            if (!(c = gk__call0(cause)))
                goto fail;
        } else if (gk__is_exception(cause)) {
            c = gk__incref(cause);
        } else {
            gk__raise(&gk__exc_TypeError, "exception causes must derive from BaseException");
            goto fail;
        }
        gk__exc_set_cause(value, c);
        gk__decref(c);
    }
    if (ts->exc_info && ts->exc_info != value)
        set_context(value, ts->exc_info);
    gk__err_restore(value);
    return;
fail:
    gk__decref(value);
}

static int exc_match_check(gk_object *cls)
{
    if (gk__is_tuple(cls)) {
        for (size_t i = 0; i < gk__tuple_size(cls); i++)
            if (exc_match_check(GK_TUPLE_GET(cls, i)) < 0)
                return -1;
        return 0;
    }
    if (gk__is_type(cls) && gk__type_is_subtype((gk_type *)cls, &gk__exc_BaseException))
        return 0;
    gk__raise(&gk__exc_TypeError, "catching classes that do not inherit from BaseException is not allowed");
    return -1;
}

/* Unpacks seq into n items written at out[n-1] .. out[0] (item 0 at the
 * top of the stack, i.e. out[n-1]).  0 / -1. */
static int unpack_iterable(gk_object *seq, size_t n, int after, gk_object **top)
{
    /* top points one past the highest slot; slot k from the top is top[-1-k]. */
    gk_object *it = gk__iter(seq);
    size_t got = 0;
    if (!it) {
        if (gk__err_matches(&gk__exc_TypeError) && !GK_TYPE(seq)->iter && !GK_TYPE(seq)->getitem) {
            gk__err_clear();
            gk__raise(&gk__exc_TypeError, "cannot unpack non-iterable %s object", GK_TYPE_NAME(seq));
        }
        return -1;
    }
    for (; got < n; got++) {
        gk_object *v = gk__iternext(it);
        if (!v) {
            if (gk__err_occurred())
                goto fail;
            if (after < 0)
                gk__raise(&gk__exc_ValueError, "not enough values to unpack (expected %zu, got %zu)", n, got);
            else
                gk__raise(&gk__exc_ValueError, "not enough values to unpack (expected at least %zu, got %zu)",
                          n + (size_t)after, got);
            goto fail;
        }
        top[-1 - (intptr_t)got] = v;
    }
    if (after < 0) {
        gk_object *extra = gk__iternext(it);
        if (extra) {
            gk__decref(extra);
            gk__raise(&gk__exc_ValueError, "too many values to unpack (expected %zu)", n);
            goto fail;
        }
        if (gk__err_occurred())
            goto fail;
        gk__decref(it);
        return 0;
    }
    gk_object *rest = gk__sequence_list(it);
    if (!rest)
        goto fail;
    size_t nrest = gk__list_size(rest);
    if (nrest < (size_t)after) {
        gk__raise(&gk__exc_ValueError, "not enough values to unpack (expected at least %zu, got %zu)",
                  n + (size_t)after, n + nrest);
        gk__decref(rest);
        goto fail;
    }
    for (size_t k = 0; k < (size_t)after; k++) {
        /* the last item of rest goes deepest */
        top[-1 - (intptr_t)(n + 1 + k)] = gk__incref(GK_LIST_GET(rest, nrest - (size_t)after + k));
    }
    /* shrink the list by `after` items */
    for (size_t k = 0; k < (size_t)after; k++) {
        gk_object *p = gk__list_pop(rest, -1);
        if (!p) {
            gk__decref(rest);
            for (size_t j = 0; j < (size_t)after; j++)
                GK_CLEAR(top[-1 - (intptr_t)(n + 1 + j)]);
            goto fail;
        }
        gk__decref(p);
    }
    top[-1 - (intptr_t)n] = rest;
    gk__decref(it);
    return 0;
fail:
    for (size_t k = 0; k < got; k++)
        GK_CLEAR(top[-1 - (intptr_t)k]);
    gk__decref(it);
    return -1;
}

static gk_object *import_from(gk_object *module, gk_object *name)
{
    gk_object *v = gk__getattr_opt(module, name);
    if (v || gk__err_occurred())
        return v;
    gk_object *modname = gk__getattr_opt(module, gk__str_intern("__name__"));
    if (!modname && gk__err_occurred())
        return NULL;
    if (modname && gk__is_str(modname) && gk__rt && gk__rt->modules) {
        gk_object *full = gk__str_from_format("%s.%s", gk__str_utf8(modname), gk__str_utf8(name));
        if (!full)
            goto fail;
        v = gk__dict_get(gk__rt->modules, full);
        gk__decref(full);
        if (v) {
            gk__decref(modname);
            return gk__incref(v);
        }
    }
    gk_object *file = gk__getattr_opt(module, gk__str_intern("__file__"));
    if (!file && gk__err_occurred())
        goto fail;
    const char *mn = modname && gk__is_str(modname) ? gk__str_utf8(modname) : "<unknown module name>";
    if (file && gk__is_str(file))
        gk__raise(&gk__exc_ImportError, "cannot import name '%s' from '%s' (%s)", gk__str_utf8(name), mn,
                  gk__str_utf8(file));
    else
        gk__raise(&gk__exc_ImportError, "cannot import name '%s' from '%s' (unknown location)",
                  gk__str_utf8(name), mn);
    gk__xdecref(file);
fail:
    gk__xdecref(modname);
    return NULL;
}

static int import_star(gk_object *module, gk_object *locals)
{
    if (!locals) {
        gk__raise(&gk__exc_SystemError, "no locals found during 'import *'");
        return -1;
    }
    gk_object *all = gk__getattr_opt(module, gk__str_intern("__all__"));
    if (!all && gk__err_occurred())
        return -1;
    int rc = -1;
    gk_object *names = NULL;
    if (all) {
        names = gk__sequence_list(all);
    } else {
        gk_object *d = gk__getattr_cstr(module, "__dict__");
        if (!d)
            return -1;
        names = gk__dict_keys_list(d);
        gk__decref(d);
    }
    if (!names)
        goto done;
    for (size_t i = 0; i < gk__list_size(names); i++) {
        gk_object *n = GK_LIST_GET(names, i);
        if (!all && gk__is_str(n) && gk__str_utf8(n)[0] == '_')
            continue;
        gk_object *v = gk__getattr(module, n);
        if (!v)
            goto done;
        int r = gk__is_dict(locals) ? gk__dict_set(locals, n, v) : gk__setitem(locals, n, v);
        gk__decref(v);
        if (r < 0)
            goto done;
    }
    rc = 0;
done:
    gk__xdecref(all);
    gk__xdecref(names);
    return rc;
}

static gk_object *format_value(gk_object *v, int conv, gk_object *spec)
{
    gk_object *s = NULL;
    switch (conv) {
    case 1: s = gk__str(v); break;
    case 2: s = gk__repr(v); break;
    case 3: s = gk__ascii(v); break;
    default: s = gk__incref(v); break;
    }
    if (!s)
        return NULL;
    if (!spec && GK_TYPE(s) == &gk__str_type)
        return s;
    gk_object *r = gk__format(s, spec);
    gk__decref(s);
    return r;
}

static gk_object *make_function(gk_object **sp, int oparg, gk_object ***popped_to)
{
    /* sp[-1] qualname, sp[-2] code, then closure, kwdefaults, defaults */
    gk_object *qualname = sp[-1], *code = sp[-2];
    gk_object **p = sp - 2;
    gk_object *closure = NULL, *kwdefaults = NULL, *defaults = NULL;
    if (oparg & 8)
        closure = *--p;
    if (oparg & 2)
        kwdefaults = *--p;
    if (oparg & 1)
        defaults = *--p;
    *popped_to = p;
    gk__frame *f = gk__ts()->frame;
    gk_function *fn = (gk_function *)gk__function_new(code, f->globals, qualname);
    if (!fn)
        return NULL;
    if (fn->builtins != f->builtins)
        GK_SETREF(fn->builtins, gk__incref(f->builtins));
    fn->closure = closure ? gk__incref(closure) : NULL;
    fn->kwdefaults = kwdefaults && kwdefaults != GK_NONE ? gk__incref(kwdefaults) : NULL;
    fn->defaults = defaults && defaults != GK_NONE ? gk__incref(defaults) : NULL;
    return (gk_object *)fn;
}

static gk_object *function_str(gk_object *func);

static gk_object *call_ex(gk_object *func, gk_object *args, gk_object *kwargs)
{
    gk_object *t = NULL, *d = NULL, *res = NULL;
    if (GK_TYPE(args) == &gk__tuple_type) {
        t = gk__incref(args);
    } else if (!(t = gk__sequence_tuple(args))) {
        if (gk__err_matches(&gk__exc_TypeError) && !GK_TYPE(args)->iter && !GK_TYPE(args)->getitem) {
            gk__err_clear();
            gk_object *fs = function_str(func);
            if (fs)
                gk__raise(&gk__exc_TypeError, "%s argument after * must be an iterable, not %s",
                          gk__str_utf8(fs), GK_TYPE_NAME(args));
            gk__xdecref(fs);
        }
        return NULL;
    }
    if (kwargs && !gk__is_dict(kwargs)) {
        if (!(d = gk__dict_new()))
            goto done;
        if (gk__dict_update(d, kwargs) < 0) {
            if (gk__err_matches(&gk__exc_TypeError) || gk__err_matches(&gk__exc_AttributeError)) {
                gk__err_clear();
                gk_object *fs = function_str(func);
                if (fs)
                    gk__raise(&gk__exc_TypeError, "%s argument after ** must be a mapping, not %s",
                              gk__str_utf8(fs), GK_TYPE_NAME(kwargs));
                gk__xdecref(fs);
            }
            goto done;
        }
        kwargs = d;
    }
    res = gk__call_tuple_dict(func, t, kwargs && gk__dict_size(kwargs) ? kwargs : NULL);
done:
    gk__xdecref(t);
    gk__xdecref(d);
    return res;
}

/* SETUP_WITH's first half: returns the bound __exit__ and sets *enter_res. */
static gk_object *with_enter(gk_object *ctx, gk_object **enter_res)
{
    gk_type *t = GK_TYPE(ctx);
    gk_object *enter = gk__type_lookup_cstr(t, "__enter__");
    if (!enter)
        return gk__raise(&gk__exc_TypeError, "'%s' object does not support the context manager protocol",
                         gk__type_name(t));
    gk_object *exit_d = gk__type_lookup_cstr(t, "__exit__");
    if (!exit_d)
        return gk__raise(&gk__exc_TypeError, "'%s' object does not support the context manager protocol "
                         "(missed __exit__ method)", gk__type_name(t));
    gk_object *exit_b = GK_TYPE(exit_d)->descr_get
        ? GK_TYPE(exit_d)->descr_get(exit_d, ctx, (gk_object *)t) : gk__incref(exit_d);
    if (!exit_b)
        return NULL;
    gk_object *r = gk__call_special(ctx, "__enter__", NULL, 0);
    if (!r) {
        gk__decref(exit_b);
        return NULL;
    }
    *enter_res = r;
    return exit_b;
}

static int list_extend_op(gk_object *list, gk_object *it)
{
    if (gk__list_extend(list, it) == 0)
        return 0;
    if (gk__err_matches(&gk__exc_TypeError) && !GK_TYPE(it)->iter && !GK_TYPE(it)->getitem) {
        gk__err_clear();
        gk__raise(&gk__exc_TypeError, "Value after * must be an iterable, not %s", GK_TYPE_NAME(it));
    }
    return -1;
}

/* "mod.qualname()" naming a callable in call errors, as CPython's
 * _PyObject_FunctionStr does. */
static gk_object *function_str(gk_object *func)
{
    gk_object *qn = gk__getattr_opt(func, gk__str_intern("__qualname__"));
    if (!qn || !gk__is_str(qn)) {
        gk__xdecref(qn);
        if (gk__err_occurred())
            return NULL;
        return gk__str_from_format("%s object", GK_TYPE_NAME(func));
    }
    gk_object *mod = gk__getattr_opt(func, gk__str_intern("__module__"));
    if (!mod && gk__err_occurred()) {
        gk__decref(qn);
        return NULL;
    }
    gk_object *r;
    if (mod && gk__is_str(mod) && !gk__str_eq_cstr(mod, "builtins"))
        r = gk__str_from_format("%s.%s()", gk__str_utf8(mod), gk__str_utf8(qn));
    else
        r = gk__str_from_format("%s()", gk__str_utf8(qn));
    gk__xdecref(mod);
    gk__decref(qn);
    return r;
}

static int set_update_op(gk_object *set, gk_object *it)
{
    gk_object *i = gk__iter(it);
    if (!i)
        return -1;
    gk_object *v;
    while ((v = gk__iternext(i))) {
        int r = gk__set_add(set, v);
        gk__decref(v);
        if (r < 0) {
            gk__decref(i);
            return -1;
        }
    }
    gk__decref(i);
    return gk__err_occurred() ? -1 : 0;
}

static int dict_update_op(gk_object *d, gk_object *m)
{
    if (gk__dict_update(d, m) == 0)
        return 0;
    if (gk__err_matches(&gk__exc_AttributeError) || (gk__err_matches(&gk__exc_TypeError) &&
                                                     !gk__type_lookup_cstr(GK_TYPE(m), "keys"))) {
        gk__err_clear();
        gk__raise(&gk__exc_TypeError, "'%s' object is not a mapping", GK_TYPE_NAME(m));
    }
    return -1;
}

static gk_object *build_string(gk_object **items, size_t n)
{
    gk__strbuf b;
    gk__strbuf_init(&b);
    for (size_t i = 0; i < n; i++)
        if (gk__strbuf_append_str(&b, items[i]) < 0) {
            gk__strbuf_free(&b);
            return NULL;
        }
    return gk__strbuf_finish(&b);
}

static gk_object *load_name(gk__frame *f, gk_object *name)
{
    gk_object *v;
    if (f->locals) {
        if (gk__is_dict(f->locals)) {
            if ((v = gk__dict_get(f->locals, name)))
                return gk__incref(v);
            if (gk__err_occurred())
                return NULL;
        } else {
            if ((v = gk__getitem(f->locals, name)))
                return v;
            if (!gk__err_matches(&gk__exc_KeyError))
                return NULL;
            gk__err_clear();
        }
    }
    if ((v = gk__dict_get(f->globals, name)) || gk__err_occurred())
        return gk__xincref(v), v;
    if ((v = gk__dict_get(f->builtins, name)) || gk__err_occurred())
        return gk__xincref(v), v;
    raise_name_error(name);
    return NULL;
}

static int store_name(gk__frame *f, gk_object *name, gk_object *v)
{
    if (!f->locals) {
        gk__raise(&gk__exc_SystemError, "no locals found when storing %R", name);
        return -1;
    }
    if (gk__is_dict(f->locals))
        return gk__dict_set(f->locals, name, v);
    return gk__setitem(f->locals, name, v);
}

static int delete_from(gk_object *d, gk_object *name)
{
    int r = gk__is_dict(d) ? gk__dict_del(d, name) : gk__delitem(d, name);
    if (r < 0 && gk__err_matches(&gk__exc_KeyError)) {
        gk__err_clear();
        raise_name_error(name);
    }
    return r;
}

static gk_object *load_classderef(gk__frame *f, size_t i)
{
    gk_code *co = f->code;
    gk_object *name = cell_name(co, i);
    if (f->locals) {
        gk_object *v = gk__is_dict(f->locals) ? gk__dict_get(f->locals, name) : NULL;
        if (v)
            return gk__incref(v);
        if (gk__err_occurred())
            return NULL;
    }
    gk_object *v = gk__cell_get(f->localsplus[co->nlocals + i]);
    if (!v) {
        raise_unbound_deref(co, i);
        return NULL;
    }
    return gk__incref(v);
}

static int print_expr(gk_object *v)
{
    if (v == GK_NONE)
        return 0;
    gk_object *r = gk__repr(v);
    if (!r)
        return -1;
    int rc = gk__print_obj(r, NULL);
    gk__decref(r);
    if (rc < 0)
        return -1;
    return gk__rt && gk__rt->builtins ? gk__dict_set_cstr(gk__rt->builtins, "_", v) : 0;
}

static int setup_annotations(gk__frame *f)
{
    if (!f->locals) {
        gk__raise(&gk__exc_SystemError, "no locals found when setting up annotations");
        return -1;
    }
    gk_object *a = gk__dict_get_cstr(f->locals, "__annotations__");
    if (a || gk__err_occurred())
        return a ? 0 : -1;
    gk_object *d = gk__dict_new();
    if (!d)
        return -1;
    int r = gk__dict_set_cstr(f->locals, "__annotations__", d);
    gk__decref(d);
    return r;
}

/* ------------------------------------------------------------------ */
/* Attribute caches                                                    */

/* Objects whose type keeps the generic getattr/setattr are served from the
 * instruction's gk__attr_cache (code.h): while the type's version tag is the
 * one recorded, the MRO lookup of the name is known (`descr`, possibly NULL)
 * and only the instance dict is searched, first at the entry number where the
 * name was last found.  Anything else takes the generic path.  The caches
 * are touched only with the GIL held. */

enum { ATTR_DICT_NAME = 1 };   /* the name is "__dict__": always the generic path */

/* The cache of instruction idx, allocating the code's caches on first use
 * (NULL if out of memory: the caller then takes the generic path). */
static gk__attr_cache *attr_cache_at(gk_code *co, size_t idx)
{
    if (!co->attr_cache && !(co->attr_cache = calloc(co->ninstrs, sizeof(gk__attr_cache))))
        return NULL;
    return &co->attr_cache[idx];
}

/* Makes c describe type t and name: false when t cannot be cached. */
static bool attr_cache_fill(gk__attr_cache *c, gk_type *t, gk_object *name)
{
    uint64_t tag = gk__type_tag(t);
    gk_object *descr = gk__type_lookup(t, name);
    /* (the lookup may run an __eq__ that changes the type: then the tag is gone) */
    if (!tag || t->version_tag != tag || GK_TYPE(name) != &gk__str_type)
        return false;
    c->tag = tag;
    c->descr = descr;
    c->flags = gk__str_eq_cstr(name, "__dict__") ? ATTR_DICT_NAME : 0;
    return true;
}

/* The cache for o.name at instruction idx, valid for o's type, or NULL. */
static inline gk__attr_cache *attr_cache_get(gk_code *co, size_t idx, gk_type *t, gk_object *name)
{
    gk__attr_cache *c = co->attr_cache ? &co->attr_cache[idx] : attr_cache_at(co, idx);
    if (!c)
        return NULL;
    if (c->tag != t->version_tag || !c->tag) {
        if (!attr_cache_fill(c, t, name))
            return NULL;
    }
    return c->flags & ATTR_DICT_NAME ? NULL : c;
}

/* The instance dict of o (borrowed) or NULL. */
static inline gk_object *inst_dict(gk_object *o, gk_type *t)
{
    return t->dictoffset ? *(gk_object **)((char *)o + t->dictoffset) : NULL;
}

/* Calls descr.__get__(o, type) keeping descr alive across the call. */
static gk_object *descr_get_call(gk_descrgetfunc get, gk_object *descr, gk_object *o, gk_type *t)
{
    gk__incref(descr);
    gk_object *r = get(descr, o, (gk_object *)t);
    gk__decref(descr);
    return r;
}

/* LOAD_ATTR: o.name (new reference) or NULL. */
static inline gk_object *load_attr(gk_code *co, size_t idx, gk_object *o, gk_object *name)
{
    gk_type *t = GK_TYPE(o);
    gk__attr_cache *c;
    if (t->getattr != gk__object_generic_getattr || !(c = attr_cache_get(co, idx, t, name)))
        return gk__getattr(o, name);
    gk_object *descr = c->descr;
    gk_descrgetfunc get = NULL;
    if (descr) {
        get = GK_TYPE(descr)->descr_get;
        if (get && GK_TYPE(descr)->descr_set)
            return descr_get_call(get, descr, o, t);
    }
    gk_object *d = inst_dict(o, t);
    if (d) {
        gk_object *v = gk__dict_get_hinted(d, name, &c->hint);
        if (v)
            return gk__incref(v);
        if (gk__err_occurred())
            return NULL;
    }
    if (descr)
        return get ? descr_get_call(get, descr, o, t) : gk__incref(descr);
    return gk__object_generic_getattr(o, name);   /* raises AttributeError */
}

/* STORE_ATTR / DELETE_ATTR (v NULL): 0 / -1. */
static inline int store_attr(gk_code *co, size_t idx, gk_object *o, gk_object *name, gk_object *v)
{
    gk_type *t = GK_TYPE(o);
    gk__attr_cache *c;
    if (!v || t->setattr != gk__object_generic_setattr || !(c = attr_cache_get(co, idx, t, name)))
        return gk__setattr(o, name, v);
    gk_object *descr = c->descr;
    if (descr && GK_TYPE(descr)->descr_set) {
        gk__incref(descr);
        int r = GK_TYPE(descr)->descr_set(descr, o, v);
        gk__decref(descr);
        return r;
    }
    gk_object *d = inst_dict(o, t);
    if (!d)
        return gk__object_generic_setattr(o, name, v);
    return gk__dict_set_hinted(d, name, v, &c->hint);
}

/* LOAD_METHOD's lookup: returns 1 with *out a function to call with obj
 * prepended, 0 with *out the plain attribute, -1 on error. */
static inline int load_method(gk_code *co, size_t idx, gk_object *obj, gk_object *name, gk_object **out)
{
    gk_type *t = GK_TYPE(obj);
    gk__attr_cache *c;
    if (t->getattr == gk__object_generic_getattr && (c = attr_cache_get(co, idx, t, name))) {
        gk_object *descr = c->descr;
        gk_type *dt = descr ? GK_TYPE(descr) : NULL;
        if (dt == &gk__function_type || dt == &gk__method_descriptor_type) {
            gk_object *d = inst_dict(obj, t);
            gk_object *v = d ? gk__dict_get_hinted(d, name, &c->hint) : NULL;
            if (v) {
                *out = gk__incref(v);
                return 0;
            }
            if (d && gk__err_occurred())
                return -1;
            if (dt == &gk__function_type) {
                *out = gk__incref(descr);
                return 1;
            }
            /* A plain C method gets itself back when bound to no instance;
             * a class method comes back bound to the type. */
            gk_object *b = dt->descr_get(descr, NULL, (gk_object *)t);
            if (!b)
                return -1;
            *out = b;
            return b == descr;
        }
        *out = load_attr(co, idx, obj, name);
        return *out ? 0 : -1;
    }
    *out = gk__getattr(obj, name);
    return *out ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Arithmetic fast paths                                               */

/* Small-int fast path for BINARY_OP/INPLACE_OP; NULL when not applicable
 * (no exception set). */
static inline gk_object *int_fast_binop(gk_object *a, gk_object *b, int op)
{
    if (!GK__INT_EXACT_SMALL(a) || !GK__INT_EXACT_SMALL(b))
        return NULL;
    int64_t x = GK__INT_SMALL_V(a), y = GK__INT_SMALL_V(b), r;
    switch (op) {
    case GK_BINOP_ADD:
        if (__builtin_add_overflow(x, y, &r))
            return NULL;
        break;
    case GK_BINOP_SUB:
        if (__builtin_sub_overflow(x, y, &r))
            return NULL;
        break;
    case GK_BINOP_MUL:
        if (__builtin_mul_overflow(x, y, &r))
            return NULL;
        break;
    case GK_BINOP_FLOORDIV:
    case GK_BINOP_MOD: {
        if (y == 0 || (y == -1 && x == INT64_MIN))
            return NULL;
        int64_t q = x / y, m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) {
            q -= 1;
            m += y;
        }
        r = op == GK_BINOP_FLOORDIV ? q : m;
        break;
    }
    case GK_BINOP_AND: r = x & y; break;
    case GK_BINOP_OR: r = x | y; break;
    case GK_BINOP_XOR: r = x ^ y; break;
    default:
        return NULL;
    }
    return gk__int_from_i64(r);
}

/* The two operands as doubles when both are exact floats, or one is and the
 * other a small exact int that converts exactly (|v| <= 2**53, as python3's
 * int-to-float conversion then gives the same value).  false otherwise. */
static inline bool float_operands(gk_object *a, gk_object *b, double *x, double *y)
{
    gk_type *ta = GK_TYPE(a), *tb = GK_TYPE(b);
    if (ta == &gk__float_type) {
        *x = GK__FLOAT_V(a);
        if (tb == &gk__float_type) {
            *y = GK__FLOAT_V(b);
            return true;
        }
        if (GK__INT_EXACT_SMALL(b) && GK__INT_SMALL_V(b) <= ((int64_t)1 << 53) &&
            GK__INT_SMALL_V(b) >= -((int64_t)1 << 53)) {
            *y = (double)GK__INT_SMALL_V(b);
            return true;
        }
        return false;
    }
    if (tb == &gk__float_type && GK__INT_EXACT_SMALL(a) && GK__INT_SMALL_V(a) <= ((int64_t)1 << 53) &&
        GK__INT_SMALL_V(a) >= -((int64_t)1 << 53)) {
        *x = (double)GK__INT_SMALL_V(a);
        *y = GK__FLOAT_V(b);
        return true;
    }
    return false;
}

static inline gk_object *float_fast_binop(gk_object *a, gk_object *b, int op)
{
    double x, y;
    if (!float_operands(a, b, &x, &y))
        return NULL;
    switch (op) {
    case GK_BINOP_ADD: return gk__float_new(x + y);
    case GK_BINOP_SUB: return gk__float_new(x - y);
    case GK_BINOP_MUL: return gk__float_new(x * y);
    case GK_BINOP_TRUEDIV: return y != 0.0 ? gk__float_new(x / y) : NULL;
    default: return NULL;
    }
}

/* Float (or float with small int) comparison: 1 / 0, -1 when not applicable. */
static inline int float_fast_compare(gk_object *a, gk_object *b, int op)
{
    double x, y;
    if (!float_operands(a, b, &x, &y))
        return -1;
    switch (op) {
    case GK_LT: return x < y;
    case GK_LE: return x <= y;
    case GK_EQ: return x == y;
    case GK_NE: return x != y;
    case GK_GT: return x > y;
    default: return x >= y;
    }
}

static inline int int_fast_compare(gk_object *a, gk_object *b, int op)
{
    if (!GK__INT_EXACT_SMALL(a) || !GK__INT_EXACT_SMALL(b))
        return -1;
    int64_t x = GK__INT_SMALL_V(a), y = GK__INT_SMALL_V(b);
    switch (op) {
    case GK_LT: return x < y;
    case GK_LE: return x <= y;
    case GK_EQ: return x == y;
    case GK_NE: return x != y;
    case GK_GT: return x > y;
    default: return x >= y;
    }
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */

#if defined(__GNUC__) && !defined(GK_NO_COMPUTED_GOTO)
#define USE_COMPUTED_GOTO 1
#else
#define USE_COMPUTED_GOTO 0
#endif

#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])
#define SECOND() (sp[-2])
#define THIRD() (sp[-3])
#define PEEK(n) (sp[-(n)])
#define SET_TOP(v) (sp[-1] = (v))
#define SET_SECOND(v) (sp[-2] = (v))
#define JUMPTO(x) (next_instr = first_instr + (x))
#define INSTR_INDEX() ((int)(next_instr - first_instr) - 1)
#define NAME(i) (names[i])

#define FETCH() do { instr = *next_instr++; oparg = (int)GK_ARG(instr); } while (0)

#if USE_COMPUTED_GOTO
#define TARGET(op) op_##op:
#define DISPATCH() do { FETCH(); goto *targets[GK_OP(instr)]; } while (0)
#else
#define TARGET(op) case GK_OP_##op:
#define DISPATCH() goto dispatch
#endif

#define CHECK_BREAKER() do { \
        if (GK_EVAL_BREAKER_CHECK(ts) < 0) goto error; \
    } while (0)

static int line_of(gk_code *co, int pc)
{
    if (pc < 0)
        pc = 0;
    if ((size_t)pc >= co->ninstrs)
        pc = co->ninstrs ? (int)co->ninstrs - 1 : 0;
    return co->lines && co->ninstrs ? (int)co->lines[pc] : co->firstlineno;
}

/* Runs f until it returns or yields (see eval.h). */
gk_object *gk__eval_frame(gk__tstate *ts, gk__frame *f, int throwflag)
{
#if USE_COMPUTED_GOTO
    static const void *const targets[GK_OP_COUNT] = {
#define X(name, has_arg, doc) &&op_##name,
        GK_OPCODES(X)
#undef X
    };
#endif
    gk_code *co = f->code;
    gk_object *retval = NULL;
    int reraise = 0;
    if (++ts->recursion_depth > ts->recursion_limit) {
        --ts->recursion_depth;
        gk__raise(&gk__exc_RecursionError, "maximum recursion depth exceeded");
        f->state = GK_FRAME_DONE;
        return NULL;
    }
    f->back = ts->frame;
    ts->frame = f;
    f->state = GK_FRAME_RUNNING;

    const gk_instr *first_instr = co->instrs;
    const gk_instr *next_instr = first_instr + f->pc;
    /* fast locals and cells are addressed from f: fewer live values leave registers for sp
     * and next_instr across the loop's calls */
#define fastlocals (f->localsplus)
#define cells (f->localsplus + co->nlocals)
    gk_object **consts = gk__tuple_items(co->consts);
    gk_object **names = gk__tuple_items(co->names);
    gk_object **sp = f->sp;
    gk_instr instr;
    int oparg;

    if (throwflag) {
        next_instr = first_instr + f->lasti + 1;
        goto error;
    }
    if (f->pc == 0)
        CHECK_BREAKER();

#if USE_COMPUTED_GOTO
    DISPATCH();
#else
dispatch:
    FETCH();
    switch (GK_OP(instr)) {
#endif

    TARGET(NOP) {
        DISPATCH();
    }
    TARGET(POP_TOP) {
        gk_object *v = POP();
        gk__xdecref(v);
        DISPATCH();
    }
    TARGET(ROT_TWO) {
        gk_object *a = TOP();
        SET_TOP(SECOND());
        SET_SECOND(a);
        DISPATCH();
    }
    TARGET(ROT_THREE) {
        gk_object *c = TOP();
        sp[-1] = sp[-2];
        sp[-2] = sp[-3];
        sp[-3] = c;
        DISPATCH();
    }
    TARGET(ROT_FOUR) {
        gk_object *d = TOP();
        sp[-1] = sp[-2];
        sp[-2] = sp[-3];
        sp[-3] = sp[-4];
        sp[-4] = d;
        DISPATCH();
    }
    TARGET(DUP_TOP) {
        gk_object *v = TOP();
        PUSH(gk__incref(v));
        DISPATCH();
    }
    TARGET(DUP_TOP_TWO) {
        gk_object *a = SECOND(), *b = TOP();
        PUSH(gk__incref(a));
        PUSH(gk__incref(b));
        DISPATCH();
    }
    TARGET(LOAD_CONST) {
        PUSH(gk__incref(consts[oparg]));
        DISPATCH();
    }
    TARGET(LOAD_FAST) {
        gk_object *v = fastlocals[oparg];
        if (!v) {
            raise_unbound_local(GK_TUPLE_GET(co->varnames, oparg));
            goto error;
        }
        PUSH(gk__incref(v));
        DISPATCH();
    }
    TARGET(STORE_FAST) {
        gk_object *v = POP();
        GK_SETREF(fastlocals[oparg], v);
        DISPATCH();
    }
    TARGET(DELETE_FAST) {
        if (!fastlocals[oparg]) {
            raise_unbound_local(GK_TUPLE_GET(co->varnames, oparg));
            goto error;
        }
        GK_CLEAR(fastlocals[oparg]);
        DISPATCH();
    }
    TARGET(LOAD_NAME) {
        gk_object *v = load_name(f, NAME(oparg));
        if (!v)
            goto error;
        PUSH(v);
        DISPATCH();
    }
    TARGET(STORE_NAME) {
        gk_object *v = POP();
        int r = store_name(f, NAME(oparg), v);
        gk__decref(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DELETE_NAME) {
        if (!f->locals) {
            gk__raise(&gk__exc_SystemError, "no locals when deleting %R", NAME(oparg));
            goto error;
        }
        if (delete_from(f->locals, NAME(oparg)) < 0)
            goto error;
        DISPATCH();
    }
    TARGET(LOAD_GLOBAL) {
        gk_object *name = NAME(oparg);
        uint32_t *hint = &co->global_hints[oparg];
        gk_object *v = gk__dict_get_hinted(f->globals, name, hint);
        if (!v) {
            if (gk__err_occurred())
                goto error;
            v = gk__dict_get_hinted(f->builtins, name, hint);
            if (!v) {
                if (!gk__err_occurred())
                    raise_name_error(name);
                goto error;
            }
        }
        PUSH(gk__incref(v));
        DISPATCH();
    }
    TARGET(STORE_GLOBAL) {
        gk_object *v = POP();
        int r = gk__dict_set(f->globals, NAME(oparg), v);
        gk__decref(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DELETE_GLOBAL) {
        if (delete_from(f->globals, NAME(oparg)) < 0)
            goto error;
        DISPATCH();
    }
    TARGET(LOAD_DEREF) {
        gk_object *v = gk__cell_get(cells[oparg]);
        if (!v) {
            raise_unbound_deref(co, (size_t)oparg);
            goto error;
        }
        PUSH(gk__incref(v));
        DISPATCH();
    }
    TARGET(STORE_DEREF) {
        gk_object *v = POP();
        gk__cell_set(cells[oparg], v);
        gk__decref(v);
        DISPATCH();
    }
    TARGET(DELETE_DEREF) {
        if (!gk__cell_get(cells[oparg])) {
            raise_unbound_deref(co, (size_t)oparg);
            goto error;
        }
        gk__cell_set(cells[oparg], NULL);
        DISPATCH();
    }
    TARGET(LOAD_CLOSURE) {
        PUSH(gk__incref(cells[oparg]));
        DISPATCH();
    }
    TARGET(LOAD_CLASSDEREF) {
        gk_object *v = load_classderef(f, (size_t)oparg);
        if (!v)
            goto error;
        PUSH(v);
        DISPATCH();
    }
    TARGET(LOAD_ATTR) {
        gk_object *o = TOP();
        gk_object *v = load_attr(co, (size_t)INSTR_INDEX(), o, NAME(oparg));
        if (!v)
            goto error;
        SET_TOP(v);
        gk__decref(o);
        DISPATCH();
    }
    TARGET(STORE_ATTR) {
        gk_object *o = POP(), *v = POP();
        int r = store_attr(co, (size_t)INSTR_INDEX(), o, NAME(oparg), v);
        gk__decref(o);
        gk__decref(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DELETE_ATTR) {
        gk_object *o = POP();
        int r = gk__setattr(o, NAME(oparg), NULL);
        gk__decref(o);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(LOAD_METHOD) {
        gk_object *o = TOP(), *m = NULL;
        int r = load_method(co, (size_t)INSTR_INDEX(), o, NAME(oparg), &m);
        if (r < 0)
            goto error;
        if (r) {
            SET_TOP(m);
            PUSH(o);
        } else {
            SET_TOP(NULL);
            PUSH(m);
            gk__decref(o);
        }
        DISPATCH();
    }
    TARGET(CALL_METHOD) {
        gk_object **args = sp - oparg;
        gk_object *meth = args[-2], *res;
        if (meth)
            res = call_any(meth, args - 1, (size_t)oparg + 1, NULL);
        else
            res = call_any(args[-1], args, (size_t)oparg, NULL);
        while (sp > args - 2) {
            gk_object *v = POP();
            gk__xdecref(v);
        }
        if (!res)
            goto error;
        PUSH(res);
        DISPATCH();
    }
    TARGET(BINARY_SUBSCR) {
        gk_object *k = POP(), *o = TOP(), *v = NULL;
        if (GK_TYPE(k) == &gk__int_type && gk__int_is_small(k)) {
            int64_t i = gk__int_small_value(k);
            if (GK_TYPE(o) == &gk__list_type) {
                int64_t n = (int64_t)gk__list_size(o);
                if (i < 0)
                    i += n;
                if (i >= 0 && i < n)
                    v = gk__incref(GK_LIST_GET(o, i));
            } else if (GK_TYPE(o) == &gk__tuple_type) {
                int64_t n = (int64_t)gk__tuple_size(o);
                if (i < 0)
                    i += n;
                if (i >= 0 && i < n)
                    v = gk__incref(GK_TUPLE_GET(o, i));
            }
        }
        if (!v)
            v = gk__getitem(o, k);
        gk__decref(k);
        if (!v)
            goto error;
        SET_TOP(v);
        gk__decref(o);
        DISPATCH();
    }
    TARGET(STORE_SUBSCR) {
        gk_object *k = POP(), *o = POP(), *v = POP();
        int r = gk__setitem(o, k, v);
        gk__decref(k);
        gk__decref(o);
        gk__decref(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DELETE_SUBSCR) {
        gk_object *k = POP(), *o = POP();
        int r = gk__delitem(o, k);
        gk__decref(k);
        gk__decref(o);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(BUILD_SLICE) {
        gk_object *step = oparg == 3 ? POP() : NULL;
        gk_object *stop = POP(), *start = TOP();
        gk_object *s = gk__slice_new(start, stop, step);
        gk__xdecref(step);
        gk__decref(stop);
        if (!s)
            goto error;
        SET_TOP(s);
        gk__decref(start);
        DISPATCH();
    }
    TARGET(UNARY_POSITIVE) {
        gk_object *a = TOP(), *r = gk__pos(a);
        if (!r)
            goto error;
        SET_TOP(r);
        gk__decref(a);
        DISPATCH();
    }
    TARGET(UNARY_NEGATIVE) {
        gk_object *a = TOP(), *r = gk__neg(a);
        if (!r)
            goto error;
        SET_TOP(r);
        gk__decref(a);
        DISPATCH();
    }
    TARGET(UNARY_NOT) {
        gk_object *a = TOP();
        int t = gk__truthy(a);
        if (t < 0)
            goto error;
        SET_TOP(gk__bool(!t));
        gk__decref(a);
        DISPATCH();
    }
    TARGET(UNARY_INVERT) {
        gk_object *a = TOP(), *r = gk__invert(a);
        if (!r)
            goto error;
        SET_TOP(r);
        gk__decref(a);
        DISPATCH();
    }
    TARGET(BINARY_OP) {
        gk_object *b = POP(), *a = TOP();
        gk_object *r = int_fast_binop(a, b, oparg);
        if (!r) {
            if (oparg == GK_BINOP_ADD && GK_TYPE(a) == &gk__str_type && GK_TYPE(b) == &gk__str_type)
                r = gk__str_concat(a, b);
            else if (!(r = float_fast_binop(a, b, oparg)))
                r = gk__binop(a, b, oparg);
        }
        gk__decref(b);
        if (!r)
            goto error;
        SET_TOP(r);
        gk__decref(a);
        DISPATCH();
    }
    TARGET(INPLACE_OP) {
        gk_object *b = POP(), *a = TOP();
        gk_object *r = int_fast_binop(a, b, oparg);
        if (!r) {
            if (oparg == GK_BINOP_ADD && GK_TYPE(a) == &gk__str_type && GK_TYPE(b) == &gk__str_type)
                r = gk__str_concat(a, b);
            else if (!(r = float_fast_binop(a, b, oparg)))
                r = gk__inplace_binop(a, b, oparg);
        }
        gk__decref(b);
        if (!r)
            goto error;
        SET_TOP(r);
        gk__decref(a);
        DISPATCH();
    }
    TARGET(COMPARE_OP) {
        gk_object *b = POP(), *a = TOP(), *r;
        int c = int_fast_compare(a, b, oparg);
        if (c < 0)
            c = float_fast_compare(a, b, oparg);
        r = c >= 0 ? gk__bool(c) : gk__richcompare(a, b, oparg);
        gk__decref(b);
        if (!r)
            goto error;
        SET_TOP(r);
        gk__decref(a);
        DISPATCH();
    }
    TARGET(IS_OP) {
        gk_object *b = POP(), *a = TOP();
        int r = (a == b) ^ (oparg != 0);
        SET_TOP(gk__bool(r));
        gk__decref(a);
        gk__decref(b);
        DISPATCH();
    }
    TARGET(CONTAINS_OP) {
        gk_object *b = POP(), *a = TOP();
        int r = gk__contains(b, a);
        gk__decref(b);
        if (r < 0)
            goto error;
        SET_TOP(gk__bool(r ^ (oparg != 0)));
        gk__decref(a);
        DISPATCH();
    }
    TARGET(JUMP) {
        int here = INSTR_INDEX();
        JUMPTO(oparg);
        if (oparg <= here)
            CHECK_BREAKER();
        DISPATCH();
    }
    TARGET(POP_JUMP_IF_FALSE) {
        gk_object *v = POP();
        int t = v == GK_TRUE ? 1 : v == GK_FALSE ? 0 : gk__truthy(v);
        gk__decref(v);
        if (t < 0)
            goto error;
        if (!t) {
            int here = INSTR_INDEX();
            JUMPTO(oparg);
            if (oparg <= here)
                CHECK_BREAKER();
        }
        DISPATCH();
    }
    TARGET(POP_JUMP_IF_TRUE) {
        gk_object *v = POP();
        int t = v == GK_TRUE ? 1 : v == GK_FALSE ? 0 : gk__truthy(v);
        gk__decref(v);
        if (t < 0)
            goto error;
        if (t) {
            int here = INSTR_INDEX();
            JUMPTO(oparg);
            if (oparg <= here)
                CHECK_BREAKER();
        }
        DISPATCH();
    }
    TARGET(JUMP_IF_FALSE_OR_POP) {
        gk_object *v = TOP();
        int t = v == GK_TRUE ? 1 : v == GK_FALSE ? 0 : gk__truthy(v);
        if (t < 0)
            goto error;
        if (!t) {
            JUMPTO(oparg);
        } else {
            sp--;
            gk__decref(v);
        }
        DISPATCH();
    }
    TARGET(JUMP_IF_TRUE_OR_POP) {
        gk_object *v = TOP();
        int t = v == GK_TRUE ? 1 : v == GK_FALSE ? 0 : gk__truthy(v);
        if (t < 0)
            goto error;
        if (t) {
            JUMPTO(oparg);
        } else {
            sp--;
            gk__decref(v);
        }
        DISPATCH();
    }
    TARGET(GET_ITER) {
        gk_object *o = TOP(), *it = gk__iter(o);
        if (!it)
            goto error;
        SET_TOP(it);
        gk__decref(o);
        DISPATCH();
    }
    TARGET(FOR_ITER) {
        gk_object *it = TOP();
        gk_unaryfunc next = GK_TYPE(it)->iternext;
        gk_object *v = next ? next(it) : gk__iternext(it);
        if (v) {
            PUSH(v);
            DISPATCH();
        }
        if (gk__err_occurred()) {
            if (!gk__err_matches(&gk__exc_StopIteration))
                goto error;
            gk__err_clear();
        }
        sp--;
        gk__decref(it);
        JUMPTO(oparg);
        DISPATCH();
    }
    TARGET(BUILD_TUPLE) {
        /* `a, b = x, y`: a tuple unpacked at once is only a reordering of the stack */
        if (GK_OP(*next_instr) == GK_OP_UNPACK_SEQUENCE && (int)GK_ARG(*next_instr) == oparg) {
            for (int i = 0, j = oparg - 1; i < j; i++, j--) {
                gk_object *tmp = sp[-1 - i];
                sp[-1 - i] = sp[-1 - j];
                sp[-1 - j] = tmp;
            }
            next_instr++;
            DISPATCH();
        }
        gk_object *t = gk__tuple_new((size_t)oparg);
        if (!t)
            goto error;
        for (int i = oparg - 1; i >= 0; i--)
            GK_TUPLE_SET(t, i, POP());
        PUSH(t);
        DISPATCH();
    }
    TARGET(BUILD_LIST) {
        gk_object *l = gk__list_new((size_t)oparg);
        if (!l)
            goto error;
        for (int i = oparg - 1; i >= 0; i--)
            GK_LIST_SET(l, i, POP());
        PUSH(l);
        DISPATCH();
    }
    TARGET(BUILD_SET) {
        gk_object *s = gk__set_new(NULL);
        int err = !s;
        for (int i = oparg; i > 0; i--)
            if (!err && gk__set_add(s, PEEK(i)) < 0)
                err = 1;
        for (int i = 0; i < oparg; i++) {
            gk_object *v = POP();
            gk__decref(v);
        }
        if (err) {
            gk__xdecref(s);
            goto error;
        }
        PUSH(s);
        DISPATCH();
    }
    TARGET(BUILD_MAP) {
        gk_object *d = gk__dict_new();
        int err = !d;
        for (int i = 2 * oparg; i > 0; i -= 2)
            if (!err && gk__dict_set(d, PEEK(i), PEEK(i - 1)) < 0)
                err = 1;
        for (int i = 0; i < 2 * oparg; i++) {
            gk_object *v = POP();
            gk__decref(v);
        }
        if (err) {
            gk__xdecref(d);
            goto error;
        }
        PUSH(d);
        DISPATCH();
    }
    TARGET(BUILD_CONST_KEY_MAP) {
        gk_object *keys = TOP();
        gk_object *d = gk__dict_new();
        int err = !d;
        for (int i = 0; i < oparg && !err; i++)
            if (gk__dict_set(d, GK_TUPLE_GET(keys, i), PEEK(oparg + 1 - i)) < 0)
                err = 1;
        for (int i = 0; i < oparg + 1; i++) {
            gk_object *v = POP();
            gk__decref(v);
        }
        if (err) {
            gk__xdecref(d);
            goto error;
        }
        PUSH(d);
        DISPATCH();
    }
    TARGET(BUILD_STRING) {
        gk_object *s = build_string(sp - oparg, (size_t)oparg);
        for (int i = 0; i < oparg; i++) {
            gk_object *v = POP();
            gk__decref(v);
        }
        if (!s)
            goto error;
        PUSH(s);
        DISPATCH();
    }
    TARGET(LIST_APPEND) {
        gk_object *v = POP();
        int r = gk__list_append(PEEK(oparg), v);
        gk__decref(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(SET_ADD) {
        gk_object *v = POP();
        int r = gk__set_add(PEEK(oparg), v);
        gk__decref(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(MAP_ADD) {
        gk_object *v = POP(), *k = POP();
        int r = gk__dict_set(PEEK(oparg), k, v);
        gk__decref(v);
        gk__decref(k);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(LIST_EXTEND) {
        gk_object *it = POP();
        int r = list_extend_op(PEEK(oparg), it);
        gk__decref(it);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(SET_UPDATE) {
        gk_object *it = POP();
        int r = set_update_op(PEEK(oparg), it);
        gk__decref(it);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DICT_UPDATE) {
        gk_object *m = POP();
        int r = dict_update_op(PEEK(oparg), m);
        gk__decref(m);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DICT_MERGE) {
        gk_object *m = POP();
        gk_object *fname = function_str(PEEK(oparg + 2));
        int r = fname ? gk__dict_merge_kwargs(PEEK(oparg), m, fname) : -1;
        gk__xdecref(fname);
        gk__decref(m);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(LIST_TO_TUPLE) {
        gk_object *l = TOP(), *t = gk__list_as_tuple(l);
        if (!t)
            goto error;
        SET_TOP(t);
        gk__decref(l);
        DISPATCH();
    }
    TARGET(UNPACK_SEQUENCE) {
        gk_object *seq = POP();
        gk_object **items = NULL;
        size_t n = 0;
        if (GK_TYPE(seq) == &gk__tuple_type) {
            items = gk__tuple_items(seq);
            n = gk__tuple_size(seq);
        } else if (GK_TYPE(seq) == &gk__list_type) {
            items = gk__list_items(seq);
            n = gk__list_size(seq);
        }
        if (items && n == (size_t)oparg) {
            for (int i = oparg - 1; i >= 0; i--)
                PUSH(gk__incref(items[i]));
        } else if (items && n < (size_t)oparg) {
            gk__raise(&gk__exc_ValueError, "not enough values to unpack (expected %d, got %zu)", oparg, n);
            gk__decref(seq);
            goto error;
        } else if (items) {
            gk__raise(&gk__exc_ValueError, "too many values to unpack (expected %d)", oparg);
            gk__decref(seq);
            goto error;
        } else {
            int r = unpack_iterable(seq, (size_t)oparg, -1, sp + oparg);
            if (r < 0) {
                gk__decref(seq);
                goto error;
            }
            sp += oparg;
        }
        gk__decref(seq);
        DISPATCH();
    }
    TARGET(UNPACK_EX) {
        gk_object *seq = POP();
        int before = oparg & 0xff, after = oparg >> 8;
        int r = unpack_iterable(seq, (size_t)before, after, sp + before + 1 + after);
        gk__decref(seq);
        if (r < 0)
            goto error;
        sp += before + 1 + after;
        DISPATCH();
    }
    TARGET(CALL_FUNCTION) {
        gk_object **args = sp - oparg;
        gk_object *res = call_any(args[-1], args, (size_t)oparg, NULL);
        while (sp > args - 1) {
            gk_object *v = POP();
            gk__decref(v);
        }
        if (!res)
            goto error;
        PUSH(res);
        DISPATCH();
    }
    TARGET(CALL_FUNCTION_KW) {
        gk_object *kwnames = POP();
        gk_object **args = sp - oparg;
        size_t npos = (size_t)oparg - gk__tuple_size(kwnames);
        gk_object *res = call_any(args[-1], args, npos, kwnames);
        gk__decref(kwnames);
        while (sp > args - 1) {
            gk_object *v = POP();
            gk__decref(v);
        }
        if (!res)
            goto error;
        PUSH(res);
        DISPATCH();
    }
    TARGET(CALL_FUNCTION_EX) {
        gk_object *kwargs = (oparg & 1) ? POP() : NULL;
        gk_object *args = POP(), *func = TOP();
        gk_object *res = call_ex(func, args, kwargs);
        gk__xdecref(kwargs);
        gk__decref(args);
        if (!res)
            goto error;
        SET_TOP(res);
        gk__decref(func);
        DISPATCH();
    }
    TARGET(MAKE_FUNCTION) {
        gk_object **bottom;
        gk_object *fn = make_function(sp, oparg, &bottom);
        while (sp > bottom) {
            gk_object *v = POP();
            gk__decref(v);
        }
        if (!fn)
            goto error;
        PUSH(fn);
        DISPATCH();
    }
    TARGET(RETURN_VALUE) {
        retval = POP();
        f->state = GK_FRAME_DONE;
        goto exit;
    }
    TARGET(YIELD_VALUE) {
        retval = POP();
        f->pc = (int)(next_instr - first_instr);
        f->lasti = f->pc - 1;
        f->state = GK_FRAME_SUSPENDED;
        goto exit;
    }
    TARGET(GET_YIELD_FROM_ITER) {
        gk_object *o = TOP();
        if (!gk__is_generator(o)) {
            gk_object *it = gk__iter(o);
            if (!it)
                goto error;
            SET_TOP(it);
            gk__decref(o);
        }
        DISPATCH();
    }
    TARGET(YIELD_FROM) {
        gk_object *v = POP(), *res = NULL;
        f->lasti = INSTR_INDEX();
        int st = delegate_send(TOP(), v, &res);
        gk__decref(v);
        if (st < 0)
            goto error;
        if (st == 0) {
            gk_object *recv = TOP();
            SET_TOP(res);
            gk__decref(recv);
            DISPATCH();
        }
        retval = res;
        f->pc = INSTR_INDEX();
        f->lasti = f->pc;
        f->state = GK_FRAME_SUSPENDED;
        goto exit;
    }
    TARGET(SETUP_FINALLY) {
        gk__block *b = &f->blocks[f->nblocks++];
        b->type = GK_BLOCK_FINALLY;
        b->handler = oparg;
        b->level = (int)(sp - f->stack);
        DISPATCH();
    }
    TARGET(SETUP_WITH) {
        gk_object *ctx = TOP(), *res = NULL;
        gk_object *exit_b = with_enter(ctx, &res);
        if (!exit_b)
            goto error;
        SET_TOP(exit_b);
        gk__decref(ctx);
        gk__block *b = &f->blocks[f->nblocks++];
        b->type = GK_BLOCK_FINALLY;
        b->handler = oparg;
        b->level = (int)(sp - f->stack);
        PUSH(res);
        DISPATCH();
    }
    TARGET(POP_BLOCK) {
        f->nblocks--;
        DISPATCH();
    }
    TARGET(POP_EXCEPT) {
        gk__block *b = &f->blocks[--f->nblocks];
        if (b->type != GK_BLOCK_EXCEPT_HANDLER) {
            gk__raise(&gk__exc_SystemError, "popped block is not an except handler");
            goto error;
        }
        restore_exc_info(ts, POP());
        DISPATCH();
    }
    TARGET(RERAISE) {
        gk_object *exc = POP();
        gk__err_restore(exc);
        goto exception_unwind;
    }
    TARGET(RAISE_VARARGS) {
        gk_object *cause = oparg >= 2 ? POP() : NULL;
        gk_object *exc = oparg >= 1 ? POP() : NULL;
        do_raise(ts, exc, cause, &reraise);
        gk__xdecref(exc);
        gk__xdecref(cause);
        if (reraise)
            goto exception_unwind;
        goto error;
    }
    TARGET(JUMP_IF_NOT_EXC_MATCH) {
        gk_object *cls = POP(), *exc = POP();
        int bad = exc_match_check(cls);
        int m = bad < 0 ? 0 : gk__exc_matches(exc, cls);
        gk__decref(cls);
        gk__decref(exc);
        if (bad < 0)
            goto error;
        if (!m)
            JUMPTO(oparg);
        DISPATCH();
    }
    TARGET(WITH_EXCEPT_START) {
        gk_object *exc = TOP(), *exit_fn = THIRD();
        gk_object *tb = gk__exc_traceback(exc);
        gk_object *argv[3] = { (gk_object *)GK_TYPE(exc), exc, tb ? tb : GK_NONE };
        gk_object *res = gk__call(exit_fn, argv, 3, NULL);
        if (!res)
            goto error;
        PUSH(res);
        DISPATCH();
    }
    TARGET(LOAD_BUILD_CLASS) {
        gk_object *bc = gk__dict_get_cstr(f->builtins, "__build_class__");
        if (!bc) {
            gk__raise(&gk__exc_NameError, "__build_class__ not found");
            goto error;
        }
        PUSH(gk__incref(bc));
        DISPATCH();
    }
    TARGET(LOAD_ASSERTION_ERROR) {
        PUSH(gk__incref((gk_object *)&gk__exc_AssertionError));
        DISPATCH();
    }
    TARGET(IMPORT_NAME) {
        gk_object *fromlist = POP(), *level = TOP();
        int lv = gk__is_int(level) ? (int)gk__int_as_i64(level) : 0;
        gk_object *m = gk__import(NAME(oparg), f->globals, fromlist == GK_NONE ? NULL : fromlist, lv);
        gk__decref(fromlist);
        if (!m)
            goto error;
        SET_TOP(m);
        gk__decref(level);
        DISPATCH();
    }
    TARGET(IMPORT_FROM) {
        gk_object *v = import_from(TOP(), NAME(oparg));
        if (!v)
            goto error;
        PUSH(v);
        DISPATCH();
    }
    TARGET(IMPORT_STAR) {
        gk_object *m = POP();
        int r = import_star(m, f->locals);
        gk__decref(m);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(FORMAT_VALUE) {
        gk_object *spec = (oparg & 4) ? POP() : NULL;
        gk_object *v = TOP();
        gk_object *s = format_value(v, oparg & 3, spec);
        gk__xdecref(spec);
        if (!s)
            goto error;
        SET_TOP(s);
        gk__decref(v);
        DISPATCH();
    }
    TARGET(PRINT_EXPR) {
        gk_object *v = POP();
        int r = print_expr(v);
        gk__decref(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(SETUP_ANNOTATIONS) {
        if (setup_annotations(f) < 0)
            goto error;
        DISPATCH();
    }

#if !USE_COMPUTED_GOTO
    default:
        gk__raise(&gk__exc_SystemError, "unknown opcode %d", GK_OP(instr));
        goto error;
    }
#endif

error:
    {
        gk_object *exc = ts->curexc;
        if (!exc) {
            gk__raise(&gk__exc_SystemError, "error return without exception set");
            exc = ts->curexc;
        }
        f->lasti = INSTR_INDEX();
        if (ts->exc_info && ts->exc_info != exc && !gk__exc_context(exc) && gk__is_exception(exc))
            set_context(exc, ts->exc_info);
        if (gk__is_exception(exc))
            gk__traceback_add(exc, (gk_object *)co, line_of(co, f->lasti));
    }
exception_unwind:
    while (f->nblocks > 0) {
        gk__block *b = &f->blocks[--f->nblocks];
        if (b->type == GK_BLOCK_EXCEPT_HANDLER) {
            gk_object **lvl = f->stack + b->level + 1;
            while (sp > lvl) {
                gk_object *v = POP();
                gk__xdecref(v);
            }
            restore_exc_info(ts, POP());
            continue;
        }
        gk_object **lvl = f->stack + b->level;
        while (sp > lvl) {
            gk_object *v = POP();
            gk__xdecref(v);
        }
        int handler = b->handler;
        gk__block *h = &f->blocks[f->nblocks++];
        h->type = GK_BLOCK_EXCEPT_HANDLER;
        h->handler = -1;
        h->level = (int)(sp - f->stack);
        PUSH(ts->exc_info ? ts->exc_info : gk__incref(GK_NONE));
        gk_object *exc = ts->curexc;
        ts->curexc = NULL;
        ts->exc_info = gk__incref(exc);
        PUSH(exc);
        JUMPTO(handler);
        DISPATCH();
    }
    while (sp > f->stack) {
        gk_object *v = POP();
        gk__xdecref(v);
    }
    retval = NULL;
    f->state = GK_FRAME_DONE;

exit:
    f->sp = sp;
    ts->frame = f->back;
    f->back = NULL;
    --ts->recursion_depth;
    return retval;
}
