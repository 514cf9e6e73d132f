/*
 * hello.c - a model gilkit extension module that fits on one screen.
 *
 *   cc $(pkg-config --cflags gilkit) -shared -fPIC hello.c -o hello.gilkit-1.so
 *
 * greet(name) is an object-level function; add(a, b) and slow_sum(n) are
 * plain C functions the VM calls through libffi: slow_sum runs with the GIL
 * released (GK_FN_NOGIL), so threads calling it run in parallel;
 * checksum(data) releases the GIL itself around its loop.
 */
#include <gilkit.h>
#include <stdint.h>

static gk_object *greet(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    if (nargs != 1 || !gk_is_str(args[0]))
        return gk_raise(GK_EXC_TYPE_ERROR, "greet() takes one str argument");
    size_t n;
    const char *name = gk_str_as_utf8(args[0], &n);
    gk_object *parts[2] = { gk_str_from_cstr("hello, "), gk_str_from_utf8(name, n) };
    gk_object *sep = gk_str_from_cstr("");
    gk_object *list = gk_tuple_from_array(parts, 2);
    gk_object *r = gk_call_method(sep, "join", &list, 1);
    gk_decref(parts[0]);
    gk_decref(parts[1]);
    gk_decref(sep);
    gk_decref(list);
    return r;
}

static gk_object *checksum(gk_thread *t, gk_object *const *args, size_t nargs)
{
    (void)t;
    size_t n;
    const unsigned char *p = nargs == 1 ? gk_bytes_data(args[0], &n) : NULL;
    if (!p)
        return gk_err_occurred() ? NULL : gk_raise(GK_EXC_TYPE_ERROR, "checksum() takes one bytes argument");
    uint64_t sum = 0;
    GK_BEGIN_ALLOW_THREADS
    for (size_t i = 0; i < n; i++)
        sum = sum * 31 + p[i];
    GK_END_ALLOW_THREADS
    return gk_int_from_i64((int64_t)(sum >> 1));
}

static double add(double a, int b)
{
    return a + b;
}

static int64_t slow_sum(int64_t n)
{
    volatile int64_t s = 0;
    for (int64_t i = 0; i < n; i++)
        s += i;
    return s;
}

static const gk_function_def functions[] = {
    GK_OBJECT_FUNCTION("greet", greet, "greet(name) -> 'hello, NAME'"),
    GK_OBJECT_FUNCTION("checksum", checksum, "checksum(data) -> int, computed without the GIL"),
    GK_C_FUNCTION("add", add, "double(double, int)", GK_FN_HOLD_GIL, "add(a, b) -> a + b"),
    GK_C_FUNCTION("slow_sum", slow_sum, "int64_t(int64_t)", GK_FN_NOGIL, "sum of range(n), GIL released"),
    GK_FUNCTION_END,
};

GK_MODULE("hello", "A model gilkit extension module.", functions, NULL, 0);
