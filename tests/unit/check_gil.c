/*
 * tests/unit/check_gil.c - vm/threads/gil.c driven directly from C: the
 * hand-off between two threads, forced switching (a holder that checks the
 * eval breaker drops the lock within a bound and does not grab it straight
 * back), the priority policy (a thread back from a voluntary release gets
 * the lock before a forced-out CPU-bound one), the statistics counters and
 * the stats clock.  Each test runs forked with a fresh runtime; timing
 * bounds are generous (the tests run under sanitizers on loaded machines).
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "check_util.h"

Suite *gk_gil_suite(void);

#define BOUND_NS 10000000000ull   /* 10 s: "never" for a test that should take ms */

/* A worker OS thread attached to the runtime. */
static gk__tstate *attach(void)
{
    gk__tstate *ts = gk__tstate_new(gk__rt);
    ck_assert_ptr_nonnull(ts);
    gk__current = ts;
    return ts;
}

/* Ends an attached worker that holds the GIL; copies its stats to *out. */
static void detach(gk__tstate *ts, gk__gilstats *out)
{
    gk__gil_release(ts, GK_RELEASE_EXIT);
    if (out)
        *out = ts->stats;
    gk__tstate_delete(ts);
    gk__current = NULL;
}

/* Runs the eval breaker as a CPU-bound holder's bytecode loop would, until
 * *flag is set (or the bound passes: fails the test). */
static void spin_until(gk__tstate *ts, atomic_int *flag)
{
    uint64_t t0 = gk__now_ns();
    while (!atomic_load(flag)) {
        ck_assert_int_eq(GK_EVAL_BREAKER_CHECK(ts), 0);
        ck_assert_msg(gk__now_ns() - t0 < BOUND_NS, "spun for 10 s");
    }
}

static void wait_for(atomic_int *v, int at_least)
{
    uint64_t t0 = gk__now_ns();
    while (atomic_load(v) < at_least) {
        struct timespec d = { 0, 100000 };
        nanosleep(&d, NULL);
        ck_assert_msg(gk__now_ns() - t0 < BOUND_NS, "waited 10 s");
    }
}

/* ---- hand-off ---- */

#define ROUNDS 200
static sem_t to_worker, to_main;
static int turn;              /* GIL: whose turn it is (0 main, 1 worker) */
static int handoffs;          /* GIL */
static gk__gilstats worker_stats;

static void *pingpong_worker(void *arg)
{
    gk__tstate *ts = attach();
    for (int i = 0; i < ROUNDS; i++) {
        sem_wait(&to_worker);
        gk__gil_acquire(ts);
        ck_assert_int_eq(turn, 1);
        turn = 0;
        handoffs++;
        gk__gil_release(ts, GK_RELEASE_BLOCKING);
        sem_post(&to_main);
    }
    gk__gil_acquire(ts);
    detach(ts, &worker_stats);
    return arg;
}

/* Main and worker pass the GIL back and forth: each releases it around a
 * blocking wait for the other. */
START_TEST(test_handoff)
{
    gk__tstate *ts = gk__ts();
    sem_init(&to_worker, 0, 0);
    sem_init(&to_main, 0, 0);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, pingpong_worker, NULL), 0);
    uint64_t vol0 = ts->stats.voluntary_switches, acq0 = ts->stats.acquisitions;
    for (int i = 0; i < ROUNDS; i++) {
        ck_assert_int_eq(turn, 0);
        turn = 1;
        GK__BLOCKING_BEGIN(ts);
        sem_post(&to_worker);
        sem_wait(&to_main);
        GK__BLOCKING_END(ts);
        ck_assert(gk__gil_held());
        ck_assert_int_eq(handoffs, i + 1);
    }
    GK__BLOCKING_BEGIN(ts);
    pthread_join(t, NULL);
    GK__BLOCKING_END(ts);
    ck_assert_uint_eq(ts->stats.voluntary_switches - vol0, ROUNDS + 1);
    ck_assert_uint_eq(ts->stats.acquisitions - acq0, ROUNDS + 1);
    ck_assert_uint_eq(worker_stats.acquisitions, ROUNDS + 1);
    ck_assert_uint_eq(worker_stats.voluntary_switches, ROUNDS + 1);   /* the exit counts */
    ck_assert_uint_eq(worker_stats.forced_switches, 0);
}
END_TEST

/* ---- forced switching ---- */

static atomic_int got, release_it;
static atomic_uint_fast64_t wanted_at, got_at;

static void *waiter_thread(void *arg)
{
    gk__tstate *ts = attach();
    atomic_store(&wanted_at, gk__now_ns());
    gk__gil_acquire(ts);
    atomic_store(&got_at, gk__now_ns());
    atomic_store(&got, 1);
    wait_for(&release_it, 1);
    detach(ts, &worker_stats);
    return arg;
}

/* A holder that keeps checking the eval breaker gives the lock to a waiter
 * after about one interval, and only gets it back after the waiter ran. */
START_TEST(test_forced_switch)
{
    gk__tstate *ts = gk__ts();
    gk__gil_set_interval(&gk__rt->gil, 0.001);
    uint64_t forced0 = ts->stats.forced_switches;
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, waiter_thread, NULL), 0);
    /* The worker cannot run Python while we hold the lock: it can only
     * get it through a drop request that we honour in the breaker. */
    atomic_store(&release_it, 1);
    uint64_t t0 = gk__now_ns();
    while (!atomic_load(&got)) {
        ck_assert_int_eq(GK_EVAL_BREAKER_CHECK(ts), 0);
        ck_assert_msg(gk__now_ns() - t0 < BOUND_NS, "holder never forced out");
    }
    /* We are back from gk__gil_yield: the worker had the lock in between. */
    ck_assert(gk__gil_held());
    ck_assert_uint_ge(ts->stats.forced_switches - forced0, 1);
    GK__BLOCKING_BEGIN(ts);
    pthread_join(t, NULL);
    GK__BLOCKING_END(ts);
    ck_assert_uint_eq(worker_stats.waits, 1);
    ck_assert_uint_ge(gk__stats_ns(worker_stats.longest_wait), 500000);   /* ~ one 1 ms interval */
    ck_assert_uint_lt(atomic_load(&got_at) - atomic_load(&wanted_at), BOUND_NS);
}
END_TEST

/* The holder drops the lock only at a breaker check: without checks, a
 * waiter waits however long it takes. */
START_TEST(test_no_switch_without_check)
{
    gk__tstate *ts = gk__ts();
    gk__gil_set_interval(&gk__rt->gil, 0.001);
    atomic_store(&release_it, 1);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, waiter_thread, NULL), 0);
    /* The waiter asks after an interval; we do not check, so it waits on. */
    uint64_t t0 = gk__now_ns();
    while (!(atomic_load(&ts->eval_breaker) & GK_BREAK_GIL_DROP)) {
        struct timespec d = { 0, 100000 };
        nanosleep(&d, NULL);
        ck_assert_msg(gk__now_ns() - t0 < BOUND_NS, "no drop request in 10 s");
    }
    struct timespec d = { 0, 5000000 };
    nanosleep(&d, NULL);
    ck_assert_int_eq(atomic_load(&got), 0);
    spin_until(ts, &got);
    GK__BLOCKING_BEGIN(ts);
    pthread_join(t, NULL);
    GK__BLOCKING_END(ts);
}
END_TEST

/* ---- the priority policy ---- */

static sem_t go_io;
static atomic_int io_ready, cpu_waiting;
static int order[4], norder;   /* GIL: who acquired, in order */

/* The I/O-bound thread: holds the lock briefly, releases it around a
 * "blocking call" (becoming interactive), then wants it back. */
static void *io_thread(void *arg)
{
    gk__tstate *ts = attach();
    gk__gil_acquire(ts);
    GK__BLOCKING_BEGIN(ts);
    atomic_store(&io_ready, 1);
    sem_wait(&go_io);
    GK__BLOCKING_END(ts);
    order[norder++] = 1;
    detach(ts, &worker_stats);
    return arg;
}

/* A CPU-bound thread that never released voluntarily: an ordinary waiter. */
static void *cpu_thread(void *arg)
{
    gk__tstate *ts = attach();
    atomic_store(&cpu_waiting, 1);
    gk__gil_acquire(ts);
    order[norder++] = 2;
    detach(ts, NULL);
    return arg;
}

/* Main is CPU-bound (it keeps checking the breaker); a second CPU-bound
 * thread waits; the I/O thread comes back from its blocking call.  With a
 * 10 s interval no timed drop request can happen during the test: the
 * I/O thread's own immediate drop request forces main out, and it, not
 * the older CPU-bound waiter nor main, gets the lock next. */
START_TEST(test_priority_policy)
{
    gk__tstate *ts = gk__ts();
    gk__gil_set_interval(&gk__rt->gil, 10.0);
    sem_init(&go_io, 0, 0);
    pthread_t tio, tcpu;
    GK__BLOCKING_BEGIN(ts);
    ck_assert_int_eq(pthread_create(&tio, NULL, io_thread, NULL), 0);
    wait_for(&io_ready, 1);
    GK__BLOCKING_END(ts);
    /* Main honours a drop request with no one waiting: it is CPU-bound now. */
    gk__gil_yield(ts);
    ck_assert(!atomic_load(&ts->gil_priority));
    ck_assert_int_eq(pthread_create(&tcpu, NULL, cpu_thread, NULL), 0);
    wait_for(&cpu_waiting, 1);
    wait_for(&gk__rt->gil.waiters, 1);
    uint64_t t0 = gk__now_ns();
    sem_post(&go_io);
    while (norder == 0) {
        ck_assert_int_eq(GK_EVAL_BREAKER_CHECK(ts), 0);
        ck_assert_msg(gk__now_ns() - t0 < BOUND_NS, "the I/O thread never got the lock");
    }
    ck_assert_int_eq(order[0], 1);
    ck_assert_uint_lt(gk__now_ns() - t0, 5000000000ull);   /* far less than the 10 s interval */
    GK__BLOCKING_BEGIN(ts);
    pthread_join(tio, NULL);
    pthread_join(tcpu, NULL);
    GK__BLOCKING_END(ts);
    ck_assert_int_eq(norder, 2);
    ck_assert_int_eq(order[1], 2);
}
END_TEST

/* An interactive holder (its last release was voluntary) is not forced
 * out by a returning interactive thread: it is about to block anyway. */
START_TEST(test_interactive_holder_not_forced)
{
    gk__tstate *ts = gk__ts();
    gk__gil_set_interval(&gk__rt->gil, 10.0);
    sem_init(&go_io, 0, 0);
    pthread_t tio;
    GK__BLOCKING_BEGIN(ts);   /* main becomes interactive */
    ck_assert_int_eq(pthread_create(&tio, NULL, io_thread, NULL), 0);
    wait_for(&io_ready, 1);
    GK__BLOCKING_END(ts);
    ck_assert(atomic_load(&ts->gil_priority));
    sem_post(&go_io);
    wait_for(&gk__rt->gil.waiters, 1);
    ck_assert(!(atomic_load(&ts->eval_breaker) & GK_BREAK_GIL_DROP));
    GK__BLOCKING_BEGIN(ts);   /* main blocks: the I/O thread runs */
    pthread_join(tio, NULL);
    GK__BLOCKING_END(ts);
    ck_assert_int_eq(order[0], 1);
}
END_TEST

/* ---- statistics ---- */

#define NWORKERS 3
static gk__gilstats stats_of[NWORKERS];
static atomic_uint_fast64_t life_ns[NWORKERS];
static atomic_int finished;

/* Alternates CPU-bound stretches (breaker checks) and short sleeps with the
 * lock released. */
static void *mixed_worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint64_t t0 = gk__now_ns();
    gk__tstate *ts = attach();
    gk__gil_acquire(ts);
    for (int i = 0; i < 20; i++) {
        uint64_t s = gk__now_ns();
        while (gk__now_ns() - s < 300000)
            ck_assert_int_eq(GK_EVAL_BREAKER_CHECK(ts), 0);
        GK__BLOCKING_BEGIN(ts);
        struct timespec d = { 0, 200000 };
        nanosleep(&d, NULL);
        GK__BLOCKING_END(ts);
    }
    gk__gil_release(ts, GK_RELEASE_EXIT);
    stats_of[id] = ts->stats;
    gk__tstate_delete(ts);
    gk__current = NULL;
    atomic_store(&life_ns[id], gk__now_ns() - t0);
    atomic_fetch_add(&finished, 1);
    return arg;
}

/* Per-thread counters add up: every acquisition ends in a forced or a
 * voluntary release; waits are acquisitions that waited; the longest of
 * each is at most the total; holds and waits fit in the thread's life and
 * the lock is held by one thread at a time, so all holds fit in the run. */
START_TEST(test_stats_consistent)
{
    gk__tstate *ts = gk__ts();
    gk__gil_set_interval(&gk__rt->gil, 0.0005);
    uint64_t t0 = gk__now_ns();
    pthread_t t[NWORKERS];
    for (int i = 0; i < NWORKERS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, mixed_worker, (void *)(intptr_t)i), 0);
    while (atomic_load(&finished) < NWORKERS) {
        ck_assert_int_eq(GK_EVAL_BREAKER_CHECK(ts), 0);
        ck_assert_msg(gk__now_ns() - t0 < BOUND_NS, "workers never finished");
    }
    GK__BLOCKING_BEGIN(ts);
    for (int i = 0; i < NWORKERS; i++)
        pthread_join(t[i], NULL);
    GK__BLOCKING_END(ts);
    uint64_t run_ns = gk__now_ns() - t0, all_holds = 0;
    uint64_t forced = 0;
    for (int i = 0; i < NWORKERS; i++) {
        gk__gilstats *s = &stats_of[i];
        ck_assert_uint_eq(s->acquisitions, s->voluntary_switches + s->forced_switches);
        ck_assert_uint_ge(s->voluntary_switches, 21);   /* 20 sleeps and the exit */
        ck_assert_uint_le(s->waits, s->acquisitions);
        ck_assert_uint_le(s->longest_hold, s->hold);
        ck_assert_uint_le(s->longest_wait, s->wait);
        ck_assert(s->waits == 0 ? s->wait == 0 : 1);
        uint64_t hold = gk__stats_ns(s->hold), wait = gk__stats_ns(s->wait);
        ck_assert_uint_gt(hold, 0);
        ck_assert_uint_le(hold + wait, atomic_load(&life_ns[i]) * 11 / 10 + 1000000);
        all_holds += hold;
        forced += s->forced_switches;
    }
    ck_assert_uint_le(all_holds, run_ns * 11 / 10 + 1000000);
    /* Main held the lock while spinning, so someone was forced out. */
    ck_assert_uint_ge(forced + ts->stats.forced_switches, 1);
    ck_assert_uint_eq(ts->stats.acquisitions,
                      ts->stats.voluntary_switches + ts->stats.forced_switches + 1);   /* holding now */
}
END_TEST

/* Reads the stats clock between two CLOCK_MONOTONIC reads; returns how
 * far apart those were (large if the thread was preempted). */
static uint64_t stamp(uint64_t *ticks, uint64_t *mono)
{
    uint64_t a = gk__now_ns();
    *ticks = gk__stats_now();
    uint64_t b = gk__now_ns();
    *mono = a + (b - a) / 2;
    return b - a;
}

/* The stats clock agrees with CLOCK_MONOTONIC (to 10% and 1 ms: a loaded
 * machine may preempt the thread between reads; such tries are redone). */
START_TEST(test_stats_clock)
{
    uint64_t a, b, m0, m1;
    for (int tries = 0; tries < 10; tries++) {
        uint64_t gap = stamp(&a, &m0);
        struct timespec d = { 0, 20000000 };
        nanosleep(&d, NULL);
        gap += stamp(&b, &m1);
        if (gap < 100000)
            break;
    }
    uint64_t ns = gk__stats_ns(b - a), mono = m1 - m0;
    ck_assert_uint_ge(ns, mono * 9 / 10);
    ck_assert_uint_le(ns, mono * 11 / 10 + 1000000);
    ck_assert_ptr_nonnull(gk__stats_clock_name());
}
END_TEST

/* Ended threads' states beyond the last GK_KEEP_ENDED are freed, their
 * statistics kept in the runtime's sum. */
static void *short_thread(void *arg)
{
    gk__tstate *ts = attach();
    gk__gil_acquire(ts);
    detach(ts, NULL);
    return arg;
}

START_TEST(test_ended_states_bounded)
{
    gk__tstate *ts = gk__ts();
    int n = GK_KEEP_ENDED + 40;
    GK__BLOCKING_BEGIN(ts);
    for (int i = 0; i < n; i++) {
        pthread_t t;
        ck_assert_int_eq(pthread_create(&t, NULL, short_thread, NULL), 0);
        pthread_join(t, NULL);
    }
    GK__BLOCKING_END(ts);
    size_t states = 0;
    pthread_mutex_lock(&gk__rt->threads_mu);
    for (gk__tstate *t = gk__rt->threads; t; t = t->next)
        states++;
    ck_assert_uint_eq(gk__rt->ended_folded, 40);
    ck_assert_uint_eq(gk__rt->ended_stats.acquisitions, 40);
    ck_assert_uint_eq(gk__rt->ended_stats.voluntary_switches, 40);
    pthread_mutex_unlock(&gk__rt->threads_mu);
    ck_assert_uint_eq(states, 1 + GK_KEEP_ENDED);
}
END_TEST

/* 10,000 threading.Thread start/join cycles do not grow the resident
 * set (thread states, frame caches and thread objects are all freed or
 * reused).  Sanitizers keep freed memory in quarantine and cost much
 * time per thread: there, fewer cycles and no RSS bound. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

START_TEST(test_start_join_rss)
{
#ifdef SANITIZED
    const int warm = 200, cycles = 1000;
#else
    const int warm = 1000, cycles = 10000;
#endif
    char src[512];
    gk_object *d;
    snprintf(src, sizeof src, "import threading\nbox = [0]\n"
             "def work(i):\n    box[0] += i\n"
             "for i in range(%d):\n"
             "    t = threading.Thread(target=work, args=(i,))\n"
             "    t.start()\n    t.join()\n"
             "total = box[0]\n", warm);
    d = tu_run(src);
    gk__decref(d);
    long before = rss_kb();
    snprintf(src, sizeof src, "import threading\nbox = [0]\n"
             "def work(i):\n    box[0] += i\n"
             "for i in range(%d):\n"
             "    t = threading.Thread(target=work, args=(i,))\n"
             "    t.start()\n    t.join()\n"
             "total = box[0]\n"
             "alive = threading.active_count()\n", cycles);
    d = tu_run(src);
    long after = rss_kb();
    gk_object *total = gk__dict_get_cstr(d, "total");
    ck_assert_int_eq(gk__int_as_i64(total), (int64_t)cycles * (cycles - 1) / 2);
    ck_assert_int_eq(gk__int_as_i64(gk__dict_get_cstr(d, "alive")), 1);
    gk__decref(d);
    ck_assert_int_gt(before, 0);
#ifndef SANITIZED
    /* Before the fix: ~1.8 kB a thread, 18 MB for 10,000. */
    ck_assert_msg(after - before < 4096, "RSS grew by %ld kB over %d threads", after - before, cycles);
#else
    (void)after;
#endif
}
END_TEST

Suite *gk_gil_suite(void)
{
    Suite *s = tu_suite("gil");
    TU_ADD(s, "handoff", test_handoff);
    TU_ADD(s, "forced", test_forced_switch, test_no_switch_without_check);
    TU_ADD(s, "priority", test_priority_policy, test_interactive_holder_not_forced);
    TU_ADD(s, "stats", test_stats_consistent, test_stats_clock, test_ended_states_bounded);
    TU_ADD(s, "stress", test_start_join_rss);
    return s;
}
