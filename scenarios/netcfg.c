/* netcfg.c -- a scenario's network and the correction files of the
 * collective model (netcfg.h).
 *
 * Correction file:
 * {"latency_scale": 1.2,
 *  "bw_efficiency": [{"size_bytes": 16777216, "eff": 0.45}, ...],
 *  "kind", "source", "platform", "fit", "note": informative, not read} */
#include "scenarios/netcfg.h"
#include "scenarios/textfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/jv.h"
#include "scenarios/scenario.h"

#define MAX_CORR_BYTES (1L << 20)

static int read_points(jv *v, const cJSON *arr, coll_corr *c)
{
    static const char *const keys[] = { "size_bytes", "eff", NULL };
    const jv_range size = { 1, 1e18, 0, 0, "bytes" };
    const jv_range eff = { 0, 10, 1, 0, "(share of the model's bandwidth)" };
    int n = cJSON_GetArraySize(arr);
    if (n > COLL_CORR_MAX)
        return jv_fail(v, "bw_efficiency", "%d points; allowed: at most %d", n, COLL_CORR_MAX);
    for (int i = 0; i < n; i++) {
        char path[64];
        const cJSON *p = cJSON_GetArrayItem(arr, i);
        jv_index(path, sizeof path, "bw_efficiency", i);
        if (!cJSON_IsObject(p))
            return jv_fail(v, path, "a point is an object {\"size_bytes\", \"eff\"}");
        double bytes = 0;
        jv_keys(v, p, path, keys);
        jv_number(v, p, path, "size_bytes", 1, 0, size, &bytes);
        jv_number(v, p, path, "eff", 1, 0, eff, &c->eff[i]);
        if (v->failed)
            return -1;
        c->log2_size[i] = log2(bytes);
        if (i > 0 && !(c->log2_size[i] > c->log2_size[i - 1]))
            return jv_fail(v, path, "size_bytes %.17g; allowed: larger than the previous point's", bytes);
    }
    c->n = n;
    return 0;
}

typedef int (*list_parser)(coll_sel *s, const char *text, char *err, size_t errlen);

/* platform.KEY (nccl_algo or nccl_proto): the NCCL_ALGO or NCCL_PROTO the
 * log ran with, in its syntax (coll_sel.h), into text and c->sel. */
static void read_corr_list(jv *v, const cJSON *p, const char *key, list_parser parse, char *text, size_t len,
                           coll_corr *c)
{
    char msg[400], path[32];
    const cJSON *x = cJSON_GetObjectItem(p, key);
    if (!cJSON_IsString(x))
        return;
    snprintf(text, len, "%s", x->valuestring);
    snprintf(path, sizeof path, "platform.%s", key);
    if (strlen(x->valuestring) >= len)
        jv_fail(v, path, "value \"%.80s\" is longer than %zu characters", x->valuestring, len - 1);
    else if (parse(&c->sel, x->valuestring, msg, sizeof msg) < 0)
        jv_fail(v, path, "value \"%.80s\": %s", x->valuestring, msg);
}

/* The "platform" the correction was fitted on and its "fit" (written by
 * import-nccl-tests): what coll_corr_check compares with where it is used. */
static void read_platform(jv *v, const cJSON *root, coll_corr *c)
{
    const cJSON *p = cJSON_GetObjectItem(root, "platform"), *fit = cJSON_GetObjectItem(root, "fit");
    const cJSON *x;
    c->op = -1;
    c->fit_max_err = NAN;
    if (cJSON_IsObject(fit) && cJSON_IsNumber(x = cJSON_GetObjectItem(fit, "max_rel_err")))
        c->fit_max_err = x->valuedouble;
    if (cJSON_IsObject(fit) && cJSON_IsNumber(x = cJSON_GetObjectItem(fit, "max_rel_err_size_bytes")) &&
        x->valuedouble >= 1 && x->valuedouble <= 1e15)
        c->fit_max_err_size = x->valuedouble;
    if (!cJSON_IsObject(p))
        return;
    c->has_platform = 1;
    if (cJSON_IsString(x = cJSON_GetObjectItem(p, "topology")))
        snprintf(c->topo, sizeof c->topo, "%s", x->valuestring);
    if (cJSON_IsString(x = cJSON_GetObjectItem(p, "gpu")))
        snprintf(c->gpu, sizeof c->gpu, "%s", x->valuestring);
    if (cJSON_IsString(x = cJSON_GetObjectItem(p, "virtualization")))
        snprintf(c->virt, sizeof c->virt, "%s", x->valuestring);
    if (cJSON_IsString(x = cJSON_GetObjectItem(p, "nccl_version"))) {
        c->nccl_version = coll_nccl_version_parse(x->valuestring);
        if (c->nccl_version < 0)
            jv_fail(v, "platform.nccl_version", "value \"%s\" is not a release the model holds; allowed: "
                    "2.18.1 to 2.30.7", x->valuestring);
    }
    read_corr_list(v, p, "nccl_algo", coll_sel_parse_algos, c->algo_text, sizeof c->algo_text, c);
    read_corr_list(v, p, "nccl_proto", coll_sel_parse_protos, c->proto_text, sizeof c->proto_text, c);
    if (cJSON_IsNumber(x = cJSON_GetObjectItem(p, "nodes")))
        c->nodes = x->valueint;
    if (cJSON_IsNumber(x = cJSON_GetObjectItem(p, "gpus_per_node")))
        c->ppn = x->valueint;
    if (cJSON_IsString(x = cJSON_GetObjectItem(p, "op"))) {
        c->op = coll_op_parse(x->valuestring);
        if (c->op < 0)
            jv_fail(v, "platform.op", "value \"%s\" is not a collective; allowed: allreduce, allgather, "
                    "reducescatter, broadcast, reduce, alltoall, sendrecv", x->valuestring);
    }
}

int netcfg_corr_from_json(const cJSON *root, const char *file, coll_corr *c,
                          char *err, size_t errlen)
{
    static const char *const keys[] = { "kind", "source", "platform", "fit", "note",
                                        "latency_scale", "bw_efficiency", NULL };
    const jv_range scale = { 0, 100, 1, 0, "(factor on NCCL's latency)" };
    jv v;
    jv_init(&v, file);
    memset(c, 0, sizeof *c);
    if (!cJSON_IsObject(root)) {
        jv_fail(&v, "", "a correction file is a JSON object");
    } else {
        jv_keys(&v, root, "", keys);
        jv_number(&v, root, "", "latency_scale", 1, 1, scale, &c->lat_scale);
        const cJSON *pts = jv_array(&v, root, "", "bw_efficiency", 1);
        if (pts)
            read_points(&v, pts, c);
        read_platform(&v, root, c);
    }
    if (!v.failed && coll_corr_init(c) < 0)
        jv_fail(&v, "", "out of memory");
    if (v.failed) {
        snprintf(err, errlen, "%s", v.msg);
        return -1;
    }
    return 0;
}

int netcfg_corr_load(const char *file, coll_corr *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    char *text = textfile_read(file, MAX_CORR_BYTES, err, errlen);
    if (!text)
        return SCN_BAD_INPUT;
    cJSON *root = jv_parse(text, file, err, errlen);
    if (!root) {
        free(text);
        return SCN_BAD_INPUT;
    }
    int rc = netcfg_corr_from_json(root, file, c, err, errlen) < 0 ? SCN_BAD_INPUT : SCN_OK;
    cJSON_Delete(root);
    free(text);
    return rc;
}

#define MAX_TUNER_BYTES (1 << 20)

int netcfg_tuner_load(const char *file, coll_sel_rule **rules, int *n, char *err, size_t errlen)
{
    char msg[400];
    *rules = NULL;
    *n = 0;
    char *text = textfile_read(file, MAX_TUNER_BYTES, err, errlen);
    if (!text)
        return SCN_BAD_INPUT;
    int rc = coll_sel_parse_tuner(text, rules, n, msg, sizeof msg);
    free(text);
    if (rc < 0)
        snprintf(err, errlen, "%s: %s", file, msg);
    else if (rc > 0)
        snprintf(err, errlen, "%s: out of memory", file);
    return rc < 0 ? SCN_BAD_INPUT : rc > 0 ? SCN_INTERNAL : SCN_OK;
}

/* --- the "network" section of a scenario --- */

static const topo_preset *network_preset(jv *v, scn *sc, netcfg *n, const char *name, int strict)
{
    const topo_preset *own = sc->profile && sc->profile->has_topo ? &sc->profile->topo : NULL;
    const topo_preset *p = name ? (own && strcmp(name, own->name) == 0 ? own : topo_preset_find(name))
                                : own ? own : topo_preset_for_gpu(sc->cfg.gpu->name);
    if (!name && !p)
        p = topo_generic_pcie(sc->cfg.gpu, &n->generic);
    if (!p && strict) {
        char list[512] = "";
        for (size_t i = 0; i < topo_preset_count(); i++) {
            strncat(list, topo_preset_at(i)->name, sizeof list - strlen(list) - 1);
            if (i + 1 < topo_preset_count())
                strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
        jv_fail(v, "network.topology", "unknown topology preset \"%s\"; allowed: %s", name, list);
    } else if (p && strict && strcmp(p->gpu, sc->cfg.gpu->name) != 0) {
        jv_fail(v, "network.topology", "\"%s\" holds %s GPUs but hardware.gpu is \"%s\"; allowed: a "
                "topology preset of that GPU", name, p->gpu, sc->cfg.gpu->name);
        p = NULL;
    }
    return p;
}

static void read_overrides(jv *v, const cJSON *o, topo_overrides *ov, int *virt)
{
    const char *virts[TOPO_NVIRT + 1] = { NULL };
    const jv_range gbs = { 0, 1e5, 1, 0, "GB/s" }, factor = { 0, 10, 1, 0, "(factor)" };
    const jv_range us = { 0, 1e6, 0, 0, "us" };
    long nics = -1, channels = -1;
    int nvls = 1, hide = 0;
    for (int i = 0; i < TOPO_NVIRT; i++)
        virts[i] = topo_virt_at((topo_virt)i)->name;
    jv_enum(v, o, "network", "virtualization", 0, *virt, virts, virt);
    jv_int(v, o, "network", "nics", 0, -1, 1, 72, &nics);
    jv_int(v, o, "network", "channels", 0, -1, 1, 64, &channels);
    jv_number(v, o, "network", "nic_gbs", 0, -1, gbs, &ov->nic_gbs);
    jv_number(v, o, "network", "net_bw_factor", 0, -1, factor, &ov->net_bw_factor);
    jv_number(v, o, "network", "net_lat_add_us", 0, -1, us, &ov->net_lat_add_us);
    jv_bool(v, o, "network", "nvls", 1, &nvls);
    jv_bool(v, o, "network", "hide_nvlink", topo_virt_at((topo_virt)*virt)->hide_nvlink, &hide);
    ov->nics = (int)nics;
    ov->channels = (int)channels;
    ov->nvls = nvls;
    ov->hide_nvlink = hide;
    /* NCCL's release and NCCL_ALGO / NCCL_PROTO */
    const char *ver = NULL, *algo = NULL, *proto = NULL;
    char msg[400];
    if (jv_string(v, o, "network", "nccl_version", 0, NULL, &ver) == 0 && ver) {
        ov->nccl_version = coll_nccl_version_parse(ver);
        if (ov->nccl_version < 0)
            jv_fail(v, "network.nccl_version", "value \"%s\" is not allowed; allowed: an NCCL release "
                    "\"2.x.y\" from 2.18.1 to 2.30.7", ver);
    }
    if (jv_string(v, o, "network", "algo", 0, NULL, &algo) == 0 && algo &&
        coll_sel_parse_algos(&ov->sel, algo, msg, sizeof msg) < 0)
        jv_fail(v, "network.algo", "value \"%s\": %s (NCCL_ALGO's syntax)", algo, msg);
    if (jv_string(v, o, "network", "proto", 0, NULL, &proto) == 0 && proto &&
        coll_sel_parse_protos(&ov->sel, proto, msg, sizeof msg) < 0)
        jv_fail(v, "network.proto", "value \"%s\": %s (NCCL_PROTO's syntax)", proto, msg);
}

/* network.tuner: a tuner configuration relative to the scenario's folder,
 * its rules copied into memory the scenario owns. */
static int load_tuner(jv *v, scn *sc, netcfg *n, const cJSON *obj, topo_overrides *ov)
{
    char msg[1024], full[4096];
    coll_sel_rule *rules;
    int count;
    jv_string(v, obj, "network", "tuner", 0, NULL, &n->tuner);
    if (v->failed || !n->tuner)
        return v->failed ? -1 : 0;
    int rc = netcfg_tuner_load(scn_path(sc, n->tuner, full, sizeof full), &rules, &count, msg, sizeof msg);
    if (rc != SCN_OK)
        return jv_fail(v, "network.tuner", "%s", msg);
    coll_sel_rule *own = count > 0 ? scn_own(sc, v, sizeof *own * (size_t)count) : NULL;
    if (count > 0 && own)
        memcpy(own, rules, sizeof *own * (size_t)count);
    free(rules);
    if (count > 0 && !own)
        return -1;
    ov->sel.rules = own;
    ov->sel.nrules = count;
    return 0;
}

static void read_noise(jv *v, const cJSON *o, coll_noise *nz)
{
    static const char *const dists[] = { "none", "exponential", "normal", NULL };
    static const char *const modes[] = { "max", "chunk", NULL };
    const jv_range us = { 0, 1e9, 0, 0, "us" }, rate = { 0, 1e7, 0, 0, "per second" };
    int dist = 0, mode = 0;
    jv_number(v, o, "network", "jitter_us", 0, 0, us, &nz->jitter_us);
    jv_enum(v, o, "network", "jitter_dist", 0, nz->jitter_us > 0 ? 1 : 0, dists, &dist);
    jv_number(v, o, "network", "host_noise_rate_per_s", 0, 0, rate, &nz->noise_rate_per_s);
    jv_number(v, o, "network", "host_noise_us", 0, 0, us, &nz->noise_us);
    jv_enum(v, o, "network", "ring_mode", 0, 0, modes, &mode);
    nz->jitter = (coll_jitter)dist;
    nz->mode = (coll_mode)mode;
}

/* network.correction: a file relative to the scenario's folder. */
static int load_correction(jv *v, const scn *sc, netcfg *n, const cJSON *obj)
{
    char msg[1024], full[4096];
    jv_string(v, obj, "network", "correction", 0, NULL, &n->correction);
    if (v->failed || !n->correction)
        return v->failed ? -1 : 0;
    if (netcfg_corr_load(scn_path(sc, n->correction, full, sizeof full), &n->corr, msg, sizeof msg) != SCN_OK)
        return jv_fail(v, "network.correction", "%s", msg);
    return 0;
}

int netcfg_parse(jv *v, scn *sc, const cJSON *obj, const netcfg **out)
{
    static const char *const keys[] = {
        "topology", "virtualization", "nics", "nic_gbs", "channels", "nvls", "hide_nvlink",
        "net_bw_factor", "net_lat_add_us", "jitter_us", "jitter_dist", "host_noise_rate_per_s",
        "host_noise_us", "ring_mode", "correction", "nccl_version", "algo", "proto", "tuner", NULL };
    char msg[512];
    *out = NULL;
    netcfg *n = scn_own(sc, v, sizeof *n);
    if (!n)
        return -1;
    const char *name = NULL;
    topo_overrides ov = topo_overrides_none();
    int virt = topo_virt_parse(sc->virt_mode ? sc->virt_mode : "bare_metal");
    virt = virt < 0 ? TOPO_VIRT_BARE_METAL : virt;
    n->corr.lat_scale = 1;
    if (obj) {
        jv_keys(v, obj, "network", keys);
        jv_string(v, obj, "network", "topology", 0, NULL, &name);
        read_overrides(v, obj, &ov, &virt);
        read_noise(v, obj, &n->noise);
        if (v->failed || load_correction(v, sc, n, obj) < 0 || load_tuner(v, sc, n, obj, &ov) < 0)
            return -1;
        if (ov.nccl_version <= 0 && n->corr.nccl_version > 0)
            ov.nccl_version = n->corr.nccl_version;   /* the release the correction was fitted with */
    }
    const topo_preset *p = network_preset(v, sc, n, name, obj != NULL);
    if (!p)
        return obj ? -1 : 0;
    n->ov = ov;
    if (topo_build(&n->t, p, sc->nodes, sc->gpus_per_node, (topo_virt)virt, &ov, msg, sizeof msg) < 0)
        return obj ? jv_fail(v, "hardware", "%s (network.topology %s)", msg, p->name) : 0;
    if (n->correction) {
        int fit = coll_corr_check(&n->corr, &n->t, COLL_ALLREDUCE, msg, sizeof msg);
        if (fit == COLL_CORR_CANNOT)
            return jv_fail(v, "network.correction", "%s: %s", n->correction, msg);
    }
    if (n->noise.mode == COLL_MODE_CHUNK && topo_ranks(&n->t) > 2048)
        return jv_fail(v, "network.ring_mode", "\"chunk\" with %d ranks; allowed: at most 2048 ranks "
                       "(its cost grows as ranks squared), or \"max\"", topo_ranks(&n->t));
    *out = n;
    return 0;
}

int netcfg_topo(jv *v, scn *sc, int ranks, const char *path, topo *out)
{
    int ppn = ranks <= sc->gpus_per_node ? ranks : sc->gpus_per_node;
    if (ranks % ppn != 0)
        return jv_fail(v, path, "value %d does not fill whole nodes of hardware.gpus (%d); allowed: "
                       "at most %d, or a multiple of it", ranks, sc->gpus_per_node, sc->gpus_per_node);
    return netcfg_topo_shape(v, sc, ranks / ppn, ppn, 0, path, out);
}

int netcfg_topo_shape(jv *v, scn *sc, int nodes, int ppn, int pcie, const char *path, topo *out)
{
    char msg[512];
    const netcfg *n = sc->net;
    const topo_preset *p = n ? n->t.preset
                         : sc->profile && sc->profile->has_topo ? &sc->profile->topo
                         : topo_preset_for_gpu(sc->cfg.gpu->name);
    int virt = n ? (int)n->t.virt : topo_virt_parse(sc->virt_mode ? sc->virt_mode : "bare_metal");
    topo_overrides ov = n ? n->ov : topo_overrides_none();
    if (!p) {
        topo_preset *generic = scn_own(sc, v, sizeof *generic);   /* outlives the topology */
        if (!generic)
            return -1;
        p = topo_generic_pcie(sc->cfg.gpu, generic);
    }
    if (virt < 0)
        virt = TOPO_VIRT_BARE_METAL;
    if (pcie)
        ov.hide_nvlink = 1;
    if (topo_build(out, p, nodes, ppn, (topo_virt)virt, &ov, msg, sizeof msg) < 0)
        return jv_fail(v, path, "value %d: %s (topology %s)", nodes * ppn, msg, p->name);
    return 0;
}
