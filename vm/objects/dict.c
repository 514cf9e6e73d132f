/*
 * vm/objects/dict.c - dict: an insertion-ordered compact hash table (an
 * open-addressing index table pointing into a dense entries array), its
 * iterator, the keys/values/items views, and the ** merge used by calls.
 */
#include <stdlib.h>
#include <string.h>
#include "objects.h"

#define IX_EMPTY (-1)
#define IX_DUMMY (-2)
#define MINSIZE 8
#define PERTURB_SHIFT 5

typedef struct {
    int64_t hash;
    gk_object *key;      /* NULL: deleted entry */
    gk_object *value;
} dentry;

typedef struct gk_dict {
    GK_HEAD;
    size_t used;         /* live entries */
    size_t nentries;     /* entries[0..nentries) in use (live or deleted) */
    size_t mask;         /* index table size - 1 */
    intptr_t *index;     /* IX_EMPTY, IX_DUMMY or an entry number */
    dentry *entries;     /* capacity usable(mask + 1) */
} gk_dict;

#define DCT(o) ((gk_dict *)(o))

static size_t usable(size_t size) { return size * 2 / 3; }

static int dict_alloc_tables(gk_dict *d, size_t size)
{
    intptr_t *ix = malloc(size * sizeof(intptr_t));
    dentry *en = malloc(usable(size) * sizeof(dentry));
    if (!ix || !en) {
        free(ix);
        free(en);
        gk__raise_nomemory();
        return -1;
    }
    memset(ix, 0xff, size * sizeof(intptr_t));   /* all IX_EMPTY */
    d->index = ix;
    d->entries = en;
    d->mask = size - 1;
    return 0;
}

static gk_object *dict_alloc(gk_type *type)
{
    gk_dict *d = (gk_dict *)gk__gc_new(type, type->basicsize);
    if (!d)
        return NULL;
    if (dict_alloc_tables(d, MINSIZE) < 0) {
        gk__decref((gk_object *)d);
        return NULL;
    }
    return (gk_object *)d;
}

/* Returns a new empty dict. */
gk_object *gk__dict_new(void) { return dict_alloc(&gk__dict_type); }

/* Slot in the index table where an entry with `hash` can go (no compare). */
static size_t free_slot(gk_dict *d, int64_t hash)
{
    size_t mask = d->mask, i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    while (d->index[i] >= 0) {
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + (size_t)perturb + 1) & mask;
    }
    return i;
}

/* Rebuilds the tables with an index of at least minsize slots. */
static int dict_resize(gk_dict *d, size_t minsize)
{
    size_t size = MINSIZE;
    while (size < minsize)
        size <<= 1;
    intptr_t *oldix = d->index;
    dentry *olden = d->entries;
    size_t oldn = d->nentries;
    if (dict_alloc_tables(d, size) < 0) {
        d->index = oldix;
        d->entries = olden;
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < oldn; i++) {
        if (!olden[i].key)
            continue;
        d->entries[k] = olden[i];
        d->index[free_slot(d, olden[i].hash)] = (intptr_t)k;
        k++;
    }
    d->nentries = k;
    free(oldix);
    free(olden);
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

/* Finds key: returns the entry number or -1 (not found), -2 on error.
 * *slot gets the index-table slot of the hit (when found). */
static intptr_t lookup(gk_dict *d, gk_object *key, int64_t hash, size_t *slot)
{
restart:;
    size_t mask = d->mask, i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    for (;;) {
        intptr_t ix = d->index[i];
        if (ix == IX_EMPTY)
            return -1;
        if (ix >= 0) {
            dentry *e = &d->entries[ix];
            if (e->key == key) {
                *slot = i;
                return ix;
            }
            if (e->hash == hash) {
                int fe = fast_eq(e->key, key);
                if (fe >= 0) {
                    if (fe) {
                        *slot = i;
                        return ix;
                    }
                } else {
                    gk_object *start = gk__incref(e->key);
                    dentry *table = d->entries;
                    int r = gk__richcompare_bool(start, key, GK_EQ);
                    bool changed = table != d->entries || d->mask != mask ||
                                   (size_t)ix >= d->nentries || d->entries[ix].key != start;
                    gk__decref(start);
                    if (r < 0)
                        return -2;
                    if (changed)
                        goto restart;
                    if (r) {
                        *slot = i;
                        return ix;
                    }
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + (size_t)perturb + 1) & mask;
    }
}

/* Inserts or replaces with a known hash; does not steal.  0 / -1. */
static int insert(gk_dict *d, gk_object *key, int64_t hash, gk_object *value)
{
    size_t slot;
    intptr_t ix = lookup(d, key, hash, &slot);
    if (ix == -2)
        return -1;
    if (ix >= 0) {
        gk_object *old = d->entries[ix].value;
        d->entries[ix].value = gk__incref(value);
        gk__decref(old);
        return 0;
    }
    if (d->nentries >= usable(d->mask + 1) && dict_resize(d, d->used * 3) < 0)
        return -1;
    size_t n = d->nentries++;
    d->entries[n].hash = hash;
    d->entries[n].key = gk__incref(key);
    d->entries[n].value = gk__incref(value);
    d->index[free_slot(d, hash)] = (intptr_t)n;
    d->used++;
    return 0;
}

/* Removes the entry ix found at index slot `slot`; drops its references. */
static void remove_entry(gk_dict *d, size_t slot, intptr_t ix)
{
    dentry *e = &d->entries[ix];
    gk_object *k = e->key, *v = e->value;
    d->index[slot] = IX_DUMMY;
    e->key = e->value = NULL;
    d->used--;
    gk__decref(k);
    gk__decref(v);
}

/* hash(key), reading an exact str's cached hash inline. */
static inline int64_t key_hash(gk_object *key)
{
    if (GK_TYPE(key) == &gk__str_type) {
        int64_t h = ((struct gk__str_head *)key)->hash;
        if (h != -1)
            return h;
    }
    return gk__hash(key);
}

/* Returns a BORROWED value or NULL (exception pending only on error). */
gk_object *gk__dict_get(gk_object *o, gk_object *key)
{
    int64_t h = key_hash(key);
    if (h == -1)
        return NULL;
    size_t slot;
    intptr_t ix = lookup(DCT(o), key, h, &slot);
    return ix >= 0 ? DCT(o)->entries[ix].value : NULL;
}

/* Lookup with a caller-kept entry hint (see objects.h). */
gk_object *gk__dict_get_hinted(gk_object *o, gk_object *key, uint32_t *hint)
{
    gk_dict *d = DCT(o);
    size_t h = *hint;
    /* keys are unique among live entries, so an identical key at entry h is the key's entry */
    if (h < d->nentries && d->entries[h].key == key)
        return d->entries[h].value;
    int64_t hash = key_hash(key);
    if (hash == -1)
        return NULL;
    /* Probe by identity first: an interned name is usually found (or known
     * missing at an empty slot) without any comparison. */
    size_t mask = d->mask, i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    for (;;) {
        intptr_t ix = d->index[i];
        if (ix == IX_EMPTY)
            return NULL;
        if (ix >= 0) {
            if (d->entries[ix].key == key) {
                if ((uintmax_t)ix <= UINT32_MAX)
                    *hint = (uint32_t)ix;
                return d->entries[ix].value;
            }
            if (d->entries[ix].hash == hash)
                break;      /* an equal key may be another object: the full lookup decides */
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + (size_t)perturb + 1) & mask;
    }
    size_t slot;
    intptr_t ix = lookup(d, key, hash, &slot);
    if (ix < 0)
        return NULL;
    if ((uintmax_t)ix <= UINT32_MAX)
        *hint = (uint32_t)ix;
    return d->entries[ix].value;
}

/* Store with a caller-kept entry hint (see objects.h). */
int gk__dict_set_hinted(gk_object *o, gk_object *key, gk_object *value, uint32_t *hint)
{
    gk_dict *d = DCT(o);
    size_t h = *hint;
    if (h < d->nentries && d->entries[h].key == key) {
        gk_object *old = d->entries[h].value;
        d->entries[h].value = gk__incref(value);
        gk__decref(old);
        return 0;
    }
    int64_t hash = key_hash(key);
    if (hash == -1)
        return -1;
    if (insert(d, key, hash, value) < 0)
        return -1;
    size_t slot;
    intptr_t ix = lookup(d, key, hash, &slot);
    if (ix >= 0 && (uintmax_t)ix <= UINT32_MAX)
        *hint = (uint32_t)ix;
    return 0;
}

/* Lookup by C string: BORROWED value or NULL. */
gk_object *gk__dict_get_cstr(gk_object *d, const char *key)
{
    gk_object *k = gk__str_intern(key);
    return k ? gk__dict_get(d, k) : NULL;
}

/* d[key] = value (nothing stolen); 0 / -1. */
int gk__dict_set(gk_object *d, gk_object *key, gk_object *value)
{
    int64_t h = key_hash(key);
    if (h == -1)
        return -1;
    return insert(DCT(d), key, h, value);
}

/* d[key] = value for a C string key; 0 / -1. */
int gk__dict_set_cstr(gk_object *d, const char *key, gk_object *value)
{
    gk_object *k = gk__str_intern(key);
    return k ? gk__dict_set(d, k, value) : -1;
}

static int raise_key_error(gk_object *key)
{
    gk_object *args = gk__tuple_pack(1, key);
    if (!args)
        return -1;
    gk_object *exc = gk__exc_new(&gk__exc_KeyError, args);
    gk__decref(args);
    if (exc) {
        gk__raise_obj(exc);
        gk__decref(exc);
    }
    return -1;
}

/* del d[key]; KeyError if missing.  0 / -1. */
int gk__dict_del(gk_object *d, gk_object *key)
{
    int64_t h = gk__hash(key);
    if (h == -1)
        return -1;
    size_t slot;
    intptr_t ix = lookup(DCT(d), key, h, &slot);
    if (ix == -2)
        return -1;
    if (ix < 0)
        return raise_key_error(key);
    remove_entry(DCT(d), slot, ix);
    return 0;
}

/* del d[key] for a C string key. */
int gk__dict_del_cstr(gk_object *d, const char *key)
{
    gk_object *k = gk__str_intern(key);
    return k ? gk__dict_del(d, k) : -1;
}

/* Number of items. */
size_t gk__dict_size(gk_object *d) { return DCT(d)->used; }

/* Iterates from *pos (start at 0); BORROWED key/value. */
bool gk__dict_next(gk_object *o, size_t *pos, gk_object **key, gk_object **value)
{
    gk_dict *d = DCT(o);
    size_t i = *pos;
    while (i < d->nentries && !d->entries[i].key)
        i++;
    if (i >= d->nentries)
        return false;
    *pos = i + 1;
    if (key)
        *key = d->entries[i].key;
    if (value)
        *value = d->entries[i].value;
    return true;
}

/* Removes every item. */
void gk__dict_clear(gk_object *o)
{
    gk_dict *d = DCT(o);
    dentry *en = d->entries;
    intptr_t *ix = d->index;
    size_t n = d->nentries;
    if (dict_alloc_tables(d, MINSIZE) < 0) {
        gk__err_clear();
        return;
    }
    d->used = d->nentries = 0;
    for (size_t i = 0; i < n; i++)
        if (en[i].key) {
            gk__decref(en[i].key);
            gk__decref(en[i].value);
        }
    free(en);
    free(ix);
}

/* Returns a shallow copy (an exact dict). */
gk_object *gk__dict_copy(gk_object *o)
{
    gk_dict *d = DCT(o);
    gk_object *r = gk__dict_new();
    if (!r)
        return NULL;
    if (d->used > usable(MINSIZE) && dict_resize(DCT(r), d->used * 3 / 2 + 2) < 0)
        goto fail;
    for (size_t i = 0; i < d->nentries; i++)
        if (d->entries[i].key && insert(DCT(r), d->entries[i].key, d->entries[i].hash,
                                        d->entries[i].value) < 0)
            goto fail;
    return r;
fail:
    gk__decref(r);
    return NULL;
}

/* Returns a list of the keys. */
gk_object *gk__dict_keys_list(gk_object *o)
{
    gk_dict *d = DCT(o);
    gk_object *l = gk__list_new(d->used);
    if (!l)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < d->nentries; i++)
        if (d->entries[i].key)
            GK_LIST_SET(l, k++, gk__incref(d->entries[i].key));
    return l;
}

/* Whether o has a keys() method (the mapping protocol test). */
static int has_keys(gk_object *o)
{
    gk_object *k = gk__getattr_opt(o, gk__str_intern("keys"));
    if (!k)
        return gk__err_occurred() ? -1 : 0;
    gk__decref(k);
    return 1;
}

/* Merges a mapping; override false: duplicates are errors (fname for the
 * message, may be NULL) when `strict`, else kept. */
static int merge_mapping(gk_object *d, gk_object *other, int override, gk_object *fname);

static int dup_error(gk_object *key, gk_object *fname)
{
    if (fname) {
        const char *f = gk__str_utf8(fname);
        size_t n = strlen(f);
        const char *paren = n && f[n - 1] == ')' ? "" : "()";
        gk__raise(&gk__exc_TypeError, "%s%s got multiple values for keyword argument '%S'",
                  f, paren, key);
    } else {
        gk__raise(&gk__exc_TypeError, "got multiple values for keyword argument '%S'", key);
    }
    return -1;
}

static int merge_one(gk_object *d, gk_object *key, int64_t h, gk_object *value, int override,
                     gk_object *fname)
{
    if (override == 1)
        return insert(DCT(d), key, h, value);
    if (override == 2 && !gk__is_str(key)) {
        gk__raise(&gk__exc_TypeError, "keywords must be strings");
        return -1;
    }
    size_t slot;
    intptr_t ix = lookup(DCT(d), key, h, &slot);
    if (ix == -2)
        return -1;
    if (ix >= 0)
        return override == 2 ? dup_error(key, fname) : 0;
    return insert(DCT(d), key, h, value);
}

static int merge_mapping(gk_object *d, gk_object *other, int override, gk_object *fname)
{
    if (gk__is_dict(other) && GK_TYPE(other)->iter == gk__dict_type.iter) {
        gk_dict *o = DCT(other);
        if (d == other || o->used == 0)
            return 0;
        for (size_t i = 0; i < o->nentries; i++) {
            if (!o->entries[i].key)
                continue;
            gk_object *k = gk__incref(o->entries[i].key), *v = gk__incref(o->entries[i].value);
            int r = merge_one(d, k, o->entries[i].hash, v, override, fname);
            gk__decref(k);
            gk__decref(v);
            if (r < 0)
                return -1;
            if (i >= o->nentries)
                break;
        }
        return 0;
    }
    gk_object *keys = gk__call_method(other, "keys", NULL, 0);
    if (!keys)
        return -1;
    gk_object *it = gk__iter(keys);
    gk__decref(keys);
    if (!it)
        return -1;
    gk_object *k;
    while ((k = gk__iternext(it)) != NULL) {
        gk_object *v = gk__getitem(other, k);
        int64_t h = v ? gk__hash(k) : -1;
        int r = h == -1 ? -1 : merge_one(d, k, h, v, override, fname);
        gk__decref(k);
        gk__xdecref(v);
        if (r < 0) {
            gk__decref(it);
            return -1;
        }
    }
    gk__decref(it);
    return gk__err_occurred() ? -1 : 0;
}

static int merge_pairs(gk_object *d, gk_object *seq)
{
    gk_object *it = gk__iter(seq);
    if (!it)
        return -1;
    gk_object *item;
    for (size_t n = 0; (item = gk__iternext(it)) != NULL; n++) {
        gk_object *fast = NULL;
        if (gk__is_tuple(item) || gk__is_list(item)) {
            fast = gk__incref(item);
        } else {
            gk_object *iit = gk__iter(item);
            if (iit) {
                gk__decref(iit);
                fast = gk__sequence_list(item);
            } else if (gk__err_matches(&gk__exc_TypeError)) {
                gk__err_clear();
                gk__raise(&gk__exc_TypeError,
                          "cannot convert dictionary update sequence element #%zu to a sequence", n);
            }
        }
        gk__decref(item);
        if (!fast)
            goto fail;
        size_t len = gk__is_tuple(fast) ? gk__tuple_size(fast) : gk__list_size(fast);
        if (len != 2) {
            gk__decref(fast);
            gk__raise(&gk__exc_ValueError,
                      "dictionary update sequence element #%zu has length %zu; 2 is required", n, len);
            goto fail;
        }
        gk_object **p = gk__is_tuple(fast) ? gk__tuple_items(fast) : gk__list_items(fast);
        gk_object *k = gk__incref(p[0]), *v = gk__incref(p[1]);
        gk__decref(fast);
        int r = gk__dict_set(d, k, v);
        gk__decref(k);
        gk__decref(v);
        if (r < 0)
            goto fail;
    }
    gk__decref(it);
    return gk__err_occurred() ? -1 : 0;
fail:
    gk__decref(it);
    return -1;
}

/* d.update(other): a mapping (has keys()) or an iterable of pairs.  0 / -1. */
int gk__dict_update(gk_object *d, gk_object *other)
{
    int m = gk__is_dict(other) ? 1 : has_keys(other);
    if (m < 0)
        return -1;
    return m ? merge_mapping(d, other, 1, NULL) : merge_pairs(d, other);
}

/* f(**other): merges with TypeError on duplicates; fname is a str or NULL. */
int gk__dict_merge_kwargs(gk_object *d, gk_object *other, gk_object *fname)
{
    int m = gk__is_dict(other) ? 1 : has_keys(other);
    if (m < 0)
        return -1;
    if (!m) {
        if (fname) {
            const char *f = gk__str_utf8(fname);
            size_t n = strlen(f);
            gk__raise(&gk__exc_TypeError, "%s%s argument after ** must be a mapping, not %s", f,
                      n && f[n - 1] == ')' ? "" : "()", GK_TYPE_NAME(other));
        } else {
            gk__raise(&gk__exc_TypeError, "argument after ** must be a mapping, not %s",
                      GK_TYPE_NAME(other));
        }
        return -1;
    }
    return merge_mapping(d, other, 2, fname);
}

/* ---- the dict type ---- */

static void dict_dealloc(gk_object *o)
{
    gk_dict *d = DCT(o);
    dentry *en = d->entries;
    size_t n = d->nentries;
    free(d->index);
    d->index = NULL;
    d->entries = NULL;
    d->used = d->nentries = 0;
    for (size_t i = 0; i < n; i++)
        if (en[i].key) {
            gk__decref(en[i].key);
            gk__decref(en[i].value);
        }
    free(en);
    gk__gc_free(o);
}

static int dict_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    gk_dict *d = DCT(o);
    for (size_t i = 0; i < d->nentries; i++)
        if (d->entries[i].key) {
            int r = visit(d->entries[i].key, arg);
            if (!r)
                r = visit(d->entries[i].value, arg);
            if (r)
                return r;
        }
    return 0;
}

static int dict_clear_slot(gk_object *o)
{
    gk__dict_clear(o);
    return 0;
}

static gk_object *dict_repr(gk_object *o)
{
    gk_dict *d = DCT(o);
    if (d->used == 0)
        return gk__str_from_cstr("{}");
    int r = gk__repr_enter(o);
    if (r != 0)
        return r < 0 ? NULL : gk__str_from_cstr("{...}");
    gk__strbuf b;
    gk__strbuf_init(&b);
    bool first = true;
    if (gk__strbuf_append(&b, "{", 1) < 0)
        goto fail;
    for (size_t i = 0; i < d->nentries; i++) {
        if (!d->entries[i].key)
            continue;
        gk_object *k = gk__incref(d->entries[i].key), *v = gk__incref(d->entries[i].value);
        gk_object *ks = gk__repr(k), *vs = ks ? gk__repr(v) : NULL;
        gk__decref(k);
        gk__decref(v);
        int e = -1;
        if (vs && (first || gk__strbuf_append(&b, ", ", 2) == 0) &&
            gk__strbuf_append_str(&b, ks) == 0 && gk__strbuf_append(&b, ": ", 2) == 0 &&
            gk__strbuf_append_str(&b, vs) == 0)
            e = 0;
        gk__xdecref(ks);
        gk__xdecref(vs);
        if (e < 0)
            goto fail;
        first = false;
    }
    if (gk__strbuf_append(&b, "}", 1) < 0)
        goto fail;
    gk__repr_leave(o);
    return gk__strbuf_finish(&b);
fail:
    gk__repr_leave(o);
    gk__strbuf_free(&b);
    return NULL;
}

static intptr_t dict_len(gk_object *o) { return (intptr_t)DCT(o)->used; }

static gk_object *dict_getitem(gk_object *o, gk_object *key)
{
    int64_t h = gk__hash(key);
    if (h == -1)
        return NULL;
    size_t slot;
    intptr_t ix = lookup(DCT(o), key, h, &slot);
    if (ix >= 0)
        return gk__incref(DCT(o)->entries[ix].value);
    if (ix == -2)
        return NULL;
    if (GK_TYPE(o) != &gk__dict_type && gk__type_lookup_cstr(GK_TYPE(o), "__missing__"))
        return gk__call_special(o, "__missing__", &key, 1);
    raise_key_error(key);
    return NULL;
}

static int dict_setitem(gk_object *o, gk_object *key, gk_object *value)
{
    return value ? gk__dict_set(o, key, value) : gk__dict_del(o, key);
}

static int dict_contains(gk_object *o, gk_object *key)
{
    int64_t h = gk__hash(key);
    if (h == -1)
        return -1;
    size_t slot;
    intptr_t ix = lookup(DCT(o), key, h, &slot);
    return ix == -2 ? -1 : ix >= 0;
}

static int dict_equal(gk_dict *a, gk_dict *b)
{
    if (a->used != b->used)
        return 0;
    for (size_t i = 0; i < a->nentries; i++) {
        if (!a->entries[i].key)
            continue;
        gk_object *k = gk__incref(a->entries[i].key), *v = gk__incref(a->entries[i].value);
        size_t slot;
        intptr_t ix = lookup(b, k, a->entries[i].hash, &slot);
        int r = ix == -2 ? -1 : 0;
        if (ix >= 0) {
            gk_object *bv = gk__incref(b->entries[ix].value);
            r = gk__richcompare_bool(v, bv, GK_EQ);
            gk__decref(bv);
        }
        gk__decref(k);
        gk__decref(v);
        if (r <= 0)
            return r;
    }
    return 1;
}

static gk_object *dict_richcompare(gk_object *a, gk_object *b, int op)
{
    if (!gk__is_dict(a) || !gk__is_dict(b) || (op != GK_EQ && op != GK_NE))
        return gk__incref(GK_NOTIMPLEMENTED);
    int r = dict_equal(DCT(a), DCT(b));
    if (r < 0)
        return NULL;
    return gk__bool((op == GK_EQ) == (r == 1));
}

static gk_object *dict_or(gk_object *a, gk_object *b)
{
    if (!gk__is_dict(a) || !gk__is_dict(b))
        return gk__incref(GK_NOTIMPLEMENTED);
    gk_object *r = gk__dict_copy(a);
    if (r && gk__dict_update(r, b) < 0)
        GK_CLEAR(r);
    return r;
}

static gk_object *dict_ior(gk_object *a, gk_object *b)
{
    if (!gk__is_dict(a))
        return gk__incref(GK_NOTIMPLEMENTED);
    if (gk__dict_update(a, b) < 0)
        return NULL;
    return gk__incref(a);
}

static gk_object *dict_new_slot(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kw)
{
    return dict_alloc(type);
}

/* Shared by __init__ and update(): positional mapping/pairs plus keywords. */
static int update_common(gk_object *self, const char *fname, gk_object *const *args, size_t nargs,
                         gk_object *kwnames)
{
    if (nargs > 1) {
        gk__raise(&gk__exc_TypeError, "%s expected at most 1 argument, got %zu", fname, nargs);
        return -1;
    }
    if (nargs && gk__dict_update(self, args[0]) < 0)
        return -1;
    size_t nk = kwnames ? gk__tuple_size(kwnames) : 0;
    for (size_t i = 0; i < nk; i++)
        if (gk__dict_set(self, GK_TUPLE_GET(kwnames, i), args[nargs + i]) < 0)
            return -1;
    return 0;
}

static int dict_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return update_common(self, "dict", args, nargs, kwnames);
}

static gk_object *dict_iter_make(gk_object *d, int kind, bool rev);
enum { K_KEYS, K_VALUES, K_ITEMS };

static gk_object *dict_iter_slot(gk_object *o) { return dict_iter_make(o, K_KEYS, false); }

/* ---- dict methods ---- */

static gk_object *m_get(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("get", nargs, kw, 1, 2) < 0)
        return NULL;
    gk_object *v = gk__dict_get(self, args[0]);
    if (v)
        return gk__incref(v);
    if (gk__err_occurred())
        return NULL;
    return gk__incref(nargs > 1 ? args[1] : GK_NONE);
}

static gk_object *m_pop(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (kw && gk__tuple_size(kw))
        return gk__raise(&gk__exc_TypeError, "pop() takes no keyword arguments");
    if (nargs < 1)
        return gk__raise(&gk__exc_TypeError, "pop expected at least 1 argument, got %zu", nargs);
    if (nargs > 2)
        return gk__raise(&gk__exc_TypeError, "pop expected at most 2 arguments, got %zu", nargs);
    int64_t h = gk__hash(args[0]);
    if (h == -1)
        return NULL;
    size_t slot;
    intptr_t ix = lookup(DCT(self), args[0], h, &slot);
    if (ix == -2)
        return NULL;
    if (ix < 0) {
        if (nargs > 1)
            return gk__incref(args[1]);
        raise_key_error(args[0]);
        return NULL;
    }
    gk_object *v = gk__incref(DCT(self)->entries[ix].value);
    remove_entry(DCT(self), slot, ix);
    return v;
}

static gk_object *m_popitem(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("dict.popitem", nargs, kw, 0, 0) < 0)
        return NULL;
    gk_dict *d = DCT(self);
    if (d->used == 0)
        return gk__raise(&gk__exc_KeyError, "popitem(): dictionary is empty");
    size_t i = d->nentries;
    while (i > 0 && !d->entries[i - 1].key)
        i--;
    dentry *e = &d->entries[i - 1];
    gk_object *r = gk__tuple_pack(2, e->key, e->value);
    if (!r)
        return NULL;
    size_t slot;
    intptr_t ix = lookup(d, e->key, e->hash, &slot);
    if (ix == (intptr_t)(i - 1))
        remove_entry(d, slot, ix);
    d->nentries = i - 1;
    while (d->nentries > 0 && !d->entries[d->nentries - 1].key)
        d->nentries--;
    return r;
}

static gk_object *m_setdefault(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("setdefault", nargs, kw, 1, 2) < 0)
        return NULL;
    gk_object *v = gk__dict_get(self, args[0]);
    if (v)
        return gk__incref(v);
    if (gk__err_occurred())
        return NULL;
    gk_object *dflt = nargs > 1 ? args[1] : GK_NONE;
    if (gk__dict_set(self, args[0], dflt) < 0)
        return NULL;
    return gk__incref(dflt);
}

static gk_object *m_update(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (update_common(self, "update", args, nargs, kw) < 0)
        return NULL;
    return gk__none_ref();
}

static gk_object *m_copy(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("dict.copy", nargs, kw, 0, 0) < 0)
        return NULL;
    return gk__dict_copy(self);
}

static gk_object *m_clear(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("dict.clear", nargs, kw, 0, 0) < 0)
        return NULL;
    gk__dict_clear(self);
    return gk__none_ref();
}

static gk_object *m_fromkeys(gk_object *cls, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("fromkeys", nargs, kw, 1, 2) < 0)
        return NULL;
    gk_object *value = nargs > 1 ? args[1] : GK_NONE;
    gk_object *d = gk__call0(cls);
    if (!d)
        return NULL;
    gk_object *it = gk__iter(args[0]);
    if (!it)
        goto fail;
    gk_object *k;
    bool exact = GK_TYPE(d) == &gk__dict_type;
    while ((k = gk__iternext(it)) != NULL) {
        int r = exact ? gk__dict_set(d, k, value) : gk__setitem(d, k, value);
        gk__decref(k);
        if (r < 0) {
            gk__decref(it);
            goto fail;
        }
    }
    gk__decref(it);
    if (gk__err_occurred())
        goto fail;
    return d;
fail:
    gk__decref(d);
    return NULL;
}

static gk_object *view_new(gk_type *type, gk_object *d);

static gk_object *m_keys(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("dict.keys", nargs, kw, 0, 0) < 0)
        return NULL;
    return view_new(&gk__dict_keys_type, self);
}

static gk_object *m_values(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("dict.values", nargs, kw, 0, 0) < 0)
        return NULL;
    return view_new(&gk__dict_values_type, self);
}

static gk_object *m_items(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("dict.items", nargs, kw, 0, 0) < 0)
        return NULL;
    return view_new(&gk__dict_items_type, self);
}

static gk_object *m_reversed(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("dict.__reversed__", nargs, kw, 0, 0) < 0)
        return NULL;
    return dict_iter_make(self, K_KEYS, true);
}

static const gk__methoddef dict_methods[] = {
    {"get", m_get, GK_METH_DEFAULT, "Return the value for key if key is in the dictionary, else default."},
    {"pop", m_pop, GK_METH_DEFAULT, NULL},
    {"popitem", m_popitem, GK_METH_DEFAULT, NULL},
    {"setdefault", m_setdefault, GK_METH_DEFAULT, NULL},
    {"update", m_update, GK_METH_DEFAULT, NULL},
    {"copy", m_copy, GK_METH_DEFAULT, NULL},
    {"clear", m_clear, GK_METH_DEFAULT, NULL},
    {"fromkeys", m_fromkeys, GK_METH_CLASS, NULL},
    {"keys", m_keys, GK_METH_DEFAULT, NULL},
    {"values", m_values, GK_METH_DEFAULT, NULL},
    {"items", m_items, GK_METH_DEFAULT, NULL},
    {"__reversed__", m_reversed, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

gk_type gk__dict_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "dict",
    .basicsize = sizeof(gk_dict),
    .flags = GK_TPFLAG_GC | GK_TPFLAG_BASETYPE | GK_TPFLAG_DICT_SUBCLASS,
    .dealloc = dict_dealloc,
    .repr = dict_repr,
    .hash = NULL,
    .richcompare = dict_richcompare,
    .getattr = gk__object_generic_getattr,
    .iter = dict_iter_slot,
    .new_ = dict_new_slot,
    .init = dict_init,
    .nb = { [GK_BINOP_OR] = dict_or },
    .nb_inplace = { [GK_BINOP_OR] = dict_ior },
    .len = dict_len,
    .getitem = dict_getitem,
    .setitem = dict_setitem,
    .contains = dict_contains,
    .traverse = dict_traverse,
    .clear = dict_clear_slot,
    .methods = dict_methods,
    .doc = "dict() -> new empty dictionary",
};

/* ---- dict iterators ---- */

typedef struct {
    GK_HEAD;
    gk_object *dict;     /* NULL once exhausted */
    size_t pos;          /* next entry (forward) or entries left (reverse) */
    size_t used;         /* dict size when created */
    size_t left;         /* items still to produce */
    int kind;
    bool rev;
} dict_iter;

static gk_type dict_valueiter_type, dict_itemiter_type, dict_revkeyiter_type,
    dict_revvalueiter_type, dict_revitemiter_type;

static gk_object *dict_iter_make(gk_object *d, int kind, bool rev)
{
    static gk_type *const types[2][3] = {
        {&gk__dict_iter_type, &dict_valueiter_type, &dict_itemiter_type},
        {&dict_revkeyiter_type, &dict_revvalueiter_type, &dict_revitemiter_type},
    };
    gk_type *t = types[rev][kind];
    if (!(t->flags & GK_TPFLAG_READY) && gk__type_ready(t) < 0)
        return NULL;
    dict_iter *it = (dict_iter *)gk__gc_new(t, sizeof(dict_iter));
    if (!it)
        return NULL;
    it->dict = gk__incref(d);
    it->used = DCT(d)->used;
    it->left = it->used;
    it->pos = rev ? DCT(d)->nentries : 0;
    it->kind = kind;
    it->rev = rev;
    return (gk_object *)it;
}

static void diter_dealloc(gk_object *o)
{
    GK_CLEAR(((dict_iter *)o)->dict);
    gk__gc_free(o);
}

static int diter_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    dict_iter *it = (dict_iter *)o;
    return it->dict ? visit(it->dict, arg) : 0;
}

static int diter_clear(gk_object *o)
{
    GK_CLEAR(((dict_iter *)o)->dict);
    return 0;
}


static gk_object *diter_next(gk_object *o)
{
    dict_iter *it = (dict_iter *)o;
    if (!it->dict)
        return NULL;
    gk_dict *d = DCT(it->dict);
    if (d->used != it->used) {
        it->used = (size_t)-1;
        return gk__raise(&gk__exc_RuntimeError, "dictionary changed size during iteration");
    }
    dentry *e = NULL;
    if (it->rev) {
        while (it->pos > 0 && it->pos <= d->nentries && !d->entries[it->pos - 1].key)
            it->pos--;
        if (it->pos > 0 && it->pos <= d->nentries)
            e = &d->entries[--it->pos];
    } else {
        while (it->pos < d->nentries && !d->entries[it->pos].key)
            it->pos++;
        if (it->pos < d->nentries)
            e = &d->entries[it->pos++];
    }
    if (!e || it->left == 0) {
        if (e && it->left == 0) {
            it->left = (size_t)-1;
            return gk__raise(&gk__exc_RuntimeError, "dictionary keys changed during iteration");
        }
        GK_CLEAR(it->dict);
        return NULL;
    }
    it->left--;
    if (it->kind == K_KEYS)
        return gk__incref(e->key);
    if (it->kind == K_VALUES)
        return gk__incref(e->value);
    return gk__tuple_pack(2, e->key, e->value);
}

static gk_object *diter_length_hint(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    dict_iter *it = (dict_iter *)self;
    int64_t n = it->dict && DCT(it->dict)->used == it->used ? (int64_t)it->left : 0;
    return gk__int_from_i64(n);
}

static const gk__methoddef diter_methods[] = {
    {"__length_hint__", diter_length_hint, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

#define DICT_ITER_TYPE(var, pyname)                                                   \
    var = {                                                                           \
        .ob = GK_STATIC_HEAD(&gk__type_type),                                         \
        .name = pyname,                                                               \
        .basicsize = sizeof(dict_iter),                                               \
        .flags = GK_TPFLAG_GC,                                                        \
        .dealloc = diter_dealloc,                                                     \
        .getattr = gk__object_generic_getattr,                                        \
        .iter = gk__iter_self,                                                           \
        .iternext = diter_next,                                                       \
        .traverse = diter_traverse,                                                   \
        .clear = diter_clear,                                                         \
        .methods = diter_methods,                                                     \
    }

/* The exported type iterates keys; the others are readied on first use. */
gk_type DICT_ITER_TYPE(gk__dict_iter_type, "dict_keyiterator");
static gk_type DICT_ITER_TYPE(dict_valueiter_type, "dict_valueiterator");
static gk_type DICT_ITER_TYPE(dict_itemiter_type, "dict_itemiterator");
static gk_type DICT_ITER_TYPE(dict_revkeyiter_type, "dict_reversekeyiterator");
static gk_type DICT_ITER_TYPE(dict_revvalueiter_type, "dict_reversevalueiterator");
static gk_type DICT_ITER_TYPE(dict_revitemiter_type, "dict_reverseitemiterator");

/* ---- views: dict_keys, dict_values, dict_items ---- */

typedef struct {
    GK_HEAD;
    gk_object *dict;
} dict_view;

#define VIEW_DICT(o) (((dict_view *)(o))->dict)

static gk_object *view_new(gk_type *type, gk_object *d)
{
    dict_view *v = (dict_view *)gk__gc_new(type, sizeof(dict_view));
    if (!v)
        return NULL;
    v->dict = gk__incref(d);
    return (gk_object *)v;
}

static void view_dealloc(gk_object *o)
{
    GK_CLEAR(VIEW_DICT(o));
    gk__gc_free(o);
}

static int view_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    return VIEW_DICT(o) ? visit(VIEW_DICT(o), arg) : 0;
}

static int view_clear(gk_object *o)
{
    GK_CLEAR(VIEW_DICT(o));
    return 0;
}

static int view_kind(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    return t == &gk__dict_keys_type ? K_KEYS : t == &gk__dict_values_type ? K_VALUES : K_ITEMS;
}

static intptr_t view_len(gk_object *o) { return (intptr_t)DCT(VIEW_DICT(o))->used; }

static gk_object *view_iter(gk_object *o) { return dict_iter_make(VIEW_DICT(o), view_kind(o), false); }

static gk_object *view_reversed(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("dict.__reversed__", nargs, kw, 0, 0) < 0)
        return NULL;
    return dict_iter_make(VIEW_DICT(self), view_kind(self), true);
}

static gk_object *view_repr(gk_object *o)
{
    int r = gk__repr_enter(o);
    if (r != 0)
        return r < 0 ? NULL : gk__str_from_cstr("...");
    gk_object *res = NULL;
    gk_object *l = gk__sequence_list(o);
    if (l) {
        res = gk__str_from_format("%s(%R)", GK_TYPE_NAME(o), l);
        gk__decref(l);
    }
    gk__repr_leave(o);
    return res;
}

static int keys_contains(gk_object *o, gk_object *key) { return dict_contains(VIEW_DICT(o), key); }

static int items_contains(gk_object *o, gk_object *item)
{
    if (!gk__is_tuple(item) || gk__tuple_size(item) != 2)
        return 0;
    gk_object *v = gk__dict_get(VIEW_DICT(o), GK_TUPLE_GET(item, 0));
    if (!v)
        return gk__err_occurred() ? -1 : 0;
    gk__incref(v);
    int r = gk__richcompare_bool(v, GK_TUPLE_GET(item, 1), GK_EQ);
    gk__decref(v);
    return r;
}

static int values_contains(gk_object *o, gk_object *item)
{
    gk_object *it = view_iter(o);
    if (!it)
        return -1;
    gk_object *v;
    int r = 0;
    while (r == 0 && (v = gk__iternext(it)) != NULL) {
        r = gk__richcompare_bool(v, item, GK_EQ);
        gk__decref(v);
    }
    gk__decref(it);
    if (r == 0 && gk__err_occurred())
        return -1;
    return r;
}

static bool is_setlike_view(gk_object *o)
{
    return GK_TYPE(o) == &gk__dict_keys_type || GK_TYPE(o) == &gk__dict_items_type;
}

/* Every item of a is in b (b's contains slot or gk__contains). */
static int all_contained(gk_object *a, gk_object *b)
{
    gk_object *it = gk__iter(a);
    if (!it)
        return -1;
    gk_object *x;
    int r = 1;
    while (r == 1 && (x = gk__iternext(it)) != NULL) {
        r = gk__contains(b, x);
        gk__decref(x);
    }
    gk__decref(it);
    if (r == 1 && gk__err_occurred())
        return -1;
    return r;
}

static gk_object *view_richcompare(gk_object *a, gk_object *b, int op)
{
    if (!is_setlike_view(a) || (!gk__is_anyset(b) && !is_setlike_view(b)))
        return gk__incref(GK_NOTIMPLEMENTED);
    intptr_t la = gk__len(a), lb = gk__len(b);
    if (la < 0 || lb < 0)
        return NULL;
    int r;
    switch (op) {
    case GK_EQ: case GK_NE:
        r = la == lb ? all_contained(a, b) : 0;
        if (r >= 0 && op == GK_NE)
            r = !r;
        break;
    case GK_LT: r = la < lb ? all_contained(a, b) : 0; break;
    case GK_LE: r = la <= lb ? all_contained(a, b) : 0; break;
    case GK_GT: r = la > lb ? all_contained(b, a) : 0; break;
    case GK_GE: r = la >= lb ? all_contained(b, a) : 0; break;
    default: r = 0;
    }
    return r < 0 ? NULL : gk__bool(r == 1);
}

/* set(a) <method>(b) for the view set operators. */
static gk_object *view_setop(gk_object *a, gk_object *b, const char *method)
{
    gk_object *s = gk__set_new(a);
    if (!s)
        return NULL;
    gk_object *r = gk__call_method(s, method, &b, 1);
    if (!r) {
        gk__decref(s);
        return NULL;
    }
    gk__decref(r);
    return s;
}

static gk_object *view_sub(gk_object *a, gk_object *b) { return view_setop(a, b, "difference_update"); }
static gk_object *view_or(gk_object *a, gk_object *b) { return view_setop(a, b, "update"); }
static gk_object *view_xor(gk_object *a, gk_object *b)
{
    return view_setop(a, b, "symmetric_difference_update");
}

static gk_object *view_and(gk_object *a, gk_object *b)
{
    if (!is_setlike_view(a)) {
        gk_object *t = a;
        a = b;
        b = t;
    }
    intptr_t la = gk__len(a);
    if (GK_TYPE(b) == &gk__set_type) {
        intptr_t lb = gk__len(b);
        if (la <= lb)
            return gk__call_method(b, "intersection", &a, 1);
    }
    if (is_setlike_view(b) && gk__len(b) > la) {
        gk_object *t = a;
        a = b;
        b = t;
    }
    gk_object *res = gk__set_new(NULL);
    if (!res)
        return NULL;
    gk_object *it = gk__iter(b);
    if (!it)
        goto fail;
    gk_object *x;
    while ((x = gk__iternext(it)) != NULL) {
        int r = gk__contains(a, x);
        if (r > 0)
            r = gk__set_add(res, x);
        gk__decref(x);
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

static gk_object *view_isdisjoint(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kw)
{
    if (gk__check_args("dict.isdisjoint", nargs, kw, 1, 1) < 0)
        return NULL;
    gk_object *it = gk__iter(args[0]);
    if (!it)
        return NULL;
    gk_object *x;
    int r = 0;
    while (r == 0 && (x = gk__iternext(it)) != NULL) {
        r = gk__contains(self, x);
        gk__decref(x);
    }
    gk__decref(it);
    if (r < 0 || (r == 0 && gk__err_occurred()))
        return NULL;
    return gk__bool(r == 0);
}

static gk_object *view_mapping(gk_object *self, void *closure)
{
    (void)closure;
    return gk__str_from_format("mappingproxy(%R)", VIEW_DICT(self));
}

static const gk__methoddef setview_methods[] = {
    {"__reversed__", view_reversed, GK_METH_DEFAULT, NULL},
    {"isdisjoint", view_isdisjoint, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

static const gk__methoddef values_methods[] = {
    {"__reversed__", view_reversed, GK_METH_DEFAULT, NULL},
    {NULL, NULL, 0, NULL},
};

static const gk__getsetdef view_getset[] = {
    {"mapping", view_mapping, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

#define VIEW_TYPE(cname, pyname, containsfn, setlike)                                   \
    gk_type gk__##cname##_type = {                                                      \
        .ob = GK_STATIC_HEAD(&gk__type_type),                                           \
        .name = pyname,                                                                 \
        .basicsize = sizeof(dict_view),                                                 \
        .flags = GK_TPFLAG_GC,                                                          \
        .dealloc = view_dealloc,                                                        \
        .repr = view_repr,                                                              \
        .richcompare = setlike ? view_richcompare : NULL,                               \
        .getattr = gk__object_generic_getattr,                                          \
        .iter = view_iter,                                                              \
        .nb = { [GK_BINOP_SUB] = setlike ? view_sub : NULL,                             \
                [GK_BINOP_AND] = setlike ? view_and : NULL,                             \
                [GK_BINOP_OR] = setlike ? view_or : NULL,                               \
                [GK_BINOP_XOR] = setlike ? view_xor : NULL },                           \
        .len = view_len,                                                                \
        .contains = containsfn,                                                         \
        .traverse = view_traverse,                                                      \
        .clear = view_clear,                                                            \
        .methods = setlike ? setview_methods : values_methods,                          \
        .getset = view_getset,                                                          \
    };

VIEW_TYPE(dict_keys, "dict_keys", keys_contains, 1)
VIEW_TYPE(dict_values, "dict_values", values_contains, 0)
VIEW_TYPE(dict_items, "dict_items", items_contains, 1)
