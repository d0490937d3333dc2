/* test_router.c -- fleets behind a router against queueing theory: Poisson
 * arrivals split at random over N exponential servers are N independent
 * M/M/1 queues; split round robin, each server sees Erlang-N interarrivals
 * (an E_N/M/1 queue, whose sojourn is exponential with rate mu (1 - sigma),
 * sigma the root in (0, 1) of sigma = A*(mu (1 - sigma)), A* the
 * interarrival Laplace-Stieltjes transform); load-aware routers do better
 * than both; and bad fleets are refused with one message. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tests/testutil.h"
#include "scenarios/scenario.h"
#include "models/model.h"
#include "models/router.h"

/* N replicas of a 1 ms exponential server on their own GPUs, Poisson at
 * N x per_server_rate. */
static const char *fleet_text(char *buf, size_t len, int n, double rate, const char *router, int reps)
{
    snprintf(buf, len,
             "{\"name\":\"fleet\",\"seed\":7,\"duration_s\":40,\"warmup_s\":2,\"replications\":%d,"
             "\"hardware\":{\"gpu\":\"a100-sxm-80gb\",\"gpus\":%d},\"sharing\":{\"mode\":\"exclusive\"},"
             "\"tenants\":[{\"name\":\"svc\",\"replicas\":%d,\"router\":\"%s\","
             "\"workload\":{\"type\":\"synthetic\",\"service_ms\":{\"dist\":\"exponential\",\"mean\":1.0}},"
             "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":%g}}]}",
             reps, n, n, router, rate);
    return buf;
}

/* The fleet's mean sojourn (ms), its front being the last tenant. */
static double fleet_mean_ms(int n, double rate, const char *router, int *ntenants)
{
    char text[2048], err[512];
    scn *sc = NULL;
    CU_ASSERT_EQUAL_FATAL(scn_load_text(fleet_text(text, sizeof text, n, rate, router, 2), "fleet.json",
                                        NULL, 0, &sc, err, sizeof err), SCN_OK);
    model_result res;
    CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &res, err, sizeof err), 0);
    *ntenants = res.ntenants;
    double m = model_tenant_stat(&res, res.ntenants - 1, MT_MEAN)->mean;
    CU_ASSERT_STRING_EQUAL(sc->cfg.tenants[res.ntenants - 1].name, "svc");
    CU_ASSERT_STRING_EQUAL(sc->cfg.tenants[0].name, "svc.r0");
    model_result_free(&res);
    scn_free(sc);
    return m;
}

/* sigma = (lambda / (lambda + mu (1 - sigma)))^N by bisection on (0, 1):
 * each server of a round-robin split of Poisson(lambda) over N sees
 * Erlang(N, lambda) interarrivals, A*(s) = (lambda / (lambda + s))^N. */
static double erlang_sigma(int n, double lambda, double mu)
{
    double lo = 1e-12, hi = 1 - 1e-12;
    for (int i = 0; i < 200; i++) {
        double s = (lo + hi) / 2, f = pow(lambda / (lambda + mu * (1 - s)), n) - s;
        if (f > 0)
            lo = s;
        else
            hi = s;
    }
    return (lo + hi) / 2;
}

static void random_split_is_n_independent_mm1_queues(void)
{
    int nt = 0;
    /* 4 x M/M/1 at lambda 700/s, mu 1000/s: 1 / (mu - lambda) = 3.333 ms */
    double m = fleet_mean_ms(4, 2800, "random", &nt);
    CU_ASSERT_EQUAL(nt, 5);                 /* four replicas and the fleet */
    ASSERT_REL(m, 1000.0 / (1000 - 700), 0.03);
}

static void round_robin_split_is_an_erlang_n_queue_each(void)
{
    int nt = 0;
    double sigma = erlang_sigma(4, 2800, 1000);
    CU_ASSERT(sigma > 0.552 && sigma < 0.554);    /* 0.5529 at rho 0.7 (M/M/1: 0.7): 2.237 ms */
    double m = fleet_mean_ms(4, 2800, "round_robin", &nt);
    ASSERT_REL(m, 1000.0 / (1000 * (1 - sigma)), 0.03);
}

static void load_aware_routers_beat_blind_ones(void)
{
    int nt = 0;
    double rr = fleet_mean_ms(4, 2800, "round_robin", &nt);
    double jsq = fleet_mean_ms(4, 2800, "least_outstanding", &nt);
    double p2c = fleet_mean_ms(4, 2800, "power_of_two", &nt);
    CU_ASSERT(jsq < p2c);
    CU_ASSERT(p2c < rr);
    /* join-the-shortest-queue is bounded below by M/M/4 (one queue, 4
     * servers): mean sojourn 1 ms + its Erlang-C wait, 1.2 ms at rho 0.7 */
    CU_ASSERT(jsq > 1.0);
    /* prefix_affinity without prefix ids is least_outstanding */
    CU_ASSERT_DOUBLE_EQUAL(fleet_mean_ms(4, 2800, "prefix_affinity", &nt), jsq, 1e-12);
}

static void every_router_is_listed_and_found(void)
{
    const char *names[] = { "random", "round_robin", "least_outstanding", "least_kv", "power_of_two",
                            "prefix_affinity" };
    int n = 0;
    for (const router_type *const *r = router_types; *r; r++)
        n++;
    CU_ASSERT_EQUAL(n, 6);
    for (int i = 0; i < 6; i++)
        CU_ASSERT_PTR_NOT_NULL(router_find(names[i]));
    CU_ASSERT_PTR_NULL(router_find("nearest"));
    static char out[4096], err[512];
    char *argv[] = { "slicesim", "list", "routers", NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    for (int i = 0; i < 6; i++)
        CU_ASSERT_PTR_NOT_NULL(strstr(out, names[i]));
}

static void expect_refused(const char *edit_from, const char *edit_to, const char *needle)
{
    char text[2048], bad[2048], err[512];
    fleet_text(text, sizeof text, 2, 100, "random", 1);
    const char *at = strstr(text, edit_from);
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    snprintf(bad, sizeof bad, "%.*s%s%s", (int)(at - text), text, edit_to, at + strlen(edit_from));
    scn *sc = NULL;
    CU_ASSERT_EQUAL(scn_load_text(bad, "fleet.json", NULL, 0, &sc, err, sizeof err), SCN_BAD_INPUT);
    if (!strstr(err, needle))
        fprintf(stderr, "\n    got: %s\n", err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
    scn_free(sc);
}

static void bad_fleets_exit_2_naming_the_field(void)
{
    expect_refused("\"replicas\":2", "\"replicas\":0", "tenants.0.replicas");
    expect_refused("\"replicas\":2", "\"replicas\":3", "hardware.gpus is 2");
    expect_refused("\"router\":\"random\"", "\"router\":\"nearest\"", "unknown router \"nearest\"");
    expect_refused("\"replicas\":2,\"router\":\"random\"", "\"replicas\":1,\"router\":\"nearest\"",
                   "unknown router");
    expect_refused("\"type\":\"synthetic\",\"service_ms\":{\"dist\":\"exponential\",\"mean\":1.0}",
                   "\"type\":\"training\",\"model\":\"resnet50\"", "has no replicas");
}

/* A fleet of LLM engines time-sliced next to another tenant, routed by KV
 * use: every replica serves a share, the fleet's requests are the sum of
 * its replicas' and its GPU share the sum of theirs. */
static void llm_replicas_share_gpus_and_sum_to_the_fleet(void)
{
    char err[512];
    scn *sc = NULL;
    CU_ASSERT_EQUAL_FATAL(scn_load("scenarios/fleet-llama3-sdxl-h100.json", (char *[]){ "tenants.0.router=least_kv" },
                                   1, &sc, err, sizeof err), SCN_OK);
    model_result res;
    CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &res, err, sizeof err), 0);
    CU_ASSERT_EQUAL(res.ntenants, 5);          /* chat.r0..r2, images, chat */
    CU_ASSERT_EQUAL(sc->cfg.tenants[0].gpu, 0);
    CU_ASSERT_EQUAL(sc->cfg.tenants[2].gpu, 2);
    double n = 0, share = 0;
    for (int k = 0; k < 3; k++) {
        double c = model_tenant_at(&res, 0, k)->t[MT_COMPLETED];
        CU_ASSERT(c > 100);
        n += c;
        share += model_tenant_at(&res, 0, k)->t[MT_SHARE];
    }
    CU_ASSERT_DOUBLE_EQUAL(model_tenant_at(&res, 0, 4)->t[MT_COMPLETED], n, 0.5);
    CU_ASSERT_DOUBLE_EQUAL(model_tenant_at(&res, 0, 4)->t[MT_SHARE], share, 1e-12);
    /* 60 req/s over the 16 s window */
    ASSERT_REL(model_tenant_stat(&res, 4, MT_COMPLETED)->mean, 60 * 16, 0.08);
    model_result_free(&res);
    scn_free(sc);
}

/* "placement" puts each replica on its own MIG instance, with that
 * instance's size; a list of the wrong length is refused. */
static void placement_puts_replicas_on_mig_instances(void)
{
    char err[512];
    scn *sc = NULL;
    CU_ASSERT_EQUAL_FATAL(scn_load("scenarios/fleet-llama3-sdxl-h100-mig.json", NULL, 0, &sc, err, sizeof err), SCN_OK);
    CU_ASSERT_EQUAL(sc->cfg.ntenants, 7);      /* five replicas, images, the fleet */
    const int gpu[5] = { 0, 0, 1, 1, 2 }, inst[5] = { 0, 1, 0, 1, 0 };
    for (int k = 0; k < 5; k++) {
        CU_ASSERT_EQUAL(sc->cfg.tenants[k].gpu, gpu[k]);
        CU_ASSERT_EQUAL(sc->cfg.tenants[k].instance, inst[k]);
        CU_ASSERT_EQUAL(sc->cfg.tenants[k].front, 7);
        ASSERT_REL(sc->cfg.tenants[k].compute_frac, 60.0 / 132, 1e-9);   /* 3g.40gb: 60 of 132 SMs */
    }
    CU_ASSERT_EQUAL(sc->cfg.tenants[6].replicas, 5);
    CU_ASSERT_STRING_EQUAL(sc->cfg.tenants[6].router->name, "least_outstanding");
    scn_free(sc);
    sc = NULL;
    CU_ASSERT_EQUAL(scn_load("scenarios/fleet-llama3-sdxl-h100-mig.json", (char *[]){ "tenants.0.replicas=4" }, 1,
                             &sc, err, sizeof err), SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tenants.0.placement: 5 entries for 4 replicas"));
    scn_free(sc);
}

static void compare_refuses_a_fleet_with_one_message(void)
{
    static char out[4096], err[1024];
    char dir[256];
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "compare", "scenarios/fleet-llama3-sdxl-h100.json", "--modes", "bare_metal,timeslice",
                     "-o", dir, NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tenants.0 (\"chat\") has \"replicas\": 3"));
}

TU_SUITE_FN(router)
{
    static const tu_test tests[] = {
        TU_TEST(random_split_is_n_independent_mm1_queues),
        TU_TEST(round_robin_split_is_an_erlang_n_queue_each),
        TU_TEST(load_aware_routers_beat_blind_ones),
        TU_TEST(every_router_is_listed_and_found),
        TU_TEST(bad_fleets_exit_2_naming_the_field),
        TU_TEST(llm_replicas_share_gpus_and_sum_to_the_fleet),
        TU_TEST(placement_puts_replicas_on_mig_instances),
        TU_TEST(compare_refuses_a_fleet_with_one_message),
    };
    TU_SUITE("router", tests);
}
