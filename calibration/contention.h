/* contention.h -- predicted against measured for a contention run.
 *
 * A contention file ("format": "slicesim-contention/1", written by
 * `microbench contention`, docs/calibration.md) records N processes time-
 * sliced on one GPU, each issuing identical bursts (GEMMs, or copy kernels)
 * with Poisson arrivals, and every burst's arrival and end. cont_predict builds the same
 * situation as a scenario (one tenant per process, a synthetic fixed burst
 * costed by the profile's roofline, the profile's slice and switch cost),
 * runs it and returns both sides. Measurements use the scenario's window:
 * bursts arriving in [warmup_s, duration_s). */
#ifndef CALIBRATION_CONTENTION_H
#define CALIBRATION_CONTENTION_H

#include <stddef.h>

#define CONT_FORMAT "slicesim-contention/1"

typedef enum { CONT_GEMM, CONT_COPY } cont_kind;

typedef struct {
    int    procs;
    double duration_s, warmup_s, rate_per_s;   /* rate per process */
    cont_kind kind;                            /* what a burst is made of */
    int    prec;                               /* gpu_prec of the GEMMs */
    double m, n, k;                            /* GEMM shape */
    double copy_bytes;                         /* buffer of a copy kernel (moves twice that) */
    long   kernels;                            /* GEMMs or copy kernels per burst */
    double solo_ms;                            /* median burst alone; NAN if not recorded */
    int    synthetic;
    /* measured over the window */
    size_t completed;
    double throughput_per_s;                   /* bursts per second, all processes */
    double mean_ms, p95_ms;                    /* per-process statistic, averaged over processes */
} cont_run;

typedef struct {
    double throughput_per_s, mean_ms, p95_ms, burst_ms;
} cont_pred;

/* cont_read: read and measure the contention file at path. Returns 0; 2 for
 * bad input or 1 when out of memory, with one message in err. */
int cont_read(const char *path, cont_run *r, char *err, size_t errlen);

/* cont_predict: run the scenario equivalent to r on the profile at
 * profile_path with reps replications. *scenario_text (may be NULL) receives
 * the scenario as JSON (caller frees), its hardware.profile written relative
 * to the folder scenario_dir it will be saved in (so the pair can be moved
 * together), or as given when scenario_dir is NULL. Returns 0, 2 (bad input)
 * or 1, with a message in err. */
int cont_predict(const cont_run *r, const char *profile_path, long reps, const char *scenario_dir,
                 cont_pred *out, char **scenario_text, char *err, size_t errlen);

#endif
