/*
 * tests/unit/check_sysmodule.c - vm/sysmodule.c: sys.argv, sys.modules and sys.path shared with the runtime, exc_info inside and after handlers, the recursion limit, and attributes python3 3.11 has.
 */
#include "check_util.h"

Suite *gk_sysmodule_suite(void);

START_TEST(test_argv_and_modules)
{
    gk_object *argv = gk__getattr_cstr(gk__rt->sys, "argv");
    tu_repr_is(argv, "['check_vm']");
    gk__decref(argv);
    gk_object *mods = gk__getattr_cstr(gk__rt->sys, "modules");
    ck_assert_ptr_eq(mods, gk__rt->modules);
    gk__decref(mods);
    gk_object *path = gk__getattr_cstr(gk__rt->sys, "path");
    ck_assert_ptr_eq(path, gk__rt->path);
    gk__decref(path);
}
END_TEST

START_TEST(test_exc_info_and_recursionlimit)
{
    gk_object *d = tu_run("import sys\n"
                          "try:\n    raise KeyError('x')\nexcept KeyError:\n    t, v, tb = sys.exc_info()\n    inside = (t.__name__, repr(v), tb is not None)\n"
                          "after = sys.exc_info()\n"
                          "old = sys.getrecursionlimit()\nsys.setrecursionlimit(60)\n"
                          "def f(n):\n    return f(n + 1)\n"
                          "try:\n    f(0)\nexcept RecursionError:\n    hit = True\n"
                          "sys.setrecursionlimit(old)\n"
                          "try:\n    sys.setrecursionlimit(0)\nexcept ValueError as e:\n    bad = str(e)\n");
    tu_repr_is(gk__dict_get_cstr(d, "inside"), "('KeyError', \"KeyError('x')\", True)");
    tu_repr_is(gk__dict_get_cstr(d, "after"), "(None, None, None)");
    ck_assert_ptr_eq(gk__dict_get_cstr(d, "hit"), GK_TRUE);
    tu_repr_is(gk__dict_get_cstr(d, "bad"), "'recursion limit must be greater or equal than 1'");
    gk__decref(d);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "__import__('sys').maxsize", "9223372036854775807", NULL, NULL },
        { "__import__('sys').version_info[:2] >= (3, 0)", "True", NULL, NULL },
        { "type(__import__('sys').path).__name__", "'list'", NULL, NULL },
        { "__import__('sys').byteorder", "'little'", NULL, NULL },
        { "isinstance(__import__('sys').argv, list)", "True", NULL, NULL },
        { "__import__('sys').getrecursionlimit() > 100", "True", NULL, NULL },
        { "'sys' in __import__('sys').modules", "True", NULL, NULL },
        { "__import__('sys').exc_info()", "(None, None, None)", NULL, NULL },
        { "type(__import__('sys').stdout.write).__name__ in ('builtin_function_or_method', 'method')", "True", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_sysmodule_suite(void)
{
    Suite *s = tu_suite("sysmodule");
    TU_ADD(s, "sysmodule", test_argv_and_modules, test_exc_info_and_recursionlimit, test_python_table);
    return s;
}
