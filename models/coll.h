/* coll.h -- NCCL collectives: cost, choice of algorithm and protocol, noise
 * and stragglers (DESIGN §6, reference FACTS §5, docs/collectives.md).
 *
 * Choice. NCCL ranks each (algorithm, protocol) pair with its own model
 * (src/graph/tuning.cc, with the constants of the release in
 * topo.nccl_version):
 *
 *     time_us = lat(a, p) + nBytes / (1000 * algBw(a, p))      algBw in GB/s
 *
 * and runs the pair with the lowest estimate among those NCCL_ALGO /
 * NCCL_PROTO leave, unless a tuner rule names the pair (topo.sel,
 * coll_sel.h). That model exists to rank pairs; it is not the time the
 * collective takes.
 *
 * Achieved time. The chosen pair's time is a chunk pipeline
 * (coll_pipe_us): NCCL runs nc channels (coll_channels_for: fewer for small
 * buffers); each moves its share in chunks of at most the protocol's step
 * (coll_step_bytes) through the algorithm's dependent steps, each step
 * costing chunk / per-channel bandwidth + a synchronisation:
 *
 *     time = start + (depth + chunks - 1) x (chunk / B_ch + sync)
 *
 * for pipelines (trees, chains, NVLS, send/recv) and start + steps x chunks
 * x (chunk / B_ch + sync) for rings, where every link works at every step;
 * past the first pass through the pipeline (the depth, or a ring's first
 * round of steps) a connection keeps NCCL_STEPS / SLICESTEPS chunks in
 * flight, so a step then costs max(chunk / B_ch, (chunk / B_ch + sync) /
 * window) (coll_pipe_us).
 * B_ch is the per-channel share of the slowest link the step crosses, times
 * the protocol's data fraction (LL 1/2, LL128 120/128), times the achieved
 * share of that link (topo.fit), capped by NCCL's own per-architecture
 * per-channel maxima (llMaxBws, perChMaxRingLL128Bws, perChMaxTreeBws, ...;
 * coll_tune.c) and, for Tree, scaled by NCCL's treeCorrectionFactor; NVLS
 * moves (ppn + 1) chunks per step over each GPU's NVLink SHARP path at
 * nvlsEfficiency. The sync of LL and LL128 is Simple's scaled by NCCL's
 * hwLat ratios. topo.fit holds the few fitted parameters (start, per-step
 * sync inside a node and across the network, achieved link shares).
 *
 * A per-platform correction (coll_corr, fitted from nccl-tests output by
 * calibration/) may then scale the chosen pair's time further.
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

/* coll_op, coll_proto_id and coll_algo_id: models/coll_sel.h (through topo.h). */

/* A protocol: its latencies (baseLat, and hwLat by link) for each
 * algorithm, and its bandwidth efficiency. Algorithms index the tables. */
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
/* What an achieved-time estimate reports beside the time. */
typedef struct coll_run {
    int    channels;
    double xfer_us;       /* chunks over bandwidth; time - xfer_us is start-up and syncs */
} coll_run;

typedef struct coll_algo {
    const char  *name;
    coll_algo_id id;
    int    (*supports)(const topo *t, coll_op op, const coll_proto *p, double bytes);
    double (*latency_us)(const topo *t, coll_op op, const coll_proto *p, double bytes);
    double (*algbw_gbs)(const topo *t, coll_op op, const coll_proto *p, double bytes);
    /* the achieved time (chunk pipeline); run receives the channels used
     * and the part of the time that moves data (the rest is start-up and
     * synchronisation) */
    double (*achieved_us)(const topo *t, coll_op op, const coll_proto *p, double bytes, struct coll_run *run);
} coll_algo;

extern const coll_algo coll_ring, coll_tree, coll_nvls, coll_nvlstree, coll_p2p;

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

/* --- NCCL's constants by release and architecture (coll_tune.c) --- */

enum { COLL_ARCH_VOLTA, COLL_ARCH_AMPERE, COLL_ARCH_HOPPER, COLL_ARCH_BLACKWELL };
#define COLL_NCCL_OLDEST 21801     /* 2.18.1: the oldest release in the table */
#define COLL_NCCL_NEWEST TOPO_NCCL_NEWEST

/* coll_nccl_version_parse: "2.27.5" -> 22705, or -1 when it is not a 2.x.y
 * release from 2.18.1 to 2.30.7. */
int coll_nccl_version_parse(const char *text);
/* coll_arch_of_sm: NCCL's architecture row for compute capability sm x 10. */
int coll_arch_of_sm(int sm);
/* NCCL's bandwidth caps (GB/s; per channel except llMaxBws) for a release,
 * architecture and node count. */
double coll_ll_max_bw(int version, int arch, int nodes);
double coll_ring_ll128_max_bw(int version, int arch, int nodes);
double coll_tree_max_bw(int version, int arch, int nodes);
double coll_tree_ll128_max_bw(int version, int arch, int nodes);
/* coll_tree_correction: NCCL's treeCorrectionFactor for protocol p at bytes. */
double coll_tree_correction(int version, coll_proto_id p, double bytes);
/* coll_nvls_efficiency: NCCL's share of the NVLS bus bandwidth (0 where the
 * architecture has no NVLS). */
double coll_nvls_efficiency(int version, int arch);
/* coll_step_bytes: data bytes one step of protocol p moves per channel. */
double coll_step_bytes(coll_proto_id p, coll_op op);
/* coll_channels_for: the channels NCCL launches for bytes over t (at most
 * max_channels, and at most the tuner's channels for the call,
 * t->call_channels, when it set them). */
int coll_channels_for(const topo *t, int max_channels, coll_algo_id a, coll_proto_id p, int ranks,
                      double bytes);

/* --- the achieved-time model (coll_pipe.c) --- */

/* coll_pipe_us: a pipeline of `total` chunk steps on its critical path,
 * the first `fill` of which wait for their predecessor (chunk / bw + sync
 * each); the others overlap with up to `window` chunks in flight, so cost
 * max(chunk / bw, (chunk / bw + sync) / window). bw in GB/s, chunk in
 * bytes; *xfer_us the chunk / bw part of all steps. */
double coll_pipe_us(double start_us, double fill, double total, double chunk_bytes, double bw_gbs,
                    double sync_us, double window, double *xfer_us);

/* coll_hops: the dependent hops of a pipeline's fill by the link they
 * cross: `near` inside a node (sync near_sync_us each), `far` through the
 * network (far_sync_us). Its slowest link, the network's when far > 0,
 * bounds the steady state. */
typedef struct { double near, far, near_sync_us, far_sync_us; } coll_hops;

/* coll_pipe_hops_us: coll_pipe_us with a fill of h->near + h->far steps,
 * each paying the sync of the link it crosses; the steady state pays the
 * slowest link's. */
double coll_pipe_hops_us(double start_us, const coll_hops *h, double total, double chunk_bytes,
                         double bw_gbs, double window, double *xfer_us);

/* coll_hops_sync_us: the syncs of h's hops added up, each its own link's. */
double coll_hops_sync_us(const coll_hops *h);

/* coll_hops_worst_us: the sync of h's slowest link. */
double coll_hops_worst_us(const coll_hops *h);

/* coll_start_us: a collective's launch to its first step, NCCL's own
 * (no measuring harness): NCCL's baseLat of algorithm a with protocol p,
 * 6.6-14 us; send/recv and all-to-all have their own (topo_fit.p2p_start_us). */
double coll_start_us(coll_algo_id a, const coll_proto *p);

/* coll_window: the steps of protocol p a connection holds in flight for op
 * (NCCL_STEPS / SLICESTEPS). */
double coll_window(coll_proto_id p, coll_op op);

/* coll_tree_chunk: the chunk a pipeline of depth steps uses for a
 * channel's share, from the protocol's step down (NCCL's adaptive chunk). */
double coll_tree_chunk(double step, double share, double depth);

/* coll_intra_ch_gbs / coll_net_ch_gbs: the achieved per-channel bandwidth
 * of one channel of max_channels inside a node / through the node's NICs,
 * with protocol p's data fraction; across nodes both directions at once
 * (x the platform's net_duplex). */
double coll_intra_ch_gbs(const topo *t, const coll_proto *p, int max_channels);
double coll_net_ch_gbs(const topo *t, const coll_proto *p, int max_channels);

/* coll_sync_us: the per-step synchronisation of protocol p over link l
 * (topo.fit's Simple figure scaled by NCCL's hwLat ratio for Ring). */
double coll_sync_us(const topo *t, const coll_proto *p, topo_link l);

/* --- ops --- */

/* coll_op_parse: "allreduce" | "all_reduce" | "all_reduce_perf" | "allgather"
 * | ... -> op, or -1; case, '_' and '-' do not count ("AllReduce",
 * "all-reduce", NCCL's and nccl-tests' spellings). */
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
    /* where it was fitted (the file's "platform"; has_platform 0 when the
     * file does not say) and how well (its "fit", NAN when absent) */
    int          has_platform;
    char         topo[32], gpu[32], virt[32];/* virt "" when not recorded */
    int          nodes, ppn, op;             /* op: a coll_op, or -1 */
    int          nccl_version;               /* 2xxyy, 0 when not recorded */
    coll_sel     sel;                        /* the NCCL_ALGO / NCCL_PROTO the log ran with (none: NCCL's choice) */
    char         algo_text[64], proto_text[64];  /* as the file gives them, "" when not recorded */
    double       fit_max_err;
    double       fit_max_err_size;           /* bytes of that row, 0 when not recorded */
} coll_corr;

/* coll_size_text: bytes as "128 KiB", "8 GiB", "12 B" (whole units of
 * 1024 where they divide, else "1.5 MiB"). */
const char *coll_size_text(double bytes, char *buf, size_t len);

/* How far a correction is from where it is applied (coll_corr_check). */
enum { COLL_CORR_FITS = 0, COLL_CORR_WARN = 1, COLL_CORR_CANNOT = 2 };

/* coll_corr_check: whether c, fitted where its platform says, applies to
 * op on t. COLL_CORR_CANNOT (a different GPU: other links, other NCCL
 * constants) or COLL_CORR_WARN (another server preset of the same GPU,
 * another node or GPU count, another op, another virtualization, another
 * NCCL release's constants, no recorded platform, or a fit that missed its
 * own log by more than 10%: every one that applies, in one sentence in
 * msg); COLL_CORR_FITS otherwise. An identity correction (n = 0, scale 1)
 * fits anything. */
int coll_corr_check(const coll_corr *c, const topo *t, coll_op op, char *msg, size_t len);

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
    double lat_us;        /* start-up and synchronisation of the achieved time, after the correction */
    double algbw_gbs;     /* achieved algorithm bandwidth bytes / time, after the correction */
    double time_us;       /* achieved time of the collective (the chunk pipeline), corrected */
    double nccl_us;       /* NCCL's own estimate for the pair (its ranking model) */
    int    channels;      /* channels the pair runs on at this size */
    int    steps;         /* ring steps (for the chunk-level mode) */
} coll_est;

/* coll_estimate: NCCL's choice and the achieved time for op on nBytes over
 * t. corr may be NULL. Returns 0, or -1 when no algorithm supports op on t
 * (never for the ops above on at least 2 ranks). */
int coll_estimate(const topo *t, coll_op op, double bytes, const coll_corr *corr,
                  coll_est *out);

/* coll_pair_time_us: NCCL's estimate of one pair (its ranking model), or
 * INFINITY when the pair does not run op on t; for tests and tables. */
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
