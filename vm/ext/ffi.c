/*
 * vm/ext/ffi.c - calling plain C functions through libffi, from extension
 * module tables and from scripts (the `ffi` module), and the other way
 * round: script functions turned into C function pointers (callbacks).
 *
 * A call plan is made once per bound function: the signature string is
 * parsed into argument kinds and libffi's call interface (ffi_cif) is
 * prepared; each call then only converts arguments and calls.  Arguments
 * must fit their declared C type exactly (OverflowError otherwise) and
 * narrow integer results, which come back widened to a register, are
 * narrowed again.  By default the GIL is released around the call.
 *
 * Direct calls.  On x86-64 (System V) and AArch64, integer-class arguments
 * (integers, bool, pointers) go in the integer registers in order and
 * doubles in the vector registers in order, each class counted apart.  A
 * plan whose arguments fit those registers (at most 6 integer-class, 8
 * doubles, no float) and whose result is void, integer-class or double is
 * called directly through a function pointer of one generic shape, with
 * every integer widened to 64 bits by its own signedness, which is what
 * the callee reads whatever its declared width.  That skips libffi's
 * per-call classification of the arguments (about 270 instructions of the
 * ~770 an `int(int)` call took).  Everything else goes through ffi_call.
 *
 * Callbacks (ffi.callback) are libffi closures whose entry point may run on
 * any thread: one holding the GIL runs the script function at once, one
 * that is not (a VM thread inside a GIL-releasing call, or a native thread
 * the runtime has never seen) goes through gk_thread_attach/detach.  An
 * exception in the script function is reported like any unraisable error
 * and C gets a zero result; nothing unwinds through C frames.
 */
#include <dlfcn.h>
#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "runtime.h"
#include "objects.h"
#include "ext/ext.h"
#include "gilkit.h"

#define MAX_ARGS 32

#if (defined(__x86_64__) && !defined(_WIN32)) || defined(__aarch64__)
#define HAVE_DIRECT 1
#define DIRECT_INTS 6      /* integer argument registers used (x86-64 has 6, AArch64 8) */
#define DIRECT_DOUBLES 8   /* vector argument registers (both have 8) */
#else
#define HAVE_DIRECT 0
#endif

enum kind { K_VOID, K_I8, K_U8, K_I16, K_U16, K_I32, K_U32, K_I64, K_U64, K_FLOAT, K_DOUBLE,
            K_BOOL, K_CSTR, K_PTR };

static const struct { const char *name; enum kind kind; } base_types[] = {
    { "void", K_VOID }, { "char", K_I8 }, { "signed char", K_I8 }, { "unsigned char", K_U8 },
    { "short", K_I16 }, { "short int", K_I16 }, { "signed short", K_I16 }, { "unsigned short", K_U16 },
    { "unsigned short int", K_U16 }, { "int", K_I32 }, { "signed", K_I32 }, { "signed int", K_I32 },
    { "unsigned", K_U32 }, { "unsigned int", K_U32 }, { "long", K_I64 }, { "long int", K_I64 },
    { "signed long", K_I64 }, { "unsigned long", K_U64 }, { "unsigned long int", K_U64 },
    { "long long", K_I64 }, { "long long int", K_I64 }, { "signed long long", K_I64 },
    { "unsigned long long", K_U64 }, { "int8_t", K_I8 }, { "uint8_t", K_U8 }, { "int16_t", K_I16 },
    { "uint16_t", K_U16 }, { "int32_t", K_I32 }, { "uint32_t", K_U32 }, { "int64_t", K_I64 },
    { "uint64_t", K_U64 }, { "size_t", K_U64 }, { "ssize_t", K_I64 }, { "intptr_t", K_I64 },
    { "uintptr_t", K_U64 }, { "ptrdiff_t", K_I64 }, { "off_t", K_I64 }, { "float", K_FLOAT },
    { "double", K_DOUBLE }, { "bool", K_BOOL }, { "_Bool", K_BOOL },
};

static const char *const kind_names[] = {
    "void", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float",
    "double", "bool", "char *", "pointer",
};

/* Range of each integer kind (K_U64's upper half is handled apart). */
static const int64_t kind_lo[] = { [K_I8] = INT8_MIN, [K_U8] = 0, [K_I16] = INT16_MIN, [K_U16] = 0,
                                   [K_I32] = INT32_MIN, [K_U32] = 0, [K_I64] = INT64_MIN, [K_U64] = 0,
                                   [K_BOOL] = 0 };
static const int64_t kind_hi[] = { [K_I8] = INT8_MAX, [K_U8] = UINT8_MAX, [K_I16] = INT16_MAX,
                                   [K_U16] = UINT16_MAX, [K_I32] = INT32_MAX, [K_U32] = UINT32_MAX,
                                   [K_I64] = INT64_MAX, [K_U64] = INT64_MAX, [K_BOOL] = 1 };

static bool is_int_kind(enum kind k)
{
    return k >= K_I8 && k <= K_U64;
}

static ffi_type *ffi_type_of(enum kind k)
{
    switch (k) {
    case K_VOID: return &ffi_type_void;
    case K_I8: return &ffi_type_sint8;
    case K_U8: return &ffi_type_uint8;
    case K_I16: return &ffi_type_sint16;
    case K_U16: return &ffi_type_uint16;
    case K_I32: return &ffi_type_sint32;
    case K_U32: return &ffi_type_uint32;
    case K_I64: return &ffi_type_sint64;
    case K_U64: return &ffi_type_uint64;
    case K_FLOAT: return &ffi_type_float;
    case K_DOUBLE: return &ffi_type_double;
    case K_BOOL: return &ffi_type_uint8;
    case K_CSTR:
    case K_PTR: return &ffi_type_pointer;
    }
    return &ffi_type_void;
}

enum direct { D_NONE, D_INTS, D_MIXED };

/* Invariant: cif is prepared for nargs arguments of kinds args[]; if
 * direct != D_NONE, nint + ndouble == nargs and the plan fits the
 * registers (see the top of the file).  Immutable once made, so callbacks
 * read it from any thread. */
struct gk__callplan {
    char *name, *sig;
    enum kind ret;
    enum direct direct;
    uint8_t nint, ndouble;
    enum kind args[MAX_ARGS];
    size_t nargs;
    ffi_type *ffi_args[MAX_ARGS];
    ffi_cif cif;
};

/* Parses one C type from text [s, e); returns 0 or -1 with ValueError. */
static int parse_type(const char *fname, const char *sig, const char *s, const char *e, enum kind *out)
{
    char words[128];
    size_t n = 0;
    int stars = 0;
    bool need_space = false;
    while (s < e) {
        if (isspace((unsigned char)*s)) {
            s++;
            need_space = n > 0;
            continue;
        }
        if (*s == '*') {
            stars++;
            s++;
            continue;
        }
        const char *w = s;
        while (s < e && (isalnum((unsigned char)*s) || *s == '_'))
            s++;
        if (s == w) {
            gk__raise(&gk__exc_ValueError, "ffi: cannot parse signature '%s' of %s: unexpected '%c'",
                      sig, fname, *s);
            return -1;
        }
        size_t len = (size_t)(s - w);
        if ((len == 5 && !memcmp(w, "const", 5)) || (len == 8 && !memcmp(w, "volatile", 8)) ||
            (len == 8 && !memcmp(w, "restrict", 8)))
            continue;
        if (n + len + 2 >= sizeof words)
            break;
        if (need_space && n)
            words[n++] = ' ';
        memcpy(words + n, w, len);
        n += len;
        need_space = false;
    }
    words[n] = '\0';
    if (n == 0) {
        gk__raise(&gk__exc_ValueError, "ffi: cannot parse signature '%s' of %s: missing type", sig, fname);
        return -1;
    }
    for (size_t i = 0; i < sizeof base_types / sizeof base_types[0]; i++) {
        if (strcmp(words, base_types[i].name) == 0) {
            if (stars == 0)
                *out = base_types[i].kind;
            else if (stars == 1 && base_types[i].kind == K_I8 && strcmp(words, "char") == 0)
                *out = K_CSTR;
            else
                *out = K_PTR;
            return 0;
        }
    }
    /* Pointers to structs and to typedef'd types (FILE, foo_t) are plain
     * addresses; any other unknown name is a typo worth reporting. */
    size_t wl = strlen(words);
    if (stars > 0 && (strncmp(words, "struct ", 7) == 0 || strncmp(words, "union ", 6) == 0 ||
                      strcmp(words, "FILE") == 0 || (wl > 2 && strcmp(words + wl - 2, "_t") == 0))) {
        *out = K_PTR;
        return 0;
    }
    gk__raise(&gk__exc_ValueError, "ffi: cannot parse signature '%s' of %s: unknown type '%s'", sig, fname,
              words);
    return -1;
}

/* Decides whether the plan can skip ffi_call (see the top of the file). */
static void choose_direct(gk__callplan *p)
{
    p->direct = D_NONE;
#if HAVE_DIRECT
    if (p->ret == K_FLOAT)
        return;
    unsigned ni = 0, nd = 0;
    for (size_t i = 0; i < p->nargs; i++) {
        if (p->args[i] == K_FLOAT)
            return;
        if (p->args[i] == K_DOUBLE)
            nd++;
        else
            ni++;
    }
    if (ni > DIRECT_INTS || nd > DIRECT_DOUBLES)
        return;
    p->nint = (uint8_t)ni;
    p->ndouble = (uint8_t)nd;
    p->direct = nd == 0 && p->ret != K_DOUBLE ? D_INTS : D_MIXED;
#endif
}

gk__callplan *gk__callplan_new(const char *fname, const char *sig)
{
    gk__callplan *p = calloc(1, sizeof *p);
    if (!p) {
        gk__raise_nomemory();
        return NULL;
    }
    p->name = strdup(fname);
    p->sig = strdup(sig);
    if (!p->name || !p->sig) {
        gk__raise_nomemory();
        goto fail;
    }
    const char *open = strchr(sig, '(');
    const char *close = strrchr(sig, ')');
    if (!open || !close || close < open) {
        gk__raise(&gk__exc_ValueError, "ffi: cannot parse signature '%s' of %s: expected 'RET(ARGS)'",
                  sig, fname);
        goto fail;
    }
    for (const char *t = close + 1; *t; t++)
        if (!isspace((unsigned char)*t)) {
            gk__raise(&gk__exc_ValueError, "ffi: cannot parse signature '%s' of %s: text after ')'", sig, fname);
            goto fail;
        }
    if (parse_type(fname, sig, sig, open, &p->ret) < 0)
        goto fail;
    const char *a = open + 1;
    while (a < close && isspace((unsigned char)*a))
        a++;
    if (a < close) {
        for (;;) {
            const char *comma = memchr(a, ',', (size_t)(close - a));
            const char *end = comma ? comma : close;
            enum kind k;
            if (parse_type(fname, sig, a, end, &k) < 0)
                goto fail;
            if (k == K_VOID) {
                if (p->nargs == 0 && !comma)
                    break;      /* f(void) */
                gk__raise(&gk__exc_ValueError, "ffi: signature '%s' of %s: void argument", sig, fname);
                goto fail;
            }
            if (p->nargs == MAX_ARGS) {
                gk__raise(&gk__exc_ValueError, "ffi: signature '%s' of %s: more than %d arguments", sig,
                          fname, MAX_ARGS);
                goto fail;
            }
            p->args[p->nargs] = k;
            p->ffi_args[p->nargs] = ffi_type_of(k);
            p->nargs++;
            if (!comma)
                break;
            a = comma + 1;
        }
    }
    if (ffi_prep_cif(&p->cif, FFI_DEFAULT_ABI, (unsigned)p->nargs, ffi_type_of(p->ret), p->ffi_args) != FFI_OK) {
        gk__raise(&gk__exc_ValueError, "ffi: libffi cannot prepare a call of '%s'", sig);
        goto fail;
    }
    choose_direct(p);
    return p;
fail:
    gk__callplan_free(p);
    return NULL;
}

void gk__callplan_free(gk__callplan *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->sig);
    free(p);
}

/* ------------------------------------------------------------------ */
/* Converting values                                                    */

typedef union cvalue {
    int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32; uint32_t u32;
    int64_t i64; uint64_t u64; float f; double d; void *p; ffi_arg widened; ffi_sarg swidened;
} cvalue;

enum { CONV_OK = 0, CONV_ERROR = -1, CONV_TYPE = 1, CONV_RANGE = 2 };

static gk_type cfunction_type, callback_type;
static uintptr_t cfunction_address(gk_object *o);

/* The C address a pointer argument stands for; CONV_TYPE if v is none of
 * None, int, bytes, bytearray, a callback or a bound C function. */
static int to_pointer(gk_object *v, void **out)
{
    if (v == GK_NONE) {
        *out = NULL;
    } else if (gk__is_bytes(v) || GK_TYPE(v) == &gk__bytearray_type) {
        *out = (void *)gk__bytes_data(v);
    } else if (gk__is_int(v)) {
        int64_t x = gk__int_as_i64(v);
        if (x == -1 && gk__err_occurred()) {
            gk__err_clear();
            return CONV_RANGE;
        }
        *out = (void *)(intptr_t)x;
    } else if (GK_TYPE(v) == &callback_type || GK_TYPE(v) == &cfunction_type) {
        *out = (void *)cfunction_address(v);
    } else {
        return CONV_TYPE;
    }
    return CONV_OK;
}

static int to_int(enum kind k, gk_object *v, cvalue *out)
{
    if (!gk__is_int(v))
        return CONV_TYPE;
    int64_t x = gk__int_as_i64(v);
    if (x == -1 && gk__err_occurred()) {
        gk__err_clear();
        if (k != K_U64)
            return CONV_RANGE;
        gk_object *hex = gk__int_to_base(v, 16, false);
        if (!hex)
            return CONV_ERROR;
        const char *t = gk__str_utf8(hex);
        bool bad = t[0] == '-' || strlen(t) > 16;
        out->u64 = strtoull(t, NULL, 16);
        gk__decref(hex);
        return bad ? CONV_RANGE : CONV_OK;
    }
    if (x < kind_lo[k] || x > kind_hi[k])
        return CONV_RANGE;
    switch (k) {
    case K_I8: out->i8 = (int8_t)x; break;
    case K_U8: case K_BOOL: out->u8 = (uint8_t)x; break;
    case K_I16: out->i16 = (int16_t)x; break;
    case K_U16: out->u16 = (uint16_t)x; break;
    case K_I32: out->i32 = (int32_t)x; break;
    case K_U32: out->u32 = (uint32_t)x; break;
    case K_I64: out->i64 = x; break;
    default: out->u64 = (uint64_t)x; break;
    }
    return CONV_OK;
}

/* Converts v to a C value of kind k (not void).  Returns CONV_OK,
 * CONV_TYPE or CONV_RANGE without an exception, or CONV_ERROR with one.
 * A char * points into v, so v must outlive its use. */
static int to_c(enum kind k, gk_object *v, cvalue *out)
{
    switch (k) {
    case K_FLOAT:
    case K_DOUBLE: {
        if (!gk__is_int(v) && !gk__is_float(v))
            return CONV_TYPE;
        double d = gk__as_double(v);
        if (d == -1.0 && gk__err_occurred())
            return CONV_ERROR;
        if (k == K_FLOAT)
            out->f = (float)d;
        else
            out->d = d;
        return CONV_OK;
    }
    case K_BOOL: {
        int t = gk__truthy(v);
        if (t < 0)
            return CONV_ERROR;
        out->u8 = (uint8_t)t;
        return CONV_OK;
    }
    case K_CSTR:
        if (v == GK_NONE)
            out->p = NULL;
        else if (gk__is_str(v))
            out->p = (void *)gk__str_utf8(v);
        else if (gk__is_bytes(v) || GK_TYPE(v) == &gk__bytearray_type)
            out->p = (void *)gk__bytes_data(v);
        else
            return CONV_TYPE;
        return CONV_OK;
    case K_PTR:
        return to_pointer(v, &out->p);
    case K_VOID:
        return CONV_TYPE;
    default:
        return to_int(k, v, out);
    }
}

/* Raises the error for argument i (0-based) of p after to_c said rc. */
static int arg_error(const gk__callplan *p, size_t i, gk_object *v, int rc)
{
    if (rc == CONV_TYPE)
        gk__raise(&gk__exc_TypeError, "%s() argument %zu must be %s, not %N", p->name, i + 1,
                  kind_names[p->args[i]], v);
    else if (rc == CONV_RANGE)
        gk__raise(&gk__exc_OverflowError, "%s() argument %zu out of range for %s", p->name, i + 1,
                  kind_names[p->args[i]]);
    return -1;
}

/* A C value of kind k at *r to an object; integers narrower than 64 bits
 * are read from the widened register value.  New reference. */
static gk_object *from_c(enum kind k, const cvalue *r)
{
    switch (k) {
    case K_VOID: return gk__none_ref();
    case K_I8: return gk__int_from_i64((int8_t)r->swidened);
    case K_U8: return gk__int_from_i64((uint8_t)r->widened);
    case K_I16: return gk__int_from_i64((int16_t)r->swidened);
    case K_U16: return gk__int_from_i64((uint16_t)r->widened);
    case K_I32: return gk__int_from_i64((int32_t)r->swidened);
    case K_U32: return gk__int_from_i64((uint32_t)r->widened);
    case K_I64: return gk__int_from_i64(r->i64);
    case K_U64: return gk__int_from_u64(r->u64);
    case K_FLOAT: return gk__float_new(r->f);
    case K_DOUBLE: return gk__float_new(r->d);
    case K_BOOL: return gk__bool((uint8_t)r->widened != 0);
    case K_CSTR: return r->p ? gk__str_from_cstr(r->p) : gk__none_ref();
    case K_PTR: return r->p ? gk__int_from_u64((uint64_t)(uintptr_t)r->p) : gk__none_ref();
    }
    return gk__none_ref();
}

/* A C value of kind k stored in memory at p (exact width) to an object. */
static gk_object *from_memory(enum kind k, const void *p)
{
    cvalue v;
    switch (k) {
    case K_I8: v.swidened = *(const int8_t *)p; break;
    case K_U8: case K_BOOL: v.widened = *(const uint8_t *)p; break;
    case K_I16: v.swidened = *(const int16_t *)p; break;
    case K_U16: v.widened = *(const uint16_t *)p; break;
    case K_I32: v.swidened = *(const int32_t *)p; break;
    case K_U32: v.widened = *(const uint32_t *)p; break;
    case K_I64: case K_U64: v.u64 = *(const uint64_t *)p; break;
    case K_FLOAT: v.f = *(const float *)p; break;
    case K_DOUBLE: v.d = *(const double *)p; break;
    case K_CSTR: case K_PTR: v.p = *(void *const *)p; break;
    default: v.u64 = 0; break;
    }
    return from_c(k, &v);
}

/* Stores c (of kind k, as to_c made it) into memory at p, exact width. */
static void to_memory(enum kind k, const cvalue *c, void *p)
{
    memcpy(p, c, ffi_type_of(k)->size);
}

/* The 64-bit register image of an integer-class value (sign- or
 * zero-extended by its kind). */
static uint64_t widen(enum kind k, const cvalue *c)
{
    switch (k) {
    case K_I8: return (uint64_t)(int64_t)c->i8;
    case K_U8: case K_BOOL: return c->u8;
    case K_I16: return (uint64_t)(int64_t)c->i16;
    case K_U16: return c->u16;
    case K_I32: return (uint64_t)(int64_t)c->i32;
    case K_U32: return c->u32;
    case K_CSTR: case K_PTR: return (uint64_t)(uintptr_t)c->p;
    default: return c->u64;
    }
}

/* ------------------------------------------------------------------ */
/* Calling                                                              */

/* Runs CALL, a call of plan p's function with the GIL held.  The GIL-debug
 * build names the running C function for GIL-hog reports meanwhile. */
#ifdef GK_GIL_DEBUG
#define HOLDING_CALL(p, CALL) do { \
        gk__tstate *ts_ = gk__ts(); \
        const char *saved_mod_ = atomic_load_explicit(&ts_->ext_module, memory_order_relaxed); \
        const char *saved_fn_ = atomic_load_explicit(&ts_->ext_func, memory_order_relaxed); \
        atomic_store_explicit(&ts_->ext_module, NULL, memory_order_relaxed); \
        atomic_store_explicit(&ts_->ext_func, (p)->name, memory_order_relaxed); \
        CALL; \
        atomic_store_explicit(&ts_->ext_module, saved_mod_, memory_order_relaxed); \
        atomic_store_explicit(&ts_->ext_func, saved_fn_, memory_order_relaxed); \
    } while (0)
#else
#define HOLDING_CALL(p, CALL) do { CALL; } while (0)
#endif

#if HAVE_DIRECT
typedef uint64_t (*ifn0)(void);
typedef uint64_t (*ifn1)(uint64_t);
typedef uint64_t (*ifn2)(uint64_t, uint64_t);
typedef uint64_t (*ifn3)(uint64_t, uint64_t, uint64_t);
typedef uint64_t (*ifn4)(uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*ifn5)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*ifn6)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*mixed_ifn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                              double, double, double, double, double, double, double, double);
typedef double (*mixed_dfn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                            double, double, double, double, double, double, double, double);

#if defined(__clang__)
#define NO_FUNCTION_SANITIZER __attribute__((no_sanitize("function")))
#else
#define NO_FUNCTION_SANITIZER
#endif

/* Calls fn through the register shape of the plan (see the top of the
 * file); the result's register image goes to *out.  No GIL needed. */
NO_FUNCTION_SANITIZER
static void call_direct(const gk__callplan *p, void (*fn)(void), const uint64_t *w, const double *d,
                        cvalue *out)
{
    if (p->direct == D_INTS) {
        uint64_t r;
        switch (p->nint) {
        case 0: r = ((ifn0)fn)(); break;
        case 1: r = ((ifn1)fn)(w[0]); break;
        case 2: r = ((ifn2)fn)(w[0], w[1]); break;
        case 3: r = ((ifn3)fn)(w[0], w[1], w[2]); break;
        case 4: r = ((ifn4)fn)(w[0], w[1], w[2], w[3]); break;
        case 5: r = ((ifn5)fn)(w[0], w[1], w[2], w[3], w[4]); break;
        default: r = ((ifn6)fn)(w[0], w[1], w[2], w[3], w[4], w[5]); break;
        }
        out->u64 = r;
    } else if (p->ret == K_DOUBLE) {
        out->d = ((mixed_dfn)fn)(w[0], w[1], w[2], w[3], w[4], w[5], d[0], d[1], d[2], d[3], d[4], d[5],
                                 d[6], d[7]);
    } else {
        out->u64 = ((mixed_ifn)fn)(w[0], w[1], w[2], w[3], w[4], w[5], d[0], d[1], d[2], d[3], d[4], d[5],
                                   d[6], d[7]);
    }
}

/* Converts args into register images and calls fn directly. */
static gk_object *call_plan_direct(const gk__callplan *p, void (*fn)(void), bool release_gil,
                                   gk_object *const *args)
{
    uint64_t w[DIRECT_INTS] = { 0 };
    double d[DIRECT_DOUBLES];
    size_t ni = 0, nd = 0;
    cvalue result;
    for (size_t i = 0; i < p->nargs; i++) {
        enum kind k = p->args[i];
        gk_object *v = args[i];
        if (k == K_DOUBLE) {
            if (GK_TYPE(v) == &gk__float_type) {
                d[nd++] = gk__float_value(v);
                continue;
            }
            cvalue c;
            int rc = to_c(k, v, &c);
            if (rc != CONV_OK)
                return (void)arg_error(p, i, v, rc), NULL;
            d[nd++] = c.d;
            continue;
        }
        if (GK__INT_EXACT_SMALL(v) && is_int_kind(k)) {
            int64_t x = GK__INT_SMALL_V(v);
            if (x >= kind_lo[k] && x <= kind_hi[k]) {
                w[ni++] = (uint64_t)x;      /* in range: already the extension its kind wants */
                continue;
            }
        }
        cvalue c;
        int rc = to_c(k, v, &c);
        if (rc != CONV_OK)
            return (void)arg_error(p, i, v, rc), NULL;
        w[ni++] = widen(k, &c);
    }
    if (p->direct == D_MIXED)
        for (; nd < DIRECT_DOUBLES; nd++)
            d[nd] = 0.0;
    if (release_gil) {
        gk__tstate *ts = gk__ts();
        GK__BLOCKING_BEGIN(ts);
        call_direct(p, fn, w, d, &result);
        GK__BLOCKING_END(ts);
    } else {
        HOLDING_CALL(p, call_direct(p, fn, w, d, &result));
    }
    if (p->ret == K_I64)
        return gk__int_from_i64(result.i64);
    return from_c(p->ret, &result);
}
#endif

gk_object *gk__callplan_call(gk__callplan *p, void (*fn)(void), bool release_gil, gk_object *const *args,
                             size_t nargs)
{
    if (nargs != p->nargs)
        return gk__raise(&gk__exc_TypeError, "%s() takes %zu argument%s (%zu given)", p->name, p->nargs,
                         p->nargs == 1 ? "" : "s", nargs);
#if HAVE_DIRECT
    if (p->direct != D_NONE)
        return call_plan_direct(p, fn, release_gil, args);
#endif
    cvalue values[MAX_ARGS];
    void *ptrs[MAX_ARGS];
    cvalue result;
    for (size_t i = 0; i < nargs; i++) {
        int rc = to_c(p->args[i], args[i], &values[i]);
        if (rc != CONV_OK)
            return (void)arg_error(p, i, args[i], rc), NULL;
        ptrs[i] = &values[i];
    }
    memset(&result, 0, sizeof result);
    if (release_gil) {
        gk__tstate *ts = gk__ts();
        GK__BLOCKING_BEGIN(ts);
        ffi_call(&p->cif, fn, &result, ptrs);
        GK__BLOCKING_END(ts);
    } else {
        HOLDING_CALL(p, ffi_call(&p->cif, fn, &result, ptrs));
    }
    return from_c(p->ret, &result);
}

/* ------------------------------------------------------------------ */
/* Callable objects for C functions                                     */

typedef struct cfunction {
    GK_HEAD;
    void (*fn)(void);
    gk__callplan *plan;
    bool release_gil;
    gk_object *keepalive;      /* the library, module or callback that owns fn */
} cfunction;

static void cfunction_dealloc(gk_object *o)
{
    cfunction *f = (cfunction *)o;
    gk__callplan_free(f->plan);
    gk__xdecref(f->keepalive);
    gk__free(o);
}

static gk_object *cfunction_call(gk_object *o, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    cfunction *f = (cfunction *)o;
    if (kwnames)
        return gk__raise(&gk__exc_TypeError, "%s() takes no keyword arguments", f->plan->name);
    return gk__callplan_call(f->plan, f->fn, f->release_gil, args, nargs);
}

static gk_object *cfunction_repr(gk_object *o)
{
    cfunction *f = (cfunction *)o;
    return gk__str_from_format("<C function %s %s%s>", f->plan->name, f->plan->sig,
                               f->release_gil ? "" : " (holds the GIL)");
}

static gk_object *cfunction_get_name(gk_object *o, void *c)
{
    return gk__str_from_cstr(((cfunction *)o)->plan->name);
}

static gk_object *cfunction_get_sig(gk_object *o, void *c)
{
    return gk__str_from_cstr(((cfunction *)o)->plan->sig);
}

static gk_object *cfunction_get_address(gk_object *o, void *c)
{
    return gk__int_from_u64((uint64_t)(uintptr_t)((cfunction *)o)->fn);
}

static const gk__getsetdef cfunction_getset[] = {
    { "__name__", cfunction_get_name, NULL, NULL },
    { "signature", cfunction_get_sig, NULL, NULL },
    { "address", cfunction_get_address, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

static gk_type cfunction_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "cfunction",
    .basicsize = sizeof(cfunction),
    .dealloc = cfunction_dealloc,
    .repr = cfunction_repr,
    .call = cfunction_call,
    .getset = cfunction_getset,
    .doc = "A C function called through libffi with a prepared call plan.",
};

gk_object *gk__cfunction_ffi_new(const char *name, void (*fn)(void), gk__callplan *plan, bool release_gil,
                                 gk_object *keepalive)
{
    if (!(cfunction_type.flags & GK_TPFLAG_READY) && gk__type_ready(&cfunction_type) < 0) {
        gk__callplan_free(plan);
        return NULL;
    }
    cfunction *f = (cfunction *)gk__obj_new(&cfunction_type, sizeof *f);
    if (!f) {
        gk__callplan_free(plan);
        return NULL;
    }
    f->fn = fn;
    f->plan = plan;
    f->release_gil = release_gil;
    f->keepalive = keepalive ? gk__incref(keepalive) : NULL;
    return (gk_object *)f;
}

/* ------------------------------------------------------------------ */
/* Callbacks: script functions as C function pointers                   */

/* Invariant: closure, code and plan are set for the object's whole life
 * and read without the GIL by callback_entry; func (GIL) is NULL only
 * after the cycle collector cleared it. */
typedef struct callback {
    GK_HEAD;
    gk_object *func;
    gk__callplan *plan;
    ffi_closure *closure;
    void *code;                /* the C function pointer */
    char *where;               /* "ffi callback NAME SIG", for reports */
    int slot;                  /* its trampoline (see below), or -1: a libffi closure */
} callback;

/* Gives C the zero of the result type. */
static void zero_result(const gk__callplan *p, void *ret)
{
    if (p->ret == K_VOID)
        return;
    size_t n = ffi_type_of(p->ret)->size;
    memset(ret, 0, n < sizeof(ffi_arg) ? sizeof(ffi_arg) : n);
}

/* Stores the script function's result r into libffi's result slot;
 * 0, or -1 with an exception. */
static int store_result(const callback *cb, gk_object *r, void *ret)
{
    const gk__callplan *p = cb->plan;
    cvalue c;
    if (p->ret == K_VOID)
        return 0;
    int rc = to_c(p->ret, r, &c);
    if (rc == CONV_TYPE) {
        gk__raise(&gk__exc_TypeError, "%s() must return %s, not %N", p->name, kind_names[p->ret], r);
        return -1;
    }
    if (rc == CONV_RANGE) {
        gk__raise(&gk__exc_OverflowError, "%s() returned a value out of range for %s", p->name,
                  kind_names[p->ret]);
        return -1;
    }
    if (rc != CONV_OK)
        return -1;
    switch (p->ret) {
    case K_FLOAT: *(float *)ret = c.f; break;
    case K_DOUBLE: *(double *)ret = c.d; break;
    case K_PTR: *(void **)ret = c.p; break;
    default: *(ffi_arg *)ret = (ffi_arg)widen(p->ret, &c); break;
    }
    return 0;
}

/* Runs the script function for one C call; needs the GIL.  Never leaves
 * an exception behind: it is reported and C gets zero. */
static void run_callback(callback *cb, void *ret, void **cargs)
{
    const gk__callplan *p = cb->plan;
    gk_object *saved = gk__err_fetch();
    gk_object *argv[MAX_ARGS];
    size_t n = 0;
    if (!cb->func) {
        gk__raise(&gk__exc_RuntimeError, "%s called after its object was cleared", cb->where);
        goto fail;
    }
    for (; n < p->nargs; n++) {
        argv[n] = from_memory(p->args[n], cargs[n]);
        if (!argv[n])
            goto fail;
    }
    gk_object *r = gk__call(cb->func, argv, n, NULL);
    if (!r)
        goto fail;
    int rc = store_result(cb, r, ret);
    gk__decref(r);
    if (rc < 0)
        goto fail;
    while (n > 0)
        gk__decref(argv[--n]);
    gk__err_restore(saved);
    return;
fail:
    while (n > 0)
        gk__decref(argv[--n]);
    zero_result(p, ret);
    gk__write_unraisable(cb->where);
    gk__err_restore(saved);
}

/* Every callback call starts here, on any thread: cargs[i] points to
 * argument i, the result goes to ret (an ffi_arg for integer kinds). */
static void callback_dispatch(callback *cb, void *ret, void **cargs)
{
    gk__tstate *ts = gk__current;
    gk__runtime *rt = gk__rt;
    if (ts && rt && ts->rt == rt) {
        if (ts->holds_gil) {
            run_callback(cb, ret, cargs);
            return;
        }
        /* A thread the runtime knows, inside a C call that released the
         * GIL (a VM thread, or a native one between callbacks or attached
         * and in GK_BEGIN_ALLOW_THREADS): take the GIL back for the call.
         * Its attach count is not touched, so nesting stays balanced. */
        if (!atomic_load(&rt->finalizing)) {
            gk__gil_acquire(ts);
            if (!atomic_load(&rt->finalizing)) {
                run_callback(cb, ret, cargs);
                gk__gil_release(ts, GK_RELEASE_BLOCKING);
                return;
            }
            gk__gil_release(ts, GK_RELEASE_BLOCKING);
        }
        zero_result(cb->plan, ret);
        return;
    }
    /* A native thread the runtime has never seen: attach it (its thread
     * state is kept for its later callbacks) and detach after. */
    if (gk_thread_attach() != 0) {
        zero_result(cb->plan, ret);     /* the runtime is shutting down */
        return;
    }
    run_callback(cb, ret, cargs);
    gk_thread_detach();
}

/* libffi's entry point for callbacks made as closures. */
static void callback_entry(ffi_cif *cif, void *ret, void **cargs, void *data)
{
    (void)cif;
    callback_dispatch(data, ret, cargs);
}

/* Trampolines.  libffi's closure entry classifies every argument again on
 * each call (about 200 instructions).  A callback whose plan is D_INTS (at
 * most 6 integer-class arguments, an integer-class or void result) instead
 * gets one of NTRAMP compiled functions of the generic register shape that
 * call_direct uses, tied to it through a slot.  Each argument is read from
 * the start of its 64-bit register image, which on these little-endian
 * targets holds the value at its declared width. */
#if HAVE_DIRECT && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NTRAMP 64
/* GIL to store; read from any thread (acquire pairs with the release that
 * published the callback). */
static _Atomic(callback *) tramp_slots[NTRAMP];

static uint64_t tramp_call(int slot, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    uint64_t w[DIRECT_INTS] = { a, b, c, d, e, f };
    void *cargs[DIRECT_INTS] = { &w[0], &w[1], &w[2], &w[3], &w[4], &w[5] };
    ffi_arg r = 0;
    callback_dispatch(atomic_load_explicit(&tramp_slots[slot], memory_order_acquire), &r, cargs);
    return r;
}

#define TRAMP(n, k) \
    static uint64_t tramp_##n##_##k(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f) \
    { return tramp_call(n * 8 + k, a, b, c, d, e, f); }
#define TRAMP8(n) TRAMP(n, 0) TRAMP(n, 1) TRAMP(n, 2) TRAMP(n, 3) TRAMP(n, 4) TRAMP(n, 5) TRAMP(n, 6) \
    TRAMP(n, 7)
TRAMP8(0) TRAMP8(1) TRAMP8(2) TRAMP8(3) TRAMP8(4) TRAMP8(5) TRAMP8(6) TRAMP8(7)
#define TNAME8(n) tramp_##n##_0, tramp_##n##_1, tramp_##n##_2, tramp_##n##_3, tramp_##n##_4, \
    tramp_##n##_5, tramp_##n##_6, tramp_##n##_7
static ifn6 const trampolines[NTRAMP] = {
    TNAME8(0), TNAME8(1), TNAME8(2), TNAME8(3), TNAME8(4), TNAME8(5), TNAME8(6), TNAME8(7),
};

/* Ties cb to a free trampoline (GIL held); 0, or -1 if all are taken. */
static int tramp_take(callback *cb)
{
    for (int i = 0; i < NTRAMP; i++) {
        if (!atomic_load_explicit(&tramp_slots[i], memory_order_relaxed)) {
            atomic_store_explicit(&tramp_slots[i], cb, memory_order_release);
            cb->slot = i;
            cb->code = (void *)trampolines[i];
            return 0;
        }
    }
    return -1;
}

static void tramp_give_back(callback *cb)
{
    if (cb->slot >= 0)
        atomic_store_explicit(&tramp_slots[cb->slot], NULL, memory_order_release);
}
#else
static int tramp_take(callback *cb)
{
    (void)cb;
    return -1;
}

static void tramp_give_back(callback *cb)
{
    (void)cb;
}
#endif

static int callback_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    callback *cb = (callback *)o;
    return cb->func ? visit(cb->func, arg) : 0;
}

static int callback_clear(gk_object *o)
{
    GK_CLEAR(((callback *)o)->func);
    return 0;
}

static void callback_dealloc(gk_object *o)
{
    callback *cb = (callback *)o;
    callback_clear(o);
    tramp_give_back(cb);
    if (cb->closure)
        ffi_closure_free(cb->closure);
    gk__callplan_free(cb->plan);
    free(cb->where);
    gk__gc_free(o);
}

static gk_object *callback_repr(gk_object *o)
{
    callback *cb = (callback *)o;
    return gk__str_from_format("<ffi.Callback %s %s at %p>", cb->plan->name, cb->plan->sig, cb->code);
}

static gk_object *callback_get_address(gk_object *o, void *c)
{
    return gk__int_from_u64((uint64_t)(uintptr_t)((callback *)o)->code);
}

static gk_object *callback_get_sig(gk_object *o, void *c)
{
    return gk__str_from_cstr(((callback *)o)->plan->sig);
}

static gk_object *callback_get_func(gk_object *o, void *c)
{
    callback *cb = (callback *)o;
    return cb->func ? gk__incref(cb->func) : gk__none_ref();
}

static const gk__getsetdef callback_getset[] = {
    { "address", callback_get_address, NULL, NULL },
    { "signature", callback_get_sig, NULL, NULL },
    { "function", callback_get_func, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

static gk_type callback_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "Callback",
    .basicsize = sizeof(callback),
    .flags = GK_TPFLAG_GC,
    .dealloc = callback_dealloc,
    .repr = callback_repr,
    .getset = callback_getset,
    .traverse = callback_traverse,
    .clear = callback_clear,
    .doc = "A script function callable from C through a function pointer (ffi.callback).",
};

/* The code address of a Callback or a bound C function (else 0). */
static uintptr_t cfunction_address(gk_object *o)
{
    if (GK_TYPE(o) == &callback_type)
        return (uintptr_t)((callback *)o)->code;
    if (GK_TYPE(o) == &cfunction_type)
        return (uintptr_t)((cfunction *)o)->fn;
    return 0;
}

/* The name a callback's reports use: func.__name__, else its type's.
 * malloc'd, or NULL. */
static char *callback_name(gk_object *func)
{
    gk_object *name = gk__getattr_cstr(func, "__name__");
    const char *n = name && gk__is_str(name) ? gk__str_utf8(name) : GK_TYPE_NAME(func);
    gk__err_clear();
    char *r = strdup(n);
    gk__xdecref(name);
    return r;
}

/* ffi.callback(signature, func) -> Callback */
static gk_object *ffi_callback(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "signature", "function" };
    gk_object *a[2];
    if (gk__parse_args("callback", args, nargs, kwnames, names, 2, 2, a) < 0)
        return NULL;
    if (!gk__is_str(a[0]))
        return gk__raise(&gk__exc_TypeError, "callback() signature must be str, not %N", a[0]);
    if (!GK_TYPE(a[1])->call)
        return gk__raise(&gk__exc_TypeError, "callback() function must be callable, not %N", a[1]);
    if (!(callback_type.flags & GK_TPFLAG_READY) && gk__type_ready(&callback_type) < 0)
        return NULL;
    const char *sig = gk__str_utf8(a[0]);
    char *name = callback_name(a[1]);
    if (!name)
        return gk__raise_nomemory();
    gk__callplan *plan = gk__callplan_new(name, sig);
    size_t len = strlen(name) + strlen(sig) + 16;
    char *where = plan ? malloc(len) : NULL;
    if (where)
        snprintf(where, len, "ffi callback %s %s", name, sig);
    free(name);
    if (!plan)
        return NULL;
    if (!where) {
        gk__callplan_free(plan);
        return gk__raise_nomemory();
    }
    if (plan->ret == K_CSTR) {
        gk__callplan_free(plan);
        free(where);
        return gk__raise(&gk__exc_ValueError,
                         "ffi: a callback cannot return char * (the text would die with the str): "
                         "return void * and keep the buffer alive");
    }
    callback *cb = (callback *)gk__gc_new(&callback_type, sizeof *cb);
    if (!cb) {
        gk__callplan_free(plan);
        free(where);
        return NULL;
    }
    cb->plan = plan;
    cb->where = where;
    cb->func = gk__incref(a[1]);
    cb->slot = -1;
    if (plan->direct == D_INTS && tramp_take(cb) == 0)
        return (gk_object *)cb;
    cb->closure = ffi_closure_alloc(sizeof(ffi_closure), &cb->code);
    if (!cb->closure) {
        gk__decref((gk_object *)cb);
        return gk__raise_nomemory();
    }
    if (ffi_prep_closure_loc(cb->closure, &plan->cif, callback_entry, cb, cb->code) != FFI_OK) {
        gk__decref((gk_object *)cb);
        return gk__raise(&gk__exc_ValueError, "ffi: libffi cannot make a callback of '%s'", sig);
    }
    return (gk_object *)cb;
}

/* ------------------------------------------------------------------ */
/* The ffi module: libraries opened at run time                        */

typedef struct library {
    GK_HEAD;
    void *handle;
    gk_object *name;           /* str or None */
} library;

static void library_dealloc(gk_object *o)
{
    library *l = (library *)o;
    if (l->handle)
        dlclose(l->handle);
    gk__xdecref(l->name);
    gk__free(o);
}

static gk_object *library_repr(gk_object *o)
{
    return gk__str_from_format("<ffi.Library %R>", ((library *)o)->name);
}

/* lib.bind(name, signature, hold_gil=False) -> callable */
static gk_object *library_bind(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "name", "signature", "hold_gil" };
    gk_object *a[3];
    library *l = (library *)self;
    if (gk__parse_args("bind", args, nargs, kwnames, names, 2, 3, a) < 0)
        return NULL;
    if (!gk__is_str(a[0]) || !gk__is_str(a[1]))
        return gk__raise(&gk__exc_TypeError, "bind() needs a function name and a signature string");
    int hold = a[2] ? gk__truthy(a[2]) : 0;
    if (hold < 0)
        return NULL;
    dlerror();
    void *sym = dlsym(l->handle, gk__str_utf8(a[0]));
    if (!sym) {
        const char *err = dlerror();
        return gk__raise(&gk__exc_AttributeError, "%S: undefined symbol: %s%s%s", l->name,
                         gk__str_utf8(a[0]), err ? " - " : "", err ? err : "");
    }
    gk__callplan *plan = gk__callplan_new(gk__str_utf8(a[0]), gk__str_utf8(a[1]));
    if (!plan)
        return NULL;
    return gk__cfunction_ffi_new(gk__str_utf8(a[0]), (void (*)(void))sym, plan, !hold, self);
}

/* lib.address(name) -> int: the address of a symbol */
static gk_object *library_address(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    library *l = (library *)self;
    if (gk__check_args("address", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "address() needs a symbol name, not %N", args[0]);
    dlerror();
    void *sym = dlsym(l->handle, gk__str_utf8(args[0]));
    if (!sym) {
        const char *err = dlerror();
        return gk__raise(&gk__exc_AttributeError, "%S: undefined symbol: %s%s%s", l->name,
                         gk__str_utf8(args[0]), err ? " - " : "", err ? err : "");
    }
    return gk__int_from_u64((uint64_t)(uintptr_t)sym);
}

static const gk__methoddef library_methods[] = {
    { "bind", library_bind, 0, "bind(name, signature, hold_gil=False): a callable C function" },
    { "address", library_address, 0, "address(name): the address of a symbol, as an int" },
    { NULL, NULL, 0, NULL },
};

static gk_type library_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "Library",
    .basicsize = sizeof(library),
    .dealloc = library_dealloc,
    .repr = library_repr,
    .methods = library_methods,
    .doc = "A shared library opened with ffi.open().",
};

static void *try_open(const char *path)
{
    gk__tstate *ts = gk__ts();
    GK__BLOCKING_BEGIN(ts);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    GK__BLOCKING_END(ts);
    return h;
}

/* ffi.open(name_or_path=None) -> Library; None opens the running program. */
static gk_object *ffi_open(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("open", nargs, kwnames, 0, 1) < 0)
        return NULL;
    gk_object *name = nargs ? args[0] : GK_NONE;
    void *h = NULL;
    char err[512] = "";
    if (name == GK_NONE) {
        h = dlopen(NULL, RTLD_NOW);
    } else if (gk__is_str(name)) {
        const char *n = gk__str_utf8(name);
        h = try_open(n);
        if (!h) {
            const char *e = dlerror();
            snprintf(err, sizeof err, "%s", e ? e : "cannot open");
        }
        if (!h && !strchr(n, '/') && !strstr(n, ".so")) {
            char buf[300];
            static const char *const forms[] = { "lib%s.so", "lib%s.so.6", "%s.so" };
            for (size_t i = 0; i < 3 && !h; i++) {
                snprintf(buf, sizeof buf, forms[i], n);
                h = try_open(buf);
            }
        }
    } else {
        return gk__raise(&gk__exc_TypeError, "open() argument must be str or None, not %N", name);
    }
    if (!h)
        return gk__raise(&gk__exc_OSError, "%s", err[0] ? err : "cannot open library");
    if (!(library_type.flags & GK_TPFLAG_READY) && gk__type_ready(&library_type) < 0) {
        dlclose(h);
        return NULL;
    }
    library *l = (library *)gk__obj_new(&library_type, sizeof *l);
    if (!l) {
        dlclose(h);
        return NULL;
    }
    l->handle = h;
    l->name = gk__incref(name);
    return (gk_object *)l;
}

/* ffi.function(address, signature, hold_gil=False) -> callable: a C
 * function at an address (an int, a Callback, or a bound function). */
static gk_object *ffi_function(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "address", "signature", "hold_gil" };
    gk_object *a[3];
    if (gk__parse_args("function", args, nargs, kwnames, names, 2, 3, a) < 0)
        return NULL;
    if (!gk__is_str(a[1]))
        return gk__raise(&gk__exc_TypeError, "function() signature must be str, not %N", a[1]);
    int hold = a[2] ? gk__truthy(a[2]) : 0;
    if (hold < 0)
        return NULL;
    void *addr = NULL;
    int rc = a[0] == GK_NONE || gk__is_bytes(a[0]) || GK_TYPE(a[0]) == &gk__bytearray_type
                 ? CONV_TYPE : to_pointer(a[0], &addr);
    if (rc == CONV_TYPE)
        return gk__raise(&gk__exc_TypeError, "function() address must be an int or a Callback, not %N", a[0]);
    if (rc == CONV_RANGE)
        return gk__raise(&gk__exc_OverflowError, "function() address out of range");
    if (!addr)
        return gk__raise(&gk__exc_ValueError, "function() address is NULL");
    const char *name = "function";
    if (GK_TYPE(a[0]) == &callback_type)
        name = ((callback *)a[0])->plan->name;
    else if (GK_TYPE(a[0]) == &cfunction_type)
        name = ((cfunction *)a[0])->plan->name;
    gk__callplan *plan = gk__callplan_new(name, gk__str_utf8(a[1]));
    if (!plan)
        return NULL;
    gk_object *keep = gk__is_int(a[0]) ? NULL : a[0];
    return gk__cfunction_ffi_new(name, (void (*)(void))addr, plan, !hold, keep);
}

/* Resolves (address, ctype, index) for read/write: the element's address
 * and its kind; -1 with an exception. */
static int element_at(const char *fname, gk_object *where, gk_object *ctype, gk_object *index, void **out,
                      enum kind *k)
{
    if (!gk__is_str(ctype)) {
        gk__raise(&gk__exc_TypeError, "%s() needs a C type name, not %N", fname, ctype);
        return -1;
    }
    /* Type names are usually the same str constants call after call: a
     * few are remembered (each kept alive, so its address stays its own). */
    static gk_object *seen[8];
    static enum kind seen_kind[8];
    static unsigned next;
    size_t j = 0;
    while (j < 8 && seen[j] != ctype)
        j++;
    if (j < 8) {
        *k = seen_kind[j];
    } else {
        const char *t = gk__str_utf8(ctype);
        if (parse_type(fname, t, t, t + strlen(t), k) < 0)
            return -1;
        j = next++ % 8;
        GK_SETREF(seen[j], gk__incref(ctype));
        seen_kind[j] = *k;
    }
    if (*k == K_VOID) {
        gk__raise(&gk__exc_ValueError, "%s(): cannot access a void value", fname);
        return -1;
    }
    int64_t i = 0;
    if (index) {
        if (!gk__is_int(index)) {
            gk__raise(&gk__exc_TypeError, "%s() index must be int, not %N", fname, index);
            return -1;
        }
        i = gk__int_as_i64(index);
        if (i == -1 && gk__err_occurred())
            return -1;
    }
    size_t size = ffi_type_of(*k)->size;
    if (gk__is_bytes(where) || GK_TYPE(where) == &gk__bytearray_type) {
        size_t n = gk__bytes_size(where) / size;
        if (i < 0 || (uint64_t)i >= n) {
            gk__raise(&gk__exc_IndexError, "%s() index %lld out of range for a buffer of %zu %s", fname,
                      (long long)i, n, kind_names[*k]);
            return -1;
        }
        *out = (unsigned char *)gk__bytes_data(where) + (size_t)i * size;
        return 0;
    }
    void *base = NULL;
    int rc = gk__is_int(where) ? to_pointer(where, &base) : CONV_TYPE;
    if (rc != CONV_OK) {
        gk__raise(rc == CONV_TYPE ? &gk__exc_TypeError : &gk__exc_OverflowError,
                  "%s() address must be an int, bytes or bytearray, not %N", fname, where);
        return -1;
    }
    if (!base) {
        gk__raise(&gk__exc_ValueError, "%s(): NULL address", fname);
        return -1;
    }
    *out = (unsigned char *)base + i * (int64_t)size;
    return 0;
}

/* ffi.read(address, ctype, index=0) -> value */
static gk_object *ffi_read(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "address", "ctype", "index" };
    gk_object *a[3];
    void *p;
    enum kind k;
    if (gk__parse_args("read", args, nargs, kwnames, names, 2, 3, a) < 0 ||
        element_at("read", a[0], a[1], a[2], &p, &k) < 0)
        return NULL;
    return from_memory(k, p);
}

/* ffi.write(address, ctype, value, index=0) -> None */
static gk_object *ffi_write(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "address", "ctype", "value", "index" };
    gk_object *a[4];
    void *p;
    enum kind k;
    cvalue c;
    if (gk__parse_args("write", args, nargs, kwnames, names, 3, 4, a) < 0 ||
        element_at("write", a[0], a[1], a[3], &p, &k) < 0)
        return NULL;
    if (GK_TYPE(a[0]) == &gk__bytes_type)
        return gk__raise(&gk__exc_TypeError, "write() cannot change bytes: use a bytearray");
    if (k == K_CSTR)
        return gk__raise(&gk__exc_TypeError, "write() cannot store a char * (the text would die with the "
                         "str): store a void * to memory you keep alive");
    int rc = to_c(k, a[2], &c);
    if (rc == CONV_TYPE)
        return gk__raise(&gk__exc_TypeError, "write() value must be %s, not %N", kind_names[k], a[2]);
    if (rc == CONV_RANGE)
        return gk__raise(&gk__exc_OverflowError, "write() value out of range for %s", kind_names[k]);
    if (rc != CONV_OK)
        return NULL;
    to_memory(k, &c, p);
    return gk__none_ref();
}

/* ffi.sizeof(type_text) -> int */
static gk_object *ffi_sizeof(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("sizeof", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "sizeof() needs a C type name");
    const char *t = gk__str_utf8(args[0]);
    enum kind k;
    if (parse_type("sizeof", t, t, t + strlen(t), &k) < 0)
        return NULL;
    return gk__int_from_i64((int64_t)ffi_type_of(k)->size);
}

static const gk__methoddef ffi_functions[] = {
    { "open", ffi_open, 0, "open(name=None): open a shared library (None: the running program)" },
    { "sizeof", ffi_sizeof, 0, "sizeof(ctype): the size of a C type" },
    { "callback", ffi_callback, 0,
      "callback(signature, function): a C function pointer that calls function (keep the object alive "
      "while C may call it)" },
    { "function", ffi_function, 0,
      "function(address, signature, hold_gil=False): a callable C function at an address" },
    { "read", ffi_read, 0, "read(address, ctype, index=0): the C value at address[index]" },
    { "write", ffi_write, 0, "write(address, ctype, value, index=0): store a C value at address[index]" },
    { NULL, NULL, 0, NULL },
};

int gk__ffi_module_init(gk_object *m)
{
    if (gk__module_add_functions(m, ffi_functions) < 0)
        return -1;
    if (!(library_type.flags & GK_TPFLAG_READY) && gk__type_ready(&library_type) < 0)
        return -1;
    if (!(callback_type.flags & GK_TPFLAG_READY) && gk__type_ready(&callback_type) < 0)
        return -1;
    if (gk__dict_set_cstr(gk__module_dict(m), "Library", (gk_object *)&library_type) < 0)
        return -1;
    return gk__dict_set_cstr(gk__module_dict(m), "Callback", (gk_object *)&callback_type);
}
