#include "sim/sim.h"

#include <assert.h>
#include <stdlib.h>

void sim_init(sim *s)
{
    s->now = 0;
    s->next_seq = 0;
    s->events = 0;
    s->stopping = 0;
    if (sim_evq_init(&s->q) < 0)
        abort();
}

void sim_free(sim *s)
{
    sim_evq_free(&s->q);
}

int sim_at(sim *s, sim_event *ev, sim_time_t t)
{
    assert(!sim_pending(ev) && t >= s->now);
    ev->time = t;
    ev->seq = s->next_seq++;
    return sim_evq_push(&s->q, ev);
}

void sim_cancel(sim *s, sim_event *ev)
{
    sim_evq_remove(&s->q, ev);
}

uint64_t sim_run(sim *s, sim_time_t until)
{
    uint64_t fired = 0;
    s->stopping = 0;
    sim_event *ev;
    while (!s->stopping && (ev = sim_evq_pop_due(&s->q, until)) != NULL) {
        s->now = ev->time;
        fired++;
        ev->fn(s, ev);
    }
    s->events += fired;
    if (!s->stopping && until != SIM_TIME_MAX && s->now < until)
        s->now = until;
    return fired;
}
