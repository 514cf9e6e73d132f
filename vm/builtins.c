/*
 * vm/builtins.c - the `builtins` module: the built-in functions (print,
 * len, min, sorted, isinstance, ...), the names of the built-in types and
 * exception types, and the constants NotImplemented and Ellipsis.
 *
 * print() builds its whole text first and hands it to file.write() in one
 * call, so lines printed by different threads never interleave mid-line.
 * Argument errors use the same wording as CPython's built-ins.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "objects.h"
#include "runtime.h"
#include "code.h"
#include "lang/ast.h"

/* ------------------------------------------------------------------ */
/* Argument helpers                                                     */

static size_t nkw(gk_object *kwnames) { return kwnames ? gk__tuple_size(kwnames) : 0; }

static int no_keywords(const char *name, gk_object *kwnames)
{
    if (nkw(kwnames)) {
        gk__raise(&gk__exc_TypeError, "%s() takes no keyword arguments", name);
        return -1;
    }
    return 0;
}

/* CPython's wording for "name expected N arguments, got M". */
static int check_n(const char *name, size_t nargs, gk_object *kwnames, size_t min, size_t max)
{
    if (no_keywords(name, kwnames) < 0)
        return -1;
    if (nargs >= min && nargs <= max)
        return 0;
    size_t want = nargs < min ? min : max;
    const char *how = min == max ? "" : nargs < min ? "at least " : "at most ";
    gk__raise(&gk__exc_TypeError, "%s expected %s%zu argument%s, got %zu", name, how, want,
              want == 1 ? "" : "s", nargs);
    return -1;
}

/* "len() takes exactly one argument (0 given)" */
static int check_one(const char *name, size_t nargs, gk_object *kwnames)
{
    if (no_keywords(name, kwnames) < 0)
        return -1;
    if (nargs != 1) {
        gk__raise(&gk__exc_TypeError, "%s() takes exactly one argument (%zu given)", name, nargs);
        return -1;
    }
    return 0;
}

/* Splits keyword arguments by name: each of names[i] found goes to out[i]
 * (BORROWED); an unknown one raises "'x' is an invalid keyword argument for f()". */
static int take_keywords(const char *fname, gk_object *const *args, size_t nargs, gk_object *kwnames,
                         const char *const *names, size_t n, gk_object **out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = NULL;
    for (size_t k = 0; k < nkw(kwnames); k++) {
        gk_object *kw = GK_TUPLE_GET(kwnames, k);
        size_t i = 0;
        while (i < n && !gk__str_eq_cstr(kw, names[i]))
            i++;
        if (i == n) {
            gk__raise(&gk__exc_TypeError, "%R is an invalid keyword argument for %s()", kw, fname);
            return -1;
        }
        out[i] = args[nargs + k];
    }
    return 0;
}

static gk_object *sys_attr(const char *name)
{
    gk_object *sys = gk__rt->sys;
    gk_object *v = sys ? gk__dict_get_cstr(gk__module_dict(sys), name) : NULL;
    if (!v)
        return gk__raise(&gk__exc_RuntimeError, "lost sys.%s", name);
    return gk__incref(v);
}

/* ------------------------------------------------------------------ */
/* print and input                                                      */

static int check_sep(const char *what, gk_object *v)
{
    if (v && v != GK_NONE && !gk__is_str(v)) {
        gk__raise(&gk__exc_TypeError, "%s must be None or a string, not %s", what, GK_TYPE_NAME(v));
        return -1;
    }
    return 0;
}

/* Writes text to file (sys.stdout when NULL or None) with one write call. */
static int write_text(gk_object *file, gk_object *text, bool flush)
{
    gk_object *f = file && file != GK_NONE ? gk__incref(file) : sys_attr("stdout");
    if (!f)
        return -1;
    if (f == GK_NONE) {
        gk__decref(f);
        return 0;
    }
    gk_object *r = gk__call_method(f, "write", &text, 1);
    if (r && flush) {
        gk__decref(r);
        r = gk__call_method(f, "flush", NULL, 0);
    }
    gk__decref(f);
    if (!r)
        return -1;
    gk__decref(r);
    return 0;
}

static gk_object *builtin_print(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "sep", "end", "file", "flush" };
    gk_object *kw[4];
    if (take_keywords("print", args, nargs, kwnames, names, 4, kw) < 0 ||
        check_sep("sep", kw[0]) < 0 || check_sep("end", kw[1]) < 0)
        return NULL;
    gk__strbuf b;
    gk__strbuf_init(&b);
    for (size_t i = 0; i < nargs; i++) {
        if (i > 0 && gk__strbuf_append_cstr(&b, kw[0] && kw[0] != GK_NONE ? gk__str_utf8(kw[0]) : " ") < 0)
            goto fail;
        gk_object *s = gk__str(args[i]);
        if (!s)
            goto fail;
        int r = gk__strbuf_append_str(&b, s);
        gk__decref(s);
        if (r < 0)
            goto fail;
    }
    if (gk__strbuf_append_cstr(&b, kw[1] && kw[1] != GK_NONE ? gk__str_utf8(kw[1]) : "\n") < 0)
        goto fail;
    int flush = kw[3] ? gk__truthy(kw[3]) : 0;
    if (flush < 0)
        goto fail;
    gk_object *text = gk__strbuf_finish(&b);
    if (!text)
        return NULL;
    int r = write_text(kw[2], text, flush);
    gk__decref(text);
    return r < 0 ? NULL : gk__none_ref();
fail:
    gk__strbuf_free(&b);
    return NULL;
}

/* print(o, file=file) for C callers; file NULL means sys.stdout.  0 / -1. */
int gk__print_obj(gk_object *o, gk_object *file)
{
    gk_object *s = gk__str(o);
    if (!s)
        return -1;
    gk_object *nl = gk__str_from_cstr("\n");
    gk_object *text = nl ? gk__str_concat(s, nl) : NULL;
    gk__decref(s);
    gk__xdecref(nl);
    if (!text)
        return -1;
    int r = write_text(file, text, false);
    gk__decref(text);
    return r;
}

static gk_object *builtin_input(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("input", nargs, kwnames, 0, 1) < 0)
        return NULL;
    if (nargs == 1) {
        gk_object *p = gk__str(args[0]);
        if (!p)
            return NULL;
        int r = write_text(NULL, p, true);
        gk__decref(p);
        if (r < 0)
            return NULL;
    }
    gk_object *in = sys_attr("stdin");
    if (!in)
        return NULL;
    gk_object *line = gk__call_method(in, "readline", NULL, 0);
    gk__decref(in);
    if (!line)
        return NULL;
    if (!gk__is_str(line)) {
        gk__decref(line);
        return gk__raise(&gk__exc_TypeError, "object.readline() returned non-string");
    }
    size_t size = gk__str_size(line);
    if (size == 0) {
        gk__decref(line);
        return gk__raise(&gk__exc_EOFError, "EOF when reading a line");
    }
    const char *s = gk__str_utf8(line);
    if (s[size - 1] != '\n')
        return line;
    gk_object *r = gk__str_from_utf8(s, size - 1);
    gk__decref(line);
    return r;
}

/* open(...): imports the io module (lib/io.py) and forwards to io.open. */
static gk_object *builtin_open(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    (void)self;
    gk_object *name = gk__str_from_cstr("io");
    gk_object *mod = name ? gk__import(name, NULL, NULL, 0) : NULL;
    gk__xdecref(name);
    gk_object *fn = mod ? gk__getattr_cstr(mod, "open") : NULL;
    gk__xdecref(mod);
    if (!fn)
        return NULL;
    gk_object *r = gk__call(fn, args, nargs, kwnames);
    gk__decref(fn);
    return r;
}

/* ------------------------------------------------------------------ */
/* Simple one-argument functions                                        */

static gk_object *builtin_len(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_one("len", nargs, kwnames) < 0)
        return NULL;
    intptr_t n = gk__len(args[0]);
    return n < 0 ? NULL : gk__int_from_i64(n);
}

static gk_object *builtin_repr(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return check_one("repr", nargs, kwnames) < 0 ? NULL : gk__repr(args[0]);
}

static gk_object *builtin_ascii(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return check_one("ascii", nargs, kwnames) < 0 ? NULL : gk__ascii(args[0]);
}

static gk_object *builtin_abs(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return check_one("abs", nargs, kwnames) < 0 ? NULL : gk__abs(args[0]);
}

static gk_object *builtin_callable(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_one("callable", nargs, kwnames) < 0)
        return NULL;
    gk_type *t = GK_TYPE(args[0]);
    if (t->flags & GK_TPFLAG_HEAPTYPE)
        return gk__bool(gk__type_lookup_cstr(t, "__call__") != NULL);
    return gk__bool(t->call != NULL);
}

static gk_object *builtin_id(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_one("id", nargs, kwnames) < 0)
        return NULL;
    return gk__int_from_u64((uint64_t)(uintptr_t)args[0]);
}

static gk_object *builtin_hash(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_one("hash", nargs, kwnames) < 0)
        return NULL;
    int64_t h = gk__hash(args[0]);
    return h == -1 ? NULL : gk__int_from_i64(h);
}

static gk_object *to_base(const char *name, gk_object *const *args, size_t nargs, gk_object *kwnames, int base)
{
    if (check_one(name, nargs, kwnames) < 0)
        return NULL;
    gk_object *v = gk__number_index(args[0]);
    if (!v)
        return NULL;
    gk_object *r = gk__int_to_base(v, base, true);
    gk__decref(v);
    return r;
}

static gk_object *builtin_hex(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return to_base("hex", args, nargs, kwnames, 16);
}

static gk_object *builtin_oct(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return to_base("oct", args, nargs, kwnames, 8);
}

static gk_object *builtin_bin(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return to_base("bin", args, nargs, kwnames, 2);
}

static gk_object *builtin_chr(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_one("chr", nargs, kwnames) < 0)
        return NULL;
    gk_object *v = gk__number_index(args[0]);
    if (!v)
        return NULL;
    int64_t cp = gk__int_as_i64(v);
    gk__decref(v);
    if (cp == -1 && gk__err_occurred()) {
        if (!gk__err_matches(&gk__exc_OverflowError))
            return NULL;
        gk__err_clear();
        return gk__raise(&gk__exc_OverflowError, "Python int too large to convert to C int");
    }
    if (cp < 0 || cp > 0x10FFFF)
        return gk__raise(&gk__exc_ValueError, "chr() arg not in range(0x110000)");
    return gk__str_from_codepoint((uint32_t)cp);
}

static uint32_t decode_utf8_char(const unsigned char *s)
{
    if (s[0] < 0x80)
        return s[0];
    if (s[0] < 0xE0)
        return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    if (s[0] < 0xF0)
        return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
           ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

static gk_object *builtin_ord(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_one("ord", nargs, kwnames) < 0)
        return NULL;
    gk_object *c = args[0];
    if (gk__is_str(c)) {
        size_t n = gk__str_len(c);
        if (n != 1)
            return gk__raise(&gk__exc_TypeError, "ord() expected a character, but string of length %zu found", n);
        return gk__int_from_i64(decode_utf8_char((const unsigned char *)gk__str_utf8(c)));
    }
    if (gk__is_bytes(c) || GK_TYPE(c) == &gk__bytearray_type) {
        size_t n = gk__bytes_size(c);
        if (n != 1)
            return gk__raise(&gk__exc_TypeError, "ord() expected a character, but string of length %zu found", n);
        return gk__int_from_i64(gk__bytes_data(c)[0]);
    }
    return gk__raise(&gk__exc_TypeError, "ord() expected string of length 1, but %s found", GK_TYPE_NAME(c));
}

/* ------------------------------------------------------------------ */
/* Iteration: min, max, sum, sorted, any, all, iter, next               */

static gk_object *min_max(const char *name, gk_object *const *args, size_t nargs, gk_object *kwnames, int op)
{
    static const char *const names[] = { "key", "default" };
    gk_object *kw[2];
    if (nargs == 0)
        return gk__raise(&gk__exc_TypeError, "%s expected at least 1 argument, got 0", name);
    if (nkw(kwnames) > 2)
        return gk__raise(&gk__exc_TypeError, "%s() takes at most 2 keyword arguments (%zu given)", name, nkw(kwnames));
    if (take_keywords(name, args, nargs, kwnames, names, 2, kw) < 0)
        return NULL;
    if (kw[1] && nargs > 1)
        return gk__raise(&gk__exc_TypeError,
                         "Cannot specify a default for %s() with multiple positional arguments", name);
    gk_object *key = kw[0] == GK_NONE ? NULL : kw[0];
    gk_object *seq = nargs == 1 ? args[0] : NULL;
    gk_object *it = seq ? gk__iter(seq) : NULL, *tuple = NULL;
    if (!seq) {
        if (!(tuple = gk__tuple_from_array(args, nargs)))
            return NULL;
        it = gk__iter(tuple);
        gk__decref(tuple);
    }
    if (!it)
        return NULL;
    gk_object *best = NULL, *bestkey = NULL, *item;
    while ((item = gk__iternext(it))) {
        gk_object *k = key ? gk__call1(key, item) : gk__incref(item);
        if (!k) {
            gk__decref(item);
            goto fail;
        }
        int better = best ? gk__richcompare_bool(k, bestkey, op) : 1;
        if (better < 0) {
            gk__decref(item);
            gk__decref(k);
            goto fail;
        }
        if (better) {
            GK_SETREF(best, item);
            GK_SETREF(bestkey, k);
        } else {
            gk__decref(item);
            gk__decref(k);
        }
    }
    if (gk__err_occurred())
        goto fail;
    gk__decref(it);
    gk__xdecref(bestkey);
    if (best)
        return best;
    if (kw[1])
        return gk__incref(kw[1]);
    return gk__raise(&gk__exc_ValueError, "%s() arg is an empty sequence", name);
fail:
    gk__decref(it);
    gk__xdecref(best);
    gk__xdecref(bestkey);
    return NULL;
}

static gk_object *builtin_min(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return min_max("min", args, nargs, kwnames, GK_LT);
}

static gk_object *builtin_max(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return min_max("max", args, nargs, kwnames, GK_GT);
}

/* acc + item with a fast path for two small ints. */
static gk_object *add_fast(gk_object *acc, gk_object *item)
{
    if (GK_TYPE(acc) == &gk__int_type && GK_TYPE(item) == &gk__int_type &&
        gk__int_is_small(acc) && gk__int_is_small(item)) {
        int64_t r;
        if (!__builtin_add_overflow(gk__int_small_value(acc), gk__int_small_value(item), &r))
            return gk__int_from_i64(r);
    }
    return gk__binop(acc, item, GK_BINOP_ADD);
}

static gk_object *builtin_sum(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "iterable", "start" };
    gk_object *a[2];
    if (gk__parse_args("sum", args, nargs, kwnames, names, 1, 2, a) < 0)
        return NULL;
    gk_object *start = a[1];
    if (start && gk__is_str(start))
        return gk__raise(&gk__exc_TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
    if (start && gk__is_bytes(start))
        return gk__raise(&gk__exc_TypeError, "sum() can't sum bytes [use b''.join(seq) instead]");
    if (start && GK_TYPE(start) == &gk__bytearray_type)
        return gk__raise(&gk__exc_TypeError, "sum() can't sum bytearray [use b''.join(seq) instead]");
    gk_object *it = gk__iter(a[0]);
    if (!it)
        return NULL;
    gk_object *acc = start ? gk__incref(start) : gk__int_from_i64(0), *item;
    while (acc && (item = gk__iternext(it))) {
        gk_object *r = add_fast(acc, item);
        gk__decref(item);
        GK_SETREF(acc, r);
    }
    gk__decref(it);
    if (acc && gk__err_occurred())
        GK_CLEAR(acc);
    return acc;
}

static gk_object *builtin_sorted(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "key", "reverse" };
    gk_object *kw[2];
    if (nargs != 1)
        return gk__raise(&gk__exc_TypeError, "sorted expected 1 argument, got %zu", nargs);
    if (take_keywords("sort", args, nargs, kwnames, names, 2, kw) < 0)
        return NULL;
    int reverse = kw[1] ? gk__truthy(kw[1]) : 0;
    if (reverse < 0)
        return NULL;
    gk_object *l = gk__sequence_list(args[0]);
    if (!l)
        return NULL;
    if (gk__list_sort(l, kw[0] == GK_NONE ? NULL : kw[0], reverse) < 0) {
        gk__decref(l);
        return NULL;
    }
    return l;
}

static gk_object *any_all(const char *name, gk_object *const *args, size_t nargs, gk_object *kwnames, bool any)
{
    if (check_one(name, nargs, kwnames) < 0)
        return NULL;
    gk_object *it = gk__iter(args[0]), *item;
    if (!it)
        return NULL;
    while ((item = gk__iternext(it))) {
        int t = gk__truthy(item);
        gk__decref(item);
        if (t < 0)
            break;
        if (t == any) {
            gk__decref(it);
            return gk__bool(any);
        }
    }
    gk__decref(it);
    if (gk__err_occurred())
        return NULL;
    return gk__bool(!any);
}

static gk_object *builtin_any(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return any_all("any", args, nargs, kwnames, true);
}

static gk_object *builtin_all(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return any_all("all", args, nargs, kwnames, false);
}

static bool is_callable(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    if (t->flags & GK_TPFLAG_HEAPTYPE)
        return gk__type_lookup_cstr(t, "__call__") != NULL;
    return t->call != NULL;
}

static gk_object *builtin_iter(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("iter", nargs, kwnames, 1, 2) < 0)
        return NULL;
    if (nargs == 1)
        return gk__iter(args[0]);
    if (!is_callable(args[0]))
        return gk__raise(&gk__exc_TypeError, "iter(v, w): v must be callable");
    return gk__callable_iter_new(args[0], args[1]);
}

static gk_object *builtin_next(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("next", nargs, kwnames, 1, 2) < 0)
        return NULL;
    gk_type *t = GK_TYPE(args[0]);
    bool has_next = (t->flags & GK_TPFLAG_HEAPTYPE) ? gk__type_lookup_cstr(t, "__next__") != NULL
                                                    : t->iternext != NULL;
    if (!has_next || !t->iternext)
        return gk__raise(&gk__exc_TypeError, "'%s' object is not an iterator", gk__type_name(t));
    gk_object *r = t->iternext(args[0]);
    if (r)
        return r;
    if (gk__err_occurred()) {
        if (nargs < 2 || !gk__err_matches(&gk__exc_StopIteration))
            return NULL;
        gk__err_clear();
    }
    if (nargs == 2)
        return gk__incref(args[1]);
    return gk__raise_stop_iteration(NULL);
}

/* ------------------------------------------------------------------ */
/* Types and attributes                                                 */

static gk_object *builtin_isinstance(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("isinstance", nargs, kwnames, 2, 2) < 0)
        return NULL;
    int r = gk__isinstance(args[0], args[1]);
    return r < 0 ? NULL : gk__bool(r);
}

static gk_object *builtin_issubclass(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("issubclass", nargs, kwnames, 2, 2) < 0)
        return NULL;
    int r = gk__issubclass(args[0], args[1]);
    return r < 0 ? NULL : gk__bool(r);
}

static int check_attr_name(gk_object *name)
{
    if (!gk__is_str(name)) {
        gk__raise(&gk__exc_TypeError, "attribute name must be string, not '%s'", GK_TYPE_NAME(name));
        return -1;
    }
    return 0;
}

static gk_object *builtin_hasattr(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("hasattr", nargs, kwnames, 2, 2) < 0 || check_attr_name(args[1]) < 0)
        return NULL;
    int r = gk__hasattr(args[0], args[1]);
    return r < 0 ? NULL : gk__bool(r);
}

static gk_object *builtin_getattr(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("getattr", nargs, kwnames, 2, 3) < 0 || check_attr_name(args[1]) < 0)
        return NULL;
    if (nargs == 2)
        return gk__getattr(args[0], args[1]);
    gk_object *r = gk__getattr(args[0], args[1]);
    if (r || !gk__err_matches(&gk__exc_AttributeError))
        return r;
    gk__err_clear();
    return gk__incref(args[2]);
}

static gk_object *builtin_setattr(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("setattr", nargs, kwnames, 3, 3) < 0 || check_attr_name(args[1]) < 0)
        return NULL;
    return gk__setattr(args[0], args[1], args[2]) < 0 ? NULL : gk__none_ref();
}

static gk_object *builtin_delattr(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("delattr", nargs, kwnames, 2, 2) < 0 || check_attr_name(args[1]) < 0)
        return NULL;
    return gk__setattr(args[0], args[1], NULL) < 0 ? NULL : gk__none_ref();
}

static gk_object *builtin_vars(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("vars", nargs, kwnames, 0, 1) < 0)
        return NULL;
    if (nargs == 0)
        return gk__frame_locals();
    gk_object *d = gk__getattr_opt(args[0], gk__str_intern("__dict__"));
    if (!d && !gk__err_occurred())
        return gk__raise(&gk__exc_TypeError, "vars() argument must have __dict__ attribute");
    return d;
}

static int add_keys(gk_object *set, gk_object *d)
{
    size_t pos = 0;
    gk_object *k, *v;
    if (!d || !gk__is_dict(d))
        return 0;
    while (gk__dict_next(d, &pos, &k, &v))
        if (gk__dict_set(set, k, GK_NONE) < 0)
            return -1;
    return 0;
}

/* The names dir(o) lists when o has no __dir__: its dict, its class's MRO. */
static gk_object *default_dir(gk_object *o)
{
    gk_object *set = gk__dict_new();
    if (!set)
        return NULL;
    gk_object **dp = gk__object_dictptr(o);
    if (gk__is_module(o))
        dp = NULL;
    if ((gk__is_module(o) && add_keys(set, gk__module_dict(o)) < 0) || (dp && add_keys(set, *dp) < 0))
        goto fail;
    gk_object *mro = gk__is_type(o) ? ((gk_type *)o)->mro : GK_TYPE(o)->mro;
    if (!gk__is_module(o) && mro) {
        for (size_t i = 0; i < gk__tuple_size(mro); i++)
            if (add_keys(set, ((gk_type *)GK_TUPLE_GET(mro, i))->dict) < 0)
                goto fail;
    }
    gk_object *keys = gk__dict_keys_list(set);
    gk__decref(set);
    return keys;
fail:
    gk__decref(set);
    return NULL;
}

static gk_object *builtin_dir(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("dir", nargs, kwnames, 0, 1) < 0)
        return NULL;
    gk_object *names;
    if (nargs == 0) {
        gk_object *loc = gk__frame_locals();
        names = loc ? gk__dict_keys_list(loc) : gk__list_new(0);
        gk__xdecref(loc);
    } else if ((GK_TYPE(args[0])->flags & GK_TPFLAG_HEAPTYPE) && gk__type_lookup_cstr(GK_TYPE(args[0]), "__dir__")) {
        gk_object *r = gk__call_special(args[0], "__dir__", NULL, 0);
        names = r ? gk__sequence_list(r) : NULL;
        gk__xdecref(r);
    } else {
        names = default_dir(args[0]);
    }
    if (names && gk__list_sort(names, NULL, false) < 0)
        GK_CLEAR(names);
    return names;
}

static gk_object *builtin_globals(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("globals", nargs, kwnames, 0, 0) < 0)
        return NULL;
    gk_object *g = gk__frame_globals();
    return g ? gk__incref(g) : gk__raise(&gk__exc_SystemError, "globals(): no current frame");
}

static gk_object *builtin_locals(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("locals", nargs, kwnames, 0, 0) < 0)
        return NULL;
    gk_object *l = gk__frame_locals();
    if (!l && !gk__err_occurred())
        return gk__raise(&gk__exc_SystemError, "locals(): no current frame");
    return l;
}

/* ------------------------------------------------------------------ */
/* Numbers: divmod, pow, round, format                                  */

static gk_object *builtin_divmod(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("divmod", nargs, kwnames, 2, 2) < 0)
        return NULL;
    return gk__divmod(args[0], args[1]);
}

static gk_object *builtin_pow(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "base", "exp", "mod" };
    gk_object *a[3];
    if (gk__parse_args("pow", args, nargs, kwnames, names, 2, 3, a) < 0)
        return NULL;
    if (!a[2] || a[2] == GK_NONE)
        return gk__binop(a[0], a[1], GK_BINOP_POW);
    return gk__pow3(a[0], a[1], a[2]);
}

/* round() for a float when float has no __round__ method. */
static gk_object *round_float(double x, gk_object *ndigits)
{
    if (!ndigits || ndigits == GK_NONE) {
        double r = nearbyint(x);   /* default rounding mode: half to even */
        return gk__int_from_double(r);
    }
    int64_t nd = gk__int_as_i64(ndigits);
    if (nd == -1 && gk__err_occurred())
        return NULL;
    if (!isfinite(x) || nd > 308)
        return gk__float_new(x);
    if (nd >= 0) {
        char buf[512];
        snprintf(buf, sizeof buf, "%.*f", (int)nd, x);
        return gk__float_new(strtod(buf, NULL));
    }
    if (nd < -308)
        return gk__float_new(0.0 * x);
    double p = pow(10.0, (double)-nd);
    double r = nearbyint(x / p) * p;
    return gk__float_new(r);
}

static gk_object *builtin_round(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "number", "ndigits" };
    gk_object *a[2];
    if (gk__parse_args("round", args, nargs, kwnames, names, 1, 2, a) < 0)
        return NULL;
    gk_type *t = GK_TYPE(a[0]);
    if (gk__type_lookup_cstr(t, "__round__")) {
        bool have = a[1] && a[1] != GK_NONE;
        return gk__call_special(a[0], "__round__", &a[1], have ? 1 : 0);
    }
    if (GK_TYPE(a[0]) == &gk__float_type)
        return round_float(gk__float_value(a[0]), a[1]);
    if (gk__is_int(a[0]) && (!a[1] || a[1] == GK_NONE))
        return gk__number_int(a[0]);
    return gk__raise(&gk__exc_TypeError, "type %s doesn't define __round__ method", gk__type_name(t));
}

static gk_object *builtin_format(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "value", "format_spec" };
    gk_object *a[2];
    if (gk__parse_args("format", args, nargs, kwnames, names, 1, 2, a) < 0)
        return NULL;
    if (a[1] && !gk__is_str(a[1]))
        return gk__raise(&gk__exc_TypeError, "format() argument 2 must be str, not %s", GK_TYPE_NAME(a[1]));
    return gk__format(a[0], a[1]);
}

/* ------------------------------------------------------------------ */
/* Program control and imports                                          */

static gk_object *builtin_exit(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (check_n("exit", nargs, kwnames, 0, 1) < 0)
        return NULL;
    /* Like CPython's Quitter: exit() raises SystemExit(None). */
    gk_object *t = nargs ? gk__tuple_from_array(args, nargs) : gk__tuple_pack(1, GK_NONE);
    if (!t)
        return NULL;
    gk_object *exc = gk__exc_new(&gk__exc_SystemExit, t);
    gk__decref(t);
    if (exc) {
        gk__raise_obj(exc);
        gk__decref(exc);
    }
    return NULL;
}

static gk_object *builtin_import(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "name", "globals", "locals", "fromlist", "level" };
    gk_object *a[5];
    if (gk__parse_args("__import__", args, nargs, kwnames, names, 1, 5, a) < 0)
        return NULL;
    int64_t level = 0;
    if (a[4]) {
        level = gk__int_as_i64(a[4]);
        if (level == -1 && gk__err_occurred())
            return NULL;
    }
    gk_object *globals = a[1] && a[1] != GK_NONE ? a[1] : NULL;
    return gk__import(a[0], globals, a[3], (int)level);
}

/* exec/eval: compiles source (a str or a code object) and runs it in
 * globals/locals (the caller's when not given).  mode 0 exec, 2 eval. */
static gk_object *run_source(const char *name, gk_object *const *args, size_t nargs, gk_object *kwnames, int mode)
{
    static const char *const names[] = { "source", "globals", "locals" };
    gk_object *a[3], *code = NULL, *globals = NULL, *locals = NULL, *r = NULL;
    if (gk__parse_args(name, args, nargs, kwnames, names, 1, 3, a) < 0)
        return NULL;
    if (a[1] && a[1] != GK_NONE) {
        if (!gk__is_dict(a[1]))
            return gk__raise(&gk__exc_TypeError, "%s() globals must be a dict, not %s", name, GK_TYPE_NAME(a[1]));
        globals = gk__incref(a[1]);
        locals = gk__incref(a[2] && a[2] != GK_NONE ? a[2] : a[1]);
    } else {
        gk_object *g = gk__frame_globals();
        if (!g)
            return gk__raise(&gk__exc_SystemError, "%s(): no current frame", name);
        globals = gk__incref(g);
        locals = a[2] && a[2] != GK_NONE ? gk__incref(a[2]) : gk__frame_locals();
        if (!locals)
            goto done;
    }
    if (!gk__dict_get_cstr(globals, "__builtins__") &&
        gk__dict_set_cstr(globals, "__builtins__", gk__rt->builtins_module) < 0)
        goto done;
    if (GK_TYPE(a[0]) == &gk__code_type) {
        code = gk__incref(a[0]);
    } else if (gk__is_str(a[0])) {
        gk_object *fname = gk__str_from_cstr("<string>");
        if (!fname)
            goto done;
        code = gk__compile_source(gk__str_utf8(a[0]), gk__str_size(a[0]), fname, mode);
        gk__decref(fname);
        if (!code)
            goto done;
    } else {
        gk__raise(&gk__exc_TypeError, "%s() arg 1 must be a string, bytes or code object", name);
        goto done;
    }
    r = gk__eval_code(code, globals, locals);
    if (r && mode == 0)
        GK_SETREF(r, gk__none_ref());
done:
    gk__xdecref(code);
    gk__xdecref(globals);
    gk__xdecref(locals);
    return r;
}

static gk_object *builtin_exec(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return run_source("exec", args, nargs, kwnames, 0);
}

static gk_object *builtin_eval(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return run_source("eval", args, nargs, kwnames, 2);
}

static gk_object *builtin_compile(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = { "source", "filename", "mode", "flags", "dont_inherit", "optimize" };
    gk_object *a[6];
    if (gk__parse_args("compile", args, nargs, kwnames, names, 3, 6, a) < 0)
        return NULL;
    if (!gk__is_str(a[0]))
        return gk__raise(&gk__exc_TypeError, "compile() arg 1 must be a string, bytes or AST object");
    if (!gk__is_str(a[1]))
        return gk__raise(&gk__exc_TypeError, "compile() argument 'filename' must be str, not %s",
                         GK_TYPE_NAME(a[1]));
    int mode = !gk__is_str(a[2]) ? -1 : gk__str_eq_cstr(a[2], "exec") ? 0 : gk__str_eq_cstr(a[2], "single") ? 1
             : gk__str_eq_cstr(a[2], "eval") ? 2 : -1;
    if (mode < 0)
        return gk__raise(&gk__exc_ValueError, "compile() mode must be 'exec', 'eval' or 'single'");
    return gk__compile_source(gk__str_utf8(a[0]), gk__str_size(a[0]), a[1], mode);
}

static const gk__methoddef builtin_methods[] = {
    { "compile", builtin_compile, GK_METH_DEFAULT, "Compile source into a code object." },
    { "exec", builtin_exec, GK_METH_DEFAULT, "Run source or a code object in globals/locals." },
    { "eval", builtin_eval, GK_METH_DEFAULT, "Evaluate an expression in globals/locals." },
    { "print", builtin_print, GK_METH_DEFAULT, "print(*values, sep=' ', end='\\n', file=None, flush=False)" },
    { "input", builtin_input, GK_METH_DEFAULT, "Read a line from standard input." },
    { "open", builtin_open, GK_METH_DEFAULT, "Open a file (io.open)." },
    { "len", builtin_len, GK_METH_DEFAULT, "Return the number of items in a container." },
    { "repr", builtin_repr, GK_METH_DEFAULT, NULL },
    { "ascii", builtin_ascii, GK_METH_DEFAULT, NULL },
    { "abs", builtin_abs, GK_METH_DEFAULT, NULL },
    { "min", builtin_min, GK_METH_DEFAULT, NULL },
    { "max", builtin_max, GK_METH_DEFAULT, NULL },
    { "sum", builtin_sum, GK_METH_DEFAULT, NULL },
    { "sorted", builtin_sorted, GK_METH_DEFAULT, NULL },
    { "any", builtin_any, GK_METH_DEFAULT, NULL },
    { "all", builtin_all, GK_METH_DEFAULT, NULL },
    { "iter", builtin_iter, GK_METH_DEFAULT, NULL },
    { "next", builtin_next, GK_METH_DEFAULT, NULL },
    { "isinstance", builtin_isinstance, GK_METH_DEFAULT, NULL },
    { "issubclass", builtin_issubclass, GK_METH_DEFAULT, NULL },
    { "hasattr", builtin_hasattr, GK_METH_DEFAULT, NULL },
    { "getattr", builtin_getattr, GK_METH_DEFAULT, NULL },
    { "setattr", builtin_setattr, GK_METH_DEFAULT, NULL },
    { "delattr", builtin_delattr, GK_METH_DEFAULT, NULL },
    { "callable", builtin_callable, GK_METH_DEFAULT, NULL },
    { "id", builtin_id, GK_METH_DEFAULT, NULL },
    { "hash", builtin_hash, GK_METH_DEFAULT, NULL },
    { "divmod", builtin_divmod, GK_METH_DEFAULT, NULL },
    { "pow", builtin_pow, GK_METH_DEFAULT, NULL },
    { "round", builtin_round, GK_METH_DEFAULT, NULL },
    { "hex", builtin_hex, GK_METH_DEFAULT, NULL },
    { "oct", builtin_oct, GK_METH_DEFAULT, NULL },
    { "bin", builtin_bin, GK_METH_DEFAULT, NULL },
    { "chr", builtin_chr, GK_METH_DEFAULT, NULL },
    { "ord", builtin_ord, GK_METH_DEFAULT, NULL },
    { "format", builtin_format, GK_METH_DEFAULT, NULL },
    { "vars", builtin_vars, GK_METH_DEFAULT, NULL },
    { "dir", builtin_dir, GK_METH_DEFAULT, NULL },
    { "globals", builtin_globals, GK_METH_DEFAULT, NULL },
    { "locals", builtin_locals, GK_METH_DEFAULT, NULL },
    { "exit", builtin_exit, GK_METH_DEFAULT, NULL },
    { "quit", builtin_exit, GK_METH_DEFAULT, NULL },
    { "__import__", builtin_import, GK_METH_DEFAULT, NULL },
    { "__build_class__", gk__build_class, GK_METH_DEFAULT, NULL },
    { NULL, NULL, 0, NULL },
};

/* ------------------------------------------------------------------ */
/* The module                                                           */

static int add_names(gk_object *d)
{
    static const struct { const char *name; gk_object *obj; } objs[] = {
#define T(c) { #c, (gk_object *)&gk__##c##_type },
        T(object) T(type) T(int) T(bool) T(float) T(str) T(bytes) T(bytearray) T(tuple) T(list)
        T(dict) T(set) T(frozenset) T(range) T(slice) T(enumerate) T(zip) T(map) T(filter)
        T(reversed) T(property) T(staticmethod) T(classmethod) T(super)
#undef T
#define X(c, base) { #c, (gk_object *)&gk__exc_##c },
        GK_EXCEPTION_TYPES(X)
#undef X
        { "EnvironmentError", (gk_object *)&gk__exc_OSError },
        { "IOError", (gk_object *)&gk__exc_OSError },
        { "NotImplemented", GK_NOTIMPLEMENTED },
        { "Ellipsis", GK_ELLIPSIS },
        { "None", GK_NONE },
    };
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
        if (gk__dict_set_cstr(d, objs[i].name, objs[i].obj) < 0)
            return -1;
    if (gk__dict_set_cstr(d, "True", GK_TRUE) < 0 || gk__dict_set_cstr(d, "False", GK_FALSE) < 0 ||
        gk__dict_set_cstr(d, "__debug__", GK_TRUE) < 0)
        return -1;
    return 0;
}

/* Creates the builtins module. */
gk_object *gk__builtins_module_new(void)
{
    gk_object *m = gk__module_new(gk__str_intern("builtins"));
    if (!m)
        return NULL;
    if (gk__module_add_functions(m, builtin_methods) < 0 || add_names(gk__module_dict(m)) < 0) {
        gk__decref(m);
        return NULL;
    }
    return m;
}
