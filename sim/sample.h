/* sample.h -- a growable store of observations with exact percentiles.
 *
 * Percentiles follow GSL's definition (gsl_stats_quantile_from_sorted_data:
 * linear interpolation at position (n-1)f) but use selection instead of a full
 * sort. Asking for a percentile reorders the stored values. Memory is 8 bytes
 * a sample; sim_hist is the bounded-memory alternative. */
#ifndef SIM_SAMPLE_H
#define SIM_SAMPLE_H

#include <stddef.h>

typedef struct {
    double *v;
    size_t  n, cap;
    double  sum;
} sim_sample;

void sim_sample_init(sim_sample *s);
void sim_sample_free(sim_sample *s);
void sim_sample_clear(sim_sample *s);

/* sim_sample_add: append x. Returns 0, or -1 when out of memory. */
int sim_sample_add(sim_sample *s, double x);

double sim_sample_mean(const sim_sample *s);    /* NAN when empty */

/* sim_sample_quantile: the f-quantile, 0 <= f <= 1; NAN when empty. */
double sim_sample_quantile(sim_sample *s, double f);

/* sim_sample_quantiles: the quantiles fs[0..n) (ascending, each in [0, 1])
 * into out, as sim_sample_quantile would give them; each selection works
 * only above the previous one, so the whole set costs about two passes. */
void sim_sample_quantiles(sim_sample *s, const double *fs, size_t n, double *out);

/* sim_sample_fraction_le: share of values <= x; NAN when empty. */
double sim_sample_fraction_le(const sim_sample *s, double x);

#endif
