/* ops.h -- operator-level GPU cost: GEMMs by shape, FlashAttention-style
 * attention, small kernels (norms, element-wise, embedding, sampling).
 *
 * A workload step is a list of operators; each is costed on the resource r
 * (a whole GPU, a MIG instance, an MPS share: its SMs, datasheet peaks and
 * the GPU's gpu_ops parameters) and the times add up, as kernels of one
 * CUDA stream do. The mechanisms (docs/workloads.md):
 *
 *  GEMM C[m,n] = A[m,k] B[k,n]: the kernel is a grid of output tiles
 *    (tm x tn in {64x128, 128x128, 128x256, 256x128}, and 16x128, 32x128
 *    where they span all m: the skinny kernels of a few tokens; not for
 *    convolutions), optionally split
 *    along k (split-K 1..16, at least 256 deep) so that skinny GEMMs fill
 *    the SMs. Tiles run in waves of one tile per SM; every wave costs a whole
 *    tile's FLOPs at eta_mm x the per-SM peak of the precision (wave and
 *    tile quantisation). Memory: A, B and C once at eta_bw x bandwidth. The
 *    two overlap imperfectly: t = gemm_us + sqrt(tc^2 + tm^2) (exact at
 *    either extreme, 41% above the larger term where they are equal; the
 *    exponent 2 was chosen over 1.5, 3, 4 on the operator profiles), plus
 *    kernel_us for a split-K tiling: the reduction of its partial sums is a
 *    small kernel of its own (cuBLAS's splitKreduce_kernel). The best
 *    tiling by that time is taken, as cuBLAS's heuristics try to.
 *  Small kernels: kernels x kernel_us plus passes x bytes per token / (eta_bw
 *    x bandwidth); kernels that run one thread block per token (norms, RoPE,
 *    activation, sampling) take at least one block's time on one SM, which
 *    is the cost of max(tokens, SMs) tokens; a block walking its row
 *    waits on dependent loads (lat_us each), and that walk and the stream
 *    overlap as (ts^3 + tl^3)^(1/3); lanes idle in a partial loop over the
 *    row stream at half a working lane's cost. kernels and passes per kind
 *    describe the engine's implementation (fitted to vLLM's kernels as Vidur
 *    profiles them; OPS kinds in ops.c).
 *  Attention prefill: 4 x head_dim x heads FLOPs per (query, key) pair at
 *    eta_attn x the 16-bit peak, against reading Q, K, V and writing O;
 *    decode: reading the KV cache (FlashDecoding splits it over the SMs) at
 *    eta_bw, plus a reduction kernel.
 * Every result is in seconds. Nothing here has state. */
#ifndef MODELS_OPS_H
#define MODELS_OPS_H

#include <stdint.h>
#include "models/gpu.h"

typedef enum {
    OPS_ADD,      /* residual add */
    OPS_NORM,     /* RMSNorm / LayerNorm */
    OPS_ROPE,     /* rotary embedding of q and k */
    OPS_ACT,      /* SiLU(gate) x up */
    OPS_EMBED,    /* token embedding lookup */
    OPS_SAMPLE,   /* softmax, top-k/p and sampling over the vocabulary (fp32 logits) */
    OPS_NKINDS
} ops_kind;

/* A running total of a step's operators: time, its compute-bound and
 * memory-bound parts (for executors that share SMs or bandwidth, as
 * gpu_burst_split gives them) and the kernels launched. */
typedef struct {
    double   s, compute_s, mem_s;
    double   kernels;
} ops_cost;

/* ops_gemm_s: time of one GEMM of m x n x k (m may be fractional: an
 * average over experts; tiles use its ceiling) with operands of elem_bytes
 * in precision p (fallback to a wider precision the GPU has). */
double ops_gemm_s(const gpu_rate *r, gpu_prec p, double elem_bytes, double m, double n, double k);

/* ops_gemm: count GEMMs of that shape added to c. */
void ops_gemm(ops_cost *c, const gpu_rate *r, gpu_prec p, double elem_bytes, double m, double n,
              double k, double count);

/* ops_gemm_grouped: `groups` GEMMs of m x n x k run as one grouped kernel
 * (the fused MoE kernels of vLLM and SGLang): one fixed cost, their tiles
 * in waves together, every group's operands streamed. count such kernels. */
void ops_gemm_grouped(ops_cost *c, const gpu_rate *r, gpu_prec p, double elem_bytes, double m,
                      double n, double k, double groups, double count);

/* ops_small_s: one small kernel of `kind` over `tokens` tokens of `width`
 * elements of elem_bytes each. */
double ops_small_s(const gpu_rate *r, ops_kind kind, double tokens, double width, double elem_bytes);
void ops_small(ops_cost *c, const gpu_rate *r, ops_kind kind, double tokens, double width,
               double elem_bytes, double count);

/* ops_rope_s: the rotary embedding of `tokens` tokens, q_width query and
 * k_width key elements each (one GPU's share; elem_bytes each), as vLLM's
 * kernel runs it: one block per token, sized on the query pairs, looping
 * over the query pairs and then the key pairs. ops_small_s(OPS_ROPE, w) is
 * ops_rope_s(w, 0). ops_rope: count such kernels added to c. */
double ops_rope_s(const gpu_rate *r, double tokens, double q_width, double k_width, double elem_bytes);
void ops_rope(ops_cost *c, const gpu_rate *r, double tokens, double q_width, double k_width,
              double elem_bytes, double count);

/* ops_attn_prefill: count layers of causal prefill attention of `tokens`
 * query tokens making `pairs` (query, key) pairs in all, heads query heads
 * of head_dim, reading kv_bytes of keys and values (cache and new). */
void ops_attn_prefill(ops_cost *c, const gpu_rate *r, double tokens, double pairs, double heads,
                      double head_dim, double kv_bytes, double count);

/* ops_attn_decode: count layers of decode attention of `seqs` sequences
 * reading kv_bytes of cache in all, with pairs (query, key) pairs. */
void ops_attn_decode(ops_cost *c, const gpu_rate *r, double seqs, double pairs, double heads,
                     double head_dim, double kv_bytes, double count);

/* A 2-D convolution over NHWC images as cuDNN runs it, an implicit GEMM:
 * `batch` images of h x w x c_in, c_out filters of k x k, stride `stride`,
 * "same" padding (output ceil(h / stride) x ceil(w / stride)). The three
 * passes of training are three implicit GEMMs of the same FLOPs:
 *   OPS_CONV_FWD   m = batch ho wo, n = c_out, k = c_in k^2
 *   OPS_CONV_DGRAD m = batch ho wo, n = c_in,  k = c_out k^2 (the input's
 *                  gradient; strided positions are not computed)
 *   OPS_CONV_WGRAD m = c_out, n = c_in k^2, k = batch ho wo (split-K)
 * Tiles, waves and the overlap with memory are ops_gemm's, with the tile
 * grid in either orientation (cuDNN has kernels with narrow channel tiles
 * for 64-channel layers), the better taken; memory is what
 * the implicit GEMM streams from HBM: its input, filters and output once
 * (the k x k neighbourhood is re-read from L2 and shared memory, not HBM,
 * unlike an explicit im2col). */
typedef struct {
    double batch, h, w, c_in, c_out, k, stride;
} ops_conv_shape;

typedef enum { OPS_CONV_FWD, OPS_CONV_DGRAD, OPS_CONV_WGRAD } ops_conv_pass;

/* ops_conv_flops: 2 x multiply-accumulates of one pass of s (every pass
 * has the same). ops_conv_out: the output height (or width) of in. */
double ops_conv_flops(const ops_conv_shape *s);
double ops_conv_out(double in, double stride);

/* ops_conv: count convolutions of shape s, pass `pass`, operands of
 * elem_bytes in precision p, added to c. */
void ops_conv(ops_cost *c, const gpu_rate *r, gpu_prec p, double elem_bytes, const ops_conv_shape *s,
              ops_conv_pass pass, double count);

/* ops_stream: count memory-bound kernels (batch norm, element-wise,
 * softmax, dropout) that move `bytes` between HBM and the SMs in all,
 * over `kernels` launches: kernels x kernel_us + bytes / (eta_bw x
 * bandwidth). For the workloads whose element-wise kernels are not the LLM
 * engine's (ops_small's kinds); the caller counts the passes. */
void ops_stream(ops_cost *c, const gpu_rate *r, double bytes, double kernels, double count);

/* ops_kind_name: "add", "norm", ... */
const char *ops_kind_name(ops_kind k);

#endif
