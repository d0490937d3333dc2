/* sim.h -- the discrete-event engine: a clock and a pending-event set.
 *
 * Invariants:
 *  - Time is int64 nanoseconds and never goes backwards.
 *  - Events fire in (time, seq) order; seq is taken from a counter at
 *    scheduling, so simultaneous events fire in the order they were scheduled.
 *  - The engine never allocates per event and never looks inside ev->ctx.
 *  - sim/ knows nothing of GPUs, workloads or JSON.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include "sim/evq.h"

#define SIM_NS_PER_US INT64_C(1000)
#define SIM_NS_PER_MS INT64_C(1000000)
#define SIM_NS_PER_S  INT64_C(1000000000)
#define SIM_TIME_MAX  INT64_MAX

typedef struct sim {
    sim_time_t now;
    uint64_t   next_seq;
    uint64_t   events;      /* events fired so far */
    int        stopping;    /* set by sim_stop: sim_run returns after the current event */
    sim_evq    q;
} sim;

/* sim_init / sim_free: an empty engine at time 0 / release its queue. Owned
 * events are not touched by sim_free. sim_init aborts when it cannot get the
 * queue's first few hundred bytes. */
void sim_init(sim *s);
void sim_free(sim *s);

/* sim_at: schedule ev (fn, ctx already set, not queued) at absolute time t >=
 * now. Returns 0, or -1 if the queue cannot grow. */
int sim_at(sim *s, sim_event *ev, sim_time_t t);

/* sim_after: sim_at(now + dt), dt >= 0. */
static inline int sim_after(sim *s, sim_event *ev, sim_time_t dt)
{
    return sim_at(s, ev, s->now + dt);
}

/* sim_cancel: unschedule ev if it is pending; harmless otherwise. */
void sim_cancel(sim *s, sim_event *ev);

static inline int sim_pending(const sim_event *ev) { return ev->next != ev; }

/* sim_round_ns: x nanoseconds to the nearest integer, halves away from zero
 * as llround does, without a libm call on the hot path of every drawn time.
 * Beyond the range of sim_time_t (a draw from a far tail, a huge mean) it
 * saturates at +-SIM_TIME_MAX, never wrapping; NaN gives SIM_TIME_MAX. */
static inline sim_time_t sim_round_ns(double x)
{
    if (!(x < 9.2e18))
        return SIM_TIME_MAX;
    if (x <= -9.2e18)
        return -SIM_TIME_MAX;
    return (sim_time_t)(x >= 0 ? x + 0.5 : x - 0.5);
}

/* sim_time_add: t + dt for dt >= 0, saturating at SIM_TIME_MAX ("never")
 * instead of overflowing. */
static inline sim_time_t sim_time_add(sim_time_t t, sim_time_t dt)
{
    return dt > SIM_TIME_MAX - t ? SIM_TIME_MAX : t + dt;
}

/* sim_event_set: bind a callback and context to an owned event. */
static inline void sim_event_set(sim_event *ev, sim_event_fn fn, void *ctx)
{
    ev->fn = fn;
    ev->ctx = ctx;
    ev->next = ev;             /* not queued */
    ev->time = 0;
    ev->seq = 0;
}

/* sim_run: fire events in order while their time is <= until, then set the
 * clock to until (if it is not SIM_TIME_MAX). Returns the number fired. */
uint64_t sim_run(sim *s, sim_time_t until);

/* sim_stop: make sim_run return after the event being fired. */
static inline void sim_stop(sim *s) { s->stopping = 1; }

#endif
