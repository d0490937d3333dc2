/* hist.h -- a bounded-memory histogram for very long runs.
 *
 * Positive values fall in logarithmic buckets [g^k, g^(k+1)) with
 * g = (1+e)/(1-e); a quantile is reported as the point of its bucket whose
 * relative distance to both edges is e, 2 g^k / (1 + 1/g), so it lies within
 * relative error e of the exact order statistic, which is in that bucket. Values at or below
 * `min` share the first bucket, values above `max` the last. */
#ifndef SIM_HIST_H
#define SIM_HIST_H

#include <stddef.h>
#include <stdint.h>

#define SIM_HIST_PENDING 16

typedef struct {
    double    rel_err, min, max, log_g;
    double    log2_min, inv_log2_g, margin;   /* the fast index (hist.c) */
    size_t    nbuckets;
    uint64_t *count;                     /* by bucket, once the pending ones are in */
    uint64_t  n;
    double    sum;
    /* buckets of the latest values, counted SIM_HIST_PENDING at a time: a
     * histogram among many (a fleet's tenants) is seldom in the cache, and
     * the increments of a batch miss it together rather than one by one */
    uint32_t  pending[SIM_HIST_PENDING];
    unsigned  npending;
} sim_hist;

/* sim_hist_init: buckets covering [min, max] (0 < min < max) with relative
 * error rel_err (0 < rel_err < 0.5). Returns 0, or -1 on bad arguments or no
 * memory. */
int    sim_hist_init(sim_hist *h, double min, double max, double rel_err);
void   sim_hist_free(sim_hist *h);
void   sim_hist_add(sim_hist *h, double x);
/* sim_hist_index: the bucket sim_hist_add counts x in, by the defining
 * formula floor(log(x / min) / log g) clamped to [0, nbuckets - 1] (the
 * reference the fast index of sim_hist_add is held to). */
size_t sim_hist_index(const sim_hist *h, double x);
/* sim_hist_flush: count the pending values into h->count (quantiles do). */
void   sim_hist_flush(sim_hist *h);
double sim_hist_quantile(sim_hist *h, double f);         /* NAN when empty */
double sim_hist_mean(const sim_hist *h);                  /* exact */

#endif
