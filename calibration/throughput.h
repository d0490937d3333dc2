/* throughput.h -- the throughput probe's runs (microbench throughput,
 * "slicesim-throughput/1") against what a GPU profile predicts for them
 * (`slicesim calibrate throughput`, the validate case throughput-gpu).
 *
 * A run is N processes issuing bursts back to back on one GPU, time-sliced
 * or under MPS; each process's burst was also timed alone (solo_burst_us),
 * and a run of the same burst with one process, when the folder holds one,
 * gives the host time between two bursts (1 / its rate - its burst time).
 * The model runs N closed-loop tenants: each request the process's burst
 * time alone, its think time that host gap, its kernels `blocks` SMs wide
 * for fma bursts, on the profile's GPU with its
 * slice and switch cost (time-sliced) or as MPS clients. A GEMM burst's
 * width is derived from its shape (a block per 128 x 128 output tile). The sum of the
 * tenants' throughputs is compared with the measured sum. For a time-sliced
 * run of N > 1 GPU-bound processes the switch cost the measurement implies
 * is c = q (alone rate / (N-process rate per process x N) - 1): the
 * profile's switch cost from the probe (tput_switch_us). */
#ifndef CALIBRATION_THROUGHPUT_H
#define CALIBRATION_THROUGHPUT_H

#include <stddef.h>

typedef struct {
    char   file[256];
    char   label[160];          /* burst kind and shape, sharing, procs */
    char   sharing[16];         /* "timeslice" or "mps" */
    int    procs;
    double measured_per_s;      /* bursts per second, all processes */
    double predicted_per_s;
    double alone_per_s;         /* the one-process run of the same burst; 0 = none */
    double implied_switch_us;   /* time-sliced, N > 1, with an alone run; else NAN */
} tput_row;

/* tput_dir: every throughput_*.json in dir, in name order, predicted on the
 * profile at profile_path; at most cap rows. Returns the number of rows, or
 * -1 with a message in err (a file that is not a throughput run, a profile
 * that does not load). No file is not an error (0). */
int tput_dir(const char *dir, const char *profile_path, tput_row *rows, int cap, char *err, size_t errlen);

/* tput_switch_us: the switch cost implied by a time-sliced run of always
 * busy, GPU-bound processes: slice q_ms, one process alone at rate a, all
 * of them together at total rate t = a q / (q + c), so c = q (a / t - 1),
 * in us; NAN when t >= a (no tax to explain). */
double tput_switch_us(double q_ms, double alone_per_s, double total_per_s);

#endif
