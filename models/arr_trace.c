/* arr_trace.c -- replay of recorded arrivals: item i arrives at t_ns[i]
 * with sizes[i * nsize ...]. The cursor lives in the source's state. */
#include "models/arrival.h"

#include <stdlib.h>

typedef struct { size_t next; } trace_state;

static void schedule_next(arr_src *a)
{
    const arr_trace_params *p = a->params;
    trace_state *st = a->state;
    if (st->next < p->n && p->t_ns[st->next] < a->stop)
        sim_at(a->s, &a->ev, p->t_ns[st->next] > a->s->now ? p->t_ns[st->next] : a->s->now);
}

static void on_arrival(sim *s, sim_event *ev)
{
    arr_src *a = ev->ctx;
    const arr_trace_params *p = a->params;
    trace_state *st = a->state;
    arr_item it = { 0, p->nsize, { 0 } };
    for (int k = 0; k < p->nsize; k++)
        it.size[k] = p->sizes[st->next * (size_t)p->nsize + (size_t)k];
    st->next++;
    schedule_next(a);
    a->emit(a->owner, s, &it);
}

static int trace_init(arr_src *a)
{
    trace_state *st = calloc(1, sizeof *st);
    if (!st)
        return -1;
    a->state = st;
    return 0;
}

static void trace_start(arr_src *a)
{
    a->ev.fn = on_arrival;
    schedule_next(a);
}

static void trace_free(arr_src *a)
{
    free(a->state);
    a->state = NULL;
}

const arr_type arr_trace = { "trace", trace_init, trace_start, NULL, trace_free };
