/* solo.h -- the executor of a context alone on its resource: a tenant
 * with a GPU (or a MIG instance) to itself.
 *
 * Semantics: those of a time-sliced GPU (models/ts.h) with one context and
 * an infinite slice, the way `exclusive` is otherwise modelled: the
 * context's jobs run one after another in FIFO order at full speed, each
 * starting when the previous one ends or when it is submitted to an idle
 * resource; there are no switches and no overhead. Every job's account
 * (t_head, t_start, service_ns) and the executor's counters are the ones
 * the time-sliced executor would give, and it schedules the same events in
 * the same order, so a run gives the same numbers either way (the tests
 * compare them); it only skips the slice, policy and phase machinery. Its
 * speed is fixed at 1 (no power throttle). */
#ifndef MODELS_SOLO_H
#define MODELS_SOLO_H

#include "models/exec.h"

typedef struct solo solo;

/* solo_alloc: an idle executor; NULL when out of memory. */
solo *solo_alloc(sim *s, int id);
exec *solo_base(solo *x);

#endif
