/*
 * vm/ext/api.c - the public SDK (sdk/include/gilkit.h) on top of the VM's
 * internals: values, calls, exceptions, native objects, the GIL, native
 * thread attach/detach, the blocking-call helper, and embedding.
 *
 * Every object function receives its caller's file and line; the release
 * build ignores them, the GIL-debug build ([debug]) reports them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "objects.h"
#include "code.h"
#include "ext/ext.h"
#include "gilkit.h"
#include "threads/gilcheck.h"
#include "threads/lockdep.h"

#define SITE const char *file, int line
#define UNUSED_SITE (void)file, (void)line

/* Class 1 of the GIL-debug build: every SDK function that needs the GIL
 * checks that the caller holds it, naming the caller's file:line and the
 * object it passed.  Nothing in the release build. */
#ifdef GK_GIL_DEBUG
#define CHECK_OBJ(o) gk__gilcheck_call(__func__, (o), file, line)
#define CHECK_CALL() gk__gilcheck_call(__func__, NULL, file, line)
#else
#define CHECK_OBJ(o) UNUSED_SITE
#define CHECK_CALL() UNUSED_SITE
#endif

GK_API int gk_abi_version(void)
{
    return GK_ABI_VERSION;
}

/* ---- reference counts ---- */

GK_API gk_object *gk_incref_(gk_object *o, SITE)
{
    UNUSED_SITE;
#ifdef GK_GIL_DEBUG
    gk__gilcheck_touch(o, "gk_incref", file, line);
#endif
    return gk__incref(o);
}

GK_API void gk_decref_(gk_object *o, SITE)
{
    UNUSED_SITE;
#ifdef GK_GIL_DEBUG
    gk__gilcheck_touch(o, "gk_decref", file, line);
#endif
    gk__decref(o);
}

GK_API void gk_xdecref_(gk_object *o, SITE)
{
    UNUSED_SITE;
#ifdef GK_GIL_DEBUG
    if (o)
        gk__gilcheck_touch(o, "gk_xdecref", file, line);
#endif
    gk__xdecref(o);
}

/* ---- values ---- */

GK_API gk_object *gk_none_(SITE) { CHECK_CALL(); return gk__none_ref(); }
GK_API gk_object *gk_bool_(int v, SITE) { CHECK_CALL(); return gk__bool(v != 0); }
GK_API gk_object *gk_int_from_i64_(int64_t v, SITE) { CHECK_CALL(); return gk__int_from_i64(v); }

GK_API gk_object *gk_int_from_string_(const char *text, int base, SITE)
{
    CHECK_CALL();
    return gk__int_from_string(text, strlen(text), base);
}

GK_API int64_t gk_int_as_i64_(gk_object *o, SITE)
{
    CHECK_OBJ(o);
    if (!gk__is_int(o)) {
        gk__raise(&gk__exc_TypeError, "an integer is required (got type %N)", o);
        return -1;
    }
    return gk__int_as_i64(o);
}

GK_API gk_object *gk_float_from_double_(double v, SITE) { CHECK_CALL(); return gk__float_new(v); }
GK_API double gk_float_as_double_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__as_double(o); }

GK_API gk_object *gk_str_from_utf8_(const char *s, size_t size, SITE)
{
    CHECK_CALL();
    return gk__str_from_utf8(s, size);
}

GK_API gk_object *gk_str_from_cstr_(const char *s, SITE)
{
    CHECK_CALL();
    return gk__str_from_cstr(s);
}

GK_API const char *gk_str_as_utf8_(gk_object *o, size_t *size, SITE)
{
    CHECK_OBJ(o);
    if (!gk__is_str(o)) {
        gk__raise(&gk__exc_TypeError, "expected str, got %N", o);
        return NULL;
    }
    if (size)
        *size = gk__str_size(o);
    return gk__str_utf8(o);
}

GK_API gk_object *gk_bytes_from_(const void *data, size_t size, SITE)
{
    CHECK_CALL();
    return gk__bytes_new(data, size);
}

GK_API const void *gk_bytes_data_(gk_object *o, size_t *size, SITE)
{
    CHECK_OBJ(o);
    if (!gk__is_bytes(o) && GK_TYPE(o) != &gk__bytearray_type) {
        gk__raise(&gk__exc_TypeError, "expected bytes, got %N", o);
        return NULL;
    }
    if (size)
        *size = gk__bytes_size(o);
    return gk__bytes_data(o);
}

GK_API gk_object *gk_list_new_(size_t n, SITE)
{
    CHECK_CALL();
    gk_object *l = gk__list_new(n);
    if (l)
        for (size_t i = 0; i < n; i++)
            GK_LIST_SET(l, i, gk__none_ref());
    return l;
}

GK_API int gk_list_append_(gk_object *list, gk_object *item, SITE)
{
    CHECK_OBJ(list);
    if (!gk__is_list(list)) {
        gk__raise(&gk__exc_TypeError, "expected list, got %N", list);
        return -1;
    }
    return gk__list_append(list, item);
}

GK_API gk_object *gk_tuple_from_array_(gk_object *const *items, size_t n, SITE)
{
    CHECK_CALL();
    return gk__tuple_from_array(items, n);
}

GK_API gk_object *gk_dict_new_(SITE) { CHECK_CALL(); return gk__dict_new(); }

GK_API gk_object *gk_dict_get_(gk_object *d, const char *key, SITE)
{
    CHECK_OBJ(d);
    gk_object *k = gk__str_from_cstr(key);
    if (!k)
        return NULL;
    gk_object *v = gk__getitem(d, k);
    gk__decref(k);
    return v;
}

GK_API int gk_dict_set_(gk_object *d, const char *key, gk_object *value, SITE)
{
    CHECK_OBJ(d);
    gk_object *k = gk__str_from_cstr(key);
    if (!k)
        return -1;
    int r = gk__setitem(d, k, value);
    gk__decref(k);
    return r;
}

GK_API intptr_t gk_len_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__len(o); }
GK_API gk_object *gk_getitem_(gk_object *o, gk_object *k, SITE) { CHECK_OBJ(o); return gk__getitem(o, k); }
GK_API int gk_setitem_(gk_object *o, gk_object *k, gk_object *v, SITE) { CHECK_OBJ(o); return gk__setitem(o, k, v); }
GK_API gk_object *gk_repr_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__repr(o); }
GK_API gk_object *gk_str_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__str(o); }
GK_API int gk_truthy_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__truthy(o); }
GK_API int gk_is_none_(gk_object *o, SITE) { CHECK_OBJ(o); return o == GK_NONE; }
GK_API int gk_is_int_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__is_int(o); }
GK_API int gk_is_float_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__is_float(o); }
GK_API int gk_is_str_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__is_str(o); }
GK_API int gk_is_bytes_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__is_bytes(o); }
GK_API int gk_is_list_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__is_list(o); }
GK_API int gk_is_tuple_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__is_tuple(o); }
GK_API int gk_is_dict_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__is_dict(o); }
GK_API const char *gk_type_name_(gk_object *o, SITE) { CHECK_OBJ(o); return GK_TYPE_NAME(o); }

/* ---- attributes, calls, iteration ---- */

GK_API gk_object *gk_getattr_(gk_object *o, const char *name, SITE)
{
    CHECK_OBJ(o);
    return gk__getattr_cstr(o, name);
}

GK_API int gk_setattr_(gk_object *o, const char *name, gk_object *value, SITE)
{
    CHECK_OBJ(o);
    return gk__setattr_cstr(o, name, value);
}

GK_API gk_object *gk_call_(gk_object *callable, gk_object *const *args, size_t nargs, SITE)
{
    CHECK_OBJ(callable);
    return gk__call(callable, args, nargs, NULL);
}

GK_API gk_object *gk_call_method_(gk_object *obj, const char *name, gk_object *const *args, size_t nargs,
                                  SITE)
{
    CHECK_OBJ(obj);
    return gk__call_method(obj, name, args, nargs);
}

GK_API gk_object *gk_iter_(gk_object *o, SITE) { CHECK_OBJ(o); return gk__iter(o); }
GK_API gk_object *gk_iter_next_(gk_object *it, SITE) { CHECK_OBJ(it); return gk__iternext(it); }

GK_API gk_object *gk_import_(const char *name, SITE)
{
    CHECK_CALL();
    gk_object *n = gk__str_from_cstr(name);
    if (!n)
        return NULL;
    gk_object *fromlist = gk__tuple_pack(1, gk__str_intern("*"));
    gk_object *m = fromlist ? gk__import(n, NULL, fromlist, 0) : NULL;
    gk__xdecref(fromlist);
    gk__decref(n);
    return m;
}

/* ---- exceptions ---- */

static gk_type *exc_type_of(gk_exc_kind kind)
{
    switch (kind) {
    case GK_EXC_TYPE_ERROR: return &gk__exc_TypeError;
    case GK_EXC_VALUE_ERROR: return &gk__exc_ValueError;
    case GK_EXC_KEY_ERROR: return &gk__exc_KeyError;
    case GK_EXC_INDEX_ERROR: return &gk__exc_IndexError;
    case GK_EXC_RUNTIME_ERROR: return &gk__exc_RuntimeError;
    case GK_EXC_OS_ERROR: return &gk__exc_OSError;
    case GK_EXC_MEMORY_ERROR: return &gk__exc_MemoryError;
    case GK_EXC_OVERFLOW_ERROR: return &gk__exc_OverflowError;
    case GK_EXC_ZERO_DIVISION_ERROR: return &gk__exc_ZeroDivisionError;
    case GK_EXC_ATTRIBUTE_ERROR: return &gk__exc_AttributeError;
    case GK_EXC_NOT_IMPLEMENTED_ERROR: return &gk__exc_NotImplementedError;
    case GK_EXC_TIMEOUT_ERROR: return &gk__exc_TimeoutError;
    case GK_EXC_IMPORT_ERROR: return &gk__exc_ImportError;
    case GK_EXC_KEYBOARD_INTERRUPT: return &gk__exc_KeyboardInterrupt;
    case GK_EXC_STOP_ITERATION: return &gk__exc_StopIteration;
    case GK_EXC_EXCEPTION:
    default: return &gk__exc_Exception;
    }
}

GK_API gk_object *gk_raise_(gk_exc_kind kind, const char *file, int line, const char *fmt, ...)
{
    CHECK_CALL();
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return gk__raise(exc_type_of(kind), "%s", buf);
}

GK_API gk_object *gk_raise_errno_(int err, const char *filename, SITE)
{
    CHECK_CALL();
    gk_object *f = filename ? gk__str_from_cstr(filename) : NULL;
    gk__raise_errno(err, f);
    gk__xdecref(f);
    return NULL;
}

GK_API int gk_err_occurred_(SITE) { CHECK_CALL(); return gk__err_occurred(); }
GK_API int gk_err_matches_(gk_exc_kind kind, SITE) { CHECK_CALL(); return gk__err_matches(exc_type_of(kind)); }
GK_API gk_object *gk_err_fetch_(SITE) { CHECK_CALL(); return gk__err_fetch(); }
GK_API void gk_err_restore_(gk_object *e, SITE) { CHECK_OBJ(e); gk__err_restore(e ? gk__incref(e) : NULL); }
GK_API void gk_err_clear_(SITE) { CHECK_CALL(); gk__err_clear(); }

/* ---- native objects ---- */

/* Invariant: kind points to a C string owned by the extension (static). */
typedef struct native_object {
    GK_HEAD;
    const char *kind;
    void *ptr;
    void (*finalize)(void *);
} native_object;

static void native_dealloc(gk_object *o)
{
    native_object *n = (native_object *)o;
    if (n->finalize)
        n->finalize(n->ptr);
    gk__free(o);
}

static gk_object *native_repr(gk_object *o)
{
    native_object *n = (native_object *)o;
    return gk__str_from_format("<native %s object at %p>", n->kind, (void *)o);
}

gk_type gk__native_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "native",
    .basicsize = sizeof(native_object),
    .dealloc = native_dealloc,
    .repr = native_repr,
    .doc = "C data owned by an extension module, with a finalizer.",
};

GK_API gk_object *gk_native_new_(const char *kind, void *ptr, void (*finalize)(void *), SITE)
{
    CHECK_CALL();
    if (!(gk__native_type.flags & GK_TPFLAG_READY) && gk__type_ready(&gk__native_type) < 0)
        return NULL;
    native_object *n = (native_object *)gk__obj_new(&gk__native_type, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->ptr = ptr;
    n->finalize = finalize;
    return (gk_object *)n;
}

GK_API void *gk_native_get_(gk_object *o, const char *kind, SITE)
{
    CHECK_OBJ(o);
    if (GK_TYPE(o) != &gk__native_type || strcmp(((native_object *)o)->kind, kind) != 0) {
        gk__raise(&gk__exc_TypeError, "expected a native %s object, got %N", kind, o);
        return NULL;
    }
    return ((native_object *)o)->ptr;
}

/* ---- the GIL ---- */

/* Class 3, unbalanced GIL calls: reported in every build (these paths are
 * rare or already pay an atomic), abort by default, GILKIT_GIL_CHECK=warn
 * goes on as if the call had been right. */
static void unbalanced(const char *what, const char *detail, const char *file, int line)
{
    gk__gilcheck_report(what, detail, file, line, 1);
}

/* A handle whose release was refused (the thread did not hold the GIL):
 * its GK_END_ALLOW_THREADS takes nothing back.  Thread states are at least
 * 8-byte aligned, so the low bit is free. */
#define REFUSED_RELEASE 1u

/* A runtime was started and stopped in this process (attach reports). */
static atomic_bool runtime_stopped;

GK_API gk_thread *gk_gil_release_(SITE)
{
    gk__tstate *ts = gk__ts();
    if (!ts || !ts->holds_gil) {
        unbalanced(ts ? "GIL released (GK_BEGIN_ALLOW_THREADS) by a thread that does not hold it: "
                        "released twice?"
                      : "GIL released (GK_BEGIN_ALLOW_THREADS) by a thread not attached to the runtime",
                   NULL, file, line);
        return (gk_thread *)((uintptr_t)ts | REFUSED_RELEASE);
    }
    ts->release_file = file;
    ts->release_line = line;
    gk__gil_release(ts, GK_RELEASE_BLOCKING);
    return (gk_thread *)ts;
}

GK_API void gk_gil_reacquire_(gk_thread *t, SITE)
{
    gk__tstate *ts = (gk__tstate *)((uintptr_t)t & ~(uintptr_t)REFUSED_RELEASE);
    gk__tstate *me = gk__ts();
    if (ts != me) {
        unbalanced("GIL reacquired (GK_END_ALLOW_THREADS) on a different thread than its "
                   "GK_BEGIN_ALLOW_THREADS", NULL, file, line);
        if (me && !me->holds_gil)
            gk__gil_acquire(me);
        return;
    }
    if ((uintptr_t)t & REFUSED_RELEASE)
        return;   /* its release was reported and refused: nothing to take back */
    if (ts->holds_gil) {
        unbalanced("GIL reacquired (GK_END_ALLOW_THREADS) by a thread that already holds it", NULL, file,
                   line);
        return;
    }
    GK__LOCKDEP_GIL_REQUEST("GK_END_ALLOW_THREADS with the mutex held", file, line);
    gk__gil_acquire(ts);
}

GK_API int gk_gil_held(void)
{
    return gk__gil_held();
}

/* Attach when the runtime is gone or going: -1 in every build; reported in
 * the debug build. */
static int attach_refused(gk__runtime *rt, const char *file, int line)
{
#ifdef GK_GIL_DEBUG
    unbalanced(rt ? "gk_thread_attach() during runtime shutdown"
               : atomic_load(&runtime_stopped) ? "gk_thread_attach() after the runtime was shut down"
                                               : "gk_thread_attach() with no runtime running",
               "attach returned -1; stop native threads that call in (and join them) before the "
               "runtime ends", file, line);
#else
    (void)rt, (void)file, (void)line;
#endif
    return -1;
}

GK_API int gk_thread_attach_(const char *file, int line)
{
    gk__runtime *rt = gk__rt;
    if (!rt || atomic_load(&rt->finalizing))
        return attach_refused(rt, file, line);
    gk__tstate *ts = gk__current;
    if (ts && ts->rt != rt)
        ts = gk__current = NULL;     /* a state left from an earlier runtime */
    if (ts && ts->holds_gil) {
        /* Nested, or a thread that already runs with the GIL (an extension
         * function attaching): count it, take nothing. */
        if (ts->attach_count++ == 0)
            ts->attach_had_gil = true;
        return 0;
    }
    if (!ts) {
        ts = gk__tstate_new(rt);
        if (!ts)
            return -1;
        snprintf(ts->name, sizeof ts->name, "native-%llu", (unsigned long long)(ts->ident % 100000));
        gk__current = ts;
    }
    GK__LOCKDEP_GIL_REQUEST("gk_thread_attach() with the mutex held", file, line);
    gk__gil_acquire(ts);
    if (atomic_load(&rt->finalizing)) {
        gk__gil_release(ts, GK_RELEASE_EXIT);
        return attach_refused(rt, file, line);
    }
    ts->attach_count = 1;
    ts->attach_had_gil = false;
    return 0;
}

GK_API int (gk_thread_attach)(void)
{
    return gk_thread_attach_(NULL, 0);
}

GK_API void gk_thread_detach_(const char *file, int line)
{
    gk__tstate *ts = gk__current;
    if (!ts || ts->attach_count <= 0) {
        unbalanced("gk_thread_detach() without a matching gk_thread_attach()", NULL, file, line);
        return;
    }
    if (--ts->attach_count == 0 && !ts->attach_had_gil) {
        ts->release_file = file ? file : "gk_thread_detach()";
        ts->release_line = line;
        gk__gil_release(ts, GK_RELEASE_BLOCKING);
    }
}

GK_API void (gk_thread_detach)(void)
{
    gk_thread_detach_(NULL, 0);
}

GK_API intptr_t gk_call_blocking_(intptr_t (*fn)(void *), void *arg, void (*unblock)(void *),
                                  void *unblock_arg, SITE)
{
    gk__tstate *ts = gk__ts();
    if (!ts || !ts->holds_gil) {
        unbalanced("gk_call_blocking() by a thread that does not hold the GIL", NULL, file, line);
        return fn(arg);
    }
    ts->unblock = unblock;
    ts->unblock_arg = unblock_arg;
    ts->release_file = file;
    ts->release_line = line;
    /* A Ctrl-C caught just before unblock was set would be missed: fn would
     * wait with nobody to wake it.  Wake it now instead. */
    atomic_thread_fence(memory_order_seq_cst);
    if (unblock && ts->is_main && atomic_load(&ts->rt->pending_signals))
        unblock(unblock_arg);
    gk__gil_release(ts, GK_RELEASE_BLOCKING);
    intptr_t r = fn(arg);
    GK__LOCKDEP_GIL_REQUEST("gk_call_blocking() returning with the mutex held", file, line);
    gk__gil_acquire(ts);
    ts->unblock = NULL;
    ts->unblock_arg = NULL;
    gk__check_signals(ts);
    return r;
}

/* ---- embedding ---- */

GK_API int gk_runtime_start(int argc, char **argv)
{
    static char *default_argv[] = { "", NULL };
    if (gk__rt)
        return -1;
    if (!argv || argc <= 0) {
        argc = 1;
        argv = default_argv;
    }
    return gk__runtime_init(argc, argv);
}

GK_API int gk_run_string(const char *source)
{
    return gk__run_string(source, "<embedded>") == 0 ? 0 : -1;
}

GK_API int gk_runtime_stop(void)
{
    if (!gk__rt)
        return -1;
    gk__runtime_fini();
    gk__runtime_free();
    atomic_store(&runtime_stopped, true);
    return 0;
}
