/* coll_ll128.c -- NCCL's LL128 protocol: 120 data bytes per 128-byte line
 * (NCCL's model uses 0.92 of the bandwidth), medium latency. Latencies (us)
 * from NCCL src/graph/tuning.cc 2.30 (reference FACTS §5); P2P takes the
 * ring's. NVLS has no LL128. */
#include "models/coll.h"

static double base_lat(coll_algo_id a)
{
    (void)a;
    return 14.0;
}

static double hw_lat(coll_algo_id a, topo_link l)
{
    static const double tree[TOPO_NLINKS] = { 1.25, 1.9, 8.5 };
    static const double ring[TOPO_NLINKS] = { 1.9, 2.5, 4.0 };
    return a == COLL_ALGO_TREE ? tree[l] : ring[l];
}

static double efficiency(coll_algo_id a)
{
    (void)a;
    return 0.92;
}

const coll_proto coll_ll128 = { "LL128", COLL_LL128, base_lat, hw_lat, efficiency };
