/* cmd_compare.c -- `slicesim compare SCENARIO --modes bare_metal,timeslice,...
 * -o DIR [--plot] [--jobs N] [--set PATH=VALUE]... [--seed N] [--reps N]`
 *
 * The seed's decision guide as a command: the scenario's tenants under each
 * setup (cli/setups.h), side by side: throughput, p50/p95/p99 with 95%
 * intervals, GPU utilization and the difference from bare metal (or from
 * the first setup when bare metal is not compared), and for a tenant with an
 * SLO the SLO's own figure (latency, TTFT, TPOT ...) with its interval and
 * verdict: met, missed or uncertain (sim/verdict.h). The closing line names
 * the setups whose every SLO is met, the cheapest of them (by the
 * scenario's price per GPU-hour, else by GPUs held), and the setups still
 * uncertain with the replications that would settle them. Writes
 * DIR/compare.json (with every workload metric: TTFT and TPOT for LLMs) and
 * DIR/compare.csv. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "models/accuracy.h"
#include "cli/flags.h"
#include "cli/outfile.h"
#include "cli/points.h"
#include "cli/report.h"
#include "cli/setups.h"
#include "cli/slo.h"
#include "cli/sweepio.h"
#include "cli/table.h"
#include "plots/charts.h"
#include "plots/figures.h"
#include "scenarios/price.h"
#include "sim/ci.h"

#define MAX_MODES 16
#define NQ 3

static const int QS[NQ] = { MT_P50, MT_P95, MT_P99 };

typedef struct {
    cli_scn_opts c;
    long        jobs;
    int         plot;
    const setup_mode *modes[MAX_MODES];
    size_t      nmodes;
} cmp_opts;

typedef struct {
    report_stat thr, q[NQ];
    report_stat x[TENANT_MAX_METRICS][NQ];   /* workload metrics (ttft_ms ...) */
    int         has_slo, unsteady;
    slo_expr    slo;
    report_stat slo_st;
    sim_verdict verdict;
    size_t      reps_to_resolve;
    const acc_entry *acc[ACC_PER_TENANT];    /* the families its figures rest on in this setup */
    char         gpu[64];                    /* the setup's GPU, for measured_on_this_gpu */
    size_t      nacc;
} cmp_tenant;

typedef struct {
    cmp_tenant *t;
    int         ngpus, meets, uncertain;     /* every SLO met; some uncertain, none missed */
    size_t      reps_to_resolve;             /* the most any uncertain SLO needs */
    int         unsteady;                    /* some SLO is uncertain for want of a steady state */
    flags       fl;                          /* the setup's warnings */
    report_stat util;              /* mean over the GPUs in use */
    price_info  price;
    double      cost;              /* USD/h, or GPUs when unpriced */
} cmp_setup;

static int parse_modes(cmp_opts *o, const char *list, FILE *err)
{
    char buf[512], names[256];
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    for (char *m = strtok_r(buf, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
        const setup_mode *s = setup_find(m);
        if (!s) {
            fprintf(err, "slicesim compare: --modes: setup \"%s\" is unknown; allowed: %s\n", m,
                    setup_names(names, sizeof names));
            return -1;
        }
        for (size_t k = 0; k < o->nmodes; k++)
            if (o->modes[k] == s) {
                fprintf(err, "slicesim compare: --modes: setup \"%s\" is given twice\n", m);
                return -1;
            }
        if (o->nmodes == MAX_MODES)
            return -1;
        o->modes[o->nmodes++] = s;
    }
    if (o->nmodes == 0) {
        fprintf(err, "slicesim compare: --modes: no setup given; allowed: %s\n", setup_names(names, sizeof names));
        return -1;
    }
    return 0;
}

static const cli_opt CMP_OPTS[] = {
    { "--modes", 1, "M1,M2,...", "the setups to compare: bare_metal, passthrough, timeslice, vgpu, mig, mps" },
    { "--jobs", 1, "N", "points run in parallel, 1 to 256 (default: the cores)" },
    { "--plot", 0, NULL, "draw the charts into DIR" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec CMP_SPEC = {
    "compare", "SCENARIO.json", "The same workload under each setup, side by side (needs --modes and -o).",
    CMP_OPTS, NULL,
};

static int cmp_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    cmp_opts *o = ctx;
    if (strcmp(a, "--plot") == 0) {
        o->plot = 1;
        return 0;
    }
    if (strcmp(a, "--modes") == 0)
        return parse_modes(o, val, err);
    return cli_parse_long("--jobs", val, 1, 256, &o->jobs, err);
}

static int parse_opts(int argc, char **argv, cmp_opts *o, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    cli_scn_opts_init(&o->c);
    o->jobs = points_jobs();
    int r = cli_scn_parse(&CMP_SPEC, argc, argv, &o->c, cmp_opt, o, out, err);
    if (r != 0)
        return r;
    if (!o->c.scenario || !o->c.outdir || o->nmodes == 0) {
        fprintf(err, "slicesim compare: needs a scenario, --modes and -o DIR\n");
        cli_usage_hint(&CMP_SPEC, err);
        return -1;
    }
    return 0;
}

/* Every by_setup price must name a setup. */
static int check_prices(const scn *sc, FILE *err)
{
    const cJSON *by = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sc->root, "cost"),
                                                       "usd_per_gpu_hour_by_setup"), *e;
    char names[256];
    cJSON_ArrayForEach(e, by)
        if (!setup_find(e->string)) {
            fprintf(err, "slicesim: %s: cost.usd_per_gpu_hour_by_setup.%s: setup \"%s\" is unknown; allowed: %s\n",
                    sc->file, e->string, e->string, setup_names(names, sizeof names));
            return -1;
        }
    return 0;
}

static int on_point(size_t i, const scn *sc, const model_result *res, void *ud,
                    char *msg, size_t len)
{
    (void)msg;
    (void)len;
    cmp_setup *s = &((cmp_setup *)ud)[i];
    int missed = 0;
    s->meets = 1;
    if (flags_compute(&s->fl, sc, res) < 0)
        return -1;
    for (int t = 0; t < res->ntenants; t++) {
        cmp_tenant *c = &s->t[t];
        const tenant_cfg *tc = &sc->cfg.tenants[t];
        c->thr = report_tenant_stat(res, t, MT_THROUGHPUT);
        for (int q = 0; q < NQ; q++)
            c->q[q] = report_tenant_stat(res, t, QS[q]);
        for (int k = 0; tc->wl->metrics && tc->wl->metrics[k] && k < TENANT_MAX_METRICS; k++)
            for (int q = 0; q < NQ; q++)
                c->x[k][q] = report_tenant_xstat(res, t, k, QS[q] - MT_MEAN);
        c->nacc = acc_of_tenant(&sc->cfg, tc, c->acc, ACC_PER_TENANT);
        snprintf(c->gpu, sizeof c->gpu, "%s", sc->cfg.gpu->name);
        c->has_slo = slo_of_tenant(sc, t, &c->slo) == 0;
        if (!c->has_slo)
            continue;
        c->slo_st = slo_stat(&c->slo, res);
        c->unsteady = s->fl.t[t].unsteady;
        c->verdict = slo_verdict(&c->slo, &c->slo_st, c->unsteady);
        c->reps_to_resolve = slo_reps_to_resolve(&c->slo, &c->slo_st, c->unsteady);
        if (c->verdict != SIM_VERDICT_MET)
            s->meets = 0;
        missed |= c->verdict == SIM_VERDICT_MISSED;
        if (c->verdict == SIM_VERDICT_UNCERTAIN && c->reps_to_resolve > s->reps_to_resolve)
            s->reps_to_resolve = c->reps_to_resolve;
        if (c->verdict == SIM_VERDICT_UNCERTAIN && c->unsteady)
            s->unsteady = 1;
    }
    s->uncertain = !s->meets && !missed;
    s->ngpus = res->ngpus;
    /* utilization of a setup: the mean over its GPUs, per replication */
    double *x = calloc((size_t)res->reps, sizeof *x);
    if (!x)
        return -1;
    for (int r = 0; r < res->reps; r++) {
        double sum = 0;
        for (int g = 0; g < res->ngpus; g++)
            sum += model_gpu_at(res, r, g, MG_UTIL);
        x[r] = sum / res->ngpus;
    }
    s->util = sim_ci_95(x, (size_t)res->reps, SIM_CI_FRACTION);
    free(x);
    return 0;
}

static double pct(double x, double base)
{
    return isfinite(x) && isfinite(base) && base != 0 ? 100 * (x / base - 1) : NAN;
}

static int all_priced(const cmp_setup *s, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!s[k].price.given)
            return 0;
    return 1;
}

/* The cheapest setup meeting the SLOs, or -1; ties go to the earlier one. */
static long cheapest(const cmp_setup *s, size_t n)
{
    long best = -1;
    for (size_t k = 0; k < n; k++)
        if (s[k].meets && (best < 0 || s[k].cost < s[best].cost))
            best = (long)k;
    return best;
}

/* A setup's tenant t: its figures against the baseline's b. */
static int tenant_fig(fig_row *r, const scn *sc, size_t t, const cmp_tenant *c, const cmp_tenant *b)
{
    static const fig_id Q[NQ] = { FIG_C_LAT_P50, FIG_C_LAT_P95, FIG_C_LAT_P99 };
    static const fig_id QCI[NQ] = { FIG_C_LAT_CI_P50, FIG_C_LAT_CI_P95, FIG_C_LAT_CI_P99 };
    fig_set_str(r, FIG_C_NAME, sc->cfg.tenants[t].name);
    fig_set_obj(r, FIG_C_THROUGHPUT_OBJ);
    fig_set_num(r, FIG_C_THROUGHPUT, c->thr.mean);
    fig_set_ci(r, FIG_C_THROUGHPUT_CI, c->thr.lo, c->thr.hi);
    fig_set_str(r, FIG_C_THROUGHPUT_UNIT, sc->cfg.tenants[t].wl->unit);
    fig_set_obj(r, FIG_C_LATENCY);
    for (int q = 0; q < NQ; q++) {
        fig_set_num(r, Q[q], c->q[q].mean);
        fig_set_ci(r, QCI[q], c->q[q].lo, c->q[q].hi);
    }
    const char *const *wm = sc->cfg.tenants[t].wl->metrics;
    size_t nm = 0;
    while (wm && wm[nm] && nm < TENANT_MAX_METRICS)
        nm++;
    fig_set_blocks(r, nm, wm);
    for (size_t j = 0; j < r->nblocks; j++)
        for (int q = 0; q < NQ; q++) {
            fig_val_num(fig_block(r, j, Q[q]), c->x[j][q].mean);
            fig_val_ci(fig_block(r, j, QCI[q]), c->x[j][q].lo, c->x[j][q].hi);
        }
    if (c->has_slo) {
        char m[96];
        fig_set_obj(r, FIG_C_SLO_OBJ);
        fig_set_num(r, FIG_C_SLO_VALUE, c->slo_st.mean);
        fig_set_ci(r, FIG_C_SLO_CI, c->slo_st.lo, c->slo_st.hi);
        fig_set_str(r, FIG_C_SLO_TEXT, c->slo.text);
        fig_set_str(r, FIG_C_SLO_METRIC, fig_row_own(r, slo_metric_name(&c->slo, sc, m, sizeof m)));
        fig_set_num(r, FIG_C_SLO_BOUND, c->slo.bound);
        fig_set_str(r, FIG_C_SLO_VERDICT, sim_verdict_name(c->verdict));
        if (c->verdict == SIM_VERDICT_UNCERTAIN) {
            fig_set_str(r, FIG_C_SLO_REASON, slo_reason(&c->slo, &c->slo_st, c->unsteady));
            fig_set_num(r, FIG_C_SLO_REPS, (double)c->reps_to_resolve);
        }
        fig_set_bool(r, FIG_C_SLO_MET, c->verdict == SIM_VERDICT_MET);
    } else {
        fig_set_null(r, FIG_C_SLO_OBJ);
        fig_set_null(r, FIG_C_SLO_MET);
    }
    fig_set_obj(r, FIG_C_VS);
    fig_set_num(r, FIG_C_VS_THROUGHPUT, pct(c->thr.mean, b->thr.mean));
    fig_set_num(r, FIG_C_VS_P95, pct(c->q[1].mean, b->q[1].mean));
    return report_validation_rows(r, FIG_C_VALIDATION, c->acc, c->nacc, c->gpu);
}

/* compare.json, written through the schema table (plots/figures.h). */
static cJSON *compare_doc(const cmp_opts *o, const scn *sc, const cmp_setup *s, size_t base)
{
    int priced = all_priced(s, o->nmodes);
    fig_row r;
    cJSON *doc = NULL;
    if (fig_row_init(&r, FIG_COMPARE) < 0)
        return NULL;
    fig_set_str(&r, FIG_K_VERSION, SLICESIM_VERSION);
    fig_set_str(&r, FIG_K_SCENARIO, sc->name);
    fig_set_str(&r, FIG_K_BASELINE, o->modes[base]->name);
    fig_set_str(&r, FIG_K_COST_UNIT, priced ? "USD/h" : "GPUs held (no price in the scenario)");
    fig_row *su = fig_set_rows(&r, FIG_K_SETUPS, o->nmodes);
    size_t nmeet = 0, nunc = 0;
    const char *meet[MAX_MODES];
    for (size_t k = 0; k < o->nmodes; k++) {
        if (s[k].meets)
            meet[nmeet++] = o->modes[k]->name;
        nunc += s[k].uncertain != 0;
    }
    fig_set_obj(&r, FIG_K_VERDICT);
    fig_row *un = fig_set_rows(&r, FIG_K_UNCERTAIN, nunc);
    int ok = su && un && fig_set_strs(&r, FIG_K_MEETING, meet, nmeet) == 0;
    for (size_t k = 0, u = 0; ok && k < o->nmodes; k++) {
        fig_row *e = &su[k];
        fig_set_str(e, FIG_U_MODE, o->modes[k]->name);
        fig_set_str(e, FIG_U_WHAT, o->modes[k]->what);
        fig_set_num(e, FIG_U_GPUS, s[k].ngpus);
        fig_set_num(e, FIG_U_COST, s[k].cost);
        fig_set_obj(e, FIG_U_UTIL_OBJ);
        fig_set_num(e, FIG_U_UTILIZATION, s[k].util.mean);
        fig_set_ci(e, FIG_U_UTIL_CI, s[k].util.lo, s[k].util.hi);
        fig_set_bool(e, FIG_U_MEETS, s[k].meets);
        fig_row *tl = fig_set_rows(e, FIG_U_TENANTS, sc->cfg.ntenants);
        ok = tl != NULL;
        for (size_t t = 0; ok && t < sc->cfg.ntenants; t++)
            ok = tenant_fig(&tl[t], sc, t, &s[k].t[t], &s[base].t[t]) == 0;
        if (s[k].uncertain) {
            fig_set_str(&un[u], FIG_X_MODE, o->modes[k]->name);
            fig_set_num(&un[u], FIG_X_REPS, (double)s[k].reps_to_resolve);
            fig_set_bool(&un[u], FIG_X_UNSTEADY, s[k].unsteady);
            u++;
        }
    }
    long best = cheapest(s, o->nmodes);
    if (best >= 0)
        fig_set_str(&r, FIG_K_CHEAPEST, o->modes[best]->name);
    else
        fig_set_null(&r, FIG_K_CHEAPEST);
    if (ok)
        doc = fig_row_json(&r);
    fig_row_free(&r);
    return doc;
}

static void print_table(FILE *f, const cmp_opts *o, const scn *sc, cmp_setup *s, size_t base)
{
    static const char *const COLS[] = { "<setup", "<tenant", "throughput [95% CI]", "<unit", "p50 ms",
                                        "p95 ms [95% CI]", "p99 ms", "util", "d thr", "d p95",
                                        "<SLO figure", "SLO [95% CI]", "<verdict", NULL };
    tab t;
    if (tab_init(&t, COLS) < 0)
        return;
    fprintf(f, "compare %s: differences are against %s\n\n", sc->name, o->modes[base]->name);
    for (size_t k = 0; k < o->nmodes; k++)
        for (size_t i = 0; i < sc->cfg.ntenants; i++) {
            const cmp_tenant *c = &s[k].t[i], *b = &s[base].t[i];
            flags *fl = &s[k].fl;
            char a[96], m[128];
            int ti = (int)i;
            tab_add(&t, "%s", i ? "" : o->modes[k]->name);
            tab_add(&t, "%s", sc->cfg.tenants[i].name);
            tab_add(&t, "%s", flags_mark(m, sizeof m, tab_ci(a, sizeof a, &c->thr), fl, ti, -1, &c->thr));
            tab_add(&t, "%s", sc->cfg.tenants[i].wl->unit);
            tab_add(&t, "%s", flags_mark(m, sizeof m, tab_num(a, sizeof a, c->q[0].mean), fl, ti, MQ_P50, &c->q[0]));
            tab_add(&t, "%s", flags_mark(m, sizeof m, tab_ci(a, sizeof a, &c->q[1]), fl, ti, MQ_P95, &c->q[1]));
            tab_add(&t, "%s", flags_mark(m, sizeof m, tab_num(a, sizeof a, c->q[2].mean), fl, ti, MQ_P99, &c->q[2]));
            tab_add(&t, "%.1f%%", 100 * s[k].util.mean);
            tab_add(&t, "%+.1f%%", pct(c->thr.mean, b->thr.mean));
            tab_add(&t, "%+.1f%%", pct(c->q[1].mean, b->q[1].mean));
            if (!c->has_slo) {
                tab_add(&t, "-");
                tab_add(&t, "-");
                tab_add(&t, "-");
                continue;
            }
            char bound[32];
            tab_add(&t, "%s %s %s", slo_metric_name(&c->slo, sc, m, sizeof m), slo_op_text(c->slo.op),
                    tab_num(bound, sizeof bound, c->slo.bound));
            char v[96];
            tab_add(&t, "%s", flags_mark(v, sizeof v, tab_ci(a, sizeof a, &c->slo_st), fl, ti,
                                         c->slo.metric == -2 ? -1 : c->slo.q, &c->slo_st));
            tab_add(&t, "%s", sim_verdict_name(c->verdict));
        }
    tab_print(&t, f, "");
    tab_free(&t);
    const flags *fls[MAX_MODES];
    for (size_t k = 0; k < o->nmodes; k++)
        fls[k] = &s[k].fl;
    flags_legend_many(fls, o->nmodes, f, "  ");
}

/* The validated error of every family some setup's tenants rest on: the
 * sharing modes' own (timeslice, mig, mps, virtualization) side by side. */
static void print_validation(FILE *f, const cmp_opts *o, const scn *sc, const cmp_setup *s)
{
    int used[ACC_MAX_FAMILIES] = { 0 };
    for (size_t k = 0; k < o->nmodes; k++)
        for (size_t t = 0; t < sc->cfg.ntenants; t++)
            for (size_t j = 0; j < s[k].t[t].nacc; j++)
                used[acc_index(s[k].t[t].acc[j])] = 1;
    report_validation_table(f, used);
}

static void print_verdict(FILE *f, const cmp_opts *o, const scn *sc, const cmp_setup *s)
{
    int priced = all_priced(s, o->nmodes), any = 0, slos = 0;
    long best = cheapest(s, o->nmodes);
    for (size_t t = 0; t < sc->cfg.ntenants; t++)
        slos |= s[0].t[t].has_slo;
    int unsure = 0;
    for (size_t k = 0; k < o->nmodes; k++)
        if (s[k].uncertain) {
            fprintf(f, "%s%s", unsure ? ", " : "\nuncertain: ", o->modes[k]->name);
            if (s[k].unsteady)
                fprintf(f, " (not in steady state: lengthen duration_s or lower the load)");
            else if (s[k].reps_to_resolve >= SLO_REPS_MAX)
                fprintf(f, " (a figure sits on its bound)");
            else
                fprintf(f, " (about %zu replications would settle it)", s[k].reps_to_resolve);
            unsure = 1;
        }
    if (unsure)
        fprintf(f, "; run again with --reps N\n");
    fprintf(f, "%smeet every SLO%s:", unsure ? "" : "\n", slos ? "" : " (no tenant has one: all qualify)");
    for (size_t k = 0; k < o->nmodes; k++)
        if (s[k].meets) {
            fprintf(f, "%s %s", any ? "," : "", o->modes[k]->name);
            any = 1;
        }
    if (!any) {
        fprintf(f, " none of the setups\n");
        return;
    }
    if (priced)
        fprintf(f, "; cheapest: %s at %.4g USD/h (%d GPU%s x %.4g USD per GPU-hour)\n", o->modes[best]->name,
                s[best].cost, s[best].ngpus, s[best].ngpus == 1 ? "" : "s", s[best].price.usd_per_gpu_hour);
    else
        fprintf(f, "; cheapest: %s, holding %d GPU%s (no cost.usd_per_gpu_hour in the scenario: "
                "ranked by GPUs)\n", o->modes[best]->name, s[best].ngpus, s[best].ngpus == 1 ? "" : "s");
}

/* ",x" when x is finite, else "," (a missing figure). */
static void csv_num(FILE *f, int digits, double x)
{
    fputc(',', f);
    if (isfinite(x))
        fprintf(f, "%.*g", digits, x);
}

/* An interval's ends: ",lo,hi", or ",," without an interval. */
static void csv_ci(FILE *f, report_stat st)
{
    if (isfinite(st.lo))
        fprintf(f, ",%.10g,%.10g", st.lo, st.hi);
    else
        fputs(",,", f);
}

/* compare.csv, one row per setup and tenant, from the setups' typed
 * figures (the same numbers compare.json holds). */
static void write_csv(FILE *f, const cmp_opts *o, const scn *sc, const cmp_setup *s, size_t base)
{
    fputs("setup,gpus,cost,utilization,meets_slos,tenant,throughput,throughput_lo,throughput_hi,"
          "p50_ms,p95_ms,p95_lo,p95_hi,p99_ms,slo_met,throughput_vs_baseline_pct,p95_vs_baseline_pct,"
          "slo_metric,slo_value,slo_lo,slo_hi,slo_verdict\n", f);
    for (size_t k = 0; k < o->nmodes; k++)
        for (size_t t = 0; t < sc->cfg.ntenants; t++) {
            const cmp_tenant *c = &s[k].t[t], *b = &s[base].t[t];
            fprintf(f, "%s,%d,%.10g,%.10g,%s,", o->modes[k]->name, s[k].ngpus, s[k].cost,
                    isfinite(s[k].util.mean) ? s[k].util.mean : NAN, s[k].meets ? "true" : "false");
            report_csv_field(f, sc->cfg.tenants[t].name);
            csv_num(f, 10, c->thr.mean);
            csv_ci(f, c->thr);
            csv_num(f, 10, c->q[0].mean);
            csv_num(f, 10, c->q[1].mean);
            csv_ci(f, c->q[1]);
            csv_num(f, 10, c->q[2].mean);
            fprintf(f, ",%s", c->has_slo ? (c->verdict == SIM_VERDICT_MET ? "true" : "false") : "");
            csv_num(f, 6, pct(c->thr.mean, b->thr.mean));
            csv_num(f, 6, pct(c->q[1].mean, b->q[1].mean));
            if (c->has_slo) {
                char m[96];
                fprintf(f, ",%s", slo_metric_name(&c->slo, sc, m, sizeof m));
                csv_num(f, 10, c->slo_st.mean);
                csv_ci(f, c->slo_st);
                fprintf(f, ",%s\n", sim_verdict_name(c->verdict));
            } else {
                fputs(",,,,,\n", f);
            }
        }
}

static int write_outputs(const char *dir, const cJSON *doc, const cmp_opts *o, const scn *sc,
                         const cmp_setup *setups, size_t base, FILE *err)
{
    char msg[512];
    outfile f;
    int rc = sweepio_write_json(dir, "compare.json", doc, "compare", err);
    if (rc != CLI_OK)
        return rc;
    if (outfile_open(&f, dir, "compare.csv", msg, sizeof msg) < 0) {
        fprintf(err, "slicesim compare: %s\n", msg);
        return CLI_INTERNAL;
    }
    write_csv(f.f, o, sc, setups, base);
    if (outfile_commit(&f, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim compare: %s\n", msg);
        return CLI_INTERNAL;
    }
    return CLI_OK;
}

/* Every setup's warnings on err, each text once with the setups it
 * concerns. */
static void print_warnings(FILE *err, const cmp_opts *o, const cmp_setup *s)
{
    const flags *fl[MAX_MODES];
    const char *labels[MAX_MODES];
    for (size_t k = 0; k < o->nmodes; k++) {
        fl[k] = &s[k].fl;
        labels[k] = o->modes[k]->name;
    }
    flags_print_grouped(err, "compare", fl, labels, o->nmodes);
}

static int run_compare(cmp_opts *o, const scn *sc, FILE *out, FILE *err)
{
    size_t n = o->nmodes, nt = sc->cfg.ntenants;
    points_point pts[MAX_MODES];
    cmp_setup setups[MAX_MODES];
    points_base b = { o->c.scenario, o->c.sets, o->c.nsets, o->c.seed, o->c.reps, sc->root };
    int rc = CLI_OK;
    for (size_t i = 0; i < nt; i++)      /* setups place single tenants, one per GPU or all on one */
        if (sc->cfg.tenants[i].routed > 0) {
            fprintf(err, "slicesim compare: %s: tenants.%d (\"%s\") is disaggregated (%d prefill + %d decode "
                    "engines); compare puts single tenants under its setups; search its split with `slicesim plan "
                    "--vary tenants.%d.disaggregation.prefill_replicas+tenants.%d.disaggregation.decode_replicas=...`\n",
                    o->c.scenario, sc->cfg.tenants[i].src, sc->cfg.tenants[i].name, sc->cfg.tenants[i].routed,
                    sc->cfg.tenants[i].replicas - sc->cfg.tenants[i].routed, sc->cfg.tenants[i].src,
                    sc->cfg.tenants[i].src);
            return CLI_BAD_INPUT;
        } else if (sc->cfg.tenants[i].replicas > 0) {
            fprintf(err, "slicesim compare: %s: tenants.%d (\"%s\") has \"replicas\": %d; compare puts single "
                    "tenants under its setups; give the fleet's sharing mode in the scenario and size it with "
                    "`slicesim plan --vary tenants.%d.replicas=...`\n", o->c.scenario, sc->cfg.tenants[i].src,
                    sc->cfg.tenants[i].name, sc->cfg.tenants[i].replicas, sc->cfg.tenants[i].src);
            return CLI_BAD_INPUT;
        }
    memset(pts, 0, sizeof pts);
    memset(setups, 0, sizeof setups);
    for (size_t k = 0; k < n && rc == CLI_OK; k++) {
        setups[k].t = calloc(nt, sizeof *setups[k].t);
        if (!setups[k].t || setup_assignments(o->modes[k], (int)nt, &pts[k].sets, &pts[k].nsets) < 0) {
            fprintf(err, "slicesim compare: out of memory\n");
            rc = CLI_INTERNAL;
        }
    }
    for (size_t k = 0; k < n && rc == CLI_OK; k++) {
        char label[64];
        snprintf(label, sizeof label, "compare: setup \"%s\"", o->modes[k]->name);
        rc = points_validate(&b, &pts[k], 1, label, err);
    }
    outfile_set set;
    char msg[1024];
    memset(&set, 0, sizeof set);
    if (rc == CLI_OK && outfile_set_begin(&set, o->c.outdir, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim compare: -o %s\n", msg);
        rc = CLI_BAD_INPUT;
    }
    if (rc == CLI_OK)
        rc = points_run(&b, pts, n, (int)o->jobs, isatty(fileno(err)), on_point, setups, "compare", err);
    if (rc == CLI_OK) {
        size_t base = 0;
        for (size_t k = 0; k < n; k++) {
            if (strcmp(o->modes[k]->name, "bare_metal") == 0)
                base = k;
            setups[k].price = price_for(sc->root, o->modes[k]->name);
        }
        int priced = all_priced(setups, n);
        for (size_t k = 0; k < n; k++)
            setups[k].cost = setups[k].ngpus * (priced ? setups[k].price.usd_per_gpu_hour : 1.0);
        cJSON *doc = compare_doc(o, sc, setups, base);
        print_table(out, o, sc, setups, base);
        print_verdict(out, o, sc, setups);
        print_validation(out, o, sc, setups);
        fflush(out);
        print_warnings(err, o, setups);
        rc = doc ? write_outputs(outfile_set_dir(&set), doc, o, sc, setups, base, err) : CLI_INTERNAL;
        cJSON_Delete(doc);
        if (rc == CLI_OK && o->plot && charts_compare(outfile_set_dir(&set), err) < 0)
            rc = CLI_INTERNAL;
        if (rc == CLI_OK) {
            char hash[32];
            cJSON *id = outfile_identity(sc->name, scn_hash(sc, hash, sizeof hash),
                                         o->c.seed >= 0 ? (double)o->c.seed : (double)sc->cfg.seed,
                                         o->c.reps > 0 ? (double)o->c.reps : (double)sc->cfg.reps);
            if (!id || outfile_set_commit(&set, "compare", id, msg, sizeof msg) < 0) {
                fprintf(err, "slicesim compare: %s\n", id ? msg : "out of memory");
                rc = CLI_INTERNAL;
            }
            cJSON_Delete(id);
        }
    }
    outfile_set_abort(&set);
    for (size_t k = 0; k < n; k++) {
        setup_free_assignments(pts[k].sets, pts[k].nsets);
        free(setups[k].t);
        flags_free(&setups[k].fl);
    }
    return rc;
}

int cli_cmd_compare(int argc, char **argv, FILE *out, FILE *err)
{
    cmp_opts o;
    char msg[1024];
    scn *sc = NULL;
    int pr = parse_opts(argc, argv, &o, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    int rc = scn_load(o.c.scenario, o.c.sets, o.c.nsets, &sc, msg, sizeof msg);
    if (rc != SCN_OK) {
        fprintf(err, "slicesim: %s\n", msg);
        return rc == SCN_BAD_INPUT ? CLI_BAD_INPUT : CLI_INTERNAL;
    }
    rc = check_prices(sc, err) < 0 ? CLI_BAD_INPUT : run_compare(&o, sc, out, err);
    scn_free(sc);
    return rc;
}
