/*
 * vm/objects/generator.c - generator objects.
 *
 * Calling a function whose code has GK_CO_GENERATOR makes a generator that
 * owns the function's frame.  Each send/next resumes the frame with the
 * eval loop until the next YIELD_VALUE (or a YIELD_FROM that yields), a
 * return (StopIteration carrying the value) or an exception.  A
 * StopIteration escaping the body becomes RuntimeError (PEP 479).
 *
 * The exception being handled (tstate->exc_info) belongs to the generator
 * while it runs: on resume the generator's saved one is swapped in (or the
 * caller's is inherited when it has none), and on suspension it is saved
 * back and the caller's restored, like CPython's gi_exc_state.
 *
 * throw() and close() delegate to the iterator of a `yield from` the frame
 * is suspended in, as CPython does.
 */
#include <string.h>
#include "eval.h"

typedef struct {
    GK_HEAD;
    gk__frame *frame;       /* NULL once finished */
    gk_object *name, *qualname;
    gk_object *exc_state;   /* exception handled inside the suspended body, or NULL */
    bool running;
} gk_gen;

#define GEN(o) ((gk_gen *)(o))

/* Wraps a fresh generator frame (steals f); qualname is borrowed. */
gk_object *gk__gen_new(gk__frame *f, gk_object *qualname)
{
    gk_gen *g = (gk_gen *)gk__gc_new(&gk__generator_type, sizeof(gk_gen));
    if (!g) {
        gk__frame_free(f);
        return NULL;
    }
    g->frame = f;
    f->gen = (gk_object *)g;
    g->name = gk__incref(f->code->name);
    g->qualname = gk__incref(qualname ? qualname : f->code->name);
    g->exc_state = NULL;
    g->running = false;
    return (gk_object *)g;
}

/* True iff o is a generator. */
bool gk__is_generator(gk_object *o) { return GK_TYPE(o) == &gk__generator_type; }

static void gen_finish(gk_gen *g)
{
    gk__frame *f = g->frame;
    g->frame = NULL;
    GK_CLEAR(g->exc_state);
    if (f)
        gk__frame_free(f);
}

/* PEP 479: a StopIteration leaving the body becomes a RuntimeError. */
static void wrap_stop_iteration(void)
{
    gk_object *stop = gk__err_fetch();
    gk__raise(&gk__exc_RuntimeError, "generator raised StopIteration");
    gk_object *err = gk__err_peek();
    if (err) {
        gk__exc_set_cause(err, stop);
        gk__exc_set_context_obj(err, stop);
    }
    gk__decref(stop);
}

/* Resumes g: pushes arg (or throws the pending exception when throwflag).
 * Returns 1 yielded, 0 returned (*result set either way), -1 error. */
static int gen_resume(gk_gen *g, gk_object *arg, int throwflag, gk_object **result)
{
    gk__tstate *ts = gk__ts();
    gk__frame *f = g->frame;
    *result = NULL;
    if (g->running) {
        gk__raise(&gk__exc_ValueError, "generator already executing");
        return -1;
    }
    if (!f || f->state == GK_FRAME_DONE) {
        if (throwflag)
            return -1;
        *result = gk__none_ref();
        return 0;
    }
    if (f->state == GK_FRAME_CREATED && !throwflag && arg && arg != GK_NONE) {
        gk__raise(&gk__exc_TypeError, "can't send non-None value to a just-started generator");
        return -1;
    }
    if (f->state == GK_FRAME_SUSPENDED && !throwflag)
        *f->sp++ = gk__incref(arg ? arg : GK_NONE);

    gk_object *outer = ts->exc_info;          /* our reference now */
    gk_object *inherited = NULL;
    if (g->exc_state) {
        ts->exc_info = g->exc_state;
        g->exc_state = NULL;
    } else {
        inherited = outer;
        gk__xincref(outer);
        ts->exc_info = outer;
    }
    g->running = true;
    gk_object *r = gk__eval_frame(ts, f, throwflag);
    g->running = false;
    gk_object *now = ts->exc_info;
    if (f->state == GK_FRAME_SUSPENDED && now && now != inherited)
        g->exc_state = now;
    else
        gk__xdecref(now);
    ts->exc_info = outer;

    if (f->state == GK_FRAME_SUSPENDED) {
        *result = r;
        return 1;
    }
    gen_finish(g);
    if (r) {
        *result = r;
        return 0;
    }
    if (gk__err_matches(&gk__exc_StopIteration))
        wrap_stop_iteration();
    return -1;
}

/* The iterator the frame delegates to with `yield from`, BORROWED, or NULL. */
static gk_object *gen_yieldfrom(gk_gen *g)
{
    gk__frame *f = g->frame;
    if (!f || f->state != GK_FRAME_SUSPENDED || (size_t)f->pc >= f->code->ninstrs)
        return NULL;
    if (GK_OP(f->code->instrs[f->pc]) != GK_OP_YIELD_FROM || f->sp <= f->stack)
        return NULL;
    return f->sp[-1];
}

/* Sends arg into gen (see eval.h). */
int gk__gen_send_ex(gk_object *gen, gk_object *arg, gk_object **result)
{
    return gen_resume(GEN(gen), arg, 0, result);
}

/* gen.send(value): the yielded value, or NULL with StopIteration(return value). */
gk_object *gk__gen_send(gk_object *gen, gk_object *value)
{
    gk_object *res;
    int st = gen_resume(GEN(gen), value, 0, &res);
    if (st == 1)
        return res;
    if (st == 0) {
        gk__raise_stop_iteration(res == GK_NONE ? NULL : res);
        gk__decref(res);
    }
    return NULL;
}

static int close_iter(gk_object *yf)
{
    if (gk__is_generator(yf)) {
        gk_object *r = gk__call_method(yf, "close", NULL, 0);
        if (!r)
            return -1;
        gk__decref(r);
        return 0;
    }
    gk_object *m = gk__getattr_opt(yf, gk__str_intern("close"));
    if (!m)
        return gk__err_occurred() ? -1 : 0;
    gk_object *r = gk__call0(m);
    gk__decref(m);
    if (!r)
        return -1;
    gk__decref(r);
    return 0;
}

static int gen_throw_exc(gk_gen *g, gk_object *exc, gk_object **result);

/* After the delegated iterator ended (exception pending): resume g. */
static int gen_after_delegate(gk_gen *g, gk_object **result)
{
    gk__frame *f = g->frame;
    gk_object *yf = *--f->sp;
    gk__decref(yf);
    f->pc += 1;
    f->lasti = f->pc - 1;
    if (gk__err_matches(&gk__exc_StopIteration)) {
        gk_object *stop = gk__err_fetch();
        gk_object *val = gk__stop_iteration_value(stop);
        gk__incref(val ? val : GK_NONE);
        int st = gen_resume(g, val ? val : GK_NONE, 0, result);
        gk__decref(val ? val : GK_NONE);
        gk__decref(stop);
        return st;
    }
    return gen_resume(g, NULL, 1, result);
}

static int throw_into_delegate(gk_gen *g, gk_object *yf, gk_object *exc, gk_object **result)
{
    if (gk__type_is_subtype(GK_TYPE(exc), &gk__exc_GeneratorExit)) {
        g->running = true;
        int r = close_iter(yf);
        g->running = false;
        if (r < 0)
            return gen_after_delegate(g, result);
        gk__err_restore(gk__incref(exc));
        return gen_resume(g, NULL, 1, result);
    }
    gk_object *ret = NULL;
    int st;
    g->running = true;
    if (gk__is_generator(yf)) {
        st = gen_throw_exc(GEN(yf), exc, &ret);
    } else {
        gk_object *m = gk__getattr_opt(yf, gk__str_intern("throw"));
        if (!m) {
            g->running = false;
            if (gk__err_occurred())
                return gen_resume(g, NULL, 1, result);
            gk__err_restore(gk__incref(exc));
            return gen_resume(g, NULL, 1, result);
        }
        ret = gk__call1(m, exc);
        gk__decref(m);
        st = ret ? 1 : -1;
    }
    g->running = false;
    if (st == 1) {
        *result = ret;
        return 1;
    }
    if (st == 0) {
        gk__raise_stop_iteration(ret);
        gk__decref(ret);
    }
    return gen_after_delegate(g, result);
}

/* Raises exc (borrowed) inside g at its suspension point. */
static int gen_throw_exc(gk_gen *g, gk_object *exc, gk_object **result)
{
    *result = NULL;
    gk_object *yf = gen_yieldfrom(g);
    if (yf && !g->running) {
        gk__incref(yf);
        int st = throw_into_delegate(g, yf, exc, result);
        gk__decref(yf);
        return st;
    }
    if (g->running) {
        gk__raise(&gk__exc_ValueError, "generator already executing");
        return -1;
    }
    gk__err_restore(gk__incref(exc));
    return gen_resume(g, NULL, 1, result);
}

static gk_object *gen_close_impl(gk_gen *g)
{
    if (!g->frame || g->frame->state == GK_FRAME_DONE)
        return gk__none_ref();
    if (g->frame->state == GK_FRAME_CREATED) {
        gen_finish(g);
        return gk__none_ref();
    }
    gk_object *exc = gk__exc_new(&gk__exc_GeneratorExit, gk__empty_tuple);
    if (!exc)
        return NULL;
    gk_object *res;
    int st = gen_throw_exc(g, exc, &res);
    gk__decref(exc);
    if (st == 1) {
        gk__decref(res);
        return gk__raise(&gk__exc_RuntimeError, "generator ignored GeneratorExit");
    }
    if (st == 0) {
        gk__decref(res);
        return gk__none_ref();
    }
    if (gk__err_matches(&gk__exc_GeneratorExit) || gk__err_matches(&gk__exc_StopIteration)) {
        gk__err_clear();
        return gk__none_ref();
    }
    return NULL;
}

/* ---- methods ---- */

static gk_object *gen_iternext(gk_object *o)
{
    gk_object *res;
    int st = gen_resume(GEN(o), NULL, 0, &res);
    if (st == 1)
        return res;
    if (st == 0) {
        if (res != GK_NONE)
            gk__raise_stop_iteration(res);
        gk__decref(res);
    }
    return NULL;
}


static gk_object *gen_send_meth(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("send", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return gk__gen_send(self, args[0]);
}

static gk_object *make_thrown(gk_object *typ, gk_object *val, gk_object *tb)
{
    gk_object *exc = NULL;
    if (gk__is_exception(typ)) {
        if (val && val != GK_NONE)
            return gk__raise(&gk__exc_TypeError, "instance exception may not have a separate value");
        exc = gk__incref(typ);
    } else if (gk__is_type(typ) && gk__type_is_subtype((gk_type *)typ, &gk__exc_BaseException)) {
        if (val && gk__is_exception(val) && gk__type_is_subtype(GK_TYPE(val), (gk_type *)typ))
            exc = gk__incref(val);
        else if (!val || val == GK_NONE)
            exc = gk__call0(typ);
        else if (gk__is_tuple(val))
            exc = gk__call_tuple_dict(typ, val, NULL);
        else
            exc = gk__call1(typ, val);
        if (!exc)
            return NULL;
    } else {
        return gk__raise(&gk__exc_TypeError, "exceptions must be classes or instances deriving from "
                         "BaseException, not %s", GK_TYPE_NAME(typ));
    }
    if (tb && tb != GK_NONE) {
        if (GK_TYPE(tb) != &gk__traceback_type) {
            gk__decref(exc);
            return gk__raise(&gk__exc_TypeError, "throw() third argument must be a traceback object");
        }
        gk__exc_set_traceback(exc, tb);
    }
    return exc;
}

static gk_object *gen_throw_meth(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("throw", nargs, kwnames, 1, 3) < 0)
        return NULL;
    gk_object *exc = make_thrown(args[0], nargs > 1 ? args[1] : NULL, nargs > 2 ? args[2] : NULL);
    if (!exc)
        return NULL;
    gk_object *res;
    int st = gen_throw_exc(GEN(self), exc, &res);
    gk__decref(exc);
    if (st == 1)
        return res;
    if (st == 0) {
        gk__raise_stop_iteration(res == GK_NONE ? NULL : res);
        gk__decref(res);
    }
    return NULL;
}

static gk_object *gen_close_meth(gk_object *self, gk_object *const *args, size_t nargs, gk_object *kwnames)
{
    if (gk__check_args("close", nargs, kwnames, 0, 0) < 0)
        return NULL;
    return gen_close_impl(GEN(self));
}

static const gk__methoddef gen_methods[] = {
    { "send", gen_send_meth, GK_METH_DEFAULT, "send(arg) -> send 'arg' into generator" },
    { "throw", gen_throw_meth, GK_METH_DEFAULT, "throw(value) -> raise exception in generator" },
    { "close", gen_close_meth, GK_METH_DEFAULT, "close() -> raise GeneratorExit inside generator." },
    { NULL, NULL, 0, NULL },
};

static gk_object *g_get_name(gk_object *o, void *c) { return gk__incref(GEN(o)->name); }
static gk_object *g_get_qualname(gk_object *o, void *c) { return gk__incref(GEN(o)->qualname); }
static gk_object *g_get_running(gk_object *o, void *c) { return gk__bool(GEN(o)->running); }
static gk_object *g_get_frame(gk_object *o, void *c) { return gk__none_ref(); }

static gk_object *g_get_code(gk_object *o, void *c)
{
    return GEN(o)->frame ? gk__incref((gk_object *)GEN(o)->frame->code) : gk__none_ref();
}

static gk_object *g_get_yieldfrom(gk_object *o, void *c)
{
    gk_object *yf = gen_yieldfrom(GEN(o));
    return gk__incref(yf ? yf : GK_NONE);
}

static const gk__getsetdef gen_getset[] = {
    { "__name__", g_get_name, NULL, NULL },
    { "__qualname__", g_get_qualname, NULL, NULL },
    { "gi_running", g_get_running, NULL, NULL },
    { "gi_frame", g_get_frame, NULL, NULL },
    { "gi_code", g_get_code, NULL, NULL },
    { "gi_yieldfrom", g_get_yieldfrom, NULL, NULL },
    { NULL, NULL, NULL, NULL },
};

static gk_object *gen_repr(gk_object *o)
{
    return gk__str_from_format("<generator object %s at %p>", gk__str_utf8(GEN(o)->qualname), (void *)o);
}

static int gen_traverse(gk_object *o, gk_visitfunc visit, void *arg)
{
    gk_gen *g = GEN(o);
    int r;
    if (g->exc_state && (r = visit(g->exc_state, arg)))
        return r;
    if (g->frame && !g->running)
        return gk__frame_traverse(g->frame, visit, arg);
    return 0;
}

static int gen_clear(gk_object *o)
{
    gk_gen *g = GEN(o);
    if (!g->running)
        gen_finish(g);
    return 0;
}

static void gen_dealloc(gk_object *o)
{
    gk_gen *g = GEN(o);
    if (g->frame && g->frame->state == GK_FRAME_SUSPENDED && (g->frame->nblocks > 0 || gen_yieldfrom(g))) {
        o->refcnt = 1;                       /* alive while close() runs */
        gk_object *saved = gk__err_fetch();
        gk_object *r = gen_close_impl(g);
        if (r) {
            gk__decref(r);
        } else {
            gk_object *rep = gen_repr(o);
            gk__write_unraisable(rep ? gk__str_utf8(rep) : "generator");
            gk__xdecref(rep);
        }
        gk__err_restore(saved);
        if (--o->refcnt != 0)
            return;                          /* resurrected by close() */
    }
    gen_finish(g);
    GK_CLEAR(g->name);
    GK_CLEAR(g->qualname);
    gk__gc_free(o);
}

gk_type gk__generator_type = {
    .ob = GK_STATIC_HEAD(&gk__type_type),
    .name = "generator",
    .basicsize = sizeof(gk_gen),
    .flags = GK_TPFLAG_GC,
    .dealloc = gen_dealloc,
    .repr = gen_repr,
    .getattr = gk__object_generic_getattr,
    .iter = gk__iter_self,
    .iternext = gen_iternext,
    .traverse = gen_traverse,
    .clear = gen_clear,
    .methods = gen_methods,
    .getset = gen_getset,
};
