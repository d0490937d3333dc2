/* router_prefix.c -- "prefix_affinity": requests that share a prefix go to
 * the replica that holds it. Arrivals do not carry prefix block hashes yet
 * (the Mooncake reader keeps them, replay does not pass them on) and the
 * engines keep no prefix cache, so there is no affinity to follow: every
 * request falls back to least_outstanding, and the policy gives the same
 * numbers as that one. */
#include "models/router.h"

static int pick(const router_ctx *c, const arr_item *it)
{
    (void)it;
    return router_argmin(c, router_outstanding);
}

const router_type router_prefix_affinity = {
    "prefix_affinity", "the replica holding the request's prefix; without prefix ids, least_outstanding",
    pick,
};
