/*
 * tests/unit/check_range.c - vm/objects/range.c: lengths, indexing, slicing and membership with negative steps and huge bounds, equality by content, against python3 3.11.
 */
#include "check_util.h"

Suite *gk_range_suite(void);

START_TEST(test_range_new)
{
    gk_object *r = gk__range_new(10, 0, -3);
    ck_assert_int_eq(gk__len(r), 4);
    tu_repr_is(r, "range(10, 0, -3)");
    gk_object *l = gk__sequence_list(r);
    tu_repr_is(l, "[10, 7, 4, 1]");
    gk_object *v = tu_int(4), *w = tu_int(5);
    ck_assert_int_eq(gk__contains(r, v), 1);
    ck_assert_int_eq(gk__contains(r, w), 0);
    gk_object *e = gk__range_new(INT64_MIN, INT64_MAX, 1);   /* length does not fit a C int64 */
    gk_object *n = tu_eval("len");
    ck_assert_ptr_null(gk__call1(n, e));
    tu_raised(&gk__exc_OverflowError, NULL);
    gk__decref(r); gk__decref(l); gk__decref(v); gk__decref(w); gk__decref(e); gk__decref(n);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "list(range(5, -5, -3))", "[5, 2, -1, -4]", NULL, NULL },
        { "range(10)[-1]", "9", NULL, NULL },
        { "range(10)[10]", NULL, &gk__exc_IndexError, "range object index out of range" },
        { "range(0, 10, 3)[1:]", "range(3, 12, 3)", NULL, NULL },
        { "len(range(0, -10, -3))", "4", NULL, NULL },
        { "5 in range(0, 10, 5)", "True", NULL, NULL },
        { "5 in range(0, 10, 2)", "False", NULL, NULL },
        { "range(0, 10, 0)", NULL, &gk__exc_ValueError, "range() arg 3 must not be zero" },
        { "repr(range(3))", "'range(0, 3)'", NULL, NULL },
        { "repr(range(1, 9, 2))", "'range(1, 9, 2)'", NULL, NULL },
        { "range(3) == range(0, 3, 1)", "True", NULL, NULL },
        { "range(0) == range(5, 1)", "True", NULL, NULL },
        { "list(reversed(range(1, 10, 4)))", "[9, 5, 1]", NULL, NULL },
        { "range(1, 10, 4).index(9)", "2", NULL, NULL },
        { "range(1, 10, 4).count(5)", "1", NULL, NULL },
        { "sum(range(100001))", "5000050000", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_range_suite(void)
{
    Suite *s = tu_suite("range");
    TU_ADD(s, "range", test_range_new, test_python_table);
    return s;
}
