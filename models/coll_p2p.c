/* coll_p2p.c -- all-to-all and send/recv as grouped point-to-point
 * transfers (reference FACTS §5: all-to-all is grouped send/recv).
 *
 * Protocol: LL when a peer's share is at most COLL_P2P_LL_MAX bytes, Simple
 * above [I: NCCL's default NCCL_P2P_LL_THRESHOLD, 16 KiB]; latencies are
 * the ring's.
 *  - all-to-all: each rank sends bytes/n to each of its n - 1 peers; the
 *    ppn - 1 peers in the node over NVLink/PCIe, the others over the node's
 *    NICs, shared by its ppn GPUs. Peers are served COLL_P2P_PEERS at a time
 *    [I], each round paying one hop of latency:
 *      lat = baseLat + ceil((ppn-1)/k) intraLat + ceil((n-ppn)/k) interLat
 *      time_bw = max(intra bytes / intraBw, inter bytes / (interBw / ppn)) / eff
 *  - send/recv (nccl-tests: each rank sends to the next): one hop; across
 *    nodes the bottleneck is the one GPU per node that crosses, on one NIC.
 *
 * Achieved time: send/recv is a one-deep pipeline over every channel in
 * chunks of at most a Simple step (NCCL_P2P_NVL_CHUNKSIZE and the net
 * chunk are 512 KiB [I: as the Simple step]), at the achieved per-channel
 * share of the link (one NIC across nodes); all-to-all is NCCL's grouped
 * send/recv: rounds of COLL_P2P_PEERS peers, each round a synchronisation,
 * the data over the slower of NVLink and the NICs' per-GPU share at their
 * achieved bandwidth. */
#include <math.h>
#include "models/coll.h"

#define COLL_P2P_LL_MAX (16.0 * 1024.0)
#define COLL_P2P_PEERS 8

static double peer_bytes(const topo *t, coll_op op, double bytes)
{
    return op == COLL_ALLTOALL ? bytes / topo_ranks(t) : bytes;
}

static int supports(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    if (op != COLL_ALLTOALL && op != COLL_SENDRECV)
        return 0;
    int ll = peer_bytes(t, op, bytes) <= COLL_P2P_LL_MAX;
    return ll ? p->id == COLL_LL : p->id == COLL_SIMPLE;
}

static double rounds(int peers)
{
    return ceil((double)peers / COLL_P2P_PEERS);
}

static double latency(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)bytes;
    double base = p->base_lat_us(COLL_ALGO_P2P);
    double intra = coll_intra_lat_us(t, p, COLL_ALGO_P2P), inter = coll_inter_lat_us(t, p, COLL_ALGO_P2P);
    if (op == COLL_SENDRECV)
        return base + (t->nodes > 1 ? inter : intra);
    int n = topo_ranks(t);
    return base + rounds(t->ppn - 1) * intra + rounds(n - t->ppn) * inter;
}

/* Seconds per byte of the whole buffer, over the slower of the two paths. */
static double alltoall_cost(const topo *t)
{
    int n = topo_ranks(t);
    double intra = t->ppn > 1 ? (double)(t->ppn - 1) / n / t->intra_gbs : 0;
    double inter = n > t->ppn ? (double)(n - t->ppn) / n / (t->inter_gbs / t->ppn) : 0;
    return intra > inter ? intra : inter;
}

static double algbw(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)bytes;
    double eff = p->efficiency(COLL_ALGO_P2P);
    if (op == COLL_ALLTOALL)
        return eff / alltoall_cost(t);
    if (t->nodes == 1)
        return eff * t->intra_gbs;
    double nic = t->inter_gbs / t->nics;
    double bw = t->ppn > 1 && t->intra_gbs < nic ? t->intra_gbs : nic;
    return eff * bw;
}

static double achieved(const topo *t, coll_op op, const coll_proto *p, double bytes, coll_run *run)
{
    int nc = t->channels;
    topo_link l = t->nodes > 1 ? TOPO_LINK_NET : t->intra;
    double sync = coll_sync_us(t, p, l);
    run->channels = nc;
    if (op == COLL_ALLTOALL) {
        int n = topo_ranks(t);
        double intra = t->ppn > 1 ? bytes * (t->ppn - 1) / n / (1000.0 * t->fit.link_eff * t->intra_gbs) : 0;
        double inter = n > t->ppn ? bytes * (n - t->ppn) / n /
                                    (1000.0 * t->fit.net_eff * t->inter_gbs / t->ppn) : 0;
        double rounds = ceil((t->ppn - 1) / (double)COLL_P2P_PEERS) + ceil((n - t->ppn) / (double)COLL_P2P_PEERS);
        run->xfer_us = (intra > inter ? intra : inter) / p->efficiency(COLL_ALGO_P2P);
        return t->fit.p2p_start_us + rounds * sync + run->xfer_us;
    }
    double bw = coll_intra_ch_gbs(t, p, nc);
    if (t->nodes > 1) {
        double nic = t->fit.net_eff * t->nic_gbs / nc;
        bw = t->ppn > 1 && bw < nic ? bw : nic;
    }
    double share = bytes / nc, step = coll_step_bytes(COLL_SIMPLE, COLL_SENDRECV);
    double chunks = ceil(share / step);
    return coll_pipe_us(t->fit.p2p_start_us, 1, chunks, share / chunks, bw, sync, coll_window(p->id, op), &run->xfer_us);
}

const coll_algo coll_p2p = { "P2P", COLL_ALGO_P2P, supports, latency, algbw, achieved };
