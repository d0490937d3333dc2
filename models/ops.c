/* ops.c -- operator-level GPU cost (ops.h).
 *
 * Kinds of small kernel (KINDS): launches per operator; passes (bytes moved
 * per token, in units of width x elem_bytes: reads plus writes, with the
 * implementation's intermediate tensors); the bytes it touches once (the
 * working set L2 can hold, same units); and, for kernels that give each
 * token one thread block, the block's threads, its loops over the row, the
 * share of the row it spans and the dependent memory accesses per iteration
 * (the chain). Passes and chains are fitted jointly on A100 and H100 to
 * Vidur's profiles of vLLM's kernels (calibration/fit_operators.py), the
 * rest is the kernels' code [F: vLLM csrc/layernorm_kernels.cu rms_norm
 * (block min(d, 1024), a reduction loop then a normalising loop),
 * activation_kernels.cu act_and_mul (block min(d, 1024), one loop),
 * pos_encoding_kernels.cu rotary_embedding (block min(heads x rot/2, 512)
 * on the query heads, a loop over the query pairs, then one over the key
 * pairs); PyTorch aten/src/ATen/native/cuda/Indexing.cu index_select,
 * which the embedding forward calls: at most 16 indices take the
 * small-index kernel, whose blocks walk the indices one after another].
 * add reads two tensors and writes one: 3 passes ideal, 2.57 fitted (its
 * streaming beats the GEMM-fitted eta_bw); norm reads twice, reduces in
 * fp32 and writes (4.32); rope reads and writes q and k with the cos/sin
 * cache (3.92 over q + k); act reads gate and up and writes one (4.72 over
 * the output width); the embedding (11.4 over d) is Vidur's
 * vocabulary-parallel lookup with masking, 1.74 dependent loads per index
 * on the small-index path (the index, then the row). Chains: norm 0.94,
 * rope 1.31, act 1.67 (two loads, then the store) [M]. sample is not in
 * the profiles [I]: softmax, top-k/top-p and the draw each read the fp32
 * logits once (3 passes, 3 kernels), at least one block's bandwidth per SM
 * (the floor the LLM kernels had before they had latency chains). */
#include "models/ops.h"

#include <math.h>

typedef struct {
    const char *name;
    double kernels, passes, touched;
    double threads, loops, span, chain;   /* one block per token: threads 0 = not */
    int    sm_floor;                      /* at least SMs tokens' bandwidth (sample) */
} ops_kind_def;

static const ops_kind_def KINDS[OPS_NKINDS] = {
    [OPS_ADD]    = { "add",    2, 2.566, 3,   0,    0, 1,   0,     0 },
    [OPS_NORM]   = { "norm",   2, 4.321, 2,   1024, 2, 1,   0.943, 0 },
    [OPS_ROPE]   = { "rope",   2, 3.916, 1,   512,  1, 0.5, 1.314, 0 },
    [OPS_ACT]    = { "act",    2, 4.723, 1.5, 1024, 1, 1,   1.667, 0 },
    [OPS_EMBED]  = { "embed",  3, 11.44, 2,   0,    0, 1,   1.739, 0 },
    [OPS_SAMPLE] = { "sample", 3, 3.0,   3,   0,    0, 1,   0,     1 },
};

/* PyTorch's index_select takes its small-index kernel up to this many
 * indices [F: Indexing.cu]; the L2 hit curve's exponent (2 and 8 fit the
 * profiles worse) [M]; the overlap of a row walk with its stream,
 * (ts^3 + tl^3)^(1/3): a block waiting on its dependent loads does not
 * stream, so where the two are close neither hides the other (26% above
 * the larger where they are equal; the max, and exponents 1, 2, 4, 6, 8
 * fit the profiles worse: calibration/fit_operators.py) [M]; threads one
 * SM holds (A100, H100: 2048) [F]; what a lane idle in a partial loop
 * costs of a working lane's stream, between the limits 0 and 1 (0.25 fits
 * as well, 0.75 and 1 worse, and RoPE-only or no idle cost worse:
 * calibration/fit_operators.py) [M]. */
#define SMALL_INDEX 16
#define L2_EXP 4.0
#define WALK_OVERLAP 3.0
#define SM_THREADS 2048.0
#define IDLE_STREAM 0.5

const char *ops_kind_name(ops_kind k) { return KINDS[k].name; }

/* Output tiles (rows over m, the tokens; columns over n). The 16- and
 * 32-row tiles are the skinny kernels cuBLAS and the fused MoE kernels take
 * for a handful of tokens (GEMV-like and swapped-operand kernels whose
 * narrow side spans the tokens; vLLM's fused_moe runs BLOCK_SIZE_M 16 at
 * small batches) [F: vLLM fused_moe.py get_default_config, BLOCK_SIZE_M 16
 * while tokens <= experts; I: cuBLAS's small-batch gemv and split-K kernels
 * as profilers name them]: they are taken for m up to their
 * rows only, so a decode GEMM is not costed as 64 rows of which one is
 * used. Convolutions do not take them (ops_conv). */
static const double TILES[][2] = { { 16, 128 }, { 32, 128 }, { 64, 128 }, { 128, 128 }, { 128, 256 }, { 256, 128 } };
static const double SPLITK[] = { 1, 2, 3, 4, 6, 8, 12, 16 };

static double bw(const gpu_rate *r)
{
    return r->peak_bytes * r->ops.eta_bw;
}

/* The share of its peaks' clock a power-capped GPU sustains under a dense
 * tensor-core load (gpu_rate.clock_frac, gpu_power_clock in models/gpu.c:
 * the T4's 70 W, 0.449; 0 read as 1): the tensor-core GEMMs and attention
 * run at it, memory traffic does not slow down. A property of the GPU, so
 * every walk that costs its operators here sees it. FP32 on CUDA cores is
 * left at its peak [I: the DeepLearningExamples T4 FP32 ResNet-50 rows,
 * 415-428 images/s, are 3.4-3.5 TFLOP/s, 0.94 of the FP32 peak at 0.449 of
 * the clock against the V100's 0.66 of its own: the FFMA pipes draw less
 * than the tensor cores' datapath, the cap binds less; docs/training.md
 * section 0d]. */
static double math_clock(const gpu_rate *r, gpu_prec q)
{
    return q != GPU_FP32 && r->clock_frac > 0 && r->clock_frac < 1 ? r->clock_frac : 1.0;
}

/* The best tiling of `groups` GEMMs of m x n x k whose operands take tm
 * seconds to stream: waves of one tile per SM (skinny: the 16- and 32-row
 * tiles may be taken), each tiling's compute time tc overlapped with tm,
 * and a split-K tiling pays one more small kernel, the reduction of its
 * partial sums (cuBLAS's splitKreduce_kernel after the GEMM, as profilers
 * show it; its partials stay in L2 [I]). Each tiling pays its kernel's
 * fixed time: gemm_us, or skinny_us for the 16- and 32-row tiles (a
 * different kernel; 0 = gemm_us). Returns the chosen tiling's time, fixed
 * cost included; *tc_out its compute time (INFINITY: no compute rate). */
static double gemm_best_s(const gpu_rate *r, gpu_prec p, double m, double n, double k, double groups,
                          int skinny, double tm, double *tc_out)
{
    gpu_prec q = gpu_prec_fallback(r->peak_flops, p);
    double sms = r->sms >= 1 ? floor(r->sms) : 1;
    double per_sm = r->peak_flops[q] * r->ops.eta_mm[q] * math_clock(r, q) / sms;
    double best = INFINITY, reduce = r->ops.kernel_us * 1e-6, fixed = r->ops.gemm_us * 1e-6;
    double fixed_skinny = r->ops.skinny_us > 0 ? r->ops.skinny_us * 1e-6 : fixed;
    *tc_out = INFINITY;
    if (per_sm <= 0)
        return best;
    for (size_t i = 0; i < sizeof TILES / sizeof TILES[0]; i++) {
        double tmr = TILES[i][0], tn = TILES[i][1];
        if (tmr < 64 && (!skinny || ceil(m) > tmr))
            continue;   /* a skinny tile spans all the tokens or is not used */
        double tiles = groups * ceil(m / tmr) * ceil(n / tn);
        for (size_t j = 0; j < sizeof SPLITK / sizeof SPLITK[0]; j++) {
            double sk = SPLITK[j];
            if (k / sk < 256 && sk > 1)
                break;
            double waves = ceil(tiles * sk / sms);
            double tc = waves * 2.0 * tmr * tn * (k / sk) / per_sm;
            double t = (tmr < 64 ? fixed_skinny : fixed) + sqrt(tc * tc + tm * tm) + (sk > 1 ? reduce : 0);
            if (t < best) {
                best = t;
                *tc_out = tc;
            }
        }
    }
    return best;
}

/* One kernel of `groups` GEMMs: its time (its tiling's fixed cost) and the
 * chosen tiling's compute and memory terms. */
static double gemm_time_s(const gpu_rate *r, gpu_prec p, double e, double m, double n, double k,
                          double groups, double *tc, double *tm)
{
    *tm = groups * e * (m * k + k * n + m * n) / bw(r);
    return gemm_best_s(r, p, m, n, k, groups, 1, *tm, tc);
}

double ops_gemm_s(const gpu_rate *r, gpu_prec p, double elem_bytes, double m, double n, double k)
{
    if (m <= 0 || n <= 0 || k <= 0)
        return 0;
    double tc, tm;
    return gemm_time_s(r, p, elem_bytes, m, n, k, 1, &tc, &tm);
}

void ops_gemm(ops_cost *c, const gpu_rate *r, gpu_prec p, double elem_bytes, double m, double n,
              double k, double count)
{
    ops_gemm_grouped(c, r, p, elem_bytes, m, n, k, 1, count);
}

void ops_gemm_grouped(ops_cost *c, const gpu_rate *r, gpu_prec p, double elem_bytes, double m,
                      double n, double k, double groups, double count)
{
    if (m <= 0 || n <= 0 || k <= 0 || groups <= 0 || count <= 0)
        return;
    double tc, tm;
    double t = gemm_time_s(r, p, elem_bytes, m, n, k, groups, &tc, &tm);
    c->s += count * t;
    /* the split keeps the ratio of the two terms and sums to the time */
    c->compute_s += count * t * tc / (tc + tm);
    c->mem_s += count * t * tm / (tc + tm);
    c->kernels += count;
}

/* How a one-block-per-token kernel walks its row: the block's threads, the
 * loop iterations it runs and the lanes that do work over all of them
 * (iterations x threads - lanes are idle in the last, partial loop). */
typedef struct {
    double threads, iters, lanes;
} row_walk;

static row_walk walk_of(const ops_kind_def *d, double width)
{
    row_walk w = { 0, 0, 0 };
    double row = width * d->span;
    if (d->threads <= 0 || row <= 0)
        return w;
    w.threads = row < d->threads ? row : d->threads;
    w.iters = d->loops * ceil(row / w.threads);
    w.lanes = d->loops * row;
    return w;
}

/* vLLM's rotary kernel sizes its block on the query pairs, min(q/2, 512),
 * and loops over the query pairs, then over the key pairs [F:
 * pos_encoding_kernels.cu apply_rotary_embedding]: with few key heads per
 * GPU the key loop runs mostly idle. */
static row_walk walk_rope(double q_width, double k_width)
{
    const ops_kind_def *d = &KINDS[OPS_ROPE];
    double qp = q_width * d->span, kp = k_width * d->span;
    row_walk w = { 0, 0, 0 };
    if (qp <= 0)
        return walk_of(d, k_width);
    w.threads = qp < d->threads ? qp : d->threads;
    w.iters = ceil(qp / w.threads) + (kp > 0 ? ceil(kp / w.threads) : 0);
    w.lanes = qp + kp;
    return w;
}

/* The streaming time of n tokens of kind d: the share of its working set
 * that L2 holds between repeats (1 / (1 + (W / L2)^4)) at eta_l2, the rest
 * at eta_bw. A lane idle in a partial loop streams at IDLE_STREAM of a
 * working one: the block holds its SM's slots while fewer loads are in
 * flight (0 if other blocks hid it fully, 1 if nothing did). */
static double small_stream_s(const gpu_rate *r, const ops_kind_def *d, double n, double width,
                             double elem_bytes, const row_walk *w)
{
    double bytes = n * width * elem_bytes;
    double hit = 0;
    if (r->ops.l2_mb > 0 && r->ops.eta_l2 > 0)
        hit = 1.0 / (1.0 + pow(bytes * d->touched / (r->ops.l2_mb * 1e6), L2_EXP));
    if (w->lanes > 0)
        bytes *= 1 + IDLE_STREAM * (w->iters * w->threads - w->lanes) / w->lanes;
    double t = bytes * d->passes * (1 - hit) / bw(r);
    if (hit > 0)
        t += bytes * d->passes * hit / (r->peak_bytes * r->ops.eta_l2);
    return t;
}

/* The latency-bound time of a one-block-per-token kernel: waves of blocks
 * (as many per SM as its threads allow), each running its loop iterations
 * of chain dependent accesses of lat_us. */
static double small_latency_s(const gpu_rate *r, const ops_kind_def *d, double tokens,
                              const row_walk *w)
{
    if (w->threads <= 0)
        return 0;
    double per_sm = floor(SM_THREADS / w->threads), sms = r->sms >= 1 ? floor(r->sms) : 1;
    double waves = ceil(tokens / (sms * per_sm));
    return waves * w->iters * d->chain * r->ops.lat_us * 1e-6;
}

static double small_walk_s(const gpu_rate *r, ops_kind kind, double tokens, double width,
                           double elem_bytes, const row_walk *w)
{
    const ops_kind_def *d = &KINDS[kind];
    if (tokens <= 0)
        return 0;
    double t0 = d->kernels * r->ops.kernel_us * 1e-6;
    if (kind == OPS_EMBED && tokens <= SMALL_INDEX)
        return t0 + tokens * d->chain * r->ops.lat_us * 1e-6;
    if (d->sm_floor) {
        double n = tokens < r->sms ? r->sms : tokens;
        return t0 + n * width * elem_bytes * d->passes / bw(r);
    }
    double ts = small_stream_s(r, d, tokens, width, elem_bytes, w), tl = small_latency_s(r, d, tokens, w);
    return t0 + pow(pow(ts, WALK_OVERLAP) + pow(tl, WALK_OVERLAP), 1.0 / WALK_OVERLAP);
}

double ops_small_s(const gpu_rate *r, ops_kind kind, double tokens, double width, double elem_bytes)
{
    row_walk w = walk_of(&KINDS[kind], width);
    return small_walk_s(r, kind, tokens, width, elem_bytes, &w);
}

double ops_rope_s(const gpu_rate *r, double tokens, double q_width, double k_width, double elem_bytes)
{
    row_walk w = walk_rope(q_width, k_width);
    return small_walk_s(r, OPS_ROPE, tokens, q_width + k_width, elem_bytes, &w);
}

static void add_small(ops_cost *c, ops_kind kind, double t, double count)
{
    c->s += count * t;
    c->mem_s += count * t;
    c->kernels += count * KINDS[kind].kernels;
}

void ops_rope(ops_cost *c, const gpu_rate *r, double tokens, double q_width, double k_width,
              double elem_bytes, double count)
{
    if (tokens <= 0 || count <= 0)
        return;
    add_small(c, OPS_ROPE, ops_rope_s(r, tokens, q_width, k_width, elem_bytes), count);
}

void ops_small(ops_cost *c, const gpu_rate *r, ops_kind kind, double tokens, double width,
               double elem_bytes, double count)
{
    if (tokens <= 0 || count <= 0)
        return;
    add_small(c, kind, ops_small_s(r, kind, tokens, width, elem_bytes), count);
}

static void add_overlapped(ops_cost *c, const gpu_rate *r, double tc, double tm, double kernels,
                           double count)
{
    double t = kernels * r->ops.kernel_us * 1e-6 + sqrt(tc * tc + tm * tm);
    c->s += count * t;
    if (tc + tm > 0) {
        c->compute_s += count * t * tc / (tc + tm);
        c->mem_s += count * t * tm / (tc + tm);
    }
    c->kernels += count * kernels;
}

/* FlashAttention runs its matrix products in 16-bit whatever the weights. */
static double attn_flops_per_s(const gpu_rate *r)
{
    /* bf16, or fp16 on GPUs without bf16 (V100, T4) */
    gpu_prec q = gpu_prec_fallback(r->peak_flops, r->peak_flops[GPU_BF16] > 0 ? GPU_BF16 : GPU_FP16);
    return r->peak_flops[q] * r->ops.eta_attn * math_clock(r, q);
}

void ops_attn_prefill(ops_cost *c, const gpu_rate *r, double tokens, double pairs, double heads,
                      double head_dim, double kv_bytes, double count)
{
    if (tokens <= 0 || count <= 0)
        return;
    double tc = 4.0 * head_dim * heads * pairs / attn_flops_per_s(r);
    double tm = (kv_bytes + 2.0 * 2.0 * tokens * heads * head_dim) / bw(r);   /* + Q in, O out */
    add_overlapped(c, r, tc, tm, 1, count);
}

void ops_attn_decode(ops_cost *c, const gpu_rate *r, double seqs, double pairs, double heads,
                     double head_dim, double kv_bytes, double count)
{
    if (seqs <= 0 || count <= 0)
        return;
    double tc = 4.0 * head_dim * heads * pairs / attn_flops_per_s(r);
    double tm = (kv_bytes + 2.0 * 2.0 * seqs * heads * head_dim) / bw(r);
    add_overlapped(c, r, tc, tm, 2, count);   /* split-KV pass and its reduction */
}

double ops_conv_out(double in, double stride)
{
    return ceil(in / (stride > 1 ? stride : 1));
}

double ops_conv_flops(const ops_conv_shape *s)
{
    double ho = ops_conv_out(s->h, s->stride), wo = ops_conv_out(s->w, s->stride);
    return 2.0 * s->batch * ho * wo * s->c_out * s->c_in * s->k * s->k;
}

void ops_conv(ops_cost *c, const gpu_rate *r, gpu_prec p, double elem_bytes, const ops_conv_shape *s,
              ops_conv_pass pass, double count)
{
    if (s->batch <= 0 || count <= 0)
        return;
    double ho = ops_conv_out(s->h, s->stride), wo = ops_conv_out(s->w, s->stride);
    double pix = s->batch * ho * wo, k2 = s->k * s->k;
    double in = s->batch * s->h * s->w * s->c_in, out = pix * s->c_out, filt = s->c_out * s->c_in * k2;
    double m, n, k;
    switch (pass) {
    case OPS_CONV_DGRAD: m = pix, n = s->c_in, k = s->c_out * k2; break;
    case OPS_CONV_WGRAD: m = s->c_out, n = s->c_in * k2, k = pix; break;
    default: m = pix, n = s->c_out, k = s->c_in * k2; break;
    }
    /* cuDNN has kernels of either orientation (narrow channel tiles for
     * 64-channel layers): the better of the two; not the skinny tiles, which
     * are the token-side kernels of LLM GEMMs [I: cuDNN's implicit GEMMs
     * are not known here below 64 channels] */
    double tm = elem_bytes * (in + out + filt) / bw(r), tc, tc2;
    double t = gemm_best_s(r, p, m, n, k, 1, 0, tm, &tc), t2 = gemm_best_s(r, p, n, m, k, 1, 0, tm, &tc2);
    if (t2 < t)
        t = t2, tc = tc2;
    c->s += count * t;
    c->compute_s += count * t * tc / (tc + tm);
    c->mem_s += count * t * tm / (tc + tm);
    c->kernels += count;
}

void ops_stream(ops_cost *c, const gpu_rate *r, double bytes, double kernels, double count)
{
    if (count <= 0 || (bytes <= 0 && kernels <= 0))
        return;
    double t = count * (kernels * r->ops.kernel_us * 1e-6 + bytes / bw(r));
    c->s += t;
    c->mem_s += t;
    c->kernels += count * kernels;
}
