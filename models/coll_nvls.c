/* coll_nvls.c -- NVLink SHARP (Hopper NVSwitch): the switch reduces, so each
 * GPU sends its buffer once and receives the result once.
 *
 * Reference FACTS §5: Simple only, latency about 25 us on NVLink, bandwidth
 * efficiency 0.85 on Hopper, all-reduce busBw can exceed the per-GPU NVLink
 * ring bound. We take algBw = 0.85 x the node's NVLink bus bandwidth (one
 * send and one receive per byte) [I: the ratio]; NVLS inside one node only
 * (multi-node NVLS-Tree is not modelled). */
#include "models/coll.h"

#define COLL_NVLS_EFFICIENCY 0.85

static int supports(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)bytes;
    return op == COLL_ALLREDUCE && t->nvls && t->nodes == 1 && p->id == COLL_SIMPLE;
}

static double latency(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)op, (void)bytes;
    return p->base_lat_us(COLL_ALGO_NVLS) + p->hw_lat_us(COLL_ALGO_NVLS, t->intra);
}

static double algbw(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)op, (void)bytes;
    return COLL_NVLS_EFFICIENCY * t->intra_gbs * p->efficiency(COLL_ALGO_NVLS);
}

const coll_algo coll_nvls = { "NVLS", COLL_ALGO_NVLS, supports, latency, algbw };
