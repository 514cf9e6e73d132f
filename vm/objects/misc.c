/*
 * vm/objects/misc.c - the singletons None, NotImplemented and Ellipsis with
 * their types, the descriptor types property, staticmethod and classmethod,
 * the super type, and gk__fatal.
 *
 * property/staticmethod/classmethod are plain descriptors: the attribute
 * lookup in abstract.c and type.c calls their descr_get/descr_set slots.
 * super(type, obj) looks an attribute up in type(obj)'s MRO starting after
 * `type` and binds what it finds to obj.
 */
#include <stdio.h>
#include <stdlib.h>
#include "objects.h"
#include "code.h"

/* ------------------------------------------------------------------ */
/* None, NotImplemented, Ellipsis                                       */

gk_object gk__none = GK_STATIC_HEAD(&gk__none_type);
gk_object gk__notimplemented = GK_STATIC_HEAD(&gk__notimplemented_type);
gk_object gk__ellipsis = GK_STATIC_HEAD(&gk__ellipsis_type);

static gk_object *none_repr(gk_object *o) { return gk__incref(gk__str_intern("None")); }
static gk_object *notimpl_repr(gk_object *o) { return gk__incref(gk__str_intern("NotImplemented")); }
static gk_object *ellipsis_repr(gk_object *o) { return gk__incref(gk__str_intern("Ellipsis")); }
static int none_bool(gk_object *o) { return 0; }

static gk_object *singleton_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (nargs || (kwnames && gk__tuple_size(kwnames)))
        return gk__raise(&gk__exc_TypeError, "%s takes no arguments", type->name);
    if (type == &gk__none_type)
        return gk__none_ref();
    return gk__incref(type == &gk__notimplemented_type ? GK_NOTIMPLEMENTED : GK_ELLIPSIS);
}

static void static_dealloc(gk_object *o)
{
    gk__fatal("deallocating a static singleton of type %s", GK_TYPE_NAME(o));
}

gk_type gk__none_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "NoneType",
    .basicsize = sizeof(gk_object),
    .dealloc = static_dealloc,
    .repr = none_repr,
    .nb_bool = none_bool,
    .new_ = singleton_new,
};

gk_type gk__notimplemented_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "NotImplementedType",
    .basicsize = sizeof(gk_object),
    .dealloc = static_dealloc,
    .repr = notimpl_repr,
    .new_ = singleton_new,
};

gk_type gk__ellipsis_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "ellipsis",
    .basicsize = sizeof(gk_object),
    .dealloc = static_dealloc,
    .repr = ellipsis_repr,
    .new_ = singleton_new,
};

/* Prints the message and aborts (internal invariants only). */
_Noreturn void gk__fatal(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "Fatal Python error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

/* ------------------------------------------------------------------ */
/* property                                                             */

typedef struct {
    GK_HEAD;
    gk_object *fget, *fset, *fdel, *doc, *name;   /* each may be NULL */
} property_obj;

#define PROP(o) ((property_obj *)(o))

static gk_object *prop_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return gk__gc_new(type, type->basicsize);
}

static gk_object *none_to_null(gk_object *v) { return v && v != GK_NONE ? gk__incref(v) : NULL; }

static int prop_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = {"fget", "fset", "fdel", "doc"};
    gk_object *a[4];
    if (gk__parse_args("property", args, nargs, kwnames, names, 0, 4, a) < 0)
        return -1;
    property_obj *p = PROP(self);
    GK_SETREF(p->fget, none_to_null(a[0]));
    GK_SETREF(p->fset, none_to_null(a[1]));
    GK_SETREF(p->fdel, none_to_null(a[2]));
    gk_object *doc = none_to_null(a[3]);
    if (!doc && p->fget) {
        doc = gk__getattr_opt(p->fget, gk__str_intern("__doc__"));
        if (!doc && gk__err_occurred())
            return -1;
        if (doc == GK_NONE)
            GK_CLEAR(doc);
    }
    GK_SETREF(p->doc, doc);
    return 0;
}

static int prop_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    property_obj *p = PROP(o);
    gk_object *f[] = { p->fget, p->fset, p->fdel, p->doc, p->name };
    for (size_t i = 0; i < 5; i++)
        if (f[i]) {
            int r = visit(f[i], arg);
            if (r)
                return r;
        }
    return 0;
}

static int prop_clear(gk_object *o)
{
    property_obj *p = PROP(o);
    GK_CLEAR(p->fget);
    GK_CLEAR(p->fset);
    GK_CLEAR(p->fdel);
    GK_CLEAR(p->doc);
    GK_CLEAR(p->name);
    return 0;
}

static void prop_dealloc(gk_object *o)
{
    prop_clear(o);
    gk__free(o);
}

/* Raises "property 'x' of 'C' object has no <what>". */
static void prop_error(gk_object *self, gk_object *obj, const char *what)
{
    property_obj *p = PROP(self);
    gk_object *name = p->name ? gk__incref(p->name) : NULL;
    if (!name && p->fget) {
        name = gk__getattr_opt(p->fget, gk__str_intern("__name__"));
        gk__err_clear();
    }
    if (name && gk__is_str(name))
        gk__raise(&gk__exc_AttributeError, "property '%U' of '%s' object has no %s", name,
                  GK_TYPE_NAME(obj), what);
    else
        gk__raise(&gk__exc_AttributeError, "property of '%s' object has no %s", GK_TYPE_NAME(obj), what);
    gk__xdecref(name);
}

static gk_object *prop_get(gk_object *self, gk_object *obj, gk_object *type)
{
    if (!obj || obj == GK_NONE)
        return gk__incref(self);
    if (!PROP(self)->fget) {
        prop_error(self, obj, "getter");
        return NULL;
    }
    return gk__call1(PROP(self)->fget, obj);
}

static int prop_set(gk_object *self, gk_object *obj, gk_object *value)
{
    gk_object *f = value ? PROP(self)->fset : PROP(self)->fdel;
    if (!f) {
        prop_error(self, obj, value ? "setter" : "deleter");
        return -1;
    }
    gk_object *r = value ? gk__call2(f, obj, value) : gk__call1(f, obj);
    if (!r)
        return -1;
    gk__decref(r);
    return 0;
}

/* Returns a copy of self with one accessor replaced (getter/setter/deleter). */
static gk_object *prop_copy(gk_object *self, int which, gk_object *f)
{
    property_obj *p = PROP(self);
    gk_object *a[4] = { p->fget, p->fset, p->fdel, p->doc };
    for (int i = 0; i < 4; i++)
        if (!a[i])
            a[i] = GK_NONE;
    a[which] = f;
    gk_object *r = gk__call((gk_object *)GK_TYPE(self), a, 4, NULL);
    if (r && GK_TYPE(r) == GK_TYPE(self) && p->name)
        GK_SETREF(PROP(r)->name, gk__incref(p->name));
    return r;
}

static gk_object *prop_getter(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    return gk__check_args("getter", nargs, kw, 1, 1) < 0 ? NULL : prop_copy(self, 0, args[0]);
}

static gk_object *prop_setter(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    return gk__check_args("setter", nargs, kw, 1, 1) < 0 ? NULL : prop_copy(self, 1, args[0]);
}

static gk_object *prop_deleter(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    return gk__check_args("deleter", nargs, kw, 1, 1) < 0 ? NULL : prop_copy(self, 2, args[0]);
}

static gk_object *prop_set_name(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("__set_name__", nargs, kw, 2, 2) < 0)
        return NULL;
    GK_SETREF(PROP(self)->name, gk__incref(args[1]));
    return gk__none_ref();
}

static gk_object *opt_get(gk_object *self, void *c)
{
    gk_object *v = *(gk_object **)((char *)self + (size_t)c);
    return gk__incref(v ? v : GK_NONE);
}

static int prop_set_doc(gk_object *self, gk_object *v, void *c)
{
    GK_SETREF(PROP(self)->doc, v ? gk__incref(v) : NULL);
    return 0;
}

static const gk__methoddef prop_methods[] = {
    { "getter", prop_getter, 0, NULL },
    { "setter", prop_setter, 0, NULL },
    { "deleter", prop_deleter, 0, NULL },
    { "__set_name__", prop_set_name, 0, NULL },
    { NULL, NULL, 0, NULL },
};

static const gk__getsetdef prop_getset[] = {
    { "fget", opt_get, NULL, (void *)offsetof(property_obj, fget) },
    { "fset", opt_get, NULL, (void *)offsetof(property_obj, fset) },
    { "fdel", opt_get, NULL, (void *)offsetof(property_obj, fdel) },
    { "__doc__", opt_get, prop_set_doc, (void *)offsetof(property_obj, doc) },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__property_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "property",
    .basicsize = sizeof(property_obj),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .dealloc = prop_dealloc,
    .getattr = gk__object_generic_getattr,
    .setattr = gk__object_generic_setattr,
    .descr_get = prop_get,
    .descr_set = prop_set,
    .new_ = prop_new,
    .init = prop_init,
    .traverse = prop_traverse,
    .clear = prop_clear,
    .methods = prop_methods,
    .getset = prop_getset,
    .doc = "Property attribute.",
};

/* ------------------------------------------------------------------ */
/* staticmethod and classmethod                                         */

typedef struct {
    GK_HEAD;
    gk_object *func;
    gk_object *dict;
} wrapper_obj;

#define WRAP(o) ((wrapper_obj *)(o))

static gk_object *wrap_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return gk__gc_new(type, type->basicsize);
}

static int wrap_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    const char *name = GK_TYPE(self) == &gk__staticmethod_type ? "staticmethod" : "classmethod";
    if (kwnames && gk__tuple_size(kwnames)) {
        gk__raise(&gk__exc_TypeError, "%s() takes no keyword arguments", name);
        return -1;
    }
    if (nargs != 1) {
        gk__raise(&gk__exc_TypeError, "%s expected 1 argument, got %zu", name, nargs);
        return -1;
    }
    GK_SETREF(WRAP(self)->func, gk__incref(args[0]));
    return 0;
}

static int wrap_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    int r = WRAP(o)->func ? visit(WRAP(o)->func, arg) : 0;
    if (!r && WRAP(o)->dict)
        r = visit(WRAP(o)->dict, arg);
    return r;
}

static int wrap_clear(gk_object *o)
{
    GK_CLEAR(WRAP(o)->func);
    GK_CLEAR(WRAP(o)->dict);
    return 0;
}

static void wrap_dealloc(gk_object *o)
{
    wrap_clear(o);
    gk__free(o);
}

static gk_object *wrap_repr(gk_object *o)
{
    const char *name = GK_TYPE_NAME(o);
    if (!WRAP(o)->func)
        return gk__str_from_format("<%s object at %p>", name, (void *)o);
    return gk__str_from_format("<%s(%R)>", name, WRAP(o)->func);
}

static gk_object *uninit(gk_object *self)
{
    return gk__raise(&gk__exc_RuntimeError, "uninitialized %s object", GK_TYPE_NAME(self));
}

static gk_object *static_get(gk_object *self, gk_object *obj, gk_object *type)
{
    return WRAP(self)->func ? gk__incref(WRAP(self)->func) : uninit(self);
}

static gk_object *static_call(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return WRAP(self)->func ? gk__call(WRAP(self)->func, args, nargs, kwnames) : uninit(self);
}

static gk_object *class_get(gk_object *self, gk_object *obj, gk_object *type)
{
    if (!WRAP(self)->func)
        return uninit(self);
    if (!type)
        type = (gk_object *)GK_TYPE(obj);
    return gk__method_new(WRAP(self)->func, type);
}

static gk_object *wrap_get_func(gk_object *self, void *c)
{
    return WRAP(self)->func ? gk__incref(WRAP(self)->func) : uninit(self);
}

static gk_object *wrap_get_attr(gk_object *self, void *c)
{
    if (!WRAP(self)->func)
        return uninit(self);
    return gk__getattr_cstr(WRAP(self)->func, (const char *)c);
}

static const gk__getsetdef wrap_getset[] = {
    { "__func__", wrap_get_func, NULL, NULL },
    { "__wrapped__", wrap_get_func, NULL, NULL },
    { "__name__", wrap_get_attr, NULL, "__name__" },
    { "__qualname__", wrap_get_attr, NULL, "__qualname__" },
    { "__doc__", wrap_get_attr, NULL, "__doc__" },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__staticmethod_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "staticmethod",
    .basicsize = sizeof(wrapper_obj),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .dictoffset = offsetof(wrapper_obj, dict),
    .dealloc = wrap_dealloc,
    .repr = wrap_repr,
    .getattr = gk__object_generic_getattr,
    .setattr = gk__object_generic_setattr,
    .call = static_call,
    .descr_get = static_get,
    .new_ = wrap_new,
    .init = wrap_init,
    .traverse = wrap_traverse,
    .clear = wrap_clear,
    .getset = wrap_getset,
};

gk_type gk__classmethod_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "classmethod",
    .basicsize = sizeof(wrapper_obj),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .dictoffset = offsetof(wrapper_obj, dict),
    .dealloc = wrap_dealloc,
    .repr = wrap_repr,
    .getattr = gk__object_generic_getattr,
    .setattr = gk__object_generic_setattr,
    .descr_get = class_get,
    .new_ = wrap_new,
    .init = wrap_init,
    .traverse = wrap_traverse,
    .clear = wrap_clear,
    .getset = wrap_getset,
};

/* ------------------------------------------------------------------ */
/* super                                                                */

typedef struct {
    GK_HEAD;
    gk_type *type;       /* where the search starts after; owned */
    gk_object *obj;      /* bound object or type, or NULL; owned */
    gk_type *obj_type;   /* whose MRO is searched; owned or NULL */
} super_obj;

#define SUP(o) ((super_obj *)(o))

/* The type whose MRO super(type, obj) searches, or NULL + TypeError. */
static gk_type *super_check(gk_type *type, gk_object *obj)
{
    if (gk__is_type(obj) && gk__type_is_subtype((gk_type *)obj, type))
        return (gk_type *)obj;
    if (gk__type_is_subtype(GK_TYPE(obj), type))
        return GK_TYPE(obj);
    gk__raise(&gk__exc_TypeError, "super(type, obj): obj must be an instance or subtype of type");
    return NULL;
}

static gk_object *super_new(gk_type *t, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (kwnames && gk__tuple_size(kwnames))
        return gk__raise(&gk__exc_TypeError, "super() takes no keyword arguments");
    if (nargs > 2)
        return gk__raise(&gk__exc_TypeError, "super() takes at most 2 arguments (%zu given)", nargs);
    gk_object *type, *obj = NULL;
    if (nargs == 0) {
        if (gk__frame_super_args(&type, &obj) < 0)
            return NULL;
    } else {
        type = args[0];
        obj = nargs > 1 && args[1] != GK_NONE ? args[1] : NULL;
    }
    if (!gk__is_type(type))
        return gk__raise(&gk__exc_TypeError, "super() argument 1 must be a type, not %s", GK_TYPE_NAME(type));
    gk_type *obj_type = NULL;
    if (obj && !(obj_type = super_check((gk_type *)type, obj)))
        return NULL;
    gk_object *s = gk__gc_new(t, t->basicsize);
    if (!s)
        return NULL;
    SUP(s)->type = (gk_type *)gk__incref(type);
    SUP(s)->obj = obj ? gk__incref(obj) : NULL;
    SUP(s)->obj_type = obj_type ? (gk_type *)gk__incref((gk_object *)obj_type) : NULL;
    return s;
}

static int super_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return 0;
}

static int super_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    gk_object *f[] = { (gk_object *)SUP(o)->type, SUP(o)->obj, (gk_object *)SUP(o)->obj_type };
    for (int i = 0; i < 3; i++)
        if (f[i]) {
            int r = visit(f[i], arg);
            if (r)
                return r;
        }
    return 0;
}

static int super_clear(gk_object *o)
{
    GK_CLEAR(SUP(o)->type);
    GK_CLEAR(SUP(o)->obj);
    GK_CLEAR(SUP(o)->obj_type);
    return 0;
}

static void super_dealloc(gk_object *o)
{
    super_clear(o);
    gk__free(o);
}

static gk_object *super_repr(gk_object *o)
{
    super_obj *s = SUP(o);
    const char *tn = s->type ? gk__type_name(s->type) : "NULL";
    if (s->obj_type)
        return gk__str_from_format("<super: <class '%s'>, <%s object>>", tn, gk__type_name(s->obj_type));
    return gk__str_from_format("<super: <class '%s'>, NULL>", tn);
}

static gk_object *super_getattr(gk_object *o, gk_object *name)
{
    super_obj *s = SUP(o);
    gk_object *mro = s->obj_type ? s->obj_type->mro : NULL;
    if (!mro || !s->type || (gk__is_str(name) && gk__str_eq_cstr(name, "__class__")))
        return gk__object_generic_getattr(o, name);
    size_t n = gk__tuple_size(mro), i = 0;
    while (i < n && GK_TUPLE_GET(mro, i) != (gk_object *)s->type)
        i++;
    for (i++; i < n; i++) {
        gk_object *d = ((gk_type *)GK_TUPLE_GET(mro, i))->dict;
        gk_object *res = d ? gk__dict_get(d, name) : NULL;
        if (!res) {
            if (gk__err_occurred())
                return NULL;
            continue;
        }
        gk_descrgetfunc get = GK_TYPE(res)->descr_get;
        if (!get)
            return gk__incref(res);
        gk_object *bind = s->obj == (gk_object *)s->obj_type ? NULL : s->obj;
        return get(res, bind, (gk_object *)s->obj_type);
    }
    return gk__object_generic_getattr(o, name);
}

static gk_object *super_get_thisclass(gk_object *o, void *c)
{
    return gk__incref(SUP(o)->type ? (gk_object *)SUP(o)->type : GK_NONE);
}

static gk_object *super_get_self(gk_object *o, void *c)
{
    return gk__incref(SUP(o)->obj ? SUP(o)->obj : GK_NONE);
}

static gk_object *super_get_self_class(gk_object *o, void *c)
{
    return gk__incref(SUP(o)->obj_type ? (gk_object *)SUP(o)->obj_type : GK_NONE);
}

static const gk__getsetdef super_getset[] = {
    { "__thisclass__", super_get_thisclass, NULL, NULL },
    { "__self__", super_get_self, NULL, NULL },
    { "__self_class__", super_get_self_class, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__super_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "super",
    .basicsize = sizeof(super_obj),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .dealloc = super_dealloc,
    .repr = super_repr,
    .getattr = super_getattr,
    .setattr = gk__object_generic_setattr,
    .new_ = super_new,
    .init = super_init,
    .traverse = super_traverse,
    .clear = super_clear,
    .getset = super_getset,
};
