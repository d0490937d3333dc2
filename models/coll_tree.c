/* coll_tree.c -- NCCL's double binary tree, for all-reduce only.
 *
 * NCCL src/graph/tuning.cc (reference FACTS §5):
 *   lat   = baseLat + 2 ((ppn - 1) intraLat + log2(nNodes) interLat)
 *   algBw = 0.5 x min(busBw, 0.92 busBw) x protocol efficiency
 * The log2 in the latency is why a tree wins small messages on many nodes. */
#include <math.h>
#include "models/coll.h"

static int supports(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)t, (void)p, (void)bytes;
    return op == COLL_ALLREDUCE;
}

static double latency(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)op, (void)bytes;
    return p->base_lat_us(COLL_ALGO_TREE)
         + 2.0 * ((t->ppn - 1) * coll_intra_lat_us(t, p, COLL_ALGO_TREE)
                  + log2((double)t->nodes) * coll_inter_lat_us(t, p, COLL_ALGO_TREE));
}

static double algbw(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)op, (void)bytes;
    return 0.5 * 0.92 * coll_bus_gbs(t) * p->efficiency(COLL_ALGO_TREE);
}

const coll_algo coll_tree = { "Tree", COLL_ALGO_TREE, supports, latency, algbw };
