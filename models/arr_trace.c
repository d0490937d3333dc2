/* arr_trace.c -- replay of recorded arrivals: item i arrives at t_ns[i]
 * with sizes[i * nsize ...] and, from a Mooncake trace, its prefix block
 * hashes. The cursor lives in the source's state. */
#include "models/arrival.h"

#include <stdlib.h>

typedef struct { size_t next; } trace_state;

static int trace_next(arr_src *a, sim_time_t *when, arr_item *it)
{
    const arr_trace_params *p = a->params;
    trace_state *st = a->state;
    if (st->next >= p->n)
        return 0;
    it->nsize = p->nsize;
    for (int k = 0; k < p->nsize; k++)
        it->size[k] = p->sizes[st->next * (size_t)p->nsize + (size_t)k];
    if (p->hash_start) {
        size_t lo = p->hash_start[st->next], hi = p->hash_start[st->next + 1];
        it->prefix = (arr_prefix){ hi > lo ? p->hash_ids + lo : NULL, (int)(hi - lo), p->hash_block_tokens, 0 };
    }
    *when = p->t_ns[st->next++];
    return 1;
}

static int trace_init(arr_src *a)
{
    trace_state *st = calloc(1, sizeof *st);
    if (!st)
        return -1;
    a->state = st;
    return 0;
}

static void trace_free(arr_src *a)
{
    free(a->state);
    a->state = NULL;
}

const arr_type arr_trace = { "trace", trace_init, NULL, NULL, trace_free, trace_next };
