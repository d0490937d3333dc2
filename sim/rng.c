#include "sim/rng.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

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

/* ---- xoshiro256++ ---------------------------------------------------- */

typedef struct {
    uint64_t s[4];
} xoshiro;

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t xo_next(xoshiro *x)
{
    uint64_t *s = x->s;
    uint64_t out = rotl(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

static void tables_init(void);
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* The state from a 64-bit seed: four outputs of splitmix64 (never all zero,
 * splitmix64 being a bijection of a counter). */
static void xo_set(void *state, unsigned long seed)
{
    xoshiro *x = state;
    for (uint64_t i = 0; i < 4; i++)
        x->s[i] = mix64((uint64_t)seed + i * UINT64_C(0x9e3779b97f4a7c15));
    pthread_once(&tables_once, tables_init);
}

static unsigned long xo_get(void *state)
{
    uint64_t v = xo_next(state);
#if ULONG_MAX > 0xffffffffUL
    return (unsigned long)v;
#else
    return (unsigned long)(v >> 32);
#endif
}

static double xo_get_double(void *state)
{
    return (double)(xo_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "xoshiro256++",
#if ULONG_MAX > 0xffffffffUL
    ULONG_MAX,
#else
    0xffffffffUL,
#endif
    0, sizeof(xoshiro), xo_set, xo_get, xo_get_double,
};

const gsl_rng_type *sim_rng_xoshiro256pp = &xoshiro_type;

gsl_rng *sim_rng_alloc(uint64_t seed, uint32_t rep, uint32_t entity, uint32_t stream)
{
    gsl_rng *r = gsl_rng_alloc(sim_rng_xoshiro256pp);
    if (!r)
        return NULL;
    gsl_rng_set(r, (unsigned long)sim_rng_seed(seed, rep, entity, stream));
    return r;
}

/* 64 bits: inline on our own streams; on another GSL generator, two 32-bit
 * halves of gsl_rng_uniform (deterministic for that generator). */
static inline uint64_t bits(gsl_rng *r)
{
    if (r->type == &xoshiro_type)
        return xo_next(r->state);
    uint64_t hi = (uint64_t)(gsl_rng_uniform(r) * 4294967296.0);
    uint64_t lo = (uint64_t)(gsl_rng_uniform(r) * 4294967296.0);
    return hi << 32 | lo;
}

uint64_t sim_rng_u64(gsl_rng *r)
{
    return bits(r);
}

/* uniform in [0, 1) and in (0, 1] */
static inline double u01(gsl_rng *r) { return (double)(bits(r) >> 11) * 0x1.0p-53; }
static inline double u01_pos(gsl_rng *r) { return (double)((bits(r) >> 11) + 1) * 0x1.0p-53; }

/* ---- ziggurat -------------------------------------------------------- *
 * A density f (unnormalised, decreasing on [0, inf), f(0) = 1) is covered by
 * 256 layers of equal area v: layer 0 is the base, the strip [0, R] x
 * [0, f(R)] plus the tail beyond R, given the virtual width X[0] = v / f(R);
 * X[1] = R and X[i+1] = f^-1(f(X[i]) + v / X[i]) up to X[256] = 0. A draw
 * takes a layer i (8 bits) and x = U X[i] (53 bits); x < X[i+1] lies under
 * f whatever the height, which happens 98.9% (exponential) and 99.3%
 * (normal) of the time; otherwise the wedge is tested against f, or the
 * tail sampled. R and v are Marsaglia and Tsang's for 256 layers (J. Stat.
 * Software 5(8), 2000); the tests check that the layers close at X[256] = 0. */
typedef struct {
    uint64_t k[256];      /* 2^53 X[i+1] / X[i]: below it, accept at once */
    double   w[256];      /* X[i] / 2^53 */
    double   f[257];      /* f(X[i]), f(X[256]) = 1 */
} zig_tab;

static zig_tab ZEXP, ZNORM;

#define ZEXP_R  7.69711747013104972
#define ZEXP_V  0.0039496598225815571993
#define ZNORM_R 3.6541528853610088
#define ZNORM_V 0.00492867323399

static double fexp(double x) { return exp(-x); }
static double fexp_inv(double y) { return -log(y); }
static double fnorm(double x) { return exp(-0.5 * x * x); }
static double fnorm_inv(double y) { return sqrt(-2.0 * log(y)); }

static void zig_build(zig_tab *z, double R, double v, double (*f)(double), double (*finv)(double))
{
    double X[257];
    X[0] = v / f(R);
    X[1] = R;
    for (int i = 1; i < 255; i++)
        X[i + 1] = finv(f(X[i]) + v / X[i]);
    X[256] = 0;
    for (int i = 0; i < 256; i++) {
        z->k[i] = (uint64_t)(X[i + 1] / X[i] * 0x1.0p53);
        z->w[i] = X[i] * 0x1.0p-53;
        z->f[i] = f(X[i]);
    }
    z->f[256] = 1;
}

static void tables_init(void)
{
    zig_build(&ZEXP, ZEXP_R, ZEXP_V, fexp, fexp_inv);
    zig_build(&ZNORM, ZNORM_R, ZNORM_V, fnorm, fnorm_inv);
}

/* A standard exponential. */
static double exp1(gsl_rng *r)
{
    for (;;) {
        uint64_t u = bits(r);
        unsigned i = (unsigned)(u & 0xff);
        uint64_t j = u >> 11;
        double x = (double)j * ZEXP.w[i];
        if (j < ZEXP.k[i])
            return x;
        if (i == 0)
            return ZEXP_R + exp1(r);
        if (ZEXP.f[i] + u01(r) * (ZEXP.f[i + 1] - ZEXP.f[i]) < exp(-x))
            return x;
    }
}

/* A standard normal. */
static double norm1(gsl_rng *r)
{
    for (;;) {
        uint64_t u = bits(r);
        unsigned i = (unsigned)(u & 0xff);
        double sign = (u & 0x100) ? -1.0 : 1.0;
        uint64_t j = u >> 11;
        double x = (double)j * ZNORM.w[i];
        if (j < ZNORM.k[i])
            return sign * x;
        if (i == 0) {
            double t, y;
            do {
                t = -log(u01_pos(r)) / ZNORM_R;
                y = -log(u01_pos(r));
            } while (y + y < t * t);
            return sign * (ZNORM_R + t);
        }
        if (ZNORM.f[i] + u01(r) * (ZNORM.f[i + 1] - ZNORM.f[i]) < exp(-0.5 * x * x))
            return sign * x;
    }
}

/* The tables exist once any xoshiro stream was seeded; a caller on another
 * generator may come first. */
static inline void need_tables(void)
{
    pthread_once(&tables_once, tables_init);
}

double sim_ran_exponential(gsl_rng *r, double mu)
{
    if (r->type != &xoshiro_type)
        need_tables();
    return mu * exp1(r);
}

double sim_ran_gaussian(gsl_rng *r, double sigma)
{
    if (r->type != &xoshiro_type)
        need_tables();
    return sigma * norm1(r);
}

double sim_ran_lognormal(gsl_rng *r, double zeta, double sigma)
{
    return exp(zeta + sim_ran_gaussian(r, sigma));
}

double sim_ran_gamma(gsl_rng *r, double a, double b)
{
    if (a < 1) {
        double u = u01_pos(r);
        return sim_ran_gamma(r, 1.0 + a, b) * pow(u, 1.0 / a);
    }
    if (r->type != &xoshiro_type)
        need_tables();
    double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = norm1(r);
            v = 1.0 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = u01_pos(r);
        if (u < 1.0 - 0.0331 * x * x * x * x)
            return b * d * v;
        if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return b * d * v;
    }
}
