/*
 * vm/objects/slice.c - the slice type and the resolution of a slice
 * against a sequence length (CPython's clamping rules).
 */
#include "objects.h"

typedef struct {
    GK_HEAD;
    gk_object *start, *stop, *step;   /* never NULL: None when omitted */
} gk_slice;

#define SL(o) ((gk_slice *)(o))

static gk_object *slice_alloc(gk_object *start, gk_object *stop, gk_object *step)
{
    gk_slice *s = (gk_slice *)gk__gc_new(&gk__slice_type, sizeof(gk_slice));
    if (!s)
        return NULL;
    s->start = gk__incref(start ? start : GK_NONE);
    s->stop = gk__incref(stop ? stop : GK_NONE);
    s->step = gk__incref(step ? step : GK_NONE);
    return (gk_object *)s;
}

/* Returns slice(start, stop, step); NULL arguments mean None. */
gk_object *gk__slice_new(gk_object *start, gk_object *stop, gk_object *step)
{
    return slice_alloc(start, stop, step);
}

/* Converts a slice bound to a C integer, clamping huge values. 0 / -1. */
static int slice_index(gk_object *o, intptr_t *out)
{
    if (!gk__is_int(o) && !GK_TYPE(o)->nb_index) {
        gk__raise(&gk__exc_TypeError,
                  "slice indices must be integers or None or have an __index__ method");
        return -1;
    }
    if (gk__index_to_ssize(o, out) == 0)
        return 0;
    if (!gk__err_matches(&gk__exc_IndexError) && !gk__err_matches(&gk__exc_OverflowError))
        return -1;
    gk__err_clear();
    gk_object *v = gk__number_index(o);
    if (!v)
        return -1;
    *out = gk__int_sign(v) < 0 ? INTPTR_MIN : INTPTR_MAX;
    gk__decref(v);
    return 0;
}

/* Resolves slice against length (CPython semantics); 0 / -1. */
int gk__slice_indices(gk_object *slice, intptr_t length, intptr_t *start, intptr_t *stop,
                      intptr_t *step, intptr_t *slicelen)
{
    gk_slice *s = SL(slice);
    intptr_t st = 1, a, b;
    if (s->step != GK_NONE) {
        if (slice_index(s->step, &st) < 0)
            return -1;
        if (st == 0) {
            gk__raise(&gk__exc_ValueError, "slice step cannot be zero");
            return -1;
        }
        if (st < -INTPTR_MAX)
            st = -INTPTR_MAX;
    }
    if (s->start == GK_NONE)
        a = st < 0 ? INTPTR_MAX : 0;
    else if (slice_index(s->start, &a) < 0)
        return -1;
    if (s->stop == GK_NONE)
        b = st < 0 ? INTPTR_MIN : INTPTR_MAX;
    else if (slice_index(s->stop, &b) < 0)
        return -1;
    if (a < 0) {
        a += length;
        if (a < 0)
            a = st < 0 ? -1 : 0;
    } else if (a >= length) {
        a = st < 0 ? length - 1 : length;
    }
    if (b < 0) {
        b += length;
        if (b < 0)
            b = st < 0 ? -1 : 0;
    } else if (b >= length) {
        b = st < 0 ? length - 1 : length;
    }
    intptr_t n = 0;
    if (st < 0) {
        if (b < a)
            n = (a - b - 1) / (-st) + 1;
    } else if (a < b) {
        n = (b - a - 1) / st + 1;
    }
    *start = a;
    *stop = b;
    *step = st;
    *slicelen = n;
    return 0;
}

static void slice_dealloc(gk_object *o)
{
    GK_CLEAR(SL(o)->start);
    GK_CLEAR(SL(o)->stop);
    GK_CLEAR(SL(o)->step);
    gk__gc_free(o);
}

static int slice_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    gk_slice *s = SL(o);
    int r = 0;
    if (s->start && (r = visit(s->start, arg)))
        return r;
    if (s->stop && (r = visit(s->stop, arg)))
        return r;
    if (s->step && (r = visit(s->step, arg)))
        return r;
    return 0;
}

static int slice_clear(gk_object *o)
{
    GK_SETREF(SL(o)->start, gk__incref(GK_NONE));
    GK_SETREF(SL(o)->stop, gk__incref(GK_NONE));
    GK_SETREF(SL(o)->step, gk__incref(GK_NONE));
    return 0;
}

static gk_object *slice_repr(gk_object *o)
{
    return gk__str_from_format("slice(%R, %R, %R)", SL(o)->start, SL(o)->stop, SL(o)->step);
}

static gk_object *slice_richcompare(gk_object *a, gk_object *b, int op)
{
    if (!gk__is_slice(a) || !gk__is_slice(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    gk_object *x = gk__tuple_pack(3, SL(a)->start, SL(a)->stop, SL(a)->step);
    gk_object *y = x ? gk__tuple_pack(3, SL(b)->start, SL(b)->stop, SL(b)->step) : NULL;
    gk_object *r = y ? gk__richcompare(x, y, op) : NULL;
    gk__xdecref(x);
    gk__xdecref(y);
    return r;
}

static gk_object *slice_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (kw && gk__tuple_size(kw))
        return gk__raise(&gk__exc_TypeError, "slice() takes no keyword arguments");
    if (nargs < 1)
        return gk__raise(&gk__exc_TypeError, "slice expected at least 1 argument, got %zu", nargs);
    if (nargs > 3)
        return gk__raise(&gk__exc_TypeError, "slice expected at most 3 arguments, got %zu", nargs);
    if (nargs == 1)
        return slice_alloc(NULL, args[0], NULL);
    return slice_alloc(args[0], args[1], nargs > 2 ? args[2] : NULL);
}

static gk_object *slice_indices_m(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("slice.indices", nargs, kw, 1, 1) < 0)
        return NULL;
    intptr_t len;
    if (gk__index_to_ssize(args[0], &len) < 0)
        return NULL;
    if (len < 0)
        return gk__raise(&gk__exc_ValueError, "length should not be negative");
    intptr_t a, b, st, n;
    if (gk__slice_indices(self, len, &a, &b, &st, &n) < 0)
        return NULL;
    gk_object *x = gk__int_from_i64(a), *y = gk__int_from_i64(b), *z = gk__int_from_i64(st);
    gk_object *r = x && y && z ? gk__tuple_pack(3, x, y, z) : NULL;
    gk__xdecref(x);
    gk__xdecref(y);
    gk__xdecref(z);
    return r;
}

static gk_object *get_start(gk_object *o, void *c) { return gk__incref(SL(o)->start); }
static gk_object *get_stop(gk_object *o, void *c) { return gk__incref(SL(o)->stop); }
static gk_object *get_step(gk_object *o, void *c) { return gk__incref(SL(o)->step); }

static const gk__getsetdef slice_getset[] = {
    {"start", get_start, NULL, NULL},
    {"stop", get_stop, NULL, NULL},
    {"step", get_step, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

static const gk__methoddef slice_methods[] = {
    {"indices", slice_indices_m, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__slice_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "slice",
    .basicsize = sizeof(gk_slice),
    .flags = GK_TPFLAG_GC,
    .dealloc = slice_dealloc,
    .repr = slice_repr,
    .hash = NULL,
    .richcompare = slice_richcompare,
    .getattr = gk__object_generic_getattr,
    .new_ = slice_new,
    .traverse = slice_traverse,
    .clear = slice_clear,
    .methods = slice_methods,
    .getset = slice_getset,
};
