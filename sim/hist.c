#include "sim/hist.h"

#include <math.h>
#include <stdlib.h>

int sim_hist_init(sim_hist *h, double min, double max, double rel_err)
{
    h->count = NULL;
    if (!(min > 0 && max > min && rel_err > 0 && rel_err < 0.5))
        return -1;
    double g = (1 + rel_err) / (1 - rel_err);
    h->rel_err = rel_err;
    h->min = min;
    h->max = max;
    h->log_g = log(g);
    h->nbuckets = (size_t)ceil(log(max / min) / h->log_g) + 1;
    h->count = calloc(h->nbuckets, sizeof *h->count);
    h->n = 0;
    h->sum = 0;
    return h->count ? 0 : -1;
}

void sim_hist_free(sim_hist *h)
{
    free(h->count);
    h->count = NULL;
}

void sim_hist_add(sim_hist *h, double x)
{
    size_t k = 0;
    if (x > h->min) {
        double b = floor(log(x / h->min) / h->log_g);
        k = b >= (double)(h->nbuckets - 1) ? h->nbuckets - 1 : (size_t)b;
    }
    h->count[k]++;
    h->n++;
    h->sum += x;
}

double sim_hist_quantile(const sim_hist *h, double f)
{
    if (h->n == 0)
        return NAN;
    /* the order statistic of rank ceil(f n) (at least 1), as nearest-rank */
    uint64_t rank = (uint64_t)ceil(f * (double)h->n);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    size_t k = 0;
    for (; k < h->nbuckets; k++) {
        seen += h->count[k];
        if (seen >= rank)
            break;
    }
    double g = exp(h->log_g);
    double lo = h->min * exp(h->log_g * (double)k);
    return 2 * lo / (1 + 1 / g);
}

double sim_hist_mean(const sim_hist *h)
{
    return h->n ? h->sum / (double)h->n : NAN;
}
