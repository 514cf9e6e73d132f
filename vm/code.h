/*
 * vm/code.h - code objects (made by the compiler), functions, cells,
 * frames, generators, tracebacks, and the eval loop's entry points.
 * Code objects: vm/lang/code.c.  The rest: vm/eval.c, vm/objects/function.c,
 * vm/objects/generator.c, vm/objects/frame.c.
 */
#ifndef GK_VM_CODE_H
#define GK_VM_CODE_H

#include "object.h"
#include "lang/opcodes.h"

enum {
    GK_CO_VARARGS   = 1u << 0,   /* has *args */
    GK_CO_VARKEYWORDS = 1u << 1, /* has **kwargs */
    GK_CO_GENERATOR = 1u << 2,   /* contains yield */
    GK_CO_NEWLOCALS = 1u << 3,   /* function scope (fast locals); module/class bodies use a dict */
    GK_CO_NESTED    = 1u << 4,
};

/* Invariant: immutable after the compiler creates it.  Local slots are
 * numbered: varnames (arguments first: positional, kw-only, *args,
 * **kwargs) then cells (cellvars then freevars), then the value stack. */
typedef struct gk_code {
    GK_HEAD;
    gk_instr *instrs;          /* owned */
    size_t ninstrs;
    uint32_t *lines;           /* owned: source line of each instruction */
    uint16_t *cols;            /* owned: 0-based column of each instruction (for carets) */
    gk_object *consts;         /* tuple */
    gk_object *names;          /* tuple of str: attribute and global names */
    gk_object *varnames;       /* tuple of str: local variable names */
    gk_object *cellvars;       /* tuple of str: locals captured by inner functions */
    gk_object *freevars;       /* tuple of str: variables from enclosing scopes */
    gk_object *name;           /* str: function name, "<module>", "<listcomp>" ... */
    gk_object *qualname;       /* str */
    gk_object *filename;       /* str */
    int argcount;              /* positional parameters (incl. positional-only) */
    int posonlyargcount;
    int kwonlyargcount;
    int nlocals;               /* len(varnames) */
    int stacksize;             /* maximum value-stack depth */
    int maxblocks;             /* maximum block-stack depth */
    unsigned flags;            /* GK_CO_* */
    int firstlineno;
    /* cell2arg[i] >= 0 when cellvar i is also argument number cell2arg[i]
     * (its value is moved into the cell on entry); NULL if none. */
    int *cell2arg;
    /* owned, one per name (NULL if no names): the dict entry number where LOAD_GLOBAL last found
     * the name, a hint checked by key identity (gk__dict_get_hinted) */
    uint32_t *global_hints;
    size_t ncells;             /* len(cellvars) + len(freevars) */
    /* owned, NULL until the eval loop first needs it: one attribute cache per instruction
     * (LOAD_ATTR, STORE_ATTR, LOAD_METHOD use theirs; see vm/eval.c).  GIL. */
    struct gk__attr_cache *attr_cache;
} gk_code;

/* What an attribute instruction learnt last time (vm/eval.c): for objects whose type has the
 * version tag `tag`, the MRO lookup of the name gave `descr` (BORROWED: the tag is cleared before
 * the type's dicts change), and the name was entry number `hint` of the last instance dict. */
typedef struct gk__attr_cache {
    uint64_t tag;
    gk_object *descr;
    uint32_t hint;
    uint32_t flags;            /* eval.c's ATTR_* bits */
} gk__attr_cache;

/* code.c: creates a code object; all object arguments are borrowed; the
 * arrays are copied.  Returns NULL + MemoryError. */
gk_object *gk__code_new(const gk_instr *instrs, size_t n, const uint32_t *lines, const uint16_t *cols,
                        gk_object *consts, gk_object *names, gk_object *varnames,
                        gk_object *cellvars, gk_object *freevars, gk_object *name,
                        gk_object *qualname, gk_object *filename, int argcount,
                        int posonlyargcount, int kwonlyargcount, int stacksize, int maxblocks,
                        unsigned flags, int firstlineno);
/* Prints a disassembly to stderr (debugging; `gilkit -X dis`). */
void gk__code_dump(gk_object *code);
int gk__code_line_at(gk_code *co, size_t pc);   /* line of instruction pc */

/* function.c: a Python function. */
typedef struct gk_function {
    GK_HEAD;
    gk_object *code;           /* gk_code */
    gk_object *globals;        /* dict */
    gk_object *builtins;       /* dict (borrowed from the runtime at creation, owned ref) */
    gk_object *name, *qualname;/* str */
    gk_object *defaults;       /* tuple or NULL */
    gk_object *kwdefaults;     /* dict or NULL */
    gk_object *closure;        /* tuple of cells or NULL */
    gk_object *dict;           /* __dict__ or NULL */
    gk_object *module;         /* __module__ str or NULL */
    gk_object *doc;
} gk_function;
gk_object *gk__function_new(gk_object *code, gk_object *globals, gk_object *qualname);

/* A bound method: calling it prepends self. */
gk_object *gk__method_new(gk_object *func, gk_object *self);

/* cell (function.c) */
gk_object *gk__cell_new(gk_object *value);        /* value may be NULL (empty) */
gk_object *gk__cell_get(gk_object *cell);          /* BORROWED or NULL if empty */
void gk__cell_set(gk_object *cell, gk_object *value); /* no steal; NULL empties */

/* traceback (frame.c): one entry per frame an exception passed through,
 * innermost last, like python3's tb_next chain. */
typedef struct gk_traceback {
    GK_HEAD;
    gk_object *next;           /* next (inner) entry or NULL */
    gk_object *code;           /* the frame's gk_code */
    int lineno;
} gk_traceback;
/* Prepends an entry for (code, lineno) to exc's traceback. 0 / -1. */
int gk__traceback_add(gk_object *exc, gk_object *code, int lineno);

/* ---- eval.c ---- */
/* Runs a module or class body: locals is the namespace dict (for modules
 * the same object as globals).  Returns the result (None for modules). */
gk_object *gk__eval_code(gk_object *code, gk_object *globals, gk_object *locals);
/* The call slot of functions. */
gk_object *gk__function_call(gk_object *func, gk_object *const *args, size_t nargs, gk_object *kwnames);
/* For zero-argument super(): the __class__ cell value and first argument of
 * the innermost Python frame.  0 / -1 + RuntimeError("super(): no arguments"). */
int gk__frame_super_args(gk_object **cls, gk_object **self);  /* BORROWED outs */
/* globals() / locals() of the innermost Python frame: BORROWED, or NULL. */
gk_object *gk__frame_globals(void);
gk_object *gk__frame_locals(void);   /* new reference: a dict (snapshot for function frames) */
/* The builtin __build_class__(func, name, *bases, **kw). */
gk_object *gk__build_class(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames);

/* ---- generator.c ---- */
/* gen.send(value): returns the yielded value; at the end NULL with
 * StopIteration(return value) pending. */
gk_object *gk__gen_send(gk_object *gen, gk_object *value);
bool gk__is_generator(gk_object *o);

#endif
