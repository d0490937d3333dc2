/* wl_synthetic.c -- the analytic test bed: each request is one GPU burst,
 * either a service time drawn from a distribution (the time on the whole GPU
 * running alone, scaled on a part of a GPU by its compute or memory share) or
 * a fixed burst costed by the roofline on the tenant's resource. Kernels
 * `blocks` SMs wide lose less on a smaller resource: a drawn compute-bound
 * time scales by min(blocks, SMs of the GPU) / min(blocks, SMs of the
 * resource) instead of 1 / compute share.
 * An optional host-to-device copy of copy_mb goes over the GPU's host link
 * (shared with the other tenants of the GPU) before each burst; its time is
 * the record's host_ns. The burst counts it as one copy (virtualization adds
 * its per-copy cost there).
 * Record sizes: size[0] = work in ms on the tenant's resource, size[1] = kernels. */
#include "models/tenant.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"
#include "sim/pool.h"

typedef struct synth_state synth_state;

typedef struct {
    gpu_job      job;
    gpu_job      copy;          /* the host-to-device transfer before job */
    synth_state *st;
    sim_time_t   arrival;
    uint64_t     id;
    int          user;
} synth_req;

struct synth_state {
    const synth_params *p;
    tenant             *t;
    sim_pool            reqs;
    sim_time_t          burst_ns;   /* fixed burst, costed once */
    sim_time_t          compute_ns, mem_ns;   /* its roofline parts */
    sim_time_t          copy_ns;    /* host-to-device copy before each burst */
    double              narrow;     /* a drawn time's width penalty on the resource
                                       over the one on the whole GPU (blocks) */
};

int synth_dist_parse(const char *name)
{
    static const char *const names[] = { "deterministic", "exponential", "lognormal", "gamma" };
    for (int i = 0; i < 4; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

static double draw_ms(const synth_params *p, gsl_rng *r)
{
    switch (p->dist) {
    case SYN_DETERMINISTIC:
        return p->mean_ms;
    case SYN_EXPONENTIAL:
        return sim_ran_exponential(r, p->mean_ms);
    case SYN_LOGNORMAL: {
        double s2 = log1p(p->cv * p->cv);
        return sim_ran_lognormal(r, log(p->mean_ms) - s2 / 2, sqrt(s2));
    }
    case SYN_GAMMA: {
        double k = 1 / (p->cv * p->cv);
        return sim_ran_gamma(r, k, p->mean_ms / k);
    }
    }
    return p->mean_ms;
}

/* A drawn time's work on the tenant's resource and its host part (kernels x
 * gap_us, at most the drawn time; it does not scale with the resource). */
static sim_time_t work_ns(synth_state *st, sim_time_t *gap_ns)
{
    const synth_params *p = st->p;
    *gap_ns = 0;
    if (p->fixed_burst)
        return st->burst_ns;
    double frac = p->bound == SYN_BOUND_MEMORY ? st->t->mem_frac : st->t->compute_frac;
    double narrow = p->bound == SYN_BOUND_MEMORY ? 1.0 : st->narrow;
    double d = draw_ms(p, st->t->rng_wl) * 1e6, gap = (double)p->kernels * p->gap_us * 1e3;
    if (gap > d)
        gap = d;
    sim_time_t ns = sim_round_ns((d - gap) / frac * narrow + gap);
    *gap_ns = sim_round_ns(gap);
    if (*gap_ns > ns)
        *gap_ns = ns;
    return ns > 0 ? ns : 1;
}

/* The roofline split of a job: a drawn service time is all compute or all
 * memory by its bound, less its host part; a fixed burst keeps its costed
 * parts. */
static void set_split(const synth_state *st, gpu_job *j, sim_time_t gap_ns)
{
    const synth_params *p = st->p;
    if (p->fixed_burst) {
        j->compute_ns = st->compute_ns;
        j->mem_ns = st->mem_ns;
    } else if (p->bound == SYN_BOUND_MEMORY) {
        j->compute_ns = 0;
        j->mem_ns = j->work - gap_ns;
    } else {
        j->compute_ns = j->work - gap_ns;
        j->mem_ns = 0;
    }
}

static void synth_done(sim *s, gpu_job *j)
{
    (void)s;
    synth_req *q = j->owner;
    synth_state *st = q->st;
    tenant_rec r;
    tenant_rec_begin(&r, q->id, q->user, q->arrival);
    r.units = 1;
    r.host_ns = j->t_submit - q->arrival;     /* the transfer before the burst */
    r.size[0] = (double)j->work / 1e6;
    r.size[1] = j->kernels;
    tenant_rec_from_job(&r, j);
    sim_pool_put(&st->reqs, q);
    tenant_complete(st->t, &r);
}

static void copy_done(sim *s, gpu_job *j)
{
    (void)s;
    synth_req *q = j->owner;
    tenant_submit(q->st->t, &q->job);
}

static void synth_arrive(void *state, sim *s, const arr_item *it)
{
    synth_state *st = state;
    synth_req *q = tenant_pool_get(st->t, &st->reqs);
    if (!q)
        return;
    q->st = st;
    q->arrival = s->now;
    q->id = st->t->next_id++;
    q->user = it->user;
    sim_time_t gap_ns;
    q->job.work = work_ns(st, &gap_ns);
    q->job.kernels = st->p->kernels;
    q->job.blocks = st->p->blocks;
    set_split(st, &q->job, gap_ns);
    q->job.copies = st->copy_ns > 0;
    q->job.done = synth_done;
    q->job.owner = q;
    if (st->copy_ns > 0 && st->t->link) {
        q->copy.work = st->copy_ns;
        q->copy.kernels = 1;
        q->copy.compute_ns = q->copy.mem_ns = 0;
        q->copy.copies = 1;
        q->copy.done = copy_done;
        q->copy.owner = q;
        tenant_copy(st->t, &q->copy);
        return;
    }
    q->job.work += st->copy_ns;           /* no link modelled: the copy is part of the burst */
    tenant_submit(st->t, &q->job);
}

static void *synth_alloc(const void *params, tenant *t)
{
    synth_state *st = malloc(sizeof *st);
    if (!st)
        return NULL;
    st->p = params;
    st->t = t;
    sim_pool_init(&st->reqs, sizeof(synth_req));
    st->burst_ns = st->compute_ns = st->mem_ns = 0;
    gpu_rate whole = gpu_rate_of(t->spec, 1, 1);
    st->narrow = gpu_width_factor(&t->rate, st->p->blocks) / gpu_width_factor(&whole, st->p->blocks);
    st->copy_ns = st->p->copy_mb > 0 && t->spec->pcie_gbs > 0   /* scenarios/ refuses a copy without a rate */
        ? sim_round_ns(st->p->copy_mb * 1e6 / gpu_pcie_bytes_per_s(t->spec) * 1e9) : 0;
    if (st->p->fixed_burst) {
        gpu_burst b = { st->p->flops, st->p->bytes, st->p->kernels, (gpu_prec)st->p->prec };
        gpu_burst_split(&t->rate, &b, &st->compute_ns, &st->mem_ns);
        /* narrow kernels: the compute term over the SMs they keep busy */
        sim_time_t full = gpu_burst_ns(&t->rate, &b), big = st->compute_ns > st->mem_ns ? st->compute_ns : st->mem_ns;
        st->compute_ns = sim_round_ns((double)st->compute_ns * gpu_width_factor(&t->rate, st->p->blocks));
        st->burst_ns = full - big + (st->compute_ns > st->mem_ns ? st->compute_ns : st->mem_ns);
    }
    return st;
}

static void synth_free(void *state)
{
    synth_state *st = state;
    sim_pool_free(&st->reqs);
    free(st);
}

/* A CUDA context and the memory the scenario says it holds (memory_gb). */
static void synth_footprint(const void *params, double share_bytes, wl_footprint *f)
{
    const synth_params *p = params;
    (void)share_bytes;
    f->weights = p->memory_gb * 1e9;
}

const wl_type wl_synthetic = {
    "synthetic", "req/s", NULL, synth_alloc, synth_free, synth_arrive, synth_footprint, NULL,
    NULL, NULL,
};
