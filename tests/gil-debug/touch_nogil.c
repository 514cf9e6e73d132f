/* Deliberately buggy extension (tests/gil-debug.sh): bad() drops a reference
 * from a native thread that never attached (a library callback thread);
 * good() is the correct twin, which drops it on the calling thread. */
#include <gilkit.h>
#include <pthread.h>

static void *drop(void *arg)
{
    gk_decref((gk_object *)arg);
    return NULL;
}

static gk_object *bad(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    (void)args;
    pthread_t th;
    gk_object *o = gk_str_from_cstr("victim");
    if (nargs || pthread_create(&th, NULL, drop, o) != 0)
        return gk_raise(GK_EXC_TYPE_ERROR, "bad() takes no arguments");
    pthread_join(th, NULL);
    return gk_none();
}

static gk_object *good(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    (void)args;
    (void)nargs;
    gk_object *o = gk_str_from_cstr("fine");
    gk_decref(o);
    return gk_none();
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("bad", bad, "decref from an unattached native thread"),
    GK_OBJECT_FUNCTION("good", good, "the correct twin"),
    GK_FUNCTION_END,
};

GK_MODULE("touch_nogil", "GIL-debug test: touch without the GIL.", functions, NULL, 0);
