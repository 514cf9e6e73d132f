/*
 * tests/unit/check_runtime.c - vm/runtime.c: the runtime and main thread state after start-up, exit statuses of gk__run_string (SystemExit codes, uncaught errors, syntax errors), asynchronous exceptions through the eval breaker.
 */
#include "check_util.h"

Suite *gk_runtime_suite(void);

START_TEST(test_state_after_init)
{
    gk__tstate *ts = gk__ts();
    ck_assert_ptr_nonnull(gk__rt);
    ck_assert_ptr_eq(ts, gk__rt->main_thread);
    ck_assert(ts->is_main);
    ck_assert(ts->holds_gil);
    ck_assert_ptr_null(ts->curexc);
    ck_assert_int_eq(atomic_load(&gk__rt->nthreads), 1);
    ck_assert_ptr_nonnull(gk__dict_get_cstr(gk__rt->modules, "builtins"));
    ck_assert_ptr_nonnull(gk__dict_get_cstr(gk__rt->modules, "sys"));
}
END_TEST

START_TEST(test_run_string_exit_codes)
{
    ck_assert_int_eq(gk__run_string("x = 1\n", "<s>"), 0);
    ck_assert_int_eq(gk__run_string("raise SystemExit(7)\n", "<s>"), 7);
    ck_assert_int_eq(gk__run_string("import sys\nsys.exit('message to stderr')\n", "<s>"), 1);
    ck_assert_int_eq(gk__run_string("raise SystemExit\n", "<s>"), 0);
    ck_assert_int_eq(gk__run_string("1/0\n", "<s>"), 1);
    ck_assert_int_eq(gk__run_string("def broken(:\n", "<s>"), 1);
    ck_assert(!gk__err_occurred());
}
END_TEST

START_TEST(test_async_exception_via_breaker)
{
    gk__tstate *ts = gk__ts();
    ts->async_exc = gk__incref((gk_object *)&gk__exc_KeyboardInterrupt);
    atomic_fetch_or(&ts->eval_breaker, GK_BREAK_ASYNC_EXC);
    ck_assert_int_eq(gk__handle_eval_breaker(ts), -1);
    tu_raised(&gk__exc_KeyboardInterrupt, NULL);
    ck_assert_int_eq(GK_EVAL_BREAKER_CHECK(ts), 0);
}
END_TEST

Suite *gk_runtime_suite(void)
{
    Suite *s = tu_suite("runtime");
    TU_ADD(s, "runtime", test_state_after_init, test_run_string_exit_codes, test_async_exception_via_breaker);
    return s;
}
