/* test_ci.c -- intervals over replications (sim/ci.h): known answers for each
 * range, and the coverage of the 95% interval of an M/M/1 queue's mean
 * sojourn and p95 over 400 fixed seeds. */
#include <math.h>
#include <stdio.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include "tests/testutil.h"
#include "sim/ci.h"
#include "sim/rng.h"
#include "sim/sample.h"

static void positive_interval_is_the_modified_cox_interval(void)
{
    const double x[] = { 10, 12, 9, 15 };
    double y[4], m = 0, v = 0;
    for (int i = 0; i < 4; i++) {
        y[i] = log(x[i]);
        m += y[i] / 4;
    }
    for (int i = 0; i < 4; i++)
        v += (y[i] - m) * (y[i] - m) / 3;
    /* t(0.975, 3) = 3.182446 */
    double h = 3.182446305 * sqrt(v / 4 + v * v / 6);
    sim_ci c = sim_ci_95(x, 4, SIM_CI_POSITIVE);
    CU_ASSERT_DOUBLE_EQUAL(c.mean, 11.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(c.lo, exp(m + v / 2 - h), 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(c.hi, exp(m + v / 2 + h), 1e-6);
    /* longer above the value than below it, as a skewed estimate's is */
    CU_ASSERT(c.hi - c.mean > c.mean - c.lo);
    CU_ASSERT(!c.constant && !c.clipped);
}

/* Three widely scattered replications of a skewed statistic: the symmetric
 * t interval goes below zero (the report's old [-12.2, 19.5] ms), the
 * positive one cannot. */
static void positive_interval_never_reaches_zero_where_t_goes_negative(void)
{
    const double x[] = { 0.9, 2.1, 19.0 };
    sim_ci t = sim_ci_t95(x, 3), c = sim_ci_95(x, 3, SIM_CI_POSITIVE);
    CU_ASSERT(t.lo < 0);
    CU_ASSERT(c.lo > 0);
    CU_ASSERT(c.lo < 0.9 && c.hi > 19.0 / 3);
    CU_ASSERT(c.lo <= c.mean && c.mean <= c.hi);
}

static void fraction_interval_is_the_logit_t_interval_inside_0_1(void)
{
    const double x[] = { 0.97, 0.99, 0.995 };
    double y[3], m = 0, v = 0;
    for (int i = 0; i < 3; i++) {
        y[i] = log(x[i] / (1 - x[i]));
        m += y[i] / 3;
    }
    for (int i = 0; i < 3; i++)
        v += (y[i] - m) * (y[i] - m) / 2;
    double h = 4.302652730 * sqrt(v / 3);      /* t(0.975, 2) */
    sim_ci c = sim_ci_95(x, 3, SIM_CI_FRACTION), t = sim_ci_t95(x, 3);
    CU_ASSERT_DOUBLE_EQUAL(c.lo, 1 / (1 + exp(-(m - h))), 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(c.hi, 1 / (1 + exp(-(m + h))), 1e-9);
    CU_ASSERT(c.hi < 1 && c.lo > 0);
    CU_ASSERT(t.hi > 1);                       /* what the plain interval did */
}

static void equal_replications_give_a_zero_width_interval_marked_constant(void)
{
    const double x[] = { 4.25, 4.25, 4.25 };
    sim_ci c = sim_ci_95(x, 3, SIM_CI_POSITIVE);
    CU_ASSERT(c.constant);
    CU_ASSERT_EQUAL(c.lo, 4.25);
    CU_ASSERT_EQUAL(c.hi, 4.25);
    CU_ASSERT_EQUAL(sim_ci_reps_to_exclude(&c, 4.25, 1000), 0);
}

static void a_value_on_the_edge_falls_back_to_a_cut_t_interval(void)
{
    const double x[] = { 0, 3, 6 };
    sim_ci c = sim_ci_95(x, 3, SIM_CI_POSITIVE), t = sim_ci_t95(x, 3);
    CU_ASSERT(c.clipped);
    CU_ASSERT_EQUAL(c.lo, 0);
    CU_ASSERT_DOUBLE_EQUAL(c.hi, t.hi, 1e-12);
    const double u[] = { 1, 0.9, 0.95 };
    sim_ci f = sim_ci_95(u, 3, SIM_CI_FRACTION);
    CU_ASSERT(f.clipped && f.hi == 1 && f.lo > 0.8);
}

static void one_replication_gives_no_interval(void)
{
    const double x[] = { 5, NAN };
    sim_ci c = sim_ci_95(x, 2, SIM_CI_POSITIVE);
    CU_ASSERT_EQUAL(c.n, 1);
    CU_ASSERT_EQUAL(c.mean, 5);
    CU_ASSERT(isnan(c.lo) && isnan(c.hi));
    CU_ASSERT_EQUAL(sim_ci_reps_to_exclude(&c, 6, 500), 500);
}

/* The replications needed for the interval to leave the bound: the first m
 * whose half-width on the log scale is below |ln bound - centre|. */
static void replications_to_exclude_a_bound_are_the_first_that_suffice(void)
{
    const double x[] = { 180, 210, 165 };
    sim_ci c = sim_ci_95(x, 3, SIM_CI_POSITIVE);
    CU_ASSERT(c.lo < 200 && 200 < c.hi);
    size_t m = sim_ci_reps_to_exclude(&c, 200, 100000);
    CU_ASSERT(m > 3 && m < 100000);
    /* with m values of the same log-mean and log-variance the interval
     * excludes 200; with m - 1 it does not */
    double cen = c.tm + c.tv / 2, gap = log(200) - cen;
    double hm = gsl_cdf_tdist_Pinv(0.975, (double)(m - 1)) *
                sqrt(c.tv / (double)m + c.tv * c.tv / (2.0 * (double)(m - 1)));
    double hm1 = gsl_cdf_tdist_Pinv(0.975, (double)(m - 2)) *
                 sqrt(c.tv / (double)(m - 1) + c.tv * c.tv / (2.0 * (double)(m - 2)));
    CU_ASSERT(hm < gap);
    CU_ASSERT(hm1 >= gap);
    CU_ASSERT_EQUAL(sim_ci_reps_to_exclude(&c, 1000, 100000), 0);   /* already outside */
    CU_ASSERT_EQUAL(sim_ci_reps_to_exclude(&c, exp(cen), 5000), 5000);  /* at the centre */
}

static void low_sample_rule_is_ten_beyond_the_quantile(void)
{
    CU_ASSERT_EQUAL(sim_ci_min_samples(0.5), 20);
    CU_ASSERT_EQUAL(sim_ci_min_samples(0.9), 100);
    CU_ASSERT_EQUAL(sim_ci_min_samples(0.95), 200);
    CU_ASSERT_EQUAL(sim_ci_min_samples(0.99), 1000);
    CU_ASSERT_EQUAL(sim_ci_min_samples(0.999), 10000);
    CU_ASSERT_EQUAL(sim_ci_min_samples(1.0), 0);
}

/* ---- coverage ----
 *
 * An M/M/1 queue (arrival rate lambda, service rate 1) by Lindley's
 * recursion, started in steady state: the first customer's wait is 0 with
 * probability 1 - rho, else Exp(1 - lambda). Every sojourn is then exactly
 * Exp(1 - lambda): the mean sojourn of a replication has expectation
 * 1 / (1 - lambda) at any run length, and the true p95 is ln 20 / (1 - lambda).
 * (The per-replication sample p95 has a bias of order 1/n, negligible at
 * n = 2000 against the interval's width.) */

#define SEEDS 400
#define CUSTOMERS 2000

typedef struct { int mean, p95; double width_mean, width_p95; } coverage;

static coverage mm1_coverage(double lambda, int reps, uint64_t seed0)
{
    coverage cv = { 0, 0, 0, 0 };
    double tm = 1 / (1 - lambda), tp = log(20.0) / (1 - lambda);
    sim_sample s;
    sim_sample_init(&s);
    for (int seed = 0; seed < SEEDS; seed++) {
        double xm[16], xp[16];
        for (int r = 0; r < reps; r++) {
            gsl_rng *g = sim_rng_alloc(seed0 + (uint64_t)seed, (uint32_t)r, 0, 0);
            double w = gsl_rng_uniform(g) < lambda ? gsl_ran_exponential(g, tm) : 0, sum = 0;
            sim_sample_clear(&s);
            for (int i = 0; i < CUSTOMERS; i++) {
                double t = w + gsl_ran_exponential(g, 1.0);
                sim_sample_add(&s, t);
                sum += t;
                w = fmax(0, t - gsl_ran_exponential(g, 1 / lambda));
            }
            xm[r] = sum / CUSTOMERS;
            xp[r] = sim_sample_quantile(&s, 0.95);
            gsl_rng_free(g);
        }
        sim_ci a = sim_ci_95(xm, (size_t)reps, SIM_CI_POSITIVE);
        sim_ci b = sim_ci_95(xp, (size_t)reps, SIM_CI_POSITIVE);
        cv.mean += a.lo <= tm && tm <= a.hi;
        cv.p95 += b.lo <= tp && tp <= b.hi;
        cv.width_mean += (a.hi - a.lo) / tm / SEEDS;
        cv.width_p95 += (b.hi - b.lo) / tp / SEEDS;
    }
    sim_sample_free(&s);
    return cv;
}

/* 92-98% of 400 is 368-392: about three binomial standard deviations
 * (4.4 seeds) either side of 380. */
static void mm1_intervals_cover_the_true_mean_and_p95_92_to_98_percent(void)
{
    const int reps[] = { 3, 5, 10 };
    for (int k = 0; k < 3; k++) {
        coverage cv = mm1_coverage(0.5, reps[k], 1000);
        printf("\n    rho 0.5, %d customers, %2d replications: mean covered %d/%d, p95 %d/%d "
               "(widths %.1f%%, %.1f%% of the truth)", CUSTOMERS, reps[k], cv.mean, SEEDS, cv.p95, SEEDS,
               100 * cv.width_mean, 100 * cv.width_p95);
        CU_ASSERT(cv.mean >= 368 && cv.mean <= 392);
        CU_ASSERT(cv.p95 >= 368 && cv.p95 <= 392);
    }
}

/* The interval reads the values in place (no copy, no allocation) and still
 * gives GSL's mean and variance to the bit, NAN values skipped. */
static void in_place_statistics_are_gsls_to_the_bit(void)
{
    double x[64], y[64], lx[64];
    size_t m = 0;
    gsl_rng *r = sim_rng_alloc(11, 0, 0, 0);
    for (int i = 0; i < 64; i++) {
        x[i] = i % 7 == 3 ? NAN : 1 + gsl_ran_exponential(r, 3.0);
        if (!isnan(x[i])) {
            y[m] = x[i];
            lx[m++] = log(x[i]);
        }
    }
    gsl_rng_free(r);
    sim_ci t = sim_ci_t95(x, 64), c = sim_ci_95(x, 64, SIM_CI_POSITIVE);
    CU_ASSERT_EQUAL(t.n, m);
    CU_ASSERT_EQUAL(t.mean, gsl_stats_mean(y, 1, m));
    CU_ASSERT_EQUAL(t.tv, gsl_stats_variance_m(y, 1, m, t.mean));
    CU_ASSERT_EQUAL(c.mean, t.mean);
    CU_ASSERT_EQUAL(c.tm, gsl_stats_mean(lx, 1, m));
    CU_ASSERT_EQUAL(c.tv, gsl_stats_variance_m(lx, 1, m, c.tm));
}

TU_SUITE_FN(ci)
{
    static const tu_test tests[] = {
        TU_TEST(positive_interval_is_the_modified_cox_interval),
        TU_TEST(positive_interval_never_reaches_zero_where_t_goes_negative),
        TU_TEST(fraction_interval_is_the_logit_t_interval_inside_0_1),
        TU_TEST(equal_replications_give_a_zero_width_interval_marked_constant),
        TU_TEST(a_value_on_the_edge_falls_back_to_a_cut_t_interval),
        TU_TEST(one_replication_gives_no_interval),
        TU_TEST(replications_to_exclude_a_bound_are_the_first_that_suffice),
        TU_TEST(low_sample_rule_is_ten_beyond_the_quantile),
        TU_TEST(mm1_intervals_cover_the_true_mean_and_p95_92_to_98_percent),
        TU_TEST(in_place_statistics_are_gsls_to_the_bit),
    };
    TU_SUITE("ci", tests);
}
