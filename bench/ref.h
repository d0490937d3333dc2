/* ref.h -- plainly written reference simulators that `make bench` measures
 * side by side with slicesim, so that its figures can be read as ratios that
 * hold across machines and across the noise of a shared one.
 *
 * Both use the textbook structure: a binary heap (array, sift up and down)
 * of (time, seq) events, ties broken by seq. The M/M/1 draws with GSL's
 * mt19937 and gsl_ran_exponential, keeps every sojourn time and reports the
 * exact mean and p95 after sorting them. Nothing here is used by slicesim. */
#ifndef BENCH_REF_H
#define BENCH_REF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    double mean_s, p95_s;       /* of the sojourn times */
    uint64_t events;
} ref_mm1_result;

/* ref_mm1: an M/M/1 FCFS queue of n customers, arrival rate lambda and
 * service rate mu per second, from seed. 0, or -1 when out of memory. */
int ref_mm1(size_t n, double lambda, double mu, unsigned long seed, ref_mm1_result *out);

/* ref_hold: the hold model on the reference heap: `pending` events, each
 * rescheduling itself after inc[k++ & (ninc - 1)] (ninc a power of two)
 * when it fires, `ops` firings. Returns the sum of the fired times (so
 * that the work cannot be optimised away), or -1 when out of memory. */
double ref_hold(size_t pending, uint64_t ops, const int64_t *inc, size_t ninc);

#endif
