/*
 * vm/objects/iterobject.c - the lazy iterator types of the builtins:
 * enumerate, zip, map, filter, reversed, plus the sequence iterator (over
 * __getitem__) and the callable iterator (iter(callable, sentinel)).
 */
#include <stdlib.h>
#include "objects.h"


static bool no_kwargs(const char *name, gk_object *kwnames)
{
    if (kwnames && gk__tuple_size(kwnames)) {
        gk__raise(&gk__exc_TypeError, "%s() takes no keyword arguments", name);
        return false;
    }
    return true;
}

/* Generic GC helpers for iterator structs whose first n fields (after the
 * header) are object references. */
#define OBJ_FIELDS(o) ((gk_object **)((char *)(o) + sizeof(gk_object)))

static int visit_fields(gk_object *o, size_t n, gk_visitfunc visit, void *arg)
{
    gk_object **f = OBJ_FIELDS(o);
    for (size_t i = 0; i < n; i++)
        if (f[i]) {
            int r = visit(f[i], arg);
            if (r)
                return r;
        }
    return 0;
}

static void clear_fields(gk_object *o, size_t n)
{
    gk_object **f = OBJ_FIELDS(o);
    for (size_t i = 0; i < n; i++)
        GK_CLEAR(f[i]);
}

#define DEFINE_GC(prefix, nfields)                                                    \
    static void prefix##_dealloc(gk_object *o)                                        \
    {                                                                                 \
        clear_fields(o, nfields);                                                     \
        gk__gc_free(o);                                                               \
    }                                                                                 \
    static int prefix##_traverse(gk_object *o, gk_visitfunc visit, void *arg)         \
    {                                                                                 \
        return visit_fields(o, nfields, visit, arg);                                  \
    }                                                                                 \
    static int prefix##_clear(gk_object *o)                                           \
    {                                                                                 \
        clear_fields(o, nfields);                                                     \
        return 0;                                                                     \
    }

#define ITER_TYPE_FIELDS(prefix)                                                      \
    .ob = GK_STATIC_HEAD(&gk__type_type),                                             \
    .dealloc = prefix##_dealloc,                                                      \
    .getattr = gk__object_generic_getattr,                                            \
    .iter = gk__iter_self,                                                                \
    .iternext = prefix##_next,                                                        \
    .traverse = prefix##_traverse,                                                    \
    .clear = prefix##_clear

/* ---- enumerate ---- */

typedef struct {
    GK_HEAD;
    gk_object *it;
    gk_object *big;      /* the count as an int object once it leaves int64 (or NULL) */
    int64_t n;
} enum_obj;

DEFINE_GC(enum, 2)

static gk_object *enum_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kw)
{
    static const char *const names[] = {"iterable", "start"};
    gk_object *out[2];
    if (gk__parse_args("enumerate", args, nargs, kw, names, 1, 2, out) < 0)
        return NULL;
    gk_object *start = NULL;
    if (out[1] && !(start = gk__number_index(out[1])))
        return NULL;
    enum_obj *e = (enum_obj *)gk__gc_new(type, type->basicsize);
    if (!e)
        goto fail;
    e->it = gk__iter(out[0]);
    if (!e->it)
        goto fail;
    if (start && gk__int_is_small(start) && gk__int_small_value(start) < INT64_MAX)
        e->n = gk__int_small_value(start);
    else if (start)
        e->big = gk__incref(start);
    gk__xdecref(start);
    return (gk_object *)e;
fail:
    gk__xdecref((gk_object *)e);
    gk__xdecref(start);
    return NULL;
}

static gk_object *enum_next(gk_object *o)
{
    enum_obj *e = (enum_obj *)o;
    gk_object *item = gk__iternext(e->it);
    if (!item)
        return NULL;
    gk_object *idx;
    if (!e->big) {
        idx = gk__int_from_i64(e->n);
        if (e->n == INT64_MAX - 1) {
            gk_object *one = gk__int_from_i64(1);
            e->big = one ? gk__binop(idx, one, GK_BINOP_ADD) : NULL;
            gk__xdecref(one);
        } else {
            e->n++;
        }
    } else {
        idx = gk__incref(e->big);
        gk_object *one = gk__int_from_i64(1);
        gk_object *nx = one ? gk__binop(e->big, one, GK_BINOP_ADD) : NULL;
        gk__xdecref(one);
        if (nx)
            GK_SETREF(e->big, nx);
        else
            GK_CLEAR(idx);
    }
    if (!idx) {
        gk__decref(item);
        return NULL;
    }
    gk_object *r = gk__tuple_pack(2, idx, item);
    gk__decref(idx);
    gk__decref(item);
    return r;
}

gk_type gk__enumerate_type = {
    ITER_TYPE_FIELDS(enum),
    .name = "enumerate",
    .basicsize = sizeof(enum_obj),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .new_ = enum_new,
};

/* ---- zip ---- */

typedef struct {
    GK_HEAD;
    gk_object *its;      /* tuple of iterators */
    bool strict;
} zip_obj;

DEFINE_GC(zip, 1)

static gk_object *zip_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kw)
{
    bool strict = false;
    size_t nk = kw ? gk__tuple_size(kw) : 0;
    for (size_t i = 0; i < nk; i++) {
        gk_object *name = GK_TUPLE_GET(kw, i);
        if (!gk__str_eq_cstr(name, "strict"))
            return gk__raise(&gk__exc_TypeError, "zip() got an unexpected keyword argument '%S'", name);
        int t = gk__truthy(args[nargs + i]);
        if (t < 0)
            return NULL;
        strict = t;
    }
    gk_object *its = gk__tuple_new(nargs);
    if (!its)
        return NULL;
    for (size_t i = 0; i < nargs; i++) {
        gk_object *it = gk__iter(args[i]);
        if (!it) {
            for (size_t j = i; j < nargs; j++)
                GK_TUPLE_SET(its, j, gk__incref(GK_NONE));
            gk__decref(its);
            return NULL;
        }
        GK_TUPLE_SET(its, i, it);
    }
    zip_obj *z = (zip_obj *)gk__gc_new(type, type->basicsize);
    if (!z) {
        gk__decref(its);
        return NULL;
    }
    z->its = its;
    z->strict = strict;
    return (gk_object *)z;
}

static gk_object *zip_strict_fail(zip_obj *z, size_t i)
{
    if (gk__err_occurred())
        return NULL;
    const char *plural = i == 1 ? " " : "s 1-";
    if (i)
        return gk__raise(&gk__exc_ValueError, "zip() argument %zu is shorter than argument%s%zu",
                         i + 1, plural, i);
    size_t n = gk__tuple_size(z->its);
    for (i = 1; i < n; i++) {
        gk_object *item = gk__iternext(GK_TUPLE_GET(z->its, i));
        if (item) {
            gk__decref(item);
            plural = i == 1 ? " " : "s 1-";
            return gk__raise(&gk__exc_ValueError, "zip() argument %zu is longer than argument%s%zu",
                             i + 1, plural, i);
        }
        if (gk__err_occurred())
            return NULL;
    }
    return NULL;
}

static gk_object *zip_next(gk_object *o)
{
    zip_obj *z = (zip_obj *)o;
    if (!z->its)
        return NULL;
    size_t n = gk__tuple_size(z->its);
    if (n == 0)
        return NULL;
    gk_object *r = gk__tuple_new(n);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        gk_object *item = gk__iternext(GK_TUPLE_GET(z->its, i));
        if (!item) {
            for (size_t j = i; j < n; j++)
                GK_TUPLE_SET(r, j, gk__incref(GK_NONE));
            gk__decref(r);
            return z->strict ? zip_strict_fail(z, i) : NULL;
        }
        GK_TUPLE_SET(r, i, item);
    }
    return r;
}

gk_type gk__zip_type = {
    ITER_TYPE_FIELDS(zip),
    .name = "zip",
    .basicsize = sizeof(zip_obj),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .new_ = zip_new,
};

/* ---- map ---- */

typedef struct {
    GK_HEAD;
    gk_object *func;
    gk_object *its;      /* tuple of iterators */
} map_obj;

DEFINE_GC(map, 2)

static gk_object *map_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (type == &gk__map_type && !no_kwargs("map", kw))
        return NULL;
    if (nargs < 2)
        return gk__raise(&gk__exc_TypeError, "map() must have at least two arguments.");
    gk_object *its = gk__tuple_new(nargs - 1);
    if (!its)
        return NULL;
    for (size_t i = 1; i < nargs; i++) {
        gk_object *it = gk__iter(args[i]);
        if (!it) {
            for (size_t j = i; j < nargs; j++)
                GK_TUPLE_SET(its, j - 1, gk__incref(GK_NONE));
            gk__decref(its);
            return NULL;
        }
        GK_TUPLE_SET(its, i - 1, it);
    }
    map_obj *m = (map_obj *)gk__gc_new(type, type->basicsize);
    if (!m) {
        gk__decref(its);
        return NULL;
    }
    m->func = gk__incref(args[0]);
    m->its = its;
    return (gk_object *)m;
}

static gk_object *map_next(gk_object *o)
{
    map_obj *m = (map_obj *)o;
    size_t n = gk__tuple_size(m->its);
    gk_object *small[8], **argv = small;
    if (n > 8 && !(argv = malloc(n * sizeof(gk_object *))))
        return gk__raise_nomemory();
    gk_object *r = NULL;
    size_t got = 0;
    for (; got < n; got++) {
        argv[got] = gk__iternext(GK_TUPLE_GET(m->its, got));
        if (!argv[got])
            goto done;
    }
    r = gk__call(m->func, argv, n, NULL);
done:
    for (size_t i = 0; i < got; i++)
        gk__decref(argv[i]);
    if (argv != small)
        free(argv);
    return r;
}

gk_type gk__map_type = {
    ITER_TYPE_FIELDS(map),
    .name = "map",
    .basicsize = sizeof(map_obj),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .new_ = map_new,
};

/* ---- filter ---- */

typedef struct {
    GK_HEAD;
    gk_object *func;     /* None or bool: test truthiness */
    gk_object *it;
} filter_obj;

DEFINE_GC(filter, 2)

static gk_object *filter_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (type == &gk__filter_type && !no_kwargs("filter", kw))
        return NULL;
    if (nargs != 2)
        return gk__raise(&gk__exc_TypeError, "filter expected 2 arguments, got %zu", nargs);
    gk_object *it = gk__iter(args[1]);
    if (!it)
        return NULL;
    filter_obj *f = (filter_obj *)gk__gc_new(type, type->basicsize);
    if (!f) {
        gk__decref(it);
        return NULL;
    }
    f->func = gk__incref(args[0]);
    f->it = it;
    return (gk_object *)f;
}

static gk_object *filter_next(gk_object *o)
{
    filter_obj *f = (filter_obj *)o;
    bool plain = f->func == GK_NONE || f->func == (gk_object *)&gk__bool_type;
    for (;;) {
        gk_object *item = gk__iternext(f->it);
        if (!item)
            return NULL;
        int ok;
        if (plain) {
            ok = gk__truthy(item);
        } else {
            gk_object *r = gk__call1(f->func, item);
            ok = r ? gk__truthy(r) : -1;
            gk__xdecref(r);
        }
        if (ok > 0)
            return item;
        gk__decref(item);
        if (ok < 0)
            return NULL;
    }
}

gk_type gk__filter_type = {
    ITER_TYPE_FIELDS(filter),
    .name = "filter",
    .basicsize = sizeof(filter_obj),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .new_ = filter_new,
};

/* ---- reversed ---- */

typedef struct {
    GK_HEAD;
    gk_object *seq;      /* NULL once exhausted */
    intptr_t index;
} rev_obj;

DEFINE_GC(rev, 1)

static gk_object *rev_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (type == &gk__reversed_type && !no_kwargs("reversed", kw))
        return NULL;
    if (nargs != 1)
        return gk__raise(&gk__exc_TypeError, "reversed expected 1 argument, got %zu", nargs);
    gk_object *seq = args[0];
    gk_object *m = gk__type_lookup_cstr(GK_TYPE(seq), "__reversed__");
    if (m == GK_NONE)
        return gk__raise(&gk__exc_TypeError, "'%s' object is not reversible", GK_TYPE_NAME(seq));
    if (m)
        return gk__call_special(seq, "__reversed__", NULL, 0);
    if (!GK_TYPE(seq)->getitem || gk__is_dict(seq) ||
        (GK_TYPE(seq)->flags & GK_TPFLAG_HEAPTYPE && !gk__type_lookup_cstr(GK_TYPE(seq), "__getitem__")))
        return gk__raise(&gk__exc_TypeError, "'%s' object is not reversible", GK_TYPE_NAME(seq));
    intptr_t n = gk__len(seq);
    if (n < 0)
        return NULL;
    rev_obj *r = (rev_obj *)gk__gc_new(type, type->basicsize);
    if (!r)
        return NULL;
    r->seq = gk__incref(seq);
    r->index = n - 1;
    return (gk_object *)r;
}

static gk_object *rev_next(gk_object *o)
{
    rev_obj *r = (rev_obj *)o;
    if (!r->seq)
        return NULL;
    if (r->index >= 0) {
        gk_object *i = gk__int_from_i64(r->index);
        if (!i)
            return NULL;
        gk_object *item = gk__getitem(r->seq, i);
        gk__decref(i);
        if (item) {
            r->index--;
            return item;
        }
        if (!gk__err_matches(&gk__exc_IndexError) && !gk__err_matches(&gk__exc_StopIteration))
            return NULL;
        gk__err_clear();
    }
    r->index = -1;
    GK_CLEAR(r->seq);
    return NULL;
}

static gk_object *rev_length_hint(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    rev_obj *r = (rev_obj *)self;
    return gk__int_from_i64(r->seq ? r->index + 1 : 0);
}

static const gk__methoddef rev_methods[] = {
    {"__length_hint__", rev_length_hint, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__reversed_type = {
    ITER_TYPE_FIELDS(rev),
    .name = "reversed",
    .basicsize = sizeof(rev_obj),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .new_ = rev_new,
    .methods = rev_methods,
};

/* ---- the sequence iterator (iter() over __getitem__) ---- */

typedef struct {
    GK_HEAD;
    gk_object *seq;      /* NULL once exhausted */
    intptr_t index;
} seqiter_obj;

DEFINE_GC(seqiter, 1)

/* Returns an iterator calling seq[0], seq[1], ... until IndexError. */
gk_object *gk__seq_iter_new(gk_object *seq)
{
    seqiter_obj *s = (seqiter_obj *)gk__gc_new(&gk__seq_iter_type, sizeof(seqiter_obj));
    if (!s)
        return NULL;
    s->seq = gk__incref(seq);
    return (gk_object *)s;
}

static gk_object *seqiter_next(gk_object *o)
{
    seqiter_obj *s = (seqiter_obj *)o;
    if (!s->seq)
        return NULL;
    gk_object *i = gk__int_from_i64(s->index);
    if (!i)
        return NULL;
    gk_object *item = gk__getitem(s->seq, i);
    gk__decref(i);
    if (item) {
        s->index++;
        return item;
    }
    if (gk__err_matches(&gk__exc_IndexError) || gk__err_matches(&gk__exc_StopIteration)) {
        gk__err_clear();
        GK_CLEAR(s->seq);
    }
    return NULL;
}

gk_type gk__seq_iter_type = {
    ITER_TYPE_FIELDS(seqiter),
    .name = "iterator",
    .basicsize = sizeof(seqiter_obj),
    .flags = GK_TPFLAG_GC,
};

/* ---- the callable iterator: iter(callable, sentinel) ---- */

typedef struct {
    GK_HEAD;
    gk_object *func;     /* NULL once exhausted */
    gk_object *sentinel;
} calliter_obj;

DEFINE_GC(calliter, 2)

/* Returns an iterator calling callable() until it returns sentinel. */
gk_object *gk__callable_iter_new(gk_object *callable, gk_object *sentinel)
{
    calliter_obj *c = (calliter_obj *)gk__gc_new(&gk__callable_iter_type, sizeof(calliter_obj));
    if (!c)
        return NULL;
    c->func = gk__incref(callable);
    c->sentinel = gk__incref(sentinel);
    return (gk_object *)c;
}

static gk_object *calliter_next(gk_object *o)
{
    calliter_obj *c = (calliter_obj *)o;
    if (!c->func)
        return NULL;
    gk_object *r = gk__call0(c->func);
    if (!r) {
        if (gk__err_matches(&gk__exc_StopIteration)) {
            gk__err_clear();
            GK_CLEAR(c->func);
            GK_CLEAR(c->sentinel);
        }
        return NULL;
    }
    int eq = gk__richcompare_bool(r, c->sentinel, GK_EQ);
    if (eq == 0)
        return r;
    gk__decref(r);
    if (eq > 0) {
        GK_CLEAR(c->func);
        GK_CLEAR(c->sentinel);
    }
    return NULL;
}

gk_type gk__callable_iter_type = {
    ITER_TYPE_FIELDS(calliter),
    .name = "callable_iterator",
    .basicsize = sizeof(calliter_obj),
    .flags = GK_TPFLAG_GC,
};
