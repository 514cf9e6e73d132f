/*
 * tests/unit/check_builtins.c - vm/builtins.c: the builtins module's contents, exec/eval/compile, print to file objects, and the built-in functions against python3 3.11.
 */
#include "check_util.h"

Suite *gk_builtins_suite(void);

START_TEST(test_builtins_module)
{
    gk_object *b = gk__rt->builtins;
    ck_assert_ptr_nonnull(gk__dict_get_cstr(b, "len"));
    ck_assert_ptr_eq(gk__dict_get_cstr(b, "int"), (gk_object *)&gk__int_type);
    ck_assert_ptr_eq(gk__dict_get_cstr(b, "ValueError"), (gk_object *)&gk__exc_ValueError);
    ck_assert_ptr_eq(gk__dict_get_cstr(b, "None"), GK_NONE);
    gk_object *n = gk__dict_get_cstr(b, "__name__");
    ck_assert_str_eq(gk__str_utf8(n), "builtins");
}
END_TEST

START_TEST(test_exec_compile)
{
    gk_object *d = tu_run("ns = {}\nexec('a = 6 * 7', ns)\n"
                          "c = compile('x + 1', 'exp', 'eval')\n"
                          "r = eval(c, {'x': 1})\n"
                          "try:\n    compile('def', 'bad.py', 'exec')\nexcept SyntaxError as e:\n    se = (e.filename, e.lineno)\n");
    tu_repr_is(gk__dict_get_cstr(gk__dict_get_cstr(d, "ns"), "a"), "42");
    tu_repr_is(gk__dict_get_cstr(d, "r"), "2");
    tu_repr_is(gk__dict_get_cstr(d, "se"), "('bad.py', 1)");
    gk__decref(d);
}
END_TEST

START_TEST(test_print_obj)
{
    /* print() to a file-like object whose write collects the text. */
    gk_object *d = tu_run("class F:\n    def __init__(self): self.parts = []\n    def write(self, s): self.parts.append(s)\n"
                          "f = F()\nprint(1, 'a', None, sep='-', end='!', file=f)\n"
                          "out = ''.join(f.parts)\n");
    tu_repr_is(gk__dict_get_cstr(d, "out"), "'1-a-None!'");
    gk_object *f = gk__dict_get_cstr(d, "f");
    gk_object *v = tu_str("x");
    ck_assert_int_eq(gk__print_obj(v, f), 0);
    gk_object *parts = gk__getattr_cstr(f, "parts"), *empty = tu_str("");
    gk_object *all = gk__str_join(empty, parts);
    tu_repr_is(all, "'1-a-None!x\\n'");
    gk__decref(all); gk__decref(empty); gk__decref(parts); gk__decref(v); gk__decref(d);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "abs(-5)", "5", NULL, NULL },
        { "divmod(7, -2)", "(-4, -1)", NULL, NULL },
        { "sum([0.1] * 10)", "0.9999999999999999", NULL, NULL },
        { "sum([[1], [2]], [])", "[1, 2]", NULL, NULL },
        { "sum(['a'], '')", NULL, &gk__exc_TypeError, "sum() can't sum strings [use ''.join(seq) instead]" },
        { "min(3, 1, 2, key=lambda v: -v)", "3", NULL, NULL },
        { "max([], default=9)", "9", NULL, NULL },
        { "sorted('bca')", "['a', 'b', 'c']", NULL, NULL },
        { "round(7.5)", "8", NULL, NULL },
        { "round(-7.45, 1)", "-7.5", NULL, NULL },
        { "isinstance(1, (str, float))", "False", NULL, NULL },
        { "callable(len)", "True", NULL, NULL },
        { "getattr(1, 'real')", "1", NULL, NULL },
        { "getattr(1, 'nope', 'dflt')", "'dflt'", NULL, NULL },
        { "getattr(1, 'nope')", NULL, &gk__exc_AttributeError, "'int' object has no attribute 'nope'" },
        { "hasattr([], 'append')", "True", NULL, NULL },
        { "repr(chr(955))", "\"'λ'\"", NULL, NULL },
        { "ascii('é')", "\"'\\\\xe9'\"", NULL, NULL },
        { "hex(0)", "'0x0'", NULL, NULL },
        { "int('ff', 16)", "255", NULL, NULL },
        { "bool([0])", "True", NULL, NULL },
        { "list(map(str, range(3)))", "['0', '1', '2']", NULL, NULL },
        { "print is print", "True", NULL, NULL },
        { "len('héllo')", "5", NULL, NULL },
        { "len(5)", NULL, &gk__exc_TypeError, "object of type 'int' has no len()" },
        { "pow(2, 10)", "1024", NULL, NULL },
        { "pow(2.0, -1)", "0.5", NULL, NULL },
        { "format(5, 'b')", "'101'", NULL, NULL },
        { "iter([1]).__next__()", "1", NULL, NULL },
        { "type(iter(range(0))).__name__", "'range_iterator'", NULL, NULL },
        { "id(None) == id(None)", "True", NULL, NULL },
        { "eval('1 + 2')", "3", NULL, NULL },
        { "str(list(zip(*[])))", "'[]'", NULL, NULL },
        { "any([])", "False", NULL, NULL },
        { "repr(slice(1))", "'slice(None, 1, None)'", NULL, NULL },
        { "vars(type('T', (), {'q': 1})())", "{}", NULL, NULL },
        { "dir([]) == sorted(dir([]))", "True", NULL, NULL },
        { "'__len__' in dir([])", "True", NULL, NULL },
        { "hash('a') == hash('a')", "True", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_builtins_suite(void)
{
    Suite *s = tu_suite("builtins");
    TU_ADD(s, "builtins", test_builtins_module, test_exec_compile, test_print_obj, test_python_table);
    return s;
}
