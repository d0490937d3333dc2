/* mps.h -- a CUDA MPS server: its clients' bursts run at the same time.
 *
 * Semantics (DESIGN §4, FACTS §3):
 *  - Each attached context is one client with an active-thread fraction (a
 *    cap on the SMs of the resource it may use, not a reservation). Each
 *    client runs its own jobs in FIFO order, one at a time; all clients with
 *    work run concurrently.
 *  - Occupancy: a running burst wants as many of the resource's SMs as its
 *    kernels keep busy (gpu_job.blocks over cfg.sms; all of them when
 *    either is 0), up to its client's active-thread cap. Those demands are
 *    filled into the SMs by priority: every client of a higher priority
 *    first, max-min fair within one priority (when demands sum to at most
 *    1, each gets its demand). Clients whose kernels leave SMs free thus
 *    run side by side on them at full speed; a burst given share s of the
 *    SMs, less than its width w, computes at s / w of its alone speed.
 *  - Memory bandwidth is not isolated: a running burst wants the share of
 *    bandwidth that keeps pace with its compute, mem_ns / max(compute_ns /
 *    s, mem_ns); those demands are filled max-min fair into the bandwidth.
 *  - A burst with compute time C, memory time M and launch time L (its work
 *    less max(C, M): host dispatch, during which its SMs idle) takes
 *    a = max(C w/e, M) + L alone (e = min(cap, w)) and leaves its SMs to
 *    the others during L: it wants d = C w / a of them (e when L = 0), and
 *    given share s it takes max(a, C w/s, M/b) (max(C w/s, M/b) when L = 0);
 *    rates are recomputed at every start and finish (processor-sharing
 *    style), so the result is exact for piecewise-constant sharing.
 *  - Faults: at rate fault_rate_per_s a client faults and the server takes
 *    every client down with it; all running bursts lose their progress and
 *    nothing runs for restart_ns; then every burst starts again.
 * Counters: busy_ns while any burst runs; overhead_ns for restart time.
 * Tenants' GPU time is charged as SM share x time. */
#ifndef MODELS_MPS_H
#define MODELS_MPS_H

#include <gsl/gsl_rng.h>
#include "models/exec.h"

#define MPS_MAX_CLIENTS 48    /* per device, Volta and later (FACTS §3) */
#define MPS_DEFAULT_RESTART_S 2.0   /* server restart after a fault [I]: a parameter to calibrate */

typedef struct {
    int        max_clients;       /* 1..48; scaled down inside a MIG instance */
    double     fault_rate_per_s;  /* >= 0; 0 = no faults */
    sim_time_t restart_ns;        /* >= 0: server restart after a fault */
    double     sms;               /* SMs of the resource the server runs on; 0 =
                                     every burst fills it (no occupancy) */
} mps_cfg;

typedef struct mps mps;

/* mps_alloc: an MPS server on s. It owns fault_rng (may be NULL when the
 * fault rate is 0) and frees it. Free the server with exec_free(&m->base).
 * Returns NULL when out of memory (fault_rng is then freed). */
mps *mps_alloc(sim *s, int id, const mps_cfg *cfg, gsl_rng *fault_rng);

/* mps_base: the executor interface of m. */
exec *mps_base(mps *m);

/* mps_attach: make persistent context c a client with active-thread
 * fraction frac in (0, 1]. Only attached contexts may submit. Returns 0, or
 * -1 when the client limit is reached or memory runs out. */
int mps_attach(mps *m, exec_ctx *c, double frac);

/* mps_set_priority: client c's priority (higher is served first; 0 is
 * normal, as CUDA_MPS_CLIENT_PRIORITY's NORMAL, and below-normal clients
 * take what is left). */
void mps_set_priority(mps *m, const exec_ctx *c, int prio);

/* mps_faults: faults so far. */
uint64_t mps_faults(const mps *m);

/* mps_waterfill: max-min fair shares of capacity 1 for demands d[0..n) >= 0
 * into out[]; each gets min(d, level), the level chosen so the shares fill
 * the capacity when the demands exceed it. Exposed for tests. */
void mps_waterfill(const double *d, int n, double *out);

/* mps_waterfill_cap: the same into capacity cap >= 0. */
void mps_waterfill_cap(const double *d, int n, double cap, double *out);

#endif
