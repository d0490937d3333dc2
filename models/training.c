/* training.c -- training presets and the data-parallel step engine.
 *
 * Invariants: steps run one at a time in arrival order; during a step the
 * context holds at most one of its jobs, and the GPU stream either runs a
 * job or waits on one event (ev_wait) for a collective to end; comm_free is
 * the time the rank's network stream finishes the collectives issued so
 * far, and every collective of a step ends before the step does, so a step
 * starts with an idle network. The gather end times live in one array
 * allocated with the state (no allocation per event). */
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

static const char *const SHARDINGS[] = {
    [TRAIN_DDP] = "ddp", [TRAIN_ZERO2] = "zero2",
    [TRAIN_SHARD_GRAD_OP] = "shard_grad_op", [TRAIN_FULL_SHARD] = "full_shard",
};

int train_sharding_parse(const char *name)
{
    if (strcmp(name, "zero1") == 0)      /* same collectives as stage 2 */
        return TRAIN_ZERO2;
    if (strcmp(name, "zero3") == 0)
        return TRAIN_FULL_SHARD;
    for (int i = 0; i < (int)(sizeof SHARDINGS / sizeof SHARDINGS[0]); i++)
        if (strcmp(name, SHARDINGS[i]) == 0)
            return i;
    return -1;
}

const char *train_sharding_name(train_sharding s) { return SHARDINGS[s]; }

double train_state_bytes_per_param(train_sharding s, int dp)
{
    switch (s) {
    case TRAIN_ZERO2: return 2 + 14.0 / dp;          /* weights kept; gradients and Adam sharded */
    case TRAIN_SHARD_GRAD_OP: return 2 + 14.0 / dp;
    case TRAIN_FULL_SHARD: return 16.0 / dp;
    default: return 16;
    }
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

/* What the GPU stream does once the collective it waits for has ended. */
typedef enum { NEXT_FWD_UNIT, NEXT_BWD_BUCKET, NEXT_OPT, NEXT_FINISH } train_next;

typedef struct {
    const train_params *p;
    tenant             *t;
    sim_pool            reqs;
    train_req          *head, *tail;
    int                 nbuckets, bucket, unit;
    int                 running;            /* a step is in progress */
    int                 has_net;            /* dp > 1: a sampler exists */
    train_phase         phase;
    train_next          next;
    sim_time_t          start, comm_free, exposed, service, sw;
    sim_time_t         *gather_end;         /* [nbuckets] */
    double              wire_bytes;         /* this step, per rank */
    coll_sampler        cs;
    gpu_job             job;
    sim_event           ev_wait;
} train_state;

static double total_grad_bytes(const train_params *p)
{
    return p->model.params * p->grad_bytes;
}

static double bucket_bytes(const train_state *st, int i)
{
    const train_params *p = st->p;
    double total = total_grad_bytes(p), first = p->first_bucket_mb * 1e6;
    if (i == 0)
        return total < first ? total : first;
    double rest = total - first - (i - 1) * p->bucket_mb * 1e6;
    return rest < p->bucket_mb * 1e6 ? rest : p->bucket_mb * 1e6;
}

/* Share of the parameters in bucket i (bucket 0 holds the last layers). */
static double bucket_share(const train_state *st, int i)
{
    return bucket_bytes(st, i) / total_grad_bytes(st->p);
}

static int sharded(const train_state *st)
{
    return st->p->sharding != TRAIN_DDP;
}

/* Issue a collective on the rank's network stream now; returns its end.
 * The sampler gives NCCL's time T and the lateness L of the last rank
 * (arrival jitter and host noise, max over ranks). Every rank queues the op
 * now and is ready L later; the op starts when the stream is free and the
 * last rank is ready, so lateness that falls while the stream still carries
 * earlier buckets is hidden, as it is under DDP's overlap. */
static sim_time_t issue(train_state *st, coll_op op, double bytes)
{
    sim_time_t now = st->t->s->now;
    if (!st->has_net)
        return now;
    coll_est e;
    double us = coll_sample_us(&st->cs, op, bytes, st->t->rng_wl, &e);
    if (us < 0)                                  /* never on >= 2 ranks */
        return now;
    sim_time_t t = sim_round_ns(e.time_us * 1e3);
    sim_time_t ready = now + sim_round_ns((us - e.time_us) * 1e3);
    sim_time_t from = st->comm_free > now ? st->comm_free : now;
    if (ready > from)
        from = ready;
    st->comm_free = from + (t > 0 ? t : 1);
    st->wire_bytes += bytes * coll_busbw_factor(op, st->p->dp);
    return st->comm_free;
}

static sim_time_t gather_bucket(train_state *st, int i)
{
    double params = bucket_share(st, i) * st->p->model.params;
    return issue(st, COLL_ALLGATHER, params * st->p->param_bytes);
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

static void run_next(train_state *st);

/* The GPU stream goes on with `next` once `ready` has passed. */
static void gate(train_state *st, sim_time_t ready, train_next next)
{
    sim_time_t now = st->t->s->now;
    st->next = next;
    if (ready > now) {
        st->exposed += ready - now;
        sim_at(st->t->s, &st->ev_wait, ready);
    } else {
        run_next(st);
    }
}

/* Forward unit u runs bucket nbuckets - 1 - u (parameter order). */
static void start_fwd_unit(train_state *st)
{
    const train_model *m = &st->p->model;
    int b = st->nbuckets - 1 - st->unit;
    double share = bucket_share(st, b), bsz = st->p->batch_per_gpu;
    if (st->unit + 1 < st->nbuckets)          /* prefetch the next unit */
        st->gather_end[st->unit + 1] = gather_bucket(st, b - 1);
    submit(st, share * m->fwd_flops * bsz, share * (m->params * 2 + m->act_bytes * bsz),
           (int)ceil(share * m->kernels), PH_FWD);
}

static void start_bwd_bucket(train_state *st)
{
    const train_params *p = st->p;
    const train_model *m = &p->model;
    if (p->sharding == TRAIN_FULL_SHARD && st->bucket + 1 < st->nbuckets)
        st->gather_end[st->bucket + 1] = gather_bucket(st, st->bucket + 1);
    double share = bucket_share(st, st->bucket);
    double bsz = p->batch_per_gpu, w = m->params * 2;     /* bf16 weights */
    submit(st, share * 2 * m->fwd_flops * bsz, share * (w + 2 * m->act_bytes * bsz),
           (int)ceil(share * 2 * m->kernels), PH_BWD);
}

static void start_optimizer(train_state *st)
{
    double params = st->p->model.params / (sharded(st) ? st->p->dp : 1);
    submit(st, 0, st->p->opt_bytes * params, 1, PH_OPT);
}

static void finish_step(train_state *st)
{
    sim_time_t now = st->t->s->now;
    train_req *q = st->head;
    st->head = q->next;
    if (!st->head)
        st->tail = NULL;
    tenant_rec r;
    tenant_rec_begin(&r, q->id, q->user, q->arrival);
    tenant_rec_split(&r, st->start, st->service, st->sw, 0, now);
    r.units = (double)st->p->batch_per_gpu * st->p->dp;
    r.size[0] = r.units;
    r.size[1] = st->nbuckets;
    r.metric[0] = (double)(now - st->start) / 1e6;
    r.metric[1] = (double)st->exposed / 1e6;
    r.metric[2] = st->wire_bytes / 1e9;
    sim_pool_put(&st->reqs, q);
    st->running = 0;
    tenant_complete(st->t, &r);          /* a closed loop may send the next step now */
    if (st->head && !st->running)
        run_next(st);
}

static void start_step(train_state *st)
{
    const train_params *p = st->p;
    const train_model *m = &p->model;
    double bsz = p->batch_per_gpu;
    st->running = 1;
    st->start = st->comm_free = st->t->s->now;
    st->service = st->sw = st->exposed = 0;
    st->wire_bytes = 0;
    st->bucket = st->unit = 0;
    if (p->sharding == TRAIN_SHARD_GRAD_OP || p->sharding == TRAIN_FULL_SHARD) {
        st->gather_end[0] = gather_bucket(st, st->nbuckets - 1);
        gate(st, st->gather_end[0], NEXT_FWD_UNIT);
    } else {
        submit(st, m->fwd_flops * bsz, m->params * 2 + m->act_bytes * bsz, m->kernels, PH_FWD);
    }
}

static void run_next(train_state *st)
{
    if (!st->running) {
        start_step(st);
        return;
    }
    switch (st->next) {
    case NEXT_FWD_UNIT: start_fwd_unit(st); break;
    case NEXT_BWD_BUCKET: start_bwd_bucket(st); break;
    case NEXT_OPT: start_optimizer(st); break;
    case NEXT_FINISH: finish_step(st); break;
    }
}

static void on_wait(sim *s, sim_event *ev)
{
    (void)s;
    run_next(ev->ctx);
}

static void begin_backward(train_state *st)
{
    st->bucket = 0;
    if (st->p->sharding == TRAIN_FULL_SHARD) {
        st->gather_end[0] = gather_bucket(st, 0);
        gate(st, st->gather_end[0], NEXT_BWD_BUCKET);
    } else {
        start_bwd_bucket(st);
    }
}

static void forward_done(train_state *st)
{
    int per_unit = st->p->sharding == TRAIN_SHARD_GRAD_OP || st->p->sharding == TRAIN_FULL_SHARD;
    if (per_unit && ++st->unit < st->nbuckets)
        gate(st, st->gather_end[st->unit], NEXT_FWD_UNIT);
    else
        begin_backward(st);
}

static void backward_done(train_state *st)
{
    double bytes = bucket_bytes(st, st->bucket);
    issue(st, sharded(st) ? COLL_REDUCESCATTER : COLL_ALLREDUCE, bytes);
    if (++st->bucket < st->nbuckets)
        gate(st, st->p->sharding == TRAIN_FULL_SHARD ? st->gather_end[st->bucket] : 0,
             NEXT_BWD_BUCKET);
    else
        gate(st, st->comm_free, NEXT_OPT);
}

/* ZeRO gathers the updated parameters after the optimizer, bucket by
 * bucket; FSDP gathers them in the next forward. */
static void optimizer_done(train_state *st)
{
    if (st->p->sharding == TRAIN_ZERO2)
        for (int i = 0; i < st->nbuckets; i++)
            gather_bucket(st, i);
    gate(st, st->comm_free, NEXT_FINISH);
}

static void job_done(sim *s, gpu_job *j)
{
    (void)s;
    train_state *st = j->owner;
    st->service += j->service_ns;
    st->sw += j->switch_ns;
    switch (st->phase) {
    case PH_FWD: forward_done(st); break;
    case PH_BWD: backward_done(st); break;
    case PH_OPT: optimizer_done(st); break;
    }
}

static void train_arrive(void *state, sim *s, const arr_item *it)
{
    train_state *st = state;
    train_req *q = tenant_pool_get(st->t, &st->reqs);
    if (!q)
        return;
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

static void train_free(void *state);

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
    sim_event_set(&st->ev_wait, on_wait, st);
    st->gather_end = calloc((size_t)st->nbuckets, sizeof *st->gather_end);
    st->has_net = st->p->dp > 1;
    if (!st->gather_end ||
        (st->has_net && coll_sampler_init(&st->cs, &st->p->net, &st->p->noise, st->p->corr) < 0)) {
        st->has_net = 0;
        train_free(st);
        return NULL;
    }
    return st;
}

static void train_free(void *state)
{
    train_state *st = state;
    sim_cancel(st->t->s, &st->ev_wait);
    sim_pool_free(&st->reqs);
    if (st->has_net)
        coll_sampler_free(&st->cs);
    free(st->gather_end);
    free(st);
}

static const char *const TRAIN_METRICS[] = { "step_ms", "exposed_comm_ms", "comm_gb", NULL };

/* Weights, gradients and optimizer state per GPU (train_state_bytes_per_param),
 * and the activations kept for the backward pass of one batch: half of the
 * forward activation traffic, the writes [I: each activation written once
 * and read once in the forward pass]. */
static void train_footprint(const void *params, double share_bytes, wl_footprint *f)
{
    const train_params *p = params;
    (void)share_bytes;
    f->weights = train_state_bytes_per_param(p->sharding, p->dp) * p->model.params;
    f->activations = 0.5 * p->model.act_bytes * p->batch_per_gpu;
}

const wl_type wl_training = {
    "training", "samples/s", TRAIN_METRICS, train_alloc, train_free, train_arrive, train_footprint, NULL,
};
