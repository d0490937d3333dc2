/* gpu.h -- GPU presets and the roofline cost of a burst (DESIGN §3).
 *
 * A burst is GPU work described by flops, HBM bytes and a kernel count. On a
 * resource r (a whole GPU, a MIG instance, an MPS share) it takes
 *
 *     t = max(flops / (F_r eta_c), bytes / (BW_r eta_m)) + kernels t_launch
 *
 * Presets hold datasheet peaks (reference FACTS §1) and the achieved
 * fractions eta_c, eta_m measured from operator profiles where there are any;
 * every preset names its sources. The table is constant: no hidden state. */
#ifndef MODELS_GPU_H
#define MODELS_GPU_H

#include "sim/sim.h"

typedef enum {
    GPU_BF16, GPU_FP16, GPU_FP8, GPU_TF32, GPU_FP32, GPU_FP4, GPU_NPREC
} gpu_prec;

/* What operator-level costs (models/ops.h) need beyond the peaks: a few
 * per-GPU parameters, each a physical quantity. On a100 and h100 they are
 * fitted to the Vidur operator profiles (calibration/fit_operators.py,
 * docs/workloads.md); elsewhere they are taken from the closest sibling and
 * `fitted` is 0. */
typedef struct {
    double eta_mm[GPU_NPREC];  /* fraction of the dense peak a GEMM tile reaches, by precision */
    double eta_bw;             /* fraction of the memory bandwidth kernels stream at */
    double gemm_us;            /* fixed time of one GEMM kernel (prologue, epilogue, tail) */
    double kernel_us;          /* fixed time of one small kernel */
    double eta_attn;           /* fraction of the 16-bit peak FlashAttention's prefill reaches */
    int    fitted;
    double eta_conv;           /* fraction of the 16-bit peak a diffusion UNet's convolutions and
                                  GEMMs reach (cuDNN implicit GEMMs at its shapes, the clock held
                                  under that load); 0 = eta_mm (models/diffusion.c) */
    double l2_mb;              /* L2 cache, MB (datasheet; 0 = not modelled): an element-wise
                                  kernel's operands that fit stay resident between repeats */
    double eta_l2;             /* rate of an element-wise kernel on L2-resident operands, as a
                                  multiple of the HBM datasheet bandwidth */
    double lat_us;             /* one dependent global-memory access of a latency-bound loop
                                  (a thread block walking a row; index_select's small-index
                                  kernel), us */
    double skinny_us;          /* fixed time of a skinny GEMM kernel (the 16- and 32-row tiles
                                  that span a handful of tokens), us; 0 = gemm_us */
} gpu_ops;

typedef struct {
    const char *name;          /* preset name, e.g. "h100-sxm" */
    const char *full_name;
    int    sms;
    double tflops[GPU_NPREC];  /* dense peak TFLOP/s; 0 = not supported */
    double mem_gb;             /* capacity, GB (10^9 bytes) */
    double mem_bw_tbs;         /* HBM/GDDR bandwidth, TB/s */
    double nvlink_gbs;         /* per GPU, both directions, GB/s; 0 = none */
    double pcie_gbs;           /* host link, one direction, GB/s */
    int    mig_max;            /* MIG instances; 0 = no MIG */
    double eta_c, eta_m;       /* achieved fractions of the peaks */
    double launch_us;          /* per-kernel launch cost inside a burst */
    double switch_us;          /* default context-switch cost */
    const char *source;        /* where the numbers come from */
    gpu_ops ops;               /* operator-level cost parameters */
    const char *arch;          /* "ampere", "hopper", "blackwell", "ada" */
    double tdp_w;              /* board power limit, W; 0 = not given */
    double hold_w;             /* board power that a dense tensor-core load on every SM needs at
                                  the clock the peaks are quoted at, W; 0 = not known (the
                                  clock is taken as held) */
} gpu_spec;

/* gpu_power_clock: the fraction of the peaks' clock that spec sustains
 * under a dense tensor-core load on all its SMs: tdp_w / hold_w where the
 * power limit is below what the load needs, else 1. A power-capped GPU
 * runs at its voltage floor, where dynamic power is proportional to the
 * clock [I], so the clock falls in proportion to the power missing.
 * Memory clocks are not lowered. */
double gpu_power_clock(const gpu_spec *spec);

/* gpu_spec_find: the preset called name, or NULL. */
const gpu_spec *gpu_spec_find(const char *name);

/* gpu_spec_count / gpu_spec_at: iterate over the presets in a fixed order. */
size_t gpu_spec_count(void);
const gpu_spec *gpu_spec_at(size_t i);

/* gpu_prec_names: the precisions' names, indexed by gpu_prec, NULL-
 * terminated (the one list of them). gpu_prec_parse: "bf16" -> GPU_BF16 ...;
 * -1 for an unknown name. gpu_prec_list: "bf16, fp16, ..." into buf. */
extern const char *const gpu_prec_names[GPU_NPREC + 1];
int gpu_prec_parse(const char *name);
const char *gpu_prec_name(gpu_prec p);
const char *gpu_prec_list(char *buf, size_t len);

/* The capacity of a resource a burst runs on: peaks already multiplied by
 * the achieved fractions and by the resource's share of the GPU. */
typedef struct {
    double flops_per_s[GPU_NPREC];
    double bytes_per_s;
    double launch_ns;
    /* the same resource for operator-level costs: its SMs, datasheet peaks
     * (not multiplied by eta) and the GPU's operator parameters */
    double sms;
    double peak_flops[GPU_NPREC];
    double peak_bytes;
    gpu_ops ops;
    double clock_frac;         /* gpu_power_clock of the GPU (0 read as 1): the operator costs
                                  (models/ops.c) run tensor-core math at it */
} gpu_rate;

/* The achieved share of the host link's raw rate for pinned host-device
 * copies [I: bandwidthTest-style pinned copies reach about 80% of the PCIe
 * rate (TLP headers, flow control, DMA setup); a GPU profile's measured
 * copy rate is the better number: calibration/microbench.cu measures it]. */
#define GPU_PCIE_ACHIEVED 0.8

/* gpu_pcie_bytes_per_s: the achieved host-link rate of spec, one direction,
 * shared by every tenant (and MIG instance) of the GPU; 0 when spec gives
 * no PCIe rate. */
double gpu_pcie_bytes_per_s(const gpu_spec *spec);

/* gpu_rate_of: the rate of `compute_frac` of the SMs and `mem_frac` of the
 * memory bandwidth of spec (1, 1 for a whole GPU). */
gpu_rate gpu_rate_of(const gpu_spec *spec, double compute_frac, double mem_frac);

typedef struct {
    double   flops;
    double   bytes;
    uint32_t kernels;
    gpu_prec prec;
} gpu_burst;

/* gpu_width_factor: sms / min(blocks, sms) of rate r (>= 1; 1 when blocks
 * is 0 or at least the resource's SMs): how much longer a burst's compute
 * takes when its kernels keep only `blocks` SMs busy at once (thread
 * blocks per kernel over the blocks one SM holds; gpu_job.blocks). An
 * average over kernels of different widths, so no wave quantization
 * (docs/sharing.md, occupancy). Workloads multiply their compute term by
 * it. */
double gpu_width_factor(const gpu_rate *r, double blocks);

/* gpu_burst_ns: roofline time of b on rate r, rounded to the nanosecond and at
 * least 1 ns. A precision the GPU lacks falls back to the next wider one it
 * has (fp4 -> fp8 -> bf16 -> tf32 -> fp32), as frameworks do. */
sim_time_t gpu_burst_ns(const gpu_rate *r, const gpu_burst *b);

/* gpu_prec_fallback: p, or the next wider precision spec has peaks for. */
gpu_prec gpu_prec_fallback(const double peaks[GPU_NPREC], gpu_prec p);

/* gpu_burst_split: the two roofline terms of b on r, in ns: its compute time
 * flops / F and its memory time bytes / BW (0 for an absent term). Executors
 * that share SMs or bandwidth between bursts (MPS) need them separately; a
 * workload stores them in its job (gpu_job.compute_ns, mem_ns). */
void gpu_burst_split(const gpu_rate *r, const gpu_burst *b, sim_time_t *compute_ns, sim_time_t *mem_ns);

#endif
