/*
 * tests/unit/check_import.c - vm/import.c: packages with relative imports, the sys.modules cache, circular imports seeing the partial module, a failing module removed from sys.modules, ModuleNotFoundError messages, and the registry of built-in C modules.
 */
#include "check_util.h"

Suite *gk_import_suite(void);

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static void write_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* A fresh folder on sys.path holding a small package tree. */
static void make_tree(void)
{
    strcpy(tmpdir, "/tmp/gk_check_importXXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    char path[256];
    snprintf(path, sizeof path, "%s/pkg", tmpdir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    write_file("pkg/__init__.py", "from . import sub\nVALUE = sub.X + 1\n");
    write_file("pkg/sub.py", "X = 41\nfrom .helper import name\n");
    write_file("pkg/helper.py", "name = __name__\n");
    write_file("cyc_a.py", "import cyc_b\nA = 1\n");
    write_file("cyc_b.py", "import cyc_a\nB = getattr(cyc_a, 'A', 'partial')\n");
    write_file("broken.py", "X = 1\nraise KeyError('boom')\n");
    gk_object *dir = tu_str(tmpdir);
    ck_assert_int_eq(gk__list_insert(gk__rt->path, 0, dir), 0);
    gk__decref(dir);
}

/* Removes what make_tree wrote. */
static void remove_tree(void)
{
    static const char *const files[] = { "pkg/__init__.py", "pkg/sub.py", "pkg/helper.py", "cyc_a.py",
                                         "cyc_b.py", "broken.py", "pkg", "" };
    char path[256];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", tmpdir, files[i]);
        remove(path);
    }
}

static gk_object *import(const char *name)
{
    gk_object *n = tu_str(name);
    gk_object *m = gk__import(n, NULL, NULL, 0);
    gk__decref(n);
    return m;
}

START_TEST(test_packages_and_relative)
{
    make_tree();
    gk_object *m = import("pkg");
    ck_assert_ptr_nonnull(m);
    tu_repr_is(gk__dict_get_cstr(gk__module_dict(m), "VALUE"), "42");
    gk_object *sub = gk__dict_get_cstr(gk__rt->modules, "pkg.sub");
    ck_assert_ptr_nonnull(sub);
    tu_repr_is(gk__dict_get_cstr(gk__module_dict(sub), "name"), "'pkg.helper'");
    gk_object *again = import("pkg");
    ck_assert_ptr_eq(again, m);                         /* cached in sys.modules */
    gk_object *dotted = import("pkg.helper");
    ck_assert_ptr_eq(dotted, m);                        /* `import a.b` binds a */
    gk__decref(m); gk__decref(again); gk__decref(dotted);
    remove_tree();
}
END_TEST

START_TEST(test_circular_and_failing)
{
    make_tree();
    gk_object *a = import("cyc_a");
    ck_assert_ptr_nonnull(a);
    gk_object *b = gk__dict_get_cstr(gk__rt->modules, "cyc_b");
    tu_repr_is(gk__dict_get_cstr(gk__module_dict(b), "B"), "'partial'");   /* saw cyc_a half-run */
    ck_assert_ptr_null(import("broken"));
    tu_raised(&gk__exc_KeyError, "'boom'");
    ck_assert_ptr_null(gk__dict_get_cstr(gk__rt->modules, "broken"));   /* removed again */
    ck_assert_ptr_null(import("no_such_module_xyz"));
    tu_raised(&gk__exc_ModuleNotFoundError, "No module named 'no_such_module_xyz'");
    ck_assert_ptr_null(import("pkg.nope"));
    tu_raised(&gk__exc_ModuleNotFoundError, "No module named 'pkg.nope'");
    gk__decref(a);
    remove_tree();
}
END_TEST

static int init_cmod(gk_object *m)
{
    return gk__dict_set_cstr(gk__module_dict(m), "answer", GK_TRUE);
}

START_TEST(test_builtin_registry)
{
    ck_assert_int_eq(gk__register_builtin_module("_check_cmod", init_cmod), 0);
    gk_object *m = import("_check_cmod");
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_eq(gk__dict_get_cstr(gk__module_dict(m), "answer"), GK_TRUE);
    gk__decref(m);
    gk_object *d = tu_run("import time, _thread\nok = callable(time.monotonic) and callable(_thread.allocate_lock)\n");
    ck_assert_ptr_eq(gk__dict_get_cstr(d, "ok"), GK_TRUE);
    gk__decref(d);
}
END_TEST

Suite *gk_import_suite(void)
{
    Suite *s = tu_suite("import");
    TU_ADD(s, "import", test_packages_and_relative, test_circular_and_failing, test_builtin_registry);
    return s;
}
