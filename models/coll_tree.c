/* coll_tree.c -- NCCL's double binary tree, for all-reduce only.
 *
 * NCCL's ranking model, src/graph/tuning.cc (reference FACTS §5; constants
 * by release in calibration/data/nccl_tuning_constants.csv):
 *   lat   = baseLat + 2 ((ppn - 1) intraLat + log2(nNodes) interLat)
 *   busBw = nChannels x bw; Simple: min(0.92 busBw, nChannels x
 *           perChMaxTreeBw); LL: min(busBw / 3.8, llMaxBw); LL128:
 *           min(busBw x (7/9 on one node, else 120/128), nChannels x
 *           perChMaxTreeLL128Bw); then x treeCorrectionFactor by size;
 *   algBw = 0.5 busBw.
 * The log2 in the latency is why a tree wins small messages on many nodes.
 *
 * Achieved time: a pipeline. Each channel's share goes up a chain through
 * the node's GPUs and a binary tree over the nodes and comes back down
 * (inside the node at half the channel's link share: a GPU of the chain
 * sends each chunk up and again down):
 * depth 2 ((ppn - 1) + ceil(log2 nNodes)); chunks of at most the
 * protocol's step. Per chunk, a node's NICs carry on average 2 (nNodes -
 * 1) / nNodes chunks (a double binary tree: each node is inner in one tree
 * and a leaf in the other; 1 for two nodes, 4/3 for three, as SimAI's
 * calcTreeBusBw multiplies the NIC bandwidth by 2 and 4/3) [I: the mean
 * load]. The per-channel bandwidth takes NCCL's caps. NCCL's
 * treeCorrectionFactor stays in the ranking only: it stands for the slow
 * filling of the tree at mid sizes, which the pipeline's depth already
 * gives the achieved time (both would count it twice). */
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
    (void)op;
    int arch = coll_arch_of_sm(t->sm), v = t->nccl_version;
    double bus = coll_bus_gbs(t), cap;
    switch (p->id) {
    case COLL_LL:
        cap = coll_ll_max_bw(v, arch, t->nodes);
        bus = bus / 3.8 < cap ? bus / 3.8 : cap;
        break;
    case COLL_LL128:
        cap = t->channels * coll_tree_ll128_max_bw(v, arch, t->nodes);
        bus *= t->nodes == 1 ? 7.0 / 9.0 : 120.0 / 128.0;
        bus = bus < cap ? bus : cap;
        break;
    default:
        cap = t->channels * coll_tree_max_bw(v, arch, t->nodes);
        bus = 0.92 * bus < cap ? 0.92 * bus : cap;
    }
    return 0.5 * bus * coll_tree_correction(v, p->id, bytes);
}

static double achieved(const topo *t, coll_op op, const coll_proto *p, double bytes, coll_run *run)
{
    int n = topo_ranks(t), arch = coll_arch_of_sm(t->sm), v = t->nccl_version;
    int nc = coll_channels_for(t, t->channels, COLL_ALGO_TREE, p->id, n, bytes);
    /* inside a node the tree is a chain, and a GPU of it sends every chunk
     * twice, up (the reduction) and down (the broadcast), over its one
     * NVLink or PCIe share: half the channel's bandwidth each (the 0.5 of
     * NCCL's algBw above) */
    double bw = t->ppn > 1 ? 0.5 * coll_intra_ch_gbs(t, p, t->channels) : INFINITY;
    topo_link l = t->intra;
    if (t->nodes > 1) {
        double load = 2.0 * (t->nodes - 1) / t->nodes;
        double net = coll_net_ch_gbs(t, p, t->channels) / load;
        bw = net < bw ? net : bw;
        l = TOPO_LINK_NET;
    }
    double cap = p->id == COLL_LL ? coll_ll_max_bw(v, arch, t->nodes) / nc
               : p->id == COLL_LL128 ? coll_tree_ll128_max_bw(v, arch, t->nodes)
               : coll_tree_max_bw(v, arch, t->nodes);
    bw = cap < bw ? cap : bw;
    double share = bytes / nc, step = coll_step_bytes(p->id, op);
    double depth = 2.0 * ((t->ppn - 1) + ceil(log2((double)t->nodes)));
    double chunks = ceil(share / coll_tree_chunk(step, share, depth));
    run->channels = nc;
    return coll_pipe_us(coll_start_us(COLL_ALGO_TREE, p), depth, depth + chunks - 1, share / chunks, bw,
                        coll_sync_us(t, p, l), coll_window(p->id, op), &run->xfer_us);
}

const coll_algo coll_tree = { "Tree", COLL_ALGO_TREE, supports, latency, algbw, achieved };
