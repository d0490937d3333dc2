/* coll_p2p.c -- all-to-all and send/recv as NCCL runs point-to-point
 * transfers (reference FACTS §5: all-to-all is grouped send/recv).
 *
 * Protocol: LL when a peer's share is at most COLL_P2P_LL_MAX bytes, Simple
 * above [F: NCCL_P2P_LL_THRESHOLD, default 16384, src/enqueue.cc]; NCCL's
 * ranking latencies are the ring's.
 *
 * Achieved time of a transfer to one peer (p2p_plan), from NCCL 2.18-2.2x:
 *  - step (p2pChunkSize, src/init.cc): NCCL_P2P_NVL_CHUNKSIZE 512 KiB when
 *    every GPU of a single-node communicator is on NVLink,
 *    NCCL_P2P_PCI_CHUNKSIZE 128 KiB on PCIe, NCCL_P2P_NET_CHUNKSIZE 128 KiB
 *    as soon as the communicator spans nodes [F: the defaults].
 *  - channels per peer (ncclTopoComputeP2pChannels, src/graph/paths.cc):
 *    2 x the NVLink links between the two GPUs, 2 over PCIe,
 *    NCCL_NCHANNELS_PER_NET_PEER (2) to a peer across the network; the
 *    communicator keeps the smallest over all its peers, rounded up to a
 *    power of two (p2pnChannelsPerPeer: 32 on an NVSwitch node, 2 once it
 *    spans nodes, for every peer), at most p2pnChannels = MAXCHANNELS 32.
 *  - per operation (src/enqueue.cc): nChannelsMin halves while
 *    nChannelsMin x nRanks > 4 x p2pnChannels, nChannelsMax while
 *    > 16 x p2pnChannels; calcP2pChunkSize cuts the buffer into parts of
 *    max(minSize, bytes / nChannelsMin), doubling the channels up to
 *    nChannelsMax while a part exceeds maxSize (one node: minSize step/8,
 *    maxSize 32 step; across nodes step/2 and step). Each part runs on its
 *    own channel.
 *  - a channel moves its part in chunks of one step, NCCL_STEPS (8) of them
 *    in flight (Simple p2p: SLICESTEPS 1; coll_window), so the per-step
 *    synchronisation shows only on the first chunk:
 *        time = p2p_start + coll_pipe(fill 1, chunks, step, B_ch, sync, 8)
 *    B_ch = the link's achieved p2p share over the parts running: inside a
 *    node p2p_eff x NCCL's NVLink (or PCIe) bandwidth, across nodes net_eff
 *    x one NIC (send/recv crosses on the NIC next to the GPU).
 *  - send/recv (nccl-tests: each rank sends to the next, receives from the
 *    previous): one transfer; across nodes the slower of the GPU pair that
 *    crosses and the pairs inside a node (which run, too, on 2 channels
 *    per peer and 128 KiB steps).
 *  - all-to-all: each rank sends bytes/n to each of its n - 1 peers, the
 *    ppn - 1 inside the node over NVLink/PCIe at p2p_eff, the others over
 *    the node's NICs shared by its ppn GPUs at net_eff; NCCL schedules the
 *    peers in rounds, COLL_P2P_PEERS at a time [I], each round paying one
 *    synchronisation over its link (NVLink/PCIe for the node's peers, the
 *    network for the others):
 *        time = p2p_start + rounds x sync + max(intra, inter) bytes / bw
 *    which is the send/recv pipeline summed over rounds: a peer's part
 *    pays one sync, its other steps hide behind the data, and the data of
 *    all peers shares the GPU's link (or the node's NICs).
 *
 * p2p_eff is its own fitted share (topo.fit), not the rings' link_eff: on
 * Vidur's A100 machine a 2-GPU transfer reaches 230-258 GB/s where its
 * rings reach 177 GB/s, and on the A100 of li-plus/playground 8 GPUs that
 * each send and receive at once plateau at 197 GB/s where an A100 ring
 * reaches about 230 (docs/collectives.md §2a says what may bound it). */
#include <math.h>
#include "models/coll.h"

#define COLL_P2P_LL_MAX (16.0 * 1024.0)
#define COLL_P2P_PEERS 8
#define P2P_MAXCHANNELS 32              /* [F] MAXCHANNELS, src/include/device.h */
#define P2P_NVL_CHUNK (512.0 * 1024.0)  /* [F] NCCL_P2P_NVL_CHUNKSIZE default */
#define P2P_NET_CHUNK (128.0 * 1024.0)  /* [F] NCCL_P2P_NET_CHUNKSIZE = NCCL_P2P_PCI_CHUNKSIZE default */
#define P2P_NET_PEER_CHANNELS 2         /* [F] NCCL_NCHANNELS_PER_NET_PEER default */

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

static int pow2_up(int x)
{
    int p = 1;
    while (p < x)
        p *= 2;
    return p;
}

static int pow2_down(int x)
{
    int p = 1;
    while (2 * p <= x)
        p *= 2;
    return p;
}

/* How NCCL cuts one peer's transfer: the step (p2pChunkSize), the part
 * each channel carries and the channels carrying parts. */
typedef struct { double step, part; int parts; } p2p_plan;

static p2p_plan plan(const topo *t, double bytes)
{
    p2p_plan pl;
    int multi = t->nodes > 1, nvl = t->intra == TOPO_LINK_NVLINK;
    pl.step = !multi && nvl ? P2P_NVL_CHUNK : P2P_NET_CHUNK;
    /* channels per peer: 2 x links on NVLink, 2 on PCIe, 2 per net peer;
     * p2pnChannels: the collective channels (capped by NCCL_MAX_NCHANNELS,
     * our t->channels) made a power of two, at least the per-peer count */
    int ch = multi ? P2P_NET_PEER_CHANNELS : 2 * (nvl ? t->channels : 1);
    int total = pow2_down(2 * t->channels < P2P_MAXCHANNELS ? 2 * t->channels : P2P_MAXCHANNELS);
    int per_peer = pow2_up(ch < P2P_MAXCHANNELS ? ch : P2P_MAXCHANNELS);
    if (total < per_peer)
        total = per_peer;
    int n = topo_ranks(t), cmin = per_peer, cmax = per_peer;
    while (cmin * n > total * 4 && cmin > 1)
        cmin /= 2;
    while (cmax * n > total * 16 && cmax > 1)
        cmax /= 2;
    /* calcP2pChunkSize */
    double lo = multi ? pl.step / 2 : pl.step / 8, hi = multi ? pl.step : 32 * pl.step;
    double size = fmax(lo, ceil(bytes / cmin));
    int nc = cmin;
    while (size > hi && nc <= cmax / 2) {
        nc *= 2;
        size = ceil(bytes / nc);
    }
    pl.part = ceil(size / lo) * lo;
    pl.parts = (int)ceil(bytes / pl.part);
    if (pl.parts < 1)
        pl.parts = 1;
    return pl;
}

/* One peer's transfer of bytes at link bandwidth bw (GB/s, all parts
 * together) with a per-step sync; *xfer the data's part. */
static double transfer_us(const p2p_plan *pl, double bytes, double bw, double sync, double window, double *xfer)
{
    /* the link serves the parts in flight fairly: a channel left with a
     * short last part hands its share to the others, so the data takes
     * bytes / bw; each channel's pipeline is that of the mean part */
    double part = bytes / pl->parts;
    double chunks = ceil(part / pl->step);
    return coll_pipe_us(0, 1, chunks, part / chunks, bw / pl->parts, sync, window, xfer);
}

static double sendrecv_us(const topo *t, const coll_proto *p, double bytes, coll_run *run)
{
    p2p_plan pl = plan(t, bytes);
    double window = coll_window(p->id, COLL_SENDRECV), frac = p->id == COLL_LL ? 0.5 : 1.0;
    double xi = 0, xn = 0, us;
    double intra = t->fit.p2p_eff * t->intra_gbs * frac;
    run->channels = pl.parts;
    if (t->nodes == 1) {
        us = transfer_us(&pl, bytes, intra, coll_sync_us(t, p, t->intra), window, &xi);
        run->xfer_us = xi;
        return t->fit.p2p_start_us + us;
    }
    double nic = t->fit.net_eff * t->nic_gbs * frac;
    us = transfer_us(&pl, bytes, nic, coll_sync_us(t, p, TOPO_LINK_NET), window, &xn);
    run->xfer_us = xn;
    if (t->ppn > 1) {
        double ui = transfer_us(&pl, bytes, intra, coll_sync_us(t, p, t->intra), window, &xi);
        if (ui > us) {
            us = ui;
            run->xfer_us = xi;
        }
    }
    return t->fit.p2p_start_us + us;
}

static double achieved(const topo *t, coll_op op, const coll_proto *p, double bytes, coll_run *run)
{
    if (op == COLL_SENDRECV)
        return sendrecv_us(t, p, bytes, run);
    int n = topo_ranks(t);
    p2p_plan pl = plan(t, bytes / n);
    run->channels = pl.parts;
    double intra = t->ppn > 1 ? bytes * (t->ppn - 1) / n / (1000.0 * t->fit.p2p_eff * t->intra_gbs) : 0;
    double inter = n > t->ppn ? bytes * (n - t->ppn) / n /
                                (1000.0 * t->fit.net_eff * t->inter_gbs / t->ppn) : 0;
    /* a round of peers inside the node syncs over NVLink/PCIe, one across
     * nodes over the network */
    double syncs = rounds(t->ppn - 1) * coll_sync_us(t, p, t->intra) +
                   rounds(n - t->ppn) * coll_sync_us(t, p, TOPO_LINK_NET);
    run->xfer_us = (intra > inter ? intra : inter) / p->efficiency(COLL_ALGO_P2P);
    return t->fit.p2p_start_us + syncs + run->xfer_us;
}

const coll_algo coll_p2p = { "P2P", COLL_ALGO_P2P, supports, latency, algbw, achieved };
