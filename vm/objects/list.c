/*
 * vm/objects/list.c - the list type, its forward and reverse iterators,
 * the stable merge sort behind list.sort()/sorted(), and the per-thread
 * recursion guard that container reprs share (gk__repr_enter/leave).
 */
#include <stdlib.h>
#include <string.h>
#include "objects.h"

typedef struct gk_list {
    GK_HEAD;
    size_t n, cap;
    gk_object **items;
} gk_list;

typedef struct {
    GK_HEAD;
    gk_object *seq;      /* NULL once exhausted */
    intptr_t index;
} list_iter;

#define LST(o) ((gk_list *)(o))

/* ---- recursion guard for reprs ---- */

static _Thread_local gk_object **repr_stack;
static _Thread_local size_t repr_n, repr_cap;

/* Enters o's repr; 1 if already in progress, 0 entered, -1 error. */
int gk__repr_enter(gk_object *o)
{
    for (size_t i = 0; i < repr_n; i++)
        if (repr_stack[i] == o)
            return 1;
    if (repr_n == repr_cap) {
        size_t nc = repr_cap ? repr_cap * 2 : 16;
        gk_object **ns = realloc(repr_stack, nc * sizeof(*ns));
        if (!ns) {
            gk__raise_nomemory();
            return -1;
        }
        repr_stack = ns;
        repr_cap = nc;
    }
    repr_stack[repr_n++] = o;
    return 0;
}

/* Leaves o's repr (pairs with a 0 from gk__repr_enter). */
void gk__repr_leave(gk_object *o)
{
    for (size_t i = repr_n; i > 0; i--)
        if (repr_stack[i - 1] == o) {
            memmove(repr_stack + i - 1, repr_stack + i, (repr_n - i) * sizeof(*repr_stack));
            repr_n--;
            return;
        }
}

/* ---- storage ---- */

static int list_reserve(gk_list *l, size_t need)
{
    if (need <= l->cap)
        return 0;
    size_t nc = l->cap + (l->cap >> 3) + (l->cap < 9 ? 3 : 6);
    if (nc < need)
        nc = need;
    if (nc > SIZE_MAX / sizeof(gk_object *)) {
        gk__raise_nomemory();
        return -1;
    }
    gk_object **ni = realloc(l->items, nc * sizeof(gk_object *));
    if (!ni) {
        gk__raise_nomemory();
        return -1;
    }
    l->items = ni;
    l->cap = nc;
    return 0;
}

static gk_object *list_alloc(gk_type *type, size_t n)
{
    gk_list *l = (gk_list *)gk__gc_new(type, type->basicsize);
    if (!l)
        return NULL;
    if (n) {
        l->items = calloc(n, sizeof(gk_object *));
        if (!l->items) {
            gk__decref((gk_object *)l);
            return gk__raise_nomemory();
        }
        l->cap = n;
    }
    l->n = n;
    return (gk_object *)l;
}

/* Returns a new list of n NULL items (fill with GK_LIST_SET). */
gk_object *gk__list_new(size_t n) { return list_alloc(&gk__list_type, n); }
/* Number of items in list l. */
size_t gk__list_size(gk_object *l) { return LST(l)->n; }
/* Borrowed item array; invalidated by any resize. */
gk_object **gk__list_items(gk_object *l) { return LST(l)->items; }

/* Appends v (not stolen); 0 / -1. */
int gk__list_append(gk_object *o, gk_object *v)
{
    gk_list *l = LST(o);
    if (list_reserve(l, l->n + 1) < 0)
        return -1;
    l->items[l->n++] = gk__incref(v);
    return 0;
}

/* Inserts v before index i (clamped like list.insert); 0 / -1. */
int gk__list_insert(gk_object *o, intptr_t i, gk_object *v)
{
    gk_list *l = LST(o);
    intptr_t n = (intptr_t)l->n;
    if (i < 0) {
        i += n;
        if (i < 0)
            i = 0;
    }
    if (i > n)
        i = n;
    if (list_reserve(l, l->n + 1) < 0)
        return -1;
    memmove(l->items + i + 1, l->items + i, (size_t)(n - i) * sizeof(gk_object *));
    l->items[i] = gk__incref(v);
    l->n++;
    return 0;
}

/* Extends o with the items of any iterable; 0 / -1. */
int gk__list_extend(gk_object *o, gk_object *iterable)
{
    gk_list *l = LST(o);
    if (gk__is_list(iterable) || gk__is_tuple(iterable)) {
        size_t m = gk__is_list(iterable) ? LST(iterable)->n : gk__tuple_size(iterable);
        if (list_reserve(l, l->n + m) < 0)
            return -1;
        gk_object **src = gk__is_list(iterable) ? LST(iterable)->items : gk__tuple_items(iterable);
        for (size_t i = 0; i < m; i++)
            l->items[l->n + i] = gk__incref(src[i]);
        l->n += m;
        return 0;
    }
    gk_object *it = gk__iter(iterable);
    if (!it)
        return -1;
    gk_object *v;
    while ((v = gk__iternext(it)) != NULL) {
        int r = gk__list_append(o, v);
        gk__decref(v);
        if (r < 0) {
            gk__decref(it);
            return -1;
        }
    }
    gk__decref(it);
    return gk__err_occurred() ? -1 : 0;
}

/* Removes and returns item i (negative counts from the end). */
gk_object *gk__list_pop(gk_object *o, intptr_t i)
{
    gk_list *l = LST(o);
    if (l->n == 0)
        return gk__raise(&gk__exc_IndexError, "pop from empty list");
    if (i < 0)
        i += (intptr_t)l->n;
    if (i < 0 || i >= (intptr_t)l->n)
        return gk__raise(&gk__exc_IndexError, "pop index out of range");
    gk_object *v = l->items[i];
    memmove(l->items + i, l->items + i + 1, (l->n - (size_t)i - 1) * sizeof(gk_object *));
    l->n--;
    return v;
}

/* Returns a tuple with the items of list l. */
gk_object *gk__list_as_tuple(gk_object *l)
{
    return gk__tuple_from_array(LST(l)->items, LST(l)->n);
}

/* Replaces items [lo, hi) with the m items of src (borrowed); 0 / -1. */
static int list_replace(gk_list *l, size_t lo, size_t hi, gk_object *const *src, size_t m)
{
    size_t d = hi - lo;
    gk_object **old = NULL;
    if (d) {
        old = malloc(d * sizeof(gk_object *));
        if (!old) {
            gk__raise_nomemory();
            return -1;
        }
        memcpy(old, l->items + lo, d * sizeof(gk_object *));
    }
    if (m > d && list_reserve(l, l->n + m - d) < 0) {
        free(old);
        return -1;
    }
    memmove(l->items + lo + m, l->items + hi, (l->n - hi) * sizeof(gk_object *));
    for (size_t i = 0; i < m; i++)
        l->items[lo + i] = gk__incref(src[i]);
    l->n = l->n + m - d;
    for (size_t i = 0; i < d; i++)
        gk__decref(old[i]);
    free(old);
    return 0;
}

/* ---- sorting: stable merge sort with binary insertion for short runs ---- */

typedef struct {
    gk_object *k, *v;
} sortpair;

static int sort_lt(gk_object *a, gk_object *b)
{
    if (GK_TYPE(a) == &gk__int_type && GK_TYPE(b) == &gk__int_type && gk__int_is_small(a) &&
        gk__int_is_small(b))
        return gk__int_small_value(a) < gk__int_small_value(b);
    return gk__richcompare_bool(a, b, GK_LT);
}

static int insertion_sort(sortpair *p, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        sortpair x = p[i];
        size_t lo = 0, hi = i;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int r = sort_lt(x.k, p[mid].k);
            if (r < 0)
                return -1;
            if (r)
                hi = mid;
            else
                lo = mid + 1;
        }
        memmove(p + lo + 1, p + lo, (i - lo) * sizeof(sortpair));
        p[lo] = x;
    }
    return 0;
}

static int merge_sort(sortpair *p, sortpair *tmp, size_t n)
{
    if (n <= 24)
        return insertion_sort(p, n);
    size_t h = n / 2;
    if (merge_sort(p, tmp, h) < 0 || merge_sort(p + h, tmp, n - h) < 0)
        return -1;
    int r = sort_lt(p[h].k, p[h - 1].k);
    if (r <= 0)
        return r;  /* already in order, or error */
    memcpy(tmp, p, h * sizeof(sortpair));
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        r = sort_lt(p[j].k, tmp[i].k);
        if (r < 0) {
            /* restore a permutation of the items before failing */
            while (i < h)
                p[k++] = tmp[i++];
            return -1;
        }
        p[k++] = r ? p[j++] : tmp[i++];
    }
    while (i < h)
        p[k++] = tmp[i++];
    return 0;
}

static void reverse_items(gk_object **a, size_t n)
{
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        gk_object *t = a[i];
        a[i] = a[j - 1];
        a[j - 1] = t;
    }
}

/* Sorts pairs and writes values back into items; 0 / -1 (items permuted). */
static int sort_items(gk_object **items, size_t n, gk_object *key)
{
    sortpair *p = malloc((n ? n : 1) * sizeof(sortpair));
    sortpair *tmp = malloc((n / 2 + 1) * sizeof(sortpair));
    int rc = -1;
    size_t nk = 0;
    if (!p || !tmp) {
        gk__raise_nomemory();
        goto done;
    }
    for (; nk < n; nk++) {
        p[nk].v = items[nk];
        p[nk].k = key ? gk__call1(key, items[nk]) : items[nk];
        if (!p[nk].k)
            goto done;
    }
    rc = merge_sort(p, tmp, n);
    for (size_t i = 0; i < n; i++)
        items[i] = p[i].v;
done:
    if (key && p)
        for (size_t i = 0; i < nk; i++)
            gk__decref(p[i].k);
    free(p);
    free(tmp);
    return rc;
}

/* Stable sort in place; key may be NULL (or None).  0 / -1. */
int gk__list_sort(gk_object *o, gk_object *key, bool reverse)
{
    gk_list *l = LST(o);
    if (key == GK_NONE)
        key = NULL;
    gk_object **items = l->items;
    size_t n = l->n, cap = l->cap;
    l->items = NULL;
    l->n = l->cap = 0;
    if (reverse)
        reverse_items(items, n);
    int rc = sort_items(items, n, key);
    if (reverse)
        reverse_items(items, n);
    bool modified = l->items != NULL || l->n != 0;
    gk_object **junk = l->items;
    size_t njunk = l->n;
    l->items = items;
    l->n = n;
    l->cap = cap;
    if (junk) {
        for (size_t i = 0; i < njunk; i++)
            gk__decref(junk[i]);
        free(junk);
    }
    if (modified && rc == 0) {
        gk__raise(&gk__exc_ValueError, "list modified during sort");
        return -1;
    }
    return rc;
}

/* ---- slots ---- */

static void list_dealloc(gk_object *o)
{
    gk_list *l = LST(o);
    gk_object **items = l->items;
    size_t n = l->n;
    l->items = NULL;
    l->n = l->cap = 0;
    for (size_t i = 0; i < n; i++)
        gk__xdecref(items[i]);
    free(items);
    gk__gc_free(o);
}

static int list_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    gk_list *l = LST(o);
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i]) {
            int r = visit(l->items[i], arg);
            if (r)
                return r;
        }
    return 0;
}

static int list_clear_slot(gk_object *o)
{
    gk_list *l = LST(o);
    gk_object **items = l->items;
    size_t n = l->n;
    l->items = NULL;
    l->n = l->cap = 0;
    for (size_t i = 0; i < n; i++)
        gk__xdecref(items[i]);
    free(items);
    return 0;
}

static gk_object *list_repr(gk_object *o)
{
    gk_list *l = LST(o);
    if (l->n == 0)
        return gk__str_from_cstr("[]");
    int r = gk__repr_enter(o);
    if (r != 0)
        return r < 0 ? NULL : gk__str_from_cstr("[...]");
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (gk__strbuf_append(&b, "[", 1) < 0)
        goto fail;
    for (size_t i = 0; i < l->n; i++) {
        if (i && gk__strbuf_append(&b, ", ", 2) < 0)
            goto fail;
        gk_object *item = gk__incref(l->items[i]);
        gk_object *s = gk__repr(item);
        gk__decref(item);
        if (!s)
            goto fail;
        int e = gk__strbuf_append_str(&b, s);
        gk__decref(s);
        if (e < 0)
            goto fail;
    }
    if (gk__strbuf_append(&b, "]", 1) < 0)
        goto fail;
    gk__repr_leave(o);
    return gk__strbuf_finish(&b);
fail:
    gk__repr_leave(o);
    gk__strbuf_free(&b);
    return NULL;
}

static intptr_t list_len(gk_object *o) { return (intptr_t)LST(o)->n; }

static int list_contains(gk_object *o, gk_object *item)
{
    gk_list *l = LST(o);
    for (size_t i = 0; i < l->n; i++) {
        gk_object *x = gk__incref(l->items[i]);
        int r = gk__richcompare_bool(x, item, GK_EQ);
        gk__decref(x);
        if (r != 0)
            return r;
    }
    return 0;
}

static bool index_like(gk_object *o)
{
    return gk__is_int(o) || GK_TYPE(o)->nb_index != NULL;
}

static gk_object *list_getitem(gk_object *o, gk_object *key)
{
    gk_list *l = LST(o);
    if (gk__is_slice(key)) {
        intptr_t start, stop, step, n;
        if (gk__slice_indices(key, (intptr_t)l->n, &start, &stop, &step, &n) < 0)
            return NULL;
        gk_object *r = gk__list_new((size_t)n);
        if (!r)
            return NULL;
        for (intptr_t i = 0, j = start; i < n; i++, j += step)
            LST(r)->items[i] = gk__incref(l->items[j]);
        return r;
    }
    if (!index_like(key))
        return gk__raise(&gk__exc_TypeError, "list indices must be integers or slices, not %s",
                         GK_TYPE_NAME(key));
    intptr_t i;
    if (gk__index_to_ssize(key, &i) < 0)
        return NULL;
    if (i < 0)
        i += (intptr_t)l->n;
    if (i < 0 || i >= (intptr_t)l->n)
        return gk__raise(&gk__exc_IndexError, "list index out of range");
    return gk__incref(l->items[i]);
}

static int list_del_slice(gk_list *l, intptr_t start, intptr_t step, intptr_t n)
{
    if (n <= 0)
        return 0;
    if (step < 0) {
        start = start + step * (n - 1);
        step = -step;
    }
    if (step == 1)
        return list_replace(l, (size_t)start, (size_t)(start + n), NULL, 0);
    gk_object **gone = malloc((size_t)n * sizeof(gk_object *));
    if (!gone) {
        gk__raise_nomemory();
        return -1;
    }
    size_t w = (size_t)start, k = 0;
    for (size_t r = (size_t)start; r < l->n; r++) {
        if (k < (size_t)n && r == (size_t)start + k * (size_t)step)
            gone[k++] = l->items[r];
        else
            l->items[w++] = l->items[r];
    }
    l->n = w;
    for (size_t i = 0; i < k; i++)
        gk__decref(gone[i]);
    free(gone);
    return 0;
}

static int list_set_slice(gk_list *l, gk_object *key, gk_object *value)
{
    intptr_t start, stop, step, n;
    if (gk__slice_indices(key, (intptr_t)l->n, &start, &stop, &step, &n) < 0)
        return -1;
    if (!value)
        return list_del_slice(l, start, step, n);
    gk_object *seq;
    if (GK_TYPE(value) == &gk__tuple_type)
        seq = gk__incref(value);
    else {
        seq = gk__sequence_list(value);
        if (!seq) {
            if (gk__err_matches(&gk__exc_TypeError)) {
                gk__err_clear();
                gk__raise(&gk__exc_TypeError, step == 1 ? "can only assign an iterable"
                                                       : "must assign iterable to extended slice");
            }
            return -1;
        }
    }
    gk_object **src = gk__is_tuple(seq) ? gk__tuple_items(seq) : LST(seq)->items;
    size_t m = gk__is_tuple(seq) ? gk__tuple_size(seq) : LST(seq)->n;
    int rc;
    if (step == 1) {
        if (stop < start)
            stop = start;
        rc = list_replace(l, (size_t)start, (size_t)stop, src, m);
    } else if ((intptr_t)m != n) {
        gk__raise(&gk__exc_ValueError,
                  "attempt to assign sequence of size %zu to extended slice of size %zd", m, n);
        rc = -1;
    } else {
        gk_object **old = malloc((m ? m : 1) * sizeof(gk_object *));
        rc = old ? 0 : -1;
        if (!old)
            gk__raise_nomemory();
        for (size_t i = 0; old && i < m; i++) {
            size_t j = (size_t)(start + (intptr_t)i * step);
            old[i] = l->items[j];
            l->items[j] = gk__incref(src[i]);
        }
        for (size_t i = 0; old && i < m; i++)
            gk__decref(old[i]);
        free(old);
    }
    gk__decref(seq);
    return rc;
}

static int list_setitem(gk_object *o, gk_object *key, gk_object *value)
{
    gk_list *l = LST(o);
    if (gk__is_slice(key))
        return list_set_slice(l, key, value);
    if (!index_like(key)) {
        gk__raise(&gk__exc_TypeError, "list indices must be integers or slices, not %s",
                  GK_TYPE_NAME(key));
        return -1;
    }
    intptr_t i;
    if (gk__index_to_ssize(key, &i) < 0)
        return -1;
    if (i < 0)
        i += (intptr_t)l->n;
    if (i < 0 || i >= (intptr_t)l->n) {
        gk__raise(&gk__exc_IndexError, "list assignment index out of range");
        return -1;
    }
    if (!value)
        return list_replace(l, (size_t)i, (size_t)i + 1, NULL, 0);
    gk_object *old = l->items[i];
    l->items[i] = gk__incref(value);
    gk__decref(old);
    return 0;
}

static gk_object *list_richcompare(gk_object *a, gk_object *b, int op)
{
    if (!gk__is_list(a) || !gk__is_list(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    gk_list *x = LST(a), *y = LST(b);
    if ((op == GK_EQ || op == GK_NE) && x->n != y->n)
        return gk__bool(op == GK_NE);
    size_t i;
    for (i = 0; i < x->n && i < y->n; i++) {
        gk_object *p = gk__incref(x->items[i]), *q = gk__incref(y->items[i]);
        int r = gk__richcompare_bool(p, q, GK_EQ);
        gk__decref(p);
        gk__decref(q);
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
    gk_object *p = gk__incref(x->items[i]), *q = gk__incref(y->items[i]);
    gk_object *r = gk__richcompare(p, q, op);
    gk__decref(p);
    gk__decref(q);
    return r;
}

static gk_object *list_concat(gk_object *a, gk_object *b)
{
    if (!gk__is_list(a))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (!gk__is_list(b)) {
        if ((GK_TYPE(b)->flags & GK_TPFLAG_HEAPTYPE) && GK_TYPE(b)->nb[GK_BINOP_ADD])
            return gk__incref(GK_NOTIMPLEMENTED);
        return gk__raise(&gk__exc_TypeError, "can only concatenate list (not \"%s\") to list",
                         GK_TYPE_NAME(b));
    }
    gk_list *x = LST(a), *y = LST(b);
    gk_object *r = gk__list_new(x->n + y->n);
    if (!r)
        return NULL;
    for (size_t i = 0; i < x->n; i++)
        LST(r)->items[i] = gk__incref(x->items[i]);
    for (size_t i = 0; i < y->n; i++)
        LST(r)->items[x->n + i] = gk__incref(y->items[i]);
    return r;
}

/* Converts the count operand of seq * n: 1 ok, 0 NotImplemented, -1 error. */
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

static gk_object *list_repeat(gk_object *a, gk_object *b)
{
    gk_object *seq = gk__is_list(a) ? a : b, *cnt = seq == a ? b : a;
    intptr_t n;
    int r = repeat_count(cnt, &n);
    if (r <= 0)
        return r < 0 ? NULL : gk__incref(GK_NOTIMPLEMENTED);
    gk_list *l = LST(seq);
    if (l->n && (size_t)n > SIZE_MAX / sizeof(gk_object *) / l->n)
        return gk__raise_nomemory();
    size_t len = l->n;
    gk_object *res = gk__list_new(len * (size_t)n);
    if (!res)
        return NULL;
    size_t k = 0;
    for (intptr_t j = 0; j < n; j++)
        for (size_t i = 0; i < len; i++)
            LST(res)->items[k++] = gk__incref(l->items[i]);
    return res;
}

static gk_object *list_iadd(gk_object *a, gk_object *b)
{
    if (!gk__is_list(a))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (gk__list_extend(a, b) < 0)
        return NULL;
    return gk__incref(a);
}

static gk_object *list_imul(gk_object *a, gk_object *b)
{
    if (!gk__is_list(a))
        return gk__incref(GK_NOTIMPLEMENTED);
    intptr_t n;
    int r = repeat_count(b, &n);
    if (r <= 0)
        return r < 0 ? NULL : gk__incref(GK_NOTIMPLEMENTED);
    gk_list *l = LST(a);
    size_t len = l->n;
    if (n == 0 || len == 0) {
        list_clear_slot(a);
        return gk__incref(a);
    }
    if ((size_t)n > SIZE_MAX / sizeof(gk_object *) / len)
        return gk__raise_nomemory();
    if (list_reserve(l, len * (size_t)n) < 0)
        return NULL;
    for (intptr_t j = 1; j < n; j++)
        for (size_t i = 0; i < len; i++)
            l->items[l->n++] = gk__incref(l->items[i]);
    return gk__incref(a);
}

static gk_object *list_iter_new(gk_object *o);
static gk_object *list_reviter_new(gk_object *o);

static gk_object *list_new_slot(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return list_alloc(type, 0);
}

static int list_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (kwnames && gk__tuple_size(kwnames) && GK_TYPE(self) == &gk__list_type) {
        gk__raise(&gk__exc_TypeError, "list() takes no keyword arguments");
        return -1;
    }
    if (nargs > 1) {
        gk__raise(&gk__exc_TypeError, "list expected at most 1 argument, got %zu", nargs);
        return -1;
    }
    list_clear_slot(self);
    return nargs ? gk__list_extend(self, args[0]) : 0;
}

/* ---- methods ---- */

static gk_object *m_append(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("list.append", nargs, kw, 1, 1) < 0 || gk__list_append(self, args[0]) < 0)
        return NULL;
    return gk__none_ref();
}

static gk_object *m_extend(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("list.extend", nargs, kw, 1, 1) < 0 || gk__list_extend(self, args[0]) < 0)
        return NULL;
    return gk__none_ref();
}

static gk_object *m_insert(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("insert", nargs, kw, 2, 2) < 0)
        return NULL;
    intptr_t i;
    if (gk__index_to_ssize(args[0], &i) < 0)
        return NULL;
    if (gk__list_insert(self, i, args[1]) < 0)
        return NULL;
    return gk__none_ref();
}

static gk_object *m_pop(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("pop", nargs, kw, 0, 1) < 0)
        return NULL;
    intptr_t i = -1;
    if (nargs && gk__index_to_ssize(args[0], &i) < 0)
        return NULL;
    return gk__list_pop(self, i);
}

static gk_object *m_remove(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("list.remove", nargs, kw, 1, 1) < 0)
        return NULL;
    gk_list *l = LST(self);
    for (size_t i = 0; i < l->n; i++) {
        gk_object *x = gk__incref(l->items[i]);
        int r = gk__richcompare_bool(x, args[0], GK_EQ);
        gk__decref(x);
        if (r < 0)
            return NULL;
        if (r) {
            if (i < l->n && list_replace(l, i, i + 1, NULL, 0) < 0)
                return NULL;
            return gk__none_ref();
        }
    }
    return gk__raise(&gk__exc_ValueError, "list.remove(x): x not in list");
}

/* Resolves an optional start/stop argument of index(). */
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

static gk_object *m_index(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("index", nargs, kw, 1, 3) < 0)
        return NULL;
    gk_list *l = LST(self);
    intptr_t start = 0, stop = INTPTR_MAX / 2;
    if (clamp_arg(nargs > 1 ? args[1] : NULL, (intptr_t)l->n, &start) < 0 ||
        clamp_arg(nargs > 2 ? args[2] : NULL, (intptr_t)l->n, &stop) < 0)
        return NULL;
    for (intptr_t i = start; i < stop && i < (intptr_t)l->n; i++) {
        gk_object *x = gk__incref(l->items[i]);
        int r = gk__richcompare_bool(x, args[0], GK_EQ);
        gk__decref(x);
        if (r < 0)
            return NULL;
        if (r)
            return gk__int_from_i64(i);
    }
    return gk__raise(&gk__exc_ValueError, "%R is not in list", args[0]);
}

static gk_object *m_count(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("list.count", nargs, kw, 1, 1) < 0)
        return NULL;
    gk_list *l = LST(self);
    int64_t c = 0;
    for (size_t i = 0; i < l->n; i++) {
        gk_object *x = gk__incref(l->items[i]);
        int r = gk__richcompare_bool(x, args[0], GK_EQ);
        gk__decref(x);
        if (r < 0)
            return NULL;
        c += r;
    }
    return gk__int_from_i64(c);
}

static gk_object *m_sort(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (nargs)
        return gk__raise(&gk__exc_TypeError, "sort() takes no positional arguments");
    static const char *const names[] = {"key", "reverse"};
    gk_object *out[2];
    if (gk__parse_args("sort", args, 0, kw, names, 0, 2, out) < 0)
        return NULL;
    int rev = 0;
    if (out[1] && (rev = gk__truthy(out[1])) < 0)
        return NULL;
    if (gk__list_sort(self, out[0], rev != 0) < 0)
        return NULL;
    return gk__none_ref();
}

static gk_object *m_reverse(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("list.reverse", nargs, kw, 0, 0) < 0)
        return NULL;
    reverse_items(LST(self)->items, LST(self)->n);
    return gk__none_ref();
}

static gk_object *m_copy(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("list.copy", nargs, kw, 0, 0) < 0)
        return NULL;
    gk_list *l = LST(self);
    gk_object *r = gk__list_new(l->n);
    if (r)
        for (size_t i = 0; i < l->n; i++)
            LST(r)->items[i] = gk__incref(l->items[i]);
    return r;
}

static gk_object *m_clear(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("list.clear", nargs, kw, 0, 0) < 0)
        return NULL;
    list_clear_slot(self);
    return gk__none_ref();
}

static gk_object *m_reversed(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("list.__reversed__", nargs, kw, 0, 0) < 0)
        return NULL;
    return list_reviter_new(self);
}

static const gk__methoddef list_methods[] = {
    {"append", m_append, GK_METH_DEFAULT, "Append object to the end of the list."},
    {"extend", m_extend, GK_METH_DEFAULT, "Extend list by appending elements from the iterable."},
    {"insert", m_insert, GK_METH_DEFAULT, "Insert object before index."},
    {"pop", m_pop, GK_METH_DEFAULT, "Remove and return item at index (default last)."},
    {"remove", m_remove, GK_METH_DEFAULT, "Remove first occurrence of value."},
    {"index", m_index, GK_METH_DEFAULT, "Return first index of value."},
    {"count", m_count, GK_METH_DEFAULT, "Return number of occurrences of value."},
    {"sort", m_sort, GK_METH_DEFAULT, "Sort the list in ascending order and return None."},
    {"reverse", m_reverse, GK_METH_DEFAULT, "Reverse *IN PLACE*."},
    {"copy", m_copy, GK_METH_DEFAULT, "Return a shallow copy of the list."},
    {"clear", m_clear, GK_METH_DEFAULT, "Remove all items from list."},
    {"__reversed__", m_reversed, GK_METH_DEFAULT, "Return a reverse iterator over the list."},
    {NULL, NULL, 0, NULL},
};

gk_type gk__list_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "list",
    .basicsize = sizeof(gk_list),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE | GK_TPFLAG_LIST_SUBCLASS,
    .dealloc = list_dealloc,
    .repr = list_repr,
    .hash = NULL,
    .richcompare = list_richcompare,
    .getattr = gk__object_generic_getattr,
    .iter = list_iter_new,
    .new_ = list_new_slot,
    .init = list_init,
    .nb = { [GK_BINOP_ADD] = list_concat, [GK_BINOP_MUL] = list_repeat },
    .nb_inplace = { [GK_BINOP_ADD] = list_iadd, [GK_BINOP_MUL] = list_imul },
    .len = list_len,
    .getitem = list_getitem,
    .setitem = list_setitem,
    .contains = list_contains,
    .traverse = list_traverse,
    .clear = list_clear_slot,
    .methods = list_methods,
    .doc = "Built-in mutable sequence.",
};

/* ---- list_iterator and list_reverseiterator ---- */

static gk_object *iter_make(gk_type *type, gk_object *seq, intptr_t index)
{
    list_iter *it = (list_iter *)gk__gc_new(type, sizeof(list_iter));
    if (!it)
        return NULL;
    it->seq = gk__incref(seq);
    it->index = index;
    return (gk_object *)it;
}

static gk_object *list_iter_new(gk_object *o) { return iter_make(&gk__list_iter_type, o, 0); }
static gk_object *list_reviter_new(gk_object *o)
{
    return iter_make(&gk__list_reviter_type, o, (intptr_t)LST(o)->n - 1);
}

static void liter_dealloc(gk_object *o)
{
    GK_CLEAR(((list_iter *)o)->seq);
    gk__gc_free(o);
}

static int liter_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    list_iter *it = (list_iter *)o;
    return it->seq ? visit(it->seq, arg) : 0;
}

static int liter_clear(gk_object *o)
{
    GK_CLEAR(((list_iter *)o)->seq);
    return 0;
}


static gk_object *liter_next(gk_object *o)
{
    list_iter *it = (list_iter *)o;
    if (!it->seq)
        return NULL;
    gk_list *l = LST(it->seq);
    if (it->index >= 0 && (size_t)it->index < l->n)
        return gk__incref(l->items[it->index++]);
    GK_CLEAR(it->seq);
    return NULL;
}

static gk_object *lriter_next(gk_object *o)
{
    list_iter *it = (list_iter *)o;
    if (!it->seq)
        return NULL;
    gk_list *l = LST(it->seq);
    if (it->index >= 0 && (size_t)it->index < l->n)
        return gk__incref(l->items[it->index--]);
    GK_CLEAR(it->seq);
    it->index = -1;
    return NULL;
}

static gk_object *liter_length_hint(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    list_iter *it = (list_iter *)self;
    int64_t n = 0;
    if (it->seq) {
        if (GK_TYPE(self) == &gk__list_iter_type)
            n = (int64_t)LST(it->seq)->n - it->index;
        else if ((size_t)(it->index + 1) <= LST(it->seq)->n)
            n = it->index + 1;
    }
    return gk__int_from_i64(n < 0 ? 0 : n);
}

static const gk__methoddef liter_methods[] = {
    {"__length_hint__", liter_length_hint, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__list_iter_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "list_iterator",
    .basicsize = sizeof(list_iter),
    .flags = GK_TPFLAG_GC,
    .dealloc = liter_dealloc,
    .getattr = gk__object_generic_getattr,
    .iter = gk__iter_self,
    .iternext = liter_next,
    .traverse = liter_traverse,
    .clear = liter_clear,
    .methods = liter_methods,
};

gk_type gk__list_reviter_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "list_reverseiterator",
    .basicsize = sizeof(list_iter),
    .flags = GK_TPFLAG_GC,
    .dealloc = liter_dealloc,
    .getattr = gk__object_generic_getattr,
    .iter = gk__iter_self,
    .iternext = lriter_next,
    .traverse = liter_traverse,
    .clear = liter_clear,
    .methods = liter_methods,
};
