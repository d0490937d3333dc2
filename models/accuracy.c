/* accuracy.c -- the validated error of each family (accuracy.h).
 *
 * Invariant: every number below is what `slicesim validate --json` gives
 * for the entry's cases at this commit; tests/test_accuracy.c
 * (table_is_what_validate_computes) holds them to it. */
#include <string.h>
#include "models/accuracy.h"

static const acc_entry TABLE[] = {
    { "llm", "vidur-operators vidur-layers vllm-engines",
      "per-operator and per-layer GPU times of Llama 2 and 3 on A100 and H100 (Vidur), "
      "vLLM's decode time between releases",
      2378, 2363, 6.27, 16.22, 100.00, NULL, 0, 0, 0 },
    { "diffusion", "diffusers diffusers-fast",
      "SD 1.5 and SDXL iterations per second by GPU, batch and engine, and SDXL image latency "
      "(diffusers)",
      254, 251, 6.72, 16.87, 37.25, "diffusers-lopo", 248, 7.81, 28.31 },
    { "training", "dle-training megatron dle-inference bert-engines",
      "ResNet-50 and BERT training and inference throughput (DeepLearningExamples), "
      "Megatron throughput per GPU, BERT latency by inference engine",
      207, 198, 8.65, 17.24, 99.89, NULL, 0, 0, 0 },
    { "nccl", "nccl-vidur-* nccl-a3mega-h100-ar-2x8 nccl-roce-h100-ar-2x1-tree nccl-h100-pcie-bridge-ar-1x2 "
      "nccl-a100-nvlink-sr-1x8 nccl-reference",
      "collective bus bandwidth from 64 KiB up (nccl-tests logs, Vidur's torch.distributed "
      "profiles) and the maintainers' plateaus",
      282, 208, 23.67, 51.90, 282.88, "nccl-lopo", 278, 38.02, 288.67 },
    { "mig", "mig-profiles mig-pods",
      "inference latency on MIG instances by profile and pods per GPU",
      108, 108, 4.36, 13.00, 17.51, NULL, 0, 0, 0 },
    { "mps", "mps-occupancy",
      "latency of clients sharing a GPU under MPS",
      5, 5, 9.18, 19.55, 19.55, NULL, 0, 0, 0 },
    { "timeslice", "timeslice-tax",
      "latency of processes taking turns on a time-sliced GPU",
      5, 5, 3.30, 8.10, 8.10, NULL, 0, 0, 0 },
    { "virtualization", "vm-overhead",
      "throughput in a VM (pass-through, SR-IOV) as a share of bare metal",
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
