/* Deliberately buggy extension (debug class 4, tests/unit/check_gildebug_locks.c):
 * bad_read() reads a pipe and bad_sleep() sleeps while holding the GIL, so
 * every other Python thread stalls for as long as they block (here the
 * pipe already holds a byte, so nothing waits for real).  good_read() and
 * good_sleep() are the correct twins: the same calls inside
 * GK_BEGIN_ALLOW_THREADS / GK_END_ALLOW_THREADS. */
#include <gilkit.h>
#include <unistd.h>

/* A pipe with one byte in it, written with the GIL released. */
static int loaded_pipe(int fds[2])
{
    ssize_t w = -1;
    if (pipe(fds) != 0)
        return -1;
    GK_BEGIN_ALLOW_THREADS
    w = write(fds[1], "x", 1);
    GK_END_ALLOW_THREADS
    return w == 1 ? 0 : -1;
}

static gk_object *bad_read(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    int fds[2];
    char c;
    if (loaded_pipe(fds) != 0)
        return gk_raise(GK_EXC_OS_ERROR, "pipe");
    ssize_t r = read(fds[0], &c, 1);          /* the bug: a blocking read with the GIL held */
    close(fds[0]);
    close(fds[1]);
    return gk_int_from_i64(r);
}

static gk_object *good_read(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    int fds[2];
    char c;
    ssize_t r;
    if (loaded_pipe(fds) != 0)
        return gk_raise(GK_EXC_OS_ERROR, "pipe");
    GK_BEGIN_ALLOW_THREADS
    r = read(fds[0], &c, 1);
    GK_END_ALLOW_THREADS
    close(fds[0]);
    close(fds[1]);
    return gk_int_from_i64(r);
}

static gk_object *bad_sleep(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    usleep(1000);                             /* the bug: sleeping with the GIL held */
    return gk_none();
}

static gk_object *good_sleep(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t, (void)args, (void)nargs;
    GK_BEGIN_ALLOW_THREADS
    usleep(1000);
    GK_END_ALLOW_THREADS
    return gk_none();
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("bad_read", bad_read, "reads a pipe with the GIL held"),
    GK_OBJECT_FUNCTION("good_read", good_read, "the correct twin"),
    GK_OBJECT_FUNCTION("bad_sleep", bad_sleep, "usleep with the GIL held"),
    GK_OBJECT_FUNCTION("good_sleep", good_sleep, "the correct twin"),
    GK_FUNCTION_END,
};

GK_MODULE("block_gil", "GIL-debug test: blocking calls with the GIL held.", functions, NULL, 0);
