/*
 * vm/objects/bytes.c - bytes (immutable; the bytes live right after the
 * type's fixed part), bytearray (mutable; a malloc'd buffer) and the
 * iterator shared by both.  Most methods are written once over the raw
 * bytes of `self` and build their result with the same kind as self.
 * Codecs live in str.c (gk__str_decode / gk__str_encode); % in format.c.
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include "objects.h"

typedef struct gk_bytes {
    GK_HEAD;
    int64_t hash;             /* -1 until computed */
    size_t size;
    unsigned char *data;      /* NUL-terminated, inline after the fixed part */
} gk_bytes;

typedef struct gk_bytearray {
    GK_HEAD;
    size_t size, cap;
    unsigned char *data;      /* malloc'd (cap + 1 bytes) or NULL when cap is 0 */
} gk_bytearray;

typedef struct {
    GK_HEAD;
    gk_object *seq;           /* NULL once exhausted */
    size_t index;
} bytes_iter;

#define B(o) ((gk_bytes *)(o))
#define BA(o) ((gk_bytearray *)(o))
#define METH(fn) static gk_object *fn(gk_object *self, gk_object *const *args, size_t nargs, \
                                      gk_object *kwnames)

static bool is_bytearray(gk_object *o)
{
    return GK_TYPE(o) == &gk__bytearray_type || gk__type_is_subtype(GK_TYPE(o), &gk__bytearray_type);
}

static bool is_byteslike(gk_object *o) { return gk__is_bytes(o) || is_bytearray(o); }

static const unsigned char empty_data[1] = {0};

/* Borrowed bytes of a bytes or bytearray. */
const unsigned char *gk__bytes_data(gk_object *b)
{
    if (is_bytearray(b))
        return BA(b)->data ? BA(b)->data : empty_data;
    return B(b)->data;
}

/* Size of a bytes or bytearray. */
size_t gk__bytes_size(gk_object *b)
{
    return is_bytearray(b) ? BA(b)->size : B(b)->size;
}

static size_t round8(size_t x) { return (x + 7) & ~(size_t)7; }

static gk_object *bytes_alloc(gk_type *type, size_t size)
{
    size_t base = round8(type->basicsize);
    if (size > SIZE_MAX / 2)
        return gk__raise_nomemory();
    gk_object *o = (type->flags & GK_TPFLAG_GC) ? gk__gc_new(type, base + size + 1)
                                                : gk__obj_new(type, base + size + 1);
    if (!o)
        return NULL;
    B(o)->hash = -1;
    B(o)->size = size;
    B(o)->data = (unsigned char *)o + base;
    B(o)->data[size] = 0;
    return o;
}

/* Returns bytes copying size bytes of data. */
gk_object *gk__bytes_new(const void *data, size_t size)
{
    gk_object *o = bytes_alloc(&gk__bytes_type, size);
    if (o && size)
        memcpy(B(o)->data, data, size);
    return o;
}

static int ba_reserve(gk_object *o, size_t need)
{
    gk_bytearray *b = BA(o);
    if (need <= b->cap && b->data)
        return 0;
    size_t cap = b->cap < 16 ? 16 : b->cap;
    while (cap < need)
        cap += cap / 2 + 8;
    unsigned char *d = realloc(b->data, cap + 1);
    if (!d) {
        gk__raise_nomemory();
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

static gk_object *bytearray_alloc(gk_type *type, const void *data, size_t size)
{
    gk_object *o = (type->flags & GK_TPFLAG_GC) ? gk__gc_new(type, round8(type->basicsize))
                                                : gk__obj_new(type, round8(type->basicsize));
    if (!o)
        return NULL;
    if (size) {
        if (ba_reserve(o, size) < 0) {
            gk__decref(o);
            return NULL;
        }
        memcpy(BA(o)->data, data, size);
        BA(o)->size = size;
        BA(o)->data[size] = 0;
    }
    return o;
}

/* Returns a bytearray copying size bytes of data. */
gk_object *gk__bytearray_new(const void *data, size_t size)
{
    return bytearray_alloc(&gk__bytearray_type, data, size);
}

/* A result of the same kind (bytes or bytearray) as self. */
static gk_object *bmake(gk_object *self, const void *p, size_t n)
{
    return is_bytearray(self) ? gk__bytearray_new(p, n) : gk__bytes_new(p, n);
}

static gk_object *bmake_buf(gk_object *self, gk__strbuf *b)
{
    gk_object *r = bmake(self, b->data ? b->data : "", b->size);
    gk__strbuf_free(b);
    return r;
}

static void bytes_dealloc(gk_object *o) { gk__free(o); }

static void bytearray_dealloc(gk_object *o)
{
    free(BA(o)->data);
    BA(o)->data = NULL;
    gk__free(o);
}

/* Gets the raw bytes of a bytes-like argument; TypeError otherwise. */
static int buffer_arg(gk_object *o, const unsigned char **p, size_t *n)
{
    if (!is_byteslike(o)) {
        gk__raise(&gk__exc_TypeError, "a bytes-like object is required, not '%s'", GK_TYPE_NAME(o));
        return -1;
    }
    *p = gk__bytes_data(o);
    *n = gk__bytes_size(o);
    return 0;
}

/* ------------------------------------------------------------------ */
/* repr, hash, compare                                                 */

static int bytes_repr_into(gk__strbuf *b, const unsigned char *p, size_t n)
{
    bool sq = memchr(p, '\'', n) != NULL, dq = memchr(p, '"', n) != NULL;
    char quote = (sq && !dq) ? '"' : '\'';
    if (gk__strbuf_append(b, "b", 1) < 0 || gk__strbuf_append(b, &quote, 1) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        int rc;
        if (c == (unsigned char)quote || c == '\\') {
            char e[2] = {'\\', (char)c};
            rc = gk__strbuf_append(b, e, 2);
        } else if (c == '\t') rc = gk__strbuf_append(b, "\\t", 2);
        else if (c == '\n') rc = gk__strbuf_append(b, "\\n", 2);
        else if (c == '\r') rc = gk__strbuf_append(b, "\\r", 2);
        else if (c < 0x20 || c >= 0x7F) rc = gk__strbuf_printf(b, "\\x%02x", c);
        else rc = gk__strbuf_append(b, (const char *)&c, 1);
        if (rc < 0)
            return -1;
    }
    return gk__strbuf_append(b, &quote, 1);
}

static gk_object *bytes_repr(gk_object *o)
{
    gk__strbuf b;
    gk__strbuf_init(&b);
    bool ba = is_bytearray(o);
    if ((ba && (gk__strbuf_append_cstr(&b, GK_TYPE_NAME(o)) < 0 || gk__strbuf_append(&b, "(", 1) < 0)) ||
        bytes_repr_into(&b, gk__bytes_data(o), gk__bytes_size(o)) < 0 ||
        (ba && gk__strbuf_append(&b, ")", 1) < 0)) {
        gk__strbuf_free(&b);
        return NULL;
    }
    return gk__strbuf_finish(&b);
}

static int64_t bytes_hash(gk_object *o)
{
    gk_bytes *b = B(o);
    if (b->hash != -1)
        return b->hash;
    uint64_t h = 0x84222325cbf29ce4ULL;
    for (size_t i = 0; i < b->size; i++) {
        h ^= b->data[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 31;
    h *= 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
    int64_t r = (int64_t)(h >> 1);
    b->hash = r == -1 ? -2 : r;
    return b->hash;
}

static gk_object *bytes_richcompare(gk_object *a, gk_object *b, int op)
{
    if (!is_byteslike(a) || !is_byteslike(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    size_t na = gk__bytes_size(a), nb = gk__bytes_size(b);
    if ((op == GK_EQ || op == GK_NE) && na != nb)
        return gk__bool(op == GK_NE);
    size_t n = na < nb ? na : nb;
    int c = n ? memcmp(gk__bytes_data(a), gk__bytes_data(b), n) : 0;
    if (c == 0)
        c = na < nb ? -1 : na > nb;
    bool r;
    switch (op) {
    case GK_LT: r = c < 0; break;
    case GK_LE: r = c <= 0; break;
    case GK_EQ: r = c == 0; break;
    case GK_NE: r = c != 0; break;
    case GK_GT: r = c > 0; break;
    default: r = c >= 0; break;
    }
    return gk__bool(r);
}

/* ------------------------------------------------------------------ */
/* Sequence slots                                                      */

static intptr_t bytes_len(gk_object *o) { return (intptr_t)gk__bytes_size(o); }

static gk_object *bytes_getitem(gk_object *o, gk_object *key)
{
    const unsigned char *p = gk__bytes_data(o);
    intptr_t n = (intptr_t)gk__bytes_size(o);
    if (gk__is_slice(key)) {
        intptr_t start, stop, step, len;
        if (gk__slice_indices(key, n, &start, &stop, &step, &len) < 0)
            return NULL;
        if (step == 1)
            return bmake(o, p + start, len > 0 ? (size_t)len : 0);
        unsigned char *tmp = malloc(len > 0 ? (size_t)len : 1);
        if (!tmp)
            return gk__raise_nomemory();
        for (intptr_t i = 0, j = start; i < len; i++, j += step)
            tmp[i] = p[j];
        gk_object *r = bmake(o, tmp, len > 0 ? (size_t)len : 0);
        free(tmp);
        return r;
    }
    if (!gk__is_int(key) && !GK_TYPE(key)->nb_index)
        return gk__raise(&gk__exc_TypeError, "%s indices must be integers or slices, not %s",
                         is_bytearray(o) ? "bytearray" : "byte", GK_TYPE_NAME(key));
    intptr_t i;
    if (gk__index_to_ssize(key, &i) < 0)
        return NULL;
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return gk__raise(&gk__exc_IndexError, is_bytearray(o) ? "bytearray index out of range"
                                                                : "index out of range");
    return gk__int_from_i64(p[i]);
}

static int byte_value(gk_object *v, int *out)
{
    if (!gk__is_int(v) && !GK_TYPE(v)->nb_index) {
        gk__raise(&gk__exc_TypeError, "'%s' object cannot be interpreted as an integer", GK_TYPE_NAME(v));
        return -1;
    }
    intptr_t x;
    if (gk__index_to_ssize(v, &x) < 0) {
        gk__err_clear();
        x = -1;
    }
    if (x < 0 || x > 255) {
        gk__raise(&gk__exc_ValueError, "byte must be in range(0, 256)");
        return -1;
    }
    *out = (int)x;
    return 0;
}

static int bytes_contains(gk_object *o, gk_object *item)
{
    const unsigned char *p = gk__bytes_data(o);
    size_t n = gk__bytes_size(o);
    if (gk__is_int(item) || (GK_TYPE(item)->nb_index && !is_byteslike(item))) {
        int c;
        if (byte_value(item, &c) < 0)
            return -1;
        return n && memchr(p, c, n) != NULL;
    }
    const unsigned char *q;
    size_t m;
    if (buffer_arg(item, &q, &m) < 0)
        return -1;
    return m == 0 || memmem(p, n, q, m) != NULL;
}

static gk_object *bytes_add(gk_object *a, gk_object *b)
{
    if (!is_byteslike(a) || !is_byteslike(b)) {
        if (is_byteslike(a) && !((GK_TYPE(b)->flags & GK_TPFLAG_HEAPTYPE) &&
                                 gk__type_lookup_cstr(GK_TYPE(b), "__radd__")))
            return gk__raise(&gk__exc_TypeError, "can't concat %s to %s", GK_TYPE_NAME(b), GK_TYPE_NAME(a));
        return gk__incref(GK_NOTIMPLEMENTED);
    }
    size_t na = gk__bytes_size(a), nb = gk__bytes_size(b);
    gk__strbuf s;
    gk__strbuf_init(&s);
    if (gk__strbuf_append(&s, (const char *)gk__bytes_data(a), na) < 0 ||
        gk__strbuf_append(&s, (const char *)gk__bytes_data(b), nb) < 0) {
        gk__strbuf_free(&s);
        return NULL;
    }
    return bmake_buf(a, &s);
}

static gk_object *bytes_mul(gk_object *a, gk_object *b)
{
    gk_object *s = is_byteslike(a) ? a : b, *n = s == a ? b : a;
    if (!is_byteslike(s))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (!gk__is_int(n) && !GK_TYPE(n)->nb_index) {
        if ((GK_TYPE(n)->flags & GK_TPFLAG_HEAPTYPE) && gk__type_lookup_cstr(GK_TYPE(n), "__rmul__"))
            return gk__incref(GK_NOTIMPLEMENTED);
        return gk__raise(&gk__exc_TypeError, "can't multiply sequence by non-int of type '%s'", GK_TYPE_NAME(n));
    }
    intptr_t k;
    if (gk__index_to_ssize(n, &k) < 0)
        return NULL;
    size_t sz = gk__bytes_size(s);
    if (k < 0)
        k = 0;
    if (sz && (size_t)k > (SIZE_MAX / 4) / sz)
        return gk__raise_nomemory();
    gk__strbuf buf;
    gk__strbuf_init(&buf);
    for (intptr_t i = 0; i < k; i++)
        if (gk__strbuf_append(&buf, (const char *)gk__bytes_data(s), sz) < 0) {
            gk__strbuf_free(&buf);
            return NULL;
        }
    return bmake_buf(s, &buf);
}

static gk_object *bytes_mod(gk_object *a, gk_object *b)
{
    if (!is_byteslike(a))
        return gk__incref(GK_NOTIMPLEMENTED);
    gk_object *r = gk__bytes_percent(a, b);
    if (r && is_bytearray(a)) {
        gk_object *ba = gk__bytearray_new(B(r)->data, B(r)->size);
        gk__decref(r);
        r = ba;
    }
    return r;
}

/* ------------------------------------------------------------------ */
/* Iterator                                                            */

static gk_object *bytes_iter_new(gk_object *o)
{
    bytes_iter *it = (bytes_iter *)gk__obj_new(&gk__bytes_iter_type, sizeof(bytes_iter));
    if (!it)
        return NULL;
    it->seq = gk__incref(o);
    it->index = 0;
    return (gk_object *)it;
}

static void biter_dealloc(gk_object *o)
{
    GK_CLEAR(((bytes_iter *)o)->seq);
    gk__obj_free(o);
}

static gk_object *biter_next(gk_object *o)
{
    bytes_iter *it = (bytes_iter *)o;
    if (!it->seq)
        return NULL;
    if (it->index >= gk__bytes_size(it->seq)) {
        GK_CLEAR(it->seq);
        return NULL;
    }
    return gk__int_from_i64(gk__bytes_data(it->seq)[it->index++]);
}


METH(biter_length_hint)
{
    bytes_iter *it = (bytes_iter *)self;
    size_t n = it->seq ? gk__bytes_size(it->seq) : 0;
    return gk__int_from_u64(n > it->index ? n - it->index : 0);
}

static const gk__methoddef biter_methods[] = {
    {"__length_hint__", biter_length_hint, 0, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__bytes_iter_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "bytes_iterator",
    .basicsize = sizeof(bytes_iter),
    .dealloc = biter_dealloc,
    .getattr = gk__object_generic_getattr,
    .iter = gk__iter_self,
    .iternext = biter_next,
    .methods = biter_methods,
};

/* ------------------------------------------------------------------ */
/* Method helpers                                                      */

static bool b_isspace(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }
static bool b_isdigit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool b_isalpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static bool b_isalnum(unsigned char c) { return b_isdigit(c) || b_isalpha(c); }
static bool b_islower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static bool b_isupper(unsigned char c) { return c >= 'A' && c <= 'Z'; }

/* A sub-argument: bytes-like or an int (a single byte). */
static int sub_arg(gk_object *o, const unsigned char **p, size_t *n, unsigned char *one)
{
    if (gk__is_int(o)) {
        int c;
        if (byte_value(o, &c) < 0)
            return -1;
        *one = (unsigned char)c;
        *p = one;
        *n = 1;
        return 0;
    }
    if (!is_byteslike(o)) {
        gk__raise(&gk__exc_TypeError, "argument should be integer or bytes-like object, not '%s'",
                  GK_TYPE_NAME(o));
        return -1;
    }
    return buffer_arg(o, p, n);
}

static int index_arg(gk_object *o, intptr_t *out)
{
    if (!o || o == GK_NONE)
        return 0;
    if (!gk__is_int(o) && !GK_TYPE(o)->nb_index) {
        gk__raise(&gk__exc_TypeError, "slice indices must be integers or None or have an __index__ method");
        return -1;
    }
    if (gk__index_to_ssize(o, out) < 0) {
        gk__err_clear();
        *out = gk__int_sign(o) < 0 ? -INTPTR_MAX : INTPTR_MAX;
    }
    return 0;
}

/* Resolves optional start/end against n; false when the range is empty-invalid. */
static int get_range(size_t n, gk_object *start, gk_object *end, size_t *a, size_t *b, bool *valid)
{
    intptr_t len = (intptr_t)n, s = 0, e = len;
    if (index_arg(start, &s) < 0 || index_arg(end, &e) < 0)
        return -1;
    if (s < 0) { s += len; if (s < 0) s = 0; }
    if (e < 0) { e += len; if (e < 0) e = 0; }
    if (e > len) e = len;
    *valid = s <= len && s <= e;
    *a = *valid ? (size_t)s : 0;
    *b = *valid ? (size_t)e : 0;
    return 0;
}

static const unsigned char *rmem(const unsigned char *h, size_t hn, const unsigned char *n, size_t nn)
{
    if (nn > hn)
        return NULL;
    for (size_t i = hn - nn + 1; i-- > 0;)
        if (memcmp(h + i, n, nn) == 0)
            return h + i;
    return NULL;
}

/* find/rfind/index/rindex/count core: returns index, -1 not found, -2 error; *count for count. */
static intptr_t bfind(const char *fn, gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames,
                      int mode, size_t *count)
{
    if (gk__check_args(fn, nargs, kwnames, 1, 3) < 0)
        return -2;
    const unsigned char *sub, *p = gk__bytes_data(self);
    size_t sn, a, b;
    unsigned char one;
    bool valid;
    if (sub_arg(args[0], &sub, &sn, &one) < 0 ||
        get_range(gk__bytes_size(self), nargs > 1 ? args[1] : NULL, nargs > 2 ? args[2] : NULL, &a, &b, &valid) < 0)
        return -2;
    if (mode == 2) {
        *count = 0;
        if (!valid)
            return 0;
        if (sn == 0) {
            *count = b - a + 1;
            return 0;
        }
        const unsigned char *h = p + a, *end = p + b, *q;
        while ((q = memmem(h, (size_t)(end - h), sub, sn))) {
            (*count)++;
            h = q + sn;
        }
        return 0;
    }
    if (!valid)
        return -1;
    if (sn == 0)
        return (intptr_t)(mode ? b : a);
    const unsigned char *q = mode ? rmem(p + a, b - a, sub, sn) : memmem(p + a, b - a, sub, sn);
    return q ? (intptr_t)(q - p) : -1;
}

METH(bytes_find)
{
    intptr_t i = bfind("find", self, args, nargs, kwnames, 0, NULL);
    return i == -2 ? NULL : gk__int_from_i64(i);
}

METH(bytes_rfind)
{
    intptr_t i = bfind("rfind", self, args, nargs, kwnames, 1, NULL);
    return i == -2 ? NULL : gk__int_from_i64(i);
}

METH(bytes_index)
{
    intptr_t i = bfind("index", self, args, nargs, kwnames, 0, NULL);
    if (i == -1)
        return gk__raise(&gk__exc_ValueError, "subsection not found");
    return i == -2 ? NULL : gk__int_from_i64(i);
}

METH(bytes_rindex)
{
    intptr_t i = bfind("rindex", self, args, nargs, kwnames, 1, NULL);
    if (i == -1)
        return gk__raise(&gk__exc_ValueError, "subsection not found");
    return i == -2 ? NULL : gk__int_from_i64(i);
}

METH(bytes_count)
{
    size_t n;
    if (bfind("count", self, args, nargs, kwnames, 2, &n) == -2)
        return NULL;
    return gk__int_from_u64(n);
}

METH(bytes_replace)
{
    if (gk__check_args("replace", nargs, kwnames, 2, 3) < 0)
        return NULL;
    const unsigned char *old, *new_, *p = gk__bytes_data(self);
    size_t on, nn, n = gk__bytes_size(self);
    intptr_t count = -1;
    if (buffer_arg(args[0], &old, &on) < 0 || buffer_arg(args[1], &new_, &nn) < 0 ||
        (nargs > 2 && gk__index_to_ssize(args[2], &count) < 0))
        return NULL;
    size_t max = count < 0 ? SIZE_MAX : (size_t)count, k = 0;
    gk__strbuf b;
    gk__strbuf_init(&b);
    int rc = 0;
    if (on == 0) {
        for (size_t i = 0; i <= n && rc == 0; i++) {
            if (k < max) {
                rc = gk__strbuf_append(&b, (const char *)new_, nn);
                k++;
            }
            if (i < n && rc == 0)
                rc = gk__strbuf_append(&b, (const char *)p + i, 1);
        }
    } else {
        const unsigned char *h = p, *end = p + n, *q;
        while (rc == 0 && k < max && (q = memmem(h, (size_t)(end - h), old, on))) {
            rc = gk__strbuf_append(&b, (const char *)h, (size_t)(q - h));
            if (rc == 0)
                rc = gk__strbuf_append(&b, (const char *)new_, nn);
            h = q + on;
            k++;
        }
        if (rc == 0)
            rc = gk__strbuf_append(&b, (const char *)h, (size_t)(end - h));
    }
    if (rc < 0) {
        gk__strbuf_free(&b);
        return NULL;
    }
    return bmake_buf(self, &b);
}

static int list_add(gk_object *list, gk_object *self, const unsigned char *p, size_t n)
{
    gk_object *x = bmake(self, p, n);
    if (!x)
        return -1;
    int rc = gk__list_append(list, x);
    gk__decref(x);
    return rc;
}

static int split_ws(gk_object *list, gk_object *self, const unsigned char *p, size_t n, size_t max, bool rev)
{
    size_t k = 0;
    if (!rev) {
        size_t i = 0;
        while (i < n) {
            while (i < n && b_isspace(p[i])) i++;
            if (i >= n) break;
            if (k == max)
                return list_add(list, self, p + i, n - i);
            size_t j = i;
            while (j < n && !b_isspace(p[j])) j++;
            if (list_add(list, self, p + i, j - i) < 0) return -1;
            k++;
            i = j;
        }
        return 0;
    }
    size_t e = n;
    while (e > 0) {
        while (e > 0 && b_isspace(p[e - 1])) e--;
        if (e == 0) break;
        if (k == max)
            return list_add(list, self, p, e);
        size_t s = e;
        while (s > 0 && !b_isspace(p[s - 1])) s--;
        if (list_add(list, self, p + s, e - s) < 0) return -1;
        k++;
        e = s;
    }
    return 0;
}

static int split_sep(gk_object *list, gk_object *self, const unsigned char *p, size_t n,
                     const unsigned char *sep, size_t sn, size_t max, bool rev)
{
    size_t k = 0;
    if (!rev) {
        const unsigned char *h = p, *end = p + n, *q;
        while (k < max && (q = memmem(h, (size_t)(end - h), sep, sn))) {
            if (list_add(list, self, h, (size_t)(q - h)) < 0) return -1;
            h = q + sn;
            k++;
        }
        return list_add(list, self, h, (size_t)(end - h));
    }
    size_t e = n;
    const unsigned char *q;
    while (k < max && (q = rmem(p, e, sep, sn))) {
        size_t at = (size_t)(q - p);
        if (list_add(list, self, q + sn, e - at - sn) < 0) return -1;
        e = at;
        k++;
    }
    return list_add(list, self, p, e);
}

static gk_object *bsplit(const char *fn, gk_object *self, gk_object *const *args, size_t nargs,
                         gk_object *kwnames, bool rev)
{
    static const char *const names[] = {"sep", "maxsplit"};
    gk_object *out[2];
    if (gk__parse_args(fn, args, nargs, kwnames, names, 0, 2, out) < 0)
        return NULL;
    intptr_t max = -1;
    if (out[1] && gk__index_to_ssize(out[1], &max) < 0)
        return NULL;
    const unsigned char *sep = NULL, *p = gk__bytes_data(self);
    size_t sn = 0, n = gk__bytes_size(self);
    if (out[0] && out[0] != GK_NONE) {
        if (buffer_arg(out[0], &sep, &sn) < 0)
            return NULL;
        if (sn == 0)
            return gk__raise(&gk__exc_ValueError, "empty separator");
    }
    gk_object *list = gk__list_new(0);
    if (!list)
        return NULL;
    size_t m = max < 0 ? SIZE_MAX : (size_t)max;
    int rc = sep ? split_sep(list, self, p, n, sep, sn, m, rev) : split_ws(list, self, p, n, m, rev);
    if (rc < 0) {
        gk__decref(list);
        return NULL;
    }
    if (rev) {
        gk_object **it = gk__list_items(list);
        size_t k = gk__list_size(list);
        for (size_t i = 0; i < k / 2; i++) {
            gk_object *t = it[i];
            it[i] = it[k - 1 - i];
            it[k - 1 - i] = t;
        }
    }
    return list;
}

METH(bytes_split) { return bsplit("split", self, args, nargs, kwnames, false); }
METH(bytes_rsplit) { return bsplit("rsplit", self, args, nargs, kwnames, true); }

METH(bytes_splitlines)
{
    static const char *const names[] = {"keepends"};
    gk_object *kw = NULL;
    if (gk__parse_args("splitlines", args, nargs, kwnames, names, 0, 1, &kw) < 0)
        return NULL;
    int keep = kw ? gk__truthy(kw) : 0;
    if (keep < 0)
        return NULL;
    const unsigned char *p = gk__bytes_data(self);
    size_t n = gk__bytes_size(self), start = 0, i = 0;
    gk_object *list = gk__list_new(0);
    if (!list)
        return NULL;
    while (i < n) {
        if (p[i] != '\n' && p[i] != '\r') {
            i++;
            continue;
        }
        size_t eol = i++;
        if (p[eol] == '\r' && i < n && p[i] == '\n')
            i++;
        if (list_add(list, self, p + start, (keep ? i : eol) - start) < 0)
            goto fail;
        start = i;
    }
    if (start < n && list_add(list, self, p + start, n - start) < 0)
        goto fail;
    return list;
fail:
    gk__decref(list);
    return NULL;
}

static gk_object *bstrip(const char *fn, gk_object *self, gk_object *const *args, size_t nargs,
                         gk_object *kwnames, bool left, bool right)
{
    if (gk__check_args(fn, nargs, kwnames, 0, 1) < 0)
        return NULL;
    const unsigned char *chars = NULL, *p = gk__bytes_data(self);
    size_t cn = 0, n = gk__bytes_size(self), a = 0, b = n;
    if (nargs && args[0] != GK_NONE && buffer_arg(args[0], &chars, &cn) < 0)
        return NULL;
#define STRIPPED(c) (chars ? memchr(chars, (c), cn) != NULL : b_isspace(c))
    while (left && a < b && STRIPPED(p[a]))
        a++;
    while (right && b > a && STRIPPED(p[b - 1]))
        b--;
#undef STRIPPED
    if (a == 0 && b == n && GK_TYPE(self) == &gk__bytes_type)
        return gk__incref(self);
    return bmake(self, p + a, b - a);
}

METH(bytes_strip) { return bstrip("strip", self, args, nargs, kwnames, true, true); }
METH(bytes_lstrip) { return bstrip("lstrip", self, args, nargs, kwnames, true, false); }
METH(bytes_rstrip) { return bstrip("rstrip", self, args, nargs, kwnames, false, true); }

METH(bytes_join)
{
    if (gk__check_args("join", nargs, kwnames, 1, 1) < 0)
        return NULL;
    gk_object *seq = gk__sequence_tuple(args[0]);
    if (!seq)
        return NULL;
    const unsigned char *sep = gk__bytes_data(self);
    size_t sn = gk__bytes_size(self), n = gk__tuple_size(seq);
    gk__strbuf b;
    gk__strbuf_init(&b);
    for (size_t i = 0; i < n; i++) {
        gk_object *it = GK_TUPLE_GET(seq, i);
        if (!is_byteslike(it)) {
            gk__raise(&gk__exc_TypeError, "sequence item %zu: expected a bytes-like object, %s found", i,
                      GK_TYPE_NAME(it));
            goto fail;
        }
        if ((i && gk__strbuf_append(&b, (const char *)sep, sn) < 0) ||
            gk__strbuf_append(&b, (const char *)gk__bytes_data(it), gk__bytes_size(it)) < 0)
            goto fail;
    }
    gk__decref(seq);
    return bmake_buf(self, &b);
fail:
    gk__decref(seq);
    gk__strbuf_free(&b);
    return NULL;
}

static gk_object *baffix(const char *fn, gk_object *self, gk_object *const *args, size_t nargs,
                         gk_object *kwnames, bool end)
{
    if (gk__check_args(fn, nargs, kwnames, 1, 3) < 0)
        return NULL;
    const unsigned char *p = gk__bytes_data(self);
    size_t a, b;
    bool valid;
    if (get_range(gk__bytes_size(self), nargs > 1 ? args[1] : NULL, nargs > 2 ? args[2] : NULL, &a, &b, &valid) < 0)
        return NULL;
    gk_object *x = args[0];
    bool tup = gk__is_tuple(x);
    if (!tup && !is_byteslike(x))
        return gk__raise(&gk__exc_TypeError, "%s first arg must be bytes or a tuple of bytes, not %s", fn,
                         GK_TYPE_NAME(x));
    size_t k = tup ? gk__tuple_size(x) : 1;
    for (size_t i = 0; i < k; i++) {
        gk_object *o = tup ? GK_TUPLE_GET(x, i) : x;
        const unsigned char *q;
        size_t qn;
        if (buffer_arg(o, &q, &qn) < 0)
            return NULL;
        if (valid && qn <= b - a && memcmp(end ? p + b - qn : p + a, q, qn) == 0)
            return gk__bool(true);
    }
    return gk__bool(false);
}

METH(bytes_startswith) { return baffix("startswith", self, args, nargs, kwnames, false); }
METH(bytes_endswith) { return baffix("endswith", self, args, nargs, kwnames, true); }

static gk_object *bremove(const char *fn, gk_object *self, gk_object *const *args, size_t nargs,
                          gk_object *kwnames, bool end)
{
    if (gk__check_args(fn, nargs, kwnames, 1, 1) < 0)
        return NULL;
    const unsigned char *q, *p = gk__bytes_data(self);
    size_t qn, n = gk__bytes_size(self);
    if (buffer_arg(args[0], &q, &qn) < 0)
        return NULL;
    if (qn && qn <= n && memcmp(end ? p + n - qn : p, q, qn) == 0)
        return bmake(self, end ? p : p + qn, n - qn);
    return bmake(self, p, n);
}

METH(bytes_removeprefix) { return bremove("removeprefix", self, args, nargs, kwnames, false); }
METH(bytes_removesuffix) { return bremove("removesuffix", self, args, nargs, kwnames, true); }

static gk_object *bcase(gk_object *self, size_t nargs, gk_object *kwnames, const char *fn, int mode)
{
    if (gk__check_args(fn, nargs, kwnames, 0, 0) < 0)
        return NULL;
    size_t n = gk__bytes_size(self);
    unsigned char *t = malloc(n + 1);
    if (!t)
        return gk__raise_nomemory();
    const unsigned char *p = gk__bytes_data(self);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        bool up = mode == 1 || (mode == 2 && b_islower(c)) || (mode == 3 && i == 0);
        bool low = mode == 0 || (mode == 2 && b_isupper(c)) || (mode == 3 && i > 0);
        if (up && b_islower(c)) c = (unsigned char)(c - 32);
        else if (low && b_isupper(c)) c = (unsigned char)(c + 32);
        t[i] = c;
    }
    gk_object *r = bmake(self, t, n);
    free(t);
    return r;
}

METH(bytes_lower) { return bcase(self, nargs, kwnames, "lower", 0); }
METH(bytes_upper) { return bcase(self, nargs, kwnames, "upper", 1); }
METH(bytes_swapcase) { return bcase(self, nargs, kwnames, "swapcase", 2); }
METH(bytes_capitalize) { return bcase(self, nargs, kwnames, "capitalize", 3); }

static gk_object *bpred(gk_object *self, size_t nargs, gk_object *kwnames, const char *fn, bool (*f)(unsigned char))
{
    if (gk__check_args(fn, nargs, kwnames, 0, 0) < 0)
        return NULL;
    const unsigned char *p = gk__bytes_data(self);
    size_t n = gk__bytes_size(self);
    if (n == 0)
        return gk__bool(false);
    for (size_t i = 0; i < n; i++)
        if (!f(p[i]))
            return gk__bool(false);
    return gk__bool(true);
}

METH(bytes_isdigit) { return bpred(self, nargs, kwnames, "isdigit", b_isdigit); }
METH(bytes_isalpha) { return bpred(self, nargs, kwnames, "isalpha", b_isalpha); }
METH(bytes_isalnum) { return bpred(self, nargs, kwnames, "isalnum", b_isalnum); }
METH(bytes_isspace) { return bpred(self, nargs, kwnames, "isspace", b_isspace); }

static gk_object *bcasepred(gk_object *self, size_t nargs, gk_object *kwnames, const char *fn, bool upper)
{
    if (gk__check_args(fn, nargs, kwnames, 0, 0) < 0)
        return NULL;
    const unsigned char *p = gk__bytes_data(self);
    size_t n = gk__bytes_size(self);
    bool cased = false;
    for (size_t i = 0; i < n; i++) {
        if (upper ? b_islower(p[i]) : b_isupper(p[i]))
            return gk__bool(false);
        cased = cased || (upper ? b_isupper(p[i]) : b_islower(p[i]));
    }
    return gk__bool(cased);
}

METH(bytes_isupper) { return bcasepred(self, nargs, kwnames, "isupper", true); }
METH(bytes_islower) { return bcasepred(self, nargs, kwnames, "islower", false); }

METH(bytes_isascii)
{
    if (gk__check_args("isascii", nargs, kwnames, 0, 0) < 0)
        return NULL;
    const unsigned char *p = gk__bytes_data(self);
    for (size_t i = 0, n = gk__bytes_size(self); i < n; i++)
        if (p[i] >= 0x80)
            return gk__bool(false);
    return gk__bool(true);
}

static gk_object *bpartition(gk_object *self, gk_object *sepo, bool rev)
{
    const unsigned char *sep, *p = gk__bytes_data(self);
    size_t sn, n = gk__bytes_size(self);
    if (buffer_arg(sepo, &sep, &sn) < 0)
        return NULL;
    if (sn == 0)
        return gk__raise(&gk__exc_ValueError, "empty separator");
    const unsigned char *q = rev ? rmem(p, n, sep, sn) : memmem(p, n, sep, sn);
    gk_object *a, *b, *c;
    if (!q) {
        a = bmake(self, p, rev ? 0 : n);
        b = bmake(self, "", 0);
        c = bmake(self, p, rev ? n : 0);
    } else {
        a = bmake(self, p, (size_t)(q - p));
        b = bmake(self, sep, sn);
        c = bmake(self, q + sn, n - (size_t)(q - p) - sn);
    }
    gk_object *t = (a && b && c) ? gk__tuple_pack(3, a, b, c) : NULL;
    gk__xdecref(a);
    gk__xdecref(b);
    gk__xdecref(c);
    return t;
}

METH(bytes_partition)
{
    return gk__check_args("partition", nargs, kwnames, 1, 1) < 0 ? NULL : bpartition(self, args[0], false);
}

METH(bytes_rpartition)
{
    return gk__check_args("rpartition", nargs, kwnames, 1, 1) < 0 ? NULL : bpartition(self, args[0], true);
}

METH(bytes_decode)
{
    static const char *const names[] = {"encoding", "errors"};
    gk_object *out[2];
    if (gk__parse_args("decode", args, nargs, kwnames, names, 0, 2, out) < 0)
        return NULL;
    for (int i = 0; i < 2; i++)
        if (out[i] && !gk__is_str(out[i]))
            return gk__raise(&gk__exc_TypeError, "decode() argument '%s' must be str, not %s", names[i],
                             GK_TYPE_NAME(out[i]));
    return gk__str_decode(gk__bytes_data(self), gk__bytes_size(self), out[0] ? gk__str_utf8(out[0]) : NULL,
                          out[1] ? gk__str_utf8(out[1]) : NULL);
}

METH(bytes_hex)
{
    if (gk__check_args("hex", nargs, kwnames, 0, 1) < 0)
        return NULL;
    const char *sep = NULL;
    if (nargs) {
        if (!gk__is_str(args[0]) && !is_byteslike(args[0]))
            return gk__raise(&gk__exc_TypeError, "sep must be str or bytes.");
        sep = gk__is_str(args[0]) ? gk__str_utf8(args[0]) : (const char *)gk__bytes_data(args[0]);
        if ((gk__is_str(args[0]) ? gk__str_len(args[0]) : gk__bytes_size(args[0])) != 1)
            return gk__raise(&gk__exc_ValueError, "sep must be length 1.");
    }
    const unsigned char *p = gk__bytes_data(self);
    size_t n = gk__bytes_size(self);
    gk__strbuf b;
    gk__strbuf_init(&b);
    for (size_t i = 0; i < n; i++) {
        if ((i && sep && gk__strbuf_append(&b, sep, 1) < 0) || gk__strbuf_printf(&b, "%02x", p[i]) < 0) {
            gk__strbuf_free(&b);
            return NULL;
        }
    }
    return gk__strbuf_finish(&b);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

METH(bytes_fromhex)
{
    if (gk__check_args("fromhex", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "fromhex() argument must be str, not %s", GK_TYPE_NAME(args[0]));
    const char *s = gk__str_utf8(args[0]);
    size_t n = gk__str_size(args[0]), i = 0;
    gk__strbuf b;
    gk__strbuf_init(&b);
    while (i < n) {
        if (b_isspace((unsigned char)s[i])) {
            i++;
            continue;
        }
        int hi = hexval(s[i]), lo = i + 1 < n ? hexval(s[i + 1]) : -1;
        if (hi < 0 || lo < 0) {
            gk__raise(&gk__exc_ValueError, "non-hexadecimal number found in fromhex() arg at position %zu",
                      hi < 0 ? i : i + 1);
            gk__strbuf_free(&b);
            return NULL;
        }
        char c = (char)(hi * 16 + lo);
        if (gk__strbuf_append(&b, &c, 1) < 0) {
            gk__strbuf_free(&b);
            return NULL;
        }
        i += 2;
    }
    bool ba = gk__is_type(self) && gk__type_is_subtype((gk_type *)self, &gk__bytearray_type);
    gk_object *r = ba ? gk__bytearray_new(b.data ? b.data : "", b.size) : gk__bytes_new(b.data ? b.data : "", b.size);
    gk__strbuf_free(&b);
    if (r && gk__is_type(self) && self != (gk_object *)&gk__bytes_type && self != (gk_object *)&gk__bytearray_type) {
        gk_object *sub = gk__call1(self, r);
        gk__decref(r);
        r = sub;
    }
    return r;
}

METH(bytes_getnewargs)
{
    gk_object *c = gk__bytes_new(gk__bytes_data(self), gk__bytes_size(self));
    if (!c)
        return NULL;
    gk_object *t = gk__tuple_pack(1, c);
    gk__decref(c);
    return t;
}

/* ------------------------------------------------------------------ */
/* Construction                                                        */

static int fill_iterable(gk_object *src, gk__strbuf *out, const char *kind)
{
    gk_object *it = gk__iter(src);
    if (!it) {
        if (gk__err_matches(&gk__exc_TypeError)) {
            gk__err_clear();
            gk__raise(&gk__exc_TypeError, "cannot convert '%s' object to %s", GK_TYPE_NAME(src), kind);
        }
        return -1;
    }
    gk_object *v;
    int rc = 0;
    while (rc == 0 && (v = gk__iternext(it))) {
        int c;
        if (byte_value(v, &c) < 0) {
            if (gk__err_matches(&gk__exc_ValueError) && strcmp(kind, "bytes") == 0) {
                gk__err_clear();
                gk__raise(&gk__exc_ValueError, "bytes must be in range(0, 256)");
            }
            rc = -1;
        } else {
            char ch = (char)c;
            rc = gk__strbuf_append(out, &ch, 1);
        }
        gk__decref(v);
    }
    gk__decref(it);
    return rc < 0 || gk__err_occurred() ? -1 : 0;
}

/* Appends the bytes that bytes(src, enc, err) / bytearray(...) would hold. */
static int fill_from(gk_object *src, gk_object *enc, gk_object *err, gk__strbuf *out, const char *kind)
{
    if (gk__is_str(src)) {
        if (!enc)
            return gk__raise(&gk__exc_TypeError, "string argument without an encoding"), -1;
        if (!gk__is_str(enc) || (err && !gk__is_str(err)))
            return gk__raise(&gk__exc_TypeError, "%s() argument 'encoding' must be str, not %s", kind,
                             GK_TYPE_NAME(gk__is_str(enc) ? err : enc)), -1;
        gk_object *b = gk__str_encode(src, gk__str_utf8(enc), err ? gk__str_utf8(err) : NULL);
        if (!b)
            return -1;
        int rc = gk__strbuf_append(out, (const char *)gk__bytes_data(b), gk__bytes_size(b));
        gk__decref(b);
        return rc;
    }
    if (enc)
        return gk__raise(&gk__exc_TypeError, "encoding without a string argument"), -1;
    if (err)
        return gk__raise(&gk__exc_TypeError, "errors without a string argument"), -1;
    if (is_byteslike(src))
        return gk__strbuf_append(out, (const char *)gk__bytes_data(src), gk__bytes_size(src));
    if (gk__is_int(src) || GK_TYPE(src)->nb_index) {
        intptr_t n;
        if (gk__index_to_ssize(src, &n) < 0)
            return -1;
        if (n < 0)
            return gk__raise(&gk__exc_ValueError, "negative count"), -1;
        for (intptr_t i = 0; i < n; i++)
            if (gk__strbuf_append(out, "", 1) < 0)
                return -1;
        return 0;
    }
    if (kind[0] == 'b' && strcmp(kind, "bytes") == 0 && gk__type_lookup_cstr(GK_TYPE(src), "__bytes__")) {
        gk_object *b = gk__call_special(src, "__bytes__", NULL, 0);
        if (!b)
            return -1;
        if (!gk__is_bytes(b)) {
            gk__raise(&gk__exc_TypeError, "__bytes__ returned non-bytes (type %s)", GK_TYPE_NAME(b));
            gk__decref(b);
            return -1;
        }
        int rc = gk__strbuf_append(out, (const char *)gk__bytes_data(b), gk__bytes_size(b));
        gk__decref(b);
        return rc;
    }
    return fill_iterable(src, out, kind);
}

static gk_object *bytes_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = {"source", "encoding", "errors"};
    gk_object *out[3];
    bool ba = gk__type_is_subtype(type, &gk__bytearray_type);
    const char *kind = ba ? "bytearray" : "bytes";
    if (gk__parse_args(kind, args, nargs, kwnames, names, 0, 3, out) < 0)
        return NULL;
    if (!ba && out[0] && !out[1] && !out[2] && GK_TYPE(out[0]) == &gk__bytes_type && type == &gk__bytes_type)
        return gk__incref(out[0]);
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (!out[0] && (out[1] || out[2])) {
        gk__raise(&gk__exc_TypeError, out[1] ? "encoding without a string argument"
                                             : "errors without a string argument");
        return NULL;
    }
    if (out[0] && fill_from(out[0], out[1], out[2], &b, kind) < 0) {
        gk__strbuf_free(&b);
        return NULL;
    }
    gk_object *r;
    if (ba) {
        r = bytearray_alloc(type, b.data, b.size);
    } else {
        r = bytes_alloc(type, b.size);
        if (r && b.size)
            memcpy(B(r)->data, b.data, b.size);
    }
    gk__strbuf_free(&b);
    return r;
}

static int bytes_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return 0;
}

/* ------------------------------------------------------------------ */
/* bytearray mutation                                                  */

static int ba_resize(gk_object *o, size_t n)
{
    if (ba_reserve(o, n) < 0)
        return -1;
    BA(o)->size = n;
    BA(o)->data[n] = 0;
    return 0;
}

/* Replaces bytes [a, b) of o with n bytes from p. */
static int ba_splice(gk_object *o, size_t a, size_t b, const unsigned char *p, size_t n)
{
    size_t old = BA(o)->size, tail = old - b;
    unsigned char *copy = NULL;
    if (n && p >= BA(o)->data && BA(o)->data && p < BA(o)->data + BA(o)->cap + 1) {
        if (!(copy = malloc(n))) {
            gk__raise_nomemory();
            return -1;
        }
        memcpy(copy, p, n);
        p = copy;
    }
    if (n > b - a && ba_reserve(o, old + n - (b - a)) < 0) {
        free(copy);
        return -1;
    }
    unsigned char *d = BA(o)->data;
    if (d) {
        memmove(d + a + n, d + b, tail);
        if (n)
            memcpy(d + a, p, n);
        BA(o)->size = a + n + tail;
        d[BA(o)->size] = 0;
    }
    free(copy);
    return 0;
}

static int ba_setslice(gk_object *o, gk_object *key, gk_object *value)
{
    intptr_t start, stop, step, len;
    if (gk__slice_indices(key, (intptr_t)BA(o)->size, &start, &stop, &step, &len) < 0)
        return -1;
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (value) {
        if (gk__is_int(value) || gk__is_str(value)) {
            gk__raise(&gk__exc_TypeError, "can assign only bytes, buffers, or iterables of ints in range(0, 256)");
            return -1;
        }
        if (fill_from(value, NULL, NULL, &b, "bytearray") < 0) {
            gk__strbuf_free(&b);
            return -1;
        }
    }
    int rc = 0;
    if (step == 1) {
        if (stop < start)
            stop = start;
        rc = ba_splice(o, (size_t)start, (size_t)stop, (const unsigned char *)b.data, b.size);
    } else if (value) {
        if ((size_t)len != b.size) {
            gk__raise(&gk__exc_ValueError, "attempt to assign bytes of size %zu to extended slice of size %zd",
                      b.size, len);
            rc = -1;
        } else {
            for (intptr_t i = 0, j = start; i < len; i++, j += step)
                BA(o)->data[j] = (unsigned char)b.data[i];
        }
    } else {
        unsigned char *d = BA(o)->data;
        size_t w = 0, n = BA(o)->size;
        for (size_t r = 0; r < n; r++) {
            bool del = step > 0 ? ((intptr_t)r >= start && (intptr_t)r < stop && ((intptr_t)r - start) % step == 0)
                                : ((intptr_t)r <= start && (intptr_t)r > stop && (start - (intptr_t)r) % (-step) == 0);
            if (!del)
                d[w++] = d[r];
        }
        if (d)
            ba_resize(o, w);
    }
    gk__strbuf_free(&b);
    return rc;
}

static int ba_setitem(gk_object *o, gk_object *key, gk_object *value)
{
    if (gk__is_slice(key))
        return ba_setslice(o, key, value);
    if (!gk__is_int(key) && !GK_TYPE(key)->nb_index) {
        gk__raise(&gk__exc_TypeError, "bytearray indices must be integers or slices, not %s", GK_TYPE_NAME(key));
        return -1;
    }
    intptr_t i, n = (intptr_t)BA(o)->size;
    if (gk__index_to_ssize(key, &i) < 0)
        return -1;
    if (i < 0)
        i += n;
    if (i < 0 || i >= n) {
        gk__raise(&gk__exc_IndexError, "bytearray index out of range");
        return -1;
    }
    if (!value)
        return ba_splice(o, (size_t)i, (size_t)i + 1, NULL, 0);
    int c;
    if (byte_value(value, &c) < 0)
        return -1;
    BA(o)->data[i] = (unsigned char)c;
    return 0;
}

static gk_object *ba_iadd(gk_object *a, gk_object *b)
{
    if (!is_bytearray(a))
        return gk__incref(GK_NOTIMPLEMENTED);
    const unsigned char *p;
    size_t n;
    if (buffer_arg(b, &p, &n) < 0) {
        gk__err_clear();
        return gk__raise(&gk__exc_TypeError, "can't concat %s to %s", GK_TYPE_NAME(b), GK_TYPE_NAME(a));
    }
    if (ba_splice(a, BA(a)->size, BA(a)->size, p, n) < 0)
        return NULL;
    return gk__incref(a);
}

METH(ba_append)
{
    if (gk__check_args("append", nargs, kwnames, 1, 1) < 0)
        return NULL;
    int c;
    if (byte_value(args[0], &c) < 0)
        return NULL;
    unsigned char ch = (unsigned char)c;
    if (ba_splice(self, BA(self)->size, BA(self)->size, &ch, 1) < 0)
        return NULL;
    return gk__none_ref();
}

METH(ba_extend)
{
    if (gk__check_args("extend", nargs, kwnames, 1, 1) < 0)
        return NULL;
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (gk__is_str(args[0]) || gk__is_int(args[0])) {
        gk__raise(&gk__exc_TypeError, gk__is_str(args[0]) ? "expected iterable of integers; got: 'str'"
                                                           : "can't extend bytearray with int");
        return NULL;
    }
    if (fill_from(args[0], NULL, NULL, &b, "bytearray") < 0 ||
        ba_splice(self, BA(self)->size, BA(self)->size, (const unsigned char *)b.data, b.size) < 0) {
        gk__strbuf_free(&b);
        return NULL;
    }
    gk__strbuf_free(&b);
    return gk__none_ref();
}

METH(ba_pop)
{
    if (gk__check_args("pop", nargs, kwnames, 0, 1) < 0)
        return NULL;
    intptr_t n = (intptr_t)BA(self)->size, i = -1;
    if (nargs && gk__index_to_ssize(args[0], &i) < 0)
        return NULL;
    if (n == 0)
        return gk__raise(&gk__exc_IndexError, "pop from empty bytearray");
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return gk__raise(&gk__exc_IndexError, "pop index out of range");
    int c = BA(self)->data[i];
    if (ba_splice(self, (size_t)i, (size_t)i + 1, NULL, 0) < 0)
        return NULL;
    return gk__int_from_i64(c);
}

METH(ba_insert)
{
    if (gk__check_args("insert", nargs, kwnames, 2, 2) < 0)
        return NULL;
    intptr_t n = (intptr_t)BA(self)->size, i;
    int c;
    if (gk__index_to_ssize(args[0], &i) < 0 || byte_value(args[1], &c) < 0)
        return NULL;
    if (i < 0) { i += n; if (i < 0) i = 0; }
    if (i > n) i = n;
    unsigned char ch = (unsigned char)c;
    if (ba_splice(self, (size_t)i, (size_t)i, &ch, 1) < 0)
        return NULL;
    return gk__none_ref();
}

METH(ba_remove)
{
    if (gk__check_args("remove", nargs, kwnames, 1, 1) < 0)
        return NULL;
    int c;
    if (byte_value(args[0], &c) < 0)
        return NULL;
    unsigned char *d = BA(self)->data, *q = d ? memchr(d, c, BA(self)->size) : NULL;
    if (!q)
        return gk__raise(&gk__exc_ValueError, "value not found in bytearray");
    if (ba_splice(self, (size_t)(q - d), (size_t)(q - d) + 1, NULL, 0) < 0)
        return NULL;
    return gk__none_ref();
}

METH(ba_clear)
{
    if (gk__check_args("clear", nargs, kwnames, 0, 0) < 0)
        return NULL;
    BA(self)->size = 0;
    if (BA(self)->data)
        BA(self)->data[0] = 0;
    return gk__none_ref();
}

METH(ba_reverse)
{
    if (gk__check_args("reverse", nargs, kwnames, 0, 0) < 0)
        return NULL;
    unsigned char *d = BA(self)->data;
    for (size_t i = 0, n = BA(self)->size; i < n / 2; i++) {
        unsigned char t = d[i];
        d[i] = d[n - 1 - i];
        d[n - 1 - i] = t;
    }
    return gk__none_ref();
}

METH(ba_copy)
{
    if (gk__check_args("copy", nargs, kwnames, 0, 0) < 0)
        return NULL;
    return gk__bytearray_new(gk__bytes_data(self), BA(self)->size);
}

/* ------------------------------------------------------------------ */
/* Types                                                               */

#define COMMON_METHODS \
    {"decode", bytes_decode, 0, NULL}, {"hex", bytes_hex, 0, NULL}, \
    {"fromhex", bytes_fromhex, GK_METH_CLASS, NULL}, \
    {"find", bytes_find, 0, NULL}, {"rfind", bytes_rfind, 0, NULL}, \
    {"index", bytes_index, 0, NULL}, {"rindex", bytes_rindex, 0, NULL}, \
    {"count", bytes_count, 0, NULL}, {"replace", bytes_replace, 0, NULL}, \
    {"split", bytes_split, 0, NULL}, {"rsplit", bytes_rsplit, 0, NULL}, \
    {"splitlines", bytes_splitlines, 0, NULL}, \
    {"strip", bytes_strip, 0, NULL}, {"lstrip", bytes_lstrip, 0, NULL}, {"rstrip", bytes_rstrip, 0, NULL}, \
    {"join", bytes_join, 0, NULL}, {"startswith", bytes_startswith, 0, NULL}, \
    {"endswith", bytes_endswith, 0, NULL}, {"removeprefix", bytes_removeprefix, 0, NULL}, \
    {"removesuffix", bytes_removesuffix, 0, NULL}, \
    {"upper", bytes_upper, 0, NULL}, {"lower", bytes_lower, 0, NULL}, \
    {"swapcase", bytes_swapcase, 0, NULL}, {"capitalize", bytes_capitalize, 0, NULL}, \
    {"partition", bytes_partition, 0, NULL}, {"rpartition", bytes_rpartition, 0, NULL}, \
    {"isdigit", bytes_isdigit, 0, NULL}, {"isalpha", bytes_isalpha, 0, NULL}, \
    {"isalnum", bytes_isalnum, 0, NULL}, {"isspace", bytes_isspace, 0, NULL}, \
    {"isupper", bytes_isupper, 0, NULL}, {"islower", bytes_islower, 0, NULL}, \
    {"isascii", bytes_isascii, 0, NULL}

static const gk__methoddef bytes_methods[] = {
    COMMON_METHODS,
    {"__getnewargs__", bytes_getnewargs, 0, NULL},
    {NULL, NULL, 0, NULL},
};

static const gk__methoddef bytearray_methods[] = {
    COMMON_METHODS,
    {"append", ba_append, 0, NULL}, {"extend", ba_extend, 0, NULL}, {"pop", ba_pop, 0, NULL},
    {"insert", ba_insert, 0, NULL}, {"remove", ba_remove, 0, NULL}, {"clear", ba_clear, 0, NULL},
    {"reverse", ba_reverse, 0, NULL}, {"copy", ba_copy, 0, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__bytes_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "bytes",
    .basicsize = sizeof(gk_bytes),
    .flags = GK_TPFLAG_BASETYPE | GK_TPFLAG_BYTES_SUBCLASS,
    .dealloc = bytes_dealloc,
    .repr = bytes_repr,
    .str = bytes_repr,
    .hash = bytes_hash,
    .richcompare = bytes_richcompare,
    .getattr = gk__object_generic_getattr,
    .iter = bytes_iter_new,
    .new_ = bytes_new,
    .init = bytes_init,
    .nb = { [GK_BINOP_ADD] = bytes_add, [GK_BINOP_MUL] = bytes_mul, [GK_BINOP_MOD] = bytes_mod },
    .len = bytes_len,
    .getitem = bytes_getitem,
    .contains = bytes_contains,
    .methods = bytes_methods,
    .doc = "bytes(iterable_of_ints) -> bytes\nbytes(string, encoding[, errors]) -> bytes",
};

gk_type gk__bytearray_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "bytearray",
    .basicsize = sizeof(gk_bytearray),
    .flags = GK_TPFLAG_BASETYPE,
    .dealloc = bytearray_dealloc,
    .repr = bytes_repr,
    .str = bytes_repr,
    .richcompare = bytes_richcompare,
    .getattr = gk__object_generic_getattr,
    .iter = bytes_iter_new,
    .new_ = bytes_new,
    .init = bytes_init,
    .nb = { [GK_BINOP_ADD] = bytes_add, [GK_BINOP_MUL] = bytes_mul, [GK_BINOP_MOD] = bytes_mod },
    .nb_inplace = { [GK_BINOP_ADD] = ba_iadd },
    .len = bytes_len,
    .getitem = bytes_getitem,
    .setitem = ba_setitem,
    .contains = bytes_contains,
    .methods = bytearray_methods,
    .doc = "bytearray(iterable_of_ints) -> bytearray",
};
