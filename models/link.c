/* link.c -- the processor-sharing transfer link (see link.h).
 *
 * Invariants: `act` lists the contexts whose head job is transferring, each
 * once; all progress at rate 1/nact of alone speed; `last` is when the
 * remaining work of every active head was last brought up to date; one
 * pending event, at the earliest completion. Remaining work is kept in
 * double ns in the context's slot of `left`. */
#include "models/link.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    exec_ctx *ctx;
    double    left;
} link_flow;

struct link_exec {
    exec       base;
    link_flow *act;
    int        nact, cap;
    sim_time_t last;
    sim_event  ev;
    int        in_callback;
};

exec *link_base(link_exec *l) { return &l->base; }

static void account(link_exec *l)
{
    sim_time_t now = l->base.s->now, dt = now - l->last;
    l->last = now;
    if (dt <= 0 || l->nact == 0)
        return;
    double step = (double)dt / l->nact;
    for (int i = 0; i < l->nact; i++) {
        gpu_job *j = l->act[i].ctx->head;
        l->act[i].left = l->act[i].left > step ? l->act[i].left - step : 0;
        j->remaining = sim_round_ns(l->act[i].left);
        j->service_ns += dt;
        if (l->act[i].ctx->busy_acct)
            *l->act[i].ctx->busy_acct += sim_round_ns(step);
    }
    l->base.c.busy_ns += dt;
}

static void link_account(exec *e) { account((link_exec *)e); }

static void reschedule(link_exec *l)
{
    sim_cancel(l->base.s, &l->ev);
    if (l->nact == 0)
        return;
    double least = INFINITY;
    for (int i = 0; i < l->nact; i++)
        if (l->act[i].left < least)
            least = l->act[i].left;
    sim_at(l->base.s, &l->ev, l->base.s->now + (sim_time_t)ceil(least * l->nact));
}

static int activate(link_exec *l, exec_ctx *c)
{
    if (l->nact == l->cap) {
        int cap = l->cap ? 2 * l->cap : 8;
        link_flow *a = realloc(l->act, (size_t)cap * sizeof *a);
        if (!a)
            return -1;
        l->act = a;
        l->cap = cap;
    }
    c->head->t_start = l->base.s->now;
    l->act[l->nact].ctx = c;
    l->act[l->nact++].left = (double)c->head->work;
    return 0;
}

static void on_complete(sim *s, sim_event *ev)
{
    link_exec *l = ev->ctx;
    account(l);
    l->in_callback = 1;
    for (int i = 0; i < l->nact;) {
        link_flow *f = &l->act[i];
        if (f->left > 0.5) {
            i++;
            continue;
        }
        exec_ctx *c = f->ctx;
        gpu_job *j = exec_job_pop(c, s->now);
        j->remaining = 0;
        l->act[i] = l->act[--l->nact];     /* order of `act` does not matter */
        if (c->head)
            activate(l, c);                /* the next queued transfer starts */
        j->done(s, j);                     /* a submit on an empty c activates it */
        if (!c->head && c->ephemeral)
            exec_ctx_release(&l->base, c);
    }
    l->in_callback = 0;
    reschedule(l);
}

static void link_submit(exec *e, exec_ctx *c, gpu_job *j)
{
    link_exec *l = (link_exec *)e;
    account(l);
    if (!exec_job_push(c, j, e->s->now))
        return;
    activate(l, c);
    if (!l->in_callback)
        reschedule(l);
}

static void link_free(exec *e)
{
    link_exec *l = (link_exec *)e;
    sim_cancel(e->s, &l->ev);
    free(l->act);
    exec_base_free(e);
    free(l);
}

static const exec_type LINK_TYPE = { "link", link_submit, link_account, link_free };

link_exec *link_alloc(sim *s, int id)
{
    link_exec *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    exec_base_init(&l->base, &LINK_TYPE, s, id);
    sim_event_set(&l->ev, on_complete, l);
    return l;
}
