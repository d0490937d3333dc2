/* coll_pipe.c -- the achieved-time model's shared pieces (coll.h,
 * "Achieved time"): the pipeline formula, per-channel bandwidths and the
 * per-step synchronisation. The algorithm files (coll_ring.c, coll_tree.c,
 * coll_nvls.c, coll_p2p.c) say what depth, chunks and links their pipeline
 * has. */
#include "models/coll.h"

#include <math.h>

double coll_pipe_us(double start_us, double fill, double total, double chunk_bytes, double bw_gbs,
                    double sync_us, double window, double *xfer_us)
{
    double tc = chunk_bytes / (1000.0 * bw_gbs), full = tc + sync_us;
    double over = full / window > tc ? full / window : tc;
    if (fill > total)
        fill = total;
    *xfer_us = total * tc;
    return start_us + fill * full + (total - fill) * over;
}

double coll_hops_sync_us(const coll_hops *h)
{
    return h->near * h->near_sync_us + h->far * h->far_sync_us;
}

double coll_hops_worst_us(const coll_hops *h)
{
    if (h->far <= 0)
        return h->near_sync_us;
    if (h->near <= 0)
        return h->far_sync_us;
    return h->far_sync_us > h->near_sync_us ? h->far_sync_us : h->near_sync_us;
}

/* A ring step waits for all its links at once and pays the slowest one's
 * sync, but a chain's hops follow one another: a chunk's first pass pays
 * each hop's own link, NVLink inside a node and the network's only where
 * it leaves one (coll_ring.c's broadcast and reduce). NCCL's tuning model
 * charges its Tree the same way, 2 ((nRanks / nNodes - 1) intraLat +
 * log2i(nNodes) interLat) (src/graph/tuning.cc, 2.18-2.30); coll_tree.c
 * and NVLSTree do not yet (tried: docs/collectives.md §2a, A3 Mega). The
 * steady state goes at the slowest stage's pace. */
double coll_pipe_hops_us(double start_us, const coll_hops *h, double total, double chunk_bytes,
                         double bw_gbs, double window, double *xfer_us)
{
    double worst = coll_hops_worst_us(h), fill = h->near + h->far;
    double us = coll_pipe_us(start_us, fill, total, chunk_bytes, bw_gbs, worst, window, xfer_us);
    if (fill > total)
        return us;
    return us - fill * worst + coll_hops_sync_us(h);
}

/* NCCL's baseLat of the pair (src/graph/tuning.cc, 2.18-2.30: Tree 6.8 /
 * 14 / 8.4 us, Ring 6.6 / 14 / 8.4 for LL / LL128 / Simple; reference FACTS
 * §5). NCCL holds NVLS's whole latency in its NVLink hop and gives it no
 * base: NVLS and NVLSTree take Simple's ring base [I: the same launch and
 * first handshake of a Simple kernel; the pipeline holds their steps]. */
double coll_start_us(coll_algo_id a, const coll_proto *p)
{
    return a == COLL_ALGO_NVLS || a == COLL_ALGO_NVLSTREE ? coll_simple.base_lat_us(COLL_ALGO_RING)
                                                           : p->base_lat_us(a);
}

/* NCCL_STEPS = 8 slots per connection; a Simple all-reduce, all-gather or
 * reduce-scatter step fills SLICESTEPS = 2 of them, every other step 1. */
double coll_window(coll_proto_id p, coll_op op)
{
    int two = p == COLL_SIMPLE && (op == COLL_ALLREDUCE || op == COLL_ALLGATHER || op == COLL_REDUCESCATTER);
    return two ? 4.0 : 8.0;
}

/* The share of a protocol's bytes that is data: LL sends 8 bytes of data
 * with 8 of flags, LL128 120 of every 128 (NVIDIA/nccl#281: LL at most 0.5
 * of peak, LL128 about 0.95; NCCL_LL128_LINESIZE 128 with 8 flag bytes). */
static double data_fraction(const coll_proto *p)
{
    return p->id == COLL_LL ? 0.5 : p->id == COLL_LL128 ? 120.0 / 128.0 : 1.0;
}

double coll_intra_ch_gbs(const topo *t, const coll_proto *p, int max_channels)
{
    return t->fit.link_eff * t->intra_gbs / max_channels * data_fraction(p);
}

/* Every rank of a ring or tree sends and receives at once: with GPUDirect
 * RDMA the NIC reads and writes GPU memory and both directions run at the
 * one-way rate (net_duplex 1); where the traffic bounces through host
 * memory (no GPUDirect RDMA, NCCL's socket transport) sending and receiving
 * share that host path, and each direction keeps net_duplex of it
 * (topo_fit). Send/recv (coll_p2p.c) runs one way and keeps it all. */
double coll_net_ch_gbs(const topo *t, const coll_proto *p, int max_channels)
{
    return t->fit.net_duplex * t->fit.net_eff * t->inter_gbs / max_channels * data_fraction(p);
}

double coll_sync_us(const topo *t, const coll_proto *p, topo_link l)
{
    double simple = coll_simple.hw_lat_us(COLL_ALGO_RING, l);
    double ratio = p->hw_lat_us(COLL_ALGO_RING, l) / simple;
    double s = l == TOPO_LINK_NET ? t->fit.net_step_us * t->net_lat_scale + t->net_lat_add_us
                                  : t->fit.step_us;
    return s * ratio;
}

/* NCCL halves a tree's chunk while a channel's share holds too few chunks
 * to fill the pipeline: below 8 x depth chunks down to 128 KiB, below
 * 4 x depth to 64 KiB, below depth to 32 KiB [I: the thresholds of NCCL's
 * src/enqueue.cc for Tree, NVLSTree and CollNet chunk sizes (2.18-2.2x),
 * not in calibration/data/nccl_tuning_constants.csv]. */
double coll_tree_chunk(double step, double share, double depth)
{
    double c = step;
    while (share / c < 8 * depth && c > 131072)
        c /= 2;
    while (share / c < 4 * depth && c > 65536)
        c /= 2;
    while (share / c < depth && c > 32768)
        c /= 2;
    return c;
}
