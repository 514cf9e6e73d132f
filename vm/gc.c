/*
 * vm/gc.c - object memory and the cycle collector.
 *
 * Objects are freed by reference counting the moment their count drops to
 * zero.  Reference cycles never reach zero, so objects of container types
 * (GK_TPFLAG_GC) carry a hidden header in front of them that links them
 * into one list, and the collector finds cycles that nothing outside the
 * list refers to:
 *
 *   1. copy every tracked object's refcnt into its header (gc_refs);
 *   2. for every tracked object, visit what it refers to (traverse) and
 *      subtract one from the gc_refs of each tracked referent; what is
 *      left is the number of references from outside the tracked set;
 *   3. objects with gc_refs > 0 are reachable, and so is everything they
 *      refer to, transitively;
 *   4. the rest is garbage: hold a reference to each, call each one's
 *      clear slot (which drops its references and breaks the cycles), then
 *      drop the held references so reference counting frees them.
 *
 * Whether a referent is tracked is decided by looking its address up in a
 * hash table built for the collection, never by peeking in front of an
 * object, so static objects of GC types are safe.  Collections run only
 * at eval-breaker checks (never inside an arbitrary C function that may
 * hold borrowed pointers), requested when the allocations since the last
 * collection pass a threshold that grows with the heap.  All of this runs
 * with the GIL held.
 *
 * Memory for small objects (up to SM_MAX bytes, collector header included)
 * comes from a size-class allocator (sm_alloc/sm_free below) instead of
 * calloc: 256 KiB aligned arenas cut into 4 KiB pages, each page serving one
 * 16-byte size class, with a free list per class.  A freed block goes back to
 * its class's list, found from its arena's page table; a pointer that is in
 * no arena came from calloc.  Like the objects themselves it is guarded by
 * the GIL.  Builds with AddressSanitizer use calloc/free throughout so that
 * ASan still sees every object's lifetime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "objects.h"

typedef struct gk__gchead {
    struct gk__gchead *next, *prev;
    intptr_t gc_refs;
    /* keeps the object that follows 16-byte aligned; also holds
     * GC_FINALIZED once the collector has run the object's __del__ */
    intptr_t pad;
} gk__gchead;
#define GC_FINALIZED 1

/* ---- small-object memory ---- */

#if defined(__SANITIZE_ADDRESS__)
#define SM_ENABLED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SM_ENABLED 0
#endif
#endif
#ifndef SM_ENABLED
#define SM_ENABLED 1
#endif

#define SM_ARENA_SHIFT 18
#define SM_ARENA ((size_t)1 << SM_ARENA_SHIFT)     /* 256 KiB, aligned to its size */
#define SM_PAGE_SHIFT 12
#define SM_PAGE ((size_t)1 << SM_PAGE_SHIFT)       /* 4 KiB: one size class per page */
#define SM_NPAGES (SM_ARENA / SM_PAGE)
#define SM_GRAIN 16
#define SM_MAX 512
#define SM_NCLASS (SM_MAX / SM_GRAIN)

/* Page 0 of an arena holds this header. */
typedef struct sm_arena {
    uint8_t page_class[SM_NPAGES];  /* size class of each page, + 1 (0: not handed out) */
    size_t next_page;               /* first page never handed out */
} sm_arena;

static struct {
    void *free_list[SM_NCLASS];     /* freed blocks, linked through their first word */
    char *bump[SM_NCLASS], *bump_end[SM_NCLASS];   /* the rest of each class's newest page */
    sm_arena *cur;                  /* the arena new pages come from */
    uintptr_t *arenas;              /* open-addressing set of arena addresses (0: empty) */
    size_t arenas_mask, narenas;
} sm;

static inline size_t sm_slot(uintptr_t a)
{
    return (size_t)(((a >> SM_ARENA_SHIFT) * 0x9E3779B97F4A7C15ull) >> 32) & sm.arenas_mask;
}

/* Is p inside one of the arenas? */
static inline bool sm_owns(void *p)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)(SM_ARENA - 1);
    if (!sm.arenas)
        return false;
    for (size_t i = sm_slot(a);; i = (i + 1) & sm.arenas_mask) {
        if (sm.arenas[i] == a)
            return true;
        if (!sm.arenas[i])
            return false;
    }
}

static bool sm_set_add(uintptr_t a)
{
    if (2 * (sm.narenas + 1) > sm.arenas_mask + 1 || !sm.arenas) {
        size_t ncap = sm.arenas ? 2 * (sm.arenas_mask + 1) : 64;
        uintptr_t *old = sm.arenas;
        size_t oldcap = old ? sm.arenas_mask + 1 : 0;
        uintptr_t *na = calloc(ncap, sizeof *na);
        if (!na)
            return false;
        sm.arenas = na;
        sm.arenas_mask = ncap - 1;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i]) {
                size_t j = sm_slot(old[i]);
                while (na[j])
                    j = (j + 1) & sm.arenas_mask;
                na[j] = old[i];
            }
        free(old);
    }
    size_t j = sm_slot(a);
    while (sm.arenas[j])
        j = (j + 1) & sm.arenas_mask;
    sm.arenas[j] = a;
    sm.narenas++;
    return true;
}

/* Gives class c a fresh page; false when out of memory. */
static bool sm_new_page(size_t c)
{
    if (!sm.cur || sm.cur->next_page == SM_NPAGES) {
        sm_arena *a = aligned_alloc(SM_ARENA, SM_ARENA);
        if (!a)
            return false;
        if (!sm_set_add((uintptr_t)a)) {
            free(a);
            return false;
        }
        memset(a->page_class, 0, sizeof a->page_class);
        a->next_page = 1;
        sm.cur = a;
    }
    size_t pg = sm.cur->next_page++;
    sm.cur->page_class[pg] = (uint8_t)(c + 1);
    sm.bump[c] = (char *)sm.cur + pg * SM_PAGE;
    sm.bump_end[c] = sm.bump[c] + SM_PAGE;
    return true;
}

/* Zeroed memory for n bytes (like calloc(1, n)); NULL when out of memory. */
static inline void *sm_alloc(size_t n)
{
    if (!SM_ENABLED || n > SM_MAX || n == 0)
        return calloc(1, n);
    size_t c = (n - 1) / SM_GRAIN, sz = (c + 1) * SM_GRAIN;
    void *p = sm.free_list[c];
    if (p) {
        sm.free_list[c] = *(void **)p;
    } else {
        if (sm.bump[c] + sz > sm.bump_end[c] || !sm.bump[c]) {
            if (!sm_new_page(c))
                return calloc(1, n);
        }
        p = sm.bump[c];
        sm.bump[c] += sz;
    }
    memset(p, 0, n);
    return p;
}

/* Frees memory from sm_alloc. */
static inline void sm_free(void *p)
{
    if (!SM_ENABLED || !sm_owns(p)) {
        free(p);
        return;
    }
    sm_arena *a = (sm_arena *)((uintptr_t)p & ~(uintptr_t)(SM_ARENA - 1));
    size_t c = (size_t)a->page_class[((uintptr_t)p - (uintptr_t)a) >> SM_PAGE_SHIFT] - 1;
    *(void **)p = sm.free_list[c];
    sm.free_list[c] = p;
}

#define HEAD(o) ((gk__gchead *)(o) - 1)
#define OBJ(h) ((gk_object *)((gk__gchead *)(h) + 1))
#define MIN_THRESHOLD 10000

gk_object *gk__obj_new(gk_type *type, size_t size)
{
    gk_object *o = sm_alloc(size);
    if (!o)
        return gk__raise_nomemory();
    o->refcnt = 1;
    o->type = type;
    if (type->flags & GK_TPFLAG_HEAPTYPE)
        gk__incref((gk_object *)type);
    return o;
}

void gk__obj_free(gk_object *o)
{
    sm_free(o);
}

static gk__gcstate *state(void)
{
    gk__gcstate *gc = &gk__rt->gc;
    if (!gc->head) {
        gc->head = calloc(1, sizeof(gk__gchead));
        if (!gc->head)
            gk__fatal("out of memory for the collector");
        gc->head->next = gc->head->prev = gc->head;
        gc->threshold = MIN_THRESHOLD;
    }
    return gc;
}

gk_object *gk__gc_new(gk_type *type, size_t size)
{
    gk__gcstate *gc = state();
    gk__gchead *h = sm_alloc(sizeof(gk__gchead) + size);
    if (!h)
        return gk__raise_nomemory();
    gk_object *o = OBJ(h);
    o->refcnt = 1;
    o->type = type;
    if (type->flags & GK_TPFLAG_HEAPTYPE)
        gk__incref((gk_object *)type);
    h->prev = gc->head->prev;
    h->next = gc->head;
    gc->head->prev->next = h;
    gc->head->prev = h;
    gc->tracked++;
    if (++gc->allocs_since > gc->threshold && !gc->disabled && gk__current)
        atomic_fetch_or(&gk__current->eval_breaker, GK_BREAK_GC);
    return o;
}

void gk__gc_free(gk_object *o)
{
    gk__gchead *h = HEAD(o);
    if (h->next) {
        h->prev->next = h->next;
        h->next->prev = h->prev;
        gk__rt->gc.tracked--;
    }
    sm_free(h);
}

/* Heap types' instances and heap types are GC-allocated when their type
 * says so; static type objects are not, although `type` has the flag. */
static bool gc_allocated(gk_object *o)
{
    gk_type *t = GK_TYPE(o);
    if (!(t->flags & GK_TPFLAG_GC))
        return false;
    if ((t->flags & GK_TPFLAG_TYPE_SUBCLASS) && !(((gk_type *)o)->flags & GK_TPFLAG_HEAPTYPE))
        return false;
    return true;
}

void gk__free(gk_object *o)
{
    if (gc_allocated(o))
        gk__gc_free(o);
    else
        gk__obj_free(o);
}

/* ---- the collection's address table ---- */

typedef struct addr_table {
    gk__gchead **slots;
    size_t mask;
} addr_table;

static size_t hash_ptr(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x;
}

static int table_build(addr_table *t, gk__gcstate *gc)
{
    size_t cap = 16;
    while (cap < gc->tracked * 2)
        cap <<= 1;
    t->slots = calloc(cap, sizeof *t->slots);
    if (!t->slots)
        return -1;
    t->mask = cap - 1;
    for (gk__gchead *h = gc->head->next; h != gc->head; h = h->next) {
        size_t i = hash_ptr(h) & t->mask;
        while (t->slots[i])
            i = (i + 1) & t->mask;
        t->slots[i] = h;
    }
    return 0;
}

static gk__gchead *table_find(addr_table *t, gk_object *o)
{
    gk__gchead *h = HEAD(o);
    size_t i = hash_ptr(h) & t->mask;
    while (t->slots[i]) {
        if (t->slots[i] == h)
            return h;
        i = (i + 1) & t->mask;
    }
    return NULL;
}

static int visit_decref(gk_object *o, void *arg)
{
    if (!o)
        return 0;
    gk__gchead *h = table_find(arg, o);
    if (h && h->gc_refs > 0)
        h->gc_refs--;
    return 0;
}

/* Marks reachable: gc_refs == -1.  Uses an explicit stack. */
typedef struct mark_stack { gk__gchead **items; size_t n, cap; addr_table *table; } mark_stack;

static int push(mark_stack *s, gk__gchead *h)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        gk__gchead **items = realloc(s->items, cap * sizeof *items);
        if (!items)
            return -1;
        s->items = items;
        s->cap = cap;
    }
    s->items[s->n++] = h;
    return 0;
}

static int visit_mark(gk_object *o, void *arg)
{
    if (!o)
        return 0;
    mark_stack *s = arg;
    gk__gchead *h = table_find(s->table, o);
    if (h && h->gc_refs != -1) {
        h->gc_refs = -1;
        return push(arg, h);
    }
    return 0;
}

/* Whether the collector already ran o's __del__ (PEP 442: at most once). */
bool gk__gc_finalized(gk_object *o)
{
    return gc_allocated(o) && (HEAD(o)->pad & GC_FINALIZED);
}

/* Runs __del__ of the garbage objects that have one and were not finalized
 * yet, before anything is cleared, so finalizers see intact objects.
 * Returns how many ran. */
static size_t run_finalizers(gk_object **garbage, size_t n)
{
    size_t ran = 0;
    for (size_t i = 0; i < n; i++) {
        gk_object *o = garbage[i];
        gk_type *t = GK_TYPE(o);
        if (!(t->flags & GK_TPFLAG_HEAPTYPE) || !gc_allocated(o) || (HEAD(o)->pad & GC_FINALIZED) ||
            !gk__type_lookup_cstr(t, "__del__"))
            continue;
        HEAD(o)->pad |= GC_FINALIZED;
        ran++;
        gk_object *saved = gk__err_fetch();
        gk_object *r = gk__call_special(o, "__del__", NULL, 0);
        if (r)
            gk__decref(r);
        else
            gk__write_unraisable("__del__");
        gk__err_restore(saved);
    }
    return ran;
}

intptr_t gk__gc_collect(void)
{
    gk__gcstate *gc = state();
    if (gc->collecting)
        return 0;
    gc->collecting = true;
    gc->allocs_since = 0;
    addr_table table;
    mark_stack stack = { 0 };
    intptr_t freed = 0;
    int rounds = 0;
again:
    stack.n = 0;
    if (table_build(&table, gc) < 0)
        goto done;
    stack.table = &table;

    for (gk__gchead *h = gc->head->next; h != gc->head; h = h->next)
        h->gc_refs = OBJ(h)->refcnt;
    for (gk__gchead *h = gc->head->next; h != gc->head; h = h->next) {
        gk_type *t = GK_TYPE(OBJ(h));
        if (t->traverse)
            t->traverse(OBJ(h), visit_decref, &table);
    }
    for (gk__gchead *h = gc->head->next; h != gc->head; h = h->next) {
        if (h->gc_refs > 0) {
            h->gc_refs = -1;
            if (push(&stack, h) < 0)
                goto done_table;
        }
    }
    while (stack.n) {
        gk__gchead *h = stack.items[--stack.n];
        gk_type *t = GK_TYPE(OBJ(h));
        if (t->traverse && t->traverse(OBJ(h), visit_mark, &stack) < 0)
            goto done_table;
    }
    /* Everything not marked -1 is unreachable garbage. */
    size_t ngarbage = 0;
    for (gk__gchead *h = gc->head->next; h != gc->head; h = h->next)
        if (h->gc_refs != -1)
            ngarbage++;
    if (ngarbage) {
        gk_object **garbage = malloc(ngarbage * sizeof *garbage);
        if (!garbage)
            goto done_table;
        size_t n = 0;
        for (gk__gchead *h = gc->head->next; h != gc->head; h = h->next)
            if (h->gc_refs != -1)
                garbage[n++] = gk__incref(OBJ(h));
        /* Finalizers may resurrect objects or make new garbage: after
         * they ran, analyse again (finalized objects do not run twice). */
        if (rounds++ < 4 && run_finalizers(garbage, n)) {
            for (size_t i = 0; i < n; i++)
                gk__decref(garbage[i]);
            free(garbage);
            free(table.slots);
            goto again;
        }
        for (size_t i = 0; i < n; i++) {
            gk_type *t = GK_TYPE(garbage[i]);
            if (t->clear)
                t->clear(garbage[i]);
        }
        for (size_t i = 0; i < n; i++) {
            if (garbage[i]->refcnt == 1)
                freed++;
            gk__decref(garbage[i]);
        }
        free(garbage);
    }
done_table:
    free(table.slots);
done:
    free(stack.items);
    gc->collections++;
    gc->collected += (uint64_t)freed;
    gc->threshold = gc->tracked / 2 > MIN_THRESHOLD ? gc->tracked / 2 : MIN_THRESHOLD;
    gc->collecting = false;
    return freed;
}
