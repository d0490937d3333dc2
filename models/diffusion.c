/* diffusion.c -- diffusion presets, the layer-by-layer cost of the UNet,
 * ControlNet, VAE decoder and text encoders, and the batching server.
 *
 * Invariants: a request is in the waiting FIFO, in the running batch, or in
 * the pool; at most one batch runs; the batch has one GPU job or host wait
 * outstanding at a time; the wait timer is armed only while the server is
 * idle with requests waiting. */
#include "models/diffusion.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/ops.h"
#include "models/tenant.h"
#include "sim/pool.h"

/* Architectures (diffusers configs):
 * SD 1.5 (runwayml/stable-diffusion-v1-5 unet/config.json): block channels
 * 320, 640, 1280, 1280, two resnets per down block (three per up block),
 * one transformer per resnet on the first three levels, 8 heads everywhere
 * (the config's attention_head_dim 8 is the head count: head dims 40, 80,
 * 160), a mid transformer, 1x1-convolution projections, CLIP ViT-L/14 text
 * context of 77 x 768 (12 layers, width 768, 12 heads, MLP 3072, vocabulary
 * 49408; Radford et al. 2021). 860 M UNet parameters (Rombach et al. 2022).
 * SDXL (stabilityai/stable-diffusion-xl-base-1.0 unet/config.json): 320,
 * 640, 1280 channels, transformer depth 0, 2, 10 per level and 10 in the
 * mid block, heads 5, 10, 20 (head dim 64), linear projections, context
 * 77 x 2048 from CLIP ViT-L (768) and OpenCLIP ViT-bigG (32 layers, width
 * 1280, 20 heads, MLP 5120; Podell et al. 2023: 2.6 B UNet parameters).
 * Both: 4 latent channels, the AutoencoderKL decoder (channels 512, 512,
 * 256, 128 from the latent up, three resnets per level, one single-head
 * attention in its mid block) at 8 pixels per latent pixel.
 * The roofline fallback's numbers (cost: roofline): SDXL's UNet FLOPs and
 * bytes are DERIVED so that the roofline of the GPU presets reproduces the
 * TensorRT timings of FACTS §6 (84 ms A100, 44 ms H100 per step with
 * guidance; VAE 228 / 127 ms); SD 1.5: 339 G multiply-accumulates (Kim et
 * al. 2023, BK-SDM) with SDXL's bytes per FLOP [I]. Default steps: 30, the
 * step count of 90% of production requests (FACTS §6). */
static const diff_model MODELS[] = {
    { "sdxl-1024", 3, { 320, 640, 1280, 0 }, { 0, 2, 10, 0 }, { 0, 10, 20, 0 }, 2, 10,
      77, 2048, 4, 8, 1024,
      { { 12, 768, 12, 3072, 49408 }, { 32, 1280, 20, 5120, 49408 } },
      9.04144e12, 5.2e9, 52.6719e9, 2 * 817e6 * 77, 817e6 * 2,
      49.0832e12, 319.081e9, 30,
      "diffusers SDXL base 1.0 config; Podell et al. 2023; roofline fallback from FACTS §6 [I]" },
    { "sd15-512", 4, { 320, 640, 1280, 1280 }, { 1, 1, 1, 0 }, { 8, 8, 8, 0 }, 2, 1,
      77, 768, 4, 8, 512,
      { { 12, 768, 12, 3072, 49408 }, { 0, 0, 0, 0, 0 } },
      678e9, 1.72e9, 3.94976e9, 2 * 123e6 * 77, 123e6 * 2,
      49.0832e12 / 4, 319.081e9 / 4, 30,
      "diffusers SD v1.5 config; Rombach et al. 2022; Kim et al. 2023 (BK-SDM) [I]" },
};
#define NMODELS (sizeof MODELS / sizeof MODELS[0])

/* The mid block's heads: the last attention level's head count (SD 1.5: 8
 * heads of 160; SDXL: 20 of 64). */
static int mid_heads(const diff_model *m)
{
    for (int i = m->levels - 1; i >= 0; i--)
        if (m->heads[i] > 0)
            return m->heads[i];
    return 8;
}

const diff_model *diff_model_find(const char *name)
{
    for (size_t i = 0; i < NMODELS; i++)
        if (strcmp(MODELS[i].name, name) == 0)
            return &MODELS[i];
    return NULL;
}

const char *diff_model_list(void) { return "sdxl-1024, sd15-512"; }

/* Host time to dispatch one eager PyTorch operator that launches a kernel
 * [F: fitted on the A100's eager rows, views at DIFF_VIEW_OP_FRAC of it:
 * 52 us gave the A100 rows their smallest mean error with the linear
 * layers at eta_mm (57 us before, when SDXL's batch-1 step was GPU-bound
 * and only SD 1.5 and its ControlNet set it; 44 us when views counted as
 * much). Held when the narrow layers and GroupNorm copies moved eta_conv:
 * 56 us would give the A100 9.9% against 10.5% mean, its SDXL rows 14.2%
 * against 12.7% (docs/workloads.md)]. */
#define DIFF_EAGER_OP_US 52.0

/* Engines. eager: PyTorch 2.x eager with SDPA, every framework operator
 * dispatched by the host at host_op_us [F: fitted, docs/workloads.md]; the
 * GPU runs each kernel when it has been dispatched and the previous one has
 * ended. compile: torch.compile mode "reduce-overhead" (Inductor fuses the
 * norm / activation / residual chains; the UNet replays as one CUDA graph of
 * host_graph_us [I: a graph launch costs tens of microseconds]). tensorrt:
 * a TensorRT engine (fused chains as compile, one enqueue per step [I]; no
 * calibration rows). All three run the scheduler and the guidance
 * combination eagerly: step_ops operators per step [I: the cat of the two
 * latent halves, scale_model_input, chunk, the guidance axpy and the
 * scheduler's update, counted in diffusers' pipelines]. */
static const diff_engine ENGINES[] = {
    { "eager", DIFF_EAGER_OP_US, 0, 0, 0, 12,
      "PyTorch eager; host per operator fitted on diffusers' torch 2.0 tables [F]" },
    { "compile", DIFF_EAGER_OP_US, 30, 1, 1, 12,
      "torch.compile reduce-overhead (Inductor fusion, CUDA graphs) [I]" },
    { "tensorrt", DIFF_EAGER_OP_US, 30, 1, 1, 12,
      "TensorRT engine: fused as compile, one enqueue per step [I]" },
};
#define NENGINES (sizeof ENGINES / sizeof ENGINES[0])

const diff_engine *diff_engine_find(const char *name)
{
    for (size_t i = 0; i < NENGINES; i++)
        if (strcmp(ENGINES[i].name, name) == 0)
            return &ENGINES[i];
    return NULL;
}

const char *diff_engine_list(void) { return "eager, compile, tensorrt"; }

/* ---- the layer walk ---- */


typedef struct {
    const gpu_rate *r;    /* &rr */
    gpu_rate rr;          /* the resource at the clock it sustains (gpu_power_clock) */
    gpu_rate rc, rg;      /* rr with the convolutions' and GEMMs' rates */
    const diff_engine *e;
    gpu_prec prec;
    double eb;            /* GEMM operand bytes */
    double act;           /* activation bytes: 2 (fp16 / bf16), 4 (fp32) */
    gpu_prec conv_prec;   /* the convolutions' precision: TF32 for fp32 (cuDNN's default) */
    int    math_attn;     /* attention as two batched GEMMs and a softmax over the scores */
    double host_op_us;    /* the params' override of the engine's host time per operator; 0 = none */
    int    fused, eager;  /* element-wise chains fused; operators dispatched one by one */
    int    fused_qkv;     /* q, k, v projections as one GEMM */
    gpu_rate r8;          /* rg with the 8-bit integer tensor peak in its GPU_FP8 slot; */
    int    int8;          /* int8 linear layers where faster (p->int8_dynamic, the GPU has them) */
    int    gn_copy;       /* eager GroupNorm on channels_last tensors: copied to NCHW and back (group_norm) */
    double host, clock;   /* host dispatch time so far; end of the GPU's queue */
    double skip;          /* bytes of the UNet's skip tensors held so far */
    double peak;          /* largest live activation bytes seen */
    diff_cost *o;
} walk;

/* The share of its boost clock r sustains under a dense tensor load
 * (gpu_power_clock; 1 where the power limit does not bind). */
static double sustained_clock(const gpu_rate *r)
{
    return r->clock_frac > 0 && r->clock_frac < 1 ? r->clock_frac : 1.0;
}

/* The dense 8-bit integer tensor rate: the fp8 column where the GPU has
 * one (Hopper, Ada, Blackwell: the same rate), else twice the fp16 tensor
 * rate on the GPUs with integer tensor cores [F: A100 datasheet 624 TOPS
 * = 2 x 312; T4 130 = 2 x 65; RTX 3090 (GA102 whitepaper) 284 = 2 x 142],
 * none on Volta (its tensor cores are fp16 only [F: V100 datasheet]),
 * here: a GPU without bf16 and without an fp8 column whose fp16 peak is
 * at least 100 TFLOP/s. */
static double int8_peak(const gpu_rate *r)
{
    if (r->peak_flops[GPU_FP8] > 0)
        return r->peak_flops[GPU_FP8];
    if (r->peak_flops[GPU_BF16] <= 0 && r->peak_flops[GPU_FP16] >= 100e12)
        return 0;
    return 2 * r->peak_flops[GPU_FP16];
}

static void w_init(walk *w, const diff_params *p, const gpu_rate *r, diff_cost *o)
{
    memset(w, 0, sizeof *w);
    memset(o, 0, sizeof *o);
    /* a power-capped GPU's tensor work runs at the clock it sustains:
     * the operator costs apply it (models/ops.c, gpu_rate.clock_frac) */
    w->rr = *r;
    w->r = &w->rr;
    w->rc = w->rr;
    w->host_op_us = p->host_op_us > 0 ? p->host_op_us : 0;
    w->e = p->engine ? p->engine : diff_engine_find("compile");
    w->prec = p->prec;
    w->eb = p->prec == GPU_FP8 || p->prec == GPU_FP4 ? 1.0 : p->prec == GPU_FP32 ? 4.0 : 2.0;
    w->act = p->prec == GPU_FP32 ? 4.0 : 2.0;
    /* fp32 weights: the convolutions and GEMMs on TF32 tensor cores where
     * the GPU has them (cuDNN's default; for the GEMMs an inference: the
     * fast-diffusion tutorial's fp32 SDXL step, 245 ms on an A100, is out of
     * reach of 19.5 TFLOP/s CUDA cores) [I] */
    w->conv_prec = p->prec == GPU_FP32 ? GPU_TF32 : p->prec;
    if (p->prec == GPU_FP32)
        w->prec = GPU_TF32;
    w->math_attn = p->attention == DIFF_ATTN_MATH || p->prec == GPU_FP32;
    w->fused = w->e->fused;
    w->eager = !w->e->graphs;
    w->gn_copy = !w->fused && !p->nchw;
    w->o = o;
    /* the convolutions at the GPU's eta_conv; precisions other than 16-bit
     * keep eta_mm's ratio to the 16-bit value (the same shape penalty on
     * another peak) */
    for (int i = 0; i < GPU_NPREC; i++)
        if (r->ops.eta_conv > 0 && r->ops.eta_mm[GPU_BF16] > 0)
            w->rc.ops.eta_mm[i] = r->ops.eta_conv * r->ops.eta_mm[i] / r->ops.eta_mm[GPU_BF16];
    /* the linear layers are cuBLAS GEMMs, costed as the LLM path costs
     * them: eta_mm with ops_gemm's tiles and waves (gemm) */
    w->rg = w->rr;
    w->fused_qkv = p->fused_qkv;
    w->r8 = w->rg;
    w->r8.peak_flops[GPU_FP8] = int8_peak(r);
    w->int8 = p->int8_dynamic && w->r8.peak_flops[GPU_FP8] > 0 && w->eb == 2.0;
}

/* A host-only operator (a view, transpose, chunk, dropout at p = 0: the
 * module's Python and the dispatcher, no kernel launched, no cuBLAS or cuDNN
 * call) costs this fraction of the host time of one that launches a kernel
 * [I: PyTorch's view operators return after the dispatcher; with them at a
 * tenth the eager host time fitted on SD 1.5 and its ControlNet (26% views)
 * also holds for SDXL (33% views, docs/workloads.md)]. */
#define DIFF_VIEW_OP_FRAC 0.1

/* ops framework operators, each `weight` of a kernel-launching operator's
 * host time, whose kernels cost t. */
static void put_w(walk *w, const ops_cost *t, double ops, double weight)
{
    if (w->eager) {
        w->host += ops * weight * (w->host_op_us > 0 ? w->host_op_us : w->e->host_op_us) * 1e-6;
        if (w->clock < w->host)
            w->clock = w->host;
    }
    w->clock += t->s;
    w->o->gpu_s += t->s;
    w->o->compute_s += t->compute_s;
    w->o->mem_s += t->mem_s;
    w->o->kernels += t->kernels;
    w->o->ops += ops;
}

/* One framework operator (ops of them for the host) whose kernels cost t. */
static void put(walk *w, const ops_cost *t, double ops) { put_w(w, t, ops, 1.0); }

/* Host-only operators (views, module glue): dispatch time, no kernel. */
static void host_ops(walk *w, double ops)
{
    ops_cost t = { 0, 0, 0, 0 };
    put_w(w, &t, ops, DIFF_VIEW_OP_FRAC);
}

static void live(walk *w, double bytes)
{
    if (w->skip + bytes > w->peak)
        w->peak = w->skip + bytes;
}

/* A GEMM with weights (k x n, bias if asked): y[m, n] = x[m, k] W. */
/* A convolution of n output channels reaches n / (n + n0) of the GPU's
 * eta_conv, n0 = DIFF_WIDTH_PER_TF x the SM's tensor rate in TFLOP/s: a
 * tile's fixed time (loading its operands' first stages, the epilogue
 * writing the output, the wave's tail) does not shrink with the SM's math
 * rate, so on a faster SM it is worth more columns of work, and a narrow
 * layer amortises it worse. The rate is the one the convolutions run at:
 * for 16-bit ones the fp32-accumulating rate (the bf16 column where the GPU
 * has one; the GeForce cards' half rate), for fp32 weights TF32's (or the
 * CUDA cores' where the GPU has no TF32; fp8 the 16-bit rate, below), at
 * the clock the GPU sustains under tensor work (gpu_power_clock): n0 = 289
 * on the A100 (145 in TF32), 156 V100, 73 T4 at 70 W, 87 RTX 3090, 129
 * RTX 4090, 749 H100. [F: one value, fitted with the eta_conv values on
 * diffusers' tables (100 of 60-250 tried: the value where the five GPUs'
 * eta_conv come closest, 0.505-0.57); SDXL reaches 1.77x SD 1.5's FLOP
 * rate on the A100, 1.4x on the T4 and RTX 4090; docs/workloads.md. The
 * TF32 rate, half the bf16 one, follows from the law: a tile's fixed time
 * is worth half as many columns at half the rate; it took the A100's fp32
 * SDXL row of the fast-diffusion tutorial from +46.2% to +37.2%, no other
 * row moved]. */
#define DIFF_WIDTH_PER_TF 100.0

static double width_half(const gpu_rate *r, gpu_prec q)
{
    double pk = r->peak_flops[GPU_BF16] > 0 ? r->peak_flops[GPU_BF16] : r->peak_flops[GPU_FP16];
    double cf = sustained_clock(r);
    /* fp8 keeps the 16-bit rate [I]: no row checks the law at twice the
     * rate, and there it would take the H100's SDXL fp8 step from 1.41x
     * to 1.17x faster than bf16; held until an fp8 measurement decides */
    if (q == GPU_TF32 || q == GPU_FP32) {
        gpu_prec f = gpu_prec_fallback(r->peak_flops, q);
        pk = r->peak_flops[f];
        cf = f == GPU_FP32 ? 1.0 : cf;   /* CUDA-core FP32 runs at its peak (models/ops.c) */
    }
    return r->sms > 0 ? DIFF_WIDTH_PER_TF * pk * 1e-12 * cf / r->sms : 0;
}

/* The narrowest side of ops_conv's tiles (64 x 128 either way round) [F:
 * models/ops.c TILES without the skinny ones]. */
#define DIFF_CONV_MIN_TILE 64.0

/* r with its eta_mm at the width law's share for a layer of n output
 * channels. The law is the tile's fixed time amortised over the columns the
 * tile computes: a layer narrower than the narrowest tile (the UNet's
 * conv_out to 4 latent channels, the VAE's to 3 colours, ControlNet's
 * 16- and 32-channel embedding) still computes one tile of 64 columns,
 * whose padding ops_conv charges already, so it amortises the fixed time
 * as a 64-wide layer does: its time cannot exceed that layer's. */
static gpu_rate width_scaled(const gpu_rate *r, gpu_prec q, double n)
{
    gpu_rate x = *r;
    n = n > DIFF_CONV_MIN_TILE ? n : DIFF_CONV_MIN_TILE;
    double f = n / (n + width_half(r, q));
    for (int i = 0; i < GPU_NPREC; i++)
        x.ops.eta_mm[i] *= f;
    return x;
}

/* torchao's dynamic int8 quantisation of a linear layer (weights int8 per
 * output channel, the activations quantised per token at run time):
 * the activation's absmax and its int8 copy, then torch._int_mm on the
 * 8-bit integer tensor rate at the fp8 column's eta_mm (8-bit operands
 * reach less of their doubled peak [I], models/gpu.c) with the scales'
 * multiply fused into it (the tutorial's force_fuse_int_mm_with_mul).
 * Fused engines run the quantisation as two kernels, the absmax reading
 * the bf16 activation and the quantisation reading it again and writing
 * int8 (5 bytes per element, an Inductor reduction and a pointwise
 * kernel); eager as absmax,
 * divide, round, clamp and cast kernels (7 passes of 2 bytes) and the
 * int32 output's scaling (read 4 bytes, write 2 per output element) [I:
 * torchao's quant_primitives]. The layer is quantised only where this is
 * faster than bf16 (gemm): the tutorial filters out the layers that lose
 * (the 640-wide level's and the text context's narrow GEMMs), as the
 * per-layer choice does [I]. Returns the framework operators. */
static double int8_linear(walk *w, ops_cost *q, double m, double n, double k)
{
    ops_gemm(q, &w->r8, GPU_FP8, 1.0, m, n, k, 1);
    if (w->fused) {
        ops_stream(q, w->r, m * k * 2.5, 2, 1);
        return 1;
    }
    ops_stream(q, w->r, m * k * 7, 5, 1);
    ops_stream(q, w->r, m * n * 3, 1, 1);
    return 7;
}

/* A linear layer is a cuBLAS GEMM (addmm; bias in its epilogue): costed
 * as the LLM path costs its GEMMs, the GPU's eta_mm [F: fitted on Vidur's
 * A100 / H100 GEMM profiles, models/gpu.c] with ops_gemm's tile and wave
 * quantisation, not the convolutions' eta_conv and width law. cuDNN's
 * implicit-GEMM convolutions (the im2col addressing of a 3x3 window, the
 * halo of each tile, the NHWC layout) reach less of the peak than a plain
 * GEMM of the same size [I]: with the linear layers at eta_conv (before)
 * SDXL, two thirds of whose FLOPs are linear layers against a third for
 * SD 1.5, came out 20% (A100) and 14% (T4) slower than measured relative
 * to SD 1.5; at eta_mm the fitted eta_conv fall to 0.415-0.485 and SDXL's
 * rows come within 3-13% on average (docs/workloads.md). */
static void gemm(walk *w, double m, double n, double k, int bias)
{
    ops_cost t = { 0, 0, 0, 0 };
    ops_gemm(&t, &w->rg, w->prec, w->eb, m, n, k, 1);
    if (w->int8) {
        ops_cost q = { 0, 0, 0, 0 };
        double ops = int8_linear(w, &q, m, n, k);
        if (q.s < t.s) {
            put(w, &q, ops);
            w->o->flops += 2 * m * n * k;
            w->o->params += n * k + (bias ? n : 0);
            return;
        }
    }
    put(w, &t, 1);
    w->o->flops += 2 * m * n * k;
    w->o->params += n * k + (bias ? n : 0);
}

/* Element-wise / normalisation kernels: `passes` reads plus writes of
 * `elems` activations, `kernels` launches, `ops` framework operators. */
static void ew(walk *w, double elems, double passes, double kernels, double ops)
{
    ops_cost t = { 0, 0, 0, 0 };
    ops_stream(&t, w->r, elems * w->act * passes, kernels, 1);
    put(w, &t, ops);
}

/* A GroupNorm over elems activations: statistics, then normalise (3
 * passes, 2 kernels; one framework operator eager, none fused). PyTorch's CUDA GroupNorm
 * runs on NCHW only: its input is made contiguous() in NCHW (at::group_norm
 * takes the channels_last format on the CPU only), so an eager channels_last
 * UNet copies the input to NCHW and the next operator copies the NCHW output
 * back (the convolution asks for channels_last when its weight is, the
 * transformer's permute to tokens x channels is a reshape copy): two copies,
 * each a read and a write, 4 passes and 2 kernels more [I: aten
 * group_norm.cpp's memory_format; no native channels_last CUDA GroupNorm in
 * the torch 2.0 / 2023 nightly builds of diffusers' tables]. With it each
 * GPU's fitted eta_conv gives a smaller mean error on diffusers' rows (A100
 * 10.8 -> 10.5%, V100 8.5 -> 8.2, T4 3.8 -> 3.4, RTX 3090 5.7 -> 5.3, RTX
 * 4090 4.7 -> 4.0%; docs/workloads.md). Fused engines generate their own
 * norm kernels; NCHW tensors (p->nchw) need no copy. */
static void group_norm(walk *w, double elems)
{
    ew(w, elems, 3, 2, w->fused ? 0 : 1);
    if (w->gn_copy)
        ew(w, elems, 4, 2, 0);
}

/* A GroupNorm and its SiLU (norm_out and the activation before conv_out):
 * one chain in a fused engine, two operators eager. */
static void group_norm_silu(walk *w, double elems)
{
    group_norm(w, elems);
    if (!w->fused)
        ew(w, elems, 2, 1, 1);
}

/* A k x k convolution with bias; eager PyTorch adds the bias in a kernel
 * of its own over the output, fused engines in the next chain. */
static void conv(walk *w, double b, double h, double wd, double cin, double cout, int k, int stride)
{
    ops_cost t = { 0, 0, 0, 0 };
    const ops_conv_shape s = { b, h, wd, cin, cout, k, stride };
    gpu_rate rn = width_scaled(&w->rc, w->conv_prec, cout);
    ops_conv(&t, &rn, w->conv_prec, w->eb, &s, OPS_CONV_FWD, 1);
    double px = b * ceil(h / stride) * ceil(wd / stride);
    if (!w->fused)
        ops_stream(&t, w->r, px * cout * w->act * 2, 1, 1);
    put(w, &t, 1);
    w->o->flops += 2 * px * cout * cin * k * k;
    w->o->params += cin * cout * k * k + cout;
    live(w, (b * h * wd * cin + px * cout) * w->act);
}

/* FlashAttention's kernels are compiled for head dims 32, 64 and 128;
 * a head dim in between runs as the next one up (its matrix products padded
 * with zeros), beyond 128 in steps of 64 (the memory-efficient kernels that
 * SDPA picks there) [I: PyTorch 2.0 SDPA's dispatch]. */
static double head_pad(double d)
{
    if (d <= 32)
        return 32;
    if (d <= 64)
        return 64;
    if (d <= 128)
        return 128;
    return 64 * ceil(d / 64);
}

/* Non-causal attention of b sequences of nq queries over nk keys: SDPA's
 * fused kernel, or (math: diffusers' default processor without SDPA, and
 * fp32) head_to_batch_dim copies of q, k and v, baddbmm writing the scores,
 * softmax reading and writing them, bmm reading them, batch_to_head_dim. */
static void attn(walk *w, double b, double nq, double nk, double heads, double c)
{
    ops_cost t = { 0, 0, 0, 0 };
    double d = c / heads;
    w->o->flops += 4 * b * nq * nk * c;
    if (!w->math_attn) {
        ops_attn_prefill(&t, w->r, b * nq, b * nq * nk, heads, head_pad(d), b * nk * c * w->act * 2, 1);
        put(w, &t, 1);
        return;
    }
    double scores = b * heads * nq * nk;
    ew(w, b * (nq + 2 * nk) * c, 2, 3, 3);  /* head_to_batch_dim of q, k, v */
    ops_gemm_grouped(&t, w->r, w->prec, w->eb, nq, nk, d, b * heads, 1);   /* writes the scores */
    put(w, &t, 1);
    ew(w, scores, 3, 1, 1);                 /* softmax reads and writes them, bmm reads them */
    t = (ops_cost){ 0, 0, 0, 0 };
    ops_gemm_grouped(&t, w->r, w->prec, w->eb, nq, d, nk, b * heads, 1);
    put(w, &t, 1);
    ew(w, b * nq * c, 2, 1, 1);             /* batch_to_head_dim */
}

static void norm_params(walk *w, double c) { w->o->params += 2 * c; }

/* A resnet block: GroupNorm, SiLU, 3x3 conv, + time embedding, GroupNorm,
 * SiLU, 3x3 conv, 1x1 shortcut when the width changes, residual add and
 * diffusers' division by output_scale_factor. temb = 0: none (VAE). */
static void resnet(walk *w, double b, double h, double wd, double cin, double cout, double temb)
{
    double pi = b * h * wd * cin, po = b * h * wd * cout;
    live(w, (pi + 3 * po) * w->act);
    norm_params(w, cin);
    norm_params(w, cout);
    if (!w->fused) {
        group_norm(w, pi);
        ew(w, pi, 2, 1, 1);                 /* SiLU */
        conv(w, b, h, wd, cin, cout, 3, 1);
        if (temb > 0) {
            ew(w, b * temb, 2, 1, 1);       /* SiLU(temb) */
            gemm(w, b, cout, temb, 1);
            ew(w, po, 2, 1, 1);             /* + temb[:, :, None, None] */
            host_ops(w, 2);
        }
        group_norm(w, po);
        ew(w, po, 2, 1, 1);
        host_ops(w, 1);                     /* dropout (p = 0 at inference) */
        conv(w, b, h, wd, cout, cout, 3, 1);
        if (cin != cout)
            conv(w, b, h, wd, cin, cout, 1, 1);
        ew(w, po, 3, 1, 1);                 /* residual add */
        ew(w, po, 2, 1, 1);                 /* / output_scale_factor */
    } else {
        ew(w, pi, 3, 2, 0);                 /* GroupNorm + SiLU: statistics, apply */
        conv(w, b, h, wd, cin, cout, 3, 1);
        if (temb > 0) {
            ew(w, b * temb, 2, 1, 0);
            gemm(w, b, cout, temb, 1);
        }
        ew(w, po, 3, 2, 0);                 /* bias + temb + GroupNorm + SiLU */
        conv(w, b, h, wd, cout, cout, 3, 1);
        if (cin != cout)
            conv(w, b, h, wd, cin, cout, 1, 1);
        ew(w, po, 3, 1, 0);                 /* bias + residual + scale */
    }
}

/* Attention block of one transformer layer: q (from x), k, v (from x, or
 * from the context for cross-attention), SDPA, the heads' transpose back,
 * output projection, rescale and residual add. */
static void attn_block(walk *w, double b, double n, double c, double heads, double nk, double kdim)
{
    double t = b * n;
    if (w->fused_qkv && nk == n && kdim == c) {
        gemm(w, t, 3 * c, c, 0);            /* fused to_qkv */
        host_ops(w, 1);                     /* split */
    } else if (w->fused_qkv) {
        gemm(w, t, c, c, 0);
        gemm(w, b * nk, 2 * c, kdim, 0);    /* fused to_kv over the context */
        host_ops(w, 1);
    } else {
        gemm(w, t, c, c, 0);
        gemm(w, b * nk, c, kdim, 0);
        gemm(w, b * nk, c, kdim, 0);
    }
    if (w->eager)
        host_ops(w, 6);                     /* view + transpose of q, k, v */
    attn(w, b, n, nk, heads, c);
    ew(w, t * c, 2, 1, w->fused ? 0 : 1);   /* transpose(1, 2).reshape: a copy */
    gemm(w, t, c, c, 1);
    if (!w->fused) {
        ew(w, t * c, 2, 1, 1);              /* / rescale_output_factor */
        ew(w, t * c, 3, 1, 1);              /* residual add */
    }
}

/* A Transformer2DModel of `depth` layers over b x h x wd tokens of width c:
 * GroupNorm, projection in, per layer LayerNorm + self-attention, LayerNorm
 * + cross-attention to the text context, LayerNorm + GEGLU feed-forward
 * (c -> 8c, gelu(gate) x value, 4c -> c), projection out, residual add. */
static void transformer(walk *w, const diff_model *m, double b, double h, double wd, double c,
                        double heads, int depth)
{
    double n = h * wd, t = b * n;
    live(w, t * c * (2 + 8 + 4 + 1) * w->act);
    norm_params(w, c);
    group_norm(w, t * c);
    gemm(w, t, c, c, 1);                    /* proj_in */
    for (int l = 0; l < depth; l++) {
        norm_params(w, c);
        norm_params(w, c);
        norm_params(w, c);
        if (!w->fused) {
            ew(w, t * c, 2, 1, 1);          /* LayerNorm */
            attn_block(w, b, n, c, heads, n, c);
            ew(w, t * c, 2, 1, 1);
            attn_block(w, b, n, c, heads, m->ctx_len, m->ctx_dim);
            ew(w, t * c, 2, 1, 1);
            gemm(w, t, 8 * c, c, 1);        /* GEGLU projection */
            host_ops(w, 1);                 /* chunk */
            ew(w, t * 4 * c, 2, 1, 1);      /* gelu(gate) */
            ew(w, t * 4 * c, 3, 1, 1);      /* value x gelu(gate) */
            gemm(w, t, c, 4 * c, 1);
            ew(w, t * c, 3, 1, 1);          /* residual add */
        } else {
            if (l == 0)
                ew(w, t * c, 2, 1, 0);      /* LayerNorm (later ones fused with the add) */
            attn_block(w, b, n, c, heads, n, c);
            ew(w, t * c, 4, 2, 0);          /* rescale + residual + LayerNorm */
            attn_block(w, b, n, c, heads, m->ctx_len, m->ctx_dim);
            ew(w, t * c, 4, 2, 0);
            gemm(w, t, 8 * c, c, 1);
            ew(w, t * 4 * c, 3, 1, 0);      /* gelu(gate) x value */
            gemm(w, t, c, 4 * c, 1);
            ew(w, t * c, 3, 1, 0);          /* residual add */
        }
    }
    if (!w->fused && m->name[2] == '1')
        ew(w, t * c, 2, 1, 1);              /* SD 1.5: .contiguous() back to NCHW */
    gemm(w, t, c, c, 1);                    /* proj_out */
    ew(w, t * c, 3, 1, w->fused ? 0 : 1);   /* residual add */
}

/* Nearest x2 upsampling (one read of the input, four writes) and its 3x3
 * convolution; a stride-2 3x3 convolution down. */
static void upsample(walk *w, double b, double h, double wd, double c)
{
    ew(w, b * 4 * h * wd * c, 1.25, 1, w->fused ? 0 : 1);
    conv(w, b, 2 * h, 2 * wd, c, c, 3, 1);
}

/* The encoder half (conv_in, down blocks, mid block) of the UNet; with
 * skips != NULL the channel count of every skip tensor is pushed there. */
static double level_side(double x, int i)
{
    for (int k = 0; k < i; k++)
        x = ceil(x / 2);
    return x;
}

static int encoder(walk *w, const diff_model *m, double b, double lh, double lw, double temb,
                   int *skips, int controlnet)
{
    int ns = 0;
    double c0 = m->ch[0];
    conv(w, b, lh, lw, m->latent_ch, c0, 3, 1);
    if (skips)
        skips[ns] = (int)c0;
    ns++;
    w->skip += b * lh * lw * c0 * w->act;
    if (controlnet) {
        conv(w, b, lh, lw, c0, c0, 1, 1);   /* zero conv */
    }
    double cin = c0;
    for (int i = 0; i < m->levels; i++) {
        double h = level_side(lh, i), wd = level_side(lw, i), c = m->ch[i];
        for (int j = 0; j < m->layers; j++) {
            resnet(w, b, h, wd, cin, c, temb);
            cin = c;
            if (m->depth[i] > 0)
                transformer(w, m, b, h, wd, c, m->heads[i], m->depth[i]);
            if (skips)
                skips[ns] = (int)c;
            ns++;
            w->skip += b * h * wd * c * w->act;
            if (controlnet)
                conv(w, b, h, wd, c, c, 1, 1);
        }
        if (i < m->levels - 1) {
            conv(w, b, h, wd, c, c, 3, 2);
            if (skips)
                skips[ns] = (int)c;
            ns++;
            w->skip += b * ceil(h / 2) * ceil(wd / 2) * c * w->act;
            if (controlnet)
                conv(w, b, ceil(h / 2), ceil(wd / 2), c, c, 1, 1);
        }
    }
    double h = level_side(lh, m->levels - 1), wd = level_side(lw, m->levels - 1), c = m->ch[m->levels - 1];
    resnet(w, b, h, wd, c, c, temb);
    transformer(w, m, b, h, wd, c, mid_heads(m), m->mid_depth);
    resnet(w, b, h, wd, c, c, temb);
    if (controlnet)
        conv(w, b, h, wd, c, c, 1, 1);
    return ns;
}

/* The time embedding (sinusoid, two linears; SDXL adds its size and text
 * embeddings), tiny but a dozen operators. */
static double time_embed(walk *w, const diff_model *m, double b)
{
    double c0 = m->ch[0], temb = 4 * c0;
    ew(w, b * c0, 2, 6, w->fused ? 0 : 6);
    gemm(w, b, temb, c0, 1);
    ew(w, b * temb, 2, 1, w->fused ? 0 : 1);
    gemm(w, b, temb, temb, 1);
    if (m->text[1].layers > 0) {            /* SDXL: time ids and pooled text embedding */
        ew(w, b * 6 * 256, 2, 6, w->fused ? 0 : 6);
        gemm(w, b, temb, 6 * 256 + m->text[1].d, 1);
        ew(w, b * temb, 2, 1, w->fused ? 0 : 1);
        gemm(w, b, temb, temb, 1);
        ew(w, b * temb, 3, 1, w->fused ? 0 : 1);
    }
    return temb;
}

/* ControlNet's conditioning embedding: eight 3x3 convolutions (16, 16, 32,
 * 32, 96, 96, 256 channels, three of stride 2) from the image to the
 * latent's size and a convolution to the UNet's first width, SiLU after
 * each. */
static void cond_embed(walk *w, const diff_model *m, double b, double ph, double pw)
{
    static const int CH[][3] = { { 3, 16, 1 }, { 16, 16, 1 }, { 16, 32, 2 }, { 32, 32, 1 },
                                 { 32, 96, 2 }, { 96, 96, 1 }, { 96, 256, 2 } };
    double h = ph, wd = pw;
    for (size_t i = 0; i < sizeof CH / sizeof CH[0]; i++) {
        conv(w, b, h, wd, CH[i][0], CH[i][1], 3, CH[i][2]);
        h = ceil(h / CH[i][2]);
        wd = ceil(wd / CH[i][2]);
        ew(w, b * h * wd * CH[i][1], 2, 1, w->fused ? 0 : 1);
    }
    conv(w, b, h, wd, 256, m->ch[0], 3, 1);
}

static void unet(walk *w, const diff_params *p, double b)
{
    const diff_model *m = p->m;
    double ph = p->height > 0 ? p->height : m->res, pw = p->width > 0 ? p->width : m->res;
    double lh = ceil(ph / m->vae_scale), lw = ceil(pw / m->vae_scale);
    int skips[64];
    double temb = time_embed(w, m, b);
    if (p->controlnet) {
        double s0 = w->skip;
        cond_embed(w, m, b, ph, pw);
        time_embed(w, m, b);
        encoder(w, m, b, lh, lw, temb, NULL, 1);
        w->skip = s0;
    }
    int ns = encoder(w, m, b, lh, lw, temb, skips, 0);
    if (p->controlnet)                       /* the ControlNet's residuals added to skips and mid */
        ew(w, (w->skip / w->act) + b * level_side(lh, m->levels - 1) * level_side(lw, m->levels - 1) *
                                    m->ch[m->levels - 1], 3, ns + 1, w->fused ? 0 : ns + 1);
    double cur = m->ch[m->levels - 1];
    for (int i = m->levels - 1; i >= 0; i--) {
        double h = level_side(lh, i), wd = level_side(lw, i), c = m->ch[i];
        for (int j = 0; j <= m->layers; j++) {
            double s = skips[--ns];
            ew(w, b * h * wd * (cur + s), 2, 1, 1);   /* torch.cat with the skip */
            w->skip -= b * h * wd * s * w->act;
            if (w->skip < 0)
                w->skip = 0;
            resnet(w, b, h, wd, cur + s, c, temb);
            cur = c;
            if (m->depth[i] > 0)
                transformer(w, m, b, h, wd, c, m->heads[i], m->depth[i]);
        }
        if (i > 0)
            upsample(w, b, h, wd, c);
    }
    norm_params(w, m->ch[0]);
    group_norm_silu(w, b * lh * lw * m->ch[0]);
    conv(w, b, lh, lw, m->ch[0], m->latent_ch, 3, 1);
}

/* the engine's graph replay and the per-step operators outside the UNet */
static void step_glue(walk *w, const diff_params *p, double b)
{
    double lat = b * p->m->latent_ch * ceil((p->height > 0 ? p->height : p->m->res) / (double)p->m->vae_scale) *
                 ceil((p->width > 0 ? p->width : p->m->res) / (double)p->m->vae_scale);
    int eager = w->eager;
    w->eager = 1;
    ops_cost t = { 0, 0, 0, 0 };
    for (int i = 0; i < (int)w->e->step_ops; i++) {
        t = (ops_cost){ 0, 0, 0, 0 };
        ops_stream(&t, w->r, lat * 4 * 3, 1, 1);   /* fp32 latents */
        put(w, &t, 1);
    }
    w->eager = eager;
}

static void finish(walk *w)
{
    w->o->host_s = w->clock - w->o->gpu_s;
    if (w->o->host_s < 0)
        w->o->host_s = 0;
}

void diff_unet_cost(const diff_params *p, const gpu_rate *r, int images, diff_cost *out)
{
    walk w;
    w_init(&w, p, r, out);
    double b = (double)images * (p->cfg ? 2 : 1);
    if (w.e->graphs) {
        w.host = w.e->host_graph_us * 1e-6;
        w.clock = w.host;
    }
    unet(&w, p, b);
    step_glue(&w, p, b);
    finish(&w);
}

/* The VAE decoder over b latents. */
static void vae(walk *w, const diff_params *p, double b)
{
    static const double CH[4] = { 512, 512, 256, 128 };
    const diff_model *m = p->m;
    double h = ceil((p->height > 0 ? p->height : m->res) / (double)m->vae_scale);
    double wd = ceil((p->width > 0 ? p->width : m->res) / (double)m->vae_scale);
    conv(w, b, h, wd, m->latent_ch, m->latent_ch, 1, 1);     /* post_quant_conv */
    conv(w, b, h, wd, m->latent_ch, CH[0], 3, 1);
    resnet(w, b, h, wd, CH[0], CH[0], 0);
    norm_params(w, CH[0]);                                   /* single-head attention */
    group_norm(w, b * h * wd * CH[0]);
    if (w->fused_qkv) {
        gemm(w, b * h * wd, 3 * CH[0], CH[0], 1);
        host_ops(w, 1);
    } else {
        for (int i = 0; i < 3; i++)
            gemm(w, b * h * wd, CH[0], CH[0], 1);
    }
    attn(w, b, h * wd, h * wd, 1, CH[0]);
    gemm(w, b * h * wd, CH[0], CH[0], 1);
    ew(w, b * h * wd * CH[0], 3, 1, w->fused ? 0 : 2);
    resnet(w, b, h, wd, CH[0], CH[0], 0);
    double cin = CH[0];
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 3; j++) {
            resnet(w, b, h, wd, cin, CH[i], 0);
            cin = CH[i];
        }
        if (i < 3) {
            upsample(w, b, h, wd, CH[i]);
            h *= 2;
            wd *= 2;
        }
    }
    norm_params(w, CH[3]);
    group_norm_silu(w, b * h * wd * CH[3]);
    conv(w, b, h, wd, CH[3], 3, 3, 1);
}

void diff_vae_cost(const diff_params *p, const gpu_rate *r, int images, diff_cost *out)
{
    walk w;
    w_init(&w, p, r, out);
    vae(&w, p, images);
    finish(&w);
}

/* A CLIP text transformer over b prompts of ctx_len tokens: pre-norm
 * layers of causal attention and a quick-GELU MLP. */
static void clip(walk *w, const diff_text_arch *a, double b, double n)
{
    double t = b * n, d = a->d;
    ew(w, t * d, 3, 2, w->fused ? 0 : 3);   /* token + position embedding */
    w->o->params += (a->vocab + n) * d + 2 * d;
    for (int l = 0; l < a->layers; l++) {
        norm_params(w, d);
        norm_params(w, d);
        ew(w, t * d, 2, 1, w->fused ? 0 : 1);
        for (int k = 0; k < 3; k++)
            gemm(w, t, d, d, 1);
        ops_cost c = { 0, 0, 0, 0 };
        ops_attn_prefill(&c, w->r, t, b * n * (n + 1) / 2, a->heads, head_pad(d / a->heads),
                         t * d * w->act * 2, 1);
        put(w, &c, w->fused ? 1 : 6);
        w->o->flops += 4 * b * n * (n + 1) / 2 * d;
        gemm(w, t, d, d, 1);
        ew(w, t * d, 3, 1, w->fused ? 0 : 1);
        ew(w, t * d, 2, 1, w->fused ? 0 : 1);
        gemm(w, t, a->ffn, d, 1);
        ew(w, t * a->ffn, w->fused ? 2 : 7, w->fused ? 1 : 3, w->fused ? 0 : 3);   /* x sigmoid(1.702 x) */
        gemm(w, t, d, a->ffn, 1);
        ew(w, t * d, 3, 1, w->fused ? 0 : 1);
    }
}

void diff_text_cost(const diff_params *p, const gpu_rate *r, int prompts, diff_cost *out)
{
    walk w;
    w_init(&w, p, r, out);
    w.int8 = 0;                              /* quantised: the UNet and the VAE */
    double b = (double)prompts * (p->cfg ? 2 : 1);
    for (int i = 0; i < 2; i++)
        if (p->m->text[i].layers > 0)
            clip(&w, &p->m->text[i], b, p->m->ctx_len);
    finish(&w);
}

double diff_step_s(const diff_params *p, const gpu_rate *r, int images)
{
    diff_cost c;
    diff_unet_cost(p, r, images, &c);
    return c.host_s + c.gpu_s + p->host_ms_per_step * 1e-3;
}

double diff_image_s(const diff_params *p, const gpu_rate *r, int images, int steps)
{
    diff_cost t, v;
    diff_text_cost(p, r, 1, &t);
    diff_vae_cost(p, r, images, &v);
    return t.host_s + t.gpu_s + steps * diff_step_s(p, r, images) + v.host_s + v.gpu_s;
}

/* A resource of unit rates: for walks that only count (parameters,
 * live bytes), never for times. */
static gpu_rate unit_rate(void)
{
    gpu_rate r;
    memset(&r, 0, sizeof r);
    r.sms = 1;
    r.peak_bytes = 1;
    r.ops.eta_bw = 1;
    for (int i = 0; i < GPU_NPREC; i++) {
        r.peak_flops[i] = 1;
        r.ops.eta_mm[i] = 1;
    }
    r.ops.eta_attn = 1;
    return r;
}

/* Live activations of the largest batch: the UNet's skips plus its widest
 * block, or the VAE decoder's, whichever is larger (walked without cost). */
static double act_peak(const diff_params *p, int images)
{
    gpu_rate r = unit_rate();
    diff_cost c;
    walk w;
    w_init(&w, p, &r, &c);
    unet(&w, p, (double)images * (p->cfg ? 2 : 1));
    double u = w.peak;
    w_init(&w, p, &r, &c);
    vae(&w, p, images);
    return u > w.peak ? u : w.peak;
}

/* ---- the roofline fallback ---- */

gpu_burst diff_unet_burst(const diff_params *p, int images)
{
    double evals = (double)images * (p->cfg ? 2 : 1);
    gpu_burst b = { evals * p->m->unet_flops, p->m->unet_weight_bytes + evals * p->m->unet_act_bytes,
                    1, p->prec };
    return b;
}

gpu_burst diff_text_burst(const diff_params *p, int prompts)
{
    double n = (double)prompts * (p->cfg ? 2 : 1);
    gpu_burst b = { n * p->m->text_flops, p->m->text_bytes, 1, p->prec };
    return b;
}

gpu_burst diff_vae_burst(const diff_params *p, int images)
{
    gpu_burst b = { images * p->m->vae_flops, images * p->m->vae_bytes, 1, p->prec };
    return b;
}

/* ---- the server ---- */

typedef struct diff_req diff_req;
struct diff_req {
    diff_req  *next;
    uint64_t   id;
    int        user, steps, images;
    sim_time_t arrival;
};

typedef enum { PH_TEXT, PH_UNET, PH_VAE } diff_phase;

/* One stage on the tenant's resource: host time first (the GPU is free),
 * then one GPU job. */
typedef struct {
    sim_time_t host_ns, work, compute_ns, mem_ns;
    uint32_t   kernels;
} diff_stage;

typedef struct {
    const diff_params *p;
    tenant            *t;
    sim_pool           reqs;
    diff_req          *wait_head, *wait_tail, *batch;
    int                waiting_images;
    int                busy, steps_left, images, prompts;
    diff_phase         phase;
    sim_time_t         batch_start, service, sw, host, host_step_ns;
    diff_stage         stage[3];        /* text, UNet step, VAE of the running batch */
    int                cached_images;   /* the batch size stage[] was costed for; 0 = none */
    gpu_job            job;
    sim_event          ev_wait, ev_host;
} diff_state;

static void job_done(sim *s, gpu_job *j);

static sim_time_t ns_of(double s)
{
    sim_time_t n = sim_round_ns(s * 1e9);
    return n < 1 ? 1 : n;
}

static diff_stage stage_of_burst(const gpu_rate *r, gpu_burst b, sim_time_t host_ns)
{
    diff_stage g;
    g.host_ns = host_ns;
    g.work = gpu_burst_ns(r, &b);
    g.kernels = b.kernels;
    gpu_burst_split(r, &b, &g.compute_ns, &g.mem_ns);
    return g;
}

static diff_stage stage_of_cost(const diff_cost *c, sim_time_t host_ns)
{
    diff_stage g;
    g.host_ns = host_ns + sim_round_ns(c->host_s * 1e9);
    g.work = ns_of(c->gpu_s);
    g.compute_ns = sim_round_ns(c->compute_s * 1e9);
    g.mem_ns = sim_round_ns(c->mem_s * 1e9);
    if (g.compute_ns > g.work)
        g.compute_ns = g.work;
    if (g.mem_ns > g.work)
        g.mem_ns = g.work;
    g.kernels = c->kernels < 1 ? 1 : c->kernels > 4e9 ? 4000000000u : (uint32_t)llround(c->kernels);
    return g;
}

/* The three stages of a batch of `images` images and `prompts` prompts on
 * the tenant's resource (the UNet stage and VAE depend on images only, the
 * text stage on prompts: recosted per batch, the UNet cached by size). */
static void cost_batch(diff_state *st)
{
    const diff_params *p = st->p;
    const gpu_rate *r = &st->t->rate;
    if (p->cost == DIFF_COST_ROOFLINE) {
        st->stage[PH_TEXT] = stage_of_burst(r, diff_text_burst(p, st->prompts), 0);
        st->stage[PH_UNET] = stage_of_burst(r, diff_unet_burst(p, st->images), st->host_step_ns);
        st->stage[PH_VAE] = stage_of_burst(r, diff_vae_burst(p, st->images), 0);
        return;
    }
    diff_cost c;
    diff_text_cost(p, r, st->prompts, &c);
    st->stage[PH_TEXT] = stage_of_cost(&c, 0);
    if (st->cached_images != st->images) {
        diff_unet_cost(p, r, st->images, &c);
        st->stage[PH_UNET] = stage_of_cost(&c, st->host_step_ns);
        diff_vae_cost(p, r, st->images, &c);
        st->stage[PH_VAE] = stage_of_cost(&c, 0);
        st->cached_images = st->images;
    }
}

static void submit(diff_state *st)
{
    const diff_stage *g = &st->stage[st->phase];
    st->job.work = g->work;
    st->job.kernels = g->kernels;
    st->job.compute_ns = g->compute_ns;
    st->job.mem_ns = g->mem_ns;
    st->job.done = job_done;
    tenant_submit(st->t, &st->job);
}

/* Stage ph: its host time (a timer; the GPU is free meanwhile), then its job. */
static void run_stage(diff_state *st, diff_phase ph)
{
    st->phase = ph;
    sim_time_t h = st->stage[ph].host_ns;
    if (h > 0) {
        st->host += h;
        sim_after(st->t->s, &st->ev_host, h);
    } else {
        submit(st);
    }
}

static void next_step(diff_state *st)
{
    if (st->steps_left > 0) {
        st->steps_left--;
        run_stage(st, PH_UNET);
        return;
    }
    run_stage(st, PH_VAE);
}

static void try_dispatch(diff_state *st);

static void finish_batch(diff_state *st)
{
    sim_time_t now = st->t->s->now;
    diff_req *q = st->batch;
    st->batch = NULL;
    st->busy = 0;
    while (q) {
        diff_req *n = q->next;
        tenant_rec r;
        tenant_rec_begin(&r, q->id, q->user, q->arrival);
        tenant_rec_split(&r, st->batch_start, st->service, st->sw, st->host, now);
        r.units = 60.0 * q->images;     /* per second of these = images per minute */
        r.size[0] = q->steps;
        r.size[1] = q->images;
        sim_pool_put(&st->reqs, q);
        tenant_complete(st->t, &r);
        q = n;
    }
    try_dispatch(st);
}

static void job_done(sim *s, gpu_job *j)
{
    (void)s;
    diff_state *st = j->owner;
    st->service += j->service_ns;
    st->sw += j->switch_ns;
    if (st->phase == PH_VAE)
        finish_batch(st);
    else
        next_step(st);
}

static void on_host(sim *s, sim_event *ev)
{
    (void)s;
    submit(ev->ctx);
}

static void start_batch(diff_state *st)
{
    const diff_params *p = st->p;
    diff_req **tail = &st->batch;
    st->images = st->prompts = 0;
    st->steps_left = 0;
    while (st->wait_head) {
        diff_req *q = st->wait_head;
        if (st->prompts > 0 && st->images + q->images > p->max_batch)
            break;
        st->wait_head = q->next;
        q->next = NULL;
        *tail = q;
        tail = &q->next;
        st->images += q->images;
        st->prompts++;
        st->waiting_images -= q->images;
        st->steps_left = q->steps > st->steps_left ? q->steps : st->steps_left;
    }
    if (!st->wait_head)
        st->wait_tail = NULL;
    st->busy = 1;
    st->batch_start = st->t->s->now;
    st->service = st->sw = st->host = 0;
    cost_batch(st);
    run_stage(st, PH_TEXT);
}

static void try_dispatch(diff_state *st)
{
    if (st->busy || !st->wait_head)
        return;
    sim_time_t due = st->wait_head->arrival + sim_round_ns(st->p->max_wait_ms * 1e6);
    if (st->waiting_images >= st->p->max_batch || st->t->s->now >= due) {
        sim_cancel(st->t->s, &st->ev_wait);
        start_batch(st);
    } else if (!sim_pending(&st->ev_wait)) {
        sim_at(st->t->s, &st->ev_wait, due);
    }
}

static void on_wait(sim *s, sim_event *ev)
{
    (void)s;
    try_dispatch(ev->ctx);
}

static int clamp_count(double x)
{
    if (!(x >= 1))
        return 1;
    return x > 1e6 ? 1000000 : (int)llround(x);
}

static void diff_arrive(void *state, sim *s, const arr_item *it)
{
    diff_state *st = state;
    diff_req *q = tenant_pool_get(st->t, &st->reqs);
    if (!q)
        return;
    q->next = NULL;
    q->id = st->t->next_id++;
    q->user = it->user;
    q->arrival = s->now;
    q->steps = it->nsize >= 2 ? clamp_count(it->size[0]) : st->p->steps;
    q->images = it->nsize >= 2 ? clamp_count(it->size[1]) : st->p->images;
    if (st->wait_tail)
        st->wait_tail->next = q;
    else
        st->wait_head = q;
    st->wait_tail = q;
    st->waiting_images += q->images;
    try_dispatch(st);
}

static void *diff_alloc(const void *params, tenant *t)
{
    diff_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->p = params;
    st->t = t;
    sim_pool_init(&st->reqs, sizeof(diff_req));
    st->host_step_ns = sim_round_ns(st->p->host_ms_per_step * 1e6);
    st->job.owner = st;
    sim_event_set(&st->ev_wait, on_wait, st);
    sim_event_set(&st->ev_host, on_host, st);
    return st;
}

static void diff_free(void *state)
{
    diff_state *st = state;
    sim_cancel(st->t->s, &st->ev_wait);
    sim_cancel(st->t->s, &st->ev_host);
    sim_pool_free(&st->reqs);
    free(st);
}

/* Roofline: weights of the UNet and the text encoders, activations 1/16 of
 * one evaluation's traffic per image evaluation [I]. Layers: the weights
 * the walks count (UNet with its ControlNet, text encoders, VAE decoder) at
 * the GEMM operand width, and the live activations of the largest batch
 * (act_peak: the UNet's skip tensors and widest block, or the VAE decoder's
 * widest level, whichever is larger). */
static void diff_footprint(const void *params, double share_bytes, wl_footprint *f)
{
    const diff_params *p = params;
    (void)share_bytes;
    if (p->cost == DIFF_COST_ROOFLINE) {
        f->weights = p->m->unet_weight_bytes + p->m->text_bytes;
        f->activations = p->m->unet_act_bytes / 16.0 * p->max_batch * (p->cfg ? 2 : 1);
        return;
    }
    gpu_rate r = unit_rate();
    diff_cost u, t, v;
    diff_unet_cost(p, &r, 1, &u);
    diff_text_cost(p, &r, 1, &t);
    diff_vae_cost(p, &r, 1, &v);
    double eb = p->prec == GPU_FP8 || p->prec == GPU_FP4 ? 1.0 : p->prec == GPU_FP32 ? 4.0 : 2.0;
    f->weights = eb * u.params + (p->prec == GPU_FP32 ? 4.0 : 2.0) * (t.params + v.params);
    f->activations = act_peak(p, p->max_batch);
}

const wl_type wl_diffusion = {
    "diffusion", "images/min", NULL, diff_alloc, diff_free, diff_arrive, diff_footprint, NULL,
    "diffusion", NULL,
};
