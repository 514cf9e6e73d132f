/* modules/_os.c: the fd-level C layer of the os module (lib/os.py, lib/io.py).
 * Built against the public SDK only.  Every call that can block releases the
 * GIL; errors are OSError subclasses with errno and filename, as in python3. */
#include <gilkit.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <limits.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static int arg_int(gk_object *const *args, size_t nargs, size_t i, int64_t *out, const char *fn)
{
    if (i >= nargs || !gk_is_int(args[i])) {
        gk_raise(GK_EXC_TYPE_ERROR, "%s() argument %d must be int", fn, (int)i + 1);
        return -1;
    }
    *out = gk_int_as_i64(args[i]);
    return gk_err_occurred() ? -1 : 0;
}

static const char *arg_str(gk_object *const *args, size_t nargs, size_t i, const char *fn)
{
    if (i >= nargs || !gk_is_str(args[i])) {
        gk_raise(GK_EXC_TYPE_ERROR, "%s() argument %d must be str", fn, (int)i + 1);
        return NULL;
    }
    return gk_str_as_utf8(args[i], NULL);
}

typedef struct open_req {
    const char *path;
    int flags;
    mode_t mode;
    int fd, err;
} open_req;

static intptr_t open_fn(void *arg)
{
    open_req *o = arg;
    o->fd = open(o->path, o->flags, o->mode);
    o->err = errno;
    return 0;
}

/* open() can wait (a FIFO without a peer): it runs in gk_call_blocking, so
 * a Ctrl-C that interrupts it (EINTR) raises KeyboardInterrupt; other EINTRs
 * retry, as in python3. */
static gk_object *os_open(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t flags, mode = 0777;
    const char *path = arg_str(args, nargs, 0, "open");
    if (!path || arg_int(args, nargs, 1, &flags, "open") < 0)
        return NULL;
    if (nargs > 2 && arg_int(args, nargs, 2, &mode, "open") < 0)
        return NULL;
    open_req o = { path, (int)flags | O_CLOEXEC, (mode_t)mode, -1, 0 };
    do {
        gk_call_blocking_named("os.open", open_fn, &o, NULL, NULL);
        if (gk_err_occurred())
            return NULL;
    } while (o.fd < 0 && o.err == EINTR);
    if (o.fd < 0)
        return gk_raise_errno(o.err, path);
    return gk_int_from_i64(o.fd);
}

/* Reads and writes run in gk_call_blocking.  In the main thread, on a
 * blocking pipe or socket, they first wait in poll() on the fd and on a
 * per-thread eventfd that the unblock function (run on Ctrl-C) signals, so
 * KeyboardInterrupt arrives while the call waits, also for a write to a full
 * pipe.  Elsewhere they are plain read()/write(); an EINTR raises
 * KeyboardInterrupt if Ctrl-C caused it and retries otherwise. */
static __thread int wake_fd = -1;

typedef struct pending_io {
    int fd;
    int wake;                /* -1: plain call, no poll */
    int fifo;                /* a pipe: write at most PIPE_BUF after POLLOUT */
    char *buf;
    size_t n;
    ssize_t r;
    int err;
    volatile int woken;      /* set by wake_io: the eventfd needs draining */
} pending_io;

/* Waits for events on pio->fd or the wake fd; 0 ready, -1 with pio->err. */
static int wait_ready(pending_io *pio, short events)
{
    struct pollfd p[2] = { { pio->fd, events, 0 }, { pio->wake, POLLIN, 0 } };
    int k = poll(p, 2, -1);
    if (k < 0 || p[1].revents) {
        pio->err = k < 0 ? errno : EINTR;
        return -1;
    }
    return 0;
}

static intptr_t read_fn(void *arg)
{
    pending_io *pio = arg;
    pio->r = -1;
    if (pio->wake >= 0 && wait_ready(pio, POLLIN) < 0)
        return 0;
    pio->r = read(pio->fd, pio->buf, pio->n);
    pio->err = errno;
    return 0;
}

/* Writes everything (python3 blocks until a blocking pipe took it all), or
 * stops early on an error or a wake-up with pio->r = bytes written so far. */
static intptr_t write_fn(void *arg)
{
    pending_io *pio = arg;
    if (pio->wake < 0) {
        pio->r = write(pio->fd, pio->buf, pio->n);
        pio->err = errno;
        return 0;
    }
    size_t done = 0;
    pio->err = 0;
    while (done < pio->n) {
        if (wait_ready(pio, POLLOUT) < 0)
            break;
        size_t chunk = pio->n - done;
        ssize_t w;
        if (pio->fifo) {
            /* POLLOUT on a pipe promises room for PIPE_BUF bytes at least */
            if (chunk > PIPE_BUF)
                chunk = PIPE_BUF;
            w = write(pio->fd, pio->buf + done, chunk);
        } else {
            w = send(pio->fd, pio->buf + done, chunk, MSG_DONTWAIT);
        }
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                continue;
            pio->err = errno;
            break;
        }
        done += (size_t)w;
    }
    pio->r = done > 0 || pio->err == 0 ? (ssize_t)done : -1;
    return 0;
}

static void wake_io(void *arg)
{
    pending_io *pio = arg;
    uint64_t one = 1;
    pio->woken = 1;
    ssize_t w = write(pio->wake, &one, sizeof one);
    (void)w;
}

/* The wake fd for fd if it is a blocking pipe or socket (kind: 1 pipe, 2
 * socket) used from the main thread, else -1. */
static int wake_for(int fd, int *fifo)
{
    if (gettid() != getpid())
        return -1;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_NONBLOCK))
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
        return -1;
    *fifo = S_ISFIFO(st.st_mode);
    if (wake_fd < 0)
        wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return wake_fd;
}

/* Runs read_fn or write_fn until done: 0, or -1 with an exception pending
 * (KeyboardInterrupt, or OSError from errno). */
static int run_io(pending_io *pio, int writing)
{
    for (;;) {
        pio->woken = 0;
        gk_call_blocking_named(writing ? "os.write" : "os.read", writing ? write_fn : read_fn, pio,
                               pio->wake >= 0 ? wake_io : NULL, pio);
        uint64_t drained;
        if (pio->woken && read(pio->wake, &drained, sizeof drained) < 0)
            drained = 0;
        if (gk_err_occurred())
            return -1;
        if (pio->r >= 0)
            return 0;
        if (pio->err != EINTR) {
            gk_raise_errno(pio->err, NULL);
            return -1;
        }
    }
}

static gk_object *os_read(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, n;
    if (arg_int(args, nargs, 0, &fd, "read") < 0 || arg_int(args, nargs, 1, &n, "read") < 0)
        return NULL;
    if (n < 0)
        return gk_raise(GK_EXC_VALUE_ERROR, "negative length");
    char *buf = malloc(n ? (size_t)n : 1);
    if (!buf)
        return gk_raise(GK_EXC_MEMORY_ERROR, "out of memory");
    pending_io pio = { (int)fd, -1, 0, buf, (size_t)n, -1, 0, 0 };
    if (n > 0)
        pio.wake = wake_for((int)fd, &pio.fifo);
    gk_object *res = run_io(&pio, 0) < 0 ? NULL : gk_bytes_from(buf, (size_t)pio.r);
    free(buf);
    return res;
}

static gk_object *os_write(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    size_t n;
    if (arg_int(args, nargs, 0, &fd, "write") < 0)
        return NULL;
    const char *p = nargs > 1 ? gk_bytes_data(args[1], &n) : NULL;
    if (!p)
        return gk_err_occurred() ? NULL : gk_raise(GK_EXC_TYPE_ERROR, "write() argument 2 must be bytes");
    pending_io pio = { (int)fd, -1, 0, (char *)p, n, -1, 0, 0 };
    if (n > 0)
        pio.wake = wake_for((int)fd, &pio.fifo);
    if (run_io(&pio, 1) < 0)
        return NULL;
    return gk_int_from_i64(pio.r);
}

static gk_object *os_close(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    if (arg_int(args, nargs, 0, &fd, "close") < 0)
        return NULL;
    int r, err;
    GK_BEGIN_ALLOW_THREADS_NAMED("os.close")
    r = close((int)fd);
    err = errno;
    GK_END_ALLOW_THREADS
    if (r < 0)
        return gk_raise_errno(err, NULL);
    return gk_none();
}

static gk_object *pair(int64_t a, int64_t b)
{
    gk_object *items[2] = { gk_int_from_i64(a), gk_int_from_i64(b) };
    gk_object *r = gk_tuple_from_array(items, 2);
    gk_decref(items[0]);
    gk_decref(items[1]);
    return r;
}

static gk_object *os_pipe(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t; (void)args; (void)nargs;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return gk_raise_errno(errno, NULL);
    return pair(fds[0], fds[1]);
}

static gk_object *os_dup(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    if (arg_int(args, nargs, 0, &fd, "dup") < 0)
        return NULL;
    int r = fcntl((int)fd, F_DUPFD_CLOEXEC, 0);
    if (r < 0)
        return gk_raise_errno(errno, NULL);
    return gk_int_from_i64(r);
}

static gk_object *os_dup2(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t a, b;
    if (arg_int(args, nargs, 0, &a, "dup2") < 0 || arg_int(args, nargs, 1, &b, "dup2") < 0)
        return NULL;
    int r = dup2((int)a, (int)b);
    if (r < 0)
        return gk_raise_errno(errno, NULL);
    return gk_int_from_i64(r);
}

static gk_object *os_fsync(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    if (arg_int(args, nargs, 0, &fd, "fsync") < 0)
        return NULL;
    int r, err;
    GK_BEGIN_ALLOW_THREADS_NAMED("os.fsync")
    r = fsync((int)fd);
    err = errno;
    GK_END_ALLOW_THREADS
    if (r < 0)
        return gk_raise_errno(err, NULL);
    return gk_none();
}

static gk_object *os_lseek(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, off, how;
    if (arg_int(args, nargs, 0, &fd, "lseek") < 0 || arg_int(args, nargs, 1, &off, "lseek") < 0 ||
        arg_int(args, nargs, 2, &how, "lseek") < 0)
        return NULL;
    off_t r = lseek((int)fd, (off_t)off, (int)how);
    if (r < 0)
        return gk_raise_errno(errno, NULL);
    return gk_int_from_i64(r);
}

/* (mode, ino, dev, nlink, uid, gid, size, atime, mtime, ctime) */
static gk_object *stat_tuple(const struct stat *st)
{
    int64_t v[7] = { st->st_mode, (int64_t)st->st_ino, (int64_t)st->st_dev, (int64_t)st->st_nlink,
                     st->st_uid, st->st_gid, st->st_size };
    double tm[3] = { st->st_atim.tv_sec + st->st_atim.tv_nsec * 1e-9,
                     st->st_mtim.tv_sec + st->st_mtim.tv_nsec * 1e-9,
                     st->st_ctim.tv_sec + st->st_ctim.tv_nsec * 1e-9 };
    gk_object *items[10];
    for (int i = 0; i < 7; i++)
        items[i] = gk_int_from_i64(v[i]);
    for (int i = 0; i < 3; i++)
        items[7 + i] = gk_float_from_double(tm[i]);
    gk_object *r = gk_tuple_from_array(items, 10);
    for (int i = 0; i < 10; i++)
        gk_decref(items[i]);
    return r;
}

static gk_object *os_stat(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    const char *path = arg_str(args, nargs, 0, "stat");
    if (!path)
        return NULL;
    int follow = nargs < 2 || gk_truthy(args[1]);
    struct stat st;
    int r, err;
    GK_BEGIN_ALLOW_THREADS_NAMED("os.stat")
    r = follow ? stat(path, &st) : lstat(path, &st);
    err = errno;
    GK_END_ALLOW_THREADS
    if (r < 0)
        return gk_raise_errno(err, path);
    return stat_tuple(&st);
}

static gk_object *os_fstat(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    if (arg_int(args, nargs, 0, &fd, "fstat") < 0)
        return NULL;
    struct stat st;
    int r, err;
    GK_BEGIN_ALLOW_THREADS_NAMED("os.fstat")
    r = fstat((int)fd, &st);
    err = errno;
    GK_END_ALLOW_THREADS
    if (r < 0)
        return gk_raise_errno(err, NULL);
    return stat_tuple(&st);
}

/* One-path calls: which says what to do. */
static gk_object *path_call(gk_object *const *args, size_t nargs, const char *fn, int which)
{
    const char *path = arg_str(args, nargs, 0, fn);
    if (!path)
        return NULL;
    int64_t mode = 0777;
    if (which == 2 && nargs > 1 && arg_int(args, nargs, 1, &mode, fn) < 0)
        return NULL;
    static const char *const labels[] = { "os.remove", "os.rmdir", "os.mkdir", "os.chdir" };
    const char *label = labels[which];
    int r, err;
    GK_BEGIN_ALLOW_THREADS_NAMED(label)
    switch (which) {
    case 0: r = unlink(path); break;
    case 1: r = rmdir(path); break;
    case 2: r = mkdir(path, (mode_t)mode); break;
    default: r = chdir(path); break;
    }
    err = errno;
    GK_END_ALLOW_THREADS
    if (r < 0)
        return gk_raise_errno(err, path);
    return gk_none();
}

static gk_object *os_unlink(gk_thread *t, gk_object *const *a, size_t n) { (void)t; return path_call(a, n, "remove", 0); }
static gk_object *os_rmdir(gk_thread *t, gk_object *const *a, size_t n) { (void)t; return path_call(a, n, "rmdir", 1); }
static gk_object *os_mkdir(gk_thread *t, gk_object *const *a, size_t n) { (void)t; return path_call(a, n, "mkdir", 2); }
static gk_object *os_chdir(gk_thread *t, gk_object *const *a, size_t n) { (void)t; return path_call(a, n, "chdir", 3); }

static gk_object *os_rename(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    const char *a = arg_str(args, nargs, 0, "rename");
    const char *b = a ? arg_str(args, nargs, 1, "rename") : NULL;
    if (!b)
        return NULL;
    int r, err;
    GK_BEGIN_ALLOW_THREADS_NAMED("os.rename")
    r = rename(a, b);
    err = errno;
    GK_END_ALLOW_THREADS
    if (r < 0)
        return gk_raise_errno(err, a);
    return gk_none();
}

static gk_object *os_listdir(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    const char *path = nargs ? arg_str(args, nargs, 0, "listdir") : ".";
    if (!path)
        return NULL;
    DIR *d;
    int err;
    GK_BEGIN_ALLOW_THREADS_NAMED("os.listdir")
    d = opendir(path);
    err = errno;
    GK_END_ALLOW_THREADS
    if (!d)
        return gk_raise_errno(err, path);
    gk_object *list = gk_list_new(0);
    struct dirent *e;
    while (list && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        gk_object *s = gk_str_from_cstr(e->d_name);
        if (!s || gk_list_append(list, s) < 0) {
            gk_xdecref(s);
            gk_decref(list);
            list = NULL;
            break;
        }
        gk_decref(s);
    }
    closedir(d);
    return list;
}

static gk_object *os_getpid(gk_thread *t, gk_object *const *a, size_t n)
{
    (void)t; (void)a; (void)n;
    return gk_int_from_i64(getpid());
}

static gk_object *os_getcwd(gk_thread *t, gk_object *const *a, size_t n)
{
    (void)t; (void)a; (void)n;
    char buf[4096];
    if (!getcwd(buf, sizeof buf))
        return gk_raise_errno(errno, NULL);
    return gk_str_from_cstr(buf);
}

static gk_object *os_urandom(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t n;
    if (arg_int(args, nargs, 0, &n, "urandom") < 0)
        return NULL;
    if (n < 0)
        return gk_raise(GK_EXC_VALUE_ERROR, "negative argument not allowed");
    unsigned char *buf = malloc(n ? (size_t)n : 1);
    if (!buf)
        return gk_raise(GK_EXC_MEMORY_ERROR, "out of memory");
    ssize_t got = 0;
    int err = 0;
    GK_BEGIN_ALLOW_THREADS_NAMED("os.urandom")
    while (got < n) {
        ssize_t r = getrandom(buf + got, (size_t)(n - got), 0);
        if (r < 0 && errno != EINTR) {
            err = errno;
            break;
        }
        if (r > 0)
            got += r;
    }
    GK_END_ALLOW_THREADS
    gk_object *res = err ? gk_raise_errno(err, NULL) : gk_bytes_from(buf, (size_t)n);
    free(buf);
    return res;
}

static gk_object *os_strerror(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t e;
    if (arg_int(args, nargs, 0, &e, "strerror") < 0)
        return NULL;
    return gk_str_from_cstr(strerror((int)e));
}

static gk_object *os_environ(gk_thread *t, gk_object *const *a, size_t n)
{
    (void)t; (void)a; (void)n;
    gk_object *d = gk_dict_new();
    for (char **e = environ; d && e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        gk_object *k = gk_str_from_utf8(*e, (size_t)(eq - *e));
        gk_object *v = gk_str_from_cstr(eq + 1);
        if (!k || !v || gk_setitem(d, k, v) < 0) {
            gk_xdecref(k);
            gk_xdecref(v);
            gk_decref(d);
            return NULL;
        }
        gk_decref(k);
        gk_decref(v);
    }
    return d;
}

static gk_object *os_putenv(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    const char *k = arg_str(args, nargs, 0, "putenv");
    if (!k)
        return NULL;
    int r;
    if (nargs > 1 && !gk_is_none(args[1])) {
        const char *v = arg_str(args, nargs, 1, "putenv");
        if (!v)
            return NULL;
        r = setenv(k, v, 1);
    } else {
        r = unsetenv(k);
    }
    if (r < 0)
        return gk_raise_errno(errno, NULL);
    return gk_none();
}

static gk_object *os_isatty(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    if (arg_int(args, nargs, 0, &fd, "isatty") < 0)
        return NULL;
    return gk_bool(isatty((int)fd));
}

static gk_object *os_access(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t mode;
    const char *path = arg_str(args, nargs, 0, "access");
    if (!path || arg_int(args, nargs, 1, &mode, "access") < 0)
        return NULL;
    int r;
    GK_BEGIN_ALLOW_THREADS_NAMED("os.access")
    r = access(path, (int)mode);
    GK_END_ALLOW_THREADS
    return gk_bool(r == 0);
}

static gk_object *os_get_blocking(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    if (arg_int(args, nargs, 0, &fd, "get_blocking") < 0)
        return NULL;
    int fl = fcntl((int)fd, F_GETFL);
    if (fl < 0)
        return gk_raise_errno(errno, NULL);
    return gk_bool(!(fl & O_NONBLOCK));
}

static gk_object *os_set_blocking(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    if (arg_int(args, nargs, 0, &fd, "set_blocking") < 0 || nargs < 2)
        return gk_err_occurred() ? NULL : gk_raise(GK_EXC_TYPE_ERROR, "set_blocking() takes 2 arguments");
    int fl = fcntl((int)fd, F_GETFL);
    if (fl < 0)
        return gk_raise_errno(errno, NULL);
    fl = gk_truthy(args[1]) ? (fl & ~O_NONBLOCK) : (fl | O_NONBLOCK);
    if (fcntl((int)fd, F_SETFL, fl) < 0)
        return gk_raise_errno(errno, NULL);
    return gk_none();
}

static gk_object *os_kill(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t pid, sig;
    if (arg_int(args, nargs, 0, &pid, "kill") < 0 || arg_int(args, nargs, 1, &sig, "kill") < 0)
        return NULL;
    if (kill((pid_t)pid, (int)sig) < 0)
        return gk_raise_errno(errno, NULL);
    return gk_none();
}

static gk_object *os_cpu_count(gk_thread *t, gk_object *const *a, size_t n)
{
    (void)t; (void)a; (void)n;
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c > 0 ? gk_int_from_i64(c) : gk_none();
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("open", os_open, "open(path, flags, mode=0o777) -> fd"),
    GK_OBJECT_FUNCTION("read", os_read, "read(fd, n) -> bytes, GIL released"),
    GK_OBJECT_FUNCTION("write", os_write, "write(fd, data) -> count, GIL released"),
    GK_OBJECT_FUNCTION("close", os_close, "close(fd)"),
    GK_OBJECT_FUNCTION("pipe", os_pipe, "pipe() -> (r, w)"),
    GK_OBJECT_FUNCTION("dup", os_dup, "dup(fd) -> fd"),
    GK_OBJECT_FUNCTION("dup2", os_dup2, "dup2(fd, fd2) -> fd2"),
    GK_OBJECT_FUNCTION("fsync", os_fsync, "fsync(fd)"),
    GK_OBJECT_FUNCTION("lseek", os_lseek, "lseek(fd, pos, how) -> pos"),
    GK_OBJECT_FUNCTION("stat", os_stat, "stat(path, follow=True) -> tuple"),
    GK_OBJECT_FUNCTION("fstat", os_fstat, "fstat(fd) -> tuple"),
    GK_OBJECT_FUNCTION("unlink", os_unlink, "unlink(path)"),
    GK_OBJECT_FUNCTION("rmdir", os_rmdir, "rmdir(path)"),
    GK_OBJECT_FUNCTION("mkdir", os_mkdir, "mkdir(path, mode=0o777)"),
    GK_OBJECT_FUNCTION("chdir", os_chdir, "chdir(path)"),
    GK_OBJECT_FUNCTION("rename", os_rename, "rename(src, dst)"),
    GK_OBJECT_FUNCTION("listdir", os_listdir, "listdir(path='.') -> list"),
    GK_OBJECT_FUNCTION("getpid", os_getpid, "getpid() -> int"),
    GK_OBJECT_FUNCTION("getcwd", os_getcwd, "getcwd() -> str"),
    GK_OBJECT_FUNCTION("urandom", os_urandom, "urandom(n) -> bytes"),
    GK_OBJECT_FUNCTION("strerror", os_strerror, "strerror(code) -> str"),
    GK_OBJECT_FUNCTION("environ", os_environ, "environ() -> dict snapshot"),
    GK_OBJECT_FUNCTION("putenv", os_putenv, "putenv(key, value or None)"),
    GK_OBJECT_FUNCTION("isatty", os_isatty, "isatty(fd) -> bool"),
    GK_OBJECT_FUNCTION("access", os_access, "access(path, mode) -> bool"),
    GK_OBJECT_FUNCTION("get_blocking", os_get_blocking, "get_blocking(fd) -> bool"),
    GK_OBJECT_FUNCTION("set_blocking", os_set_blocking, "set_blocking(fd, flag)"),
    GK_OBJECT_FUNCTION("kill", os_kill, "kill(pid, sig)"),
    GK_OBJECT_FUNCTION("cpu_count", os_cpu_count, "cpu_count() -> int or None"),
    GK_FUNCTION_END,
};

static int os_init(gk_object *m)
{
    static const struct { const char *name; int64_t v; } consts[] = {
        { "O_RDONLY", O_RDONLY }, { "O_WRONLY", O_WRONLY }, { "O_RDWR", O_RDWR },
        { "O_CREAT", O_CREAT }, { "O_EXCL", O_EXCL }, { "O_TRUNC", O_TRUNC },
        { "O_APPEND", O_APPEND }, { "O_NONBLOCK", O_NONBLOCK }, { "O_CLOEXEC", O_CLOEXEC },
        { "SEEK_SET", SEEK_SET }, { "SEEK_CUR", SEEK_CUR }, { "SEEK_END", SEEK_END },
        { "F_OK", F_OK }, { "R_OK", R_OK }, { "W_OK", W_OK }, { "X_OK", X_OK },
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

GK_MODULE("_os", "fd-level OS calls for os and io; blocking calls release the GIL.", functions, os_init, 0);
