/*
 * vm/objects/float.c - the float type, and divmod() for numbers.
 *
 * A float wraps a C double.  Exact floats are recycled through a short free
 * list.  Arithmetic follows Python 3.11: % and // take the sign of the
 * divisor, ** raises where Python raises (0.0 to a negative power,
 * overflow), comparisons with ints are exact even for huge ints, and the
 * hash agrees with int's (value modulo 2**61 - 1) for integral values.
 * repr() gives the shortest text that reads back as the same double.
 * Deviation: a negative number to a fractional power raises ValueError
 * where Python would return a complex (gilkit has no complex type).
 */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include "objects.h"

/* Invariant: v is the value; immutable after creation. */
typedef struct gk_float {
    GK_HEAD;
    double v;
} gk_float;

#define FV(o) (((gk_float *)(o))->v)
_Static_assert(offsetof(gk_float, v) == offsetof(struct gk__float_head, v),
               "objects.h's struct gk__float_head must match gk_float");
#define HASH_MODULUS (((uint64_t)1 << 61) - 1)
#define FREE_MAX 256

static gk_float *free_floats[FREE_MAX];   /* GIL */
static int nfree;

static gk_object *notimpl(void) { return gk__incref(GK_NOTIMPLEMENTED); }

/* Returns a new float holding d. */
gk_object *gk__float_new(double d)
{
    gk_float *f;
    if (nfree) {
        f = free_floats[--nfree];
        f->ob.refcnt = 1;
    } else {
        f = (gk_float *)gk__obj_new(&gk__float_type, sizeof(gk_float));
        if (!f)
            return NULL;
    }
    f->v = d;
    return (gk_object *)f;
}

/* The value of a float (or float subclass instance). */
double gk__float_value(gk_object *o) { return FV(o); }

static void float_dealloc(gk_object *o)
{
    if (GK_TYPE(o) == &gk__float_type && nfree < FREE_MAX) {
        free_floats[nfree++] = (gk_float *)o;
        return;
    }
    gk__free(o);
}

static gk_object *exact(gk_object *o)
{
    return GK_TYPE(o) == &gk__float_type ? gk__incref(o) : gk__float_new(FV(o));
}

/* Calls __float__ and checks that it gave a float; returns the value or -1.0 + error. */
static double call_dunder_float(gk_object *o, bool slot)
{
    gk_object *r = slot ? GK_TYPE(o)->nb_float(o) : gk__call_special(o, "__float__", NULL, 0);
    if (!r)
        return -1.0;
    if (!gk__is_float(r)) {
        gk__raise(&gk__exc_TypeError, "%s.__float__ returned non-float (type %s)", GK_TYPE_NAME(o),
                  GK_TYPE_NAME(r));
        gk__decref(r);
        return -1.0;
    }
    double d = FV(r);
    gk__decref(r);
    return d;
}

static double index_as_double(gk_object *o)
{
    gk_object *i = gk__number_index(o);
    if (!i)
        return -1.0;
    double d = gk__int_as_double(i);
    gk__decref(i);
    return d;
}

/* 1 if o has a float conversion (__float__ or __index__), filling *d; 0 if
 * it has none; -1 on error. */
static int convert_real(gk_object *o, double *d)
{
    gk_type *t = GK_TYPE(o);
    if (t->flags & GK_TPFLAG_HEAPTYPE) {
        if (gk__type_lookup_cstr(t, "__float__")) {
            *d = call_dunder_float(o, false);
            return *d == -1.0 && gk__err_occurred() ? -1 : 1;
        }
        if (gk__type_lookup_cstr(t, "__index__")) {
            *d = index_as_double(o);
            return *d == -1.0 && gk__err_occurred() ? -1 : 1;
        }
    }
    if (gk__is_float(o)) {
        *d = FV(o);
        return 1;
    }
    if (gk__is_int(o)) {
        *d = gk__int_as_double(o);
        return *d == -1.0 && gk__err_occurred() ? -1 : 1;
    }
    if (t->flags & GK_TPFLAG_HEAPTYPE)
        return 0;   /* its dunders were looked up above */
    if (t->nb_float) {
        *d = call_dunder_float(o, true);
        return *d == -1.0 && gk__err_occurred() ? -1 : 1;
    }
    if (t->nb_index) {
        *d = index_as_double(o);
        return *d == -1.0 && gk__err_occurred() ? -1 : 1;
    }
    return 0;
}

/* float(o) for numbers: float, int, __float__, __index__; -1.0 + error. */
double gk__as_double(gk_object *o)
{
    double d;
    int r = convert_real(o, &d);
    if (r > 0)
        return d;
    if (r == 0)
        gk__raise(&gk__exc_TypeError, "must be real number, not %s", GK_TYPE_NAME(o));
    return -1.0;
}

/* Converts an arithmetic operand: 1 done, 0 not int/float, -1 error. */
static int operand(gk_object *o, double *d)
{
    if (gk__is_float(o)) {
        *d = FV(o);
        return 1;
    }
    if (!gk__is_int(o))
        return 0;
    *d = gk__int_as_double(o);
    return *d == -1.0 && gk__err_occurred() ? -1 : 1;
}

#define OPERANDS(a, b, x, y) \
    double x, y; \
    do { \
        int ra_ = operand(a, &x); \
        if (ra_ <= 0) \
            return ra_ < 0 ? NULL : notimpl(); \
        int rb_ = operand(b, &y); \
        if (rb_ <= 0) \
            return rb_ < 0 ? NULL : notimpl(); \
    } while (0)

/* ------------------------------------------------------------------ */
/* repr and hash                                                       */

/* Writes the shortest round-tripping repr of d, Python style. */
void gk__float_repr_buf(double d, char *buf, size_t n)
{
    if (isnan(d)) {
        snprintf(buf, n, "nan");
        return;
    }
    if (isinf(d)) {
        snprintf(buf, n, d < 0 ? "-inf" : "inf");
        return;
    }
    char tmp[48];
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* tmp is [-]D[.DDD]e(+|-)XX: collect the digits and the exponent. */
    char digits[24];
    size_t nd = 0;
    const char *p = tmp;
    bool neg = *p == '-';
    if (neg)
        p++;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    int exp = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    char out[64];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (exp >= 16 || exp < -4) {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, nd - 1);
            o += nd - 1;
        }
        o += (size_t)snprintf(out + o, sizeof out - o, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    } else if (exp >= 0) {
        for (int i = 0; i <= exp; i++)
            out[o++] = (size_t)i < nd ? digits[i] : '0';
        out[o++] = '.';
        if ((size_t)exp + 1 < nd) {
            memcpy(out + o, digits + exp + 1, nd - (size_t)exp - 1);
            o += nd - (size_t)exp - 1;
        } else
            out[o++] = '0';
    } else {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -exp - 1; i++)
            out[o++] = '0';
        memcpy(out + o, digits, nd);
        o += nd;
    }
    out[o] = '\0';
    snprintf(buf, n, "%s", out);
}

static gk_object *float_repr(gk_object *o)
{
    char buf[64];
    gk__float_repr_buf(FV(o), buf, sizeof buf);
    return gk__str_from_cstr(buf);
}

/* Python's numeric hash of d: equal to hash(int(d)) when d is integral. */
int64_t gk__hash_double(double d)
{
    if (isinf(d))
        return d > 0 ? 314159 : -314159;
    if (isnan(d))
        return 0;
    int e;
    double m = frexp(d, &e);
    int sign = 1;
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    /* Feed 28 bits of mantissa at a time, reducing modulo 2**61 - 1 (a
     * left rotation by k bits multiplies by 2**k in that ring). */
    uint64_t x = 0;
    while (m) {
        x = ((x << 28) & HASH_MODULUS) | x >> (61 - 28);
        m *= 268435456.0;
        e -= 28;
        uint64_t y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= HASH_MODULUS)
            x -= HASH_MODULUS;
    }
    e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61);
    x = ((x << e) & HASH_MODULUS) | x >> (61 - e);
    int64_t h = (int64_t)x * sign;
    return h == -1 ? -2 : h;
}

static int64_t float_hash(gk_object *o)
{
    if (isnan(FV(o))) {
        uintptr_t y = (uintptr_t)o;
        y = (y >> 4) | (y << (8 * sizeof y - 4));
        int64_t h = (int64_t)y;
        return h == -1 ? -2 : h;
    }
    return gk__hash_double(FV(o));
}

/* ------------------------------------------------------------------ */
/* Arithmetic                                                          */

static gk_object *float_add(gk_object *a, gk_object *b)
{
    OPERANDS(a, b, x, y);
    return gk__float_new(x + y);
}

static gk_object *float_sub(gk_object *a, gk_object *b)
{
    OPERANDS(a, b, x, y);
    return gk__float_new(x - y);
}

static gk_object *float_mul(gk_object *a, gk_object *b)
{
    OPERANDS(a, b, x, y);
    return gk__float_new(x * y);
}

static gk_object *float_truediv(gk_object *a, gk_object *b)
{
    OPERANDS(a, b, x, y);
    if (y == 0.0)
        return gk__raise(&gk__exc_ZeroDivisionError, "float division by zero");
    return gk__float_new(x / y);
}

/* Floor quotient and modulo of x by y (y != 0), with Python's signs. */
static void floor_divmod(double x, double y, double *q, double *r)
{
    double mod = fmod(x, y);
    double div = (x - mod) / y;
    if (mod != 0.0) {
        if ((y < 0) != (mod < 0)) {
            mod += y;
            div -= 1.0;
        }
    } else
        mod = copysign(0.0, y);
    double fl;
    if (div != 0.0) {
        fl = floor(div);
        if (div - fl > 0.5)
            fl += 1.0;
    } else
        fl = copysign(0.0, x / y);
    *q = fl;
    *r = mod;
}

static gk_object *float_floordiv(gk_object *a, gk_object *b)
{
    OPERANDS(a, b, x, y);
    if (y == 0.0)
        return gk__raise(&gk__exc_ZeroDivisionError, "float floor division by zero");
    double q, r;
    floor_divmod(x, y, &q, &r);
    return gk__float_new(q);
}

static gk_object *float_mod(gk_object *a, gk_object *b)
{
    OPERANDS(a, b, x, y);
    if (y == 0.0)
        return gk__raise(&gk__exc_ZeroDivisionError, "float modulo");
    double q, r;
    floor_divmod(x, y, &q, &r);
    return gk__float_new(r);
}

static gk_object *float_divmod(gk_object *a, gk_object *b)
{
    OPERANDS(a, b, x, y);
    if (y == 0.0)
        return gk__raise(&gk__exc_ZeroDivisionError, "float divmod()");
    double q, r;
    floor_divmod(x, y, &q, &r);
    gk_object *oq = gk__float_new(q), *orr = gk__float_new(r);
    gk_object *t = oq && orr ? gk__tuple_pack(2, oq, orr) : NULL;
    gk__xdecref(oq);
    gk__xdecref(orr);
    return t;
}

static gk_object *float_pow(gk_object *a, gk_object *b)
{
    OPERANDS(a, b, x, y);
    if (x == 0.0 && y < 0.0 && isfinite(y))
        return gk__raise(&gk__exc_ZeroDivisionError, "0.0 cannot be raised to a negative power");
    if (x < 0.0 && isfinite(x) && isfinite(y) && y != floor(y))
        return gk__raise(&gk__exc_ValueError, "negative number cannot be raised to a fractional power");
    double r = pow(x, y);
    if (isinf(r) && isfinite(x) && isfinite(y))
        return gk__raise(&gk__exc_OverflowError, "(34, 'Numerical result out of range')");
    return gk__float_new(r);
}

static gk_object *float_neg(gk_object *a) { return gk__float_new(-FV(a)); }
static gk_object *float_pos(gk_object *a) { return exact(a); }
static gk_object *float_abs(gk_object *a) { return gk__float_new(fabs(FV(a))); }
static int float_bool(gk_object *a) { return FV(a) != 0.0; }
static gk_object *float_int(gk_object *a) { return gk__int_from_double(FV(a)); }

/* self.name(other), or NotImplemented (new reference) when absent. */
static gk_object *try_dunder(gk_object *self, const char *name, gk_object *other)
{
    if (!gk__type_lookup_cstr(GK_TYPE(self), name))
        return notimpl();
    return gk__call_special(self, name, &other, 1);
}

/* divmod(a, b): ints and floats directly, otherwise through __divmod__ and
 * __rdivmod__ (the right operand first when its type is a subclass). */
gk_object *gk__divmod(gk_object *a, gk_object *b)
{
    gk_type *ta = GK_TYPE(a), *tb = GK_TYPE(b);
    bool ia = ta == &gk__int_type || ta == &gk__bool_type, ib = tb == &gk__int_type || tb == &gk__bool_type;
    if (ia && ib)
        return gk__int_divmod(a, b);
    if ((ia || ta == &gk__float_type) && (ib || tb == &gk__float_type))
        return float_divmod(a, b);
    bool right_first = ta != tb && gk__type_is_subtype(tb, ta) && gk__type_lookup_cstr(tb, "__rdivmod__");
    gk_object *r;
    if (right_first && (r = try_dunder(b, "__rdivmod__", a)) != GK_NOTIMPLEMENTED)
        return r;
    if (right_first)
        gk__decref(r);
    if ((r = try_dunder(a, "__divmod__", b)) != GK_NOTIMPLEMENTED)
        return r;
    gk__decref(r);
    if (!right_first && ta != tb) {
        if ((r = try_dunder(b, "__rdivmod__", a)) != GK_NOTIMPLEMENTED)
            return r;
        gk__decref(r);
    }
    return gk__raise(&gk__exc_TypeError, "unsupported operand type(s) for divmod(): '%s' and '%s'",
                     gk__type_name(ta), gk__type_name(tb));
}

/* ------------------------------------------------------------------ */
/* Comparison                                                          */

/* Three-way comparison of finite d with int i: -1, 0, 1, or -2 on error. */
static int cmp_double_int(double d, gk_object *i)
{
#if LDBL_MANT_DIG >= 64
    if (gk__int_is_small(i)) {
        long double a = d, b = (long double)gk__int_small_value(i);
        return a < b ? -1 : a > b;
    }
#else
    if (gk__int_is_small(i) && llabs(gk__int_small_value(i)) <= ((int64_t)1 << 53)) {
        double b = (double)gk__int_small_value(i);
        return d < b ? -1 : d > b;
    }
#endif
    double fl = floor(d);
    gk_object *fi = gk__int_from_double(fl);
    if (!fi)
        return -2;
    int lt = gk__richcompare_bool(fi, i, GK_LT);
    int eq = lt == 0 ? gk__richcompare_bool(fi, i, GK_EQ) : 0;
    gk__decref(fi);
    if (lt < 0 || eq < 0)
        return -2;
    if (fl == d)   /* integral: the int comparison is the answer */
        return lt ? -1 : eq ? 0 : 1;
    /* fl < d < fl + 1: d is above i exactly when i <= fl. */
    return lt ? -1 : 1;
}

static gk_object *float_richcompare(gk_object *a, gk_object *b, int op)
{
    if (!gk__is_float(a)) {
        static const int swapped[] = { GK_GT, GK_GE, GK_EQ, GK_NE, GK_LT, GK_LE };
        return gk__is_float(b) && gk__is_int(a) ? float_richcompare(b, a, swapped[op]) : notimpl();
    }
    double x = FV(a);
    int c;
    if (gk__is_float(b)) {
        double y = FV(b);
        if (isnan(x) || isnan(y))
            return gk__bool(op == GK_NE);
        c = x < y ? -1 : x > y;
    } else if (gk__is_int(b)) {
        if (isnan(x))
            return gk__bool(op == GK_NE);
        if (isinf(x))
            c = x > 0 ? 1 : -1;
        else if ((c = cmp_double_int(x, b)) == -2)
            return NULL;
    } else
        return notimpl();
    bool r = false;
    switch (op) {
    case GK_LT: r = c < 0; break;
    case GK_LE: r = c <= 0; break;
    case GK_EQ: r = c == 0; break;
    case GK_NE: r = c != 0; break;
    case GK_GT: r = c > 0; break;
    case GK_GE: r = c >= 0; break;
    }
    return gk__bool(r);
}

/* ------------------------------------------------------------------ */
/* Constructor                                                         */

static bool is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Copies a run of digits with single underscores between them; returns
 * the count of digits, or -1 for a misplaced underscore. */
static long copy_digits(const char **pp, const char *end, char *out, size_t *o)
{
    const char *p = *pp;
    long n = 0;
    while (p < end) {
        if (is_digit(*p)) {
            out[(*o)++] = *p++;
            n++;
        } else if (*p == '_' && n > 0 && p + 1 < end && is_digit(p[1]))
            p++;
        else
            break;
    }
    *pp = p;
    return n;
}

static bool match_word(const char *p, const char *end, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(end - p) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((p[i] | 0x20) != w[i])
            return false;
    return true;
}

/* Parses Python float text; false if it is not valid. */
static bool parse_float_text(const char *s, size_t len, double *out)
{
    const char *p = s, *end = s + len;
    while (p < end && is_space((unsigned char)*p))
        p++;
    while (end > p && is_space((unsigned char)end[-1]))
        end--;
    bool neg = false;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if (match_word(p, end, "inf") || match_word(p, end, "infinity")) {
        *out = neg ? -HUGE_VAL : HUGE_VAL;
        return true;
    }
    if (match_word(p, end, "nan")) {
        *out = neg ? -NAN : NAN;
        return true;
    }
    char *buf = malloc((size_t)(end - p) + 2);
    if (!buf)
        return false;
    size_t o = 0;
    bool ok = false;
    long ni = copy_digits(&p, end, buf, &o), nf = 0;
    if (p < end && *p == '.') {
        buf[o++] = *p++;
        if (p < end && *p == '_')
            goto done;
        nf = copy_digits(&p, end, buf, &o);
    }
    if (ni + nf == 0)
        goto done;
    if (p < end && (*p == 'e' || *p == 'E')) {
        buf[o++] = *p++;
        if (p < end && (*p == '+' || *p == '-'))
            buf[o++] = *p++;
        if (copy_digits(&p, end, buf, &o) == 0)
            goto done;
    }
    if (p != end)
        goto done;
    buf[o] = '\0';
    double d = strtod(buf, NULL);
    *out = neg ? -d : d;
    ok = true;
done:
    free(buf);
    return ok;
}

static gk_object *float_from_object(gk_object *x)
{
    if (GK_TYPE(x) == &gk__float_type)
        return gk__incref(x);
    if (gk__is_str(x) || gk__is_bytes(x) || GK_TYPE(x) == &gk__bytearray_type) {
        const char *s = gk__is_str(x) ? gk__str_utf8(x) : (const char *)gk__bytes_data(x);
        size_t n = gk__is_str(x) ? gk__str_size(x) : gk__bytes_size(x);
        double d;
        if (!parse_float_text(s, n, &d))
            return gk__raise(&gk__exc_ValueError, "could not convert string to float: %R", x);
        return gk__float_new(d);
    }
    double d;
    int r = convert_real(x, &d);
    if (r > 0)
        return gk__float_new(d);
    if (r == 0)
        gk__raise(&gk__exc_TypeError, "float() argument must be a string or a real number, not '%s'",
                  GK_TYPE_NAME(x));
    return NULL;
}

static gk_object *float_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (kwnames && gk__tuple_size(kwnames))
        return gk__raise(&gk__exc_TypeError, "float() takes no keyword arguments");
    if (nargs > 1)
        return gk__raise(&gk__exc_TypeError, "float expected at most 1 argument, got %zu", nargs);
    gk_object *v = nargs ? float_from_object(args[0]) : gk__float_new(0.0);
    if (!v || type == &gk__float_type)
        return v;
    gk_object *o = (type->flags & GK_TPFLAG_GC) ? gk__gc_new(type, type->basicsize)
                                                : gk__obj_new(type, type->basicsize);
    if (o)
        FV(o) = FV(v);
    gk__decref(v);
    return o;
}

/* ------------------------------------------------------------------ */
/* Methods                                                             */

#define NOARGS(name) \
    do { if (gk__check_args(name, nargs, kwnames, 0, 0) < 0) return NULL; } while (0)

static gk_object *float_is_integer(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("is_integer");
    double d = FV(self);
    return gk__bool(isfinite(d) && floor(d) == d);
}

static gk_object *float_as_integer_ratio(gk_object *self, gk_object *const *args, size_t nargs,
                                         gk_object *kwnames)
{
    NOARGS("as_integer_ratio");
    double d = FV(self);
    if (isinf(d))
        return gk__raise(&gk__exc_OverflowError, "cannot convert Infinity to integer ratio");
    if (isnan(d))
        return gk__raise(&gk__exc_ValueError, "cannot convert NaN to integer ratio");
    int e;
    double m = frexp(d, &e);
    for (int i = 0; i < 300 && m != floor(m); i++) {
        m *= 2.0;
        e--;
    }
    gk_object *num = gk__int_from_double(m), *den = gk__int_from_i64(1), *sh = NULL, *t = NULL;
    if (!num || !den || !(sh = gk__int_from_i64(e < 0 ? -e : e)))
        goto done;
    if (e > 0)
        GK_SETREF(num, gk__binop(num, sh, GK_BINOP_LSHIFT));
    else
        GK_SETREF(den, gk__binop(den, sh, GK_BINOP_LSHIFT));
    if (num && den)
        t = gk__tuple_pack(2, num, den);
done:
    gk__xdecref(num);
    gk__xdecref(den);
    gk__xdecref(sh);
    return t;
}

static gk_object *float_hex(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("hex");
    double d = FV(self);
    char buf[64];
    if (!isfinite(d)) {
        gk__float_repr_buf(d, buf, sizeof buf);
        return gk__str_from_cstr(buf);
    }
    const char *sign = signbit(d) ? "-" : "";
    d = fabs(d);
    if (d == 0.0) {
        snprintf(buf, sizeof buf, "%s0x0.0p+0", sign);
        return gk__str_from_cstr(buf);
    }
    int e, lead;
    double frac;
    if (d < DBL_MIN) {
        lead = 0;
        e = -1022;
        frac = ldexp(d, 1022);
    } else {
        frac = frexp(d, &e) * 2.0 - 1.0;
        e -= 1;
        lead = 1;
    }
    char hex[14];
    for (int i = 0; i < 13; i++) {
        frac *= 16.0;
        int dig = (int)frac;
        frac -= dig;
        hex[i] = "0123456789abcdef"[dig];
    }
    hex[13] = '\0';
    snprintf(buf, sizeof buf, "%s0x%d.%sp%c%d", sign, lead, hex, e < 0 ? '-' : '+', e < 0 ? -e : e);
    return gk__str_from_cstr(buf);
}

/* Validates Python hex-float text after the sign; writes "0x..." for strtod. */
static bool hex_body(const char *p, const char *end, char *out)
{
    size_t o = 0;
    out[o++] = '0';
    out[o++] = 'x';
    if (end - p >= 2 && p[0] == '0' && (p[1] | 0x20) == 'x')
        p += 2;
    size_t ndig = 0;
    bool dot = false;
    for (; p < end && (*p == '.' || isxdigit((unsigned char)*p)); p++) {
        if (*p == '.') {
            if (dot)
                return false;
            dot = true;
        } else
            ndig++;
        out[o++] = *p;
    }
    if (ndig == 0)
        return false;
    if (p < end && (*p | 0x20) == 'p') {
        out[o++] = *p++;
        if (p < end && (*p == '+' || *p == '-'))
            out[o++] = *p++;
        size_t ne = 0;
        for (; p < end && is_digit(*p); p++, ne++)
            out[o++] = *p;
        if (ne == 0)
            return false;
    }
    out[o] = '\0';
    return p == end;
}

static gk_object *float_fromhex(gk_object *cls, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("fromhex", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "fromhex() argument must be str, not %s", GK_TYPE_NAME(args[0]));
    const char *p = gk__str_utf8(args[0]), *end = p + gk__str_size(args[0]);
    while (p < end && is_space((unsigned char)*p))
        p++;
    while (end > p && is_space((unsigned char)end[-1]))
        end--;
    bool neg = false;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    double d;
    if (match_word(p, end, "inf") || match_word(p, end, "infinity"))
        d = HUGE_VAL;
    else if (match_word(p, end, "nan"))
        d = NAN;
    else {
        char *buf = malloc((size_t)(end - p) + 4);
        if (!buf)
            return gk__raise_nomemory();
        bool ok = hex_body(p, end, buf);
        d = ok ? strtod(buf, NULL) : 0.0;
        free(buf);
        if (!ok)
            return gk__raise(&gk__exc_ValueError, "invalid hexadecimal floating-point string");
        if (isinf(d))
            return gk__raise(&gk__exc_OverflowError, "hexadecimal value too large to represent as a float");
    }
    gk_object *r = gk__float_new(neg ? -d : d);
    if (r && cls != (gk_object *)&gk__float_type)
        GK_SETREF(r, gk__call1(cls, r));
    return r;
}

static gk_object *float_conjugate(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("conjugate");
    return exact(self);
}

static gk_object *float_trunc(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("__trunc__");
    return gk__int_from_double(FV(self));
}

static gk_object *float_floor(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("__floor__");
    return gk__int_from_double(floor(FV(self)));
}

static gk_object *float_ceil(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("__ceil__");
    return gk__int_from_double(ceil(FV(self)));
}

/* x rounded half to even at 10**-nd for nd < 0, via its exact decimal digits. */
static double round_neg(double x, intptr_t nd)
{
    char tmp[80];
    snprintf(tmp, sizeof tmp, "%.25e", x);
    int e10 = atoi(strchr(tmp, 'e') + 1);
    intptr_t sig = e10 + nd + 1;   /* significant digits kept */
    if (sig > 17)                  /* finer than the double's own precision */
        return x;
    if (sig > 0) {
        snprintf(tmp, sizeof tmp, "%.*e", (int)sig - 1, x);
        return strtod(tmp, NULL);
    }
    if (sig < 0)
        return copysign(0.0, x);
    /* Rounds to 0 or to 10**-nd: compare |x| with half of that. */
    snprintf(tmp, sizeof tmp, "%.40e", fabs(x));
    int first = tmp[0] - '0';
    bool rest_zero = strspn(tmp + 2, "0") == strcspn(tmp + 2, "e");
    if (first > 5 || (first == 5 && !rest_zero)) {
        snprintf(tmp, sizeof tmp, "1e%d", (int)-nd);
        return copysign(strtod(tmp, NULL), x);
    }
    return copysign(0.0, x);
}

static gk_object *round_ndigits(double x, intptr_t nd)
{
    if (!isfinite(x) || x == 0.0 || nd > 323)
        return gk__float_new(x);
    if (nd < -308)
        return gk__float_new(copysign(0.0, x));
    double r;
    if (nd >= 0) {
        int n = snprintf(NULL, 0, "%.*f", (int)nd, x);
        char *buf = malloc((size_t)n + 1);
        if (!buf)
            return gk__raise_nomemory();
        snprintf(buf, (size_t)n + 1, "%.*f", (int)nd, x);
        r = strtod(buf, NULL);
        free(buf);
    } else
        r = round_neg(x, nd);
    if (isinf(r))
        return gk__raise(&gk__exc_OverflowError, "rounded value too large to represent");
    return gk__float_new(r);
}

static gk_object *float_round(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = {"ndigits"};
    gk_object *nd;
    if (gk__parse_args("__round__", args, nargs, kwnames, names, 0, 1, &nd) < 0)
        return NULL;
    if (!nd || nd == GK_NONE)
        return gk__int_from_double(nearbyint(FV(self)));
    intptr_t n;
    if (gk__index_to_ssize(nd, &n) < 0)
        return NULL;
    return round_ndigits(FV(self), n);
}

static gk_object *float_format(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("__format__", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "__format__() argument must be str, not %s", GK_TYPE_NAME(args[0]));
    return gk__format_float(FV(self), gk__str_utf8(args[0]), gk__str_size(args[0]));
}

static gk_object *float_getnewargs(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("__getnewargs__");
    gk_object *f = exact(self);
    gk_object *t = f ? gk__tuple_pack(1, f) : NULL;
    gk__xdecref(f);
    return t;
}

static gk_object *float_divmod_meth(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("__divmod__", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return float_divmod(self, args[0]);
}

static gk_object *float_rdivmod_meth(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("__rdivmod__", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return float_divmod(args[0], self);
}

static gk_object *float_get_real(gk_object *self, void *closure) { return exact(self); }
static gk_object *float_get_imag(gk_object *self, void *closure) { return gk__float_new(0.0); }

static const gk__methoddef float_methods[] = {
    {"is_integer", float_is_integer, GK_METH_DEFAULT, "Return True if the float is an integer."},
    {"as_integer_ratio", float_as_integer_ratio, GK_METH_DEFAULT, "Return integer ratio."},
    {"hex", float_hex, GK_METH_DEFAULT, "Return a hexadecimal representation of a floating-point number."},
    {"fromhex", float_fromhex, GK_METH_CLASS, "Create a floating-point number from a hexadecimal string."},
    {"conjugate", float_conjugate, GK_METH_DEFAULT, "Return self, the complex conjugate of any float."},
    {"__trunc__", float_trunc, GK_METH_DEFAULT, "Return the Integral closest to x between 0 and x."},
    {"__floor__", float_floor, GK_METH_DEFAULT, "Return the floor as an Integral."},
    {"__ceil__", float_ceil, GK_METH_DEFAULT, "Return the ceiling as an Integral."},
    {"__round__", float_round, GK_METH_DEFAULT, "Return the Integral closest to x, rounding half toward even."},
    {"__format__", float_format, GK_METH_DEFAULT, NULL},
    {"__getnewargs__", float_getnewargs, GK_METH_DEFAULT, NULL},
    {"__divmod__", float_divmod_meth, GK_METH_DEFAULT, "Return divmod(self, value)."},
    {"__rdivmod__", float_rdivmod_meth, GK_METH_DEFAULT, "Return divmod(value, self)."},
    {NULL, NULL, 0, NULL},
};

static const gk__getsetdef float_getset[] = {
    {"real", float_get_real, NULL, NULL},
    {"imag", float_get_imag, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

gk_type gk__float_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "float",
    .basicsize = sizeof(gk_float),
    .flags = GK_TPFLAG_BASETYPE,
    .dealloc = float_dealloc,
    .repr = float_repr,
    .hash = float_hash,
    .richcompare = float_richcompare,
    .getattr = gk__object_generic_getattr,
    .new_ = float_new,
    .nb = {
        [GK_BINOP_ADD] = float_add, [GK_BINOP_SUB] = float_sub, [GK_BINOP_MUL] = float_mul,
        [GK_BINOP_TRUEDIV] = float_truediv, [GK_BINOP_FLOORDIV] = float_floordiv,
        [GK_BINOP_MOD] = float_mod, [GK_BINOP_POW] = float_pow,
    },
    .nb_neg = float_neg,
    .nb_pos = float_pos,
    .nb_abs = float_abs,
    .nb_bool = float_bool,
    .nb_int = float_int,
    .nb_float = float_pos,
    .methods = float_methods,
    .getset = float_getset,
    .doc = "Convert a string or number to a floating point number, if possible.",
};
