/*
 * vm/import.c - the import system: built-in (C) modules registered by
 * name, and source modules found on sys.path.
 *
 * gk__import resolves a (possibly relative) dotted name, then imports each
 * prefix in turn: sys.modules first, then the registry of C modules, then
 * NAME/__init__.py or NAME.py in each folder of sys.path (or of the parent
 * package's __path__).  A source module is placed in sys.modules before its
 * body runs, so circular imports see the partial module, and removed again
 * if the body fails.  While one thread runs a module's body, other threads
 * that want the same module wait (with the GIL released) until it is done,
 * so no thread sees a half-initialized module of another thread's import.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "objects.h"
#include "runtime.h"
#include "ext/ext.h"
#include "code.h"
#include "lang/ast.h"

#define MAX_BUILTIN_MODULES 64

/* The registry of C modules: written at start-up (under the GIL), read later. */
static struct { const char *name; gk__module_init init; } builtin_modules[MAX_BUILTIN_MODULES];
static size_t nbuiltin_modules;

/* Names of modules whose body is running: name -> importing thread state address (GIL). */
static gk_object *importing;

/* Registers a C module: `import name` creates a module and runs init on it. */
int gk__register_builtin_module(const char *name, gk__module_init init)
{
    for (size_t i = 0; i < nbuiltin_modules; i++) {
        if (strcmp(builtin_modules[i].name, name) == 0) {
            builtin_modules[i].init = init;
            return 0;
        }
    }
    if (nbuiltin_modules == MAX_BUILTIN_MODULES) {
        gk__raise(&gk__exc_RuntimeError, "too many built-in modules");
        return -1;
    }
    builtin_modules[nbuiltin_modules].name = name;
    builtin_modules[nbuiltin_modules].init = init;
    nbuiltin_modules++;
    return 0;
}

static gk__module_init find_builtin(const char *name)
{
    for (size_t i = 0; i < nbuiltin_modules; i++)
        if (strcmp(builtin_modules[i].name, name) == 0)
            return builtin_modules[i].init;
    return NULL;
}

static gk_object *not_found(gk_object *fullname)
{
    gk_object *msg = gk__str_from_format("No module named %R", fullname);
    if (!msg)
        return NULL;
    gk_object *args = gk__tuple_pack(1, msg);
    gk__decref(msg);
    if (!args)
        return NULL;
    gk_object *exc = gk__exc_new(&gk__exc_ModuleNotFoundError, args);
    gk__decref(args);
    if (!exc)
        return NULL;
    if (gk__setattr_cstr(exc, "name", fullname) == 0)
        gk__raise_obj(exc);
    gk__decref(exc);
    return NULL;
}

/* Removes name from sys.modules, keeping any pending exception. */
static void forget_module(gk_object *name)
{
    gk_object *saved = gk__err_fetch();
    if (gk__dict_get(gk__rt->modules, name))
        gk__dict_del(gk__rt->modules, name);
    gk__err_clear();
    gk__err_restore(saved);
}

/* ------------------------------------------------------------------ */
/* Waiting for another thread's import                                  */

static int64_t import_owner(gk_object *name)
{
    gk_object *v = importing ? gk__dict_get(importing, name) : NULL;
    return v ? gk__int_as_i64(v) : 0;
}

static int mark_importing(gk_object *name)
{
    if (!importing && !(importing = gk__dict_new()))
        return -1;
    gk_object *id = gk__int_from_i64((int64_t)(uintptr_t)gk__ts());
    if (!id)
        return -1;
    int r = gk__dict_set(importing, name, id);
    gk__decref(id);
    return r;
}

static void unmark_importing(gk_object *name)
{
    gk_object *saved = gk__err_fetch();
    if (importing && gk__dict_get(importing, name))
        gk__dict_del(importing, name);
    gk__err_clear();
    gk__err_restore(saved);
}

/* Waits while another thread runs the body of module `name`. */
static void wait_for_other_import(gk_object *name)
{
    gk__tstate *ts = gk__ts();
    int64_t owner;
    while ((owner = import_owner(name)) != 0 && owner != (int64_t)(uintptr_t)ts) {
        GK__BLOCKING_BEGIN(ts);
        usleep(500);
        GK__BLOCKING_END(ts);
    }
}

/* ------------------------------------------------------------------ */
/* Loading                                                              */

static char *read_source(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    gk__strbuf b;
    gk__strbuf_init(&b);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (gk__strbuf_append(&b, chunk, n) < 0) {
            gk__err_clear();
            gk__strbuf_free(&b);
            fclose(f);
            return NULL;
        }
    }
    fclose(f);
    if (gk__strbuf_append(&b, "", 1) < 0) {
        gk__err_clear();
        gk__strbuf_free(&b);
        return NULL;
    }
    *size = b.size - 1;
    return b.data;
}

static gk_object *builtin_module_load(gk_object *fullname, gk__module_init init)
{
    gk_object *m = gk__module_new(fullname);
    if (!m)
        return NULL;
    if (gk__dict_set(gk__rt->modules, fullname, m) < 0 || init(m) < 0) {
        forget_module(fullname);
        gk__decref(m);
        return NULL;
    }
    return m;
}

/* Fills a fresh module's dict before its body runs. */
static int init_module_dict(gk_object *d, gk_object *fullname, const char *file, const char *pkgdir)
{
    gk_object *f = gk__str_from_cstr(file), *pkg = NULL;
    int r = -1;
    if (!f || gk__dict_set_cstr(d, "__file__", f) < 0 ||
        gk__dict_set_cstr(d, "__builtins__", gk__rt->builtins_module) < 0 ||
        gk__dict_set_cstr(d, "__spec__", GK_NONE) < 0 || gk__dict_set_cstr(d, "__loader__", GK_NONE) < 0)
        goto done;
    if (pkgdir) {
        gk_object *dir = gk__str_from_cstr(pkgdir);
        gk_object *path = dir ? gk__list_new(0) : NULL;
        int ok = path && gk__list_append(path, dir) == 0 && gk__dict_set_cstr(d, "__path__", path) == 0;
        gk__xdecref(dir);
        gk__xdecref(path);
        if (!ok)
            goto done;
        pkg = gk__incref(fullname);
    } else {
        const char *s = gk__str_utf8(fullname), *dot = strrchr(s, '.');
        pkg = gk__str_from_utf8(s, dot ? (size_t)(dot - s) : 0);
        if (!pkg)
            goto done;
    }
    r = gk__dict_set_cstr(d, "__package__", pkg);
done:
    gk__xdecref(f);
    gk__xdecref(pkg);
    return r;
}

/* Creates module fullname from the source file, runs it; new ref or NULL. */
static gk_object *source_module_load(gk_object *fullname, const char *file, const char *pkgdir)
{
    size_t size;
    char *src = read_source(file, &size);
    if (!src)
        return gk__raise_errno(errno ? errno : EIO, NULL);
    gk_object *m = gk__module_new(fullname), *fname = NULL, *code = NULL, *res = NULL;
    bool marked = false;
    if (!m || init_module_dict(gk__module_dict(m), fullname, file, pkgdir) < 0)
        goto fail;
    if (gk__dict_set(gk__rt->modules, fullname, m) < 0)
        goto fail;
    if (mark_importing(fullname) < 0)
        goto fail_forget;
    marked = true;
    if (!(fname = gk__str_from_cstr(file)) || !(code = gk__compile_source(src, size, fname, 0)))
        goto fail_forget;
    res = gk__eval_code(code, gk__module_dict(m), gk__module_dict(m));
    if (!res)
        goto fail_forget;
    gk__decref(res);
    unmark_importing(fullname);
    gk__decref(code);
    gk__decref(fname);
    free(src);
    /* The module's body may have replaced its entry in sys.modules. */
    gk_object *final = gk__dict_get(gk__rt->modules, fullname);
    if (final && final != m) {
        gk__incref(final);
        gk__decref(m);
        return final;
    }
    return m;
fail_forget:
    forget_module(fullname);
fail:
    if (marked)
        unmark_importing(fullname);
    gk__xdecref(code);
    gk__xdecref(fname);
    gk__xdecref(m);
    free(src);
    return NULL;
}

/* Loads a native extension module file (vm/ext/loader.c) and registers it
 * in sys.modules; new reference or NULL. */
static gk_object *native_module_load(gk_object *fullname, const char *file)
{
    gk_object *m = gk__native_module_load(fullname, file);
    if (!m)
        return NULL;
    if (gk__dict_set(gk__rt->modules, fullname, m) < 0) {
        gk__decref(m);
        return NULL;
    }
    return m;
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Looks for package dir/last/__init__.py, then dir/last.py, in each folder of
 * `path` (a list); loads the first found.  NULL with no exception: not found. */
static gk_object *find_and_load(gk_object *fullname, const char *last, gk_object *path)
{
    gk_object *items = gk__sequence_list(path);
    if (!items)
        return NULL;
    gk_object *result = NULL;
    for (size_t i = 0; i < gk__list_size(items) && !result; i++) {
        gk_object *entry = GK_LIST_GET(items, i);
        if (!gk__is_str(entry))
            continue;
        const char *dir = gk__str_utf8(entry);
        if (!dir[0])
            dir = ".";
        size_t n = strlen(dir) + strlen(last) + 16;
        char *pkgdir = malloc(n), *file = malloc(n);
        if (!pkgdir || !file) {
            free(pkgdir);
            free(file);
            gk__decref(items);
            return gk__raise_nomemory();
        }
        snprintf(pkgdir, n, "%s/%s", dir, last);
        snprintf(file, n, "%s/%s/__init__.py", dir, last);
        char *native = gk__native_module_find(dir, last);
        if (native) {
            result = native_module_load(fullname, native);
            free(native);
        } else if (is_file(file)) {
            result = source_module_load(fullname, file, pkgdir);
        } else {
            snprintf(file, n, "%s/%s.py", dir, last);
            if (is_file(file))
                result = source_module_load(fullname, file, NULL);
        }
        bool failed = !result && gk__err_occurred();
        free(pkgdir);
        free(file);
        if (failed)
            break;
    }
    gk__decref(items);
    return result;
}

static gk_object *sys_path(void)
{
    gk_object *p = gk__rt->sys ? gk__dict_get_cstr(gk__module_dict(gk__rt->sys), "path") : NULL;
    return p ? p : gk__rt->path;
}

/* Imports one module given its full dotted name; parent is the imported
 * parent package (BORROWED) or NULL for a top-level name. */
static gk_object *import_one(gk_object *fullname, gk_object *parent)
{
    wait_for_other_import(fullname);
    gk_object *m = gk__dict_get(gk__rt->modules, fullname);
    if (m) {
        if (m == GK_NONE)
            return gk__raise(&gk__exc_ModuleNotFoundError, "import of %U halted; None in sys.modules", fullname);
        return gk__incref(m);
    }
    if (gk__err_occurred())
        return NULL;
    const char *full = gk__str_utf8(fullname), *dot = strrchr(full, '.');
    const char *last = dot ? dot + 1 : full;
    gk__module_init init = find_builtin(full);
    if (init)
        return builtin_module_load(fullname, init);
    gk_object *path = NULL;
    if (parent) {
        path = gk__getattr_opt(parent, gk__str_intern("__path__"));
        if (!path)
            return gk__err_occurred() ? NULL : not_found(fullname);
    } else {
        path = sys_path();
        if (!path)
            return not_found(fullname);
        gk__incref(path);
    }
    m = find_and_load(fullname, last, path);
    gk__decref(path);
    if (!m)
        return gk__err_occurred() ? NULL : not_found(fullname);
    if (parent && gk__setattr(parent, gk__str_intern(last), m) < 0) {
        gk__decref(m);
        return NULL;
    }
    return m;
}

/* Imports every prefix of the dotted absolute name; returns the leaf. */
static gk_object *import_dotted(gk_object *absname)
{
    const char *s = gk__str_utf8(absname);
    size_t size = gk__str_size(absname);
    gk_object *parent = NULL;
    for (size_t end = 0; end <= size; end++) {
        if (end < size && s[end] != '.')
            continue;
        gk_object *prefix = end == size ? gk__incref(absname) : gk__str_from_utf8(s, end);
        if (!prefix) {
            gk__xdecref(parent);
            return NULL;
        }
        gk_object *m = import_one(prefix, parent);
        gk__decref(prefix);
        gk__xdecref(parent);
        if (!m)
            return NULL;
        parent = m;
    }
    return parent;
}

/* ------------------------------------------------------------------ */
/* Name resolution and the fromlist                                     */

/* The package a relative import starts from, from the importer's globals. */
static gk_object *package_of(gk_object *globals)
{
    gk_object *pkg = globals && gk__is_dict(globals) ? gk__dict_get_cstr(globals, "__package__") : NULL;
    if (pkg && pkg != GK_NONE) {
        if (!gk__is_str(pkg))
            return gk__raise(&gk__exc_TypeError, "package must be a string");
        return gk__incref(pkg);
    }
    gk_object *name = globals && gk__is_dict(globals) ? gk__dict_get_cstr(globals, "__name__") : NULL;
    if (!name || !gk__is_str(name))
        return gk__str_from_cstr("");
    if (gk__dict_get_cstr(globals, "__path__"))
        return gk__incref(name);
    const char *s = gk__str_utf8(name), *dot = strrchr(s, '.');
    return gk__str_from_utf8(s, dot ? (size_t)(dot - s) : 0);
}

static gk_object *resolve_name(gk_object *name, gk_object *globals, int level)
{
    gk_object *pkg = package_of(globals);
    if (!pkg)
        return NULL;
    if (gk__str_size(pkg) == 0) {
        gk__decref(pkg);
        return gk__raise(&gk__exc_ImportError, "attempted relative import with no known parent package");
    }
    const char *s = gk__str_utf8(pkg);
    size_t end = gk__str_size(pkg);
    for (int i = 1; i < level; i++) {
        while (end > 0 && s[end - 1] != '.')
            end--;
        if (end == 0) {
            gk__decref(pkg);
            return gk__raise(&gk__exc_ImportError, "attempted relative import beyond top-level package");
        }
        end--;
    }
    gk_object *base = gk__str_from_utf8(s, end);
    gk__decref(pkg);
    if (!base || gk__str_size(name) == 0)
        return base;
    gk_object *r = gk__str_from_format("%U.%U", base, name);
    gk__decref(base);
    return r;
}

/* Imports fromlist names that are submodules of package m but not yet attributes. */
static int handle_fromlist(gk_object *m, gk_object *fromlist)
{
    if (!gk__hasattr(m, gk__str_intern("__path__")))
        return 0;
    gk_object *items = gk__sequence_list(fromlist);
    if (!items)
        return -1;
    gk_object *mname = gk__getattr_cstr(m, "__name__");
    int r = mname ? 0 : -1;
    for (size_t i = 0; r == 0 && i < gk__list_size(items); i++) {
        gk_object *item = GK_LIST_GET(items, i);
        if (!gk__is_str(item)) {
            gk__raise(&gk__exc_TypeError, "Item in from list must be str, not %s", GK_TYPE_NAME(item));
            r = -1;
            break;
        }
        if (gk__str_eq_cstr(item, "*")) {
            gk_object *all = gk__getattr_opt(m, gk__str_intern("__all__"));
            if (all) {
                r = handle_fromlist(m, all);
                gk__decref(all);
            } else if (gk__err_occurred()) {
                r = -1;
            }
            continue;
        }
        int has = gk__hasattr(m, item);
        if (has < 0) {
            r = -1;
            break;
        }
        if (has)
            continue;
        gk_object *sub = gk__str_from_format("%U.%U", mname, item);
        if (!sub) {
            r = -1;
            break;
        }
        gk_object *subm = import_dotted(sub);
        if (subm) {
            gk__decref(subm);
        } else if (gk__err_matches(&gk__exc_ModuleNotFoundError)) {
            /* A missing submodule becomes "cannot import name" in IMPORT_FROM. */
            gk_object *exc = gk__err_fetch();
            gk_object *n = gk__getattr_opt(exc, gk__str_intern("name"));
            bool same = n && gk__is_str(n) && gk__str_eq(n, sub);
            gk__xdecref(n);
            if (same)
                gk__decref(exc);
            else {
                gk__err_restore(exc);
                r = -1;
            }
        } else {
            r = -1;
        }
        gk__decref(sub);
    }
    gk__xdecref(mname);
    gk__decref(items);
    return r;
}

static bool fromlist_empty(gk_object *fromlist)
{
    if (!fromlist || fromlist == GK_NONE)
        return true;
    if (gk__is_tuple(fromlist))
        return gk__tuple_size(fromlist) == 0;
    if (gk__is_list(fromlist))
        return gk__list_size(fromlist) == 0;
    return false;
}

/* import name as IMPORT_NAME does; see objects.h. */
gk_object *gk__import(gk_object *name, gk_object *globals, gk_object *fromlist, int level)
{
    if (!gk__is_str(name))
        return gk__raise(&gk__exc_TypeError, "module name must be str, not %s", GK_TYPE_NAME(name));
    if (level < 0)
        return gk__raise(&gk__exc_ValueError, "level must be >= 0");
    if (level == 0 && gk__str_size(name) == 0)
        return gk__raise(&gk__exc_ValueError, "Empty module name");
    gk_object *absname = level > 0 ? resolve_name(name, globals, level) : gk__incref(name);
    if (!absname)
        return NULL;
    gk_object *leaf = import_dotted(absname), *result = NULL;
    if (!leaf)
        goto done;
    if (!fromlist_empty(fromlist)) {
        if (handle_fromlist(leaf, fromlist) == 0)
            result = gk__incref(leaf);
        goto done;
    }
    /* Without a fromlist: the module named by the first component of `name`. */
    const char *n = gk__str_utf8(name), *dot = strchr(n, '.');
    if (!dot) {
        result = gk__incref(leaf);
        goto done;
    }
    size_t cut = gk__str_size(absname) - gk__str_size(name) + (size_t)(dot - n);
    gk_object *top = gk__str_from_utf8(gk__str_utf8(absname), cut);
    if (top) {
        result = gk__dict_get(gk__rt->modules, top);
        if (result)
            gk__incref(result);
        else if (!gk__err_occurred())
            not_found(top);
        gk__decref(top);
    }
done:
    gk__xdecref(leaf);
    gk__decref(absname);
    return result;
}
