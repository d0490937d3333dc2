/* diffusion.c -- diffusion presets and the batching server.
 *
 * Invariants: a request is in the waiting FIFO, in the running batch, or in
 * the pool; at most one batch runs; the batch has one GPU job or host step
 * outstanding at a time; the wait timer is armed only while the server is
 * idle with requests waiting. */
#include "models/diffusion.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/tenant.h"
#include "sim/pool.h"

/* SDXL 1024x1024 (Podell et al. 2023: UNet 2.6 B parameters; text encoders
 * CLIP ViT-L 123 M + OpenCLIP bigG 694 M, 77 tokens). UNet FLOPs and
 * activation bytes are DERIVED so that the roofline of the GPU presets
 * reproduces the TensorRT measurements of FACTS §6 (stabilityai/stable-
 * diffusion-xl-1.0-tensorrt README): one step with guidance (2 evaluations)
 * takes 84 ms on an A100 (compute bound: 2 F / (312 T x 0.69) + launch) and
 * 44 ms on an H100 (memory bound: (W + 2 A) / (3.35 T x 0.75) + launch);
 * VAE decode 228 ms (A100, compute bound) and 127 ms (H100, memory bound)
 * give its FLOPs and bytes the same way. Two measurements, two unknowns:
 * nothing is fitted beyond that. [I]
 * SD 1.5 512x512 (Rombach et al. 2022: UNet 860 M parameters; CLIP ViT-L
 * 123 M): UNet 339 G multiply-accumulates per evaluation (Kim et al. 2023,
 * BK-SDM, Table 1) = 678 GFLOPs; activation bytes per FLOP as derived for
 * SDXL [I]; the VAE decoder is SDXL's architecture at a quarter of the
 * pixels [I]. Default steps: 30, the step count of 90% of production
 * requests (FACTS §6). */
static const diff_model MODELS[] = {
    { "sdxl-1024", 9.04144e12, 5.2e9, 52.6719e9, 2 * 817e6 * 77, 817e6 * 2,
      49.0832e12, 319.081e9, 30,
      "Podell et al. 2023; TensorRT SDXL README timings (FACTS §6), derived [I]" },
    { "sd15-512", 678e9, 1.72e9, 3.94976e9, 2 * 123e6 * 77, 123e6 * 2,
      49.0832e12 / 4, 319.081e9 / 4, 30,
      "Rombach et al. 2022; Kim et al. 2023 (BK-SDM); scaled from sdxl-1024 [I]" },
};
#define NMODELS (sizeof MODELS / sizeof MODELS[0])

const diff_model *diff_model_find(const char *name)
{
    for (size_t i = 0; i < NMODELS; i++)
        if (strcmp(MODELS[i].name, name) == 0)
            return &MODELS[i];
    return NULL;
}

const char *diff_model_list(void) { return "sdxl-1024, sd15-512"; }

gpu_burst diff_unet_burst(const diff_params *p, int images)
{
    double evals = (double)images * (p->cfg ? 2 : 1);
    gpu_burst b = { evals * p->m->unet_flops, p->m->unet_weight_bytes + evals * p->m->unet_act_bytes,
                    1, p->prec };
    return b;
}

gpu_burst diff_text_burst(const diff_params *p, int prompts)
{
    double n = (double)prompts * (p->cfg ? 2 : 1);
    gpu_burst b = { n * p->m->text_flops, p->m->text_bytes, 1, p->prec };
    return b;
}

gpu_burst diff_vae_burst(const diff_params *p, int images)
{
    gpu_burst b = { images * p->m->vae_flops, images * p->m->vae_bytes, 1, p->prec };
    return b;
}

/* ---- the server ---- */

typedef struct diff_req diff_req;
struct diff_req {
    diff_req  *next;
    uint64_t   id;
    int        user, steps, images;
    sim_time_t arrival;
};

typedef enum { PH_TEXT, PH_UNET, PH_VAE } diff_phase;

typedef struct {
    const diff_params *p;
    tenant            *t;
    sim_pool           reqs;
    diff_req          *wait_head, *wait_tail, *batch;
    int                waiting_images;
    int                busy, steps_left, images, prompts;
    diff_phase         phase;
    sim_time_t         batch_start, service, sw, host, host_step_ns;
    gpu_job            job;
    sim_event          ev_wait, ev_host;
} diff_state;

static void job_done(sim *s, gpu_job *j);

static void run_job(diff_state *st, gpu_burst b, diff_phase ph)
{
    st->phase = ph;
    st->job.work = gpu_burst_ns(&st->t->rate, &b);
    st->job.kernels = b.kernels;
    gpu_burst_split(&st->t->rate, &b, &st->job.compute_ns, &st->job.mem_ns);
    st->job.done = job_done;
    tenant_submit(st->t, &st->job);
}

static void next_step(diff_state *st)
{
    if (st->steps_left > 0) {
        st->steps_left--;
        if (st->host_step_ns > 0) {
            st->host += st->host_step_ns;
            sim_after(st->t->s, &st->ev_host, st->host_step_ns);
        } else {
            run_job(st, diff_unet_burst(st->p, st->images), PH_UNET);
        }
        return;
    }
    run_job(st, diff_vae_burst(st->p, st->images), PH_VAE);
}

static void try_dispatch(diff_state *st);

static void finish_batch(diff_state *st)
{
    sim_time_t now = st->t->s->now;
    diff_req *q = st->batch;
    st->batch = NULL;
    st->busy = 0;
    while (q) {
        diff_req *n = q->next;
        tenant_rec r;
        tenant_rec_begin(&r, q->id, q->user, q->arrival);
        tenant_rec_split(&r, st->batch_start, st->service, st->sw, st->host, now);
        r.units = 60.0 * q->images;     /* per second of these = images per minute */
        r.size[0] = q->steps;
        r.size[1] = q->images;
        sim_pool_put(&st->reqs, q);
        tenant_complete(st->t, &r);
        q = n;
    }
    try_dispatch(st);
}

static void job_done(sim *s, gpu_job *j)
{
    (void)s;
    diff_state *st = j->owner;
    st->service += j->service_ns;
    st->sw += j->switch_ns;
    if (st->phase == PH_VAE)
        finish_batch(st);
    else
        next_step(st);
}

static void on_host(sim *s, sim_event *ev)
{
    (void)s;
    diff_state *st = ev->ctx;
    run_job(st, diff_unet_burst(st->p, st->images), PH_UNET);
}

static void start_batch(diff_state *st)
{
    const diff_params *p = st->p;
    diff_req **tail = &st->batch;
    st->images = st->prompts = 0;
    st->steps_left = 0;
    while (st->wait_head) {
        diff_req *q = st->wait_head;
        if (st->prompts > 0 && st->images + q->images > p->max_batch)
            break;
        st->wait_head = q->next;
        q->next = NULL;
        *tail = q;
        tail = &q->next;
        st->images += q->images;
        st->prompts++;
        st->waiting_images -= q->images;
        st->steps_left = q->steps > st->steps_left ? q->steps : st->steps_left;
    }
    if (!st->wait_head)
        st->wait_tail = NULL;
    st->busy = 1;
    st->batch_start = st->t->s->now;
    st->service = st->sw = st->host = 0;
    run_job(st, diff_text_burst(p, st->prompts), PH_TEXT);
}

static void try_dispatch(diff_state *st)
{
    if (st->busy || !st->wait_head)
        return;
    sim_time_t due = st->wait_head->arrival + sim_round_ns(st->p->max_wait_ms * 1e6);
    if (st->waiting_images >= st->p->max_batch || st->t->s->now >= due) {
        sim_cancel(st->t->s, &st->ev_wait);
        start_batch(st);
    } else if (!sim_pending(&st->ev_wait)) {
        sim_at(st->t->s, &st->ev_wait, due);
    }
}

static void on_wait(sim *s, sim_event *ev)
{
    (void)s;
    try_dispatch(ev->ctx);
}

static int clamp_count(double x)
{
    if (!(x >= 1))
        return 1;
    return x > 1e6 ? 1000000 : (int)llround(x);
}

static void diff_arrive(void *state, sim *s, const arr_item *it)
{
    diff_state *st = state;
    diff_req *q = tenant_pool_get(st->t, &st->reqs);
    if (!q)
        return;
    q->next = NULL;
    q->id = st->t->next_id++;
    q->user = it->user;
    q->arrival = s->now;
    q->steps = it->nsize >= 2 ? clamp_count(it->size[0]) : st->p->steps;
    q->images = it->nsize >= 2 ? clamp_count(it->size[1]) : st->p->images;
    if (st->wait_tail)
        st->wait_tail->next = q;
    else
        st->wait_head = q;
    st->wait_tail = q;
    st->waiting_images += q->images;
    try_dispatch(st);
}

static void *diff_alloc(const void *params, tenant *t)
{
    diff_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->p = params;
    st->t = t;
    sim_pool_init(&st->reqs, sizeof(diff_req));
    st->host_step_ns = sim_round_ns(st->p->host_ms_per_step * 1e6);
    st->job.owner = st;
    sim_event_set(&st->ev_wait, on_wait, st);
    sim_event_set(&st->ev_host, on_host, st);
    return st;
}

static void diff_free(void *state)
{
    diff_state *st = state;
    sim_cancel(st->t->s, &st->ev_wait);
    sim_cancel(st->t->s, &st->ev_host);
    sim_pool_free(&st->reqs);
    free(st);
}

/* Weights of the UNet and the text encoders (the VAE's 84 M parameters,
 * 0.17 GB in fp16, are left in the activations' margin), and the live
 * activations of a full batch: 1/16 of one evaluation's activation traffic
 * per image evaluation (twice the images with guidance) [I: a layer's
 * output is live while a few neighbours' are; roughly 3 GB per SDXL image,
 * in line with common reports of 10-12 GB for SDXL at batch 1; to refine
 * from measurements]. */
static void diff_footprint(const void *params, double share_bytes, wl_footprint *f)
{
    const diff_params *p = params;
    (void)share_bytes;
    f->weights = p->m->unet_weight_bytes + p->m->text_bytes;
    f->activations = p->m->unet_act_bytes / 16.0 * p->max_batch * (p->cfg ? 2 : 1);
}

const wl_type wl_diffusion = {
    "diffusion", "images/min", NULL, diff_alloc, diff_free, diff_arrive, diff_footprint, NULL,
};
