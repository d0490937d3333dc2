/* arr_diurnal.c -- a Poisson process with a periodic, piecewise-constant
 * rate, by thinning: candidates arrive at the peak rate and each is kept
 * with probability rate(t) / peak (Lewis and Shedler 1979). */
#include "models/arrival.h"

#include <math.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"

static double peak(const arr_diurnal_params *p)
{
    double m = 0;
    for (int i = 0; i < p->n; i++)
        m = p->rates_per_s[i] > m ? p->rates_per_s[i] : m;
    return m;
}

/* The rate at simulated time t. */
static double rate_at(const arr_diurnal_params *p, sim_time_t t)
{
    double x = fmod((double)t / 1e9 + p->offset_s, p->period_s) / p->period_s;
    int i = (int)(x * p->n);
    return p->rates_per_s[i < p->n ? i : p->n - 1];
}

/* Thinning: candidates at the peak rate, each kept with probability
 * rate(t) / peak; no candidate past stop. */
static int diurnal_next(arr_src *a, sim_time_t *when, arr_item *it)
{
    (void)it;
    const arr_diurnal_params *p = a->params;
    double top = peak(p);
    sim_time_t t = a->s->now;
    for (;;) {
        t = sim_time_add(t, sim_round_ns(sim_ran_exponential(a->rng, 1e9 / top)));
        if (t >= a->stop)
            return 0;
        if (gsl_rng_uniform(a->rng) * top < rate_at(p, t))
            break;
    }
    *when = t;
    return 1;
}

const arr_type arr_diurnal = { "diurnal", NULL, NULL, NULL, NULL, diurnal_next };
