/* share_timeslice.c -- "timeslice": contexts take turns on the whole GPU
 * (ts.h): processes under the native scheduler, or vGPUs under the vGPU
 * scheduler's policy (best effort, equal share, fixed share; ARR or legacy
 * slice). Inside a MIG instance it is always native best effort. */
#include "models/share.h"

#include <stdio.h>
#include "models/ctxsw.h"
#include "models/model.h"

static void ts_defaults(model_cfg *c)
{
    c->ts.policy = &ts_best_effort;
    c->ts.slice_ns = sim_round_ns(TS_NATIVE_SLICE_MS * 1e6);
    c->ts.switch_ns = sim_round_ns(ctxsw_cost_us(c->gpu, TS_PREEMPT_INSTRUCTION, c->virt.mode == VIRT_VGPU) * 1e3);
    c->ts.preempt = TS_PREEMPT_INSTRUCTION;
    c->ts.block_ns = sim_round_ns(TS_DEFAULT_BLOCK_US * 1e3);
    c->ts.arr_factor = 0;
    c->ts.nslots = 0;
}

/* The vGPU type density of GPU g: the largest max-per-GPU among its
 * tenants' types (fixed share has one type per GPU; see scenarios/). */
static int vgpu_slots(const model_cfg *cfg, int g)
{
    int n = 0;
    for (size_t i = 0; i < cfg->ntenants; i++)
        if (cfg->tenants[i].gpu == g && cfg->tenants[i].vgpu_per_gpu > n)
            n = cfg->tenants[i].vgpu_per_gpu;
    return n;
}

static exec *ts_build(const model_cfg *cfg, const share_res *r, sim *s, int id, int rep)
{
    (void)rep;
    ts_cfg tc = cfg->ts;
    if (r->inst) {
        tc.policy = &ts_best_effort;     /* native time-slicing inside an instance */
        tc.arr_factor = 0;
    }
    if (tc.policy == &ts_fixed_share)
        tc.nslots = vgpu_slots(cfg, r->gpu);
    ts *t = ts_alloc(s, id, &tc);
    return t ? &t->base : NULL;
}

/* Persistent contexts join the slot rotation; per-request ones come and go. */
static int ts_join(const model_cfg *cfg, const share_res *r, exec *e, tenant *t)
{
    (void)cfg;
    (void)r;
    if (t->cfg->per_request)
        return 0;
    return ts_attach((ts *)e, &t->ctx);
}

static void ts_label(const model_cfg *c, char *buf, size_t len)
{
    snprintf(buf, len, " (%s, slice %.4g ms, switch %.3g us%s)", c->ts.policy->name,
             (double)c->ts.slice_ns / 1e6, (double)c->ts.switch_ns / 1e3,
             c->ts.arr_factor > 0 ? ", ARR" : "");
}

/* The time-slice fields; `scheduler` is the vGPU scheduler's (arr or legacy)
 * only for vGPUs on a whole GPU, else native. */
static void ts_fields(const model_cfg *c, const char *policy, int vgpu, const share_sink *k, void *ud)
{
    k->str(ud, NULL, "policy", policy);
    k->num(ud, NULL, "timeslice_ms", (double)c->ts.slice_ns / 1e6);
    k->num(ud, NULL, "switch_cost_us", (double)c->ts.switch_ns / 1e3);
    k->str(ud, NULL, "preemption", ts_preempt_names[c->ts.preempt]);
    k->str(ud, NULL, "scheduler", !vgpu ? "native" : c->ts.arr_factor > 0 ? "arr" : "legacy");
    if (c->ts.arr_factor > 0)
        k->num(ud, NULL, "arr_averaging_factor", c->ts.arr_factor);
}

static void ts_describe(const model_cfg *c, const share_sink *k, void *ud)
{
    ts_fields(c, c->ts.policy->name, c->virt.mode == VIRT_VGPU, k, ud);
}

/* Inside MIG instances: native best effort. */
void share_ts_describe_native(const model_cfg *c, const share_sink *k, void *ud)
{
    ts_fields(c, ts_best_effort.name, 0, k, ud);
}

const share_type share_timeslice = {
    .name = "timeslice",
    .summary = "contexts take turns on the whole GPU, one time slice each",
    .family = "timeslice",
    .vm_switches = 1,
    .defaults = ts_defaults,
    .resources = share_one,
    .build = ts_build,
    .resource_of = share_whole_gpu,
    .attach = ts_join,
    .resource_name = share_gpu_name,
    .label = ts_label,
    .describe = ts_describe,
};
