/* test_model.c -- analytic validation of the time-sliced GPU and the
 * measurement pipeline against queueing closed forms (DESIGN §9). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tests/testutil.h"
#include "scenarios/scenario.h"

/* Run a scenario given as JSON text; metrics of tenant i are read with
 * model_tenant_stat. The caller frees both. -1 (the test failed) when the
 * scenario does not load or run. */
static int run_text(const char *json, scn **sc, model_result *res)
{
    char err[1024];
    int rc = scn_load_text(json, "test.json", NULL, 0, sc, err, sizeof err);
    if (rc != SCN_OK) {
        fprintf(stderr, "\n    %s\n", err);
        CU_FAIL("scenario did not run");
        return -1;
    }
    if (model_run(&(*sc)->cfg, res, err, sizeof err) < 0) {
        scn_free(*sc);
        CU_FAIL("scenario did not run");
        return -1;
    }
    return 0;
}

static double metric(const model_result *res, int ti, int m)
{
    return model_tenant_stat(res, ti, (model_tenant_metric)m)->mean;
}

/* M/M/1 FCFS, rho = 0.8, E[S] = 1 ms: sojourn ~ Exp(mu - lambda), mean 5 ms,
 * p95 = 5 ln 20 ms. At rho = 0.8 sojourn times are strongly autocorrelated,
 * so one run of a million requests still scatters its p95 by about 2%; the
 * estimate is the mean over 8 independent replications. */
static void mm1_fcfs_matches_closed_form_mean_and_p95(void)
{
    const char *json =
        "{\"duration_s\": 1000, \"warmup_s\": 10, \"replications\": 8, \"seed\": 7,"
        " \"hardware\": {\"gpu\": \"h100-sxm\"},"
        " \"tenants\": [{\"name\": \"q\","
        "   \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}},"
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 800}}]}";
    scn *sc;
    model_result res;
    if (run_text(json, &sc, &res) < 0)
        return;
    CU_ASSERT(metric(&res, 0, MT_COMPLETED) > 780000);
    ASSERT_REL(metric(&res, 0, MT_MEAN), 5.0, 0.02);
    ASSERT_REL(metric(&res, 0, MT_P95), 5.0 * log(20.0), 0.02);
    ASSERT_REL(metric(&res, 0, MT_THROUGHPUT), 800, 0.01);
    ASSERT_REL(model_gpu_stat(&res, 0, MG_UTIL)->mean, 0.8, 0.01);
    /* time-weighted requests in the system: rho / (1 - rho) = 4, and
     * Little's law L = lambda W on the measured figures */
    ASSERT_REL(metric(&res, 0, MT_IN_SYSTEM), 4.0, 0.02);
    ASSERT_REL(metric(&res, 0, MT_IN_SYSTEM),
               metric(&res, 0, MT_THROUGHPUT) * metric(&res, 0, MT_MEAN) / 1e3, 0.01);
    model_result_free(&res);
    scn_free(sc);
}

/* The whole pipeline's intervals (model_run and its typed summary's per-metric
 * interval) over 400 fixed seeds of an M/M/1 queue at rho = 0.5 (E[S] = 1
 * ms): 5 replications of 2000 measured requests each, after a 0.2 s warm-up
 * (about 17 relaxation times, 1 / (mu (1 - sqrt rho)^2) = 12 ms, so the
 * empty start's bias is negligible). Truth: mean sojourn 2 ms, p95 2 ln 20
 * ms. 92-98% of 400 seeds is 368-392. */
static void mm1_report_intervals_cover_the_truth_92_to_98_percent(void)
{
    const char *json =
        "{\"duration_s\": 4.2, \"warmup_s\": 0.2, \"replications\": 5, \"seed\": 1,"
        " \"hardware\": {\"gpu\": \"h100-sxm\"},"
        " \"tenants\": [{\"name\": \"q\","
        "   \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}},"
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 500}}]}";
    char err[1024];
    scn *sc;
    CU_ASSERT_EQUAL_FATAL(scn_load_text(json, "test.json", NULL, 0, &sc, err, sizeof err), SCN_OK);
    int mean_in = 0, p95_in = 0, positive = 1;
    double tm = 2.0, tp = 2.0 * log(20.0);
    for (int seed = 0; seed < 400; seed++) {
        model_result res;
        sc->cfg.seed = 5000 + (uint64_t)seed;
        if (model_run(&sc->cfg, &res, err, sizeof err) < 0) {
            CU_FAIL("scenario did not run");
            break;
        }
        model_stat m = *model_tenant_stat(&res, 0, MT_MEAN), p = *model_tenant_stat(&res, 0, MT_P95);
        mean_in += m.lo <= tm && tm <= m.hi;
        p95_in += p.lo <= tp && tp <= p.hi;
        positive &= m.lo > 0 && p.lo > 0;
        model_result_free(&res);
    }
    printf("\n    model_run, 400 seeds x 5 replications: mean covered %d/400, p95 %d/400", mean_in, p95_in);
    CU_ASSERT(mean_in >= 368 && mean_in <= 392);
    CU_ASSERT(p95_in >= 368 && p95_in <= 392);
    CU_ASSERT(positive);
    scn_free(sc);
}

/* Service-time noise of CV c on deterministic 1 ms bursts makes an M/G/1
 * queue with E[S] = 1 ms (the factor has mean 1) and E[S^2] = 1 + c^2:
 * Pollaczek-Khinchine, E[T] = E[S] + lambda E[S^2] / (2 (1 - rho)). At
 * rho = 0.5, c = 1: 2 ms, against 1.5 ms without noise. */
static void service_noise_turns_md1_into_mg1_with_the_pk_mean(void)
{
#define NOISY_JSON \
        "{\"duration_s\": 200, \"warmup_s\": 2, \"replications\": 2, \"seed\": 4," \
        " \"hardware\": {\"gpu\": \"a100-sxm-80gb\"}," \
        " \"tenants\": [{\"name\": \"q\", \"service_noise_cv\": %s," \
        "   \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"deterministic\", \"mean\": 1}}," \
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 500}}]}"
    const char *cvs[] = { "0", "1" };
    const double want[] = { 1.5, 2.0 };
    for (int k = 0; k < 2; k++) {
        char text[1024];
        snprintf(text, sizeof text, NOISY_JSON, cvs[k]);
        scn *sc;
        model_result res;
        if (run_text(text, &sc, &res) < 0)
            return;
        ASSERT_REL(metric(&res, 0, MT_MEAN), want[k], 0.03);
        ASSERT_REL(model_gpu_stat(&res, 0, MG_UTIL)->mean, 0.5, 0.02);   /* the mean service is kept */
        model_result_free(&res);
        scn_free(sc);
    }
}

/* M/D/1 FCFS: Pollaczek-Khinchine, E[T] = S + rho S / (2 (1 - rho)). */
static void md1_fcfs_matches_pollaczek_khinchine(void)
{
    const char *json =
        "{\"duration_s\": 500, \"warmup_s\": 5, \"replications\": 1, \"seed\": 3,"
        " \"hardware\": {\"gpu\": \"a100-sxm-80gb\"},"
        " \"tenants\": [{\"name\": \"q\","
        "   \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"deterministic\", \"mean\": 2}},"
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 350}}]}";
    scn *sc;
    model_result res;
    if (run_text(json, &sc, &res) < 0)
        return;
    double rho = 0.7, s = 2.0;
    ASSERT_REL(metric(&res, 0, MT_MEAN), s + rho * s / (2 * (1 - rho)), 0.02);
    ASSERT_REL(metric(&res, 0, MT_QUEUE), rho * s / (2 * (1 - rho)), 0.03);
    ASSERT_REL(metric(&res, 0, MT_SERVICE), s, 1e-9);
    model_result_free(&res);
    scn_free(sc);
}

/* One context per request, slice far below the service time, no switch
 * cost: round robin tends to processor sharing, E[T] = E[S] / (1 - rho),
 * here 4 ms; FCFS would give 1 + 0.75/0.5 = 2.5 ms. */
static void timeslice_with_zero_switch_cost_matches_processor_sharing(void)
{
    const char *json =
        "{\"duration_s\": 120, \"warmup_s\": 2, \"replications\": 1, \"seed\": 11,"
        " \"hardware\": {\"gpu\": \"h100-sxm\"},"
        " \"sharing\": {\"mode\": \"timeslice\", \"timeslice_ms\": 0.01, \"switch_cost_us\": 0},"
        " \"tenants\": [{\"name\": \"ps\", \"context\": \"per_request\","
        "   \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"deterministic\", \"mean\": 1}},"
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 750}}]}";
    scn *sc;
    model_result res;
    if (run_text(json, &sc, &res) < 0)
        return;
    ASSERT_REL(metric(&res, 0, MT_MEAN), 1.0 / (1 - 0.75), 0.03);
    CU_ASSERT(metric(&res, 0, MT_MEAN) > 3.0);       /* far from FCFS's 2.5 ms */
    model_result_free(&res);
    scn_free(sc);
}

static const char *busy_tenants_json(int k, double slice_ms, double switch_us, char *buf, size_t len)
{
    int n = snprintf(buf, len,
        "{\"duration_s\": 20, \"warmup_s\": 1, \"replications\": 2, \"seed\": 5,"
        " \"hardware\": {\"gpu\": \"h100-sxm\"},"
        " \"sharing\": {\"mode\": \"timeslice\", \"timeslice_ms\": %g, \"switch_cost_us\": %g},"
        " \"tenants\": [", slice_ms, switch_us);
    for (int i = 0; i < k; i++)
        n += snprintf(buf + n, len - (size_t)n,
            "%s{\"name\": \"t%d\","
            " \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"deterministic\", \"mean\": 10}},"
            " \"arrivals\": {\"type\": \"closed\", \"users\": 1, \"think_s\": 0}}",
            i ? ", " : "", i);
    snprintf(buf + n, len - (size_t)n, "]}");
    return buf;
}

/* K always-busy tenants each get 1/K of the GPU. */
static void busy_tenants_share_the_gpu_equally(void)
{
    char json[4096];
    scn *sc;
    model_result res;
    if (run_text(busy_tenants_json(4, 2.0, 0, json, sizeof json), &sc, &res) < 0)
        return;
    for (int i = 0; i < 4; i++)
        ASSERT_REL(metric(&res, i, MT_SHARE), 0.25, 0.005);
    ASSERT_REL(model_gpu_stat(&res, 0, MG_UTIL)->mean, 1.0, 1e-6);
    model_result_free(&res);
    scn_free(sc);
}

/* With switch cost c and slice q, useful work is q / (q + c) of the GPU, and
 * a closed-loop request of service S among K busy tenants takes
 * K S (q + c) / q. */
static void switch_cost_leaves_q_over_q_plus_c_of_the_gpu(void)
{
    char json[4096];
    const double q = 2.0, c = 0.5, s = 10.0;
    const int k = 3;
    scn *sc;
    model_result res;
    if (run_text(busy_tenants_json(k, q, c * 1000, json, sizeof json), &sc, &res) < 0)
        return;
    ASSERT_REL(model_gpu_stat(&res, 0, MG_UTIL)->mean, q / (q + c), 0.002);
    ASSERT_REL(model_gpu_stat(&res, 0, MG_SWITCH_FRAC)->mean, c / (q + c), 0.01);
    for (int i = 0; i < k; i++) {
        ASSERT_REL(metric(&res, i, MT_SHARE), q / (q + c) / k, 0.005);
        ASSERT_REL(metric(&res, i, MT_MEAN), k * s * (q + c) / q, 0.01);
    }
    model_result_free(&res);
    scn_free(sc);
}

/* Two always-busy tenants, a and b, each a deterministic mean_ms burst of
 * `kernels` kernels, on 1 ms slices without switch cost under the
 * preemption the JSON members `preemption` give; the text in buf. */
static const char *preempted_pair_json(const char *preemption, int kernels, double mean_ms, char *buf, size_t len)
{
    snprintf(buf, len,
        "{\"duration_s\": 10, \"warmup_s\": 1, \"replications\": 1,"
        " \"hardware\": {\"gpu\": \"h100-sxm\"},"
        " \"sharing\": {\"mode\": \"timeslice\", \"timeslice_ms\": 1, \"switch_cost_us\": 0, %s},"
        " \"tenants\": ["
        "  {\"name\": \"a\", \"workload\": {\"type\": \"synthetic\", \"kernels\": %d,"
        "     \"service_ms\": {\"dist\": \"deterministic\", \"mean\": %g}},"
        "   \"arrivals\": {\"type\": \"closed\", \"users\": 1}},"
        "  {\"name\": \"b\", \"workload\": {\"type\": \"synthetic\", \"kernels\": %d,"
        "     \"service_ms\": {\"dist\": \"deterministic\", \"mean\": %g}},"
        "   \"arrivals\": {\"type\": \"closed\", \"users\": 1}}]}",
        preemption, kernels, mean_ms, kernels, mean_ms);
    return buf;
}

/* Under kernel-level preemption a slice cannot end inside a kernel: with
 * 1 ms slices and 4 ms kernels each tenant holds the GPU for whole kernels. */
static void kernel_preemption_waits_for_the_running_kernel(void)
{
    char json[2048];
    scn *sc;
    model_result res;
    if (run_text(preempted_pair_json("\"preemption\": \"kernel\"", 5, 20, json, sizeof json), &sc, &res) < 0)
        return;
    /* each turn is one whole 4 ms kernel: 9 s / 4 ms = 2250 switches */
    ASSERT_REL(model_gpu_stat(&res, 0, MG_SWITCHES)->mean, 9000.0 / 4.0, 0.01);
    ASSERT_REL(metric(&res, 0, MT_MEAN), 40.0, 0.02);
    model_result_free(&res);
    scn_free(sc);
}

/* Block-level preemption stops at the next block boundary: 1 ms slices,
 * 0.3 ms blocks -> each turn lasts 1.2 ms. */
static void block_preemption_stops_at_the_next_block(void)
{
    char json[2048];
    scn *sc;
    model_result res;
    if (run_text(preempted_pair_json("\"preemption\": \"block\", \"block_us\": 300", 1, 120, json, sizeof json),
                 &sc, &res) < 0)
        return;
    ASSERT_REL(model_gpu_stat(&res, 0, MG_SWITCHES)->mean, 9000.0 / 1.2, 0.01);
    model_result_free(&res);
    scn_free(sc);
}

/* Streams are keyed by entity: a tenant on another GPU does not shift the
 * random numbers, hence the results, of the first. */
static void adding_a_tenant_elsewhere_leaves_others_unchanged(void)
{
    const char *one =
        "{\"duration_s\": 5, \"replications\": 2, \"hardware\": {\"gpu\": \"h100-sxm\", \"gpus\": 2},"
        " \"tenants\": [{\"name\": \"a\", \"workload\": {\"type\": \"synthetic\","
        "   \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}},"
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 500}}]}";
    const char *two =
        "{\"duration_s\": 5, \"replications\": 2, \"hardware\": {\"gpu\": \"h100-sxm\", \"gpus\": 2},"
        " \"tenants\": [{\"name\": \"a\", \"workload\": {\"type\": \"synthetic\","
        "   \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}},"
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 500}},"
        "  {\"name\": \"b\", \"gpu\": 1, \"workload\": {\"type\": \"synthetic\","
        "   \"service_ms\": {\"dist\": \"gamma\", \"mean\": 3, \"cv\": 2}},"
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 100}}]}";
    scn *s1, *s2;
    model_result r1, r2;
    if (run_text(one, &s1, &r1) < 0 || run_text(two, &s2, &r2) < 0)
        return;
    for (int m = 0; m < MT_N; m++)
        for (int rep = 0; rep < 2; rep++) {
            double a = model_tenant_at(&r1, rep, 0)->t[m], b = model_tenant_at(&r2, rep, 0)->t[m];
            CU_ASSERT((isnan(a) && isnan(b)) || a == b);
        }
    CU_ASSERT(model_tenant_at(&r1, 0, 0)->t[MT_MEAN] != model_tenant_at(&r1, 1, 0)->t[MT_MEAN]);
    model_result_free(&r1);
    model_result_free(&r2);
    scn_free(s1);
    scn_free(s2);
}

/* The latency breakdown adds up: queueing + other tenants + switch + service
 * = mean latency when there is no host time. */
static void latency_breakdown_sums_to_the_mean(void)
{
    const char *json =
        "{\"duration_s\": 20, \"warmup_s\": 1, \"replications\": 1,"
        " \"hardware\": {\"gpu\": \"h100-sxm\"},"
        " \"sharing\": {\"mode\": \"timeslice\", \"timeslice_ms\": 2, \"switch_cost_us\": 40},"
        " \"tenants\": ["
        "  {\"name\": \"a\", \"workload\": {\"type\": \"synthetic\","
        "     \"service_ms\": {\"dist\": \"lognormal\", \"mean\": 3, \"cv\": 0.8}},"
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 100}},"
        "  {\"name\": \"b\", \"workload\": {\"type\": \"synthetic\","
        "     \"service_ms\": {\"dist\": \"deterministic\", \"mean\": 8}},"
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 50}}]}";
    scn *sc;
    model_result res;
    if (run_text(json, &sc, &res) < 0)
        return;
    for (int i = 0; i < 2; i++) {
        double sum = metric(&res, i, MT_QUEUE) + metric(&res, i, MT_OTHER) +
                     metric(&res, i, MT_SWITCH) + metric(&res, i, MT_SERVICE);
        ASSERT_REL(sum, metric(&res, i, MT_MEAN), 1e-9);
        CU_ASSERT(metric(&res, i, MT_OTHER) > 0);
        CU_ASSERT(metric(&res, i, MT_SWITCH) > 0);
    }
    model_result_free(&res);
    scn_free(sc);
}

/* The bounded-memory histogram gives every percentile within its stated
 * relative error of the exact ones, and the same mean. */
static void histogram_percentiles_stay_within_their_stated_error(void)
{
#define MM1_PCT(method) \
    "{\"duration_s\": 200, \"warmup_s\": 5, \"replications\": 2, \"seed\": 9," \
    " \"percentiles\": " method "," \
    " \"hardware\": {\"gpu\": \"h100-sxm\"}," \
    " \"tenants\": [{\"name\": \"q\"," \
    "   \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}}," \
    "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 700}}]}"
    scn *se, *sh;
    model_result re, rh;
    if (run_text(MM1_PCT("{\"method\": \"exact\"}"), &se, &re) < 0 ||
        run_text(MM1_PCT("{\"method\": \"histogram\", \"relative_error\": 0.002}"), &sh, &rh) < 0)
        return;
    ASSERT_REL(metric(&rh, 0, MT_MEAN), metric(&re, 0, MT_MEAN), 1e-12);
    CU_ASSERT_EQUAL(metric(&rh, 0, MT_COMPLETED), metric(&re, 0, MT_COMPLETED));
    for (int m = MT_P50; m <= MT_P999; m++)
        ASSERT_REL(metric(&rh, 0, m), metric(&re, 0, m), 0.002 + 0.001);
    model_result_free(&re);
    model_result_free(&rh);
    scn_free(se);
    scn_free(sh);
#undef MM1_PCT
}

/* Replications on several threads: the same result, value for value, as
 * one after another, for every sharing mode the examples use; and every
 * measured request reaches the record sink exactly once. Each replication
 * is a model of its own and the configuration is only read, so nothing
 * shared is written while threads run. */
typedef struct {
    long n[8];
} rec_count;

static void count_rec(void *ud, const tenant_rec *r)
{
    rec_count *c = ud;
    __atomic_fetch_add(&c->n[r->rep], 1, __ATOMIC_RELAXED);
}

static void replications_on_threads_give_the_serial_result(void)
{
    const char *files[] = { "scenarios/default.json", "scenarios/mps-fault.json", "scenarios/mig-a100-mixed.json",
                            "scenarios/virt-vgpu-full-card.json", "scenarios/llm-diffusion-timesliced.json" };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        scn *sc;
        char err[1024];
        char reps[] = "replications=6";
        char *sets[] = { reps };
        CU_ASSERT_EQUAL_FATAL(scn_load(files[f], sets, 1, &sc, err, sizeof err), SCN_OK);
        model_result a, b;
        rec_count ca = { { 0 } }, cb = { { 0 } };
        sc->cfg.on_rec = count_rec;
        sc->cfg.rec_ud = &ca;
        CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &a, err, sizeof err), 0);
        sc->cfg.jobs = 4;
        sc->cfg.rec_ud = &cb;
        CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &b, err, sizeof err), 0);
        size_t nt = (size_t)a.reps * (size_t)a.ntenants, ng = (size_t)a.reps * (size_t)a.ngpus * MG_N;
        CU_ASSERT(memcmp(a.tr, b.tr, nt * sizeof *a.tr) == 0);
        CU_ASSERT(memcmp(a.gr, b.gr, ng * sizeof *a.gr) == 0);
        CU_ASSERT(memcmp(a.ir, b.ir, ng * (size_t)(a.ninst ? a.ninst : 1) * sizeof *a.ir) == 0);
        CU_ASSERT_EQUAL(a.events, b.events);
        CU_ASSERT(a.sim_time_s == b.sim_time_s);
        for (int r = 0; r < 6; r++) {
            double done = 0;
            for (int t = 0; t < a.ntenants; t++)
                done += model_tenant_at(&a, r, t)->t[MT_COMPLETED];
            CU_ASSERT_EQUAL((double)ca.n[r], done);
            CU_ASSERT_EQUAL(ca.n[r], cb.n[r]);
        }
        model_result_free(&a);
        model_result_free(&b);
        scn_free(sc);
    }
}

TU_SUITE_FN(model)
{
    static const tu_test tests[] = {
        TU_TEST(mm1_fcfs_matches_closed_form_mean_and_p95),
        TU_TEST(mm1_report_intervals_cover_the_truth_92_to_98_percent),
        TU_TEST(service_noise_turns_md1_into_mg1_with_the_pk_mean),
        TU_TEST(md1_fcfs_matches_pollaczek_khinchine),
        TU_TEST(timeslice_with_zero_switch_cost_matches_processor_sharing),
        TU_TEST(busy_tenants_share_the_gpu_equally),
        TU_TEST(switch_cost_leaves_q_over_q_plus_c_of_the_gpu),
        TU_TEST(kernel_preemption_waits_for_the_running_kernel),
        TU_TEST(block_preemption_stops_at_the_next_block),
        TU_TEST(adding_a_tenant_elsewhere_leaves_others_unchanged),
        TU_TEST(latency_breakdown_sums_to_the_mean),
        TU_TEST(histogram_percentiles_stay_within_their_stated_error),
        TU_TEST(replications_on_threads_give_the_serial_result),
    };
    TU_SUITE("model", tests);
}
