/* test_fit.c -- fitting raw microbenchmark output into a profile. The raw
 * fixture is synthetic (tests/fixtures/make_synthetic_raw.py), generated from
 * known parameters with 1-2% noise, so the fit must recover them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "calibration/fit.h"
#include "scenarios/profile.h"

#define RAW "tests/fixtures/raw_synthetic_h100.json"

static void weighted_line_fit_recovers_an_exact_line(void)
{
    double x[] = { 1, 10, 100, 1000 }, y[4];
    for (int i = 0; i < 4; i++)
        y[i] = 3 + 2 * x[i];
    fit_line f;
    CU_ASSERT_EQUAL_FATAL(fit_line_rel(x, y, 4, &f), 0);
    ASSERT_REL(f.c0, 3, 1e-9);
    ASSERT_REL(f.c1, 2, 1e-12);
    CU_ASSERT(f.rms_rel < 1e-12);
    CU_ASSERT_EQUAL(f.n, 4);
}

static void line_fit_refuses_points_that_fix_no_line(void)
{
    double x[] = { 5, 5, 5 }, y[] = { 1, 2, 3 }, yneg[] = { 1, -1, 2 }, x2[] = { 1, 2, 3 };
    fit_line f;
    CU_ASSERT_EQUAL(fit_line_rel(x, y, 1, &f), -1);
    CU_ASSERT_EQUAL(fit_line_rel(x, y, 3, &f), -1);
    CU_ASSERT_EQUAL(fit_line_rel(x2, yneg, 3, &f), -1);
}

/* Two processes alternate: 1 ms runs separated by 40 us switches. The first
 * and last interval of each process are cut by the probe and left out. */
static void alternating_intervals_give_slice_and_switch(void)
{
    enum { N = 20 };
    int proc[N];
    double st[N], en[N], t = 0;
    for (int i = 0; i < N; i++) {
        double len = i == 0 ? 0.3e6 : i == N - 1 ? 0.1e6 : 1e6;
        proc[i] = i % 2;
        st[i] = t;
        en[i] = t + len;
        t += len + 40e3;
    }
    fit_slices s;
    CU_ASSERT_EQUAL_FATAL(fit_timeslice(proc, st, en, N, &s), 0);
    ASSERT_REL(s.slice_ms, 1.0, 1e-12);
    ASSERT_REL(s.switch_us, 40.0, 1e-9);
    CU_ASSERT_EQUAL(s.slices, N - 4);
    CU_ASSERT_EQUAL(s.switches, N - 3);   /* the pairs of two cut intervals are left out */
    int one[2] = { 0, 0 };
    double a[2] = { 0, 10 }, b[2] = { 5, 15 };
    CU_ASSERT_EQUAL(fit_timeslice(one, a, b, 2, &s), -1);   /* one process: no switch */
}

static void preset_names_follow_cuda_device_names(void)
{
    CU_ASSERT_STRING_EQUAL(fit_preset_for_device("NVIDIA H100 80GB HBM3"), "h100-sxm");
    CU_ASSERT_STRING_EQUAL(fit_preset_for_device("NVIDIA H100 PCIe"), "h100-pcie");
    CU_ASSERT_STRING_EQUAL(fit_preset_for_device("NVIDIA H200"), "h200");
    CU_ASSERT_STRING_EQUAL(fit_preset_for_device("NVIDIA A100-SXM4-80GB"), "a100-sxm-80gb");
    CU_ASSERT_STRING_EQUAL(fit_preset_for_device("NVIDIA A100-SXM4-40GB"), "a100-sxm-40gb");
    CU_ASSERT_STRING_EQUAL(fit_preset_for_device("NVIDIA L40S"), "l40s");
    CU_ASSERT_STRING_EQUAL(fit_preset_for_device("NVIDIA A30"), "a30");
    CU_ASSERT_PTR_NULL(fit_preset_for_device("NVIDIA GeForce RTX 4090"));
}

static cJSON *fit_fixture(const char *gpu)
{
    char err[1024];
    cJSON *raw, *p = NULL;
    CU_ASSERT_EQUAL_FATAL(prof_read_json(RAW, &raw, err, sizeof err), 0);
    int rc = fit_profile(raw, RAW, gpu, &p, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "\n    %s\n", err);
    CU_ASSERT_EQUAL(rc, 0);
    cJSON_Delete(raw);
    return p;
}

static double at(const cJSON *o, const char *a, const char *b, const char *c)
{
    o = cJSON_GetObjectItem(o, a);
    if (b)
        o = cJSON_GetObjectItem(o, b);
    if (c)
        o = cJSON_GetObjectItem(o, c);
    return cJSON_IsNumber(o) ? o->valuedouble : NAN;
}

static void fit_of_the_synthetic_fixture_recovers_its_truth(void)
{
    cJSON *p = fit_fixture(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    ASSERT_REL(at(p, "eta_c", NULL, NULL), 0.70, 0.02);
    ASSERT_REL(at(p, "eta_c_by_precision", "fp16", "eta"), 0.70, 0.02);
    ASSERT_REL(at(p, "eta_c_by_precision", "tf32", "eta"), 0.55, 0.02);
    ASSERT_REL(at(p, "eta_c_by_precision", "fp32", "eta"), 0.85, 0.02);
    ASSERT_REL(at(p, "eta_c_by_precision", "bf16", "overhead_us"), 5.0, 0.2);
    CU_ASSERT(at(p, "eta_c_by_precision", "bf16", "rms_rel_residual") < 0.02);
    ASSERT_REL(at(p, "eta_m", NULL, NULL), 0.85, 0.02);
    ASSERT_REL(at(p, "eta_m_by_kind", "triad", "eta"), 0.82, 0.02);
    ASSERT_REL(at(p, "launch_us", NULL, NULL), 2.2, 0.02);
    ASSERT_REL(at(p, "launch_sync_us", NULL, NULL), 6.5, 0.02);
    ASSERT_REL(at(p, "timeslice_ms", NULL, NULL), 1.6, 0.02);
    ASSERT_REL(at(p, "switch_us", NULL, NULL), 38.0, 0.05);
    ASSERT_REL(at(p, "copy", "h2d_pinned", "gbs"), 52.0, 0.03);
    ASSERT_REL(at(p, "copy", "d2h_pageable", "gbs"), 18.0, 0.03);
    ASSERT_REL(at(p, "copy", "h2d_pageable", "latency_us"), 15.0, 0.1);
    cJSON_Delete(p);
}

/* Ranges: bf16 shapes are compute bound from 2048^3 (intensity 683 >= twice
 * the 295 FLOP/B ridge) to 8192^3; HBM fits buffers of 256 MiB (twice the
 * 50 MiB L2 and more) up to the 2 GiB triad (3 x 2 GiB moved). */
static void measured_ranges_cover_the_points_of_each_fit(void)
{
    cJSON *p = fit_fixture(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    const cJSON *r = cJSON_GetObjectItem(cJSON_GetObjectItem(p, "measured_range"), "gemm_flops");
    const cJSON *bf = cJSON_GetObjectItem(r, "bf16");
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetArrayItem(bf, 0)->valuedouble, 2.0 * 2048 * 2048 * 2048, 0.5);
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetArrayItem(bf, 1)->valuedouble, 2.0 * 8192 * 8192 * 8192, 0.5);
    const cJSON *h = cJSON_GetObjectItem(cJSON_GetObjectItem(p, "measured_range"), "hbm_bytes");
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetArrayItem(h, 0)->valuedouble, 2.0 * (256 << 20), 0.5);
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetArrayItem(h, 1)->valuedouble, 3.0 * 2048.0 * (1 << 20), 0.5);
    /* decode-shaped GEMMs are memory bound and predicted by the roofline */
    const cJSON *e;
    int decode = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, "eta_c_by_size")) {
        if (at(e, "m", NULL, NULL) != 1)
            continue;
        decode++;
        CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItem(e, "compute_bound")));
        CU_ASSERT(fabs(at(e, "rel_residual", NULL, NULL)) < 0.05);
    }
    CU_ASSERT_EQUAL(decode, 4);
    cJSON_Delete(p);
}

static void fit_is_deterministic_and_matches_the_recorded_profile(void)
{
    cJSON *p = fit_fixture(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    char *text = cJSON_Print(p);
    char *want = tu_read_file("tests/fixtures/profile_synthetic_h100.json", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    size_t n = strlen(text);
    CU_ASSERT(strncmp(text, want, n) == 0 && want[n] == '\n' && want[n + 1] == '\0');
    free(text);
    free(want);
    cJSON_Delete(p);
}

static int fit_text(const char *text, const char *gpu, char *err, size_t errlen)
{
    cJSON *raw = cJSON_Parse(text), *p = NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
    int rc = fit_profile(raw, "raw.json", gpu, &p, err, errlen);
    cJSON_Delete(raw);
    cJSON_Delete(p);
    return rc;
}

static void bad_raw_input_names_the_path_and_value(void)
{
    char err[1024];
    CU_ASSERT_EQUAL(fit_text("{\"format\": \"x/1\", \"device\": {\"name\": \"NVIDIA H100\"}}", NULL, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "raw.json: format: value \"x/1\""));
    CU_ASSERT_EQUAL(fit_text("{\"format\": \"slicesim-calib-raw/1\"}", NULL, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "device: missing"));
    CU_ASSERT_EQUAL(fit_text("{\"format\": \"slicesim-calib-raw/1\", \"device\": {\"name\": \"RTX 4090\"}}",
                             NULL, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "device.name: value \"RTX 4090\" matches no GPU preset"));
    CU_ASSERT_EQUAL(fit_text("{\"format\": \"slicesim-calib-raw/1\", \"device\": {\"name\": \"RTX 4090\"},"
                             " \"launch\": {\"sync_us\": [5], \"back_to_back_us\": [2]}}", "l40s", err, sizeof err), 0);
    CU_ASSERT_EQUAL(fit_text("{\"format\": \"slicesim-calib-raw/1\", \"device\": {\"name\": \"NVIDIA H100\"},"
                             " \"gemm\": [{\"prec\": \"bf16\", \"m\": 8, \"n\": 8, \"k\": 8, \"time_us\": [1, -2]}]}",
                             NULL, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "gemm.0.time_us.1: value -2"));
    CU_ASSERT_EQUAL(fit_text("{\"format\": \"slicesim-calib-raw/1\", \"device\": {\"name\": \"NVIDIA H100\"},"
                             " \"timeslice\": {\"procs\": 2, \"intervals\": [[0, 5, 1]]}}", NULL, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "timeslice.intervals.0"));
}

TU_SUITE_FN(fit)
{
    static const tu_test tests[] = {
        TU_TEST(weighted_line_fit_recovers_an_exact_line),
        TU_TEST(line_fit_refuses_points_that_fix_no_line),
        TU_TEST(alternating_intervals_give_slice_and_switch),
        TU_TEST(preset_names_follow_cuda_device_names),
        TU_TEST(fit_of_the_synthetic_fixture_recovers_its_truth),
        TU_TEST(measured_ranges_cover_the_points_of_each_fit),
        TU_TEST(fit_is_deterministic_and_matches_the_recorded_profile),
        TU_TEST(bad_raw_input_names_the_path_and_value),
    };
    TU_SUITE("fit", tests);
}
