/*
 * vm/objects/format.c - text formatting: format() and the format-spec
 * mini-language for int, float and str; str.format / format_map; printf-
 * style % for str and bytes; and gk__str_from_format (C printf plus %R %S
 * %N %U), which gk__raise uses.
 *
 * Numbers are laid out in one place (emit_number): sign, prefix, integer
 * digits (grouped), the rest (fraction, exponent, '%'), then padding.
 * Float digits come from snprintf (glibc rounds correctly) with Python's
 * rules applied on top; the shortest repr comes from float.c.
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include "objects.h"

/* A parsed format spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type] */
typedef struct {
    char fill[5];
    size_t fill_n;        /* 0: not given */
    char align;           /* 0 or one of < > = ^ */
    char sign;            /* 0, '+', '-', ' ' */
    bool z, alt, zero;
    intptr_t width;       /* -1: none */
    char grouping;        /* 0, ',', '_' */
    intptr_t prec;        /* -1: none */
    char type;            /* 0: none; 1: a non-ASCII code point (type_cp) */
    uint32_t type_cp;
} fspec;

static size_t u8_len(const char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)p[i] & 0xC0) != 0x80;
    return k;
}

static size_t u8_char_size(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static size_t u8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int append_cp(gk__strbuf *b, uint32_t cp)
{
    char buf[4];
    return gk__strbuf_append(b, buf, u8_put(cp, buf));
}

static int append_repeat(gk__strbuf *b, const char *s, size_t n, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (gk__strbuf_append(b, s, n) < 0)
            return -1;
    return 0;
}

static gk_object *unknown_code(const fspec *f, gk_type *t)
{
    uint32_t c = f->type == 1 ? f->type_cp : (unsigned char)f->type;
    if (c > 32 && c < 128)
        return gk__raise(&gk__exc_ValueError, "Unknown format code '%c' for object of type '%s'", c,
                         gk__type_name(t));
    return gk__raise(&gk__exc_ValueError, "Unknown format code '\\x%x' for object of type '%s'", c,
                     gk__type_name(t));
}

static int read_number(const char *s, size_t n, size_t *pos, intptr_t *out)
{
    intptr_t v = 0;
    size_t start = *pos;
    while (*pos < n && s[*pos] >= '0' && s[*pos] <= '9') {
        if (v > (INTPTR_MAX - 9) / 10) {
            gk__raise(&gk__exc_ValueError, "Too many decimal digits in format string");
            return -1;
        }
        v = v * 10 + (s[*pos] - '0');
        (*pos)++;
    }
    *out = *pos > start ? v : -1;
    return 0;
}

static bool is_align(char c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

/* Parses spec; numeric says the type's default alignment is '>' (numbers). */
static int parse_spec(const char *s, size_t n, fspec *f, bool numeric, gk_type *t)
{
    char deftype = !numeric ? 's' : t == &gk__float_type ? 'g' : 'd';
    memset(f, 0, sizeof *f);
    f->width = f->prec = -1;
    size_t pos = 0;
    size_t c0 = n ? u8_char_size((unsigned char)s[0]) : 0;
    if (n > c0 && c0 <= 4 && is_align(s[c0])) {
        memcpy(f->fill, s, c0);
        f->fill_n = c0;
        f->align = s[c0];
        pos = c0 + 1;
    } else if (n && is_align(s[0])) {
        f->align = s[0];
        pos = 1;
    }
    if (pos < n && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' '))
        f->sign = s[pos++];
    if (pos < n && s[pos] == 'z') { f->z = true; pos++; }
    if (pos < n && s[pos] == '#') { f->alt = true; pos++; }
    if (!f->fill_n && pos < n && s[pos] == '0') {
        f->zero = true;
        f->fill[0] = '0';
        f->fill_n = 1;
        if (!f->align && numeric)
            f->align = '=';
        pos++;
    }
    if (read_number(s, n, &pos, &f->width) < 0)
        return -1;
    if (pos < n && s[pos] == ',')
        f->grouping = s[pos++];
    if (pos < n && s[pos] == '_') {
        if (f->grouping) {
            gk__raise(&gk__exc_ValueError, "Cannot specify both ',' and '_'.");
            return -1;
        }
        f->grouping = s[pos++];
    }
    if (pos < n && s[pos] == ',' && f->grouping == '_') {
        gk__raise(&gk__exc_ValueError, "Cannot specify both ',' and '_'.");
        return -1;
    }
    if (pos < n && s[pos] == '.') {
        pos++;
        if (read_number(s, n, &pos, &f->prec) < 0)
            return -1;
        if (f->prec < 0) {
            gk__raise(&gk__exc_ValueError, "Format specifier missing precision");
            return -1;
        }
    }
    if (pos < n && n - pos > 1 && u8_char_size((unsigned char)s[pos]) == n - pos) {
        f->type = 1;
        const unsigned char *u = (const unsigned char *)s + pos;
        uint32_t cp = u[0] & (n - pos == 2 ? 0x1F : n - pos == 3 ? 0x0F : 0x07);
        for (size_t k = 1; k < n - pos; k++)
            cp = (cp << 6) | (u[k] & 0x3F);
        f->type_cp = cp;
        pos = n;
    }
    if (n - pos > 1) {
        gk__raise(&gk__exc_ValueError, "Invalid format specifier '%.*s' for object of type '%s'", (int)n, s,
                  gk__type_name(t));
        return -1;
    }
    if (pos < n)
        f->type = s[pos];
    if (!f->fill_n) {
        f->fill[0] = ' ';
        f->fill_n = 1;
    }
    if (f->grouping) {
        const char *ok = f->grouping == ',' ? "deEfFgG%" : "deEfFgG%boxX";
        char ty = f->type ? f->type : deftype;
        if (ty == 1 || (unsigned char)ty <= 32) {
            gk__raise(&gk__exc_ValueError, "Cannot specify '%c' with '\\x%x'.", f->grouping,
                      ty == 1 ? f->type_cp : (unsigned char)ty);
            return -1;
        }
        if (!strchr(ok, ty)) {
            gk__raise(&gk__exc_ValueError, "Cannot specify '%c' with '%c'.", f->grouping, ty);
            return -1;
        }
    }
    return 0;
}

/* Appends digits (n bytes) grouped every `every` digits with sep. */
static int append_grouped(gk__strbuf *b, const char *d, size_t n, char sep, int every)
{
    if (!sep)
        return gk__strbuf_append(b, d, n);
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % (size_t)every == 0 && gk__strbuf_append(b, &sep, 1) < 0)
            return -1;
        if (gk__strbuf_append(b, d + i, 1) < 0)
            return -1;
    }
    return 0;
}

static size_t grouped_len(size_t n, char sep, int every)
{
    return sep && n ? n + (n - 1) / (size_t)every : n;
}

/* Lays out a number: sign, prefix, integer digits, rest; pads per f. */
static gk_object *emit_number(const fspec *f, const char *sign, const char *prefix, const char *digits,
                              size_t nd, const char *rest, size_t nrest, int every)
{
    gk__strbuf b;
    gk__strbuf_init(&b);
    char align = f->align ? f->align : '>';
    size_t left = strlen(sign) + strlen(prefix), restlen = u8_len(rest, nrest);
    size_t zeros = 0;
    if (f->fill_n == 1 && f->fill[0] == '0' && align == '=' && f->width > 0) {
        size_t need = (size_t)f->width > left + restlen ? (size_t)f->width - left - restlen : 0;
        while (grouped_len(nd + zeros, f->grouping, every) < need)
            zeros++;
    }
    size_t body = left + grouped_len(nd + zeros, f->grouping, every) + restlen;
    size_t pad = f->width > 0 && (size_t)f->width > body ? (size_t)f->width - body : 0;
    size_t lpad = align == '<' ? 0 : align == '^' ? pad / 2 : pad;
    char *dig = NULL;
    if (zeros) {
        if (!(dig = malloc(nd + zeros)))
            return gk__raise_nomemory();
        memset(dig, '0', zeros);
        memcpy(dig + zeros, digits, nd);
        digits = dig;
        nd += zeros;
    }
    int rc = 0;
    if (align != '=')
        rc |= append_repeat(&b, f->fill, f->fill_n, lpad);
    rc |= gk__strbuf_append_cstr(&b, sign);
    rc |= gk__strbuf_append_cstr(&b, prefix);
    if (align == '=')
        rc |= append_repeat(&b, f->fill, f->fill_n, pad);
    rc |= append_grouped(&b, digits, nd, f->grouping, every);
    rc |= gk__strbuf_append(&b, rest, nrest);
    if (align == '<' || align == '^')
        rc |= append_repeat(&b, f->fill, f->fill_n, pad - lpad);
    free(dig);
    if (rc) {
        gk__strbuf_free(&b);
        return NULL;
    }
    return gk__strbuf_finish(&b);
}

/* ------------------------------------------------------------------ */
/* str                                                                 */

/* format(s, spec) for a str. */
gk_object *gk__format_str(gk_object *s, const char *spec, size_t n)
{
    if (n == 0)
        return gk__str(s);
    fspec f;
    if (parse_spec(spec, n, &f, false, GK_TYPE(s)) < 0)
        return NULL;
    if (f.type && f.type != 's')
        return unknown_code(&f, GK_TYPE(s));
    if (f.sign)
        return gk__raise(&gk__exc_ValueError, f.sign == ' ' ? "Space not allowed in string format specifier"
                                                              : "Sign not allowed in string format specifier");
    if (f.z)
        return gk__raise(&gk__exc_ValueError, "Negative zero coercion (z) not allowed in string format specifier");
    if (f.alt)
        return gk__raise(&gk__exc_ValueError, "Alternate form (#) not allowed in string format specifier");
    if (f.align == '=')
        return gk__raise(&gk__exc_ValueError, "'=' alignment not allowed in string format specifier");
    if (f.grouping)
        return gk__raise(&gk__exc_ValueError, "Cannot specify '%c' with 's'.", f.grouping);
    const char *d = gk__str_utf8(s);
    size_t size = gk__str_size(s), len = gk__str_len(s);
    if (f.prec >= 0 && (size_t)f.prec < len) {
        size_t i = 0;
        for (intptr_t k = 0; k < f.prec; k++)
            i += u8_char_size((unsigned char)d[i]);
        size = i;
        len = (size_t)f.prec;
    }
    fspec g = f;
    if (!g.align)
        g.align = '<';
    return emit_number(&g, "", "", "", 0, d, size, 3);
}

/* ------------------------------------------------------------------ */
/* int                                                                 */

/* Appends the digits of |v| in base to b; sets *neg. */
static int int_digits(gk_object *v, int base, bool upper, gk__strbuf *b, bool *neg)
{
    if (gk__int_is_small(v)) {
        int64_t x = gk__int_small_value(v);
        *neg = x < 0;
        uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
        char tmp[72];
        size_t i = sizeof tmp;
        const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        do {
            tmp[--i] = dig[u % (uint64_t)base];
            u /= (uint64_t)base;
        } while (u);
        return gk__strbuf_append(b, tmp + i, sizeof tmp - i);
    }
    gk_object *s = gk__int_to_base(v, base, false);
    if (!s)
        return -1;
    const char *p = gk__str_utf8(s);
    *neg = p[0] == '-';
    if (*neg)
        p++;
    size_t start = b->size;
    int rc = gk__strbuf_append_cstr(b, p);
    if (rc == 0 && upper)
        for (size_t i = start; i < b->size; i++)
            if (b->data[i] >= 'a' && b->data[i] <= 'f')
                b->data[i] = (char)(b->data[i] - 32);
    gk__decref(s);
    return rc;
}

static const char *sign_text(char sign, bool neg)
{
    if (neg) return "-";
    if (sign == '+') return "+";
    if (sign == ' ') return " ";
    return "";
}

static gk_object *format_int_char(gk_object *v, const fspec *f)
{
    if (f->sign)
        return gk__raise(&gk__exc_ValueError, "Sign not allowed with integer format specifier 'c'");
    if (f->alt)
        return gk__raise(&gk__exc_ValueError, "Alternate form (#) not allowed with integer format specifier 'c'");
    int64_t x = gk__int_as_i64(v);
    if ((x == -1 && gk__err_occurred()) || x < 0 || x > 0x10FFFF) {
        gk__err_clear();
        return gk__raise(&gk__exc_OverflowError, "%%c arg not in range(0x110000)");
    }
    char buf[4];
    size_t n = u8_put((uint32_t)x, buf);
    return emit_number(f, "", "", "", 0, buf, n, 3);
}

/* format(v, spec) for an int. */
gk_object *gk__format_int(gk_object *v, const char *spec, size_t n)
{
    if (n == 0)
        return gk__str(v);
    fspec f;
    if (parse_spec(spec, n, &f, true, GK_TYPE(v)) < 0)
        return NULL;
    int base = 10;
    switch (f.type) {
    case 0: case 'd': case 'n': base = 10; break;
    case 'b': base = 2; break;
    case 'o': base = 8; break;
    case 'x': case 'X': base = 16; break;
    case 'c': break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%': {
        double d = gk__int_as_double(v);
        if (d == -1.0 && gk__err_occurred())
            return NULL;
        return gk__format_float(d, spec, n);
    }
    default:
        return unknown_code(&f, GK_TYPE(v));
    }
    if (f.prec >= 0)
        return gk__raise(&gk__exc_ValueError, "Precision not allowed in integer format specifier");
    if (f.z)
        return gk__raise(&gk__exc_ValueError, "Negative zero coercion (z) not allowed in integer format specifier");
    if (f.type == 'c')
        return format_int_char(v, &f);
    if (f.type == 'n' && f.grouping)
        return gk__raise(&gk__exc_ValueError, "Cannot specify '%c' with 'n'.", f.grouping);
    gk__strbuf d;
    gk__strbuf_init(&d);
    bool neg;
    if (int_digits(v, base, f.type == 'X', &d, &neg) < 0)
        return NULL;
    const char *prefix = "";
    if (f.alt)
        prefix = base == 2 ? "0b" : base == 8 ? "0o" : base == 16 ? (f.type == 'X' ? "0X" : "0x") : "";
    gk_object *r = emit_number(&f, sign_text(f.sign, neg), prefix, d.data, d.size, "", 0, base == 10 ? 3 : 4);
    gk__strbuf_free(&d);
    return r;
}

/* ------------------------------------------------------------------ */
/* float                                                               */

static void strip_zeros(char *s)
{
    char *e = strchr(s, 'e');
    char exp[16] = "";
    if (e) {
        snprintf(exp, sizeof exp, "%s", e);
        *e = 0;
    }
    if (strchr(s, '.')) {
        size_t n = strlen(s);
        while (n && s[n - 1] == '0')
            s[--n] = 0;
        if (n && s[n - 1] == '.')
            s[--n] = 0;
    }
    strcat(s, exp);
}

/* Writes |d| (finite) as Python's 'type' with precision prec into buf. */
static void float_digits(double d, char type, intptr_t prec, bool alt, char *buf, size_t n)
{
    char fmt[16];
    const char *hash = alt ? "#" : "";
    if (type == 'r') {           /* no type, precision given */
        int p = prec == 0 ? 1 : (int)prec;
        snprintf(buf, n, "%.*e", p - 1, d);
        int x = atoi(strchr(buf, 'e') + 1);
        if (x < -4 || x >= p - 1) {
            snprintf(fmt, sizeof fmt, "%%%s.*e", hash);
            snprintf(buf, n, fmt, p - 1, d);
        } else {
            snprintf(fmt, sizeof fmt, "%%%s.*f", hash);
            snprintf(buf, n, fmt, p - 1 - x, d);
        }
        if (!alt)
            strip_zeros(buf);
        if (!strchr(buf, '.') && !strchr(buf, 'e'))
            strcat(buf, ".0");
        return;
    }
    char t = type == 'n' ? 'g' : type == '%' ? 'f' : type;
    if (t == 'F') t = 'f';
    if ((t == 'g' || t == 'G') && prec == 0)
        prec = 1;
    snprintf(fmt, sizeof fmt, "%%%s.*%c", hash, t);
    snprintf(buf, n, fmt, (int)prec, d);
}

/* format(d, spec) for a float. */
gk_object *gk__format_float(double d, const char *spec, size_t n)
{
    char buf[400];
    if (n == 0) {
        gk__float_repr_buf(d, buf, sizeof buf);
        return gk__str_from_cstr(buf);
    }
    fspec f;
    if (parse_spec(spec, n, &f, true, &gk__float_type) < 0)
        return NULL;
    if (!strchr("eEfFgGn%", f.type))
        return unknown_code(&f, &gk__float_type);
    if (f.type == 'n' && f.grouping)
        return gk__raise(&gk__exc_ValueError, "Cannot specify '%c' with 'n'.", f.grouping);
    bool neg = signbit(d) && !isnan(d);
    double a = fabs(d);
    if (f.type == '%')
        a *= 100.0;
    bool upper = f.type == 'E' || f.type == 'F' || f.type == 'G';
    char *text = buf;
    if (isinf(a) || isnan(a)) {
        strcpy(buf, isinf(a) ? (upper ? "INF" : "inf") : (upper ? "NAN" : "nan"));
    } else if (f.type == 0 && f.prec < 0) {
        gk__float_repr_buf(a, buf, sizeof buf);
        if (f.alt && !strchr(buf, '.')) {
            char *e = strchr(buf, 'e');
            if (e) { memmove(e + 1, e, strlen(e) + 1); *e = '.'; }
        }
    } else {
        intptr_t prec = f.prec < 0 ? 6 : f.prec;
        if (prec > 300 && (f.type == 'f' || f.type == 'F' || f.type == '%') && a >= 1e50)
            prec = 300;
        char *big = NULL;
        size_t cap = sizeof buf;
        if (prec > 300) {
            cap = (size_t)prec + 400;
            if (!(big = malloc(cap)))
                return gk__raise_nomemory();
            text = big;
        }
        float_digits(a, f.type ? f.type : 'r', prec, f.alt, text, cap);
    }
    bool finite = isfinite(a);
    if (neg && f.z && finite) {
        bool allzero = true;
        for (const char *p = text; *p && *p != 'e' && *p != 'E'; p++)
            if (*p >= '1' && *p <= '9')
                allzero = false;
        if (allzero)
            neg = false;
    }
    size_t nint = strspn(text, "0123456789");
    char *rest = text + nint;
    gk__strbuf r;
    gk__strbuf_init(&r);
    int rc = gk__strbuf_append_cstr(&r, rest);
    if (rc == 0 && f.type == '%')
        rc = gk__strbuf_append(&r, "%", 1);
    if (!finite)
        f.grouping = 0;
    gk_object *res = rc < 0 ? NULL
                            : emit_number(&f, sign_text(f.sign, neg), "", text, nint, r.data ? r.data : "",
                                          r.size, 3);
    gk__strbuf_free(&r);
    if (text != buf)
        free(text);
    return res;
}

/* ------------------------------------------------------------------ */
/* format()                                                            */

/* format(value, spec); spec NULL means "". */
gk_object *gk__format(gk_object *value, gk_object *spec)
{
    const char *s = spec ? gk__str_utf8(spec) : "";
    size_t n = spec ? gk__str_size(spec) : 0;
    gk_type *t = GK_TYPE(value);
    if (t == &gk__str_type)
        return gk__format_str(value, s, n);
    if (t == &gk__int_type)
        return gk__format_int(value, s, n);
    if (t == &gk__float_type)
        return gk__format_float(gk__float_value(value), s, n);
    gk_object *sp = spec ? gk__incref(spec) : gk__str_from_cstr("");
    if (!sp)
        return NULL;
    gk_object *r = gk__call_special(value, "__format__", &sp, 1);
    gk__decref(sp);
    if (r && !gk__is_str(r)) {
        gk__raise(&gk__exc_TypeError, "__format__ must return a str, not %s", GK_TYPE_NAME(r));
        GK_CLEAR(r);
    }
    return r;
}

/* ------------------------------------------------------------------ */
/* str.format                                                          */

typedef struct {
    gk_object *const *args;   /* positional */
    size_t nargs;
    gk_object *kwnames;       /* tuple or NULL; values at args[nargs..] */
    gk_object *mapping;       /* format_map, or NULL */
    int numbering;            /* 0 unknown, 1 automatic, 2 manual */
    size_t next;
} fmtctx;

static gk_object *raise_key(gk_object *key)
{
    gk_object *t = gk__tuple_pack(1, key);
    if (!t)
        return NULL;
    gk_object *e = gk__exc_new(&gk__exc_KeyError, t);
    gk__decref(t);
    if (!e)
        return NULL;
    gk__raise_obj(e);
    gk__decref(e);
    return NULL;
}

static bool all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static gk_object *lookup_first(fmtctx *c, const char *s, size_t n)
{
    if (n == 0 || all_digits(s, n)) {
        size_t idx;
        if (n == 0) {
            if (c->numbering == 2)
                return gk__raise(&gk__exc_ValueError,
                                 "cannot switch from manual field specification to automatic field numbering");
            c->numbering = 1;
            idx = c->next++;
        } else {
            if (c->numbering == 1)
                return gk__raise(&gk__exc_ValueError,
                                 "cannot switch from automatic field numbering to manual field specification");
            c->numbering = 2;
            idx = (size_t)strtoull(s, NULL, 10);
        }
        if (c->mapping || idx >= c->nargs) {
            if (c->mapping)
                return gk__raise(&gk__exc_ValueError, "Format string contains positional fields");
            return gk__raise(&gk__exc_IndexError, "Replacement index %zu out of range for positional args tuple",
                             idx);
        }
        return gk__incref(c->args[idx]);
    }
    gk_object *key = gk__str_from_utf8(s, n);
    if (!key)
        return NULL;
    gk_object *r = NULL;
    if (c->mapping) {
        r = gk__getitem(c->mapping, key);
    } else {
        size_t nk = c->kwnames ? gk__tuple_size(c->kwnames) : 0;
        for (size_t i = 0; i < nk && !r; i++)
            if (gk__str_eq(GK_TUPLE_GET(c->kwnames, i), key))
                r = gk__incref(c->args[c->nargs + i]);
        if (!r)
            raise_key(key);
    }
    gk__decref(key);
    return r;
}

/* Resolves a field name like "0.attr[key]" to a new reference. */
static gk_object *resolve_field(fmtctx *c, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] != '.' && s[i] != '[')
        i++;
    gk_object *obj = lookup_first(c, s, i);
    while (obj && i < n) {
        gk_object *next;
        if (s[i] == '.') {
            size_t j = ++i;
            while (i < n && s[i] != '.' && s[i] != '[')
                i++;
            if (i == j) {
                gk__decref(obj);
                return gk__raise(&gk__exc_ValueError, "Empty attribute in format string");
            }
            gk_object *name = gk__str_from_utf8(s + j, i - j);
            next = name ? gk__getattr(obj, name) : NULL;
            gk__xdecref(name);
        } else {
            size_t j = ++i;
            while (i < n && s[i] != ']')
                i++;
            if (i >= n) {
                gk__decref(obj);
                return gk__raise(&gk__exc_ValueError, "Missing ']' in format string");
            }
            if (i == j) {
                gk__decref(obj);
                return gk__raise(&gk__exc_ValueError, "Empty attribute in format string");
            }
            gk_object *key = all_digits(s + j, i - j) ? gk__int_from_string(s + j, i - j, 10)
                                                       : gk__str_from_utf8(s + j, i - j);
            next = key ? gk__getitem(obj, key) : NULL;
            gk__xdecref(key);
            i++;
            if (i < n && s[i] != '.' && s[i] != '[') {
                gk__xdecref(next);
                gk__decref(obj);
                return gk__raise(&gk__exc_ValueError, "Only '.' or '[' may follow ']' in format field specifier");
            }
        }
        gk__decref(obj);
        obj = next;
    }
    return obj;
}

/* One replacement field: name, conversion (0 if none) and spec, as ranges of the format string. */
typedef struct {
    const char *name, *spec;
    size_t namen, specn;
    char conv;
} field;

static int parse_error(const char *msg)
{
    gk__raise(&gk__exc_ValueError, "%s", msg);
    return -1;
}

/* Parses the field starting at s[*i] (just after its '{'), CPython's way;
 * leaves *i after the closing '}'. */
static int parse_field(const char *s, size_t n, size_t *i, field *fd)
{
    size_t k = *i;
    char ch = 0;
    fd->name = s + k;
    fd->conv = 0;
    fd->spec = "";
    fd->specn = 0;
    while (k < n) {
        ch = s[k++];
        if (ch == '{')
            return parse_error("unexpected '{' in field name");
        if (ch == '[') {
            while (k < n && s[k] != ']')
                k++;
            ch = 0;
            continue;
        }
        if (ch == '}' || ch == ':' || ch == '!')
            break;
        ch = 0;
    }
    fd->namen = (size_t)(s + k - fd->name) - (ch ? 1 : 0);
    if (ch == '!' || ch == ':') {
        if (ch == '!') {
            if (k >= n)
                return parse_error("end of string while looking for conversion specifier");
            fd->conv = s[k++];
            if (k < n) {
                ch = s[k++];
                if (ch == '}') {
                    *i = k;
                    return 0;
                }
                if (ch != ':')
                    return parse_error("expected ':' after conversion specifier");
            }
        }
        fd->spec = s + k;
        int count = 1;
        while (k < n) {
            ch = s[k++];
            if (ch == '{') {
                count++;
            } else if (ch == '}' && --count == 0) {
                fd->specn = (size_t)(s + k - 1 - fd->spec);
                *i = k;
                return 0;
            }
        }
        return parse_error("unmatched '{' in format spec");
    }
    if (ch != '}')
        return parse_error("expected '}' before end of string");
    *i = k;
    return 0;
}

static int render(fmtctx *c, const char *s, size_t n, int depth, gk__strbuf *out);

static gk_object *convert_field(gk_object *obj, char conv)
{
    if (conv == 'r') return gk__repr(obj);
    if (conv == 's') return gk__str(obj);
    if (conv == 'a') return gk__ascii(obj);
    if ((unsigned char)conv > 32 && (unsigned char)conv < 128)
        return gk__raise(&gk__exc_ValueError, "Unknown conversion specifier %c", conv);
    return gk__raise(&gk__exc_ValueError, "Unknown conversion specifier \\x%x", (unsigned char)conv);
}

static int render_field(fmtctx *c, const field *fd, int depth, gk__strbuf *out)
{
    gk_object *obj = resolve_field(c, fd->name, fd->namen);
    if (!obj)
        return -1;
    if (fd->conv) {
        gk_object *cv = convert_field(obj, fd->conv);
        gk__decref(obj);
        if (!(obj = cv))
            return -1;
    }
    gk_object *spec_obj = NULL, *res = NULL;
    if (memchr(fd->spec, '{', fd->specn)) {
        gk__strbuf sb;
        gk__strbuf_init(&sb);
        if (render(c, fd->spec, fd->specn, depth - 1, &sb) < 0)
            gk__strbuf_free(&sb);
        else
            spec_obj = gk__strbuf_finish(&sb);
    } else {
        spec_obj = gk__str_from_utf8(fd->spec, fd->specn);
    }
    if (spec_obj)
        res = gk__format(obj, spec_obj);
    gk__decref(obj);
    gk__xdecref(spec_obj);
    if (!res)
        return -1;
    int rc = gk__strbuf_append_str(out, res);
    gk__decref(res);
    return rc;
}

static int render(fmtctx *c, const char *s, size_t n, int depth, gk__strbuf *out)
{
    if (depth <= 0)
        return parse_error("Max string recursion exceeded");
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '{' && s[j] != '}')
            j++;
        if (gk__strbuf_append(out, s + i, j - i) < 0)
            return -1;
        if (j >= n)
            break;
        if (j + 1 < n && s[j + 1] == s[j]) {
            if (gk__strbuf_append(out, s + j, 1) < 0)
                return -1;
            i = j + 2;
            continue;
        }
        if (s[j] == '}')
            return parse_error("Single '}' encountered in format string");
        if (j + 1 >= n)
            return parse_error("Single '{' encountered in format string");
        field fd;
        i = j + 1;
        if (parse_field(s, n, &i, &fd) < 0 || render_field(c, &fd, depth, out) < 0)
            return -1;
    }
    return 0;
}

static gk_object *format_with(gk_object *fmt, fmtctx *c)
{
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (render(c, gk__str_utf8(fmt), gk__str_size(fmt), 2, &b) < 0) {
        gk__strbuf_free(&b);
        return NULL;
    }
    return gk__strbuf_finish(&b);
}

/* str.format(*args, **kw) with vectorcall arguments. */
gk_object *gk__str_format_call(gk_object *fmt, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    fmtctx c = { args, nargs, kwnames, NULL, 0, 0 };
    return format_with(fmt, &c);
}

/* str.format_map(mapping). */
gk_object *gk__str_format_map(gk_object *fmt, gk_object *mapping)
{
    fmtctx c = { NULL, 0, NULL, mapping, 0, 0 };
    return format_with(fmt, &c);
}

/* ------------------------------------------------------------------ */
/* printf-style %                                                      */

typedef struct {
    bool bytes;               /* bytes % args */
    gk_object *const *argv;
    size_t argc, argi;
    gk_object *dict;          /* mapping for %(key)s, or NULL */
    gk__strbuf *out;
} pctx;

typedef struct {
    bool left, plus, space, alt, zero;
    intptr_t width, prec;     /* -1: none */
    char conv;
} pspec;

static gk_object *next_arg(pctx *c)
{
    if (c->argi >= c->argc)
        return gk__raise(&gk__exc_TypeError, "not enough arguments for format string");
    return c->argv[c->argi++];
}

static int star_arg(pctx *c, intptr_t *out)
{
    gk_object *v = next_arg(c);
    if (!v)
        return -1;
    if (!gk__is_int(v)) {
        gk__raise(&gk__exc_TypeError, "* wants int");
        return -1;
    }
    return gk__index_to_ssize(v, out);
}

static fspec pct_layout(const pspec *p)
{
    fspec f;
    memset(&f, 0, sizeof f);
    f.fill[0] = (p->zero && !p->left) ? '0' : ' ';
    f.fill_n = 1;
    f.align = p->left ? '<' : p->zero ? '=' : '>';
    f.width = p->width;
    f.prec = -1;
    return f;
}

static int append_obj(pctx *c, gk_object *s)
{
    if (!s)
        return -1;
    int rc = gk__strbuf_append_str(c->out, s);
    gk__decref(s);
    return rc;
}

static const char *pct_sign(const pspec *p, bool neg)
{
    return neg ? "-" : p->plus ? "+" : p->space ? " " : "";
}

static int pct_int(pctx *c, const pspec *p, gk_object *v)
{
    char conv = p->conv;
    gk_object *iv;
    if (gk__is_int(v)) {
        iv = gk__incref(v);
    } else if (conv == 'x' || conv == 'X' || conv == 'o') {
        if (!GK_TYPE(v)->nb_index) {
            gk__raise(&gk__exc_TypeError, "%%%c format: an integer is required, not %s", conv, GK_TYPE_NAME(v));
            return -1;
        }
        iv = gk__number_index(v);
    } else {
        if (!gk__is_float(v) && !GK_TYPE(v)->nb_int && !GK_TYPE(v)->nb_index && !GK_TYPE(v)->nb_float) {
            gk__raise(&gk__exc_TypeError, "%%%c format: a real number is required, not %s",
                      (c->bytes && conv == 'i') ? 'd' : conv, GK_TYPE_NAME(v));
            return -1;
        }
        iv = gk__number_int(v);
    }
    if (!iv)
        return -1;
    int base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
    gk__strbuf d;
    gk__strbuf_init(&d);
    bool neg;
    int rc = int_digits(iv, base, conv == 'X', &d, &neg);
    gk__decref(iv);
    if (rc < 0)
        return -1;
    if (p->prec > 0 && d.size < (size_t)p->prec) {
        size_t add = (size_t)p->prec - d.size;
        if (append_repeat(&d, "0", 1, add) < 0) {
            gk__strbuf_free(&d);
            return -1;
        }
        memmove(d.data + add, d.data, d.size - add);
        memset(d.data, '0', add);
    }
    const char *prefix = "";
    if (p->alt)
        prefix = base == 8 ? "0o" : base == 16 ? (conv == 'X' ? "0X" : "0x") : "";
    fspec f = pct_layout(p);
    rc = append_obj(c, emit_number(&f, pct_sign(p, neg), prefix, d.data ? d.data : "", d.size, "", 0, 3));
    gk__strbuf_free(&d);
    return rc;
}

static int pct_float(pctx *c, const pspec *p, gk_object *v)
{
    if (!gk__is_float(v) && !gk__is_int(v) && !GK_TYPE(v)->nb_float && !GK_TYPE(v)->nb_index) {
        gk__raise(&gk__exc_TypeError, c->bytes ? "float argument required, not %s" : "must be real number, not %s",
                  GK_TYPE_NAME(v));
        return -1;
    }
    double d = gk__as_double(v);
    if (d == -1.0 && gk__err_occurred())
        return -1;
    bool neg = signbit(d) && !isnan(d), upper = p->conv == 'E' || p->conv == 'F' || p->conv == 'G';
    double a = fabs(d);
    intptr_t prec = p->prec < 0 ? 6 : p->prec;
    char buf[400], *text = buf;
    size_t cap = sizeof buf;
    if (isinf(a) || isnan(a)) {
        strcpy(buf, isinf(a) ? (upper ? "INF" : "inf") : (upper ? "NAN" : "nan"));
    } else {
        if (prec > 300) {
            cap = (size_t)prec + 400;
            if (!(text = malloc(cap))) {
                gk__raise_nomemory();
                return -1;
            }
        }
        float_digits(a, p->conv == 'F' ? 'f' : p->conv, prec, p->alt, text, cap);
    }
    size_t nint = strspn(text, "0123456789");
    fspec f = pct_layout(p);
    int rc = append_obj(c, emit_number(&f, pct_sign(p, neg), "", text, nint, text + nint, strlen(text + nint), 3));
    if (text != buf)
        free(text);
    return rc;
}

static int pct_text(pctx *c, const pspec *p, const char *s, size_t n)
{
    size_t len = c->bytes ? n : u8_len(s, n);
    if (p->prec >= 0 && (size_t)p->prec < len) {
        if (c->bytes) {
            n = (size_t)p->prec;
        } else {
            size_t i = 0;
            for (intptr_t k = 0; k < p->prec; k++)
                i += u8_char_size((unsigned char)s[i]);
            n = i;
        }
        len = (size_t)p->prec;
    }
    size_t pad = p->width > 0 && (size_t)p->width > len ? (size_t)p->width - len : 0;
    if (!p->left && append_repeat(c->out, " ", 1, pad) < 0)
        return -1;
    if (gk__strbuf_append(c->out, s, n) < 0)
        return -1;
    if (p->left && append_repeat(c->out, " ", 1, pad) < 0)
        return -1;
    return 0;
}

static int pct_textobj(pctx *c, const pspec *p, gk_object *s)
{
    if (!s)
        return -1;
    int rc = gk__is_str(s) ? pct_text(c, p, gk__str_utf8(s), gk__str_size(s))
                           : pct_text(c, p, (const char *)gk__bytes_data(s), gk__bytes_size(s));
    gk__decref(s);
    return rc;
}

static bool is_byteslike(gk_object *o)
{
    return gk__is_bytes(o) || GK_TYPE(o) == &gk__bytearray_type ||
           gk__type_is_subtype(GK_TYPE(o), &gk__bytearray_type);
}

static int pct_bytes_s(pctx *c, const pspec *p, gk_object *v)
{
    if (is_byteslike(v))
        return pct_textobj(c, p, gk__incref(v));
    if (gk__type_lookup_cstr(GK_TYPE(v), "__bytes__")) {
        gk_object *b = gk__call_special(v, "__bytes__", NULL, 0);
        if (b && !gk__is_bytes(b)) {
            gk__raise(&gk__exc_TypeError, "__bytes__ returned non-bytes (type %s)", GK_TYPE_NAME(b));
            GK_CLEAR(b);
        }
        return pct_textobj(c, p, b);
    }
    gk__raise(&gk__exc_TypeError, "%%b requires a bytes-like object, or an object that implements __bytes__, "
              "not '%s'", GK_TYPE_NAME(v));
    return -1;
}

static int pct_char(pctx *c, const pspec *p, gk_object *v)
{
    char buf[4];
    size_t n;
    if (gk__is_int(v)) {
        int64_t x = gk__int_as_i64(v);
        int64_t lim = c->bytes ? 256 : 0x110000;
        if ((x == -1 && gk__err_occurred()) || x < 0 || x >= lim) {
            gk__err_clear();
            gk__raise(&gk__exc_OverflowError, c->bytes ? "%%c arg not in range(256)" : "%%c arg not in range(0x110000)");
            return -1;
        }
        if (c->bytes) {
            buf[0] = (char)x;
            n = 1;
        } else {
            n = u8_put((uint32_t)x, buf);
        }
    } else if (!c->bytes && gk__is_str(v) && gk__str_len(v) == 1) {
        n = gk__str_size(v);
        memcpy(buf, gk__str_utf8(v), n);
    } else if (c->bytes && is_byteslike(v) && gk__bytes_size(v) == 1) {
        buf[0] = (char)gk__bytes_data(v)[0];
        n = 1;
    } else {
        gk__raise(&gk__exc_TypeError, c->bytes ? "%%c requires an integer in range(256) or a single byte"
                                               : "%%c requires int or char");
        return -1;
    }
    pspec q = *p;
    q.prec = -1;
    return pct_text(c, &q, buf, n);
}

static int pct_convert(pctx *c, const pspec *p, gk_object *v, const char *fmt, size_t at)
{
    switch (p->conv) {
    case 's':
        if (c->bytes)
            return pct_bytes_s(c, p, v);
        return pct_textobj(c, p, gk__str(v));
    case 'b':
        if (c->bytes)
            return pct_bytes_s(c, p, v);
        break;
    case 'r': case 'a':
        return pct_textobj(c, p, (p->conv == 'a' || c->bytes) ? gk__ascii(v) : gk__repr(v));
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
        return pct_int(c, p, v);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
        return pct_float(c, p, v);
    case 'c':
        return pct_char(c, p, v);
    default:
        break;
    }
    unsigned char ch = (unsigned char)p->conv;
    size_t idx = c->bytes ? at : u8_len(fmt, at);
    if (ch >= 32 && ch < 127)
        gk__raise(&gk__exc_ValueError, "unsupported format character '%c' (0x%x) at index %zu", ch, ch, idx);
    else
        gk__raise(&gk__exc_ValueError, "unsupported format character '\\x%x' (0x%x) at index %zu", ch, ch, idx);
    return -1;
}

/* Parses one %-spec at fmt[*pos] (just after '%') and formats it. */
static int pct_one(pctx *c, const char *fmt, size_t n, size_t *pos)
{
    size_t i = *pos;
    gk_object *keyed = NULL;
    if (i < n && fmt[i] == '%') {
        *pos = i + 1;
        return gk__strbuf_append(c->out, "%", 1);
    }
    if (i < n && fmt[i] == '(') {
        size_t j = ++i;
        int depth = 1;
        while (i < n && depth) {
            if (fmt[i] == '(') depth++;
            else if (fmt[i] == ')') depth--;
            i++;
        }
        if (depth) {
            gk__raise(&gk__exc_ValueError, "incomplete format key");
            return -1;
        }
        if (!c->dict) {
            gk__raise(&gk__exc_TypeError, "format requires a mapping");
            return -1;
        }
        gk_object *key = c->bytes ? gk__bytes_new(fmt + j, i - 1 - j) : gk__str_from_utf8(fmt + j, i - 1 - j);
        if (!key)
            return -1;
        keyed = gk__getitem(c->dict, key);
        gk__decref(key);
        if (!keyed)
            return -1;
    }
    pspec p = { false, false, false, false, false, -1, -1, 0 };
    int rc = -1;
    for (; i < n && strchr("-+ #0", fmt[i]) && fmt[i]; i++) {
        switch (fmt[i]) {
        case '-': p.left = true; break;
        case '+': p.plus = true; break;
        case ' ': p.space = true; break;
        case '#': p.alt = true; break;
        default: p.zero = true; break;
        }
    }
    if (i < n && fmt[i] == '*') {
        if (star_arg(c, &p.width) < 0)
            goto done;
        if (p.width < 0) { p.left = true; p.width = -p.width; }
        i++;
    } else if (read_number(fmt, n, &i, &p.width) < 0) {
        goto done;
    }
    if (i < n && fmt[i] == '.') {
        i++;
        if (i < n && fmt[i] == '*') {
            if (star_arg(c, &p.prec) < 0)
                goto done;
            if (p.prec < 0) p.prec = 0;
            i++;
        } else {
            if (read_number(fmt, n, &i, &p.prec) < 0)
                goto done;
            if (p.prec < 0) p.prec = 0;
        }
    }
    while (i < n && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L'))
        i++;
    if (i >= n) {
        gk__raise(&gk__exc_ValueError, "incomplete format");
        goto done;
    }
    p.conv = fmt[i];
    size_t at = i++;
    gk_object *v = keyed ? keyed : next_arg(c);
    rc = v ? pct_convert(c, &p, v, fmt, at) : -1;
done:
    gk__xdecref(keyed);
    *pos = i;
    return rc;
}

static gk_object *percent(gk_object *fmtobj, const char *fmt, size_t n, gk_object *args, bool bytes)
{
    gk__strbuf out;
    gk__strbuf_init(&out);
    pctx c = { bytes, NULL, 0, 0, NULL, &out };
    if (gk__is_tuple(args)) {
        c.argv = gk__tuple_items(args);
        c.argc = gk__tuple_size(args);
    } else {
        c.argv = &args;
        c.argc = 1;
        bool textual = bytes ? is_byteslike(args) : gk__is_str(args);
        if (GK_TYPE(args)->getitem && !textual)
            c.dict = args;
    }
    size_t i = 0;
    while (i < n) {
        const char *q = memchr(fmt + i, '%', n - i);
        size_t j = q ? (size_t)(q - fmt) : n;
        if (gk__strbuf_append(&out, fmt + i, j - i) < 0)
            goto fail;
        if (!q)
            break;
        i = j + 1;
        if (pct_one(&c, fmt, n, &i) < 0)
            goto fail;
    }
    if (c.argi < c.argc && !c.dict) {
        gk__raise(&gk__exc_TypeError, bytes ? "not all arguments converted during bytes formatting"
                                            : "not all arguments converted during string formatting");
        goto fail;
    }
    (void)fmtobj;
    if (bytes) {
        gk_object *r = gk__bytes_new(out.data ? out.data : "", out.size);
        gk__strbuf_free(&out);
        return r;
    }
    return gk__strbuf_finish(&out);
fail:
    gk__strbuf_free(&out);
    return NULL;
}

/* fmt % args for a str fmt. */
gk_object *gk__str_percent(gk_object *fmt, gk_object *args)
{
    return percent(fmt, gk__str_utf8(fmt), gk__str_size(fmt), args, false);
}

/* fmt % args for bytes (or bytearray) fmt; returns bytes. */
gk_object *gk__bytes_percent(gk_object *fmt, gk_object *args)
{
    return percent(fmt, (const char *)gk__bytes_data(fmt), gk__bytes_size(fmt), args, true);
}

/* ------------------------------------------------------------------ */
/* gk__str_from_format                                                 */

/* Appends text (n bytes) padded to width code points, cut to prec code points. */
static int fmt_append_padded(gk__strbuf *b, const char *s, size_t n, long width, long prec, bool left)
{
    size_t cps = u8_len(s, n);
    if (prec >= 0 && cps > (size_t)prec) {
        size_t k = 0, i = 0;
        while (i < n && k < (size_t)prec) {
            i++;
            while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
                i++;
            k++;
        }
        n = i;
        cps = k;
    }
    size_t pad = (width > 0 && (size_t)width > cps) ? (size_t)width - cps : 0;
    for (size_t i = 0; !left && i < pad; i++)
        if (gk__strbuf_append(b, " ", 1) < 0) return -1;
    if (gk__strbuf_append(b, s, n) < 0) return -1;
    for (size_t i = 0; left && i < pad; i++)
        if (gk__strbuf_append(b, " ", 1) < 0) return -1;
    return 0;
}

static int fmt_object(gk__strbuf *b, char conv, gk_object *o, long width, long prec, bool left)
{
    gk_object *s;
    if (conv == 'R') s = gk__repr(o);
    else if (conv == 'S') s = gk__str(o);
    else if (conv == 'N') s = gk__str_from_cstr(GK_TYPE_NAME(o));
    else s = gk__incref(o);
    if (!s)
        return -1;
    int rc = fmt_append_padded(b, gk__str_utf8(s), gk__str_size(s), width, prec, left);
    gk__decref(s);
    return rc;
}

static int fmt_number(gk__strbuf *b, const char *spec, size_t speclen, char lenmod, char conv, va_list *ap)
{
    char f[48];
    if (speclen > 30)
        speclen = 30;
    memcpy(f, spec, speclen);
    size_t k = speclen;
    bool is_signed = conv == 'd' || conv == 'i';
    if (lenmod == 'l') f[k++] = 'l';
    else if (lenmod == 'L') { f[k++] = 'l'; f[k++] = 'l'; }
    else if (lenmod == 'z') f[k++] = 'z';
    f[k++] = conv;
    f[k] = 0;
    if (lenmod == 'l')
        return is_signed ? gk__strbuf_printf(b, f, va_arg(*ap, long)) : gk__strbuf_printf(b, f, va_arg(*ap, unsigned long));
    if (lenmod == 'L')
        return is_signed ? gk__strbuf_printf(b, f, va_arg(*ap, long long))
                         : gk__strbuf_printf(b, f, va_arg(*ap, unsigned long long));
    if (lenmod == 'z')
        return is_signed ? gk__strbuf_printf(b, f, va_arg(*ap, ptrdiff_t)) : gk__strbuf_printf(b, f, va_arg(*ap, size_t));
    return is_signed ? gk__strbuf_printf(b, f, va_arg(*ap, int)) : gk__strbuf_printf(b, f, va_arg(*ap, unsigned));
}

static int fmt_one(gk__strbuf *b, const char **pp, va_list *ap)
{
    const char *start = *pp;     /* at '%' */
    const char *p = start + 1;
    bool left = false;
    while (*p == '-' || *p == '0' || *p == '+' || *p == ' ' || *p == '#') {
        if (*p == '-') left = true;
        p++;
    }
    long width = -1, prec = -1;
    if (*p == '*') { width = va_arg(*ap, int); p++; }
    else if (*p >= '0' && *p <= '9') width = strtol(p, (char **)&p, 10);
    if (*p == '.') {
        p++;
        if (*p == '*') { prec = va_arg(*ap, int); p++; }
        else prec = strtol(p, (char **)&p, 10);
    }
    size_t speclen = (size_t)(p - start);
    char lenmod = 0;
    if (p[0] == 'l' && p[1] == 'l') { lenmod = 'L'; p += 2; }
    else if (*p == 'l') { lenmod = 'l'; p++; }
    else if (*p == 'z') { lenmod = 'z'; p++; }
    else if (*p == 'h') p++;
    char conv = *p;
    *pp = conv ? p + 1 : p;
    switch (conv) {
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
        if (memchr(start, '*', speclen))
            return fmt_number(b, "%", 1, lenmod, conv, ap);
        return fmt_number(b, start, speclen, lenmod, conv, ap);
    case 'p':
        return gk__strbuf_printf(b, "%p", va_arg(*ap, void *));
    case 'c': {
        int c = va_arg(*ap, int);
        return append_cp(b, (uint32_t)c);
    }
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (!s) s = "(null)";
        return fmt_append_padded(b, s, strlen(s), width, prec, left);
    }
    case 'R': case 'S': case 'N': case 'U':
        return fmt_object(b, conv, va_arg(*ap, gk_object *), width, prec, left);
    case '%':
        return gk__strbuf_append(b, "%", 1);
    default:
        return gk__strbuf_append(b, start, (size_t)(*pp - start));
    }
}

/* Formats like gk__raise (C formats plus %R %S %N %U). */
gk_object *gk__str_from_vformat(const char *fmt, va_list ap)
{
    gk__strbuf b;
    gk__strbuf_init(&b);
    va_list ap2;
    va_copy(ap2, ap);
    const char *p = fmt;
    while (*p) {
        const char *q = strchr(p, '%');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n && gk__strbuf_append(&b, p, n) < 0)
            goto fail;
        if (!q)
            break;
        p = q;
        if (fmt_one(&b, &p, &ap2) < 0)
            goto fail;
    }
    va_end(ap2);
    return gk__strbuf_finish(&b);
fail:
    va_end(ap2);
    gk__strbuf_free(&b);
    return NULL;
}

/* Formats like gk__raise (C formats plus %R %S %N %U). */
gk_object *gk__str_from_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gk_object *r = gk__str_from_vformat(fmt, ap);
    va_end(ap);
    return r;
}

