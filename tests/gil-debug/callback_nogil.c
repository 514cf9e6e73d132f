/* Deliberately buggy extension (tests/unit/check_gildebug.c), class 1: a
 * library's own thread calls back into Python without attaching (the way
 * a C library's completion callback often does).  bad(cb) is the bug;
 * good(cb) is the correct twin: the thread attaches around the callback
 * and the caller releases the GIL while it waits for the thread. */
#include <gilkit.h>
#include <pthread.h>

static void *library_thread(void *cb)
{
    gk_object *r = gk_call((gk_object *)cb, NULL, 0); /* bug: callback */
    gk_xdecref(r);
    return NULL;
}

static void *library_thread_attached(void *cb)
{
    if (gk_thread_attach() != 0)
        return NULL;
    gk_object *r = gk_call((gk_object *)cb, NULL, 0);
    if (!r)
        gk_err_clear();
    gk_xdecref(r);
    gk_thread_detach();
    return NULL;
}

static gk_object *run(gk_object *const *args, size_t nargs, void *(*body)(void *), int release)
{
    pthread_t th;
    if (nargs != 1)
        return gk_raise(GK_EXC_TYPE_ERROR, "expected one callable");
    if (pthread_create(&th, NULL, body, args[0]) != 0)
        return gk_raise(GK_EXC_RUNTIME_ERROR, "pthread_create failed");
    if (release) {
        GK_BEGIN_ALLOW_THREADS
        pthread_join(th, NULL);
        GK_END_ALLOW_THREADS
    } else {
        pthread_join(th, NULL);
    }
    return gk_none();
}

static gk_object *bad(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    return run(args, nargs, library_thread, 0);
}

static gk_object *good(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    return run(args, nargs, library_thread_attached, 1);
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("bad", bad, "callback from a native thread that did not attach"),
    GK_OBJECT_FUNCTION("good", good, "the correct twin"),
    GK_FUNCTION_END,
};

GK_MODULE("callback_nogil", "GIL-debug test: callback from a native thread.", functions, NULL, 0);
