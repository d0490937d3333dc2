/* parse_sharing.c -- "virtualization", "sharing" and the tenants' placement
 * fields (instance, mps_active_thread_pct, vgpu_gb) into the model config
 * (docs/scenario.md, docs/sharing.md). Rules that involve the tenants run in
 * scn_check_sharing, after every tenant is read. */
#include "scenarios/scenario.h"
#include "models/ctxsw.h"
#include "scenarios/migparted.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Native time-slicing between processes: the Volta+ channel-group slice
 * (FACTS §3, kernel_fifo_gv100.c) [F], or the slice a measured GPU profile
 * (hardware.profile) found. */
#define NATIVE_SLICE_MS 1.024
/* vGPU density rule (FACTS §3) [F]: 2 ms up to `threshold` vGPUs per GPU,
 * 1 ms above; the threshold is a parameter because the guide is
 * inconsistent about exactly 8. */
#define DENSITY_LOW_MS 2.0
#define DENSITY_HIGH_MS 1.0
#define DEFAULT_DENSITY_THRESHOLD 8
#define ARR_MIN_HZ 63
#define ARR_MAX_HZ 960
#define ARR_DEFAULT_FACTOR 33
/* MPS server restart after a fault [I]: a parameter to calibrate. */
#define MPS_DEFAULT_RESTART_S 2.0

static sim_time_t ns_of(double x, double scale) { return sim_round_ns(x * scale); }

int scn_parse_virtualization(jv *v, scn *sc, const cJSON *vz)
{
    static const char *const keys[] = { "mode", "launch_us", "copy_us", "compute_factor",
                                        "bandwidth_factor", "noise", NULL };
    static const char *const modes[] = { "bare_metal", "passthrough", "vgpu", NULL };
    static const char *const nkeys[] = { "rate_per_s", "mean_us", "dist", "cv", NULL };
    static const char *const dists[] = { "exponential", "deterministic", "lognormal", NULL };
    const jv_range us = { 0, 1e6, 0, 0, "us" }, factor = { 0, 1, 1, 0, NULL };
    int mode = 0, dist;
    virt_cfg *c = &sc->cfg.virt;
    if (vz) {
        jv_keys(v, vz, "virtualization", keys);
        jv_enum(v, vz, "virtualization", "mode", 0, 0, modes, &mode);
    }
    if (v->failed)
        return -1;
    virt_preset((virt_mode)mode, c);
    sc->virt_mode = modes[mode];
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

static int parse_mps(jv *v, scn *sc, const cJSON *sh)
{
    static const char *const keys[] = { "max_clients", "fault_rate_per_s", "restart_s", NULL };
    mps_cfg *m = &sc->cfg.mps;
    long clients = MPS_MAX_CLIENTS;
    double restart = MPS_DEFAULT_RESTART_S;
    m->fault_rate_per_s = 0;
    const cJSON *o = jv_object(v, sh, "sharing", "mps", 0);
    if (o) {
        jv_keys(v, o, "sharing.mps", keys);
        jv_int(v, o, "sharing.mps", "max_clients", 0, MPS_MAX_CLIENTS, 1, MPS_MAX_CLIENTS, &clients);
        jv_number(v, o, "sharing.mps", "fault_rate_per_s", 0, 0,
                  (jv_range){ 0, 1e6, 0, 0, "faults per second" }, &m->fault_rate_per_s);
        jv_number(v, o, "sharing.mps", "restart_s", 0, MPS_DEFAULT_RESTART_S,
                  (jv_range){ 0, 1e6, 0, 0, "seconds" }, &restart);
    }
    m->max_clients = (int)clients;
    m->restart_ns = ns_of(restart, 1e9);
    return v->failed ? -1 : 0;
}

static int parse_instance(jv *v, scn *sc, const cJSON *o, const char *path, model_instance *in,
                          mig_instance *mi)
{
    static const char *const keys[] = { "profile", "start", "mode", NULL };
    static const char *const modes[] = { "exclusive", "timeslice", "mps", NULL };
    static const model_sharing how[] = { MODEL_EXCLUSIVE, MODEL_TIMESLICE, MODEL_MPS };
    const char *name = NULL;
    long start = -1;
    int mode = 1;
    char p[512], list[256];
    if (!cJSON_IsObject(o))
        return jv_fail(v, path, "each instance is an object {\"profile\": \"3g.40gb\", \"start\": 4}");
    jv_keys(v, o, path, keys);
    const cJSON *pj = cJSON_GetObjectItemCaseSensitive(o, "profile");
    char idbuf[16];
    if (cJSON_IsNumber(pj) && pj->valuedouble >= 0 && pj->valuedouble < 1000 &&
        pj->valuedouble == (int)pj->valuedouble) {
        snprintf(idbuf, sizeof idbuf, "%d", (int)pj->valuedouble);      /* a profile ID, as nvidia-smi -cgi takes */
        name = idbuf;
    } else {
        jv_string(v, o, path, "profile", 1, NULL, &name);
    }
    jv_int(v, o, path, "start", 0, -1, 0, sc->cfg.mig->slots - 1, &start);
    jv_enum(v, o, path, "mode", 0, 1, modes, &mode);
    if (v->failed)
        return -1;
    const mig_profile *mp = mig_profile_find(sc->cfg.mig, name);
    if (!mp)
        return jv_fail(v, jv_join(p, sizeof p, path, "profile"),
                       "unknown MIG profile \"%s\" on a %s; allowed: %s (as nvidia-smi prints them, "
                       "\"MIG 1g.10gb\" too, or their IDs: slicesim list mig %s)", name, sc->cfg.gpu->name,
                       mig_profile_list(sc->cfg.mig, list, sizeof list), sc->cfg.gpu->name);
    mi->prof = in->prof = mp;
    mi->start = (int)start;
    in->sharing = how[mode];
    /* MPS inside an instance: the client limit in proportion to its compute
     * slices (FACTS §3: fewer inside a MIG instance, in proportion). */
    int scaled = MPS_MAX_CLIENTS * mp->compute_slices / sc->cfg.mig->compute_slices;
    in->mps_max_clients = scaled < 1 ? 1 : scaled;
    return 0;
}

/* The most tenants the scenario puts on one GPU, read from the raw JSON
 * (the tenants are validated later). */
static double raw_gpu(const cJSON *t)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(t, "gpu");
    return cJSON_IsNumber(g) ? g->valuedouble : 0;
}

static int most_tenants_per_gpu(const scn *sc)
{
    const cJSON *t, *u, *arr = cJSON_GetObjectItemCaseSensitive(sc->root, "tenants");
    int most = 0;
    cJSON_ArrayForEach(t, arr) {
        int n = 0;
        cJSON_ArrayForEach(u, arr)
            n += raw_gpu(u) == raw_gpu(t);
        most = n > most ? n : most;
    }
    return most;
}

/* No "instances": one instance per tenant of the busiest GPU, all of the
 * largest profile that fits that many times (docs/sharing.md). */
static int even_layout(jv *v, scn *sc)
{
    int n = most_tenants_per_gpu(sc);
    const mig_profile *p = mig_even_profile(sc->cfg.mig, n < 1 ? 1 : n);
    if (!p)
        return jv_fail(v, "sharing.instances", "missing, and %d tenants on one GPU cannot each get an instance "
                       "(a %s has at most %d); give a layout, e.g. [{\"profile\": \"%s\"}]", n,
                       sc->cfg.gpu->name, sc->cfg.mig->compute_slices, sc->cfg.mig->profiles[0].name);
    mig_instance mi[MIG_MAX_INSTANCES];
    int bad;
    char why[256];
    n = n < 1 ? 1 : n;
    for (int i = 0; i < n; i++) {
        mi[i] = (mig_instance){ p, -1 };
        model_instance *in = &sc->cfg.inst[i];
        in->prof = p;
        in->sharing = MODEL_TIMESLICE;
        int scaled = MPS_MAX_CLIENTS * p->compute_slices / sc->cfg.mig->compute_slices;
        in->mps_max_clients = scaled < 1 ? 1 : scaled;
    }
    if (mig_place(sc->cfg.mig, mi, n, &bad, why, sizeof why) < 0)
        return jv_fail(v, "sharing.instances", "no layout: %s", why);
    for (int i = 0; i < n; i++)
        sc->cfg.inst[i].start = mi[i].start;
    sc->cfg.ninst = n;
    return 0;
}

/* A layout written as mig-parted's mig-devices, {"1g.10gb": 2, "2g.20gb": 1}:
 * a list of instances in the order written, each profile repeated by its
 * count; NULL (v failed) on a bad count. */
static cJSON *count_map(jv *v, const cJSON *map, const char *path)
{
    char p[256];
    cJSON *arr = cJSON_CreateArray(), *e;
    int total = 0;
    cJSON_ArrayForEach(e, map) {
        if (!cJSON_IsNumber(e) || e->valuedouble != (int)e->valuedouble || e->valuedouble < 0 ||
            e->valuedouble > MIG_MAX_INSTANCES) {
            cJSON_Delete(arr);
            char val[64];
            jv_fail(v, jv_join(p, sizeof p, path, e->string), "count %s is not allowed; allowed: an integer 0 to %d",
                    jv_describe(e, val, sizeof val), MIG_MAX_INSTANCES);
            return NULL;
        }
        for (int k = 0; k < (int)e->valuedouble && total++ < MIG_MAX_INSTANCES + 1; k++) {
            cJSON *one = cJSON_CreateObject();
            cJSON_AddItemToArray(arr, one);
            cJSON_AddStringToObject(one, "profile", e->string);
        }
    }
    return arr;
}

/* sharing.mig_parted {"file", "config", "device"}: the layout the named
 * configuration of a mig-parted file gives that device (default 0). */
static cJSON *mig_parted_layout(jv *v, scn *sc, const cJSON *o)
{
    static const char *const keys[] = { "file", "config", "device", NULL };
    const char *file = NULL, *config = NULL;
    long device = 0;
    char full[1024], msg[768];
    if (!cJSON_IsObject(o)) {
        jv_fail(v, "sharing.mig_parted", "an object {\"file\": \"mig-parted.yaml\", \"config\": \"NAME\"}");
        return NULL;
    }
    jv_keys(v, o, "sharing.mig_parted", keys);
    jv_string(v, o, "sharing.mig_parted", "file", 1, NULL, &file);
    jv_string(v, o, "sharing.mig_parted", "config", 1, NULL, &config);
    jv_int(v, o, "sharing.mig_parted", "device", 0, 0, 0, 1023, &device);
    if (v->failed)
        return NULL;
    migparted_layout lay;
    if (migparted_load(scn_path(sc, file, full, sizeof full), config, (int)device, &lay, msg, sizeof msg) < 0) {
        jv_fail(v, "sharing.mig_parted", "%s", msg);
        return NULL;
    }
    if (!lay.enabled) {
        jv_fail(v, "sharing.mig_parted", "%s: config \"%s\" sets mig-enabled: false for device %ld; "
                "sharing.mode \"mig\" needs MIG enabled", full, config, device);
        return NULL;
    }
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < lay.ndev; i++) {
        if (!mig_profile_find(sc->cfg.mig, lay.dev[i].name)) {
            char list[256];
            cJSON_Delete(arr);
            jv_fail(v, "sharing.mig_parted", "%s:%d:%d: unknown MIG profile \"%s\" on a %s; allowed: %s", full,
                    lay.dev[i].line, lay.dev[i].column, lay.dev[i].name, sc->cfg.gpu->name,
                    mig_profile_list(sc->cfg.mig, list, sizeof list));
            return NULL;
        }
        for (int k = 0; k < lay.dev[i].count && cJSON_GetArraySize(arr) <= MIG_MAX_INSTANCES; k++) {
            cJSON *one = cJSON_CreateObject();
            cJSON_AddItemToArray(arr, one);
            cJSON_AddStringToObject(one, "profile", lay.dev[i].name);
        }
    }
    return arr;
}

static int parse_layout(jv *v, scn *sc, const cJSON *arr, const char *where)
{
    char p[64];
    int n = cJSON_GetArraySize(arr);
    if (n < 1 || n > MIG_MAX_INSTANCES)
        return jv_fail(v, where, "%d instances; allowed: 1 to %d (%s: %d)", n, MIG_MAX_INSTANCES,
                       sc->cfg.gpu->name, sc->cfg.mig->compute_slices);
    mig_instance mi[MIG_MAX_INSTANCES];
    for (int i = 0; i < n; i++)
        if (parse_instance(v, sc, cJSON_GetArrayItem(arr, i), jv_index(p, sizeof p, "sharing.instances", i),
                           &sc->cfg.inst[i], &mi[i]) < 0)
            return -1;
    int bad;
    char why[768];
    if (mig_place(sc->cfg.mig, mi, n, &bad, why, sizeof why) < 0)
        return jv_fail(v, bad >= 0 && strcmp(where, "sharing.instances") == 0
                       ? jv_index(p, sizeof p, "sharing.instances", bad) : where,
                       "invalid MIG layout for %s: %s", sc->cfg.gpu->name, why);
    for (int i = 0; i < n; i++)
        sc->cfg.inst[i].start = mi[i].start;
    sc->cfg.ninst = n;
    return 0;
}

static int parse_mig(jv *v, scn *sc, const cJSON *sh)
{
    char list[256];
    sc->cfg.mig = mig_table_find(sc->cfg.gpu->name);
    if (!sc->cfg.mig) {
        list[0] = '\0';
        for (size_t i = 0; i < gpu_spec_count(); i++)
            if (mig_table_find(gpu_spec_at(i)->name)) {
                strncat(list, *list ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, gpu_spec_at(i)->name, sizeof list - strlen(list) - 1);
            }
        return jv_fail(v, "sharing.mode", "value \"mig\" needs a GPU with MIG; %s has none; GPUs with MIG: %s",
                       sc->cfg.gpu->name, list);
    }
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(sh, "instances");
    const cJSON *parted = cJSON_GetObjectItemCaseSensitive(sh, "mig_parted");
    if (arr && parted)
        return jv_fail(v, "sharing.mig_parted", "given with sharing.instances; allowed: one of them");
    /* a count map or a mig-parted file become a list, freed after reading */
    cJSON *expanded = parted ? mig_parted_layout(v, sc, parted)
                    : cJSON_IsObject(arr) ? count_map(v, arr, "sharing.instances") : NULL;
    if (v->failed)
        return -1;
    if (expanded) {
        int rc = parse_layout(v, sc, expanded, parted ? "sharing.mig_parted" : "sharing.instances");
        cJSON_Delete(expanded);
        return rc;
    }
    arr = jv_array(v, sh, "sharing", "instances", 0);
    if (v->failed)
        return -1;
    return arr ? parse_layout(v, sc, arr, "sharing.instances") : even_layout(v, sc);
}

int scn_parse_sharing(jv *v, scn *sc, const cJSON *sh)
{
    static const char *const keys[] = { "mode", "policy", "scheduler", "timeslice_ms", "arr_frequency_hz",
                                        "arr_averaging_factor", "density_threshold", "switch_cost_us",
                                        "preemption", "block_us", "mps", "instances", "mig_parted", "power_throttle", NULL };
    static const char *const modes[] = { "exclusive", "timeslice", "mps", "mig", NULL };
    static const model_sharing how[] = { MODEL_EXCLUSIVE, MODEL_TIMESLICE, MODEL_MPS, MODEL_MIG };
    static const char *const policies[] = { "best_effort", "equal_share", "fixed_share", NULL };
    static const ts_policy *const pol[] = { &ts_best_effort, &ts_equal_share, &ts_fixed_share };
    static const char *const preempts[] = { "instruction", "block", "kernel", NULL };
    const jv_range cost = { 0, 1e6, 0, 0, "us" };
    const jv_range block = { 0, 1e6, 1, 0, "us" };
    int mode = 0, policy = 0, preempt = 0;
    double switch_us = 0, block_us = 10;
    if (sh) {
        jv_keys(v, sh, "sharing", keys);
        jv_enum(v, sh, "sharing", "mode", 0, 0, modes, &mode);
        jv_enum(v, sh, "sharing", "policy", 0, 0, policies, &policy);
        jv_enum(v, sh, "sharing", "preemption", 0, 0, preempts, &preempt);
        jv_number(v, sh, "sharing", "block_us", 0, 10, block, &block_us);
    }
    /* The default switch cost: a measured profile's, or the sum of its
     * parts for this GPU, preemption mode and whether switches cross VMs
     * (a time-sliced vGPU); models/ctxsw.c. */
    int vm = sc->cfg.virt.mode == VIRT_VGPU && how[mode] == MODEL_TIMESLICE;
    double def_us = sc->profile ? sc->cfg.gpu->switch_us : ctxsw_cost_us(sc->cfg.gpu, (ts_preempt)preempt, vm);
    switch_us = def_us;
    if (sh)
        jv_number(v, sh, "sharing", "switch_cost_us", 0, def_us, cost, &switch_us);
    if (v->failed)
        return -1;
    sc->sharing_mode = modes[mode];
    sc->cfg.sharing = how[mode];
    sc->cfg.ts.policy = pol[policy];
    sc->cfg.ts.switch_ns = ns_of(switch_us, 1e3);
    sc->cfg.ts.preempt = (ts_preempt)preempt;
    sc->cfg.ts.block_ns = ns_of(block_us, 1e3);
    if (sc->cfg.ts.block_ns < 1)
        sc->cfg.ts.block_ns = 1;
    sc->cfg.ts.slice_ns = ns_of(NATIVE_SLICE_MS, 1e6);   /* until scn_check_sharing */
    if (parse_mps(v, sc, sh) < 0)
        return -1;
    sc->cfg.power_throttle = 1.0;
    if (sc->cfg.sharing == MODEL_MIG) {
        jv_number(v, sh, "sharing", "power_throttle", 0, 1.0, (jv_range){ 0, 1, 1, 0, NULL },
                  &sc->cfg.power_throttle);
        return v->failed ? -1 : parse_mig(v, sc, sh);
    }
    if (sh && cJSON_HasObjectItem(sh, "power_throttle"))
        return jv_fail(v, "sharing.power_throttle", "only sharing.mode \"mig\" takes a power throttle (mode is \"%s\")",
                       sc->sharing_mode);
    if (sh && cJSON_HasObjectItem(sh, "instances"))
        return jv_fail(v, "sharing.instances", "only sharing.mode \"mig\" takes instances (mode is \"%s\")",
                       sc->sharing_mode);
    return 0;
}

/* Without a layout each tenant takes the next instance of its GPU; with
 * one, instance 0. */
static long default_instance(const scn *sc, const tenant_cfg *tc)
{
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(sc->root, "sharing");
    if (cJSON_HasObjectItem(sh, "instances"))
        return 0;
    long k = 0;
    for (const tenant_cfg *o = sc->cfg.tenants; o < tc; o++)
        k += o->gpu == tc->gpu;
    return k;
}

static int mps_mem_limit(jv *v, scn *sc, const cJSON *obj, const char *path, tenant_cfg *tc, int on_mps);

int scn_parse_tenant_sharing(jv *v, scn *sc, const cJSON *obj, const char *path, tenant_cfg *tc)
{
    const jv_range pct = { 0, 100, 1, 0, "percent" };
    const jv_range gb = { 0, 1e4, 1, 0, "GB" };
    char p[512];
    long inst = 0;
    double pct_v = 100, vgpu_gb = 0;
    int on_mig = sc->cfg.sharing == MODEL_MIG;
    if (!on_mig && cJSON_HasObjectItem(obj, "instance"))
        return jv_fail(v, jv_join(p, sizeof p, path, "instance"),
                       "only sharing.mode \"mig\" places tenants on instances (mode is \"%s\")", sc->sharing_mode);
    jv_int(v, obj, path, "instance", 0, on_mig ? default_instance(sc, tc) : 0, 0,
           on_mig ? sc->cfg.ninst - 1 : 0, &inst);
    jv_number(v, obj, path, "mps_active_thread_pct", 0, 100, pct, &pct_v);
    jv_number(v, obj, path, "vgpu_gb", 0, 0, gb, &vgpu_gb);
    jv_number(v, obj, path, "memory_gb", 0, 0, gb, &tc->share_gb);
    if (v->failed)
        return -1;
    tc->instance = (int)inst;
    tc->mps_frac = pct_v / 100;
    int on_mps = sc->cfg.sharing == MODEL_MPS ||
                 (on_mig && sc->cfg.inst[inst].sharing == MODEL_MPS);
    if (!on_mps && cJSON_HasObjectItem(obj, "mps_active_thread_pct"))
        return jv_fail(v, jv_join(p, sizeof p, path, "mps_active_thread_pct"),
                       "the tenant does not run on MPS (sharing.mode \"mps\", or a MIG instance with mode \"mps\")");
    if (sc->cfg.virt.mode != VIRT_VGPU && vgpu_gb > 0)
        return jv_fail(v, jv_join(p, sizeof p, path, "vgpu_gb"),
                       "a vGPU type needs virtualization.mode \"vgpu\" (it is \"%s\")", sc->virt_mode);
    if (vgpu_gb > sc->cfg.gpu->mem_gb)
        return jv_fail(v, jv_join(p, sizeof p, path, "vgpu_gb"),
                       "value %g is out of range; allowed: a vGPU frame buffer in (0, %g] GB (the %s's memory)",
                       vgpu_gb, sc->cfg.gpu->mem_gb, sc->cfg.gpu->name);
    tc->mem_gb = vgpu_gb;
    tc->vgpu_per_gpu = vgpu_gb > 0 ? (int)floor(sc->cfg.gpu->mem_gb / vgpu_gb + 1e-9) : 0;
    if (on_mig) {
        const mig_profile *pr = sc->cfg.inst[inst].prof;
        tc->compute_frac = mig_compute_frac(pr, sc->cfg.gpu);
        tc->mem_frac = mig_mem_frac(sc->cfg.mig, pr);
        tc->mem_gb = mig_mem_bytes(pr) / 1e9;
    }
    return mps_mem_limit(v, sc, obj, path, tc, on_mps);
}

/* CUDA_MPS_PINNED_DEVICE_MEM_LIMIT (FACTS §3): a client's memory capacity,
 * at most its resource's; without it a client sees all of it. */
static int mps_mem_limit(jv *v, scn *sc, const cJSON *obj, const char *path, tenant_cfg *tc, int on_mps)
{
    char p[512];
    double cap = tc->mem_gb > 0 ? tc->mem_gb : sc->cfg.gpu->mem_gb, gb = 0;
    if (!cJSON_HasObjectItem(obj, "mps_mem_limit_gb"))
        return 0;
    if (!on_mps)
        return jv_fail(v, jv_join(p, sizeof p, path, "mps_mem_limit_gb"),
                       "the tenant does not run on MPS (sharing.mode \"mps\", or a MIG instance with mode \"mps\")");
    jv_number(v, obj, path, "mps_mem_limit_gb", 0, 0, (jv_range){ 0, cap, 1, 0, "GB (the memory of its GPU or instance)" },
              &gb);
    tc->mem_gb = gb;
    return v->failed ? -1 : 0;
}

/* ---- rules across tenants ---- */

/* Tenants per GPU and per (GPU, MIG instance), counted once so that the
 * rules below stay linear in the number of tenants. */
typedef struct { int *gpu, *inst; int ninst; } counts;

static int counts_make(jv *v, const scn *sc, counts *k)
{
    const model_cfg *c = &sc->cfg;
    k->ninst = c->sharing == MODEL_MIG && c->ninst > 0 ? c->ninst : 0;
    k->gpu = calloc((size_t)c->ngpus, sizeof *k->gpu);
    k->inst = k->ninst ? calloc((size_t)c->ngpus * (size_t)k->ninst, sizeof *k->inst) : NULL;
    if (!k->gpu || (k->ninst && !k->inst)) {
        free(k->gpu);
        free(k->inst);
        return jv_fail(v, "tenants", "out of memory");
    }
    for (size_t i = 0; i < c->ntenants; i++) {
        const tenant_cfg *t = &c->tenants[i];
        if (t->gpu < 0 || t->gpu >= c->ngpus)
            continue;
        k->gpu[t->gpu]++;
        if (k->ninst && t->instance >= 0 && t->instance < k->ninst)
            k->inst[(size_t)t->gpu * (size_t)k->ninst + (size_t)t->instance]++;
    }
    return 0;
}

static void counts_free(counts *k)
{
    free(k->gpu);
    free(k->inst);
}

static int count_on(const counts *k, int gpu, int inst)
{
    return inst < 0 ? k->gpu[gpu] : k->inst[(size_t)gpu * (size_t)k->ninst + (size_t)inst];
}

/* vGPU types: default each tenant to an equal split of its GPU; one type
 * per GPU under fixed share; the frame buffers must fit the GPU. Returns the
 * largest density (vGPUs per GPU) of any type. */
static int vgpu_types(jv *v, scn *sc, const counts *k)
{
    char p[96], q[96];
    model_cfg *c = &sc->cfg;
    int dens = 0;
    for (size_t i = 0; i < c->ntenants; i++) {
        tenant_cfg *t = &c->tenants[i];
        if (t->vgpu_per_gpu == 0) {
            t->vgpu_per_gpu = count_on(k, t->gpu, -1);
            if (c->sharing != MODEL_MIG)
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
        if (c->sharing != MODEL_MIG && sum[g] > c->gpu->mem_gb * (1 + 1e-9))
            rc = jv_fail(v, "tenants", "the vGPUs on GPU %d need %.4g GB of frame buffer; a %s has %.4g GB",
                         g, sum[g], c->gpu->name, c->gpu->mem_gb);
    free(sum);
    free(first);
    return rc;
}

static int check_slice(jv *v, scn *sc, const cJSON *sh, int density)
{
    static const char *const scheds[] = { "arr", "legacy", NULL };
    model_cfg *c = &sc->cfg;
    int vgpu = c->virt.mode == VIRT_VGPU && c->sharing == MODEL_TIMESLICE;
    int sched = 0;
    long thr = DEFAULT_DENSITY_THRESHOLD, factor = ARR_DEFAULT_FACTOR;
    double slice_ms = NATIVE_SLICE_MS, hz = 0;
    const char *vgpu_only[] = { "scheduler", "arr_frequency_hz", "arr_averaging_factor", "density_threshold" };
    if (!vgpu) {
        double native_ms = sc->profile ? sc->profile->timeslice_ms : NATIVE_SLICE_MS;
        for (int k = 0; k < 4; k++)
            if (sh && cJSON_HasObjectItem(sh, vgpu_only[k])) {
                char p[64];
                return jv_fail(v, jv_join(p, sizeof p, "sharing", vgpu_only[k]),
                               "belongs to the vGPU time-slice scheduler: needs sharing.mode \"timeslice\" "
                               "with virtualization.mode \"vgpu\"");
            }
        jv_number(v, sh, "sharing", "timeslice_ms", 0, native_ms,
                  (jv_range){ 0, 1000, 1, 0, "ms" }, &slice_ms);
        c->ts.slice_ns = ns_of(slice_ms, 1e6);
        if (c->ts.slice_ns < 1)       /* below the clock's resolution: a 0 ns slice would run nothing */
            c->ts.slice_ns = 1;
        c->ts.arr_factor = 0;
        return v->failed ? -1 : 0;
    }
    jv_enum(v, sh, "sharing", "scheduler", 0, 0, scheds, &sched);
    jv_int(v, sh, "sharing", "density_threshold", 0, DEFAULT_DENSITY_THRESHOLD, 1, 64, &thr);
    if (v->failed)
        return -1;
    double def_ms = density <= thr ? DENSITY_LOW_MS : DENSITY_HIGH_MS;
    if (sched == 1) {   /* legacy fixed slice */
        if (cJSON_HasObjectItem(sh, "arr_frequency_hz") || cJSON_HasObjectItem(sh, "arr_averaging_factor"))
            return jv_fail(v, cJSON_HasObjectItem(sh, "arr_frequency_hz") ? "sharing.arr_frequency_hz"
                                                                          : "sharing.arr_averaging_factor",
                           "belongs to adaptive round robin; sharing.scheduler is \"legacy\" (use timeslice_ms)");
        jv_number(v, sh, "sharing", "timeslice_ms", 0, def_ms, (jv_range){ 1, 30, 0, 0, "ms" }, &slice_ms);
        c->ts.slice_ns = ns_of(slice_ms, 1e6);
        c->ts.arr_factor = 0;
        return v->failed ? -1 : 0;
    }
    if (cJSON_HasObjectItem(sh, "arr_frequency_hz") && cJSON_HasObjectItem(sh, "timeslice_ms"))
        return jv_fail(v, "sharing.timeslice_ms", "give either timeslice_ms or arr_frequency_hz (slice = 1/f), not both");
    jv_number(v, sh, "sharing", "arr_frequency_hz", 0, 0,
              (jv_range){ ARR_MIN_HZ, ARR_MAX_HZ, 0, 0, "Hz" }, &hz);
    jv_number(v, sh, "sharing", "timeslice_ms", 0, def_ms,
              (jv_range){ 1000.0 / ARR_MAX_HZ, 1000.0 / ARR_MIN_HZ, 0, 0,
                          "ms (vGPU ARR, 63-960 Hz; omit it for the density default, or use scheduler "
                          "\"legacy\" for 1-30 ms)" }, &slice_ms);
    jv_int(v, sh, "sharing", "arr_averaging_factor", 0, ARR_DEFAULT_FACTOR, 1, 60, &factor);
    c->ts.slice_ns = hz > 0 ? ns_of(1.0 / hz, 1e9) : ns_of(slice_ms, 1e6);
    c->ts.arr_factor = (int)factor;
    return v->failed ? -1 : 0;
}

/* One tenant may break a rule of its executor's kind. */
static int check_tenant(jv *v, scn *sc, int i, const counts *k)
{
    char p[96], q[96];
    model_cfg *c = &sc->cfg;
    const tenant_cfg *t = &c->tenants[i];
    jv_index(q, sizeof q, "tenants", i);
    model_sharing how = c->sharing == MODEL_MIG ? c->inst[t->instance].sharing : c->sharing;
    int slotted = how == MODEL_TIMESLICE && c->sharing != MODEL_MIG && c->ts.policy->holds_slot;
    if (t->per_request && (how == MODEL_MPS || slotted))
        return jv_fail(v, jv_join(p, sizeof p, q, "context"),
                       "value \"per_request\" cannot run on %s (each tenant is one %s); use \"shared\"",
                       how == MODEL_MPS ? "MPS" : c->ts.policy->name, how == MODEL_MPS ? "MPS client" : "vGPU");
    if (c->sharing == MODEL_MIG) {
        int n = count_on(k, t->gpu, t->instance);
        const model_instance *in = &c->inst[t->instance];
        if ((how == MODEL_EXCLUSIVE || c->virt.mode == VIRT_VGPU) && n > 1)
            return jv_fail(v, jv_join(p, sizeof p, q, "instance"),
                           "value %d: instance %d (%s) holds one tenant (%s); %d are placed on it",
                           t->instance, t->instance, in->prof->name,
                           c->virt.mode == VIRT_VGPU ? "a MIG-backed vGPU is not time-sliced" : "mode exclusive", n);
        if (how == MODEL_MPS && n > in->mps_max_clients)
            return jv_fail(v, jv_join(p, sizeof p, q, "instance"),
                           "too many MPS clients on instance %d (%s): %d; allowed: at most %d "
                           "(48 scaled by %d of %d compute slices)", t->instance, in->prof->name, n,
                           in->mps_max_clients, in->prof->compute_slices, c->mig->compute_slices);
    }
    if (c->sharing == MODEL_MPS) {
        int n = count_on(k, t->gpu, -1);
        if (n > c->mps.max_clients)
            return jv_fail(v, jv_join(p, sizeof p, q, "gpu"),
                           "too many MPS clients on GPU %d: %d; allowed: at most %d (sharing.mps.max_clients)",
                           t->gpu, n, c->mps.max_clients);
        if (c->virt.mode == VIRT_VGPU && n > 1)
            return jv_fail(v, "sharing.mode", "value \"mps\" cannot share a GPU between vGPU VMs: MPS clients "
                           "share one OS; %d tenants are on GPU %d", n, t->gpu);
    }
    return 0;
}

int scn_check_sharing(jv *v, scn *sc)
{
    model_cfg *c = &sc->cfg;
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(sc->root, "sharing");
    if (c->ts.policy->holds_slot && !(c->sharing == MODEL_TIMESLICE && c->virt.mode == VIRT_VGPU))
        return jv_fail(v, "sharing.policy", "value \"%s\" is a vGPU scheduler policy: it needs sharing.mode "
                       "\"timeslice\" with virtualization.mode \"vgpu\" (here %s, %s); native time-slicing "
                       "runs best_effort", c->ts.policy->name, sc->sharing_mode, sc->virt_mode);
    if (c->ts.policy != &ts_best_effort && c->sharing != MODEL_TIMESLICE)
        return jv_fail(v, "sharing.policy", "value \"%s\" needs sharing.mode \"timeslice\"", c->ts.policy->name);
    counts k;
    if (counts_make(v, sc, &k) < 0)
        return -1;
    int density = c->virt.mode == VIRT_VGPU ? vgpu_types(v, sc, &k) : 0;
    int rc = v->failed || check_slice(v, sc, sh, density) < 0 ? -1 : 0;
    if (rc == 0 && c->ts.policy == &ts_fixed_share)
        for (size_t i = 0; i < c->ntenants && rc == 0; i++) {
            int g = c->tenants[i].gpu;
            if (count_on(&k, g, -1) > c->tenants[i].vgpu_per_gpu)
                rc = jv_fail(v, "tenants", "GPU %d holds %d vGPUs of a type that allows %d per GPU",
                             g, count_on(&k, g, -1), c->tenants[i].vgpu_per_gpu);
        }
    for (size_t i = 0; i < c->ntenants && rc == 0; i++)
        rc = check_tenant(v, sc, (int)i, &k);
    counts_free(&k);
    return rc;
}
