/* test_ops.c -- operator-level costs: wave and tile quantisation on the SM
 * count, skinny GEMMs bound by bandwidth, per-precision peaks, the latency
 * of a one-block-per-token kernel, L2 residency, the small-index embedding,
 * attention by prefill and decode, and the fitted parameters against the
 * Vidur rows they were fitted on. */
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

/* A decode GEMM takes a skinny tile that spans its tokens: Llama-2-70B's
 * down projection (8192 x 28672) for one token on an A100 streams 469.8 MB
 * of weights, 289.8 us at 0.795 of 2.039 TB/s; its compute is 16-row tiles
 * (64 of them, split-K 8: 5 waves of 6.91 us at 0.735 of the per-SM peak,
 * 34.6 us) where 64-row tiles cost 4x that. Plus the skinny kernel's fixed
 * time skinny_us 4.49 (not the tiled kernels' gemm_us 3.84) and the
 * split-K reduction kernel's kernel_us 0.97: 297.4 us against Vidur's 290
 * (the 64-row tiles gave 325 us, +12%). */
static void a_decode_gemm_takes_a_skinny_tile_that_spans_its_tokens(void)
{
    gpu_rate r = gpu_rate_of(gpu_spec_find("a100-sxm-80gb"), 1, 1);
    CU_ASSERT_DOUBLE_EQUAL(r.ops.gemm_us, 3.84, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r.ops.skinny_us, 4.49, 1e-12);
    double n = 8192, k = 28672;
    double tm = 2.0 * (k + k * n + n) / (0.795 * 2.039e12);
    double tc = 5 * 2.0 * 16 * 128 * (k / 8) / (312e12 * 0.735 / 108);
    double t = ops_gemm_s(&r, GPU_BF16, 2, 1, n, k);
    ASSERT_REL(t, (4.49 + 0.97) * 1e-6 + sqrt(tc * tc + tm * tm), 1e-9);
    ASSERT_REL(t, 290e-6, 0.03);
    /* up to 16 tokens cost the same compute; 33 take the 64-row tiles */
    CU_ASSERT(ops_gemm_s(&r, GPU_BF16, 2, 16, n, k) - t < 2 * 16 * k * 2 / (0.795 * 2.039e12));
    CU_ASSERT(ops_gemm_s(&r, GPU_BF16, 2, 33, n, k) > ops_gemm_s(&r, GPU_BF16, 2, 32, n, k) * 1.02);
    /* a convolution keeps its 64-wide tiles: 4 output channels cost the
     * 64-channel layer's compute */
    ops_conv_shape c4 = { 1, 64, 64, 320, 4, 3, 1 }, c64 = { 1, 64, 64, 320, 64, 3, 1 };
    ops_cost a = { 0 }, b = { 0 };
    ops_conv(&a, &r, GPU_FP16, 2, &c4, OPS_CONV_FWD, 1);
    ops_conv(&b, &r, GPU_FP16, 2, &c64, OPS_CONV_FWD, 1);
    CU_ASSERT(a.s > 0.5 * b.s);
}

/* Split-K's partial sums are reduced by a small kernel of their own
 * (cuBLAS's splitKreduce_kernel): on an H100 one token through a 4096 x 256
 * projection (too shallow to split) is gemm_us 4.00 plus its 2.1 MB
 * stream and one wave of 32 16-row tiles; a 64 x 128 output 16384 deep
 * splits its one tile 16 ways (2.98 us of compute, against 47.7 unsplit)
 * and pays the reduction's 0.695 us besides. */
static void a_split_k_gemm_pays_its_reduction_kernel(void)
{
    gpu_rate r = h100();
    double per_sm = 989e12 * 0.75 / 132;
    double tm = 2.0 * (256 + 256 * 4096 + 4096) / (0.919 * 3.35e12);
    double tc = 2.0 * 16 * 128 * 256 / per_sm;
    ASSERT_REL(ops_gemm_s(&r, GPU_BF16, 2, 1, 4096, 256), 4.00e-6 + sqrt(tc * tc + tm * tm), 1e-9);
    double k = 16384;
    tm = 2.0 * (64 * k + k * 128 + 64 * 128) / (0.919 * 3.35e12);
    tc = 2.0 * 64 * 128 * (k / 16) / per_sm;
    ASSERT_REL(ops_gemm_s(&r, GPU_BF16, 2, 64, 128, k), (4.00 + 0.695) * 1e-6 + sqrt(tc * tc + tm * tm), 1e-9);
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

static void a_per_token_kernel_is_bound_by_its_blocks_walking_the_row(void)
{
    gpu_rate r = h100();
    /* RMSNorm of one token of 8192: a block of 1024 threads walks the row
     * twice (8 iterations each), 0.943 dependent loads of 0.281 us per
     * iteration, after 2 launches of 0.695 us: 5.63 us (Vidur: 6 us); its
     * 16 KB stream hides under the walk */
    double one = ops_small_s(&r, OPS_NORM, 1, 8192, 2);
    ASSERT_REL(one, 2 * 0.695e-6 + 16 * 0.943 * 0.281e-6, 1e-5);
    ASSERT_REL(one, 6e-6, 0.07);
    /* two such blocks fit on each of the 132 SMs: 264 tokens are one wave
     * of the same walk (4.24 us), but their 2.2 MB stream (2.6 us from L2)
     * no longer hides under it: (4.24^3 + 2.6^3)^(1/3) = 4.55 us */
    double wave = ops_small_s(&r, OPS_NORM, 132, 8192, 2);
    ASSERT_REL(wave, 2 * 0.695e-6 + 4.55e-6, 0.002);
    CU_ASSERT(ops_small_s(&r, OPS_NORM, 264, 8192, 2) > wave);   /* the same walk, twice the stream */
    CU_ASSERT(ops_small_s(&r, OPS_NORM, 1024, 8192, 2) > one);
    /* a flat element-wise add of one token is just its launches */
    ASSERT_REL(ops_small_s(&r, OPS_ADD, 1, 8192, 2), 2 * 0.695e-6, 0.02);
}

static void rope_sizes_its_block_on_the_queries_and_idles_through_few_key_heads(void)
{
    gpu_rate a = gpu_rate_of(gpu_spec_find("a100-sxm-80gb"), 1, 1);
    /* Llama-3-70B under tp 8 at 8192 tokens: 8 query heads and 1 key head
     * per GPU, 512 and 64 pairs. The block of 512 threads runs the query
     * loop, then a key loop where 448 of its lanes idle: the 18.9 MB
     * stream (hit 0.953 in the 40 MB L2) costs 1 + 0.5 x 448 / 576 = 1.389x,
     * 49.0 us; 19 waves of 4 blocks per SM walk 2 iterations of 1.314 loads
     * of 0.338 us (16.9 us); (49.0^3 + 16.9^3)^(1/3) + 2 launches = 51.6 us
     * (Vidur: 58 us) */
    double t = ops_rope_s(&a, 8192, 1024, 128, 2);
    ASSERT_REL(t, 51.6e-6, 0.005);
    ASSERT_REL(t, 58e-6, 0.12);
    /* a row of the same 576 pairs walked by one loop of 512 lanes idles
     * as many: the same time; and a kernel without key pairs is the plain
     * per-token kernel */
    double whole = ops_small_s(&a, OPS_ROPE, 8192, 1152, 2);
    ASSERT_REL(whole, t, 1e-12);
    ASSERT_REL(ops_rope_s(&a, 8192, 1152, 0, 2), whole, 1e-12);
    /* Llama-3-8B under tp 8: 4 query heads size the block at 256 lanes, so
     * the one key head's 64 pairs take a second iteration with 192 lanes
     * idle, where one block spanning all 320 pairs would have none */
    CU_ASSERT(ops_rope_s(&a, 8192, 512, 128, 2) > 1.1 * ops_small_s(&a, OPS_ROPE, 8192, 640, 2));
    /* tp 1: 64 query and 8 key heads fill their loops of 512 lanes (8 and
     * 1), no lane idles: the same time as one walk over the 4608 pairs */
    ASSERT_REL(ops_rope_s(&a, 8192, 8192, 1024, 2), ops_small_s(&a, OPS_ROPE, 8192, 9216, 2), 1e-12);
}

static void an_elementwise_kernel_whose_operands_fit_in_l2_streams_faster(void)
{
    gpu_rate a = gpu_rate_of(gpu_spec_find("a100-sxm-80gb"), 1, 1);
    /* the residual add of 1024 x 4096 touches 25 MB, which the 40 MB L2
     * holds between Vidur's repeats (hit 0.86): 12.5 us (Vidur 10-13 us);
     * 8192 tokens (201 MB) stream from HBM at eta_bw: 108 us (Vidur 112);
     * per token, past the launches, the first streams 1.26x faster */
    double small = ops_small_s(&a, OPS_ADD, 1024, 4096, 2), big = ops_small_s(&a, OPS_ADD, 8192, 4096, 2);
    ASSERT_REL(small, 12.5e-6, 0.01);
    ASSERT_REL(big, 2 * 0.97e-6 + 8192 * 4096 * 2 * 2.566 / (0.795 * 2.039e12), 0.001);
    ASSERT_REL(((big - 2 * 0.97e-6) / 8192) / ((small - 2 * 0.97e-6) / 1024), 1.26, 0.01);
    /* a 1/7 MIG slice has a seventh of the memory slices and of the L2 */
    gpu_rate s = gpu_rate_of(gpu_spec_find("a100-sxm-80gb"), 14.0 / 108, 1.0 / 8);
    ASSERT_REL(s.ops.l2_mb, 5.0, 1e-12);
    /* a GPU whose L2 size the presets do not give streams from HBM only */
    gpu_rate b = gpu_rate_of(gpu_spec_find("b200"), 1, 1);
    ASSERT_REL(ops_small_s(&b, OPS_ADD, 1024, 4096, 2),
               2 * 0.695e-6 + 1024 * 4096 * 2 * 2.566 / (0.919 * 7.7e12), 1e-9);
}

static void an_embedding_of_up_to_16_tokens_walks_its_indices_one_by_one(void)
{
    gpu_rate a = gpu_rate_of(gpu_spec_find("a100-sxm-80gb"), 1, 1);
    /* index_select's small-index kernel: 3 launches, then 1.739 dependent
     * loads of 0.338 us per index: 7.6 us at 8 tokens (Vidur: 8 us), more
     * than 32 tokens on the parallel kernel (4.4 us; Vidur 4-6 us) */
    double e8 = ops_small_s(&a, OPS_EMBED, 8, 4096, 2), e32 = ops_small_s(&a, OPS_EMBED, 32, 4096, 2);
    ASSERT_REL(e8, 3 * 0.97e-6 + 8 * 1.739 * 0.338e-6, 1e-9);
    ASSERT_REL(e8, 8e-6, 0.07);
    ASSERT_REL(e32, 4.4e-6, 0.03);
    CU_ASSERT(e8 > e32);
    /* the same 8 tokens cost the same at any width: one element per thread */
    ASSERT_REL(ops_small_s(&a, OPS_EMBED, 8, 8192, 2), e8, 1e-12);
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

/* The T4's 70 W cap (gpu_power_clock 0.449) slows its tensor-core math
 * wherever operators are costed: a compute-bound fp16 GEMM takes 1 / 0.449
 * as long as at the boost clock, attention likewise; FP32 on CUDA cores
 * and memory streams keep their rate. */
static void a_power_capped_gpu_runs_its_tensor_math_at_the_sustained_clock(void)
{
    gpu_rate t = gpu_rate_of(gpu_spec_find("t4"), 1, 1), boost = t;
    boost.clock_frac = 1;
    ASSERT_REL(t.clock_frac, 0.449, 1e-3);
    double m = 8192, n = 8192, k = 8192;
    double capped = ops_gemm_s(&t, GPU_FP16, 2, m, n, k), full = ops_gemm_s(&boost, GPU_FP16, 2, m, n, k);
    ASSERT_REL(capped / full, 1 / t.clock_frac, 0.01);
    /* 2 x 8192^3 at 0.735 of 65 TFLOP/s x 0.449: 51 ms */
    ASSERT_REL(capped, 2 * m * n * k / (0.735 * 65e12 * t.clock_frac), 0.02);
    ASSERT_REL(ops_gemm_s(&t, GPU_FP32, 4, m, n, k), ops_gemm_s(&boost, GPU_FP32, 4, m, n, k), 1e-12);
    ops_cost a = { 0 }, b = { 0 }, s1 = { 0 }, s2 = { 0 };
    ops_attn_prefill(&a, &t, 4096, 4096.0 * 4096, 16, 128, 2, 1);
    ops_attn_prefill(&b, &boost, 4096, 4096.0 * 4096, 16, 128, 2, 1);
    ASSERT_REL(a.compute_s / b.compute_s, 1 / t.clock_frac, 0.02);
    ops_stream(&s1, &t, 1e9, 1, 1);
    ops_stream(&s2, &boost, 1e9, 1, 1);
    ASSERT_REL(s1.s, s2.s, 1e-12);
}

TU_SUITE_FN(ops)
{
    static const tu_test tests[] = {
        TU_TEST(a_skinny_gemm_streams_its_weights_at_the_fitted_bandwidth),
        TU_TEST(a_decode_gemm_takes_a_skinny_tile_that_spans_its_tokens),
        TU_TEST(a_split_k_gemm_pays_its_reduction_kernel),
        TU_TEST(a_gemm_one_tile_wider_than_the_gpu_takes_a_second_wave),
        TU_TEST(fp8_gemms_use_the_fp8_peak_and_gpus_without_it_fall_back),
        TU_TEST(a_per_token_kernel_is_bound_by_its_blocks_walking_the_row),
        TU_TEST(rope_sizes_its_block_on_the_queries_and_idles_through_few_key_heads),
        TU_TEST(an_elementwise_kernel_whose_operands_fit_in_l2_streams_faster),
        TU_TEST(an_embedding_of_up_to_16_tokens_walks_its_indices_one_by_one),
        TU_TEST(a_convolution_is_an_implicit_gemm_whose_passes_share_its_flops),
        TU_TEST(a_streaming_kernel_moves_its_bytes_at_the_fitted_bandwidth),
        TU_TEST(decode_attention_reads_the_cache_and_prefill_computes),
        TU_TEST(a_mig_slice_has_its_share_of_sms_for_quantisation),
        TU_TEST(a_power_capped_gpu_runs_its_tensor_math_at_the_sustained_clock),
    };
    TU_SUITE("ops", tests);
}
