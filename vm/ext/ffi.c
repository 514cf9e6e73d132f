/*
 * vm/ext/ffi.c - calling plain C functions through libffi, from extension
 * module tables and from scripts (the `ffi` module).
 *
 * A call plan is made once per bound function: the signature string is
 * parsed into argument kinds and libffi's call interface (ffi_cif) is
 * prepared; each call then only converts arguments and calls ffi_call.
 * Arguments must fit their declared C type exactly (OverflowError
 * otherwise) and narrow integer results, which libffi widens to ffi_arg,
 * are narrowed back.  By default the GIL is released around the call.
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

#define MAX_ARGS 32

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

/* Invariant: cif is prepared for nargs arguments of kinds args[]. */
struct gk__callplan {
    char *name, *sig;
    enum kind ret;
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

gk__callplan *gk__callplan_new(const char *fname, const char *sig)
{
    gk__callplan *p = calloc(1, sizeof *p);
    if (!p) {
        gk__raise_nomemory();
        return NULL;
    }
    p->name = strdup(fname);
    p->sig = strdup(sig);
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

typedef union cvalue {
    int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32; uint32_t u32;
    int64_t i64; uint64_t u64; float f; double d; void *p; ffi_arg widened; ffi_sarg swidened;
} cvalue;

static int arg_error(gk__callplan *p, size_t i, gk_object *v)
{
    gk__raise(&gk__exc_TypeError, "%s() argument %zu must be %s, not %N", p->name, i + 1,
              kind_names[p->args[i]], v);
    return -1;
}

static int convert_int(gk__callplan *p, size_t i, gk_object *v, cvalue *out)
{
    enum kind k = p->args[i];
    if (!gk__is_int(v))
        return arg_error(p, i, v);
    int64_t x = gk__int_as_i64(v);
    if (x == -1 && gk__err_occurred()) {
        if (k != K_U64)
            goto overflow;
        gk__err_clear();
        gk_object *hex = gk__int_to_base(v, 16, false);
        if (!hex)
            return -1;
        const char *t = gk__str_utf8(hex);
        bool neg = t[0] == '-';
        out->u64 = strtoull(t, NULL, 16);
        gk__decref(hex);
        if (neg || strlen(t) > 16)
            goto overflow;
        return 0;
    }
    static const int64_t lo[] = { [K_I8] = INT8_MIN, [K_U8] = 0, [K_I16] = INT16_MIN, [K_U16] = 0,
                                  [K_I32] = INT32_MIN, [K_U32] = 0, [K_I64] = INT64_MIN, [K_U64] = 0,
                                  [K_BOOL] = 0 };
    static const int64_t hi[] = { [K_I8] = INT8_MAX, [K_U8] = UINT8_MAX, [K_I16] = INT16_MAX,
                                  [K_U16] = UINT16_MAX, [K_I32] = INT32_MAX, [K_U32] = UINT32_MAX,
                                  [K_I64] = INT64_MAX, [K_U64] = INT64_MAX, [K_BOOL] = 1 };
    if (x < lo[k] || x > hi[k])
        goto overflow;
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
    return 0;
overflow:
    gk__err_clear();
    gk__raise(&gk__exc_OverflowError, "%s() argument %zu out of range for %s", p->name, i + 1,
              kind_names[k]);
    return -1;
}

static int convert_arg(gk__callplan *p, size_t i, gk_object *v, cvalue *out)
{
    switch (p->args[i]) {
    case K_FLOAT:
    case K_DOUBLE: {
        if (!gk__is_int(v) && !gk__is_float(v))
            return arg_error(p, i, v);
        double d = gk__as_double(v);
        if (d == -1.0 && gk__err_occurred())
            return -1;
        if (p->args[i] == K_FLOAT)
            out->f = (float)d;
        else
            out->d = d;
        return 0;
    }
    case K_BOOL: {
        int t = gk__truthy(v);
        if (t < 0)
            return -1;
        out->u8 = (uint8_t)t;
        return 0;
    }
    case K_CSTR:
        if (v == GK_NONE)
            out->p = NULL;
        else if (gk__is_str(v))
            out->p = (void *)gk__str_utf8(v);
        else if (gk__is_bytes(v) || GK_TYPE(v) == &gk__bytearray_type)
            out->p = (void *)gk__bytes_data(v);
        else
            return arg_error(p, i, v);
        return 0;
    case K_PTR:
        if (v == GK_NONE) {
            out->p = NULL;
        } else if (gk__is_bytes(v) || GK_TYPE(v) == &gk__bytearray_type) {
            out->p = (void *)gk__bytes_data(v);
        } else if (gk__is_int(v)) {
            int64_t x = gk__int_as_i64(v);
            if (x == -1 && gk__err_occurred())
                return -1;
            out->p = (void *)(intptr_t)x;
        } else {
            return arg_error(p, i, v);
        }
        return 0;
    default:
        return convert_int(p, i, v, out);
    }
}

static gk_object *convert_result(enum kind k, cvalue *r)
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

gk_object *gk__callplan_call(gk__callplan *p, void (*fn)(void), bool release_gil, gk_object *const *args,
                             size_t nargs)
{
    cvalue values[MAX_ARGS];
    void *ptrs[MAX_ARGS];
    cvalue result;
    if (nargs != p->nargs)
        return gk__raise(&gk__exc_TypeError, "%s() takes %zu argument%s (%zu given)", p->name, p->nargs,
                         p->nargs == 1 ? "" : "s", nargs);
    for (size_t i = 0; i < nargs; i++) {
        if (convert_arg(p, i, args[i], &values[i]) < 0)
            return NULL;
        ptrs[i] = &values[i];
    }
    memset(&result, 0, sizeof result);
    if (release_gil) {
        gk__tstate *ts = gk__ts();
        GK__BLOCKING_BEGIN(ts);
        ffi_call(&p->cif, fn, &result, ptrs);
        GK__BLOCKING_END(ts);
    } else {
        ffi_call(&p->cif, fn, &result, ptrs);
    }
    return convert_result(p->ret, &result);
}

/* ------------------------------------------------------------------ */
/* Callable objects for C functions                                     */

typedef struct ffifunc {
    GK_HEAD;
    void (*fn)(void);
    gk__callplan *plan;
    bool release_gil;
    gk_object *keepalive;      /* the library or module that owns fn */
} ffifunc;

static void ffifunc_dealloc(gk_object *o)
{
    ffifunc *f = (ffifunc *)o;
    gk__callplan_free(f->plan);
    gk__xdecref(f->keepalive);
    gk__free(o);
}

static gk_object *ffifunc_call(gk_object *o, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    ffifunc *f = (ffifunc *)o;
    if (kwnames && gk__tuple_size(kwnames))
        return gk__raise(&gk__exc_TypeError, "%s() takes no keyword arguments", f->plan->name);
    return gk__callplan_call(f->plan, f->fn, f->release_gil, args, nargs);
}

static gk_object *ffifunc_repr(gk_object *o)
{
    ffifunc *f = (ffifunc *)o;
    return gk__str_from_format("<C function %s %s%s>", f->plan->name, f->plan->sig,
                               f->release_gil ? "" : " (holds the GIL)");
}

static gk_object *ffifunc_get_name(gk_object *o, void *c)
{
    return gk__str_from_cstr(((ffifunc *)o)->plan->name);
}

static gk_object *ffifunc_get_sig(gk_object *o, void *c)
{
    return gk__str_from_cstr(((ffifunc *)o)->plan->sig);
}

static gk_object *ffifunc_get_address(gk_object *o, void *c)
{
    return gk__int_from_u64((uint64_t)(uintptr_t)((ffifunc *)o)->fn);
}

static const gk__getsetdef ffifunc_getset[] = {
    { "__name__", ffifunc_get_name, NULL, NULL },
    { "signature", ffifunc_get_sig, NULL, NULL },
    { "address", ffifunc_get_address, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

static gk_type ffifunc_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "cfunction",
    .basicsize = sizeof(ffifunc),
    .dealloc = ffifunc_dealloc,
    .repr = ffifunc_repr,
    .call = ffifunc_call,
    .getset = ffifunc_getset,
    .doc = "A C function called through libffi with a prepared call plan.",
};

gk_object *gk__cfunction_ffi_new(const char *name, void (*fn)(void), gk__callplan *plan, bool release_gil,
                                 gk_object *keepalive)
{
    if (!(ffifunc_type.flags & GK_TPFLAG_READY) && gk__type_ready(&ffifunc_type) < 0)
        return NULL;
    ffifunc *f = (ffifunc *)gk__obj_new(&ffifunc_type, sizeof *f);
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

static const gk__methoddef library_methods[] = {
    { "bind", library_bind, 0, "bind(name, signature, hold_gil=False): a callable C function" },
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
    { NULL, NULL, 0, NULL },
};

int gk__ffi_module_init(gk_object *m)
{
    if (gk__module_add_functions(m, ffi_functions) < 0)
        return -1;
    if (!(library_type.flags & GK_TPFLAG_READY) && gk__type_ready(&library_type) < 0)
        return -1;
    return gk__dict_set_cstr(gk__module_dict(m), "Library", (gk_object *)&library_type);
}
