/* modules/_select.c: the C layer of the select module (lib/select.py): one
 * poll() over a list of (fd, events) that waits with the GIL released
 * (gk_call_blocking) and is woken by Ctrl-C through a per-thread eventfd.
 * Built against the public SDK only. */
#include <gilkit.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static _Thread_local int wake_fd = -1;

typedef struct poll_req {
    struct pollfd *fds;   /* n + 1 entries: the last is the wake fd */
    size_t n;
    int timeout_ms;
    int err;
} poll_req;

/* GIL released: poll()'s result, or -1 with req->err. */
static intptr_t poll_fn(void *arg)
{
    poll_req *r = arg;
    int k = poll(r->fds, (nfds_t)(r->n + 1), r->timeout_ms);
    if (k < 0)
        r->err = errno;
    return k;
}

static void wake_fn(void *arg)
{
    uint64_t one = 1;
    if (write(*(int *)arg, &one, sizeof one) < 0) { /* nothing to do */ }
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll(fds: list of ints, events: list of ints, timeout_ms, from_select=0)
 * -> list of (fd, revents).  timeout_ms < 0 waits forever; from_select
 * labels the wait "select.select" in traces (else "select.poll"). */
static gk_object *sel_poll(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    if (nargs < 3 || nargs > 4 || !gk_is_list(args[0]) || !gk_is_list(args[1]) || !gk_is_int(args[2]))
        return gk_raise(GK_EXC_TYPE_ERROR, "poll(fds, events, timeout_ms, from_select=0)");
    int from_select = nargs == 4 ? gk_truthy(args[3]) : 0;
    if (from_select < 0)
        return NULL;
    const char *label = from_select ? "select.select" : "select.poll";
    intptr_t n = gk_len(args[0]);
    if (n < 0 || gk_len(args[1]) != n)
        return gk_err_occurred() ? NULL : gk_raise(GK_EXC_VALUE_ERROR, "fds and events differ in length");
    int64_t timeout = gk_int_as_i64(args[2]);
    gk_object *result = NULL;
    struct pollfd *fds = calloc((size_t)n + 1, sizeof *fds);
    if (!fds)
        return gk_raise(GK_EXC_MEMORY_ERROR, "out of memory");
    for (intptr_t i = 0; i < n; i++) {
        gk_object *ix = gk_int_from_i64(i);
        gk_object *f = ix ? gk_getitem(args[0], ix) : NULL;
        gk_object *e = ix ? gk_getitem(args[1], ix) : NULL;
        gk_xdecref(ix);
        if (f && e) {
            fds[i].fd = (int)gk_int_as_i64(f);
            fds[i].events = (short)gk_int_as_i64(e);
        }
        gk_xdecref(f);
        gk_xdecref(e);
        if (gk_err_occurred())
            goto fail;
    }
    if (wake_fd < 0) {
        wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wake_fd < 0) {
            gk_raise_errno(errno, NULL);
            goto fail;
        }
    }
    fds[n].fd = wake_fd;
    fds[n].events = POLLIN;
    int64_t deadline = timeout >= 0 ? now_ms() + timeout : 0;
    intptr_t k;
    for (;;) {
        poll_req req = { fds, (size_t)n, (int)timeout, 0 };
        k = gk_call_blocking_named(label, poll_fn, &req, wake_fn, &wake_fd);
        if (gk_err_occurred())
            goto fail;
        if (k < 0 && req.err != EINTR) {
            gk_raise_errno(req.err, NULL);
            goto fail;
        }
        if (k >= 0 && !fds[n].revents)
            break;
        if (fds[n].revents) {
            uint64_t v;
            if (read(wake_fd, &v, sizeof v) < 0) { /* drained */ }
            fds[n].revents = 0;
        }
        if (timeout >= 0) {
            timeout = deadline - now_ms();
            if (timeout < 0)
                timeout = 0;
        }
    }
    result = gk_list_new(0);
    for (intptr_t i = 0; result && i < n; i++) {
        if (!fds[i].revents)
            continue;
        gk_object *items[2] = { gk_int_from_i64(fds[i].fd), gk_int_from_i64(fds[i].revents) };
        gk_object *tup = items[0] && items[1] ? gk_tuple_from_array(items, 2) : NULL;
        gk_xdecref(items[0]);
        gk_xdecref(items[1]);
        if (!tup || gk_list_append(result, tup) < 0) {
            gk_xdecref(tup);
            gk_decref(result);
            result = NULL;
            break;
        }
        gk_decref(tup);
    }
fail:
    free(fds);
    return result;
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("poll", sel_poll, "poll(fds, events, timeout_ms) -> [(fd, revents)]"),
    GK_FUNCTION_END
};

static int select_init(gk_object *m)
{
    static const struct { const char *name; int64_t v; } consts[] = {
        { "POLLIN", POLLIN }, { "POLLOUT", POLLOUT }, { "POLLPRI", POLLPRI }, { "POLLERR", POLLERR },
        { "POLLHUP", POLLHUP }, { "POLLNVAL", POLLNVAL }, { "POLLRDNORM", POLLRDNORM },
        { "POLLWRNORM", POLLWRNORM }, { "POLLRDHUP", POLLRDHUP },
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        gk_object *v = gk_int_from_i64(consts[i].v);
        int r = v ? gk_setattr(m, consts[i].name, v) : -1;
        gk_xdecref(v);
        if (r < 0)
            return -1;
    }
    return 0;
}

GK_MODULE("_select", "poll() with the GIL released, for lib/select.py.", functions, select_init, 0);
