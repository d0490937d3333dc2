/* share.c -- what every sharing mode's executors have in common: their
 * numbering, GPU by GPU and resource by resource. */
#include "models/share.h"

#include <stdio.h>
#include "models/model.h"

int share_exec_count(const model_cfg *cfg)
{
    return cfg->ngpus * cfg->share->resources(cfg);
}

int share_exec_index(const model_cfg *cfg, const tenant_cfg *tc)
{
    return tc->gpu * cfg->share->resources(cfg) + cfg->share->resource_of(cfg, tc);
}

share_res share_res_of(const model_cfg *cfg, int e)
{
    int n = cfg->share->resources(cfg);
    share_res r = { e / n, e % n, NULL };
    if (cfg->share->part_frac)
        r.inst = &cfg->inst[r.k];
    return r;
}

void share_exec_name(const model_cfg *cfg, int e, int longform, char *buf, size_t len)
{
    share_res r = share_res_of(cfg, e);
    cfg->share->resource_name(cfg, r.gpu, r.k, longform, buf, len);
}

const share_type *share_inner(const model_cfg *cfg, int k)
{
    return cfg->share->inner ? cfg->share->inner(cfg, k) : cfg->share;
}

/* The name of a whole GPU, for the modes that do not partition it. */
void share_gpu_name(const model_cfg *cfg, int g, int k, int longform, char *buf, size_t len)
{
    (void)cfg;
    (void)k;
    snprintf(buf, len, longform ? "GPU %d" : "%d", g);
}

/* Each tenant on its GPU's one resource. */
int share_whole_gpu(const model_cfg *cfg, const tenant_cfg *tc)
{
    (void)cfg;
    (void)tc;
    return 0;
}

int share_one(const model_cfg *cfg)
{
    (void)cfg;
    return 1;
}

void share_no_label(const model_cfg *cfg, char *buf, size_t len)
{
    (void)cfg;
    if (len)
        buf[0] = '\0';
}

void share_no_fields(const model_cfg *cfg, const share_sink *sink, void *ud)
{
    (void)cfg;
    (void)sink;
    (void)ud;
}
