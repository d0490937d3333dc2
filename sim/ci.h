/* ci.h -- confidence intervals over independent replications. */
#ifndef SIM_CI_H
#define SIM_CI_H

#include <stddef.h>

typedef struct {
    double mean, lo, hi;    /* lo = hi = NAN when n < 2 */
    size_t n;
} sim_ci;

/* sim_ci_t95: mean of x[0..n) and its Student-t 95% interval,
 * mean +- t(0.975, n-1) * s / sqrt(n). NAN values are skipped. */
sim_ci sim_ci_t95(const double *x, size_t n);

#endif
