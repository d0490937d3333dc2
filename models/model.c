#include "models/model.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/rng.h"
#include "models/link.h"
#include "models/power.h"

/* Random streams of tenant entities beside the tenant's own (tenant.c);
 * executors' streams are their share types' (share.h). */
enum { STREAM_VIRT_NOISE = 2 };

const double model_quantiles[MQ_N] = { NAN, 0.50, 0.90, 0.95, 0.99, 0.999 };
const char *const model_quantile_names[MQ_N] = { MODEL_Q_MEAN, MODEL_Q_P50, MODEL_Q_P90, MODEL_Q_P95, MODEL_Q_P99,
                                                  MODEL_Q_P999 };

int model_quantile_find(const char *name)
{
    for (int q = 0; q < MQ_N; q++)
        if (strcmp(name, model_quantile_names[q]) == 0)
            return q;
    return -1;
}

/* One replication's live objects. */
typedef struct {
    const model_cfg *cfg;
    sim              s;
    exec           **gpus;            /* executors: one per GPU, or per MIG instance */
    int              nexec;
    exec           **virts;           /* per tenant; NULL on bare metal */
    tenant        ***fleets;          /* per tenant: a front's replicas, else NULL */
    exec           **links;           /* per GPU: its PCIe link */
    power_mon      **powers;          /* per GPU under a MIG power throttle, else NULL */
    sim_time_t      *thr_warm, *thr_stop;
    sim_time_t      *pcie_warm, *pcie_stop;   /* per GPU: link busy time */
    tenant          *tenants;
    uint64_t         in_flight;
    exec_counters   *warm, *stop;     /* per executor snapshots */
    sim_event        ev_warm, ev_stop;
} rep_run;

static void snapshot(rep_run *r, exec_counters *into, int at_stop)
{
    for (int g = 0; g < r->nexec; g++) {
        exec_account(r->gpus[g]);
        into[g] = r->gpus[g]->c;
    }
    for (int g = 0; g < r->cfg->ngpus; g++) {
        (at_stop ? r->thr_stop : r->thr_warm)[g] = r->powers[g] ? power_throttled_ns(r->powers[g]) : 0;
        exec_account(r->links[g]);
        (at_stop ? r->pcie_stop : r->pcie_warm)[g] = r->links[g]->c.busy_ns;
    }
    for (size_t i = 0; i < r->cfg->ntenants; i++) {
        tenant *t = &r->tenants[i];
        if (at_stop) {
            t->gpu_ns_stop = t->gpu_ns;
            t->in_flight_stop = t->in_flight;
            t->in_system_mean = sim_tw_mean(&t->in_system, r->s.now);
        } else {
            t->gpu_ns_warm = t->gpu_ns;
            t->in_flight_warm = t->in_flight;
            sim_tw_reset(&t->in_system, r->s.now);
        }
    }
}

static void on_warm(sim *s, sim_event *ev) { (void)s; rep_run *r = ev->ctx; snapshot(r, r->warm, 0); }
static void on_stop(sim *s, sim_event *ev) { (void)s; rep_run *r = ev->ctx; snapshot(r, r->stop, 1); }

/* Put tenant i on its executor, behind a virtualization layer unless the
 * layer would do nothing. */
static int place_tenant(rep_run *r, size_t i, int rep)
{
    const model_cfg *cfg = r->cfg;
    const tenant_cfg *tc = &cfg->tenants[i];
    int e = share_exec_index(cfg, tc);
    exec *inner = r->gpus[e], *front = inner;
    if (tenant_cfg_placed(tc) && !virt_is_identity(&cfg->virt)) {
        gsl_rng *rng = NULL;
        if (cfg->virt.noise_rate_per_s > 0 &&
            !(rng = sim_rng_alloc(cfg->seed, (uint32_t)rep, (uint32_t)i, STREAM_VIRT_NOISE)))
            return -1;
        virt_layer *v = virt_alloc(&r->s, inner->id, inner, &cfg->virt, rng);
        if (!v)
            return -1;
        virt_set_horizon(v, sim_time_add(cfg->duration, cfg->drain));
        front = r->virts[i] = virt_base(v);
    }
    tenant *t = &r->tenants[i];
    if (tenant_init(t, (int)i, rep, tc, &r->s, front, cfg->gpu, cfg->seed, cfg->warmup,
                    cfg->duration, &r->in_flight, cfg->on_rec, cfg->rec_ud) < 0)
        return -1;
    if (!tenant_cfg_placed(tc)) {        /* a fleet's front: its replicas serve */
        r->fleets[i] = malloc((size_t)tc->replicas * sizeof *r->fleets[i]);
        if (!r->fleets[i])
            return -1;
        for (int k = 0; k < tc->replicas; k++)
            r->fleets[i][k] = &r->tenants[tc->first_replica + k];
        return 0;
    }
    if (front != inner) {                /* the context lives on the real executor */
        exec_ctx_init(inner, &t->ctx, &t->gpu_ns);
        t->ctx.tag = (int)i;
        t->ctx.prio = tc->priority;
    }
    t->link = r->links[tc->gpu];
    exec_ctx_init(t->link, &t->link_ctx, NULL);
    t->link_ctx.tag = (int)i;
    share_res res = share_res_of(cfg, e);
    return cfg->share->attach(cfg, &res, inner, t);
}

static void rep_free(rep_run *r)
{
    if (r->tenants)
        for (size_t i = 0; i < r->cfg->ntenants; i++)
            tenant_free(&r->tenants[i]);
    if (r->fleets)
        for (size_t i = 0; i < r->cfg->ntenants; i++)
            free(r->fleets[i]);
    free(r->fleets);
    if (r->virts)
        for (size_t i = 0; i < r->cfg->ntenants; i++)
            if (r->virts[i])
                exec_free(r->virts[i]);
    if (r->gpus)
        for (int g = 0; g < r->nexec; g++)
            if (r->gpus[g])
                exec_free(r->gpus[g]);
    if (r->powers)
        for (int g = 0; g < r->cfg->ngpus; g++)
            power_free(r->powers[g]);
    if (r->links)
        for (int g = 0; g < r->cfg->ngpus; g++)
            if (r->links[g])
                exec_free(r->links[g]);
    free(r->links);
    free(r->powers);
    free(r->thr_warm);
    free(r->thr_stop);
    free(r->pcie_warm);
    free(r->pcie_stop);
    free(r->tenants);
    free(r->virts);
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
    r->nexec = share_exec_count(cfg);
    r->gpus = calloc((size_t)r->nexec, sizeof *r->gpus);
    r->virts = calloc(cfg->ntenants, sizeof *r->virts);
    r->fleets = calloc(cfg->ntenants, sizeof *r->fleets);
    r->tenants = calloc(cfg->ntenants, sizeof *r->tenants);
    r->links = calloc((size_t)cfg->ngpus, sizeof *r->links);
    r->powers = calloc((size_t)cfg->ngpus, sizeof *r->powers);
    r->thr_warm = calloc((size_t)cfg->ngpus, sizeof *r->thr_warm);
    r->thr_stop = calloc((size_t)cfg->ngpus, sizeof *r->thr_stop);
    r->pcie_warm = calloc((size_t)cfg->ngpus, sizeof *r->pcie_warm);
    r->pcie_stop = calloc((size_t)cfg->ngpus, sizeof *r->pcie_stop);
    r->warm = calloc((size_t)r->nexec, sizeof *r->warm);
    r->stop = calloc((size_t)r->nexec, sizeof *r->stop);
    if (!r->gpus || !r->virts || !r->fleets || !r->tenants || !r->links || !r->powers || !r->thr_warm ||
        !r->thr_stop || !r->pcie_warm || !r->pcie_stop || !r->warm || !r->stop)
        return -1;
    for (int g = 0; g < r->nexec; g++) {
        share_res res = share_res_of(cfg, g);
        if (!(r->gpus[g] = cfg->share->build(cfg, &res, &r->s, g, rep)))
            return -1;
        if (rep == 0) {           /* timelines show the first replication */
            r->gpus[g]->trace = cfg->trace;
            r->gpus[g]->trace_ud = cfg->trace_ud;
            r->gpus[g]->counter = cfg->counter;
        }
    }
    for (int g = 0; g < cfg->ngpus; g++) {
        link_exec *l = link_alloc(&r->s, g);
        if (!l)
            return -1;
        r->links[g] = link_base(l);
        int n = cfg->share->resources(cfg);
        if (cfg->share->part_frac && cfg->power_throttle < 1.0 &&
            !(r->powers[g] = power_alloc(&r->gpus[g * n], n, cfg->power_throttle)))
            return -1;
    }
    for (size_t i = 0; i < cfg->ntenants; i++)
        if (place_tenant(r, i, rep) < 0)
            return -1;
    for (size_t i = 0; i < cfg->ntenants; i++)   /* every replica exists now */
        if (r->fleets[i])
            tenant_route(&r->tenants[i], r->fleets[i], cfg->tenants[i].replicas);
    sim_event_set(&r->ev_warm, on_warm, r);
    sim_event_set(&r->ev_stop, on_stop, r);
    return 0;
}

static void summarize(sim_dist *x, double *out)
{
    out[MQ_MEAN] = sim_dist_mean(x);
    sim_dist_quantiles(x, &model_quantiles[MQ_P50], MQ_N - MQ_P50, &out[MQ_P50]);
}

static void collect_tenant(const rep_run *r, tenant *t, model_tenant_rep *m)
{
    double window_s = (double)(r->cfg->duration - r->cfg->warmup) / 1e9;
    double n = (double)sim_dist_count(&t->lat_ms);
    double q[MQ_N];
    m->t[MT_COMPLETED] = n;
    m->t[MT_THROUGHPUT] = t->units_done / window_s;
    if (t->cfg->arr == &arr_closed && t->ndone >= 2 && t->last_done > t->first_done)
        m->t[MT_THROUGHPUT] = t->units_after_first / ((double)(t->last_done - t->first_done) / 1e9);
    for (int k = 0; k < 5; k++)
        m->t[MT_QUEUE + k] = n > 0 ? (double)t->sum_ns[k] / 1e6 / n : NAN;
    m->t[MT_SHARE] = (double)(t->gpu_ns_stop - t->gpu_ns_warm) / (window_s * 1e9);
    m->t[MT_SLO] = t->cfg->slo_metric != -2 && n > 0 ? (double)t->slo_ok / n : NAN;
    m->t[MT_BACKLOG] = (double)t->in_flight_stop - (double)t->in_flight_warm;
    m->t[MT_IN_SYSTEM] = t->in_system_mean;
    m->t[MT_UNFINISHED] = (double)t->in_flight;
    m->t[MT_PREFIX_HIT] = t->prefix_query > 0 ? t->prefix_hit / t->prefix_query : NAN;
    for (int k = 0; k < t->nmetrics; k++)
        summarize(&t->metric[k], m->x[k]);
    summarize(&t->lat_ms, q);
    for (int k = 0; k < MQ_N; k++)
        m->t[MT_MEAN + k] = q[k];
}

static void exec_metrics(const rep_run *r, int e, double *m)
{
    double window_ns = (double)(r->cfg->duration - r->cfg->warmup);
    const exec_counters *a = &r->warm[e], *b = &r->stop[e];
    m[MG_UTIL] = (double)(b->busy_ns - a->busy_ns) / window_ns;
    m[MG_SWITCHES] = (double)(b->switches - a->switches);
    m[MG_SWITCH_FRAC] = (double)(b->switch_ns - a->switch_ns) / window_ns;
    m[MG_OVERHEAD_FRAC] = (double)(b->overhead_ns - a->overhead_ns) / window_ns;
    m[MG_THROTTLED_FRAC] = 0;
    m[MG_PCIE_UTIL] = 0;
}

/* Per GPU metrics; on a partitioned GPU per resource too, the GPU's the
 * sums of its resources' weighted by their part_frac (switches: the sum). */
static void collect_execs(const rep_run *r, int rep, model_result *res)
{
    const model_cfg *cfg = r->cfg;
    for (int g = 0; g < cfg->ngpus; g++) {
        double *m = &res->gr[(rep * res->ngpus + g) * MG_N];
        double window_ns = (double)(cfg->duration - cfg->warmup);
        if (!cfg->share->part_frac) {
            exec_metrics(r, g, m);
            m[MG_PCIE_UTIL] = (double)(r->pcie_stop[g] - r->pcie_warm[g]) / window_ns;
            continue;
        }
        memset(m, 0, MG_N * sizeof *m);
        for (int i = 0; i < res->ninst; i++) {
            double *mi = &res->ir[((rep * res->ngpus + g) * res->ninst + i) * MG_N];
            double w = cfg->share->part_frac(cfg, i);
            exec_metrics(r, g * res->ninst + i, mi);
            for (int k = 0; k < MG_N; k++)
                m[k] += k == MG_SWITCHES ? mi[k] : w * mi[k];
        }
        m[MG_THROTTLED_FRAC] = (double)(r->thr_stop[g] - r->thr_warm[g]) / window_ns;
        m[MG_PCIE_UTIL] = (double)(r->pcie_stop[g] - r->pcie_warm[g]) / window_ns;
    }
}

/* What a replication adds to the run's totals, summed in replication order
 * once all are done. */
typedef struct {
    uint64_t events, unfinished;
    double   sim_time_s;
    int      rc;
} rep_totals;

static int run_one(const model_cfg *cfg, int rep, model_result *res, rep_totals *tot)
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
        if (!cfg->tenants[i].front)      /* a replica's arrivals are its front's */
            tenant_start(&r.tenants[i]);
    sim_run(&r.s, cfg->duration);
    if (r.in_flight > 0)
        sim_run(&r.s, cfg->duration + cfg->drain);
    tot->events = r.s.events;
    tot->sim_time_s = (double)r.s.now / 1e9;
    for (size_t i = 0; i < cfg->ntenants; i++) {
        tenant *t = &r.tenants[i];
        if (t->oom)
            goto out;
        collect_tenant(&r, t, &res->tr[rep * res->ntenants + (int)i]);
    }
    for (size_t i = 0; i < cfg->ntenants; i++) {   /* a fleet's share: its replicas' */
        const tenant_cfg *tc = &cfg->tenants[i];
        model_tenant_rep *m = &res->tr[rep * res->ntenants + (int)i];
        if (!tenant_cfg_placed(tc)) {
            m->t[MT_SHARE] = 0;
            for (int k = 0; k < tc->replicas; k++)
                m->t[MT_SHARE] += res->tr[rep * res->ntenants + tc->first_replica + k].t[MT_SHARE];
        }
    }
    tot->unfinished = r.in_flight;   /* still running at the drain limit */
    collect_execs(&r, rep, res);
    rc = 0;
out:
    rep_free(&r);
    if (cfg->on_rep_done)
        cfg->on_rep_done(cfg->rec_ud, rep);
    return rc;
}

/* Replications handed out in order to the threads. */
typedef struct {
    const model_cfg *cfg;
    model_result    *res;
    rep_totals      *tot;
    int              next;
    pthread_mutex_t  lock;
} rep_pool;

static void *rep_worker(void *arg)
{
    rep_pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int rep = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (rep >= p->cfg->reps)
            return NULL;
        p->tot[rep].rc = run_one(p->cfg, rep, p->res, &p->tot[rep]);
    }
}

static int run_all(const model_cfg *cfg, model_result *res, rep_totals *tot)
{
    int jobs = cfg->jobs < 1 ? 1 : cfg->jobs > cfg->reps ? cfg->reps : cfg->jobs;
    if (jobs == 1) {
        for (int rep = 0; rep < cfg->reps; rep++)
            if ((tot[rep].rc = run_one(cfg, rep, res, &tot[rep])) < 0)
                return -1;
        return 0;
    }
    rep_pool p = { cfg, res, tot, 0, PTHREAD_MUTEX_INITIALIZER };
    pthread_t *tids = calloc((size_t)jobs, sizeof *tids);
    int started = 0;
    if (tids)
        for (; started < jobs; started++)
            if (pthread_create(&tids[started], NULL, rep_worker, &p) != 0)
                break;
    if (started == 0)
        rep_worker(&p);          /* no thread to be had: run them here */
    for (int k = 0; k < started; k++)
        pthread_join(tids[k], NULL);
    free(tids);
    pthread_mutex_destroy(&p.lock);
    for (int rep = 0; rep < cfg->reps; rep++)
        if (tot[rep].rc < 0)
            return -1;
    return 0;
}

int model_run(const model_cfg *cfg, model_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    res->reps = cfg->reps;
    res->ntenants = (int)cfg->ntenants;
    res->ngpus = cfg->ngpus;
    res->tr = calloc((size_t)cfg->reps * cfg->ntenants, sizeof *res->tr);
    res->gr = calloc((size_t)cfg->reps * (size_t)cfg->ngpus * MG_N, sizeof *res->gr);
    res->ninst = cfg->share->part_frac ? cfg->share->resources(cfg) : 0;
    res->ir = calloc((size_t)cfg->reps * (size_t)cfg->ngpus * (size_t)(res->ninst ? res->ninst : 1) * MG_N,
                     sizeof *res->ir);
    rep_totals *tot = calloc((size_t)cfg->reps, sizeof *tot);
    if (!res->tr || !res->gr || !res->ir || !tot || run_all(cfg, res, tot) < 0)
        goto oom;
    for (int rep = 0; rep < cfg->reps; rep++) {
        res->events += tot[rep].events;
        res->sim_time_s += tot[rep].sim_time_s;
        res->unfinished += tot[rep].unfinished;
    }
    free(tot);
    tot = NULL;
    if (model_summarize(res) < 0)
        goto oom;
    return 0;
oom:
    free(tot);
    snprintf(err, errlen, "out of memory while running the model");
    model_result_free(res);
    return -1;
}

sim_ci_range model_tenant_range(model_tenant_metric m)
{
    if (m == MT_SHARE || m == MT_SLO || m == MT_PREFIX_HIT)
        return SIM_CI_FRACTION;
    return m == MT_BACKLOG ? SIM_CI_REAL : SIM_CI_POSITIVE;
}

sim_ci_range model_gpu_range(model_gpu_metric m)
{
    return m == MG_SWITCHES ? SIM_CI_POSITIVE : SIM_CI_FRACTION;
}

static void summary_free(model_summary *s)
{
    free(s->tenant);
    free(s->gpu);
    free(s->inst);
    memset(s, 0, sizeof *s);
}

/* Every statistic over the replications, with one scratch row of values. */
int model_summarize(model_result *res)
{
    model_summary *s = &res->sum;
    summary_free(s);
    size_t reps = (size_t)res->reps, ng = (size_t)res->ngpus, ni = (size_t)res->ninst;
    double *x = malloc((reps ? reps : 1) * sizeof *x);
    s->tenant = calloc((size_t)res->ntenants ? (size_t)res->ntenants : 1, sizeof *s->tenant);
    s->gpu = calloc((ng ? ng : 1) * MG_N, sizeof *s->gpu);
    s->inst = ni ? calloc(ng * ni * MG_N, sizeof *s->inst) : NULL;
    if (!x || !s->tenant || !s->gpu || (ni && !s->inst)) {
        free(x);
        summary_free(s);
        return -1;
    }
    for (int t = 0; t < res->ntenants; t++) {
        for (int m = 0; m < MT_N; m++) {
            for (size_t r = 0; r < reps; r++)
                x[r] = model_tenant_at(res, (int)r, t)->t[m];
            s->tenant[t].t[m] = sim_ci_95(x, reps, model_tenant_range((model_tenant_metric)m));
        }
        for (int k = 0; k < TENANT_MAX_METRICS; k++)
            for (int q = 0; q < MQ_N; q++) {
                for (size_t r = 0; r < reps; r++)
                    x[r] = model_tenant_at(res, (int)r, t)->x[k][q];
                s->tenant[t].x[k][q] = sim_ci_95(x, reps, SIM_CI_POSITIVE);
            }
    }
    for (int g = 0; g < res->ngpus; g++)
        for (int m = 0; m < MG_N; m++) {
            for (size_t r = 0; r < reps; r++)
                x[r] = model_gpu_at(res, (int)r, g, (model_gpu_metric)m);
            s->gpu[g * MG_N + m] = sim_ci_95(x, reps, model_gpu_range((model_gpu_metric)m));
            for (int i = 0; i < res->ninst; i++) {
                for (size_t r = 0; r < reps; r++)
                    x[r] = model_inst_at(res, (int)r, g, i, (model_gpu_metric)m);
                s->inst[(g * res->ninst + i) * MG_N + m] = sim_ci_95(x, reps, model_gpu_range((model_gpu_metric)m));
            }
        }
    free(x);
    return 0;
}

void model_result_free(model_result *res)
{
    summary_free(&res->sum);
    free(res->tr);
    free(res->gr);
    free(res->ir);
    memset(res, 0, sizeof *res);
}
