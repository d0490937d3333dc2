/* training.c -- training presets and the data-parallel step engine.
 *
 * Invariants: steps run one at a time in arrival order; during a step the
 * context holds at most one of its jobs; comm_end is the time the network
 * finishes the all-reduces issued so far in this step. */
#include "models/training.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/tenant.h"
#include "sim/pool.h"

/* resnet50: 25.6 M parameters and 4.09 G multiply-accumulates per 224x224
 * image (He et al. 2016; torchvision model card) = 8.18 GFLOPs; activation
 * traffic 0.2 GB per image [I: about four passes over the ~50 MB of bf16
 * activations kept for backward]; 161 forward kernels [I: 53 convolutions,
 * 53 batch norms, ReLUs, adds, fused in part]. bert-large: 340 M parameters
 * (Devlin et al. 2019), sequence 512, 2 P FLOPs per token forward (FACTS
 * §6: 6 P per token for training); activation bytes per token and layer
 * 34 h + 5 a s (Korthikanti et al. 2022, no recomputation) with h 1024,
 * a 16, s 512, 24 layers; 12 kernels per layer [I]. Batches [I]. */
static const train_model MODELS[] = {
    { "resnet50", 25.6e6, 8.18e9, 0.2e9, 161, 256,
      "He et al. 2016; torchvision; activation traffic [I]" },
    { "bert-large", 340e6, 2 * 340e6 * 512, 24.0 * 512 * (34.0 * 1024 + 5.0 * 16 * 512), 288, 16,
      "Devlin et al. 2019; Korthikanti et al. 2022 activation sizes" },
};

const train_model *train_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof MODELS / sizeof MODELS[0]; i++)
        if (strcmp(MODELS[i].name, name) == 0)
            return &MODELS[i];
    return NULL;
}

/* A GPT-style decoder: P = 12 L h^2 with h = 128 L (the aspect ratio of the
 * GPT-3 family, Brown et al. 2020) [I]; forward FLOPs 2 P s + 2 L s^2 h
 * (FACTS §6); activations 34 h bytes per token and layer (Korthikanti et al.
 * 2022 with flash attention, which drops the 5 a s term). */
train_model train_model_gpt(double params, int seq)
{
    double L = cbrt(params / (12.0 * 128 * 128));
    if (L < 1)
        L = 1;
    double h = 128 * L;
    train_model m = { "gpt", params, 2 * params * seq + 2 * L * (double)seq * seq * h,
                      34.0 * h * L * seq, (int)llround(12 * L), 8,
                      "GPT-style by parameter count [I]" };
    return m;
}

int train_buckets(const train_params *p)
{
    double total = p->model.params * p->grad_bytes, first = p->first_bucket_mb * 1e6;
    if (total <= first)
        return 1;
    return 1 + (int)ceil((total - first) / (p->bucket_mb * 1e6));
}

/* ---- the step engine ---- */

typedef struct train_req train_req;
struct train_req {
    train_req *next;
    uint64_t   id;
    int        user;
    sim_time_t arrival;
};

typedef enum { PH_FWD, PH_BWD, PH_OPT } train_phase;

typedef struct {
    const train_params *p;
    tenant             *t;
    sim_pool            reqs;
    train_req          *head, *tail;
    int                 nbuckets, bucket;
    int                 running;            /* a step is in progress */
    train_phase         phase;
    sim_time_t          start, bwd_end, comm_end, service, sw;
    gpu_job             job;
    sim_event           ev_comm;
} train_state;

static double bucket_bytes(const train_state *st, int i)
{
    const train_params *p = st->p;
    double total = p->model.params * p->grad_bytes, first = p->first_bucket_mb * 1e6;
    if (i == 0)
        return total < first ? total : first;
    double rest = total - first - (i - 1) * p->bucket_mb * 1e6;
    return rest < p->bucket_mb * 1e6 ? rest : p->bucket_mb * 1e6;
}

static void submit(train_state *st, double flops, double bytes, int kernels, train_phase ph)
{
    gpu_burst b = { flops, bytes, (uint32_t)(kernels > 0 ? kernels : 1), st->p->prec };
    st->phase = ph;
    st->job.work = gpu_burst_ns(&st->t->rate, &b);
    st->job.kernels = b.kernels;
    gpu_burst_split(&st->t->rate, &b, &st->job.compute_ns, &st->job.mem_ns);
    tenant_submit(st->t, &st->job);
}

static void submit_bucket(train_state *st)
{
    const train_params *p = st->p;
    const train_model *m = &p->model;
    double share = bucket_bytes(st, st->bucket) / (m->params * p->grad_bytes);
    double bsz = p->batch_per_gpu, w = m->params * 2;     /* bf16 weights */
    submit(st, share * 2 * m->fwd_flops * bsz, share * (w + 2 * m->act_bytes * bsz),
           (int)ceil(share * 2 * m->kernels), PH_BWD);
}

static void start_step(train_state *st)
{
    const train_model *m = &st->p->model;
    double bsz = st->p->batch_per_gpu;
    st->running = 1;
    st->start = st->t->s->now;
    st->service = st->sw = 0;
    st->bucket = 0;
    st->comm_end = st->start;
    submit(st, m->fwd_flops * bsz, m->params * 2 + m->act_bytes * bsz, m->kernels, PH_FWD);
}

static void start_optimizer(train_state *st)
{
    submit(st, 0, st->p->opt_bytes * st->p->model.params, 1, PH_OPT);
}

static void finish_step(train_state *st)
{
    sim_time_t now = st->t->s->now;
    train_req *q = st->head;
    st->head = q->next;
    if (!st->head)
        st->tail = NULL;
    tenant_rec r;
    memset(&r, 0, sizeof r);
    r.id = q->id;
    r.user = q->user;
    r.arrival = q->arrival;
    r.start = st->start;
    r.queue_ns = st->start - q->arrival;
    r.service_ns = st->service;
    r.switch_ns = st->sw;
    r.other_ns = (now - q->arrival) - r.queue_ns - r.service_ns - r.switch_ns;
    if (r.other_ns < 0)
        r.other_ns = 0;
    r.units = (double)st->p->batch_per_gpu * st->p->dp;
    r.size[0] = r.units;
    r.size[1] = st->nbuckets;
    r.metric[0] = (double)(now - st->start) / 1e6;
    r.metric[1] = (double)(st->comm_end > st->bwd_end ? st->comm_end - st->bwd_end : 0) / 1e6;
    sim_pool_put(&st->reqs, q);
    st->running = 0;
    tenant_complete(st->t, &r);          /* a closed loop may send the next step now */
    if (st->head && !st->running)
        start_step(st);
}

static void on_comm(sim *s, sim_event *ev)
{
    (void)s;
    start_optimizer(ev->ctx);
}

static void job_done(sim *s, gpu_job *j)
{
    train_state *st = j->owner;
    st->service += j->service_ns;
    st->sw += j->switch_ns;
    switch (st->phase) {
    case PH_FWD:
        submit_bucket(st);
        break;
    case PH_BWD: {
        sim_time_t from = st->comm_end > s->now ? st->comm_end : s->now;
        st->comm_end = from + comm_allreduce_ns(&st->p->link, st->p->dp, bucket_bytes(st, st->bucket));
        if (++st->bucket < st->nbuckets) {
            submit_bucket(st);
        } else {
            st->bwd_end = s->now;
            if (st->comm_end > s->now)
                sim_at(s, &st->ev_comm, st->comm_end);
            else
                start_optimizer(st);
        }
        break;
    }
    case PH_OPT:
        finish_step(st);
        break;
    }
}

static void train_arrive(void *state, sim *s, const arr_item *it)
{
    train_state *st = state;
    train_req *q = sim_pool_get(&st->reqs);
    if (!q) {
        st->t->oom = 1;
        return;
    }
    q->next = NULL;
    q->id = st->t->next_id++;
    q->user = it->user;
    q->arrival = s->now;
    if (st->tail)
        st->tail->next = q;
    else
        st->head = q;
    st->tail = q;
    if (!st->running)
        start_step(st);
}

static void *train_alloc(const void *params, tenant *t)
{
    train_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->p = params;
    st->t = t;
    st->nbuckets = train_buckets(st->p);
    sim_pool_init(&st->reqs, sizeof(train_req));
    st->job.owner = st;
    st->job.done = job_done;
    sim_event_set(&st->ev_comm, on_comm, st);
    return st;
}

static void train_free(void *state)
{
    train_state *st = state;
    sim_cancel(st->t->s, &st->ev_comm);
    sim_pool_free(&st->reqs);
    free(st);
}

static const char *const TRAIN_METRICS[] = { "step_ms", "exposed_comm_ms", NULL };

const wl_type wl_training = {
    "training", "samples/s", TRAIN_METRICS, train_alloc, train_free, train_arrive,
};
