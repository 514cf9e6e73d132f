/*
 * tests/unit/check_abstract.c - vm/objects/abstract.c: the binary-operator protocol with reflected methods (subclass first, NotImplemented, error messages), rich comparison with identity fallbacks, item, length, iteration, truth and number protocols, and attribute access helpers.
 */
#include <math.h>
#include "check_util.h"

Suite *gk_abstract_suite(void);

START_TEST(test_binop_reflection)
{
    gk_object *d = tu_run("class V:\n"
                          "    def __init__(self, v): self.v = v\n"
                          "    def __add__(self, o): return NotImplemented\n"
                          "    def __radd__(self, o): return ('radd', o)\n"
                          "class W(V):\n"
                          "    def __radd__(self, o): return ('W.radd', o)\n"
                          "class N:\n    pass\n"
                          "v, w, n = V(1), W(2), N()\n");
    gk_object *v = gk__dict_get_cstr(d, "v"), *w = gk__dict_get_cstr(d, "w"), *n = gk__dict_get_cstr(d, "n");
    gk_object *one = tu_int(1);
    gk_object *r = gk__binop(one, v, GK_BINOP_ADD);
    tu_repr_is(r, "('radd', 1)");
    gk__decref(r);
    r = gk__binop(v, w, GK_BINOP_ADD);          /* a subclass's reflected method goes first */
    ck_assert_str_eq(gk__str_utf8(GK_TUPLE_GET(r, 0)), "W.radd");
    gk__decref(r);
    ck_assert_ptr_null(gk__binop(n, one, GK_BINOP_SUB));
    tu_raised(&gk__exc_TypeError, "unsupported operand type(s) for -: 'N' and 'int'");
    ck_assert_ptr_null(gk__binop(one, n, GK_BINOP_MATMUL));
    tu_raised(&gk__exc_TypeError, "unsupported operand type(s) for @: 'int' and 'N'");
    gk__decref(one);
    gk__decref(d);
}
END_TEST

START_TEST(test_richcompare)
{
    gk_object *a = tu_int(1), *s = tu_str("1");
    ck_assert_int_eq(gk__richcompare_bool(a, s, GK_EQ), 0);      /* == falls back to identity */
    ck_assert_int_eq(gk__richcompare_bool(a, s, GK_NE), 1);
    ck_assert_int_eq(gk__richcompare_bool(a, s, GK_LT), -1);
    tu_raised(&gk__exc_TypeError, "'<' not supported between instances of 'int' and 'str'");
    gk_object *nan = gk__float_new(NAN);
    ck_assert_int_eq(gk__richcompare_bool(nan, nan, GK_EQ), 1);  /* identity implies equality */
    gk_object *r = gk__richcompare(nan, nan, GK_EQ);
    ck_assert_ptr_eq(r, GK_FALSE);
    gk__decref(r); gk__decref(nan); gk__decref(a); gk__decref(s);
}
END_TEST

START_TEST(test_protocols)
{
    gk_object *l = tu_eval("[10, 20, 30]"), *i = tu_int(-1), *z = tu_int(99);
    gk_object *v = gk__getitem(l, i);
    tu_repr_is(v, "30");
    gk__decref(v);
    ck_assert_int_eq(gk__setitem(l, i, z), 0);
    ck_assert_int_eq(gk__contains(l, z), 1);
    ck_assert_int_eq(gk__delitem(l, i), 0);
    ck_assert_int_eq(gk__len(l), 2);
    ck_assert_int_eq(gk__len(z), -1);
    tu_raised(&gk__exc_TypeError, "object of type 'int' has no len()");
    ck_assert_ptr_null(gk__iter(z));
    tu_raised(&gk__exc_TypeError, "'int' object is not iterable");
    intptr_t n;
    gk_object *big = tu_eval("2 ** 70");
    ck_assert_int_eq(gk__index_to_ssize(big, &n), -1);
    tu_raised(&gk__exc_IndexError, NULL);
    ck_assert_int_eq(gk__truthy(l), 1);
    gk_object *e = tu_eval("''");
    ck_assert_int_eq(gk__truthy(e), 0);
    gk_object *f = gk__number_float(i);
    tu_repr_is(f, "-1.0");
    gk_object *ni = gk__number_int(f);
    tu_repr_is(ni, "-1");
    gk_object *bad = tu_str("x");
    ck_assert_ptr_null(gk__number_index(bad));
    tu_raised(&gk__exc_TypeError, "'str' object cannot be interpreted as an integer");
    gk_object *p = gk__pow3(z, i, NULL);
    ck_assert_ptr_nonnull(p);
    gk_object *objs[] = { l, i, z, big, e, f, ni, bad, p };
    for (size_t k = 0; k < sizeof objs / sizeof objs[0]; k++)
        gk__decref(objs[k]);
}
END_TEST

START_TEST(test_getattr_family)
{
    gk_object *d = tu_run("class A:\n    def __getattr__(self, n):\n        if n == 'dyn': return 5\n        raise AttributeError(n)\na = A()\n");
    gk_object *a = gk__dict_get_cstr(d, "a");
    gk_object *dyn = gk__getattr_cstr(a, "dyn");
    tu_repr_is(dyn, "5");
    gk__decref(dyn);
    gk_object *name = tu_str("missing");
    ck_assert_ptr_null(gk__getattr_opt(a, name));
    ck_assert(!gk__err_occurred());
    ck_assert_int_eq(gk__hasattr(a, name), 0);
    ck_assert_int_eq(gk__setattr(a, name, GK_TRUE), 0);
    ck_assert_int_eq(gk__hasattr(a, name), 1);
    ck_assert_int_eq(gk__setattr(a, name, NULL), 0);
    ck_assert_int_eq(gk__setattr(a, name, NULL), -1);
    tu_raised(&gk__exc_AttributeError, NULL);
    gk_object *one = tu_int(1);
    ck_assert_int_eq(gk__setattr_cstr(one, "x", GK_NONE), -1);
    tu_raised(&gk__exc_AttributeError, "'int' object has no attribute 'x'");
    gk__decref(one); gk__decref(name); gk__decref(d);
}
END_TEST

Suite *gk_abstract_suite(void)
{
    Suite *s = tu_suite("abstract");
    TU_ADD(s, "abstract", test_binop_reflection, test_richcompare, test_protocols, test_getattr_family);
    return s;
}
