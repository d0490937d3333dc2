/* parse_mig.c -- sharing.mode "mig": the layout of instances (or an even
 * one), the power throttle, each tenant's instance, and the rules of one
 * instance, which are those of the mode it runs (exclusive, timeslice,
 * mps). */
#include "scenarios/scenario.h"

#include "scenarios/migparted.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The registered type named name (one of scn_sharing_names' inner ones). */
static const share_type *inner_type(const char *name)
{
    const scn_sharing_kind *const *k = scn_sharing_kinds;
    while (*k && strcmp((*k)->type->name, name) != 0)
        k++;
    return *k ? (*k)->type : &share_timeslice;
}

static int parse_instance(jv *v, scn *sc, const cJSON *o, const char *path, model_instance *in,
                          mig_instance *mi)
{
    static const char *const keys[] = { "profile", "start", "mode", NULL };
    const char *modes[16];
    const char *name = NULL;
    long start = -1;
    int nmodes = scn_sharing_names(modes, 16, 1), mode = 0;
    while (mode < nmodes && strcmp(modes[mode], share_timeslice.name) != 0)
        mode++;
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
    jv_enum(v, o, path, "mode", 0, mode, modes, &mode);
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
    in->share = inner_type(modes[mode]);
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
        in->share = &share_timeslice;
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
    sc->cfg.mig = sc->profile && sc->profile->has_mig ? &sc->profile->mig : mig_table_find(sc->cfg.gpu->name);
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

static int mig_parse(jv *v, scn *sc, const cJSON *sh)
{
    jv_number(v, sh, "sharing", "power_throttle", 0, 1.0, (jv_range){ 0, 1, 1, 0, NULL },
              &sc->cfg.power_throttle);
    return v->failed ? -1 : parse_mig(v, sc, sh);
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

/* The tenant's instance, and the memory and compute it has there. */
static int mig_tenant(jv *v, scn *sc, const cJSON *obj, const char *path, tenant_cfg *tc)
{
    long inst = 0;
    jv_int(v, obj, path, "instance", 0, default_instance(sc, tc), 0, sc->cfg.ninst - 1, &inst);
    if (v->failed)
        return -1;
    tc->instance = (int)inst;
    const mig_profile *pr = sc->cfg.inst[inst].prof;
    tc->compute_frac = mig_compute_frac(pr, sc->cfg.gpu);
    tc->mem_frac = mig_mem_frac(sc->cfg.mig, pr);
    tc->mem_gb = mig_mem_bytes(pr) / 1e9;
    return 0;
}

/* A MIG-backed vGPU is one VM per instance; otherwise the rules of the
 * mode the instance runs. */
static int mig_check_tenant(jv *v, scn *sc, int i, const share_res *r, const scn_counts *k)
{
    char p[96], q[96];
    const tenant_cfg *t = &sc->cfg.tenants[i];
    int n = scn_count_on(k, t->gpu, t->instance);
    if (sc->cfg.virt.mode == VIRT_VGPU && n > 1)
        return jv_fail(v, jv_join(p, sizeof p, jv_index(q, sizeof q, "tenants", i), "instance"),
                       "value %d: instance %d (%s) holds one tenant (a MIG-backed vGPU is not time-sliced); "
                       "%d are placed on it", t->instance, t->instance, r->inst->prof->name, n);
    const scn_sharing_kind *in = scn_sharing_kind_of(r->inst->share);
    return in->check_tenant ? in->check_tenant(v, sc, i, r, k) : 0;
}

static const scn_owned_key keys[] = {
    { "power_throttle", "only sharing.mode \"mig\" takes a power throttle" },
    { "instances", "only sharing.mode \"mig\" takes instances" },
    { NULL, NULL },
};

static const scn_owned_key tenant_keys[] = {
    { "instance", "only sharing.mode \"mig\" places tenants on instances" },
    { NULL, NULL },
};

const scn_sharing_kind scn_mig_kind = {
    .type = &share_mig,
    .keys = keys,
    .tenant_keys = tenant_keys,
    .parse = mig_parse,
    .tenant = mig_tenant,
    .check = scn_check_native_slice,
    .check_tenant = mig_check_tenant,
};
