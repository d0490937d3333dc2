/* router_prefix.c -- "prefix_affinity": a request goes to the replica whose
 * prefix cache holds the longest part of its prompt (llm_prefix_match), so
 * that requests sharing a prefix meet where it is cached; among equal
 * matches the replica with fewer outstanding requests (then the first).
 * A request that matches nowhere (no prefix, a cold one, replicas without
 * a prefix cache) goes where least_outstanding sends it.
 *
 * Load guard (a choice, not a fitted value): affinity alone would pile a
 * popular prefix onto one replica. When the best-matching replica has more
 * than PFX_GUARD_X times the outstanding requests of the least loaded one
 * plus PFX_GUARD_PLUS, the request goes to the least loaded instead (which
 * then caches the prefix too, so a hot prefix spreads over as many
 * replicas as its load needs). This is the shape of SGLang's cache-aware
 * router, which leaves the longest match for the shortest queue when the
 * load is imbalanced by an absolute and a relative margin. */
#include "models/router.h"

#include "models/llm.h"
#include "models/tenant.h"

#define PFX_GUARD_X    2.0
#define PFX_GUARD_PLUS 4.0

static int pick(const router_ctx *c, const arr_item *it)
{
    int best = -1;
    double most = 0;
    for (int i = 0; i < c->n; i++) {
        const tenant *t = c->rep[i];
        if (!llm_is_engine(t->cfg->wl) || !t->wl_state)
            continue;
        double m = llm_prefix_match(t->wl_state, it);
        if (m > most || (m > 0 && m == most && router_outstanding(c, i) < router_outstanding(c, best))) {
            most = m;
            best = i;
        }
    }
    int least = router_argmin(c, router_outstanding);
    if (best < 0 || router_outstanding(c, best) > PFX_GUARD_X * router_outstanding(c, least) + PFX_GUARD_PLUS)
        return least;
    return best;
}

const router_type router_prefix_affinity = {
    "prefix_affinity",
    "the replica whose prefix cache holds most of the prompt (load-guarded); else least_outstanding",
    pick,
};
