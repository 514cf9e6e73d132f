/*
 * vm/lang/compile.c - the compiler: syntax tree (ast.h) to code objects
 * (code.h) whose bytecode follows vm/lang/opcodes.h.  Design after
 * CPython 3.9's compiler: a stack of compilation units (one per scope), a
 * static frame-block stack to unwind return/break/continue through
 * try/with/for/except blocks, jump labels resolved at assembly, and a
 * control-flow walk that computes the value-stack and block-stack sizes.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "ast.h"
#include "symtable.h"
#include "../objects.h"
#include "../code.h"

#define MAX_FBLOCKS 20

enum fbtype { FB_WHILE, FB_FOR, FB_TRY_EXCEPT, FB_FINALLY_TRY, FB_FINALLY_END, FB_WITH,
              FB_HANDLER_CLEANUP, FB_POP_VALUE, FB_EXCEPTION_HANDLER };

typedef struct fblock {
    int type;
    int block;            /* label: loop start (continue target) */
    int exit;             /* label: loop exit (break target) */
    gk__astlist *body;    /* FINALLY_TRY: the finally body */
    gk_object *name;      /* HANDLER_CLEANUP: `as` name or NULL */
} fblock;

enum { SCOPE_MODULE, SCOPE_CLASS, SCOPE_FUNCTION, SCOPE_LAMBDA, SCOPE_COMPREHENSION };

typedef struct unit {
    gk__ste *ste;
    int scope_type;
    gk_instr *code;
    uint32_t *lines;
    uint16_t *cols;
    size_t n, cap;
    int *labels;
    size_t nlabels, caplabels;
    gk_object *consts;            /* list */
    gk_object *names, *names_map; /* list, dict name -> index */
    gk_object *varnames, *varnames_map;
    gk_object *cellvars, *freevars; /* lists */
    gk_object *name, *qualname;
    gk_object *private_;          /* borrowed: enclosing class name for mangling */
    int argcount, posonly, kwonly;
    int firstlineno;
    int line, col;
    fblock fb[MAX_FBLOCKS];
    int nfb;
} unit;

typedef struct compiler {
    gk_object *filename;
    gk__symtable st;
    unit *units[256];
    int nunits;
    unit *u;
    int mode;
} compiler;

#define TRY(x) do { if ((x) < 0) return -1; } while (0)

static int compile_expr(compiler *c, gk__ast *e);
static int compile_stmt(compiler *c, gk__ast *s);
static int compile_store(compiler *c, gk__ast *e);
static int compile_jump_if(compiler *c, gk__ast *e, int label, bool cond);

static int err_at(compiler *c, gk__ast *n, const char *msg)
{
    return gk__syntax_error(c->filename, n, "%s", msg);
}

/* ------------------------------------------------------------------ */
/* Emission                                                            */

static int grow_buf(void **p, size_t *cap, size_t need, size_t el)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*p, nc * el);
    if (!q) {
        gk__raise_nomemory();
        return -1;
    }
    *p = q;
    *cap = nc;
    return 0;
}

static int emit(compiler *c, int op, uint32_t arg)
{
    unit *u = c->u;
    if (arg > GK_MAX_ARG)
        return gk__syntax_error(c->filename, NULL, "too many constants or names"), -1;
    size_t cap = u->cap;
    if (u->n + 1 > cap) {
        size_t c1 = cap, c2 = cap, c3 = cap;
        if (grow_buf((void **)&u->code, &c1, u->n + 1, sizeof(gk_instr)) < 0 ||
            grow_buf((void **)&u->lines, &c2, u->n + 1, sizeof(uint32_t)) < 0 ||
            grow_buf((void **)&u->cols, &c3, u->n + 1, sizeof(uint16_t)) < 0)
            return -1;
        u->cap = c1;
    }
    u->code[u->n] = GK_INSTR(op, arg);
    u->lines[u->n] = (uint32_t)(u->line > 0 ? u->line : 0);
    u->cols[u->n] = (uint16_t)(u->col > 0 ? (u->col > 0xffff ? 0xffff : u->col) : 0);
    u->n++;
    return 0;
}

#define OP(op) TRY(emit(c, GK_OP_##op, 0))
#define OPI(op, arg) TRY(emit(c, GK_OP_##op, (uint32_t)(arg)))

static int new_label(compiler *c)
{
    unit *u = c->u;
    if (grow_buf((void **)&u->labels, &u->caplabels, u->nlabels + 1, sizeof(int)) < 0)
        return -1;
    u->labels[u->nlabels] = -1;
    return (int)u->nlabels++;
}

static void use_label(compiler *c, int label)
{
    c->u->labels[label] = (int)c->u->n;
}

#define LABEL(var) int var = new_label(c); if (var < 0) return -1

static bool is_jump(int op)
{
    switch (op) {
    case GK_OP_JUMP: case GK_OP_POP_JUMP_IF_FALSE: case GK_OP_POP_JUMP_IF_TRUE:
    case GK_OP_JUMP_IF_FALSE_OR_POP: case GK_OP_JUMP_IF_TRUE_OR_POP: case GK_OP_FOR_ITER:
    case GK_OP_SETUP_FINALLY: case GK_OP_SETUP_WITH: case GK_OP_JUMP_IF_NOT_EXC_MATCH:
        return true;
    default:
        return false;
    }
}

/* ------------------------------------------------------------------ */
/* Constants and names                                                 */

static bool const_equal(gk_object *a, gk_object *b)
{
    if (a == b)
        return true;
    if (GK_TYPE(a) != GK_TYPE(b))
        return false;
    if (gk__is_str(a))
        return gk__str_eq(a, b);
    if (GK_TYPE(a) == &gk__int_type) {
        int r = gk__richcompare_bool(a, b, GK_EQ);
        if (r < 0) {
            gk__err_clear();
            return false;
        }
        return r == 1;
    }
    if (GK_TYPE(a) == &gk__float_type) {
        double x = gk__float_value(a), y = gk__float_value(b);
        return memcmp(&x, &y, sizeof(double)) == 0;
    }
    if (GK_TYPE(a) == &gk__bytes_type)
        return gk__bytes_size(a) == gk__bytes_size(b) &&
               memcmp(gk__bytes_data(a), gk__bytes_data(b), gk__bytes_size(a)) == 0;
    if (GK_TYPE(a) == &gk__tuple_type) {
        size_t n = gk__tuple_size(a);
        if (n != gk__tuple_size(b))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!const_equal(GK_TUPLE_GET(a, i), GK_TUPLE_GET(b, i)))
                return false;
        return true;
    }
    return false;
}

static int add_const(compiler *c, gk_object *o)
{
    gk_object *l = c->u->consts;
    size_t n = gk__list_size(l);
    for (size_t i = 0; i < n; i++)
        if (const_equal(GK_LIST_GET(l, i), o))
            return (int)i;
    if (gk__list_append(l, o) < 0)
        return -1;
    return (int)n;
}

static int load_const(compiler *c, gk_object *o)
{
    int i = add_const(c, o);
    TRY(i);
    OPI(LOAD_CONST, i);
    return 0;
}

static int load_const_new(compiler *c, gk_object *o)   /* steals o */
{
    if (!o)
        return -1;
    int r = load_const(c, o);
    gk__decref(o);
    return r;
}

static int map_index(gk_object *list, gk_object *map, gk_object *name)
{
    gk_object *v = gk__dict_get(map, name);
    if (v)
        return (int)gk__int_small_value(v);
    if (gk__err_occurred())
        return -1;
    size_t n = gk__list_size(list);
    gk_object *iv = gk__int_from_i64((int64_t)n);
    if (!iv)
        return -1;
    int r = gk__dict_set(map, name, iv);
    gk__decref(iv);
    if (r < 0 || gk__list_append(list, name) < 0)
        return -1;
    return (int)n;
}

static int name_index(compiler *c, gk_object *name)
{
    return map_index(c->u->names, c->u->names_map, name);
}

/* Emits op with the (mangled) name's index in co_names. */
static int op_name(compiler *c, int op, gk_object *name)
{
    gk_object *m = gk__mangle(c->u->private_, name);
    if (!m)
        return -1;
    int i = name_index(c, m);
    gk__decref(m);
    TRY(i);
    return emit(c, op, (uint32_t)i);
}

static int op_name_raw(compiler *c, int op, gk_object *name)
{
    int i = name_index(c, name);
    TRY(i);
    return emit(c, op, (uint32_t)i);
}

static int list_find(gk_object *list, gk_object *name)
{
    size_t n = gk__list_size(list);
    for (size_t i = 0; i < n; i++)
        if (gk__str_eq(GK_LIST_GET(list, i), name))
            return (int)i;
    return -1;
}

static int deref_index(compiler *c, gk_object *name, bool prefer_cell)
{
    int i = list_find(c->u->cellvars, name);
    if (i >= 0 && prefer_cell)
        return i;
    int j = list_find(c->u->freevars, name);
    if (j >= 0)
        return (int)gk__list_size(c->u->cellvars) + j;
    if (i >= 0)
        return i;
    gk__raise(&gk__exc_SystemError, "compiler: no cell for '%U' in %U", name, c->u->name);
    return -1;
}

enum { CTX_LOAD, CTX_STORE, CTX_DEL };

static int nameop(compiler *c, gk_object *name, int ctx)
{
    gk_object *m = gk__mangle(c->u->private_, name);
    if (!m)
        return -1;
    int r = -1;
    unit *u = c->u;
    int scope = gk__ste_scope(u->ste, m);
    bool func = u->ste->kind == GK_BLOCK_FUNCTION;
    static const int name_ops[3] = { GK_OP_LOAD_NAME, GK_OP_STORE_NAME, GK_OP_DELETE_NAME };
    static const int fast_ops[3] = { GK_OP_LOAD_FAST, GK_OP_STORE_FAST, GK_OP_DELETE_FAST };
    static const int glob_ops[3] = { GK_OP_LOAD_GLOBAL, GK_OP_STORE_GLOBAL, GK_OP_DELETE_GLOBAL };
    static const int deref_ops[3] = { GK_OP_LOAD_DEREF, GK_OP_STORE_DEREF, GK_OP_DELETE_DEREF };
    switch (scope) {
    case GK_SCOPE_FREE:
    case GK_SCOPE_CELL: {
        int i = deref_index(c, m, scope == GK_SCOPE_CELL);
        if (i < 0)
            goto done;
        int op = deref_ops[ctx];
        if (ctx == CTX_LOAD && u->ste->kind == GK_BLOCK_CLASS)
            op = GK_OP_LOAD_CLASSDEREF;
        r = emit(c, op, (uint32_t)i);
        goto done;
    }
    case GK_SCOPE_LOCAL:
        if (func) {
            int i = map_index(u->varnames, u->varnames_map, m);
            if (i >= 0)
                r = emit(c, fast_ops[ctx], (uint32_t)i);
            goto done;
        }
        break;
    case GK_SCOPE_GLOBAL_IMPLICIT:
        if (func) {
            r = op_name_raw(c, glob_ops[ctx], m);
            goto done;
        }
        break;
    case GK_SCOPE_GLOBAL_EXPLICIT:
        r = op_name_raw(c, glob_ops[ctx], m);
        goto done;
    default:
        break;
    }
    r = op_name_raw(c, name_ops[ctx], m);
done:
    gk__decref(m);
    return r;
}

static int nameop_cstr(compiler *c, const char *name, int ctx)
{
    return nameop(c, gk__str_intern(name), ctx);
}

/* ------------------------------------------------------------------ */
/* Units                                                               */

static void unit_free(unit *u)
{
    if (!u)
        return;
    free(u->code);
    free(u->lines);
    free(u->cols);
    free(u->labels);
    gk__xdecref(u->consts);
    gk__xdecref(u->names);
    gk__xdecref(u->names_map);
    gk__xdecref(u->varnames);
    gk__xdecref(u->varnames_map);
    gk__xdecref(u->cellvars);
    gk__xdecref(u->freevars);
    gk__xdecref(u->name);
    gk__xdecref(u->qualname);
    free(u);
}

static int set_qualname(compiler *c, unit *u)
{
    gk_object *base = NULL;
    if (c->u) {
        unit *parent = c->u;
        bool force_global = false;
        if (u->scope_type == SCOPE_FUNCTION || u->scope_type == SCOPE_CLASS) {
            gk_object *m = gk__mangle(parent->private_, u->name);
            if (!m)
                return -1;
            force_global = gk__ste_scope(parent->ste, m) == GK_SCOPE_GLOBAL_EXPLICIT;
            gk__decref(m);
        }
        if (!force_global && parent->scope_type != SCOPE_MODULE) {
            if (parent->scope_type == SCOPE_FUNCTION || parent->scope_type == SCOPE_LAMBDA)
                base = gk__str_from_format("%U.<locals>", parent->qualname);
            else
                base = gk__incref(parent->qualname);
            if (!base)
                return -1;
        }
    }
    u->qualname = base ? gk__str_from_format("%U.%U", base, u->name) : gk__incref(u->name);
    gk__xdecref(base);
    return u->qualname ? 0 : -1;
}

static int enter_scope(compiler *c, gk_object *name, int scope_type, gk__ste *ste, int firstlineno)
{
    if (c->nunits >= 255)
        return gk__syntax_error(c->filename, NULL, "too many nested scopes");
    unit *u = calloc(1, sizeof(unit));
    if (!u) {
        gk__raise_nomemory();
        return -1;
    }
    u->ste = ste;
    u->scope_type = scope_type;
    u->name = gk__incref(name);
    u->firstlineno = firstlineno;
    u->line = firstlineno;
    u->private_ = c->u ? c->u->private_ : NULL;
    u->consts = gk__list_new(0);
    u->names = gk__list_new(0);
    u->names_map = gk__dict_new();
    u->varnames = gk__list_new(0);
    u->varnames_map = gk__dict_new();
    u->cellvars = gk__list_new(0);
    u->freevars = gk__list_new(0);
    if (!u->consts || !u->names || !u->names_map || !u->varnames || !u->varnames_map ||
        !u->cellvars || !u->freevars)
        goto fail;
    for (size_t i = 0; i < ste->nparams; i++)
        if (map_index(u->varnames, u->varnames_map, ste->params[i]) < 0)
            goto fail;
    if (ste->kind == GK_BLOCK_CLASS && ste->needs_class_closure &&
        gk__list_append(u->cellvars, gk__str_intern("__class__")) < 0)
        goto fail;
    for (size_t i = 0; i < ste->nsyms; i++) {
        gk__symbol *s = &ste->syms[i];
        if (s->scope == GK_SCOPE_CELL && gk__list_append(u->cellvars, s->name) < 0)
            goto fail;
    }
    for (size_t i = 0; i < ste->nsyms; i++) {
        gk__symbol *s = &ste->syms[i];
        if ((s->scope == GK_SCOPE_FREE || (s->flags & GK_DEF_FREE_CLASS)) &&
            gk__list_append(u->freevars, s->name) < 0)
            goto fail;
    }
    if (scope_type != SCOPE_MODULE && set_qualname(c, u) < 0)
        goto fail;
    if (scope_type == SCOPE_MODULE && !(u->qualname = gk__incref(name)))
        goto fail;
    if (c->u)
        c->units[c->nunits++] = c->u;
    c->u = u;
    return 0;
fail:
    unit_free(u);
    return -1;
}

static void exit_scope(compiler *c)
{
    unit_free(c->u);
    c->u = c->nunits > 0 ? c->units[--c->nunits] : NULL;
}

/* ------------------------------------------------------------------ */
/* Assembly                                                            */

static int stack_effect(int op, int arg, bool jump)
{
    switch (op) {
    case GK_OP_NOP: case GK_OP_ROT_TWO: case GK_OP_ROT_THREE: case GK_OP_ROT_FOUR:
    case GK_OP_DELETE_FAST: case GK_OP_DELETE_NAME: case GK_OP_DELETE_GLOBAL: case GK_OP_DELETE_DEREF:
    case GK_OP_LOAD_ATTR: case GK_OP_UNARY_POSITIVE: case GK_OP_UNARY_NEGATIVE:
    case GK_OP_UNARY_NOT: case GK_OP_UNARY_INVERT: case GK_OP_JUMP: case GK_OP_GET_ITER:
    case GK_OP_LIST_TO_TUPLE: case GK_OP_YIELD_VALUE: case GK_OP_GET_YIELD_FROM_ITER:
    case GK_OP_POP_BLOCK: case GK_OP_SETUP_ANNOTATIONS:
        return 0;
    case GK_OP_POP_TOP: case GK_OP_STORE_FAST: case GK_OP_STORE_NAME: case GK_OP_STORE_GLOBAL:
    case GK_OP_STORE_DEREF: case GK_OP_DELETE_ATTR: case GK_OP_BINARY_SUBSCR:
    case GK_OP_BINARY_OP: case GK_OP_INPLACE_OP: case GK_OP_COMPARE_OP: case GK_OP_IS_OP:
    case GK_OP_CONTAINS_OP: case GK_OP_POP_JUMP_IF_FALSE: case GK_OP_POP_JUMP_IF_TRUE:
    case GK_OP_LIST_APPEND: case GK_OP_SET_ADD: case GK_OP_LIST_EXTEND: case GK_OP_SET_UPDATE:
    case GK_OP_DICT_UPDATE: case GK_OP_DICT_MERGE: case GK_OP_RETURN_VALUE: case GK_OP_YIELD_FROM:
    case GK_OP_POP_EXCEPT: case GK_OP_RERAISE: case GK_OP_IMPORT_NAME: case GK_OP_IMPORT_STAR:
    case GK_OP_PRINT_EXPR:
        return -1;
    case GK_OP_DUP_TOP: case GK_OP_LOAD_CONST: case GK_OP_LOAD_FAST: case GK_OP_LOAD_NAME:
    case GK_OP_LOAD_GLOBAL: case GK_OP_LOAD_DEREF: case GK_OP_LOAD_CLOSURE:
    case GK_OP_LOAD_CLASSDEREF: case GK_OP_LOAD_METHOD: case GK_OP_WITH_EXCEPT_START:
    case GK_OP_LOAD_BUILD_CLASS: case GK_OP_LOAD_ASSERTION_ERROR: case GK_OP_IMPORT_FROM:
        return 1;
    case GK_OP_DUP_TOP_TWO:
        return 2;
    case GK_OP_STORE_ATTR: case GK_OP_DELETE_SUBSCR: case GK_OP_MAP_ADD:
    case GK_OP_JUMP_IF_NOT_EXC_MATCH:
        return -2;
    case GK_OP_STORE_SUBSCR:
        return -3;
    case GK_OP_CALL_METHOD:
        return -(arg + 1);
    case GK_OP_BUILD_SLICE: case GK_OP_BUILD_TUPLE: case GK_OP_BUILD_LIST: case GK_OP_BUILD_SET:
    case GK_OP_BUILD_STRING:
        return 1 - arg;
    case GK_OP_BUILD_MAP:
        return 1 - 2 * arg;
    case GK_OP_BUILD_CONST_KEY_MAP:
        return -arg;
    case GK_OP_JUMP_IF_FALSE_OR_POP: case GK_OP_JUMP_IF_TRUE_OR_POP:
        return jump ? 0 : -1;
    case GK_OP_FOR_ITER:
        return jump ? -1 : 1;
    case GK_OP_UNPACK_SEQUENCE:
        return arg - 1;
    case GK_OP_UNPACK_EX:
        return (arg & 0xff) + (arg >> 8);
    case GK_OP_CALL_FUNCTION:
        return -arg;
    case GK_OP_CALL_FUNCTION_KW:
        return -arg - 1;
    case GK_OP_CALL_FUNCTION_EX:
        return -1 - (arg & 1);
    case GK_OP_MAKE_FUNCTION:
        return -1 - ((arg & 1) != 0) - ((arg & 2) != 0) - ((arg & 4) != 0) - ((arg & 8) != 0);
    case GK_OP_SETUP_FINALLY:
        return jump ? 2 : 0;
    case GK_OP_SETUP_WITH:
        return jump ? 2 : 1;
    case GK_OP_RAISE_VARARGS:
        return -arg;
    case GK_OP_FORMAT_VALUE:
        return (arg & 4) ? -1 : 0;
    default:
        return 0;
    }
}

static int block_effect(int op, bool jump)
{
    switch (op) {
    case GK_OP_SETUP_FINALLY: case GK_OP_SETUP_WITH:
        return 1;
    case GK_OP_POP_BLOCK: case GK_OP_POP_EXCEPT:
        return -1;
    default:
        return 0;
    }
}

static bool ends_flow(int op)
{
    return op == GK_OP_JUMP || op == GK_OP_RETURN_VALUE || op == GK_OP_RERAISE ||
           op == GK_OP_RAISE_VARARGS;
}

/* Walks the control flow to find the maximum stack and block depths. */
static int compute_depths(unit *u, int *maxstack, int *maxblocks)
{
    size_t n = u->n;
    int *depth = malloc((n + 1) * sizeof(int)), *bdepth = malloc((n + 1) * sizeof(int));
    size_t capwork = 2 * n + 16;
    size_t *work = malloc(capwork * sizeof(size_t));
    if (!depth || !bdepth || !work) {
        free(depth);
        free(bdepth);
        free(work);
        gk__raise_nomemory();
        return -1;
    }
    for (size_t i = 0; i <= n; i++)
        depth[i] = bdepth[i] = -1;
    size_t nwork = 0;
    int ms = 0, mb = 0;
    depth[0] = bdepth[0] = 0;
    work[nwork++] = 0;
    while (nwork > 0) {
        size_t pc = work[--nwork];
        int d = depth[pc], b = bdepth[pc];
        while (pc < n) {
            int op = GK_OP(u->code[pc]), arg = (int)GK_ARG(u->code[pc]);
            if (is_jump(op)) {
                int td = d + stack_effect(op, arg, true), tb = b + block_effect(op, true);
                size_t t = (size_t)arg;
                if (t <= n && (td > depth[t] || tb > bdepth[t])) {
                    if (td > depth[t]) depth[t] = td;
                    if (tb > bdepth[t]) bdepth[t] = tb;
                    if (td > ms) ms = td;
                    if (tb > mb) mb = tb;
                    if (nwork == capwork) {
                        size_t *nw = realloc(work, capwork * 2 * sizeof(size_t));
                        if (!nw)
                            break;
                        work = nw;
                        capwork *= 2;
                    }
                    work[nwork++] = t;
                }
            }
#ifdef GK_COMPILE_CHECK
            if ((op == GK_OP_RETURN_VALUE && d != 1) || d < 0 || b < 0)
                fprintf(stderr, "compile check: %s at %zu in %s: depth %d blocks %d\n",
                        gk__opcode_names[op], pc, gk__str_utf8(u->name), d, b);
#endif
            if (ends_flow(op))
                break;
            d += stack_effect(op, arg, false);
            b += block_effect(op, false);
            if (d > ms) ms = d;
            if (b > mb) mb = b;
            pc++;
            if (pc <= n && depth[pc] >= d && bdepth[pc] >= b)
                break;
            if (pc <= n) {
                if (d > depth[pc]) depth[pc] = d;
                if (b > bdepth[pc]) bdepth[pc] = b;
                d = depth[pc];
                b = bdepth[pc];
            }
            if (ms > 100000)
                break;
        }
    }
    free(depth);
    free(bdepth);
    free(work);
    *maxstack = ms + 1;
    *maxblocks = mb + 1;
    return 0;
}

static gk_object *list_tuple(gk_object *l)
{
    return gk__list_as_tuple(l);
}

static gk_object *assemble(compiler *c)
{
    unit *u = c->u;
    for (size_t i = 0; i < u->n; i++) {
        int op = GK_OP(u->code[i]);
        if (is_jump(op)) {
            uint32_t lab = GK_ARG(u->code[i]);
            int target = u->labels[lab];
            if (target < 0)
                return gk__raise(&gk__exc_SystemError, "compiler: unresolved label");
            u->code[i] = GK_INSTR(op, (uint32_t)target);
        }
    }
    int ms, mb;
    if (compute_depths(u, &ms, &mb) < 0)
        return NULL;
    unsigned flags = 0;
    gk__ste *ste = u->ste;
    if (ste->kind == GK_BLOCK_FUNCTION) {
        flags |= GK_CO_NEWLOCALS;
        if (ste->varargs) flags |= GK_CO_VARARGS;
        if (ste->varkeywords) flags |= GK_CO_VARKEYWORDS;
        if (ste->is_generator) flags |= GK_CO_GENERATOR;
        if (ste->is_nested) flags |= GK_CO_NESTED;
    }
    gk_object *consts = list_tuple(u->consts), *names = list_tuple(u->names);
    gk_object *varnames = list_tuple(u->varnames), *cellvars = list_tuple(u->cellvars);
    gk_object *freevars = list_tuple(u->freevars), *co = NULL;
    if (consts && names && varnames && cellvars && freevars)
        co = gk__code_new(u->code, u->n, u->lines, u->cols, consts, names, varnames, cellvars,
                          freevars, u->name, u->qualname, c->filename, u->argcount, u->posonly,
                          u->kwonly, ms, mb, flags, u->firstlineno);
    gk__xdecref(consts);
    gk__xdecref(names);
    gk__xdecref(varnames);
    gk__xdecref(cellvars);
    gk__xdecref(freevars);
    return co;
}

/* ------------------------------------------------------------------ */
/* Frame blocks and unwinding                                          */

static int push_fblock(compiler *c, gk__ast *node, int type, int block, int exit)
{
    unit *u = c->u;
    if (u->nfb >= MAX_FBLOCKS)
        return err_at(c, node, "too many statically nested blocks");
    fblock *f = &u->fb[u->nfb++];
    memset(f, 0, sizeof(*f));
    f->type = type;
    f->block = block;
    f->exit = exit;
    return 0;
}

static void pop_fblock(compiler *c)
{
    c->u->nfb--;
}

static int compile_body(compiler *c, gk__astlist *l, size_t start)
{
    for (size_t i = start; i < l->n; i++)
        TRY(compile_stmt(c, l->items[i]));
    return 0;
}

static int call_exit_with_nones(compiler *c)
{
    TRY(load_const(c, GK_NONE));
    OP(DUP_TOP);
    OP(DUP_TOP);
    OPI(CALL_FUNCTION, 3);
    return 0;
}

static int unwind_fblock(compiler *c, fblock *f, bool preserve)
{
    switch (f->type) {
    case FB_WHILE:
    case FB_EXCEPTION_HANDLER:
        return 0;
    case FB_FOR:
    case FB_POP_VALUE:
        if (preserve)
            OP(ROT_TWO);
        OP(POP_TOP);
        return 0;
    case FB_TRY_EXCEPT:
        OP(POP_BLOCK);
        return 0;
    case FB_FINALLY_TRY: {
        OP(POP_BLOCK);
        int line = c->u->line, col = c->u->col;
        if (preserve)
            TRY(push_fblock(c, NULL, FB_POP_VALUE, -1, -1));
        TRY(compile_body(c, f->body, 0));
        if (preserve)
            pop_fblock(c);
        c->u->line = line;
        c->u->col = col;
        return 0;
    }
    case FB_FINALLY_END:
        if (preserve)
            OP(ROT_THREE);
        OP(POP_TOP);
        OP(POP_EXCEPT);
        return 0;
    case FB_WITH:
        OP(POP_BLOCK);
        if (preserve)
            OP(ROT_TWO);
        TRY(call_exit_with_nones(c));
        OP(POP_TOP);
        return 0;
    case FB_HANDLER_CLEANUP:
        if (f->name)
            OP(POP_BLOCK);
        if (preserve)
            OP(ROT_TWO);
        OP(POP_EXCEPT);
        if (f->name) {
            TRY(load_const(c, GK_NONE));
            TRY(nameop(c, f->name, CTX_STORE));
            TRY(nameop(c, f->name, CTX_DEL));
        }
        return 0;
    }
    return 0;
}

/* Unwinds every block up to (not including) the innermost loop, or all
 * blocks when loop is NULL; *loop gets a copy of the loop block. */
static int unwind_fblock_stack(compiler *c, bool preserve, fblock *loop, bool *found)
{
    unit *u = c->u;
    if (u->nfb == 0)
        return 0;
    fblock *top = &u->fb[u->nfb - 1];
    if (loop && (top->type == FB_WHILE || top->type == FB_FOR)) {
        *loop = *top;
        *found = true;
        return 0;
    }
    fblock copy = *top;
    u->nfb--;
    int r = unwind_fblock(c, &copy, preserve);
    if (r == 0)
        r = unwind_fblock_stack(c, preserve, loop, found);
    u->fb[u->nfb] = copy;
    u->nfb++;
    return r;
}

/* ------------------------------------------------------------------ */
/* Functions, classes, lambdas                                         */

static int default_arguments(compiler *c, gk__ast *args)
{
    int flags = 0;
    if (!args)
        return 0;
    if (args->l4.n) {
        for (size_t i = 0; i < args->l4.n; i++)
            TRY(compile_expr(c, args->l4.items[i]));
        OPI(BUILD_TUPLE, args->l4.n);
        flags |= 1;
    }
    size_t nkw = 0;
    gk_object *keys = NULL;
    for (size_t i = 0; i < args->l3.n && i < args->l5.n; i++) {
        if (!args->l5.items[i])
            continue;
        nkw++;
    }
    if (nkw) {
        keys = gk__tuple_new(nkw);
        if (!keys)
            return -1;
        size_t k = 0;
        for (size_t i = 0; i < args->l3.n && i < args->l5.n; i++) {
            if (!args->l5.items[i])
                continue;
            gk_object *m = gk__mangle(c->u->private_, args->l3.items[i]->name);
            if (!m || compile_expr(c, args->l5.items[i]) < 0) {
                gk__xdecref(m);
                GK_TUPLE_SET(keys, k, gk__none_ref());
                for (size_t j = k + 1; j < nkw; j++)
                    GK_TUPLE_SET(keys, j, gk__none_ref());
                gk__decref(keys);
                return -1;
            }
            GK_TUPLE_SET(keys, k, m);
            k++;
        }
        TRY(load_const_new(c, keys));
        OPI(BUILD_CONST_KEY_MAP, nkw);
        flags |= 2;
    }
    return flags;
}

/* Loads the closure cells and code, then MAKE_FUNCTION. */
static int make_closure(compiler *c, gk_object *co, int flags, gk_object *qualname)
{
    gk_code *code = (gk_code *)co;
    size_t nfree = gk__tuple_size(code->freevars);
    if (nfree) {
        for (size_t i = 0; i < nfree; i++) {
            gk_object *name = GK_TUPLE_GET(code->freevars, i);
            int scope = gk__ste_scope(c->u->ste, name);
            bool cell = scope == GK_SCOPE_CELL ||
                        (c->u->ste->kind == GK_BLOCK_CLASS && gk__str_eq_cstr(name, "__class__"));
            int idx = deref_index(c, name, cell);
            TRY(idx);
            OPI(LOAD_CLOSURE, idx);
        }
        OPI(BUILD_TUPLE, nfree);
        flags |= 8;
    }
    TRY(load_const(c, co));
    TRY(load_const(c, qualname));
    OPI(MAKE_FUNCTION, flags);
    return 0;
}

static bool is_docstring(gk__ast *s)
{
    return s && s->kind == GK_AST_EXPR && s->a && s->a->kind == GK_AST_CONSTANT &&
           s->a->value && gk__is_str(s->a->value);
}

static void set_arg_counts(unit *u, gk__ast *args)
{
    if (!args)
        return;
    u->posonly = (int)args->l1.n;
    u->argcount = (int)(args->l1.n + args->l2.n);
    u->kwonly = (int)args->l3.n;
}

/* Compiles a function body in a new scope; returns a new code object. */
static gk_object *function_code(compiler *c, gk__ast *s, int firstlineno, gk_object **qualname)
{
    gk__ste *ste = gk__ste_child(c->u->ste, s);
    if (!ste)
        return gk__raise(&gk__exc_SystemError, "compiler: missing symbol table entry");
    bool lambda = s->kind == GK_AST_LAMBDA;
    if (enter_scope(c, lambda ? gk__str_intern("<lambda>") : s->name,
                    lambda ? SCOPE_LAMBDA : SCOPE_FUNCTION, ste, firstlineno) < 0)
        return NULL;
    gk_object *co = NULL;
    c->u->line = s->line;
    c->u->col = s->col;
    set_arg_counts(c->u, s->a);
    if (lambda) {
        if (add_const(c, GK_NONE) < 0 || compile_expr(c, s->b) < 0 ||
            emit(c, GK_OP_RETURN_VALUE, 0) < 0)
            goto done;
    } else {
        bool doc = s->l1.n > 0 && is_docstring(s->l1.items[0]);
        if (add_const(c, doc ? s->l1.items[0]->a->value : GK_NONE) < 0)
            goto done;
        if (compile_body(c, &s->l1, doc ? 1 : 0) < 0)
            goto done;
        if (load_const(c, GK_NONE) < 0 || emit(c, GK_OP_RETURN_VALUE, 0) < 0)
            goto done;
    }
    co = assemble(c);
    if (co)
        *qualname = gk__incref(c->u->qualname);
done:
    exit_scope(c);
    return co;
}

static int compile_decorators(compiler *c, gk__astlist *decos)
{
    for (size_t i = 0; i < decos->n; i++)
        TRY(compile_expr(c, decos->items[i]));
    return 0;
}

static int apply_decorators(compiler *c, gk__astlist *decos)
{
    for (size_t i = 0; i < decos->n; i++)
        OPI(CALL_FUNCTION, 1);
    return 0;
}

static int compile_function(compiler *c, gk__ast *s)
{
    TRY(compile_decorators(c, &s->l2));
    int firstlineno = s->l2.n ? s->l2.items[0]->line : s->line;
    int flags = default_arguments(c, s->a);
    TRY(flags);
    gk_object *qualname = NULL;
    gk_object *co = function_code(c, s, firstlineno, &qualname);
    if (!co)
        return -1;
    int r = make_closure(c, co, flags, qualname);
    gk__decref(co);
    gk__decref(qualname);
    TRY(r);
    TRY(apply_decorators(c, &s->l2));
    return nameop(c, s->name, CTX_STORE);
}

static int compile_lambda(compiler *c, gk__ast *e)
{
    int flags = default_arguments(c, e->a);
    TRY(flags);
    gk_object *qualname = NULL;
    gk_object *co = function_code(c, e, e->line, &qualname);
    if (!co)
        return -1;
    int r = make_closure(c, co, flags, qualname);
    gk__decref(co);
    gk__decref(qualname);
    return r;
}

static int call_helper(compiler *c, int pushed, gk__astlist *args, gk__astlist *keywords);

static gk_object *class_body_code(compiler *c, gk__ast *s, int firstlineno, gk_object **qualname)
{
    gk__ste *ste = gk__ste_child(c->u->ste, s);
    if (!ste)
        return gk__raise(&gk__exc_SystemError, "compiler: missing symbol table entry");
    if (enter_scope(c, s->name, SCOPE_CLASS, ste, firstlineno) < 0)
        return NULL;
    gk_object *co = NULL;
    unit *u = c->u;
    u->private_ = s->name;
    u->line = s->line;
    u->col = s->col;
    if (nameop_cstr(c, "__name__", CTX_LOAD) < 0 || nameop_cstr(c, "__module__", CTX_STORE) < 0 ||
        load_const(c, u->qualname) < 0 || nameop_cstr(c, "__qualname__", CTX_STORE) < 0)
        goto done;
    size_t start = 0;
    if (s->l1.n && is_docstring(s->l1.items[0])) {
        u->line = s->l1.items[0]->line;
        if (load_const(c, s->l1.items[0]->a->value) < 0 || nameop_cstr(c, "__doc__", CTX_STORE) < 0)
            goto done;
        start = 1;
    }
    if (compile_body(c, &s->l1, start) < 0)
        goto done;
    if (ste->needs_class_closure) {
        if (emit(c, GK_OP_LOAD_CLOSURE, 0) < 0 || emit(c, GK_OP_DUP_TOP, 0) < 0 ||
            nameop_cstr(c, "__classcell__", CTX_STORE) < 0)
            goto done;
    } else if (load_const(c, GK_NONE) < 0) {
        goto done;
    }
    if (emit(c, GK_OP_RETURN_VALUE, 0) < 0)
        goto done;
    co = assemble(c);
    if (co)
        *qualname = gk__incref(u->qualname);
done:
    exit_scope(c);
    return co;
}

static int compile_class(compiler *c, gk__ast *s)
{
    TRY(compile_decorators(c, &s->l2));
    int firstlineno = s->l2.n ? s->l2.items[0]->line : s->line;
    gk_object *qualname = NULL;
    gk_object *co = class_body_code(c, s, firstlineno, &qualname);
    if (!co)
        return -1;
    c->u->line = s->line;
    c->u->col = s->col;
    int r = emit(c, GK_OP_LOAD_BUILD_CLASS, 0);
    if (r == 0)
        r = make_closure(c, co, 0, qualname);
    gk__decref(co);
    gk__decref(qualname);
    TRY(r);
    TRY(load_const(c, s->name));
    TRY(call_helper(c, 2, &s->l3, &s->l4));
    TRY(apply_decorators(c, &s->l2));
    return nameop(c, s->name, CTX_STORE);
}

/* ------------------------------------------------------------------ */
/* Calls and displays                                                  */

static int starunpack(compiler *c, gk__astlist *elts, int pushed, int build, int add, int extend,
                      bool tuple)
{
    bool star = false;
    for (size_t i = 0; i < elts->n; i++)
        if (elts->items[i]->kind == GK_AST_STARRED)
            star = true;
    if (!star) {
        for (size_t i = 0; i < elts->n; i++)
            TRY(compile_expr(c, elts->items[i]));
        return emit(c, tuple ? GK_OP_BUILD_TUPLE : build, (uint32_t)(elts->n + (size_t)pushed));
    }
    bool built = false;
    for (size_t i = 0; i < elts->n; i++) {
        gk__ast *e = elts->items[i];
        if (e->kind == GK_AST_STARRED) {
            if (!built) {
                TRY(emit(c, build, (uint32_t)(i + (size_t)pushed)));
                built = true;
            }
            TRY(compile_expr(c, e->a));
            TRY(emit(c, extend, 1));
        } else {
            TRY(compile_expr(c, e));
            if (built)
                TRY(emit(c, add, 1));
        }
    }
    if (tuple)
        OP(LIST_TO_TUPLE);
    return 0;
}

static int validate_keywords(compiler *c, gk__astlist *kws)
{
    for (size_t i = 0; i < kws->n; i++) {
        gk__ast *k = kws->items[i];
        if (!k->name)
            continue;
        for (size_t j = i + 1; j < kws->n; j++) {
            gk__ast *o = kws->items[j];
            if (o->name && gk__str_eq(k->name, o->name))
                return gk__syntax_error(c->filename, o, "keyword argument repeated: %U", k->name);
        }
    }
    return 0;
}

static int subkwargs(compiler *c, gk__astlist *kws, size_t begin, size_t end)
{
    for (size_t i = begin; i < end; i++) {
        TRY(load_const(c, kws->items[i]->name));
        TRY(compile_expr(c, kws->items[i]->a));
    }
    OPI(BUILD_MAP, end - begin);
    return 0;
}

static int call_helper(compiler *c, int pushed, gk__astlist *args, gk__astlist *kws)
{
    TRY(validate_keywords(c, kws));
    bool ex = false;
    for (size_t i = 0; i < args->n; i++)
        if (args->items[i]->kind == GK_AST_STARRED)
            ex = true;
    for (size_t i = 0; i < kws->n; i++)
        if (!kws->items[i]->name)
            ex = true;
    if (!ex) {
        for (size_t i = 0; i < args->n; i++)
            TRY(compile_expr(c, args->items[i]));
        if (kws->n) {
            gk_object *names = gk__tuple_new(kws->n);
            if (!names)
                return -1;
            for (size_t i = 0; i < kws->n; i++) {
                TRY(compile_expr(c, kws->items[i]->a));
                GK_TUPLE_SET(names, i, gk__incref(kws->items[i]->name));
            }
            TRY(load_const_new(c, names));
            OPI(CALL_FUNCTION_KW, (size_t)pushed + args->n + kws->n);
        } else {
            OPI(CALL_FUNCTION, (size_t)pushed + args->n);
        }
        return 0;
    }
    TRY(starunpack(c, args, pushed, GK_OP_BUILD_LIST, GK_OP_LIST_APPEND, GK_OP_LIST_EXTEND, true));
    if (kws->n) {
        bool have_dict = false;
        size_t nseen = 0;
        for (size_t i = 0; i < kws->n; i++) {
            gk__ast *k = kws->items[i];
            if (k->name) {
                nseen++;
                continue;
            }
            if (nseen) {
                TRY(subkwargs(c, kws, i - nseen, i));
                if (have_dict)
                    OPI(DICT_MERGE, 1);
                have_dict = true;
                nseen = 0;
            }
            if (!have_dict) {
                OPI(BUILD_MAP, 0);
                have_dict = true;
            }
            TRY(compile_expr(c, k->a));
            OPI(DICT_MERGE, 1);
        }
        if (nseen) {
            TRY(subkwargs(c, kws, kws->n - nseen, kws->n));
            if (have_dict)
                OPI(DICT_MERGE, 1);
        }
    }
    OPI(CALL_FUNCTION_EX, kws->n > 0);
    return 0;
}

static int compile_call(compiler *c, gk__ast *e)
{
    gk__ast *f = e->a;
    bool method = f->kind == GK_AST_ATTRIBUTE && e->l2.n == 0 && e->l1.n < 200;
    for (size_t i = 0; method && i < e->l1.n; i++)
        if (e->l1.items[i]->kind == GK_AST_STARRED)
            method = false;
    if (method) {
        TRY(compile_expr(c, f->a));
        int line = c->u->line, col = c->u->col;
        c->u->line = f->end_line;
        c->u->col = f->end_col - (int)gk__str_len(f->name);
        TRY(op_name(c, GK_OP_LOAD_METHOD, f->name));
        c->u->line = line;
        c->u->col = col;
        for (size_t i = 0; i < e->l1.n; i++)
            TRY(compile_expr(c, e->l1.items[i]));
        OPI(CALL_METHOD, e->l1.n);
        return 0;
    }
    TRY(compile_expr(c, f));
    return call_helper(c, 0, &e->l1, &e->l2);
}

static int subdict(compiler *c, gk__ast *e, size_t begin, size_t end)
{
    for (size_t i = begin; i < end; i++) {
        TRY(compile_expr(c, e->l1.items[i]));
        TRY(compile_expr(c, e->l2.items[i]));
    }
    OPI(BUILD_MAP, end - begin);
    return 0;
}

static int compile_dict(compiler *c, gk__ast *e)
{
    size_t n = e->l2.n, elements = 0;
    bool have_dict = false;
    for (size_t i = 0; i < n; i++) {
        if (!e->l1.items[i]) {
            if (elements) {
                TRY(subdict(c, e, i - elements, i));
                if (have_dict)
                    OPI(DICT_UPDATE, 1);
                have_dict = true;
                elements = 0;
            }
            if (!have_dict) {
                OPI(BUILD_MAP, 0);
                have_dict = true;
            }
            TRY(compile_expr(c, e->l2.items[i]));
            OPI(DICT_UPDATE, 1);
        } else {
            elements++;
        }
    }
    if (elements) {
        TRY(subdict(c, e, n - elements, n));
        if (have_dict)
            OPI(DICT_UPDATE, 1);
        have_dict = true;
    }
    if (!have_dict)
        OPI(BUILD_MAP, 0);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Comprehensions                                                      */

static int comprehension_generator(compiler *c, gk__ast *e, size_t gen_index, int depth)
{
    gk__ast *gen = e->l1.items[gen_index];
    LABEL(start);
    LABEL(if_cleanup);
    LABEL(anchor);
    if (gen_index == 0) {
        OPI(LOAD_FAST, 0);
    } else {
        TRY(compile_expr(c, gen->b));
        OP(GET_ITER);
    }
    depth++;
    use_label(c, start);
    OPI(FOR_ITER, anchor);
    TRY(compile_store(c, gen->a));
    for (size_t i = 0; i < gen->l1.n; i++)
        TRY(compile_jump_if(c, gen->l1.items[i], if_cleanup, false));
    if (gen_index + 1 < e->l1.n) {
        TRY(comprehension_generator(c, e, gen_index + 1, depth));
    } else {
        switch (e->kind) {
        case GK_AST_GENEXP:
            TRY(compile_expr(c, e->a));
            OP(YIELD_VALUE);
            OP(POP_TOP);
            break;
        case GK_AST_LISTCOMP:
            TRY(compile_expr(c, e->a));
            OPI(LIST_APPEND, depth + 1);
            break;
        case GK_AST_SETCOMP:
            TRY(compile_expr(c, e->a));
            OPI(SET_ADD, depth + 1);
            break;
        default: /* DICTCOMP */
            TRY(compile_expr(c, e->a));
            TRY(compile_expr(c, e->b));
            OPI(MAP_ADD, depth + 1);
            break;
        }
    }
    use_label(c, if_cleanup);
    OPI(JUMP, start);
    use_label(c, anchor);
    return 0;
}

static gk_object *comprehension_code(compiler *c, gk__ast *e, gk_object **qualname)
{
    gk__ste *ste = gk__ste_child(c->u->ste, e);
    if (!ste)
        return gk__raise(&gk__exc_SystemError, "compiler: missing symbol table entry");
    const char *name = e->kind == GK_AST_LISTCOMP ? "<listcomp>" : e->kind == GK_AST_SETCOMP ? "<setcomp>"
                     : e->kind == GK_AST_DICTCOMP ? "<dictcomp>" : "<genexpr>";
    if (enter_scope(c, gk__str_intern(name), SCOPE_COMPREHENSION, ste, e->line) < 0)
        return NULL;
    gk_object *co = NULL;
    c->u->argcount = 1;
    c->u->line = e->line;
    c->u->col = e->col;
    int build = e->kind == GK_AST_LISTCOMP ? GK_OP_BUILD_LIST : e->kind == GK_AST_SETCOMP ? GK_OP_BUILD_SET
              : GK_OP_BUILD_MAP;
    if (e->kind != GK_AST_GENEXP && emit(c, build, 0) < 0)
        goto done;
    if (comprehension_generator(c, e, 0, 0) < 0)
        goto done;
    if (e->kind == GK_AST_GENEXP) {
        if (load_const(c, GK_NONE) < 0)
            goto done;
    }
    if (emit(c, GK_OP_RETURN_VALUE, 0) < 0)
        goto done;
    co = assemble(c);
    if (co)
        *qualname = gk__incref(c->u->qualname);
done:
    exit_scope(c);
    return co;
}

static int compile_comprehension(compiler *c, gk__ast *e)
{
    if (e->l1.n == 0)
        return err_at(c, e, "comprehension without generators");
    gk_object *qualname = NULL;
    gk_object *co = comprehension_code(c, e, &qualname);
    if (!co)
        return -1;
    int r = make_closure(c, co, 0, qualname);
    gk__decref(co);
    gk__decref(qualname);
    TRY(r);
    TRY(compile_expr(c, e->l1.items[0]->b));
    OP(GET_ITER);
    OPI(CALL_FUNCTION, 1);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Expressions                                                         */

static int cmp_op(compiler *c, int op)
{
    switch (op) {
    case GK_CMP_IS: OPI(IS_OP, 0); break;
    case GK_CMP_ISNOT: OPI(IS_OP, 1); break;
    case GK_CMP_IN: OPI(CONTAINS_OP, 0); break;
    case GK_CMP_NOTIN: OPI(CONTAINS_OP, 1); break;
    default: OPI(COMPARE_OP, op); break;
    }
    return 0;
}

static int compile_compare(compiler *c, gk__ast *e)
{
    size_t n = e->l1.n;
    TRY(compile_expr(c, e->a));
    if (n == 1) {
        TRY(compile_expr(c, e->l1.items[0]));
        return cmp_op(c, e->ints[0]);
    }
    LABEL(cleanup);
    for (size_t i = 0; i + 1 < n; i++) {
        TRY(compile_expr(c, e->l1.items[i]));
        OP(DUP_TOP);
        OP(ROT_THREE);
        TRY(cmp_op(c, e->ints[i]));
        OPI(JUMP_IF_FALSE_OR_POP, cleanup);
    }
    TRY(compile_expr(c, e->l1.items[n - 1]));
    TRY(cmp_op(c, e->ints[n - 1]));
    LABEL(end);
    OPI(JUMP, end);
    use_label(c, cleanup);
    OP(ROT_TWO);
    OP(POP_TOP);
    use_label(c, end);
    return 0;
}

/* Truth value of a constant expression: 1, 0, or -1 if not constant. */
static int const_truth(gk__ast *e)
{
    if (e->kind != GK_AST_CONSTANT || !e->value)
        return -1;
    gk_object *v = e->value;
    if (v == GK_NONE) return 0;
    if (v == GK_TRUE) return 1;
    if (v == GK_FALSE) return 0;
    if (GK_TYPE(v) == &gk__int_type || gk__is_str(v)) {
        int r = gk__truthy(v);
        if (r < 0)
            gk__err_clear();
        return r;
    }
    return -1;
}

/* Jumps to label when the truth of e equals cond. */
static int compile_jump_if(compiler *c, gk__ast *e, int label, bool cond)
{
    int t = const_truth(e);
    if (t >= 0) {
        if ((t == 1) == cond)
            OPI(JUMP, label);
        return 0;
    }
    if (e->kind == GK_AST_UNARYOP && e->op == GK_UNARY_NOT)
        return compile_jump_if(c, e->a, label, !cond);
    if (e->kind == GK_AST_BOOLOP && e->l1.n > 0) {
        bool cond2 = e->op == GK_BOOL_OR;
        int next2 = label;
        if (cond2 != cond) {
            next2 = new_label(c);
            TRY(next2);
        }
        for (size_t i = 0; i + 1 < e->l1.n; i++)
            TRY(compile_jump_if(c, e->l1.items[i], next2, cond2));
        TRY(compile_jump_if(c, e->l1.items[e->l1.n - 1], label, cond));
        if (next2 != label)
            use_label(c, next2);
        return 0;
    }
    TRY(compile_expr(c, e));
    return emit(c, cond ? GK_OP_POP_JUMP_IF_TRUE : GK_OP_POP_JUMP_IF_FALSE, (uint32_t)label);
}

static int compile_boolop(compiler *c, gk__ast *e)
{
    LABEL(end);
    int jump = e->op == GK_BOOL_AND ? GK_OP_JUMP_IF_FALSE_OR_POP : GK_OP_JUMP_IF_TRUE_OR_POP;
    for (size_t i = 0; i + 1 < e->l1.n; i++) {
        TRY(compile_expr(c, e->l1.items[i]));
        TRY(emit(c, jump, (uint32_t)end));
    }
    TRY(compile_expr(c, e->l1.items[e->l1.n - 1]));
    use_label(c, end);
    return 0;
}

static int compile_fstring_value(compiler *c, gk__ast *e)
{
    TRY(compile_expr(c, e->a));
    int arg = 0;
    switch (e->op) {
    case 's': arg = 1; break;
    case 'r': arg = 2; break;
    case 'a': arg = 3; break;
    default: break;
    }
    if (e->b) {
        TRY(compile_expr(c, e->b));
        arg |= 4;
    }
    OPI(FORMAT_VALUE, arg);
    return 0;
}

static int compile_slice(compiler *c, gk__ast *e)
{
    gk__ast *parts[3] = { e->a, e->b, e->c };
    int n = e->c ? 3 : 2;
    for (int i = 0; i < n; i++) {
        if (parts[i])
            TRY(compile_expr(c, parts[i]));
        else
            TRY(load_const(c, GK_NONE));
    }
    OPI(BUILD_SLICE, n);
    return 0;
}

static bool in_function(compiler *c)
{
    return c->u->ste->kind == GK_BLOCK_FUNCTION;
}

static int compile_expr1(compiler *c, gk__ast *e)
{
    switch (e->kind) {
    case GK_AST_NAMEDEXPR:
        TRY(compile_expr(c, e->b));
        OP(DUP_TOP);
        return compile_store(c, e->a);
    case GK_AST_BOOLOP:
        return compile_boolop(c, e);
    case GK_AST_BINOP:
        TRY(compile_expr(c, e->a));
        TRY(compile_expr(c, e->b));
        OPI(BINARY_OP, e->op);
        return 0;
    case GK_AST_UNARYOP: {
        static const int ops[4] = { GK_OP_UNARY_NOT, GK_OP_UNARY_NEGATIVE, GK_OP_UNARY_POSITIVE,
                                    GK_OP_UNARY_INVERT };
        TRY(compile_expr(c, e->a));
        return emit(c, ops[e->op & 3], 0);
    }
    case GK_AST_LAMBDA:
        return compile_lambda(c, e);
    case GK_AST_IFEXP: {
        LABEL(end);
        LABEL(next);
        TRY(compile_jump_if(c, e->a, next, false));
        TRY(compile_expr(c, e->b));
        OPI(JUMP, end);
        use_label(c, next);
        TRY(compile_expr(c, e->c));
        use_label(c, end);
        return 0;
    }
    case GK_AST_DICT:
        return compile_dict(c, e);
    case GK_AST_SET:
        return starunpack(c, &e->l1, 0, GK_OP_BUILD_SET, GK_OP_SET_ADD, GK_OP_SET_UPDATE, false);
    case GK_AST_LIST:
        return starunpack(c, &e->l1, 0, GK_OP_BUILD_LIST, GK_OP_LIST_APPEND, GK_OP_LIST_EXTEND, false);
    case GK_AST_TUPLE:
        return starunpack(c, &e->l1, 0, GK_OP_BUILD_LIST, GK_OP_LIST_APPEND, GK_OP_LIST_EXTEND, true);
    case GK_AST_LISTCOMP:
    case GK_AST_SETCOMP:
    case GK_AST_DICTCOMP:
    case GK_AST_GENEXP:
        return compile_comprehension(c, e);
    case GK_AST_YIELD:
        if (!in_function(c))
            return err_at(c, e, "'yield' outside function");
        if (e->a)
            TRY(compile_expr(c, e->a));
        else
            TRY(load_const(c, GK_NONE));
        OP(YIELD_VALUE);
        return 0;
    case GK_AST_YIELDFROM:
        if (!in_function(c))
            return err_at(c, e, "'yield' outside function");
        TRY(compile_expr(c, e->a));
        OP(GET_YIELD_FROM_ITER);
        TRY(load_const(c, GK_NONE));
        OP(YIELD_FROM);
        return 0;
    case GK_AST_COMPARE:
        return compile_compare(c, e);
    case GK_AST_CALL:
        return compile_call(c, e);
    case GK_AST_FORMATTEDVALUE:
        return compile_fstring_value(c, e);
    case GK_AST_JOINEDSTR:
        for (size_t i = 0; i < e->l1.n; i++)
            TRY(compile_expr(c, e->l1.items[i]));
        if (e->l1.n != 1)
            OPI(BUILD_STRING, e->l1.n);
        return 0;
    case GK_AST_CONSTANT:
        return load_const(c, e->value ? e->value : GK_NONE);
    case GK_AST_ATTRIBUTE:
        TRY(compile_expr(c, e->a));
        return op_name(c, GK_OP_LOAD_ATTR, e->name);
    case GK_AST_SUBSCRIPT:
        TRY(compile_expr(c, e->a));
        TRY(compile_expr(c, e->b));
        OP(BINARY_SUBSCR);
        return 0;
    case GK_AST_STARRED:
        return err_at(c, e, "can't use starred expression here");
    case GK_AST_NAME:
        return nameop(c, e->name, CTX_LOAD);
    case GK_AST_SLICE:
        return compile_slice(c, e);
    default:
        gk__raise(&gk__exc_SystemError, "compiler: unexpected expression node kind %d", e->kind);
        return -1;
    }
}

static int compile_expr(compiler *c, gk__ast *e)
{
    unit *u = c->u;
    int line = u->line, col = u->col;
    u->line = e->line;
    u->col = e->col;
    int r = compile_expr1(c, e);
    if (c->u == u) {
        u->line = line;
        u->col = col;
    }
    return r;
}

/* ------------------------------------------------------------------ */
/* Assignment targets                                                  */

static const char *expr_desc(gk__ast *e)
{
    switch (e->kind) {
    case GK_AST_CALL: return "function call";
    case GK_AST_CONSTANT:
        if (e->value == GK_NONE) return "None";
        if (e->value == GK_TRUE) return "True";
        if (e->value == GK_FALSE) return "False";
        if (e->value == GK_ELLIPSIS) return "ellipsis";
        return "literal";
    case GK_AST_JOINEDSTR: case GK_AST_FORMATTEDVALUE: return "f-string expression";
    case GK_AST_COMPARE: return "comparison";
    case GK_AST_LAMBDA: return "lambda";
    case GK_AST_BOOLOP: case GK_AST_BINOP: case GK_AST_UNARYOP: return "expression";
    case GK_AST_IFEXP: return "conditional expression";
    case GK_AST_NAMEDEXPR: return "named expression";
    case GK_AST_DICT: return "dict literal";
    case GK_AST_SET: return "set display";
    case GK_AST_LISTCOMP: return "list comprehension";
    case GK_AST_SETCOMP: return "set comprehension";
    case GK_AST_DICTCOMP: return "dict comprehension";
    case GK_AST_GENEXP: return "generator expression";
    case GK_AST_YIELD: case GK_AST_YIELDFROM: return "yield expression";
    default: return "expression";
    }
}

static int unpack_store(compiler *c, gk__ast *e)
{
    size_t n = e->l1.n, star = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        if (e->l1.items[i]->kind == GK_AST_STARRED) {
            if (star != (size_t)-1)
                return err_at(c, e->l1.items[i], "multiple starred expressions in assignment");
            star = i;
        }
    }
    if (star != (size_t)-1) {
        size_t after = n - star - 1;
        if (star >= 256 || after >= (1u << 16))
            return err_at(c, e, "too many expressions in star-unpacking assignment");
        OPI(UNPACK_EX, star | (after << 8));
    } else {
        OPI(UNPACK_SEQUENCE, n);
    }
    for (size_t i = 0; i < n; i++) {
        gk__ast *t = e->l1.items[i];
        TRY(compile_store(c, t->kind == GK_AST_STARRED ? t->a : t));
    }
    return 0;
}

static int compile_store1(compiler *c, gk__ast *e)
{
    switch (e->kind) {
    case GK_AST_NAME:
        return nameop(c, e->name, CTX_STORE);
    case GK_AST_ATTRIBUTE:
        TRY(compile_expr(c, e->a));
        return op_name(c, GK_OP_STORE_ATTR, e->name);
    case GK_AST_SUBSCRIPT:
        TRY(compile_expr(c, e->a));
        TRY(compile_expr(c, e->b));
        OP(STORE_SUBSCR);
        return 0;
    case GK_AST_TUPLE:
    case GK_AST_LIST:
        return unpack_store(c, e);
    case GK_AST_STARRED:
        return err_at(c, e, "starred assignment target must be in a list or tuple");
    default:
        return gk__syntax_error(c->filename, e, "cannot assign to %s", expr_desc(e));
    }
}

static int compile_store(compiler *c, gk__ast *e)
{
    unit *u = c->u;
    int line = u->line, col = u->col;
    u->line = e->line;
    u->col = e->col;
    int r = compile_store1(c, e);
    u->line = line;
    u->col = col;
    return r;
}

static int compile_del(compiler *c, gk__ast *e)
{
    c->u->line = e->line;
    c->u->col = e->col;
    switch (e->kind) {
    case GK_AST_NAME:
        return nameop(c, e->name, CTX_DEL);
    case GK_AST_ATTRIBUTE:
        TRY(compile_expr(c, e->a));
        return op_name(c, GK_OP_DELETE_ATTR, e->name);
    case GK_AST_SUBSCRIPT:
        TRY(compile_expr(c, e->a));
        TRY(compile_expr(c, e->b));
        OP(DELETE_SUBSCR);
        return 0;
    case GK_AST_TUPLE:
    case GK_AST_LIST:
        for (size_t i = 0; i < e->l1.n; i++)
            TRY(compile_del(c, e->l1.items[i]));
        return 0;
    default:
        return gk__syntax_error(c->filename, e, "cannot delete %s", expr_desc(e));
    }
}

static int compile_augassign(compiler *c, gk__ast *s)
{
    gk__ast *t = s->a;
    switch (t->kind) {
    case GK_AST_ATTRIBUTE:
        TRY(compile_expr(c, t->a));
        OP(DUP_TOP);
        TRY(op_name(c, GK_OP_LOAD_ATTR, t->name));
        break;
    case GK_AST_SUBSCRIPT:
        TRY(compile_expr(c, t->a));
        TRY(compile_expr(c, t->b));
        OP(DUP_TOP_TWO);
        OP(BINARY_SUBSCR);
        break;
    case GK_AST_NAME:
        TRY(nameop(c, t->name, CTX_LOAD));
        break;
    default:
        return gk__syntax_error(c->filename, t, "'%s' is an illegal expression for augmented assignment",
                                expr_desc(t));
    }
    TRY(compile_expr(c, s->b));
    OPI(INPLACE_OP, s->op);
    switch (t->kind) {
    case GK_AST_ATTRIBUTE:
        OP(ROT_TWO);
        return op_name(c, GK_OP_STORE_ATTR, t->name);
    case GK_AST_SUBSCRIPT:
        OP(ROT_THREE);
        OP(STORE_SUBSCR);
        return 0;
    default:
        return nameop(c, t->name, CTX_STORE);
    }
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */

static int compile_if(compiler *c, gk__ast *s)
{
    LABEL(end);
    int t = const_truth(s->a);
    if (t >= 0) {
        TRY(compile_body(c, t ? &s->l1 : &s->l2, 0));
        use_label(c, end);
        return 0;
    }
    int next = end;
    if (s->l2.n) {
        next = new_label(c);
        TRY(next);
    }
    TRY(compile_jump_if(c, s->a, next, false));
    TRY(compile_body(c, &s->l1, 0));
    if (s->l2.n) {
        OPI(JUMP, end);
        use_label(c, next);
        TRY(compile_body(c, &s->l2, 0));
    }
    use_label(c, end);
    return 0;
}

static int compile_while(compiler *c, gk__ast *s)
{
    int t = const_truth(s->a);
    if (t == 0)
        return compile_body(c, &s->l2, 0);
    LABEL(loop);
    LABEL(end);
    LABEL(anchor);
    use_label(c, loop);
    TRY(push_fblock(c, s, FB_WHILE, loop, end));
    if (t != 1)
        TRY(compile_jump_if(c, s->a, anchor, false));
    TRY(compile_body(c, &s->l1, 0));
    c->u->line = s->line;
    c->u->col = s->col;
    OPI(JUMP, loop);
    pop_fblock(c);
    use_label(c, anchor);
    TRY(compile_body(c, &s->l2, 0));
    use_label(c, end);
    return 0;
}

static int compile_for(compiler *c, gk__ast *s)
{
    LABEL(start);
    LABEL(cleanup);
    LABEL(end);
    TRY(compile_expr(c, s->b));
    OP(GET_ITER);
    use_label(c, start);
    TRY(push_fblock(c, s, FB_FOR, start, end));
    OPI(FOR_ITER, cleanup);
    TRY(compile_store(c, s->a));
    TRY(compile_body(c, &s->l1, 0));
    c->u->line = s->line;
    c->u->col = s->col;
    OPI(JUMP, start);
    use_label(c, cleanup);
    pop_fblock(c);
    TRY(compile_body(c, &s->l2, 0));
    use_label(c, end);
    return 0;
}

static int compile_return(compiler *c, gk__ast *s)
{
    if (!in_function(c))
        return err_at(c, s, "'return' outside function");
    bool preserve = s->a && s->a->kind != GK_AST_CONSTANT;
    if (preserve)
        TRY(compile_expr(c, s->a));
    TRY(unwind_fblock_stack(c, preserve, NULL, NULL));
    c->u->line = s->line;
    c->u->col = s->col;
    if (!s->a)
        TRY(load_const(c, GK_NONE));
    else if (!preserve)
        TRY(compile_expr(c, s->a));
    OP(RETURN_VALUE);
    return 0;
}

static int compile_break_continue(compiler *c, gk__ast *s, bool is_break)
{
    fblock loop;
    bool found = false;
    TRY(unwind_fblock_stack(c, false, &loop, &found));
    if (!found)
        return err_at(c, s, is_break ? "'break' outside loop" : "'continue' not properly in loop");
    c->u->line = s->line;
    c->u->col = s->col;
    if (is_break) {
        TRY(unwind_fblock(c, &loop, false));
        OPI(JUMP, loop.exit);
    } else {
        OPI(JUMP, loop.block);
    }
    return 0;
}

static int compile_handler(compiler *c, gk__ast *h, int end)
{
    if (h->name) {
        LABEL(cleanup_end);
        TRY(nameop(c, h->name, CTX_STORE));
        OPI(SETUP_FINALLY, cleanup_end);
        TRY(push_fblock(c, h, FB_HANDLER_CLEANUP, -1, -1));
        c->u->fb[c->u->nfb - 1].name = h->name;
        TRY(compile_body(c, &h->l1, 0));
        pop_fblock(c);
        OP(POP_BLOCK);
        OP(POP_EXCEPT);
        TRY(load_const(c, GK_NONE));
        TRY(nameop(c, h->name, CTX_STORE));
        TRY(nameop(c, h->name, CTX_DEL));
        OPI(JUMP, end);
        use_label(c, cleanup_end);
        TRY(load_const(c, GK_NONE));
        TRY(nameop(c, h->name, CTX_STORE));
        TRY(nameop(c, h->name, CTX_DEL));
        OP(RERAISE);
    } else {
        OP(POP_TOP);
        TRY(push_fblock(c, h, FB_HANDLER_CLEANUP, -1, -1));
        TRY(compile_body(c, &h->l1, 0));
        pop_fblock(c);
        OP(POP_EXCEPT);
        OPI(JUMP, end);
    }
    return 0;
}

static int compile_try_except(compiler *c, gk__ast *s)
{
    LABEL(except);
    LABEL(orelse);
    LABEL(end);
    OPI(SETUP_FINALLY, except);
    TRY(push_fblock(c, s, FB_TRY_EXCEPT, -1, -1));
    TRY(compile_body(c, &s->l1, 0));
    pop_fblock(c);
    OP(POP_BLOCK);
    OPI(JUMP, orelse);
    use_label(c, except);
    TRY(push_fblock(c, s, FB_EXCEPTION_HANDLER, -1, -1));
    size_t n = s->l2.n;
    for (size_t i = 0; i < n; i++) {
        gk__ast *h = s->l2.items[i];
        if (!h->a && i + 1 < n)
            return err_at(c, h, "default 'except:' must be last");
        c->u->line = h->line;
        c->u->col = h->col;
        LABEL(next);
        if (h->a) {
            OP(DUP_TOP);
            TRY(compile_expr(c, h->a));
            OPI(JUMP_IF_NOT_EXC_MATCH, next);
        }
        TRY(compile_handler(c, h, end));
        use_label(c, next);
    }
    pop_fblock(c);
    OP(RERAISE);
    use_label(c, orelse);
    TRY(compile_body(c, &s->l3, 0));
    use_label(c, end);
    return 0;
}

static int compile_try(compiler *c, gk__ast *s)
{
    if (!s->l4.n)
        return compile_try_except(c, s);
    LABEL(handler);
    LABEL(exit);
    OPI(SETUP_FINALLY, handler);
    TRY(push_fblock(c, s, FB_FINALLY_TRY, -1, -1));
    c->u->fb[c->u->nfb - 1].body = &s->l4;
    if (s->l2.n)
        TRY(compile_try_except(c, s));
    else
        TRY(compile_body(c, &s->l1, 0));
    OP(POP_BLOCK);
    pop_fblock(c);
    TRY(compile_body(c, &s->l4, 0));
    OPI(JUMP, exit);
    use_label(c, handler);
    TRY(push_fblock(c, s, FB_FINALLY_END, -1, -1));
    TRY(compile_body(c, &s->l4, 0));
    pop_fblock(c);
    OP(RERAISE);
    use_label(c, exit);
    return 0;
}

static int compile_with(compiler *c, gk__ast *s, size_t pos)
{
    gk__ast *item = s->l1.items[pos];
    LABEL(final);
    LABEL(exit);
    LABEL(suppress);
    c->u->line = item->line ? item->line : s->line;
    TRY(compile_expr(c, item->a));
    OPI(SETUP_WITH, final);
    TRY(push_fblock(c, s, FB_WITH, -1, -1));
    if (item->b)
        TRY(compile_store(c, item->b));
    else
        OP(POP_TOP);
    if (pos + 1 == s->l1.n)
        TRY(compile_body(c, &s->l2, 0));
    else
        TRY(compile_with(c, s, pos + 1));
    pop_fblock(c);
    c->u->line = s->line;
    c->u->col = s->col;
    OP(POP_BLOCK);
    TRY(call_exit_with_nones(c));
    OP(POP_TOP);
    OPI(JUMP, exit);
    use_label(c, final);
    OP(WITH_EXCEPT_START);
    OPI(POP_JUMP_IF_TRUE, suppress);
    OP(RERAISE);
    use_label(c, suppress);
    OP(POP_TOP);
    OP(POP_EXCEPT);
    OP(POP_TOP);
    use_label(c, exit);
    return 0;
}

static int compile_assert(compiler *c, gk__ast *s)
{
    LABEL(end);
    TRY(compile_jump_if(c, s->a, end, true));
    OP(LOAD_ASSERTION_ERROR);
    if (s->b) {
        TRY(compile_expr(c, s->b));
        OPI(CALL_FUNCTION, 1);
    }
    OPI(RAISE_VARARGS, 1);
    use_label(c, end);
    return 0;
}

static int compile_import(compiler *c, gk__ast *s)
{
    for (size_t i = 0; i < s->l1.n; i++) {
        gk__ast *al = s->l1.items[i];
        TRY(load_const_new(c, gk__int_from_i64(0)));
        TRY(load_const(c, GK_NONE));
        TRY(op_name(c, GK_OP_IMPORT_NAME, al->name));
        const char *name = gk__str_utf8(al->name);
        const char *dot = strchr(name, '.');
        if (!al->name2) {
            gk_object *top = dot ? gk__str_from_utf8(name, (size_t)(dot - name)) : gk__incref(al->name);
            if (!top)
                return -1;
            int r = nameop(c, top, CTX_STORE);
            gk__decref(top);
            TRY(r);
            continue;
        }
        while (dot) {
            const char *p = dot + 1;
            dot = strchr(p, '.');
            gk_object *attr = gk__str_from_utf8(p, dot ? (size_t)(dot - p) : strlen(p));
            if (!attr)
                return -1;
            int r = op_name_raw(c, GK_OP_IMPORT_FROM, attr);
            gk__decref(attr);
            TRY(r);
            if (dot) {
                OP(ROT_TWO);
                OP(POP_TOP);
            } else {
                TRY(nameop(c, al->name2, CTX_STORE));
                OP(POP_TOP);
                goto next;
            }
        }
        TRY(nameop(c, al->name2, CTX_STORE));
    next:;
    }
    return 0;
}

static int compile_from_import(compiler *c, gk__ast *s)
{
    size_t n = s->l1.n;
    gk_object *names = gk__tuple_new(n);
    if (!names)
        return -1;
    for (size_t i = 0; i < n; i++)
        GK_TUPLE_SET(names, i, gk__incref(s->l1.items[i]->name));
    TRY(load_const_new(c, gk__int_from_i64(s->op)));
    TRY(load_const_new(c, names));
    TRY(op_name_raw(c, GK_OP_IMPORT_NAME, s->name ? s->name : gk__str_intern("")));
    for (size_t i = 0; i < n; i++) {
        gk__ast *al = s->l1.items[i];
        if (gk__str_eq_cstr(al->name, "*")) {
            OP(IMPORT_STAR);
            return 0;
        }
        TRY(op_name_raw(c, GK_OP_IMPORT_FROM, al->name));
        TRY(nameop(c, al->name2 ? al->name2 : al->name, CTX_STORE));
    }
    OP(POP_TOP);
    return 0;
}

static int compile_stmt1(compiler *c, gk__ast *s)
{
    switch (s->kind) {
    case GK_AST_FUNCTIONDEF:
        return compile_function(c, s);
    case GK_AST_CLASSDEF:
        return compile_class(c, s);
    case GK_AST_RETURN:
        return compile_return(c, s);
    case GK_AST_DELETE:
        for (size_t i = 0; i < s->l1.n; i++)
            TRY(compile_del(c, s->l1.items[i]));
        return 0;
    case GK_AST_ASSIGN:
        TRY(compile_expr(c, s->a));
        for (size_t i = 0; i < s->l1.n; i++) {
            if (i + 1 < s->l1.n)
                OP(DUP_TOP);
            TRY(compile_store(c, s->l1.items[i]));
        }
        return 0;
    case GK_AST_AUGASSIGN:
        return compile_augassign(c, s);
    case GK_AST_ANNASSIGN:
        if (s->c) {
            TRY(compile_expr(c, s->c));
            return compile_store(c, s->a);
        }
        return 0;
    case GK_AST_FOR:
        return compile_for(c, s);
    case GK_AST_WHILE:
        return compile_while(c, s);
    case GK_AST_IF:
        return compile_if(c, s);
    case GK_AST_WITH:
        return compile_with(c, s, 0);
    case GK_AST_RAISE: {
        int n = 0;
        if (s->a) {
            TRY(compile_expr(c, s->a));
            n = 1;
            if (s->b) {
                TRY(compile_expr(c, s->b));
                n = 2;
            }
        }
        OPI(RAISE_VARARGS, n);
        return 0;
    }
    case GK_AST_TRY:
        return compile_try(c, s);
    case GK_AST_ASSERT:
        return compile_assert(c, s);
    case GK_AST_IMPORT:
        return compile_import(c, s);
    case GK_AST_IMPORTFROM:
        return compile_from_import(c, s);
    case GK_AST_GLOBAL:
    case GK_AST_NONLOCAL:
    case GK_AST_PASS:
        return 0;
    case GK_AST_BREAK:
        return compile_break_continue(c, s, true);
    case GK_AST_CONTINUE:
        return compile_break_continue(c, s, false);
    case GK_AST_EXPR:
        if (c->mode == 1 && c->nunits == 0) {
            TRY(compile_expr(c, s->a));
            OP(PRINT_EXPR);
            return 0;
        }
        if (s->a->kind == GK_AST_CONSTANT)
            return 0;
        TRY(compile_expr(c, s->a));
        OP(POP_TOP);
        return 0;
    default:
        gk__raise(&gk__exc_SystemError, "compiler: unexpected statement node kind %d", s->kind);
        return -1;
    }
}

static int compile_stmt(compiler *c, gk__ast *s)
{
    c->u->line = s->line;
    c->u->col = s->col;
    return compile_stmt1(c, s);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

static gk_object *compile_module(compiler *c, gk__ast *mod)
{
    if (enter_scope(c, gk__str_intern("<module>"), SCOPE_MODULE, c->st.top, 1) < 0)
        return NULL;
    gk_object *co = NULL;
    if (c->mode == 2) {
        gk__ast *body = mod->l1.n ? mod->l1.items[0] : NULL;
        if (!body || body->kind != GK_AST_EXPR) {
            gk__raise(&gk__exc_SystemError, "compiler: eval mode expects one expression");
            goto done;
        }
        c->u->line = body->line;
        if (compile_expr(c, body->a) < 0 || emit(c, GK_OP_RETURN_VALUE, 0) < 0)
            goto done;
    } else {
        size_t start = 0;
        if (c->mode == 0 && mod->l1.n && is_docstring(mod->l1.items[0])) {
            c->u->line = mod->l1.items[0]->line;
            if (load_const(c, mod->l1.items[0]->a->value) < 0 ||
                nameop_cstr(c, "__doc__", CTX_STORE) < 0)
                goto done;
            start = 1;
        }
        if (compile_body(c, &mod->l1, start) < 0)
            goto done;
        if (load_const(c, GK_NONE) < 0 || emit(c, GK_OP_RETURN_VALUE, 0) < 0)
            goto done;
    }
    co = assemble(c);
done:
    exit_scope(c);
    return co;
}

/* Compiles a MODULE tree into a code object (NULL + SyntaxError/...). */
gk_object *gk__compile(gk__ast *module, gk_object *filename, int mode)
{
    compiler c;
    memset(&c, 0, sizeof(c));
    c.filename = filename;
    c.mode = mode;
    if (!module || module->kind != GK_AST_MODULE)
        return gk__raise(&gk__exc_SystemError, "compiler: expected a module node");
    if (gk__symtable_build(&c.st, module, filename) < 0)
        return NULL;
    gk_object *co = compile_module(&c, module);
    while (c.u)
        exit_scope(&c);
    gk__symtable_free(&c.st);
    return co;
}
