/*
 * tests/unit/check_function.c - vm/objects/function.c: argument binding with CPython 3.11's TypeError messages, shared defaults, closures and cells, function attributes, and bound methods.
 */
#include "check_util.h"
#include "code.h"

Suite *gk_function_suite(void);

START_TEST(test_binding_errors)
{
    static const tu_case cases[] = {
        { "(lambda a, b: 0)(1)", NULL, &gk__exc_TypeError, "<lambda>() missing 1 required positional argument: 'b'" },
        { "(lambda a, b: 0)(1, 2, 3)", NULL, &gk__exc_TypeError, "<lambda>() takes 2 positional arguments but 3 were given" },
        { "(lambda a, /: a)(a=1)", NULL, &gk__exc_TypeError, "<lambda>() got some positional-only arguments passed as keyword arguments: 'a'" },
        { "(lambda *, k: k)(1)", NULL, &gk__exc_TypeError, "<lambda>() takes 0 positional arguments but 1 was given" },
        { "(lambda a: a)(1, a=2)", NULL, &gk__exc_TypeError, "<lambda>() got multiple values for argument 'a'" },
        { "(lambda a: a)(b=2)", NULL, &gk__exc_TypeError, "<lambda>() got an unexpected keyword argument 'b'" },
        { "(lambda a=1, *r, k=2, **kw: (a, r, k, kw))(5, 6, z=7)", "(5, (6,), 2, {'z': 7})", NULL, NULL },
        { "(lambda a, b=[]: b)(1) is (lambda a, b=[]: b)(1)", "False", NULL, NULL },
        { "(lambda: 0).__name__", "'<lambda>'", NULL, NULL },
        { "(lambda: 0).__qualname__", "'<lambda>'", NULL, NULL },
        { "(lambda x: x).__code__.co_varnames", "('x',)", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

START_TEST(test_closures_and_cells)
{
    gk_object *c = gk__cell_new(NULL);
    ck_assert_ptr_null(gk__cell_get(c));
    gk_object *v = tu_int(5);
    gk__cell_set(c, v);
    ck_assert_ptr_eq(gk__cell_get(c), v);
    gk__cell_set(c, NULL);
    ck_assert_ptr_null(gk__cell_get(c));
    gk__decref(c); gk__decref(v);
    gk_object *d = tu_run("def counter():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n    return inc\n"
                          "a, b = counter(), counter()\nr = (a(), a(), b(), a())\n"
                          "fs = [lambda: i for i in range(3)]\nlate = [f() for f in fs]\n"
                          "def f(x, y=10, *, z=20):\n    '''doc'''\n    return x + y + z\n"
                          "attrs = (f.__defaults__, f.__kwdefaults__, f.__doc__, f.__module__, f(1, z=0))\n"
                          "f.tag = 'T'\ntag = f.tag\n");
    tu_repr_is(gk__dict_get_cstr(d, "r"), "(1, 2, 1, 3)");
    tu_repr_is(gk__dict_get_cstr(d, "late"), "[2, 2, 2]");
    tu_repr_is(gk__dict_get_cstr(d, "attrs"), "((10,), {'z': 20}, 'doc', '__test__', 11)");
    tu_repr_is(gk__dict_get_cstr(d, "tag"), "'T'");
    gk__decref(d);
}
END_TEST

START_TEST(test_bound_methods)
{
    gk_object *d = tu_run("class A:\n    def m(self, x): return (self.k, x)\na = A()\na.k = 'K'\n");
    gk_object *a = gk__dict_get_cstr(d, "a");
    gk_object *m = gk__getattr_cstr(a, "m");
    ck_assert(GK_TYPE(m) == &gk__method_type);
    gk_object *one = tu_int(1);
    gk_object *r = gk__call1(m, one);
    tu_repr_is(r, "('K', 1)");
    gk__decref(r);
    gk_object *fn = gk__type_lookup_cstr(GK_TYPE(a), "m");
    gk_object *bm = gk__method_new(fn, a);
    r = gk__call1(bm, one);
    tu_repr_is(r, "('K', 1)");
    gk__decref(r); gk__decref(bm); gk__decref(one); gk__decref(m); gk__decref(d);
}
END_TEST

Suite *gk_function_suite(void)
{
    Suite *s = tu_suite("function");
    TU_ADD(s, "function", test_binding_errors, test_closures_and_cells, test_bound_methods);
    return s;
}
