/* figures.c -- the table of figures and its readers. */
#include "plots/figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In fig_id order (checked by tests/test_figures.c); within a scope, the
 * entries with a column are in sweep.csv's column order. */
static const fig FIGS[FIG_COUNT] = {
    { FIG_T_NAME, FIG_TENANT, "name", "", "tenant", NULL },
    { FIG_T_COMPLETED, FIG_TENANT, "completed", "", "completed requests", "completed" },
    { FIG_T_THROUGHPUT, FIG_TENANT, "throughput.value", "", "throughput", "throughput" },
    { FIG_T_THROUGHPUT_LO, FIG_TENANT, "throughput.ci95[0]", "", "throughput, 95% CI low", "throughput_lo" },
    { FIG_T_THROUGHPUT_HI, FIG_TENANT, "throughput.ci95[1]", "", "throughput, 95% CI high", "throughput_hi" },
    { FIG_T_THROUGHPUT_UNIT, FIG_TENANT, "throughput.unit", "", "throughput unit", NULL },
    { FIG_T_LAT_MEAN, FIG_TENANT, "latency_ms.mean", "ms", "mean latency", "latency_mean_ms" },
    { FIG_T_LAT_P50, FIG_TENANT, "latency_ms.p50", "ms", "p50 latency", "latency_p50_ms" },
    { FIG_T_LAT_P90, FIG_TENANT, "latency_ms.p90", "ms", "p90 latency", "latency_p90_ms" },
    { FIG_T_LAT_P95, FIG_TENANT, "latency_ms.p95", "ms", "p95 latency", "latency_p95_ms" },
    { FIG_T_LAT_P95_LO, FIG_TENANT, "latency_ms.ci95_p95[0]", "ms", "p95 latency, 95% CI low", "latency_p95_lo" },
    { FIG_T_LAT_P95_HI, FIG_TENANT, "latency_ms.ci95_p95[1]", "ms", "p95 latency, 95% CI high", "latency_p95_hi" },
    { FIG_T_LAT_P99, FIG_TENANT, "latency_ms.p99", "ms", "p99 latency", "latency_p99_ms" },
    { FIG_T_GPU_SHARE, FIG_TENANT, "gpu_time_share", "", "share of GPU time", "gpu_time_share" },
    { FIG_T_SLO_MET, FIG_TENANT, "slo.met", "", "SLO met", "slo_met" },
    { FIG_T_SLO_VALUE, FIG_TENANT, "slo.value_ms", "ms", "SLO metric", NULL },
    { FIG_T_SLO_LO, FIG_TENANT, "slo.ci95[0]", "ms", "SLO metric, 95% CI low", NULL },
    { FIG_T_SLO_HI, FIG_TENANT, "slo.ci95[1]", "ms", "SLO metric, 95% CI high", NULL },
    { FIG_T_SLO_BOUND, FIG_TENANT, "slo.bound_ms", "ms", "SLO bound", NULL },
    { FIG_T_SLO_METRIC, FIG_TENANT, "slo.metric", "", "SLO metric name", NULL },
    { FIG_T_PREFIX_HIT, FIG_TENANT, "prefix_cache.hit_rate", "", "prefix-cache hit rate (tokens)", NULL },
    { FIG_G_UTILIZATION, FIG_GPU, "utilization", "", "utilization", "utilization" },
    { FIG_G_SWITCHES, FIG_GPU, "context_switches", "", "context switches", "context_switches" },
    { FIG_G_SWITCH_OVERHEAD, FIG_GPU, "switch_overhead_fraction", "", "share of time switching",
      "switch_overhead_fraction" },
    { FIG_C_SLO_VALUE, FIG_COMPARE_TENANT, "slo.value", "ms", "SLO metric", NULL },
    { FIG_C_SLO_LO, FIG_COMPARE_TENANT, "slo.ci95[0]", "ms", "SLO metric, 95% CI low", NULL },
    { FIG_C_SLO_HI, FIG_COMPARE_TENANT, "slo.ci95[1]", "ms", "SLO metric, 95% CI high", NULL },
    { FIG_C_SLO_BOUND, FIG_COMPARE_TENANT, "slo.bound", "ms", "SLO bound", NULL },
    { FIG_C_SLO_METRIC, FIG_COMPARE_TENANT, "slo.metric", "", "SLO metric name", NULL },
};

const fig *fig_get(fig_id id)
{
    return &FIGS[id];
}

size_t fig_csv_cols(fig_scope scope, const fig **out)
{
    size_t n = 0;
    for (size_t k = 0; k < FIG_COUNT; k++)
        if (FIGS[k].col && FIGS[k].scope == scope)
            out[n++] = &FIGS[k];
    return n;
}

const cJSON *fig_item(const cJSON *obj, fig_id id)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", FIGS[id].path);
    char *save = NULL;
    for (char *seg = strtok_r(buf, ".", &save); seg && obj; seg = strtok_r(NULL, ".", &save)) {
        char *br = strchr(seg, '[');
        if (br)
            *br = '\0';
        obj = cJSON_GetObjectItemCaseSensitive(obj, seg);
        if (br)
            obj = cJSON_GetArrayItem(obj, atoi(br + 1));
    }
    return obj;
}

double fig_num(const cJSON *obj, fig_id id)
{
    const cJSON *x = fig_item(obj, id);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

const char *fig_str(const cJSON *obj, fig_id id)
{
    return cJSON_GetStringValue(fig_item(obj, id));
}

const char *fig_axis(fig_id id, char *buf, size_t len)
{
    if (FIGS[id].unit[0])
        snprintf(buf, len, "%s (%s)", FIGS[id].label, FIGS[id].unit);
    else
        snprintf(buf, len, "%s", FIGS[id].label);
    return buf;
}
