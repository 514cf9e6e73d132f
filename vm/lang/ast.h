/*
 * vm/lang/ast.h - the syntax tree between the parser (parser.c) and the
 * compiler (compile.c).
 *
 * Nodes live in an arena owned by the gk__ast_arena that the parser fills;
 * freeing the arena frees every node and drops the references it holds to
 * identifier and constant objects.  All nodes share one struct; the table
 * below says what each generic field means for each kind.  Unused fields
 * are zero/NULL.  Positions: line 1-based, col 0-based (in characters),
 * end_line/end_col one past the node.
 *
 *  kind            name        name2     value     a          b          c         d        l1            l2           l3          l4          op
 *  MODULE                                                                                    body
 *  FUNCTIONDEF     name                            args(ARGUMENTS) returns                     body          decorators
 *  CLASSDEF        name                                                                        body          decorators   bases       keywords(KEYWORD)
 *  RETURN                                          value?
 *  DELETE                                                                                      targets
 *  ASSIGN                                          value                                       targets (a = b = value: [a, b])
 *  AUGASSIGN                                       target     value                                                                            binop
 *  ANNASSIGN                                       target     annotation value?                                                                simple(1 if a plain name)
 *  FOR                                             target     iter                             body          orelse
 *  WHILE                                           test                                        body          orelse
 *  IF                                              test                                        body          orelse (elif: a single IF)
 *  WITH                                                                                        items(WITHITEM) body
 *  WITHITEM                                        context    vars?
 *  RAISE                                           exc?       cause?
 *  TRY                                                                                         body          handlers(EXCEPTHANDLER) orelse finalbody
 *  EXCEPTHANDLER   name?                           type?                                       body
 *  ASSERT                                          test       msg?
 *  IMPORT                                                                                      names(ALIAS)
 *  IMPORTFROM      module?                                                                     names(ALIAS; name "*" for star)                                level
 *  ALIAS           name(dotted) asname?
 *  GLOBAL/NONLOCAL                                                                             names(NAME nodes)
 *  EXPR                                            value
 *  PASS/BREAK/CONTINUE
 *  BOOLOP                                                                                      values                                                  GK_BOOL_AND/OR
 *  NAMEDEXPR                                       target     value
 *  BINOP                                           left       right                                                                                binop (enum gk_binop)
 *  UNARYOP                                         operand                                                                                         GK_UNARY_*
 *  LAMBDA                                          args       body(expr)
 *  IFEXP                                           test       body       orelse
 *  DICT                                                                                        keys (NULL item for **v) values
 *  SET/LIST/TUPLE                                                                              elts                                                    ctx
 *  LISTCOMP/SETCOMP/GENEXP                         elt                                         generators(COMPREHENSION)
 *  DICTCOMP                                        key        value                            generators
 *  COMPREHENSION                                   target     iter                             ifs
 *  YIELD                                           value?
 *  YIELDFROM                                       value
 *  COMPARE                                         left                                        comparators   ops(as ints: see cmpops below, stored in `ints`)
 *  CALL                                            func                                        args          keywords(KEYWORD)
 *  KEYWORD         arg? (NULL for **v)             value
 *  FORMATTEDVALUE                                  value      spec?(JOINEDSTR)                                                                     conversion: -1 none, 's', 'r', 'a'
 *  JOINEDSTR                                                                                   values (CONSTANT str and FORMATTEDVALUE)
 *  CONSTANT                            value(obj)                                                                                                  (value: int, float, str, bytes, None, True, False, Ellipsis)
 *  ATTRIBUTE       attr                            value                                                                                           ctx
 *  SUBSCRIPT                                       value      slice                                                                                ctx
 *  STARRED                                         value                                                                                           ctx
 *  NAME            id                                                                                                                              ctx
 *  SLICE                                           lower?     upper?     step?
 *  ARGUMENTS                                       vararg?(ARG) kwarg?(ARG)                      posonlyargs(ARG) args(ARG) kwonlyargs(ARG) defaults    (kw_defaults in l5, NULL item = none)
 *  ARG             arg
 */
#ifndef GK_VM_AST_H
#define GK_VM_AST_H

#include <stddef.h>
#include "../object.h"

#define GK_AST_KINDS(X) \
    X(MODULE) X(FUNCTIONDEF) X(CLASSDEF) X(RETURN) X(DELETE) X(ASSIGN) X(AUGASSIGN) X(ANNASSIGN) \
    X(FOR) X(WHILE) X(IF) X(WITH) X(WITHITEM) X(RAISE) X(TRY) X(EXCEPTHANDLER) X(ASSERT) \
    X(IMPORT) X(IMPORTFROM) X(ALIAS) X(GLOBAL) X(NONLOCAL) X(EXPR) X(PASS) X(BREAK) X(CONTINUE) \
    X(BOOLOP) X(NAMEDEXPR) X(BINOP) X(UNARYOP) X(LAMBDA) X(IFEXP) X(DICT) X(SET) X(LIST) X(TUPLE) \
    X(LISTCOMP) X(SETCOMP) X(GENEXP) X(DICTCOMP) X(COMPREHENSION) X(YIELD) X(YIELDFROM) X(COMPARE) \
    X(CALL) X(KEYWORD) X(FORMATTEDVALUE) X(JOINEDSTR) X(CONSTANT) X(ATTRIBUTE) X(SUBSCRIPT) \
    X(STARRED) X(NAME) X(SLICE) X(ARGUMENTS) X(ARG)

enum gk__ast_kind {
#define X(k) GK_AST_##k,
    GK_AST_KINDS(X)
#undef X
    GK_AST_KIND_COUNT
};

enum { GK_CTX_LOAD = 0, GK_CTX_STORE = 1, GK_CTX_DEL = 2 };
enum { GK_BOOL_AND = 0, GK_BOOL_OR = 1 };
enum { GK_UNARY_NOT = 0, GK_UNARY_NEG = 1, GK_UNARY_POS = 2, GK_UNARY_INVERT = 3 };
/* Comparison operators in COMPARE.ints: GK_LT..GK_GE (object.h) or these. */
enum { GK_CMP_IS = 6, GK_CMP_ISNOT = 7, GK_CMP_IN = 8, GK_CMP_NOTIN = 9 };

typedef struct gk__ast gk__ast;
typedef struct gk__astlist { gk__ast **items; size_t n; } gk__astlist;

struct gk__ast {
    int kind;                  /* enum gk__ast_kind */
    int line, col, end_line, end_col;
    int op;                    /* see the table */
    gk_object *name;           /* identifier (borrowed from the arena's references) */
    gk_object *name2;
    gk_object *value;          /* CONSTANT's object (arena holds the reference) */
    gk__ast *a, *b, *c, *d;
    gk__astlist l1, l2, l3, l4, l5;
    int *ints;                 /* COMPARE ops, length l1.n */
};

/* An arena: a chunk list of node memory plus the objects the tree refers to. */
typedef struct gk__ast_arena {
    struct gk__arena_chunk *chunks;
    gk_object *objects;        /* list holding identifier/constant references */
} gk__ast_arena;

void gk__ast_arena_init(gk__ast_arena *arena);
void gk__ast_arena_free(gk__ast_arena *arena);
/* Allocates zeroed memory in the arena; NULL + MemoryError. */
void *gk__ast_alloc(gk__ast_arena *arena, size_t size);
/* Keeps a reference to obj alive as long as the arena; returns obj (borrowed) or NULL on error. */
gk_object *gk__ast_keep(gk__ast_arena *arena, gk_object *obj);

/* Prints a tree to stderr (debugging). */
void gk__ast_dump(gk__ast *node);

/* Parses source (UTF-8) into a MODULE node.  mode: 0 file, 1 single
 * interactive statement, 2 eval expression (MODULE with one EXPR).
 * On a syntax error returns NULL with SyntaxError pending whose
 * attributes are set like python3's: msg, filename, lineno, offset
 * (1-based column), text (the source line), end_lineno, end_offset. */
gk__ast *gk__parse(const char *source, size_t size, gk_object *filename, int mode, gk__ast_arena *arena);

/* Compiles a module tree into a code object (vm/lang/compile.c).  Raises
 * SyntaxError for errors the parser cannot see ('return' outside
 * function, nonlocal without binding, ...). */
gk_object *gk__compile(gk__ast *module, gk_object *filename, int mode);

/* Convenience: source text to code object (parse + compile). */
gk_object *gk__compile_source(const char *source, size_t size, gk_object *filename, int mode);

#endif
