/*
 * vm/objects/exceptions.c - the built-in exception hierarchy and the error
 * API of object.h (raising, fetching, matching, chaining, printing).
 *
 * Every exception type shares one instance layout (exc_object): the args
 * tuple, the traceback chain, __cause__, __context__ and an instance
 * __dict__ reached through dictoffset.  Per-type extras (StopIteration.value,
 * SystemExit.code, OSError.errno, SyntaxError.lineno, ...) are plain
 * attributes in that dict, filled by set_extras() from both __new__ and
 * __init__, so subclasses that skip super().__init__ still have them.
 *
 * The pending exception of a thread is gk__ts()->curexc (one object; its
 * traceback lives inside it).  gk__print_exception writes what python3
 * writes for an uncaught exception, built in one buffer and written once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "objects.h"
#include "runtime.h"
#include "code.h"

/* Invariant: args is always a tuple (never NULL once constructed);
 * traceback/cause/context are NULL or objects of the right kind; dict is
 * NULL until first needed. */
typedef struct exc_object {
    GK_HEAD;
    gk_object *dict;
    gk_object *args;
    gk_object *traceback;
    gk_object *cause;
    gk_object *context;
    bool suppress_context;
} exc_object;

#define EXC(o) ((exc_object *)(o))

#define X(c, base) gk_type gk__exc_##c = { \
    .ob = GK_STATIC_HEAD(&gk__type_type), .name = #c, .basicsize = sizeof(exc_object), \
    .flags = GK_TPFLAG_BASETYPE | GK_TPFLAG_GC | GK_TPFLAG_EXC_SUBCLASS, \
    .dictoffset = offsetof(exc_object, dict) };
GK_EXCEPTION_TYPES(X)
#undef X

/* The preallocated MemoryError raised when memory runs out. */
static exc_object nomemory_obj = { .ob = GK_STATIC_HEAD(&gk__exc_MemoryError) };

/* ------------------------------------------------------------------ */
/* Attribute helpers                                                    */

static gk_object *get_dict(gk_object *self)
{
    exc_object *e = EXC(self);
    if (!e->dict)
        e->dict = gk__dict_new();
    return e->dict;
}

/* Sets an extra attribute in the instance dict; 0 / -1. */
static int set_extra(gk_object *self, const char *name, gk_object *value)
{
    gk_object *d = get_dict(self);
    if (!d)
        return -1;
    return gk__dict_set_cstr(d, name, value ? value : GK_NONE);
}

/* Returns a BORROWED extra attribute, or NULL if unset. */
static gk_object *get_extra(gk_object *self, const char *name)
{
    exc_object *e = EXC(self);
    return e->dict ? gk__dict_get_cstr(e->dict, name) : NULL;
}

static gk_object *kwarg(gk_object *const *args, size_t nargs, gk_object *kwnames, const char *name)
{
    if (!kwnames)
        return NULL;
    for (size_t i = 0; i < gk__tuple_size(kwnames); i++)
        if (gk__str_eq_cstr(GK_TUPLE_GET(kwnames, i), name))
            return args[nargs + i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Per-type extras                                                      */

static gk_type *oserror_subtype(int err)
{
    switch (err) {
    case EAGAIN: case EALREADY: case EINPROGRESS:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
        return &gk__exc_BlockingIOError;
    case ECHILD: return &gk__exc_ChildProcessError;
    case EPIPE: case ESHUTDOWN: return &gk__exc_BrokenPipeError;
    case ECONNABORTED: return &gk__exc_ConnectionAbortedError;
    case ECONNREFUSED: return &gk__exc_ConnectionRefusedError;
    case ECONNRESET: return &gk__exc_ConnectionResetError;
    case EEXIST: return &gk__exc_FileExistsError;
    case ENOENT: return &gk__exc_FileNotFoundError;
    case EISDIR: return &gk__exc_IsADirectoryError;
    case ENOTDIR: return &gk__exc_NotADirectoryError;
    case EINTR: return &gk__exc_InterruptedError;
    case EACCES: case EPERM: return &gk__exc_PermissionError;
    case ESRCH: return &gk__exc_ProcessLookupError;
    case ETIMEDOUT: return &gk__exc_TimeoutError;
    default: return &gk__exc_OSError;
    }
}

static int oserror_extras(gk_object *self, gk_object *const *args, size_t nargs)
{
    bool full = nargs >= 2 && nargs <= 5;
    if (set_extra(self, "errno", full ? args[0] : NULL) < 0 ||
        set_extra(self, "strerror", full ? args[1] : NULL) < 0 ||
        set_extra(self, "filename", full && nargs >= 3 ? args[2] : NULL) < 0 ||
        set_extra(self, "filename2", full && nargs >= 5 ? args[4] : NULL) < 0)
        return -1;
    if (full && nargs >= 3) {
        gk_object *t = gk__tuple_from_array(args, 2);
        if (!t)
            return -1;
        GK_SETREF(EXC(self)->args, t);
    }
    return 0;
}

static int syntaxerror_extras(gk_object *self, gk_object *const *args, size_t nargs)
{
    static const char *const fields[] = { "filename", "lineno", "offset", "text", "end_lineno", "end_offset" };
    if (set_extra(self, "msg", nargs >= 1 ? args[0] : NULL) < 0 ||
        set_extra(self, "print_file_and_line", NULL) < 0)
        return -1;
    gk_object *info = nargs == 2 && gk__is_tuple(args[1]) ? args[1] : NULL;
    size_t n = info ? gk__tuple_size(info) : 0;
    if (info && (n < 4 || n > 6)) {
        gk__raise(&gk__exc_IndexError, "tuple index out of range");
        return -1;
    }
    for (size_t i = 0; i < 6; i++)
        if (set_extra(self, fields[i], i < n ? GK_TUPLE_GET(info, i) : NULL) < 0)
            return -1;
    return 0;
}

/* Sets the type-specific attributes from the constructor arguments. */
static int set_extras(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    gk_type *t = GK_TYPE(self);
    if (gk__type_is_subtype(t, &gk__exc_StopIteration))
        return set_extra(self, "value", nargs ? args[0] : NULL);
    if (gk__type_is_subtype(t, &gk__exc_SystemExit)) {
        if (nargs <= 1)
            return set_extra(self, "code", nargs ? args[0] : NULL);
        return set_extra(self, "code", EXC(self)->args);
    }
    if (gk__type_is_subtype(t, &gk__exc_OSError))
        return oserror_extras(self, args, nargs);
    if (gk__type_is_subtype(t, &gk__exc_SyntaxError))
        return syntaxerror_extras(self, args, nargs);
    if (gk__type_is_subtype(t, &gk__exc_ImportError)) {
        if (set_extra(self, "msg", nargs == 1 ? args[0] : NULL) < 0 ||
            set_extra(self, "name", kwarg(args, nargs, kwnames, "name")) < 0)
            return -1;
        return set_extra(self, "path", kwarg(args, nargs, kwnames, "path"));
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Construction and life cycle                                          */

static gk_object *exc_new(gk_type *type, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (type == &gk__exc_OSError && nargs >= 2 && nargs <= 5 && gk__is_int(args[0])) {
        int64_t err = gk__int_as_i64(args[0]);
        if (err == -1 && gk__err_occurred())
            gk__err_clear();
        else
            type = oserror_subtype((int)err);
    }
    gk_object *self = gk__gc_new(type, type->basicsize);
    if (!self)
        return NULL;
    EXC(self)->args = gk__tuple_from_array(args, nargs);
    if (!EXC(self)->args || set_extras(self, args, nargs, kwnames) < 0) {
        gk__decref(self);
        return NULL;
    }
    return self;
}

static int exc_init(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (kwnames && gk__tuple_size(kwnames) && !gk__type_is_subtype(GK_TYPE(self), &gk__exc_ImportError)) {
        gk__raise(&gk__exc_TypeError, "%s() takes no keyword arguments", GK_TYPE_NAME(self));
        return -1;
    }
    gk_object *t = gk__tuple_from_array(args, nargs);
    if (!t)
        return -1;
    GK_SETREF(EXC(self)->args, t);
    return set_extras(self, args, nargs, kwnames);
}

static int exc_traverse(gk_object *self, gk_visitfunc visit, void *arg)
{
    exc_object *e = EXC(self);
    gk_object *fields[] = { e->dict, e->args, e->traceback, e->cause, e->context };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (fields[i]) {
            int r = visit(fields[i], arg);
            if (r)
                return r;
        }
    }
    return 0;
}

static int exc_clear(gk_object *self)
{
    exc_object *e = EXC(self);
    GK_CLEAR(e->dict);
    GK_CLEAR(e->args);
    GK_CLEAR(e->traceback);
    GK_CLEAR(e->cause);
    GK_CLEAR(e->context);
    return 0;
}

static void exc_dealloc(gk_object *self)
{
    exc_clear(self);
    gk__free(self);
}

/* ------------------------------------------------------------------ */
/* str and repr                                                         */

static gk_object *exc_str(gk_object *self)
{
    gk_object *args = EXC(self)->args;
    size_t n = args ? gk__tuple_size(args) : 0;
    if (n == 0)
        return gk__str_from_cstr("");
    if (n == 1)
        return gk__str(GK_TUPLE_GET(args, 0));
    return gk__str(args);
}

static gk_object *keyerror_str(gk_object *self)
{
    gk_object *args = EXC(self)->args;
    if (args && gk__tuple_size(args) == 1)
        return gk__repr(GK_TUPLE_GET(args, 0));
    return exc_str(self);
}

static gk_object *oserror_str(gk_object *self)
{
    gk_object *err = get_extra(self, "errno"), *msg = get_extra(self, "strerror");
    gk_object *fn = get_extra(self, "filename"), *fn2 = get_extra(self, "filename2");
    if (fn && fn != GK_NONE) {
        if (fn2 && fn2 != GK_NONE)
            return gk__str_from_format("[Errno %S] %S: %R -> %R", err, msg, fn, fn2);
        return gk__str_from_format("[Errno %S] %S: %R", err, msg, fn);
    }
    if (err && msg && err != GK_NONE && msg != GK_NONE)
        return gk__str_from_format("[Errno %S] %S", err, msg);
    return exc_str(self);
}

static gk_object *syntaxerror_str(gk_object *self)
{
    gk_object *msg = get_extra(self, "msg");
    gk_object *fn = get_extra(self, "filename"), *line = get_extra(self, "lineno");
    if (!msg || msg == GK_NONE)
        return exc_str(self);
    const char *base = NULL;
    if (fn && gk__is_str(fn)) {
        const char *s = gk__str_utf8(fn), *slash = strrchr(s, '/');
        base = slash ? slash + 1 : s;
    }
    bool have_line = line && gk__is_int(line);
    if (base && have_line)
        return gk__str_from_format("%S (%s, line %S)", msg, base, line);
    if (base)
        return gk__str_from_format("%S (%s)", msg, base);
    if (have_line)
        return gk__str_from_format("%S (line %S)", msg, line);
    return gk__str(msg);
}

static gk_object *exc_repr(gk_object *self)
{
    gk_object *args = EXC(self)->args;
    const char *name = GK_TYPE_NAME(self);
    if (args && gk__tuple_size(args) == 1)
        return gk__str_from_format("%s(%R)", name, GK_TUPLE_GET(args, 0));
    if (!args || gk__tuple_size(args) == 0)
        return gk__str_from_format("%s()", name);
    return gk__str_from_format("%s%R", name, args);
}

/* ------------------------------------------------------------------ */
/* Attributes and methods                                               */

static gk_object *or_none(gk_object *o) { return gk__incref(o ? o : GK_NONE); }

static gk_object *get_args(gk_object *self, void *c) { return or_none(EXC(self)->args); }
static int set_args(gk_object *self, gk_object *v, void *c)
{
    if (!v) {
        gk__raise(&gk__exc_TypeError, "args may not be deleted");
        return -1;
    }
    gk_object *t = gk__sequence_tuple(v);
    if (!t)
        return -1;
    GK_SETREF(EXC(self)->args, t);
    return 0;
}

static gk_object *get_tb(gk_object *self, void *c) { return or_none(EXC(self)->traceback); }
static int set_tb(gk_object *self, gk_object *v, void *c)
{
    if (!v) {
        gk__raise(&gk__exc_TypeError, "__traceback__ may not be deleted");
        return -1;
    }
    if (v != GK_NONE && GK_TYPE(v) != &gk__traceback_type) {
        gk__raise(&gk__exc_TypeError, "__traceback__ must be a traceback or None");
        return -1;
    }
    gk__exc_set_traceback(self, v == GK_NONE ? NULL : v);
    return 0;
}

static int check_chain_value(gk_object *v, const char *what)
{
    if (!v) {
        gk__raise(&gk__exc_TypeError, "%s may not be deleted", what);
        return -1;
    }
    if (v != GK_NONE && !gk__is_exception(v)) {
        gk__raise(&gk__exc_TypeError, "exception %s must be None or derive from BaseException",
                  strcmp(what, "__cause__") == 0 ? "cause" : "context");
        return -1;
    }
    return 0;
}

static gk_object *get_cause(gk_object *self, void *c) { return or_none(EXC(self)->cause); }
static int set_cause(gk_object *self, gk_object *v, void *c)
{
    if (check_chain_value(v, "__cause__") < 0)
        return -1;
    gk__exc_set_cause(self, v);
    return 0;
}

static gk_object *get_context(gk_object *self, void *c) { return or_none(EXC(self)->context); }
static int set_context(gk_object *self, gk_object *v, void *c)
{
    if (check_chain_value(v, "__context__") < 0)
        return -1;
    gk__exc_set_context_obj(self, v == GK_NONE ? NULL : v);
    return 0;
}

static gk_object *get_suppress(gk_object *self, void *c) { return gk__bool(EXC(self)->suppress_context); }
static int set_suppress(gk_object *self, gk_object *v, void *c)
{
    int r = v ? gk__truthy(v) : 0;
    if (r < 0)
        return -1;
    EXC(self)->suppress_context = r;
    return 0;
}

static gk_object *exc_with_traceback(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("with_traceback", nargs, kwnames, 1, 1) < 0 || set_tb(self, args[0], NULL) < 0)
        return NULL;
    return gk__incref(self);
}

static gk_object *exc_add_note(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("add_note", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (!gk__is_str(args[0]))
        return gk__raise(&gk__exc_TypeError, "note must be a str, not '%s'", GK_TYPE_NAME(args[0]));
    gk_object *d = get_dict(self);
    if (!d)
        return NULL;
    gk_object *notes = gk__dict_get_cstr(d, "__notes__");
    if (!notes) {
        gk_object *l = gk__list_new(0);
        if (!l || gk__dict_set_cstr(d, "__notes__", l) < 0) {
            gk__xdecref(l);
            return NULL;
        }
        gk__decref(l);
        notes = l;
    }
    if (!gk__is_list(notes))
        return gk__raise(&gk__exc_TypeError, "Cannot add note: __notes__ is not a list");
    if (gk__list_append(notes, args[0]) < 0)
        return NULL;
    return gk__none_ref();
}

static const gk__methoddef exc_methods[] = {
    { "with_traceback", exc_with_traceback, GK_METH_DEFAULT,
      "Set self.__traceback__ to tb and return self." },
    { "add_note", exc_add_note, GK_METH_DEFAULT, "Add a note to the exception." },
    { NULL, NULL, 0, NULL },
};

static const gk__getsetdef exc_getset[] = {
    { "args", get_args, set_args, NULL },
    { "__traceback__", get_tb, set_tb, NULL },
    { "__cause__", get_cause, set_cause, NULL },
    { "__context__", get_context, set_context, NULL },
    { "__suppress_context__", get_suppress, set_suppress, NULL },
    { NULL, NULL, NULL, NULL },
};

/* Readies every exception type, bases first (the table's order). */
int gk__exceptions_init(void)
{
    gk_type *b = &gk__exc_BaseException;
    b->dealloc = exc_dealloc;
    b->repr = exc_repr;
    b->str = exc_str;
    b->getattr = gk__object_generic_getattr;
    b->setattr = gk__object_generic_setattr;
    b->new_ = exc_new;
    b->init = exc_init;
    b->traverse = exc_traverse;
    b->clear = exc_clear;
    b->methods = exc_methods;
    b->getset = exc_getset;
    b->doc = "Common base class for all exceptions";
    gk__exc_KeyError.str = keyerror_str;
    gk__exc_OSError.str = oserror_str;
    gk__exc_SyntaxError.str = syntaxerror_str;
    static const struct { gk_type *type; const char *base; } table[] = {
#define X(c, base) { &gk__exc_##c, #base },
        GK_EXCEPTION_TYPES(X)
#undef X
    };
    size_t n = sizeof table / sizeof table[0];
    for (size_t i = 0; i < n; i++) {
        gk_type *t = table[i].type;
        t->base = &gk__object_type;
        for (size_t j = 0; j < i; j++)
            if (strcmp(table[j].type->name, table[i].base) == 0)
                t->base = table[j].type;
        if (gk__type_ready(t) < 0)
            return -1;
    }
    nomemory_obj.args = gk__incref(gk__empty_tuple);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Accessors (objects.h)                                                */

/* type(*args_tuple); returns the new exception. */
gk_object *gk__exc_new(gk_type *type, gk_object *args_tuple)
{
    return gk__call_tuple_dict((gk_object *)type, args_tuple ? args_tuple : gk__empty_tuple, NULL);
}

/* BORROWED args tuple of an exception. */
gk_object *gk__exc_args(gk_object *exc)
{
    return EXC(exc)->args ? EXC(exc)->args : gk__empty_tuple;
}

/* BORROWED traceback or NULL. */
gk_object *gk__exc_traceback(gk_object *exc) { return EXC(exc)->traceback; }

/* Replaces the traceback (tb may be NULL); does not steal. */
void gk__exc_set_traceback(gk_object *exc, gk_object *tb)
{
    gk__xincref(tb);
    GK_SETREF(EXC(exc)->traceback, tb);
}

/* BORROWED __cause__ or NULL. */
gk_object *gk__exc_cause(gk_object *exc) { return EXC(exc)->cause; }

/* Sets __cause__ (NULL or None clear it) and __suppress_context__. */
void gk__exc_set_cause(gk_object *exc, gk_object *cause)
{
    if (cause == GK_NONE)
        cause = NULL;
    gk__xincref(cause);
    GK_SETREF(EXC(exc)->cause, cause);
    EXC(exc)->suppress_context = true;
}

/* BORROWED __context__ or NULL. */
gk_object *gk__exc_context(gk_object *exc) { return EXC(exc)->context; }

/* Sets __context__ (may be NULL); does not steal. */
void gk__exc_set_context_obj(gk_object *exc, gk_object *ctx)
{
    if (ctx == GK_NONE)
        ctx = NULL;
    gk__xincref(ctx);
    GK_SETREF(EXC(exc)->context, ctx);
}

/* Raises StopIteration(value) (no args when value is NULL); returns NULL. */
gk_object *gk__raise_stop_iteration(gk_object *value)
{
    gk_object *args = value ? gk__tuple_pack(1, value) : gk__incref(gk__empty_tuple);
    if (!args)
        return NULL;
    gk_object *exc = gk__exc_new(&gk__exc_StopIteration, args);
    gk__decref(args);
    if (!exc)
        return NULL;
    gk__err_restore(exc);
    return NULL;
}

/* BORROWED StopIteration.value (None when unset). */
gk_object *gk__stop_iteration_value(gk_object *exc)
{
    gk_object *v = get_extra(exc, "value");
    return v ? v : GK_NONE;
}

/* ------------------------------------------------------------------ */
/* Raising and the pending exception                                    */

/* Raises type(message built from fmt); returns NULL. */
gk_object *gk__raise(gk_type *type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gk_object *msg = gk__str_from_vformat(fmt, ap);
    va_end(ap);
    if (!msg)
        return NULL;
    gk_object *args = gk__tuple_pack(1, msg);
    gk__decref(msg);
    if (!args)
        return NULL;
    gk_object *exc = gk__exc_new(type, args);
    gk__decref(args);
    if (!exc)
        return NULL;
    gk__exc_set_context(exc);
    gk__err_restore(exc);
    return NULL;
}

/* `raise X`: X an exception instance or class; returns NULL. */
gk_object *gk__raise_obj(gk_object *x)
{
    gk_object *exc;
    if (gk__is_type(x) && gk__type_is_subtype((gk_type *)x, &gk__exc_BaseException)) {
        exc = gk__call0(x);
        if (!exc)
            return NULL;
        if (!gk__is_exception(exc)) {
            gk__raise(&gk__exc_TypeError,
                      "calling %R should have returned an instance of BaseException, not %s",
                      x, GK_TYPE_NAME(exc));
            gk__decref(exc);
            return NULL;
        }
    } else if (gk__is_exception(x)) {
        exc = gk__incref(x);
    } else {
        return gk__raise(&gk__exc_TypeError, "exceptions must derive from BaseException");
    }
    gk__exc_set_context(exc);
    gk__err_restore(exc);
    return NULL;
}

/* Raises the preallocated MemoryError (allocates nothing); returns NULL. */
gk_object *gk__raise_nomemory(void)
{
    gk_object *exc = (gk_object *)&nomemory_obj;
    GK_CLEAR(nomemory_obj.traceback);
    GK_CLEAR(nomemory_obj.context);
    if (!nomemory_obj.args)
        nomemory_obj.args = gk__empty_tuple ? gk__incref(gk__empty_tuple) : NULL;
    gk__err_restore(gk__incref(exc));
    return NULL;
}

/* Raises the OSError subclass for err with strerror and filename. */
gk_object *gk__raise_errno(int err, gk_object *filename)
{
    gk_object *code = gk__int_from_i64(err);
    gk_object *msg = gk__str_from_cstr(strerror(err));
    gk_object *args = NULL, *exc = NULL;
    if (!code || !msg)
        goto fail;
    args = filename ? gk__tuple_pack(3, code, msg, filename) : gk__tuple_pack(2, code, msg);
    if (!args)
        goto fail;
    exc = gk__exc_new(&gk__exc_OSError, args);
    if (exc) {
        gk__exc_set_context(exc);
        gk__err_restore(exc);
    }
fail:
    gk__xdecref(code);
    gk__xdecref(msg);
    gk__xdecref(args);
    return NULL;
}

/* True iff an exception is pending on this thread. */
bool gk__err_occurred(void) { return gk__ts()->curexc != NULL; }

/* BORROWED pending exception or NULL. */
gk_object *gk__err_peek(void) { return gk__ts()->curexc; }

/* Takes the pending exception (new reference) and clears it. */
gk_object *gk__err_fetch(void)
{
    gk__tstate *ts = gk__ts();
    gk_object *exc = ts->curexc;
    ts->curexc = NULL;
    return exc;
}

/* Makes exc (stolen; NULL clears) the pending exception. */
void gk__err_restore(gk_object *exc)
{
    gk__tstate *ts = gk__ts();
    gk_object *old = ts->curexc;
    ts->curexc = exc;
    gk__xdecref(old);
}

void gk__err_clear(void) { gk__err_restore(NULL); }

/* True iff exc (an instance or a class) matches cls (type or tuple). */
bool gk__exc_matches(gk_object *exc, gk_object *cls)
{
    if (!exc || !cls)
        return false;
    gk_type *t = gk__is_type(exc) ? (gk_type *)exc : GK_TYPE(exc);
    if (gk__is_tuple(cls)) {
        for (size_t i = 0; i < gk__tuple_size(cls); i++)
            if (gk__exc_matches(exc, GK_TUPLE_GET(cls, i)))
                return true;
        return false;
    }
    return gk__is_type(cls) && gk__type_is_subtype(t, (gk_type *)cls);
}

/* True iff the pending exception is an instance of type. */
bool gk__err_matches(gk_type *type)
{
    gk_object *exc = gk__ts()->curexc;
    return exc && gk__type_is_subtype(GK_TYPE(exc), type);
}

/* Chains exc to the exception being handled, breaking any cycle. */
void gk__exc_set_context(gk_object *exc)
{
    gk_object *ctx = gk__ts()->exc_info;
    if (!ctx || ctx == GK_NONE || ctx == exc || !gk__is_exception(exc) || !gk__is_exception(ctx))
        return;
    /* If exc is already in ctx's context chain, cut the chain there. */
    gk_object *o = ctx;
    while (o) {
        gk_object *next = EXC(o)->context;
        if (next == exc) {
            GK_CLEAR(EXC(o)->context);
            break;
        }
        o = next;
    }
    gk__exc_set_context_obj(exc, ctx);
}

/* ------------------------------------------------------------------ */
/* Printing like python3                                                */

#define MAX_CHAIN 100

/* Appends line `lineno` of file `path`, stripped and indented by 4. */
static void append_source_line(gk__strbuf *b, const char *path, int lineno)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = 0;
    for (int i = 0; i < lineno && (n = getline(&line, &cap, f)) >= 0; i++)
        ;
    if (n >= 0 && line) {
        char *s = line, *e = line + n;
        while (*s == ' ' || *s == '\t' || *s == '\f')
            s++;
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > s) {
            gk__strbuf_append_cstr(b, "    ");
            gk__strbuf_append(b, s, (size_t)(e - s));
            gk__strbuf_append_cstr(b, "\n");
        }
    }
    free(line);
    fclose(f);
}

#define TB_LIMIT 1000          /* python3 prints at most the innermost 1000 entries */
#define TB_RECURSIVE_CUTOFF 3   /* identical entries shown before "[Previous line repeated ...]" */

static void append_repeated(gk__strbuf *b, long count)
{
    if (count > TB_RECURSIVE_CUTOFF) {
        count -= TB_RECURSIVE_CUTOFF;
        gk__strbuf_printf(b, "  [Previous line repeated %ld more time%s]\n", count, count > 1 ? "s" : "");
    }
}

static void append_traceback(gk__strbuf *b, gk_object *tb)
{
    if (!tb)
        return;
    gk__strbuf_append_cstr(b, "Traceback (most recent call last):\n");
    long depth = 0, count = 0;
    for (gk_object *t = tb; t; t = ((gk_traceback *)t)->next)
        depth++;
    gk_code *last_co = NULL;
    int last_line = -1;
    for (; tb; tb = ((gk_traceback *)tb)->next, depth--) {
        if (depth > TB_LIMIT)
            continue;
        gk_traceback *t = (gk_traceback *)tb;
        gk_code *co = (gk_code *)t->code;
        bool same = last_co && co && t->lineno == last_line && gk__str_eq(co->filename, last_co->filename) &&
                    gk__str_eq(co->name, last_co->name);
        if (!same) {
            append_repeated(b, count);
            count = 0;
        }
        last_co = co;
        last_line = t->lineno;
        if (++count > TB_RECURSIVE_CUTOFF)
            continue;
        const char *file = co && co->filename ? gk__str_utf8(co->filename) : "???";
        const char *name = co && co->name ? gk__str_utf8(co->name) : "???";
        gk__strbuf_printf(b, "  File \"%s\", line %d, in %s\n", file, t->lineno, name);
        append_source_line(b, file, t->lineno);
    }
    append_repeated(b, count);
}

/* Appends the exception's type name, module-qualified outside builtins/__main__. */
static void append_type_name(gk__strbuf *b, gk_type *t)
{
    if (t->flags & GK_TPFLAG_HEAPTYPE) {
        gk_object *mod = t->dict ? gk__dict_get_cstr(t->dict, "__module__") : NULL;
        if (mod && gk__is_str(mod) && !gk__str_eq_cstr(mod, "builtins") && !gk__str_eq_cstr(mod, "__main__")) {
            gk__strbuf_append_str(b, mod);
            gk__strbuf_append_cstr(b, ".");
        }
        if (t->heap_qualname && gk__is_str(t->heap_qualname)) {
            gk__strbuf_append_str(b, t->heap_qualname);
            return;
        }
    }
    gk__strbuf_append_cstr(b, gk__type_name(t));
}

static long long extra_int(gk_object *exc, const char *name, long long dflt)
{
    gk_object *v = get_extra(exc, name);
    if (!v || !gk__is_int(v))
        return dflt;
    int64_t r = gk__int_as_i64(v);
    if (r == -1 && gk__err_occurred()) {
        gk__err_clear();
        return dflt;
    }
    return r;
}

/* The text line and caret line of a SyntaxError, as python3 draws them. */
static void append_error_text(gk__strbuf *b, const char *text, long long offset, long long end_offset)
{
    bool span = end_offset > 0 && end_offset > offset;
    offset--;            /* to 0-based columns */
    end_offset--;
    while (*text == ' ' || *text == '\t' || *text == '\f') {
        text++;
        offset--;
        end_offset--;
    }
    long long len = (long long)strlen(text);
    if (len > 0 && text[len - 1] == '\n')
        len--;
    if (offset > len)
        offset = len;
    if (end_offset > len)
        end_offset = len;
    for (;;) {
        const char *nl = memchr(text, '\n', (size_t)len);
        if (!nl || nl - text >= offset)
            break;
        long long skip = nl - text + 1;
        text += skip;
        len -= skip;
        offset -= skip;
        end_offset -= skip;
    }
    long long carets = span && end_offset > offset ? end_offset - offset : 1;
    gk__strbuf_append_cstr(b, "    ");
    gk__strbuf_append(b, text, (size_t)len);
    gk__strbuf_append_cstr(b, "\n");
    if (offset < 0)
        return;
    gk__strbuf_append_cstr(b, "    ");
    for (long long i = 0; i < offset; i++)
        gk__strbuf_append_cstr(b, " ");
    for (long long i = 0; i < carets; i++)
        gk__strbuf_append_cstr(b, "^");
    gk__strbuf_append_cstr(b, "\n");
}

/* For a SyntaxError: the File/text/caret lines; returns its msg (borrowed) or NULL. */
static gk_object *append_syntax_error(gk__strbuf *b, gk_object *exc)
{
    gk_object *msg = get_extra(exc, "msg");
    gk_object *fn = get_extra(exc, "filename"), *text = get_extra(exc, "text");
    long long lineno = extra_int(exc, "lineno", -1);
    if (!msg || msg == GK_NONE || lineno < 0)
        return NULL;
    gk__strbuf_printf(b, "  File \"%s\", line %lld\n",
                      fn && gk__is_str(fn) ? gk__str_utf8(fn) : "<string>", lineno);
    if (text && gk__is_str(text)) {
        long long offset = extra_int(exc, "offset", -1);
        long long end_lineno = extra_int(exc, "end_lineno", lineno);
        long long end_offset = extra_int(exc, "end_offset", -1);
        if (end_lineno > lineno) {
            /* A span over several lines is underlined to the end of the first. */
            const char *t = gk__str_utf8(text);
            size_t len = strlen(t);
            end_offset = (long long)(len > 0 && t[len - 1] == '\n' ? len - 1 : len) + 1;
        }
        if (gk__type_is_subtype(GK_TYPE(exc), &gk__exc_IndentationError))
            end_offset = -1;   /* python3 marks indentation errors with one caret */
        append_error_text(b, gk__str_utf8(text), offset, end_offset);
    }
    return msg;
}

static void append_notes(gk__strbuf *b, gk_object *exc)
{
    gk_object *notes = get_extra(exc, "__notes__");
    if (!notes || !gk__is_list(notes))
        return;
    for (size_t i = 0; i < gk__list_size(notes); i++) {
        gk_object *s = gk__str(GK_LIST_GET(notes, i));
        if (!s) {
            gk__err_clear();
            continue;
        }
        gk__strbuf_append_str(b, s);
        gk__strbuf_append_cstr(b, "\n");
        gk__decref(s);
    }
}

/* One exception without its chain: traceback, then "Type: message". */
static void append_one(gk__strbuf *b, gk_object *exc)
{
    if (!gk__is_exception(exc)) {
        gk__strbuf_printf(b, "TypeError: print_exception(): Exception expected for value, %s found\n",
                          GK_TYPE_NAME(exc));
        return;
    }
    append_traceback(b, EXC(exc)->traceback);
    gk_object *msg = NULL;
    if (gk__type_is_subtype(GK_TYPE(exc), &gk__exc_SyntaxError)) {
        msg = append_syntax_error(b, exc);
        msg = msg ? gk__str(msg) : NULL;
    }
    if (!msg)
        msg = gk__str(exc);
    append_type_name(b, GK_TYPE(exc));
    if (!msg) {
        gk__err_clear();
        gk__strbuf_append_cstr(b, ": <exception str() failed>");
    } else if (gk__str_size(msg) > 0) {
        gk__strbuf_append_cstr(b, ": ");
        gk__strbuf_append_str(b, msg);
    }
    gk__xdecref(msg);
    gk__strbuf_append_cstr(b, "\n");
    append_notes(b, exc);
}

static bool seen_before(gk_object **seen, size_t n, gk_object *o)
{
    for (size_t i = 0; i < n; i++)
        if (seen[i] == o)
            return true;
    return false;
}

/* Appends exc preceded by its cause or context, oldest first. */
static void append_chain(gk__strbuf *b, gk_object *exc, gk_object **seen, size_t *nseen)
{
    if (*nseen >= MAX_CHAIN)
        return;
    seen[(*nseen)++] = exc;
    if (gk__is_exception(exc)) {
        gk_object *cause = EXC(exc)->cause, *ctx = EXC(exc)->context;
        if (cause && !seen_before(seen, *nseen, cause)) {
            append_chain(b, cause, seen, nseen);
            gk__strbuf_append_cstr(b, "\nThe above exception was the direct cause of the following exception:\n\n");
        } else if (ctx && !EXC(exc)->suppress_context && !seen_before(seen, *nseen, ctx)) {
            append_chain(b, ctx, seen, nseen);
            gk__strbuf_append_cstr(b, "\nDuring handling of the above exception, another exception occurred:\n\n");
        }
    }
    append_one(b, exc);
}

static void write_stderr(gk__strbuf *b)
{
    fflush(stdout);
    if (b->data)
        fwrite(b->data, 1, b->size, stderr);
    fflush(stderr);
    gk__strbuf_free(b);
}

/* Prints exc with its chain and traceback to stderr like python3. */
void gk__print_exception(gk_object *exc)
{
    gk_object *saved = gk__err_fetch();
    gk_object *seen[MAX_CHAIN];
    size_t nseen = 0;
    gk__strbuf b;
    gk__strbuf_init(&b);
    append_chain(&b, exc, seen, &nseen);
    write_stderr(&b);
    gk__err_restore(saved);
}

/* Prints the pending exception as "Exception ignored in: where" and clears it. */
void gk__write_unraisable(const char *where)
{
    gk_object *exc = gk__err_fetch();
    if (!exc)
        return;
    gk__strbuf b;
    gk__strbuf_init(&b);
    gk__strbuf_printf(&b, "Exception ignored in: %s\n", where ? where : "<unknown>");
    gk_object *seen[MAX_CHAIN];
    size_t nseen = 0;
    append_chain(&b, exc, seen, &nseen);
    write_stderr(&b);
    gk__decref(exc);
}
