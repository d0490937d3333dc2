/* power.h -- the power budget shared by the instances of one MIG GPU.
 *
 * MIG instances share the GPU's power budget: a fully loaded GPU can
 * throttle by a few percent (FACTS §2). A power monitor watches a set of
 * executors (the instances of one GPU) and, while every one of them is
 * running work, sets their speed to `factor`; as soon as one stops, back to
 * 1. The factor is a scenario parameter [I] (no source gives a number);
 * 1 turns the monitor off. */
#ifndef MODELS_POWER_H
#define MODELS_POWER_H

#include "models/exec.h"

typedef struct power_mon power_mon;

/* power_alloc: watch members[0..n) (not owned; they must outlive the
 * monitor and have no other busy_fn). factor in (0, 1]. Returns NULL when
 * out of memory. */
power_mon *power_alloc(exec *const *members, int n, double factor);
void   power_free(power_mon *p);

/* power_throttled_ns: time spent throttled, up to now. */
sim_time_t power_throttled_ns(power_mon *p);

#endif
