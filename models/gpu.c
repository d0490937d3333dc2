#include "models/gpu.h"

#include <math.h>
#include <string.h>

/* Peaks: NVIDIA datasheets (reference FACTS §1), dense, no sparsity. Achieved
 * fractions: A100 and H100 from the Vidur operator profiles (FACTS §1:
 * prefill GEMMs reach 69% / 72% of BF16 peak, decode weight streaming 73% /
 * 75% of bandwidth); the others take the value of their architecture sibling
 * and are marked inferred. PCIe: PCI-SIG, 16 GT/s x16 = 31.5 GB/s (Gen4),
 * 32 GT/s x16 = 63 GB/s (Gen5) per direction. Launch and switch costs are
 * inferred defaults to calibrate (FACTS §1, §3): a bare launch inside a burst
 * costs a few microseconds and a context switch tens. */
static const gpu_spec SPECS[] = {
    { "a100-sxm-40gb", "NVIDIA A100 SXM4 40GB", 108,
      { 312, 312, 0, 156, 19.5 }, 40, 1.555, 600, 31.5, 7,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA A100 datasheet; eta from Vidur A100 operator profiles [M]" },
    { "a100-sxm-80gb", "NVIDIA A100 SXM4 80GB", 108,
      { 312, 312, 0, 156, 19.5 }, 80, 2.039, 600, 31.5, 7,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA A100 datasheet; eta from Vidur A100 operator profiles [M]" },
    { "h100-sxm", "NVIDIA H100 SXM5 80GB", 132,
      { 989, 989, 1979, 495, 67 }, 80, 3.35, 900, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "NVIDIA H100 datasheet; eta from Vidur H100 operator profiles [M]" },
    { "h100-pcie", "NVIDIA H100 PCIe 80GB", 114,
      { 756, 756, 1513, 378, 51 }, 80, 2.0, 0, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "NVIDIA H100 datasheet; eta as h100-sxm [I]" },
    { "h200", "NVIDIA H200 SXM 141GB", 132,
      { 989, 989, 1979, 495, 67 }, 141, 4.8, 900, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "NVIDIA H200 datasheet; eta as h100-sxm [I]" },
    { "l40s", "NVIDIA L40S 48GB", 142,
      { 362, 362, 733, 183, 91.6 }, 48, 0.864, 0, 31.5, 0,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA L40S datasheet; eta as a100 [I]" },
    { "a30", "NVIDIA A30 24GB", 56,
      { 165, 165, 0, 82, 10.3 }, 24, 0.933, 200, 31.5, 4,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA A30 datasheet; eta as a100 [I]" },
};

#define NSPECS (sizeof SPECS / sizeof SPECS[0])

const gpu_spec *gpu_spec_find(const char *name)
{
    for (size_t i = 0; i < NSPECS; i++)
        if (strcmp(SPECS[i].name, name) == 0)
            return &SPECS[i];
    return NULL;
}

size_t gpu_spec_count(void) { return NSPECS; }
const gpu_spec *gpu_spec_at(size_t i) { return i < NSPECS ? &SPECS[i] : NULL; }

static const char *const PREC_NAMES[GPU_NPREC] = { "bf16", "fp16", "fp8", "tf32", "fp32" };

int gpu_prec_parse(const char *name)
{
    for (int p = 0; p < GPU_NPREC; p++)
        if (strcmp(PREC_NAMES[p], name) == 0)
            return p;
    return -1;
}

const char *gpu_prec_name(gpu_prec p) { return PREC_NAMES[p]; }

gpu_rate gpu_rate_of(const gpu_spec *spec, double compute_frac, double mem_frac)
{
    gpu_rate r;
    for (int p = 0; p < GPU_NPREC; p++)
        r.flops_per_s[p] = spec->tflops[p] * 1e12 * spec->eta_c * compute_frac;
    r.bytes_per_s = spec->mem_bw_tbs * 1e12 * spec->eta_m * mem_frac;
    r.launch_ns = spec->launch_us * 1e3;
    return r;
}

static double flops_rate(const gpu_rate *r, gpu_prec p)
{
    static const gpu_prec wider[GPU_NPREC] = {
        [GPU_FP8] = GPU_BF16, [GPU_BF16] = GPU_TF32, [GPU_FP16] = GPU_TF32,
        [GPU_TF32] = GPU_FP32, [GPU_FP32] = GPU_FP32,
    };
    while (r->flops_per_s[p] <= 0 && p != GPU_FP32)
        p = wider[p];
    return r->flops_per_s[p];
}

sim_time_t gpu_burst_ns(const gpu_rate *r, const gpu_burst *b)
{
    double tc = b->flops > 0 ? b->flops / flops_rate(r, b->prec) : 0;
    double tm = b->bytes > 0 ? b->bytes / r->bytes_per_s : 0;
    double t = (tc > tm ? tc : tm) * 1e9 + (double)b->kernels * r->launch_ns;
    sim_time_t ns = sim_round_ns(t);
    return ns > 0 ? ns : 1;
}

void gpu_burst_split(const gpu_rate *r, const gpu_burst *b, sim_time_t *compute_ns, sim_time_t *mem_ns)
{
    *compute_ns = b->flops > 0 ? sim_round_ns(b->flops / flops_rate(r, b->prec) * 1e9) : 0;
    *mem_ns = b->bytes > 0 ? sim_round_ns(b->bytes / r->bytes_per_s * 1e9) : 0;
}
