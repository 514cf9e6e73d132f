/*
 * tests/unit/check_misc.c - vm/objects/misc.c: the None, NotImplemented and Ellipsis singletons (static, never freed) and their reprs, truth and types.
 */
#include "check_util.h"

Suite *gk_misc_suite(void);

START_TEST(test_singletons)
{
    ck_assert_int_eq(gk__truthy(GK_NONE), 0);
    ck_assert_int_eq(gk__truthy(GK_ELLIPSIS), 1);
    intptr_t before = GK_NONE->refcnt;
    for (int i = 0; i < 1000; i++)
        gk__decref(gk__none_ref());
    ck_assert_int_eq(GK_NONE->refcnt, before);
    ck_assert_int_ge(GK_NONE->refcnt, GK_STATIC_REFCNT / 2);   /* never freed */
    gk_object *n = tu_eval("None");
    ck_assert_ptr_eq(n, GK_NONE);
    gk__decref(n);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "repr(None)", "'None'", NULL, NULL },
        { "bool(None)", "False", NULL, NULL },
        { "None == 0", "False", NULL, NULL },
        { "repr(NotImplemented)", "'NotImplemented'", NULL, NULL },
        { "repr(...)", "'Ellipsis'", NULL, NULL },
        { "... is Ellipsis", "True", NULL, NULL },
        { "hash(None) == hash(None)", "True", NULL, NULL },
        { "type(None)()", "None", NULL, NULL },
        { "type(NotImplemented)() is NotImplemented", "True", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_misc_suite(void)
{
    Suite *s = tu_suite("misc");
    TU_ADD(s, "misc", test_singletons, test_python_table);
    return s;
}
