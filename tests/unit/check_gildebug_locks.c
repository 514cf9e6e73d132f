/*
 * tests/unit/check_gildebug_locks.c - GIL-debug classes 4 (a blocking call
 * with the GIL held) and 6 (a gk_mutex and the GIL taken in both orders),
 * and the SDK mutex itself.  Each test runs ./gilkit on the deliberately
 * buggy extensions of tests/gil-debug/ (block_gil.c, lock_order.c, built by
 * make check) and checks the report's class, call site and policy; each
 * correct twin must run with an empty stderr.  Fork mode, 30 s per test.
 * The report tests need the GIL-debug build (and no sanitizer, whose
 * runtime owns the interposed functions); the gk_mutex test runs in every
 * build.
 */
#include "config.h"
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(GK_GIL_DEBUG) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define BLOCKCHECK 1
#else
#define BLOCKCHECK 0
#endif

typedef struct run_result {
    int status;        /* waitpid status */
    char *out, *err;   /* malloc'ed, NUL-terminated */
} run_result;

static char *slurp(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    ssize_t r;
    ck_assert_ptr_nonnull(buf);
    lseek(fd, 0, SEEK_SET);
    while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
    }
    buf[n] = '\0';
    return buf;
}

/* Runs `gilkit -c code` with the test modules on GILKIT_PATH and, if not
 * NULL, GILKIT_GIL_CHECK=policy; captures stdout and stderr. */
static run_result run(const char *code, const char *policy)
{
    const char *bld = getenv("top_builddir");
    char gilkit[4096], moddir[4096];
    char outp[] = "/tmp/gk-locks-outXXXXXX", errp[] = "/tmp/gk-locks-errXXXXXX";
    run_result res;
    if (!bld)
        bld = ".";
    snprintf(gilkit, sizeof gilkit, "%s/gilkit", bld);
    snprintf(moddir, sizeof moddir, "%s/tests/gil-debug", bld);
    int ofd = mkstemp(outp), efd = mkstemp(errp);
    ck_assert(ofd >= 0 && efd >= 0);
    unlink(outp);
    unlink(errp);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        dup2(ofd, 1);
        dup2(efd, 2);
        setenv("GILKIT_PATH", moddir, 1);
        if (policy)
            setenv("GILKIT_GIL_CHECK", policy, 1);
        else
            unsetenv("GILKIT_GIL_CHECK");
        alarm(25);   /* a deadlock fails the test instead of hanging it */
        execl(gilkit, gilkit, "-c", code, (char *)NULL);
        _exit(127);
    }
    ck_assert_int_eq(waitpid(pid, &res.status, 0), pid);
    res.out = slurp(ofd);
    res.err = slurp(efd);
    close(ofd);
    close(efd);
    return res;
}

#ifdef GK_GIL_DEBUG
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}
#endif

#define assert_has(r, needle) \
    ck_assert_msg(strstr((r).err, (needle)) != NULL, "stderr lacks \"%s\":\n%s", (needle), (r).err)
#define assert_exit0(r) \
    ck_assert_msg(WIFEXITED((r).status) && WEXITSTATUS((r).status) == 0, "status %#x, stderr:\n%s", \
                  (r).status, (r).err)
#define assert_clean(r) ck_assert_msg((r).err[0] == '\0', "a correct twin was reported:\n%s", (r).err)

static void done(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* ---- class 4: blocking with the GIL held ---- */

#if BLOCKCHECK
START_TEST(test_blocking_read_reported)
{
    run_result r = run("import block_gil\nfor i in range(3):\n    block_gil.bad_read()\nprint('on')", NULL);
    assert_exit0(r);
    ck_assert_str_eq(r.out, "on\n");
    assert_has(r, "==gilkit-gil-debug== blocking call read() while holding the GIL (class 4)");
    assert_has(r, "call: read() on fd ");
    assert_has(r, "(a blocking pipe)");
    assert_has(r, "caller: block_gil.gilkit-1.so+0x");
    assert_has(r, "addr2line -f -e ");
    assert_has(r, "extension function: block_gil.bad_read()");
    assert_has(r, "called from Python: <module> of ");
    assert_has(r, "GK_BEGIN_ALLOW_THREADS");
    assert_has(r, "==gilkit-gil-debug== continuing");
    /* Three calls from one call site: one report. */
    ck_assert_int_eq(count(r.err, "==gilkit-gil-debug== blocking call"), 1);
    done(&r);
}
END_TEST

START_TEST(test_blocking_sleep_reported)
{
    run_result r = run("import block_gil\nblock_gil.bad_sleep()\nblock_gil.bad_read()", NULL);
    assert_exit0(r);
    assert_has(r, "blocking call usleep() while holding the GIL (class 4)");
    assert_has(r, "extension function: block_gil.bad_sleep()");
    /* A second call site is a second report. */
    ck_assert_int_eq(count(r.err, "==gilkit-gil-debug== blocking call"), 2);
    done(&r);
}
END_TEST

START_TEST(test_blocking_abort_policy)
{
    run_result r = run("import block_gil\nblock_gil.bad_sleep()\nprint('not reached')", "abort");
    ck_assert_msg(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGABRT, "status %#x", r.status);
    ck_assert_str_eq(r.out, "");
    assert_has(r, "blocking call usleep() while holding the GIL (class 4)");
    assert_has(r, "aborting");
    done(&r);
}
END_TEST

START_TEST(test_blocking_twins_clean)
{
    run_result r = run("import block_gil\nblock_gil.good_read()\nblock_gil.good_sleep()\n"
                       "import time\ntime.sleep(0.001)\nprint('ok')", NULL);
    assert_exit0(r);
    ck_assert_str_eq(r.out, "ok\n");
    assert_clean(r);
    done(&r);
}
END_TEST
#endif

/* ---- class 6: a gk_mutex and the GIL in both orders ---- */

#ifdef GK_GIL_DEBUG
/* bad_update (mutex, then GIL) in a thread, then bad_lookup (GIL, then
 * mutex) in the main thread: one after the other, so no real deadlock. */
START_TEST(test_lock_order_reported)
{
    run_result r = run("import threading, lock_order\n"
                       "t = threading.Thread(target=lock_order.bad_update)\n"
                       "t.start()\nt.join()\n"
                       "for i in range(2):\n    lock_order.bad_lookup()\n"
                       "print('on')", NULL);
    assert_exit0(r);
    ck_assert_str_eq(r.out, "on\n");
    assert_has(r, "==gilkit-gil-debug== lock-order inversion: a gk_mutex and the GIL taken in both orders "
                  "(class 6");
    assert_has(r, "class created at ");
    assert_has(r, "lock_order.c:148\n");
    assert_has(r, "order 1, the GIL then the mutex: gk_mutex_lock() with the GIL held at ");
    assert_has(r, "lock_order.c:40, thread MainThread");
    assert_has(r, "order 2, the mutex then the GIL: GK_END_ALLOW_THREADS with the mutex held at ");
    assert_has(r, "lock_order.c:32, thread Thread-1");
    assert_has(r, "gk_mutex_lock_release_gil()");
    assert_has(r, "  at: ");
    ck_assert_int_eq(count(r.err, "==gilkit-gil-debug== lock-order inversion"), 1);
    done(&r);
}
END_TEST

START_TEST(test_lock_order_abort_policy)
{
    run_result r = run("import lock_order\nlock_order.bad_lookup()\nlock_order.bad_update()\nprint('no')",
                       "abort");
    ck_assert_msg(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGABRT, "status %#x", r.status);
    assert_has(r, "lock-order inversion");
    assert_has(r, "at: ");
    done(&r);
}
END_TEST

/* Class 4 through the SDK mutex: the extension's own file:line. */
START_TEST(test_contended_mutex_reported)
{
    run_result r = run("import lock_order\nlock_order.bad_contended()\nprint('on')", NULL);
    assert_exit0(r);
    ck_assert_str_eq(r.out, "on\n");
    assert_has(r, "blocking call gk_mutex_lock() on a contended mutex while holding the GIL (class 4)");
    assert_has(r, "lock_order.c:137\n");
    ck_assert_int_eq(count(r.err, "==gilkit-gil-debug=="), 2);   /* the report and its "continuing" */
    done(&r);
}
END_TEST

START_TEST(test_lock_order_twin_clean)
{
    run_result r = run("import threading, lock_order\n"
                       "t = threading.Thread(target=lock_order.good_update)\n"
                       "t.start()\nt.join()\n"
                       "print(lock_order.good_lookup(), lock_order.good_update())", NULL);
    assert_exit0(r);
    ck_assert_str_eq(r.out, "1 2\n");
    assert_clean(r);
    done(&r);
}
END_TEST
#endif

/* ---- gk_mutex in every build ---- */

/* A native thread holds the mutex; good_lookup() must wait for it, and
 * wait_then_release() takes the GIL before letting the holder go: all
 * finish only if gk_mutex_lock_release_gil waits with the GIL released. */
START_TEST(test_mutex_waits_without_gil)
{
    run_result r = run("import threading, lock_order\n"
                       "lock_order.hold()\n"
                       "t = threading.Thread(target=lock_order.wait_then_release)\n"
                       "t.start()\n"
                       "print(lock_order.good_lookup())\n"
                       "t.join()\nprint('done')", NULL);
    assert_exit0(r);
    ck_assert_str_eq(r.out, "0\ndone\n");
#ifdef GK_GIL_DEBUG
    assert_clean(r);
#endif
    done(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gildebug_locks");
    TCase *tc = tcase_create("gk_mutex");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_mutex_waits_without_gil);
    suite_add_tcase(s, tc);
#if BLOCKCHECK
    tc = tcase_create("class4_blocking");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_blocking_read_reported);
    tcase_add_test(tc, test_blocking_sleep_reported);
    tcase_add_test(tc, test_blocking_abort_policy);
    tcase_add_test(tc, test_blocking_twins_clean);
    suite_add_tcase(s, tc);
#endif
#ifdef GK_GIL_DEBUG
    tc = tcase_create("class6_lock_order");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_lock_order_reported);
    tcase_add_test(tc, test_lock_order_abort_policy);
    tcase_add_test(tc, test_lock_order_twin_clean);
    tcase_add_test(tc, test_contended_mutex_reported);
    suite_add_tcase(s, tc);
#endif
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
