/*
 * tests/unit/check_sdk.c - the public SDK as an embedder sees it: starting
 * and stopping a runtime twice in one process, native threads attaching and
 * detaching, attach after shutdown failing cleanly, the GIL macros.  Uses
 * only <gilkit.h>.
 */
#include <check.h>
#include <pthread.h>
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
    ck_assert_int_eq(gk_runtime_start(0, NULL), 0);
    ck_assert_int_eq(gk_runtime_stop(), 0);
    pthread_t t;
    void *rc;
    pthread_create(&t, NULL, late_attach, NULL);
    pthread_join(t, &rc);
    ck_assert_int_eq((int)(intptr_t)rc, -1);
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
    suite_add_tcase(s, tc);
    return s;
}
