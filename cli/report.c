#include "cli/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/flags.h"
#include "cli/slo.h"
#include "cli/table.h"
#include "models/accuracy.h"
#include "models/disagg.h"
#include "models/llm.h"
#include "models/router.h"
#include "plots/figures.h"
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

/* ---- summary.json: a row of figures (plots/figures.h) from the typed results ---- */

/* A block of the mean and percentiles (the latency block, or workload
 * metric k), each with its 95% interval across replications, the fewest
 * samples a replication based them on, and the percentiles resting on too
 * few (flags.h): member FIG_T_LAT_MEAN + i is slot i of the block. */
static void quantile_block(fig_row *r, const model_result *res, const flags *fl, int ti, int k)
{
    unsigned long low = 0;
    for (int q = 0; q < MQ_N; q++) {
        report_stat st = k < 0 ? report_tenant_stat(res, ti, MT_MEAN + q) : report_tenant_xstat(res, ti, k, q);
        fig_val *m = k < 0 ? NULL : fig_block(r, (size_t)k, (fig_id)(FIG_T_LAT_MEAN + q));
        fig_val *c = k < 0 ? NULL : fig_block(r, (size_t)k, (fig_id)(FIG_T_LAT_CI_MEAN + q));
        if (k < 0) {
            fig_set_num(r, (fig_id)(FIG_T_LAT_MEAN + q), st.mean);
            fig_set_ci(r, (fig_id)(FIG_T_LAT_CI_MEAN + q), st.lo, st.hi);
        } else if (m && c) {
            fig_val_num(m, st.mean);
            fig_val_ci(c, st.lo, st.hi);
        }
        if (q >= MQ_P50 && fl->t[ti].low[q])
            low |= 1ul << q;        /* bit q: member FIG_T_LAT_MEAN + q */
    }
    if (k < 0) {
        fig_set_num(r, FIG_T_LAT_SAMPLES, fl->t[ti].min_samples);
        fig_set_num(r, FIG_T_LAT_LOW, (double)low);
    } else if (fig_block(r, (size_t)k, FIG_T_LAT_SAMPLES)) {
        fig_val_num(fig_block(r, (size_t)k, FIG_T_LAT_SAMPLES), fl->t[ti].min_samples);
        fig_val_num(fig_block(r, (size_t)k, FIG_T_LAT_LOW), (double)low);
    }
}

/* The tenant's own SLO: its figure, interval and verdict (sim/verdict.h);
 * met is true only when the whole interval meets the bound. */
static void slo_fig(fig_row *r, const scn *sc, const model_result *res, const flags *fl, int i)
{
    char name[96];
    slo_expr e;
    if (slo_of_tenant(sc, i, &e) < 0) {
        fig_set_null(r, FIG_T_SLO);
        fig_set_null(r, FIG_T_SLO_ATTAINMENT);
        return;
    }
    report_stat st = slo_stat(&e, res);
    int unsteady = fl->t[i].unsteady;
    sim_verdict v = slo_verdict(&e, &st, unsteady);
    fig_set_obj(r, FIG_T_SLO);
    fig_set_str(r, FIG_T_SLO_METRIC, fig_row_own(r, slo_metric_name(&e, sc, name, sizeof name)));
    fig_set_num(r, FIG_T_SLO_BOUND, e.bound);
    fig_set_num(r, FIG_T_SLO_VALUE, st.mean);
    fig_set_ci(r, FIG_T_SLO_CI, st.lo, st.hi);
    fig_set_str(r, FIG_T_SLO_VERDICT, sim_verdict_name(v));
    fig_set_bool(r, FIG_T_SLO_MET, v == SIM_VERDICT_MET);
    if (v == SIM_VERDICT_UNCERTAIN) {
        fig_set_str(r, FIG_T_SLO_REASON, slo_reason(&e, &st, unsteady));
        fig_set_num(r, FIG_T_SLO_REPS, (double)slo_reps_to_resolve(&e, &st, unsteady));
    }
    fig_set_num(r, FIG_T_SLO_ATTAINMENT, report_tenant_stat(res, i, MT_SLO).mean);
}

int report_validation_rows(fig_row *r, int id, const acc_entry *const *e, size_t n, const char *gpu)
{
    fig_row *v = fig_set_rows(r, (fig_id)id, n);
    if (!v)
        return -1;
    for (size_t k = 0; k < n; k++) {
        fig_set_str(&v[k], FIG_A_FAMILY, e[k]->family);
        fig_set_str(&v[k], FIG_A_VALIDATED, e[k]->validated);
        fig_set_num(&v[k], FIG_A_ROWS, e[k]->rows);
        fig_set_num(&v[k], FIG_A_WITHIN, e[k]->within);
        fig_set_num(&v[k], FIG_A_MEAN, e[k]->mean_pct);
        fig_set_num(&v[k], FIG_A_P90, e[k]->p90_pct);
        fig_set_num(&v[k], FIG_A_MAX, e[k]->max_pct);
        if (e[k]->left_out_points > 0) {
            fig_set_obj(&v[k], FIG_A_LEFT_OUT);
            fig_set_num(&v[k], FIG_A_LO_POINTS, e[k]->left_out_points);
            fig_set_num(&v[k], FIG_A_LO_MEAN, e[k]->left_out_mean_pct);
            fig_set_num(&v[k], FIG_A_LO_MAX, e[k]->left_out_max_pct);
        } else {
            fig_set_null(&v[k], FIG_A_LEFT_OUT);
        }
        if (fig_set_strs(&v[k], FIG_A_GPUS, e[k]->gpus, acc_ngpus(e[k])) < 0)
            return -1;
        fig_set_bool(&v[k], FIG_A_THIS_GPU, acc_measured_on(e[k], gpu));
    }
    return 0;
}

/* The validated error of each family the tenant's figures rest on. */
static int validation_fig(fig_row *r, const scn *sc, const tenant_cfg *tc)
{
    const acc_entry *e[ACC_PER_TENANT];
    size_t n = acc_of_tenant(&sc->cfg, tc, e, ACC_PER_TENANT);
    return report_validation_rows(r, FIG_T_VALIDATION, e, n, sc->cfg.gpu->name);
}

static int tenant_fig(fig_row *r, const scn *sc, const model_result *res, const flags *fl, int i)
{
    const tenant_cfg *tc = &sc->cfg.tenants[i];
    fig_set_str(r, FIG_T_NAME, tc->name);
    fig_set_str(r, FIG_T_WORKLOAD, tc->wl->name);
    fig_set_num(r, FIG_T_GPU, tc->gpu);
    if (tc->replicas > 0) {             /* a fleet: its router and replicas */
        const char **names = malloc((size_t)tc->replicas * sizeof *names);
        for (int k = 0; names && k < tc->replicas; k++)
            names[k] = sc->cfg.tenants[tc->first_replica + k].name;
        fig_set_str(r, FIG_T_ROUTER, tc->router->name);
        int rc = names ? fig_set_strs(r, FIG_T_REPLICAS, names, (size_t)tc->replicas) : -1;
        free(names);
        if (rc < 0)
            return -1;
    }
    if (tc->routed > 0) {               /* a disaggregated fleet: its pools and link */
        const llm_params *lp = sc->cfg.tenants[tc->first_replica].wl_params;
        fig_set_obj(r, FIG_T_DISAGG);
        fig_set_num(r, FIG_T_DG_PREFILL, lp->disagg->prefill);
        fig_set_num(r, FIG_T_DG_DECODE, lp->disagg->decode);
        fig_set_str(r, FIG_T_DG_LINK, disagg_path_name(lp->disagg->path));
        fig_set_str(r, FIG_T_DG_ROUTER, lp->disagg->decode_router->name);
        fig_set_num(r, FIG_T_DG_KV_BYTES, llm_kv_bytes_per_token(lp));
    }
    if (tc->front)
        fig_set_str(r, FIG_T_FLEET, sc->cfg.tenants[tc->front - 1].name);
    fig_set_num(r, FIG_T_COMPLETED, report_tenant_stat(res, i, MT_COMPLETED).mean);
    report_stat t = report_tenant_stat(res, i, MT_THROUGHPUT);
    fig_set_obj(r, FIG_T_THROUGHPUT_OBJ);
    fig_set_num(r, FIG_T_THROUGHPUT, t.mean);
    fig_set_str(r, FIG_T_THROUGHPUT_UNIT, tc->wl->unit);
    fig_set_ci(r, FIG_T_THROUGHPUT_CI, t.lo, t.hi);
    fig_set_obj(r, FIG_T_LATENCY);
    quantile_block(r, res, fl, i, -1);
    size_t nm = 0;
    while (tc->wl->metrics && tc->wl->metrics[nm])
        nm++;
    if (fig_set_blocks(r, nm, tc->wl->metrics) < 0)
        return -1;
    for (size_t k = 0; k < r->nblocks; k++)
        quantile_block(r, res, fl, i, (int)k);
    fig_set_obj(r, FIG_T_BREAKDOWN);
    for (int k = 0; k < 5; k++)
        fig_set_num(r, (fig_id)(FIG_T_BD_QUEUEING + k), report_tenant_stat(res, i, MT_QUEUE + k).mean);
    report_stat share = report_tenant_stat(res, i, MT_SHARE);
    fig_set_num(r, FIG_T_GPU_SHARE, share.mean);
    fig_set_ci(r, FIG_T_GPU_SHARE_CI, share.lo, share.hi);
    fig_set_num(r, FIG_T_IN_SYSTEM, report_tenant_stat(res, i, MT_IN_SYSTEM).mean);
    report_stat hit = report_tenant_stat(res, i, MT_PREFIX_HIT);
    if (isfinite(hit.mean)) {           /* an engine with a prefix cache, or a fleet of them */
        fig_set_obj(r, FIG_T_PREFIX);
        fig_set_num(r, FIG_T_PREFIX_HIT, hit.mean);
        fig_set_ci(r, FIG_T_PREFIX_CI, hit.lo, hit.hi);
    }
    slo_fig(r, sc, res, fl, i);
    fig_set_obj(r, FIG_T_FLAGS);
    fig_set_bool(r, FIG_T_FL_UNSTEADY, fl->t[i].unsteady);
    fig_set_num(r, FIG_T_FL_UNFINISHED, fl->t[i].unfinished);
    fig_set_bool(r, FIG_T_FL_CONSTANT, fl->t[i].constant);
    return validation_fig(r, sc, tc);
}

report_stat report_inst_stat(const model_result *res, int gpu, int inst, int metric)
{
    return *model_inst_stat(res, gpu, inst, (model_gpu_metric)metric);
}

/* One MIG instance's row: where it sits and where its time went. */
static void instance_fig(fig_row *r, const scn *sc, const model_result *res, int g, int i)
{
    const model_instance *in = &sc->cfg.inst[i];
    fig_set_num(r, FIG_I_ID, i);
    fig_set_str(r, FIG_I_PROFILE, in->prof->name);
    fig_set_num(r, FIG_I_START, in->start);
    fig_set_num(r, FIG_I_SMS, in->prof->sms);
    fig_set_num(r, FIG_I_MEMORY, in->prof->mem_gib);
    fig_set_str(r, FIG_I_MODE, in->share->name);
    report_stat u = report_inst_stat(res, g, i, MG_UTIL);
    fig_set_num(r, FIG_I_UTILIZATION, u.mean);
    fig_set_ci(r, FIG_I_UTIL_CI, u.lo, u.hi);
    fig_set_num(r, FIG_I_SWITCHES, report_inst_stat(res, g, i, MG_SWITCHES).mean);
    fig_set_num(r, FIG_I_SWITCH_OVERHEAD, report_inst_stat(res, g, i, MG_SWITCH_FRAC).mean);
    fig_set_num(r, FIG_I_VIRT_OVERHEAD, report_inst_stat(res, g, i, MG_OVERHEAD_FRAC).mean);
}

static int gpu_fig(fig_row *r, const scn *sc, const model_result *res, int g)
{
    fig_set_num(r, FIG_G_ID, g);
    report_stat u = report_gpu_stat(res, g, MG_UTIL);
    fig_set_num(r, FIG_G_UTILIZATION, u.mean);
    fig_set_ci(r, FIG_G_UTIL_CI, u.lo, u.hi);
    fig_set_num(r, FIG_G_SWITCHES, report_gpu_stat(res, g, MG_SWITCHES).mean);
    fig_set_num(r, FIG_G_SWITCH_OVERHEAD, report_gpu_stat(res, g, MG_SWITCH_FRAC).mean);
    fig_set_num(r, FIG_G_VIRT_OVERHEAD, report_gpu_stat(res, g, MG_OVERHEAD_FRAC).mean);
    fig_set_num(r, FIG_G_PCIE, report_gpu_stat(res, g, MG_PCIE_UTIL).mean);
    if (res->ninst > 0) {
        fig_set_num(r, FIG_G_THROTTLED, report_gpu_stat(res, g, MG_THROTTLED_FRAC).mean);
        fig_row *in = fig_set_rows(r, FIG_G_INSTANCES, (size_t)res->ninst);
        if (!in)
            return -1;
        for (int i = 0; i < res->ninst; i++)
            instance_fig(&in[i], sc, res, g, i);
    }
    return 0;
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

/* "sharing": the mode, then its settings as its share type describes them
 * (the share type owns those names: a raw member of the row). */
static cJSON *sharing_json(const scn *sc)
{
    static const share_sink sink = { sink_str, sink_num };
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "mode", sc->sharing_mode);
    sc->cfg.share->describe(&sc->cfg, &sink, o);
    return o;
}

int report_summary_row(fig_row *r, const scn *sc, const model_result *res)
{
    flags fl;
    int rc = -1;
    if (fig_row_init(r, FIG_SUMMARY) < 0)
        return -1;
    if (flags_compute(&fl, sc, res) < 0)
        goto done;
    fig_set_str(r, FIG_S_VERSION, SLICESIM_VERSION);
    fig_set_str(r, FIG_S_SCENARIO, sc->name);
    fig_set_num(r, FIG_S_SEED, (double)sc->cfg.seed);
    fig_set_num(r, FIG_S_REPLICATIONS, res->reps);
    fig_set_num(r, FIG_S_DURATION, (double)sc->cfg.duration / 1e9);
    fig_set_num(r, FIG_S_WARMUP, (double)sc->cfg.warmup / 1e9);
    fig_set_num(r, FIG_S_SIM_TIME, res->sim_time_s);
    fig_set_num(r, FIG_S_EVENTS, (double)res->events);
    fig_set_obj(r, FIG_S_HARDWARE);
    fig_set_str(r, FIG_S_HW_GPU, sc->cfg.gpu->name);
    fig_set_num(r, FIG_S_HW_GPUS, sc->cfg.ngpus);
    if (sc->profile)
        fig_set_str(r, FIG_S_HW_PROFILE, sc->profile->path);
    fig_set_str(r, FIG_S_VIRTUALIZATION, sc->virt_mode);
    fig_set_raw(r, FIG_S_SHARING, sharing_json(sc));
    fig_set_obj(r, FIG_S_PERCENTILES);
    fig_set_str(r, FIG_S_PCT_METHOD, sc->pct_rel_err > 0 ? "histogram" : "exact");
    if (sc->pct_rel_err > 0)
        fig_set_num(r, FIG_S_PCT_ERROR, sc->pct_rel_err);
    fig_row *t = fig_set_rows(r, FIG_S_TENANTS, (size_t)res->ntenants);
    fig_row *g = fig_set_rows(r, FIG_S_GPUS, (size_t)res->ngpus);
    const char **w = malloc((fl.nmsg + 1) * sizeof *w);
    for (size_t k = 0; w && k < fl.nmsg; k++)
        w[k] = fig_row_own(r, fl.msg[k]);
    int ok = t && g && w && fig_row_has(r, FIG_S_SHARING) && fig_set_strs(r, FIG_S_WARNINGS, w, fl.nmsg) == 0;
    free(w);
    for (int i = 0; ok && i < res->ntenants; i++)
        ok = tenant_fig(&t[i], sc, res, &fl, i) == 0;
    for (int k = 0; ok && k < res->ngpus; k++)
        ok = gpu_fig(&g[k], sc, res, k) == 0;
    rc = ok ? 0 : -1;
done:
    flags_free(&fl);
    return rc;
}

cJSON *report_summary(const scn *sc, const model_result *res)
{
    fig_row r;
    cJSON *doc = report_summary_row(&r, sc, res) == 0 ? fig_row_json(&r) : NULL;
    fig_row_free(&r);
    return doc;
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

void report_validation_table(FILE *f, const int *used)
{
    static const char *const COLS[] = { "<family", "rows", "within tolerance", "mean |error|",
                                        "90% of rows within", "largest", "left out: mean", NULL };
    size_t any = 0;
    for (size_t k = 0; k < acc_count(); k++)
        any += used[k] != 0;
    tab t;
    if (!any || tab_init(&t, COLS) < 0)
        return;
    for (size_t k = 0; k < acc_count(); k++) {
        const acc_entry *e = acc_at(k);
        if (!used[k])
            continue;
        tab_add(&t, "%s", e->family);
        tab_add(&t, "%d", e->rows);
        tab_add(&t, "%d", e->within);
        tab_add(&t, "%.2f%%", e->mean_pct);
        tab_add(&t, "%.2f%%", e->p90_pct);
        tab_add(&t, "%.2f%%", e->max_pct);
        if (e->left_out_points > 0)
            tab_add(&t, "%.2f%%", e->left_out_mean_pct);
        else
            tab_add(&t, "-");
    }
    fprintf(f, "\nvalidated error of the model against published measurements (slicesim validate):\n");
    tab_print(&t, f, "");
    tab_free(&t);
}

void report_validation_mark(const cJSON *tenants, int *used)
{
    const cJSON *t, *v;
    cJSON_ArrayForEach(t, tenants)
        cJSON_ArrayForEach(v, fig_item(t, FIG_T_VALIDATION)) {
            const acc_entry *e = acc_find(fig_str(v, FIG_A_FAMILY));
            if (e)
                used[acc_index(e)] = 1;
        }
}

/* The families some tenant's figures rest on. */
static void validation_table(FILE *f, const scn *sc)
{
    int used[ACC_MAX_FAMILIES] = { 0 };
    for (size_t i = 0; i < sc->cfg.ntenants; i++) {
        const acc_entry *e[ACC_PER_TENANT];
        size_t n = acc_of_tenant(&sc->cfg, &sc->cfg.tenants[i], e, ACC_PER_TENANT);
        for (size_t k = 0; k < n; k++)
            used[acc_index(e[k])] = 1;
    }
    report_validation_table(f, used);
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
    validation_table(f, sc);
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
