/* training.h -- data-parallel training: presets and the `training` workload.
 *
 * Each request is one optimizer step of the rank simulated on the tenant's
 * GPU; the other dp - 1 ranks run the same bursts, and how much later than
 * the simulated rank they reach each collective is drawn by the collective
 * model's sampler (per-rank arrival jitter and host noise: a collective
 * completes at its slowest rank). The gradients are cut into buckets (units)
 * in reverse parameter order: the first first_bucket_mb, then bucket_mb each
 * (FACTS §6, PyTorch DDP). One network stream per rank: collectives run one
 * at a time in the order they are issued. A step, by sharding mode:
 *   TRAIN_DDP: forward burst; one backward burst per bucket, each bucket
 *     all-reduced as soon as its burst ends, overlapping later bursts;
 *     optimizer over all parameters once backward and every all-reduce end.
 *   TRAIN_ZERO2 (ZeRO-1/2): as DDP with reduce-scatters instead of
 *     all-reduces, the optimizer on 1/dp of the parameters, then an
 *     all-gather of the updated parameters per bucket (exposed).
 *   TRAIN_SHARD_GRAD_OP (FSDP): forward one burst per unit in parameter
 *     order; the all-gather of unit k+1 is issued when unit k's forward
 *     starts (prefetch), unit k waits for its own; backward as ZeRO-2 (the
 *     gathered parameters are kept); sharded optimizer.
 *   TRAIN_FULL_SHARD (FSDP, ZeRO-3): as SHARD_GRAD_OP, and backward
 *     gathers each unit again (prefetched one unit ahead) before its burst.
 * Collectives cost through the NCCL model (models/coll.h) only. Throughput
 * is samples/s (batch_per_gpu x dp per step). Metrics: step_ms (start to end
 * of a step), exposed_comm_ms (time the GPU stream waited for a
 * collective), comm_gb (bytes each rank put on the wire: the sum over the
 * step's collectives of size x busbw factor, GB).
 * Record sizes: size[0] = samples, size[1] = buckets. */
#ifndef MODELS_TRAINING_H
#define MODELS_TRAINING_H

#include "models/coll.h"
#include "models/workload.h"

typedef struct {
    const char *name;
    double params;
    double fwd_flops;           /* per sample */
    double act_bytes;           /* HBM traffic of activations, forward, per sample */
    int    kernels;             /* forward launches */
    int    batch_per_gpu;       /* default */
    const char *source;
} train_model;

/* train_model_find: resnet50, bert-large; NULL otherwise. train_model_gpt:
 * a GPT-style decoder of `params` parameters and sequence length seq. */
const train_model *train_model_find(const char *name);
train_model train_model_gpt(double params, int seq);

typedef enum { TRAIN_DDP, TRAIN_ZERO2, TRAIN_SHARD_GRAD_OP, TRAIN_FULL_SHARD } train_sharding;

typedef struct {
    train_model model;
    gpu_prec    prec;
    int         batch_per_gpu;
    int         dp;                 /* data-parallel ranks */
    train_sharding sharding;
    double      grad_bytes;         /* per parameter, as all-reduced or reduce-scattered */
    double      param_bytes;        /* per parameter, as all-gathered */
    double      bucket_mb, first_bucket_mb;   /* of gradient bytes */
    double      opt_bytes;          /* optimizer HBM traffic per parameter */
    topo        net;                /* dp ranks; unused when dp = 1 */
    coll_noise  noise;              /* per-rank jitter and host noise */
    const coll_corr *corr;          /* may be NULL */
} train_params;

extern const wl_type wl_training;

/* At most this many gradient buckets per step (scenarios refuse more). */
#define TRAIN_MAX_BUCKETS 1000000

/* train_buckets: how many gradient buckets a step has; at most
 * TRAIN_MAX_BUCKETS for parameters the scenario layer accepted. */
int train_buckets(const train_params *p);

/* train_sharding_parse: "ddp" | "zero1" | "zero2" | "shard_grad_op" |
 * "full_shard" | "zero3" -> mode, or -1 (zero1 is zero2, zero3 full_shard:
 * the same collectives). train_sharding_name: the mode's name. */
int train_sharding_parse(const char *name);
const char *train_sharding_name(train_sharding s);

/* train_state_bytes_per_param: what one GPU keeps per parameter (bf16
 * weights and gradients, 12 bytes of fp32 Adam state; ZeRO, Rajbhandari et
 * al. 2020), with the sharded part divided by dp. */
double train_state_bytes_per_param(train_sharding s, int dp);

#endif
