/*
 * tests/unit/check_util.c - the helpers of check_util.h.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include "check_util.h"

/* Suite and test-case names, so that results (which name only their test
 * case) can be counted per suite. */
#define MAX_CASES 512
static struct { Suite *suite; const char *name; } suites[128];
static size_t nsuites;
static struct { const char *tcase, *suite; } tcases[MAX_CASES];
static size_t ncases;

static void setup(void)
{
    static char *argv[] = { "check_vm", NULL };
    ck_assert_int_eq(gk__runtime_init(1, argv), 0);
}

static void teardown(void)
{
}

TCase *tu_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    return tc;
}

Suite *tu_suite(const char *name)
{
    Suite *s = suite_create(name);
    if (nsuites < sizeof suites / sizeof suites[0]) {
        suites[nsuites].suite = s;
        suites[nsuites++].name = name;
    }
    return s;
}

void tu_add(Suite *s, const char *name, const TTest *const *tests, size_t n)
{
    /* Test cases are named "file/case" ("int/int", "tokenizer/errors"), so
     * that failures name the suite file and names never clash. */
    const char *owner = NULL;
    for (size_t i = 0; i < nsuites; i++)
        if (suites[i].suite == s)
            owner = suites[i].name;
    char *full = malloc(strlen(name) + (owner ? strlen(owner) + 2 : 1));
    if (!full)
        abort();
    sprintf(full, "%s%s%s", owner ? owner : "", owner ? "/" : "", name);
    TCase *tc = tu_tcase(full);
    if (owner && ncases < MAX_CASES) {
        tcases[ncases].tcase = full;
        tcases[ncases++].suite = owner;
    }
    for (size_t i = 0; i < n; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
}

static void fail_with_exception(const char *what, const char *src)
{
    gk_object *exc = gk__err_fetch();
    if (exc) {
        gk__print_exception(exc);
        gk__decref(exc);
    }
    ck_abort_msg("%s failed: %s", what, src);
}

static gk_object *new_namespace(void)
{
    gk_object *d = gk__dict_new();
    ck_assert_ptr_nonnull(d);
    gk__dict_set_cstr(d, "__name__", gk__str_intern("__test__"));
    return d;
}

gk_object *tu_run(const char *src)
{
    gk_object *fname = gk__str_from_cstr("<test>");
    gk_object *code = gk__compile_source(src, strlen(src), fname, 0);
    gk__decref(fname);
    if (!code)
        fail_with_exception("compile", src);
    gk_object *d = new_namespace();
    gk_object *r = gk__eval_code(code, d, d);
    gk__decref(code);
    if (!r)
        fail_with_exception("run", src);
    gk__decref(r);
    return d;
}

/* Evaluates expr; NULL with the exception pending if it raised. */
static gk_object *eval_or_null(const char *expr, bool compile_errors_fail)
{
    gk_object *fname = gk__str_from_cstr("<test>");
    gk_object *code = gk__compile_source(expr, strlen(expr), fname, 2);
    gk__decref(fname);
    if (!code && !compile_errors_fail)
        return NULL;
    if (!code)
        fail_with_exception("compile", expr);
    gk_object *d = new_namespace();
    gk_object *r = gk__eval_code(code, d, d);
    gk__decref(code);
    gk__decref(d);
    return r;
}

gk_object *tu_eval(const char *expr)
{
    gk_object *r = eval_or_null(expr, true);
    if (!r)
        fail_with_exception("eval", expr);
    return r;
}

void tu_repr_is_at(gk_object *o, const char *want, const char *file, int line)
{
    ck_assert_msg(o != NULL, "%s:%d: NULL object (expected %s)", file, line, want);
    gk_object *r = gk__repr(o);
    if (!r)
        fail_with_exception("repr", want);
    ck_assert_msg(strcmp(gk__str_utf8(r), want) == 0, "%s:%d: repr is %s, expected %s",
                  file, line, gk__str_utf8(r), want);
    gk__decref(r);
}

void tu_eval_repr_at(const char *expr, const char *want, const char *file, int line)
{
    gk_object *v = tu_eval(expr);
    tu_repr_is_at(v, want, file, line);
    gk__decref(v);
}

void tu_raised_at(gk_type *t, const char *msg, const char *file, int line)
{
    gk_object *exc = gk__err_fetch();
    ck_assert_msg(exc != NULL, "%s:%d: no exception pending (expected %s)", file, line, t->name);
    ck_assert_msg(gk__type_is_subtype(GK_TYPE(exc), t), "%s:%d: raised %s, expected %s",
                  file, line, GK_TYPE(exc)->name ? GK_TYPE(exc)->name : "?", t->name);
    if (msg) {
        gk_object *s = gk__str(exc);
        ck_assert_ptr_nonnull(s);
        ck_assert_msg(strcmp(gk__str_utf8(s), msg) == 0, "%s:%d: message '%s', expected '%s'",
                      file, line, gk__str_utf8(s), msg);
        gk__decref(s);
    }
    gk__decref(exc);
}

void tu_eval_raises_at(const char *expr, gk_type *t, const char *msg, const char *file, int line)
{
    gk_object *r = eval_or_null(expr, true);
    if (r) {
        gk_object *rep = gk__repr(r);
        ck_abort_msg("%s:%d: %s returned %s, expected %s", file, line, expr,
                     rep ? gk__str_utf8(rep) : "?", t->name);
    }
    tu_raised_at(t, msg, file, line);
}

/* Appends one mismatch line to b (bounded). */
static void note(char *b, size_t cap, const char *fmt, ...)
{
    size_t used = strlen(b);
    if (used + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b + used, cap - used, fmt, ap);
    va_end(ap);
}

void tu_table_at(const tu_case *cases, size_t n, const char *file, int line)
{
    static char msgs[8192];
    int bad = 0;
    msgs[0] = 0;
    for (size_t i = 0; i < n; i++) {
        const tu_case *c = &cases[i];
        gk_object *v = eval_or_null(c->expr, false);
        gk_object *exc = v ? NULL : gk__err_fetch();
        gk_object *text = v ? gk__repr(v) : exc ? gk__str(exc) : NULL;
        if (!text)
            gk__err_clear();
        const char *got = text ? gk__str_utf8(text) : "?";
        const char *got_type = exc ? GK_TYPE(exc)->name : NULL;
        if (c->repr) {
            if (!v || strcmp(got, c->repr) != 0) {
                bad++;
                note(msgs, sizeof msgs, "\n  %s -> %s%s%s, expected %s", c->expr, got_type ? got_type : "",
                     got_type ? ": " : "", got, c->repr);
            }
        } else if (!exc || !gk__type_is_subtype(GK_TYPE(exc), c->exc) ||
                   (c->msg && strcmp(got, c->msg) != 0)) {
            bad++;
            note(msgs, sizeof msgs, "\n  %s -> %s%s%s, expected %s: %s", c->expr, got_type ? got_type : "",
                 got_type ? ": " : "", got, c->exc->name, c->msg ? c->msg : "...");
        }
        gk__xdecref(text);
        gk__xdecref(v);
        gk__xdecref(exc);
    }
    ck_assert_msg(bad == 0, "%s:%d: %d of %zu cases differ from python3:%s", file, line, bad, n, msgs);
}

int64_t tu_get_int(gk_object *d, const char *name)
{
    gk_object *v = gk__dict_get_cstr(d, name);
    ck_assert_msg(v != NULL, "no variable %s", name);
    ck_assert(gk__is_int(v));
    return gk__int_as_i64(v);
}

gk_object *tu_str(const char *s)
{
    gk_object *o = gk__str_from_cstr(s);
    ck_assert_ptr_nonnull(o);
    return o;
}

gk_object *tu_int(int64_t v)
{
    gk_object *o = gk__int_from_i64(v);
    ck_assert_ptr_nonnull(o);
    return o;
}

/* The suite a test case belongs to (tcase names may repeat across suites:
 * the first match is taken), or NULL for suites not made by tu_suite. */
static const char *suite_of(const char *tcase)
{
    for (size_t i = 0; i < ncases; i++)
        if (strcmp(tcases[i].tcase, tcase) == 0)
            return tcases[i].suite;
    return NULL;
}

void tu_summary(SRunner *sr)
{
    int nrun = srunner_ntests_run(sr), nfailed = srunner_ntests_failed(sr);
    TestResult **res = srunner_results(sr);
    printf("Per-file suites (tests run / failed):\n");
    for (size_t i = 0; i < nsuites; i++) {
        int run = 0, failed = 0;
        for (int j = 0; j < nrun; j++) {
            const char *owner = suite_of(tr_tcname(res[j]));
            if (!owner || strcmp(owner, suites[i].name) != 0)
                continue;
            run++;
            failed += tr_rtype(res[j]) != CK_PASS;
        }
        if (run)
            printf("  %-12s %3d / %d\n", suites[i].name, run, failed);
    }
    if (fcntl(9, F_GETFD) != -1) {
        FILE *tty = fdopen(dup(9), "w");
        if (tty) {
            for (int j = 0; j < nrun; j++)
                if (tr_rtype(res[j]) != CK_PASS)
                    fprintf(tty, "  %s:%d: %s: %s\n", tr_lfile(res[j]), tr_lno(res[j]),
                            tr_tcname(res[j]), tr_msg(res[j]));
            fprintf(tty, "Check: %d%%: Checks: %d, Failures: %d\n",
                    nrun ? 100 * (nrun - nfailed) / nrun : 100, nrun, nfailed);
            fclose(tty);
        }
    }
    free(res);
    fflush(stdout);
}
