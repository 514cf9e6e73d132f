/*
 * vm/lang/symtable.h - the symbol table the compiler builds before it emits
 * code: one entry per scope (module, class, function, lambda, comprehension,
 * generator expression) recording how each name is bound and where it
 * lives (fast local, cell, free variable, global, name lookup).
 * Implementation: vm/lang/symtable.c.  Used only by vm/lang/compile.c.
 */
#ifndef GK_VM_SYMTABLE_H
#define GK_VM_SYMTABLE_H

#include <stdbool.h>
#include "ast.h"

enum gk__block_kind { GK_BLOCK_MODULE = 0, GK_BLOCK_CLASS = 1, GK_BLOCK_FUNCTION = 2 };

/* Symbol flags (how a scope uses a name). */
enum {
    GK_DEF_GLOBAL = 1 << 0,      /* `global` statement */
    GK_DEF_LOCAL = 1 << 1,       /* assigned in this scope */
    GK_DEF_PARAM = 1 << 2,       /* a parameter */
    GK_DEF_NONLOCAL = 1 << 3,    /* `nonlocal` statement */
    GK_DEF_USE = 1 << 4,         /* read */
    GK_DEF_FREE_CLASS = 1 << 5,  /* a class-local name also free in a method */
    GK_DEF_IMPORT = 1 << 6,      /* bound by import */
    GK_DEF_BOUND = GK_DEF_LOCAL | GK_DEF_PARAM | GK_DEF_IMPORT,
};

/* Resolved scope of a name (after analysis). */
enum { GK_SCOPE_NONE = 0, GK_SCOPE_LOCAL, GK_SCOPE_GLOBAL_EXPLICIT, GK_SCOPE_GLOBAL_IMPLICIT,
       GK_SCOPE_FREE, GK_SCOPE_CELL };

typedef struct gk__symbol {
    gk_object *name;             /* owned str (mangled) */
    int64_t hash;
    int flags;                   /* GK_DEF_* */
    int scope;                   /* GK_SCOPE_* */
    gk__ast *where;              /* the global/nonlocal statement's name node, or NULL */
} gk__symbol;

typedef struct gk__ste {
    struct gk__ste *parent;
    gk__ast *node;               /* the defining node (MODULE, FUNCTIONDEF, CLASSDEF, LAMBDA, *COMP, GENEXP) */
    int kind;                    /* enum gk__block_kind */
    gk_object *name;             /* owned str: function/class name, "lambda", "listcomp", "top" */
    gk__symbol *syms;
    size_t nsyms, capsyms;
    gk_object **params;          /* owned strs, in parameter order */
    size_t nparams, capparams;
    struct gk__ste **children;   /* in source order */
    size_t nchildren, capchildren;
    bool is_generator;
    bool is_comprehension;       /* listcomp/setcomp/dictcomp/genexp */
    bool is_nested;              /* inside a function scope */
    bool has_free, child_free;
    bool needs_class_closure;    /* class whose methods use super()/__class__ */
    bool varargs, varkeywords;
    int comp_kind;               /* for comprehensions: the AST kind */
} gk__ste;

typedef struct gk__symtable {
    gk__ste *top;
    gk_object *filename;         /* borrowed */
} gk__symtable;

/* Builds and analyzes the symbol table for a MODULE tree.  Returns 0, or -1
 * with SyntaxError (or MemoryError) pending.  Free with gk__symtable_free. */
int gk__symtable_build(gk__symtable *st, gk__ast *module, gk_object *filename);
void gk__symtable_free(gk__symtable *st);
/* The child entry of `parent` whose node is `node`, or NULL. */
gk__ste *gk__ste_child(gk__ste *parent, gk__ast *node);
/* The symbol for `name` (already mangled) in ste, or NULL. */
gk__symbol *gk__ste_lookup(gk__ste *ste, gk_object *name);
/* Resolved scope of name in ste (GK_SCOPE_NONE if unknown). */
int gk__ste_scope(gk__ste *ste, gk_object *name);
/* Private-name mangling: returns a new reference (name itself when no
 * mangling applies); privateobj is the enclosing class name or NULL. */
gk_object *gk__mangle(gk_object *privateobj, gk_object *name);
/* Raises SyntaxError(msg, (filename, line, col+1, None, end_line, end_col+1)); returns -1. */
int gk__syntax_error(gk_object *filename, gk__ast *node, const char *fmt, ...);
/* Source text used to fill SyntaxError.text (may be NULL; borrowed, set
 * by gk__compile_source for the duration of one compilation). */
void gk__syntax_set_source(const char *source, size_t size);

#endif
