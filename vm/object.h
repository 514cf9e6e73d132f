/*
 * vm/object.h - the object model every part of the VM shares.
 *
 * Every value is a gk_object: a reference count and a pointer to its type.
 * A type (gk_type, itself an object) holds the slots that give the value its
 * behaviour.  The rules, stated once here and relied on everywhere:
 *
 *  - Ownership.  A function returns a NEW reference (the caller must
 *    gk__decref it) and never steals its arguments.  Exceptions are marked
 *    "borrowed" or "steals" in the contract comment of the function.
 *  - Errors.  A function returning a pointer returns NULL with an exception
 *    pending on the current thread; one returning int returns -1.  The raise
 *    helpers return NULL so that `return gk__raise(...)` reads naturally.
 *  - The GIL.  Every function in this header needs the GIL unless it says
 *    otherwise.  Reference counts are plain integers guarded by the GIL.
 *  - Containers that can be part of a reference cycle are allocated with
 *    gk__gc_new() and have GK_TPFLAG_GC plus traverse/clear slots; the cycle
 *    collector (vm/gc.c) finds garbage cycles among them.
 */
#ifndef GK_VM_OBJECT_H
#define GK_VM_OBJECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

typedef struct gk_object gk_object;
typedef struct gk_type gk_type;

/* Invariant: refcnt > 0 while anything references the object; static
 * objects (types, None, True, ...) start with a large count and are never
 * freed. `type` never changes after allocation (except __class__ is not
 * supported).  Guarded by the GIL. */
struct gk_object {
    intptr_t refcnt;
    gk_type *type;
};

#define GK_HEAD gk_object ob
#define GK_STATIC_REFCNT ((intptr_t)1 << 40)
/* Initializer for the header of a statically allocated object. */
#define GK_STATIC_HEAD(typeptr) { GK_STATIC_REFCNT, (typeptr) }

#define GK_TYPE(o) (((gk_object *)(o))->type)

void gk__dealloc(gk_object *o);

#ifdef GK_GIL_DEBUG
/* threads/gilcheck.c: reports a touch by a thread without the GIL. */
void gk__gilcheck_touch(gk_object *o, const char *op, const char *file, int line);
/* threads/gil.c: true while the calling thread holds the GIL (its own copy
 * of ts->holds_gil, one TLS load), so that a touch costs a test here and
 * calls the full check only when the GIL looks missing. */
extern _Thread_local bool gk__gil_held_here __attribute__((tls_model("initial-exec")));
#define GK__GILCHECK(o, op) \
    (__builtin_expect(!gk__gil_held_here, 0) ? gk__gilcheck_touch((o), (op), NULL, 0) : (void)0)
#else
#define GK__GILCHECK(o, op) ((void)0)
#endif

static inline gk_object *gk__incref(gk_object *o)
{
    GK__GILCHECK(o, "incref");
    o->refcnt++;
    return o;
}
static inline void gk__decref(gk_object *o)
{
    GK__GILCHECK(o, "decref");
    if (--o->refcnt == 0)
        gk__dealloc(o);
}
static inline void gk__xincref(gk_object *o) { if (o) o->refcnt++; }
static inline void gk__xdecref(gk_object *o) { if (o) gk__decref(o); }
/* Drop the reference held in *slot and set it to NULL (safe against
 * re-entrancy from finalizers). */
#define GK_CLEAR(slot) do { gk_object *gk__tmp = (gk_object *)(slot); \
    if (gk__tmp) { (slot) = NULL; gk__decref(gk__tmp); } } while (0)
/* Replace *slot with new_ref (a new reference, stolen), dropping the old. */
#define GK_SETREF(slot, new_ref) do { gk_object *gk__tmp = (gk_object *)(slot); \
    (slot) = (new_ref); gk__xdecref(gk__tmp); } while (0)
#define GK_INCREF(o) gk__incref((gk_object *)(o))
#define GK_DECREF(o) gk__decref((gk_object *)(o))
#define GK_XDECREF(o) gk__xdecref((gk_object *)(o))

/* ------------------------------------------------------------------ */
/* Slot signatures                                                     */

typedef gk_object *(*gk_unaryfunc)(gk_object *);
typedef gk_object *(*gk_binaryfunc)(gk_object *, gk_object *);
typedef gk_object *(*gk_ternaryfunc)(gk_object *, gk_object *, gk_object *);
typedef int (*gk_inquiry)(gk_object *);
typedef intptr_t (*gk_lenfunc)(gk_object *);          /* -1 on error */
typedef int64_t (*gk_hashfunc)(gk_object *);          /* -1 on error; never -1 otherwise */
typedef gk_object *(*gk_richcmpfunc)(gk_object *, gk_object *, int op);
typedef gk_object *(*gk_getattrfunc)(gk_object *, gk_object *name);
typedef int (*gk_setattrfunc)(gk_object *, gk_object *name, gk_object *value); /* value NULL: delete */
typedef int (*gk_setitemfunc)(gk_object *, gk_object *key, gk_object *value);  /* value NULL: delete */
typedef int (*gk_visitfunc)(gk_object *, void *arg);
typedef int (*gk_traversefunc)(gk_object *, gk_visitfunc visit, void *arg);
typedef void (*gk_destructor)(gk_object *);
typedef gk_object *(*gk_descrgetfunc)(gk_object *descr, gk_object *obj, gk_object *type);
typedef int (*gk_descrsetfunc)(gk_object *descr, gk_object *obj, gk_object *value);

/* The one calling convention of the VM ("vectorcall"): args[0..nargs) are
 * positional; if kwnames (a tuple of str) is non-NULL, its len(kwnames)
 * values follow at args[nargs ...].  All borrowed. */
typedef gk_object *(*gk_callfunc)(gk_object *callable, gk_object *const *args,
                                  size_t nargs, gk_object *kwnames);
/* A type's constructor: type(...) calls new(type, args...) then, if the
 * result is an instance of type, init(obj, args...). */
typedef gk_object *(*gk_newfunc)(gk_type *type, gk_object *const *args,
                                 size_t nargs, gk_object *kwnames);
typedef int (*gk_initfunc)(gk_object *self, gk_object *const *args,
                           size_t nargs, gk_object *kwnames);

/* A built-in function or method body.  For methods `self` is the receiver;
 * for module-level functions it is the module object (or NULL). */
typedef gk_object *(*gk__cfunc)(gk_object *self, gk_object *const *args,
                                size_t nargs, gk_object *kwnames);

enum { GK_METH_DEFAULT = 0, GK_METH_CLASS = 1, GK_METH_STATIC = 2 };
typedef struct gk__methoddef {
    const char *name;
    gk__cfunc fn;
    int flags;           /* GK_METH_* */
    const char *doc;
} gk__methoddef;

typedef struct gk__getsetdef {
    const char *name;
    gk_object *(*get)(gk_object *self, void *closure);
    int (*set)(gk_object *self, gk_object *value, void *closure); /* NULL: read-only; value NULL: delete */
    void *closure;
} gk__getsetdef;

/* Binary operators, defined once.  X(NAME, dunder, rdunder, idunder, symbol) */
#define GK_BINOPS(X) \
    X(ADD,      "__add__",      "__radd__",      "__iadd__",      "+")  \
    X(SUB,      "__sub__",      "__rsub__",      "__isub__",      "-")  \
    X(MUL,      "__mul__",      "__rmul__",      "__imul__",      "*")  \
    X(TRUEDIV,  "__truediv__",  "__rtruediv__",  "__itruediv__",  "/")  \
    X(FLOORDIV, "__floordiv__", "__rfloordiv__", "__ifloordiv__", "//") \
    X(MOD,      "__mod__",      "__rmod__",      "__imod__",      "%")  \
    X(POW,      "__pow__",      "__rpow__",      "__ipow__",      "**") \
    X(LSHIFT,   "__lshift__",   "__rlshift__",   "__ilshift__",   "<<") \
    X(RSHIFT,   "__rshift__",   "__rrshift__",   "__irshift__",   ">>") \
    X(AND,      "__and__",      "__rand__",      "__iand__",      "&")  \
    X(OR,       "__or__",       "__ror__",       "__ior__",       "|")  \
    X(XOR,      "__xor__",      "__rxor__",      "__ixor__",      "^")  \
    X(MATMUL,   "__matmul__",   "__rmatmul__",   "__imatmul__",   "@")

enum gk_binop {
#define X(n, d, r, i, s) GK_BINOP_##n,
    GK_BINOPS(X)
#undef X
    GK_BINOP_COUNT
};

/* Rich comparison operators, in CPython's order. */
enum { GK_LT = 0, GK_LE = 1, GK_EQ = 2, GK_NE = 3, GK_GT = 4, GK_GE = 5 };

/* Type flags. */
enum {
    GK_TPFLAG_GC       = 1u << 0,  /* instances come from gk__gc_new and are traversed */
    GK_TPFLAG_BASETYPE = 1u << 1,  /* may be subclassed */
    GK_TPFLAG_HEAPTYPE = 1u << 2,  /* created by a class statement */
    GK_TPFLAG_READY    = 1u << 3,  /* gk__type_ready has run */
    /* Fast subclass tests (set by gk__type_ready from the base chain). */
    GK_TPFLAG_INT_SUBCLASS   = 1u << 8,
    GK_TPFLAG_STR_SUBCLASS   = 1u << 9,
    GK_TPFLAG_TUPLE_SUBCLASS = 1u << 10,
    GK_TPFLAG_LIST_SUBCLASS  = 1u << 11,
    GK_TPFLAG_DICT_SUBCLASS  = 1u << 12,
    GK_TPFLAG_EXC_SUBCLASS   = 1u << 13,  /* BaseException and below */
    GK_TPFLAG_TYPE_SUBCLASS  = 1u << 14,
    GK_TPFLAG_BYTES_SUBCLASS = 1u << 15,
};

/*
 * The type object.  Built-in types are static `gk_type` variables made ready
 * by gk__type_ready() at start-up, which computes the MRO, inherits NULL
 * slots from the base, and fills `dict` from methods/getset plus wrappers
 * for the slots (so that e.g. `object.__init__`, `int.__add__`,
 * `Exception.__init__` exist and super() works on built-ins).
 * Classes made by a `class` statement are heap types (vm/objects/type.c):
 * their slots are generic functions that look the dunder method up in the
 * MRO.  All fields are set before the type is published and then guarded by
 * the GIL.
 */
struct gk_type {
    GK_HEAD;
    const char *name;          /* for static types; heap types keep a str in dict/qualname */
    size_t basicsize;          /* size of an instance (fixed part) */
    size_t itemsize;           /* size of each item of a variable-size instance, else 0 */
    unsigned flags;            /* GK_TPFLAG_* */
    gk_type *base;             /* the single solid base; NULL only for object */
    gk_object *bases;          /* tuple of bases */
    gk_object *mro;            /* tuple of types */
    gk_object *dict;           /* attribute dict (str -> object) */
    gk_object *heap_name;      /* heap types: str __name__ (owned), else NULL */
    gk_object *heap_qualname;  /* heap types: str __qualname__ (owned), else NULL */
    size_t dictoffset;         /* offset of the instance __dict__ pointer, 0 if none */

    gk_destructor dealloc;     /* frees the object (after its contents) */
    gk_unaryfunc repr;
    gk_unaryfunc str;
    gk_hashfunc hash;          /* NULL in a type with __eq__ but no __hash__: unhashable */
    gk_richcmpfunc richcompare;/* returns NotImplemented (new ref) when it cannot compare */
    gk_getattrfunc getattr;    /* usually gk__object_generic_getattr */
    gk_setattrfunc setattr;    /* usually gk__object_generic_setattr */
    gk_callfunc call;          /* instances are callable */
    gk_unaryfunc iter;         /* iter(obj) */
    gk_unaryfunc iternext;     /* returns NULL with NO exception pending at the end */
    gk_descrgetfunc descr_get; /* this type's instances are descriptors */
    gk_descrsetfunc descr_set; /* data descriptors */
    gk_newfunc new_;           /* NULL: the type cannot be instantiated */
    gk_initfunc init;

    /* Numbers.  nb[op](a, b) is called for either operand's type and
     * returns NotImplemented when it does not handle the pair. */
    gk_binaryfunc nb[GK_BINOP_COUNT];
    gk_binaryfunc nb_inplace[GK_BINOP_COUNT];  /* NULL: fall back to nb[] */
    gk_unaryfunc nb_neg, nb_pos, nb_abs, nb_invert;
    gk_inquiry nb_bool;        /* 1 true, 0 false, -1 error */
    gk_unaryfunc nb_int, nb_float, nb_index;

    /* Containers. */
    gk_lenfunc len;
    gk_binaryfunc getitem;     /* obj[key], key may be a slice */
    gk_setitemfunc setitem;    /* obj[key] = v / del obj[key] */
    int (*contains)(gk_object *container, gk_object *item);  /* 1, 0, -1 */

    /* Cycle collection (GK_TPFLAG_GC types). */
    gk_traversefunc traverse;
    gk_inquiry clear;

    /* Tables read by gk__type_ready (static types). */
    const gk__methoddef *methods;
    const gk__getsetdef *getset;
    const char *doc;

    /* Attribute cache (abstract.c, type.c).  version_tag names the current
     * contents of the dicts along the MRO (0: none assigned yet); any change
     * to a heap type's dict clears it here and in every subclass
     * (gk__type_modified).  A heap type lists its direct heap subclasses
     * (borrowed pointers; a subclass removes itself when freed).  GIL. */
    uint64_t version_tag;
    gk_type **subclasses;
    size_t nsubclasses, subclasses_cap;
};

/* ------------------------------------------------------------------ */
/* Allocation (vm/gc.c)                                                */

/* Returns a new object of `type` with `size` bytes zeroed (size >=
 * sizeof(gk_object)), refcnt 1; NULL + MemoryError on failure.  For types
 * without GK_TPFLAG_GC.  If `type` is a heap type (a class), the new object
 * holds a reference to it (both allocators do this), which the instance's
 * dealloc must drop after freeing the memory. */
gk_object *gk__obj_new(gk_type *type, size_t size);
/* Frees memory from gk__obj_new (call from dealloc, after contents). */
void gk__obj_free(gk_object *o);
/* Like gk__obj_new for GK_TPFLAG_GC types: the object is tracked by the
 * cycle collector from birth. */
gk_object *gk__gc_new(gk_type *type, size_t size);
/* Untracks and frees an object from gk__gc_new. */
void gk__gc_free(gk_object *o);
/* Frees o with the right one of the two functions above. */
void gk__free(gk_object *o);
/* Runs a full collection; returns the number of objects freed. */
intptr_t gk__gc_collect(void);
/* Whether the collector already ran o's __del__ (then dealloc must not). */
bool gk__gc_finalized(gk_object *o);

/* ------------------------------------------------------------------ */
/* Generic object protocol (vm/objects/abstract.c)                     */

gk_object *gk__repr(gk_object *o);                 /* returns str */
gk_object *gk__str(gk_object *o);                  /* returns str */
gk_object *gk__ascii(gk_object *o);
int64_t gk__hash(gk_object *o);                    /* -1 + TypeError if unhashable */
int gk__truthy(gk_object *o);                      /* 1, 0, -1 */
gk_object *gk__richcompare(gk_object *a, gk_object *b, int op);  /* the full protocol incl. reflection and default ==/!= by identity */
int gk__richcompare_bool(gk_object *a, gk_object *b, int op);    /* identity implies EQ; 1, 0, -1 */
gk_object *gk__binop(gk_object *a, gk_object *b, int op);        /* enum gk_binop, the full protocol */
gk_object *gk__inplace_binop(gk_object *a, gk_object *b, int op);
gk_object *gk__neg(gk_object *o);
gk_object *gk__pos(gk_object *o);
gk_object *gk__abs(gk_object *o);
gk_object *gk__invert(gk_object *o);
gk_object *gk__pow3(gk_object *a, gk_object *b, gk_object *mod);  /* pow(a, b, mod) */
gk_object *gk__number_index(gk_object *o);         /* __index__: returns an int */
int gk__index_to_ssize(gk_object *o, intptr_t *out);/* int-like -> C; -1 on error/overflow (IndexError "cannot fit") */
gk_object *gk__number_int(gk_object *o);            /* int(o) */
gk_object *gk__number_float(gk_object *o);          /* float(o) */

gk_object *gk__getattr(gk_object *o, gk_object *name);       /* AttributeError if missing */
gk_object *gk__getattr_cstr(gk_object *o, const char *name);
/* Like gk__getattr but returns NULL with NO exception when the attribute
 * is missing (other errors still pending; check gk__err_occurred()). */
gk_object *gk__getattr_opt(gk_object *o, gk_object *name);
int gk__setattr(gk_object *o, gk_object *name, gk_object *value); /* value NULL: delete */
int gk__setattr_cstr(gk_object *o, const char *name, gk_object *value);
int gk__hasattr(gk_object *o, gk_object *name);              /* 1/0, -1 on non-AttributeError */
gk_object *gk__object_generic_getattr(gk_object *o, gk_object *name);
int gk__object_generic_setattr(gk_object *o, gk_object *name, gk_object *value);
gk_object **gk__object_dictptr(gk_object *o);      /* &instance __dict__ or NULL (borrowed address) */
gk_object *gk__type_lookup(gk_type *t, gk_object *name);  /* MRO lookup; BORROWED or NULL, no exception */
gk_object *gk__type_lookup_cstr(gk_type *t, const char *name); /* BORROWED or NULL */

gk_object *gk__getitem(gk_object *o, gk_object *key);
int gk__setitem(gk_object *o, gk_object *key, gk_object *value);
int gk__delitem(gk_object *o, gk_object *key);
intptr_t gk__len(gk_object *o);                    /* -1 on error */
int gk__contains(gk_object *container, gk_object *item);  /* `in`: 1, 0, -1 */

gk_object *gk__iter(gk_object *o);                 /* iter(o); falls back to __getitem__ sequences */
/* The iter slot of every iterator type: returns o itself (new reference). */
gk_object *gk__iter_self(gk_object *o);
/* next(it): new reference, or NULL; at the end NULL with no exception
 * pending (a StopIteration raised by __next__ is swallowed). */
gk_object *gk__iternext(gk_object *it);
/* Returns a new list holding the items of any iterable. */
gk_object *gk__sequence_list(gk_object *iterable);
/* Returns a tuple: o itself (new ref) if it is an exact tuple, else tuple(o). */
gk_object *gk__sequence_tuple(gk_object *iterable);

int gk__isinstance(gk_object *o, gk_object *cls);  /* cls may be a tuple; 1, 0, -1 */
int gk__issubclass(gk_object *derived, gk_object *cls);
bool gk__type_is_subtype(gk_type *a, gk_type *b);  /* via MRO; never fails */

/* Calling (vm/objects/call.c). */
gk_object *gk__call(gk_object *callable, gk_object *const *args, size_t nargs, gk_object *kwnames);
gk_object *gk__call0(gk_object *callable);
gk_object *gk__call1(gk_object *callable, gk_object *a);
gk_object *gk__call2(gk_object *callable, gk_object *a, gk_object *b);
/* callable(*args_tuple, **kwargs_dict); kwargs may be NULL. */
gk_object *gk__call_tuple_dict(gk_object *callable, gk_object *args, gk_object *kwargs);
/* obj.name(*args) */
gk_object *gk__call_method(gk_object *obj, const char *name, gk_object *const *args, size_t nargs);
/* Look up special method `name` on type(obj) (not the instance) and call
 * it with obj prepended.  Returns NULL + AttributeError if missing; use
 * gk__type_lookup_cstr first to test for presence. */
gk_object *gk__call_special(gk_object *obj, const char *name, gk_object *const *args, size_t nargs);

/* Argument parsing for built-ins.  `names` has max_total parameter names
 * (NULL-terminated list not required).  Positional args fill out[0..]; then
 * keywords are matched by name.  Parameters not given are set to NULL.
 * Raises TypeError like CPython ("f() takes at most 2 arguments (3 given)",
 * "f() got an unexpected keyword argument 'x'", "f() missing required
 * argument 'x' (pos 1)").  out[] entries are BORROWED.  Returns 0 / -1. */
int gk__parse_args(const char *fname, gk_object *const *args, size_t nargs, gk_object *kwnames,
                   const char *const *names, size_t min_required, size_t max_total, gk_object **out);
/* Shorthands: TypeError unless min <= nargs <= max and no keywords. */
int gk__check_args(const char *fname, size_t nargs, gk_object *kwnames, size_t min, size_t max);

/* ------------------------------------------------------------------ */
/* Exceptions pending on the current thread (vm/objects/exceptions.c) */

/* Raise an instance of `type` with a printf-style message (supports the
 * C formats plus %R = repr(obj), %S = str(obj), %N = type name of obj,
 * %U = str object).  Returns NULL. */
gk_object *gk__raise(gk_type *type, const char *fmt, ...);
gk_object *gk__raise_obj(gk_object *exc_or_type);  /* like `raise X` */
gk_object *gk__raise_nomemory(void);
/* Raise OSError subclass chosen from errno (FileNotFoundError, ...), with
 * errno, strerror and optional filename (may be NULL). */
gk_object *gk__raise_errno(int err, gk_object *filename);
bool gk__err_occurred(void);
gk_object *gk__err_peek(void);                     /* BORROWED pending exception or NULL */
gk_object *gk__err_fetch(void);                    /* new ref, clears; NULL if none */
void gk__err_restore(gk_object *exc);              /* steals exc (may be NULL: clears) */
void gk__err_clear(void);
bool gk__err_matches(gk_type *type);               /* pending exception is an instance of type */
bool gk__exc_matches(gk_object *exc, gk_object *cls); /* cls a type or tuple of types */
/* Set exc.__context__ to the exception being handled, as `raise` does. */
void gk__exc_set_context(gk_object *exc);
/* Print `exc` with its chain and traceback to stderr like python3. */
void gk__print_exception(gk_object *exc);
/* Print "Exception ignored in: ..." for unraisable errors (e.g. in __del__). */
void gk__write_unraisable(const char *where);

/* Singletons (vm/objects/misc.c).  Static, never freed. */
extern gk_object gk__none, gk__notimplemented, gk__ellipsis;
#define GK_NONE (&gk__none)
#define GK_NOTIMPLEMENTED (&gk__notimplemented)
#define GK_ELLIPSIS (&gk__ellipsis)
static inline gk_object *gk__none_ref(void) { return gk__incref(GK_NONE); }

/* Cross-file fatal error: prints and aborts (internal invariants only). */
_Noreturn void gk__fatal(const char *fmt, ...);

#endif
