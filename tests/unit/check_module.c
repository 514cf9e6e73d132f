/*
 * tests/unit/check_module.c - vm/objects/module.c: module objects, their dict, C function tables, attribute errors and repr.
 */
#include "check_util.h"

Suite *gk_module_suite(void);

static gk_object *twice(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("twice", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return gk__binop(args[0], args[0], GK_BINOP_ADD);
}

START_TEST(test_module_new_and_functions)
{
    gk_object *name = tu_str("mymod");
    gk_object *m = gk__module_new(name);
    ck_assert(gk__is_module(m));
    gk_object *d = gk__module_dict(m);
    tu_repr_is(gk__dict_get_cstr(d, "__name__"), "'mymod'");
    static const gk__methoddef defs[] = { { "twice", twice, GK_METH_DEFAULT, "x + x" }, { NULL, NULL, 0, NULL } };
    ck_assert_int_eq(gk__module_add_functions(m, defs), 0);
    gk_object *f = gk__getattr_cstr(m, "twice");
    gk_object *s = tu_str("ab");
    gk_object *r = gk__call1(f, s);
    tu_repr_is(r, "'abab'");
    ck_assert_ptr_null(gk__call0(f));
    tu_raised(&gk__exc_TypeError, NULL);
    gk_object *x = tu_int(3);
    ck_assert_int_eq(gk__setattr_cstr(m, "x", x), 0);
    ck_assert_ptr_eq(gk__dict_get_cstr(d, "x"), x);
    ck_assert_ptr_null(gk__getattr_cstr(m, "nope"));
    tu_raised(&gk__exc_AttributeError, "module 'mymod' has no attribute 'nope'");
    gk_object *rep = gk__repr(m);
    ck_assert(strncmp(gk__str_utf8(rep), "<module 'mymod'", 15) == 0);
    gk__decref(rep);
    gk_object *objs[] = { name, m, f, s, r, x };
    for (size_t k = 0; k < sizeof objs / sizeof objs[0]; k++)
        gk__decref(objs[k]);
}
END_TEST

Suite *gk_module_suite(void)
{
    Suite *s = tu_suite("module");
    TU_ADD(s, "module", test_module_new_and_functions);
    return s;
}
