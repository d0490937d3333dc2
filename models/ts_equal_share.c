/* ts_equal_share.c -- the vGPU equal-share scheduler (FACTS §3): every
 * running vGPU (every attached context, work or not) owns one slot per round,
 * so each gets at most 1/N of the GPU; a slot whose owner has no work leaves
 * the GPU idle (the engine's hold state) instead of giving it away. */
#include "models/ts.h"

static void eq_ready(ts *t, exec_ctx *c) { (void)t; (void)c; }
static void eq_requeue(ts *t, exec_ctx *c) { (void)t; (void)c; }

static exec_ctx *eq_pick(ts *t)
{
    if (t->nmembers == 0)
        return NULL;
    t->slot = (t->slot + 1) % t->nmembers;
    return t->members[t->slot];
}

static int eq_waiting(const ts *t) { return t->nmembers > 1; }

const ts_policy ts_equal_share = {
    "equal_share", eq_ready, eq_pick, eq_requeue, eq_waiting, 1,
};
