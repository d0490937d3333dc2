/* router_random.c -- "random": each request to a replica drawn uniformly.
 * Poisson arrivals split this way stay Poisson at rate lambda/N on each. */
#include "models/router.h"

static int pick(const router_ctx *c, const arr_item *it)
{
    (void)it;
    return (int)gsl_rng_uniform_int(c->rng, (unsigned long)c->n);
}

const router_type router_random = { "random", "a replica drawn uniformly at random", pick };
