/* tenant.h -- a tenant: a workload, its arrivals, its GPU context and its
 * measurements.
 *
 * Measurement window: a request is measured when it arrives in
 * [warmup, stop); the run drains until measured requests finish. Throughput
 * counts units (requests, tokens, images) completed in [warmup, stop). GPU
 * time is windowed by snapshots taken at warmup and stop. */
#ifndef MODELS_TENANT_H
#define MODELS_TENANT_H

#include "models/exec.h"
#include "models/gpu.h"
#include "models/prefix.h"
#include "models/workload.h"
#include "sim/dist.h"
#include "sim/twavg.h"

#define TENANT_MAX_METRICS 8
#define TENANT_NSIZE 2

typedef struct {
    const char     *name;
    const wl_type  *wl;
    const void     *wl_params;
    const arr_type *arr;
    const void     *arr_params;
    int             gpu;            /* index of the GPU it runs on */
    int             per_request;    /* each request its own context */
    int             slo_metric;     /* -1 latency, k = wl metric k; -2 none */
    double          slo_quantile;   /* e.g. 0.95 */
    double          slo_ms;         /* bound */
    /* the resource the tenant runs on (set by the sharing setup) */
    int             instance;       /* MIG instance index on its GPU, else 0 */
    double          compute_frac;   /* share of the GPU's SMs; 0 = whole GPU */
    double          mem_frac;       /* share of its bandwidth; 0 = whole GPU */
    double          mem_gb;         /* memory capacity, GB; 0 = the GPU's. A serving
                                       engine sizes its KV cache from it: after the
                                       memory-fit check it is the engine's share */
    double          share_gb;       /* memory share asked for on a shared GPU or
                                       instance (memory_gb); 0 = split evenly */
    int             priority;       /* higher is served first (time-slicing, MPS); 0 normal */
    double          mps_frac;       /* MPS active-thread fraction (0, 1] */
    int             vgpu_per_gpu;   /* vGPU type's maximum per GPU; 0 = no vGPU */
    double          pct_rel_err;    /* 0: exact percentiles; else histogram error */
    double          service_noise_cv;  /* each GPU burst's time times a lognormal
                                          factor of mean 1 and this CV; 0 = none */
    /* Fleets: a tenant with replicas is a set of independent engines behind
     * a router. Its front (replicas > 0) owns the arrivals and the fleet's
     * metrics and runs no engine: it sits on no resource, and placement,
     * sharing and memory checks skip it. Its replicas are the tenants
     * first_replica .. first_replica + replicas - 1, each an ordinary tenant
     * on its own resource whose arrivals come from the front. */
    int             replicas;          /* front: how many; 0 = not a front */
    int             first_replica;     /* front: the index of its first replica */
    int             front;             /* replica: 1 + its front's index; 0 = none */
    const struct router_type *router;  /* front: how it picks a replica */
    int             routed;            /* front: its router picks among the first `routed`
                                          replicas only (a disaggregated fleet's prefill
                                          pool, models/disagg.h); 0 = all of them */
    /* shared prompt prefixes drawn for arrivals that carry none (before a
     * front routes them); NULL = none (models/prefix.h) */
    const pfx_gen_params *prefix_gen;
    int             src;               /* its index in the scenario's tenant list */
} tenant_cfg;

/* tenant_cfg_placed: tc runs an engine on a resource (every tenant but a
 * fleet's front). */
static inline int tenant_cfg_placed(const tenant_cfg *tc)
{
    return tc->replicas == 0;
}

/* One finished request. Times in ns; metric[] in ms, as named by wl->metrics. */
typedef struct {
    uint64_t   id;
    int        rep, tenant, user;
    sim_time_t arrival, start, end;
    sim_time_t queue_ns, other_ns, switch_ns, service_ns, host_ns;
    double     units;               /* throughput units it produced */
    double     size[TENANT_NSIZE];  /* workload sizes (see the workload's docs) */
    double     metric[TENANT_MAX_METRICS];
    /* prefix caching (an LLM engine with a prefix cache; 0 otherwise):
     * prompt tokens looked up at its first admission, and those found */
    double     prefix_query, prefix_hit;
} tenant_rec;

/* A sink for finished measured requests: called with each as it finishes,
 * on the thread that runs its replication; the record lives only for the
 * call. */
typedef void (*tenant_rec_fn)(void *ud, const tenant_rec *r);

typedef struct tenant {
    int               id, rep;
    const tenant_cfg *cfg;
    sim              *s;
    exec             *gpu;
    const gpu_spec   *spec;
    gpu_rate          rate;          /* the resource the tenant's work runs on */
    double            compute_frac, mem_frac;  /* of the whole GPU's SMs and bandwidth */
    double            mem_bytes;     /* memory capacity of the resource */
    exec_ctx          ctx;           /* shared context unless per_request */
    exec             *link;          /* the GPU's host link, shared by every tenant
                                        on that GPU; NULL = none modelled */
    exec_ctx          link_ctx;      /* the tenant's transfers on it, in order */
    arr_src           arr;
    void             *wl_state;
    gsl_rng          *rng_arr, *rng_wl;
    gsl_rng          *rng_noise;     /* service-time noise; NULL when none */
    double            noise_sigma;   /* its lognormal sigma */
    sim_time_t        warmup, stop;
    uint64_t         *in_flight_total;
    uint64_t          next_id, in_flight;
    uint64_t          in_flight_warm, in_flight_stop;   /* snapshots */
    sim_time_t        gpu_ns, gpu_ns_warm, gpu_ns_stop;
    /* window measurements */
    sim_dist          lat_ms, metric[TENANT_MAX_METRICS];
    sim_tw            in_system;     /* requests in the system, time-weighted */
    double            in_system_mean;   /* over the window, set at its end */
    int               nmetrics;
    double            units_done;
    /* completions in the window: the first and last times, how many, and
     * the units of those after the first instant (the closed-loop rate,
     * model.h) */
    sim_time_t        first_done, last_done;
    uint64_t          ndone;
    double            units_after_first;
    sim_time_t        sum_ns[5];     /* queue, other, switch, service, host */
    double            prefix_query, prefix_hit;   /* tokens, over the measured requests */
    uint64_t          slo_ok;
    /* optional sink of the measured requests' records */
    tenant_rec_fn     on_rec;
    void             *rec_ud;
    int               oom;
    /* a fleet's front: its replicas and the router's counter; a replica:
     * its front (NULL otherwise) */
    struct tenant   **fleet;
    uint64_t          turn, turn_decode;   /* turn_decode: a disaggregated fleet's decode router */
    struct tenant    *front_t;
    /* the shared-prefix generator (cfg->prefix_gen) and its stream */
    pfx_gen           pgen;
    gsl_rng          *rng_pfx;
} tenant;

/* tenant_route: a fleet front's arrivals go to replicas rep[0..n) by its
 * router from now on (the array stays the caller's). */
void tenant_route(tenant *front, tenant **rep, int n);

/* tenant_init: set up tenant id of replication rep on executor gpu, with
 * random streams from (seed, rep, id); each measured request's record goes
 * to on_rec(rec_ud, r) when on_rec is not NULL. Returns 0, or -1 (no
 * memory). */
int tenant_init(tenant *t, int id, int rep, const tenant_cfg *cfg, sim *s,
                exec *gpu, const gpu_spec *spec, uint64_t seed,
                sim_time_t warmup, sim_time_t stop, uint64_t *in_flight_total,
                tenant_rec_fn on_rec, void *rec_ud);
void tenant_free(tenant *t);
void tenant_start(tenant *t);

/* tenant_submit: queue a job on the tenant's context, or on a new one when
 * the tenant runs each request in its own context. With service-time noise
 * the job's times (work, compute_ns, mem_ns) are first multiplied by one
 * lognormal factor of mean 1 and CV service_noise_cv, drawn from the
 * tenant's own noise stream (so the workload's numbers do not shift). */
void tenant_submit(tenant *t, gpu_job *j);

/* tenant_copy: queue a host-device transfer (work = its time alone on the
 * link) on the GPU's link, behind the tenant's earlier transfers. The
 * caller checks t->link first. */
void tenant_copy(tenant *t, gpu_job *j);

/* tenant_complete: a request finished now; r->end is set from the clock. */
void tenant_complete(tenant *t, tenant_rec *r);

/* A request that moves from one replica of a fleet to another (prefill to
 * decode, models/disagg.h): tenant_pass counts it in `to` from now on;
 * tenant_stage_done then measures r (end set from the clock) as one
 * finished request of `from`, which no longer holds it. The fleet and the
 * record sink see the request once, at its tenant_complete. */
void tenant_pass(tenant *to);
void tenant_stage_done(tenant *from, tenant_rec *r);

/* tenant_breakdown: fill r's time split from a job that ran to completion. */
void tenant_rec_from_job(tenant_rec *r, const gpu_job *j);

/* tenant_pool_get: an object from pool for a newly arrived request; NULL
 * when out of memory, the tenant then marked so and the run failing
 * cleanly at its end. */
void *tenant_pool_get(tenant *t, sim_pool *pool);

/* tenant_rec_begin: a zeroed record of request id of user, arrived at
 * arrival. Inline, so that the compiler drops the zeroing of every field
 * the workload sets next (the record is built for each request whether or
 * not a sink keeps it; this keeps it cheap). */
static inline void tenant_rec_begin(tenant_rec *r, uint64_t id, int user, sim_time_t arrival)
{
    *r = (tenant_rec){ .id = id, .user = user, .arrival = arrival };
}

/* tenant_rec_split: the time split of a request that waited until start,
 * then spent service on the GPU, sw loading its context and host on the
 * CPU; the rest of its sojourn until now (never below 0) is time behind
 * other tenants' work (for training: exposed communication). */
void tenant_rec_split(tenant_rec *r, sim_time_t start, sim_time_t service, sim_time_t sw,
                      sim_time_t host, sim_time_t now);

#endif
