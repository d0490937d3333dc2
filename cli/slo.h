/* slo.h -- service-level objectives given on the command line:
 *
 *     TENANT.latency_ms.STAT OP BOUND     STAT: mean p50 p90 p95 p99 p999
 *     TENANT.METRIC.STAT OP BOUND         METRIC: a workload metric (ttft_ms ...)
 *     TENANT.throughput OP BOUND          in the workload's throughput unit
 *     OP: <= < >= >
 *
 * e.g. 'chat.latency_ms.p95<=200' or 'batch.throughput>=40'. A tenant name
 * may itself hold dots: the longest tenant name that fits is taken. The
 * figure is the mean over replications with its 95% interval (sim/ci.h);
 * the verdict is met, missed or uncertain by where that interval lies
 * (sim/verdict.h). A tenant's own "slo" in the scenario is the same kind of
 * expression (slo_of_tenant). */
#ifndef CLI_SLO_H
#define CLI_SLO_H

#include <stdio.h>
#include "cli/report.h"
#include "scenarios/scenario.h"
#include "sim/verdict.h"

/* in the order of sim_bound_op */
typedef enum { SLO_LE, SLO_LT, SLO_GE, SLO_GT } slo_op;

typedef struct {
    char   text[256];     /* as given */
    int    tenant;
    int    metric;        /* -1 latency, -2 throughput, k = workload metric k */
    int    q;             /* model_quantile (MQ_MEAN ...) */
    slo_op op;
    double bound;
} slo_expr;

/* slo_parse: text against the tenants of sc. 0, or -1 with one message on
 * err naming the expression and what is allowed. */
int slo_parse(const char *text, const scn *sc, slo_expr *e, FILE *err);

/* slo_resolve: e, parsed against another scenario, with its tenant named
 * again in sc (tenant indices differ between points when a fleet's replica
 * count varies) into *out. 0, or -1 with one message in msg when sc has no
 * tenant of that name or it reports no such metric. */
int slo_resolve(const slo_expr *e, const scn *sc, slo_expr *out, char *msg, size_t len);

/* slo_stat: the judged value of e in res (mean and 95% interval). */
report_stat slo_stat(const slo_expr *e, const model_result *res);

/* slo_of_tenant: tenant i's scenario SLO as an expression ("NAME.latency_ms.p95<=B");
 * -1 when the tenant has none. */
int slo_of_tenant(const scn *sc, int i, slo_expr *e);

/* slo_verdict: met, missed or uncertain for e's figure st (sim/verdict.h).
 * unsteady: e's tenant is not in steady state (cli/flags.h); a met verdict
 * on its latency or workload-metric SLO is then uncertain, since the figure
 * grows with the run's length and no interval at this length vouches for
 * it (a throughput floor is judged as it stands). */
sim_verdict slo_verdict(const slo_expr *e, const report_stat *st, int unsteady);

/* slo_reps_to_resolve: for an uncertain verdict, the replications that
 * would resolve it if the spread stayed as measured (0 when resolved;
 * SLO_REPS_MAX when no practical number would, or when the uncertainty is
 * the steady state's, which replications cannot resolve). */
#define SLO_REPS_MAX 100000
size_t slo_reps_to_resolve(const slo_expr *e, const report_stat *st, int unsteady);

/* slo_why: for an uncertain verdict, why, as a short phrase: "one
 * replication: no interval", "not in steady state: lengthen duration_s or
 * lower the load", "the figure sits on the bound" or "about N replications
 * would resolve it"; "" otherwise. */
const char *slo_why(const slo_expr *e, const report_stat *st, int unsteady, char *buf, size_t len);

/* slo_reason: the same as a JSON word: "one_replication", "not_in_steady_state",
 * "on_the_bound", "interval_straddles_bound"; NULL unless uncertain. */
const char *slo_reason(const slo_expr *e, const report_stat *st, int unsteady);

/* slo_metric_name: the figure's name without the tenant, e.g.
 * "latency_ms.p95", "ttft_ms.p99" or "throughput". */
const char *slo_metric_name(const slo_expr *e, const scn *sc, char *buf, size_t len);

/* slo_op_text: "<=", "<", ">=" or ">". */
const char *slo_op_text(slo_op op);

/* slo_margin: how far v is inside the bound (negative: violated), in the
 * metric's unit. */
double slo_margin(const slo_expr *e, double v);

#endif
