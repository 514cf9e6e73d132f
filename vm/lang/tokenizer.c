/*
 * vm/lang/tokenizer.c - turns UTF-8 source text into tokens: names,
 * numbers, strings (kept undecoded; the parser decodes them), operators,
 * NEWLINE and INDENT/DEDENT from an indentation stack, with line and
 * character-column positions.  Lexical errors are recorded, not raised.
 */
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include "tokenizer.h"
#include "../object.h"

#define MAX_INDENT 100
#define MAX_LEVEL 200

typedef struct tokstate {
    const char *src, *end, *p;
    const char *line_start;
    int line;
    bool fexpr;
    int indent[MAX_INDENT], altindent[MAX_INDENT];
    int nindent;
    char bracket[MAX_LEVEL];
    int bline[MAX_LEVEL], bcol[MAX_LEVEL];
    int level;
    bool line_has_tokens;
    gk__tokens *out;
} tokstate;

static const char *const keywords[] = {
#define X(k) #k,
    GK_KEYWORDS(X)
#undef X
};

/* One UTF-8 sequence at s: its code point (or -1), length in *len. */
long gk__utf8_decode(const char *s, const char *end, int *len)
{
    const unsigned char *u = (const unsigned char *)s;
    long cp;
    int n;
    if (u[0] < 0x80) { *len = 1; return u[0]; }
    if ((u[0] & 0xE0) == 0xC0) { n = 2; cp = u[0] & 0x1F; }
    else if ((u[0] & 0xF0) == 0xE0) { n = 3; cp = u[0] & 0x0F; }
    else if ((u[0] & 0xF8) == 0xF0) { n = 4; cp = u[0] & 0x07; }
    else { *len = 1; return -1; }
    if (end - s < n) { *len = 1; return -1; }
    for (int i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) { *len = 1; return -1; }
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    *len = n;
    return cp;
}

/* Number of characters between line_start and p. */
int gk__char_col(const char *line_start, const char *p)
{
    int col = 0;
    for (const char *q = line_start; q < p; q++)
        if (((unsigned char)*q & 0xC0) != 0x80)
            col++;
    return col;
}

/* Non-ASCII code points accepted in identifiers: everything except the
 * common punctuation, symbol, space and emoji blocks. */
static bool is_id_cp(long cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_' ||
               (cp >= '0' && cp <= '9');
    if (cp >= 0x80 && cp <= 0xBF)
        return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
    if (cp == 0xD7 || cp == 0xF7)
        return false;
    if ((cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x20A0 && cp <= 0x20CF) ||
        (cp >= 0x2190 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x3003) ||
        (cp >= 0x3008 && cp <= 0x3020) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
        (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0x1F000 && cp <= 0x1FAFF) ||
        cp == 0xFEFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return false;
    return true;
}

static bool is_id_start_cp(long cp)
{
    return is_id_cp(cp) && !(cp >= '0' && cp <= '9');
}

static gk__token *push(tokstate *t, int type, const char *start, const char *stop, int line, int col)
{
    gk__tokens *o = t->out;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256;
        gk__token *nt = realloc(o->toks, cap * sizeof *nt);
        if (!nt) {
            gk__raise_nomemory();
            return NULL;
        }
        o->toks = nt;
        o->cap = cap;
    }
    gk__token *tk = &o->toks[o->n++];
    memset(tk, 0, sizeof *tk);
    tk->type = type;
    tk->start = start;
    tk->len = (size_t)(stop - start);
    tk->line = line;
    tk->col = col;
    tk->end_line = t->line;
    tk->end_col = gk__char_col(t->line_start, stop);
    tk->level = t->level;
    if (t->level > 0) {
        tk->open_line = t->bline[t->level - 1];
        tk->open_col = t->bcol[t->level - 1];
        tk->open_char = t->bracket[t->level - 1];
    }
    if (type != GK_TOK_NEWLINE && type != GK_TOK_INDENT && type != GK_TOK_DEDENT)
        t->line_has_tokens = true;
    return tk;
}

/* Records a lexical error and appends the ERROR token.  offset is 1-based. */
static int lex_error(tokstate *t, int kind, int line, int offset, int end_offset, bool text_nl,
                     const char *fmt, ...)
{
    gk__tokens *o = t->out;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->err_msg, sizeof o->err_msg, fmt, ap);
    va_end(ap);
    o->has_error = true;
    o->err_kind = kind;
    o->err_line = line;
    o->err_offset = offset;
    o->err_end_line = line;
    o->err_end_offset = end_offset;
    o->err_text_newline = text_nl;
    if (!push(t, GK_TOK_ERROR, t->p, t->p, t->line, gk__char_col(t->line_start, t->p)))
        return -1;
    return 1;
}

static int curcol(tokstate *t, const char *p) { return gk__char_col(t->line_start, p); }

static void newline_at(tokstate *t, const char *after_nl)
{
    t->line++;
    t->line_start = after_nl;
}

/* Measures indentation at the start of a line and emits INDENT/DEDENTs.
 * Returns 0, 1 (error recorded) or -1. */
static int do_indent(tokstate *t)
{
    int col = 0, alt = 0;
    const char *p = t->p;
    for (;; p++) {
        if (p < t->end && *p == ' ') { col++; alt++; }
        else if (p < t->end && *p == '\t') { col = (col / 8 + 1) * 8; alt++; }
        else if (p < t->end && *p == '\f') { col = alt = 0; }
        else break;
    }
    t->p = p;
    if (p >= t->end || *p == '#' || *p == '\n' || *p == '\\')
        return 0;      /* blank or comment line (or continuation): no indentation change */
    int top = t->indent[t->nindent - 1], alttop = t->altindent[t->nindent - 1];
    int nchars = curcol(t, p);
    if (col == top) {
        if (alt != alttop)
            return lex_error(t, GK_TOKERR_TAB, t->line, 1, 0, true,
                             "inconsistent use of tabs and spaces in indentation");
    } else if (col > top) {
        if (alt <= alttop)
            return lex_error(t, GK_TOKERR_TAB, t->line, 1, 0, true,
                             "inconsistent use of tabs and spaces in indentation");
        if (t->nindent >= MAX_INDENT)
            return lex_error(t, GK_TOKERR_INDENT, t->line, nchars + 1, -1, true,
                             "too many levels of indentation");
        t->indent[t->nindent] = col;
        t->altindent[t->nindent++] = alt;
        gk__token *tk = push(t, GK_TOK_INDENT, t->line_start, p, t->line, 0);
        if (!tk)
            return -1;
    } else {
        int k = t->nindent;
        while (k > 1 && col < t->indent[k - 1])
            k--;
        if (col != t->indent[k - 1]) {
            const char *e = p;
            while (e < t->end && *e != '\n')
                e++;
            int len = curcol(t, e) + (e < t->end ? 1 : 0);
            return lex_error(t, GK_TOKERR_INDENT, t->line, len, -1, true,
                             "unindent does not match any outer indentation level");
        }
        while (t->nindent > k) {
            t->nindent--;
            if (!push(t, GK_TOK_DEDENT, p, p, t->line, nchars))
                return -1;
        }
        if (alt != t->altindent[t->nindent - 1])
            return lex_error(t, GK_TOKERR_TAB, t->line, 1, 0, true,
                             "inconsistent use of tabs and spaces in indentation");
    }
    return 0;
}

static bool is_string_prefix(const char *s, size_t n)
{
    char a[3] = {0};
    if (n == 0 || n > 2)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i] | 0x20;
        if (c != 'r' && c != 'b' && c != 'f' && c != 'u')
            return false;
        a[i] = c;
    }
    if (n == 1)
        return true;
    if (a[0] == a[1] || a[0] == 'u' || a[1] == 'u')
        return false;
    return !((a[0] == 'b' && a[1] == 'f') || (a[0] == 'f' && a[1] == 'b'));
}

/* Scans a string literal whose quote is at t->p (prefix already consumed
 * from start).  Returns 0, 1 (error) or -1. */
static int scan_string(tokstate *t, const char *start, int line, int col)
{
    char q = *t->p;
    bool triple = t->end - t->p >= 3 && t->p[1] == q && t->p[2] == q;
    const char *p = t->p + (triple ? 3 : 1);
    for (;;) {
        if (p >= t->end || (!triple && *p == '\n')) {
            int eline = t->line;
            t->p = p;
            if (triple) {
                /* the error is reported at the string's start */
                if (p > t->src && p[-1] == '\n')
                    eline--;
                t->line = line;
            }
            return lex_error(t, GK_TOKERR_SYNTAX, line, col + 1, col + 1, false,
                             triple ? "unterminated triple-quoted string literal (detected at line %d)"
                                    : "unterminated string literal (detected at line %d)",
                             triple ? (eline < line ? line : eline) : line);
        }
        if (*p == '\\') {
            p++;
            if (p < t->end) {
                if (*p == '\n')
                    newline_at(t, p + 1);
                p++;
            }
            continue;
        }
        if (*p == q) {
            if (!triple) { p++; break; }
            if (t->end - p >= 3 && p[1] == q && p[2] == q) { p += 3; break; }
        }
        if (*p == '\n')
            newline_at(t, p + 1);
        p++;
    }
    t->p = p;
    return push(t, GK_TOK_STRING, start, p, line, col) ? 0 : -1;
}

static bool isdig(char c, int base)
{
    if (base == 16)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    if (base == 8)
        return c >= '0' && c <= '7';
    if (base == 2)
        return c == '0' || c == '1';
    return c >= '0' && c <= '9';
}

static bool is_name_byte(tokstate *t, const char *p)
{
    if (p >= t->end)
        return false;
    int n;
    long cp = gk__utf8_decode(p, t->end, &n);
    return cp >= 0 && is_id_cp(cp);
}

/* python3 accepts a keyword right after a number ("1if x else 2"). */
static bool keyword_follows(tokstate *t, const char *p)
{
    static const char *const kws[] = {"and", "else", "for", "if", "in", "is", "not", "or"};
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
        size_t n = strlen(kws[i]);
        if ((size_t)(t->end - p) >= n && memcmp(p, kws[i], n) == 0)
            return true;
    }
    return false;
}

/* Digits with single underscores between them.  Returns false after a bad '_'. */
static bool scan_digits(tokstate *t, const char **pp, int base)
{
    const char *p = *pp;
    while (p < t->end) {
        if (isdig(*p, base)) { p++; continue; }
        if (*p == '_' && p + 1 < t->end && isdig(p[1], base)) { p += 2; continue; }
        if (*p == '_') { *pp = p; return false; }
        break;
    }
    *pp = p;
    return true;
}

static int num_error(tokstate *t, const char *at, const char *msg)
{
    int c = curcol(t, at) + 1;
    t->p = at;
    return lex_error(t, GK_TOKERR_SYNTAX, t->line, c, c, false, "%s", msg);
}

static int scan_number(tokstate *t)
{
    const char *start = t->p, *p = t->p;
    int col = curcol(t, start);
    if (*p == '0' && p + 1 < t->end && strchr("xXoObB", p[1])) {
        int base = (p[1] | 0x20) == 'x' ? 16 : (p[1] | 0x20) == 'o' ? 8 : 2;
        const char *name = base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary";
        p += 2;
        if (p < t->end && *p == '_')
            p++;
        const char *d0 = p;
        bool ok = scan_digits(t, &p, base);
        char msg[64];
        /* A decimal digit the base lacks: "0o8", "0b12" (checked first,
         * so that "0o8" is not reported as a literal with no digits). */
        if (ok && p < t->end && isdig(*p, 10)) {
            snprintf(msg, sizeof msg, "invalid digit '%c' in %s literal", *p, name);
            return num_error(t, p, msg);
        }
        if (!ok || p == d0) {
            snprintf(msg, sizeof msg, "invalid %s literal", name);
            return num_error(t, ok ? p - 1 : p, msg);
        }
        if (is_name_byte(t, p) && !keyword_follows(t, p)) {
            snprintf(msg, sizeof msg, "invalid %s literal", name);
            return num_error(t, start, msg);
        }
    } else {
        bool is_float = false;
        if (*p != '.') {
            if (!scan_digits(t, &p, 10))
                return num_error(t, p, "invalid decimal literal");
        }
        const char *int_end = p;
        if (p < t->end && *p == '.') {
            is_float = true;
            p++;
            if (p < t->end && isdig(*p, 10) && !scan_digits(t, &p, 10))
                return num_error(t, p, "invalid decimal literal");
        }
        if (p < t->end && (*p | 0x20) == 'e') {
            const char *e = p + 1;
            if (e < t->end && (*e == '+' || *e == '-'))
                e++;
            if (e < t->end && isdig(*e, 10)) {
                p = e;
                if (!scan_digits(t, &p, 10))
                    return num_error(t, p, "invalid decimal literal");
                is_float = true;
            } else {
                return num_error(t, start, "invalid decimal literal");
            }
        }
        if (p < t->end && (*p | 0x20) == 'j') {
            p++;
            is_float = true;
        }
        if (is_name_byte(t, p) && !keyword_follows(t, p))
            return num_error(t, start, "invalid decimal literal");
        if (!is_float && *start == '0') {
            for (const char *q = start; q < int_end; q++)
                if (*q != '0' && *q != '_') {
                    t->p = start;
                    return lex_error(t, GK_TOKERR_SYNTAX, t->line, col + 1, col + 2, false,
                                     "leading zeros in decimal integer literals are not permitted; "
                                     "use an 0o prefix for octal integers");
                }
        }
    }
    t->p = p;
    return push(t, GK_TOK_NUMBER, start, p, t->line, col) ? 0 : -1;
}

static const char *const ops3[] = {"**=", "//=", ">>=", "<<=", "...", NULL};
static const char *const ops2[] = {"!=", "%=", "&=", "**", "*=", "+=", "-=", "->", "//", "/=",
                                   ":=", "<<", "<=", "==", ">=", ">>", "@=", "^=", "|=", NULL};
static const char ops1[] = "%&()*+,-./:;<=>@[]^{|}~";

static int scan_op(tokstate *t)
{
    const char *p = t->p;
    int col = curcol(t, p);
    size_t avail = (size_t)(t->end - p);
    int code = 0, n = 0;
    for (int i = 0; ops3[i] && !n; i++)
        if (avail >= 3 && memcmp(p, ops3[i], 3) == 0) { code = GK_OP3(p[0], p[1], p[2]); n = 3; }
    for (int i = 0; ops2[i] && !n; i++)
        if (avail >= 2 && memcmp(p, ops2[i], 2) == 0) { code = GK_OP2(p[0], p[1]); n = 2; }
    if (!n && *p && strchr(ops1, *p)) { code = GK_OP1(*p); n = 1; }
    if (!n) {
        int len;
        long cp = gk__utf8_decode(p, t->end, &len);
        if (cp == 0xA0 || cp == 0xFEFF || cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            return lex_error(t, GK_TOKERR_SYNTAX, t->line, col + 1, col + 1, false,
                             "invalid non-printable character U+%04lX", cp < 0 ? 0L : cp);
        if (cp > 0x7F)
            return lex_error(t, GK_TOKERR_SYNTAX, t->line, col + 1, col + 1, false,
                             "invalid character '%.*s' (U+%04lX)", len, p, cp);
        /* '$', '?', '`', '!': a token the parser rejects with "invalid syntax" */
        t->p = p + 1;
        gk__token *tk = push(t, GK_TOK_OP, p, p + 1, t->line, col);
        if (!tk)
            return -1;
        tk->op = GK_OP1(*p);
        return 0;
    }
    char c = *p;
    if (c == '(' || c == '[' || c == '{') {
        if (t->level >= MAX_LEVEL)
            return lex_error(t, GK_TOKERR_SYNTAX, t->line, col + 1, col + 1, false,
                             "too many nested parentheses");
        t->p = p + 1;
        gk__token *tk = push(t, GK_TOK_OP, p, p + 1, t->line, col);
        if (!tk)
            return -1;
        tk->op = code;
        t->bracket[t->level] = c;
        t->bline[t->level] = t->line;
        t->bcol[t->level] = col;
        t->level++;
        return 0;
    }
    if (c == ')' || c == ']' || c == '}') {
        if (t->level == 0 || (t->fexpr && t->level == 1))
            return lex_error(t, GK_TOKERR_SYNTAX, t->line, col + 1, col + 1, false,
                             "unmatched '%c'", c);
        char open = t->bracket[t->level - 1];
        char want = open == '(' ? ')' : open == '[' ? ']' : '}';
        if (c != want) {
            if (t->bline[t->level - 1] != t->line)
                return lex_error(t, GK_TOKERR_SYNTAX, t->line, col + 1, col + 1, false,
                                 "closing parenthesis '%c' does not match opening parenthesis '%c' on line %d",
                                 c, open, t->bline[t->level - 1]);
            return lex_error(t, GK_TOKERR_SYNTAX, t->line, col + 1, col + 1, false,
                             "closing parenthesis '%c' does not match opening parenthesis '%c'", c, open);
        }
        t->level--;
    }
    t->p = p + n;
    gk__token *tk = push(t, GK_TOK_OP, p, p + n, t->line, col);
    if (!tk)
        return -1;
    tk->op = code;
    return 0;
}

static int scan_name(tokstate *t)
{
    const char *start = t->p, *p = t->p;
    int col = curcol(t, p);
    while (p < t->end) {
        int n;
        long cp = gk__utf8_decode(p, t->end, &n);
        if (cp < 0 || !is_id_cp(cp))
            break;
        p += n;
    }
    if (p < t->end && (*p == '\'' || *p == '"') && is_string_prefix(start, (size_t)(p - start))) {
        t->p = p;
        return scan_string(t, start, t->line, col);
    }
    t->p = p;
    gk__token *tk = push(t, GK_TOK_NAME, start, p, t->line, col);
    if (!tk)
        return -1;
    size_t len = (size_t)(p - start);
    for (int i = 0; i < GK_KW_COUNT - 1; i++)
        if (strlen(keywords[i]) == len && memcmp(keywords[i], start, len) == 0) {
            /* async/await are soft here: they are not in the subset */
            if (i + 1 != GK_KW_async && i + 1 != GK_KW_await)
                tk->kw = i + 1;
            break;
        }
    return 0;
}

/* End of input: NEWLINE, DEDENTs, ENDMARKER (or an unclosed-bracket error). */
static int finish(tokstate *t)
{
    if (t->level > 0 && !t->fexpr) {
        int l = t->level - 1;
        t->out->err_eof = true;
        bool last_line = t->bline[l] >= t->line - 1;
        return lex_error(t, GK_TOKERR_SYNTAX, t->bline[l], t->bcol[l] + 1, 0, last_line,
                         "'%c' was never closed", t->bracket[l]);
    }
    if (t->line_has_tokens && !t->fexpr)
        if (!push(t, GK_TOK_NEWLINE, t->p, t->p, t->line, curcol(t, t->p)))
            return -1;
    while (t->nindent > 1) {
        t->nindent--;
        if (!push(t, GK_TOK_DEDENT, t->p, t->p, t->line, curcol(t, t->p)))
            return -1;
    }
    return push(t, GK_TOK_ENDMARKER, t->p, t->p, t->line, curcol(t, t->p)) ? 0 : -1;
}

/* One step: a token (or skipped text).  Returns 0 go on, 1 stop, -1 error. */
static int step(tokstate *t, bool *at_bol)
{
    if (*at_bol) {
        *at_bol = false;
        if (t->level == 0 && !t->fexpr) {
            int r = do_indent(t);
            if (r)
                return r;
        }
    }
    while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\f'))
        t->p++;
    if (t->p >= t->end)
        return finish(t) < 0 ? -1 : 1;
    char c = *t->p;
    if (c == '#') {
        while (t->p < t->end && *t->p != '\n')
            t->p++;
        return 0;
    }
    if (c == '\n') {
        if (t->level == 0 && !t->fexpr && t->line_has_tokens) {
            if (!push(t, GK_TOK_NEWLINE, t->p, t->p + 1, t->line, curcol(t, t->p)))
                return -1;
            t->out->toks[t->out->n - 1].end_col = curcol(t, t->p) + 1;
            t->line_has_tokens = false;
        }
        t->p++;
        newline_at(t, t->p);
        *at_bol = true;
        return 0;
    }
    if (c == '\\') {
        int col = curcol(t, t->p);
        if (t->p + 1 < t->end && t->p[1] == '\n') {
            t->p += 2;
            newline_at(t, t->p);
            if (t->p >= t->end) {
                t->out->err_eof = true;
                return lex_error(t, GK_TOKERR_SYNTAX, t->line - 1, 2, -1, true,
                                 "unexpected EOF while parsing");
            }
            return 0;
        }
        if (t->p + 1 >= t->end) {
            t->out->err_eof = true;
            return lex_error(t, GK_TOKERR_SYNTAX, t->line, col + 2, -1, true,
                             "unexpected EOF while parsing");
        }
        return lex_error(t, GK_TOKERR_SYNTAX, t->line, col + 2, 0, true,
                         "unexpected character after line continuation character");
    }
    if (c >= '0' && c <= '9')
        return scan_number(t);
    if (c == '.' && t->p + 1 < t->end && t->p[1] >= '0' && t->p[1] <= '9')
        return scan_number(t);
    if (c == '\'' || c == '"')
        return scan_string(t, t->p, t->line, curcol(t, t->p));
    int n;
    long cp = gk__utf8_decode(t->p, t->end, &n);
    if (cp >= 0 && is_id_start_cp(cp))
        return scan_name(t);
    return scan_op(t);
}

/* The whole token array of src (see tokenizer.h); 0, or -1 + MemoryError. */
int gk__tokenize(const char *src, size_t size, const char *line_start, int first_line,
                 bool fstring_expr, gk__tokens *out)
{
    memset(out, 0, sizeof *out);
    tokstate *t = calloc(1, sizeof *t);
    if (!t) {
        gk__raise_nomemory();
        return -1;
    }
    t->src = t->p = src;
    t->end = src + size;
    t->line_start = line_start;
    t->line = first_line;
    t->fexpr = fstring_expr;
    t->nindent = 1;
    t->out = out;
    if (fstring_expr) {
        t->level = 1;
        t->bracket[0] = '(';
        t->bline[0] = first_line;
    }
    /* skip a UTF-8 byte order mark */
    if (!fstring_expr && size >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        t->p = t->line_start = src + 3;
    bool at_bol = !fstring_expr;
    int r;
    while ((r = step(t, &at_bol)) == 0)
        ;
    free(t);
    if (r < 0) {
        gk__tokens_free(out);
        return -1;
    }
    return 0;
}

/* Frees the token array (the error record stays). */
void gk__tokens_free(gk__tokens *t)
{
    free(t->toks);
    t->toks = NULL;
    t->n = t->cap = 0;
}
