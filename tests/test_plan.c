/* test_plan.c -- plan's bisection against a brute-force sweep of the same
 * candidates, and the refusal of bad --slo expressions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"

static const char SCENARIO[] =
    "{ \"name\": \"plan-test\", \"seed\": 5, \"duration_s\": 0.6, \"warmup_s\": 0.05,\n"
    "  \"replications\": 2, \"hardware\": { \"gpu\": \"h100-sxm\" },\n"
    "  \"sharing\": { \"mode\": \"timeslice\", \"timeslice_ms\": 1, \"switch_cost_us\": 25 },\n"
    "  \"tenants\": [\n"
    "    { \"name\": \"web\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"exponential\", \"mean\": 0.2 } },\n"
    "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 300 } },\n"
    "    { \"name\": \"batch\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 10 } },\n"
    "      \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }\n";

#define VARY "sharing.timeslice_ms=0.5:12:0.5"
#define NCAND 24

static char dir[64], scen[128], out[1 << 15], err[1 << 12];

static cJSON *load_json(const char *sub, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s/%s", dir, sub, name);
    char *t = tu_read_file(p, NULL);
    cJSON *x = t ? cJSON_Parse(t) : NULL;
    free(t);
    return x;
}

static double metric(const cJSON *point, int tenant, const char *a, const char *b)
{
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(point, "tenants"), tenant);
    return cJSON_GetObjectItem(cJSON_GetObjectItem(t, a), b)->valuedouble;
}

static cJSON *brute_force(void)
{
    char o[128];
    snprintf(o, sizeof o, "%s/brute", dir);
    char *argv[] = { "slicesim", "sweep", scen, "--vary", VARY, "-o", o, "--jobs", "2", NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    return load_json("brute", "sweep.json");
}

static double plan_answer(const char *slo, const char *goal, int *nev)
{
    char o[128];
    snprintf(o, sizeof o, "%s/plan", dir);
    char *argv[] = { "slicesim", "plan", scen, "--slo", (char *)slo, "--vary", VARY, "-o", o,
                     "--goal", (char *)goal, NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    cJSON *p = load_json("plan", "plan.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    const cJSON *a = cJSON_GetObjectItem(p, "answer");
    double v = cJSON_IsObject(a) ? cJSON_GetObjectItem(a, "value")->valuedouble : NAN;
    *nev = cJSON_GetArraySize(cJSON_GetObjectItem(p, "evaluated"));
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(p, "consistent_with_monotone")));
    cJSON_Delete(p);
    return v;
}

static void longest_slice_meeting_p95_matches_a_brute_force_sweep(void)
{
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    tu_write_file(scen, SCENARIO);
    cJSON *sw = brute_force();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
    const cJSON *pts = cJSON_GetObjectItem(sw, "points");
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(pts), NCAND);
    /* the bound: halfway between the p95s at 5 ms and 5.5 ms */
    double p95[NCAND];
    for (int i = 0; i < NCAND; i++)
        p95[i] = metric(cJSON_GetArrayItem(pts, i), 0, "latency_ms", "p95");
    double bound = (p95[9] + p95[10]) / 2;
    CU_ASSERT_FATAL(p95[9] < p95[10]);
    int brute = -1, monotone = 1;
    for (int i = 0; i < NCAND; i++) {
        int ok = p95[i] <= bound;
        if (ok && brute != i - 1)
            monotone = 0;
        if (ok)
            brute = i;
    }
    CU_ASSERT_FATAL(monotone);                   /* the premise of bisection holds here */
    char slo[96];
    snprintf(slo, sizeof slo, "web.latency_ms.p95<=%.9g", bound);
    int nev;
    double v = plan_answer(slo, "max", &nev);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.5 * (brute + 1), 1e-12);
    CU_ASSERT_EQUAL(v, 5.0);
    CU_ASSERT(nev <= 6);                         /* ceil(log2(25)) runs, not 24 */
    cJSON_Delete(sw);
}

static void shortest_slice_meeting_a_throughput_floor_matches_brute_force(void)
{
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    tu_write_file(scen, SCENARIO);
    cJSON *sw = brute_force();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
    const cJSON *pts = cJSON_GetObjectItem(sw, "points");
    double th[NCAND];
    for (int i = 0; i < NCAND; i++)
        th[i] = metric(cJSON_GetArrayItem(pts, i), 1, "throughput", "value");
    double floor_ = (th[2] + th[3]) / 2;         /* batch loses throughput to switches */
    CU_ASSERT_FATAL(th[2] < th[3]);
    int brute = -1;
    for (int i = NCAND - 1; i >= 0 && th[i] >= floor_; i--)
        brute = i;
    char slo[96];
    snprintf(slo, sizeof slo, "batch.throughput>=%.9g", floor_);
    int nev;
    double v = plan_answer(slo, "min", &nev);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.5 * (brute + 1), 1e-12);
    /* an SLO nobody meets: no answer, still a successful run */
    v = plan_answer("web.latency_ms.p95<=0.001", "max", &nev);
    CU_ASSERT(isnan(v));
    cJSON_Delete(sw);
}

static void bad_slo_expressions_exit_2_with_a_message(void)
{
    static const char *const bad[] = {
        "web.latency_ms.p95", "nobody.latency_ms.p95<=5", "web.latency_ms.p42<=5",
        "web.latency_ms.p95<=fast", "web.ttft_ms.p95<=5", "web.latency_ms.p95<=",
    };
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    tu_write_file(scen, SCENARIO);
    char o[128];
    snprintf(o, sizeof o, "%s/bad", dir);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char *argv[] = { "slicesim", "plan", scen, "--slo", (char *)bad[k], "--vary", VARY, "-o", o, NULL };
        CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[k]));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "allowed"));
    }
    /* an unknown direction needs --goal */
    char *argv[] = { "slicesim", "plan", scen, "--slo", "web.latency_ms.p95<=5", "--vary",
                     "sharing.switch_cost_us=1,2", "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--goal"));
}

TU_SUITE_FN(plan)
{
    static const tu_test tests[] = {
        TU_TEST(longest_slice_meeting_p95_matches_a_brute_force_sweep),
        TU_TEST(shortest_slice_meeting_a_throughput_floor_matches_brute_force),
        TU_TEST(bad_slo_expressions_exit_2_with_a_message),
    };
    TU_SUITE("plan", tests);
}
