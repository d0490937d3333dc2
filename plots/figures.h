/* figures.h -- the figures slicesim's outputs hold, each named once.
 *
 * A tenant's or a GPU's object in summary.json (and so in each point of
 * sweep.json, plan.json) and a setup's tenant in compare.json carry these
 * figures. This table is the one place that says where each lives (its
 * path below the tenant or GPU object), its unit, the label a chart or a
 * table prints, and its sweep.csv column. The sweep CSV writer
 * (cli/sweepio.c) and the charts (plots/charts.c) read figures only through
 * it; the summary writer (cli/report.c) writes them, and tests/test_figures.c
 * checks that every path here is present in what it writes.
 *
 * Paths are dotted names below the object, "name[k]" picking element k of
 * an array ("latency_ms.ci95_p95[0]"). */
#ifndef PLOTS_FIGURES_H
#define PLOTS_FIGURES_H

#include <stddef.h>
#include <cJSON.h>

typedef enum {
    /* a tenant of summary.json (and of a sweep or plan point) */
    FIG_T_NAME,
    FIG_T_COMPLETED,
    FIG_T_THROUGHPUT,
    FIG_T_THROUGHPUT_LO,
    FIG_T_THROUGHPUT_HI,
    FIG_T_THROUGHPUT_UNIT,
    FIG_T_LAT_MEAN,
    FIG_T_LAT_P50,
    FIG_T_LAT_P90,
    FIG_T_LAT_P95,
    FIG_T_LAT_P95_LO,
    FIG_T_LAT_P95_HI,
    FIG_T_LAT_P99,
    FIG_T_GPU_SHARE,
    FIG_T_SLO_MET,
    FIG_T_SLO_VALUE,
    FIG_T_SLO_LO,
    FIG_T_SLO_HI,
    FIG_T_SLO_BOUND,
    FIG_T_SLO_METRIC,
    /* only an LLM tenant with a prefix cache (and a fleet of them) has it */
    FIG_T_PREFIX_HIT,
    /* a GPU of summary.json */
    FIG_G_UTILIZATION,
    FIG_G_SWITCHES,
    FIG_G_SWITCH_OVERHEAD,
    /* a setup's tenant in compare.json, where the SLO check's figures are
     * named without units */
    FIG_C_SLO_VALUE,
    FIG_C_SLO_LO,
    FIG_C_SLO_HI,
    FIG_C_SLO_BOUND,
    FIG_C_SLO_METRIC,
    FIG_COUNT
} fig_id;

/* The object a figure lives in. */
typedef enum { FIG_TENANT, FIG_GPU, FIG_COMPARE_TENANT } fig_scope;

typedef struct {
    fig_id id;
    fig_scope scope;
    const char *path;   /* below the tenant or GPU object */
    const char *unit;   /* "" when none or given by the document (throughput) */
    const char *label;  /* what a chart's axis or a table says */
    const char *col;    /* sweep.csv column suffix, NULL: not a column */
} fig;

/* fig_get: figure id's entry. */
const fig *fig_get(fig_id id);

/* fig_csv_cols: the sweep.csv columns of scope into out (room for
 * FIG_COUNT), in column order; returns how many. */
size_t fig_csv_cols(fig_scope scope, const fig **out);

/* fig_item: the JSON value of figure id in obj (a tenant or GPU object of
 * id's scope), or NULL when absent. */
const cJSON *fig_item(const cJSON *obj, fig_id id);

/* fig_num: figure id of obj as a number; NaN when absent or not a number. */
double fig_num(const cJSON *obj, fig_id id);

/* fig_str: figure id of obj as a string; NULL when absent or not one. */
const char *fig_str(const cJSON *obj, fig_id id);

/* fig_axis: "LABEL (UNIT)" (or "LABEL" without a unit) into buf; buf. */
const char *fig_axis(fig_id id, char *buf, size_t len);

#endif
