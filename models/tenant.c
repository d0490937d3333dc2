#include "models/tenant.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sim/rng.h"
#include "models/router.h"

enum { STREAM_ARRIVALS = 0, STREAM_WORKLOAD = 1, STREAM_NOISE = 2, STREAM_PREFIX = 3 };

static void on_arrival(void *owner, sim *s, const arr_item *it)
{
    tenant *t = owner;
    arr_item own;
    if (t->rng_pfx && it->prefix.n == 0) {    /* a shared prefix, drawn before routing */
        own = *it;
        pfx_gen_draw(&t->pgen, t->rng_pfx, &own.prefix);
        it = &own;
    }
    t->in_flight++;
    sim_tw_set(&t->in_system, s->now, (double)t->in_flight);
    (*t->in_flight_total)++;
    if (t->fleet) {                  /* a fleet's front: one replica serves it */
        int n = t->cfg->routed > 0 ? t->cfg->routed : t->cfg->replicas;
        router_ctx c = { (struct tenant *const *)t->fleet, n, t->rng_wl, &t->turn };
        tenant *r = t->fleet[t->cfg->router->pick(&c, it)];
        r->in_flight++;
        sim_tw_set(&r->in_system, s->now, (double)r->in_flight);
        t = r;
    }
    t->cfg->wl->arrive(t->wl_state, s, it);
}

void tenant_route(tenant *front, tenant **rep, int n)
{
    front->fleet = rep;
    for (int i = 0; i < n; i++)
        rep[i]->front_t = front;
}

int tenant_init(tenant *t, int id, int rep, const tenant_cfg *cfg, sim *s,
                exec *gpu, const gpu_spec *spec, uint64_t seed,
                sim_time_t warmup, sim_time_t stop, uint64_t *in_flight_total,
                tenant_rec_fn on_rec, void *rec_ud)
{
    memset(t, 0, sizeof *t);
    t->id = id;
    t->rep = rep;
    t->cfg = cfg;
    t->s = s;
    t->gpu = gpu;
    t->spec = spec;
    t->compute_frac = cfg->compute_frac > 0 ? cfg->compute_frac : 1.0;
    t->mem_frac = cfg->mem_frac > 0 ? cfg->mem_frac : 1.0;
    t->rate = gpu_rate_of(spec, t->compute_frac, t->mem_frac);
    t->mem_bytes = (cfg->mem_gb > 0 ? cfg->mem_gb : spec->mem_gb) * 1e9;
    t->warmup = warmup;
    t->stop = stop;
    t->in_flight_total = in_flight_total;
    t->on_rec = on_rec;
    t->rec_ud = rec_ud;
    exec_ctx_init(gpu, &t->ctx, &t->gpu_ns);
    t->ctx.tag = id;
    for (const char *const *m = cfg->wl->metrics; m && *m; m++)
        t->nmetrics++;
    t->ctx.prio = cfg->priority;
    /* histogram bounds, in ms (latencies) or the metric's unit: from a
     * picosecond to about thirty years; only the workload's metrics get one
     * (the rest stay empty, so that a fleet of tenants does not hold unused
     * histograms) */
    int bad = sim_dist_init(&t->lat_ms, cfg->pct_rel_err, 1e-9, 1e12) < 0;
    for (int k = 0; k < TENANT_MAX_METRICS; k++)
        bad |= sim_dist_init(&t->metric[k], k < t->nmetrics ? cfg->pct_rel_err : 0, 1e-9, 1e12) < 0;
    sim_tw_init(&t->in_system, 0, 0);
    if (bad)
        return -1;
    t->rng_arr = sim_rng_alloc(seed, (uint32_t)rep, (uint32_t)id, STREAM_ARRIVALS);
    t->rng_wl = sim_rng_alloc(seed, (uint32_t)rep, (uint32_t)id, STREAM_WORKLOAD);
    if (!t->rng_arr || !t->rng_wl)
        return -1;
    if (cfg->service_noise_cv > 0) {
        t->noise_sigma = sqrt(log1p(cfg->service_noise_cv * cfg->service_noise_cv));
        if (!(t->rng_noise = sim_rng_alloc(seed, (uint32_t)rep, (uint32_t)id, STREAM_NOISE)))
            return -1;
    }
    if (cfg->prefix_gen && !cfg->front) {     /* a replica's arrivals come with theirs */
        if (pfx_gen_init(&t->pgen, cfg->prefix_gen) < 0 ||
            !(t->rng_pfx = sim_rng_alloc(seed, (uint32_t)rep, (uint32_t)id, STREAM_PREFIX)))
            return -1;
    }
    if (arr_src_init(&t->arr, cfg->arr, cfg->arr_params, s, t->rng_arr,
                     on_arrival, t, stop) < 0)
        return -1;
    if (cfg->replicas > 0)         /* a front runs no engine of its own */
        return 0;
    t->wl_state = cfg->wl->alloc(cfg->wl_params, t);
    return t->wl_state ? 0 : -1;
}

void tenant_free(tenant *t)
{
    if (t->wl_state)
        t->cfg->wl->free(t->wl_state);
    if (t->arr.type)
        arr_src_free(&t->arr);
    if (t->rng_arr)
        gsl_rng_free(t->rng_arr);
    if (t->rng_wl)
        gsl_rng_free(t->rng_wl);
    if (t->rng_noise)
        gsl_rng_free(t->rng_noise);
    if (t->rng_pfx)
        gsl_rng_free(t->rng_pfx);
    pfx_gen_free(&t->pgen);
    sim_dist_free(&t->lat_ms);
    for (int k = 0; k < TENANT_MAX_METRICS; k++)
        sim_dist_free(&t->metric[k]);
    memset(t, 0, sizeof *t);
}

void tenant_start(tenant *t)
{
    arr_src_start(&t->arr);
}

/* Scale a job's times by a lognormal factor exp(-sigma^2/2 + sigma Z):
 * mean 1, CV sqrt(exp(sigma^2) - 1) = service_noise_cv. */
static void add_noise(tenant *t, gpu_job *j)
{
    double f = sim_ran_lognormal(t->rng_noise, -t->noise_sigma * t->noise_sigma / 2, t->noise_sigma);
    double w = fmax(1, round((double)j->work * f));
    j->work = w >= (double)SIM_TIME_MAX ? SIM_TIME_MAX : (sim_time_t)w;
    j->compute_ns = (sim_time_t)fmin((double)j->work, round((double)j->compute_ns * f));
    j->mem_ns = (sim_time_t)fmin((double)j->work, round((double)j->mem_ns * f));
}

void tenant_submit(tenant *t, gpu_job *j)
{
    if (t->rng_noise)
        add_noise(t, j);
    if (!t->cfg->per_request)
        exec_submit(t->gpu, &t->ctx, j);
    else if (exec_submit_alone(t->gpu, j, &t->gpu_ns, t->id) < 0)
        t->oom = 1;
}

void tenant_copy(tenant *t, gpu_job *j)
{
    exec_submit(t->link, &t->link_ctx, j);
}

void tenant_rec_from_job(tenant_rec *r, const gpu_job *j)
{
    r->start = j->t_start;
    r->queue_ns = j->t_head - j->t_submit;
    r->service_ns = j->service_ns;
    r->switch_ns = j->switch_ns;
    r->other_ns = (j->t_end - j->t_head) - j->service_ns - j->switch_ns;
}

void *tenant_pool_get(tenant *t, sim_pool *pool)
{
    void *q = sim_pool_get(pool);
    if (!q)
        t->oom = 1;
    return q;
}

void tenant_rec_split(tenant_rec *r, sim_time_t start, sim_time_t service, sim_time_t sw,
                      sim_time_t host, sim_time_t now)
{
    r->start = start;
    r->queue_ns = start - r->arrival;
    r->service_ns = service;
    r->switch_ns = sw;
    r->host_ns = host;
    r->other_ns = (now - r->arrival) - r->queue_ns - service - sw - host;
    if (r->other_ns < 0)
        r->other_ns = 0;
}

static void measure(tenant *t, const tenant_rec *r, int keep)
{
    double lat = (double)(r->end - r->arrival) / 1e6;
    if (sim_dist_add(&t->lat_ms, lat) < 0)
        t->oom = 1;
    for (int k = 0; k < t->nmetrics; k++)
        if (sim_dist_add(&t->metric[k], r->metric[k]) < 0)
            t->oom = 1;
    const sim_time_t parts[5] = { r->queue_ns, r->other_ns, r->switch_ns,
                                  r->service_ns, r->host_ns };
    for (int i = 0; i < 5; i++)
        t->sum_ns[i] += parts[i];
    t->prefix_query += r->prefix_query;
    t->prefix_hit += r->prefix_hit;
    int m = t->cfg->slo_metric;
    if (m != -2 && (m == -1 ? lat : r->metric[m]) <= t->cfg->slo_ms)
        t->slo_ok++;
    if (keep && t->on_rec)
        t->on_rec(t->rec_ud, r);
}

/* Count finished request r in t's window and its measurements (the sink
 * gets it when keep), and t's requests in the system. */
static void account(tenant *t, const tenant_rec *r, int keep)
{
    if (r->end >= t->warmup && r->end < t->stop) {
        t->units_done += r->units;
        if (t->ndone++ == 0)
            t->first_done = r->end;
        else if (r->end > t->first_done)    /* not those finishing with the first */
            t->units_after_first += r->units;
        t->last_done = r->end;
    }
    if (r->arrival >= t->warmup && r->arrival < t->stop)
        measure(t, r, keep);
    t->in_flight--;
    sim_tw_set(&t->in_system, r->end, (double)t->in_flight);
}

void tenant_pass(tenant *to)
{
    to->in_flight++;
    sim_tw_set(&to->in_system, to->s->now, (double)to->in_flight);
}

void tenant_stage_done(tenant *from, tenant_rec *r)
{
    r->end = from->s->now;
    r->rep = from->rep;
    r->tenant = from->id;
    account(from, r, 0);
}

void tenant_complete(tenant *t, tenant_rec *r)
{
    sim *s = t->s;
    r->end = s->now;
    r->rep = t->rep;
    r->tenant = t->id;
    account(t, r, 1);
    tenant *src = t;                /* whose arrival process it came from */
    if (t->front_t) {               /* a replica: the fleet's figures too */
        src = t->front_t;
        account(src, r, 0);
    }
    if (--*t->in_flight_total == 0 && s->now >= t->stop)
        sim_stop(s);
    arr_src_completed(&src->arr, r->user);
}
