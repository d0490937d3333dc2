/* test_evq.c -- the event queue and the engine's ordering contract. */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>
#include "tests/testutil.h"
#include "sim/sim.h"

static void record(sim *s, sim_event *ev)
{
    (void)s;
    int *log = ev->ctx;
    log[log[0] + 1] = (int)(ev->seq);
    log[0]++;
}

/* n events pushed on q (caller frees them), seq their index, times drawn
 * uniformly from 0 to range - 1 by a fresh mt19937 (default seed). */
static sim_event *push_random(sim_evq *q, int n, unsigned long range)
{
    sim_event *ev = calloc((size_t)n, sizeof *ev);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int i = 0; i < n; i++) {
        ev[i].time = (sim_time_t)gsl_rng_uniform_int(r, range);
        ev[i].seq = (uint64_t)i;
        CU_ASSERT_EQUAL(sim_evq_push(q, &ev[i]), 0);
    }
    gsl_rng_free(r);
    return ev;
}

static void events_pop_in_time_then_sequence_order(void)
{
    sim_evq q;
    sim_evq_init(&q);
    enum { N = 5000 };
    /* keys pushed before any pop: all at or above the last key popped */
    sim_event *ev = push_random(&q, N, 100);   /* many ties */
    sim_time_t last_t = -1;
    uint64_t last_seq = 0;
    for (int i = 0; i < N; i++) {
        sim_event *e = sim_evq_pop(&q);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        CU_ASSERT(e->time > last_t || (e->time == last_t && e->seq > last_seq));
        CU_ASSERT_PTR_EQUAL(e->next, e);      /* not queued any more */
        last_t = e->time;
        last_seq = e->seq;
    }
    CU_ASSERT_PTR_NULL(sim_evq_pop(&q));
    free(ev);
    sim_evq_free(&q);
}

static void removing_any_event_keeps_the_queue_ordered(void)
{
    sim_evq q;
    sim_evq_init(&q);
    enum { N = 2000 };
    sim_event *ev = push_random(&q, N, 1000000);
    for (int i = 0; i < N; i += 3)
        sim_evq_remove(&q, &ev[i]);
    sim_evq_remove(&q, &ev[0]);          /* removing twice is harmless */
    CU_ASSERT_EQUAL(sim_evq_size(&q), N - (N + 2) / 3);
    sim_time_t last = -1;
    size_t n = 0;
    for (sim_event *e; (e = sim_evq_pop(&q)); n++) {
        CU_ASSERT(e->time >= last);
        CU_ASSERT(e->seq % 3 != 0);
        last = e->time;
    }
    CU_ASSERT_EQUAL(n, N - (N + 2) / 3);
    free(ev);
    sim_evq_free(&q);
}

/* A hold model mixing many equal times, dense clusters and rare jumps far
 * ahead, with cancellations: the engine must fire events in exact (time,
 * seq) order throughout while the calendar resizes and re-estimates. */
typedef struct {
    gsl_rng    *r;
    sim_time_t  last_t;
    uint64_t    last_seq, fired, bad;
    sim_event  *ev;
    size_t      n;
} stress;

static void stress_fire(sim *s, sim_event *e)
{
    stress *st = e->ctx;
    if (e->time < st->last_t || (e->time == st->last_t && e->seq < st->last_seq))
        st->bad++;
    st->last_t = e->time;
    st->last_seq = e->seq;
    st->fired++;
    unsigned long u = gsl_rng_uniform_int(st->r, 100);
    sim_time_t dt = u < 30 ? 0 : u < 90 ? (sim_time_t)gsl_rng_uniform_int(st->r, 1000)
                  : u < 99 ? (sim_time_t)gsl_rng_uniform_int(st->r, 1000000)
                  : (sim_time_t)gsl_rng_uniform_int(st->r, 1000000000) * 1000;
    if (st->fired < 400000)
        sim_after(s, e, dt);
    sim_event *victim = &st->ev[gsl_rng_uniform_int(st->r, st->n)];
    if (u % 7 == 0 && sim_pending(victim)) {
        sim_cancel(s, victim);
        if (st->fired < 400000)
            sim_after(s, victim, (sim_time_t)gsl_rng_uniform_int(st->r, 5000));
    }
}

static void calendar_keeps_exact_order_under_mixed_spacing_and_cancels(void)
{
    sim s;
    sim_init(&s);
    stress st = { gsl_rng_alloc(gsl_rng_mt19937), -1, 0, 0, 0, NULL, 3000 };
    st.ev = calloc(st.n, sizeof *st.ev);
    for (size_t i = 0; i < st.n; i++) {
        sim_event_set(&st.ev[i], stress_fire, &st);
        sim_at(&s, &st.ev[i], (sim_time_t)(i % 17));
    }
    sim_run(&s, SIM_TIME_MAX);
    CU_ASSERT_EQUAL(st.bad, 0);
    CU_ASSERT(st.fired >= 400000);
    CU_ASSERT_EQUAL(sim_evq_size(&s.q), 0);
    free(st.ev);
    gsl_rng_free(st.r);
    sim_free(&s);
}

static void simultaneous_events_fire_in_scheduling_order(void)
{
    sim s;
    sim_init(&s);
    int log[8] = { 0 };
    sim_event a, b, c;
    sim_event_set(&a, record, log);
    sim_event_set(&b, record, log);
    sim_event_set(&c, record, log);
    sim_at(&s, &b, 10);
    sim_at(&s, &a, 10);
    sim_at(&s, &c, 5);
    CU_ASSERT_EQUAL(sim_run(&s, 100), 3);
    CU_ASSERT_EQUAL(log[0], 3);
    CU_ASSERT_EQUAL(log[1], 2);          /* c: earliest time */
    CU_ASSERT_EQUAL(log[2], 0);          /* b: scheduled before a */
    CU_ASSERT_EQUAL(log[3], 1);
    CU_ASSERT_EQUAL(s.now, 100);
    sim_free(&s);
}

/* Events at the very end of time (a never-ending slice, say) neither wrap
 * the calendar nor overtake earlier ones. */
static void events_near_the_end_of_time_keep_their_order(void)
{
    sim s;
    sim_init(&s);
    int log[8] = { 0 };
    sim_event a, b, c;
    sim_event_set(&a, record, log);
    sim_event_set(&b, record, log);
    sim_event_set(&c, record, log);
    sim_at(&s, &a, SIM_TIME_MAX);
    sim_at(&s, &b, SIM_TIME_MAX - 1);
    sim_at(&s, &c, 5);
    CU_ASSERT_EQUAL(sim_run(&s, SIM_TIME_MAX), 3);
    CU_ASSERT_EQUAL(log[1], 2);
    CU_ASSERT_EQUAL(log[2], 1);
    CU_ASSERT_EQUAL(log[3], 0);
    sim_free(&s);
}

static void cancelled_event_never_fires(void)
{
    sim s;
    sim_init(&s);
    int log[4] = { 0 };
    sim_event a;
    sim_event_set(&a, record, log);
    sim_at(&s, &a, 10);
    CU_ASSERT(sim_pending(&a));
    sim_cancel(&s, &a);
    CU_ASSERT(!sim_pending(&a));
    CU_ASSERT_EQUAL(sim_run(&s, SIM_TIME_MAX), 0);
    CU_ASSERT_EQUAL(log[0], 0);
    sim_free(&s);
}

/* sim_run(until) that stops short of the next event, then an event
 * scheduled between until and that event (a job submitted between two
 * runs): the new, earlier event fires first and the clock never goes
 * back. The pending event is many calendar days past until. */
typedef struct { sim_time_t at; int order; int *fired; } stamp;

static void time_stamp(sim *s, sim_event *ev)
{
    stamp *st = ev->ctx;
    st->at = s->now;
    st->order = ++*st->fired;
}

static void an_event_scheduled_after_a_run_stopped_short_fires_in_order(void)
{
    sim s;
    sim_init(&s);
    int fired = 0;
    stamp late_st = { -1, 0, &fired }, early_st = { -1, 0, &fired };
    sim_event late, early;
    sim_event_set(&late, time_stamp, &late_st);
    sim_event_set(&early, time_stamp, &early_st);
    sim_at(&s, &late, 6 * SIM_NS_PER_MS);
    sim_run(&s, 5 * SIM_NS_PER_MS);
    CU_ASSERT_EQUAL(fired, 0);
    sim_at(&s, &early, 5 * SIM_NS_PER_MS + 10);
    CU_ASSERT_EQUAL(sim_run(&s, 10 * SIM_NS_PER_MS), 2);
    CU_ASSERT_EQUAL(early_st.order, 1);
    CU_ASSERT_EQUAL(late_st.order, 2);
    CU_ASSERT_EQUAL(early_st.at, 5 * SIM_NS_PER_MS + 10);
    CU_ASSERT_EQUAL(late_st.at, 6 * SIM_NS_PER_MS);
    sim_free(&s);
}

/* Events in the last calendar day of the time range (a job that never ends
 * is due at SIM_TIME_MAX): the cursor's day end saturates instead of
 * wrapping negative, and order holds around them. */
static void events_at_the_end_of_time_keep_the_cursor_in_range(void)
{
    sim_evq q;
    sim_evq_init(&q);
    sim_event ev[4];
    const sim_time_t t[3] = { SIM_EVQ_NEVER - 1, 1000, SIM_EVQ_NEVER };
    for (int i = 0; i < 3; i++) {
        ev[i].time = t[i];
        ev[i].seq = (uint64_t)i;
        sim_evq_push(&q, &ev[i]);
    }
    CU_ASSERT_PTR_EQUAL(sim_evq_pop(&q), &ev[1]);
    CU_ASSERT_PTR_EQUAL(sim_evq_peek(&q), &ev[0]);
    ev[3].time = ((SIM_EVQ_NEVER >> q.shift) << q.shift) - 1;   /* the day before */
    ev[3].seq = 3;
    sim_evq_push(&q, &ev[3]);
    CU_ASSERT_PTR_EQUAL(sim_evq_pop(&q), &ev[3]);
    CU_ASSERT_PTR_EQUAL(sim_evq_pop(&q), &ev[0]);
    CU_ASSERT_EQUAL(q.cur_top, SIM_EVQ_NEVER);      /* on the last day, saturated */
    CU_ASSERT_PTR_EQUAL(sim_evq_pop(&q), &ev[2]);
    CU_ASSERT_PTR_NULL(sim_evq_pop(&q));
    sim_evq_free(&q);
}

/* The hold model the benchmark runs (each popped event pushed again an
 * exponential time later, a fifth of them at the same instant), with
 * cancels and re-pushes mixed in: every pop must return the least (time,
 * seq) of the events queued, as a full scan of them finds it. 1,500
 * pending crosses the queue's resizes and width re-estimates. */
static void a_hold_model_pops_the_least_key_a_full_scan_finds(void)
{
    enum { N = 1500, OPS = 60000 };
    sim_evq q;
    CU_ASSERT_EQUAL_FATAL(sim_evq_init(&q), 0);
    sim_event *ev = calloc(N, sizeof *ev);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    uint64_t seq = 0;
    sim_time_t now = 0;
    size_t queued = N;
    for (size_t i = 0; i < N; i++) {
        ev[i].next = &ev[i];
        ev[i].time = (sim_time_t)gsl_rng_uniform_int(r, 1000000) * 1000;
        ev[i].seq = seq++;
        sim_evq_push(&q, &ev[i]);
    }
    int bad = 0;
    for (int k = 0; k < OPS; k++) {
        sim_event *want = NULL;
        for (size_t i = 0; i < N; i++)
            if (ev[i].next != &ev[i] && (!want || ev[i].time < want->time ||
                    (ev[i].time == want->time && ev[i].seq < want->seq)))
                want = &ev[i];
        sim_event *e = sim_evq_pop(&q);
        if (e != want)
            bad++;
        if (!e)
            break;
        queued--;
        now = e->time;
        double u = gsl_rng_uniform(r);
        e->time = now + (u < 0.2 ? 0 : (sim_time_t)(-1e6 * N * log(u)));
        e->seq = seq++;
        sim_evq_push(&q, e);
        queued++;
        sim_event *v = &ev[gsl_rng_uniform_int(r, N)];
        if (k % 5 == 0 && v->next != v) {
            sim_evq_remove(&q, v);
            v->time = now + (sim_time_t)gsl_rng_uniform_int(r, 1000000000);
            v->seq = seq++;
            sim_evq_push(&q, v);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(sim_evq_size(&q), queued);
    CU_ASSERT_EQUAL(queued, N);
    gsl_rng_free(r);
    free(ev);
    sim_evq_free(&q);
}

TU_SUITE_FN(evq)
{
    static const tu_test tests[] = {
        TU_TEST(events_pop_in_time_then_sequence_order),
        TU_TEST(removing_any_event_keeps_the_queue_ordered),
        TU_TEST(simultaneous_events_fire_in_scheduling_order),
        TU_TEST(calendar_keeps_exact_order_under_mixed_spacing_and_cancels),
        TU_TEST(events_near_the_end_of_time_keep_their_order),
        TU_TEST(cancelled_event_never_fires),
        TU_TEST(an_event_scheduled_after_a_run_stopped_short_fires_in_order),
        TU_TEST(events_at_the_end_of_time_keep_the_cursor_in_range),
        TU_TEST(a_hold_model_pops_the_least_key_a_full_scan_finds),
    };
    TU_SUITE("evq", tests);
}
