/* test_plan.c -- plan's bisection against a brute-force sweep of the same
 * candidates, the refusal of bad --slo expressions, and the cost ranking
 * of a cartesian product of --vary dimensions (M/M/1 replicas priced per
 * GPU-hour). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "models/gpu.h"
#include "scenarios/price.h"
#include "scenarios/scenario.h"
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

/* A fresh dir holding text as the scenario file scen (dir/s.json). */
static void write_scenario(const char *text)
{
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    tu_write_file(scen, text);
}

/* How many lines text holds (its newlines). */
static int lines_of(const char *text)
{
    int n = 0;
    for (const char *c = text; *c; c++)
        n += *c == '\n';
    return n;
}

static cJSON *load_json(const char *sub, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s/%s", dir, sub, name);
    return tu_read_json(p);
}

static double metric(const cJSON *point, int ti, const char *a, const char *b)
{
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(point, "tenants"), ti);
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

static double ci_end(const cJSON *point, int ti, const char *a, const char *key, int end)
{
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(point, "tenants"), ti);
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
    write_scenario(SCENARIO);
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
    write_scenario(SCENARIO);
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
    write_scenario(SCENARIO);
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
    const char *acc = strstr(out, "validated error of the model against published measurements");
    CU_ASSERT(acc && strstr(acc, "\ntimeslice "));
    cJSON_Delete(p);
}

static void bad_slo_expressions_exit_2_with_a_message(void)
{
    static const char *const bad[] = {
        "web.latency_ms.p95", "nobody.latency_ms.p95<=5", "web.latency_ms.p42<=5",
        "web.latency_ms.p95<=fast", "web.ttft_ms.p95<=5", "web.latency_ms.p95<=",
    };
    write_scenario(SCENARIO);
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
    write_scenario(FLEET);
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

/* The cost plan's test bed: a fleet of exponential 1 ms servers behind a
 * random router at 1200 req/s, so each of N replicas is an M/M/1 queue at
 * rho = 1.2 / N (N = 1 overloaded); sojourn times are exponential with
 * rate mu - lambda / N, p95 = ln(20) / (1000 - 1200 / N) s: 7.49 ms at
 * N = 2, 4.99 ms at N = 3. The service time is the same on either GPU, so
 * only the price tells them apart. */
static const char COST[] =
    "{ \"name\": \"plan-cost\", \"seed\": 3, \"duration_s\": 4, \"warmup_s\": 0.4, \"replications\": 6,\n"
    "  \"hardware\": { \"gpu\": \"h100-sxm\", \"gpus\": 4 },\n"
    "  \"sharing\": { \"mode\": \"timeslice\" },\n"
    "  \"cost\": { \"usd_per_gpu_hour_by_gpu\": { \"h100-sxm\": 3, \"a100-sxm-80gb\": 2 } },\n"
    "  \"tenants\": [\n"
    "    { \"name\": \"web\", \"replicas\": 2, \"router\": \"random\",\n"
    "      \"workload\": { \"type\": \"synthetic\", \"service_ms\": { \"dist\": \"exponential\", \"mean\": 1 } },\n"
    "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1200 } } ] }\n";

/* plan.json of `plan` on scen over replicas x GPUs with both SLOs of the
 * cost test bed, and extra_opt extra_val when given (caller frees); the
 * test stops if the plan fails or its file does not parse. */
static cJSON *cost_plan(const char *extra_opt, const char *extra_val)
{
    char o[128];
    snprintf(o, sizeof o, "%s/cost", dir);
    char *argv[] = { "slicesim", "plan", scen, "--slo", "web.latency_ms.p95<=12", "--slo", "web.throughput>=800",
                     "--vary", "tenants.0.replicas=1,2,3", "--vary", "hardware.gpu=h100-sxm,a100-sxm-80gb",
                     "-o", o, (char *)extra_opt, (char *)extra_val, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    cJSON *p = load_json("cost", "plan.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    return p;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *x = cJSON_GetObjectItem(o, k);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

/* Six configurations (3 replica counts x 2 GPUs), all run: the four that
 * meet both SLOs ranked by GPUs x price, cheapest first (2 A100s at 4
 * USD/h, then the two at 6 USD/h with the safer first, then 3 H100s at 9);
 * the p95s are the M/M/1 figures within their intervals. */
static void configurations_meeting_every_slo_are_ranked_by_gpus_times_price(void)
{
    write_scenario(COST);
    cJSON *p = cost_plan("--jobs", "2");
    CU_ASSERT_EQUAL(num(p, "points_total"), 6);
    CU_ASSERT_EQUAL(num(p, "meeting"), 4);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(p, "cost_unit")->valuestring, "USD/h");
    static const struct { int replicas; const char *gpu; double usd; } want[] = {
        { 2, "a100-sxm-80gb", 4 }, { 3, "a100-sxm-80gb", 6 }, { 2, "h100-sxm", 6 }, { 3, "h100-sxm", 9 },
    };
    const cJSON *r = cJSON_GetObjectItem(p, "ranked");
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(r), 4);
    for (int k = 0; k < 4; k++) {
        const cJSON *e = cJSON_GetArrayItem(r, k), *v = cJSON_GetObjectItem(e, "values");
        CU_ASSERT_EQUAL(num(e, "rank"), k + 1);
        CU_ASSERT_EQUAL(num(v, "tenants.0.replicas"), want[k].replicas);
        CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(v, "hardware.gpu")->valuestring, want[k].gpu);
        CU_ASSERT_EQUAL(num(e, "gpus"), want[k].replicas);
        CU_ASSERT_DOUBLE_EQUAL(num(e, "usd_per_hour"), want[k].usd, 1e-12);
        const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "slos"), 0);
        const cJSON *ci = cJSON_GetObjectItem(s, "ci95");
        double p95 = log(20.0) / (1000.0 - 1200.0 / want[k].replicas) * 1e3;
        CU_ASSERT(cJSON_GetArrayItem(ci, 0)->valuedouble <= p95 && p95 <= cJSON_GetArrayItem(ci, 1)->valuedouble);
        CU_ASSERT_DOUBLE_EQUAL(num(s, "value"), p95, 0.1 * p95);
    }
    /* the answer is the cheapest, and the table says so */
    const cJSON *a = cJSON_GetObjectItem(p, "answer");
    CU_ASSERT_DOUBLE_EQUAL(num(a, "usd_per_hour"), 4, 1e-12);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "cheapest: tenants.0.replicas=2 hardware.gpu=a100-sxm-80gb: "
                                       "2 x a100-sxm-80gb at 4 USD/h"));
    cJSON_Delete(p);
    /* plan.csv: a header and one row per configuration, ranked ones first */
    char path[256];
    snprintf(path, sizeof path, "%s/cost/plan.csv", dir);
    char *csv = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    CU_ASSERT_EQUAL(lines_of(csv), 7);
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n1,3,2,a100-sxm-80gb,a100-sxm-80gb,2,2,4,true,met,web.latency_ms.p95<=12,"));
    free(csv);
}

/* One replica is overloaded (rho 1.2): its p95 misses the bound by far, so
 * it is not ranked however cheap (2 or 3 USD/h), and plan.json says which
 * SLO it missed. */
static void a_configuration_missing_an_slo_is_not_ranked_however_cheap(void)
{
    write_scenario(COST);
    cJSON *p = cost_plan(NULL, NULL);
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, "ranked"))
        CU_ASSERT(num(cJSON_GetObjectItem(e, "values"), "tenants.0.replicas") >= 2);
    const cJSON *x = cJSON_GetObjectItem(p, "not_meeting");
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(x), 2);
    cJSON_ArrayForEach(e, x) {
        CU_ASSERT_EQUAL(num(cJSON_GetObjectItem(e, "values"), "tenants.0.replicas"), 1);
        CU_ASSERT(num(e, "usd_per_hour") <= 3);
        CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(e, "verdict")->valuestring, "missed");
        const cJSON *d = cJSON_GetObjectItem(e, "deciding");
        CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(d, "slo")->valuestring, "web.latency_ms.p95<=12");
        CU_ASSERT(num(d, "value") > 100);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "not meeting every SLO: 2 (missed 2, uncertain 0)"));
    cJSON_Delete(p);
}

/* The deciding SLO is the one with the smallest margin relative to its
 * bound: at 2 replicas the p95 (7.5 ms of 12: 0.38) rather than the
 * throughput (1200 of 800: 0.5); at 3 replicas (p95 5.0 ms: 0.58) the
 * throughput. */
static void the_deciding_slo_is_the_one_with_the_least_relative_margin(void)
{
    write_scenario(COST);
    cJSON *p = cost_plan(NULL, NULL);
    const cJSON *e;
    int seen[2] = { 0, 0 };
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, "ranked")) {
        const cJSON *s = cJSON_GetObjectItem(e, "slos"), *d = cJSON_GetObjectItem(e, "deciding");
        double m0 = num(cJSON_GetArrayItem(s, 0), "margin") / 12, m1 = num(cJSON_GetArrayItem(s, 1), "margin") / 800;
        int k = m0 < m1 ? 0 : 1;
        CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(d, "slo")->valuestring,
                               cJSON_GetObjectItem(cJSON_GetArrayItem(s, k), "slo")->valuestring);
        CU_ASSERT_DOUBLE_EQUAL(num(d, "margin"), num(cJSON_GetArrayItem(s, k), "margin"), 1e-12);
        CU_ASSERT_EQUAL(k, num(cJSON_GetObjectItem(e, "values"), "tenants.0.replicas") == 2 ? 0 : 1);
        seen[k]++;
    }
    CU_ASSERT(seen[0] == 2 && seen[1] == 2);
    cJSON_Delete(p);
}

/* The search space is the cartesian product: 3 x 2 x 2 = 12 points run and
 * written (sweep.csv rows, plan.json), a tuple dimension setting two paths
 * at once. */
static void the_search_space_is_the_cartesian_product_of_the_dimensions(void)
{
    write_scenario(COST);
    char o[128];
    snprintf(o, sizeof o, "%s/cost", dir);
    char *argv[] = { "slicesim", "plan", scen, "--slo", "web.latency_ms.p95<=12", "--vary", "tenants.0.replicas=1,2,3",
                     "--vary", "hardware.gpu=h100-sxm,a100-sxm-80gb",
                     "--vary", "tenants.0.router+duration_s=[\"random\",4],[\"round_robin\",3]", "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    cJSON *p = load_json("cost", "plan.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(num(p, "points_total"), 12);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(p, "ranked")) +
                    cJSON_GetArraySize(cJSON_GetObjectItem(p, "not_meeting")), 12);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "plan: 12 configurations = tenants.0.replicas (3) x hardware.gpu (2) x "
                                       "tenants.0.router+duration_s (2)"));
    /* the tuple sets both paths: the round-robin points ran 3 s */
    const cJSON *e;
    int rr = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, "ranked")) {
        const cJSON *set = cJSON_GetObjectItem(e, "set");
        CU_ASSERT_EQUAL(cJSON_GetArraySize(set), 4);
        if (strcmp(cJSON_GetArrayItem(set, 2)->valuestring, "tenants.0.router=\"round_robin\"") == 0) {
            CU_ASSERT_STRING_EQUAL(cJSON_GetArrayItem(set, 3)->valuestring, "duration_s=3");
            rr++;
        }
    }
    CU_ASSERT(rr >= 2);
    cJSON_Delete(p);
    char path[256];
    snprintf(path, sizeof path, "%s/cost/sweep.csv", dir);
    char *csv = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    CU_ASSERT_EQUAL(lines_of(csv), 13);
    free(csv);
}

/* A GPU without a price, an empty search space, a bad prices file and a
 * tuple of the wrong size: exit 2, one message saying what is allowed. */
static void an_unpriced_gpu_or_an_empty_search_space_exits_2(void)
{
    write_scenario(COST);
    char o[128], pf[128];
    snprintf(o, sizeof o, "%s/bad", dir);
    char *a1[] = { "slicesim", "plan", scen, "--slo", "web.latency_ms.p95<=12", "--vary", "hardware.gpu=h100-sxm,h200",
                   "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(a1, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "GPU \"h200\" (at hardware.gpu=h200) has no price"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "usd_per_gpu_hour_by_gpu: h100-sxm, a100-sxm-80gb"));
    char *a2[] = { "slicesim", "plan", scen, "--slo", "web.latency_ms.p95<=12", "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(a2, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "the search space is empty"));
    snprintf(pf, sizeof pf, "%s/prices.json", dir);
    tu_write_file(pf, "{ \"usd_per_gpu_hour_by_gpu\": { \"h200\": -1 } }");
    char *a3[] = { "slicesim", "plan", scen, "--slo", "web.latency_ms.p95<=12", "--vary", "hardware.gpu=h200",
                   "--prices", pf, "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(a3, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "usd_per_gpu_hour_by_gpu.h200"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "prices.json"));
    char *a4[] = { "slicesim", "plan", scen, "--slo", "web.latency_ms.p95<=12", "--vary",
                   "tenants.0.router+duration_s=[\"random\"]", "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(a4, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "a JSON array of 2 values"));
    /* a point that is not a valid scenario is named */
    char *a6[] = { "slicesim", "plan", scen, "--slo", "web.latency_ms.p95<=12", "--vary", "hardware.gpu=h100-sxm,l40s",
                   "--set", "sharing.mode=mig", "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(a6, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "slicesim plan: at hardware.gpu=l40s: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "needs a GPU with MIG"));
    char *a5[] = { "slicesim", "plan", scen, "--slo", "web.latency_ms.p95<=12", "--vary", "tenants.0.replicas=1,2",
                   "--vary", "hardware.gpu=h100-sxm", "--goal", "min", "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(a5, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "allowed with several: --goal cost"));
}

/* A scenario's "plan" object stands in for the options the command line
 * leaves out: its SLOs and dimensions give the same ranking as the
 * options; a --vary given replaces its dimensions; a bad entry is named
 * as plan.vary.K, exit 2. */
static void the_scenario_plan_object_supplies_the_search_the_options_leave_out(void)
{
    static const char *const BLOCK =
        "  \"plan\": { \"slos\": [ \"web.latency_ms.p95<=12\", \"web.throughput>=800\" ],\n"
        "            \"vary\": [ \"tenants.0.replicas=1,2,3\", \"hardware.gpu=h100-sxm,a100-sxm-80gb\" ],\n"
        "            \"goal\": \"cost\", \"prices\": \"prices.json\" },\n";
    char text[4096], o[128], pf[128];
    const char *at = strstr(COST, "  \"cost\"");
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - COST), COST, BLOCK, at);
    write_scenario(text);
    snprintf(pf, sizeof pf, "%s/prices.json", dir);
    tu_write_file(pf, "{ \"note\": \"test\", \"usd_per_gpu_hour_by_gpu\": { \"h100-sxm\": 3, \"a100-sxm-80gb\": 2 } }");
    snprintf(o, sizeof o, "%s/cost", dir);
    char *a1[] = { "slicesim", "plan", scen, "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(a1, out, sizeof out, err, sizeof err), 0);
    cJSON *p = load_json("cost", "plan.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(num(p, "points_total"), 6);
    CU_ASSERT_EQUAL(num(p, "meeting"), 4);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(p, "ranked"), 0);
    CU_ASSERT_DOUBLE_EQUAL(num(first, "usd_per_hour"), 4, 1e-12);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "prices"), "note")->valuestring, "test");
    cJSON_Delete(p);
    /* a --vary replaces the object's dimensions (its SLOs stay) */
    char *a2[] = { "slicesim", "plan", scen, "--vary", "tenants.0.replicas=2,3", "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(a2, out, sizeof out, err, sizeof err), 0);
    p = load_json("cost", "plan.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(num(p, "points_total"), 2);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(p, "slos")), 2);
    cJSON_Delete(p);
    /* a bad dimension in the object, and a bad shape */
    char *bad = strstr(text, "hardware.gpu=");
    memcpy(bad, "hardware.gpu ", 13);
    tu_write_file(scen, text);
    CU_ASSERT_EQUAL(tu_cli(a1, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "plan.vary.1: --vary hardware.gpu "));
    snprintf(text, sizeof text, "%.*s  \"plan\": { \"vary\": [ 3 ] },\n%s", (int)(at - COST), COST, at);
    tu_write_file(scen, text);
    CU_ASSERT_EQUAL(tu_cli(a1, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "plan.vary.0"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "allowed: a non-empty string"));
}

/* The fleet example's plan object (scenarios/fleet-llama3-sdxl-plan.json),
 * run short: 6 replica counts x {time-slicing, MIG} = 12 configurations,
 * each holding one H100 per replica (SDXL shares GPU 0 either way) at the
 * template's 3 USD per GPU-hour. */
static void the_fleet_example_prices_one_h100_per_replica_either_way(void)
{
    tu_tmpdir(dir, sizeof dir);
    char o[128];
    snprintf(o, sizeof o, "%s/ex", dir);
    char *argv[] = { "slicesim", "plan", "scenarios/fleet-llama3-sdxl-plan.json", "--set", "duration_s=2",
                     "--set", "warmup_s=0.5", "--reps", "2", "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    cJSON *p = load_json("ex", "plan.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(num(p, "points_total"), 12);
    static const char *const lists[] = { "ranked", "not_meeting" };
    int seen = 0;
    for (int l = 0; l < 2; l++) {
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, lists[l])) {
            double r = num(cJSON_GetObjectItem(e, "values"), "tenants.0.replicas");
            CU_ASSERT_EQUAL(num(e, "gpus"), r);
            CU_ASSERT_DOUBLE_EQUAL(num(e, "usd_per_hour"), 3 * r, 1e-12);
            CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(e, "gpu")->valuestring, "h100-sxm");
            seen++;
        }
    }
    CU_ASSERT_EQUAL(seen, 12);
    cJSON_Delete(p);
}

/* docs/prices-illustrative-2026-12.json prices every GPU preset by name (a
 * preset it lacks would make plan refuse that GPU), and a GPU it lacks gets
 * no price: the template has no general usd_per_gpu_hour to fall back on. */
static void the_price_template_prices_every_gpu_preset(void)
{
    char msg[1024] = "";
    cJSON *cost = price_load("docs/prices-illustrative-2026-12.json", msg, sizeof msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cost);
    for (size_t i = 0; i < gpu_spec_count(); i++) {
        price_info p = price_of_gpu(cost, gpu_spec_at(i)->name);
        if (!p.given)
            fprintf(stderr, "\n    the template has no price for %s\n", gpu_spec_at(i)->name);
        CU_ASSERT(p.given && p.usd_per_gpu_hour > 0);
    }
    CU_ASSERT_DOUBLE_EQUAL(price_of_gpu(cost, "h100-sxm").usd_per_gpu_hour, 3.0, 1e-12);
    CU_ASSERT_EQUAL(price_of_gpu(cost, "no-such-gpu").given, 0);
    cJSON_Delete(cost);
}

/* The GPUs a configuration holds: every GPU an engine runs on, a
 * tensor-parallel group counting its size; a tenant sharing a GPU (time
 * slices, a MIG instance) adds none; unused GPUs count nothing. */
static void gpus_held_count_tensor_parallel_groups_and_shared_gpus_once(void)
{
    static const char *const S =
        "{ \"name\": \"held\", \"duration_s\": 1, \"hardware\": { \"gpu\": \"h100-sxm\", \"gpus\": 8 },\n"
        "  \"sharing\": { \"mode\": \"%s\"%s },\n"
        "  \"tenants\": [\n"
        "    { \"name\": \"chat\", \"replicas\": 3, \"workload\": { \"type\": \"llm\", \"model\": \"llama-3-8b\", \"tp\": %d },\n"
        "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1 } },\n"
        "    { \"name\": \"side\", \"gpu\": 0%s, \"workload\": { \"type\": \"synthetic\",\n"
        "        \"service_ms\": { \"dist\": \"exponential\", \"mean\": 1 } },\n"
        "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1 } } ] }\n";
    static const struct { const char *mode, *layout, *inst; int tp, held; } cases[] = {
        { "timeslice", "", "", 1, 3 },
        { "timeslice", "", "", 2, 6 },
        { "mig", ", \"instances\": [ { \"profile\": \"4g.40gb\", \"start\": 0 }, { \"profile\": \"3g.40gb\", \"start\": 4 } ]",
          ", \"instance\": 1", 1, 3 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char text[2048], msg[1024];
        snprintf(text, sizeof text, S, cases[k].mode, cases[k].layout, cases[k].tp, cases[k].inst);
        scn *sc = NULL;
        int rc = scn_load_text(text, "held.json", NULL, 0, &sc, msg, sizeof msg);
        CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
        CU_ASSERT_EQUAL(price_gpus_held(&sc->cfg), cases[k].held);
        scn_free(sc);
    }
}

TU_SUITE_FN(plan)
{
    static const tu_test tests[] = {
        TU_TEST(longest_slice_meeting_p95_matches_a_brute_force_sweep),
        TU_TEST(shortest_slice_meeting_a_throughput_floor_matches_brute_force),
        TU_TEST(a_straddled_bound_is_uncertain_with_the_replications_to_decide_it),
        TU_TEST(bad_slo_expressions_exit_2_with_a_message),
        TU_TEST(a_fleet_slo_is_judged_on_the_fleet_at_every_replica_count),
        TU_TEST(configurations_meeting_every_slo_are_ranked_by_gpus_times_price),
        TU_TEST(a_configuration_missing_an_slo_is_not_ranked_however_cheap),
        TU_TEST(the_deciding_slo_is_the_one_with_the_least_relative_margin),
        TU_TEST(the_search_space_is_the_cartesian_product_of_the_dimensions),
        TU_TEST(an_unpriced_gpu_or_an_empty_search_space_exits_2),
        TU_TEST(gpus_held_count_tensor_parallel_groups_and_shared_gpus_once),
        TU_TEST(the_scenario_plan_object_supplies_the_search_the_options_leave_out),
        TU_TEST(the_fleet_example_prices_one_h100_per_replica_either_way),
        TU_TEST(the_price_template_prices_every_gpu_preset),
    };
    TU_SUITE("plan", tests);
}
