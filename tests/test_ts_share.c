/* test_ts_share.c -- the vGPU time-slice policies (equal and fixed share),
 * the idle-slot state, and adaptive round robin's overshoot payback, driven
 * directly on the ts executor with always-busy and scripted contexts. */
#include <string.h>
#include "tests/testutil.h"
#include "models/ts.h"

#define MS SIM_NS_PER_MS

/* A context whose job is resubmitted as soon as it finishes (always busy),
 * or submitted once (busy = 0). */
typedef struct {
    exec     *e;
    exec_ctx  ctx;
    gpu_job   job;
    sim_time_t gpu_ns;
    int       busy, done;
    sim_time_t end;
} client;

static void on_done(sim *s, gpu_job *j)
{
    client *c = j->owner;
    c->done++;
    c->end = s->now;
    if (c->busy)
        exec_submit(c->e, &c->ctx, &c->job);
}

static void client_init(client *c, ts *t, sim_time_t work, uint32_t kernels, int busy)
{
    memset(c, 0, sizeof *c);
    c->e = &t->base;
    c->busy = busy;
    exec_ctx_init(c->e, &c->ctx, &c->gpu_ns);
    c->job.work = work;
    c->job.kernels = kernels;
    c->job.done = on_done;
    c->job.owner = c;
    CU_ASSERT_EQUAL(ts_attach(t, &c->ctx), 0);
}

static ts_cfg cfg_of(const ts_policy *p, sim_time_t slice, sim_time_t sw)
{
    ts_cfg c;
    memset(&c, 0, sizeof c);
    c.policy = p;
    c.slice_ns = slice;
    c.switch_ns = sw;
    c.preempt = TS_PREEMPT_INSTRUCTION;
    c.block_ns = 1;
    return c;
}

/* Run n clients (the first always busy, the others idle) for `horizon` and
 * return the busy one's share of the GPU. */
static double lone_busy_share(const ts_policy *p, int n, int nslots)
{
    sim s;
    sim_init(&s);
    ts_cfg c = cfg_of(p, 2 * MS, 25 * SIM_NS_PER_US);
    c.nslots = nslots;
    ts *t = ts_alloc(&s, 0, &c);
    client cl[8];
    for (int i = 0; i < n; i++)
        client_init(&cl[i], t, 5 * MS, 10, i == 0);
    exec_submit(&t->base, &cl[0].ctx, &cl[0].job);
    sim_time_t horizon = 10 * SIM_NS_PER_S;
    sim_run(&s, horizon);
    exec_account(&t->base);
    double share = (double)cl[0].gpu_ns / (double)horizon;
    exec_free(&t->base);
    sim_free(&s);
    return share;
}

static void equal_share_caps_a_lone_busy_vgpu_at_one_over_n(void)
{
    ASSERT_REL(lone_busy_share(&ts_equal_share, 3, 0), 1.0 / 3, 1e-3);
    ASSERT_REL(lone_busy_share(&ts_equal_share, 4, 0), 1.0 / 4, 1e-3);
}

static void fixed_share_caps_at_one_over_max_per_gpu_of_the_type(void)
{
    /* two vGPUs of a type that fits four per GPU: 25%, not 50% */
    ASSERT_REL(lone_busy_share(&ts_fixed_share, 2, 4), 1.0 / 4, 1e-3);
    ASSERT_REL(lone_busy_share(&ts_fixed_share, 1, 8), 1.0 / 8, 1e-3);
}

static void best_effort_gives_idle_shares_away(void)
{
    ASSERT_REL(lone_busy_share(&ts_best_effort, 3, 0), 1.0, 1e-6);
}

/* Two always-busy vGPUs under equal share: each slot loses the switch, so
 * each gets (q - c) / 2q of the GPU and the GPU is busy (q - c) / q. */
static void equal_share_pays_switches_from_the_slot(void)
{
    sim s;
    sim_init(&s);
    sim_time_t q = 2 * MS, c = 100 * SIM_NS_PER_US;
    ts_cfg cfg = cfg_of(&ts_equal_share, q, c);
    ts *t = ts_alloc(&s, 0, &cfg);
    client a, b;
    client_init(&a, t, 7 * MS, 10, 1);
    client_init(&b, t, 7 * MS, 10, 1);
    exec_submit(&t->base, &a.ctx, &a.job);
    exec_submit(&t->base, &b.ctx, &b.job);
    sim_time_t horizon = 10 * SIM_NS_PER_S;
    sim_run(&s, horizon);
    exec_account(&t->base);
    double expect = (double)(q - c) / (2.0 * (double)q);
    ASSERT_REL((double)a.gpu_ns / (double)horizon, expect, 2e-3);
    ASSERT_REL((double)b.gpu_ns / (double)horizon, expect, 2e-3);
    ASSERT_REL((double)t->base.c.switch_ns / (double)horizon, (double)c / (double)q, 2e-3);
    exec_free(&t->base);
    sim_free(&s);
}

/* A vGPU that gets work inside its own idle slot runs at once, then waits
 * for its next slot: slots are [0,2) A, [2,4) B, [4,6) A, [6,8) B, [8,10) A.
 * A 3 ms job submitted at 5 ms runs 5-6 and 8-10. */
static void work_arriving_in_the_owners_slot_runs_at_once(void)
{
    sim s;
    sim_init(&s);
    ts_cfg cfg = cfg_of(&ts_equal_share, 2 * MS, 0);
    ts *t = ts_alloc(&s, 0, &cfg);
    client a, b;
    client_init(&a, t, 3 * MS, 1, 0);
    client_init(&b, t, 100 * MS, 1, 1);
    exec_submit(&t->base, &b.ctx, &b.job);     /* starts the rotation at 0 */
    sim_run(&s, 5 * MS);
    exec_submit(&t->base, &a.ctx, &a.job);
    sim_run(&s, 20 * MS);
    CU_ASSERT_EQUAL(a.job.t_start, 5 * MS);
    CU_ASSERT_EQUAL(a.end, 10 * MS);
    CU_ASSERT_EQUAL(a.done, 1);
    exec_free(&t->base);
    sim_free(&s);
}

/* Kernel-level preemption, slice 2 ms: A's kernels last 1.5 ms, so a legacy
 * turn of A runs two kernels (3 ms) while B (short kernels) stops at 2 ms:
 * A gets 3/5 of the GPU. ARR books A's 1 ms overshoots and shortens its
 * later slices until its turns average the nominal 2 ms: 1/2 each. */
static double arr_share_of_a(int factor)
{
    sim s;
    sim_init(&s);
    ts_cfg cfg = cfg_of(&ts_best_effort, 2 * MS, 0);
    cfg.preempt = TS_PREEMPT_KERNEL;
    cfg.arr_factor = factor;
    ts *t = ts_alloc(&s, 0, &cfg);
    client a, b;
    client_init(&a, t, 1500 * MS, 1000, 1);    /* 1.5 ms kernels */
    client_init(&b, t, 1000 * MS, 100000, 1);  /* 10 us kernels */
    exec_submit(&t->base, &a.ctx, &a.job);
    exec_submit(&t->base, &b.ctx, &b.job);
    sim_time_t horizon = 20 * SIM_NS_PER_S;
    sim_run(&s, horizon);
    exec_account(&t->base);
    double share = (double)a.gpu_ns / (double)(a.gpu_ns + b.gpu_ns);
    exec_free(&t->base);
    sim_free(&s);
    return share;
}

static void legacy_slices_let_long_kernels_overshoot(void)
{
    ASSERT_REL(arr_share_of_a(0), 0.6, 0.005);
}

static void arr_pays_overshoot_back_to_an_even_split(void)
{
    ASSERT_REL(arr_share_of_a(33), 0.5, 0.01);
    ASSERT_REL(arr_share_of_a(1), 0.5, 0.01);
}

/* A job with more kernels than ns of work (10 us in a million kernels):
 * its kernels are 1 ns each, so kernel-level preemption stops it at the
 * next ns, as instruction-level would. Two 10 us jobs under 1 us slices
 * alternate: A ends at 19 us, B at 20 us. */
static void kernels_shorter_than_a_nanosecond_preempt_at_the_next_ns(void)
{
    sim s;
    sim_init(&s);
    ts_cfg cfg = cfg_of(&ts_best_effort, SIM_NS_PER_US, 0);
    cfg.preempt = TS_PREEMPT_KERNEL;
    ts *t = ts_alloc(&s, 0, &cfg);
    client a, b;
    client_init(&a, t, 10 * SIM_NS_PER_US, 1000000, 0);
    client_init(&b, t, 10 * SIM_NS_PER_US, 1000000, 0);
    exec_submit(&t->base, &a.ctx, &a.job);
    exec_submit(&t->base, &b.ctx, &b.job);
    sim_run(&s, MS);
    CU_ASSERT_EQUAL(a.end, 19 * SIM_NS_PER_US);
    CU_ASSERT_EQUAL(b.end, 20 * SIM_NS_PER_US);
    CU_ASSERT_EQUAL(t->base.c.switches, 19);
    exec_free(&t->base);
    sim_free(&s);
}

/* A job longer than any run (work SIM_TIME_MAX, as a draw from a far tail
 * saturates to) submitted after time 0 runs for the whole horizon and never
 * completes: its end must saturate, not wrap to a time in the past. */
static void a_job_longer_than_time_itself_runs_to_the_horizon(void)
{
    sim s;
    sim_init(&s);
    ts_cfg cfg = cfg_of(&ts_best_effort, SIM_TIME_MAX, 0);
    ts *t = ts_alloc(&s, 0, &cfg);
    client a;
    client_init(&a, t, SIM_TIME_MAX, 1, 0);
    sim_run(&s, MS);
    exec_submit(&t->base, &a.ctx, &a.job);
    sim_run(&s, SIM_NS_PER_S);
    exec_account(&t->base);
    CU_ASSERT_EQUAL(a.done, 0);
    CU_ASSERT_EQUAL(a.gpu_ns, SIM_NS_PER_S - MS);
    CU_ASSERT_EQUAL(a.job.remaining, SIM_TIME_MAX - (SIM_NS_PER_S - MS));
    exec_free(&t->base);
    sim_free(&s);
}

/* A speed change (a MIG power throttle) at the very instant a drain to a
 * kernel end finishes, before its wake fires: at speed 0.9 a 4402 ns
 * drain takes 4892 ns, in which 4403 ns of work round-trip, one past the
 * stop point. The wake must not move before now; the drain ends there and
 * the other context runs. */
typedef struct { ts *t; double speed; } speed_change;

static void change_speed(sim *s, sim_event *ev)
{
    (void)s;
    speed_change *c = ev->ctx;
    c->t->base.set_speed(&c->t->base, c->speed);
}

static void a_speed_change_as_a_drain_ends_never_wakes_in_the_past(void)
{
    sim s;
    sim_init(&s);
    ts_cfg cfg = cfg_of(&ts_best_effort, 1000, 0);
    cfg.preempt = TS_PREEMPT_KERNEL;
    ts *t = ts_alloc(&s, 0, &cfg);
    t->base.set_speed(&t->base, 0.9);
    client a, b;
    client_init(&a, t, 2 * 5302, 2, 0);      /* 5302 ns kernels */
    client_init(&b, t, 10000, 1, 0);
    speed_change sc = { t, 0.5 };
    sim_event ev;
    sim_event_set(&ev, change_speed, &sc);
    sim_at(&s, &ev, 1000 + 4892);             /* first slice + the drain's wall time */
    exec_submit(&t->base, &a.ctx, &a.job);
    exec_submit(&t->base, &b.ctx, &b.job);
    sim_run(&s, 1000 + 4892);
    CU_ASSERT_EQUAL(a.job.remaining, 2 * 5302 - 900 - 4403);
    CU_ASSERT_EQUAL(b.job.t_start, 1000 + 4892);
    exec_free(&t->base);
    sim_free(&s);
}

/* Kernel-level preemption at a job boundary: A's 2 ms job (two 1 ms
 * kernels) ends exactly as its 2 ms slice does and A submits the next at
 * once (a closed loop). Nothing is running then, so B gets the GPU at 2 ms;
 * A must not first run a kernel of its new job. */
static void kernel_preemption_at_a_job_boundary_is_immediate(void)
{
    sim s;
    sim_init(&s);
    ts_cfg cfg = cfg_of(&ts_best_effort, 2 * MS, 0);
    cfg.preempt = TS_PREEMPT_KERNEL;
    ts *t = ts_alloc(&s, 0, &cfg);
    client a, b;
    client_init(&a, t, 2 * MS, 2, 1);
    client_init(&b, t, 2 * MS, 2, 0);
    exec_submit(&t->base, &a.ctx, &a.job);
    exec_submit(&t->base, &b.ctx, &b.job);
    sim_run(&s, 10 * MS);
    CU_ASSERT_EQUAL(b.job.t_start, 2 * MS);
    CU_ASSERT_EQUAL(b.end, 4 * MS);
    exec_free(&t->base);
    sim_free(&s);
}

/* The last kernel takes the remainder: 10000 ns in 3 kernels are
 * [0, 3333), [3333, 6666), [6666, 10000). At 9999 ns done (a multiple of
 * 3333) A is inside its last kernel, not between kernels: a 9999 ns slice
 * drains 1 ns more, and B starts when A's job ends. */
static void a_multiple_of_the_kernel_length_inside_the_last_kernel_is_no_boundary(void)
{
    sim s;
    sim_init(&s);
    ts_cfg cfg = cfg_of(&ts_best_effort, 9999, 0);
    cfg.preempt = TS_PREEMPT_KERNEL;
    ts *t = ts_alloc(&s, 0, &cfg);
    client a, b;
    client_init(&a, t, 10000, 3, 0);
    client_init(&b, t, 10000, 3, 0);
    exec_submit(&t->base, &a.ctx, &a.job);
    exec_submit(&t->base, &b.ctx, &b.job);
    sim_run(&s, MS);
    CU_ASSERT_EQUAL(a.end, 10000);
    CU_ASSERT_EQUAL(b.job.t_start, 10000);
    CU_ASSERT_EQUAL(b.end, 20000);
    exec_free(&t->base);
    sim_free(&s);
}

/* A high-priority context that gets work preempts a busy low-priority one
 * at once (instruction mode): with a 0.1 ms switch, its 3 ms job submitted
 * at 5 ms ends at 5.1 + 3 = 8.1 ms, though the slice is 10 ms. While it
 * has work, the low one's slice end does not switch back. */
static void a_high_priority_context_preempts_at_its_arrival(void)
{
    sim s;
    sim_init(&s);
    ts_cfg c = cfg_of(&ts_best_effort, 10 * MS, MS / 10);
    ts *t = ts_alloc(&s, 0, &c);
    client lo, hi;
    client_init(&lo, t, 50 * MS, 1, 1);
    client_init(&hi, t, 3 * MS, 1, 0);
    hi.ctx.prio = 1;
    exec_submit(&t->base, &lo.ctx, &lo.job);
    sim_run(&s, 5 * MS);
    exec_submit(&t->base, &hi.ctx, &hi.job);
    sim_run(&s, 20 * MS);
    ASSERT_REL((double)hi.end, 8.1 * MS, 1e-9);
    /* the low one lost 3 ms to the high one and two switches */
    exec_account(&t->base);
    ASSERT_REL((double)lo.gpu_ns, 20.0 * MS - 3.0 * MS - 0.2 * MS, 1e-9);
    exec_free(&t->base);
    sim_free(&s);
}

/* Under kernel-level preemption the high one waits for the running kernel:
 * 4 ms kernels, submitted at 5 ms, it starts at 8 + 0.1 ms. */
static void priority_preemption_waits_for_the_kernel_boundary(void)
{
    sim s;
    sim_init(&s);
    ts_cfg c = cfg_of(&ts_best_effort, 10 * MS, MS / 10);
    c.preempt = TS_PREEMPT_KERNEL;
    ts *t = ts_alloc(&s, 0, &c);
    client lo, hi;
    client_init(&lo, t, 40 * MS, 10, 1);
    client_init(&hi, t, 3 * MS, 1, 0);
    hi.ctx.prio = 1;
    exec_submit(&t->base, &lo.ctx, &lo.job);
    sim_run(&s, 5 * MS);
    exec_submit(&t->base, &hi.ctx, &hi.job);
    sim_run(&s, 30 * MS);
    ASSERT_REL((double)hi.end, 11.1 * MS, 1e-9);
    exec_free(&t->base);
    sim_free(&s);
}

typedef struct {
    ts     *t;
    client *c;
    sim_event ev;
} later;

static void submit_later(sim *s, sim_event *ev)
{
    (void)s;
    later *l = ev->ctx;
    exec_submit(&l->t->base, &l->c->ctx, &l->c->job);
}

/* The end of a high-priority context's second 1 ms job, submitted 0.2 ms
 * after its first ends, beside a busy low one with 4 ms kernels under
 * kernel-level preemption and a 0.1 ms switch, with guard g. */
static double second_job_end_ms(sim_time_t guard)
{
    sim s;
    sim_init(&s);
    ts_cfg c = cfg_of(&ts_best_effort, 10 * MS, MS / 10);
    c.preempt = TS_PREEMPT_KERNEL;
    c.guard_ns = guard;
    ts *t = ts_alloc(&s, 0, &c);
    client lo, hi;
    client_init(&hi, t, 1 * MS, 1, 0);
    client_init(&lo, t, 40 * MS, 10, 1);
    hi.ctx.prio = 1;
    exec_submit(&t->base, &hi.ctx, &hi.job);
    exec_submit(&t->base, &lo.ctx, &lo.job);
    later l = { t, &hi, { 0 } };
    sim_event_set(&l.ev, submit_later, &l);
    sim_at(&s, &l.ev, 1 * MS + MS / 5);
    sim_run(&s, 50 * MS);
    double end = (double)hi.end / MS;
    exec_free(&t->base);
    sim_free(&s);
    return end;
}

/* Without a guard the low context takes the GPU in the high one's 0.2 ms
 * gap and its 4 ms kernel holds the second job back (it starts at 1.1 +
 * 4 + 0.1 ms); a 0.5 ms guard keeps the GPU idle for it: it runs at once. */
static void a_best_effort_guard_keeps_the_gpu_for_the_critical_context(void)
{
    ASSERT_REL(second_job_end_ms(0), 6.2, 1e-9);
    ASSERT_REL(second_job_end_ms(MS / 2), 2.2, 1e-9);
}

TU_SUITE_FN(ts_share)
{
    static const tu_test tests[] = {
        TU_TEST(equal_share_caps_a_lone_busy_vgpu_at_one_over_n),
        TU_TEST(a_high_priority_context_preempts_at_its_arrival),
        TU_TEST(priority_preemption_waits_for_the_kernel_boundary),
        TU_TEST(a_best_effort_guard_keeps_the_gpu_for_the_critical_context),
        TU_TEST(fixed_share_caps_at_one_over_max_per_gpu_of_the_type),
        TU_TEST(best_effort_gives_idle_shares_away),
        TU_TEST(equal_share_pays_switches_from_the_slot),
        TU_TEST(work_arriving_in_the_owners_slot_runs_at_once),
        TU_TEST(legacy_slices_let_long_kernels_overshoot),
        TU_TEST(arr_pays_overshoot_back_to_an_even_split),
        TU_TEST(kernels_shorter_than_a_nanosecond_preempt_at_the_next_ns),
        TU_TEST(a_job_longer_than_time_itself_runs_to_the_horizon),
        TU_TEST(a_speed_change_as_a_drain_ends_never_wakes_in_the_past),
        TU_TEST(kernel_preemption_at_a_job_boundary_is_immediate),
        TU_TEST(a_multiple_of_the_kernel_length_inside_the_last_kernel_is_no_boundary),
    };
    TU_SUITE("ts_share", tests);
}
