/*
 * tests/unit/check_iterobject.c - vm/objects/iterobject.c: enumerate, zip, map, filter, reversed, and the sequence and callable iterators, including errors raised inside them, against python3 3.11.
 */
#include "check_util.h"

Suite *gk_iterobject_suite(void);

START_TEST(test_seq_iter)
{
    /* A class with only __getitem__ iterates until IndexError. */
    gk_object *d = tu_run("class S:\n    def __getitem__(self, i):\n"
                          "        if i >= 3: raise IndexError(i)\n        return i * 10\n"
                          "s = S()\n");
    gk_object *it = gk__seq_iter_new(gk__dict_get_cstr(d, "s"));
    int64_t want = 0;
    gk_object *v;
    while ((v = gk__iternext(it))) {
        ck_assert_int_eq(gk__int_as_i64(v), want);
        want += 10;
        gk__decref(v);
    }
    ck_assert(!gk__err_occurred());
    ck_assert_int_eq(want, 30);
    ck_assert_ptr_null(gk__iternext(it));     /* exhausted stays exhausted */
    gk__decref(it);
    gk__decref(d);
}
END_TEST

START_TEST(test_callable_iter)
{
    gk_object *d = tu_run("n = [0]\ndef f():\n    n[0] += 1\n    return n[0]\n");
    gk_object *stop = tu_int(4);
    gk_object *it = gk__callable_iter_new(gk__dict_get_cstr(d, "f"), stop);
    gk_object *l = gk__sequence_list(it);
    tu_repr_is(l, "[1, 2, 3]");
    gk__decref(l); gk__decref(it); gk__decref(stop); gk__decref(d);
}
END_TEST

START_TEST(test_iterator_errors_propagate)
{
    gk_object *d = tu_run("def g():\n    yield 1\n    raise KeyError('k')\n"
                          "try:\n    list(zip(g(), g()))\nexcept KeyError as e:\n    r = repr(e)\n"
                          "m = map(int, ['1', 'x'])\nnext(m)\n"
                          "try:\n    next(m)\nexcept ValueError as e:\n    r2 = str(e)\n");
    tu_repr_is(gk__dict_get_cstr(d, "r"), "\"KeyError('k')\"");
    tu_repr_is(gk__dict_get_cstr(d, "r2"), "\"invalid literal for int() with base 10: 'x'\"");
    gk__decref(d);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "list(enumerate('ab', 1))", "[(1, 'a'), (2, 'b')]", NULL, NULL },
        { "list(zip('abc', range(2)))", "[('a', 0), ('b', 1)]", NULL, NULL },
        { "list(zip())", "[]", NULL, NULL },
        { "list(map(lambda a, b: a + b, [1, 2], [10, 20, 30]))", "[11, 22]", NULL, NULL },
        { "list(filter(None, [0, 1, '', 'x', None]))", "[1, 'x']", NULL, NULL },
        { "list(reversed([1, 2, 3]))", "[3, 2, 1]", NULL, NULL },
        { "list(reversed('abc'))", "['c', 'b', 'a']", NULL, NULL },
        { "next(iter([]), 'done')", "'done'", NULL, NULL },
        { "next(iter([]))", NULL, &gk__exc_StopIteration, "" },
        { "list(iter([3, 2, 1].pop, 1))", "[]", NULL, NULL },
        { "sum(x for x in range(10))", "45", NULL, NULL },
        { "list(zip(*[(1, 2), (3, 4)]))", "[(1, 3), (2, 4)]", NULL, NULL },
        { "any(x > 3 for x in range(5))", "True", NULL, NULL },
        { "all([])", "True", NULL, NULL },
        { "min([3, 1, 2])", "1", NULL, NULL },
        { "max('abc', key=ord)", "'c'", NULL, NULL },
        { "min([])", NULL, &gk__exc_ValueError, "min() arg is an empty sequence" },
        { "sorted(enumerate('ba'), key=lambda p: p[1])", "[(1, 'a'), (0, 'b')]", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_iterobject_suite(void)
{
    Suite *s = tu_suite("iterobject");
    TU_ADD(s, "iterobject", test_seq_iter, test_callable_iter, test_iterator_errors_propagate, test_python_table);
    return s;
}
