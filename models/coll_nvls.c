/* coll_nvls.c -- NVLink SHARP (NVSwitch on Hopper and Blackwell): the switch
 * reduces and multicasts, all-reduce inside one node.
 *
 * NCCL's ranking model (src/graph/tuning.cc; calibration/data/
 * nccl_tuning_constants.csv): Simple only; latency NVLink hwLat 25 us from
 * 2.21.5 (23 before); algBw = 5/6 of the NVLS bus bandwidth in
 * 2.18.3-2.27.7, from 2.28.3 bwIntra x nvlsEfficiency (0.85 Hopper, 0.74
 * Blackwell) (coll_nvls_efficiency). We take the node's NVLink bus
 * bandwidth for bwIntra.
 *
 * Achieved time, from the NVLS path itself: each GPU owns 1/ppn of the
 * buffer; it reduces its part through the switch (multimem.ld_reduce: the
 * switch reads that part from every GPU) and stores the result to every
 * GPU (multimem.st). Over the whole operation each GPU's NVLink carries, in
 * each direction, its whole buffer once for the others' reductions and
 * stores, plus its own part once: (ppn + 1) / ppn of the buffer. So a step
 * on a chunk c of the GPU's part moves (ppn + 1) c per direction, at the
 * per-channel share of nvlsEfficiency x the achieved NVLink bandwidth over
 * NVLS_NCHANNELS_SM90 = 16 channels. A chunk passes two dependent steps
 * (reduce, then multicast); reduce and store of successive chunks overlap,
 * so in the steady state a chunk costs (ppn + 1) c per direction, with up
 * to NCCL_STEPS / SLICESTEPS chunks in flight to hide the sync; the first
 * chunk passes two stages of ppn c, each waiting for its sync: time = start
 * + 2 (ppn c / B + sync) + (L - 1) max((ppn + 1) c / B, ((ppn + 1) c / B +
 * sync) / window).
 *
 * The chunk: NCCL_NVLS_CHUNKSIZE = 128 KiB (2.21 on) at most, and NCCL
 * shrinks it for buffers that would give each of the nChannels x nHeads
 * concurrent operations (nHeads = ppn on one node) too few chunks: 64 KiB
 * below 64 x ops x 128 KiB, 32 KiB below 8 x ops x 64 KiB, 16 KiB below
 * 2 x ops x 32 KiB (src/enqueue.cc, NVLS chunking, 2.19-2.2x) [I: not in
 * calibration/data/nccl_tuning_constants.csv; read from NCCL's source]. On
 * 8 H100 that is 16 KiB below 8 MiB, 32 KiB below 64 MiB and 64 KiB below
 * 1 GiB: the first chunk's two stages, which the pipeline cannot hide,
 * stay small at mid sizes, so the bandwidth fills faster than with 128 KiB
 * chunks throughout.
 *
 * NVLSTree (all-reduce across nodes, 2.19 on): NVLS inside each node, then
 * for each part a tree over the nodes among the GPUs that own it, each GPU
 * on its share of the node's NICs. NCCL's model: latency NVLink hwLat 25 us
 * (23 before 2.21.5) + 2 log2(nNodes) x NET hwLat (14 us, 20.9 from
 * 2.28.9); bandwidth the lesser of the NVLS one and the NICs', capped by
 * nChannels x perChMaxNVLSTreeBws (2.28 on) [I: the tree's mean NIC load
 * 2 (nNodes - 1) / nNodes as in coll_tree.c]. Achieved: the NVLS pipeline
 * with each chunk's part also crossing the tree: the step costs the slower
 * of the two, depth 2 + 2 ceil(log2 nNodes), the fill's two NVLS stages
 * paying NVLink's sync and its tree hops the network's (nccl#1244's 2 x 8
 * H20 at 4-512 B: 46-48 us measured, 59 us so, 97 us with every fill step
 * at the network's). */
#include <math.h>
#include "models/coll.h"

#define COLL_NVLS_CHANNELS 16
#define COLL_NVLS_CHUNK (128.0 * 1024.0)

/* NCCL's NVLS chunk for bytes over ops = nChannels x nHeads concurrent
 * operations (see above). */
static double nvls_chunk(double bytes, double ops)
{
    double c = COLL_NVLS_CHUNK;
    if (bytes < 64 * ops * c && c > 65536)
        c = 65536;
    if (bytes < 8 * ops * c && c > 32768)
        c = 32768;
    if (bytes < 2 * ops * c && c > 16384)
        c = 16384;
    return c;
}

static int supports(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)bytes;
    return op == COLL_ALLREDUCE && t->nvls && t->nodes == 1 && p->id == COLL_SIMPLE &&
           coll_nvls_efficiency(t->nccl_version, coll_arch_of_sm(t->sm)) > 0;
}

static double latency(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)op, (void)bytes;
    double hw = t->nccl_version >= 22105 ? p->hw_lat_us(COLL_ALGO_NVLS, t->intra) : 23.0;
    return p->base_lat_us(COLL_ALGO_NVLS) + hw;
}

static double algbw(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)op, (void)bytes;
    return coll_nvls_efficiency(t->nccl_version, coll_arch_of_sm(t->sm)) * t->intra_gbs *
           p->efficiency(COLL_ALGO_NVLS);
}

static double achieved(const topo *t, coll_op op, const coll_proto *p, double bytes, coll_run *run)
{
    int nc = coll_channels_for(t, COLL_NVLS_CHANNELS, COLL_ALGO_NVLS, p->id, topo_ranks(t), bytes);
    double eff = coll_nvls_efficiency(t->nccl_version, coll_arch_of_sm(t->sm));
    double bw = eff * coll_intra_ch_gbs(t, p, COLL_NVLS_CHANNELS);
    double P = t->ppn, part = bytes / (P * nc);
    double l = ceil(part / nvls_chunk(bytes, nc * P)), chunk = part / l;
    double stage = P * chunk / (1000.0 * bw), per = (P + 1) * chunk / (1000.0 * bw);
    double sync = coll_sync_us(t, p, t->intra), over = fmax(per, (per + sync) / coll_window(p->id, op));
    run->channels = nc;
    run->xfer_us = (l * (P + 1) + P - 1) * chunk / (1000.0 * bw);
    return coll_start_us(COLL_ALGO_NVLS, p) + 2 * (stage + sync) + (l - 1) * over;
}

const coll_algo coll_nvls = { "NVLS", COLL_ALGO_NVLS, supports, latency, algbw, achieved };

static int tree_supports(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    (void)bytes;
    return op == COLL_ALLREDUCE && t->nvls && t->nodes > 1 && t->ppn > 1 && p->id == COLL_SIMPLE &&
           coll_nvls_efficiency(t->nccl_version, coll_arch_of_sm(t->sm)) > 0 && t->nccl_version >= 21901;
}

static double tree_latency(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    double net = t->nccl_version >= 22809 ? 20.9 : 14.0;
    return latency(t, op, p, bytes) + 2.0 * log2((double)t->nodes) * (net * t->net_lat_scale + t->net_lat_add_us);
}

/* perChMaxNVLSTreeBws (2.28.3 on), GB/s per channel: Hopper 57.7 on two
 * nodes, 45.5 on more; Blackwell 96.0, and 43.1 / 43.8 / 80.0 on more by
 * release. */
static double nvlstree_cap(const topo *t)
{
    int v = t->nccl_version, two = t->nodes == 2;
    if (v < 22803)
        return INFINITY;
    if (coll_arch_of_sm(t->sm) == COLL_ARCH_HOPPER)
        return two ? 57.7 : 45.5;
    return two ? 96.0 : v >= 23003 ? 80.0 : v >= 22809 ? 43.8 : 43.1;
}

static double tree_load(const topo *t)
{
    return 2.0 * (t->nodes - 1) / t->nodes;
}

static double tree_algbw(const topo *t, coll_op op, const coll_proto *p, double bytes)
{
    double nv = algbw(t, op, p, bytes), net = t->inter_gbs / tree_load(t);
    double bw = nv < net ? nv : net, cap = COLL_NVLS_CHANNELS * nvlstree_cap(t);
    return bw < cap ? bw : cap;
}

static double tree_achieved(const topo *t, coll_op op, const coll_proto *p, double bytes, coll_run *run)
{
    int nc = coll_channels_for(t, COLL_NVLS_CHANNELS, COLL_ALGO_NVLS, p->id, topo_ranks(t), bytes);
    double eff = coll_nvls_efficiency(t->nccl_version, coll_arch_of_sm(t->sm));
    double bw = eff * coll_intra_ch_gbs(t, p, COLL_NVLS_CHANNELS), P = t->ppn;
    double depth = 2.0 + 2.0 * ceil(log2((double)t->nodes));
    double part = bytes / (P * nc), chunks = ceil(part / coll_tree_chunk(COLL_NVLS_CHUNK, part, depth));
    double chunk = part / chunks;
    /* a GPU's part crosses its share of the NICs: per channel inter_gbs / ppn / channels */
    double net = coll_net_ch_gbs(t, p, COLL_NVLS_CHANNELS) / P / tree_load(t);
    double cap = nvlstree_cap(t);
    net = net < cap ? net : cap;
    double step = (P + 1) * chunk / bw, cross = chunk / net;
    double per = step > cross ? step : cross;
    run->channels = nc;
    /* the fill's two NVLS stages sync over NVLink, its tree hops over the
     * network (NCCL's own latency model charges them so: one NVLS hop and
     * 2 log2(nNodes) network ones); per is the slower of the two paths per
     * chunk: as a bandwidth, chunk / per */
    coll_hops h = { 2.0, depth - 2.0, coll_sync_us(t, p, t->intra), coll_sync_us(t, p, TOPO_LINK_NET) };
    return coll_pipe_hops_us(coll_start_us(COLL_ALGO_NVLSTREE, p), &h, depth + chunks - 1, chunk, chunk / per,
                             coll_window(p->id, op), &run->xfer_us);
}

const coll_algo coll_nvlstree = { "NVLSTree", COLL_ALGO_NVLSTREE, tree_supports, tree_latency, tree_algbw,
                                  tree_achieved };
