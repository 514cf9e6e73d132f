/*
 * tests/unit/check_generator.c - vm/objects/generator.c: send, return values carried by StopIteration, close running finally blocks, throw, yield from, PEP 479 (StopIteration inside becomes RuntimeError), re-entry, and exhausted generator expressions.
 */
#include "check_util.h"
#include "code.h"

Suite *gk_generator_suite(void);

START_TEST(test_send_and_return)
{
    gk_object *d = tu_run("def g():\n    x = yield 1\n    y = yield x * 2\n    return x + y\nit = g()\n");
    gk_object *it = gk__dict_get_cstr(d, "it");
    ck_assert(gk__is_generator(it));
    gk_object *r = gk__gen_send(it, GK_NONE);
    tu_repr_is(r, "1");
    gk__decref(r);
    gk_object *ten = tu_int(10), *five = tu_int(5);
    r = gk__gen_send(it, ten);
    tu_repr_is(r, "20");
    gk__decref(r);
    ck_assert_ptr_null(gk__gen_send(it, five));
    gk_object *e = gk__err_fetch();
    ck_assert(GK_TYPE(e) == &gk__exc_StopIteration);
    tu_repr_is(gk__stop_iteration_value(e), "15");
    gk__decref(e);
    ck_assert_ptr_null(gk__gen_send(it, GK_NONE));     /* finished: StopIteration again */
    tu_raised(&gk__exc_StopIteration, NULL);
    gk__decref(ten); gk__decref(five); gk__decref(d);
}
END_TEST

START_TEST(test_python_behaviour)
{
    gk_object *d = tu_run("log = []\n"
                          "def g():\n    try:\n        yield 1\n        yield 2\n    finally:\n        log.append('closed')\n"
                          "it = g(); next(it); it.close()\n"
                          "def h():\n    try:\n        yield 1\n    except KeyError as e:\n        yield 'caught ' + str(e)\n"
                          "i2 = h(); next(i2); t = i2.throw(KeyError('k'))\n"
                          "def inner():\n    r = yield 'a'\n    return r\n"
                          "def outer():\n    v = yield from inner()\n    yield ('got', v)\n"
                          "o = outer(); first = next(o); second = o.send('S')\n"
                          "def bad():\n    yield 1\n    raise StopIteration\n"
                          "try:\n    list(bad())\nexcept RuntimeError as e:\n    rt = str(e)\n"
                          "def running():\n    yield it3.send(None)\n"
                          "it3 = running()\n"
                          "try:\n    next(it3)\nexcept ValueError as e:\n    ve = str(e)\n"
                          "ge = (x * x for x in range(4))\nsq = (sum(ge), list(ge))\n");
    tu_repr_is(gk__dict_get_cstr(d, "log"), "['closed']");
    tu_repr_is(gk__dict_get_cstr(d, "t"), "\"caught 'k'\"");
    tu_repr_is(gk__dict_get_cstr(d, "first"), "'a'");
    tu_repr_is(gk__dict_get_cstr(d, "second"), "('got', 'S')");
    tu_repr_is(gk__dict_get_cstr(d, "rt"), "'generator raised StopIteration'");
    tu_repr_is(gk__dict_get_cstr(d, "ve"), "'generator already executing'");
    tu_repr_is(gk__dict_get_cstr(d, "sq"), "(14, [])");
    gk__decref(d);
}
END_TEST

Suite *gk_generator_suite(void)
{
    Suite *s = tu_suite("generator");
    TU_ADD(s, "generator", test_send_and_return, test_python_behaviour);
    return s;
}
