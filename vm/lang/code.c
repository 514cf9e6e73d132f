/*
 * vm/lang/code.c - code objects: construction (gk__code_new), the `code`
 * type (dealloc, repr, co_* attributes), the opcode name table, a
 * disassembler for `-X dis` (gk__code_dump) and line lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../objects.h"
#include "../code.h"

const char *const gk__opcode_names[GK_OP_COUNT] = {
#define X(name, has_arg, doc) #name,
    GK_OPCODES(X)
#undef X
};

static const bool op_has_arg[GK_OP_COUNT] = {
#define X(name, has_arg, doc) has_arg,
    GK_OPCODES(X)
#undef X
};

static void *dup_array(const void *src, size_t n, size_t elsize)
{
    void *p = malloc(n ? n * elsize : 1);
    if (p && n)
        memcpy(p, src, n * elsize);
    return p;
}

/* cell2arg: which cellvars are also arguments (their value moves into the cell). */
static int compute_cell2arg(gk_code *co)
{
    size_t ncells = gk__tuple_size(co->cellvars);
    int nargs = co->argcount + co->kwonlyargcount + ((co->flags & GK_CO_VARARGS) ? 1 : 0) +
                ((co->flags & GK_CO_VARKEYWORDS) ? 1 : 0);
    if (!ncells || !nargs)
        return 0;
    bool any = false;
    int *c2a = malloc(ncells * sizeof(int));
    if (!c2a) {
        gk__raise_nomemory();
        return -1;
    }
    for (size_t i = 0; i < ncells; i++) {
        c2a[i] = -1;
        gk_object *cv = GK_TUPLE_GET(co->cellvars, i);
        for (int j = 0; j < nargs && (size_t)j < gk__tuple_size(co->varnames); j++)
            if (gk__str_eq(cv, GK_TUPLE_GET(co->varnames, j))) {
                c2a[i] = j;
                any = true;
                break;
            }
    }
    if (!any) {
        free(c2a);
        return 0;
    }
    co->cell2arg = c2a;
    return 0;
}

/* Creates a code object; object arguments borrowed, arrays copied. */
gk_object *gk__code_new(const gk_instr *instrs, size_t n, const uint32_t *lines, const uint16_t *cols,
                        gk_object *consts, gk_object *names, gk_object *varnames,
                        gk_object *cellvars, gk_object *freevars, gk_object *name,
                        gk_object *qualname, gk_object *filename, int argcount,
                        int posonlyargcount, int kwonlyargcount, int stacksize, int maxblocks,
                        unsigned flags, int firstlineno)
{
    gk_code *co = (gk_code *)gk__obj_new(&gk__code_type, sizeof(gk_code));
    if (!co)
        return NULL;
    co->instrs = dup_array(instrs, n, sizeof(gk_instr));
    co->lines = dup_array(lines, n, sizeof(uint32_t));
    co->cols = dup_array(cols, n, sizeof(uint16_t));
    co->ninstrs = n;
    co->consts = gk__incref(consts);
    co->names = gk__incref(names);
    co->varnames = gk__incref(varnames);
    co->cellvars = gk__incref(cellvars);
    co->freevars = gk__incref(freevars);
    co->name = gk__incref(name);
    co->qualname = gk__incref(qualname ? qualname : name);
    co->filename = gk__incref(filename);
    co->argcount = argcount;
    co->posonlyargcount = posonlyargcount;
    co->kwonlyargcount = kwonlyargcount;
    co->nlocals = (int)gk__tuple_size(varnames);
    co->stacksize = stacksize;
    co->maxblocks = maxblocks;
    co->flags = flags;
    co->firstlineno = firstlineno;
    co->ncells = gk__tuple_size(cellvars) + gk__tuple_size(freevars);
    size_t nnames = gk__tuple_size(names);
    co->global_hints = nnames ? calloc(nnames, sizeof(uint32_t)) : NULL;
    if (!co->instrs || !co->lines || !co->cols || (nnames && !co->global_hints)) {
        gk__decref((gk_object *)co);
        return gk__raise_nomemory();
    }
    if (compute_cell2arg(co) < 0) {
        gk__decref((gk_object *)co);
        return NULL;
    }
    return (gk_object *)co;
}

static void code_dealloc(gk_object *o)
{
    gk_code *co = (gk_code *)o;
    free(co->instrs);
    free(co->lines);
    free(co->cols);
    free(co->cell2arg);
    free(co->global_hints);
    free(co->attr_cache);
    GK_CLEAR(co->consts);
    GK_CLEAR(co->names);
    GK_CLEAR(co->varnames);
    GK_CLEAR(co->cellvars);
    GK_CLEAR(co->freevars);
    GK_CLEAR(co->name);
    GK_CLEAR(co->qualname);
    GK_CLEAR(co->filename);
    gk__obj_free(o);
}

static gk_object *code_repr(gk_object *o)
{
    gk_code *co = (gk_code *)o;
    return gk__str_from_format("<code object %U at %p, file \"%U\", line %d>",
                               co->name, (void *)co, co->filename, co->firstlineno);
}

/* Line of instruction pc. */
int gk__code_line_at(gk_code *co, size_t pc)
{
    if (co->ninstrs == 0)
        return co->firstlineno;
    if (pc >= co->ninstrs)
        pc = co->ninstrs - 1;
    return (int)co->lines[pc];
}

#define CO(o) ((gk_code *)(o))
static gk_object *get_name(gk_object *o, void *c) { return gk__incref(CO(o)->name); }
static gk_object *get_qualname(gk_object *o, void *c) { return gk__incref(CO(o)->qualname); }
static gk_object *get_filename(gk_object *o, void *c) { return gk__incref(CO(o)->filename); }
static gk_object *get_consts(gk_object *o, void *c) { return gk__incref(CO(o)->consts); }
static gk_object *get_names(gk_object *o, void *c) { return gk__incref(CO(o)->names); }
static gk_object *get_varnames(gk_object *o, void *c) { return gk__incref(CO(o)->varnames); }
static gk_object *get_cellvars(gk_object *o, void *c) { return gk__incref(CO(o)->cellvars); }
static gk_object *get_freevars(gk_object *o, void *c) { return gk__incref(CO(o)->freevars); }
static gk_object *get_firstlineno(gk_object *o, void *c) { return gk__int_from_i64(CO(o)->firstlineno); }
static gk_object *get_argcount(gk_object *o, void *c) { return gk__int_from_i64(CO(o)->argcount); }
static gk_object *get_posonly(gk_object *o, void *c) { return gk__int_from_i64(CO(o)->posonlyargcount); }
static gk_object *get_kwonly(gk_object *o, void *c) { return gk__int_from_i64(CO(o)->kwonlyargcount); }
static gk_object *get_nlocals(gk_object *o, void *c) { return gk__int_from_i64(CO(o)->nlocals); }
static gk_object *get_stacksize(gk_object *o, void *c) { return gk__int_from_i64(CO(o)->stacksize); }
static gk_object *get_flags(gk_object *o, void *c)
{
    /* Report CPython's flag values for the common bits. */
    unsigned f = CO(o)->flags, r = 0;
    if (f & GK_CO_NEWLOCALS) r |= 0x3;   /* CO_OPTIMIZED | CO_NEWLOCALS */
    if (f & GK_CO_VARARGS) r |= 0x4;
    if (f & GK_CO_VARKEYWORDS) r |= 0x8;
    if (f & GK_CO_NESTED) r |= 0x10;
    if (f & GK_CO_GENERATOR) r |= 0x20;
    if (!gk__tuple_size(CO(o)->freevars) && !gk__tuple_size(CO(o)->cellvars)) r |= 0x40;
    return gk__int_from_i64(r);
}

static const gk__getsetdef code_getset[] = {
    { "co_name", get_name, NULL, NULL },
    { "co_qualname", get_qualname, NULL, NULL },
    { "co_filename", get_filename, NULL, NULL },
    { "co_consts", get_consts, NULL, NULL },
    { "co_names", get_names, NULL, NULL },
    { "co_varnames", get_varnames, NULL, NULL },
    { "co_cellvars", get_cellvars, NULL, NULL },
    { "co_freevars", get_freevars, NULL, NULL },
    { "co_firstlineno", get_firstlineno, NULL, NULL },
    { "co_argcount", get_argcount, NULL, NULL },
    { "co_posonlyargcount", get_posonly, NULL, NULL },
    { "co_kwonlyargcount", get_kwonly, NULL, NULL },
    { "co_nlocals", get_nlocals, NULL, NULL },
    { "co_stacksize", get_stacksize, NULL, NULL },
    { "co_flags", get_flags, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

gk_type gk__code_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "code",
    .basicsize = sizeof(gk_code),
    .dealloc = code_dealloc,
    .repr = code_repr,
    .getattr = gk__object_generic_getattr,
    .getset = code_getset,
    .doc = "Create a code object.  Not for the faint of heart.",
};

/* ------------------------------------------------------------------ */
/* Disassembly                                                         */

static void dump_obj(gk_object *o)
{
    gk_object *r = gk__repr(o);
    if (!r) {
        gk__err_clear();
        fputs("<?>", stderr);
        return;
    }
    fputs(gk__str_utf8(r), stderr);
    gk__decref(r);
}

static gk_object *tuple_at(gk_object *t, size_t i)
{
    return i < gk__tuple_size(t) ? GK_TUPLE_GET(t, i) : NULL;
}

static void dump_arg(gk_code *co, int op, uint32_t arg)
{
    gk_object *o = NULL;
    size_t ncell = gk__tuple_size(co->cellvars);
    switch (op) {
    case GK_OP_LOAD_CONST:
        o = tuple_at(co->consts, arg);
        break;
    case GK_OP_LOAD_FAST: case GK_OP_STORE_FAST: case GK_OP_DELETE_FAST:
        o = tuple_at(co->varnames, arg);
        break;
    case GK_OP_LOAD_DEREF: case GK_OP_STORE_DEREF: case GK_OP_DELETE_DEREF:
    case GK_OP_LOAD_CLOSURE: case GK_OP_LOAD_CLASSDEREF:
        o = arg < ncell ? tuple_at(co->cellvars, arg) : tuple_at(co->freevars, arg - ncell);
        break;
    case GK_OP_LOAD_NAME: case GK_OP_STORE_NAME: case GK_OP_DELETE_NAME:
    case GK_OP_LOAD_GLOBAL: case GK_OP_STORE_GLOBAL: case GK_OP_DELETE_GLOBAL:
    case GK_OP_LOAD_ATTR: case GK_OP_STORE_ATTR: case GK_OP_DELETE_ATTR:
    case GK_OP_LOAD_METHOD: case GK_OP_IMPORT_NAME: case GK_OP_IMPORT_FROM:
        o = tuple_at(co->names, arg);
        break;
    case GK_OP_BINARY_OP:
    case GK_OP_INPLACE_OP: {
        static const char *const syms[] = {
#define X(n, d, r, i, sym) sym,
            GK_BINOPS(X)
#undef X
        };
        if (arg < GK_BINOP_COUNT)
            fprintf(stderr, " (%s%s)", syms[arg], op == GK_OP_INPLACE_OP ? "=" : "");
        return;
    }
    case GK_OP_COMPARE_OP: {
        static const char *const cmps[] = { "<", "<=", "==", "!=", ">", ">=" };
        if (arg < 6)
            fprintf(stderr, " (%s)", cmps[arg]);
        return;
    }
    default:
        return;
    }
    if (o) {
        fputs(" (", stderr);
        dump_obj(o);
        fputs(")", stderr);
    }
}

static void dump_code(gk_code *co)
{
    fprintf(stderr, "Disassembly of ");
    dump_obj((gk_object *)co);
    fprintf(stderr, ": stacksize %d, maxblocks %d, nlocals %d, flags 0x%x\n",
            co->stacksize, co->maxblocks, co->nlocals, co->flags);
    uint32_t last = 0;
    for (size_t i = 0; i < co->ninstrs; i++) {
        int op = GK_OP(co->instrs[i]);
        uint32_t arg = GK_ARG(co->instrs[i]);
        if (co->lines[i] != last) {
            fprintf(stderr, "%5u ", co->lines[i]);
            last = co->lines[i];
        } else {
            fputs("      ", stderr);
        }
        fprintf(stderr, "%6zu %-22s", i, op < GK_OP_COUNT ? gk__opcode_names[op] : "???");
        if (op < GK_OP_COUNT && op_has_arg[op]) {
            fprintf(stderr, " %u", arg);
            dump_arg(co, op, arg);
        }
        fputc('\n', stderr);
    }
    fputc('\n', stderr);
    for (size_t i = 0; i < gk__tuple_size(co->consts); i++) {
        gk_object *c = GK_TUPLE_GET(co->consts, i);
        if (GK_TYPE(c) == &gk__code_type)
            dump_code((gk_code *)c);
    }
}

/* Prints a disassembly of code (and nested code objects) to stderr. */
void gk__code_dump(gk_object *code)
{
    if (code && GK_TYPE(code) == &gk__code_type)
        dump_code((gk_code *)code);
}
