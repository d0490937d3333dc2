/* evq.c -- 4-ary heap; a wider node halves the depth of a binary heap and
 * keeps the four children of a node in one or two cache lines. */
#include "sim/evq.h"

#include <stdlib.h>

#define ARITY 4

static inline int entry_less(const sim_evq_entry *a, const sim_evq_entry *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static inline void place(sim_evq *q, size_t i, sim_evq_entry e)
{
    q->heap[i] = e;
    e.ev->slot = i + 1;
}

static void sift_up(sim_evq *q, size_t i, sim_evq_entry e)
{
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!entry_less(&e, &q->heap[parent]))
            break;
        place(q, i, q->heap[parent]);
        i = parent;
    }
    place(q, i, e);
}

static void sift_down(sim_evq *q, size_t i, sim_evq_entry e)
{
    for (;;) {
        size_t first = i * ARITY + 1;
        if (first >= q->n)
            break;
        size_t last = first + ARITY < q->n ? first + ARITY : q->n;
        size_t best = first;
        for (size_t c = first + 1; c < last; c++)
            if (entry_less(&q->heap[c], &q->heap[best]))
                best = c;
        if (!entry_less(&q->heap[best], &e))
            break;
        place(q, i, q->heap[best]);
        i = best;
    }
    place(q, i, e);
}

void sim_evq_init(sim_evq *q)
{
    q->heap = NULL;
    q->n = q->cap = 0;
}

void sim_evq_free(sim_evq *q)
{
    free(q->heap);
    sim_evq_init(q);
}

int sim_evq_push(sim_evq *q, sim_event *ev)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 256;
        sim_evq_entry *h = realloc(q->heap, cap * sizeof *h);
        if (!h)
            return -1;
        q->heap = h;
        q->cap = cap;
    }
    sim_evq_entry e = { ev->time, ev->seq, ev };
    sift_up(q, q->n++, e);
    return 0;
}

sim_event *sim_evq_pop(sim_evq *q)
{
    if (q->n == 0)
        return NULL;
    sim_event *top = q->heap[0].ev;
    top->slot = 0;
    if (--q->n > 0)
        sift_down(q, 0, q->heap[q->n]);
    return top;
}

void sim_evq_remove(sim_evq *q, sim_event *ev)
{
    if (ev->slot == 0)
        return;
    size_t i = ev->slot - 1;
    ev->slot = 0;
    if (i == --q->n)
        return;
    sim_evq_entry moved = q->heap[q->n];
    if (i > 0 && entry_less(&moved, &q->heap[(i - 1) / ARITY]))
        sift_up(q, i, moved);
    else
        sift_down(q, i, moved);
}
