#include "cli/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/flags.h"
#include "cli/slo.h"
#include "cli/table.h"
#include "models/disagg.h"
#include "models/llm.h"
#include "models/router.h"
#include "sim/ci.h"

report_stat report_tenant_stat(const model_result *res, int ti, int metric)
{
    return *model_tenant_stat(res, ti, (model_tenant_metric)metric);
}

report_stat report_tenant_xstat(const model_result *res, int ti, int k, int q)
{
    return *model_tenant_xstat(res, ti, k, (model_quantile)q);
}

report_stat report_gpu_stat(const model_result *res, int gpu, int metric)
{
    return *model_gpu_stat(res, gpu, (model_gpu_metric)metric);
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
 * replications (ci95_mean, ci95_p50, ...), the fewest samples a replication
 * based them on, and the percentiles resting on too few (flags.h). */
static cJSON *quantile_block(const model_result *res, const flags *fl, int ti, int k)
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
    add_num(o, "samples_per_replication", fl->t[ti].min_samples);
    cJSON *low = cJSON_AddArrayToObject(o, "low_samples");
    for (int q = MQ_P50; q < MQ_N; q++)
        if (fl->t[ti].low[q])
            cJSON_AddItemToArray(low, cJSON_CreateString(Q_KEYS[q]));
    return o;
}

/* The tenant's own SLO: its figure, interval and verdict (sim/verdict.h);
 * met is true only when the whole interval meets the bound. */
static void add_slo(cJSON *o, const scn *sc, const model_result *res, const flags *fl, int i)
{
    slo_expr e;
    if (slo_of_tenant(sc, i, &e) < 0) {
        cJSON_AddNullToObject(o, "slo");
        cJSON_AddNullToObject(o, "slo_attainment");
        return;
    }
    char name[96];
    report_stat st = slo_stat(&e, res);
    int unsteady = fl->t[i].unsteady;
    sim_verdict v = slo_verdict(&e, &st, unsteady);
    cJSON *s = cJSON_AddObjectToObject(o, "slo");
    cJSON_AddStringToObject(s, "metric", slo_metric_name(&e, sc, name, sizeof name));
    add_num(s, "bound_ms", e.bound);
    add_num(s, "value_ms", st.mean);
    add_ci(s, "ci95", st);
    cJSON_AddStringToObject(s, "verdict", sim_verdict_name(v));
    cJSON_AddBoolToObject(s, "met", v == SIM_VERDICT_MET);
    if (v == SIM_VERDICT_UNCERTAIN) {
        cJSON_AddStringToObject(s, "reason", slo_reason(&e, &st, unsteady));
        add_num(s, "replications_to_resolve", (double)slo_reps_to_resolve(&e, &st, unsteady));
    }
    add_num(o, "slo_attainment", report_tenant_stat(res, i, MT_SLO).mean);
}

static cJSON *flags_json(const flags *fl, int i)
{
    const flags_tenant *t = &fl->t[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "not_in_steady_state", t->unsteady);
    cJSON_AddNumberToObject(o, "unfinished", t->unfinished);
    cJSON_AddBoolToObject(o, "nothing_varies", t->constant);
    return o;
}

static cJSON *tenant_json(const scn *sc, const model_result *res, const flags *fl, int i)
{
    const tenant_cfg *tc = &sc->cfg.tenants[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", tc->name);
    cJSON_AddStringToObject(o, "workload", tc->wl->name);
    cJSON_AddNumberToObject(o, "gpu", tc->gpu);
    if (tc->replicas > 0) {             /* a fleet: its router and replicas */
        cJSON_AddStringToObject(o, "router", tc->router->name);
        cJSON *rl = cJSON_AddArrayToObject(o, "replicas");
        for (int k = 0; k < tc->replicas; k++)
            cJSON_AddItemToArray(rl, cJSON_CreateString(sc->cfg.tenants[tc->first_replica + k].name));
    }
    if (tc->routed > 0) {               /* a disaggregated fleet: its pools and link */
        const llm_params *lp = sc->cfg.tenants[tc->first_replica].wl_params;
        cJSON *d = cJSON_AddObjectToObject(o, "disaggregation");
        cJSON_AddNumberToObject(d, "prefill_replicas", lp->disagg->prefill);
        cJSON_AddNumberToObject(d, "decode_replicas", lp->disagg->decode);
        cJSON_AddStringToObject(d, "link", disagg_path_name(lp->disagg->path));
        cJSON_AddStringToObject(d, "decode_router", lp->disagg->decode_router->name);
        cJSON_AddNumberToObject(d, "kv_bytes_per_token", llm_kv_bytes_per_token(lp));
    }
    if (tc->front)
        cJSON_AddStringToObject(o, "fleet", sc->cfg.tenants[tc->front - 1].name);
    add_num(o, "completed", report_tenant_stat(res, i, MT_COMPLETED).mean);
    cJSON *th = cJSON_AddObjectToObject(o, "throughput");
    report_stat t = report_tenant_stat(res, i, MT_THROUGHPUT);
    add_num(th, "value", t.mean);
    cJSON_AddStringToObject(th, "unit", tc->wl->unit);
    add_ci(th, "ci95", t);
    cJSON_AddItemToObject(o, "latency_ms", quantile_block(res, fl, i, -1));
    for (int k = 0; tc->wl->metrics && tc->wl->metrics[k]; k++)
        cJSON_AddItemToObject(o, tc->wl->metrics[k], quantile_block(res, fl, i, k));
    static const char *const parts[5] = { "queueing", "other_tenants", "switch", "service", "host" };
    cJSON *b = cJSON_AddObjectToObject(o, "latency_breakdown_ms");
    for (int k = 0; k < 5; k++)
        add_num(b, parts[k], report_tenant_stat(res, i, MT_QUEUE + k).mean);
    report_stat share = report_tenant_stat(res, i, MT_SHARE);
    add_num(o, "gpu_time_share", share.mean);
    add_ci(o, "ci95_gpu_time_share", share);
    add_num(o, "mean_in_system", report_tenant_stat(res, i, MT_IN_SYSTEM).mean);
    report_stat hit = report_tenant_stat(res, i, MT_PREFIX_HIT);
    if (isfinite(hit.mean)) {           /* an engine with a prefix cache, or a fleet of them */
        cJSON *pc = cJSON_AddObjectToObject(o, "prefix_cache");
        add_num(pc, "hit_rate", hit.mean);
        add_ci(pc, "ci95", hit);
    }
    add_slo(o, sc, res, fl, i);
    cJSON_AddItemToObject(o, "flags", flags_json(fl, i));
    return o;
}

report_stat report_inst_stat(const model_result *res, int gpu, int inst, int metric)
{
    return *model_inst_stat(res, gpu, inst, (model_gpu_metric)metric);
}

/* One MIG instance's row: where it sits and where its time went. */
static cJSON *instance_json(const scn *sc, const model_result *res, int g, int i)
{
    const model_instance *in = &sc->cfg.inst[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", i);
    cJSON_AddStringToObject(o, "profile", in->prof->name);
    cJSON_AddNumberToObject(o, "start", in->start);
    cJSON_AddNumberToObject(o, "sms", in->prof->sms);
    cJSON_AddNumberToObject(o, "memory_gib", in->prof->mem_gib);
    cJSON_AddStringToObject(o, "mode", in->share->name);
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

static void sink_str(void *ud, const char *group, const char *key, const char *val)
{
    cJSON *o = ud, *g = group ? cJSON_GetObjectItemCaseSensitive(o, group) : o;
    if (!g)
        g = cJSON_AddObjectToObject(o, group);
    cJSON_AddStringToObject(g, key, val);
}

static void sink_num(void *ud, const char *group, const char *key, double val)
{
    cJSON *o = ud, *g = group ? cJSON_GetObjectItemCaseSensitive(o, group) : o;
    if (!g)
        g = cJSON_AddObjectToObject(o, group);
    cJSON_AddNumberToObject(g, key, val);
}

/* "sharing": the mode, then its settings as its share type describes them. */
static cJSON *sharing_json(const scn *sc)
{
    static const share_sink sink = { sink_str, sink_num };
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "mode", sc->sharing_mode);
    sc->cfg.share->describe(&sc->cfg, &sink, o);
    return o;
}

cJSON *report_summary(const scn *sc, const model_result *res)
{
    flags fl;
    if (flags_compute(&fl, sc, res) < 0) {
        flags_free(&fl);
        return NULL;
    }
    cJSON *root = cJSON_CreateObject();
    if (!root) {
        flags_free(&fl);
        return NULL;
    }
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
        cJSON_AddItemToArray(tl, tenant_json(sc, res, &fl, i));
    cJSON *gs = cJSON_AddArrayToObject(root, "gpus");
    for (int g = 0; g < res->ngpus; g++)
        cJSON_AddItemToArray(gs, gpu_json(sc, res, g));
    cJSON *w = cJSON_AddArrayToObject(root, "warnings");
    for (size_t k = 0; k < fl.nmsg; k++)
        cJSON_AddItemToArray(w, cJSON_CreateString(fl.msg[k]));
    flags_free(&fl);
    return root;
}

/* ---- the table ---- */

static void tenant_table(FILE *f, const scn *sc, const model_result *res, flags *fl)
{
    static const char *const COLS[] = { "<tenant", "<workload", "completed", "n/rep min", "throughput [95% CI]",
                                        "<unit", "mean ms", "p50 ms", "p95 ms [95% CI]", "p99 ms", "share", NULL };
    static const int QS[] = { MQ_MEAN, MQ_P50, MQ_P95, MQ_P99 };
    tab t;
    if (tab_init(&t, COLS) < 0)
        return;
    for (int i = 0; i < res->ntenants; i++) {
        const tenant_cfg *tc = &sc->cfg.tenants[i];
        char a[96], b[128];
        report_stat th = report_tenant_stat(res, i, MT_THROUGHPUT);
        tab_add(&t, "%s", tc->name);
        tab_add(&t, "%s", tc->wl->name);
        tab_add(&t, "%.0f", report_tenant_stat(res, i, MT_COMPLETED).mean);
        tab_add(&t, "%.0f", fl->t[i].min_samples);
        tab_add(&t, "%s", flags_mark(b, sizeof b, tab_ci(a, sizeof a, &th), fl, i, -1, &th));
        tab_add(&t, "%s", tc->wl->unit);
        for (int k = 0; k < 4; k++) {
            report_stat st = report_tenant_stat(res, i, MT_MEAN + QS[k]);
            if (QS[k] == MQ_P95)
                tab_ci(a, sizeof a, &st);
            else
                tab_num(a, sizeof a, st.mean);
            tab_add(&t, "%s", flags_mark(b, sizeof b, a, fl, i, QS[k], &st));
        }
        tab_add(&t, "%.1f%%", 100 * report_tenant_stat(res, i, MT_SHARE).mean);
    }
    tab_print(&t, f, "");
    tab_free(&t);
}

/* One line per tenant with a prefix cache: the share of prompt tokens it
 * found cached, with its interval. */
static void prefix_table(FILE *f, const scn *sc, const model_result *res)
{
    static const char *const COLS[] = { "<prefix cache", "hit rate [95% CI]", NULL };
    tab t;
    int any = 0;
    if (tab_init(&t, COLS) < 0)
        return;
    for (int i = 0; i < res->ntenants; i++) {
        report_stat st = report_tenant_stat(res, i, MT_PREFIX_HIT);
        char a[96];
        if (!isfinite(st.mean))
            continue;
        report_stat pct = st;
        pct.mean *= 100;
        pct.lo *= 100;
        pct.hi *= 100;
        tab_add(&t, "%s", sc->cfg.tenants[i].name);
        tab_add(&t, "%s%%", tab_ci(a, sizeof a, &pct));
        any = 1;
    }
    if (any) {
        fputc('\n', f);
        tab_print(&t, f, "");
    }
    tab_free(&t);
}

/* One line per tenant SLO: the figure, its interval, the verdict and, when
 * uncertain, the replications that would resolve it. */
static void slo_table(FILE *f, const scn *sc, const model_result *res, flags *fl)
{
    static const char *const COLS[] = { "<SLO", "value [95% CI]", "<verdict", NULL };
    tab t;
    int any = 0;
    if (tab_init(&t, COLS) < 0)
        return;
    for (int i = 0; i < res->ntenants; i++) {
        slo_expr e;
        if (slo_of_tenant(sc, i, &e) < 0)
            continue;
        char m[96], a[96], b[16], c[128], why[96];
        report_stat st = slo_stat(&e, res);
        int unsteady = fl->t[i].unsteady;
        sim_verdict v = slo_verdict(&e, &st, unsteady);
        tab_add(&t, "%s %s %s %s %s", sc->cfg.tenants[i].name, slo_metric_name(&e, sc, m, sizeof m),
                slo_op_text(e.op), tab_num(b, sizeof b, e.bound), e.metric == -2 ? sc->cfg.tenants[i].wl->unit : "ms");
        tab_add(&t, "%s", flags_mark(c, sizeof c, tab_ci(a, sizeof a, &st), fl, i, e.metric == -2 ? -1 : e.q, &st));
        if (v != SIM_VERDICT_UNCERTAIN)
            tab_add(&t, "%s", sim_verdict_name(v));
        else
            tab_add(&t, "uncertain (%s)", slo_why(&e, &st, unsteady, why, sizeof why));
        any = 1;
    }
    if (any) {
        fputc('\n', f);
        tab_print(&t, f, "");
    }
    tab_free(&t);
}

static void gpu_table(FILE *f, const scn *sc, const model_result *res)
{
    static const char *const COLS[] = { "<gpu", "utilization", "context switches", "switch overhead",
                                        "virt overhead", NULL };
    const model_cfg *c = &sc->cfg;
    tab t;
    if (tab_init(&t, COLS) < 0)
        return;
    for (int g = 0; g < res->ngpus; g++) {
        tab_add(&t, "%d", g);
        tab_add(&t, "%.1f%%", 100 * report_gpu_stat(res, g, MG_UTIL).mean);
        tab_add(&t, "%.0f", report_gpu_stat(res, g, MG_SWITCHES).mean);
        tab_add(&t, "%.2f%%", 100 * report_gpu_stat(res, g, MG_SWITCH_FRAC).mean);
        tab_add(&t, "%.2f%%", 100 * report_gpu_stat(res, g, MG_OVERHEAD_FRAC).mean);
        for (int i = 0; i < res->ninst; i++) {
            char rn[16];
            c->share->resource_name(c, g, i, 0, rn, sizeof rn);
            tab_add(&t, "  %s %s", rn, c->inst[i].prof->name);
            tab_add(&t, "%.1f%%", 100 * report_inst_stat(res, g, i, MG_UTIL).mean);
            tab_add(&t, "%.0f", report_inst_stat(res, g, i, MG_SWITCHES).mean);
            tab_add(&t, "%.2f%%", 100 * report_inst_stat(res, g, i, MG_SWITCH_FRAC).mean);
            tab_add(&t, "%.2f%%", 100 * report_inst_stat(res, g, i, MG_OVERHEAD_FRAC).mean);
        }
    }
    tab_print(&t, f, "");
    tab_free(&t);
    for (int g = 0; g < res->ngpus; g++)
        if (res->ninst > 0 && c->power_throttle < 1.0)
            fprintf(f, "gpu %d: power throttled %.1f%% of the time (x%.3g)\n", g,
                    100 * report_gpu_stat(res, g, MG_THROTTLED_FRAC).mean, c->power_throttle);
}

void report_table(FILE *f, const scn *sc, const model_result *res)
{
    const model_cfg *c = &sc->cfg;
    flags fl;
    if (flags_compute(&fl, sc, res) < 0) {
        flags_free(&fl);
        fprintf(f, "out of memory\n");
        return;
    }
    char label[128];
    c->share->label(c, label, sizeof label);
    fprintf(f, "scenario %s: %d x %s, %s%s, %s\n", sc->name, c->ngpus, c->gpu->name, sc->sharing_mode,
            label, sc->virt_mode);
    fprintf(f, "%d replication%s x %.6g s (warm-up %.6g s), seed %llu, %llu events\n\n",
            res->reps, res->reps == 1 ? "" : "s", (double)c->duration / 1e9,
            (double)c->warmup / 1e9, (unsigned long long)c->seed, (unsigned long long)res->events);
    tenant_table(f, sc, res, &fl);
    flags_legend(&fl, f, "  ");
    prefix_table(f, sc, res);
    slo_table(f, sc, res, &fl);
    fputc('\n', f);
    gpu_table(f, sc, res);
    flags_free(&fl);
}

size_t report_warnings(FILE *err, const scn *sc, const model_result *res, const char *prefix)
{
    flags fl;
    size_t n = 0;
    if (flags_compute(&fl, sc, res) == 0) {
        flags_print(&fl, err, prefix);
        n = fl.nmsg;
    }
    flags_free(&fl);
    return n;
}

void report_csv_field(FILE *f, const char *s)
{
    size_t n = strlen(s);
    if (!strpbrk(s, ",\"\r\n") && !(n > 0 && (s[0] == ' ' || s[n - 1] == ' '))) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
