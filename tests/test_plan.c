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

static double ci_end(const cJSON *point, int tenant, const char *a, const char *key, int end)
{
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(point, "tenants"), tenant);
    return cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(t, a), key), end)->valuedouble;
}

/* A split of x[0..n) nearest the middle where every value left of j lies
 * below every value from j on: j, with *lo and *hi the gap; -1 if none. */
static int clean_split(const double *x, int n, double *lo, double *hi)
{
    for (int d = 0; d < n; d++)
        for (int s = -1; s <= 1; s += 2) {
            int j = n / 2 + s * d;
            if (j < 1 || j >= n)
                continue;
            double l = -INFINITY, h = INFINITY;
            for (int i = 0; i < j; i++)
                l = fmax(l, x[i]);
            for (int i = j; i < n; i++)
                h = fmin(h, x[i]);
            if (l < h) {
                *lo = l;
                *hi = h;
                return j;
            }
        }
    return -1;
}

/* plan accepts a slice only when the whole 95% interval of web's p95 is
 * within the bound; the brute-force sweep's intervals give the same
 * answer, which is shorter than judging by the mean alone would give. */
static void longest_slice_meeting_p95_matches_a_brute_force_sweep(void)
{
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    tu_write_file(scen, SCENARIO);
    cJSON *sw = brute_force();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
    const cJSON *pts = cJSON_GetObjectItem(sw, "points");
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(pts), NCAND);
    double hi[NCAND], p95[NCAND], l, h;
    for (int i = 0; i < NCAND; i++) {
        hi[i] = ci_end(cJSON_GetArrayItem(pts, i), 0, "latency_ms", "ci95_p95", 1);
        p95[i] = metric(cJSON_GetArrayItem(pts, i), 0, "latency_ms", "p95");
    }
    /* a bound between the upper ends: met exactly for candidates 0..j-1 */
    int j = clean_split(hi, NCAND, &l, &h);
    CU_ASSERT_FATAL(j > 0);
    double bound = (l + h) / 2;
    int by_mean = -1;
    for (int i = 0; i < NCAND; i++)
        if (p95[i] <= bound)
            by_mean = i;
    char slo[96];
    snprintf(slo, sizeof slo, "web.latency_ms.p95<=%.9g", bound);
    int nev;
    double v = plan_answer(slo, "max", &nev);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.5 * j, 1e-12);
    CU_ASSERT(v < 0.5 * (by_mean + 1));          /* the mean alone would accept more */
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
    double lo[NCAND], l, h;
    for (int i = 0; i < NCAND; i++)
        lo[i] = ci_end(cJSON_GetArrayItem(pts, i), 1, "throughput", "ci95", 0);
    /* a floor between the lower ends: met exactly from candidate j on
     * (batch loses throughput to the switches of short slices) */
    int j = clean_split(lo, NCAND, &l, &h);
    CU_ASSERT_FATAL(j > 0);
    char slo[96];
    snprintf(slo, sizeof slo, "batch.throughput>=%.9g", (l + h) / 2);
    int nev;
    double v = plan_answer(slo, "min", &nev);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.5 * (j + 1), 1e-12);
    /* an SLO nobody meets: no answer, still a successful run */
    v = plan_answer("web.latency_ms.p95<=0.001", "max", &nev);
    CU_ASSERT(isnan(v));
    cJSON_Delete(sw);
}

/* A bound inside a candidate's interval: plan does not accept it, calls it
 * uncertain in plan.json and on stdout, and says how many replications
 * would decide it. */
static void a_straddled_bound_is_uncertain_with_the_replications_to_decide_it(void)
{
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    tu_write_file(scen, SCENARIO);
    cJSON *sw = brute_force();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
    const cJSON *pt = cJSON_GetArrayItem(cJSON_GetObjectItem(sw, "points"), 0);
    double lo = ci_end(pt, 0, "latency_ms", "ci95_p95", 0), hi = ci_end(pt, 0, "latency_ms", "ci95_p95", 1);
    cJSON_Delete(sw);
    char slo[96], o[128];
    snprintf(slo, sizeof slo, "web.latency_ms.p95<=%.9g", (lo + hi) / 2);
    snprintf(o, sizeof o, "%s/plan", dir);
    char *argv[] = { "slicesim", "plan", scen, "--slo", slo, "--vary", "sharing.timeslice_ms=0.5", "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    cJSON *p = load_json("plan", "plan.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(p, "answer")));
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(p, "evaluated"), 0);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(e, "verdict")->valuestring, "uncertain");
    CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItem(e, "meets_slos")));
    double n = cJSON_GetObjectItem(e, "replications_to_resolve")->valuedouble;
    CU_ASSERT(n > 2 && n < 100000);
    char want[64];
    snprintf(want, sizeof want, "about %.0f replications (--reps %.0f) would decide it", n, n);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "uncertain: sharing.timeslice_ms=0.5"));
    cJSON_Delete(p);
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

/* A fleet whose replica count varies: the tenants' indices shift from
 * point to point (replicas are tenants of their own, the fleet's row comes
 * after them), so each point judges the SLO on the fleet named in the
 * expression. Every evaluated figure equals that fleet's p95 in a sweep of
 * the same points. */
static const char FLEET[] =
    "{ \"name\": \"plan-fleet\", \"seed\": 3, \"duration_s\": 0.6, \"warmup_s\": 0.05,\n"
    "  \"replications\": 2, \"hardware\": { \"gpu\": \"h100-sxm\", \"gpus\": 4 },\n"
    "  \"sharing\": { \"mode\": \"timeslice\", \"timeslice_ms\": 1, \"switch_cost_us\": 25 },\n"
    "  \"tenants\": [\n"
    "    { \"name\": \"web\", \"replicas\": 3, \"router\": \"random\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"exponential\", \"mean\": 1 } },\n"
    "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1500 } },\n"
    "    { \"name\": \"batch\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 10 } },\n"
    "      \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0.05 } } ] }\n";

static const cJSON *tenant_named(const cJSON *point, const char *name)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(point, "tenants"))
        if (strcmp(cJSON_GetObjectItem(t, "name")->valuestring, name) == 0)
            return t;
    return NULL;
}

static void a_fleet_slo_is_judged_on_the_fleet_at_every_replica_count(void)
{
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    tu_write_file(scen, FLEET);
    char o[128];
    snprintf(o, sizeof o, "%s/brute", dir);
    char *sv[] = { "slicesim", "sweep", scen, "--vary", "tenants.0.replicas=2,3,4", "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(sv, out, sizeof out, err, sizeof err), 0);
    cJSON *sw = load_json("brute", "sweep.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
    snprintf(o, sizeof o, "%s/plan", dir);
    char *pv[] = { "slicesim", "plan", scen, "--slo", "web.latency_ms.p95<=0.001", "--vary",
                   "tenants.0.replicas=2,3,4", "--goal", "min", "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(pv, out, sizeof out, err, sizeof err), 0);
    cJSON *p = load_json("plan", "plan.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    int checked = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, "evaluated")) {
        int i = (int)cJSON_GetObjectItem(e, "value")->valuedouble - 2;   /* replicas 2, 3, 4 */
        const cJSON *web = tenant_named(cJSON_GetArrayItem(cJSON_GetObjectItem(sw, "points"), i), "web");
        CU_ASSERT_PTR_NOT_NULL_FATAL(web);
        double want = cJSON_GetObjectItem(cJSON_GetObjectItem(web, "latency_ms"), "p95")->valuedouble;
        const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "slos"), 0);
        double got = cJSON_GetObjectItem(s, "value")->valuedouble;
        CU_ASSERT_DOUBLE_EQUAL(got, want, 1e-9 * want);
        CU_ASSERT(got > 1.0 && got < 50.0);   /* M/M/1 at rho 0.375-0.75 of a 1 ms server */
        checked++;
    }
    CU_ASSERT(checked >= 2);
    cJSON_Delete(p);
    cJSON_Delete(sw);
}

TU_SUITE_FN(plan)
{
    static const tu_test tests[] = {
        TU_TEST(longest_slice_meeting_p95_matches_a_brute_force_sweep),
        TU_TEST(shortest_slice_meeting_a_throughput_floor_matches_brute_force),
        TU_TEST(a_straddled_bound_is_uncertain_with_the_replications_to_decide_it),
        TU_TEST(bad_slo_expressions_exit_2_with_a_message),
        TU_TEST(a_fleet_slo_is_judged_on_the_fleet_at_every_replica_count),
    };
    TU_SUITE("plan", tests);
}
