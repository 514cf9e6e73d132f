/*
 * tests/ext-build/nativetypes.c - a test module for the corners of the
 * SDK's native types that examples/ext does not show: the special-method
 * slots (__iter__, __next__, __call__, __getitem__, __str__, __enter__,
 * __exit__), a type without a constructor whose instances only C makes
 * (gk_instance_new), gk_instance_data on the wrong object, bad type
 * definitions, and broken contracts turned into SystemError.
 */
#include <gilkit.h>
#include <stdint.h>
#include <stdio.h>

typedef struct countdown {
    int64_t left;
    int entered;
} countdown;

static gk_object *countdown_type, *other_type;

static gk_object *cd_iter(gk_thread *t, gk_object *self, gk_object *const *a, size_t n)
{
    (void)t, (void)a, (void)n;
    return gk_incref(self);
}

static gk_object *cd_next(gk_thread *t, gk_object *self, gk_object *const *a, size_t n)
{
    (void)t, (void)a, (void)n;
    countdown *c = gk_instance_data(self, NULL);
    if (c->left <= 0)
        return c->left == 0 ? gk_raise(GK_EXC_STOP_ITERATION, "done") : NULL; /* NULL, no exception: broken */
    return gk_int_from_i64(c->left--);
}

static gk_object *cd_call(gk_thread *t, gk_object *self, gk_object *const *a, size_t n)
{
    (void)t, (void)self;
    return gk_int_from_i64((int64_t)n * 10 + (n ? gk_is_str(a[0]) : 0));
}

static gk_object *cd_getitem(gk_thread *t, gk_object *self, gk_object *const *a, size_t n)
{
    (void)t, (void)n;
    countdown *c = gk_instance_data(self, NULL);
    int64_t i = gk_int_as_i64(a[0]);
    if (i == -1 && gk_err_occurred())
        return NULL;
    if (i < 0 || i >= c->left)
        return gk_raise(GK_EXC_INDEX_ERROR, "countdown index out of range");
    return gk_int_from_i64(c->left - i);
}

static gk_object *cd_str(gk_thread *t, gk_object *self, gk_object *const *a, size_t n)
{
    (void)t, (void)a, (void)n;
    char buf[32];
    snprintf(buf, sizeof buf, "countdown at %lld", (long long)((countdown *)gk_instance_data(self, NULL))->left);
    return gk_str_from_cstr(buf);
}

static gk_object *cd_enter(gk_thread *t, gk_object *self, gk_object *const *a, size_t n)
{
    (void)t, (void)a, (void)n;
    ((countdown *)gk_instance_data(self, NULL))->entered++;
    return gk_incref(self);
}

static gk_object *cd_exit(gk_thread *t, gk_object *self, gk_object *const *a, size_t n)
{
    (void)t, (void)a, (void)n;
    ((countdown *)gk_instance_data(self, NULL))->entered--;
    return gk_bool(0);
}

static gk_object *cd_entered(gk_thread *t, gk_object *self)
{
    (void)t;
    return gk_int_from_i64(((countdown *)gk_instance_data(self, NULL))->entered);
}

/* Broken on purpose: a result with an exception pending. */
static gk_object *cd_broken(gk_thread *t, gk_object *self, gk_object *const *a, size_t n)
{
    (void)t, (void)self, (void)a, (void)n;
    gk_raise(GK_EXC_VALUE_ERROR, "left pending");
    return gk_none();
}

static const gk_method_def cd_methods[] = {
    GK_METHOD("__iter__", cd_iter, NULL),
    GK_METHOD("__next__", cd_next, NULL),
    GK_METHOD("__call__", cd_call, NULL),
    GK_METHOD("__getitem__", cd_getitem, NULL),
    GK_METHOD("__str__", cd_str, NULL),
    GK_METHOD("__enter__", cd_enter, NULL),
    GK_METHOD("__exit__", cd_exit, NULL),
    GK_METHOD("broken", cd_broken, "returns a result with an exception set"),
    GK_METHOD_END,
};

static const gk_attr_def cd_attrs[] = {
    GK_ATTR("entered", cd_entered, NULL, NULL),
    GK_ATTR_END,
};

/* countdown(n) -> a Countdown made in C (the type has no constructor). */
static gk_object *make_countdown(gk_thread *t, gk_object *const *a, size_t n)
{
    (void)t;
    int64_t v = n == 1 ? gk_int_as_i64(a[0]) : 0;
    if (v == -1 && gk_err_occurred())
        return NULL;
    gk_object *o = gk_instance_new(countdown_type);
    if (o)
        ((countdown *)gk_instance_data(o, countdown_type))->left = v;
    return o;
}

/* data_of_other(o) -> gk_instance_data(o, Other) (TypeError unless an Other). */
static gk_object *data_of_other(gk_thread *t, gk_object *const *a, size_t n)
{
    (void)t, (void)n;
    return gk_instance_data(a[0], other_type) ? gk_bool(1) : NULL;
}

/* bad_defs() -> the error messages of four bad type definitions */
static gk_object *bad_defs(gk_thread *t, gk_object *const *a, size_t n)
{
    (void)t, (void)a, (void)n;
    static const gk_method_def no_fn[] = { { "m", NULL, NULL }, GK_METHOD_END };
    static const gk_attr_def no_get[] = { { "a", NULL, NULL, NULL }, GK_ATTR_END };
    gk_type_def defs[4] = {
        { .name = NULL }, { .name = "x." }, { .name = "x.NoFn", .methods = no_fn },
        { .name = "x.NoGet", .attrs = no_get },
    };
    gk_object *list = gk_list_new(0);
    for (int i = 0; list && i < 4; i++) {
        gk_object *ty = gk_type_new(NULL, &defs[i]);
        if (ty) {
            gk_decref(ty);
            continue;
        }
        gk_object *e = gk_err_fetch(), *s = gk_str(e);
        gk_list_append(list, s);
        gk_decref(s);
        gk_decref(e);
    }
    return list;
}

static int init(gk_object *m)
{
    gk_type_def cd = { .name = "nativetypes.Countdown", .data_size = sizeof(countdown),
                       .methods = cd_methods, .attrs = cd_attrs };
    gk_type_def other = { .name = "nativetypes.Other" };
    countdown_type = gk_type_new(m, &cd);          /* a def on the stack: copied */
    other_type = gk_type_new(m, &other);
    return countdown_type && other_type ? 0 : -1;
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("countdown", make_countdown, NULL),
    GK_OBJECT_FUNCTION("data_of_other", data_of_other, NULL),
    GK_OBJECT_FUNCTION("bad_defs", bad_defs, NULL),
    GK_FUNCTION_END,
};

GK_MODULE("nativetypes", NULL, functions, init, 0);
