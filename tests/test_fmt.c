/* test_fmt.c -- integer number formatting gives printf's bytes exactly,
 * at the edges of each fast path and over many random values. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tests/testutil.h"
#include "cli/fmt.h"
#include "sim/rng.h"

static int same_ms(int64_t ns)
{
    char a[FMT_MAX + 1], b[FMT_MAX + 1];
    *fmt_ms(a, ns) = '\0';
    snprintf(b, sizeof b, "%.6f", (double)ns / 1e6);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "fmt_ms(%lld): \"%s\", printf \"%s\"\n", (long long)ns, a, b);
        return 0;
    }
    return 1;
}

/* fn's text against printf's "%.9g" (g9) or "%.6f" */
static int same(char *(*fn)(char *, double), int g9, double x)
{
    char a[FMT_MAX + 1], b[FMT_MAX + 1];
    const char *fmt = g9 ? "%.9g" : "%.6f";
    *fn(a, x) = '\0';
    if (g9)
        snprintf(b, sizeof b, "%.9g", x);
    else
        snprintf(b, sizeof b, "%.6f", x);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "%s of %.17g: \"%s\", printf \"%s\"\n", fmt, x, a, b);
        return 0;
    }
    return 1;
}

static void milliseconds_match_printf_at_the_edges(void)
{
    const int64_t exact = INT64_C(8589934592000000);     /* 2^33 * 10^6 */
    const int64_t edges[] = {
        0, 1, -1, 9, 10, 999, 1000, 999999, 1000000, 1000001, -999999, -1000000, -1000001,
        123456789, 86400000000000, exact - 1, exact, exact + 1, -exact + 1, -exact, -exact - 1,
        INT64_C(9007199254740991), INT64_C(9007199254740993), INT64_MAX, INT64_MIN + 1, INT64_MIN,
    };
    int ok = 1;
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        ok &= same_ms(edges[i]);
    /* every value around each power of ten and of two */
    for (int64_t b = 1; b > 0 && b < INT64_MAX / 10; b *= 10)
        for (int64_t d = -3; d <= 3; d++)
            ok &= same_ms(b + d) & same_ms(-(b + d));
    for (int e = 0; e < 63; e++)
        for (int64_t d = -2; d <= 2; d++)
            ok &= same_ms(((int64_t)1 << e) + d);
    CU_ASSERT(ok);
}

static void milliseconds_match_printf_on_a_million_random_values(void)
{
    gsl_rng *r = sim_rng_alloc(1, 0, 0, 0);
    int ok = 1;
    for (int i = 0; i < 1000000 && ok; i++) {
        uint64_t u = sim_rng_u64(r);
        int64_t ns = (int64_t)(u >> (u % 64));          /* every magnitude */
        ok &= same_ms(i & 1 ? -ns : ns);
    }
    CU_ASSERT(ok);
    gsl_rng_free(r);
}

static void fixed_six_places_match_printf(void)
{
    const double xs[] = {
        0.0, -0.0, 1.0, -1.0, 0.5, 0.000001, 0.0000005, 0.0000015, -0.0000005, 1e-7, -1e-7,
        123.456789, 123.4567895, 0.1 + 0.2, 1e300, -1e300, 8589934591.999999, 8.5e9, 8.6e9, 1e15,
        NAN, INFINITY, -INFINITY, 4.9e-324,
    };
    int ok = 1;
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        ok &= same(fmt_f6, 0, xs[i]);
    gsl_rng *r = sim_rng_alloc(2, 0, 0, 0);
    for (int i = 0; i < 300000 && ok; i++) {
        int64_t k = (int64_t)(sim_rng_u64(r) >> (11 + i % 40));
        ok &= same(fmt_f6, 0, (double)k / 1e6);           /* ns / 1e6: the integer path */
        ok &= same(fmt_f6, 0, (double)k / 1e6 * 1.0000001); /* others */
        ok &= same(fmt_f6, 0, gsl_rng_uniform(r) * pow(10, i % 24 - 12));
    }
    CU_ASSERT(ok);
    gsl_rng_free(r);
}

static void nine_significant_digits_match_printf(void)
{
    const double xs[] = {
        0.0, -0.0, 1.0, -1.0, 2.0, 999999999.0, 1e9, -999999999.0, 1e-4, 0.0001, 0.00009, 0.000123,
        0.00012, 0.001, 0.5, 1.5, 999.999999, 999.9999995, 1000.000001, 12.34, 123456.789, 0.1 + 0.2,
        1e-300, 1e300, NAN, INFINITY, -INFINITY, 4.9e-324,
    };
    int ok = 1;
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        ok &= same(fmt_g9, 1, xs[i]);
    gsl_rng *r = sim_rng_alloc(3, 0, 0, 0);
    for (int i = 0; i < 300000 && ok; i++) {
        int64_t k = (int64_t)(sim_rng_u64(r) >> (11 + i % 50));
        ok &= same(fmt_g9, 1, (double)k / 1e6);
        ok &= same(fmt_g9, 1, -(double)k / 1e6);
        ok &= same(fmt_g9, 1, (double)(k % 2000000000));
        ok &= same(fmt_g9, 1, gsl_rng_uniform(r) * pow(10, i % 24 - 12));
    }
    CU_ASSERT(ok);
    gsl_rng_free(r);
}

static void integers_match_printf(void)
{
    const int64_t xs[] = { 0, 1, -1, 9, 10, -10, 123456789, INT64_MAX, INT64_MIN, INT64_MIN + 1 };
    char a[FMT_MAX + 1], b[FMT_MAX + 1];
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        *fmt_int(a, xs[i]) = '\0';
        snprintf(b, sizeof b, "%lld", (long long)xs[i]);
        CU_ASSERT_STRING_EQUAL(a, b);
    }
}

TU_SUITE_FN(fmt)
{
    static const tu_test tests[] = {
        TU_TEST(integers_match_printf),
        TU_TEST(milliseconds_match_printf_at_the_edges),
        TU_TEST(milliseconds_match_printf_on_a_million_random_values),
        TU_TEST(fixed_six_places_match_printf),
        TU_TEST(nine_significant_digits_match_printf),
    };
    TU_SUITE("fmt", tests);
}
