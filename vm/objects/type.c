/*
 * vm/objects/type.c - type objects: `type` and `object`, readying the
 * static built-in types, classes made by `class` statements (heap types),
 * slot wrappers and getset descriptors.
 *
 * Static types.  gk__type_ready() links a static type to its base (object
 * by default), computes its MRO, fills its dict from the C method and
 * getset tables plus a "slot wrapper" for every slot the type defines
 * itself (so `int.__add__`, `object.__init__`, `list.__len__` exist and
 * super() reaches them), then copies every slot it leaves NULL from its
 * base.
 *
 * Heap types.  A class's slots are generic functions that look the dunder
 * method up in the MRO each time they run, so assigning a dunder to a class
 * later just works.  When the lookup finds a slot wrapper of a built-in
 * base, calling it runs that base's C slot.  Four slots are chosen when the
 * class is made (and again when a dunder is assigned to it): getattr and
 * setattr stay the generic C functions unless the class overrides
 * __getattribute__/__getattr__/__setattr__/__delattr__ (the eval loop's
 * method fast path depends on that), descr_get/descr_set are set only if
 * __get__/__set__/__delete__ exist (otherwise every instance stored in a
 * class would look like a data descriptor), and hash is NULL for classes
 * that define __eq__ without __hash__.  An instance's layout is its solid
 * base's plus an instance __dict__ pointer when the base has none.
 *
 * Attribute cache.  gk__type_lookup (abstract.c) remembers MRO lookups by
 * the type's version tag.  Every change to a heap type's dict goes through
 * this file and ends with gk__type_modified, which clears the tag of the
 * type and, through the subclass lists kept here, of every type whose MRO
 * holds it; static types cannot change after gk__type_ready.
 */
#include <stdlib.h>
#include <string.h>
#include "objects.h"
#include "code.h"
#include "runtime.h"

/* Private flags of heap types. */
#define HEAP_HAS_DEL (1u << 30)              /* the class defines __del__ */
#define GK_TPFLAG_SUBCLASS_LISTED (1u << 29) /* in its heap bases' subclass lists */

static size_t round8(size_t x) { return (x + 7) & ~(size_t)7; }

/* ------------------------------------------------------------------ */
/* Dunder names, interned once per runtime                              */

enum {
    N_REPR, N_STR, N_HASH, N_LT, N_LE, N_EQ, N_NE, N_GT, N_GE, N_GETATTRIBUTE, N_GETATTR,
    N_SETATTR, N_DELATTR, N_CALL, N_ITER, N_NEXT, N_LEN, N_GETITEM, N_SETITEM, N_DELITEM,
    N_CONTAINS, N_BOOL, N_NEG, N_POS, N_ABS, N_INVERT, N_INT, N_FLOAT, N_INDEX, N_GET, N_SET,
    N_DELETE, N_INIT, N_NEW, N_DEL,
    N_BINOP, N_RBINOP = N_BINOP + GK_BINOP_COUNT, N_IBINOP = N_RBINOP + GK_BINOP_COUNT,
    N_COUNT = N_IBINOP + GK_BINOP_COUNT
};

static const char *const dunder_cstr[N_COUNT] = {
    "__repr__", "__str__", "__hash__", "__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__",
    "__getattribute__", "__getattr__", "__setattr__", "__delattr__", "__call__", "__iter__",
    "__next__", "__len__", "__getitem__", "__setitem__", "__delitem__", "__contains__", "__bool__",
    "__neg__", "__pos__", "__abs__", "__invert__", "__int__", "__float__", "__index__", "__get__",
    "__set__", "__delete__", "__init__", "__new__", "__del__",
#define X(n, d, r, i, s) d,
    GK_BINOPS(X)
#undef X
#define X(n, d, r, i, s) r,
    GK_BINOPS(X)
#undef X
#define X(n, d, r, i, s) i,
    GK_BINOPS(X)
#undef X
};

static gk_object *dunder_obj[N_COUNT];
static gk_object *dunder_owner;   /* the interned dict the cache belongs to */

/* The interned str for dunder number i (BORROWED). */
static gk_object *dname(int i)
{
    gk_object *owner = gk__rt ? gk__rt->interned : NULL;
    if (dunder_owner != owner || !owner) {
        memset(dunder_obj, 0, sizeof dunder_obj);
        dunder_owner = owner;
    }
    if (!dunder_obj[i])
        dunder_obj[i] = gk__str_intern(dunder_cstr[i]);
    return dunder_obj[i];
}

static gk_object *lookup(gk_type *t, int i) { return gk__type_lookup(t, dname(i)); }

/* Returns the __name__ of t (borrowed C string). */
const char *gk__type_name(gk_type *t)
{
    if ((t->flags & GK_TPFLAG_HEAPTYPE) && t->heap_name)
        return gk__str_utf8(t->heap_name);
    const char *dot = strrchr(t->name, '.');
    return dot ? dot + 1 : t->name;
}

/* The first non-heap type in t's base chain. */
static gk_type *static_base(gk_type *t)
{
    while (t->flags & GK_TPFLAG_HEAPTYPE)
        t = t->base;
    return t;
}

/* ------------------------------------------------------------------ */
/* Slot wrappers                                                        */

enum {
    W_REPR, W_STR, W_HASH, W_CMP, W_GETATTR, W_SETATTR, W_DELATTR, W_CALL, W_ITER, W_NEXT,
    W_LEN, W_GETITEM, W_SETITEM, W_DELITEM, W_CONTAINS, W_BOOL, W_NEG, W_POS, W_ABS, W_INVERT,
    W_INT, W_FLOAT, W_INDEX, W_NB, W_RNB, W_INB, W_GET, W_SET, W_DELETE, W_INIT
};

typedef struct {
    GK_HEAD;
    gk_type *owner;      /* static type whose slot this calls; not owned */
    int kind, op;        /* W_*, and the comparison or binary operator */
    const char *name;
} swrap_obj;

#define SW(o) ((swrap_obj *)(o))

static gk_object *swrap_new(gk_type *owner, int kind, int op, const char *name)
{
    gk_object *w = gk__obj_new(&gk__slot_wrapper_type, sizeof(swrap_obj));
    if (!w)
        return NULL;
    SW(w)->owner = owner;
    SW(w)->kind = kind;
    SW(w)->op = op;
    SW(w)->name = name;
    return w;
}

static bool is_wrapper(gk_object *o, int kind)
{
    return o && GK_TYPE(o) == &gk__slot_wrapper_type && SW(o)->kind == kind;
}

static int wrap_nargs(swrap_obj *w)
{
    switch (w->kind) {
    case W_CMP: case W_GETATTR: case W_DELATTR: case W_GETITEM: case W_DELITEM: case W_CONTAINS:
    case W_NB: case W_RNB: case W_INB: case W_DELETE:
        return 1;
    case W_SETATTR: case W_SETITEM: case W_SET:
        return 2;
    case W_CALL: case W_INIT: case W_GET:
        return -1;
    default:
        return 0;
    }
}

static gk_object *none_or(int r)
{
    return r < 0 ? NULL : gk__none_ref();
}

static gk_object *bool_or(int r)
{
    return r < 0 ? NULL : gk__bool(r);
}

/* Runs the wrapped slot of w->owner on self with the already-checked args. */
static gk_object *swrap_dispatch(swrap_obj *w, gk_object *self, gk_object *const *a, size_t n, gk_object *kw)
{
    gk_type *t = w->owner;
    switch (w->kind) {
    case W_REPR: return t->repr(self);
    case W_STR: return t->str(self);
    case W_HASH: {
        int64_t h = t->hash(self);
        return h == -1 ? NULL : gk__int_from_i64(h);
    }
    case W_CMP: return t->richcompare(self, a[0], w->op);
    case W_GETATTR:
        if (!gk__is_str(a[0]))
            return gk__raise(&gk__exc_TypeError, "attribute name must be string, not '%s'", GK_TYPE_NAME(a[0]));
        return t->getattr(self, a[0]);
    case W_SETATTR:
    case W_DELATTR:
        if (!gk__is_str(a[0]))
            return gk__raise(&gk__exc_TypeError, "attribute name must be string, not '%s'", GK_TYPE_NAME(a[0]));
        return none_or(t->setattr(self, a[0], w->kind == W_SETATTR ? a[1] : NULL));
    case W_CALL: return t->call(self, a, n, kw);
    case W_ITER: return t->iter(self);
    case W_NEXT: {
        gk_object *r = t->iternext(self);
        return r || gk__err_occurred() ? r : gk__raise_stop_iteration(NULL);
    }
    case W_LEN: {
        intptr_t len = t->len(self);
        return len < 0 ? NULL : gk__int_from_i64(len);
    }
    case W_GETITEM: return t->getitem(self, a[0]);
    case W_SETITEM: return none_or(t->setitem(self, a[0], a[1]));
    case W_DELITEM: return none_or(t->setitem(self, a[0], NULL));
    case W_CONTAINS: return bool_or(t->contains(self, a[0]));
    case W_BOOL: return bool_or(t->nb_bool(self));
    case W_NEG: return t->nb_neg(self);
    case W_POS: return t->nb_pos(self);
    case W_ABS: return t->nb_abs(self);
    case W_INVERT: return t->nb_invert(self);
    case W_INT: return t->nb_int(self);
    case W_FLOAT: return t->nb_float(self);
    case W_INDEX: return t->nb_index(self);
    case W_NB: return t->nb[w->op](self, a[0]);
    case W_RNB: return t->nb[w->op](a[0], self);
    case W_INB: return t->nb_inplace[w->op](self, a[0]);
    case W_GET: {
        gk_object *obj = n > 0 && a[0] != GK_NONE ? a[0] : NULL;
        gk_object *type = n > 1 && a[1] != GK_NONE ? a[1] : NULL;
        if (!obj && !type)
            return gk__raise(&gk__exc_TypeError, "__get__(None, None) is invalid");
        return t->descr_get(self, obj, type);
    }
    case W_SET: return none_or(t->descr_set(self, a[0], a[1]));
    case W_DELETE: return none_or(t->descr_set(self, a[0], NULL));
    case W_INIT: return none_or(t->init(self, a, n, kw));
    }
    return gk__raise(&gk__exc_SystemError, "bad slot wrapper");
}

static gk_object *swrap_call(gk_object *o, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    swrap_obj *w = SW(o);
    if (nargs == 0)
        return gk__raise(&gk__exc_TypeError, "descriptor '%s' of '%s' object needs an argument", w->name,
                         gk__type_name(w->owner));
    gk_object *self = args[0];
    if (!gk__type_is_subtype(GK_TYPE(self), w->owner))
        return gk__raise(&gk__exc_TypeError, "descriptor '%s' requires a '%s' object but received a '%s'",
                         w->name, gk__type_name(w->owner), GK_TYPE_NAME(self));
    size_t n = nargs - 1;
    int want = wrap_nargs(w);
    if (want >= 0) {
        if (kwnames && gk__tuple_size(kwnames))
            return gk__raise(&gk__exc_TypeError, "wrapper %s() takes no keyword arguments", w->name);
        bool ok = (size_t)want == n || (w->kind == W_NB && w->op == GK_BINOP_POW && n == 2);
        if (!ok)
            return gk__raise(&gk__exc_TypeError, "expected %d argument%s, got %zu", want,
                             want == 1 ? "" : "s", n);
        if (n == 2 && w->kind == W_NB && args[2] != GK_NONE)
            return gk__pow3(self, args[1], args[2]);
    } else if (w->kind == W_GET && (n < 1 || n > 2)) {
        return gk__raise(&gk__exc_TypeError, "expected 1 or 2 arguments, got %zu", n);
    }
    return swrap_dispatch(w, self, args + 1, n, kwnames);
}

/* A slot wrapper bound to an instance ("method-wrapper"). */
typedef struct {
    GK_HEAD;
    gk_object *descr, *self;   /* both owned */
} mwrap_obj;

#define MW(o) ((mwrap_obj *)(o))

static gk_object *mwrap_call(gk_object *o, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    size_t nkw = kwnames ? gk__tuple_size(kwnames) : 0, total = nargs + nkw + 1;
    gk_object *small[8], **argv = small;
    if (total > 8 && !(argv = malloc(total * sizeof *argv)))
        return gk__raise_nomemory();
    argv[0] = MW(o)->self;
    if (total > 1)
        memcpy(argv + 1, args, (total - 1) * sizeof *argv);
    gk_object *r = swrap_call(MW(o)->descr, argv, nargs + 1, kwnames);
    if (argv != small)
        free(argv);
    return r;
}

static gk_object *mwrap_repr(gk_object *o)
{
    return gk__str_from_format("<method-wrapper '%s' of %s object at %p>", SW(MW(o)->descr)->name,
                               GK_TYPE_NAME(MW(o)->self), (void *)MW(o)->self);
}

static int mwrap_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    int r = visit(MW(o)->descr, arg);
    return r ? r : visit(MW(o)->self, arg);
}

static void mwrap_dealloc(gk_object *o)
{
    GK_CLEAR(MW(o)->descr);
    GK_CLEAR(MW(o)->self);
    gk__free(o);
}

static gk_object *mwrap_get_name(gk_object *o, void *c) { return gk__str_from_cstr(SW(MW(o)->descr)->name); }
static gk_object *mwrap_get_self(gk_object *o, void *c) { return gk__incref(MW(o)->self); }

static const gk__getsetdef mwrap_getset[] = {
    { "__name__", mwrap_get_name, NULL, NULL },
    { "__self__", mwrap_get_self, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

static gk_type method_wrapper_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "method-wrapper",
    .basicsize = sizeof(mwrap_obj),
    .flags = GK_TPFLAG_GC,
    .dealloc = mwrap_dealloc,
    .repr = mwrap_repr,
    .getattr = gk__object_generic_getattr,
    .call = mwrap_call,
    .traverse = mwrap_traverse,
    .getset = mwrap_getset,
};

static gk_object *swrap_get(gk_object *d, gk_object *obj, gk_object *type)
{
    if (!obj)
        return gk__incref(d);
    if (!gk__type_is_subtype(GK_TYPE(obj), SW(d)->owner))
        return gk__raise(&gk__exc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                         SW(d)->name, gk__type_name(SW(d)->owner), GK_TYPE_NAME(obj));
    gk_object *m = gk__gc_new(&method_wrapper_type, sizeof(mwrap_obj));
    if (m) {
        MW(m)->descr = gk__incref(d);
        MW(m)->self = gk__incref(obj);
    }
    return m;
}

static gk_object *swrap_repr(gk_object *o)
{
    return gk__str_from_format("<slot wrapper '%s' of '%s' objects>", SW(o)->name, gk__type_name(SW(o)->owner));
}

static void plain_dealloc(gk_object *o) { gk__free(o); }

static gk_object *swrap_get_name(gk_object *o, void *c) { return gk__str_from_cstr(SW(o)->name); }
static gk_object *swrap_get_objclass(gk_object *o, void *c) { return gk__incref((gk_object *)SW(o)->owner); }
static gk_object *swrap_get_qualname(gk_object *o, void *c)
{
    return gk__str_from_format("%s.%s", gk__type_name(SW(o)->owner), SW(o)->name);
}

static const gk__getsetdef swrap_getset[] = {
    { "__name__", swrap_get_name, NULL, NULL },
    { "__qualname__", swrap_get_qualname, NULL, NULL },
    { "__objclass__", swrap_get_objclass, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__slot_wrapper_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "wrapper_descriptor",
    .basicsize = sizeof(swrap_obj),
    .dealloc = plain_dealloc,
    .repr = swrap_repr,
    .getattr = gk__object_generic_getattr,
    .call = swrap_call,
    .descr_get = swrap_get,
    .getset = swrap_getset,
};

/* ------------------------------------------------------------------ */
/* getset descriptors                                                   */

typedef struct {
    GK_HEAD;
    gk_type *owner;      /* not owned */
    const gk__getsetdef *def;
} getset_obj;

#define GS(o) ((getset_obj *)(o))

static bool getset_check(gk_object *d, gk_object *obj)
{
    if (gk__type_is_subtype(GK_TYPE(obj), GS(d)->owner))
        return true;
    gk__raise(&gk__exc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
              GS(d)->def->name, gk__type_name(GS(d)->owner), GK_TYPE_NAME(obj));
    return false;
}

static gk_object *getset_get(gk_object *d, gk_object *obj, gk_object *type)
{
    if (!obj)
        return gk__incref(d);
    if (!getset_check(d, obj))
        return NULL;
    if (!GS(d)->def->get)
        return gk__raise(&gk__exc_AttributeError, "attribute '%s' of '%s' objects is not readable",
                         GS(d)->def->name, gk__type_name(GS(d)->owner));
    return GS(d)->def->get(obj, GS(d)->def->closure);
}

static int getset_set(gk_object *d, gk_object *obj, gk_object *value)
{
    if (!getset_check(d, obj))
        return -1;
    if (!GS(d)->def->set) {
        gk__raise(&gk__exc_AttributeError, "attribute '%s' of '%s' objects is not writable",
                  GS(d)->def->name, gk__type_name(GS(d)->owner));
        return -1;
    }
    return GS(d)->def->set(obj, value, GS(d)->def->closure);
}

static gk_object *getset_repr(gk_object *o)
{
    return gk__str_from_format("<attribute '%s' of '%s' objects>", GS(o)->def->name, gk__type_name(GS(o)->owner));
}

static gk_object *getset_get_name(gk_object *o, void *c) { return gk__str_from_cstr(GS(o)->def->name); }
static gk_object *getset_get_objclass(gk_object *o, void *c) { return gk__incref((gk_object *)GS(o)->owner); }

static const gk__getsetdef getset_getset[] = {
    { "__name__", getset_get_name, NULL, NULL },
    { "__objclass__", getset_get_objclass, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__getset_descriptor_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "getset_descriptor",
    .basicsize = sizeof(getset_obj),
    .dealloc = plain_dealloc,
    .repr = getset_repr,
    .getattr = gk__object_generic_getattr,
    .descr_get = getset_get,
    .descr_set = getset_set,
    .getset = getset_getset,
};

static gk_object *getset_new(gk_type *owner, const gk__getsetdef *def)
{
    gk_object *d = gk__obj_new(&gk__getset_descriptor_type, sizeof(getset_obj));
    if (d) {
        GS(d)->owner = owner;
        GS(d)->def = def;
    }
    return d;
}

/* ------------------------------------------------------------------ */
/* Readying static types                                                */

/* __new__ of a static type: a builtin bound to the type, taking the subtype first. */
static gk_object *new_wrapper(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    gk_type *owner = (gk_type *)self;
    const char *on = gk__type_name(owner);
    if (nargs < 1)
        return gk__raise(&gk__exc_TypeError, "%s.__new__(): not enough arguments", on);
    if (!gk__is_type(args[0]))
        return gk__raise(&gk__exc_TypeError, "%s.__new__(X): X is not a type object (%s)", on,
                         GK_TYPE_NAME(args[0]));
    gk_type *sub = (gk_type *)args[0];
    const char *sn = gk__type_name(sub);
    if (!gk__type_is_subtype(sub, owner))
        return gk__raise(&gk__exc_TypeError, "%s.__new__(%s): %s is not a subtype of %s", on, sn, sn, on);
    gk_type *sb = static_base(sub);
    if (sb->new_ != owner->new_)
        return gk__raise(&gk__exc_TypeError, "%s.__new__(%s) is not safe, use %s.__new__()", on, sn,
                         gk__type_name(sb));
    return owner->new_(sub, args + 1, nargs - 1, kwnames);
}

static const gk__methoddef new_def = { "__new__", new_wrapper, 0,
                                       "Create and return a new object.  See help(type) for accurate signature." };

static int dict_put(gk_object *d, const char *name, gk_object *v)
{
    if (!v)
        return -1;
    int r = gk__dict_get_cstr(d, name) ? 0 : gk__dict_set_cstr(d, name, v);
    gk__decref(v);
    return r;
}

static int add_wrapper(gk_type *t, int kind, int op, const char *name)
{
    return dict_put(t->dict, name, swrap_new(t, kind, op, name));
}

#define OWN(field) (t->field && (!b || t->field != b->field))

/* Adds slot wrappers for the slots t defines itself. */
static int add_slot_wrappers(gk_type *t)
{
    gk_type *b = t->base;
    int rc = 0;
#define W(field, kind, name) if (OWN(field)) rc |= add_wrapper(t, kind, 0, name)
    W(repr, W_REPR, "__repr__");
    W(str, W_STR, "__str__");
    W(hash, W_HASH, "__hash__");
    if (OWN(richcompare))
        for (int op = 0; op < 6; op++)
            rc |= add_wrapper(t, W_CMP, op, dunder_cstr[N_LT + op]);
    if (OWN(getattr))
        rc |= add_wrapper(t, W_GETATTR, 0, "__getattribute__");
    if (OWN(setattr)) {
        rc |= add_wrapper(t, W_SETATTR, 0, "__setattr__");
        rc |= add_wrapper(t, W_DELATTR, 0, "__delattr__");
    }
    W(call, W_CALL, "__call__");
    W(iter, W_ITER, "__iter__");
    W(iternext, W_NEXT, "__next__");
    W(len, W_LEN, "__len__");
    W(getitem, W_GETITEM, "__getitem__");
    if (OWN(setitem)) {
        rc |= add_wrapper(t, W_SETITEM, 0, "__setitem__");
        rc |= add_wrapper(t, W_DELITEM, 0, "__delitem__");
    }
    W(contains, W_CONTAINS, "__contains__");
    W(nb_bool, W_BOOL, "__bool__");
    W(nb_neg, W_NEG, "__neg__");
    W(nb_pos, W_POS, "__pos__");
    W(nb_abs, W_ABS, "__abs__");
    W(nb_invert, W_INVERT, "__invert__");
    W(nb_int, W_INT, "__int__");
    W(nb_float, W_FLOAT, "__float__");
    W(nb_index, W_INDEX, "__index__");
    W(descr_get, W_GET, "__get__");
    if (OWN(descr_set)) {
        rc |= add_wrapper(t, W_SET, 0, "__set__");
        rc |= add_wrapper(t, W_DELETE, 0, "__delete__");
    }
    W(init, W_INIT, "__init__");
#undef W
    for (int op = 0; op < GK_BINOP_COUNT; op++) {
        if (OWN(nb[op])) {
            rc |= add_wrapper(t, W_NB, op, dunder_cstr[N_BINOP + op]);
            rc |= add_wrapper(t, W_RNB, op, dunder_cstr[N_RBINOP + op]);
        }
        if (OWN(nb_inplace[op]))
            rc |= add_wrapper(t, W_INB, op, dunder_cstr[N_IBINOP + op]);
    }
    if (OWN(new_))
        rc |= dict_put(t->dict, "__new__", gk__cfunction_new(&new_def, (gk_object *)t));
    if (t->richcompare && !t->hash && (!b || t->richcompare != b->richcompare))
        rc |= dict_put(t->dict, "__hash__", gk__none_ref());
    return rc ? -1 : 0;
}

static int add_tables(gk_type *t)
{
    for (const gk__methoddef *m = t->methods; m && m->name; m++) {
        /* Static methods are builtins bound to the type (for the repr); their C body ignores self. */
        gk_object *v = (m->flags & GK_METH_STATIC) ? gk__cfunction_new(m, (gk_object *)t)
                                                   : gk__method_descr_new(t, m);
        if (dict_put(t->dict, m->name, v) < 0)
            return -1;
    }
    for (const gk__getsetdef *g = t->getset; g && g->name; g++)
        if (dict_put(t->dict, g->name, getset_new(t, g)) < 0)
            return -1;
    return 0;
}

#define INHERIT(field) do { if (!t->field) t->field = b->field; } while (0)

/* Copies every slot t leaves NULL from b. */
static void inherit_slots(gk_type *t, gk_type *b, bool heap)
{
    INHERIT(dealloc); INHERIT(repr); INHERIT(str);
    if (!t->hash && !t->richcompare) {
        t->hash = b->hash;
        t->richcompare = b->richcompare;
    }
    INHERIT(getattr); INHERIT(setattr); INHERIT(call); INHERIT(iter); INHERIT(iternext);
    INHERIT(descr_get); INHERIT(descr_set); INHERIT(init);
    if (!t->new_ && (heap || b != &gk__object_type))
        t->new_ = b->new_;
    for (int i = 0; i < GK_BINOP_COUNT; i++) {
        INHERIT(nb[i]);
        INHERIT(nb_inplace[i]);
    }
    INHERIT(nb_neg); INHERIT(nb_pos); INHERIT(nb_abs); INHERIT(nb_invert); INHERIT(nb_bool);
    INHERIT(nb_int); INHERIT(nb_float); INHERIT(nb_index);
    INHERIT(len); INHERIT(getitem); INHERIT(setitem); INHERIT(contains);
    INHERIT(traverse); INHERIT(clear);
    INHERIT(basicsize); INHERIT(itemsize); INHERIT(dictoffset);
}

/* The fast-subclass flags of t, from its base chain. */
static unsigned subclass_flags(gk_type *t)
{
    unsigned f = 0;
    for (gk_type *b = t; b; b = b->base) {
        if (b == &gk__int_type) f |= GK_TPFLAG_INT_SUBCLASS;
        else if (b == &gk__str_type) f |= GK_TPFLAG_STR_SUBCLASS;
        else if (b == &gk__tuple_type) f |= GK_TPFLAG_TUPLE_SUBCLASS;
        else if (b == &gk__list_type) f |= GK_TPFLAG_LIST_SUBCLASS;
        else if (b == &gk__dict_type) f |= GK_TPFLAG_DICT_SUBCLASS;
        else if (b == &gk__exc_BaseException) f |= GK_TPFLAG_EXC_SUBCLASS;
        else if (b == &gk__type_type) f |= GK_TPFLAG_TYPE_SUBCLASS;
        else if (b == &gk__bytes_type) f |= GK_TPFLAG_BYTES_SUBCLASS;
    }
    return f;
}

/* See objects.h. */
void gk__type_modified(gk_type *t)
{
    t->version_tag = 0;
    for (size_t i = 0; i < t->nsubclasses; i++)
        gk__type_modified(t->subclasses[i]);
}

/* Re-picks the special slots of t's subclasses after a dunder of t changed. */
static void update_subclass_slots(gk_type *t);

/* Records sub in the subclass list of each heap type among its bases; 0 / -1. */
static int add_subclass(gk_type *sub)
{
    for (size_t i = 0; i < gk__tuple_size(sub->bases); i++) {
        gk_type *b = (gk_type *)GK_TUPLE_GET(sub->bases, i);
        if (!(b->flags & GK_TPFLAG_HEAPTYPE))
            continue;
        if (b->nsubclasses == b->subclasses_cap) {
            size_t cap = b->subclasses_cap ? 2 * b->subclasses_cap : 4;
            gk_type **p = realloc(b->subclasses, cap * sizeof(gk_type *));
            if (!p) {
                gk__raise_nomemory();
                return -1;
            }
            b->subclasses = p;
            b->subclasses_cap = cap;
        }
        b->subclasses[b->nsubclasses++] = sub;
    }
    return 0;
}

/* Removes sub from its bases' subclass lists (sub is being freed). */
static void remove_subclass(gk_type *sub)
{
    if (!sub->bases)
        return;
    for (size_t i = 0; i < gk__tuple_size(sub->bases); i++) {
        gk_type *b = (gk_type *)GK_TUPLE_GET(sub->bases, i);
        for (size_t j = 0; b && j < b->nsubclasses; j++)
            if (b->subclasses[j] == sub) {
                b->subclasses[j] = b->subclasses[--b->nsubclasses];
                break;
            }
    }
}

/* See objects.h. */
int gk__type_ready(gk_type *t)
{
    if (t->flags & GK_TPFLAG_READY)
        return 0;
    if (!t->ob.type)
        t->ob.type = &gk__type_type;
    if (t != &gk__object_type && !t->base)
        t->base = &gk__object_type;
    gk_type *b = t->base;
    if (b && !(b->flags & GK_TPFLAG_READY) && gk__type_ready(b) < 0)
        return -1;
    if (!t->bases && !(t->bases = b ? gk__tuple_pack(1, (gk_object *)b) : gk__incref(gk__empty_tuple)))
        return -1;
    if (!t->mro) {
        size_t nb = b ? gk__tuple_size(b->mro) : 0;
        if (!(t->mro = gk__tuple_new(nb + 1)))
            return -1;
        GK_TUPLE_SET(t->mro, 0, gk__incref((gk_object *)t));
        for (size_t i = 0; i < nb; i++)
            GK_TUPLE_SET(t->mro, i + 1, gk__incref(GK_TUPLE_GET(b->mro, i)));
    }
    if (!t->dict && !(t->dict = gk__dict_new()))
        return -1;
    if (add_tables(t) < 0 || add_slot_wrappers(t) < 0)
        return -1;
    gk_object *doc = t->doc ? gk__str_from_cstr(t->doc) : gk__none_ref();
    if (dict_put(t->dict, "__doc__", doc) < 0)
        return -1;
    if (b)
        inherit_slots(t, b, false);
    t->flags |= subclass_flags(t) | GK_TPFLAG_READY;
    gk__type_modified(t);
    return 0;
}

/* See objects.h. */
int gk__types_init(void)
{
#define X(c, py) if (gk__type_ready(&gk__##c##_type) < 0) return -1;
    GK_BUILTIN_TYPES(X)
#undef X
    if (gk__type_ready(&method_wrapper_type) < 0)
        return -1;
    return gk__exceptions_init();
}

/* ------------------------------------------------------------------ */
/* Calling dunder methods of heap types                                 */

static gk_object *object_tp_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames);
static gk_object *object_new_impl(gk_type *type, size_t nargs, gk_object *kwnames, bool check_new);

/* Private flag of heap types whose MRO defines __del__ (kept by update_special_slots). */


/* Calls descr (found on type(self)) as a method of self. */
static gk_object *call_descr(gk_object *descr, gk_object *self, gk_object *const *args, size_t nargs,
                             gk_object *kwnames)
{
    gk_type *dt = GK_TYPE(descr);
    size_t nkw = kwnames ? gk__tuple_size(kwnames) : 0;
    if (dt == &gk__function_type || dt == &gk__slot_wrapper_type || dt == &gk__method_descriptor_type) {
        gk_object *small[8], **argv = small;
        size_t total = nargs + nkw + 1;
        if (total > 8 && !(argv = malloc(total * sizeof *argv)))
            return gk__raise_nomemory();
        argv[0] = self;
        if (nargs + nkw)
            memcpy(argv + 1, args, (nargs + nkw) * sizeof *argv);
        gk_object *r = dt == &gk__function_type ? gk__function_call(descr, argv, nargs + 1, kwnames)
                                                : gk__call(descr, argv, nargs + 1, kwnames);
        if (argv != small)
            free(argv);
        return r;
    }
    if (!dt->descr_get)
        return gk__call(descr, args, nargs, kwnames);
    gk_object *bound = dt->descr_get(descr, self, (gk_object *)GK_TYPE(self));
    if (!bound)
        return NULL;
    gk_object *r = gk__call(bound, args, nargs, kwnames);
    gk__decref(bound);
    return r;
}

/* Looks dunder i up on type(self) and calls it; *found says whether it existed. */
static gk_object *call_dunder(gk_object *self, int i, gk_object *const *args, size_t nargs, bool *found)
{
    gk_object *d = lookup(GK_TYPE(self), i);
    *found = d != NULL;
    if (!d)
        return NULL;
    gk__incref(d);
    gk_object *r = call_descr(d, self, args, nargs, NULL);
    gk__decref(d);
    return r;
}

static gk_object *slot_repr(gk_object *o)
{
    bool found;
    gk_object *r = call_dunder(o, N_REPR, NULL, 0, &found);
    if (!found)
        return gk__str_from_format("<%s object at %p>", GK_TYPE_NAME(o), (void *)o);
    return r;
}

static gk_object *slot_str(gk_object *o)
{
    bool found;
    gk_object *r = call_dunder(o, N_STR, NULL, 0, &found);
    return found ? r : slot_repr(o);
}

static int64_t slot_hash(gk_object *o)
{
    gk_object *d = lookup(GK_TYPE(o), N_HASH);
    if (!d || d == GK_NONE) {
        gk__raise(&gk__exc_TypeError, "unhashable type: '%s'", GK_TYPE_NAME(o));
        return -1;
    }
    if (is_wrapper(d, W_HASH))
        return SW(d)->owner->hash(o);
    gk__incref(d);
    gk_object *r = call_descr(d, o, NULL, 0, NULL);
    gk__decref(d);
    if (!r)
        return -1;
    if (!gk__is_int(r)) {
        gk__raise(&gk__exc_TypeError, "__hash__ method should return an integer");
        gk__decref(r);
        return -1;
    }
    int64_t h = gk__int_is_small(r) ? gk__int_small_value(r) : gk__hash(r);
    if (h == -1)
        h = -2;
    gk__decref(r);
    return h;
}

static gk_object *slot_richcompare(gk_object *a, gk_object *b, int op)
{
    bool found;
    gk_object *r = call_dunder(a, N_LT + op, &b, 1, &found);
    return found ? r : gk__incref(GK_NOTIMPLEMENTED);
}

static gk_object *slot_getattr(gk_object *o, gk_object *name)
{
    gk_type *t = GK_TYPE(o);
    gk_object *ga = lookup(t, N_GETATTRIBUTE), *r;
    if (!ga || is_wrapper(ga, W_GETATTR))
        r = (ga ? SW(ga)->owner->getattr : gk__object_generic_getattr)(o, name);
    else {
        gk__incref(ga);
        r = call_descr(ga, o, &name, 1, NULL);
        gk__decref(ga);
    }
    if (r || !gk__err_matches(&gk__exc_AttributeError))
        return r;
    gk_object *g = lookup(t, N_GETATTR);
    if (!g)
        return NULL;
    gk__err_clear();
    gk__incref(g);
    r = call_descr(g, o, &name, 1, NULL);
    gk__decref(g);
    return r;
}

static int slot_setattr(gk_object *o, gk_object *name, gk_object *value)
{
    gk_type *t = GK_TYPE(o);
    int kind = value ? W_SETATTR : W_DELATTR;
    gk_object *f = lookup(t, value ? N_SETATTR : N_DELATTR);
    if (!f || is_wrapper(f, kind))
        return (f ? SW(f)->owner->setattr : gk__object_generic_setattr)(o, name, value);
    gk_object *args[2] = { name, value };
    gk__incref(f);
    gk_object *r = call_descr(f, o, args, value ? 2 : 1, NULL);
    gk__decref(f);
    if (!r)
        return -1;
    gk__decref(r);
    return 0;
}

static gk_object *slot_call(gk_object *o, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    gk_object *f = lookup(GK_TYPE(o), N_CALL);
    if (!f)
        return gk__raise(&gk__exc_TypeError, "'%s' object is not callable", GK_TYPE_NAME(o));
    gk__incref(f);
    gk_object *r = call_descr(f, o, args, nargs, kwnames);
    gk__decref(f);
    return r;
}

static gk_object *slot_iter(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    gk_object *f = lookup(t, N_ITER);
    if (f == GK_NONE || (!f && !lookup(t, N_GETITEM)))
        return gk__raise(&gk__exc_TypeError, "'%s' object is not iterable", GK_TYPE_NAME(o));
    if (!f)
        return gk__seq_iter_new(o);
    gk__incref(f);
    gk_object *r = call_descr(f, o, NULL, 0, NULL);
    gk__decref(f);
    return r;
}

static gk_object *slot_iternext(gk_object *o)
{
    bool found;
    gk_object *r = call_dunder(o, N_NEXT, NULL, 0, &found);
    if (!found)
        return gk__raise(&gk__exc_TypeError, "'%s' object is not an iterator", GK_TYPE_NAME(o));
    if (!r && gk__err_matches(&gk__exc_StopIteration))
        gk__err_clear();
    return r;
}

static gk_object *slot_descr_get(gk_object *self, gk_object *obj, gk_object *type)
{
    gk_object *args[2] = { obj ? obj : GK_NONE, type ? type : GK_NONE };
    bool found;
    gk_object *r = call_dunder(self, N_GET, args, 2, &found);
    return found ? r : gk__incref(self);
}

static int slot_descr_set(gk_object *self, gk_object *obj, gk_object *value)
{
    gk_object *args[2] = { obj, value };
    bool found;
    gk_object *r = call_dunder(self, value ? N_SET : N_DELETE, args, value ? 2 : 1, &found);
    if (!found)
        gk__raise(&gk__exc_AttributeError, value ? "__set__" : "__delete__");
    if (!r)
        return -1;
    gk__decref(r);
    return 0;
}

static gk_object *slot_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    gk_object *f = gk__type_lookup(type, dname(N_NEW));
    if (!f)
        return gk__raise(&gk__exc_TypeError, "cannot create '%s' instances", gk__type_name(type));
    if (f == gk__dict_get(gk__object_type.dict, dname(N_NEW)) && static_base(type)->new_ == object_tp_new)
        return object_new_impl(type, nargs, kwnames, false);
    gk_object *callee = GK_TYPE(f)->descr_get ? GK_TYPE(f)->descr_get(f, NULL, (gk_object *)type) : gk__incref(f);
    if (!callee)
        return NULL;
    size_t nkw = kwnames ? gk__tuple_size(kwnames) : 0;
    gk_object *small[8], **argv = small, *r = NULL;
    if (nargs + nkw + 1 > 8 && !(argv = malloc((nargs + nkw + 1) * sizeof *argv))) {
        gk__decref(callee);
        return gk__raise_nomemory();
    }
    argv[0] = (gk_object *)type;
    if (nargs + nkw)
        memcpy(argv + 1, args, (nargs + nkw) * sizeof *argv);
    r = gk__call(callee, argv, nargs + 1, kwnames);
    if (argv != small)
        free(argv);
    gk__decref(callee);
    return r;
}

static int slot_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    gk_object *f = lookup(GK_TYPE(self), N_INIT);
    if (!f)
        return 0;
    if (is_wrapper(f, W_INIT))
        return SW(f)->owner->init(self, args, nargs, kwnames);
    gk__incref(f);
    gk_object *r = call_descr(f, self, args, nargs, kwnames);
    gk__decref(f);
    if (!r)
        return -1;
    if (r != GK_NONE) {
        gk__raise(&gk__exc_TypeError, "__init__() should return None, not '%s'", GK_TYPE_NAME(r));
        gk__decref(r);
        return -1;
    }
    gk__decref(r);
    return 0;
}

/* Binary operator slot: __op__ of the left operand, __rop__ of the right. */
static gk_object *slot_binary(gk_object *a, gk_object *b, int op, gk_binaryfunc self_fn)
{
    gk_type *ta = GK_TYPE(a), *tb = GK_TYPE(b);
    bool do_a = ta->nb[op] == self_fn, do_b = ta != tb && tb->nb[op] == self_fn;
    gk_object *r, *f;
    if (do_a) {
        if (do_b && gk__type_is_subtype(tb, ta)) {
            gk_object *rb = lookup(tb, N_RBINOP + op);
            if (rb && rb != lookup(ta, N_RBINOP + op)) {
                gk__incref(rb);
                r = call_descr(rb, b, &a, 1, NULL);
                gk__decref(rb);
                if (!r || r != GK_NOTIMPLEMENTED)
                    return r;
                gk__decref(r);
                do_b = false;
            }
        }
        if ((f = lookup(ta, N_BINOP + op))) {
            gk__incref(f);
            r = call_descr(f, a, &b, 1, NULL);
            gk__decref(f);
            if (!r || r != GK_NOTIMPLEMENTED || ta == tb)
                return r;
            gk__decref(r);
        }
    }
    if (do_b && (f = lookup(tb, N_RBINOP + op))) {
        gk__incref(f);
        r = call_descr(f, b, &a, 1, NULL);
        gk__decref(f);
        return r;
    }
    return gk__incref(GK_NOTIMPLEMENTED);
}

static gk_object *slot_inplace(gk_object *a, gk_object *b, int op)
{
    bool found;
    gk_object *r = call_dunder(a, N_IBINOP + op, &b, 1, &found);
    return found ? r : gk__incref(GK_NOTIMPLEMENTED);
}

#define X(n, d, r, i, s) \
    static gk_object *slot_nb_##n(gk_object *a, gk_object *b) \
    { return slot_binary(a, b, GK_BINOP_##n, slot_nb_##n); } \
    static gk_object *slot_nbi_##n(gk_object *a, gk_object *b) \
    { return slot_inplace(a, b, GK_BINOP_##n); }
GK_BINOPS(X)
#undef X

static const gk_binaryfunc slot_nb_table[GK_BINOP_COUNT] = {
#define X(n, d, r, i, s) slot_nb_##n,
    GK_BINOPS(X)
#undef X
};
static const gk_binaryfunc slot_nbi_table[GK_BINOP_COUNT] = {
#define X(n, d, r, i, s) slot_nbi_##n,
    GK_BINOPS(X)
#undef X
};

static gk_object *slot_unary(gk_object *o, int i, const char *what)
{
    bool found;
    gk_object *r = call_dunder(o, i, NULL, 0, &found);
    if (!found)
        return gk__raise(&gk__exc_TypeError, "bad operand type for %s: '%s'", what, GK_TYPE_NAME(o));
    return r;
}

static gk_object *slot_neg(gk_object *o) { return slot_unary(o, N_NEG, "unary -"); }
static gk_object *slot_pos(gk_object *o) { return slot_unary(o, N_POS, "unary +"); }
static gk_object *slot_abs(gk_object *o) { return slot_unary(o, N_ABS, "abs()"); }
static gk_object *slot_invert(gk_object *o) { return slot_unary(o, N_INVERT, "unary ~"); }

static gk_object *slot_int(gk_object *o)
{
    bool found;
    gk_object *r = call_dunder(o, N_INT, NULL, 0, &found);
    if (!found)
        return gk__raise(&gk__exc_TypeError,
                         "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                         GK_TYPE_NAME(o));
    if (r && !gk__is_int(r)) {
        gk__raise(&gk__exc_TypeError, "__int__ returned non-int (type %s)", GK_TYPE_NAME(r));
        GK_CLEAR(r);
    }
    return r;
}

static gk_object *slot_index(gk_object *o)
{
    bool found;
    gk_object *r = call_dunder(o, N_INDEX, NULL, 0, &found);
    if (!found)
        return gk__raise(&gk__exc_TypeError, "'%s' object cannot be interpreted as an integer", GK_TYPE_NAME(o));
    return r;
}

static gk_object *slot_float(gk_object *o)
{
    bool found;
    gk_object *r = call_dunder(o, N_FLOAT, NULL, 0, &found);
    if (found) {
        if (r && !gk__is_float(r)) {
            gk__raise(&gk__exc_TypeError, "%s.__float__ returned non-float (type %s)", GK_TYPE_NAME(o),
                      GK_TYPE_NAME(r));
            GK_CLEAR(r);
        }
        return r;
    }
    if (lookup(GK_TYPE(o), N_INDEX)) {
        gk_object *i = gk__number_index(o);
        if (!i)
            return NULL;
        double d = gk__int_as_double(i);
        gk__decref(i);
        return d == -1.0 && gk__err_occurred() ? NULL : gk__float_new(d);
    }
    return gk__raise(&gk__exc_TypeError, "float() argument must be a string or a real number, not '%s'",
                     GK_TYPE_NAME(o));
}

static intptr_t slot_len(gk_object *o)
{
    bool found;
    gk_object *r = call_dunder(o, N_LEN, NULL, 0, &found);
    if (!found) {
        gk__raise(&gk__exc_TypeError, "object of type '%s' has no len()", GK_TYPE_NAME(o));
        return -1;
    }
    if (!r)
        return -1;
    intptr_t n = -1;
    if (!gk__is_int(r))
        gk__raise(&gk__exc_TypeError, "'%s' object cannot be interpreted as an integer", GK_TYPE_NAME(r));
    else if (gk__int_sign(r) < 0)
        gk__raise(&gk__exc_ValueError, "__len__() should return >= 0");
    else if (!gk__int_is_small(r))
        gk__raise(&gk__exc_OverflowError, "cannot fit 'int' into an index-sized integer");
    else
        n = (intptr_t)gk__int_small_value(r);
    gk__decref(r);
    return n;
}

static int slot_bool(gk_object *o)
{
    bool found;
    gk_object *r = call_dunder(o, N_BOOL, NULL, 0, &found);
    if (!found) {
        if (!lookup(GK_TYPE(o), N_LEN))
            return 1;
        intptr_t n = slot_len(o);
        return n < 0 ? -1 : n > 0;
    }
    if (!r)
        return -1;
    int v = r == GK_TRUE ? 1 : r == GK_FALSE ? 0 : -1;
    if (v < 0)
        gk__raise(&gk__exc_TypeError, "__bool__ should return bool, returned %s", GK_TYPE_NAME(r));
    gk__decref(r);
    return v;
}

static gk_object *slot_getitem(gk_object *o, gk_object *key)
{
    bool found;
    gk_object *r = call_dunder(o, N_GETITEM, &key, 1, &found);
    if (!found)
        return gk__raise(&gk__exc_TypeError, "'%s' object is not subscriptable", GK_TYPE_NAME(o));
    return r;
}

static int slot_setitem(gk_object *o, gk_object *key, gk_object *value)
{
    gk_object *args[2] = { key, value };
    bool found;
    gk_object *r = call_dunder(o, value ? N_SETITEM : N_DELITEM, args, value ? 2 : 1, &found);
    if (!found) {
        if (value)
            gk__raise(&gk__exc_TypeError, "'%s' object does not support item assignment", GK_TYPE_NAME(o));
        else
            gk__raise(&gk__exc_TypeError, "'%s' object doesn't support item deletion", GK_TYPE_NAME(o));
        return -1;
    }
    if (!r)
        return -1;
    gk__decref(r);
    return 0;
}

static int slot_contains(gk_object *o, gk_object *item)
{
    bool found;
    gk_object *r = call_dunder(o, N_CONTAINS, &item, 1, &found);
    if (found) {
        if (!r)
            return -1;
        int v = gk__truthy(r);
        gk__decref(r);
        return v;
    }
    gk_type *t = GK_TYPE(o);
    gk_object *fi = lookup(t, N_ITER);
    if (fi == GK_NONE || (!fi && !lookup(t, N_GETITEM))) {
        gk__raise(&gk__exc_TypeError, "argument of type '%s' is not iterable", GK_TYPE_NAME(o));
        return -1;
    }
    gk_object *it = gk__iter(o), *x;
    if (!it)
        return -1;
    int res = 0;
    while (!res && (x = gk__iternext(it))) {
        res = gk__richcompare_bool(x, item, GK_EQ);
        gk__decref(x);
    }
    gk__decref(it);
    return res == 0 && gk__err_occurred() ? -1 : res;
}

/* ------------------------------------------------------------------ */
/* Heap type instances: life cycle                                      */

/* Whether t added the instance dict pointer itself (vs. a built-in base). */
static bool owns_dict(gk_type *t)
{
    return t->dictoffset && t->dictoffset != static_base(t)->dictoffset;
}

static void call_del(gk_object *o, gk_object *del)
{
    gk_object *saved = gk__err_fetch();
    gk__incref(del);
    gk_object *r = call_descr(del, o, NULL, 0, NULL);
    if (r) {
        gk__decref(r);
    } else {
        gk_object *exc = gk__err_fetch();
        gk_object *where = gk__repr(del);
        gk__err_clear();
        gk__err_restore(exc);
        gk__write_unraisable(where ? gk__str_utf8(where) : "__del__");
        gk__xdecref(where);
    }
    gk__decref(del);
    gk__err_restore(saved);
}

static void subtype_dealloc(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    gk_object *del = (t->flags & HEAP_HAS_DEL) && !gk__gc_finalized(o) ? lookup(t, N_DEL) : NULL;
    if (del) {
        o->refcnt = 1;
        call_del(o, del);
        if (--o->refcnt > 0)
            return;   /* resurrected */
    }
    if (owns_dict(t))
        GK_CLEAR(*gk__object_dictptr(o));
    static_base(t)->dealloc(o);
    gk__decref((gk_object *)t);
}

static int subtype_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    gk_type *t = GK_TYPE(o);
    gk_object **dp = owns_dict(t) ? gk__object_dictptr(o) : NULL;
    int r;
    if (dp && *dp && (r = visit(*dp, arg)))
        return r;
    gk_type *sb = static_base(t);
    if (sb->traverse && (r = sb->traverse(o, visit, arg)))
        return r;
    return visit((gk_object *)t, arg);
}

static int subtype_clear(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    if (owns_dict(t))
        GK_CLEAR(*gk__object_dictptr(o));
    gk_type *sb = static_base(t);
    return sb->clear ? sb->clear(o) : 0;
}

/* Picks getattr, setattr, descr_get/set and hash from what t's MRO defines. */
static void update_special_slots(gk_type *t)
{
    gk_object *ga = lookup(t, N_GETATTRIBUTE);
    if (lookup(t, N_GETATTR) || (ga && !is_wrapper(ga, W_GETATTR)))
        t->getattr = slot_getattr;
    else
        t->getattr = ga ? SW(ga)->owner->getattr : gk__object_generic_getattr;
    gk_object *sa = lookup(t, N_SETATTR), *da = lookup(t, N_DELATTR);
    if (is_wrapper(sa, W_SETATTR) && is_wrapper(da, W_DELATTR) && SW(sa)->owner == SW(da)->owner)
        t->setattr = SW(sa)->owner->setattr;
    else
        t->setattr = slot_setattr;
    t->descr_get = lookup(t, N_GET) ? slot_descr_get : NULL;
    t->descr_set = lookup(t, N_SET) || lookup(t, N_DELETE) ? slot_descr_set : NULL;
    gk_object *h = lookup(t, N_HASH);
    t->hash = !h || h == GK_NONE ? NULL : slot_hash;
    if (lookup(t, N_DEL))
        t->flags |= HEAP_HAS_DEL;
    else
        t->flags &= ~HEAP_HAS_DEL;
}

static void update_subclass_slots(gk_type *t)
{
    for (size_t i = 0; i < t->nsubclasses; i++) {
        update_special_slots(t->subclasses[i]);
        update_subclass_slots(t->subclasses[i]);
    }
}

/* Fills a heap type's slots with the generic functions. */
static void set_heap_slots(gk_type *t)
{
    t->dealloc = subtype_dealloc;
    t->traverse = subtype_traverse;
    t->clear = subtype_clear;
    t->repr = slot_repr;
    t->str = slot_str;
    t->richcompare = slot_richcompare;
    t->call = slot_call;
    t->iter = slot_iter;
    t->iternext = slot_iternext;
    t->new_ = slot_new;
    t->init = slot_init;
    for (int i = 0; i < GK_BINOP_COUNT; i++) {
        t->nb[i] = slot_nb_table[i];
        t->nb_inplace[i] = slot_nbi_table[i];
    }
    t->nb_neg = slot_neg;
    t->nb_pos = slot_pos;
    t->nb_abs = slot_abs;
    t->nb_invert = slot_invert;
    t->nb_bool = slot_bool;
    t->nb_int = slot_int;
    t->nb_float = slot_float;
    t->nb_index = slot_index;
    t->len = slot_len;
    t->getitem = slot_getitem;
    t->setitem = slot_setitem;
    t->contains = slot_contains;
    update_special_slots(t);
}

/* ------------------------------------------------------------------ */
/* Creating heap types                                                  */

/* C3 linearization of t with the given bases: a new tuple or NULL + TypeError. */
static gk_object *mro_c3(gk_type *t, gk_object *bases)
{
    size_t nb = gk__tuple_size(bases), nseq = nb + 1, total = 1;
    gk_object ***seqs = calloc(nseq, sizeof *seqs);
    size_t *len = calloc(nseq, sizeof *len), *head = calloc(nseq, sizeof *head);
    gk_object **out = NULL, *res = NULL;
    if (!seqs || !len || !head)
        goto nomem;
    for (size_t i = 0; i < nb; i++) {
        gk_type *b = (gk_type *)GK_TUPLE_GET(bases, i);
        seqs[i] = gk__tuple_items(b->mro);
        len[i] = gk__tuple_size(b->mro);
        total += len[i];
    }
    seqs[nb] = gk__tuple_items(bases);
    len[nb] = nb;
    if (!(out = malloc(total * sizeof *out)))
        goto nomem;
    size_t n = 0;
    out[n++] = (gk_object *)t;
    for (;;) {
        gk_object *cand = NULL;
        bool remaining = false;
        for (size_t i = 0; i < nseq && !cand; i++) {
            if (head[i] >= len[i])
                continue;
            remaining = true;
            gk_object *c = seqs[i][head[i]];
            bool in_tail = false;
            for (size_t j = 0; j < nseq && !in_tail; j++)
                for (size_t k = head[j] + 1; k < len[j] && !in_tail; k++)
                    in_tail = seqs[j][k] == c;
            if (!in_tail)
                cand = c;
        }
        if (!remaining)
            break;
        if (!cand) {
            gk__strbuf b;
            gk__strbuf_init(&b);
            for (size_t i = 0; i < nseq; i++) {
                if (head[i] >= len[i])
                    continue;
                gk_object *c = seqs[i][head[i]];
                bool dup = false;
                for (size_t j = 0; j < i; j++)
                    dup |= head[j] < len[j] && seqs[j][head[j]] == c;
                if (!dup)
                    gk__strbuf_printf(&b, "%s%s", b.size ? ", " : "", gk__type_name((gk_type *)c));
            }
            gk__strbuf_append(&b, "", 1);
            gk__raise(&gk__exc_TypeError, "Cannot create a consistent method resolution\norder (MRO) for bases %s",
                      b.data ? b.data : "");
            gk__strbuf_free(&b);
            goto done;
        }
        out[n++] = cand;
        for (size_t i = 0; i < nseq; i++)
            if (head[i] < len[i] && seqs[i][head[i]] == cand)
                head[i]++;
    }
    res = gk__tuple_from_array(out, n);
    goto done;
nomem:
    gk__raise_nomemory();
done:
    free(seqs);
    free(len);
    free(head);
    free(out);
    return res;
}

/* The built-in type that decides t's instance layout. */
static gk_type *solid_base(gk_type *t)
{
    gk_type *s = static_base(t);
    while (s->base && s->basicsize == s->base->basicsize && s->itemsize == s->base->itemsize)
        s = s->base;
    return s;
}

/* Checks the bases and returns the best one (BORROWED) or NULL + TypeError. */
static gk_type *best_base(gk_object *bases)
{
    size_t n = gk__tuple_size(bases);
    gk_type *best = NULL, *winner = NULL;
    for (size_t i = 0; i < n; i++) {
        gk_object *bo = GK_TUPLE_GET(bases, i);
        if (!gk__is_type(bo)) {
            gk__raise(&gk__exc_TypeError, "bases must be types");
            return NULL;
        }
        gk_type *b = (gk_type *)bo;
        if (!(b->flags & GK_TPFLAG_BASETYPE)) {
            gk__raise(&gk__exc_TypeError, "type '%s' is not an acceptable base type", gk__type_name(b));
            return NULL;
        }
        for (size_t j = 0; j < i; j++)
            if (GK_TUPLE_GET(bases, j) == bo) {
                gk__raise(&gk__exc_TypeError, "duplicate base class %s", gk__type_name(b));
                return NULL;
            }
        gk_type *cand = solid_base(b);
        if (!winner) {
            winner = cand;
            best = b;
        } else if (gk__type_is_subtype(winner, cand)) {
            /* keep */
        } else if (gk__type_is_subtype(cand, winner)) {
            winner = cand;
            best = b;
        } else {
            gk__raise(&gk__exc_TypeError, "multiple bases have instance lay-out conflict");
            return NULL;
        }
    }
    return best;
}

/* The most derived metaclass of meta and the bases' types. */
static gk_type *winner_meta(gk_type *meta, gk_object *bases)
{
    for (size_t i = 0; i < gk__tuple_size(bases); i++) {
        gk_type *t = GK_TYPE(GK_TUPLE_GET(bases, i));
        if (gk__type_is_subtype(meta, t))
            continue;
        if (gk__type_is_subtype(t, meta)) {
            meta = t;
            continue;
        }
        gk__raise(&gk__exc_TypeError, "metaclass conflict: the metaclass of a derived class must be a "
                  "(non-strict) subclass of the metaclasses of all its bases");
        return NULL;
    }
    return meta;
}

/* Wraps plain functions stored under name in wrapper_type (staticmethod/classmethod). */
static int auto_wrap(gk_object *dict, const char *name, gk_type *wrapper_type)
{
    gk_object *f = gk__dict_get_cstr(dict, name);
    if (!f || GK_TYPE(f) != &gk__function_type)
        return 0;
    gk_object *w = gk__call1((gk_object *)wrapper_type, f);
    if (!w)
        return -1;
    int r = gk__dict_set_cstr(dict, name, w);
    gk__decref(w);
    return r;
}

/* Fills the new type's dict from the class namespace. */
static int init_heap_dict(gk_type *t, gk_object *ns)
{
    if (!(t->dict = gk__dict_copy(ns)))
        return -1;
    gk_object *qn = gk__dict_get_cstr(t->dict, "__qualname__");
    if (qn) {
        if (!gk__is_str(qn)) {
            gk__raise(&gk__exc_TypeError, "type __qualname__ must be a str, not %s", GK_TYPE_NAME(qn));
            return -1;
        }
        t->heap_qualname = gk__incref(qn);
        if (gk__dict_del_cstr(t->dict, "__qualname__") < 0)
            return -1;
    } else {
        t->heap_qualname = gk__incref(t->heap_name);
    }
    if (!gk__dict_get_cstr(t->dict, "__module__")) {
        gk_object *g = gk__frame_globals();
        gk_object *mod = g ? gk__dict_get_cstr(g, "__name__") : NULL;
        if (mod && gk__dict_set_cstr(t->dict, "__module__", mod) < 0)
            return -1;
    }
    if (!gk__dict_get_cstr(t->dict, "__doc__") && gk__dict_set_cstr(t->dict, "__doc__", GK_NONE) < 0)
        return -1;
    if (gk__dict_get_cstr(t->dict, "__eq__") && !gk__dict_get_cstr(t->dict, "__hash__") &&
        gk__dict_set_cstr(t->dict, "__hash__", GK_NONE) < 0)
        return -1;
    if (auto_wrap(t->dict, "__new__", &gk__staticmethod_type) < 0 ||
        auto_wrap(t->dict, "__init_subclass__", &gk__classmethod_type) < 0 ||
        auto_wrap(t->dict, "__class_getitem__", &gk__classmethod_type) < 0)
        return -1;
    return 0;
}

static gk_object *inst_get_dict(gk_object *o, void *c)
{
    gk_object **dp = gk__object_dictptr(o);
    if (!dp)
        return gk__raise(&gk__exc_AttributeError, "This object has no __dict__");
    if (!*dp && !(*dp = gk__dict_new()))
        return NULL;
    return gk__incref(*dp);
}

static int inst_set_dict(gk_object *o, gk_object *v, void *c)
{
    gk_object **dp = gk__object_dictptr(o);
    if (!v || !gk__is_dict(v)) {
        gk__raise(&gk__exc_TypeError, "__dict__ must be set to a dictionary, not a '%s'",
                  v ? GK_TYPE_NAME(v) : "NoneType");
        return -1;
    }
    GK_SETREF(*dp, gk__incref(v));
    return 0;
}

static gk_object *inst_get_weakref(gk_object *o, void *c)
{
    return gk__none_ref();
}

static const gk__getsetdef inst_getset[] = {
    { "__dict__", inst_get_dict, inst_set_dict, NULL },
    { "__weakref__", inst_get_weakref, NULL, NULL },
};

/* Adds __dict__/__weakref__ descriptors to a class that added the instance dict. */
static int add_dict_descrs(gk_type *t)
{
    if (!owns_dict(t))
        return 0;
    for (int i = 0; i < 2; i++)
        if (dict_put(t->dict, inst_getset[i].name, getset_new(t, &inst_getset[i])) < 0)
            return -1;
    return 0;
}

/* Calls __set_name__ on the namespace values, then the parent's __init_subclass__. */
static int finish_class(gk_type *t, gk_object *const *kwvals, gk_object *kwnames)
{
    gk_object *items = gk__dict_keys_list(t->dict);
    if (!items)
        return -1;
    for (size_t i = 0; i < gk__list_size(items); i++) {
        gk_object *k = GK_LIST_GET(items, i), *v = gk__dict_get(t->dict, k);
        if (!v || !gk__type_lookup_cstr(GK_TYPE(v), "__set_name__"))
            continue;
        gk_object *args[2] = { (gk_object *)t, k };
        gk__incref(v);
        gk_object *r = gk__call_special(v, "__set_name__", args, 2);
        gk__decref(v);
        if (!r) {
            gk__decref(items);
            return -1;
        }
        gk__decref(r);
    }
    gk__decref(items);
    gk_object *sup = gk__tuple_pack(2, (gk_object *)t, (gk_object *)t), *s = NULL, *f = NULL, *r = NULL;
    if (sup && (s = gk__call((gk_object *)&gk__super_type, gk__tuple_items(sup), 2, NULL)) &&
        (f = gk__getattr_cstr(s, "__init_subclass__")))
        r = gk__call(f, kwvals, 0, kwnames);
    gk__xdecref(sup);
    gk__xdecref(s);
    gk__xdecref(f);
    if (!r)
        return -1;
    gk__decref(r);
    return 0;
}

/* Creates a class of metaclass meta. */
static gk_object *type_new_impl(gk_type *meta, gk_object *name, gk_object *bases, gk_object *ns,
                                gk_object *const *kwvals, gk_object *kwnames)
{
    if (!gk__is_str(name))
        return gk__raise(&gk__exc_TypeError, "type.__new__() argument 1 must be str, not %s", GK_TYPE_NAME(name));
    if (!gk__is_tuple(bases))
        return gk__raise(&gk__exc_TypeError, "type.__new__() argument 2 must be tuple, not %s", GK_TYPE_NAME(bases));
    if (!gk__is_dict(ns))
        return gk__raise(&gk__exc_TypeError, "type.__new__() argument 3 must be dict, not %s", GK_TYPE_NAME(ns));
    if (!(meta = winner_meta(meta, bases)))
        return NULL;
    gk_object *own_bases = gk__tuple_size(bases) ? gk__incref(bases) : gk__tuple_pack(1, (gk_object *)&gk__object_type);
    if (!own_bases)
        return NULL;
    gk_type *base = best_base(own_bases);
    if (!base) {
        gk__decref(own_bases);
        return NULL;
    }
    gk_type *t = (gk_type *)gk__gc_new(meta, meta->basicsize);
    if (!t) {
        gk__decref(own_bases);
        return NULL;
    }
    t->flags = GK_TPFLAG_HEAPTYPE | GK_TPFLAG_BASETYPE | GK_TPFLAG_GC;
    t->bases = own_bases;
    t->base = (gk_type *)gk__incref((gk_object *)base);
    t->heap_name = gk__incref(name);
    t->name = gk__str_utf8(name);
    if (init_heap_dict(t, ns) < 0 || !(t->mro = mro_c3(t, own_bases)))
        goto fail;
    t->basicsize = base->basicsize;
    t->itemsize = base->itemsize;
    t->dictoffset = base->dictoffset;
    if (!t->dictoffset) {
        t->dictoffset = round8(t->basicsize);
        t->basicsize = t->dictoffset + sizeof(gk_object *);
    }
    inherit_slots(t, base, true);
    if (add_dict_descrs(t) < 0)
        goto fail;
    set_heap_slots(t);
    t->flags |= subclass_flags(t) | GK_TPFLAG_READY;
    t->doc = NULL;
    if (add_subclass(t) < 0)
        goto fail;
    t->flags |= GK_TPFLAG_SUBCLASS_LISTED;
    if (finish_class(t, kwvals, kwnames) < 0)
        goto fail;
    return (gk_object *)t;
fail:
    gk__decref((gk_object *)t);
    return NULL;
}

/* type(name, bases, dict): creates a class. */
gk_object *gk__type_new(gk_object *name, gk_object *bases, gk_object *dict)
{
    return type_new_impl(&gk__type_type, name, bases, dict, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* The `type` type                                                      */

#define T(o) ((gk_type *)(o))

static gk_object *type_tp_new(gk_type *meta, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    size_t nkw = kwnames ? gk__tuple_size(kwnames) : 0;
    if (meta == &gk__type_type && nargs == 1 && !nkw)
        return gk__incref((gk_object *)GK_TYPE(args[0]));
    if (nargs != 3)
        return gk__raise(&gk__exc_TypeError, meta == &gk__type_type ? "type() takes 1 or 3 arguments"
                                                                    : "type.__new__() takes exactly 3 arguments (%zu given)",
                         nargs);
    return type_new_impl(meta, args[0], args[1], args[2], args + 3, nkw ? kwnames : NULL);
}

static int type_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (nargs != 1 && nargs != 3) {
        gk__raise(&gk__exc_TypeError, "type.__init__() takes 1 or 3 arguments");
        return -1;
    }
    return 0;
}

static gk_object *type_call(gk_object *callable, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    gk_type *t = T(callable);
    if (t == &gk__type_type && nargs == 1 && !kwnames)
        return gk__incref((gk_object *)GK_TYPE(args[0]));
    if (!t->new_)
        return gk__raise(&gk__exc_TypeError, "cannot create '%s' instances", gk__type_name(t));
    gk_object *obj = t->new_(t, args, nargs, kwnames);
    if (!obj || !gk__type_is_subtype(GK_TYPE(obj), t))
        return obj;
    gk_initfunc init = GK_TYPE(obj)->init;
    if (init && init(obj, args, nargs, kwnames) < 0) {
        gk__decref(obj);
        return NULL;
    }
    return obj;
}

static gk_object *heap_module(gk_type *t)
{
    return t->dict ? gk__dict_get_cstr(t->dict, "__module__") : NULL;
}

static gk_object *type_repr(gk_object *o)
{
    gk_type *t = T(o);
    if (!(t->flags & GK_TPFLAG_HEAPTYPE))
        return gk__str_from_format("<class '%s'>", t->name);
    gk_object *mod = heap_module(t);
    if (mod && gk__is_str(mod) && !gk__str_eq_cstr(mod, "builtins"))
        return gk__str_from_format("<class '%U.%U'>", mod, t->heap_qualname);
    return gk__str_from_format("<class '%U'>", t->heap_qualname);
}

static gk_object *type_getattr(gk_object *o, gk_object *name)
{
    gk_type *t = T(o), *meta = GK_TYPE(o);
    gk_object *meta_attr = gk__type_lookup(meta, name);
    gk_descrgetfunc meta_get = NULL;
    if (meta_attr) {
        meta_get = GK_TYPE(meta_attr)->descr_get;
        if (meta_get && GK_TYPE(meta_attr)->descr_set)
            return meta_get(meta_attr, o, (gk_object *)meta);
    }
    gk_object *attr = gk__type_lookup(t, name);
    if (attr) {
        gk_descrgetfunc get = GK_TYPE(attr)->descr_get;
        return get ? get(attr, NULL, o) : gk__incref(attr);
    }
    if (meta_attr)
        return meta_get ? meta_get(meta_attr, o, (gk_object *)meta) : gk__incref(meta_attr);
    return gk__raise(&gk__exc_AttributeError, "type object '%s' has no attribute '%U'", gk__type_name(t), name);
}

static int type_setattr(gk_object *o, gk_object *name, gk_object *value)
{
    gk_type *t = T(o);
    if (!(t->flags & GK_TPFLAG_HEAPTYPE)) {
        gk__raise(&gk__exc_TypeError, "cannot set '%U' attribute of immutable type '%s'", name, gk__type_name(t));
        return -1;
    }
    gk_object *meta_attr = gk__type_lookup(GK_TYPE(o), name);
    if (meta_attr && GK_TYPE(meta_attr)->descr_set)
        return GK_TYPE(meta_attr)->descr_set(meta_attr, o, value);
    int r;
    if (value) {
        r = gk__dict_set(t->dict, name, value);
    } else if (gk__dict_get(t->dict, name)) {
        r = gk__dict_del(t->dict, name);
    } else {
        if (!gk__err_occurred())
            gk__raise(&gk__exc_AttributeError, "type object '%s' has no attribute '%U'", gk__type_name(t), name);
        return -1;
    }
    gk__type_modified(t);
    const char *s = gk__str_utf8(name);
    if (r == 0 && s[0] == '_' && s[1] == '_') {
        update_special_slots(t);
        update_subclass_slots(t);
    }
    return r;
}

static void type_dealloc(gk_object *o)
{
    gk_type *t = T(o);
    if (!(t->flags & GK_TPFLAG_HEAPTYPE))
        gk__fatal("deallocating static type %s", t->name);
    if (t->flags & GK_TPFLAG_SUBCLASS_LISTED)
        remove_subclass(t);
    for (size_t i = 0; i < t->nsubclasses; i++)   /* none is left unless they leak */
        t->subclasses[i]->flags &= ~GK_TPFLAG_SUBCLASS_LISTED;
    free(t->subclasses);
    t->subclasses = NULL;
    t->nsubclasses = 0;
    GK_CLEAR(t->dict);
    GK_CLEAR(t->mro);
    GK_CLEAR(t->bases);
    GK_CLEAR(t->base);
    GK_CLEAR(t->heap_qualname);
    GK_CLEAR(t->heap_name);
    gk__free(o);
}

static int type_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    gk_type *t = T(o);
    if (!(t->flags & GK_TPFLAG_HEAPTYPE))
        return 0;
    gk_object *f[] = { t->dict, t->mro, t->bases, (gk_object *)t->base };
    for (int i = 0; i < 4; i++)
        if (f[i]) {
            int r = visit(f[i], arg);
            if (r)
                return r;
        }
    return 0;
}

static int type_clear(gk_object *o)
{
    gk_type *t = T(o);
    if (!(t->flags & GK_TPFLAG_HEAPTYPE))
        return 0;
    gk__type_modified(t);
    if (t->dict)
        gk__dict_clear(t->dict);
    GK_CLEAR(t->mro);
    return 0;
}

static gk_object *type_get_name(gk_object *o, void *c)
{
    gk_type *t = T(o);
    if (t->flags & GK_TPFLAG_HEAPTYPE)
        return gk__incref(t->heap_name);
    return gk__str_from_cstr(gk__type_name(t));
}

static int check_heap_str(gk_type *t, gk_object *v, const char *attr)
{
    if (!(t->flags & GK_TPFLAG_HEAPTYPE)) {
        gk__raise(&gk__exc_TypeError, "cannot set '%s' attribute of immutable type '%s'", attr, gk__type_name(t));
        return -1;
    }
    if (!v || !gk__is_str(v)) {
        gk__raise(&gk__exc_TypeError, "can only assign string to %s.%s, not '%s'", gk__type_name(t), attr,
                  v ? GK_TYPE_NAME(v) : "NoneType");
        return -1;
    }
    return 0;
}

static int type_set_name(gk_object *o, gk_object *v, void *c)
{
    gk_type *t = T(o);
    if (check_heap_str(t, v, "__name__") < 0)
        return -1;
    GK_SETREF(t->heap_name, gk__incref(v));
    t->name = gk__str_utf8(v);
    return 0;
}

static gk_object *type_get_qualname(gk_object *o, void *c)
{
    gk_type *t = T(o);
    if (t->flags & GK_TPFLAG_HEAPTYPE)
        return gk__incref(t->heap_qualname);
    return gk__str_from_cstr(gk__type_name(t));
}

static int type_set_qualname(gk_object *o, gk_object *v, void *c)
{
    if (check_heap_str(T(o), v, "__qualname__") < 0)
        return -1;
    GK_SETREF(T(o)->heap_qualname, gk__incref(v));
    return 0;
}

static gk_object *type_get_module(gk_object *o, void *c)
{
    gk_type *t = T(o);
    if (t->flags & GK_TPFLAG_HEAPTYPE) {
        gk_object *m = heap_module(t);
        if (!m)
            return gk__raise(&gk__exc_AttributeError, "__module__");
        return gk__incref(m);
    }
    const char *dot = strrchr(t->name, '.');
    return dot ? gk__str_from_utf8(t->name, (size_t)(dot - t->name)) : gk__incref(gk__str_intern("builtins"));
}

static int type_set_module(gk_object *o, gk_object *v, void *c)
{
    gk_type *t = T(o);
    if (!(t->flags & GK_TPFLAG_HEAPTYPE)) {
        gk__raise(&gk__exc_TypeError, "cannot set '__module__' attribute of immutable type '%s'", gk__type_name(t));
        return -1;
    }
    int r = v ? gk__dict_set_cstr(t->dict, "__module__", v) : gk__dict_del_cstr(t->dict, "__module__");
    gk__type_modified(t);
    return r;
}

static gk_object *type_get_doc(gk_object *o, void *c)
{
    gk_type *t = T(o);
    gk_object *d = t->dict ? gk__dict_get_cstr(t->dict, "__doc__") : NULL;
    if (d && GK_TYPE(d)->descr_get)
        return GK_TYPE(d)->descr_get(d, NULL, o);
    return gk__incref(d ? d : GK_NONE);
}

static gk_object *type_get_bases(gk_object *o, void *c) { return gk__incref(T(o)->bases ? T(o)->bases : gk__empty_tuple); }
static gk_object *type_get_mro(gk_object *o, void *c) { return gk__incref(T(o)->mro ? T(o)->mro : gk__empty_tuple); }
static gk_object *type_get_base(gk_object *o, void *c)
{
    return gk__incref(T(o)->base ? (gk_object *)T(o)->base : GK_NONE);
}
static gk_object *type_get_dict(gk_object *o, void *c)
{
    return T(o)->dict ? gk__dict_copy(T(o)->dict) : gk__dict_new();
}

static const gk__getsetdef type_getset[] = {
    { "__name__", type_get_name, type_set_name, NULL },
    { "__qualname__", type_get_qualname, type_set_qualname, NULL },
    { "__module__", type_get_module, type_set_module, NULL },
    { "__bases__", type_get_bases, NULL, NULL },
    { "__base__", type_get_base, NULL, NULL },
    { "__mro__", type_get_mro, NULL, NULL },
    { "__dict__", type_get_dict, NULL, NULL },
    { "__doc__", type_get_doc, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

static gk_object *type_mro_meth(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("mro", nargs, kw, 0, 0) < 0)
        return NULL;
    gk_object *l = gk__list_new(0);
    if (l && T(self)->mro && gk__list_extend(l, T(self)->mro) < 0)
        GK_CLEAR(l);
    return l;
}

static gk_object *type_subclasses(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    return gk__check_args("__subclasses__", nargs, kw, 0, 0) < 0 ? NULL : gk__list_new(0);
}

static gk_object *type_instancecheck(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("__instancecheck__", nargs, kw, 1, 1) < 0)
        return NULL;
    return gk__bool(gk__type_is_subtype(GK_TYPE(args[0]), T(self)));
}

static gk_object *type_subclasscheck(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("__subclasscheck__", nargs, kw, 1, 1) < 0)
        return NULL;
    if (!gk__is_type(args[0]))
        return gk__raise(&gk__exc_TypeError, "issubclass() arg 1 must be a class");
    return gk__bool(gk__type_is_subtype(T(args[0]), T(self)));
}

static gk_object *type_prepare(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    return gk__dict_new();
}

static const gk__methoddef type_methods[] = {
    { "mro", type_mro_meth, 0, "Return a type's method resolution order." },
    { "__subclasses__", type_subclasses, 0, NULL },
    { "__instancecheck__", type_instancecheck, 0, NULL },
    { "__subclasscheck__", type_subclasscheck, 0, NULL },
    { "__prepare__", type_prepare, GK_METH_CLASS, NULL },
    { NULL, NULL, 0, NULL },
};

gk_type gk__type_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "type",
    .basicsize = sizeof(gk_type),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .dictoffset = offsetof(gk_type, dict),
    .dealloc = type_dealloc,
    .repr = type_repr,
    .getattr = type_getattr,
    .setattr = type_setattr,
    .call = type_call,
    .new_ = type_tp_new,
    .init = type_init,
    .traverse = type_traverse,
    .clear = type_clear,
    .methods = type_methods,
    .getset = type_getset,
    .doc = "type(object) -> the object's type\ntype(name, bases, dict, **kwds) -> a new type",
};

/* ------------------------------------------------------------------ */
/* The `object` type                                                    */

static bool overrides(gk_type *t, int i)
{
    gk_object *mine = gk__dict_get(gk__object_type.dict, dname(i));
    return lookup(t, i) != mine;
}

static gk_object *object_tp_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return object_new_impl(type, nargs, kwnames, true);
}

/* object.__new__ proper; check_new is false when the caller knows __new__ is object's. */
static gk_object *object_new_impl(gk_type *type, size_t nargs, gk_object *kwnames, bool check_new)
{
    if (nargs || (kwnames && gk__tuple_size(kwnames))) {
        if (check_new && overrides(type, N_NEW))
            return gk__raise(&gk__exc_TypeError, "object.__new__() takes exactly one argument (the type to instantiate)");
        if (!overrides(type, N_INIT))
            return gk__raise(&gk__exc_TypeError, "%s() takes no arguments", gk__type_name(type));
    }
    return (type->flags & GK_TPFLAG_GC) ? gk__gc_new(type, type->basicsize) : gk__obj_new(type, type->basicsize);
}

static int object_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (nargs || (kwnames && gk__tuple_size(kwnames))) {
        gk_type *t = GK_TYPE(self);
        /* Heap types report the explicit-call form, as CPython 3.11 does. */
        if (overrides(t, N_INIT) || (!overrides(t, N_NEW) && (t->flags & GK_TPFLAG_HEAPTYPE))) {
            gk__raise(&gk__exc_TypeError, "%s.__init__() takes exactly one argument (the instance to initialize)",
                      gk__type_name(t));
            return -1;
        }
        if (!overrides(t, N_NEW)) {
            gk__raise(&gk__exc_TypeError, "%s() takes no arguments", gk__type_name(t));
            return -1;
        }
    }
    return 0;
}

static gk_object *object_repr(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    if (t->flags & GK_TPFLAG_HEAPTYPE) {
        gk_object *mod = heap_module(t);
        if (mod && gk__is_str(mod) && !gk__str_eq_cstr(mod, "builtins"))
            return gk__str_from_format("<%U.%U object at %p>", mod, t->heap_qualname, (void *)o);
        return gk__str_from_format("<%U object at %p>", t->heap_qualname, (void *)o);
    }
    return gk__str_from_format("<%s object at %p>", t->name, (void *)o);
}

static gk_object *object_str(gk_object *o)
{
    return gk__repr(o);
}

static int64_t object_hash(gk_object *o)
{
    uintptr_t p = (uintptr_t)o;
    int64_t h = (int64_t)((p >> 4) | (p << (8 * sizeof p - 4)));
    return h == -1 ? -2 : h;
}

static gk_object *object_richcompare(gk_object *a, gk_object *b, int op)
{
    if (op == GK_EQ)
        return gk__incref(a == b ? GK_TRUE : GK_NOTIMPLEMENTED);
    if (op == GK_NE) {
        gk_richcmpfunc eq = GK_TYPE(a)->richcompare;
        if (!eq)
            return gk__incref(GK_NOTIMPLEMENTED);
        gk_object *r = eq(a, b, GK_EQ);
        if (!r || r == GK_NOTIMPLEMENTED)
            return r;
        int v = gk__truthy(r);
        gk__decref(r);
        return v < 0 ? NULL : gk__bool(!v);
    }
    return gk__incref(GK_NOTIMPLEMENTED);
}

static void object_dealloc(gk_object *o)
{
    gk__free(o);
}

static gk_object *object_format(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("__format__", nargs, kw, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "__format__() argument must be str, not %s", GK_TYPE_NAME(args[0]));
    if (gk__str_size(args[0]) == 0)
        return gk__str(self);
    return gk__raise(&gk__exc_TypeError, "unsupported format string passed to %s.__format__", GK_TYPE_NAME(self));
}

static gk_object *object_init_subclass(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (nargs || (kw && gk__tuple_size(kw)))
        return gk__raise(&gk__exc_TypeError, "%s.__init_subclass__() takes no keyword arguments",
                         gk__is_type(self) ? gk__type_name(T(self)) : "object");
    return gk__none_ref();
}

static gk_object *object_subclasshook(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    return gk__incref(GK_NOTIMPLEMENTED);
}

static int add_dict_keys(gk_object *set, gk_object *d)
{
    size_t pos = 0;
    gk_object *k, *v;
    while (d && gk__dict_next(d, &pos, &k, &v))
        if (gk__set_add(set, k) < 0)
            return -1;
    return 0;
}

static gk_object *object_dir(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("__dir__", nargs, kw, 0, 0) < 0)
        return NULL;
    gk_object *set = gk__set_new(NULL), *res = NULL;
    if (!set)
        return NULL;
    gk_object **dp = gk__object_dictptr(self);
    if (dp && *dp && !gk__is_type(self) && add_dict_keys(set, *dp) < 0)
        goto done;
    gk_object *mro = gk__is_type(self) ? T(self)->mro : GK_TYPE(self)->mro;
    for (size_t i = 0; mro && i < gk__tuple_size(mro); i++)
        if (add_dict_keys(set, T(GK_TUPLE_GET(mro, i))->dict) < 0)
            goto done;
    res = gk__sequence_list(set);
done:
    gk__decref(set);
    return res;
}

static gk_object *object_get_class(gk_object *o, void *c)
{
    return gk__incref((gk_object *)GK_TYPE(o));
}

static const gk__methoddef object_methods[] = {
    { "__format__", object_format, 0, "Default object formatter." },
    { "__dir__", object_dir, 0, "Default dir() implementation." },
    { "__init_subclass__", object_init_subclass, GK_METH_CLASS, NULL },
    { "__subclasshook__", object_subclasshook, GK_METH_CLASS, NULL },
    { NULL, NULL, 0, NULL },
};

static const gk__getsetdef object_getset[] = {
    { "__class__", object_get_class, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__object_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "object",
    .basicsize = sizeof(gk_object),
    .flags = GK_TPFLAG_BASETYPE,
    .dealloc = object_dealloc,
    .repr = object_repr,
    .str = object_str,
    .hash = object_hash,
    .richcompare = object_richcompare,
    .getattr = gk__object_generic_getattr,
    .setattr = gk__object_generic_setattr,
    .new_ = object_tp_new,
    .init = object_init,
    .methods = object_methods,
    .getset = object_getset,
    .doc = "The base class of the class hierarchy.",
};
