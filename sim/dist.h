/* dist.h -- the observations of one quantity (a latency, a TTFT), kept
 * either exactly (every value; exact percentiles, 8 bytes a value) or in a
 * bounded-memory histogram whose percentiles carry a stated relative error,
 * for runs too long to keep every value. The mean is exact either way. */
#ifndef SIM_DIST_H
#define SIM_DIST_H

#include "sim/hist.h"
#include "sim/sample.h"

typedef struct {
    int        use_hist;
    sim_sample s;
    sim_hist   h;
} sim_dist;

/* sim_dist_init: exact when rel_err is 0, else a histogram over [min, max]
 * with relative error rel_err (sim_hist_init's limits). 0, or -1 on bad
 * arguments or no memory (the dist is then empty and freeable). */
int    sim_dist_init(sim_dist *d, double rel_err, double min, double max);
void   sim_dist_free(sim_dist *d);
int    sim_dist_add(sim_dist *d, double x);          /* 0, or -1 (no memory) */
size_t sim_dist_count(const sim_dist *d);
double sim_dist_mean(const sim_dist *d);             /* NAN when empty */

/* sim_dist_quantiles: the quantiles fs[0..n) into out (NAN when empty):
 * exact (sim_sample_quantiles) or the histogram's nearest-rank estimate. */
void   sim_dist_quantiles(sim_dist *d, const double *fs, size_t n, double *out);

#endif
