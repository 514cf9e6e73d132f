/*
 * vm/ext/types.c - native types of the public SDK (gk_type_new and
 * friends in sdk/include/gilkit.h): types an extension module defines at
 * run time, whose instances carry C data, a finalizer, methods written in
 * C, attributes computed in C and an optional constructor.
 *
 * Design.  A native type is a static-style gk_type (not a heap type: it
 * cannot be subclassed and has no instance __dict__) allocated here and
 * never freed, embedded at the start of an `ntype` that keeps a private
 * copy of the module's gk_type_def.  Instances are one allocation: the
 * object header, then the C data at an aligned offset.
 *
 * Methods go into the type's dict as ordinary method_descriptor objects,
 * so that `obj.method(x)` takes the eval loop's LOAD_METHOD fast path with
 * no bound-method object per call.  A method descriptor's C body receives
 * (self, args) but no closure, so method number k of every native type is
 * called through trampoline k, which finds the method in the ntype of
 * type(self): self's type is exactly the ntype because native types have
 * no subclasses and the descriptor checks self's type before calling.
 * Attributes use getset descriptors, whose closure points at the copied
 * gk_attr_def.  Special method names fill the matching type slots.
 *
 * Every call into the extension is checked like module functions are
 * (loader.c): the GIL held again on return, and a result or an exception
 * but not both.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "objects.h"
#include "ext/ext.h"
#include "gilkit.h"
#include "threads/gilcheck.h"

#define SITE const char *file, int line
#ifdef GK_GIL_DEBUG
#define CHECK_OBJ(o) gk__gilcheck_call(__func__, (o), file, line)
#else
#define CHECK_OBJ(o) ((void)(o), (void)file, (void)line)
#endif

/* The special methods a native type may define, with the slot each fills. */
enum { SP_REPR, SP_STR, SP_LEN, SP_ITER, SP_NEXT, SP_CALL, SP_GETITEM, SP_COUNT };
static const char *const special_names[SP_COUNT] = {
    "__repr__", "__str__", "__len__", "__iter__", "__next__", "__call__", "__getitem__",
};

#define MAX_METHODS 64

/* Invariant: `type` comes first, so a gk_type * of a native type is its
 * ntype *; every table below is a private copy made by gk_type_new and
 * lives (like the type) until the process ends. */
typedef struct ntype {
    gk_type type;
    size_t data_offset;                  /* where an instance's C data begins */
    int (*init)(gk_thread *, gk_object *, gk_object *const *, size_t);
    void (*finalize)(void *);
    gk_method_def *methods;              /* nmethods entries, then the end mark */
    size_t nmethods;
    gk_attr_def *attrs;
    gk__methoddef *mdefs;                /* methods as gk__type_ready reads them */
    gk__getsetdef *gsdefs;               /* attributes, closure = &attrs[i] */
    int special[SP_COUNT];               /* index in methods, or -1 */
    gk_object *keeper;                   /* the module's library handle, kept loaded */
} ntype;

#define NT(o) ((ntype *)GK_TYPE(o))

static void instance_dealloc(gk_object *o);

static bool is_native(gk_object *o)
{
    return GK_TYPE(o)->dealloc == instance_dealloc;
}

static void *data_of(gk_object *o)
{
    return (char *)o + NT(o)->data_offset;
}

/* ---- calling into the extension ---- */

/* Reports an extension method that came back without the GIL (class 3 of
 * the GIL checks, in every build) and takes the GIL back. */
__attribute__((noinline, cold)) static void returned_released(gk__tstate *ts, gk_type *t, const char *name)
{
    char detail[256];
    snprintf(detail, sizeof detail, "method: %s.%s() (a GK_END_ALLOW_THREADS skipped by a return or goto?)",
             t->name, name);
    gk__gilcheck_report("extension method returned to the VM with the GIL released", detail, NULL, 0, 1);
    gk__gil_acquire(ts);
}

/* Checks what an extension method returned, as loader.c does for module
 * functions; returns r, or NULL with SystemError for a broken contract. */
static gk_object *checked_return(gk__tstate *ts, gk_type *t, const char *name, gk_object *r)
{
    if (!ts->holds_gil)
        returned_released(ts, t, name);
    if ((r != NULL) == (ts->curexc == NULL))
        return r;
    if (r) {
        gk__decref(r);
        gk_object *exc = gk__err_fetch();
        gk__raise(&gk__exc_SystemError, "%s.%s() returned a result with an exception set", t->name, name);
        gk__exc_set_cause(gk__err_peek(), exc);
        gk__decref(exc);
        return NULL;
    }
    return gk__raise(&gk__exc_SystemError, "%s.%s() returned NULL without setting an exception", t->name, name);
}

static gk_object *call_method(gk_object *self, size_t k, gk_object *const *args, size_t nargs,
                              gk_object *kwnames)
{
    ntype *nt = NT(self);
    const gk_method_def *m = &nt->methods[k];
    if (kwnames && gk__tuple_size(kwnames))
        return gk__raise(&gk__exc_TypeError, "%s() takes no keyword arguments", m->name);
    gk__tstate *ts = gk__ts();
#ifdef GK_GIL_DEBUG
    /* Names the running method for GIL-hog reports, as loader.c does. */
    const char *saved_mod = atomic_load_explicit(&ts->ext_module, memory_order_relaxed);
    const char *saved_fn = atomic_load_explicit(&ts->ext_func, memory_order_relaxed);
    atomic_store_explicit(&ts->ext_module, nt->type.name, memory_order_relaxed);
    atomic_store_explicit(&ts->ext_func, m->name, memory_order_relaxed);
#endif
    gk_object *r = m->fn((gk_thread *)ts, self, args, nargs);
#ifdef GK_GIL_DEBUG
    atomic_store_explicit(&ts->ext_module, saved_mod, memory_order_relaxed);
    atomic_store_explicit(&ts->ext_func, saved_fn, memory_order_relaxed);
#endif
    return checked_return(ts, &nt->type, m->name, r);
}

/* Trampoline k calls method k of type(self). */
#define TRAMPOLINES(X) \
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) \
    X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31) \
    X(32) X(33) X(34) X(35) X(36) X(37) X(38) X(39) X(40) X(41) X(42) X(43) X(44) X(45) X(46) X(47) \
    X(48) X(49) X(50) X(51) X(52) X(53) X(54) X(55) X(56) X(57) X(58) X(59) X(60) X(61) X(62) X(63)
#define X(k) \
    static gk_object *tramp_##k(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames) \
    { return call_method(self, (k), args, nargs, kwnames); }
TRAMPOLINES(X)
#undef X
#define X(k) tramp_##k,
static const gk__cfunc trampolines[MAX_METHODS] = { TRAMPOLINES(X) };
#undef X

/* Calls special method sp of o's type (which defines it). */
static gk_object *call_special(gk_object *o, int sp, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return call_method(o, (size_t)NT(o)->special[sp], args, nargs, kwnames);
}

static gk_object *slot_repr(gk_object *o) { return call_special(o, SP_REPR, NULL, 0, NULL); }
static gk_object *slot_str(gk_object *o) { return call_special(o, SP_STR, NULL, 0, NULL); }
static gk_object *slot_iter(gk_object *o) { return call_special(o, SP_ITER, NULL, 0, NULL); }
static gk_object *slot_getitem(gk_object *o, gk_object *key) { return call_special(o, SP_GETITEM, &key, 1, NULL); }

static gk_object *slot_call(gk_object *o, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return call_special(o, SP_CALL, args, nargs, kwnames);
}

static gk_object *slot_next(gk_object *o)
{
    gk_object *r = call_special(o, SP_NEXT, NULL, 0, NULL);
    if (!r && gk__err_matches(&gk__exc_StopIteration))
        gk__err_clear();
    return r;
}

static intptr_t slot_len(gk_object *o)
{
    gk_object *r = call_special(o, SP_LEN, NULL, 0, NULL);
    if (!r)
        return -1;
    intptr_t n = -1;
    if (!gk__is_int(r))
        gk__raise(&gk__exc_TypeError, "'%N' object cannot be interpreted as an integer", r);
    else if (gk__index_to_ssize(r, &n) == 0 && n < 0) {
        gk__raise(&gk__exc_ValueError, "__len__() should return >= 0");
        n = -1;
    }
    gk__decref(r);
    return n;
}

/* ---- attributes ---- */

static gk_object *attr_get(gk_object *self, void *closure)
{
    const gk_attr_def *a = closure;
    gk__tstate *ts = gk__ts();
    return checked_return(ts, GK_TYPE(self), a->name, a->get((gk_thread *)ts, self));
}

static int attr_set(gk_object *self, gk_object *value, void *closure)
{
    const gk_attr_def *a = closure;
    if (!value) {
        gk__raise(&gk__exc_AttributeError, "cannot delete attribute '%s' of '%s' objects", a->name,
                  GK_TYPE_NAME(self));
        return -1;
    }
    gk__tstate *ts = gk__ts();
    int r = a->set((gk_thread *)ts, self, value);
    gk_object *ok = checked_return(ts, GK_TYPE(self), a->name, r < 0 ? NULL : gk__none_ref());
    if (!ok)
        return -1;
    gk__decref(ok);
    return 0;
}

/* ---- instances ---- */

static void instance_dealloc(gk_object *o)
{
    ntype *nt = NT(o);
    if (nt->finalize) {
        gk_object *saved = gk__err_fetch();
        nt->finalize(data_of(o));
        gk__err_restore(saved);
    }
    gk__free(o);
}

static gk_object *instance_alloc(ntype *nt)
{
    return gk__obj_new(&nt->type, nt->type.basicsize);
}

/* Type(*args): a zeroed instance filled by the extension's init. */
static gk_object *instance_tp_new(gk_type *t, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    ntype *nt = (ntype *)t;
    if (kwnames && gk__tuple_size(kwnames))
        return gk__raise(&gk__exc_TypeError, "%s() takes no keyword arguments", gk__type_name(t));
    gk_object *o = instance_alloc(nt);
    if (!o)
        return NULL;
    gk__tstate *ts = gk__ts();
    int r = nt->init((gk_thread *)ts, o, args, nargs);
    gk_object *ok = checked_return(ts, t, "__init__", r < 0 ? NULL : gk__none_ref());
    if (!ok) {
        gk__decref(o);
        return NULL;
    }
    gk__decref(ok);
    return o;
}

/* The constructor's work is done in instance_tp_new; this keeps
 * object.__init__ from looking at the arguments again. */
static int instance_tp_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return 0;
}

/* ---- making a type ---- */

static char *copy_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

static gk_object *bad_def(const char *name, const char *what)
{
    return gk__raise(&gk__exc_ValueError, "gk_type_new: type '%s': %s", name ? name : "?", what);
}

/* Copies def's tables into nt; -1 with an exception. */
static int copy_tables(ntype *nt, const gk_type_def *def)
{
    size_t nm = 0, na = 0;
    for (const gk_method_def *m = def->methods; m && m->name; m++, nm++)
        if (!m->fn) {
            bad_def(def->name, "a method without a function");
            return -1;
        }
    for (const gk_attr_def *a = def->attrs; a && a->name; a++, na++)
        if (!a->get) {
            bad_def(def->name, "an attribute without a getter");
            return -1;
        }
    if (nm > MAX_METHODS) {
        bad_def(def->name, "more than 64 methods");
        return -1;
    }
    nt->methods = calloc(nm + 1, sizeof *nt->methods);
    nt->mdefs = calloc(nm + 1, sizeof *nt->mdefs);
    nt->attrs = calloc(na + 1, sizeof *nt->attrs);
    nt->gsdefs = calloc(na + 1, sizeof *nt->gsdefs);
    if (!nt->methods || !nt->mdefs || !nt->attrs || !nt->gsdefs)
        goto nomem;
    nt->nmethods = nm;
    for (size_t i = 0; i < nm; i++) {
        const gk_method_def *m = &def->methods[i];
        nt->methods[i] = (gk_method_def){ copy_str(m->name), m->fn, copy_str(m->doc) };
        if (!nt->methods[i].name || (m->doc && !nt->methods[i].doc))
            goto nomem;
        nt->mdefs[i] = (gk__methoddef){ nt->methods[i].name, trampolines[i], GK_METH_DEFAULT, nt->methods[i].doc };
        for (int sp = 0; sp < SP_COUNT; sp++)
            if (strcmp(m->name, special_names[sp]) == 0)
                nt->special[sp] = (int)i;
    }
    for (size_t i = 0; i < na; i++) {
        const gk_attr_def *a = &def->attrs[i];
        nt->attrs[i] = (gk_attr_def){ copy_str(a->name), a->get, a->set, copy_str(a->doc) };
        if (!nt->attrs[i].name || (a->doc && !nt->attrs[i].doc))
            goto nomem;
        nt->gsdefs[i] = (gk__getsetdef){ nt->attrs[i].name, attr_get, a->set ? attr_set : NULL, &nt->attrs[i] };
    }
    return 0;
nomem:
    gk__raise_nomemory();
    return -1;
}

/* Frees a type that never became ready (its tables and strings). */
static void ntype_free(ntype *nt)
{
    for (size_t i = 0; nt->methods && i < nt->nmethods; i++) {
        free((char *)nt->methods[i].name);
        free((char *)nt->methods[i].doc);
    }
    for (size_t i = 0; nt->attrs && nt->attrs[i].name; i++) {
        free((char *)nt->attrs[i].name);
        free((char *)nt->attrs[i].doc);
    }
    free(nt->methods);
    free(nt->mdefs);
    free(nt->attrs);
    free(nt->gsdefs);
    free((char *)nt->type.name);
    free((char *)nt->type.doc);
    free(nt);
}

/* Fills the slots of the special methods nt defines. */
static void set_special_slots(ntype *nt)
{
    gk_type *t = &nt->type;
    if (nt->special[SP_REPR] >= 0) t->repr = slot_repr;
    if (nt->special[SP_STR] >= 0) t->str = slot_str;
    if (nt->special[SP_LEN] >= 0) t->len = slot_len;
    if (nt->special[SP_ITER] >= 0) t->iter = slot_iter;
    if (nt->special[SP_NEXT] >= 0) t->iternext = slot_next;
    if (nt->special[SP_CALL] >= 0) t->call = slot_call;
    if (nt->special[SP_GETITEM] >= 0) t->getitem = slot_getitem;
}

GK_API gk_object *gk_type_new_(gk_object *module, const gk_type_def *def, SITE)
{
    CHECK_OBJ(module);
    if (!def || !def->name || !*def->name)
        return bad_def(def ? def->name : NULL, "no name");
    const char *short_name = strrchr(def->name, '.');
    short_name = short_name ? short_name + 1 : def->name;
    if (!*short_name)
        return bad_def(def->name, "the name ends with a dot");
    ntype *nt = calloc(1, sizeof *nt);
    if (!nt)
        return gk__raise_nomemory();
    for (int sp = 0; sp < SP_COUNT; sp++)
        nt->special[sp] = -1;
    gk_type *t = &nt->type;
    t->ob = (gk_object)GK_STATIC_HEAD(&gk__type_type);
    t->name = copy_str(def->name);
    t->doc = copy_str(def->doc);
    if (!t->name || (def->doc && !t->doc)) {
        ntype_free(nt);
        return gk__raise_nomemory();
    }
    if (copy_tables(nt, def) < 0) {
        ntype_free(nt);
        return NULL;
    }
    nt->data_offset = (sizeof(gk_object) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    if (def->data_size > SIZE_MAX / 2 - nt->data_offset) {
        ntype_free(nt);
        return bad_def(def->name, "data_size too large");
    }
    t->basicsize = nt->data_offset + def->data_size;
    t->dealloc = instance_dealloc;
    t->getattr = gk__object_generic_getattr;
    t->setattr = gk__object_generic_setattr;
    t->new_ = def->init ? instance_tp_new : NULL;
    t->init = def->init ? instance_tp_init : NULL;
    t->methods = nt->mdefs;
    t->getset = nt->gsdefs;
    nt->init = def->init;
    nt->finalize = def->finalize;
    set_special_slots(nt);
    if (module) {
        gk_object *d = gk__module_dict(module);
        gk_object *k = d ? gk__dict_get_cstr(d, "__library__") : NULL;
        nt->keeper = k ? gk__incref(k) : NULL;
    }
    /* From here on the type is published to the VM's tables: it is never freed. */
    if (gk__type_ready(t) < 0)
        return NULL;
    if (module && gk__setattr_cstr(module, short_name, (gk_object *)t) < 0)
        return NULL;
    return gk__incref((gk_object *)t);
}

GK_API gk_object *gk_instance_new_(gk_object *type, SITE)
{
    CHECK_OBJ(type);
    if (!gk__is_type(type) || ((gk_type *)type)->dealloc != instance_dealloc)
        return gk__raise(&gk__exc_TypeError, "gk_instance_new: expected a native type, got %R", type);
    return instance_alloc((ntype *)type);
}

GK_API void *gk_instance_data_(gk_object *o, gk_object *type, SITE)
{
    CHECK_OBJ(o);
    if (!is_native(o) || (type && GK_TYPE(o) != (gk_type *)type)) {
        gk__raise(&gk__exc_TypeError, "expected %s object, got %N",
                  type && gk__is_type(type) ? gk__type_name((gk_type *)type) : "a native", o);
        return NULL;
    }
    return data_of(o);
}
