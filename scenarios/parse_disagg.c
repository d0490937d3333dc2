/* parse_disagg.c -- a serving tenant's "disaggregation" (docs/scenario.md):
 * its prefill and decode pools, the link the KV cache crosses, the decode
 * router and per-pool engine limits, into a disagg_cfg (models/disagg.h). */
#include "scenarios/scenario.h"

#include <stdio.h>
#include <string.h>
#include "models/disagg.h"
#include "models/llm.h"
#include "models/router.h"
#include "scenarios/netcfg.h"

long scn_disagg_replicas(const cJSON *obj)
{
    const cJSON *d = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, "disaggregation") : NULL;
    if (!cJSON_IsObject(d))
        return 0;
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(d, "prefill_replicas");
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(d, "decode_replicas");
    if (!cJSON_IsNumber(p) || !cJSON_IsNumber(k) || p->valuedouble < 1 || k->valuedouble < 1 ||
        p->valuedouble + k->valuedouble > SCN_MAX_REPLICAS)
        return 0;
    return (long)p->valuedouble + (long)k->valuedouble;
}

/* A pool's engine limits ("prefill" / "decode": max_batch, max_tokens,
 * mem_util, tp) on a copy of the engine's parameters. */
static int pool_limits(jv *v, scn *sc, const cJSON *d, const char *path, const char *key, llm_params *lp)
{
    static const char *const keys[] = { "max_batch", "max_tokens", "mem_util", "tp", NULL };
    const jv_range util = { 0, 1, 1, 0, NULL };
    char p[512], q[600];
    const cJSON *o = jv_object(v, d, path, key, 0);
    if (!o)
        return v->failed ? -1 : 0;
    jv_join(p, sizeof p, path, key);
    long mb = lp->max_batch, mt = lp->max_tokens, tp = lp->tp;
    jv_keys(v, o, p, keys);
    jv_int(v, o, p, "max_batch", 0, mb, 1, 65536, &mb);
    jv_int(v, o, p, "max_tokens", 0, mt, 1, 1 << 20, &mt);
    jv_number(v, o, p, "mem_util", 0, lp->mem_util, util, &lp->mem_util);
    jv_int(v, o, p, "tp", 0, tp, 1, sc->gpus_per_node, &tp);
    if (v->failed)
        return -1;
    if (mt < mb)
        return jv_fail(v, jv_join(q, sizeof q, p, "max_tokens"),
                       "value %ld is below max_batch (%ld); allowed: max_tokens >= max_batch", mt, mb);
    lp->max_batch = (int)mb;
    lp->max_tokens = (int)mt;
    if (tp == lp->tp)
        return 0;
    /* its own tensor-parallel group, built as the workload's "tp" is */
    if (lp->ep > 1)
        lp->ep = (int)tp;
    lp->tp = (int)tp;
    lp->tp_corr = NULL;
    if (tp > 1) {
        if (netcfg_topo(v, sc, (int)tp, jv_join(q, sizeof q, p, "tp"), &lp->tp_net) < 0)
            return -1;
        lp->tp_corr = sc->net && sc->nodes == 1 ? &sc->net->corr : NULL;
    }
    return 0;
}

int scn_parse_disagg(jv *v, scn *sc, const cJSON *obj, const char *path, const tenant_cfg *tc,
                     const disagg_cfg **out)
{
    static const char *const keys[] = { "prefill_replicas", "decode_replicas", "link", "decode_router",
                                        "prefill", "decode", NULL };
    char p[512], q[600];
    const cJSON *d = jv_object(v, obj, path, "disaggregation", 1);
    if (!d)
        return -1;
    jv_join(p, sizeof p, path, "disaggregation");
    if (cJSON_HasObjectItem(obj, "replicas"))
        return jv_fail(v, jv_join(q, sizeof q, path, "replicas"),
                       "is set with \"disaggregation\"; allowed: one of them (a disaggregated fleet has "
                       "prefill_replicas + decode_replicas engines)");
    if (tc->wl != &wl_llm)
        return jv_fail(v, p, "applies to llm workloads; tenant \"%s\" runs a %s workload", tc->name,
                       tc->wl->name);
    jv_keys(v, d, p, keys);
    long np = 1, nd = 1;
    const char *link = "nvlink", *rname = "round_robin";
    jv_int(v, d, p, "prefill_replicas", 1, 1, 1, SCN_MAX_REPLICAS - 1, &np);
    jv_int(v, d, p, "decode_replicas", 1, 1, 1, SCN_MAX_REPLICAS - 1, &nd);
    jv_string(v, obj, path, "router", 0, "round_robin", &rname);
    jv_string(v, d, p, "decode_router", 0, rname, &rname);
    jv_string(v, d, p, "link", 0, "nvlink", &link);
    if (v->failed)
        return -1;
    if (np + nd > SCN_MAX_REPLICAS)
        return jv_fail(v, jv_join(q, sizeof q, p, "decode_replicas"),
                       "value %ld: %ld engines in all; allowed: at most %d", nd, np + nd, SCN_MAX_REPLICAS);
    disagg_cfg *c = scn_own(sc, v, sizeof *c);
    if (!c)
        return -1;
    c->prefill = (int)np;
    c->decode = (int)nd;
    c->decode_router = router_find(rname);
    if (!c->decode_router) {
        char list[256] = "";
        for (const router_type *const *r = router_types; *r; r++) {
            strncat(list, (*r)->name, sizeof list - strlen(list) - 1);
            if (r[1])
                strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
        return jv_fail(v, jv_join(q, sizeof q, p, "decode_router"), "unknown router \"%s\"; allowed: %s",
                       rname, list);
    }
    int path_kind = disagg_path_parse(link);
    jv_join(q, sizeof q, p, "link");
    if (path_kind < 0)
        return jv_fail(v, q, "unknown link \"%s\"; allowed: nvlink, pcie, network", link);
    c->path = (disagg_path)path_kind;
    /* the point-to-point path: two GPUs of one node, or one GPU on each of two */
    if (netcfg_topo_shape(v, sc, c->path == DISAGG_NETWORK ? 2 : 1, c->path == DISAGG_NETWORK ? 1 : 2,
                          c->path == DISAGG_PCIE, q, &c->net) < 0)
        return -1;
    if (c->path == DISAGG_NVLINK && c->net.intra != TOPO_LINK_NVLINK)
        return jv_fail(v, q, "value \"nvlink\": the %s server has no NVLink that NCCL uses; allowed: pcie, network",
                       c->net.preset->name);
    *out = c;
    return 0;
}

int scn_disagg_pools(jv *v, scn *sc, const cJSON *obj, const char *path, const disagg_cfg *c,
                     tenant_cfg *rep, tenant_cfg *front)
{
    char p[512];
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(obj, "disaggregation");
    jv_join(p, sizeof p, path, "disaggregation");
    front->routed = c->prefill;
    front->wl = &wl_llm_disagg;
    for (int k = 0; k < c->prefill + c->decode; k++) {
        int pre = k < c->prefill;
        llm_params *lp = scn_own(sc, v, sizeof *lp);
        size_t len = strlen(front->name) + 24;
        char *name = scn_own(sc, v, len);
        if (!lp || !name)
            return -1;
        *lp = *(const llm_params *)rep[k].wl_params;
        lp->role = pre ? LLM_ROLE_PREFILL : LLM_ROLE_DECODE;
        lp->disagg = c;
        if (pool_limits(v, sc, d, p, pre ? "prefill" : "decode", lp) < 0)
            return -1;
        snprintf(name, len, "%s.%c%d", front->name, pre ? 'p' : 'd', pre ? k : k - c->prefill);
        rep[k].name = name;
        rep[k].wl = &wl_llm_disagg;
        rep[k].wl_params = lp;
    }
    return 0;
}
