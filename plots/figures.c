/* figures.c -- the schema table, its paths, and the rows written from it
 * and read back through it. */
#include "plots/figures.h"
#include "models/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In fig_id order (checked by tests/test_figures.c): each scope's entries
 * together, each object's members after it in the order the documents hold
 * them. */
static const fig FIGS[FIG_COUNT] = {
    { FIG_S_VERSION, FIG_SUMMARY, FK_STR, FIG_NONE, "slicesim_version", FIG_SUMMARY, "", "slicesim version", NULL },
    { FIG_S_SCENARIO, FIG_SUMMARY, FK_STR, FIG_NONE, "scenario", FIG_SUMMARY, "", "scenario", NULL },
    { FIG_S_SEED, FIG_SUMMARY, FK_NUM, FIG_NONE, "seed", FIG_SUMMARY, "", "seed", NULL },
    { FIG_S_REPLICATIONS, FIG_SUMMARY, FK_NUM, FIG_NONE, "replications", FIG_SUMMARY, "", "replications", NULL },
    { FIG_S_DURATION, FIG_SUMMARY, FK_NUM, FIG_NONE, "duration_s", FIG_SUMMARY, "s", "duration", NULL },
    { FIG_S_WARMUP, FIG_SUMMARY, FK_NUM, FIG_NONE, "warmup_s", FIG_SUMMARY, "s", "warm-up", NULL },
    { FIG_S_SIM_TIME, FIG_SUMMARY, FK_NUM, FIG_NONE, "sim_time_s", FIG_SUMMARY, "s", "simulated time", NULL },
    { FIG_S_EVENTS, FIG_SUMMARY, FK_NUM, FIG_NONE, "events", FIG_SUMMARY, "", "events", NULL },
    { FIG_S_HARDWARE, FIG_SUMMARY, FK_OBJ, FIG_NONE, "hardware", FIG_SUMMARY, "", "hardware", NULL },
    { FIG_S_HW_GPU, FIG_SUMMARY, FK_STR, FIG_S_HARDWARE, "gpu", FIG_SUMMARY, "", "GPU", NULL },
    { FIG_S_HW_GPUS, FIG_SUMMARY, FK_NUM, FIG_S_HARDWARE, "gpus", FIG_SUMMARY, "", "GPUs", NULL },
    { FIG_S_HW_PROFILE, FIG_SUMMARY, FK_STR, FIG_S_HARDWARE, "profile", FIG_SUMMARY, "", "GPU profile", NULL },
    { FIG_S_VIRTUALIZATION, FIG_SUMMARY, FK_STR, FIG_NONE, "virtualization", FIG_SUMMARY, "", "virtualization", NULL },
    { FIG_S_SHARING, FIG_SUMMARY, FK_RAW, FIG_NONE, "sharing", FIG_SUMMARY, "", "sharing", NULL },
    { FIG_S_PERCENTILES, FIG_SUMMARY, FK_OBJ, FIG_NONE, "percentiles", FIG_SUMMARY, "", "percentiles", NULL },
    { FIG_S_PCT_METHOD, FIG_SUMMARY, FK_STR, FIG_S_PERCENTILES, "method", FIG_SUMMARY, "", "percentile method", NULL },
    { FIG_S_PCT_ERROR, FIG_SUMMARY, FK_NUM, FIG_S_PERCENTILES, "relative_error", FIG_SUMMARY, "", "percentile relative error", NULL },
    { FIG_S_TENANTS, FIG_SUMMARY, FK_ROWS, FIG_NONE, "tenants", FIG_TENANT, "", "tenants", NULL },
    { FIG_S_GPUS, FIG_SUMMARY, FK_ROWS, FIG_NONE, "gpus", FIG_GPU, "", "GPUs", NULL },
    { FIG_S_WARNINGS, FIG_SUMMARY, FK_STRS, FIG_NONE, "warnings", FIG_SUMMARY, "", "warnings", NULL },
    { FIG_T_NAME, FIG_TENANT, FK_STR, FIG_NONE, "name", FIG_TENANT, "", "tenant", NULL },
    { FIG_T_WORKLOAD, FIG_TENANT, FK_STR, FIG_NONE, "workload", FIG_TENANT, "", "workload", NULL },
    { FIG_T_GPU, FIG_TENANT, FK_NUM, FIG_NONE, "gpu", FIG_TENANT, "", "GPU", NULL },
    { FIG_T_ROUTER, FIG_TENANT, FK_STR, FIG_NONE, "router", FIG_TENANT, "", "router", NULL },
    { FIG_T_REPLICAS, FIG_TENANT, FK_STRS, FIG_NONE, "replicas", FIG_TENANT, "", "replicas", NULL },
    { FIG_T_DISAGG, FIG_TENANT, FK_OBJ, FIG_NONE, "disaggregation", FIG_TENANT, "", "disaggregation", NULL },
    { FIG_T_DG_PREFILL, FIG_TENANT, FK_NUM, FIG_T_DISAGG, "prefill_replicas", FIG_TENANT, "", "prefill replicas", NULL },
    { FIG_T_DG_DECODE, FIG_TENANT, FK_NUM, FIG_T_DISAGG, "decode_replicas", FIG_TENANT, "", "decode replicas", NULL },
    { FIG_T_DG_LINK, FIG_TENANT, FK_STR, FIG_T_DISAGG, "link", FIG_TENANT, "", "KV transfer link", NULL },
    { FIG_T_DG_ROUTER, FIG_TENANT, FK_STR, FIG_T_DISAGG, "decode_router", FIG_TENANT, "", "decode router", NULL },
    { FIG_T_DG_KV_BYTES, FIG_TENANT, FK_NUM, FIG_T_DISAGG, "kv_bytes_per_token", FIG_TENANT, "B",
      "KV-cache bytes per token", NULL },
    { FIG_T_FLEET, FIG_TENANT, FK_STR, FIG_NONE, "fleet", FIG_TENANT, "", "fleet", NULL },
    { FIG_T_COMPLETED, FIG_TENANT, FK_NUM, FIG_NONE, "completed", FIG_TENANT, "", "completed requests", "completed" },
    { FIG_T_THROUGHPUT_OBJ, FIG_TENANT, FK_OBJ, FIG_NONE, "throughput", FIG_TENANT, "", "throughput", NULL },
    { FIG_T_THROUGHPUT, FIG_TENANT, FK_NUM, FIG_T_THROUGHPUT_OBJ, "value", FIG_TENANT, "", "throughput", "throughput" },
    { FIG_T_THROUGHPUT_UNIT, FIG_TENANT, FK_STR, FIG_T_THROUGHPUT_OBJ, "unit", FIG_TENANT, "", "throughput unit", NULL },
    { FIG_T_THROUGHPUT_CI, FIG_TENANT, FK_CI, FIG_T_THROUGHPUT_OBJ, "ci95", FIG_TENANT, "", "throughput, 95% CI", NULL },
    { FIG_T_THROUGHPUT_LO, FIG_TENANT, FK_LO, FIG_T_THROUGHPUT_CI, NULL, FIG_TENANT, "", "throughput, 95% CI low", "throughput_lo" },
    { FIG_T_THROUGHPUT_HI, FIG_TENANT, FK_HI, FIG_T_THROUGHPUT_CI, NULL, FIG_TENANT, "", "throughput, 95% CI high", "throughput_hi" },
    { FIG_T_LATENCY, FIG_TENANT, FK_OBJ, FIG_NONE, MODEL_LATENCY_NAME, FIG_TENANT, "ms", "latency", NULL },
    { FIG_T_LAT_MEAN, FIG_TENANT, FK_NUM, FIG_T_LATENCY, MODEL_Q_MEAN, FIG_TENANT, "ms", "mean latency", "latency_mean_ms" },
    { FIG_T_LAT_P50, FIG_TENANT, FK_NUM, FIG_T_LATENCY, MODEL_Q_P50, FIG_TENANT, "ms", "p50 latency", "latency_p50_ms" },
    { FIG_T_LAT_P90, FIG_TENANT, FK_NUM, FIG_T_LATENCY, MODEL_Q_P90, FIG_TENANT, "ms", "p90 latency", "latency_p90_ms" },
    { FIG_T_LAT_P95, FIG_TENANT, FK_NUM, FIG_T_LATENCY, MODEL_Q_P95, FIG_TENANT, "ms", "p95 latency", "latency_p95_ms" },
    { FIG_T_LAT_P99, FIG_TENANT, FK_NUM, FIG_T_LATENCY, MODEL_Q_P99, FIG_TENANT, "ms", "p99 latency", "latency_p99_ms" },
    { FIG_T_LAT_P999, FIG_TENANT, FK_NUM, FIG_T_LATENCY, MODEL_Q_P999, FIG_TENANT, "ms", "p999 latency", NULL },
    { FIG_T_LAT_CI_MEAN, FIG_TENANT, FK_CI, FIG_T_LATENCY, "ci95_" MODEL_Q_MEAN, FIG_TENANT, "ms", "mean latency, 95% CI", NULL },
    { FIG_T_LAT_CI_P50, FIG_TENANT, FK_CI, FIG_T_LATENCY, "ci95_" MODEL_Q_P50, FIG_TENANT, "ms", "p50 latency, 95% CI", NULL },
    { FIG_T_LAT_CI_P90, FIG_TENANT, FK_CI, FIG_T_LATENCY, "ci95_" MODEL_Q_P90, FIG_TENANT, "ms", "p90 latency, 95% CI", NULL },
    { FIG_T_LAT_CI_P95, FIG_TENANT, FK_CI, FIG_T_LATENCY, "ci95_" MODEL_Q_P95, FIG_TENANT, "ms", "p95 latency, 95% CI", NULL },
    { FIG_T_LAT_CI_P99, FIG_TENANT, FK_CI, FIG_T_LATENCY, "ci95_" MODEL_Q_P99, FIG_TENANT, "ms", "p99 latency, 95% CI", NULL },
    { FIG_T_LAT_CI_P999, FIG_TENANT, FK_CI, FIG_T_LATENCY, "ci95_" MODEL_Q_P999, FIG_TENANT, "ms", "p999 latency, 95% CI", NULL },
    { FIG_T_LAT_SAMPLES, FIG_TENANT, FK_NUM, FIG_T_LATENCY, "samples_per_replication", FIG_TENANT, "", "fewest samples in a replication", NULL },
    { FIG_T_LAT_LOW, FIG_TENANT, FK_QLIST, FIG_T_LATENCY, "low_samples", FIG_TENANT, "", "percentiles on too few samples", NULL },
    { FIG_T_LAT_P95_LO, FIG_TENANT, FK_LO, FIG_T_LAT_CI_P95, NULL, FIG_TENANT, "ms", "p95 latency, 95% CI low", "latency_p95_lo" },
    { FIG_T_LAT_P95_HI, FIG_TENANT, FK_HI, FIG_T_LAT_CI_P95, NULL, FIG_TENANT, "ms", "p95 latency, 95% CI high", "latency_p95_hi" },
    { FIG_T_METRICS, FIG_TENANT, FK_BLOCKS, FIG_NONE, NULL, FIG_TENANT, "", "workload metrics", NULL },
    { FIG_T_BREAKDOWN, FIG_TENANT, FK_OBJ, FIG_NONE, "latency_breakdown_ms", FIG_TENANT, "ms", "latency breakdown", NULL },
    { FIG_T_BD_QUEUEING, FIG_TENANT, FK_NUM, FIG_T_BREAKDOWN, "queueing", FIG_TENANT, "ms", "time queued", NULL },
    { FIG_T_BD_OTHER, FIG_TENANT, FK_NUM, FIG_T_BREAKDOWN, "other_tenants", FIG_TENANT, "ms", "time behind other tenants", NULL },
    { FIG_T_BD_SWITCH, FIG_TENANT, FK_NUM, FIG_T_BREAKDOWN, "switch", FIG_TENANT, "ms", "time switching contexts", NULL },
    { FIG_T_BD_SERVICE, FIG_TENANT, FK_NUM, FIG_T_BREAKDOWN, "service", FIG_TENANT, "ms", "time in service", NULL },
    { FIG_T_BD_HOST, FIG_TENANT, FK_NUM, FIG_T_BREAKDOWN, "host", FIG_TENANT, "ms", "time on the host", NULL },
    { FIG_T_GPU_SHARE, FIG_TENANT, FK_NUM, FIG_NONE, "gpu_time_share", FIG_TENANT, "", "share of GPU time", "gpu_time_share" },
    { FIG_T_GPU_SHARE_CI, FIG_TENANT, FK_CI, FIG_NONE, "ci95_gpu_time_share", FIG_TENANT, "", "share of GPU time, 95% CI", NULL },
    { FIG_T_IN_SYSTEM, FIG_TENANT, FK_NUM, FIG_NONE, "mean_in_system", FIG_TENANT, "", "mean requests in the system", NULL },
    { FIG_T_PREFIX, FIG_TENANT, FK_OBJ, FIG_NONE, "prefix_cache", FIG_TENANT, "", "prefix cache", NULL },
    { FIG_T_PREFIX_HIT, FIG_TENANT, FK_NUM, FIG_T_PREFIX, "hit_rate", FIG_TENANT, "", "prefix-cache hit rate (tokens)",
      NULL },
    { FIG_T_PREFIX_CI, FIG_TENANT, FK_CI, FIG_T_PREFIX, "ci95", FIG_TENANT, "", "prefix-cache hit rate, 95% CI", NULL },
    { FIG_T_SLO, FIG_TENANT, FK_OBJ, FIG_NONE, "slo", FIG_TENANT, "", "SLO", NULL },
    { FIG_T_SLO_METRIC, FIG_TENANT, FK_STR, FIG_T_SLO, "metric", FIG_TENANT, "", "SLO metric name", NULL },
    { FIG_T_SLO_BOUND, FIG_TENANT, FK_NUM, FIG_T_SLO, "bound_ms", FIG_TENANT, "ms", "SLO bound", NULL },
    { FIG_T_SLO_VALUE, FIG_TENANT, FK_NUM, FIG_T_SLO, "value_ms", FIG_TENANT, "ms", "SLO metric", NULL },
    { FIG_T_SLO_CI, FIG_TENANT, FK_CI, FIG_T_SLO, "ci95", FIG_TENANT, "ms", "SLO metric, 95% CI", NULL },
    { FIG_T_SLO_LO, FIG_TENANT, FK_LO, FIG_T_SLO_CI, NULL, FIG_TENANT, "ms", "SLO metric, 95% CI low", NULL },
    { FIG_T_SLO_HI, FIG_TENANT, FK_HI, FIG_T_SLO_CI, NULL, FIG_TENANT, "ms", "SLO metric, 95% CI high", NULL },
    { FIG_T_SLO_VERDICT, FIG_TENANT, FK_STR, FIG_T_SLO, "verdict", FIG_TENANT, "", "SLO verdict", NULL },
    { FIG_T_SLO_MET, FIG_TENANT, FK_BOOL, FIG_T_SLO, "met", FIG_TENANT, "", "SLO met", "slo_met" },
    { FIG_T_SLO_REASON, FIG_TENANT, FK_STR, FIG_T_SLO, "reason", FIG_TENANT, "", "why the verdict is uncertain", NULL },
    { FIG_T_SLO_REPS, FIG_TENANT, FK_NUM, FIG_T_SLO, "replications_to_resolve", FIG_TENANT, "", "replications to resolve", NULL },
    { FIG_T_SLO_ATTAINMENT, FIG_TENANT, FK_NUM, FIG_NONE, "slo_attainment", FIG_TENANT, "", "share of requests within the SLO bound", NULL },
    { FIG_T_FLAGS, FIG_TENANT, FK_OBJ, FIG_NONE, "flags", FIG_TENANT, "", "flags", NULL },
    { FIG_T_FL_UNSTEADY, FIG_TENANT, FK_BOOL, FIG_T_FLAGS, "not_in_steady_state", FIG_TENANT, "", "not in steady state", NULL },
    { FIG_T_FL_UNFINISHED, FIG_TENANT, FK_NUM, FIG_T_FLAGS, "unfinished", FIG_TENANT, "", "unfinished requests", NULL },
    { FIG_T_FL_CONSTANT, FIG_TENANT, FK_BOOL, FIG_T_FLAGS, "nothing_varies", FIG_TENANT, "", "the same in every replication", NULL },
    { FIG_T_VALIDATION, FIG_TENANT, FK_ROWS, FIG_NONE, "validation", FIG_VALIDATION, "", "validated error", NULL },
    { FIG_G_ID, FIG_GPU, FK_NUM, FIG_NONE, "id", FIG_GPU, "", "GPU", NULL },
    { FIG_G_UTILIZATION, FIG_GPU, FK_NUM, FIG_NONE, "utilization", FIG_GPU, "", "utilization", "utilization" },
    { FIG_G_UTIL_CI, FIG_GPU, FK_CI, FIG_NONE, "ci95_utilization", FIG_GPU, "", "utilization, 95% CI", NULL },
    { FIG_G_SWITCHES, FIG_GPU, FK_NUM, FIG_NONE, "context_switches", FIG_GPU, "", "context switches", "context_switches" },
    { FIG_G_SWITCH_OVERHEAD, FIG_GPU, FK_NUM, FIG_NONE, "switch_overhead_fraction", FIG_GPU, "", "share of time switching", "switch_overhead_fraction" },
    { FIG_G_VIRT_OVERHEAD, FIG_GPU, FK_NUM, FIG_NONE, "virtualization_overhead_fraction", FIG_GPU, "", "share of time in the virtualization layer", NULL },
    { FIG_G_PCIE, FIG_GPU, FK_NUM, FIG_NONE, "pcie_utilization", FIG_GPU, "", "PCIe utilization", NULL },
    { FIG_G_THROTTLED, FIG_GPU, FK_NUM, FIG_NONE, "power_throttled_fraction", FIG_GPU, "", "share of time power-throttled", NULL },
    { FIG_G_INSTANCES, FIG_GPU, FK_ROWS, FIG_NONE, "instances", FIG_INSTANCE, "", "MIG instances", NULL },
    { FIG_I_ID, FIG_INSTANCE, FK_NUM, FIG_NONE, "id", FIG_INSTANCE, "", "instance", NULL },
    { FIG_I_PROFILE, FIG_INSTANCE, FK_STR, FIG_NONE, "profile", FIG_INSTANCE, "", "MIG profile", NULL },
    { FIG_I_START, FIG_INSTANCE, FK_NUM, FIG_NONE, "start", FIG_INSTANCE, "", "start slice", NULL },
    { FIG_I_SMS, FIG_INSTANCE, FK_NUM, FIG_NONE, "sms", FIG_INSTANCE, "", "SMs", NULL },
    { FIG_I_MEMORY, FIG_INSTANCE, FK_NUM, FIG_NONE, "memory_gib", FIG_INSTANCE, "GiB", "memory", NULL },
    { FIG_I_MODE, FIG_INSTANCE, FK_STR, FIG_NONE, "mode", FIG_INSTANCE, "", "sharing inside the instance", NULL },
    { FIG_I_UTILIZATION, FIG_INSTANCE, FK_NUM, FIG_NONE, "utilization", FIG_INSTANCE, "", "utilization", NULL },
    { FIG_I_UTIL_CI, FIG_INSTANCE, FK_CI, FIG_NONE, "ci95_utilization", FIG_INSTANCE, "", "utilization, 95% CI", NULL },
    { FIG_I_SWITCHES, FIG_INSTANCE, FK_NUM, FIG_NONE, "context_switches", FIG_INSTANCE, "", "context switches", NULL },
    { FIG_I_SWITCH_OVERHEAD, FIG_INSTANCE, FK_NUM, FIG_NONE, "switch_overhead_fraction", FIG_INSTANCE, "", "share of time switching", NULL },
    { FIG_I_VIRT_OVERHEAD, FIG_INSTANCE, FK_NUM, FIG_NONE, "virtualization_overhead_fraction", FIG_INSTANCE, "", "share of time in the virtualization layer", NULL },
    { FIG_P_INDEX, FIG_POINT, FK_NUM, FIG_NONE, "index", FIG_POINT, "", "point", NULL },
    { FIG_P_VALUES, FIG_POINT, FK_RAW, FIG_NONE, "values", FIG_POINT, "", "varied values", NULL },
    { FIG_P_SEED, FIG_POINT, FK_NUM, FIG_NONE, "seed", FIG_POINT, "", "seed", NULL },
    { FIG_P_REPLICATIONS, FIG_POINT, FK_NUM, FIG_NONE, "replications", FIG_POINT, "", "replications", NULL },
    { FIG_P_TENANTS, FIG_POINT, FK_ROWS, FIG_NONE, "tenants", FIG_TENANT, "", "tenants", NULL },
    { FIG_P_GPUS, FIG_POINT, FK_ROWS, FIG_NONE, "gpus", FIG_GPU, "", "GPUs", NULL },
    { FIG_P_WARNINGS, FIG_POINT, FK_STRS, FIG_NONE, "warnings", FIG_POINT, "", "warnings", NULL },
    { FIG_W_VERSION, FIG_SWEEP, FK_STR, FIG_NONE, "slicesim_version", FIG_SWEEP, "", "slicesim version", NULL },
    { FIG_W_SCENARIO, FIG_SWEEP, FK_STR, FIG_NONE, "scenario", FIG_SWEEP, "", "scenario", NULL },
    { FIG_W_HASH, FIG_SWEEP, FK_STR, FIG_NONE, "scenario_hash", FIG_SWEEP, "", "scenario hash", NULL },
    { FIG_W_SEED, FIG_SWEEP, FK_NUM, FIG_NONE, "seed", FIG_SWEEP, "", "seed", NULL },
    { FIG_W_REPLICATIONS, FIG_SWEEP, FK_NUM, FIG_NONE, "replications", FIG_SWEEP, "", "replications", NULL },
    { FIG_W_SETS, FIG_SWEEP, FK_STRS, FIG_NONE, "sets", FIG_SWEEP, "", "--set assignments", NULL },
    { FIG_W_VARY, FIG_SWEEP, FK_ROWS, FIG_NONE, "vary", FIG_VARY, "", "varied paths", NULL },
    { FIG_W_POINTS_TOTAL, FIG_SWEEP, FK_NUM, FIG_NONE, "points_total", FIG_SWEEP, "", "points in the sweep", NULL },
    { FIG_W_POINTS, FIG_SWEEP, FK_ROWS, FIG_NONE, "points", FIG_POINT, "", "points", NULL },
    { FIG_W_SHARD, FIG_SWEEP, FK_OBJ, FIG_NONE, "shard", FIG_SWEEP, "", "shard", NULL },
    { FIG_W_SHARD_INDEX, FIG_SWEEP, FK_NUM, FIG_W_SHARD, "index", FIG_SWEEP, "", "shard index", NULL },
    { FIG_W_SHARD_COUNT, FIG_SWEEP, FK_NUM, FIG_W_SHARD, "count", FIG_SWEEP, "", "shards", NULL },
    { FIG_V_PATH, FIG_VARY, FK_STR, FIG_NONE, "path", FIG_VARY, "", "varied path", NULL },
    { FIG_V_VALUES, FIG_VARY, FK_RAW, FIG_NONE, "values", FIG_VARY, "", "its values", NULL },
    { FIG_K_VERSION, FIG_COMPARE, FK_STR, FIG_NONE, "slicesim_version", FIG_COMPARE, "", "slicesim version", NULL },
    { FIG_K_SCENARIO, FIG_COMPARE, FK_STR, FIG_NONE, "scenario", FIG_COMPARE, "", "scenario", NULL },
    { FIG_K_BASELINE, FIG_COMPARE, FK_STR, FIG_NONE, "baseline", FIG_COMPARE, "", "baseline setup", NULL },
    { FIG_K_COST_UNIT, FIG_COMPARE, FK_STR, FIG_NONE, "cost_unit", FIG_COMPARE, "", "cost unit", NULL },
    { FIG_K_SETUPS, FIG_COMPARE, FK_ROWS, FIG_NONE, "setups", FIG_SETUP, "", "setups", NULL },
    { FIG_K_VERDICT, FIG_COMPARE, FK_OBJ, FIG_NONE, "verdict", FIG_COMPARE, "", "verdict", NULL },
    { FIG_K_MEETING, FIG_COMPARE, FK_STRS, FIG_K_VERDICT, "meeting_slos", FIG_COMPARE, "", "setups meeting every SLO", NULL },
    { FIG_K_UNCERTAIN, FIG_COMPARE, FK_ROWS, FIG_K_VERDICT, "uncertain", FIG_UNCERTAIN, "", "setups with an uncertain SLO", NULL },
    { FIG_K_CHEAPEST, FIG_COMPARE, FK_STR, FIG_K_VERDICT, "cheapest", FIG_COMPARE, "", "cheapest setup meeting every SLO", NULL },
    { FIG_U_MODE, FIG_SETUP, FK_STR, FIG_NONE, "mode", FIG_SETUP, "", "setup", NULL },
    { FIG_U_WHAT, FIG_SETUP, FK_STR, FIG_NONE, "what", FIG_SETUP, "", "what the setup is", NULL },
    { FIG_U_GPUS, FIG_SETUP, FK_NUM, FIG_NONE, "gpus", FIG_SETUP, "", "GPUs", NULL },
    { FIG_U_COST, FIG_SETUP, FK_NUM, FIG_NONE, "cost", FIG_SETUP, "", "cost", NULL },
    { FIG_U_UTIL_OBJ, FIG_SETUP, FK_OBJ, FIG_NONE, "utilization", FIG_SETUP, "", "utilization", NULL },
    { FIG_U_UTILIZATION, FIG_SETUP, FK_NUM, FIG_U_UTIL_OBJ, "value", FIG_SETUP, "", "utilization", NULL },
    { FIG_U_UTIL_CI, FIG_SETUP, FK_CI, FIG_U_UTIL_OBJ, "ci95", FIG_SETUP, "", "utilization, 95% CI", NULL },
    { FIG_U_MEETS, FIG_SETUP, FK_BOOL, FIG_NONE, "meets_slos", FIG_SETUP, "", "meets every SLO", NULL },
    { FIG_U_TENANTS, FIG_SETUP, FK_ROWS, FIG_NONE, "tenants", FIG_COMPARE_TENANT, "", "tenants", NULL },
    { FIG_X_MODE, FIG_UNCERTAIN, FK_STR, FIG_NONE, "mode", FIG_UNCERTAIN, "", "setup", NULL },
    { FIG_X_REPS, FIG_UNCERTAIN, FK_NUM, FIG_NONE, "replications_to_resolve", FIG_UNCERTAIN, "", "replications to resolve", NULL },
    { FIG_X_UNSTEADY, FIG_UNCERTAIN, FK_BOOL, FIG_NONE, "not_in_steady_state", FIG_UNCERTAIN, "", "not in steady state", NULL },
    { FIG_C_NAME, FIG_COMPARE_TENANT, FK_STR, FIG_NONE, "name", FIG_COMPARE_TENANT, "", "tenant", NULL },
    { FIG_C_THROUGHPUT_OBJ, FIG_COMPARE_TENANT, FK_OBJ, FIG_NONE, "throughput", FIG_COMPARE_TENANT, "", "throughput", NULL },
    { FIG_C_THROUGHPUT, FIG_COMPARE_TENANT, FK_NUM, FIG_C_THROUGHPUT_OBJ, "value", FIG_COMPARE_TENANT, "", "throughput", NULL },
    { FIG_C_THROUGHPUT_CI, FIG_COMPARE_TENANT, FK_CI, FIG_C_THROUGHPUT_OBJ, "ci95", FIG_COMPARE_TENANT, "", "throughput, 95% CI", NULL },
    { FIG_C_THROUGHPUT_LO, FIG_COMPARE_TENANT, FK_LO, FIG_C_THROUGHPUT_CI, NULL, FIG_COMPARE_TENANT, "", "throughput, 95% CI low", NULL },
    { FIG_C_THROUGHPUT_HI, FIG_COMPARE_TENANT, FK_HI, FIG_C_THROUGHPUT_CI, NULL, FIG_COMPARE_TENANT, "", "throughput, 95% CI high", NULL },
    { FIG_C_THROUGHPUT_UNIT, FIG_COMPARE_TENANT, FK_STR, FIG_C_THROUGHPUT_OBJ, "unit", FIG_COMPARE_TENANT, "", "throughput unit", NULL },
    { FIG_C_LATENCY, FIG_COMPARE_TENANT, FK_OBJ, FIG_NONE, MODEL_LATENCY_NAME, FIG_COMPARE_TENANT, "ms", "latency", NULL },
    { FIG_C_LAT_P50, FIG_COMPARE_TENANT, FK_NUM, FIG_C_LATENCY, MODEL_Q_P50, FIG_COMPARE_TENANT, "ms", "p50 latency", NULL },
    { FIG_C_LAT_CI_P50, FIG_COMPARE_TENANT, FK_CI, FIG_C_LATENCY, "ci95_" MODEL_Q_P50, FIG_COMPARE_TENANT, "ms", "p50 latency, 95% CI", NULL },
    { FIG_C_LAT_P95, FIG_COMPARE_TENANT, FK_NUM, FIG_C_LATENCY, MODEL_Q_P95, FIG_COMPARE_TENANT, "ms", "p95 latency", NULL },
    { FIG_C_LAT_CI_P95, FIG_COMPARE_TENANT, FK_CI, FIG_C_LATENCY, "ci95_" MODEL_Q_P95, FIG_COMPARE_TENANT, "ms", "p95 latency, 95% CI", NULL },
    { FIG_C_LAT_P99, FIG_COMPARE_TENANT, FK_NUM, FIG_C_LATENCY, MODEL_Q_P99, FIG_COMPARE_TENANT, "ms", "p99 latency", NULL },
    { FIG_C_LAT_CI_P99, FIG_COMPARE_TENANT, FK_CI, FIG_C_LATENCY, "ci95_" MODEL_Q_P99, FIG_COMPARE_TENANT, "ms", "p99 latency, 95% CI", NULL },
    { FIG_C_LAT_P95_LO, FIG_COMPARE_TENANT, FK_LO, FIG_C_LAT_CI_P95, NULL, FIG_COMPARE_TENANT, "ms", "p95 latency, 95% CI low", NULL },
    { FIG_C_LAT_P95_HI, FIG_COMPARE_TENANT, FK_HI, FIG_C_LAT_CI_P95, NULL, FIG_COMPARE_TENANT, "ms", "p95 latency, 95% CI high", NULL },
    { FIG_C_METRICS, FIG_COMPARE_TENANT, FK_BLOCKS, FIG_NONE, NULL, FIG_COMPARE_TENANT, "", "workload metrics", NULL },
    { FIG_C_SLO_OBJ, FIG_COMPARE_TENANT, FK_OBJ, FIG_NONE, "slo", FIG_COMPARE_TENANT, "", "SLO", NULL },
    { FIG_C_SLO_VALUE, FIG_COMPARE_TENANT, FK_NUM, FIG_C_SLO_OBJ, "value", FIG_COMPARE_TENANT, "ms", "SLO metric", NULL },
    { FIG_C_SLO_CI, FIG_COMPARE_TENANT, FK_CI, FIG_C_SLO_OBJ, "ci95", FIG_COMPARE_TENANT, "ms", "SLO metric, 95% CI", NULL },
    { FIG_C_SLO_LO, FIG_COMPARE_TENANT, FK_LO, FIG_C_SLO_CI, NULL, FIG_COMPARE_TENANT, "ms", "SLO metric, 95% CI low", NULL },
    { FIG_C_SLO_HI, FIG_COMPARE_TENANT, FK_HI, FIG_C_SLO_CI, NULL, FIG_COMPARE_TENANT, "ms", "SLO metric, 95% CI high", NULL },
    { FIG_C_SLO_TEXT, FIG_COMPARE_TENANT, FK_STR, FIG_C_SLO_OBJ, "slo", FIG_COMPARE_TENANT, "", "SLO as given", NULL },
    { FIG_C_SLO_METRIC, FIG_COMPARE_TENANT, FK_STR, FIG_C_SLO_OBJ, "metric", FIG_COMPARE_TENANT, "", "SLO metric name", NULL },
    { FIG_C_SLO_BOUND, FIG_COMPARE_TENANT, FK_NUM, FIG_C_SLO_OBJ, "bound", FIG_COMPARE_TENANT, "ms", "SLO bound", NULL },
    { FIG_C_SLO_VERDICT, FIG_COMPARE_TENANT, FK_STR, FIG_C_SLO_OBJ, "verdict", FIG_COMPARE_TENANT, "", "SLO verdict", NULL },
    { FIG_C_SLO_REASON, FIG_COMPARE_TENANT, FK_STR, FIG_C_SLO_OBJ, "reason", FIG_COMPARE_TENANT, "", "why the verdict is uncertain", NULL },
    { FIG_C_SLO_REPS, FIG_COMPARE_TENANT, FK_NUM, FIG_C_SLO_OBJ, "replications_to_resolve", FIG_COMPARE_TENANT, "", "replications to resolve", NULL },
    { FIG_C_SLO_MET, FIG_COMPARE_TENANT, FK_BOOL, FIG_NONE, "slo_met", FIG_COMPARE_TENANT, "", "SLO met", NULL },
    { FIG_C_VS, FIG_COMPARE_TENANT, FK_OBJ, FIG_NONE, "vs_baseline_pct", FIG_COMPARE_TENANT, "%", "difference from the baseline", NULL },
    { FIG_C_VS_THROUGHPUT, FIG_COMPARE_TENANT, FK_NUM, FIG_C_VS, "throughput", FIG_COMPARE_TENANT, "%", "throughput against the baseline", NULL },
    { FIG_C_VS_P95, FIG_COMPARE_TENANT, FK_NUM, FIG_C_VS, "p95", FIG_COMPARE_TENANT, "%", "p95 latency against the baseline", NULL },
    { FIG_C_VALIDATION, FIG_COMPARE_TENANT, FK_ROWS, FIG_NONE, "validation", FIG_VALIDATION, "", "validated error", NULL },
    { FIG_A_FAMILY, FIG_VALIDATION, FK_STR, FIG_NONE, "family", FIG_VALIDATION, "", "validated family", NULL },
    { FIG_A_VALIDATED, FIG_VALIDATION, FK_STR, FIG_NONE, "validated", FIG_VALIDATION, "", "what its rows compare", NULL },
    { FIG_A_ROWS, FIG_VALIDATION, FK_NUM, FIG_NONE, "rows", FIG_VALIDATION, "", "published rows", NULL },
    { FIG_A_WITHIN, FIG_VALIDATION, FK_NUM, FIG_NONE, "within_tolerance", FIG_VALIDATION, "", "rows within tolerance", NULL },
    { FIG_A_MEAN, FIG_VALIDATION, FK_NUM, FIG_NONE, "mean_abs_error_pct", FIG_VALIDATION, "%", "mean |error|", NULL },
    { FIG_A_P90, FIG_VALIDATION, FK_NUM, FIG_NONE, "p90_abs_error_pct", FIG_VALIDATION, "%", "90th percentile |error|", NULL },
    { FIG_A_MAX, FIG_VALIDATION, FK_NUM, FIG_NONE, "max_abs_error_pct", FIG_VALIDATION, "%", "largest |error|", NULL },
    { FIG_A_LEFT_OUT, FIG_VALIDATION, FK_OBJ, FIG_NONE, "left_out", FIG_VALIDATION, "", "each GPU or platform predicted without its own rows", NULL },
    { FIG_A_LO_POINTS, FIG_VALIDATION, FK_NUM, FIG_A_LEFT_OUT, "points", FIG_VALIDATION, "", "left-out points", NULL },
    { FIG_A_LO_MEAN, FIG_VALIDATION, FK_NUM, FIG_A_LEFT_OUT, "mean_abs_error_pct", FIG_VALIDATION, "%", "left-out mean |error|", NULL },
    { FIG_A_LO_MAX, FIG_VALIDATION, FK_NUM, FIG_A_LEFT_OUT, "max_abs_error_pct", FIG_VALIDATION, "%", "left-out largest |error|", NULL },
    { FIG_A_GPUS, FIG_VALIDATION, FK_STRS, FIG_NONE, "measured_on", FIG_VALIDATION, "", "GPU presets its rows were measured on", NULL },
    { FIG_A_THIS_GPU, FIG_VALIDATION, FK_BOOL, FIG_NONE, "measured_on_this_gpu", FIG_VALIDATION, "", "some row measured on the run's GPU", NULL },
};

/* sweep.csv's columns per scope, in column order. */
static const fig_id CSV_TENANT[] = {
    FIG_T_COMPLETED, FIG_T_THROUGHPUT, FIG_T_THROUGHPUT_LO, FIG_T_THROUGHPUT_HI, FIG_T_LAT_MEAN,
    FIG_T_LAT_P50, FIG_T_LAT_P90, FIG_T_LAT_P95, FIG_T_LAT_P95_LO, FIG_T_LAT_P95_HI, FIG_T_LAT_P99,
    FIG_T_GPU_SHARE, FIG_T_SLO_MET,
};
static const fig_id CSV_GPU[] = { FIG_G_UTILIZATION, FIG_G_SWITCHES, FIG_G_SWITCH_OVERHEAD };

/* The first id of each scope and one past its last. */
static const fig_id SCOPE_FIRST[FIG_SCOPES + 1] = {
    FIG_S_VERSION, FIG_T_NAME, FIG_G_ID, FIG_I_ID, FIG_P_INDEX, FIG_W_VERSION, FIG_V_PATH, FIG_K_VERSION,
    FIG_U_MODE, FIG_X_MODE, FIG_C_NAME, FIG_A_FAMILY, FIG_COUNT,
};

const fig *fig_get(fig_id id)
{
    return &FIGS[id];
}

const char *fig_path(fig_id id, char *buf, size_t len)
{
    const fig *e = &FIGS[id];
    char up[256] = "";
    if (e->parent != FIG_NONE)
        fig_path(e->parent, up, sizeof up);
    if (e->kind == FK_LO || e->kind == FK_HI)
        snprintf(buf, len, "%s[%d]", up, e->kind == FK_HI);
    else
        snprintf(buf, len, "%s%s%s", up, up[0] ? "." : "", e->key ? e->key : "");
    return buf;
}

size_t fig_csv_cols(fig_scope scope, const fig **out)
{
    const fig_id *c = scope == FIG_TENANT ? CSV_TENANT : scope == FIG_GPU ? CSV_GPU : NULL;
    size_t n = scope == FIG_TENANT ? sizeof CSV_TENANT / sizeof *CSV_TENANT
             : scope == FIG_GPU ? sizeof CSV_GPU / sizeof *CSV_GPU : 0;
    for (size_t k = 0; k < n; k++)
        out[k] = &FIGS[c[k]];
    return n;
}

const cJSON *fig_item(const cJSON *obj, fig_id id)
{
    const fig *e = &FIGS[id];
    if (e->parent != FIG_NONE)
        obj = fig_item(obj, e->parent);
    if (!obj || e->kind == FK_BLOCKS)
        return NULL;
    if (e->kind == FK_LO || e->kind == FK_HI)
        return cJSON_GetArrayItem(obj, e->kind == FK_HI);
    return cJSON_GetObjectItemCaseSensitive(obj, e->key);
}

cJSON *fig_member(cJSON *obj, fig_id id)
{
    return (cJSON *)fig_item(obj, id);
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

/* ---- rows ---- */

/* The object whose members each workload metric block of a scope has
 * (FIG_NONE: the scope has no blocks); its members are the entries right
 * after it whose parent it is. */
static fig_id block_of(fig_scope scope)
{
    return scope == FIG_TENANT ? FIG_T_LATENCY : scope == FIG_COMPARE_TENANT ? FIG_C_LATENCY : FIG_NONE;
}

/* Member id's slot in a block of scope, or -1 when it is none of the block's. */
static int block_slot(fig_scope scope, fig_id id)
{
    fig_id b = block_of(scope);
    if (b == FIG_NONE || id <= b)
        return -1;
    for (int k = b + 1; k < FIG_COUNT && FIGS[k].parent == b; k++)
        if (k == (int)id)
            return k - b - 1 < FIG_BLOCK_N ? k - b - 1 : -1;
    return -1;
}

static fig_val *val(fig_row *r, fig_id id)
{
    if (id < SCOPE_FIRST[r->scope] || id >= SCOPE_FIRST[r->scope + 1])
        return NULL;
    return &r->v[id - SCOPE_FIRST[r->scope]];
}

const fig_val *fig_row_val(const fig_row *r, fig_id id)
{
    return val((fig_row *)r, id);
}

int fig_row_init(fig_row *r, fig_scope scope)
{
    memset(r, 0, sizeof *r);
    r->scope = scope;
    r->v = calloc((size_t)(SCOPE_FIRST[scope + 1] - SCOPE_FIRST[scope]), sizeof *r->v);
    return r->v ? 0 : -1;
}

static void val_free(fig_val *v)
{
    free(v->strs);
    for (size_t k = 0; v->rows && k < v->n; k++)
        fig_row_free(&v->rows[k]);
    free(v->rows);
    cJSON_Delete(v->raw);
    memset(v, 0, sizeof *v);
}

void fig_row_free(fig_row *r)
{
    size_t n = r->v ? (size_t)(SCOPE_FIRST[r->scope + 1] - SCOPE_FIRST[r->scope]) : 0;
    for (size_t k = 0; k < n; k++)
        val_free(&r->v[k]);
    free(r->v);
    free(r->block);
    for (size_t k = 0; k < r->nown; k++)
        free(r->own[k]);
    free(r->own);
    fig_scope scope = r->scope;
    memset(r, 0, sizeof *r);
    r->scope = scope;
}

const char *fig_row_own(fig_row *r, const char *s)
{
    char *c = strdup(s ? s : "");
    char **o = c ? realloc(r->own, (r->nown + 1) * sizeof *o) : NULL;
    if (!o) {
        free(c);
        return NULL;
    }
    r->own = o;
    r->own[r->nown++] = c;
    return c;
}

void fig_move(fig_row *dst, fig_id to, fig_row *src, fig_id from)
{
    fig_val *d = val(dst, to), *s = val(src, from);
    if (!d || !s)
        return;
    val_free(d);
    *d = *s;
    memset(s, 0, sizeof *s);
    char **o = src->nown ? realloc(dst->own, (dst->nown + src->nown) * sizeof *o) : dst->own;
    if (!o)
        return;             /* out of memory: src keeps its strings, d borrows them while src lives */
    if (src->nown)
        memcpy(o + dst->nown, src->own, src->nown * sizeof *o);
    dst->own = o;
    dst->nown += src->nown;
    free(src->own);
    src->own = NULL;
    src->nown = 0;
}

void fig_val_num(fig_val *v, double x)
{
    v->state = isfinite(x) ? FV_SET : FV_NULL;
    v->num = x;
}

void fig_val_ci(fig_val *v, double lo, double hi)
{
    v->state = isfinite(lo) ? FV_SET : FV_NULL;
    v->lo = lo;
    v->hi = hi;
}

void fig_set_num(fig_row *r, fig_id id, double x)
{
    fig_val *v = val(r, id);
    if (v)
        fig_val_num(v, x);
}

void fig_set_str(fig_row *r, fig_id id, const char *s)
{
    fig_val *v = val(r, id);
    if (v) {
        v->state = s ? FV_SET : FV_NULL;
        v->str = s;
    }
}

void fig_set_bool(fig_row *r, fig_id id, int b)
{
    fig_val *v = val(r, id);
    if (v) {
        v->state = FV_SET;
        v->num = b != 0;
    }
}

void fig_set_ci(fig_row *r, fig_id id, double lo, double hi)
{
    fig_val *v = val(r, id);
    if (v)
        fig_val_ci(v, lo, hi);
}

void fig_set_null(fig_row *r, fig_id id)
{
    fig_val *v = val(r, id);
    if (v) {
        val_free(v);
        v->state = FV_NULL;
    }
}

void fig_set_obj(fig_row *r, fig_id id)
{
    fig_val *v = val(r, id);
    if (v)
        v->state = FV_SET;
}

int fig_set_strs(fig_row *r, fig_id id, const char *const *s, size_t n)
{
    fig_val *v = val(r, id);
    if (!v)
        return -1;
    val_free(v);
    v->strs = malloc((n ? n : 1) * sizeof *v->strs);
    if (!v->strs)
        return -1;
    for (size_t k = 0; k < n; k++)
        v->strs[k] = s[k];
    v->n = n;
    v->state = FV_SET;
    return 0;
}

fig_row *fig_set_rows(fig_row *r, fig_id id, size_t n)
{
    fig_val *v = val(r, id);
    if (!v)
        return NULL;
    val_free(v);
    v->rows = calloc(n ? n : 1, sizeof *v->rows);
    if (!v->rows)
        return NULL;
    for (size_t k = 0; k < n; k++)
        if (fig_row_init(&v->rows[k], FIGS[id].rows) < 0) {
            v->n = k;
            val_free(v);
            return NULL;
        }
    v->n = n;
    v->state = FV_SET;
    return v->rows;
}

void fig_set_raw(fig_row *r, fig_id id, cJSON *raw)
{
    fig_val *v = val(r, id);
    if (!v) {
        cJSON_Delete(raw);
        return;
    }
    val_free(v);
    v->raw = raw;
    v->state = raw ? FV_SET : FV_ABSENT;
}

int fig_set_blocks(fig_row *r, size_t n, const char *const *names)
{
    if (n > FIG_MAX_BLOCKS)
        n = FIG_MAX_BLOCKS;
    free(r->block);
    r->block = calloc((n ? n : 1) * FIG_BLOCK_N, sizeof *r->block);
    r->nblocks = r->block ? n : 0;
    for (size_t k = 0; k < r->nblocks; k++)
        r->block_name[k] = names[k];
    return r->block ? 0 : -1;
}

fig_val *fig_block(fig_row *r, size_t k, fig_id id)
{
    int slot = block_slot(r->scope, id);
    return k < r->nblocks && slot >= 0 ? &r->block[k * FIG_BLOCK_N + (size_t)slot] : NULL;
}

/* The value of member id: the row's own, or block k's (k >= 0) for a member
 * of the latency block. */
static const fig_val *value(const fig_row *r, fig_id id, int k)
{
    return k >= 0 && block_slot(r->scope, id) >= 0 ? fig_block((fig_row *)r, (size_t)k, id) : fig_row_val(r, id);
}

double fig_row_num(const fig_row *r, fig_id id)
{
    const fig *e = &FIGS[id];
    const fig_val *v = fig_row_val(r, e->kind == FK_LO || e->kind == FK_HI ? e->parent : id);
    if (!v || v->state != FV_SET)
        return NAN;
    return e->kind == FK_LO ? v->lo : e->kind == FK_HI ? v->hi : v->num;
}

const char *fig_row_str(const fig_row *r, fig_id id)
{
    const fig_val *v = fig_row_val(r, id);
    return v && v->state == FV_SET ? v->str : NULL;
}

int fig_row_has(const fig_row *r, fig_id id)
{
    const fig_val *v = fig_row_val(r, id);
    return v && v->state == FV_SET;
}

/* ---- writing ---- */

/* The j-th member of parent in scope (for FK_QLIST bits); NULL past the
 * last. */
static const fig *nth_member(fig_scope scope, fig_id parent, int j)
{
    for (int id = SCOPE_FIRST[scope]; id < SCOPE_FIRST[scope + 1]; id++)
        if (FIGS[id].parent == parent && FIGS[id].key && j-- == 0)
            return &FIGS[id];
    return NULL;
}

static int write_members(cJSON *o, const fig_row *r, fig_id parent, int k, const fig_id *top, size_t ntop);

static cJSON *value_json(const fig_row *r, const fig *e, const fig_val *v, int k)
{
    cJSON *a;
    if (v->state == FV_NULL)
        return cJSON_CreateNull();
    switch (e->kind) {
    case FK_NUM:
        return isfinite(v->num) ? cJSON_CreateNumber(v->num) : cJSON_CreateNull();
    case FK_STR:
        return cJSON_CreateString(v->str ? v->str : "");
    case FK_BOOL:
        return cJSON_CreateBool(v->num != 0);
    case FK_CI:
        a = cJSON_CreateArray();
        if (a) {
            cJSON_AddItemToArray(a, cJSON_CreateNumber(v->lo));
            cJSON_AddItemToArray(a, cJSON_CreateNumber(v->hi));
        }
        return a;
    case FK_OBJ:
        a = cJSON_CreateObject();
        if (a && write_members(a, r, e->id, k, NULL, 0) < 0) {
            cJSON_Delete(a);
            return NULL;
        }
        return a;
    case FK_STRS:
        a = cJSON_CreateArray();
        for (size_t j = 0; a && j < v->n; j++)
            cJSON_AddItemToArray(a, cJSON_CreateString(v->strs[j] ? v->strs[j] : ""));
        return a;
    case FK_QLIST:
        a = cJSON_CreateArray();
        for (int j = 0; a && j < 52; j++) {
            const fig *m = nth_member(e->scope, e->parent, j);
            if (!m)
                break;
            if (((unsigned long)v->num >> j) & 1)
                cJSON_AddItemToArray(a, cJSON_CreateString(m->key));
        }
        return a;
    case FK_ROWS:
        a = cJSON_CreateArray();
        for (size_t j = 0; a && j < v->n; j++) {
            cJSON *x = fig_row_json(&v->rows[j]);
            if (!x) {
                cJSON_Delete(a);
                return NULL;
            }
            cJSON_AddItemToArray(a, x);
        }
        return a;
    case FK_RAW:
        return cJSON_Duplicate(v->raw, 1);
    default:
        return NULL;
    }
}

static int listed(fig_id id, const fig_id *top, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (top[k] == id)
            return 1;
    return 0;
}

/* The members of parent (FIG_NONE: the row's top level) into o, in table
 * order, from block k's values when k >= 0; at the top level only those of
 * top when top is given. -1 when out of memory. */
static int write_members(cJSON *o, const fig_row *r, fig_id parent, int k, const fig_id *top, size_t ntop)
{
    for (int id = SCOPE_FIRST[r->scope]; id < SCOPE_FIRST[r->scope + 1]; id++) {
        const fig *e = &FIGS[id];
        if (e->parent != parent || e->kind == FK_LO || e->kind == FK_HI || (top && !listed(e->id, top, ntop)))
            continue;
        if (e->kind == FK_BLOCKS) {
            for (size_t b = 0; b < r->nblocks; b++) {
                cJSON *x = cJSON_AddObjectToObject(o, r->block_name[b]);
                if (!x || write_members(x, r, block_of(r->scope), (int)b, NULL, 0) < 0)
                    return -1;
            }
            continue;
        }
        const fig_val *v = value(r, e->id, k);
        if (!v || v->state == FV_ABSENT)
            continue;
        cJSON *x = value_json(r, e, v, k);
        if (!x)
            return -1;
        cJSON_AddItemToObject(o, e->key, x);
    }
    return 0;
}

cJSON *fig_row_json(const fig_row *r)
{
    return fig_row_json_part(r, NULL, 0);
}

cJSON *fig_row_json_part(const fig_row *r, const fig_id *top, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    if (o && write_members(o, r, FIG_NONE, -1, top, n) < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ---- reading ---- */

static const char *const KIND_WANT[] = {
    [FK_NUM] = "a number or null", [FK_STR] = "a string", [FK_BOOL] = "true or false",
    [FK_CI] = "an interval [low, high] or null", [FK_OBJ] = "an object or null",
    [FK_STRS] = "an array of strings", [FK_QLIST] = "an array of member names",
    [FK_ROWS] = "an array of objects",
};

static int read_members(fig_row *r, const cJSON *obj, fig_id parent, int k, const char *where,
                        char *err, size_t errlen);

/* "WHERE.PATH: not WHAT": a member of a metric block is named by its key
 * below the block (where). */
static int bad(const char *where, const fig *e, int k, char *err, size_t errlen)
{
    char p[256];
    snprintf(err, errlen, "%s%s%s: not %s", where, where[0] ? "." : "", k >= 0 ? e->key : fig_path(e->id, p, sizeof p),
             KIND_WANT[e->kind] ? KIND_WANT[e->kind] : "what it should be");
    return -1;
}

static int read_value(fig_row *r, const fig *e, fig_val *v, const cJSON *x, int k, const char *where,
                      char *err, size_t errlen)
{
    const cJSON *y;
    size_t n = 0;
    if (cJSON_IsNull(x) && e->kind != FK_RAW) {
        v->state = FV_NULL;
        return 0;
    }
    switch (e->kind) {
    case FK_NUM:
        if (!cJSON_IsNumber(x))
            return bad(where, e, k, err, errlen);
        v->num = x->valuedouble;
        break;
    case FK_STR:
        if (!cJSON_IsString(x))
            return bad(where, e, k, err, errlen);
        v->str = x->valuestring;
        break;
    case FK_BOOL:
        if (!cJSON_IsBool(x))
            return bad(where, e, k, err, errlen);
        v->num = cJSON_IsTrue(x);
        break;
    case FK_CI:
        if (cJSON_GetArraySize(x) != 2 || !cJSON_IsNumber(x->child) || !cJSON_IsNumber(x->child->next))
            return bad(where, e, k, err, errlen);
        v->lo = x->child->valuedouble;
        v->hi = x->child->next->valuedouble;
        break;
    case FK_OBJ:
        if (!cJSON_IsObject(x))
            return bad(where, e, k, err, errlen);
        v->state = FV_SET;
        return read_members(r, x, e->id, k, where, err, errlen);
    case FK_STRS:
        if (!cJSON_IsArray(x))
            return bad(where, e, k, err, errlen);
        v->strs = malloc(((size_t)cJSON_GetArraySize(x) + 1) * sizeof *v->strs);
        if (!v->strs)
            return bad(where, e, k, err, errlen);
        cJSON_ArrayForEach(y, x) {
            if (!cJSON_IsString(y))
                return bad(where, e, k, err, errlen);
            v->strs[n++] = y->valuestring;
        }
        v->n = n;
        break;
    case FK_QLIST:
        if (!cJSON_IsArray(x))
            return bad(where, e, k, err, errlen);
        v->num = 0;
        cJSON_ArrayForEach(y, x) {
            int j = 0;
            const fig *m;
            while ((m = nth_member(e->scope, e->parent, j)) && !(cJSON_IsString(y) && strcmp(m->key, y->valuestring) == 0))
                j++;
            if (!m)
                return bad(where, e, k, err, errlen);
            v->num = (double)((unsigned long)v->num | 1ul << j);
        }
        break;
    case FK_ROWS:
        if (!cJSON_IsArray(x))
            return bad(where, e, k, err, errlen);
        v->rows = calloc((size_t)cJSON_GetArraySize(x) + 1, sizeof *v->rows);
        if (!v->rows)
            return bad(where, e, k, err, errlen);
        cJSON_ArrayForEach(y, x) {
            char here[512];
            snprintf(here, sizeof here, "%s%s%s[%zu]", where, where[0] ? "." : "", e->key, n);
            v->n = n + 1;
            if (!cJSON_IsObject(y))
                return bad(where, e, k, err, errlen);
            if (fig_row_read(&v->rows[n], e->rows, y, err, errlen) < 0) {
                char inner[512];
                snprintf(inner, sizeof inner, "%s", err);
                snprintf(err, errlen, "%s.%s", here, inner);
                return -1;
            }
            n++;
        }
        break;
    case FK_RAW:
        v->raw = cJSON_Duplicate(x, 1);
        if (!v->raw)
            return bad(where, e, k, err, errlen);
        break;
    default:
        break;
    }
    v->state = FV_SET;
    return 0;
}

/* Whether key names a member of scope's top level in the table. */
static int top_key(fig_scope scope, const char *key)
{
    for (int id = SCOPE_FIRST[scope]; id < SCOPE_FIRST[scope + 1]; id++)
        if (FIGS[id].parent == FIG_NONE && FIGS[id].key && strcmp(FIGS[id].key, key) == 0)
            return 1;
    return 0;
}

/* A tenant's workload metric blocks: its object members the table does not
 * name, in document order. */
static int read_blocks(fig_row *r, const cJSON *obj, const char *where, char *err, size_t errlen)
{
    const char *names[FIG_MAX_BLOCKS] = { NULL };
    const cJSON *m[FIG_MAX_BLOCKS] = { NULL }, *x;
    size_t n = 0;
    cJSON_ArrayForEach(x, obj)
        if (cJSON_IsObject(x) && x->string && !top_key(r->scope, x->string) && n < FIG_MAX_BLOCKS) {
            names[n] = x->string;
            m[n++] = x;
        }
    if (fig_set_blocks(r, n, names) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t b = 0; b < n; b++) {
        char here[512];
        snprintf(here, sizeof here, "%s%s%s", where, where[0] ? "." : "", names[b]);
        if (read_members(r, m[b], block_of(r->scope), (int)b, here, err, errlen) < 0)
            return -1;
    }
    return 0;
}

static int read_members(fig_row *r, const cJSON *obj, fig_id parent, int k, const char *where,
                        char *err, size_t errlen)
{
    for (int id = SCOPE_FIRST[r->scope]; id < SCOPE_FIRST[r->scope + 1]; id++) {
        const fig *e = &FIGS[id];
        if (e->parent != parent || e->kind == FK_LO || e->kind == FK_HI)
            continue;
        if (e->kind == FK_BLOCKS) {
            if (read_blocks(r, obj, where, err, errlen) < 0)
                return -1;
            continue;
        }
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, e->key);
        fig_val *v = (fig_val *)value(r, e->id, k);
        if (x && v && read_value(r, e, v, x, k, where, err, errlen) < 0)
            return -1;
    }
    return 0;
}

int fig_row_read(fig_row *r, fig_scope scope, const cJSON *obj, char *err, size_t errlen)
{
    if (fig_row_init(r, scope) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!cJSON_IsObject(obj)) {
        snprintf(err, errlen, "not an object");
        return -1;
    }
    return read_members(r, obj, FIG_NONE, -1, "", err, errlen);
}

/* ---- equality ---- */

static int num_eq(double a, double b, double tol)
{
    return a == b || (isnan(a) && isnan(b)) || fabs(a - b) <= tol * fmax(fabs(a), fabs(b));
}

static int str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int val_eq(const fig *e, const fig_val *a, const fig_val *b, double tol)
{
    if (a->state != b->state)
        return 0;
    if (a->state != FV_SET)
        return 1;
    switch (e->kind) {
    case FK_NUM: case FK_BOOL: case FK_QLIST:
        return num_eq(a->num, b->num, e->kind == FK_NUM ? tol : 0);
    case FK_STR:
        return str_eq(a->str, b->str);
    case FK_CI:
        return num_eq(a->lo, b->lo, tol) && num_eq(a->hi, b->hi, tol);
    case FK_STRS:
        if (a->n != b->n)
            return 0;
        for (size_t j = 0; j < a->n; j++)
            if (!str_eq(a->strs[j], b->strs[j]))
                return 0;
        return 1;
    case FK_ROWS:
        if (a->n != b->n)
            return 0;
        for (size_t j = 0; j < a->n; j++)
            if (!fig_row_equal(&a->rows[j], &b->rows[j], tol))
                return 0;
        return 1;
    case FK_RAW:
        return cJSON_Compare(a->raw, b->raw, 1);
    default:
        return 1;
    }
}

int fig_row_equal(const fig_row *a, const fig_row *b, double tol)
{
    if (a->scope != b->scope || a->nblocks != b->nblocks)
        return 0;
    for (int id = SCOPE_FIRST[a->scope]; id < SCOPE_FIRST[a->scope + 1]; id++)
        if (!val_eq(&FIGS[id], fig_row_val(a, (fig_id)id), fig_row_val(b, (fig_id)id), tol))
            return 0;
    for (size_t k = 0; k < a->nblocks; k++) {
        if (!str_eq(a->block_name[k], b->block_name[k]))
            return 0;
        for (int id = block_of(a->scope) + 1; id < FIG_COUNT && FIGS[id].parent == block_of(a->scope); id++)
            if (!val_eq(&FIGS[id], value(a, (fig_id)id, (int)k), value(b, (fig_id)id, (int)k), tol))
                return 0;
    }
    return 1;
}
