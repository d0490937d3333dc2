/* coll_tune.c -- NCCL's own tuning constants, by release and GPU
 * architecture (coll.h, "NCCL's constants").
 *
 * Every number is copied from NVIDIA/nccl src/graph/tuning.cc and
 * the headers of src/include/ at the release tags given, as recorded row by row (with
 * the versions in which each value holds) in
 * calibration/data/nccl_tuning_constants.csv; the comment above each table
 * names its constant there. Columns of the per-node tables are NCCL's: one
 * node, two nodes, three or more. Rows are NCCL's compute-capability index:
 * Volta (sm70), Ampere (sm80, sm86, sm89), Hopper (sm90), Blackwell (sm100).
 * Nothing here keeps state. */
#include "models/coll.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One component of "2.x.y": digits only (strtol, base 10), ended by `end`. */
static int version_part(const char **p, char end, long *out)
{
    char *e;
    if (!isdigit((unsigned char)**p))
        return -1;
    errno = 0;
    *out = strtol(*p, &e, 10);
    if (errno || *e != end || *out > 99)
        return -1;
    *p = e + (end != '\0');
    return 0;
}

int coll_nccl_version_parse(const char *text)
{
    long a, b, c;
    const char *p = text;
    if (!p || version_part(&p, '.', &a) < 0 || version_part(&p, '.', &b) < 0 || version_part(&p, '\0', &c) < 0 ||
        a != 2)
        return -1;
    int v = (int)(a * 10000 + b * 100 + c);
    return v >= COLL_NCCL_OLDEST && v <= COLL_NCCL_NEWEST ? v : -1;
}

int coll_arch_of_sm(int sm)
{
    return sm >= 100 ? COLL_ARCH_BLACKWELL : sm >= 90 ? COLL_ARCH_HOPPER : sm >= 80 ? COLL_ARCH_AMPERE
                                                                                   : COLL_ARCH_VOLTA;
}

static int col_of(int nodes)
{
    return nodes <= 1 ? 0 : nodes == 2 ? 1 : 2;
}

/* llMaxBws (GB/s): Ring/LL and Tree/LL bus bandwidth is at most this.
 * Hopper rose from {87.7, 22.5, 19.0} to {141.0, 45.0, 35.0} in 2.21.5;
 * Blackwell's row appears in 2.25.1. */
double coll_ll_max_bw(int version, int arch, int nodes)
{
    static const double VOLTA[3] = { 39.0, 39.0, 20.4 }, AMPERE[3] = { 87.7, 22.5, 19.0 };
    static const double HOPPER_OLD[3] = { 87.7, 22.5, 19.0 }, HOPPER[3] = { 141.0, 45.0, 35.0 };
    static const double BLACKWELL[3] = { 282.0, 90.0, 70.0 };
    int c = col_of(nodes);
    switch (arch) {
    case COLL_ARCH_VOLTA: return VOLTA[c];
    case COLL_ARCH_AMPERE: return AMPERE[c];
    case COLL_ARCH_HOPPER: return version >= 22105 ? HOPPER[c] : HOPPER_OLD[c];
    default: return version >= 22501 ? BLACKWELL[c] : (version >= 22105 ? HOPPER[c] : HOPPER_OLD[c]);
    }
}

/* perChMaxRingLL128Bws (GB/s per channel), 2.18.3 on. Blackwell: 73.4 in
 * 2.25.1-2.28.x (two nodes: to 2.28.3), 34.5/34.6 in 2.28.7-2.29.3, 40.0
 * from 2.29.7. */
double coll_ring_ll128_max_bw(int version, int arch, int nodes)
{
    static const double HOPPER = 36.7;
    int c = col_of(nodes);
    switch (arch) {
    case COLL_ARCH_VOLTA:
    case COLL_ARCH_AMPERE: return 20.0;
    case COLL_ARCH_HOPPER: return HOPPER;
    default:
        if (version < 22501)
            return HOPPER;
        if (version >= 22907)
            return 40.0;
        if (c == 1)
            return version <= 22803 ? 73.4 : 34.6;
        return version <= 22809 ? 73.4 : 34.5;
    }
}

/* perChMaxTreeBws (GB/s per channel). Hopper three or more nodes 33.0 in
 * 2.18.1, 36.0 from 2.18.3; Blackwell {77.4, 82.8, 72.0} in 2.25.1-2.27.7,
 * {70.0, 42.8, 24.0} from 2.28.3. */
double coll_tree_max_bw(int version, int arch, int nodes)
{
    static const double VOLTA[3] = { 26.5, 18.5, 10.0 }, AMPERE[3] = { 24.0, 23.6, 17.8 };
    static const double HOPPER[3] = { 38.7, 41.4, 36.0 };
    static const double BW_OLD[3] = { 77.4, 82.8, 72.0 }, BW[3] = { 70.0, 42.8, 24.0 };
    int c = col_of(nodes);
    switch (arch) {
    case COLL_ARCH_VOLTA: return VOLTA[c];
    case COLL_ARCH_AMPERE: return AMPERE[c];
    case COLL_ARCH_HOPPER: return c == 2 && version < 21803 ? 33.0 : HOPPER[c];
    default: return version < 22501 ? HOPPER[c] : version < 22803 ? BW_OLD[c] : BW[c];
    }
}

/* perChMaxTreeLL128Bws (GB/s per channel). Blackwell {73.4, 73.4, 58.0} in
 * 2.25.1-2.27.7, {55.6, 31.67, 20.0} from 2.28.3. */
double coll_tree_ll128_max_bw(int version, int arch, int nodes)
{
    static const double HOPPER[3] = { 36.7, 36.7, 29.0 };
    static const double BW_OLD[3] = { 73.4, 73.4, 58.0 }, BW[3] = { 55.6, 31.67, 20.0 };
    int c = col_of(nodes);
    switch (arch) {
    case COLL_ARCH_VOLTA:
    case COLL_ARCH_AMPERE: return 20.0;
    case COLL_ARCH_HOPPER: return HOPPER[c];
    default: return version < 22501 ? HOPPER[c] : version < 22803 ? BW_OLD[c] : BW[c];
    }
}

/* treeCorrectionFactor[protocol][log2(nBytes / 64)], identical in
 * 2.18.1-2.30.7; the bucket for 512 MiB-1 GiB (index 23) exists from
 * 2.29.2. Beyond the table the factor is 1. */
double coll_tree_correction(int version, coll_proto_id p, double bytes)
{
    static const double F[COLL_NPROTOS][24] = {
        [COLL_LL] = { 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.5,
                      0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0 },
        [COLL_LL128] = { 1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6,
                         0.6, 0.6, 0.6, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.0 },
        [COLL_SIMPLE] = { 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5,
                          0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.7, 0.7, 0.8, 0.9, 0.9, 0.9 },
    };
    if (bytes < 64)
        return 1.0;
    int i = (int)floor(log2(bytes / 64.0));
    int last = version >= 22902 ? 23 : 22;
    return i <= last ? F[p][i] : 1.0;
}

/* nvlsEfficiency (2.28.3 on): Hopper 0.85, Blackwell 0.74; before 2.28 NCCL
 * used 5/6 of the NVLS bus bandwidth (2.18.3-2.27.7; 0.75 in 2.18.1). */
double coll_nvls_efficiency(int version, int arch)
{
    if (version < 21803)
        return 0.75;
    if (version < 22803)
        return 5.0 / 6.0;
    return arch == COLL_ARCH_BLACKWELL ? 0.74 : arch == COLL_ARCH_HOPPER ? 0.85 : 0.0;
}

/* The device constants (src/include/device.h, collectives.h; identical in
 * 2.18.5 and 2.30.7): NCCL_STEPS = 8 slots per connection; Simple buffer
 * 4 MiB; LL buffer NCCL_LL_LINES_PER_THREAD (8) x 512 threads x 8 steps x
 * 16-byte lines, half of each line data; LL128 buffer 120 elements x 640
 * threads x 8 steps x 8 bytes, 120 of each 128 bytes data. All-reduce,
 * all-gather and reduce-scatter move SLICESTEPS = 2 slots between flags,
 * broadcast and reduce 1. */
double coll_step_bytes(coll_proto_id p, coll_op op)
{
    switch (p) {
    case COLL_LL: return 8.0 * 512 * 16 / 2;                       /* 32 KiB of data */
    case COLL_LL128: return 120.0 * 640 * 8 * 120.0 / 128.0;       /* 576,000 B */
    default: {
        double slot = 4194304.0 / 8;                               /* 512 KiB */
        return op == COLL_BROADCAST || op == COLL_REDUCE ? slot : 2 * slot;
    }
    }
}

/* Channels NCCL launches for nBytes (enqueue.cc): it removes channels while
 * nBytes < nChannels x nThreads x threshold; thresholds per thread are
 * NCCL_LL_THREAD_THRESHOLD 8 (times nRanks for Ring), NCCL_LL128 8,
 * NCCL_SIMPLE 64; threads NCCL_LL_MAX_NTHREADS 512, NCCL_LL128 640,
 * NCCL_SIMPLE 512. A tuner's channel count caps it and is reduced the same
 * way [I: enqueue.cc applies its thresholds to the tuner's nChannels too];
 * each channel keeps its share of the links, so fewer channels move less. */
int coll_channels_for(const topo *t, int max_channels, coll_algo_id a, coll_proto_id p, int ranks,
                      double bytes)
{
    if (t->call_channels > 0 && t->call_channels < max_channels)
        max_channels = t->call_channels;
    double nt = p == COLL_LL128 ? 640 : 512;
    double thr = p == COLL_LL ? 8.0 * (a == COLL_ALGO_RING ? ranks : 1) : p == COLL_LL128 ? 8.0 : 64.0;
    double nc = floor(bytes / (nt * thr));
    if (nc < 1)
        nc = 1;
    return nc < max_channels ? (int)nc : max_channels;
}
