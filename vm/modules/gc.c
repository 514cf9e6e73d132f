/*
 * vm/modules/gc.c - the `gc` module: collect() runs the cycle collector of
 * vm/gc.c now; enable(), disable() and isenabled() switch its automatic
 * runs.  collect() is called from the eval loop like any builtin, where
 * every live reference is owned, so freeing cycles there is safe.
 */
#include "runtime.h"
#include "objects.h"

int gk__gc_module_init(gk_object *m);

/* gc.collect(generation=2): returns the number of objects freed. */
static gk_object *gc_collect(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("collect", nargs, kw, 0, 1) < 0)
        return NULL;
    return gk__int_from_i64(gk__gc_collect());
}

static gk_object *gc_set_enabled(gk_object *const *args, size_t nargs, gk_object *kw, const char *name,
                                 bool on)
{
    if (gk__check_args(name, nargs, kw, 0, 0) < 0)
        return NULL;
    gk__rt->gc.disabled = !on;
    return gk__none_ref();
}

static gk_object *gc_enable(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    return gc_set_enabled(args, nargs, kw, "enable", true);
}

static gk_object *gc_disable(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    return gc_set_enabled(args, nargs, kw, "disable", false);
}

static gk_object *gc_isenabled(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("isenabled", nargs, kw, 0, 0) < 0)
        return NULL;
    return gk__bool(!gk__rt->gc.disabled);
}

static const gk__methoddef gc_functions[] = {
    { "collect", gc_collect, GK_METH_DEFAULT, "Run a full collection; return the number of objects freed." },
    { "enable", gc_enable, GK_METH_DEFAULT, "Enable automatic collection." },
    { "disable", gc_disable, GK_METH_DEFAULT, "Disable automatic collection." },
    { "isenabled", gc_isenabled, GK_METH_DEFAULT, "True if automatic collection is enabled." },
    { NULL, NULL, 0, NULL },
};

/* Fills the gc module; 0 / -1. */
int gk__gc_module_init(gk_object *m)
{
    return gk__module_add_functions(m, gc_functions);
}
