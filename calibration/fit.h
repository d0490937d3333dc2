/* fit.h -- from raw microbenchmark output to a GPU profile (DESIGN §7,
 * docs/calibration.md).
 *
 * The raw document ("format": "slicesim-calib-raw/1") is what the CUDA
 * programs in calibration/ (*.cu) write; the result is a profile document
 * ("format": "slicesim-profile/1") that scenarios/profile.c reads. Every
 * efficiency is relative to the datasheet peaks of a preset (models/gpu.c),
 * chosen from the device name or given by the caller. A section missing from
 * the raw file keeps the preset's value, and the profile says so.
 *
 * Fits (GSL, weighted so that each point counts by its relative error):
 *   GEMM, per precision, compute-bound shapes:  t = t0 + flops / (F_p eta_p)
 *   HBM, per kernel kind, buffers past the L2:   t = t0 + bytes / (BW eta)
 *   host-device copies, per kind:                t = latency + bytes / rate
 *   launch latency and time slices: medians of the samples.
 * Same raw document => byte-identical profile. No global state. */
#ifndef CALIBRATION_FIT_H
#define CALIBRATION_FIT_H

#include <stddef.h>
#include <cJSON.h>

#define FIT_RAW_FORMAT "slicesim-calib-raw/1"

/* y = c0 + c1 x by weighted least squares with weights 1/y^2; rms_rel is the
 * root mean square of (y - fit) / y. */
typedef struct {
    double c0, c1, rms_rel;
    size_t n;
} fit_line;

/* fit_line_rel: fit n >= 2 points (x not all equal, y > 0). Returns 0, or -1
 * when the points cannot determine a line. */
int fit_line_rel(const double *x, const double *y, size_t n, fit_line *out);

/* fit_preset_for_device: the preset name for a CUDA device name ("NVIDIA
 * H100 80GB HBM3" -> "h100-sxm"), or NULL when none matches. */
const char *fit_preset_for_device(const char *device_name);

/* fit_profile: fit `raw` (parsed from `file`, named in messages) into a new
 * profile document *out, owned by the caller (cJSON_Delete). gpu: the preset
 * whose peaks to use, or NULL to pick it from the device name. Returns 0; 2
 * for bad input, with one message in err naming the file, the JSON path, the
 * value and what is allowed; 1 when out of memory. */
int fit_profile(const cJSON *raw, const char *file, const char *gpu, cJSON **out,
                char *err, size_t errlen);

/* fit_timeslice: slice length and switch cost from run intervals of several
 * processes: proc[i] ran over [start[i], end[i]] (ns, any order). Intervals
 * that are the first or last of their process are cut by the probe's start
 * and end, so they are left out. Slice = median interval length; switch =
 * median gap between the end of one process's interval and the start of the
 * next interval of another process. proc[i] lies in [0, FIT_MAX_PROCS).
 * Returns 0 with the medians and counts, or -1 when fewer than one slice or
 * one switch was seen (or a proc is out of range). */
#define FIT_MAX_PROCS 64

typedef struct {
    double slice_ms, switch_us;
    double slice_p10_ms, slice_p90_ms, switch_p10_us, switch_p90_us;
    size_t slices, switches;
} fit_slices;

int fit_timeslice(const int *proc, const double *start, const double *end, size_t n,
                  fit_slices *out);

#endif
