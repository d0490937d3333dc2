/* parse_synthetic.c -- "workload": {"type": "synthetic", ...} (docs/scenario.md). */
#include "scenarios/scenario.h"

#include <math.h>
#include "models/gpu.h"

static const jv_range POSITIVE_MS = { 0, INFINITY, 1, 0, "ms" };
static const jv_range POSITIVE_CV = { 0, 100, 1, 0, NULL };

static int parse_service(jv *v, const cJSON *obj, const char *path, synth_params *p)
{
    static const char *const keys[] = { "dist", "mean", "cv", NULL };
    static const char *const dists[] = { "deterministic", "exponential", "lognormal", "gamma", NULL };
    int dist = 0;
    jv_keys(v, obj, path, keys);
    jv_enum(v, obj, path, "dist", 1, 0, dists, &dist);
    jv_number(v, obj, path, "mean", 1, 0, POSITIVE_MS, &p->mean_ms);
    p->dist = (syn_dist)dist;
    int needs_cv = p->dist == SYN_LOGNORMAL || p->dist == SYN_GAMMA;
    jv_number(v, obj, path, "cv", needs_cv, 1.0, POSITIVE_CV, &p->cv);
    return v->failed ? -1 : 0;
}

int scn_parse_synthetic(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "service_ms", "bound", "kernels",
                                        "flops", "bytes", "precision", "copy_mb", "memory_gb", "blocks",
                                        "gap_us", NULL };
    static const char *const bounds[] = { "compute", "memory", NULL };
    const jv_range nonneg = { 0, 1e24, 0, 0, NULL };
    synth_params *p = scn_own(sc, v, sizeof *p);
    if (!p)
        return -1;
    char sub[512];
    long kernels = 1;
    int bound = 0;
    jv_keys(v, obj, path, keys);
    const cJSON *svc = jv_object(v, obj, path, "service_ms", 0);
    int has_burst = cJSON_HasObjectItem(obj, "flops") || cJSON_HasObjectItem(obj, "bytes");
    if (!v->failed && !svc && !has_burst)
        return jv_fail(v, jv_join(sub, sizeof sub, path, "service_ms"),
                       "missing; give either service_ms {dist, mean} or a burst (flops, bytes)");
    if (!v->failed && svc && has_burst)
        return jv_fail(v, jv_join(sub, sizeof sub, path, "flops"),
                       "a synthetic workload takes service_ms or a burst (flops, bytes), not both");
    if (svc)
        parse_service(v, svc, jv_join(sub, sizeof sub, path, "service_ms"), p);
    jv_enum(v, obj, path, "bound", 0, 0, bounds, &bound);
    jv_int(v, obj, path, "kernels", 0, 1, 1, 1000000, &kernels);
    jv_number(v, obj, path, "flops", 0, 0, nonneg, &p->flops);
    jv_number(v, obj, path, "bytes", 0, 0, nonneg, &p->bytes);
    gpu_prec prec = GPU_BF16;
    scn_parse_precision(v, obj, path, "precision", GPU_BF16, SCN_DENSE_PRECISIONS, &prec);
    p->prec = (int)prec;
    jv_number(v, obj, path, "copy_mb", 0, 0, (jv_range){ 0, 1e6, 0, 0, "MB" }, &p->copy_mb);
    jv_number(v, obj, path, "memory_gb", 0, 0, (jv_range){ 0, 1e4, 0, 0, "GB" }, &p->memory_gb);
    long blocks = 0;
    jv_int(v, obj, path, "blocks", 0, 0, 0, 1000000, &blocks);
    p->blocks = (uint32_t)blocks;
    jv_number(v, obj, path, "gap_us", 0, 0, (jv_range){ 0, 1e9, 0, 0, "us" }, &p->gap_us);
    if (!v->failed && has_burst && p->gap_us > 0)
        return jv_fail(v, jv_join(sub, sizeof sub, path, "gap_us"),
                       "value %g applies to a drawn service_ms; a burst's kernels take the GPU's launch time",
                       p->gap_us);
    if (!v->failed && p->copy_mb > 0 && !(sc->cfg.gpu->pcie_gbs > 0))
        return jv_fail(v, jv_join(sub, sizeof sub, path, "copy_mb"),
                       "value %g needs the GPU's PCIe rate, and %s gives none (pcie_gbs)", p->copy_mb,
                       sc->cfg.gpu->name);
    if (!v->failed && has_burst && p->flops <= 0 && p->bytes <= 0)
        return jv_fail(v, jv_join(sub, sizeof sub, path, "flops"),
                       "a burst needs flops > 0 or bytes > 0");
    p->fixed_burst = has_burst;
    p->bound = (syn_bound)bound;
    p->kernels = (uint32_t)kernels;
    *params = p;
    return v->failed ? -1 : 0;
}
