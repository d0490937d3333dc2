#include "bench/ref.h"

#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* ---- a binary min-heap of (time, seq, kind) ---------------------------- */

typedef struct {
    int64_t  time;
    uint64_t seq;
    int      kind;
} ref_ev;

typedef struct {
    ref_ev  *v;
    size_t   n, cap;
    uint64_t next_seq;
} heap;

static int before(const ref_ev *a, const ref_ev *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static int heap_push(heap *h, int64_t time, int kind)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 64;
        ref_ev *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return -1;
        h->v = v;
        h->cap = cap;
    }
    ref_ev e = { time, h->next_seq++, kind };
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&e, &h->v[p]))
            break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = e;
    return 0;
}

static ref_ev heap_pop(heap *h)
{
    ref_ev top = h->v[0], last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && before(&h->v[c + 1], &h->v[c]))
            c++;
        if (!before(&h->v[c], &last))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n > 0)
        h->v[i] = last;
    return top;
}

/* ---- M/M/1 ----------------------------------------------------------- */

enum { ARRIVAL, DEPARTURE };

static int64_t ns(double s)
{
    return (int64_t)(s * 1e9 + 0.5);
}

int ref_mm1(size_t n, double lambda, double mu, unsigned long seed, ref_mm1_result *out)
{
    heap h = { 0 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int64_t *arrived = malloc(n * sizeof *arrived);    /* FIFO of arrival times */
    double *soj = malloc(n * sizeof *soj);
    int rc = -1;
    if (!r || !arrived || !soj)
        goto out;
    gsl_rng_set(r, seed);
    size_t n_arr = 0, head = 0, done = 0;
    int busy = 0;
    out->events = 0;
    if (heap_push(&h, ns(gsl_ran_exponential(r, 1 / lambda)), ARRIVAL) < 0)
        goto out;
    while (done < n) {
        ref_ev e = heap_pop(&h);
        out->events++;
        if (e.kind == ARRIVAL) {
            arrived[n_arr++] = e.time;
            if (n_arr < n && heap_push(&h, e.time + ns(gsl_ran_exponential(r, 1 / lambda)), ARRIVAL) < 0)
                goto out;
            if (!busy) {
                busy = 1;
                if (heap_push(&h, e.time + ns(gsl_ran_exponential(r, 1 / mu)), DEPARTURE) < 0)
                    goto out;
            }
        } else {
            soj[done++] = (double)(e.time - arrived[head++]) / 1e9;
            busy = head < n_arr;
            if (busy && heap_push(&h, e.time + ns(gsl_ran_exponential(r, 1 / mu)), DEPARTURE) < 0)
                goto out;
        }
    }
    gsl_sort(soj, 1, n);
    out->mean_s = gsl_stats_mean(soj, 1, n);
    out->p95_s = gsl_stats_quantile_from_sorted_data(soj, 1, n, 0.95);
    rc = 0;
out:
    free(h.v);
    free(arrived);
    free(soj);
    if (r)
        gsl_rng_free(r);
    return rc;
}

/* ---- hold model ------------------------------------------------------ */

double ref_hold(size_t pending, uint64_t ops, const int64_t *inc, size_t ninc)
{
    heap h = { 0 };
    size_t k = 0;
    double sum = 0;
    for (size_t i = 0; i < pending; i++)
        if (heap_push(&h, inc[k++ & (ninc - 1)], 0) < 0) {
            free(h.v);
            return -1;
        }
    for (uint64_t i = 0; i < ops; i++) {
        ref_ev e = heap_pop(&h);
        sum += (double)e.time;
        heap_push(&h, e.time + inc[k++ & (ninc - 1)], 0);   /* never grows: no allocation */
    }
    free(h.v);
    return sum;
}
