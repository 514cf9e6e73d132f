/*
 * vm/modules/time.c - the `time` module: clocks, and sleep() that releases
 * the GIL and wakes early for Ctrl-C in the main thread.
 */
#include <errno.h>
#include <math.h>
#include <time.h>
#include "runtime.h"
#include "objects.h"
#include "threads/trace_int.h"

int gk__time_module_init(gk_object *m);

static double clock_secs(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static gk_object *clock_ns(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return gk__int_from_i64((int64_t)t.tv_sec * 1000000000 + t.tv_nsec);
}

#define CLOCK_FUNCS(pyname, id) \
    static gk_object *time_##pyname(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw) \
    { \
        if (gk__check_args(#pyname, nargs, kw, 0, 0) < 0) \
            return NULL; \
        return gk__float_new(clock_secs(id)); \
    } \
    static gk_object *time_##pyname##_ns(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw) \
    { \
        if (gk__check_args(#pyname "_ns", nargs, kw, 0, 0) < 0) \
            return NULL; \
        return clock_ns(id); \
    }

CLOCK_FUNCS(time, CLOCK_REALTIME)
CLOCK_FUNCS(monotonic, CLOCK_MONOTONIC)
CLOCK_FUNCS(perf_counter, CLOCK_MONOTONIC)
CLOCK_FUNCS(process_time, CLOCK_PROCESS_CPUTIME_ID)
CLOCK_FUNCS(thread_time, CLOCK_THREAD_CPUTIME_ID)

/* sleep(secs): releases the GIL for the whole sleep; in the main thread a
 * SIGINT interrupts it with KeyboardInterrupt. */
static gk_object *time_sleep(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("sleep", nargs, kw, 1, 1) < 0)
        return NULL;
    if (!gk__is_int(args[0]) && !gk__is_float(args[0]))
        return gk__raise(&gk__exc_TypeError, "'%N' object cannot be interpreted as an integer", args[0]);
    double secs = gk__as_double(args[0]);
    if (secs == -1.0 && gk__err_occurred())
        return NULL;
    if (isnan(secs))
        return gk__raise(&gk__exc_ValueError, "Invalid value NaN (not a number)");
    if (secs < 0)
        return gk__raise(&gk__exc_ValueError, "sleep length must be non-negative");
    gk__tstate *ts = gk__ts();
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    double whole = floor(secs);
    deadline.tv_sec += (time_t)whole;
    deadline.tv_nsec += (long)((secs - whole) * 1e9);
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    for (;;) {
        gk_trace_set_label("time.sleep");
        GK__BLOCKING_BEGIN(ts);
        /* sleep(0) sleeps too, as in python3: the system call lets other
         * threads and processes run, and other threads take the GIL. */
        int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
        GK__BLOCKING_END(ts);
        if (r == 0)
            break;
        if (r != EINTR)
            return gk__raise_errno(r, NULL);
        if (gk__check_signals(ts) < 0)
            return NULL;
    }
    return gk__none_ref();
}

static const gk__methoddef time_functions[] = {
    { "time", time_time, 0, "seconds since the Epoch as a float" },
    { "time_ns", time_time_ns, 0, NULL },
    { "monotonic", time_monotonic, 0, NULL },
    { "monotonic_ns", time_monotonic_ns, 0, NULL },
    { "perf_counter", time_perf_counter, 0, NULL },
    { "perf_counter_ns", time_perf_counter_ns, 0, NULL },
    { "process_time", time_process_time, 0, NULL },
    { "process_time_ns", time_process_time_ns, 0, NULL },
    { "thread_time", time_thread_time, 0, NULL },
    { "thread_time_ns", time_thread_time_ns, 0, NULL },
    { "sleep", time_sleep, 0, "sleep(seconds): releases the GIL while sleeping" },
    { NULL, NULL, 0, NULL },
};

int gk__time_module_init(gk_object *m)
{
    return gk__module_add_functions(m, time_functions);
}
