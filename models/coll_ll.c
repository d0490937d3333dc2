/* coll_ll.c -- NCCL's LL protocol: 8 bytes of data and 8 of flags per
 * 16-byte line, so half the link's bandwidth, for the lowest latency.
 * Latencies (us) from NCCL src/graph/tuning.cc 2.30 (reference FACTS §5);
 * all-to-all and send/recv (P2P) take the ring's. NVLS has no LL. */
#include "models/coll.h"

static double base_lat(coll_algo_id a)
{
    return a == COLL_ALGO_TREE ? 6.8 : 6.6;
}

static double hw_lat(coll_algo_id a, topo_link l)
{
    static const double tree[TOPO_NLINKS] = { 0.6, 1.0, 5.0 };
    static const double ring[TOPO_NLINKS] = { 0.6, 1.0, 2.7 };
    return a == COLL_ALGO_TREE ? tree[l] : ring[l];
}

static double efficiency(coll_algo_id a)
{
    (void)a;
    return 0.5;
}

const coll_proto coll_ll = { "LL", COLL_LL, base_lat, hw_lat, efficiency };
