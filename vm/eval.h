/*
 * vm/eval.h - frames and the eval loop's internal entry points, shared by
 * vm/eval.c, vm/objects/frame.c and vm/objects/generator.c.
 */
#ifndef GK_VM_EVAL_H
#define GK_VM_EVAL_H

#include "objects.h"
#include "code.h"
#include "runtime.h"

enum { GK_BLOCK_FINALLY = 1, GK_BLOCK_EXCEPT_HANDLER = 2 };

/* One entry of a frame's block stack: where to jump on an exception and the
 * value-stack depth to unwind to. */
typedef struct gk__block {
    int type;       /* GK_BLOCK_* */
    int handler;    /* instruction index */
    int level;      /* value-stack depth */
} gk__block;

enum { GK_FRAME_CREATED = 0, GK_FRAME_SUSPENDED, GK_FRAME_RUNNING, GK_FRAME_DONE };

/*
 * An activation record.  localsplus holds code->nlocals fast locals, then
 * the cells (cellvars then freevars), then code->stacksize stack slots;
 * the block stack (code->maxblocks entries) follows.  While the frame runs,
 * it is linked from its thread's gk__tstate.frame through `back`.
 * Invariant: every non-NULL slot below `sp` (and every local) is an owned
 * reference.  Generator frames live as long as their generator; others are
 * freed when the call returns.  Guarded by the GIL.
 */
typedef struct gk__frame {
    struct gk__frame *back;     /* calling frame while running, else NULL */
    gk_code *code;              /* owned */
    gk_object *globals;         /* owned dict */
    gk_object *builtins;        /* owned dict */
    gk_object *locals;          /* owned namespace dict (module/class bodies) or NULL */
    gk_object *gen;             /* BORROWED owning generator, or NULL */
    gk_object **stack;          /* base of the value stack inside localsplus */
    gk_object **sp;             /* top of the value stack while not running */
    gk__block *blocks;
    int nblocks;
    int pc;                     /* next instruction to run */
    int lasti;                  /* instruction being / last executed */
    int state;                  /* GK_FRAME_* */
    size_t alloc_size;          /* bytes allocated (for the frame cache) */
    gk_object *localsplus[];
} gk__frame;

static inline size_t gk__frame_ncells(gk_code *co)
{
    return co->ncells;
}

/* frame.c: allocates a frame for co with empty locals and stack; the
 * dicts are borrowed (the frame takes its own references); locals may be
 * NULL.  NULL + MemoryError on failure. */
gk__frame *gk__frame_new(gk_code *co, gk_object *globals, gk_object *builtins, gk_object *locals);
/* frame.c: drops every reference the frame holds and frees it. */
void gk__frame_free(gk__frame *f);
/* Frees the calling thread's cache of frame memory (when a thread ends). */
void gk__frame_cache_flush(void);
/* frame.c: visits the frame's references (for the cycle collector). */
int gk__frame_traverse(gk__frame *f, gk_visitfunc visit, void *arg);
/* frame.c: drops the frame's locals, cells and stack (cycle breaking). */
void gk__frame_clear(gk__frame *f);

/* eval.c: runs f from f->pc until it returns or yields.  With throwflag
 * set, the pending exception is raised at the resume point.  Returns the
 * yielded value (f->state SUSPENDED) or the return value (f->state DONE),
 * or NULL with an exception pending (state DONE). */
gk_object *gk__eval_frame(gk__tstate *ts, gk__frame *f, int throwflag);

/* function.c: binds a call's arguments into fn's fresh fast locals with
 * CPython 3.11's TypeError messages.  0 / -1 (the locals filled so far
 * are left for the caller to free with the frame). */
int gk__function_bind(gk_function *fn, gk_object **locals, gk_object *const *args, size_t nargs,
                      gk_object *kwnames);

/* generator.c: wraps a fresh frame of a generator function (steals f). */
gk_object *gk__gen_new(gk__frame *f, gk_object *qualname);
/* generator.c: sends arg (NULL: None) into gen.  Returns 1 with *result the
 * yielded value, 0 with *result the return value, -1 on error. */
int gk__gen_send_ex(gk_object *gen, gk_object *arg, gk_object **result);

#endif
