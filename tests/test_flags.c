/* test_flags.c -- what a run's figures must be read with (cli/flags.h) and
 * the table that shows it (cli/table.h): low-sample percentiles, a run out
 * of steady state, replications that do not vary, each warning once on
 * stderr, SLO verdicts in the table, the number format. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"
#include "cli/table.h"

#define BIG 65536

static char out[BIG], err[BIG], dir[64];

static int run(char **argv)
{
    return tu_cli(argv, out, sizeof out, err, sizeof err);
}

static cJSON *summary(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    return tu_read_json(p);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* About 150 requests a replication (30/s over 5 s): p50 (needs 20) and p90
 * (100) stand, p95 (200), p99 and p99.9 are flagged in summary.json, on
 * stderr and with * in the table. */
static const char FEW[] =
    "{ \"name\": \"few\", \"seed\": 3, \"duration_s\": 5.1, \"warmup_s\": 0.1, \"replications\": 3,\n"
    "  \"hardware\": { \"gpu\": \"h100-sxm\" },\n"
    "  \"tenants\": [ { \"name\": \"q\", \"workload\": { \"type\": \"synthetic\",\n"
    "      \"service_ms\": { \"dist\": \"exponential\", \"mean\": 1 } },\n"
    "    \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 30 },\n"
    "    \"slo\": { \"latency_ms.p95\": 100 } } ] }\n";

static void percentiles_from_too_few_samples_are_flagged_everywhere(void)
{
    char scen[128];
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/few.json", dir);
    tu_write_file(scen, FEW);
    char *argv[] = { "slicesim", "run", scen, "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    cJSON *d = summary();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const cJSON *lat = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "tenants"), 0), "latency_ms");
    double n = cJSON_GetObjectItem(lat, "samples_per_replication")->valuedouble;
    CU_ASSERT(n >= 100 && n < 200);
    const cJSON *low = cJSON_GetObjectItem(lat, "low_samples");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(low), 3);
    CU_ASSERT_STRING_EQUAL(cJSON_GetArrayItem(low, 0)->valuestring, "p95");
    CU_ASSERT_STRING_EQUAL(cJSON_GetArrayItem(low, 2)->valuestring, "p999");
    /* the fewest is the smallest replication's count */
    CU_ASSERT(n <= cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "tenants"), 0),
                                       "completed")->valuedouble);
    CU_ASSERT_EQUAL(count(err, "p95, p99, p99.9 rest on fewer requests in some replication than 10/(1-q) asks "
                               "(200, 1000, 10000"), 1);
    CU_ASSERT_EQUAL(count(err, "10000; the fewest a replication completed is the output's "
                               "samples_per_replication)"), 1);
    CU_ASSERT_EQUAL(count(err, "slicesim: warning:"), cJSON_GetArraySize(cJSON_GetObjectItem(d, "warnings")));
    /* the table: p95 and p99 carry *, the legend explains it */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "]*"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "*  from fewer than 10/(1-q) requests"));
    cJSON_Delete(d);
}

/* Out of steady state, an SLO whose interval lies within a loose bound is
 * not met but uncertain: the figure grows with the run's length. */
static void an_slo_met_out_of_steady_state_is_uncertain(void)
{
    char *text = tu_read_file("scenarios/default.json", NULL), scen[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *b = strstr(text, "\"latency_ms.p95\": 20");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    memcpy(b + strlen("\"latency_ms.p95\": "), "9e9", 3);     /* the bound 20 becomes 9e9, over the space after it */
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/loose.json", dir);
    tu_write_file(scen, text);
    free(text);
    char *argv[] = { "slicesim", "run", scen, "--set", "tenants.0.arrivals.rate_per_s=300", "--set", "duration_s=12",
                     "--reps", "3", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    cJSON *d = summary();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const cJSON *slo = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "tenants"), 0), "slo");
    CU_ASSERT(cJSON_GetArrayItem(cJSON_GetObjectItem(slo, "ci95"), 1)->valuedouble < 9e9);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(slo, "verdict")->valuestring, "uncertain");
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(slo, "reason")->valuestring, "not_in_steady_state");
    CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItem(slo, "met")));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "uncertain (not in steady state: lengthen duration_s or lower the load)"));
    cJSON_Delete(d);
}

/* A sweep prints each warning once, with every point it concerns. */
static void sweep_groups_each_warning_with_its_points(void)
{
    char scen[128], o[128];
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/few.json", dir);
    snprintf(o, sizeof o, "%s/sw", dir);
    tu_write_file(scen, FEW);
    char *argv[] = { "slicesim", "sweep", scen, "--vary", "tenants.0.arrivals.rate_per_s=30,31", "-o", o,
                     "--jobs", "1", NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    CU_ASSERT_EQUAL(count(err, "rest on fewer requests"), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "slicesim: sweep: warning (point 0, 1): tenant \"q\": p95, p99, p99.9 rest on"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "q req/s [95% CI]"));
}

/* The overload: default.json at 300 requests/s. The backlog grows,
 * requests are left unfinished; the warnings reach stderr once each and
 * the latency figures carry ! and +. */
static void overload_warnings_reach_stderr_once_and_mark_the_table(void)
{
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "run", "scenarios/default.json", "--set", "tenants.0.arrivals.rate_per_s=300",
                     "--set", "duration_s=12", "--reps", "3", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    CU_ASSERT_EQUAL(count(err, "not in steady state"), 1);
    cJSON *d = summary();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const cJSON *w = cJSON_GetObjectItem(d, "warnings"), *e;
    int n = 0;
    cJSON_ArrayForEach(e, w) {
        CU_ASSERT_EQUAL(count(err, e->valuestring), 1);     /* every one, exactly once */
        n++;
    }
    CU_ASSERT(n >= 1);
    CU_ASSERT_EQUAL(count(err, "slicesim: warning:"), n);
    const cJSON *fl = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "tenants"), 0), "flags");
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(fl, "not_in_steady_state")));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "!  not in steady state"));
    const char *row = strstr(out, "\ninference");
    CU_ASSERT_PTR_NOT_NULL_FATAL(row);
    const char *eol = strchr(row + 1, '\n');
    CU_ASSERT(count(row, "!") >= 5 && strchr(row + 1, '!') < eol);   /* throughput and four latencies */
    /* the SLO (p95 <= 20 ms) is missed beyond doubt */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "inference latency_ms.p95 <= 20.00 ms"));
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "tenants"), 0),
                                                                  "slo"), "verdict")->valuestring, "missed");
    cJSON_Delete(d);
}

/* A trace replay repeats exactly: zero-width intervals, said so; with
 * service-time noise the replications differ and the interval opens. */
static void trace_replay_says_nothing_varies_until_noise_is_added(void)
{
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "run", "scenarios/llm-azure-conv-a100.json", "--reps", "3",
                     "--set", "duration_s=15", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    CU_ASSERT_EQUAL(count(err, "nothing random varies"), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "set tenants.0.service_noise_cv"));
    cJSON *d = summary();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "tenants"), 0);
    const cJSON *ci = cJSON_GetObjectItem(cJSON_GetObjectItem(t, "latency_ms"), "ci95_p50");
    CU_ASSERT_EQUAL(cJSON_GetArrayItem(ci, 0)->valuedouble, cJSON_GetArrayItem(ci, 1)->valuedouble);
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(t, "flags"), "nothing_varies")));
    double p50 = cJSON_GetObjectItem(cJSON_GetObjectItem(t, "latency_ms"), "p50")->valuedouble;
    cJSON_Delete(d);

    char *noisy[] = { "slicesim", "run", "scenarios/llm-azure-conv-a100.json", "--reps", "3",
                      "--set", "duration_s=15", "--set", "tenants.0.service_noise_cv=0.1", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(run(noisy), 0);
    CU_ASSERT_EQUAL(count(err, "nothing random varies"), 0);
    d = summary();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    t = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "tenants"), 0);
    ci = cJSON_GetObjectItem(cJSON_GetObjectItem(t, "latency_ms"), "ci95_p50");
    double lo = cJSON_GetArrayItem(ci, 0)->valuedouble, hi = cJSON_GetArrayItem(ci, 1)->valuedouble;
    CU_ASSERT(lo < hi);
    /* noise of mean 1 leaves the median latency within about 10% */
    CU_ASSERT(lo < 1.1 * p50 && hi > 0.9 * p50);
    cJSON_Delete(d);
}

/* A datasheet-only profile: the warning once on stderr, and every figure
 * resting on it marked ? in the table. */
static void datasheet_profile_is_warned_once_and_marks_the_figures(void)
{
    char *argv[] = { "slicesim", "run", "scenarios/profile-h200-timesliced.json", NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    CU_ASSERT_EQUAL(count(err, "profile \"h200\" is built from datasheets"), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "?  rests on a GPU profile"));
    const char *row = strstr(out, "\ngemm");
    CU_ASSERT_PTR_NOT_NULL_FATAL(row);
    const char *eol = strchr(row + 1, '\n');
    int marks = 0;
    for (const char *p = row; p < eol; p++)
        marks += *p == '?';
    CU_ASSERT_EQUAL(marks, 5);          /* throughput, mean, p50, p95, p99 */
}

static void table_states_each_slo_verdict(void)
{
    char *argv[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    const char *l = strstr(out, "queue latency_ms.p95 <= 20.00 ms");
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    CU_ASSERT(strstr(l, "met") < strchr(l, '\n'));
    /* a bound inside the interval: uncertain, and how many replications
     * would decide it */
    char *text = tu_read_file("scenarios/mm1-exclusive.json", NULL), scen[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *b = strstr(text, "\"latency_ms.p95\": 20");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    memcpy(b + strlen("\"latency_ms.p95\": "), "15", 2);
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/tight.json", dir);
    tu_write_file(scen, text);
    free(text);
    char *tight[] = { "slicesim", "run", scen, "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(run(tight), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "queue latency_ms.p95 <= 15.00 ms"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "uncertain (about "));
    cJSON *d = summary();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const cJSON *slo = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "tenants"), 0), "slo");
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(slo, "verdict")->valuestring, "uncertain");
    CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItem(slo, "met")));
    const cJSON *ci = cJSON_GetObjectItem(slo, "ci95");
    CU_ASSERT(cJSON_GetArrayItem(ci, 0)->valuedouble < 15 && cJSON_GetArrayItem(ci, 1)->valuedouble > 15);
    double need = cJSON_GetObjectItem(slo, "replications_to_resolve")->valuedouble;
    CU_ASSERT(need > 5 && need < 100000);
    char want[64];
    snprintf(want, sizeof want, "uncertain (about %.0f replications would resolve it)", need);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
    cJSON_Delete(d);
}

static void numbers_keep_four_digits_in_fixed_point(void)
{
    char b[32];
    CU_ASSERT_STRING_EQUAL(tab_num(b, sizeof b, 123456.7), "123457");
    CU_ASSERT_STRING_EQUAL(tab_num(b, sizeof b, 1234.6), "1235");
    CU_ASSERT_STRING_EQUAL(tab_num(b, sizeof b, 99.654), "99.65");
    CU_ASSERT_STRING_EQUAL(tab_num(b, sizeof b, 4.9617), "4.962");
    CU_ASSERT_STRING_EQUAL(tab_num(b, sizeof b, 0.5), "0.5000");
    CU_ASSERT_STRING_EQUAL(tab_num(b, sizeof b, 0.000123456), "0.000123");
    CU_ASSERT_STRING_EQUAL(tab_num(b, sizeof b, 1e-9), "0.000000");
    CU_ASSERT_STRING_EQUAL(tab_num(b, sizeof b, 3e12), "3000000000000");
    CU_ASSERT_STRING_EQUAL(tab_num(b, sizeof b, NAN), "-");
}

/* Columns are as wide as their widest cell: a long tenant name pushes the
 * others right instead of running into them. */
static void columns_never_run_together(void)
{
    static const char *const cols[] = { "<name", "value", NULL };
    tab t;
    CU_ASSERT_EQUAL_FATAL(tab_init(&t, cols), 0);
    tab_add(&t, "a-very-long-tenant-name");
    tab_add(&t, "1.000");
    tab_add(&t, "b");
    tab_add(&t, "123457");
    char buf[512];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    tab_print(&t, f, "");
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "name                      value\n"
                                "a-very-long-tenant-name   1.000\n"
                                "b                        123457\n");
    tab_free(&t);
    /* no run of the examples prints scientific notation in its table */
    char *argv[] = { "slicesim", "run", "scenarios/mig-a100-mixed.json", NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    for (const char *p = out; *p; p++)
        if ((*p == 'e' || *p == 'E') && p > out && p[-1] >= '0' && p[-1] <= '9' &&
            (p[1] == '+' || p[1] == '-' || (p[1] >= '0' && p[1] <= '9'))) {
            CU_FAIL("scientific notation in the table");
            break;
        }
}

TU_SUITE_FN(flags)
{
    static const tu_test tests[] = {
        TU_TEST(percentiles_from_too_few_samples_are_flagged_everywhere),
        TU_TEST(overload_warnings_reach_stderr_once_and_mark_the_table),
        TU_TEST(an_slo_met_out_of_steady_state_is_uncertain),
        TU_TEST(sweep_groups_each_warning_with_its_points),
        TU_TEST(trace_replay_says_nothing_varies_until_noise_is_added),
        TU_TEST(datasheet_profile_is_warned_once_and_marks_the_figures),
        TU_TEST(table_states_each_slo_verdict),
        TU_TEST(numbers_keep_four_digits_in_fixed_point),
        TU_TEST(columns_never_run_together),
    };
    TU_SUITE("flags", tests);
}
