/*
 * vm/objects/range.c - range (int64 start/stop/step) and range_iterator.
 */
#include "objects.h"

typedef struct {
    GK_HEAD;
    int64_t start, stop, step;
    int64_t len;
} gk_range;

typedef struct {
    GK_HEAD;
    int64_t next, step, left;
} range_iter;

#define RG(o) ((gk_range *)(o))

/* Number of items, or -1 if it does not fit an int64. */
static int64_t compute_len(int64_t start, int64_t stop, int64_t step)
{
    uint64_t n;
    if (step > 0) {
        if (start >= stop)
            return 0;
        n = ((uint64_t)stop - (uint64_t)start - 1) / (uint64_t)step + 1;
    } else {
        if (start <= stop)
            return 0;
        n = ((uint64_t)start - (uint64_t)stop - 1) / (0 - (uint64_t)step) + 1;
    }
    return n > (uint64_t)INT64_MAX ? -1 : (int64_t)n;
}

static gk_object *range_make(int64_t start, int64_t stop, int64_t step)
{
    gk_range *r = (gk_range *)gk__obj_new(&gk__range_type, sizeof(gk_range));
    if (!r)
        return NULL;
    r->start = start;
    r->stop = stop;
    r->step = step;
    r->len = compute_len(start, stop, step);
    return (gk_object *)r;
}

/* Returns range(start, stop, step); step must not be 0. */
gk_object *gk__range_new(int64_t start, int64_t stop, int64_t step)
{
    if (step == 0)
        return gk__raise(&gk__exc_ValueError, "range() arg 3 must not be zero");
    return range_make(start, stop, step);
}

static int arg_i64(gk_object *o, int64_t *out)
{
    gk_object *v = gk__number_index(o);
    if (!v)
        return -1;
    int64_t x = gk__int_as_i64(v);
    gk__decref(v);
    if (x == -1 && gk__err_occurred())
        return -1;
    *out = x;
    return 0;
}

static gk_object *range_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (kw && gk__tuple_size(kw))
        return gk__raise(&gk__exc_TypeError, "range() takes no keyword arguments");
    if (nargs < 1)
        return gk__raise(&gk__exc_TypeError, "range expected at least 1 argument, got %zu", nargs);
    if (nargs > 3)
        return gk__raise(&gk__exc_TypeError, "range expected at most 3 arguments, got %zu", nargs);
    int64_t start = 0, stop, step = 1;
    if (nargs == 1) {
        if (arg_i64(args[0], &stop) < 0)
            return NULL;
    } else {
        if (arg_i64(args[0], &start) < 0 || arg_i64(args[1], &stop) < 0)
            return NULL;
        if (nargs == 3 && arg_i64(args[2], &step) < 0)
            return NULL;
    }
    return gk__range_new(start, stop, step);
}

static void range_dealloc(gk_object *o) { gk__obj_free(o); }

static gk_object *range_repr(gk_object *o)
{
    gk_range *r = RG(o);
    if (r->step == 1)
        return gk__str_from_format("range(%lld, %lld)", (long long)r->start, (long long)r->stop);
    return gk__str_from_format("range(%lld, %lld, %lld)", (long long)r->start, (long long)r->stop,
                               (long long)r->step);
}

static intptr_t range_len(gk_object *o)
{
    if (RG(o)->len < 0) {
        gk__raise(&gk__exc_OverflowError, "Python int too large to convert to C ssize_t");
        return -1;
    }
    return (intptr_t)RG(o)->len;
}

static int range_bool(gk_object *o) { return RG(o)->len != 0; }

static int64_t item_at(gk_range *r, int64_t i)
{
    return (int64_t)((uint64_t)r->start + (uint64_t)i * (uint64_t)r->step);
}

static gk_object *range_getitem(gk_object *o, gk_object *key)
{
    gk_range *r = RG(o);
    if (gk__is_slice(key)) {
        intptr_t a, b, st, n;
        if (gk__slice_indices(key, (intptr_t)r->len, &a, &b, &st, &n) < 0)
            return NULL;
        return range_make(item_at(r, a), item_at(r, b), r->step * st);
    }
    if (!gk__is_int(key) && !GK_TYPE(key)->nb_index)
        return gk__raise(&gk__exc_TypeError, "range indices must be integers or slices, not %s",
                         GK_TYPE_NAME(key));
    intptr_t i;
    if (gk__index_to_ssize(key, &i) < 0)
        return NULL;
    if (i < 0)
        i += (intptr_t)r->len;
    if (i < 0 || i >= (intptr_t)r->len)
        return gk__raise(&gk__exc_IndexError, "range object index out of range");
    return gk__int_from_i64(item_at(r, i));
}

/* Position of int value v in r, or -1. */
static int64_t int_position(gk_range *r, gk_object *v)
{
    if (!gk__int_is_small(v))
        return -1;
    int64_t x = gk__int_small_value(v);
    if (r->len <= 0)
        return -1;
    if (r->step > 0 ? (x < r->start || x >= r->stop) : (x > r->start || x <= r->stop))
        return -1;
    uint64_t d = r->step > 0 ? (uint64_t)x - (uint64_t)r->start : (uint64_t)r->start - (uint64_t)x;
    uint64_t s = r->step > 0 ? (uint64_t)r->step : 0 - (uint64_t)r->step;
    if (d % s)
        return -1;
    return (int64_t)(d / s);
}

static bool exact_int(gk_object *o)
{
    return GK_TYPE(o) == &gk__int_type || GK_TYPE(o) == &gk__bool_type;
}

static gk_object *range_iter_new(gk_object *o);

/* Linear search by equality for non-int values: index or -1 (-2 error). */
static int64_t generic_position(gk_object *o, gk_object *v, int64_t *count)
{
    gk_range *r = RG(o);
    int64_t found = -1;
    *count = 0;
    for (int64_t i = 0; i < r->len; i++) {
        gk_object *x = gk__int_from_i64(item_at(r, i));
        if (!x)
            return -2;
        int c = gk__richcompare_bool(x, v, GK_EQ);
        gk__decref(x);
        if (c < 0)
            return -2;
        if (c) {
            (*count)++;
            if (found < 0)
                found = i;
        }
    }
    return found;
}

static int range_contains(gk_object *o, gk_object *v)
{
    if (exact_int(v))
        return int_position(RG(o), v) >= 0;
    int64_t cnt;
    int64_t p = generic_position(o, v, &cnt);
    return p == -2 ? -1 : p >= 0;
}

static gk_object *m_count(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("range.count", nargs, kw, 1, 1) < 0)
        return NULL;
    if (exact_int(args[0]))
        return gk__int_from_i64(int_position(RG(self), args[0]) >= 0);
    int64_t cnt;
    if (generic_position(self, args[0], &cnt) == -2)
        return NULL;
    return gk__int_from_i64(cnt);
}

static gk_object *m_index(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("range.index", nargs, kw, 1, 1) < 0)
        return NULL;
    int64_t p, cnt;
    if (exact_int(args[0]))
        p = int_position(RG(self), args[0]);
    else if ((p = generic_position(self, args[0], &cnt)) == -2)
        return NULL;
    if (p < 0)
        return gk__raise(&gk__exc_ValueError, "%R is not in range", args[0]);
    return gk__int_from_i64(p);
}

static gk_object *range_richcompare(gk_object *a, gk_object *b, int op)
{
    if (GK_TYPE(a) != &gk__range_type || GK_TYPE(b) != &gk__range_type || (op != GK_EQ && op != GK_NE))
        return gk__incref(GK_NOTIMPLEMENTED);
    gk_range *x = RG(a), *y = RG(b);
    bool eq;
    if (x->len != y->len)
        eq = false;
    else if (x->len == 0)
        eq = true;
    else if (x->start != y->start)
        eq = false;
    else
        eq = x->len == 1 || x->step == y->step;
    return gk__bool(op == GK_EQ ? eq : !eq);
}

static int64_t range_hash(gk_object *o)
{
    gk_range *r = RG(o);
    gk_object *len = gk__int_from_i64(r->len), *t = NULL, *st = NULL, *sp = NULL;
    if (!len)
        return -1;
    if (r->len == 0)
        t = gk__tuple_pack(3, len, GK_NONE, GK_NONE);
    else if ((st = gk__int_from_i64(r->start)) != NULL) {
        if (r->len == 1)
            t = gk__tuple_pack(3, len, st, GK_NONE);
        else if ((sp = gk__int_from_i64(r->step)) != NULL)
            t = gk__tuple_pack(3, len, st, sp);
    }
    int64_t h = t ? gk__hash(t) : -1;
    gk__decref(len);
    gk__xdecref(st);
    gk__xdecref(sp);
    gk__xdecref(t);
    return h;
}

static gk_object *iter_make(int64_t next, int64_t step, int64_t left)
{
    range_iter *it = (range_iter *)gk__obj_new(&gk__range_iter_type, sizeof(range_iter));
    if (!it)
        return NULL;
    it->next = next;
    it->step = step;
    it->left = left < 0 ? 0 : left;
    return (gk_object *)it;
}

static gk_object *range_iter_new(gk_object *o)
{
    gk_range *r = RG(o);
    return iter_make(r->start, r->step, r->len);
}

static gk_object *m_reversed(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("range.__reversed__", nargs, kw, 0, 0) < 0)
        return NULL;
    gk_range *r = RG(self);
    if (r->len <= 0)
        return iter_make(0, 1, 0);
    return iter_make(item_at(r, r->len - 1), (int64_t)(0 - (uint64_t)r->step), r->len);
}

static gk_object *get_start(gk_object *o, void *c) { return gk__int_from_i64(RG(o)->start); }
static gk_object *get_stop(gk_object *o, void *c) { return gk__int_from_i64(RG(o)->stop); }
static gk_object *get_step(gk_object *o, void *c) { return gk__int_from_i64(RG(o)->step); }

static const gk__getsetdef range_getset[] = {
    {"start", get_start, NULL, NULL},
    {"stop", get_stop, NULL, NULL},
    {"step", get_step, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

static const gk__methoddef range_methods[] = {
    {"count", m_count, GK_METH_DEFAULT, NULL},
    {"index", m_index, GK_METH_DEFAULT, NULL},
    {"__reversed__", m_reversed, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__range_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "range",
    .basicsize = sizeof(gk_range),
    .dealloc = range_dealloc,
    .repr = range_repr,
    .hash = range_hash,
    .richcompare = range_richcompare,
    .getattr = gk__object_generic_getattr,
    .iter = range_iter_new,
    .new_ = range_new,
    .nb_bool = range_bool,
    .len = range_len,
    .getitem = range_getitem,
    .contains = range_contains,
    .methods = range_methods,
    .getset = range_getset,
};

/* ---- range_iterator ---- */

static void riter_dealloc(gk_object *o) { gk__obj_free(o); }

static gk_object *riter_next(gk_object *o)
{
    range_iter *it = (range_iter *)o;
    if (it->left <= 0)
        return NULL;
    int64_t v = it->next;
    it->left--;
    it->next = (int64_t)((uint64_t)v + (uint64_t)it->step);
    return gk__int_from_i64(v);
}

static gk_object *riter_length_hint(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    return gk__int_from_i64(((range_iter *)self)->left);
}

static const gk__methoddef riter_methods[] = {
    {"__length_hint__", riter_length_hint, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__range_iter_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "range_iterator",
    .basicsize = sizeof(range_iter),
    .dealloc = riter_dealloc,
    .getattr = gk__object_generic_getattr,
    .iter = gk__iter_self,
    .iternext = riter_next,
    .methods = riter_methods,
};
