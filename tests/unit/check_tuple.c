/*
 * tests/unit/check_tuple.c - vm/objects/tuple.c: packing, the empty-tuple singleton, hashing equal to python3's for equal contents, comparisons, and the tuple operations against python3 3.11.
 */
#include "check_util.h"

Suite *gk_tuple_suite(void);

START_TEST(test_pack_and_empty)
{
    gk_object *a = tu_int(1), *b = tu_str("not cached");
    gk_object *t = gk__tuple_pack(2, a, b);
    ck_assert_uint_eq(gk__tuple_size(t), 2);
    ck_assert_ptr_eq(GK_TUPLE_GET(t, 1), b);
    ck_assert_int_eq(b->refcnt, 2);                 /* the tuple took its own reference */
    gk_object *arr[] = { b, a, b };
    gk_object *u = gk__tuple_from_array(arr, 3);
    tu_repr_is(u, "('not cached', 1, 'not cached')");
    gk_object *e = gk__tuple_from_array(arr, 0);
    ck_assert_ptr_eq(e, gk__empty_tuple);          /* () is a singleton */
    gk_object *l = tu_eval("[1, 2]");
    gk_object *st = gk__sequence_tuple(l);
    tu_repr_is(st, "(1, 2)");
    gk_object *same = gk__sequence_tuple(st);
    ck_assert_ptr_eq(same, st);
    gk_object *objs[] = { a, b, t, u, e, l, st, same };
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
        gk__decref(objs[i]);
}
END_TEST

START_TEST(test_hash_and_compare)
{
    gk_object *t1 = tu_eval("(1, 'a', (2.0, None))"), *t2 = tu_eval("(1.0, 'a', (2, None))");
    ck_assert_int_eq(gk__richcompare_bool(t1, t2, GK_EQ), 1);
    ck_assert_int_eq(gk__hash(t1), gk__hash(t2));
    gk_object *t3 = tu_eval("(1, [])");
    ck_assert_int_eq(gk__hash(t3), -1);
    tu_raised(&gk__exc_TypeError, "unhashable type: 'list'");
    gk_object *t4 = tu_eval("(1, 'b')");
    ck_assert_int_eq(gk__richcompare_bool(t1, t4, GK_LT), 1);
    gk__decref(t1); gk__decref(t2); gk__decref(t3); gk__decref(t4);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "(1,)", "(1,)", NULL, NULL },
        { "()", "()", NULL, NULL },
        { "(1, 2) + (3,)", "(1, 2, 3)", NULL, NULL },
        { "(1, 2) * 3", "(1, 2, 1, 2, 1, 2)", NULL, NULL },
        { "(1, 2, 3)[::-1]", "(3, 2, 1)", NULL, NULL },
        { "(1, 2, 3)[5]", NULL, &gk__exc_IndexError, "tuple index out of range" },
        { "(1, 2) < (1, 3)", "True", NULL, NULL },
        { "(1, 2) == (1, 2.0)", "True", NULL, NULL },
        { "hash((1, 2)) == hash((1.0, 2.0))", "True", NULL, NULL },
        { "hash(())", "5740354900026072187", NULL, NULL },
        { "hash((1, 2, 3))", "529344067295497451", NULL, NULL },
        { "hash((1, [2]))", NULL, &gk__exc_TypeError, "unhashable type: 'list'" },
        { "(1, 2, 1).count(1)", "2", NULL, NULL },
        { "(1, 2).index(2)", "1", NULL, NULL },
        { "tuple('abc')", "('a', 'b', 'c')", NULL, NULL },
        { "((1,),)", "((1,),)", NULL, NULL },
        { "(None, True, 'x')", "(None, True, 'x')", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_tuple_suite(void)
{
    Suite *s = tu_suite("tuple");
    TU_ADD(s, "tuple", test_pack_and_empty, test_hash_and_compare, test_python_table);
    return s;
}
