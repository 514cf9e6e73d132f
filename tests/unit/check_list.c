/*
 * tests/unit/check_list.c - vm/objects/list.c: append, insert and pop at the edges, the stable sort with a key, extend (with itself), recursive reprs, slice assignment and deletion, and the list methods against python3 3.11.
 */
#include "check_util.h"

Suite *gk_list_suite(void);

START_TEST(test_append_insert_pop)
{
    gk_object *l = gk__list_new(0);
    for (int i = 0; i < 1000; i++) {
        gk_object *v = tu_int(i);
        ck_assert_int_eq(gk__list_append(l, v), 0);
        gk__decref(v);
    }
    gk_object *m = tu_int(-1);
    gk__list_insert(l, 0, m);
    gk__list_insert(l, -1, m);       /* before the last item, like list.insert */
    gk__list_insert(l, 5000, m);     /* clamped to the end */
    ck_assert_uint_eq(gk__list_size(l), 1003);
    ck_assert_int_eq(gk__int_as_i64(GK_LIST_GET(l, 0)), -1);
    ck_assert_int_eq(gk__int_as_i64(GK_LIST_GET(l, 1000)), -1);
    ck_assert_int_eq(gk__int_as_i64(GK_LIST_GET(l, 1001)), 999);
    ck_assert_int_eq(gk__int_as_i64(GK_LIST_GET(l, 1002)), -1);
    gk_object *p = gk__list_pop(l, 0);
    ck_assert_ptr_eq(p, m);
    gk__decref(p);
    p = gk__list_pop(l, -2);
    ck_assert_int_eq(gk__int_as_i64(p), 999);
    gk__decref(p);
    ck_assert_ptr_null(gk__list_pop(l, 5000));
    tu_raised(&gk__exc_IndexError, "pop index out of range");
    gk_object *e = gk__list_new(0);
    ck_assert_ptr_null(gk__list_pop(e, -1));
    tu_raised(&gk__exc_IndexError, "pop from empty list");
    gk__decref(e); gk__decref(m); gk__decref(l);
}
END_TEST

START_TEST(test_sort_stable_with_key)
{
    gk_object *l = tu_eval("[(i % 3, i) for i in range(30, 0, -1)]");
    gk_object *key = tu_eval("lambda p: p[0]");
    ck_assert_int_eq(gk__list_sort(l, key, false), 0);
    /* equal keys keep their original (descending) order */
    gk_object *want = tu_eval("sorted([(i % 3, i) for i in range(30, 0, -1)], key=lambda p: p[0])");
    ck_assert_int_eq(gk__richcompare_bool(l, want, GK_EQ), 1);
    ck_assert_int_eq(gk__int_as_i64(GK_TUPLE_GET(GK_LIST_GET(l, 0), 1)), 30);
    ck_assert_int_eq(gk__list_sort(l, NULL, true), 0);
    ck_assert_int_eq(gk__int_as_i64(GK_TUPLE_GET(GK_LIST_GET(l, 0), 1)), 29);
    gk_object *mixed = tu_eval("[1, 'a', 2]");
    ck_assert_int_eq(gk__list_sort(mixed, NULL, false), -1);
    tu_raised(&gk__exc_TypeError, "'<' not supported between instances of 'str' and 'int'");
    gk__decref(mixed); gk__decref(want); gk__decref(key); gk__decref(l);
}
END_TEST

START_TEST(test_extend_and_tuple)
{
    gk_object *l = tu_eval("[1]");
    gk_object *r = tu_eval("range(2, 5)");
    ck_assert_int_eq(gk__list_extend(l, r), 0);
    ck_assert_int_eq(gk__list_extend(l, l), 0);     /* extending with itself doubles it once */
    tu_repr_is(l, "[1, 2, 3, 4, 1, 2, 3, 4]");
    gk_object *t = gk__list_as_tuple(l);
    tu_repr_is(t, "(1, 2, 3, 4, 1, 2, 3, 4)");
    gk_object *n = tu_int(5);
    ck_assert_int_eq(gk__list_extend(l, n), -1);
    tu_raised(&gk__exc_TypeError, "'int' object is not iterable");
    gk__decref(n); gk__decref(t); gk__decref(r); gk__decref(l);
}
END_TEST

START_TEST(test_recursive_repr)
{
    gk_object *l = gk__list_new(0);
    gk__list_append(l, l);
    tu_repr_is(l, "[[...]]");
    gk__list_pop(l, 0);
    gk__decref(l);   /* the pop's result was the list itself: drop both */
    gk__decref(l);
    gk_object *d = tu_run("a = [1]\nd = {'k': a}\na.append(d)\nr = repr(a)\n");
    ck_assert_str_eq(gk__str_utf8(gk__dict_get_cstr(d, "r")), "[1, {'k': [...]}]");
    gk__decref(d);
}
END_TEST

START_TEST(test_slice_assignment)
{
    gk_object *d = tu_run("a = list(range(10))\n"
                          "a[2:5] = 'xy'\n"
                          "del a[::3]\n"
                          "b = list(range(6))\n"
                          "b[::2] = [0, 0, 0]\n"
                          "try:\n"
                          "    b[::2] = [1]\n"
                          "except ValueError as e:\n"
                          "    msg = str(e)\n"
                          "c = [1, 2, 3]\n"
                          "c[1:1] = c\n");
    tu_repr_is(gk__dict_get_cstr(d, "a"), "[1, 'x', 5, 6, 8, 9]");
    tu_repr_is(gk__dict_get_cstr(d, "b"), "[0, 1, 0, 3, 0, 5]");
    tu_repr_is(gk__dict_get_cstr(d, "msg"), "'attempt to assign sequence of size 1 to extended slice of size 3'");
    tu_repr_is(gk__dict_get_cstr(d, "c"), "[1, 1, 2, 3, 2, 3]");
    gk__decref(d);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "[1, 2, 3][-1]", "3", NULL, NULL },
        { "[1, 2, 3][3]", NULL, &gk__exc_IndexError, "list index out of range" },
        { "[0, 1, 2, 3, 4, 5][::-2]", "[5, 3, 1]", NULL, NULL },
        { "[0, 1, 2, 3, 4, 5][4:1:-1]", "[4, 3, 2]", NULL, NULL },
        { "[0, 1, 2, 3, 4, 5][-100:100:2]", "[0, 2, 4]", NULL, NULL },
        { "[1, 2] + [3]", "[1, 2, 3]", NULL, NULL },
        { "[1, 2] * 2", "[1, 2, 1, 2]", NULL, NULL },
        { "[1] * -3", "[]", NULL, NULL },
        { "[1, 2, 3].index(3)", "2", NULL, NULL },
        { "[1, 2, 3].index(4)", NULL, &gk__exc_ValueError, "4 is not in list" },
        { "[3, 1, 2].pop()", "2", NULL, NULL },
        { "[].pop()", NULL, &gk__exc_IndexError, "pop from empty list" },
        { "[1, 2, 3].pop(-3)", "1", NULL, NULL },
        { "[1, 2, 3].pop(5)", NULL, &gk__exc_IndexError, "pop index out of range" },
        { "sorted([3, 1, 2], reverse=True)", "[3, 2, 1]", NULL, NULL },
        { "sorted(['b', 'A', 'c'], key=str.lower)", "['A', 'b', 'c']", NULL, NULL },
        { "sorted([(1, 'b'), (0, 'z'), (1, 'a')])", "[(0, 'z'), (1, 'a'), (1, 'b')]", NULL, NULL },
        { "sorted([3, 'a'])", NULL, &gk__exc_TypeError, "'<' not supported between instances of 'str' and 'int'" },
        { "sorted([1, 2.5, True, -1])", "[-1, 1, True, 2.5]", NULL, NULL },
        { "[1, 2] < [1, 2, 0]", "True", NULL, NULL },
        { "[1, [2]] == [1, [2]]", "True", NULL, NULL },
        { "[x * x for x in range(5) if x % 2]", "[1, 9]", NULL, NULL },
        { "list(range(3)).count(1)", "1", NULL, NULL },
        { "[1, 2, 3].remove(4)", NULL, &gk__exc_ValueError, "list.remove(x): x not in list" },
        { "list('héllo')", "['h', 'é', 'l', 'l', 'o']", NULL, NULL },
        { "[1, 2, 3, 4][1:3]", "[2, 3]", NULL, NULL },
        { "str([1, 'a', None])", "\"[1, 'a', None]\"", NULL, NULL },
        { "[[]] * 2", "[[], []]", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_list_suite(void)
{
    Suite *s = tu_suite("list");
    TU_ADD(s, "list", test_append_insert_pop, test_sort_stable_with_key, test_extend_and_tuple, test_recursive_repr, test_slice_assignment, test_python_table);
    return s;
}
