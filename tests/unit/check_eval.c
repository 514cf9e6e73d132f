/*
 * tests/unit/check_eval.c - vm/eval.c: the eval loop's exception unwinding (try/finally/except with break, handler variables deleted, with statements suppressing or propagating), the recursion limit, unbound locals and free variables, global and builtin lookups after rebinding and deletion, and expression evaluation against python3 3.11.
 */
#include "check_util.h"
#include "runtime.h"

Suite *gk_eval_suite(void);

START_TEST(test_exceptions_unwind)
{
    gk_object *d = tu_run("def f(n):\n"
                          "    log = []\n"
                          "    for i in range(n):\n"
                          "        try:\n"
                          "            try:\n"
                          "                if i % 2: raise ValueError(i)\n"
                          "                log.append(('ok', i))\n"
                          "            finally:\n"
                          "                log.append(('fin', i))\n"
                          "        except ValueError as e:\n"
                          "            log.append(('exc', e.args[0]))\n"
                          "            if i == 3: break\n"
                          "    try:\n"
                          "        e\n"
                          "    except NameError:\n"
                          "        log.append('e deleted')\n"
                          "    return log\n"
                          "r = f(10)\n"
                          "class CM:\n"
                          "    def __enter__(self): return 'in'\n"
                          "    def __exit__(self, t, v, tb):\n"
                          "        seen.append(t.__name__ if t else None)\n"
                          "        return t is KeyError\n"
                          "seen = []\n"
                          "with CM() as v:\n    raise KeyError\n"
                          "with CM():\n    pass\n"
                          "try:\n"
                          "    with CM():\n        raise IndexError\n"
                          "except IndexError:\n"
                          "    seen.append('propagated')\n");
    tu_repr_is(gk__dict_get_cstr(d, "r"), "[('ok', 0), ('fin', 0), ('fin', 1), ('exc', 1), ('ok', 2), ('fin', 2), "
               "('fin', 3), ('exc', 3), 'e deleted']");
    tu_repr_is(gk__dict_get_cstr(d, "seen"), "['KeyError', None, 'IndexError', 'propagated']");
    gk__decref(d);
}
END_TEST

START_TEST(test_recursion_limit)
{
    gk_object *d = tu_run("def f(n):\n    return f(n + 1)\n"
                          "try:\n    f(0)\nexcept RecursionError as e:\n    msg = str(e)\n"
                          "def ok(n):\n    return n if n == 0 else ok(n - 1)\n"
                          "v = ok(500)\n");
    tu_repr_is(gk__dict_get_cstr(d, "msg"), "'maximum recursion depth exceeded'");
    ck_assert_int_eq(tu_get_int(d, "v"), 0);
    ck_assert_int_eq(gk__ts()->recursion_depth, 0);      /* unwound completely */
    gk__decref(d);
}
END_TEST

START_TEST(test_unbound_and_names)
{
    gk_object *d = tu_run("def f():\n    print(x)\n    x = 1\n"
                          "try:\n    f()\nexcept UnboundLocalError as e:\n    m1 = str(e)\n"
                          "def g():\n    def h():\n        return y\n    h_ = h\n    try:\n        h_()\n    except NameError as e:\n        return str(e)\n    y = 2\n"
                          "m2 = g()\n"
                          "class C:\n    a = 1\n    b = [a for _ in range(1)] if False else a + 1\n"
                          "m3 = C.b\n"
                          "len = lambda x: 42\n"
                          "m4 = len([])\n"
                          "del len\n"
                          "m5 = len([])\n");
    tu_repr_is(gk__dict_get_cstr(d, "m1"), "\"cannot access local variable 'x' where it is not associated with a value\"");
    tu_repr_is(gk__dict_get_cstr(d, "m2"), "\"cannot access free variable 'y' where it is not associated with a value in enclosing scope\"");
    tu_repr_is(gk__dict_get_cstr(d, "m3"), "2");
    tu_repr_is(gk__dict_get_cstr(d, "m4"), "42");
    tu_repr_is(gk__dict_get_cstr(d, "m5"), "0");
    gk__decref(d);
}
END_TEST

START_TEST(test_globals_cache_invalidation)
{
    /* LOAD_GLOBAL's hints must see rebinding and deletion of globals and builtins. */
    gk_object *d = tu_run("def get():\n    return G\n"
                          "G = 1\na = get()\nG = 2\nb = get()\n"
                          "del G\n"
                          "try:\n    get()\nexcept NameError as e:\n    c = str(e)\n"
                          "for i in range(100):\n    globals()['x%d' % i] = i\n"
                          "G = 3\nd = get()\n");
    ck_assert_int_eq(tu_get_int(d, "a"), 1);
    ck_assert_int_eq(tu_get_int(d, "b"), 2);
    tu_repr_is(gk__dict_get_cstr(d, "c"), "\"name 'G' is not defined\"");
    ck_assert_int_eq(tu_get_int(d, "d"), 3);
    gk__decref(d);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "[i for i in range(3)][-1]", "2", NULL, NULL },
        { "(lambda *a, **k: (a, k))(1, *[2], x=3, **{'y': 4})", "((1, 2), {'x': 3, 'y': 4})", NULL, NULL },
        { "undefined_name", NULL, &gk__exc_NameError, "name 'undefined_name' is not defined" },
        { "(lambda: x_local)()", NULL, &gk__exc_NameError, "name 'x_local' is not defined" },
        { "1 if [] else 2", "2", NULL, NULL },
        { "[] or {} or 'last'", "'last'", NULL, NULL },
        { "0 and 1/0", "0", NULL, NULL },
        { "2 ** 3 ** 2", "512", NULL, NULL },
        { "-2 ** 2", "-4", NULL, NULL },
        { "not 0 == 1", "True", NULL, NULL },
        { "1 < 2 > 1.5 != 1", "True", NULL, NULL },
        { "[1, 2, 3][1:][::-1]", "[3, 2]", NULL, NULL },
        { "{**{}}", "{}", NULL, NULL },
        { "(x := 5) + x", "10", NULL, NULL },
        { "'a' 'b' f'{1+1}'", "'ab2'", NULL, NULL },
        { "[x for x in [1, 2] for x in [x * 10]]", "[10, 20]", NULL, NULL },
        { "(lambda: (yield))().send(None)", "None", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_eval_suite(void)
{
    Suite *s = tu_suite("eval");
    TU_ADD(s, "eval", test_exceptions_unwind, test_recursion_limit, test_unbound_and_names, test_globals_cache_invalidation, test_python_table);
    return s;
}
