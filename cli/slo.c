/* slo.c -- parsing and judging command-line SLO expressions. */
#include "cli/slo.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "plots/figures.h"


static int fail(const char *text, FILE *err, const char *why)
{
    fprintf(err, "slicesim: --slo '%s': %s; allowed: TENANT.latency_ms.STAT<=BOUND, "
            "TENANT.METRIC.STAT<=BOUND or TENANT.throughput>=BOUND (STAT: mean, p50, p90, p95, p99, p999; "
            "OP: <=, <, >=, >)\n", text, why);
    return -1;
}

/* The tenant whose name, followed by '.', starts lhs (the longest). */
static int find_tenant(const char *lhs, const scn *sc, size_t *namelen)
{
    int best = -1;
    *namelen = 0;
    for (size_t i = 0; i < sc->cfg.ntenants; i++) {
        size_t n = strlen(sc->cfg.tenants[i].name);
        if (n > *namelen && strncmp(lhs, sc->cfg.tenants[i].name, n) == 0 && lhs[n] == '.') {
            best = (int)i;
            *namelen = n;
        }
    }
    return best;
}

static int parse_metric(const char *m, const tenant_cfg *tc, slo_expr *e)
{
    if (strcmp(m, fig_get(FIG_T_THROUGHPUT_OBJ)->key) == 0) {
        e->metric = -2;
        e->q = MQ_MEAN;
        return 0;
    }
    const char *dot = strrchr(m, '.');
    if (!dot)
        return -1;
    e->q = model_quantile_find(dot + 1);
    if (e->q < 0)
        return -1;
    size_t n = (size_t)(dot - m);
    if (n == strlen(MODEL_LATENCY_NAME) && strncmp(m, MODEL_LATENCY_NAME, n) == 0) {
        e->metric = -1;
        return 0;
    }
    for (int k = 0; tc->wl->metrics && tc->wl->metrics[k]; k++)
        if (strlen(tc->wl->metrics[k]) == n && strncmp(m, tc->wl->metrics[k], n) == 0) {
            e->metric = k;
            return 0;
        }
    return -1;
}

int slo_parse(const char *text, const scn *sc, slo_expr *e, FILE *err)
{
    memset(e, 0, sizeof *e);
    if (strlen(text) >= sizeof e->text)
        return fail(text, err, "too long");
    memcpy(e->text, text, strlen(text) + 1);      /* fits: checked above */
    const char *op = strpbrk(text, "<>");
    if (!op)
        return fail(text, err, "no comparison");
    char lhs[256];
    size_t ln = (size_t)(op - text);
    memcpy(lhs, text, ln);
    lhs[ln] = '\0';
    const char *rhs = op + 1;
    if (*rhs == '=') {
        e->op = *op == '<' ? SLO_LE : SLO_GE;
        rhs++;
    } else {
        e->op = *op == '<' ? SLO_LT : SLO_GT;
    }
    char *end;
    errno = 0;
    e->bound = strtod(rhs, &end);
    if (*rhs == '\0' || *end != '\0' || errno || !isfinite(e->bound))
        return fail(text, err, "the bound is not a number");
    size_t nl;
    e->tenant = find_tenant(lhs, sc, &nl);
    if (e->tenant < 0) {
        char names[512] = "";
        for (size_t i = 0; i < sc->cfg.ntenants; i++) {
            strncat(names, sc->cfg.tenants[i].name, sizeof names - strlen(names) - 1);
            if (i + 1 < sc->cfg.ntenants)
                strncat(names, ", ", sizeof names - strlen(names) - 1);
        }
        fprintf(err, "slicesim: --slo '%s': no tenant of %s starts it; allowed tenants: %s\n",
                text, sc->file, names);
        return -1;
    }
    if (parse_metric(lhs + nl + 1, &sc->cfg.tenants[e->tenant], e) < 0) {
        const tenant_cfg *tc = &sc->cfg.tenants[e->tenant];
        char why[256], more[96] = "";
        if (tc->wl->metrics && tc->wl->metrics[0])
            snprintf(more, sizeof more, "; it also reports %s", tc->wl->metrics[0]);
        snprintf(why, sizeof why, "metric \"%s\" is unknown for tenant \"%s\" (a %s workload%s)",
                 lhs + nl + 1, tc->name, tc->wl->name, more);
        return fail(text, err, why);
    }
    return 0;
}

int slo_resolve(const slo_expr *e, const scn *sc, slo_expr *out, char *msg, size_t len)
{
    char lhs[256];
    size_t ln = strcspn(e->text, "<>"), nl;
    memcpy(lhs, e->text, ln);      /* fits: text was checked by slo_parse */
    lhs[ln] = '\0';
    *out = *e;
    out->tenant = find_tenant(lhs, sc, &nl);
    if (out->tenant < 0 || parse_metric(lhs + nl + 1, &sc->cfg.tenants[out->tenant], out) < 0) {
        snprintf(msg, len, "--slo '%s': this point of %s has no tenant with that name and metric",
                 e->text, sc->file);
        return -1;
    }
    return 0;
}

report_stat slo_stat(const slo_expr *e, const model_result *res)
{
    if (e->metric == -2)
        return report_tenant_stat(res, e->tenant, MT_THROUGHPUT);
    if (e->metric == -1)
        return report_tenant_stat(res, e->tenant, MT_MEAN + e->q);
    return report_tenant_xstat(res, e->tenant, e->metric, e->q);
}

int slo_of_tenant(const scn *sc, int i, slo_expr *e)
{
    const tenant_cfg *tc = &sc->cfg.tenants[i];
    memset(e, 0, sizeof *e);
    if (tc->slo_metric == -2)
        return -1;
    e->tenant = i;
    e->metric = tc->slo_metric;
    e->q = MQ_P50;
    for (int q = MQ_P50; q < MQ_N; q++)
        if (fabs(model_quantiles[q] - tc->slo_quantile) < 1e-12)
            e->q = q;
    e->op = SLO_LE;
    e->bound = tc->slo_ms;
    char m[96];
    snprintf(e->text, sizeof e->text, "%s.%s<=%.10g", tc->name, slo_metric_name(e, sc, m, sizeof m), e->bound);
    return 0;
}

/* Whether the steady-state rule turns a met verdict uncertain. */
static int demoted(const slo_expr *e, const report_stat *st, int unsteady)
{
    return unsteady && e->metric != -2 && sim_verdict_judge(st, (sim_bound_op)e->op, e->bound) == SIM_VERDICT_MET;
}

sim_verdict slo_verdict(const slo_expr *e, const report_stat *st, int unsteady)
{
    return demoted(e, st, unsteady) ? SIM_VERDICT_UNCERTAIN : sim_verdict_judge(st, (sim_bound_op)e->op, e->bound);
}

size_t slo_reps_to_resolve(const slo_expr *e, const report_stat *st, int unsteady)
{
    if (demoted(e, st, unsteady))
        return SLO_REPS_MAX;
    return sim_verdict_reps_to_resolve(st, (sim_bound_op)e->op, e->bound, SLO_REPS_MAX);
}

const char *slo_reason(const slo_expr *e, const report_stat *st, int unsteady)
{
    if (slo_verdict(e, st, unsteady) != SIM_VERDICT_UNCERTAIN)
        return NULL;
    if (demoted(e, st, unsteady))
        return "not_in_steady_state";
    if (isnan(st->lo))
        return "one_replication";
    return slo_reps_to_resolve(e, st, unsteady) >= SLO_REPS_MAX ? "on_the_bound" : "interval_straddles_bound";
}

const char *slo_why(const slo_expr *e, const report_stat *st, int unsteady, char *buf, size_t len)
{
    const char *r = slo_reason(e, st, unsteady);
    if (!r)
        snprintf(buf, len, "%s", "");
    else if (strcmp(r, "not_in_steady_state") == 0)
        snprintf(buf, len, "not in steady state: lengthen duration_s or lower the load");
    else if (strcmp(r, "one_replication") == 0)
        snprintf(buf, len, "one replication: no interval");
    else if (strcmp(r, "on_the_bound") == 0)
        snprintf(buf, len, "the figure sits on the bound");
    else
        snprintf(buf, len, "about %zu replications would resolve it", slo_reps_to_resolve(e, st, unsteady));
    return buf;
}

const char *slo_metric_name(const slo_expr *e, const scn *sc, char *buf, size_t len)
{
    if (e->metric == -2)
        snprintf(buf, len, "%s", fig_get(FIG_T_THROUGHPUT_OBJ)->key);
    else
        snprintf(buf, len, "%s.%s", e->metric == -1 ? MODEL_LATENCY_NAME : sc->cfg.tenants[e->tenant].wl->metrics[e->metric],
                 model_quantile_names[e->q]);
    return buf;
}

const char *slo_op_text(slo_op op)
{
    static const char *const OPS[] = { "<=", "<", ">=", ">" };
    return OPS[op];
}

double slo_margin(const slo_expr *e, double v)
{
    return e->op == SLO_LE || e->op == SLO_LT ? e->bound - v : v - e->bound;
}
