/* contention.c -- predicted against measured for a contention run
 * (contention.h). The measured statistics use GSL's quantile definition, the
 * same as the simulator's reports, so both sides are computed alike. */
#define _XOPEN_SOURCE 700   /* realpath */
#include "calibration/contention.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "scenarios/scenario.h"

#define MAX_REQUESTS 10000000

/* The burst as the roofline sees it: a copy kernel reads and writes its buffer. */
static void burst_size(const cont_run *r, double *flops, double *bytes)
{
    double elem = r->prec == GPU_TF32 || r->prec == GPU_FP32 ? 4 : 2;
    if (r->kind == CONT_COPY) {
        *flops = 0;
        *bytes = 2 * r->copy_bytes * (double)r->kernels;
        return;
    }
    *flops = 2 * r->m * r->n * r->k * (double)r->kernels;
    *bytes = elem * (r->m * r->k + r->k * r->n + r->m * r->n) * (double)r->kernels;
}

/* Per-process latencies of the window, then mean and p95 per process. */
static int measure(cont_run *r, const cJSON *reqs, jv *v)
{
    int n = cJSON_GetArraySize(reqs);
    double *lat = malloc(((size_t)n + 1) * sizeof *lat);
    double sum_mean = 0, sum_p95 = 0;
    int procs_seen = 0;
    char p[64], d[128];
    if (!lat)
        return jv_fail(v, "requests", "out of memory");
    for (int pr = 0; pr < r->procs && !v->failed; pr++) {
        size_t m = 0;
        int i = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, reqs) {
            const cJSON *a = cJSON_GetArrayItem(e, 0), *b = cJSON_GetArrayItem(e, 1),
                        *c = cJSON_GetArrayItem(e, 2);
            if (cJSON_GetArraySize(e) != 3 || !cJSON_IsNumber(a) || !cJSON_IsNumber(b) ||
                !cJSON_IsNumber(c) || a->valuedouble < 0 || a->valuedouble >= r->procs ||
                !(c->valuedouble >= b->valuedouble) || b->valuedouble < 0) {
                jv_fail(v, jv_index(p, sizeof p, "requests", i), "value %s is not allowed; allowed: "
                        "[proc, arrival_ns, end_ns] with 0 <= proc < procs and end_ns >= arrival_ns >= 0",
                        jv_describe(e, d, sizeof d));
                break;
            }
            i++;
            double at = b->valuedouble / 1e9;
            if ((int)a->valuedouble == pr && at >= r->warmup_s && at < r->duration_s)
                lat[m++] = (c->valuedouble - b->valuedouble) / 1e6;
        }
        if (m == 0 || v->failed)
            continue;
        gsl_sort(lat, 1, m);
        sum_mean += gsl_stats_mean(lat, 1, m);
        sum_p95 += gsl_stats_quantile_from_sorted_data(lat, 1, m, 0.95);
        procs_seen++;
        r->completed += m;
    }
    free(lat);
    if (v->failed)
        return -1;
    if (procs_seen < r->procs)
        return jv_fail(v, "requests", "some process has no burst arriving in [warmup_s, duration_s); "
                       "allowed: at least one per process");
    r->mean_ms = sum_mean / procs_seen;
    r->p95_ms = sum_p95 / procs_seen;
    r->throughput_per_s = (double)r->completed / (r->duration_s - r->warmup_s);
    return 0;
}

static double median_samples(jv *v, const cJSON *a)
{
    int n = cJSON_GetArraySize(a);
    double *x = malloc(((size_t)n + 1) * sizeof *x), med = NAN;
    int i = 0;
    const cJSON *e;
    if (!x || n < 1) {
        free(x);
        return NAN;
    }
    cJSON_ArrayForEach(e, a) {
        if (!cJSON_IsNumber(e) || !(e->valuedouble > 0)) {
            jv_fail(v, "solo_burst_us", "every sample must be a number > 0");
            free(x);
            return NAN;
        }
        x[i++] = e->valuedouble;
    }
    gsl_sort(x, 1, (size_t)n);
    med = gsl_stats_median_from_sorted_data(x, 1, (size_t)n) / 1e3;
    free(x);
    return med;
}

static int parse(const cJSON *root, cont_run *r, jv *v)
{
    static const char *const keys[] = { "format", "synthetic", "note", "device", "procs", "duration_s",
                                        "warmup_s", "rate_per_s", "load", "burst", "solo_burst_us",
                                        "requests", NULL };
    static const char *const bkeys[] = { "kind", "prec", "m", "n", "k", "bytes", "kernels", NULL };
    static const char *const kinds[] = { "gemm", "copy", NULL };
    const jv_range secs = { 0, 1e6, 1, 0, "s" }, rate = { 0, 1e7, 1, 0, "per s" };
    const jv_range dim = { 1, 1e7, 0, 0, NULL };
    const char *format = NULL;
    long procs = 0;
    if (!cJSON_IsObject(root))
        return jv_fail(v, "", "a contention file is a JSON object");
    jv_keys(v, root, "", keys);
    jv_string(v, root, "", "format", 1, NULL, &format);
    if (!v->failed && strcmp(format, CONT_FORMAT) != 0)
        return jv_fail(v, "format", "value \"%s\" is not allowed; allowed: \"%s\"", format, CONT_FORMAT);
    jv_bool(v, root, "", "synthetic", 0, &r->synthetic);
    jv_int(v, root, "", "procs", 1, 0, 1, 64, &procs);
    jv_number(v, root, "", "duration_s", 1, 0, secs, &r->duration_s);
    jv_number(v, root, "", "warmup_s", 0, 0, (jv_range){ 0, 1e6, 0, 0, "s" }, &r->warmup_s);
    jv_number(v, root, "", "rate_per_s", 1, 0, rate, &r->rate_per_s);
    const cJSON *b = jv_object(v, root, "", "burst", 1);
    const cJSON *solo = jv_array(v, root, "", "solo_burst_us", 0);
    const cJSON *reqs = jv_array(v, root, "", "requests", 1);
    if (v->failed)
        return -1;
    int kind = CONT_GEMM;
    jv_keys(v, b, "burst", bkeys);
    jv_enum(v, b, "burst", "kind", 0, CONT_GEMM, kinds, &kind);
    r->kind = (cont_kind)kind;
    int gemm = r->kind == CONT_GEMM;
    jv_enum(v, b, "burst", "prec", gemm, GPU_BF16, gpu_prec_names, &r->prec);
    jv_number(v, b, "burst", "m", gemm, 1, dim, &r->m);
    jv_number(v, b, "burst", "n", gemm, 1, dim, &r->n);
    jv_number(v, b, "burst", "k", gemm, 1, dim, &r->k);
    jv_number(v, b, "burst", "bytes", !gemm, 0, (jv_range){ 16, 1e13, 0, 0, "bytes" }, &r->copy_bytes);
    jv_int(v, b, "burst", "kernels", 0, 1, 1, 100000, &r->kernels);
    if (!v->failed && r->prec == GPU_FP8)
        return jv_fail(v, "burst.prec", "value \"fp8\" is not allowed; allowed: bf16, fp16, tf32, fp32 "
                       "(the GEMMs microbench contention runs)");
    if (!v->failed && r->warmup_s >= r->duration_s)
        return jv_fail(v, "warmup_s", "value %g is not below duration_s (%g)", r->warmup_s, r->duration_s);
    if (!v->failed && cJSON_GetArraySize(reqs) > MAX_REQUESTS)
        return jv_fail(v, "requests", "more than %d bursts", MAX_REQUESTS);
    r->procs = (int)procs;
    r->solo_ms = solo ? median_samples(v, solo) : NAN;
    if (v->failed)
        return -1;
    return measure(r, reqs, v);
}

int cont_read(const char *path, cont_run *r, char *err, size_t errlen)
{
    cJSON *root;
    jv v;
    memset(r, 0, sizeof *r);
    if (prof_read_json(path, &root, err, errlen) < 0)
        return 2;
    jv_init(&v, path);
    parse(root, r, &v);
    cJSON_Delete(root);
    if (v.failed) {
        snprintf(err, errlen, "%s", v.msg);
        return strstr(v.msg, "out of memory") ? 1 : 2;
    }
    return 0;
}

/* The scenario of r as a JSON document (caller frees), built in memory and
 * loaded from there (scn_load_doc); printed only when it is to be saved. */
static cJSON *scenario_doc(const cont_run *r, const char *profile, long reps)
{
    double flops, bytes;
    burst_size(r, &flops, &bytes);
    cJSON *s = cJSON_CreateObject();
    char name[64];
    snprintf(name, sizeof name, "contention-%d-procs", r->procs);
    cJSON_AddStringToObject(s, "name", name);
    cJSON_AddStringToObject(s, "description", "one tenant per process of a measured contention run "
                            "(slicesim calibrate predict)");
    cJSON_AddNumberToObject(s, "seed", 1);
    cJSON_AddNumberToObject(s, "duration_s", r->duration_s);
    cJSON_AddNumberToObject(s, "warmup_s", r->warmup_s);
    cJSON_AddNumberToObject(s, "replications", (double)reps);
    cJSON *hw = cJSON_AddObjectToObject(s, "hardware");
    cJSON_AddStringToObject(hw, "profile", profile);
    cJSON_AddNumberToObject(hw, "gpus", 1);
    cJSON *sh = cJSON_AddObjectToObject(s, "sharing");
    cJSON_AddStringToObject(sh, "mode", "timeslice");
    cJSON_AddStringToObject(sh, "policy", "best_effort");
    cJSON_AddStringToObject(sh, "preemption", "instruction");
    cJSON *tl = cJSON_AddArrayToObject(s, "tenants");
    for (int i = 0; i < r->procs; i++) {
        cJSON *t = cJSON_CreateObject();
        char tn[32];
        snprintf(tn, sizeof tn, "proc%d", i);
        cJSON_AddStringToObject(t, "name", tn);
        cJSON *w = cJSON_AddObjectToObject(t, "workload");
        cJSON_AddStringToObject(w, "type", "synthetic");
        if (flops > 0)
            cJSON_AddNumberToObject(w, "flops", flops);
        cJSON_AddNumberToObject(w, "bytes", bytes);
        cJSON_AddNumberToObject(w, "kernels", (double)r->kernels);
        if (flops > 0)
            cJSON_AddStringToObject(w, "precision", gpu_prec_names[r->prec]);
        cJSON *a = cJSON_AddObjectToObject(t, "arrivals");
        cJSON_AddStringToObject(a, "type", "poisson");
        cJSON_AddNumberToObject(a, "rate_per_s", r->rate_per_s);
        cJSON_AddItemToArray(tl, t);
    }
    return s;
}

/* The path of file relative to folder dir (both existing), e.g.
 * "../profiles/h100.json"; file itself when either cannot be resolved. */
static void relative_to(const char *file, const char *dir, char *out, size_t len)
{
    char f[4096], d[4096];
    if (!realpath(file, f) || !realpath(dir, d)) {
        snprintf(out, len, "%s", file);
        return;
    }
    if (strcmp(d, "/") == 0)
        d[0] = '\0';
    size_t i = 0, common = 0;
    while (f[i] && d[i] && f[i] == d[i]) {
        if (f[i] == '/')
            common = i;
        i++;
    }
    if (d[i] == '\0' && f[i] == '/')
        common = i;                 /* dir is an ancestor of file */
    out[0] = '\0';
    for (const char *q = d + common; *q; q++)
        if (*q == '/')
            strncat(out, "../", len - strlen(out) - 1);
    strncat(out, f + common + 1, len - strlen(out) - 1);
}

int cont_predict(const cont_run *r, const char *profile_path, long reps, const char *scenario_dir,
                 cont_pred *out, char **scenario, char *err, size_t errlen)
{
    char msg[1024];
    cJSON *doc = scenario_doc(r, profile_path, reps);
    if (!doc) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    scn *sc = NULL;
    model_result res;
    int rc = scn_load_doc(doc, "(contention scenario)", NULL, 0, &sc, msg, sizeof msg);
    cJSON_Delete(doc);
    if (rc != SCN_OK) {
        snprintf(err, errlen, "%s", msg);
        return rc;
    }
    if (model_run(&sc->cfg, &res, msg, sizeof msg) < 0) {
        snprintf(err, errlen, "%s", msg);
        scn_free(sc);
        return 1;
    }
    memset(out, 0, sizeof *out);
    for (int i = 0; i < res.ntenants; i++) {
        out->throughput_per_s += model_tenant_stat(&res, i, MT_THROUGHPUT)->mean;
        out->mean_ms += model_tenant_stat(&res, i, MT_MEAN)->mean / res.ntenants;
        out->p95_ms += model_tenant_stat(&res, i, MT_P95)->mean / res.ntenants;
    }
    double flops, bytes;
    burst_size(r, &flops, &bytes);
    gpu_rate rate = gpu_rate_of(sc->cfg.gpu, 1, 1);
    gpu_burst b = { flops, bytes, (uint32_t)r->kernels, (gpu_prec)r->prec };
    out->burst_ms = (double)gpu_burst_ns(&rate, &b) / 1e6;
    model_result_free(&res);
    scn_free(sc);
    if (scenario) {
        char rel[4096];
        if (scenario_dir)
            relative_to(profile_path, scenario_dir, rel, sizeof rel);
        else
            snprintf(rel, sizeof rel, "%s", profile_path);
        cJSON *saved = scenario_doc(r, rel, reps);
        *scenario = saved ? cJSON_Print(saved) : NULL;
        cJSON_Delete(saved);
        if (!*scenario) {
            snprintf(err, errlen, "out of memory");
            return 1;
        }
    }
    return 0;
}
