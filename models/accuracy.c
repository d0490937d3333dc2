/* accuracy.c -- the validated error of each family (accuracy.h).
 *
 * Invariant: every number below is what `slicesim validate --json` gives
 * for the entry's cases at this commit; tests/test_accuracy.c
 * (table_is_what_validate_computes) holds them to it, and the GPUs too. */
#include <string.h>
#include "models/accuracy.h"

/* A NULL-terminated list of presets (a compound literal of static storage). */
#define GPUS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const acc_entry TABLE[] = {
    { "llm", "vidur-operators vidur-layers vllm-engines",
      "per-operator and per-layer GPU times of Llama 2 and 3 on A100 and H100 (Vidur), "
      "vLLM's decode time between releases",
      GPUS("a100-sxm-80gb", "h100-sxm"),
      2378, 2363, 6.27, 16.22, 100.00, NULL, 0, 0, 0 },
    { "diffusion", "diffusers diffusers-fast",
      "SD 1.5 and SDXL iterations per second by GPU, batch and engine, and SDXL image latency "
      "(diffusers)",
      GPUS("a100-sxm-80gb", "rtx-3090", "rtx-4090", "t4", "v100-sxm2-16gb"),
      254, 251, 6.72, 16.87, 37.25, "diffusers-lopo", 248, 7.81, 28.31 },
    { "training", "dle-training megatron dle-inference bert-engines",
      "ResNet-50 and BERT training and inference throughput (DeepLearningExamples), "
      "Megatron throughput per GPU, BERT latency by inference engine",
      GPUS("a100-sxm-40gb", "a100-sxm-80gb", "h100-sxm", "t4", "v100-sxm2-16gb", "v100-sxm2-32gb"),
      207, 198, 8.65, 17.24, 99.89, NULL, 0, 0, 0 },
    { "nccl", "nccl-vidur-* nccl-a3mega-h100-ar-2x8 nccl-roce-h100-ar-2x1-tree nccl-h100-pcie-bridge-ar-1x2 "
      "nccl-a100-nvlink-sr-1x8 nccl-reference nccl-small",
      "collective bus bandwidth from 64 KiB up and time below it (nccl-tests logs, Vidur's "
      "torch.distributed profiles) and the maintainers' plateaus",
      GPUS("a100-sxm-80gb", "h100-pcie", "h100-sxm", "h20"),
      391, 276, 31.80, 71.00, 573.75, "nccl-lopo", 278, 38.49, 279.92 },
    { "mig", "mig-profiles mig-pods",
      "inference latency on MIG instances by profile and pods per GPU",
      GPUS("a100-sxm-40gb", "a100-sxm-80gb"),
      108, 108, 4.36, 13.00, 17.51, NULL, 0, 0, 0 },
    { "mps", "mps-occupancy",
      "latency of clients sharing a GPU under MPS",
      GPUS("a100-sxm-80gb", "t4", "v100-sxm2-16gb"),
      5, 5, 9.18, 19.55, 19.55, NULL, 0, 0, 0 },
    { "timeslice", "timeslice-tax",
      "latency of processes taking turns on a time-sliced GPU",
      GPUS("a100-sxm-80gb", "t4", "v100-sxm2-16gb"),
      5, 5, 3.30, 8.10, 8.10, NULL, 0, 0, 0 },
    { "virtualization", "vm-overhead",
      "throughput in a VM (pass-through, SR-IOV) as a share of bare metal",
      GPUS("a100-sxm-80gb"),
      2, 2, 3.14, 5.93, 5.93, NULL, 0, 0, 0 },
};

#define NTABLE (sizeof TABLE / sizeof TABLE[0])
_Static_assert(NTABLE <= ACC_MAX_FAMILIES, "ACC_MAX_FAMILIES bounds the table");

const acc_entry *acc_find(const char *family)
{
    for (size_t i = 0; family && i < NTABLE; i++)
        if (strcmp(TABLE[i].family, family) == 0)
            return &TABLE[i];
    return NULL;
}

size_t acc_count(void)
{
    return NTABLE;
}

const acc_entry *acc_at(size_t i)
{
    return i < NTABLE ? &TABLE[i] : NULL;
}

size_t acc_index(const acc_entry *e)
{
    return (size_t)(e - TABLE);
}

static size_t add(const acc_entry **out, size_t n, size_t max, const char *family)
{
    const acc_entry *e = acc_find(family);
    if (e && n < max)
        out[n++] = e;
    return n;
}

size_t acc_of_tenant(const model_cfg *cfg, const tenant_cfg *tc, const acc_entry **out, size_t max)
{
    size_t n = add(out, 0, max, tc->wl->family);
    if (tc->wl->collectives && tc->wl->collectives(tc->wl_params))
        n = add(out, n, max, "nccl");
    n = add(out, n, max, cfg->share->family);
    if (cfg->virt.mode != VIRT_BARE_METAL)
        n = add(out, n, max, "virtualization");
    return n;
}

int acc_measured_on(const acc_entry *e, const char *gpu)
{
    for (size_t i = 0; gpu && e->gpus[i]; i++)
        if (strcmp(e->gpus[i], gpu) == 0)
            return 1;
    return 0;
}

size_t acc_ngpus(const acc_entry *e)
{
    size_t n = 0;
    while (e->gpus[n])
        n++;
    return n;
}

size_t acc_unmeasured(const model_cfg *cfg, const acc_entry **out)
{
    int seen[ACC_MAX_FAMILIES] = { 0 };
    for (size_t t = 0; t < cfg->ntenants; t++) {
        const acc_entry *e[ACC_PER_TENANT];
        size_t n = acc_of_tenant(cfg, &cfg->tenants[t], e, ACC_PER_TENANT);
        for (size_t k = 0; k < n; k++)
            seen[acc_index(e[k])] |= !acc_measured_on(e[k], cfg->gpu->name);
    }
    size_t n = 0;
    for (size_t k = 0; k < NTABLE; k++)
        if (seen[k])
            out[n++] = &TABLE[k];
    return n;
}
