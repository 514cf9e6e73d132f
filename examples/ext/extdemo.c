/*
 * extdemo.c - an example gilkit extension module showing each kind of
 * thing a module can define, built with nothing but the SDK's own
 * pkg-config file or gilkit-config (see the Makefile beside it):
 *
 *   object-level functions   join(sep, items), stats(numbers), noop(x)
 *   plain C functions        clamp(x, lo, hi), fib(n): the VM converts the
 *                            arguments from the signature string and calls
 *                            through libffi (fib without the GIL)
 *   a native type            Counter(start=0): C data, a finalizer, methods,
 *                            attributes and __repr__/__len__
 *   releasing the GIL        digest(data, rounds) computes with the GIL
 *                            released; wait_ms(ms) waits in gk_call_blocking
 *                            and wakes early on Ctrl-C
 *   native threads           call_from_thread(f, n) calls f() n times from a
 *                            pthread of its own that attaches to the runtime
 */
#include <gilkit.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- object-level functions ---- */

/* join(sep, items) -> sep.join(str(x) for x in items) */
static gk_object *join(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    if (nargs != 2 || !gk_is_str(args[0]))
        return gk_raise(GK_EXC_TYPE_ERROR, "join() takes a str separator and an iterable");
    gk_object *parts = gk_list_new(0), *it = gk_iter(args[1]), *item, *r = NULL;
    if (!parts || !it)
        goto done;
    while ((item = gk_iter_next(it))) {
        gk_object *s = gk_str(item);
        gk_decref(item);
        if (!s || gk_list_append(parts, s) < 0) {
            gk_xdecref(s);
            goto done;
        }
        gk_decref(s);
    }
    if (!gk_err_occurred())
        r = gk_call_method(args[0], "join", &parts, 1);
done:
    gk_xdecref(parts);
    gk_xdecref(it);
    return r;
}

/* stats(numbers) -> (count, total, mean); ValueError when empty. */
static gk_object *stats(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    if (nargs != 1)
        return gk_raise(GK_EXC_TYPE_ERROR, "stats() takes exactly one argument (%zu given)", nargs);
    gk_object *it = gk_iter(args[0]), *item;
    if (!it)
        return NULL;
    int64_t n = 0;
    double total = 0;
    while ((item = gk_iter_next(it))) {
        double v = gk_float_as_double(item);
        gk_decref(item);
        if (v == -1.0 && gk_err_occurred())
            break;
        total += v;
        n++;
    }
    gk_decref(it);
    if (gk_err_occurred())
        return NULL;
    if (n == 0)
        return gk_raise(GK_EXC_VALUE_ERROR, "stats() of an empty sequence");
    gk_object *items[3] = { gk_int_from_i64(n), gk_float_from_double(total), gk_float_from_double(total / n) };
    gk_object *r = items[0] && items[1] && items[2] ? gk_tuple_from_array(items, 3) : NULL;
    for (int i = 0; i < 3; i++)
        gk_xdecref(items[i]);
    return r;
}

/* noop(x) -> None: the cheapest call there is (bench/ext_calls.py). */
static gk_object *noop(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    return gk_none();
}

/* ---- plain C functions ---- */

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static uint64_t fib(int n)
{
    uint64_t a = 0, b = 1;
    for (int i = 0; i < n; i++) {
        uint64_t c = a + b;
        a = b;
        b = c;
    }
    return a;
}

/* ---- a native type: Counter ---- */

static gk_object *counter_type;   /* set by init_module */
static int64_t finalized;         /* Counters finalized so far (GIL) */

typedef struct counter {
    int64_t count;                /* add() calls */
    int64_t total;                /* sum of what was added */
} counter;

static int counter_init(gk_thread *t, gk_object *self, gk_object *const *args, size_t nargs)
{
    (void)t;
    counter *c = gk_instance_data(self, counter_type);
    if (nargs > 1) {
        gk_raise(GK_EXC_TYPE_ERROR, "Counter() takes at most 1 argument (%zu given)", nargs);
        return -1;
    }
    c->total = nargs ? gk_int_as_i64(args[0]) : 0;
    return c->total == -1 && gk_err_occurred() ? -1 : 0;
}

static void counter_finalize(void *data)
{
    (void)data;
    finalized++;
}

/* add(n=1) -> the new total */
static gk_object *counter_add(gk_thread *t, gk_object *self, gk_object *const *args, size_t nargs)
{
    (void)t;
    counter *c = gk_instance_data(self, NULL);
    int64_t n = nargs ? gk_int_as_i64(args[0]) : 1;
    if (nargs > 1)
        return gk_raise(GK_EXC_TYPE_ERROR, "add() takes at most 1 argument (%zu given)", nargs);
    if (n == -1 && gk_err_occurred())
        return NULL;
    c->count++;
    c->total += n;
    return gk_int_from_i64(c->total);
}

static gk_object *counter_reset(gk_thread *t, gk_object *self, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args;
    if (nargs)
        return gk_raise(GK_EXC_TYPE_ERROR, "reset() takes no arguments");
    counter *c = gk_instance_data(self, NULL);
    c->count = c->total = 0;
    return gk_none();
}

static gk_object *counter_repr(gk_thread *t, gk_object *self, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    counter *c = gk_instance_data(self, NULL);
    char buf[64];
    snprintf(buf, sizeof buf, "Counter(total=%lld)", (long long)c->total);
    return gk_str_from_cstr(buf);
}

static gk_object *counter_len(gk_thread *t, gk_object *self, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    return gk_int_from_i64(((counter *)gk_instance_data(self, NULL))->count);
}

static gk_object *get_total(gk_thread *t, gk_object *self)
{
    (void)t;
    return gk_int_from_i64(((counter *)gk_instance_data(self, NULL))->total);
}

static int set_total(gk_thread *t, gk_object *self, gk_object *value)
{
    (void)t;
    int64_t v = gk_int_as_i64(value);
    if (v == -1 && gk_err_occurred())
        return -1;
    ((counter *)gk_instance_data(self, NULL))->total = v;
    return 0;
}

static gk_object *get_count(gk_thread *t, gk_object *self)
{
    (void)t;
    return gk_int_from_i64(((counter *)gk_instance_data(self, NULL))->count);
}

static const gk_method_def counter_methods[] = {
    GK_METHOD("add", counter_add, "add(n=1) -> the new total"),
    GK_METHOD("reset", counter_reset, "reset() -> None: total and count back to 0"),
    GK_METHOD("__repr__", counter_repr, NULL),
    GK_METHOD("__len__", counter_len, "the number of add() calls"),
    GK_METHOD_END,
};

static const gk_attr_def counter_attrs[] = {
    GK_ATTR("total", get_total, set_total, "the running total (writable)"),
    GK_ATTR("count", get_count, NULL, "the number of add() calls (read-only)"),
    GK_ATTR_END,
};

/* finalized() -> how many Counters have been finalized */
static gk_object *finalized_count(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    return gk_int_from_i64(finalized);
}

/* ---- releasing the GIL ---- */

/* digest(data, rounds=1) -> int: a hash of data computed `rounds` times,
 * with the GIL released, so threads calling it run in parallel.  The
 * bytes object stays alive (the caller holds it) while we read it. */
static gk_object *digest(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    if (nargs < 1 || nargs > 2)
        return gk_raise(GK_EXC_TYPE_ERROR, "digest() takes 1 or 2 arguments (%zu given)", nargs);
    size_t n;
    const unsigned char *p = gk_bytes_data(args[0], &n);
    int64_t rounds = nargs > 1 ? gk_int_as_i64(args[1]) : 1;
    if (!p || (rounds == -1 && gk_err_occurred()))
        return NULL;
    uint64_t h = 14695981039346656037u;
    GK_BEGIN_ALLOW_THREADS
    for (int64_t r = 0; r < rounds; r++)
        for (size_t i = 0; i < n; i++)
            h = (h ^ p[i]) * 1099511628211u;
    GK_END_ALLOW_THREADS
    return gk_int_from_i64((int64_t)(h >> 2));
}

/* wait_ms(ms) -> True if the full time passed: a blocking wait that
 * Ctrl-C interrupts.  gk_call_blocking runs wait_fn without the GIL and,
 * on Ctrl-C, calls wake_fn, which writes to the pipe wait_fn polls. */
struct waiter {
    int pipe[2];
    int ms;
};

static intptr_t wait_fn(void *arg)
{
    struct waiter *w = arg;
    struct pollfd pfd = { .fd = w->pipe[0], .events = POLLIN };
    return poll(&pfd, 1, w->ms) == 0;     /* 1: timed out; 0: woken or a signal */
}

static void wake_fn(void *arg)
{
    struct waiter *w = arg;
    ssize_t r = write(w->pipe[1], "x", 1);   /* async-signal-safe */
    (void)r;
}

static gk_object *wait_ms(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    if (nargs != 1)
        return gk_raise(GK_EXC_TYPE_ERROR, "wait_ms() takes exactly one argument (%zu given)", nargs);
    int64_t ms = gk_int_as_i64(args[0]);
    if (ms == -1 && gk_err_occurred())
        return NULL;
    if (ms < 0 || ms > 3600000)
        return gk_raise(GK_EXC_VALUE_ERROR, "wait_ms(): ms must be in 0..3600000");
    struct waiter w = { .ms = (int)ms };
    if (pipe(w.pipe) < 0)
        return gk_raise_errno(errno, NULL);
    intptr_t full = gk_call_blocking(wait_fn, &w, wake_fn, &w);
    close(w.pipe[0]);
    close(w.pipe[1]);
    if (gk_err_occurred())
        return NULL;   /* KeyboardInterrupt */
    return gk_bool(full != 0);
}

/* ---- native threads calling in ---- */

struct caller {
    gk_object *fn;                /* borrowed from the caller, who waits for us */
    int64_t n, done;
    int attach_failed;
};

static void *caller_main(void *arg)
{
    struct caller *c = arg;
    for (int64_t i = 0; i < c->n; i++) {
        if (gk_thread_attach() != 0) {
            c->attach_failed = 1;
            break;
        }
        gk_object *r = gk_call(c->fn, NULL, 0);
        if (r) {
            gk_decref(r);
            c->done++;
        } else {
            gk_err_clear();      /* a real module would report it */
        }
        gk_thread_detach();
    }
    return NULL;
}

/* call_from_thread(f, n) -> how many calls of f() returned normally */
static gk_object *call_from_thread(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    if (nargs != 2)
        return gk_raise(GK_EXC_TYPE_ERROR, "call_from_thread() takes exactly 2 arguments (%zu given)", nargs);
    struct caller c = { .fn = args[0] };
    c.n = gk_int_as_i64(args[1]);
    if (c.n == -1 && gk_err_occurred())
        return NULL;
    pthread_t th;
    int err = pthread_create(&th, NULL, caller_main, &c);
    if (err)
        return gk_raise_errno(err, NULL);
    GK_BEGIN_ALLOW_THREADS          /* the thread needs the GIL to call in */
    pthread_join(th, NULL);
    GK_END_ALLOW_THREADS
    if (c.attach_failed)
        return gk_raise(GK_EXC_RUNTIME_ERROR, "call_from_thread(): attach failed");
    return gk_int_from_i64(c.done);
}

/* ---- the module ---- */

static int init_module(gk_object *module)
{
    static const gk_type_def counter_def = {
        .name = "extdemo.Counter",
        .doc = "Counter(start=0): adds integers, in C.",
        .data_size = sizeof(counter),
        .init = counter_init,
        .finalize = counter_finalize,
        .methods = counter_methods,
        .attrs = counter_attrs,
    };
    counter_type = gk_type_new(module, &counter_def);
    return counter_type ? 0 : -1;
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("join", join, "join(sep, items) -> sep.join(str(x) for x in items)"),
    GK_OBJECT_FUNCTION("stats", stats, "stats(numbers) -> (count, total, mean)"),
    GK_OBJECT_FUNCTION("noop", noop, "noop(x) -> None"),
    GK_C_FUNCTION("clamp", clamp, "double(double, double, double)", GK_FN_HOLD_GIL, "clamp(x, lo, hi)"),
    GK_C_FUNCTION("fib", fib, "uint64_t(int)", GK_FN_NOGIL, "fib(n) -> the n-th Fibonacci number (mod 2**64)"),
    GK_OBJECT_FUNCTION("finalized", finalized_count, "finalized() -> Counters finalized so far"),
    GK_OBJECT_FUNCTION("digest", digest, "digest(data, rounds=1) -> int, computed without the GIL"),
    GK_OBJECT_FUNCTION("wait_ms", wait_ms, "wait_ms(ms) -> True, or KeyboardInterrupt on Ctrl-C"),
    GK_OBJECT_FUNCTION("call_from_thread", call_from_thread, "call_from_thread(f, n) -> calls made from a pthread"),
    GK_FUNCTION_END,
};

GK_MODULE("extdemo", "An example module: functions, a native type, GIL release.", functions, init_module, 0);
