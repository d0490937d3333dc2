/* arr_gamma.c -- a Gamma renewal process: independent gaps of mean 1/rate
 * and coefficient of variation cv, i.e. shape k = 1/cv^2 and scale
 * mean/k. cv < 1 is smoother than Poisson, cv > 1 burstier. */
#include "models/arrival.h"

#include <math.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"

static int gamma_next(arr_src *a, sim_time_t *when, arr_item *it)
{
    (void)it;
    const arr_gamma_params *p = a->params;
    double k = 1.0 / (p->cv * p->cv);
    *when = sim_time_add(a->s->now, sim_round_ns(sim_ran_gamma(a->rng, k, 1e9 / p->rate_per_s / k)));
    return 1;
}

const arr_type arr_gamma = { "gamma", NULL, NULL, NULL, NULL, gamma_next };
