/*
 * tests/unit/check_code.c - vm/lang/code.c: code objects built by hand with gk__code_new and run, line numbers of instructions (tracebacks use them), the co_* attributes as python3 3.11 shows them, and the opcode name table.
 */
#include "check_util.h"
#include "code.h"

Suite *gk_code_suite(void);

/* A hand-assembled code object computing consts[0] OP consts[1]. */
static gk_object *assemble(int op, gk_object *a, gk_object *b)
{
    const gk_instr ins[] = {
        GK_INSTR(GK_OP_LOAD_CONST, 0), GK_INSTR(GK_OP_LOAD_CONST, 1),
        GK_INSTR(GK_OP_BINARY_OP, op), GK_INSTR(GK_OP_RETURN_VALUE, 0),
    };
    const uint32_t lines[] = { 7, 7, 8, 9 };
    const uint16_t cols[] = { 0, 4, 0, 0 };
    gk_object *consts = gk__tuple_pack(2, a, b);
    gk_object *name = tu_str("calc"), *fname = tu_str("hand.py");
    gk_object *co = gk__code_new(ins, 4, lines, cols, consts, gk__empty_tuple, gk__empty_tuple,
                                 gk__empty_tuple, gk__empty_tuple, name, name, fname, 0, 0, 0, 2, 0, 0, 7);
    ck_assert_ptr_nonnull(co);
    gk__decref(consts); gk__decref(name); gk__decref(fname);
    return co;
}

START_TEST(test_hand_assembled)
{
    gk_object *a = tu_int(6), *b = tu_int(7);
    gk_object *co = assemble(GK_BINOP_MUL, a, b);
    gk_code *c = (gk_code *)co;
    ck_assert_uint_eq(c->ninstrs, 4);
    ck_assert_int_eq(gk__code_line_at(c, 2), 8);
    ck_assert_int_eq(gk__code_line_at(c, 100), 9);     /* past the end: the last line */
    ck_assert_str_eq(gk__str_utf8(c->filename), "hand.py");
    gk_object *g = gk__dict_new();
    gk_object *r = gk__eval_code(co, g, g);
    tu_repr_is(r, "42");
    gk__decref(r);
    gk__decref(co);
    /* An error inside is reported at the instruction's line in the traceback. */
    gk_object *z = tu_int(0);
    co = assemble(GK_BINOP_FLOORDIV, a, z);
    ck_assert_ptr_null(gk__eval_code(co, g, g));
    gk_object *e = gk__err_fetch();
    ck_assert(gk__type_is_subtype(GK_TYPE(e), &gk__exc_ZeroDivisionError));
    gk_traceback *tb = (gk_traceback *)gk__exc_traceback(e);
    ck_assert_ptr_nonnull(tb);
    ck_assert_int_eq(tb->lineno, 8);
    gk__decref(e); gk__decref(co); gk__decref(z); gk__decref(g); gk__decref(a); gk__decref(b);
}
END_TEST

START_TEST(test_attributes_from_python)
{
    gk_object *d = tu_run("def f(a, /, b, *c, d, **e):\n    g = 1\n    return lambda: g\n"
                          "co = f.__code__\n"
                          "r = (co.co_name, co.co_argcount, co.co_posonlyargcount, co.co_kwonlyargcount,\n"
                          "     co.co_varnames, co.co_cellvars, co.co_flags & 0x2f, co.co_firstlineno)\n"
                          "s = repr(co).startswith('<code object f at 0x')\n");
    tu_repr_is(gk__dict_get_cstr(d, "r"), "('f', 2, 1, 1, ('a', 'b', 'd', 'c', 'e'), ('g',), 15, 1)");
    ck_assert_ptr_eq(gk__dict_get_cstr(d, "s"), GK_TRUE);
    gk__decref(d);
}
END_TEST

START_TEST(test_opcode_names)
{
    ck_assert_str_eq(gk__opcode_names[GK_OP_LOAD_CONST], "LOAD_CONST");
    ck_assert_str_eq(gk__opcode_names[GK_OP_RETURN_VALUE], "RETURN_VALUE");
    for (int i = 0; i < GK_OP_COUNT; i++)
        ck_assert_ptr_nonnull(gk__opcode_names[i]);
}
END_TEST

Suite *gk_code_suite(void)
{
    Suite *s = tu_suite("code");
    TU_ADD(s, "code", test_hand_assembled, test_attributes_from_python, test_opcode_names);
    return s;
}
