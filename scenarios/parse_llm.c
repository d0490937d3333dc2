/* parse_llm.c -- "workload": {"type": "llm", ...} (docs/scenario.md, docs/workloads.md). */
#include "scenarios/scenario.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "models/llm.h"
#include "scenarios/hfconfig.h"
#include "scenarios/netcfg.h"

/* A token count: a number (fixed) or {"dist", "mean", "cv"}. */
static int parse_len(jv *v, const cJSON *obj, const char *path, const char *key,
                     double def, llm_len *out)
{
    static const char *const keys[] = { "dist", "mean", "cv", NULL };
    static const char *const dists[] = { "deterministic", "exponential", "lognormal", "gamma", NULL };
    const jv_range tokens = { 1, 1e7, 0, 0, "tokens" };
    const jv_range cv = { 0, 100, 1, 0, NULL };
    char p[512];
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, key);
    out->dist = SYN_DETERMINISTIC;
    out->cv = 1;
    if (!x || cJSON_IsNumber(x))
        return jv_number(v, obj, path, key, 0, def, tokens, &out->mean);
    const cJSON *o = jv_object(v, obj, path, key, 0);
    if (!o)
        return -1;
    jv_join(p, sizeof p, path, key);
    jv_keys(v, o, p, keys);
    jv_enum(v, o, p, "dist", 1, 0, dists, &out->dist);
    jv_number(v, o, p, "mean", 1, def, tokens, &out->mean);
    int needs_cv = out->dist == SYN_LOGNORMAL || out->dist == SYN_GAMMA;
    jv_number(v, o, p, "cv", needs_cv, 1, cv, &out->cv);
    return v->failed ? -1 : 0;
}

/* "prefix": {"reuse": F, "tokens": N, "groups": G}, the shared prefixes
 * drawn for requests that carry none (models/prefix.h); absent: reuse 0. */
static int parse_prefix(jv *v, const cJSON *obj, const char *path, pfx_gen_params *out)
{
    static const char *const keys[] = { "reuse", "tokens", "groups", "zipf", NULL };
    const jv_range zipf = { 0, 10, 0, 0, NULL };
    const jv_range frac = { 0, 1, 0, 0, NULL };
    char p[512];
    long tokens = 1, groups = 1;
    *out = (pfx_gen_params){ 0, 1, 1, 0 };
    const cJSON *o = jv_object(v, obj, path, "prefix", 0);
    if (v->failed)
        return -1;
    if (!o)
        return 0;
    jv_join(p, sizeof p, path, "prefix");
    jv_keys(v, o, p, keys);
    jv_number(v, o, p, "reuse", 1, 0, frac, &out->reuse);
    jv_int(v, o, p, "tokens", 1, 1, 1, 10000000, &tokens);
    jv_int(v, o, p, "groups", 0, 1, 1, 1000000, &groups);
    jv_number(v, o, p, "zipf", 0, 0, zipf, &out->zipf);
    out->tokens = (int)tokens;
    out->groups = (int)groups;
    return v->failed ? -1 : 0;
}

void scn_llm_prefix(tenant_cfg *tc)
{
    llm_params *lp = (llm_params *)tc->wl_params;     /* the scenario's own, built above */
    const arr_trace_params *tp = tc->arr == &arr_trace ? tc->arr_params : NULL;
    int ids = lp->prefix.reuse > 0 || (tp && tp->hash_ids);
    lp->prefix_cache = lp->prefix_cache && ids;
    tc->prefix_gen = lp->prefix.reuse > 0 ? &lp->prefix : NULL;
}

int scn_parse_llm(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "model", "precision", "tp", "max_batch",
        "max_tokens", "chunked_prefill", "host_ms", "mem_util", "block_tokens",
        "kernels_per_layer", "kv_full", "prompt_tokens", "output_tokens", "ep", "cost", "model_config", "engine", "host_seq_us", "host_overlap",
        "frontend_in_ms", "frontend_out_ms", "prefix_cache", "prefix", NULL };
    static const char *const costs[] = { "operators", "roofline", NULL };
    static const char *const kv_full[] = { "preempt", "reserve", NULL };
    const jv_range host = { 0, 1e4, 0, 0, "ms" };
    const jv_range util = { 0, 1, 1, 0, NULL };
    char p[512];
    const char *name = NULL;
    long tp = 1, ep = 1, max_batch = 256, max_tokens = 8192, block = 16, kpl = 4;
    int kv = 0, cost = 0;
    llm_params *lp = scn_own(sc, v, sizeof *lp);
    if (!lp)
        return -1;
    jv_keys(v, obj, path, keys);
    const char *config = NULL;
    jv_string(v, obj, path, "model_config", 0, NULL, &config);
    jv_string(v, obj, path, "model", !config, NULL, &name);
    scn_parse_precision(v, obj, path, "precision", GPU_BF16, 1u << GPU_BF16 | 1u << GPU_FP8 | 1u << GPU_FP4,
                        &lp->prec);
    jv_int(v, obj, path, "tp", 0, 1, 1, sc->gpus_per_node, &tp);
    jv_int(v, obj, path, "ep", 0, 1, 1, sc->gpus_per_node, &ep);
    jv_enum(v, obj, path, "cost", 0, 0, costs, &cost);
    jv_int(v, obj, path, "max_batch", 0, 256, 1, 65536, &max_batch);
    jv_int(v, obj, path, "max_tokens", 0, 8192, 1, 1 << 20, &max_tokens);
    jv_bool(v, obj, path, "chunked_prefill", 1, &lp->chunked_prefill);
    const char *engine = NULL;
    jv_string(v, obj, path, "engine", 0, "none", &engine);
    const llm_engine *eng = v->failed ? NULL : llm_engine_find(engine);
    if (!v->failed && !eng)
        return jv_fail(v, jv_join(p, sizeof p, path, "engine"), "unknown engine \"%s\"; allowed: %s", engine,
                       llm_engine_list());
    if (eng) {
        const jv_range us = { 0, 1e6, 0, 0, "us" }, frac = { 0, 1, 0, 0, NULL };
        lp->engine = *eng;
        jv_number(v, obj, path, "host_ms", 0, eng->host_ms, host, &lp->engine.host_ms);
        jv_number(v, obj, path, "host_seq_us", 0, eng->host_seq_us, us, &lp->engine.host_seq_us);
        jv_number(v, obj, path, "host_overlap", 0, eng->overlap, frac, &lp->engine.overlap);
        jv_number(v, obj, path, "frontend_in_ms", 0, eng->frontend_in_ms, host, &lp->engine.frontend_in_ms);
        jv_number(v, obj, path, "frontend_out_ms", 0, eng->frontend_out_ms, host, &lp->engine.frontend_out_ms);
    }
    jv_number(v, obj, path, "mem_util", 0, 0.9, util, &lp->mem_util);
    jv_int(v, obj, path, "block_tokens", 0, 16, 1, 4096, &block);
    jv_int(v, obj, path, "kernels_per_layer", 0, 4, 0, 10000, &kpl);
    jv_enum(v, obj, path, "kv_full", 0, 0, kv_full, &kv);
    parse_len(v, obj, path, "prompt_tokens", 512, &lp->prompt);
    parse_len(v, obj, path, "output_tokens", 128, &lp->output);
    jv_bool(v, obj, path, "prefix_cache", 1, &lp->prefix_cache);
    if (parse_prefix(v, obj, path, &lp->prefix) < 0 || v->failed)
        return -1;
    if (config) {
        char full[4096], msg[1200];
        llm_model *m = scn_own(sc, v, sizeof *m);
        size_t n;
        if (!m)
            return -1;
        scn_path(sc, config, full, sizeof full);
        if (hfcfg_load(full, m, msg, sizeof msg) < 0)
            return jv_fail(v, jv_join(p, sizeof p, path, "model_config"), "%s", msg);
        n = strlen(full) + 1;
        const char *base = strrchr(full, '/');
        char *src = scn_own(sc, v, n + 16), *nm = scn_own(sc, v, (name ? strlen(name) : n) + 1);
        if (!src || !nm)
            return -1;
        snprintf(src, n + 16, "config.json %s", full);
        strcpy(nm, name ? name : base ? base + 1 : full);
        m->name = nm;
        m->source = src;
        lp->m = m;
    } else {
        lp->m = llm_model_find(name);
    }
    if (!lp->m)
        return jv_fail(v, jv_join(p, sizeof p, path, "model"),
                       "unknown model \"%s\"; allowed: %s", name, llm_model_list());
    if (max_tokens < max_batch)
        return jv_fail(v, jv_join(p, sizeof p, path, "max_tokens"),
                       "value %ld is below max_batch (%ld); allowed: max_tokens >= max_batch",
                       max_tokens, max_batch);
    if (ep != 1 && ep != tp)
        return jv_fail(v, jv_join(p, sizeof p, path, "ep"),
                       "value %ld is not allowed; allowed: 1 (experts sharded over the tp GPUs) or tp (%ld, "
                       "experts split whole between them)", ep, tp);
    lp->cost = cost == 1 ? LLM_COST_ROOFLINE : LLM_COST_OPS;
    lp->ep = lp->m->experts > 0 ? (int)ep : 1;
    lp->tp = (int)tp;
    lp->max_batch = (int)max_batch;
    lp->max_tokens = (int)max_tokens;
    lp->block_tokens = (int)block;
    lp->kernels_per_layer = (int)kpl;
    lp->kv_policy = kv == 1 ? LLM_KV_RESERVE : LLM_KV_PREEMPT;
    if (lp->tp > 1) {
        if (netcfg_topo(v, sc, lp->tp, jv_join(p, sizeof p, path, "tp"), &lp->tp_net) < 0)
            return -1;
        /* a correction describes the scenario's platform; it applies to
         * the tensor-parallel group when that platform is one node */
        lp->tp_corr = sc->net && sc->nodes == 1 ? &sc->net->corr : NULL;
    }
    *params = lp;
    return 0;
}

/* The weights must leave room for at least one KV block in the memory the
 * tenant's resource offers (a whole GPU, a MIG instance, a vGPU). */
int scn_fits_llm(jv *v, const scn *sc, const tenant_cfg *tc, double mem_bytes, const char *path)
{
    const llm_params *lp = tc->wl_params;
    char p[512];
    (void)sc;
    if (llm_kv_capacity_tokens(lp, mem_bytes) >= lp->block_tokens)
        return 0;
    return jv_fail(v, jv_join(p, sizeof p, path, "model"),
                   "\"%s\" in %s needs %.2f GB of weights per GPU (tp %d) but the tenant's %s offers "
                   "%.2f GB to the engine (mem_util %.2f of %.2f GB), leaving no room for the "
                   "KV cache; use more memory (a larger GPU or MIG instance), fp8, or a larger tp",
                   lp->m->name, gpu_prec_name(lp->prec), llm_weight_bytes(lp) / lp->tp / 1e9, lp->tp,
                   tc->mem_gb > 0 ? "resource" : "GPU", lp->mem_util * mem_bytes / 1e9, lp->mem_util,
                   mem_bytes / 1e9);
}
