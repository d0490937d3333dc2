/* verdict.h -- judging a bound against a statistic known only through its
 * 95% interval (sim/ci.h).
 *
 *   met        every value in the interval satisfies the bound
 *   missed     no value in the interval satisfies it
 *   uncertain  the interval straddles the bound: more replications (or
 *              longer ones) are needed to tell
 *
 * A statistic with no interval (one replication) is uncertain unless it has
 * no value at all (no request completed: missed). A zero-width interval
 * (nothing varies between replications) is judged on its value. */
#ifndef SIM_VERDICT_H
#define SIM_VERDICT_H

#include "sim/ci.h"

typedef enum { SIM_VERDICT_MET, SIM_VERDICT_MISSED, SIM_VERDICT_UNCERTAIN } sim_verdict;

/* The bound's direction: the statistic must be <=, <, >= or > bound. */
typedef enum { SIM_BOUND_LE, SIM_BOUND_LT, SIM_BOUND_GE, SIM_BOUND_GT } sim_bound_op;

/* sim_verdict_judge: the verdict on "statistic OP bound" given c. */
sim_verdict sim_verdict_judge(const sim_ci *c, sim_bound_op op, double bound);

/* sim_verdict_name: "met", "missed" or "uncertain". */
const char *sim_verdict_name(sim_verdict v);

/* sim_verdict_satisfies: whether x alone satisfies "x OP bound" (NAN never). */
int sim_verdict_satisfies(double x, sim_bound_op op, double bound);

/* sim_verdict_reps_to_resolve: for an uncertain verdict, the replications
 * after which the interval would leave the bound if the spread between
 * replications stayed as measured (sim_ci_reps_to_exclude); 0 when already
 * resolved; max when no number up to max would do. */
size_t sim_verdict_reps_to_resolve(const sim_ci *c, sim_bound_op op, double bound, size_t max);

#endif
