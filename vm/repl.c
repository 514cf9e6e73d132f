/*
 * vm/repl.c - the interactive prompt, with line editing and history from
 * libedit.  Input is gathered until it forms a complete statement (a line
 * ending in ':' opens a block that an empty line closes; open brackets
 * and backslashes continue), then compiled and run in __main__.  The value
 * of an expression statement is printed with repr() unless it is None,
 * and kept in builtins._ as python3 does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>
#include "runtime.h"
#include "objects.h"
#include "code.h"
#include "lang/ast.h"

int gk__repl(void);

/* Bracket depth and whether the text ends inside a block header or a
 * continuation.  Strings are skipped roughly (enough for a prompt). */
static bool needs_more(const char *src, bool in_block, const char *last_line)
{
    int depth = 0;
    char quote = 0;
    for (const char *p = src; *p; p++) {
        if (quote) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == quote)
                quote = 0;
        } else if (*p == '#') {
            while (*p && *p != '\n')
                p++;
            if (!*p)
                break;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '(' || *p == '[' || *p == '{') {
            depth++;
        } else if (*p == ')' || *p == ']' || *p == '}') {
            depth--;
        }
    }
    if (depth > 0)
        return true;
    size_t n = strlen(last_line);
    while (n && (last_line[n - 1] == ' ' || last_line[n - 1] == '\t'))
        n--;
    if (n && last_line[n - 1] == '\\')
        return true;
    if (in_block)
        return n != 0;          /* a block ends at an empty line */
    return n && last_line[n - 1] == ':';
}

static int run_one(const char *src, gk_object *globals)
{
    gk_object *fname = gk__str_intern("<stdin>");
    gk__ast_arena arena;
    gk__ast_arena_init(&arena);
    gk_object *code = NULL, *res = NULL;
    gk__ast *mod = gk__parse(src, strlen(src), fname, 0, &arena);
    if (!mod)
        goto fail;
    bool expr = mod->l1.n == 1 && mod->l1.items[0]->kind == GK_AST_EXPR;
    if (expr) {
        /* Turn `expr` into `__repl_value__ = expr` so its value can be shown. */
        gk__ast *stmt = mod->l1.items[0];
        gk__ast *target = gk__ast_alloc(&arena, sizeof *target);
        gk__ast **targets = gk__ast_alloc(&arena, sizeof *targets);
        if (!target || !targets)
            goto fail;
        *target = *stmt;
        target->kind = GK_AST_NAME;
        target->op = GK_CTX_STORE;
        target->a = NULL;
        target->name = gk__str_intern("__repl_value__");
        targets[0] = target;
        stmt->kind = GK_AST_ASSIGN;
        stmt->l1.items = targets;
        stmt->l1.n = 1;
    }
    code = gk__compile(mod, fname, 0);
    if (!code)
        goto fail;
    res = gk__eval_code(code, globals, globals);
    if (!res)
        goto fail;
    if (expr) {
        gk_object *v = gk__dict_get_cstr(globals, "__repl_value__");
        if (v && v != GK_NONE) {
            gk__incref(v);
            gk__dict_del_cstr(globals, "__repl_value__");
            gk_object *r = gk__repr(v);
            if (!r || gk__dict_set_cstr(gk__rt->builtins, "_", v) < 0) {
                gk__decref(v);
                gk__xdecref(r);
                goto fail;
            }
            printf("%s\n", gk__str_utf8(r));
            gk__decref(r);
            gk__decref(v);
        } else if (v) {
            gk__dict_del_cstr(globals, "__repl_value__");
        }
    }
    gk__decref(res);
    gk__decref(code);
    gk__ast_arena_free(&arena);
    return 0;
fail:
    gk__xdecref(code);
    gk__ast_arena_free(&arena);
    return -1;
}

int gk__repl(void)
{
    gk_object *mod = gk__module_new(gk__str_intern("__main__"));
    if (!mod)
        return 1;
    gk_object *globals = gk__module_dict(mod);
    gk__dict_set_cstr(gk__rt->modules, "__main__", mod);
    gk__dict_set_cstr(globals, "__builtins__", gk__rt->builtins_module);
    printf("gilkit %s (Python 3.11 subset)\nType Ctrl-D to exit.\n", "0.1.0");
    for (;;) {
        gk__strbuf buf;
        gk__strbuf_init(&buf);
        bool in_block = false;
        const char *prompt = ">>> ";
        for (;;) {
            GK__BLOCKING_BEGIN(gk__ts());
            char *line = readline(prompt);
            GK__BLOCKING_END(gk__ts());
            if (!line) {
                gk__strbuf_free(&buf);
                printf("\n");
                gk__decref(mod);
                return 0;
            }
            if (*line)
                add_history(line);
            gk__strbuf_append_cstr(&buf, line);
            gk__strbuf_append(&buf, "\n", 1);
            gk__strbuf_append(&buf, "", 1);   /* NUL for scanning; size fixed below */
            buf.size--;
            bool more = needs_more(buf.data, in_block, line);
            size_t n = strlen(line);
            if (n && line[n - 1] == ':')
                in_block = true;
            free(line);
            if (!more)
                break;
            prompt = "... ";
        }
        gk__strbuf_append(&buf, "", 1);
        if (buf.data && run_one(buf.data, globals) < 0) {
            gk_object *exc = gk__err_fetch();
            if (exc) {
                fflush(stdout);
                if (gk__exc_matches(exc, (gk_object *)&gk__exc_SystemExit)) {
                    gk__decref(exc);
                    gk__strbuf_free(&buf);
                    gk__decref(mod);
                    return 0;
                }
                gk__print_exception(exc);
                gk__decref(exc);
            }
        }
        gk__strbuf_free(&buf);
        fflush(stdout);
    }
}
