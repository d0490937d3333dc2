/* llm.c -- LLM presets, iteration cost and the continuous-batching engine.
 *
 * Invariants of the engine state:
 *  - A request is in exactly one place: the waiting FIFO, the running array
 *    (admission order), or back in the pool.
 *  - free_blocks + sum of running requests' blocks == total_blocks.
 *  - A running request holds blocks for at least ctx + to_compute tokens under
 *    LLM_KV_RESERVE, and for ctx tokens (plus its admitted prompt) under
 *    LLM_KV_PREEMPT.
 *  - At most one iteration is in flight (busy); no GPU job is queued while
 *    the host part of an iteration runs. */
#include "models/llm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"
#include "models/tenant.h"
#include "sim/pool.h"

/* Shapes: reference FACTS §6 (layers, d_model, heads, KV heads, FFN, params).
 * Vocabulary sizes and context lengths: the models' published config.json
 * (Llama 2: 32000 tokens, 4096 context; Llama 3: 128256 tokens, 8192; Llama
 * 3.1: 131072 context). Mistral-7B's 32 query heads and FFN 14336 are from
 * Jiang et al., "Mistral 7B", 2023, Table 1 (not in FACTS). */
static const llm_model MODELS[] = {
    { "llama-2-7b", 32, 4096, 32, 32, 128, 11008, 32000, 6.74e9, 4096,
      "FACTS §6; Touvron et al. 2023 (Llama 2) config" },
    { "llama-3-8b", 32, 4096, 32, 8, 128, 14336, 128256, 8.03e9, 8192,
      "FACTS §6; Meta Llama 3 config" },
    { "llama-2-70b", 80, 8192, 64, 8, 128, 28672, 32000, 69e9, 4096,
      "FACTS §6; Touvron et al. 2023 (Llama 2) config" },
    { "llama-3.1-70b", 80, 8192, 64, 8, 128, 28672, 128256, 70.6e9, 131072,
      "FACTS §6; Meta Llama 3.1 config" },
    { "mistral-7b", 32, 4096, 32, 8, 128, 14336, 32000, 7.2e9, 32768,
      "FACTS §6; Jiang et al. 2023 (Mistral 7B) Table 1" },
};
#define NMODELS (sizeof MODELS / sizeof MODELS[0])

const llm_model *llm_model_find(const char *name)
{
    for (size_t i = 0; i < NMODELS; i++)
        if (strcmp(MODELS[i].name, name) == 0)
            return &MODELS[i];
    return NULL;
}

const char *llm_model_list(void)
{
    return "llama-2-7b, llama-3-8b, llama-2-70b, llama-3.1-70b, mistral-7b";
}

/* ---- sizes and costs ---- */

static double elem_bytes(gpu_prec p)
{
    return p == GPU_FP8 ? 1.0 : p == GPU_FP32 ? 4.0 : 2.0;
}

double llm_weight_bytes(const llm_params *p)
{
    return p->m->params * elem_bytes(p->prec);
}

double llm_kv_bytes_per_token(const llm_params *p)
{
    const llm_model *m = p->m;
    return 2.0 * m->layers * m->kv_heads * m->head_dim * elem_bytes(p->prec);
}

double llm_kv_capacity_tokens(const llm_params *p, double mem_bytes)
{
    double free_bytes = p->mem_util * mem_bytes * p->tp - llm_weight_bytes(p);
    return free_bytes / llm_kv_bytes_per_token(p);
}

gpu_burst llm_linear_burst(const llm_model *m, gpu_prec prec, int tp, double tokens)
{
    const double d = m->d_model, q = (double)m->heads * m->head_dim;
    const double kv = (double)m->kv_heads * m->head_dim, f = m->ffn;
    /* (in, out) features of each projection, sharded over tp on the output
     * (column parallel) or input (row parallel) side */
    const double shape[4][2] = {
        { d, (q + 2 * kv) / tp }, { q / tp, d }, { d, 2 * f / tp }, { f / tp, d },
    };
    double e = elem_bytes(prec), flops = 0, bytes = 0;
    for (int i = 0; i < 4; i++) {
        double k = shape[i][0], n = shape[i][1];
        flops += 2 * tokens * k * n;
        bytes += e * (k * n + tokens * (k + n));
    }
    gpu_burst b = { flops, bytes, 4, prec };
    return b;
}

/* The roofline burst of an iteration, without tensor-parallel communication. */
static gpu_burst iter_burst(const llm_params *p, const llm_iter *it)
{
    const llm_model *m = p->m;
    double tp = p->tp, e = elem_bytes(p->prec);
    gpu_burst lin = llm_linear_burst(m, p->prec, p->tp, it->tokens);
    double q = (double)m->heads * m->head_dim;
    /* QK^T and AV: 2 FLOPs per multiply-add, two products, per query head dim */
    double attn_flops = 4.0 * q * it->attn_pairs / tp;
    double kv_tok = llm_kv_bytes_per_token(p) / m->layers / tp;   /* one layer */
    double lm_flops = 2.0 * it->sampled * m->d_model * m->vocab / tp;
    double embed_bytes = 2.0 * e * m->d_model * m->vocab / tp;      /* embedding + LM head */
    gpu_burst b;
    b.flops = m->layers * (lin.flops + attn_flops) + lm_flops;
    b.bytes = m->layers * (lin.bytes + kv_tok * (it->kv_read + it->tokens)) + embed_bytes;
    b.kernels = (uint32_t)(m->layers * p->kernels_per_layer + 1);
    b.prec = p->prec;
    return b;
}

sim_time_t llm_iter_ns(const llm_params *p, const gpu_rate *r, const llm_iter *it)
{
    const llm_model *m = p->m;
    gpu_burst b = iter_burst(p, it);
    sim_time_t ns = gpu_burst_ns(r, &b);
    coll_est ar;
    if (p->tp > 1 && it->tokens > 0 &&   /* Megatron: after attention and after the MLP */
        coll_estimate(&p->tp_net, COLL_ALLREDUCE, it->tokens * m->d_model * elem_bytes(p->prec), p->tp_corr, &ar) == 0)
        ns += 2 * m->layers * sim_round_ns(ar.time_us * 1e3);
    return ns;
}

/* ---- the engine ---- */

typedef struct llm_req llm_req;
struct llm_req {
    llm_req   *next;
    uint64_t   id;
    int        user;
    int        prompt, output, generated;
    int        ctx, to_compute, chunk, blocks;
    int        admitted_once;
    sim_time_t arrival, admitted, first_token;
    sim_time_t service_ns, switch_ns, host_ns;
};

typedef struct {
    const llm_params *p;
    tenant           *t;
    sim_pool          reqs;
    llm_req          *wait_head, *wait_tail;
    llm_req         **run;               /* admission order */
    llm_req         **done;              /* finished in this iteration */
    int               nrun;
    long              total_blocks, free_blocks;
    int               max_tokens_req;    /* prompt + output cap */
    int               busy;
    sim_time_t        host_ns;
    gpu_job           job;
    sim_event         ev_host;
} llm_state;

static long blocks_for(const llm_state *st, long tokens)
{
    long b = st->p->block_tokens;
    return (tokens + b - 1) / b;
}

static double draw_len(const llm_len *l, gsl_rng *r)
{
    switch (l->dist) {
    case SYN_EXPONENTIAL:
        return sim_ran_exponential(r, l->mean);
    case SYN_LOGNORMAL: {
        double s2 = log1p(l->cv * l->cv);
        return sim_ran_lognormal(r, log(l->mean) - s2 / 2, sqrt(s2));
    }
    case SYN_GAMMA: {
        double k = 1 / (l->cv * l->cv);
        return sim_ran_gamma(r, k, l->mean / k);
    }
    default:
        return l->mean;
    }
}

static int clamp_tokens(double x)
{
    if (!(x >= 1))
        return 1;
    return x > 1e7 ? 10000000 : (int)llround(x);
}

static void wait_push(llm_state *st, llm_req *q, int front)
{
    q->next = NULL;
    if (!st->wait_head) {
        st->wait_head = st->wait_tail = q;
    } else if (front) {
        q->next = st->wait_head;
        st->wait_head = q;
    } else {
        st->wait_tail->next = q;
        st->wait_tail = q;
    }
}

static llm_req *wait_pop(llm_state *st)
{
    llm_req *q = st->wait_head;
    if (q && !(st->wait_head = q->next))
        st->wait_tail = NULL;
    return q;
}

static void kick(llm_state *st)
{
    if (st->busy || (st->nrun == 0 && !st->wait_head))
        return;
    st->busy = 1;
    sim_after(st->t->s, &st->ev_host, st->host_ns);
}

/* Preempt the most recently admitted running request: its cache is dropped
 * and it will be recomputed (prompt and the tokens generated so far). */
static void preempt_last(llm_state *st)
{
    llm_req *q = st->run[--st->nrun];
    st->free_blocks += q->blocks;
    q->blocks = 0;
    q->to_compute += q->ctx;
    q->ctx = 0;
    q->chunk = 0;
    wait_push(st, q, 1);
}

/* Decoding requests need one token of room each; make it by preemption. */
static void reserve_decodes(llm_state *st)
{
    for (int i = 0; i < st->nrun; i++) {
        llm_req *q = st->run[i];
        if (q->ctx == 0 || q->to_compute != 1)
            continue;                       /* still in prefill */
        long need = blocks_for(st, q->ctx + 1) - q->blocks;
        while (need > st->free_blocks && st->nrun > i)
            preempt_last(st);
        if (st->nrun <= i)
            break;                          /* q itself was preempted */
        st->free_blocks -= need;
        q->blocks += (int)need;
    }
}

static int admit(llm_state *st, llm_req *q, long budget)
{
    const llm_params *p = st->p;
    long need_tokens = p->kv_policy == LLM_KV_RESERVE
                     ? (long)q->to_compute + (q->output - q->generated)
                     : (long)q->to_compute;
    long need = blocks_for(st, need_tokens);
    if (need > st->free_blocks)
        return 0;
    if (!p->chunked_prefill && q->to_compute > budget && st->nrun > 0)
        return 0;                           /* a whole prompt must fit the budget */
    st->free_blocks -= need;
    q->blocks = (int)need;
    if (!q->admitted_once) {
        q->admitted = st->t->s->now;
        q->admitted_once = 1;
    }
    st->run[st->nrun++] = q;
    return 1;
}

/* Form the batch and cost it: decodes first, then prefill chunks of running
 * requests, then new admissions in FIFO order while budget and cache allow. */
static void form_batch(llm_state *st, llm_iter *it)
{
    const llm_params *p = st->p;
    if (p->kv_policy == LLM_KV_PREEMPT)
        reserve_decodes(st);
    long budget = p->max_tokens;
    for (int i = 0; i < st->nrun; i++) {
        llm_req *q = st->run[i];
        q->chunk = q->to_compute < budget ? q->to_compute : (int)budget;
        budget -= q->chunk;
    }
    while (st->wait_head && st->nrun < p->max_batch && budget > 0) {
        llm_req *q = st->wait_head;
        if (!admit(st, q, budget))
            break;
        wait_pop(st);
        long c = q->to_compute;
        if (c > budget && p->chunked_prefill)
            c = budget;             /* else it runs alone, whole (admit saw to it) */
        q->chunk = (int)c;
        budget -= c < budget ? c : budget;
    }
    memset(it, 0, sizeof *it);
    for (int i = 0; i < st->nrun; i++) {
        const llm_req *q = st->run[i];
        double o = q->ctx, c = q->chunk;
        it->tokens += c;
        it->attn_pairs += c * o + c * (c + 1) / 2;
        it->kv_read += c > 0 ? o : 0;
        it->sampled += c > 0 && c == q->to_compute;
    }
}

static void finish(llm_state *st, llm_req *q)
{
    tenant_rec r;
    sim_time_t now = st->t->s->now;
    tenant_rec_begin(&r, q->id, q->user, q->arrival);
    tenant_rec_split(&r, q->admitted, q->service_ns, q->switch_ns, q->host_ns, now);
    r.units = q->output;
    r.size[0] = q->prompt;
    r.size[1] = q->output;
    r.metric[0] = (double)(q->first_token - q->arrival) / 1e6;
    r.metric[1] = q->output > 1 ? (double)(now - q->first_token) / 1e6 / (q->output - 1) : 0;
    st->free_blocks += q->blocks;
    sim_pool_put(&st->reqs, q);
    tenant_complete(st->t, &r);
}

static void iteration_done(sim *s, gpu_job *j)
{
    llm_state *st = j->owner;
    int kept = 0, ndone = 0;
    for (int i = 0; i < st->nrun; i++) {
        llm_req *q = st->run[i];
        if (q->chunk > 0) {
            q->service_ns += j->service_ns;
            q->switch_ns += j->switch_ns;
            q->host_ns += st->host_ns;
            q->ctx += q->chunk;
            q->to_compute -= q->chunk;
            q->chunk = 0;
            if (q->to_compute == 0) {             /* sampled a token */
                if (++q->generated == 1)
                    q->first_token = s->now;
                q->to_compute = 1;
            }
        }
        if (q->generated >= q->output)
            st->done[ndone++] = q;
        else
            st->run[kept++] = q;
    }
    st->nrun = kept;
    st->busy = 0;
    for (int k = 0; k < ndone; k++)
        finish(st, st->done[k]);
    kick(st);
}

static void start_iteration(llm_state *st)
{
    llm_iter it;
    form_batch(st, &it);
    if (it.tokens <= 0) {           /* nothing admissible yet */
        st->busy = 0;
        return;
    }
    st->job.work = llm_iter_ns(st->p, &st->t->rate, &it);
    st->job.kernels = (uint32_t)(st->p->m->layers * st->p->kernels_per_layer + 1);
    gpu_burst b = iter_burst(st->p, &it);     /* its roofline split, for MPS */
    gpu_burst_split(&st->t->rate, &b, &st->job.compute_ns, &st->job.mem_ns);
    st->job.done = iteration_done;
    st->job.owner = st;
    tenant_submit(st->t, &st->job);
}

static void on_host(sim *s, sim_event *ev)
{
    (void)s;
    start_iteration(ev->ctx);
}

static void llm_arrive(void *state, sim *s, const arr_item *it)
{
    llm_state *st = state;
    llm_req *q = tenant_pool_get(st->t, &st->reqs);
    if (!q)
        return;
    memset(q, 0, sizeof *q);
    q->id = st->t->next_id++;
    q->user = it->user;
    q->arrival = s->now;
    int in = clamp_tokens(it->nsize >= 2 ? it->size[0] : draw_len(&st->p->prompt, st->t->rng_wl));
    int out = clamp_tokens(it->nsize >= 2 ? it->size[1] : draw_len(&st->p->output, st->t->rng_wl));
    if (out > st->max_tokens_req - 1)
        out = st->max_tokens_req - 1;
    if (in + out > st->max_tokens_req)  /* truncate the prompt, as clients do */
        in = st->max_tokens_req - out;
    q->prompt = in;
    q->output = out;
    q->to_compute = in;
    wait_push(st, q, 0);
    kick(st);
}

static void *llm_alloc(const void *params, tenant *t)
{
    const llm_params *p = params;
    llm_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->p = p;
    st->t = t;
    st->run = calloc((size_t)p->max_batch, sizeof *st->run);
    st->done = calloc((size_t)p->max_batch, sizeof *st->done);
    if (!st->run || !st->done) {
        free(st->run);
        free(st->done);
        free(st);
        return NULL;
    }
    sim_pool_init(&st->reqs, sizeof(llm_req));
    double cap = llm_kv_capacity_tokens(p, t->mem_bytes);
    st->total_blocks = cap > 0 ? (long)(cap / p->block_tokens) : 0;
    st->free_blocks = st->total_blocks;
    long cap_tokens = st->total_blocks * p->block_tokens;
    st->max_tokens_req = (int)(cap_tokens < p->m->max_len ? cap_tokens : p->m->max_len);
    if (st->max_tokens_req < 2)
        st->max_tokens_req = 2;   /* refused at load time; keep the state sane */
    st->host_ns = sim_round_ns(p->host_ms * 1e6);
    sim_event_set(&st->ev_host, on_host, st);
    return st;
}

static void llm_free(void *state)
{
    llm_state *st = state;
    sim_cancel(st->t->s, &st->ev_host);
    sim_pool_free(&st->reqs);
    free(st->run);
    free(st->done);
    free(st);
}

static const char *const LLM_METRICS[] = { "ttft_ms", "tpot_ms", NULL };

/* Per GPU of the tp group: the engine's pool is mem_util x its share and
 * holds the weights and the KV cache (llm_kv_capacity_tokens); the CUDA
 * context and the activations of a full iteration live in the rest of the
 * share. Activations [I: the live tensors of the widest step, inferred from
 * the shapes]: the gate/up output and four residual-stream buffers of
 * max_tokens tokens, and fp32 logits of max_batch sampled tokens. */
static void llm_footprint(const void *params, double share_bytes, wl_footprint *f)
{
    const llm_params *p = params;
    const llm_model *m = p->m;
    double e = elem_bytes(p->prec), w = llm_weight_bytes(p) / p->tp;
    double pool = p->mem_util * share_bytes;
    f->weights = w;
    f->kv = pool > w ? pool - w : 0;
    f->activations = (double)p->max_tokens * (2.0 * m->ffn / p->tp + 4.0 * m->d_model) * e +
                     (double)p->max_batch * m->vocab / p->tp * 4.0;
    f->elastic = 1;
}

const wl_type wl_llm = {
    "llm", "tokens/s", LLM_METRICS, llm_alloc, llm_free, llm_arrive, llm_footprint,
};
