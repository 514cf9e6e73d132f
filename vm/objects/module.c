/*
 * vm/objects/module.c - the module type.
 *
 * A module is a namespace dict (its __dict__, reached through dictoffset,
 * so the generic attribute functions read and write it) plus a repr that
 * says where it came from.
 */
#include "objects.h"

typedef struct {
    GK_HEAD;
    gk_object *dict;
} module_obj;

#define MOD(o) ((module_obj *)(o))

/* Returns a new module named name (a str) with __name__ and __doc__ set. */
gk_object *gk__module_new(gk_object *name)
{
    gk_object *m = gk__gc_new(&gk__module_type, sizeof(module_obj));
    if (!m)
        return NULL;
    if (!(MOD(m)->dict = gk__dict_new()) || gk__dict_set_cstr(MOD(m)->dict, "__name__", name) < 0 ||
        gk__dict_set_cstr(MOD(m)->dict, "__doc__", GK_NONE) < 0) {
        gk__decref(m);
        return NULL;
    }
    return m;
}

/* Returns the module's namespace dict (BORROWED). */
gk_object *gk__module_dict(gk_object *m)
{
    return MOD(m)->dict;
}

/* Adds each function of defs, bound to the module, to its dict; 0 / -1. */
int gk__module_add_functions(gk_object *m, const gk__methoddef *defs)
{
    for (const gk__methoddef *d = defs; d->name; d++) {
        gk_object *f = gk__cfunction_new(d, m);
        if (!f)
            return -1;
        int r = gk__dict_set_cstr(MOD(m)->dict, d->name, f);
        gk__decref(f);
        if (r < 0)
            return -1;
    }
    return 0;
}

static gk_object *module_tp_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = {"name", "doc"};
    gk_object *a[2];
    if (gk__parse_args("module", args, nargs, kwnames, names, 1, 2, a) < 0)
        return NULL;
    if (!gk__is_str(a[0]))
        return gk__raise(&gk__exc_TypeError, "module.__init__() argument 'name' must be str, not %s",
                         GK_TYPE_NAME(a[0]));
    gk_object *m = gk__gc_new(type, type->basicsize);
    if (!m)
        return NULL;
    if (!(MOD(m)->dict = gk__dict_new()) || gk__dict_set_cstr(MOD(m)->dict, "__name__", a[0]) < 0 ||
        gk__dict_set_cstr(MOD(m)->dict, "__doc__", a[1] ? a[1] : GK_NONE) < 0) {
        gk__decref(m);
        return NULL;
    }
    return m;
}

static int module_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return 0;
}

static int module_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    return MOD(o)->dict ? visit(MOD(o)->dict, arg) : 0;
}

static int module_clear(gk_object *o)
{
    GK_CLEAR(MOD(o)->dict);
    return 0;
}

static void module_dealloc(gk_object *o)
{
    module_clear(o);
    gk__free(o);
}

static gk_object *module_repr(gk_object *o)
{
    gk_object *d = MOD(o)->dict;
    gk_object *name = d ? gk__dict_get_cstr(d, "__name__") : NULL;
    gk_object *file = d ? gk__dict_get_cstr(d, "__file__") : NULL;
    if (!name || !gk__is_str(name))
        return gk__str_from_cstr("<module '?'>");
    if (file && gk__is_str(file))
        return gk__str_from_format("<module '%U' from '%U'>", name, file);
    return gk__str_from_format("<module '%U' (built-in)>", name);
}

static gk_object *module_getattr(gk_object *o, gk_object *name)
{
    gk_object *r = gk__object_generic_getattr(o, name);
    if (r || !gk__err_matches(&gk__exc_AttributeError))
        return r;
    gk_object *d = MOD(o)->dict;
    gk_object *getattr = d ? gk__dict_get_cstr(d, "__getattr__") : NULL;
    if (getattr) {
        gk__err_clear();
        return gk__call1(getattr, name);
    }
    gk_object *mname = d ? gk__dict_get_cstr(d, "__name__") : NULL;
    gk__err_clear();
    if (mname && gk__is_str(mname))
        return gk__raise(&gk__exc_AttributeError, "module '%U' has no attribute '%U'", mname, name);
    return gk__raise(&gk__exc_AttributeError, "module has no attribute '%U'", name);
}

static gk_object *module_get_dict(gk_object *o, void *c)
{
    return gk__incref(MOD(o)->dict);
}

static const gk__getsetdef module_getset[] = {
    { "__dict__", module_get_dict, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__module_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "module",
    .basicsize = sizeof(module_obj),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .dictoffset = offsetof(module_obj, dict),
    .dealloc = module_dealloc,
    .repr = module_repr,
    .getattr = module_getattr,
    .setattr = gk__object_generic_setattr,
    .new_ = module_tp_new,
    .init = module_init,
    .traverse = module_traverse,
    .clear = module_clear,
    .getset = module_getset,
};
