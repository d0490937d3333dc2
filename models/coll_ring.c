/* coll_ring.c -- NCCL's ring: every op but all-to-all and send/recv.
 *
 * NCCL's ranking model, src/graph/tuning.cc (reference FACTS §5; constants
 * by release in calibration/data/nccl_tuning_constants.csv):
 *   lat   = baseLat + (nSteps - nInter) intraLat + nInter interLat,
 *           nInter = 2(nNodes - 1) for all-reduce, nNodes - 1 otherwise;
 *           ring Simple all-reduce across nodes x 1.4 (x 1.9 when the
 *           lowest compute capability is below 8.0) once nBytes /
 *           (nChannels x nRanks) >= COLL_RING_PLATEAU_BYTES
 *           (ring_simple_plateau_latency_multiplier, ncclTopoGetAlgoTime,
 *           identical 2.18.1-2.30.7);
 *   busBw = nChannels x bw; LL: min(llMaxBw, 0.5 busBw) from 2.21.5
 *           (ring_LL_busbw_factor; 1/4, or 1/3 on one node for ops other
 *           than all-reduce and reduce, before); LL128: min(0.92 busBw,
 *           nChannels x perChMaxRingLL128Bw) (0.7 with one GPU per node
 *           before 2.23.4);
 *   algBw = busBw x nRanks / nSteps.
 * The plateau factor enters NCCL's ranking only (here latency(), so the
 * choice of pair); achieved() does not use it.
 *
 * Achieved time: every rank sends a chunk to its successor at every step,
 * so all links are busy and nothing is gained by filling a pipeline: a
 * channel's share is cut into nRanks pieces, each moved in chunks of at
 * most the protocol's step (coll_step_bytes); an all-reduce takes
 * 2(n - 1) steps per chunk, all-gather and reduce-scatter n - 1. A step
 * costs the chunk over the slowest link of the ring (the NIC share across
 * nodes) plus the synchronisation of that link. Broadcast and reduce are a
 * chain: with Simple a pipeline n - 1 deep of chunks of the whole share;
 * with LL and LL128 the chunks stream through the chain, each hop adding
 * its synchronisation only (chain_cut_through_us). A chain's hops follow
 * one another, so each pays its own link's sync (NVLink's inside a node,
 * the network's for the nNodes - 1 hops between nodes), where a ring step
 * of all-reduce, all-gather or reduce-scatter, all links at once, has
 * network links whenever the ring spans nodes and pays the network's. */
#include <math.h>
#include "models/coll.h"

#define COLL_RING_PLATEAU_BYTES 64.0   /* [F] tuning.cc: nBytes/(nChannels*nRanks) >= 64 */

/* A chain of hops moving l chunks of c bytes with LL or LL128: their data
 * carry their own flags (every 16-byte line of LL, every 128-byte line of
 * LL128), so a rank forwards each line as it lands instead of waiting for
 * the step, as Simple's flag per step makes it wait [I: NCCL's
 * prims_ll.h / prims_ll128.h poll per line; prims_simple.h posts per
 * step]. A hop then delays the stream by its synchronisation only: the
 * first chunk reaches the last rank after hops x sync and one chunk's
 * transfer, the others follow at the pipeline's rate. */
static double chain_cut_through_us(double start, const coll_hops *h, double l, double c, double bw,
                                   double window, double *xfer_us)
{
    double tc = c / (1000.0 * bw), full = tc + coll_hops_worst_us(h);
    double over = full / window > tc ? full / window : tc;
    *xfer_us = l * tc;
    return start + coll_hops_sync_us(h) + tc + (l - 1) * over;
}

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
    /* NCCL divides integers; for whole byte counts the comparison is the same */
    double per = bytes / ((double)n * t->channels);
    if (p->id == COLL_SIMPLE && op == COLL_ALLREDUCE && t->nodes > 1 && per >= COLL_RING_PLATEAU_BYTES)
        lat *= t->sm < 80 ? 1.9 : 1.4;
    return lat;
}

static double algbw(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)bytes;
    int n = topo_ranks(t), arch = coll_arch_of_sm(t->sm), v = t->nccl_version;
    double bus = coll_bus_gbs(t);
    if (p->id == COLL_LL) {
        double f = v >= 22105 ? 0.5
                 : (t->nodes > 1 || op == COLL_ALLREDUCE || op == COLL_REDUCE) ? 0.25 : 1.0 / 3.0;
        double cap = coll_ll_max_bw(v, arch, t->nodes);
        bus = bus * f < cap ? bus * f : cap;
    } else if (p->id == COLL_LL128) {
        double f = v < 22304 && t->ppn < 2 ? 0.7 : 0.92;
        double cap = t->channels * coll_ring_ll128_max_bw(v, arch, t->nodes);
        bus = bus * f < cap ? bus * f : cap;
    }
    return bus * n / coll_ring_steps(op, n);
}

static double achieved(const topo *t, coll_op op, const coll_proto *p, double bytes, coll_run *run)
{
    int n = topo_ranks(t), arch = coll_arch_of_sm(t->sm), v = t->nccl_version;
    int nc = coll_channels_for(t, t->channels, COLL_ALGO_RING, p->id, n, bytes);
    double bw = coll_intra_ch_gbs(t, p, t->channels);
    topo_link link = t->intra;
    if (t->nodes > 1) {
        double net = coll_net_ch_gbs(t, p, t->channels);
        bw = net < bw ? net : bw;
        link = TOPO_LINK_NET;
    }
    /* NCCL's per-channel caps: LL's total, LL128's per channel. */
    if (p->id == COLL_LL) {
        double cap = coll_ll_max_bw(v, arch, t->nodes) / nc;
        bw = cap < bw ? cap : bw;
    } else if (p->id == COLL_LL128) {
        double cap = coll_ring_ll128_max_bw(v, arch, t->nodes);
        bw = cap < bw ? cap : bw;
    }
    double share = bytes / nc, step = coll_step_bytes(p->id, op), sync = coll_sync_us(t, p, link);
    double start = coll_start_us(COLL_ALGO_RING, p);
    run->channels = nc;
    if (op == COLL_BROADCAST || op == COLL_REDUCE) {
        /* a chain: its n - 1 hops one after another, nNodes - 1 of them through the network */
        coll_hops h = { n - t->nodes, t->nodes - 1, coll_sync_us(t, p, t->intra), sync };
        double l = ceil(share / step);
        if (p->id != COLL_SIMPLE)
            return chain_cut_through_us(start, &h, l, share / l, bw, coll_window(p->id, op), &run->xfer_us);
        return coll_pipe_hops_us(start, &h, n - 1 + l - 1, share / l, bw, coll_window(p->id, op),
                                 &run->xfer_us);
    }
    double piece = share / n, l = ceil(piece / step), chunk = piece / l;
    double steps = coll_ring_steps(op, n);
    return coll_pipe_us(start, steps, steps * l, chunk, bw, sync, coll_window(p->id, op),
                        &run->xfer_us);
}

const coll_algo coll_ring = { "Ring", COLL_ALGO_RING, supports, latency, algbw, achieved };
