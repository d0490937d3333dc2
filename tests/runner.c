/* runner.c -- runs every CUnit suite; each tests/test_NAME.c provides
 * NAME_suite(), listed in the generated suites.inc. Exit status 0 only when
 * every test passed. `slicesim-tests SUITE...` runs the named suites only. */
#include <string.h>
#include <CUnit/Basic.h>
#include "tests/testutil.h"

#define SUITE(name) void name##_suite(void);
#include "suites.inc"
#undef SUITE

static int wanted(int argc, char **argv, const char *name)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
#define SUITE(name) if (wanted(argc, argv, #name)) name##_suite();
#include "suites.inc"
#undef SUITE
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    tu_cleanup();
    return failed == 0 && run > 0 ? 0 : 1;
}
