/* router_rr.c -- "round_robin": replicas in turn, blind to their load. On
 * Poisson arrivals each replica sees every N-th: Erlang-N interarrivals. */
#include "models/router.h"

static int pick(const router_ctx *c, const arr_item *it)
{
    (void)it;
    return (int)((*c->turn)++ % (uint64_t)c->n);
}

const router_type router_round_robin = { "round_robin", "replicas in turn, blind to their load", pick };
