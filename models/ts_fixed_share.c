/* ts_fixed_share.c -- the vGPU fixed-share scheduler (FACTS §3): a round has
 * one slot per vGPU the type allows on the GPU (cfg.nslots), so each vGPU
 * gets at most 1/nslots of the GPU whether or not the others exist or have
 * work; slots without an owner, or whose owner has no work, leave the GPU
 * idle. Attached contexts own slots 0..n-1 in attach order. */
#include "models/ts.h"

static void fx_ready(ts *t, exec_ctx *c) { (void)t; (void)c; }
static void fx_requeue(ts *t, exec_ctx *c) { (void)t; (void)c; }

static exec_ctx *fx_pick(ts *t)
{
    int n = ts_slots(t);
    if (n == 0)
        return NULL;
    t->slot = (t->slot + 1) % n;
    return t->slot < t->nmembers ? t->members[t->slot] : NULL;
}

static int fx_waiting(const ts *t) { return ts_slots(t) > 1; }

const ts_policy ts_fixed_share = {
    "fixed_share", fx_ready, fx_pick, fx_requeue, fx_waiting, 1,
};
