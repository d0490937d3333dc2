/* test_profile.c -- GPU profiles: the datasheet files, hardware.profile in a
 * scenario, the measured-range warnings and bad profile input. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/testutil.h"
#include "models/llm.h"
#include "scenarios/scenario.h"

#define FIXTURE_PROFILE "tests/fixtures/profile_synthetic_h100.json"

static void every_datasheet_profile_matches_its_builtin_preset(void)
{
    for (size_t i = 0; i < gpu_spec_count(); i++) {
        const gpu_spec *g = gpu_spec_at(i);
        char path[256], err[1024];
        prof *p = calloc(1, sizeof *p);
        snprintf(path, sizeof path, "calibration/profiles/%s.json", g->name);
        int rc = prof_load(path, p, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "\n    %s\n", err);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
        CU_ASSERT_STRING_EQUAL(p->spec.name, g->name);
        CU_ASSERT_EQUAL(p->measured, 0);
        CU_ASSERT_EQUAL(p->spec.sms, g->sms);
        CU_ASSERT_EQUAL(p->spec.mig_max, g->mig_max);
        for (int k = 0; k < GPU_NPREC; k++)
            CU_ASSERT_DOUBLE_EQUAL(p->spec.tflops[k], g->tflops[k], 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(p->spec.mem_gb, g->mem_gb, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(p->spec.mem_bw_tbs, g->mem_bw_tbs, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(p->spec.nvlink_gbs, g->nvlink_gbs, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(p->spec.pcie_gbs, g->pcie_gbs, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(p->spec.eta_c, g->eta_c, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(p->spec.eta_m, g->eta_m, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(p->spec.launch_us, g->launch_us, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(p->spec.switch_us, g->switch_us, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(p->timeslice_ms, 1.024, 1e-12);
        /* the power limit comes from the preset of the same name (T4: 70 W
         * against the 156 W its dense load needs) */
        CU_ASSERT_DOUBLE_EQUAL(p->spec.tdp_w, g->tdp_w, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(p->spec.hold_w, g->hold_w, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(gpu_power_clock(&p->spec), gpu_power_clock(g), 1e-12);
        free(p);
    }
}

#define SCENARIO_FMT \
    "{\"duration_s\": 2, \"replications\": 1," \
    " \"hardware\": {\"profile\": \"%s\"}," \
    " \"sharing\": {\"mode\": \"timeslice\"}," \
    " \"tenants\": [{\"name\": \"t\", \"workload\": {\"type\": \"synthetic\", \"flops\": %s," \
    " \"kernels\": %s, \"precision\": \"%s\"%s}," \
    " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 10}}]}"

static scn *load(const char *file, const char *profile, const char *flops, const char *kernels,
                 const char *prec, const char *extra, char *err, size_t errlen, int *rc)
{
    char text[2048];
    scn *sc = NULL;
    snprintf(text, sizeof text, SCENARIO_FMT, profile, flops, kernels, prec, extra);
    *rc = scn_load_text(text, file, NULL, 0, &sc, err, errlen);
    return sc;
}

static void scenario_profile_path_is_relative_to_the_scenario_file(void)
{
    char err[1024];
    int rc;
    scn *sc = load("tests/fixtures/scenario.json", "profile_synthetic_h100.json", "1e11", "1", "bf16", "",
                   err, sizeof err, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc->profile);
    CU_ASSERT_PTR_EQUAL(sc->cfg.gpu, &sc->profile->spec);
    CU_ASSERT_STRING_EQUAL(sc->cfg.gpu->name, "h100-sxm-synthetic");
    /* the fitted values of the fixture profile */
    ASSERT_REL(sc->cfg.gpu->eta_c, 0.69915288485937144, 1e-12);
    ASSERT_REL(sc->cfg.gpu->launch_us, 2.2069, 1e-12);
    /* sharing defaults come from the profile: measured slice and switch */
    CU_ASSERT_EQUAL(sc->cfg.ts.slice_ns, 1596871);
    CU_ASSERT_EQUAL(sc->cfg.ts.switch_ns, 38085);
    scn_free(sc);
}

/* A 1e11-FLOP bf16 burst of one kernel costs flops / (989e12 eta_c) plus one
 * launch; tf32 runs at the tf32 efficiency the profile measured. */
static void profile_rates_reproduce_each_measured_precision(void)
{
    char err[1024];
    int rc;
    scn *sc = load("tests/fixtures/s.json", "profile_synthetic_h100.json", "1e11", "1", "bf16", "",
                   err, sizeof err, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    gpu_rate r = gpu_rate_of(sc->cfg.gpu, 1, 1);
    ASSERT_REL(r.flops_per_s[GPU_BF16], 989e12 * 0.69915288485937144, 1e-12);
    cJSON *doc;
    CU_ASSERT_EQUAL_FATAL(prof_read_json(FIXTURE_PROFILE, &doc, err, sizeof err), 0);
    double eta_tf32 = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "eta_c_by_precision"),
                                                               "tf32"), "eta")->valuedouble;
    ASSERT_REL(r.flops_per_s[GPU_TF32], 495e12 * eta_tf32, 1e-12);
    ASSERT_REL(eta_tf32, 0.55, 0.02);
    gpu_burst b = { 1e11, 0, 1, GPU_BF16 };
    ASSERT_REL((double)gpu_burst_ns(&r, &b), 1e11 / (989e12 * 0.69915288485937144) * 1e9 + 2206.9, 1e-6);
    cJSON_Delete(doc);
    scn_free(sc);
}

static void count_warning(void *ud, const char *msg)
{
    (void)msg;
    (*(int *)ud)++;
}

static int warnings_for(const char *flops, const char *kernels, const char *prec)
{
    char err[1024];
    int rc, n = 0;
    scn *sc = load("tests/fixtures/s.json", "profile_synthetic_h100.json", flops, kernels, prec, "",
                   err, sizeof err, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    prof_check(sc->profile, &sc->cfg, count_warning, &n);
    scn_free(sc);
    return n;
}

/* The fixture measured bf16 GEMMs of 2^34 .. 2^40 FLOPs per call. */
static void bursts_outside_the_measured_range_are_warned_about(void)
{
    CU_ASSERT_EQUAL(warnings_for("1e11", "1", "bf16"), 0);
    CU_ASSERT_EQUAL(warnings_for("4e11", "4", "bf16"), 0);        /* 1e11 per kernel */
    CU_ASSERT_EQUAL(warnings_for("1e9", "1", "bf16"), 1);         /* below 1.7e10 */
    CU_ASSERT_EQUAL(warnings_for("1e11", "100", "bf16"), 1);      /* 1e9 per kernel */
    CU_ASSERT_EQUAL(warnings_for("5e12", "1", "bf16"), 1);        /* above 1.1e12 */
    CU_ASSERT_EQUAL(warnings_for("1e11", "1", "fp8"), 1);         /* fp8 not measured */
}

static void datasheet_profile_warns_that_nothing_was_measured(void)
{
    char err[1024];
    int rc, n = 0;
    scn *sc = load("scenarios/x.json", "../calibration/profiles/h200.json", "1e11", "1", "bf16", "",
                   err, sizeof err, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    CU_ASSERT_STRING_EQUAL(sc->cfg.gpu->name, "h200");
    prof_check(sc->profile, &sc->cfg, count_warning, &n);
    CU_ASSERT_EQUAL(n, 1);
    scn_free(sc);
}

static void run_summary_carries_the_range_warning(void)
{
    char dir[64], path[128], scen[128], text[2048], out[8192], err[2048], prof_abs[1024];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(prof_abs, sizeof prof_abs - 64));
    strcat(prof_abs, "/" FIXTURE_PROFILE);
    snprintf(text, sizeof text, SCENARIO_FMT, prof_abs, "1e9", "1", "bf16", "");
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    CU_ASSERT_EQUAL_FATAL(tu_write_file(scen, text), 0);
    char *argv[] = { "slicesim", "run", scen, "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *summary = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(summary);
    CU_ASSERT_PTR_NOT_NULL(strstr(summary, "outside the range profile \\\"h100-sxm-synthetic\\\" measured"));
    CU_ASSERT_PTR_NOT_NULL(strstr(summary, "\"profile\":"));
    free(summary);
}

static void expect_bad(const char *profile, const char *needle1, const char *needle2)
{
    char err[1024];
    int rc;
    scn *sc = load("tests/fixtures/s.json", profile, "1e11", "1", "bf16", "", err, sizeof err, &rc);
    CU_ASSERT_PTR_NULL(sc);
    CU_ASSERT_EQUAL(rc, SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "hardware.profile"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, needle1));
    if (needle2)
        CU_ASSERT_PTR_NOT_NULL(strstr(err, needle2));
    if (!strstr(err, needle1) || (needle2 && !strstr(err, needle2)))
        fprintf(stderr, "\n    message: %s\n", err);
    scn_free(sc);
}

static void bad_profiles_are_rejected_with_file_path_and_value(void)
{
    char dir[64], p1[128], p2[128], p3[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    expect_bad("no-such-profile.json", "tests/fixtures/no-such-profile.json", "cannot open");
    snprintf(p1, sizeof p1, "%s/broken.json", dir);
    tu_write_file(p1, "{\n \"format\": \"slicesim-profile/1\",\n \"name\": }");
    expect_bad(p1, "line 3", "malformed JSON");
    char *good = tu_read_file(FIXTURE_PROFILE, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(good);
    char *at = strstr(good, "\"eta_m\":");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    memcpy(at, "\"eta_m\":-7", 10);                   /* overwrite the first digits */
    snprintf(p2, sizeof p2, "%s/eta.json", dir);
    tu_write_file(p2, good);
    expect_bad(p2, "eta_m", "out of range");
    snprintf(p3, sizeof p3, "%s/fmt.json", dir);
    tu_write_file(p3, "{\"format\": \"other/2\"}");
    expect_bad(p3, "format", "slicesim-profile/1");
    free(good);
}

static void example_scenario_with_a_profile_runs(void)
{
    char out[8192], err[2048];
    char *argv[] = { "slicesim", "run", "scenarios/profile-h200-timesliced.json", NULL };
    int rc = tu_cli(argv, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "\n    %s\n", err);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "h200"));
}

/* A profile may carry its own MIG table and server topology: a GPU the
 * program has never heard of gets MIG layouts and NVLink collectives. */
static void a_profile_brings_its_own_mig_table_and_topology(void)
{
    char err[1024];
    scn *sc = NULL;
    const char *mig =
        "{\"duration_s\": 2, \"replications\": 1, \"hardware\": {\"profile\": \"profile_own_mig_topology.json\"},"
        " \"sharing\": {\"mode\": \"mig\", \"instances\": [{\"profile\": \"2q.40gb\"}, {\"profile\": \"1q.20gb\"}]},"
        " \"tenants\": [{\"name\": \"t\", \"workload\": {\"type\": \"synthetic\", \"flops\": 1e11, \"kernels\": 1},"
        " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 10}}]}";
    int rc = scn_load_text(mig, "tests/fixtures/s.json", NULL, 0, &sc, err, sizeof err);
    if (rc != SCN_OK)
        fprintf(stderr, "\n    %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    CU_ASSERT_PTR_EQUAL(sc->cfg.mig, &sc->profile->mig);
    CU_ASSERT_EQUAL(sc->cfg.mig->slots, 4);
    const mig_profile *q = mig_profile_find(sc->cfg.mig, "2q.40gb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->sms, 64);
    CU_ASSERT_EQUAL(sc->cfg.ninst, 2);
    scn_free(sc);
    /* three 2q instances do not fit its 4 slots */
    const char *bad =
        "{\"duration_s\": 2, \"replications\": 1, \"hardware\": {\"profile\": \"profile_own_mig_topology.json\"},"
        " \"sharing\": {\"mode\": \"mig\", \"instances\": [{\"profile\": \"2q.40gb\"}, {\"profile\": \"2q.40gb\"},"
        " {\"profile\": \"2q.40gb\"}]},"
        " \"tenants\": [{\"name\": \"t\", \"workload\": {\"type\": \"synthetic\", \"flops\": 1e11, \"kernels\": 1},"
        " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 10}}]}";
    sc = NULL;
    CU_ASSERT_EQUAL(scn_load_text(bad, "tests/fixtures/s.json", NULL, 0, &sc, err, sizeof err), SCN_BAD_INPUT);
    scn_free(sc);
    /* its topology: 4 GPUs a node over NVLink (tp 4 all-reduces at NVLink speed) */
    const char *tp =
        "{\"duration_s\": 2, \"replications\": 1, \"hardware\": {\"profile\": \"profile_own_mig_topology.json\", \"gpus\": 4},"
        " \"tenants\": [{\"name\": \"t\", \"workload\": {\"type\": \"llm\", \"model\": \"llama-3-8b\", \"tp\": 4},"
        " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 1}}]}";
    sc = NULL;
    rc = scn_load_text(tp, "tests/fixtures/s.json", NULL, 0, &sc, err, sizeof err);
    if (rc != SCN_OK)
        fprintf(stderr, "\n    %s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    const llm_params *lp = sc->cfg.tenants[0].wl_params;
    CU_ASSERT_STRING_EQUAL(lp->tp_net.preset->name, "x100-box");
    CU_ASSERT_EQUAL(lp->tp_net.intra, TOPO_LINK_NVLINK);
    scn_free(sc);
}

TU_SUITE_FN(profile)
{
    static const tu_test tests[] = {
        TU_TEST(every_datasheet_profile_matches_its_builtin_preset),
        TU_TEST(scenario_profile_path_is_relative_to_the_scenario_file),
        TU_TEST(profile_rates_reproduce_each_measured_precision),
        TU_TEST(bursts_outside_the_measured_range_are_warned_about),
        TU_TEST(datasheet_profile_warns_that_nothing_was_measured),
        TU_TEST(run_summary_carries_the_range_warning),
        TU_TEST(bad_profiles_are_rejected_with_file_path_and_value),
        TU_TEST(example_scenario_with_a_profile_runs),
        TU_TEST(a_profile_brings_its_own_mig_table_and_topology),
    };
    TU_SUITE("profile", tests);
}
