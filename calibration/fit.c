/* fit.c -- raw microbenchmark JSON into a GPU profile (fit.h).
 *
 * Each section of the raw document is read, checked and fitted on its own;
 * samples of one measured point are reduced to their median first, so a few
 * disturbed repetitions (a host interrupt, a clock change) do not move the
 * fit. The profile records, beside each fitted parameter, the points it came
 * from, the relative residual of each and the range of sizes covered. */
#include "calibration/fit.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "models/gpu.h"
#include "scenarios/jv.h"
#include "scenarios/profile.h"

#define MAX_POINTS 1024
#define MAX_SAMPLES 100000
#define MAX_INTERVALS 1000000

/* ---- numerics ---- */

int fit_line_rel(const double *x, const double *y, size_t n, fit_line *out)
{
    double w[MAX_POINTS], c0, c1, c00, c01, c11, chisq;
    if (n < 2 || n > MAX_POINTS)
        return -1;
    int distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(y[i] > 0))
            return -1;
        w[i] = 1.0 / (y[i] * y[i]);
        distinct |= x[i] != x[0];
    }
    if (!distinct || gsl_fit_wlinear(x, 1, w, 1, y, 1, n, &c0, &c1, &c00, &c01, &c11, &chisq))
        return -1;
    double ss = 0;
    for (size_t i = 0; i < n; i++) {
        double r = (y[i] - (c0 + c1 * x[i])) / y[i];
        ss += r * r;
    }
    out->c0 = c0;
    out->c1 = c1;
    out->rms_rel = sqrt(ss / (double)n);
    out->n = n;
    return 0;
}

static double median_of(double *x, size_t n)
{
    gsl_sort(x, 1, n);
    return gsl_stats_median_from_sorted_data(x, 1, n);
}

static double quantile_of(double *x, size_t n, double f)
{
    gsl_sort(x, 1, n);
    return gsl_stats_quantile_from_sorted_data(x, 1, n, f);
}

typedef struct { double start, end; int proc; int edge; } interval;

static int by_start(const void *a, const void *b)
{
    const interval *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->proc - y->proc;
}

int fit_timeslice(const int *proc, const double *start, const double *end, size_t n,
                  fit_slices *out)
{
    interval *iv = calloc(n ? n : 1, sizeof *iv);
    double *len = calloc(n ? n : 1, sizeof *len), *gap = calloc(n ? n : 1, sizeof *gap);
    size_t nl = 0, ng = 0;
    int rc = -1;
    if (!iv || !len || !gap)
        goto out;
    for (size_t i = 0; i < n; i++)
        iv[i] = (interval){ start[i], end[i], proc[i], 0 };
    qsort(iv, n, sizeof *iv, by_start);
    /* mark the first and last interval of every process */
    size_t first[FIT_MAX_PROCS], last[FIT_MAX_PROCS];
    for (int p = 0; p < FIT_MAX_PROCS; p++)
        first[p] = last[p] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        int p = iv[i].proc;
        if (p < 0 || p >= FIT_MAX_PROCS)
            goto out;
        if (first[p] == SIZE_MAX)
            first[p] = i;
        last[p] = i;
    }
    for (size_t i = 0; i < n; i++)
        iv[i].edge = first[iv[i].proc] == i || last[iv[i].proc] == i;
    for (size_t i = 0; i < n; i++) {
        if (!iv[i].edge)
            len[nl++] = (iv[i].end - iv[i].start) / 1e6;
        if (i + 1 < n && iv[i + 1].proc != iv[i].proc && iv[i + 1].start >= iv[i].end &&
            !(iv[i].edge && iv[i + 1].edge))
            gap[ng++] = (iv[i + 1].start - iv[i].end) / 1e3;
    }
    if (nl < 1 || ng < 1)
        goto out;
    out->slices = nl;
    out->switches = ng;
    out->slice_ms = median_of(len, nl);
    out->slice_p10_ms = quantile_of(len, nl, 0.1);
    out->slice_p90_ms = quantile_of(len, nl, 0.9);
    out->switch_us = median_of(gap, ng);
    out->switch_p10_us = quantile_of(gap, ng, 0.1);
    out->switch_p90_us = quantile_of(gap, ng, 0.9);
    rc = 0;
out:
    free(iv);
    free(len);
    free(gap);
    return rc;
}

/* ---- presets ---- */

const char *fit_preset_for_device(const char *d)
{
    if (!d)
        return NULL;
    if (strstr(d, "H200"))
        return "h200";
    if (strstr(d, "H100"))
        return strstr(d, "PCIe") ? "h100-pcie" : "h100-sxm";
    if (strstr(d, "A100"))
        return strstr(d, "80GB") ? "a100-sxm-80gb" : "a100-sxm-40gb";
    if (strstr(d, "L40S"))
        return "l40s";
    if (strstr(d, "A30"))
        return "a30";
    return NULL;
}

/* ---- reading the raw document ---- */

typedef struct {
    jv              v;
    const gpu_spec *g;
    double          l2_bytes;
    cJSON          *prof, *sources;
} fit_ctx;

/* The median of the positive samples at path.key ("time_us": [...]). */
static double read_median(jv *v, const cJSON *obj, const char *path, const char *key)
{
    char p[512], d[128];
    static const double none = NAN;
    const cJSON *a = jv_array(v, obj, path, key, 1);
    if (v->failed)
        return none;
    int n = cJSON_GetArraySize(a);
    if (n < 1 || n > MAX_SAMPLES) {
        jv_fail(v, jv_join(p, sizeof p, path, key), "has %d samples; allowed: 1 to %d", n, MAX_SAMPLES);
        return none;
    }
    double *x = malloc((size_t)n * sizeof *x);
    if (!x) {
        jv_fail(v, path, "out of memory");
        return none;
    }
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a) {
        if (!cJSON_IsNumber(e) || !(e->valuedouble > 0) || !isfinite(e->valuedouble)) {
            char q[512];
            jv_index(q, sizeof q, jv_join(p, sizeof p, path, key), i);
            jv_fail(v, q, "value %s is not allowed; allowed: a number > 0", jv_describe(e, d, sizeof d));
            free(x);
            return none;
        }
        x[i++] = e->valuedouble;
    }
    double m = median_of(x, (size_t)n);
    free(x);
    return m;
}

static const cJSON *point_at(jv *v, const cJSON *arr, const char *path, int i, char *p, size_t plen)
{
    const cJSON *o = cJSON_GetArrayItem(arr, i);
    jv_index(p, plen, path, i);
    if (!v->failed && !cJSON_IsObject(o))
        jv_fail(v, p, "each point is an object");
    return o;
}

static void note_source(fit_ctx *c, const char *field, const char *text)
{
    if (cJSON_GetObjectItem(c->sources, field))
        cJSON_ReplaceItemInObject(c->sources, field, cJSON_CreateString(text));
    else
        cJSON_AddStringToObject(c->sources, field, text);
}

/* ---- device ---- */

static cJSON *read_device(fit_ctx *c, const cJSON *raw, const char *gpu)
{
    static const char *const keys[] = { "name", "driver", "cuda_runtime", "cuda_driver", "cc",
                                        "sms", "sm_clock_mhz", "mem_clock_mhz", "mem_bus_bits",
                                        "mem_total_bytes", "l2_bytes", "virtualization_mode",
                                        "compute_mode", "hostname", NULL };
    const char *name = NULL;
    const cJSON *dev = jv_object(&c->v, raw, "", "device", 1);
    jv_keys(&c->v, dev, "device", keys);
    jv_string(&c->v, dev, "device", "name", 1, NULL, &name);
    jv_number(&c->v, dev, "device", "l2_bytes", 0, 0, (jv_range){ 0, 1e12, 0, 0, "bytes" }, &c->l2_bytes);
    if (c->v.failed)
        return NULL;
    const char *preset = gpu ? gpu : fit_preset_for_device(name);
    c->g = preset ? gpu_spec_find(preset) : NULL;
    if (!c->g) {
        if (gpu)
            jv_fail(&c->v, "device.name", "--gpu \"%s\" is not a GPU preset; allowed: a100-sxm-40gb, "
                    "a100-sxm-80gb, h100-sxm, h100-pcie, h200, l40s, a30", gpu);
        else
            jv_fail(&c->v, "device.name", "value \"%s\" matches no GPU preset whose datasheet peaks "
                    "the efficiencies could refer to; give --gpu PRESET (a100-sxm-40gb, a100-sxm-80gb, "
                    "h100-sxm, h100-pcie, h200, l40s, a30)", name);
        return NULL;
    }
    return cJSON_Duplicate(dev, 1);
}

/* ---- GEMM ---- */

static double elem_bytes(int prec)
{
    return prec == GPU_TF32 || prec == GPU_FP32 ? 4 : prec == GPU_FP8 ? 1 : 2;
}

typedef struct {
    int    prec;
    double m, n, k, flops, bytes, t_us;
    const char *label;
} gemm_pt;

static size_t read_gemm(fit_ctx *c, const cJSON *arr, gemm_pt *pt)
{
    static const char *const keys[] = { "prec", "m", "n", "k", "label", "time_us", NULL };
    const jv_range dim = { 1, 1e7, 0, 0, NULL };
    int n = cJSON_GetArraySize(arr);
    char p[64];
    if (n > MAX_POINTS) {
        jv_fail(&c->v, "gemm", "has %d points; allowed: at most %d", n, MAX_POINTS);
        return 0;
    }
    for (int i = 0; i < n && !c->v.failed; i++) {
        const cJSON *o = point_at(&c->v, arr, "gemm", i, p, sizeof p);
        gemm_pt *g = &pt[i];
        jv_keys(&c->v, o, p, keys);
        jv_enum(&c->v, o, p, "prec", 1, 0, gpu_prec_names, &g->prec);
        jv_number(&c->v, o, p, "m", 1, 0, dim, &g->m);
        jv_number(&c->v, o, p, "n", 1, 0, dim, &g->n);
        jv_number(&c->v, o, p, "k", 1, 0, dim, &g->k);
        jv_string(&c->v, o, p, "label", 0, "", &g->label);
        g->t_us = read_median(&c->v, o, p, "time_us");
        g->flops = 2 * g->m * g->n * g->k;
        g->bytes = elem_bytes(g->prec) * (g->m * g->k + g->k * g->n + g->m * g->n);
        if (!c->v.failed && c->g->tflops[g->prec] <= 0)
            jv_fail(&c->v, p, "precision %s has no datasheet peak on %s", gpu_prec_names[g->prec], c->g->name);
    }
    return c->v.failed ? 0 : (size_t)n;
}

/* A shape is compute bound when its arithmetic intensity is at least twice
 * the ridge point of the datasheet roofline (FLOPs per byte). */
static int compute_bound(const fit_ctx *c, const gemm_pt *g)
{
    double ridge = c->g->tflops[g->prec] / c->g->mem_bw_tbs;
    return g->flops / g->bytes >= 2 * ridge;
}

static void add_range(cJSON *obj, const char *key, double lo, double hi)
{
    cJSON *r = cJSON_AddArrayToObject(obj, key);
    cJSON_AddItemToArray(r, cJSON_CreateNumber(lo));
    cJSON_AddItemToArray(r, cJSON_CreateNumber(hi));
}

/* eta, overhead and residual of one line fit, under obj.key. */
static void add_line(cJSON *obj, const char *key, const fit_line *f, double eta)
{
    cJSON *e = cJSON_AddObjectToObject(obj, key);
    cJSON_AddNumberToObject(e, "eta", eta);
    cJSON_AddNumberToObject(e, "overhead_us", f->c0);
    cJSON_AddNumberToObject(e, "rms_rel_residual", f->rms_rel);
    cJSON_AddNumberToObject(e, "points", (double)f->n);
}

/* Fit t = t0 + flops / (F eta) over the compute-bound shapes of prec.
 * Returns 1 and records eta and the range, or 0 when they fix no line. */
static int fit_gemm_prec(fit_ctx *c, const gemm_pt *pt, size_t n, int prec, fit_line *fl)
{
    double x[MAX_POINTS], y[MAX_POINTS], lo = INFINITY, hi = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (pt[i].prec == prec && compute_bound(c, &pt[i])) {
            x[m] = pt[i].flops;
            y[m++] = pt[i].t_us;
            lo = fmin(lo, pt[i].flops);
            hi = fmax(hi, pt[i].flops);
        }
    if (m == 0 || fit_line_rel(x, y, m, fl) < 0 || !(fl->c1 > 0))
        return 0;
    const char *name = gpu_prec_name((gpu_prec)prec);
    add_line(cJSON_GetObjectItem(c->prof, "eta_c_by_precision"), name, fl,
             1.0 / (fl->c1 * 1e-6 * c->g->tflops[prec] * 1e12));
    add_range(cJSON_GetObjectItem(cJSON_GetObjectItem(c->prof, "measured_range"), "gemm_flops"),
              name, lo, hi);
    return 1;
}

/* Every shape with its measured eta and the roofline's prediction. */
static void gemm_by_size(fit_ctx *c, const gemm_pt *pt, size_t n, const fit_line *fl,
                         const int *have, double eta_m)
{
    cJSON *bys = cJSON_AddArrayToObject(c->prof, "eta_c_by_size");
    for (size_t i = 0; i < n; i++) {
        const gemm_pt *g = &pt[i];
        double F = c->g->tflops[g->prec] * 1e12, BW = c->g->mem_bw_tbs * 1e12;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "prec", gpu_prec_name((gpu_prec)g->prec));
        cJSON_AddStringToObject(o, "label", g->label);
        cJSON_AddNumberToObject(o, "m", g->m);
        cJSON_AddNumberToObject(o, "n", g->n);
        cJSON_AddNumberToObject(o, "k", g->k);
        cJSON_AddNumberToObject(o, "flops", g->flops);
        cJSON_AddNumberToObject(o, "time_us", g->t_us);
        cJSON_AddNumberToObject(o, "eta", g->flops / (g->t_us * 1e-6 * F));
        cJSON_AddBoolToObject(o, "compute_bound", compute_bound(c, g));
        if (have[g->prec]) {
            const fit_line *f = &fl[g->prec];
            double eta = 1.0 / (f->c1 * 1e-6 * F);
            double pred = f->c0 + 1e6 * fmax(g->flops / (F * eta), g->bytes / (BW * eta_m));
            cJSON_AddNumberToObject(o, "predicted_us", pred);
            cJSON_AddNumberToObject(o, "rel_residual", (g->t_us - pred) / g->t_us);
        }
        cJSON_AddItemToArray(bys, o);
    }
}

static void fit_gemm(fit_ctx *c, const cJSON *arr, double eta_m)
{
    gemm_pt *pt = calloc(MAX_POINTS, sizeof *pt);
    fit_line fl[GPU_NPREC];
    int have[GPU_NPREC] = { 0 };
    if (!pt) {
        jv_fail(&c->v, "gemm", "out of memory");
        return;
    }
    size_t n = read_gemm(c, arr, pt);
    cJSON_AddObjectToObject(c->prof, "eta_c_by_precision");
    for (int prec = 0; prec < GPU_NPREC && !c->v.failed; prec++)
        have[prec] = fit_gemm_prec(c, pt, n, prec, &fl[prec]);
    int ref = have[GPU_BF16] ? GPU_BF16 : have[GPU_FP16] ? GPU_FP16 : -1;
    if (!c->v.failed && ref < 0)
        jv_fail(&c->v, "gemm", "no precision has two compute-bound shapes of different size "
                "(bf16 or fp16 needed); allowed: GEMM points with 2mnk / bytes above twice the ridge point");
    if (!c->v.failed) {
        double eta_c = 1.0 / (fl[ref].c1 * 1e-6 * c->g->tflops[ref] * 1e12);
        cJSON_ReplaceItemInObject(c->prof, "eta_c", cJSON_CreateNumber(eta_c));
        note_source(c, "eta_c", ref == GPU_BF16 ? "[M] fitted: bf16 GEMMs of compute-bound shapes"
                                                : "[M] fitted: fp16 GEMMs (no bf16 measured)");
        gemm_by_size(c, pt, n, fl, have, eta_m);
    }
    free(pt);
}

/* ---- HBM ---- */

static const char *const HBM_KINDS[] = { "copy", "triad", NULL };

typedef struct {
    int    kind;
    double bytes, buf, t_us;
} hbm_pt;

static size_t read_hbm(fit_ctx *c, const cJSON *arr, hbm_pt *pt)
{
    static const char *const keys[] = { "kind", "bytes", "buffer_bytes", "time_us", NULL };
    const jv_range size = { 1, 1e15, 0, 0, "bytes" };
    int n = cJSON_GetArraySize(arr);
    char p[64];
    if (n > MAX_POINTS) {
        jv_fail(&c->v, "hbm", "has %d points; allowed: at most %d", n, MAX_POINTS);
        return 0;
    }
    for (int i = 0; i < n && !c->v.failed; i++) {
        const cJSON *o = point_at(&c->v, arr, "hbm", i, p, sizeof p);
        jv_keys(&c->v, o, p, keys);
        jv_enum(&c->v, o, p, "kind", 1, 0, HBM_KINDS, &pt[i].kind);
        jv_number(&c->v, o, p, "bytes", 1, 0, size, &pt[i].bytes);
        jv_number(&c->v, o, p, "buffer_bytes", 0, pt[i].bytes, size, &pt[i].buf);
        pt[i].t_us = read_median(&c->v, o, p, "time_us");
    }
    return c->v.failed ? 0 : (size_t)n;
}

/* Buffers of at least twice the L2 stream from HBM; smaller ones partly hit the cache. */
static int past_l2(const fit_ctx *c, const hbm_pt *h)
{
    return h->buf >= 2 * c->l2_bytes;
}

/* Fit t = t0 + bytes / (BW eta) for one kernel kind; widens [lo, hi]. */
static int fit_hbm_kind(fit_ctx *c, const hbm_pt *pt, size_t n, int kind, fit_line *fl,
                        double *lo, double *hi)
{
    double x[MAX_POINTS], y[MAX_POINTS];
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (pt[i].kind == kind && past_l2(c, &pt[i])) {
            x[m] = pt[i].bytes;
            y[m++] = pt[i].t_us;
        }
    if (m < 2 || fit_line_rel(x, y, m, fl) < 0 || !(fl->c1 > 0))
        return 0;
    for (size_t i = 0; i < m; i++) {
        *lo = fmin(*lo, x[i]);
        *hi = fmax(*hi, x[i]);
    }
    add_line(cJSON_GetObjectItem(c->prof, "eta_m_by_kind"), HBM_KINDS[kind], fl,
             1.0 / (fl->c1 * 1e-6 * c->g->mem_bw_tbs * 1e12));
    return 1;
}

static void hbm_by_size(fit_ctx *c, const hbm_pt *pt, size_t n, const fit_line *fl, const int *have)
{
    double BW = c->g->mem_bw_tbs * 1e12;
    cJSON *bys = cJSON_AddArrayToObject(c->prof, "eta_m_by_size");
    for (size_t i = 0; i < n; i++) {
        const hbm_pt *h = &pt[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", HBM_KINDS[h->kind]);
        cJSON_AddNumberToObject(o, "bytes", h->bytes);
        cJSON_AddNumberToObject(o, "buffer_bytes", h->buf);
        cJSON_AddNumberToObject(o, "time_us", h->t_us);
        cJSON_AddNumberToObject(o, "eta", h->bytes / (h->t_us * 1e-6 * BW));
        cJSON_AddBoolToObject(o, "in_fit", have[h->kind] && past_l2(c, h));
        if (have[h->kind]) {
            double pred = fl[h->kind].c0 + fl[h->kind].c1 * h->bytes;
            cJSON_AddNumberToObject(o, "predicted_us", pred);
            cJSON_AddNumberToObject(o, "rel_residual", (h->t_us - pred) / h->t_us);
        }
        cJSON_AddItemToArray(bys, o);
    }
}

/* Returns eta_m (the copy kernel's, else the triad's), or NAN on error. */
static double fit_hbm(fit_ctx *c, const cJSON *arr)
{
    hbm_pt *pt = calloc(MAX_POINTS, sizeof *pt);
    fit_line fl[2];
    int have[2] = { 0, 0 };
    double lo = INFINITY, hi = 0, eta_m = NAN;
    if (!pt)
        return jv_fail(&c->v, "hbm", "out of memory"), NAN;
    size_t n = read_hbm(c, arr, pt);
    cJSON_AddObjectToObject(c->prof, "eta_m_by_kind");
    for (int k = 0; k < 2 && !c->v.failed; k++)
        have[k] = fit_hbm_kind(c, pt, n, k, &fl[k], &lo, &hi);
    if (!c->v.failed && !have[0] && !have[1])
        jv_fail(&c->v, "hbm", "no kernel kind has two buffers of different size of at least twice "
                "the L2 cache (device.l2_bytes = %.3g); allowed: copy or triad points with "
                "buffer_bytes >= %.3g", c->l2_bytes, 2 * c->l2_bytes);
    if (!c->v.failed) {
        int k = have[0] ? 0 : 1;
        eta_m = 1.0 / (fl[k].c1 * 1e-6 * c->g->mem_bw_tbs * 1e12);
        cJSON_ReplaceItemInObject(c->prof, "eta_m", cJSON_CreateNumber(eta_m));
        note_source(c, "eta_m", k == 0 ? "[M] fitted: copy kernel over buffers past the L2 cache"
                                       : "[M] fitted: triad kernel (no copy measured)");
        add_range(cJSON_GetObjectItem(c->prof, "measured_range"), "hbm_bytes", lo, hi);
        hbm_by_size(c, pt, n, fl, have);
    }
    free(pt);
    return eta_m;
}

/* ---- launch latency ---- */

static void fit_launch(fit_ctx *c, const cJSON *l)
{
    static const char *const keys[] = { "sync_us", "back_to_back_us", "batch", NULL };
    jv_keys(&c->v, l, "launch", keys);
    double sync = read_median(&c->v, l, "launch", "sync_us");
    double b2b = read_median(&c->v, l, "launch", "back_to_back_us");
    if (c->v.failed)
        return;
    cJSON_ReplaceItemInObject(c->prof, "launch_us", cJSON_CreateNumber(b2b));
    cJSON_AddNumberToObject(c->prof, "launch_sync_us", sync);
    note_source(c, "launch_us", "[M] median time per launch of back-to-back empty kernels");
    note_source(c, "launch_sync_us", "[M] median launch + synchronize round trip of an empty kernel");
}

/* ---- host-device copies ---- */

static void fit_copy(fit_ctx *c, const cJSON *arr)
{
    static const char *const keys[] = { "kind", "bytes", "time_us", NULL };
    static const char *const kinds[] = { "h2d_pinned", "d2h_pinned", "h2d_pageable", "d2h_pageable", NULL };
    const jv_range size = { 1, 1e15, 0, 0, "bytes" };
    int n = cJSON_GetArraySize(arr), kind[MAX_POINTS];
    double bytes[MAX_POINTS], t[MAX_POINTS], x[MAX_POINTS], y[MAX_POINTS], lo = INFINITY, hi = 0;
    char p[64];
    if (n > MAX_POINTS) {
        jv_fail(&c->v, "copy", "has %d points; allowed: at most %d", n, MAX_POINTS);
        return;
    }
    for (int i = 0; i < n && !c->v.failed; i++) {
        const cJSON *o = point_at(&c->v, arr, "copy", i, p, sizeof p);
        jv_keys(&c->v, o, p, keys);
        jv_enum(&c->v, o, p, "kind", 1, 0, kinds, &kind[i]);
        jv_number(&c->v, o, p, "bytes", 1, 0, size, &bytes[i]);
        t[i] = read_median(&c->v, o, p, "time_us");
    }
    if (c->v.failed)
        return;
    cJSON *out = cJSON_AddObjectToObject(c->prof, "copy");
    for (int k = 0; k < PROF_NCOPY; k++) {
        size_t m = 0;
        fit_line fl;
        for (int i = 0; i < n; i++)
            if (kind[i] == k) {
                x[m] = bytes[i];
                y[m++] = t[i];
            }
        if (m < 2 || fit_line_rel(x, y, m, &fl) < 0 || !(fl.c1 > 0))
            continue;
        for (size_t i = 0; i < m; i++) {
            lo = fmin(lo, x[i]);
            hi = fmax(hi, x[i]);
        }
        cJSON *e = cJSON_AddObjectToObject(out, kinds[k]);
        cJSON_AddNumberToObject(e, "gbs", 1.0 / (fl.c1 * 1e3));
        cJSON_AddNumberToObject(e, "latency_us", fl.c0 > 0 ? fl.c0 : 0);
        cJSON_AddNumberToObject(e, "rms_rel_residual", fl.rms_rel);
        cJSON_AddNumberToObject(e, "points", (double)m);
    }
    if (!(hi > 0)) {
        jv_fail(&c->v, "copy", "no copy kind has two transfers of different size; allowed: points of "
                "one kind (h2d_pinned, ...) with at least two sizes");
        return;
    }
    add_range(cJSON_GetObjectItem(c->prof, "measured_range"), "copy_bytes", lo, hi);
    note_source(c, "copy", "[M] fitted: latency + bytes / rate per direction and host memory kind");
}

/* ---- the time-slice probe ---- */

static void fit_probe(fit_ctx *c, const cJSON *probe)
{
    static const char *const keys[] = { "procs", "duration_ms", "gap_threshold_ns", "intervals", NULL };
    long procs = 0;
    jv_keys(&c->v, probe, "timeslice", keys);
    jv_int(&c->v, probe, "timeslice", "procs", 1, 0, 2, FIT_MAX_PROCS, &procs);
    const cJSON *a = jv_array(&c->v, probe, "timeslice", "intervals", 1);
    if (c->v.failed)
        return;
    int n = cJSON_GetArraySize(a);
    if (n > MAX_INTERVALS) {
        jv_fail(&c->v, "timeslice.intervals", "has %d intervals; allowed: at most %d", n, MAX_INTERVALS);
        return;
    }
    int *proc = calloc((size_t)n + 1, sizeof *proc);
    double *st = calloc((size_t)n + 1, sizeof *st), *en = calloc((size_t)n + 1, sizeof *en);
    char p[64], d[128];
    int i = 0;
    const cJSON *e;
    if (!proc || !st || !en) {
        jv_fail(&c->v, "timeslice", "out of memory");
        goto out;
    }
    cJSON_ArrayForEach(e, a) {
        const cJSON *x = cJSON_GetArrayItem(e, 0), *y = cJSON_GetArrayItem(e, 1), *z = cJSON_GetArrayItem(e, 2);
        if (cJSON_GetArraySize(e) != 3 || !cJSON_IsNumber(x) || !cJSON_IsNumber(y) || !cJSON_IsNumber(z) ||
            x->valuedouble < 0 || x->valuedouble >= (double)procs || !(z->valuedouble >= y->valuedouble)) {
            jv_fail(&c->v, jv_index(p, sizeof p, "timeslice.intervals", i),
                    "value %s is not allowed; allowed: [proc, start_ns, end_ns] with 0 <= proc < procs "
                    "and end_ns >= start_ns", jv_describe(e, d, sizeof d));
            goto out;
        }
        proc[i] = (int)x->valuedouble;
        st[i] = y->valuedouble;
        en[i++] = z->valuedouble;
    }
    fit_slices fs;
    if (fit_timeslice(proc, st, en, (size_t)n, &fs) < 0) {
        jv_fail(&c->v, "timeslice.intervals", "no complete slice and switch between processes; "
                "allowed: intervals of at least two processes taking turns");
        goto out;
    }
    cJSON_ReplaceItemInObject(c->prof, "timeslice_ms", cJSON_CreateNumber(fs.slice_ms));
    cJSON_ReplaceItemInObject(c->prof, "switch_us", cJSON_CreateNumber(fs.switch_us));
    cJSON *f = cJSON_AddObjectToObject(c->prof, "timeslice_fit");
    cJSON_AddNumberToObject(f, "procs", (double)procs);
    cJSON_AddNumberToObject(f, "slices", (double)fs.slices);
    cJSON_AddNumberToObject(f, "slice_p10_ms", fs.slice_p10_ms);
    cJSON_AddNumberToObject(f, "slice_p90_ms", fs.slice_p90_ms);
    cJSON_AddNumberToObject(f, "switches", (double)fs.switches);
    cJSON_AddNumberToObject(f, "switch_p10_us", fs.switch_p10_us);
    cJSON_AddNumberToObject(f, "switch_p90_us", fs.switch_p90_us);
    note_source(c, "timeslice_ms", "[M] median run interval of processes spinning on %globaltimer");
    note_source(c, "switch_us", "[M] median gap between one process's interval and the next process's");
out:
    free(proc);
    free(st);
    free(en);
}

/* ---- the profile ---- */

static cJSON *preset_doc(const gpu_spec *g, const char *name, const char *file, int synthetic)
{
    cJSON *o = cJSON_CreateObject(), *pk, *tf;
    char src[512];
    const char *slash = strrchr(file, '/');
    snprintf(src, sizeof src, "%s: fitted by slicesim calibrate fit from %s; peaks from "
             "the %s datasheet (reference FACTS §1)",
             synthetic ? "SYNTHETIC data, not measured on a GPU" : "measured", slash ? slash + 1 : file, g->name);
    cJSON_AddStringToObject(o, "format", PROF_FORMAT);
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "full_name", g->full_name);
    cJSON_AddStringToObject(o, "kind", "measured");
    cJSON_AddStringToObject(o, "source", src);
    cJSON_AddNumberToObject(o, "sms", g->sms);
    cJSON_AddNumberToObject(o, "mem_gb", g->mem_gb);
    cJSON_AddNumberToObject(o, "nvlink_gbs", g->nvlink_gbs);
    cJSON_AddNumberToObject(o, "pcie_gbs", g->pcie_gbs);
    cJSON_AddNumberToObject(o, "mig_max", g->mig_max);
    pk = cJSON_AddObjectToObject(o, "peaks");
    tf = cJSON_AddObjectToObject(pk, "tflops");
    for (int p = 0; p < GPU_NPREC; p++)
        if (g->tflops[p] > 0)
            cJSON_AddNumberToObject(tf, gpu_prec_name((gpu_prec)p), g->tflops[p]);
    cJSON_AddNumberToObject(pk, "mem_bw_tbs", g->mem_bw_tbs);
    cJSON_AddNumberToObject(o, "eta_c", g->eta_c);
    cJSON_AddNumberToObject(o, "eta_m", g->eta_m);
    cJSON_AddNumberToObject(o, "launch_us", g->launch_us);
    cJSON_AddNumberToObject(o, "timeslice_ms", 1.024);
    cJSON_AddNumberToObject(o, "switch_us", g->switch_us);
    cJSON *s = cJSON_AddObjectToObject(o, "sources");
    cJSON_AddStringToObject(s, "peaks", "[F] datasheet (reference FACTS §1)");
    static const char *const kept[] = { "eta_c", "eta_m", NULL };
    for (const char *const *k = kept; *k; k++) {
        snprintf(src, sizeof src, "not measured: preset %s (%s)", g->name, g->source);
        cJSON_AddStringToObject(s, *k, src);
    }
    snprintf(src, sizeof src, "not measured: preset %s, [I] inferred default (reference FACTS §1)", g->name);
    cJSON_AddStringToObject(s, "launch_us", src);
    snprintf(src, sizeof src, "not measured: preset %s, [I] inferred default (reference FACTS §3)", g->name);
    cJSON_AddStringToObject(s, "switch_us", src);
    cJSON_AddStringToObject(s, "timeslice_ms", "not measured: [F] 1024 us default (reference FACTS §3)");
    cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "measured_range"), "gemm_flops");
    return o;
}

int fit_profile(const cJSON *raw, const char *file, const char *gpu, cJSON **out,
                char *err, size_t errlen)
{
    static const char *const keys[] = { "format", "synthetic", "note", "device", "launch", "hbm",
                                        "gemm", "copy", "timeslice", "contention", NULL };
    const char *format = NULL, *note = NULL;
    int synthetic = 0;
    fit_ctx c;
    memset(&c, 0, sizeof c);
    jv_init(&c.v, file);
    *out = NULL;
    if (!cJSON_IsObject(raw)) {
        jv_fail(&c.v, "", "a raw calibration file is a JSON object");
        goto fail;
    }
    jv_keys(&c.v, raw, "", keys);
    jv_string(&c.v, raw, "", "format", 1, NULL, &format);
    if (!c.v.failed && strcmp(format, FIT_RAW_FORMAT) != 0)
        jv_fail(&c.v, "format", "value \"%s\" is not allowed; allowed: \"%s\"", format, FIT_RAW_FORMAT);
    jv_bool(&c.v, raw, "", "synthetic", 0, &synthetic);
    jv_string(&c.v, raw, "", "note", 0, NULL, &note);
    cJSON *dev = read_device(&c, raw, gpu);
    if (c.v.failed)
        goto fail;
    char name[96];
    snprintf(name, sizeof name, "%s-%s", c.g->name, synthetic ? "synthetic" : "measured");
    c.prof = preset_doc(c.g, name, file, synthetic);
    c.sources = cJSON_GetObjectItem(c.prof, "sources");
    if (synthetic)
        cJSON_AddStringToObject(c.prof, "note", note ? note : "fitted from synthetic data, not from a GPU");
    cJSON_AddItemToObject(c.prof, "measured_on", dev);
    const cJSON *l = jv_object(&c.v, raw, "", "launch", 0);
    const cJSON *h = jv_array(&c.v, raw, "", "hbm", 0);
    const cJSON *g = jv_array(&c.v, raw, "", "gemm", 0);
    const cJSON *cp = jv_array(&c.v, raw, "", "copy", 0);
    const cJSON *probe = jv_object(&c.v, raw, "", "timeslice", 0);
    double eta_m = c.g->eta_m;
    if (l)
        fit_launch(&c, l);
    if (h && !c.v.failed)
        eta_m = fit_hbm(&c, h);
    if (g && !c.v.failed)
        fit_gemm(&c, g, eta_m);
    if (cp && !c.v.failed)
        fit_copy(&c, cp);
    if (probe && !c.v.failed)
        fit_probe(&c, probe);
    if (c.v.failed)
        goto fail;
    *out = c.prof;
    return 0;
fail:
    cJSON_Delete(c.prof);
    snprintf(err, errlen, "%s", c.v.msg);
    return strstr(c.v.msg, "out of memory") ? 1 : 2;
}
