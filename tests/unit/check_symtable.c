/*
 * tests/unit/check_symtable.c - vm/lang/symtable.c: how names resolve (local, cell, free, implicit and explicit global) in functions, nested functions, classes, comprehensions and generators; private-name mangling; and the scope errors python3 3.11 reports.
 */
#include "check_util.h"
#include "lang/symtable.h"

Suite *gk_symtable_suite(void);

/* Builds the symbol table of src; the caller frees st and the arena. */
static gk__ast *build(const char *src, gk__ast_arena *a, gk__symtable *st)
{
    gk__ast_arena_init(a);
    gk_object *fname = tu_str("s.py");
    gk__ast *m = gk__parse(src, strlen(src), fname, 0, a);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(gk__symtable_build(st, m, fname), 0);
    gk__decref(fname);
    return m;
}

static int scope_of(gk__ste *ste, const char *name)
{
    gk_object *n = tu_str(name);
    int s = gk__ste_scope(ste, n);
    gk__decref(n);
    return s;
}

START_TEST(test_function_scopes)
{
    gk__ast_arena a;
    gk__symtable st;
    gk__ast *m = build("g = 1\n"
                       "def outer(p):\n"
                       "    c = 1\n"
                       "    l = 2\n"
                       "    def inner():\n"
                       "        nonlocal l\n"
                       "        global g2\n"
                       "        return c + l + g + len\n"
                       "    return inner\n", &a, &st);
    gk__ste *mod = st.top;
    ck_assert_int_eq(mod->kind, GK_BLOCK_MODULE);
    gk__ste *outer = gk__ste_child(mod, m->l1.items[1]);
    ck_assert_ptr_nonnull(outer);
    ck_assert_int_eq(outer->kind, GK_BLOCK_FUNCTION);
    ck_assert_int_eq(scope_of(outer, "p"), GK_SCOPE_LOCAL);
    ck_assert_int_eq(scope_of(outer, "c"), GK_SCOPE_CELL);   /* captured by inner */
    ck_assert_int_eq(scope_of(outer, "l"), GK_SCOPE_CELL);
    ck_assert_uint_eq(outer->nparams, 1);
    gk__ste *inner = gk__ste_child(outer, m->l1.items[1]->l1.items[2]);
    ck_assert_ptr_nonnull(inner);
    ck_assert_int_eq(scope_of(inner, "c"), GK_SCOPE_FREE);
    ck_assert_int_eq(scope_of(inner, "l"), GK_SCOPE_FREE);
    ck_assert_int_eq(scope_of(inner, "g"), GK_SCOPE_GLOBAL_IMPLICIT);
    ck_assert_int_eq(scope_of(inner, "len"), GK_SCOPE_GLOBAL_IMPLICIT);
    ck_assert_int_eq(scope_of(inner, "g2"), GK_SCOPE_GLOBAL_EXPLICIT);
    ck_assert(inner->is_nested);
    gk__symtable_free(&st);
    gk__ast_arena_free(&a);
}
END_TEST

START_TEST(test_class_and_comprehension_scopes)
{
    gk__ast_arena a;
    gk__symtable st;
    gk__ast *m = build("def f(x):\n"
                       "    class C:\n"
                       "        y = x\n"
                       "        def m(self):\n"
                       "            return super().m() + y\n"
                       "    return [x * i for i in range(3)]\n"
                       "def gen():\n"
                       "    yield 1\n", &a, &st);
    gk__ste *f = gk__ste_child(st.top, m->l1.items[0]);
    ck_assert_int_eq(scope_of(f, "x"), GK_SCOPE_CELL);       /* used by the class body and the listcomp */
    gk__ste *c = gk__ste_child(f, m->l1.items[0]->l1.items[0]);
    ck_assert_int_eq(c->kind, GK_BLOCK_CLASS);
    ck_assert(c->needs_class_closure);                       /* super() needs __class__ */
    ck_assert_int_eq(scope_of(c, "y"), GK_SCOPE_LOCAL);
    gk__ste *meth = c->children[0];
    /* class-body names are not visible in methods: y is global there */
    ck_assert_int_eq(scope_of(meth, "y"), GK_SCOPE_GLOBAL_IMPLICIT);
    gk__ste *comp = NULL;
    for (size_t i = 0; i < f->nchildren; i++)
        if (f->children[i]->is_comprehension)
            comp = f->children[i];
    ck_assert_ptr_nonnull(comp);
    ck_assert_int_eq(scope_of(comp, "i"), GK_SCOPE_LOCAL);
    ck_assert_int_eq(scope_of(comp, "x"), GK_SCOPE_FREE);
    gk__ste *g = gk__ste_child(st.top, m->l1.items[1]);
    ck_assert(g->is_generator);
    ck_assert(!f->is_generator);
    gk__symtable_free(&st);
    gk__ast_arena_free(&a);
}
END_TEST

START_TEST(test_mangle)
{
    gk_object *cls = tu_str("_Foo"), *n = tu_str("__x"), *dunder = tu_str("__x__"), *plain = tu_str("_y");
    gk_object *r = gk__mangle(cls, n);
    ck_assert_str_eq(gk__str_utf8(r), "_Foo__x");                /* leading underscores of the class dropped */
    gk__decref(r);
    r = gk__mangle(cls, dunder);
    ck_assert_ptr_eq(r, dunder);
    gk__decref(r);
    r = gk__mangle(cls, plain);
    ck_assert_ptr_eq(r, plain);
    gk__decref(r);
    r = gk__mangle(NULL, n);
    ck_assert_ptr_eq(r, n);
    gk__decref(r);
    gk_object *under = tu_str("___");
    r = gk__mangle(under, n);                                    /* a class of underscores only: no mangling */
    ck_assert_ptr_eq(r, n);
    gk__decref(r);
    gk_object *d = tu_run("class _Foo:\n    __x = 1\n    def get(self): return self.__x\nv = _Foo().get()\nm = hasattr(_Foo, '_Foo__x')\n");
    ck_assert_int_eq(tu_get_int(d, "v"), 1);
    ck_assert_ptr_eq(gk__dict_get_cstr(d, "m"), GK_TRUE);
    gk__decref(d); gk__decref(under); gk__decref(cls); gk__decref(n); gk__decref(dunder); gk__decref(plain);
}
END_TEST

START_TEST(test_errors)
{
    static const struct { const char *src, *msg; int line; } cases[] = {
        { "nonlocal x\n", "nonlocal declaration not allowed at module level", 1 },
        { "def f():\n    nonlocal x\n", "no binding for nonlocal 'x' found", 2 },
        { "def f():\n    x = 1\n    global x\n", "name 'x' is assigned to before global declaration", 3 },
        { "def f():\n    x\n    global x\n", "name 'x' is used prior to global declaration", 3 },
        { "def f(a):\n    global a\n", "name 'a' is parameter and global", 2 },
        { "def f(a, a): pass\n", "duplicate argument 'a' in function definition", 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk__ast_arena a;
        gk__symtable st;
        gk__ast_arena_init(&a);
        gk_object *fname = tu_str("s.py");
        gk__ast *m = gk__parse(cases[i].src, strlen(cases[i].src), fname, 0, &a);
        if (m) {
            ck_assert_int_eq(gk__symtable_build(&st, m, fname), -1);
            gk__symtable_free(&st);
        }
        gk_object *e = gk__err_fetch();
        ck_assert_ptr_nonnull(e);
        gk_object *msg = gk__getattr_cstr(e, "msg"), *line = gk__getattr_cstr(e, "lineno");
        ck_assert_str_eq(gk__str_utf8(msg), cases[i].msg);
        ck_assert_int_eq(gk__int_as_i64(line), cases[i].line);
        gk__decref(msg); gk__decref(line); gk__decref(e); gk__decref(fname);
        gk__ast_arena_free(&a);
    }
}
END_TEST

Suite *gk_symtable_suite(void)
{
    Suite *s = tu_suite("symtable");
    TU_ADD(s, "symtable", test_function_scopes, test_class_and_comprehension_scopes, test_mangle, test_errors);
    return s;
}
