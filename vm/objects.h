/*
 * vm/objects.h - the built-in types and the functions each type's file
 * offers to the rest of the VM.  One section per file in vm/objects/.
 * Contracts follow vm/object.h: new references out, nothing stolen, NULL/-1
 * with an exception pending on error, GIL required.
 */
#ifndef GK_VM_OBJECTS_H
#define GK_VM_OBJECTS_H

#include "object.h"

/* Every static built-in type, defined once: X(c_name, "python name").
 * The variable is `gk_type gk__<c_name>_type`, defined in the type's file.
 * gk__types_init() readies them all in this order (bases first). */
#define GK_BUILTIN_TYPES(X) \
    X(object, "object") X(type, "type") X(none, "NoneType") \
    X(notimplemented, "NotImplementedType") X(ellipsis, "ellipsis") \
    X(int, "int") X(bool, "bool") X(float, "float") \
    X(str, "str") X(bytes, "bytes") X(bytearray, "bytearray") \
    X(tuple, "tuple") X(list, "list") X(dict, "dict") X(set, "set") X(frozenset, "frozenset") \
    X(range, "range") X(slice, "slice") \
    X(dict_keys, "dict_keys") X(dict_values, "dict_values") X(dict_items, "dict_items") \
    X(tuple_iter, "tuple_iterator") X(list_iter, "list_iterator") X(list_reviter, "list_reverseiterator") \
    X(dict_iter, "dict_iterator") X(set_iter, "set_iterator") X(range_iter, "range_iterator") \
    X(str_iter, "str_iterator") X(bytes_iter, "bytes_iterator") X(seq_iter, "iterator") \
    X(callable_iter, "callable_iterator") \
    X(enumerate, "enumerate") X(zip, "zip") X(map, "map") X(filter, "filter") X(reversed, "reversed") \
    X(code, "code") X(function, "function") X(method, "method") X(cell, "cell") \
    X(builtin_function, "builtin_function_or_method") X(method_descriptor, "method_descriptor") \
    X(getset_descriptor, "getset_descriptor") X(slot_wrapper, "wrapper_descriptor") \
    X(generator, "generator") X(frame, "frame") X(traceback, "traceback") \
    X(property, "property") X(staticmethod, "staticmethod") X(classmethod, "classmethod") \
    X(super, "super") X(module, "module")

#define X(c, py) extern gk_type gk__##c##_type;
GK_BUILTIN_TYPES(X)
#undef X

/* Readies every built-in type and exception type; 0 / -1 (type.c). */
int gk__types_init(void);
/* Readies the exception types (exceptions.c; called by gk__types_init). */
int gk__exceptions_init(void);

/* ---- type.c: type objects, classes, object, super, descriptors ---- */
/* Fills in a static type (see gk_type); 0 / -1. */
int gk__type_ready(gk_type *t);
/* Forgets the attribute-cache tag of t and of every subclass: call after
 * any change to t's dict (type.c). */
void gk__type_modified(gk_type *t);
/* Returns t's attribute-cache tag, assigning a fresh one if it has none;
 * 0 when t cannot be cached yet (no MRO).  (abstract.c) */
uint64_t gk__type_tag(gk_type *t);
/* type(name, bases, dict): creates a heap type (a class). */
gk_object *gk__type_new(gk_object *name, gk_object *bases, gk_object *dict);
const char *gk__type_name(gk_type *t);            /* borrowed C string: __name__ */
#define GK_TYPE_NAME(o) gk__type_name(GK_TYPE(o))
static inline bool gk__is_type(gk_object *o) { return (GK_TYPE(o)->flags & GK_TPFLAG_TYPE_SUBCLASS) != 0; }
/* Wraps a C method table entry as a method descriptor / builtin bound to self. */
gk_object *gk__cfunction_new(const gk__methoddef *def, gk_object *self);  /* a builtin_function bound to self (may be NULL) */
gk_object *gk__method_descr_new(gk_type *owner, const gk__methoddef *def);

/* ---- int.c and bool: arbitrary precision, small values inline, GMP beyond ---- */
/* Invariant: a value that fits in int64_t is always stored small (is_big 0);
 * bigger values use the mpz. */
gk_object *gk__int_from_i64(int64_t v);
gk_object *gk__int_from_u64(uint64_t v);
gk_object *gk__int_from_double(double d);          /* truncates; OverflowError/ValueError for inf/nan */
/* Parses Python int literal text (underscores allowed, base 0 = auto with
 * prefixes); ValueError "invalid literal for int() with base 10: 'x'". */
gk_object *gk__int_from_string(const char *s, size_t len, int base);
bool gk__int_is_small(gk_object *o);               /* o is an int that fits int64 */
int64_t gk__int_small_value(gk_object *o);         /* only when gk__int_is_small */
/* The leading fields of every int (int.c owns the layout and asserts it), for the eval loop's
 * inline fast paths: an exact int whose `big` is false holds its value in `v`. */
struct gk__int_head {
    GK_HEAD;
    bool big;
    int64_t v;
};
#define GK__INT_EXACT_SMALL(o) (GK_TYPE(o) == &gk__int_type && !((struct gk__int_head *)(o))->big)
#define GK__INT_SMALL_V(o) (((struct gk__int_head *)(o))->v)
/* Converts to int64; -1 with OverflowError if it does not fit (check gk__err_occurred). */
int64_t gk__int_as_i64(gk_object *o);
double gk__int_as_double(gk_object *o);            /* -1.0 + OverflowError if too big */
int gk__int_sign(gk_object *o);                    /* -1, 0, 1 */
gk_object *gk__int_to_base(gk_object *o, int base, bool prefix);  /* str: "0xff", "-0b101" ... */
/* pow(a, b, m) for three ints (m None: a ** b); TypeError if any is not an
 * int, ValueError for m == 0 or a non-invertible base with b < 0. */
gk_object *gk__int_pow_mod(gk_object *a, gk_object *b, gk_object *m);
gk_object *gk__int_divmod(gk_object *a, gk_object *b);   /* both ints: (a // b, a % b) */
/* divmod(a, b) for any pair (float.c): ints and floats directly, else
 * __divmod__ / __rdivmod__; TypeError "unsupported operand type(s) for divmod()". */
gk_object *gk__divmod(gk_object *a, gk_object *b);
static inline bool gk__is_int(gk_object *o) { return (GK_TYPE(o)->flags & GK_TPFLAG_INT_SUBCLASS) != 0; }
struct gk_int;                                    /* private to int.c */
extern struct gk_int gk__true_obj, gk__false_obj; /* the two bools (instances of gk__bool_type) */
#define GK_TRUE ((gk_object *)&gk__true_obj)
#define GK_FALSE ((gk_object *)&gk__false_obj)
static inline gk_object *gk__bool(bool b) { return gk__incref(b ? GK_TRUE : GK_FALSE); }

/* ---- float.c ---- */
gk_object *gk__float_new(double d);
double gk__float_value(gk_object *o);              /* o must be a float */
/* The layout of a float (float.c asserts it), for the eval loop's inline fast paths. */
struct gk__float_head {
    GK_HEAD;
    double v;
};
#define GK__FLOAT_V(o) (((struct gk__float_head *)(o))->v)
/* Converts int or float (or __float__/__index__) to double; -1.0 + error. */
double gk__as_double(gk_object *o);
/* repr(float): shortest round-trip text, "1e+20", "inf", "-0.0". Writes into buf (>= 32 bytes). */
void gk__float_repr_buf(double d, char *buf, size_t n);
static inline bool gk__is_float(gk_object *o) { return GK_TYPE(o) == &gk__float_type || gk__type_is_subtype(GK_TYPE(o), &gk__float_type); }
/* Python's hash of a double (equal to the hash of an equal int). */
int64_t gk__hash_double(double d);

/* ---- str.c: immutable Unicode text stored as UTF-8 ---- */
/* Invariant: data is valid UTF-8 followed by a NUL; `len` counts code
 * points, `size` bytes; `ascii` is true iff size == len. */
gk_object *gk__str_from_utf8(const char *s, size_t size);  /* UnicodeDecodeError if invalid */
gk_object *gk__str_from_cstr(const char *s);
gk_object *gk__str_from_format(const char *fmt, ...);      /* formats as gk__raise does */
gk_object *gk__str_from_vformat(const char *fmt, va_list ap);
gk_object *gk__str_from_codepoint(uint32_t cp);
/* Returns the interned str for s: BORROWED, lives as long as the runtime. */
gk_object *gk__str_intern(const char *s);
/* Interns an existing str: returns a new reference to the canonical copy. */
gk_object *gk__str_intern_obj(gk_object *s);
const char *gk__str_utf8(gk_object *s);            /* borrowed, NUL-terminated */
size_t gk__str_size(gk_object *s);                 /* bytes */
size_t gk__str_len(gk_object *s);                  /* code points */
bool gk__str_eq_cstr(gk_object *s, const char *c);
bool gk__str_eq(gk_object *a, gk_object *b);       /* both str */
gk_object *gk__str_concat(gk_object *a, gk_object *b);
gk_object *gk__str_join(gk_object *sep, gk_object *iterable);
gk_object *gk__str_repr(gk_object *s);             /* 'it\'s' quoting like python3 */
/* Codecs utf-8/ascii/latin-1 with errors strict/ignore/replace/backslashreplace
 * (encoding/errors NULL = utf-8/strict): str -> bytes and bytes -> str. */
gk_object *gk__str_encode(gk_object *s, const char *encoding, const char *errors);
gk_object *gk__str_decode(const unsigned char *p, size_t n, const char *encoding, const char *errors);
static inline bool gk__is_str(gk_object *o) { return (GK_TYPE(o)->flags & GK_TPFLAG_STR_SUBCLASS) != 0; }
/* The leading fields of every str (str.c owns the layout and asserts it), so that dict lookups
 * read a computed hash inline: -1 until the first hash. */
struct gk__str_head {
    GK_HEAD;
    int64_t hash;
};
/* A growable UTF-8 buffer for building strings. */
typedef struct gk__strbuf { char *data; size_t size, cap; } gk__strbuf;
void gk__strbuf_init(gk__strbuf *b);
int gk__strbuf_append(gk__strbuf *b, const char *s, size_t n);   /* 0 / -1 + MemoryError */
int gk__strbuf_append_cstr(gk__strbuf *b, const char *s);
int gk__strbuf_append_str(gk__strbuf *b, gk_object *str);
int gk__strbuf_printf(gk__strbuf *b, const char *fmt, ...);
gk_object *gk__strbuf_finish(gk__strbuf *b);       /* returns the str and frees the buffer */
void gk__strbuf_free(gk__strbuf *b);

/* ---- format.c: format(), the format-spec mini-language, %, str.format ---- */
gk_object *gk__format(gk_object *value, gk_object *spec);   /* format(value, spec); spec NULL = "" */
gk_object *gk__str_percent(gk_object *fmt, gk_object *args); /* "fmt" % args */
gk_object *gk__bytes_percent(gk_object *fmt, gk_object *args);
/* Used by int/float/str __format__ implementations. */
gk_object *gk__format_int(gk_object *v, const char *spec, size_t n);
gk_object *gk__format_float(double d, const char *spec, size_t n);
gk_object *gk__format_str(gk_object *s, const char *spec, size_t n);
/* str.format(*args, **kw) with vectorcall arguments, and str.format_map(mapping). */
gk_object *gk__str_format_call(gk_object *fmt, gk_object *const *args, size_t nargs, gk_object *kwnames);
gk_object *gk__str_format_map(gk_object *fmt, gk_object *mapping);

/* ---- bytes.c (bytes and bytearray) ---- */
gk_object *gk__bytes_new(const void *data, size_t size);
const unsigned char *gk__bytes_data(gk_object *b); /* bytes or bytearray; borrowed */
size_t gk__bytes_size(gk_object *b);
gk_object *gk__bytearray_new(const void *data, size_t size);
static inline bool gk__is_bytes(gk_object *o) { return (GK_TYPE(o)->flags & GK_TPFLAG_BYTES_SUBCLASS) != 0; }

/* ---- tuple.c ---- */
gk_object *gk__tuple_new(size_t n);                /* items NULL; fill with GK_TUPLE_SET before use */
gk_object *gk__tuple_pack(size_t n, ...);          /* args borrowed */
gk_object *gk__tuple_from_array(gk_object *const *items, size_t n);  /* items borrowed */
size_t gk__tuple_size(gk_object *t);
gk_object **gk__tuple_items(gk_object *t);         /* borrowed array */
#define GK_TUPLE_GET(t, i) (gk__tuple_items(t)[i])          /* borrowed */
#define GK_TUPLE_SET(t, i, v) (gk__tuple_items(t)[i] = (v)) /* steals v; only on fresh tuples */
static inline bool gk__is_tuple(gk_object *o) { return (GK_TYPE(o)->flags & GK_TPFLAG_TUPLE_SUBCLASS) != 0; }
extern gk_object *gk__empty_tuple;                 /* borrowed singleton, set at init */

/* ---- list.c ---- */
gk_object *gk__list_new(size_t n);                 /* n NULL items; fill with GK_LIST_SET */
size_t gk__list_size(gk_object *l);
gk_object **gk__list_items(gk_object *l);          /* borrowed; invalidated by any resize */
#define GK_LIST_GET(l, i) (gk__list_items(l)[i])
#define GK_LIST_SET(l, i, v) (gk__list_items(l)[i] = (v))   /* steals v; only on fresh lists */
int gk__list_append(gk_object *l, gk_object *v);   /* does not steal */
int gk__list_extend(gk_object *l, gk_object *iterable);
int gk__list_insert(gk_object *l, intptr_t i, gk_object *v);
gk_object *gk__list_pop(gk_object *l, intptr_t i); /* IndexError "pop from empty list" */
/* Stable sort in place; key may be NULL.  0 / -1. */
int gk__list_sort(gk_object *l, gk_object *key, bool reverse);
gk_object *gk__list_as_tuple(gk_object *l);
/* Recursion guard for container reprs (per thread): returns 0 after
 * entering o, 1 if o's repr is already in progress (print "[...]"), -1 on
 * error.  Pair every 0 with gk__repr_leave(o). */
int gk__repr_enter(gk_object *o);
void gk__repr_leave(gk_object *o);
static inline bool gk__is_list(gk_object *o) { return (GK_TYPE(o)->flags & GK_TPFLAG_LIST_SUBCLASS) != 0; }

/* ---- dict.c: insertion-ordered hash table ---- */
gk_object *gk__dict_new(void);
/* Lookup: BORROWED value or NULL.  NULL with no exception means missing;
 * an exception is pending only if hashing/comparing failed. */
gk_object *gk__dict_get(gk_object *d, gk_object *key);
/* As gk__dict_get, but first tries entry number *hint (matched by key identity) and stores the
 * entry number found there: BORROWED value, or NULL (exception set only if one occurred). */
gk_object *gk__dict_get_hinted(gk_object *d, gk_object *key, uint32_t *hint);
/* d[key] = value, first trying entry number *hint (by key identity) and storing the entry
 * number used; nothing stolen.  0 / -1.  (For the eval loop's attribute caches.) */
int gk__dict_set_hinted(gk_object *d, gk_object *key, gk_object *value, uint32_t *hint);
gk_object *gk__dict_get_cstr(gk_object *d, const char *key);   /* BORROWED or NULL */
int gk__dict_set(gk_object *d, gk_object *key, gk_object *value);  /* no steal */
int gk__dict_set_cstr(gk_object *d, const char *key, gk_object *value);
int gk__dict_del(gk_object *d, gk_object *key);   /* KeyError if missing */
int gk__dict_del_cstr(gk_object *d, const char *key);
size_t gk__dict_size(gk_object *d);
/* Iterates: *pos starts at 0; returns true and sets BORROWED *key and *value. */
bool gk__dict_next(gk_object *d, size_t *pos, gk_object **key, gk_object **value);
int gk__dict_update(gk_object *d, gk_object *other);     /* other: mapping or iterable of pairs */
int gk__dict_merge_kwargs(gk_object *d, gk_object *other, gk_object *fname); /* ** in calls: TypeError on duplicate keys */
gk_object *gk__dict_copy(gk_object *d);
gk_object *gk__dict_keys_list(gk_object *d);
void gk__dict_clear(gk_object *d);
static inline bool gk__is_dict(gk_object *o) { return (GK_TYPE(o)->flags & GK_TPFLAG_DICT_SUBCLASS) != 0; }

/* ---- set.c (set and frozenset) ---- */
gk_object *gk__set_new(gk_object *iterable);       /* iterable may be NULL */
gk_object *gk__frozenset_new(gk_object *iterable);
int gk__set_add(gk_object *s, gk_object *key);
int gk__set_contains(gk_object *s, gk_object *key);
int gk__set_discard(gk_object *s, gk_object *key);  /* 1 removed, 0 absent, -1 */
bool gk__set_next(gk_object *s, size_t *pos, gk_object **key);  /* BORROWED */
size_t gk__set_size(gk_object *s);
bool gk__is_anyset(gk_object *o);

/* ---- range.c, slice.c ---- */
gk_object *gk__range_new(int64_t start, int64_t stop, int64_t step);
gk_object *gk__slice_new(gk_object *start, gk_object *stop, gk_object *step); /* NULLs mean None */
/* Resolves a slice against a length: 0 / -1; *slicelen gets the count. */
int gk__slice_indices(gk_object *slice, intptr_t length, intptr_t *start, intptr_t *stop,
                      intptr_t *step, intptr_t *slicelen);
static inline bool gk__is_slice(gk_object *o) { return GK_TYPE(o) == &gk__slice_type; }

/* ---- iterobject.c: enumerate, zip, map, filter, reversed, seq/callable iterators ---- */
gk_object *gk__seq_iter_new(gk_object *seq);       /* iterator over __getitem__(0, 1, ...) until IndexError */
gk_object *gk__callable_iter_new(gk_object *callable, gk_object *sentinel);

/* ---- code.h/code.c, function.c, frame.c, generator.c, cell: see code.h and eval.h ---- */

/* ---- module.c ---- */
gk_object *gk__module_new(gk_object *name);        /* module with __name__ set; dict empty otherwise */
gk_object *gk__module_dict(gk_object *m);          /* BORROWED */
/* Adds a C function table to a module's dict; 0 / -1. */
int gk__module_add_functions(gk_object *m, const gk__methoddef *defs);
static inline bool gk__is_module(gk_object *o) { return GK_TYPE(o) == &gk__module_type; }

/* ---- exceptions.c: the exception hierarchy ---- */
/* X(c_name, base_c_name): the variable is `gk_type gk__exc_<c_name>`,
 * whose Python name is the c_name itself. */
#define GK_EXCEPTION_TYPES(X) \
    X(BaseException, object) \
    X(SystemExit, BaseException) X(KeyboardInterrupt, BaseException) X(GeneratorExit, BaseException) \
    X(Exception, BaseException) \
    X(StopIteration, Exception) X(ArithmeticError, Exception) \
    X(FloatingPointError, ArithmeticError) X(OverflowError, ArithmeticError) X(ZeroDivisionError, ArithmeticError) \
    X(AssertionError, Exception) X(AttributeError, Exception) X(BufferError, Exception) X(EOFError, Exception) \
    X(ImportError, Exception) X(ModuleNotFoundError, ImportError) \
    X(LookupError, Exception) X(IndexError, LookupError) X(KeyError, LookupError) \
    X(MemoryError, Exception) X(NameError, Exception) X(UnboundLocalError, NameError) \
    X(OSError, Exception) X(BlockingIOError, OSError) X(ChildProcessError, OSError) \
    X(ConnectionError, OSError) X(BrokenPipeError, ConnectionError) X(ConnectionAbortedError, ConnectionError) \
    X(ConnectionRefusedError, ConnectionError) X(ConnectionResetError, ConnectionError) \
    X(FileExistsError, OSError) X(FileNotFoundError, OSError) X(InterruptedError, OSError) \
    X(IsADirectoryError, OSError) X(NotADirectoryError, OSError) X(PermissionError, OSError) \
    X(ProcessLookupError, OSError) X(TimeoutError, OSError) \
    X(ReferenceError, Exception) X(RuntimeError, Exception) X(NotImplementedError, RuntimeError) \
    X(RecursionError, RuntimeError) X(SyntaxError, Exception) X(IndentationError, SyntaxError) \
    X(TabError, IndentationError) X(SystemError, Exception) X(TypeError, Exception) X(ValueError, Exception) \
    X(UnicodeError, ValueError) X(UnicodeDecodeError, UnicodeError) X(UnicodeEncodeError, UnicodeError) \
    X(Warning, Exception) X(DeprecationWarning, Warning) X(RuntimeWarning, Warning) X(UserWarning, Warning)

#define X(c, base) extern gk_type gk__exc_##c;
GK_EXCEPTION_TYPES(X)
#undef X

/* Creates an exception instance: type(*args). */
gk_object *gk__exc_new(gk_type *type, gk_object *args_tuple);
gk_object *gk__exc_args(gk_object *exc);           /* BORROWED tuple */
gk_object *gk__exc_traceback(gk_object *exc);      /* BORROWED or NULL */
void gk__exc_set_traceback(gk_object *exc, gk_object *tb);   /* no steal */
gk_object *gk__exc_cause(gk_object *exc);          /* BORROWED or NULL */
void gk__exc_set_cause(gk_object *exc, gk_object *cause);    /* no steal; sets __suppress_context__ */
gk_object *gk__exc_context(gk_object *exc);        /* BORROWED or NULL */
void gk__exc_set_context_obj(gk_object *exc, gk_object *ctx);/* no steal */
static inline bool gk__is_exception(gk_object *o) { return (GK_TYPE(o)->flags & GK_TPFLAG_EXC_SUBCLASS) != 0; }
/* StopIteration(value) helpers for generators. */
gk_object *gk__raise_stop_iteration(gk_object *value);   /* value may be NULL */
gk_object *gk__stop_iteration_value(gk_object *exc);     /* BORROWED: .value */

/* ---- builtins.c, sys (sysmodule.c), import.c ---- */
gk_object *gk__builtins_module_new(void);          /* the `builtins` module */
gk_object *gk__sys_module_new(int argc, char **argv);
/* import name (dotted), as the IMPORT_NAME opcode does.  `globals` gives
 * the importing module's folder for relative files. fromlist may be NULL. */
gk_object *gk__import(gk_object *name, gk_object *globals, gk_object *fromlist, int level);
/* Registers a built-in module implemented in C: init(module) fills it. */
typedef int (*gk__module_init)(gk_object *module);
int gk__register_builtin_module(const char *name, gk__module_init init);

/* print to stdout the way the print() builtin does, for the C side. */
int gk__print_obj(gk_object *o, gk_object *file);

#endif
