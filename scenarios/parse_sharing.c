/* parse_sharing.c -- "virtualization", "sharing" and the tenants' placement
 * fields (instance, mps_active_thread_pct, vgpu_gb) into the model config
 * (docs/scenario.md, docs/sharing.md). What is common to every mode is here;
 * each mode's own keys and rules are in its kind (parse_MODE.c), found by
 * the mode's name. Rules that involve the tenants run in scn_check_sharing,
 * after every tenant is read. */
#include "scenarios/scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const scn_sharing_kind *scn_sharing_kind_of(const share_type *t)
{
    const scn_sharing_kind *const *k = scn_sharing_kinds;
    while (*k && (*k)->type != t)
        k++;
    return *k;
}

int scn_sharing_names(const char **names, int n, int inner)
{
    int m = 0;
    for (const scn_sharing_kind *const *k = scn_sharing_kinds; *k && m < n - 1; k++)
        if (!inner || !(*k)->type->part_frac)
            names[m++] = (*k)->type->name;
    names[m] = NULL;
    return m;
}

/* Tenants per GPU and per (GPU, instance), counted once so that the rules
 * stay linear in the number of tenants. */
static int counts_make(jv *v, const scn *sc, scn_counts *k)
{
    const model_cfg *c = &sc->cfg;
    k->ninst = c->share->part_frac ? c->share->resources(c) : 0;
    k->gpu = calloc((size_t)c->ngpus, sizeof *k->gpu);
    k->first = malloc((size_t)c->ngpus * sizeof *k->first);
    k->inst = k->ninst ? calloc((size_t)c->ngpus * (size_t)k->ninst, sizeof *k->inst) : NULL;
    if (!k->gpu || !k->first || (k->ninst && !k->inst)) {
        free(k->gpu);
        free(k->first);
        free(k->inst);
        return jv_fail(v, "tenants", "out of memory");
    }
    for (int g = 0; g < c->ngpus; g++)
        k->first[g] = -1;
    for (size_t i = 0; i < c->ntenants; i++) {
        const tenant_cfg *t = &c->tenants[i];
        if (t->gpu < 0 || t->gpu >= c->ngpus)
            continue;
        if (k->gpu[t->gpu]++ == 0)
            k->first[t->gpu] = (int)i;
        if (k->ninst && t->instance >= 0 && t->instance < k->ninst)
            k->inst[(size_t)t->gpu * (size_t)k->ninst + (size_t)t->instance]++;
    }
    return 0;
}

static void counts_free(scn_counts *k)
{
    free(k->gpu);
    free(k->first);
    free(k->inst);
}

int scn_count_on(const scn_counts *k, int gpu, int inst)
{
    return inst < 0 ? k->gpu[gpu] : k->inst[(size_t)gpu * (size_t)k->ninst + (size_t)inst];
}

int scn_parse_virtualization(jv *v, scn *sc, const cJSON *vz)
{
    static const char *const keys[] = { "mode", "launch_us", "copy_us", "compute_factor",
                                        "bandwidth_factor", "noise", NULL };
    static const char *const nkeys[] = { "rate_per_s", "mean_us", "dist", "cv", NULL };
    static const char *const dists[] = { "exponential", "deterministic", "lognormal", NULL };
    const jv_range us = { 0, 1e6, 0, 0, "us" }, factor = { 0, 1, 1, 0, NULL };
    int mode = 0, dist;
    virt_cfg *c = &sc->cfg.virt;
    if (vz) {
        jv_keys(v, vz, "virtualization", keys);
        jv_enum(v, vz, "virtualization", "mode", 0, 0, virt_mode_names, &mode);
    }
    if (v->failed)
        return -1;
    virt_preset((virt_mode)mode, c);
    sc->virt_mode = virt_mode_names[mode];
    if (!vz)
        return 0;
    jv_number(v, vz, "virtualization", "launch_us", 0, c->launch_us, us, &c->launch_us);
    jv_number(v, vz, "virtualization", "copy_us", 0, c->copy_us, us, &c->copy_us);
    jv_number(v, vz, "virtualization", "compute_factor", 0, c->compute_factor, factor, &c->compute_factor);
    jv_number(v, vz, "virtualization", "bandwidth_factor", 0, c->bw_factor, factor, &c->bw_factor);
    const cJSON *nz = jv_object(v, vz, "virtualization", "noise", 0);
    if (nz) {
        dist = (int)c->noise_dist;
        jv_keys(v, nz, "virtualization.noise", nkeys);
        jv_number(v, nz, "virtualization.noise", "rate_per_s", 0, c->noise_rate_per_s,
                  (jv_range){ 0, 1e6, 0, 0, "interruptions per second" }, &c->noise_rate_per_s);
        jv_number(v, nz, "virtualization.noise", "mean_us", 0, c->noise_mean_us,
                  (jv_range){ 0, 1e7, 1, 0, "us" }, &c->noise_mean_us);
        jv_enum(v, nz, "virtualization.noise", "dist", 0, dist, dists, &dist);
        jv_number(v, nz, "virtualization.noise", "cv", 0, c->noise_cv,
                  (jv_range){ 0, 100, 1, 0, NULL }, &c->noise_cv);
        c->noise_dist = (virt_noise_dist)dist;
        /* Interruptions that take all of the time never end: a burst's
         * stall catches, on average, rate x mean more of them each. */
        double busy = c->noise_rate_per_s * c->noise_mean_us * 1e-6;
        if (!v->failed && busy >= 1)
            return jv_fail(v, "virtualization.noise.mean_us",
                           "value %g with rate_per_s %g keeps the VM interrupted %g s per second; "
                           "allowed: rate_per_s x mean_us < 1e6 (less than all of the time)",
                           c->noise_mean_us, c->noise_rate_per_s, busy);
    }
    return v->failed ? -1 : 0;
}

/* A key of obj that another mode owns: fail naming it. With mode set, the
 * message says which mode this is. */
static int foreign_key(jv *v, const cJSON *obj, const char *path, const scn_owned_key *own,
                       const char *mode)
{
    char p[512];
    for (; own && own->key; own++)
        if (cJSON_HasObjectItem(obj, own->key)) {
            jv_join(p, sizeof p, path, own->key);
            return mode ? jv_fail(v, p, "%s (mode is \"%s\")", own->why, mode)
                        : jv_fail(v, p, "%s", own->why);
        }
    return 0;
}

int scn_parse_sharing(jv *v, scn *sc, const cJSON *sh)
{
    static const char *const keys[] = { "mode", "policy", "scheduler", "timeslice_ms", "arr_frequency_hz",
                                        "arr_averaging_factor", "density_threshold", "switch_cost_us",
                                        "preemption", "block_us", "best_effort_guard_us", "mps", "instances", "mig_parted", "power_throttle", NULL };
    const char *modes[16];
    int mode = 0;
    scn_sharing_names(modes, 16, 0);
    if (sh) {
        jv_keys(v, sh, "sharing", keys);
        jv_enum(v, sh, "sharing", "mode", 0, 0, modes, &mode);
    }
    if (v->failed)
        return -1;
    const scn_sharing_kind *kind = scn_sharing_kinds[mode];
    sc->sharing_mode = kind->type->name;
    sc->cfg.share = kind->type;
    sc->cfg.power_throttle = 1.0;      /* off, unless the mode sets one */
    kind->type->defaults(&sc->cfg);
    /* every mode reads the time-slice and MPS settings: a compare or a sweep
     * may switch the mode of a scenario written for another */
    if (scn_parse_ts_settings(v, sc, sh) < 0 || scn_parse_mps_settings(v, sc, sh) < 0)
        return -1;
    for (const scn_sharing_kind *const *k = scn_sharing_kinds; sh && *k; k++)
        if (*k != kind && foreign_key(v, sh, "sharing", (*k)->keys, sc->sharing_mode) < 0)
            return -1;
    return kind->parse ? kind->parse(v, sc, sh) : 0;
}

int scn_parse_tenant_sharing(jv *v, scn *sc, const cJSON *obj, const char *path, tenant_cfg *tc)
{
    const jv_range gb = { 0, 1e4, 1, 0, "GB" };
    char p[512];
    double vgpu_gb = 0;
    const scn_sharing_kind *kind = scn_sharing_kind_of(sc->cfg.share);
    for (const scn_sharing_kind *const *k = scn_sharing_kinds; *k; k++)
        if (*k != kind && foreign_key(v, obj, path, (*k)->tenant_keys, sc->sharing_mode) < 0)
            return -1;
    jv_number(v, obj, path, "vgpu_gb", 0, 0, gb, &vgpu_gb);
    jv_number(v, obj, path, "memory_gb", 0, 0, gb, &tc->share_gb);
    long prio = 0;
    jv_int(v, obj, path, "priority", 0, 0, -8, 8, &prio);
    tc->priority = (int)prio;
    if (v->failed)
        return -1;
    tc->instance = 0;
    tc->mps_frac = 1.0;
    if (sc->cfg.virt.mode != VIRT_VGPU && vgpu_gb > 0)
        return jv_fail(v, jv_join(p, sizeof p, path, "vgpu_gb"),
                       "a vGPU type needs virtualization.mode \"vgpu\" (it is \"%s\")", sc->virt_mode);
    if (vgpu_gb > sc->cfg.gpu->mem_gb)
        return jv_fail(v, jv_join(p, sizeof p, path, "vgpu_gb"),
                       "value %g is out of range; allowed: a vGPU frame buffer in (0, %g] GB (the %s's memory)",
                       vgpu_gb, sc->cfg.gpu->mem_gb, sc->cfg.gpu->name);
    tc->mem_gb = vgpu_gb;
    tc->vgpu_per_gpu = vgpu_gb > 0 ? (int)floor(sc->cfg.gpu->mem_gb / vgpu_gb + 1e-9) : 0;
    if (kind->tenant && kind->tenant(v, sc, obj, path, tc) < 0)
        return -1;
    /* the resource the tenant runs on: the GPU, or its instance */
    const scn_sharing_kind *res = scn_sharing_kind_of(share_inner(&sc->cfg, sc->cfg.share->resource_of(&sc->cfg, tc)));
    for (const scn_sharing_kind *const *k = scn_sharing_kinds; *k; k++)
        if (*k != res && foreign_key(v, obj, path, (*k)->client_keys, NULL) < 0)
            return -1;
    return res->client ? res->client(v, sc, obj, path, tc) : 0;
}

/* ---- rules across tenants ---- */

/* vGPU types: default each tenant to an equal split of its GPU; one type
 * per GPU under fixed share; the frame buffers must fit the GPU. Returns the
 * largest density (vGPUs per GPU) of any type. */
static int vgpu_types(jv *v, scn *sc, const scn_counts *k)
{
    char p[96], q[96];
    model_cfg *c = &sc->cfg;
    int dens = 0;
    for (size_t i = 0; i < c->ntenants; i++) {
        tenant_cfg *t = &c->tenants[i];
        if (t->vgpu_per_gpu == 0) {
            t->vgpu_per_gpu = scn_count_on(k, t->gpu, -1);
            if (!c->share->part_frac)
                t->mem_gb = c->gpu->mem_gb / t->vgpu_per_gpu;
        }
        if (t->vgpu_per_gpu > dens)
            dens = t->vgpu_per_gpu;
    }
    double *sum = calloc((size_t)c->ngpus, sizeof *sum);
    int *first = malloc((size_t)c->ngpus * sizeof *first);
    if (!sum || !first) {
        free(sum);
        free(first);
        return jv_fail(v, "tenants", "out of memory");
    }
    for (int g = 0; g < c->ngpus; g++)
        first[g] = -1;
    int rc = dens;
    for (size_t i = 0; i < c->ntenants && rc >= 0; i++) {
        const tenant_cfg *t = &c->tenants[i];
        int g = t->gpu;
        sum[g] += t->mem_gb;
        if (first[g] < 0)
            first[g] = (int)i;
        else if (c->ts.policy == &ts_fixed_share && t->vgpu_per_gpu != c->tenants[first[g]].vgpu_per_gpu)
            rc = jv_fail(v, jv_join(p, sizeof p, jv_index(q, sizeof q, "tenants", (int)i), "vgpu_gb"),
                         "fixed_share cannot mix vGPU types of different sizes on one GPU (as NVIDIA's "
                         "scheduler refuses): this type allows %d per GPU, tenants.%d's allows %d; "
                         "use one size, or policy equal_share or best_effort",
                         t->vgpu_per_gpu, first[g], c->tenants[first[g]].vgpu_per_gpu);
    }
    for (int g = 0; g < c->ngpus && rc >= 0; g++)
        if (!c->share->part_frac && sum[g] > c->gpu->mem_gb * (1 + 1e-9))
            rc = jv_fail(v, "tenants", "the vGPUs on GPU %d need %.4g GB of frame buffer; a %s has %.4g GB",
                         g, sum[g], c->gpu->name, c->gpu->mem_gb);
    free(sum);
    free(first);
    return rc;
}

int scn_check_sharing(jv *v, scn *sc)
{
    model_cfg *c = &sc->cfg;
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(sc->root, "sharing");
    const scn_sharing_kind *kind = scn_sharing_kind_of(c->share);
    scn_counts k;
    if (counts_make(v, sc, &k) < 0)
        return -1;
    int rc = kind->check && kind->check(v, sc, sh, &k) < 0 ? -1 : 0;
    if (v->failed)
        rc = -1;
    for (size_t i = 0; i < c->ntenants && rc == 0 && kind->check_tenant; i++) {
        share_res r = share_res_of(c, share_exec_index(c, &c->tenants[i]));
        rc = kind->check_tenant(v, sc, (int)i, &r, &k);
    }
    counts_free(&k);
    return rc;
}

/* vGPU types (virtualization.mode "vgpu", any sharing mode): see
 * vgpu_types. Returns the largest density, 0 without vGPUs, -1 on error. */
int scn_vgpu_density(jv *v, scn *sc, const scn_counts *k)
{
    if (sc->cfg.virt.mode != VIRT_VGPU)
        return 0;
    int d = vgpu_types(v, sc, k);
    return v->failed ? -1 : d;
}
