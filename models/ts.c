#include "models/ts.h"

#include <stdlib.h>
#include <string.h>

static sim_time_t sat_add(sim_time_t a, sim_time_t b)
{
    return b > SIM_TIME_MAX - a ? SIM_TIME_MAX : a + b;
}

void ts_rq_push(ts *t, exec_ctx *c)
{
    c->rq_next = NULL;
    if (t->rq_tail)
        t->rq_tail->rq_next = c;
    else
        t->rq_head = c;
    t->rq_tail = c;
}

exec_ctx *ts_rq_pop(ts *t)
{
    exec_ctx *c = t->rq_head;
    if (c) {
        t->rq_head = c->rq_next;
        if (!t->rq_head)
            t->rq_tail = NULL;
        c->rq_next = NULL;
    }
    return c;
}

int ts_preempt_parse(const char *name)
{
    if (strcmp(name, "instruction") == 0) return TS_PREEMPT_INSTRUCTION;
    if (strcmp(name, "block") == 0) return TS_PREEMPT_BLOCK;
    if (strcmp(name, "kernel") == 0) return TS_PREEMPT_KERNEL;
    return -1;
}

/* Charge the time since seg_start to whoever had the GPU. */
static void account(ts *t)
{
    sim_time_t now = t->base.s->now, start = t->seg_start, dt = now - start;
    t->seg_start = now;
    if (dt == 0)
        return;
    if (t->base.trace && (t->phase == TS_RUN || t->phase == TS_DRAIN || t->phase == TS_SWITCH))
        t->base.trace(t->base.trace_ud, &t->base,
                      t->phase == TS_SWITCH ? EXEC_SEG_SWITCH : EXEC_SEG_RUN, t->cur, start, now);
    if (t->phase == TS_RUN || t->phase == TS_DRAIN) {
        gpu_job *j = t->cur->head;
        j->remaining -= dt;
        j->service_ns += dt;
        t->base.c.busy_ns += dt;
        if (t->cur->busy_acct)
            *t->cur->busy_acct += dt;
    } else if (t->phase == TS_SWITCH) {
        t->cur->head->switch_ns += dt;
        t->base.c.switch_ns += dt;
    }
}

static void ts_account(exec *e) { account((ts *)e); }

static void wake_at(ts *t, sim_time_t when)
{
    sim_at(t->base.s, &t->ev, when);
}

static void start_run(ts *t)
{
    gpu_job *j = t->cur->head;
    sim_time_t now = t->base.s->now;
    t->phase = TS_RUN;
    t->seg_start = now;
    if (j->t_start < 0)
        j->t_start = now;
    sim_time_t end = now + j->remaining;
    wake_at(t, end < t->slice_end ? end : t->slice_end);
}

static void begin_slice(ts *t)
{
    t->slice_end = sat_add(t->base.s->now, t->cfg.slice_ns);
    start_run(t);
}

static void switch_to(ts *t, exec_ctx *n)
{
    t->cur = n;
    if (n->uid == t->resident || t->resident == 0) {
        t->resident = n->uid;
        begin_slice(t);
        return;
    }
    t->base.c.switches++;
    t->resident = n->uid;
    if (t->cfg.switch_ns == 0) {
        begin_slice(t);
        return;
    }
    t->phase = TS_SWITCH;
    t->seg_start = t->base.s->now;
    wake_at(t, t->base.s->now + t->cfg.switch_ns);
}

/* The running context has nothing left: let it go and give the GPU on. */
static void leave_current(ts *t)
{
    exec_ctx *c = t->cur;
    t->cur = NULL;
    t->phase = TS_IDLE;
    if (c->ephemeral)
        exec_ctx_release(&t->base, c);
    exec_ctx *n = t->cfg.policy->pick(t);
    if (n)
        switch_to(t, n);
}

static void preempt_now(ts *t)
{
    exec_ctx *c = t->cur;
    if (!c->head) {
        leave_current(t);
        return;
    }
    t->cfg.policy->requeue(t, c);
    t->cur = NULL;
    switch_to(t, t->cfg.policy->pick(t));
}

/* Time from now to the next point where the running job can be stopped. */
static sim_time_t preempt_delay(const ts *t, const gpu_job *j)
{
    if (t->cfg.preempt == TS_PREEMPT_INSTRUCTION)
        return 0;
    sim_time_t done = j->work - j->remaining;
    sim_time_t klen = j->kernels > 1 ? j->work / j->kernels : j->work;
    sim_time_t k = done / klen;
    if (k > 0 && done % klen == 0)
        return 0;
    sim_time_t kend = k + 1 >= (sim_time_t)j->kernels ? j->work : (k + 1) * klen;
    sim_time_t to_kernel_end = kend - done;
    if (t->cfg.preempt == TS_PREEMPT_KERNEL)
        return to_kernel_end;
    sim_time_t in_kernel = done - k * klen, b = t->cfg.block_ns;
    if (in_kernel % b == 0)
        return 0;
    sim_time_t to_block_end = b - in_kernel % b;
    return to_block_end < to_kernel_end ? to_block_end : to_kernel_end;
}

static void slice_expired(ts *t)
{
    if (!t->cfg.policy->waiting(t)) {
        begin_slice(t);
        return;
    }
    gpu_job *j = t->cur->head;
    sim_time_t d = preempt_delay(t, j);
    if (d == 0) {
        preempt_now(t);
        return;
    }
    t->phase = TS_DRAIN;
    t->seg_start = t->base.s->now;
    wake_at(t, t->base.s->now + (d < j->remaining ? d : j->remaining));
}

static void complete_head(ts *t)
{
    sim *s = t->base.s;
    gpu_job *j = exec_job_pop(t->cur, s->now);
    t->in_callback = 1;
    j->done(s, j);
    t->in_callback = 0;
}

static void on_wake(sim *s, sim_event *ev)
{
    (void)s;
    ts *t = ev->ctx;
    account(t);
    switch (t->phase) {
    case TS_SWITCH:
        begin_slice(t);
        return;
    case TS_RUN:
        if (t->cur->head->remaining == 0) {
            complete_head(t);
            if (!t->cur->head)
                leave_current(t);
            else if (t->base.s->now < t->slice_end)
                start_run(t);
            else
                slice_expired(t);
        } else {
            slice_expired(t);
        }
        return;
    case TS_DRAIN:
        if (t->cur->head->remaining == 0)
            complete_head(t);
        preempt_now(t);
        return;
    case TS_IDLE:
        return;
    }
}

static void ts_submit(exec *e, exec_ctx *c, gpu_job *j)
{
    ts *t = (ts *)e;
    if (!exec_job_push(c, j, e->s->now) || c == t->cur)
        return;
    t->cfg.policy->ready(t, c);
    if (t->phase == TS_IDLE && !t->in_callback)
        switch_to(t, t->cfg.policy->pick(t));
}

static void ts_free(exec *e)
{
    ts *t = (ts *)e;
    sim_cancel(e->s, &t->ev);
    exec_base_free(e);
    free(t);
}

static const exec_type TS_TYPE = { "timeslice", ts_submit, ts_account, ts_free };

ts *ts_alloc(sim *s, int id, const ts_cfg *cfg)
{
    ts *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    exec_base_init(&t->base, &TS_TYPE, s, id);
    t->cfg = *cfg;
    t->phase = TS_IDLE;
    sim_event_set(&t->ev, on_wake, t);
    return t;
}
