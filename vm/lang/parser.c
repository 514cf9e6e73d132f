/*
 * vm/lang/parser.c - recursive-descent parser for the Python 3.11 subset:
 * tokens (tokenizer.c) to the tree of ast.h, including literal decoding
 * (numbers, strings, bytes, f-strings) and SyntaxError reporting with
 * python3's messages and locations.  Also gk__compile_source.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include "ast.h"
#include "tokenizer.h"
#include "../objects.h"

enum { ERR_NONE = 0, ERR_SYNTAX = 1, ERR_PENDING = 2 };
enum { TEXT_NL = 0, TEXT_NONL = 1, TEXT_NONE = 2 };
#define MAX_DEPTH 200

typedef struct parser {
    gk__tokens tk;
    size_t pos;
    gk__ast_arena *arena;
    gk_object *filename;
    const char *src, *src_end;     /* the whole source (error text lines) */
    int err;
    gk_type *etype;
    char emsg[300];
    int eline, eoff, eend_line, eend_off, etext;
    size_t epos;                   /* token index where the error was found */
    bool lexical;                  /* the error came from the tokenizer */
    int depth;
    bool fexpr;                    /* parsing an f-string replacement field */
    gk__token *last_expr_start;    /* the outermost expression that ended ... */
    size_t last_expr_end;          /* ... just before token index last_expr_end */
} parser;

typedef struct vec { gk__ast **items; size_t n, cap; } vec;

/* A growable byte buffer (malloc'd). */
typedef struct buf { char *d; size_t n, cap; } buf;

/* ------------------------------------------------------------------ */
/* Errors                                                              */

static void set_error(parser *p, gk_type *type, int line, int off, int end_line, int end_off,
                      int text, const char *fmt, ...)
{
    if (p->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->emsg, sizeof p->emsg, fmt, ap);
    va_end(ap);
    p->err = ERR_SYNTAX;
    p->etype = type;
    p->eline = line;
    p->eoff = off;
    p->eend_line = end_line;
    p->eend_off = end_off;
    p->etext = text;
    p->epos = p->pos;
}

#define SYNTAX (&gk__exc_SyntaxError)

/* Error spanning a node. */
static void *err_node(parser *p, gk__ast *n, const char *fmt, const char *arg)
{
    set_error(p, SYNTAX, n->line, n->col + 1, n->end_line, n->end_col + 1, TEXT_NL, fmt, arg);
    return NULL;
}

static void *err_tok(parser *p, gk__token *t, const char *msg)
{
    set_error(p, SYNTAX, t->line, t->col + 1, t->end_line, t->end_col + 1, TEXT_NL, "%s", msg);
    return NULL;
}

static void *pending(parser *p)
{
    if (!p->err)
        p->err = ERR_PENDING;
    return NULL;
}

static void lexical_error(parser *p)
{
    gk__tokens *t = &p->tk;
    gk_type *type = t->err_kind == GK_TOKERR_TAB ? &gk__exc_TabError
                    : t->err_kind == GK_TOKERR_INDENT ? &gk__exc_IndentationError : SYNTAX;
    set_error(p, type, t->err_line, t->err_offset, t->err_end_line, t->err_end_offset,
              t->err_text_newline ? TEXT_NL : TEXT_NONL, "%s", t->err_msg);
    p->lexical = true;
}

/* python3 lets a lexical error later in the file replace a syntax error
 * found by the parser (it tokenizes the rest of the file). */
static void prefer_lexical_error(parser *p)
{
    gk__tokens *t = &p->tk;
    if (p->err != ERR_SYNTAX || p->lexical || !t->has_error || p->fexpr)
        return;
    if (t->err_eof) {
        if (strstr(t->err_msg, "never closed") == NULL ||
            !(p->eline > t->err_line || p->tk.toks[p->epos].line > t->err_line ||
              p->epos + 1 >= t->n - 1))
            return;
    } else if (t->err_kind != GK_TOKERR_SYNTAX) {
        return;
    }
    p->err = ERR_NONE;
    lexical_error(p);
}

/* ------------------------------------------------------------------ */
/* Tokens                                                              */

static gk__token *peek(parser *p)
{
    gk__token *t = &p->tk.toks[p->pos];
    if (t->type == GK_TOK_ERROR)
        lexical_error(p);
    return t;
}

static gk__token *peek2(parser *p)
{
    size_t i = p->pos + 1 < p->tk.n ? p->pos + 1 : p->tk.n - 1;
    return &p->tk.toks[i];
}

static gk__token *advance(parser *p)
{
    gk__token *t = peek(p);
    if (t->type != GK_TOK_ENDMARKER && t->type != GK_TOK_ERROR)
        p->pos++;
    return t;
}

static gk__token *prev(parser *p) { return &p->tk.toks[p->pos ? p->pos - 1 : 0]; }

static bool is_op(gk__token *t, int op) { return t->type == GK_TOK_OP && t->op == op; }
static bool at_op(parser *p, int op) { return is_op(peek(p), op); }
static bool at_kw(parser *p, int kw) { gk__token *t = peek(p); return t->type == GK_TOK_NAME && t->kw == kw; }
static bool at_type(parser *p, int type) { return peek(p)->type == type; }

static bool accept_op(parser *p, int op)
{
    if (!at_op(p, op))
        return false;
    advance(p);
    return true;
}

static bool accept_kw(parser *p, int kw)
{
    if (!at_kw(p, kw))
        return false;
    advance(p);
    return true;
}

static bool starts_expr(gk__token *t);
static gk__ast *parse_expression(parser *p);

/* Inside brackets, an expression right after another one: python3 says
 * "Perhaps you forgot a comma?" over both. */
static bool comma_hint(parser *p, gk__token *t)
{
    gk__token *a = p->last_expr_start;
    if (!a || p->last_expr_end != p->pos || t->level == 0 || !starts_expr(t) || p->pos == 0)
        return false;
    gk__token *before = &p->tk.toks[p->pos - 1];
    if (before->type == GK_TOK_NAME && t->type == GK_TOK_STRING)
        return false;
    if (a->type == GK_TOK_NAME && a == before &&
        ((a->len == 5 && memcmp(a->start, "print", 5) == 0) || (a->len == 4 && memcmp(a->start, "exec", 4) == 0)))
        return false;
    size_t save = p->pos;
    int depth = p->depth;
    gk__ast *b = parse_expression(p);
    if (b && !p->err) {
        set_error(p, SYNTAX, a->line, a->col + 1, b->end_line, b->end_col + 1, TEXT_NL,
                  "invalid syntax. Perhaps you forgot a comma?");
        return true;
    }
    if (p->err == ERR_SYNTAX) {
        p->err = ERR_NONE;
        p->lexical = false;
    }
    p->pos = save;
    p->depth = depth;
    return p->err != ERR_NONE;
}

/* The generic error at the current token, like python3's "invalid syntax". */
static void *generic_error(parser *p)
{
    if (p->err)
        return NULL;
    gk__token *t = peek(p);
    if (p->err)
        return NULL;
    if (t->type == GK_TOK_INDENT) {
        int width = t->end_col;
        set_error(p, &gk__exc_IndentationError, t->line, width, t->line, -1, TEXT_NL,
                  "unexpected indent");
        return NULL;
    }
    if (t->type == GK_TOK_DEDENT) {
        set_error(p, &gk__exc_IndentationError, t->line, t->col + 1, t->line, -1, TEXT_NL,
                  "unexpected unindent");
        return NULL;
    }
    if (comma_hint(p, t))
        return NULL;
    if (t->type == GK_TOK_NEWLINE || t->type == GK_TOK_ENDMARKER)
        set_error(p, SYNTAX, t->line, t->col + 1, t->line, t->col + 1, TEXT_NL, "invalid syntax");
    else
        err_tok(p, t, "invalid syntax");
    return NULL;
}

static bool expect_op(parser *p, int op)
{
    if (accept_op(p, op))
        return true;
    generic_error(p);
    return false;
}

/* A forced token: "expected ':'" when missing. */
static bool expect_colon(parser *p)
{
    if (accept_op(p, ':'))
        return true;
    if (p->err)
        return false;
    gk__token *t = peek(p);
    if (p->err)
        return false;
    if (t->type != GK_TOK_NEWLINE) {
        generic_error(p);
        return false;
    }
    set_error(p, SYNTAX, t->line, t->col + 1, t->line, t->col + 1, TEXT_NL, "expected ':'");
    return false;
}

/* ------------------------------------------------------------------ */
/* Nodes, lists, objects                                               */

static gk__ast *node(parser *p, int kind, int line, int col)
{
    gk__ast *n = gk__ast_alloc(p->arena, sizeof *n);
    if (!n)
        return pending(p);
    n->kind = kind;
    n->line = n->end_line = line;
    n->col = n->end_col = col;
    return n;
}

static gk__ast *node_tok(parser *p, int kind, gk__token *t) { return node(p, kind, t->line, t->col); }
static gk__ast *node_from(parser *p, int kind, gk__ast *start) { return node(p, kind, start->line, start->col); }

/* Sets n's end to the end of the last consumed token. */
static gk__ast *end_here(parser *p, gk__ast *n)
{
    gk__token *t = prev(p);
    n->end_line = t->end_line;
    n->end_col = t->end_col;
    return n;
}

static void end_at(gk__ast *n, gk__ast *last)
{
    n->end_line = last->end_line;
    n->end_col = last->end_col;
}

static int vpush(parser *p, vec *v, gk__ast *x)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        gk__ast **items = gk__ast_alloc(p->arena, cap * sizeof *items);
        if (!items) {
            pending(p);
            return -1;
        }
        if (v->n)
            memcpy(items, v->items, v->n * sizeof *items);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = x;
    return 0;
}

static gk__astlist vlist(vec *v)
{
    gk__astlist l = { v->items, v->n };
    return l;
}

/* Keeps a new reference alive in the arena (stolen); returns it borrowed. */
static gk_object *keep_new(parser *p, gk_object *o)
{
    if (!o)
        return pending(p);
    gk_object *r = gk__ast_keep(p->arena, o);
    gk__decref(o);
    return r ? r : pending(p);
}

static gk_object *intern_bytes(parser *p, const char *s, size_t n)
{
    char small[128];
    char *b = n < sizeof small ? small : malloc(n + 1);
    if (!b) {
        gk__raise_nomemory();
        return pending(p);
    }
    memcpy(b, s, n);
    b[n] = 0;
    gk_object *o = gk__str_intern(b);
    if (b != small)
        free(b);
    if (!o)
        return pending(p);
    return gk__ast_keep(p->arena, o) ? o : pending(p);
}

static gk_object *tok_name(parser *p, gk__token *t) { return intern_bytes(p, t->start, t->len); }

static gk__ast *const_node(parser *p, gk__token *t, gk_object *borrowed)
{
    gk__ast *n = node_tok(p, GK_AST_CONSTANT, t);
    if (!n)
        return NULL;
    if (!gk__ast_keep(p->arena, borrowed))
        return pending(p);
    n->value = borrowed;
    return end_here(p, n);
}

static int buf_add(parser *p, buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *d = realloc(b->d, cap);
        if (!d) {
            gk__raise_nomemory();
            pending(p);
            return -1;
        }
        b->d = d;
        b->cap = cap;
    }
    memcpy(b->d + b->n, s, n);
    b->n += n;
    b->d[b->n] = 0;
    return 0;
}

static int buf_add_cp(parser *p, buf *b, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    return buf_add(p, b, u, n);
}

/* ------------------------------------------------------------------ */
/* Forward declarations of the grammar                                 */

static gk__ast *parse_expression(parser *p);
static gk__ast *parse_named_expression(parser *p);
static gk__ast *parse_star_named_expression(parser *p);
static gk__ast *parse_star_expressions(parser *p);
static gk__ast *parse_disjunction(parser *p);
static gk__ast *parse_bitwise_or(parser *p);
static gk__ast *parse_factor(parser *p);
static gk__ast *parse_yield(parser *p);
static gk__ast *parse_strings(parser *p);
static int parse_statement(parser *p, vec *out);
static gk__ast *parse_arguments(parser *p, bool lambda);
static int parse_call_args(parser *p, vec *args, vec *kws, gk__token *open);
static int parse_comp_for(parser *p, vec *gens);

/* ------------------------------------------------------------------ */
/* Targets                                                             */

/* The name python3 uses for an expression in error messages. */
static const char *expr_name(gk__ast *e)
{
    switch (e->kind) {
    case GK_AST_ATTRIBUTE: return "attribute";
    case GK_AST_SUBSCRIPT: return "subscript";
    case GK_AST_STARRED: return "starred";
    case GK_AST_NAME: return "name";
    case GK_AST_LIST: return "list";
    case GK_AST_TUPLE: return "tuple";
    case GK_AST_LAMBDA: return "lambda";
    case GK_AST_CALL: return "function call";
    case GK_AST_BOOLOP: case GK_AST_BINOP: case GK_AST_UNARYOP: return "expression";
    case GK_AST_GENEXP: return "generator expression";
    case GK_AST_YIELD: case GK_AST_YIELDFROM: return "yield expression";
    case GK_AST_LISTCOMP: return "list comprehension";
    case GK_AST_SETCOMP: return "set comprehension";
    case GK_AST_DICTCOMP: return "dict comprehension";
    case GK_AST_DICT: return "dict literal";
    case GK_AST_SET: return "set display";
    case GK_AST_JOINEDSTR: case GK_AST_FORMATTEDVALUE: return "f-string expression";
    case GK_AST_COMPARE: return "comparison";
    case GK_AST_IFEXP: return "conditional expression";
    case GK_AST_NAMEDEXPR: return "named expression";
    case GK_AST_CONSTANT:
        if (e->value == GK_NONE) return "None";
        if (e->value == GK_TRUE) return "True";
        if (e->value == GK_FALSE) return "False";
        if (e->value == GK_ELLIPSIS) return "ellipsis";
        return "literal";
    default: return "expression";
    }
}

/* The first node in e that cannot be a target (NULL if all fine). */
static gk__ast *invalid_target(gk__ast *e, int ctx)
{
    switch (e->kind) {
    case GK_AST_NAME: case GK_AST_ATTRIBUTE: case GK_AST_SUBSCRIPT:
        return NULL;
    case GK_AST_STARRED:
        if (ctx == GK_CTX_DEL)
            return e;
        return invalid_target(e->a, ctx);
    case GK_AST_TUPLE: case GK_AST_LIST:
        for (size_t i = 0; i < e->l1.n; i++) {
            gk__ast *bad = invalid_target(e->l1.items[i], ctx);
            if (bad)
                return bad;
        }
        return NULL;
    default:
        return e;
    }
}

static void set_ctx(gk__ast *e, int ctx)
{
    switch (e->kind) {
    case GK_AST_NAME: case GK_AST_ATTRIBUTE: case GK_AST_SUBSCRIPT:
        e->op = ctx;
        break;
    case GK_AST_STARRED:
        e->op = ctx;
        set_ctx(e->a, ctx);
        break;
    case GK_AST_TUPLE: case GK_AST_LIST:
        e->op = ctx;
        for (size_t i = 0; i < e->l1.n; i++)
            set_ctx(e->l1.items[i], ctx);
        break;
    default:
        break;
    }
}

/* Checks starred targets: at most one per tuple/list, none bare. */
static int check_starred(parser *p, gk__ast *e, bool top)
{
    if (e->kind == GK_AST_STARRED && top) {
        set_error(p, SYNTAX, e->line, e->col + 1, e->end_line, e->end_col + 1, TEXT_NONE,
                  "starred assignment target must be in a list or tuple");
        return -1;
    }
    if (e->kind == GK_AST_TUPLE || e->kind == GK_AST_LIST) {
        int nstar = 0;
        for (size_t i = 0; i < e->l1.n; i++) {
            gk__ast *x = e->l1.items[i];
            if (x->kind == GK_AST_STARRED) {
                if (++nstar > 1) {
                    set_error(p, SYNTAX, e->line, e->col + 1, e->end_line, e->end_col + 1, TEXT_NONE,
                              "multiple starred expressions in assignment");
                    return -1;
                }
                x = x->a;
            }
            if (check_starred(p, x, false) < 0)
                return -1;
        }
    }
    return 0;
}

/* Makes e a Store/Del target or records "cannot assign to ..." errors. */
static int make_target(parser *p, gk__ast *e, int ctx)
{
    gk__ast *bad = invalid_target(e, ctx);
    if (bad) {
        if (bad->kind == GK_AST_YIELD || bad->kind == GK_AST_YIELDFROM) {
            if (ctx != GK_CTX_DEL) {
                err_node(p, bad, "assignment to yield expression not possible", NULL);
                return -1;
            }
        }
        err_node(p, bad, ctx == GK_CTX_DEL ? "cannot delete %s" : "cannot assign to %s", expr_name(bad));
        return -1;
    }
    if (ctx == GK_CTX_STORE && check_starred(p, e, true) < 0)
        return -1;
    set_ctx(e, ctx);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Expressions                                                         */

/* Whether t can begin an expression. */
static bool starts_expr(gk__token *t)
{
    switch (t->type) {
    case GK_TOK_NAME:
        return t->kw == 0 || t->kw == GK_KW_None || t->kw == GK_KW_True || t->kw == GK_KW_False ||
               t->kw == GK_KW_not || t->kw == GK_KW_lambda || t->kw == GK_KW_await;
    case GK_TOK_NUMBER: case GK_TOK_STRING:
        return true;
    case GK_TOK_OP:
        return t->op == '(' || t->op == '[' || t->op == '{' || t->op == '-' || t->op == '+' ||
               t->op == '~' || t->op == '*' || t->op == GK_OP3('.', '.', '.');
    default:
        return false;
    }
}

static gk__ast *binop(parser *p, gk__token *st, gk__ast *left, int op, gk__ast *right)
{
    gk__ast *n = node_tok(p, GK_AST_BINOP, st);
    if (!n)
        return NULL;
    n->a = left;
    n->b = right;
    n->op = op;
    return end_here(p, n);
}

static gk__ast *parse_number(parser *p)
{
    gk__token *t = advance(p);
    const char *s = t->start;
    size_t n = t->len;
    bool hex = n > 1 && s[0] == '0' && (s[1] | 0x20) == 'x';
    bool is_float = false, imag = false;
    for (size_t i = 0; i < n && !hex; i++) {
        if (s[i] == '.' || (s[i] | 0x20) == 'e')
            is_float = true;
        if ((s[i] | 0x20) == 'j')
            imag = true;
    }
    if (imag)
        return err_tok(p, t, "complex numbers are not supported");
    gk_object *o;
    if (is_float) {
        char tmp[128];
        char *b = n < sizeof tmp ? tmp : malloc(n + 1);
        if (!b) {
            gk__raise_nomemory();
            return pending(p);
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] != '_')
                b[k++] = s[i];
        b[k] = 0;
        double d = strtod(b, NULL);
        if (b != tmp)
            free(b);
        o = gk__float_new(d);
    } else {
        o = gk__int_from_string(s, n, 0);
    }
    if (!keep_new(p, o))
        return NULL;
    gk__ast *c = node_tok(p, GK_AST_CONSTANT, t);
    if (!c)
        return NULL;
    c->value = o;
    return end_here(p, c);
}

/* '(' ... ')': tuple, group, generator expression or yield. */
static gk__ast *parse_paren(parser *p)
{
    gk__token *open = advance(p);
    if (accept_op(p, ')')) {
        gk__ast *t = node_tok(p, GK_AST_TUPLE, open);
        return t ? end_here(p, t) : NULL;
    }
    if (at_kw(p, GK_KW_yield)) {
        gk__ast *y = parse_yield(p);
        if (!y || !expect_op(p, ')'))
            return NULL;
        return y;
    }
    gk__ast *e = parse_star_named_expression(p);
    if (!e)
        return NULL;
    if (at_kw(p, GK_KW_for)) {
        if (e->kind == GK_AST_STARRED)
            return err_node(p, e, "iterable unpacking cannot be used in comprehension", NULL);
        gk__ast *g = node_tok(p, GK_AST_GENEXP, open);
        vec gens = {0};
        if (!g || parse_comp_for(p, &gens) < 0 || !expect_op(p, ')'))
            return NULL;
        g->a = e;
        g->l1 = vlist(&gens);
        return end_here(p, g);
    }
    if (accept_op(p, ')')) {
        if (e->kind == GK_AST_STARRED)
            return err_node(p, e, "cannot use starred expression here", NULL);
        return e;
    }
    if (!at_op(p, ',')) {
        gk__token *t = peek(p);
        if (starts_expr(t) && !p->err) {
            gk__ast *next = parse_expression(p);
            if (next && !p->err) {
                set_error(p, SYNTAX, e->line, e->col + 1, next->end_line, next->end_col + 1, TEXT_NL,
                          "invalid syntax. Perhaps you forgot a comma?");
                return NULL;
            }
        }
        return generic_error(p);
    }
    gk__ast *tup = node_tok(p, GK_AST_TUPLE, open);
    vec elts = {0};
    if (!tup || vpush(p, &elts, e) < 0)
        return NULL;
    while (accept_op(p, ',')) {
        if (at_op(p, ')'))
            break;
        gk__ast *x = parse_star_named_expression(p);
        if (!x || vpush(p, &elts, x) < 0)
            return NULL;
    }
    if (!expect_op(p, ')'))
        return NULL;
    tup->l1 = vlist(&elts);
    return end_here(p, tup);
}

/* Elements of a list/set display after the first, up to `close`. */
static int parse_elts(parser *p, vec *elts, int close)
{
    while (accept_op(p, ',')) {
        if (at_op(p, close))
            break;
        gk__ast *x = parse_star_named_expression(p);
        if (!x || vpush(p, elts, x) < 0)
            return -1;
    }
    if (!at_op(p, close) && starts_expr(peek(p)) && !p->err) {
        gk__ast *last = elts->items[elts->n - 1];
        gk__ast *next = parse_expression(p);
        if (next && !p->err)
            set_error(p, SYNTAX, last->line, last->col + 1, next->end_line, next->end_col + 1, TEXT_NL,
                      "invalid syntax. Perhaps you forgot a comma?");
        return -1;
    }
    return expect_op(p, close) ? 0 : -1;
}

static gk__ast *parse_list(parser *p)
{
    gk__token *open = advance(p);
    gk__ast *l = node_tok(p, GK_AST_LIST, open);
    if (!l)
        return NULL;
    if (accept_op(p, ']'))
        return end_here(p, l);
    gk__ast *e = parse_star_named_expression(p);
    if (!e)
        return NULL;
    if (at_kw(p, GK_KW_for)) {
        if (e->kind == GK_AST_STARRED)
            return err_node(p, e, "iterable unpacking cannot be used in comprehension", NULL);
        vec gens = {0};
        l->kind = GK_AST_LISTCOMP;
        l->a = e;
        if (parse_comp_for(p, &gens) < 0 || !expect_op(p, ']'))
            return NULL;
        l->l1 = vlist(&gens);
        return end_here(p, l);
    }
    vec elts = {0};
    if (vpush(p, &elts, e) < 0 || parse_elts(p, &elts, ']') < 0)
        return NULL;
    l->l1 = vlist(&elts);
    return end_here(p, l);
}

/* One `key: value` or `**value` of a dict display. */
static int parse_kvpair(parser *p, vec *keys, vec *values)
{
    if (accept_op(p, GK_OP2('*', '*'))) {
        gk__ast *v = parse_bitwise_or(p);
        if (!v || vpush(p, keys, NULL) < 0 || vpush(p, values, v) < 0)
            return -1;
        return 0;
    }
    gk__ast *k = parse_expression(p);
    if (!k)
        return -1;
    if (!at_op(p, ':')) {
        if (!p->err && (at_op(p, ',') || at_op(p, '}'))) {
            gk__token *t = peek(p);
            set_error(p, SYNTAX, k->line, k->col + 1, t->line, 0, TEXT_NL,
                      "':' expected after dictionary key");
            return -1;
        }
        generic_error(p);
        return -1;
    }
    advance(p);
    gk__ast *v = parse_expression(p);
    if (!v || vpush(p, keys, k) < 0 || vpush(p, values, v) < 0)
        return -1;
    return 0;
}

static gk__ast *parse_dict_or_set(parser *p)
{
    gk__token *open = advance(p);
    gk__ast *d = node_tok(p, GK_AST_DICT, open);
    if (!d)
        return NULL;
    if (accept_op(p, '}'))
        return end_here(p, d);
    vec keys = {0}, values = {0};
    if (at_op(p, GK_OP2('*', '*'))) {
        gk__token *st = peek(p);
        if (parse_kvpair(p, &keys, &values) < 0)
            return NULL;
        if (at_kw(p, GK_KW_for)) {
            set_error(p, SYNTAX, st->line, st->col + 1, prev(p)->end_line, prev(p)->end_col + 1,
                      TEXT_NL, "dict unpacking cannot be used in dict comprehension");
            return NULL;
        }
    } else {
        gk__ast *e = parse_star_named_expression(p);
        if (!e)
            return NULL;
        if (accept_op(p, ':')) {
            gk__ast *v = parse_expression(p);
            if (!v)
                return NULL;
            if (at_kw(p, GK_KW_for)) {
                vec gens = {0};
                d->kind = GK_AST_DICTCOMP;
                d->a = e;
                d->b = v;
                if (parse_comp_for(p, &gens) < 0 || !expect_op(p, '}'))
                    return NULL;
                d->l1 = vlist(&gens);
                return end_here(p, d);
            }
            if (vpush(p, &keys, e) < 0 || vpush(p, &values, v) < 0)
                return NULL;
        } else {
            vec elts = {0};
            if (at_kw(p, GK_KW_for)) {
                if (e->kind == GK_AST_STARRED)
                    return err_node(p, e, "iterable unpacking cannot be used in comprehension", NULL);
                d->kind = GK_AST_SETCOMP;
                d->a = e;
                if (parse_comp_for(p, &elts) < 0 || !expect_op(p, '}'))
                    return NULL;
                d->l1 = vlist(&elts);
                return end_here(p, d);
            }
            d->kind = GK_AST_SET;
            if (vpush(p, &elts, e) < 0 || parse_elts(p, &elts, '}') < 0)
                return NULL;
            d->l1 = vlist(&elts);
            return end_here(p, d);
        }
    }
    while (accept_op(p, ',')) {
        if (at_op(p, '}'))
            break;
        if (parse_kvpair(p, &keys, &values) < 0)
            return NULL;
    }
    if (!expect_op(p, '}'))
        return NULL;
    d->l1 = vlist(&keys);
    d->l2 = vlist(&values);
    return end_here(p, d);
}

static gk__ast *parse_atom(parser *p)
{
    gk__token *t = peek(p);
    if (p->err)
        return NULL;
    switch (t->type) {
    case GK_TOK_NAME:
        if (t->kw == 0) {
            advance(p);
            gk__ast *n = node_tok(p, GK_AST_NAME, t);
            if (!n || !(n->name = tok_name(p, t)))
                return NULL;
            return end_here(p, n);
        }
        if (t->kw == GK_KW_None || t->kw == GK_KW_True || t->kw == GK_KW_False) {
            advance(p);
            return const_node(p, t, t->kw == GK_KW_None ? GK_NONE : t->kw == GK_KW_True ? GK_TRUE : GK_FALSE);
        }
        return generic_error(p);
    case GK_TOK_NUMBER:
        return parse_number(p);
    case GK_TOK_STRING:
        return parse_strings(p);
    case GK_TOK_OP:
        if (t->op == '(')
            return parse_paren(p);
        if (t->op == '[')
            return parse_list(p);
        if (t->op == '{')
            return parse_dict_or_set(p);
        if (t->op == GK_OP3('.', '.', '.')) {
            advance(p);
            return const_node(p, t, GK_ELLIPSIS);
        }
        return generic_error(p);
    default:
        return generic_error(p);
    }
}

/* One slice or expression inside [...]. */
static gk__ast *parse_slice(parser *p)
{
    gk__token *t = peek(p);
    gk__ast *lower = NULL;
    if (!at_op(p, ':')) {
        if (at_op(p, '*')) {
            gk__token *st = advance(p);
            gk__ast *v = parse_bitwise_or(p);
            gk__ast *s = v ? node_tok(p, GK_AST_STARRED, st) : NULL;
            if (!s)
                return NULL;
            s->a = v;
            return end_here(p, s);
        }
        lower = parse_named_expression(p);
        if (!lower)
            return NULL;
        if (!at_op(p, ':'))
            return lower;
    }
    gk__ast *s = node_tok(p, GK_AST_SLICE, t);
    if (!s)
        return NULL;
    advance(p);     /* ':' */
    s->a = lower;
    if (!at_op(p, ':') && !at_op(p, ']') && !at_op(p, ',')) {
        if (!(s->b = parse_expression(p)))
            return NULL;
    }
    if (accept_op(p, ':')) {
        if (!at_op(p, ']') && !at_op(p, ',')) {
            if (!(s->c = parse_expression(p)))
                return NULL;
        }
    }
    return end_here(p, s);
}

static gk__ast *parse_subscript(parser *p, gk__token *st, gk__ast *value)
{
    advance(p);     /* '[' */
    gk__token *fst = peek(p);
    gk__ast *first = parse_slice(p);
    if (!first)
        return NULL;
    gk__ast *index = first;
    if (at_op(p, ',') || first->kind == GK_AST_STARRED) {
        vec elts = {0};
        if (vpush(p, &elts, first) < 0)
            return NULL;
        while (accept_op(p, ',')) {
            if (at_op(p, ']'))
                break;
            gk__ast *x = parse_slice(p);
            if (!x || vpush(p, &elts, x) < 0)
                return NULL;
        }
        index = node_tok(p, GK_AST_TUPLE, fst);
        if (!index)
            return NULL;
        index->l1 = vlist(&elts);
        end_here(p, index);
    }
    if (!expect_op(p, ']'))
        return NULL;
    gk__ast *s = node_tok(p, GK_AST_SUBSCRIPT, st);
    if (!s)
        return NULL;
    s->a = value;
    s->b = index;
    return end_here(p, s);
}

static gk__ast *parse_primary(parser *p)
{
    gk__token *st = peek(p);
    gk__ast *e = parse_atom(p);
    while (e) {
        gk__token *t = peek(p);
        if (is_op(t, '.')) {
            advance(p);
            gk__token *nt = peek(p);
            if (nt->type != GK_TOK_NAME || nt->kw)
                return generic_error(p);
            advance(p);
            gk__ast *a = node_tok(p, GK_AST_ATTRIBUTE, st);
            if (!a || !(a->name = tok_name(p, nt)))
                return NULL;
            a->a = e;
            e = end_here(p, a);
        } else if (is_op(t, '(')) {
            advance(p);
            gk__ast *c = node_tok(p, GK_AST_CALL, st);
            vec args = {0}, kws = {0};
            if (!c || parse_call_args(p, &args, &kws, t) < 0)
                return NULL;
            c->a = e;
            c->l1 = vlist(&args);
            c->l2 = vlist(&kws);
            e = end_here(p, c);
        } else if (is_op(t, '[')) {
            e = parse_subscript(p, st, e);
        } else {
            break;
        }
    }
    return e;
}

static gk__ast *parse_power(parser *p)
{
    gk__token *st = peek(p);
    gk__ast *e = parse_primary(p);
    if (e && accept_op(p, GK_OP2('*', '*'))) {
        if (++p->depth > MAX_DEPTH)
            return err_tok(p, st, "too many nested parentheses");
        gk__ast *r = parse_factor(p);
        p->depth--;
        return r ? binop(p, st, e, GK_BINOP_POW, r) : NULL;
    }
    return e;
}

static gk__ast *parse_factor(parser *p)
{
    gk__token *t = peek(p);
    int op = -1;
    if (is_op(t, '-')) op = GK_UNARY_NEG;
    else if (is_op(t, '+')) op = GK_UNARY_POS;
    else if (is_op(t, '~')) op = GK_UNARY_INVERT;
    if (op < 0)
        return parse_power(p);
    if (++p->depth > MAX_DEPTH)
        return err_tok(p, t, "too many nested parentheses");
    advance(p);
    gk__ast *x = parse_factor(p);
    p->depth--;
    gk__ast *u = x ? node_tok(p, GK_AST_UNARYOP, t) : NULL;
    if (!u)
        return NULL;
    u->a = x;
    u->op = op;
    return end_here(p, u);
}

/* Binary operator levels: token to enum gk_binop, by precedence level. */
static int binop_of(gk__token *t, int level)
{
    if (t->type != GK_TOK_OP)
        return -1;
    switch (level) {
    case 0: return t->op == '|' ? GK_BINOP_OR : -1;
    case 1: return t->op == '^' ? GK_BINOP_XOR : -1;
    case 2: return t->op == '&' ? GK_BINOP_AND : -1;
    case 3: return t->op == GK_OP2('<', '<') ? GK_BINOP_LSHIFT : t->op == GK_OP2('>', '>') ? GK_BINOP_RSHIFT : -1;
    case 4: return t->op == '+' ? GK_BINOP_ADD : t->op == '-' ? GK_BINOP_SUB : -1;
    default:
        switch (t->op) {
        case '*': return GK_BINOP_MUL;
        case '/': return GK_BINOP_TRUEDIV;
        case GK_OP2('/', '/'): return GK_BINOP_FLOORDIV;
        case '%': return GK_BINOP_MOD;
        case '@': return GK_BINOP_MATMUL;
        default: return -1;
        }
    }
}

static gk__ast *parse_binary(parser *p, int level)
{
    gk__token *st = peek(p);
    gk__ast *e = level == 5 ? parse_factor(p) : parse_binary(p, level + 1);
    while (e) {
        int op = binop_of(peek(p), level);
        if (op < 0)
            break;
        advance(p);
        gk__ast *r = level == 5 ? parse_factor(p) : parse_binary(p, level + 1);
        e = r ? binop(p, st, e, op, r) : NULL;
    }
    return e;
}

static gk__ast *parse_bitwise_or(parser *p)
{
    gk__token *st = peek(p);
    gk__ast *e = parse_binary(p, 0);
    if (e) {
        p->last_expr_start = st;
        p->last_expr_end = p->pos;
    }
    return e;
}

/* A comparison operator at the current token (consumed), or -1. */
static int comp_op(parser *p)
{
    gk__token *t = peek(p);
    if (t->type == GK_TOK_NAME) {
        if (t->kw == GK_KW_in) { advance(p); return GK_CMP_IN; }
        if (t->kw == GK_KW_not && peek2(p)->kw == GK_KW_in && peek2(p)->type == GK_TOK_NAME) {
            advance(p); advance(p); return GK_CMP_NOTIN;
        }
        if (t->kw == GK_KW_is) {
            advance(p);
            return accept_kw(p, GK_KW_not) ? GK_CMP_ISNOT : GK_CMP_IS;
        }
        return -1;
    }
    if (t->type != GK_TOK_OP)
        return -1;
    int op;
    switch (t->op) {
    case '<': op = GK_LT; break;
    case GK_OP2('<', '='): op = GK_LE; break;
    case GK_OP2('=', '='): op = GK_EQ; break;
    case GK_OP2('!', '='): op = GK_NE; break;
    case '>': op = GK_GT; break;
    case GK_OP2('>', '='): op = GK_GE; break;
    default: return -1;
    }
    advance(p);
    return op;
}

static gk__ast *parse_comparison(parser *p)
{
    gk__token *st = peek(p);
    gk__ast *left = parse_bitwise_or(p);
    if (!left)
        return NULL;
    int op = comp_op(p);
    if (op < 0)
        return left;
    gk__ast *c = node_tok(p, GK_AST_COMPARE, st);
    vec comps = {0};
    int *ops = NULL;
    size_t nops = 0, cap = 0;
    if (!c)
        return NULL;
    c->a = left;
    for (; op >= 0; op = comp_op(p)) {
        gk__ast *r = parse_bitwise_or(p);
        if (!r || vpush(p, &comps, r) < 0)
            return NULL;
        if (nops == cap) {
            cap = cap ? cap * 2 : 4;
            int *n = gk__ast_alloc(p->arena, cap * sizeof *n);
            if (!n)
                return pending(p);
            if (nops)
                memcpy(n, ops, nops * sizeof *n);
            ops = n;
        }
        ops[nops++] = op;
    }
    c->l1 = vlist(&comps);
    c->ints = ops;
    return end_here(p, c);
}

static gk__ast *parse_inversion(parser *p)
{
    gk__token *t = peek(p);
    if (t->type == GK_TOK_NAME && t->kw == GK_KW_not) {
        if (++p->depth > MAX_DEPTH)
            return err_tok(p, t, "too many nested parentheses");
        advance(p);
        gk__ast *x = parse_inversion(p);
        p->depth--;
        gk__ast *u = x ? node_tok(p, GK_AST_UNARYOP, t) : NULL;
        if (!u)
            return NULL;
        u->a = x;
        u->op = GK_UNARY_NOT;
        return end_here(p, u);
    }
    return parse_comparison(p);
}

static gk__ast *parse_boolop(parser *p, int kw)
{
    gk__token *st = peek(p);
    gk__ast *e = kw == GK_KW_or ? parse_boolop(p, GK_KW_and) : parse_inversion(p);
    if (!e || !at_kw(p, kw))
        return e;
    gk__ast *b = node_tok(p, GK_AST_BOOLOP, st);
    vec vals = {0};
    if (!b || vpush(p, &vals, e) < 0)
        return NULL;
    while (accept_kw(p, kw)) {
        gk__ast *x = kw == GK_KW_or ? parse_boolop(p, GK_KW_and) : parse_inversion(p);
        if (!x || vpush(p, &vals, x) < 0)
            return NULL;
    }
    b->op = kw == GK_KW_or ? GK_BOOL_OR : GK_BOOL_AND;
    b->l1 = vlist(&vals);
    return end_here(p, b);
}

static gk__ast *parse_disjunction(parser *p)
{
    gk__token *st = peek(p);
    gk__ast *e = parse_boolop(p, GK_KW_or);
    if (e) {
        p->last_expr_start = st;
        p->last_expr_end = p->pos;
    }
    return e;
}

static gk__ast *parse_lambda(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *l = node_tok(p, GK_AST_LAMBDA, t);
    if (!l || !(l->a = parse_arguments(p, true)))
        return NULL;
    if (!expect_op(p, ':'))
        return NULL;
    if (!(l->b = parse_expression(p)))
        return NULL;
    return end_here(p, l);
}

static gk__ast *parse_expression(parser *p)
{
    if (++p->depth > MAX_DEPTH)
        return err_tok(p, peek(p), "too many nested parentheses");
    if (at_kw(p, GK_KW_lambda)) {
        gk__ast *l = parse_lambda(p);
        p->depth--;
        return l;
    }
    gk__token *st = peek(p);
    gk__ast *e = parse_disjunction(p);
    if (e && at_kw(p, GK_KW_if)) {
        advance(p);
        gk__ast *test = parse_disjunction(p);
        if (!test)
            return NULL;
        if (!accept_kw(p, GK_KW_else)) {
            if (!p->err && !at_op(p, ':') && !p->err) {
                set_error(p, SYNTAX, e->line, e->col + 1, test->end_line, test->end_col + 1, TEXT_NL,
                          "expected 'else' after 'if' expression");
                return NULL;
            }
            return generic_error(p);
        }
        gk__ast *orelse = parse_expression(p);
        gk__ast *x = orelse ? node_tok(p, GK_AST_IFEXP, st) : NULL;
        if (!x)
            return NULL;
        x->a = test;
        x->b = e;
        x->c = orelse;
        e = end_here(p, x);
    }
    p->depth--;
    return e;
}

static gk__ast *parse_named_expression(parser *p)
{
    gk__token *t = peek(p);
    if (t->type == GK_TOK_NAME && t->kw == 0 && is_op(peek2(p), GK_OP2(':', '='))) {
        advance(p);
        advance(p);
        gk__ast *target = node_tok(p, GK_AST_NAME, t);
        if (!target || !(target->name = tok_name(p, t)))
            return NULL;
        target->end_line = t->end_line;
        target->end_col = t->end_col;
        target->op = GK_CTX_STORE;
        gk__ast *v = parse_expression(p);
        gk__ast *n = v ? node_tok(p, GK_AST_NAMEDEXPR, t) : NULL;
        if (!n)
            return NULL;
        n->a = target;
        n->b = v;
        return end_here(p, n);
    }
    gk__ast *e = parse_expression(p);
    if (e && at_op(p, GK_OP2(':', '=')))
        return err_node(p, e, "cannot use assignment expressions with %s", expr_name(e));
    return e;
}

static gk__ast *starred(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *v = parse_bitwise_or(p);
    gk__ast *s = v ? node_tok(p, GK_AST_STARRED, t) : NULL;
    if (!s)
        return NULL;
    s->a = v;
    return end_here(p, s);
}

static gk__ast *parse_star_named_expression(parser *p)
{
    return at_op(p, '*') ? starred(p) : parse_named_expression(p);
}

static gk__ast *parse_star_expression(parser *p)
{
    return at_op(p, '*') ? starred(p) : parse_expression(p);
}

/* star_expressions: a single expression or a tuple without parentheses. */
static gk__ast *parse_star_expressions(parser *p)
{
    gk__token *st = peek(p);
    gk__ast *e = parse_star_expression(p);
    if (!e || !at_op(p, ','))
        return e;
    gk__ast *t = node_tok(p, GK_AST_TUPLE, st);
    vec elts = {0};
    if (!t || vpush(p, &elts, e) < 0)
        return NULL;
    while (accept_op(p, ',')) {
        if (!starts_expr(peek(p)))
            break;
        gk__ast *x = parse_star_expression(p);
        if (!x || vpush(p, &elts, x) < 0)
            return NULL;
    }
    t->l1 = vlist(&elts);
    return end_here(p, t);
}

static gk__ast *parse_yield(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *y = node_tok(p, GK_AST_YIELD, t);
    if (!y)
        return NULL;
    if (accept_kw(p, GK_KW_from)) {
        y->kind = GK_AST_YIELDFROM;
        if (!(y->a = parse_expression(p)))
            return NULL;
    } else if (starts_expr(peek(p))) {
        if (!(y->a = parse_star_expressions(p)))
            return NULL;
    }
    return end_here(p, y);
}

/* A target list: for-loop and comprehension targets (up to 'in'). */
static gk__ast *parse_targets(parser *p)
{
    gk__token *st = peek(p);
    gk__ast *e = at_op(p, '*') ? starred(p) : parse_bitwise_or(p);
    if (!e)
        return NULL;
    if (at_op(p, ',')) {
        gk__ast *t = node_tok(p, GK_AST_TUPLE, st);
        vec elts = {0};
        if (!t || vpush(p, &elts, e) < 0)
            return NULL;
        while (accept_op(p, ',')) {
            if (!starts_expr(peek(p)))
                break;
            gk__ast *x = at_op(p, '*') ? starred(p) : parse_bitwise_or(p);
            if (!x || vpush(p, &elts, x) < 0)
                return NULL;
        }
        t->l1 = vlist(&elts);
        e = end_here(p, t);
    }
    if (make_target(p, e, GK_CTX_STORE) < 0)
        return NULL;
    return e;
}

static int parse_comp_for(parser *p, vec *gens)
{
    while (at_kw(p, GK_KW_for)) {
        gk__token *t = advance(p);
        gk__ast *c = node_tok(p, GK_AST_COMPREHENSION, t);
        if (!c || !(c->a = parse_targets(p)))
            return -1;
        if (!accept_kw(p, GK_KW_in)) {
            generic_error(p);
            return -1;
        }
        if (!(c->b = parse_disjunction(p)))
            return -1;
        vec ifs = {0};
        while (accept_kw(p, GK_KW_if)) {
            gk__ast *x = parse_disjunction(p);
            if (!x || vpush(p, &ifs, x) < 0)
                return -1;
        }
        c->l1 = vlist(&ifs);
        end_here(p, c);
        if (vpush(p, gens, c) < 0)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Calls and parameters                                                */

static gk__ast *keyword(parser *p, gk__token *t, gk_object *name, gk__ast *value)
{
    gk__ast *k = node_tok(p, GK_AST_KEYWORD, t);
    if (!k)
        return NULL;
    k->name = name;
    k->a = value;
    return end_here(p, k);
}

static int positional_arg(parser *p, vec *args, vec *kws, gk__token *open, bool seen_kw, bool seen_unpack)
{
    gk__ast *x = parse_named_expression(p);
    if (!x)
        return -1;
    if (at_kw(p, GK_KW_for)) {
        gk__ast *g = node_tok(p, GK_AST_GENEXP, open);
        vec gens = {0};
        if (!g || parse_comp_for(p, &gens) < 0)
            return -1;
        g->a = x;
        g->l1 = vlist(&gens);
        if (args->n || kws->n || !at_op(p, ')')) {
            end_here(p, g);
            set_error(p, SYNTAX, x->line, x->col + 1, g->end_line, g->end_col + 1, TEXT_NL,
                      "Generator expression must be parenthesized");
            return -1;
        }
        gk__token *close = peek(p);
        g->end_line = close->end_line;
        g->end_col = close->end_col;
        return vpush(p, args, g);
    }
    if (at_op(p, '=')) {
        gk__token *eq = peek(p);
        set_error(p, SYNTAX, x->line, x->col + 1, eq->end_line, eq->end_col + 1, TEXT_NL,
                  "expression cannot contain assignment, perhaps you meant \"==\"?");
        return -1;
    }
    if (seen_kw || seen_unpack) {
        err_tok(p, peek(p), seen_unpack ? "positional argument follows keyword argument unpacking"
                                        : "positional argument follows keyword argument");
        return -1;
    }
    return vpush(p, args, x);
}

/* Arguments of a call or class bases, after '(' (consumes ')'). */
static int parse_call_args(parser *p, vec *args, vec *kws, gk__token *open)
{
    bool seen_kw = false, seen_unpack = false;
    while (!at_op(p, ')')) {
        gk__token *t = peek(p);
        if (p->err)
            return -1;
        if (is_op(t, '*')) {
            gk__token *star = t;     /* python3 points at the '*' alone */
            gk__ast *x = starred(p);
            if (!x)
                return -1;
            if (seen_unpack) {
                err_tok(p, star, "iterable argument unpacking follows keyword argument unpacking");
                return -1;
            }
            if (vpush(p, args, x) < 0)
                return -1;
        } else if (is_op(t, GK_OP2('*', '*'))) {
            advance(p);
            gk__ast *v = parse_expression(p);
            gk__ast *k = v ? keyword(p, t, NULL, v) : NULL;
            if (!k || vpush(p, kws, k) < 0)
                return -1;
            seen_unpack = true;
        } else if (t->type == GK_TOK_NAME && t->kw == 0 && is_op(peek2(p), '=')) {
            advance(p);
            advance(p);
            gk_object *name = tok_name(p, t);
            gk__ast *v = name ? parse_expression(p) : NULL;
            gk__ast *k = v ? keyword(p, t, name, v) : NULL;
            if (!k)
                return -1;
            if (at_kw(p, GK_KW_for)) {
                set_error(p, SYNTAX, t->line, t->col + 1, t->line, t->end_col + 2, TEXT_NL,
                          "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
                return -1;
            }
            if (vpush(p, kws, k) < 0)
                return -1;
            seen_kw = true;
        } else if (positional_arg(p, args, kws, open, seen_kw, seen_unpack) < 0) {
            return -1;
        }
        if (!accept_op(p, ','))
            break;
    }
    return expect_op(p, ')') ? 0 : -1;
}

static gk__ast *parse_param(parser *p, bool lambda)
{
    gk__token *t = peek(p);
    if (t->type != GK_TOK_NAME || t->kw)
        return generic_error(p);
    advance(p);
    gk__ast *a = node_tok(p, GK_AST_ARG, t);
    if (!a || !(a->name = tok_name(p, t)))
        return NULL;
    end_here(p, a);
    if (!lambda && accept_op(p, ':')) {
        gk__ast *ann = at_op(p, '*') ? starred(p) : parse_expression(p);
        if (!ann)
            return NULL;
        a->a = ann;
        end_here(p, a);
    }
    return a;
}

typedef struct params {
    vec posonly, args, kwonly, defaults, kwdefaults;
    bool star, seen_default;
    gk__ast *vararg, *kwarg;
} params;

static int param_item(parser *p, params *ps, bool lambda, int close)
{
    gk__token *t = peek(p);
    if (is_op(t, '/')) {
        if (ps->posonly.n || ps->posonly.items)
            return err_tok(p, t, "/ may appear only once"), -1;
        if (ps->star)
            return err_tok(p, t, "/ must be ahead of *"), -1;
        if (!ps->args.n)
            return err_tok(p, t, "at least one argument must precede /"), -1;
        advance(p);
        ps->posonly = ps->args;
        memset(&ps->args, 0, sizeof ps->args);
        return 0;
    }
    if (is_op(t, '*')) {
        if (ps->star)
            return err_tok(p, t, "* argument may appear only once"), -1;
        ps->star = true;
        advance(p);
        if (at_op(p, ',') || at_op(p, close)) {
            gk__token *n2 = peek2(p);
            if (at_op(p, close) || is_op(n2, GK_OP2('*', '*')) || is_op(n2, close))
                return err_tok(p, t, "named arguments must follow bare *"), -1;
            return 0;
        }
        return (ps->vararg = parse_param(p, lambda)) ? 0 : -1;
    }
    if (is_op(t, GK_OP2('*', '*'))) {
        advance(p);
        if (!(ps->kwarg = parse_param(p, lambda)))
            return -1;
        accept_op(p, ',');
        if (!at_op(p, close)) {
            if (p->err)
                return -1;
            return err_tok(p, peek(p), "arguments cannot follow var-keyword argument"), -1;
        }
        return 0;
    }
    gk__ast *a = parse_param(p, lambda);
    if (!a)
        return -1;
    gk__ast *d = NULL;
    if (accept_op(p, '=')) {
        if (at_op(p, ',') || at_op(p, close)) {
            gk__token *eq = prev(p);
            set_error(p, SYNTAX, eq->line, eq->col + 1, eq->end_line, eq->end_col + 1, TEXT_NL,
                      "expected default value expression");
            return -1;
        }
        if (!(d = parse_expression(p)))
            return -1;
    }
    if (ps->star)
        return vpush(p, &ps->kwonly, a) < 0 || vpush(p, &ps->kwdefaults, d) < 0 ? -1 : 0;
    if (vpush(p, &ps->args, a) < 0)
        return -1;
    if (d) {
        ps->seen_default = true;
        return vpush(p, &ps->defaults, d);
    }
    if (ps->seen_default)
        return err_tok(p, t, "non-default argument follows default argument"), -1;
    return 0;
}

/* Parameter list of a def (up to ')') or lambda (up to ':'). */
static gk__ast *parse_arguments(parser *p, bool lambda)
{
    int close = lambda ? ':' : ')';
    params ps;
    memset(&ps, 0, sizeof ps);
    gk__ast *A = node_tok(p, GK_AST_ARGUMENTS, peek(p));
    if (!A)
        return NULL;
    while (!at_op(p, close)) {
        if (p->err || param_item(p, &ps, lambda, close) < 0)
            return NULL;
        if (!accept_op(p, ','))
            break;
    }
    if (p->err)
        return NULL;
    A->a = ps.vararg;
    A->b = ps.kwarg;
    A->l1 = vlist(&ps.posonly);
    A->l2 = vlist(&ps.args);
    A->l3 = vlist(&ps.kwonly);
    A->l4 = vlist(&ps.defaults);
    A->l5 = vlist(&ps.kwdefaults);
    return end_here(p, A);
}

/* ------------------------------------------------------------------ */
/* String literals                                                     */

typedef struct strtok_info {
    bool raw, bytes, fstr;
    const char *body, *body_end;
} strtok_info;

static void split_string(gk__token *t, strtok_info *si)
{
    const char *s = t->start;
    memset(si, 0, sizeof *si);
    while (*s != '\'' && *s != '"') {
        char c = *s | 0x20;
        if (c == 'r') si->raw = true;
        else if (c == 'b') si->bytes = true;
        else if (c == 'f') si->fstr = true;
        s++;
    }
    char q = *s;
    size_t qn = (t->start + t->len - s >= 6 && s[1] == q && s[2] == q) ? 3 : 1;
    si->body = s + qn;
    si->body_end = t->start + t->len - qn;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static int escape_error(parser *p, gk__token *t, bool bytes, const char *start, const char *esc,
                        const char *end, const char *what)
{
    (void)end;
    int pos = (int)(esc - start);
    if (bytes)
        set_error(p, SYNTAX, t->end_line, t->end_col + 1, t->end_line, t->end_col + 1, TEXT_NL,
                  "(value error) invalid \\x escape at position %d", pos);
    else
        set_error(p, SYNTAX, t->end_line, t->end_col + 1, t->end_line, t->end_col + 1, TEXT_NL,
                  "(unicode error) 'unicodeescape' codec can't decode bytes in position %d-%d: %s",
                  pos, (int)(end - start) - 1, what);
    return -1;
}

/* Decodes one backslash escape at *ps (pointing after the backslash). */
static int decode_escape(parser *p, gk__token *t, const char **ps, const char *end, bool bytes,
                         const char *start, buf *out)
{
    const char *s = *ps, *esc = s - 1;
    char c = *s++;
    unsigned long v;
    int r = 0;
    switch (c) {
    case '\n': break;
    case '\\': case '\'': case '"': r = buf_add(p, out, &c, 1); break;
    case 'a': r = buf_add(p, out, "\a", 1); break;
    case 'b': r = buf_add(p, out, "\b", 1); break;
    case 'f': r = buf_add(p, out, "\f", 1); break;
    case 'n': r = buf_add(p, out, "\n", 1); break;
    case 'r': r = buf_add(p, out, "\r", 1); break;
    case 't': r = buf_add(p, out, "\t", 1); break;
    case 'v': r = buf_add(p, out, "\v", 1); break;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        v = (unsigned long)(c - '0');
        for (int i = 0; i < 2 && s < end && *s >= '0' && *s <= '7'; i++)
            v = v * 8 + (unsigned long)(*s++ - '0');
        if (bytes) {
            char b = (char)(v & 0xFF);
            r = buf_add(p, out, &b, 1);
        } else {
            r = buf_add_cp(p, out, v);
        }
        break;
    case 'x': case 'u': case 'U': {
        int n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        if (c != 'x' && bytes) {
            char two[2] = { '\\', c };
            r = buf_add(p, out, two, 2);
            break;
        }
        v = 0;
        for (int i = 0; i < n; i++) {
            if (s >= end || hexval(*s) < 0)
                return escape_error(p, t, bytes, start, esc, s,
                                    c == 'x' ? "truncated \\xXX escape" : c == 'u' ? "truncated \\uXXXX escape"
                                                                         : "truncated \\UXXXXXXXX escape");
            v = v * 16 + (unsigned long)hexval(*s++);
        }
        if (bytes) {
            char b = (char)v;
            r = buf_add(p, out, &b, 1);
        } else if (v > 0x10FFFF) {
            return escape_error(p, t, false, start, esc, s, "illegal Unicode character");
        } else {
            r = buf_add_cp(p, out, v);
        }
        break;
    }
    case 'N':
        if (!bytes) {
            if (s < end && *s == '{')
                while (s < end && *s != '}')
                    s++;
            return escape_error(p, t, false, start, esc, s < end ? s + 1 : s, "unknown Unicode character name");
        }
        /* fall through */
    default: {
        char two[2] = { '\\', c };
        r = buf_add(p, out, two, 2);
        break;
    }
    }
    *ps = s;
    return r;
}

/* Decodes literal text [s, end) (no f-string fields) into out. */
static int decode_text(parser *p, gk__token *t, const char *s, const char *end, bool raw, bool bytes, buf *out)
{
    const char *start = s;
    while (s < end) {
        const char *q = s;
        while (q < end && *q != '\\' && !(bytes && (unsigned char)*q >= 0x80))
            q++;
        if (q > s && buf_add(p, out, s, (size_t)(q - s)) < 0)
            return -1;
        s = q;
        if (s >= end)
            break;
        if ((unsigned char)*s >= 0x80) {
            err_tok(p, t, "bytes can only contain ASCII literal characters");
            return -1;
        }
        if (raw) {
            size_t n = s + 1 < end ? 2 : 1;
            if (buf_add(p, out, s, n) < 0)
                return -1;
            s += n;
            continue;
        }
        s++;
        if (s >= end)
            break;
        if (decode_escape(p, t, &s, end, bytes, start, out) < 0)
            return -1;
    }
    return 0;
}

/* Appends the constant in lit (if any) to vals and empties lit. */
static int flush_literal(parser *p, gk__token *t, buf *lit, vec *vals)
{
    if (!lit->n)
        return 0;
    gk_object *s = keep_new(p, gk__str_from_utf8(lit->d, lit->n));
    if (!s)
        return -1;
    gk__ast *c = node_tok(p, GK_AST_CONSTANT, t);
    if (!c)
        return -1;
    c->value = s;
    c->end_line = t->end_line;
    c->end_col = t->end_col;
    lit->n = 0;
    return vpush(p, vals, c);
}

static int fstr_error(parser *p, gk__token *t, const char *msg)
{
    set_error(p, SYNTAX, t->end_line, t->end_col + 1, t->end_line, t->end_col + 1, TEXT_NL, "%s", msg);
    return -1;
}

/* Parses the expression text [s, e) of a replacement field. */
static gk__ast *parse_fexpr(parser *p, gk__token *t, const char *s, const char *e)
{
    int line = t->line;
    const char *ls = t->start;
    while (ls > p->src && ls[-1] != '\n')
        ls--;
    for (const char *q = t->start; q < s; q++)
        if (*q == '\n') {
            line++;
            ls = q + 1;
        }
    parser sub;
    memset(&sub, 0, sizeof sub);
    sub.arena = p->arena;
    sub.filename = p->filename;
    sub.src = p->src;
    sub.src_end = p->src_end;
    sub.fexpr = true;
    sub.depth = p->depth + 1;
    if (gk__tokenize(s, (size_t)(e - s), ls, line, true, &sub.tk) < 0)
        return pending(p);
    gk__ast *x = at_kw(&sub, GK_KW_yield) ? parse_yield(&sub) : parse_star_expressions(&sub);
    if (x && !at_type(&sub, GK_TOK_ENDMARKER)) {
        gk__ast *next = starts_expr(peek(&sub)) ? parse_expression(&sub) : NULL;
        if (next && !sub.err)
            set_error(&sub, SYNTAX, x->line, x->col + 1, next->end_line, next->end_col + 1, TEXT_NL,
                      "invalid syntax. Perhaps you forgot a comma?");
        else
            generic_error(&sub);
        x = NULL;
    }
    if (!x) {
        if (sub.err == ERR_SYNTAX && sub.lexical) {
            set_error(p, sub.etype, sub.eline, sub.eoff, sub.eend_line, sub.eend_off, sub.etext,
                      "%s", sub.emsg);
        } else if (sub.err == ERR_SYNTAX) {
            set_error(p, sub.etype, sub.eline, sub.eoff, sub.eend_line, sub.eend_off, sub.etext,
                      "f-string: %s", sub.emsg);
        } else {
            pending(p);
        }
    }
    gk__tokens_free(&sub.tk);
    return x;
}

static int fstr_parse(parser *p, gk__token *t, const char **ps, const char *end, bool raw, int depth,
                      vec *vals, buf *lit, bool in_spec);

/* Skips a string literal inside a replacement field; s at the quote. */
static const char *skip_quoted(const char *s, const char *end)
{
    char q = *s;
    bool triple = end - s >= 3 && s[1] == q && s[2] == q;
    s += triple ? 3 : 1;
    while (s < end) {
        if (*s == '\\')
            return NULL;
        if (*s == q && (!triple || (end - s >= 3 && s[1] == q && s[2] == q)))
            return s + (triple ? 3 : 1);
        s++;
    }
    return NULL;
}

/* One replacement field; *ps is just after its '{'. */
static int fstr_field(parser *p, gk__token *t, const char **ps, const char *end, bool raw, int depth,
                      vec *vals, buf *lit)
{
    const char *s = *ps, *ex = s;
    int nest = 0;
    if (depth >= 2)
        return fstr_error(p, t, "f-string: expressions nested too deeply");
    while (s < end) {
        char c = *s;
        if (c == '\\')
            return fstr_error(p, t, "f-string expression part cannot include a backslash");
        if (c == '#')
            return fstr_error(p, t, "f-string expression part cannot include '#'");
        if (c == '\'' || c == '"') {
            const char *e2 = skip_quoted(s, end);
            if (!e2) {
                while (s < end && *s != '\\')
                    s++;
                return fstr_error(p, t, s < end ? "f-string expression part cannot include a backslash"
                                                : "f-string: unterminated string");
            }
            s = e2;
            continue;
        }
        if (c == '(' || c == '[' || c == '{')
            nest++;
        else if (c == ')' || c == ']')
            nest--;
        else if (c == '}') {
            if (nest == 0)
                break;
            nest--;
        } else if (nest == 0) {
            bool next_eq = s + 1 < end && s[1] == '=';
            if ((c == '!' && !next_eq) || c == ':')
                break;
            if (c == '=' && !next_eq && !(s > ex && strchr("=!<>", s[-1])))
                break;
        }
        s++;
    }
    if (s >= end)
        return fstr_error(p, t, "f-string: expecting '}'");
    const char *q = ex;
    while (q < s && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\f'))
        q++;
    if (q == s)
        return fstr_error(p, t, "f-string: empty expression not allowed");
    gk__ast *value = parse_fexpr(p, t, ex, s);
    if (!value)
        return -1;
    bool selfdoc = false;
    if (*s == '=') {
        selfdoc = true;
        s++;
        while (s < end && (*s == ' ' || *s == '\t' || *s == '\n'))
            s++;
        if (buf_add(p, lit, ex, (size_t)(s - ex)) < 0)
            return -1;
    }
    int conv = -1;
    if (s < end && *s == '!') {
        s++;
        if (s < end && (*s == 's' || *s == 'r' || *s == 'a'))
            conv = *s++;
        else
            return fstr_error(p, t, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
    }
    gk__ast *spec = NULL;
    if (s < end && *s == ':') {
        s++;
        vec svals = {0};
        buf slit = {0};
        int r = fstr_parse(p, t, &s, end, raw, depth + 1, &svals, &slit, true);
        if (r == 0)
            r = flush_literal(p, t, &slit, &svals);
        free(slit.d);
        if (r < 0 || !(spec = node_tok(p, GK_AST_JOINEDSTR, t)))
            return -1;
        spec->l1 = vlist(&svals);
        spec->end_line = t->end_line;
        spec->end_col = t->end_col;
    }
    if (s >= end || *s != '}')
        return fstr_error(p, t, "f-string: expecting '}'");
    s++;
    if (selfdoc && conv == -1 && !spec)
        conv = 'r';
    if (flush_literal(p, t, lit, vals) < 0)
        return -1;
    gk__ast *fv = node_tok(p, GK_AST_FORMATTEDVALUE, t);
    if (!fv)
        return -1;
    fv->a = value;
    fv->b = spec;
    fv->op = conv;
    fv->end_line = t->end_line;
    fv->end_col = t->end_col;
    *ps = s;
    return vpush(p, vals, fv);
}

/* Literal text and fields of an f-string body (or of a format spec, which
 * ends at an unmatched '}'). */
static int fstr_parse(parser *p, gk__token *t, const char **ps, const char *end, bool raw, int depth,
                      vec *vals, buf *lit, bool in_spec)
{
    const char *s = *ps;
    while (s < end) {
        char c = *s;
        if (c == '{') {
            if (!in_spec && s + 1 < end && s[1] == '{') {
                if (buf_add(p, lit, "{", 1) < 0)
                    return -1;
                s += 2;
                continue;
            }
            s++;
            if (fstr_field(p, t, &s, end, raw, depth, vals, lit) < 0)
                return -1;
            continue;
        }
        if (c == '}') {
            if (in_spec)
                break;
            if (s + 1 < end && s[1] == '}') {
                if (buf_add(p, lit, "}", 1) < 0)
                    return -1;
                s += 2;
                continue;
            }
            return fstr_error(p, t, "f-string: single '}' is not allowed");
        }
        const char *q = s;
        while (q < end && *q != '{' && *q != '}' && *q != '\\')
            q++;
        if (q > s) {
            if (buf_add(p, lit, s, (size_t)(q - s)) < 0)
                return -1;
            s = q;
            continue;
        }
        /* a backslash */
        if (raw || s + 1 >= end) {
            if (buf_add(p, lit, s, 1) < 0)
                return -1;
            s++;
            continue;
        }
        s++;
        if (decode_escape(p, t, &s, end, false, *ps, lit) < 0)
            return -1;
    }
    *ps = s;
    return 0;
}

/* python3 gives the pieces of an f-string the position of the whole literal. */
static void fstr_positions(gk__astlist *l, gk__ast *whole)
{
    for (size_t i = 0; i < l->n; i++) {
        gk__ast *x = l->items[i];
        x->line = whole->line;
        x->col = whole->col;
        end_at(x, whole);
        if (x->kind == GK_AST_FORMATTEDVALUE && x->b)
            fstr_positions(&x->b->l1, whole);
    }
}

/* Adjacent string literals: a str or bytes CONSTANT, or a JOINEDSTR. */
static gk__ast *parse_strings(parser *p)
{
    gk__token *first = peek(p);
    size_t i0 = p->pos, n = 0;
    bool any_bytes = false, any_str = false, any_f = false;
    strtok_info si;
    while (at_type(p, GK_TOK_STRING)) {
        split_string(advance(p), &si);
        n++;
        any_bytes |= si.bytes;
        any_str |= !si.bytes;
        any_f |= si.fstr;
    }
    gk__token *last = prev(p);
    if (any_bytes && any_str) {
        set_error(p, SYNTAX, last->end_line, last->end_col + 1, last->end_line, last->end_col + 1, TEXT_NL,
                  "cannot mix bytes and nonbytes literals");
        return NULL;
    }
    buf lit = {0};
    vec vals = {0};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        gk__token *t = &p->tk.toks[i0 + i];
        split_string(t, &si);
        if (si.fstr) {
            const char *s = si.body;
            rc = fstr_parse(p, t, &s, si.body_end, si.raw, 0, &vals, &lit, false);
        } else {
            rc = decode_text(p, t, si.body, si.body_end, si.raw, si.bytes, &lit);
        }
    }
    gk__ast *res = NULL;
    if (rc == 0) {
        res = node_tok(p, any_f ? GK_AST_JOINEDSTR : GK_AST_CONSTANT, first);
        if (!res) {
            rc = -1;
        } else if (any_f) {
            if (flush_literal(p, first, &lit, &vals) < 0)
                rc = -1;
            res->l1 = vlist(&vals);
        } else {
            gk_object *o = any_bytes ? gk__bytes_new(lit.d ? lit.d : "", lit.n)
                                     : gk__str_from_utf8(lit.d ? lit.d : "", lit.n);
            if (!(res->value = keep_new(p, o)))
                rc = -1;
        }
    }
    free(lit.d);
    if (rc < 0)
        return NULL;
    end_here(p, res);
    if (any_f)
        fstr_positions(&res->l1, res);
    return res;
}

/* ------------------------------------------------------------------ */
/* Simple statements                                                   */

static gk__ast *stmt_node(parser *p, int kind, gk__token *t)
{
    gk__ast *n = node_tok(p, kind, t);
    return n ? end_here(p, n) : NULL;
}

static gk__ast *parse_name_list(parser *p, int kind)
{
    gk__token *t = advance(p);
    gk__ast *g = node_tok(p, kind, t);
    vec names = {0};
    if (!g)
        return NULL;
    do {
        gk__token *nt = peek(p);
        if (nt->type != GK_TOK_NAME || nt->kw)
            return generic_error(p);
        advance(p);
        gk__ast *n = node_tok(p, GK_AST_NAME, nt);
        if (!n || !(n->name = tok_name(p, nt)) || vpush(p, &names, end_here(p, n)) < 0)
            return NULL;
    } while (accept_op(p, ','));
    g->l1 = vlist(&names);
    return end_here(p, g);
}

static gk__ast *parse_del(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *d = node_tok(p, GK_AST_DELETE, t);
    vec targets = {0};
    if (!d)
        return NULL;
    do {
        if (!starts_expr(peek(p)) && targets.n)
            break;
        gk__ast *x = at_op(p, '*') ? starred(p) : parse_bitwise_or(p);
        if (!x || make_target(p, x, GK_CTX_DEL) < 0 || vpush(p, &targets, x) < 0)
            return NULL;
    } while (accept_op(p, ','));
    d->l1 = vlist(&targets);
    return end_here(p, d);
}

/* dotted_name ("a.b.c") as an interned str. */
static gk_object *parse_dotted(parser *p)
{
    buf b = {0};
    gk_object *r = NULL;
    do {
        gk__token *t = peek(p);
        if (t->type != GK_TOK_NAME || t->kw) {
            generic_error(p);
            goto done;
        }
        advance(p);
        if ((b.n && buf_add(p, &b, ".", 1) < 0) || buf_add(p, &b, t->start, t->len) < 0)
            goto done;
    } while (accept_op(p, '.'));
    r = intern_bytes(p, b.d, b.n);
done:
    free(b.d);
    return r;
}

static gk__ast *parse_alias(parser *p, bool dotted)
{
    gk__token *t = peek(p);
    gk__ast *a = node_tok(p, GK_AST_ALIAS, t);
    if (!a)
        return NULL;
    if (dotted) {
        if (!(a->name = parse_dotted(p)))
            return NULL;
    } else {
        if (t->type != GK_TOK_NAME || t->kw)
            return generic_error(p);
        advance(p);
        if (!(a->name = tok_name(p, t)))
            return NULL;
    }
    if (accept_kw(p, GK_KW_as)) {
        gk__token *nt = peek(p);
        if (nt->type != GK_TOK_NAME || nt->kw)
            return generic_error(p);
        advance(p);
        if (!(a->name2 = tok_name(p, nt)))
            return NULL;
    }
    return end_here(p, a);
}

static gk__ast *parse_import(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *im = node_tok(p, GK_AST_IMPORT, t);
    vec names = {0};
    if (!im)
        return NULL;
    do {
        gk__ast *a = parse_alias(p, true);
        if (!a || vpush(p, &names, a) < 0)
            return NULL;
    } while (accept_op(p, ','));
    im->l1 = vlist(&names);
    return end_here(p, im);
}

static gk__ast *parse_from(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *im = node_tok(p, GK_AST_IMPORTFROM, t);
    vec names = {0};
    if (!im)
        return NULL;
    for (;;) {
        if (accept_op(p, '.'))
            im->op += 1;
        else if (accept_op(p, GK_OP3('.', '.', '.')))
            im->op += 3;
        else
            break;
    }
    if (!at_kw(p, GK_KW_import) || im->op == 0) {
        if (!(im->name = parse_dotted(p)))
            return NULL;
    }
    if (!accept_kw(p, GK_KW_import))
        return generic_error(p);
    gk__token *st = peek(p);
    if (accept_op(p, '*')) {
        gk__ast *a = node_tok(p, GK_AST_ALIAS, st);
        if (!a || !(a->name = intern_bytes(p, "*", 1)) || vpush(p, &names, end_here(p, a)) < 0)
            return NULL;
    } else if (accept_op(p, '(')) {
        do {
            if (at_op(p, ')') && names.n)
                break;
            gk__ast *a = parse_alias(p, false);
            if (!a || vpush(p, &names, a) < 0)
                return NULL;
        } while (accept_op(p, ','));
        if (!expect_op(p, ')'))
            return NULL;
    } else {
        do {
            if (names.n && at_type(p, GK_TOK_NEWLINE)) {
                gk__token *nl = peek(p);
                set_error(p, SYNTAX, nl->line, nl->col + 1, nl->line, nl->col + 1, TEXT_NL,
                          "trailing comma not allowed without surrounding parentheses");
                return NULL;
            }
            gk__ast *a = parse_alias(p, false);
            if (!a || vpush(p, &names, a) < 0)
                return NULL;
        } while (accept_op(p, ','));
    }
    im->l1 = vlist(&names);
    return end_here(p, im);
}

static gk__ast *parse_rhs(parser *p)
{
    return at_kw(p, GK_KW_yield) ? parse_yield(p) : parse_star_expressions(p);
}

static bool is_augassign(gk__token *t, int *op)
{
    static const struct { int code, op; } ops[] = {
        {GK_OP2('+', '='), GK_BINOP_ADD}, {GK_OP2('-', '='), GK_BINOP_SUB},
        {GK_OP2('*', '='), GK_BINOP_MUL}, {GK_OP2('/', '='), GK_BINOP_TRUEDIV},
        {GK_OP3('/', '/', '='), GK_BINOP_FLOORDIV}, {GK_OP2('%', '='), GK_BINOP_MOD},
        {GK_OP3('*', '*', '='), GK_BINOP_POW}, {GK_OP3('<', '<', '='), GK_BINOP_LSHIFT},
        {GK_OP3('>', '>', '='), GK_BINOP_RSHIFT}, {GK_OP2('&', '='), GK_BINOP_AND},
        {GK_OP2('|', '='), GK_BINOP_OR}, {GK_OP2('^', '='), GK_BINOP_XOR},
        {GK_OP2('@', '='), GK_BINOP_MATMUL},
    };
    if (t->type != GK_TOK_OP)
        return false;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (ops[i].code == t->op) {
            *op = ops[i].op;
            return true;
        }
    return false;
}

/* Whether a failed single-target assignment gets python3's "Maybe you meant '=='" hint. */
static bool eq_hint(gk__ast *target, gk__ast *value)
{
    static const int no[] = {GK_AST_TUPLE, GK_AST_LIST, GK_AST_GENEXP, GK_AST_IFEXP, GK_AST_LAMBDA,
                             GK_AST_BOOLOP, GK_AST_COMPARE, GK_AST_YIELD, GK_AST_YIELDFROM,
                             GK_AST_STARRED, GK_AST_NAMEDEXPR};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (target->kind == no[i] || value->kind == no[i])
            return false;
    if (target->kind == GK_AST_UNARYOP && target->op == GK_UNARY_NOT)
        return false;
    if (target->kind == GK_AST_CONSTANT &&
        (target->value == GK_NONE || target->value == GK_TRUE || target->value == GK_FALSE))
        return false;
    return true;
}

static gk__ast *parse_annassign(parser *p, gk__ast *target, gk__token *start)
{
    if (!starts_expr(peek2(p)))
        return generic_error(p);
    if (target->kind == GK_AST_TUPLE)
        return err_node(p, target, "only single target (not %s) can be annotated", "tuple");
    if (target->kind == GK_AST_LIST)
        return err_node(p, target, "only single target (not %s) can be annotated", "list");
    if (target->kind != GK_AST_NAME && target->kind != GK_AST_ATTRIBUTE && target->kind != GK_AST_SUBSCRIPT)
        return generic_error(p);
    advance(p);     /* ':' */
    gk__ast *a = node_tok(p, GK_AST_ANNASSIGN, start);
    if (!a)
        return NULL;
    set_ctx(target, GK_CTX_STORE);
    a->a = target;
    a->op = target->kind == GK_AST_NAME && !is_op(start, '(');
    if (!(a->b = parse_expression(p)))
        return NULL;
    if (accept_op(p, '=') && !(a->c = parse_rhs(p)))
        return NULL;
    return end_here(p, a);
}

static gk__ast *parse_expr_stmt(parser *p)
{
    gk__token *start = peek(p);
    if (start->type == GK_TOK_NAME && start->len == 5 && memcmp(start->start, "print", 5) == 0) {
        gk__token *n2 = peek2(p);
        if ((n2->type == GK_TOK_NAME && !n2->kw) || n2->type == GK_TOK_NUMBER || n2->type == GK_TOK_STRING) {
            size_t i = p->pos;
            while (i + 1 < p->tk.n && p->tk.toks[i + 1].type != GK_TOK_NEWLINE &&
                   p->tk.toks[i + 1].type != GK_TOK_ENDMARKER && p->tk.toks[i + 1].type != GK_TOK_ERROR)
                i++;
            set_error(p, SYNTAX, start->line, start->col + 1, p->tk.toks[i].end_line,
                      p->tk.toks[i].end_col + 1, TEXT_NL,
                      "Missing parentheses in call to 'print'. Did you mean print(...)?");
            return NULL;
        }
    }
    gk__ast *e = parse_rhs(p);
    if (!e)
        return NULL;
    gk__token *t = peek(p);
    int op;
    if (is_op(t, ':'))
        return parse_annassign(p, e, start);
    if (is_augassign(t, &op)) {
        if (e->kind != GK_AST_NAME && e->kind != GK_AST_ATTRIBUTE && e->kind != GK_AST_SUBSCRIPT) {
            char msg[100];
            snprintf(msg, sizeof msg, "'%s' is an illegal expression for augmented assignment", expr_name(e));
            return err_node(p, e, "%s", msg);
        }
        advance(p);
        gk__ast *a = node_tok(p, GK_AST_AUGASSIGN, start);
        if (!a)
            return NULL;
        set_ctx(e, GK_CTX_STORE);
        a->a = e;
        a->op = op;
        if (!(a->b = parse_rhs(p)))
            return NULL;
        return end_here(p, a);
    }
    if (!is_op(t, '=')) {
        gk__ast *x = node_tok(p, GK_AST_EXPR, start);
        if (!x)
            return NULL;
        x->a = e;
        return end_here(p, x);
    }
    gk__ast *as = node_tok(p, GK_AST_ASSIGN, start);
    vec targets = {0};
    if (!as)
        return NULL;
    while (accept_op(p, '=')) {
        if (vpush(p, &targets, e) < 0 || !(e = parse_rhs(p)))
            return NULL;
    }
    for (size_t i = 0; i < targets.n; i++) {
        gk__ast *x = targets.items[i];
        gk__ast *bad = invalid_target(x, GK_CTX_STORE);
        if (bad && targets.n == 1 && bad == x && eq_hint(x, e) && x->kind != GK_AST_YIELD) {
            char msg[120];
            snprintf(msg, sizeof msg, "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                     expr_name(x));
            return err_node(p, x, "%s", msg);
        }
        if (make_target(p, x, GK_CTX_STORE) < 0)
            return NULL;
    }
    as->l1 = vlist(&targets);
    as->a = e;
    return end_here(p, as);
}

static gk__ast *parse_simple(parser *p)
{
    gk__token *t = peek(p);
    if (p->err)
        return NULL;
    if (t->type != GK_TOK_NAME || !t->kw)
        return parse_expr_stmt(p);
    gk__ast *n;
    switch (t->kw) {
    case GK_KW_pass: advance(p); return stmt_node(p, GK_AST_PASS, t);
    case GK_KW_break: advance(p); return stmt_node(p, GK_AST_BREAK, t);
    case GK_KW_continue: advance(p); return stmt_node(p, GK_AST_CONTINUE, t);
    case GK_KW_return:
        advance(p);
        if (!(n = node_tok(p, GK_AST_RETURN, t)))
            return NULL;
        if (starts_expr(peek(p)) && !(n->a = parse_star_expressions(p)))
            return NULL;
        return end_here(p, n);
    case GK_KW_raise:
        advance(p);
        if (!(n = node_tok(p, GK_AST_RAISE, t)))
            return NULL;
        if (starts_expr(peek(p))) {
            if (!(n->a = parse_expression(p)))
                return NULL;
            if (accept_kw(p, GK_KW_from) && !(n->b = parse_expression(p)))
                return NULL;
        }
        return end_here(p, n);
    case GK_KW_global: return parse_name_list(p, GK_AST_GLOBAL);
    case GK_KW_nonlocal: return parse_name_list(p, GK_AST_NONLOCAL);
    case GK_KW_del: return parse_del(p);
    case GK_KW_assert:
        advance(p);
        if (!(n = node_tok(p, GK_AST_ASSERT, t)) || !(n->a = parse_expression(p)))
            return NULL;
        if (accept_op(p, ',') && !(n->b = parse_expression(p)))
            return NULL;
        return end_here(p, n);
    case GK_KW_import: return parse_import(p);
    case GK_KW_from: return parse_from(p);
    default:
        return parse_expr_stmt(p);
    }
}

static int parse_simple_stmts(parser *p, vec *out)
{
    size_t n0 = out->n;
    do {
        if (at_type(p, GK_TOK_NEWLINE) && out->n > n0)
            break;
        gk__ast *s = parse_simple(p);
        if (!s || vpush(p, out, s) < 0)
            return -1;
    } while (accept_op(p, ';'));
    if (!at_type(p, GK_TOK_NEWLINE)) {
        generic_error(p);
        return -1;
    }
    advance(p);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Compound statements                                                 */

static int parse_block(parser *p, vec *body, const char *what, int line)
{
    if (!at_type(p, GK_TOK_NEWLINE))
        return parse_simple_stmts(p, body);
    gk__token *nl = advance(p);
    if (!at_type(p, GK_TOK_INDENT)) {
        if (p->err)
            return -1;
        gk__token *t = peek(p);
        if (t->type == GK_TOK_DEDENT && peek2(p)->type != GK_TOK_ENDMARKER)
            set_error(p, &gk__exc_IndentationError, t->line, t->col, t->line, -1, TEXT_NL,
                      "expected an indented block after %s on line %d", what, line);
        else if (t->type == GK_TOK_ENDMARKER || t->type == GK_TOK_DEDENT)
            set_error(p, &gk__exc_IndentationError, nl->line, nl->col + 1, nl->line, -1, TEXT_NL,
                      "expected an indented block after %s on line %d", what, line);
        else
            set_error(p, &gk__exc_IndentationError, t->line, t->col + 1, t->end_line, t->end_col + 1,
                      TEXT_NL, "expected an indented block after %s on line %d", what, line);
        return -1;
    }
    advance(p);
    do {
        if (parse_statement(p, body) < 0)
            return -1;
    } while (!at_type(p, GK_TOK_DEDENT) && !at_type(p, GK_TOK_ENDMARKER) && !p->err);
    if (p->err)
        return -1;
    if (at_type(p, GK_TOK_DEDENT))
        advance(p);
    return 0;
}

/* Sets n's end to the end of the last statement of the list. */
static gk__ast *end_list(gk__ast *n, vec *v)
{
    if (v->n)
        end_at(n, v->items[v->n - 1]);
    return n;
}

static gk__ast *parse_if(parser *p, bool elif)
{
    gk__token *t = advance(p);
    gk__ast *n = node_tok(p, GK_AST_IF, t);
    vec body = {0}, orelse = {0};
    if (!n || !(n->a = parse_named_expression(p)) || !expect_colon(p) ||
        parse_block(p, &body, elif ? "'elif' statement" : "'if' statement", t->line) < 0)
        return NULL;
    n->l1 = vlist(&body);
    end_list(n, &body);
    if (at_kw(p, GK_KW_elif)) {
        gk__ast *e = parse_if(p, true);
        if (!e || vpush(p, &orelse, e) < 0)
            return NULL;
    } else if (at_kw(p, GK_KW_else)) {
        gk__token *et = advance(p);
        if (!expect_colon(p) || parse_block(p, &orelse, "'else' statement", et->line) < 0)
            return NULL;
    }
    n->l2 = vlist(&orelse);
    return end_list(n, orelse.n ? &orelse : &body);
}

/* The optional `else:` block of while/for. */
static int parse_loop_else(parser *p, gk__ast *n, vec *body)
{
    vec orelse = {0};
    if (at_kw(p, GK_KW_else)) {
        gk__token *et = advance(p);
        if (!expect_colon(p) || parse_block(p, &orelse, "'else' statement", et->line) < 0)
            return -1;
    }
    n->l1 = vlist(body);
    n->l2 = vlist(&orelse);
    end_list(n, orelse.n ? &orelse : body);
    return 0;
}

static gk__ast *parse_while(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *n = node_tok(p, GK_AST_WHILE, t);
    vec body = {0};
    if (!n || !(n->a = parse_named_expression(p)) || !expect_colon(p) ||
        parse_block(p, &body, "'while' statement", t->line) < 0 || parse_loop_else(p, n, &body) < 0)
        return NULL;
    return n;
}

static gk__ast *parse_for(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *n = node_tok(p, GK_AST_FOR, t);
    vec body = {0};
    if (!n || !(n->a = parse_targets(p)))
        return NULL;
    if (!accept_kw(p, GK_KW_in))
        return generic_error(p);
    if (!(n->b = parse_star_expressions(p)) || !expect_colon(p) ||
        parse_block(p, &body, "'for' statement", t->line) < 0 || parse_loop_else(p, n, &body) < 0)
        return NULL;
    return n;
}

static gk__ast *parse_handler(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *h = node_tok(p, GK_AST_EXCEPTHANDLER, t);
    vec body = {0};
    if (!h)
        return NULL;
    if (!at_op(p, ':') && !at_type(p, GK_TOK_NEWLINE)) {
        if (!(h->a = parse_expression(p)))
            return NULL;
        if (at_op(p, ',')) {
            set_error(p, SYNTAX, h->a->line, h->a->col + 1, h->a->end_line, h->a->end_col + 1, TEXT_NL,
                      "multiple exception types must be parenthesized");
            return NULL;
        }
        if (accept_kw(p, GK_KW_as)) {
            gk__token *nt = peek(p);
            if (nt->type != GK_TOK_NAME || nt->kw)
                return generic_error(p);
            advance(p);
            if (!(h->name = tok_name(p, nt)))
                return NULL;
        }
    }
    if (!expect_colon(p) || parse_block(p, &body, "'except' statement", t->line) < 0)
        return NULL;
    h->l1 = vlist(&body);
    return end_list(h, &body);
}

static gk__ast *parse_try(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *n = node_tok(p, GK_AST_TRY, t);
    vec body = {0}, handlers = {0}, orelse = {0}, fin = {0};
    if (!n || !expect_colon(p) || parse_block(p, &body, "'try' statement", t->line) < 0)
        return NULL;
    while (at_kw(p, GK_KW_except)) {
        gk__ast *h = parse_handler(p);
        if (!h || vpush(p, &handlers, h) < 0)
            return NULL;
    }
    if (handlers.n && at_kw(p, GK_KW_else)) {
        gk__token *et = advance(p);
        if (!expect_colon(p) || parse_block(p, &orelse, "'else' statement", et->line) < 0)
            return NULL;
    }
    if (at_kw(p, GK_KW_finally)) {
        gk__token *ft = advance(p);
        if (!expect_colon(p) || parse_block(p, &fin, "'finally' statement", ft->line) < 0)
            return NULL;
    }
    if (!handlers.n && !fin.n) {
        if (p->err)
            return NULL;
        gk__token *cur = peek(p);
        if (p->err)
            return NULL;
        if (cur->type != GK_TOK_DEDENT && cur->type != GK_TOK_ENDMARKER)
            return err_tok(p, cur, "expected 'except' or 'finally' block");
        size_t i = p->pos;
        while (i > 0 && p->tk.toks[i].type == GK_TOK_DEDENT)
            i++;
        if (p->tk.toks[i].type != GK_TOK_ENDMARKER) {
            set_error(p, SYNTAX, cur->line, cur->col, cur->line, -1, TEXT_NL,
                      "expected 'except' or 'finally' block");
            return NULL;
        }
        i = p->pos;
        while (i > 0 && (p->tk.toks[i].type == GK_TOK_DEDENT || i == p->pos))
            i--;
        gk__token *x = &p->tk.toks[i];
        set_error(p, SYNTAX, x->line, x->col + 1, x->line, -1, TEXT_NL, "expected 'except' or 'finally' block");
        return NULL;
    }
    n->l1 = vlist(&body);
    n->l2 = vlist(&handlers);
    n->l3 = vlist(&orelse);
    n->l4 = vlist(&fin);
    end_list(n, &body);
    if (handlers.n)
        end_at(n, handlers.items[handlers.n - 1]);
    end_list(n, &orelse);
    end_list(n, &fin);
    return n;
}

static gk__ast *parse_with_item(parser *p)
{
    gk__ast *ctx = parse_expression(p);
    gk__ast *w = ctx ? node_from(p, GK_AST_WITHITEM, ctx) : NULL;
    if (!w)
        return NULL;
    w->a = ctx;
    if (accept_kw(p, GK_KW_as)) {
        gk__ast *tgt = at_op(p, '*') ? starred(p) : parse_bitwise_or(p);
        if (!tgt)
            return NULL;
        if (make_target(p, tgt, GK_CTX_STORE) < 0)
            return NULL;
        w->b = tgt;
    }
    return end_here(p, w);
}

static int parse_with_items(parser *p, vec *items, bool parens)
{
    do {
        if (parens && at_op(p, ')') && items->n)
            break;
        gk__ast *w = parse_with_item(p);
        if (!w || vpush(p, items, w) < 0)
            return -1;
    } while (accept_op(p, ','));
    return 0;
}

static gk__ast *parse_with(parser *p)
{
    gk__token *t = advance(p);
    gk__ast *n = node_tok(p, GK_AST_WITH, t);
    vec items = {0}, body = {0};
    if (!n)
        return NULL;
    bool done = false;
    if (at_op(p, '(')) {
        /* try `with (a as b, c as d):` first */
        size_t save = p->pos;
        int depth = p->depth;
        advance(p);
        if (parse_with_items(p, &items, true) == 0 && accept_op(p, ')') && at_op(p, ':')) {
            done = true;
        } else if (p->err == ERR_PENDING) {
            return NULL;
        } else {
            p->err = ERR_NONE;
            p->lexical = false;
            p->pos = save;
            p->depth = depth;
            memset(&items, 0, sizeof items);
        }
    }
    if (!done && parse_with_items(p, &items, false) < 0)
        return NULL;
    if (!expect_colon(p) || parse_block(p, &body, "'with' statement", t->line) < 0)
        return NULL;
    n->l1 = vlist(&items);
    n->l2 = vlist(&body);
    return end_list(n, &body);
}

static gk__ast *parse_funcdef(parser *p, vec *decorators)
{
    gk__token *t = advance(p);
    gk__ast *n = node_tok(p, GK_AST_FUNCTIONDEF, t);
    vec body = {0};
    gk__token *nt = peek(p);
    if (!n)
        return NULL;
    if (nt->type != GK_TOK_NAME || nt->kw)
        return generic_error(p);
    advance(p);
    if (!at_op(p, '(')) {
        if (!p->err)
            err_tok(p, peek(p), "expected '('");
        return NULL;
    }
    if (!(n->name = tok_name(p, nt)) || !expect_op(p, '(') || !(n->a = parse_arguments(p, false)) ||
        !expect_op(p, ')'))
        return NULL;
    if (accept_op(p, GK_OP2('-', '>')) && !(n->b = parse_expression(p)))
        return NULL;
    if (!expect_colon(p) || parse_block(p, &body, "function definition", t->line) < 0)
        return NULL;
    n->l1 = vlist(&body);
    n->l2 = vlist(decorators);
    return end_list(n, &body);
}

static gk__ast *parse_classdef(parser *p, vec *decorators)
{
    gk__token *t = advance(p);
    gk__ast *n = node_tok(p, GK_AST_CLASSDEF, t);
    vec body = {0}, bases = {0}, kws = {0};
    gk__token *nt = peek(p);
    if (!n)
        return NULL;
    if (nt->type != GK_TOK_NAME || nt->kw)
        return generic_error(p);
    advance(p);
    if (!(n->name = tok_name(p, nt)))
        return NULL;
    gk__token *open = peek(p);
    if (accept_op(p, '(') && parse_call_args(p, &bases, &kws, open) < 0)
        return NULL;
    if (!expect_colon(p) || parse_block(p, &body, "class definition", t->line) < 0)
        return NULL;
    n->l1 = vlist(&body);
    n->l2 = vlist(decorators);
    n->l3 = vlist(&bases);
    n->l4 = vlist(&kws);
    return end_list(n, &body);
}

static gk__ast *parse_decorated(parser *p)
{
    vec decs = {0};
    while (accept_op(p, '@')) {
        gk__ast *d = parse_named_expression(p);
        if (!d || vpush(p, &decs, d) < 0)
            return NULL;
        if (!at_type(p, GK_TOK_NEWLINE))
            return generic_error(p);
        advance(p);
    }
    if (at_kw(p, GK_KW_def))
        return parse_funcdef(p, &decs);
    if (at_kw(p, GK_KW_class))
        return parse_classdef(p, &decs);
    return generic_error(p);
}

static int parse_statement(parser *p, vec *out)
{
    gk__token *t = peek(p);
    gk__ast *s = NULL;
    vec none = {0};
    if (p->err)
        return -1;
    if (t->type == GK_TOK_NAME) {
        switch (t->kw) {
        case GK_KW_if: s = parse_if(p, false); break;
        case GK_KW_while: s = parse_while(p); break;
        case GK_KW_for: s = parse_for(p); break;
        case GK_KW_try: s = parse_try(p); break;
        case GK_KW_with: s = parse_with(p); break;
        case GK_KW_def: s = parse_funcdef(p, &none); break;
        case GK_KW_class: s = parse_classdef(p, &none); break;
        default: return parse_simple_stmts(p, out);
        }
    } else if (is_op(t, '@')) {
        s = parse_decorated(p);
    } else if (t->type == GK_TOK_INDENT || t->type == GK_TOK_DEDENT) {
        generic_error(p);
        return -1;
    } else {
        return parse_simple_stmts(p, out);
    }
    if (!s || vpush(p, out, s) < 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

static gk__ast *parse_module(parser *p, int mode)
{
    gk__ast *m = node(p, GK_AST_MODULE, 1, 0);
    vec body = {0};
    if (!m)
        return NULL;
    if (mode == 2) {
        while (at_type(p, GK_TOK_INDENT) || at_type(p, GK_TOK_NEWLINE))
            advance(p);
        gk__ast *e = parse_star_expressions(p);
        if (!e)
            return NULL;
        while (at_type(p, GK_TOK_NEWLINE) || at_type(p, GK_TOK_DEDENT))
            advance(p);
        if (!at_type(p, GK_TOK_ENDMARKER))
            return generic_error(p);
        gk__ast *x = node_from(p, GK_AST_EXPR, e);
        if (!x || vpush(p, &body, x) < 0)
            return NULL;
        x->a = e;
        end_at(x, e);
    } else {
        while (!at_type(p, GK_TOK_ENDMARKER)) {
            if (p->err || parse_statement(p, &body) < 0)
                return NULL;
        }
    }
    if (p->err)
        return NULL;
    m->l1 = vlist(&body);
    return end_list(m, &body);
}

/* Raises the recorded SyntaxError like python3's constructor would. */
static void raise_syntax_error(parser *p)
{
    gk_object *text = NULL, *msg = NULL, *loc = NULL, *args = NULL, *exc = NULL;
    if (p->etext != TEXT_NONE) {
        const char *s = p->src;
        for (int l = 1; l < p->eline && s < p->src_end; s++)
            if (*s == '\n')
                l++;
        const char *e = s;
        while (e < p->src_end && *e != '\n')
            e++;
        if (e < p->src_end && p->etext == TEXT_NL)
            e++;
        text = gk__str_from_utf8(s, (size_t)(e - s));
        if (!text)
            gk__err_clear();
    }
    if (!text)
        text = gk__none_ref();
    msg = gk__str_from_cstr(p->emsg);
    gk_object *line = gk__int_from_i64(p->eline), *off = gk__int_from_i64(p->eoff);
    gk_object *eline = gk__int_from_i64(p->eend_line), *eoff = gk__int_from_i64(p->eend_off);
    if (msg && line && off && eline && eoff)
        loc = gk__tuple_pack(6, p->filename, line, off, text, eline, eoff);
    if (loc)
        args = gk__tuple_pack(2, msg, loc);
    if (args)
        exc = gk__exc_new(p->etype, args);
    if (exc)
        gk__raise_obj(exc);
    GK_XDECREF(exc);
    GK_XDECREF(args);
    GK_XDECREF(loc);
    GK_XDECREF(msg);
    GK_XDECREF(text);
    GK_XDECREF(line);
    GK_XDECREF(off);
    GK_XDECREF(eline);
    GK_XDECREF(eoff);
}

/* Copies src with "\r\n" and "\r" turned into "\n" (malloc'd), or NULL. */
static char *normalize_newlines(const char *src, size_t size, size_t *out)
{
    char *b = malloc(size + 2);
    if (!b)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < size; i++) {
        if (src[i] == '\r') {
            b[n++] = '\n';
            if (i + 1 < size && src[i + 1] == '\n')
                i++;
        } else {
            b[n++] = src[i];
        }
    }
    b[n] = 0;
    *out = n;
    return b;
}

/* Source text to a MODULE tree in arena, or NULL + SyntaxError (see ast.h). */
gk__ast *gk__parse(const char *source, size_t size, gk_object *filename, int mode, gk__ast_arena *arena)
{
    char *copy = NULL;
    /* like python3: "\r\n" and "\r" become "\n"; file input gets a final newline */
    bool add_nl = mode != 2 && size > 0 && source[size - 1] != '\n' && source[size - 1] != '\r';
    if (memchr(source, '\r', size) || add_nl) {
        if (!(copy = normalize_newlines(source, size, &size))) {
            gk__raise_nomemory();
            return NULL;
        }
        if (add_nl) {
            copy[size++] = '\n';
            copy[size] = 0;
        }
        source = copy;
    }
    parser p;
    memset(&p, 0, sizeof p);
    p.arena = arena;
    p.filename = filename;
    p.src = source;
    p.src_end = source + size;
    gk__ast *m = NULL;
    if (memchr(source, '\0', size)) {
        set_error(&p, SYNTAX, 1, 0, 1, 0, TEXT_NONE, "source code cannot contain null bytes");
    } else if (gk__tokenize(source, size, source, 1, false, &p.tk) < 0) {
        free(copy);
        return NULL;
    } else {
        m = parse_module(&p, mode);
    }
    if (!m) {
        prefer_lexical_error(&p);
        if (p.err == ERR_SYNTAX)
            raise_syntax_error(&p);
        else if (!gk__err_occurred())
            gk__raise(&gk__exc_SystemError, "parser failed without an error");
    }
    gk__tokens_free(&p.tk);
    free(copy);
    return m;
}

/* Parses, compiles and frees the tree: a new code object or NULL. */
gk_object *gk__compile_source(const char *source, size_t size, gk_object *filename, int mode)
{
    gk__ast_arena arena;
    gk__ast_arena_init(&arena);
    gk_object *code = NULL;
    gk__ast *m = gk__parse(source, size, filename, mode, &arena);
    if (m)
        code = gk__compile(m, filename, mode);
    gk__ast_arena_free(&arena);
    return code;
}
