/*
 * vm/lang/symtable.c - builds the symbol table from a syntax tree: one entry
 * per scope, then an analysis pass that resolves every name to local,
 * cell, free, global (explicit/implicit) following Python 3's rules
 * (class bodies are invisible to their methods, comprehensions are their
 * own function scopes, `__class__` cells for super()).  Also private-name
 * mangling and the SyntaxError helper shared with compile.c.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "symtable.h"
#include "../objects.h"

/* ------------------------------------------------------------------ */
/* SyntaxError helper                                                  */

static const char *syn_source;
static size_t syn_size;

/* Sets the source used for SyntaxError.text. */
void gk__syntax_set_source(const char *source, size_t size)
{
    syn_source = source;
    syn_size = size;
}

static gk_object *file_line(gk_object *filename, int line)
{
    if (!filename || !gk__is_str(filename))
        return gk__none_ref();
    FILE *f = fopen(gk__str_utf8(filename), "rb");
    if (!f)
        return gk__none_ref();
    char buf[4096];
    gk_object *r = NULL;
    for (int l = 1; fgets(buf, sizeof buf, f); l++) {
        if (l == line) {
            r = gk__str_from_utf8(buf, strlen(buf));
            if (!r)
                gk__err_clear();
            break;
        }
    }
    fclose(f);
    return r ? r : gk__none_ref();
}

static gk_object *source_line(gk_object *filename, int line)
{
    if (line < 1)
        return gk__none_ref();
    if (!syn_source)
        return file_line(filename, line);
    const char *p = syn_source, *end = syn_source + syn_size;
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return gk__none_ref();
        p = nl + 1;
    }
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e)
        e = end;
    else
        e++;
    return gk__str_from_utf8(p, (size_t)(e - p));
}

/* Raises SyntaxError at node; returns -1. */
int gk__syntax_error(gk_object *filename, gk__ast *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gk_object *msg = gk__str_from_vformat(fmt, ap);
    va_end(ap);
    if (!msg)
        return -1;
    int line = node ? node->line : 1, col = node ? node->col : 0;
    int eline = node ? node->end_line : 1, ecol = node ? node->end_col : 0;
    gk_object *text = source_line(filename, line);
    gk_object *ln = gk__int_from_i64(line), *off = gk__int_from_i64(col + 1);
    gk_object *eln = gk__int_from_i64(eline), *eoff = gk__int_from_i64(ecol + 1);
    gk_object *loc = NULL, *args = NULL, *exc = NULL;
    if (!text || !ln || !off || !eln || !eoff)
        goto done;
    loc = gk__tuple_pack(6, filename ? filename : GK_NONE, ln, off, text, eln, eoff);
    if (!loc)
        goto done;
    args = gk__tuple_pack(2, msg, loc);
    if (!args)
        goto done;
    exc = gk__exc_new(&gk__exc_SyntaxError, args);
    if (exc) {
        gk__raise_obj(exc);
        gk__decref(exc);
    }
done:
    gk__xdecref(msg);
    gk__xdecref(text);
    gk__xdecref(ln);
    gk__xdecref(off);
    gk__xdecref(eln);
    gk__xdecref(eoff);
    gk__xdecref(loc);
    gk__xdecref(args);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Mangling                                                            */

/* Returns name mangled for the class privateobj (new reference). */
gk_object *gk__mangle(gk_object *privateobj, gk_object *name)
{
    if (!privateobj)
        return gk__incref(name);
    const char *s = gk__str_utf8(name);
    size_t n = gk__str_size(name);
    if (n < 2 || s[0] != '_' || s[1] != '_')
        return gk__incref(name);
    if ((n >= 4 && s[n - 1] == '_' && s[n - 2] == '_') || memchr(s, '.', n))
        return gk__incref(name);
    const char *p = gk__str_utf8(privateobj);
    while (*p == '_')
        p++;
    if (!*p)
        return gk__incref(name);
    return gk__str_from_format("_%s%s", p, s);
}

/* ------------------------------------------------------------------ */
/* Entries                                                             */

typedef struct builder {
    gk__symtable *st;
    gk__ste *cur;
    gk_object *private_;         /* borrowed class name or NULL */
} builder;

static int grow(void **arr, size_t *cap, size_t need, size_t elsize)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    void *p = realloc(*arr, nc * elsize);
    if (!p) {
        gk__raise_nomemory();
        return -1;
    }
    *arr = p;
    *cap = nc;
    return 0;
}

/* The symbol for name in ste, or NULL. */
gk__symbol *gk__ste_lookup(gk__ste *ste, gk_object *name)
{
    int64_t h = gk__hash(name);
    for (size_t i = 0; i < ste->nsyms; i++)
        if (ste->syms[i].hash == h && gk__str_eq(ste->syms[i].name, name))
            return &ste->syms[i];
    return NULL;
}

/* Resolved scope of name in ste. */
int gk__ste_scope(gk__ste *ste, gk_object *name)
{
    gk__symbol *s = gk__ste_lookup(ste, name);
    return s ? s->scope : GK_SCOPE_NONE;
}

static gk__symbol *ste_symbol(gk__ste *ste, gk_object *name)
{
    gk__symbol *s = gk__ste_lookup(ste, name);
    if (s)
        return s;
    if (grow((void **)&ste->syms, &ste->capsyms, ste->nsyms + 1, sizeof(gk__symbol)) < 0)
        return NULL;
    s = &ste->syms[ste->nsyms++];
    s->name = gk__incref(name);
    s->hash = gk__hash(name);
    s->flags = 0;
    s->scope = GK_SCOPE_NONE;
    s->where = NULL;
    return s;
}

/* The child entry of parent for node, or NULL. */
gk__ste *gk__ste_child(gk__ste *parent, gk__ast *node)
{
    for (size_t i = 0; i < parent->nchildren; i++)
        if (parent->children[i]->node == node)
            return parent->children[i];
    return NULL;
}

static void ste_free(gk__ste *ste)
{
    if (!ste)
        return;
    for (size_t i = 0; i < ste->nchildren; i++)
        ste_free(ste->children[i]);
    free(ste->children);
    for (size_t i = 0; i < ste->nsyms; i++)
        gk__decref(ste->syms[i].name);
    free(ste->syms);
    for (size_t i = 0; i < ste->nparams; i++)
        gk__decref(ste->params[i]);
    free(ste->params);
    gk__xdecref(ste->name);
    free(ste);
}

/* Frees the table. */
void gk__symtable_free(gk__symtable *st)
{
    ste_free(st->top);
    st->top = NULL;
}

static int enter_block(builder *b, int kind, const char *cname, gk_object *name, gk__ast *node)
{
    gk__ste *ste = calloc(1, sizeof(gk__ste));
    if (!ste) {
        gk__raise_nomemory();
        return -1;
    }
    ste->kind = kind;
    ste->node = node;
    ste->name = name ? gk__incref(name) : gk__str_from_cstr(cname);
    if (!ste->name) {
        free(ste);
        return -1;
    }
    ste->parent = b->cur;
    if (b->cur) {
        ste->is_nested = b->cur->is_nested || b->cur->kind == GK_BLOCK_FUNCTION;
        gk__ste *p = b->cur;
        if (grow((void **)&p->children, &p->capchildren, p->nchildren + 1, sizeof(gk__ste *)) < 0) {
            ste_free(ste);
            return -1;
        }
        p->children[p->nchildren++] = ste;
    } else {
        b->st->top = ste;
    }
    b->cur = ste;
    return 0;
}

static void exit_block(builder *b)
{
    b->cur = b->cur->parent;
}

static int add_def_in(builder *b, gk__ste *ste, gk_object *name, int flag, gk__ast *node)
{
    gk_object *m = gk__mangle(b->private_, name);
    if (!m)
        return -1;
    gk__symbol *s = ste_symbol(ste, m);
    if (!s)
        goto fail;
    if ((flag & GK_DEF_PARAM) && (s->flags & GK_DEF_PARAM)) {
        gk__syntax_error(b->st->filename, node, "duplicate argument '%U' in function definition", name);
        goto fail;
    }
    s->flags |= flag;
    if ((flag & (GK_DEF_GLOBAL | GK_DEF_NONLOCAL)) && !s->where)
        s->where = node;
    if (flag & GK_DEF_PARAM) {
        if (grow((void **)&ste->params, &ste->capparams, ste->nparams + 1, sizeof(gk_object *)) < 0)
            goto fail;
        ste->params[ste->nparams++] = gk__incref(m);
    }
    gk__decref(m);
    return 0;
fail:
    gk__decref(m);
    return -1;
}

static int add_def(builder *b, gk_object *name, int flag, gk__ast *node)
{
    return add_def_in(b, b->cur, name, flag, node);
}

static int add_def_cstr(builder *b, const char *name, int flag, gk__ast *node)
{
    return add_def(b, gk__str_intern(name), flag, node);
}

/* ------------------------------------------------------------------ */
/* Visiting                                                            */

static int visit(builder *b, gk__ast *n);

static int visit_list(builder *b, gk__astlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i] && visit(b, l->items[i]) < 0)
            return -1;
    return 0;
}

/* An assignment/deletion target: names are bound whatever their ctx says. */
static int visit_target(builder *b, gk__ast *t)
{
    if (!t)
        return 0;
    switch (t->kind) {
    case GK_AST_NAME:
        return add_def(b, t->name, GK_DEF_LOCAL, t);
    case GK_AST_TUPLE:
    case GK_AST_LIST:
        for (size_t i = 0; i < t->l1.n; i++)
            if (visit_target(b, t->l1.items[i]) < 0)
                return -1;
        return 0;
    case GK_AST_STARRED:
        return visit_target(b, t->a);
    default:
        return visit(b, t);
    }
}

static int visit_target_list(builder *b, gk__astlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (visit_target(b, l->items[i]) < 0)
            return -1;
    return 0;
}

static int visit_params(builder *b, gk__ast *args)
{
    if (!args)
        return 0;
    gk__astlist *lists[3] = { &args->l1, &args->l2, &args->l3 };
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < lists[k]->n; i++)
            if (add_def(b, lists[k]->items[i]->name, GK_DEF_PARAM, lists[k]->items[i]) < 0)
                return -1;
    if (args->a) {
        if (add_def(b, args->a->name, GK_DEF_PARAM, args->a) < 0)
            return -1;
        b->cur->varargs = true;
    }
    if (args->b) {
        if (add_def(b, args->b->name, GK_DEF_PARAM, args->b) < 0)
            return -1;
        b->cur->varkeywords = true;
    }
    return 0;
}

static int visit_defaults(builder *b, gk__ast *args)
{
    if (!args)
        return 0;
    if (visit_list(b, &args->l4) < 0)
        return -1;
    return visit_list(b, &args->l5);
}

static const char *comp_desc(int kind)
{
    switch (kind) {
    case GK_AST_LISTCOMP: return "list comprehension";
    case GK_AST_SETCOMP: return "set comprehension";
    case GK_AST_DICTCOMP: return "dict comprehension";
    default: return "generator expression";
    }
}

static int visit_comprehension(builder *b, gk__ast *n)
{
    static const char *names[] = { "listcomp", "setcomp", "dictcomp", "genexpr" };
    int idx = n->kind == GK_AST_LISTCOMP ? 0 : n->kind == GK_AST_SETCOMP ? 1
            : n->kind == GK_AST_DICTCOMP ? 2 : 3;
    gk__astlist *gens = &n->l1;
    if (gens->n == 0)
        return 0;
    gk__ast *first = gens->items[0];
    if (visit(b, first->b) < 0)
        return -1;
    if (enter_block(b, GK_BLOCK_FUNCTION, names[idx], NULL, n) < 0)
        return -1;
    b->cur->is_comprehension = true;
    b->cur->comp_kind = n->kind;
    if (n->kind == GK_AST_GENEXP)
        b->cur->is_generator = true;
    if (add_def_cstr(b, ".0", GK_DEF_PARAM, n) < 0)
        return -1;
    if (visit_target(b, first->a) < 0 || visit_list(b, &first->l1) < 0)
        return -1;
    for (size_t i = 1; i < gens->n; i++) {
        gk__ast *g = gens->items[i];
        if (visit(b, g->b) < 0 || visit_target(b, g->a) < 0 || visit_list(b, &g->l1) < 0)
            return -1;
    }
    if (n->kind == GK_AST_DICTCOMP) {
        if (visit(b, n->b) < 0)
            return -1;
    }
    if (visit(b, n->a) < 0)
        return -1;
    exit_block(b);
    return 0;
}

/* `target := value` inside a comprehension binds in the enclosing scope. */
static int namedexpr_target(builder *b, gk__ast *n)
{
    gk__ast *t = n->a;
    if (!b->cur->is_comprehension || t->kind != GK_AST_NAME)
        return visit_target(b, t);
    for (gk__ste *e = b->cur; e; e = e->parent) {
        if (e->is_comprehension)
            continue;
        if (e->kind == GK_BLOCK_FUNCTION) {
            gk__symbol *s = gk__ste_lookup(e, t->name);
            int fl = (s && (s->flags & GK_DEF_GLOBAL)) ? GK_DEF_GLOBAL : GK_DEF_NONLOCAL;
            if (add_def(b, t->name, fl, t) < 0)
                return -1;
            return add_def_in(b, e, t->name, GK_DEF_LOCAL, t);
        }
        if (e->kind == GK_BLOCK_MODULE) {
            if (add_def(b, t->name, GK_DEF_GLOBAL, t) < 0)
                return -1;
            return add_def_in(b, e, t->name, GK_DEF_GLOBAL, t);
        }
        gk__syntax_error(b->st->filename, n,
                         "assignment expression within a comprehension cannot be used in a class body");
        return -1;
    }
    return 0;
}

static int visit_global(builder *b, gk__ast *n, bool is_global)
{
    const char *what = is_global ? "global" : "nonlocal";
    if (!is_global && b->cur->kind == GK_BLOCK_MODULE)
        return gk__syntax_error(b->st->filename, n, "nonlocal declaration not allowed at module level");
    for (size_t i = 0; i < n->l1.n; i++) {
        gk__ast *nm = n->l1.items[i];
        gk_object *m = gk__mangle(b->private_, nm->name);
        if (!m)
            return -1;
        gk__symbol *s = gk__ste_lookup(b->cur, m);
        gk__decref(m);
        int cur = s ? s->flags : 0;
        if (cur & (GK_DEF_PARAM | GK_DEF_LOCAL | GK_DEF_USE)) {
            const char *fmt = (cur & GK_DEF_PARAM) ? "name '%U' is parameter and %s"
                            : (cur & GK_DEF_USE) ? "name '%U' is used prior to %s declaration"
                            : "name '%U' is assigned to before %s declaration";
            return gk__syntax_error(b->st->filename, n, fmt, nm->name, what);
        }
        if (is_global && (cur & GK_DEF_NONLOCAL))
            return gk__syntax_error(b->st->filename, n, "name '%U' is nonlocal and global", nm->name);
        if (!is_global && (cur & GK_DEF_GLOBAL))
            return gk__syntax_error(b->st->filename, n, "name '%U' is nonlocal and global", nm->name);
        if (add_def(b, nm->name, is_global ? GK_DEF_GLOBAL : GK_DEF_NONLOCAL, n) < 0)
            return -1;
    }
    return 0;
}

static int visit_import(builder *b, gk__ast *n)
{
    for (size_t i = 0; i < n->l1.n; i++) {
        gk__ast *al = n->l1.items[i];
        gk_object *store;
        if (al->name2) {
            store = gk__incref(al->name2);
        } else {
            const char *s = gk__str_utf8(al->name);
            if (strcmp(s, "*") == 0) {
                if (b->cur->kind != GK_BLOCK_MODULE)
                    return gk__syntax_error(b->st->filename, n, "import * only allowed at module level");
                continue;
            }
            const char *dot = strchr(s, '.');
            store = dot ? gk__str_from_utf8(s, (size_t)(dot - s)) : gk__incref(al->name);
            if (!store)
                return -1;
        }
        int r = add_def(b, store, GK_DEF_IMPORT, al);
        gk__decref(store);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int visit_funcdef(builder *b, gk__ast *n)
{
    if (add_def(b, n->name, GK_DEF_LOCAL, n) < 0)
        return -1;
    if (visit_defaults(b, n->a) < 0 || visit_list(b, &n->l2) < 0)
        return -1;
    if (enter_block(b, GK_BLOCK_FUNCTION, NULL, n->name, n) < 0)
        return -1;
    if (visit_params(b, n->a) < 0 || visit_list(b, &n->l1) < 0)
        return -1;
    exit_block(b);
    return 0;
}

static int visit_classdef(builder *b, gk__ast *n)
{
    if (add_def(b, n->name, GK_DEF_LOCAL, n) < 0)
        return -1;
    if (visit_list(b, &n->l3) < 0 || visit_list(b, &n->l4) < 0 || visit_list(b, &n->l2) < 0)
        return -1;
    if (enter_block(b, GK_BLOCK_CLASS, NULL, n->name, n) < 0)
        return -1;
    gk_object *saved = b->private_;
    b->private_ = n->name;
    int r = visit_list(b, &n->l1);
    b->private_ = saved;
    if (r < 0)
        return -1;
    exit_block(b);
    return 0;
}

static int visit_stmt(builder *b, gk__ast *n)
{
    switch (n->kind) {
    case GK_AST_FUNCTIONDEF:
        return visit_funcdef(b, n);
    case GK_AST_CLASSDEF:
        return visit_classdef(b, n);
    case GK_AST_ANNASSIGN:
        if (n->c && visit(b, n->c) < 0)
            return -1;
        return visit_target(b, n->a);
    case GK_AST_AUGASSIGN:
        if (visit(b, n->b) < 0)
            return -1;
        return visit_target(b, n->a);
    case GK_AST_DELETE:
        return visit_target_list(b, &n->l1);
    case GK_AST_FOR:
        if (visit_target(b, n->a) < 0 || visit(b, n->b) < 0)
            return -1;
        if (visit_list(b, &n->l1) < 0)
            return -1;
        return visit_list(b, &n->l2);
    case GK_AST_WITHITEM:
        if (visit(b, n->a) < 0)
            return -1;
        return visit_target(b, n->b);
    case GK_AST_EXCEPTHANDLER:
        if (n->a && visit(b, n->a) < 0)
            return -1;
        if (n->name && add_def(b, n->name, GK_DEF_LOCAL, n) < 0)
            return -1;
        return visit_list(b, &n->l1);
    case GK_AST_IMPORT:
    case GK_AST_IMPORTFROM:
        return visit_import(b, n);
    case GK_AST_GLOBAL:
        return visit_global(b, n, true);
    case GK_AST_NONLOCAL:
        return visit_global(b, n, false);
    case GK_AST_ASSIGN:
        /* value first, then the targets (order of definition matters for
         * the global-after-use checks only) */
        if (visit(b, n->a) < 0)
            return -1;
        return visit_target_list(b, &n->l1);
    default:
        return 1;   /* not a statement with special handling */
    }
}

static int visit_expr(builder *b, gk__ast *n)
{
    switch (n->kind) {
    case GK_AST_NAME:
        if (add_def(b, n->name, n->op == GK_CTX_LOAD ? GK_DEF_USE : GK_DEF_LOCAL, n) < 0)
            return -1;
        if (n->op == GK_CTX_LOAD && b->cur->kind == GK_BLOCK_FUNCTION &&
            gk__str_eq_cstr(n->name, "super"))
            return add_def_cstr(b, "__class__", GK_DEF_USE, n);
        return 0;
    case GK_AST_LAMBDA:
        if (visit_defaults(b, n->a) < 0)
            return -1;
        if (enter_block(b, GK_BLOCK_FUNCTION, "lambda", NULL, n) < 0)
            return -1;
        if (visit_params(b, n->a) < 0 || visit(b, n->b) < 0)
            return -1;
        exit_block(b);
        return 0;
    case GK_AST_LISTCOMP:
    case GK_AST_SETCOMP:
    case GK_AST_DICTCOMP:
    case GK_AST_GENEXP:
        return visit_comprehension(b, n);
    case GK_AST_YIELD:
    case GK_AST_YIELDFROM:
        if (n->a && visit(b, n->a) < 0)
            return -1;
        if (b->cur->is_comprehension)
            return gk__syntax_error(b->st->filename, n, "'yield' inside %s", comp_desc(b->cur->comp_kind));
        b->cur->is_generator = true;
        return 0;
    case GK_AST_NAMEDEXPR:
        if (visit(b, n->b) < 0)
            return -1;
        return namedexpr_target(b, n);
    default:
        return 1;
    }
}

/* Generic traversal of every child field. */
static int visit(builder *b, gk__ast *n)
{
    if (!n)
        return 0;
    int r = visit_stmt(b, n);
    if (r <= 0)
        return r;
    r = visit_expr(b, n);
    if (r <= 0)
        return r;
    if (n->kind == GK_AST_ARGUMENTS || n->kind == GK_AST_ARG)
        return 0;
    gk__ast *kids[4] = { n->a, n->b, n->c, n->d };
    /* FUNCTIONDEF returns (b) and ANNASSIGN annotation are handled above. */
    for (int i = 0; i < 4; i++)
        if (kids[i] && visit(b, kids[i]) < 0)
            return -1;
    gk__astlist *lists[5] = { &n->l1, &n->l2, &n->l3, &n->l4, &n->l5 };
    for (int i = 0; i < 5; i++)
        if (visit_list(b, lists[i]) < 0)
            return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Analysis                                                            */

typedef struct nameset { gk_object **items; size_t n, cap; } nameset;

static bool ns_has(nameset *s, gk_object *name)
{
    if (!s)
        return false;
    for (size_t i = 0; i < s->n; i++)
        if (gk__str_eq(s->items[i], name))
            return true;
    return false;
}

static int ns_add(nameset *s, gk_object *name)
{
    if (ns_has(s, name))
        return 0;
    if (grow((void **)&s->items, &s->cap, s->n + 1, sizeof(gk_object *)) < 0)
        return -1;
    s->items[s->n++] = name;
    return 0;
}

static void ns_discard(nameset *s, gk_object *name)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (gk__str_eq(s->items[i], name)) {
            s->items[i] = s->items[--s->n];
            return;
        }
}

static int ns_union(nameset *dst, nameset *src)
{
    if (!src)
        return 0;
    for (size_t i = 0; i < src->n; i++)
        if (ns_add(dst, src->items[i]) < 0)
            return -1;
    return 0;
}

static void ns_free(nameset *s)
{
    free(s->items);
    s->items = NULL;
    s->n = s->cap = 0;
}

static int analyze_name(gk__symtable *st, gk__ste *ste, gk__symbol *sym, nameset *bound,
                        nameset *local, nameset *free_, nameset *global)
{
    int fl = sym->flags;
    if (fl & GK_DEF_GLOBAL) {
        sym->scope = GK_SCOPE_GLOBAL_EXPLICIT;
        if (ns_add(global, sym->name) < 0)
            return -1;
        ns_discard(bound, sym->name);
        return 0;
    }
    if (fl & GK_DEF_NONLOCAL) {
        if (!bound)
            return gk__syntax_error(st->filename, ste->node, "nonlocal declaration not allowed at module level");
        if (!ns_has(bound, sym->name))
            return gk__syntax_error(st->filename, sym->where ? sym->where : ste->node, "no binding for nonlocal '%U' found", sym->name);
        sym->scope = GK_SCOPE_FREE;
        ste->has_free = true;
        return ns_add(free_, sym->name);
    }
    if (fl & GK_DEF_BOUND) {
        sym->scope = GK_SCOPE_LOCAL;
        if (ns_add(local, sym->name) < 0)
            return -1;
        ns_discard(global, sym->name);
        return 0;
    }
    if (ns_has(bound, sym->name)) {
        sym->scope = GK_SCOPE_FREE;
        ste->has_free = true;
        return ns_add(free_, sym->name);
    }
    if (ste->is_nested)
        ste->has_free = true;
    sym->scope = GK_SCOPE_GLOBAL_IMPLICIT;
    return 0;
}

static int update_symbols(gk__ste *ste, nameset *bound, nameset *newfree)
{
    for (size_t i = 0; i < newfree->n; i++) {
        gk_object *name = newfree->items[i];
        gk__symbol *s = gk__ste_lookup(ste, name);
        if (s) {
            if (ste->kind == GK_BLOCK_CLASS && (s->flags & (GK_DEF_BOUND | GK_DEF_GLOBAL)))
                s->flags |= GK_DEF_FREE_CLASS;
            continue;
        }
        if (bound && !ns_has(bound, name))
            continue;
        s = ste_symbol(ste, name);
        if (!s)
            return -1;
        s->scope = GK_SCOPE_FREE;
    }
    return 0;
}

static int analyze_block(gk__symtable *st, gk__ste *ste, nameset *bound, nameset *free_, nameset *global);

static int analyze_children(gk__symtable *st, gk__ste *ste, nameset *newbound, nameset *newglobal,
                            nameset *allfree)
{
    for (size_t i = 0; i < ste->nchildren; i++) {
        gk__ste *c = ste->children[i];
        nameset cb = {0}, cg = {0}, cf = {0};
        int r = -1;
        if (ns_union(&cb, newbound) < 0 || ns_union(&cg, newglobal) < 0)
            goto next;
        if (analyze_block(st, c, &cb, &cf, &cg) < 0)
            goto next;
        if (ns_union(allfree, &cf) < 0)
            goto next;
        if (c->has_free || c->child_free)
            ste->child_free = true;
        r = 0;
    next:
        ns_free(&cb);
        ns_free(&cg);
        ns_free(&cf);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int analyze_block(gk__symtable *st, gk__ste *ste, nameset *bound, nameset *free_, nameset *global)
{
    nameset local = {0}, newbound = {0}, newglobal = {0}, newfree = {0};
    int r = -1;
    bool is_class = ste->kind == GK_BLOCK_CLASS;
    if (is_class) {
        if (ns_union(&newglobal, global) < 0 || ns_union(&newbound, bound) < 0)
            goto done;
    }
    for (size_t i = 0; i < ste->nsyms; i++)
        if (analyze_name(st, ste, &ste->syms[i], bound, &local, free_, global) < 0)
            goto done;
    if (!is_class) {
        if (ste->kind == GK_BLOCK_FUNCTION && ns_union(&newbound, &local) < 0)
            goto done;
        if (ns_union(&newbound, bound) < 0 || ns_union(&newglobal, global) < 0)
            goto done;
    } else if (ns_add(&newbound, gk__str_intern("__class__")) < 0) {
        goto done;
    }
    if (analyze_children(st, ste, &newbound, &newglobal, &newfree) < 0)
        goto done;
    if (ste->kind == GK_BLOCK_FUNCTION) {
        for (size_t i = 0; i < ste->nsyms; i++) {
            gk__symbol *s = &ste->syms[i];
            if (s->scope == GK_SCOPE_LOCAL && ns_has(&newfree, s->name)) {
                s->scope = GK_SCOPE_CELL;
                ns_discard(&newfree, s->name);
            }
        }
    } else if (is_class) {
        gk_object *cls = gk__str_intern("__class__");
        if (ns_has(&newfree, cls)) {
            ns_discard(&newfree, cls);
            ste->needs_class_closure = true;
        }
    }
    if (update_symbols(ste, bound, &newfree) < 0)
        goto done;
    if (ns_union(free_, &newfree) < 0)
        goto done;
    r = 0;
done:
    ns_free(&local);
    ns_free(&newbound);
    ns_free(&newglobal);
    ns_free(&newfree);
    return r;
}

/* Builds and analyzes the table for a module; 0 / -1. */
int gk__symtable_build(gk__symtable *st, gk__ast *module, gk_object *filename)
{
    builder b = { st, NULL, NULL };
    st->top = NULL;
    st->filename = filename;
    if (enter_block(&b, GK_BLOCK_MODULE, "top", NULL, module) < 0)
        return -1;
    if (visit_list(&b, &module->l1) < 0)
        goto fail;
    nameset free_ = {0}, global = {0};
    int r = analyze_block(st, st->top, NULL, &free_, &global);
    ns_free(&free_);
    ns_free(&global);
    if (r < 0)
        goto fail;
    return 0;
fail:
    gk__symtable_free(st);
    return -1;
}
