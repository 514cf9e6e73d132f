/*
 * tests/unit/check_parser.c - vm/lang/parser.c (and ast.c): tree shapes and precedence, positions in characters, constants decoded and concatenated by the parser, f-string trees, eval mode, and SyntaxError attributes (msg, lineno, offset, end_lineno, end_offset, text) equal to python3 3.11's.
 */
#include "check_util.h"
#include "lang/ast.h"

Suite *gk_parser_suite(void);

/* Parses src (mode 0) in a fresh arena; returns the MODULE node. */
static gk__ast *parse(const char *src, gk__ast_arena *arena)
{
    gk__ast_arena_init(arena);
    gk_object *fname = tu_str("t.py");
    gk__ast *m = gk__parse(src, strlen(src), fname, 0, arena);
    gk__decref(fname);
    ck_assert_msg(m != NULL, "parse failed: %s", src);
    ck_assert_int_eq(m->kind, GK_AST_MODULE);
    return m;
}

START_TEST(test_tree_shapes)
{
    gk__ast_arena a;
    gk__ast *m = parse("x = a + b * 2\nif x:\n    pass\nelif y:\n    pass\nf(1, *r, k=2, **kw)\n", &a);
    ck_assert_uint_eq(m->l1.n, 3);
    gk__ast *as = m->l1.items[0];
    ck_assert_int_eq(as->kind, GK_AST_ASSIGN);
    ck_assert_uint_eq(as->l1.n, 1);
    gk__ast *bin = as->a;
    ck_assert_int_eq(bin->kind, GK_AST_BINOP);
    ck_assert_int_eq(bin->op, GK_BINOP_ADD);                 /* * binds tighter than + */
    ck_assert_int_eq(bin->b->kind, GK_AST_BINOP);
    ck_assert_int_eq(bin->b->op, GK_BINOP_MUL);
    ck_assert_int_eq(bin->b->b->kind, GK_AST_CONSTANT);
    ck_assert_int_eq(gk__int_as_i64(bin->b->b->value), 2);
    gk__ast *iff = m->l1.items[1];
    ck_assert_int_eq(iff->kind, GK_AST_IF);
    ck_assert_uint_eq(iff->l2.n, 1);                         /* elif is a nested IF in orelse */
    ck_assert_int_eq(iff->l2.items[0]->kind, GK_AST_IF);
    gk__ast *call = m->l1.items[2]->a;
    ck_assert_int_eq(call->kind, GK_AST_CALL);
    ck_assert_uint_eq(call->l1.n, 2);
    ck_assert_int_eq(call->l1.items[1]->kind, GK_AST_STARRED);
    ck_assert_uint_eq(call->l2.n, 2);
    ck_assert(gk__str_eq_cstr(call->l2.items[0]->name, "k"));
    ck_assert_ptr_null(call->l2.items[1]->name);             /* **kw */
    gk__ast_arena_free(&a);
}
END_TEST

START_TEST(test_positions)
{
    gk__ast_arena a;
    gk__ast *m = parse("\xc3\xa9 = foo(1,\n        2)\n", &a);
    gk__ast *call = m->l1.items[0]->a;
    ck_assert_int_eq(call->line, 1);
    ck_assert_int_eq(call->col, 4);                          /* characters, not bytes */
    ck_assert_int_eq(call->end_line, 2);
    ck_assert_int_eq(call->end_col, 10);
    gk__ast *target = m->l1.items[0]->l1.items[0];
    ck_assert_int_eq(target->kind, GK_AST_NAME);
    ck_assert_int_eq(target->op, GK_CTX_STORE);
    gk__ast_arena_free(&a);
}
END_TEST

START_TEST(test_constants_folded_in_parser)
{
    gk__ast_arena a;
    gk__ast *m = parse("x = 'a' 'b' \"c\"\ny = b'\\x00' b'z'\nz = 0x_ff\nw = 1_000.5e1\nv = r'\\n'\n", &a);
    tu_repr_is(m->l1.items[0]->a->value, "'abc'");
    tu_repr_is(m->l1.items[1]->a->value, "b'\\x00z'");
    tu_repr_is(m->l1.items[2]->a->value, "255");
    tu_repr_is(m->l1.items[3]->a->value, "10005.0");
    tu_repr_is(m->l1.items[4]->a->value, "'\\\\n'");
    gk__ast_arena_free(&a);
}
END_TEST

START_TEST(test_fstring_tree)
{
    gk__ast_arena a;
    gk__ast *m = parse("f'a{x!r:>{w}}b'\n", &a);
    gk__ast *js = m->l1.items[0]->a;
    ck_assert_int_eq(js->kind, GK_AST_JOINEDSTR);
    ck_assert_uint_eq(js->l1.n, 3);
    gk__ast *fv = js->l1.items[1];
    ck_assert_int_eq(fv->kind, GK_AST_FORMATTEDVALUE);
    ck_assert_int_eq(fv->op, 'r');
    ck_assert_ptr_nonnull(fv->b);
    ck_assert_int_eq(fv->b->kind, GK_AST_JOINEDSTR);
    gk__ast_arena_free(&a);
}
END_TEST

typedef struct {
    const char *src;
    gk_type *type;
    const char *msg;
    int line, offset, end_line, end_offset;
} err_case;

static void check_error(const err_case *c)
{
    gk_object *fname = tu_str("f.py");
    gk_object *code = gk__compile_source(c->src, strlen(c->src), fname, 0);
    gk__decref(fname);
    ck_assert_msg(code == NULL, "compiled: %s", c->src);
    gk_object *e = gk__err_fetch();
    ck_assert_msg(GK_TYPE(e) == c->type, "%s: raised %s", c->src, GK_TYPE(e)->name);
    gk_object *msg = gk__getattr_cstr(e, "msg");
    ck_assert_msg(strcmp(gk__str_utf8(msg), c->msg) == 0, "%s: message '%s', expected '%s'", c->src,
                  gk__str_utf8(msg), c->msg);
    static const char *const attrs[] = { "lineno", "offset", "end_lineno", "end_offset" };
    const int want[] = { c->line, c->offset, c->end_line, c->end_offset };
    for (int i = 0; i < 4; i++) {
        gk_object *v = gk__getattr_cstr(e, attrs[i]);
        ck_assert_msg(v && gk__is_int(v) && gk__int_as_i64(v) == want[i], "%s: %s is %s, expected %d",
                      c->src, attrs[i], v ? gk__str_utf8(gk__repr(v)) : "missing", want[i]);
        gk__decref(v);
    }
    gk_object *fn = gk__getattr_cstr(e, "filename");
    ck_assert_str_eq(gk__str_utf8(fn), "f.py");
    gk__decref(fn);
    gk__decref(msg);
    gk__decref(e);
}

START_TEST(test_syntax_errors_like_python3)
{
    /* msg, lineno, offset, end_lineno, end_offset: python3 3.11's values. */
    static const err_case cases[] = {
        { "x = (1,\n", &gk__exc_SyntaxError, "'(' was never closed", 1, 5, 1, 0 },
        { "def f(:\n  pass\n", &gk__exc_SyntaxError, "invalid syntax", 1, 7, 1, 8 },
        { "a = 1 +\n", &gk__exc_SyntaxError, "invalid syntax", 1, 8, 1, 8 },
        { "return 5\n", &gk__exc_SyntaxError, "'return' outside function", 1, 1, 1, 9 },
        { "def f():\n    nonlocal x\n", &gk__exc_SyntaxError, "no binding for nonlocal 'x' found", 2, 5, 2, 15 },
        { "nonlocal x\n", &gk__exc_SyntaxError, "nonlocal declaration not allowed at module level", 1, 1, 1, 11 },
        { "break\n", &gk__exc_SyntaxError, "'break' outside loop", 1, 1, 1, 6 },
        { "def f():\n    x = 1\n    global x\n", &gk__exc_SyntaxError, "name 'x' is assigned to before global declaration", 3, 5, 3, 13 },
        { "f(x for x in y, 1)\n", &gk__exc_SyntaxError, "Generator expression must be parenthesized", 1, 3, 1, 15 },
        { "f(a=1, a=2)\n", &gk__exc_SyntaxError, "keyword argument repeated: a", 1, 8, 1, 11 },
        { "f(**k, *a)\n", &gk__exc_SyntaxError, "iterable argument unpacking follows keyword argument unpacking", 1, 8, 1, 9 },
        { "del f()\n", &gk__exc_SyntaxError, "cannot delete function call", 1, 5, 1, 8 },
        { "(a, b) += 1\n", &gk__exc_SyntaxError, "'tuple' is an illegal expression for augmented assignment", 1, 1, 1, 7 },
        { "x = yield\n", &gk__exc_SyntaxError, "'yield' outside function", 1, 5, 1, 10 },
        { "class C:\n    return 1\n", &gk__exc_SyntaxError, "'return' outside function", 2, 5, 2, 13 },
        { "def f(a, a): pass\n", &gk__exc_SyntaxError, "duplicate argument 'a' in function definition", 1, 10, 1, 11 },
        { "def f():\n    x\n    global x\n", &gk__exc_SyntaxError, "name 'x' is used prior to global declaration", 3, 5, 3, 13 },
        { "if x:\npass\n", &gk__exc_IndentationError, "expected an indented block after 'if' statement on line 1", 2, 1, 2, 5 },
        { "a b\n", &gk__exc_SyntaxError, "invalid syntax", 1, 3, 1, 4 },
        { "print 'x'\n", &gk__exc_SyntaxError, "Missing parentheses in call to 'print'. Did you mean print(...)?", 1, 1, 1, 10 },
        { "x = [1, 2\ny = 3\n", &gk__exc_SyntaxError, "'[' was never closed", 1, 5, 1, 0 },
        { "f'{'\n", &gk__exc_SyntaxError, "f-string: expecting '}'", 1, 5, 1, 5 },
        { "for x in 1, 2:\n  continue\nelse:\n  continue\n", &gk__exc_SyntaxError, "'continue' not properly in loop", 4, 3, 4, 11 },
        { "1 = x\n", &gk__exc_SyntaxError, "cannot assign to literal here. Maybe you meant '==' instead of '='?", 1, 1, 1, 2 },
        { "None = 1\n", &gk__exc_SyntaxError, "cannot assign to None", 1, 1, 1, 5 },
        { "def f(*): pass\n", &gk__exc_SyntaxError, "named arguments must follow bare *", 1, 7, 1, 8 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_error(&cases[i]);
}
END_TEST

START_TEST(test_error_text)
{
    const char *src = "x = 1\ny = (2 +\n      3 +)\n";
    gk_object *fname = tu_str("f.py");
    ck_assert_ptr_null(gk__compile_source(src, strlen(src), fname, 0));
    gk__decref(fname);
    gk_object *e = gk__err_fetch();
    gk_object *text = gk__getattr_cstr(e, "text");
    ck_assert_str_eq(gk__str_utf8(text), "      3 +)\n");
    gk__decref(text);
    gk__decref(e);
}
END_TEST

START_TEST(test_eval_mode)
{
    gk__ast_arena a;
    gk__ast_arena_init(&a);
    gk_object *fname = tu_str("<e>");
    gk__ast *m = gk__parse("1 + 2", 5, fname, 2, &a);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(m->l1.n, 1);
    ck_assert_int_eq(m->l1.items[0]->kind, GK_AST_EXPR);
    gk__ast_arena_free(&a);
    gk__ast_arena_init(&a);
    ck_assert_ptr_null(gk__parse("x = 1", 5, fname, 2, &a));     /* a statement is no expression */
    tu_raised(&gk__exc_SyntaxError, NULL);
    gk__ast_arena_free(&a);
    gk__decref(fname);
}
END_TEST

Suite *gk_parser_suite(void)
{
    Suite *s = tu_suite("parser");
    TU_ADD(s, "parser", test_tree_shapes, test_positions, test_constants_folded_in_parser, test_fstring_tree, test_syntax_errors_like_python3, test_error_text, test_eval_mode);
    return s;
}
