/* Deliberately buggy extension (debug class 6, tests/unit/check_gildebug_locks.c):
 * a C-level cache guarded by an extension mutex.  bad_update() computes
 * with the GIL released while holding the mutex and takes the GIL back
 * before letting go of the mutex (order: mutex, then GIL); bad_lookup()
 * waits for the mutex while holding the GIL (order: GIL, then mutex).  Two
 * threads running them at the wrong moment deadlock; the debug build
 * reports the pair as soon as both orders have been seen, even one after
 * the other.  The correct twin: good_update() is the same as bad_update()
 * (holding the mutex while taking the GIL is fine on its own), and
 * good_lookup() takes the mutex with gk_mutex_lock_release_gil(), which
 * waits with the GIL released.
 * hold() / wait_then_release(): a native thread holds the twin's mutex so
 * that good_lookup() must really wait; wait_then_release() needs the GIL
 * before it lets the holder go, so the three only finish if good_lookup()
 * waits with the GIL released. */
#include <gilkit.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

static gk_mutex *cache_mu;           /* the buggy pair's */
static gk_mutex *twin_mu;            /* the correct twin's */
static long cache, twin_cache;

static gk_object *bad_update(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    long v;
    GK_BEGIN_ALLOW_THREADS
    gk_mutex_lock(cache_mu);
    v = cache = cache + 1;           /* the long computation, GIL released */
    GK_END_ALLOW_THREADS             /* order 2: the GIL requested while holding cache_mu */
    gk_mutex_unlock(cache_mu);
    return gk_int_from_i64(v);
}

static gk_object *bad_lookup(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    gk_mutex_lock(cache_mu);         /* order 1: cache_mu waited for with the GIL held */
    long v = cache;
    gk_mutex_unlock(cache_mu);
    return gk_int_from_i64(v);
}

static gk_object *good_update(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    long v;
    GK_BEGIN_ALLOW_THREADS
    gk_mutex_lock(twin_mu);
    v = twin_cache = twin_cache + 1;
    GK_END_ALLOW_THREADS
    gk_mutex_unlock(twin_mu);
    return gk_int_from_i64(v);
}

static atomic_int lookup_waiting, holder_may_go, holder_holds;
static pthread_t holder;

static gk_object *good_lookup(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    atomic_store(&lookup_waiting, 1);
    gk_mutex_lock_release_gil(twin_mu);   /* the fix: waits with the GIL released */
    long v = twin_cache;
    gk_mutex_unlock(twin_mu);
    return gk_int_from_i64(v);
}

static void *holder_main(void *arg)
{
    (void)arg;
    gk_mutex_lock(twin_mu);
    atomic_store(&holder_holds, 1);
    while (!atomic_load(&holder_may_go))
        usleep(200);
    gk_mutex_unlock(twin_mu);
    return NULL;
}

static gk_object *hold(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    if (pthread_create(&holder, NULL, holder_main, NULL) != 0)
        return gk_raise(GK_EXC_RUNTIME_ERROR, "pthread_create failed");
    GK_BEGIN_ALLOW_THREADS
    while (!atomic_load(&holder_holds))
        usleep(200);
    GK_END_ALLOW_THREADS
    return gk_none();
}

static gk_object *wait_then_release(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    GK_BEGIN_ALLOW_THREADS
    while (!atomic_load(&lookup_waiting))
        usleep(200);
    GK_END_ALLOW_THREADS             /* only possible while good_lookup waits without the GIL */
    atomic_store(&holder_may_go, 1);
    GK_BEGIN_ALLOW_THREADS
    pthread_join(holder, NULL);
    GK_END_ALLOW_THREADS
    return gk_none();
}

/* Class 4 through gk_mutex: bad_contended() waits for brief_mu, which a
 * native thread holds until 100 ms after bad_contended() announced itself,
 * with the GIL held. */
static gk_mutex *brief_mu;
static atomic_int contender_coming, brief_holds;

static void *brief_main(void *arg)
{
    (void)arg;
    gk_mutex_lock(brief_mu);
    atomic_store(&brief_holds, 1);
    while (!atomic_load(&contender_coming))
        usleep(200);
    usleep(100000);
    gk_mutex_unlock(brief_mu);
    return NULL;
}

static gk_object *bad_contended(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    pthread_t th;
    if (pthread_create(&th, NULL, brief_main, NULL) != 0)
        return gk_raise(GK_EXC_RUNTIME_ERROR, "pthread_create failed");
    GK_BEGIN_ALLOW_THREADS
    while (!atomic_load(&brief_holds))
        usleep(200);
    GK_END_ALLOW_THREADS
    atomic_store(&contender_coming, 1);
    gk_mutex_lock(brief_mu);         /* the bug: waits for a busy mutex with the GIL held */
    gk_mutex_unlock(brief_mu);
    GK_BEGIN_ALLOW_THREADS
    pthread_join(th, NULL);
    GK_END_ALLOW_THREADS
    return gk_none();
}

static int init(gk_object *module)
{
    (void)module;
    cache_mu = gk_mutex_new();
    twin_mu = gk_mutex_new();
    brief_mu = gk_mutex_new();
    if (!cache_mu || !twin_mu || !brief_mu) {
        gk_raise(GK_EXC_MEMORY_ERROR, "gk_mutex_new");
        return -1;
    }
    return 0;
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("bad_update", bad_update, "holds the mutex while taking the GIL back"),
    GK_OBJECT_FUNCTION("bad_lookup", bad_lookup, "waits for the mutex with the GIL held"),
    GK_OBJECT_FUNCTION("good_update", good_update, "the same as bad_update, on the twin's mutex"),
    GK_OBJECT_FUNCTION("good_lookup", good_lookup, "waits for the mutex with the GIL released"),
    GK_OBJECT_FUNCTION("hold", hold, "a native thread takes the twin's mutex until released"),
    GK_OBJECT_FUNCTION("wait_then_release", wait_then_release, "lets the holder go once good_lookup waits"),
    GK_OBJECT_FUNCTION("bad_contended", bad_contended, "waits for a busy gk_mutex with the GIL held"),
    GK_FUNCTION_END,
};

GK_MODULE("lock_order", "GIL-debug test: a gk_mutex and the GIL taken in both orders.", functions, init, 0);
