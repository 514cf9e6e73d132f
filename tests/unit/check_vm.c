/*
 * tests/unit/check_vm.c - C-level tests of the runtime core: the GIL, the
 * object API, the compiler and eval loop through gk__compile_source, the
 * cycle collector, and threads.  Each test runs in its own process with a
 * fresh runtime (a checked fixture).
 */
#include <check.h>
#include <pthread.h>
#include <string.h>
#include "runtime.h"
#include "objects.h"
#include "code.h"
#include "lang/ast.h"

Suite *gk_vm_suite(void);

static void setup(void)
{
    static char *argv[] = { "check_vm", NULL };
    ck_assert_int_eq(gk__runtime_init(1, argv), 0);
}

static void teardown(void)
{
}

/* Runs source in a fresh module dict; returns the dict (new reference). */
static gk_object *run(const char *src)
{
    gk_object *fname = gk__str_from_cstr("<test>");
    gk_object *code = gk__compile_source(src, strlen(src), fname, 0);
    gk__decref(fname);
    if (!code) {
        gk_object *exc = gk__err_fetch();
        gk__print_exception(exc);
        ck_abort_msg("compile failed: %s", src);
    }
    gk_object *d = gk__dict_new();
    gk__dict_set_cstr(d, "__name__", gk__str_intern("__test__"));
    gk_object *r = gk__eval_code(code, d, d);
    gk__decref(code);
    if (!r) {
        gk_object *exc = gk__err_fetch();
        gk__print_exception(exc);
        ck_abort_msg("eval failed: %s", src);
    }
    gk__decref(r);
    return d;
}

static int64_t get_int(gk_object *d, const char *name)
{
    gk_object *v = gk__dict_get_cstr(d, name);
    ck_assert_ptr_nonnull(v);
    ck_assert(gk__is_int(v));
    return gk__int_as_i64(v);
}

static const char *get_str(gk_object *d, const char *name)
{
    gk_object *v = gk__dict_get_cstr(d, name);
    ck_assert_ptr_nonnull(v);
    ck_assert(gk__is_str(v));
    return gk__str_utf8(v);
}

START_TEST(test_gil_held_and_released)
{
    gk__tstate *ts = gk__ts();
    ck_assert(gk__gil_held());
    gk__gil_release(ts, GK_RELEASE_BLOCKING);
    ck_assert(!gk__gil_held());
    gk__gil_acquire(ts);
    ck_assert(gk__gil_held());
    ck_assert_uint_eq(ts->stats.voluntary_switches, 1);
}
END_TEST

START_TEST(test_gil_interval)
{
    gk__gil_set_interval(&gk__rt->gil, 0.002);
    ck_assert(gk__gil_get_interval(&gk__rt->gil) > 0.0019);
    ck_assert(gk__gil_get_interval(&gk__rt->gil) < 0.0021);
}
END_TEST

/* A second OS thread attaches, waits for the GIL while the main thread
 * holds it, and runs only after the main thread releases. */
static int shared_counter;
static void *contender(void *arg)
{
    gk__tstate *ts = gk__tstate_new(gk__rt);
    gk__current = ts;
    gk__gil_acquire(ts);
    shared_counter += 1;
    gk__gil_release(ts, GK_RELEASE_EXIT);
    gk__tstate_delete(ts);
    return arg;
}

START_TEST(test_gil_excludes_other_thread)
{
    pthread_t t;
    gk__tstate *ts = gk__ts();
    shared_counter = 0;
    pthread_create(&t, NULL, contender, NULL);
    for (volatile int i = 0; i < 1000000; i++)
        ;
    ck_assert_int_eq(shared_counter, 0);   /* we hold the GIL */
    gk__gil_release(ts, GK_RELEASE_BLOCKING);
    pthread_join(t, NULL);
    gk__gil_acquire(ts);
    ck_assert_int_eq(shared_counter, 1);
}
END_TEST

START_TEST(test_ints_big_and_small)
{
    gk_object *a = gk__int_from_i64(INT64_MAX);
    gk_object *b = gk__int_from_i64(1);
    gk_object *c = gk__binop(a, b, GK_BINOP_ADD);
    ck_assert_ptr_nonnull(c);
    ck_assert(!gk__int_is_small(c));
    gk_object *r = gk__repr(c);
    ck_assert_str_eq(gk__str_utf8(r), "9223372036854775808");
    gk_object *d = gk__binop(c, b, GK_BINOP_SUB);
    ck_assert(gk__int_is_small(d));
    ck_assert_int_eq(gk__int_small_value(d), INT64_MAX);
    gk__decref(a); gk__decref(b); gk__decref(c); gk__decref(d); gk__decref(r);
}
END_TEST

START_TEST(test_str_intern_and_utf8)
{
    gk_object *a = gk__str_intern("gilkit");
    gk_object *b = gk__str_intern("gilkit");
    ck_assert_ptr_eq(a, b);
    gk_object *s = gk__str_from_cstr("h\xc3\xa9llo");
    ck_assert_uint_eq(gk__str_len(s), 5);
    ck_assert_uint_eq(gk__str_size(s), 6);
    gk__decref(s);
    ck_assert_ptr_null(gk__str_from_utf8("\xff", 1));
    ck_assert(gk__err_occurred());
    gk__err_clear();
}
END_TEST

START_TEST(test_dict_roundtrip)
{
    gk_object *d = gk__dict_new();
    for (int i = 0; i < 1000; i++) {
        gk_object *k = gk__int_from_i64(i);
        ck_assert_int_eq(gk__dict_set(d, k, k), 0);
        gk__decref(k);
    }
    ck_assert_uint_eq(gk__dict_size(d), 1000);
    gk_object *k = gk__int_from_i64(500);
    ck_assert_ptr_eq(gk__dict_get(d, k), gk__dict_get(d, k));
    ck_assert_int_eq(gk__dict_del(d, k), 0);
    ck_assert_ptr_null(gk__dict_get(d, k));
    ck_assert(!gk__err_occurred());
    ck_assert_int_eq(gk__dict_del(d, k), -1);
    ck_assert(gk__err_matches(&gk__exc_KeyError));
    gk__err_clear();
    gk__decref(k);
    gk__decref(d);
}
END_TEST

START_TEST(test_raise_and_fetch)
{
    ck_assert_ptr_null(gk__raise(&gk__exc_ValueError, "bad %d", 42));
    ck_assert(gk__err_matches(&gk__exc_ValueError));
    ck_assert(gk__err_matches(&gk__exc_Exception));
    gk_object *e = gk__err_fetch();
    ck_assert(!gk__err_occurred());
    gk_object *s = gk__str(e);
    ck_assert_str_eq(gk__str_utf8(s), "bad 42");
    gk__decref(s);
    gk__decref(e);
}
END_TEST

START_TEST(test_eval_program)
{
    gk_object *d = run("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
                       "x = fib(20)\n"
                       "s = ', '.join(str(i * i) for i in range(4))\n"
                       "class C:\n    def __init__(self):\n        self.v = 7\n"
                       "y = C().v\n");
    ck_assert_int_eq(get_int(d, "x"), 6765);
    ck_assert_str_eq(get_str(d, "s"), "0, 1, 4, 9");
    ck_assert_int_eq(get_int(d, "y"), 7);
    gk__decref(d);
}
END_TEST

START_TEST(test_syntax_error_position)
{
    const char *src = "x = 1\ndef broken(:\n    pass\n";
    gk_object *fname = gk__str_from_cstr("bad.py");
    ck_assert_ptr_null(gk__compile_source(src, strlen(src), fname, 0));
    gk__decref(fname);
    ck_assert(gk__err_matches(&gk__exc_SyntaxError));
    gk_object *e = gk__err_fetch();
    gk_object *line = gk__getattr_cstr(e, "lineno");
    ck_assert_int_eq(gk__int_as_i64(line), 2);
    gk__decref(line);
    gk__decref(e);
}
END_TEST

START_TEST(test_cycle_collected)
{
    gk__gc_collect();
    size_t before = gk__rt->gc.tracked;
    for (int i = 0; i < 100; i++) {
        gk_object *l = gk__list_new(0);
        gk__list_append(l, l);    /* l refers to itself */
        gk__decref(l);
    }
    ck_assert_uint_ge(gk__rt->gc.tracked, before + 100);
    ck_assert_int_ge(gk__gc_collect(), 100);
    ck_assert_uint_le(gk__rt->gc.tracked, before);
}
END_TEST

START_TEST(test_threads_from_script)
{
    gk_object *d = run("import threading\n"
                       "out = []\n"
                       "lock = threading.Lock()\n"
                       "def work(n):\n"
                       "    for i in range(n):\n"
                       "        with lock:\n"
                       "            out.append(i)\n"
                       "ts = [threading.Thread(target=work, args=(500,)) for _ in range(4)]\n"
                       "for t in ts: t.start()\n"
                       "for t in ts: t.join()\n"
                       "n = len(out)\n");
    ck_assert_int_eq(get_int(d, "n"), 2000);
    gk__decref(d);
}
END_TEST

Suite *gk_vm_suite(void)
{
    Suite *s = suite_create("vm");
    struct { const char *name; const TTest *test; } tests[] = {
        { "gil", test_gil_held_and_released },
        { "gil", test_gil_interval },
        { "gil", test_gil_excludes_other_thread },
        { "objects", test_ints_big_and_small },
        { "objects", test_str_intern_and_utf8 },
        { "objects", test_dict_roundtrip },
        { "errors", test_raise_and_fetch },
        { "eval", test_eval_program },
        { "eval", test_syntax_error_position },
        { "gc", test_cycle_collected },
        { "threads", test_threads_from_script },
    };
    TCase *tc = NULL;
    const char *current = NULL;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (!current || strcmp(current, tests[i].name) != 0) {
            tc = tcase_create(tests[i].name);
            tcase_add_checked_fixture(tc, setup, teardown);
            tcase_set_timeout(tc, 30);
            suite_add_tcase(s, tc);
            current = tests[i].name;
        }
        tcase_add_test(tc, tests[i].test);
    }
    return s;
}
