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

typedef struct {
    char   id[48], platform[40], algo[12];
    int    op, nodes, ppn;
    int    fit;               /* 0: screened out of fits (calibration/data/README.md) */
    size_t first, n;          /* its points in collfit_data.size/busbw */
} collfit_curve;

typedef struct {
    collfit_curve curves[COLLFIT_MAX_CURVES];
    size_t ncurves;
    double *size, *busbw;     /* per point, GB/s as nccl-tests prints */
    size_t npoints;
} collfit_data;

/* collfit_load: read path. 0, or -1 with one message in err naming the
 * file, the line and what is wrong (also: an unknown platform preset or
 * operation). Free with collfit_free. */
int  collfit_load(const char *path, collfit_data *d, char *err, size_t errlen);
void collfit_free(collfit_data *d);

/* collfit_topo: the topology of curve c with fitted parameters f (NULL:
 * topo_fit_default). 0 or -1. */
int collfit_topo(const collfit_curve *c, const topo_fit *f, topo *t);

/* collfit_busbw: the model's bus bandwidth (GB/s) for curve c at bytes. */
double collfit_busbw(const collfit_curve *c, const topo *t, double bytes);

/* collfit_curve_error: mean and largest |predicted/measured - 1| (as
 * fractions) over the curve's scored points under f; the number scored. */
int collfit_curve_error(const collfit_data *d, size_t c, const topo_fit *f, double *mean, double *max);

/* collfit_fit: the parameters minimising the mean squared log error of
 * busbw over the scored points of the curves whose platform is not
 * `leave_out` (NULL: every curve), screened curves excepted, from start. Returns 0 and *out, or -1
 * (nothing to fit). *rms receives the mean |log error| of the fit. */
int collfit_fit(const collfit_data *d, const char *leave_out, const topo_fit *start, topo_fit *out,
                double *rms);

/* collfit_fit_platform: the fields of topo_fit in bits (TOPO_FIT_START,
 * TOPO_FIT_NET_STEP, TOPO_FIT_NET_EFF, TOPO_FIT_LINK_EFF,
 * TOPO_FIT_P2P_START, TOPO_FIT_P2P_EFF) fitted on the curves of `platform`
 * alone, the others as in base (same objective; net_eff at most 1), from
 * the platform's own values (topo_platform_fit). *out is base with the
 * fitted fields; *err the mean |log error|. Returns 0, or -1 (no scored
 * point). */
int collfit_fit_platform(const collfit_data *d, const char *platform, const topo_fit *base, int bits,
                         topo_fit *out, double *err);

#endif
