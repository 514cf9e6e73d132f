/*
 * tests/unit/check_float.c - vm/objects/float.c: shortest round-trip repr,
 * parsing, floor division and modulo signs (including -0.0 and infinities),
 * round-half-even, hashing equal to equal ints, and conversions.  Expected
 * values come from python3 3.11.
 */
#include <math.h>
#include "check_util.h"

Suite *gk_float_suite(void);

START_TEST(test_repr_buf)
{
    static const struct { double d; const char *want; } cases[] = {
        { 0.1, "0.1" }, { -0.0, "-0.0" }, { 1e16, "1e+16" }, { 123456789012345678.0, "1.2345678901234568e+17" },
        { 1e-7, "1e-07" }, { 5e-324, "5e-324" }, { 1.7976931348623157e308, "1.7976931348623157e+308" },
        { INFINITY, "inf" }, { -INFINITY, "-inf" }, { 2.0 / 3.0, "0.6666666666666666" },
        { 1e15, "1000000000000000.0" },
    };
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk__float_repr_buf(cases[i].d, buf, sizeof buf);
        ck_assert_str_eq(buf, cases[i].want);
    }
    gk__float_repr_buf(NAN, buf, sizeof buf);
    ck_assert_str_eq(buf, "nan");
}
END_TEST

START_TEST(test_hash_double)
{
    ck_assert_int_eq(gk__hash_double(1.0), 1);
    ck_assert_int_eq(gk__hash_double(-1.0), -2);      /* -1 is reserved for errors */
    ck_assert_int_eq(gk__hash_double(0.5), 1152921504606846976LL);
    ck_assert_int_eq(gk__hash_double(INFINITY), 314159);
    ck_assert_int_eq(gk__hash_double(-INFINITY), -314159);
    gk_object *i = tu_int(1LL << 62), *f = gk__float_new(0x1p62);
    ck_assert_int_eq(gk__hash(i), gk__hash(f));
    gk__decref(i);
    gk__decref(f);
}
END_TEST

START_TEST(test_as_double)
{
    gk_object *i = tu_int(3);
    ck_assert(gk__as_double(i) == 3.0);
    ck_assert(gk__as_double(GK_TRUE) == 1.0);
    gk_object *big = tu_eval("2 ** 1024");
    ck_assert(gk__as_double(big) == -1.0);
    tu_raised(&gk__exc_OverflowError, NULL);
    gk_object *s = tu_str("1.0");
    gk__as_double(s);
    tu_raised(&gk__exc_TypeError, NULL);
    gk__decref(i); gk__decref(big); gk__decref(s);
}
END_TEST

START_TEST(test_divmod_signs)
{
    /* The remainder has the divisor's sign, zeros and infinities included. */
    static const double ns[] = { 7.5, -7.5, 0.0, -0.0 }, ds[] = { 2.0, -2.0, INFINITY, -INFINITY };
    static const char *const want[] = {   /* python3's divmod(n, d) */
        "(3.0, 1.5)", "(-4.0, -0.5)", "(0.0, 7.5)", "(-1.0, -inf)",
        "(-4.0, 0.5)", "(3.0, -1.5)", "(-1.0, inf)", "(0.0, -7.5)",
        "(0.0, 0.0)", "(-0.0, -0.0)", "(0.0, 0.0)", "(-0.0, -0.0)",
        "(-0.0, 0.0)", "(0.0, -0.0)", "(-0.0, 0.0)", "(0.0, -0.0)"
    };
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++) {
            gk_object *a = gk__float_new(ns[i]), *b = gk__float_new(ds[j]);
            gk_object *qr = gk__divmod(a, b);
            tu_repr_is(qr, want[i * 4 + j]);
            gk__decref(qr); gk__decref(a); gk__decref(b);
        }
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "0.1 + 0.2", "0.30000000000000004", NULL, NULL },
        { "1e16", "1e+16", NULL, NULL },
        { "1e22", "1e+22", NULL, NULL },
        { "1.5e-7", "1.5e-07", NULL, NULL },
        { "-0.0", "-0.0", NULL, NULL },
        { "0.0 == -0.0", "True", NULL, NULL },
        { "float('inf') - float('inf') == float('inf') - float('inf')", "False", NULL, NULL },
        { "float('-inf')", "-inf", NULL, NULL },
        { "float('  1_0.5  ')", "10.5", NULL, NULL },
        { "float('nan') != float('nan')", "True", NULL, NULL },
        { "float('1e500')", "inf", NULL, NULL },
        { "float('abc')", NULL, &gk__exc_ValueError, "could not convert string to float: 'abc'" },
        { "float('0x10')", NULL, &gk__exc_ValueError, "could not convert string to float: '0x10'" },
        { "-7.5 // 2", "-4.0", NULL, NULL },
        { "-7.5 % 2", "0.5", NULL, NULL },
        { "7.5 % -2", "-0.5", NULL, NULL },
        { "divmod(-7.5, 2)", "(-4.0, 0.5)", NULL, NULL },
        { "5.0 % float('inf')", "5.0", NULL, NULL },
        { "-5.0 % float('inf')", "inf", NULL, NULL },
        { "1.0 / 0", NULL, &gk__exc_ZeroDivisionError, "float division by zero" },
        { "1.0 // 0.0", NULL, &gk__exc_ZeroDivisionError, "float floor division by zero" },
        { "1.0 % 0.0", NULL, &gk__exc_ZeroDivisionError, "float modulo" },
        { "2.0 ** 0.5", "1.4142135623730951", NULL, NULL },
        { "(-2.0) ** 2", "4.0", NULL, NULL },
        { "0.0 ** -1", NULL, &gk__exc_ZeroDivisionError, "0.0 cannot be raised to a negative power" },
        { "10.0 ** 400", NULL, &gk__exc_OverflowError, "(34, 'Numerical result out of range')" },
        { "round(2.5)", "2", NULL, NULL },
        { "round(3.5)", "4", NULL, NULL },
        { "round(-0.5)", "0", NULL, NULL },
        { "round(2.675, 2)", "2.67", NULL, NULL },
        { "round(1234.5678, -2)", "1200.0", NULL, NULL },
        { "round(float('inf'))", NULL, &gk__exc_OverflowError, "cannot convert float infinity to integer" },
        { "int(-0.9)", "0", NULL, NULL },
        { "hash(0.5)", "1152921504606846976", NULL, NULL },
        { "hash(-0.0)", "0", NULL, NULL },
        { "hash(1e100) == hash(10**100)", "False", NULL, NULL },
        { "hash(float('inf'))", "314159", NULL, NULL },
        { "(0.1).as_integer_ratio()", "(3602879701896397, 36028797018963968)", NULL, NULL },
        { "(3.0).is_integer()", "True", NULL, NULL },
        { "float.fromhex('0x1.8p1')", "3.0", NULL, NULL },
        { "(1.5).hex()", "'0x1.8000000000000p+0'", NULL, NULL },
        { "1e300 * 1e10", "inf", NULL, NULL },
        { "str(1/3)", "'0.3333333333333333'", NULL, NULL },
        { "repr(100.0)", "'100.0'", NULL, NULL },
        { "123456789.0 * 10", "1234567890.0", NULL, NULL },
        { "1e-5", "1e-05", NULL, NULL },
        { "0.0001", "0.0001", NULL, NULL },
        { "abs(-3.5)", "3.5", NULL, NULL },
        { "max(1, 2.5)", "2.5", NULL, NULL },
        { "3 < 3.5 < 4", "True", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_float_suite(void)
{
    Suite *s = tu_suite("float");
    TU_ADD(s, "float", test_repr_buf, test_hash_double, test_as_double, test_divmod_signs, test_python_table);
    return s;
}
