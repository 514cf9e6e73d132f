/*
 * gilkit.h - the public SDK of gilkit, for extension modules and embedders.
 *
 * Handles, not layouts.  The SDK exposes functions and opaque handles
 * only, never struct layouts, so one compiled module runs on both the
 * release and the GIL-debug build, and the debug build can check every
 * touch.
 *
 * Ownership, everywhere: functions return NEW references and never steal
 * their arguments.  The few that return a borrowed pointer say so.
 *
 * Errors: a pointer-returning function returns NULL, an int-returning one
 * -1, with an exception pending on the calling thread.  gk_raise() returns
 * NULL so that `return gk_raise(...)` reads naturally.
 *
 * The GIL: every function needs the calling thread to hold the GIL unless
 * its comment says "no GIL".  GK_BEGIN_ALLOW_THREADS / GK_END_ALLOW_THREADS
 * release it around blocking or long C work; object functions written
 * lexically between the two are a compile-time error in every build.
 *
 * Call sites: the object functions are macros that pass __FILE__ and
 * __LINE__ to the real functions (named with a trailing underscore), so
 * that the debug build can say where a GIL mistake was made.
 *
 * ABI policy: GK_ABI_VERSION changes whenever a compiled module would stop
 * working.  A module records the ABI it was built for in its descriptor
 * and the loader refuses a mismatch, naming both versions.
 */
#ifndef GILKIT_H
#define GILKIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include "gilkit/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GK_VERSION_MAJOR 0
#define GK_VERSION_MINOR 1
#define GK_VERSION_PATCH 0
#define GK_VERSION_HEX ((GK_VERSION_MAJOR << 16) | (GK_VERSION_MINOR << 8) | GK_VERSION_PATCH)
#define GK_ABI_VERSION 1
#define GK_ABI_TAG "gilkit-1"          /* module files are NAME.gilkit-1.so */

#if defined(__GNUC__)
#define GK_API __attribute__((visibility("default")))
#else
#define GK_API
#endif

/* ------------------------------------------------------------------ */
/* Handles                                                             */

typedef struct gk_object gk_object;   /* any value */
typedef struct gk_thread gk_thread;   /* a thread attached to the runtime */

/* Returns the runtime's version as "MAJOR.MINOR.PATCH"; no GIL. */
GK_API const char *gk_version(void);
/* Returns the ABI version of the running runtime; no GIL. */
GK_API int gk_abi_version(void);

/* ------------------------------------------------------------------ */
/* The lexical GIL check                                               */

/* Outside release blocks this constant is 0; GK_BEGIN_ALLOW_THREADS
 * shadows it with 1, and every object function checks it at compile
 * time. */
enum { gk_gil_released_region = 0 };
#define GK__GIL_REGION_CHECK() \
    ((void)sizeof(struct { \
        _Static_assert(!gk_gil_released_region, \
            "gilkit: object API used between GK_BEGIN_ALLOW_THREADS and GK_END_ALLOW_THREADS, " \
            "where the GIL is released"); \
        int gk_unused; }))
#define GK__CALL(fn, ...) (GK__GIL_REGION_CHECK(), fn(__VA_ARGS__, __FILE__, __LINE__))
#define GK__CALL0(fn) (GK__GIL_REGION_CHECK(), fn(__FILE__, __LINE__))

/* ------------------------------------------------------------------ */
/* Reference counts                                                    */

GK_API gk_object *gk_incref_(gk_object *o, const char *file, int line);   /* returns o */
GK_API void gk_decref_(gk_object *o, const char *file, int line);
GK_API void gk_xdecref_(gk_object *o, const char *file, int line);        /* NULL is fine */
#define gk_incref(o) GK__CALL(gk_incref_, (o))
#define gk_decref(o) GK__CALL(gk_decref_, (o))
#define gk_xdecref(o) GK__CALL(gk_xdecref_, (o))

/* ------------------------------------------------------------------ */
/* Values                                                              */

GK_API gk_object *gk_none_(const char *file, int line);                  /* None */
GK_API gk_object *gk_bool_(int v, const char *file, int line);           /* True / False */
GK_API gk_object *gk_int_from_i64_(int64_t v, const char *file, int line);
/* Parses decimal (or base 2..36, 0 = prefixed) text into an int of any size. */
GK_API gk_object *gk_int_from_string_(const char *text, int base, const char *file, int line);
/* Converts an int to int64; -1 with OverflowError/TypeError pending on failure. */
GK_API int64_t gk_int_as_i64_(gk_object *o, const char *file, int line);
GK_API gk_object *gk_float_from_double_(double v, const char *file, int line);
/* int or float (or __float__) to double; -1.0 with an exception on failure. */
GK_API double gk_float_as_double_(gk_object *o, const char *file, int line);
GK_API gk_object *gk_str_from_utf8_(const char *s, size_t size, const char *file, int line);
GK_API gk_object *gk_str_from_cstr_(const char *s, const char *file, int line);
/* Returns the UTF-8 text of a str: BORROWED, valid while the str lives.
 * *size (if not NULL) gets the byte count.  NULL + TypeError for non-str. */
GK_API const char *gk_str_as_utf8_(gk_object *o, size_t *size, const char *file, int line);
GK_API gk_object *gk_bytes_from_(const void *data, size_t size, const char *file, int line);
/* Returns the bytes' data: BORROWED, valid while the object lives. */
GK_API const void *gk_bytes_data_(gk_object *o, size_t *size, const char *file, int line);
GK_API gk_object *gk_list_new_(size_t n, const char *file, int line);    /* n Nones */
GK_API int gk_list_append_(gk_object *list, gk_object *item, const char *file, int line);
GK_API gk_object *gk_tuple_from_array_(gk_object *const *items, size_t n, const char *file, int line);
GK_API gk_object *gk_dict_new_(const char *file, int line);
/* d[key]: new reference; NULL + KeyError if missing. */
GK_API gk_object *gk_dict_get_(gk_object *d, const char *key, const char *file, int line);
GK_API int gk_dict_set_(gk_object *d, const char *key, gk_object *value, const char *file, int line);
/* len(o); -1 on error. */
GK_API intptr_t gk_len_(gk_object *o, const char *file, int line);
/* o[index] for sequences and mappings (index is an object). */
GK_API gk_object *gk_getitem_(gk_object *o, gk_object *key, const char *file, int line);
GK_API int gk_setitem_(gk_object *o, gk_object *key, gk_object *value, const char *file, int line);
GK_API gk_object *gk_repr_(gk_object *o, const char *file, int line);
GK_API gk_object *gk_str_(gk_object *o, const char *file, int line);
/* 1 true, 0 false, -1 error. */
GK_API int gk_truthy_(gk_object *o, const char *file, int line);
/* Type tests: 1 or 0, never fail. */
GK_API int gk_is_none_(gk_object *o, const char *file, int line);
GK_API int gk_is_int_(gk_object *o, const char *file, int line);
GK_API int gk_is_float_(gk_object *o, const char *file, int line);
GK_API int gk_is_str_(gk_object *o, const char *file, int line);
GK_API int gk_is_bytes_(gk_object *o, const char *file, int line);
GK_API int gk_is_list_(gk_object *o, const char *file, int line);
GK_API int gk_is_tuple_(gk_object *o, const char *file, int line);
GK_API int gk_is_dict_(gk_object *o, const char *file, int line);
/* The type's name, e.g. "int": BORROWED, valid while the object lives. */
GK_API const char *gk_type_name_(gk_object *o, const char *file, int line);

#define gk_none() GK__CALL0(gk_none_)
#define gk_bool(v) GK__CALL(gk_bool_, (v))
#define gk_int_from_i64(v) GK__CALL(gk_int_from_i64_, (v))
#define gk_int_from_string(t, b) GK__CALL(gk_int_from_string_, (t), (b))
#define gk_int_as_i64(o) GK__CALL(gk_int_as_i64_, (o))
#define gk_float_from_double(v) GK__CALL(gk_float_from_double_, (v))
#define gk_float_as_double(o) GK__CALL(gk_float_as_double_, (o))
#define gk_str_from_utf8(s, n) GK__CALL(gk_str_from_utf8_, (s), (n))
#define gk_str_from_cstr(s) GK__CALL(gk_str_from_cstr_, (s))
#define gk_str_as_utf8(o, size) GK__CALL(gk_str_as_utf8_, (o), (size))
#define gk_bytes_from(d, n) GK__CALL(gk_bytes_from_, (d), (n))
#define gk_bytes_data(o, size) GK__CALL(gk_bytes_data_, (o), (size))
#define gk_list_new(n) GK__CALL(gk_list_new_, (n))
#define gk_list_append(l, v) GK__CALL(gk_list_append_, (l), (v))
#define gk_tuple_from_array(items, n) GK__CALL(gk_tuple_from_array_, (items), (n))
#define gk_dict_new() GK__CALL0(gk_dict_new_)
#define gk_dict_get(d, k) GK__CALL(gk_dict_get_, (d), (k))
#define gk_dict_set(d, k, v) GK__CALL(gk_dict_set_, (d), (k), (v))
#define gk_len(o) GK__CALL(gk_len_, (o))
#define gk_getitem(o, k) GK__CALL(gk_getitem_, (o), (k))
#define gk_setitem(o, k, v) GK__CALL(gk_setitem_, (o), (k), (v))
#define gk_repr(o) GK__CALL(gk_repr_, (o))
#define gk_str(o) GK__CALL(gk_str_, (o))
#define gk_truthy(o) GK__CALL(gk_truthy_, (o))
#define gk_is_none(o) GK__CALL(gk_is_none_, (o))
#define gk_is_int(o) GK__CALL(gk_is_int_, (o))
#define gk_is_float(o) GK__CALL(gk_is_float_, (o))
#define gk_is_str(o) GK__CALL(gk_is_str_, (o))
#define gk_is_bytes(o) GK__CALL(gk_is_bytes_, (o))
#define gk_is_list(o) GK__CALL(gk_is_list_, (o))
#define gk_is_tuple(o) GK__CALL(gk_is_tuple_, (o))
#define gk_is_dict(o) GK__CALL(gk_is_dict_, (o))
#define gk_type_name(o) GK__CALL(gk_type_name_, (o))

/* ------------------------------------------------------------------ */
/* Attributes, calls, iteration                                        */

GK_API gk_object *gk_getattr_(gk_object *o, const char *name, const char *file, int line);
GK_API int gk_setattr_(gk_object *o, const char *name, gk_object *value, const char *file, int line);
/* callable(*args) */
GK_API gk_object *gk_call_(gk_object *callable, gk_object *const *args, size_t nargs, const char *file, int line);
/* obj.name(*args) */
GK_API gk_object *gk_call_method_(gk_object *obj, const char *name, gk_object *const *args, size_t nargs,
                                  const char *file, int line);
GK_API gk_object *gk_iter_(gk_object *o, const char *file, int line);
/* The next item, or NULL at the end with NO exception pending. */
GK_API gk_object *gk_iter_next_(gk_object *it, const char *file, int line);
/* Imports a module by (dotted) name. */
GK_API gk_object *gk_import_(const char *name, const char *file, int line);

#define gk_getattr(o, n) GK__CALL(gk_getattr_, (o), (n))
#define gk_setattr(o, n, v) GK__CALL(gk_setattr_, (o), (n), (v))
#define gk_call(f, a, n) GK__CALL(gk_call_, (f), (a), (n))
#define gk_call_method(o, name, a, n) GK__CALL(gk_call_method_, (o), (name), (a), (n))
#define gk_iter(o) GK__CALL(gk_iter_, (o))
#define gk_iter_next(it) GK__CALL(gk_iter_next_, (it))
#define gk_import(name) GK__CALL(gk_import_, (name))

/* ------------------------------------------------------------------ */
/* Exceptions                                                          */

/* The standard exception types an extension raises most. */
typedef enum gk_exc_kind {
    GK_EXC_EXCEPTION, GK_EXC_TYPE_ERROR, GK_EXC_VALUE_ERROR, GK_EXC_KEY_ERROR, GK_EXC_INDEX_ERROR,
    GK_EXC_RUNTIME_ERROR, GK_EXC_OS_ERROR, GK_EXC_MEMORY_ERROR, GK_EXC_OVERFLOW_ERROR,
    GK_EXC_ZERO_DIVISION_ERROR, GK_EXC_ATTRIBUTE_ERROR, GK_EXC_NOT_IMPLEMENTED_ERROR,
    GK_EXC_TIMEOUT_ERROR, GK_EXC_IMPORT_ERROR, GK_EXC_KEYBOARD_INTERRUPT, GK_EXC_STOP_ITERATION,
    GK_EXC_KIND_COUNT
} gk_exc_kind;

/* Raises kind with a printf-style message; returns NULL. */
GK_API gk_object *gk_raise_(gk_exc_kind kind, const char *file, int line, const char *fmt, ...);
/* Raises an OSError subclass from errno (FileNotFoundError, ...); returns NULL. */
GK_API gk_object *gk_raise_errno_(int err, const char *filename, const char *file, int line);
GK_API int gk_err_occurred_(const char *file, int line);               /* 1 if an exception is pending */
GK_API int gk_err_matches_(gk_exc_kind kind, const char *file, int line);
/* Takes the pending exception (new reference, or NULL), clearing it. */
GK_API gk_object *gk_err_fetch_(const char *file, int line);
/* Makes exc (not stolen) the pending exception again. */
GK_API void gk_err_restore_(gk_object *exc, const char *file, int line);
GK_API void gk_err_clear_(const char *file, int line);

#define gk_raise(kind, ...) (GK__GIL_REGION_CHECK(), gk_raise_((kind), __FILE__, __LINE__, __VA_ARGS__))
#define gk_raise_errno(err, fname) GK__CALL(gk_raise_errno_, (err), (fname))
#define gk_err_occurred() GK__CALL0(gk_err_occurred_)
#define gk_err_matches(kind) GK__CALL(gk_err_matches_, (kind))
#define gk_err_fetch() GK__CALL0(gk_err_fetch_)
#define gk_err_restore(e) GK__CALL(gk_err_restore_, (e))
#define gk_err_clear() GK__CALL0(gk_err_clear_)

/* ------------------------------------------------------------------ */
/* Native objects: C data with a finalizer                             */

/* Wraps ptr in an object of the given kind name ("mymod.Handle").  When
 * the object dies, finalize(ptr) runs (with the GIL held). */
GK_API gk_object *gk_native_new_(const char *kind, void *ptr, void (*finalize)(void *ptr),
                                 const char *file, int line);
/* Returns the pointer of a native object of that kind; NULL + TypeError
 * if o is not one. */
GK_API void *gk_native_get_(gk_object *o, const char *kind, const char *file, int line);
#define gk_native_new(kind, ptr, fin) GK__CALL(gk_native_new_, (kind), (ptr), (fin))
#define gk_native_get(o, kind) GK__CALL(gk_native_get_, (o), (kind))

/* ------------------------------------------------------------------ */
/* Native types: C data in each instance, a finalizer, methods,        */
/* attributes and an optional constructor                               */

/* A method: called with the GIL held; self is an instance of the type
 * (borrowed), args are borrowed; returns a new reference or NULL with an
 * exception pending. */
typedef gk_object *(*gk_method_fn)(gk_thread *thread, gk_object *self, gk_object *const *args, size_t nargs);

/* One method of a native type.  Besides plain methods, these special
 * names make the instances work with the matching syntax: __repr__,
 * __str__, __len__ (returns an int), __iter__, __next__ (NULL with no
 * exception, or StopIteration, at the end), __call__, __getitem__, and
 * __enter__/__exit__ for `with`. */
typedef struct gk_method_def {
    const char *name;
    gk_method_fn fn;
    const char *doc;
} gk_method_def;
#define GK_METHOD(name, fn, doc) { (name), (fn), (doc) }
#define GK_METHOD_END { 0, 0, 0 }

/* An attribute computed in C.  get returns a new reference (or NULL with
 * an exception); set, NULL for a read-only attribute, stores value (never
 * NULL: `del` is refused) and returns 0 or -1.  Both run with the GIL. */
typedef struct gk_attr_def {
    const char *name;
    gk_object *(*get)(gk_thread *thread, gk_object *self);
    int (*set)(gk_thread *thread, gk_object *self, gk_object *value);
    const char *doc;
} gk_attr_def;
#define GK_ATTR(name, get, set, doc) { (name), (get), (set), (doc) }
#define GK_ATTR_END { 0, 0, 0, 0 }

/* Describes a native type; plain data that gk_type_new copies, so it may
 * live on the stack.  Instances carry data_size bytes of C data, zeroed
 * when the instance is made (gk_instance_data finds them); their layout
 * stays the SDK's business. */
typedef struct gk_type_def {
    const char *name;              /* "mymod.Counter": __name__ "Counter", __module__ "mymod" */
    const char *doc;               /* may be NULL */
    size_t data_size;              /* bytes of C data per instance (may be 0) */
    /* Type(*args) from scripts: fills self's zeroed data; 0, or -1 with an
     * exception (the instance is then dropped and finalize runs).  NULL:
     * only C code makes instances (gk_instance_new). */
    int (*init)(gk_thread *thread, gk_object *self, gk_object *const *args, size_t nargs);
    /* Runs once when an instance dies, with the GIL held, on its data; it
     * may drop references it holds but must not raise.  May be NULL. */
    void (*finalize)(void *data);
    const gk_method_def *methods;  /* ends with GK_METHOD_END; may be NULL */
    const gk_attr_def *attrs;      /* ends with GK_ATTR_END; may be NULL */
} gk_type_def;

/* Creates the type described by def and, if module is not NULL, sets it
 * as the module's attribute named after the part of def->name after the
 * last dot.  Returns the type (new reference) or NULL with an exception
 * (ValueError for a bad def).  The type lives until the process ends, and
 * keeps module's library loaded. */
GK_API gk_object *gk_type_new_(gk_object *module, const gk_type_def *def, const char *file, int line);
/* Returns a new instance of type with zeroed data, without calling init. */
GK_API gk_object *gk_instance_new_(gk_object *type, const char *file, int line);
/* Returns o's C data (BORROWED, valid while o lives), or NULL with
 * TypeError if o is not an instance of type.  type NULL accepts an
 * instance of any native type (for methods, whose self is checked). */
GK_API void *gk_instance_data_(gk_object *o, gk_object *type, const char *file, int line);
#define gk_type_new(module, def) GK__CALL(gk_type_new_, (module), (def))
#define gk_instance_new(type) GK__CALL(gk_instance_new_, (type))
#define gk_instance_data(o, type) GK__CALL(gk_instance_data_, (o), (type))

/* ------------------------------------------------------------------ */
/* The GIL                                                             */

/* Releases the GIL held by the calling thread; returns the thread handle to
 * give back to gk_gil_reacquire.  Use the macros below instead. */
GK_API gk_thread *gk_gil_release_(const char *file, int line);
/* Takes the GIL again (blocking); no GIL needed, of course. */
GK_API void gk_gil_reacquire_(gk_thread *t, const char *file, int line);
/* 1 if the calling thread holds the GIL; no GIL needed. */
GK_API int gk_gil_held(void);

#if defined(__GNUC__)
#define GK__PUSH_NO_SHADOW _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wshadow\"")
#define GK__POP_NO_SHADOW _Pragma("GCC diagnostic pop")
#else
#define GK__PUSH_NO_SHADOW
#define GK__POP_NO_SHADOW
#endif

/* Releases the GIL for the statements up to GK_END_ALLOW_THREADS, which
 * must close the same block.  Between the two, no gilkit object function
 * may be called: doing so is a compile error naming the GIL. */
#define GK_BEGIN_ALLOW_THREADS \
    { GK__PUSH_NO_SHADOW enum { gk_gil_released_region = 1 }; GK__POP_NO_SHADOW \
      gk_thread *gk_saved_thread_ = gk_gil_release_(__FILE__, __LINE__);
#define GK_END_ALLOW_THREADS \
      gk_gil_reacquire_(gk_saved_thread_, __FILE__, __LINE__); }

/* Native threads that call into the runtime: attach before any other call,
 * detach when done.  One thread state is kept per native thread and reused
 * (attach is cheap after the first time); nesting is counted.  Attach
 * returns 0 and holds the GIL, or -1 (without touching anything) if the
 * runtime is shutting down or gone: never hangs, never kills the thread.
 * Both need no GIL. */
GK_API int gk_thread_attach(void);
GK_API void gk_thread_detach(void);
/* The same with the caller's file:line for GIL-debug reports; the macros
 * below use them (the plain functions stay for modules built before). */
GK_API int gk_thread_attach_(const char *file, int line);
GK_API void gk_thread_detach_(const char *file, int line);
#define gk_thread_attach() gk_thread_attach_(__FILE__, __LINE__)
#define gk_thread_detach() gk_thread_detach_(__FILE__, __LINE__)

/* Runs fn(arg) with the GIL released.  If the thread must be interrupted
 * (Ctrl-C for the main thread, shutdown), unblock(unblock_arg) is called
 * from another thread to make fn return early (for example by writing to a
 * pipe fn polls); unblock may be NULL.  fn must not touch objects.
 * Returns fn's result; afterwards, if a KeyboardInterrupt arrived, it is
 * pending and gk_err_occurred() is 1. */
GK_API intptr_t gk_call_blocking_(intptr_t (*fn)(void *arg), void *arg,
                                  void (*unblock)(void *unblock_arg), void *unblock_arg,
                                  const char *file, int line);
#define gk_call_blocking(fn, arg, ub, ubarg) GK__CALL(gk_call_blocking_, (fn), (arg), (ub), (ubarg))

/* ------------------------------------------------------------------ */
/* Mutexes that know about the GIL                                     */

/* gk_mutex: a plain, non-recursive mutex for an extension's own C data.
 * None of these functions needs the GIL, so they may be used inside
 * GK_BEGIN_ALLOW_THREADS blocks and on native threads.
 *
 * The deadlock to avoid: thread A holds the GIL and waits for M, thread B
 * holds M and waits for the GIL (GK_END_ALLOW_THREADS, gk_thread_attach, or
 * running Python code).  Where the GIL is held, take M with
 * gk_mutex_lock_release_gil(): it waits for M with the GIL released and
 * takes the GIL back afterwards.  Plain gk_mutex_lock() with the GIL held
 * is fine only if no thread ever takes the GIL while holding M.
 *
 * The GIL-debug build tracks every gk_mutex (a class per gk_mutex_new call
 * site) and reports, once, the first time the two orders "M waited for
 * with the GIL held" and "GIL taken with M held" have both been seen, with
 * both file:lines, before it ever deadlocks (debug class 6).  In the
 * release build a gk_mutex is a pthread mutex behind one call. */
typedef struct gk_mutex gk_mutex;
/* Returns a new unlocked mutex, or NULL when out of memory (no exception). */
GK_API gk_mutex *gk_mutex_new_(const char *file, int line);
/* Frees an unlocked mutex; NULL is fine. */
GK_API void gk_mutex_free(gk_mutex *m);
/* Waits for m, keeping the GIL if the thread holds it. */
GK_API void gk_mutex_lock_(gk_mutex *m, const char *file, int line);
/* Takes m if free: 1, else 0 at once (never waits, so never an inversion). */
GK_API int gk_mutex_trylock_(gk_mutex *m, const char *file, int line);
/* Takes m; if it is busy and the thread holds the GIL, releases the GIL
 * while waiting and takes it back after (the usual fix for class 6). */
GK_API void gk_mutex_lock_release_gil_(gk_mutex *m, const char *file, int line);
GK_API void gk_mutex_unlock_(gk_mutex *m, const char *file, int line);
#define gk_mutex_new() gk_mutex_new_(__FILE__, __LINE__)
#define gk_mutex_lock(m) gk_mutex_lock_((m), __FILE__, __LINE__)
#define gk_mutex_trylock(m) gk_mutex_trylock_((m), __FILE__, __LINE__)
#define gk_mutex_lock_release_gil(m) gk_mutex_lock_release_gil_((m), __FILE__, __LINE__)
#define gk_mutex_unlock(m) gk_mutex_unlock_((m), __FILE__, __LINE__)

/* Named forms: label (a string that outlives the call, by convention the
 * Python-level function, e.g. "socket.recv") names the blocking span in
 * -X giltrace traces and in trace hooks (gk_trace_set_label).  Otherwise
 * the same as gk_call_blocking and GK_BEGIN_ALLOW_THREADS. */
#define gk_call_blocking_named(label, fn, arg, ub, ubarg) \
    (gk_trace_set_label(label), gk_call_blocking((fn), (arg), (ub), (ubarg)))
#define GK_BEGIN_ALLOW_THREADS_NAMED(label) \
    { GK__PUSH_NO_SHADOW enum { gk_gil_released_region = 1 }; GK__POP_NO_SHADOW \
      gk_thread *gk_saved_thread_ = (gk_trace_set_label(label), gk_gil_release_(__FILE__, __LINE__));

/* ------------------------------------------------------------------ */
/* Extension modules                                                   */

/* An object-level function: called with the GIL held, positional args
 * borrowed; returns a new reference or NULL with an exception. */
typedef gk_object *(*gk_object_fn)(gk_thread *thread, gk_object *const *args, size_t nargs);

enum {
    GK_FN_OBJECT = 0,        /* fn is a gk_object_fn */
    GK_FN_NOGIL = 1,         /* plain C function; the VM releases the GIL around the call */
    GK_FN_HOLD_GIL = 2,      /* plain C function called with the GIL held (short calls) */
};

/* One entry of a module's function table.  For plain C functions,
 * `signature` is a C prototype without names, e.g. "double(double, int)",
 * "int64_t(const char *)", "void(void *, size_t)"; the VM converts
 * arguments and result and calls through libffi with a call plan prepared
 * once at import. */
typedef struct gk_function_def {
    const char *name;
    gk_object_fn fn;         /* GK_FN_OBJECT */
    void (*cfn)(void);       /* GK_FN_NOGIL / GK_FN_HOLD_GIL */
    const char *signature;
    int kind;                /* GK_FN_* */
    const char *doc;
} gk_function_def;

#define GK_OBJECT_FUNCTION(name, fn, doc) { (name), (fn), 0, 0, GK_FN_OBJECT, (doc) }
#define GK_C_FUNCTION(name, cfn, sig, kind, doc) { (name), 0, (void (*)(void))(cfn), (sig), (kind), (doc) }
#define GK_FUNCTION_END { 0, 0, 0, 0, 0, 0 }

enum {
    GK_MODULE_NOGIL_SAFE = 1u << 0,   /* reserved: the module does not need a GIL */
};

/* The descriptor a module exports under the symbol GK_MODULE_SYMBOL.  The
 * loader reads abi_version before running any module code. */
typedef struct gk_module_def {
    uint32_t abi_version;            /* GK_ABI_VERSION */
    uint32_t flags;                  /* GK_MODULE_* */
    const char *name;
    const char *doc;
    const gk_function_def *functions;
    /* Optional: runs once after the functions are added; 0 or -1. */
    int (*init)(gk_object *module);
} gk_module_def;

#define GK_MODULE_SYMBOL gilkit_module
#define GK_MODULE_SYMBOL_NAME "gilkit_module"
/* Declares the module's descriptor:
 *   GK_MODULE("hello", "doc", hello_functions, NULL, 0); */
#define GK_MODULE(name, doc, functions, init, flags) \
    GK_API const gk_module_def GK_MODULE_SYMBOL = { GK_ABI_VERSION, (flags), (name), (doc), (functions), (init) }

/* ------------------------------------------------------------------ */
/* Embedding                                                           */

/* Starts a runtime in this process (argv for sys.argv may be NULL) and
 * returns with the calling thread attached and holding the GIL; 0 / -1. */
GK_API int gk_runtime_start(int argc, char **argv);
/* Runs source as the __main__ module; 0, or -1 after printing the error. */
GK_API int gk_run_string(const char *source);
/* Ends the runtime started by gk_runtime_start: joins non-daemon threads
 * and frees it.  Another gk_runtime_start may follow.  Returns 0. */
GK_API int gk_runtime_stop(void);

#ifdef __cplusplus
}
#endif
#endif
