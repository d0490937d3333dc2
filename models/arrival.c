#include "models/arrival.h"

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
