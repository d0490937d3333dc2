/* test_gpu.c -- presets and the roofline cost of a burst (DESIGN §3). */
#include <math.h>
#include "tests/testutil.h"
#include "models/gpu.h"
#include "models/mig.h"

static void presets_carry_datasheet_peaks(void)
{
    const gpu_spec *h = gpu_spec_find("h100-sxm"), *a = gpu_spec_find("a100-sxm-80gb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(h->sms, 132);
    CU_ASSERT_DOUBLE_EQUAL(h->tflops[GPU_BF16], 989, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(h->mem_bw_tbs, 3.35, 1e-9);
    CU_ASSERT_EQUAL(a->sms, 108);
    CU_ASSERT_DOUBLE_EQUAL(a->mem_bw_tbs, 2.039, 1e-9);
    CU_ASSERT_PTR_NULL(gpu_spec_find("h100"));
    for (size_t i = 0; i < gpu_spec_count(); i++)
        CU_ASSERT(gpu_spec_at(i)->source && gpu_spec_at(i)->source[0]);
}

/* 1 TFLOP of bf16 on an H100: 1e12 / (989e12 * 0.72) s, plus 10 launches. */
static void compute_bound_burst_costs_flops_over_effective_peak(void)
{
    const gpu_spec *h = gpu_spec_find("h100-sxm");
    gpu_rate r = gpu_rate_of(h, 1, 1);
    gpu_burst b = { 1e12, 1e6, 10, GPU_BF16 };
    double expect = 1e12 / (989e12 * 0.72) * 1e9 + 10 * 2500;
    CU_ASSERT_DOUBLE_EQUAL((double)gpu_burst_ns(&r, &b), expect, 1.0);
}

/* Streaming 16 GB of weights on an A100 80GB: bytes / (2.039 TB/s * 0.73). */
static void memory_bound_burst_costs_bytes_over_effective_bandwidth(void)
{
    const gpu_spec *a = gpu_spec_find("a100-sxm-80gb");
    gpu_rate r = gpu_rate_of(a, 1, 1);
    gpu_burst b = { 1e9, 16e9, 1, GPU_BF16 };
    double expect = 16e9 / (2.039e12 * 0.73) * 1e9 + 3000;
    CU_ASSERT_DOUBLE_EQUAL((double)gpu_burst_ns(&r, &b), expect, 1.0);
}

static void half_the_sms_double_a_compute_bound_burst(void)
{
    const gpu_spec *h = gpu_spec_find("h100-sxm");
    gpu_rate full = gpu_rate_of(h, 1, 1), half = gpu_rate_of(h, 0.5, 1);
    gpu_burst b = { 5e12, 0, 0, GPU_BF16 };
    ASSERT_REL((double)gpu_burst_ns(&half, &b), 2.0 * (double)gpu_burst_ns(&full, &b), 1e-9);
}

/* The A100 has no FP8 tensor cores: fp8 work runs at the bf16 rate. */
static void missing_precision_falls_back_to_a_wider_one(void)
{
    const gpu_spec *a = gpu_spec_find("a100-sxm-80gb");
    gpu_rate r = gpu_rate_of(a, 1, 1);
    gpu_burst b8 = { 1e12, 0, 0, GPU_FP8 }, b16 = { 1e12, 0, 0, GPU_BF16 };
    CU_ASSERT_EQUAL(gpu_burst_ns(&r, &b8), gpu_burst_ns(&r, &b16));
    CU_ASSERT_EQUAL(gpu_prec_parse("fp8"), GPU_FP8);
    CU_ASSERT_EQUAL(gpu_prec_parse("int4"), -1);
}

/* The two roofline terms separately: the burst's time is their maximum
 * plus its launches. */
static void burst_split_gives_the_two_roofline_terms(void)
{
    const gpu_spec *h = gpu_spec_find("h100-sxm");
    gpu_rate r = gpu_rate_of(h, 1, 1);
    gpu_burst b = { 1e12, 1e9, 10, GPU_BF16 };
    sim_time_t c, m;
    gpu_burst_split(&r, &b, &c, &m);
    ASSERT_REL((double)c, 1e12 / (989e12 * 0.72) * 1e9, 1e-6);   /* rounded to the ns */
    ASSERT_REL((double)m, 1e9 / (3.35e12 * 0.75) * 1e9, 1e-6);
    CU_ASSERT_EQUAL(gpu_burst_ns(&r, &b), (c > m ? c : m) + 10 * 2500);
    gpu_burst only_bytes = { 0, 1e9, 1, GPU_BF16 };
    gpu_burst_split(&r, &only_bytes, &c, &m);
    CU_ASSERT_EQUAL(c, 0);
}

/* The GPUs rented in 2026: dense peaks as the reference states them, FP4
 * only on Blackwell, MIG tables where the GPU has MIG. */
/* The T4's 70 W against the 156 W its 40 SMs would draw at the 1590 MHz
 * boost on the V100's 2.45 W per SM-GHz (300 W / (80 x 1.53)): 0.449 of
 * the boost clock; GPUs whose load need is not known hold their clock. */
static void a_power_capped_t4_sustains_less_than_half_its_boost_clock(void)
{
    const gpu_spec *t4 = gpu_spec_find("t4");
    ASSERT_REL(t4->hold_w, 300.0 / (80 * 1.53) * 40 * 1.59, 1e-12);
    ASSERT_REL(gpu_power_clock(t4), 70.0 * 80 * 1.53 / (300.0 * 40 * 1.59), 1e-12);
    ASSERT_REL(gpu_power_clock(t4), 0.4490, 1e-3);
    gpu_rate r = gpu_rate_of(t4, 1, 1);
    ASSERT_REL(r.clock_frac, gpu_power_clock(t4), 1e-12);
    CU_ASSERT_EQUAL(gpu_power_clock(gpu_spec_find("a100-sxm-80gb")), 1.0);
    CU_ASSERT_EQUAL(gpu_power_clock(gpu_spec_find("v100-sxm2-16gb")), 1.0);
    CU_ASSERT_EQUAL(gpu_spec_find("a100-sxm-80gb")->tdp_w, 400.0);
}

static void presets_of_2026_gpus_carry_fp4_and_mig_where_they_have_them(void)
{
    static const struct { const char *name; double bf16, fp8, fp4, bw; int mig; } G[] = {
        { "b200", 2250, 4500, 9000, 7.7, 1 }, { "b300", 2250, 4500, 14000, 7.7, 1 },
        { "gb200", 2500, 5000, 10000, 8.0, 1 }, { "gb300", 2500, 5000, 15000, 8.0, 1 },
        { "h20", 148, 296, 0, 4.0, 1 }, { "h20-141gb", 148, 296, 0, 4.917, 1 },
        { "h100-nvl", 835, 1671, 0, 3.9, 1 }, { "h200-nvl", 835, 1671, 0, 4.8, 1 },
        { "l4", 121, 242, 0, 0.3, 0 }, { "rtx-pro-6000", 467.8, 935.6, 1871.2, 1.792, 1 },
    };
    for (size_t i = 0; i < sizeof G / sizeof G[0]; i++) {
        const gpu_spec *g = gpu_spec_find(G[i].name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(g);
        CU_ASSERT_DOUBLE_EQUAL(g->tflops[GPU_BF16], G[i].bf16, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(g->tflops[GPU_FP8], G[i].fp8, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(g->tflops[GPU_FP4], G[i].fp4, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(g->mem_bw_tbs, G[i].bw, 1e-9);
        CU_ASSERT_EQUAL(mig_table_find(G[i].name) != NULL, G[i].mig);
        CU_ASSERT_EQUAL(g->mig_max > 0, G[i].mig);
    }
    /* B200: seven 1g.23gb of 18 SMs (nvidia-smi mig -lgip), or four 1g.45gb of 30 */
    const mig_table *t = mig_table_find("b200");
    mig_instance seven[7], five[5];
    int bad;
    char msg[256];
    for (int k = 0; k < 7; k++)
        seven[k] = (mig_instance){ mig_profile_find(t, "1g.23gb"), -1 };
    CU_ASSERT_EQUAL(mig_place(t, seven, 7, &bad, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(mig_profile_find(t, "1g.23gb")->sms, 18);
    for (int k = 0; k < 5; k++)
        five[k] = (mig_instance){ mig_profile_find(t, "1g.45gb"), -1 };
    CU_ASSERT_EQUAL(mig_place(t, five, 5, &bad, msg, sizeof msg), -1);
    /* GB300 (mig-parted): seven 1g.35gb, or four 1g.70gb and no fifth; the
     * whole GPU is 7g.278gb; 279 GB of HBM3e against GB200's 186 */
    const mig_table *g3 = mig_table_find("gb300");
    CU_ASSERT_PTR_NOT_NULL_FATAL(g3);
    for (int k = 0; k < 7; k++)
        seven[k] = (mig_instance){ mig_profile_find(g3, "1g.35gb"), -1 };
    CU_ASSERT_EQUAL(mig_place(g3, seven, 7, &bad, msg, sizeof msg), 0);
    for (int k = 0; k < 5; k++)
        five[k] = (mig_instance){ mig_profile_find(g3, "1g.70gb"), -1 };
    CU_ASSERT_EQUAL(mig_place(g3, five, 4, &bad, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(mig_place(g3, five, 5, &bad, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(mig_profile_find(g3, "7g.278gb"));
    CU_ASSERT_DOUBLE_EQUAL(gpu_spec_find("gb300")->mem_gb, 279, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(gpu_spec_find("h20-141gb")->mem_gb, 141, 1e-9);
    CU_ASSERT_EQUAL(gpu_spec_find("h20-141gb")->sms, gpu_spec_find("h20")->sms);
    /* a precision a GPU lacks falls back: fp4 on an H100 runs at fp8's peak */
    const double *pk = gpu_spec_find("h100-sxm")->tflops;
    CU_ASSERT_EQUAL(gpu_prec_fallback(pk, GPU_FP4), GPU_FP8);
    CU_ASSERT_EQUAL(gpu_prec_fallback(gpu_spec_find("a100-sxm-80gb")->tflops, GPU_FP4), GPU_BF16);
}

TU_SUITE_FN(gpu)
{
    static const tu_test tests[] = {
        TU_TEST(presets_carry_datasheet_peaks),
        TU_TEST(compute_bound_burst_costs_flops_over_effective_peak),
        TU_TEST(memory_bound_burst_costs_bytes_over_effective_bandwidth),
        TU_TEST(half_the_sms_double_a_compute_bound_burst),
        TU_TEST(missing_precision_falls_back_to_a_wider_one),
        TU_TEST(burst_split_gives_the_two_roofline_terms),
        TU_TEST(presets_of_2026_gpus_carry_fp4_and_mig_where_they_have_them),
        TU_TEST(a_power_capped_t4_sustains_less_than_half_its_boost_clock),
    };
    TU_SUITE("gpu", tests);
}
