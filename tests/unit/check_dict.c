/*
 * tests/unit/check_dict.c - vm/objects/dict.c: insertion order through
 * deletions and resizes, equal int/float/bool keys sharing one entry, the
 * hinted lookup of LOAD_GLOBAL, iteration, copies, updates, keyword
 * merging, and errors from hashing and comparing keys.  Expected values come
 * from python3 3.11.
 */
#include "check_util.h"

Suite *gk_dict_suite(void);

/* The dict's keys as a list repr. */
static void keys_are(gk_object *d, const char *want)
{
    gk_object *k = gk__dict_keys_list(d);
    tu_repr_is(k, want);
    gk__decref(k);
}

START_TEST(test_order_through_delete_and_resize)
{
    gk_object *d = gk__dict_new();
    for (int i = 0; i < 5; i++) {
        gk_object *k = tu_int(10 - i);
        gk__dict_set(d, k, k);
        gk__decref(k);
    }
    keys_are(d, "[10, 9, 8, 7, 6]");
    gk_object *k9 = tu_int(9);
    ck_assert_int_eq(gk__dict_del(d, k9), 0);
    keys_are(d, "[10, 8, 7, 6]");
    gk__dict_set(d, k9, GK_NONE);           /* re-inserted keys go last */
    keys_are(d, "[10, 8, 7, 6, 9]");
    gk_object *k8 = tu_int(8);
    gk__dict_set(d, k8, GK_TRUE);           /* overwriting keeps the position */
    keys_are(d, "[10, 8, 7, 6, 9]");
    /* Grow far past any initial table, deleting as we go: order and every
     * value survive the resizes. */
    for (int i = 100; i < 20000; i++) {
        gk_object *k = tu_int(i);
        gk__dict_set(d, k, k);
        if (i % 3 == 0)
            gk__dict_del(d, k);
        gk__decref(k);
    }
    ck_assert_uint_eq(gk__dict_size(d), 5 + 13267);
    size_t pos = 0;
    gk_object *key, *value;
    int64_t prev = 99;
    int n = 0;
    while (gk__dict_next(d, &pos, &key, &value)) {
        if (n++ < 5)
            continue;
        int64_t v = gk__int_as_i64(key);
        ck_assert_int_gt(v, prev);
        ck_assert_int_ne(v % 3, 0);
        ck_assert_ptr_eq(key, value);
        prev = v;
    }
    ck_assert_int_eq(n, 5 + 13267);
    gk__decref(k8); gk__decref(k9); gk__decref(d);
}
END_TEST

START_TEST(test_equal_numbers_one_key)
{
    gk_object *d = gk__dict_new();
    gk_object *i = tu_int(1), *f = gk__float_new(1.0);
    gk__dict_set(d, i, i);
    gk__dict_set(d, f, f);
    gk__dict_set(d, GK_TRUE, GK_NONE);
    ck_assert_uint_eq(gk__dict_size(d), 1);
    ck_assert_ptr_eq(gk__dict_get(d, f), GK_NONE);
    keys_are(d, "[1]");                       /* the first key object stays */
    gk_object *big = tu_eval("2 ** 80"), *bigf = tu_eval("2.0 ** 80");
    gk__dict_set(d, big, GK_FALSE);
    ck_assert_ptr_eq(gk__dict_get(d, bigf), GK_FALSE);
    ck_assert_int_eq(gk__hash(big), gk__hash(bigf));
    gk_object *half = gk__float_new(0.5);
    ck_assert_ptr_null(gk__dict_get(d, half));
    ck_assert(!gk__err_occurred());
    gk_object *objs[] = { d, i, f, big, bigf, half };
    for (size_t j = 0; j < sizeof objs / sizeof objs[0]; j++)
        gk__decref(objs[j]);
}
END_TEST

START_TEST(test_hinted_lookup)
{
    gk_object *d = gk__dict_new();
    for (int i = 0; i < 50; i++) {
        char name[16];
        snprintf(name, sizeof name, "name%d", i);
        gk__dict_set_cstr(d, name, GK_NONE);
    }
    gk_object *key = gk__str_intern("name42");
    gk__dict_set(d, key, GK_TRUE);
    uint32_t hint = 0;
    ck_assert_ptr_eq(gk__dict_get_hinted(d, key, &hint), GK_TRUE);
    uint32_t found = hint;
    ck_assert_ptr_eq(gk__dict_get_hinted(d, key, &hint), GK_TRUE);
    ck_assert_uint_eq(hint, found);
    /* After a delete and reinsert the stale hint must not return a wrong value. */
    gk__dict_del(d, key);
    ck_assert_ptr_null(gk__dict_get_hinted(d, key, &hint));
    ck_assert(!gk__err_occurred());
    gk__dict_set(d, key, GK_FALSE);
    ck_assert_ptr_eq(gk__dict_get_hinted(d, key, &hint), GK_FALSE);
    /* A hint past the end is harmless. */
    hint = 1000000;
    ck_assert_ptr_eq(gk__dict_get_hinted(d, key, &hint), GK_FALSE);
    gk__decref(d);
}
END_TEST

START_TEST(test_copy_update_clear)
{
    gk_object *d = tu_eval("{'a': 1, 'b': 2}");
    gk_object *c = gk__dict_copy(d);
    gk__dict_set_cstr(c, "c", GK_NONE);
    ck_assert_uint_eq(gk__dict_size(d), 2);
    ck_assert_uint_eq(gk__dict_size(c), 3);
    gk_object *pairs = tu_eval("[('b', 20), ('z', 26)]");
    ck_assert_int_eq(gk__dict_update(d, pairs), 0);
    tu_repr_is(d, "{'a': 1, 'b': 20, 'z': 26}");
    gk_object *bad = tu_eval("[('x',)]");
    ck_assert_int_eq(gk__dict_update(d, bad), -1);
    tu_raised(&gk__exc_ValueError, "dictionary update sequence element #0 has length 1; 2 is required");
    gk_object *fname = tu_str("f");
    ck_assert_int_eq(gk__dict_merge_kwargs(c, d, fname), -1);
    tu_raised(&gk__exc_TypeError, "f() got multiple values for keyword argument 'a'");
    gk__dict_clear(c);
    ck_assert_uint_eq(gk__dict_size(c), 0);
    tu_repr_is(c, "{}");
    gk_object *objs[] = { d, c, pairs, bad, fname };
    for (size_t j = 0; j < sizeof objs / sizeof objs[0]; j++)
        gk__decref(objs[j]);
}
END_TEST

START_TEST(test_key_errors_propagate)
{
    gk_object *d = tu_run("class K:\n"
                          "    def __hash__(self): return 1\n"
                          "    def __eq__(self, o): raise ValueError('eq')\n"
                          "class H:\n"
                          "    def __hash__(self): raise KeyError('h')\n"
                          "t = {K(): 1}\n"
                          "try:\n"
                          "    t[K()]\n"
                          "except ValueError as e:\n"
                          "    r1 = str(e)\n"
                          "try:\n"
                          "    t[H()] = 2\n"
                          "except KeyError as e:\n"
                          "    r2 = repr(e)\n"
                          "it = {1: 1}\n"
                          "try:\n"
                          "    for k in it: it[k + 1] = 0\n"
                          "except RuntimeError as e:\n"
                          "    r3 = str(e)\n");
    ck_assert_str_eq(gk__str_utf8(gk__dict_get_cstr(d, "r1")), "eq");
    ck_assert_str_eq(gk__str_utf8(gk__dict_get_cstr(d, "r2")), "KeyError('h')");
    ck_assert_str_eq(gk__str_utf8(gk__dict_get_cstr(d, "r3")), "dictionary changed size during iteration");
    gk__decref(d);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "{1: 'a', 1.0: 'b', True: 'c'}", "{1: 'c'}", NULL, NULL },
        { "{0: 'z', False: 'y', 0.0: 'x', -0.0: 'w'}", "{0: 'w'}", NULL, NULL },
        { "len({2**64: 1, float(2**64): 2})", "1", NULL, NULL },
        { "list({'b': 1, 'a': 2, 'c': 3})", "['b', 'a', 'c']", NULL, NULL },
        { "dict(a=1, b=2) | {'a': 3}", "{'a': 3, 'b': 2}", NULL, NULL },
        { "{'a': 1}.get('b', 5)", "5", NULL, NULL },
        { "{}['missing']", NULL, &gk__exc_KeyError, "'missing'" },
        { "{[]: 1}", NULL, &gk__exc_TypeError, "unhashable type: 'list'" },
        { "{(1, [2]): 3}", NULL, &gk__exc_TypeError, "unhashable type: 'list'" },
        { "dict([(1, 2), (3, 4)])", "{1: 2, 3: 4}", NULL, NULL },
        { "dict([(1, 2, 3)])", NULL, &gk__exc_ValueError, "dictionary update sequence element #0 has length 3; 2 is required" },
        { "dict.fromkeys('abc', 0)", "{'a': 0, 'b': 0, 'c': 0}", NULL, NULL },
        { "{'a': 1}.setdefault('b', [])", "[]", NULL, NULL },
        { "{'a': 1, 'b': 2}.pop('a')", "1", NULL, NULL },
        { "{}.pop('x')", NULL, &gk__exc_KeyError, "'x'" },
        { "{}.pop('x', None)", "None", NULL, NULL },
        { "{'a': 1}.popitem()", "('a', 1)", NULL, NULL },
        { "{}.popitem()", NULL, &gk__exc_KeyError, "'popitem(): dictionary is empty'" },
        { "sorted({3: 1, 1: 2}.items())", "[(1, 2), (3, 1)]", NULL, NULL },
        { "list({'a': 1, 'b': 2}.values())", "[1, 2]", NULL, NULL },
        { "{'a': 1} == {'a': 1.0}", "True", NULL, NULL },
        { "{'a': 1} == {'a': 2}", "False", NULL, NULL },
        { "{1: 2}.keys() & {1, 3}", "{1}", NULL, NULL },
        { "'a' in {'a': 1}.keys()", "True", NULL, NULL },
        { "repr({1: {2: {}}})", "'{1: {2: {}}}'", NULL, NULL },
        { "list(reversed({1: 0, 2: 0, 3: 0}))", "[3, 2, 1]", NULL, NULL },
        { "{**{'a': 1}, 'b': 2, **{'a': 3}}", "{'a': 3, 'b': 2}", NULL, NULL },
        { "{k: v for k, v in zip('ab', range(2))}", "{'a': 0, 'b': 1}", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_dict_suite(void)
{
    Suite *s = tu_suite("dict");
    TU_ADD(s, "dict", test_order_through_delete_and_resize, test_equal_numbers_one_key, test_hinted_lookup,
           test_copy_update_clear, test_key_errors_propagate, test_python_table);
    return s;
}
