/* llm.h -- LLM serving: model presets, the roofline cost of one engine
 * iteration, and the `llm` workload (a continuous-batching engine).
 *
 * The engine (DESIGN §5, FACTS §6; vLLM / Orca / Sarathi):
 *  - A request is a prompt of P tokens and an output of O tokens. It waits in
 *    a FIFO until admitted, then is prefilled (in chunks when chunked prefill
 *    is on) and decoded one token per iteration until O tokens are out.
 *  - An iteration is host time (scheduling and sampling, no GPU work queued,
 *    so a time-sliced GPU runs other tenants) followed by one GPU burst that
 *    carries one decode token per decoding sequence plus prefill tokens, at
 *    most max_tokens in all and max_batch sequences.
 *  - The KV cache holds blocks of block_tokens tokens; its capacity is
 *    mem_util x memory of the resource minus the weights (per GPU, with
 *    tensor parallelism sharding both). When a decoding sequence needs a
 *    block and none is free, the most recently admitted sequence is
 *    preempted and later recomputed (LLM_KV_PREEMPT, vLLM's default); with
 *    LLM_KV_RESERVE a request is admitted only when prompt + output fit, and
 *    nothing is ever preempted.
 *  - TTFT = first token - arrival; TPOT = (end - first token) / (O - 1)
 *    (0 when O = 1); throughput counts output tokens.
 * Record sizes: size[0] = prompt tokens, size[1] = output tokens. */
#ifndef MODELS_LLM_H
#define MODELS_LLM_H

#include "models/coll.h"
#include "models/workload.h"

typedef struct {
    const char *name;
    int    layers, d_model, heads, kv_heads, head_dim, ffn, vocab;
    double params;            /* all parameters, embeddings included */
    int    max_len;           /* context length the model supports */
    const char *source;
} llm_model;

/* llm_model_find: the preset called name, or NULL. llm_model_list: the
 * names, comma separated, for messages. */
const llm_model *llm_model_find(const char *name);
const char *llm_model_list(void);

typedef enum { LLM_KV_PREEMPT, LLM_KV_RESERVE } llm_kv_policy;

typedef struct {
    int    dist;              /* syn_dist */
    double mean, cv;
} llm_len;

typedef struct {
    const llm_model *m;
    gpu_prec      prec;              /* GPU_BF16 or GPU_FP8 (weights and KV cache) */
    int           tp;                /* tensor-parallel GPUs, >= 1 */
    int           max_batch;         /* sequences per iteration */
    int           max_tokens;        /* tokens per iteration, >= max_batch */
    int           chunked_prefill;
    double        host_ms;           /* per iteration */
    double        mem_util;          /* share of memory the engine may use */
    int           block_tokens;      /* KV-cache block */
    int           kernels_per_layer; /* launches per layer in an iteration */
    llm_kv_policy kv_policy;
    llm_len       prompt, output;    /* used when arrivals carry no sizes */
    topo          tp_net;            /* the tp GPUs of one node; unused when tp = 1 */
    const coll_corr *tp_corr;        /* platform correction of that node, or NULL */
} llm_params;

extern const wl_type wl_llm;

/* Sizes, bytes. Weights and KV bytes are for the whole model (all TP ranks). */
double llm_weight_bytes(const llm_params *p);
double llm_kv_bytes_per_token(const llm_params *p);

/* llm_kv_capacity_tokens: KV-cache tokens that fit on tp GPUs of mem_bytes
 * each; <= 0 when the weights do not fit. */
double llm_kv_capacity_tokens(const llm_params *p, double mem_bytes);

/* llm_linear_burst: the linear layers (QKV, attention output, gate/up, down
 * projections) of ONE layer for `tokens` tokens on one of tp GPUs: FLOPs,
 * HBM bytes (weights plus input and output activations), one kernel per
 * projection. This is what the Vidur operator profiles measure. */
gpu_burst llm_linear_burst(const llm_model *m, gpu_prec prec, int tp, double tokens);

/* One iteration's work, summed over the batch. */
typedef struct {
    double tokens;        /* tokens fed (decode + prefill) */
    double attn_pairs;    /* sum over fed tokens of the keys each attends to */
    double kv_read;       /* KV tokens read by attention */
    double sampled;       /* tokens sampled (LM head) */
} llm_iter;

/* llm_iter_ns: GPU time of an iteration on rate r: the roofline of the
 * per-GPU burst plus, with tp > 1, two all-reduces of the activations per
 * layer, each costed by NCCL's model (coll_estimate on tp_net: choice of
 * algorithm and protocol, no noise). */
sim_time_t llm_iter_ns(const llm_params *p, const gpu_rate *r, const llm_iter *it);

#endif
