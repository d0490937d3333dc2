#include "models/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const double model_quantiles[MQ_N] = { NAN, 0.50, 0.90, 0.95, 0.99, 0.999 };

/* One replication's live objects. */
typedef struct {
    const model_cfg *cfg;
    sim              s;
    exec           **gpus;
    tenant          *tenants;
    uint64_t         in_flight;
    exec_counters   *warm, *stop;     /* per GPU snapshots */
    sim_event        ev_warm, ev_stop;
} rep_run;

static void snapshot(rep_run *r, exec_counters *into, int at_stop)
{
    for (int g = 0; g < r->cfg->ngpus; g++) {
        exec_account(r->gpus[g]);
        into[g] = r->gpus[g]->c;
    }
    for (size_t i = 0; i < r->cfg->ntenants; i++) {
        tenant *t = &r->tenants[i];
        if (at_stop)
            t->gpu_ns_stop = t->gpu_ns;
        else
            t->gpu_ns_warm = t->gpu_ns;
    }
}

static void on_warm(sim *s, sim_event *ev) { (void)s; rep_run *r = ev->ctx; snapshot(r, r->warm, 0); }
static void on_stop(sim *s, sim_event *ev) { (void)s; rep_run *r = ev->ctx; snapshot(r, r->stop, 1); }

static exec *make_gpu(const model_cfg *cfg, sim *s, int id)
{
    ts_cfg tc = cfg->ts;
    if (cfg->sharing == MODEL_EXCLUSIVE) {
        tc.policy = &ts_best_effort;
        tc.slice_ns = SIM_TIME_MAX;
        tc.switch_ns = 0;
        tc.preempt = TS_PREEMPT_INSTRUCTION;
        tc.block_ns = 1;
    }
    ts *t = ts_alloc(s, id, &tc);
    return t ? &t->base : NULL;
}

static void rep_free(rep_run *r)
{
    if (r->tenants)
        for (size_t i = 0; i < r->cfg->ntenants; i++)
            tenant_free(&r->tenants[i]);
    if (r->gpus)
        for (int g = 0; g < r->cfg->ngpus; g++)
            if (r->gpus[g])
                exec_free(r->gpus[g]);
    free(r->tenants);
    free(r->gpus);
    free(r->warm);
    free(r->stop);
    sim_free(&r->s);
}

static int rep_init(rep_run *r, const model_cfg *cfg, int rep)
{
    memset(r, 0, sizeof *r);
    r->cfg = cfg;
    sim_init(&r->s);
    r->gpus = calloc((size_t)cfg->ngpus, sizeof *r->gpus);
    r->tenants = calloc(cfg->ntenants, sizeof *r->tenants);
    r->warm = calloc((size_t)cfg->ngpus, sizeof *r->warm);
    r->stop = calloc((size_t)cfg->ngpus, sizeof *r->stop);
    if (!r->gpus || !r->tenants || !r->warm || !r->stop)
        return -1;
    for (int g = 0; g < cfg->ngpus; g++) {
        if (!(r->gpus[g] = make_gpu(cfg, &r->s, g)))
            return -1;
        if (rep == 0) {           /* timelines show the first replication */
            r->gpus[g]->trace = cfg->trace;
            r->gpus[g]->trace_ud = cfg->trace_ud;
        }
    }
    for (size_t i = 0; i < cfg->ntenants; i++) {
        const tenant_cfg *tc = &cfg->tenants[i];
        if (tenant_init(&r->tenants[i], (int)i, rep, tc, &r->s, r->gpus[tc->gpu],
                        cfg->gpu, cfg->seed, cfg->warmup, cfg->duration,
                        &r->in_flight, cfg->keep_records) < 0)
            return -1;
    }
    sim_event_set(&r->ev_warm, on_warm, r);
    sim_event_set(&r->ev_stop, on_stop, r);
    return 0;
}

static void summarize(sim_sample *x, double *out)
{
    out[MQ_MEAN] = sim_sample_mean(x);
    for (int q = MQ_P50; q < MQ_N; q++)
        out[q] = sim_sample_quantile(x, model_quantiles[q]);
}

static void collect_tenant(const rep_run *r, tenant *t, model_tenant_rep *m)
{
    double window_s = (double)(r->cfg->duration - r->cfg->warmup) / 1e9;
    double n = (double)t->lat_ms.n;
    double q[MQ_N];
    m->t[MT_COMPLETED] = n;
    m->t[MT_THROUGHPUT] = t->units_done / window_s;
    for (int k = 0; k < 5; k++)
        m->t[MT_QUEUE + k] = n > 0 ? t->sum_ms[k] / n : NAN;
    m->t[MT_SHARE] = (double)(t->gpu_ns_stop - t->gpu_ns_warm) / (window_s * 1e9);
    m->t[MT_SLO] = t->cfg->slo_metric != -2 && n > 0 ? (double)t->slo_ok / n : NAN;
    for (int k = 0; k < t->nmetrics; k++)
        summarize(&t->metric[k], m->x[k]);
    summarize(&t->lat_ms, q);
    for (int k = 0; k < MQ_N; k++)
        m->t[MT_MEAN + k] = q[k];
}

static int append_recs(model_result *res, const tenant *t)
{
    if (t->nrecs == 0)
        return 0;
    tenant_rec *v = realloc(res->recs, (res->nrecs + t->nrecs) * sizeof *v);
    if (!v)
        return -1;
    memcpy(v + res->nrecs, t->recs, t->nrecs * sizeof *v);
    res->recs = v;
    res->nrecs += t->nrecs;
    return 0;
}

static int run_one(const model_cfg *cfg, int rep, model_result *res)
{
    rep_run r;
    int rc = -1;
    if (rep_init(&r, cfg, rep) < 0)
        goto out;
    if (cfg->warmup > 0)
        sim_at(&r.s, &r.ev_warm, cfg->warmup);
    else
        snapshot(&r, r.warm, 0);
    sim_at(&r.s, &r.ev_stop, cfg->duration);
    for (size_t i = 0; i < cfg->ntenants; i++)
        tenant_start(&r.tenants[i]);
    sim_run(&r.s, cfg->duration);
    if (r.in_flight > 0)
        sim_run(&r.s, cfg->duration + cfg->drain);
    res->events += r.s.events;
    res->sim_time_s += (double)r.s.now / 1e9;
    for (size_t i = 0; i < cfg->ntenants; i++) {
        tenant *t = &r.tenants[i];
        if (t->oom)
            goto out;
        collect_tenant(&r, t, &res->tr[rep * res->ntenants + (int)i]);
        if (append_recs(res, t) < 0)
            goto out;
    }
    res->unfinished += r.in_flight;   /* still running at the drain limit */
    double window_ns = (double)(cfg->duration - cfg->warmup);
    for (int g = 0; g < cfg->ngpus; g++) {
        double *m = &res->gr[(rep * res->ngpus + g) * MG_N];
        m[MG_UTIL] = (double)(r.stop[g].busy_ns - r.warm[g].busy_ns) / window_ns;
        m[MG_SWITCHES] = (double)(r.stop[g].switches - r.warm[g].switches);
        m[MG_SWITCH_FRAC] = (double)(r.stop[g].switch_ns - r.warm[g].switch_ns) / window_ns;
    }
    rc = 0;
out:
    rep_free(&r);
    return rc;
}

int model_run(const model_cfg *cfg, model_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    res->reps = cfg->reps;
    res->ntenants = (int)cfg->ntenants;
    res->ngpus = cfg->ngpus;
    res->tr = calloc((size_t)cfg->reps * cfg->ntenants, sizeof *res->tr);
    res->gr = calloc((size_t)cfg->reps * (size_t)cfg->ngpus * MG_N, sizeof *res->gr);
    if (!res->tr || !res->gr)
        goto oom;
    for (int rep = 0; rep < cfg->reps; rep++)
        if (run_one(cfg, rep, res) < 0)
            goto oom;
    return 0;
oom:
    snprintf(err, errlen, "out of memory while running the model");
    model_result_free(res);
    return -1;
}

void model_result_free(model_result *res)
{
    free(res->tr);
    free(res->gr);
    free(res->recs);
    memset(res, 0, sizeof *res);
}
