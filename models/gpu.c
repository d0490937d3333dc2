#include "models/gpu.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Peaks: NVIDIA datasheets (reference FACTS §1; presets/gpus_2026.csv for the
 * 2026 GPUs), dense, no sparsity; tflops columns bf16, fp16, fp8, tf32, fp32,
 * fp4 (0 = the GPU has no such tensor-core path). Roofline fractions eta_c,
 * eta_m (the fallback for synthetic bursts): A100 and H100 from the Vidur
 * operator profiles (FACTS §1: prefill GEMMs reach 69% / 72% of BF16 peak,
 * decode weight streaming 73% / 75% of bandwidth); the others take the value
 * of their architecture sibling [I]. PCIe: PCI-SIG, 16 GT/s x16 = 31.5 GB/s
 * (Gen4), 32 GT/s x16 = 63 GB/s (Gen5), 64 GT/s x16 = 126 GB/s (Gen6) per
 * direction. Launch and switch costs are inferred defaults to calibrate
 * (FACTS §1, §3).
 *
 * Operator parameters (gpu_ops): OPS_AMPERE and OPS_HOPPER are fitted to the
 * Vidur per-operator profiles of A100 and H100 (calibration/fit_operators.py;
 * fit error and leave-one-GPU-out in docs/workloads.md): eta_mm (BF16 GEMM
 * tile efficiency), eta_bw (streaming fraction of HBM bandwidth), gemm_us,
 * kernel_us; the H100's gemm_us refitted to 4.00 us (4.49 before) when
 * split-K GEMMs got their reduction kernel (models/ops.c), held above the
 * GEMM rows' own 3.65, which would move the SDXL H100/A100 ratio further
 * from FACTS (docs/workloads.md); skinny_us, the fixed time of the
 * small-batch (16- and 32-row tile) kernels, A100 4.49, H100 = gemm_us
 * (OPS_SKINNY_AMPERE below). Ampere's tf32 eta_mm 0.57 is fitted to DeepLearningExamples'
 * single-GPU TF32 training rows (ResNet-50 and BERT on A100, ResNet-50's
 * convolutions with their NCHW layout transforms: the value with the fewest
 * rows beyond 25%, then the smallest mean error; `validate --case
 * dle-training-lopo`, docs/training.md §0b).
 * Not fitted, inferred [I]: eta_mm for fp8 0.62 (FP8 GEMMs
 * reach a lower fraction of their doubled peak than BF16: operand loads and
 * scaling are not doubled), fp4 0.60 (the same argument, Blackwell), tf32
 * 0.60 elsewhere, fp32 0.90 (CUDA-core FMA loops); eta_attn 0.60 (FlashAttention-2
 * forward reaches 50-73% of A100 peak, Dao 2023; FlashAttention-3 up to 75%
 * of H100 peak, Shah et al. 2024). GPUs with no operator profiles take their
 * architecture sibling's parameters with fitted = 0: Blackwell from Hopper,
 * Ada and the GDDR Blackwell card from Ampere for the bandwidth fraction
 * (GDDR, not HBM) [I]. */
/* eta_conv (models/diffusion.c): the fraction of the 16-bit dense peak a
 * diffusion UNet's convolutions (cuDNN implicit GEMMs; its linear layers
 * are cuBLAS GEMMs at eta_mm) reach in the limit of wide layers (a layer
 * of N output channels reaches N / (N + n0) of it, n0 growing with the
 * SM's tensor rate: models/diffusion.c), fitted per GPU on diffusers'
 * SD 1.5 / SDXL iterations per second (calibration/data/
 * diffusers_torch2.csv; the value with the GPU's smallest mean error, in
 * steps of 0.005; fit and leave-one-GPU-out in docs/workloads.md) [F]:
 * A100 0.385, V100 0.40, T4 0.45 (of its peak at the clock its 70 W
 * sustains, 0.45 of boost: gpu_power_clock), RTX 3090 0.405, RTX 4090
 * 0.495 (of the fp16-accumulate peak); refitted when layers narrower than
 * a tile stopped amortising the tile's fixed time over their few channels
 * and eager GroupNorms took their channels_last copies (0.445, 0.445,
 * 0.46, 0.415, 0.485 before). GPUs without diffusers rows take the median
 * of the fitted ones, 0.405 [I]. */
#define ETA_CONV_A100 0.385
#define ETA_CONV_V100 0.40
#define ETA_CONV_T4 0.45
#define ETA_CONV_RTX3090 0.405
#define ETA_CONV_RTX4090 0.495
#define DIFF_ETA_CONV 0.405
/* L2 residency and latency chains of the small kernels (models/ops.c),
 * fitted with the kernels' passes on the same Vidur rows, the four above
 * held (calibration/fit_operators.py): eta_l2 A100 1.042, H100 1.063 (the
 * rate of an element-wise kernel whose operands stay in L2, 1.31x and 1.16x
 * the HBM streaming rate eta_bw: at the 1-25 MB and 2-10 us where it
 * matters a kernel's ramp and tail, not the L2's peak, bound it [M]);
 * lat_us A100 0.338, H100 0.281 (one dependent global load that hits L2,
 * a few hundred ns on both [M]). L2 sizes [F]: NVIDIA A100 whitepaper 40 MB,
 * H100 whitepaper 50 MB (the H100 SXM5, PCIe and H200 parts of GH100). The
 * other GPUs take the architecture's rates and no L2 residency (l2_mb 0)
 * where the size is not in the reference set [I]. */
#define OPS_L2_AMPERE 1.042, 0.338
#define OPS_L2_HOPPER 1.063, 0.281
/* The fixed time of a skinny GEMM kernel (the 16- and 32-row tiles of 1-32
 * tokens, models/ops.c), fitted on the Vidur GEMM rows of at most 32
 * tokens with everything else held (calibration/fit_operators.py) [M]:
 * A100 4.49 us, what the A100's GEMM rows want on their own (4.28 refitted
 * on all of them with it, 4.58 without) but its tiled kernels cannot take:
 * the 0.4 us more would be counted twice with MXNet's 1 us a kernel on the
 * DeepLearningExamples training and inference layers, which run tiled
 * GEMMs and convolutions, not the small-batch kernels (GEMMs 5.28% ->
 * 5.25%, misses 4 -> 3, layers 2.90% -> 2.86%). The H100 keeps its gemm_us (0): its skinny rows alone
 * want 3.65 (GEMMs 7.92% -> 7.79%, misses 6 -> 3), but the decode layers
 * they sum into, already 1-6% low, go 3.97% -> 4.25%; the three misses are
 * 1-token rows 2 us faster than 8 tokens through the same weights (source
 * spread, docs/workloads.md). Diffusion's and training's few skinny GEMMs
 * (time embeddings of a batch of 1-8) move by well under 0.1%. */
#define OPS_SKINNY_AMPERE 4.49
#define OPS_SKINNY_HOPPER 0
#define OPS_AMPERE_C(fit, conv, l2) \
    { { 0.735, 0.735, 0.62, 0.57, 0.90, 0.60 }, 0.795, 3.84, 0.97, 0.60, fit, conv, l2, OPS_L2_AMPERE, \
      OPS_SKINNY_AMPERE }
#define OPS_AMPERE(fit, l2) OPS_AMPERE_C(fit, DIFF_ETA_CONV, l2)
#define OPS_HOPPER(fit, l2) \
    { { 0.750, 0.750, 0.62, 0.60, 0.90, 0.60 }, 0.919, 4.00, 0.695, 0.60, fit, DIFF_ETA_CONV, l2, OPS_L2_HOPPER, \
      OPS_SKINNY_HOPPER }
#define OPS_GDDR_BLACKWELL \
    { { 0.750, 0.750, 0.62, 0.60, 0.90, 0.60 }, 0.795, 4.00, 0.695, 0.60, 0, DIFF_ETA_CONV, 0, OPS_L2_HOPPER, \
      OPS_SKINNY_HOPPER }

/* Power (gpu_power_clock): board power limits from the NVIDIA datasheets
 * [F: A100 SXM4 400 W, V100 SXM2 300 W, T4 70 W, RTX 3090 350 W, RTX 4090
 * 450 W; not in the reference set]. What a dense tensor-core load needs at
 * the peaks' clock (hold_w) is known for no GPU directly; it is DERIVED for
 * the T4 from the V100, its sibling on the same TSMC 12 nm process with the
 * same SM design (Volta / Turing: 64 FP32 lanes and 8 tensor cores per SM):
 * the V100 SXM2 is taken to hold its 1530 MHz boost clock at its 300 W
 * under the diffusion UNet's load [I: its power limit sized for that], so
 * the node needs 300 / (80 SMs x 1.53 GHz) = 2.45 W per SM-GHz, and the T4's
 * 40 SMs at its 1590 MHz boost would draw 156 W; under its 70 W it runs at
 * 70 / 156 = 0.45 of the boost clock, about 710 MHz, above its 585 MHz base
 * clock [F: T4 datasheet, 585 / 1590 MHz]. With dynamic power growing as
 * the square of the clock (voltage rising with it) it would be 0.67; the
 * voltage floor, where a capped part runs, gives the linear law [I].
 * Elsewhere hold_w is 0: the clock is taken as held. */
#define W_PER_SM_GHZ_12NM (300.0 / (80 * 1.530))
#define HOLD_W_T4 (W_PER_SM_GHZ_12NM * 40 * 1.590)

static const gpu_spec SPECS[] = {
    { "a100-sxm-40gb", "NVIDIA A100 SXM4 40GB", 108,
      { 312, 312, 0, 156, 19.5, 0 }, 40, 1.555, 600, 31.5, 7,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA A100 datasheet; eta from Vidur A100 operator profiles [M]", OPS_AMPERE_C(1, ETA_CONV_A100, 40), "ampere", 400, 0 },
    { "a100-sxm-80gb", "NVIDIA A100 SXM4 80GB", 108,
      { 312, 312, 0, 156, 19.5, 0 }, 80, 2.039, 600, 31.5, 7,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA A100 datasheet; eta from Vidur A100 operator profiles [M]", OPS_AMPERE_C(1, ETA_CONV_A100, 40), "ampere", 400, 0 },
    { "h100-sxm", "NVIDIA H100 SXM5 80GB", 132,
      { 989, 989, 1979, 495, 67, 0 }, 80, 3.35, 900, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "NVIDIA H100 datasheet; eta from Vidur H100 operator profiles [M]", OPS_HOPPER(1, 50), "hopper", 0, 0 },
    { "h100-pcie", "NVIDIA H100 PCIe 80GB", 114,
      { 756, 756, 1513, 378, 51, 0 }, 80, 2.0, 0, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "NVIDIA H100 datasheet; eta as h100-sxm [I]", OPS_HOPPER(0, 50), "hopper", 0, 0 },
    { "h200", "NVIDIA H200 SXM 141GB", 132,
      { 989, 989, 1979, 495, 67, 0 }, 141, 4.8, 900, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "NVIDIA H200 datasheet; eta as h100-sxm [I]", OPS_HOPPER(0, 50), "hopper", 0, 0 },
    { "l40s", "NVIDIA L40S 48GB", 142,
      { 362, 362, 733, 183, 91.6, 0 }, 48, 0.864, 0, 31.5, 0,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA L40S datasheet; eta as a100 [I]", OPS_AMPERE(0, 0), "ada", 0, 0 },
    { "a30", "NVIDIA A30 24GB", 56,
      { 165, 165, 0, 82, 10.3, 0 }, 24, 0.933, 200, 31.5, 4,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA A30 datasheet; eta as a100 [I]", OPS_AMPERE(0, 0), "ampere", 0, 0 },
    /* Older and workstation GPUs of diffusers' benchmark tables (reference
     * calibration/diffusion.csv): NVIDIA datasheets and architecture
     * whitepapers, not in the reference set [I]. GeForce cards run FP16 and
     * BF16 tensor-core products with FP32 accumulation (what PyTorch's
     * cuBLAS and cuDNN calls ask for) at half their FP16-accumulate rate:
     * the tflops columns give that half (RTX 3090 71, RTX 4090 165.2). V100
     * and T4 have no BF16 or TF32 path. */
    { "v100-sxm2-16gb", "NVIDIA V100 SXM2 16GB", 80,
      { 0, 125, 0, 0, 15.7, 0 }, 16, 0.9, 300, 15.75, 0,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA V100 datasheet (SXM2: 125 FP16 tensor, 15.7 FP32, 900 GB/s HBM2, NVLink 300 GB/s, PCIe Gen3), "
      "not in the reference set [I]; eta as a100 [I]", OPS_AMPERE_C(0, ETA_CONV_V100, 0), "volta", 300, 0 },
    /* the 32 GB V100 of DGX-1 (32 GB) and DGX-2 (DeepLearningExamples'
     * training tables): the 16 GB card's peaks */
    { "v100-sxm2-32gb", "NVIDIA V100 SXM2 32GB", 80,
      { 0, 125, 0, 0, 15.7, 0 }, 32, 0.9, 300, 15.75, 0,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA V100 datasheet, as v100-sxm2-16gb with 32 GB [I]; eta as a100 [I]", OPS_AMPERE_C(0, ETA_CONV_V100, 0),
      "volta", 300, 0 },
    { "t4", "NVIDIA T4 16GB", 40,
      { 0, 65, 0, 0, 8.1, 0 }, 16, 0.32, 0, 15.75, 0,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA T4 datasheet (65 FP16 tensor, 8.1 FP32 at 1590 MHz boost, 320 GB/s GDDR6, 70 W, PCIe Gen3), "
      "not in the reference set [I]; eta as a100 [I]", OPS_AMPERE_C(0, ETA_CONV_T4, 0), "turing", 70, HOLD_W_T4 },
    { "rtx-3090", "NVIDIA GeForce RTX 3090 24GB", 82,
      { 71, 142, 0, 35.6, 35.6, 0 }, 24, 0.936, 0, 31.5, 0,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA Ampere GA102 whitepaper (82 SMs, FP16 tensor 71 dense with FP32 accumulate, TF32 35.6, FP32 35.6, "
      "936 GB/s GDDR6X, PCIe Gen4), not in the reference set [I]; eta as a100 [I]", OPS_AMPERE_C(0, ETA_CONV_RTX3090, 0),
      "ampere", 350, 0 },
    { "rtx-4090", "NVIDIA GeForce RTX 4090 24GB", 128,
      { 165.2, 330.3, 330.3, 82.6, 82.6, 0 }, 24, 1.008, 0, 31.5, 0,
      0.69, 0.73, 3.0, 25.0,
      "NVIDIA Ada AD102 whitepaper (128 SMs, FP16 tensor 165.2 dense with FP32 accumulate, FP8 330.3, TF32 82.6, "
      "FP32 82.6, 1008 GB/s GDDR6X, PCIe Gen4), not in the reference set [I]; eta as a100 [I]",
      OPS_AMPERE_C(0, ETA_CONV_RTX4090, 0), "ada", 450, 0 },
    /* 2026 GPUs: reference presets/gpus_2026.csv unless marked. Dense figures
     * are the datasheet's sparse / 2 where the Blackwell footnote says so
     * (rows marked derived there); B300 FP4 dense 14 PFLOPS is printed. */
    { "b200", "NVIDIA B200 (HGX) 180GB", 148,
      { 2250, 2250, 4500, 1100, 75, 9000 }, 180, 7.7, 1800, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "gpus_2026.csv: Blackwell datasheet HGX B200 column (dense derived), SMs from a device query "
      "(pytorch/ao#4002), MIG guide v580; PCIe Gen5; eta as h100-sxm [I]", OPS_HOPPER(0, 0), "blackwell", 0, 0 },
    { "b300", "NVIDIA B300 (HGX) 270GB", 148,
      { 2250, 2250, 4500, 1100, 75, 14000 }, 270, 7.7, 1800, 126.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "gpus_2026.csv: Blackwell Ultra datasheet via aiconfigurator/Verda (FP4 dense 14 PF printed), "
      "PCIe Gen6 (aiconfigurator); shipping SM count not published, 148 as B200 [I]; eta as h100-sxm [I]",
      OPS_HOPPER(0, 0), "blackwell", 0, 0 },
    { "gb200", "NVIDIA GB200 NVL72 (per GPU) 186GB", 148,
      { 2500, 2500, 5000, 1250, 80, 10000 }, 186, 8.0, 1800, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "gpus_2026.csv: Blackwell datasheet GB200 NVL72 column per GPU (dense derived); NVL72 domain; "
      "shipping SM count not published, 148 as B200 [I]; eta as h100-sxm [I]", OPS_HOPPER(0, 0), "blackwell", 0, 0 },
    /* Blackwell Ultra in the NVL72 rack: GB200's dense bf16 / fp8 / tf32
     * rates (the Verda table's sparse / 2), FP4 15 PFLOPS dense (printed),
     * 279 GB (datasheet GB300 column; nvidia-smi 284208 MiB, 277.5 GiB) */
    { "gb300", "NVIDIA GB300 NVL72 (per GPU) 279GB", 148,
      { 2500, 2500, 5000, 1250, 80, 15000 }, 279, 8.0, 1800, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "gpus_2026.csv: Blackwell Ultra datasheet GB300 column via Verda and aiconfigurator gb300.yaml (dense "
      "derived; FP4 15 PF printed), mig-parted GB300 profiles, PCIe Gen5 (aiconfigurator); shipping SM count "
      "not published, 148 as B300 [I]; eta as h100-sxm [I]", OPS_HOPPER(0, 0), "blackwell", 0, 0 },
    { "h20", "NVIDIA H20 96GB", 78,
      { 148, 148, 296, 74, 44, 0 }, 96, 4.0, 900, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "gpus_2026.csv: aiconfigurator H20 (bf16 148, fp8 294-296 dense, 4.0 TB/s), 78 SMs "
      "(AutoMegaKernel#3, measured 3.71 TB/s); NVLink 450 GB/s per direction; tf32 / fp32 not published, "
      "scaled from H100 by the SM ratio [I]; eta as h100-sxm [I]", OPS_HOPPER(0, 0), "hopper", 0, 0 },
    /* the H20's HBM3e variant: the same 78-SM die and tensor rates, 141 GiB
     * at 4.917 TB/s (aiconfigurator h20_3e.yaml) */
    { "h20-141gb", "NVIDIA H20 141GB HBM3e", 78,
      { 148, 148, 296, 74, 44, 0 }, 141, 4.917, 900, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "gpus_2026.csv: aiconfigurator H20-3e (bf16 148, fp8 296 dense, 4.917 TB/s, 141 GiB); SMs, NVLink, "
      "tf32 / fp32 as h20 [I]; MIG as h20 with H200's 141 GB names [I]; eta as h100-sxm [I]",
      OPS_HOPPER(0, 0), "hopper", 0, 0 },
    { "h100-nvl", "NVIDIA H100 NVL 94GB", 132,
      { 835, 835, 1671, 418, 60, 0 }, 94, 3.9, 600, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "memory 94 GB and MIG table: gpus_2026.csv (MIG guide v580); peaks, bandwidth, SMs and the 600 GB/s "
      "NVLink bridge are NVIDIA's H100 NVL datasheet figures, not in the reference set [I]; eta as h100-sxm [I]",
      OPS_HOPPER(0, 50), "hopper", 0, 0 },
    { "h200-nvl", "NVIDIA H200 NVL 141GB", 132,
      { 835, 835, 1671, 418, 60, 0 }, 141, 4.8, 900, 63.0, 7,
      0.72, 0.75, 2.5, 25.0,
      "memory 141 GB and MIG table: gpus_2026.csv (MIG guide v580); peaks, bandwidth, SMs and the 900 GB/s "
      "NVLink bridge are NVIDIA's H200 NVL datasheet figures, not in the reference set [I]; eta as h100-sxm [I]",
      OPS_HOPPER(0, 50), "hopper", 0, 0 },
    { "l4", "NVIDIA L4 24GB", 58,
      { 121, 121, 242, 60, 30.3, 0 }, 24, 0.300, 0, 31.5, 0,
      0.69, 0.73, 3.0, 25.0,
      "gpus_2026.csv: aiconfigurator L4 (bf16 121, fp8 242 dense derived, 300 GB/s, 24 GiB, PCIe Gen4, "
      "no MIG); SMs, tf32, fp32 from NVIDIA's L4 datasheet, not in the reference set [I]; eta as a100 [I]",
      OPS_AMPERE(0, 0), "ada", 0, 0 },
    { "rtx-pro-6000", "NVIDIA RTX PRO 6000 Blackwell Server Edition 96GB", 188,
      { 467.8, 467.8, 935.6, 234, 125, 1871.2 }, 96, 1.792, 0, 63.0, 4,
      0.69, 0.73, 3.0, 25.0,
      "gpus_2026.csv: datasheet 1792 GB/s, fp32 125, 188 SMs (derived from 24064 cores); bf16/fp8/fp4 "
      "dense from aiconfigurator (scaled to a 2430 MHz clock, estimates); MIG guide: 4 instances; "
      "tf32 = bf16 / 2 [I]; eta as a100 [I]", OPS_GDDR_BLACKWELL, "blackwell", 0, 0 },
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

const char *const gpu_prec_names[GPU_NPREC + 1] = { "bf16", "fp16", "fp8", "tf32", "fp32", "fp4", NULL };

int gpu_prec_parse(const char *name)
{
    for (int p = 0; p < GPU_NPREC; p++)
        if (strcmp(gpu_prec_names[p], name) == 0)
            return p;
    return -1;
}

const char *gpu_prec_name(gpu_prec p) { return gpu_prec_names[p]; }

const char *gpu_prec_list(char *buf, size_t len)
{
    size_t n = 0;
    if (len)
        buf[0] = '\0';
    for (int p = 0; p < GPU_NPREC && n < len; p++) {
        int w = snprintf(buf + n, len - n, "%s%s", p ? ", " : "", gpu_prec_names[p]);
        n += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

gpu_rate gpu_rate_of(const gpu_spec *spec, double compute_frac, double mem_frac)
{
    gpu_rate r;
    for (int p = 0; p < GPU_NPREC; p++)
        r.flops_per_s[p] = spec->tflops[p] * 1e12 * spec->eta_c * compute_frac;
    r.bytes_per_s = spec->mem_bw_tbs * 1e12 * spec->eta_m * mem_frac;
    r.launch_ns = spec->launch_us * 1e3;
    r.sms = spec->sms * compute_frac;
    for (int p = 0; p < GPU_NPREC; p++)
        r.peak_flops[p] = spec->tflops[p] * 1e12 * compute_frac;
    r.peak_bytes = spec->mem_bw_tbs * 1e12 * mem_frac;
    r.ops = spec->ops;
    r.ops.l2_mb = spec->ops.l2_mb * mem_frac;    /* a MIG slice has its memory slices' share of L2 */
    r.clock_frac = gpu_power_clock(spec);
    return r;
}

double gpu_power_clock(const gpu_spec *spec)
{
    if (!(spec->tdp_w > 0) || !(spec->hold_w > spec->tdp_w))
        return 1.0;
    return spec->tdp_w / spec->hold_w;
}

gpu_prec gpu_prec_fallback(const double peaks[GPU_NPREC], gpu_prec p)
{
    static const gpu_prec wider[GPU_NPREC] = {
        [GPU_FP4] = GPU_FP8, [GPU_FP8] = GPU_BF16, [GPU_BF16] = GPU_TF32, [GPU_FP16] = GPU_TF32,
        [GPU_TF32] = GPU_FP32, [GPU_FP32] = GPU_FP32,
    };
    while (peaks[p] <= 0 && p != GPU_FP32)
        p = wider[p];
    return p;
}

double gpu_pcie_bytes_per_s(const gpu_spec *spec)
{
    return spec->pcie_gbs > 0 ? spec->pcie_gbs * 1e9 * GPU_PCIE_ACHIEVED : 0;
}

double gpu_width_factor(const gpu_rate *r, double blocks)
{
    if (blocks <= 0 || r->sms <= 0 || blocks >= r->sms)
        return 1.0;
    return r->sms / blocks;
}

static double flops_rate(const gpu_rate *r, gpu_prec p)
{
    return r->flops_per_s[gpu_prec_fallback(r->flops_per_s, p)];
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
