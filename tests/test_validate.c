/* test_validate.c -- `slicesim validate`: every case the project holds runs
 * and stays within its tolerance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "tests/testutil.h"
#include "cli/validate.h"

static char out[32768], err[2048];

/* Every case runs; the only rows outside tolerance are the six Vidur
 * points at the roofline's ridge that docs/workloads.md lists. */
static void every_validation_case_runs_and_only_known_rows_miss(void)
{
    char *a[] = { "slicesim", "validate", NULL };
    int rc = tu_cli(a, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "\n%s\n", out);
    CU_ASSERT_EQUAL(rc, 0);
    for (const val_case *c = val_cases; c->name; c++)
        CU_ASSERT_PTR_NOT_NULL(strstr(out, c->name));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " 6 outside; "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ", 0 broken"));
    int fails = 0;
    for (const char *l = out; (l = strstr(l, "FAIL")) != NULL; l++) {
        const char *bol = l;
        while (bol > out && bol[-1] != '\n')
            bol--;
        CU_ASSERT_EQUAL(strncmp(bol, "vidur-operators", 15), 0);
        fails++;
    }
    CU_ASSERT_EQUAL(fails, 6);
    char *strict[] = { "slicesim", "validate", "--strict", "--case", "vidur-operators", NULL };
    CU_ASSERT_EQUAL(tu_cli(strict, out, sizeof out, err, sizeof err), 1);
    /* only the GPU-measured case may lack its data (none is recorded yet) */
    const char *skip = strstr(out, "skipped:");
    if (skip) {
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "contention-gpu     skipped:"));
        CU_ASSERT_PTR_NULL(strstr(skip + 1, "skipped:"));
    }
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

static int copy_file(const char *from, const char *to)
{
    char *text = tu_read_file(from, NULL);
    int rc = text ? tu_write_file(to, text) : -1;
    free(text);
    return rc;
}

/* A run kept under ROOT/calibration/measured/NAME/ is compared row by row. */
static void recorded_gpu_runs_are_held_to_their_tolerances(void)
{
    char root[64], path[256];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(root, sizeof root));
    snprintf(path, sizeof path, "%s/calibration", root);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/calibration/measured", root);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/calibration/measured/h100-test", root);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/calibration/measured/h100-test/profile.json", root);
    CU_ASSERT_EQUAL_FATAL(copy_file("tests/fixtures/profile_synthetic_h100.json", path), 0);
    snprintf(path, sizeof path, "%s/calibration/measured/h100-test/contention_gemm_2.json", root);
    CU_ASSERT_EQUAL_FATAL(copy_file("tests/fixtures/contention_synthetic_2.json", path), 0);
    char *a[] = { "slicesim", "validate", "--root", root, "--case", "contention-gpu", NULL };
    CU_ASSERT_EQUAL(tu_cli(a, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "h100-test 2 procs throughput /s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "h100-test 2 procs p95 latency ms"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "3 rows: 3 within tolerance"));
}

TU_SUITE_FN(validate)
{
    static const tu_test tests[] = {
        TU_TEST(every_validation_case_runs_and_only_known_rows_miss),
        TU_TEST(one_case_can_be_chosen),
        TU_TEST(unknown_case_is_bad_input),
        TU_TEST(cases_with_missing_data_are_skipped_not_failed),
        TU_TEST(recorded_gpu_runs_are_held_to_their_tolerances),
    };
    TU_SUITE("validate", tests);
}
