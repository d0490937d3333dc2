/* training.h -- data-parallel training: presets and the `training` workload.
 *
 * Each request is one optimizer step of the rank simulated on the tenant's
 * GPU; the other dp - 1 ranks are taken to be identical and dedicated, so
 * one rank's timeline is the job's (a symmetric model: no stragglers). A
 * step (FACTS §6, PyTorch DDP):
 *   forward burst; backward as one burst per gradient bucket, in reverse
 *   parameter order (first bucket first_bucket_mb, then bucket_mb each);
 *   each bucket is all-reduced as soon as its backward burst ends, one
 *   all-reduce at a time on the network, overlapping later backward bursts;
 *   the optimizer burst starts at max(end of backward, end of the last
 *   all-reduce).
 * Collectives go through comm_allreduce_ns only. Throughput is samples/s
 * (batch_per_gpu x dp per step). Metrics: step_ms (start to end of a step),
 * exposed_comm_ms (optimizer start - backward end).
 * Record sizes: size[0] = samples, size[1] = buckets. */
#ifndef MODELS_TRAINING_H
#define MODELS_TRAINING_H

#include "models/comm.h"
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

typedef struct {
    train_model model;
    gpu_prec    prec;
    int         batch_per_gpu;
    int         dp;                 /* data-parallel ranks */
    double      grad_bytes;         /* per parameter, as all-reduced */
    double      bucket_mb, first_bucket_mb;
    double      opt_bytes;          /* optimizer HBM traffic per parameter */
    comm_link   link;
} train_params;

extern const wl_type wl_training;

/* train_buckets: how many gradient buckets a step has. */
int train_buckets(const train_params *p);

#endif
