/* comm.c -- the latency-bandwidth ring all-reduce (see comm.h). No state. */
#include "models/comm.h"

#include <math.h>

comm_link comm_link_of(const gpu_spec *spec, int nodes)
{
    comm_link l = { COMM_BASE_US, COMM_PCIE_STEP_US, spec->pcie_gbs };
    if (nodes > 1) {
        l.step_us = COMM_NET_STEP_US;
        l.bus_gbs = COMM_NIC_GBS;
    } else if (spec->nvlink_gbs > 0) {
        l.step_us = COMM_NVLINK_STEP_US;
        l.bus_gbs = spec->nvlink_gbs / 2;   /* datasheet counts both directions */
    }
    return l;
}

sim_time_t comm_allreduce_ns(const comm_link *l, int n, double bytes)
{
    if (n <= 1 || bytes <= 0)
        return 0;
    double steps = 2.0 * (n - 1);
    double t_us = l->base_us + steps * l->step_us +
                  steps / n * bytes / (l->bus_gbs * 1e3);   /* GB/s = 1e3 bytes/us */
    return (sim_time_t)llround(t_us * 1e3);
}
