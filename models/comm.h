/* comm.h -- a latency-bandwidth stand-in for collective communication.
 *
 * The workloads that span GPUs (tensor-parallel LLM serving, data-parallel
 * training) cost their collectives through comm_allreduce_ns() and nothing
 * else, so that the NCCL model of DESIGN §6 can replace this file without
 * touching them. The model is the ring all-reduce of Thakur, Rabenseifner and
 * Gropp (FACTS §5):
 *
 *     t = base + 2 (n-1) step_lat + 2 ((n-1)/n) bytes / bus_bw
 *
 * with NCCL's latencies for the Simple protocol on a ring (FACTS §5, tuning.cc:
 * baseLat 8.4 us; per step 3.4 us on NVLink, 5.7 us on PCIe, 14 us over the
 * network). The link is the slowest one the ring crosses: NVLink inside a
 * node that has it (per-direction bandwidth, half of the both-ways datasheet
 * figure), else PCIe; the NIC across nodes. No state; no hidden constants. */
#ifndef MODELS_COMM_H
#define MODELS_COMM_H

#include "models/gpu.h"

typedef struct {
    double base_us;     /* once per collective */
    double step_us;     /* per ring step */
    double bus_gbs;     /* bus bandwidth of the slowest link, GB/s */
} comm_link;

/* Defaults (FACTS §5): a 400 Gb/s NDR NIC gives NCCL about 46 GB/s. */
#define COMM_BASE_US        8.4
#define COMM_NVLINK_STEP_US 3.4
#define COMM_PCIE_STEP_US   5.7
#define COMM_NET_STEP_US    14.0
#define COMM_NIC_GBS        46.0

/* comm_link_of: the ring link of n ranks on GPUs like spec spread over
 * `nodes` nodes (1 = all in one node). */
comm_link comm_link_of(const gpu_spec *spec, int nodes);

/* comm_allreduce_ns: time of an all-reduce of `bytes` over n ranks on link l;
 * 0 when n <= 1 or bytes <= 0. */
sim_time_t comm_allreduce_ns(const comm_link *l, int n, double bytes);

#endif
