/*
 * tests/unit/check_exceptions.c - vm/objects/exceptions.c: raising, fetching and restoring the pending exception, errno to OSError subclass mapping, cause, context and tracebacks, StopIteration values, and exception reprs, strs and attributes against python3 3.11.
 */
#include "check_util.h"

Suite *gk_exceptions_suite(void);

START_TEST(test_raise_fetch_restore)
{
    ck_assert_ptr_null(gk__raise(&gk__exc_KeyError, "%R", GK_NONE));
    ck_assert(gk__err_matches(&gk__exc_LookupError));
    ck_assert(!gk__err_matches(&gk__exc_IndexError));
    gk_object *e = gk__err_fetch();
    ck_assert(!gk__err_occurred());
    gk__err_restore(gk__incref(e));
    ck_assert_ptr_eq(gk__err_peek(), e);
    gk__err_clear();
    ck_assert(!gk__err_occurred());
    tu_repr_is(e, "KeyError('None')");
    gk__decref(e);
}
END_TEST

START_TEST(test_errno_mapping)
{
    gk_object *fname = tu_str("/nonexistent");
    ck_assert_ptr_null(gk__raise_errno(2, fname));
    gk_object *e = gk__err_fetch();
    ck_assert(GK_TYPE(e) == &gk__exc_FileNotFoundError);
    gk_object *s = gk__str(e);
    ck_assert_str_eq(gk__str_utf8(s), "[Errno 2] No such file or directory: '/nonexistent'");
    gk__decref(s); gk__decref(e);
    gk__raise_errno(13, NULL);
    ck_assert(gk__err_matches(&gk__exc_PermissionError));
    gk__err_clear();
    gk__raise_errno(11, NULL);
    ck_assert(gk__err_matches(&gk__exc_BlockingIOError));
    gk__err_clear();
    gk__decref(fname);
}
END_TEST

START_TEST(test_cause_context_traceback)
{
    gk_object *d = tu_run("def f():\n    raise KeyError('inner')\n"
                          "try:\n    try:\n        f()\n    except KeyError as k:\n        raise ValueError('outer') from k\n"
                          "except ValueError as v:\n    e = v\n"
                          "try:\n    try:\n        1 / 0\n    except ZeroDivisionError:\n        raise TypeError('t')\n"
                          "except TypeError as t:\n    e2 = t\n");
    gk_object *e = gk__dict_get_cstr(d, "e");
    gk_object *cause = gk__exc_cause(e);
    tu_repr_is(cause, "KeyError('inner')");
    ck_assert_ptr_eq(gk__exc_context(e), cause);
    gk_traceback *tb = (gk_traceback *)gk__exc_traceback(cause);
    int depth = 0;
    for (; tb; tb = (gk_traceback *)tb->next)
        depth++;
    ck_assert_int_eq(depth, 2);                    /* <module> then f */
    gk_object *e2 = gk__dict_get_cstr(d, "e2");
    ck_assert_ptr_null(gk__exc_cause(e2));
    tu_repr_is(gk__exc_context(e2), "ZeroDivisionError('division by zero')");
    gk_object *sc = gk__getattr_cstr(e, "__suppress_context__");
    ck_assert_ptr_eq(sc, GK_TRUE);
    gk__decref(sc);
    gk__decref(d);
}
END_TEST

START_TEST(test_exc_new_and_stop_iteration)
{
    gk_object *args = tu_eval("('a', 1)");
    gk_object *e = gk__exc_new(&gk__exc_RuntimeError, args);
    ck_assert_int_eq(gk__richcompare_bool(gk__exc_args(e), args, GK_EQ), 1);
    gk__decref(e);
    gk_object *v = tu_int(99);
    ck_assert_ptr_null(gk__raise_stop_iteration(v));
    e = gk__err_fetch();
    ck_assert_ptr_eq(gk__stop_iteration_value(e), v);
    gk__decref(e); gk__decref(v); gk__decref(args);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "repr(ValueError('x', 2))", "\"ValueError('x', 2)\"", NULL, NULL },
        { "str(ValueError('x', 2))", "\"('x', 2)\"", NULL, NULL },
        { "str(ValueError())", "''", NULL, NULL },
        { "str(KeyError('k'))", "\"'k'\"", NULL, NULL },
        { "str(KeyError())", "''", NULL, NULL },
        { "repr(OSError(2, 'No such file'))", "\"FileNotFoundError(2, 'No such file')\"", NULL, NULL },
        { "str(OSError(2, 'No such file', 'f.txt'))", "\"[Errno 2] No such file: 'f.txt'\"", NULL, NULL },
        { "OSError(2, 'x').errno", "2", NULL, NULL },
        { "type(OSError(2, 'x')).__name__", "'FileNotFoundError'", NULL, NULL },
        { "type(OSError(17, 'x')).__name__", "'FileExistsError'", NULL, NULL },
        { "StopIteration(5).value", "5", NULL, NULL },
        { "SystemExit(3).code", "3", NULL, NULL },
        { "issubclass(ModuleNotFoundError, ImportError)", "True", NULL, NULL },
        { "issubclass(TabError, SyntaxError)", "True", NULL, NULL },
        { "issubclass(KeyboardInterrupt, Exception)", "False", NULL, NULL },
        { "ImportError('m', name='x').name", "'x'", NULL, NULL },
        { "ZeroDivisionError.__mro__", "(<class 'ZeroDivisionError'>, <class 'ArithmeticError'>, <class 'Exception'>, <class 'BaseException'>, <class 'object'>)", NULL, NULL },
        { "BaseException().args", "()", NULL, NULL },
        { "Exception(1).with_traceback(None).args", "(1,)", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_exceptions_suite(void)
{
    Suite *s = tu_suite("exceptions");
    TU_ADD(s, "exceptions", test_raise_fetch_restore, test_errno_mapping, test_cause_context_traceback, test_exc_new_and_stop_iteration, test_python_table);
    return s;
}
