/*
 * vm/runtime.h - runtime-wide state apart from per-thread state.
 *
 * One gk__runtime exists per initialized interpreter (gk__rt points at it
 * while it lives).  Each OS thread that runs Python code has a gk__tstate,
 * reachable through the thread-local gk__current.  Fields say which lock
 * guards them: "GIL" means only the GIL holder may touch it; "threads_mu"
 * the runtime's thread-list mutex; "atomic" lock-free.
 */
#ifndef GK_VM_RUNTIME_H
#define GK_VM_RUNTIME_H

#include <pthread.h>
#include <stdatomic.h>
#include "object.h"
#include "threads/gil.h"

struct gk__frame;

/* Reasons a thread lets go of the GIL (statistics and tracing). */
enum gk__release_reason {
    GK_RELEASE_BLOCKING = 0,   /* around a blocking call (voluntary) */
    GK_RELEASE_FORCED = 1,     /* honoured a drop request */
    GK_RELEASE_YIELD = 2,      /* voluntary yield with nothing blocking */
    GK_RELEASE_EXIT = 3,       /* thread ends */
};

/* Bits of gk__tstate.eval_breaker: something wants the eval loop's
 * attention at the next check (loop back-edges and calls). */
enum {
    GK_BREAK_GIL_DROP = 1u << 0,   /* another thread waits for the GIL */
    GK_BREAK_SIGNALS  = 1u << 1,   /* a signal handler must run (main thread) */
    GK_BREAK_ASYNC_EXC = 1u << 2,  /* an asynchronous exception is pending */
    GK_BREAK_GC       = 1u << 3,   /* the cycle collector asks to run */
};

/* Per-thread GIL statistics: kept always, written only by their thread while
 * it runs (no lock needed), read at exit or by gk__gilstats() under the GIL.
 * Times are in stats-clock ticks (threads/gil.c): gk__stats_ns() converts. */
typedef struct gk__gilstats {
    uint64_t hold, wait;                /* ticks: total time holding / waiting */
    uint64_t longest_hold, longest_wait;   /* ticks */
    uint64_t forced_switches, voluntary_switches;
    uint64_t acquisitions;              /* holds begun (fast and slow path) */
    uint64_t waits;                     /* acquisitions that had to wait (slow path) */
    uint64_t hold_start;                /* ticks: when the current hold began */
} gk__gilstats;

typedef struct gk__tstate {
    struct gk__runtime *rt;
    struct gk__tstate *prev, *next;     /* threads_mu */
    uint64_t ident;                     /* threading.get_ident() value; immutable */
    pthread_t thread;                   /* immutable */
    atomic_uint eval_breaker;           /* atomic: GK_BREAK_* */
    gk_object *curexc;                  /* GIL: the pending exception, or NULL */
    gk_object *exc_info;                /* GIL: the exception being handled (sys.exc_info), or NULL */
    struct gk__frame *frame;            /* GIL: innermost running frame */
    int recursion_depth;                /* GIL */
    int recursion_limit;
    gk_object *async_exc;               /* GIL: exception to raise at the next check */
    gk_object *thread_obj;              /* GIL: the threading.Thread object, if any */
    gk_object *local_dicts;             /* GIL: threading.local storage: dict id -> dict */
    char name[64];                      /* thread name for reports; written by its thread under the GIL */
    bool holds_gil;                     /* written by the thread itself only */
    atomic_bool gil_priority;           /* atomic (relaxed): last release was voluntary (see gil.c);
                                         * written by its thread, read by waiters */
    bool alive;                         /* threads_mu: false once the thread has ended */
    bool is_main;
    gk__gilstats stats;
    int attach_count;                   /* SDK attach nesting; own thread */
    /* gk_call_blocking's unblock function while a blocking call runs, or
     * NULL; called by the SIGINT handler (so it must be async-signal-safe). */
    void (*volatile unblock)(void *);
    void *volatile unblock_arg;
    /* GIL checks (threads/gilcheck.c).  Where this thread last let go of
     * the GIL through the SDK (GK_BEGIN_ALLOW_THREADS, gk_call_blocking,
     * gk_thread_detach), for reports; own thread. */
    const char *release_file;
    int release_line;
    /* The extension function running on this thread ("module", "func"), or
     * NULL: set around each call by the loader in the GIL-debug build;
     * written by its thread, read by GIL waiters for GIL-hog reports. */
    _Atomic(const char *) ext_module;
    _Atomic(const char *) ext_func;
    bool attach_had_gil;                /* own thread: the outermost SDK attach found the GIL
                                         * already held, so the last detach keeps it */
} gk__tstate;

/* The cycle collector's state (vm/gc.c).  GIL. */
typedef struct gk__gcstate {
    struct gk__gchead *head;            /* circular list of tracked objects (sentinel) */
    size_t tracked;                     /* objects in the list */
    size_t allocs_since;                /* gk__gc_new calls since the last collection */
    size_t threshold;                   /* collect when allocs_since passes this */
    bool collecting;
    bool disabled;
    uint64_t collections, collected;
} gk__gcstate;

typedef struct gk__runtime {
    gk__gil gil;                        /* the lock itself; see threads/gil.c */
    pthread_mutex_t threads_mu;         /* guards the thread list */
    gk__tstate *threads;                /* threads_mu: all thread states, live and the last
                                         * GK_KEEP_ENDED ended ones (for statistics) */
    size_t nended;                      /* threads_mu: ended states in the list */
    uint64_t ended_folded;              /* threads_mu: ended states freed, their stats in ended_stats */
    gk__gilstats ended_stats;           /* threads_mu: sums (longest: max) of those */
    gk__tstate *main_thread;            /* immutable after init */
    atomic_int nthreads;                /* atomic: live thread count */
    gk__gcstate gc;                     /* GIL */
    gk_object *modules;                 /* GIL: sys.modules */
    gk_object *builtins;                /* GIL: builtins module dict (borrowed from the module) */
    gk_object *builtins_module;         /* GIL */
    gk_object *sys;                     /* GIL: the sys module */
    gk_object *interned;                /* GIL: dict of interned strings */
    gk_object *path;                    /* GIL: sys.path list */
    gk_object *main_dir;                /* GIL: str folder of the main script */
    atomic_int finalizing;              /* atomic: set once shutdown starts */
    atomic_int pending_signals;         /* atomic: signals caught, not yet handled */
    gk_object *excepthook;              /* GIL: threading.excepthook override or NULL */
    bool gilstats_at_exit;              /* -X gilstats */
    bool dump_code;                     /* -X dis: print the main code's disassembly */
    int exit_code;
} gk__runtime;

extern gk__runtime *gk__rt;                     /* the live runtime, or NULL */
/* initial-exec: one 8-byte slot of static TLS, so reading it costs no __tls_get_addr call */
extern _Thread_local gk__tstate *gk__current __attribute__((tls_model("initial-exec")));   /* this thread's state, or NULL */

/* Returns this thread's state; only valid for threads attached to the runtime. */
static inline gk__tstate *gk__ts(void) { return gk__current; }

/* Creates a thread state for the calling OS thread and links it into the
 * runtime (does not take the GIL).  Returns NULL if out of memory. */
gk__tstate *gk__tstate_new(gk__runtime *rt);
/* Marks ts ended; the caller must not touch ts after.  Its memory stays
 * while it is one of the last GK_KEEP_ENDED ended states; older ones are
 * freed, their statistics summed into rt->ended_stats (see threads/gil.c
 * for why no stale pointer to a freed state is used). */
void gk__tstate_delete(gk__tstate *ts);
#define GK_KEEP_ENDED 64
/* Prints the -X gilstats table of every thread to stderr. */
void gk__print_gilstats(void);

/* Called by the eval loop when ts->eval_breaker is non-zero: honours GIL
 * drop requests, runs signal handlers, raises async exceptions.  Returns
 * 0, or -1 with an exception pending (e.g. KeyboardInterrupt). */
int gk__handle_eval_breaker(gk__tstate *ts);
#define GK_EVAL_BREAKER_CHECK(ts) \
    (atomic_load_explicit(&(ts)->eval_breaker, memory_order_relaxed) ? gk__handle_eval_breaker(ts) : 0)

/* Runtime life cycle (vm/runtime.c).  gk__runtime_init creates the runtime
 * and the main thread state and returns holding the GIL. */
int gk__runtime_init(int argc, char **argv);
/* Runs a script file as __main__; returns the process exit status. */
int gk__run_file(const char *path);
/* Runs source text as __main__ (for -c); returns the exit status. */
int gk__run_string(const char *src, const char *filename);
/* If a SIGINT arrived and ts is the main thread: -1 with KeyboardInterrupt
 * pending; else 0.  Blocking calls use it when they wake with EINTR. */
int gk__check_signals(gk__tstate *ts);
/* Joins non-daemon threads and flushes output; returns an exit status. */
int gk__runtime_fini(void);
/* Forgets the runtime after gk__runtime_fini (embedding): the next
 * gk__runtime_init starts a new one.  Only when no other thread runs. */
void gk__runtime_free(void);

#endif
