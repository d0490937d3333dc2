#include "sim/sample.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_statistics_double.h>

void sim_sample_init(sim_sample *s)
{
    s->v = NULL;
    s->n = s->cap = 0;
    s->sum = 0;
}

void sim_sample_free(sim_sample *s)
{
    free(s->v);
    sim_sample_init(s);
}

void sim_sample_clear(sim_sample *s)
{
    s->n = 0;
    s->sum = 0;
}

int sim_sample_add(sim_sample *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        double *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    s->sum += x;
    return 0;
}

double sim_sample_mean(const sim_sample *s)
{
    return s->n ? s->sum / (double)s->n : NAN;
}

double sim_sample_quantile(sim_sample *s, double f)
{
    if (s->n == 0)
        return NAN;
    double index = f * (double)(s->n - 1);
    size_t lhs = (size_t)index;
    double delta = index - (double)lhs;
    double lo = gsl_stats_select(s->v, 1, s->n, lhs);
    if (delta == 0 || lhs + 1 >= s->n)
        return lo;
    /* After selecting lhs, every value above lhs is >= lo; the next order
     * statistic is the least of them. */
    double hi = s->v[lhs + 1];
    for (size_t i = lhs + 2; i < s->n; i++)
        if (s->v[i] < hi)
            hi = s->v[i];
    return (1 - delta) * lo + delta * hi;
}

void sim_sample_quantiles(sim_sample *s, const double *fs, size_t n, double *out)
{
    size_t from = 0;          /* v[0..from) are <= every value above them */
    for (size_t k = 0; k < n; k++) {
        if (s->n == 0) {
            out[k] = NAN;
            continue;
        }
        double index = fs[k] * (double)(s->n - 1);
        size_t lhs = (size_t)index;
        double delta = index - (double)lhs;
        if (lhs < from)
            from = 0;                         /* fs not ascending: start over */
        double lo = gsl_stats_select(s->v + from, 1, s->n - from, lhs - from);
        from = lhs;
        if (delta == 0 || lhs + 1 >= s->n) {
            out[k] = lo;
            continue;
        }
        double hi = s->v[lhs + 1];
        for (size_t i = lhs + 2; i < s->n; i++)
            if (s->v[i] < hi)
                hi = s->v[i];
        out[k] = (1 - delta) * lo + delta * hi;
    }
}

double sim_sample_fraction_le(const sim_sample *s, double x)
{
    if (s->n == 0)
        return NAN;
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        k += s->v[i] <= x;
    return (double)k / (double)s->n;
}
