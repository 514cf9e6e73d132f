/*
 * vm/objects/str.c - the str type (immutable Unicode text kept as UTF-8),
 * its iterator, interning, the string builder (gk__strbuf), the printf-like
 * gk__str_from_format, and the utf-8/ascii/latin-1 codecs shared with bytes.c.
 *
 * Layout: the text lives right after the type's fixed part (so that heap
 * subclasses with an instance __dict__ work); `data` points at it.  The
 * empty string and the 128 one-character ASCII strings are static.
 * str.format/format_map and % are implemented in format.c.
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <locale.h>
#include <wctype.h>
#include "objects.h"
#include "runtime.h"

typedef struct gk_str {
    GK_HEAD;
    int64_t hash;        /* -1 until computed */
    size_t len;          /* code points */
    size_t size;         /* bytes, without the NUL */
    bool ascii;          /* size == len */
    char *data;          /* NUL-terminated UTF-8 */
    size_t cache_cp, cache_off;  /* last code point index looked up and its byte offset */
} gk_str;

_Static_assert(offsetof(gk_str, hash) == offsetof(struct gk__str_head, hash),
               "objects.h's struct gk__str_head must match gk_str");

typedef struct {
    GK_HEAD;
    gk_object *str;      /* NULL once exhausted */
    size_t pos;          /* byte offset */
} str_iter;

typedef struct { gk_str s; char buf[2]; } static_str;

#define S(o) ((gk_str *)(o))
#define METH(fn) static gk_object *fn(gk_object *self, gk_object *const *args, size_t nargs, \
                                      gk_object *kwnames)

static static_str char_cache[128];
static static_str empty_str;
static bool statics_ready;

static void init_static_str(static_str *ss, int c)
{
    ss->s.ob.refcnt = GK_STATIC_REFCNT;
    ss->s.ob.type = &gk__str_type;
    ss->s.hash = -1;
    ss->s.len = ss->s.size = c >= 0 ? 1 : 0;
    ss->s.ascii = true;
    ss->buf[0] = c >= 0 ? (char)c : 0;
    ss->buf[1] = 0;
    ss->s.data = ss->buf;
}

static void ensure_statics(void)
{
    if (statics_ready)
        return;
    for (int i = 0; i < 128; i++)
        init_static_str(&char_cache[i], i);
    init_static_str(&empty_str, -1);
    statics_ready = true;
}

static gk_object *empty_ref(void)
{
    ensure_statics();
    return gk__incref((gk_object *)&empty_str);
}

static gk_object *ascii_char(unsigned char c)
{
    ensure_statics();
    return gk__incref((gk_object *)&char_cache[c & 127]);
}

/* ------------------------------------------------------------------ */
/* UTF-8 helpers                                                       */

static uint32_t u8_decode(const unsigned char *p, size_t *adv)
{
    unsigned c = p[0];
    if (c < 0x80) { *adv = 1; return c; }
    if (c < 0xE0) { *adv = 2; return ((c & 0x1F) << 6) | (p[1] & 0x3F); }
    if (c < 0xF0) { *adv = 3; return ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F); }
    *adv = 4;
    return ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

static size_t u8_encode(uint32_t cp, char *out)
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

static size_t u8_count(const char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)p[i] & 0xC0) != 0x80;
    return k;
}

/* Checks UTF-8 the way CPython's decoder does.  Returns 0 if valid, else
 * 1 with the bad range [*bs, *be) and the reason. */
static int u8_check(const unsigned char *p, size_t n, size_t *bs, size_t *be, const char **why)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) { i++; continue; }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            *bs = i; *be = i + 1; *why = "invalid start byte";
            return 1;
        }
        size_t k;
        for (k = 1; k <= need; k++) {
            if (i + k >= n) {
                *bs = i; *be = n; *why = "unexpected end of data";
                return 1;
            }
            unsigned d = p[i + k];
            unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
            if (d < l || d > h) {
                *bs = i; *be = i + k; *why = "invalid continuation byte";
                return 1;
            }
        }
        i += need + 1;
    }
    return 0;
}

static locale_t utf8_locale(void)
{
    static locale_t loc;
    static bool tried;
    if (!tried) {
        tried = true;
        loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
        if (!loc)
            loc = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
    }
    return loc;
}

static uint32_t cp_upper(uint32_t c)
{
    if (c < 128)
        return (c >= 'a' && c <= 'z') ? c - 32 : c;
    locale_t l = utf8_locale();
    return l ? (uint32_t)towupper_l((wint_t)c, l) : c;
}

static uint32_t cp_lower(uint32_t c)
{
    if (c < 128)
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    locale_t l = utf8_locale();
    return l ? (uint32_t)towlower_l((wint_t)c, l) : c;
}

static bool cp_isupper(uint32_t c)
{
    if (c < 128) return c >= 'A' && c <= 'Z';
    locale_t l = utf8_locale();
    return l && iswupper_l((wint_t)c, l);
}

static bool cp_islower(uint32_t c)
{
    if (c < 128) return c >= 'a' && c <= 'z';
    if (c == 0xDF) return true;
    locale_t l = utf8_locale();
    return l && iswlower_l((wint_t)c, l);
}

static bool cp_iscased(uint32_t c) { return cp_isupper(c) || cp_islower(c) || cp_upper(c) != cp_lower(c); }

static bool cp_isalpha(uint32_t c)
{
    if (c < 128) return (c | 32) >= 'a' && (c | 32) <= 'z';
    locale_t l = utf8_locale();
    return l && iswalpha_l((wint_t)c, l);
}

static bool cp_isdecimal(uint32_t c) { return c >= '0' && c <= '9'; }

static bool cp_isdigit(uint32_t c)
{
    return cp_isdecimal(c) || c == 0xB2 || c == 0xB3 || c == 0xB9 ||
           (c >= 0x2070 && c <= 0x2079 && c != 0x2071 && c != 0x2072 && c != 0x2073) ||
           (c >= 0x2080 && c <= 0x2089) || (c >= 0x2460 && c <= 0x2468);
}

static bool cp_isnumeric(uint32_t c)
{
    return cp_isdigit(c) || c == 0xBC || c == 0xBD || c == 0xBE ||
           (c >= 0x2150 && c <= 0x2182) || c == 0x4E00 || c == 0x4E8C || c == 0x4E09;
}

static bool cp_isalnum(uint32_t c) { return cp_isalpha(c) || cp_isnumeric(c); }

/* Python's whitespace (str.split(), str.isspace()). */
static bool cp_isspace(uint32_t c)
{
    if (c < 128)
        return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1C && c <= 0x1F);
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static bool cp_isprintable(uint32_t c)
{
    if (c < 128) return c >= 0x20 && c < 0x7F;
    if (c < 0xA0 || c == 0xAD) return false;
    if (cp_isspace(c)) return false;
    if (c >= 0xD800 && c <= 0xDFFF) return false;
    if ((c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
        c == 0xFEFF)
        return false;
    if (c >= 0xE000 && c <= 0xF8FF) return false;
    if ((c >= 0x600 && c <= 0x605) || c == 0x61C || c == 0x6DD || c == 0x70F || c == 0x180E ||
        (c >= 0xFFF9 && c <= 0xFFFB) || c == 0x110BD || (c >= 0x1D173 && c <= 0x1D17A) ||
        c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F) || c >= 0xF0000)
        return false;
    locale_t l = utf8_locale();
    return l ? iswprint_l((wint_t)c, l) != 0 : true;
}

static bool cp_islinebreak(uint32_t c)
{
    return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D ||
           c == 0x1E || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* ------------------------------------------------------------------ */
/* Allocation                                                          */

static size_t round8(size_t x) { return (x + 7) & ~(size_t)7; }

/* A new str of `type` with room for size bytes (len and ascii left to fill). */
static gk_object *str_alloc(gk_type *type, size_t size)
{
    size_t base = round8(type->basicsize);
    if (size > SIZE_MAX / 2)
        return gk__raise_nomemory();
    gk_object *o = (type->flags & GK_TPFLAG_GC) ? gk__gc_new(type, base + size + 1)
                                                : gk__obj_new(type, base + size + 1);
    if (!o)
        return NULL;
    gk_str *s = S(o);
    s->hash = -1;
    s->size = size;
    s->data = (char *)o + base;
    s->data[size] = 0;
    return o;
}

/* A new exact str copying size bytes of valid UTF-8 whose code point count
 * is len (or (size_t)-1 to count it). */
static gk_object *make_str_len(const char *p, size_t size, size_t len)
{
    if (size == 0)
        return empty_ref();
    if (size == 1 && (unsigned char)p[0] < 128)
        return ascii_char((unsigned char)p[0]);
    gk_object *o = str_alloc(&gk__str_type, size);
    if (!o)
        return NULL;
    memcpy(S(o)->data, p, size);
    S(o)->len = len == (size_t)-1 ? u8_count(p, size) : len;
    S(o)->ascii = S(o)->len == size;
    return o;
}

static gk_object *make_str(const char *p, size_t size) { return make_str_len(p, size, (size_t)-1); }

static void str_dealloc(gk_object *o)
{
    gk__free(o);
}

static gk_object *raise_decode(const char *enc, const unsigned char *p, size_t bs, size_t be,
                               const char *why)
{
    if (be - bs > 1)
        return gk__raise(&gk__exc_UnicodeDecodeError,
                         "'%s' codec can't decode bytes in position %zu-%zu: %s", enc, bs, be - 1, why);
    return gk__raise(&gk__exc_UnicodeDecodeError, "'%s' codec can't decode byte 0x%02x in position %zu: %s",
                     enc, (unsigned)p[bs], bs, why);
}

/* Returns a str from UTF-8 bytes; UnicodeDecodeError if invalid. */
gk_object *gk__str_from_utf8(const char *s, size_t size)
{
    size_t bs, be;
    const char *why;
    if (u8_check((const unsigned char *)s, size, &bs, &be, &why))
        return raise_decode("utf-8", (const unsigned char *)s, bs, be, why);
    return make_str(s, size);
}

/* Returns a str from a NUL-terminated UTF-8 C string. */
gk_object *gk__str_from_cstr(const char *s)
{
    return gk__str_from_utf8(s, strlen(s));
}

/* Returns the one-character str for code point cp (ValueError if out of range). */
gk_object *gk__str_from_codepoint(uint32_t cp)
{
    if (cp > 0x10FFFF)
        return gk__raise(&gk__exc_ValueError, "chr() arg not in range(0x110000)");
    if (cp < 128)
        return ascii_char((unsigned char)cp);
    char buf[4];
    size_t n = u8_encode(cp, buf);
    return make_str_len(buf, n, 1);
}

/* Borrowed UTF-8 text of s. */
const char *gk__str_utf8(gk_object *s) { return S(s)->data; }
/* Size of s in bytes. */
size_t gk__str_size(gk_object *s) { return S(s)->size; }
/* Length of s in code points. */
size_t gk__str_len(gk_object *s) { return S(s)->len; }

/* True if s holds exactly the text c. */
bool gk__str_eq_cstr(gk_object *s, const char *c)
{
    size_t n = strlen(c);
    return S(s)->size == n && memcmp(S(s)->data, c, n) == 0;
}

/* True if the two strs hold the same text. */
bool gk__str_eq(gk_object *a, gk_object *b)
{
    if (a == b)
        return true;
    gk_str *x = S(a), *y = S(b);
    if (x->size != y->size)
        return false;
    if (x->hash != -1 && y->hash != -1 && x->hash != y->hash)
        return false;
    return memcmp(x->data, y->data, x->size) == 0;
}

/* a + b for two strs. */
gk_object *gk__str_concat(gk_object *a, gk_object *b)
{
    gk_str *x = S(a), *y = S(b);
    if (y->size == 0 && GK_TYPE(a) == &gk__str_type)
        return gk__incref(a);
    if (x->size == 0 && GK_TYPE(b) == &gk__str_type)
        return gk__incref(b);
    if (x->size + y->size == 1)
        return ascii_char((unsigned char)(x->size ? x->data[0] : y->data[0]));
    gk_object *o = str_alloc(&gk__str_type, x->size + y->size);
    if (!o)
        return NULL;
    memcpy(S(o)->data, x->data, x->size);
    memcpy(S(o)->data + x->size, y->data, y->size);
    S(o)->len = x->len + y->len;
    S(o)->ascii = x->ascii && y->ascii;
    return o;
}

/* ------------------------------------------------------------------ */
/* Hashing and interning                                               */

static int64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ULL;
    }
    h ^= n;
    h ^= h >> 33; h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    int64_t r = (int64_t)(h >> 1);
    return r == -1 ? -2 : r;
}

static int64_t str_hash(gk_object *o)
{
    gk_str *s = S(o);
    if (s->hash == -1)
        s->hash = hash_bytes(s->data, s->size);
    return s->hash;
}

/* Interns an existing str: a new reference to the canonical copy. */
gk_object *gk__str_intern_obj(gk_object *s)
{
    if (!gk__rt)
        return gk__incref(s);
    if (!gk__rt->interned && !(gk__rt->interned = gk__dict_new()))
        return NULL;
    gk_object *exact = s;
    if (GK_TYPE(s) != &gk__str_type) {
        if (!(exact = make_str_len(S(s)->data, S(s)->size, S(s)->len)))
            return NULL;
    } else {
        gk__incref(exact);
    }
    gk_object *found = gk__dict_get(gk__rt->interned, exact);
    if (found) {
        gk__decref(exact);
        return gk__incref(found);
    }
    /* A missing str key is not an error (str hashing cannot fail), and an
     * exception pending from the caller must not count as our failure. */
    if (gk__dict_set(gk__rt->interned, exact, exact) < 0) {
        gk__decref(exact);
        return NULL;
    }
    return exact;
}

/* Borrowed interned str for the C string s (lives as long as the runtime).
 * A small cache keyed by the C pointer (verified with strcmp) skips the
 * dict lookup; it holds references to its strs and to the dict they were
 * interned in, so a later runtime can never see a stale entry. */
gk_object *gk__str_intern(const char *s)
{
    static struct { const char *p; gk_object *o; } cache[512];
    static gk_object *cache_dict;
    if (!gk__rt)
        return gk__str_from_cstr(s);   /* no runtime yet: kept alive forever */
    if (!gk__rt->interned && !(gk__rt->interned = gk__dict_new()))
        return NULL;
    if (gk__rt->interned != cache_dict) {
        for (size_t i = 0; i < 512; i++) {
            cache[i].p = NULL;
            GK_CLEAR(cache[i].o);
        }
        GK_SETREF(cache_dict, gk__incref(gk__rt->interned));
    }
    size_t slot = ((uintptr_t)s >> 3) % 512;
    if (cache[slot].p == s && strcmp(S(cache[slot].o)->data, s) == 0)
        return cache[slot].o;
    gk_object *tmp = gk__str_from_cstr(s);
    if (!tmp)
        return NULL;
    gk_object *r = gk__str_intern_obj(tmp);
    gk__decref(tmp);
    if (!r)
        return NULL;
    GK_SETREF(cache[slot].o, r);   /* the cache keeps this reference */
    cache[slot].p = s;
    return r;
}

/* ------------------------------------------------------------------ */
/* Strbuf                                                              */

/* Initializes an empty builder. */
void gk__strbuf_init(gk__strbuf *b)
{
    b->data = NULL;
    b->size = b->cap = 0;
}

static int strbuf_reserve(gk__strbuf *b, size_t extra)
{
    if (b->size + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->size + extra + 1)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        gk__raise_nomemory();
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

/* Appends n bytes; 0 / -1. */
int gk__strbuf_append(gk__strbuf *b, const char *s, size_t n)
{
    if (strbuf_reserve(b, n) < 0)
        return -1;
    memcpy(b->data + b->size, s, n);
    b->size += n;
    b->data[b->size] = 0;
    return 0;
}

/* Appends a C string; 0 / -1. */
int gk__strbuf_append_cstr(gk__strbuf *b, const char *s) { return gk__strbuf_append(b, s, strlen(s)); }

/* Appends the text of a str; 0 / -1. */
int gk__strbuf_append_str(gk__strbuf *b, gk_object *str)
{
    return gk__strbuf_append(b, S(str)->data, S(str)->size);
}

/* Appends printf output; 0 / -1. */
int gk__strbuf_printf(gk__strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
    va_end(ap2);
    int rc = 0;
    if (n < 0) {
        rc = 0;
    } else if ((size_t)n < sizeof tmp) {
        rc = gk__strbuf_append(b, tmp, (size_t)n);
    } else if (strbuf_reserve(b, (size_t)n) < 0) {
        rc = -1;
    } else {
        vsnprintf(b->data + b->size, (size_t)n + 1, fmt, ap);
        b->size += (size_t)n;
    }
    va_end(ap);
    return rc;
}

/* Returns the built str (UnicodeDecodeError if the bytes are not UTF-8) and frees the buffer. */
gk_object *gk__strbuf_finish(gk__strbuf *b)
{
    gk_object *r = gk__str_from_utf8(b->data ? b->data : "", b->size);
    gk__strbuf_free(b);
    return r;
}

/* Frees the buffer without building a str. */
void gk__strbuf_free(gk__strbuf *b)
{
    free(b->data);
    gk__strbuf_init(b);
}

static int strbuf_append_cp(gk__strbuf *b, uint32_t cp)
{
    char buf[4];
    return gk__strbuf_append(b, buf, u8_encode(cp, buf));
}

/* ------------------------------------------------------------------ */
/* repr, join                                                          */

static int repr_escape(gk__strbuf *b, uint32_t c, char quote)
{
    char tmp[16];
    if (c == (uint32_t)quote || c == '\\') {
        tmp[0] = '\\';
        tmp[1] = (char)c;
        return gk__strbuf_append(b, tmp, 2);
    }
    if (c == '\t') return gk__strbuf_append(b, "\\t", 2);
    if (c == '\n') return gk__strbuf_append(b, "\\n", 2);
    if (c == '\r') return gk__strbuf_append(b, "\\r", 2);
    if (c < 0x20 || c == 0x7F)
        return gk__strbuf_printf(b, "\\x%02x", c);
    if (c < 0x7F || cp_isprintable(c))
        return strbuf_append_cp(b, c);
    if (c < 0x100) return gk__strbuf_printf(b, "\\x%02x", c);
    if (c < 0x10000) return gk__strbuf_printf(b, "\\u%04x", c);
    return gk__strbuf_printf(b, "\\U%08x", c);
}

/* repr(s) with python3's quoting. */
gk_object *gk__str_repr(gk_object *o)
{
    gk_str *s = S(o);
    bool sq = memchr(s->data, '\'', s->size) != NULL, dq = memchr(s->data, '"', s->size) != NULL;
    char quote = (sq && !dq) ? '"' : '\'';
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (strbuf_reserve(&b, s->size + 2) < 0)
        return NULL;
    gk__strbuf_append(&b, &quote, 1);
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->size;
    while (p < end) {
        size_t adv;
        uint32_t c = u8_decode(p, &adv);
        p += adv;
        if (c >= 0x20 && c < 0x7F && c != (uint32_t)quote && c != '\\') {
            char ch = (char)c;
            if (gk__strbuf_append(&b, &ch, 1) < 0) goto fail;
        } else if (repr_escape(&b, c, quote) < 0) {
            goto fail;
        }
    }
    if (gk__strbuf_append(&b, &quote, 1) < 0)
        goto fail;
    return gk__strbuf_finish(&b);
fail:
    gk__strbuf_free(&b);
    return NULL;
}

static gk_object *str_repr_slot(gk_object *o) { return gk__str_repr(o); }

static gk_object *str_str_slot(gk_object *o)
{
    if (GK_TYPE(o) == &gk__str_type)
        return gk__incref(o);
    return make_str_len(S(o)->data, S(o)->size, S(o)->len);
}

static bool is_iterable(gk_object *o)
{
    return GK_TYPE(o)->iter || GK_TYPE(o)->getitem;
}

/* sep.join(iterable) */
gk_object *gk__str_join(gk_object *sep, gk_object *iterable)
{
    if (!is_iterable(iterable))
        return gk__raise(&gk__exc_TypeError, "can only join an iterable");
    gk_object *seq = gk__sequence_tuple(iterable);
    if (!seq)
        return NULL;
    size_t n = gk__tuple_size(seq);
    gk_object **items = gk__tuple_items(seq);
    gk_object *r = NULL;
    if (n == 1 && GK_TYPE(items[0]) == &gk__str_type) {
        r = gk__incref(items[0]);
        goto done;
    }
    size_t total = 0, len = 0;
    bool ascii = S(sep)->ascii;
    for (size_t i = 0; i < n; i++) {
        if (!gk__is_str(items[i])) {
            gk__raise(&gk__exc_TypeError, "sequence item %zu: expected str instance, %s found", i,
                      GK_TYPE_NAME(items[i]));
            goto done;
        }
        total += S(items[i])->size;
        len += S(items[i])->len;
        ascii = ascii && S(items[i])->ascii;
    }
    if (n > 1) {
        total += S(sep)->size * (n - 1);
        len += S(sep)->len * (n - 1);
    }
    if (total == 0) {
        r = empty_ref();
        goto done;
    }
    if (!(r = str_alloc(&gk__str_type, total)))
        goto done;
    char *d = S(r)->data;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            memcpy(d, S(sep)->data, S(sep)->size);
            d += S(sep)->size;
        }
        memcpy(d, S(items[i])->data, S(items[i])->size);
        d += S(items[i])->size;
    }
    S(r)->len = len;
    S(r)->ascii = ascii;
done:
    gk__decref(seq);
    return r;
}

/* ------------------------------------------------------------------ */
/* Codecs: utf-8, ascii, latin-1                                       */

enum { ENC_UTF8, ENC_ASCII, ENC_LATIN1 };

static int lookup_encoding(const char *name, const char **canon)
{
    char norm[32];
    size_t n = strlen(name);
    if (n >= sizeof norm)
        goto unknown;
    for (size_t i = 0; i <= n; i++) {
        char c = name[i];
        norm[i] = (c == '_' || c == ' ') ? '-' : (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    if (!strcmp(norm, "utf-8") || !strcmp(norm, "utf8") || !strcmp(norm, "u8") || !strcmp(norm, "utf")) {
        *canon = "utf-8";
        return ENC_UTF8;
    }
    if (!strcmp(norm, "ascii") || !strcmp(norm, "us-ascii") || !strcmp(norm, "646")) {
        *canon = "ascii";
        return ENC_ASCII;
    }
    if (!strcmp(norm, "latin-1") || !strcmp(norm, "latin1") || !strcmp(norm, "iso-8859-1") ||
        !strcmp(norm, "iso8859-1") || !strcmp(norm, "l1") || !strcmp(norm, "8859") ||
        !strcmp(norm, "cp819") || !strcmp(norm, "latin")) {
        *canon = "latin-1";
        return ENC_LATIN1;
    }
unknown:
    gk__raise(&gk__exc_LookupError, "unknown encoding: %s", name);
    return -1;
}

static int check_errors(const char *errors)
{
    if (!strcmp(errors, "strict")) return 0;
    if (!strcmp(errors, "ignore")) return 1;
    if (!strcmp(errors, "replace")) return 2;
    if (!strcmp(errors, "backslashreplace")) return 3;
    if (!strcmp(errors, "xmlcharrefreplace")) return 4;
    if (!strcmp(errors, "surrogateescape")) return 5;
    gk__raise(&gk__exc_LookupError, "unknown error handler name '%s'", errors);
    return -1;
}

static int decode_bad(gk__strbuf *b, const unsigned char *p, size_t bs, size_t be, int mode)
{
    for (size_t i = bs; i < be; i++) {
        if (mode == 1) continue;
        if (mode == 2) { if (i == bs && strbuf_append_cp(b, 0xFFFD) < 0) return -1; continue; }
        if (mode == 5) { if (strbuf_append_cp(b, 0xDC00 + p[i]) < 0) return -1; continue; }
        if (gk__strbuf_printf(b, "\\x%02x", p[i]) < 0) return -1;
    }
    return 0;
}

/* Decodes bytes p[0..n) as `encoding` with the `errors` handler; returns a str. */
gk_object *gk__str_decode(const unsigned char *p, size_t n, const char *encoding, const char *errors)
{
    const char *canon;
    int enc = lookup_encoding(encoding ? encoding : "utf-8", &canon);
    if (enc < 0)
        return NULL;
    if (enc == ENC_UTF8 && (!errors || !strcmp(errors, "strict")))
        return gk__str_from_utf8((const char *)p, n);
    int mode = -2;
    gk__strbuf b;
    gk__strbuf_init(&b);
    size_t i = 0;
    while (i < n) {
        size_t bs, be;
        const char *why;
        if (enc == ENC_LATIN1) {
            if (strbuf_append_cp(&b, p[i]) < 0) goto fail;
            i++;
            continue;
        }
        if (enc == ENC_ASCII) {
            size_t j = i;
            while (j < n && p[j] < 0x80) j++;
            if (gk__strbuf_append(&b, (const char *)p + i, j - i) < 0) goto fail;
            if (j == n) break;
            bs = j; be = j + 1; why = "ordinal not in range(128)";
        } else {
            if (!u8_check(p + i, n - i, &bs, &be, &why)) {
                if (gk__strbuf_append(&b, (const char *)p + i, n - i) < 0) goto fail;
                break;
            }
            if (gk__strbuf_append(&b, (const char *)p + i, bs) < 0) goto fail;
            bs += i; be += i;
        }
        if (mode == -2 && (mode = check_errors(errors ? errors : "strict")) < 0)
            goto fail;
        if (mode == 0 || mode == 3 + 1) {
            raise_decode(canon, p, bs, be, why);
            goto fail;
        }
        if (decode_bad(&b, p, bs, be, mode) < 0) goto fail;
        i = be;
    }
    return gk__strbuf_finish(&b);
fail:
    gk__strbuf_free(&b);
    return NULL;
}

static void encode_error(const char *canon, gk_str *s, size_t cpos, size_t cend, uint32_t c, unsigned limit)
{
    char range[32];
    snprintf(range, sizeof range, "range(%u)", limit);
    if (cend - cpos > 1) {
        gk__raise(&gk__exc_UnicodeEncodeError, "'%s' codec can't encode characters in position %zu-%zu: "
                  "ordinal not in %s", canon, cpos, cend - 1, range);
        return;
    }
    char esc[16];
    if (c < 0x100) snprintf(esc, sizeof esc, "\\x%02x", c);
    else if (c < 0x10000) snprintf(esc, sizeof esc, "\\u%04x", c);
    else snprintf(esc, sizeof esc, "\\U%08x", c);
    gk__raise(&gk__exc_UnicodeEncodeError, "'%s' codec can't encode character '%s' in position %zu: "
              "ordinal not in %s", canon, esc, cpos, range);
}

static int encode_bad(gk__strbuf *b, uint32_t c, int mode)
{
    switch (mode) {
    case 1: return 0;
    case 2: return gk__strbuf_append(b, "?", 1);
    case 3:
        if (c < 0x100) return gk__strbuf_printf(b, "\\x%02x", c);
        if (c < 0x10000) return gk__strbuf_printf(b, "\\u%04x", c);
        return gk__strbuf_printf(b, "\\U%08x", c);
    default: return gk__strbuf_printf(b, "&#%u;", c);
    }
}

/* Encodes str s with `encoding` and `errors`; returns bytes. */
gk_object *gk__str_encode(gk_object *o, const char *encoding, const char *errors)
{
    gk_str *s = S(o);
    const char *canon;
    int enc = lookup_encoding(encoding ? encoding : "utf-8", &canon);
    if (enc < 0)
        return NULL;
    if (enc == ENC_UTF8 || s->ascii)
        return gk__bytes_new(s->data, s->size);
    unsigned limit = enc == ENC_ASCII ? 128 : 256;
    int mode = -2;
    gk__strbuf b;
    gk__strbuf_init(&b);
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->size;
    size_t cpos = 0;
    while (p < end) {
        size_t adv;
        uint32_t c = u8_decode(p, &adv);
        if (c < limit) {
            char ch = (char)c;
            if (gk__strbuf_append(&b, &ch, 1) < 0) goto fail;
            p += adv;
            cpos++;
            continue;
        }
        if (mode == -2 && (mode = check_errors(errors ? errors : "strict")) < 0)
            goto fail;
        if (mode == 0 || mode == 5) {
            size_t cend = cpos + 1;
            const unsigned char *q = p + adv;
            while (q < end) {
                size_t a2;
                if (u8_decode(q, &a2) < limit) break;
                q += a2;
                cend++;
            }
            encode_error(canon, s, cpos, cend, c, limit);
            goto fail;
        }
        if (encode_bad(&b, c, mode) < 0) goto fail;
        p += adv;
        cpos++;
    }
    gk_object *r = gk__bytes_new(b.data ? b.data : "", b.size);
    gk__strbuf_free(&b);
    return r;
fail:
    gk__strbuf_free(&b);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Indexing                                                            */

/* Byte offset of code point i (0 <= i <= len). */
static size_t cp_offset(gk_str *s, size_t i)
{
    if (s->ascii || i == 0)
        return i;
    if (i >= s->len)
        return s->size;
    const unsigned char *p = (const unsigned char *)s->data;
    /* start from the nearest of: the beginning, the cached position, the end */
    size_t k = 0, off = 0;
    size_t dk = i, dc = s->cache_cp > i ? s->cache_cp - i : i - s->cache_cp, de = s->len - i;
    if (dc < dk && dc <= de) {
        k = s->cache_cp;
        off = s->cache_off;
    } else if (de < dk) {
        k = s->len;
        off = s->size;
    }
    while (k < i) {
        off++;
        while ((p[off] & 0xC0) == 0x80)
            off++;
        k++;
    }
    while (k > i) {
        off--;
        while ((p[off] & 0xC0) == 0x80)
            off--;
        k--;
    }
    s->cache_cp = i;
    s->cache_off = off;
    return off;
}

/* Code point index of byte offset off. */
static size_t cp_index(gk_str *s, size_t off)
{
    return s->ascii ? off : u8_count(s->data, off);
}

static gk_object *substr(gk_object *o, size_t b0, size_t b1)
{
    gk_str *s = S(o);
    if (b0 == 0 && b1 == s->size && GK_TYPE(o) == &gk__str_type)
        return gk__incref(o);
    return make_str_len(s->data + b0, b1 - b0, s->ascii ? b1 - b0 : (size_t)-1);
}

static gk_object *str_char_at(gk_object *o, size_t i)
{
    gk_str *s = S(o);
    if (s->ascii)
        return ascii_char((unsigned char)s->data[i]);
    size_t off = cp_offset(s, i), adv;
    u8_decode((const unsigned char *)s->data + off, &adv);
    return substr(o, off, off + adv);
}

static gk_object *str_slice(gk_object *o, gk_object *key)
{
    gk_str *s = S(o);
    intptr_t start, stop, step, n;
    if (gk__slice_indices(key, (intptr_t)s->len, &start, &stop, &step, &n) < 0)
        return NULL;
    if (n <= 0)
        return empty_ref();
    if (step == 1)
        return substr(o, cp_offset(s, (size_t)start), cp_offset(s, (size_t)stop));
    gk__strbuf b;
    gk__strbuf_init(&b);
    size_t *offs = NULL;
    if (!s->ascii) {
        if (!(offs = malloc((s->len + 1) * sizeof *offs)))
            return gk__raise_nomemory();
        size_t k = 0;
        for (size_t off = 0; off < s->size; off++)
            if (((unsigned char)s->data[off] & 0xC0) != 0x80)
                offs[k++] = off;
        offs[k] = s->size;
    }
    for (intptr_t i = 0, j = start; i < n; i++, j += step) {
        size_t b0 = offs ? offs[j] : (size_t)j, b1 = offs ? offs[j + 1] : (size_t)j + 1;
        if (gk__strbuf_append(&b, s->data + b0, b1 - b0) < 0) {
            free(offs);
            gk__strbuf_free(&b);
            return NULL;
        }
    }
    free(offs);
    gk_object *r = make_str_len(b.data, b.size, (size_t)n);
    gk__strbuf_free(&b);
    return r;
}

static gk_object *str_getitem(gk_object *o, gk_object *key)
{
    if (gk__is_slice(key))
        return str_slice(o, key);
    if (!gk__is_int(key) && !GK_TYPE(key)->nb_index)
        return gk__raise(&gk__exc_TypeError, "string indices must be integers, not '%s'", GK_TYPE_NAME(key));
    intptr_t i;
    if (gk__index_to_ssize(key, &i) < 0)
        return NULL;
    intptr_t len = (intptr_t)S(o)->len;
    if (i < 0)
        i += len;
    if (i < 0 || i >= len)
        return gk__raise(&gk__exc_IndexError, "string index out of range");
    return str_char_at(o, (size_t)i);
}

static intptr_t str_len(gk_object *o) { return (intptr_t)S(o)->len; }

static int str_contains(gk_object *o, gk_object *item)
{
    if (!gk__is_str(item)) {
        gk__raise(&gk__exc_TypeError, "'in <string>' requires string as left operand, not %s",
                  GK_TYPE_NAME(item));
        return -1;
    }
    if (S(item)->size == 0)
        return 1;
    return memmem(S(o)->data, S(o)->size, S(item)->data, S(item)->size) != NULL;
}

static int str_cmp(gk_str *a, gk_str *b)
{
    size_t n = a->size < b->size ? a->size : b->size;
    int c = memcmp(a->data, b->data, n);
    if (c)
        return c;
    return a->size < b->size ? -1 : a->size > b->size;
}

static gk_object *str_richcompare(gk_object *a, gk_object *b, int op)
{
    if (!gk__is_str(a) || !gk__is_str(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (op == GK_EQ || op == GK_NE)
        return gk__bool(gk__str_eq(a, b) == (op == GK_EQ));
    int c = str_cmp(S(a), S(b));
    bool r;
    switch (op) {
    case GK_LT: r = c < 0; break;
    case GK_LE: r = c <= 0; break;
    case GK_GT: r = c > 0; break;
    default: r = c >= 0; break;
    }
    return gk__bool(r);
}

static bool defers_to_other(gk_object *other, const char *rname)
{
    return (GK_TYPE(other)->flags & GK_TPFLAG_HEAPTYPE) && gk__type_lookup_cstr(GK_TYPE(other), rname);
}

static gk_object *str_add(gk_object *a, gk_object *b)
{
    if (!gk__is_str(a))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (!gk__is_str(b)) {
        if (defers_to_other(b, "__radd__"))
            return gk__incref(GK_NOTIMPLEMENTED);
        return gk__raise(&gk__exc_TypeError, "can only concatenate str (not \"%s\") to str", GK_TYPE_NAME(b));
    }
    return gk__str_concat(a, b);
}

static gk_object *str_repeat(gk_object *o, intptr_t n)
{
    gk_str *s = S(o);
    if (n <= 0 || s->size == 0)
        return empty_ref();
    if (n == 1 && GK_TYPE(o) == &gk__str_type)
        return gk__incref(o);
    if ((size_t)n > (SIZE_MAX / 4) / s->size)
        return gk__raise_nomemory();
    size_t total = s->size * (size_t)n;
    if (total == 1)
        return ascii_char((unsigned char)s->data[0]);
    gk_object *r = str_alloc(&gk__str_type, total);
    if (!r)
        return NULL;
    char *d = S(r)->data;
    if (s->size == 1) {
        memset(d, s->data[0], total);
    } else {
        memcpy(d, s->data, s->size);
        size_t done = s->size;
        while (done < total) {
            size_t k = done <= total - done ? done : total - done;
            memcpy(d + done, d, k);
            done += k;
        }
    }
    S(r)->len = s->len * (size_t)n;
    S(r)->ascii = s->ascii;
    return r;
}

static gk_object *str_mul(gk_object *a, gk_object *b)
{
    gk_object *s = gk__is_str(a) ? a : b, *n = gk__is_str(a) ? b : a;
    if (!gk__is_str(s))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (!gk__is_int(n) && !GK_TYPE(n)->nb_index) {
        if (defers_to_other(n, s == a ? "__rmul__" : "__mul__"))
            return gk__incref(GK_NOTIMPLEMENTED);
        return gk__raise(&gk__exc_TypeError, "can't multiply sequence by non-int of type '%s'", GK_TYPE_NAME(n));
    }
    intptr_t k;
    if (gk__index_to_ssize(n, &k) < 0) {
        if (gk__err_matches(&gk__exc_IndexError)) {
            gk__err_clear();
            return gk__raise(&gk__exc_OverflowError, "cannot fit 'int' into an index-sized integer");
        }
        return NULL;
    }
    return str_repeat(s, k);
}

static gk_object *str_mod(gk_object *a, gk_object *b)
{
    if (!gk__is_str(a))
        return gk__incref(GK_NOTIMPLEMENTED);
    return gk__str_percent(a, b);
}

/* ------------------------------------------------------------------ */
/* Iterator                                                            */

static gk_object *str_iter_new(gk_object *o)
{
    str_iter *it = (str_iter *)gk__obj_new(&gk__str_iter_type, sizeof(str_iter));
    if (!it)
        return NULL;
    it->str = gk__incref(o);
    it->pos = 0;
    return (gk_object *)it;
}

static void siter_dealloc(gk_object *o)
{
    GK_CLEAR(((str_iter *)o)->str);
    gk__obj_free(o);
}

static gk_object *siter_next(gk_object *o)
{
    str_iter *it = (str_iter *)o;
    if (!it->str)
        return NULL;
    gk_str *s = S(it->str);
    if (it->pos >= s->size) {
        GK_CLEAR(it->str);
        return NULL;
    }
    unsigned char c = (unsigned char)s->data[it->pos];
    if (c < 0x80) {
        it->pos++;
        return ascii_char(c);
    }
    size_t adv;
    u8_decode((const unsigned char *)s->data + it->pos, &adv);
    gk_object *r = make_str_len(s->data + it->pos, adv, 1);
    it->pos += adv;
    return r;
}


static gk_object *siter_length_hint(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    str_iter *it = (str_iter *)self;
    if (!it->str)
        return gk__int_from_i64(0);
    gk_str *s = S(it->str);
    return gk__int_from_u64(s->len - cp_index(s, it->pos));
}

static const gk__methoddef siter_methods[] = {
    {"__length_hint__", siter_length_hint, 0, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__str_iter_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "str_iterator",
    .basicsize = sizeof(str_iter),
    .dealloc = siter_dealloc,
    .getattr = gk__object_generic_getattr,
    .iter = gk__iter_self,
    .iternext = siter_next,
    .methods = siter_methods,
};

/* ------------------------------------------------------------------ */
/* Method helpers                                                      */

static uint32_t next_cp(gk_str *s, size_t *off)
{
    size_t adv;
    uint32_t c = u8_decode((const unsigned char *)s->data + *off, &adv);
    *off += adv;
    return c;
}

static uint32_t prev_cp(gk_str *s, size_t *off)
{
    size_t o = *off - 1;
    while (o > 0 && ((unsigned char)s->data[o] & 0xC0) == 0x80)
        o--;
    *off = o;
    size_t adv;
    return u8_decode((const unsigned char *)s->data + o, &adv);
}

static gk_object *need_str(gk_object *o, const char *what)
{
    if (gk__is_str(o))
        return o;
    if (what)
        gk__raise(&gk__exc_TypeError, "%s must be str, not %s", what, GK_TYPE_NAME(o));
    else
        gk__raise(&gk__exc_TypeError, "must be str, not %s", GK_TYPE_NAME(o));
    return NULL;
}

static int slice_index(gk_object *o, intptr_t *out)
{
    if (!o || o == GK_NONE)
        return 0;
    if (!gk__is_int(o) && !GK_TYPE(o)->nb_index) {
        gk__raise(&gk__exc_TypeError, "slice indices must be integers or None or have an __index__ method");
        return -1;
    }
    if (gk__index_to_ssize(o, out) < 0) {
        if (!gk__err_matches(&gk__exc_IndexError) && !gk__err_matches(&gk__exc_OverflowError))
            return -1;
        gk__err_clear();
        *out = gk__int_sign(o) < 0 ? -INTPTR_MAX : INTPTR_MAX;
    }
    return 0;
}

/* A [start:end] range of a str, in code points and bytes. */
typedef struct { intptr_t cs, ce; size_t bs, be; bool valid; } srange;

static int get_range(gk_str *s, gk_object *start, gk_object *end, srange *r)
{
    intptr_t len = (intptr_t)s->len, a = 0, b = len;
    if (slice_index(start, &a) < 0 || slice_index(end, &b) < 0)
        return -1;
    if (a < 0) { a += len; if (a < 0) a = 0; }
    if (b < 0) { b += len; if (b < 0) b = 0; }
    if (b > len) b = len;
    r->valid = a <= len && a <= b;
    if (!r->valid) { r->cs = r->ce = 0; r->bs = r->be = 0; return 0; }
    r->cs = a; r->ce = b;
    r->bs = cp_offset(s, (size_t)a);
    r->be = b == a ? r->bs : cp_offset(s, (size_t)b);
    return 0;
}

static const char *rmemmem(const char *h, size_t hn, const char *n, size_t nn)
{
    if (nn > hn)
        return NULL;
    for (size_t i = hn - nn + 1; i-- > 0;)
        if (h[i] == n[0] && memcmp(h + i, n, nn) == 0)
            return h + i;
    return NULL;
}

static int list_add_sub(gk_object *list, gk_object *o, size_t b0, size_t b1)
{
    gk_object *x = substr(o, b0, b1);
    if (!x)
        return -1;
    int rc = gk__list_append(list, x);
    gk__decref(x);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Case mapping                                                        */

enum { C_LOWER, C_UPPER, C_CASEFOLD, C_SWAP, C_CAPITALIZE, C_TITLE };

/* Full (one-to-many) upper-case mappings: U+00DF and the Latin ligatures. */
static const char *special_upper(uint32_t c)
{
    switch (c) {
    case 0xDF: return "SS";
    case 0xFB00: return "FF";
    case 0xFB01: return "FI";
    case 0xFB02: return "FL";
    case 0xFB03: return "FFI";
    case 0xFB04: return "FFL";
    case 0xFB05: case 0xFB06: return "ST";
    default: return NULL;
    }
}

static int put_upper(gk__strbuf *b, uint32_t c)
{
    const char *sp = special_upper(c);
    return sp ? gk__strbuf_append_cstr(b, sp) : strbuf_append_cp(b, cp_upper(c));
}

static int put_title(gk__strbuf *b, uint32_t c)
{
    const char *sp = special_upper(c);
    if (sp) {
        char t[4] = {sp[0], 0, 0, 0};
        for (size_t i = 1; sp[i]; i++)
            t[i] = (char)(sp[i] + 32);
        return gk__strbuf_append_cstr(b, t);
    }
    /* the Latin digraphs DŽ Lj Nj Dz have distinct title-case forms */
    if (c >= 0x1C4 && c <= 0x1CC)
        return strbuf_append_cp(b, 0x1C5 + (c - 0x1C4) / 3 * 3);
    if (c >= 0x1F1 && c <= 0x1F3)
        return strbuf_append_cp(b, 0x1F2);
    return strbuf_append_cp(b, cp_upper(c));
}

static gk_object *map_case(gk_object *self, int mode)
{
    gk_str *s = S(self);
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (strbuf_reserve(&b, s->size) < 0)
        return NULL;
    size_t off = 0;
    bool prev_cased = false, first = true;
    while (off < s->size) {
        uint32_t c = next_cp(s, &off);
        int rc;
        switch (mode) {
        case C_LOWER: rc = strbuf_append_cp(&b, cp_lower(c)); break;
        case C_UPPER: rc = put_upper(&b, c); break;
        case C_CASEFOLD:
            rc = c == 0xDF ? gk__strbuf_append(&b, "ss", 2) : strbuf_append_cp(&b, cp_lower(c));
            break;
        case C_SWAP:
            if (cp_isupper(c)) rc = strbuf_append_cp(&b, cp_lower(c));
            else if (cp_islower(c) || special_upper(c)) rc = put_upper(&b, c);
            else rc = strbuf_append_cp(&b, c);
            break;
        case C_CAPITALIZE:
            rc = first ? put_title(&b, c) : strbuf_append_cp(&b, cp_lower(c));
            break;
        default:
            rc = prev_cased ? strbuf_append_cp(&b, cp_lower(c)) : put_title(&b, c);
            prev_cased = cp_iscased(c);
            break;
        }
        first = false;
        if (rc < 0) {
            gk__strbuf_free(&b);
            return NULL;
        }
    }
    return gk__strbuf_finish(&b);
}

METH(str_lower) { return gk__check_args("lower", nargs, kwnames, 0, 0) < 0 ? NULL : map_case(self, C_LOWER); }
METH(str_upper) { return gk__check_args("upper", nargs, kwnames, 0, 0) < 0 ? NULL : map_case(self, C_UPPER); }
METH(str_casefold) { return gk__check_args("casefold", nargs, kwnames, 0, 0) < 0 ? NULL : map_case(self, C_CASEFOLD); }
METH(str_swapcase) { return gk__check_args("swapcase", nargs, kwnames, 0, 0) < 0 ? NULL : map_case(self, C_SWAP); }
METH(str_title) { return gk__check_args("title", nargs, kwnames, 0, 0) < 0 ? NULL : map_case(self, C_TITLE); }
METH(str_capitalize)
{
    return gk__check_args("capitalize", nargs, kwnames, 0, 0) < 0 ? NULL : map_case(self, C_CAPITALIZE);
}

/* ------------------------------------------------------------------ */
/* Predicates                                                          */

static gk_object *predicate(gk_object *self, size_t nargs, gk_object *kwnames, const char *name,
                            bool (*f)(uint32_t))
{
    if (gk__check_args(name, nargs, kwnames, 0, 0) < 0)
        return NULL;
    gk_str *s = S(self);
    if (s->size == 0)
        return gk__bool(false);
    size_t off = 0;
    while (off < s->size)
        if (!f(next_cp(s, &off)))
            return gk__bool(false);
    return gk__bool(true);
}

METH(str_isalpha) { return predicate(self, nargs, kwnames, "isalpha", cp_isalpha); }
METH(str_isdigit) { return predicate(self, nargs, kwnames, "isdigit", cp_isdigit); }
METH(str_isdecimal) { return predicate(self, nargs, kwnames, "isdecimal", cp_isdecimal); }
METH(str_isnumeric) { return predicate(self, nargs, kwnames, "isnumeric", cp_isnumeric); }
METH(str_isalnum) { return predicate(self, nargs, kwnames, "isalnum", cp_isalnum); }
METH(str_isspace) { return predicate(self, nargs, kwnames, "isspace", cp_isspace); }

METH(str_isprintable)
{
    if (S(self)->size == 0)
        return gk__check_args("isprintable", nargs, kwnames, 0, 0) < 0 ? NULL : gk__bool(true);
    return predicate(self, nargs, kwnames, "isprintable", cp_isprintable);
}

METH(str_isascii)
{
    if (gk__check_args("isascii", nargs, kwnames, 0, 0) < 0)
        return NULL;
    return gk__bool(S(self)->ascii);
}

static gk_object *case_pred(gk_object *self, size_t nargs, gk_object *kwnames, const char *name, bool upper)
{
    if (gk__check_args(name, nargs, kwnames, 0, 0) < 0)
        return NULL;
    gk_str *s = S(self);
    bool cased = false;
    size_t off = 0;
    while (off < s->size) {
        uint32_t c = next_cp(s, &off);
        if (upper ? cp_islower(c) : cp_isupper(c))
            return gk__bool(false);
        if (upper ? cp_isupper(c) : cp_islower(c))
            cased = true;
    }
    return gk__bool(cased);
}

METH(str_isupper) { return case_pred(self, nargs, kwnames, "isupper", true); }
METH(str_islower) { return case_pred(self, nargs, kwnames, "islower", false); }

METH(str_istitle)
{
    if (gk__check_args("istitle", nargs, kwnames, 0, 0) < 0)
        return NULL;
    gk_str *s = S(self);
    bool cased = false, prev_cased = false;
    size_t off = 0;
    while (off < s->size) {
        uint32_t c = next_cp(s, &off);
        if (cp_isupper(c)) {
            if (prev_cased)
                return gk__bool(false);
            prev_cased = cased = true;
        } else if (cp_islower(c)) {
            if (!prev_cased)
                return gk__bool(false);
            prev_cased = cased = true;
        } else {
            prev_cased = false;
        }
    }
    return gk__bool(cased);
}

METH(str_isidentifier)
{
    if (gk__check_args("isidentifier", nargs, kwnames, 0, 0) < 0)
        return NULL;
    gk_str *s = S(self);
    if (s->size == 0)
        return gk__bool(false);
    size_t off = 0;
    uint32_t c = next_cp(s, &off);
    if (!(c == '_' || cp_isalpha(c)))
        return gk__bool(false);
    while (off < s->size) {
        c = next_cp(s, &off);
        if (!(c == '_' || cp_isalpha(c) || cp_isdecimal(c) || (c >= 128 && cp_isnumeric(c))))
            return gk__bool(false);
    }
    return gk__bool(true);
}

/* ------------------------------------------------------------------ */
/* Searching                                                           */

/* Finds sub in self[start:end]; returns the code point index or -1 (-2 on error). */
static intptr_t find_impl(const char *fn, gk_object *self, gk_object *const *args, size_t nargs,
                          gk_object *kwnames, bool rev)
{
    if (gk__check_args(fn, nargs, kwnames, 1, 3) < 0)
        return -2;
    if (!need_str(args[0], NULL))
        return -2;
    gk_str *s = S(self), *sub = S(args[0]);
    srange r;
    if (get_range(s, nargs > 1 ? args[1] : NULL, nargs > 2 ? args[2] : NULL, &r) < 0)
        return -2;
    if (!r.valid)
        return -1;
    if (sub->size == 0)
        return rev ? r.ce : r.cs;
    const char *h = s->data + r.bs, *p;
    size_t hn = r.be - r.bs;
    p = rev ? rmemmem(h, hn, sub->data, sub->size) : memmem(h, hn, sub->data, sub->size);
    if (!p)
        return -1;
    return (intptr_t)cp_index(s, (size_t)(p - s->data));
}

METH(str_find)
{
    intptr_t i = find_impl("find", self, args, nargs, kwnames, false);
    return i == -2 ? NULL : gk__int_from_i64(i);
}

METH(str_rfind)
{
    intptr_t i = find_impl("rfind", self, args, nargs, kwnames, true);
    return i == -2 ? NULL : gk__int_from_i64(i);
}

METH(str_index)
{
    intptr_t i = find_impl("index", self, args, nargs, kwnames, false);
    if (i == -1)
        return gk__raise(&gk__exc_ValueError, "substring not found");
    return i == -2 ? NULL : gk__int_from_i64(i);
}

METH(str_rindex)
{
    intptr_t i = find_impl("rindex", self, args, nargs, kwnames, true);
    if (i == -1)
        return gk__raise(&gk__exc_ValueError, "substring not found");
    return i == -2 ? NULL : gk__int_from_i64(i);
}

static size_t count_occ(const char *h, size_t hn, const char *n, size_t nn, size_t max)
{
    size_t k = 0;
    const char *end = h + hn, *p;
    while (k < max && (p = memmem(h, (size_t)(end - h), n, nn))) {
        k++;
        h = p + nn;
    }
    return k;
}

METH(str_count)
{
    if (gk__check_args("count", nargs, kwnames, 1, 3) < 0 || !need_str(args[0], NULL))
        return NULL;
    gk_str *s = S(self), *sub = S(args[0]);
    srange r;
    if (get_range(s, nargs > 1 ? args[1] : NULL, nargs > 2 ? args[2] : NULL, &r) < 0)
        return NULL;
    if (!r.valid)
        return gk__int_from_i64(0);
    if (sub->size == 0)
        return gk__int_from_i64(r.ce - r.cs + 1);
    return gk__int_from_u64(count_occ(s->data + r.bs, r.be - r.bs, sub->data, sub->size, SIZE_MAX));
}

static gk_object *replace_impl(gk_object *self, gk_str *old, gk_str *new_, intptr_t maxcount)
{
    gk_str *s = S(self);
    size_t max = maxcount < 0 ? SIZE_MAX : (size_t)maxcount;
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (old->size == 0) {
        size_t off = 0, k = 0;
        while (1) {
            if (k < max) {
                if (gk__strbuf_append(&b, new_->data, new_->size) < 0) goto fail;
                k++;
            }
            if (off >= s->size) break;
            size_t o0 = off;
            next_cp(s, &off);
            if (gk__strbuf_append(&b, s->data + o0, off - o0) < 0) goto fail;
        }
        return gk__strbuf_finish(&b);
    }
    size_t n = count_occ(s->data, s->size, old->data, old->size, max);
    if (n == 0)
        return str_str_slot(self);
    const char *h = s->data, *end = s->data + s->size, *p;
    for (size_t k = 0; k < n && (p = memmem(h, (size_t)(end - h), old->data, old->size)); k++) {
        if (gk__strbuf_append(&b, h, (size_t)(p - h)) < 0 ||
            gk__strbuf_append(&b, new_->data, new_->size) < 0)
            goto fail;
        h = p + old->size;
    }
    if (gk__strbuf_append(&b, h, (size_t)(end - h)) < 0)
        goto fail;
    return gk__strbuf_finish(&b);
fail:
    gk__strbuf_free(&b);
    return NULL;
}

METH(str_replace)
{
    if (gk__check_args("replace", nargs, kwnames, 2, 3) < 0)
        return NULL;
    for (int i = 0; i < 2; i++)
        if (!gk__is_str(args[i]))
            return gk__raise(&gk__exc_TypeError, "replace() argument %d must be str, not %s", i + 1,
                             GK_TYPE_NAME(args[i]));
    intptr_t count = -1;
    if (nargs > 2) {
        if (!gk__is_int(args[2]) && !GK_TYPE(args[2])->nb_index)
            return gk__raise(&gk__exc_TypeError, "'%s' object cannot be interpreted as an integer",
                             GK_TYPE_NAME(args[2]));
        if (gk__index_to_ssize(args[2], &count) < 0)
            return NULL;
    }
    return replace_impl(self, S(args[0]), S(args[1]), count);
}

/* ------------------------------------------------------------------ */
/* Splitting                                                           */

static int split_args(const char *fn, gk_object *const *args, size_t nargs, gk_object *kwnames,
                      gk_object **sep, intptr_t *maxsplit)
{
    static const char *const names[] = {"sep", "maxsplit"};
    gk_object *out[2];
    if (gk__parse_args(fn, args, nargs, kwnames, names, 0, 2, out) < 0)
        return -1;
    *sep = out[0] == GK_NONE ? NULL : out[0];
    *maxsplit = -1;
    if (*sep && !gk__is_str(*sep)) {
        gk__raise(&gk__exc_TypeError, "must be str or None, not %s", GK_TYPE_NAME(*sep));
        return -1;
    }
    if (*sep && S(*sep)->size == 0) {
        gk__raise(&gk__exc_ValueError, "empty separator");
        return -1;
    }
    if (out[1]) {
        if (!gk__is_int(out[1]) && !GK_TYPE(out[1])->nb_index) {
            gk__raise(&gk__exc_TypeError, "'%s' object cannot be interpreted as an integer",
                      GK_TYPE_NAME(out[1]));
            return -1;
        }
        if (gk__index_to_ssize(out[1], maxsplit) < 0)
            return -1;
    }
    return 0;
}

static int split_ws(gk_object *self, gk_object *list, size_t max)
{
    gk_str *s = S(self);
    size_t off = 0, k = 0;
    while (off < s->size) {
        size_t o = off;
        if (cp_isspace(next_cp(s, &off)))
            continue;
        off = o;
        if (k == max)
            return list_add_sub(list, self, off, s->size);
        size_t start = off;
        while (off < s->size) {
            o = off;
            if (cp_isspace(next_cp(s, &off))) {
                off = o;
                break;
            }
        }
        if (list_add_sub(list, self, start, off) < 0)
            return -1;
        k++;
    }
    return 0;
}

static int rsplit_ws(gk_object *self, gk_object *list, size_t max)
{
    gk_str *s = S(self);
    size_t off = s->size, k = 0;
    while (off > 0) {
        size_t o = off;
        if (cp_isspace(prev_cp(s, &off)))
            continue;
        off = o;
        if (k == max)
            return list_add_sub(list, self, 0, off);
        size_t end = off;
        while (off > 0) {
            o = off;
            if (cp_isspace(prev_cp(s, &off))) {
                off = o;
                break;
            }
        }
        if (list_add_sub(list, self, off, end) < 0)
            return -1;
        k++;
    }
    return 0;
}

static void list_reverse(gk_object *list)
{
    gk_object **it = gk__list_items(list);
    size_t n = gk__list_size(list);
    for (size_t i = 0; i < n / 2; i++) {
        gk_object *t = it[i];
        it[i] = it[n - 1 - i];
        it[n - 1 - i] = t;
    }
}

static gk_object *split_impl(gk_object *self, gk_object *sep, intptr_t maxsplit, bool rev)
{
    gk_object *list = gk__list_new(0);
    if (!list)
        return NULL;
    size_t max = maxsplit < 0 ? SIZE_MAX : (size_t)maxsplit;
    int rc = 0;
    gk_str *s = S(self);
    if (!sep) {
        rc = rev ? rsplit_ws(self, list, max) : split_ws(self, list, max);
    } else if (!rev) {
        const char *h = s->data, *end = s->data + s->size, *p;
        size_t k = 0;
        while (rc == 0 && k < max && (p = memmem(h, (size_t)(end - h), S(sep)->data, S(sep)->size))) {
            rc = list_add_sub(list, self, (size_t)(h - s->data), (size_t)(p - s->data));
            h = p + S(sep)->size;
            k++;
        }
        if (rc == 0)
            rc = list_add_sub(list, self, (size_t)(h - s->data), s->size);
    } else {
        size_t e = s->size, k = 0;
        const char *p;
        while (rc == 0 && k < max && (p = rmemmem(s->data, e, S(sep)->data, S(sep)->size))) {
            size_t at = (size_t)(p - s->data);
            rc = list_add_sub(list, self, at + S(sep)->size, e);
            e = at;
            k++;
        }
        if (rc == 0)
            rc = list_add_sub(list, self, 0, e);
    }
    if (rc < 0) {
        gk__decref(list);
        return NULL;
    }
    if (rev)
        list_reverse(list);
    return list;
}

METH(str_split)
{
    gk_object *sep;
    intptr_t max;
    if (split_args("split", args, nargs, kwnames, &sep, &max) < 0)
        return NULL;
    return split_impl(self, sep, max, false);
}

METH(str_rsplit)
{
    gk_object *sep;
    intptr_t max;
    if (split_args("rsplit", args, nargs, kwnames, &sep, &max) < 0)
        return NULL;
    return split_impl(self, sep, max, true);
}

METH(str_splitlines)
{
    static const char *const names[] = {"keepends"};
    gk_object *kw = NULL;
    if (gk__parse_args("splitlines", args, nargs, kwnames, names, 0, 1, &kw) < 0)
        return NULL;
    int keep = 0;
    if (kw && (keep = gk__truthy(kw)) < 0)
        return NULL;
    gk_str *s = S(self);
    gk_object *list = gk__list_new(0);
    if (!list)
        return NULL;
    size_t off = 0, start = 0;
    while (off < s->size) {
        size_t o = off;
        uint32_t c = next_cp(s, &off);
        if (!cp_islinebreak(c))
            continue;
        if (c == '\r' && off < s->size && s->data[off] == '\n')
            off++;
        if (list_add_sub(list, self, start, keep ? off : o) < 0)
            goto fail;
        start = off;
    }
    if (start < s->size && list_add_sub(list, self, start, s->size) < 0)
        goto fail;
    return list;
fail:
    gk__decref(list);
    return NULL;
}

static gk_object *partition_impl(gk_object *self, gk_object *sep, bool rev)
{
    if (!gk__is_str(sep))
        return gk__raise(&gk__exc_TypeError, "must be str, not %s", GK_TYPE_NAME(sep));
    gk_str *s = S(self), *p = S(sep);
    if (p->size == 0)
        return gk__raise(&gk__exc_ValueError, "empty separator");
    const char *at = rev ? rmemmem(s->data, s->size, p->data, p->size) : memmem(s->data, s->size, p->data, p->size);
    gk_object *a, *b, *c;
    if (!at) {
        gk_object *whole = str_str_slot(self), *e = empty_ref();
        gk_object *t = rev ? gk__tuple_pack(3, e, e, whole) : gk__tuple_pack(3, whole, e, e);
        gk__decref(whole);
        gk__decref(e);
        return t;
    }
    size_t i = (size_t)(at - s->data);
    a = substr(self, 0, i);
    b = str_str_slot(sep);
    c = substr(self, i + p->size, s->size);
    gk_object *t = (a && b && c) ? gk__tuple_pack(3, a, b, c) : NULL;
    gk__xdecref(a);
    gk__xdecref(b);
    gk__xdecref(c);
    return t;
}

METH(str_partition)
{
    if (gk__check_args("partition", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return partition_impl(self, args[0], false);
}

METH(str_rpartition)
{
    if (gk__check_args("rpartition", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return partition_impl(self, args[0], true);
}

/* ------------------------------------------------------------------ */
/* Strip, affixes, padding                                             */

static bool in_chars(gk_str *chars, uint32_t c)
{
    if (!chars)
        return cp_isspace(c);
    size_t off = 0;
    while (off < chars->size)
        if (next_cp(chars, &off) == c)
            return true;
    return false;
}

static gk_object *strip_impl(const char *fn, gk_object *self, gk_object *const *args, size_t nargs,
                             gk_object *kwnames, bool left, bool right)
{
    if (gk__check_args(fn, nargs, kwnames, 0, 1) < 0)
        return NULL;
    gk_str *chars = NULL;
    if (nargs && args[0] != GK_NONE) {
        if (!gk__is_str(args[0]))
            return gk__raise(&gk__exc_TypeError, "%s arg must be None or str", fn);
        chars = S(args[0]);
    }
    gk_str *s = S(self);
    size_t b = 0, e = s->size;
    while (left && b < e) {
        size_t o = b;
        if (!in_chars(chars, next_cp(s, &o)))
            break;
        b = o;
    }
    while (right && e > b) {
        size_t o = e;
        if (!in_chars(chars, prev_cp(s, &o)))
            break;
        e = o;
    }
    return substr(self, b, e);
}

METH(str_strip) { return strip_impl("strip", self, args, nargs, kwnames, true, true); }
METH(str_lstrip) { return strip_impl("lstrip", self, args, nargs, kwnames, true, false); }
METH(str_rstrip) { return strip_impl("rstrip", self, args, nargs, kwnames, false, true); }

static gk_object *affix_impl(const char *fn, gk_object *self, gk_object *const *args, size_t nargs,
                             gk_object *kwnames, bool end)
{
    if (gk__check_args(fn, nargs, kwnames, 1, 3) < 0)
        return NULL;
    gk_str *s = S(self);
    srange r;
    if (get_range(s, nargs > 1 ? args[1] : NULL, nargs > 2 ? args[2] : NULL, &r) < 0)
        return NULL;
    gk_object *x = args[0];
    size_t n = gk__is_tuple(x) ? gk__tuple_size(x) : 1;
    if (!gk__is_tuple(x) && !gk__is_str(x))
        return gk__raise(&gk__exc_TypeError, "%s first arg must be str or a tuple of str, not %s", fn,
                         GK_TYPE_NAME(x));
    for (size_t i = 0; i < n; i++) {
        gk_object *p = gk__is_tuple(x) ? GK_TUPLE_GET(x, i) : x;
        if (!gk__is_str(p))
            return gk__raise(&gk__exc_TypeError, "tuple for %s must only contain str, not %s", fn,
                             GK_TYPE_NAME(p));
        if (!r.valid)
            continue;
        size_t ps = S(p)->size;
        if (ps > r.be - r.bs)
            continue;
        const char *at = end ? s->data + r.be - ps : s->data + r.bs;
        if (memcmp(at, S(p)->data, ps) == 0)
            return gk__bool(true);
    }
    return gk__bool(false);
}

METH(str_startswith) { return affix_impl("startswith", self, args, nargs, kwnames, false); }
METH(str_endswith) { return affix_impl("endswith", self, args, nargs, kwnames, true); }

static gk_object *remove_affix(const char *fn, gk_object *self, gk_object *const *args, size_t nargs,
                               gk_object *kwnames, bool end)
{
    if (gk__check_args(fn, nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "%s() argument must be str, not %s", fn, GK_TYPE_NAME(args[0]));
    gk_str *s = S(self), *a = S(args[0]);
    if (a->size && a->size <= s->size &&
        memcmp(end ? s->data + s->size - a->size : s->data, a->data, a->size) == 0)
        return end ? substr(self, 0, s->size - a->size) : substr(self, a->size, s->size);
    return str_str_slot(self);
}

METH(str_removeprefix) { return remove_affix("removeprefix", self, args, nargs, kwnames, false); }
METH(str_removesuffix) { return remove_affix("removesuffix", self, args, nargs, kwnames, true); }

static int width_arg(gk_object *o, intptr_t *w)
{
    if (!gk__is_int(o) && !GK_TYPE(o)->nb_index) {
        gk__raise(&gk__exc_TypeError, "'%s' object cannot be interpreted as an integer", GK_TYPE_NAME(o));
        return -1;
    }
    return gk__index_to_ssize(o, w);
}

static int append_fill(gk__strbuf *b, const char *fill, size_t fn, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (gk__strbuf_append(b, fill, fn) < 0)
            return -1;
    return 0;
}

/* mode: '<' ljust, '>' rjust, '^' center */
static gk_object *pad_impl(const char *fn, gk_object *self, gk_object *const *args, size_t nargs,
                           gk_object *kwnames, char mode)
{
    if (gk__check_args(fn, nargs, kwnames, 1, 2) < 0)
        return NULL;
    intptr_t width;
    if (width_arg(args[0], &width) < 0)
        return NULL;
    const char *fill = " ";
    size_t fsz = 1;
    if (nargs > 1) {
        if (!gk__is_str(args[1]))
            return gk__raise(&gk__exc_TypeError, "The fill character must be a unicode character, not %s",
                             GK_TYPE_NAME(args[1]));
        if (S(args[1])->len != 1)
            return gk__raise(&gk__exc_TypeError, "The fill character must be exactly one character long");
        fill = S(args[1])->data;
        fsz = S(args[1])->size;
    }
    gk_str *s = S(self);
    if (width <= (intptr_t)s->len)
        return str_str_slot(self);
    size_t marg = (size_t)width - s->len, left;
    if (mode == '<') left = 0;
    else if (mode == '>') left = marg;
    else left = marg / 2 + (marg & (size_t)width & 1);
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (append_fill(&b, fill, fsz, left) < 0 || gk__strbuf_append(&b, s->data, s->size) < 0 ||
        append_fill(&b, fill, fsz, marg - left) < 0) {
        gk__strbuf_free(&b);
        return NULL;
    }
    return gk__strbuf_finish(&b);
}

METH(str_ljust) { return pad_impl("ljust", self, args, nargs, kwnames, '<'); }
METH(str_rjust) { return pad_impl("rjust", self, args, nargs, kwnames, '>'); }
METH(str_center) { return pad_impl("center", self, args, nargs, kwnames, '^'); }

METH(str_zfill)
{
    if (gk__check_args("zfill", nargs, kwnames, 1, 1) < 0)
        return NULL;
    intptr_t width;
    if (width_arg(args[0], &width) < 0)
        return NULL;
    gk_str *s = S(self);
    if (width <= (intptr_t)s->len)
        return str_str_slot(self);
    size_t fill = (size_t)width - s->len;
    gk__strbuf b;
    gk__strbuf_init(&b);
    size_t skip = (s->size && (s->data[0] == '+' || s->data[0] == '-')) ? 1 : 0;
    if (gk__strbuf_append(&b, s->data, skip) < 0 || append_fill(&b, "0", 1, fill) < 0 ||
        gk__strbuf_append(&b, s->data + skip, s->size - skip) < 0) {
        gk__strbuf_free(&b);
        return NULL;
    }
    return gk__strbuf_finish(&b);
}

METH(str_expandtabs)
{
    static const char *const names[] = {"tabsize"};
    gk_object *ts = NULL;
    if (gk__parse_args("expandtabs", args, nargs, kwnames, names, 0, 1, &ts) < 0)
        return NULL;
    intptr_t tab = 8;
    if (ts && width_arg(ts, &tab) < 0)
        return NULL;
    gk_str *s = S(self);
    gk__strbuf b;
    gk__strbuf_init(&b);
    size_t col = 0, off = 0;
    while (off < s->size) {
        size_t o = off;
        uint32_t c = next_cp(s, &off);
        int rc;
        if (c == '\t') {
            size_t n = tab > 0 ? (size_t)tab - col % (size_t)tab : 0;
            rc = append_fill(&b, " ", 1, n);
            col += n;
        } else {
            rc = gk__strbuf_append(&b, s->data + o, off - o);
            col = (c == '\n' || c == '\r') ? 0 : col + 1;
        }
        if (rc < 0) {
            gk__strbuf_free(&b);
            return NULL;
        }
    }
    return gk__strbuf_finish(&b);
}

/* ------------------------------------------------------------------ */
/* join, encode, format, translate                                     */

METH(str_join)
{
    if (gk__check_args("join", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return gk__str_join(self, args[0]);
}

static int cstr_arg(const char *fn, const char *pname, gk_object *o, const char **out)
{
    if (!o)
        return 0;
    if (!gk__is_str(o)) {
        gk__raise(&gk__exc_TypeError, "%s() argument '%s' must be str, not %s", fn, pname, GK_TYPE_NAME(o));
        return -1;
    }
    *out = S(o)->data;
    return 0;
}

METH(str_encode)
{
    static const char *const names[] = {"encoding", "errors"};
    gk_object *out[2];
    const char *enc = "utf-8", *err = "strict";
    if (gk__parse_args("encode", args, nargs, kwnames, names, 0, 2, out) < 0 ||
        cstr_arg("encode", "encoding", out[0], &enc) < 0 || cstr_arg("encode", "errors", out[1], &err) < 0)
        return NULL;
    return gk__str_encode(self, enc, err);
}

METH(str_format) { return gk__str_format_call(self, args, nargs, kwnames); }

METH(str_format_map)
{
    if (gk__check_args("format_map", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return gk__str_format_map(self, args[0]);
}

METH(str_dunder_format)
{
    if (gk__check_args("__format__", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "__format__() argument must be str, not %s", GK_TYPE_NAME(args[0]));
    return gk__format_str(self, S(args[0])->data, S(args[0])->size);
}

METH(str_getnewargs)
{
    gk_object *c = make_str_len(S(self)->data, S(self)->size, S(self)->len);
    if (!c)
        return NULL;
    gk_object *t = gk__tuple_pack(1, c);
    gk__decref(c);
    return t;
}

static int translate_one(gk__strbuf *b, gk_object *table, uint32_t c)
{
    gk_object *key = gk__int_from_i64(c);
    if (!key)
        return -1;
    gk_object *v = gk__getitem(table, key);
    gk__decref(key);
    if (!v) {
        if (!gk__err_matches(&gk__exc_LookupError))
            return -1;
        gk__err_clear();
        return strbuf_append_cp(b, c);
    }
    int rc = 0;
    if (v == GK_NONE) {
        rc = 0;
    } else if (gk__is_str(v)) {
        rc = gk__strbuf_append_str(b, v);
    } else if (gk__is_int(v)) {
        int64_t x = gk__int_as_i64(v);
        if ((x < 0 || x > 0x10FFFF) && !gk__err_occurred())
            gk__raise(&gk__exc_ValueError, "character mapping must be in range(0x110000)");
        rc = gk__err_occurred() ? -1 : strbuf_append_cp(b, (uint32_t)x);
    } else {
        gk__raise(&gk__exc_TypeError, "character mapping must return integer, None or str");
        rc = -1;
    }
    gk__decref(v);
    return rc;
}

METH(str_translate)
{
    if (gk__check_args("translate", nargs, kwnames, 1, 1) < 0)
        return NULL;
    gk_str *s = S(self);
    gk__strbuf b;
    gk__strbuf_init(&b);
    size_t off = 0;
    while (off < s->size) {
        if (translate_one(&b, args[0], next_cp(s, &off)) < 0) {
            gk__strbuf_free(&b);
            return NULL;
        }
    }
    return gk__strbuf_finish(&b);
}

static int maketrans_set(gk_object *d, uint32_t k, gk_object *v)
{
    gk_object *key = gk__int_from_i64(k);
    if (!key)
        return -1;
    int rc = gk__dict_set(d, key, v);
    gk__decref(key);
    return rc;
}

static int maketrans_dict(gk_object *d, gk_object *x)
{
    size_t pos = 0;
    gk_object *k, *v;
    while (gk__dict_next(x, &pos, &k, &v)) {
        if (gk__is_str(k)) {
            if (S(k)->len != 1) {
                gk__raise(&gk__exc_ValueError, "string keys in translate table must be of length 1");
                return -1;
            }
            size_t o = 0;
            if (maketrans_set(d, next_cp(S(k), &o), v) < 0)
                return -1;
        } else if (gk__is_int(k)) {
            if (gk__dict_set(d, k, v) < 0)
                return -1;
        } else {
            gk__raise(&gk__exc_TypeError, "keys in translate table must be strings or integers");
            return -1;
        }
    }
    return 0;
}

static int maketrans_pairs(gk_object *d, gk_object *x, gk_object *y, gk_object *z)
{
    if (!gk__is_str(x) || !gk__is_str(y)) {
        gk__raise(&gk__exc_TypeError, "maketrans() argument %d must be str, not %s", gk__is_str(x) ? 2 : 1,
                  GK_TYPE_NAME(gk__is_str(x) ? y : x));
        return -1;
    }
    if (S(x)->len != S(y)->len) {
        gk__raise(&gk__exc_ValueError, "the first two maketrans arguments must have equal length");
        return -1;
    }
    size_t ox = 0, oy = 0;
    while (ox < S(x)->size) {
        uint32_t a = next_cp(S(x), &ox), c = next_cp(S(y), &oy);
        gk_object *v = gk__int_from_i64(c);
        int rc = v ? maketrans_set(d, a, v) : -1;
        gk__xdecref(v);
        if (rc < 0)
            return -1;
    }
    if (z) {
        size_t oz = 0;
        while (oz < S(z)->size)
            if (maketrans_set(d, next_cp(S(z), &oz), GK_NONE) < 0)
                return -1;
    }
    return 0;
}

METH(str_maketrans)
{
    if (gk__check_args("maketrans", nargs, kwnames, 1, 3) < 0)
        return NULL;
    gk_object *d = gk__dict_new();
    if (!d)
        return NULL;
    int rc;
    if (nargs == 1) {
        rc = gk__is_dict(args[0]) ? maketrans_dict(d, args[0]) : -1;
        if (!gk__is_dict(args[0]))
            gk__raise(&gk__exc_TypeError, "if you give only one argument to maketrans it must be a dict");
    } else {
        if (nargs == 3 && !gk__is_str(args[2])) {
            gk__raise(&gk__exc_TypeError, "maketrans() argument 3 must be str, not %s", GK_TYPE_NAME(args[2]));
            rc = -1;
        } else {
            rc = maketrans_pairs(d, args[0], args[1], nargs == 3 ? args[2] : NULL);
        }
    }
    if (rc < 0) {
        gk__decref(d);
        return NULL;
    }
    return d;
}

/* ------------------------------------------------------------------ */
/* Construction and the type                                           */

static gk_object *str_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    static const char *const names[] = {"object", "encoding", "errors"};
    gk_object *out[3];
    if (gk__parse_args("str", args, nargs, kwnames, names, 0, 3, out) < 0)
        return NULL;
    gk_object *r;
    if (!out[0]) {
        r = empty_ref();
    } else if (out[1] || out[2]) {
        const char *enc = "utf-8", *err = "strict";
        if (cstr_arg("str", "encoding", out[1], &enc) < 0 || cstr_arg("str", "errors", out[2], &err) < 0)
            return NULL;
        if (gk__is_str(out[0]))
            return gk__raise(&gk__exc_TypeError, "decoding str is not supported");
        if (!gk__is_bytes(out[0]) && GK_TYPE(out[0]) != &gk__bytearray_type)
            return gk__raise(&gk__exc_TypeError, "decoding to str: need a bytes-like object, %s found",
                             GK_TYPE_NAME(out[0]));
        r = gk__str_decode(gk__bytes_data(out[0]), gk__bytes_size(out[0]), enc, err);
    } else {
        r = gk__str(out[0]);
    }
    if (!r || type == &gk__str_type)
        return r;
    gk_object *sub = str_alloc(type, S(r)->size);
    if (sub) {
        memcpy(S(sub)->data, S(r)->data, S(r)->size);
        S(sub)->len = S(r)->len;
        S(sub)->ascii = S(r)->ascii;
    }
    gk__decref(r);
    return sub;
}

/* str.__init__ accepts and ignores the constructor's arguments. */
static int str_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return 0;
}

static const gk__methoddef str_methods[] = {
    {"lower", str_lower, 0, NULL}, {"upper", str_upper, 0, NULL},
    {"casefold", str_casefold, 0, NULL}, {"swapcase", str_swapcase, 0, NULL},
    {"title", str_title, 0, NULL}, {"capitalize", str_capitalize, 0, NULL},
    {"isalpha", str_isalpha, 0, NULL}, {"isdigit", str_isdigit, 0, NULL},
    {"isdecimal", str_isdecimal, 0, NULL}, {"isnumeric", str_isnumeric, 0, NULL},
    {"isalnum", str_isalnum, 0, NULL}, {"isspace", str_isspace, 0, NULL},
    {"isprintable", str_isprintable, 0, NULL}, {"isascii", str_isascii, 0, NULL},
    {"isupper", str_isupper, 0, NULL}, {"islower", str_islower, 0, NULL},
    {"istitle", str_istitle, 0, NULL}, {"isidentifier", str_isidentifier, 0, NULL},
    {"find", str_find, 0, NULL}, {"rfind", str_rfind, 0, NULL},
    {"index", str_index, 0, NULL}, {"rindex", str_rindex, 0, NULL},
    {"count", str_count, 0, NULL}, {"replace", str_replace, 0, NULL},
    {"split", str_split, 0, NULL}, {"rsplit", str_rsplit, 0, NULL},
    {"splitlines", str_splitlines, 0, NULL},
    {"partition", str_partition, 0, NULL}, {"rpartition", str_rpartition, 0, NULL},
    {"strip", str_strip, 0, NULL}, {"lstrip", str_lstrip, 0, NULL}, {"rstrip", str_rstrip, 0, NULL},
    {"startswith", str_startswith, 0, NULL}, {"endswith", str_endswith, 0, NULL},
    {"removeprefix", str_removeprefix, 0, NULL}, {"removesuffix", str_removesuffix, 0, NULL},
    {"ljust", str_ljust, 0, NULL}, {"rjust", str_rjust, 0, NULL}, {"center", str_center, 0, NULL},
    {"zfill", str_zfill, 0, NULL}, {"expandtabs", str_expandtabs, 0, NULL},
    {"join", str_join, 0, NULL}, {"encode", str_encode, 0, NULL},
    {"format", str_format, 0, NULL}, {"format_map", str_format_map, 0, NULL},
    {"__format__", str_dunder_format, 0, NULL}, {"__getnewargs__", str_getnewargs, 0, NULL},
    {"translate", str_translate, 0, NULL}, {"maketrans", str_maketrans, GK_METH_STATIC, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__str_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "str",
    .basicsize = sizeof(gk_str),
    .flags = GK_TPFLAG_BASETYPE | GK_TPFLAG_STR_SUBCLASS,
    .dealloc = str_dealloc,
    .repr = str_repr_slot,
    .str = str_str_slot,
    .hash = str_hash,
    .richcompare = str_richcompare,
    .getattr = gk__object_generic_getattr,
    .iter = str_iter_new,
    .new_ = str_new,
    .init = str_init,
    .nb = { [GK_BINOP_ADD] = str_add, [GK_BINOP_MUL] = str_mul, [GK_BINOP_MOD] = str_mod },
    .len = str_len,
    .getitem = str_getitem,
    .contains = str_contains,
    .methods = str_methods,
    .doc = "str(object='') -> str\nstr(bytes_or_buffer[, encoding[, errors]]) -> str",
};
