/* profile.c -- reading GPU profiles (profile.h; format in docs/calibration.md).
 *
 * A profile's numbers go into a gpu_spec the way the roofline uses them:
 * peaks times eta. A measured profile may give each precision its own
 * efficiency; the spec has one eta_c (bf16's), so each other precision's peak
 * is scaled by eta_p / eta_c, which makes peak_p x eta_c equal the measured
 * rate of that precision. */
#include "scenarios/profile.h"
#include "scenarios/textfile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/jv.h"

#define MAX_PROFILE_BYTES (16L << 20)

static const char *const COPY_NAMES[PROF_NCOPY] = {
    "h2d_pinned", "d2h_pinned", "h2d_pageable", "d2h_pageable",
};

static const char *const COPY_KEYS[] = {
    "h2d_pinned", "d2h_pinned", "h2d_pageable", "d2h_pageable", NULL,
};

const char *prof_copy_name(prof_copy_kind k) { return COPY_NAMES[k]; }

int prof_read_json(const char *path, cJSON **out, char *err, size_t errlen)
{
    *out = NULL;
    char *text = textfile_read(path, MAX_PROFILE_BYTES, err, errlen);
    if (!text)
        return -1;
    cJSON *root = jv_parse(text, path, err, errlen);
    if (!root) {
        free(text);
        return -1;
    }
    free(text);
    *out = root;
    return 0;
}

/* A [lo, hi] pair at path.key; 1 when present and valid, 0 when absent. */
static int read_range(jv *v, const cJSON *obj, const char *path, const char *key,
                      double *lo, double *hi)
{
    char p[512], d[128];
    const cJSON *a = jv_array(v, obj, path, key, 0);
    if (!a || v->failed)
        return 0;
    jv_join(p, sizeof p, path, key);
    const cJSON *x = cJSON_GetArrayItem(a, 0), *y = cJSON_GetArrayItem(a, 1);
    if (cJSON_GetArraySize(a) != 2 || !cJSON_IsNumber(x) || !cJSON_IsNumber(y) ||
        !(x->valuedouble >= 0) || !(y->valuedouble >= x->valuedouble) || !isfinite(y->valuedouble)) {
        jv_fail(v, p, "value %s is not allowed; allowed: [lo, hi] with 0 <= lo <= hi",
                jv_describe(a, d, sizeof d));
        return 0;
    }
    *lo = x->valuedouble;
    *hi = y->valuedouble;
    return 1;
}

static void copy_str(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

static void parse_peaks(jv *v, const cJSON *root, prof *p)
{
    static const char *const keys[] = { "tflops", "mem_bw_tbs", NULL };
    const jv_range tf = { 0, 1e6, 0, 0, "TFLOP/s" }, bw = { 0, 1e3, 1, 0, "TB/s" };
    const cJSON *pk = jv_object(v, root, "", "peaks", 1);
    if (v->failed)
        return;
    jv_keys(v, pk, "peaks", keys);
    const cJSON *t = jv_object(v, pk, "peaks", "tflops", 1);
    if (v->failed)
        return;
    jv_keys(v, t, "peaks.tflops", gpu_prec_names);
    for (int i = 0; i < GPU_NPREC; i++)
        jv_number(v, t, "peaks.tflops", gpu_prec_names[i], 0, 0, tf, &p->spec.tflops[i]);
    /* a 16-bit tensor peak: bf16, or fp16 alone on GPUs without bf16 (V100, T4) */
    if (!v->failed && !cJSON_GetObjectItemCaseSensitive(t, "bf16") && !cJSON_GetObjectItemCaseSensitive(t, "fp16"))
        jv_fail(v, "peaks.tflops.bf16", "missing; this field is required (or fp16 on a GPU without bf16)");
    else if (!v->failed && p->spec.tflops[GPU_BF16] <= 0 && p->spec.tflops[GPU_FP16] <= 0)
        jv_fail(v, "peaks.tflops.bf16", "value 0 is out of range; allowed: a number > 0 TFLOP/s");
    jv_number(v, pk, "peaks", "mem_bw_tbs", 1, 0, bw, &p->spec.mem_bw_tbs);
}

/* Per-precision efficiencies of a measured profile, folded into the peaks. */
static void parse_eta_by_precision(jv *v, const cJSON *root, prof *p)
{
    static const char *const keys[] = { "eta", "overhead_us", "rms_rel_residual", "points", NULL };
    const jv_range eta = { 0, 1.5, 1, 0, NULL };
    const cJSON *byp = jv_object(v, root, "", "eta_c_by_precision", 0);
    if (!byp || v->failed)
        return;
    const cJSON *e;
    char path[128];
    cJSON_ArrayForEach(e, byp) {
        int prec = gpu_prec_parse(e->string);
        jv_join(path, sizeof path, "eta_c_by_precision", e->string);
        if (prec < 0) {
            char list[64];
            jv_fail(v, path, "unknown precision; allowed: %s", gpu_prec_list(list, sizeof list));
            return;
        }
        if (!cJSON_IsObject(e)) {
            jv_fail(v, path, "expected an object {\"eta\": ...}");
            return;
        }
        double x = 0;
        jv_keys(v, e, path, keys);
        jv_number(v, e, path, "eta", 1, 0, eta, &x);
        if (!v->failed)
            p->spec.tflops[prec] *= x / p->spec.eta_c;
    }
}

/* "ops": the operator-level parameters (gpu_ops, docs/calibration.md). A
 * GPU with a built-in preset of the same name starts from the preset's;
 * any other from h100-sxm's fitted values [I: a profile without operator
 * measurements has nothing better]; each key given replaces one value. */
static void parse_ops(jv *v, const cJSON *root, prof *p, const char *name)
{
    static const char *const keys[] = { "eta_mm", "eta_bw", "gemm_us", "kernel_us", "eta_attn", "eta_conv",
                                        "l2_mb", "eta_l2", "lat_us", "skinny_us", NULL };
    static const char *const pkeys[] = { "bf16", "fp16", "fp8", "tf32", "fp32", "fp4", NULL };
    const jv_range eta = { 0, 1.5, 1, 0, NULL }, us = { 0, 1e4, 0, 0, "us" };
    const jv_range mb = { 0, 1e4, 0, 0, "MB" }, x_hbm = { 0, 10, 0, 0, NULL };
    const gpu_spec *base = name ? gpu_spec_find(name) : NULL;
    p->spec.ops = (base ? base : gpu_spec_find("h100-sxm"))->ops;
    p->spec.ops.fitted = base ? base->ops.fitted : 0;
    p->spec.arch = base ? base->arch : "unknown";
    const cJSON *o = jv_object(v, root, "", "ops", 0);
    if (!o || v->failed)
        return;
    jv_keys(v, o, "ops", keys);
    const cJSON *mm = jv_object(v, o, "ops", "eta_mm", 0);
    if (mm) {
        jv_keys(v, mm, "ops.eta_mm", pkeys);
        for (int i = 0; i < GPU_NPREC; i++)
            jv_number(v, mm, "ops.eta_mm", pkeys[i], 0, p->spec.ops.eta_mm[i], eta, &p->spec.ops.eta_mm[i]);
    }
    jv_number(v, o, "ops", "eta_bw", 0, p->spec.ops.eta_bw, eta, &p->spec.ops.eta_bw);
    jv_number(v, o, "ops", "gemm_us", 0, p->spec.ops.gemm_us, us, &p->spec.ops.gemm_us);
    jv_number(v, o, "ops", "kernel_us", 0, p->spec.ops.kernel_us, us, &p->spec.ops.kernel_us);
    jv_number(v, o, "ops", "eta_attn", 0, p->spec.ops.eta_attn, eta, &p->spec.ops.eta_attn);
    jv_number(v, o, "ops", "eta_conv", 0, p->spec.ops.eta_conv, eta, &p->spec.ops.eta_conv);
    jv_number(v, o, "ops", "l2_mb", 0, p->spec.ops.l2_mb, mb, &p->spec.ops.l2_mb);
    jv_number(v, o, "ops", "eta_l2", 0, p->spec.ops.eta_l2, x_hbm, &p->spec.ops.eta_l2);
    jv_number(v, o, "ops", "lat_us", 0, p->spec.ops.lat_us, us, &p->spec.ops.lat_us);
    jv_number(v, o, "ops", "skinny_us", 0, p->spec.ops.skinny_us, us, &p->spec.ops.skinny_us);
    p->spec.ops.fitted = 1;    /* the profile's author stands behind them */
}

/* "mig": {"slots", "compute_slices", "source", "profiles": [{"name", "id",
 * "compute_slices", "mem_slices", "sms", "mem_gib", "copy_engines",
 * "max_count", "starts": [...]}, ...]} (docs/calibration.md). */
static void parse_mig(jv *v, const cJSON *root, prof *p, long sms)
{
    static const char *const keys[] = { "slots", "compute_slices", "source", "profiles", NULL };
    static const char *const pkeys[] = { "name", "id", "compute_slices", "mem_slices", "sms", "mem_gib",
                                         "copy_engines", "max_count", "starts", NULL };
    const cJSON *o = jv_object(v, root, "", "mig", 0);
    if (!o || v->failed)
        return;
    long slots = 0, cs = 0;
    const char *src = NULL;
    char path[96], sp[128];
    jv_keys(v, o, "mig", keys);
    jv_int(v, o, "mig", "slots", 1, 0, 1, MIG_MAX_STARTS, &slots);
    jv_int(v, o, "mig", "compute_slices", 1, 0, 1, 8, &cs);
    jv_string(v, o, "mig", "source", 1, NULL, &src);
    const cJSON *arr = jv_array(v, o, "mig", "profiles", 1), *e;
    if (v->failed)
        return;
    int n = cJSON_GetArraySize(arr);
    if (n < 1 || n > PROF_MAX_MIG) {
        jv_fail(v, "mig.profiles", "%d profiles; allowed: 1 to %d", n, PROF_MAX_MIG);
        return;
    }
    int i = 0;
    cJSON_ArrayForEach(e, arr) {
        mig_profile *q = &p->mig_profiles[i];
        const char *name = NULL;
        long id = 0, c = 0, m = 0, s = 0, ce = 0, mx = 0;
        double gib = 0;
        jv_index(path, sizeof path, "mig.profiles", i);
        if (!cJSON_IsObject(e)) {
            jv_fail(v, path, "expected an object {\"name\": ..., \"sms\": ...}");
            return;
        }
        jv_keys(v, e, path, pkeys);
        jv_string(v, e, path, "name", 1, NULL, &name);
        jv_int(v, e, path, "id", 0, -1, -1, 1000, &id);
        jv_int(v, e, path, "compute_slices", 1, 0, 1, cs, &c);
        jv_int(v, e, path, "mem_slices", 1, 0, 1, slots, &m);
        jv_int(v, e, path, "sms", 1, 0, 1, sms > 0 ? sms : 100000, &s);
        jv_number(v, e, path, "mem_gib", 1, 0, (jv_range){ 0, 1e6, 1, 0, "GiB" }, &gib);
        jv_int(v, e, path, "copy_engines", 0, 1, 0, 64, &ce);
        jv_int(v, e, path, "max_count", 1, 0, 1, MIG_MAX_INSTANCES, &mx);
        const cJSON *st = jv_array(v, e, path, "starts", 1), *x;
        if (v->failed)
            return;
        int ns = cJSON_GetArraySize(st), k = 0;
        jv_join(sp, sizeof sp, path, "starts");
        if (ns < 1 || ns > MIG_MAX_STARTS) {
            jv_fail(v, sp, "%d start slots; allowed: 1 to %d", ns, MIG_MAX_STARTS);
            return;
        }
        cJSON_ArrayForEach(x, st) {
            if (!cJSON_IsNumber(x) || x->valuedouble != (int)x->valuedouble || x->valuedouble < 0 ||
                x->valuedouble + m > slots) {
                jv_fail(v, sp, "a start slot must be an integer from 0 to slots - mem_slices (%ld)", slots - m);
                return;
            }
            q->starts[k++] = (int)x->valuedouble;
        }
        snprintf(p->mig_names[i], sizeof p->mig_names[i], "%s", name);
        q->name = p->mig_names[i];
        q->id = (int)id;
        q->compute_slices = (int)c;
        q->mem_slices = (int)m;
        q->sms = (int)s;
        q->mem_gib = gib;
        q->copy_engines = (int)ce;
        q->max_count = (int)mx;
        q->nstarts = ns;
        i++;
    }
    snprintf(p->mig_source, sizeof p->mig_source, "%s", src);
    p->mig.gpu = p->name;
    p->mig.slots = (int)slots;
    p->mig.compute_slices = (int)cs;
    p->mig.profiles = p->mig_profiles;
    p->mig.nprofiles = n;
    p->mig.source = p->mig_source;
    p->has_mig = 1;
}

/* "topology": the server the GPU sits in, as a topo_preset's fields
 * (docs/calibration.md). */
static void parse_topology(jv *v, const cJSON *root, prof *p)
{
    static const char *const keys[] = { "name", "full_name", "gpus_per_node", "nvlink_links",
        "nvlink_link_gbs", "nvls", "pcie_gbs", "nics", "nic_gbps", "nic_gbs", "net_lat_scale", "source", "sm",
        "nvlink_group", NULL };
    const cJSON *o = jv_object(v, root, "", "topology", 0);
    if (!o || v->failed)
        return;
    const char *name = NULL, *full = NULL, *src = NULL;
    long ppn = 0, links = 0, nics = 0, sm = 0, group = 0;
    topo_preset *t = &p->topo;
    const jv_range gbs = { 0, 1e5, 0, 0, "GB/s" }, pos = { 0, 1e5, 1, 0, NULL };
    jv_keys(v, o, "topology", keys);
    jv_string(v, o, "topology", "name", 1, NULL, &name);
    jv_string(v, o, "topology", "full_name", 0, NULL, &full);
    jv_string(v, o, "topology", "source", 1, NULL, &src);
    jv_int(v, o, "topology", "gpus_per_node", 1, 0, 1, 64, &ppn);
    jv_int(v, o, "topology", "nvlink_links", 0, 0, 0, 64, &links);
    jv_number(v, o, "topology", "nvlink_link_gbs", links > 0, 0, gbs, &t->nvlink_link_gbs);
    jv_bool(v, o, "topology", "nvls", 0, &t->nvls);
    jv_number(v, o, "topology", "pcie_gbs", 1, 0, pos, &t->pcie_gbs);
    jv_int(v, o, "topology", "nics", 0, 0, 0, 64, &nics);
    jv_number(v, o, "topology", "nic_gbps", nics > 0, 0, (jv_range){ 0, 1e5, 0, 0, "Gb/s" }, &t->nic_gbps);
    jv_number(v, o, "topology", "nic_gbs", nics > 0, 0, gbs, &t->nic_gbs);
    jv_number(v, o, "topology", "net_lat_scale", 0, 1, pos, &t->net_lat_scale);
    jv_int(v, o, "topology", "sm", 0, 0, 0, 1000, &sm);
    jv_int(v, o, "topology", "nvlink_group", 0, 0, 0, 64, &group);
    if (v->failed)
        return;
    t->sm = (int)sm;
    t->nvlink_group = (int)group;
    snprintf(p->topo_name, sizeof p->topo_name, "%s", name);
    snprintf(p->topo_full, sizeof p->topo_full, "%s", full ? full : name);
    snprintf(p->topo_source, sizeof p->topo_source, "%s", src);
    t->name = p->topo_name;
    t->full_name = p->topo_full;
    t->gpu = p->name;
    t->gpus_per_node = (int)ppn;
    t->nvlink_links = (int)links;
    t->nics = (int)nics;
    t->source = p->topo_source;
    t->spec = &p->spec;
    p->has_topo = 1;
}

static void parse_ranges(jv *v, const cJSON *root, prof *p)
{
    static const char *const keys[] = { "gemm_flops", "hbm_bytes", "copy_bytes", NULL };
    const cJSON *mr = jv_object(v, root, "", "measured_range", 0);
    if (!mr || v->failed)
        return;
    jv_keys(v, mr, "measured_range", keys);
    const cJSON *g = jv_object(v, mr, "measured_range", "gemm_flops", 0);
    if (g) {
        const cJSON *e;
        cJSON_ArrayForEach(e, g) {
            int prec = gpu_prec_parse(e->string);
            if (prec < 0) {
                char path[128], list[64];
                jv_fail(v, jv_join(path, sizeof path, "measured_range.gemm_flops", e->string),
                        "unknown precision; allowed: %s", gpu_prec_list(list, sizeof list));
                return;
            }
            p->has_gemm[prec] = read_range(v, g, "measured_range.gemm_flops", e->string,
                                           &p->gemm_lo[prec], &p->gemm_hi[prec]);
        }
    }
    double lo, hi;
    p->has_hbm = read_range(v, mr, "measured_range", "hbm_bytes", &p->hbm_lo, &p->hbm_hi);
    read_range(v, mr, "measured_range", "copy_bytes", &lo, &hi);
}

static void parse_copy(jv *v, const cJSON *root, prof *p)
{
    static const char *const keys[] = { "gbs", "latency_us", "rms_rel_residual", "points", NULL };
    const jv_range gbs = { 0, 1e4, 1, 0, "GB/s" }, lat = { 0, 1e6, 0, 0, "us" };
    const cJSON *c = jv_object(v, root, "", "copy", 0);
    if (!c || v->failed)
        return;
    jv_keys(v, c, "copy", COPY_KEYS);
    for (int k = 0; k < PROF_NCOPY; k++) {
        char path[64];
        const cJSON *e = jv_object(v, c, "copy", COPY_NAMES[k], 0);
        if (!e)
            continue;
        jv_join(path, sizeof path, "copy", COPY_NAMES[k]);
        jv_keys(v, e, path, keys);
        jv_number(v, e, path, "gbs", 1, 0, gbs, &p->copy_gbs[k]);
        jv_number(v, e, path, "latency_us", 1, 0, lat, &p->copy_latency_us[k]);
    }
}

int prof_parse(const cJSON *root, const char *file, prof *p, char *err, size_t errlen)
{
    static const char *const keys[] = {
        "format", "name", "full_name", "kind", "source", "sources", "note", "sms", "mem_gb",
        "nvlink_gbs", "pcie_gbs", "mig_max", "peaks", "eta_c", "eta_m", "eta_c_by_precision",
        "eta_c_by_size", "eta_m_by_kind", "eta_m_by_size", "launch_us", "launch_sync_us", "timeslice_ms",
        "switch_us", "timeslice_fit", "copy", "measured_range", "measured_on", "ops", "mig", "topology", "tdp_w",
        "hold_w", NULL };
    static const char *const kinds[] = { "datasheet", "measured", NULL };
    const jv_range eta = { 0, 1.5, 1, 0, NULL }, pos = { 0, 1e7, 1, 0, NULL };
    const jv_range nonneg = { 0, 1e7, 0, 0, NULL };
    const char *format = NULL, *name = NULL, *full = NULL, *source = NULL;
    long sms = 0, mig = 0;
    int kind = 0;
    jv v;
    memset(p, 0, sizeof *p);
    jv_init(&v, file);
    if (!cJSON_IsObject(root)) {
        jv_fail(&v, "", "a GPU profile is a JSON object");
        goto out;
    }
    jv_keys(&v, root, "", keys);
    jv_string(&v, root, "", "format", 1, NULL, &format);
    if (!v.failed && strcmp(format, PROF_FORMAT) != 0)
        jv_fail(&v, "format", "value \"%s\" is not allowed; allowed: \"%s\"", format, PROF_FORMAT);
    jv_string(&v, root, "", "name", 1, NULL, &name);
    jv_string(&v, root, "", "full_name", 0, NULL, &full);
    jv_enum(&v, root, "", "kind", 1, 0, kinds, &kind);
    jv_string(&v, root, "", "source", 1, NULL, &source);
    jv_int(&v, root, "", "sms", 1, 0, 1, 100000, &sms);
    jv_number(&v, root, "", "mem_gb", 1, 0, pos, &p->spec.mem_gb);
    jv_number(&v, root, "", "nvlink_gbs", 0, 0, nonneg, &p->spec.nvlink_gbs);
    jv_number(&v, root, "", "pcie_gbs", 0, 0, nonneg, &p->spec.pcie_gbs);
    jv_int(&v, root, "", "mig_max", 0, 0, 0, 64, &mig);
    parse_peaks(&v, root, p);
    jv_number(&v, root, "", "eta_c", 1, 0, eta, &p->spec.eta_c);
    jv_number(&v, root, "", "eta_m", 1, 0, eta, &p->spec.eta_m);
    jv_number(&v, root, "", "launch_us", 1, 0, nonneg, &p->spec.launch_us);
    jv_number(&v, root, "", "switch_us", 1, 0, nonneg, &p->spec.switch_us);
    jv_number(&v, root, "", "timeslice_ms", 1, 0, (jv_range){ 0, 1000, 1, 0, "ms" }, &p->timeslice_ms);
    parse_eta_by_precision(&v, root, p);
    parse_ranges(&v, root, p);
    parse_copy(&v, root, p);
    parse_ops(&v, root, p, name);
    /* the power limit and what a dense load needs (gpu_power_clock): a
     * built-in preset of the same name gives the defaults */
    const gpu_spec *base = !v.failed && name ? gpu_spec_find(name) : NULL;
    jv_number(&v, root, "", "tdp_w", 0, base ? base->tdp_w : 0, nonneg, &p->spec.tdp_w);
    jv_number(&v, root, "", "hold_w", 0, base ? base->hold_w : 0, nonneg, &p->spec.hold_w);
    if (!v.failed)
        snprintf(p->name, sizeof p->name, "%s", name);    /* the tables below point at it */
    parse_mig(&v, root, p, sms);
    parse_topology(&v, root, p);
out:
    if (v.failed) {
        snprintf(err, errlen, "%s", v.msg);
        return -1;
    }
    p->measured = kind == 1;
    p->spec.sms = (int)sms;
    p->spec.mig_max = (int)mig;
    copy_str(p->path, sizeof p->path, file);
    copy_str(p->name, sizeof p->name, name);
    copy_str(p->full_name, sizeof p->full_name, full ? full : name);
    copy_str(p->source, sizeof p->source, source);
    p->spec.name = p->name;
    p->spec.full_name = p->full_name;
    p->spec.source = p->source;
    return 0;
}

int prof_load(const char *path, prof *p, char *err, size_t errlen)
{
    cJSON *root;
    if (prof_read_json(path, &root, err, errlen) < 0)
        return -1;
    int rc = prof_parse(root, path, p, err, errlen);
    cJSON_Delete(root);
    return rc;
}

/* ---- checks against what was measured ---- */

static void check_burst(const prof *p, const tenant_cfg *tc, prof_warn_fn warn, void *ud)
{
    const synth_params *sp = tc->wl_params;
    char msg[512];
    double k = sp->kernels > 0 ? sp->kernels : 1;
    if (sp->flops > 0) {
        int prec = sp->prec;
        double f = sp->flops / k;
        if (!p->has_gemm[prec]) {
            snprintf(msg, sizeof msg, "tenant \"%s\": profile \"%s\" measured no %s GEMM; "
                     "its %s compute rate is not calibrated", tc->name, p->name,
                     gpu_prec_name((gpu_prec)prec), gpu_prec_name((gpu_prec)prec));
            warn(ud, msg);
        } else if (f < p->gemm_lo[prec] || f > p->gemm_hi[prec]) {
            snprintf(msg, sizeof msg, "tenant \"%s\": %.3g FLOPs per kernel (%s) is outside the "
                     "range profile \"%s\" measured, [%.3g, %.3g]", tc->name, f,
                     gpu_prec_name((gpu_prec)prec), p->name, p->gemm_lo[prec], p->gemm_hi[prec]);
            warn(ud, msg);
        }
    }
    if (sp->bytes > 0 && p->has_hbm) {
        double b = sp->bytes / k;
        if (b < p->hbm_lo || b > p->hbm_hi) {
            snprintf(msg, sizeof msg, "tenant \"%s\": %.3g bytes per kernel is outside the range "
                     "profile \"%s\" measured, [%.3g, %.3g]", tc->name, b, p->name,
                     p->hbm_lo, p->hbm_hi);
            warn(ud, msg);
        }
    }
}

void prof_check(const prof *p, const model_cfg *cfg, prof_warn_fn warn, void *ud)
{
    char msg[512];
    if (!p)
        return;
    if (!p->measured) {
        snprintf(msg, sizeof msg, "profile \"%s\" is built from datasheets: no measured range "
                 "to check the run against (calibrate with `slicesim calibrate run`)", p->name);
        warn(ud, msg);
        return;
    }
    for (size_t i = 0; i < cfg->ntenants; i++) {
        const tenant_cfg *tc = &cfg->tenants[i];
        if (tc->wl == &wl_synthetic && ((const synth_params *)tc->wl_params)->fixed_burst)
            check_burst(p, tc, warn, ud);
    }
}
