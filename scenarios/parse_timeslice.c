/* parse_timeslice.c -- sharing.mode "timeslice": the time-slice settings
 * (policy, switch cost, preemption) every mode reads, the native slice, and
 * under virtualization.mode "vgpu" the vGPU scheduler (ARR or legacy, the
 * density rule); defaults are the model's (models/ts.h). */
#include "scenarios/scenario.h"
#include "models/ctxsw.h"

#include <stdio.h>

static sim_time_t ns_of(double x, double scale) { return sim_round_ns(x * scale); }

int scn_parse_ts_settings(jv *v, scn *sc, const cJSON *sh)
{
    const char *policies[8];
    int npol = 0;
    while (ts_policies[npol] && npol < 7) {
        policies[npol] = ts_policies[npol]->name;
        npol++;
    }
    policies[npol] = NULL;
    const jv_range cost = { 0, 1e6, 0, 0, "us" };
    const jv_range block = { 0, 1e6, 1, 0, "us" };
    int policy = 0, preempt = 0;
    double switch_us = 0, block_us = TS_DEFAULT_BLOCK_US, guard_us = 0;
    if (sh) {
        jv_number(v, sh, "sharing", "best_effort_guard_us", 0, 0, cost, &guard_us);
        jv_enum(v, sh, "sharing", "policy", 0, 0, policies, &policy);
        jv_enum(v, sh, "sharing", "preemption", 0, 0, ts_preempt_names, &preempt);
        jv_number(v, sh, "sharing", "block_us", 0, TS_DEFAULT_BLOCK_US, block, &block_us);
    }
    /* The default switch cost: a measured profile's, or the sum of its
     * parts for this GPU, preemption mode and whether switches cross VMs
     * (the mode's switches under virtualization.mode "vgpu"); models/ctxsw.c.
     * A datasheet profile's switch_us is FACTS' unsourced tens of
     * microseconds [I], so the parts win over it; a measured one wins over them. */
    int vm = sc->cfg.virt.mode == VIRT_VGPU && sc->cfg.share->vm_switches;
    double def_us = sc->profile && sc->profile->measured ? sc->cfg.gpu->switch_us
                                                         : ctxsw_cost_us(sc->cfg.gpu, (ts_preempt)preempt, vm);
    switch_us = def_us;
    if (sh)
        jv_number(v, sh, "sharing", "switch_cost_us", 0, def_us, cost, &switch_us);
    if (v->failed)
        return -1;
    ts_cfg *t = &sc->cfg.ts;
    t->policy = ts_policies[policy];
    t->switch_ns = ns_of(switch_us, 1e3);
    t->preempt = (ts_preempt)preempt;
    t->block_ns = ns_of(block_us, 1e3);
    t->guard_ns = ns_of(guard_us, 1e3);
    if (t->block_ns < 1)
        t->block_ns = 1;
    t->slice_ns = ns_of(TS_NATIVE_SLICE_MS, 1e6);   /* until the mode's check */
    return 0;
}

static int slotted_policy_needs_vgpu(jv *v, scn *sc)
{
    return jv_fail(v, "sharing.policy", "value \"%s\" is a vGPU scheduler policy: it needs sharing.mode "
                   "\"timeslice\" with virtualization.mode \"vgpu\" (here %s, %s); native time-slicing "
                   "runs best_effort", sc->cfg.ts.policy->name, sc->sharing_mode, sc->virt_mode);
}

/* The native slice (timeslice_ms, default the Volta+ slice or a measured
 * profile's); the vGPU scheduler's keys are refused. */
static int native_slice(jv *v, scn *sc, const cJSON *sh)
{
    static const char *const vgpu_only[] = { "scheduler", "arr_frequency_hz", "arr_averaging_factor",
                                             "density_threshold" };
    model_cfg *c = &sc->cfg;
    double native_ms = sc->profile ? sc->profile->timeslice_ms : TS_NATIVE_SLICE_MS, slice_ms = native_ms;
    for (int k = 0; k < 4; k++)
        if (sh && cJSON_HasObjectItem(sh, vgpu_only[k])) {
            char p[64];
            return jv_fail(v, jv_join(p, sizeof p, "sharing", vgpu_only[k]),
                           "belongs to the vGPU time-slice scheduler: needs sharing.mode \"timeslice\" "
                           "with virtualization.mode \"vgpu\"");
        }
    jv_number(v, sh, "sharing", "timeslice_ms", 0, native_ms, (jv_range){ 0, 1000, 1, 0, "ms" }, &slice_ms);
    c->ts.slice_ns = ns_of(slice_ms, 1e6);
    if (c->ts.slice_ns < 1)       /* below the clock's resolution: a 0 ns slice would run nothing */
        c->ts.slice_ns = 1;
    c->ts.arr_factor = 0;
    return v->failed ? -1 : 0;
}

int scn_check_native_slice(jv *v, scn *sc, const cJSON *sh, const scn_counts *k)
{
    if (sc->cfg.ts.policy->holds_slot)
        return slotted_policy_needs_vgpu(v, sc);
    if (sc->cfg.ts.policy != &ts_best_effort)
        return jv_fail(v, "sharing.policy", "value \"%s\" needs sharing.mode \"timeslice\"", sc->cfg.ts.policy->name);
    if (scn_vgpu_density(v, sc, k) < 0)
        return -1;
    return native_slice(v, sc, sh);
}

/* The vGPU scheduler's slice: legacy (1-30 ms) or adaptive round robin
 * (63-960 Hz), by default the density rule's. */
static int vgpu_slice(jv *v, scn *sc, const cJSON *sh, int density)
{
    static const char *const scheds[] = { "arr", "legacy", NULL };
    model_cfg *c = &sc->cfg;
    int sched = 0;
    long thr = TS_DEFAULT_DENSITY_THRESHOLD, factor = TS_ARR_DEFAULT_FACTOR;
    double slice_ms = TS_NATIVE_SLICE_MS, hz = 0;
    jv_enum(v, sh, "sharing", "scheduler", 0, 0, scheds, &sched);
    jv_int(v, sh, "sharing", "density_threshold", 0, TS_DEFAULT_DENSITY_THRESHOLD, 1, 64, &thr);
    if (v->failed)
        return -1;
    double def_ms = ts_vgpu_slice_ms(density, (int)thr);
    if (sched == 1) {   /* legacy fixed slice */
        if (cJSON_HasObjectItem(sh, "arr_frequency_hz") || cJSON_HasObjectItem(sh, "arr_averaging_factor"))
            return jv_fail(v, cJSON_HasObjectItem(sh, "arr_frequency_hz") ? "sharing.arr_frequency_hz"
                                                                          : "sharing.arr_averaging_factor",
                           "belongs to adaptive round robin; sharing.scheduler is \"legacy\" (use timeslice_ms)");
        jv_number(v, sh, "sharing", "timeslice_ms", 0, def_ms, (jv_range){ 1, 30, 0, 0, "ms" }, &slice_ms);
        c->ts.slice_ns = ns_of(slice_ms, 1e6);
        c->ts.arr_factor = 0;
        return v->failed ? -1 : 0;
    }
    if (cJSON_HasObjectItem(sh, "arr_frequency_hz") && cJSON_HasObjectItem(sh, "timeslice_ms"))
        return jv_fail(v, "sharing.timeslice_ms", "give either timeslice_ms or arr_frequency_hz (slice = 1/f), not both");
    jv_number(v, sh, "sharing", "arr_frequency_hz", 0, 0,
              (jv_range){ TS_ARR_MIN_HZ, TS_ARR_MAX_HZ, 0, 0, "Hz" }, &hz);
    jv_number(v, sh, "sharing", "timeslice_ms", 0, def_ms,
              (jv_range){ 1000.0 / TS_ARR_MAX_HZ, 1000.0 / TS_ARR_MIN_HZ, 0, 0,
                          "ms (vGPU ARR, 63-960 Hz; omit it for the density default, or use scheduler "
                          "\"legacy\" for 1-30 ms)" }, &slice_ms);
    jv_int(v, sh, "sharing", "arr_averaging_factor", 0, TS_ARR_DEFAULT_FACTOR, 1, 60, &factor);
    c->ts.slice_ns = hz > 0 ? ns_of(1.0 / hz, 1e9) : ns_of(slice_ms, 1e6);
    c->ts.arr_factor = (int)factor;
    return v->failed ? -1 : 0;
}

static int ts_check(jv *v, scn *sc, const cJSON *sh, const scn_counts *k)
{
    model_cfg *c = &sc->cfg;
    int vgpu = c->virt.mode == VIRT_VGPU;
    if (c->ts.policy->holds_slot && !vgpu)
        return slotted_policy_needs_vgpu(v, sc);
    int density = scn_vgpu_density(v, sc, k);
    if (density < 0 || (vgpu ? vgpu_slice(v, sc, sh, density) : native_slice(v, sc, sh)) < 0)
        return -1;
    if (c->ts.policy == &ts_fixed_share)
        for (size_t i = 0; i < c->ntenants; i++) {
            int g = c->tenants[i].gpu;
            if (scn_count_on(k, g, -1) > c->tenants[i].vgpu_per_gpu)
                return jv_fail(v, "tenants", "GPU %d holds %d vGPUs of a type that allows %d per GPU",
                               g, scn_count_on(k, g, -1), c->tenants[i].vgpu_per_gpu);
        }
    return 0;
}

/* A slotted policy gives each tenant one vGPU: one persistent context.
 * Priorities need a shared context under best-effort time-slicing. */
static int ts_check_tenant(jv *v, scn *sc, int i, const share_res *r, const scn_counts *k)
{
    (void)k;
    char p[96], q[96];
    const tenant_cfg *t = &sc->cfg.tenants[i];
    int slotted = !r->inst && sc->cfg.ts.policy->holds_slot;
    if (t->priority != 0 && (t->per_request || slotted))
        return jv_fail(v, jv_join(p, sizeof p, jv_index(q, sizeof q, "tenants", i), "priority"),
                       "value %d needs a shared context under best-effort time-slicing or MPS (here %s); "
                       "priorities do not apply to %s", t->priority,
                       t->per_request ? "context \"per_request\"" : sc->cfg.ts.policy->name,
                       t->per_request ? "one context per request" : "slotted vGPU policies");
    if (!r->inst && sc->cfg.ts.policy->holds_slot && t->per_request)
        return jv_fail(v, jv_join(p, sizeof p, jv_index(q, sizeof q, "tenants", i), "context"),
                       "value \"per_request\" cannot run on %s (each tenant is one vGPU); use \"shared\"",
                       sc->cfg.ts.policy->name);
    return 0;
}

const scn_sharing_kind scn_timeslice_kind = {
    .type = &share_timeslice,
    .check = ts_check,
    .check_tenant = ts_check_tenant,
};
