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
 * This file also owns calling Python functions (argument binding with
 * CPython 3.11's messages), module and class bodies (gk__eval_code,
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
        gk_decref(prev);
        prev = NULL;
    }
    GK_SETREF(ts->exc_info, prev);
}

/* ------------------------------------------------------------------ */
/* Argument binding                                                    */

static const char *fname_of(gk_function *fn) { return gk__str_utf8(fn->qualname); }

/* "'a'", "'a' and 'b'", "'a', 'b', and 'c'" */
static void raise_missing(gk_function *fn, gk_object **names, size_t n, const char *kind)
{
    gk__strbuf b;
    gk__strbuf_init(&b);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && n > 2)
            gk__strbuf_append_cstr(&b, ", ");
        if (i == n - 1 && n > 1)
            gk__strbuf_append_cstr(&b, n > 2 ? "and " : " and ");
        gk__strbuf_printf(&b, "'%s'", gk__str_utf8(names[i]));
    }
    gk_object *s = gk__strbuf_finish(&b);
    if (!s)
        return;
    gk__raise(&gk__exc_TypeError, "%s() missing %zu required %s argument%s: %s", fname_of(fn), n, kind,
              n == 1 ? "" : "s", gk__str_utf8(s));
    gk_decref(s);
}

static void raise_too_many_positional(gk_function *fn, gk_code *co, gk_object **locals, size_t given)
{
    size_t argc = (size_t)co->argcount;
    size_t ndef = fn->defaults ? gk__tuple_size(fn->defaults) : 0;
    size_t kwonly_given = 0;
    for (int i = co->argcount; i < co->argcount + co->kwonlyargcount; i++)
        kwonly_given += locals[i] != NULL;
    char sig[64], kwsig[96] = "";
    int plural;
    if (ndef) {
        snprintf(sig, sizeof sig, "from %zu to %zu", argc - ndef, argc);
        plural = 1;
    } else {
        snprintf(sig, sizeof sig, "%zu", argc);
        plural = argc != 1;
    }
    if (kwonly_given)
        snprintf(kwsig, sizeof kwsig, " positional argument%s (and %zu keyword-only argument%s)",
                 given != 1 ? "s" : "", kwonly_given, kwonly_given != 1 ? "s" : "");
    gk__raise(&gk__exc_TypeError, "%s() takes %s positional argument%s but %zu%s %s given", fname_of(fn),
              sig, plural ? "s" : "", given, kwsig, given == 1 && !kwonly_given ? "was" : "were");
}

/* Index of keyword `name` among the parameters that accept keywords, or -1. */
static int find_keyword(gk_code *co, gk_object *name, int *posonly_hit)
{
    gk_object **vn = gk__tuple_items(co->varnames);
    int total = co->argcount + co->kwonlyargcount;
    for (int j = co->posonlyargcount; j < total; j++)
        if (vn[j] == name)
            return j;
    for (int j = co->posonlyargcount; j < total; j++)
        if (gk__str_eq(vn[j], name))
            return j;
    *posonly_hit = 0;
    for (int j = 0; j < co->posonlyargcount; j++)
        if (gk__str_eq(vn[j], name))
            *posonly_hit = 1;
    return -1;
}

static int bind_keywords(gk_function *fn, gk_code *co, gk_object **locals, gk_object *const *kwvals,
                         gk_object *kwnames, gk_object *kwdict)
{
    size_t nkw = gk__tuple_size(kwnames);
    gk_object *posonly_names = NULL;
    for (size_t i = 0; i < nkw; i++) {
        gk_object *name = GK_TUPLE_GET(kwnames, i);
        int posonly = 0;
        int j = find_keyword(co, name, &posonly);
        if (j < 0) {
            if (kwdict) {
                if (gk__dict_set(kwdict, name, kwvals[i]) < 0)
                    goto fail;
                continue;
            }
            if (posonly) {
                if (!posonly_names && !(posonly_names = gk__list_new(0)))
                    goto fail;
                if (gk__list_append(posonly_names, name) < 0)
                    goto fail;
                continue;
            }
            gk__raise(&gk__exc_TypeError, "%s() got an unexpected keyword argument '%s'", fname_of(fn),
                      gk__str_utf8(name));
            goto fail;
        }
        if (locals[j]) {
            gk__raise(&gk__exc_TypeError, "%s() got multiple values for argument '%s'", fname_of(fn),
                      gk__str_utf8(name));
            goto fail;
        }
        locals[j] = gk_incref(kwvals[i]);
    }
    if (posonly_names) {
        gk_object *sep = gk__str_from_cstr(", ");
        gk_object *joined = sep ? gk__str_join(sep, posonly_names) : NULL;
        gk_xdecref(sep);
        if (joined) {
            gk__raise(&gk__exc_TypeError,
                      "%s() got some positional-only arguments passed as keyword arguments: '%s'",
                      fname_of(fn), gk__str_utf8(joined));
            gk_decref(joined);
        }
        goto fail;
    }
    return 0;
fail:
    gk_xdecref(posonly_names);
    return -1;
}

static int fill_defaults(gk_function *fn, gk_code *co, gk_object **locals, size_t nargs)
{
    size_t argc = (size_t)co->argcount;
    size_t ndef = fn->defaults ? gk__tuple_size(fn->defaults) : 0;
    gk_object *missing[256];
    size_t nmissing = 0;
    if (nargs < argc) {
        size_t m = argc - ndef;
        for (size_t i = nargs; i < m; i++)
            if (!locals[i] && nmissing < 256)
                missing[nmissing++] = GK_TUPLE_GET(co->varnames, i);
        if (nmissing) {
            raise_missing(fn, missing, nmissing, "positional");
            return -1;
        }
        for (size_t i = nargs > m ? nargs : m; i < argc; i++)
            if (!locals[i])
                locals[i] = gk_incref(GK_TUPLE_GET(fn->defaults, i - m));
    }
    for (int i = co->argcount; i < co->argcount + co->kwonlyargcount; i++) {
        if (locals[i])
            continue;
        gk_object *name = GK_TUPLE_GET(co->varnames, i);
        gk_object *def = fn->kwdefaults ? gk__dict_get(fn->kwdefaults, name) : NULL;
        if (def)
            locals[i] = gk_incref(def);
        else if (nmissing < 256)
            missing[nmissing++] = name;
    }
    if (nmissing) {
        raise_missing(fn, missing, nmissing, "keyword-only");
        return -1;
    }
    return 0;
}

/* Binds a call's arguments into the fast locals of a new frame. */
static int bind_args(gk_function *fn, gk_code *co, gk_object **locals, gk_object *const *args, size_t nargs,
                     gk_object *kwnames)
{
    size_t argc = (size_t)co->argcount;
    size_t total = argc + (size_t)co->kwonlyargcount;
    gk_object *kwdict = NULL;
    if (co->flags & GK_CO_VARKEYWORDS) {
        if (!(kwdict = gk__dict_new()))
            return -1;
        locals[total + ((co->flags & GK_CO_VARARGS) ? 1 : 0)] = kwdict;
    }
    size_t npos = nargs < argc ? nargs : argc;
    for (size_t i = 0; i < npos; i++)
        locals[i] = gk_incref(args[i]);
    if (co->flags & GK_CO_VARARGS) {
        gk_object *t = nargs > argc ? gk__tuple_from_array(args + argc, nargs - argc)
                                    : gk_incref(gk__empty_tuple);
        if (!t)
            return -1;
        locals[total] = t;
    }
    if (kwnames && gk__tuple_size(kwnames) > 0 &&
        bind_keywords(fn, co, locals, args + nargs, kwnames, kwdict) < 0)
        return -1;
    if (nargs > argc && !(co->flags & GK_CO_VARARGS)) {
        raise_too_many_positional(fn, co, locals, nargs);
        return -1;
    }
    return fill_defaults(fn, co, locals, nargs);
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
        gk_xdecref(v);
        if (!cells[i])
            return -1;
    }
    size_t nfree = gk__tuple_size(co->freevars);
    if (nfree && (!closure || gk__tuple_size(closure) < nfree)) {
        gk__raise(&gk__exc_SystemError, "code object needs a closure of %zu cells", nfree);
        return -1;
    }
    for (size_t i = 0; i < nfree; i++)
        cells[nc + i] = gk_incref(GK_TUPLE_GET(closure, i));
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
            f->localsplus[i] = gk_incref(args[i]);
    } else if (bind_args(fn, co, f->localsplus, args, nargs, kwnames) < 0) {
        goto fail;
    }
    if ((co->cell2arg || gk__tuple_size(co->cellvars) || gk__tuple_size(co->freevars)) &&
        init_cells(f, co, fn->closure) < 0)
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
    if (meta == (gk_object *)&gk__type_type)
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
        gk_incref(cell);
    if (cell && gk__dict_del_cstr(ns, "__classcell__") < 0) {
        gk_decref(cell);
        goto fail;
    }
    cls = make_class(meta, name, bases, ns, rest_vals, rest_names);
    if (cls && cell && GK_TYPE(cell) == &gk__cell_type)
        gk__cell_set(cell, cls);
    gk_xdecref(cell);
fail:
    gk_xdecref(body);
    gk_xdecref(ns);
    gk_xdecref(bases);
    gk_xdecref(rest_names);
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
        return gk_incref(f->locals);
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
    gk_decref(d);
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
    v = gk_incref(v ? v : GK_NONE);
    gk_decref(exc);
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
        gk__err_restore(gk_incref(ts->exc_info));
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
            gk_decref(value);
            return;
        }
    } else if (gk__is_exception(exc)) {
        value = gk_incref(exc);
    } else {
        gk__raise(&gk__exc_TypeError, "exceptions must derive from BaseException");
        return;
    }
    if (cause) {
        gk_object *c = NULL;
        if (cause == GK_NONE) {
            c = gk_incref(cause);
        } else if (gk__is_type(cause) && gk__type_is_subtype((gk_type *)cause, &gk__exc_BaseException)) {
            if (!(c = gk__call0(cause)))
                goto fail;
        } else if (gk__is_exception(cause)) {
            c = gk_incref(cause);
        } else {
            gk__raise(&gk__exc_TypeError, "exception causes must derive from BaseException");
            goto fail;
        }
        gk__exc_set_cause(value, c);
        gk_decref(c);
    }
    if (ts->exc_info && ts->exc_info != value)
        set_context(value, ts->exc_info);
    gk__err_restore(value);
    return;
fail:
    gk_decref(value);
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
            gk_decref(extra);
            gk__raise(&gk__exc_ValueError, "too many values to unpack (expected %zu)", n);
            goto fail;
        }
        if (gk__err_occurred())
            goto fail;
        gk_decref(it);
        return 0;
    }
    gk_object *rest = gk__sequence_list(it);
    if (!rest)
        goto fail;
    size_t nrest = gk__list_size(rest);
    if (nrest < (size_t)after) {
        gk__raise(&gk__exc_ValueError, "not enough values to unpack (expected at least %zu, got %zu)",
                  n + (size_t)after, n + nrest);
        gk_decref(rest);
        goto fail;
    }
    for (size_t k = 0; k < (size_t)after; k++) {
        /* the last item of rest goes deepest */
        top[-1 - (intptr_t)(n + 1 + k)] = gk_incref(GK_LIST_GET(rest, nrest - (size_t)after + k));
    }
    /* shrink the list by `after` items */
    for (size_t k = 0; k < (size_t)after; k++) {
        gk_object *p = gk__list_pop(rest, -1);
        if (!p) {
            gk_decref(rest);
            for (size_t j = 0; j < (size_t)after; j++)
                GK_CLEAR(top[-1 - (intptr_t)(n + 1 + j)]);
            goto fail;
        }
        gk_decref(p);
    }
    top[-1 - (intptr_t)n] = rest;
    gk_decref(it);
    return 0;
fail:
    for (size_t k = 0; k < got; k++)
        GK_CLEAR(top[-1 - (intptr_t)k]);
    gk_decref(it);
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
        gk_decref(full);
        if (v) {
            gk_decref(modname);
            return gk_incref(v);
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
    gk_xdecref(file);
fail:
    gk_xdecref(modname);
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
        gk_decref(d);
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
        gk_decref(v);
        if (r < 0)
            goto done;
    }
    rc = 0;
done:
    gk_xdecref(all);
    gk_xdecref(names);
    return rc;
}

static gk_object *format_value(gk_object *v, int conv, gk_object *spec)
{
    gk_object *s = NULL;
    switch (conv) {
    case 1: s = gk__str(v); break;
    case 2: s = gk__repr(v); break;
    case 3: s = gk__ascii(v); break;
    default: s = gk_incref(v); break;
    }
    if (!s)
        return NULL;
    if (!spec && GK_TYPE(s) == &gk__str_type)
        return s;
    gk_object *r = gk__format(s, spec);
    gk_decref(s);
    return r;
}

static gk_object *make_function(gk_object **sp, int oparg, gk_object **popped_to)
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
        GK_SETREF(fn->builtins, gk_incref(f->builtins));
    fn->closure = closure ? gk_incref(closure) : NULL;
    fn->kwdefaults = kwdefaults && kwdefaults != GK_NONE ? gk_incref(kwdefaults) : NULL;
    fn->defaults = defaults && defaults != GK_NONE ? gk_incref(defaults) : NULL;
    return (gk_object *)fn;
}

static gk_object *call_ex(gk_object *func, gk_object *args, gk_object *kwargs)
{
    gk_object *t = NULL, *d = NULL, *res = NULL;
    if (GK_TYPE(args) == &gk__tuple_type) {
        t = gk_incref(args);
    } else if (!(t = gk__sequence_tuple(args))) {
        if (gk__err_matches(&gk__exc_TypeError) && !GK_TYPE(args)->iter && !GK_TYPE(args)->getitem) {
            gk__err_clear();
            gk_object *r = gk__repr(func);
            gk__raise(&gk__exc_TypeError, "%s argument after * must be an iterable, not %s",
                      r ? gk__str_utf8(r) : "function", GK_TYPE_NAME(args));
            gk_xdecref(r);
        }
        return NULL;
    }
    if (kwargs && !gk__is_dict(kwargs)) {
        if (!(d = gk__dict_new()))
            goto done;
        if (gk__dict_update(d, kwargs) < 0) {
            if (gk__err_matches(&gk__exc_TypeError) || gk__err_matches(&gk__exc_AttributeError)) {
                gk__err_clear();
                gk__raise(&gk__exc_TypeError, "argument after ** must be a mapping, not %s",
                          GK_TYPE_NAME(kwargs));
            }
            goto done;
        }
        kwargs = d;
    }
    res = gk__call_tuple_dict(func, t, kwargs && gk__dict_size(kwargs) ? kwargs : NULL);
done:
    gk_xdecref(t);
    gk_xdecref(d);
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
        ? GK_TYPE(exit_d)->descr_get(exit_d, ctx, (gk_object *)t) : gk_incref(exit_d);
    if (!exit_b)
        return NULL;
    gk_object *r = gk__call_special(ctx, "__enter__", NULL, 0);
    if (!r) {
        gk_decref(exit_b);
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

static int set_update_op(gk_object *set, gk_object *it)
{
    gk_object *i = gk__iter(it);
    if (!i)
        return -1;
    gk_object *v;
    while ((v = gk__iternext(i))) {
        int r = gk__set_add(set, v);
        gk_decref(v);
        if (r < 0) {
            gk_decref(i);
            return -1;
        }
    }
    gk_decref(i);
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
                return gk_incref(v);
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
        return gk_xincref(v), v;
    if ((v = gk__dict_get(f->builtins, name)) || gk__err_occurred())
        return gk_xincref(v), v;
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
            return gk_incref(v);
        if (gk__err_occurred())
            return NULL;
    }
    gk_object *v = gk__cell_get(f->localsplus[co->nlocals + i]);
    if (!v) {
        raise_unbound_deref(co, i);
        return NULL;
    }
    return gk_incref(v);
}

static int print_expr(gk_object *v)
{
    if (v == GK_NONE)
        return 0;
    gk_object *r = gk__repr(v);
    if (!r)
        return -1;
    int rc = gk__print_obj(r, NULL);
    gk_decref(r);
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
    gk_decref(d);
    return r;
}

/* LOAD_METHOD's lookup: returns 1 with *out a function to call with obj
 * prepended, 0 with *out the plain attribute, -1 on error. */
static int load_method(gk_object *obj, gk_object *name, gk_object **out)
{
    gk_type *t = GK_TYPE(obj);
    if (t->getattr == gk__object_generic_getattr) {
        gk_object *descr = gk__type_lookup(t, name);
        if (descr && GK_TYPE(descr) == &gk__function_type) {
            gk_object **dp = gk__object_dictptr(obj);
            gk_object *v = dp && *dp ? gk__dict_get(*dp, name) : NULL;
            if (v) {
                *out = gk_incref(v);
                return 0;
            }
            if (gk__err_occurred())
                return -1;
            *out = gk_incref(descr);
            return 1;
        }
    }
    *out = gk__getattr(obj, name);
    return *out ? 0 : -1;
}
