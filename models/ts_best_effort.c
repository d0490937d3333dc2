/* ts_best_effort.c -- work-conserving round robin: contexts with work take
 * turns in the order they became ready; an idle context is skipped and takes
 * no share (vGPU best-effort scheduler; native CUDA time-slicing). */
#include "models/ts.h"

static void be_ready(ts *t, exec_ctx *c) { ts_rq_push(t, c); }
static exec_ctx *be_pick(ts *t) { return ts_rq_pop(t); }
static void be_requeue(ts *t, exec_ctx *c) { ts_rq_push(t, c); }
static int be_waiting(const ts *t) { return t->rq_head != NULL; }

const ts_policy ts_best_effort = {
    "best_effort", be_ready, be_pick, be_requeue, be_waiting, 0,
};
