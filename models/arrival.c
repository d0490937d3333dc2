#include "models/arrival.h"

#include <string.h>

int arr_src_init(arr_src *a, const arr_type *type, const void *params, sim *s,
                 gsl_rng *rng, arr_emit_fn emit, void *owner, sim_time_t stop)
{
    a->type = type;
    a->params = params;
    a->s = s;
    a->rng = rng;
    a->emit = emit;
    a->owner = owner;
    a->stop = stop;
    a->state = NULL;
    sim_event_set(&a->ev, NULL, a);
    return type->init ? type->init(a) : 0;
}

void arr_src_free(arr_src *a)
{
    sim_cancel(a->s, &a->ev);
    if (a->type->free)
        a->type->free(a);
}

/* The driver of `next` processes: one pending arrival at a time. */
static void schedule_next(arr_src *a)
{
    sim_time_t when;
    memset(&a->pending, 0, sizeof a->pending);
    if (a->type->next(a, &when, &a->pending) && when < a->stop)
        sim_at(a->s, &a->ev, when < a->s->now ? a->s->now : when);
}

static void on_arrival(sim *s, sim_event *ev)
{
    arr_src *a = ev->ctx;
    arr_item it = a->pending;
    schedule_next(a);
    a->emit(a->owner, s, &it);
}

void arr_src_start(arr_src *a)
{
    if (a->type->start) {
        a->type->start(a);
        return;
    }
    a->ev.fn = on_arrival;
    schedule_next(a);
}
