/* test_compare.c -- compare: setups as scenario patches, the numbers of a
 * dedicated GPU against closed forms, the SLO/cost verdict, and refusal of
 * setups the build cannot validate. */
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"

/* batch: one closed-loop user, 20 ms deterministic bursts, no think time:
 * alone on a GPU it completes exactly 1/20 ms = 50 requests per second. */
static const char SCENARIO[] =
    "{ \"name\": \"compare-test\", \"seed\": 2, \"duration_s\": 1, \"warmup_s\": 0.1,\n"
    "  \"replications\": 2, \"hardware\": { \"gpu\": \"h100-sxm\" },\n"
    "  \"sharing\": { \"mode\": \"timeslice\", \"timeslice_ms\": 2, \"switch_cost_us\": 25 },\n"
    "  %s\n"
    "  \"tenants\": [\n"
    "    { \"name\": \"web\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"exponential\", \"mean\": 0.3 } },\n"
    "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 400 }, \"slo\": { \"latency_ms.p95\": %s } },\n"
    "    { \"name\": \"batch\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 20 } },\n"
    "      \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }\n";

static char dir[64], scen[128], out[1 << 15], err[1 << 12];

static void write_scenario(const char *cost, const char *slo_ms)
{
    char text[4096];
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    snprintf(text, sizeof text, SCENARIO, cost, slo_ms);
    tu_write_file(scen, text);
}

static int compare(const char *modes)
{
    char o[128];
    snprintf(o, sizeof o, "%s/cmp", dir);
    char *argv[] = { "slicesim", "compare", scen, "--modes", (char *)modes, "-o", o, NULL };
    return tu_cli(argv, out, sizeof out, err, sizeof err);
}

static cJSON *result(void)
{
    char p[256];
    snprintf(p, sizeof p, "%s/cmp/compare.json", dir);
    char *t = tu_read_file(p, NULL);
    cJSON *x = t ? cJSON_Parse(t) : NULL;
    free(t);
    return x;
}

static const cJSON *tenant(const cJSON *doc, int setup, int t)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "setups"), setup),
                                                  "tenants"), t);
}

static double num(const cJSON *o, const char *a, const char *b)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(o, a), b)->valuedouble;
}

static void dedicated_gpu_gives_the_closed_loop_rate_and_sharing_costs_it(void)
{
    write_scenario("", "5");
    CU_ASSERT_EQUAL_FATAL(compare("bare_metal,timeslice"), 0);
    cJSON *doc = result();
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const cJSON *s0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "setups"), 0);
    const cJSON *s1 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "setups"), 1);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(s0, "gpus")->valueint, 2);     /* one GPU per tenant */
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(s1, "gpus")->valueint, 1);     /* both on one GPU */
    ASSERT_REL(num(tenant(doc, 0, 1), "throughput", "value"), 50.0, 1e-9);
    ASSERT_REL(num(tenant(doc, 0, 1), "latency_ms", "p95"), 20.0, 1e-9);
    /* sharing the GPU with the web tenant costs batch throughput and
     * lengthens web's p95; the differences are against bare metal */
    CU_ASSERT(num(tenant(doc, 1, 1), "throughput", "value") < 50.0 * 0.95);
    CU_ASSERT(num(tenant(doc, 1, 0), "latency_ms", "p95") > num(tenant(doc, 0, 0), "latency_ms", "p95"));
    double d = num(tenant(doc, 1, 1), "vs_baseline_pct", "throughput");
    ASSERT_REL(d, 100 * (num(tenant(doc, 1, 1), "throughput", "value") / 50.0 - 1), 1e-9);
    /* both meet a 5 ms p95: the one holding fewer GPUs is the cheapest */
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "verdict"), "cheapest")->valuestring,
                           "timeslice");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "meet every SLO: bare_metal, timeslice; cheapest: timeslice"));
    cJSON_Delete(doc);
}

static void verdict_weighs_slos_first_then_price(void)
{
    /* web alone is M/M/1 at rho = 0.12: p95 = 0.3 ms / 0.88 ln 20 = 1.02 ms,
     * within a 1.8 ms SLO; time-sliced behind 20 ms bursts its p95 is above
     * 2 ms */
    write_scenario("", "1.8");
    CU_ASSERT_EQUAL_FATAL(compare("bare_metal,timeslice"), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "meet every SLO: bare_metal; cheapest: bare_metal"));
    /* prices per setup: 2 GPUs x 2 USD beat 1 GPU x 5 USD */
    write_scenario("\"cost\": { \"usd_per_gpu_hour\": 2, \"usd_per_gpu_hour_by_setup\": { \"timeslice\": 5 } },", "5");
    CU_ASSERT_EQUAL_FATAL(compare("timeslice,bare_metal"), 0);
    cJSON *doc = result();
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "verdict"), "cheapest")->valuestring,
                           "bare_metal");
    ASSERT_REL(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "setups"), 0), "cost")->valuedouble,
               5.0, 1e-12);
    ASSERT_REL(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "setups"), 1), "cost")->valuedouble,
               4.0, 1e-12);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(doc, "baseline")->valuestring, "bare_metal");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "cheapest: bare_metal at 4 USD/h"));
    cJSON_Delete(doc);
}

static void every_sharing_setup_runs(void)
{
    write_scenario("", "5");
    CU_ASSERT_EQUAL_FATAL(compare("bare_metal,passthrough,timeslice,vgpu,mig,mps"), 0);
    cJSON *doc = result();
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "setups")), 6);
    /* mig: batch on its own 3g.40gb instance, 60 of 132 SMs: 20 ms x 132/60 */
    ASSERT_REL(num(tenant(doc, 4, 1), "latency_ms", "p95"), 20.0 * 132 / 60, 1e-6);
    cJSON_Delete(doc);
}

static void setups_the_build_cannot_validate_exit_2(void)
{
    write_scenario("", "5");
    CU_ASSERT_EQUAL(compare("bare_metal,warp"), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "allowed: bare_metal, passthrough"));
    CU_ASSERT_EQUAL(compare("bare_metal,bare_metal"), 2);
    write_scenario("\"cost\": { \"usd_per_gpu_hour_by_setup\": { \"vgpus\": 3 } },", "5");
    CU_ASSERT_EQUAL(compare("bare_metal"), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cost.usd_per_gpu_hour_by_setup.vgpus"));
    write_scenario("\"cost\": { \"usd_per_gpu_hour\": -1 },", "5");
    CU_ASSERT_EQUAL(compare("bare_metal"), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cost.usd_per_gpu_hour"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "-1"));
}

TU_SUITE_FN(compare)
{
    static const tu_test tests[] = {
        TU_TEST(dedicated_gpu_gives_the_closed_loop_rate_and_sharing_costs_it),
        TU_TEST(verdict_weighs_slos_first_then_price),
        TU_TEST(every_sharing_setup_runs),
        TU_TEST(setups_the_build_cannot_validate_exit_2),
    };
    TU_SUITE("compare", tests);
}
