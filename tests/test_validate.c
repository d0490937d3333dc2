/* test_validate.c -- `slicesim validate`: every case the project holds runs
 * and stays within its tolerance. */
#include <string.h>
#include "tests/testutil.h"
#include "cli/validate.h"

static char out[32768], err[2048];

static void every_validation_case_passes(void)
{
    char *a[] = { "slicesim", "validate", NULL };
    int rc = tu_cli(a, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "\n%s\n", out);
    CU_ASSERT_EQUAL(rc, 0);
    for (const val_case *c = val_cases; c->name; c++)
        CU_ASSERT_PTR_NOT_NULL(strstr(out, c->name));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " 0 outside; "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ", 0 broken"));
    /* only the GPU-measured case may lack its data (none is recorded yet) */
    const char *skip = strstr(out, "skipped:");
    if (skip) {
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "contention-gpu     skipped:"));
        CU_ASSERT_PTR_NULL(strstr(skip + 1, "skipped:"));
    }
    CU_ASSERT_PTR_NULL(strstr(out, "FAIL"));
}

static void one_case_can_be_chosen(void)
{
    char *a[] = { "slicesim", "validate", "--case", "queue-md1", NULL };
    CU_ASSERT_EQUAL(tu_cli(a, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "queue-md1"));
    CU_ASSERT_PTR_NULL(strstr(out, "queue-mm1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 rows: 1 within tolerance"));
}

static void unknown_case_is_bad_input(void)
{
    char *a[] = { "slicesim", "validate", "--case", "nope", NULL };
    CU_ASSERT_EQUAL(tu_cli(a, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"nope\" is not a validation case; allowed: queue-mm1"));
}

static void cases_with_missing_data_are_skipped_not_failed(void)
{
    char *a[] = { "slicesim", "validate", "--root", "/nonexistent", "--case", "vidur-operators", NULL };
    CU_ASSERT_EQUAL(tu_cli(a, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "skipped: /nonexistent/calibration/data/"));
}

TU_SUITE_FN(validate)
{
    static const tu_test tests[] = {
        TU_TEST(every_validation_case_passes),
        TU_TEST(one_case_can_be_chosen),
        TU_TEST(unknown_case_is_bad_input),
        TU_TEST(cases_with_missing_data_are_skipped_not_failed),
    };
    TU_SUITE("validate", tests);
}
