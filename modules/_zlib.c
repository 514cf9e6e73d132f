/* modules/_zlib.c: the C layer of the zlib module (lib/zlib.py) over the
 * system zlib.  Built against the public SDK only.  One-shot and streaming
 * (de)compression release the GIL when the input is 4 KiB or more, so
 * threads compress in parallel; errors raise zlib.error (set by lib/zlib.py). */
#include <gilkit.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define NOGIL_MIN 4096

static gk_object *error_class; /* zlib.error, owned */

typedef struct zstate {
    z_stream zs;
    int inflate;   /* 1: a decompressor */
    int eof;
} zstate;

static gk_object *raise_zlib(int err, const char *what, const char *msg)
{
    char text[300];
    if (!msg) {
        if (err == Z_BUF_ERROR)
            msg = "incomplete or truncated stream";
        else if (err == Z_STREAM_ERROR)
            msg = "inconsistent stream state";
        else if (err == Z_DATA_ERROR)
            msg = "invalid input data";
        else
            msg = "library error";
    }
    if (what)
        snprintf(text, sizeof text, "Error %d %s: %.200s", err, what, msg);
    else
        snprintf(text, sizeof text, "%s", msg);
    if (!error_class)
        return gk_raise(GK_EXC_EXCEPTION, "%s", text);
    gk_object *s = gk_str_from_cstr(text);
    if (!s)
        return NULL;
    gk_object *exc = gk_call(error_class, &s, 1);
    gk_decref(s);
    if (!exc)
        return NULL;
    gk_err_restore(exc);
    gk_decref(exc);
    return NULL;
}

static const unsigned char *arg_data(gk_object *const *args, size_t nargs, size_t i, size_t *size)
{
    if (i >= nargs || !gk_is_bytes(args[i])) {
        gk_raise(GK_EXC_TYPE_ERROR, "a bytes-like object is required, not '%s'",
                 i < nargs ? gk_type_name(args[i]) : "NoneType");
        return NULL;
    }
    const unsigned char *d = gk_bytes_data(args[i], size);
    if (d && *size > UINT_MAX) {
        gk_raise(GK_EXC_OVERFLOW_ERROR, "data too large for zlib");
        return NULL;
    }
    return d;
}

static int arg_i64(gk_object *const *args, size_t nargs, size_t i, int64_t dflt, int64_t *out)
{
    if (i >= nargs || gk_is_none(args[i])) {
        *out = dflt;
        return 0;
    }
    if (!gk_is_int(args[i])) {
        gk_raise(GK_EXC_TYPE_ERROR, "'%s' object cannot be interpreted as an integer", gk_type_name(args[i]));
        return -1;
    }
    *out = gk_int_as_i64(args[i]);
    return gk_err_occurred() ? -1 : 0;
}

/* Output buffer growing by doubling; pure C, safe without the GIL. */
typedef struct obuf {
    unsigned char *p;
    size_t len, cap;
} obuf;

static int obuf_room(obuf *b, size_t limit)
{
    if (b->len < b->cap)
        return 0;
    size_t cap = b->cap ? b->cap * 2 : 16384;
    if (limit && cap > limit)
        cap = limit;
    if (cap <= b->len)
        return 1; /* limit reached */
    unsigned char *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

static void point_out(z_stream *zs, obuf *b)
{
    size_t room = b->cap - b->len;
    zs->next_out = b->p + b->len;
    zs->avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
}

/* Runs deflate(flush) until it needs more input; returns a zlib code. No GIL. */
static int do_deflate(z_stream *zs, int flush, obuf *b)
{
    int r;
    do {
        if (obuf_room(b, 0) < 0)
            return Z_MEM_ERROR;
        point_out(zs, b);
        uInt before = zs->avail_out;
        r = deflate(zs, flush);
        b->len += before - zs->avail_out;
        if (r == Z_STREAM_ERROR)
            return r;
    } while (zs->avail_out == 0 && r != Z_STREAM_END);
    return r == Z_BUF_ERROR ? Z_OK : r;
}

/* Runs inflate until the input is used, the stream ends or max bytes are
 * out (max 0: no limit); returns a zlib code (Z_STREAM_END at the end). No GIL. */
static int do_inflate(z_stream *zs, obuf *b, size_t max)
{
    int r;
    for (;;) {
        int room = obuf_room(b, max);
        if (room < 0)
            return Z_MEM_ERROR;
        if (room > 0)
            return Z_OK;
        point_out(zs, b);
        uInt before = zs->avail_out;
        r = inflate(zs, Z_SYNC_FLUSH);
        b->len += before - zs->avail_out;
        if (r == Z_STREAM_END)
            return r;
        if (r == Z_BUF_ERROR) /* no progress possible: needs input */
            return Z_OK;
        if (r != Z_OK)
            return r;
        if (zs->avail_out != 0 && zs->avail_in == 0)
            return Z_OK;
    }
}

static gk_object *obuf_bytes(obuf *b)
{
    gk_object *res = gk_bytes_from(b->p ? (const void *)b->p : "", b->len);
    free(b->p);
    b->p = NULL;
    return res;
}

/* compress(data, level) -> bytes */
static gk_object *z_compress(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    size_t n;
    int64_t level;
    const unsigned char *data = arg_data(args, nargs, 0, &n);
    if (!data || arg_i64(args, nargs, 1, Z_DEFAULT_COMPRESSION, &level) < 0)
        return NULL;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (level < -1 || level > 9 || deflateInit(&zs, (int)level) != Z_OK)
        return raise_zlib(Z_STREAM_ERROR, NULL, "Bad compression level");
    obuf b = { NULL, 0, 0 };
    b.cap = 0;
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)n;
    int r;
    if (n >= NOGIL_MIN) {
        GK_BEGIN_ALLOW_THREADS_NAMED("zlib.compress")
        r = do_deflate(&zs, Z_FINISH, &b);
        GK_END_ALLOW_THREADS
    } else {
        r = do_deflate(&zs, Z_FINISH, &b);
    }
    deflateEnd(&zs);
    if (r != Z_STREAM_END) {
        free(b.p);
        return r == Z_MEM_ERROR ? gk_raise(GK_EXC_MEMORY_ERROR, "out of memory")
                                : raise_zlib(r, "while compressing data", zs.msg);
    }
    return obuf_bytes(&b);
}

/* decompress(data, wbits, bufsize) -> bytes */
static gk_object *z_decompress(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    size_t n;
    int64_t wbits;
    const unsigned char *data = arg_data(args, nargs, 0, &n);
    if (!data || arg_i64(args, nargs, 1, MAX_WBITS, &wbits) < 0)
        return NULL;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    int r = inflateInit2(&zs, (int)wbits);
    if (r != Z_OK)
        return raise_zlib(r, "while preparing to decompress data", zs.msg);
    obuf b = { NULL, 0, 0 };
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)n;
    if (n >= NOGIL_MIN) {
        GK_BEGIN_ALLOW_THREADS_NAMED("zlib.decompress")
        r = do_inflate(&zs, &b, 0);
        GK_END_ALLOW_THREADS
    } else {
        r = do_inflate(&zs, &b, 0);
    }
    gk_object *res;
    if (r == Z_STREAM_END)
        res = obuf_bytes(&b);
    else if (r == Z_MEM_ERROR)
        res = gk_raise(GK_EXC_MEMORY_ERROR, "out of memory");
    else
        res = raise_zlib(r == Z_OK ? Z_BUF_ERROR : r, "while decompressing data", r == Z_OK ? NULL : zs.msg);
    free(b.p);
    inflateEnd(&zs);
    return res;
}

static gk_object *checksum(gk_object *const *args, size_t nargs, int adler)
{
    size_t n;
    int64_t start;
    const unsigned char *data = arg_data(args, nargs, 0, &n);
    if (!data || arg_i64(args, nargs, 1, adler ? 1 : 0, &start) < 0)
        return NULL;
    uLong v = (uLong)(start & 0xffffffff);
    if (n >= (size_t)NOGIL_MIN * 16) {
        GK_BEGIN_ALLOW_THREADS_NAMED(adler ? "zlib.adler32" : "zlib.crc32")
        v = adler ? adler32(v, data, (uInt)n) : crc32(v, data, (uInt)n);
        GK_END_ALLOW_THREADS
    } else {
        v = adler ? adler32(v, data, (uInt)n) : crc32(v, data, (uInt)n);
    }
    return gk_int_from_i64((int64_t)(v & 0xffffffff));
}

static gk_object *z_crc32(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    return checksum(args, nargs, 0);
}

static gk_object *z_adler32(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    return checksum(args, nargs, 1);
}

static void zstate_free(void *p)
{
    zstate *s = p;
    if (s->inflate)
        inflateEnd(&s->zs);
    else
        deflateEnd(&s->zs);
    free(s);
}

/* compressobj(level, method, wbits, memlevel, strategy) -> handle */
static gk_object *z_compressobj(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t level, method, wbits, memlevel, strategy;
    if (arg_i64(args, nargs, 0, Z_DEFAULT_COMPRESSION, &level) < 0 ||
        arg_i64(args, nargs, 1, Z_DEFLATED, &method) < 0 || arg_i64(args, nargs, 2, MAX_WBITS, &wbits) < 0 ||
        arg_i64(args, nargs, 3, 8, &memlevel) < 0 || arg_i64(args, nargs, 4, Z_DEFAULT_STRATEGY, &strategy) < 0)
        return NULL;
    zstate *s = calloc(1, sizeof *s);
    if (!s)
        return gk_raise(GK_EXC_MEMORY_ERROR, "out of memory");
    if (level < -1 || level > 9 ||
        deflateInit2(&s->zs, (int)level, (int)method, (int)wbits, (int)memlevel, (int)strategy) != Z_OK) {
        free(s);
        return gk_raise(GK_EXC_VALUE_ERROR, "Invalid initialization option");
    }
    gk_object *h = gk_native_new("zlib.Compress", s, zstate_free);
    if (!h)
        zstate_free(s);
    return h;
}

/* decompressobj(wbits) -> handle */
static gk_object *z_decompressobj(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    int64_t wbits;
    if (arg_i64(args, nargs, 0, MAX_WBITS, &wbits) < 0)
        return NULL;
    zstate *s = calloc(1, sizeof *s);
    if (!s)
        return gk_raise(GK_EXC_MEMORY_ERROR, "out of memory");
    s->inflate = 1;
    if (inflateInit2(&s->zs, (int)wbits) != Z_OK) {
        free(s);
        return gk_raise(GK_EXC_VALUE_ERROR, "Invalid initialization option");
    }
    gk_object *h = gk_native_new("zlib.Decompress", s, zstate_free);
    if (!h)
        zstate_free(s);
    return h;
}

/* c_compress(handle, data, flush) -> bytes; flush is a Z_* flush mode */
static gk_object *z_c_compress(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    zstate *s = nargs > 0 ? gk_native_get(args[0], "zlib.Compress") : NULL;
    size_t n;
    int64_t flush;
    if (!s) {
        if (!gk_err_occurred())
            gk_raise(GK_EXC_TYPE_ERROR, "missing handle");
        return NULL;
    }
    const unsigned char *data = arg_data(args, nargs, 1, &n);
    if (!data || arg_i64(args, nargs, 2, Z_NO_FLUSH, &flush) < 0)
        return NULL;
    obuf b = { NULL, 0, 0 };
    s->zs.next_in = (Bytef *)data;
    s->zs.avail_in = (uInt)n;
    int r;
    if (n >= NOGIL_MIN) {
        GK_BEGIN_ALLOW_THREADS_NAMED(flush == Z_NO_FLUSH ? "zlib.Compress.compress" : "zlib.Compress.flush")
        r = do_deflate(&s->zs, (int)flush, &b);
        GK_END_ALLOW_THREADS
    } else {
        r = do_deflate(&s->zs, (int)flush, &b);
    }
    s->zs.next_in = NULL;
    s->zs.avail_in = 0;
    if (r != Z_OK && r != Z_STREAM_END) {
        free(b.p);
        return raise_zlib(r, flush == Z_NO_FLUSH ? "while compressing data" : "while flushing", s->zs.msg);
    }
    return obuf_bytes(&b);
}

/* d_decompress(handle, data, max_length) -> (out, unconsumed_tail, unused_data, eof) */
static gk_object *z_d_decompress(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    zstate *s = nargs > 0 ? gk_native_get(args[0], "zlib.Decompress") : NULL;
    size_t n;
    int64_t max;
    if (!s) {
        if (!gk_err_occurred())
            gk_raise(GK_EXC_TYPE_ERROR, "missing handle");
        return NULL;
    }
    const unsigned char *data = arg_data(args, nargs, 1, &n);
    if (!data || arg_i64(args, nargs, 2, 0, &max) < 0)
        return NULL;
    if (max < 0)
        return gk_raise(GK_EXC_VALUE_ERROR, "max_length must be non-negative");
    obuf b = { NULL, 0, 0 };
    s->zs.next_in = (Bytef *)data;
    s->zs.avail_in = (uInt)n;
    int r = Z_OK;
    if (!s->eof) {
        if (n >= NOGIL_MIN) {
            GK_BEGIN_ALLOW_THREADS_NAMED("zlib.Decompress.decompress")
            r = do_inflate(&s->zs, &b, (size_t)max);
            GK_END_ALLOW_THREADS
        } else {
            r = do_inflate(&s->zs, &b, (size_t)max);
        }
    }
    if (r != Z_OK && r != Z_STREAM_END) {
        free(b.p);
        s->zs.next_in = NULL;
        s->zs.avail_in = 0;
        return r == Z_MEM_ERROR ? gk_raise(GK_EXC_MEMORY_ERROR, "out of memory")
                                : raise_zlib(r, "while decompressing data", s->zs.msg);
    }
    if (r == Z_STREAM_END)
        s->eof = 1;
    size_t left = s->zs.avail_in;
    const unsigned char *rest = data + (n - left);
    s->zs.next_in = NULL;
    s->zs.avail_in = 0;
    gk_object *items[4] = { obuf_bytes(&b), NULL, NULL, NULL };
    gk_object *res = NULL;
    if (!items[0])
        return NULL;
    items[1] = gk_bytes_from(s->eof ? (const void *)"" : (const void *)rest, s->eof ? 0 : left);
    items[2] = gk_bytes_from(s->eof ? (const void *)rest : (const void *)"", s->eof ? left : 0);
    items[3] = gk_bool(s->eof);
    if (items[1] && items[2] && items[3])
        res = gk_tuple_from_array(items, 4);
    for (int i = 0; i < 4; i++)
        gk_xdecref(items[i]);
    return res;
}

/* _set_error(cls): the class raised for zlib errors */
static gk_object *z_set_error(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    if (nargs != 1)
        return gk_raise(GK_EXC_TYPE_ERROR, "_set_error(cls)");
    gk_xdecref(error_class);
    error_class = gk_incref(args[0]);
    return gk_none();
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("compress", z_compress, "compress(data, level) -> bytes"),
    GK_OBJECT_FUNCTION("decompress", z_decompress, "decompress(data, wbits) -> bytes"),
    GK_OBJECT_FUNCTION("crc32", z_crc32, "crc32(data, value) -> int"),
    GK_OBJECT_FUNCTION("adler32", z_adler32, "adler32(data, value) -> int"),
    GK_OBJECT_FUNCTION("compressobj", z_compressobj, "compressobj(level, method, wbits, memlevel, strategy)"),
    GK_OBJECT_FUNCTION("decompressobj", z_decompressobj, "decompressobj(wbits) -> handle"),
    GK_OBJECT_FUNCTION("c_compress", z_c_compress, "c_compress(handle, data, flush) -> bytes"),
    GK_OBJECT_FUNCTION("d_decompress", z_d_decompress,
                       "d_decompress(handle, data, max_length) -> (out, tail, unused, eof)"),
    GK_OBJECT_FUNCTION("_set_error", z_set_error, "_set_error(cls)"),
    GK_FUNCTION_END,
};

static int zlib_init(gk_object *m)
{
    gk_object *v = gk_str_from_cstr(zlibVersion());
    int r = v ? gk_setattr(m, "ZLIB_RUNTIME_VERSION", v) : -1;
    gk_xdecref(v);
    v = gk_str_from_cstr(ZLIB_VERSION);
    r = (r < 0 || !v) ? -1 : gk_setattr(m, "ZLIB_VERSION", v);
    gk_xdecref(v);
    return r;
}

GK_MODULE("_zlib", "The system zlib; calls on 4 KiB and more release the GIL.", functions, zlib_init, 0);
