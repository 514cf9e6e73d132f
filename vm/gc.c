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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "objects.h"

typedef struct gk__gchead {
    struct gk__gchead *next, *prev;
    intptr_t gc_refs;
    /* keeps the object that follows 16-byte aligned */
    intptr_t pad;
} gk__gchead;

#define HEAD(o) ((gk__gchead *)(o) - 1)
#define OBJ(h) ((gk_object *)((gk__gchead *)(h) + 1))
#define MIN_THRESHOLD 10000

gk_object *gk__obj_new(gk_type *type, size_t size)
{
    gk_object *o = calloc(1, size);
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
    free(o);
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
    gk__gchead *h = calloc(1, sizeof(gk__gchead) + size);
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
    free(h);
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
