/* ctxsw.c -- context-switch cost from its parts (ctxsw.h).
 *
 * Sizes per SM [F]: register file 64 K 32-bit registers = 256 KB on Volta,
 * Turing, Ampere, Ada and Hopper; the largest shared-memory carve-out of the
 * combined L1/shared array (V100 96 of 128 KB, T4 64 of 96 KB, A100/A30 164
 * of 192 KB, L40S 100 of 128 KB, H100/H200 228 of 256 KB); L2 sizes and SM
 * counts (NVIDIA Volta, Turing, Ampere GA100, Ada and Hopper architecture
 * whitepapers; T4 and V100 product briefs). Bandwidths are the datasheets'
 * (FACTS §1 for the presets).
 *
 * Inferred [I]:
 *  - the state moves at the GPU's achieved memory bandwidth (eta_m, the
 *    fraction weight streaming reaches, FACTS §1; 0.75 for GPUs without a
 *    preset), once out and once in, as a full save of every SM (the worst
 *    case: a context that fills the GPU);
 *  - warm-up refills the whole L2 at that bandwidth. Held against the
 *    calibration set's time-slicing rows (cli/validate.c, timeslice-tax):
 *    with it the mean error is lower than without (docs/sharing.md gives
 *    both), so the evidence supports a penalty of this size;
 *  - a switch between VMs adds CTXSW_VM_US = 10 us for the change of
 *    address space (page-table root, TLB invalidation and refill walks)
 *    and the vGPU scheduler's own work on the host and the GPU's system
 *    processor: an order-of-magnitude guess, no public measurement (the
 *    vendors' vGPU benchmark blogs are held out of this project's data);
 *    a parameter, sharing.switch_cost_us overrides the total. */
#include "models/ctxsw.h"

#include <string.h>

#define ETA_DEFAULT 0.75
#define KB 1024.0

static const ctxsw_arch ARCHS[] = {
    { "a100-sxm-40gb", 108, 256, 164, 40, 1.555, 0.73, "NVIDIA A100 Tensor Core GPU Architecture whitepaper [F]" },
    { "a100-sxm-80gb", 108, 256, 164, 40, 2.039, 0.73, "NVIDIA A100 whitepaper; A100 80GB datasheet [F]" },
    { "a100-pcie-80gb", 108, 256, 164, 40, 1.935, 0.73, "NVIDIA A100 whitepaper; A100 80GB PCIe datasheet [F]" },
    { "a30", 56, 256, 164, 24, 0.933, 0.73, "GA100 per-SM sizes (A100 whitepaper); A30 datasheet [F]" },
    { "h100-sxm", 132, 256, 228, 50, 3.35, 0.75, "NVIDIA H100 Tensor Core GPU Architecture whitepaper [F]" },
    { "h100-pcie", 114, 256, 228, 50, 2.0, 0.75, "NVIDIA H100 whitepaper; H100 PCIe datasheet [F]" },
    { "h200", 132, 256, 228, 50, 4.8, 0.75, "Hopper per-SM sizes (H100 whitepaper); H200 datasheet [F]" },
    { "l40s", 142, 256, 100, 96, 0.864, 0.73, "NVIDIA Ada GPU Architecture whitepaper; L40S datasheet [F]" },
    { "v100", 80, 256, 96, 6, 0.9, ETA_DEFAULT, "NVIDIA Tesla V100 GPU Architecture whitepaper [F]" },
    { "t4", 40, 256, 64, 4, 0.32, ETA_DEFAULT, "NVIDIA Turing GPU Architecture whitepaper; T4 datasheet [F]" },
};

const ctxsw_arch *ctxsw_arch_find(const char *name)
{
    for (size_t i = 0; i < sizeof ARCHS / sizeof ARCHS[0]; i++)
        if (strcmp(ARCHS[i].name, name) == 0)
            return &ARCHS[i];
    return NULL;
}

ctxsw_arch ctxsw_arch_of(const gpu_spec *spec)
{
    const ctxsw_arch *row = ctxsw_arch_find(spec->name);
    ctxsw_arch a = row ? *row
                       : (ctxsw_arch){ spec->name, spec->sms, 256, 228, spec->sms / 2.64, 0, 0,
                                       "Hopper per-SM sizes scaled to the GPU's SMs [I]" };
    a.sms = spec->sms;
    a.bw_tbs = spec->mem_bw_tbs;
    a.eta_m = spec->eta_m > 0 ? spec->eta_m : ETA_DEFAULT;
    return a;
}

void ctxsw_parts_of(const ctxsw_arch *a, ts_preempt mode, int vm, ctxsw_parts *out)
{
    double bw = a->bw_tbs * 1e12 * a->eta_m;                  /* bytes/s */
    double state = a->sms * (a->rf_kb + a->smem_kb) * KB;     /* bytes */
    double move_us = bw > 0 ? state / bw * 1e6 : 0;
    out->save_us = mode == TS_PREEMPT_INSTRUCTION ? move_us : 0;
    out->restore_us = out->save_us;
    out->warm_us = bw > 0 ? a->l2_mb * 1e6 / bw * 1e6 : 0;
    out->vm_us = vm ? CTXSW_VM_US : 0;
}

double ctxsw_total_us(const ctxsw_parts *p)
{
    return p->save_us + p->restore_us + p->warm_us + p->vm_us;
}

double ctxsw_cost_us(const gpu_spec *spec, ts_preempt mode, int vm)
{
    ctxsw_arch a = ctxsw_arch_of(spec);
    ctxsw_parts p;
    ctxsw_parts_of(&a, mode, vm, &p);
    return ctxsw_total_us(&p);
}
