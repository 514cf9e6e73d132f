/*
 * tests/unit/check_compile.c - vm/lang/compile.c: code objects as the compiler builds them (signature counts, flags, varnames, cells and free variables, qualnames, docstrings, line numbers), the errors only the compiler sees, and constructs whose code is easy to get wrong (finally with continue and return, starred assignment, comprehension clauses, walrus, chained comparisons).
 */
#include "check_util.h"
#include "code.h"

Suite *gk_compile_suite(void);

static gk_object *compile_src(const char *src)
{
    gk_object *fname = tu_str("c.py");
    gk_object *code = gk__compile_source(src, strlen(src), fname, 0);
    gk__decref(fname);
    ck_assert_msg(code != NULL, "compile failed: %s", src);
    return code;
}

/* The first code object among co's constants (borrowed). */
static gk_code *inner_code(gk_object *co)
{
    gk_object *consts = ((gk_code *)co)->consts;
    for (size_t i = 0; i < gk__tuple_size(consts); i++)
        if (GK_TYPE(GK_TUPLE_GET(consts, i)) == &gk__code_type)
            return (gk_code *)GK_TUPLE_GET(consts, i);
    ck_abort_msg("no code constant");
    return NULL;
}

START_TEST(test_function_signature)
{
    gk_object *co = compile_src("def f(a, b, /, c, *args, d, e=1, **kw):\n    x = a\n    return x\n");
    gk_code *f = inner_code(co);
    ck_assert_int_eq(f->argcount, 3);
    ck_assert_int_eq(f->posonlyargcount, 2);
    ck_assert_int_eq(f->kwonlyargcount, 2);
    ck_assert(f->flags & GK_CO_VARARGS);
    ck_assert(f->flags & GK_CO_VARKEYWORDS);
    ck_assert(f->flags & GK_CO_NEWLOCALS);
    ck_assert(!(f->flags & GK_CO_GENERATOR));
    tu_repr_is(f->varnames, "('a', 'b', 'c', 'd', 'e', 'args', 'kw', 'x')");
    ck_assert_int_eq(f->nlocals, 8);
    tu_repr_is(f->name, "'f'");
    ck_assert_int_eq(f->firstlineno, 1);
    ck_assert_int_gt(f->stacksize, 0);
    gk__decref(co);
}
END_TEST

START_TEST(test_cells_and_generators)
{
    gk_object *co = compile_src("def outer(a):\n    b = 1\n    def inner():\n        yield a + b\n    return inner\n");
    gk_code *outer = inner_code((gk_object *)co);
    tu_repr_is(outer->cellvars, "('a', 'b')");
    ck_assert_uint_eq(outer->ncells, 2);
    ck_assert_ptr_nonnull(outer->cell2arg);
    ck_assert_int_eq(outer->cell2arg[0], 0);          /* cell a is argument 0 */
    ck_assert_int_eq(outer->cell2arg[1], -1);
    gk_code *inner = inner_code((gk_object *)outer);
    tu_repr_is(inner->freevars, "('a', 'b')");
    ck_assert(inner->flags & GK_CO_GENERATOR);
    ck_assert(inner->flags & GK_CO_NESTED);
    tu_repr_is(inner->qualname, "'outer.<locals>.inner'");
    gk__decref(co);
}
END_TEST

START_TEST(test_docstring_and_lines)
{
    gk_object *co = compile_src("'''mod doc'''\nx = 1\n\ny = x + 1\n");
    gk_object *d = tu_run("'''mod doc'''\ndef f():\n    'fdoc'\n    return 1\nclass C:\n    'cdoc'\nr = (f.__doc__, C.__doc__, __doc__)\n");
    tu_repr_is(gk__dict_get_cstr(d, "r"), "('fdoc', 'cdoc', 'mod doc')");
    gk__decref(d);
    gk_code *c = (gk_code *)co;
    int maxline = 0;
    for (size_t pc = 0; pc < c->ninstrs; pc++) {
        int l = gk__code_line_at(c, pc);
        ck_assert_int_ge(l, 1);
        ck_assert_int_le(l, 4);
        if (l > maxline)
            maxline = l;
    }
    ck_assert_int_eq(maxline, 4);
    gk__decref(co);
}
END_TEST

START_TEST(test_compile_errors)
{
    static const struct { const char *src, *msg; int line; } cases[] = {
        { "return 5\n", "'return' outside function", 1 },
        { "x = 1\nbreak\n", "'break' outside loop", 2 },
        { "for x in 1, 2:\n  continue\nelse:\n  continue\n", "'continue' not properly in loop", 4 },
        { "class C:\n    return 1\n", "'return' outside function", 2 },
        { "x = yield\n", "'yield' outside function", 1 },
        { "def f():\n    class C:\n        yield 1\n", "'yield' outside function", 3 },
        { "def f():\n    return [(yield x) for x in y]\n", "'yield' inside list comprehension", 2 },
        { "def f():\n    x = 1\n    def g():\n        del x\n        nonlocal x\n", "name 'x' is assigned to before nonlocal declaration", 5 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_object *fname = tu_str("c.py");
        gk_object *code = gk__compile_source(cases[i].src, strlen(cases[i].src), fname, 0);
        gk__decref(fname);
        ck_assert_msg(code == NULL, "compiled: %s", cases[i].src);
        gk_object *e = gk__err_fetch();
        gk_object *msg = gk__getattr_cstr(e, "msg"), *line = gk__getattr_cstr(e, "lineno");
        ck_assert_msg(strcmp(gk__str_utf8(msg), cases[i].msg) == 0, "case %zu: '%s'", i, gk__str_utf8(msg));
        ck_assert_int_eq(gk__int_as_i64(line), cases[i].line);
        gk__decref(msg); gk__decref(line); gk__decref(e);
    }
}
END_TEST

START_TEST(test_semantics_compiled_right)
{
    /* Constructs whose code generation is easy to get subtly wrong. */
    gk_object *d = tu_run("def f():\n"
                          "    out = []\n"
                          "    for i in range(3):\n"
                          "        try:\n"
                          "            if i == 1: continue\n"
                          "            out.append(i)\n"
                          "        finally:\n"
                          "            out.append('f')\n"
                          "    else:\n"
                          "        out.append('else')\n"
                          "    return out\n"
                          "a = f()\n"
                          "def g():\n"
                          "    try:\n"
                          "        return 1\n"
                          "    finally:\n"
                          "        return 2\n"
                          "b = g()\n"
                          "x, *y, z = range(5)\n"
                          "c = (x, y, z)\n"
                          "e = [i for i in range(3) if i for j in range(i)]\n"
                          "k = 5\n"
                          "h = (lambda k=k: k)() + (k := 6)\n"
                          "m = 1 if 0 else 2 if 0 else 3\n"
                          "n = not 1 < 2 < 0\n"
                          "o = {**{'a': 1}, 'b': 2}\n"
                          "p = [*range(2), *'ab']\n"
                          "q = 0\n"
                          "while True:\n"
                          "    q += 1\n"
                          "    if q > 3: break\n");
    tu_repr_is(gk__dict_get_cstr(d, "a"), "[0, 'f', 'f', 2, 'f', 'else']");
    tu_repr_is(gk__dict_get_cstr(d, "b"), "2");
    tu_repr_is(gk__dict_get_cstr(d, "c"), "(0, [1, 2, 3], 4)");
    tu_repr_is(gk__dict_get_cstr(d, "e"), "[1, 2, 2]");
    tu_repr_is(gk__dict_get_cstr(d, "h"), "11");
    tu_repr_is(gk__dict_get_cstr(d, "m"), "3");
    tu_repr_is(gk__dict_get_cstr(d, "n"), "True");
    tu_repr_is(gk__dict_get_cstr(d, "o"), "{'a': 1, 'b': 2}");
    tu_repr_is(gk__dict_get_cstr(d, "p"), "[0, 1, 'a', 'b']");
    tu_repr_is(gk__dict_get_cstr(d, "q"), "4");
    gk__decref(d);
}
END_TEST

Suite *gk_compile_suite(void)
{
    Suite *s = tu_suite("compile");
    TU_ADD(s, "compile", test_function_signature, test_cells_and_generators, test_docstring_and_lines, test_compile_errors, test_semantics_compiled_right);
    return s;
}
