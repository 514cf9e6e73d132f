/*
 * vm/sysmodule.c - the `sys` module: argv, path, modules, the standard
 * streams, exit, recursion limit, switch interval and version facts.
 *
 * The standard streams are objects of a small text-stream type defined
 * here ("TextIOWrapper"): write(s) encodes nothing (str is UTF-8 already)
 * and hands the bytes to the C FILE with one fwrite, so a line written in
 * one call never tears between threads; readline reads stdin with the GIL
 * released.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "objects.h"
#include "runtime.h"
#include "code.h"

#ifndef GK_LIBDIR
#define GK_LIBDIR "/usr/local/share/gilkit/lib"
#endif
#ifndef GK_MODDIR
#define GK_MODDIR "/usr/local/lib/gilkit/modules"
#endif
#ifndef GK_SRCMODDIR
#define GK_SRCMODDIR ""
#endif
#ifndef GK_SRCLIBDIR
#define GK_SRCLIBDIR ""
#endif
#ifndef GK_BUILDLIBDIR
#define GK_BUILDLIBDIR ""
#endif

/* Invariant: fp is one of stdin/stdout/stderr and outlives the object. */
typedef struct stream_object {
    GK_HEAD;
    FILE *fp;
    const char *name;    /* "<stdout>" */
    const char *mode;    /* "r" or "w" */
} stream_object;

#define STREAM(o) ((stream_object *)(o))

static gk_object *stream_write(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("write", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "write() argument must be str, not %s", GK_TYPE_NAME(args[0]));
    size_t size = gk__str_size(args[0]);
    if (size && fwrite(gk__str_utf8(args[0]), 1, size, STREAM(self)->fp) != size)
        return gk__raise_errno(errno ? errno : EIO, NULL);
    if (STREAM(self)->fp == stderr)
        fflush(stderr);
    return gk__int_from_u64(gk__str_len(args[0]));
}

static gk_object *stream_flush(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("flush", nargs, kwnames, 0, 0) < 0)
        return NULL;
    fflush(STREAM(self)->fp);
    return gk__none_ref();
}

static gk_object *stream_fileno(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("fileno", nargs, kwnames, 0, 0) < 0)
        return NULL;
    return gk__int_from_i64(fileno(STREAM(self)->fp));
}

static gk_object *stream_isatty(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("isatty", nargs, kwnames, 0, 0) < 0)
        return NULL;
    return gk__bool(isatty(fileno(STREAM(self)->fp)));
}

static gk_object *stream_readable(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return gk__bool(STREAM(self)->mode[0] == 'r');
}

static gk_object *stream_writable(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return gk__bool(STREAM(self)->mode[0] == 'w');
}

/* Reads one line (with its newline) from fp with the GIL released. */
static gk_object *read_line(FILE *fp)
{
    char *line = NULL;
    size_t cap = 0;
    gk__tstate *ts = gk__ts();
    fflush(stdout);
    GK__BLOCKING_BEGIN(ts);
    ssize_t n = getline(&line, &cap, fp);
    GK__BLOCKING_END(ts);
    gk_object *r = gk__str_from_utf8(line ? line : "", n > 0 ? (size_t)n : 0);
    free(line);
    return r;
}

static gk_object *stream_readline(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("readline", nargs, kwnames, 0, 1) < 0)
        return NULL;
    if (STREAM(self)->mode[0] != 'r')
        return gk__raise(&gk__exc_OSError, "not readable");
    return read_line(STREAM(self)->fp);
}

static gk_object *stream_read(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("read", nargs, kwnames, 0, 1) < 0)
        return NULL;
    if (STREAM(self)->mode[0] != 'r')
        return gk__raise(&gk__exc_OSError, "not readable");
    gk__strbuf b;
    gk__strbuf_init(&b);
    char chunk[4096];
    size_t n;
    gk__tstate *ts = gk__ts();
    for (;;) {
        GK__BLOCKING_BEGIN(ts);
        n = fread(chunk, 1, sizeof chunk, STREAM(self)->fp);
        GK__BLOCKING_END(ts);
        if (n == 0)
            break;
        if (gk__strbuf_append(&b, chunk, n) < 0) {
            gk__strbuf_free(&b);
            return NULL;
        }
    }
    gk_object *r = gk__str_from_utf8(b.data ? b.data : "", b.size);
    gk__strbuf_free(&b);
    return r;
}

static gk_object *stream_close(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    fflush(STREAM(self)->fp);
    return gk__none_ref();
}

static gk_object *stream_get_encoding(gk_object *self, void *c) { return gk__str_from_cstr("utf-8"); }
static gk_object *stream_get_name(gk_object *self, void *c) { return gk__str_from_cstr(STREAM(self)->name); }
static gk_object *stream_get_mode(gk_object *self, void *c) { return gk__str_from_cstr(STREAM(self)->mode); }
static gk_object *stream_get_closed(gk_object *self, void *c) { return gk__bool(false); }

static gk_object *stream_repr(gk_object *self)
{
    return gk__str_from_format("<_io.TextIOWrapper name='%s' mode='%s' encoding='utf-8'>",
                               STREAM(self)->name, STREAM(self)->mode);
}

static void stream_dealloc(gk_object *self)
{
    gk__free(self);
}

static const gk__methoddef stream_methods[] = {
    { "write", stream_write, GK_METH_DEFAULT, "Write a str; returns its length." },
    { "flush", stream_flush, GK_METH_DEFAULT, NULL },
    { "fileno", stream_fileno, GK_METH_DEFAULT, NULL },
    { "isatty", stream_isatty, GK_METH_DEFAULT, NULL },
    { "readable", stream_readable, GK_METH_DEFAULT, NULL },
    { "writable", stream_writable, GK_METH_DEFAULT, NULL },
    { "readline", stream_readline, GK_METH_DEFAULT, "Read one line, with its newline." },
    { "read", stream_read, GK_METH_DEFAULT, "Read to the end of the stream." },
    { "close", stream_close, GK_METH_DEFAULT, NULL },
    { NULL, NULL, 0, NULL },
};

static const gk__getsetdef stream_getset[] = {
    { "encoding", stream_get_encoding, NULL, NULL },
    { "name", stream_get_name, NULL, NULL },
    { "mode", stream_get_mode, NULL, NULL },
    { "closed", stream_get_closed, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

static gk_type stream_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "TextIOWrapper",
    .basicsize = sizeof(stream_object),
    .dealloc = stream_dealloc,
    .repr = stream_repr,
    .methods = stream_methods,
    .getset = stream_getset,
};

static gk_object *stream_new(FILE *fp, const char *name, const char *mode)
{
    gk_object *o = gk__obj_new(&stream_type, sizeof(stream_object));
    if (!o)
        return NULL;
    STREAM(o)->fp = fp;
    STREAM(o)->name = name;
    STREAM(o)->mode = mode;
    return o;
}

/* ------------------------------------------------------------------ */
/* sys functions                                                        */

static gk_object *sys_exit(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("exit", nargs, kwnames, 0, 1) < 0)
        return NULL;
    gk_object *t = gk__tuple_from_array(args, nargs);
    if (!t)
        return NULL;
    gk_object *exc = gk__exc_new(&gk__exc_SystemExit, t);
    gk__decref(t);
    if (!exc)
        return NULL;
    gk__raise_obj(exc);
    gk__decref(exc);
    return NULL;
}

static gk_object *sys_getrecursionlimit(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("getrecursionlimit", nargs, kwnames, 0, 0) < 0)
        return NULL;
    return gk__int_from_i64(gk__ts()->recursion_limit);
}

static gk_object *sys_setrecursionlimit(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("setrecursionlimit", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_int(args[0]))
        return gk__raise(&gk__exc_TypeError, "'%s' object cannot be interpreted as an integer",
                         GK_TYPE_NAME(args[0]));
    int64_t n = gk__int_as_i64(args[0]);
    if (n == -1 && gk__err_occurred())
        return NULL;
    if (n < 1)
        return gk__raise(&gk__exc_ValueError, "recursion limit must be greater or equal than 1");
    if (n > INT_MAX)
        return gk__raise(&gk__exc_OverflowError, "Python int too large to convert to C int");
    gk__ts()->recursion_limit = (int)n;
    return gk__none_ref();
}

static gk_object *sys_getswitchinterval(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("getswitchinterval", nargs, kwnames, 0, 0) < 0)
        return NULL;
    return gk__float_new(gk__gil_get_interval(&gk__rt->gil));
}

static gk_object *sys_setswitchinterval(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("setswitchinterval", nargs, kwnames, 1, 1) < 0)
        return NULL;
    double d = gk__as_double(args[0]);
    if (d == -1.0 && gk__err_occurred())
        return NULL;
    if (d <= 0.0)
        return gk__raise(&gk__exc_ValueError, "switch interval must be strictly positive");
    gk__gil_set_interval(&gk__rt->gil, d);
    return gk__none_ref();
}

static gk_object *sys_exc_info(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("exc_info", nargs, kwnames, 0, 0) < 0)
        return NULL;
    gk_object *exc = gk__ts()->exc_info;
    if (!exc || exc == GK_NONE)
        return gk__tuple_pack(3, GK_NONE, GK_NONE, GK_NONE);
    gk_object *tb = gk__exc_traceback(exc);
    return gk__tuple_pack(3, (gk_object *)GK_TYPE(exc), exc, tb ? tb : GK_NONE);
}

static gk_object *sys_exception(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("exception", nargs, kwnames, 0, 0) < 0)
        return NULL;
    gk_object *exc = gk__ts()->exc_info;
    return gk__incref(exc ? exc : GK_NONE);
}

static gk_object *sys_getrefcount(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("getrefcount", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return gk__int_from_i64((int64_t)args[0]->refcnt);
}

static gk_object *sys_intern(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("intern", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (GK_TYPE(args[0]) != &gk__str_type)
        return gk__raise(&gk__exc_TypeError, "intern() argument must be str, not %s", GK_TYPE_NAME(args[0]));
    return gk__str_intern_obj(args[0]);
}

/* sys.excepthook(type, value, tb): prints value like an uncaught exception. */
static gk_object *sys_excepthook(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("excepthook", nargs, kwnames, 3, 3) < 0)
        return NULL;
    if (!gk__is_exception(args[1]))
        return gk__raise(&gk__exc_TypeError, "print_exception(): Exception expected for value, %s found",
                         GK_TYPE_NAME(args[1]));
    gk_object *tb = args[2] == GK_NONE ? NULL : args[2];
    if (tb != gk__exc_traceback(args[1]))
        gk__exc_set_traceback(args[1], tb);
    gk__print_exception(args[1]);
    return gk__none_ref();
}

static gk_object *sys_getdefaultencoding(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    return gk__str_from_cstr("utf-8");
}

static const gk__methoddef sys_methods[] = {
    { "exit", sys_exit, GK_METH_DEFAULT, "Exit the interpreter by raising SystemExit(status)." },
    { "getrecursionlimit", sys_getrecursionlimit, GK_METH_DEFAULT, NULL },
    { "setrecursionlimit", sys_setrecursionlimit, GK_METH_DEFAULT, NULL },
    { "getswitchinterval", sys_getswitchinterval, GK_METH_DEFAULT, NULL },
    { "setswitchinterval", sys_setswitchinterval, GK_METH_DEFAULT, NULL },
    { "exc_info", sys_exc_info, GK_METH_DEFAULT, NULL },
    { "exception", sys_exception, GK_METH_DEFAULT, NULL },
    { "getrefcount", sys_getrefcount, GK_METH_DEFAULT, NULL },
    { "intern", sys_intern, GK_METH_DEFAULT, NULL },
    { "excepthook", sys_excepthook, GK_METH_DEFAULT, "Print an exception and its traceback to stderr." },
    { "getdefaultencoding", sys_getdefaultencoding, GK_METH_DEFAULT, NULL },
    { NULL, NULL, 0, NULL },
};

/* ------------------------------------------------------------------ */
/* Module construction                                                  */

static int set_owned(gk_object *d, const char *name, gk_object *value)
{
    if (!value)
        return -1;
    int r = gk__dict_set_cstr(d, name, value);
    gk__decref(value);
    return r;
}

static int append_cstr(gk_object *list, const char *s)
{
    gk_object *o = gk__str_from_cstr(s);
    if (!o)
        return -1;
    int r = gk__list_append(list, o);
    gk__decref(o);
    return r;
}

static bool is_dir(const char *p)
{
    return p[0] && access(p, X_OK) == 0;
}

/* Returns the folder of the main script (absolute when it can be), or "". */
static gk_object *script_dir(const char *argv0)
{
    if (!argv0 || !argv0[0] || strcmp(argv0, "-c") == 0 || strcmp(argv0, "-") == 0 || !strchr(argv0, '/'))
    {
        char cwd[4096];
        if (argv0 && argv0[0] && argv0[0] != '-' && getcwd(cwd, sizeof cwd))
            return gk__str_from_cstr(cwd);
        return gk__str_from_cstr("");
    }
    char *full = realpath(argv0, NULL);
    const char *p = full ? full : argv0;
    const char *slash = strrchr(p, '/');
    gk_object *r = gk__str_from_utf8(p, slash == p ? 1 : (size_t)(slash - p));
    free(full);
    return r;
}

/* True when this libgilkit is the build tree's own (in its .libs), not an
 * installed copy of it: only then do the build tree's folders apply. */
static bool running_in_tree(void)
{
    if (!is_dir(GK_SRCLIBDIR))
        return false;
    Dl_info info;
    if (!*GK_BUILDLIBDIR || !dladdr((void *)running_in_tree, &info) || !info.dli_fname)
        return true;
    char *lib = realpath(info.dli_fname, NULL), *tree = realpath(GK_BUILDLIBDIR, NULL);
    size_t n = tree ? strlen(tree) : 0;
    bool in = lib && tree && strncmp(lib, tree, n) == 0 && lib[n] == '/';
    free(lib);
    free(tree);
    return in;
}

static gk_object *make_path(gk_object *dir)
{
    gk_object *path = gk__list_new(0);
    if (!path || gk__list_append(path, dir) < 0)
        goto fail;
    const char *env = getenv("GILKIT_PATH");
    if (env && *env) {
        char *copy = strdup(env), *save = NULL;
        if (!copy) {
            gk__raise_nomemory();
            goto fail;
        }
        for (char *tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
            if (*tok && append_cstr(path, tok) < 0) {
                free(copy);
                goto fail;
            }
        }
        free(copy);
    }
    /* Running in the build tree: its lib/ and modules/; installed: the
     * installed folders. */
    bool in_tree = running_in_tree();
    if (append_cstr(path, in_tree ? GK_SRCLIBDIR : GK_LIBDIR) < 0 ||
        append_cstr(path, in_tree ? GK_SRCMODDIR : GK_MODDIR) < 0)
        goto fail;
    return path;
fail:
    gk__xdecref(path);
    return NULL;
}

static gk_object *make_argv(int argc, char **argv)
{
    gk_object *l = gk__list_new(0);
    if (!l)
        return NULL;
    for (int i = 0; i < argc; i++) {
        if (append_cstr(l, argv[i]) < 0) {
            gk__decref(l);
            return NULL;
        }
    }
    if (argc == 0 && append_cstr(l, "") < 0) {
        gk__decref(l);
        return NULL;
    }
    return l;
}

static gk_object *make_version_info(void)
{
    gk_object *a = gk__int_from_i64(3), *b = gk__int_from_i64(11), *c = gk__int_from_i64(0);
    gk_object *rel = gk__str_from_cstr("final");
    gk_object *t = NULL;
    if (a && b && c && rel)
        t = gk__tuple_pack(5, a, b, c, rel, c);
    gk__xdecref(a);
    gk__xdecref(b);
    gk__xdecref(c);
    gk__xdecref(rel);
    return t;
}

/* sys.implementation: a module object used as a simple namespace. */
static gk_object *make_implementation(void)
{
    gk_object *ns = gk__module_new(gk__str_intern("implementation"));
    if (!ns)
        return NULL;
    gk_object *d = gk__module_dict(ns);
    if (set_owned(d, "name", gk__str_from_cstr("gilkit")) < 0 ||
        set_owned(d, "cache_tag", gk__none_ref()) < 0 ||
        set_owned(d, "version", make_version_info()) < 0) {
        gk__decref(ns);
        return NULL;
    }
    return ns;
}

static int add_streams(gk_object *d)
{
    if (!(stream_type.flags & GK_TPFLAG_READY) && gk__type_ready(&stream_type) < 0)
        return -1;
    gk_object *in = stream_new(stdin, "<stdin>", "r");
    gk_object *out = stream_new(stdout, "<stdout>", "w");
    gk_object *err = stream_new(stderr, "<stderr>", "w");
    int r = -1;
    if (in && out && err &&
        gk__dict_set_cstr(d, "stdin", in) == 0 && gk__dict_set_cstr(d, "stdout", out) == 0 &&
        gk__dict_set_cstr(d, "stderr", err) == 0 && gk__dict_set_cstr(d, "__stdin__", in) == 0 &&
        gk__dict_set_cstr(d, "__stdout__", out) == 0 && gk__dict_set_cstr(d, "__stderr__", err) == 0)
        r = 0;
    gk__xdecref(in);
    gk__xdecref(out);
    gk__xdecref(err);
    return r;
}

static int add_facts(gk_object *d)
{
    static const char executable[] = "/proc/self/exe";
    char exe[4096];
    ssize_t n = readlink(executable, exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    union { uint16_t u; uint8_t b[2]; } probe = { .u = 1 };
    if (set_owned(d, "maxsize", gk__int_from_i64(INT64_MAX)) < 0 ||
        set_owned(d, "version", gk__str_from_cstr("3.11.0 (gilkit 0.1.0)")) < 0 ||
        set_owned(d, "version_info", make_version_info()) < 0 ||
        set_owned(d, "hexversion", gk__int_from_i64(0x030B00F0)) < 0 ||
        set_owned(d, "platform", gk__str_from_cstr("linux")) < 0 ||
        set_owned(d, "byteorder", gk__str_from_cstr(probe.b[0] ? "little" : "big")) < 0 ||
        set_owned(d, "executable", gk__str_from_cstr(exe)) < 0 ||
        set_owned(d, "implementation", make_implementation()) < 0 ||
        set_owned(d, "builtin_module_names", gk__tuple_pack(2, gk__str_intern("builtins"),
                                                            gk__str_intern("sys"))) < 0 ||
        set_owned(d, "dont_write_bytecode", gk__bool(true)) < 0)
        return -1;
    return 0;
}

/* Creates the sys module for a program run with argv (argv[0] the script). */
gk_object *gk__sys_module_new(int argc, char **argv)
{
    gk_object *m = gk__module_new(gk__str_intern("sys"));
    gk_object *dir = NULL;
    if (!m)
        return NULL;
    gk_object *d = gk__module_dict(m);
    if (gk__module_add_functions(m, sys_methods) < 0 || add_streams(d) < 0 || add_facts(d) < 0)
        goto fail;
    if (set_owned(d, "argv", make_argv(argc, argv)) < 0)
        goto fail;
    gk_object *hook = gk__dict_get_cstr(d, "excepthook");
    if (hook && gk__dict_set_cstr(d, "__excepthook__", hook) < 0)
        goto fail;
    if (!(dir = script_dir(argc > 0 ? argv[0] : NULL)))
        goto fail;
    gk_object *path = make_path(dir);
    if (!path || gk__dict_set_cstr(d, "path", path) < 0) {
        gk__xdecref(path);
        goto fail;
    }
    GK_SETREF(gk__rt->path, path);
    GK_SETREF(gk__rt->main_dir, dir);
    dir = NULL;
    if (gk__rt->modules && gk__dict_set_cstr(d, "modules", gk__rt->modules) < 0)
        goto fail;
    return m;
fail:
    gk__xdecref(dir);
    gk__decref(m);
    return NULL;
}
