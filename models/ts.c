#include "models/ts.h"

#include <math.h>
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

const char *const ts_preempt_names[] = { "instruction", "block", "kernel", NULL };

const ts_policy *const ts_policies[] = { &ts_best_effort, &ts_equal_share, &ts_fixed_share, NULL };

int ts_preempt_parse(const char *name)
{
    for (int k = 0; ts_preempt_names[k]; k++)
        if (strcmp(name, ts_preempt_names[k]) == 0)
            return k;
    return -1;
}

/* Work done in dt of wall time at the executor's speed; wall time for an
 * amount of work. At speed 1 (always, unless a throttle is on) both are
 * the identity, so nominal runs stay exact. */
static sim_time_t work_in(const ts *t, sim_time_t dt)
{
    return t->base.speed == 1.0 ? dt : sim_round_ns((double)dt * t->base.speed);
}

static sim_time_t wall_for(const ts *t, sim_time_t work)
{
    if (t->base.speed == 1.0)
        return work;
    double w = ceil((double)work / t->base.speed);
    return w < 9.2e18 ? (sim_time_t)w : SIM_TIME_MAX;
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
        sim_time_t w = work_in(t, dt);
        j->remaining -= w < j->remaining ? w : j->remaining;
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
    sim_time_t end = sat_add(now, wall_for(t, j->remaining));
    wake_at(t, end < t->slice_end ? end : t->slice_end);
}

static int slotted(const ts *t) { return t->cfg.policy->holds_slot; }

/* The slice c gets now: the nominal one, shortened by ARR payback. */
static sim_time_t slice_for(const ts *t, const exec_ctx *c)
{
    sim_time_t s = t->cfg.slice_ns;
    if (t->cfg.arr_factor <= 0 || !c || c->debt <= 0 || s == SIM_TIME_MAX)
        return s;
    sim_time_t cut = c->debt / t->cfg.arr_factor;
    return cut < s ? s - cut : 1;
}

/* A preempted turn ended now: book its overshoot (or undershoot) of the
 * nominal slice against the context (ARR). */
static void book_overshoot(ts *t, exec_ctx *c)
{
    if (t->cfg.arr_factor <= 0 || t->nominal_end == SIM_TIME_MAX)
        return;
    c->debt += t->base.s->now - t->nominal_end;
    if (c->debt < 0)
        c->debt = 0;
}

static void set_turn(ts *t, exec_ctx *c)
{
    sim_time_t now = t->base.s->now;
    t->nominal_end = sat_add(now, t->cfg.slice_ns);
    t->slice_end = sat_add(now, slice_for(t, c));
}

static void begin_slice(ts *t)
{
    set_turn(t, t->cur);
    start_run(t);
}

/* The GPU stays with the slot's owner (or nobody) and does nothing until
 * the slot ends. */
static void hold(ts *t)
{
    t->phase = TS_HOLD;
    t->seg_start = t->base.s->now;
    wake_at(t, t->slice_end);
}

static void next_slot(ts *t);

/* t->cur is loaded: run it. A slotted turn already has its end. */
static void loaded(ts *t)
{
    if (!slotted(t))
        begin_slice(t);
    else if (t->base.s->now < t->slice_end)
        start_run(t);
    else
        next_slot(t);
}

static void switch_to(ts *t, exec_ctx *n)
{
    t->cur = n;
    if (n->uid == t->resident || t->resident == 0) {
        t->resident = n->uid;
        loaded(t);
        return;
    }
    t->base.c.switches++;
    t->resident = n->uid;
    if (t->cfg.switch_ns == 0) {
        loaded(t);
        return;
    }
    t->phase = TS_SWITCH;
    t->seg_start = t->base.s->now;
    wake_at(t, t->base.s->now + t->cfg.switch_ns);
}

/* Slotted policies: the next slot of the rotation begins now. */
static void next_slot(ts *t)
{
    exec_ctx *c = t->cfg.policy->pick(t);
    t->cur = c;
    set_turn(t, c);
    if (c && c->head)
        switch_to(t, c);
    else
        hold(t);
}

/* The running context has nothing left: let it go and give the GPU on. */
static void leave_current(ts *t)
{
    exec_ctx *c = t->cur;
    if (slotted(t)) {
        if (t->base.s->now < t->slice_end)
            hold(t);
        else
            next_slot(t);
        return;
    }
    t->cur = NULL;
    t->phase = TS_IDLE;
    int prio = c->prio;
    if (c->ephemeral)
        exec_ctx_release(&t->base, c);
    if (t->cfg.guard_ns > 0 && t->rq_head && t->rq_head->prio < prio) {
        t->phase = TS_GUARD;          /* keep the GPU for the higher one's next work */
        t->guard_prio = prio;
        t->seg_start = t->base.s->now;
        wake_at(t, sat_add(t->base.s->now, t->cfg.guard_ns));
        return;
    }
    exec_ctx *n = t->cfg.policy->pick(t);
    if (n)
        switch_to(t, n);
}

static void preempt_now(ts *t)
{
    exec_ctx *c = t->cur;
    book_overshoot(t, c);
    if (!c->head) {
        leave_current(t);
        return;
    }
    if (slotted(t)) {
        next_slot(t);
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
    /* A job has at most one kernel per ns of work: more kernels than that
     * would be empty ones, and would make klen 0. */
    sim_time_t nk = (sim_time_t)j->kernels < j->work ? (sim_time_t)j->kernels : j->work;
    sim_time_t klen = nk > 1 ? j->work / nk : j->work;
    sim_time_t k = done / klen;
    if (k > nk - 1)
        k = nk - 1;                /* the last kernel takes the remainder */
    sim_time_t in_kernel = done - k * klen, b = t->cfg.block_ns;
    if (in_kernel == 0)            /* between kernels, or before the first: idle */
        return 0;
    sim_time_t kend = k + 1 >= nk ? j->work : (k + 1) * klen;
    sim_time_t to_kernel_end = kend - done;
    if (t->cfg.preempt == TS_PREEMPT_KERNEL)
        return to_kernel_end;
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
    d = d < j->remaining ? d : j->remaining;
    t->drain_to = j->remaining - d;
    wake_at(t, sat_add(t->base.s->now, wall_for(t, d)));
}

static void complete_head(ts *t)
{
    sim *s = t->base.s;
    gpu_job *j = exec_job_pop(t->cur, s->now);
    t->in_callback = 1;
    j->done(s, j);
    t->in_callback = 0;
}

static int running(const ts *t)
{
    return t->phase == TS_RUN || t->phase == TS_DRAIN || t->phase == TS_SWITCH;
}

static void step(ts *t);
static int preempt_for_priority(ts *t);

static void on_wake(sim *s, sim_event *ev)
{
    (void)s;
    ts *t = ev->ctx;
    step(t);
    exec_note_busy(&t->base, running(t));
}

static void step(ts *t)
{
    account(t);
    switch (t->phase) {
    case TS_SWITCH:
        loaded(t);
        preempt_for_priority(t);
        return;
    case TS_RUN:
        if (t->cur->head->remaining == 0) {
            complete_head(t);
            if (!t->cur->head)
                leave_current(t);
            else if (t->base.s->now < t->slice_end && !(t->rq_head && t->rq_head->prio > t->cur->prio))
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
    case TS_HOLD:
        next_slot(t);
        return;
    case TS_GUARD: {
        t->phase = TS_IDLE;
        exec_ctx *n = t->cfg.policy->pick(t);
        if (n)
            switch_to(t, n);
        return;
    }
    case TS_IDLE:
        return;
    }
}

static void enqueue(ts *t, exec_ctx *c);

/* A context of a higher priority than the running one is ready: preempt
 * now, within the preemption mode's latency (the drain to a block or
 * kernel boundary), as at the end of a slice. */
static int preempt_for_priority(ts *t)
{
    if (t->phase != TS_RUN || !t->cur || !t->rq_head || t->rq_head->prio <= t->cur->prio || t->in_callback)
        return 0;
    sim_cancel(t->base.s, &t->ev);
    account(t);
    slice_expired(t);
    return 1;
}

static void ts_submit(exec *e, exec_ctx *c, gpu_job *j)
{
    ts *t = (ts *)e;
    if (!exec_job_push(c, j, e->s->now))
        return;
    enqueue(t, c);
    exec_note_busy(e, running(t));
}

static void enqueue(ts *t, exec_ctx *c)
{
    exec *e = &t->base;
    if (c == t->cur) {
        if (t->phase == TS_HOLD) {    /* work for the owner of an idle slot */
            sim_cancel(e->s, &t->ev);
            account(t);
            switch_to(t, c);
        }
        return;
    }
    t->cfg.policy->ready(t, c);
    if (preempt_for_priority(t))
        return;
    if (t->phase == TS_GUARD && c->prio >= t->guard_prio && !t->in_callback) {
        sim_cancel(e->s, &t->ev);
        t->phase = TS_IDLE;
        switch_to(t, t->cfg.policy->pick(t));
        return;
    }
    if (t->phase == TS_IDLE && !t->in_callback) {
        if (slotted(t))
            next_slot(t);
        else
            switch_to(t, t->cfg.policy->pick(t));
    }
}

static void ts_free(exec *e)
{
    ts *t = (ts *)e;
    sim_cancel(e->s, &t->ev);
    exec_base_free(e);
    free(t->members);
    free(t);
}

/* A new speed: progress so far is booked at the old one, the pending wake
 * moves to where the running work now ends. */
static void ts_set_speed(exec *e, double speed)
{
    ts *t = (ts *)e;
    account(t);
    e->speed = speed;
    if (t->phase == TS_RUN) {
        sim_cancel(e->s, &t->ev);
        start_run(t);
    } else if (t->phase == TS_DRAIN) {
        /* work done rounds to whole ns, so the stop point may be passed
         * by one: then the drain is over now */
        sim_time_t left = t->cur->head->remaining - t->drain_to;
        sim_cancel(e->s, &t->ev);
        wake_at(t, e->s->now + wall_for(t, left > 0 ? left : 0));
    }
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
    t->slot = -1;
    t->base.set_speed = ts_set_speed;
    sim_event_set(&t->ev, on_wake, t);
    return t;
}

int ts_attach(ts *t, exec_ctx *c)
{
    exec_ctx **m = realloc(t->members, (size_t)(t->nmembers + 1) * sizeof *m);
    if (!m)
        return -1;
    t->members = m;
    c->index = t->nmembers;
    m[t->nmembers++] = c;
    return 0;
}

int ts_slots(const ts *t)
{
    return t->cfg.nslots > t->nmembers ? t->cfg.nslots : t->nmembers;
}
