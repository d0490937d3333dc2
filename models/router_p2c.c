/* router_p2c.c -- "power_of_two": two distinct replicas drawn at random,
 * the one with fewer outstanding requests taken (the first on a tie). */
#include "models/router.h"

static int pick(const router_ctx *c, const arr_item *it)
{
    (void)it;
    if (c->n == 1)
        return 0;
    int a = (int)gsl_rng_uniform_int(c->rng, (unsigned long)c->n);
    int b = (int)gsl_rng_uniform_int(c->rng, (unsigned long)(c->n - 1));
    if (b >= a)
        b++;
    return router_outstanding(c, b) < router_outstanding(c, a) ? b : a;
}

const router_type router_power_of_two = {
    "power_of_two", "two replicas at random, the less loaded of them", pick,
};
