/* validate.c -- the validation cases (validate.h).
 *
 * Queueing cases run scenarios through the whole model (scenario parser,
 * tenants, time-sliced executor) and hold the result to closed forms.
 * Calibration cases fit the synthetic fixture, whose generating parameters
 * are known, and compare the presets' roofline with measured operator
 * profiles. Tolerances allow for sampling error of the run lengths used
 * (a few per cent) or, for measurements, the roofline's known simplification
 * (no overlap of compute and memory time). */
#include "calibration/validate.h"
#include "models/diffusion.h"
#include "models/llm.h"
#include "models/training.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cJSON.h>
#include "calibration/collfit.h"
#include "calibration/fit.h"
#include "calibration/contention.h"
#include "scenarios/scenario.h"

const char *val_path(const val_out *o, const char *rel, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", o->root, rel);
    return buf;
}

/* Skips the case: the file at path is not there. */
static void skip_missing(val_out *o, const char *path)
{
    char why[1200];
    snprintf(why, sizeof why, "%s not found (run from the repository root or give --root)", path);
    val_skip(o, why);
}

FILE *val_open(val_out *o, const char *rel)
{
    char path[1024];
    FILE *f = fopen(val_path(o, rel, path, sizeof path), "r");
    if (!f)
        skip_missing(o, path);
    return f;
}

const char *val_family_name(val_family f)
{
    static const char *const N[VAL_NFAMILIES] = {
        "nccl", "llm", "diffusion", "training", "timeslice", "mig", "mps", "virtualization",
        "analytic", "fixture",
    };
    return (unsigned)f < VAL_NFAMILIES ? N[f] : "?";
}

const char *val_source_name(val_source s)
{
    static const char *const N[VAL_NSOURCES] = { "published", "measured", "fixture", "analytic" };
    return (unsigned)s < VAL_NSOURCES ? N[s] : "?";
}

/* A number, or JSON null when it is not finite (cJSON would print null too,
 * but saying so keeps the intent visible). */
static void json_num(cJSON *obj, const char *key, double x)
{
    if (isfinite(x))
        cJSON_AddNumberToObject(obj, key, x);
    else
        cJSON_AddNullToObject(obj, key);
}

/* A JSON row of the current case naming its family, source and item, and
 * gpu unless NULL; NULL when out of memory (the row is then left out of
 * the JSON only). */
static cJSON *row_object(const val_out *o, const char *item, const char *gpu)
{
    cJSON *r = cJSON_CreateObject();
    if (!r)
        return NULL;
    cJSON_AddStringToObject(r, "case", o->case_name);
    cJSON_AddStringToObject(r, "family", val_family_name(o->family));
    cJSON_AddStringToObject(r, "source", val_source_name(o->source));
    cJSON_AddStringToObject(r, "item", item);
    if (gpu)
        cJSON_AddStringToObject(r, "gpu", gpu);
    return r;
}

void val_unit_row(val_out *o, const char *quantity, const char *unit, double pred, double ref,
                  double tol)
{
    double err = (pred - ref) / ref;
    int ok = isfinite(pred) && fabs(pred - ref) <= tol * fabs(ref);
    fprintf(o->out, "%-18s %-34s %12.5g %12.5g %+8.2f%% %6.1f%%  %s\n", o->case_name, quantity,
            pred, ref, 100 * err, 100 * tol, ok ? "ok" : "FAIL");
    o->rows++;
    o->failed += !ok;
    if (!o->json)
        return;
    cJSON *r = row_object(o, quantity, o->gpu);
    if (!r)
        return;
    json_num(r, "predicted", pred);
    json_num(r, "reference", ref);
    cJSON_AddStringToObject(r, "unit", unit ? unit : "");
    json_num(r, "error_pct", 100 * err);
    json_num(r, "tolerance_pct", 100 * tol);
    cJSON_AddBoolToObject(r, "ok", ok);
    cJSON_AddItemToArray(o->json, r);
}

void val_summary(val_out *o, const char *item, int points, double mean, double max, double mean_target,
                 double max_target)
{
    int ok = points > 0 && mean <= mean_target && max <= max_target;
    fprintf(o->out, "%-18s %-34s %3d points: mean |error| %5.1f%% (target %.0f%%), largest %5.1f%% "
            "(target %.0f%%)  %s\n", o->case_name, item, points, 100 * mean, 100 * mean_target, 100 * max,
            100 * max_target, ok ? "ok" : "MISS");
    o->summaries++;
    o->missed += !ok;
    if (!o->json_summaries)
        return;
    cJSON *r = row_object(o, item, NULL);   /* a series may span GPUs */
    if (!r)
        return;
    cJSON_AddNumberToObject(r, "points", points);
    json_num(r, "mean_abs_error_pct", 100 * mean);
    json_num(r, "max_abs_error_pct", 100 * max);
    cJSON_AddNumberToObject(r, "target_mean_pct", 100 * mean_target);
    cJSON_AddNumberToObject(r, "target_max_pct", 100 * max_target);
    cJSON_AddBoolToObject(r, "ok", ok);
    cJSON_AddItemToArray(o->json_summaries, r);
}

void val_row(val_out *o, const char *quantity, double pred, double ref, double tol)
{
    val_unit_row(o, quantity, o->unit, pred, ref, tol);
}

/* The |relative errors| of a family's rows as they come: count, sum and
 * largest (all 0 before the first). */
typedef struct {
    int n;
    double sum, max;
} err_acc;

/* Adds one row's |relative error| e to a. */
static void err_add(err_acc *a, double e)
{
    a->sum += e;
    a->max = e > a->max ? e : a->max;
    a->n++;
}

/* val_row of pred against ref held to tol, its |pred - ref| / ref added
 * to a. */
static void err_row(val_out *o, err_acc *a, const char *quantity, double pred, double ref, double tol)
{
    val_row(o, quantity, pred, ref, tol);
    err_add(a, fabs(pred - ref) / ref);
}

/* val_summary of a's rows: their mean (0 without rows) and largest
 * |error| against the targets. */
static void err_summary(val_out *o, const char *item, const err_acc *a, double mean_target, double max_target)
{
    val_summary(o, item, a->n, a->n ? a->sum / a->n : 0, a->max, mean_target, max_target);
}

/* A case that produced no rows: recorded in the JSON beside the rows. */
static void json_note(val_out *o, const char *status, const char *why)
{
    if (!o->json_notes)
        return;
    cJSON *r = cJSON_CreateObject();
    if (!r)
        return;
    cJSON_AddStringToObject(r, "case", o->case_name);
    cJSON_AddStringToObject(r, "family", val_family_name(o->family));
    cJSON_AddStringToObject(r, "source", val_source_name(o->source));
    cJSON_AddStringToObject(r, "status", status);
    cJSON_AddStringToObject(r, "why", why);
    cJSON_AddItemToArray(o->json_notes, r);
}

void val_skip(val_out *o, const char *why)
{
    fprintf(o->out, "%-18s skipped: %s\n", o->case_name, why);
    o->skipped++;
    json_note(o, "skipped", why);
}

void val_broken(val_out *o, const char *why)
{
    fprintf(o->out, "%-18s BROKEN: %s\n", o->case_name, why);
    o->broken++;
    json_note(o, "broken", why);
}

/* ---- queueing through the model ---- */

/* Run a one-GPU scenario; NULL (case broken) on error. */
static scn *run_text(val_out *o, const char *text, model_result *res)
{
    char msg[1024];
    scn *sc = NULL;
    if (scn_load_text(text, o->case_name, NULL, 0, &sc, msg, sizeof msg) != SCN_OK) {
        val_broken(o, msg);
        return NULL;
    }
    if (model_run(&sc->cfg, res, msg, sizeof msg) < 0) {
        val_broken(o, msg);
        scn_free(sc);
        return NULL;
    }
    return sc;
}

#define QUEUE_SCENARIO(sharing, context, dist) \
    "{\"seed\": 7, \"duration_s\": 100, \"warmup_s\": 2, \"replications\": 4," \
    " \"hardware\": {\"gpu\": \"h100-sxm\"}, \"sharing\": " sharing "," \
    " \"tenants\": [{\"name\": \"q\", \"context\": \"" context "\"," \
    " \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"" dist "\", \"mean\": 1}}," \
    " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 500}}]}"

/* M/M/1 FCFS, lambda 500/s, mu 1000/s: E[T] = 1/(mu - lambda) = 2 ms and
 * T is exponential, so p95 = ln(20) / (mu - lambda). */
static void case_mm1(val_out *o)
{
    model_result r;
    scn *sc = run_text(o, QUEUE_SCENARIO("{\"mode\": \"exclusive\"}", "shared", "exponential"), &r);
    if (!sc)
        return;
    o->unit = "ms";
    val_row(o, "mean latency ms", model_tenant_stat(&r, 0, MT_MEAN)->mean, 2.0, 0.05);
    val_row(o, "p95 latency ms", model_tenant_stat(&r, 0, MT_P95)->mean, 2.0 * log(20.0), 0.05);
    model_result_free(&r);
    scn_free(sc);
}

/* M/D/1 FCFS, rho 0.5, S 1 ms: E[T] = S + rho S / (2 (1 - rho)) = 1.5 ms. */
static void case_md1(val_out *o)
{
    model_result r;
    scn *sc = run_text(o, QUEUE_SCENARIO("{\"mode\": \"exclusive\"}", "shared", "deterministic"), &r);
    if (!sc)
        return;
    o->unit = "ms";
    val_row(o, "mean latency ms", model_tenant_stat(&r, 0, MT_MEAN)->mean, 1.5, 0.03);
    model_result_free(&r);
    scn_free(sc);
}

/* Processor sharing: each request its own context, slice 20 us (2% of S),
 * no switch cost. E[T] = E[S] / (1 - rho) = 2 ms whatever the service
 * distribution; deterministic service shows the insensitivity. */
static void case_ps(val_out *o)
{
    model_result r;
    scn *sc = run_text(o, QUEUE_SCENARIO("{\"mode\": \"timeslice\", \"timeslice_ms\": 0.02, "
                                         "\"switch_cost_us\": 0}", "per_request", "deterministic"), &r);
    if (!sc)
        return;
    o->unit = "ms";
    val_row(o, "mean latency ms", model_tenant_stat(&r, 0, MT_MEAN)->mean, 2.0, 0.05);
    model_result_free(&r);
    scn_free(sc);
}

/* Two always-busy tenants, slice q = 1 ms, switch c = 100 us: the GPU does
 * useful work q / (q + c) of the time and each tenant gets half of it. */
static void case_slice_share(val_out *o)
{
    static const char *const text =
        "{\"seed\": 1, \"duration_s\": 10, \"warmup_s\": 1, \"replications\": 1,"
        " \"hardware\": {\"gpu\": \"h100-sxm\"},"
        " \"sharing\": {\"mode\": \"timeslice\", \"timeslice_ms\": 1, \"switch_cost_us\": 100},"
        " \"tenants\": ["
        "  {\"name\": \"a\", \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"deterministic\", \"mean\": 1000}},"
        "   \"arrivals\": {\"type\": \"closed\", \"users\": 1, \"think_s\": 0}},"
        "  {\"name\": \"b\", \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"deterministic\", \"mean\": 1000}},"
        "   \"arrivals\": {\"type\": \"closed\", \"users\": 1, \"think_s\": 0}}]}";
    model_result r;
    scn *sc = run_text(o, text, &r);
    if (!sc)
        return;
    o->unit = "fraction";
    val_row(o, "gpu useful fraction", model_gpu_stat(&r, 0, MG_UTIL)->mean, 1.0 / 1.1, 0.001);
    val_row(o, "tenant a gpu share", model_tenant_stat(&r, 0, MT_SHARE)->mean, 0.5 / 1.1, 0.002);
    model_result_free(&r);
    scn_free(sc);
}

/* ---- calibration ---- */

static double num(const cJSON *o, const char *a, const char *b, const char *c)
{
    const cJSON *x = cJSON_GetObjectItem(o, a);
    if (b)
        x = cJSON_GetObjectItem(x, b);
    if (c)
        x = cJSON_GetObjectItem(x, c);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

/* The synthetic fixture was generated from known parameters (see
 * tests/fixtures/make_synthetic_raw.py); the fit must recover them. */
static void case_fixture_fit(val_out *o)
{
    char path[1024], msg[1200];
    cJSON *raw, *p;
    val_path(o, "tests/fixtures/raw_synthetic_h100.json", path, sizeof path);
    if (access(path, R_OK) != 0) {
        skip_missing(o, path);
        return;
    }
    if (prof_read_json(path, &raw, msg, sizeof msg) < 0) {
        val_broken(o, msg);
        return;
    }
    int rc = fit_profile(raw, path, NULL, &p, msg, sizeof msg);
    cJSON_Delete(raw);
    if (rc != 0) {
        val_broken(o, msg);
        return;
    }
    val_unit_row(o, "eta_c bf16", "fraction", num(p, "eta_c", NULL, NULL), 0.70, 0.02);
    val_unit_row(o, "eta_c tf32", "fraction", num(p, "eta_c_by_precision", "tf32", "eta"), 0.55, 0.02);
    val_unit_row(o, "eta_c fp32", "fraction", num(p, "eta_c_by_precision", "fp32", "eta"), 0.85, 0.02);
    val_unit_row(o, "gemm overhead us (bf16)", "us", num(p, "eta_c_by_precision", "bf16", "overhead_us"),
                 5.0, 0.2);
    val_unit_row(o, "eta_m (copy)", "fraction", num(p, "eta_m", NULL, NULL), 0.85, 0.02);
    val_unit_row(o, "launch us", "us", num(p, "launch_us", NULL, NULL), 2.2, 0.02);
    val_unit_row(o, "time slice ms", "ms", num(p, "timeslice_ms", NULL, NULL), 1.6, 0.02);
    val_unit_row(o, "switch us", "us", num(p, "switch_us", NULL, NULL), 38.0, 0.05);
    val_unit_row(o, "h2d pinned GB/s", "GB/s", num(p, "copy", "h2d_pinned", "gbs"), 52.0, 0.03);
    val_unit_row(o, "h2d pinned latency us", "us", num(p, "copy", "h2d_pinned", "latency_us"), 8.0, 0.1);
    cJSON_Delete(p);
}

/* The Vidur per-operator profiles (MIT; calibration/data/README.md): every
 * row of llm_operator_profiles.csv (Llama-2-7B, Llama-3-8B, Llama-2-70B,
 * Llama-3-70B on A100 80GB and H100 SXM, tp 1-8, 1-32768 tokens) against
 * the operator model (llm_layer_op_s on the presets). The source prints
 * milliseconds to three decimals (1 us), so a prediction is compared as the
 * source would print it, and a row is held to 25% or to one printed unit
 * and a half (rounding of the reference and of the prediction), whichever
 * is larger. The shapes come from each row's own notes (n_head, n_kv_head,
 * n_embd, ffn). `layers` sums the nine operators of each (GPU, model, tp,
 * tokens): the per-layer time outside attention an engine iteration
 * adds up (docs/workloads.md). */
typedef struct {
    char gpu[8], model[64];
    int  tp, tokens, op;
    double ms;
    llm_model shape;
} vidur_row;

static const char *const VIDUR_OPS[LLM_NOPS] = {
    [LLM_OP_EMBED] = "emb", [LLM_OP_NORM] = "input_layernorm", [LLM_OP_QKV] = "attn_pre_proj",
    [LLM_OP_ROPE] = "attn_rope", [LLM_OP_ATTN_OUT] = "attn_post_proj", [LLM_OP_ADD] = "add",
    [LLM_OP_MLP_UP] = "mlp_up_proj", [LLM_OP_ACT] = "mlp_act", [LLM_OP_MLP_DOWN] = "mlp_down_proj",
};

static int vidur_op(const char *name)
{
    if (strcmp(name, "post_attention_layernorm") == 0)
        return LLM_OP_NORM;
    for (int k = 0; k < LLM_NOPS; k++)
        if (strcmp(VIDUR_OPS[k], name) == 0)
            return k;
    return -1;
}

/* Splits line in place at its commas into at most max fields (what follows
 * the max-th is dropped); returns how many. The calibration CSVs
 * read this way hold no quoted field. */
static int split_commas(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max; n++) {
        f[n] = p;
        char *c = strchr(p, ',');
        if (!c)
            return n + 1;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

/* The next line of f, read into line (len bytes) and split at its commas
 * into fld (at most max fields), that holds at least min fields and is not
 * the header (first field "model"): its field count, 0 at the end of f. */
static int next_fields(FILE *f, char *line, int len, char **fld, int max, int min)
{
    while (fgets(line, len, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        int k = split_commas(line, fld, max);
        if (k >= min && strcmp(fld[0], "model") != 0)
            return k;
    }
    return 0;
}

/* One data line into r; 0 on success. Fields: record_type, gpu, model, tp,
 * num_tokens, operator, median_ms, min_ms, max_ms, precision, framework,
 * source, notes (no field holds a comma or a quote). */
static int vidur_parse(char *line, vidur_row *r)
{
    char *f[13];
    int n = split_commas(line, f, 13);
    if (n != 13 || strcmp(f[0], "vidur_operator_profile") != 0)
        return -1;
    const char *sh = strstr(f[12], "n_head=");
    int h, kv, d, ffn;
    char *end;
    if (!sh || sscanf(sh, "n_head=%d n_kv_head=%d n_embd=%d ffn=%d", &h, &kv, &d, &ffn) != 4)
        return -1;
    snprintf(r->gpu, sizeof r->gpu, "%s", strncmp(f[1], "A100", 4) == 0 ? "a100" : "h100");
    const char *slash = strrchr(f[2], '/');
    snprintf(r->model, sizeof r->model, "%s", slash ? slash + 1 : f[2]);
    r->tp = (int)strtol(f[3], &end, 10);
    r->tokens = (int)strtol(f[4], &end, 10);
    r->op = vidur_op(f[5]);
    r->ms = strtod(f[6], &end);
    if (r->op < 0 || r->tp < 1 || r->tokens < 1 || !(r->ms > 0))
        return -1;
    memset(&r->shape, 0, sizeof r->shape);
    r->shape.name = r->model;
    r->shape.layers = 1;
    r->shape.d_model = d;
    r->shape.heads = h;
    r->shape.kv_heads = kv;
    r->shape.head_dim = d / h;
    r->shape.ffn = ffn;
    r->shape.vocab = 32000;
    return 0;
}

/* The prediction as the source prints it: to 1 us when the reference is a
 * whole number of microseconds (medians of an even count end in .5 us). */
static double as_printed(double pred_ms, double ref_ms)
{
    double us = ref_ms * 1e3;
    return fabs(us - round(us)) < 1e-6 ? round(pred_ms * 1e3) / 1e3 : pred_ms;
}

static double vidur_tol(double ref_ms)
{
    double unit = 1.5e-3 / ref_ms;
    return (unit > 0.25 ? unit : 0.25) + 1e-9;    /* a printed tie is within */
}

/* The preset a Vidur row runs on: its A100 is the 80 GB part (Vidur's
 * profiling setup), its H100 the SXM one. */
static const char *vidur_preset(const vidur_row *r)
{
    return strcmp(r->gpu, "a100") == 0 ? "a100-sxm-80gb" : "h100-sxm";
}

static void vidur_rows(val_out *o, int layers)
{
    char line[1200], q[160];
    FILE *f = val_open(o, "calibration/data/llm_operator_profiles.csv");
    if (!f)
        return;
    int rows = 0, have = 0;
    vidur_row r, cur;
    double sum_pred = 0, sum_ref = 0;
    int nops = 0;
    o->unit = "ms";
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (vidur_parse(line, &r) != 0)
            continue;
        const gpu_spec *g = gpu_spec_find(vidur_preset(&r));
        gpu_rate rate = gpu_rate_of(g, 1, 1);
        o->gpu = g->name;
        double pred = llm_layer_op_s(&r.shape, &rate, GPU_BF16, r.tp, r.tokens, (llm_layer_op)r.op) * 1e3;
        if (!layers) {
            snprintf(q, sizeof q, "%s %s tp%d %d tok %s ms", r.gpu, r.model, r.tp, r.tokens,
                     r.op == LLM_OP_NORM ? "norm" : VIDUR_OPS[r.op]);
            val_row(o, q, as_printed(pred, r.ms), r.ms, vidur_tol(r.ms));
            rows++;
            continue;
        }
        if (have && (strcmp(cur.gpu, r.gpu) || strcmp(cur.model, r.model) || cur.tp != r.tp ||
                     cur.tokens != r.tokens)) {
            if (nops == 10) {
                snprintf(q, sizeof q, "%s %s tp%d %d tok layer ms", cur.gpu, cur.model, cur.tp, cur.tokens);
                o->gpu = vidur_preset(&cur);
                val_row(o, q, sum_pred, sum_ref, 0.25 + 1e-9);
                rows++;
            }
            sum_pred = sum_ref = 0;
            nops = 0;
        }
        cur = r;
        have = 1;
        sum_pred += pred;
        sum_ref += r.ms;
        nops++;
    }
    if (layers && have && nops == 10) {
        snprintf(q, sizeof q, "%s %s tp%d %d tok layer ms", cur.gpu, cur.model, cur.tp, cur.tokens);
        o->gpu = vidur_preset(&cur);
        val_row(o, q, sum_pred, sum_ref, 0.25 + 1e-9);
        rows++;
    }
    fclose(f);
    if (rows == 0)
        val_broken(o, "no operator rows could be read");
}

/* diffusers' torch 2.0 benchmark (calibration/data/diffusers_torch2.csv):
 * every numeric cell, iterations per second of the denoising loop, fp16,
 * guidance on, against diff_step_s of the layer-walked UNet (ControlNet for
 * the controlnet pipeline; img2img and inpaint run the same UNet per step)
 * with the engine preset "eager" or "compile". The A100's variant is not
 * stated: the 80GB preset [I]. The benchmark's hosts are not stated either:
 * the datacenter GPUs' rows use the eager preset's server host time per
 * operator, the GeForce cards' a desktop CPU's, DIFF_DESKTOP_OP_US [F:
 * fitted with the presets on the same rows, docs/workloads.md]. The two
 * torch builds (2.0, nightly) are rows of the same engine preset. */
#define DIFF_DESKTOP_OP_US 25.0

typedef struct {
    char   gpu[16], pipe[24], torch[12];
    int    batch, compile;
    double its;
} diff_row;

/* The rows of calibration/data/diffusers_torch2.csv; 0 or -1 (the case
 * broken, reason given) when none could be read or the file cannot be. */
static int diff_rows(val_out *o, diff_row *rows, int cap)
{
    char path[512], line[256];
    FILE *f = fopen(val_path(o, "calibration/data/diffusers_torch2.csv", path, sizeof path), "r");
    if (!f) {
        val_broken(o, "calibration/data/diffusers_torch2.csv: no rows could be read");
        return -1;
    }
    int n = 0;
    while (fgets(line, sizeof line, f) && n < cap) {
        diff_row *r = &rows[n];
        if (line[0] == '#' || strncmp(line, "gpu,", 4) == 0)
            continue;
        if (sscanf(line, "%15[^,],%23[^,],%d,%11[^,],%d,%lf", r->gpu, r->pipe, &r->batch, r->torch, &r->compile,
                   &r->its) == 6)
            n++;
    }
    fclose(f);
    if (n == 0)
        val_broken(o, "calibration/data/diffusers_torch2.csv: no rows could be read");
    return n;
}

static const char *diff_row_gpu(const diff_row *r)
{
    static const char *const MAP[][2] = { { "a100", "a100-sxm-80gb" }, { "v100", "v100-sxm2-16gb" },
                                          { "t4", "t4" }, { "rtx3090", "rtx-3090" }, { "rtx4090", "rtx-4090" } };
    for (size_t i = 0; i < sizeof MAP / sizeof MAP[0]; i++)
        if (strcmp(MAP[i][0], r->gpu) == 0)
            return MAP[i][1];
    return NULL;
}

/* Iterations per second of row r on spec with eta_conv (0 = the preset's). */
static double diff_row_its(const diff_row *r, const gpu_spec *spec, double eta_conv)
{
    diff_params p;
    memset(&p, 0, sizeof p);
    p.m = diff_model_find(strncmp(r->pipe, "sdxl", 4) == 0 ? "sdxl-1024" : "sd15-512");
    p.engine = diff_engine_find(r->compile ? "compile" : "eager");
    p.prec = GPU_FP16;
    p.cfg = 1;
    p.controlnet = strstr(r->pipe, "controlnet") != NULL;
    p.host_op_us = strncmp(r->gpu, "rtx", 3) == 0 ? DIFF_DESKTOP_OP_US : 0;
    gpu_rate rate = gpu_rate_of(spec, 1, 1);
    if (eta_conv > 0)
        rate.ops.eta_conv = eta_conv;
    return 1.0 / diff_step_s(&p, &rate, r->batch);
}

#define DIFF_MAX_ROWS 400

static void case_diffusers(val_out *o)
{
    static diff_row rows[DIFF_MAX_ROWS];
    int n = diff_rows(o, rows, DIFF_MAX_ROWS);
    if (n <= 0)
        return;
    char q[128];
    err_acc a = { 0, 0, 0 };
    o->unit = "it/s";
    for (int i = 0; i < n; i++) {
        const diff_row *r = &rows[i];
        const gpu_spec *g = gpu_spec_find(diff_row_gpu(r) ? diff_row_gpu(r) : "");
        if (!g) {
            val_broken(o, "calibration/data/diffusers_torch2.csv: a GPU without a preset");
            return;
        }
        double pred = diff_row_its(r, g, 0), e = fabs(pred / r->its - 1);
        o->gpu = g->name;
        snprintf(q, sizeof q, "%.15s %.23s b%d torch %.11s %s it/s", r->gpu, r->pipe, r->batch, r->torch,
                 r->compile ? "compile" : "eager");
        val_row(o, q, pred, r->its, 0.25);
        err_add(&a, e);
    }
    err_summary(o, "all diffusers rows", &a, 0.10, 0.25);
}

/* Leave one GPU out: the GPU's eta_conv (the one per-GPU parameter fitted on
 * these rows) replaced by the median of the other four fitted values; the
 * engine presets' host times are per host, not per GPU, and stay. Summaries
 * per GPU (no rows: the fitted case holds them). */
static void case_diffusers_lopo(val_out *o)
{
    static diff_row rows[DIFF_MAX_ROWS];
    static const char *const G[5] = { "a100", "v100", "t4", "rtx3090", "rtx4090" };
    int n = diff_rows(o, rows, DIFF_MAX_ROWS);
    if (n <= 0)
        return;
    double eta[5];
    for (int k = 0; k < 5; k++) {
        diff_row r;
        snprintf(r.gpu, sizeof r.gpu, "%s", G[k]);
        eta[k] = gpu_spec_find(diff_row_gpu(&r))->ops.eta_conv;
    }
    for (int k = 0; k < 5; k++) {
        double others[4], t;
        int m = 0;
        for (int j = 0; j < 5; j++)
            if (j != k)
                others[m++] = eta[j];
        for (int a = 0; a < 4; a++)
            for (int b = a + 1; b < 4; b++)
                if (others[b] < others[a]) {
                    t = others[a];
                    others[a] = others[b];
                    others[b] = t;
                }
        double med = (others[1] + others[2]) / 2;
        err_acc a = { 0, 0, 0 };
        for (int i = 0; i < n; i++) {
            const diff_row *r = &rows[i];
            if (strcmp(r->gpu, G[k]) == 0)
                err_add(&a, fabs(diff_row_its(r, gpu_spec_find(diff_row_gpu(r)), med) / r->its - 1));
        }
        char item[96];
        snprintf(item, sizeof item, "%s left out (eta_conv %.3g for %.3g)", G[k], med, eta[k]);
        err_summary(o, item, &a, 0.10, 0.25);
    }
}

/* The diffusers fast-diffusion tutorial (reference calibration/diffusion.csv,
 * record type sdxl_progressive_optimization): SDXL base, one image, 30
 * steps with guidance, end-to-end latency on an A100 80GB (400 W) as each
 * optimisation is added, against diff_image_s. fp32: GEMMs and
 * convolutions in TF32 (diff_params prec GPU_FP32); "default attention":
 * diffusers' processor without SDPA (the scores materialised); compile:
 * max-autotune with CUDA graphs, as the "compile" preset; fused QKV: the
 * UNet's and VAE's q, k, v projections as one GEMM (fused_qkv); int8:
 * torchao's dynamic quantisation of the linear layers where it is faster
 * (int8_dynamic). The tutorial moves the UNet and the VAE to channels_last
 * in its compile step: the eager rows run NCHW tensors (nchw: no GroupNorm
 * copies). */
static void case_diffusers_fast(val_out *o)
{
    static const struct {
        const char *what; gpu_prec prec; diff_attn attn; const char *engine; int qkv, int8; double s;
    } R[] = {
        { "fp32 weights, default attention, eager", GPU_FP32, DIFF_ATTN_MATH, "eager", 0, 0, 7.36 },
        { "bf16, default attention, eager", GPU_BF16, DIFF_ATTN_MATH, "eager", 0, 0, 4.63 },
        { "bf16 + SDPA, eager", GPU_BF16, DIFF_ATTN_SDPA, "eager", 0, 0, 3.31 },
        { "bf16 + SDPA + torch.compile", GPU_BF16, DIFF_ATTN_SDPA, "compile", 0, 0, 2.54 },
        { "+ fused QKV", GPU_BF16, DIFF_ATTN_SDPA, "compile", 1, 0, 2.52 },
        { "+ int8 dynamic quant", GPU_BF16, DIFF_ATTN_SDPA, "compile", 1, 1, 2.43 },
    };
    gpu_rate r = gpu_rate_of(gpu_spec_find("a100-sxm-80gb"), 1, 1);
    char q[128];
    o->unit = "s";
    o->gpu = "a100-sxm-80gb";
    for (size_t i = 0; i < sizeof R / sizeof R[0]; i++) {
        diff_params p;
        memset(&p, 0, sizeof p);
        p.m = diff_model_find("sdxl-1024");
        p.prec = R[i].prec;
        p.attention = R[i].attn;
        p.engine = diff_engine_find(R[i].engine);
        p.fused_qkv = R[i].qkv;
        p.int8_dynamic = R[i].int8;
        p.nchw = strcmp(R[i].engine, "eager") == 0;   /* channels_last comes with the compile step */
        p.cfg = 1;
        snprintf(q, sizeof q, "a100 sdxl 30 steps %s s", R[i].what);
        val_row(o, q, diff_image_s(&p, &r, 1, 30), R[i].s, 0.25);
    }
}

/* DeepLearningExamples' training throughput tables (calibration/data/
 * training_dle.csv, copied from the calibration set with their sources):
 * every ResNet-50 v1.5 and BERT-large row of one node (1 to 16 GPUs;
 * multi-node tables are not compared), A100 80GB/40GB and V100, PyTorch,
 * TensorFlow (XLA) and MXNet, mixed precision, TF32 and FP32, through the
 * whole simulator: the training workload with the row's GPU, GPU count,
 * batch per GPU, gradient accumulation, sequence, precision and framework
 * preset; data-parallel rows all-reduce over the GPU's server topology
 * (dgx-a100, dgx-1v; dgx-2 for 16 V100s). Each row is held to 25% and
 * the family to a mean of 10% (the targets). */
#define DLE_CSV "calibration/data/training_dle.csv"
#define DLE_MAX_ROWS 256

typedef struct {
    char model[24], framework[24], preset[24], gpu[24], prec[8];
    int gpus, batch, acc, seq;
    double ref;
} dle_row;

/* The rows of DLE_CSV with a GPU preset, a model and positive numbers, at
 * most max; -1 (skipped, reason given) when the file is missing. */
static int dle_rows(val_out *o, dle_row *rows, int max)
{
    char line[1200];
    FILE *f = val_open(o, DLE_CSV);
    if (!f)
        return -1;
    int n = 0;
    char *fld[13];
    while (n < max && next_fields(f, line, sizeof line, fld, 13, 11)) {
        dle_row *r = &rows[n];
        r->gpus = atoi(fld[4]), r->batch = atoi(fld[5]), r->acc = atoi(fld[6]), r->seq = atoi(fld[7]);
        r->ref = atof(fld[9]);
        train_model m;
        if (!gpu_spec_find(fld[3]) || r->gpus < 1 || r->batch < 1 || r->acc < 1 || !(r->ref > 0) ||
            train_model_find(fld[0], r->seq, &m) < 0)
            continue;
        snprintf(r->model, sizeof r->model, "%s", fld[0]);
        snprintf(r->framework, sizeof r->framework, "%s", fld[1]);
        snprintf(r->preset, sizeof r->preset, "%s", fld[2]);
        snprintf(r->gpu, sizeof r->gpu, "%s", fld[3]);
        snprintf(r->prec, sizeof r->prec, "%s", fld[8]);
        n++;
    }
    fclose(f);
    return n;
}

/* PyTorch ResNet-50's data loader as DeepLearningExamples runs it: DALI's
 * CPU pipeline with the platform's `workers` threads per GPU (the ConvNets
 * configs: 5 on DGX-1, 10 on DGX A100 [I: the configuration file, not in
 * the calibration set]) on the server's physical cores [F: DGX-1 2 x Xeon
 * E5-2698 v4, 20 cores each; DGX A100 2 x EPYC 7742, 64 each; DGX-2 2 x
 * Xeon Platinum 8168, 24 each: NVIDIA datasheets]. MXNet's scripts decode
 * on the GPU (DALI's mixed decoder) and TensorFlow's through its own
 * pipeline: no CPU limit [I]. *threads, *cores: 0 for those. */
static void dle_loader(const dle_row *r, int *threads, int *cores)
{
    *threads = *cores = 0;
    if (strcmp(r->model, "resnet50") != 0 || strcmp(r->preset, "pytorch") != 0)
        return;
    int a100 = strncmp(r->gpu, "a100", 4) == 0;
    *threads = a100 ? 10 : 5;
    *cores = a100 ? 128 : r->gpus > 8 ? 48 : 40;
}

/* One GPU's step of row r alone on rate (the optimizer's HBM traffic 30
 * bytes a parameter), s. */
static double dle_step_s(const dle_row *r, const gpu_rate *rate)
{
    train_params tp;
    memset(&tp, 0, sizeof tp);
    train_model_find(r->model, r->seq, &tp.model);
    tp.prec = (gpu_prec)gpu_prec_parse(r->prec);
    tp.batch_per_gpu = r->batch;
    tp.accumulation = r->acc;
    tp.opt_bytes = 30;
    tp.dp = 1;
    tp.fw = train_framework_find(r->preset);
    dle_loader(r, &tp.loader_threads, &tp.host_cores);
    return train_step_s(&tp, rate);
}

static void case_dle_training(val_out *o)
{
    static dle_row rows[DLE_MAX_ROWS];
    char text[2048], q[160];
    int nr = dle_rows(o, rows, DLE_MAX_ROWS);
    if (nr < 0)
        return;
    err_acc a = { 0, 0, 0 };
    o->unit = "samples/s";
    for (int i = 0; i < nr; i++) {
        const dle_row *r = &rows[i];
        /* about six steps after one of warm-up, from the step alone */
        gpu_rate rate = gpu_rate_of(gpu_spec_find(r->gpu), 1, 1);
        double step = dle_step_s(r, &rate);
        char seqs[96] = "";
        int threads, cores;
        dle_loader(r, &threads, &cores);
        if (r->seq > 0)
            snprintf(seqs, sizeof seqs, ", \"seq_len\": %d", r->seq);
        else if (threads > 0)
            snprintf(seqs, sizeof seqs, ", \"loader_threads\": %d, \"host_cores\": %d", threads, cores);
        snprintf(text, sizeof text,
                 "{\"seed\": 1, \"duration_s\": %.6g, \"warmup_s\": %.6g, \"replications\": 1,"
                 " \"hardware\": {\"gpu\": \"%s\", \"gpus\": %d}, \"sharing\": {\"mode\": \"exclusive\"},%s"
                 " \"tenants\": [{\"name\": \"t\", \"workload\": {\"type\": \"training\","
                 " \"model\": \"%s\", \"precision\": \"%s\", \"batch_per_gpu\": %d, \"gpus\": %d,"
                 " \"accumulation\": %d, \"framework\": \"%s\"%s},"
                 " \"arrivals\": {\"type\": \"closed\", \"users\": 1, \"think_s\": 0}}]}",
                 8 * step + 1, 1.5 * step, r->gpu, r->gpus,
                 r->gpus > 8 ? " \"network\": {\"topology\": \"dgx-2\"}," : "", r->model, r->prec, r->batch,
                 r->gpus, r->acc, r->preset, seqs);
        model_result res;
        scn *sc = run_text(o, text, &res);
        if (!sc)
            break;
        double pred = model_tenant_stat(&res, 0, MT_THROUGHPUT)->mean;
        model_result_free(&res);
        scn_free(sc);
        o->gpu = r->gpu;
        snprintf(q, sizeof q, "%s %s %s %dx b%d%s%.0d %s %s/s", r->gpu, r->framework, r->model, r->gpus,
                 r->batch, r->seq > 0 ? " s" : "", r->seq, r->prec,
                 strcmp(r->model, "resnet50") == 0 ? "images" : "seq");
        err_row(o, &a, q, pred, r->ref, 0.25);
    }
    if (a.n == 0)
        val_broken(o, "no training rows could be read");
    else
        err_summary(o, "DeepLearningExamples training throughput", &a, 0.10, 0.25);
}

/* Megatron-Core's strong scaling of GPT-3 175B on H100 (reference
 * training.csv, Megatron-LM README at d98e8a64ddf3): MFU 0.47 at 96 GPUs and
 * 0.42 at 4,608, global batch 1152 sequences of 4096, vocabulary 131072,
 * BF16. The README's layout is in an image that was not read: assumed TP 4,
 * PP 8, VP 6, micro-batch 1, sequence parallelism and every overlap flag on
 * (NeMo's GPT-3 175B recipe) [I]; DP 3 and 144. That recipe runs sequences
 * of 2048; at 4096 its first stage does not hold its activations: the
 * recomputation is the least of Megatron's block recomputation (0 to all
 * of a chunk's 2 layers) whose train_megatron_memory_bytes fits the GPU's
 * memory at 96 GPUs (DP 3: the most optimizer state a GPU), kept for the
 * whole sweep as a strong-scaling study changes only the data-parallel
 * size [I]. MFU: the model FLOPs without recomputation
 * (train_megatron_model_flops) over iteration x GPUs x the dense BF16 peak. */
static int megatron_fit_recompute(const train_model *m, train_mp *mp, double mem_bytes)
{
    int chunk = m->layers / (mp->pp * mp->vp);
    for (int k = 0; k <= chunk; k++) {
        mp->recompute = k > 0, mp->recompute_layers = k;
        if (train_megatron_memory_bytes(m, mp) <= mem_bytes)
            return k;
    }
    return chunk;
}

static void megatron_mfu_rows(val_out *o)
{
    static const struct { int dp; double ref; } R[] = { { 3, 0.47 }, { 144, 0.42 } };
    train_model m = train_model_transformer("gpt3-175b", 96, 12288, 96, 96, 128, 4 * 12288, 131072, 0, 4096);
    const gpu_spec *g = gpu_spec_find("h100-sxm");
    gpu_rate r = gpu_rate_of(g, 1, 1);
    const topo_preset *srv = topo_preset_find("dgx-h100");
    train_mp mp = { 4, 8, 6, 1, R[0].dp, 1, 1152, 0, 1, 1, 1, 1, 1, 4, 2, 0, 0, 0 };
    int k = megatron_fit_recompute(&m, &mp, g->mem_gb * 1e9), chunk = m.layers / (mp.pp * mp.vp);
    err_acc a = { 0, 0, 0 };
    char q[128];
    o->unit = "MFU";
    o->gpu = g->name;
    for (size_t i = 0; i < sizeof R / sizeof R[0]; i++) {
        mp.dp = R[i].dp;
        double it = train_megatron_step_s(&m, &r, GPU_BF16, &mp, srv, 16);
        double gpus = 32.0 * R[i].dp;
        double pred = train_megatron_model_flops(&m, mp.global_batch) / (it * gpus * r.peak_flops[GPU_BF16]);
        snprintf(q, sizeof q, "h100 gpt3-175b bf16 %.0f gpus MFU (layout assumed, recompute %d/%d a chunk)", gpus,
                 k, chunk);
        err_row(o, &a, q, pred, R[i].ref, 0.25);
    }
    err_summary(o, "Megatron-Core H100 strong scaling MFU", &a, 0.10, 0.25);
}

/* DeepLearningExamples' inference tables (calibration/data/inference_dle.csv,
 * copied from the calibration set with their sources): ResNet-50 v1.5
 * images/s by batch 1 to 512 in PyTorch (eager, eval mode; V100 16GB, T4;
 * FP32 and mixed precision) and MXNet (A100 80GB, V100 16GB, T4; mixed
 * precision), BERT-large SQuAD sequences/s at sequence 384, batch 32, in
 * PyTorch on A100 80GB (TF32, mixed precision): batch / train_infer_s, the
 * longer of the GPU's kernels (from the layers, eval mode, the engine's
 * fusion) and the host's dispatch of one operator per kernel. Each row is
 * held to 25% and the family to a mean of 10%. */
#define INFER_CSV "calibration/data/inference_dle.csv"
#define INFER_MAX_ROWS 128

typedef struct {
    char model[24], engine[16], gpu[24], prec[8];
    int batch, seq;
    int ms;                     /* ref is a batch's latency in ms (else samples/s) */
    double ref;
} infer_row;

/* The rows of the inference table at path (INFER_CSV's columns) with a GPU
 * preset, an engine and positive numbers, at most max; -1 (skipped, reason
 * given) when the file is missing, 0 (skipped, reason given) when it holds
 * no such row. */
static int infer_rows(val_out *o, const char *path, infer_row *rows, int max)
{
    char line[1200];
    FILE *f = val_open(o, path);
    if (!f)
        return -1;
    int n = 0;
    char *fld[11];
    while (n < max && next_fields(f, line, sizeof line, fld, 11, 9)) {
        infer_row *r = &rows[n];
        snprintf(r->model, sizeof r->model, "%s", fld[0]);
        snprintf(r->engine, sizeof r->engine, "%s", fld[2]);
        snprintf(r->gpu, sizeof r->gpu, "%s", fld[3]);
        snprintf(r->prec, sizeof r->prec, "%s", fld[6]);
        r->batch = atoi(fld[4]);
        r->seq = atoi(fld[5]);
        r->ref = atof(fld[7]);
        r->ms = strcmp(fld[8], "ms") == 0;
        if (r->batch >= 1 && r->ref > 0 && gpu_spec_find(r->gpu) && train_infer_engine_find(r->engine))
            n++;
    }
    fclose(f);
    if (n == 0) {
        char why[200];
        snprintf(why, sizeof why, "%s holds no row with a known GPU and engine", path);
        val_skip(o, why);
    }
    return n;
}

/* row r's quantity under engine e (a preset, or one with a refitted
 * parameter): samples/s, or a batch's ms where the row is a latency */
static double infer_pred(const infer_row *r, const train_infer_engine *e)
{
    train_model m;
    if (train_model_find(r->model, r->seq, &m) < 0)
        return 0;
    gpu_rate g = gpu_rate_of(gpu_spec_find(r->gpu), 1, 1);
    double s = train_infer_s(&m, &g, (gpu_prec)gpu_prec_parse(r->prec), r->batch, e, NULL);
    return r->ms ? 1e3 * s : r->batch / s;
}

static void case_dle_inference(val_out *o)
{
    static infer_row rows[INFER_MAX_ROWS];
    char q[160];
    int n = infer_rows(o, INFER_CSV, rows, INFER_MAX_ROWS);
    if (n <= 0)
        return;
    err_acc a = { 0, 0, 0 };
    o->unit = "samples/s";
    for (int i = 0; i < n; i++) {
        const infer_row *r = &rows[i];
        double pred = infer_pred(r, train_infer_engine_find(r->engine));
        o->gpu = r->gpu;
        /* the framework's name (the engine's up to its version) keeps the rows' names */
        snprintf(q, sizeof q, "%.23s %.*s %.23s b%d%s%.0d %.7s %s/s", r->gpu, (int)strcspn(r->engine, "-"), r->engine,
                 r->model, r->batch,
                 r->seq > 0 ? " s" : "", r->seq, r->prec, strcmp(r->model, "resnet50") == 0 ? "images" : "seq");
        err_row(o, &a, q, pred, r->ref, 0.25);
    }
    err_summary(o, "DeepLearningExamples inference throughput", &a, 0.10, 0.25);
}

/* The one fitted number of each inference engine -- PyTorch's host_us (the
 * host's time per operator; its small batches are host-bound), MXNet's
 * kernel_us (each kernel's fixed GPU time; MXNet's host runs ahead) --
 * fitted on the rows of every GPU but one (1..200 us in 0.5 us steps for
 * host_us, 0..40 us in 0.1 us steps for kernel_us, of least mean |log
 * error| over those rows) and the left-out GPU's rows predicted with it;
 * the last summary per engine is the fit on all rows, which the presets
 * carry (models/training.c). MXNet 22.10 has one GPU's table: fit only. */
static double *infer_param(train_infer_engine *e)
{
    return strncmp(e->name, "pytorch", 7) == 0 ? &e->host_us : &e->kernel_us;
}

static double infer_fit(const infer_row *rows, int n, const char *engine, const char *skip_gpu, double *mean_out)
{
    train_infer_engine e = *train_infer_engine_find(engine);
    double *x = infer_param(&e), best = *x, best_err = INFINITY;
    int host = x == &e.host_us;
    for (double h = host ? 1 : 0; h <= (host ? 200 : 40) + 1e-9; h += host ? 0.5 : 0.1) {
        *x = h;
        double sum = 0;
        int cnt = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(rows[i].engine, engine) != 0 || (skip_gpu && strcmp(rows[i].gpu, skip_gpu) == 0))
                continue;
            sum += fabs(log(infer_pred(&rows[i], &e) / rows[i].ref));
            cnt++;
        }
        if (cnt && sum / cnt < best_err)
            best_err = sum / cnt, best = h;
    }
    *mean_out = best_err;
    return best;
}

/* The engine's one number fitted on its rows of every GPU but skip (NULL:
 * all GPUs) into *e, and the errors of its rows on skip (NULL: all rows)
 * under that fit. */
static err_acc infer_refit(const infer_row *rows, int n, const char *engine, const char *skip,
                           train_infer_engine *e)
{
    double fit_err;
    *e = *train_infer_engine_find(engine);
    *infer_param(e) = infer_fit(rows, n, engine, skip, &fit_err);
    err_acc a = { 0, 0, 0 };
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].engine, engine) == 0 && (!skip || strcmp(rows[i].gpu, skip) == 0))
            err_add(&a, fabs(infer_pred(&rows[i], e) / rows[i].ref - 1));
    return a;
}

static void case_dle_inference_lopo(val_out *o)
{
    static infer_row rows[INFER_MAX_ROWS];
    static const char *const G[] = { "a100-sxm-80gb", "v100-sxm2-16gb", "t4" };
    static const char *const E[] = { "pytorch", "mxnet", "mxnet-20.12" };
    int n = infer_rows(o, INFER_CSV, rows, INFER_MAX_ROWS);
    if (n <= 0)
        return;
    char item[160];
    for (size_t k = 0; k < sizeof E / sizeof E[0]; k++) {
        int gpus = 0;
        for (size_t g = 0; g < sizeof G / sizeof G[0]; g++)
            for (int i = 0; i < n; i++)
                if (strcmp(rows[i].engine, E[k]) == 0 && strcmp(rows[i].gpu, G[g]) == 0) {
                    gpus++;
                    break;
                }
        for (size_t g = 0; g <= sizeof G / sizeof G[0]; g++) {
            const char *skip = g < sizeof G / sizeof G[0] ? G[g] : NULL;
            if (skip && gpus < 2)
                continue;               /* no other GPU to fit on */
            train_infer_engine e;
            err_acc a = infer_refit(rows, n, E[k], skip, &e);
            double *x = infer_param(&e);
            const char *what = x == &e.host_us ? "host_us" : "kernel_us";
            if (a.n == 0)
                continue;
            if (skip)
                snprintf(item, sizeof item, "%s %s left out (%s %.1f from the others)", E[k], skip, what, *x);
            else {
                train_infer_engine preset = *train_infer_engine_find(E[k]);
                snprintf(item, sizeof item, "%s all GPUs (%s %.1f fitted, preset %.1f)", E[k], what, *x,
                         *infer_param(&preset));
            }
            err_summary(o, item, &a, 0.10, 0.25);
        }
    }
}

/* BERT-base encoder latency a batch at sequence 64 on an A100 40GB
 * (calibration/data/inference_bert_engines.csv, AITemplate's examples/03_bert
 * README through the calibration set): PyTorch eager (`pytorch-half`, the
 * walk of DeepLearningExamples' BERT in eval mode with its eager attention
 * and 16-bit weights, its host_us fitted on this one table) and the
 * AITemplate module (`aitemplate`, the folded walk: 7 kernels a layer, its
 * kernel_us fitted on this one table). Each row is held to 25% and each
 * engine's rows to a mean of 10%; the last two summaries are the fits. */
#define BERT_ENGINES_CSV "calibration/data/inference_bert_engines.csv"

static void case_bert_engines(val_out *o)
{
    static infer_row rows[INFER_MAX_ROWS];
    static const char *const E[] = { "pytorch-half", "aitemplate" };
    char q[160];
    int n = infer_rows(o, BERT_ENGINES_CSV, rows, INFER_MAX_ROWS);
    if (n <= 0)
        return;
    o->unit = "ms";
    for (size_t k = 0; k < sizeof E / sizeof E[0]; k++) {
        err_acc a = { 0, 0, 0 };
        for (int i = 0; i < n; i++) {
            const infer_row *r = &rows[i];
            if (strcmp(r->engine, E[k]) != 0)
                continue;
            snprintf(q, sizeof q, "%.23s %.15s %.23s b%d s%d %.7s ms", r->gpu, r->engine, r->model, r->batch, r->seq, r->prec);
            o->gpu = r->gpu;
            err_row(o, &a, q, infer_pred(r, train_infer_engine_find(r->engine)), r->ref, 0.25);
        }
        snprintf(q, sizeof q, "%s BERT-base latency by batch", E[k]);
        if (a.n)
            err_summary(o, q, &a, 0.10, 0.25);
    }
    for (size_t k = 0; k < sizeof E / sizeof E[0]; k++) {
        train_infer_engine e, preset = *train_infer_engine_find(E[k]);
        err_acc a = infer_refit(rows, n, E[k], NULL, &e);
        double *x = infer_param(&e);
        snprintf(q, sizeof q, "%s all rows (%s %.1f fitted, preset %.1f)", E[k],
                 x == &e.host_us ? "host_us" : "kernel_us", *x, *infer_param(&preset));
        if (a.n)
            err_summary(o, q, &a, 0.10, 0.25);
    }
}

/* The single-GPU rows of DLE_CSV on GPU g (NULL: all) or, with other, on
 * the other GPUs, tf32 ones only when tf32_only, from the step alone with
 * Ampere's eta_mm[tf32] set to eta: rows, mean and largest |error|, rows
 * beyond 25%. */
static int dle_errors(const dle_row *rows, int nr, const char *g, int other, int tf32_only, double eta,
                      double *mean, double *max, int *beyond)
{
    int n = 0;
    *mean = *max = 0;
    *beyond = 0;
    for (int i = 0; i < nr; i++) {
        const dle_row *r = &rows[i];
        if (r->gpus != 1 || (tf32_only && strcmp(r->prec, "tf32") != 0))
            continue;
        if (g && (strcmp(r->gpu, g) == 0) == other)
            continue;
        gpu_rate rate = gpu_rate_of(gpu_spec_find(r->gpu), 1, 1);
        rate.ops.eta_mm[GPU_TF32] = eta;
        double e = fabs((double)r->batch * r->acc / dle_step_s(r, &rate) / r->ref - 1);
        *mean += e;
        *max = e > *max ? e : *max;
        *beyond += e > 0.25;
        n++;
    }
    if (n)
        *mean /= n;
    return n;
}

/* Ampere's eta_mm[tf32] (the one parameter fitted on these rows), searched
 * from 0.30 to 0.70 by 0.01 on the single-GPU TF32 rows of every GPU but g
 * (NULL: all): the fewest rows beyond 25%, then the smallest mean error. */
static double dle_fit_tf32(const dle_row *rows, int nr, const char *g)
{
    double best = 0.46, best_mean = 1e9;
    int best_beyond = 1 << 30;
    for (int k = 30; k <= 70; k++) {
        double mean, max;
        int beyond;
        if (dle_errors(rows, nr, g, 1, 1, k / 100.0, &mean, &max, &beyond) == 0)
            return 0.46;
        if (beyond < best_beyond || (beyond == best_beyond && mean < best_mean - 1e-12)) {
            best = k / 100.0, best_mean = mean, best_beyond = beyond;
        }
    }
    return best;
}

/* Leave one GPU out: eta_mm[tf32] refitted without the GPU, its single-GPU
 * rows predicted with that value (the multi-GPU rows add the collective
 * model, whose leave-one-platform-out is nccl-lopo). Summaries per GPU, the
 * full fit first. */
static void case_dle_training_lopo(val_out *o)
{
    static dle_row rows[DLE_MAX_ROWS];
    static const char *const G[] = { "a100-sxm-80gb", "a100-sxm-40gb", "v100-sxm2-16gb", "v100-sxm2-32gb" };
    int nr = dle_rows(o, rows, DLE_MAX_ROWS);
    if (nr < 0)
        return;
    char item[128];
    double mean, max, eta = dle_fit_tf32(rows, nr, NULL);
    int beyond, n = dle_errors(rows, nr, NULL, 0, 0, eta, &mean, &max, &beyond);
    if (n == 0) {
        val_broken(o, "no single-GPU training rows could be read");
        return;
    }
    snprintf(item, sizeof item, "all single-GPU rows (eta_mm[tf32] fitted %.2f)", eta);
    val_summary(o, item, n, mean, max, 0.10, 0.25);
    for (size_t k = 0; k < sizeof G / sizeof G[0]; k++) {
        double e = dle_fit_tf32(rows, nr, G[k]);
        n = dle_errors(rows, nr, G[k], 0, 0, e, &mean, &max, &beyond);
        snprintf(item, sizeof item, "%s left out (eta_mm[tf32] %.2f for %.2f)", G[k], e, eta);
        val_summary(o, item, n, mean, max, 0.10, 0.25);
    }
}

/* Megatron (reference training.csv; the rows and their sources copied in
 * calibration/data/training_megatron.csv): GPT-3 175B on 1024 A100 (Megatron-LM
 * README of 2021: TP 8, PP 16, global batch 1536, sequence 2048, 138 TFLOP/s
 * per GPU counted with the README's formula 96 B s l h^2 (1 + s/6h + V/16lh),
 * which includes the recomputed forward; micro-batch 1 and full
 * recomputation as that release ran it [I]; no overlap of the tensor-parallel
 * all-reduces) and the dense models of the Megatron-Bridge 25.11 DGX-H100
 * table (FP8 current scaling; tokens/s per GPU; their TP, PP, VP, CP, global
 * and micro batch; communication overlap on, as the NeMo recipes set it),
 * through train_megatron_step_s on each layer's operators; the table's MoE
 * rows (GPT-OSS 120B in BF16, Qwen3 30B-A3B in FP8, EP 8 both) the same way,
 * the active experts' operators and the expert-parallel all-to-alls
 * through the NCCL model, and one host time per MoE layer and micro-batch
 * fitted on the two of them (MEGATRON_MOE_HOST_S, models/training.c). The TFLOP/s rows of the Bridge table are the same measurements in
 * the table's FLOP count, not compared twice. */
static void case_megatron(val_out *o)
{
    static const struct {
        const char *what, *model, *gpu, *server;
        gpu_prec prec;
        train_mp mp;
        int seq, tflops_row;
        double ref;
    } R[] = {
        { "a100 gpt3-175b 1024 gpus TFLOP/s per GPU", "gpt3-175b", "a100-sxm-80gb", "dgx-a100", GPU_BF16,
          { 8, 16, 1, 1, 8, 1, 1536, 1, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0 }, 2048, 1, 138 },
        { "h100 llama3-8b fp8 8 gpus tokens/s per GPU", "llama-3-8b", "h100-sxm", "dgx-h100", GPU_FP8,
          { 1, 1, 1, 1, 8, 1, 128, 0, 1, 1, 1, 1, 1, 4, 2, 1, 0, 0 }, 8192, 0, 14451 },
        { "h100 llama3-70b fp8 64 gpus tokens/s per GPU", "llama-3.1-70b", "h100-sxm", "dgx-h100", GPU_FP8,
          { 4, 8, 5, 1, 2, 1, 128, 0, 1, 1, 1, 1, 1, 4, 2, 0, 0, 0 }, 8192, 0, 1602 },
        { "h100 llama3.1-405b fp8 1024 gpus tokens/s per GPU", "llama-3.1-405b", "h100-sxm", "dgx-h100", GPU_FP8,
          { 8, 8, 8, 2, 8, 1, 512, 0, 1, 1, 1, 1, 1, 4, 2, 0, 0, 0 }, 8192, 0, 292 },
        /* MoE rows: the table's TP, PP, VP, EP, micro and global batch;
         * dp = GPUs / (tp pp cp). GPT-OSS's printed GA=2 contradicts its
         * layout (512 / (4 x 16) = 8 micro-batches); the stated parallel
         * sizes are taken [I] */
        { "h100 gpt-oss-120b bf16 64 gpus ep8 tokens/s per GPU", "gpt-oss-120b", "h100-sxm", "dgx-h100", GPU_BF16,
          { 1, 4, 1, 1, 16, 4, 512, 0, 0, 0, 1, 1, 1, 4, 2, 0, 8, 0 }, 4096, 0, 5630 },
        { "h100 qwen3-30b-a3b fp8 16 gpus ep8 tokens/s per GPU", "qwen3-30b-a3b", "h100-sxm", "dgx-h100", GPU_FP8,
          { 1, 2, 24, 1, 8, 2, 512, 0, 0, 0, 1, 1, 1, 4, 2, 0, 8, 0 }, 4096, 0, 5275 },
    };
    err_acc a[2] = { { 0, 0, 0 }, { 0, 0, 0 } };   /* dense, MoE */
    for (size_t i = 0; i < sizeof R / sizeof R[0]; i++) {
        train_model m;
        if (strcmp(R[i].model, "gpt3-175b") == 0) {
            /* GPT-3 175B (Brown et al. 2020): 96 layers of 12288, 96 heads,
             * Megatron's vocabulary padded to 51200 */
            m = train_model_transformer("gpt3-175b", 96, 12288, 96, 96, 128, 4 * 12288, 51200, 0, R[i].seq);
        } else {
            const llm_model *l = llm_model_find(R[i].model);
            if (!l) {
                val_broken(o, "an LLM preset of the Megatron rows is missing");
                return;
            }
            m = l->experts > 0 ? train_model_from_llm(l, R[i].seq)
                               : train_model_transformer(R[i].model, l->layers, l->d_model, l->heads, l->kv_heads,
                                                         l->head_dim, l->ffn, l->vocab, 1, R[i].seq);
        }
        const gpu_spec *g = gpu_spec_find(R[i].gpu);
        gpu_rate r = gpu_rate_of(g, 1, 1);
        const train_mp *mp = &R[i].mp;
        o->gpu = g->name;
        const topo_preset *srv = topo_preset_find(R[i].server);
        if (!srv) {
            val_broken(o, "a server preset of the Megatron rows is missing");
            return;
        }
        double it = train_megatron_step_s(&m, &r, R[i].prec, mp, srv, 16);
        double gpus = (double)mp->tp * mp->pp * mp->cp * mp->dp, pred;
        if (R[i].tflops_row) {
            double B = mp->global_batch, s = m.seq, l = m.layers, h = m.d_model, V = m.vocab;
            pred = 96 * B * s * l * h * h * (1 + s / (6 * h) + V / (16 * l * h)) / (it * gpus) / 1e12;
            o->unit = "TFLOP/s";
        } else {
            pred = mp->global_batch * (double)m.seq / it / gpus;
            o->unit = "tokens/s";
        }
        err_row(o, &a[m.experts > 0], R[i].what, pred, R[i].ref, 0.25);
    }
    err_summary(o, "Megatron GPT and Llama steps", &a[0], 0.10, 0.25);
    err_summary(o, "Megatron-Bridge MoE steps (EP 8; host time per MoE layer fitted on both)", &a[1], 0.10, 0.25);
    megatron_mfu_rows(o);
}

/* vLLM 0.6 against 0.5.3 (vLLM blog 2024-09-05, reference llm_serving.csv):
 * ShareGPT (mean 202 prompt, 179 output tokens) at 32 QPS on H100, TPOT
 * 5x lower for Llama 8B (one GPU) and 2x for Llama 70B (tp 4 in the blog's
 * setup): the ratio of the mean TPOT under the engine presets `vllm-0.5`
 * and `vllm`, whose CPU costs come from other statements of the same post
 * (docs/workloads.md). As the benchmark does, 500 prompts (15.625 s at
 * 32/s) run to completion (drain_s), three replications; lognormal lengths
 * of cv 1 stand in for ShareGPT's distribution [I]. The post's throughput
 * ratios (2.7x, 1.8x) are not compared: its throughput counts the whole
 * benchmark's wall time, which the summary's window does not. */
static void case_vllm_engines(val_out *o)
{
    static const struct { const char *model; int tp; double ratio; } ROWS[] = {
        { "llama-3-8b", 1, 5.0 }, { "llama-3.1-70b", 4, 2.0 },
    };
    static const char *const ENG[2] = { "vllm-0.5", "vllm" };
    char text[1200], q[96];
    o->unit = "ratio";
    o->gpu = "h100-sxm";
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        double tpot[2];
        for (int e = 0; e < 2; e++) {
            snprintf(text, sizeof text,
                     "{\"seed\": 1, \"duration_s\": 15.625, \"warmup_s\": 0, \"drain_s\": 600, \"replications\": 3,"
                     " \"hardware\": {\"gpu\": \"h100-sxm\", \"gpus\": %d}, \"sharing\": {\"mode\": \"exclusive\"},"
                     " \"tenants\": [{\"name\": \"c\", \"workload\": {\"type\": \"llm\", \"model\": \"%s\","
                     " \"tp\": %d, \"engine\": \"%s\", \"max_batch\": 256, \"max_tokens\": 8192,"
                     " \"prompt_tokens\": {\"dist\": \"lognormal\", \"mean\": 202, \"cv\": 1},"
                     " \"output_tokens\": {\"dist\": \"lognormal\", \"mean\": 179, \"cv\": 1}},"
                     " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 32}}]}",
                     ROWS[i].tp, ROWS[i].model, ROWS[i].tp, ENG[e]);
            model_result res;
            scn *sc = run_text(o, text, &res);
            if (!sc)
                return;
            tpot[e] = model_tenant_xstat(&res, 0, 1, MQ_MEAN)->mean;
            model_result_free(&res);
            scn_free(sc);
        }
        snprintf(q, sizeof q, "h100 %s tp%d TPOT 0.5.3 / 0.6", ROWS[i].model, ROWS[i].tp);
        val_row(o, q, tpot[0] / tpot[1], ROWS[i].ratio, 0.25);
    }
}

static void case_vidur(val_out *o) { vidur_rows(o, 0); }
static void case_vidur_layers(val_out *o) { vidur_rows(o, 1); }

/* ---- contention runs: the simulator against time-sliced processes ---- */

/* One contention file against the simulator on a profile; rows for
 * throughput, mean and p95 latency with the given tolerances. */
static void contention_rows(val_out *o, const char *file, const char *profile, const char *tag,
                            const double tol[3])
{
    char msg[1200], q[128];
    cont_run r;
    cont_pred p;
    int rc = cont_read(file, &r, msg, sizeof msg);
    if (rc == 0)
        rc = cont_predict(&r, profile, 40, NULL, &p, NULL, msg, sizeof msg);
    if (rc != 0) {
        val_broken(o, msg);
        return;
    }
    snprintf(q, sizeof q, "%s%d procs throughput /s", tag, r.procs);
    val_unit_row(o, q, "1/s", p.throughput_per_s, r.throughput_per_s, tol[0]);
    snprintf(q, sizeof q, "%s%d procs mean latency ms", tag, r.procs);
    val_unit_row(o, q, "ms", p.mean_ms, r.mean_ms, tol[1]);
    snprintf(q, sizeof q, "%s%d procs p95 latency ms", tag, r.procs);
    val_unit_row(o, q, "ms", p.p95_ms, r.p95_ms, tol[2]);
}

/* The synthetic contention fixtures: an independent event simulation of the
 * same time-slicing semantics (tests/fixtures/make_synthetic_contention.py),
 * against 40 replications. Tolerances are about twice the sampling error of
 * one fixture's path (throughput: Poisson counts; latency: measured across 7
 * generator seeds): for 2 processes with GEMM bursts over 38 s, 1.7% / 2% /
 * 4% (throughput / mean / p95); for 4 processes with copy bursts over 23 s,
 * 1.5% / 3.5% / 7%. */
static void case_contention_synthetic(val_out *o)
{
    static const struct { const char *file, *tag; double tol[3]; } FIX[] = {
        { "tests/fixtures/contention_synthetic_2.json", "gemm ", { 0.035, 0.04, 0.08 } },
        { "tests/fixtures/contention_synthetic_copy_4.json", "copy ", { 0.03, 0.07, 0.14 } },
    };
    char file[1024], profile[1024];
    val_path(o, "tests/fixtures/profile_synthetic_h100.json", profile, sizeof profile);
    for (size_t i = 0; i < sizeof FIX / sizeof FIX[0]; i++) {
        val_path(o, FIX[i].file, file, sizeof file);
        if (access(file, R_OK) != 0 || access(profile, R_OK) != 0) {
            val_skip(o, "a synthetic contention fixture or its profile is not there");
            return;
        }
        contention_rows(o, file, profile, FIX[i].tag, FIX[i].tol);
    }
}

/* Runs of calibration/loop.sh kept under calibration/measured/NAME/
 * (profile.json beside contention_KIND_N.json): measured on a GPU. Folders
 * and files in name order, so the table is the same on every file system;
 * a row names its folder and burst kind. */
static void case_contention_measured(val_out *o)
{
    static const double tol[3] = { 0.05, 0.20, 0.25 };
    char dir[1024], sub[2048], file[2400], profile[2400], tag[96];
    int runs = 0;
    val_path(o, "calibration/measured", dir, sizeof dir);
    struct dirent **top = NULL, **files = NULL;
    int ntop = scandir(dir, &top, NULL, alphasort);
    for (int i = 0; i < ntop; i++) {
        const char *name = top[i]->d_name;
        snprintf(sub, sizeof sub, "%s/%s", dir, name);
        snprintf(profile, sizeof profile, "%s/profile.json", sub);
        int nf = name[0] != '.' && access(profile, R_OK) == 0 ? scandir(sub, &files, NULL, alphasort) : 0;
        for (int j = 0; j < nf; j++) {
            const char *f = files[j]->d_name;
            if (strncmp(f, "contention_", 11) == 0 && strstr(f, ".json")) {
                /* contention_KIND_N.json names its burst kind; contention_N.json none */
                const char *kind = f + 11, *us = strrchr(kind, '_');
                snprintf(file, sizeof file, "%s/%s", sub, f);
                if (us)
                    snprintf(tag, sizeof tag, "%.40s %.*s ", name, (int)(us - kind), kind);
                else
                    snprintf(tag, sizeof tag, "%.40s ", name);
                contention_rows(o, file, profile, tag, tol);
                runs++;
            }
            free(files[j]);
        }
        if (nf > 0)
            free(files);
        free(top[i]);
    }
    if (ntop > 0)
        free(top);
    if (runs == 0)
        val_skip(o, "no measured contention runs under calibration/measured/ yet "
                 "(calibration/loop.sh on a GPU machine produces them)");
}

/* ---- collectives: the public curves (calibration/data/nccl_curves.csv) ---- */

#define NCCL_CURVES "calibration/data/nccl_curves.csv"
#define NCCL_POINT_TOL 0.25     /* issue target: no point beyond 25% */

/* The curves, loaded once per case; 0, or -1 after val_skip/val_broken. */
static int load_curves(val_out *o, collfit_data *d)
{
    char path[1024], msg[1400];
    val_path(o, NCCL_CURVES, path, sizeof path);
    if (access(path, R_OK) != 0) {
        skip_missing(o, path);
        return -1;
    }
    if (collfit_load(path, d, msg, sizeof msg) < 0) {
        val_broken(o, msg);
        return -1;
    }
    return 0;
}

/* Targets by curve: mean |error| 10% on one node, 15% across nodes. */
static double curve_target(const collfit_curve *c)
{
    return c->nodes > 1 ? 0.15 : 0.10;
}

/* One curve (named by the case, "nccl-" + curve id): every point from
 * 64 KiB up, measured busbw against the model with topo_fit_default seen
 * through the curve's harness (collfit_harness_us), and the curve's mean
 * and largest error. */
static void case_nccl_curve(val_out *o)
{
    collfit_data d;
    if (load_curves(o, &d) < 0)
        return;
    const char *id = o->case_name + 5;
    size_t k = 0;
    while (k < d.ncurves && strcmp(d.curves[k].id, id) != 0)
        k++;
    topo t;
    if (k == d.ncurves || collfit_topo(&d.curves[k], NULL, &t) < 0) {
        val_broken(o, "the curve is not in " NCCL_CURVES " or its platform does not build");
        collfit_free(&d);
        return;
    }
    const collfit_curve *c = &d.curves[k];
    double h = collfit_harness_us(c, NULL), skew = collfit_harness_skew(c, NULL);
    char q[96];
    o->gpu = topo_preset_find(c->platform)->gpu;
    for (size_t i = c->first; i < c->first + c->n; i++) {
        if (d.size[i] < COLLFIT_MIN_BYTES || !(d.busbw[i] > 0))
            continue;
        snprintf(q, sizeof q, "busbw at %.0f B", d.size[i]);
        val_unit_row(o, q, "GB/s", collfit_busbw(c, &t, h, skew, d.size[i]), d.busbw[i], NCCL_POINT_TOL);
    }
    double mean, max;
    int n = collfit_curve_error(&d, k, NULL, NULL, &mean, &max);
    val_summary(o, c->id, n, mean, max, curve_target(c), NCCL_POINT_TOL);
    collfit_free(&d);
}

/* The points below 64 KiB, which the curve cases and their targets leave
 * out (the latency regime, where a point is a time, not a bandwidth):
 * every curve's measured time against the model's through the curve's
 * harness, and their mean and largest error on one node and across
 * nodes, held to the curves' targets as information. */
static void case_nccl_small(val_out *o)
{
    collfit_data d;
    if (load_curves(o, &d) < 0)
        return;
    double sum[2] = { 0, 0 }, max[2] = { 0, 0 };
    int n[2] = { 0, 0 };
    for (size_t k = 0; k < d.ncurves; k++) {
        const collfit_curve *c = &d.curves[k];
        topo t;
        if (collfit_topo(c, NULL, &t) < 0) {
            val_broken(o, "a curve's platform does not build");
            break;
        }
        double h = collfit_harness_us(c, NULL), skew = collfit_harness_skew(c, NULL);
        int across = c->nodes > 1;
        o->gpu = topo_preset_find(c->platform)->gpu;
        for (size_t i = c->first; i < c->first + c->n; i++) {
            if (d.size[i] >= COLLFIT_MIN_BYTES || !(d.time_us[i] > 0))
                continue;
            char q[112];
            double us = collfit_time_us(c, &t, h, skew, d.size[i]), e = fabs(us / d.time_us[i] - 1);
            snprintf(q, sizeof q, "%s time at %.0f B", c->id, d.size[i]);
            val_unit_row(o, q, "us", us, d.time_us[i], NCCL_POINT_TOL);
            sum[across] += e;
            max[across] = e > max[across] ? e : max[across];
            n[across]++;
        }
    }
    for (int a = 0; a < 2; a++)
        if (n[a] > 0)
            val_summary(o, a ? "points below 64 KiB, curves across nodes" : "points below 64 KiB, one-node curves",
                        n[a], sum[a] / n[a], max[a], a ? 0.15 : 0.10, NCCL_POINT_TOL);
    collfit_free(&d);
}

/* Whether a curve before curve k has k's platform: walking the curves and
 * skipping these visits each platform once, in the order it first appears. */
static int platform_seen_before(const collfit_data *d, size_t k)
{
    for (size_t j = 0; j < k; j++)
        if (strcmp(d->curves[j].platform, d->curves[k].platform) == 0)
            return 1;
    return 0;
}

/* The row of one parameter platform plat fits on its own curves: the
 * value it carries (have) against the refit (got), held to 2%. */
static void platform_row(val_out *o, const char *plat, const char *what, const char *unit, double have,
                         double got)
{
    char q[96];
    snprintf(q, sizeof q, "%s %s", plat, what);
    val_unit_row(o, q, unit, have, got, 0.02);
}

/* The parameters in topo_fit_default and the torch harness floor are the
 * pooled fit of every curve: refit and compare (2%). */
static void case_nccl_fit(val_out *o)
{
    collfit_data d;
    if (load_curves(o, &d) < 0)
        return;
    topo_fit f;
    double rms, floor_us = collfit_torch_floor_us;
    if (collfit_fit(&d, NULL, &topo_fit_default, &f, &floor_us, &rms) < 0) {
        val_broken(o, "the fit did not run");
        collfit_free(&d);
        return;
    }
    val_unit_row(o, "torch harness floor us", "us", collfit_torch_floor_us, floor_us, 0.02);
    val_unit_row(o, "p2p start us", "us", topo_fit_default.p2p_start_us, f.p2p_start_us, 0.02);
    val_unit_row(o, "step us (intra, Simple)", "us", topo_fit_default.step_us, f.step_us, 0.02);
    val_unit_row(o, "link efficiency", "fraction", topo_fit_default.link_eff, f.link_eff, 0.02);
    val_unit_row(o, "net step us (Simple)", "us", topo_fit_default.net_step_us, f.net_step_us, 0.02);
    val_unit_row(o, "net efficiency", "fraction", topo_fit_default.net_eff, f.net_eff, 0.02);
    val_unit_row(o, "p2p link efficiency", "fraction", topo_fit_default.p2p_eff, f.p2p_eff, 0.02);
    /* the platforms with their own network or harness floor (topo_platform_fit, collfit_platform_harness) */
    for (size_t k = 0; k < d.ncurves; k++) {
        const char *plat = d.curves[k].platform;
        if (platform_seen_before(&d, k))
            continue;
        topo_fit have = topo_fit_default, got;
        int bits = topo_platform_fit(plat, &have);
        double e, floor_have = collfit_platform_harness(plat), floor_got;
        if (!isnan(floor_have))
            bits |= COLLFIT_HARNESS;
        if (!bits)
            continue;
        if (collfit_fit_platform(&d, plat, &topo_fit_default, bits, &got, &floor_got, &e) < 0) {
            val_broken(o, "a platform fit did not run");
            break;
        }
        if (bits & COLLFIT_HARNESS)
            platform_row(o, plat, "harness floor us", "us", floor_have, floor_got);
        if (bits & TOPO_FIT_NET_EFF)
            platform_row(o, plat, "net efficiency", "fraction", have.net_eff, got.net_eff);
        if (bits & TOPO_FIT_NET_STEP)
            platform_row(o, plat, "net step us", "us", have.net_step_us, got.net_step_us);
        if (bits & TOPO_FIT_LINK_EFF)
            platform_row(o, plat, "link efficiency", "fraction", have.link_eff, got.link_eff);
        if (bits & TOPO_FIT_P2P_START)
            platform_row(o, plat, "p2p start us", "us", have.p2p_start_us, got.p2p_start_us);
        if (bits & TOPO_FIT_P2P_EFF)
            platform_row(o, plat, "p2p link efficiency", "fraction", have.p2p_eff, got.p2p_eff);
        if (bits & TOPO_FIT_NET_DUPLEX)
            platform_row(o, plat, "net duplex share", "fraction", have.net_duplex, got.net_duplex);
    }
    fprintf(o->out, "%-18s mean |log error| of the pooled fit %.4f (%.1f%%)\n", o->case_name, rms,
            100 * (exp(rms) - 1));
    collfit_free(&d);
}

/* Whether a curve of platform plat has a point the curve cases score
 * (from 64 KiB up; the smaller ones are nccl-small's). */
static int platform_scored(const collfit_data *d, const char *plat)
{
    for (size_t c = 0; c < d->ncurves; c++) {
        if (strcmp(d->curves[c].platform, plat) != 0)
            continue;
        for (size_t i = d->curves[c].first; i < d->curves[c].first + d->curves[c].n; i++)
            if (d->size[i] >= COLLFIT_MIN_BYTES && d->busbw[i] > 0)
                return 1;
    }
    return 0;
}

/* Leave one platform out: fit on the curves of every other platform,
 * predict each curve of the one left out that has scored points. */
static void case_nccl_lopo(val_out *o)
{
    collfit_data d;
    if (load_curves(o, &d) < 0)
        return;
    for (size_t k = 0; k < d.ncurves; k++) {
        const char *plat = d.curves[k].platform;
        if (platform_seen_before(&d, k) || !platform_scored(&d, plat))
            continue;
        topo_fit f;
        double floor_us = collfit_torch_floor_us;
        if (collfit_fit(&d, plat, &topo_fit_default, &f, &floor_us, NULL) < 0) {
            val_broken(o, "a leave-one-out fit did not run");
            break;
        }
        for (size_t c = 0; c < d.ncurves; c++) {
            if (strcmp(d.curves[c].platform, plat) != 0)
                continue;
            double mean, max;
            int n = collfit_curve_error(&d, c, &f, &floor_us, &mean, &max);
            char item[128];
            snprintf(item, sizeof item, "%s (fit without %s)", d.curves[c].id, plat);
            val_summary(o, item, n, mean, max, curve_target(&d.curves[c]), NCCL_POINT_TOL);
        }
    }
    collfit_free(&d);
}

/* Maintainers' reference points (calibration/data/nccl_reference_points.csv):
 * plateaus the model must reach at 8 GiB. */
static void case_nccl_reference(val_out *o)
{
    static const struct { const char *what, *preset; int ppn, algo, op; double ref, tol; } R[] = {
        /* nccl-tests#212, #290: NVLS all-reduce on 8x H100 about 480 GB/s (476 measured) */
        { "8x H100 NVLS all-reduce busbw", "dgx-h100", 8, -1, COLL_ALLREDUCE, 480, 0.10 },
        /* nccl-tests#309: NVLS disabled, 368.76 GB/s; #212: about 370 for non-all-reduce */
        { "8x H100 ring all-reduce busbw", "dgx-h100", 8, COLL_ALGO_RING, COLL_ALLREDUCE, 368.76, 0.10 },
        /* nccl-tests#212: about 370 GB/s as busbw for the ops other than all-reduce */
        { "8x H100 all-gather busbw", "dgx-h100", 8, -1, COLL_ALLGATHER, 370, 0.10 },
        /* nccl-tests#149: 8x A100 all-reduce about 230 GB/s at 8 GB */
        { "8x A100 all-reduce busbw", "dgx-a100", 8, -1, COLL_ALLREDUCE, 230, 0.10 },
    };
    char msg[256];
    for (size_t i = 0; i < sizeof R / sizeof R[0]; i++) {
        topo t;
        topo_overrides ov = topo_overrides_none();
        coll_sel_force(&ov.sel, R[i].algo, -1);
        if (topo_build(&t, topo_preset_find(R[i].preset), 1, R[i].ppn, TOPO_VIRT_BARE_METAL, &ov, msg,
                       sizeof msg) < 0) {
            val_broken(o, msg);
            return;
        }
        coll_est e;
        double bytes = 8589934592.0;
        coll_estimate(&t, (coll_op)R[i].op, bytes, NULL, &e);
        o->gpu = topo_preset_find(R[i].preset)->gpu;
        val_unit_row(o, R[i].what, "GB/s", bytes / (1000 * e.time_us) * coll_busbw_factor((coll_op)R[i].op, 8),
                     R[i].ref, R[i].tol);
    }
}

const val_case val_cases[] = {
    { "queue-mm1", "M/M/1 FCFS against its closed form", VAL_ANALYTIC, VAL_ANALYTIC_SRC, case_mm1 },
    { "queue-md1", "M/D/1 FCFS against Pollaczek-Khinchine", VAL_ANALYTIC, VAL_ANALYTIC_SRC, case_md1 },
    { "queue-ps", "time slice -> 0 against processor sharing", VAL_TIMESLICE, VAL_ANALYTIC_SRC, case_ps },
    { "slice-share", "always-busy tenants against q/(q+c)", VAL_TIMESLICE, VAL_ANALYTIC_SRC,
      case_slice_share },
    { "fit-fixture", "fit of the synthetic raw fixture against its truth", VAL_FIXTURE, VAL_SRC_FIXTURE,
      case_fixture_fit },
    { "vidur-operators", "operator model against every measured Vidur operator time", VAL_LLM,
      VAL_PUBLISHED, case_vidur },
    { "vllm-engines", "vLLM 0.5.3 against 0.6 TPOT through the engine presets", VAL_LLM, VAL_PUBLISHED,
      case_vllm_engines },
    { "diffusers", "diffusion step (UNet layers, engine presets) against diffusers' iterations per second",
      VAL_DIFFUSION, VAL_PUBLISHED, case_diffusers },
    { "diffusers-fast", "SDXL image latency against diffusers' fast-diffusion optimisation steps on A100",
      VAL_DIFFUSION, VAL_PUBLISHED, case_diffusers_fast },
    { "diffusers-lopo", "diffusion step with the left-out GPU's eta_conv from the other GPUs", VAL_DIFFUSION,
      VAL_PUBLISHED, case_diffusers_lopo },
    { "dle-training", "ResNet-50 and BERT training, layer by layer, against DeepLearningExamples' tables",
      VAL_TRAINING, VAL_PUBLISHED, case_dle_training },
    { "dle-inference", "ResNet-50 and BERT inference, layer by layer and host dispatch, against DeepLearningExamples",
      VAL_TRAINING, VAL_PUBLISHED, case_dle_inference },
    { "dle-inference-lopo", "inference engines' host time per operator fitted without a GPU, on that GPU",
      VAL_TRAINING, VAL_PUBLISHED, case_dle_inference_lopo },
    { "bert-engines", "BERT-base latency in PyTorch eager and AITemplate, layer by layer, against AITemplate's table",
      VAL_TRAINING, VAL_PUBLISHED, case_bert_engines },
    { "dle-training-lopo", "training step with Ampere's eta_mm[tf32] refitted without the GPU, on that GPU",
      VAL_TRAINING, VAL_PUBLISHED, case_dle_training_lopo },
    { "megatron", "GPT-3 and Llama 3 steps of 3-D parallelism, layer by layer, against Megatron's throughput",
      VAL_TRAINING, VAL_PUBLISHED, case_megatron },
    { "vidur-layers", "operator model against measured per-layer time outside attention", VAL_LLM,
      VAL_PUBLISHED, case_vidur_layers },
    { "contention-synth", "time-sliced processes: independent simulation", VAL_TIMESLICE,
      VAL_SRC_FIXTURE, case_contention_synthetic },
    { "contention-gpu", "time-sliced processes measured on a GPU", VAL_TIMESLICE, VAL_MEASURED,
      case_contention_measured },
    { "timeslice-tax", "N processes time-sliced, measured, against the switch cost from its parts",
      VAL_TIMESLICE, VAL_PUBLISHED, val_case_timeslice },
#define NCCL_CURVE(id) { "nccl-" id, "collective model against a public curve", VAL_NCCL, VAL_PUBLISHED, \
                         case_nccl_curve }
    NCCL_CURVE("vidur-h100-dgx-ar-1x2"), NCCL_CURVE("vidur-h100-dgx-ar-1x4"),
    NCCL_CURVE("vidur-h100-dgx-ar-1x8"), NCCL_CURVE("vidur-h100-dgx-sr-1x2"),
    NCCL_CURVE("vidur-h100-dgx-sr-2x1"), NCCL_CURVE("vidur-a100-dgx-ar-1x2"),
    NCCL_CURVE("vidur-a100-dgx-ar-1x4"), NCCL_CURVE("vidur-a100-dgx-ar-1x8"),
    NCCL_CURVE("vidur-a100-dgx-sr-1x2"), NCCL_CURVE("vidur-a100-net-ar-2x1"),
    NCCL_CURVE("vidur-a100-net-ar-2x2"), NCCL_CURVE("vidur-a100-net-ar-2x4"),
    NCCL_CURVE("vidur-a100-net-ar-2x8"), NCCL_CURVE("vidur-a100-net-sr-2x1"),
    NCCL_CURVE("vidur-a100-pairs-ar-1x2"), NCCL_CURVE("vidur-a100-pairs-ar-1x4"),
    NCCL_CURVE("vidur-a100-pairs-sr-1x2"), NCCL_CURVE("vidur-a100-pairs-sr-2x1"),
    NCCL_CURVE("vidur-h100-pairs-ar-1x2"), NCCL_CURVE("vidur-h100-pairs-ar-1x4"),
    NCCL_CURVE("vidur-h100-pairs-sr-1x2"), NCCL_CURVE("vidur-h100-pairs-sr-2x1"),
    NCCL_CURVE("a3mega-h100-ar-2x8"), NCCL_CURVE("roce-h100-ar-2x1-tree"),
    NCCL_CURVE("h100-pcie-bridge-ar-1x2"), NCCL_CURVE("a100-nvlink-sr-1x8"),
#undef NCCL_CURVE
    { "nccl-small", "collective model's time below 64 KiB, the latency regime, against the public curves "
      "(outside the curve targets: information)", VAL_NCCL, VAL_PUBLISHED, case_nccl_small },
    { "nccl-reference", "collective plateaus against maintainers' figures", VAL_NCCL, VAL_PUBLISHED,
      case_nccl_reference },
    { "nccl-fit", "the pooled fit of the collective model reproduces its constants", VAL_NCCL,
      VAL_PUBLISHED, case_nccl_fit },
    { "nccl-lopo", "collective model fitted without a platform, on that platform", VAL_NCCL,
      VAL_PUBLISHED, case_nccl_lopo },
    { "mps-occupancy", "N MPS clients, measured, against SM occupancy by kernel width", VAL_MPS, VAL_PUBLISHED,
      val_case_mps },
    { "mig-pods", "pods on their own MIG instances, measured, against the instance's SMs", VAL_MIG,
      VAL_PUBLISHED, val_case_mig_pods },
    { "mig-profiles", "one MIG instance per profile, measured (MIGProfiler), against its SMs and kernel width",
      VAL_MIG, VAL_PUBLISHED, val_case_mig_profiles },
    { "vm-overhead", "VM network path and passthrough compute against measurements in VMs", VAL_VIRTUALIZATION,
      VAL_PUBLISHED, val_case_vm },
    { "throughput-gpu", "N busy processes, time-sliced and MPS, measured on a GPU by the probe", VAL_TIMESLICE,
      VAL_MEASURED, val_case_throughput_measured },
    { NULL, NULL, 0, 0, NULL },
};
