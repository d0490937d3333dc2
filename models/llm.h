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
 *  - With a prefix cache (prefix_cache), admission looks the prompt's
 *    hashed blocks up: the leading blocks found (at most (prompt - 1) /
 *    block_tokens, so that the last token is computed, as vLLM does) are
 *    shared, not prefilled, and count as context; each full hashed block
 *    computed enters the cache. Per request, prompt tokens looked up and
 *    found at its first admission go to its record (prefix_query, _hit).
 *  - TTFT = first token - arrival; TPOT = (end - first token) / (O - 1)
 *    (0 when O = 1); throughput counts output tokens.
 * Record sizes: size[0] = prompt tokens, size[1] = output tokens. */
#ifndef MODELS_LLM_H
#define MODELS_LLM_H

#include "models/coll.h"
#include "models/prefix.h"
#include "models/workload.h"

typedef struct {
    const char *name;
    int    layers, d_model, heads, kv_heads, head_dim, ffn, vocab;
    double params;            /* all parameters, embeddings included; 0 = from the shapes */
    int    max_len;           /* context length the model supports */
    const char *source;
    /* mixture of experts; experts = 0 for a dense model. Layers below
     * dense_layers have a dense MLP of ffn; the others route each token to
     * experts_per_tok of `experts` MLPs of moe_ffn, plus shared_experts
     * always-on MLPs of moe_ffn (DeepSeek). */
    int    experts, experts_per_tok, moe_ffn, shared_experts, dense_layers;
    /* multi-head latent attention (DeepSeek); kv_lora = 0 for GQA. The KV
     * cache holds kv_lora + rope_dim values per token and layer; queries
     * and keys have head_dim (no-rope part) + rope_dim, values v_head_dim. */
    int    q_lora, kv_lora, rope_dim, v_head_dim;
    int    tied_embeddings;   /* LM head shares the embedding matrix */
} llm_model;

/* llm_model_params: m->params, or when 0 the count from its shapes
 * (embedding, LM head unless tied, attention, MLP or every expert, norms).
 * llm_model_active_params: parameters a token's forward pass multiplies
 * (MoE: the routed experts_per_tok and the shared experts only; the input
 * embedding, a lookup, left out as model cards do). */
double llm_model_params(const llm_model *m);
double llm_model_active_params(const llm_model *m);

/* llm_model_count / llm_model_at: iterate over the presets. */
size_t llm_model_count(void);
const llm_model *llm_model_at(size_t i);

/* llm_model_find: the preset called name, or NULL. llm_model_list: the
 * names, comma separated, for messages. */
const llm_model *llm_model_find(const char *name);
const char *llm_model_list(void);

typedef enum { LLM_KV_PREEMPT, LLM_KV_RESERVE } llm_kv_policy;

/* How an iteration is costed: operator by operator (models/ops.h, the
 * default) or as one roofline burst (the fallback of DESIGN §3). */
typedef enum { LLM_COST_OPS, LLM_COST_ROOFLINE } llm_cost_model;

/* A serving engine's CPU costs (docs/workloads.md, "Serving engines"). Per
 * iteration the scheduler, input preparation and sampling bookkeeping take
 * host_ms + host_seq_us x (running sequences), of which a fraction overlap
 * is hidden behind the previous iteration's GPU work (asynchronous
 * scheduling); the rest is host time, when the GPU is free for other
 * tenants. Per request the front end (HTTP, tokenizer) takes
 * frontend_in_ms + frontend_in_tok_us x prompt tokens before the request
 * reaches the scheduler, and frontend_out_ms (detokenizing, the response)
 * after its last token. */
typedef struct {
    const char *name;
    double host_ms, host_seq_us, overlap;
    double frontend_in_ms, frontend_in_tok_us, frontend_out_ms;
    const char *source;
} llm_engine;

/* llm_engine_find: the preset called name ("vllm", "vllm-0.5", "sglang",
 * "tensorrt-llm", "none"), or NULL; llm_engine_list: their names. */
const llm_engine *llm_engine_find(const char *name);
const char *llm_engine_list(void);

/* An engine's part in a disaggregated fleet (models/disagg.h): both phases
 * (colocated), prefill only (hands each request on after its first token)
 * or decode only (takes requests whose cache it receives). */
typedef enum { LLM_ROLE_BOTH, LLM_ROLE_PREFILL, LLM_ROLE_DECODE } llm_role;

typedef struct {
    int    dist;              /* syn_dist */
    double mean, cv;
} llm_len;

typedef struct {
    const llm_model *m;
    gpu_prec      prec;              /* GPU_BF16, GPU_FP8 or GPU_FP4 (weights); KV cache bf16 or fp8 */
    int           tp;                /* tensor-parallel GPUs, >= 1 */
    int           ep;                /* expert-parallel GPUs: 1, or tp (experts split whole over the tp GPUs) */
    llm_cost_model cost;
    int           max_batch;         /* sequences per iteration */
    int           max_tokens;        /* tokens per iteration, >= max_batch */
    int           chunked_prefill;
    llm_engine    engine;            /* CPU costs (host_ms, ... may be overridden) */
    double        mem_util;          /* share of memory the engine may use */
    int           block_tokens;      /* KV-cache block */
    int           kernels_per_layer; /* launches per layer (roofline cost only) */
    llm_kv_policy kv_policy;
    llm_len       prompt, output;    /* used when arrivals carry no sizes */
    /* prefix caching (models/prefix.h): the engine keeps a block-hash
     * cache in its KV memory; a hit skips the prefill of the cached blocks
     * (attention still reads them). prefix: the shared prefixes drawn for
     * arrivals that carry none (reuse 0 = none; the tenant draws them) */
    int           prefix_cache;
    pfx_gen_params prefix;
    topo          tp_net;            /* the tp GPUs of one node; unused when tp = 1 */
    const coll_corr *tp_corr;        /* platform correction of that node, or NULL */
    llm_role      role;              /* LLM_ROLE_BOTH unless disaggregated */
    const struct disagg_cfg *disagg; /* the fleet's pools and link; NULL when colocated */
} llm_params;

/* wl_llm: the engine. wl_llm_disagg: the same engine in a disaggregated
 * fleet, whose requests also report kv_wait_ms (first token to the decode
 * engine reserving the cache's blocks) and kv_xfer_ms (from then to the
 * cache's arrival: the wait for both engines' links and the transfer). */
extern const wl_type wl_llm, wl_llm_disagg;

/* llm_is_engine: w is the LLM engine, colocated or disaggregated. */
static inline int llm_is_engine(const wl_type *w)
{
    return w == &wl_llm || w == &wl_llm_disagg;
}

/* llm_prefix_match: the prompt tokens of arrival it that the prefix cache
 * of the llm engine `state` holds now: its leading blocks found, within
 * its prompt when it carries sizes (0 without a prefix cache). For
 * routers; pure. */
double llm_prefix_match(void *state, const arr_item *it);

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

/* The operators of one dense transformer layer outside attention, as the
 * Vidur profiles name them, and the embedding. */
typedef enum {
    LLM_OP_EMBED, LLM_OP_NORM, LLM_OP_QKV, LLM_OP_ROPE, LLM_OP_ATTN_OUT, LLM_OP_ADD,
    LLM_OP_MLP_UP, LLM_OP_ACT, LLM_OP_MLP_DOWN, LLM_NOPS
} llm_layer_op;

/* llm_layer_op_s: seconds of one operator of one layer of m for `tokens`
 * tokens on one of tp GPUs of rate r (models/ops.h; the same shapes
 * llm_iter_cost uses for a dense GQA layer). */
double llm_layer_op_s(const llm_model *m, const gpu_rate *r, gpu_prec prec, int tp, double tokens,
                      llm_layer_op op);

/* One iteration's work, summed over the batch. The dec_ fields are the part
 * of the totals that belongs to decoding sequences (one token each); the
 * rest is prefill. */
typedef struct {
    double tokens;        /* tokens fed (decode + prefill) */
    double attn_pairs;    /* sum over fed tokens of the keys each attends to */
    double kv_read;       /* KV tokens read by attention */
    double sampled;       /* tokens sampled (LM head) */
    double decodes;       /* sequences decoding one token */
    double dec_pairs, dec_kv_read;
} llm_iter;

/* The cost of one iteration on one of the tp GPUs. */
typedef struct {
    sim_time_t ns;                    /* all of it, collectives included */
    sim_time_t compute_ns, mem_ns;    /* the GPU part split as gpu_burst_split does */
    sim_time_t comm_ns;               /* tensor- and expert-parallel collectives */
    uint32_t   kernels;
} llm_cost;

/* llm_iter_cost: GPU time of an iteration on rate r. With LLM_COST_OPS the
 * operators of every layer (norms, QKV/MLA projections, RoPE, attention by
 * prefill and decode, output projection, MLP or routed experts, residual
 * adds), the embedding, final norm, LM head over the sampled tokens and
 * sampling, each costed by models/ops.h; with LLM_COST_ROOFLINE one
 * roofline burst. Collectives by NCCL's model (coll_estimate on tp_net, no
 * noise): with tp > 1 two all-reduces of the activations per layer
 * (Megatron); a MoE layer with ep > 1 replaces the second by an all-to-all
 * dispatch and combine of the routed tokens. */
void llm_iter_cost(const llm_params *p, const gpu_rate *r, const llm_iter *it, llm_cost *out);

/* llm_iter_ns: llm_iter_cost's total. */
sim_time_t llm_iter_ns(const llm_params *p, const gpu_rate *r, const llm_iter *it);

/* llm_selfcheck: with on, every engine from then on checks its decoders in
 * aggregate against an explicit copy kept one request at a time (the
 * iteration's work, the cache's blocks, each request's figures when it
 * leaves the aggregate); for the tests, slow. llm_selfcheck_counts: the
 * comparisons made and those that differed, over all engines since the
 * start of the process. */
void llm_selfcheck(int on);
void llm_selfcheck_counts(long *checked, long *mismatched);

#endif
