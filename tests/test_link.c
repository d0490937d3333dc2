/* test_link.c -- the shared host link: processor sharing of transfers. */
#include <string.h>
#include "tests/testutil.h"
#include "models/link.h"

#define MS SIM_NS_PER_MS

typedef struct {
    exec_ctx   ctx;
    gpu_job    job[2];
    sim_time_t end[2];
    int        done;
} sender;

static void on_done(sim *s, gpu_job *j)
{
    sender *x = j->owner;
    x->end[x->done++] = s->now;
}

static void sender_init(sender *x, exec *e, sim_time_t w0, sim_time_t w1)
{
    memset(x, 0, sizeof *x);
    exec_ctx_init(e, &x->ctx, NULL);
    const sim_time_t w[2] = { w0, w1 };
    for (int i = 0; i < 2; i++) {
        x->job[i].work = w[i];
        x->job[i].kernels = 1;
        x->job[i].done = on_done;
        x->job[i].owner = x;
    }
}

/* Transfers of 10 ms and 4 ms alone start together: both at half rate
 * until the short one ends at 8 ms. A sender's second transfer waits for
 * its first. */
static void concurrent_transfers_share_the_link_equally(void)
{
    sim s;
    sim_init(&s);
    link_exec *l = link_alloc(&s, 0);
    exec *e = link_base(l);
    sender a, b;
    sender_init(&a, e, 10 * MS, 1 * MS);
    sender_init(&b, e, 4 * MS, 2 * MS);
    exec_submit(e, &a.ctx, &a.job[0]);
    exec_submit(e, &a.ctx, &a.job[1]);
    exec_submit(e, &b.ctx, &b.job[0]);
    exec_submit(e, &b.ctx, &b.job[1]);
    sim_run(&s, SIM_NS_PER_S);
    CU_ASSERT_EQUAL(b.end[0], 8 * MS);
    /* b's second (2 ms) starts at 8 beside a's first (6 ms left): half rate
     * for 4 ms, so b ends at 12; a has 4 ms left alone: 16; then 1 ms: 17 */
    CU_ASSERT_EQUAL(b.end[1], 12 * MS);
    CU_ASSERT_EQUAL(a.end[0], 16 * MS);
    CU_ASSERT_EQUAL(a.end[1], 17 * MS);
    exec_account(e);
    CU_ASSERT_EQUAL(e->c.busy_ns, 17 * MS);
    exec_free(e);
    sim_free(&s);
}

static void a_lone_transfer_takes_its_alone_time(void)
{
    sim s;
    sim_init(&s);
    link_exec *l = link_alloc(&s, 0);
    exec *e = link_base(l);
    sender a;
    sender_init(&a, e, 3 * MS, 1);
    sim_run(&s, 5 * MS);
    exec_submit(e, &a.ctx, &a.job[0]);
    sim_run(&s, SIM_NS_PER_S);
    CU_ASSERT_EQUAL(a.end[0], 8 * MS);
    exec_free(e);
    sim_free(&s);
}

TU_SUITE_FN(link)
{
    static const tu_test tests[] = {
        TU_TEST(concurrent_transfers_share_the_link_equally),
        TU_TEST(a_lone_transfer_takes_its_alone_time),
    };
    TU_SUITE("link", tests);
}
