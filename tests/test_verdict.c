/* test_verdict.c -- met, missed and uncertain from 95% intervals
 * (sim/verdict.h). */
#include <math.h>
#include "tests/testutil.h"
#include "sim/verdict.h"

static sim_ci interval(double mean, double lo, double hi)
{
    sim_ci c = { mean, lo, hi, 3, 0, 0, SIM_CI_REAL, mean, 1 };
    return c;
}

static void whole_interval_under_an_upper_bound_is_met(void)
{
    sim_ci c = interval(150, 120, 190);
    CU_ASSERT_EQUAL(sim_verdict_judge(&c, SIM_BOUND_LE, 200), SIM_VERDICT_MET);
    CU_ASSERT_EQUAL(sim_verdict_judge(&c, SIM_BOUND_LE, 190), SIM_VERDICT_MET);
    CU_ASSERT_EQUAL(sim_verdict_judge(&c, SIM_BOUND_LT, 190), SIM_VERDICT_UNCERTAIN);
    CU_ASSERT_EQUAL(sim_verdict_judge(&c, SIM_BOUND_GE, 100), SIM_VERDICT_MET);
}

/* The example: 184.8 [-162.3, 532.0] against <= 200 is not met. */
static void interval_straddling_the_bound_is_uncertain_whatever_its_value(void)
{
    sim_ci c = interval(184.8, -162.3, 532.0);
    CU_ASSERT_EQUAL(sim_verdict_judge(&c, SIM_BOUND_LE, 200), SIM_VERDICT_UNCERTAIN);
    CU_ASSERT_STRING_EQUAL(sim_verdict_name(sim_verdict_judge(&c, SIM_BOUND_LE, 200)), "uncertain");
}

static void whole_interval_beyond_the_bound_is_missed(void)
{
    sim_ci c = interval(250, 210, 300);
    CU_ASSERT_EQUAL(sim_verdict_judge(&c, SIM_BOUND_LE, 200), SIM_VERDICT_MISSED);
    CU_ASSERT_EQUAL(sim_verdict_judge(&c, SIM_BOUND_GT, 300), SIM_VERDICT_MISSED);
    CU_ASSERT_STRING_EQUAL(sim_verdict_name(SIM_VERDICT_MISSED), "missed");
}

static void no_interval_is_uncertain_and_no_value_is_missed(void)
{
    sim_ci one = interval(150, NAN, NAN);
    CU_ASSERT_EQUAL(sim_verdict_judge(&one, SIM_BOUND_LE, 200), SIM_VERDICT_UNCERTAIN);
    sim_ci none = interval(NAN, NAN, NAN);
    CU_ASSERT_EQUAL(sim_verdict_judge(&none, SIM_BOUND_LE, 200), SIM_VERDICT_MISSED);
}

static void zero_width_interval_is_judged_on_its_value(void)
{
    const double x[] = { 199, 199, 199 };
    sim_ci c = sim_ci_95(x, 3, SIM_CI_POSITIVE);
    CU_ASSERT_EQUAL(sim_verdict_judge(&c, SIM_BOUND_LE, 200), SIM_VERDICT_MET);
    CU_ASSERT_EQUAL(sim_verdict_judge(&c, SIM_BOUND_LE, 198), SIM_VERDICT_MISSED);
    CU_ASSERT_EQUAL(sim_verdict_reps_to_resolve(&c, SIM_BOUND_LE, 198, 1000), 0);
}

/* Replications 180, 210, 165 against <= 200: uncertain with 3; with the same
 * spread, the computed number of replications puts the whole interval below. */
static void replications_to_resolve_make_the_interval_leave_the_bound(void)
{
    const double x[] = { 180, 210, 165 };
    sim_ci c = sim_ci_95(x, 3, SIM_CI_POSITIVE);
    CU_ASSERT_EQUAL_FATAL(sim_verdict_judge(&c, SIM_BOUND_LE, 200), SIM_VERDICT_UNCERTAIN);
    size_t m = sim_verdict_reps_to_resolve(&c, SIM_BOUND_LE, 200, 100000);
    CU_ASSERT(m > 3 && m < 1000);
    /* m replications drawn with the same log-mean and log-variance: the
     * values 180, 210, 165 repeated keep the mean and nearly the variance */
    double y[3000];
    for (size_t i = 0; i < 3 * ((m + 2) / 3) && i < 3000; i++)
        y[i] = x[i % 3];
    size_t n = 3 * ((m + 2) / 3);
    sim_ci big = sim_ci_95(y, n, SIM_CI_POSITIVE);
    CU_ASSERT_EQUAL(sim_verdict_judge(&big, SIM_BOUND_LE, 200), SIM_VERDICT_MET);
    CU_ASSERT_EQUAL(sim_verdict_reps_to_resolve(&big, SIM_BOUND_LE, 200, 100000), 0);
}

TU_SUITE_FN(verdict)
{
    static const tu_test tests[] = {
        TU_TEST(whole_interval_under_an_upper_bound_is_met),
        TU_TEST(interval_straddling_the_bound_is_uncertain_whatever_its_value),
        TU_TEST(whole_interval_beyond_the_bound_is_missed),
        TU_TEST(no_interval_is_uncertain_and_no_value_is_missed),
        TU_TEST(zero_width_interval_is_judged_on_its_value),
        TU_TEST(replications_to_resolve_make_the_interval_leave_the_bound),
    };
    TU_SUITE("verdict", tests);
}
