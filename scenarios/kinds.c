/* kinds.c -- the workload, arrival and sharing kinds a scenario may name. */
#include "scenarios/scenario.h"
#include "models/diffusion.h"
#include "models/llm.h"
#include "models/training.h"

const scn_workload_kind scn_workload_kinds[] = {
    { "synthetic", &wl_synthetic, scn_parse_synthetic, NULL },
    { "llm", &wl_llm, scn_parse_llm, scn_fits_llm },
    { "diffusion", &wl_diffusion, scn_parse_diffusion, NULL },
    { "training", &wl_training, scn_parse_training, scn_fits_training },
    { NULL, NULL, NULL, NULL },
};

const scn_arrival_kind scn_arrival_kinds[] = {
    { "poisson", &arr_poisson, scn_parse_poisson },
    { "closed", &arr_closed, scn_parse_closed },
    { "gamma", &arr_gamma, scn_parse_gamma },
    { "onoff", &arr_onoff, scn_parse_onoff },
    { "diurnal", &arr_diurnal, scn_parse_diurnal },
    { "trace", &arr_trace, scn_parse_trace },
    { NULL, NULL, NULL },
};

/* sharing.mode: adding a mode is its share type (models/share_MODE.c), its
 * kind (scenarios/parse_MODE.c) and one line here. */
const scn_sharing_kind *const scn_sharing_kinds[] = {
    &scn_exclusive_kind,
    &scn_timeslice_kind,
    &scn_mps_kind,
    &scn_mig_kind,
    NULL,
};
