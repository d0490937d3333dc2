/* test_figures.c -- the schema table and its rows: every entry in its
 * place, every path present in what sweep and compare write, sweep.csv's
 * cells the figures read through the table, and the writer and the one
 * parser agreeing (typed summary -> summary.json -> parsed back -> equal;
 * every golden summary read back and written again byte for byte). */
#include <float.h>
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"
#include "cli/report.h"
#include "models/model.h"
#include "plots/figures.h"
#include "scenarios/scenario.h"

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
    cJSON *doc = tu_read_json(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    return doc;
}

static void entries_are_in_id_order_with_labels(void)
{
    for (int k = 0; k < FIG_COUNT; k++) {
        const fig *e = fig_get((fig_id)k);
        CU_ASSERT_EQUAL((int)e->id, k);
        CU_ASSERT(e->label[0] != '\0');
    }
    char buf[64];
    CU_ASSERT_STRING_EQUAL(fig_axis(FIG_T_LAT_P95, buf, sizeof buf), "p95 latency (ms)");
    CU_ASSERT_STRING_EQUAL(fig_axis(FIG_G_UTILIZATION, buf, sizeof buf), "utilization");
    CU_ASSERT_STRING_EQUAL(fig_path(FIG_T_LAT_P95_HI, buf, sizeof buf), "latency_ms.ci95_p95[1]");
    CU_ASSERT_STRING_EQUAL(fig_path(FIG_T_SLO_MET, buf, sizeof buf), "slo.met");
    CU_ASSERT_STRING_EQUAL(fig_path(FIG_W_SHARD_COUNT, buf, sizeof buf), "shard.count");
}

/* Each member sits in an object (or, for an end of an interval, an
 * interval) of its own scope that comes before it, and no two members of one
 * object share a name: so the writer and the parser, which walk the table
 * in order, meet every member once. */
static void every_member_sits_in_an_earlier_object_of_its_scope_once(void)
{
    for (int k = 0; k < FIG_COUNT; k++) {
        const fig *e = fig_get((fig_id)k);
        if (e->parent != FIG_NONE) {
            const fig *p = fig_get(e->parent);
            CU_ASSERT(e->parent < e->id);
            CU_ASSERT_EQUAL(p->scope, e->scope);
            CU_ASSERT(e->kind == FK_LO || e->kind == FK_HI ? p->kind == FK_CI : p->kind == FK_OBJ);
        }
        CU_ASSERT_EQUAL(e->key == NULL, e->kind == FK_LO || e->kind == FK_HI || e->kind == FK_BLOCKS);
        for (int j = 0; j < k; j++) {
            const fig *o = fig_get((fig_id)j);
            if (e->key && o->key && o->scope == e->scope && o->parent == e->parent && strcmp(o->key, e->key) == 0) {
                fprintf(stderr, "\n    %s twice\n", e->key);
                CU_FAIL("a member named twice in one object");
            }
        }
    }
}

static void csv_columns_are_the_sweep_columns_in_order(void)
{
    static const char *const tcols[] = { "completed", "throughput", "throughput_lo", "throughput_hi",
        "latency_mean_ms", "latency_p50_ms", "latency_p90_ms", "latency_p95_ms", "latency_p95_lo",
        "latency_p95_hi", "latency_p99_ms", "gpu_time_share", "slo_met" };
    static const char *const gpu[] = { "utilization", "context_switches", "switch_overhead_fraction" };
    const fig *c[FIG_COUNT];
    size_t n = fig_csv_cols(FIG_TENANT, c);
    CU_ASSERT_EQUAL_FATAL(n, sizeof tcols / sizeof tcols[0]);
    for (size_t k = 0; k < n; k++)
        CU_ASSERT_STRING_EQUAL(c[k]->col, tcols[k]);
    n = fig_csv_cols(FIG_GPU, c);
    CU_ASSERT_EQUAL_FATAL(n, sizeof gpu / sizeof gpu[0]);
    for (size_t k = 0; k < n; k++)
        CU_ASSERT_STRING_EQUAL(c[k]->col, gpu[k]);
    CU_ASSERT_EQUAL(fig_csv_cols(FIG_COMPARE_TENANT, c), 0);
}

/* Members only some tenants or GPUs have: a fleet's router and replicas, a
 * disaggregated fleet's pools, a replica's fleet, a prefix cache's hit
 * rate, an uncertain verdict's reason, MIG's instances. */
static int sometimes(fig_id id)
{
    static const fig_id SOME[] = { FIG_T_ROUTER, FIG_T_REPLICAS, FIG_T_FLEET, FIG_T_METRICS, FIG_T_SLO_REASON,
                                   FIG_T_SLO_REPS, FIG_G_THROTTLED, FIG_G_INSTANCES, FIG_T_DISAGG, FIG_T_DG_PREFILL,
                                   FIG_T_DG_DECODE, FIG_T_DG_LINK, FIG_T_DG_ROUTER, FIG_T_DG_KV_BYTES, FIG_T_PREFIX,
                                   FIG_T_PREFIX_HIT, FIG_T_PREFIX_CI, FIG_C_METRICS, FIG_C_SLO_REASON,
                                   FIG_C_SLO_REPS };
    for (size_t k = 0; k < sizeof SOME / sizeof SOME[0]; k++)
        if (SOME[k] == id)
            return 1;
    return 0;
}

static void every_path_is_in_what_sweep_and_compare_write(void)
{
    char dir[64];
    cJSON *sw = run("sweep", "sweep.json", dir, sizeof dir);
    const cJSON *p0 = cJSON_GetArrayItem(fig_item(sw, FIG_W_POINTS), 0);
    const cJSON *t0 = cJSON_GetArrayItem(fig_item(p0, FIG_P_TENANTS), 0);
    const cJSON *g0 = cJSON_GetArrayItem(fig_item(p0, FIG_P_GPUS), 0);
    cJSON *cm = run("compare", "compare.json", dir, sizeof dir);
    const cJSON *s0 = cJSON_GetArrayItem(fig_item(cm, FIG_K_SETUPS), 0);
    const cJSON *c0 = cJSON_GetArrayItem(fig_item(s0, FIG_U_TENANTS), 0);
    for (int k = 0; k < FIG_COUNT; k++) {
        const fig *f = fig_get((fig_id)k);
        const cJSON *obj = f->scope == FIG_TENANT ? t0 : f->scope == FIG_GPU ? g0 : f->scope == FIG_POINT ? p0
                         : f->scope == FIG_COMPARE_TENANT ? c0 : f->scope == FIG_SETUP ? s0
                         : f->scope == FIG_COMPARE ? cm : NULL;
        if (!obj || sometimes((fig_id)k))
            continue;
        char p[128];
        if (!fig_item(obj, (fig_id)k))
            fprintf(stderr, "figure %s not found\n", fig_path((fig_id)k, p, sizeof p));
        CU_ASSERT_PTR_NOT_NULL(fig_item(obj, (fig_id)k));
    }
    CU_ASSERT_STRING_EQUAL(fig_str(t0, FIG_T_NAME), "web");
    char p95[64];
    CU_ASSERT_STRING_EQUAL(fig_str(t0, FIG_T_SLO_METRIC), fig_path(FIG_T_LAT_P95, p95, sizeof p95));
    CU_ASSERT_DOUBLE_EQUAL(fig_num(t0, FIG_T_SLO_BOUND), 5, 0);
    CU_ASSERT_DOUBLE_EQUAL(fig_num(c0, FIG_C_SLO_BOUND), 5, 0);
    CU_ASSERT(fig_num(t0, FIG_T_LAT_P95_LO) <= fig_num(t0, FIG_T_LAT_P95));
    CU_ASSERT(fig_num(t0, FIG_T_LAT_P95) <= fig_num(t0, FIG_T_LAT_P95_HI));
    CU_ASSERT(fig_num(t0, FIG_T_LAT_P50) < fig_num(t0, FIG_T_LAT_P99));
    CU_ASSERT(fig_num(g0, FIG_G_UTILIZATION) > 0.5 && fig_num(g0, FIG_G_UTILIZATION) <= 1);
    CU_ASSERT(isnan(fig_num(t0, FIG_T_NAME)));          /* a string is not a number */
    CU_ASSERT_PTR_NULL(fig_str(t0, FIG_T_LAT_P95));
    CU_ASSERT_PTR_NULL(fig_item(t0, FIG_T_METRICS));    /* the blocks have no path of their own */
    cJSON_Delete(sw);
    cJSON_Delete(cm);
}

/* A document's text -> the one parser -> the writer gives the same text. */
static int reread_is_identity(const char *text, fig_scope scope, const char *what)
{
    char msg[256];
    fig_row r;
    cJSON *doc = cJSON_Parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    int rc = fig_row_read(&r, scope, doc, msg, sizeof msg);
    if (rc < 0)
        fprintf(stderr, "\n    %s: %s\n", what, msg);
    CU_ASSERT_EQUAL(rc, 0);
    cJSON *back = fig_row_json(&r);
    char *again = back ? cJSON_Print(back) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(again);
    size_t n = strlen(again);
    int same = strncmp(again, text, n) == 0 && strcmp(text + n, "\n") == 0;
    if (!same)
        fprintf(stderr, "\n    %s: written again, it differs\n", what);
    free(again);
    cJSON_Delete(back);
    fig_row_free(&r);
    cJSON_Delete(doc);
    return same;
}

/* Every golden summary (every example and teaching scenario: fleets, MIG
 * instances, workload metric blocks, profiles, histograms) parsed and
 * written again is byte for byte the file: the parser reads every member
 * the writer writes, with its type, in its place. */
static void every_golden_summary_reads_back_and_writes_the_same_bytes(void)
{
    glob_t g;
    CU_ASSERT_EQUAL_FATAL(glob("tests/golden/*.summary.json", 0, NULL, &g), 0);
    glob("tests/golden/teach/*.summary.json", GLOB_APPEND, NULL, &g);
    CU_ASSERT(g.gl_pathc >= 30);
    size_t same = 0;
    for (size_t k = 0; k < g.gl_pathc; k++) {
        char *text = tu_read_file(g.gl_pathv[k], NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        same += (size_t)reread_is_identity(text, FIG_SUMMARY, g.gl_pathv[k]);
        free(text);
    }
    CU_ASSERT_EQUAL(same, g.gl_pathc);
    globfree(&g);
}

/* x read back from text is y (cJSON's 15 digits), or both are NaN. */
static int near(double x, double y)
{
    return (isnan(x) && isnan(y)) || fabs(x - y) <= 2 * DBL_EPSILON * fabs(y);
}

/* sweep.json (a shard's, with its range) and compare.json read back and
 * written again are the same bytes. */
static void sweep_and_compare_files_read_back_and_write_the_same_bytes(void)
{
    static const char SC[] = "{ \"name\": \"rt\", \"seed\": 2, \"duration_s\": 1, \"warmup_s\": 0.1,\n"
        "  \"replications\": 2, \"hardware\": { \"gpu\": \"h100-sxm\" },\n"
        "  \"sharing\": { \"mode\": \"timeslice\", \"timeslice_ms\": 1 },\n"
        "  \"tenants\": [ { \"name\": \"llm\", \"workload\": { \"type\": \"llm\", \"model\": \"llama-3-8b\" },\n"
        "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 2 }, \"slo\": { \"ttft_ms.p95\": 0.001 } } ] }\n";
    char dir[64], scen[128], o1[128], o2[128], path[200];
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    snprintf(o1, sizeof o1, "%s/sw", dir);
    snprintf(o2, sizeof o2, "%s/cm", dir);
    tu_write_file(scen, SC);
    char *sw[] = { "slicesim", "sweep", scen, "--vary", "tenants.0.arrivals.rate_per_s=1,2,3", "--shard", "2/2",
                   "-o", o1, NULL };
    char *cm[] = { "slicesim", "compare", scen, "--modes", "bare_metal,mps", "-o", o2, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(sw, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(tu_cli(cm, out, sizeof out, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/sweep.json", o1);
    char *text = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"shard\""));
    CU_ASSERT(reread_is_identity(text, FIG_SWEEP, path));
    free(text);
    snprintf(path, sizeof path, "%s/compare.json", o2);
    text = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"ttft_ms\""));           /* a compare tenant's metric block */
    CU_ASSERT(reread_is_identity(text, FIG_COMPARE, path));
    free(text);
}

/* The typed summary a run makes (report_summary_row), written as
 * summary.json and parsed back, is the same row, member for member: what
 * the writer means and what a reader gets do not drift apart. */
static void the_typed_summary_survives_json_and_back(void)
{
    static const char *const FILES[] = { "scenarios/llm-h100-exclusive.json", "scenarios/mig-a100-mixed.json",
                                         "scenarios/fleet-llama3-sdxl-h100.json", "scenarios/default.json" };
    char *one[] = { "replications=1", "duration_s=6", "warmup_s=1" };   /* an uncertain verdict, with its reason */
    for (size_t f = 0; f < sizeof FILES / sizeof FILES[0]; f++) {
        scn *sc;
        model_result res;
        char msg[512];
        int last = f + 1 == sizeof FILES / sizeof FILES[0];
        CU_ASSERT_EQUAL_FATAL(scn_load(FILES[f], last ? one : NULL, last ? 3 : 0, &sc, msg, sizeof msg), SCN_OK);
        CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &res, msg, sizeof msg), 0);
        fig_row a, b;
        CU_ASSERT_EQUAL_FATAL(report_summary_row(&a, sc, &res), 0);
        cJSON *doc = fig_row_json(&a);
        char *text = cJSON_Print(doc);
        cJSON *back = cJSON_Parse(text);
        CU_ASSERT_EQUAL_FATAL(fig_row_read(&b, FIG_SUMMARY, back, msg, sizeof msg), 0);
        CU_ASSERT(fig_row_equal(&a, &b, 2 * DBL_EPSILON));
        size_t nt;
        const fig_val *t = fig_row_val(&b, FIG_S_TENANTS);
        nt = t->n;
        CU_ASSERT_EQUAL(nt, (size_t)res.ntenants);
        for (size_t i = 0; i < nt; i++) {
            CU_ASSERT(near(fig_row_num(&t->rows[i], FIG_T_LAT_P95), model_tenant_stat(&res, (int)i, MT_P95)->mean));
            CU_ASSERT(near(fig_row_num(&t->rows[i], FIG_T_THROUGHPUT_HI),
                           model_tenant_stat(&res, (int)i, MT_THROUGHPUT)->hi));
        }
        if (f == 0) {                   /* the LLM's own metrics, named by the workload */
            CU_ASSERT_EQUAL(t->rows[0].nblocks, 5);
            CU_ASSERT_STRING_EQUAL(t->rows[0].block_name[0], "ttft_ms");
        }
        if (f == 1)
            CU_ASSERT_EQUAL(fig_row_val(&fig_row_val(&b, FIG_S_GPUS)->rows[0], FIG_G_INSTANCES)->n, 3);
        if (f == 2)
            CU_ASSERT(fig_row_has(&t->rows[nt - 1], FIG_T_REPLICAS));
        if (last)
            CU_ASSERT_PTR_NOT_NULL(fig_row_str(&t->rows[0], FIG_T_SLO_REASON));
        /* and a change the parser sees is a difference */
        fig_set_num(&b, FIG_S_EVENTS, fig_row_num(&b, FIG_S_EVENTS) + 1);
        CU_ASSERT_FALSE(fig_row_equal(&a, &b, 2 * DBL_EPSILON));
        fig_row_free(&a);
        fig_row_free(&b);
        cJSON_Delete(back);
        free(text);
        cJSON_Delete(doc);
        model_result_free(&res);
        scn_free(sc);
    }
}

/* A member of the wrong type is refused, named by its path. */
static void the_parser_names_a_malformed_member(void)
{
    char msg[256];
    fig_row r;
    cJSON *doc = cJSON_Parse("{ \"tenants\": [ { \"name\": \"a\" }, { \"name\": \"b\", "
                             "\"latency_ms\": { \"p95\": \"fast\" } } ] }");
    CU_ASSERT_EQUAL(fig_row_read(&r, FIG_SUMMARY, doc, msg, sizeof msg), -1);
    CU_ASSERT_STRING_EQUAL(msg, "tenants[1].latency_ms.p95: not a number or null");
    fig_row_free(&r);
    cJSON_Delete(doc);
    doc = cJSON_Parse("{ \"name\": \"a\", \"ttft_ms\": { \"ci95_p50\": [1] } }");
    CU_ASSERT_EQUAL(fig_row_read(&r, FIG_TENANT, doc, msg, sizeof msg), -1);
    CU_ASSERT_STRING_EQUAL(msg, "ttft_ms.ci95_p50: not an interval [low, high] or null");
    fig_row_free(&r);
    cJSON_Delete(doc);
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
        TU_TEST(every_member_sits_in_an_earlier_object_of_its_scope_once),
        TU_TEST(csv_columns_are_the_sweep_columns_in_order),
        TU_TEST(every_path_is_in_what_sweep_and_compare_write),
        TU_TEST(sweep_csv_cells_are_the_figures_of_sweep_json),
        TU_TEST(every_golden_summary_reads_back_and_writes_the_same_bytes),
        TU_TEST(the_typed_summary_survives_json_and_back),
        TU_TEST(sweep_and_compare_files_read_back_and_write_the_same_bytes),
        TU_TEST(the_parser_names_a_malformed_member),
    };
    TU_SUITE("figures", tests);
}
