/*
 * vm/objects/int.c - the int and bool types.
 *
 * An int keeps values that fit in int64_t inline (`big` false) and does its
 * arithmetic on them with the compiler's overflow-checking builtins; a result
 * that overflows is recomputed with GMP and kept in an mpz.  Every result is
 * normalized: a value that fits int64_t is always stored small, so equal
 * values have one representation.  Ints -5..256 are preallocated, and freed
 * exact ints go to a short free list.  bool is a subclass whose only two
 * instances, True and False, are static.  Semantics follow Python 3.11,
 * including floor division, two's-complement bitwise operations on negative
 * values, the numeric hash (value modulo 2**61 - 1) shared with float, and the
 * 4300-digit limit on decimal string conversion.
 */
#include <gmp.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "objects.h"

_Static_assert(sizeof(long) == 8, "int.c needs a 64-bit long for GMP's _si functions");

/* Invariant: when `big` is false the value is `v` and `z` is untouched;
 * when true, `z` is initialized and holds a value outside int64_t. */
struct gk_int {
    GK_HEAD;
    bool big;
    int64_t v;
    mpz_t z;
};

_Static_assert(offsetof(struct gk_int, big) == offsetof(struct gk__int_head, big) &&
               offsetof(struct gk_int, v) == offsetof(struct gk__int_head, v),
               "objects.h's struct gk__int_head must match struct gk_int");

#define I(o) ((struct gk_int *)(o))
#define BIG(o) (I(o)->big)
#define SV(o) (I(o)->v)
#define HASH_MODULUS (((uint64_t)1 << 61) - 1)
#define MAX_STR_DIGITS 4300
#define SMALL_MIN (-5)
#define SMALL_MAX 256
#define FREE_MAX 256

struct gk_int gk__true_obj = { .ob = GK_STATIC_HEAD(&gk__bool_type), .big = false, .v = 1 };
struct gk_int gk__false_obj = { .ob = GK_STATIC_HEAD(&gk__bool_type), .big = false, .v = 0 };

static struct gk_int small_ints[SMALL_MAX - SMALL_MIN + 1];
static bool small_ready;
static struct gk_int *free_ints[FREE_MAX];   /* GIL */
static int nfree;

static gk_object *notimpl(void) { return gk__incref(GK_NOTIMPLEMENTED); }

/* ------------------------------------------------------------------ */
/* Construction                                                        */

static void init_small(void)
{
    for (int i = 0; i <= SMALL_MAX - SMALL_MIN; i++) {
        small_ints[i].ob.refcnt = GK_STATIC_REFCNT;
        small_ints[i].ob.type = &gk__int_type;
        small_ints[i].v = i + SMALL_MIN;
    }
    small_ready = true;
}

static struct gk_int *int_alloc(void)
{
    if (nfree) {
        struct gk_int *o = free_ints[--nfree];
        o->ob.refcnt = 1;
        o->big = false;
        return o;
    }
    return (struct gk_int *)gk__obj_new(&gk__int_type, sizeof(struct gk_int));
}

/* Returns an int for v (a cached one for small values). */
gk_object *gk__int_from_i64(int64_t v)
{
    if (v >= SMALL_MIN && v <= SMALL_MAX) {
        if (!small_ready)
            init_small();
        return gk__incref((gk_object *)&small_ints[v - SMALL_MIN]);
    }
    struct gk_int *o = int_alloc();
    if (!o)
        return NULL;
    o->v = v;
    return (gk_object *)o;
}

/* Returns an int made from r and clears r (ownership of r moves here). */
static gk_object *from_mpz_steal(mpz_t r)
{
    if (mpz_fits_slong_p(r)) {
        long x = mpz_get_si(r);
        mpz_clear(r);
        return gk__int_from_i64(x);
    }
    struct gk_int *o = int_alloc();
    if (!o) {
        mpz_clear(r);
        return NULL;
    }
    o->big = true;
    o->z[0] = r[0];
    return (gk_object *)o;
}

/* Returns an int equal to the value of z (copied). */
static gk_object *from_mpz(mpz_srcptr z)
{
    mpz_t r;
    mpz_init_set(r, z);
    return from_mpz_steal(r);
}

/* Returns an int for v. */
gk_object *gk__int_from_u64(uint64_t v)
{
    if (v <= (uint64_t)INT64_MAX)
        return gk__int_from_i64((int64_t)v);
    mpz_t r;
    mpz_init(r);
    mpz_import(r, 1, 1, sizeof v, 0, 0, &v);
    return from_mpz_steal(r);
}

/* Returns int(d), truncating; OverflowError for infinities, ValueError for nan. */
gk_object *gk__int_from_double(double d)
{
    if (isinf(d))
        return gk__raise(&gk__exc_OverflowError, "cannot convert float infinity to integer");
    if (isnan(d))
        return gk__raise(&gk__exc_ValueError, "cannot convert float NaN to integer");
    double t = trunc(d);
    if (t >= -9223372036854775808.0 && t < 9223372036854775808.0)
        return gk__int_from_i64((int64_t)t);
    mpz_t r;
    mpz_init_set_d(r, t);
    return from_mpz_steal(r);
}

/* An exact int (type int) with the value of any int instance o. */
static gk_object *exact(gk_object *o)
{
    if (GK_TYPE(o) == &gk__int_type)
        return gk__incref(o);
    return BIG(o) ? from_mpz(I(o)->z) : gk__int_from_i64(SV(o));
}

/* Views o's value as an mpz: returns I(o)->z, or tmp set from the small value. */
static mpz_srcptr zget(gk_object *o, mpz_t tmp)
{
    if (BIG(o))
        return I(o)->z;
    mpz_init_set_si(tmp, SV(o));
    return tmp;
}

static void zput(gk_object *o, mpz_t tmp)
{
    if (!BIG(o))
        mpz_clear(tmp);
}

static void int_dealloc(gk_object *o)
{
    if (BIG(o))
        mpz_clear(I(o)->z);
    if (GK_TYPE(o) == &gk__int_type && nfree < FREE_MAX) {
        free_ints[nfree++] = I(o);
        return;
    }
    gk__free(o);
}

/* ------------------------------------------------------------------ */
/* Accessors for the rest of the VM                                    */

/* True if o is an int whose value fits int64_t. */
bool gk__int_is_small(gk_object *o) { return gk__is_int(o) && !BIG(o); }
/* The value of a small int. */
int64_t gk__int_small_value(gk_object *o) { return SV(o); }

/* Returns o's value; -1 with OverflowError if it does not fit int64_t. */
int64_t gk__int_as_i64(gk_object *o)
{
    if (!BIG(o))
        return SV(o);
    gk__raise(&gk__exc_OverflowError, "Python int too large to convert to C long");
    return -1;
}

/* Returns -1, 0 or 1. */
int gk__int_sign(gk_object *o)
{
    if (BIG(o))
        return mpz_sgn(I(o)->z);
    return SV(o) < 0 ? -1 : SV(o) > 0;
}

/* |n| / |d| correctly rounded (half to even) into *out; -1 if too large.
 * d must not be 0. */
static int ratio_to_double(mpz_srcptr n, mpz_srcptr d, double *out)
{
    long e = (long)mpz_sizeinbase(n, 2) - (long)mpz_sizeinbase(d, 2);
    if (e > 1025)
        return -1;                     /* the quotient is at least 2**1025 */
    if (mpz_sgn(n) == 0 || e < -1076) {
        *out = 0.0;                    /* below half the smallest subnormal */
        return 0;
    }
    mpz_t a, b, q, r;
    mpz_init(a);
    mpz_init(b);
    mpz_init(q);
    mpz_init(r);
    mpz_abs(a, n);
    mpz_abs(b, d);
    long k = e - 55;                   /* q gets 55 or 56 bits */
    if (k < 0)
        mpz_mul_2exp(a, a, (unsigned long)-k);
    else
        mpz_mul_2exp(b, b, (unsigned long)k);
    mpz_tdiv_qr(q, r, a, b);
    bool sticky = mpz_sgn(r) != 0;
    long drop = (long)mpz_sizeinbase(q, 2) - 53;
    if (k + drop < -1074)
        drop = -1074 - k;              /* subnormal result: fewer bits */
    mpz_fdiv_r_2exp(r, q, (unsigned long)drop);
    mpz_fdiv_q_2exp(q, q, (unsigned long)drop);
    mpz_set_ui(a, 1);
    mpz_mul_2exp(a, a, (unsigned long)(drop - 1));
    int c = mpz_cmp(r, a);
    if (c > 0 || (c == 0 && (sticky || mpz_odd_p(q))))
        mpz_add_ui(q, q, 1);
    long exp2 = k + drop;
    int rc = 0;
    if ((long)mpz_sizeinbase(q, 2) + exp2 > 1024)
        rc = -1;
    else
        *out = ldexp(mpz_get_d(q), (int)exp2);
    mpz_clear(a);
    mpz_clear(b);
    mpz_clear(q);
    mpz_clear(r);
    return rc;
}

/* float(o), correctly rounded; -1.0 + OverflowError if too big. */
double gk__int_as_double(gk_object *o)
{
    if (!BIG(o))
        return (double)SV(o);
    mpz_t one;
    mpz_init_set_ui(one, 1);
    double d = 0;
    int rc = ratio_to_double(I(o)->z, one, &d);
    mpz_clear(one);
    if (rc < 0) {
        gk__raise(&gk__exc_OverflowError, "int too large to convert to float");
        return -1.0;
    }
    return mpz_sgn(I(o)->z) < 0 ? -d : d;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

static gk_object *too_many_digits(void)
{
    return gk__raise(&gk__exc_ValueError, "Exceeds the limit (%d digits) for integer string conversion; "
                     "use sys.set_int_max_str_digits() to increase the limit", MAX_STR_DIGITS);
}

/* str of o in base (2..36), with "0x"/"0o"/"0b" when prefix is set. */
gk_object *gk__int_to_base(gk_object *o, int base, bool prefix)
{
    const char *pfx = "";
    if (prefix)
        pfx = base == 16 ? "0x" : base == 8 ? "0o" : base == 2 ? "0b" : "";
    if (!BIG(o)) {
        char tmp[80];
        int64_t x = SV(o);
        uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
        size_t i = sizeof tmp;
        tmp[--i] = '\0';
        do {
            tmp[--i] = "0123456789abcdefghijklmnopqrstuvwxyz"[u % (uint64_t)base];
            u /= (uint64_t)base;
        } while (u);
        for (size_t k = strlen(pfx); k > 0; k--)
            tmp[--i] = pfx[k - 1];
        if (x < 0)
            tmp[--i] = '-';
        return gk__str_from_utf8(tmp + i, sizeof tmp - 1 - i);
    }
    size_t est = mpz_sizeinbase(I(o)->z, base);
    if (base == 10 && est > MAX_STR_DIGITS + 1)
        return too_many_digits();
    char *buf = malloc(est + 8);
    if (!buf)
        return gk__raise_nomemory();
    bool neg = mpz_sgn(I(o)->z) < 0;
    size_t off = (neg ? 1 : 0) + strlen(pfx);
    mpz_get_str(buf + off, base, I(o)->z);
    if (neg)
        memmove(buf + off, buf + off + 1, strlen(buf + off + 1) + 1);
    if (base == 10 && strlen(buf + off) > MAX_STR_DIGITS) {
        free(buf);
        return too_many_digits();
    }
    if (neg)
        buf[0] = '-';
    memcpy(buf + (neg ? 1 : 0), pfx, strlen(pfx));
    gk_object *s = gk__str_from_utf8(buf, strlen(buf));
    free(buf);
    return s;
}

static gk_object *int_repr(gk_object *o)
{
    if (!BIG(o)) {
        /* digits written backwards from the end of buf (no printf: str(i) is common) */
        char buf[24], *p = buf + sizeof buf;
        int64_t v = SV(o);
        uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0)
            *--p = '-';
        return gk__str_from_utf8(p, (size_t)(buf + sizeof buf - p));
    }
    return gk__int_to_base(o, 10, false);
}

static bool is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static int digit_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* Strips the base prefix matching *base (auto-detected for 0). */
static void skip_prefix(const char **p, const char *end, int *base, bool *had_prefix)
{
    const char *s = *p;
    *had_prefix = false;
    if (end - s < 2 || s[0] != '0')
        return;
    char c = (char)(s[1] | 0x20);
    int b = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
    if (b && (*base == 0 || *base == b)) {
        *base = b;
        *p = s + 2;
        *had_prefix = true;
    }
}

/* Copies the digits of [p, end) without underscores into buf (size >=
 * end - p + 1); returns their count, or -1 if the syntax is invalid. */
static long collect_digits(const char *p, const char *end, int base, bool had_prefix, char *buf)
{
    long n = 0;
    bool prev_us = had_prefix;   /* "0x_ff" is valid: an underscore may follow the prefix */
    bool first = true;
    for (; p < end; p++) {
        if (*p == '_') {
            if (prev_us && !(had_prefix && first))
                return -1;
            if (first && !had_prefix)
                return -1;
            prev_us = true;
            first = false;
            continue;
        }
        if (digit_value((unsigned char)*p) >= base)
            return -1;
        buf[n++] = *p;
        prev_us = false;
        first = false;
    }
    if (n == 0 || prev_us)
        return -1;
    buf[n] = '\0';
    return n;
}

/* Parses int literal text; NULL with no exception pending when the text is
 * not a valid literal, NULL with an exception for other errors. */
static gk_object *parse_int(const char *s, size_t len, int base)
{
    const char *p = s, *end = s + len;
    while (p < end && is_space((unsigned char)*p))
        p++;
    while (end > p && is_space((unsigned char)end[-1]))
        end--;
    bool neg = false;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    bool had_prefix;
    bool auto_base = base == 0;
    skip_prefix(&p, end, &base, &had_prefix);
    if (base == 0)
        base = 10;
    char *buf = malloc((size_t)(end - p) + 1);
    if (!buf)
        return gk__raise_nomemory();
    long n = collect_digits(p, end, base, had_prefix, buf);
    gk_object *r = NULL;
    if (n < 0)
        goto done;
    if (auto_base && !had_prefix && buf[0] == '0' && strspn(buf, "0") != (size_t)n)
        goto done;   /* "012" is not a valid literal */
    if (n > MAX_STR_DIGITS && (base & (base - 1)) != 0) {
        r = gk__raise(&gk__exc_ValueError, "Exceeds the limit (%d digits) for integer string conversion: "
                      "value has %ld digits; use sys.set_int_max_str_digits() to increase the limit",
                      MAX_STR_DIGITS, n);
        goto done;
    }
    if (n <= 12) {
        int64_t v = 0;
        for (long i = 0; i < n; i++)
            v = v * base + digit_value((unsigned char)buf[i]);
        r = gk__int_from_i64(neg ? -v : v);
        goto done;
    }
    mpz_t z;
    mpz_init(z);
    mpz_set_str(z, buf, base);
    if (neg)
        mpz_neg(z, z);
    r = from_mpz_steal(z);
done:
    free(buf);
    return r;
}

static gk_object *invalid_literal(int base, gk_object *text)
{
    return gk__raise(&gk__exc_ValueError, "invalid literal for int() with base %d: %R", base, text);
}

/* int(text, base); ValueError for invalid literals. */
gk_object *gk__int_from_string(const char *s, size_t len, int base)
{
    if (base != 0 && (base < 2 || base > 36))
        return gk__raise(&gk__exc_ValueError, "int() base must be >= 2 and <= 36, or 0");
    gk_object *r = parse_int(s, len, base);
    if (r || gk__err_occurred())
        return r;
    gk_object *text = gk__str_from_utf8(s, len);
    if (!text)
        return NULL;
    invalid_literal(base, text);
    gk__decref(text);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Arithmetic                                                          */

#define CHECK_BINOP(a, b) \
    do { if (!gk__is_int(a) || !gk__is_int(b)) return notimpl(); } while (0)

typedef void (*mpz_binfn)(mpz_ptr, mpz_srcptr, mpz_srcptr);

static gk_object *big_binop(gk_object *a, gk_object *b, mpz_binfn fn)
{
    mpz_t ta, tb, r;
    mpz_srcptr za = zget(a, ta), zb = zget(b, tb);
    mpz_init(r);
    fn(r, za, zb);
    zput(a, ta);
    zput(b, tb);
    return from_mpz_steal(r);
}

static gk_object *int_add(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    int64_t r;
    if (!BIG(a) && !BIG(b) && !__builtin_add_overflow(SV(a), SV(b), &r))
        return gk__int_from_i64(r);
    return big_binop(a, b, mpz_add);
}

static gk_object *int_sub(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    int64_t r;
    if (!BIG(a) && !BIG(b) && !__builtin_sub_overflow(SV(a), SV(b), &r))
        return gk__int_from_i64(r);
    return big_binop(a, b, mpz_sub);
}

static gk_object *int_mul(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    int64_t r;
    if (!BIG(a) && !BIG(b) && !__builtin_mul_overflow(SV(a), SV(b), &r))
        return gk__int_from_i64(r);
    return big_binop(a, b, mpz_mul);
}

static int check_divisor(gk_object *b, bool mod_only)
{
    if (gk__int_sign(b) == 0) {
        gk__raise(&gk__exc_ZeroDivisionError, mod_only ? "integer modulo by zero"
                                                       : "integer division or modulo by zero");
        return -1;
    }
    return 0;
}

/* Floor quotient and/or remainder (either out pointer may be NULL). */
static int int_divmod_parts(gk_object *a, gk_object *b, gk_object **q, gk_object **r)
{
    if (check_divisor(b, q == NULL) < 0)
        return -1;
    if (!BIG(a) && !BIG(b) && !(SV(a) == INT64_MIN && SV(b) == -1)) {
        int64_t x = SV(a), y = SV(b), qq = x / y, rr = x % y;
        if (rr != 0 && ((rr < 0) != (y < 0))) {
            qq -= 1;
            rr += y;
        }
        if (q && !(*q = gk__int_from_i64(qq)))
            return -1;
        if (r && !(*r = gk__int_from_i64(rr))) {
            if (q)
                GK_CLEAR(*q);
            return -1;
        }
        return 0;
    }
    mpz_t ta, tb, zq, zr;
    mpz_srcptr za = zget(a, ta), zb = zget(b, tb);
    mpz_init(zq);
    mpz_init(zr);
    mpz_fdiv_qr(zq, zr, za, zb);
    zput(a, ta);
    zput(b, tb);
    gk_object *oq = from_mpz_steal(zq), *orr = from_mpz_steal(zr);
    if (!oq || !orr) {
        gk__xdecref(oq);
        gk__xdecref(orr);
        return -1;
    }
    if (q)
        *q = oq;
    else
        gk__decref(oq);
    if (r)
        *r = orr;
    else
        gk__decref(orr);
    return 0;
}

static gk_object *int_floordiv(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    gk_object *q = NULL;
    return int_divmod_parts(a, b, &q, NULL) < 0 ? NULL : q;
}

static gk_object *int_mod(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    gk_object *r = NULL;
    return int_divmod_parts(a, b, NULL, &r) < 0 ? NULL : r;
}

/* divmod(a, b) for two ints: a tuple (a // b, a % b). */
gk_object *gk__int_divmod(gk_object *a, gk_object *b)
{
    gk_object *q = NULL, *r = NULL;
    if (int_divmod_parts(a, b, &q, &r) < 0)
        return NULL;
    gk_object *t = gk__tuple_new(2);
    if (!t) {
        gk__decref(q);
        gk__decref(r);
        return NULL;
    }
    GK_TUPLE_SET(t, 0, q);
    GK_TUPLE_SET(t, 1, r);
    return t;
}

static bool fits_double_exactly(gk_object *o)
{
    return !BIG(o) && SV(o) <= ((int64_t)1 << 53) && SV(o) >= -((int64_t)1 << 53);
}

static gk_object *int_truediv(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    if (gk__int_sign(b) == 0)
        return gk__raise(&gk__exc_ZeroDivisionError, "division by zero");
    if (fits_double_exactly(a) && fits_double_exactly(b))
        return gk__float_new((double)SV(a) / (double)SV(b));
    mpz_t ta, tb;
    mpz_srcptr za = zget(a, ta), zb = zget(b, tb);
    double d = 0;
    int rc = ratio_to_double(za, zb, &d);
    bool neg = (mpz_sgn(za) < 0) != (mpz_sgn(zb) < 0);
    zput(a, ta);
    zput(b, tb);
    if (rc < 0)
        return gk__raise(&gk__exc_OverflowError, "integer division result too large for a float");
    return gk__float_new(neg ? -d : d);
}

/* a ** e for e >= 0 that fits an unsigned long. */
static gk_object *pow_small_exp(gk_object *a, unsigned long e)
{
    if (!BIG(a)) {
        int64_t base = SV(a), acc = 1;
        unsigned long k = e;
        bool ok = true;
        while (k && ok) {
            if ((k & 1) && __builtin_mul_overflow(acc, base, &acc))
                ok = false;
            k >>= 1;
            if (k && __builtin_mul_overflow(base, base, &base))
                ok = false;
        }
        if (ok)
            return gk__int_from_i64(acc);
    }
    mpz_t ta, r;
    mpz_srcptr za = zget(a, ta);
    if ((double)mpz_sizeinbase(za, 2) * (double)e > 1e11) {
        zput(a, ta);
        return gk__raise_nomemory();
    }
    mpz_init(r);
    mpz_pow_ui(r, za, e);
    zput(a, ta);
    return from_mpz_steal(r);
}

static gk_object *int_pow(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    int sb = gk__int_sign(b);
    if (sb < 0)
        return gk__float_type.nb[GK_BINOP_POW](a, b);
    if (!BIG(b))
        return pow_small_exp(a, (unsigned long)SV(b));
    if (!BIG(a) && (SV(a) == 0 || SV(a) == 1))
        return exact(a);
    if (!BIG(a) && SV(a) == -1)
        return gk__int_from_i64(mpz_odd_p(I(b)->z) ? -1 : 1);
    return gk__raise_nomemory();
}

/* pow(a, b, m) for ints, m None meaning a ** b; ValueError when m is 0 or
 * b < 0 and a has no inverse modulo m. */
gk_object *gk__int_pow_mod(gk_object *a, gk_object *b, gk_object *m)
{
    if (m == GK_NONE)
        return gk__binop(a, b, GK_BINOP_POW);
    if (!gk__is_int(a) || !gk__is_int(b) || !gk__is_int(m))
        return gk__raise(&gk__exc_TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
    if (gk__int_sign(m) == 0)
        return gk__raise(&gk__exc_ValueError, "pow() 3rd argument cannot be 0");
    mpz_t ta, tb, tm, mod, base, e, r;
    mpz_srcptr za = zget(a, ta), zb = zget(b, tb), zm = zget(m, tm);
    mpz_init(mod);
    mpz_abs(mod, zm);
    mpz_init_set(base, za);
    mpz_init(e);
    mpz_abs(e, zb);
    mpz_init(r);
    gk_object *res = NULL;
    if (mpz_sgn(zb) < 0 && !mpz_invert(base, base, mod)) {
        gk__raise(&gk__exc_ValueError, "base is not invertible for the given modulus");
        mpz_clear(r);
        goto done;
    }
    mpz_powm(r, base, e, mod);
    if (mpz_sgn(zm) < 0 && mpz_sgn(r) != 0)
        mpz_sub(r, r, mod);
    res = from_mpz_steal(r);
done:
    mpz_clear(mod);
    mpz_clear(base);
    mpz_clear(e);
    zput(a, ta);
    zput(b, tb);
    zput(m, tm);
    return res;
}

static int shift_count(gk_object *b, unsigned long *count, bool *huge)
{
    if (gk__int_sign(b) < 0) {
        gk__raise(&gk__exc_ValueError, "negative shift count");
        return -1;
    }
    *huge = BIG(b);
    *count = BIG(b) ? 0 : (unsigned long)SV(b);
    return 0;
}

static gk_object *int_lshift(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    unsigned long s;
    bool huge;
    if (shift_count(b, &s, &huge) < 0)
        return NULL;
    if (gk__int_sign(a) == 0)
        return gk__int_from_i64(0);
    if (huge || s > ((unsigned long)1 << 40))
        return gk__raise(&gk__exc_OverflowError, "too many digits in integer");
    int64_t r;
    if (!BIG(a) && s < 63 && !__builtin_mul_overflow(SV(a), (int64_t)1 << s, &r))
        return gk__int_from_i64(r);
    mpz_t ta, z;
    mpz_srcptr za = zget(a, ta);
    mpz_init(z);
    mpz_mul_2exp(z, za, s);
    zput(a, ta);
    return from_mpz_steal(z);
}

static gk_object *int_rshift(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    unsigned long s;
    bool huge;
    if (shift_count(b, &s, &huge) < 0)
        return NULL;
    if (huge)
        return gk__int_from_i64(gk__int_sign(a) < 0 ? -1 : 0);
    if (!BIG(a))
        return gk__int_from_i64(s >= 64 ? (SV(a) < 0 ? -1 : 0) : SV(a) >> s);
    mpz_t z;
    mpz_init(z);
    mpz_fdiv_q_2exp(z, I(a)->z, s);
    return from_mpz_steal(z);
}

static gk_object *int_and(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    if (!BIG(a) && !BIG(b))
        return gk__int_from_i64(SV(a) & SV(b));
    return big_binop(a, b, mpz_and);
}

static gk_object *int_or(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    if (!BIG(a) && !BIG(b))
        return gk__int_from_i64(SV(a) | SV(b));
    return big_binop(a, b, mpz_ior);
}

static gk_object *int_xor(gk_object *a, gk_object *b)
{
    CHECK_BINOP(a, b);
    if (!BIG(a) && !BIG(b))
        return gk__int_from_i64(SV(a) ^ SV(b));
    return big_binop(a, b, mpz_xor);
}

typedef void (*mpz_unfn)(mpz_ptr, mpz_srcptr);

static gk_object *big_unop(gk_object *a, mpz_unfn fn)
{
    mpz_t ta, r;
    mpz_srcptr za = zget(a, ta);
    mpz_init(r);
    fn(r, za);
    zput(a, ta);
    return from_mpz_steal(r);
}

static gk_object *int_neg(gk_object *a)
{
    if (!BIG(a) && SV(a) != INT64_MIN)
        return gk__int_from_i64(-SV(a));
    return big_unop(a, mpz_neg);
}

static gk_object *int_abs(gk_object *a)
{
    if (!BIG(a) && SV(a) != INT64_MIN)
        return gk__int_from_i64(SV(a) < 0 ? -SV(a) : SV(a));
    return big_unop(a, mpz_abs);
}

static gk_object *int_invert(gk_object *a)
{
    if (!BIG(a))
        return gk__int_from_i64(~SV(a));
    return big_unop(a, mpz_com);
}

static gk_object *int_pos(gk_object *a) { return exact(a); }

static int int_bool(gk_object *a) { return gk__int_sign(a) != 0; }

static gk_object *int_float(gk_object *a)
{
    double d = gk__int_as_double(a);
    if (d == -1.0 && gk__err_occurred())
        return NULL;
    return gk__float_new(d);
}

/* ------------------------------------------------------------------ */
/* Comparison and hashing                                              */

static int int_cmp(gk_object *a, gk_object *b)
{
    if (!BIG(a) && !BIG(b))
        return SV(a) < SV(b) ? -1 : SV(a) > SV(b);
    mpz_t ta, tb;
    mpz_srcptr za = zget(a, ta), zb = zget(b, tb);
    int c = mpz_cmp(za, zb);
    zput(a, ta);
    zput(b, tb);
    return c < 0 ? -1 : c > 0;
}

static gk_object *int_richcompare(gk_object *a, gk_object *b, int op)
{
    if (!gk__is_int(a) || !gk__is_int(b))
        return notimpl();
    int c = int_cmp(a, b);
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

static int64_t int_hash(gk_object *o)
{
    uint64_t x;
    bool neg;
    if (!BIG(o)) {
        neg = SV(o) < 0;
        x = (neg ? (uint64_t)0 - (uint64_t)SV(o) : (uint64_t)SV(o)) % HASH_MODULUS;
    } else {
        neg = mpz_sgn(I(o)->z) < 0;
        x = mpz_tdiv_ui(I(o)->z, HASH_MODULUS);
    }
    int64_t h = neg ? -(int64_t)x : (int64_t)x;
    return h == -1 ? -2 : h;
}

/* ------------------------------------------------------------------ */
/* Constructor                                                         */

static gk_object *check_int_result(gk_object *r, const char *meth)
{
    if (!r)
        return NULL;
    if (!gk__is_int(r)) {
        gk__raise(&gk__exc_TypeError, "%s returned non-int (type %N)", meth, r);
        gk__decref(r);
        return NULL;
    }
    gk_object *e = exact(r);
    gk__decref(r);
    return e;
}

static gk_object *int_from_text(gk_object *x, int base)
{
    if (gk__is_str(x)) {
        if (base != 0 && (base < 2 || base > 36))
            return gk__raise(&gk__exc_ValueError, "int() base must be >= 2 and <= 36, or 0");
        gk_object *r = parse_int(gk__str_utf8(x), gk__str_size(x), base);
        return r || gk__err_occurred() ? r : invalid_literal(base, x);
    }
    if (base != 0 && (base < 2 || base > 36))
        return gk__raise(&gk__exc_ValueError, "int() base must be >= 2 and <= 36, or 0");
    gk_object *r = parse_int((const char *)gk__bytes_data(x), gk__bytes_size(x), base);
    return r || gk__err_occurred() ? r : invalid_literal(base, x);
}

static bool is_text(gk_object *x)
{
    return gk__is_str(x) || gk__is_bytes(x) || GK_TYPE(x) == &gk__bytearray_type;
}

/* int(x) for one argument. */
static gk_object *int_from_object(gk_object *x)
{
    gk_type *t = GK_TYPE(x);
    if (t == &gk__int_type)
        return gk__incref(x);
    if (is_text(x))
        return int_from_text(x, 10);
    if (t->flags & GK_TPFLAG_HEAPTYPE) {
        static const char *const names[] = {"__int__", "__index__", "__trunc__"};
        for (int i = 0; i < 3; i++)
            if (gk__type_lookup_cstr(t, names[i]))
                return check_int_result(gk__call_special(x, names[i], NULL, 0), names[i]);
    }
    if (gk__is_int(x))
        return exact(x);
    if (gk__is_float(x))
        return gk__int_from_double(gk__float_value(x));
    bool heap = (t->flags & GK_TPFLAG_HEAPTYPE) != 0;   /* heap types were looked up above */
    if (!heap && t->nb_int)
        return check_int_result(t->nb_int(x), "__int__");
    if (!heap && t->nb_index)
        return check_int_result(t->nb_index(x), "__index__");
    if (!heap && gk__type_lookup_cstr(t, "__trunc__"))
        return check_int_result(gk__call_special(x, "__trunc__", NULL, 0), "__trunc__");
    return gk__raise(&gk__exc_TypeError,
                     "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                     GK_TYPE_NAME(x));
}

static gk_object *int_value_from_args(gk_object *x, gk_object *base)
{
    if (!x) {
        if (base)
            return gk__raise(&gk__exc_TypeError, "int() missing string argument");
        return gk__int_from_i64(0);
    }
    if (!base)
        return int_from_object(x);
    if (!is_text(x))
        return gk__raise(&gk__exc_TypeError, "int() can't convert non-string with explicit base");
    intptr_t b;
    if (gk__index_to_ssize(base, &b) < 0)
        return NULL;
    if (b != 0 && (b < 2 || b > 36))
        return gk__raise(&gk__exc_ValueError, "int() base must be >= 2 and <= 36, or 0");
    return int_from_text(x, (int)b);
}

static gk_object *int_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = {"", "base"};   /* x is positional-only */
    gk_object *a[2];
    if (gk__parse_args("int", args, nargs, kwnames, names, 0, 2, a) < 0)
        return NULL;
    gk_object *v = int_value_from_args(a[0], a[1]);
    if (!v || type == &gk__int_type)
        return v;
    /* A subclass: same value in an instance of the requested size. */
    gk_object *o = (type->flags & GK_TPFLAG_GC) ? gk__gc_new(type, type->basicsize)
                                                : gk__obj_new(type, type->basicsize);
    if (o) {
        I(o)->big = BIG(v);
        if (BIG(v))
            mpz_init_set(I(o)->z, I(v)->z);
        else
            I(o)->v = SV(v);
    }
    gk__decref(v);
    return o;
}

/* ------------------------------------------------------------------ */
/* Methods                                                             */

#define NOARGS(name) \
    do { if (gk__check_args(name, nargs, kwnames, 0, 0) < 0) return NULL; } while (0)

static gk_object *int_self(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("__int__");
    return exact(self);
}

static gk_object *int_bit_length(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("bit_length");
    if (BIG(self))
        return gk__int_from_i64((int64_t)mpz_sizeinbase(I(self)->z, 2));
    int64_t v = SV(self);
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    return gk__int_from_i64(u ? 64 - __builtin_clzll(u) : 0);
}

static gk_object *int_bit_count(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("bit_count");
    if (!BIG(self)) {
        int64_t v = SV(self);
        uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        return gk__int_from_i64(__builtin_popcountll(u));
    }
    mpz_t a;
    mpz_init(a);
    mpz_abs(a, I(self)->z);
    int64_t n = (int64_t)mpz_popcount(a);
    mpz_clear(a);
    return gk__int_from_i64(n);
}

static gk_object *int_conjugate(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("conjugate");
    return exact(self);
}

static gk_object *int_as_integer_ratio(gk_object *self, gk_object *const *args, size_t nargs,
                                       gk_object *kwnames)
{
    NOARGS("as_integer_ratio");
    gk_object *n = exact(self), *one = gk__int_from_i64(1);
    gk_object *t = n && one ? gk__tuple_pack(2, n, one) : NULL;
    gk__xdecref(n);
    gk__xdecref(one);
    return t;
}

static gk_object *int_getnewargs(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    NOARGS("__getnewargs__");
    gk_object *n = exact(self);
    gk_object *t = n ? gk__tuple_pack(1, n) : NULL;
    gk__xdecref(n);
    return t;
}

/* round(x, ndigits) with ndigits < 0: round half to even to 10**-ndigits. */
static gk_object *round_neg_digits(gk_object *self, unsigned long k)
{
    if (k > 100000 && k > 2 * (BIG(self) ? mpz_sizeinbase(I(self)->z, 10) : 20))
        return gk__int_from_i64(0);
    mpz_t tx, p, q, r;
    mpz_srcptr x = zget(self, tx);
    mpz_init(p);
    mpz_init(q);
    mpz_init(r);
    mpz_ui_pow_ui(p, 10, k);
    mpz_fdiv_qr(q, r, x, p);
    mpz_mul_2exp(r, r, 1);
    int c = mpz_cmp(r, p);
    if (c > 0 || (c == 0 && mpz_odd_p(q)))
        mpz_add_ui(q, q, 1);
    mpz_mul(q, q, p);
    mpz_clear(p);
    mpz_clear(r);
    zput(self, tx);
    return from_mpz_steal(q);
}

static gk_object *int_round(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = {"ndigits"};
    gk_object *nd;
    if (gk__parse_args("__round__", args, nargs, kwnames, names, 0, 1, &nd) < 0)
        return NULL;
    if (!nd || nd == GK_NONE)
        return exact(self);
    intptr_t n;
    if (gk__index_to_ssize(nd, &n) < 0)
        return NULL;
    if (n >= 0)
        return exact(self);
    return round_neg_digits(self, (unsigned long)-n);
}

static gk_object *int_format(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("__format__", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "__format__() argument must be str, not %s", GK_TYPE_NAME(args[0]));
    return gk__format_int(self, gk__str_utf8(args[0]), gk__str_size(args[0]));
}

static gk_object *int_divmod_meth(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("__divmod__", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return gk__is_int(args[0]) ? gk__int_divmod(self, args[0]) : notimpl();
}

static gk_object *int_rdivmod_meth(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("__rdivmod__", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return gk__is_int(args[0]) ? gk__int_divmod(args[0], self) : notimpl();
}

static int byteorder_arg(gk_object *o, bool *little)
{
    if (!o) {
        *little = false;
        return 0;
    }
    if (!gk__is_str(o)) {
        gk__raise(&gk__exc_TypeError, "to_bytes() argument 'byteorder' must be str, not %s", GK_TYPE_NAME(o));
        return -1;
    }
    if (gk__str_eq_cstr(o, "little") || gk__str_eq_cstr(o, "big")) {
        *little = gk__str_eq_cstr(o, "little");
        return 0;
    }
    gk__raise(&gk__exc_ValueError, "byteorder must be either 'little' or 'big'");
    return -1;
}

static void reverse_bytes(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        unsigned char c = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = c;
    }
}

/* Writes v (two's complement if negative) into len big-endian bytes; -1 if it does not fit. */
static int export_bytes(mpz_srcptr v, size_t len, bool is_signed, unsigned char *buf)
{
    mpz_t lim, t;
    mpz_init_set_ui(lim, 1);
    mpz_mul_2exp(lim, lim, len * 8 - (is_signed && len ? 1 : 0));
    mpz_init(t);
    mpz_neg(t, lim);
    int ok = is_signed ? (len ? mpz_cmp(v, t) >= 0 : mpz_sgn(v) == 0) && mpz_cmp(v, lim) < 0
                       : mpz_cmp(v, lim) < 0;
    if (ok) {
        mpz_set(t, v);
        if (mpz_sgn(t) < 0) {
            mpz_set_ui(lim, 1);
            mpz_mul_2exp(lim, lim, len * 8);
            mpz_add(t, t, lim);
        }
        memset(buf, 0, len);
        size_t count = (mpz_sizeinbase(t, 2) + 7) / 8;
        if (mpz_sgn(t) != 0)
            mpz_export(buf + len - count, NULL, 1, 1, 1, 0, t);
    }
    mpz_clear(lim);
    mpz_clear(t);
    return ok ? 0 : -1;
}

static gk_object *int_to_bytes(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = {"length", "byteorder", "signed"};
    gk_object *a[3];
    if (gk__parse_args("to_bytes", args, nargs, kwnames, names, 0, 3, a) < 0)
        return NULL;
    intptr_t len = 1;
    bool little, is_signed = false;
    if (a[0] && gk__index_to_ssize(a[0], &len) < 0)
        return NULL;
    if (len < 0)
        return gk__raise(&gk__exc_ValueError, "length argument must be non-negative");
    if (byteorder_arg(a[1], &little) < 0)
        return NULL;
    if (a[2]) {
        int t = gk__truthy(a[2]);
        if (t < 0)
            return NULL;
        is_signed = t;
    }
    if (!is_signed && gk__int_sign(self) < 0)
        return gk__raise(&gk__exc_OverflowError, "can't convert negative int to unsigned");
    unsigned char *buf = malloc((size_t)len + 1);
    if (!buf)
        return gk__raise_nomemory();
    mpz_t tv;
    mpz_srcptr v = zget(self, tv);
    int rc = export_bytes(v, (size_t)len, is_signed, buf);
    zput(self, tv);
    gk_object *r = NULL;
    if (rc < 0)
        gk__raise(&gk__exc_OverflowError, "int too big to convert");
    else {
        if (little)
            reverse_bytes(buf, (size_t)len);
        r = gk__bytes_new(buf, (size_t)len);
    }
    free(buf);
    return r;
}

static gk_object *int_from_bytes(gk_object *cls, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = {"bytes", "byteorder", "signed"};
    gk_object *a[3];
    if (gk__parse_args("from_bytes", args, nargs, kwnames, names, 1, 3, a) < 0)
        return NULL;
    bool little, is_signed = false;
    if (byteorder_arg(a[1], &little) < 0)
        return NULL;
    if (a[2]) {
        int t = gk__truthy(a[2]);
        if (t < 0)
            return NULL;
        is_signed = t;
    }
    gk_object *data = gk__is_bytes(a[0]) || GK_TYPE(a[0]) == &gk__bytearray_type
                          ? gk__incref(a[0]) : gk__call1((gk_object *)&gk__bytes_type, a[0]);
    if (!data)
        return NULL;
    size_t n = gk__bytes_size(data);
    mpz_t z;
    mpz_init(z);
    if (n)
        mpz_import(z, n, little ? -1 : 1, 1, 1, 0, gk__bytes_data(data));
    if (is_signed && n && mpz_tstbit(z, n * 8 - 1)) {
        mpz_t lim;
        mpz_init_set_ui(lim, 1);
        mpz_mul_2exp(lim, lim, n * 8);
        mpz_sub(z, z, lim);
        mpz_clear(lim);
    }
    gk__decref(data);
    gk_object *r = from_mpz_steal(z);
    if (r && cls != (gk_object *)&gk__int_type)
        GK_SETREF(r, gk__call1(cls, r));
    return r;
}

static gk_object *int_get_self(gk_object *self, void *closure) { return exact(self); }
static gk_object *int_get_zero(gk_object *self, void *closure) { return gk__int_from_i64(0); }
static gk_object *int_get_one(gk_object *self, void *closure) { return gk__int_from_i64(1); }

static const gk__methoddef int_methods[] = {
    {"bit_length", int_bit_length, GK_METH_DEFAULT, "Number of bits necessary to represent self in binary."},
    {"bit_count", int_bit_count, GK_METH_DEFAULT, "Number of ones in the binary representation of abs(self)."},
    {"to_bytes", int_to_bytes, GK_METH_DEFAULT, "Return an array of bytes representing an integer."},
    {"from_bytes", int_from_bytes, GK_METH_CLASS, "Return the integer represented by the given array of bytes."},
    {"conjugate", int_conjugate, GK_METH_DEFAULT, "Returns self, the complex conjugate of any int."},
    {"as_integer_ratio", int_as_integer_ratio, GK_METH_DEFAULT, "Return integer ratio."},
    {"__trunc__", int_self, GK_METH_DEFAULT, "Truncating an Integral returns itself."},
    {"__floor__", int_self, GK_METH_DEFAULT, "Flooring an Integral returns itself."},
    {"__ceil__", int_self, GK_METH_DEFAULT, "Ceiling of an Integral returns itself."},
    {"__round__", int_round, GK_METH_DEFAULT, "Rounding an Integral returns itself."},
    {"__format__", int_format, GK_METH_DEFAULT, NULL},
    {"__getnewargs__", int_getnewargs, GK_METH_DEFAULT, NULL},
    {"__divmod__", int_divmod_meth, GK_METH_DEFAULT, "Return divmod(self, value)."},
    {"__rdivmod__", int_rdivmod_meth, GK_METH_DEFAULT, "Return divmod(value, self)."},
    {NULL, NULL, 0, NULL},
};

static const gk__getsetdef int_getset[] = {
    {"real", int_get_self, NULL, NULL},
    {"imag", int_get_zero, NULL, NULL},
    {"numerator", int_get_self, NULL, NULL},
    {"denominator", int_get_one, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

gk_type gk__int_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "int",
    .basicsize = sizeof(struct gk_int),
    .flags = GK_TPFLAG_BASETYPE | GK_TPFLAG_INT_SUBCLASS,
    .dealloc = int_dealloc,
    .repr = int_repr,
    .hash = int_hash,
    .richcompare = int_richcompare,
    .getattr = gk__object_generic_getattr,
    .new_ = int_new,
    .nb = {
        [GK_BINOP_ADD] = int_add, [GK_BINOP_SUB] = int_sub, [GK_BINOP_MUL] = int_mul,
        [GK_BINOP_TRUEDIV] = int_truediv, [GK_BINOP_FLOORDIV] = int_floordiv, [GK_BINOP_MOD] = int_mod,
        [GK_BINOP_POW] = int_pow, [GK_BINOP_LSHIFT] = int_lshift, [GK_BINOP_RSHIFT] = int_rshift,
        [GK_BINOP_AND] = int_and, [GK_BINOP_OR] = int_or, [GK_BINOP_XOR] = int_xor,
    },
    .nb_neg = int_neg,
    .nb_pos = int_pos,
    .nb_abs = int_abs,
    .nb_invert = int_invert,
    .nb_bool = int_bool,
    .nb_int = int_pos,
    .nb_float = int_float,
    .nb_index = int_pos,
    .methods = int_methods,
    .getset = int_getset,
    .doc = "int([x]) -> integer\nint(x, base=10) -> integer",
};

/* ------------------------------------------------------------------ */
/* bool                                                                */

static gk_object *bool_repr(gk_object *o)
{
    return gk__str_from_cstr(SV(o) ? "True" : "False");
}

static gk_object *bool_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (kwnames && gk__tuple_size(kwnames))
        return gk__raise(&gk__exc_TypeError, "bool() takes no keyword arguments");
    if (nargs > 1)
        return gk__raise(&gk__exc_TypeError, "bool expected at most 1 argument, got %zu", nargs);
    if (nargs == 0)
        return gk__bool(false);
    int t = gk__truthy(args[0]);
    return t < 0 ? NULL : gk__bool(t);
}

static bool both_bool(gk_object *a, gk_object *b)
{
    return GK_TYPE(a) == &gk__bool_type && GK_TYPE(b) == &gk__bool_type;
}

static gk_object *bool_and(gk_object *a, gk_object *b)
{
    return both_bool(a, b) ? gk__bool(SV(a) & SV(b)) : int_and(a, b);
}

static gk_object *bool_or(gk_object *a, gk_object *b)
{
    return both_bool(a, b) ? gk__bool(SV(a) | SV(b)) : int_or(a, b);
}

static gk_object *bool_xor(gk_object *a, gk_object *b)
{
    return both_bool(a, b) ? gk__bool(SV(a) ^ SV(b)) : int_xor(a, b);
}

gk_type gk__bool_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "bool",
    .basicsize = sizeof(struct gk_int),
    .flags = GK_TPFLAG_INT_SUBCLASS,
    .base = &gk__int_type,
    .dealloc = int_dealloc,
    .repr = bool_repr,
    .str = bool_repr,
    .hash = int_hash,
    .richcompare = int_richcompare,
    .getattr = gk__object_generic_getattr,
    .new_ = bool_new,
    .nb = { [GK_BINOP_AND] = bool_and, [GK_BINOP_OR] = bool_or, [GK_BINOP_XOR] = bool_xor },
    .doc = "Returns True when the argument is true, False otherwise.",
};
