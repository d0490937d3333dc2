/* arr_poisson.c -- Poisson arrivals: exponential gaps of mean 1/rate. */
#include "models/arrival.h"

#include <math.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"

static int poisson_next(arr_src *a, sim_time_t *when, arr_item *it)
{
    (void)it;
    const arr_poisson_params *p = a->params;
    *when = sim_time_add(a->s->now, sim_round_ns(sim_ran_exponential(a->rng, 1e9 / p->rate_per_s)));
    return 1;
}

const arr_type arr_poisson = { "poisson", NULL, NULL, NULL, NULL, poisson_next };
