/* arr_poisson.c -- Poisson arrivals: exponential gaps of mean 1/rate. */
#include "models/arrival.h"

#include <math.h>
#include <gsl/gsl_randist.h>

static void schedule_next(arr_src *a)
{
    const arr_poisson_params *p = a->params;
    double gap_ns = gsl_ran_exponential(a->rng, 1e9 / p->rate_per_s);
    sim_time_t t = a->s->now + (sim_time_t)llround(gap_ns);
    if (t < a->stop)
        sim_at(a->s, &a->ev, t);
}

static void on_arrival(sim *s, sim_event *ev)
{
    arr_src *a = ev->ctx;
    arr_item it = { 0, 0, { 0 } };
    schedule_next(a);
    a->emit(a->owner, s, &it);
}

static void poisson_start(arr_src *a)
{
    a->ev.fn = on_arrival;
    schedule_next(a);
}

const arr_type arr_poisson = { "poisson", NULL, poisson_start, NULL, NULL };
