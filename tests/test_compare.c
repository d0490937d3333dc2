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
    return tu_read_json(p);
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
    /* the sharing modes' validated error side by side, in the table's order */
    const char *acc = strstr(out, "validated error of the model against published measurements");
    CU_ASSERT_PTR_NOT_NULL_FATAL(acc);
    const char *mig = strstr(acc, "\nmig "), *mps = strstr(acc, "\nmps "), *ts = strstr(acc, "\ntimeslice "),
               *vm = strstr(acc, "\nvirtualization ");
    CU_ASSERT(mig && mps && ts && vm && mig < mps && mps < ts && ts < vm);
    CU_ASSERT_PTR_NULL(strstr(acc, "\nllm "));                  /* synthetic tenants: no workload family */
    cJSON *doc = result();
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "setups")), 6);
    /* mig: batch on its own 3g.40gb instance, 60 of 132 SMs: 20 ms x 132/60 */
    ASSERT_REL(num(tenant(doc, 4, 1), "latency_ms", "p95"), 20.0 * 132 / 60, 1e-6);
    /* each setup's tenants carry the validated error of the setup's sharing
     * (a synthetic burst has none of its own): none, virtualization, ... */
    static const char *const FAMILIES[] = { "", "virtualization", "timeslice", "timeslice virtualization", "mig",
                                            "mps" };
    for (int k = 0; k < 6; k++) {
        char got[96] = "";
        const cJSON *v;
        cJSON_ArrayForEach(v, cJSON_GetObjectItem(tenant(doc, k, 0), "validation"))
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", got[0] ? " " : "",
                     cJSON_GetStringValue(cJSON_GetObjectItem(v, "family")));
        CU_ASSERT_STRING_EQUAL(got, FAMILIES[k]);
    }
    cJSON_Delete(doc);
}

/* An SLO on TTFT is judged on TTFT: compare shows that figure, its interval
 * and verdict per setup, and compare.json keeps TTFT and TPOT. */
static void slo_on_ttft_is_judged_on_ttft_and_stored_with_tpot(void)
{
    char o[128];
    tu_tmpdir(dir, sizeof dir);
    snprintf(o, sizeof o, "%s/cmp", dir);
    char *argv[] = { "slicesim", "compare", "scenarios/llm-h100-exclusive.json", "--modes", "bare_metal,passthrough",
                     "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    cJSON *doc = result();
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    for (int k = 0; k < 2; k++) {
        const cJSON *t = tenant(doc, k, 0), *slo = cJSON_GetObjectItem(t, "slo");
        CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(slo, "metric")->valuestring, "ttft_ms.p95");
        /* the judged figure is the TTFT p95, not the end-to-end latency's */
        double v = cJSON_GetObjectItem(slo, "value")->valuedouble;
        CU_ASSERT_DOUBLE_EQUAL(v, num(t, "ttft_ms", "p95"), 1e-9);
        CU_ASSERT(v < num(t, "latency_ms", "p95") / 10);
        CU_ASSERT(num(t, "tpot_ms", "p50") > 0);
        const cJSON *ci = cJSON_GetObjectItem(slo, "ci95");
        double hi = cJSON_GetArrayItem(ci, 1)->valuedouble;
        CU_ASSERT(hi < 500);      /* the whole interval within the bound: met */
        CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(slo, "verdict")->valuestring, "met");
        CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(t, "slo_met")));
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ttft_ms.p95 <= 500.0"));
    /* its p95 rests on fewer than 200 requests a replication: marked, explained */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "]*"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "*  from fewer than 10/(1-q) requests"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "slicesim: compare: warning (bare_metal, passthrough): tenant \"chat\""));
    cJSON_Delete(doc);
}

/* A bound inside a setup's interval: uncertain, not counted as meeting, and
 * the replications that would settle it are stated. */
static void a_bound_inside_the_interval_is_uncertain_and_not_met(void)
{
    write_scenario("", "5");
    CU_ASSERT_EQUAL_FATAL(compare("bare_metal"), 0);
    cJSON *doc = result();
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const cJSON *ci = cJSON_GetObjectItem(cJSON_GetObjectItem(tenant(doc, 0, 0), "slo"), "ci95");
    double lo = cJSON_GetArrayItem(ci, 0)->valuedouble, hi = cJSON_GetArrayItem(ci, 1)->valuedouble;
    cJSON_Delete(doc);
    CU_ASSERT_FATAL(lo < hi);
    char bound[32];
    snprintf(bound, sizeof bound, "%.6f", (lo + hi) / 2);
    write_scenario("", bound);
    CU_ASSERT_EQUAL_FATAL(compare("bare_metal"), 0);
    doc = result();
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const cJSON *slo = cJSON_GetObjectItem(tenant(doc, 0, 0), "slo");
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(slo, "verdict")->valuestring, "uncertain");
    CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItem(tenant(doc, 0, 0), "slo_met")));
    CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "setups"), 0),
                                                "meets_slos")));
    const cJSON *u = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "verdict"), "uncertain"), 0);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(u, "mode")->valuestring, "bare_metal");
    double n = cJSON_GetObjectItem(u, "replications_to_resolve")->valuedouble;
    CU_ASSERT(n > 2 && n < 100000);
    char want[96];
    snprintf(want, sizeof want, "uncertain: bare_metal (about %.0f replications would settle it)", n);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "meet every SLO: none of the setups"));
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
        TU_TEST(slo_on_ttft_is_judged_on_ttft_and_stored_with_tpot),
        TU_TEST(a_bound_inside_the_interval_is_uncertain_and_not_met),
        TU_TEST(setups_the_build_cannot_validate_exit_2),
    };
    TU_SUITE("compare", tests);
}
