/* evq.c -- calendar queue (see evq.h for the invariants). */
#include "sim/evq.h"

#include <stdlib.h>
#include <string.h>

#define MIN_BUCKETS   16
#define SAMPLE        25     /* events sampled to estimate the width (Brown) */
#define SLOW_STEPS    6      /* mean steps per op that triggers a re-estimate */
#define WINDOW        4096   /* ops over which that mean is taken */

static inline int key_less(const sim_event *a, const sim_event *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static inline size_t bucket_of(const sim_evq *q, sim_time_t t)
{
    return (size_t)(t >> q->shift) & (q->nb - 1);
}

/* The end of t's day; the last day of the time range ends at
 * SIM_EVQ_NEVER instead of overflowing. */
static inline sim_time_t day_end(const sim_evq *q, sim_time_t t)
{
    sim_time_t day = t >> q->shift;
    return day >= (SIM_EVQ_NEVER >> q->shift) ? SIM_EVQ_NEVER : (day + 1) << q->shift;
}

static void link_sorted(sim_evq *q, sim_event *ev)
{
    sim_evq_bucket *b = &q->bucket[bucket_of(q, ev->time)];
    ev->next = NULL;
    if (!b->tail) {
        b->head = b->tail = ev;
        q->work++;
        return;
    }
    if (!key_less(ev, b->tail)) {
        b->tail->next = ev;
        b->tail = ev;
        q->work++;
        return;
    }
    sim_event **pp = &b->head;
    uint64_t steps = 1;
    while (!key_less(ev, *pp)) {
        pp = &(*pp)->next;
        steps++;
    }
    ev->next = *pp;
    *pp = ev;
    q->work += steps;
}

/* Unlink the head of bucket b. */
static sim_event *unlink_head(sim_evq_bucket *b)
{
    sim_event *e = b->head;
    b->head = e->next;
    if (!b->head)
        b->tail = NULL;
    e->next = e;
    return e;
}

/* The least event by a scan of every head: used when a whole year of
 * buckets holds nothing due (sparse or far-future events). */
static sim_evq_bucket *least_head(sim_evq *q)
{
    sim_evq_bucket *best = NULL;
    for (size_t i = 0; i < q->nb; i++)
        if (q->bucket[i].head && (!best || key_less(q->bucket[i].head, best->head)))
            best = &q->bucket[i];
    return best;
}

/* The bucket whose head is the least event; positions cur/cur_top on it. */
static sim_evq_bucket *find_least(sim_evq *q)
{
    size_t i = q->cur;
    sim_time_t top = q->cur_top;
    for (size_t scanned = 0; scanned < q->nb; scanned++) {
        sim_event *e = q->bucket[i].head;
        if (e && e->time < top) {
            q->cur = i;
            q->cur_top = top;
            q->work += scanned + 1;
            return &q->bucket[i];
        }
        i = (i + 1) & (q->nb - 1);
        top = top > SIM_EVQ_NEVER - q->width ? SIM_EVQ_NEVER : top + q->width;
    }
    sim_evq_bucket *best = least_head(q);
    q->work += q->nb;
    if (best) {
        q->cur = bucket_of(q, best->head->time);
        q->cur_top = day_end(q, best->head->time);
    }
    return best;
}

/* Width from the earliest events: Brown's rule, three times their mean
 * spacing, the mean taken again without gaps over twice the first mean. */
static sim_time_t estimate_width(sim_evq *q)
{
    sim_event *taken[SAMPLE];
    size_t k = 0;
    size_t cur = q->cur;
    sim_time_t top = q->cur_top;
    while (k < SAMPLE && q->n > 0) {
        taken[k++] = unlink_head(find_least(q));
        q->n--;
    }
    for (size_t j = 0; j < k; j++) {
        link_sorted(q, taken[j]);
        q->n++;
    }
    q->cur = cur;
    q->cur_top = top;
    if (k < 2)
        return q->width;
    double mean = (double)(taken[k - 1]->time - taken[0]->time) / (double)(k - 1);
    double sum = 0;
    size_t m = 0;
    for (size_t j = 1; j < k; j++) {
        double gap = (double)(taken[j]->time - taken[j - 1]->time);
        if (gap <= 2 * mean) {
            sum += gap;
            m++;
        }
    }
    double w = m && sum > 0 ? 3 * sum / (double)m : 3 * mean;
    return w >= 1 ? (sim_time_t)w : 1;
}

/* The power of two nearest to w (in log scale), as a shift. */
static int shift_for(sim_time_t w)
{
    int k = 0;
    while (k < 62 && (INT64_C(1) << (k + 1)) <= w)
        k++;
    /* w in [2^k, 2^(k+1)): round up when w > 2^k sqrt 2 */
    if (k < 62 && (double)w > 1.41421356 * (double)(INT64_C(1) << k))
        k++;
    return k;
}

/* Rebuild with nb buckets of a fresh width. On allocation failure the
 * queue keeps its current shape. */
static void resize(sim_evq *q, size_t nb)
{
    int shift = shift_for(estimate_width(q));
    sim_evq_bucket *fresh = calloc(nb, sizeof *fresh);
    if (!fresh)
        return;
    sim_evq_bucket *old = q->bucket;
    size_t old_nb = q->nb;
    sim_time_t now = q->cur_top - q->width;
    q->bucket = fresh;
    q->nb = nb;
    q->shift = shift;
    q->width = INT64_C(1) << shift;
    for (size_t i = 0; i < old_nb; i++)
        for (sim_event *e = old[i].head, *next; e; e = next) {
            next = e->next;
            link_sorted(q, e);
        }
    free(old);
    if (now < 0)
        now = 0;
    q->cur = bucket_of(q, now);
    q->cur_top = day_end(q, now);
    q->work = q->ops = 0;
}

static void after_op(sim_evq *q)
{
    if (++q->ops < WINDOW)
        return;
    if (q->work > SLOW_STEPS * q->ops)
        resize(q, q->nb);
    q->work = q->ops = 0;
}

int sim_evq_init(sim_evq *q)
{
    memset(q, 0, sizeof *q);
    q->bucket = calloc(MIN_BUCKETS, sizeof *q->bucket);
    q->nb = MIN_BUCKETS;
    q->shift = 10;
    q->width = INT64_C(1) << q->shift;
    q->cur_top = q->width;
    return q->bucket ? 0 : -1;
}

void sim_evq_free(sim_evq *q)
{
    free(q->bucket);
    memset(q, 0, sizeof *q);
}

int sim_evq_push(sim_evq *q, sim_event *ev)
{
    link_sorted(q, ev);
    q->n++;
    if (q->n > 2 * q->nb)
        resize(q, 2 * q->nb);
    else
        after_op(q);
    return 0;
}

sim_event *sim_evq_pop_due(sim_evq *q, sim_time_t until)
{
    if (q->n == 0)
        return NULL;
    size_t cur = q->cur;
    sim_time_t top = q->cur_top;
    sim_evq_bucket *b = find_least(q);
    if (b->head->time > until) {
        /* nothing due: leave the cursor where it was, at or before the
         * clock, so that events pushed before the least one are found */
        q->cur = cur;
        q->cur_top = top;
        return NULL;
    }
    sim_event *e = unlink_head(b);
    q->n--;
    /* Start loading the event the next pop will likely take, the new head
     * of b or else the head of the bucket after it, while the caller runs
     * the event just popped (which usually pushes one at a random bucket):
     * in the hold model at 10^5 pending that head is a cache miss
     * otherwise. A hint only, it reads no event. */
    if (b->head)
        __builtin_prefetch(b->head);
    else {
        sim_event *after = q->bucket[(q->cur + 1) & (q->nb - 1)].head;
        if (after)
            __builtin_prefetch(after);
    }
    if (q->nb > MIN_BUCKETS && q->n < q->nb / 2)
        resize(q, q->nb / 2);
    else
        after_op(q);
    return e;
}

sim_event *sim_evq_pop(sim_evq *q)
{
    return sim_evq_pop_due(q, SIM_EVQ_NEVER);
}

sim_event *sim_evq_peek(sim_evq *q)
{
    if (q->n == 0)
        return NULL;
    size_t cur = q->cur;
    sim_time_t top = q->cur_top;
    sim_event *e = find_least(q)->head;
    q->cur = cur;              /* a peek moves nothing, the cursor included */
    q->cur_top = top;
    return e;
}

void sim_evq_remove(sim_evq *q, sim_event *ev)
{
    if (ev->next == ev)     /* not queued */
        return;
    sim_evq_bucket *b = &q->bucket[bucket_of(q, ev->time)];
    sim_event *prev = NULL;
    for (sim_event *e = b->head; e != ev; e = e->next)
        prev = e;
    if (prev)
        prev->next = ev->next;
    else
        b->head = ev->next;
    if (b->tail == ev)
        b->tail = prev;
    ev->next = ev;
    q->n--;
}
