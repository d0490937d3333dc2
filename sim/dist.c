#include "sim/dist.h"

#include <string.h>

int sim_dist_init(sim_dist *d, double rel_err, double min, double max)
{
    memset(d, 0, sizeof *d);
    sim_sample_init(&d->s);
    if (rel_err <= 0)
        return 0;
    d->use_hist = 1;
    return sim_hist_init(&d->h, min, max, rel_err);
}

void sim_dist_free(sim_dist *d)
{
    sim_sample_free(&d->s);
    if (d->use_hist)
        sim_hist_free(&d->h);
}

int sim_dist_add(sim_dist *d, double x)
{
    if (!d->use_hist)
        return sim_sample_add(&d->s, x);
    sim_hist_add(&d->h, x);
    return 0;
}

size_t sim_dist_count(const sim_dist *d)
{
    return d->use_hist ? (size_t)d->h.n : d->s.n;
}

double sim_dist_mean(const sim_dist *d)
{
    return d->use_hist ? sim_hist_mean(&d->h) : sim_sample_mean(&d->s);
}

void sim_dist_quantiles(sim_dist *d, const double *fs, size_t n, double *out)
{
    if (!d->use_hist) {
        sim_sample_quantiles(&d->s, fs, n, out);
        return;
    }
    for (size_t k = 0; k < n; k++)
        out[k] = sim_hist_quantile(&d->h, fs[k]);
}
