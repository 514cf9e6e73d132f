/*
 * tests/unit/check_frame.c - vm/objects/frame.c: frames made and run directly (layout of locals, cells and stack; states), and the line numbers that frames and tracebacks report.
 */
#include "check_util.h"
#include "eval.h"

Suite *gk_frame_suite(void);

START_TEST(test_frame_new_free)
{
    gk_object *d = tu_run("def f(a, b):\n    c = a + b\n    return c\n");
    gk_function *fn = (gk_function *)gk__dict_get_cstr(d, "f");
    gk_code *co = (gk_code *)fn->code;
    gk__frame *f = gk__frame_new(co, fn->globals, fn->builtins, NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->state, GK_FRAME_CREATED);
    ck_assert_ptr_eq(f->code, co);
    ck_assert_ptr_null(f->localsplus[0]);
    ck_assert_ptr_eq(f->stack, f->localsplus + co->nlocals + co->ncells);
    f->localsplus[0] = tu_int(2);
    f->localsplus[1] = tu_int(3);
    gk_object *r = gk__eval_frame(gk__ts(), f, 0);
    tu_repr_is(r, "5");
    ck_assert_int_eq(f->state, GK_FRAME_DONE);
    gk__decref(r);
    gk__frame_free(f);
    gk__decref(d);
}
END_TEST

START_TEST(test_traceback_lines)
{
    gk_object *d = tu_run("\n\n\n\n\n"
                          "def h():\n    x = 1\n    raise ValueError(x)\n"
                          "try:\n    h()\nexcept ValueError as e:\n    tb = e.__traceback__\n    lines = []\n"
                          "    while tb:\n        lines.append(tb.tb_lineno)\n        tb = tb.tb_next\n");
    tu_repr_is(gk__dict_get_cstr(d, "lines"), "[10, 8]");
    gk__decref(d);
}
END_TEST

Suite *gk_frame_suite(void)
{
    Suite *s = tu_suite("frame");
    TU_ADD(s, "frame", test_frame_new_free, test_traceback_lines);
    return s;
}
