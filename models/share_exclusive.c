/* share_exclusive.c -- "exclusive": one tenant owns the GPU (or the MIG
 * instance) and runs its work FIFO to completion. Modelled as a time-sliced
 * executor that never preempts (ts.h: slice_ns = SIM_TIME_MAX) and never
 * pays a switch. */
#include "models/share.h"

#include "models/model.h"

static void excl_defaults(model_cfg *c)
{
    (void)c;   /* nothing to set: every field of its executor is fixed */
}

static exec *excl_build(const model_cfg *cfg, const share_res *r, sim *s, int id, int rep)
{
    (void)r;
    (void)rep;
    ts_cfg tc = cfg->ts;
    tc.policy = &ts_best_effort;
    tc.slice_ns = SIM_TIME_MAX;
    tc.switch_ns = 0;
    tc.preempt = TS_PREEMPT_INSTRUCTION;
    tc.block_ns = 1;
    tc.arr_factor = 0;
    ts *t = ts_alloc(s, id, &tc);
    return t ? &t->base : NULL;
}

static int excl_join(const model_cfg *cfg, const share_res *r, exec *e, tenant *t)
{
    (void)cfg;
    (void)r;
    if (t->cfg->per_request)
        return 0;
    return ts_attach((ts *)e, &t->ctx);
}

const share_type share_exclusive = {
    .name = "exclusive",
    .summary = "one tenant per GPU, its work run to completion in order",
    .defaults = excl_defaults,
    .resources = share_one,
    .build = excl_build,
    .resource_of = share_whole_gpu,
    .attach = excl_join,
    .resource_name = share_gpu_name,
    .label = share_no_label,
    .describe = share_no_fields,
};
