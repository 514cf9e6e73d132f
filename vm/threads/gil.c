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
 * gk__gil_yield(): it drops the lock and queues up as a waiter that may
 * not take it back until another thread has really taken it
 * (`switch_number` moved) or no one else waits.  Without that rule the
 * dropper, still running on its core, would usually win the race again and
 * the waiter would starve (CPython calls this forced switching).  The
 * yielder sleeps once, on `cond`, until the new holder lets go (or asks it
 * to after an interval), not first for the hand-off and then for the lock.
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
 * Thread states of ended threads are freed (beyond the last GK_KEEP_ENDED,
 * whose statistics are kept for -X gilstats), yet a waiter may read
 * `holder` and set a drop request through it.  That is safe because a
 * waiter dereferences `holder` only under `mu` while it is counted in
 * `waiters`: the holder's release then sees waiters > 0 and must take `mu`
 * to signal, so it cannot finish (and its thread cannot end) while a
 * waiter still uses the pointer.
 *
 * Hand-offs: spinning instead of sleeping
 * ---------------------------------------
 * A hand-off through the kernel costs a wake-up of the sleeping thread:
 * tens of microseconds in a VM, where an idle virtual CPU must be woken
 * too.  On a multi-core machine a waiter therefore spins first, once per
 * wait and for at most SPIN_NS (20 us), watching `holder` without mu, when
 * the lock should be free within microseconds: an interactive waiter (it
 * has asked a CPU-bound holder to drop, and that holder checks at every
 * loop turn; or the holder is interactive and about to block), any waiter
 * behind an interactive holder, and a yielder that gave way to a priority
 * waiter.  Only then does it sleep on `cond`.  The spinner reads `holder`
 * but never dereferences it.  `_thread` locks do the same before sem_wait
 * (thread.c), so a Lock or Event ping-pong between two threads stays on
 * the CPUs: 2-5 us a round trip instead of 20-35 us on a two-core VM.
 *
 * Statistics and their clock
 * --------------------------
 * Time holding and waiting, the longest of each, and the switch counts are
 * kept per thread by the thread itself, outside any lock.  Every hold is
 * timed, so an uncontended release+reacquire pays for two clock reads:
 * with clock_gettime (25-35 ns each in a VM) they were most of its cost.
 * The statistics therefore run on a cheaper "stats clock": the time-stamp
 * counter (rdtsc) on x86-64 when CPUID says it is invariant, the virtual
 * counter (cntvct_el0) on aarch64, CLOCK_MONOTONIC elsewhere.  Ticks are
 * summed as they are and turned into nanoseconds only when a report reads
 * them (gk__stats_ns), with a scale measured against CLOCK_MONOTONIC
 * between the clock's first use and the read: the longer the program has
 * run, the better the calibration.  A thread that moves to another core can
 * see the counter step back by a few ticks; such a span counts as zero.
 * Waits are timed on the slow path only (the fast path waits for nothing).
 *
 * Why holds can outlast the interval
 * ----------------------------------
 * Traces (-X giltrace) of two CPU-bound threads on a loaded two-core
 * machine show holds of 15-45 ms with the 5 ms default.  In them the holder
 * drops the lock within ~50 us of the drop request: the request itself is
 * late, because the waiter's 5 ms timed wait ends only when the kernel runs
 * the waiter again (a plain 5 ms nanosleep on the same machine takes up to
 * 30 ms under that load).  The deadline of a waiter's timed wait is
 * therefore fixed when it starts waiting (or when a hand-off to another
 * thread happens), not re-armed by every wake-up that does not get it the
 * lock, so such wake-ups cannot push the request further out.
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include "runtime.h"
#include "threads/trace_int.h"
#include "threads/gilcheck.h"
#include "threads/lockdep.h"
#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

#define DEFAULT_INTERVAL_NS 5000000ull

uint64_t gk__now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* ---- the stats clock (see the essay) ---- */

static bool use_counter;                 /* written once, under clock_once */
static int ncpus;                        /* online CPUs; written once, under clock_once */
static uint64_t anchor_ticks, anchor_ns; /* the calibration's start */
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;

static inline uint64_t read_ticks(void)
{
#if defined(__x86_64__)
    if (use_counter)
        return __rdtsc();
#elif defined(__aarch64__)
    if (use_counter) {
        uint64_t v;
        __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
        return v;
    }
#endif
    return gk__now_ns();
}

/* Reads the counter and CLOCK_MONOTONIC as close together as possible
 * (again, a few times at most, if the thread was preempted in between). */
static void read_pair(uint64_t *ticks, uint64_t *ns)
{
    for (int tries = 0;; tries++) {
        uint64_t a = gk__now_ns();
        *ticks = read_ticks();
        uint64_t b = gk__now_ns();
        *ns = a + (b - a) / 2;
        if (b - a < 20000 || tries == 8)
            return;
    }
}

static void clock_setup(void)
{
#if defined(__x86_64__)
    unsigned a, b, c, d;
    /* Invariant TSC: CPUID 0x80000007, EDX bit 8. */
    if (__get_cpuid(0x80000000u, &a, &b, &c, &d) && a >= 0x80000007u &&
        __get_cpuid(0x80000007u, &a, &b, &c, &d) && (d & (1u << 8)))
        use_counter = true;
#elif defined(__aarch64__)
    use_counter = true;
#endif
    read_pair(&anchor_ticks, &anchor_ns);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    ncpus = n > 0 ? (int)n : 1;
}

uint64_t gk__stats_now(void)
{
    pthread_once(&clock_once, clock_setup);
    return read_ticks();
}

uint64_t gk__stats_ns(uint64_t ticks)
{
    pthread_once(&clock_once, clock_setup);
    if (!use_counter || ticks == 0)
        return ticks;
    uint64_t t, ns;
    read_pair(&t, &ns);
    if (ns - anchor_ns < 2000000) {   /* calibrate over 2 ms at least */
        struct timespec d = { 0, (long)(2000000 - (ns - anchor_ns)) };
        nanosleep(&d, NULL);
        read_pair(&t, &ns);
    }
    if (t <= anchor_ticks)
        return ticks;
    return (uint64_t)((double)ticks * ((double)(ns - anchor_ns) / (double)(t - anchor_ticks)));
}

const char *gk__stats_clock_name(void)
{
    pthread_once(&clock_once, clock_setup);
#if defined(__x86_64__)
    if (use_counter)
        return "rdtsc";
#elif defined(__aarch64__)
    return "cntvct_el0";
#endif
    return "clock_gettime";
}

/* Ticks from start to end; 0 if the counter stepped back (core change). */
static inline uint64_t span(uint64_t start, uint64_t end)
{
    return end > start ? end - start : 0;
}

void gk__gil_init(gk__gil *gil)
{
    pthread_condattr_t ca;
    pthread_once(&clock_once, clock_setup);
    atomic_init(&gil->holder, NULL);
    atomic_init(&gil->waiters, 0);
    atomic_init(&gil->priority_waiters, 0);
    pthread_mutex_init(&gil->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&gil->cond, &ca);
    pthread_condattr_destroy(&ca);
    gil->switch_number = 0;
    gil->last_holder = NULL;
    atomic_init(&gil->interval_ns, DEFAULT_INTERVAL_NS);
}

void gk__gil_destroy(gk__gil *gil)
{
    pthread_mutex_destroy(&gil->mu);
    pthread_cond_destroy(&gil->cond);
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

#ifdef GK_GIL_DEBUG
_Thread_local bool gk__gil_held_here __attribute__((tls_model("initial-exec")));

/* The GIL-hog watchdog (class 5 of the GIL-debug build): a waiter whose
 * drop requests to the same holder have gone unanswered (no hand-off) for
 * longer than GILKIT_GIL_HOG_MS reports the holder once.  mu. */
typedef struct hogwatch {
    gk__tstate *holder;
    uint64_t switch_number, since_ns;
    bool reported;
} hogwatch;

static void hog_watch(gk__gil *gil, hogwatch *w)
{
    gk__tstate *h = atomic_load(&gil->holder);
    uint64_t now = gk__now_ns(), limit = gk__gilcheck_hog_ns();
    if (!h || h != w->holder || gil->switch_number != w->switch_number) {
        w->holder = h;
        w->switch_number = gil->switch_number;
        w->since_ns = now;
        w->reported = false;
    } else if (!w->reported && limit && now - w->since_ns > limit) {
        w->reported = true;
        gk__gilcheck_hog(h, now - w->since_ns);
    }
}
#endif

/* Spinning instead of sleeping (see "Hand-offs" in the essay).  ncpus:
 * online CPUs, written once under clock_once; no spinning on one CPU. */
#define SPIN_NS 20000
#define SPIN_CREDIT_MAX 32

/* The spin governor: spins that found the lock free earn credit, spins
 * that timed out lose twice that; with no credit one wait in 64 spins (to
 * notice that the machine has calmed down).  Relaxed atomics: it is a
 * heuristic shared by all waiters. */
static atomic_int spin_credit = SPIN_CREDIT_MAX;
static atomic_uint spin_probe;

bool gk__spin_allowed(void)
{
    if (ncpus < 2)
        return false;
    if (atomic_load_explicit(&spin_credit, memory_order_relaxed) > 0)
        return true;
    return (atomic_fetch_add_explicit(&spin_probe, 1, memory_order_relaxed) & 63) == 0;
}

void gk__spin_result(bool got)
{
    int c = atomic_load_explicit(&spin_credit, memory_order_relaxed);
    c = got ? (c < SPIN_CREDIT_MAX ? c + 1 : c) : (c > 2 ? c - 2 : 0);
    atomic_store_explicit(&spin_credit, c, memory_order_relaxed);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/* Called without mu by a thread counted in `waiters`.  Watches `holder`
 * (never dereferencing it) for up to SPIN_NS and takes the lock if it comes
 * free and the caller may take it: a yielder only after another thread
 * has had it (*yielding is cleared once one has), an ordinary waiter only
 * while no priority waiter waits.  Returns true with the lock taken. */
static bool spin_take(gk__gil *gil, gk__tstate *ts, bool priority, bool *yielding)
{
    uint64_t start = gk__now_ns();
    for (unsigned i = 1;; i++) {
        gk__tstate *h = atomic_load_explicit(&gil->holder, memory_order_relaxed);
        if (*yielding) {
            if (h)
                *yielding = false;
        } else if (!h && (priority || atomic_load(&gil->priority_waiters) == 0)) {
            gk__tstate *expected = NULL;
            if (atomic_compare_exchange_strong(&gil->holder, &expected, ts))
                return true;
        }
        cpu_relax();
        if (i % 32 == 0 && gk__now_ns() - start > SPIN_NS)
            return false;
    }
}

/* The slow path: queue up under mu until the lock is ours.  Called with
 * mu held; returns with the lock taken and mu released.  `yielding`: the
 * caller has just dropped the lock on request (gk__gil_yield) and may not
 * take it back before another thread has had it, unless no one else
 * waits.  Waiting here, on `cond`, rather than first for the hand-off and
 * then for the lock saves the yielder one wake-up per forced switch. */
static void acquire_slow_locked(gk__gil *gil, gk__tstate *ts, bool priority, bool yielding)
{
#ifdef GK_GIL_DEBUG
    hogwatch hw = { NULL, 0, 0, false };
#endif
    atomic_fetch_add(&gil->waiters, 1);
    if (priority)
        atomic_fetch_add(&gil->priority_waiters, 1);
    /* The interval runs from the start of the wait or from the last
     * hand-off to another thread; other wake-ups do not re-arm it. */
    uint64_t sn = gil->switch_number, yielded_at = sn;
    bool spun = false;
    struct timespec deadline;
    deadline_after(&deadline, atomic_load(&gil->interval_ns));
    for (;;) {
        gk__tstate *expected = NULL;
        if (yielding && (gil->switch_number != yielded_at || atomic_load(&gil->waiters) == 1))
            yielding = false;
        if (!yielding && (priority || atomic_load(&gil->priority_waiters) == 0) &&
            atomic_compare_exchange_strong(&gil->holder, &expected, ts))
            break;
        if (gil->switch_number != sn) {
            sn = gil->switch_number;
            deadline_after(&deadline, atomic_load(&gil->interval_ns));
        }
        gk__tstate *h = atomic_load(&gil->holder);
        bool interactive_holder = h && atomic_load_explicit(&h->gil_priority, memory_order_relaxed);
        /* Force out only a CPU-bound holder: an interactive one is about to
         * block again and let go by itself. */
        if (priority && h && !interactive_holder)
            request_drop(gil);
        /* Once per wait, spin when the lock should be ours within
         * microseconds: we are interactive (we asked a CPU-bound holder to
         * drop it, and it checks at every loop turn; or the holder is
         * interactive too), the holder is interactive (it will soon block
         * again), or we yielded to a priority waiter (likewise). */
        if (!spun && (yielding ? atomic_load(&gil->priority_waiters) > 0
                               : h && (priority || interactive_holder)) && gk__spin_allowed()) {
            spun = true;
            pthread_mutex_unlock(&gil->mu);
            bool got = spin_take(gil, ts, priority, &yielding);
            gk__spin_result(got);
            pthread_mutex_lock(&gil->mu);
            if (got)
                break;
            continue;
        }
        int rc = pthread_cond_timedwait(&gil->cond, &gil->mu, &deadline);
        if (rc == ETIMEDOUT) {
            if (gil->switch_number == sn) {
                request_drop(gil);
#ifdef GK_GIL_DEBUG
                hog_watch(gil, &hw);
#endif
            }
            sn = gil->switch_number;
            deadline_after(&deadline, atomic_load(&gil->interval_ns));
        }
    }
    atomic_fetch_sub(&gil->waiters, 1);
    if (priority)
        atomic_fetch_sub(&gil->priority_waiters, 1);
    gil->switch_number++;
    gil->last_holder = ts;
    pthread_mutex_unlock(&gil->mu);
}

/* The bookkeeping of every acquisition, once the lock is ours. */
static inline void begin_hold(gk__gil *gil, gk__tstate *ts)
{
    ts->stats.acquisitions++;
    ts->holds_gil = true;
#ifdef GK_GIL_DEBUG
    gk__gil_held_here = true;
#endif
    /* A drop request meant for the previous hold is stale now.  Looked at
     * first, so the common case costs no atomic read-modify-write. */
    if ((atomic_load_explicit(&ts->eval_breaker, memory_order_relaxed) & GK_BREAK_GIL_DROP) &&
        atomic_load(&gil->waiters) == 0)
        atomic_fetch_and(&ts->eval_breaker, ~(unsigned)GK_BREAK_GIL_DROP);
}

/* Books a slow-path acquisition that began at tick t0. */
static void account_wait(gk__tstate *ts, uint64_t t0)
{
    uint64_t t1 = read_ticks();
    uint64_t waited = span(t0, t1);
    ts->stats.wait += waited;
    if (waited > ts->stats.longest_wait)
        ts->stats.longest_wait = waited;
    ts->stats.waits++;
    ts->stats.hold_start = t1;
}

void gk__gil_acquire(gk__tstate *ts)
{
    gk__gil *gil = &ts->rt->gil;
    gk__tstate *expected = NULL;

#ifdef GK_GIL_DEBUG
    gk__lockdep_gil_request(NULL, NULL, 0);   /* class 6: the GIL taken with gk_mutexes held */
#endif
    /* The fast path touches neither errno nor any lock. */
    if (atomic_load_explicit(&gil->waiters, memory_order_relaxed) == 0 &&
        atomic_compare_exchange_strong(&gil->holder, &expected, ts)) {
        ts->stats.hold_start = read_ticks();
        GK__TRACE(ts, GK_TRACE_ACQUIRED, GK_TRACE_REASON_NONE);
    } else {
        int saved_errno = errno;
        uint64_t t0 = read_ticks();
        GK__TRACE(ts, GK_TRACE_WANT, GK_TRACE_REASON_NONE);
        pthread_mutex_lock(&gil->mu);
        acquire_slow_locked(gil, ts, atomic_load_explicit(&ts->gil_priority, memory_order_relaxed), false);
        GK__TRACE(ts, GK_TRACE_ACQUIRED, GK_TRACE_REASON_NONE);
        account_wait(ts, t0);
        errno = saved_errno;
    }
    begin_hold(gil, ts);
}

static void account_release(gk__tstate *ts)
{
    uint64_t held = span(ts->stats.hold_start, read_ticks());
    ts->stats.hold += held;
    if (held > ts->stats.longest_hold)
        ts->stats.longest_hold = held;
    ts->holds_gil = false;
#ifdef GK_GIL_DEBUG
    gk__gil_held_here = false;
#endif
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
#ifdef GK_GIL_DEBUG
    gk__lockdep_gil_request(NULL, NULL, 0);   /* as gk__gil_acquire: the GIL is taken again */
#endif
    uint64_t t0 = read_ticks();
    pthread_mutex_lock(&gil->mu);
    GK__TRACE(ts, GK_TRACE_RELEASED, GK_TRACE_REASON_FORCED);
    atomic_store(&gil->holder, NULL);
    if (atomic_load(&gil->priority_waiters) > 0)
        pthread_cond_broadcast(&gil->cond);
    else
        pthread_cond_signal(&gil->cond);
    /* Forced switching: queue up behind the waiters; the lock comes back
     * only after another thread really took it. */
    acquire_slow_locked(gil, ts, false, true);
    GK__TRACE(ts, GK_TRACE_ACQUIRED, GK_TRACE_REASON_NONE);
    account_wait(ts, t0);
    begin_hold(gil, ts);
    errno = saved_errno;
}
