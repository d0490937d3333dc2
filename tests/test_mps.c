/* test_mps.c -- the MPS executor: SM caps, bandwidth contention, client
 * limit, faults; checked against closed forms of the rate model. */
#include <string.h>
#include "tests/testutil.h"
#include "models/mps.h"
#include "sim/rng.h"

#define MS SIM_NS_PER_MS

typedef struct {
    exec      *e;
    exec_ctx   ctx;
    gpu_job    job;
    sim_time_t gpu_ns, end;
    int        busy, done;
} client;

static void on_done(sim *s, gpu_job *j)
{
    client *c = j->owner;
    c->done++;
    c->end = s->now;
    if (c->busy)
        exec_submit(c->e, &c->ctx, &c->job);
}

/* A client with a job of `work` ns split into compute and memory time. */
static void client_init(client *c, mps *m, double frac, sim_time_t work,
                        sim_time_t compute, sim_time_t mem, int busy)
{
    memset(c, 0, sizeof *c);
    c->e = mps_base(m);
    c->busy = busy;
    exec_ctx_init(c->e, &c->ctx, &c->gpu_ns);
    c->job.work = work;
    c->job.compute_ns = compute;
    c->job.mem_ns = mem;
    c->job.kernels = 1;
    c->job.done = on_done;
    c->job.owner = c;
    CU_ASSERT_EQUAL(mps_attach(m, &c->ctx, frac), 0);
}

static mps *server(sim *s, double fault_rate, gsl_rng *rng)
{
    mps_cfg cfg = { MPS_MAX_CLIENTS, fault_rate, 100 * MS, 0 };
    return mps_alloc(s, 0, &cfg, rng);
}

/* A server on a resource of `sms` SMs, where job widths count. */
static mps *server_sms(sim *s, double sms)
{
    mps_cfg cfg = { MPS_MAX_CLIENTS, 0, 100 * MS, sms };
    return mps_alloc(s, 0, &cfg, NULL);
}

/* Kernels 40 SMs wide on a 100-SM resource: two clients fit side by side
 * at full speed; a third makes them share, each then at 100/3 of its 40
 * SMs: 10 ms bursts end at 10 x 40 / (100/3) = 12 ms. */
static void narrow_kernels_run_side_by_side_on_free_sms(void)
{
    sim s;
    sim_init(&s);
    mps *m = server_sms(&s, 100);
    client c[3];
    for (int i = 0; i < 3; i++) {
        client_init(&c[i], m, 1.0, 10 * MS, 10 * MS, 0, 0);
        c[i].job.blocks = 40;
    }
    exec_submit(mps_base(m), &c[0].ctx, &c[0].job);
    exec_submit(mps_base(m), &c[1].ctx, &c[1].job);
    sim_run(&s, SIM_NS_PER_S);
    ASSERT_REL((double)c[0].end, 10.0 * MS, 1e-6);
    ASSERT_REL((double)c[1].end, 10.0 * MS, 1e-6);
    /* GPU time: 40% of the SMs for 10 ms */
    ASSERT_REL((double)c[0].gpu_ns, 4.0 * MS, 1e-6);
    for (int i = 0; i < 3; i++)
        exec_submit(mps_base(m), &c[i].ctx, &c[i].job);
    sim_run(&s, 2 * SIM_NS_PER_S);
    for (int i = 0; i < 3; i++)
        ASSERT_REL((double)(c[i].end - SIM_NS_PER_S), 12.0 * MS, 1e-6);   /* submitted at 1 s */
    exec_free(mps_base(m));
    sim_free(&s);
}

/* Bursts of 4 ms compute and 6 ms launch gaps over the whole GPU: each
 * wants 4/10 of the SMs on average, so two run side by side in their alone
 * 10 ms (their gaps filled by the other's kernels); three want 1.2 GPUs,
 * each gets a third and its 4 ms of whole-GPU compute take 12 ms. */
static void launch_gaps_of_one_client_are_filled_by_the_others_kernels(void)
{
    sim s;
    sim_init(&s);
    mps *m = server(&s, 0, NULL);
    client c[3];
    for (int i = 0; i < 3; i++)
        client_init(&c[i], m, 1.0, 10 * MS, 4 * MS, 0, 0);
    exec_submit(mps_base(m), &c[0].ctx, &c[0].job);
    exec_submit(mps_base(m), &c[1].ctx, &c[1].job);
    sim_run(&s, SIM_NS_PER_S);
    ASSERT_REL((double)c[0].end, 10.0 * MS, 1e-6);
    ASSERT_REL((double)c[1].end, 10.0 * MS, 1e-6);
    ASSERT_REL((double)c[0].gpu_ns, 4.0 * MS, 1e-6);     /* 0.4 of the SMs for 10 ms */
    for (int i = 0; i < 3; i++)
        exec_submit(mps_base(m), &c[i].ctx, &c[i].job);
    sim_run(&s, 2 * SIM_NS_PER_S);
    for (int i = 0; i < 3; i++)
        ASSERT_REL((double)(c[i].end - SIM_NS_PER_S), 12.0 * MS, 1e-6);
    exec_free(mps_base(m));
    sim_free(&s);
}

/* A high-priority client takes the SMs it wants first; the normal one runs
 * on what is left: 60-SM kernels of both on 100 SMs give the high one its
 * alone speed and the normal one 40/60 of its own. */
static void a_high_priority_client_is_served_first(void)
{
    sim s;
    sim_init(&s);
    mps *m = server_sms(&s, 100);
    client hi, lo;
    client_init(&lo, m, 1.0, 10 * MS, 10 * MS, 0, 0);
    client_init(&hi, m, 1.0, 10 * MS, 10 * MS, 0, 0);
    hi.job.blocks = lo.job.blocks = 60;
    mps_set_priority(m, &hi.ctx, 1);
    exec_submit(mps_base(m), &lo.ctx, &lo.job);
    exec_submit(mps_base(m), &hi.ctx, &hi.job);
    sim_run(&s, SIM_NS_PER_S);
    ASSERT_REL((double)hi.end, 10.0 * MS, 1e-6);
    /* lo: 10 ms at 40/60 speed leaves 10/3 ms of work, then alone */
    ASSERT_REL((double)lo.end, 10.0 * MS + 10.0 / 3 * MS, 1e-6);
    exec_free(mps_base(m));
    sim_free(&s);
}

static void waterfill_gives_small_demands_in_full_and_splits_the_rest(void)
{
    double d[3] = { 0.2, 0.5, 0.5 }, out[3];
    mps_waterfill(d, 3, out);
    ASSERT_REL(out[0], 0.2, 1e-12);
    ASSERT_REL(out[1], 0.4, 1e-12);
    ASSERT_REL(out[2], 0.4, 1e-12);
    double e[2] = { 0.3, 0.6 };
    mps_waterfill(e, 2, out);
    ASSERT_REL(out[0], 0.3, 1e-12);
    ASSERT_REL(out[1], 0.6, 1e-12);
}

/* A compute-bound burst capped at 40% of the SMs takes work / 0.4; two
 * such clients at 40% and 60% run side by side without slowing each other. */
static void active_thread_percentage_caps_compute(void)
{
    sim s;
    sim_init(&s);
    mps *m = server(&s, 0, NULL);
    client a, b;
    client_init(&a, m, 0.4, 10 * MS, 10 * MS, 0, 0);
    client_init(&b, m, 0.6, 12 * MS, 12 * MS, 0, 0);
    exec_submit(mps_base(m), &a.ctx, &a.job);
    exec_submit(mps_base(m), &b.ctx, &b.job);
    sim_run(&s, SIM_NS_PER_S);
    ASSERT_REL((double)a.end, 25.0 * MS, 1e-6);
    ASSERT_REL((double)b.end, 20.0 * MS, 1e-6);
    /* GPU time is charged as SM share x time */
    ASSERT_REL((double)a.gpu_ns, 10.0 * MS, 1e-6);
    exec_free(mps_base(m));
    sim_free(&s);
}

/* Two memory-bound bursts with 50% of the SMs each: SMs are partitioned but
 * bandwidth is not, so each runs at half speed while both run. A 10 ms
 * burst beside a 4 ms one: both at half speed for 8 ms (the short one ends),
 * then the long one has 6 ms left alone: it ends at 14 ms. */
static void memory_bound_neighbours_share_bandwidth(void)
{
    sim s;
    sim_init(&s);
    mps *m = server(&s, 0, NULL);
    client a, b;
    client_init(&a, m, 0.5, 10 * MS, 0, 10 * MS, 0);
    client_init(&b, m, 0.5, 4 * MS, 0, 4 * MS, 0);
    exec_submit(mps_base(m), &a.ctx, &a.job);
    exec_submit(mps_base(m), &b.ctx, &b.job);
    sim_run(&s, SIM_NS_PER_S);
    ASSERT_REL((double)b.end, 8.0 * MS, 1e-6);
    ASSERT_REL((double)a.end, 14.0 * MS, 1e-6);
    exec_free(mps_base(m));
    sim_free(&s);
}

/* A compute-bound neighbour uses little bandwidth: a memory-bound burst
 * beside it keeps nearly its alone speed (its demand is met in full). */
static void compute_bound_neighbour_leaves_bandwidth_alone(void)
{
    sim s;
    sim_init(&s);
    mps *m = server(&s, 0, NULL);
    client a, b;
    client_init(&a, m, 0.5, 10 * MS, 0, 10 * MS, 0);
    /* b: compute 20 ms, memory 4 ms at full SMs; at 50% SMs its compute
     * time is 40 ms and it wants 4/40 = 10% of the bandwidth */
    client_init(&b, m, 0.5, 20 * MS, 20 * MS, 4 * MS, 1);
    exec_submit(mps_base(m), &b.ctx, &b.job);
    exec_submit(mps_base(m), &a.ctx, &a.job);
    sim_run(&s, 12 * MS);
    /* a wants all the bandwidth, b 10%: max-min gives b 0.1, a 0.9 */
    ASSERT_REL((double)a.end, 10.0 / 0.9 * MS, 1e-6);
    exec_free(mps_base(m));
    sim_free(&s);
}

static void the_49th_client_is_refused(void)
{
    sim s;
    sim_init(&s);
    mps *m = server(&s, 0, NULL);
    static exec_ctx ctx[MPS_MAX_CLIENTS + 1];
    for (int i = 0; i < MPS_MAX_CLIENTS; i++) {
        exec_ctx_init(mps_base(m), &ctx[i], NULL);
        CU_ASSERT_EQUAL(mps_attach(m, &ctx[i], 0.1), 0);
    }
    exec_ctx_init(mps_base(m), &ctx[MPS_MAX_CLIENTS], NULL);
    CU_ASSERT_EQUAL(mps_attach(m, &ctx[MPS_MAX_CLIENTS], 0.1), -1);
    exec_free(mps_base(m));
    sim_free(&s);
}

/* A fault takes every client down: all lose their progress, nothing runs
 * during the restart, and the server's overhead is faults x restart. */
static void a_fault_in_one_client_ends_all_clients_work(void)
{
    sim s;
    sim_init(&s);
    mps *m = server(&s, 2.0, sim_rng_alloc(7, 0, 1u << 20, 0));
    client a, b;
    client_init(&a, m, 0.5, 50 * MS, 50 * MS, 0, 1);
    client_init(&b, m, 0.5, 50 * MS, 50 * MS, 0, 1);
    exec_submit(mps_base(m), &a.ctx, &a.job);
    exec_submit(mps_base(m), &b.ctx, &b.job);
    sim_time_t horizon = 20 * SIM_NS_PER_S;
    sim_run(&s, horizon);
    exec_account(mps_base(m));
    uint64_t f = mps_faults(m);
    CU_ASSERT(f > 10);
    /* every restart counts whole but one still running at the horizon */
    CU_ASSERT(mps_base(m)->c.overhead_ns <= (sim_time_t)f * 100 * MS);
    CU_ASSERT(mps_base(m)->c.overhead_ns > (sim_time_t)(f - 1) * 100 * MS);
    /* both clients lose work together: their completions stay in step */
    CU_ASSERT_EQUAL(a.done, b.done);
    /* and fewer bursts finish than the 20 s / 100 ms = 200 of a fault-free run */
    CU_ASSERT(a.done < 200 - (int)f);
    exec_free(mps_base(m));
    sim_free(&s);
}

/* Restart time counts as overhead as it passes, so a window that ends
 * inside a restart holds only the part in it: 1 ms after the first fault
 * at most 1 ms of the 100 ms restart is overhead, and 100 ms later all of
 * it (counting the whole restart at the fault put time after a snapshot
 * into the window before it). */
static void restart_overhead_accrues_as_the_restart_runs(void)
{
    sim s;
    sim_init(&s);
    mps *m = server(&s, 2.0, sim_rng_alloc(7, 0, 1u << 20, 0));
    client a;
    client_init(&a, m, 1.0, 50 * MS, 0, 0, 1);
    exec_submit(mps_base(m), &a.ctx, &a.job);
    sim_time_t t = 0;
    while (mps_faults(m) == 0 && t < 20 * SIM_NS_PER_S) {
        t += MS;
        sim_run(&s, t);
    }
    CU_ASSERT_EQUAL_FATAL(mps_faults(m), 1);
    exec_account(mps_base(m));
    CU_ASSERT(mps_base(m)->c.overhead_ns <= MS);
    sim_run(&s, t + 100 * MS);
    exec_account(mps_base(m));
    CU_ASSERT(mps_base(m)->c.overhead_ns >= 100 * MS && mps_base(m)->c.overhead_ns <= 101 * MS);
    exec_free(mps_base(m));
    sim_free(&s);
}

TU_SUITE_FN(mps)
{
    static const tu_test tests[] = {
        TU_TEST(waterfill_gives_small_demands_in_full_and_splits_the_rest),
        TU_TEST(narrow_kernels_run_side_by_side_on_free_sms),
        TU_TEST(a_high_priority_client_is_served_first),
        TU_TEST(launch_gaps_of_one_client_are_filled_by_the_others_kernels),
        TU_TEST(active_thread_percentage_caps_compute),
        TU_TEST(memory_bound_neighbours_share_bandwidth),
        TU_TEST(compute_bound_neighbour_leaves_bandwidth_alone),
        TU_TEST(the_49th_client_is_refused),
        TU_TEST(a_fault_in_one_client_ends_all_clients_work),
        TU_TEST(restart_overhead_accrues_as_the_restart_runs),
    };
    TU_SUITE("mps", tests);
}
