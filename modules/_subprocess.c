/* modules/_subprocess.c: the C layer of subprocess (lib/subprocess.py):
 * pipes, fork/exec of a child with its three standard fds, reads and writes
 * on pipes and waitpid, all blocking calls releasing the GIL.  Built against
 * the public SDK only; errors are OSError subclasses from errno. */
#include <gilkit.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int arg_int(gk_object *const *args, size_t nargs, size_t i, int64_t *out)
{
    if (i >= nargs || !gk_is_int(args[i])) {
        gk_raise(GK_EXC_TYPE_ERROR, "argument %d must be int", (int)i + 1);
        return -1;
    }
    *out = gk_int_as_i64(args[i]);
    return gk_err_occurred() ? -1 : 0;
}

/* A NULL-terminated copy of a list of str; NULL + exception on error. */
static char **str_array(gk_object *list)
{
    intptr_t n = gk_len(list);
    if (n < 0)
        return NULL;
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (!v) {
        gk_raise(GK_EXC_MEMORY_ERROR, "out of memory");
        return NULL;
    }
    for (intptr_t i = 0; i < n; i++) {
        gk_object *idx = gk_int_from_i64(i);
        gk_object *item = idx ? gk_getitem(list, idx) : NULL;
        gk_xdecref(idx);
        const char *s = item && gk_is_str(item) ? gk_str_as_utf8(item, NULL) : NULL;
        if (s)
            v[i] = strdup(s);
        if (!s && item && !gk_err_occurred())
            gk_raise(GK_EXC_TYPE_ERROR, "expected str, not %s", gk_type_name(item));
        gk_xdecref(item);
        if (!v[i])
            goto fail;
    }
    return v;
fail:
    for (intptr_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return NULL;
}

static void free_array(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* pipe() -> (read_fd, write_fd), both close-on-exec */
static gk_object *sp_pipe(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return gk_raise_errno(errno, NULL);
    gk_object *items[2] = { gk_int_from_i64(fds[0]), gk_int_from_i64(fds[1]) };
    gk_object *res = items[0] && items[1] ? gk_tuple_from_array(items, 2) : NULL;
    gk_xdecref(items[0]);
    gk_xdecref(items[1]);
    return res;
}

/* open_devnull(writable) -> fd */
static gk_object *sp_open_devnull(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t w;
    if (arg_int(args, nargs, 0, &w) < 0)
        return NULL;
    int fd = open("/dev/null", (w ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
    return fd < 0 ? gk_raise_errno(errno, "/dev/null") : gk_int_from_i64(fd);
}

/* spawn(argv, cwd or None, env list or None, fd0, fd1, fd2) -> pid; -1 means inherit */
static gk_object *sp_spawn(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd[3];
    char **argv = NULL, **envp = NULL;
    const char *cwd = NULL;
    gk_object *res = NULL;
    if (nargs != 6)
        return gk_raise(GK_EXC_TYPE_ERROR, "spawn() takes 6 arguments");
    for (int i = 0; i < 3; i++)
        if (arg_int(args, nargs, 3 + (size_t)i, &fd[i]) < 0)
            return NULL;
    if (!gk_is_none(args[1]))
        cwd = gk_str_as_utf8(args[1], NULL);
    argv = str_array(args[0]);
    if (!argv)
        goto fail;
    if (!argv[0]) {
        gk_raise(GK_EXC_VALUE_ERROR, "empty argument list");
        goto fail;
    }
    if (!gk_is_none(args[2]) && !(envp = str_array(args[2])))
        goto fail;
    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC) < 0) {
        gk_raise_errno(errno, NULL);
        goto fail;
    }
    pid_t pid = fork();
    if (pid == 0) {
        /* child: only async-signal-safe calls */
        int e = 0, where = 0;
        int tmp[3];
        for (int i = 0; i < 3; i++)
            tmp[i] = fd[i] >= 0 ? fcntl((int)fd[i], F_DUPFD_CLOEXEC, 10) : -1;
        for (int i = 0; i < 3; i++)
            if (tmp[i] >= 0 && dup2(tmp[i], i) < 0) {
                e = errno;
                goto child_fail;
            }
        if (cwd && chdir(cwd) < 0) {
            e = errno;
            where = 1;
            goto child_fail;
        }
        if (envp)
            environ = envp;
        execvp(argv[0], argv);
        e = errno;
    child_fail:;
        int msg[2] = { e, where };
        ssize_t w = write(errpipe[1], msg, sizeof msg);
        (void)w;
        /* The raw system call: sanitizer runtimes intercept _exit and may
         * flush the parent's stdio buffers copied into this child. */
        syscall(SYS_exit_group, 255);
        _exit(255);
    }
    int ferr = errno;
    close(errpipe[1]);
    if (pid < 0) {
        close(errpipe[0]);
        gk_raise_errno(ferr, NULL);
        goto fail;
    }
    int msg[2];
    ssize_t r;
    GK_BEGIN_ALLOW_THREADS_NAMED("subprocess.Popen")
    do
        r = read(errpipe[0], msg, sizeof msg);
    while (r < 0 && errno == EINTR);
    GK_END_ALLOW_THREADS
    close(errpipe[0]);
    if (r == (ssize_t)sizeof msg) {
        int st;
        GK_BEGIN_ALLOW_THREADS_NAMED("subprocess.Popen")
        waitpid(pid, &st, 0);
        GK_END_ALLOW_THREADS
        gk_raise_errno(msg[0], msg[1] ? cwd : argv[0]);
        goto fail;
    }
    res = gk_int_from_i64(pid);
fail:
    free_array(argv);
    free_array(envp);
    return res;
}

/* read(fd, n) -> bytes (b"" at end of file); releases the GIL */
static gk_object *sp_read(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd, n;
    if (arg_int(args, nargs, 0, &fd) < 0 || arg_int(args, nargs, 1, &n) < 0)
        return NULL;
    if (n <= 0)
        n = 1;
    char *buf = malloc((size_t)n);
    if (!buf)
        return gk_raise(GK_EXC_MEMORY_ERROR, "out of memory");
    ssize_t r;
    int err;
    do {
        GK_BEGIN_ALLOW_THREADS_NAMED("subprocess.communicate")
        r = read((int)fd, buf, (size_t)n);
        err = errno;
        GK_END_ALLOW_THREADS
    } while (r < 0 && err == EINTR);
    gk_object *res = r < 0 ? gk_raise_errno(err, NULL) : gk_bytes_from(buf, (size_t)r);
    free(buf);
    return res;
}

/* write_all(fd, data) -> None; releases the GIL; BrokenPipeError if the reader is gone */
static gk_object *sp_write_all(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    size_t n;
    if (arg_int(args, nargs, 0, &fd) < 0)
        return NULL;
    if (nargs < 2 || !gk_is_bytes(args[1]))
        return gk_raise(GK_EXC_TYPE_ERROR, "write_all() needs bytes");
    const char *p = gk_bytes_data(args[1], &n);
    size_t done = 0;
    int err = 0;
    GK_BEGIN_ALLOW_THREADS_NAMED("subprocess.communicate")
    while (done < n) {
        ssize_t w = write((int)fd, p + done, n - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        done += (size_t)w;
    }
    GK_END_ALLOW_THREADS
    return err ? gk_raise_errno(err, NULL) : gk_none();
}

/* close(fd) -> None */
static gk_object *sp_close(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t fd;
    if (arg_int(args, nargs, 0, &fd) < 0)
        return NULL;
    if (close((int)fd) < 0)
        return gk_raise_errno(errno, NULL);
    return gk_none();
}

struct wait_ctx {
    int pidfd;
    int wake[2]; /* unblock() writes to wake[1] */
};

/* Blocks until the child can be reaped or unblock() is called; no GIL. */
static intptr_t wait_ready(void *arg)
{
    struct wait_ctx *c = arg;
    struct pollfd p[2] = { { c->pidfd, POLLIN, 0 }, { c->wake[0], POLLIN, 0 } };
    while (poll(p, 2, -1) < 0 && errno == EINTR)
        if (p[1].revents)
            break;
    return 0;
}

static void wait_unblock(void *arg)
{
    struct wait_ctx *c = arg;
    char b = 1;
    ssize_t w = write(c->wake[1], &b, 1);
    (void)w;
}

/* waitpid(pid, nohang) -> returncode or None (still running).  The blocking
 * form waits on a pidfd with the GIL released and is interrupted by Ctrl-C
 * (KeyboardInterrupt) through gk_call_blocking. */
static gk_object *sp_waitpid(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t pid, nohang;
    if (arg_int(args, nargs, 0, &pid) < 0 || arg_int(args, nargs, 1, &nohang) < 0)
        return NULL;
    int st = 0, err = 0;
    pid_t r;
    if (!nohang) {
        struct wait_ctx c;
        c.pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
        if (c.pidfd >= 0 && pipe2(c.wake, O_CLOEXEC) == 0) {
            gk_call_blocking_named("subprocess.wait", wait_ready, &c, wait_unblock, &c);
            close(c.wake[0]);
            close(c.wake[1]);
            close(c.pidfd);
            if (gk_err_occurred())
                return NULL;
        } else if (c.pidfd >= 0) {
            close(c.pidfd);
        }
    }
    do {
        if (nohang) {
            r = waitpid((pid_t)pid, &st, WNOHANG);
            err = errno;
        } else {
            GK_BEGIN_ALLOW_THREADS_NAMED("subprocess.wait")
            r = waitpid((pid_t)pid, &st, 0);
            err = errno;
            GK_END_ALLOW_THREADS
        }
    } while (r < 0 && err == EINTR);
    if (r < 0)
        return gk_raise_errno(err, NULL);
    if (r == 0)
        return gk_none();
    int code = WIFSIGNALED(st) ? -WTERMSIG(st) : WEXITSTATUS(st);
    return gk_int_from_i64(code);
}

/* kill(pid, sig) -> None */
static gk_object *sp_kill(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t pid, sig;
    if (arg_int(args, nargs, 0, &pid) < 0 || arg_int(args, nargs, 1, &sig) < 0)
        return NULL;
    if (kill((pid_t)pid, (int)sig) < 0)
        return gk_raise_errno(errno, NULL);
    return gk_none();
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("pipe", sp_pipe, "pipe() -> (r, w)"),
    GK_OBJECT_FUNCTION("open_devnull", sp_open_devnull, "open_devnull(writable) -> fd"),
    GK_OBJECT_FUNCTION("spawn", sp_spawn, "spawn(argv, cwd, env, fd0, fd1, fd2) -> pid"),
    GK_OBJECT_FUNCTION("read", sp_read, "read(fd, n) -> bytes"),
    GK_OBJECT_FUNCTION("write_all", sp_write_all, "write_all(fd, data)"),
    GK_OBJECT_FUNCTION("close", sp_close, "close(fd)"),
    GK_OBJECT_FUNCTION("waitpid", sp_waitpid, "waitpid(pid, nohang) -> returncode or None"),
    GK_OBJECT_FUNCTION("kill", sp_kill, "kill(pid, sig)"),
    GK_FUNCTION_END,
};

GK_MODULE("_subprocess", "Child processes and pipes; blocking calls release the GIL.", functions, NULL, 0);
