/*
 * vm/threads/thread.c - the low-level `_thread` module: real pthreads that
 * run Python callables, locks whose waits release the GIL, thread-local
 * data.  The `threading` module (lib/threading.py) is built on it.
 *
 * A new thread blocks SIGINT (so Ctrl-C always reaches the main thread),
 * makes its thread state, takes the GIL, runs the callable, and releases
 * the GIL for good when it ends.  Lock waits release the GIL and are
 * interruptible in the main thread: sem_wait fails with EINTR when the
 * SIGINT handler runs, and the wait then checks for KeyboardInterrupt.
 */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "runtime.h"
#include "objects.h"
#include "threads/trace_int.h"
#include "eval.h"

int gk__thread_module_init(gk_object *m);

/* ------------------------------------------------------------------ */
/* Locks                                                               */

/* Invariant: sem's value is 1 when unlocked, 0 when locked. */
typedef struct lockobject {
    GK_HEAD;
    sem_t sem;
} lockobject;

static gk_type lock_type;

static void lock_dealloc(gk_object *o)
{
    lockobject *l = (lockobject *)o;
    sem_destroy(&l->sem);
    gk__free(o);
}

/* Creates an unlocked lock; new reference. */
static gk_object *lock_new_object(void)
{
    lockobject *l = (lockobject *)gk__obj_new(&lock_type, sizeof(lockobject));
    if (!l)
        return NULL;
    sem_init(&l->sem, 0, 1);
    return (gk_object *)l;
}

static void deadline_in(struct timespec *t, double secs)
{
    clock_gettime(CLOCK_MONOTONIC, t);
    double whole = (double)(long long)secs;
    t->tv_sec += (time_t)whole;
    t->tv_nsec += (long)((secs - whole) * 1e9);
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

/* A lock hand-off between two threads costs a kernel wake-up of the
 * waiter (several microseconds in a VM, where an idle virtual CPU has to
 * be woken too).  On a multi-core machine a waiter therefore first polls
 * the lock for up to SPIN_NS, with the GIL released, before it sleeps in
 * sem_wait: a thread handing a lock back and forth (Lock, Event,
 * Condition, Queue) then finds it free while still on its CPU.  The
 * GIL's spin governor (gk__spin_allowed) stops spinning while spins keep
 * timing out, as they do when the CPUs are oversubscribed. */
#define SPIN_NS 20000

static bool spin_for(sem_t *sem)
{
    if (!gk__spin_allowed())
        return false;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 1;; i++) {
        if (sem_trywait(sem) == 0) {
            gk__spin_result(true);
            return true;
        }
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        __asm__ volatile("yield");
#endif
        if (i % 32 == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            if ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) > SPIN_NS) {
                gk__spin_result(false);
                return false;
            }
        }
    }
}

/* Waits for sem with the GIL released.  timeout < 0: forever.  Returns 1
 * acquired, 0 timed out, -1 with an exception (KeyboardInterrupt). */
static int sem_acquire_released(sem_t *sem, double timeout)
{
    bool spun = false;
    gk__tstate *ts = gk__ts();
    struct timespec deadline;
    if (timeout >= 0)
        deadline_in(&deadline, timeout);
    for (;;) {
        int r;
        gk_trace_set_label("lock.acquire");
        GK__BLOCKING_BEGIN(ts);
        if (!spun && (spun = true, spin_for(sem)))
            r = 0;
        else if (timeout < 0)
            r = sem_wait(sem);
        else
            r = sem_clockwait(sem, CLOCK_MONOTONIC, &deadline);
        int err = errno;
        GK__BLOCKING_END(ts);
        if (r == 0)
            return 1;
        if (err == ETIMEDOUT)
            return 0;
        if (err == EINTR) {
            if (gk__check_signals(ts) < 0)
                return -1;
            continue;
        }
        gk__raise_errno(err, NULL);
        return -1;
    }
}

static int parse_acquire_args(const char *fname, gk_object *const *args, size_t nargs, gk_object *kwnames,
                              bool *blocking, double *timeout)
{
    static const char *const names[] = { "blocking", "timeout" };
    gk_object *out[2];
    if (gk__parse_args(fname, args, nargs, kwnames, names, 0, 2, out) < 0)
        return -1;
    *blocking = true;
    *timeout = -1;
    if (out[0]) {
        int t = gk__truthy(out[0]);
        if (t < 0)
            return -1;
        *blocking = t;
    }
    if (out[1]) {
        *timeout = gk__as_double(out[1]);
        if (*timeout == -1.0 && gk__err_occurred())
            return -1;
        if (!*blocking && *timeout != -1) {
            gk__raise(&gk__exc_ValueError, "can't specify a timeout for a non-blocking call");
            return -1;
        }
        if (*timeout < 0 && *timeout != -1) {
            gk__raise(&gk__exc_ValueError, "timeout value must be a non-negative number");
            return -1;
        }
    }
    return 0;
}

static gk_object *lock_acquire(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    lockobject *l = (lockobject *)self;
    bool blocking;
    double timeout;
    if (parse_acquire_args("acquire", args, nargs, kwnames, &blocking, &timeout) < 0)
        return NULL;
    if (sem_trywait(&l->sem) == 0)
        return gk__bool(true);
    if (!blocking || timeout == 0)
        return gk__bool(false);
    int r = sem_acquire_released(&l->sem, timeout);
    if (r < 0)
        return NULL;
    return gk__bool(r == 1);
}

static gk_object *lock_release(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    lockobject *l = (lockobject *)self;
    int value;
    if (gk__check_args("release", nargs, kwnames, 0, 0) < 0)
        return NULL;
    sem_getvalue(&l->sem, &value);
    if (value > 0)
        return gk__raise(&gk__exc_RuntimeError, "release unlocked lock");
    sem_post(&l->sem);
    return gk__none_ref();
}

static gk_object *lock_exit(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return lock_release(self, NULL, 0, NULL);
}

static gk_object *lock_locked(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    int value;
    sem_getvalue(&((lockobject *)self)->sem, &value);
    return gk__bool(value == 0);
}

static gk_object *lock_repr(gk_object *self)
{
    int value;
    sem_getvalue(&((lockobject *)self)->sem, &value);
    return gk__str_from_format("<%s _thread.lock object at %p>", value == 0 ? "locked" : "unlocked",
                               (void *)self);
}

static const gk__methoddef lock_methods[] = {
    { "acquire", lock_acquire, 0, "acquire(blocking=True, timeout=-1) -> bool" },
    { "acquire_lock", lock_acquire, 0, NULL },
    { "__enter__", lock_acquire, 0, NULL },
    { "release", lock_release, 0, "release the lock" },
    { "release_lock", lock_release, 0, NULL },
    { "__exit__", lock_exit, 0, NULL },
    { "locked", lock_locked, 0, "whether the lock is held" },
    { "locked_lock", lock_locked, 0, NULL },
    { NULL, NULL, 0, NULL },
};

static gk_object *lock_tp_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("lock", nargs, kwnames, 0, 0) < 0)
        return NULL;
    return lock_new_object();
}

static gk_type lock_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "lock",
    .basicsize = sizeof(lockobject),
    .dealloc = lock_dealloc,
    .repr = lock_repr,
    .new_ = lock_tp_new,
    .methods = lock_methods,
    .doc = "A lock whose waits release the GIL.",
};

/* ------------------------------------------------------------------ */
/* Thread-local data: attributes live in a per-thread dict.            */

typedef struct localobject {
    GK_HEAD;
    gk_object *key;     /* int: this object's identity, used in ts->local_dicts */
} localobject;

static gk_type local_type;

/* Returns this thread's dict for the local object (BORROWED), creating it. */
static gk_object *local_dict(gk_object *self, bool create)
{
    gk__tstate *ts = gk__ts();
    localobject *lo = (localobject *)self;
    if (!ts->local_dicts) {
        if (!create)
            return NULL;
        if (!(ts->local_dicts = gk__dict_new()))
            return NULL;
    }
    gk_object *d = gk__dict_get(ts->local_dicts, lo->key);
    if (d || !create)
        return d;
    d = gk__dict_new();
    if (!d)
        return NULL;
    int r = gk__dict_set(ts->local_dicts, lo->key, d);
    gk__decref(d);
    return r < 0 ? NULL : d;
}

static gk_object *local_getattr(gk_object *self, gk_object *name)
{
    gk_object *d = local_dict(self, false);
    if (d) {
        gk_object *v = gk__dict_get(d, name);
        if (v)
            return gk__incref(v);
    }
    if (gk__err_occurred())
        return NULL;
    return gk__object_generic_getattr(self, name);
}

static int local_setattr(gk_object *self, gk_object *name, gk_object *value)
{
    gk_object *d = local_dict(self, true);
    if (!d)
        return -1;
    if (value)
        return gk__dict_set(d, name, value);
    if (gk__dict_del(d, name) < 0) {
        gk__err_clear();
        gk__raise(&gk__exc_AttributeError, "'_thread._local' object has no attribute '%S'", name);
        return -1;
    }
    return 0;
}

static gk_object *local_tp_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    localobject *lo = (localobject *)((type->flags & GK_TPFLAG_GC) ? gk__gc_new(type, type->basicsize)
                                                                   : gk__obj_new(type, type->basicsize));
    if (!lo)
        return NULL;
    lo->key = gk__int_from_u64((uint64_t)(uintptr_t)lo);
    if (!lo->key) {
        gk__decref((gk_object *)lo);
        return NULL;
    }
    return (gk_object *)lo;
}

static void local_dealloc(gk_object *o)
{
    localobject *lo = (localobject *)o;
    gk__tstate *ts = gk__ts();
    /* Drop this thread's data; other threads' entries go when they end. */
    if (ts && ts->local_dicts && lo->key && gk__dict_get(ts->local_dicts, lo->key))
        gk__dict_del(ts->local_dicts, lo->key);
    gk__err_clear();
    gk__xdecref(lo->key);
    gk__free(o);   /* a subclass's dealloc drops its reference to the class */
}

static gk_type local_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "_local",
    .basicsize = sizeof(localobject),
    .flags = GK_TPFLAG_BASETYPE,
    .dealloc = local_dealloc,
    .getattr = local_getattr,
    .setattr = local_setattr,
    .new_ = local_tp_new,
    .doc = "Thread-local data",
};

/* ------------------------------------------------------------------ */
/* Threads                                                             */

typedef struct bootstate {
    gk__runtime *rt;
    gk_object *func, *args, *kwargs;   /* owned references */
} bootstate;

static void run_bootstate(bootstate *b)
{
    gk_object *r = gk__call_tuple_dict(b->func, b->args, b->kwargs);
    if (r) {
        gk__decref(r);
    } else if (gk__err_matches(&gk__exc_SystemExit)) {
        gk__err_clear();
    } else {
        gk_object *exc = gk__err_fetch();
        fprintf(stderr, "Unhandled exception in thread started by %s\n", "function");
        gk__print_exception(exc);
        gk__decref(exc);
    }
}

static void *thread_main(void *arg)
{
    bootstate *b = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    gk__tstate *ts = gk__tstate_new(b->rt);
    if (!ts)
        return NULL;
    snprintf(ts->name, sizeof ts->name, "Thread-%llu", (unsigned long long)(ts->ident % 100000));
    gk__current = ts;
    GK__TRACE(ts, GK_TRACE_THREAD_START, GK_TRACE_REASON_NONE);
    gk__gil_acquire(ts);
    run_bootstate(b);
    gk__decref(b->func);
    gk__decref(b->args);
    gk__xdecref(b->kwargs);
    free(b);
    GK_CLEAR(ts->local_dicts);
    GK_CLEAR(ts->exc_info);
    GK_CLEAR(ts->thread_obj);
    gk__frame_cache_flush();
    gk__gil_release(ts, GK_RELEASE_EXIT);
    gk__tstate_delete(ts);
    gk__current = NULL;
    return NULL;
}

static gk_object *thread_start_new(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("start_new_thread", nargs, kwnames, 2, 3) < 0)
        return NULL;
    if (!gk__is_tuple(args[1]))
        return gk__raise(&gk__exc_TypeError, "2nd arg must be a tuple");
    if (nargs == 3 && args[2] != GK_NONE && !gk__is_dict(args[2]))
        return gk__raise(&gk__exc_TypeError, "optional 3rd arg must be a dictionary");
    if (atomic_load(&gk__rt->finalizing))
        return gk__raise(&gk__exc_RuntimeError, "can't create new thread at interpreter shutdown");
    bootstate *b = malloc(sizeof *b);
    if (!b)
        return gk__raise_nomemory();
    b->rt = gk__rt;
    b->func = gk__incref(args[0]);
    b->args = gk__incref(args[1]);
    b->kwargs = (nargs == 3 && args[2] != GK_NONE) ? gk__incref(args[2]) : NULL;

    pthread_t tid;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 8u << 20);
    int err = pthread_create(&tid, &attr, thread_main, b);
    pthread_attr_destroy(&attr);
    if (err) {
        gk__decref(b->func);
        gk__decref(b->args);
        gk__xdecref(b->kwargs);
        free(b);
        return gk__raise(&gk__exc_RuntimeError, "can't start new thread");
    }
    return gk__int_from_u64((uint64_t)tid);
}

static gk_object *thread_get_ident(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("get_ident", nargs, kwnames, 0, 0) < 0)
        return NULL;
    return gk__int_from_u64(gk__ts()->ident);
}

static gk_object *thread_allocate_lock(gk_object *self, gk_object *const *args, size_t nargs,
                                       gk_object *kwnames)
{
    if (gk__check_args("allocate_lock", nargs, kwnames, 0, 0) < 0)
        return NULL;
    return lock_new_object();
}

static gk_object *thread_count(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return gk__int_from_i64(atomic_load(&gk__rt->nthreads) - 1);
}

/* _set_name(name): names the calling thread in GIL reports and statistics. */
static gk_object *thread_set_name(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("_set_name", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "name must be str");
    snprintf(gk__ts()->name, sizeof gk__ts()->name, "%s", gk__str_utf8(args[0]));
    return gk__none_ref();
}

/* _is_main_thread() -> bool */
static gk_object *thread_is_main(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return gk__bool(gk__ts()->is_main);
}

/* _print_exception(exc): prints exc with its traceback like python3. */
static gk_object *thread_print_exception(gk_object *self, gk_object *const *args, size_t nargs,
                                         gk_object *kwnames)
{
    if (gk__check_args("_print_exception", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_exception(args[0]))
        return gk__raise(&gk__exc_TypeError, "_print_exception() needs an exception, not %N", args[0]);
    fflush(stdout);
    gk__print_exception(args[0]);
    return gk__none_ref();
}

static const gk__methoddef thread_functions[] = {
    { "_print_exception", thread_print_exception, 0, NULL },
    { "start_new_thread", thread_start_new, 0, "start_new_thread(function, args[, kwargs]) -> ident" },
    { "start_new", thread_start_new, 0, NULL },
    { "get_ident", thread_get_ident, 0, "get_ident() -> int" },
    { "allocate_lock", thread_allocate_lock, 0, "allocate_lock() -> lock" },
    { "allocate", thread_allocate_lock, 0, NULL },
    { "_count", thread_count, 0, "number of threads started and not yet ended" },
    { "_set_name", thread_set_name, 0, NULL },
    { "_gilstats", gk__thread_gilstats, 0, "_gilstats() -> {ident: per-thread GIL statistics}" },
    { "_is_main_thread", thread_is_main, 0, NULL },
    { NULL, NULL, 0, NULL },
};

int gk__thread_module_init(gk_object *m)
{
    if (gk__type_ready(&lock_type) < 0 || gk__type_ready(&local_type) < 0)
        return -1;
    if (gk__module_add_functions(m, thread_functions) < 0)
        return -1;
    gk_object *d = gk__module_dict(m);
    gk_object *tmax = gk__float_new(9223372036.0);
    if (!tmax)
        return -1;
    int r = gk__dict_set_cstr(d, "TIMEOUT_MAX", tmax);
    gk__decref(tmax);
    if (r < 0 || gk__dict_set_cstr(d, "LockType", (gk_object *)&lock_type) < 0 ||
        gk__dict_set_cstr(d, "_local", (gk_object *)&local_type) < 0 ||
        gk__dict_set_cstr(d, "error", (gk_object *)&gk__exc_RuntimeError) < 0)
        return -1;
    return 0;
}
