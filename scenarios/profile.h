/* profile.h -- GPU profiles: JSON files that describe one GPU for the model
 * (docs/calibration.md).
 *
 * A profile is either built from datasheets (calibration/profiles/NAME.json,
 * "kind": "datasheet") or fitted from microbenchmarks by `slicesim calibrate
 * fit` ("kind": "measured"). Loading one yields a gpu_spec owned by the
 * caller's prof struct, the default time slice, and the ranges the fit
 * covered, so that a run can be warned when it leaves them.
 *
 * Invariants: after prof_load succeeds, p->spec.name / full_name / source
 * point into p itself (p must not be copied by value once loaded), every peak
 * is >= 0 and bf16 > 0, eta_c and eta_m lie in (0, 1.5], and each measured
 * range has lo <= hi. Nothing here keeps global state. */
#ifndef SCENARIOS_PROFILE_H
#define SCENARIOS_PROFILE_H

#include <stddef.h>
#include <cJSON.h>
#include "models/mig.h"
#include "models/model.h"
#include "models/topo.h"

#define PROF_MAX_MIG 32

#define PROF_FORMAT "slicesim-profile/1"

typedef enum { PROF_COPY_H2D_PINNED, PROF_COPY_D2H_PINNED, PROF_COPY_H2D_PAGEABLE,
               PROF_COPY_D2H_PAGEABLE, PROF_NCOPY } prof_copy_kind;

typedef struct {
    gpu_spec spec;               /* what the model runs on */
    double   timeslice_ms;       /* default slice of native time-slicing */
    int      measured;           /* 1: fitted from measurements; 0: datasheets */
    /* per-kernel sizes the fit covered; has_* = 0 when nothing was measured */
    int      has_gemm[GPU_NPREC];
    double   gemm_lo[GPU_NPREC], gemm_hi[GPU_NPREC];   /* FLOPs per GEMM call */
    int      has_hbm;
    double   hbm_lo, hbm_hi;     /* bytes moved per kernel */
    /* host-device copies: a link of gbs GB/s behind a fixed latency; 0 = unknown */
    double   copy_gbs[PROF_NCOPY], copy_latency_us[PROF_NCOPY];
    char     path[1024];
    char     name[64], full_name[128], source[512];
    /* "mig": the GPU's own MIG table (has_mig = 0: the built-in table of the
     * same name, if any); "topology": the server the GPU sits in (has_topo =
     * 0: the built-in preset for that GPU, else a generic PCIe server) */
    int         has_mig, has_topo;
    mig_table   mig;
    mig_profile mig_profiles[PROF_MAX_MIG];
    char        mig_names[PROF_MAX_MIG][32], mig_source[256];
    topo_preset topo;
    char        topo_name[64], topo_full[128], topo_source[256];
} prof;

/* prof_read_json: read and parse the JSON file at path. Returns 0 with *out
 * (the caller frees it with cJSON_Delete), or -1 with one message in err
 * naming the file and, for malformed JSON, the line. */
int prof_read_json(const char *path, cJSON **out, char *err, size_t errlen);

/* prof_parse: fill *p from a parsed profile document; `file` names it in
 * messages. Returns 0, or -1 with one message in err (file, JSON path, value,
 * what is allowed). */
int prof_parse(const cJSON *root, const char *file, prof *p, char *err, size_t errlen);

/* prof_load: prof_read_json then prof_parse. */
int prof_load(const char *path, prof *p, char *err, size_t errlen);

/* prof_copy_name: "h2d_pinned", ... as used in profile and raw files. */
const char *prof_copy_name(prof_copy_kind k);

/* prof_check: call warn once for each way cfg leaves what p measured: a
 * datasheet profile (nothing measured), or a synthetic fixed burst whose
 * per-kernel FLOPs or bytes lie outside the measured ranges or whose
 * precision was not measured. Other workload kinds are not checked. */
typedef void (*prof_warn_fn)(void *ud, const char *msg);
void prof_check(const prof *p, const model_cfg *cfg, prof_warn_fn warn, void *ud);

#endif
