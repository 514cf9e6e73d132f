/*
 * tests/unit/check_main.c - runs the Check suites of the VM in fork mode
 * (one crash stays one failing test) with a timeout per test.
 */
#include <check.h>
#include <stdlib.h>
#include "check_suites.h"

Suite *gk_vm_suite(void);
Suite *gk_sdk_suite(void);
#define X(f) Suite *gk_##f##_suite(void);
TU_FILE_SUITES(X)
#undef X
void tu_summary(SRunner *sr);

int main(void)
{
    SRunner *sr = srunner_create(gk_vm_suite());
    srunner_add_suite(sr, gk_sdk_suite());
#define X(f) srunner_add_suite(sr, gk_##f##_suite());
    TU_FILE_SUITES(X)
#undef X
    srunner_run_all(sr, CK_NORMAL);
    tu_summary(sr);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
