/* share_exclusive.c -- "exclusive": one tenant owns the GPU (or the MIG
 * instance) and runs its work FIFO to completion. Modelled as a time-sliced
 * executor that never preempts (ts.h: slice_ns = SIM_TIME_MAX) and never
 * pays a switch; a tenant alone on its resource, with one context, runs on
 * the trivial executor that gives the same accounts (models/solo.h). */
#include "models/share.h"

#include "models/model.h"
#include "models/solo.h"

/* Executor id runs one context alone: exactly one tenant on it, not a
 * process per request, and no MIG power throttle that could slow it. */
static int alone(const model_cfg *cfg, const share_res *r, int id)
{
    if (r->inst && cfg->power_throttle < 1.0)
        return 0;
    int n = 0;
    for (size_t i = 0; i < cfg->ntenants; i++)
        if (tenant_cfg_placed(&cfg->tenants[i]) && share_exec_index(cfg, &cfg->tenants[i]) == id &&
            (n++ > 0 || cfg->tenants[i].per_request))
            return 0;
    return n == 1;
}

static void excl_defaults(model_cfg *c)
{
    (void)c;   /* nothing to set: every field of its executor is fixed */
}

static exec *excl_build(const model_cfg *cfg, const share_res *r, sim *s, int id, int rep)
{
    (void)rep;
    if (alone(cfg, r, id)) {
        solo *x = solo_alloc(s, id);
        return x ? solo_base(x) : NULL;
    }
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
    if (t->cfg->per_request || alone(cfg, r, share_exec_index(cfg, t->cfg)))
        return 0;                      /* a context of its own, or alone (solo) */
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
