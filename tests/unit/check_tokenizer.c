/*
 * tests/unit/check_tokenizer.c - vm/lang/tokenizer.c: token streams
 * (names, keywords, numbers, strings, operators, NEWLINE and INDENT/DEDENT),
 * positions in characters, implicit line joining inside brackets, and the
 * lexical errors with their python3 positions.
 */
#include "check_util.h"
#include "lang/tokenizer.h"

Suite *gk_tokenizer_suite(void);

static const char *const type_names[] = {
    "END", "NAME", "NUMBER", "STRING", "NL", "INDENT", "DEDENT", "OP", "ERROR"
};

/* Tokenizes src and renders the stream as "NAME:x OP:= NUMBER:1 NL END". */
static char *render(const char *src, gk__tokens *out)
{
    memset(out, 0, sizeof *out);
    ck_assert_int_eq(gk__tokenize(src, strlen(src), src, 1, false, out), 0);
    static char buf[2048];
    buf[0] = 0;
    for (size_t i = 0; i < out->n; i++) {
        gk__token *t = &out->toks[i];
        size_t used = strlen(buf);
        if (t->type == GK_TOK_NAME || t->type == GK_TOK_NUMBER || t->type == GK_TOK_STRING ||
            t->type == GK_TOK_OP)
            snprintf(buf + used, sizeof buf - used, "%s%s:%.*s", i ? " " : "", type_names[t->type],
                     (int)t->len, t->start);
        else
            snprintf(buf + used, sizeof buf - used, "%s%s", i ? " " : "", type_names[t->type]);
    }
    return buf;
}

static void stream_is(const char *src, const char *want)
{
    gk__tokens t;
    char *got = render(src, &t);
    ck_assert_msg(strcmp(got, want) == 0, "tokens of %s:\n got  %s\n want %s", src, got, want);
    gk__tokens_free(&t);
}

START_TEST(test_simple_statement)
{
    stream_is("x = 1\n", "NAME:x OP:= NUMBER:1 NL END");
    stream_is("x=y+2.5e-3", "NAME:x OP:= NAME:y OP:+ NUMBER:2.5e-3 NL END");
    stream_is("a **= b // c", "NAME:a OP:**= NAME:b OP:// NAME:c NL END");
    stream_is("f(a, *b, **c) -> d", "NAME:f OP:( NAME:a OP:, OP:* NAME:b OP:, OP:** NAME:c OP:) OP:-> NAME:d NL END");
    stream_is("x := 0x_ff if a != b else 0b1_0", "NAME:x OP::= NUMBER:0x_ff NAME:if NAME:a OP:!= NAME:b NAME:else NUMBER:0b1_0 NL END");
    stream_is("...", "OP:... NL END");
}
END_TEST

START_TEST(test_keywords)
{
    gk__tokens t;
    render("if not x: pass\nwhile_ = None\n", &t);
    ck_assert_int_eq(t.toks[0].kw, GK_KW_if);
    ck_assert_int_eq(t.toks[1].kw, GK_KW_not);
    ck_assert_int_eq(t.toks[2].kw, 0);
    ck_assert_int_eq(t.toks[4].kw, GK_KW_pass);
    ck_assert_int_eq(t.toks[6].kw, 0);          /* while_ is a plain name */
    ck_assert_int_eq(t.toks[8].kw, GK_KW_None);
    ck_assert_int_eq(t.toks[1].type, GK_TOK_NAME);
    gk__tokens_free(&t);
}
END_TEST

START_TEST(test_indent_dedent)
{
    stream_is("if a:\n    b\n    if c:\n        d\ne\n",
              "NAME:if NAME:a OP:: NL INDENT NAME:b NL NAME:if NAME:c OP:: NL INDENT NAME:d NL "
              "DEDENT DEDENT NAME:e NL END");
    /* Blank and comment-only lines change nothing. */
    stream_is("if a:\n\n    # note\n    b\n", "NAME:if NAME:a OP:: NL INDENT NAME:b NL DEDENT END");
    /* At the end of input every open block is closed. */
    stream_is("def f():\n  return 1", "NAME:def NAME:f OP:( OP:) OP:: NL INDENT NAME:return NUMBER:1 NL DEDENT END");
}
END_TEST

START_TEST(test_brackets_join_lines)
{
    stream_is("x = (1,\n     2)\ny = [\n]\n",
              "NAME:x OP:= OP:( NUMBER:1 OP:, NUMBER:2 OP:) NL NAME:y OP:= OP:[ OP:] NL END");
    stream_is("x = 1 + \\\n    2\n", "NAME:x OP:= NUMBER:1 OP:+ NUMBER:2 NL END");
    gk__tokens t;
    render("f(a[1])", &t);
    ck_assert_int_eq(t.toks[0].level, 0);
    ck_assert_int_eq(t.toks[2].level, 1);    /* a */
    ck_assert_int_eq(t.toks[4].level, 2);    /* 1 */
    ck_assert_int_eq(t.toks[4].open_char, '[');
    gk__tokens_free(&t);
}
END_TEST

START_TEST(test_strings)
{
    stream_is("s = 'a' \"b\" rb'\\x' f'{x}'\n", "NAME:s OP:= STRING:'a' STRING:\"b\" STRING:rb'\\x' STRING:f'{x}' NL END");
    stream_is("'''one\ntwo''' + x\n", "STRING:'''one\ntwo''' OP:+ NAME:x NL END");
    /* A prefix that is not a string prefix is a name. */
    stream_is("ub'x'", "NAME:ub STRING:'x' NL END");
}
END_TEST

START_TEST(test_positions_in_characters)
{
    gk__tokens t;
    render("\xc3\xa9t\xc3\xa9 = 'h\xc3\xa9' + x\nif y:\n    z\n", &t);
    /* été = 'hé' + x: columns count characters, not bytes. */
    ck_assert_int_eq(t.toks[0].col, 0);
    ck_assert_int_eq(t.toks[0].end_col, 3);
    ck_assert_int_eq(t.toks[1].col, 4);
    ck_assert_int_eq(t.toks[2].col, 6);
    ck_assert_int_eq(t.toks[2].end_col, 10);
    ck_assert_int_eq(t.toks[4].col, 13);
    ck_assert_int_eq(t.toks[4].line, 1);
    ck_assert_int_eq(t.toks[6].line, 2);   /* if */
    ck_assert_int_eq(t.toks[10].line, 3);  /* INDENT */
    ck_assert_int_eq(t.toks[11].col, 4);   /* z */
    gk__tokens_free(&t);
    ck_assert_int_eq(gk__char_col("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z", "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z" + 10), 4);
}
END_TEST

START_TEST(test_utf8_decode)
{
    int len;
    const char *s = "\xe2\x82\xac";
    ck_assert_int_eq(gk__utf8_decode(s, s + 3, &len), 0x20AC);
    ck_assert_int_eq(len, 3);
    s = "\xf0\x9f\x98\x80";
    ck_assert_int_eq(gk__utf8_decode(s, s + 4, &len), 0x1F600);
    ck_assert_int_eq(len, 4);
    s = "\xe2\x82";                        /* truncated */
    ck_assert_int_eq(gk__utf8_decode(s, s + 2, &len), -1);
    ck_assert_int_eq(len, 1);
    s = "\x80";                            /* lone continuation byte */
    ck_assert_int_eq(gk__utf8_decode(s, s + 1, &len), -1);
}
END_TEST

/* Tokenizes src expecting a lexical error: checks kind, message start,
 * line and 1-based offset as python3 reports them. */
static void error_is(const char *src, int kind, const char *msg, int line, int offset)
{
    gk__tokens t;
    render(src, &t);
    ck_assert_msg(t.has_error, "no error for %s", src);
    ck_assert_int_eq(t.toks[t.n - 1].type, GK_TOK_ERROR);
    ck_assert_int_eq(t.err_kind, kind);
    ck_assert_msg(strncmp(t.err_msg, msg, strlen(msg)) == 0, "message '%s', expected '%s'", t.err_msg, msg);
    ck_assert_int_eq(t.err_line, line);
    ck_assert_int_eq(t.err_offset, offset);
    gk__tokens_free(&t);
}

START_TEST(test_errors)
{
    /* Positions checked against python3 3.11's SyntaxError.lineno/offset. */
    error_is("x = 'abc\n", GK_TOKERR_SYNTAX, "unterminated string literal (detected at line 1)", 1, 5);
    error_is("a = 1\nb = '''x\n\n", GK_TOKERR_SYNTAX, "unterminated triple-quoted string literal", 2, 5);
    error_is("if a:\n        b\n    c\n", GK_TOKERR_INDENT, "unindent does not match any outer indentation level", 3, 6);
    error_is("x = a\xe2\x82\xac" "b\n", GK_TOKERR_SYNTAX, "invalid character '\xe2\x82\xac' (U+20AC)", 1, 6);
    error_is("x = 1_\n", GK_TOKERR_SYNTAX, "invalid decimal literal", 1, 6);
    error_is("0o8\n", GK_TOKERR_SYNTAX, "invalid digit '8' in octal literal", 1, 3);
    error_is("0o_8\n", GK_TOKERR_SYNTAX, "invalid digit '8' in octal literal", 1, 4);
    error_is("0x\n", GK_TOKERR_SYNTAX, "invalid hexadecimal literal", 1, 2);
    error_is("x = 0b12\n", GK_TOKERR_SYNTAX, "invalid digit '2' in binary literal", 1, 8);
    error_is("if a:\n\tb\n        c\n", GK_TOKERR_TAB, "inconsistent use of tabs and spaces in indentation", 3, 1);
}
END_TEST

START_TEST(test_unclosed_bracket)
{
    gk__tokens t;
    render("x = [1,\n  2,\n", &t);
    ck_assert(t.has_error);
    ck_assert_str_eq(t.err_msg, "'[' was never closed");
    ck_assert_int_eq(t.err_line, 1);
    ck_assert_int_eq(t.err_offset, 5);
    ck_assert(t.err_eof);
    gk__tokens_free(&t);
}
END_TEST

START_TEST(test_fstring_expr_mode)
{
    /* Inside an f-string replacement field no NEWLINE is produced. */
    gk__tokens t;
    memset(&t, 0, sizeof t);
    const char *src = "a +\n b";
    ck_assert_int_eq(gk__tokenize(src, strlen(src), src, 1, true, &t), 0);
    ck_assert(!t.has_error);
    for (size_t i = 0; i < t.n; i++)
        ck_assert_int_ne(t.toks[i].type, GK_TOK_NEWLINE);
    ck_assert_int_eq(t.toks[t.n - 1].type, GK_TOK_ENDMARKER);
    gk__tokens_free(&t);
}
END_TEST

Suite *gk_tokenizer_suite(void)
{
    Suite *s = tu_suite("tokenizer");
    TU_ADD(s, "streams", test_simple_statement, test_keywords, test_indent_dedent,
           test_brackets_join_lines, test_strings, test_fstring_expr_mode);
    TU_ADD(s, "positions", test_positions_in_characters, test_utf8_decode);
    TU_ADD(s, "errors", test_errors, test_unclosed_bracket);
    return s;
}
