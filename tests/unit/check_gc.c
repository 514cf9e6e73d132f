/*
 * tests/unit/check_gc.c - vm/gc.c: the cycle collector frees self-cycles, cycles through instances, closures and generators (running __del__), leaves reachable cycles alone, and a second collection finds nothing.
 */
#include "check_util.h"

Suite *gk_gc_suite(void);

START_TEST(test_self_cycle_collected)
{
    gk__gc_collect();
    size_t before = gk__rt->gc.tracked;
    for (int i = 0; i < 100; i++) {
        gk_object *l = gk__list_new(0);
        gk__list_append(l, l);
        gk__decref(l);
    }
    ck_assert_uint_ge(gk__rt->gc.tracked, before + 100);
    ck_assert_int_ge(gk__gc_collect(), 100);
    ck_assert_uint_le(gk__rt->gc.tracked, before);
}
END_TEST

START_TEST(test_cycles_through_instances_and_closures)
{
    gk_object *d = tu_run("import gc\n"
                          "class Node:\n    pass\n"
                          "dead = []\n"
                          "class Fin:\n    def __del__(self):\n        dead.append(1)\n"
                          "def make():\n"
                          "    a, b = Node(), Node()\n"
                          "    a.other, b.other = b, a\n"
                          "    a.fin = Fin()\n"
                          "    def f():\n        return f\n"
                          "    a.f = f\n"
                          "for i in range(50):\n    make()\n"
                          "n = gc.collect()\n"
                          "after = gc.collect()\n");
    ck_assert_int_ge(tu_get_int(d, "n"), 50 * 4);
    ck_assert_int_eq(tu_get_int(d, "after"), 0);
    tu_repr_is(gk__dict_get_cstr(d, "dead"), "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
               "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]");
    gk__decref(d);
}
END_TEST

START_TEST(test_reachable_survive)
{
    gk_object *keep = gk__list_new(0);
    gk_object *inner = gk__dict_new();
    gk__dict_set_cstr(inner, "self", inner);       /* a cycle ... */
    gk__list_append(keep, inner);                  /* ... still referenced from outside */
    gk__decref(inner);
    gk__gc_collect();
    ck_assert_uint_eq(gk__list_size(keep), 1);
    ck_assert_ptr_eq(gk__dict_get_cstr(GK_LIST_GET(keep, 0), "self"), GK_LIST_GET(keep, 0));
    ck_assert_int_eq(GK_LIST_GET(keep, 0)->refcnt, 2);
    gk__decref(keep);
    ck_assert_int_ge(gk__gc_collect(), 1);
}
END_TEST

START_TEST(test_generator_cycle)
{
    gk_object *d = tu_run("import gc\n"
                          "def g():\n    me = yield\n    yield me\n"
                          "for i in range(20):\n    it = g(); next(it); it.send(it)\n"
                          "del it\n"
                          "n = gc.collect()\n");
    ck_assert_int_ge(tu_get_int(d, "n"), 20);
    gk__decref(d);
}
END_TEST

Suite *gk_gc_suite(void)
{
    Suite *s = tu_suite("gc");
    TU_ADD(s, "gc", test_self_cycle_collected, test_cycles_through_instances_and_closures, test_reachable_survive, test_generator_cycle);
    return s;
}
