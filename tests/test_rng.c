/* test_rng.c -- the xoshiro256++ stream type against its reference outputs,
 * and the ziggurat variates' moments and distributions (Kolmogorov-Smirnov
 * against GSL's cdfs). Seeds are fixed, so every figure is reproducible. */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include "tests/testutil.h"
#include "sim/rng.h"

/* The reference implementation (Blackman and Vigna, xoshiro256plusplus.c)
 * started from the state {1, 2, 3, 4} gives these ten outputs (the same
 * vector is the reference test of Rust's rand_xoshiro). */
static void xoshiro_matches_the_reference_outputs_from_state_1_2_3_4(void)
{
    static const uint64_t want[10] = {
        UINT64_C(41943041), UINT64_C(58720359), UINT64_C(3588806011781223),
        UINT64_C(3591011842654386), UINT64_C(9228616714210784205),
        UINT64_C(9973669472204895162), UINT64_C(14011001112246962877),
        UINT64_C(12406186145184390807), UINT64_C(15849039046786891736),
        UINT64_C(10450023813501588000),
    };
    gsl_rng *r = gsl_rng_alloc(sim_rng_xoshiro256pp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    uint64_t *s = gsl_rng_state(r);
    s[0] = 1, s[1] = 2, s[2] = 3, s[3] = 4;
    for (int i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(sim_rng_u64(r), want[i]);
    CU_ASSERT_STRING_EQUAL(gsl_rng_name(r), "xoshiro256++");
    gsl_rng_free(r);
}

static void streams_repeat_for_a_seed_and_differ_between_streams(void)
{
    gsl_rng *a = sim_rng_alloc(7, 1, 2, 3), *b = sim_rng_alloc(7, 1, 2, 3);
    gsl_rng *c = sim_rng_alloc(7, 1, 2, 4);
    int same = 1, differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = sim_rng_u64(a), y = sim_rng_u64(b), z = sim_rng_u64(c);
        same &= x == y;
        differ += x != z;
    }
    CU_ASSERT(same);
    CU_ASSERT_EQUAL(differ, 1000);
    /* a clone continues the same sequence */
    gsl_rng *d = gsl_rng_clone(a);
    CU_ASSERT_EQUAL(sim_rng_u64(a), sim_rng_u64(d));
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
    gsl_rng_free(d);
}

/* GSL's own functions see a generator of [0, 1) doubles and full-range
 * integers: the mean of 10^6 uniforms is 1/2 within 5 sigma, and
 * gsl_rng_uniform_int(r, 6) hits every face about equally. */
static void gsl_functions_run_on_the_stream_type(void)
{
    gsl_rng *r = sim_rng_alloc(1, 0, 0, 0);
    double sum = 0, lo = 1, hi = 0;
    enum { N = 1000000 };
    for (int i = 0; i < N; i++) {
        double u = gsl_rng_uniform(r);
        sum += u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    CU_ASSERT(fabs(sum / N - 0.5) < 5 * sqrt(1.0 / 12 / N));
    CU_ASSERT(lo >= 0 && hi < 1);
    unsigned long faces[6] = { 0 };
    for (int i = 0; i < 60000; i++)
        faces[gsl_rng_uniform_int(r, 6)]++;
    for (int k = 0; k < 6; k++)
        CU_ASSERT(labs((long)faces[k] - 10000) < 5 * 92);   /* sd = sqrt(60000 (1/6)(5/6)) = 91.3 */
    gsl_rng_free(r);
}

enum { KS_N = 200000 };

/* The Kolmogorov-Smirnov distance of xs[0..n) (sorted here) from cdf. */
static double ks(double *xs, size_t n, double (*cdf)(double, const double *), const double *par)
{
    gsl_sort(xs, 1, n);
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double F = cdf(xs[i], par);
        double a = fabs(F - (double)i / (double)n), b = fabs((double)(i + 1) / (double)n - F);
        d = fmax(d, fmax(a, b));
    }
    return d;
}

/* KS distance at the 0.1% level: 1.949 / sqrt(n). */
#define KS_CRIT (1.949 / sqrt((double)KS_N))

static double cdf_exp(double x, const double *p) { return gsl_cdf_exponential_P(x, p[0]); }
static double cdf_norm(double x, const double *p) { return gsl_cdf_gaussian_P(x, p[0]); }
static double cdf_lognorm(double x, const double *p) { return gsl_cdf_lognormal_P(x, p[0], p[1]); }
static double cdf_gamma(double x, const double *p) { return gsl_cdf_gamma_P(x, p[0], p[1]); }

static void mean_var(const double *x, size_t n, double *m, double *v)
{
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    *m = s / (double)n;
    for (size_t i = 0; i < n; i++)
        s2 += (x[i] - *m) * (x[i] - *m);
    *v = s2 / (double)(n - 1);
}

static void exponential_has_mean_mu_variance_mu2_and_passes_ks(void)
{
    double *x = malloc(KS_N * sizeof *x), m, v, mu = 2.5, par[1] = { 2.5 };
    gsl_rng *r = sim_rng_alloc(3, 0, 1, 0);
    for (int i = 0; i < KS_N; i++)
        x[i] = sim_ran_exponential(r, mu);
    mean_var(x, KS_N, &m, &v);
    CU_ASSERT(fabs(m - mu) < 5 * mu / sqrt(KS_N));
    ASSERT_REL(v, mu * mu, 0.03);
    CU_ASSERT(ks(x, KS_N, cdf_exp, par) < KS_CRIT);
    gsl_rng_free(r);
    free(x);
}

/* The tail beyond the base layer (R = 7.697) is drawn separately: its
 * share of 10^6 draws is exp(-R) = 4.54e-4, within 5 sigma. */
static void exponential_tail_beyond_the_base_layer_has_its_share(void)
{
    gsl_rng *r = sim_rng_alloc(4, 0, 0, 0);
    long tail = 0, far = 0;
    enum { N = 1000000 };
    for (int i = 0; i < N; i++) {
        double x = sim_ran_exponential(r, 1);
        tail += x > 7.69711747013104972;
        far += x > 10;
    }
    double p = exp(-7.69711747013104972), pf = exp(-10.0);
    CU_ASSERT(fabs((double)tail - N * p) < 5 * sqrt(N * p));
    CU_ASSERT(fabs((double)far - N * pf) < 5 * sqrt(N * pf) + 1);
    gsl_rng_free(r);
}

static void gaussian_is_symmetric_with_unit_variance_and_passes_ks(void)
{
    double *x = malloc(KS_N * sizeof *x), m, v, par[1] = { 1.5 };
    gsl_rng *r = sim_rng_alloc(5, 0, 0, 0);
    for (int i = 0; i < KS_N; i++)
        x[i] = sim_ran_gaussian(r, 1.5);
    mean_var(x, KS_N, &m, &v);
    CU_ASSERT(fabs(m) < 5 * 1.5 / sqrt(KS_N));
    ASSERT_REL(v, 2.25, 0.02);
    CU_ASSERT(ks(x, KS_N, cdf_norm, par) < KS_CRIT);
    gsl_rng_free(r);
    /* the tail beyond R = 3.654 on both sides: 2 Q(R) = 2.58e-4 of 10^6 */
    r = sim_rng_alloc(6, 0, 0, 0);
    long tail = 0, neg = 0;
    for (int i = 0; i < 1000000; i++) {
        double z = sim_ran_gaussian(r, 1);
        tail += fabs(z) > 3.6541528853610088;
        neg += z < -3.6541528853610088;
    }
    double p = 2 * gsl_cdf_ugaussian_Q(3.6541528853610088);
    CU_ASSERT(fabs((double)tail - 1e6 * p) < 5 * sqrt(1e6 * p));
    CU_ASSERT(fabs((double)neg - 0.5e6 * p) < 5 * sqrt(0.5e6 * p));
    gsl_rng_free(r);
    free(x);
}

static void lognormal_is_exp_of_the_gaussian_and_passes_ks(void)
{
    double *x = malloc(KS_N * sizeof *x), m, v, par[2] = { 0.3, 0.5 };
    gsl_rng *r = sim_rng_alloc(7, 0, 0, 0);
    for (int i = 0; i < KS_N; i++)
        x[i] = sim_ran_lognormal(r, 0.3, 0.5);
    mean_var(x, KS_N, &m, &v);
    double em = exp(0.3 + 0.125), ev = (exp(0.25) - 1) * exp(0.6 + 0.25);
    ASSERT_REL(m, em, 0.005);
    ASSERT_REL(v, ev, 0.03);
    CU_ASSERT(ks(x, KS_N, cdf_lognorm, par) < KS_CRIT);
    gsl_rng_free(r);
    free(x);
}

static void gamma_has_mean_ab_variance_ab2_for_shapes_below_and_above_one(void)
{
    const double shapes[] = { 0.25, 1.0, 4.0 };
    for (int s = 0; s < 3; s++) {
        double a = shapes[s], b = 2.0, par[2] = { a, b }, m, v;
        double *x = malloc(KS_N * sizeof *x);
        gsl_rng *r = sim_rng_alloc(8, 0, (uint32_t)s, 0);
        for (int i = 0; i < KS_N; i++)
            x[i] = sim_ran_gamma(r, a, b);
        mean_var(x, KS_N, &m, &v);
        CU_ASSERT(fabs(m - a * b) < 5 * sqrt(a) * b / sqrt(KS_N));
        ASSERT_REL(v, a * b * b, 0.05);
        CU_ASSERT(ks(x, KS_N, cdf_gamma, par) < KS_CRIT);
        gsl_rng_free(r);
        free(x);
    }
}

/* The variates also run on a GSL generator of another type (through
 * gsl_rng_uniform), with the same distribution. */
static void variates_work_on_another_gsl_generator(void)
{
    double *x = malloc(KS_N * sizeof *x), par[1] = { 1 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int i = 0; i < KS_N; i++)
        x[i] = sim_ran_exponential(r, 1);
    CU_ASSERT(ks(x, KS_N, cdf_exp, par) < KS_CRIT);
    for (int i = 0; i < KS_N; i++)
        x[i] = sim_ran_gaussian(r, 1);
    CU_ASSERT(ks(x, KS_N, cdf_norm, par) < KS_CRIT);
    gsl_rng_free(r);
    free(x);
}

/* Marsaglia and Tsang's constants close the 256 layers: following
 * X[i+1] = f^-1(f(X[i]) + v / X[i]) from X[1] = R, the last layer's top
 * f(X[255]) + v / X[255] is f(0) = 1 to within 1e-10. */
static void ziggurat_layers_close_at_the_mode(void)
{
    const double R[2] = { 7.69711747013104972, 3.6541528853610088 };
    const double V[2] = { 0.0039496598225815571993, 0.00492867323399 };
    for (int n = 0; n < 2; n++) {
        double x = R[n], f = n ? exp(-0.5 * x * x) : exp(-x);
        for (int i = 1; i < 255; i++) {
            double y = f + V[n] / x;
            x = n ? sqrt(-2 * log(y)) : -log(y);
            f = n ? exp(-0.5 * x * x) : exp(-x);
        }
        CU_ASSERT(fabs(1 - (f + V[n] / x)) < 1e-10);
        /* the base layer's area: R f(R) plus the tail */
        double tail = n ? sqrt(2 * atan(1.0)) * erfc(R[n] / sqrt(2.0)) : exp(-R[n]);
        double fr = n ? exp(-0.5 * R[n] * R[n]) : exp(-R[n]);
        ASSERT_REL(R[n] * fr + tail, V[n], 1e-9);
    }
}

TU_SUITE_FN(rng)
{
    static const tu_test tests[] = {
        TU_TEST(xoshiro_matches_the_reference_outputs_from_state_1_2_3_4),
        TU_TEST(streams_repeat_for_a_seed_and_differ_between_streams),
        TU_TEST(gsl_functions_run_on_the_stream_type),
        TU_TEST(exponential_has_mean_mu_variance_mu2_and_passes_ks),
        TU_TEST(exponential_tail_beyond_the_base_layer_has_its_share),
        TU_TEST(gaussian_is_symmetric_with_unit_variance_and_passes_ks),
        TU_TEST(lognormal_is_exp_of_the_gaussian_and_passes_ks),
        TU_TEST(gamma_has_mean_ab_variance_ab2_for_shapes_below_and_above_one),
        TU_TEST(variates_work_on_another_gsl_generator),
        TU_TEST(ziggurat_layers_close_at_the_mode),
    };
    TU_SUITE("rng", tests);
}
