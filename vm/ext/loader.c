/*
 * vm/ext/loader.c - loading native extension modules at run time.
 *
 * `import name` looks for name.gilkit-1.so (the ABI tag) in each folder of
 * the module search path.  The file is opened with dlopen(RTLD_NOW |
 * RTLD_LOCAL) while the GIL is released (opening runs the library's
 * constructors and can take a while), then the loader reads the one
 * exported descriptor, gilkit_module, and checks its ABI record before any
 * module code runs.  Object-level functions are wrapped so that the VM
 * can check, after each call, that the extension kept its contract (the
 * GIL held again, a result or an exception but not both); plain C
 * functions get a libffi call plan prepared once, here.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "runtime.h"
#include "objects.h"
#include "ext/ext.h"
#include "gilkit.h"
#include "threads/gilcheck.h"

char *gk__native_module_find(const char *folder, const char *name)
{
    const char *last = strrchr(name, '.');
    last = last ? last + 1 : name;
    size_t n = strlen(folder) + strlen(last) + sizeof(GK_ABI_TAG) + 8;
    char *path = malloc(n);
    if (!path)
        return NULL;
    snprintf(path, n, "%s%s%s.%s.so", folder, folder[0] && folder[strlen(folder) - 1] != '/' ? "/" : "",
             last, GK_ABI_TAG);
    if (access(path, F_OK) == 0)
        return path;
    free(path);
    return NULL;
}

/* ---- wrapped object-level functions ---- */

typedef struct extfunc {
    GK_HEAD;
    const gk_function_def *def;
    gk_object *module;          /* keeps the module (and its library) alive */
    const char *modname;        /* the module descriptor's name (static in the library) */
} extfunc;

static void extfunc_dealloc(gk_object *o)
{
    gk__xdecref(((extfunc *)o)->module);
    gk__free(o);
}

/* Class 3: an extension function (or init) came back to the VM without
 * the GIL.  Reported in every build (abort by default); in warn mode the
 * GIL is taken back so that the VM can go on. */
__attribute__((noinline, cold)) static void returned_released(gk__tstate *ts, const char *modname,
                                                             const char *fname)
{
    char detail[256];
    snprintf(detail, sizeof detail, "function: %s.%s() (a GK_END_ALLOW_THREADS skipped by a return or goto?)",
             modname ? modname : "?", fname);
    gk__gilcheck_report("extension function returned to the VM with the GIL released", detail, NULL, 0, 1);
    gk__gil_acquire(ts);
}

static gk_object *extfunc_call(gk_object *o, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    extfunc *f = (extfunc *)o;
    gk__tstate *ts = gk__ts();
    if (kwnames && gk__tuple_size(kwnames))
        return gk__raise(&gk__exc_TypeError, "%s() takes no keyword arguments", f->def->name);
#ifdef GK_GIL_DEBUG
    /* Names the running extension function for GIL-hog reports. */
    const char *saved_mod = atomic_load_explicit(&ts->ext_module, memory_order_relaxed);
    const char *saved_fn = atomic_load_explicit(&ts->ext_func, memory_order_relaxed);
    atomic_store_explicit(&ts->ext_module, f->modname, memory_order_relaxed);
    atomic_store_explicit(&ts->ext_func, f->def->name, memory_order_relaxed);
#endif
    gk_object *r = f->def->fn((gk_thread *)ts, args, nargs);
#ifdef GK_GIL_DEBUG
    atomic_store_explicit(&ts->ext_module, saved_mod, memory_order_relaxed);
    atomic_store_explicit(&ts->ext_func, saved_fn, memory_order_relaxed);
#endif
    if (!ts->holds_gil)
        returned_released(ts, f->modname, f->def->name);
    /* The contract kept (a result and no exception, or the reverse) costs
     * one test: this is the SDK's hot path (bench/ext_calls.py). */
    if ((r != NULL) == (ts->curexc == NULL))
        return r;
    if (r) {
        gk__decref(r);
        gk_object *exc = gk__err_fetch();
        gk__raise(&gk__exc_SystemError, "%s() returned a result with an exception set", f->def->name);
        gk__exc_set_cause(gk__err_peek(), exc);
        gk__decref(exc);
        return NULL;
    }
    return gk__raise(&gk__exc_SystemError, "%s() returned NULL without setting an exception", f->def->name);
}

static gk_object *extfunc_repr(gk_object *o)
{
    extfunc *f = (extfunc *)o;
    return gk__str_from_format("<extension function %s>", f->def->name);
}

static gk_object *extfunc_get_name(gk_object *o, void *c)
{
    return gk__str_from_cstr(((extfunc *)o)->def->name);
}

static gk_object *extfunc_get_doc(gk_object *o, void *c)
{
    const char *d = ((extfunc *)o)->def->doc;
    return d ? gk__str_from_cstr(d) : gk__none_ref();
}

static const gk__getsetdef extfunc_getset[] = {
    { "__name__", extfunc_get_name, NULL, NULL },
    { "__doc__", extfunc_get_doc, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

static gk_type extfunc_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "extension_function",
    .basicsize = sizeof(extfunc),
    .dealloc = extfunc_dealloc,
    .repr = extfunc_repr,
    .call = extfunc_call,
    .getset = extfunc_getset,
    .doc = "A function of a native extension module.",
};

/* The module keeps its library handle in a native object so that the
 * library is closed only when the module dies. */
static void close_library(void *handle)
{
    dlclose(handle);
}

static gk_object *import_error(gk_object *name, const char *path, const char *fmt, const char *detail)
{
    gk__raise(&gk__exc_ImportError, fmt, gk__str_utf8(name), path, detail);
    return NULL;
}

static int add_functions(gk_object *m, const gk_module_def *def, gk_object *name)
{
    gk_object *d = gk__module_dict(m);
    for (const gk_function_def *f = def->functions; f && f->name; f++) {
        gk_object *fo;
        if (f->kind == GK_FN_OBJECT) {
            if (!f->fn) {
                gk__raise(&gk__exc_ImportError, "native module '%U': function '%s' has no body", name, f->name);
                return -1;
            }
            extfunc *e = (extfunc *)gk__obj_new(&extfunc_type, sizeof *e);
            if (!e)
                return -1;
            e->def = f;
            e->module = gk__incref(m);
            e->modname = def->name;
            fo = (gk_object *)e;
        } else if (f->kind == GK_FN_NOGIL || f->kind == GK_FN_HOLD_GIL) {
            if (!f->cfn || !f->signature) {
                gk__raise(&gk__exc_ImportError, "native module '%U': C function '%s' needs a pointer and a "
                          "signature", name, f->name);
                return -1;
            }
            gk__callplan *plan = gk__callplan_new(f->name, f->signature);
            if (!plan) {
                gk_object *cause = gk__err_fetch();
                gk__raise(&gk__exc_ImportError, "native module '%U': function '%s': %S", name, f->name, cause);
                gk__decref(cause);
                return -1;
            }
            fo = gk__cfunction_ffi_new(f->name, f->cfn, plan, f->kind == GK_FN_NOGIL, m);
            if (!fo)
                return -1;
        } else {
            gk__raise(&gk__exc_ImportError, "native module '%U': function '%s' has unknown kind %d", name,
                      f->name, f->kind);
            return -1;
        }
        int r = gk__dict_set_cstr(d, f->name, fo);
        gk__decref(fo);
        if (r < 0)
            return -1;
    }
    return 0;
}

gk_object *gk__native_module_load(gk_object *name, const char *path)
{
    if (!(extfunc_type.flags & GK_TPFLAG_READY) && gk__type_ready(&extfunc_type) < 0)
        return NULL;
    gk__tstate *ts = gk__ts();
    GK__BLOCKING_BEGIN(ts);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    const char *err = h ? NULL : dlerror();
    GK__BLOCKING_END(ts);
    if (!h)
        return import_error(name, path, "cannot load native module '%s' from %s: %s", err ? err : "?");
    const gk_module_def *def = dlsym(h, GK_MODULE_SYMBOL_NAME);
    if (!def) {
        dlclose(h);
        return import_error(name, path, "native module '%s' (%s) does not export the descriptor symbol '%s'"
                            " (declare it with GK_MODULE(...))", GK_MODULE_SYMBOL_NAME);
    }
    if (def->abi_version != GK_ABI_VERSION) {
        gk__raise(&gk__exc_ImportError, "native module '%U' (%s) was built for gilkit ABI version %u, but this "
                  "runtime has ABI version %d: rebuild the module", name, path, def->abi_version, GK_ABI_VERSION);
        dlclose(h);
        return NULL;
    }
    gk_object *m = gk__module_new(name);
    if (!m) {
        dlclose(h);
        return NULL;
    }
    gk_object *d = gk__module_dict(m);
    gk_object *file = gk__str_from_cstr(path);
    gk_object *keeper = gk_native_new_("gilkit.library", h, close_library, __FILE__, __LINE__);
    if (!file || !keeper) {
        gk__xdecref(file);
        if (!keeper)
            dlclose(h);
        gk__xdecref(keeper);
        gk__decref(m);
        return NULL;
    }
    int r = gk__dict_set_cstr(d, "__file__", file);
    if (r == 0)
        r = gk__dict_set_cstr(d, "__library__", keeper);
    if (r == 0 && def->doc) {
        gk_object *doc = gk__str_from_cstr(def->doc);
        r = doc ? gk__dict_set_cstr(d, "__doc__", doc) : -1;
        gk__xdecref(doc);
    }
    gk__decref(file);
    gk__decref(keeper);
    if (r == 0)
        r = add_functions(m, def, name);
    if (r == 0 && def->init) {
        r = def->init(m);
        if (!ts->holds_gil)
            returned_released(ts, def->name, "<init>");
    }
    if (r < 0) {
        if (!gk__err_occurred())
            gk__raise(&gk__exc_ImportError, "native module '%U': init failed without an exception", name);
        gk__decref(m);
        return NULL;
    }
    return m;
}
