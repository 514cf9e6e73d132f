/*
 * vm/objects/set.c - set and frozenset: an open-addressing hash table whose
 * probing (linear runs of up to 9 neighbours, then perturbation), growth
 * and dummy handling follow CPython 3.11, so iteration order matches
 * python3; plus the set iterator and the frozenset hash.
 */
#include <stdlib.h>
#include <string.h>
#include "objects.h"

#define SET_MINSIZE 8
#define LINEAR_PROBES 9
#define PERTURB_SHIFT 5

typedef struct {
    gk_object *key;      /* NULL: never used; DUMMY: deleted */
    int64_t hash;        /* -1 for DUMMY */
} sentry;

typedef struct gk_set {
    GK_HEAD;
    size_t fill;         /* active + dummy */
    size_t used;         /* active */
    size_t mask;
    size_t finger;       /* where pop() looks next */
    sentry *table;
    int64_t hash;        /* frozenset hash cache, -1 if not computed */
    sentry small[SET_MINSIZE];
} gk_set;

typedef struct {
    GK_HEAD;
    gk_object *set;      /* NULL once exhausted */
    size_t pos, used, left;
} set_iter;

static gk_object dummy_obj = GK_STATIC_HEAD(&gk__object_type);
#define DUMMY (&dummy_obj)
#define SO(o) ((gk_set *)(o))

/* Whether o is a set or frozenset (or a subclass). */
bool gk__is_anyset(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    return t == &gk__set_type || t == &gk__frozenset_type ||
           gk__type_is_subtype(t, &gk__set_type) || gk__type_is_subtype(t, &gk__frozenset_type);
}

static bool is_set_subtype(gk_type *t)
{
    return t == &gk__set_type || gk__type_is_subtype(t, &gk__set_type);
}

static gk_object *set_alloc(gk_type *type)
{
    gk_set *so = (gk_set *)gk__gc_new(type, type->basicsize);
    if (!so)
        return NULL;
    so->table = so->small;
    so->mask = SET_MINSIZE - 1;
    so->hash = -1;
    return (gk_object *)so;
}

static void insert_clean(sentry *table, size_t mask, gk_object *key, int64_t hash)
{
    uint64_t perturb = (uint64_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        sentry *e = &table[i];
        if (!e->key)
            goto found;
        if (i + LINEAR_PROBES <= mask) {
            for (int j = 0; j < LINEAR_PROBES; j++) {
                e++;
                if (!e->key)
                    goto found;
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + (size_t)perturb) & mask;
        continue;
found:
        e->key = key;
        e->hash = hash;
        return;
    }
}

static int table_resize(gk_set *so, size_t minused)
{
    size_t newsize = SET_MINSIZE;
    while (newsize <= minused)
        newsize <<= 1;
    sentry *old = so->table, small_copy[SET_MINSIZE];
    size_t oldmask = so->mask;
    bool old_malloced = old != so->small;
    sentry *nt;
    if (newsize == SET_MINSIZE) {
        nt = so->small;
        if (nt == old) {
            if (so->fill == so->used)
                return 0;
            memcpy(small_copy, old, sizeof(small_copy));
            old = small_copy;
        }
    } else {
        nt = calloc(newsize, sizeof(sentry));
        if (!nt) {
            gk__raise_nomemory();
            return -1;
        }
    }
    if (nt == so->small)
        memset(nt, 0, sizeof(so->small));
    so->mask = newsize - 1;
    so->table = nt;
    for (size_t i = 0; i <= oldmask; i++)
        if (old[i].key && old[i].key != DUMMY)
            insert_clean(nt, so->mask, old[i].key, old[i].hash);
    so->fill = so->used;
    if (old_malloced)
        free(old);
    return 0;
}

/* Equality without side effects for exact str and small int keys: 1 / 0,
 * or -1 when the general comparison is needed. */
static inline int fast_eq(gk_object *a, gk_object *b)
{
    gk_type *t = GK_TYPE(a);
    if (t != GK_TYPE(b))
        return -1;
    if (t == &gk__str_type)
        return gk__str_eq(a, b);
    if (t == &gk__int_type && gk__int_is_small(a) && gk__int_is_small(b))
        return gk__int_small_value(a) == gk__int_small_value(b);
    return -1;
}

/* Finds key: 1 found (*out = entry), 0 absent, -1 error. */
static int lookkey(gk_set *so, gk_object *key, int64_t hash, sentry **out)
{
restart:;
    size_t mask = so->mask, i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    for (;;) {
        sentry *e = &so->table[i];
        int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
        do {
            if (!e->key)
                return 0;
            if (e->hash == hash && e->key != DUMMY) {
                gk_object *sk = e->key;
                if (sk == key) {
                    *out = e;
                    return 1;
                }
                int fe = fast_eq(sk, key);
                if (fe >= 0) {
                    if (fe) {
                        *out = e;
                        return 1;
                    }
                } else {
                    sentry *table = so->table;
                    gk__incref(sk);
                    int r = gk__richcompare_bool(sk, key, GK_EQ);
                    gk__decref(sk);
                    if (r < 0)
                        return -1;
                    if (table != so->table || e->key != sk)
                        goto restart;
                    if (r) {
                        *out = e;
                        return 1;
                    }
                    mask = so->mask;
                }
            }
            e++;
        } while (probes--);
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + (size_t)perturb) & mask;
    }
}

/* Adds key (not stolen) with a known hash; 0 / -1. */
static int add_entry(gk_set *so, gk_object *key, int64_t hash)
{
    gk__incref(key);
restart:;
    size_t mask = so->mask, i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    sentry *freeslot = NULL, *e;
    for (;;) {
        e = &so->table[i];
        int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
        do {
            if (!e->key)
                goto found_unused_or_dummy;
            if (e->hash == hash && e->key != DUMMY) {
                gk_object *sk = e->key;
                if (sk == key)
                    goto found_active;
                int fe = fast_eq(sk, key);
                if (fe >= 0) {
                    if (fe)
                        goto found_active;
                } else {
                    sentry *table = so->table;
                    gk__incref(sk);
                    int r = gk__richcompare_bool(sk, key, GK_EQ);
                    gk__decref(sk);
                    if (r > 0)
                        goto found_active;
                    if (r < 0) {
                        gk__decref(key);
                        return -1;
                    }
                    if (table != so->table || e->key != sk)
                        goto restart;
                    mask = so->mask;
                }
            } else if (e->key == DUMMY) {
                freeslot = e;
            }
            e++;
        } while (probes--);
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + (size_t)perturb) & mask;
    }
found_unused_or_dummy:
    if (freeslot) {
        so->used++;
        freeslot->key = key;
        freeslot->hash = hash;
        return 0;
    }
    so->fill++;
    so->used++;
    e->key = key;
    e->hash = hash;
    if (so->fill * 5 < mask * 3)
        return 0;
    return table_resize(so, so->used > 50000 ? so->used * 2 : so->used * 4);
found_active:
    gk__decref(key);
    return 0;
}

/* Removes key with a known hash: 1 removed, 0 absent, -1 error. */
static int discard_entry(gk_set *so, gk_object *key, int64_t hash)
{
    sentry *e;
    int r = lookkey(so, key, hash, &e);
    if (r <= 0)
        return r;
    gk_object *old = e->key;
    e->key = DUMMY;
    e->hash = -1;
    so->used--;
    gk__decref(old);
    return 1;
}

static int add_key(gk_set *so, gk_object *key)
{
    int64_t h = gk__hash(key);
    return h == -1 ? -1 : add_entry(so, key, h);
}

static int contains_key(gk_set *so, gk_object *key)
{
    int64_t h = gk__hash(key);
    if (h == -1)
        return -1;
    sentry *e;
    return lookkey(so, key, h, &e);
}

/* Iterates the table from *pos; BORROWED entry. */
static bool next_entry(gk_set *so, size_t *pos, sentry **out)
{
    size_t i = *pos;
    while (i <= so->mask && (!so->table[i].key || so->table[i].key == DUMMY))
        i++;
    *pos = i + 1;
    if (i > so->mask)
        return false;
    *out = &so->table[i];
    return true;
}

static void clear_internal(gk_set *so)
{
    sentry *table = so->table, small_copy[SET_MINSIZE];
    size_t mask = so->mask;
    bool malloced = table != so->small;
    if (!malloced) {
        memcpy(small_copy, table, sizeof(small_copy));
        table = small_copy;
    }
    memset(so->small, 0, sizeof(so->small));
    so->table = so->small;
    so->mask = SET_MINSIZE - 1;
    so->fill = so->used = 0;
    so->hash = -1;
    for (size_t i = 0; i <= mask; i++)
        if (table[i].key && table[i].key != DUMMY)
            gk__decref(table[i].key);
    if (malloced)
        free(table);
}

static int merge(gk_set *so, gk_set *other)
{
    if (so == other || other->used == 0)
        return 0;
    if ((so->fill + other->used) * 5 >= so->mask * 3 &&
        table_resize(so, (so->used + other->used) * 2) < 0)
        return -1;
    if (so->fill == 0 && so->mask == other->mask && other->fill == other->used) {
        for (size_t i = 0; i <= other->mask; i++)
            if (other->table[i].key) {
                so->table[i].key = gk__incref(other->table[i].key);
                so->table[i].hash = other->table[i].hash;
            }
        so->fill = other->fill;
        so->used = other->used;
        return 0;
    }
    if (so->fill == 0) {
        so->fill = so->used = other->used;
        for (size_t i = 0; i <= other->mask; i++) {
            gk_object *k = other->table[i].key;
            if (k && k != DUMMY)
                insert_clean(so->table, so->mask, gk__incref(k), other->table[i].hash);
        }
        return 0;
    }
    for (size_t i = 0; i <= other->mask; i++) {
        gk_object *k = other->table[i].key;
        if (k && k != DUMMY && add_entry(so, k, other->table[i].hash) < 0)
            return -1;
    }
    return 0;
}

static int update_internal(gk_set *so, gk_object *other)
{
    if (gk__is_anyset(other))
        return merge(so, SO(other));
    if (GK_TYPE(other) == &gk__dict_type) {
        size_t n = gk__dict_size(other);
        if ((so->fill + n) * 5 >= so->mask * 3 && table_resize(so, (so->used + n) * 2) < 0)
            return -1;
        size_t pos = 0;
        gk_object *k;
        while (gk__dict_next(other, &pos, &k, NULL))
            if (add_key(so, k) < 0)
                return -1;
        return 0;
    }
    gk_object *it = gk__iter(other);
    if (!it)
        return -1;
    gk_object *k;
    while ((k = gk__iternext(it)) != NULL) {
        int r = add_key(so, k);
        gk__decref(k);
        if (r < 0) {
            gk__decref(it);
            return -1;
        }
    }
    gk__decref(it);
    return gk__err_occurred() ? -1 : 0;
}

static gk_object *make_new_set(gk_type *type, gk_object *iterable)
{
    gk_object *so = set_alloc(type);
    if (so && iterable && update_internal(SO(so), iterable) < 0)
        GK_CLEAR(so);
    return so;
}

static gk_object *make_new_set_basetype(gk_type *type, gk_object *iterable)
{
    return make_new_set(is_set_subtype(type) ? &gk__set_type : &gk__frozenset_type, iterable);
}

/* Returns a new set (of the items of iterable, which may be NULL). */
gk_object *gk__set_new(gk_object *iterable) { return make_new_set(&gk__set_type, iterable); }
/* Returns a new frozenset. */
gk_object *gk__frozenset_new(gk_object *iterable) { return make_new_set(&gk__frozenset_type, iterable); }
/* s.add(key); 0 / -1. */
int gk__set_add(gk_object *s, gk_object *key) { return add_key(SO(s), key); }
/* Number of items. */
size_t gk__set_size(gk_object *s) { return SO(s)->used; }

static gk_object *frozen_copy_of(gk_object *key)
{
    return make_new_set(&gk__frozenset_type, key);
}

/* key in s (a set key is looked up as a frozenset): 1, 0, -1. */
int gk__set_contains(gk_object *s, gk_object *key)
{
    int r = contains_key(SO(s), key);
    if (r < 0 && is_set_subtype(GK_TYPE(key)) && gk__err_matches(&gk__exc_TypeError)) {
        gk__err_clear();
        gk_object *tmp = frozen_copy_of(key);
        if (!tmp)
            return -1;
        r = contains_key(SO(s), tmp);
        gk__decref(tmp);
    }
    return r;
}

/* s.discard(key): 1 removed, 0 absent, -1 error. */
int gk__set_discard(gk_object *s, gk_object *key)
{
    int64_t h = gk__hash(key);
    if (h == -1) {
        if (!is_set_subtype(GK_TYPE(key)) || !gk__err_matches(&gk__exc_TypeError))
            return -1;
        gk__err_clear();
        gk_object *tmp = frozen_copy_of(key);
        if (!tmp)
            return -1;
        int r = gk__set_discard(s, tmp);
        gk__decref(tmp);
        return r;
    }
    return discard_entry(SO(s), key, h);
}

/* Iterates from *pos (start 0); BORROWED key. */
bool gk__set_next(gk_object *s, size_t *pos, gk_object **key)
{
    sentry *e;
    if (!next_entry(SO(s), pos, &e))
        return false;
    *key = e->key;
    return true;
}

/* ---- set algebra ---- */

static gk_object *set_copy(gk_object *so)
{
    if (GK_TYPE(so) == &gk__frozenset_type)
        return gk__incref(so);
    return make_new_set_basetype(GK_TYPE(so), so);
}

static gk_object *intersection(gk_object *so, gk_object *other)
{
    if (so == other)
        return make_new_set_basetype(GK_TYPE(so), so);
    gk_object *res = make_new_set_basetype(GK_TYPE(so), NULL);
    if (!res)
        return NULL;
    if (gk__is_anyset(other)) {
        gk_object *a = so, *b = other;
        if (SO(b)->used > SO(a)->used) {
            a = other;
            b = so;
        }
        size_t pos = 0;
        sentry *e;
        while (next_entry(SO(b), &pos, &e)) {
            gk_object *k = gk__incref(e->key);
            int64_t h = e->hash;
            sentry *f;
            int r = lookkey(SO(a), k, h, &f);
            if (r > 0)
                r = add_entry(SO(res), k, h);
            gk__decref(k);
            if (r < 0)
                goto fail;
        }
        return res;
    }
    gk_object *it = gk__iter(other);
    if (!it)
        goto fail;
    gk_object *k;
    while ((k = gk__iternext(it)) != NULL) {
        int64_t h = gk__hash(k);
        sentry *f;
        int r = h == -1 ? -1 : lookkey(SO(so), k, h, &f);
        if (r > 0)
            r = add_entry(SO(res), k, h);
        gk__decref(k);
        if (r < 0) {
            gk__decref(it);
            goto fail;
        }
    }
    gk__decref(it);
    if (gk__err_occurred())
        goto fail;
    return res;
fail:
    gk__decref(res);
    return NULL;
}

static int difference_update_internal(gk_set *so, gk_object *other)
{
    if ((gk_object *)so == other) {
        clear_internal(so);
        return 0;
    }
    if (gk__is_anyset(other)) {
        gk_object *o = (SO(other)->used >> 3) > so->used ? intersection((gk_object *)so, other)
                                                          : gk__incref(other);
        if (!o)
            return -1;
        size_t pos = 0;
        sentry *e;
        while (next_entry(SO(o), &pos, &e))
            if (discard_entry(so, e->key, e->hash) < 0) {
                gk__decref(o);
                return -1;
            }
        gk__decref(o);
    } else {
        gk_object *it = gk__iter(other);
        if (!it)
            return -1;
        gk_object *k;
        while ((k = gk__iternext(it)) != NULL) {
            int r = gk__set_discard((gk_object *)so, k);
            gk__decref(k);
            if (r < 0) {
                gk__decref(it);
                return -1;
            }
        }
        gk__decref(it);
        if (gk__err_occurred())
            return -1;
    }
    if (so->fill - so->used <= so->mask / 4)
        return 0;
    return table_resize(so, so->used > 50000 ? so->used * 2 : so->used * 4);
}

static gk_object *copy_and_difference(gk_object *so, gk_object *other)
{
    gk_object *res = make_new_set_basetype(GK_TYPE(so), so);
    if (res && difference_update_internal(SO(res), other) < 0)
        GK_CLEAR(res);
    return res;
}

static gk_object *difference(gk_object *so, gk_object *other)
{
    size_t other_size;
    if (gk__is_anyset(other))
        other_size = SO(other)->used;
    else if (GK_TYPE(other) == &gk__dict_type)
        other_size = gk__dict_size(other);
    else
        return copy_and_difference(so, other);
    if ((SO(so)->used >> 2) > other_size)
        return copy_and_difference(so, other);
    gk_object *res = make_new_set_basetype(GK_TYPE(so), NULL);
    if (!res)
        return NULL;
    size_t pos = 0;
    sentry *e;
    while (next_entry(SO(so), &pos, &e)) {
        gk_object *k = gk__incref(e->key);
        int64_t h = e->hash;
        int r;
        if (gk__is_anyset(other)) {
            sentry *f;
            r = lookkey(SO(other), k, h, &f);
        } else {
            r = gk__dict_get(other, k) ? 1 : (gk__err_occurred() ? -1 : 0);
        }
        if (r == 0)
            r = add_entry(SO(res), k, h);
        gk__decref(k);
        if (r < 0) {
            gk__decref(res);
            return NULL;
        }
    }
    return res;
}

static int symmetric_difference_update(gk_set *so, gk_object *other)
{
    if ((gk_object *)so == other) {
        clear_internal(so);
        return 0;
    }
    gk_object *o = gk__is_anyset(other) ? gk__incref(other)
                                          : make_new_set_basetype(GK_TYPE(so), other);
    if (!o)
        return -1;
    size_t pos = 0;
    sentry *e;
    while (next_entry(SO(o), &pos, &e)) {
        gk_object *k = gk__incref(e->key);
        int64_t h = e->hash;
        int r = discard_entry(so, k, h);
        if (r == 0)
            r = add_entry(so, k, h);
        gk__decref(k);
        if (r < 0) {
            gk__decref(o);
            return -1;
        }
    }
    gk__decref(o);
    return 0;
}

static gk_object *symmetric_difference(gk_object *so, gk_object *other)
{
    gk_object *res = make_new_set_basetype(GK_TYPE(so), other);
    if (res && symmetric_difference_update(SO(res), so) < 0)
        GK_CLEAR(res);
    return res;
}

static int issubset(gk_object *so, gk_object *other)
{
    if (!gk__is_anyset(other)) {
        gk_object *tmp = gk__set_new(other);
        if (!tmp)
            return -1;
        int r = issubset(so, tmp);
        gk__decref(tmp);
        return r;
    }
    if (SO(so)->used > SO(other)->used)
        return 0;
    size_t pos = 0;
    sentry *e;
    while (next_entry(SO(so), &pos, &e)) {
        gk_object *k = gk__incref(e->key);
        sentry *f;
        int r = lookkey(SO(other), k, e->hash, &f);
        gk__decref(k);
        if (r <= 0)
            return r;
    }
    return 1;
}

static int issuperset(gk_object *so, gk_object *other)
{
    if (gk__is_anyset(other))
        return issubset(other, so);
    gk_object *it = gk__iter(other);
    if (!it)
        return -1;
    gk_object *k;
    int r = 1;
    while (r == 1 && (k = gk__iternext(it)) != NULL) {
        r = contains_key(SO(so), k);
        gk__decref(k);
    }
    gk__decref(it);
    if (r == 1 && gk__err_occurred())
        return -1;
    return r;
}

static int isdisjoint(gk_object *so, gk_object *other)
{
    if (so == other)
        return SO(so)->used == 0;
    if (gk__is_anyset(other)) {
        gk_object *a = so, *b = other;
        if (SO(b)->used > SO(a)->used) {
            a = other;
            b = so;
        }
        size_t pos = 0;
        sentry *e;
        while (next_entry(SO(b), &pos, &e)) {
            gk_object *k = gk__incref(e->key);
            sentry *f;
            int r = lookkey(SO(a), k, e->hash, &f);
            gk__decref(k);
            if (r != 0)
                return r < 0 ? -1 : 0;
        }
        return 1;
    }
    gk_object *it = gk__iter(other);
    if (!it)
        return -1;
    gk_object *k;
    int r = 0;
    while (r == 0 && (k = gk__iternext(it)) != NULL) {
        r = contains_key(SO(so), k);
        gk__decref(k);
    }
    gk__decref(it);
    if (r < 0 || (r == 0 && gk__err_occurred()))
        return -1;
    return r == 0;
}

static void swap_bodies(gk_set *a, gk_set *b)
{
    sentry tmp_small[SET_MINSIZE];
    bool a_small = a->table == a->small, b_small = b->table == b->small;
    size_t t;
    t = a->fill; a->fill = b->fill; b->fill = t;
    t = a->used; a->used = b->used; b->used = t;
    t = a->mask; a->mask = b->mask; b->mask = t;
    t = a->finger; a->finger = b->finger; b->finger = t;
    sentry *tt = a->table;
    a->table = b_small ? a->small : b->table;
    b->table = a_small ? b->small : tt;
    memcpy(tmp_small, a->small, sizeof(tmp_small));
    memcpy(a->small, b->small, sizeof(tmp_small));
    memcpy(b->small, tmp_small, sizeof(tmp_small));
    a->hash = b->hash = -1;
}

/* ---- slots ---- */

static void set_dealloc(gk_object *o)
{
    clear_internal(SO(o));
    gk__gc_free(o);
}

static int set_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    gk_set *so = SO(o);
    for (size_t i = 0; i <= so->mask; i++) {
        gk_object *k = so->table[i].key;
        if (k && k != DUMMY) {
            int r = visit(k, arg);
            if (r)
                return r;
        }
    }
    return 0;
}

static int set_clear_slot(gk_object *o)
{
    clear_internal(SO(o));
    return 0;
}

static gk_object *set_repr(gk_object *o)
{
    gk_set *so = SO(o);
    const char *tn = GK_TYPE_NAME(o);
    if (so->used == 0)
        return gk__str_from_format("%s()", tn);
    int r = gk__repr_enter(o);
    if (r != 0)
        return r < 0 ? NULL : gk__str_from_format("%s(...)", tn);
    bool bare = GK_TYPE(o) == &gk__set_type;
    gk_object *keys = gk__sequence_list(o);
    gk__strbuf b;
    gk__strbuf_init(&b);
    if (!keys)
        goto fail;
    if (!bare && gk__strbuf_printf(&b, "%s(", tn) < 0)
        goto fail;
    if (gk__strbuf_append(&b, "{", 1) < 0)
        goto fail;
    for (size_t i = 0; i < gk__list_size(keys); i++) {
        if (i && gk__strbuf_append(&b, ", ", 2) < 0)
            goto fail;
        gk_object *s = gk__repr(GK_LIST_GET(keys, i));
        if (!s)
            goto fail;
        int e = gk__strbuf_append_str(&b, s);
        gk__decref(s);
        if (e < 0)
            goto fail;
    }
    if (gk__strbuf_append(&b, bare ? "}" : "})", bare ? 1 : 2) < 0)
        goto fail;
    gk__decref(keys);
    gk__repr_leave(o);
    return gk__strbuf_finish(&b);
fail:
    gk__xdecref(keys);
    gk__repr_leave(o);
    gk__strbuf_free(&b);
    return NULL;
}

static uint64_t shuffle_bits(uint64_t h)
{
    return ((h ^ 89869747ULL) ^ (h << 16)) * 3644798167ULL;
}

static int64_t frozenset_hash(gk_object *o)
{
    gk_set *so = SO(o);
    if (so->hash != -1)
        return so->hash;
    uint64_t hash = 0;
    for (size_t i = 0; i <= so->mask; i++)
        if (so->table[i].key && so->table[i].key != DUMMY)
            hash ^= shuffle_bits((uint64_t)so->table[i].hash);
    if ((so->fill - so->used) & 1)
        hash ^= shuffle_bits((uint64_t)-1);
    hash ^= ((uint64_t)so->used + 1) * 1927868237ULL;
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash * 69069U + 907133923ULL;
    if (hash == (uint64_t)-1)
        hash = 590923713ULL;
    so->hash = (int64_t)hash;
    return so->hash;
}

static intptr_t set_len(gk_object *o) { return (intptr_t)SO(o)->used; }

static int set_contains_slot(gk_object *o, gk_object *key) { return gk__set_contains(o, key); }

static gk_object *set_richcompare(gk_object *a, gk_object *b, int op)
{
    if (!gk__is_anyset(a) || !gk__is_anyset(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    size_t la = SO(a)->used, lb = SO(b)->used;
    int r;
    switch (op) {
    case GK_EQ: case GK_NE:
        if (la != lb)
            r = 0;
        else if (SO(a)->hash != -1 && SO(b)->hash != -1 && SO(a)->hash != SO(b)->hash)
            r = 0;
        else
            r = issubset(a, b);
        if (r >= 0 && op == GK_NE)
            r = !r;
        break;
    case GK_LE: r = issubset(a, b); break;
    case GK_GE: r = issubset(b, a); break;
    case GK_LT: r = la < lb ? issubset(a, b) : 0; break;
    case GK_GT: r = la > lb ? issubset(b, a) : 0; break;
    default: r = 0;
    }
    return r < 0 ? NULL : gk__bool(r == 1);
}

static gk_object *set_iter_new(gk_object *o);

static gk_object *nb_or(gk_object *a, gk_object *b)
{
    if (!gk__is_anyset(a) || !gk__is_anyset(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    gk_object *res = make_new_set_basetype(GK_TYPE(a), a);
    if (res && a != b && update_internal(SO(res), b) < 0)
        GK_CLEAR(res);
    return res;
}

static gk_object *nb_and(gk_object *a, gk_object *b)
{
    if (!gk__is_anyset(a) || !gk__is_anyset(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    return intersection(a, b);
}

static gk_object *nb_sub(gk_object *a, gk_object *b)
{
    if (!gk__is_anyset(a) || !gk__is_anyset(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    return difference(a, b);
}

static gk_object *nb_xor(gk_object *a, gk_object *b)
{
    if (!gk__is_anyset(a) || !gk__is_anyset(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    return symmetric_difference(a, b);
}

static gk_object *nb_ior(gk_object *a, gk_object *b)
{
    if (!gk__is_anyset(b) || !is_set_subtype(GK_TYPE(a)))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (update_internal(SO(a), b) < 0)
        return NULL;
    return gk__incref(a);
}

static gk_object *nb_iand(gk_object *a, gk_object *b)
{
    if (!gk__is_anyset(b) || !is_set_subtype(GK_TYPE(a)))
        return gk__incref(GK_NOTIMPLEMENTED);
    gk_object *tmp = intersection(a, b);
    if (!tmp)
        return NULL;
    swap_bodies(SO(a), SO(tmp));
    gk__decref(tmp);
    return gk__incref(a);
}

static gk_object *nb_isub(gk_object *a, gk_object *b)
{
    if (!gk__is_anyset(b) || !is_set_subtype(GK_TYPE(a)))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (difference_update_internal(SO(a), b) < 0)
        return NULL;
    return gk__incref(a);
}

static gk_object *nb_ixor(gk_object *a, gk_object *b)
{
    if (!gk__is_anyset(b) || !is_set_subtype(GK_TYPE(a)))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (symmetric_difference_update(SO(a), b) < 0)
        return NULL;
    return gk__incref(a);
}

static gk_object *set_new_slot(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (type == &gk__set_type && kw && gk__tuple_size(kw))
        return gk__raise(&gk__exc_TypeError, "set() takes no keyword arguments");
    return set_alloc(type);
}

static int set_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (GK_TYPE(self) == &gk__set_type && kw && gk__tuple_size(kw)) {
        gk__raise(&gk__exc_TypeError, "set() takes no keyword arguments");
        return -1;
    }
    if (nargs > 1) {
        gk__raise(&gk__exc_TypeError, "set expected at most 1 argument, got %zu", nargs);
        return -1;
    }
    if (SO(self)->fill)
        clear_internal(SO(self));
    return nargs ? update_internal(SO(self), args[0]) : 0;
}

static gk_object *frozenset_new_slot(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (type == &gk__frozenset_type && kw && gk__tuple_size(kw))
        return gk__raise(&gk__exc_TypeError, "frozenset() takes no keyword arguments");
    if (nargs > 1)
        return gk__raise(&gk__exc_TypeError, "frozenset expected at most 1 argument, got %zu", nargs);
    if (nargs && type == &gk__frozenset_type && GK_TYPE(args[0]) == &gk__frozenset_type)
        return gk__incref(args[0]);
    return make_new_set(type, nargs ? args[0] : NULL);
}

/* ---- methods ---- */

static gk_object *m_add(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("set.add", nargs, kw, 1, 1) < 0 || add_key(SO(self), args[0]) < 0)
        return NULL;
    return gk__none_ref();
}

static gk_object *m_clear(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("set.clear", nargs, kw, 0, 0) < 0)
        return NULL;
    clear_internal(SO(self));
    return gk__none_ref();
}

static gk_object *m_copy(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("set.copy", nargs, kw, 0, 0) < 0)
        return NULL;
    return set_copy(self);
}

static gk_object *m_discard(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("set.discard", nargs, kw, 1, 1) < 0 || gk__set_discard(self, args[0]) < 0)
        return NULL;
    return gk__none_ref();
}

static gk_object *m_remove(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("set.remove", nargs, kw, 1, 1) < 0)
        return NULL;
    int r = gk__set_discard(self, args[0]);
    if (r < 0)
        return NULL;
    if (r == 0) {
        gk_object *t = gk__tuple_pack(1, args[0]);
        gk_object *exc = t ? gk__exc_new(&gk__exc_KeyError, t) : NULL;
        gk__xdecref(t);
        if (exc) {
            gk__raise_obj(exc);
            gk__decref(exc);
        }
        return NULL;
    }
    return gk__none_ref();
}

static gk_object *m_pop(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("set.pop", nargs, kw, 0, 0) < 0)
        return NULL;
    gk_set *so = SO(self);
    if (so->used == 0)
        return gk__raise(&gk__exc_KeyError, "pop from an empty set");
    sentry *e = so->table + (so->finger & so->mask);
    while (!e->key || e->key == DUMMY) {
        e++;
        if (e > so->table + so->mask)
            e = so->table;
    }
    gk_object *key = e->key;
    e->key = DUMMY;
    e->hash = -1;
    so->used--;
    so->finger = (size_t)(e - so->table) + 1;
    return key;
}

static gk_object *m_union(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("union", nargs, kw, 0, SIZE_MAX) < 0)
        return NULL;
    gk_object *res = make_new_set_basetype(GK_TYPE(self), self);
    for (size_t i = 0; res && i < nargs; i++)
        if (args[i] != self && update_internal(SO(res), args[i]) < 0)
            GK_CLEAR(res);
    return res;
}

static gk_object *m_update(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("update", nargs, kw, 0, SIZE_MAX) < 0)
        return NULL;
    for (size_t i = 0; i < nargs; i++)
        if (update_internal(SO(self), args[i]) < 0)
            return NULL;
    return gk__none_ref();
}

static gk_object *intersection_multi(gk_object *self, gk_object *const *args, size_t nargs)
{
    if (nargs == 0)
        return make_new_set_basetype(GK_TYPE(self), self);
    gk_object *res = gk__incref(self);
    for (size_t i = 0; i < nargs; i++) {
        gk_object *n = intersection(res, args[i]);
        gk__decref(res);
        if (!n)
            return NULL;
        res = n;
    }
    return res;
}

static gk_object *m_intersection(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("intersection", nargs, kw, 0, SIZE_MAX) < 0)
        return NULL;
    return intersection_multi(self, args, nargs);
}

static gk_object *m_intersection_update(gk_object *self, gk_object *const *args, size_t nargs,
                                        gk_object *kw)
{
    if (gk__check_args("intersection_update", nargs, kw, 0, SIZE_MAX) < 0)
        return NULL;
    gk_object *tmp = intersection_multi(self, args, nargs);
    if (!tmp)
        return NULL;
    swap_bodies(SO(self), SO(tmp));
    gk__decref(tmp);
    return gk__none_ref();
}

static gk_object *m_difference(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("difference", nargs, kw, 0, SIZE_MAX) < 0)
        return NULL;
    if (nargs == 0)
        return make_new_set_basetype(GK_TYPE(self), self);
    gk_object *res = difference(self, args[0]);
    for (size_t i = 1; res && i < nargs; i++)
        if (difference_update_internal(SO(res), args[i]) < 0)
            GK_CLEAR(res);
    return res;
}

static gk_object *m_difference_update(gk_object *self, gk_object *const *args, size_t nargs,
                                      gk_object *kw)
{
    if (gk__check_args("difference_update", nargs, kw, 0, SIZE_MAX) < 0)
        return NULL;
    for (size_t i = 0; i < nargs; i++)
        if (difference_update_internal(SO(self), args[i]) < 0)
            return NULL;
    return gk__none_ref();
}

static gk_object *m_symdiff(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("set.symmetric_difference", nargs, kw, 1, 1) < 0)
        return NULL;
    return symmetric_difference(self, args[0]);
}

static gk_object *m_symdiff_update(gk_object *self, gk_object *const *args, size_t nargs,
                                   gk_object *kw)
{
    if (gk__check_args("set.symmetric_difference_update", nargs, kw, 1, 1) < 0 ||
        symmetric_difference_update(SO(self), args[0]) < 0)
        return NULL;
    return gk__none_ref();
}

static gk_object *bool_result(int r) { return r < 0 ? NULL : gk__bool(r == 1); }

static gk_object *m_issubset(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("set.issubset", nargs, kw, 1, 1) < 0)
        return NULL;
    return bool_result(issubset(self, args[0]));
}

static gk_object *m_issuperset(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("set.issuperset", nargs, kw, 1, 1) < 0)
        return NULL;
    return bool_result(issuperset(self, args[0]));
}

static gk_object *m_isdisjoint(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("set.isdisjoint", nargs, kw, 1, 1) < 0)
        return NULL;
    return bool_result(isdisjoint(self, args[0]));
}

static const gk__methoddef set_methods[] = {
    {"add", m_add, GK_METH_DEFAULT, "Add an element to a set."},
    {"clear", m_clear, GK_METH_DEFAULT, NULL},
    {"copy", m_copy, GK_METH_DEFAULT, NULL},
    {"discard", m_discard, GK_METH_DEFAULT, NULL},
    {"remove", m_remove, GK_METH_DEFAULT, NULL},
    {"pop", m_pop, GK_METH_DEFAULT, NULL},
    {"union", m_union, GK_METH_DEFAULT, NULL},
    {"update", m_update, GK_METH_DEFAULT, NULL},
    {"intersection", m_intersection, GK_METH_DEFAULT, NULL},
    {"intersection_update", m_intersection_update, GK_METH_DEFAULT, NULL},
    {"difference", m_difference, GK_METH_DEFAULT, NULL},
    {"difference_update", m_difference_update, GK_METH_DEFAULT, NULL},
    {"symmetric_difference", m_symdiff, GK_METH_DEFAULT, NULL},
    {"symmetric_difference_update", m_symdiff_update, GK_METH_DEFAULT, NULL},
    {"issubset", m_issubset, GK_METH_DEFAULT, NULL},
    {"issuperset", m_issuperset, GK_METH_DEFAULT, NULL},
    {"isdisjoint", m_isdisjoint, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

static const gk__methoddef frozenset_methods[] = {
    {"copy", m_copy, GK_METH_DEFAULT, NULL},
    {"union", m_union, GK_METH_DEFAULT, NULL},
    {"intersection", m_intersection, GK_METH_DEFAULT, NULL},
    {"difference", m_difference, GK_METH_DEFAULT, NULL},
    {"symmetric_difference", m_symdiff, GK_METH_DEFAULT, NULL},
    {"issubset", m_issubset, GK_METH_DEFAULT, NULL},
    {"issuperset", m_issuperset, GK_METH_DEFAULT, NULL},
    {"isdisjoint", m_isdisjoint, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__set_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "set",
    .basicsize = sizeof(gk_set),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .dealloc = set_dealloc,
    .repr = set_repr,
    .hash = NULL,
    .richcompare = set_richcompare,
    .getattr = gk__object_generic_getattr,
    .iter = set_iter_new,
    .new_ = set_new_slot,
    .init = set_init,
    .nb = { [GK_BINOP_OR] = nb_or, [GK_BINOP_AND] = nb_and, [GK_BINOP_SUB] = nb_sub,
            [GK_BINOP_XOR] = nb_xor },
    .nb_inplace = { [GK_BINOP_OR] = nb_ior, [GK_BINOP_AND] = nb_iand, [GK_BINOP_SUB] = nb_isub,
                    [GK_BINOP_XOR] = nb_ixor },
    .len = set_len,
    .contains = set_contains_slot,
    .traverse = set_traverse,
    .clear = set_clear_slot,
    .methods = set_methods,
    .doc = "Build an unordered collection of unique elements.",
};

gk_type gk__frozenset_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "frozenset",
    .basicsize = sizeof(gk_set),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE,
    .dealloc = set_dealloc,
    .repr = set_repr,
    .hash = frozenset_hash,
    .richcompare = set_richcompare,
    .getattr = gk__object_generic_getattr,
    .iter = set_iter_new,
    .new_ = frozenset_new_slot,
    .nb = { [GK_BINOP_OR] = nb_or, [GK_BINOP_AND] = nb_and, [GK_BINOP_SUB] = nb_sub,
            [GK_BINOP_XOR] = nb_xor },
    .len = set_len,
    .contains = set_contains_slot,
    .traverse = set_traverse,
    .clear = set_clear_slot,
    .methods = frozenset_methods,
    .doc = "Build an immutable unordered collection of unique elements.",
};

/* ---- set_iterator ---- */

static gk_object *set_iter_new(gk_object *o)
{
    set_iter *it = (set_iter *)gk__gc_new(&gk__set_iter_type, sizeof(set_iter));
    if (!it)
        return NULL;
    it->set = gk__incref(o);
    it->used = it->left = SO(o)->used;
    it->pos = 0;
    return (gk_object *)it;
}

static void siter_dealloc(gk_object *o)
{
    GK_CLEAR(((set_iter *)o)->set);
    gk__gc_free(o);
}

static int siter_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    set_iter *it = (set_iter *)o;
    return it->set ? visit(it->set, arg) : 0;
}

static int siter_clear(gk_object *o)
{
    GK_CLEAR(((set_iter *)o)->set);
    return 0;
}


static gk_object *siter_next(gk_object *o)
{
    set_iter *it = (set_iter *)o;
    if (!it->set)
        return NULL;
    gk_set *so = SO(it->set);
    if (so->used != it->used) {
        it->used = (size_t)-1;
        return gk__raise(&gk__exc_RuntimeError, "Set changed size during iteration");
    }
    sentry *e;
    if (!next_entry(so, &it->pos, &e)) {
        GK_CLEAR(it->set);
        return NULL;
    }
    if (it->left)
        it->left--;
    return gk__incref(e->key);
}

static gk_object *siter_length_hint(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    set_iter *it = (set_iter *)self;
    int64_t n = it->set && SO(it->set)->used == it->used ? (int64_t)it->left : 0;
    return gk__int_from_i64(n);
}

static const gk__methoddef siter_methods[] = {
    {"__length_hint__", siter_length_hint, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__set_iter_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "set_iterator",
    .basicsize = sizeof(set_iter),
    .flags = GK_TPFLAG_GC,
    .dealloc = siter_dealloc,
    .getattr = gk__object_generic_getattr,
    .iter = gk__iter_self,
    .iternext = siter_next,
    .traverse = siter_traverse,
    .clear = siter_clear,
    .methods = siter_methods,
};
