/*
 * vm/objects/tuple.c - the tuple type and its iterator.
 *
 * A tuple keeps its items inline, right after the type's fixed part
 * (type->basicsize), so a heap subclass with an instance __dict__ still
 * works.  The empty exact tuple is a static singleton.  Hashing follows
 * CPython 3.11's xxHash-based scheme so hash values match python3.
 */
#include <string.h>
#include "objects.h"

typedef struct gk_tuple {
    GK_HEAD;
    size_t n;
    gk_object **items;   /* points just past the fixed part (or NULL when empty) */
} gk_tuple;

typedef struct {
    GK_HEAD;
    gk_object *seq;      /* the tuple, NULL once exhausted */
    size_t index;
} tuple_iter;

static gk_tuple empty_tuple_obj = { GK_STATIC_HEAD(&gk__tuple_type), 0, NULL };
gk_object *gk__empty_tuple = (gk_object *)&empty_tuple_obj;

#define TUP(o) ((gk_tuple *)(o))

static size_t round8(size_t x) { return (x + 7) & ~(size_t)7; }

static gk_object *tuple_alloc(gk_type *type, size_t n)
{
    if (n == 0 && type == &gk__tuple_type)
        return gk__incref(gk__empty_tuple);
    size_t base = round8(type->basicsize);
    if (n > (SIZE_MAX - base) / sizeof(gk_object *))
        return gk__raise_nomemory();
    gk_object *t = gk__gc_new(type, base + n * sizeof(gk_object *));
    if (!t)
        return NULL;
    TUP(t)->n = n;
    TUP(t)->items = n ? (gk_object **)((char *)t + base) : NULL;
    return t;
}

/* Returns a new tuple of n NULL items (fill with GK_TUPLE_SET). */
gk_object *gk__tuple_new(size_t n)
{
    return tuple_alloc(&gk__tuple_type, n);
}

/* Returns a tuple of the n borrowed arguments. */
gk_object *gk__tuple_pack(size_t n, ...)
{
    gk_object *t = gk__tuple_new(n);
    if (!t)
        return NULL;
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        TUP(t)->items[i] = gk__incref(va_arg(ap, gk_object *));
    va_end(ap);
    return t;
}

/* Returns a tuple copying n borrowed items. */
gk_object *gk__tuple_from_array(gk_object *const *items, size_t n)
{
    gk_object *t = gk__tuple_new(n);
    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++)
        TUP(t)->items[i] = gk__incref(items[i]);
    return t;
}

/* Number of items of tuple t. */
size_t gk__tuple_size(gk_object *t) { return TUP(t)->n; }
/* Borrowed item array of tuple t. */
gk_object **gk__tuple_items(gk_object *t) { return TUP(t)->items; }

static void tuple_dealloc(gk_object *o)
{
    gk_tuple *t = TUP(o);
    for (size_t i = 0; i < t->n; i++)
        gk__xdecref(t->items[i]);
    gk__gc_free(o);
}

static int tuple_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    gk_tuple *t = TUP(o);
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i]) {
            int r = visit(t->items[i], arg);
            if (r)
                return r;
        }
    return 0;
}

static int tuple_clear(gk_object *o)
{
    gk_tuple *t = TUP(o);
    for (size_t i = 0; i < t->n; i++)
        GK_CLEAR(t->items[i]);
    return 0;
}

static gk_object *tuple_repr(gk_object *o)
{
    gk_tuple *t = TUP(o);
    if (t->n == 0)
        return gk__str_from_cstr("()");
    int r = gk__repr_enter(o);
    if (r != 0)
        return r < 0 ? NULL : gk__str_from_cstr("(...)");
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (gk__strbuf_append(&b, "(", 1) < 0)
        goto fail;
    for (size_t i = 0; i < t->n; i++) {
        if (i && gk__strbuf_append(&b, ", ", 2) < 0)
            goto fail;
        gk_object *s = gk__repr(t->items[i]);
        if (!s)
            goto fail;
        int e = gk__strbuf_append_str(&b, s);
        gk__decref(s);
        if (e < 0)
            goto fail;
    }
    if (gk__strbuf_append(&b, t->n == 1 ? ",)" : ")", t->n == 1 ? 2 : 1) < 0)
        goto fail;
    gk__repr_leave(o);
    return gk__strbuf_finish(&b);
fail:
    gk__repr_leave(o);
    gk__strbuf_free(&b);
    return NULL;
}

#define XXPRIME_1 ((uint64_t)11400714785074694791ULL)
#define XXPRIME_2 ((uint64_t)14029467366897019727ULL)
#define XXPRIME_5 ((uint64_t)2870177450012600261ULL)
#define XXROTATE(x) (((x) << 31) | ((x) >> 33))

static int64_t tuple_hash(gk_object *o)
{
    gk_tuple *t = TUP(o);
    uint64_t acc = XXPRIME_5;
    for (size_t i = 0; i < t->n; i++) {
        int64_t h = gk__hash(t->items[i]);
        if (h == -1)
            return -1;
        acc += (uint64_t)h * XXPRIME_2;
        acc = XXROTATE(acc);
        acc *= XXPRIME_1;
    }
    acc += (uint64_t)t->n ^ (XXPRIME_5 ^ 3527539ULL);
    if (acc == (uint64_t)-1)
        return 1546275796;
    return (int64_t)acc;
}

static intptr_t tuple_len(gk_object *o) { return (intptr_t)TUP(o)->n; }

static int tuple_contains(gk_object *o, gk_object *item)
{
    gk_tuple *t = TUP(o);
    for (size_t i = 0; i < t->n; i++) {
        int r = gk__richcompare_bool(t->items[i], item, GK_EQ);
        if (r != 0)
            return r;
    }
    return 0;
}

static gk_object *tuple_slice(gk_tuple *t, gk_object *key)
{
    intptr_t start, stop, step, n;
    if (gk__slice_indices(key, (intptr_t)t->n, &start, &stop, &step, &n) < 0)
        return NULL;
    if (step == 1 && n == (intptr_t)t->n && GK_TYPE(t) == &gk__tuple_type)
        return gk__incref((gk_object *)t);
    gk_object *r = gk__tuple_new((size_t)n);
    if (!r)
        return NULL;
    for (intptr_t i = 0, j = start; i < n; i++, j += step)
        TUP(r)->items[i] = gk__incref(t->items[j]);
    return r;
}

static bool index_like(gk_object *o)
{
    return gk__is_int(o) || GK_TYPE(o)->nb_index != NULL;
}

static gk_object *tuple_getitem(gk_object *o, gk_object *key)
{
    gk_tuple *t = TUP(o);
    if (gk__is_slice(key))
        return tuple_slice(t, key);
    if (!index_like(key))
        return gk__raise(&gk__exc_TypeError, "tuple indices must be integers or slices, not %N", key);
    intptr_t i;
    if (gk__index_to_ssize(key, &i) < 0)
        return NULL;
    if (i < 0)
        i += (intptr_t)t->n;
    if (i < 0 || i >= (intptr_t)t->n)
        return gk__raise(&gk__exc_IndexError, "tuple index out of range");
    return gk__incref(t->items[i]);
}

static gk_object *tuple_richcompare(gk_object *a, gk_object *b, int op)
{
    if (!gk__is_tuple(a) || !gk__is_tuple(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    gk_tuple *x = TUP(a), *y = TUP(b);
    size_t i;
    for (i = 0; i < x->n && i < y->n; i++) {
        int r = gk__richcompare_bool(x->items[i], y->items[i], GK_EQ);
        if (r < 0)
            return NULL;
        if (!r)
            break;
    }
    if (i >= x->n || i >= y->n) {
        size_t p = x->n, q = y->n;
        bool res = false;
        switch (op) {
        case GK_LT: res = p < q; break;
        case GK_LE: res = p <= q; break;
        case GK_EQ: res = p == q; break;
        case GK_NE: res = p != q; break;
        case GK_GT: res = p > q; break;
        case GK_GE: res = p >= q; break;
        }
        return gk__bool(res);
    }
    if (op == GK_EQ)
        return gk__bool(false);
    if (op == GK_NE)
        return gk__bool(true);
    return gk__richcompare(x->items[i], y->items[i], op);
}

static gk_object *tuple_concat(gk_object *a, gk_object *b)
{
    if (!gk__is_tuple(a))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (!gk__is_tuple(b)) {
        if ((GK_TYPE(b)->flags & GK_TPFLAG_HEAPTYPE) && GK_TYPE(b)->nb[GK_BINOP_ADD])
            return gk__incref(GK_NOTIMPLEMENTED);
        return gk__raise(&gk__exc_TypeError, "can only concatenate tuple (not \"%s\") to tuple",
                         GK_TYPE_NAME(b));
    }
    gk_tuple *x = TUP(a), *y = TUP(b);
    if (y->n == 0 && GK_TYPE(a) == &gk__tuple_type)
        return gk__incref(a);
    if (x->n == 0 && GK_TYPE(b) == &gk__tuple_type)
        return gk__incref(b);
    gk_object *r = gk__tuple_new(x->n + y->n);
    if (!r)
        return NULL;
    for (size_t i = 0; i < x->n; i++)
        TUP(r)->items[i] = gk__incref(x->items[i]);
    for (size_t i = 0; i < y->n; i++)
        TUP(r)->items[x->n + i] = gk__incref(y->items[i]);
    return r;
}

/* Shared by list.c and tuple.c: converts the count operand of seq * n.
 * Returns 1 and sets *n, 0 for NotImplemented, -1 on error. */
static int repeat_count(gk_object *other, intptr_t *n)
{
    if (!index_like(other)) {
        gk_type *t = GK_TYPE(other);
        if ((t->flags & GK_TPFLAG_HEAPTYPE) && t->nb[GK_BINOP_MUL])
            return 0;
        gk__raise(&gk__exc_TypeError, "can't multiply sequence by non-int of type '%s'",
                  GK_TYPE_NAME(other));
        return -1;
    }
    if (gk__index_to_ssize(other, n) < 0) {
        if (gk__err_matches(&gk__exc_IndexError)) {
            gk__err_clear();
            gk__raise(&gk__exc_OverflowError, "cannot fit '%s' into an index-sized integer",
                      GK_TYPE_NAME(other));
        }
        return -1;
    }
    if (*n < 0)
        *n = 0;
    return 1;
}

static gk_object *tuple_repeat(gk_object *a, gk_object *b)
{
    gk_object *seq = a, *cnt = b;
    if (!gk__is_tuple(a)) {
        seq = b;
        cnt = a;
    }
    intptr_t n;
    int r = repeat_count(cnt, &n);
    if (r <= 0)
        return r < 0 ? NULL : gk__incref(GK_NOTIMPLEMENTED);
    gk_tuple *t = TUP(seq);
    if (n == 1 && GK_TYPE(seq) == &gk__tuple_type)
        return gk__incref(seq);
    if (t->n == 0 || n == 0)
        return gk__tuple_new(0);
    if ((size_t)n > SIZE_MAX / sizeof(gk_object *) / t->n)
        return gk__raise_nomemory();
    gk_object *res = gk__tuple_new(t->n * (size_t)n);
    if (!res)
        return NULL;
    size_t k = 0;
    for (intptr_t j = 0; j < n; j++)
        for (size_t i = 0; i < t->n; i++)
            TUP(res)->items[k++] = gk__incref(t->items[i]);
    return res;
}

static gk_object *tuple_iter_new(gk_object *o)
{
    tuple_iter *it = (tuple_iter *)gk__gc_new(&gk__tuple_iter_type, sizeof(tuple_iter));
    if (!it)
        return NULL;
    it->seq = gk__incref(o);
    it->index = 0;
    return (gk_object *)it;
}

static gk_object *tuple_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (kwnames && gk__tuple_size(kwnames) && type == &gk__tuple_type)
        return gk__raise(&gk__exc_TypeError, "tuple() takes no keyword arguments");
    if (nargs > 1)
        return gk__raise(&gk__exc_TypeError, "tuple expected at most 1 argument, got %zu", nargs);
    gk_object *base = nargs ? gk__sequence_tuple(args[0]) : gk__tuple_new(0);
    if (!base || type == &gk__tuple_type)
        return base;
    size_t n = TUP(base)->n;
    gk_object *r = tuple_alloc(type, n);
    if (r)
        for (size_t i = 0; i < n; i++)
            TUP(r)->items[i] = gk__incref(TUP(base)->items[i]);
    gk__decref(base);
    return r;
}

static gk_object *tuple_count(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("tuple.count", nargs, kw, 1, 1) < 0)
        return NULL;
    gk_tuple *t = TUP(self);
    int64_t c = 0;
    for (size_t i = 0; i < t->n; i++) {
        int r = gk__richcompare_bool(t->items[i], args[0], GK_EQ);
        if (r < 0)
            return NULL;
        c += r;
    }
    return gk__int_from_i64(c);
}

/* Clamps an optional start/stop argument of index() like CPython. */
static int clamp_arg(gk_object *o, intptr_t len, intptr_t *out)
{
    if (!o || o == GK_NONE)
        return 0;
    if (!index_like(o)) {
        gk__raise(&gk__exc_TypeError,
                  "slice indices must be integers or have an __index__ method");
        return -1;
    }
    intptr_t v;
    if (gk__index_to_ssize(o, &v) < 0) {
        if (!gk__err_matches(&gk__exc_IndexError))
            return -1;
        gk__err_clear();
        v = gk__int_sign(o) < 0 ? INTPTR_MIN / 2 : INTPTR_MAX / 2;
    }
    if (v < 0) {
        v += len;
        if (v < 0)
            v = 0;
    }
    *out = v;
    return 0;
}

static gk_object *tuple_index(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("index", nargs, kw, 1, 3) < 0)
        return NULL;
    gk_tuple *t = TUP(self);
    intptr_t start = 0, stop = (intptr_t)t->n;
    if (clamp_arg(nargs > 1 ? args[1] : NULL, (intptr_t)t->n, &start) < 0 ||
        clamp_arg(nargs > 2 ? args[2] : NULL, (intptr_t)t->n, &stop) < 0)
        return NULL;
    for (intptr_t i = start; i < stop && i < (intptr_t)t->n; i++) {
        int r = gk__richcompare_bool(t->items[i], args[0], GK_EQ);
        if (r < 0)
            return NULL;
        if (r)
            return gk__int_from_i64(i);
    }
    return gk__raise(&gk__exc_ValueError, "tuple.index(x): x not in tuple");
}

static gk_object *tuple_getnewargs(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    gk_object *copy = gk__tuple_from_array(TUP(self)->items, TUP(self)->n);
    if (!copy)
        return NULL;
    gk_object *r = gk__tuple_pack(1, copy);
    gk__decref(copy);
    return r;
}

static const gk__methoddef tuple_methods[] = {
    {"count", tuple_count, GK_METH_DEFAULT, "Return number of occurrences of value."},
    {"index", tuple_index, GK_METH_DEFAULT, "Return first index of value."},
    {"__getnewargs__", tuple_getnewargs, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__tuple_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "tuple",
    .basicsize = sizeof(gk_tuple),
    .itemsize = sizeof(gk_object *),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE | GK_TPFLAG_TUPLE_SUBCLASS,
    .dealloc = tuple_dealloc,
    .repr = tuple_repr,
    .hash = tuple_hash,
    .richcompare = tuple_richcompare,
    .getattr = gk__object_generic_getattr,
    .iter = tuple_iter_new,
    .new_ = tuple_new,
    .nb = { [GK_BINOP_ADD] = tuple_concat, [GK_BINOP_MUL] = tuple_repeat },
    .len = tuple_len,
    .getitem = tuple_getitem,
    .contains = tuple_contains,
    .traverse = tuple_traverse,
    .clear = tuple_clear,
    .methods = tuple_methods,
    .doc = "Built-in immutable sequence.",
};

/* ---- tuple_iterator ---- */

static void titer_dealloc(gk_object *o)
{
    GK_CLEAR(((tuple_iter *)o)->seq);
    gk__gc_free(o);
}

static int titer_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    tuple_iter *it = (tuple_iter *)o;
    return it->seq ? visit(it->seq, arg) : 0;
}

static int titer_clear(gk_object *o)
{
    GK_CLEAR(((tuple_iter *)o)->seq);
    return 0;
}


static gk_object *titer_next(gk_object *o)
{
    tuple_iter *it = (tuple_iter *)o;
    if (!it->seq)
        return NULL;
    gk_tuple *t = TUP(it->seq);
    if (it->index < t->n)
        return gk__incref(t->items[it->index++]);
    GK_CLEAR(it->seq);
    return NULL;
}

static gk_object *titer_length_hint(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    tuple_iter *it = (tuple_iter *)self;
    size_t n = it->seq ? TUP(it->seq)->n - it->index : 0;
    return gk__int_from_i64((int64_t)n);
}

static const gk__methoddef titer_methods[] = {
    {"__length_hint__", titer_length_hint, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__tuple_iter_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "tuple_iterator",
    .basicsize = sizeof(tuple_iter),
    .flags = GK_TPFLAG_GC,
    .dealloc = titer_dealloc,
    .getattr = gk__object_generic_getattr,
    .iter = gk__iter_self,
    .iternext = titer_next,
    .traverse = titer_traverse,
    .clear = titer_clear,
    .methods = titer_methods,
};
