/* evq.h -- the pending-event set: a calendar queue of intrusive events.
 *
 * Invariants:
 *  - Events are ordered by the key (time, seq); seq is unique, so the order
 *    is total and the same on every run.
 *  - Keys are monotone: nothing is pushed below the last key popped, as a
 *    discrete-event clock guarantees (time >= now, seq grows). A key may be
 *    below the least pending one (the clock stopped short of it), so the
 *    cursor stays on the last popped event's day: peeks and pops that find
 *    nothing due leave it where it was.
 *  - Calendar queue (R. Brown, CACM 31(10), 1988): nb buckets (a power of
 *    two) of `width` ns each form a "year"; an event of time t sits in
 *    bucket (t / width) mod nb, in a list sorted by key; width is a power
 *    of two so that the bucket is a shift and a mask. Popping walks the
 *    buckets from the current one and takes a head that falls in the current
 *    year. With about one to three events per bucket near the front, push
 *    and pop cost O(1).
 *  - The queue resizes (doubling or halving nb) as the count crosses 2 nb or
 *    nb / 2, and re-estimates the width from the spacing of the earliest
 *    events when it resizes or when recent operations got slow.
 *  - A bucket keeps its tail too: a new key is usually the largest in its
 *    bucket (equal times in particular, since seq grows), and goes there.
 *  - An event that is not queued links to itself, so that being queued
 *    costs no field of its own (a 40-byte event; the hold model's events
 *    are touched at random, and every byte counts against the caches).
 *  - Events are intrusive (they carry their list link); the queue allocates
 *    only its bucket array, on resize. Events belong to their owners.
 */
#ifndef SIM_EVQ_H
#define SIM_EVQ_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_time_t;            /* nanoseconds */

typedef struct sim_event sim_event;
struct sim;
typedef void (*sim_event_fn)(struct sim *s, sim_event *ev);

struct sim_event {
    sim_time_t   time;
    uint64_t     seq;
    sim_event   *next;                  /* bucket list while queued; itself when not */
    sim_event_fn fn;
    void        *ctx;                   /* owner's data; never read by sim/ */
};

typedef struct {
    sim_event *head, *tail;
} sim_evq_bucket;

typedef struct {
    sim_evq_bucket *bucket;             /* nb sorted lists */
    size_t      nb;                     /* a power of two */
    int         shift;                  /* width = 2^shift ns per bucket */
    sim_time_t  width;
    size_t      cur;                    /* bucket of the last pop */
    sim_time_t  cur_top;                /* end of the current bucket's day */
    size_t      n;
    uint64_t    work, ops;              /* steps taken by recent operations */
} sim_evq;

/* sim_evq_init: empty queue; 0, or -1 when out of memory. sim_evq_free
 * releases the bucket array only. */
int  sim_evq_init(sim_evq *q);
void sim_evq_free(sim_evq *q);

/* sim_evq_push: insert ev with its time and seq already set; (time, seq)
 * must not be below the last key popped, and ev must not be queued. Returns
 * 0 (a failed resize leaves the queue as it was, still correct). */
int sim_evq_push(sim_evq *q, sim_event *ev);

#define SIM_EVQ_NEVER INT64_MAX

/* sim_evq_pop: remove and return the least event, NULL when none. */
sim_event *sim_evq_pop(sim_evq *q);

/* sim_evq_pop_due: the same if its time is <= until; NULL (and nothing
 * removed) when the least event is later or there is none. */
sim_event *sim_evq_pop_due(sim_evq *q, sim_time_t until);

/* sim_evq_peek: the least event without removing it, NULL when none. */
sim_event *sim_evq_peek(sim_evq *q);

/* sim_evq_remove: take a queued event out; a no-op for an unqueued one. */
void sim_evq_remove(sim_evq *q, sim_event *ev);

static inline size_t sim_evq_size(const sim_evq *q) { return q->n; }

#endif
