/*
 * vm/objects/frame.c - frame memory, the (minimal) frame type, and
 * tracebacks.
 *
 * Frames are plain C structs (vm/eval.h), not objects: a call takes one
 * from a small per-thread cache of freed frames sorted by size, and gives
 * it back when the call ends, so a call costs no malloc in the steady
 * state.  The `frame` type exists so that the name is known; it has no
 * instances.  A traceback is a chain of (code, line) entries, outermost
 * first, kept in the exception's __traceback__.
 */
#include <stdlib.h>
#include <string.h>
#include "eval.h"

/* ------------------------------------------------------------------ */
/* frame memory                                                        */

#define CACHE_GRAIN 256u
#define CACHE_BUCKETS 8u
#define CACHE_DEPTH 16u

/* A thread's cache, allocated on its first frame free.  Reached through one
 * initial-exec TLS pointer, so a call costs no __tls_get_addr. */
typedef struct frame_cache {
    gk__frame *frames[CACHE_BUCKETS][CACHE_DEPTH];
    unsigned n[CACHE_BUCKETS];
} frame_cache;
static _Thread_local frame_cache *fcache __attribute__((tls_model("initial-exec")));

static size_t frame_bytes(gk_code *co, size_t *nslots)
{
    *nslots = (size_t)co->nlocals + gk__frame_ncells(co) + (size_t)co->stacksize;
    size_t b = sizeof(gk__frame) + *nslots * sizeof(gk_object *) + (size_t)co->maxblocks * sizeof(gk__block);
    return (b + CACHE_GRAIN - 1) / CACHE_GRAIN * CACHE_GRAIN;
}

/* Returns a fresh frame for co (see eval.h). */
gk__frame *gk__frame_new(gk_code *co, gk_object *globals, gk_object *builtins, gk_object *locals)
{
    size_t nslots;
    size_t bytes = frame_bytes(co, &nslots);
    size_t bucket = bytes / CACHE_GRAIN - 1;
    gk__frame *f = NULL;
    frame_cache *fc = fcache;
    if (fc && bucket < CACHE_BUCKETS && fc->n[bucket] > 0)
        f = fc->frames[bucket][--fc->n[bucket]];
    else if (!(f = malloc(bytes))) {
        gk__raise_nomemory();
        return NULL;
    }
    f->alloc_size = bytes;
    f->back = NULL;
    f->code = (gk_code *)gk__incref((gk_object *)co);
    f->globals = gk__incref(globals);
    f->builtins = gk__incref(builtins);
    f->locals = locals ? gk__incref(locals) : NULL;
    f->gen = NULL;
    size_t nfast = (size_t)co->nlocals + gk__frame_ncells(co);
    /* the stack's slots are written before they are read (below sp nothing is stale) */
    memset(f->localsplus, 0, nfast * sizeof(gk_object *));
    f->stack = f->localsplus + nfast;
    f->sp = f->stack;
    f->blocks = (gk__block *)(f->localsplus + nslots);
    f->nblocks = 0;
    f->pc = 0;
    f->lasti = 0;
    f->state = GK_FRAME_CREATED;
    return f;
}

/* Drops the frame's locals, cells and stack. */
void gk__frame_clear(gk__frame *f)
{
    gk_object **p = f->localsplus;
    size_t nfast = (size_t)(f->stack - f->localsplus);
    for (size_t i = 0; i < nfast; i++)
        GK_CLEAR(p[i]);
    while (f->sp > f->stack) {
        gk_object *v = *--f->sp;
        gk__xdecref(v);
    }
    f->nblocks = 0;
}

/* Drops every reference of f and frees (or caches) its memory. */
void gk__frame_free(gk__frame *f)
{
    gk__frame_clear(f);
    GK_CLEAR(f->locals);
    GK_CLEAR(f->globals);
    GK_CLEAR(f->builtins);
    GK_CLEAR(f->code);
    size_t bucket = f->alloc_size / CACHE_GRAIN - 1;
    frame_cache *fc = fcache;
    if (!fc && bucket < CACHE_BUCKETS)
        fc = fcache = calloc(1, sizeof *fc);
    if (fc && bucket < CACHE_BUCKETS && fc->n[bucket] < CACHE_DEPTH) {
        fc->frames[bucket][fc->n[bucket]++] = f;
        return;
    }
    free(f);
}

/* Frees this thread's cached frames (a thread calls it as it ends). */
void gk__frame_cache_flush(void)
{
    frame_cache *fc = fcache;
    if (!fc)
        return;
    for (size_t b = 0; b < CACHE_BUCKETS; b++) {
        while (fc->n[b] > 0)
            free(fc->frames[b][--fc->n[b]]);
    }
    fcache = NULL;
    free(fc);
}

/* Visits every reference f holds. */
int gk__frame_traverse(gk__frame *f, gk_visitfunc visit, void *arg)
{
    int r;
    gk_object *fixed[] = { (gk_object *)f->code, f->globals, f->builtins, f->locals };
    for (size_t i = 0; i < 4; i++)
        if (fixed[i] && (r = visit(fixed[i], arg)))
            return r;
    for (gk_object **p = f->localsplus; p < f->sp; p++)
        if (*p && (r = visit(*p, arg)))
            return r;
    return 0;
}

/* ------------------------------------------------------------------ */
/* the frame type (no instances)                                       */

gk_type gk__frame_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "frame",
    .basicsize = sizeof(gk_object),
    .getattr = gk__object_generic_getattr,
    .doc = "A frame of execution.",
};

/* ------------------------------------------------------------------ */
/* traceback                                                           */

#define TB(o) ((gk_traceback *)(o))

/* Prepends an entry for (code, lineno) to exc's traceback; 0 / -1. */
int gk__traceback_add(gk_object *exc, gk_object *code, int lineno)
{
    gk_traceback *tb = (gk_traceback *)gk__gc_new(&gk__traceback_type, sizeof(gk_traceback));
    if (!tb)
        return -1;
    gk_object *old = gk__exc_traceback(exc);
    tb->next = old ? gk__incref(old) : NULL;
    tb->code = gk__incref(code);
    tb->lineno = lineno;
    gk__exc_set_traceback(exc, (gk_object *)tb);
    gk__decref((gk_object *)tb);
    return 0;
}

static int tb_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    int r = TB(o)->next ? visit(TB(o)->next, arg) : 0;
    if (!r && TB(o)->code)
        r = visit(TB(o)->code, arg);
    return r;
}

static int tb_clear(gk_object *o)
{
    GK_CLEAR(TB(o)->next);
    return 0;
}

static void tb_dealloc(gk_object *o)
{
    /* Long chains are freed iteratively to spare the C stack. */
    gk_object *next = TB(o)->next;
    TB(o)->next = NULL;
    GK_CLEAR(TB(o)->code);
    gk__gc_free(o);
    while (next && next->refcnt == 1) {
        gk_object *n2 = TB(next)->next;
        TB(next)->next = NULL;
        gk__decref(next);
        next = n2;
    }
    gk__xdecref(next);
}

static gk_object *tb_get_next(gk_object *o, void *c)
{
    return gk__incref(TB(o)->next ? TB(o)->next : GK_NONE);
}

static gk_object *tb_get_lineno(gk_object *o, void *c) { return gk__int_from_i64(TB(o)->lineno); }
static gk_object *tb_get_code(gk_object *o, void *c) { return gk__incref(TB(o)->code); }
static gk_object *tb_get_frame(gk_object *o, void *c) { return gk__none_ref(); }

static const gk__getsetdef tb_getset[] = {
    { "tb_next", tb_get_next, NULL, NULL },
    { "tb_lineno", tb_get_lineno, NULL, NULL },
    { "tb_code", tb_get_code, NULL, NULL },
    { "tb_frame", tb_get_frame, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__traceback_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "traceback",
    .basicsize = sizeof(gk_traceback),
    .flags = GK_TPFLAG_GC,
    .dealloc = tb_dealloc,
    .getattr = gk__object_generic_getattr,
    .traverse = tb_traverse,
    .clear = tb_clear,
    .getset = tb_getset,
    .doc = "A traceback entry.",
};
