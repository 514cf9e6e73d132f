/* modules/_socket.c: the fd-level C layer of the socket module (lib/socket.py).
 * Built against the public SDK only.  Sockets are kernel-non-blocking fds;
 * an operation is tried first with the GIL held and, when it would block,
 * the thread waits in poll() with the GIL released (gk_call_blocking) on the
 * fd plus a per-thread eventfd that the unblock function writes to, so
 * Ctrl-C in the main thread interrupts it.  timeout_ms: -1 blocks forever,
 * 0 is non-blocking (BlockingIOError), >0 raises TimeoutError("timed out"). */
#include <gilkit.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static _Thread_local int wake_fd = -1;

typedef struct wait_req {
    int fd, events, timeout_ms, wake;
} wait_req;

/* GIL released: 1 ready, 0 timed out, -1 woken or error (errno). */
static intptr_t wait_fn(void *arg)
{
    wait_req *w = arg;
    struct pollfd p[2] = { { w->fd, (short)w->events, 0 }, { w->wake, POLLIN, 0 } };
    int r = poll(p, 2, w->timeout_ms);
    if (r < 0)
        return -1;
    if (p[1].revents) {
        uint64_t v;
        if (read(w->wake, &v, sizeof v) < 0) { /* drained */ }
        return -1;
    }
    return r > 0 ? 1 : 0;
}

static void wake_fn(void *arg)
{
    uint64_t one = 1;
    if (write(*(int *)arg, &one, sizeof one) < 0) { /* nothing to do */ }
}

/* Waits for events on fd (label names the call in traces); 0 ready, -1 with an exception (timeout, Ctrl-C). */
static int wait_fd(int fd, int events, int timeout_ms, const char *label)
{
    if (timeout_ms == 0) {
        gk_raise_errno(EAGAIN, NULL);
        return -1;
    }
    if (wake_fd < 0) {
        wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wake_fd < 0) {
            gk_raise_errno(errno, NULL);
            return -1;
        }
    }
    for (;;) {
        wait_req w = { fd, events, timeout_ms, wake_fd };
        intptr_t r = gk_call_blocking_named(label, wait_fn, &w, wake_fn, &wake_fd);
        if (gk_err_occurred())
            return -1;
        if (r == 1)
            return 0;
        if (r == 0) {
            gk_raise(GK_EXC_TIMEOUT_ERROR, "timed out");
            return -1;
        }
        /* woken without an exception (spurious) or EINTR: wait again */
    }
}

static int arg_i(gk_object *const *args, size_t nargs, size_t i, int64_t *out)
{
    if (i >= nargs || !gk_is_int(args[i])) {
        gk_raise(GK_EXC_TYPE_ERROR, "argument %d must be int", (int)i + 1);
        return -1;
    }
    *out = gk_int_as_i64(args[i]);
    return gk_err_occurred() ? -1 : 0;
}

static gk_object *tuple2(gk_object *a, gk_object *b)
{
    gk_object *r = NULL;
    if (a && b) {
        gk_object *items[2] = { a, b };
        r = gk_tuple_from_array(items, 2);
    }
    gk_xdecref(a);
    gk_xdecref(b);
    return r;
}

/* Builds the python address of a sockaddr: (host, port), (host, port, flow, scope) or path. */
static gk_object *addr_obj(const struct sockaddr *sa, socklen_t len)
{
    char host[INET6_ADDRSTRLEN];
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s = (const void *)sa;
        inet_ntop(AF_INET, &s->sin_addr, host, sizeof host);
        return tuple2(gk_str_from_cstr(host), gk_int_from_i64(ntohs(s->sin_port)));
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const void *)sa;
        inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof host);
        gk_object *items[4] = { gk_str_from_cstr(host), gk_int_from_i64(ntohs(s->sin6_port)),
                                gk_int_from_i64(ntohl(s->sin6_flowinfo)), gk_int_from_i64(s->sin6_scope_id) };
        gk_object *r = gk_tuple_from_array(items, 4);
        for (int i = 0; i < 4; i++)
            gk_xdecref(items[i]);
        return r;
    }
    if (sa->sa_family == AF_UNIX) {
        const struct sockaddr_un *s = (const void *)sa;
        size_t off = offsetof(struct sockaddr_un, sun_path);
        if (len <= off)
            return gk_str_from_cstr("");
        size_t n = len - off;
        if (s->sun_path[0] == 0)
            return gk_bytes_from(s->sun_path, n);
        return gk_str_from_utf8(s->sun_path, strnlen(s->sun_path, n));
    }
    return gk_none();
}

/* Parses family, host/path and port (args[i], args[i+1]) into ss; 0 / -1. */
static int parse_addr(int family, gk_object *host, gk_object *port, struct sockaddr_storage *ss, socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    if (family == AF_UNIX) {
        struct sockaddr_un *s = (void *)ss;
        size_t n;
        const char *p = gk_is_str(host) ? gk_str_as_utf8(host, &n) : gk_bytes_data(host, &n);
        if (!p)
            return -1;
        if (n >= sizeof s->sun_path) {
            gk_raise(GK_EXC_OS_ERROR, "AF_UNIX path too long");
            return -1;
        }
        s->sun_family = AF_UNIX;
        memcpy(s->sun_path, p, n);
        *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (n && p[0] ? 1 : 0));
        return 0;
    }
    if (!gk_is_str(host) || !gk_is_int(port)) {
        gk_raise(GK_EXC_TYPE_ERROR, "%s address must be a tuple (host, port)",
                 family == AF_INET6 ? "AF_INET6" : "AF_INET");
        return -1;
    }
    const char *h = gk_str_as_utf8(host, NULL);
    int64_t pn = gk_int_as_i64(port);
    if (pn < 0 || pn > 65535) {
        gk_raise(GK_EXC_OVERFLOW_ERROR, "bind(): port must be 0-65535.");
        return -1;
    }
    if (family == AF_INET && (h[0] == 0 || strcmp(h, "<broadcast>") == 0)) {
        struct sockaddr_in *s = (void *)ss;
        s->sin_family = AF_INET;
        s->sin_port = htons((uint16_t)pn);
        s->sin_addr.s_addr = h[0] ? htonl(INADDR_BROADCAST) : htonl(INADDR_ANY);
        *len = sizeof *s;
        return 0;
    }
    if (family == AF_INET6 && h[0] == 0) {
        struct sockaddr_in6 *s = (void *)ss;
        s->sin6_family = AF_INET6;
        s->sin6_port = htons((uint16_t)pn);
        s->sin6_addr = in6addr_any;
        *len = sizeof *s;
        return 0;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    int r;
    GK_BEGIN_ALLOW_THREADS_NAMED("socket.getaddrinfo")
    r = getaddrinfo(h, NULL, &hints, &res);
    GK_END_ALLOW_THREADS
    if (r != 0 || !res) {
        gk_object *sockerr = gk_import("socket");
        gk_object *cls = sockerr ? gk_getattr(sockerr, "gaierror") : NULL;
        if (cls) {
            gk_object *items[2] = { gk_int_from_i64(r), gk_str_from_cstr(gai_strerror(r)) };
            gk_object *exc = gk_call(cls, items, 2);
            gk_decref(items[0]);
            gk_decref(items[1]);
            if (exc) {
                gk_err_restore(exc);
                gk_decref(exc);
            }
        }
        gk_xdecref(cls);
        gk_xdecref(sockerr);
        if (!gk_err_occurred())
            gk_raise(GK_EXC_OS_ERROR, "%s", gai_strerror(r));
        if (res)
            freeaddrinfo(res);
        return -1;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    if (family == AF_INET)
        ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)pn);
    else
        ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)pn);
    return 0;
}

static gk_object *s_socket(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fam, type, proto;
    if (arg_i(args, nargs, 0, &fam) || arg_i(args, nargs, 1, &type) || arg_i(args, nargs, 2, &proto))
        return NULL;
    int fd = socket((int)fam, (int)type | SOCK_NONBLOCK | SOCK_CLOEXEC, (int)proto);
    if (fd < 0)
        return gk_raise_errno(errno, NULL);
    return gk_int_from_i64(fd);
}

static gk_object *s_socketpair(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fam, type, proto;
    if (arg_i(args, nargs, 0, &fam) || arg_i(args, nargs, 1, &type) || arg_i(args, nargs, 2, &proto))
        return NULL;
    int fds[2];
    if (socketpair((int)fam, (int)type | SOCK_NONBLOCK | SOCK_CLOEXEC, (int)proto, fds) < 0)
        return gk_raise_errno(errno, NULL);
    return tuple2(gk_int_from_i64(fds[0]), gk_int_from_i64(fds[1]));
}

/* bind(fd, family, host, port) */
static gk_object *s_bind(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, fam;
    struct sockaddr_storage ss;
    socklen_t len;
    if (nargs != 4 || arg_i(args, nargs, 0, &fd) || arg_i(args, nargs, 1, &fam) ||
        parse_addr((int)fam, args[2], args[3], &ss, &len))
        return gk_err_occurred() ? NULL : gk_raise(GK_EXC_TYPE_ERROR, "bind: bad arguments");
    if (bind((int)fd, (struct sockaddr *)&ss, len) < 0)
        return gk_raise_errno(errno, NULL);
    return gk_none();
}

/* connect(fd, family, host, port, timeout_ms) -> 0 or errno (connect_ex style) */
static gk_object *s_connect(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, fam, tmo;
    struct sockaddr_storage ss;
    socklen_t len;
    if (nargs != 5 || arg_i(args, nargs, 0, &fd) || arg_i(args, nargs, 1, &fam) ||
        parse_addr((int)fam, args[2], args[3], &ss, &len) || arg_i(args, nargs, 4, &tmo))
        return gk_err_occurred() ? NULL : gk_raise(GK_EXC_TYPE_ERROR, "connect: bad arguments");
    int r = connect((int)fd, (struct sockaddr *)&ss, len);
    int err = r < 0 ? errno : 0;
    if (err == EINPROGRESS || err == EAGAIN) {
        if (tmo == 0)
            return gk_int_from_i64(err);
        if (wait_fd((int)fd, POLLOUT, (int)tmo, "socket.connect") < 0)
            return NULL;
        socklen_t el = sizeof err;
        if (getsockopt((int)fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
            err = errno;
    }
    return gk_int_from_i64(err);
}

static gk_object *s_listen(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, backlog;
    if (arg_i(args, nargs, 0, &fd) || arg_i(args, nargs, 1, &backlog))
        return NULL;
    if (listen((int)fd, (int)backlog) < 0)
        return gk_raise_errno(errno, NULL);
    return gk_none();
}

/* accept(fd, timeout_ms) -> (newfd, address) */
static gk_object *s_accept(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, tmo;
    if (arg_i(args, nargs, 0, &fd) || arg_i(args, nargs, 1, &tmo))
        return NULL;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int c = accept4((int)fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c >= 0)
            return tuple2(gk_int_from_i64(c), addr_obj((struct sockaddr *)&ss, len));
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return gk_raise_errno(errno, NULL);
        if (wait_fd((int)fd, POLLIN, (int)tmo, "socket.accept") < 0)
            return NULL;
    }
}

/* send(fd, data, flags, timeout_ms) -> count */
static gk_object *s_send(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, flags, tmo;
    size_t n;
    if (arg_i(args, nargs, 0, &fd) || nargs < 4 || arg_i(args, nargs, 2, &flags) || arg_i(args, nargs, 3, &tmo))
        return NULL;
    const char *p = gk_bytes_data(args[1], &n);
    if (!p)
        return NULL;
    for (;;) {
        ssize_t r = send((int)fd, p, n, (int)flags | MSG_NOSIGNAL);
        if (r >= 0)
            return gk_int_from_i64(r);
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return gk_raise_errno(errno, NULL);
        if (wait_fd((int)fd, POLLOUT, (int)tmo, "socket.send") < 0)
            return NULL;
    }
}

/* sendto(fd, data, flags, family, host, port, timeout_ms) -> count */
static gk_object *s_sendto(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, flags, fam, tmo;
    size_t n;
    struct sockaddr_storage ss;
    socklen_t len;
    if (nargs != 7 || arg_i(args, nargs, 0, &fd) || arg_i(args, nargs, 2, &flags) ||
        arg_i(args, nargs, 3, &fam) || arg_i(args, nargs, 6, &tmo) ||
        parse_addr((int)fam, args[4], args[5], &ss, &len))
        return gk_err_occurred() ? NULL : gk_raise(GK_EXC_TYPE_ERROR, "sendto: bad arguments");
    const char *p = gk_bytes_data(args[1], &n);
    if (!p)
        return NULL;
    for (;;) {
        ssize_t r = sendto((int)fd, p, n, (int)flags | MSG_NOSIGNAL, (struct sockaddr *)&ss, len);
        if (r >= 0)
            return gk_int_from_i64(r);
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return gk_raise_errno(errno, NULL);
        if (wait_fd((int)fd, POLLOUT, (int)tmo, "socket.sendto") < 0)
            return NULL;
    }
}

/* recv(fd, n, flags, timeout_ms) -> bytes; recvfrom adds the address. */
static gk_object *do_recv(gk_object *const *args, size_t nargs, int want_addr)
{
    int64_t fd, n, flags, tmo;
    if (arg_i(args, nargs, 0, &fd) || arg_i(args, nargs, 1, &n) || arg_i(args, nargs, 2, &flags) ||
        arg_i(args, nargs, 3, &tmo))
        return NULL;
    if (n < 0)
        return gk_raise(GK_EXC_VALUE_ERROR, "negative buffersize in recv");
    char stackbuf[4096];
    char *buf = n <= (int64_t)sizeof stackbuf ? stackbuf : malloc((size_t)n);
    if (!buf)
        return gk_raise(GK_EXC_MEMORY_ERROR, "out of memory");
    gk_object *res = NULL;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        ssize_t r = recvfrom((int)fd, buf, (size_t)n, (int)flags, (struct sockaddr *)&ss, &len);
        if (r >= 0) {
            if (!want_addr)
                res = gk_bytes_from(buf, (size_t)r);
            else if (len == 0)
                res = tuple2(gk_bytes_from(buf, (size_t)r), gk_none());
            else
                res = tuple2(gk_bytes_from(buf, (size_t)r), addr_obj((struct sockaddr *)&ss, len));
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            gk_raise_errno(errno, NULL);
            break;
        }
        if (wait_fd((int)fd, POLLIN, (int)tmo, want_addr ? "socket.recvfrom" : "socket.recv") < 0)
            break;
    }
    if (buf != stackbuf)
        free(buf);
    return res;
}

static gk_object *s_recv(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    return do_recv(args, nargs, 0);
}

static gk_object *s_recvfrom(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    return do_recv(args, nargs, 1);
}

static gk_object *s_shutdown(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, how;
    if (arg_i(args, nargs, 0, &fd) || arg_i(args, nargs, 1, &how))
        return NULL;
    if (shutdown((int)fd, (int)how) < 0)
        return gk_raise_errno(errno, NULL);
    return gk_none();
}

static gk_object *s_close(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    if (arg_i(args, nargs, 0, &fd))
        return NULL;
    if (close((int)fd) < 0 && errno != EINTR)
        return gk_raise_errno(errno, NULL);
    return gk_none();
}

static gk_object *name_of(gk_object *const *args, size_t nargs, int peer)
{
    int64_t fd;
    if (arg_i(args, nargs, 0, &fd))
        return NULL;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    int r = peer ? getpeername((int)fd, (struct sockaddr *)&ss, &len)
                 : getsockname((int)fd, (struct sockaddr *)&ss, &len);
    if (r < 0)
        return gk_raise_errno(errno, NULL);
    return addr_obj((struct sockaddr *)&ss, len);
}

static gk_object *s_getsockname(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    return name_of(args, nargs, 0);
}

static gk_object *s_getpeername(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    return name_of(args, nargs, 1);
}

/* setsockopt(fd, level, opt, int_or_bytes) */
static gk_object *s_setsockopt(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, level, opt, v;
    if (arg_i(args, nargs, 0, &fd) || arg_i(args, nargs, 1, &level) || arg_i(args, nargs, 2, &opt) || nargs < 4)
        return gk_err_occurred() ? NULL : gk_raise(GK_EXC_TYPE_ERROR, "setsockopt: bad arguments");
    int r;
    if (gk_is_bytes(args[3])) {
        size_t n;
        const void *p = gk_bytes_data(args[3], &n);
        r = setsockopt((int)fd, (int)level, (int)opt, p, (socklen_t)n);
    } else {
        if (arg_i(args, nargs, 3, &v))
            return NULL;
        int iv = (int)v;
        r = setsockopt((int)fd, (int)level, (int)opt, &iv, sizeof iv);
    }
    if (r < 0)
        return gk_raise_errno(errno, NULL);
    return gk_none();
}

static gk_object *s_getsockopt(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, level, opt;
    if (arg_i(args, nargs, 0, &fd) || arg_i(args, nargs, 1, &level) || arg_i(args, nargs, 2, &opt))
        return NULL;
    int iv = 0;
    socklen_t len = sizeof iv;
    if (getsockopt((int)fd, (int)level, (int)opt, &iv, &len) < 0)
        return gk_raise_errno(errno, NULL);
    return gk_int_from_i64(iv);
}

/* getaddrinfo(host or None, port str or None, family, type, proto, flags)
 * -> [(family, type, proto, canonname, sockaddr)] */
static gk_object *s_getaddrinfo(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fam, type, proto, flags;
    if (nargs != 6 || arg_i(args, nargs, 2, &fam) || arg_i(args, nargs, 3, &type) ||
        arg_i(args, nargs, 4, &proto) || arg_i(args, nargs, 5, &flags))
        return gk_err_occurred() ? NULL : gk_raise(GK_EXC_TYPE_ERROR, "getaddrinfo: bad arguments");
    const char *host = gk_is_none(args[0]) ? NULL : gk_str_as_utf8(args[0], NULL);
    const char *port = gk_is_none(args[1]) ? NULL : gk_str_as_utf8(args[1], NULL);
    if (gk_err_occurred())
        return NULL;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = (int)fam;
    hints.ai_socktype = (int)type;
    hints.ai_protocol = (int)proto;
    hints.ai_flags = (int)flags;
    int r;
    GK_BEGIN_ALLOW_THREADS_NAMED("socket.getaddrinfo")
    r = getaddrinfo(host, port, &hints, &res);
    GK_END_ALLOW_THREADS
    if (r != 0) {
        gk_object *items[2] = { gk_int_from_i64(r), gk_str_from_cstr(gai_strerror(r)) };
        return tuple2(items[0], items[1]);   /* the caller raises gaierror */
    }
    gk_object *list = gk_list_new(0);
    for (struct addrinfo *a = res; list && a; a = a->ai_next) {
        gk_object *items[5] = { gk_int_from_i64(a->ai_family), gk_int_from_i64(a->ai_socktype),
                                gk_int_from_i64(a->ai_protocol),
                                gk_str_from_cstr(a->ai_canonname ? a->ai_canonname : ""),
                                addr_obj(a->ai_addr, a->ai_addrlen) };
        gk_object *tup = gk_tuple_from_array(items, 5);
        for (int i = 0; i < 5; i++)
            gk_xdecref(items[i]);
        if (!tup || gk_list_append(list, tup) < 0) {
            gk_xdecref(tup);
            gk_decref(list);
            list = NULL;
            break;
        }
        gk_decref(tup);
    }
    freeaddrinfo(res);
    return list;
}

/* raise_errno(err): raises the OSError subclass of err (ConnectionRefusedError, ...). */
static gk_object *s_raise_errno(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t err;
    if (arg_i(args, nargs, 0, &err))
        return NULL;
    return gk_raise_errno((int)err, NULL);
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("raise_errno", s_raise_errno, "raise_errno(err): raises OSError for err"),
    GK_OBJECT_FUNCTION("socket", s_socket, "socket(family, type, proto) -> fd"),
    GK_OBJECT_FUNCTION("socketpair", s_socketpair, "socketpair(family, type, proto) -> (fd, fd)"),
    GK_OBJECT_FUNCTION("bind", s_bind, "bind(fd, family, host, port)"),
    GK_OBJECT_FUNCTION("connect", s_connect, "connect(fd, family, host, port, timeout_ms) -> errno"),
    GK_OBJECT_FUNCTION("listen", s_listen, "listen(fd, backlog)"),
    GK_OBJECT_FUNCTION("accept", s_accept, "accept(fd, timeout_ms) -> (fd, address)"),
    GK_OBJECT_FUNCTION("send", s_send, "send(fd, data, flags, timeout_ms) -> count"),
    GK_OBJECT_FUNCTION("sendto", s_sendto, "sendto(fd, data, flags, family, host, port, timeout_ms)"),
    GK_OBJECT_FUNCTION("recv", s_recv, "recv(fd, n, flags, timeout_ms) -> bytes"),
    GK_OBJECT_FUNCTION("recvfrom", s_recvfrom, "recvfrom(fd, n, flags, timeout_ms) -> (bytes, address)"),
    GK_OBJECT_FUNCTION("shutdown", s_shutdown, "shutdown(fd, how)"),
    GK_OBJECT_FUNCTION("close", s_close, "close(fd)"),
    GK_OBJECT_FUNCTION("getsockname", s_getsockname, "getsockname(fd) -> address"),
    GK_OBJECT_FUNCTION("getpeername", s_getpeername, "getpeername(fd) -> address"),
    GK_OBJECT_FUNCTION("setsockopt", s_setsockopt, "setsockopt(fd, level, opt, value)"),
    GK_OBJECT_FUNCTION("getsockopt", s_getsockopt, "getsockopt(fd, level, opt) -> int"),
    GK_OBJECT_FUNCTION("getaddrinfo", s_getaddrinfo, "getaddrinfo(host, port, family, type, proto, flags)"),
    GK_FUNCTION_END
};

static int socket_init(gk_object *m)
{
    static const struct { const char *name; int64_t v; } consts[] = {
        { "AF_INET", AF_INET }, { "AF_INET6", AF_INET6 }, { "AF_UNIX", AF_UNIX }, { "AF_UNSPEC", AF_UNSPEC },
        { "SOCK_STREAM", SOCK_STREAM }, { "SOCK_DGRAM", SOCK_DGRAM }, { "SOCK_RAW", SOCK_RAW },
        { "SOL_SOCKET", SOL_SOCKET }, { "SO_REUSEADDR", SO_REUSEADDR }, { "SO_REUSEPORT", SO_REUSEPORT },
        { "SO_KEEPALIVE", SO_KEEPALIVE }, { "SO_BROADCAST", SO_BROADCAST }, { "SO_ERROR", SO_ERROR },
        { "SO_RCVBUF", SO_RCVBUF }, { "SO_SNDBUF", SO_SNDBUF }, { "SO_TYPE", SO_TYPE },
        { "SO_LINGER", SO_LINGER },
        { "IPPROTO_TCP", IPPROTO_TCP }, { "IPPROTO_UDP", IPPROTO_UDP }, { "IPPROTO_IP", IPPROTO_IP },
        { "IPPROTO_IPV6", IPPROTO_IPV6 }, { "IPV6_V6ONLY", IPV6_V6ONLY }, { "TCP_NODELAY", TCP_NODELAY },
        { "SHUT_RD", SHUT_RD }, { "SHUT_WR", SHUT_WR }, { "SHUT_RDWR", SHUT_RDWR },
        { "MSG_PEEK", MSG_PEEK }, { "MSG_DONTWAIT", MSG_DONTWAIT }, { "MSG_WAITALL", MSG_WAITALL },
        { "AI_PASSIVE", AI_PASSIVE }, { "AI_CANONNAME", AI_CANONNAME }, { "AI_NUMERICHOST", AI_NUMERICHOST },
        { "AI_NUMERICSERV", AI_NUMERICSERV }, { "SOMAXCONN", SOMAXCONN },
        { "INADDR_ANY", INADDR_ANY },
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

GK_MODULE("_socket", "fd-level socket calls for lib/socket.py; waits release the GIL.", functions, socket_init, 0);
