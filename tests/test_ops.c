/* test_ops.c -- operator-level costs: wave and tile quantisation on the SM
 * count, skinny GEMMs bound by bandwidth, per-precision peaks, the floor of
 * a one-block-per-token kernel, attention by prefill and decode, and the
 * fitted parameters against the Vidur rows they were fitted on. */
#include <math.h>
#include "tests/testutil.h"
#include "models/ops.h"

static gpu_rate h100(void) { return gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1); }

static void a_skinny_gemm_streams_its_weights_at_the_fitted_bandwidth(void)
{
    gpu_rate r = h100();
    /* one token through a 4096 x 12288 projection: 100.7 MB of bf16 weights */
    double w = 2.0 * 4096 * 12288, t = ops_gemm_s(&r, GPU_BF16, 2, 1, 12288, 4096);
    double stream = w / (0.919 * 3.35e12);
    CU_ASSERT(t > stream);
    CU_ASSERT(t < stream + 6e-6);      /* + gemm_us and the tiny compute term */
    /* and the measured Vidur time of that operator on H100 is 38 us */
    ASSERT_REL(t, 38e-6, 0.15);
}

static void a_gemm_one_tile_wider_than_the_gpu_takes_a_second_wave(void)
{
    gpu_rate r = h100();
    /* 128 x 128 tiles: 132 x 128 columns fill the 132 SMs in one wave, one
     * column of tiles more needs a second (the compute term doubles) */
    double k = 16384, m = 256 * 128;
    double full = ops_gemm_s(&r, GPU_BF16, 2, m, 132 * 128, k);
    double over = ops_gemm_s(&r, GPU_BF16, 2, m, 133 * 128, k);
    CU_ASSERT(over > full * 1.004);    /* more than the 0.76% more FLOPs */
    /* a GEMM's time is never below its FLOPs at eta_mm x peak */
    CU_ASSERT(full >= 2 * m * 132 * 128 * k / (0.75 * 989e12));
}

static void fp8_gemms_use_the_fp8_peak_and_gpus_without_it_fall_back(void)
{
    gpu_rate r = h100();
    double m = 8192, n = 8192, k = 8192;
    double bf = ops_gemm_s(&r, GPU_BF16, 2, m, n, k), f8 = ops_gemm_s(&r, GPU_FP8, 1, m, n, k);
    /* eta 0.62 of 1979 against 0.75 of 989: 1.65 x faster */
    ASSERT_REL(bf / f8, (0.62 * 1979) / (0.75 * 989), 0.05);
    gpu_rate a = gpu_rate_of(gpu_spec_find("a100-sxm-80gb"), 1, 1);
    ASSERT_REL(ops_gemm_s(&a, GPU_FP8, 2, m, n, k), ops_gemm_s(&a, GPU_BF16, 2, m, n, k), 1e-12);
    /* fp4 on a Blackwell B200 doubles fp8's peak again */
    gpu_rate b = gpu_rate_of(gpu_spec_find("b200"), 1, 1);
    ASSERT_REL(ops_gemm_s(&b, GPU_FP8, 1, m, n, k) / ops_gemm_s(&b, GPU_FP4, 0.5, m, n, k), 2.0, 0.1);
}

static void a_convolution_is_an_implicit_gemm_whose_passes_share_its_flops(void)
{
    gpu_rate r = gpu_rate_of(gpu_spec_find("a100-sxm-80gb"), 1, 1);
    /* ResNet-50's 3x3 64 -> 64 conv at 56 x 56, batch 256: 2 x 256 x 56^2 x
     * 64 x 64 x 9 = 59.2 GFLOP in each of the three passes */
    ops_conv_shape s = { 256, 56, 56, 64, 64, 3, 1 };
    ASSERT_REL(ops_conv_flops(&s), 2.0 * 256 * 56 * 56 * 64 * 64 * 9, 1e-12);
    ops_cost f = { 0 }, d = { 0 }, w = { 0 };
    ops_conv(&f, &r, GPU_FP16, 2, &s, OPS_CONV_FWD, 1);
    ops_conv(&d, &r, GPU_FP16, 2, &s, OPS_CONV_DGRAD, 1);
    ops_conv(&w, &r, GPU_FP16, 2, &s, OPS_CONV_WGRAD, 1);
    double floor_s = ops_conv_flops(&s) / (0.735 * 312e12);
    CU_ASSERT(f.s >= floor_s && f.s < 1.5 * floor_s);
    ASSERT_REL(d.s, f.s, 0.05);                 /* the same GEMM transposed */
    /* the weight gradient's 64 x 576 output is 5 tiles: split-K 16 keeps
     * 80 of the 108 SMs busy, a slower pass */
    CU_ASSERT(w.s > f.s && w.s < 1.5 * f.s);
    CU_ASSERT_EQUAL(f.kernels, 1);
    /* a stride-2 conv has a quarter of the output positions */
    ops_conv_shape s2 = { 256, 56, 56, 64, 64, 3, 2 };
    ASSERT_REL(ops_conv_flops(&s2), ops_conv_flops(&s) / 4, 1e-12);
    /* one image of the 7 x 7 stage: 49 output rows fill one 64-row tile
     * column of 4 (512 / 128) tiles on 108 SMs, one wave: far below the
     * per-image cost at batch 256 */
    ops_conv_shape one = { 1, 7, 7, 512, 512, 3, 1 }, many = { 256, 7, 7, 512, 512, 3, 1 };
    ops_cost a = { 0 }, b = { 0 };
    ops_conv(&a, &r, GPU_FP16, 2, &one, OPS_CONV_FWD, 1);
    ops_conv(&b, &r, GPU_FP16, 2, &many, OPS_CONV_FWD, 1);
    CU_ASSERT(a.s > 5 * b.s / 256);
}

static void a_streaming_kernel_moves_its_bytes_at_the_fitted_bandwidth(void)
{
    gpu_rate r = gpu_rate_of(gpu_spec_find("a100-sxm-80gb"), 1, 1);
    ops_cost c = { 0 };
    ops_stream(&c, &r, 1e9, 2, 3);       /* three kernels pairs of 1 GB */
    ASSERT_REL(c.s, 3 * (2 * 0.97e-6 + 1e9 / (0.795 * 2.039e12)), 1e-9);
    ASSERT_REL(c.mem_s, c.s, 1e-12);
    CU_ASSERT_EQUAL(c.kernels, 6);
}

static void a_per_token_kernel_costs_at_least_one_block_on_one_sm(void)
{
    gpu_rate r = h100();
    /* RMSNorm of one token of 8192 costs as much as of 132 tokens (one per SM) */
    double one = ops_small_s(&r, OPS_NORM, 1, 8192, 2), sms = ops_small_s(&r, OPS_NORM, 132, 8192, 2);
    ASSERT_REL(one, sms, 1e-12);
    CU_ASSERT(ops_small_s(&r, OPS_NORM, 264, 8192, 2) > sms);
    /* a flat element-wise add of one token is just its launches */
    ASSERT_REL(ops_small_s(&r, OPS_ADD, 1, 8192, 2), 2 * 0.695e-6, 0.02);
}

static void decode_attention_reads_the_cache_and_prefill_computes(void)
{
    gpu_rate r = h100();
    ops_cost d = { 0 }, p = { 0 };
    /* 64 sequences x 2048 tokens of cache, 8 KV heads x 128 x 2 x 2 bytes */
    double kv = 64 * 2048.0 * 8 * 128 * 4;
    ops_attn_decode(&d, &r, 64, 64 * 2049.0, 32, 128, kv, 1);
    ASSERT_REL(d.s, kv / (0.919 * 3.35e12) + 2 * 0.695e-6, 0.05);
    CU_ASSERT(d.mem_s > 10 * d.compute_s);
    /* one 4096-token prompt: 4 x 128 x 32 x 4096 x 4097 / 2 FLOPs at 0.6 x 989 TFLOP/s */
    ops_attn_prefill(&p, &r, 4096, 4096.0 * 4097 / 2, 32, 128, 4096.0 * 8 * 128 * 4, 1);
    ASSERT_REL(p.s, 4.0 * 128 * 32 * 4096 * 4097 / 2 / (0.6 * 989e12), 0.05);
    CU_ASSERT(p.compute_s > 5 * p.mem_s);
}

static void a_mig_slice_has_its_share_of_sms_for_quantisation(void)
{
    const gpu_spec *g = gpu_spec_find("h100-sxm");
    gpu_rate whole = gpu_rate_of(g, 1, 1), slice = gpu_rate_of(g, 16.0 / 132, 1.0 / 8);
    CU_ASSERT_DOUBLE_EQUAL(slice.sms, 16, 1e-9);
    /* a big GEMM takes about 132 / 16 times as long on 16 SMs */
    double big = 8192;
    ASSERT_REL(ops_gemm_s(&slice, GPU_BF16, 2, big, big, big) / ops_gemm_s(&whole, GPU_BF16, 2, big, big, big),
               132.0 / 16, 0.1);
}

TU_SUITE_FN(ops)
{
    static const tu_test tests[] = {
        TU_TEST(a_skinny_gemm_streams_its_weights_at_the_fitted_bandwidth),
        TU_TEST(a_gemm_one_tile_wider_than_the_gpu_takes_a_second_wave),
        TU_TEST(fp8_gemms_use_the_fp8_peak_and_gpus_without_it_fall_back),
        TU_TEST(a_per_token_kernel_costs_at_least_one_block_on_one_sm),
        TU_TEST(a_convolution_is_an_implicit_gemm_whose_passes_share_its_flops),
        TU_TEST(a_streaming_kernel_moves_its_bytes_at_the_fitted_bandwidth),
        TU_TEST(decode_attention_reads_the_cache_and_prefill_computes),
        TU_TEST(a_mig_slice_has_its_share_of_sms_for_quantisation),
    };
    TU_SUITE("ops", tests);
}
