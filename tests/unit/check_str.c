/*
 * tests/unit/check_str.c - vm/objects/str.c: UTF-8 storage with code-point
 * indexing and slicing, interning, validation of UTF-8 input, concatenation
 * and joining, the string builder, repr quoting, the codecs, and the str
 * methods.  Expected values come from python3 3.11.
 */
#include "check_util.h"

Suite *gk_str_suite(void);

START_TEST(test_utf8_lengths)
{
    gk_object *s = gk__str_from_cstr("a\xe2\x82\xac\xf0\x9f\x98\x80" "b");  /* a€😀b */
    ck_assert_uint_eq(gk__str_len(s), 4);
    ck_assert_uint_eq(gk__str_size(s), 9);
    /* s[2] through the item protocol is the 4-byte character */
    gk_object *i2 = tu_int(2), *c = gk__getitem(s, i2);
    ck_assert_str_eq(gk__str_utf8(c), "\xf0\x9f\x98\x80");
    ck_assert_uint_eq(gk__str_len(c), 1);
    gk__decref(c);
    /* s[-3:] */
    gk_object *m3 = tu_int(-3), *sl = gk__slice_new(m3, NULL, NULL);
    c = gk__getitem(s, sl);
    ck_assert_str_eq(gk__str_utf8(c), "\xe2\x82\xac\xf0\x9f\x98\x80" "b");
    ck_assert_uint_eq(gk__str_len(c), 3);
    gk__decref(c); gk__decref(sl); gk__decref(m3); gk__decref(i2); gk__decref(s);
    gk_object *cp = gk__str_from_codepoint(0x10FFFF);
    ck_assert_uint_eq(gk__str_size(cp), 4);
    ck_assert_uint_eq(gk__str_len(cp), 1);
    gk__decref(cp);
}
END_TEST

START_TEST(test_invalid_utf8_rejected)
{
    static const char *const bad[] = {
        "\xff", "\xc3", "\x80", "\xc0\xaf",          /* overlong '/' */
        "\xed\xa0\x80",                              /* a surrogate */
        "\xf4\x90\x80\x80",                          /* above U+10FFFF */
        "\xe2\x82",                                  /* truncated */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gk_object *s = gk__str_from_utf8(bad[i], strlen(bad[i]));
        ck_assert_msg(s == NULL, "invalid UTF-8 #%zu accepted", i);
        tu_raised(&gk__exc_UnicodeDecodeError, NULL);
    }
    gk_object *ok = gk__str_from_utf8("\xef\xbf\xbf", 3);
    ck_assert_ptr_nonnull(ok);
    gk__decref(ok);
}
END_TEST

START_TEST(test_intern_and_eq)
{
    gk_object *a = gk__str_intern("spam");
    ck_assert_ptr_eq(a, gk__str_intern("spam"));
    gk_object *b = gk__str_from_cstr("spam");
    ck_assert_ptr_ne(a, b);
    ck_assert(gk__str_eq(a, b));
    ck_assert(gk__str_eq_cstr(b, "spam"));
    ck_assert(!gk__str_eq_cstr(b, "spa"));
    ck_assert_int_eq(gk__hash(a), gk__hash(b));
    gk_object *c = gk__str_intern_obj(b);
    ck_assert_ptr_eq(c, a);
    gk__decref(c);
    gk__decref(b);
}
END_TEST

START_TEST(test_concat_join_builder)
{
    gk_object *a = tu_str("h\xc3\xa9"), *b = tu_str("llo");
    gk_object *c = gk__str_concat(a, b);
    ck_assert_str_eq(gk__str_utf8(c), "h\xc3\xa9llo");
    ck_assert_uint_eq(gk__str_len(c), 5);
    gk_object *sep = tu_str(", ");
    gk_object *l = gk__list_new(0);
    gk__list_append(l, a);
    gk__list_append(l, b);
    gk__list_append(l, c);
    gk_object *j = gk__str_join(sep, l);
    ck_assert_str_eq(gk__str_utf8(j), "h\xc3\xa9, llo, h\xc3\xa9llo");
    ck_assert_uint_eq(gk__str_len(j), 14);
    gk_object *one = tu_int(1);
    gk__list_append(l, one);
    ck_assert_ptr_null(gk__str_join(sep, l));
    tu_raised(&gk__exc_TypeError, "sequence item 3: expected str instance, int found");
    gk__strbuf sb;
    gk__strbuf_init(&sb);
    for (int i = 0; i < 1000; i++)
        gk__strbuf_printf(&sb, "%d,", i % 10);
    gk__strbuf_append_str(&sb, a);
    gk_object *built = gk__strbuf_finish(&sb);
    ck_assert_uint_eq(gk__str_size(built), 2003);
    ck_assert_uint_eq(gk__str_len(built), 2002);
    gk_object *objs[] = { a, b, c, sep, l, j, one, built };
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
        gk__decref(objs[i]);
}
END_TEST

START_TEST(test_repr_and_format)
{
    gk_object *s = tu_str("it's \"q\"\n");
    gk_object *r = gk__str_repr(s);
    ck_assert_str_eq(gk__str_utf8(r), "'it\\'s \"q\"\\n'");
    gk__decref(r);
    gk__decref(s);
    gk_object *v = tu_int(42);
    gk_object *f = gk__str_from_format("<%d %s %R %N>", 7, "x", v, v);
    ck_assert_str_eq(gk__str_utf8(f), "<7 x 42 int>");
    gk__decref(f);
    gk__decref(v);
}
END_TEST

START_TEST(test_codecs)
{
    gk_object *s = tu_str("caf\xc3\xa9");
    gk_object *b = gk__str_encode(s, "latin-1", NULL);
    ck_assert_uint_eq(gk__bytes_size(b), 4);
    ck_assert_int_eq(gk__bytes_data(b)[3], 0xe9);
    gk_object *back = gk__str_decode(gk__bytes_data(b), gk__bytes_size(b), "latin-1", NULL);
    ck_assert(gk__str_eq(back, s));
    ck_assert_ptr_null(gk__str_encode(s, "ascii", NULL));
    tu_raised(&gk__exc_UnicodeEncodeError, NULL);
    gk_object *bs = gk__str_encode(s, "ascii", "backslashreplace");
    ck_assert_uint_eq(gk__bytes_size(bs), 7);
    ck_assert(memcmp(gk__bytes_data(bs), "caf\\xe9", 7) == 0);
    gk_object *ig = gk__str_decode((const unsigned char *)"a\xff" "b", 3, NULL, "ignore");
    ck_assert_str_eq(gk__str_utf8(ig), "ab");
    gk_object *objs[] = { s, b, back, bs, ig };
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
        gk__decref(objs[i]);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "'héllo wörld'[1]", "'é'", NULL, NULL },
        { "'héllo wörld'[-4]", "'ö'", NULL, NULL },
        { "'héllo wörld'[7:]", "'örld'", NULL, NULL },
        { "'héllo wörld'[::-1]", "'dlröw olléh'", NULL, NULL },
        { "'héllo wörld'[1:9:3]", "'éoö'", NULL, NULL },
        { "'a€😀b'[2]", "'😀'", NULL, NULL },
        { "len('a€😀b')", "4", NULL, NULL },
        { "'a€😀b'[-2:]", "'😀b'", NULL, NULL },
        { "'a€😀b'[::2]", "'a😀'", NULL, NULL },
        { "'a€😀b'[10:]", "''", NULL, NULL },
        { "'abc'[3]", NULL, &gk__exc_IndexError, "string index out of range" },
        { "'abc'[-4]", NULL, &gk__exc_IndexError, "string index out of range" },
        { "'héllo'.find('l')", "2", NULL, NULL },
        { "'héllo'.rfind('l')", "3", NULL, NULL },
        { "'héllo'.index('o')", "4", NULL, NULL },
        { "'h€llo€'.count('€')", "2", NULL, NULL },
        { "'ßtraße'.upper()", "'SSTRASSE'", NULL, NULL },
        { "'ÉCOLE'.lower()", "'école'", NULL, NULL },
        { "'héllo'.replace('l', 'L', 1)", "'héLlo'", NULL, NULL },
        { "' a  b '.split()", "['a', 'b']", NULL, NULL },
        { "'a,b,,c'.split(',')", "['a', 'b', '', 'c']", NULL, NULL },
        { "'a,b,c'.rsplit(',', 1)", "['a,b', 'c']", NULL, NULL },
        { "'x'.join(['a', 'é', 'c'])", "'axéxc'", NULL, NULL },
        { "'-'.join([])", "''", NULL, NULL },
        { "'abc' * 3", "'abcabcabc'", NULL, NULL },
        { "'abc' * -1", "''", NULL, NULL },
        { "'é' < 'z'", "False", NULL, NULL },
        { "'z' < '€'", "True", NULL, NULL },
        { "'abc' < 'abd'", "True", NULL, NULL },
        { "'ab' < 'abc'", "True", NULL, NULL },
        { "'é'.encode()", "b'\\xc3\\xa9'", NULL, NULL },
        { "'é'.encode('latin-1')", "b'\\xe9'", NULL, NULL },
        { "'€'.encode('ascii', 'replace')", "b'?'", NULL, NULL },
        { "'€'.encode('ascii')", NULL, &gk__exc_UnicodeEncodeError, "'ascii' codec can't encode character '\\u20ac' in position 0: ordinal not in range(128)" },
        { "b'\\xc3\\xa9'.decode()", "'é'", NULL, NULL },
        { "b'\\xff'.decode()", NULL, &gk__exc_UnicodeDecodeError, "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte" },
        { "b'a\\xffb'.decode('utf-8', 'replace')", "'a�b'", NULL, NULL },
        { "repr(\"it's\")", "'\"it\\'s\"'", NULL, NULL },
        { "repr('a\"b\\'c')", "'\\'a\"b\\\\\\'c\\''", NULL, NULL },
        { "repr('\\n\\t\\x00\\x7f')", "\"'\\\\n\\\\t\\\\x00\\\\x7f'\"", NULL, NULL },
        { "repr('é€😀')", "\"'é€😀'\"", NULL, NULL },
        { "str(b'x')", "\"b'x'\"", NULL, NULL },
        { "'é'.isalpha()", "True", NULL, NULL },
        { "'abc'.startswith(('x', 'a'))", "True", NULL, NULL },
        { "'héllo'.center(9, '*')", "'**héllo**'", NULL, NULL },
        { "'%s=%d' % ('é', 3)", "'é=3'", NULL, NULL },
        { "ord('😀')", "128512", NULL, NULL },
        { "chr(0x20ac)", "'€'", NULL, NULL },
        { "chr(0x110000)", NULL, &gk__exc_ValueError, "chr() arg not in range(0x110000)" },
        { "'é' in 'café'", "True", NULL, NULL },
        { "'fé' in 'café'", "True", NULL, NULL },
        { "'a\\u0301'", "'á'", NULL, NULL },
        { "'Hello World'.swapcase()", "'hELLO wORLD'", NULL, NULL },
        { "'hello world'.title()", "'Hello World'", NULL, NULL },
        { "'  x  '.strip()", "'x'", NULL, NULL },
        { "'xxhixx'.strip('x')", "'hi'", NULL, NULL },
        { "'a\\tb'.expandtabs(4)", "'a   b'", NULL, NULL },
        { "'AbC'.casefold()", "'abc'", NULL, NULL },
        { "'tschüß'.casefold()", "'tschüss'", NULL, NULL },
        { "str(123)", "'123'", NULL, NULL },
        { "'abc'.partition('b')", "('a', 'b', 'c')", NULL, NULL },
        { "'12'.zfill(5)", "'00012'", NULL, NULL },
        { "'-12'.zfill(5)", "'-0012'", NULL, NULL },
        { "'abc'[1:1]", "''", NULL, NULL },
        { "'abc'[::0]", NULL, &gk__exc_ValueError, "slice step cannot be zero" },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_str_suite(void)
{
    Suite *s = tu_suite("str");
    TU_ADD(s, "str", test_utf8_lengths, test_invalid_utf8_rejected, test_intern_and_eq,
           test_concat_join_builder, test_repr_and_format, test_codecs, test_python_table);
    return s;
}
