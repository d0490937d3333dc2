/* coll_ring.c -- NCCL's ring: every op but all-to-all and send/recv.
 *
 * NCCL src/graph/tuning.cc (reference FACTS §5):
 *   lat   = baseLat + (nSteps - nInter) intraLat + nInter interLat,
 *           nInter = 2(nNodes - 1) for all-reduce, nNodes - 1 otherwise;
 *           ring Simple all-reduce across nodes x 1.4 once the per-channel
 *           chunk is large;
 *   algBw = busBw x protocol efficiency x nRanks / nSteps.
 * "Large" is a chunk of at least COLL_RING_BIG_CHUNK bytes per channel and
 * step [I: NCCL's Simple step buffer, 4 MiB / 8 steps]. */
#include "models/coll.h"

#define COLL_RING_BIG_CHUNK (512.0 * 1024.0)

static int supports(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)t, (void)p, (void)bytes;
    return op != COLL_ALLTOALL && op != COLL_SENDRECV;
}

static int inter_steps(const topo *t, coll_op op)
{
    if (t->nodes == 1)
        return 0;
    return op == COLL_ALLREDUCE ? 2 * (t->nodes - 1) : t->nodes - 1;
}

static double latency(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    int n = topo_ranks(t), steps = coll_ring_steps(op, n), inter = inter_steps(t, op);
    double lat = p->base_lat_us(COLL_ALGO_RING)
               + (steps - inter) * coll_intra_lat_us(t, p, COLL_ALGO_RING)
               + inter * coll_inter_lat_us(t, p, COLL_ALGO_RING);
    double chunk = bytes / ((double)n * t->channels);
    if (p->id == COLL_SIMPLE && op == COLL_ALLREDUCE && t->nodes > 1 && chunk >= COLL_RING_BIG_CHUNK)
        lat *= 1.4;
    return lat;
}

static double algbw(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)bytes;
    int n = topo_ranks(t);
    return coll_bus_gbs(t) * p->efficiency(COLL_ALGO_RING) * n / coll_ring_steps(op, n);
}

const coll_algo coll_ring = { "Ring", COLL_ALGO_RING, supports, latency, algbw };
