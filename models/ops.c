/* ops.c -- operator-level GPU cost (ops.h).
 *
 * Kinds of small kernel: launches per operator, passes (bytes moved per
 * token, in units of width x elem_bytes: reads plus writes, with the
 * implementation's intermediate tensors) and whether a thread block handles
 * one token. add, norm, rope, act and embed are fitted jointly on A100 and
 * H100 to Vidur's profiles of vLLM's kernels (calibration/fit_operators.py;
 * kernels chosen from 1-4 per kind by the same fit): add reads two tensors
 * and writes one (3 passes ideal, 2.73 fitted); norm reads, reduces in fp32
 * and writes (4.45); rope reads and writes q and k with the cos/sin cache
 * (3.69 over q + k); act reads gate and up and writes one (3 ideal over
 * the output width, 4.71 fitted); the embedding (10.2 over d) is Vidur's
 * vocabulary-parallel lookup with masking. sample is not in the profiles
 * [I]: softmax, top-k/top-p and the draw each read the fp32 logits once
 * (3 passes, 3 kernels, one block per sequence). */
#include "models/ops.h"

#include <math.h>

typedef struct {
    const char *name;
    double kernels, passes;
    int    per_token_block;
} ops_kind_def;

static const ops_kind_def KINDS[OPS_NKINDS] = {
    [OPS_ADD]    = { "add",    2, 2.729, 0 },
    [OPS_NORM]   = { "norm",   2, 4.446, 1 },
    [OPS_ROPE]   = { "rope",   2, 3.687, 1 },
    [OPS_ACT]    = { "act",    2, 4.708, 1 },
    [OPS_EMBED]  = { "embed",  3, 10.205, 0 },
    [OPS_SAMPLE] = { "sample", 3, 3.0, 1 },
};

const char *ops_kind_name(ops_kind k) { return KINDS[k].name; }

static const double TILES[][2] = { { 64, 128 }, { 128, 128 }, { 128, 256 }, { 256, 128 } };
static const double SPLITK[] = { 1, 2, 3, 4, 6, 8, 12, 16 };

static double bw(const gpu_rate *r)
{
    return r->peak_bytes * r->ops.eta_bw;
}

/* The compute time of the best tiling of `groups` GEMMs of m x n x k:
 * waves of one tile per SM. */
static double gemm_compute_s(const gpu_rate *r, gpu_prec p, double m, double n, double k, double groups)
{
    gpu_prec q = gpu_prec_fallback(r->peak_flops, p);
    double sms = r->sms >= 1 ? floor(r->sms) : 1;
    double per_sm = r->peak_flops[q] * r->ops.eta_mm[q] / sms;
    double best = INFINITY;
    if (per_sm <= 0)
        return best;
    for (size_t i = 0; i < sizeof TILES / sizeof TILES[0]; i++) {
        double tm = TILES[i][0], tn = TILES[i][1];
        double tiles = groups * ceil(m / tm) * ceil(n / tn);
        for (size_t j = 0; j < sizeof SPLITK / sizeof SPLITK[0]; j++) {
            double sk = SPLITK[j];
            if (k / sk < 256 && sk > 1)
                break;
            double waves = ceil(tiles * sk / sms);
            double t = waves * 2.0 * tm * tn * (k / sk) / per_sm;
            if (t < best)
                best = t;
        }
    }
    return best;
}

static void gemm_parts(const gpu_rate *r, gpu_prec p, double e, double m, double n, double k,
                       double groups, double *tc, double *tm)
{
    *tc = gemm_compute_s(r, p, m, n, k, groups);
    *tm = groups * e * (m * k + k * n + m * n) / bw(r);
}

double ops_gemm_s(const gpu_rate *r, gpu_prec p, double elem_bytes, double m, double n, double k)
{
    if (m <= 0 || n <= 0 || k <= 0)
        return 0;
    double tc, tm;
    gemm_parts(r, p, elem_bytes, m, n, k, 1, &tc, &tm);
    return r->ops.gemm_us * 1e-6 + sqrt(tc * tc + tm * tm);
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
    gemm_parts(r, p, elem_bytes, m, n, k, groups, &tc, &tm);
    double t = r->ops.gemm_us * 1e-6 + sqrt(tc * tc + tm * tm);
    c->s += count * t;
    /* the split keeps the ratio of the two terms and sums to the time */
    c->compute_s += count * t * tc / (tc + tm);
    c->mem_s += count * t * tm / (tc + tm);
    c->kernels += count;
}

double ops_small_s(const gpu_rate *r, ops_kind kind, double tokens, double width, double elem_bytes)
{
    const ops_kind_def *d = &KINDS[kind];
    if (tokens <= 0)
        return 0;
    double n = d->per_token_block && tokens < r->sms ? r->sms : tokens;
    return d->kernels * r->ops.kernel_us * 1e-6 + n * width * elem_bytes * d->passes / bw(r);
}

void ops_small(ops_cost *c, const gpu_rate *r, ops_kind kind, double tokens, double width,
               double elem_bytes, double count)
{
    if (tokens <= 0 || count <= 0)
        return;
    double t = count * ops_small_s(r, kind, tokens, width, elem_bytes);
    c->s += t;
    c->mem_s += t;
    c->kernels += count * KINDS[kind].kernels;
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
    return r->peak_flops[q] * r->ops.eta_attn;
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
     * 64-channel layers): the better of the two */
    double tc = fmin(gemm_compute_s(r, p, m, n, k, 1), gemm_compute_s(r, p, n, m, k, 1));
    double tm = elem_bytes * (in + out + filt) / bw(r);
    double t = r->ops.gemm_us * 1e-6 + sqrt(tc * tc + tm * tm);
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
