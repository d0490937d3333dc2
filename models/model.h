/* model.h -- a whole scenario as a model: GPUs, their sharing, tenants; run
 * as independent replications.
 *
 * Replication r uses streams seeded from (seed, r, entity, stream), so results
 * depend on the scenario and seed only. Each replication reports per tenant
 * and per GPU the metrics of model_tenant_metric / model_gpu_metric; reports
 * take the mean over replications and a 95% interval (sim/ci.h).
 *
 * MT_THROUGHPUT is a rate. With open arrivals it is the units completed in
 * the window over its length: the arrivals set it. A closed loop's rate is
 * set by its service instead, and counting whole completions in a window
 * would quantize it (a 300 ms training step in a 9 s window counts 29 or 30
 * steps, hiding a 3% difference in step time); so for closed-loop arrivals
 * it is the units of the completions after the window's first completion
 * instant over the time from that instant to the last completion: for
 * back-to-back training steps, samples per step over the mean step time. */
#ifndef MODELS_MODEL_H
#define MODELS_MODEL_H

#include "models/tenant.h"
#include "models/ts.h"
#include "models/mps.h"
#include "models/mig.h"
#include "models/virt.h"
#include "models/share.h"
#include "sim/ci.h"

/* One MIG instance of the layout (the same on every GPU). */
typedef struct model_instance {
    const mig_profile *prof;
    int                start;           /* placed memory slot */
    const share_type  *share;           /* exclusive, timeslice or mps inside it */
    int                mps_max_clients; /* client limit scaled to its size */
} model_instance;

/* The fields after `share` belong to the sharing modes that read them: ts
 * to time-slicing (and the time-sliced or exclusive MIG instances), mps to
 * MPS (and MPS instances), mig .. power_throttle to MIG. Each share_type's
 * defaults() sets its own. */
typedef struct model_cfg {
    const gpu_spec *gpu;
    int             ngpus;
    const share_type *share;                  /* how each GPU is shared (share.h) */
    ts_cfg          ts;
    sim_time_t      duration, warmup, drain;  /* drain: how long past duration to wait */
    uint64_t        seed;
    int             reps;
    tenant_cfg     *tenants;
    size_t          ntenants;
    tenant_rec_fn   on_rec;                   /* optional sink of every measured request, */
    void           *rec_ud;                   /*   called on the replication's thread */
    void          (*on_rep_done)(void *rec_ud, int rep);  /* optional: after replication rep */
    int             jobs;                     /* replications run on this many threads; <= 1 serial */
    exec_trace_fn   trace;                    /* optional observer of replication 0's GPUs */
    exec_counter_fn counter;                  /* optional observer of their tenants' engine state */
    void           *trace_ud;
    mps_cfg         mps;                      /* MPS, and MPS instances */
    const mig_table *mig;                     /* MIG */
    model_instance  inst[MIG_MAX_INSTANCES];
    int             ninst;                    /* instances per GPU; 0 unless MIG */
    double          power_throttle;           /* MIG: speed while every instance runs; 1 = off */
    virt_cfg        virt;                     /* bare metal = identity */
} model_cfg;

typedef enum {
    MT_COMPLETED, MT_THROUGHPUT,
    MT_MEAN, MT_P50, MT_P90, MT_P95, MT_P99, MT_P999,
    MT_QUEUE, MT_OTHER, MT_SWITCH, MT_SERVICE, MT_HOST,
    MT_SHARE, MT_SLO,
    MT_BACKLOG,        /* growth of requests in the system over the window */
    MT_IN_SYSTEM,      /* time-weighted mean of requests in the system */
    MT_UNFINISHED,     /* requests still in the system at the drain limit */
    MT_PREFIX_HIT,     /* prefix cache: prompt tokens found over those looked up; NaN without lookups */
    MT_N
} model_tenant_metric;

/* summary statistics of one per-request metric */
typedef enum { MQ_MEAN, MQ_P50, MQ_P90, MQ_P95, MQ_P99, MQ_P999, MQ_N } model_quantile;
extern const double model_quantiles[MQ_N];     /* NAN for the mean, then 0.5 ... 0.999 */

/* The names of the statistics and of the latency, as summaries, SLOs and
 * outputs spell them ("latency_ms.p95"): owned here; model_quantile_names
 * is { MODEL_Q_MEAN, ... } (plots/figures.c names the summary's members
 * with the same macros). */
#define MODEL_LATENCY_NAME "latency_ms"
#define MODEL_Q_MEAN "mean"
#define MODEL_Q_P50  "p50"
#define MODEL_Q_P90  "p90"
#define MODEL_Q_P95  "p95"
#define MODEL_Q_P99  "p99"
#define MODEL_Q_P999 "p999"
extern const char *const model_quantile_names[MQ_N];

/* model_quantile_find: the statistic named name ("p95"), or -1. */
int model_quantile_find(const char *name);

/* Per GPU; under MIG also per instance, the GPU's values being the sums of
 * its instances' weighted by their SM share of the GPU (switches: the sum).
 * Throttled time and PCIe-link utilization are per GPU only. */
typedef enum { MG_UTIL, MG_SWITCHES, MG_SWITCH_FRAC, MG_OVERHEAD_FRAC, MG_THROTTLED_FRAC,
               MG_PCIE_UTIL, MG_N } model_gpu_metric;

typedef struct {
    double t[MT_N];
    double x[TENANT_MAX_METRICS][MQ_N];   /* workload metrics (ttft_ms, ...) */
} model_tenant_rep;

/* A statistic over replications: the mean of the replications' values and
 * its 95% interval, suited to the metric's range (sim/ci.h). */
typedef sim_ci model_stat;

/* The typed summary of a run, computed once when the run ends: every
 * statistic of every tenant, GPU and instance with its interval. Tables,
 * summary.json, sweeps and checks read it; none recomputes it. */
typedef struct {
    model_stat t[MT_N];
    model_stat x[TENANT_MAX_METRICS][MQ_N];   /* workload metrics */
} model_tenant_sum;

typedef struct {
    model_tenant_sum *tenant;   /* [tenant] */
    model_stat       *gpu;      /* [gpu * MG_N + metric] */
    model_stat       *inst;     /* [(gpu * ninst + inst) * MG_N + metric]; NULL without instances */
} model_summary;

typedef struct {
    int                reps, ntenants, ngpus;
    model_summary      sum;     /* over the replications below */
    model_tenant_rep  *tr;      /* [rep * ntenants + tenant] */
    double            *gr;      /* [(rep * ngpus + gpu) * MG_N + metric] */
    int                ninst;   /* resources per partitioned GPU (MIG instances), else 0 */
    double            *ir;      /* [((rep * ngpus + gpu) * ninst + inst) * MG_N + metric] */
    uint64_t           events;  /* over all replications */
    double             sim_time_s;
    uint64_t           unfinished;  /* measured requests still running at the drain limit */
} model_result;

/* model_run: run every replication of cfg, on cfg->jobs threads when more
 * than one (each replication is a model of its own, sharing only the
 * read-only cfg; its results go to its own slots and are summed in
 * replication order, so the result is the same byte for byte whatever the
 * thread count). On success fills *res (free with model_result_free) and
 * returns 0; returns -1 when out of memory, with a message in err. */
int  model_run(const model_cfg *cfg, model_result *res, char *err, size_t errlen);
void model_result_free(model_result *res);

/* model_summarize: (re)compute res->sum from the replications' values;
 * model_run calls it. 0, or -1 when out of memory. */
int model_summarize(model_result *res);

/* The range of each metric, which decides its interval: shares,
 * utilizations and attainments are fractions, the change of the backlog
 * any real number, everything else (latencies, percentiles, throughputs,
 * counts) positive. */
sim_ci_range model_tenant_range(model_tenant_metric m);
sim_ci_range model_gpu_range(model_gpu_metric m);

/* The summary's statistics: tenant ti's metric, its workload metric k at
 * summary q, GPU g's metric, instance i of GPU g's metric. */
static inline const model_stat *model_tenant_stat(const model_result *r, int ti, model_tenant_metric m)
{
    return &r->sum.tenant[ti].t[m];
}
static inline const model_stat *model_tenant_xstat(const model_result *r, int ti, int k, model_quantile q)
{
    return &r->sum.tenant[ti].x[k][q];
}
static inline const model_stat *model_gpu_stat(const model_result *r, int g, model_gpu_metric m)
{
    return &r->sum.gpu[g * MG_N + m];
}
static inline const model_stat *model_inst_stat(const model_result *r, int g, int i, model_gpu_metric m)
{
    return &r->sum.inst[(g * r->ninst + i) * MG_N + m];
}

static inline const model_tenant_rep *model_tenant_at(const model_result *r, int rep, int t)
{
    return &r->tr[rep * r->ntenants + t];
}
static inline double model_gpu_at(const model_result *r, int rep, int g, model_gpu_metric m)
{
    return r->gr[(rep * r->ngpus + g) * MG_N + m];
}

static inline double model_inst_at(const model_result *r, int rep, int g, int i, model_gpu_metric m)
{
    return r->ir[((rep * r->ngpus + g) * r->ninst + i) * MG_N + m];
}

#endif
