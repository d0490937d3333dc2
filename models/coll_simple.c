/* coll_simple.c -- NCCL's Simple protocol: full bandwidth, the highest
 * latency (a memory fence per step). Latencies (us) from NCCL
 * src/graph/tuning.cc 2.30 (reference FACTS §5): NVLS about 25 us on
 * NVLink, held here as its NVLink hop with no base; P2P takes the ring's. */
#include "models/coll.h"

static double base_lat(coll_algo_id a)
{
    return a == COLL_ALGO_NVLS ? 0.0 : 8.4;
}

static double hw_lat(coll_algo_id a, topo_link l)
{
    static const double tree[TOPO_NLINKS] = { 4.0, 4.0, 14.0 };
    static const double ring[TOPO_NLINKS] = { 3.4, 5.7, 14.0 };
    static const double nvls[TOPO_NLINKS] = { 25.0, 25.0, 25.0 };
    switch (a) {
    case COLL_ALGO_TREE: return tree[l];
    case COLL_ALGO_NVLS: return nvls[l];
    default: return ring[l];
    }
}

static double efficiency(coll_algo_id a)
{
    (void)a;
    return 1.0;
}

const coll_proto coll_simple = { "Simple", COLL_SIMPLE, base_lat, hw_lat, efficiency };
