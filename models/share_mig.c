/* share_mig.c -- "mig": each GPU is cut into the layout's instances
 * (mig.h), the same on every GPU; each instance is a resource of its own,
 * with its SMs and memory slices, run by the type its layout entry names
 * (exclusive, timeslice or mps). The GPU's figures are its instances',
 * weighted by their share of its SMs. */
#include "models/share.h"

#include <stdio.h>
#include "models/model.h"

/* Instances time-slice natively and may hold MPS servers: both defaults. */
static void mig_defaults(model_cfg *c)
{
    share_timeslice.defaults(c);
    share_mps.defaults(c);
    c->power_throttle = 1.0;
}

static int mig_resources(const model_cfg *cfg) { return cfg->ninst; }

static const share_type *mig_inner(const model_cfg *cfg, int k) { return cfg->inst[k].share; }

static exec *mig_build(const model_cfg *cfg, const share_res *r, sim *s, int id, int rep)
{
    return r->inst->share->build(cfg, r, s, id, rep);
}

static int mig_resource_of(const model_cfg *cfg, const tenant_cfg *tc)
{
    (void)cfg;
    return tc->instance;
}

static int mig_join(const model_cfg *cfg, const share_res *r, exec *e, tenant *t)
{
    return r->inst->share->attach(cfg, r, e, t);
}

static double mig_part_frac(const model_cfg *cfg, int k)
{
    return mig_compute_frac(cfg->inst[k].prof, cfg->gpu);
}

static void mig_name(const model_cfg *cfg, int g, int k, int longform, char *buf, size_t len)
{
    if (longform)
        snprintf(buf, len, "GPU %d instance %d (%s)", g, k, cfg->inst[k].prof->name);
    else
        snprintf(buf, len, "%d.%d", g, k);
}

static void mig_label(const model_cfg *c, char *buf, size_t len)
{
    snprintf(buf, len, " (%d instances)", c->ninst);
}

static void mig_describe(const model_cfg *c, const share_sink *k, void *ud)
{
    share_ts_describe_native(c, k, ud);
    share_mps_describe(c, k, ud);
}

const share_type share_mig = {
    .name = "mig",
    .summary = "each GPU cut into MIG instances, each with its own SMs and memory",
    .family = "mig",
    .defaults = mig_defaults,
    .resources = mig_resources,
    .inner = mig_inner,
    .build = mig_build,
    .resource_of = mig_resource_of,
    .attach = mig_join,
    .part_frac = mig_part_frac,
    .resource_name = mig_name,
    .label = mig_label,
    .describe = mig_describe,
};
