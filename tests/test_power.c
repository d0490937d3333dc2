/* test_power.c -- the shared power budget of a MIG GPU: instances slow
 * down together only while all of them run; also the time-sliced
 * executor's speed, which the throttle drives. */
#include <string.h>
#include "tests/testutil.h"
#include "models/power.h"
#include "models/ts.h"

#define MS SIM_NS_PER_MS

typedef struct {
    exec_ctx   ctx;
    gpu_job    job;
    sim_time_t end;
} one;

static void on_done(sim *s, gpu_job *j) { ((one *)j->owner)->end = s->now; }

static ts *exclusive(sim *s, int id)
{
    ts_cfg c;
    memset(&c, 0, sizeof c);
    c.policy = &ts_best_effort;
    c.slice_ns = SIM_TIME_MAX;
    c.preempt = TS_PREEMPT_INSTRUCTION;
    c.block_ns = 1;
    return ts_alloc(s, id, &c);
}

static void one_init(one *o, exec *e, sim_time_t work)
{
    memset(o, 0, sizeof *o);
    exec_ctx_init(e, &o->ctx, NULL);
    o->job.work = work;
    o->job.kernels = 1;
    o->job.done = on_done;
    o->job.owner = o;
}

/* 4 ms of work done at full speed, then half speed: 6 ms of work take 12. */
static void a_speed_change_moves_the_end_of_the_running_job(void)
{
    sim s;
    sim_init(&s);
    ts *t = exclusive(&s, 0);
    one a;
    one_init(&a, &t->base, 10 * MS);
    exec_submit(&t->base, &a.ctx, &a.job);
    sim_run(&s, 4 * MS);
    t->base.set_speed(&t->base, 0.5);
    sim_run(&s, SIM_NS_PER_S);
    CU_ASSERT_EQUAL(a.end, 16 * MS);
    exec_free(&t->base);
    sim_free(&s);
}

/* Two instances with 10 ms and 4 ms of work, throttle 0.5: both run at half
 * speed until the short one ends at 8 ms; the long one has 6 ms of work
 * left at full speed: 14 ms. Without the throttle: 10 and 4. */
static void instances_slow_down_only_while_all_of_them_run(void)
{
    for (int on = 0; on < 2; on++) {
        sim s;
        sim_init(&s);
        ts *a = exclusive(&s, 0), *b = exclusive(&s, 1);
        exec *m[2] = { &a->base, &b->base };
        power_mon *p = on ? power_alloc(m, 2, 0.5) : NULL;
        one x, y;
        one_init(&x, &a->base, 10 * MS);
        one_init(&y, &b->base, 4 * MS);
        exec_submit(&a->base, &x.ctx, &x.job);
        exec_submit(&b->base, &y.ctx, &y.job);
        sim_run(&s, SIM_NS_PER_S);
        CU_ASSERT_EQUAL(y.end, on ? 8 * MS : 4 * MS);
        CU_ASSERT_EQUAL(x.end, on ? 14 * MS : 10 * MS);
        if (p) {
            CU_ASSERT_EQUAL(power_throttled_ns(p), 8 * MS);
            power_free(p);
        }
        exec_free(&a->base);
        exec_free(&b->base);
        sim_free(&s);
    }
}

TU_SUITE_FN(power)
{
    static const tu_test tests[] = {
        TU_TEST(a_speed_change_moves_the_end_of_the_running_job),
        TU_TEST(instances_slow_down_only_while_all_of_them_run),
    };
    TU_SUITE("power", tests);
}
