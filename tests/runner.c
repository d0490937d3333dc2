/* runner.c -- runs every CUnit suite; each tests/test_NAME.c provides
 * NAME_suite(), listed in the generated suites.inc. Exit status 0 only when
 * every test passed. `slicesim-tests SUITE...` runs the named suites only;
 * a name that is no suite is an error (exit 2, the list of suites on stderr). */
#include <stdio.h>
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

static const char *const SUITES[] = {
#define SUITE(name) #name,
#include "suites.inc"
#undef SUITE
};

/* 1 when every argument names a suite; otherwise say which and list them. */
static int known_suites(int argc, char **argv)
{
    int ok = 1;
    size_t n = sizeof SUITES / sizeof SUITES[0];
    for (int i = 1; i < argc; i++) {
        size_t k = 0;
        while (k < n && strcmp(argv[i], SUITES[k]) != 0)
            k++;
        if (k == n) {
            fprintf(stderr, "slicesim-tests: no suite named '%s'\n", argv[i]);
            ok = 0;
        }
    }
    if (!ok) {
        fprintf(stderr, "suites:");
        for (size_t k = 0; k < n; k++)
            fprintf(stderr, " %s", SUITES[k]);
        fprintf(stderr, "\n");
    }
    return ok;
}

int main(int argc, char **argv)
{
    if (!known_suites(argc, argv))
        return 2;
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
