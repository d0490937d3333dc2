#include "models/solo.h"

#include <stdlib.h>

struct solo {
    exec       base;
    exec_ctx  *cur;             /* the context running a job; NULL when idle */
    sim_time_t seg_start;       /* since when the running job's time is not booked */
    sim_event  ev;              /* the running job's end */
    int        in_callback;     /* a job's done() is running: start after it */
};

/* Book the running job's time since seg_start. */
static void account(solo *x)
{
    sim_time_t now = x->base.s->now, dt = now - x->seg_start;
    if (!x->cur || dt == 0)
        return;
    gpu_job *j = x->cur->head;
    if (x->base.trace)
        x->base.trace(x->base.trace_ud, &x->base, EXEC_SEG_RUN, x->cur, x->seg_start, now);
    x->seg_start = now;
    j->remaining -= dt < j->remaining ? dt : j->remaining;
    j->service_ns += dt;
    x->base.c.busy_ns += dt;
    if (x->cur->busy_acct)
        *x->cur->busy_acct += dt;
}

static void solo_account(exec *e) { account((solo *)e); }

static void start(solo *x, exec_ctx *c)
{
    gpu_job *j = c->head;
    sim_time_t now = x->base.s->now;
    x->cur = c;
    x->seg_start = now;
    if (j->t_start < 0)
        j->t_start = now;
    sim_at(x->base.s, &x->ev, now + j->remaining);
}

static void on_end(sim *s, sim_event *ev)
{
    solo *x = ev->ctx;
    account(x);
    exec_ctx *c = x->cur;
    gpu_job *j = exec_job_pop(c, s->now);
    x->in_callback = 1;
    j->done(s, j);
    x->in_callback = 0;
    if (c->head)
        start(x, c);
    else
        x->cur = NULL;
    exec_note_busy(&x->base, x->cur != NULL);
}

static void solo_submit(exec *e, exec_ctx *c, gpu_job *j)
{
    solo *x = (solo *)e;
    if (!exec_job_push(c, j, e->s->now) || x->in_callback || x->cur)
        return;
    start(x, c);
    exec_note_busy(e, 1);
}

static void solo_free(exec *e)
{
    solo *x = (solo *)e;
    sim_cancel(e->s, &x->ev);
    exec_base_free(e);
    free(x);
}

static const exec_type SOLO_TYPE = { "solo", solo_submit, solo_account, solo_free };

solo *solo_alloc(sim *s, int id)
{
    solo *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    exec_base_init(&x->base, &SOLO_TYPE, s, id);
    sim_event_set(&x->ev, on_end, x);
    return x;
}

exec *solo_base(solo *x)
{
    return &x->base;
}
