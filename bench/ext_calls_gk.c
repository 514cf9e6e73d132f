/*
 * bench/ext_calls_gk.c - the gilkit side of bench/ext_calls.py (which
 * builds it with gilkit-config): a no-op object-level function, and
 * attach+detach pairs timed on a native thread after its first attach.
 */
#include <gilkit.h>
#include <pthread.h>
#include <time.h>

static gk_object *noop(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    return gk_none();
}

struct pairs {
    long n;
    double ns;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *pairs_main(void *arg)
{
    struct pairs *p = arg;
    if (gk_thread_attach() != 0)      /* the first attach makes the thread state */
        return NULL;
    gk_thread_detach();
    double t0 = now();
    for (long i = 0; i < p->n; i++) {
        gk_thread_attach();
        gk_thread_detach();
    }
    p->ns = (now() - t0) / (double)p->n;
    return NULL;
}

/* attach_pairs(n, keep) -> ns per attach+detach pair on a new native
 * thread (gilkit always keeps the thread's state: keep is ignored) */
static gk_object *attach_pairs(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    struct pairs p = { nargs >= 1 ? (long)gk_int_as_i64(args[0]) : 0, -1 };
    if (p.n <= 0)
        return gk_raise(GK_EXC_VALUE_ERROR, "attach_pairs(n) needs n > 0");
    pthread_t th;
    if (pthread_create(&th, NULL, pairs_main, &p) != 0)
        return gk_raise(GK_EXC_OS_ERROR, "pthread_create failed");
    GK_BEGIN_ALLOW_THREADS
    pthread_join(th, NULL);
    GK_END_ALLOW_THREADS
    return gk_float_from_double(p.ns);
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("noop", noop, "noop(x) -> None"),
    GK_OBJECT_FUNCTION("attach_pairs", attach_pairs, "attach_pairs(n, keep) -> ns per pair"),
    GK_FUNCTION_END,
};

GK_MODULE("ext_calls_gk", "bench/ext_calls.py's module", functions, NULL, 0);
