/* memfit.c -- do the tenants placed on each memory fit in it?
 * (scn_check_memory, docs/sharing.md "Memory that must fit").
 *
 * A tenant draws from one pool of memory: its vGPU's frame buffer (a pool
 * of its own), its MIG instance, or its GPU. Every tenant reports its
 * footprint through its workload kind (wl_type.footprint: CUDA context,
 * weights, KV cache or reserved pool, activations). A serving engine
 * (elastic footprint) is given a share of its pool: memory_gb when the
 * scenario says, its MPS pinned-memory limit, or else an even split among
 * the engines of what the other tenants' footprints leave. The engine then
 * sizes its KV cache from that share (tenant_cfg.mem_gb), not from the
 * whole GPU. A pool whose tenants' footprints add up to more than it holds
 * is refused, naming each tenant, its footprint and the memory there is. */
#include "scenarios/scenario.h"

#include <stdio.h>
#include <string.h>

#define FIT_SLACK 1e-9    /* relative: rounding of GB inputs */

/* A GPU cut into instances (MIG): each instance is a memory pool. */
static int partitioned(const model_cfg *c) { return c->share->part_frac != NULL; }

/* The pool tenant i draws from: a key and its capacity in bytes. */
static void pool_of(const scn *sc, size_t i, long *key, double *cap)
{
    const model_cfg *c = &sc->cfg;
    const tenant_cfg *t = &c->tenants[i];
    if (c->virt.mode == VIRT_VGPU && !partitioned(c)) {
        *key = -1 - (long)i;                 /* a frame buffer of its own */
        *cap = t->mem_gb * 1e9;
    } else if (partitioned(c)) {
        *key = (long)t->gpu * MIG_MAX_INSTANCES + t->instance;
        *cap = mig_mem_bytes(c->inst[t->instance].prof);
    } else {
        *key = (long)t->gpu * MIG_MAX_INSTANCES;
        *cap = c->gpu->mem_gb * 1e9;
    }
}

/* The share tenant i asked for (memory_gb, or its MPS limit), in bytes;
 * 0 = none. A vGPU's frame buffer is its whole pool. */
static double asked_share(const scn *sc, size_t i, double cap, const unsigned char *mps_limit)
{
    const model_cfg *c = &sc->cfg;
    const tenant_cfg *t = &c->tenants[i];
    if (c->virt.mode == VIRT_VGPU && !partitioned(c))
        return cap;
    if (t->share_gb > 0)
        return t->share_gb * 1e9;
    if (mps_limit[i])
        return t->mem_gb * 1e9;
    return 0;
}

static const scn_workload_kind *kind_of(const tenant_cfg *t)
{
    for (const scn_workload_kind *k = scn_workload_kinds; k->name; k++)
        if (k->wl == t->wl || strcmp(k->wl->name, t->wl->name) == 0)   /* a variant (wl_llm_disagg) */
            return k;
    return NULL;
}

/* "name 41.2 GB (context 0.5, weights 13.5, KV cache 26.7, activations 0.5)" */
static void describe(char *buf, size_t len, const char *name, const wl_footprint *f)
{
    snprintf(buf, len, "%s %.3g GB (context %.3g, weights %.3g, %s %.3g, activations %.3g)", name,
             wl_footprint_total(f) / 1e9, f->context / 1e9, f->weights / 1e9,
             f->elastic ? "KV cache" : "reserved", f->kv / 1e9, f->activations / 1e9);
}

static const char *pool_name(const scn *sc, size_t i, char *buf, size_t len)
{
    const model_cfg *c = &sc->cfg;
    const tenant_cfg *t = &c->tenants[i];
    if (c->virt.mode == VIRT_VGPU && !partitioned(c))
        snprintf(buf, len, "the vGPU of tenant \"%s\" on GPU %d", t->name, t->gpu);
    else if (partitioned(c))
        snprintf(buf, len, "MIG instance %d (%s) of GPU %d", t->instance, c->inst[t->instance].prof->name,
                 t->gpu);
    else
        snprintf(buf, len, "GPU %d (%s)", t->gpu, c->gpu->name);
    return buf;
}

/* One pool: the tenants in idx[0..n) with capacity cap; share[] is scratch. */
static int check_pool(jv *v, scn *sc, const size_t *idx, size_t n, double cap, double *share,
                      const unsigned char *mps_limit)
{
    model_cfg *c = &sc->cfg;
    char p[64], q[96], where[160];
    double fixed = 0;
    size_t open = 0;
    wl_footprint f;
    for (size_t k = 0; k < n; k++) {
        const tenant_cfg *t = &c->tenants[idx[k]];
        share[k] = asked_share(sc, idx[k], cap, mps_limit);
        if (share[k] > cap * (1 + FIT_SLACK))
            return jv_fail(v, jv_join(q, sizeof q, jv_index(p, sizeof p, "tenants", (int)idx[k]), "memory_gb"),
                           "value %g is out of range; allowed: (0, %.4g] GB, the memory of %s", share[k] / 1e9,
                           cap / 1e9, pool_name(sc, idx[k], where, sizeof where));
        wl_footprint_of(t->wl, t->wl_params, share[k] > 0 ? share[k] : cap, &f);
        if (share[k] > 0)
            fixed += share[k] < wl_footprint_total(&f) ? wl_footprint_total(&f) : share[k];
        else if (f.elastic)
            open++;
        else
            fixed += wl_footprint_total(&f);
    }
    double left = cap - fixed, each = open ? left / (double)open : 0;
    char msg[1536];
    size_t used = 0;
    double total = 0;
    for (size_t k = 0; k < n; k++) {
        tenant_cfg *t = &c->tenants[idx[k]];
        wl_footprint_of(t->wl, t->wl_params, share[k] > 0 ? share[k] : each > 0 ? each : 0, &f);
        double s = share[k] > 0 ? share[k] : f.elastic ? each : 0;
        const scn_workload_kind *kind = kind_of(t);
        jv_index(p, sizeof p, "tenants", (int)idx[k]);
        if (f.elastic && s <= 0)
            return jv_fail(v, p, "tenant \"%s\" (a serving engine) gets no memory on %s: the other tenants' "
                           "footprints take %.4g of %.4g GB; give fewer tenants, a larger GPU, or memory_gb",
                           t->name, pool_name(sc, idx[k], where, sizeof where), fixed / 1e9, cap / 1e9);
        if (kind && kind->fits &&
            kind->fits(v, sc, t, s > 0 ? s : cap, jv_join(q, sizeof q, p, "workload")) < 0)
            return -1;
        if (s > 0 && wl_footprint_total(&f) > s * (1 + FIT_SLACK)) {
            describe(msg, sizeof msg, t->name, &f);
            return jv_fail(v, p, "tenant does not fit in its %.4g GB share of %s: %s", s / 1e9,
                           pool_name(sc, idx[k], where, sizeof where), msg);
        }
        total += wl_footprint_total(&f);
        if (used < sizeof msg) {
            used += (size_t)snprintf(msg + used, sizeof msg - used, "%s", used ? "; " : "");
            if (used < sizeof msg)
                describe(msg + used, sizeof msg - used, t->name, &f);
            used = strlen(msg);
        }
        if (f.elastic)
            t->mem_gb = s / 1e9;          /* the engine sizes its KV cache from its share */
    }
    if (total > cap * (1 + FIT_SLACK))
        return jv_fail(v, "tenants", "the tenants on %s do not fit in its memory: %s; %.4g GB needed, "
                       "%.4g GB available", pool_name(sc, idx[0], where, sizeof where), msg, total / 1e9,
                       cap / 1e9);
    return 0;
}

typedef struct { long key; size_t i; } keyed;

static int by_key_then_index(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    return (x->i > y->i) - (x->i < y->i);
}

typedef struct { size_t start, len, first; } pool_run;

static int by_first(const void *a, const void *b)
{
    const pool_run *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

/* Pools in the order of their first tenant, each with its tenants in file
 * order: sorting by (pool, tenant) keeps this O(n log n) for 10^5 tenants. */
int scn_check_memory(jv *v, scn *sc)
{
    size_t n = sc->cfg.ntenants, nruns = 0;
    size_t *idx = scn_own(sc, v, n * sizeof *idx);
    keyed *kv = scn_own(sc, v, n * sizeof *kv);
    pool_run *runs = scn_own(sc, v, n * sizeof *runs);
    double *caps = scn_own(sc, v, n * sizeof *caps), *share = scn_own(sc, v, n * sizeof *share);
    unsigned char *mps_limit = scn_own(sc, v, n);
    if (!idx || !kv || !runs || !caps || !share || !mps_limit)
        return -1;
    size_t i = 0;
    const cJSON *t, *all = cJSON_GetObjectItemCaseSensitive(sc->root, "tenants");
    size_t nsrc = (size_t)cJSON_GetArraySize(all);
    unsigned char *src_limit = scn_own(sc, v, nsrc ? nsrc : 1);   /* per tenant of the file */
    if (!src_limit)
        return -1;
    cJSON_ArrayForEach(t, all)
        if (i < nsrc)
            src_limit[i++] = cJSON_HasObjectItem(t, "mps_mem_limit_gb") ? 1 : 0;
    for (i = 0; i < n; i++) {                 /* a fleet's replicas share their entry */
        size_t k = (size_t)sc->cfg.tenants[i].src;
        mps_limit[i] = k < nsrc ? src_limit[k] : 0;
    }
    for (i = 0; i < n; i++) {
        pool_of(sc, i, &kv[i].key, &caps[i]);
        kv[i].i = i;
    }
    qsort(kv, n, sizeof *kv, by_key_then_index);
    for (i = 0; i < n; i++) {
        idx[i] = kv[i].i;
        if (i == 0 || kv[i].key != kv[i - 1].key)
            runs[nruns++] = (pool_run){ i, 0, kv[i].i };
        runs[nruns - 1].len++;
    }
    qsort(runs, nruns, sizeof *runs, by_first);
    for (size_t r = 0; r < nruns; r++)
        if (check_pool(v, sc, idx + runs[r].start, runs[r].len, caps[runs[r].first], share, mps_limit) < 0)
            return -1;
    return 0;
}
