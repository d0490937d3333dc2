/* arr_gamma.c -- a Gamma renewal process: independent gaps of mean 1/rate
 * and coefficient of variation cv, i.e. shape k = 1/cv^2 and scale
 * mean/k. cv < 1 is smoother than Poisson, cv > 1 burstier. */
#include "models/arrival.h"

#include <math.h>
#include <gsl/gsl_randist.h>

static void schedule_next(arr_src *a)
{
    const arr_gamma_params *p = a->params;
    double k = 1.0 / (p->cv * p->cv);
    double gap_ns = gsl_ran_gamma(a->rng, k, 1e9 / p->rate_per_s / k);
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

static void gamma_start(arr_src *a)
{
    a->ev.fn = on_arrival;
    schedule_next(a);
}

const arr_type arr_gamma = { "gamma", NULL, gamma_start, NULL, NULL };
