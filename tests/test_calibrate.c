/* test_calibrate.c -- the `slicesim calibrate` command: fit, run (which needs
 * a GPU and the CUDA programs) and predict against a contention run. The
 * contention fixture is synthetic: an independent event simulation of native
 * time-slicing (tests/fixtures/make_synthetic_contention.py). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/testutil.h"

static char out[16384], err[4096];

static int cli(char **argv)
{
    return tu_cli(argv, out, sizeof out, err, sizeof err);
}

static void unknown_or_missing_subcommand_is_bad_input(void)
{
    char *a[] = { "slicesim", "calibrate", NULL };
    CU_ASSERT_EQUAL(cli(a), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing subcommand"));
    char *b[] = { "slicesim", "calibrate", "measure", NULL };
    CU_ASSERT_EQUAL(cli(b), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown subcommand \"measure\"; allowed: run, fit, predict, throughput, import-nccl-tests"));
    /* the importer is reached through calibrate too; a missing log is bad input */
    char *c[] = { "slicesim", "calibrate", "import-nccl-tests", "/nonexistent/log.txt", NULL };
    CU_ASSERT_EQUAL(cli(c), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/log.txt"));
}

/* An H100 file fitted as an A100 would give efficiencies above what the
 * profile loader allows: refused, nothing written. */
static void fit_refuses_a_profile_the_loader_would_refuse(void)
{
    char dir[64], path[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/profile.json", dir);
    char *a[] = { "slicesim", "calibrate", "fit", "tests/fixtures/raw_synthetic_h100.json", "--gpu",
                  "a100-sxm-40gb", "-o", path, NULL };
    CU_ASSERT_EQUAL(cli(a), 2);
    if (!strstr(err, "out of range"))
        fprintf(stderr, "\n    %s", err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "the profile fitted from tests/fixtures/raw_synthetic_h100.json"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "eta"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "out of range"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "nothing written"));
    CU_ASSERT_PTR_NULL(tu_read_file(path, NULL));
    char *b[] = { "slicesim", "calibrate", "fit", "tests/fixtures/raw_synthetic_h100.json", "--gpu",
                  "a100-sxm-40gb", NULL };
    CU_ASSERT_EQUAL(cli(b), 2);
    CU_ASSERT_PTR_NULL(strstr(out, "slicesim-profile/1"));
}

static void fit_writes_a_profile_that_scenarios_can_load(void)
{
    char dir[64], path[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/sub/profile.json", dir);
    char *a[] = { "slicesim", "calibrate", "fit", "tests/fixtures/raw_synthetic_h100.json", "-o", path, NULL };
    CU_ASSERT_EQUAL_FATAL(cli(a), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "gemm bf16  eta 0.699"));
    char *got = tu_read_file(path, NULL), *want = tu_read_file("tests/fixtures/profile_synthetic_h100.json", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
    free(want);
    char *b[] = { "slicesim", "calibrate", "fit", "tests/fixtures/raw_synthetic_h100.json", NULL };
    CU_ASSERT_EQUAL(cli(b), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"format\":\t\"slicesim-profile/1\""));
}

static void fit_of_a_broken_file_is_bad_input(void)
{
    char dir[64], path[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/raw.json", dir);
    tu_write_file(path, "{\"format\": \"slicesim-calib-raw/1\",\n\"device\": [}");
    char *a[] = { "slicesim", "calibrate", "fit", path, NULL };
    CU_ASSERT_EQUAL(cli(a), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 2: malformed JSON"));
    char *b[] = { "slicesim", "calibrate", "fit", "/nonexistent/raw.json", NULL };
    CU_ASSERT_EQUAL(cli(b), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/raw.json: cannot open"));
}

static void run_without_the_cuda_programs_says_how_to_build_them(void)
{
    char *a[] = { "slicesim", "calibrate", "run", "--bin", "/nonexistent/microbench", NULL };
    CU_ASSERT_EQUAL(cli(a), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "make calib"));
}

static void run_without_a_gpu_stops_with_a_clear_message(void)
{
    if (access("/dev/nvidiactl", F_OK) == 0)
        return;                          /* a GPU is here: covered by calibration/loop.sh */
    char dir[64];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    char *a[] = { "slicesim", "calibrate", "run", "--bin", "/bin/true", "-o", dir, NULL };
    CU_ASSERT_EQUAL(cli(a), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no NVIDIA GPU"));
}

/* Read "procs,metric,predicted,measured,rel_error" rows. */
static double rel_error(const char *csv, const char *metric)
{
    const char *at = strstr(csv, metric);
    double p, m, e;
    if (!at || sscanf(at + strlen(metric), ",%lf,%lf,%lf", &p, &m, &e) != 3)
        return NAN;
    return e;
}

/* The simulator against an independent simulation of the same time-slicing
 * semantics, on the fitted synthetic profile (slice 1.6 ms, switch 38 us):
 * 2 processes at 60% load, 38 s measured. The tolerances are twice the
 * sampling error of one 38 s path (throughput 1.7%, Poisson counts; mean 2%
 * and p95 4% across generator seeds) against 40 replications. */
static void predict_agrees_with_an_independent_time_slice_simulation(void)
{
    char dir[64], path[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    char *a[] = { "slicesim", "calibrate", "predict", "tests/fixtures/contention_synthetic_2.json",
                  "tests/fixtures/profile_synthetic_h100.json", "-o", dir, "--reps", "40", NULL };
    int rc = cli(a);
    if (rc != 0)
        fprintf(stderr, "\n    %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    snprintf(path, sizeof path, "%s/comparison.csv", dir);
    char *csv = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    CU_ASSERT(fabs(rel_error(csv, "burst_alone_ms")) < 0.005);
    CU_ASSERT(fabs(rel_error(csv, "throughput_per_s")) < 0.035);
    CU_ASSERT(fabs(rel_error(csv, "latency_mean_ms")) < 0.04);
    CU_ASSERT(fabs(rel_error(csv, "latency_p95_ms")) < 0.08);
    free(csv);
    snprintf(path, sizeof path, "%s/scenario.json", dir);
    char *scen = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(scen);
    CU_ASSERT_PTR_NOT_NULL(strstr(scen, "profile_synthetic_h100.json"));
    /* written relative to the scenario's own folder, so it runs from anywhere */
    CU_ASSERT_PTR_NULL(strstr(scen, "\"/"));
    CU_ASSERT_PTR_NOT_NULL(strstr(scen, "\"../"));
    free(scen);
    char *again[] = { "slicesim", "run", path, "--reps", "1", NULL };
    CU_ASSERT_EQUAL(cli(again), 0);
}

/* Copy-kernel bursts are memory bound: the burst is costed by bytes alone. */
static void predict_handles_copy_bursts(void)
{
    char *a[] = { "slicesim", "calibrate", "predict", "tests/fixtures/contention_synthetic_copy_4.json",
                  "tests/fixtures/profile_synthetic_h100.json", "--reps", "2", NULL };
    CU_ASSERT_EQUAL_FATAL(cli(a), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "4 processes"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "4 copy kernels over 1.074e+09 bytes per burst"));
    /* 4 x (2 GiB / (3.35 TB/s x eta_m) + launch) with the fixture's fitted eta_m and launch */
    double burst_ms = 4 * (2.0 * 1073741824 / (3.35e12 * 0.84766710360518371) * 1e3 + 2.2069e-3);
    char want[64];
    snprintf(want, sizeof want, "%-22s %12.4f", "burst_alone_ms", burst_ms);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
    if (!strstr(out, want))
        fprintf(stderr, "\n    want \"%s\" in:\n%s\n", want, out);
}

static void predict_rejects_a_broken_contention_file(void)
{
    char dir[64], path[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/c.json", dir);
    tu_write_file(path, "{\"format\": \"slicesim-contention/1\", \"procs\": 2, \"duration_s\": 10,"
                  " \"rate_per_s\": 5, \"burst\": {\"prec\": \"bf16\", \"m\": 8, \"n\": 8, \"k\": 8},"
                  " \"requests\": [[0, 1e9, 2e9], [3, 1e9, 2e9]]}");
    char *a[] = { "slicesim", "calibrate", "predict", path, "tests/fixtures/profile_synthetic_h100.json", NULL };
    CU_ASSERT_EQUAL(cli(a), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "requests.1: value"));
    char *b[] = { "slicesim", "calibrate", "predict", path, NULL };
    CU_ASSERT_EQUAL(cli(b), 2);
}

TU_SUITE_FN(calibrate)
{
    static const tu_test tests[] = {
        TU_TEST(unknown_or_missing_subcommand_is_bad_input),
        TU_TEST(fit_writes_a_profile_that_scenarios_can_load),
        TU_TEST(fit_refuses_a_profile_the_loader_would_refuse),
        TU_TEST(fit_of_a_broken_file_is_bad_input),
        TU_TEST(run_without_the_cuda_programs_says_how_to_build_them),
        TU_TEST(run_without_a_gpu_stops_with_a_clear_message),
        TU_TEST(predict_agrees_with_an_independent_time_slice_simulation),
        TU_TEST(predict_handles_copy_bursts),
        TU_TEST(predict_rejects_a_broken_contention_file),
    };
    TU_SUITE("calibrate", tests);
}
