/*
 * vm/threads/gil.c - the global interpreter lock.
 *
 * What the lock is
 * ----------------
 * One lock per runtime.  A thread must hold it to run bytecode or touch any
 * object; reference counts, dicts and lists are plain memory guarded by it.
 * The owner is the atomic pointer `holder`: NULL when the lock is free.
 *
 * The fast path
 * -------------
 * When nobody waits, taking the lock is one compare-and-swap of `holder`
 * from NULL to the caller, and dropping it is one atomic store of NULL
 * plus a load of `waiters`.  No mutex and no condition variable are
 * touched, so a C extension that releases the GIL around a short call pays
 * a few nanoseconds.  A thread takes the fast path only while `waiters` is
 * zero, so it cannot barge past threads that are already queued.
 *
 * Waiting
 * -------
 * A thread that finds the lock taken (or others queued) enters the slow
 * path: under `mu` it counts itself in `waiters` and sleeps on `cond`.
 * The releaser stores NULL into `holder` *before* it reads `waiters`, and a
 * waiter increments `waiters` *before* it reads `holder`; both are
 * sequentially consistent, so either the waiter sees the lock free or the
 * releaser sees the waiter and signals `cond` under `mu`.  No wake-up is
 * lost.
 *
 * Switching: drop requests and forced switching
 * ---------------------------------------------
 * A CPU-bound holder never blocks, so waiters must ask it to let go.  A
 * waiter that has slept a whole switch interval (5 ms by default,
 * sys.setswitchinterval) without any hand-off happening sets
 * GK_BREAK_GIL_DROP in the holder's eval-breaker word.  The eval loop checks
 * that word at backward jumps and calls; the holder then calls
 * gk__gil_yield(): it drops the lock and waits on `switch_cond` until
 * another thread has really taken it (`switch_number` moved).  Without that
 * wait the dropper, still running on its core, would usually win the race
 * again and the waiter would starve (CPython calls this forced switching).
 *
 * No convoy: priority for threads back from a blocking call
 * ----------------------------------------------------------
 * CPython makes a thread that comes back from a short blocking call (a
 * pipe read, a socket recv) wait a full switch interval behind a CPU-bound
 * thread, every time: 200 pipe round trips become 1000x slower.  gilkit
 * uses the priority rule proposed for CPython (bpo-7946) but never merged:
 *   - a thread that released the lock voluntarily (around a blocking call)
 *     is "interactive": when it wants the lock back it asks the holder to
 *     drop it at once, without waiting an interval, and while such a
 *     thread waits (`priority_waiters` > 0) ordinary waiters leave the
 *     lock to it;
 *   - a thread that had to be asked to drop the lock (forced switch) is
 *     "CPU-bound" and loses the priority until its next voluntary release.
 *   - only a CPU-bound holder is asked to drop at once; an interactive
 *     holder (say the server thread of a loopback echo, while its client
 *     comes back) is about to block and let go by itself, and forcing it
 *     out would strip its priority and bring the convoy back.
 * CPU-bound threads still share the lock fairly among themselves through
 * the interval, and an interactive thread can only take the lock as often
 * as it blocks, during which the CPU-bound threads run.
 *
 * Thread states are never freed while the runtime lives (they are kept for
 * the -X gilstats report), so setting a drop request through a stale
 * `holder` pointer is harmless.
 *
 * Statistics (time holding and waiting, longest of each, switches) are
 * kept per thread by the thread itself, outside any lock.
 */
#include <errno.h>
#include <time.h>
#include "runtime.h"
#include "threads/trace_int.h"

#define DEFAULT_INTERVAL_NS 5000000ull

uint64_t gk__now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void gk__gil_init(gk__gil *gil)
{
    pthread_condattr_t ca;
    atomic_init(&gil->holder, NULL);
    atomic_init(&gil->waiters, 0);
    atomic_init(&gil->priority_waiters, 0);
    pthread_mutex_init(&gil->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&gil->cond, &ca);
    pthread_cond_init(&gil->switch_cond, &ca);
    pthread_condattr_destroy(&ca);
    gil->switch_number = 0;
    gil->last_holder = NULL;
    atomic_init(&gil->interval_ns, DEFAULT_INTERVAL_NS);
}

void gk__gil_destroy(gk__gil *gil)
{
    pthread_mutex_destroy(&gil->mu);
    pthread_cond_destroy(&gil->cond);
    pthread_cond_destroy(&gil->switch_cond);
}

void gk__gil_set_interval(gk__gil *gil, double seconds)
{
    uint64_t ns = (uint64_t)(seconds * 1e9);
    atomic_store(&gil->interval_ns, ns ? ns : 1);
}

double gk__gil_get_interval(gk__gil *gil)
{
    return (double)atomic_load(&gil->interval_ns) / 1e9;
}

bool gk__gil_held(void)
{
    gk__tstate *ts = gk__current;
    return ts && gk__rt && atomic_load_explicit(&gk__rt->gil.holder, memory_order_relaxed) == ts;
}

static void request_drop(gk__gil *gil)
{
    gk__tstate *h = atomic_load(&gil->holder);
    if (h) {
        GK__TRACE(gk__current, GK_TRACE_DROP_REQUEST, GK_TRACE_REASON_NONE);
        atomic_fetch_or(&h->eval_breaker, GK_BREAK_GIL_DROP);
    }
}

static void deadline_after(struct timespec *ts, uint64_t ns)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += (time_t)(ns / 1000000000ull);
    ts->tv_nsec += (long)(ns % 1000000000ull);
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* The slow path: queue up under mu until the lock is ours. */
static void acquire_slow(gk__gil *gil, gk__tstate *ts, bool priority)
{
    pthread_mutex_lock(&gil->mu);
    atomic_fetch_add(&gil->waiters, 1);
    if (priority)
        atomic_fetch_add(&gil->priority_waiters, 1);
    for (;;) {
        gk__tstate *expected = NULL;
        if ((priority || atomic_load(&gil->priority_waiters) == 0) &&
            atomic_compare_exchange_strong(&gil->holder, &expected, ts))
            break;
        uint64_t sn = gil->switch_number;
        if (priority) {
            /* Force out only a CPU-bound holder: an interactive one is
             * about to block again and let go by itself. */
            gk__tstate *h = atomic_load(&gil->holder);
            if (h && !atomic_load_explicit(&h->gil_priority, memory_order_relaxed))
                request_drop(gil);
        }
        struct timespec deadline;
        deadline_after(&deadline, atomic_load(&gil->interval_ns));
        int rc = pthread_cond_timedwait(&gil->cond, &gil->mu, &deadline);
        if (rc == ETIMEDOUT && gil->switch_number == sn)
            request_drop(gil);
    }
    atomic_fetch_sub(&gil->waiters, 1);
    if (priority)
        atomic_fetch_sub(&gil->priority_waiters, 1);
    gil->switch_number++;
    gil->last_holder = ts;
    pthread_cond_broadcast(&gil->switch_cond);
    pthread_mutex_unlock(&gil->mu);
}

void gk__gil_acquire(gk__tstate *ts)
{
    gk__gil *gil = &ts->rt->gil;
    int saved_errno = errno;
    gk__tstate *expected = NULL;
    uint64_t t0 = gk__now_ns();

    if (atomic_load(&gil->waiters) == 0 &&
        atomic_compare_exchange_strong(&gil->holder, &expected, ts)) {
        ts->stats.hold_start_ns = t0;
        GK__TRACE(ts, GK_TRACE_ACQUIRED, GK_TRACE_REASON_NONE);
    } else {
        GK__TRACE(ts, GK_TRACE_WANT, GK_TRACE_REASON_NONE);
        acquire_slow(gil, ts, atomic_load_explicit(&ts->gil_priority, memory_order_relaxed));
        GK__TRACE(ts, GK_TRACE_ACQUIRED, GK_TRACE_REASON_NONE);
        uint64_t t1 = gk__now_ns();
        uint64_t waited = t1 - t0;
        ts->stats.wait_ns += waited;
        if (waited > ts->stats.longest_wait_ns)
            ts->stats.longest_wait_ns = waited;
        ts->stats.hold_start_ns = t1;
    }
    ts->stats.acquisitions++;
    ts->holds_gil = true;
    /* A drop request meant for the previous hold is stale now. */
    if (atomic_load(&gil->waiters) == 0)
        atomic_fetch_and(&ts->eval_breaker, ~(unsigned)GK_BREAK_GIL_DROP);
    errno = saved_errno;
}

static void account_release(gk__tstate *ts)
{
    uint64_t held = gk__now_ns() - ts->stats.hold_start_ns;
    ts->stats.hold_ns += held;
    if (held > ts->stats.longest_hold_ns)
        ts->stats.longest_hold_ns = held;
    ts->holds_gil = false;
}

void gk__gil_release(gk__tstate *ts, int reason)
{
    gk__gil *gil = &ts->rt->gil;
    account_release(ts);
    if (reason == GK_RELEASE_FORCED) {
        ts->stats.forced_switches++;
        atomic_store_explicit(&ts->gil_priority, false, memory_order_relaxed);
    } else {
        ts->stats.voluntary_switches++;
        if (reason == GK_RELEASE_BLOCKING)
            atomic_store_explicit(&ts->gil_priority, true, memory_order_relaxed);
    }
    /* Traced before the store, so hold spans never overlap in a trace. */
    GK__TRACE(ts, GK_TRACE_RELEASED, (gk_trace_reason)(reason + 1));
    atomic_store(&gil->holder, NULL);
    if (atomic_load(&gil->waiters) > 0) {
        pthread_mutex_lock(&gil->mu);
        if (atomic_load(&gil->priority_waiters) > 0)
            pthread_cond_broadcast(&gil->cond);
        else
            pthread_cond_signal(&gil->cond);
        pthread_mutex_unlock(&gil->mu);
    }
    if (reason == GK_RELEASE_EXIT)
        GK__TRACE(ts, GK_TRACE_THREAD_EXIT, GK_TRACE_REASON_EXIT);
}

void gk__gil_yield(gk__tstate *ts)
{
    gk__gil *gil = &ts->rt->gil;
    int saved_errno = errno;
    account_release(ts);
    ts->stats.forced_switches++;
    atomic_store_explicit(&ts->gil_priority, false, memory_order_relaxed);
    pthread_mutex_lock(&gil->mu);
    uint64_t sn = gil->switch_number;
    GK__TRACE(ts, GK_TRACE_RELEASED, GK_TRACE_REASON_FORCED);
    atomic_store(&gil->holder, NULL);
    if (atomic_load(&gil->priority_waiters) > 0)
        pthread_cond_broadcast(&gil->cond);
    else
        pthread_cond_signal(&gil->cond);
    /* Forced switching: wait until another thread really took the lock. */
    while (atomic_load(&gil->waiters) > 0 && gil->switch_number == sn)
        pthread_cond_wait(&gil->switch_cond, &gil->mu);
    pthread_mutex_unlock(&gil->mu);
    gk__gil_acquire(ts);
    errno = saved_errno;
}
