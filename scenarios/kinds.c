/* kinds.c -- the workload and arrival kinds a scenario may name. */
#include "scenarios/scenario.h"

const scn_workload_kind scn_workload_kinds[] = {
    { "synthetic", &wl_synthetic, scn_parse_synthetic },
    { NULL, NULL, NULL },
};

const scn_arrival_kind scn_arrival_kinds[] = {
    { "poisson", &arr_poisson, scn_parse_poisson },
    { "closed", &arr_closed, scn_parse_closed },
    { NULL, NULL, NULL },
};
