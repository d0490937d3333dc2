/* coll.h -- NCCL collectives: cost, choice of algorithm and protocol, noise
 * and stragglers (DESIGN §6, reference FACTS §5, docs/collectives.md).
 *
 * The cost of one (algorithm, protocol) pair is NCCL's own model
 * (src/graph/tuning.cc):
 *
 *     time_us = lat(a, p) + nBytes / (1000 * algBw(a, p))      algBw in GB/s
 *
 * and, as NCCL does, the pair with the lowest estimate is chosen. A
 * per-platform correction (coll_corr, fitted from nccl-tests output by
 * calibration/) then scales the chosen pair's latency and bandwidth: NCCL
 * chooses from its tables, the platform decides how fast it really runs.
 *
 * Policies sharing an interface are const tables, one file each:
 * protocols (coll_ll.c, coll_ll128.c, coll_simple.c) and algorithms
 * (coll_ring.c, coll_tree.c, coll_nvls.c, coll_p2p.c).
 *
 * Sizes follow nccl-tests: nBytes is the whole buffer (for all-gather and
 * reduce-scatter count x type size x ranks; for all-to-all the send buffer
 * of one rank). Nothing here keeps hidden state; randomness comes only from
 * the gsl_rng the caller passes. */
#ifndef MODELS_COLL_H
#define MODELS_COLL_H

#include <gsl/gsl_rng.h>
#include "models/topo.h"
#include "sim/sim.h"

typedef enum {
    COLL_ALLREDUCE, COLL_ALLGATHER, COLL_REDUCESCATTER, COLL_BROADCAST,
    COLL_REDUCE, COLL_ALLTOALL, COLL_SENDRECV, COLL_NOPS
} coll_op;

typedef enum { COLL_LL, COLL_LL128, COLL_SIMPLE, COLL_NPROTOS } coll_proto_id;

/* A protocol: its latencies (baseLat, and hwLat by link) for each
 * algorithm, and its bandwidth efficiency. Algorithms index the tables. */
typedef enum { COLL_ALGO_TREE, COLL_ALGO_RING, COLL_ALGO_NVLS, COLL_ALGO_P2P, COLL_NALGOS } coll_algo_id;

typedef struct coll_proto {
    const char   *name;
    coll_proto_id id;
    double      (*base_lat_us)(coll_algo_id a);
    double      (*hw_lat_us)(coll_algo_id a, topo_link l);
    double      (*efficiency)(coll_algo_id a);   /* share of the link's bandwidth */
} coll_proto;

extern const coll_proto coll_ll, coll_ll128, coll_simple;

/* An algorithm: whether it runs op on t with protocol p, and NCCL's
 * latency and algorithm bandwidth for it. bus_gbs is the bus bandwidth of
 * the topology for this algorithm (coll_bus_gbs). */
typedef struct coll_algo {
    const char  *name;
    coll_algo_id id;
    int    (*supports)(const topo *t, coll_op op, const coll_proto *p, double bytes);
    double (*latency_us)(const topo *t, coll_op op, const coll_proto *p, double bytes);
    double (*algbw_gbs)(const topo *t, coll_op op, const coll_proto *p, double bytes);
} coll_algo;

extern const coll_algo coll_ring, coll_tree, coll_nvls, coll_p2p;

/* --- shared helpers for the algorithm files --- */

/* coll_intra_lat_us / coll_inter_lat_us: hwLat of one step inside a node
 * (NVLink or PCIe) and across the network (scaled and increased as the
 * topology's network and virtualization say). */
double coll_intra_lat_us(const topo *t, const coll_proto *p, coll_algo_id a);
double coll_inter_lat_us(const topo *t, const coll_proto *p, coll_algo_id a);

/* coll_bus_gbs: the bus bandwidth a ring or tree gets: the slower of the
 * links inside a node and the node's NICs (NCCL: nChannels x min(bwIntra,
 * bwInter)). */
double coll_bus_gbs(const topo *t);

/* --- ops --- */

/* coll_op_parse: "allreduce" | "all_reduce" | "allgather" | ... -> op, or -1. */
int coll_op_parse(const char *name);
const char *coll_op_name(coll_op op);            /* "allreduce", ... */
const char *coll_op_perf_name(coll_op op);       /* "all_reduce_perf", ... */

/* coll_busbw_factor: nccl-tests busbw = algbw x factor (FACTS §5). */
double coll_busbw_factor(coll_op op, int ranks);

/* coll_ring_steps: NCCL's nSteps of a ring: 2(n-1) for all-reduce, n-1 for
 * all-gather and reduce-scatter, n for broadcast and reduce (pipelined
 * chain), n-1 for all-to-all. */
int coll_ring_steps(coll_op op, int ranks);

/* --- correction fitted from measurements (calibration/nccltests.c) --- */

#define COLL_CORR_MAX 64

/* Efficiency multiplies the bandwidth of the chosen pair; it is linear in
 * log2(size) between the points and constant beyond the ends. lat_scale
 * multiplies its latency. A correction with n = 0 is the identity. */
typedef struct {
    int          n;
    double       log2_size[COLL_CORR_MAX];   /* strictly increasing */
    double       eff[COLL_CORR_MAX];         /* > 0 */
    double       lat_scale;                  /* > 0 */
} coll_corr;

/* coll_corr_init: check c (n, log2_size, eff, lat_scale filled) before use.
 * Returns 0, or -1 when a value is out of range or the sizes do not grow.
 * A correction is a plain value: nothing to free. */
int coll_corr_init(const coll_corr *c);

/* coll_corr_eff: the efficiency at bytes (1 for NULL or n = 0). */
double coll_corr_eff(const coll_corr *c, double bytes);

/* --- the estimate --- */

typedef struct {
    const coll_algo  *algo;
    const coll_proto *proto;
    double lat_us;        /* chosen pair, after the correction */
    double algbw_gbs;     /* NCCL's algorithm bandwidth, after the correction */
    double time_us;       /* deterministic time of the collective */
    int    steps;         /* ring steps (for the chunk-level mode) */
} coll_est;

/* coll_estimate: NCCL's choice and time for op on nBytes over t. corr may
 * be NULL. Returns 0, or -1 when no algorithm supports op on t (never for
 * the ops above on at least 2 ranks). */
int coll_estimate(const topo *t, coll_op op, double bytes, const coll_corr *corr,
                  coll_est *out);

/* coll_pair_time_us: NCCL's estimate of one pair, or INFINITY when the pair
 * does not run op on t; for tests and tables. */
double coll_pair_time_us(const topo *t, coll_op op, double bytes,
                         const coll_algo *a, const coll_proto *p);

/* --- noise and stragglers --- */

typedef enum { COLL_JITTER_NONE, COLL_JITTER_EXPONENTIAL, COLL_JITTER_NORMAL } coll_jitter;
typedef enum { COLL_MODE_MAX, COLL_MODE_CHUNK } coll_mode;

/* Per-rank arrival jitter (an exponential delay of mean jitter_us, or a
 * normal offset of standard deviation jitter_us) and host noise: while it
 * runs, each rank is interrupted as a Poisson process of noise_rate_per_s,
 * each interruption taking noise_us (fixed). In COLL_MODE_MAX a collective
 * completes at max over ranks of (arrival + its interruptions) plus its
 * time; in COLL_MODE_CHUNK a ring runs step by step and a step starts when
 * the rank and its ring predecessor have both finished the previous one, so
 * an interruption delays everything downstream. Non-ring algorithms use
 * COLL_MODE_MAX. */
typedef struct {
    coll_jitter jitter;
    double      jitter_us;         /* >= 0 */
    double      noise_rate_per_s;  /* >= 0 */
    double      noise_us;          /* >= 0 */
    coll_mode   mode;
} coll_noise;

/* coll_expected_max_us: E[max over n ranks of the arrival jitter], exact:
 * theta H_n for exponential jitter, a GSL integral of 1 - F^n for normal
 * jitter, 0 for none. */
double coll_expected_max_us(const coll_noise *nz, int n);

/* coll_expected_straggler_us: E[max over n ranks of (jitter + host noise
 * during a collective of time_us)], by integrating 1 - F^n with GSL, where a
 * rank is interrupted at most once (probability q = 1 - exp(-rate T)); for
 * rare interruptions this is the d(1 - (1 - q)^n) law of FACTS §5. */
double coll_expected_straggler_us(const coll_noise *nz, int n, double time_us);

/* A sampler draws noisy collective times without allocating per call: it
 * owns two arrays of one double per rank. Not shared between threads. */
typedef struct {
    const topo      *t;
    const coll_corr *corr;
    coll_noise       noise;
    double          *fin, *next;
    int              n;
} coll_sampler;

/* coll_sampler_init: a sampler for t (borrowed, must outlive it) with a
 * copy of nz and a borrowed corr (may be NULL). Returns 0, or -1 when out
 * of memory. coll_sampler_free releases the arrays. */
int  coll_sampler_init(coll_sampler *s, const topo *t, const coll_noise *nz,
                       const coll_corr *corr);
void coll_sampler_free(coll_sampler *s);

/* coll_sample_us: the time from the nominal start of op (all ranks called
 * it) to its completion at the last rank, drawing the noise from r. est
 * (may be NULL) receives the deterministic estimate. Returns the time, or
 * a negative number when op cannot run on the topology. */
double coll_sample_us(coll_sampler *s, coll_op op, double bytes, gsl_rng *r, coll_est *est);

/* coll_sample_ns: the same in simulation time, for workloads (training
 * steps). */
sim_time_t coll_sample_ns(coll_sampler *s, coll_op op, double bytes, gsl_rng *r);

#endif
