/* slo.h -- service-level objectives given on the command line:
 *
 *     TENANT.latency_ms.STAT OP BOUND     STAT: mean p50 p90 p95 p99 p999
 *     TENANT.METRIC.STAT OP BOUND         METRIC: a workload metric (ttft_ms ...)
 *     TENANT.throughput OP BOUND          in the workload's throughput unit
 *     OP: <= < >= >
 *
 * e.g. 'chat.latency_ms.p95<=200' or 'batch.throughput>=40'. A tenant name
 * may itself hold dots: the longest tenant name that fits is taken. The
 * value judged is the mean over replications; its Student-t 95% interval is
 * reported beside it. */
#ifndef CLI_SLO_H
#define CLI_SLO_H

#include <stdio.h>
#include "cli/report.h"
#include "scenarios/scenario.h"

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

/* slo_stat: the judged value of e in res (mean and 95% interval). */
report_stat slo_stat(const slo_expr *e, const model_result *res);

/* slo_margin: how far v is inside the bound (negative: violated), in the
 * metric's unit. slo_met: whether v satisfies e (NaN never does). */
double slo_margin(const slo_expr *e, double v);
int    slo_met(const slo_expr *e, double v);

#endif
