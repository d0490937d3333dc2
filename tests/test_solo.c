/* test_solo.c -- the executor of a context alone on its GPU gives every
 * job the account the time-sliced executor with an infinite slice gives
 * (how `exclusive` was modelled before), and runs the same events. */
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "models/solo.h"
#include "models/ts.h"
#include "sim/rng.h"

enum { NJOBS = 4000 };

/* A tenant-like driver: jobs arrive at random (open loop), and a share of
 * completions submits the next job from inside done() (closed loop), so
 * both the idle-start and the in-callback paths run. */
typedef struct {
    sim        s;
    exec      *e;
    exec_ctx   ctx;
    sim_time_t gpu_ns;
    gpu_job    job[NJOBS];
    sim_event  arr[NJOBS];
    int        next_inline;
    sim_time_t in_callback_work[NJOBS];
} driver;

static void on_done(sim *s, gpu_job *j)
{
    driver *d = j->owner;
    (void)s;
    int k = (int)(j - d->job);
    if (d->in_callback_work[k] > 0 && d->next_inline < NJOBS) {
        gpu_job *n = &d->job[d->next_inline++];
        exec_submit(d->e, &d->ctx, n);
    }
}

static void on_arrive(sim *s, sim_event *ev)
{
    (void)s;
    gpu_job *j = ev->ctx;
    driver *d = j->owner;
    exec_submit(d->e, &d->ctx, j);
}

static void drive(driver *d, exec *e, uint64_t seed)
{
    gsl_rng *r = sim_rng_alloc(seed, 0, 0, 0);
    d->e = e;
    exec_ctx_init(e, &d->ctx, &d->gpu_ns);
    sim_time_t t = 0;
    int open = NJOBS / 2;            /* the first half arrive on their own */
    d->next_inline = open;
    for (int k = 0; k < NJOBS; k++) {
        d->job[k].work = 1 + (sim_time_t)sim_ran_exponential(r, 900000);
        d->job[k].kernels = 1;
        d->job[k].done = on_done;
        d->job[k].owner = d;
        d->in_callback_work[k] = gsl_rng_uniform(r) < 0.3;
        if (k < open) {
            t += (sim_time_t)sim_ran_exponential(r, 1000000);
            if (k % 97 == 0)
                t -= t % 1000;       /* some arrivals on the instant a job ends */
            sim_event_set(&d->arr[k], on_arrive, &d->job[k]);
            sim_at(&d->s, &d->arr[k], t);
        }
    }
    gsl_rng_free(r);
    sim_run(&d->s, SIM_TIME_MAX - 1);
}

static void solo_gives_each_job_the_infinite_slice_account(void)
{
    driver *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    sim_init(&a->s);
    sim_init(&b->s);
    ts_cfg c;
    memset(&c, 0, sizeof c);
    c.policy = &ts_best_effort;
    c.slice_ns = SIM_TIME_MAX;
    c.preempt = TS_PREEMPT_INSTRUCTION;
    c.block_ns = 1;
    ts *t = ts_alloc(&a->s, 0, &c);
    solo *x = solo_alloc(&b->s, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(ts_attach(t, &a->ctx), 0);
    drive(a, &t->base, 11);
    drive(b, solo_base(x), 11);
    int same = 1, ran = 0, queued = 0;
    for (int k = 0; k < NJOBS; k++) {
        const gpu_job *p = &a->job[k], *q = &b->job[k];
        same &= p->t_submit == q->t_submit && p->t_head == q->t_head && p->t_start == q->t_start &&
                p->t_end == q->t_end && p->service_ns == q->service_ns && p->switch_ns == q->switch_ns &&
                p->remaining == q->remaining;
        ran += q->t_end >= 0 && q->service_ns == q->work;
        queued += q->t_head > q->t_submit;
    }
    CU_ASSERT(same);
    CU_ASSERT(ran > NJOBS / 2);           /* every open-loop job and the closed-loop ones it started */
    CU_ASSERT(queued > 100);              /* and many waited behind others */
    exec_account(&t->base);
    exec_account(solo_base(x));
    CU_ASSERT_EQUAL(t->base.c.busy_ns, solo_base(x)->c.busy_ns);
    CU_ASSERT_EQUAL(solo_base(x)->c.switches, 0);
    CU_ASSERT_EQUAL(a->gpu_ns, b->gpu_ns);
    CU_ASSERT_EQUAL(a->s.events, b->s.events);
    CU_ASSERT_EQUAL(a->s.now, b->s.now);
    exec_free(&t->base);
    exec_free(solo_base(x));
    sim_free(&a->s);
    sim_free(&b->s);
    free(a);
    free(b);
}

/* Accounting mid-job books the time run so far, as snapshots at warm-up
 * and at the end of the window need. */
static void account_mid_job_books_the_time_so_far(void)
{
    sim s;
    sim_init(&s);
    solo *x = solo_alloc(&s, 0);
    exec_ctx c;
    sim_time_t gpu = 0;
    gpu_job j;
    memset(&j, 0, sizeof j);
    j.work = 1000;
    j.kernels = 1;
    j.done = NULL;
    exec_ctx_init(solo_base(x), &c, &gpu);
    exec_submit(solo_base(x), &c, &j);
    sim_run(&s, 400);
    exec_account(solo_base(x));
    CU_ASSERT_EQUAL(solo_base(x)->c.busy_ns, 400);
    CU_ASSERT_EQUAL(gpu, 400);
    CU_ASSERT_EQUAL(j.remaining, 600);
    CU_ASSERT_EQUAL(solo_base(x)->busy, 1);
    exec_free(solo_base(x));
    sim_free(&s);
}

TU_SUITE_FN(solo)
{
    static const tu_test tests[] = {
        TU_TEST(solo_gives_each_job_the_infinite_slice_account),
        TU_TEST(account_mid_job_books_the_time_so_far),
    };
    TU_SUITE("solo", tests);
}
