/* evq.h -- the pending-event set: a 4-ary min-heap of intrusive events.
 *
 * Invariants:
 *  - Events are ordered by (time, seq); seq is unique, so the order is total
 *    and the same on every run.
 *  - The heap stores copies of the keys next to the event pointer so that
 *    sifting touches one contiguous array; ev->slot is the event's position
 *    plus one, 0 when it is not queued. Cancellation uses the slot.
 *  - The queue never allocates per event: its array grows by doubling and is
 *    kept for the life of the queue. Events belong to their owners.
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
    size_t       slot;                  /* heap index + 1; 0 = not queued */
    sim_event_fn fn;
    void        *ctx;                   /* owner's data; never read by sim/ */
};

typedef struct {
    sim_time_t time;
    uint64_t   seq;
    sim_event *ev;
} sim_evq_entry;

typedef struct {
    sim_evq_entry *heap;
    size_t         n, cap;
} sim_evq;

/* sim_evq_init: empty queue. sim_evq_free releases the array only. */
void sim_evq_init(sim_evq *q);
void sim_evq_free(sim_evq *q);

/* sim_evq_push: insert ev with its time and seq already set. ev must not be
 * queued. Returns 0, or -1 when the array cannot grow (queue unchanged). */
int sim_evq_push(sim_evq *q, sim_event *ev);

/* sim_evq_pop: remove and return the least event, NULL when empty. */
sim_event *sim_evq_pop(sim_evq *q);

/* sim_evq_remove: take a queued event out; a no-op for an unqueued one. */
void sim_evq_remove(sim_evq *q, sim_event *ev);

static inline size_t sim_evq_size(const sim_evq *q) { return q->n; }
static inline const sim_event *sim_evq_peek(const sim_evq *q)
{
    return q->n ? q->heap[0].ev : NULL;
}

#endif
