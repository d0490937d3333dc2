/* share_mps.c -- "mps": one CUDA MPS server per GPU (or per MIG instance)
 * whose clients run at the same time (mps.h). */
#include "models/share.h"

#include <stdio.h>
#include "sim/rng.h"
#include "models/model.h"

static void mps_defaults(model_cfg *c)
{
    c->mps.max_clients = MPS_MAX_CLIENTS;
    c->mps.fault_rate_per_s = 0;
    c->mps.restart_ns = sim_round_ns(MPS_DEFAULT_RESTART_S * 1e9);
}

/* The server's fault stream: entity SHARE_ENTITY_EXEC + id. */
static exec *mps_build(const model_cfg *cfg, const share_res *r, sim *s, int id, int rep)
{
    mps_cfg mc = cfg->mps;
    mc.sms = cfg->gpu->sms;          /* occupancy: jobs' widths over these SMs */
    if (r->inst) {
        mc.max_clients = r->inst->mps_max_clients;
        mc.sms = mig_compute_frac(r->inst->prof, cfg->gpu) * cfg->gpu->sms;
    }
    gsl_rng *rng = NULL;
    if (mc.fault_rate_per_s > 0 &&
        !(rng = sim_rng_alloc(cfg->seed, (uint32_t)rep, SHARE_ENTITY_EXEC + (uint32_t)id, SHARE_STREAM_MPS_FAULTS)))
        return NULL;
    mps *m = mps_alloc(s, id, &mc, rng);
    return m ? mps_base(m) : NULL;
}

/* Every tenant is a client with its active-thread fraction (all when unset)
 * and its priority. */
static int mps_join(const model_cfg *cfg, const share_res *r, exec *e, tenant *t)
{
    (void)cfg;
    (void)r;
    if (mps_attach((mps *)e, &t->ctx, t->cfg->mps_frac > 0 ? t->cfg->mps_frac : 1.0) < 0)
        return -1;
    mps_set_priority((mps *)e, &t->ctx, t->cfg->priority);
    return 0;
}

/* The server's settings, under "mps" (MIG shows them too). */
void share_mps_describe(const model_cfg *c, const share_sink *k, void *ud)
{
    k->num(ud, "mps", "max_clients", c->mps.max_clients);
    k->num(ud, "mps", "fault_rate_per_s", c->mps.fault_rate_per_s);
}

const share_type share_mps = {
    .name = "mps",
    .summary = "one MPS server per GPU: clients run at once, SMs and bandwidth shared",
    .family = "mps",
    .defaults = mps_defaults,
    .resources = share_one,
    .build = mps_build,
    .resource_of = share_whole_gpu,
    .attach = mps_join,
    .resource_name = share_gpu_name,
    .label = share_no_label,
    .describe = share_mps_describe,
};
