/* mps.c -- the MPS executor (see mps.h for the semantics).
 *
 * Invariants:
 *  - cl[i].ctx->index == i; a client runs iff it has a head job and the
 *    server is up; cl[i].left is the head job's remaining alone time in ns.
 *  - Speeds are those computed at `last`; account() advances every running
 *    burst to now before anything changes, then rates are recomputed.
 *  - One pending completion event (ev) and one pending fault event. */
#include "models/mps.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"
#include <gsl/gsl_sort.h>

typedef struct {
    exec_ctx *ctx;
    double    cap;       /* active-thread fraction */
    double    left;      /* head job's remaining alone time, ns */
    double    speed;     /* alone-ns per ns */
    double    sm;        /* SM share now */
    int       prio;      /* higher first */
} mps_client;

struct mps {
    exec        base;
    mps_cfg     cfg;
    mps_client  cl[MPS_MAX_CLIENTS];
    int         ncl;
    sim_time_t  last;
    sim_event   ev, ev_fault;
    int         in_callback, down;
    gsl_rng    *rng;
    uint64_t    faults;
};

exec *mps_base(mps *m) { return &m->base; }
uint64_t mps_faults(const mps *m) { return m->faults; }

void mps_waterfill(const double *d, int n, double *out)
{
    mps_waterfill_cap(d, n, 1.0, out);
}

void mps_waterfill_cap(const double *d, int n, double cap, double *out)
{
    size_t order[MPS_MAX_CLIENTS];
    if (n <= 0)
        return;
    /* Smallest demands first; ties get the same share whatever their order. */
    gsl_sort_index(order, d, 1, (size_t)n);
    for (int r = 0; r < n; r++) {
        size_t i = order[r];
        double level = cap / (n - r);
        out[i] = d[i] < level ? d[i] : level;
        cap -= out[i];
    }
}

static int running(const mps *m, const mps_client *c)
{
    return !m->down && c->ctx->head != NULL;
}

/* Compute and memory time of a job; 0/0 means compute bound. */
static void split(const gpu_job *j, double *cns, double *mns, double *lns)
{
    double c = (double)j->compute_ns, mm = (double)j->mem_ns;
    if (c <= 0 && mm <= 0)
        c = (double)j->work;
    double big = c > mm ? c : mm;
    *cns = c;
    *mns = mm;
    *lns = (double)j->work > big ? (double)j->work - big : 0;
}

/* The share of the resource's SMs job's kernels keep busy, in (0, 1]. */
static double width(const mps *m, const gpu_job *j)
{
    if (j->blocks == 0 || m->cfg.sms <= 0 || j->blocks >= m->cfg.sms)
        return 1.0;
    return j->blocks / m->cfg.sms;
}

/* SM shares: demands dem[0..n) of clients idx[] filled into the SMs, every
 * client of a higher priority before any of a lower, max-min fair within
 * one priority. */
static void fill_by_priority(const mps *m, const int *idx, const double *dem, int n, double *sm)
{
    double left = 1.0, d[MPS_MAX_CLIENTS], out[MPS_MAX_CLIENTS];
    int done[MPS_MAX_CLIENTS] = { 0 }, at[MPS_MAX_CLIENTS];
    for (int served = 0; served < n;) {
        int top = 0, first = 1, k = 0;
        for (int i = 0; i < n; i++)
            if (!done[i] && (first || m->cl[idx[i]].prio > top)) {
                top = m->cl[idx[i]].prio;
                first = 0;
            }
        for (int i = 0; i < n; i++)
            if (!done[i] && m->cl[idx[i]].prio == top) {
                d[k] = dem[i];
                at[k++] = i;
            }
        mps_waterfill_cap(d, k, left > 0 ? left : 0, out);
        for (int j = 0; j < k; j++) {
            sm[at[j]] = out[j];
            left -= out[j];
            done[at[j]] = 1;
        }
        served += k;
    }
}

/* Recompute every running burst's SM share, bandwidth share and speed.
 * A burst alone under its cap takes a = max(C w / e, M) + L (e = min(cap,
 * w)); over that time it keeps C w of SM-time busy, so it wants d = C w / a
 * of the SMs on average: its launch part leaves its SMs to the others. */
static void recompute(mps *m)
{
    double dem[MPS_MAX_CLIENTS] = { 0 }, sm[MPS_MAX_CLIENTS] = { 0 }, bw[MPS_MAX_CLIENTS] = { 0 };
    double wid[MPS_MAX_CLIENTS], alone[MPS_MAX_CLIENTS];
    double cns[MPS_MAX_CLIENTS], mns[MPS_MAX_CLIENTS], lns[MPS_MAX_CLIENTS];
    int idx[MPS_MAX_CLIENTS], n = 0;
    for (int i = 0; i < m->ncl; i++) {
        m->cl[i].speed = m->cl[i].sm = 0;
        if (running(m, &m->cl[i])) {
            split(m->cl[i].ctx->head, &cns[n], &mns[n], &lns[n]);
            wid[n] = width(m, m->cl[i].ctx->head);
            double e = m->cl[i].cap < wid[n] ? m->cl[i].cap : wid[n];
            double cc = e > 0 ? cns[n] * wid[n] / e : INFINITY;
            alone[n] = (cc > mns[n] ? cc : mns[n]) + lns[n];
            dem[n] = lns[n] > 0 && alone[n] > 0 && isfinite(alone[n]) ? cns[n] * wid[n] / alone[n] : e;
            idx[n++] = i;
        }
    }
    fill_by_priority(m, idx, dem, n, sm);
    for (int k = 0; k < n; k++) {
        double tc = sm[k] > 0 ? cns[k] * wid[k] / sm[k] : INFINITY;
        if (lns[k] > 0 && tc < alone[k])
            tc = alone[k];
        dem[k] = mns[k] <= 0 ? 0 : (mns[k] >= tc ? 1.0 : mns[k] / tc);
    }
    mps_waterfill(dem, n, bw);
    for (int k = 0; k < n; k++) {
        mps_client *c = &m->cl[idx[k]];
        double tc = sm[k] > 0 ? cns[k] * wid[k] / sm[k] : (cns[k] > 0 ? INFINITY : 0);
        double tm = mns[k] > 0 ? mns[k] / bw[k] : 0;
        double t = tc > tm ? tc : tm;
        if (lns[k] > 0)                  /* the launch part overlaps the others' kernels */
            t = t > alone[k] ? t : alone[k];
        c->speed = (isfinite(t) ? (t > 0 ? (double)c->ctx->head->work / t : 1.0) : 0) * m->base.speed;
        c->sm = sm[k];
    }
}

static void account(mps *m)
{
    sim_time_t now = m->base.s->now, dt = now - m->last;
    if (dt <= 0)
        return;
    if (m->down)                  /* restart time is lost as it passes */
        m->base.c.overhead_ns += dt;
    int any = 0;
    for (int i = 0; i < m->ncl; i++) {
        mps_client *c = &m->cl[i];
        if (!running(m, c))
            continue;
        gpu_job *j = c->ctx->head;
        any = 1;
        c->left -= c->speed * (double)dt;
        if (c->left < 0)
            c->left = 0;
        j->remaining = sim_round_ns(c->left);
        j->service_ns += dt;
        if (c->ctx->busy_acct)
            *c->ctx->busy_acct += sim_round_ns(c->sm * (double)dt);
        if (m->base.trace)
            m->base.trace(m->base.trace_ud, &m->base, EXEC_SEG_RUN, c->ctx, m->last, now);
    }
    if (any)
        m->base.c.busy_ns += dt;
    m->last = now;
}

static void mps_account(exec *e) { account((mps *)e); }

/* Schedule the next completion from the current speeds. */
static void reschedule(mps *m)
{
    recompute(m);
    sim_cancel(m->base.s, &m->ev);
    double best = INFINITY;
    for (int i = 0; i < m->ncl; i++) {
        mps_client *c = &m->cl[i];
        if (running(m, c) && c->speed > 0 && c->left / c->speed < best)
            best = c->left / c->speed;
    }
    if (isfinite(best))
        sim_at(m->base.s, &m->ev, sim_time_add(m->base.s->now, sim_round_ns(ceil(best))));
    exec_note_busy(&m->base, isfinite(best));
}

static void mps_set_speed(exec *e, double speed)
{
    mps *m = (mps *)e;
    account(m);
    e->speed = speed;
    reschedule(m);
}

static void start_head(mps *m, mps_client *c)
{
    gpu_job *j = c->ctx->head;
    c->left = (double)j->work;
    if (j->t_start < 0 && !m->down)
        j->t_start = m->base.s->now;
}

/* Finish every burst that has run out of work; their done() may submit. */
static void complete_finished(mps *m)
{
    sim *s = m->base.s;
    m->in_callback = 1;
    for (int i = 0; i < m->ncl; i++) {
        mps_client *c = &m->cl[i];
        if (!running(m, c) || c->left > 0.5)
            continue;
        gpu_job *j = exec_job_pop(c->ctx, s->now);
        j->remaining = 0;
        j->done(s, j);
        if (c->ctx->head)
            start_head(m, c);
    }
    m->in_callback = 0;
}

static void on_complete(sim *s, sim_event *ev)
{
    (void)s;
    mps *m = ev->ctx;
    account(m);
    complete_finished(m);
    reschedule(m);
}

static void schedule_fault(mps *m)
{
    if (m->cfg.fault_rate_per_s <= 0 || !m->rng)
        return;
    double gap_s = sim_ran_exponential(m->rng, 1.0 / m->cfg.fault_rate_per_s);
    sim_at(m->base.s, &m->ev_fault, m->base.s->now + sim_round_ns(gap_s * 1e9));
}

/* A client faulted (down = 0) or the server is back (down = 1). */
static void on_fault(sim *s, sim_event *ev)
{
    (void)s;
    mps *m = ev->ctx;
    account(m);
    if (!m->down) {
        m->down = 1;
        m->faults++;
        for (int i = 0; i < m->ncl; i++)
            if (m->cl[i].ctx->head)
                m->cl[i].left = (double)m->cl[i].ctx->head->work;   /* progress lost */
        sim_at(m->base.s, &m->ev_fault, m->base.s->now + m->cfg.restart_ns);
    } else {
        m->down = 0;
        for (int i = 0; i < m->ncl; i++)
            if (m->cl[i].ctx->head && m->cl[i].ctx->head->t_start < 0)
                m->cl[i].ctx->head->t_start = m->base.s->now;
        schedule_fault(m);
    }
    reschedule(m);
}

static void mps_submit(exec *e, exec_ctx *c, gpu_job *j)
{
    mps *m = (mps *)e;
    if (c->index < 0 || c->index >= m->ncl || m->cl[c->index].ctx != c)
        return;                          /* not a client: refused by the contract */
    account(m);
    if (!exec_job_push(c, j, e->s->now))
        return;
    start_head(m, &m->cl[c->index]);
    if (!m->in_callback)
        reschedule(m);
}

static void mps_free(exec *e)
{
    mps *m = (mps *)e;
    sim_cancel(e->s, &m->ev);
    sim_cancel(e->s, &m->ev_fault);
    if (m->rng)
        gsl_rng_free(m->rng);
    exec_base_free(e);
    free(m);
}

static const exec_type MPS_TYPE = { "mps", mps_submit, mps_account, mps_free };

mps *mps_alloc(sim *s, int id, const mps_cfg *cfg, gsl_rng *fault_rng)
{
    mps *m = calloc(1, sizeof *m);
    if (!m) {
        if (fault_rng)
            gsl_rng_free(fault_rng);
        return NULL;
    }
    exec_base_init(&m->base, &MPS_TYPE, s, id);
    m->cfg = *cfg;
    m->rng = fault_rng;
    m->base.set_speed = mps_set_speed;
    sim_event_set(&m->ev, on_complete, m);
    sim_event_set(&m->ev_fault, on_fault, m);
    schedule_fault(m);
    return m;
}

int mps_attach(mps *m, exec_ctx *c, double frac)
{
    if (m->ncl >= m->cfg.max_clients || m->ncl >= MPS_MAX_CLIENTS)
        return -1;
    c->index = m->ncl;
    m->cl[m->ncl].ctx = c;
    m->cl[m->ncl].cap = frac;
    m->cl[m->ncl].left = m->cl[m->ncl].speed = m->cl[m->ncl].sm = 0;
    m->cl[m->ncl].prio = 0;
    m->ncl++;
    return 0;
}

void mps_set_priority(mps *m, const exec_ctx *c, int prio)
{
    if (c->index >= 0 && c->index < m->ncl && m->cl[c->index].ctx == c)
        m->cl[c->index].prio = prio;
}
