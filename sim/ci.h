/* ci.h -- confidence intervals over independent replications.
 *
 * Each replication r gives one estimate x_r of a statistic (a mean latency,
 * a p95, a throughput, a utilization). The replications are independent and
 * identically distributed, so an interval over them needs no model of the
 * correlation inside a run. The value reported is always the mean of the
 * x_r. The interval depends on the range the statistic can take:
 *
 *   SIM_CI_REAL      any real number: Student-t, mean +- t(0.975, n-1) s/sqrt(n).
 *   SIM_CI_POSITIVE  latencies, percentiles, throughputs (> 0): the modified
 *                    Cox interval for the mean of a lognormal. With y_r =
 *                    ln x_r, mean m and variance v of the y_r, the interval is
 *                    exp(m + v/2 +- t(0.975, n-1) sqrt(v/n + v^2/(2(n-1)))).
 *                    It is asymmetric (longer above, as a right-skewed
 *                    estimate's should be) and never reaches 0.
 *   SIM_CI_FRACTION  utilizations, shares, attainments (in [0, 1]): the
 *                    t interval of logit(x_r), mapped back; never leaves (0, 1).
 *
 * When a replication sits on the edge of the range (a 0 throughput, a
 * utilization of exactly 1) the transform is undefined; the Student-t
 * interval is used and cut to the range, and `clipped` says so. When every
 * replication gives the same value the interval is that value (width 0,
 * `constant` set): nothing random differs between the replications. One
 * replication gives no interval (lo = hi = NAN).
 *
 * Coverage, measured (tests/test_ci.c): an M/M/1 queue started in steady
 * state, 400 fixed seeds, 95% intervals of the mean sojourn and its p95 from
 * 3, 5 and 10 replications contain the true value in 92-98% of the seeds. The
 * method needs at least 2 replications; 3 give a usable but wide interval
 * (t = 4.30), 5 or more are recommended. */
#ifndef SIM_CI_H
#define SIM_CI_H

#include <stddef.h>

typedef enum { SIM_CI_REAL, SIM_CI_POSITIVE, SIM_CI_FRACTION } sim_ci_range;

typedef struct {
    double mean, lo, hi;    /* lo = hi = NAN when n < 2 */
    size_t n;
    int    constant;        /* n >= 2 and every value equal: lo = hi = mean */
    int    clipped;         /* a value on the range's edge: t interval, cut */
    /* on the transformed scale (ln for POSITIVE, logit for FRACTION, x
     * itself for REAL): the mean and variance of the n values */
    sim_ci_range range;
    double tm, tv;
} sim_ci;

/* sim_ci_t95: mean of x[0..n) and its Student-t 95% interval,
 * mean +- t(0.975, n-1) * s / sqrt(n). NAN values are skipped. */
sim_ci sim_ci_t95(const double *x, size_t n);

/* sim_ci_95: the mean of x[0..n) and the 95% interval suited to range (see
 * above). NAN values are skipped. */
sim_ci sim_ci_95(const double *x, size_t n, sim_ci_range range);

/* sim_ci_reps_to_exclude: the number of replications after which the
 * interval would no longer contain bound, were the transformed mean and
 * variance to stay what c measured; 0 when c already excludes it (or is
 * constant), and max when even max replications would not do (bound at
 * the centre, or c has fewer than 2 values). */
size_t sim_ci_reps_to_exclude(const sim_ci *c, double bound, size_t max);

/* sim_ci_min_samples: the fewest samples per replication from which the
 * q-quantile is reported without a flag, ceil(10 / (1 - q)): about ten
 * samples beyond the quantile in every replication (p50: 20, p95: 200,
 * p99: 1000, p99.9: 10000). Fewer, and the per-replication estimate is
 * decided by a handful of extreme values, biased and far from normal, so
 * the interval's coverage is no longer assured. 0 for q outside (0, 1). */
double sim_ci_min_samples(double q);

#endif
