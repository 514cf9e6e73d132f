/*
 * vm/lang/ast.c - the arena holding syntax-tree nodes (chunked bump
 * allocation) and the references to the objects the tree points at; plus
 * gk__ast_dump, a debugging printer of a tree.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "ast.h"
#include "../objects.h"

#define CHUNK_SIZE (32 * 1024)

struct gk__arena_chunk {
    struct gk__arena_chunk *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
};

/* An empty arena. */
void gk__ast_arena_init(gk__ast_arena *arena)
{
    arena->chunks = NULL;
    arena->objects = NULL;
}

/* Frees every node and drops the kept references. */
void gk__ast_arena_free(gk__ast_arena *arena)
{
    struct gk__arena_chunk *c = arena->chunks;
    while (c) {
        struct gk__arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    arena->chunks = NULL;
    GK_CLEAR(arena->objects);
}

/* Zeroed, aligned memory living as long as the arena; NULL + MemoryError. */
void *gk__ast_alloc(gk__ast_arena *arena, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    struct gk__arena_chunk *c = arena->chunks;
    if (!c || c->size - c->used < size) {
        size_t csize = size > CHUNK_SIZE / 4 ? size : CHUNK_SIZE;
        struct gk__arena_chunk *nc = malloc(sizeof *nc + csize);
        if (!nc) {
            gk__raise_nomemory();
            return NULL;
        }
        nc->used = 0;
        nc->size = csize;
        if (c && csize != CHUNK_SIZE) {
            /* a big block: keep the current chunk in front for small ones */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            arena->chunks = nc;
        }
        c = nc;
    }
    void *mem = c->data + c->used;
    c->used += size;
    memset(mem, 0, size);
    return mem;
}

/* Keeps a reference to obj in the arena; obj (borrowed) or NULL. */
gk_object *gk__ast_keep(gk__ast_arena *arena, gk_object *obj)
{
    if (!arena->objects) {
        arena->objects = gk__list_new(0);
        if (!arena->objects)
            return NULL;
    }
    if (gk__list_append(arena->objects, obj) < 0)
        return NULL;
    return obj;
}

/* ---- debug dump ---- */

static const char *const kind_names[] = {
#define X(k) #k,
    GK_AST_KINDS(X)
#undef X
};

static void dump(gk__ast *n, int depth);

static void dump_list(const char *label, gk__astlist *l, int depth)
{
    if (!l->n)
        return;
    fprintf(stderr, "%*s%s:\n", depth * 2, "", label);
    for (size_t i = 0; i < l->n; i++) {
        if (l->items[i])
            dump(l->items[i], depth + 1);
        else
            fprintf(stderr, "%*s(null)\n", (depth + 1) * 2, "");
    }
}

static void dump_obj(const char *label, gk_object *o)
{
    if (!o)
        return;
    gk_object *r = gk__repr(o);
    if (r) {
        fprintf(stderr, " %s=%s", label, gk__str_utf8(r));
        gk__decref(r);
    } else {
        gk__err_clear();
        fprintf(stderr, " %s=<?>", label);
    }
}

static void dump(gk__ast *n, int depth)
{
    fprintf(stderr, "%*s%s @%d:%d-%d:%d", depth * 2, "", kind_names[n->kind], n->line, n->col,
            n->end_line, n->end_col);
    dump_obj("name", n->name);
    dump_obj("name2", n->name2);
    dump_obj("value", n->value);
    if (n->op)
        fprintf(stderr, " op=%d", n->op);
    if (n->ints) {
        fprintf(stderr, " ints=");
        for (size_t i = 0; i < n->l1.n; i++)
            fprintf(stderr, "%d,", n->ints[i]);
    }
    fprintf(stderr, "\n");
    gk__ast *sub[4] = {n->a, n->b, n->c, n->d};
    for (int i = 0; i < 4; i++)
        if (sub[i]) {
            fprintf(stderr, "%*s%c:\n", depth * 2 + 1, "", 'a' + i);
            dump(sub[i], depth + 1);
        }
    dump_list(" l1", &n->l1, depth);
    dump_list(" l2", &n->l2, depth);
    dump_list(" l3", &n->l3, depth);
    dump_list(" l4", &n->l4, depth);
    dump_list(" l5", &n->l5, depth);
}

/* Prints the tree under node to stderr (debugging). */
void gk__ast_dump(gk__ast *node)
{
    if (node)
        dump(node, 0);
}
