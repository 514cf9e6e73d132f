/*
 * tests/unit/check_sdk.c - the public SDK as an embedder sees it: starting
 * and stopping a runtime twice in one process, native threads attaching and
 * detaching, attach after shutdown failing cleanly, the GIL macros.  Uses
 * only <gilkit.h>.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "gilkit.h"

Suite *gk_sdk_suite(void);

START_TEST(test_embed_twice)
{
    for (int round = 0; round < 2; round++) {
        ck_assert_int_eq(gk_runtime_start(0, NULL), 0);
        ck_assert(gk_gil_held());
        ck_assert_int_eq(gk_run_string("x = sum(range(10))\nassert x == 45\n"), 0);
        gk_object *v = gk_int_from_i64(41 + round);
        ck_assert_int_eq(gk_int_as_i64(v), 41 + round);
        gk_decref(v);
        ck_assert_int_eq(gk_runtime_stop(), 0);
    }
}
END_TEST

START_TEST(test_run_string_error)
{
    ck_assert_int_eq(gk_runtime_start(0, NULL), 0);
    ck_assert_int_eq(gk_run_string("raise ValueError('expected in this test')\n"), -1);
    ck_assert_int_eq(gk_runtime_stop(), 0);
}
END_TEST

/* A native thread attaches, builds objects and calls into Python code. */
static void *native_worker(void *arg)
{
    gk_object *list = arg;
    for (int i = 0; i < 100; i++) {
        if (gk_thread_attach() != 0)
            return (void *)1;
        gk_object *v = gk_int_from_i64(i);
        gk_list_append(list, v);
        gk_decref(v);
        gk_thread_detach();
    }
    return NULL;
}

START_TEST(test_native_threads_attach)
{
    ck_assert_int_eq(gk_runtime_start(0, NULL), 0);
    gk_object *list = gk_list_new(0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, native_worker, list);
    void *rc;
    GK_BEGIN_ALLOW_THREADS
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], &rc);
        ck_assert_ptr_null(rc);
    }
    GK_END_ALLOW_THREADS
    ck_assert_int_eq(gk_len(list), 400);
    gk_decref(list);
    ck_assert_int_eq(gk_runtime_stop(), 0);
}
END_TEST

static void *late_attach(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)gk_thread_attach();
}

START_TEST(test_attach_after_shutdown_fails)
{
#ifdef GK_GIL_DEBUG
    setenv("GILKIT_GIL_CHECK", "warn", 1);   /* the debug build reports it (check_gildebug.c) */
#endif
    ck_assert_int_eq(gk_runtime_start(0, NULL), 0);
    ck_assert_int_eq(gk_runtime_stop(), 0);
    pthread_t t;
    void *rc;
    pthread_create(&t, NULL, late_attach, NULL);
    pthread_join(t, &rc);
    ck_assert_int_eq((int)(intptr_t)rc, -1);
}
END_TEST

/* ffi.callback: a script function as a C function pointer, called from
 * native threads the runtime has never seen (attached on their first
 * call), from this thread holding the GIL, and raising (reported, 0). */
static void *call_callback(void *arg)
{
    int (*fn)(int) = (int (*)(int))arg;
    intptr_t sum = 0;
    for (int i = 0; i < 50; i++)
        sum += fn(i);
    return (void *)sum;
}

/* The int value of global `name` of module m, as an address. */
static void *global_address(gk_object *m, const char *name)
{
    gk_object *v = gk_getattr(m, name);
    ck_assert_ptr_nonnull(v);
    int64_t a = gk_int_as_i64(v);
    gk_decref(v);
    return (void *)(intptr_t)a;
}

START_TEST(test_ffi_callback_native_threads)
{
    ck_assert_int_eq(gk_runtime_start(0, NULL), 0);
    ck_assert_int_eq(gk_run_string("import ffi, threading\n"
                                   "calls = []\n"
                                   "def f(x):\n"
                                   "    calls.append(threading.get_ident())\n"
                                   "    return 3 * x\n"
                                   "cb = ffi.callback('int(int)', f)\n"
                                   "address = cb.address\n"
                                   "bad = ffi.callback('int(int)', lambda x: 1 // 0)\n"
                                   "bad_address = bad.address\n"
                                   "def summary():\n"
                                   "    return len(calls) * 100 + len(set(calls))\n"), 0);
    gk_object *m = gk_import("__main__");
    ck_assert_ptr_nonnull(m);
    void *fn = global_address(m, "address");
    pthread_t t[3];
    void *rc;
    GK_BEGIN_ALLOW_THREADS
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, call_callback, fn);
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], &rc);
        ck_assert_int_eq((intptr_t)rc, 3 * 49 * 50 / 2);
    }
    GK_END_ALLOW_THREADS
    ck_assert(gk_gil_held());
    ck_assert_int_eq(((int (*)(int))fn)(5), 15);
    /* 151 calls from 4 threads: each native thread kept one thread state. */
    gk_object *summary = gk_getattr(m, "summary");
    gk_object *r = gk_call(summary, NULL, 0);
    ck_assert_int_eq(gk_int_as_i64(r), 151 * 100 + 4);
    gk_decref(r);
    gk_decref(summary);
    int (*bad)(int) = (int (*)(int))global_address(m, "bad_address");
    ck_assert_int_eq(bad(1), 0);
    ck_assert(!gk_err_occurred());
    ck_assert(gk_gil_held());
    gk_decref(m);
    ck_assert_int_eq(gk_runtime_stop(), 0);
}
END_TEST

Suite *gk_sdk_suite(void)
{
    Suite *s = suite_create("sdk");
    TCase *tc = tcase_create("embedding");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_embed_twice);
    tcase_add_test(tc, test_run_string_error);
    tcase_add_test(tc, test_native_threads_attach);
    tcase_add_test(tc, test_attach_after_shutdown_fails);
    tcase_add_test(tc, test_ffi_callback_native_threads);
    suite_add_tcase(s, tc);
    return s;
}
