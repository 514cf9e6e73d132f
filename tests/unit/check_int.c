/*
 * tests/unit/check_int.c - vm/objects/int.c: the small/big boundary at
 * int64 (results promote and demote), floor division and modulo signs,
 * shifts, bitwise operations on negative big ints, pow with a modulus,
 * conversion to and from strings and floats, and hashing (equal to
 * python3's).  Expected values come from python3 3.11.
 */
#include <math.h>
#include "check_util.h"

Suite *gk_int_suite(void);

START_TEST(test_small_big_boundary)
{
    gk_object *max = tu_int(INT64_MAX), *min = tu_int(INT64_MIN), *one = tu_int(1), *m1 = tu_int(-1);
    ck_assert(gk__int_is_small(max) && gk__int_is_small(min));
    gk_object *up = gk__binop(max, one, GK_BINOP_ADD);
    ck_assert(!gk__int_is_small(up));
    gk__int_as_i64(up);
    tu_raised(&gk__exc_OverflowError, NULL);
    gk_object *down = gk__binop(up, one, GK_BINOP_SUB);
    ck_assert(gk__int_is_small(down));                  /* demoted again */
    ck_assert_int_eq(gk__int_small_value(down), INT64_MAX);
    gk_object *neg = gk__neg(min);
    tu_repr_is(neg, "9223372036854775808");
    gk_object *q = gk__binop(min, m1, GK_BINOP_FLOORDIV);
    tu_repr_is(q, "9223372036854775808");
    gk_object *r = gk__binop(min, m1, GK_BINOP_MOD);
    tu_repr_is(r, "0");
    gk_object *p = gk__binop(min, m1, GK_BINOP_MUL);
    ck_assert_int_eq(gk__richcompare_bool(p, neg, GK_EQ), 1);
    ck_assert_int_eq(gk__hash(p), gk__hash(neg));
    ck_assert_int_eq(gk__int_sign(min), -1);
    ck_assert_int_eq(gk__int_sign(up), 1);
    gk_object *u = gk__int_from_u64(UINT64_MAX);
    tu_repr_is(u, "18446744073709551615");
    gk_object *objs[] = { max, min, one, m1, up, down, neg, q, r, p, u };
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
        gk__decref(objs[i]);
}
END_TEST

START_TEST(test_divmod_signs)
{
    /* The remainder takes the divisor's sign, for every size combination. */
    const int64_t ns[] = { 7, -7, INT64_MAX, INT64_MIN + 1 };
    const int64_t ds[] = { 2, -2, 3, -3 };
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++) {
            gk_object *a = tu_int(ns[i]), *b = tu_int(ds[j]);
            gk_object *qr = gk__int_divmod(a, b);
            ck_assert_ptr_nonnull(qr);
            int64_t qv = gk__int_as_i64(GK_TUPLE_GET(qr, 0)), rv = gk__int_as_i64(GK_TUPLE_GET(qr, 1));
            ck_assert(rv == 0 || (rv < 0) == (ds[j] < 0));
            ck_assert(rv > -3 && rv < 3);
            /* q * d + r == n, computed without overflow through the VM */
            gk_object *prod = gk__binop(GK_TUPLE_GET(qr, 0), b, GK_BINOP_MUL);
            gk_object *sum = gk__binop(prod, GK_TUPLE_GET(qr, 1), GK_BINOP_ADD);
            ck_assert_int_eq(gk__richcompare_bool(sum, a, GK_EQ), 1);
            (void)qv;
            gk__decref(prod); gk__decref(sum); gk__decref(qr); gk__decref(a); gk__decref(b);
        }
    gk_object *a = tu_int(1), *z = tu_int(0);
    ck_assert_ptr_null(gk__int_divmod(a, z));
    tu_raised(&gk__exc_ZeroDivisionError, NULL);
    gk__decref(a); gk__decref(z);
}
END_TEST

START_TEST(test_strings)
{
    gk_object *v = gk__int_from_string("-0x_7f", 6, 0);
    ck_assert_int_eq(gk__int_as_i64(v), -127);
    gk_object *s = gk__int_to_base(v, 2, true);
    ck_assert_str_eq(gk__str_utf8(s), "-0b1111111");
    gk__decref(s);
    s = gk__int_to_base(v, 16, false);
    ck_assert_str_eq(gk__str_utf8(s), "-7f");
    gk__decref(s);
    gk__decref(v);
    const char *big = "123456789012345678901234567890";
    v = gk__int_from_string(big, strlen(big), 10);
    ck_assert(!gk__int_is_small(v));
    s = gk__str(v);
    ck_assert_str_eq(gk__str_utf8(s), big);
    gk__decref(s);
    gk__decref(v);
    ck_assert_ptr_null(gk__int_from_string("1 2", 3, 10));
    tu_raised(&gk__exc_ValueError, "invalid literal for int() with base 10: '1 2'");
    v = gk__int_from_string("zz", 2, 36);
    ck_assert_int_eq(gk__int_as_i64(v), 35 * 36 + 35);
    gk__decref(v);
}
END_TEST

START_TEST(test_floats)
{
    gk_object *v = gk__int_from_double(-1e19);
    tu_repr_is(v, "-10000000000000000000");
    ck_assert(gk__int_as_double(v) == -1e19);
    gk__decref(v);
    ck_assert_ptr_null(gk__int_from_double(INFINITY));
    tu_raised(&gk__exc_OverflowError, NULL);
    ck_assert_ptr_null(gk__int_from_double(NAN));
    tu_raised(&gk__exc_ValueError, NULL);
}
END_TEST

START_TEST(test_hash_matches_float)
{
    const double ds[] = { 0.0, 1.0, -1.0, 1e18, -1e18, 9007199254740993.0, 1e300, 2305843009213693951.0 };
    for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        gk_object *n = gk__int_from_double(ds[i]), *f = gk__float_new(ds[i]);
        ck_assert_msg(gk__hash(n) == gk__hash(f), "hash(%g) differs for int and float", ds[i]);
        ck_assert_int_eq(gk__richcompare_bool(n, f, GK_EQ), 1);
        gk__decref(n);
        gk__decref(f);
    }
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "-7 // 2", "-4", NULL, NULL },
        { "-7 % 2", "1", NULL, NULL },
        { "7 // -2", "-4", NULL, NULL },
        { "7 % -2", "-1", NULL, NULL },
        { "-7 // -2", "3", NULL, NULL },
        { "-7 % -2", "-1", NULL, NULL },
        { "(-9223372036854775807 - 1) // -1", "9223372036854775808", NULL, NULL },
        { "(-9223372036854775807 - 1) % -1", "0", NULL, NULL },
        { "-(-9223372036854775807 - 1)", "9223372036854775808", NULL, NULL },
        { "abs(-9223372036854775807 - 1)", "9223372036854775808", NULL, NULL },
        { "(-9223372036854775807 - 1) * -1", "9223372036854775808", NULL, NULL },
        { "9223372036854775807 + 1", "9223372036854775808", NULL, NULL },
        { "-9223372036854775807 - 2", "-9223372036854775809", NULL, NULL },
        { "3037000500 * 3037000500", "9223372037000250000", NULL, NULL },
        { "-(2**70) // 3", "-393530540239137101142", NULL, NULL },
        { "-(2**70) % 3", "2", NULL, NULL },
        { "2**70 % -3", "-2", NULL, NULL },
        { "divmod(-2**64, 7)", "(-2635249153387078803, 5)", NULL, NULL },
        { "divmod(7, -2**64)", "(-1, -18446744073709551609)", NULL, NULL },
        { "1 // 0", NULL, &gk__exc_ZeroDivisionError, "integer division or modulo by zero" },
        { "1 % 0", NULL, &gk__exc_ZeroDivisionError, "integer modulo by zero" },
        { "divmod(1, 0)", NULL, &gk__exc_ZeroDivisionError, "integer division or modulo by zero" },
        { "2 ** -1", "0.5", NULL, NULL },
        { "2 ** 100", "1267650600228229401496703205376", NULL, NULL },
        { "(-2) ** 63", "-9223372036854775808", NULL, NULL },
        { "(-2) ** 64", "18446744073709551616", NULL, NULL },
        { "pow(3, -1, 7)", "5", NULL, NULL },
        { "pow(2, -1, 4)", NULL, &gk__exc_ValueError, "base is not invertible for the given modulus" },
        { "pow(2, 100, 10**9 + 7)", "976371285", NULL, NULL },
        { "pow(2, 3, 0)", NULL, &gk__exc_ValueError, "pow() 3rd argument cannot be 0" },
        { "1 << 64", "18446744073709551616", NULL, NULL },
        { "-1 >> 100", "-1", NULL, NULL },
        { "(2**100) >> 98", "4", NULL, NULL },
        { "-(2**100) >> 99", "-2", NULL, NULL },
        { "1 << -1", NULL, &gk__exc_ValueError, "negative shift count" },
        { "-(2**70) & 0xff", "0", NULL, NULL },
        { "~(2**64)", "-18446744073709551617", NULL, NULL },
        { "(2**64) ^ -1", "-18446744073709551617", NULL, NULL },
        { "(2**64 - 1) | (2**64)", "36893488147419103231", NULL, NULL },
        { "int('  -0x_ff  ', 0)", "-255", NULL, NULL },
        { "int('1_000_000')", "1000000", NULL, NULL },
        { "int('z', 36)", "35", NULL, NULL },
        { "int('0b101', 0)", "5", NULL, NULL },
        { "int('12a')", NULL, &gk__exc_ValueError, "invalid literal for int() with base 10: '12a'" },
        { "int('1__0')", NULL, &gk__exc_ValueError, "invalid literal for int() with base 10: '1__0'" },
        { "int('', 10)", NULL, &gk__exc_ValueError, "invalid literal for int() with base 10: ''" },
        { "int('09', 0)", NULL, &gk__exc_ValueError, "invalid literal for int() with base 0: '09'" },
        { "int('0', 0)", "0", NULL, NULL },
        { "int('9' * 30)", "999999999999999999999999999999", NULL, NULL },
        { "int(-3.9)", "-3", NULL, NULL },
        { "int(1e20)", "100000000000000000000", NULL, NULL },
        { "int(float('inf'))", NULL, &gk__exc_OverflowError, "cannot convert float infinity to integer" },
        { "int(float('nan'))", NULL, &gk__exc_ValueError, "cannot convert float NaN to integer" },
        { "hex(-255)", "'-0xff'", NULL, NULL },
        { "oct(8)", "'0o10'", NULL, NULL },
        { "bin(-5)", "'-0b101'", NULL, NULL },
        { "hex(2**64)", "'0x10000000000000000'", NULL, NULL },
        { "str(-(2**80))", "'-1208925819614629174706176'", NULL, NULL },
        { "hash(-1)", "-2", NULL, NULL },
        { "hash(-2)", "-2", NULL, NULL },
        { "hash(2**61 - 1)", "0", NULL, NULL },
        { "hash(2**61)", "1", NULL, NULL },
        { "hash(-(2**61))", "-2", NULL, NULL },
        { "hash(2**64 + 5)", "13", NULL, NULL },
        { "hash(-(2**64 + 5))", "-13", NULL, NULL },
        { "True + True", "2", NULL, NULL },
        { "True * 1.5", "1.5", NULL, NULL },
        { "-True", "-1", NULL, NULL },
        { "(2**63) == 9223372036854775808.0", "True", NULL, NULL },
        { "(2**53 + 1) == float(2**53 + 1)", "False", NULL, NULL },
        { "(2**53 + 1) < float(2**53 + 2)", "True", NULL, NULL },
        { "10**400 > 1e308", "True", NULL, NULL },
        { "float(2**1024)", NULL, &gk__exc_OverflowError, "int too large to convert to float" },
        { "1 / 3", "0.3333333333333333", NULL, NULL },
        { "(2**70) / (2**68)", "4.0", NULL, NULL },
        { "10**30 / 10**10", "1e+20", NULL, NULL },
        { "int.from_bytes(b'\\x01\\x00', 'big')", "256", NULL, NULL },
        { "(255).to_bytes(2, 'little')", "b'\\xff\\x00'", NULL, NULL },
        { "(-1).bit_length()", "1", NULL, NULL },
        { "(2**70).bit_length()", "71", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_int_suite(void)
{
    Suite *s = tu_suite("int");
    TU_ADD(s, "int", test_small_big_boundary, test_divmod_signs, test_strings, test_floats,
           test_hash_matches_float, test_python_table);
    return s;
}
