/* test_scenario.c -- scenario validation: every bad input is refused with
 * exit status 2 and one message naming the file, the path, the value and
 * what is allowed; --set overrides any value by path. */
#include <string.h>
#include <stdio.h>
#include "tests/testutil.h"
#include "scenarios/scenario.h"
#include "models/ctxsw.h"

#define GOOD_TENANT \
    "{\"name\": \"a\", \"workload\": {\"type\": \"synthetic\"," \
    " \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}}," \
    " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 10}}"

#define SCENARIO(top, tenants) \
    "{\"hardware\": {\"gpu\": \"h100-sxm\"}" top ", \"tenants\": [" tenants "]}"

/* Load text; expect exit code 2 and every needle in the message. */
static void expect_refused(const char *json, char *const *sets, size_t nsets,
                           const char *n1, const char *n2, const char *n3)
{
    scn *sc = NULL;
    char err[1024] = "";
    int rc = scn_load_text(json, "bad.json", sets, nsets, &sc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, SCN_BAD_INPUT);
    CU_ASSERT_PTR_NULL(sc);
    const char *needles[] = { "bad.json", n1, n2, n3 };
    for (int i = 0; i < 4; i++)
        if (needles[i] && !strstr(err, needles[i])) {
            fprintf(stderr, "\n    message \"%s\" lacks \"%s\"\n", err, needles[i]);
            CU_FAIL("message lacks an expected part");
        }
    CU_ASSERT_PTR_NULL(strchr(err, '\n'));
}

static void duplicate_keys_are_refused_with_their_path(void)
{
    expect_refused(SCENARIO(", \"duration_s\": 5, \"duration_s\": 6", GOOD_TENANT), NULL, 0,
                   "(top level)", "duplicate key \"duration_s\"", NULL);
    expect_refused(SCENARIO("", "{\"name\": \"a\", \"workload\": {\"type\": \"synthetic\","
                            " \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1, \"mean\": 2}},"
                            " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 1}}"),
                   NULL, 0, "tenants.0.workload.service_ms", "duplicate key \"mean\"", NULL);
    char *dup_set[] = { "tenants.0.arrivals={\"type\": \"poisson\", \"type\": \"closed\"}" };
    expect_refused(SCENARIO("", GOOD_TENANT), dup_set, 1, "--set value", "duplicate key \"type\"", NULL);
}

/* A host gap per kernel belongs to a drawn service time; a burst's kernels
 * take the GPU's launch time. */
static void a_host_gap_on_a_fixed_burst_is_refused(void)
{
    expect_refused(SCENARIO("", "{\"name\": \"a\", \"workload\": {\"type\": \"synthetic\", \"flops\": 1e12,"
                            " \"kernels\": 10, \"gap_us\": 20},"
                            " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 1}}"),
                   NULL, 0, "tenants.0.workload.gap_us", "value 20", "drawn service_ms");
    expect_refused(SCENARIO("", "{\"name\": \"a\", \"workload\": {\"type\": \"synthetic\", \"gap_us\": -1,"
                            " \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}},"
                            " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 1}}"),
                   NULL, 0, "tenants.0.workload.gap_us", "-1", NULL);
}

static void control_characters_never_reach_the_message_raw(void)
{
    scn *sc = NULL;
    char err[1024] = "";
    const char *json = SCENARIO("", "{\"name\": \"a\", \"workload\": {\"type\": \"synth\\u001b[31m\"},"
                                " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 1}}");
    CU_ASSERT_EQUAL(scn_load_text(json, "bad.json", NULL, 0, &sc, err, sizeof err), SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"synth\\x1b[31m\""));
    for (const char *c = err; *c; c++)
        CU_ASSERT((unsigned char)*c >= 0x20);
    expect_refused("{\"hardware\": {\"gpu\": \"h100-sxm\"},\n\"tenants\": [,\001]}", NULL, 0,
                   "line 2", "malformed JSON near \",\\x01]}\"", NULL);
}

static void a_duration_below_one_ns_is_blamed_on_duration(void)
{
    expect_refused(SCENARIO(", \"duration_s\": 1e-320", GOOD_TENANT), NULL, 0,
                   "duration_s", "1e-320 is shorter than 1 ns", NULL);
}

static void set_indices_are_range_checked_not_wrapped(void)
{
    char *wrap[] = { "tenants.4294967296.name=zz" };
    expect_refused(SCENARIO("", GOOD_TENANT), wrap, 1, "index 4294967296 is out of range",
                   "the array has 1 element", NULL);
    char *huge[] = { "tenants.99999999999999999999999.name=zz" };
    expect_refused(SCENARIO("", GOOD_TENANT), huge, 1, "index 99999999999999999999999 is out of range", NULL, NULL);
    char *neg[] = { "tenants.-1.name=zz" };
    expect_refused(SCENARIO("", GOOD_TENANT), neg, 1, "'-1' is not an array index", NULL, NULL);
    char *plus[] = { "tenants.+0.name=zz" };
    expect_refused(SCENARIO("", GOOD_TENANT), plus, 1, "'+0' is not an array index", NULL, NULL);
    char *bracket[] = { "tenants[0].name=zz" };
    expect_refused(SCENARIO("", GOOD_TENANT), bracket, 1, "'tenants[0]' is not a field name",
                   "by a dotted index, e.g. tenants.0.name", NULL);
    char *empty[] = { "tenants..name=zz" };
    expect_refused(SCENARIO("", GOOD_TENANT), empty, 1, "empty element in the path", NULL, NULL);
    /* and tenants.0 itself is untouched by a refused index */
    scn *sc = NULL;
    char err[512];
    char *ok[] = { "tenants.0.name=zz" };
    CU_ASSERT_EQUAL_FATAL(scn_load_text(SCENARIO("", GOOD_TENANT), "ok.json", ok, 1, &sc, err, sizeof err), SCN_OK);
    CU_ASSERT_STRING_EQUAL(sc->cfg.tenants[0].name, "zz");
    scn_free(sc);
}

static void malformed_json_is_refused_with_its_line(void)
{
    expect_refused("{\n \"hardware\": {\"gpu\": \"h100-sxm\"},\n \"tenants\": [,]\n}", NULL, 0,
                   "line 3", "malformed JSON", NULL);
}

static void unknown_field_is_refused_with_the_allowed_ones(void)
{
    expect_refused(SCENARIO(", \"duraton_s\": 5", GOOD_TENANT), NULL, 0,
                   "duraton_s", "unknown field", "duration_s");
    expect_refused(SCENARIO("", "{\"name\": \"a\", \"workload\": {\"type\": \"synthetic\","
                            " \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1, \"sd\": 2}},"
                            " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 1}}"),
                   NULL, 0, "tenants.0.workload.service_ms.sd", "unknown field", "cv");
}

static void wrong_type_is_refused(void)
{
    expect_refused(SCENARIO(", \"duration_s\": \"60\"", GOOD_TENANT), NULL, 0,
                   "duration_s", "\"60\"", "not a number");
    expect_refused(SCENARIO(", \"replications\": 2.5", GOOD_TENANT), NULL, 0,
                   "replications", "2.5", "not an integer");
    expect_refused("{\"hardware\": {\"gpu\": \"h100-sxm\"}, \"tenants\": {}}", NULL, 0,
                   "tenants", "not an array", NULL);
}

static void zero_or_negative_rates_and_durations_are_refused(void)
{
    expect_refused(SCENARIO("", "{\"name\": \"a\", \"workload\": {\"type\": \"synthetic\","
                            " \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}},"
                            " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 0}}"),
                   NULL, 0, "tenants.0.arrivals.rate_per_s", "value 0", "(0, 1e+09]");
    expect_refused(SCENARIO(", \"duration_s\": -5", GOOD_TENANT), NULL, 0,
                   "duration_s", "-5", "out of range");
    expect_refused(SCENARIO("", "{\"name\": \"a\", \"workload\": {\"type\": \"synthetic\","
                            " \"service_ms\": {\"dist\": \"exponential\", \"mean\": -1}},"
                            " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 1}}"),
                   NULL, 0, "tenants.0.workload.service_ms.mean", "-1", "> 0");
    expect_refused(SCENARIO(", \"sharing\": {\"mode\": \"timeslice\", \"timeslice_ms\": 0}", GOOD_TENANT),
                   NULL, 0, "sharing.timeslice_ms", "value 0", "ms");
    expect_refused(SCENARIO(", \"duration_s\": 10, \"warmup_s\": 10", GOOD_TENANT), NULL, 0,
                   "warmup_s", "duration_s", NULL);
}

static void unknown_presets_and_kinds_are_refused_with_the_choices(void)
{
    expect_refused("{\"hardware\": {\"gpu\": \"h900\"}, \"tenants\": [" GOOD_TENANT "]}", NULL, 0,
                   "hardware.gpu", "\"h900\"", "a100-sxm-80gb");
    expect_refused(SCENARIO("", "{\"name\": \"a\", \"workload\": {\"type\": \"bitcoin\"},"
                            " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 1}}"),
                   NULL, 0, "tenants.0.workload.type", "\"bitcoin\"", "synthetic");
    expect_refused(SCENARIO(", \"sharing\": {\"mode\": \"timeslice\", \"preemption\": \"soon\"}", GOOD_TENANT),
                   NULL, 0, "sharing.preemption", "\"soon\"", "instruction, block, kernel");
}

static void percentile_method_is_checked(void)
{
    expect_refused(SCENARIO(", \"percentiles\": {\"method\": \"histogram\", \"relative_error\": 0.5}", GOOD_TENANT),
                   NULL, 0, "percentiles.relative_error", "0.5", "(0, 0.1]");
    expect_refused(SCENARIO(", \"percentiles\": {\"method\": \"exact\", \"relative_error\": 0.01}", GOOD_TENANT),
                   NULL, 0, "percentiles.relative_error", "histogram", NULL);
    expect_refused(SCENARIO(", \"percentiles\": {\"method\": \"sketch\"}", GOOD_TENANT),
                   NULL, 0, "percentiles.method", "\"sketch\"", "exact, histogram");
}

static void exclusive_gpu_refuses_a_second_tenant(void)
{
    expect_refused(SCENARIO("", GOOD_TENANT ", {\"name\": \"b\", \"workload\": {\"type\": \"synthetic\","
                            " \"service_ms\": {\"dist\": \"deterministic\", \"mean\": 1}},"
                            " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 1}}"),
                   NULL, 0, "tenants.1.gpu", "exclusive", "timeslice");
    expect_refused(SCENARIO("", GOOD_TENANT ", " GOOD_TENANT), NULL, 0,
                   "tenants.1.name", "unique", NULL);
}

static void set_overrides_a_value_by_path(void)
{
    char *sets[] = { "tenants.0.arrivals.rate_per_s=12", "sharing.mode=\"timeslice\"",
                     "sharing.timeslice_ms=4", "seed=99", "name=plain-string" };
    scn *sc = NULL;
    char err[1024];
    int rc = scn_load_text(SCENARIO("", GOOD_TENANT), "s.json", sets, 5, &sc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    const arr_poisson_params *p = sc->cfg.tenants[0].arr_params;
    CU_ASSERT_DOUBLE_EQUAL(p->rate_per_s, 12, 1e-12);
    CU_ASSERT_PTR_EQUAL(sc->cfg.share, &share_timeslice);
    CU_ASSERT_EQUAL(sc->cfg.ts.slice_ns, 4 * SIM_NS_PER_MS);
    CU_ASSERT_EQUAL(sc->cfg.seed, 99);
    CU_ASSERT_STRING_EQUAL(sc->name, "plain-string");
    scn_free(sc);
}

static void set_to_null_restores_the_default(void)
{
    char *sets[] = { "sharing.timeslice_ms=null", "warmup_s=null" };
    scn *sc = NULL;
    char err[1024];
    int rc = scn_load_text(SCENARIO(", \"warmup_s\": 2, \"sharing\": {\"mode\": \"timeslice\", \"timeslice_ms\": 7}",
                                    GOOD_TENANT), "s.json", sets, 2, &sc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    CU_ASSERT_EQUAL(sc->cfg.ts.slice_ns, 1024 * SIM_NS_PER_US);
    CU_ASSERT_EQUAL(sc->cfg.warmup, 0);
    scn_free(sc);
}

static void set_with_a_bad_path_or_value_is_refused(void)
{
    char *bad_index[] = { "tenants.3.arrivals.rate_per_s=1" };
    expect_refused(SCENARIO("", GOOD_TENANT), bad_index, 1, "tenants.3", "index 3 is out of range", NULL);
    char *no_eq[] = { "seed" };
    expect_refused(SCENARIO("", GOOD_TENANT), no_eq, 1, "PATH=VALUE", NULL, NULL);
    char *typo[] = { "sharing.timeslize_ms=2" };
    expect_refused(SCENARIO("", GOOD_TENANT), typo, 1, "sharing.timeslize_ms", "unknown field", NULL);
    char *negative[] = { "tenants.0.arrivals.rate_per_s=-3" };
    expect_refused(SCENARIO("", GOOD_TENANT), negative, 1, "rate_per_s", "-3", "(0, 1e+09]");
}

/* Host noise whose interruptions would fill all of the time (100/s of
 * 10 ms each) never lets a burst finish: refused, naming both values. */
static void host_noise_that_fills_all_of_the_time_is_refused(void)
{
    char *sets[] = { "virtualization={\"mode\": \"vgpu\", \"noise\": {\"rate_per_s\": 100, \"mean_us\": 1e4}}" };
    expect_refused(SCENARIO("", GOOD_TENANT), sets, 1, "virtualization.noise.mean_us: value 10000",
                   "rate_per_s 100", "rate_per_s x mean_us < 1e6");
    char *under[] = { "virtualization={\"mode\": \"vgpu\", \"noise\": {\"rate_per_s\": 100, \"mean_us\": 9999}}" };
    scn *sc = NULL;
    char err[1024];
    CU_ASSERT_EQUAL(scn_load_text(SCENARIO("", GOOD_TENANT), "s.json", under, 1, &sc, err, sizeof err), SCN_OK);
    scn_free(sc);
}

/* A native slice shorter than the clock's 1 ns resolution is one clock
 * tick, not 0 (a 0 ns slice runs no work at all). */
static void a_slice_below_one_ns_is_one_ns(void)
{
    char *sets[] = { "sharing.timeslice_ms=1e-9" };
    scn *sc = NULL;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(scn_load_text(SCENARIO(", \"sharing\": {\"mode\": \"timeslice\"}", GOOD_TENANT),
                                        "s.json", sets, 1, &sc, err, sizeof err), SCN_OK);
    CU_ASSERT_EQUAL(sc->cfg.ts.slice_ns, 1);
    scn_free(sc);
}

static void defaults_fill_what_a_scenario_leaves_out(void)
{
    scn *sc = NULL;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(scn_load_text(SCENARIO(", \"sharing\": {\"mode\": \"timeslice\"}", GOOD_TENANT),
                                        "s.json", NULL, 0, &sc, err, sizeof err), SCN_OK);
    CU_ASSERT_EQUAL(sc->cfg.ts.slice_ns, 1024 * SIM_NS_PER_US);    /* native CUDA slice */
    /* the switch cost from its parts (models/ctxsw.c): instruction-level
     * preemption on the scenario's GPU */
    CU_ASSERT_EQUAL(sc->cfg.ts.switch_ns, sim_round_ns(ctxsw_cost_us(sc->cfg.gpu, TS_PREEMPT_INSTRUCTION, 0) * 1e3));
    CU_ASSERT(sc->cfg.ts.switch_ns > 50 * SIM_NS_PER_US && sc->cfg.ts.switch_ns < 100 * SIM_NS_PER_US);
    CU_ASSERT_EQUAL(sc->cfg.reps, 5);
    CU_ASSERT_EQUAL(sc->cfg.duration, 60 * SIM_NS_PER_S);
    CU_ASSERT_EQUAL(sc->cfg.drain, sc->cfg.duration);
    CU_ASSERT_EQUAL(sc->cfg.ngpus, 1);
    scn_free(sc);
}

static void missing_file_is_bad_input(void)
{
    scn *sc = NULL;
    char err[512];
    CU_ASSERT_EQUAL(scn_load("/nonexistent/x.json", NULL, 0, &sc, err, sizeof err), SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/x.json"));
}

TU_SUITE_FN(scenario)
{
    static const tu_test tests[] = {
        TU_TEST(malformed_json_is_refused_with_its_line),
        TU_TEST(a_host_gap_on_a_fixed_burst_is_refused),
        TU_TEST(unknown_field_is_refused_with_the_allowed_ones),
        TU_TEST(wrong_type_is_refused),
        TU_TEST(zero_or_negative_rates_and_durations_are_refused),
        TU_TEST(unknown_presets_and_kinds_are_refused_with_the_choices),
        TU_TEST(percentile_method_is_checked),
        TU_TEST(exclusive_gpu_refuses_a_second_tenant),
        TU_TEST(set_overrides_a_value_by_path),
        TU_TEST(set_to_null_restores_the_default),
        TU_TEST(set_with_a_bad_path_or_value_is_refused),
        TU_TEST(set_indices_are_range_checked_not_wrapped),
        TU_TEST(duplicate_keys_are_refused_with_their_path),
        TU_TEST(control_characters_never_reach_the_message_raw),
        TU_TEST(a_duration_below_one_ns_is_blamed_on_duration),
        TU_TEST(defaults_fill_what_a_scenario_leaves_out),
        TU_TEST(a_slice_below_one_ns_is_one_ns),
        TU_TEST(host_noise_that_fills_all_of_the_time_is_refused),
        TU_TEST(missing_file_is_bad_input),
    };
    TU_SUITE("scenario", tests);
}
