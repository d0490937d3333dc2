/* router_least.c -- "least_outstanding": the replica with the fewest
 * requests in its engine (queued or running); ties rotate. */
#include "models/router.h"

static int pick(const router_ctx *c, const arr_item *it)
{
    (void)it;
    return router_argmin(c, router_outstanding);
}

const router_type router_least_outstanding = {
    "least_outstanding", "the replica with the fewest requests in its engine", pick,
};
