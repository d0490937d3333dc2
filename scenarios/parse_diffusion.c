/* parse_diffusion.c -- "workload": {"type": "diffusion", ...} (docs/workloads.md). */
#include "scenarios/scenario.h"

#include "models/diffusion.h"

int scn_parse_diffusion(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "model", "precision", "steps", "images",
        "cfg", "max_batch", "max_wait_ms", "host_ms_per_step", "engine", "cost", "width", "height",
        "controlnet", "host_op_us", "attention", "fused_qkv", "quant", "memory_format", NULL };
    static const char *const costs[] = { "layers", "roofline", NULL };
    static const char *const attns[] = { "sdpa", "math", NULL };
    static const char *const quants[] = { "none", "int8-dynamic", NULL };
    static const char *const formats[] = { "channels_last", "nchw", NULL };
    const jv_range ms = { 0, 1e7, 0, 0, "ms" }, us = { 0, 1e6, 0, 0, "us" };
    char p2[512];
    const char *name = NULL, *engine = NULL;
    long steps = 0, images = 1, max_batch = 4, width = 0, height = 0;
    int cost = DIFF_COST_LAYERS, attention = DIFF_ATTN_SDPA, quant = 0, format = 0;

    diff_params *p = scn_own(sc, v, sizeof *p);
    if (!p)
        return -1;
    jv_keys(v, obj, path, keys);
    jv_string(v, obj, path, "model", 1, NULL, &name);
    scn_parse_precision(v, obj, path, "precision", GPU_BF16, 1u << GPU_BF16 | 1u << GPU_FP16 | 1u << GPU_FP8 | 1u << GPU_FP32,
                        &p->prec);
    jv_int(v, obj, path, "steps", 0, 0, 0, 10000, &steps);
    jv_int(v, obj, path, "images", 0, 1, 1, 1024, &images);
    jv_bool(v, obj, path, "cfg", 1, &p->cfg);
    jv_int(v, obj, path, "max_batch", 0, 4, 1, 1024, &max_batch);
    jv_number(v, obj, path, "max_wait_ms", 0, 50, ms, &p->max_wait_ms);
    jv_enum(v, obj, path, "cost", 0, DIFF_COST_LAYERS, costs, &cost);
    jv_number(v, obj, path, "host_ms_per_step", 0, cost == DIFF_COST_ROOFLINE ? 0.2 : 0, ms,
              &p->host_ms_per_step);
    jv_string(v, obj, path, "engine", 0, "compile", &engine);
    jv_int(v, obj, path, "width", 0, 0, 64, 8192, &width);
    jv_int(v, obj, path, "height", 0, 0, 64, 8192, &height);
    jv_bool(v, obj, path, "controlnet", 0, &p->controlnet);
    jv_enum(v, obj, path, "attention", 0, DIFF_ATTN_SDPA, attns, &attention);
    jv_number(v, obj, path, "host_op_us", 0, 0, us, &p->host_op_us);
    jv_bool(v, obj, path, "fused_qkv", 0, &p->fused_qkv);
    jv_enum(v, obj, path, "quant", 0, 0, quants, &quant);
    jv_enum(v, obj, path, "memory_format", 0, 0, formats, &format);
    if (v->failed)
        return -1;
    p->m = diff_model_find(name);
    if (!p->m)
        return jv_fail(v, jv_join(p2, sizeof p2, path, "model"),
                       "unknown model \"%s\"; allowed: %s", name, diff_model_list());
    p->engine = diff_engine_find(engine);
    if (!p->engine)
        return jv_fail(v, jv_join(p2, sizeof p2, path, "engine"),
                       "unknown engine \"%s\"; allowed: %s", engine, diff_engine_list());
    if (width % 8 || height % 8)
        return jv_fail(v, jv_join(p2, sizeof p2, path, width % 8 ? "width" : "height"),
                       "value %ld is not a multiple of 8 (the VAE's pixels per latent pixel); allowed: "
                       "64..8192 in steps of 8", width % 8 ? width : height);
    p->cost = (diff_cost_mode)cost;
    p->attention = (diff_attn)attention;
    p->int8_dynamic = quant == 1;
    p->nchw = format == 1;
    p->width = (int)width;
    p->height = (int)height;
    p->steps = steps > 0 ? (int)steps : p->m->default_steps;
    p->images = (int)images;
    p->max_batch = (int)max_batch;
    *params = p;
    return 0;
}
