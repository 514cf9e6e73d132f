/*
 * vm/objects/abstract.c - the generic object protocol of object.h: repr,
 * str, hashing, truth, rich comparison, binary and unary operators, the
 * attribute, item, length, containment and iteration protocols, instance
 * and subclass checks, number conversions, and the generic attribute
 * functions with their descriptor rules.
 *
 * Each function dispatches on the type's slots; the error text for a slot
 * that is missing matches CPython 3.11.  Heap types (classes) fill every
 * slot with a function that looks the dunder method up (type.c), so these
 * functions need not know about Python-level methods.
 */
#include <stdlib.h>
#include <string.h>
#include "objects.h"

/* ------------------------------------------------------------------ */
/* Life cycle                                                           */

/* Frees o through its type's dealloc (refcnt has reached 0). */
void gk__dealloc(gk_object *o)
{
    GK_TYPE(o)->dealloc(o);
}

/* ------------------------------------------------------------------ */
/* repr, str, ascii, hash, truth                                        */

static gk_object *check_str_result(gk_object *r, const char *what)
{
    if (r && !gk__is_str(r)) {
        gk__raise(&gk__exc_TypeError, "%s returned non-string (type %s)", what, GK_TYPE_NAME(r));
        gk__decref(r);
        return NULL;
    }
    return r;
}

/* repr(o): a str. */
gk_object *gk__repr(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    if (!t->repr)
        return gk__str_from_format("<%s object at %p>", gk__type_name(t), (void *)o);
    return check_str_result(t->repr(o), "__repr__");
}

/* str(o): a str. */
gk_object *gk__str(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    if (t == &gk__str_type)
        return gk__incref(o);
    if (!t->str)
        return gk__repr(o);
    return check_str_result(t->str(o), "__str__");
}

/* Decodes one UTF-8 sequence at p (valid UTF-8 assumed); returns its length. */
static size_t utf8_decode(const unsigned char *p, uint32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0) {
        *cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if ((p[0] & 0xF0) == 0xE0) {
        *cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    *cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
          ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    return 4;
}

/* ascii(o): repr with non-ASCII characters escaped. */
gk_object *gk__ascii(gk_object *o)
{
    gk_object *r = gk__repr(o);
    if (!r || gk__str_size(r) == gk__str_len(r))
        return r;
    gk__strbuf b;
    gk__strbuf_init(&b);
    const unsigned char *p = (const unsigned char *)gk__str_utf8(r), *end = p + gk__str_size(r);
    int rc = 0;
    while (p < end && rc == 0) {
        uint32_t cp;
        p += utf8_decode(p, &cp);
        if (cp < 0x80) {
            char c = (char)cp;
            rc = gk__strbuf_append(&b, &c, 1);
        } else if (cp < 0x100) {
            rc = gk__strbuf_printf(&b, "\\x%02x", (unsigned)cp);
        } else if (cp < 0x10000) {
            rc = gk__strbuf_printf(&b, "\\u%04x", (unsigned)cp);
        } else {
            rc = gk__strbuf_printf(&b, "\\U%08x", (unsigned)cp);
        }
    }
    gk__decref(r);
    if (rc < 0) {
        gk__strbuf_free(&b);
        return NULL;
    }
    return gk__strbuf_finish(&b);
}

/* hash(o); -1 + TypeError if unhashable. */
int64_t gk__hash(gk_object *o)
{
    gk_hashfunc h = GK_TYPE(o)->hash;
    if (!h) {
        gk__raise(&gk__exc_TypeError, "unhashable type: '%s'", GK_TYPE_NAME(o));
        return -1;
    }
    return h(o);
}

/* bool(o): 1, 0, -1. */
int gk__truthy(gk_object *o)
{
    if (o == GK_TRUE)
        return 1;
    if (o == GK_FALSE || o == GK_NONE)
        return 0;
    gk_type *t = GK_TYPE(o);
    if (t->nb_bool)
        return t->nb_bool(o);
    if (t->len) {
        intptr_t n = t->len(o);
        return n < 0 ? -1 : n > 0;
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Rich comparison                                                      */

static const int swapped_op[] = { GK_GT, GK_GE, GK_EQ, GK_NE, GK_LT, GK_LE };
static const char *const op_symbol[] = { "<", "<=", "==", "!=", ">", ">=" };

/* The full comparison protocol (reflected first for subclasses). */
gk_object *gk__richcompare(gk_object *a, gk_object *b, int op)
{
    gk_type *ta = GK_TYPE(a), *tb = GK_TYPE(b);
    bool checked_reverse = false;
    gk_object *r;
    if (ta != tb && tb->richcompare && gk__type_is_subtype(tb, ta)) {
        checked_reverse = true;
        if (!(r = tb->richcompare(b, a, swapped_op[op])) || r != GK_NOTIMPLEMENTED)
            return r;
        gk__decref(r);
    }
    if (ta->richcompare) {
        if (!(r = ta->richcompare(a, b, op)) || r != GK_NOTIMPLEMENTED)
            return r;
        gk__decref(r);
    }
    if (!checked_reverse && tb->richcompare) {
        if (!(r = tb->richcompare(b, a, swapped_op[op])) || r != GK_NOTIMPLEMENTED)
            return r;
        gk__decref(r);
    }
    if (op == GK_EQ)
        return gk__bool(a == b);
    if (op == GK_NE)
        return gk__bool(a != b);
    return gk__raise(&gk__exc_TypeError, "'%s' not supported between instances of '%s' and '%s'",
                     op_symbol[op], gk__type_name(ta), gk__type_name(tb));
}

/* Comparison as a C truth value; identity implies equality. */
int gk__richcompare_bool(gk_object *a, gk_object *b, int op)
{
    if (a == b) {
        if (op == GK_EQ)
            return 1;
        if (op == GK_NE)
            return 0;
    }
    gk_object *r = gk__richcompare(a, b, op);
    if (!r)
        return -1;
    int v = r == GK_TRUE ? 1 : r == GK_FALSE ? 0 : gk__truthy(r);
    gk__decref(r);
    return v;
}

/* ------------------------------------------------------------------ */
/* Binary operators                                                     */

static const char *const binop_symbol[] = {
#define X(n, d, r, i, s) s,
    GK_BINOPS(X)
#undef X
};

/* Tries both operands' slots; returns NotImplemented (new ref) if neither handles the pair. */
static gk_object *binary1(gk_object *a, gk_object *b, int op)
{
    gk_type *ta = GK_TYPE(a), *tb = GK_TYPE(b);
    gk_binaryfunc slota = ta->nb[op], slotb = tb != ta ? tb->nb[op] : NULL;
    gk_object *r;
    if (slotb == slota)
        slotb = NULL;
    if (slota) {
        if (slotb && gk__type_is_subtype(tb, ta)) {
            if (!(r = slotb(a, b)) || r != GK_NOTIMPLEMENTED)
                return r;
            gk__decref(r);
            slotb = NULL;
        }
        if (!(r = slota(a, b)) || r != GK_NOTIMPLEMENTED)
            return r;
        gk__decref(r);
    }
    if (slotb)
        return slotb(a, b);
    return gk__incref(GK_NOTIMPLEMENTED);
}

static gk_object *binop_error(gk_object *a, gk_object *b, int op, const char *suffix)
{
    const char *extra = op == GK_BINOP_POW && !*suffix ? " or pow()" : "";
    return gk__raise(&gk__exc_TypeError, "unsupported operand type(s) for %s%s%s: '%s' and '%s'",
                     binop_symbol[op], suffix, extra, GK_TYPE_NAME(a), GK_TYPE_NAME(b));
}

/* a <op> b with the full protocol. */
gk_object *gk__binop(gk_object *a, gk_object *b, int op)
{
    gk_object *r = binary1(a, b, op);
    if (r != GK_NOTIMPLEMENTED)
        return r;
    gk__decref(r);
    return binop_error(a, b, op, "");
}

/* a <op>= b: the in-place slot first, then the plain operator. */
gk_object *gk__inplace_binop(gk_object *a, gk_object *b, int op)
{
    gk_binaryfunc slot = GK_TYPE(a)->nb_inplace[op];
    gk_object *r;
    if (slot) {
        if (!(r = slot(a, b)) || r != GK_NOTIMPLEMENTED)
            return r;
        gk__decref(r);
    }
    r = binary1(a, b, op);
    if (r != GK_NOTIMPLEMENTED)
        return r;
    gk__decref(r);
    return binop_error(a, b, op, "=");
}

/* pow(a, b, mod); mod None means a ** b. */
gk_object *gk__pow3(gk_object *a, gk_object *b, gk_object *mod)
{
    if (!mod || mod == GK_NONE)
        return gk__binop(a, b, GK_BINOP_POW);
    if (gk__is_int(a) && gk__is_int(b) && gk__is_int(mod) && !(GK_TYPE(a)->flags & GK_TPFLAG_HEAPTYPE))
        return gk__int_pow_mod(a, b, mod);
    if (gk__type_lookup_cstr(GK_TYPE(a), "__pow__") && (GK_TYPE(a)->flags & GK_TPFLAG_HEAPTYPE)) {
        gk_object *args[2] = { b, mod };
        gk_object *r = gk__call_special(a, "__pow__", args, 2);
        if (!r || r != GK_NOTIMPLEMENTED)
            return r;
        gk__decref(r);
    }
    if (gk__is_int(a) && gk__is_int(b) && gk__is_int(mod))
        return gk__int_pow_mod(a, b, mod);
    if ((gk__is_int(a) || gk__is_float(a)) && (gk__is_int(b) || gk__is_float(b)))
        return gk__raise(&gk__exc_TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
    return gk__raise(&gk__exc_TypeError, "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                     GK_TYPE_NAME(a), GK_TYPE_NAME(b), GK_TYPE_NAME(mod));
}

/* ------------------------------------------------------------------ */
/* Unary operators and number conversions                               */

static gk_object *unary(gk_object *o, gk_unaryfunc f, const char *what)
{
    if (!f)
        return gk__raise(&gk__exc_TypeError, "bad operand type for %s: '%s'", what, GK_TYPE_NAME(o));
    return f(o);
}

/* -o */
gk_object *gk__neg(gk_object *o) { return unary(o, GK_TYPE(o)->nb_neg, "unary -"); }
/* +o */
gk_object *gk__pos(gk_object *o) { return unary(o, GK_TYPE(o)->nb_pos, "unary +"); }
/* abs(o) */
gk_object *gk__abs(gk_object *o) { return unary(o, GK_TYPE(o)->nb_abs, "abs()"); }
/* ~o */
gk_object *gk__invert(gk_object *o) { return unary(o, GK_TYPE(o)->nb_invert, "unary ~"); }

/* operator.index(o): an int. */
gk_object *gk__number_index(gk_object *o)
{
    if (gk__is_int(o))
        return gk__incref(o);
    gk_unaryfunc f = GK_TYPE(o)->nb_index;
    if (!f)
        return gk__raise(&gk__exc_TypeError, "'%s' object cannot be interpreted as an integer",
                         GK_TYPE_NAME(o));
    gk_object *r = f(o);
    if (r && !gk__is_int(r)) {
        gk__raise(&gk__exc_TypeError, "__index__ returned non-int (type %s)", GK_TYPE_NAME(r));
        gk__decref(r);
        return NULL;
    }
    return r;
}

/* Converts an int-like to intptr_t; IndexError if it does not fit. */
int gk__index_to_ssize(gk_object *o, intptr_t *out)
{
    gk_object *i = gk__number_index(o);
    if (!i)
        return -1;
    int64_t v = gk__int_as_i64(i);
    gk__decref(i);
    if (v == -1 && gk__err_occurred()) {
        if (!gk__err_matches(&gk__exc_OverflowError))
            return -1;
        gk__err_clear();
        gk__raise(&gk__exc_IndexError, "cannot fit '%s' into an index-sized integer", GK_TYPE_NAME(o));
        return -1;
    }
    *out = (intptr_t)v;
    return 0;
}

/* int(o) */
gk_object *gk__number_int(gk_object *o)
{
    if (GK_TYPE(o) == &gk__int_type)
        return gk__incref(o);
    return gk__call1((gk_object *)&gk__int_type, o);
}

/* float(o) */
gk_object *gk__number_float(gk_object *o)
{
    if (GK_TYPE(o) == &gk__float_type)
        return gk__incref(o);
    return gk__call1((gk_object *)&gk__float_type, o);
}

/* ------------------------------------------------------------------ */
/* Attributes                                                           */

static int check_name(gk_object *name)
{
    if (gk__is_str(name))
        return 0;
    gk__raise(&gk__exc_TypeError, "attribute name must be string, not '%s'", GK_TYPE_NAME(name));
    return -1;
}

/* o.name; AttributeError if missing. */
gk_object *gk__getattr(gk_object *o, gk_object *name)
{
    if (check_name(name) < 0)
        return NULL;
    gk_getattrfunc f = GK_TYPE(o)->getattr;
    if (!f)
        return gk__raise(&gk__exc_AttributeError, "'%s' object has no attribute '%U'", GK_TYPE_NAME(o), name);
    return f(o, name);
}

/* o.name with a C string name. */
gk_object *gk__getattr_cstr(gk_object *o, const char *name)
{
    return gk__getattr(o, gk__str_intern(name));
}

/* o.name, or NULL with no exception when it is missing. */
gk_object *gk__getattr_opt(gk_object *o, gk_object *name)
{
    gk_object *r = gk__getattr(o, name);
    if (!r && gk__err_matches(&gk__exc_AttributeError))
        gk__err_clear();
    return r;
}

/* o.name = value (value NULL: del o.name). */
int gk__setattr(gk_object *o, gk_object *name, gk_object *value)
{
    if (check_name(name) < 0)
        return -1;
    gk_setattrfunc f = GK_TYPE(o)->setattr;
    if (!f) {
        if (GK_TYPE(o)->getattr)
            gk__raise(&gk__exc_AttributeError, "'%s' object attribute '%U' is read-only", GK_TYPE_NAME(o), name);
        else
            gk__raise(&gk__exc_AttributeError, "'%s' object has no attribute '%U'", GK_TYPE_NAME(o), name);
        return -1;
    }
    return f(o, name, value);
}

/* Like gk__setattr with a C string name. */
int gk__setattr_cstr(gk_object *o, const char *name, gk_object *value)
{
    return gk__setattr(o, gk__str_intern(name), value);
}

/* hasattr(o, name): 1 / 0, -1 on errors other than AttributeError. */
int gk__hasattr(gk_object *o, gk_object *name)
{
    gk_object *r = gk__getattr_opt(o, name);
    if (r) {
        gk__decref(r);
        return 1;
    }
    return gk__err_occurred() ? -1 : 0;
}

/* Address of o's instance __dict__ pointer, or NULL (borrowed address). */
gk_object **gk__object_dictptr(gk_object *o)
{
    size_t off = GK_TYPE(o)->dictoffset;
    return off ? (gk_object **)((char *)o + off) : NULL;
}

/* The attribute cache: (type tag, name) -> the result of the MRO walk,
 * misses included.  A tag stays valid only while no dict along the type's
 * MRO changes (gk__type_modified clears it), so a matching entry's value,
 * borrowed from one of those dicts, is still alive and current.  Entries
 * hold a reference to their name so that its address cannot be reused by
 * another string while the entry exists.  Touched only with the GIL. */
#define TYPE_CACHE_BITS 12
#define TYPE_CACHE_SIZE (1u << TYPE_CACHE_BITS)
static struct type_cache_entry {
    uint64_t tag;
    gk_object *name;      /* owned */
    gk_object *value;     /* borrowed, NULL for a miss */
} type_cache[TYPE_CACHE_SIZE];
static uint64_t next_type_tag;

static inline size_t type_cache_slot(uint64_t tag, gk_object *name)
{
    uint64_t h = (tag ^ ((uintptr_t)name >> 4)) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> (64 - TYPE_CACHE_BITS));
}

/* See objects.h. */
uint64_t gk__type_tag(gk_type *t)
{
    if (!t->version_tag && t->mro && (t->flags & GK_TPFLAG_READY))
        t->version_tag = ++next_type_tag;
    return t->version_tag;
}

static gk_object *type_lookup_walk(gk_type *t, gk_object *name)
{
    gk_object *mro = t->mro;
    if (!mro) {
        for (; t; t = t->base) {
            gk_object *v = t->dict ? gk__dict_get(t->dict, name) : NULL;
            if (v)
                return v;
        }
        return NULL;
    }
    size_t n = gk__tuple_size(mro);
    gk_object **items = gk__tuple_items(mro);
    for (size_t i = 0; i < n; i++) {
        gk_object *d = ((gk_type *)items[i])->dict;
        gk_object *v = d ? gk__dict_get(d, name) : NULL;
        if (v)
            return v;
    }
    return NULL;
}

/* Looks name up along t's MRO: BORROWED or NULL (no exception). */
gk_object *gk__type_lookup(gk_type *t, gk_object *name)
{
    uint64_t tag = t->version_tag;
    if (tag) {
        struct type_cache_entry *e = &type_cache[type_cache_slot(tag, name)];
        if (e->tag == tag && e->name == name)
            return e->value;
    }
    /* only exact str names: a str subclass could compare equal in odd ways */
    tag = GK_TYPE(name) == &gk__str_type ? gk__type_tag(t) : 0;
    gk_object *v = type_lookup_walk(t, name);
    /* the walk may have run an __eq__ that changed a dict (then the tag is gone) */
    if (tag && t->version_tag == tag && (v || !gk__err_occurred())) {
        struct type_cache_entry *e = &type_cache[type_cache_slot(tag, name)];
        gk_object *old = e->name;
        e->tag = tag;
        e->name = gk__incref(name);
        e->value = v;
        gk__xdecref(old);
    }
    return v;
}

/* gk__type_lookup with a C string name (BORROWED or NULL). */
gk_object *gk__type_lookup_cstr(gk_type *t, const char *name)
{
    return gk__type_lookup(t, gk__str_intern(name));
}

/* The instance __dict__ of o, created on demand (new ref), or NULL without exception. */
static gk_object *instance_dict(gk_object *o)
{
    gk_object **dp = gk__object_dictptr(o);
    if (!dp)
        return NULL;
    if (!*dp && !(*dp = gk__dict_new()))
        return NULL;
    return gk__incref(*dp);
}

/* The generic getattr: data descriptors, the instance dict, then the rest. */
gk_object *gk__object_generic_getattr(gk_object *o, gk_object *name)
{
    gk_type *t = GK_TYPE(o);
    gk_object *descr = gk__type_lookup(t, name);
    gk_descrgetfunc get = NULL;
    if (descr) {
        gk__incref(descr);
        get = GK_TYPE(descr)->descr_get;
        if (get && GK_TYPE(descr)->descr_set) {
            gk_object *r = get(descr, o, (gk_object *)t);
            gk__decref(descr);
            return r;
        }
    }
    gk_object **dp = gk__object_dictptr(o);
    if (dp && *dp) {
        gk_object *v = gk__dict_get(*dp, name);
        if (v) {
            gk__xdecref(descr);
            return gk__incref(v);
        }
        if (gk__err_occurred()) {
            gk__xdecref(descr);
            return NULL;
        }
    }
    if (descr) {
        gk_object *r = get ? get(descr, o, (gk_object *)t) : gk__incref(descr);
        gk__decref(descr);
        return r;
    }
    if (dp && gk__str_eq_cstr(name, "__dict__")) {
        gk_object *d = instance_dict(o);
        if (d || gk__err_occurred())
            return d;
    }
    return gk__raise(&gk__exc_AttributeError, "'%s' object has no attribute '%U'", gk__type_name(t), name);
}

static int set_instance_dict(gk_object **dp, gk_object *value)
{
    if (!value || !gk__is_dict(value)) {
        gk__raise(&gk__exc_TypeError, "__dict__ must be set to a dictionary, not a '%s'",
                  value ? GK_TYPE_NAME(value) : "NoneType");
        return -1;
    }
    GK_SETREF(*dp, gk__incref(value));
    return 0;
}

/* The generic setattr: data descriptors, else the instance dict. */
int gk__object_generic_setattr(gk_object *o, gk_object *name, gk_object *value)
{
    gk_type *t = GK_TYPE(o);
    gk_object *descr = gk__type_lookup(t, name);
    if (descr && GK_TYPE(descr)->descr_set) {
        gk__incref(descr);
        int r = GK_TYPE(descr)->descr_set(descr, o, value);
        gk__decref(descr);
        return r;
    }
    gk_object **dp = gk__object_dictptr(o);
    if (!dp) {
        if (descr)
            gk__raise(&gk__exc_AttributeError, "'%s' object attribute '%U' is read-only", gk__type_name(t), name);
        else
            gk__raise(&gk__exc_AttributeError, "'%s' object has no attribute '%U'", gk__type_name(t), name);
        return -1;
    }
    if (gk__str_eq_cstr(name, "__dict__"))
        return set_instance_dict(dp, value);
    if (!*dp && !(*dp = gk__dict_new()))
        return -1;
    if (value)
        return gk__dict_set(*dp, name, value);
    if (gk__dict_get(*dp, name))
        return gk__dict_del(*dp, name);
    if (!gk__err_occurred())
        gk__raise(&gk__exc_AttributeError, "'%s' object has no attribute '%U'", gk__type_name(t), name);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Items, length, containment                                           */

/* o[key] */
gk_object *gk__getitem(gk_object *o, gk_object *key)
{
    gk_binaryfunc f = GK_TYPE(o)->getitem;
    if (f)
        return f(o, key);
    if (gk__is_type(o)) {
        gk_object *cg = gk__getattr_opt(o, gk__str_intern("__class_getitem__"));
        if (cg) {
            gk_object *r = gk__call1(cg, key);
            gk__decref(cg);
            return r;
        }
        if (gk__err_occurred())
            return NULL;
        return gk__raise(&gk__exc_TypeError, "type '%s' is not subscriptable", gk__type_name((gk_type *)o));
    }
    return gk__raise(&gk__exc_TypeError, "'%s' object is not subscriptable", GK_TYPE_NAME(o));
}

/* o[key] = value */
int gk__setitem(gk_object *o, gk_object *key, gk_object *value)
{
    gk_setitemfunc f = GK_TYPE(o)->setitem;
    if (!f) {
        gk__raise(&gk__exc_TypeError, "'%s' object does not support item assignment", GK_TYPE_NAME(o));
        return -1;
    }
    return f(o, key, value);
}

/* del o[key] */
int gk__delitem(gk_object *o, gk_object *key)
{
    gk_setitemfunc f = GK_TYPE(o)->setitem;
    if (!f) {
        gk__raise(&gk__exc_TypeError, "'%s' object doesn't support item deletion", GK_TYPE_NAME(o));
        return -1;
    }
    return f(o, key, NULL);
}

/* len(o); -1 on error. */
intptr_t gk__len(gk_object *o)
{
    gk_lenfunc f = GK_TYPE(o)->len;
    if (!f) {
        gk__raise(&gk__exc_TypeError, "object of type '%s' has no len()", GK_TYPE_NAME(o));
        return -1;
    }
    return f(o);
}

/* item in container: 1, 0, -1; falls back to iteration. */
int gk__contains(gk_object *container, gk_object *item)
{
    gk_type *t = GK_TYPE(container);
    if (t->contains)
        return t->contains(container, item);
    if (!t->iter && !t->getitem) {
        gk__raise(&gk__exc_TypeError, "argument of type '%s' is not iterable", gk__type_name(t));
        return -1;
    }
    gk_object *it = gk__iter(container);
    if (!it)
        return -1;
    int found = 0;
    gk_object *x;
    while (!found && (x = gk__iternext(it))) {
        found = gk__richcompare_bool(x, item, GK_EQ);
        gk__decref(x);
    }
    gk__decref(it);
    if (found == 0 && gk__err_occurred())
        return -1;
    return found;
}

/* ------------------------------------------------------------------ */
/* Iteration                                                            */

/* iter(o) */
gk_object *gk__iter(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    if (t->iter) {
        gk_object *it = t->iter(o);
        if (it && !GK_TYPE(it)->iternext) {
            gk__raise(&gk__exc_TypeError, "iter() returned non-iterator of type '%s'", GK_TYPE_NAME(it));
            gk__decref(it);
            return NULL;
        }
        return it;
    }
    if (t->getitem && !gk__is_dict(o))
        return gk__seq_iter_new(o);
    return gk__raise(&gk__exc_TypeError, "'%s' object is not iterable", gk__type_name(t));
}

/* next(it): new ref, or NULL (no exception at the end). */
gk_object *gk__iternext(gk_object *it)
{
    gk_unaryfunc f = GK_TYPE(it)->iternext;
    if (!f)
        return gk__raise(&gk__exc_TypeError, "'%s' object is not an iterator", GK_TYPE_NAME(it));
    gk_object *r = f(it);
    if (!r && gk__err_occurred() && gk__err_matches(&gk__exc_StopIteration))
        gk__err_clear();
    return r;
}

/* list(iterable) */
gk_object *gk__sequence_list(gk_object *iterable)
{
    gk_object *l = gk__list_new(0);
    if (l && gk__list_extend(l, iterable) < 0) {
        gk__decref(l);
        return NULL;
    }
    return l;
}

/* tuple(iterable), or the exact tuple itself. */
gk_object *gk__sequence_tuple(gk_object *iterable)
{
    if (GK_TYPE(iterable) == &gk__tuple_type)
        return gk__incref(iterable);
    gk_object *l = gk__sequence_list(iterable);
    if (!l)
        return NULL;
    gk_object *t = gk__list_as_tuple(l);
    gk__decref(l);
    return t;
}

/* ------------------------------------------------------------------ */
/* isinstance / issubclass                                              */

/* a is b or a subclass of it (via the MRO). */
bool gk__type_is_subtype(gk_type *a, gk_type *b)
{
    if (a == b)
        return true;
    gk_object *mro = a->mro;
    if (!mro) {
        for (gk_type *t = a->base; t; t = t->base)
            if (t == b)
                return true;
        return b == &gk__object_type;
    }
    size_t n = gk__tuple_size(mro);
    gk_object **items = gk__tuple_items(mro);
    for (size_t i = 0; i < n; i++)
        if (items[i] == (gk_object *)b)
            return true;
    return false;
}

static int call_check_hook(gk_object *cls, const char *hook, gk_object *arg)
{
    gk_object *r = gk__call_special(cls, hook, &arg, 1);
    if (!r)
        return -1;
    int v = gk__truthy(r);
    gk__decref(r);
    return v;
}

/* Whether cls's metaclass overrides hook (a heap metaclass defining it). */
static bool has_meta_hook(gk_object *cls, const char *hook)
{
    gk_type *meta = GK_TYPE(cls);
    return (meta->flags & GK_TPFLAG_HEAPTYPE) && meta != &gk__type_type &&
           gk__type_lookup_cstr(meta, hook) != gk__type_lookup_cstr(&gk__type_type, hook);
}

/* isinstance(o, cls): 1, 0, -1. */
int gk__isinstance(gk_object *o, gk_object *cls)
{
    if (GK_TYPE(o) == (gk_type *)cls)
        return 1;
    if (gk__is_tuple(cls)) {
        for (size_t i = 0; i < gk__tuple_size(cls); i++) {
            int r = gk__isinstance(o, GK_TUPLE_GET(cls, i));
            if (r)
                return r;
        }
        return 0;
    }
    if (!gk__is_type(cls)) {
        gk__raise(&gk__exc_TypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union");
        return -1;
    }
    if (has_meta_hook(cls, "__instancecheck__"))
        return call_check_hook(cls, "__instancecheck__", o);
    return gk__type_is_subtype(GK_TYPE(o), (gk_type *)cls);
}

/* issubclass(derived, cls): 1, 0, -1. */
int gk__issubclass(gk_object *derived, gk_object *cls)
{
    if (gk__is_tuple(cls)) {
        for (size_t i = 0; i < gk__tuple_size(cls); i++) {
            int r = gk__issubclass(derived, GK_TUPLE_GET(cls, i));
            if (r)
                return r;
        }
        return 0;
    }
    if (!gk__is_type(cls)) {
        gk__raise(&gk__exc_TypeError, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
        return -1;
    }
    if (has_meta_hook(cls, "__subclasscheck__"))
        return call_check_hook(cls, "__subclasscheck__", derived);
    if (!gk__is_type(derived)) {
        gk__raise(&gk__exc_TypeError, "issubclass() arg 1 must be a class");
        return -1;
    }
    return gk__type_is_subtype((gk_type *)derived, (gk_type *)cls);
}

gk_object *gk__iter_self(gk_object *o)
{
    return gk__incref(o);
}
