#include "sim/rng.h"

/* splitmix64 finaliser: a bijective mix with full avalanche, so that seeds
 * differing in one field give unrelated streams. */
static uint64_t mix64(uint64_t z)
{
    z += UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t sim_rng_seed(uint64_t seed, uint32_t rep, uint32_t entity, uint32_t stream)
{
    uint64_t h = mix64(seed);
    h = mix64(h ^ rep);
    h = mix64(h ^ ((uint64_t)entity << 32 | stream));
    return h;
}

gsl_rng *sim_rng_alloc(uint64_t seed, uint32_t rep, uint32_t entity, uint32_t stream)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return NULL;
    uint64_t h = sim_rng_seed(seed, rep, entity, stream);
    /* mt19937 takes 32 bits of seed; fold the hash rather than truncate it.
     * Seed 0 is remapped by GSL to its default, so avoid it. */
    unsigned long s32 = (unsigned long)((h ^ (h >> 32)) & 0xffffffffu);
    gsl_rng_set(r, s32 ? s32 : 1);
    return r;
}
