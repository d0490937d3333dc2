#define _DEFAULT_SOURCE 1
/* bench.c -- `make bench`: engine and end-to-end speed. Each figure is one
 * line `bench NAME VALUE UNIT`. Timings live here, never in tests. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/mman.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"
#include "sim/sim.h"
#include "scenarios/scenario.h"

/* Large arrays on huge pages where the kernel gives them (madvise mode):
 * the hold model touches its events at random, and with 4 KiB pages most of
 * its time goes to TLB misses rather than to the queue. */
static void *big_alloc(size_t bytes)
{
    void *p = NULL;
    size_t huge = (size_t)2 << 20;
    if (posix_memalign(&p, huge, (bytes + huge - 1) / huge * huge) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The hold model: every event reschedules itself after an exponential
 * increment, so the pending count stays at n. Increments are drawn up front
 * so that the figure is the engine's alone. */
typedef struct {
    const sim_time_t *inc;
    size_t            ninc, next;
} hold_ctx;

static void hold_fire(sim *s, sim_event *ev)
{
    hold_ctx *h = ev->ctx;
    sim_after(s, ev, h->inc[h->next++ & (h->ninc - 1)]);
}

static void bench_hold(size_t pending, uint64_t ops)
{
    enum { NINC = 1 << 20 };
    sim_time_t *inc = malloc(NINC * sizeof *inc);
    sim_event *ev = big_alloc(pending * sizeof *ev);
    gsl_rng *r = sim_rng_alloc(1, 0, 0, 0);
    hold_ctx h = { inc, NINC, 0 };
    sim s;
    sim_init(&s);
    for (size_t i = 0; i < NINC; i++)
        inc[i] = 1 + (sim_time_t)gsl_ran_exponential(r, 1e6 * (double)pending);
    for (size_t i = 0; i < pending; i++) {
        sim_event_set(&ev[i], hold_fire, &h);
        sim_at(&s, &ev[i], inc[i & (NINC - 1)]);
    }
    sim_run(&s, 0);                       /* nothing due yet: warms nothing */
    double t0 = wall();
    uint64_t fired = 0;
    while (fired < ops) {
        sim_event *e = sim_evq_pop(&s.q);
        s.now = e->time;
        e->fn(&s, e);
        fired++;
    }
    double dt = wall() - t0;
    printf("bench engine_hold_%s_pending %.3g events/s\n",
           pending == 1000 ? "1e3" : pending == 100000 ? "1e5" : "1e6", (double)ops / dt);
    sim_free(&s);
    gsl_rng_free(r);
    free(ev);
    free(inc);
}

static void bench_scenario_text(const char *name, const char *json, const char *file)
{
    scn *sc;
    char err[1024];
    int rc = json ? scn_load_text(json, name, NULL, 0, &sc, err, sizeof err)
                  : scn_load(file, NULL, 0, &sc, err, sizeof err);
    if (rc != SCN_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return;
    }
    model_result res;
    double t0 = wall();
    if (model_run(&sc->cfg, &res, err, sizeof err) == 0) {
        double dt = wall() - t0;
        printf("bench %s_wall %.4f s\n", name, dt);
        printf("bench %s_events %.4g events/s\n", name, (double)res.events / dt);
        printf("bench %s_sim_speed %.4g sim-s/wall-s\n", name, res.sim_time_s / dt);
        model_result_free(&res);
    }
    scn_free(sc);
}

/* What `slicesim scale --nodes 1,2,...,1024` runs: the multi-node training
 * example at 11 node counts, one simulated rank each. */
static void bench_training_scale(void)
{
    double total = 0;
    uint64_t events = 0;
    for (long nodes = 1; nodes <= 1024; nodes *= 2) {
        char set[64], err[1024];
        char *sets[] = { set };
        scn *sc;
        model_result res;
        snprintf(set, sizeof set, "hardware.nodes=%ld", nodes);
        if (scn_load("scenarios/training-multinode-network.json", sets, 1, &sc, err, sizeof err) != SCN_OK) {
            fprintf(stderr, "bench: %s\n", err);
            return;
        }
        double t0 = wall();
        int ok = model_run(&sc->cfg, &res, err, sizeof err) == 0;
        total += wall() - t0;
        if (ok) {
            events += res.events;
            model_result_free(&res);
        }
        scn_free(sc);
    }
    printf("bench training_scale_1_to_1024_nodes_wall %.4f s\n", total);
    printf("bench training_scale_1_to_1024_nodes_events %.4g events/s\n", (double)events / total);
}

/* MPS with its 48 clients, memory-bound bursts: every start and finish
 * recomputes 48 shares (the executor's cost grows with its clients). */
static void bench_mps_full_server(void)
{
    static char json[16384];
    int n = snprintf(json, sizeof json, "{\"duration_s\": 60, \"replications\": 1, "
                     "\"hardware\": {\"gpu\": \"h100-sxm\"}, \"sharing\": {\"mode\": \"mps\"}, \"tenants\": [");
    for (int i = 0; i < 48; i++)
        n += snprintf(json + n, sizeof json - (size_t)n,
                      "%s{\"name\": \"c%d\", \"mps_active_thread_pct\": 10, \"workload\": {\"type\": \"synthetic\", "
                      "\"service_ms\": {\"dist\": \"exponential\", \"mean\": 0.5}, \"bound\": \"memory\"}, "
                      "\"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 30}}", i ? ", " : "", i);
    snprintf(json + n, sizeof json - (size_t)n, "]}");
    bench_scenario_text("mps_48_clients_60s", json, NULL);
}

int main(void)
{
    bench_hold(1000, 20000000);
    bench_hold(100000, 20000000);
    bench_hold(1000000, 10000000);
    /* M/M/1 at rho = 0.9 with one million requests (1111 s at 900/s), all
     * percentiles computed */
    bench_scenario_text("mm1_1e6_requests_rho_0.9",
        "{\"duration_s\": 1111.2, \"replications\": 1, \"hardware\": {\"gpu\": \"h100-sxm\"},"
        " \"tenants\": [{\"name\": \"q\", \"workload\": {\"type\": \"synthetic\","
        "   \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}},"
        "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 900}}]}", NULL);
    bench_scenario_text("default_scenario", NULL, "scenarios/default.json");
    bench_scenario_text("processes_timesliced", NULL, "scenarios/processes-timesliced.json");
    bench_training_scale();
    bench_mps_full_server();
    return 0;
}
