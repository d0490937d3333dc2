/* ts_best_effort.c -- work-conserving round robin: contexts with work take
 * turns in the order they became ready; an idle context is skipped and takes
 * no share (vGPU best-effort scheduler; native CUDA time-slicing).
 * Priorities (exec_ctx.prio): the ready list is ordered by priority, FIFO
 * within one; a context is preempted at the end of its slice only for one
 * of the same or a higher priority, so a lower one waits while a higher one
 * has work (strict priority; ts.c preempts for a higher one at its arrival). */
#include "models/ts.h"

/* Insert c behind every ready context of its priority or a higher one. */
static void be_ready(ts *t, exec_ctx *c)
{
    exec_ctx *p = t->rq_head, *prev = NULL;
    while (p && p->prio >= c->prio) {
        prev = p;
        p = p->rq_next;
    }
    if (!p) {
        ts_rq_push(t, c);
        return;
    }
    c->rq_next = p;
    if (prev)
        prev->rq_next = c;
    else
        t->rq_head = c;
}

static exec_ctx *be_pick(ts *t) { return ts_rq_pop(t); }
static void be_requeue(ts *t, exec_ctx *c) { be_ready(t, c); }
static int be_waiting(const ts *t)
{
    return t->rq_head != NULL && (!t->cur || t->rq_head->prio >= t->cur->prio);
}

const ts_policy ts_best_effort = {
    "best_effort", be_ready, be_pick, be_requeue, be_waiting, 0,
};
