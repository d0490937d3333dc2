/* workload.h -- the interface of a workload kind (synthetic, llm, ...).
 *
 * A workload turns arrivals into GPU jobs (and host work) on its tenant and
 * reports each finished request with tenant_complete(). One file per kind,
 * each a const wl_type; its parameters are a kind-specific struct built by
 * scenarios/. State lives in what alloc returns; no globals. */
#ifndef MODELS_WORKLOAD_H
#define MODELS_WORKLOAD_H

#include "models/arrival.h"

struct tenant;

/* What one tenant holds in the memory of its GPU, MIG instance, vGPU or MPS
 * share, in bytes: its CUDA context, its weights (model parameters, and
 * optimizer state for training), its KV cache or other reserved pool, and
 * the activations of its largest batch. A serving engine is `elastic`: it
 * reserves a pool sized from the share it is given (share_bytes), so its kv
 * grows with the share; other tenants' footprints do not depend on it. */
typedef struct {
    double context, weights, kv, activations;
    int    elastic;
} wl_footprint;

/* A CUDA context with the libraries a framework loads (cuBLAS, cuDNN
 * workspaces) before any tensor: 0.3-0.6 GB is what nvidia-smi shows for a
 * PyTorch process on A100/H100 [I: inferred from common reports; the
 * calibration probe can measure it, calibration/microbench.cu]. */
#define WL_CONTEXT_BYTES 0.5e9

static inline double wl_footprint_total(const wl_footprint *f)
{
    return f->context + f->weights + f->kv + f->activations;
}

typedef struct wl_type {
    const char *name;
    const char *unit;             /* throughput unit, e.g. "req/s", "tokens/s" */
    const char *const *metrics;   /* per-request metrics in ms beyond latency, NULL-terminated; NULL = none */
    /* alloc: per-run state for tenant t; NULL when out of memory. */
    void *(*alloc)(const void *params, struct tenant *t);
    void  (*free)(void *state);
    /* arrive: a request arrives now. */
    void  (*arrive)(void *state, sim *s, const arr_item *it);
    /* footprint: the tenant's memory when given share_bytes to use (its
     * whole resource when alone on it); NULL = a CUDA context only. Pure:
     * memory-fit checks call it before any run (scenarios/memfit.c). */
    void  (*footprint)(const void *params, double share_bytes, wl_footprint *out);
    /* kv_load: the share of the engine's KV cache in use now, in [0, 1],
     * for routers (models/router.h); NULL = no KV cache. */
    double (*kv_load)(void *state);
    /* family: validate's family whose published rows hold this kind's
     * costs (models/accuracy.h); NULL: none (a drawn or roofline burst). */
    const char *family;
    /* collectives: whether a tenant with these params runs NCCL collectives
     * (tensor or data parallelism); NULL: never. Pure. */
    int (*collectives)(const void *params);
} wl_type;

/* wl_footprint_of: w's footprint with share_bytes (a context alone when
 * the kind reports none). */
static inline void wl_footprint_of(const wl_type *w, const void *params, double share_bytes,
                                   wl_footprint *out)
{
    *out = (wl_footprint){ WL_CONTEXT_BYTES, 0, 0, 0, 0 };
    if (w->footprint)
        w->footprint(params, share_bytes, out);
}

/* The synthetic workload: one GPU burst per request (DESIGN §5). */
typedef enum { SYN_DETERMINISTIC, SYN_EXPONENTIAL, SYN_LOGNORMAL, SYN_GAMMA } syn_dist;
typedef enum { SYN_BOUND_COMPUTE, SYN_BOUND_MEMORY } syn_bound;

typedef struct {
    int       fixed_burst;      /* 1: cost `burst` by the roofline; 0: draw service time */
    syn_dist  dist;
    double    mean_ms;          /* > 0: time on the whole GPU running alone */
    double    cv;               /* lognormal, gamma: coefficient of variation > 0 */
    syn_bound bound;            /* how a service time scales on a part of a GPU */
    uint32_t  kernels;          /* kernels per request, >= 1 */
    double    flops, bytes;     /* fixed burst */
    int       prec;             /* gpu_prec of the fixed burst */
    double    copy_mb;          /* host-to-device copy per request, MB; 0 = none */
    double    memory_gb;        /* weights and buffers it holds beyond its CUDA
                                   context, GB (10^9 B); 0 = none */
    uint32_t  blocks;           /* SMs its kernels keep busy (gpu_burst.blocks);
                                   0 = they fill any resource */
    double    gap_us;           /* a drawn service time's host time per kernel, us:
                                   the GPU idles for this tenant while its CPU
                                   dispatches (not scaled on a part of a GPU; the
                                   job's launch part, which MPS fills with other
                                   clients' kernels); 0 = none */
} synth_params;

extern const wl_type wl_synthetic;

/* synth_dist_parse: "deterministic" | "exponential" | "lognormal" | "gamma". */
int synth_dist_parse(const char *name);

#endif
