/* ci.c -- intervals over replications (method and coverage in ci.h). */
#include "sim/ci.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>

/* The values are read where they lie, skipping NANs, with no copy: an
 * interval allocates nothing. The mean and variance are GSL's recurrences
 * (gsl_stats_mean, gsl_stats_variance_m: a long double running mean, and
 * the running mean of squared deviations scaled by n / (n - 1)), applied to
 * the values on the interval's scale, so the figures are those GSL gives. */
static double to_scale(sim_ci_range range, double x);

static double scaled(const double *x, size_t i, sim_ci_range scale)
{
    return scale == SIM_CI_REAL ? x[i] : to_scale(scale, x[i]);
}

static double mean_of(const double *x, size_t n, sim_ci_range scale)
{
    long double mean = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            mean += (scaled(x, i, scale) - mean) / (long double)(k + 1);
            k++;
        }
    return (double)mean;
}

static double variance_of(const double *x, size_t n, sim_ci_range scale, double mean)
{
    long double var = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            const long double d = scaled(x, i, scale) - mean;
            var += (d * d - var) / (long double)(k + 1);
            k++;
        }
    const double v = (double)var;
    return v * ((double)k / (double)(k - 1));
}

static size_t finite_count(const double *x, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += !isnan(x[i]);
    return m;
}

static double t975(size_t n)
{
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1));
}

/* The plain t interval of the m finite values of x[0..n) into r (mean,
 * lo, hi, tm, tv). */
static void t_interval(const double *x, size_t n, size_t m, sim_ci *r)
{
    r->n = m;
    if (m == 0)
        return;
    r->mean = r->tm = mean_of(x, n, SIM_CI_REAL);
    if (m < 2)
        return;
    r->tv = variance_of(x, n, SIM_CI_REAL, r->mean);
    double half = t975(m) * sqrt(r->tv / (double)m);
    r->lo = r->mean - half;
    r->hi = r->mean + half;
}

sim_ci sim_ci_t95(const double *x, size_t n)
{
    sim_ci r = { NAN, NAN, NAN, 0, 0, 0, SIM_CI_REAL, NAN, NAN };
    t_interval(x, n, finite_count(x, n), &r);
    return r;
}

/* Half-width of the interval on the transformed scale for m values of
 * variance tv (the modified Cox term for the lognormal mean, the t term
 * otherwise). */
static double half_width(sim_ci_range range, double tv, size_t m)
{
    double se2 = tv / (double)m;
    if (range == SIM_CI_POSITIVE)
        se2 += tv * tv / (2.0 * (double)(m - 1));
    return t975(m) * sqrt(se2);
}

/* Centre of the interval on the transformed scale. */
static double centre(sim_ci_range range, double tm, double tv)
{
    return range == SIM_CI_POSITIVE ? tm + tv / 2 : tm;
}

static double to_scale(sim_ci_range range, double x)
{
    if (range == SIM_CI_POSITIVE)
        return log(x);
    if (range == SIM_CI_FRACTION)
        return log(x / (1 - x));
    return x;
}

static double from_scale(sim_ci_range range, double y)
{
    if (range == SIM_CI_POSITIVE)
        return exp(y);
    if (range == SIM_CI_FRACTION)
        return 1 / (1 + exp(-y));
    return y;
}

sim_ci sim_ci_95(const double *x, size_t n, sim_ci_range range)
{
    sim_ci r = { NAN, NAN, NAN, 0, 0, 0, range, NAN, NAN };
    size_t m = finite_count(x, n);
    int all_equal = m >= 2, inside = 1;
    double first = NAN;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        if (isnan(first))
            first = x[i];
        all_equal &= x[i] == first;
        if (range == SIM_CI_POSITIVE)
            inside &= x[i] > 0;
        else if (range == SIM_CI_FRACTION)
            inside &= x[i] > 0 && x[i] < 1;
    }
    r.n = m;
    if (m > 0)
        r.mean = mean_of(x, n, SIM_CI_REAL);
    if (all_equal) {
        r.lo = r.hi = r.mean;
        r.constant = 1;
        r.tm = m > 0 && inside ? to_scale(range, first) : r.mean;
        r.tv = 0;
    } else if (!inside || range == SIM_CI_REAL) {
        t_interval(x, n, m, &r);
        r.range = SIM_CI_REAL;
        if (m >= 2 && range != SIM_CI_REAL) {
            r.clipped = 1;
            r.lo = fmax(r.lo, 0);
            if (range == SIM_CI_FRACTION)
                r.hi = fmin(r.hi, 1);
        }
    } else if (m >= 2) {
        r.tm = mean_of(x, n, range);
        r.tv = variance_of(x, n, range, r.tm);
        double c = centre(range, r.tm, r.tv), h = half_width(range, r.tv, m);
        r.lo = from_scale(range, c - h);
        r.hi = from_scale(range, c + h);
    }
    return r;
}

size_t sim_ci_reps_to_exclude(const sim_ci *c, double bound, size_t max)
{
    if (c->n < 2 || isnan(c->lo))
        return max;
    if (c->constant || bound < c->lo || bound > c->hi)
        return 0;
    if (c->range != SIM_CI_REAL && (c->range == SIM_CI_POSITIVE ? !(bound > 0) : !(bound > 0 && bound < 1)))
        return 0;
    double gap = fabs(to_scale(c->range, bound) - centre(c->range, c->tm, c->tv));
    if (!(half_width(c->range, c->tv, max) < gap))
        return max;
    size_t lo = c->n, hi = max;          /* the width at lo is >= gap, at hi < gap */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (half_width(c->range, c->tv, mid) < gap)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

double sim_ci_min_samples(double q)
{
    if (!(q > 0 && q < 1))
        return 0;
    return ceil(10 / (1 - q) - 1e-9);
}
