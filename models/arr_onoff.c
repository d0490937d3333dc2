/* arr_onoff.c -- a two-state MMPP: exponential on and off periods, Poisson
 * arrivals at the rate of the current state. Both clocks are memoryless, so
 * on a state change the pending arrival is simply redrawn at the new rate.
 * Invariant: a->ev holds the next arrival of the current state (if its rate
 * is > 0 and it falls before stop); st->ev_switch the next state change. */
#include "models/arrival.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"

typedef struct {
    int       on;
    sim_event ev_switch;
} onoff_state;

static double rate_now(const arr_src *a)
{
    const arr_onoff_params *p = a->params;
    const onoff_state *st = a->state;
    return st->on ? p->rate_on_per_s : p->rate_off_per_s;
}

static void schedule_arrival(arr_src *a)
{
    sim_cancel(a->s, &a->ev);
    double r = rate_now(a);
    if (r <= 0)
        return;
    sim_time_t t = sim_time_add(a->s->now, sim_round_ns(sim_ran_exponential(a->rng, 1e9 / r)));
    if (t < a->stop)
        sim_at(a->s, &a->ev, t);
}

static void schedule_switch(arr_src *a)
{
    const arr_onoff_params *p = a->params;
    onoff_state *st = a->state;
    double mean_ns = (st->on ? p->on_s : p->off_s) * 1e9;
    sim_time_t t = sim_time_add(a->s->now, sim_round_ns(sim_ran_exponential(a->rng, mean_ns)));
    if (t < a->stop)
        sim_at(a->s, &st->ev_switch, t);
}

static void on_arrival(sim *s, sim_event *ev)
{
    arr_src *a = ev->ctx;
    arr_item it = { 0, 0, { 0 }, { NULL, 0, 0, 0 } };
    schedule_arrival(a);
    a->emit(a->owner, s, &it);
}

static void on_switch(sim *s, sim_event *ev)
{
    (void)s;
    arr_src *a = ev->ctx;
    onoff_state *st = a->state;
    st->on = !st->on;
    schedule_switch(a);
    schedule_arrival(a);
}

static int onoff_init(arr_src *a)
{
    onoff_state *st = malloc(sizeof *st);
    if (!st)
        return -1;
    st->on = 1;
    sim_event_set(&st->ev_switch, on_switch, a);
    a->state = st;
    return 0;
}

static void onoff_start(arr_src *a)
{
    a->ev.fn = on_arrival;
    schedule_switch(a);
    schedule_arrival(a);
}

static void onoff_free(arr_src *a)
{
    onoff_state *st = a->state;
    if (!st)
        return;
    sim_cancel(a->s, &st->ev_switch);
    free(st);
    a->state = NULL;
}

const arr_type arr_onoff = { "onoff", onoff_init, onoff_start, NULL, onoff_free, NULL };
