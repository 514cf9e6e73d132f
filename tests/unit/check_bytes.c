/*
 * tests/unit/check_bytes.c - vm/objects/bytes.c (bytes and bytearray): construction with embedded NULs, mutation of bytearrays, %-formatting, and the bytes methods against python3 3.11.
 */
#include "check_util.h"

Suite *gk_bytes_suite(void);

START_TEST(test_new_and_data)
{
    gk_object *b = gk__bytes_new("a\0b", 3);
    ck_assert_uint_eq(gk__bytes_size(b), 3);
    ck_assert_int_eq(gk__bytes_data(b)[1], 0);
    tu_repr_is(b, "b'a\\x00b'");
    gk_object *ba = gk__bytearray_new("xy", 2);
    ck_assert(gk__is_bytes(b));
    ck_assert_int_eq(gk__richcompare_bool(b, ba, GK_EQ), 0);
    gk_object *d = tu_run("b = bytearray(b'abc')\nb[0] = 65\nb.append(100)\nb.extend(b'ef')\n"
                          "del b[1]\nr = bytes(b)\n"
                          "try:\n    b[0] = 256\nexcept ValueError as e:\n    m = str(e)\n");
    tu_repr_is(gk__dict_get_cstr(d, "r"), "b'Acdef'");
    tu_repr_is(gk__dict_get_cstr(d, "m"), "'byte must be in range(0, 256)'");
    gk__decref(d); gk__decref(b); gk__decref(ba);
}
END_TEST

START_TEST(test_percent)
{
    gk_object *fmt = gk__bytes_new("%s|%5d|%x|%c", 12);
    gk_object *args = tu_eval("(b'ab', 42, 255, 65)");
    gk_object *r = gk__bytes_percent(fmt, args);
    tu_repr_is(r, "b'ab|   42|ff|A'");
    gk_object *bad = tu_eval("('str',)");
    gk_object *f2 = gk__bytes_new("%s", 2);
    ck_assert_ptr_null(gk__bytes_percent(f2, bad));
    tu_raised(&gk__exc_TypeError, NULL);
    gk__decref(fmt); gk__decref(args); gk__decref(r); gk__decref(bad); gk__decref(f2);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "b'abc'[1]", "98", NULL, NULL },
        { "b'abc'[-1:]", "b'c'", NULL, NULL },
        { "b'abc' + b'd'", "b'abcd'", NULL, NULL },
        { "bytes(3)", "b'\\x00\\x00\\x00'", NULL, NULL },
        { "bytes([1, 2, 255])", "b'\\x01\\x02\\xff'", NULL, NULL },
        { "bytes([256])", NULL, &gk__exc_ValueError, "bytes must be in range(0, 256)" },
        { "bytes('é', 'utf-8')", "b'\\xc3\\xa9'", NULL, NULL },
        { "b'\\x00\\xff'.hex()", "'00ff'", NULL, NULL },
        { "bytes.fromhex('00ff 10')", "b'\\x00\\xff\\x10'", NULL, NULL },
        { "b'a,b'.split(b',')", "[b'a', b'b']", NULL, NULL },
        { "b'hello'.upper()", "b'HELLO'", NULL, NULL },
        { "b'abc'.find(b'c')", "2", NULL, NULL },
        { "bytearray(b'ab') + b'c'", "bytearray(b'abc')", NULL, NULL },
        { "repr(bytearray(b'x'))", "\"bytearray(b'x')\"", NULL, NULL },
        { "b'abc' == bytearray(b'abc')", "True", NULL, NULL },
        { "b'%d-%s' % (1, b'x')", "b'1-x'", NULL, NULL },
        { "b'abc'.decode('ascii')", "'abc'", NULL, NULL },
        { "repr(b'\\n\\x7f\\'\"')", "'b\\'\\\\n\\\\x7f\\\\\\'\"\\''", NULL, NULL },
        { "b'x' * 3", "b'xxx'", NULL, NULL },
        { "list(b'ab')", "[97, 98]", NULL, NULL },
        { "b'' < b'a'", "True", NULL, NULL },
        { "hash(b'abc') == hash(b'abc')", "True", NULL, NULL },
        { "b'ab'.replace(b'a', b'xy')", "b'xyb'", NULL, NULL },
        { "bytes(range(5))", "b'\\x00\\x01\\x02\\x03\\x04'", NULL, NULL },
        { "b'  x '.strip()", "b'x'", NULL, NULL },
        { "b'a' in b'cat'", "True", NULL, NULL },
        { "97 in b'cat'", "True", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_bytes_suite(void)
{
    Suite *s = tu_suite("bytes");
    TU_ADD(s, "bytes", test_new_and_data, test_percent, test_python_table);
    return s;
}
