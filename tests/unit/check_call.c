/*
 * tests/unit/check_call.c - vm/objects/call.c: the vectorcall convention with keyword names, calls with a tuple and dict, method and special-method calls, non-callables, and the argument parser of built-ins with CPython's TypeError messages.
 */
#include "check_util.h"

Suite *gk_call_suite(void);

START_TEST(test_vectorcall_keywords)
{
    gk_object *d = tu_run("def f(a, b=2, *args, c, **kw):\n    return (a, b, args, c, kw)\n");
    gk_object *f = gk__dict_get_cstr(d, "f");
    gk_object *one = tu_int(1), *two = tu_int(2), *three = tu_int(3), *x = tu_str("xv");
    gk_object *kwnames = tu_eval("('c', 'x')");
    gk_object *args[] = { one, two, three, three, x };
    gk_object *r = gk__call(f, args, 3, kwnames);
    tu_repr_is(r, "(1, 2, (3,), 3, {'x': 'xv'})");
    gk__decref(r);
    ck_assert_ptr_null(gk__call(f, args, 1, NULL));
    tu_raised(&gk__exc_TypeError, "f() missing 1 required keyword-only argument: 'c'");
    gk_object *t = tu_eval("(1,)"), *kw = tu_eval("{'c': 0, 'b': 5}");
    r = gk__call_tuple_dict(f, t, kw);
    tu_repr_is(r, "(1, 5, (), 0, {})");
    gk__decref(r);
    r = gk__call_method(x, "upper", NULL, 0);
    tu_repr_is(r, "'XV'");
    gk__decref(r);
    r = gk__call_special(one, "__add__", &two, 1);
    tu_repr_is(r, "3");
    gk__decref(r);
    ck_assert_ptr_null(gk__call0(one));
    tu_raised(&gk__exc_TypeError, "'int' object is not callable");
    gk_object *objs[] = { d, one, two, three, x, kwnames, t, kw };
    for (size_t k = 0; k < sizeof objs / sizeof objs[0]; k++)
        gk__decref(objs[k]);
}
END_TEST

START_TEST(test_parse_args)
{
    static const char *const names[] = { "a", "b", "c" };
    gk_object *one = tu_int(1), *two = tu_int(2);
    gk_object *kwb = tu_eval("('c',)");
    gk_object *args[] = { one, two };
    gk_object *out[3];
    ck_assert_int_eq(gk__parse_args("g", args, 1, kwb, names, 1, 3, out), 0);
    ck_assert_ptr_eq(out[0], one);
    ck_assert_ptr_null(out[1]);
    ck_assert_ptr_eq(out[2], two);
    gk_object *kwa = tu_eval("('a',)");
    ck_assert_int_eq(gk__parse_args("g", args, 1, kwa, names, 1, 3, out), -1);
    tu_raised(&gk__exc_TypeError, NULL);
    gk_object *kwz = tu_eval("('zz',)");
    ck_assert_int_eq(gk__parse_args("g", args, 1, kwz, names, 1, 3, out), -1);
    tu_raised(&gk__exc_TypeError, "g() got an unexpected keyword argument 'zz'");
    ck_assert_int_eq(gk__check_args("h", 3, NULL, 0, 2), -1);
    tu_raised(&gk__exc_TypeError, NULL);
    ck_assert_int_eq(gk__check_args("h", 2, NULL, 0, 2), 0);
    gk__decref(one); gk__decref(two); gk__decref(kwb); gk__decref(kwa); gk__decref(kwz);
}
END_TEST

Suite *gk_call_suite(void)
{
    Suite *s = tu_suite("call");
    TU_ADD(s, "call", test_vectorcall_keywords, test_parse_args);
    return s;
}
