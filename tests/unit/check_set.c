/*
 * tests/unit/check_set.c - vm/objects/set.c (set and frozenset): adding, discarding and growing, equal numbers as one member, hashing of frozensets, and the set algebra against python3 3.11.
 */
#include "check_util.h"

Suite *gk_set_suite(void);

START_TEST(test_add_discard_grow)
{
    gk_object *s = gk__set_new(NULL);
    for (int i = 0; i < 5000; i++) {
        gk_object *v = tu_int(i % 2500);
        ck_assert_int_eq(gk__set_add(s, v), 0);
        gk__decref(v);
    }
    ck_assert_uint_eq(gk__set_size(s), 2500);
    for (int i = 0; i < 2500; i += 2) {
        gk_object *v = gk__float_new(i);          /* equal floats find the int members */
        ck_assert_int_eq(gk__set_discard(s, v), 1);
        ck_assert_int_eq(gk__set_discard(s, v), 0);
        gk__decref(v);
    }
    ck_assert_uint_eq(gk__set_size(s), 1250);
    size_t pos = 0, n = 0;
    gk_object *key;
    while (gk__set_next(s, &pos, &key)) {
        ck_assert_int_eq(gk__int_as_i64(key) % 2, 1);
        n++;
    }
    ck_assert_uint_eq(n, 1250);
    gk_object *l = gk__list_new(0);
    ck_assert_int_eq(gk__set_add(s, l), -1);
    tu_raised(&gk__exc_TypeError, "unhashable type: 'list'");
    ck_assert_int_eq(gk__set_contains(s, l), -1);
    tu_raised(&gk__exc_TypeError, "unhashable type: 'list'");
    gk__decref(l);
    gk__decref(s);
}
END_TEST

START_TEST(test_frozenset_hash)
{
    gk_object *a = tu_eval("frozenset([1, 2, 3])"), *b = tu_eval("frozenset([3.0, 2, 1])");
    ck_assert(gk__is_anyset(a));
    ck_assert_int_eq(gk__hash(a), gk__hash(b));
    gk_object *s = tu_eval("{1, 2, 3}");
    ck_assert_int_eq(gk__richcompare_bool(a, s, GK_EQ), 1);
    ck_assert_int_eq(gk__hash(s), -1);
    tu_raised(&gk__exc_TypeError, "unhashable type: 'set'");
    gk_object *f = gk__frozenset_new(s);
    ck_assert_int_eq(gk__set_contains(f, GK_TRUE), 1);
    gk__decref(a); gk__decref(b); gk__decref(s); gk__decref(f);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "sorted({3, 1, 2})", "[1, 2, 3]", NULL, NULL },
        { "{1, 1.0, True}", "{1}", NULL, NULL },
        { "len({0, 0.0, False, -0.0})", "1", NULL, NULL },
        { "{1, 2} | {2, 3}", "{1, 2, 3}", NULL, NULL },
        { "{1, 2} & {2, 3}", "{2}", NULL, NULL },
        { "{1, 2} - {2, 3}", "{1}", NULL, NULL },
        { "{1, 2} ^ {2, 3}", "{1, 3}", NULL, NULL },
        { "{1, 2} <= {1, 2, 3}", "True", NULL, NULL },
        { "{1, 2} < {1, 2}", "False", NULL, NULL },
        { "frozenset({1}) == {1}", "True", NULL, NULL },
        { "hash(frozenset()) == hash(frozenset())", "True", NULL, NULL },
        { "{[1]}", NULL, &gk__exc_TypeError, "unhashable type: 'list'" },
        { "set().pop()", NULL, &gk__exc_KeyError, "'pop from an empty set'" },
        { "{1}.remove(2)", NULL, &gk__exc_KeyError, "2" },
        { "set('aab') == {'a', 'b'}", "True", NULL, NULL },
        { "{frozenset({1}): 'x'}[frozenset([1])]", "'x'", NULL, NULL },
        { "sorted({1, 2, 3}.difference([2], [3]))", "[1]", NULL, NULL },
        { "{1, 2}.isdisjoint([3])", "True", NULL, NULL },
        { "repr(set())", "'set()'", NULL, NULL },
        { "repr(frozenset())", "'frozenset()'", NULL, NULL },
        { "len({i % 7 for i in range(1000)})", "7", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_set_suite(void)
{
    Suite *s = tu_suite("set");
    TU_ADD(s, "set", test_add_discard_grow, test_frozenset_hash, test_python_table);
    return s;
}
