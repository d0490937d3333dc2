#include "sim/ci.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

sim_ci sim_ci_t95(const double *x, size_t n)
{
    sim_ci r = { NAN, NAN, NAN, 0 };
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return r;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            v[m++] = x[i];
    r.n = m;
    if (m > 0)
        r.mean = gsl_stats_mean(v, 1, m);
    if (m > 1) {
        double half = gsl_cdf_tdist_Pinv(0.975, (double)(m - 1)) *
                      gsl_stats_sd_m(v, 1, m, r.mean) / sqrt((double)m);
        r.lo = r.mean - half;
        r.hi = r.mean + half;
    }
    free(v);
    return r;
}
