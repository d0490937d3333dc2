/* hist.c -- logarithmic histogram (hist.h).
 *
 * The bucket of x is floor(log(x / min) / log g). Computing that with log()
 * and two divisions was most of the cost of an add (a quarter of a fleet
 * run's time), so the add takes log2 x from its exponent bits and a short
 * series around one of 128 table points, multiplies by 1 / log2 g, and only
 * falls back to the formula above when the result lies within a margin of a
 * bucket edge that covers the rounding of both ways: the bucket is the same
 * as the formula's for every x, the fast way taken about always. */
#include "sim/hist.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TBITS 7
#define TSIZE (1 << TBITS)

/* inv[i]: 1 / the midpoint of mantissa interval i of [1, 2) split in TSIZE;
 * neg_log2_inv[i]: -log2(inv[i]), of the rounded reciprocal actually used,
 * so that log2 m = log2(m inv[i]) + neg_log2_inv[i] holds exactly. */
static double inv[TSIZE], neg_log2_inv[TSIZE];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void build_table(void)
{
    for (int i = 0; i < TSIZE; i++) {
        inv[i] = 1.0 / (1.0 + (i + 0.5) / TSIZE);
        neg_log2_inv[i] = -log2(inv[i]);
    }
}

/* log2 x for a positive normal finite x, within 1e-13 absolute (the series'
 * remainder r^5/5 with |r| <= 1/255 is below 3e-13 / ln 2 relative to r's
 * terms, and the sum rounds to a few ulps of the exponent); NaN (which the
 * caller takes for "use the formula") for
 * values the bit trick does not cover (zero, subnormal, infinite, NaN). */
static double fast_log2(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    unsigned be = (unsigned)(u >> 52) & 0x7ff;
    if (be == 0 || be == 0x7ff || (u >> 63))
        return NAN;
    unsigned i = (unsigned)(u >> (52 - TBITS)) & (TSIZE - 1);
    u = (u & UINT64_C(0x000fffffffffffff)) | UINT64_C(0x3ff0000000000000);
    double m;
    memcpy(&m, &u, sizeof m);
    double r = m * inv[i] - 1;                /* |r| <= 1/255 */
    double ln1p = r * (1 - r * (0.5 - r * (1.0 / 3 - r * 0.25)));
    return ((double)((int)be - 1023) + neg_log2_inv[i]) + ln1p * 1.4426950408889634;
}

int sim_hist_init(sim_hist *h, double min, double max, double rel_err)
{
    h->count = NULL;
    if (!(min > 0 && max > min && rel_err > 0 && rel_err < 0.5))
        return -1;
    pthread_once(&table_once, build_table);
    double g = (1 + rel_err) / (1 - rel_err);
    h->rel_err = rel_err;
    h->min = min;
    h->max = max;
    h->log_g = log(g);
    h->log2_min = log2(min);
    h->inv_log2_g = 1 / log2(g);
    /* the fast index is off the formula's by at most 1e-13 (log2) times
     * 1 / log2 g, and the formula by a few ulps of its terms: ten times
     * their sum, and never less than 1e-9 of a bucket */
    h->margin = 1e-12 * h->inv_log2_g * (1 + fabs(h->log2_min)) + 1e-9;
    h->nbuckets = (size_t)ceil(log(max / min) / h->log_g) + 1;
    h->count = calloc(h->nbuckets, sizeof *h->count);
    h->n = 0;
    h->sum = 0;
    h->npending = 0;
    return h->count ? 0 : -1;
}

void sim_hist_free(sim_hist *h)
{
    free(h->count);
    h->count = NULL;
}

/* The bucket by the defining formula (the slow way). */
static double exact_index(const sim_hist *h, double x)
{
    return floor(log(x / h->min) / h->log_g);
}

void sim_hist_add(sim_hist *h, double x)
{
    size_t k = 0;
    if (x > h->min) {
        double t = (fast_log2(x) - h->log2_min) * h->inv_log2_g;
        double lo = floor(t - h->margin), b = floor(t + h->margin);
        if (lo != b)
            b = exact_index(h, x);          /* near an edge, or not a normal number */
        k = b >= (double)(h->nbuckets - 1) ? h->nbuckets - 1 : (size_t)b;
    }
    h->pending[h->npending++] = (uint32_t)k;
    if (h->npending == SIM_HIST_PENDING)
        sim_hist_flush(h);
    h->n++;
    h->sum += x;
}

void sim_hist_flush(sim_hist *h)
{
    for (unsigned i = 0; i < h->npending; i++)
        h->count[h->pending[i]]++;
    h->npending = 0;
}

size_t sim_hist_index(const sim_hist *h, double x)
{
    if (!(x > h->min))
        return 0;
    double b = exact_index(h, x);
    return b >= (double)(h->nbuckets - 1) ? h->nbuckets - 1 : (size_t)b;
}

double sim_hist_quantile(sim_hist *h, double f)
{
    if (h->n == 0)
        return NAN;
    sim_hist_flush(h);
    /* the order statistic of rank ceil(f n) (at least 1), as nearest-rank */
    uint64_t rank = (uint64_t)ceil(f * (double)h->n);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    size_t k = 0;
    for (; k < h->nbuckets; k++) {
        seen += h->count[k];
        if (seen >= rank)
            break;
    }
    double g = exp(h->log_g);
    double lo = h->min * exp(h->log_g * (double)k);
    return 2 * lo / (1 + 1 / g);
}

double sim_hist_mean(const sim_hist *h)
{
    return h->n ? h->sum / (double)h->n : NAN;
}
