/* router.h -- how a fleet's front end picks the replica of each request: one
 * router_type per policy, a table of function pointers as ts_policy is for
 * time-slice policies. One file each: router_random.c, router_rr.c,
 * router_least.c (least_outstanding), router_kv.c (least_kv),
 * router_p2c.c (power_of_two), router_prefix.c (prefix_affinity).
 *
 * A router sees each replica's engine load only through router_load (the
 * requests in it, its KV-cache use) and draws from the front's own stream,
 * so a run stays deterministic for a scenario and seed. */
#ifndef MODELS_ROUTER_H
#define MODELS_ROUTER_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "models/arrival.h"

struct tenant;

/* What a pick sees: the replicas, the front's stream and a counter the
 * router may use (round robin's next, the tie-break rotation). */
typedef struct {
    struct tenant *const *rep;   /* [n] */
    int                   n;
    gsl_rng              *rng;
    uint64_t             *turn;
} router_ctx;

typedef struct router_type {
    const char *name;      /* as "router" spells it */
    const char *summary;   /* one line */
    /* pick: the replica (0 .. n-1) for request it arriving now. */
    int (*pick)(const router_ctx *c, const arr_item *it);
} router_type;

extern const router_type router_random, router_round_robin, router_least_outstanding,
                         router_least_kv, router_power_of_two, router_prefix_affinity;

/* router_types: every router, NULL-terminated. */
extern const router_type *const router_types[];

/* router_find: the router named name, or NULL. */
const router_type *router_find(const char *name);

/* router_outstanding: requests in replica i (arrived, not finished). */
double router_outstanding(const router_ctx *c, int i);

/* router_kv_load: replica i's KV-cache blocks in use as a share of its
 * cache, for an engine that has one (the workload's kv_load); else its
 * outstanding requests. */
double router_kv_load(const router_ctx *c, int i);

/* router_argmin: the replica with the least load(c, i), ties going to the
 * first from a rotating start (so that equal replicas share the ties). */
int router_argmin(const router_ctx *c, double (*load)(const router_ctx *c, int i));

#endif
