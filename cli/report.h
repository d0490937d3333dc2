/* report.h -- what a run reports: the human table, summary.json and
 * requests.csv (DESIGN §8). Each metric is the mean over replications with a
 * 95% interval across them suited to the metric's range (sim/ci.h: log
 * scale for latencies and throughputs, logit for shares and utilizations);
 * one replication gives no interval. */
#ifndef CLI_REPORT_H
#define CLI_REPORT_H

#include <stdio.h>
#include <cJSON.h>
#include "scenarios/scenario.h"
#include "sim/ci.h"
#include "models/accuracy.h"

/* report_summary_row: the summary as a typed row of figures
 * (plots/figures.h, scope FIG_SUMMARY), from the model's typed results, the
 * flags and the SLO verdicts; it borrows the scenario's names (sc must
 * outlive it) and keeps its own copies of the rest. 0, or -1 when out of
 * memory; fig_row_free it either way. */
struct fig_row;
int report_summary_row(struct fig_row *r, const scn *sc, const model_result *res);

/* report_validation_rows: member id of r (FIG_T_VALIDATION, FIG_C_VALIDATION)
 * as one row per entry of e[0..n) (models/accuracy.h), whose static strings
 * the rows borrow, each saying whether some row of it was measured on GPU
 * preset gpu. 0, or -1 when out of memory. */
int report_validation_rows(struct fig_row *r, int id, const acc_entry *const *e, size_t n, const char *gpu);

/* report_validation_table: the validated error of each family k of the
 * table (models/accuracy.h) with used[k] set (used indexed by acc_index,
 * ACC_MAX_FAMILIES long), under a heading; nothing when none is. */
void report_validation_table(FILE *f, const int *used);

/* report_validation_mark: set used[k] (indexed by acc_index) for each
 * family the tenants of a result document (an array of tenant objects:
 * summary.json's, a sweep point's) carry in their `validation`. */
void report_validation_mark(const cJSON *tenants, int *used);

/* report_summary: the summary document (fig_row_json of that row); NULL
 * when out of memory. The caller owns it (cJSON_Delete). */
cJSON *report_summary(const scn *sc, const model_result *res);

/* report_table: the readable table. */
void report_table(FILE *f, const scn *sc, const model_result *res);

/* report_warnings: every warning of the run (cli/flags.h) on err, once
 * each, as "slicesim: PREFIXwarning: ..."; the same list as summary.json's
 * "warnings". Returns how many. */
size_t report_warnings(FILE *err, const scn *sc, const model_result *res, const char *prefix);

/* report_csv_field: text as one RFC 4180 field: as is, or in double quotes
 * with quotes doubled when it holds a comma, a quote, a CR or LF, or starts
 * or ends with a space (a tenant named "batch,b" stays one field). */
void report_csv_field(FILE *f, const char *text);

/* report_*_stat: mean and 95% interval of a metric over replications, as
 * the model's typed summary holds it (model_tenant_stat ..., models/model.h);
 * computed once, when the run ended. */
typedef sim_ci report_stat;
report_stat report_tenant_stat(const model_result *res, int ti, int metric);
report_stat report_tenant_xstat(const model_result *res, int ti, int k, int q);
report_stat report_gpu_stat(const model_result *res, int gpu, int metric);
report_stat report_inst_stat(const model_result *res, int gpu, int inst, int metric);

#endif
