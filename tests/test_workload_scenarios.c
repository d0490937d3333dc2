/* test_workload_scenarios.c -- the example scenarios of the workload kinds
 * run, produce the metrics their workloads promise, and are deterministic:
 * the same scenario and seed give byte-identical summary.json and
 * requests.csv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"
#include "tests/wl_helpers.h"

static int run_to(const char *scenario, const char *dir)
{
    char err[2048], out[8192];
    char *argv[] = { "slicesim", "run", (char *)scenario, "-o", (char *)dir, NULL };
    int rc = tu_cli(argv, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "\n    %s: %s", scenario, err);
    return rc;
}

static char *file_in(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return tu_read_file(path, NULL);
}

static void same_outputs_twice(const char *scenario)
{
    char a[256], b[256];
    tu_tmpdir(a, sizeof a);
    tu_tmpdir(b, sizeof b);
    CU_ASSERT_EQUAL_FATAL(run_to(scenario, a), 0);
    CU_ASSERT_EQUAL_FATAL(run_to(scenario, b), 0);
    const char *names[] = { "summary.json", "requests.csv" };
    for (int i = 0; i < 2; i++) {
        char *x = file_in(a, names[i]), *y = file_in(b, names[i]);
        CU_ASSERT_PTR_NOT_NULL(x);
        CU_ASSERT(x && y && strcmp(x, y) == 0);
        free(x);
        free(y);
    }
    wl_rmtree(a);
    wl_rmtree(b);
}

static void workload_examples_are_deterministic(void)
{
    same_outputs_twice("scenarios/llm-azure-conv-a100.json");
    same_outputs_twice("scenarios/llm-diffusion-timesliced.json");
    same_outputs_twice("scenarios/training-dp-8gpu.json");
}

/* Each example reports its workload's unit and metrics. */
static void workload_examples_report_their_metrics(void)
{
    static const struct { const char *file; int tenant; const char *unit, *metric; } cases[] = {
        { "scenarios/llm-h100-exclusive.json", 0, "tokens/s", "ttft_ms" },
        { "scenarios/llm-azure-conv-a100.json", 0, "tokens/s", "tpot_ms" },
        { "scenarios/llm-diffusion-timesliced.json", 1, "images/min", "latency_ms" },
        { "scenarios/training-dp-8gpu.json", 0, "samples/s", "step_ms" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dir[256];
        tu_tmpdir(dir, sizeof dir);
        CU_ASSERT_EQUAL_FATAL(run_to(cases[i].file, dir), 0);
        char *text = file_in(dir, "summary.json");
        cJSON *doc = text ? cJSON_Parse(text) : NULL;
        const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "tenants"), cases[i].tenant);
        const cJSON *th = cJSON_GetObjectItem(t, "throughput");
        CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(th, "unit")), cases[i].unit);
        CU_ASSERT(cJSON_GetNumberValue(cJSON_GetObjectItem(th, "value")) > 0);
        const cJSON *p95 = cJSON_GetObjectItem(cJSON_GetObjectItem(t, cases[i].metric), "p95");
        CU_ASSERT(cJSON_IsNumber(p95) && p95->valuedouble > 0);
        cJSON_Delete(doc);
        free(text);
        wl_rmtree(dir);
    }
}

TU_SUITE_FN(workload_scenarios)
{
    static const tu_test tests[] = {
        TU_TEST(workload_examples_are_deterministic),
        TU_TEST(workload_examples_report_their_metrics),
    };
    TU_SUITE("workload_scenarios", tests);
}
