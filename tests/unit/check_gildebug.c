/*
 * tests/unit/check_gildebug.c - the GIL-debug build's checks (built and run
 * only with --enable-gil-debug; docs/debug-mode.md).  Each deliberately
 * buggy module of tests/gil-debug/ must be reported with its class and the
 * file:line of the bug; each correct twin must run with an empty stderr.
 *
 * Modules run in a child `gilkit -c CODE` (gd_run: exit status, stdout and
 * stderr); the bug's line is found in the module's source by its marker
 * comment (gd_line), so the sources can change freely.  Checks that need
 * the embedding API (a handle used on another thread, attach after
 * shutdown) run in-process, with Check's signal expectations for aborts.
 * To add a module: list it in Makefile.am's GILDEBUG_MODULES, mark the bug
 * line with a "bug: NAME" comment, add a test here with gd_run/gd_expect.
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "gilkit.h"

/* The result of one child run. */
typedef struct gd_result {
    int status;      /* waitpid status */
    char *out, *err; /* malloc'd, NUL-terminated */
} gd_result;

static const char *dir_or(const char *var, const char *dflt)
{
    const char *v = getenv(var);
    return v && *v ? v : dflt;
}

static char *slurp(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    ssize_t got;
    lseek(fd, 0, SEEK_SET);
    while (buf && (got = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)got;
        if (cap - n < 2)
            buf = realloc(buf, cap *= 2);
    }
    ck_assert_ptr_nonnull(buf);
    buf[n] = '\0';
    return buf;
}

static int temp_file(void)
{
    char path[] = "/tmp/gk-gildebug-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    return fd;
}

/* Runs `gilkit -c code` with the test modules on GILKIT_PATH and `env`
 * ("NAME=value" or NULL) added; returns its status, stdout and stderr. */
static gd_result gd_run(const char *code, const char *env)
{
    char gilkit[1024], modules[1024];
    const char *bld = dir_or("top_builddir", ".");
    gd_result r = { 0, NULL, NULL };
    int out = temp_file(), err = temp_file();
    snprintf(gilkit, sizeof gilkit, "%s/gilkit", bld);
    snprintf(modules, sizeof modules, "%s/tests/gil-debug", bld);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(out, 1);
        dup2(err, 2);
        setenv("GILKIT_PATH", modules, 1);
        unsetenv("GILKIT_GIL_CHECK");
        unsetenv("GILKIT_GIL_HOG_MS");
        if (env)
            putenv((char *)env);
        execl(gilkit, gilkit, "-c", code, (char *)NULL);
        _exit(127);
    }
    ck_assert_int_eq(waitpid(pid, &r.status, 0), pid);
    r.out = slurp(out);
    r.err = slurp(err);
    close(out);
    close(err);
    return r;
}

static void gd_free(gd_result *r)
{
    free(r->out);
    free(r->err);
}

/* The line of tests/gil-debug/<module>.c holding "bug: <marker>". */
static int gd_line(const char *module, const char *marker)
{
    char path[1024], want[128], text[512];
    int line = 0;
    snprintf(path, sizeof path, "%s/tests/gil-debug/%s.c", dir_or("top_srcdir", "."), module);
    snprintf(want, sizeof want, "bug: %s ", marker);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(text, sizeof text, f)) {
        line++;
        if (strstr(text, want)) {
            fclose(f);
            return line;
        }
    }
    fclose(f);
    ck_abort_msg("no 'bug: %s' marker in %s", marker, path);
    return 0;
}

/* Asserts stderr holds `text`. */
static void gd_has(const gd_result *r, const char *text)
{
    ck_assert_msg(strstr(r->err, text) != NULL, "stderr lacks \"%s\":\n%s", text, r->err);
}

/* Asserts stderr names <module>.c:<line of marker> after `label` ("at: "). */
static void gd_has_site(const gd_result *r, const char *label, const char *module, const char *marker)
{
    char want[256];
    snprintf(want, sizeof want, "%s%s.c:%d\n", label, module, gd_line(module, marker));
    ck_assert_msg(strstr(r->err, want) != NULL, "stderr lacks \"%s\":\n%s", want, r->err);
}

/* Asserts one report of `what` and the outcome: aborted (SIGABRT) or, in
 * warn mode, a normal exit 0 after "continuing". */
static void gd_expect(const gd_result *r, const char *what, int aborted)
{
    gd_has(r, "==gilkit-gil-debug== ");
    gd_has(r, what);
    gd_has(r, "backtrace");
    if (aborted) {
        ck_assert_msg(WIFSIGNALED(r->status) && WTERMSIG(r->status) == SIGABRT,
                      "expected an abort, status %#x:\n%s", r->status, r->err);
        gd_has(r, "aborting (GILKIT_GIL_CHECK=warn to continue)");
    } else {
        ck_assert_msg(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0, "status %#x:\n%s", r->status,
                      r->err);
        gd_has(r, "continuing");
    }
}

/* Asserts a clean run: exit 0 and nothing on stderr. */
static void gd_clean(const gd_result *r)
{
    ck_assert_msg(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0 && r->err[0] == '\0',
                  "status %#x, stderr:\n%s", r->status, r->err);
}

#define TOUCH "object touched by a thread that does not hold the GIL"

/* ---- class 1: touch without the GIL ---- */

START_TEST(test_decref_after_release)
{
    gd_result r = gd_run("import release_decref; release_decref.bad()", NULL);
    gd_expect(&r, TOUCH, 1);
    gd_has(&r, "object: str at 0x");
    gd_has(&r, "operation: gk_decref");
    gd_has_site(&r, "at: tests/gil-debug/", "release_decref", "decref");
    gd_has_site(&r, "GIL released at: tests/gil-debug/", "release_decref", "released");
    gd_free(&r);
    r = gd_run("import release_decref; release_decref.bad(); print('on')", "GILKIT_GIL_CHECK=warn");
    gd_expect(&r, TOUCH, 0);
    ck_assert_str_eq(r.out, "on\n");
    gd_free(&r);
    r = gd_run("import release_decref; release_decref.good()", NULL);
    gd_clean(&r);
    gd_free(&r);
}
END_TEST

START_TEST(test_callback_without_attach)
{
    gd_result r = gd_run("import callback_nogil; callback_nogil.bad(lambda: 1)", NULL);
    gd_expect(&r, TOUCH, 1);
    gd_has(&r, "not attached to the runtime");
    gd_has(&r, "operation: gk_call");
    gd_has_site(&r, "at: tests/gil-debug/", "callback_nogil", "callback");
    gd_free(&r);
    r = gd_run("import callback_nogil\nseen = []\ncallback_nogil.good(lambda: seen.append(1))\n"
               "assert seen == [1]\n", NULL);
    gd_clean(&r);
    gd_free(&r);
}
END_TEST

/* ---- class 3: unbalanced GIL calls ---- */

START_TEST(test_release_twice)
{
    gd_result r = gd_run("import unbalanced; unbalanced.release_twice()", NULL);
    gd_expect(&r, "does not hold it: released twice?", 1);
    gd_has_site(&r, "at: tests/gil-debug/", "unbalanced", "release twice");
    gd_has_site(&r, "GIL released at: tests/gil-debug/", "unbalanced", "first release");
    gd_free(&r);
    /* warn: the inner pair is ignored and the outer one still balances */
    r = gd_run("import unbalanced; unbalanced.release_twice(); unbalanced.release_twice(); print('on')",
               "GILKIT_GIL_CHECK=warn");
    gd_expect(&r, "released twice?", 0);
    ck_assert_str_eq(r.out, "on\n");
    ck_assert_ptr_null(strstr(strstr(r.err, "continuing") + 1, "released twice?"));   /* once per site */
    gd_free(&r);
    r = gd_run("import unbalanced; unbalanced.release_once()", NULL);
    gd_clean(&r);
    gd_free(&r);
}
END_TEST

START_TEST(test_return_with_gil_released)
{
    gd_result r = gd_run("import unbalanced; unbalanced.skip_end()", NULL);
    gd_expect(&r, "extension function returned to the VM with the GIL released", 1);
    gd_has(&r, "function: unbalanced.skip_end()");
    gd_has_site(&r, "GIL released at: tests/gil-debug/", "unbalanced", "skipped end");
    gd_free(&r);
    r = gd_run("import unbalanced; unbalanced.skip_end(); print('on')", "GILKIT_GIL_CHECK=warn");
    gd_expect(&r, "returned to the VM with the GIL released", 0);
    ck_assert_str_eq(r.out, "on\n");
    gd_free(&r);
    r = gd_run("import unbalanced; assert unbalanced.end_always() is False", NULL);
    gd_clean(&r);
    gd_free(&r);
}
END_TEST

START_TEST(test_detach_without_attach)
{
    gd_result r = gd_run("import unbalanced; unbalanced.detach_unattached()", NULL);
    gd_expect(&r, "gk_thread_detach() without a matching gk_thread_attach()", 1);
    gd_has_site(&r, "at: tests/gil-debug/", "unbalanced", "detach");
    gd_free(&r);
    r = gd_run("import unbalanced; unbalanced.detach_attached(); unbalanced.detach_attached()", NULL);
    gd_clean(&r);
    gd_free(&r);
}
END_TEST

START_TEST(test_attach_during_shutdown)
{
    gd_result r = gd_run("import shutdown_attach; shutdown_attach.install_bad()", NULL);
    gd_expect(&r, "gk_thread_attach() during runtime shutdown", 1);
    gd_has_site(&r, "at: tests/gil-debug/", "shutdown_attach", "attach");
    gd_free(&r);
    r = gd_run("import shutdown_attach; shutdown_attach.install_bad()", "GILKIT_GIL_CHECK=warn");
    gd_expect(&r, "during runtime shutdown", 0);
    gd_has(&r, "shutdown_attach: attach refused");   /* -1 reached the module */
    gd_free(&r);
    r = gd_run("import shutdown_attach; shutdown_attach.install_good(); assert shutdown_attach.flush() == 3",
               NULL);
    gd_clean(&r);
    gd_free(&r);
}
END_TEST

/* In-process: a runtime stopped, then a native thread attaches. */
static void *late_attach(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)gk_thread_attach();
}

static int attach_after_stop(void)
{
    pthread_t t;
    void *rc;
    ck_assert_int_eq(gk_runtime_start(0, NULL), 0);
    ck_assert_int_eq(gk_runtime_stop(), 0);
    pthread_create(&t, NULL, late_attach, NULL);
    pthread_join(t, &rc);
    return (int)(intptr_t)rc;
}

START_TEST(test_attach_after_shutdown_aborts)
{
    unsetenv("GILKIT_GIL_CHECK");
    attach_after_stop();   /* the report aborts */
}
END_TEST

START_TEST(test_attach_after_shutdown_warn)
{
    setenv("GILKIT_GIL_CHECK", "warn", 1);
    ck_assert_int_eq(attach_after_stop(), -1);
}
END_TEST

/* In-process: GK_END_ALLOW_THREADS's handle used on another thread, and a
 * handle taken back twice. */
static void *reacquire_elsewhere(void *handle)
{
    gk_gil_reacquire_((gk_thread *)handle, "elsewhere.c", 7);
    return NULL;
}

START_TEST(test_end_on_other_thread)
{
    pthread_t t;
    unsetenv("GILKIT_GIL_CHECK");
    ck_assert_int_eq(gk_runtime_start(0, NULL), 0);
    gk_thread *h = gk_gil_release_("here.c", 3);
    pthread_create(&t, NULL, reacquire_elsewhere, h);   /* the report aborts */
    pthread_join(t, NULL);
}
END_TEST

START_TEST(test_reacquire_while_holding)
{
    setenv("GILKIT_GIL_CHECK", "warn", 1);
    ck_assert_int_eq(gk_runtime_start(0, NULL), 0);
    gk_thread *h = gk_gil_release_("here.c", 3);
    gk_gil_reacquire_(h, "here.c", 4);
    gk_gil_reacquire_(h, "here.c", 5);   /* reported, and no self-deadlock */
    ck_assert(gk_gil_held());
    ck_assert_int_eq(gk_runtime_stop(), 0);
}
END_TEST

/* ---- class 5: GIL hog ---- */

START_TEST(test_gil_hog)
{
    gd_result r = gd_run("import hog; hog.bad(300); print('on')", NULL);
    gd_expect(&r, "GIL hog: a thread running native code ignores a request to drop the GIL", 0);
    gd_has(&r, "running extension function: hog.bad()");
    gd_has(&r, "thread: MainThread (holds the GIL; native-");
    ck_assert_str_eq(r.out, "on\n");
    gd_free(&r);
    r = gd_run("import hog; hog.bad(300)", "GILKIT_GIL_HOG_MS=1000");   /* under the threshold */
    gd_clean(&r);
    gd_free(&r);
    r = gd_run("import hog; hog.good(300)", NULL);
    gd_clean(&r);
    gd_free(&r);
}
END_TEST

static Suite *gildebug_suite(void)
{
    Suite *s = suite_create("gil-debug");
    TCase *tc = tcase_create("modules");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_decref_after_release);
    tcase_add_test(tc, test_callback_without_attach);
    tcase_add_test(tc, test_release_twice);
    tcase_add_test(tc, test_return_with_gil_released);
    tcase_add_test(tc, test_detach_without_attach);
    tcase_add_test(tc, test_attach_during_shutdown);
    tcase_add_test(tc, test_gil_hog);
    suite_add_tcase(s, tc);
    tc = tcase_create("embedding");
    tcase_set_timeout(tc, 30);
    tcase_add_test_raise_signal(tc, test_attach_after_shutdown_aborts, SIGABRT);
    tcase_add_test(tc, test_attach_after_shutdown_warn);
    tcase_add_test_raise_signal(tc, test_end_on_other_thread, SIGABRT);
    tcase_add_test(tc, test_reacquire_while_holding);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(gildebug_suite());
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
