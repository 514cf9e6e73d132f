/*
 * vm/threads/gil.h - the global interpreter lock.  The design essay is at
 * the top of gil.c.  These functions are called with a thread state that
 * belongs to the calling thread.
 */
#ifndef GK_VM_GIL_H
#define GK_VM_GIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdbool.h>

struct gk__tstate;

/* Invariant: `holder` is non-NULL exactly while some thread owns the lock.
 * Fields marked "mu" are guarded by `mu`; "atomic" are lock-free. */
typedef struct gk__gil {
    _Atomic(struct gk__tstate *) holder;   /* atomic: owner, NULL when free */
    atomic_int waiters;                    /* atomic: threads in the slow path */
    atomic_int priority_waiters;           /* atomic: waiters back from a voluntary release */
    pthread_mutex_t mu;
    pthread_cond_t cond;                   /* mu: signalled when the lock is freed */
    uint64_t switch_number;                /* mu: count of hand-offs */
    struct gk__tstate *last_holder;        /* mu */
    atomic_uint_fast64_t interval_ns;      /* atomic: switch interval */
} gk__gil;

/* Initializes / destroys the lock (no thread holds it after init). */
void gk__gil_init(gk__gil *gil);
void gk__gil_destroy(gk__gil *gil);
/* Takes the GIL for ts; blocks until granted.  Saves and restores errno. */
void gk__gil_acquire(struct gk__tstate *ts);
/* Releases the GIL held by ts.  reason: enum gk__release_reason. */
void gk__gil_release(struct gk__tstate *ts, int reason);
/* Honours a drop request: release (forced), let another thread run, re-take. */
void gk__gil_yield(struct gk__tstate *ts);
/* True iff the calling thread holds the GIL.  Needs no lock. */
bool gk__gil_held(void);
void gk__gil_set_interval(gk__gil *gil, double seconds);
double gk__gil_get_interval(gk__gil *gil);
uint64_t gk__now_ns(void);   /* CLOCK_MONOTONIC in ns */
/* The statistics' clock (see gil.c): now in ticks; ticks to nanoseconds
 * (calibrated when called, may sleep up to 2 ms once early in a run); the
 * clock's name ("rdtsc", "cntvct_el0" or "clock_gettime"). */
uint64_t gk__stats_now(void);
uint64_t gk__stats_ns(uint64_t ticks);
const char *gk__stats_clock_name(void);
/* Whether a waiter may spin briefly before sleeping (more than one CPU, and
 * recent spins paid off), and the outcome of a spin (true: it got what it
 * waited for).  Used by the GIL and by _thread locks. */
bool gk__spin_allowed(void);
void gk__spin_result(bool got);

/* Releasing the GIL around a blocking call inside the VM or a module:
 *   GK__BLOCKING_BEGIN(ts); n = read(...); GK__BLOCKING_END(ts);
 * No object may be touched in between. */
#define GK__BLOCKING_BEGIN(ts) gk__gil_release((ts), 0)
#define GK__BLOCKING_END(ts) gk__gil_acquire(ts)

#endif
