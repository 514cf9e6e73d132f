/* Deliberately buggy extension (tests/unit/check_gildebug.c), class 5: a
 * GIL hog.  bad(ms) spins in C for ms milliseconds holding the GIL while
 * another thread (a native thread attaching) wants it; its drop requests
 * go unanswered.  good(ms) is the correct twin: the C work runs with the
 * GIL released. */
#include <gilkit.h>
#include <pthread.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static volatile unsigned long sink;

static void spin(double ms)
{
    double end = now_ms() + ms;
    while (now_ms() < end)
        for (int i = 0; i < 1000; i++)
            sink += (unsigned long)i;
}

static void *wants_the_gil(void *arg)
{
    (void)arg;
    if (gk_thread_attach() == 0)
        gk_thread_detach();
    return NULL;
}

static gk_object *run(gk_object *const *args, size_t nargs, int release)
{
    pthread_t th;
    if (nargs != 1 || !gk_is_int(args[0]))
        return gk_raise(GK_EXC_TYPE_ERROR, "expected milliseconds");
    double ms = (double)gk_int_as_i64(args[0]);
    if (pthread_create(&th, NULL, wants_the_gil, NULL) != 0)
        return gk_raise(GK_EXC_RUNTIME_ERROR, "pthread_create failed");
    if (release) {
        GK_BEGIN_ALLOW_THREADS
        spin(ms);
        pthread_join(th, NULL);
        GK_END_ALLOW_THREADS
    } else {
        spin(ms);
        GK_BEGIN_ALLOW_THREADS
        pthread_join(th, NULL);
        GK_END_ALLOW_THREADS
    }
    return gk_none();
}

static gk_object *bad(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    return run(args, nargs, 0);
}

static gk_object *good(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    return run(args, nargs, 1);
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("bad", bad, "spin holding the GIL while another thread waits"),
    GK_OBJECT_FUNCTION("good", good, "the correct twin"),
    GK_FUNCTION_END,
};

GK_MODULE("hog", "GIL-debug test: a GIL hog.", functions, NULL, 0);
