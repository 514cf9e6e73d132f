/*
 * tests/unit/check_format.c - vm/objects/format.c: format() and the format-spec mini-language for ints, floats and strs, %-formatting, str.format and format_map, and f-strings, against python3 3.11.
 */
#include "check_util.h"

Suite *gk_format_suite(void);

START_TEST(test_format_entry_points)
{
    gk_object *v = tu_int(-1234567), *spec = tu_str(">+15,");
    gk_object *r = gk__format(v, spec);
    ck_assert_str_eq(gk__str_utf8(r), "     -1,234,567");
    gk__decref(r);
    r = gk__format_int(v, "x", 1);
    ck_assert_str_eq(gk__str_utf8(r), "-12d687");
    gk__decref(r);
    r = gk__format_float(2.5, "08.3f", 5);
    ck_assert_str_eq(gk__str_utf8(r), "0002.500");
    gk__decref(r);
    gk_object *s = tu_str("h\xc3\xa9");
    r = gk__format_str(s, "-^6", 3);           /* width counts characters */
    ck_assert_str_eq(gk__str_utf8(r), "--h\xc3\xa9--");
    gk__decref(r);
    ck_assert_ptr_null(gk__format_str(s, "d", 1));
    tu_raised(&gk__exc_ValueError, "Unknown format code 'd' for object of type 'str'");
    gk_object *fmt = tu_str("%s and %r");
    gk_object *args = tu_eval("('a', 'b')");
    r = gk__str_percent(fmt, args);
    ck_assert_str_eq(gk__str_utf8(r), "a and 'b'");
    gk__decref(r);
    gk_object *few = tu_eval("('a',)");
    ck_assert_ptr_null(gk__str_percent(fmt, few));
    tu_raised(&gk__exc_TypeError, "not enough arguments for format string");
    gk_object *objs[] = { v, spec, s, fmt, args, few };
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
        gk__decref(objs[i]);
}
END_TEST

START_TEST(test_format_map)
{
    gk_object *fmt = tu_str("{a}-{b!r:>4}");
    gk_object *m = tu_eval("{'a': 1, 'b': 'x'}");
    gk_object *r = gk__str_format_map(fmt, m);
    ck_assert_str_eq(gk__str_utf8(r), "1- 'x'");
    gk__decref(r);
    gk_object *f2 = tu_str("{c}");
    ck_assert_ptr_null(gk__str_format_map(f2, m));
    tu_raised(&gk__exc_KeyError, "'c'");
    gk__decref(fmt); gk__decref(m); gk__decref(f2);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "format(1234567.891, ',.2f')", "'1,234,567.89'", NULL, NULL },
        { "format(255, '#x')", "'0xff'", NULL, NULL },
        { "format(255, '08b')", "'11111111'", NULL, NULL },
        { "format(-42, '+d')", "'-42'", NULL, NULL },
        { "format(42, '^9')", "'   42    '", NULL, NULL },
        { "format('é', '*>5')", "'****é'", NULL, NULL },
        { "format(3.14159, '.3g')", "'3.14'", NULL, NULL },
        { "format(1e-10, 'g')", "'1e-10'", NULL, NULL },
        { "format(0.5, '%')", "'50.000000%'", NULL, NULL },
        { "format(1234, '_')", "'1_234'", NULL, NULL },
        { "format(2**70, ',')", "'1,180,591,620,717,411,303,424'", NULL, NULL },
        { "'{:>{w}}'.format('x', w=4)", "'   x'", NULL, NULL },
        { "'{0}{1}{0}'.format('a', 'b')", "'aba'", NULL, NULL },
        { "'{a[0]}-{b.real}'.format(a=[9], b=3)", "'9-3'", NULL, NULL },
        { "'{!r}'.format('x')", "\"'x'\"", NULL, NULL },
        { "'{:.2e}'.format(12345.678)", "'1.23e+04'", NULL, NULL },
        { "'{}'.format()", NULL, &gk__exc_IndexError, "Replacement index 0 out of range for positional args tuple" },
        { "'{0}'.format()", NULL, &gk__exc_IndexError, "Replacement index 0 out of range for positional args tuple" },
        { "'%5.1f|%-4d|%x|%r' % (3.14159, 7, 255, 'q')", "\"  3.1|7   |ff|'q'\"", NULL, NULL },
        { "'%s' % (1, 2)", NULL, &gk__exc_TypeError, "not all arguments converted during string formatting" },
        { "'%(a)s' % {'a': 1}", "'1'", NULL, NULL },
        { "'%c%c' % (65, 'b')", "'Ab'", NULL, NULL },
        { "'%05d' % -3", "'-0003'", NULL, NULL },
        { "'%e' % 0.0", "'0.000000e+00'", NULL, NULL },
        { "f'{3.0:.0f}|{-0.0}|{1e16:.0f}'", "'3|-0.0|10000000000000000'", NULL, NULL },
        { "f\"{'x'!r:>5}\"", "\"  'x'\"", NULL, NULL },
        { "format(float('nan'), '.2f')", "'nan'", NULL, NULL },
        { "format(-float('inf'), '')", "'-inf'", NULL, NULL },
        { "format(12.0, 'n')", "'12'", NULL, NULL },
        { "format(True, 'd')", "'1'", NULL, NULL },
        { "format(1.5, 'd')", NULL, &gk__exc_ValueError, "Unknown format code 'd' for object of type 'float'" },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_format_suite(void)
{
    Suite *s = tu_suite("format");
    TU_ADD(s, "format", test_format_entry_points, test_format_map, test_python_table);
    return s;
}
