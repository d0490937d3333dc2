/* router_kv.c -- "least_kv": the replica whose KV cache is least used (an
 * LLM engine's blocks in use over its blocks); engines with no KV cache are
 * compared by outstanding requests. Ties (every cache empty) rotate. */
#include "models/router.h"

static int pick(const router_ctx *c, const arr_item *it)
{
    (void)it;
    return router_argmin(c, router_kv_load);
}

const router_type router_least_kv = {
    "least_kv", "the replica with the least KV-cache use (else fewest requests)", pick,
};
