/* test_throughput.c -- the throughput probe's runs against the model
 * (cli/throughput.c), on the synthetic fixtures of tests/fixtures/throughput
 * (written from known parameters: an H100 datasheet profile, a 1.024 ms
 * slice and the switch cost from its parts). */
#include <math.h>
#include <string.h>
#include "tests/testutil.h"
#include "calibration/throughput.h"
#include "models/ctxsw.h"

#define PROFILE "calibration/profiles/h100-sxm.json"
#define DIR "tests/fixtures/throughput"

static const tput_row *row(const tput_row *r, int n, const char *file)
{
    for (int i = 0; i < n; i++)
        if (strcmp(r[i].file, file) == 0)
            return &r[i];
    return NULL;
}

/* Four busy GPU-bound processes at a q / (q + c) share of one alone: the
 * implied switch cost is the fixture's, the H100's from its parts (72 us),
 * and the model, run on the datasheet profile (whose switch cost is then
 * the parts'), predicts the total within sampling of the window. */
static void time_sliced_runs_give_back_their_switch_cost(void)
{
    static tput_row r[16];
    char err[512];
    int n = tput_dir(DIR, PROFILE, r, 16, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(n, 5);
    const tput_row *sl = row(r, n, "throughput_gemm_ts_4.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sl);
    double c = ctxsw_cost_us(gpu_spec_find("h100-sxm"), TS_PREEMPT_INSTRUCTION, 0);
    ASSERT_REL(sl->implied_switch_us, c, 1e-9);
    ASSERT_REL(sl->alone_per_s, 1 / 0.006, 1e-12);
    ASSERT_REL(sl->measured_per_s, 1 / 0.006 * 1024 / (1024 + c), 1e-9);
    ASSERT_REL(sl->predicted_per_s, sl->measured_per_s, 0.01);
    CU_ASSERT(isnan(row(r, n, "throughput_gemm_1.json")->implied_switch_us));
}

/* An MPS pair of fma kernels 33 and 132 SMs wide on 132 SMs, 2 ms each
 * alone: the narrow one keeps its 25% at full speed, the wide one gets the
 * other 75%: 500 + 375 = 875 bursts/s. */
static void an_mps_pair_of_narrow_and_wide_kernels_shares_the_sms(void)
{
    static tput_row r[16];
    char err[512];
    int n = tput_dir(DIR, PROFILE, r, 16, err, sizeof err);
    const tput_row *m = row(r, n, "throughput_fma_mps_pair.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ASSERT_REL(m->predicted_per_s, 875, 0.01);
    ASSERT_REL(m->measured_per_s, 860, 1e-12);
}

static void a_file_that_is_not_a_run_is_refused(void)
{
    static tput_row r[4];
    char dir[128], path[256], err[512];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/throughput_x.json", dir);
    tu_write_file(path, "{\"format\": \"slicesim-contention/1\"}");
    CU_ASSERT_EQUAL(tput_dir(dir, PROFILE, r, 4, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a throughput run"));
    CU_ASSERT(isnan(tput_switch_us(1.024, 100, 100)));
}

TU_SUITE_FN(throughput)
{
    static const tu_test tests[] = {
        TU_TEST(time_sliced_runs_give_back_their_switch_cost),
        TU_TEST(an_mps_pair_of_narrow_and_wide_kernels_shares_the_sms),
        TU_TEST(a_file_that_is_not_a_run_is_refused),
    };
    TU_SUITE("throughput", tests);
}
