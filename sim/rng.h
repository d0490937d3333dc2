/* rng.h -- independent GSL random streams.
 *
 * Every random quantity of a model comes from a stream named by (master seed,
 * replication, entity, stream). The seed of a stream is a hash of the four, so
 * adding an entity or a stream never shifts the numbers of the others, and a
 * replication is independent of the next. The model never reads the clock or
 * rand(). */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* sim_rng_seed: the 64-bit seed of stream (seed, rep, entity, stream). */
uint64_t sim_rng_seed(uint64_t seed, uint32_t rep, uint32_t entity, uint32_t stream);

/* sim_rng_alloc: a new mt19937 generator seeded for that stream; the caller
 * frees it with gsl_rng_free. Returns NULL when out of memory. */
gsl_rng *sim_rng_alloc(uint64_t seed, uint32_t rep, uint32_t entity, uint32_t stream);

#endif
