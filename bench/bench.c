#define _DEFAULT_SOURCE 1
/* bench.c -- `make bench`: engine and end-to-end speed in CPU time (not
 * wall time, so that other processes on a shared machine count less), each
 * figure also as a ratio to a plainly written reference (bench/ref.h)
 * measured in the same run, the ratios being what compares across runs and
 * machines. One line a figure: `bench NAME VALUE UNIT`. Timings live here,
 * never in tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "bench/ref.h"
#include "sim/hist.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "scenarios/scenario.h"
#include "bench/bench_inputs.h"

static const char *SLICESIM = "build/slicesim";
static char tmpdir[64];

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

/* CPU seconds of this thread. */
static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void fig(const char *name, double v, const char *unit)
{
    printf("bench %s %.4g %s\n", name, v, unit);
    fflush(stdout);
}

/* ---- hold model ------------------------------------------------------ */

/* Every event reschedules itself after an exponential increment, so the
 * pending count stays at n. Increments are drawn up front so that the
 * figure is the engine's alone; the reference heap gets the same ones. */
typedef struct {
    const sim_time_t *inc;
    size_t            ninc, next;
} hold_ctx;

static void hold_fire(sim *s, sim_event *ev)
{
    hold_ctx *h = ev->ctx;
    sim_after(s, ev, h->inc[h->next++ & (h->ninc - 1)]);
}

static void bench_hold(size_t pending, uint64_t ops, const char *tag)
{
    enum { NINC = 1 << 20 };
    sim_time_t *inc = malloc(NINC * sizeof *inc);
    sim_event *ev = big_alloc(pending * sizeof *ev);
    gsl_rng *r = sim_rng_alloc(1, 0, 0, 0);
    hold_ctx h = { inc, NINC, 0 };
    sim s;
    sim_init(&s);
    for (size_t i = 0; i < NINC; i++)
        inc[i] = 1 + (sim_time_t)sim_ran_exponential(r, 1e6 * (double)pending);
    for (size_t i = 0; i < pending; i++) {
        sim_event_set(&ev[i], hold_fire, &h);
        sim_at(&s, &ev[i], inc[i & (NINC - 1)]);
    }
    h.next = pending;
    double t0 = cpu();
    for (uint64_t fired = 0; fired < ops; fired++) {
        sim_event *e = sim_evq_pop(&s.q);
        s.now = e->time;
        e->fn(&s, e);
    }
    double ours = (double)ops / (cpu() - t0);
    t0 = cpu();
    double sum = ref_hold(pending, ops, inc, NINC);
    double ref = (double)ops / (cpu() - t0);
    char name[96];
    snprintf(name, sizeof name, "engine_hold_%s_pending", tag);
    fig(name, ours, "events/s");
    snprintf(name, sizeof name, "ref_heap_hold_%s_pending", tag);
    fig(name, sum > 0 ? ref : 0, "events/s");
    snprintf(name, sizeof name, "engine_hold_%s_pending_vs_ref_heap", tag);
    fig(name, ours / ref, "x");
    sim_free(&s);
    gsl_rng_free(r);
    free(ev);
    free(inc);
}

/* ---- histogram ------------------------------------------------------ */

/* sim_hist_add into nh histograms of 1% (a fleet's tenants' latencies: each
 * value goes to a random one), against the same count by the defining
 * formula (sim_hist_index: a log and two divisions). Values exponential of
 * mean 100 ms, drawn up front. */
static void bench_hist(int nh, const char *tag)
{
    enum { NV = 1 << 20, OPS = 1 << 23 };
    double *x = malloc(NV * sizeof *x);
    int *who = malloc(NV * sizeof *who);
    sim_hist *h = calloc((size_t)nh, sizeof *h);
    gsl_rng *r = sim_rng_alloc(3, 0, 0, 0);
    if (!x || !who || !h || !r)
        goto out;
    for (int i = 0; i < nh; i++)
        if (sim_hist_init(&h[i], 1e-9, 1e12, 0.01) < 0)
            goto out;
    for (int i = 0; i < NV; i++) {
        x[i] = sim_ran_exponential(r, 100);
        who[i] = (int)gsl_rng_uniform_int(r, (unsigned long)nh);
    }
    double t0 = cpu();
    for (int i = 0; i < OPS; i++)
        sim_hist_add(&h[who[i & (NV - 1)]], x[i & (NV - 1)]);
    double ours = (cpu() - t0) / OPS * 1e9;
    t0 = cpu();
    for (int i = 0; i < OPS; i++) {
        sim_hist *g = &h[who[i & (NV - 1)]];
        g->count[sim_hist_index(g, x[i & (NV - 1)])]++;
        g->n++;
        g->sum += x[i & (NV - 1)];
    }
    double ref = (cpu() - t0) / OPS * 1e9;
    char name[96];
    snprintf(name, sizeof name, "hist_add_%s", tag);
    fig(name, ours, "ns");
    snprintf(name, sizeof name, "ref_log_formula_hist_add_%s", tag);
    fig(name, ref, "ns");
    snprintf(name, sizeof name, "hist_add_%s_vs_log_formula", tag);
    fig(name, ours / ref, "x");
out:
    for (int i = 0; h && i < nh; i++)
        sim_hist_free(&h[i]);
    free(h);
    free(x);
    free(who);
    if (r)
        gsl_rng_free(r);
}

/* ---- scenarios in process --------------------------------------------- */

typedef struct {
    double cpu_s, events, sim_s;
} run_fig;

static int run_scenario(const char *json, const char *file, run_fig *f)
{
    scn *sc;
    char err[1024];
    int rc = json ? scn_load_text(json, "bench", NULL, 0, &sc, err, sizeof err)
                  : scn_load(file, NULL, 0, &sc, err, sizeof err);
    if (rc != SCN_OK) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    model_result res;
    double t0 = cpu();
    rc = model_run(&sc->cfg, &res, err, sizeof err);
    f->cpu_s = cpu() - t0;
    if (rc == 0) {
        f->events = (double)res.events;
        f->sim_s = res.sim_time_s;
        model_result_free(&res);
    } else {
        fprintf(stderr, "bench: %s\n", err);
    }
    scn_free(sc);
    return rc;
}

/* events per CPU second of the reference M/M/1, the yardstick of the
 * scenario figures */
static double ref_rate;

static void bench_scenario(const char *name, const char *json, const char *file)
{
    run_fig f;
    char n[128];
    if (run_scenario(json, file, &f) < 0)
        return;
    snprintf(n, sizeof n, "%s_cpu", name);
    fig(n, f.cpu_s, "s");
    snprintf(n, sizeof n, "%s_events", name);
    fig(n, f.events / f.cpu_s, "events/s");
    snprintf(n, sizeof n, "%s_events_vs_ref_mm1", name);
    fig(n, f.events / f.cpu_s / ref_rate, "x");
    snprintf(n, sizeof n, "%s_sim_speed", name);
    fig(n, f.sim_s / f.cpu_s, "sim-s/cpu-s");
}

/* M/M/1 at rho = 0.9 with one million customers (1111 s at 900/s), exact
 * percentiles: slicesim against the reference. */
static const char MM1[] =
    "{\"name\": \"mm1-bench\", \"duration_s\": 1111.2, \"replications\": 1, \"hardware\": {\"gpu\": \"h100-sxm\"},"
    " \"tenants\": [{\"name\": \"q\", \"workload\": {\"type\": \"synthetic\","
    "   \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}},"
    "   \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 900}}]}";

static double bench_mm1(void)
{
    ref_mm1_result rr;
    double best_ref = 1e30, best = 1e30;
    run_fig f = { 0, 0, 0 };
    /* the best of three of each, interleaved, so that a burst of load on the
     * shared machine hits both alike */
    for (int k = 0; k < 3; k++) {
        double t0 = cpu();
        if (ref_mm1(1000000, 900, 1000, 1, &rr) < 0)
            return 0;
        double t = cpu() - t0;
        best_ref = t < best_ref ? t : best_ref;
        if (run_scenario(MM1, NULL, &f) < 0)
            return 0;
        best = f.cpu_s < best ? f.cpu_s : best;
    }
    ref_rate = (double)rr.events / best_ref;
    fig("ref_mm1_1e6_cpu", best_ref, "s");
    fig("ref_mm1_1e6_mean_sojourn_ms", rr.mean_s * 1e3, "ms");
    fig("ref_mm1_1e6_p95_sojourn_ms", rr.p95_s * 1e3, "ms");
    fig("mm1_1e6_rho_0.9_cpu", best, "s");
    fig("mm1_1e6_rho_0.9_vs_ref_mm1", best / best_ref, "x");
    return best_ref;
}

/* ---- the command line, in child processes ----------------------------- */

typedef struct {
    double cpu_s, sys_s, maxrss_mb;    /* cpu_s: user + system */
} child_fig;

/* Run build/slicesim with argv (NULL-terminated, argv[0] included), its
 * table and warnings to /dev/null; its CPU time (user + system) and peak
 * resident memory. */
static int child(char **argv, child_fig *f)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        execv(SLICESIM, argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "bench: %s %s failed\n", argv[0], argv[1]);
        return -1;
    }
    f->sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    f->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + f->sys_s;
    f->maxrss_mb = (double)ru.ru_maxrss / 1024.0;
    return 0;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* `run` of the M/M/1 with and without -o (requests.csv of a million rows,
 * 120 MB), each -o into a fresh directory that is removed outside the
 * measurement, so that no run pays for deleting the previous one's files. */
static void bench_run_out(double ref_s)
{
    char scen[128], out[128], cmd[160];
    snprintf(scen, sizeof scen, "%s/mm1.json", tmpdir);
    if (write_text(scen, MM1) < 0)
        return;
    char *plain[] = { "slicesim", "run", scen, NULL };
    char *with_o[] = { "slicesim", "run", scen, "-o", out, NULL };
    child_fig a, b, best_a = { 1e30, 0, 0 }, best_b = { 1e30, 0, 0 };
    for (int k = 0; k < 3; k++) {
        snprintf(out, sizeof out, "%s/mm1-out-%d", tmpdir, k);
        if (child(plain, &a) < 0 || child(with_o, &b) < 0)
            return;
        if (a.cpu_s < best_a.cpu_s)
            best_a = a;
        if (b.cpu_s < best_b.cpu_s)
            best_b = b;
        snprintf(cmd, sizeof cmd, "rm -rf %s", out);
        if (system(cmd) != 0)
            return;
    }
    fig("run_mm1_1e6_cpu", best_a.cpu_s, "s");
    fig("run_mm1_1e6_with_o_cpu", best_b.cpu_s, "s");
    fig("run_mm1_1e6_with_o_sys", best_b.sys_s, "s");
    fig("run_mm1_1e6_with_o_vs_without", best_b.cpu_s / best_a.cpu_s, "x");
    fig("run_mm1_1e6_with_o_user_vs_without", (best_b.cpu_s - best_b.sys_s) / (best_a.cpu_s - best_a.sys_s), "x");
    fig("run_mm1_1e6_with_o_vs_ref_mm1", best_b.cpu_s / ref_s, "x");
    fig("run_mm1_1e6_with_o_peak_rss", best_b.maxrss_mb, "MB");
}

/* A serving fleet: 1,000 GPUs (125 nodes of 8), each running one tenant
 * alone (exclusive), 10^7 requests in all: Poisson arrivals of 10 per second
 * on each GPU, exponential 50 ms bursts (rho = 0.5), 1,000 simulated
 * seconds; histogram percentiles so that memory stays bounded. */
static void bench_fleet(void)
{
    enum { NT = 1000 };
    size_t cap = (size_t)NT * 320 + 1024, n = 0;
    char *json = malloc(cap), scen[128];
    if (!json)
        return;
    n += (size_t)snprintf(json + n, cap - n,
        "{\"name\": \"fleet-bench\", \"duration_s\": 1000, \"drain_s\": 100, \"replications\": 1,"
        " \"percentiles\": {\"method\": \"histogram\"},"
        " \"hardware\": {\"gpu\": \"h100-sxm\", \"gpus\": 8, \"nodes\": 125}, \"tenants\": [");
    for (int i = 0; i < NT; i++)
        n += (size_t)snprintf(json + n, cap - n,
            "%s{\"name\": \"t%d\", \"gpu\": %d, \"workload\": {\"type\": \"synthetic\","
            " \"service_ms\": {\"dist\": \"exponential\", \"mean\": 50}},"
            " \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 10}}", i ? ", " : "", i, i);
    snprintf(json + n, cap - n, "]}");
    snprintf(scen, sizeof scen, "%s/fleet.json", tmpdir);
    int ok = write_text(scen, json) == 0;
    free(json);
    if (!ok)
        return;
    char *argv[] = { "slicesim", "run", scen, NULL };
    child_fig f;
    if (child(argv, &f) < 0)
        return;
    fig("fleet_1000_gpus_1e7_requests_cpu", f.cpu_s, "s");
    fig("fleet_1000_gpus_1e7_requests_sim_speed", 1000.0 / f.cpu_s, "sim-s/cpu-s");
    fig("fleet_1000_gpus_1e7_requests_gpu_sim_speed", 1000.0 * NT / f.cpu_s, "gpu-s/cpu-s");
    fig("fleet_1000_gpus_1e7_requests_peak_rss", f.maxrss_mb, "MB");
}

/* An LLM engine held at a full batch of n sequences (n users of a closed
 * loop, max_batch n, no think time, no front end, Llama-3-8B in fp8 on a
 * B300, whose cache holds 1024 of them; 64-token prompts and 2048 output
 * tokens): CPU time per iteration. In steady state every iteration feeds
 * the n sequences, so iterations = tokens generated / n (each request takes
 * 2048 iterations, its prefill one of them). The per-request work (arrival,
 * admission, completion, its record) is part of the figure: n / 2048
 * requests come and go per iteration. */
static void bench_llm(void)
{
    static const int ns[] = { 16, 64, 256, 1024 };
    static const double dur[] = { 1000, 1000, 2000, 4000 };
    double us[4] = { 0 };
    for (int k = 0; k < 4; k++) {
        char json[1024], err[1024];
        snprintf(json, sizeof json,
                 "{\"name\": \"llm-bench\", \"duration_s\": %g, \"replications\": 1,"
                 " \"hardware\": {\"gpu\": \"b300\"}, \"tenants\": [{\"name\": \"c\", \"workload\":"
                 " {\"type\": \"llm\", \"model\": \"llama-3-8b\", \"precision\": \"fp8\", \"max_batch\": %d, \"max_tokens\": 4096,"
                 " \"engine\": \"none\", \"prompt_tokens\": {\"dist\": \"deterministic\", \"mean\": 64},"
                 " \"output_tokens\": {\"dist\": \"deterministic\", \"mean\": 2048}},"
                 " \"arrivals\": {\"type\": \"closed\", \"users\": %d}}]}", dur[k], ns[k], ns[k]);
        scn *sc;
        if (scn_load_text(json, "llm-bench", NULL, 0, &sc, err, sizeof err) != SCN_OK) {
            fprintf(stderr, "bench: %s\n", err);
            return;
        }
        model_result res;
        double t0 = cpu();
        int rc = model_run(&sc->cfg, &res, err, sizeof err);
        double dt = cpu() - t0;
        scn_free(sc);
        if (rc != 0) {
            fprintf(stderr, "bench: %s\n", err);
            return;
        }
        double tokens = res.tr[0].t[MT_COMPLETED] * 2048.0;
        model_result_free(&res);
        us[k] = dt / (tokens / ns[k]) * 1e6;
        char name[96];
        snprintf(name, sizeof name, "llm_iteration_batch_%d", ns[k]);
        fig(name, us[k], "us");
        snprintf(name, sizeof name, "llm_iteration_batch_%d_vs_ref_mm1_event", ns[k]);
        fig(name, us[k] * 1e-6 * ref_rate, "x");
    }
    /* what a sequence more in the batch costs an iteration */
    fig("llm_iteration_per_sequence_16_to_1024", (us[3] - us[0]) / (1024 - 16) * 1e3, "ns");
}

/* What `slicesim scale --nodes 1,2,...,1024` runs: the multi-node training
 * example at 11 node counts, one simulated rank each. */
static void bench_training_scale(void)
{
    double total = 0, events = 0;
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
        double t0 = cpu();
        int ok = model_run(&sc->cfg, &res, err, sizeof err) == 0;
        total += cpu() - t0;
        if (ok) {
            events += (double)res.events;
            model_result_free(&res);
        }
        scn_free(sc);
    }
    fig("training_scale_1_to_1024_nodes_cpu", total, "s");
    fig("training_scale_1_to_1024_nodes_events_vs_ref_mm1", events / total / ref_rate, "x");
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
    bench_scenario("mps_48_clients_60s", json, NULL);
}

/* Whether group g is to run: all of them, or those named in $BENCH
 * (comma-separated: hold, hist, mm1, run_out, scenarios, llm, fleet, inputs;
 * the groups after mm1 need it and run it). */
static int want(const char *g)
{
    const char *only = getenv("BENCH");
    if (!only || !*only)
        return 1;
    size_t n = strlen(g);
    for (const char *p = only; (p = strstr(p, g)) != NULL; p += n)
        if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        SLICESIM = argv[1];
    snprintf(tmpdir, sizeof tmpdir, "/tmp/slicesim-bench-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "bench: cannot make a directory under /tmp\n");
        return 1;
    }
    if (want("hold")) {
        bench_hold(1000, 20000000, "1e3");
        bench_hold(100000, 20000000, "1e5");
        bench_hold(1000000, 10000000, "1e6");
    }
    if (want("hist")) {
        bench_hist(1, "1_hist");
        bench_hist(1000, "1000_hists");
    }
    int later = want("mm1") || want("run_out") || want("scenarios") || want("llm") || want("fleet") ||
                want("inputs");
    double ref_s = later ? bench_mm1() : 0;
    if (ref_s > 0) {
        if (want("run_out"))
            bench_run_out(ref_s);
        if (want("scenarios")) {
            bench_scenario("default_scenario", NULL, "scenarios/default.json");
            bench_scenario("processes_timesliced", NULL, "scenarios/processes-timesliced.json");
            bench_training_scale();
            bench_mps_full_server();
        }
        if (want("llm"))
            bench_llm();
        if (want("fleet"))
            bench_fleet();
        if (want("inputs"))
            bench_inputs();
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : 1;
}
