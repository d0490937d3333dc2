/* parse_diffusion.c -- "workload": {"type": "diffusion", ...} (docs/workloads.md). */
#include "scenarios/scenario.h"

#include "models/diffusion.h"

int scn_parse_diffusion(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "model", "precision", "steps", "images",
        "cfg", "max_batch", "max_wait_ms", "host_ms_per_step", NULL };
    const jv_range ms = { 0, 1e7, 0, 0, "ms" };
    char p2[512];
    const char *name = NULL;
    long steps = 0, images = 1, max_batch = 4;

    diff_params *p = scn_own(sc, v, sizeof *p);
    if (!p)
        return -1;
    jv_keys(v, obj, path, keys);
    jv_string(v, obj, path, "model", 1, NULL, &name);
    scn_parse_precision(v, obj, path, "precision", GPU_BF16, 1u << GPU_BF16 | 1u << GPU_FP16 | 1u << GPU_FP8,
                        &p->prec);
    jv_int(v, obj, path, "steps", 0, 0, 0, 10000, &steps);
    jv_int(v, obj, path, "images", 0, 1, 1, 1024, &images);
    jv_bool(v, obj, path, "cfg", 1, &p->cfg);
    jv_int(v, obj, path, "max_batch", 0, 4, 1, 1024, &max_batch);
    jv_number(v, obj, path, "max_wait_ms", 0, 50, ms, &p->max_wait_ms);
    jv_number(v, obj, path, "host_ms_per_step", 0, 0.2, ms, &p->host_ms_per_step);
    if (v->failed)
        return -1;
    p->m = diff_model_find(name);
    if (!p->m)
        return jv_fail(v, jv_join(p2, sizeof p2, path, "model"),
                       "unknown model \"%s\"; allowed: %s", name, diff_model_list());
    p->steps = steps > 0 ? (int)steps : p->m->default_steps;
    p->images = (int)images;
    p->max_batch = (int)max_batch;
    *params = p;
    return 0;
}
