/*
 * vm/objects/call.c - calling objects and parsing built-in arguments, plus
 * the two types that wrap C functions: builtin_function_or_method (a C
 * function bound to a receiver, a module or nothing) and method_descriptor
 * (a C method found in a built-in type's dict, bound on attribute lookup).
 *
 * Everything calls through the one vectorcall convention of object.h:
 * positional arguments followed by keyword values named by a kwnames tuple.
 */
#include <stdlib.h>
#include <string.h>
#include "objects.h"
#include "code.h"

/* ------------------------------------------------------------------ */
/* Calling                                                              */

/* gk__call when there are keywords or nothing to call. */
__attribute__((noinline)) static gk_object *call_slow(gk_object *callable, gk_object *const *args, size_t nargs,
                                                      gk_object *kwnames)
{
    gk_callfunc f = GK_TYPE(callable)->call;
    if (!f)
        return gk__raise(&gk__exc_TypeError, "'%s' object is not callable", GK_TYPE_NAME(callable));
    if (kwnames && gk__tuple_size(kwnames) == 0)
        kwnames = NULL;
    return f(callable, args, nargs, kwnames);
}

/* Calls callable through its type's call slot.  The common case (a call
 * slot, no keywords) is a tail call with no stack frame of its own. */
gk_object *gk__call(gk_object *callable, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    gk_callfunc f = GK_TYPE(callable)->call;
    if (f && !kwnames)
        return f(callable, args, nargs, NULL);
    return call_slow(callable, args, nargs, kwnames);
}

/* callable() */
gk_object *gk__call0(gk_object *callable)
{
    return gk__call(callable, NULL, 0, NULL);
}

/* callable(a) */
gk_object *gk__call1(gk_object *callable, gk_object *a)
{
    return gk__call(callable, &a, 1, NULL);
}

/* callable(a, b) */
gk_object *gk__call2(gk_object *callable, gk_object *a, gk_object *b)
{
    gk_object *args[2] = { a, b };
    return gk__call(callable, args, 2, NULL);
}

/* callable(*args, **kwargs); kwargs may be NULL. */
gk_object *gk__call_tuple_dict(gk_object *callable, gk_object *args, gk_object *kwargs)
{
    size_t n = gk__tuple_size(args);
    size_t nkw = kwargs ? gk__dict_size(kwargs) : 0;
    if (nkw == 0)
        return gk__call(callable, gk__tuple_items(args), n, NULL);
    gk_object **argv = malloc((n + nkw) * sizeof *argv);
    gk_object *kwnames = gk__tuple_new(nkw), *res = NULL;
    if (!argv || !kwnames) {
        if (!argv)
            gk__raise_nomemory();
        goto done;
    }
    if (n)
        memcpy(argv, gk__tuple_items(args), n * sizeof *argv);
    size_t pos = 0, i = 0;
    gk_object *k, *v;
    while (gk__dict_next(kwargs, &pos, &k, &v) && i < nkw) {
        if (!gk__is_str(k)) {
            gk__raise(&gk__exc_TypeError, "keywords must be strings");
            for (; i < nkw; i++)
                GK_TUPLE_SET(kwnames, i, gk__none_ref());
            goto done;
        }
        GK_TUPLE_SET(kwnames, i, gk__incref(k));
        argv[n + i] = v;
        i++;
    }
    res = gk__call(callable, argv, n, kwnames);
done:
    free(argv);
    gk__xdecref(kwnames);
    return res;
}

/* obj.name(*args) */
gk_object *gk__call_method(gk_object *obj, const char *name, gk_object *const *args, size_t nargs)
{
    gk_object *m = gk__getattr_cstr(obj, name);
    if (!m)
        return NULL;
    gk_object *r = gk__call(m, args, nargs, NULL);
    gk__decref(m);
    return r;
}

/* Calls f(self, *args) with a temporary argument vector. */
static gk_object *call_prepended(gk_object *f, gk_object *self, gk_object *const *args, size_t nargs)
{
    gk_object *small[8], **argv = small;
    if (nargs + 1 > 8 && !(argv = malloc((nargs + 1) * sizeof *argv)))
        return gk__raise_nomemory();
    argv[0] = self;
    if (nargs)
        memcpy(argv + 1, args, nargs * sizeof *argv);
    gk_object *r = GK_TYPE(f) == &gk__function_type ? gk__function_call(f, argv, nargs + 1, NULL)
                                                     : gk__call(f, argv, nargs + 1, NULL);
    if (argv != small)
        free(argv);
    return r;
}

static bool takes_self_unbound(gk_object *descr);

/* type(obj).name(obj, *args), binding as attribute lookup would. */
gk_object *gk__call_special(gk_object *obj, const char *name, gk_object *const *args, size_t nargs)
{
    gk_type *t = GK_TYPE(obj);
    gk_object *descr = gk__type_lookup_cstr(t, name);
    if (!descr)
        return gk__raise(&gk__exc_AttributeError, "'%s' object has no attribute '%s'", gk__type_name(t), name);
    if (takes_self_unbound(descr))
        return call_prepended(descr, obj, args, nargs);
    gk_descrgetfunc get = GK_TYPE(descr)->descr_get;
    if (!get)
        return gk__call(descr, args, nargs, NULL);
    gk_object *bound = get(descr, obj, (gk_object *)t);
    if (!bound)
        return NULL;
    gk_object *r = gk__call(bound, args, nargs, NULL);
    gk__decref(bound);
    return r;
}

/* ------------------------------------------------------------------ */
/* Argument parsing                                                     */

/* See object.h. */
int gk__parse_args(const char *fname, gk_object *const *args, size_t nargs, gk_object *kwnames,
                   const char *const *names, size_t min_required, size_t max_total, gk_object **out)
{
    if (nargs > max_total) {
        if (max_total == 0)
            gk__raise(&gk__exc_TypeError, "%s() takes no arguments (%zu given)", fname, nargs);
        else
            gk__raise(&gk__exc_TypeError, "%s() takes at most %zu argument%s (%zu given)", fname, max_total,
                      max_total == 1 ? "" : "s", nargs);
        return -1;
    }
    for (size_t i = 0; i < max_total; i++)
        out[i] = i < nargs ? args[i] : NULL;
    size_t nkw = kwnames ? gk__tuple_size(kwnames) : 0;
    for (size_t k = 0; k < nkw; k++) {
        gk_object *key = GK_TUPLE_GET(kwnames, k);
        size_t i = 0;
        while (i < max_total && !gk__str_eq_cstr(key, names[i]))
            i++;
        if (i == max_total) {
            gk__raise(&gk__exc_TypeError, "%s() got an unexpected keyword argument '%U'", fname, key);
            return -1;
        }
        if (out[i]) {
            gk__raise(&gk__exc_TypeError, "argument for %s() given by name ('%s') and position (%zu)",
                      fname, names[i], i + 1);
            return -1;
        }
        out[i] = args[nargs + k];
    }
    for (size_t i = 0; i < min_required; i++) {
        if (!out[i]) {
            gk__raise(&gk__exc_TypeError, "%s() missing required argument '%s' (pos %zu)", fname,
                      names[i], i + 1);
            return -1;
        }
    }
    return 0;
}

/* See object.h. */
int gk__check_args(const char *fname, size_t nargs, gk_object *kwnames, size_t min, size_t max)
{
    if (kwnames && gk__tuple_size(kwnames)) {
        gk__raise(&gk__exc_TypeError, "%s() takes no keyword arguments", fname);
        return -1;
    }
    if (nargs >= min && nargs <= max)
        return 0;
    if (min == max && min == 0)
        gk__raise(&gk__exc_TypeError, "%s() takes no arguments (%zu given)", fname, nargs);
    else if (min == max && min == 1)
        gk__raise(&gk__exc_TypeError, "%s() takes exactly one argument (%zu given)", fname, nargs);
    else if (min == max)
        gk__raise(&gk__exc_TypeError, "%s expected %zu arguments, got %zu", fname, min, nargs);
    else if (nargs < min)
        gk__raise(&gk__exc_TypeError, "%s expected at least %zu argument%s, got %zu", fname, min,
                  min == 1 ? "" : "s", nargs);
    else
        gk__raise(&gk__exc_TypeError, "%s expected at most %zu argument%s, got %zu", fname, max,
                  max == 1 ? "" : "s", nargs);
    return -1;
}

/* ------------------------------------------------------------------ */
/* builtin_function_or_method                                           */

typedef struct {
    GK_HEAD;
    const gk__methoddef *def;
    gk_object *self;     /* receiver, module or NULL; owned */
} cfunc_obj;

#define CF(o) ((cfunc_obj *)(o))

/* Returns a builtin_function calling def->fn with self (may be NULL). */
gk_object *gk__cfunction_new(const gk__methoddef *def, gk_object *self)
{
    gk_object *f = gk__gc_new(&gk__builtin_function_type, sizeof(cfunc_obj));
    if (!f)
        return NULL;
    CF(f)->def = def;
    CF(f)->self = self ? gk__incref(self) : NULL;
    return f;
}

static gk_object *cfunc_call(gk_object *f, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return CF(f)->def->fn(CF(f)->self, args, nargs, kwnames);
}

static int cfunc_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    return CF(o)->self ? visit(CF(o)->self, arg) : 0;
}

static int cfunc_clear(gk_object *o)
{
    GK_CLEAR(CF(o)->self);
    return 0;
}

static void cfunc_dealloc(gk_object *o)
{
    cfunc_clear(o);
    gk__free(o);
}

static bool is_function_like(gk_object *self)
{
    return !self || gk__is_module(self);
}

static gk_object *cfunc_repr(gk_object *o)
{
    gk_object *self = CF(o)->self;
    if (is_function_like(self))
        return gk__str_from_format("<built-in function %s>", CF(o)->def->name);
    return gk__str_from_format("<built-in method %s of %s object at %p>", CF(o)->def->name,
                               GK_TYPE_NAME(self), (void *)self);
}

static gk_object *cfunc_richcompare(gk_object *a, gk_object *b, int op)
{
    if ((op != GK_EQ && op != GK_NE) || GK_TYPE(b) != &gk__builtin_function_type)
        return gk__incref(GK_NOTIMPLEMENTED);
    bool eq = CF(a)->def == CF(b)->def && CF(a)->self == CF(b)->self;
    return gk__bool(op == GK_EQ ? eq : !eq);
}

static int64_t cfunc_hash(gk_object *o)
{
    int64_t h = (int64_t)((uintptr_t)CF(o)->def >> 4) ^ (int64_t)((uintptr_t)CF(o)->self >> 4) * 1000003;
    return h == -1 ? -2 : h;
}

static gk_object *cfunc_get_name(gk_object *o, void *c)
{
    return gk__str_from_cstr(CF(o)->def->name);
}

static gk_object *cfunc_get_qualname(gk_object *o, void *c)
{
    gk_object *self = CF(o)->self;
    if (is_function_like(self))
        return gk__str_from_cstr(CF(o)->def->name);
    const char *tn = gk__is_type(self) ? gk__type_name((gk_type *)self) : GK_TYPE_NAME(self);
    return gk__str_from_format("%s.%s", tn, CF(o)->def->name);
}

static gk_object *cfunc_get_self(gk_object *o, void *c)
{
    return gk__incref(CF(o)->self ? CF(o)->self : GK_NONE);
}

static gk_object *cfunc_get_doc(gk_object *o, void *c)
{
    return CF(o)->def->doc ? gk__str_from_cstr(CF(o)->def->doc) : gk__none_ref();
}

static gk_object *cfunc_get_module(gk_object *o, void *c)
{
    gk_object *self = CF(o)->self;
    if (self && gk__is_module(self)) {
        gk_object *n = gk__dict_get_cstr(gk__module_dict(self), "__name__");
        if (n)
            return gk__incref(n);
    }
    return gk__none_ref();
}

static const gk__getsetdef cfunc_getset[] = {
    { "__name__", cfunc_get_name, NULL, NULL },
    { "__qualname__", cfunc_get_qualname, NULL, NULL },
    { "__self__", cfunc_get_self, NULL, NULL },
    { "__doc__", cfunc_get_doc, NULL, NULL },
    { "__module__", cfunc_get_module, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__builtin_function_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "builtin_function_or_method",
    .basicsize = sizeof(cfunc_obj),
    .flags = GK_TPFLAG_GC,
    .dealloc = cfunc_dealloc,
    .repr = cfunc_repr,
    .hash = cfunc_hash,
    .richcompare = cfunc_richcompare,
    .getattr = gk__object_generic_getattr,
    .setattr = gk__object_generic_setattr,
    .call = cfunc_call,
    .traverse = cfunc_traverse,
    .clear = cfunc_clear,
    .getset = cfunc_getset,
};

/* ------------------------------------------------------------------ */
/* method_descriptor                                                    */

typedef struct {
    GK_HEAD;
    gk_type *owner;      /* static type, not owned */
    const gk__methoddef *def;
} mdescr_obj;

#define MD(o) ((mdescr_obj *)(o))

/* Returns a descriptor for a C method of owner (see objects.h). */
gk_object *gk__method_descr_new(gk_type *owner, const gk__methoddef *def)
{
    gk_object *d = gk__obj_new(&gk__method_descriptor_type, sizeof(mdescr_obj));
    if (!d)
        return NULL;
    MD(d)->owner = owner;
    MD(d)->def = def;
    return d;
}

static bool takes_self_unbound(gk_object *descr)
{
    gk_type *t = GK_TYPE(descr);
    if (t == &gk__function_type || t == &gk__slot_wrapper_type)
        return true;
    return t == &gk__method_descriptor_type && !(MD(descr)->def->flags & GK_METH_CLASS);
}

static void mdescr_dealloc(gk_object *o)
{
    gk__free(o);
}

static gk_object *mdescr_repr(gk_object *o)
{
    return gk__str_from_format("<method '%s' of '%s' objects>", MD(o)->def->name, gk__type_name(MD(o)->owner));
}

static gk_object *mdescr_get(gk_object *d, gk_object *obj, gk_object *type)
{
    mdescr_obj *m = MD(d);
    if (m->def->flags & GK_METH_CLASS) {
        if (!type)
            type = (gk_object *)GK_TYPE(obj);
        return gk__cfunction_new(m->def, type);
    }
    if (!obj)
        return gk__incref(d);
    if (!gk__type_is_subtype(GK_TYPE(obj), m->owner))
        return gk__raise(&gk__exc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                         m->def->name, gk__type_name(m->owner), GK_TYPE_NAME(obj));
    return gk__cfunction_new(m->def, obj);
}

static gk_object *mdescr_call(gk_object *d, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    mdescr_obj *m = MD(d);
    if (nargs == 0)
        return gk__raise(&gk__exc_TypeError, "unbound method %s.%s() needs an argument",
                         gk__type_name(m->owner), m->def->name);
    gk_object *self = args[0];
    if (m->def->flags & GK_METH_CLASS) {
        if (!gk__is_type(self) || !gk__type_is_subtype((gk_type *)self, m->owner))
            return gk__raise(&gk__exc_TypeError, "descriptor '%s' for type '%s' needs a subtype of '%s'",
                             m->def->name, gk__type_name(m->owner), gk__type_name(m->owner));
    } else if (!gk__type_is_subtype(GK_TYPE(self), m->owner)) {
        return gk__raise(&gk__exc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                         m->def->name, gk__type_name(m->owner), GK_TYPE_NAME(self));
    }
    return m->def->fn(self, args + 1, nargs - 1, kwnames);
}

static gk_object *mdescr_get_name(gk_object *o, void *c)
{
    return gk__str_from_cstr(MD(o)->def->name);
}

static gk_object *mdescr_get_qualname(gk_object *o, void *c)
{
    return gk__str_from_format("%s.%s", gk__type_name(MD(o)->owner), MD(o)->def->name);
}

static gk_object *mdescr_get_objclass(gk_object *o, void *c)
{
    return gk__incref((gk_object *)MD(o)->owner);
}

static gk_object *mdescr_get_doc(gk_object *o, void *c)
{
    return MD(o)->def->doc ? gk__str_from_cstr(MD(o)->def->doc) : gk__none_ref();
}

static const gk__getsetdef mdescr_getset[] = {
    { "__name__", mdescr_get_name, NULL, NULL },
    { "__qualname__", mdescr_get_qualname, NULL, NULL },
    { "__objclass__", mdescr_get_objclass, NULL, NULL },
    { "__doc__", mdescr_get_doc, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__method_descriptor_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "method_descriptor",
    .basicsize = sizeof(mdescr_obj),
    .dealloc = mdescr_dealloc,
    .repr = mdescr_repr,
    .getattr = gk__object_generic_getattr,
    .setattr = gk__object_generic_setattr,
    .call = mdescr_call,
    .descr_get = mdescr_get,
    .getset = mdescr_getset,
};
