#include "cli/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "sim/ci.h"

#define MAX_REPS 1000

/* The range each metric can take, which decides its interval (sim/ci.h):
 * shares and utilizations are fractions, the change of the backlog any
 * real number, everything else (latencies, percentiles, throughputs,
 * counts) positive. */
static sim_ci_range tenant_range(int metric)
{
    if (metric == MT_SHARE || metric == MT_SLO)
        return SIM_CI_FRACTION;
    return metric == MT_BACKLOG ? SIM_CI_REAL : SIM_CI_POSITIVE;
}

static sim_ci_range gpu_range(int metric)
{
    return metric == MG_SWITCHES ? SIM_CI_POSITIVE : SIM_CI_FRACTION;
}

report_stat report_tenant_stat(const model_result *res, int ti, int metric)
{
    double x[MAX_REPS];
    for (int r = 0; r < res->reps; r++)
        x[r] = model_tenant_at(res, r, ti)->t[metric];
    return sim_ci_95(x, (size_t)res->reps, tenant_range(metric));
}

report_stat report_tenant_xstat(const model_result *res, int ti, int k, int q)
{
    double x[MAX_REPS];
    for (int r = 0; r < res->reps; r++)
        x[r] = model_tenant_at(res, r, ti)->x[k][q];
    return sim_ci_95(x, (size_t)res->reps, SIM_CI_POSITIVE);
}

report_stat report_gpu_stat(const model_result *res, int gpu, int metric)
{
    double x[MAX_REPS];
    for (int r = 0; r < res->reps; r++)
        x[r] = model_gpu_at(res, r, gpu, (model_gpu_metric)metric);
    return sim_ci_95(x, (size_t)res->reps, gpu_range(metric));
}

/* ---- summary.json ---- */

static void add_num(cJSON *o, const char *key, double x)
{
    if (isfinite(x))
        cJSON_AddNumberToObject(o, key, x);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_ci(cJSON *o, const char *key, report_stat s)
{
    if (!isfinite(s.lo)) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    cJSON *a = cJSON_AddArrayToObject(o, key);
    cJSON_AddItemToArray(a, cJSON_CreateNumber(s.lo));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(s.hi));
}

static const char *const Q_KEYS[MQ_N] = { "mean", "p50", "p90", "p95", "p99", "p999" };

/* The mean and percentiles, then the 95% interval of each across
 * replications (ci95_mean, ci95_p50, ...). */
static cJSON *quantile_block(const model_result *res, int ti, int k)
{
    cJSON *o = cJSON_CreateObject();
    report_stat st[MQ_N];
    char key[32];
    for (int q = 0; q < MQ_N; q++) {
        st[q] = k < 0 ? report_tenant_stat(res, ti, MT_MEAN + q) : report_tenant_xstat(res, ti, k, q);
        add_num(o, Q_KEYS[q], st[q].mean);
    }
    for (int q = 0; q < MQ_N; q++) {
        snprintf(key, sizeof key, "ci95_%s", Q_KEYS[q]);
        add_ci(o, key, st[q]);
    }
    return o;
}

static double slo_value(const model_result *res, const tenant_cfg *tc, int i)
{
    int q = MQ_P50;
    for (int k = MQ_P50; k < MQ_N; k++)
        if (fabs(model_quantiles[k] - tc->slo_quantile) < 1e-12)
            q = k;
    return tc->slo_metric == -1 ? report_tenant_stat(res, i, MT_MEAN + q).mean
                                : report_tenant_xstat(res, i, tc->slo_metric, q).mean;
}

static void add_slo(cJSON *o, const model_result *res, const tenant_cfg *tc, int i)
{
    if (tc->slo_metric == -2) {
        cJSON_AddNullToObject(o, "slo");
        cJSON_AddNullToObject(o, "slo_attainment");
        return;
    }
    char name[96];
    int pct = (int)llround(tc->slo_quantile * 1000);
    const char *metric = tc->slo_metric == -1 ? "latency_ms" : tc->wl->metrics[tc->slo_metric];
    if (pct % 10 == 0)
        snprintf(name, sizeof name, "%s.p%d", metric, pct / 10);
    else
        snprintf(name, sizeof name, "%s.p%d", metric, pct);
    double v = slo_value(res, tc, i);
    cJSON *s = cJSON_AddObjectToObject(o, "slo");
    cJSON_AddStringToObject(s, "metric", name);
    add_num(s, "bound_ms", tc->slo_ms);
    add_num(s, "value_ms", v);
    cJSON_AddBoolToObject(s, "met", isfinite(v) && v <= tc->slo_ms);
    add_num(o, "slo_attainment", report_tenant_stat(res, i, MT_SLO).mean);
}

static cJSON *tenant_json(const scn *sc, const model_result *res, int i)
{
    const tenant_cfg *tc = &sc->cfg.tenants[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", tc->name);
    cJSON_AddStringToObject(o, "workload", tc->wl->name);
    cJSON_AddNumberToObject(o, "gpu", tc->gpu);
    add_num(o, "completed", report_tenant_stat(res, i, MT_COMPLETED).mean);
    cJSON *th = cJSON_AddObjectToObject(o, "throughput");
    report_stat t = report_tenant_stat(res, i, MT_THROUGHPUT);
    add_num(th, "value", t.mean);
    cJSON_AddStringToObject(th, "unit", tc->wl->unit);
    add_ci(th, "ci95", t);
    cJSON_AddItemToObject(o, "latency_ms", quantile_block(res, i, -1));
    for (int k = 0; tc->wl->metrics && tc->wl->metrics[k]; k++)
        cJSON_AddItemToObject(o, tc->wl->metrics[k], quantile_block(res, i, k));
    static const char *const parts[5] = { "queueing", "other_tenants", "switch", "service", "host" };
    cJSON *b = cJSON_AddObjectToObject(o, "latency_breakdown_ms");
    for (int k = 0; k < 5; k++)
        add_num(b, parts[k], report_tenant_stat(res, i, MT_QUEUE + k).mean);
    report_stat share = report_tenant_stat(res, i, MT_SHARE);
    add_num(o, "gpu_time_share", share.mean);
    add_ci(o, "ci95_gpu_time_share", share);
    add_num(o, "mean_in_system", report_tenant_stat(res, i, MT_IN_SYSTEM).mean);
    add_slo(o, res, tc, i);
    return o;
}

report_stat report_inst_stat(const model_result *res, int gpu, int inst, int metric)
{
    double x[MAX_REPS];
    for (int r = 0; r < res->reps; r++)
        x[r] = model_inst_at(res, r, gpu, inst, (model_gpu_metric)metric);
    return sim_ci_95(x, (size_t)res->reps, gpu_range(metric));
}

/* One MIG instance's row: where it sits and where its time went. */
static cJSON *instance_json(const scn *sc, const model_result *res, int g, int i)
{
    static const char *const modes[] = { "exclusive", "timeslice", "mps", "mig" };
    const model_instance *in = &sc->cfg.inst[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", i);
    cJSON_AddStringToObject(o, "profile", in->prof->name);
    cJSON_AddNumberToObject(o, "start", in->start);
    cJSON_AddNumberToObject(o, "sms", in->prof->sms);
    cJSON_AddNumberToObject(o, "memory_gib", in->prof->mem_gib);
    cJSON_AddStringToObject(o, "mode", modes[in->sharing]);
    report_stat u = report_inst_stat(res, g, i, MG_UTIL);
    add_num(o, "utilization", u.mean);
    add_ci(o, "ci95_utilization", u);
    add_num(o, "context_switches", report_inst_stat(res, g, i, MG_SWITCHES).mean);
    add_num(o, "switch_overhead_fraction", report_inst_stat(res, g, i, MG_SWITCH_FRAC).mean);
    add_num(o, "virtualization_overhead_fraction", report_inst_stat(res, g, i, MG_OVERHEAD_FRAC).mean);
    return o;
}

static cJSON *gpu_json(const scn *sc, const model_result *res, int g)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", g);
    report_stat u = report_gpu_stat(res, g, MG_UTIL);
    add_num(o, "utilization", u.mean);
    add_ci(o, "ci95_utilization", u);
    add_num(o, "context_switches", report_gpu_stat(res, g, MG_SWITCHES).mean);
    add_num(o, "switch_overhead_fraction", report_gpu_stat(res, g, MG_SWITCH_FRAC).mean);
    add_num(o, "virtualization_overhead_fraction", report_gpu_stat(res, g, MG_OVERHEAD_FRAC).mean);
    add_num(o, "pcie_utilization", report_gpu_stat(res, g, MG_PCIE_UTIL).mean);
    if (res->ninst > 0) {
        add_num(o, "power_throttled_fraction", report_gpu_stat(res, g, MG_THROTTLED_FRAC).mean);
        cJSON *a = cJSON_AddArrayToObject(o, "instances");
        for (int i = 0; i < res->ninst; i++)
            cJSON_AddItemToArray(a, instance_json(sc, res, g, i));
    }
    return o;
}

static cJSON *sharing_json(const scn *sc)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "mode", sc->sharing_mode);
    if (sc->cfg.sharing == MODEL_TIMESLICE || sc->cfg.sharing == MODEL_MIG) {
        static const char *const pre[] = { "instruction", "block", "kernel" };
        cJSON_AddStringToObject(o, "policy", sc->cfg.sharing == MODEL_MIG ? "best_effort" : sc->cfg.ts.policy->name);
        cJSON_AddNumberToObject(o, "timeslice_ms", (double)sc->cfg.ts.slice_ns / 1e6);
        cJSON_AddNumberToObject(o, "switch_cost_us", (double)sc->cfg.ts.switch_ns / 1e3);
        cJSON_AddStringToObject(o, "preemption", pre[sc->cfg.ts.preempt]);
        int vgpu = sc->cfg.sharing == MODEL_TIMESLICE && sc->cfg.virt.mode == VIRT_VGPU;
        cJSON_AddStringToObject(o, "scheduler", !vgpu ? "native" : sc->cfg.ts.arr_factor > 0 ? "arr" : "legacy");
        if (sc->cfg.ts.arr_factor > 0)
            cJSON_AddNumberToObject(o, "arr_averaging_factor", sc->cfg.ts.arr_factor);
    }
    if (sc->cfg.sharing == MODEL_MPS || sc->cfg.sharing == MODEL_MIG) {
        cJSON *m = cJSON_AddObjectToObject(o, "mps");
        cJSON_AddNumberToObject(m, "max_clients", sc->cfg.mps.max_clients);
        cJSON_AddNumberToObject(m, "fault_rate_per_s", sc->cfg.mps.fault_rate_per_s);
    }
    return o;
}

static void add_warning(void *ud, const char *msg)
{
    cJSON_AddItemToArray(ud, cJSON_CreateString(msg));
}

static void add_warnings(cJSON *root, const scn *sc, const model_result *res)
{
    cJSON *w = cJSON_AddArrayToObject(root, "warnings");
    char msg[256];
    if (res->reps < 2)
        cJSON_AddItemToArray(w, cJSON_CreateString(
            "one replication: no confidence intervals (set replications >= 2)"));
    if (res->unfinished > 0) {
        snprintf(msg, sizeof msg, "%llu requests had not finished %.3g s after the end of arrivals "
                 "(overloaded?); latencies exclude them",
                 (unsigned long long)res->unfinished, (double)sc->cfg.drain / 1e9);
        cJSON_AddItemToArray(w, cJSON_CreateString(msg));
    }
    for (int i = 0; i < res->ntenants; i++) {
        double grew = report_tenant_stat(res, i, MT_BACKLOG).mean;
        double done = report_tenant_stat(res, i, MT_COMPLETED).mean;
        if (grew > 50 && grew > 0.02 * done) {
            snprintf(msg, sizeof msg, "tenant \"%s\": %.0f more requests were in the system at the end "
                     "of the window than at its start: arrivals outpace service, the run is not in "
                     "steady state and its latencies grow with duration_s", sc->cfg.tenants[i].name, grew);
            cJSON_AddItemToArray(w, cJSON_CreateString(msg));
        }
    }
    for (int i = 0; i < res->ntenants; i++)
        if (report_tenant_stat(res, i, MT_COMPLETED).mean < 1) {
            snprintf(msg, sizeof msg, "tenant \"%s\" completed no measured request",
                     sc->cfg.tenants[i].name);
            cJSON_AddItemToArray(w, cJSON_CreateString(msg));
        }
    prof_check(sc->profile, &sc->cfg, add_warning, w);
}

cJSON *report_summary(const scn *sc, const model_result *res)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "slicesim_version", SLICESIM_VERSION);
    cJSON_AddStringToObject(root, "scenario", sc->name);
    cJSON_AddNumberToObject(root, "seed", (double)sc->cfg.seed);
    cJSON_AddNumberToObject(root, "replications", res->reps);
    cJSON_AddNumberToObject(root, "duration_s", (double)sc->cfg.duration / 1e9);
    cJSON_AddNumberToObject(root, "warmup_s", (double)sc->cfg.warmup / 1e9);
    cJSON_AddNumberToObject(root, "sim_time_s", res->sim_time_s);
    cJSON_AddNumberToObject(root, "events", (double)res->events);
    cJSON *hw = cJSON_AddObjectToObject(root, "hardware");
    cJSON_AddStringToObject(hw, "gpu", sc->cfg.gpu->name);
    cJSON_AddNumberToObject(hw, "gpus", sc->cfg.ngpus);
    if (sc->profile)
        cJSON_AddStringToObject(hw, "profile", sc->profile->path);
    cJSON_AddStringToObject(root, "virtualization", sc->virt_mode);
    cJSON_AddItemToObject(root, "sharing", sharing_json(sc));
    cJSON *pc = cJSON_AddObjectToObject(root, "percentiles");
    cJSON_AddStringToObject(pc, "method", sc->pct_rel_err > 0 ? "histogram" : "exact");
    if (sc->pct_rel_err > 0)
        cJSON_AddNumberToObject(pc, "relative_error", sc->pct_rel_err);
    cJSON *tl = cJSON_AddArrayToObject(root, "tenants");
    for (int i = 0; i < res->ntenants; i++)
        cJSON_AddItemToArray(tl, tenant_json(sc, res, i));
    cJSON *gs = cJSON_AddArrayToObject(root, "gpus");
    for (int g = 0; g < res->ngpus; g++)
        cJSON_AddItemToArray(gs, gpu_json(sc, res, g));
    add_warnings(root, sc, res);
    return root;
}

/* ---- the table ---- */

static void fmt_ci(char *buf, size_t len, report_stat s)
{
    if (isfinite(s.lo))
        snprintf(buf, len, "%.3f [%.3f, %.3f]", s.mean, s.lo, s.hi);
    else
        snprintf(buf, len, "%.3f", s.mean);
}

void report_table(FILE *f, const scn *sc, const model_result *res)
{
    const model_cfg *c = &sc->cfg;
    fprintf(f, "scenario %s: %d x %s, %s", sc->name, c->ngpus, c->gpu->name, sc->sharing_mode);
    if (c->sharing == MODEL_TIMESLICE)
        fprintf(f, " (%s, slice %.4g ms, switch %.3g us%s)", c->ts.policy->name,
                (double)c->ts.slice_ns / 1e6, (double)c->ts.switch_ns / 1e3,
                c->ts.arr_factor > 0 ? ", ARR" : "");
    if (c->sharing == MODEL_MIG)
        fprintf(f, " (%d instances)", c->ninst);
    fprintf(f, ", %s\n", sc->virt_mode);
    fprintf(f, "%d replication%s x %.6g s (warm-up %.6g s), seed %llu, %llu events\n\n",
            res->reps, res->reps == 1 ? "" : "s", (double)c->duration / 1e9,
            (double)c->warmup / 1e9, (unsigned long long)c->seed, (unsigned long long)res->events);
    fprintf(f, "%-14s %-10s %10s %22s %10s %10s %28s %10s %7s\n", "tenant", "workload", "completed",
            "throughput", "mean ms", "p50 ms", "p95 ms [95% CI]", "p99 ms", "share");
    for (int i = 0; i < res->ntenants; i++) {
        const tenant_cfg *tc = &c->tenants[i];
        char th[64], p95[64];
        snprintf(th, sizeof th, "%.4g %s", report_tenant_stat(res, i, MT_THROUGHPUT).mean, tc->wl->unit);
        fmt_ci(p95, sizeof p95, report_tenant_stat(res, i, MT_P95));
        fprintf(f, "%-14s %-10s %10.0f %22s %10.3f %10.3f %28s %10.3f %6.1f%%\n", tc->name,
                tc->wl->name, report_tenant_stat(res, i, MT_COMPLETED).mean, th,
                report_tenant_stat(res, i, MT_MEAN).mean, report_tenant_stat(res, i, MT_P50).mean,
                p95, report_tenant_stat(res, i, MT_P99).mean,
                100 * report_tenant_stat(res, i, MT_SHARE).mean);
    }
    fprintf(f, "\n%-14s %12s %18s %18s %14s\n", "gpu", "utilization", "context switches",
            "switch overhead", "virt overhead");
    for (int g = 0; g < res->ngpus; g++) {
        fprintf(f, "%-14d %11.1f%% %18.0f %17.2f%% %13.2f%%\n", g, 100 * report_gpu_stat(res, g, MG_UTIL).mean,
                report_gpu_stat(res, g, MG_SWITCHES).mean,
                100 * report_gpu_stat(res, g, MG_SWITCH_FRAC).mean,
                100 * report_gpu_stat(res, g, MG_OVERHEAD_FRAC).mean);
        if (res->ninst > 0 && c->power_throttle < 1.0)
            fprintf(f, "  power throttled %.1f%% of the time (x%.3g)\n",
                    100 * report_gpu_stat(res, g, MG_THROTTLED_FRAC).mean, c->power_throttle);
        for (int i = 0; i < res->ninst; i++) {
            char name[48];
            snprintf(name, sizeof name, "  %d.%d %s", g, i, c->inst[i].prof->name);
            fprintf(f, "%-14s %11.1f%% %18.0f %17.2f%% %13.2f%%\n", name,
                    100 * report_inst_stat(res, g, i, MG_UTIL).mean,
                    report_inst_stat(res, g, i, MG_SWITCHES).mean,
                    100 * report_inst_stat(res, g, i, MG_SWITCH_FRAC).mean,
                    100 * report_inst_stat(res, g, i, MG_OVERHEAD_FRAC).mean);
        }
    }
}

/* ---- requests.csv ---- */

#define MAX_COLS 16

/* The metric columns: the union of the tenants' workload metric names. */
static int metric_columns(const scn *sc, const char **cols)
{
    int n = 0;
    for (size_t i = 0; i < sc->cfg.ntenants; i++) {
        const char *const *m = sc->cfg.tenants[i].wl->metrics;
        for (int k = 0; m && m[k]; k++) {
            int seen = 0;
            for (int j = 0; j < n; j++)
                seen |= strcmp(cols[j], m[k]) == 0;
            if (!seen && n < MAX_COLS)
                cols[n++] = m[k];
        }
    }
    return n;
}

void report_requests_csv(FILE *f, const scn *sc, const model_result *res)
{
    const char *cols[MAX_COLS];
    int ncols = metric_columns(sc, cols);
    fputs("rep,tenant,id,arrival_ms,start_ms,end_ms,latency_ms,queue_ms,other_ms,switch_ms,"
          "service_ms,host_ms,units,size_a,size_b", f);
    for (int j = 0; j < ncols; j++)
        fprintf(f, ",%s", cols[j]);
    fputc('\n', f);
    for (size_t i = 0; i < res->nrecs; i++) {
        const tenant_rec *r = &res->recs[i];
        const char *const *m = sc->cfg.tenants[r->tenant].wl->metrics;
        fprintf(f, "%d,%s,%llu,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.9g,%.9g,%.9g",
                r->rep, sc->cfg.tenants[r->tenant].name, (unsigned long long)r->id,
                (double)r->arrival / 1e6, (double)r->start / 1e6, (double)r->end / 1e6,
                (double)(r->end - r->arrival) / 1e6, (double)r->queue_ns / 1e6,
                (double)r->other_ns / 1e6, (double)r->switch_ns / 1e6,
                (double)r->service_ns / 1e6, (double)r->host_ns / 1e6, r->units,
                r->size[0], r->size[1]);
        for (int j = 0; j < ncols; j++) {
            int k = 0;
            while (m && m[k] && strcmp(m[k], cols[j]) != 0)
                k++;
            if (m && m[k])
                fprintf(f, ",%.6f", r->metric[k]);
            else
                fputc(',', f);
        }
        fputc('\n', f);
    }
}
