/*
 * tests/unit/check_slice.c - vm/objects/slice.c: resolving slices against a length (negative, missing and out-of-range bounds, negative steps, zero step) against python3 3.11.
 */
#include "check_util.h"

Suite *gk_slice_suite(void);

START_TEST(test_indices)
{
    static const struct { int64_t start, stop, step; bool has_start, has_stop, has_step; intptr_t len;
                          intptr_t want[4]; } cases[] = {
        /* start, stop, step, given?..., len -> start, stop, step, slicelen (python3's slice.indices + len(range)) */
        { 1, 10, 2, true, true, true, 5, { 1, 5, 2, 2 } },
        { 0, 0, -1, false, false, true, 4, { 3, -1, -1, 4 } },
        { -100, 100, 1, true, true, false, 10, { 0, 10, 1, 10 } },
        { -2, 0, 1, true, false, false, 5, { 3, 5, 1, 2 } },
        { 5, 2, 1, true, true, false, 10, { 5, 2, 1, 0 } },
        { 8, 1, -3, true, true, true, 10, { 8, 1, -3, 3 } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_object *a = cases[i].has_start ? tu_int(cases[i].start) : NULL;
        gk_object *b = cases[i].has_stop ? tu_int(cases[i].stop) : NULL;
        gk_object *c = cases[i].has_step ? tu_int(cases[i].step) : NULL;
        gk_object *s = gk__slice_new(a, b, c);
        intptr_t start, stop, step, n;
        ck_assert_int_eq(gk__slice_indices(s, cases[i].len, &start, &stop, &step, &n), 0);
        ck_assert_msg(start == cases[i].want[0] && stop == cases[i].want[1] && step == cases[i].want[2] &&
                      n == cases[i].want[3], "case %zu: %zd %zd %zd %zd", i, start, stop, step, n);
        gk__decref(s);
        gk__xdecref(a); gk__xdecref(b); gk__xdecref(c);
    }
    gk_object *z = tu_int(0), *s = gk__slice_new(NULL, NULL, z);
    intptr_t x;
    ck_assert_int_eq(gk__slice_indices(s, 3, &x, &x, &x, &x), -1);
    tu_raised(&gk__exc_ValueError, "slice step cannot be zero");
    gk__decref(s); gk__decref(z);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "slice(1, 10, 2).indices(5)", "(1, 5, 2)", NULL, NULL },
        { "slice(None, None, -1).indices(4)", "(3, -1, -1)", NULL, NULL },
        { "slice(-100, 100).indices(10)", "(0, 10, 1)", NULL, NULL },
        { "slice(1, 2)", "slice(1, 2, None)", NULL, NULL },
        { "slice(1, 2, 0).indices(5)", NULL, &gk__exc_ValueError, "slice step cannot be zero" },
        { "[0, 1, 2, 3, 4][slice(-2, None)]", "[3, 4]", NULL, NULL },
        { "'abcdef'[slice(1, None, 2)]", "'bdf'", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_slice_suite(void)
{
    Suite *s = tu_suite("slice");
    TU_ADD(s, "slice", test_indices, test_python_table);
    return s;
}
