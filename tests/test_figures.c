/* test_figures.c -- the table of figures: every entry in its place, every
 * path present in what sweep and compare write, and sweep.csv's cells the
 * figures read through the table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"
#include "plots/figures.h"

static const char SCENARIO[] =
    "{ \"name\": \"fig-test\", \"seed\": 5, \"duration_s\": 0.5, \"warmup_s\": 0.05,\n"
    "  \"replications\": 2, \"hardware\": { \"gpu\": \"h100-sxm\" },\n"
    "  \"sharing\": { \"mode\": \"timeslice\", \"timeslice_ms\": 1 },\n"
    "  \"tenants\": [\n"
    "    { \"name\": \"web\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"exponential\", \"mean\": 0.3 } },\n"
    "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 300 }, \"slo\": { \"latency_ms.p95\": 5 } },\n"
    "    { \"name\": \"batch\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 10 } },\n"
    "      \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 }, \"slo\": { \"latency_ms.p95\": 40 } } ] }\n";

static char out[1 << 16], err[1 << 14];

static cJSON *run(const char *cmd, const char *file, char *dir, size_t len)
{
    char scen[160], o[160], path[200];
    tu_tmpdir(dir, len);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    snprintf(o, sizeof o, "%s/out", dir);
    tu_write_file(scen, SCENARIO);
    char *sw[] = { "slicesim", "sweep", scen, "--vary", "sharing.timeslice_ms=0.5,2", "-o", o, NULL };
    char *cm[] = { "slicesim", "compare", scen, "--modes", "bare_metal,mps", "-o", o, NULL };
    int rc = tu_cli(strcmp(cmd, "sweep") == 0 ? sw : cm, out, sizeof out, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    snprintf(path, sizeof path, "%s/%s", o, file);
    char *text = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    return doc;
}

static void entries_are_in_id_order_with_labels(void)
{
    for (int k = 0; k < FIG_COUNT; k++) {
        CU_ASSERT_EQUAL((int)fig_get((fig_id)k)->id, k);
        CU_ASSERT(fig_get((fig_id)k)->label[0] != '\0');
    }
    char buf[64];
    CU_ASSERT_STRING_EQUAL(fig_axis(FIG_T_LAT_P95, buf, sizeof buf), "p95 latency (ms)");
    CU_ASSERT_STRING_EQUAL(fig_axis(FIG_G_UTILIZATION, buf, sizeof buf), "utilization");
}

static void csv_columns_are_the_sweep_columns_in_order(void)
{
    static const char *const tenant[] = { "completed", "throughput", "throughput_lo", "throughput_hi",
        "latency_mean_ms", "latency_p50_ms", "latency_p90_ms", "latency_p95_ms", "latency_p95_lo",
        "latency_p95_hi", "latency_p99_ms", "gpu_time_share", "slo_met" };
    static const char *const gpu[] = { "utilization", "context_switches", "switch_overhead_fraction" };
    const fig *c[FIG_COUNT];
    size_t n = fig_csv_cols(FIG_TENANT, c);
    CU_ASSERT_EQUAL_FATAL(n, sizeof tenant / sizeof tenant[0]);
    for (size_t k = 0; k < n; k++)
        CU_ASSERT_STRING_EQUAL(c[k]->col, tenant[k]);
    n = fig_csv_cols(FIG_GPU, c);
    CU_ASSERT_EQUAL_FATAL(n, sizeof gpu / sizeof gpu[0]);
    for (size_t k = 0; k < n; k++)
        CU_ASSERT_STRING_EQUAL(c[k]->col, gpu[k]);
    CU_ASSERT_EQUAL(fig_csv_cols(FIG_COMPARE_TENANT, c), 0);
}

static void every_path_is_in_what_sweep_and_compare_write(void)
{
    char dir[64];
    cJSON *sw = run("sweep", "sweep.json", dir, sizeof dir);
    const cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sw, "points"), 0);
    const cJSON *t0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p0, "tenants"), 0);
    const cJSON *g0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p0, "gpus"), 0);
    cJSON *cm = run("compare", "compare.json", dir, sizeof dir);
    const cJSON *s0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cm, "setups"), 0);
    const cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s0, "tenants"), 0);
    for (int k = 0; k < FIG_COUNT; k++) {
        const fig *f = fig_get((fig_id)k);
        const cJSON *obj = f->scope == FIG_TENANT ? t0 : f->scope == FIG_GPU ? g0 : c0;
        if (k == FIG_T_PREFIX_HIT)      /* LLM engines with a prefix cache only (test_llm.c) */
            continue;
        if (!fig_item(obj, (fig_id)k))
            fprintf(stderr, "figure %s not found\n", f->path);
        CU_ASSERT_PTR_NOT_NULL(fig_item(obj, (fig_id)k));
    }
    CU_ASSERT_STRING_EQUAL(fig_str(t0, FIG_T_NAME), "web");
    CU_ASSERT_STRING_EQUAL(fig_str(t0, FIG_T_SLO_METRIC), fig_get(FIG_T_LAT_P95)->path);
    CU_ASSERT_DOUBLE_EQUAL(fig_num(t0, FIG_T_SLO_BOUND), 5, 0);
    CU_ASSERT_DOUBLE_EQUAL(fig_num(c0, FIG_C_SLO_BOUND), 5, 0);
    CU_ASSERT(fig_num(t0, FIG_T_LAT_P95_LO) <= fig_num(t0, FIG_T_LAT_P95));
    CU_ASSERT(fig_num(t0, FIG_T_LAT_P95) <= fig_num(t0, FIG_T_LAT_P95_HI));
    CU_ASSERT(fig_num(t0, FIG_T_LAT_P50) < fig_num(t0, FIG_T_LAT_P99));
    CU_ASSERT(fig_num(g0, FIG_G_UTILIZATION) > 0.5 && fig_num(g0, FIG_G_UTILIZATION) <= 1);
    CU_ASSERT(isnan(fig_num(t0, FIG_T_NAME)));          /* a string is not a number */
    CU_ASSERT_PTR_NULL(fig_str(t0, FIG_T_LAT_P95));
    cJSON_Delete(sw);
    cJSON_Delete(cm);
}

/* The cell of column col ("web.latency_p95_ms") in sweep.csv's row 1. */
static double csv_cell(const char *csv, const char *col)
{
    const char *nl = strchr(csv, '\n');
    int idx = -1, k = 0;
    for (const char *s = csv; s < nl; k++) {
        const char *e = strpbrk(s, ",\n");
        if ((size_t)(e - s) == strlen(col) && strncmp(s, col, strlen(col)) == 0)
            idx = k;
        s = e + 1;
    }
    if (idx < 0)
        return NAN;
    const char *s = nl + 1;
    for (k = 0; k < idx; k++)
        s = strchr(s, ',') + 1;
    return strtod(s, NULL);
}

static void sweep_csv_cells_are_the_figures_of_sweep_json(void)
{
    char dir[64], path[200];
    cJSON *sw = run("sweep", "sweep.json", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out/sweep.csv", dir);
    char *csv = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    const cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sw, "points"), 0);
    const cJSON *t1 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p0, "tenants"), 1);
    const cJSON *g0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p0, "gpus"), 0);
    ASSERT_REL(csv_cell(csv, "batch.latency_p95_ms"), fig_num(t1, FIG_T_LAT_P95), 1e-9);
    ASSERT_REL(csv_cell(csv, "batch.throughput_hi"), fig_num(t1, FIG_T_THROUGHPUT_HI), 1e-9);
    ASSERT_REL(csv_cell(csv, "gpu0.utilization"), fig_num(g0, FIG_G_UTILIZATION), 1e-9);
    CU_ASSERT(fig_num(t1, FIG_T_LAT_P95) > 10);        /* a 10 ms job cannot finish faster */
    free(csv);
    cJSON_Delete(sw);
}

TU_SUITE_FN(figures)
{
    static const tu_test tests[] = {
        TU_TEST(entries_are_in_id_order_with_labels),
        TU_TEST(csv_columns_are_the_sweep_columns_in_order),
        TU_TEST(every_path_is_in_what_sweep_and_compare_write),
        TU_TEST(sweep_csv_cells_are_the_figures_of_sweep_json),
    };
    TU_SUITE("figures", tests);
}
