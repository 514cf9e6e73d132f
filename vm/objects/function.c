/*
 * vm/objects/function.c - Python functions, bound methods and cells.
 *
 * A function pairs a code object with the globals it was defined in, its
 * defaults and its closure (a tuple of cells).  Calling one is done by the
 * eval loop (gk__function_call in vm/eval.c).  Looking a function up on an
 * instance binds it into a bound method, whose call prepends `self`.
 * A cell is a box holding one variable shared between scopes.  This file
 * also binds call arguments to parameters (gk__function_bind), with
 * CPython 3.11's error messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eval.h"

#define FN(o) ((gk_function *)(o))

typedef struct {
    GK_HEAD;
    gk_object *func;
    gk_object *self;
} gk_method;

typedef struct {
    GK_HEAD;
    gk_object *value;   /* NULL when empty */
} gk_cell;

#define METH(o) ((gk_method *)(o))
#define CELL(o) ((gk_cell *)(o))

/* ------------------------------------------------------------------ */
/* function                                                            */

/* Returns a new function for code, defined in globals, named qualname
 * (the last dotted part gives __name__). */
gk_object *gk__function_new(gk_object *code, gk_object *globals, gk_object *qualname)
{
    gk_code *co = (gk_code *)code;
    gk_function *f = (gk_function *)gk__gc_new(&gk__function_type, sizeof(gk_function));
    if (!f)
        return NULL;
    f->code = gk__incref(code);
    f->globals = gk__incref(globals);
    gk_object *b = gk__rt ? gk__rt->builtins : NULL;
    if (!b)
        b = globals;
    f->builtins = gk__incref(b);
    f->name = gk__incref(co->name);
    f->qualname = gk__incref(qualname ? qualname : co->name);
    gk_object *doc = GK_NONE;
    if (gk__tuple_size(co->consts) > 0 && gk__is_str(GK_TUPLE_GET(co->consts, 0)))
        doc = GK_TUPLE_GET(co->consts, 0);
    f->doc = gk__incref(doc);
    gk_object *mod = gk__dict_get_cstr(globals, "__name__");
    if (mod)
        f->module = gk__incref(mod);
    return (gk_object *)f;
}

static int function_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    gk_function *f = FN(o);
    gk_object *parts[] = { f->code, f->globals, f->builtins, f->name, f->qualname, f->defaults,
                           f->kwdefaults, f->closure, f->dict, f->module, f->doc };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (parts[i]) {
            int r = visit(parts[i], arg);
            if (r)
                return r;
        }
    return 0;
}

static int function_clear(gk_object *o)
{
    gk_function *f = FN(o);
    GK_CLEAR(f->globals);
    GK_CLEAR(f->builtins);
    GK_CLEAR(f->defaults);
    GK_CLEAR(f->kwdefaults);
    GK_CLEAR(f->closure);
    GK_CLEAR(f->dict);
    GK_CLEAR(f->module);
    GK_CLEAR(f->doc);
    return 0;
}

static void function_dealloc(gk_object *o)
{
    function_clear(o);
    GK_CLEAR(FN(o)->code);
    GK_CLEAR(FN(o)->name);
    GK_CLEAR(FN(o)->qualname);
    gk__gc_free(o);
}

static gk_object *function_repr(gk_object *o)
{
    return gk__str_from_format("<function %s at %p>", gk__str_utf8(FN(o)->qualname), (void *)o);
}

static gk_object *function_descr_get(gk_object *descr, gk_object *obj, gk_object *type)
{
    if (!obj || obj == GK_NONE)
        return gk__incref(descr);
    return gk__method_new(descr, obj);
}

static gk_object *opt(gk_object *v) { return gk__incref(v ? v : GK_NONE); }

static gk_object *fn_get_name(gk_object *o, void *c) { return gk__incref(FN(o)->name); }
static gk_object *fn_get_qualname(gk_object *o, void *c) { return gk__incref(FN(o)->qualname); }
static gk_object *fn_get_doc(gk_object *o, void *c) { return opt(FN(o)->doc); }
static gk_object *fn_get_module(gk_object *o, void *c) { return opt(FN(o)->module); }
static gk_object *fn_get_defaults(gk_object *o, void *c) { return opt(FN(o)->defaults); }
static gk_object *fn_get_kwdefaults(gk_object *o, void *c) { return opt(FN(o)->kwdefaults); }
static gk_object *fn_get_code(gk_object *o, void *c) { return gk__incref(FN(o)->code); }
static gk_object *fn_get_globals(gk_object *o, void *c) { return gk__incref(FN(o)->globals); }
static gk_object *fn_get_closure(gk_object *o, void *c) { return opt(FN(o)->closure); }
static gk_object *fn_get_builtins(gk_object *o, void *c) { return gk__incref(FN(o)->builtins); }

static gk_object *fn_get_dict(gk_object *o, void *c)
{
    if (!FN(o)->dict && !(FN(o)->dict = gk__dict_new()))
        return NULL;
    return gk__incref(FN(o)->dict);
}

static int set_str_attr(gk_object **slot, gk_object *v, const char *what)
{
    if (!v || !gk__is_str(v)) {
        gk__raise(&gk__exc_TypeError, "%s must be set to a string object", what);
        return -1;
    }
    GK_SETREF(*slot, gk__incref(v));
    return 0;
}

static int fn_set_name(gk_object *o, gk_object *v, void *c)
{
    return set_str_attr(&FN(o)->name, v, "__name__");
}

static int fn_set_qualname(gk_object *o, gk_object *v, void *c)
{
    return set_str_attr(&FN(o)->qualname, v, "__qualname__");
}

static int fn_set_any(gk_object *o, gk_object *v, void *c)
{
    gk_object **slot = (gk_object **)((char *)o + (size_t)c);
    GK_SETREF(*slot, v && v != GK_NONE ? gk__incref(v) : NULL);
    return 0;
}

static int fn_set_defaults(gk_object *o, gk_object *v, void *c)
{
    if (v && v != GK_NONE && !gk__is_tuple(v)) {
        gk__raise(&gk__exc_TypeError, "__defaults__ must be set to a tuple object");
        return -1;
    }
    return fn_set_any(o, v, c);
}

static int fn_set_kwdefaults(gk_object *o, gk_object *v, void *c)
{
    if (v && v != GK_NONE && !gk__is_dict(v)) {
        gk__raise(&gk__exc_TypeError, "__kwdefaults__ must be set to a dict object");
        return -1;
    }
    return fn_set_any(o, v, c);
}

static int fn_set_doc(gk_object *o, gk_object *v, void *c)
{
    GK_SETREF(FN(o)->doc, gk__incref(v ? v : GK_NONE));
    return 0;
}

static int fn_set_dict(gk_object *o, gk_object *v, void *c)
{
    if (!v || !gk__is_dict(v)) {
        gk__raise(&gk__exc_TypeError, "__dict__ must be set to a dictionary, not a '%s'",
                  v ? GK_TYPE_NAME(v) : "NoneType");
        return -1;
    }
    GK_SETREF(FN(o)->dict, gk__incref(v));
    return 0;
}

static const gk__getsetdef function_getset[] = {
    { "__name__", fn_get_name, fn_set_name, NULL },
    { "__qualname__", fn_get_qualname, fn_set_qualname, NULL },
    { "__doc__", fn_get_doc, fn_set_doc, NULL },
    { "__module__", fn_get_module, fn_set_any, (void *)offsetof(gk_function, module) },
    { "__defaults__", fn_get_defaults, fn_set_defaults, (void *)offsetof(gk_function, defaults) },
    { "__kwdefaults__", fn_get_kwdefaults, fn_set_kwdefaults, (void *)offsetof(gk_function, kwdefaults) },
    { "__code__", fn_get_code, NULL, NULL },
    { "__globals__", fn_get_globals, NULL, NULL },
    { "__closure__", fn_get_closure, NULL, NULL },
    { "__builtins__", fn_get_builtins, NULL, NULL },
    { "__dict__", fn_get_dict, fn_set_dict, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__function_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "function",
    .basicsize = sizeof(gk_function),
    .flags = GK_TPFLAG_GC,
    .dictoffset = offsetof(gk_function, dict),
    .dealloc = function_dealloc,
    .repr = function_repr,
    .getattr = gk__object_generic_getattr,
    .setattr = gk__object_generic_setattr,
    .call = gk__function_call,
    .descr_get = function_descr_get,
    .traverse = function_traverse,
    .clear = function_clear,
    .getset = function_getset,
    .doc = "Create a function object.",
};

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
    gk__decref(s);
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
        locals[j] = gk__incref(kwvals[i]);
    }
    if (posonly_names) {
        gk_object *sep = gk__str_from_cstr(", ");
        gk_object *joined = sep ? gk__str_join(sep, posonly_names) : NULL;
        gk__xdecref(sep);
        if (joined) {
            gk__raise(&gk__exc_TypeError,
                      "%s() got some positional-only arguments passed as keyword arguments: '%s'",
                      fname_of(fn), gk__str_utf8(joined));
            gk__decref(joined);
        }
        goto fail;
    }
    return 0;
fail:
    gk__xdecref(posonly_names);
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
                locals[i] = gk__incref(GK_TUPLE_GET(fn->defaults, i - m));
    }
    for (int i = co->argcount; i < co->argcount + co->kwonlyargcount; i++) {
        if (locals[i])
            continue;
        gk_object *name = GK_TUPLE_GET(co->varnames, i);
        gk_object *def = fn->kwdefaults ? gk__dict_get(fn->kwdefaults, name) : NULL;
        if (def)
            locals[i] = gk__incref(def);
        else if (nmissing < 256)
            missing[nmissing++] = name;
    }
    if (nmissing) {
        raise_missing(fn, missing, nmissing, "keyword-only");
        return -1;
    }
    return 0;
}

/* Binds a call's arguments into the fast locals of a new frame (see eval.h). */
int gk__function_bind(gk_function *fn, gk_object **locals, gk_object *const *args, size_t nargs,
                      gk_object *kwnames)
{
    gk_code *co = (gk_code *)fn->code;
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
        locals[i] = gk__incref(args[i]);
    if (co->flags & GK_CO_VARARGS) {
        gk_object *t = nargs > argc ? gk__tuple_from_array(args + argc, nargs - argc)
                                    : gk__incref(gk__empty_tuple);
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

/* ------------------------------------------------------------------ */
/* bound method                                                        */

/* Returns a bound method calling func with self prepended. */
gk_object *gk__method_new(gk_object *func, gk_object *self)
{
    gk_method *m = (gk_method *)gk__gc_new(&gk__method_type, sizeof(gk_method));
    if (!m)
        return NULL;
    m->func = gk__incref(func);
    m->self = gk__incref(self);
    return (gk_object *)m;
}

static gk_object *method_call(gk_object *o, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    gk_method *m = METH(o);
    size_t total = nargs + (kwnames ? gk__tuple_size(kwnames) : 0);
    gk_object *small[8];
    gk_object **buf = small;
    if (total + 1 > sizeof small / sizeof small[0]) {
        buf = malloc((total + 1) * sizeof(gk_object *));
        if (!buf)
            return gk__raise_nomemory();
    }
    buf[0] = m->self;
    if (total)
        memcpy(buf + 1, args, total * sizeof(gk_object *));
    gk_object *res;
    if (GK_TYPE(m->func) == &gk__function_type)
        res = gk__function_call(m->func, buf, nargs + 1, kwnames);
    else
        res = gk__call(m->func, buf, nargs + 1, kwnames);
    if (buf != small)
        free(buf);
    return res;
}

static int method_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    int r = METH(o)->func ? visit(METH(o)->func, arg) : 0;
    if (!r && METH(o)->self)
        r = visit(METH(o)->self, arg);
    return r;
}

static int method_clear(gk_object *o)
{
    GK_CLEAR(METH(o)->func);
    GK_CLEAR(METH(o)->self);
    return 0;
}

static void method_dealloc(gk_object *o)
{
    method_clear(o);
    gk__gc_free(o);
}

static gk_object *method_repr(gk_object *o)
{
    gk_method *m = METH(o);
    gk_object *name = gk__getattr_opt(m->func, gk__str_intern("__qualname__"));
    if (!name) {
        if (gk__err_occurred())
            return NULL;
        name = gk__getattr_opt(m->func, gk__str_intern("__name__"));
        if (!name && gk__err_occurred())
            return NULL;
    }
    gk_object *res = gk__str_from_format("<bound method %s of %R>",
                                         name && gk__is_str(name) ? gk__str_utf8(name) : "?", m->self);
    gk__xdecref(name);
    return res;
}

static gk_object *method_richcompare(gk_object *a, gk_object *b, int op)
{
    if ((op != GK_EQ && op != GK_NE) || GK_TYPE(a) != &gk__method_type || GK_TYPE(b) != &gk__method_type)
        return gk__incref(GK_NOTIMPLEMENTED);
    int eq = METH(a)->self == METH(b)->self;
    if (eq) {
        eq = gk__richcompare_bool(METH(a)->func, METH(b)->func, GK_EQ);
        if (eq < 0)
            return NULL;
    }
    return gk__bool(op == GK_EQ ? eq : !eq);
}

static int64_t method_hash(gk_object *o)
{
    int64_t a = (int64_t)((uintptr_t)METH(o)->self >> 4);
    int64_t b = gk__hash(METH(o)->func);
    if (b == -1)
        return -1;
    int64_t h = a ^ b;
    return h == -1 ? -2 : h;
}

static gk_object *method_getattr(gk_object *o, gk_object *name)
{
    gk_object *r = gk__object_generic_getattr(o, name);
    if (r || !gk__err_matches(&gk__exc_AttributeError))
        return r;
    gk__err_clear();
    return gk__getattr(METH(o)->func, name);
}

static gk_object *method_descr_get(gk_object *descr, gk_object *obj, gk_object *type)
{
    return gk__incref(descr);
}

static gk_object *m_get_self(gk_object *o, void *c) { return gk__incref(METH(o)->self); }
static gk_object *m_get_func(gk_object *o, void *c) { return gk__incref(METH(o)->func); }

static gk_object *m_get_doc(gk_object *o, void *c)
{
    return gk__getattr_cstr(METH(o)->func, "__doc__");
}

static const gk__getsetdef method_getset[] = {
    { "__self__", m_get_self, NULL, NULL },
    { "__func__", m_get_func, NULL, NULL },
    { "__doc__", m_get_doc, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__method_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "method",
    .basicsize = sizeof(gk_method),
    .flags = GK_TPFLAG_GC,
    .dealloc = method_dealloc,
    .repr = method_repr,
    .hash = method_hash,
    .richcompare = method_richcompare,
    .getattr = method_getattr,
    .call = method_call,
    .descr_get = method_descr_get,
    .traverse = method_traverse,
    .clear = method_clear,
    .getset = method_getset,
    .doc = "Create a bound instance method object.",
};

/* ------------------------------------------------------------------ */
/* cell                                                                */

/* Returns a new cell holding value (NULL: empty). */
gk_object *gk__cell_new(gk_object *value)
{
    gk_cell *c = (gk_cell *)gk__gc_new(&gk__cell_type, sizeof(gk_cell));
    if (!c)
        return NULL;
    gk__xincref(value);
    c->value = value;
    return (gk_object *)c;
}

/* Returns the cell's content (BORROWED) or NULL when empty. */
gk_object *gk__cell_get(gk_object *cell) { return CELL(cell)->value; }

/* Replaces the content (no steal; NULL empties). */
void gk__cell_set(gk_object *cell, gk_object *value)
{
    gk__xincref(value);
    GK_SETREF(CELL(cell)->value, value);
}

static int cell_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    return CELL(o)->value ? visit(CELL(o)->value, arg) : 0;
}

static int cell_clear(gk_object *o)
{
    GK_CLEAR(CELL(o)->value);
    return 0;
}

static void cell_dealloc(gk_object *o)
{
    cell_clear(o);
    gk__gc_free(o);
}

static gk_object *cell_repr(gk_object *o)
{
    gk_object *v = CELL(o)->value;
    if (!v)
        return gk__str_from_format("<cell at %p: empty>", (void *)o);
    return gk__str_from_format("<cell at %p: %s object at %p>", (void *)o, GK_TYPE_NAME(v), (void *)v);
}

static gk_object *cell_get_contents(gk_object *o, void *c)
{
    if (!CELL(o)->value)
        return gk__raise(&gk__exc_ValueError, "Cell is empty");
    return gk__incref(CELL(o)->value);
}

static int cell_set_contents(gk_object *o, gk_object *v, void *c)
{
    gk__cell_set(o, v);
    return 0;
}

static const gk__getsetdef cell_getset[] = {
    { "cell_contents", cell_get_contents, cell_set_contents, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__cell_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "cell",
    .basicsize = sizeof(gk_cell),
    .flags = GK_TPFLAG_GC,
    .dealloc = cell_dealloc,
    .repr = cell_repr,
    .getattr = gk__object_generic_getattr,
    .traverse = cell_traverse,
    .clear = cell_clear,
    .getset = cell_getset,
    .doc = "Create a new cell object.",
};
