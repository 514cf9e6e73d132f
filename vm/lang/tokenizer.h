/*
 * vm/lang/tokenizer.h - the tokenizer of the front end (tokenizer.c).
 *
 * The whole source is turned into an array of tokens up front (the parser
 * needs arbitrary lookahead).  A lexical error ends the array with a
 * GK_TOK_ERROR token; the error itself is described in the gk__tokens
 * record and reported by the parser when it reaches that token, so that
 * an earlier syntax error wins, as in python3.
 */
#ifndef GK_VM_TOKENIZER_H
#define GK_VM_TOKENIZER_H

#include <stddef.h>
#include <stdbool.h>

enum gk__tok_type {
    GK_TOK_ENDMARKER, GK_TOK_NAME, GK_TOK_NUMBER, GK_TOK_STRING, GK_TOK_NEWLINE,
    GK_TOK_INDENT, GK_TOK_DEDENT, GK_TOK_OP, GK_TOK_ERROR
};

/* Operator codes: the characters packed into an int. */
#define GK_OP1(a) ((int)(unsigned char)(a))
#define GK_OP2(a, b) (((int)(unsigned char)(a) << 8) | (unsigned char)(b))
#define GK_OP3(a, b, c) (((int)(unsigned char)(a) << 16) | ((int)(unsigned char)(b) << 8) | (unsigned char)(c))

/* Keywords (token.kw of a NAME token; 0 for plain names). */
#define GK_KEYWORDS(X) \
    X(False) X(None) X(True) X(and) X(as) X(assert) X(async) X(await) X(break) \
    X(class) X(continue) X(def) X(del) X(elif) X(else) X(except) X(finally) X(for) \
    X(from) X(global) X(if) X(import) X(in) X(is) X(lambda) X(nonlocal) X(not) \
    X(or) X(pass) X(raise) X(return) X(try) X(while) X(with) X(yield)

enum gk__keyword {
    GK_KW_NONE_ = 0,
#define X(k) GK_KW_##k,
    GK_KEYWORDS(X)
#undef X
    GK_KW_COUNT
};

typedef struct gk__token {
    int type;                  /* enum gk__tok_type */
    int op;                    /* GK_OP* code for GK_TOK_OP */
    int kw;                    /* enum gk__keyword for GK_TOK_NAME */
    const char *start;         /* bytes of the token in the source */
    size_t len;
    int line, col, end_line, end_col;  /* col in characters, 0-based */
    int level;                 /* bracket depth before this token */
    int open_line, open_col;   /* innermost open bracket when level > 0 */
    char open_char;
} gk__token;

/* Error kinds. */
enum { GK_TOKERR_SYNTAX = 0, GK_TOKERR_INDENT = 1, GK_TOKERR_TAB = 2 };

typedef struct gk__tokens {
    gk__token *toks;
    size_t n, cap;
    /* The lexical error ending the array, if any. */
    bool has_error;
    int err_kind;              /* GK_TOKERR_* */
    char err_msg[200];
    int err_line, err_offset, err_end_line, err_end_offset;  /* offsets 1-based */
    bool err_text_newline;     /* text includes the line's newline */
    bool err_eof;              /* the error is an unclosed bracket or EOF after '\\' */
} gk__tokens;

/* Tokenizes src[0..size).  line_start: start of the line holding src (for
 * columns; src itself when it begins a line); first_line: its number.
 * fstring_expr: tokenizing the expression of an f-string replacement field
 * (inside implicit brackets: no NEWLINE/INDENT tokens).  Returns 0, or -1
 * when out of memory (MemoryError raised). */
int gk__tokenize(const char *src, size_t size, const char *line_start, int first_line,
                 bool fstring_expr, gk__tokens *out);
void gk__tokens_free(gk__tokens *t);

/* Column in characters of byte p on the line starting at line_start. */
int gk__char_col(const char *line_start, const char *p);
/* Decodes one UTF-8 sequence at s (< end); stores its length; returns the
 * code point or -1 if invalid. */
long gk__utf8_decode(const char *s, const char *end, int *len);

#endif
