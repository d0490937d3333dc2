/* collfit.h -- the public collective curves (calibration/data/nccl_curves.csv)
 * against the collective model: loading them, predicting each point, and
 * fitting the model's few parameters (topo_fit) on a chosen set of
 * platforms (docs/collectives.md, "Accuracy").
 *
 * A curve is one measured series: a platform (a topology preset), an
 * operation, nodes x GPUs per node and an algorithm when NCCL_ALGO forced
 * one. Points below COLLFIT_MIN_BYTES are kept but never scored (the
 * targets start at 64 KiB). Loading allocates once; nothing keeps state. */
#ifndef CALIBRATION_COLLFIT_H
#define CALIBRATION_COLLFIT_H

#include <stddef.h>
#include "models/coll.h"

#define COLLFIT_MIN_BYTES 65536.0
#define COLLFIT_MAX_CURVES 64

/* What measured a curve: nccl-tests (the average of back-to-back
 * iterations: what NCCL takes, nothing added), or Vidur's torch.distributed
 * profiles (one call captured in a CUDA graph, timed by kineto), whose
 * all-reduce floors of 25-60 us are the harness's, not NCCL's. */
typedef enum { COLLFIT_NCCL_TESTS, COLLFIT_TORCH_KINETO, COLLFIT_NHARNESS } collfit_harness_id;

typedef struct {
    char   id[48], platform[40], algo[12];
    int    op, nodes, ppn;
    int    harness;           /* collfit_harness_id */
    int    fit;               /* 0: screened out of fits (calibration/data/README.md) */
    size_t first, n;          /* its points in collfit_data.size/busbw */
} collfit_curve;

typedef struct {
    collfit_curve curves[COLLFIT_MAX_CURVES];
    size_t ncurves;
    double *size, *busbw;     /* per point, GB/s as nccl-tests prints */
    double *time_us;          /* per point, the measured time (us) */
    size_t npoints;
} collfit_data;

/* The harness's part of a measured time, a parameter of the measurement
 * and never of a prediction (docs/collectives.md §2): the torch.distributed
 * harness's time per call ("floor"), pooled (fitted with topo_fit_default by `validate --case
 * nccl-fit`), and the machines whose host gives them their own
 * (collfit_platform_harness). */
extern const double collfit_torch_floor_us;

/* The bit of a platform's own harness floor among a platform fit's fields
 * (beside TOPO_FIT_NET_STEP, TOPO_FIT_NET_EFF, TOPO_FIT_LINK_EFF). */
enum { COLLFIT_HARNESS = 1 };

/* collfit_platform_harness: the harness floor (us) fitted on the curves of
 * the machine `platform` alone, or NAN where it has none of its own. */
double collfit_platform_harness(const char *platform);

/* collfit_harness_us: the harness floor of curve c's measurements: 0 for
 * nccl-tests and for point-to-point ops (Vidur's send/recv floors, 5-17 us,
 * hold none); for a torch all-reduce *pooled, or (pooled NULL) its
 * machine's own floor, else collfit_torch_floor_us. */
double collfit_harness_us(const collfit_curve *c, const double *pooled);

/* collfit_platform_skew: for a machine whose harness is host-bound, the
 * share k of its floor that stays as skew once the GPU is the bound
 * (collfit_measured_us); NAN where the harness adds (every other machine). */
double collfit_platform_skew(const char *platform);

/* collfit_harness_skew: curve c's k: NAN (additive) with a pooled floor
 * (pooled non-NULL: the pooled fit, leave-one-out) or for a machine whose
 * harness adds, else its machine's collfit_platform_skew. */
double collfit_harness_skew(const collfit_curve *c, const double *pooled);

/* collfit_measured_us: what the harness of a curve reports for a
 * collective the model says takes model_us: model_us + floor_us where the
 * harness adds (skew NAN), max(floor_us, model_us + skew x floor_us) where
 * it is host-bound (collfit.c says why). */
double collfit_measured_us(double model_us, double floor_us, double skew);

/* collfit_load: read path. 0, or -1 with one message in err naming the
 * file, the line and what is wrong (also: an unknown platform preset or
 * operation). Free with collfit_free. */
int  collfit_load(const char *path, collfit_data *d, char *err, size_t errlen);
void collfit_free(collfit_data *d);

/* collfit_topo: the topology of curve c with fitted parameters f (NULL:
 * topo_fit_default). 0 or -1. */
int collfit_topo(const collfit_curve *c, const topo_fit *f, topo *t);

/* collfit_busbw: the bus bandwidth (GB/s) curve c's harness would report
 * at bytes: the model's time on t through a harness floor of floor_us and
 * skew (collfit_measured_us; floor 0: the model's own). */
double collfit_busbw(const collfit_curve *c, const topo *t, double floor_us, double skew, double bytes);

/* collfit_time_us: the time (us) curve c's harness would report at bytes,
 * as collfit_busbw; NAN when the model runs no pair there. */
double collfit_time_us(const collfit_curve *c, const topo *t, double floor_us, double skew, double bytes);

/* collfit_curve_error: mean and largest |predicted/measured - 1| (as
 * fractions) over the curve's scored points under f and the pooled harness
 * floor *floor_us (both NULL: topo_fit_default and collfit_torch_floor_us
 * with the platform's own values); the number scored. */
int collfit_curve_error(const collfit_data *d, size_t c, const topo_fit *f, const double *floor_us,
                        double *mean, double *max);

/* collfit_fit: the parameters and the pooled torch harness floor
 * minimising the mean |log error| of busbw over the scored points of the
 * curves whose platform is not `leave_out` (NULL: every curve), screened
 * curves excepted, from start and *floor_us. Returns 0 with *out and
 * *floor_us, or -1 (nothing to fit). *rms receives the mean |log error|. */
int collfit_fit(const collfit_data *d, const char *leave_out, const topo_fit *start, topo_fit *out,
                double *floor_us, double *rms);

/* collfit_fit_platform: the fields in bits (COLLFIT_HARNESS,
 * TOPO_FIT_NET_STEP, TOPO_FIT_NET_EFF, TOPO_FIT_LINK_EFF,
 * TOPO_FIT_P2P_START, TOPO_FIT_P2P_EFF) fitted on the
 * curves of `platform` alone, the others as in base and the pooled harness
 * floor (same objective; net_eff at most 1), from the platform's own values
 * (topo_platform_fit, collfit_platform_harness). *out is base with the
 * fitted fields, *floor_us the platform's harness floor; *err the mean
 * |log error|. Returns 0, or -1 (no scored point). */
int collfit_fit_platform(const collfit_data *d, const char *platform, const topo_fit *base, int bits,
                         topo_fit *out, double *floor_us, double *err);

#endif
