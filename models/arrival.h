/* arrival.h -- arrival processes: when a tenant's requests arrive.
 *
 * An arrival source emits items to its owner (the tenant) through emit().
 * Open processes (Poisson, ...) emit on their own clock until `stop`; closed
 * processes (N users with think time) emit again when the owner reports that a
 * user's request completed. Each process is one file with a const arr_type;
 * its parameters are a type-specific struct built by scenarios/.
 * A source draws every random number from its own stream `rng`. */
#ifndef MODELS_ARRIVAL_H
#define MODELS_ARRIVAL_H

#include <gsl/gsl_rng.h>
#include "sim/sim.h"

#define ARR_NSIZE 4

/* One arrival. user is the closed-loop user (0 for open processes); sizes
 * come from traces (e.g. prompt and output tokens) when nsize > 0. */
typedef struct {
    int    user;
    int    nsize;
    double size[ARR_NSIZE];
} arr_item;

typedef void (*arr_emit_fn)(void *owner, sim *s, const arr_item *it);

typedef struct arr_src arr_src;

typedef struct arr_type {
    const char *name;
    /* init: allocate per-run state from a->params; 0 or -1 (no memory). */
    int  (*init)(arr_src *a);
    /* start: schedule or emit the first arrivals at the current time. */
    void (*start)(arr_src *a);
    /* completed: a closed-loop user's request finished; NULL when open. */
    void (*completed)(arr_src *a, int user);
    void (*free)(arr_src *a);
} arr_type;

struct arr_src {
    const arr_type *type;
    const void     *params;
    sim            *s;
    gsl_rng        *rng;
    arr_emit_fn     emit;
    void           *owner;
    sim_time_t      stop;       /* nothing arrives at or after stop */
    sim_event       ev;
    void           *state;
};

/* arr_src_init: bind a source; calls type->init. The source does not own
 * rng or params. Returns 0 or -1. */
int arr_src_init(arr_src *a, const arr_type *type, const void *params, sim *s,
                 gsl_rng *rng, arr_emit_fn emit, void *owner, sim_time_t stop);
void arr_src_free(arr_src *a);

static inline void arr_src_start(arr_src *a) { a->type->start(a); }
static inline void arr_src_completed(arr_src *a, int user)
{
    if (a->type->completed)
        a->type->completed(a, user);
}

/* --- the processes --- */

typedef struct { double rate_per_s; } arr_poisson_params;          /* > 0 */
extern const arr_type arr_poisson;

typedef enum { ARR_THINK_EXPONENTIAL, ARR_THINK_DETERMINISTIC } arr_think_dist;
typedef struct {
    int            users;          /* >= 1 */
    double         think_s;        /* mean think time, >= 0 */
    arr_think_dist think_dist;
} arr_closed_params;
extern const arr_type arr_closed;

#endif
