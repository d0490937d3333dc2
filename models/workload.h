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

typedef struct wl_type {
    const char *name;
    const char *unit;             /* throughput unit, e.g. "req/s", "tokens/s" */
    const char *const *metrics;   /* per-request metrics in ms beyond latency, NULL-terminated; NULL = none */
    /* alloc: per-run state for tenant t; NULL when out of memory. */
    void *(*alloc)(const void *params, struct tenant *t);
    void  (*free)(void *state);
    /* arrive: a request arrives now. */
    void  (*arrive)(void *state, sim *s, const arr_item *it);
} wl_type;

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
} synth_params;

extern const wl_type wl_synthetic;

/* synth_dist_parse: "deterministic" | "exponential" | "lognormal" | "gamma". */
int synth_dist_parse(const char *name);

#endif
