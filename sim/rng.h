/* rng.h -- independent random streams and fast variates.
 *
 * Every random quantity of a model comes from a stream named by (master seed,
 * replication, entity, stream). The seed of a stream is a hash of the four, so
 * adding an entity or a stream never shifts the numbers of the others, and a
 * replication is independent of the next. The model never reads the clock or
 * rand().
 *
 * Streams are GSL generators (gsl_rng *) of the type sim_rng_xoshiro256pp
 * (Blackman and Vigna's xoshiro256++, 256 bits of state, period 2^256 - 1),
 * so every GSL function that takes a gsl_rng works on them. The variates
 * below are ziggurat samplers (Marsaglia and Tsang 2000, 256 layers) that
 * take their bits straight from a xoshiro stream instead of through GSL's
 * function pointers; on any other gsl_rng they work too, through
 * gsl_rng_uniform. The only static state is the ziggurat tables, written
 * once (pthread_once) before the first stream exists and read-only after,
 * so streams may run on several threads at once. */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* The generator type; gsl_rng_alloc(sim_rng_xoshiro256pp) then gsl_rng_set
 * seeds it from 64 bits through splitmix64, as its authors recommend.
 * gsl_rng_get returns 64 bits where unsigned long has them (else the top
 * 32); gsl_rng_uniform the top 53 bits over 2^53, in [0, 1). */
extern const gsl_rng_type *sim_rng_xoshiro256pp;

/* sim_rng_seed: the 64-bit seed of stream (seed, rep, entity, stream). */
uint64_t sim_rng_seed(uint64_t seed, uint32_t rep, uint32_t entity, uint32_t stream);

/* sim_rng_alloc: a new xoshiro256++ generator seeded for that stream; the
 * caller frees it with gsl_rng_free. Returns NULL when out of memory. */
gsl_rng *sim_rng_alloc(uint64_t seed, uint32_t rep, uint32_t entity, uint32_t stream);

/* sim_rng_u64: 64 random bits. */
uint64_t sim_rng_u64(gsl_rng *r);

/* sim_ran_exponential: an exponential variate of mean mu (GSL's
 * parametrisation), by the ziggurat; the tail beyond the base layer is
 * drawn exactly (the exponential is memoryless). */
double sim_ran_exponential(gsl_rng *r, double mu);

/* sim_ran_gaussian: a normal variate of mean 0 and standard deviation
 * sigma, by the ziggurat, the tail by Marsaglia's exact method. */
double sim_ran_gaussian(gsl_rng *r, double sigma);

/* sim_ran_lognormal: exp(zeta + sigma Z), Z from sim_ran_gaussian (GSL's
 * parametrisation of gsl_ran_lognormal). */
double sim_ran_lognormal(gsl_rng *r, double zeta, double sigma);

/* sim_ran_gamma: a gamma variate of shape a > 0 and scale b (GSL's
 * parametrisation), by Marsaglia and Tsang's 2000 method on the normal and
 * uniform variates above; for a < 1 the shape a + 1 times U^(1/a). */
double sim_ran_gamma(gsl_rng *r, double a, double b);

#endif
