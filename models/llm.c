/* llm.c -- LLM presets, iteration cost and the continuous-batching engine.
 *
 * Invariants of the engine state:
 *  - A request is in exactly one place: the waiting FIFO, the running array
 *    (admission order), the decoders in aggregate (a heap: "decoders in
 *    aggregate" below; its blocks and figures are brought up to date when it
 *    leaves, dec_sync), the front end, a decode engine's queue or transfer,
 *    or back in the pool.
 *  - free_blocks + sum of running requests' blocks == total_blocks, a
 *    prefix-cache block held by r requests counting once (r - 1 of its
 *    references are in no block count); cached blocks no request holds are
 *    among free_blocks (models/prefix.h).
 *  - A running request holds blocks for at least ctx + to_compute tokens under
 *    LLM_KV_RESERVE, and for ctx tokens (plus its admitted prompt) under
 *    LLM_KV_PREEMPT.
 *  - At most one iteration is in flight (busy); no GPU job is queued while
 *    the host part of an iteration runs. */
#include "models/llm.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"
#include "models/disagg.h"
#include "models/ops.h"
#include "models/tenant.h"
#include "sim/pool.h"

/* Shapes: reference FACTS §6 (layers, d_model, heads, KV heads, FFN, params).
 * Vocabulary sizes and context lengths: the models' published config.json
 * (Llama 2: 32000 tokens, 4096 context; Llama 3: 128256 tokens, 8192; Llama
 * 3.1: 131072 context). Mistral-7B's 32 query heads and FFN 14336 are from
 * Jiang et al., "Mistral 7B", 2023, Table 1 (not in FACTS). The models from
 * llama-3.1-8b on are their Hugging Face config.json as copied in the
 * reference presets/models_2026.csv (the file each row names); their
 * parameter counts come from the shapes (llm_model_params), which the tests
 * hold to the model cards' totals where models_2026.csv quotes one. Not
 * modelled: gpt-oss's sliding-window layers (costed as full attention, an
 * overestimate of their KV reads beyond 128 tokens) and attention sinks;
 * DeepSeek's multi-token-prediction layer. */
#define CFG(path) "presets/models_2026.csv: " path
#define AIC "ai-dynamo/aiconfigurator@095f58a5 model_configs/"
static const llm_model MODELS[] = {
    { "llama-2-7b", 32, 4096, 32, 32, 128, 11008, 32000, 6.74e9, 4096,
      "FACTS §6; Touvron et al. 2023 (Llama 2) config", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "llama-3-8b", 32, 4096, 32, 8, 128, 14336, 128256, 8.03e9, 8192,
      "FACTS §6; Meta Llama 3 config", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "llama-2-70b", 80, 8192, 64, 8, 128, 28672, 32000, 69e9, 4096,
      "FACTS §6; Touvron et al. 2023 (Llama 2) config", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "llama-3.1-70b", 80, 8192, 64, 8, 128, 28672, 128256, 70.6e9, 131072,
      "FACTS §6; " CFG(AIC "meta-llama--Meta-Llama-3.1-70B_config.json"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "mistral-7b", 32, 4096, 32, 8, 128, 14336, 32000, 7.2e9, 32768,
      "FACTS §6; Jiang et al. 2023 (Mistral 7B) Table 1", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "llama-3.1-8b", 32, 4096, 32, 8, 128, 14336, 128256, 0, 131072,
      CFG(AIC "meta-llama--Meta-Llama-3.1-8B_config.json"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "llama-3.3-70b", 80, 8192, 64, 8, 128, 28672, 128256, 0, 131072,
      CFG("huggingface.co/relaxml/Llama-3.3-70B-Instruct-QTIP-3Bit config.json (architecture keys of "
          "Llama-3.3-70B-Instruct)"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "llama-3.1-405b", 126, 16384, 128, 8, 128, 53248, 128256, 0, 131072,
      CFG(AIC "meta-llama--Meta-Llama-3.1-405B_config.json"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "mistral-7b-v0.3", 32, 4096, 32, 8, 128, 14336, 32768, 0, 32768,
      CFG("huggingface.co/mistralai/Mistral-7B-Instruct-v0.3 config.json"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "qwen2.5-7b", 28, 3584, 28, 4, 128, 18944, 152064, 0, 32768,
      CFG("inference-sim/inference-sim@f90a1e3a model_configs/qwen2.5-7b-instruct/config.json"),
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "qwen2.5-72b", 80, 8192, 64, 8, 128, 29568, 152064, 0, 32768,
      CFG("huggingface.co/XelotX/Qwen2.5-72B-Instruct-Original config.json"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "qwen3-8b", 36, 4096, 32, 8, 128, 12288, 151936, 0, 40960,
      CFG(AIC "Qwen--Qwen3-8B_config.json"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "qwen3-32b", 64, 5120, 64, 8, 128, 25600, 151936, 0, 40960,
      CFG(AIC "Qwen--Qwen3-32B_config.json"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { "qwen3-30b-a3b", 48, 2048, 32, 4, 128, 6144, 151936, 0, 40960,
      CFG(AIC "Qwen--Qwen3-30B-A3B_config.json"), 128, 8, 768, 0, 0, 0, 0, 0, 0, 0 },
    { "qwen3-235b-a22b", 94, 4096, 64, 4, 128, 12288, 151936, 0, 40960,
      CFG(AIC "Qwen--Qwen3-235B-A22B_config.json"), 128, 8, 1536, 0, 0, 0, 0, 0, 0, 0 },
    { "mixtral-8x7b", 32, 4096, 32, 8, 128, 14336, 32000, 0, 32768,
      CFG(AIC "mistralai--Mixtral-8x7B-v0.1_config.json"), 8, 2, 14336, 0, 0, 0, 0, 0, 0, 0 },
    { "gpt-oss-20b", 24, 2880, 64, 8, 64, 2880, 201088, 0, 131072,
      CFG(AIC "openai--gpt-oss-20b_config.json"), 32, 4, 2880, 0, 0, 0, 0, 0, 0, 0 },
    { "gpt-oss-120b", 36, 2880, 64, 8, 64, 2880, 201088, 0, 131072,
      CFG(AIC "openai--gpt-oss-120b_config.json"), 128, 4, 2880, 0, 0, 0, 0, 0, 0, 0 },
    { "deepseek-v3", 61, 7168, 128, 128, 128, 18432, 129280, 0, 163840,
      CFG(AIC "deepseek-ai--DeepSeek-V3_config.json"), 256, 8, 2048, 1, 3, 1536, 512, 64, 128, 0 },
    { "deepseek-r1", 61, 7168, 128, 128, 128, 18432, 129280, 0, 163840,
      CFG(AIC "deepseek-ai--DeepSeek-R1_config.json"), 256, 8, 2048, 1, 3, 1536, 512, 64, 128, 0 },
};
#undef AIC
#undef CFG
#define NMODELS (sizeof MODELS / sizeof MODELS[0])

const llm_model *llm_model_find(const char *name)
{
    for (size_t i = 0; i < NMODELS; i++)
        if (strcmp(MODELS[i].name, name) == 0)
            return &MODELS[i];
    return NULL;
}

size_t llm_model_count(void) { return NMODELS; }
const llm_model *llm_model_at(size_t i) { return i < NMODELS ? &MODELS[i] : NULL; }

/* The list is written once, under pthread_once, so that threads loading
 * scenarios at once (sweep, run --jobs) never write it together. */
static char model_list[1024];
static pthread_once_t model_list_once = PTHREAD_ONCE_INIT;

static void build_model_list(void)
{
    for (size_t i = 0; i < NMODELS; i++) {
        if (i)
            strcat(model_list, ", ");
        strcat(model_list, MODELS[i].name);
    }
}

const char *llm_model_list(void)
{
    pthread_once(&model_list_once, build_model_list);
    return model_list;
}

/* ---- sizes ---- */

static double elem_bytes(gpu_prec p)
{
    /* fp4: MXFP4, 4 bits and one 8-bit scale per 32 values (OCP MX spec) */
    return p == GPU_FP4 ? 0.5 + 1.0 / 32 : p == GPU_FP8 ? 1.0 : p == GPU_FP32 ? 4.0 : 2.0;
}

/* The KV cache is fp8 for fp8 and fp4 weights (no fp4 cache in the
 * engines), bf16 otherwise. */
static double kv_elem_bytes(gpu_prec p)
{
    return p == GPU_FP8 || p == GPU_FP4 ? 1.0 : 2.0;
}

static double q_width(const llm_model *m)      /* query features */
{
    return (double)m->heads * (m->head_dim + (m->kv_lora ? m->rope_dim : 0));
}

static double v_width(const llm_model *m)      /* attention output features */
{
    return (double)m->heads * (m->kv_lora ? m->v_head_dim : m->head_dim);
}

static double attn_params(const llm_model *m)
{
    double d = m->d_model, kv = (double)m->kv_heads * m->head_dim;
    if (!m->kv_lora)
        return d * (q_width(m) + 2 * kv) + v_width(m) * d;
    double qdown = m->q_lora ? d * m->q_lora + (double)m->q_lora * q_width(m) : d * q_width(m);
    return qdown + d * (m->kv_lora + m->rope_dim) +
           (double)m->kv_lora * m->heads * (m->head_dim + m->v_head_dim) + v_width(m) * d;
}

static int moe_layers(const llm_model *m)
{
    return m->experts > 0 ? m->layers - m->dense_layers : 0;
}

static double model_params(const llm_model *m, double experts)
{
    double d = m->d_model;
    double embed = (double)m->vocab * d * (m->tied_embeddings ? 1 : 2);
    double dense = 3.0 * d * m->ffn, expert = 3.0 * d * m->moe_ffn;
    int nm = moe_layers(m);
    double per_moe = d * m->experts + (experts + m->shared_experts) * expert;
    return embed + m->layers * (attn_params(m) + 2 * d) + d +
           (double)(m->layers - nm) * dense + nm * per_moe;
}

double llm_model_params(const llm_model *m)
{
    return m->params > 0 ? m->params : model_params(m, m->experts);
}

double llm_model_active_params(const llm_model *m)
{
    /* the input embedding is a lookup, not a matrix product: model cards
     * leave it out of "active" (gpt-oss: 5.1 B of 5.7 B with it) */
    double lookup = m->tied_embeddings ? 0 : (double)m->vocab * m->d_model;
    return (m->experts > 0 ? model_params(m, m->experts_per_tok) : llm_model_params(m)) - lookup;
}

double llm_weight_bytes(const llm_params *p)
{
    return llm_model_params(p->m) * elem_bytes(p->prec);
}

double llm_kv_bytes_per_token(const llm_params *p)
{
    const llm_model *m = p->m;
    double per_layer = m->kv_lora ? (double)(m->kv_lora + m->rope_dim)
                                  : 2.0 * m->kv_heads * m->head_dim;
    return m->layers * per_layer * kv_elem_bytes(p->prec);
}

double llm_kv_capacity_tokens(const llm_params *p, double mem_bytes)
{
    double free_bytes = p->mem_util * mem_bytes * p->tp - llm_weight_bytes(p);
    return free_bytes / llm_kv_bytes_per_token(p);
}

/* ---- the roofline fallback ---- */

gpu_burst llm_linear_burst(const llm_model *m, gpu_prec prec, int tp, double tokens)
{
    const double d = m->d_model, q = (double)m->heads * m->head_dim;
    const double kv = (double)m->kv_heads * m->head_dim, f = m->ffn;
    /* (in, out) features of each projection, sharded over tp on the output
     * (column parallel) or input (row parallel) side */
    const double shape[4][2] = {
        { d, (q + 2 * kv) / tp }, { q / tp, d }, { d, 2 * f / tp }, { f / tp, d },
    };
    double e = elem_bytes(prec), flops = 0, bytes = 0;
    for (int i = 0; i < 4; i++) {
        double k = shape[i][0], n = shape[i][1];
        flops += 2 * tokens * k * n;
        bytes += e * (k * n + tokens * (k + n));
    }
    gpu_burst b = { flops, bytes, 4, prec };
    return b;
}

/* The roofline burst of an iteration, without tensor-parallel communication. */
static gpu_burst iter_burst(const llm_params *p, const llm_iter *it)
{
    const llm_model *m = p->m;
    double tp = p->tp, e = elem_bytes(p->prec);
    gpu_burst lin = llm_linear_burst(m, p->prec, p->tp, it->tokens);
    double q = (double)m->heads * m->head_dim;
    /* QK^T and AV: 2 FLOPs per multiply-add, two products, per query head dim */
    double attn_flops = 4.0 * q * it->attn_pairs / tp;
    double kv_tok = llm_kv_bytes_per_token(p) / m->layers / tp;   /* one layer */
    double lm_flops = 2.0 * it->sampled * m->d_model * m->vocab / tp;
    double embed_bytes = 2.0 * e * m->d_model * m->vocab / tp;      /* embedding + LM head */
    gpu_burst b;
    b.flops = m->layers * (lin.flops + attn_flops) + lm_flops;
    b.bytes = m->layers * (lin.bytes + kv_tok * (it->kv_read + it->tokens)) + embed_bytes;
    b.kernels = (uint32_t)(m->layers * p->kernels_per_layer + 1);
    b.prec = p->prec;
    return b;
}

/* ---- operator-level cost ---- */

/* The dense MLP of `ffn` features (sharded over tp) for T tokens, count layers. */
static void dense_mlp(ops_cost *c, const gpu_rate *r, gpu_prec pr, double e, double T, double d,
                      double ffn, double tp, double count)
{
    ops_gemm(c, r, pr, e, T, 2 * ffn / tp, d, count);        /* gate and up */
    ops_small(c, r, OPS_ACT, T, ffn / tp, 2.0, count);
    ops_gemm(c, r, pr, e, T, d, ffn / tp, count);            /* down */
}

/* The routed experts of one MoE layer for T tokens on one GPU: each token
 * goes to k of E experts; the experts a batch touches, E (1 - (1 - k/E)^T)
 * in expectation when routing is uniform, are read once each, and each
 * runs a GEMM over its share of the routed tokens, all of them in one
 * grouped kernel per projection (fused MoE). Only active experts' FLOPs are
 * spent. With ep GPUs the experts are split whole between them;
 * with ep = 1 every expert is sharded over the tp GPUs. */
static void moe_experts(ops_cost *c, const gpu_rate *r, const llm_params *p, double e, double T,
                        double count)
{
    const llm_model *m = p->m;
    double E = m->experts, k = m->experts_per_tok, d = m->d_model, fe = m->moe_ffn;
    double shard = p->ep > 1 ? 1 : p->tp, ep = p->ep > 1 ? p->ep : 1;
    double touched = E * (1 - pow(1 - k / E, T));
    double per_gpu = touched / ep, rows = T * k / touched;
    ops_gemm(c, r, GPU_BF16, 2.0, T, E, d, count);                    /* router */
    ops_small(c, r, OPS_ACT, T, E * 0.25, 2.0, count);                /* top-k softmax [I] */
    ops_gemm_grouped(c, r, p->prec, e, rows, 2 * fe / shard, d, per_gpu, count);
    ops_small(c, r, OPS_ACT, T * k / ep, fe / shard, 2.0, count);
    ops_gemm_grouped(c, r, p->prec, e, rows, d, fe / shard, per_gpu, count);
    if (m->shared_experts > 0)
        dense_mlp(c, r, p->prec, e, T, d, (double)m->shared_experts * fe, p->tp, count);
}

double llm_layer_op_s(const llm_model *m, const gpu_rate *r, gpu_prec prec, int tp, double T,
                      llm_layer_op op)
{
    const double e = elem_bytes(prec), d = m->d_model, kv = (double)m->kv_heads * m->head_dim;
    switch (op) {
    case LLM_OP_EMBED:    return ops_small_s(r, OPS_EMBED, T, d, 2.0);
    case LLM_OP_NORM:     return ops_small_s(r, OPS_NORM, T, d, 2.0);
    case LLM_OP_QKV:      return ops_gemm_s(r, prec, e, T, (q_width(m) + 2 * kv) / tp, d);
    case LLM_OP_ROPE:     return ops_rope_s(r, T, q_width(m) / tp, kv / tp, 2.0);
    case LLM_OP_ATTN_OUT: return ops_gemm_s(r, prec, e, T, d, v_width(m) / tp);
    case LLM_OP_ADD:      return ops_small_s(r, OPS_ADD, T, d, 2.0);
    case LLM_OP_MLP_UP:   return ops_gemm_s(r, prec, e, T, 2.0 * m->ffn / tp, d);
    case LLM_OP_ACT:      return ops_small_s(r, OPS_ACT, T, (double)m->ffn / tp, 2.0);
    case LLM_OP_MLP_DOWN: return ops_gemm_s(r, prec, e, T, d, (double)m->ffn / tp);
    default:              return 0;
    }
}

static double coll_s(const llm_params *p, coll_op op, double bytes)
{
    coll_est est;
    if (bytes <= 0 || coll_estimate(&p->tp_net, op, bytes, p->tp_corr, &est) != 0)
        return 0;
    return est.time_us * 1e-6;
}

static void ops_iter(const llm_params *p, const gpu_rate *r, const llm_iter *it, ops_cost *c,
                     double *comm_s)
{
    const llm_model *m = p->m;
    const gpu_prec pr = p->prec;
    const double e = elem_bytes(pr), a = 2.0;      /* weights / activations (bf16) */
    const double tp = p->tp, T = it->tokens, d = m->d_model;
    const double L = m->layers, heads = m->heads / tp;
    const double kv_tok = llm_kv_bytes_per_token(p) / L / tp;        /* one layer, one GPU */
    const double hd_attn = m->kv_lora ? (m->head_dim + m->rope_dim + m->v_head_dim) / 2.0 : m->head_dim;
    const double nm = moe_layers(m);
    memset(c, 0, sizeof *c);
    *comm_s = 0;
    if (T <= 0)
        return;
    ops_small(c, r, OPS_EMBED, T, d, a, 1);
    /* attention block, every layer */
    ops_small(c, r, OPS_NORM, T, d, a, L);
    if (!m->kv_lora) {
        double kv = (double)m->kv_heads * m->head_dim;
        ops_gemm(c, r, pr, e, T, (q_width(m) + 2 * kv) / tp, d, L);
        ops_rope(c, r, T, q_width(m) / tp, kv / tp, a, L);
    } else {   /* MLA without weight absorption: down-projections replicated, up-projections sharded */
        double qin = m->q_lora ? m->q_lora : d;
        ops_gemm(c, r, pr, e, T, (m->q_lora ? m->q_lora : 0) + m->kv_lora + m->rope_dim, d, L);
        ops_gemm(c, r, pr, e, T, q_width(m) / tp, qin, L);
        ops_gemm(c, r, pr, e, T, (double)m->heads * (m->head_dim + m->v_head_dim) / tp, m->kv_lora, L);
        ops_rope(c, r, T, (double)m->heads * m->rope_dim / tp, m->rope_dim, a, L);   /* k_pe: one head, not sharded */
    }
    double pre_tokens = T - it->decodes, pre_pairs = it->attn_pairs - it->dec_pairs;
    double pre_kv = it->kv_read - it->dec_kv_read + pre_tokens;
    ops_attn_prefill(c, r, pre_tokens, pre_pairs, heads, hd_attn, pre_kv * kv_tok, L);
    ops_attn_decode(c, r, it->decodes, it->dec_pairs, heads, hd_attn,
                    (it->dec_kv_read + it->decodes) * kv_tok, L);
    ops_gemm(c, r, pr, e, T, d, v_width(m) / tp, L);
    ops_small(c, r, OPS_ADD, T, d, a, L);
    /* MLP block */
    ops_small(c, r, OPS_NORM, T, d, a, L);
    dense_mlp(c, r, pr, e, T, d, m->ffn, tp, L - nm);
    if (nm > 0)
        moe_experts(c, r, p, e, T, nm);
    ops_small(c, r, OPS_ADD, T, d, a, L);
    /* head */
    ops_small(c, r, OPS_NORM, it->sampled, d, a, 1);
    ops_gemm(c, r, pr, e, it->sampled, (double)m->vocab / tp, d, 1);
    ops_small(c, r, OPS_SAMPLE, it->sampled, m->vocab, 4.0, 1);
    if (p->tp > 1) {
        double act = T * d * a;
        double ar = coll_s(p, COLL_ALLREDUCE, act);
        if (nm > 0 && p->ep > 1) {   /* dispatch and combine of the routed tokens */
            double a2a = coll_s(p, COLL_ALLTOALL, T * m->experts_per_tok * d * a / p->ep);
            *comm_s = (L + (L - nm)) * ar + nm * 2 * a2a;
        } else {
            *comm_s = 2 * L * ar;
        }
    }
}

void llm_iter_cost(const llm_params *p, const gpu_rate *r, const llm_iter *it, llm_cost *out)
{
    memset(out, 0, sizeof *out);
    if (p->cost == LLM_COST_ROOFLINE) {
        gpu_burst b = iter_burst(p, it);
        sim_time_t comm = 0;
        coll_est ar;
        if (p->tp > 1 && it->tokens > 0 &&   /* Megatron: after attention and after the MLP */
            coll_estimate(&p->tp_net, COLL_ALLREDUCE, it->tokens * p->m->d_model * elem_bytes(p->prec),
                          p->tp_corr, &ar) == 0)
            comm = 2 * p->m->layers * sim_round_ns(ar.time_us * 1e3);
        out->ns = gpu_burst_ns(r, &b) + comm;
        gpu_burst_split(r, &b, &out->compute_ns, &out->mem_ns);
        out->comm_ns = comm;
        out->kernels = b.kernels;
        return;
    }
    ops_cost c;
    double comm_s;
    ops_iter(p, r, it, &c, &comm_s);
    out->compute_ns = sim_round_ns(c.compute_s * 1e9);
    out->mem_ns = sim_round_ns(c.mem_s * 1e9);
    out->comm_ns = sim_round_ns(comm_s * 1e9);
    out->ns = sim_round_ns(c.s * 1e9) + out->comm_ns;
    if (out->ns < 1)
        out->ns = 1;
    out->kernels = c.kernels > 4e9 ? 4000000000u : (uint32_t)llround(c.kernels);
}

sim_time_t llm_iter_ns(const llm_params *p, const gpu_rate *r, const llm_iter *it)
{
    llm_cost c;
    llm_iter_cost(p, r, it, &c);
    return c.ns;
}

/* ---- serving-engine presets ---- */

/* CPU costs of the engines (llm_engine in llm.h). None is measured by this
 * project; each is inferred [I] from what the reference llm_serving.csv
 * states, and is a parameter to calibrate:
 *  - vllm-0.5: vLLM before 0.6 on H100 with Llama 3 8B spent 29% of its time
 *    scheduling (gathering results, scheduling, preparing inputs) and 33% in
 *    the HTTP API server, against 38% on the GPU, all in one Python process
 *    (vLLM blog, 2024-09-05): nothing overlapped. Taken to be profiled under
 *    the load the post benchmarks (ShareGPT, 32 QPS) [I], the CPU time per
 *    iteration is 1 ms + 150 us per running sequence: the per-sequence cost at
 *    which that benchmark's iterations (about 130 sequences in this model)
 *    spend 62% of their time on the CPU (120 us gives 55%, 160 us 63%).
 *  - vllm (0.6 and later): its per-sequence CPU cost derived from vllm-0.5's
 *    by what 0.6 changed (same post): the API server runs in its own process
 *    (its 33 of the 62 CPU shares leave the engine's loop; its per-request
 *    part is the front end); multi-step scheduling (PR #7000) schedules and
 *    prepares inputs once for VLLM_STEPS decode steps [I: 8; vLLM's
 *    --num-scheduler-steps], so the other 29 shares are paid once per
 *    VLLM_STEPS iterations: 150 us x 29/62 / 8 = 8.8 us per sequence. The
 *    0.3 ms per iteration is what multi-step does not amortise (the step
 *    loop, the sampler and the CUDA-graph replay of every step) [I: not in
 *    the reference; a token every 13 ms under light load bounds it above].
 *    Asynchronous output processing (PRs #7049, #7921, #8050) gathers a
 *    step's results while the GPU runs the next: half hidden [I].
 *  - sglang: an overlapping scheduler that prepares the next batch while the
 *    GPU runs (SGLang v0.4 "zero-overhead" scheduler); reference figures put
 *    it at or above TensorRT-LLM's throughput (lm-sys blog, 2024-07-25):
 *    0.2 ms + 4 us per sequence, 90% hidden.
 *  - tensorrt-llm: a C++ batch manager: 0.1 ms + 2 us per sequence, half
 *    hidden (in-flight batching overlaps host and device work).
 * Front end: HTTP handling and tokenization before the scheduler (0.5-2 ms
 * plus about 1 us per prompt token for a Rust tokenizer), detokenizing and
 * the response after the last token. `none` keeps host time at host_ms
 * alone (the model before engine presets). */
#define VLLM05_SEQ_US 150.0
#define VLLM_SCHED_SHARE (29.0 / 62.0)
#define VLLM_STEPS 8.0
static const llm_engine ENGINES[] = {
    { "vllm", 0.3, VLLM05_SEQ_US * VLLM_SCHED_SHARE / VLLM_STEPS, 0.5, 1.0, 1.0, 0.5,
      "[I] vLLM blog 2024-09-05: v0.6 API server in its own process, multi-step scheduling (8 steps), async "
      "output processing, applied to vllm-0.5's CPU time" },
    { "vllm-0.5", 1.0, VLLM05_SEQ_US, 0.0, 2.0, 1.0, 1.0,
      "[I] vLLM blog 2024-09-05: before v0.6, 33% HTTP server, 29% scheduling, 38% GPU (H100, Llama 3 8B) "
      "at its 32 QPS ShareGPT benchmark" },
    { "sglang", 0.2, 4, 0.9, 0.5, 1.0, 0.3,
      "[I] SGLang overlap scheduler; lm-sys blog 2024-07-25 (throughput at or above TensorRT-LLM)" },
    { "tensorrt-llm", 0.1, 2, 0.5, 0.5, 1.0, 0.3,
      "[I] C++ in-flight batching runtime; lm-sys blog 2024-07-25 (about 4000 output tokens/s, Llama 3 8B, A100)" },
    { "none", 0.5, 0, 0.0, 0.0, 0.0, 0.0, "host_ms per iteration only (no front end, no per-sequence cost)" },
};
#define NENGINES (sizeof ENGINES / sizeof ENGINES[0])

const llm_engine *llm_engine_find(const char *name)
{
    for (size_t i = 0; i < NENGINES; i++)
        if (strcmp(ENGINES[i].name, name) == 0)
            return &ENGINES[i];
    return NULL;
}

const char *llm_engine_list(void) { return "vllm, vllm-0.5, sglang, tensorrt-llm, none"; }

/* ---- the engine ---- */

typedef struct llm_req llm_req;
struct llm_req {
    llm_req   *next;
    uint64_t   id;
    int        user;
    int        prompt, output, generated;
    int        ctx, to_compute, chunk, blocks;
    int        admitted_once, preemptions, iters;
    long long  batch_sum, kv_blocks;     /* sequences and KV blocks in use, summed over the
                                            iterations it took part in */
    sim_time_t arrival, admitted, first_token;
    sim_time_t service_ns, switch_ns, host_ns;
    arr_prefix pfx;                      /* prefix caching: its prompt's prefix, */
    int        pfx_max, pfx_held;       /* blocks it may enter, holds in the cache */
    int        pfx_query, pfx_hit;      /* prompt tokens looked up at its first admission, found */
    sim_event  ev_front;                 /* front end: before the scheduler, after the last token */
    llm_req   *fe_prev, *fe_next;        /* in the front-end list while ev_front is pending */
    void      *owner;
    /* disaggregated: on the decode engine, the prefill engine's copy until
     * the cache has arrived, when its blocks were reserved and when it came */
    llm_req    *peer;
    sim_time_t  reserved, fetched;
    disagg_xfer xfer;
    uint64_t    adm;                     /* admission order (of its latest admission) */
    /* while a decoder in aggregate (in_dec): the fields above are those of
     * iteration g0, the engine's running totals then are kept here, and
     * gfin is the iteration that gives its last token */
    int         in_dec;
    long long   g0, gfin, batch0, kv0;
    sim_time_t  svc0, sw0, host0;
    struct {                             /* the self-check's explicit copy (llm_selfcheck) */
        int        ctx, generated, iters, blocks;
        long long  batch, kv;
        sim_time_t svc, sw, host;
    } chk;
};

/* A decoder's place in the heap, its key beside it (no pointer chased while
 * sifting). */
typedef struct {
    long long gfin;
    uint64_t  adm;
    llm_req  *q;
} llm_dec;

typedef struct {
    const llm_params *p;
    tenant           *t;
    sim_pool          reqs;
    llm_req          *wait_head, *wait_tail;
    llm_req         **run;               /* running but not decoders in aggregate: admission order */
    llm_req         **done;              /* finished in this iteration */
    llm_dec          *dec;               /* decoders in aggregate: a heap by (gfin, adm) */
    llm_req         **tmp;               /* scratch of max_batch */
    int               nrun, ndec;
    long long         g;                 /* iterations run */
    long long         tot_batch, tot_kv; /* running totals over them: sequences, blocks in use */
    sim_time_t        tot_svc, tot_sw, tot_host;
    long long         dec_base;          /* sum over decoders of ctx - g0 */
    int              *dec_res;           /* decoders by (ctx - g0) mod block_tokens (preempt) */
    uint64_t          next_adm;
    long              total_blocks, free_blocks;
    int               max_tokens_req;    /* prompt + output cap */
    int               busy;
    sim_time_t        host_ns;           /* of the iteration in flight */
    sim_time_t        host_base_ns, host_seq_ns, fe_in_ns, fe_out_ns;
    double            fe_in_tok_ns, hidden;
    llm_req          *fe_head;           /* requests whose front-end event is pending */
    gpu_job           job;
    sim_event         ev_host;
    /* disaggregated (models/disagg.h): a decode engine's requests waiting
     * for blocks and those whose cache is on its way (they hold a batch
     * slot); its link, sending (prefill) or receiving (decode) */
    llm_req          *pd_head, *pd_tail;
    int               nxfer;
    disagg_link       link;
    pfx_cache         pc;                /* with prefix_cache: its blocks are among free_blocks or q->blocks */
} llm_state;

static long blocks_for(const llm_state *st, long tokens)
{
    long b = st->p->block_tokens;
    return (tokens + b - 1) / b;
}

/* Running requests: explicit ones and decoders in aggregate. */
static long long running(const llm_state *st) { return (long long)st->nrun + st->ndec; }

static double draw_len(const llm_len *l, gsl_rng *r)
{
    switch (l->dist) {
    case SYN_EXPONENTIAL:
        return sim_ran_exponential(r, l->mean);
    case SYN_LOGNORMAL: {
        double s2 = log1p(l->cv * l->cv);
        return sim_ran_lognormal(r, log(l->mean) - s2 / 2, sqrt(s2));
    }
    case SYN_GAMMA: {
        double k = 1 / (l->cv * l->cv);
        return sim_ran_gamma(r, k, l->mean / k);
    }
    default:
        return l->mean;
    }
}

static int clamp_tokens(double x)
{
    if (!(x >= 1))
        return 1;
    return x > 1e7 ? 10000000 : (int)llround(x);
}

static void wait_push(llm_state *st, llm_req *q, int front)
{
    q->next = NULL;
    if (!st->wait_head) {
        st->wait_head = st->wait_tail = q;
    } else if (front) {
        q->next = st->wait_head;
        st->wait_head = q;
    } else {
        st->wait_tail->next = q;
        st->wait_tail = q;
    }
}

static llm_req *wait_pop(llm_state *st)
{
    llm_req *q = st->wait_head;
    if (q && !(st->wait_head = q->next))
        st->wait_tail = NULL;
    return q;
}

static void kick(llm_state *st)
{
    if (st->busy || (running(st) == 0 && !st->wait_head))
        return;
    st->busy = 1;
    /* the scheduler walks the running sequences; an overlapping engine has
     * done `hidden` of it while the previous iteration ran on the GPU */
    double host = (double)(st->host_base_ns + running(st) * st->host_seq_ns);
    st->host_ns = sim_round_ns(host * (1 - st->hidden));
    sim_after(st->t->s, &st->ev_host, st->host_ns);
}

static void fe_link(llm_state *st, llm_req *q)
{
    q->fe_prev = NULL;
    q->fe_next = st->fe_head;
    if (st->fe_head)
        st->fe_head->fe_prev = q;
    st->fe_head = q;
}

static void fe_unlink(llm_state *st, llm_req *q)
{
    if (q->fe_prev)
        q->fe_prev->fe_next = q->fe_next;
    else
        st->fe_head = q->fe_next;
    if (q->fe_next)
        q->fe_next->fe_prev = q->fe_prev;
}

/* The KV blocks given back when q lets go of its blocks: its private ones
 * and the cached ones no other request holds (these stay cached). */
static long pfx_let_go(llm_state *st, llm_req *q)
{
    long held = st->p->prefix_cache ? pfx_release(&st->pc, &q->pfx, st->p->block_tokens, q->pfx_held) : 0;
    q->pfx_held = 0;
    return q->blocks - held;
}

/* Take n free blocks: a cached block no request holds is evicted for them
 * when there is no other. */
static void take_blocks(llm_state *st, long n)
{
    st->free_blocks -= n;
    if (st->p->prefix_cache)
        pfx_trim(&st->pc, st->free_blocks);
}

/* ---- decoders in aggregate ----
 *
 * A decoder -- a running request past its prefill, with its first token --
 * takes part in every iteration (decodes come first and all of them fit the
 * budget, max_tokens >= max_batch) and moves the same way in each: its
 * context and tokens by one, its iteration count by one, its sums by the
 * iteration's batch size, blocks in use, GPU and host times. So decoders are
 * kept in aggregate: the engine keeps running totals of those per-iteration
 * figures, each decoder its own fields as of the iteration g0 it became one
 * and the totals then, and its figures now are those plus the totals' growth
 * since (dec_sync). The batch sees them as counts and sums (ndec, dec_base),
 * the cache as the count of those whose context is a whole number of blocks
 * this iteration (dec_res: they need a block each). A decoder leaves after
 * the iteration gfin of its last token (a heap by gfin, then admission
 * order), or, all of them at once (dec_flush), when the cache cannot give
 * every decode its block and preemption must pick requests in admission
 * order. An iteration thus costs O(1 + the requests in prefill, joining or
 * leaving), and O(batch) only when it preempts. */

/* A running request that needs one token fed: a decode, or the last token
 * of a prompt whose earlier chunks are in the cache. */
static int is_decode(const llm_req *q)
{
    return q->ctx > 0 && q->to_compute == 1;
}

static int dec_before(const llm_dec *a, const llm_dec *b)
{
    return a->gfin < b->gfin || (a->gfin == b->gfin && a->adm < b->adm);
}

static void heap_push(llm_state *st, llm_req *q)
{
    llm_dec e = { q->gfin, q->adm, q };
    int i = st->ndec++;
    while (i > 0 && dec_before(&e, &st->dec[(i - 1) / 2])) {
        st->dec[i] = st->dec[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    st->dec[i] = e;
}

static llm_req *heap_pop(llm_state *st)
{
    llm_req *top = st->dec[0].q;
    llm_dec last = st->dec[--st->ndec];
    int i = 0, n = st->ndec;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && dec_before(&st->dec[c + 1], &st->dec[c]))
            c++;
        if (!dec_before(&st->dec[c], &last))
            break;
        st->dec[i] = st->dec[c];
        i = c;
    }
    if (n > 0)
        st->dec[i] = last;
    return top;
}

static int residue(const llm_state *st, long long x)
{
    long long b = st->p->block_tokens, r = x % b;
    return (int)(r < 0 ? r + b : r);
}

/* Whether q, explicit after an iteration, joins the decoders: it decodes,
 * has its first token and more to come, and (preempt) holds blocks for its
 * context exactly, as the aggregate's block count assumes. */
static int joins_decoders(const llm_state *st, const llm_req *q)
{
    return is_decode(q) && q->generated >= 1 && q->generated < q->output &&
           q->pfx_held >= q->pfx_max &&
           (st->p->kv_policy != LLM_KV_PREEMPT || q->blocks == blocks_for(st, q->ctx));
}

static void dec_enter(llm_state *st, llm_req *q)
{
    q->in_dec = 1;
    q->g0 = st->g;
    q->gfin = st->g + (q->output - q->generated);
    q->batch0 = st->tot_batch;
    q->kv0 = st->tot_kv;
    q->svc0 = st->tot_svc;
    q->sw0 = st->tot_sw;
    q->host0 = st->tot_host;
    st->dec_base += q->ctx - q->g0;
    if (st->dec_res)
        st->dec_res[residue(st, q->ctx - q->g0)]++;
    q->chk.ctx = q->ctx;
    q->chk.generated = q->generated;
    q->chk.iters = q->iters;
    q->chk.blocks = q->blocks;
    q->chk.batch = q->batch_sum;
    q->chk.kv = q->kv_blocks;
    q->chk.svc = q->service_ns;
    q->chk.sw = q->switch_ns;
    q->chk.host = q->host_ns;
    heap_push(st, q);
}

static _Atomic long selfcheck_on, selfcheck_checked, selfcheck_bad;

void llm_selfcheck(int on) { selfcheck_on = on; }

void llm_selfcheck_counts(long *checked, long *mismatched)
{
    *checked = selfcheck_checked;
    *mismatched = selfcheck_bad;
}

/* Bring a decoder's fields up to now and take it out of the aggregate (the
 * caller takes it out of the heap). */
static void dec_sync(llm_state *st, llm_req *q)
{
    int d = (int)(st->g - q->g0);
    int ctx0 = q->ctx;
    q->in_dec = 0;
    st->dec_base -= q->ctx - q->g0;
    if (st->dec_res)
        st->dec_res[residue(st, q->ctx - q->g0)]--;
    q->ctx += d;
    q->generated += d;
    q->iters += d;
    q->batch_sum += st->tot_batch - q->batch0;
    q->kv_blocks += st->tot_kv - q->kv0;
    q->service_ns += st->tot_svc - q->svc0;
    q->switch_ns += st->tot_sw - q->sw0;
    q->host_ns += st->tot_host - q->host0;
    if (st->p->kv_policy == LLM_KV_PREEMPT)
        q->blocks += (int)(blocks_for(st, q->ctx) - blocks_for(st, ctx0));
    if (selfcheck_on) {
        selfcheck_checked++;
        if (q->ctx != q->chk.ctx || q->generated != q->chk.generated || q->iters != q->chk.iters ||
            q->blocks != q->chk.blocks || q->batch_sum != q->chk.batch || q->kv_blocks != q->chk.kv ||
            q->service_ns != q->chk.svc || q->switch_ns != q->chk.sw || q->host_ns != q->chk.host)
            selfcheck_bad++;
    }
}

static int by_adm(const void *a, const void *b)
{
    uint64_t x = (*(llm_req *const *)a)->adm, y = (*(llm_req *const *)b)->adm;
    return x < y ? -1 : x > y;
}

/* Every decoder back to the explicit run list, in admission order. */
static void dec_flush(llm_state *st)
{
    int nd = st->ndec;
    llm_req **d = st->tmp;
    for (int x = 0; x < nd; x++) {
        d[x] = st->dec[x].q;
        dec_sync(st, d[x]);
    }
    st->ndec = 0;
    qsort(d, (size_t)nd, sizeof *d, by_adm);
    /* merge into run from the back (run has room for max_batch) */
    int i = st->nrun - 1, j = nd - 1, k = st->nrun + nd - 1;
    while (j >= 0) {
        if (i >= 0 && st->run[i]->adm > d[j]->adm)
            st->run[k--] = st->run[i--];
        else
            st->run[k--] = d[j--];
    }
    st->nrun += nd;
}

/* Preempt the most recently admitted running request: its cache is dropped
 * and it will be recomputed (prompt and the tokens generated so far). Only
 * with no decoders in aggregate (dec_flush first). */
static void preempt_last(llm_state *st)
{
    llm_req *q = st->run[--st->nrun];
    q->preemptions++;
    st->free_blocks += pfx_let_go(st, q);
    q->blocks = 0;
    q->to_compute += q->ctx;
    q->ctx = 0;
    q->chunk = 0;
    wait_push(st, q, 1);
}

/* Decoding requests need one token of room each; make it by preemption,
 * of the most recently admitted first. Decoders in aggregate whose context
 * fills its blocks need one each: when the free blocks cover them and the
 * explicit decodes' needs, nothing is preempted and the count is all it
 * takes; else every decoder goes back to the explicit list and the requests
 * are walked in admission order. */
static void reserve_decodes(llm_state *st)
{
    if (st->ndec > 0) {
        long need = st->dec_res[residue(st, -st->g)];
        for (int i = 0; i < st->nrun; i++)
            if (is_decode(st->run[i]))
                need += blocks_for(st, st->run[i]->ctx + 1) - st->run[i]->blocks;
        if (need <= st->free_blocks) {
            for (int i = 0; i < st->nrun; i++)
                if (is_decode(st->run[i]))
                    st->run[i]->blocks = (int)blocks_for(st, st->run[i]->ctx + 1);
            take_blocks(st, need);   /* at once: evicting down to the end is the same */
            if (selfcheck_on)             /* the explicit copy, one by one */
                for (int i = 0; i < st->ndec; i++) {
                    llm_req *q = st->dec[i].q;
                    if (blocks_for(st, q->chk.ctx + 1) > q->chk.blocks)
                        q->chk.blocks++;
                }
            return;
        }
        dec_flush(st);
    }
    for (int i = 0; i < st->nrun; i++) {
        llm_req *q = st->run[i];
        if (!is_decode(q))
            continue;                       /* still in prefill */
        long need = blocks_for(st, q->ctx + 1) - q->blocks;
        while (need > st->free_blocks && st->nrun > i)
            preempt_last(st);
        if (st->nrun <= i)
            break;                          /* q itself was preempted */
        take_blocks(st, need);
        q->blocks += (int)need;
    }
}

/* The blocks a waiting request needs to be admitted: its cache (none
 * unless it came from a prefill engine), what it computes next and, under
 * LLM_KV_RESERVE, the rest of its output (a prefill engine keeps the
 * prompt only: the output is decoded elsewhere). */
static long need_blocks(const llm_state *st, const llm_req *q)
{
    long tokens = (long)q->ctx + q->to_compute;
    if (st->p->kv_policy == LLM_KV_RESERVE && st->p->role != LLM_ROLE_PREFILL)
        tokens += q->output - q->generated;
    return blocks_for(st, tokens);
}

static int admit(llm_state *st, llm_req *q, long budget)
{
    const llm_params *p = st->p;
    long need = need_blocks(st, q), unref = 0;
    int hit = p->prefix_cache ? pfx_match(&st->pc, &q->pfx, p->block_tokens, (q->prompt - 1) / p->block_tokens, &unref)
                              : 0;
    if (need - hit + unref > st->free_blocks)
        return 0;
    if (!p->chunked_prefill && q->to_compute - hit * p->block_tokens > budget && running(st) > 0)
        return 0;                           /* a whole prompt must fit the budget */
    if (hit > 0) {                          /* its first blocks are cached: shared, not computed */
        st->free_blocks -= pfx_acquire(&st->pc, &q->pfx, p->block_tokens, hit);
        q->pfx_held = hit;
        q->ctx = hit * p->block_tokens;
        q->to_compute -= q->ctx;
    }
    if (!q->admitted_once && p->prefix_cache) {
        q->pfx_query = q->prompt;
        q->pfx_hit = hit * p->block_tokens;
    }
    take_blocks(st, need - hit);
    q->blocks = (int)need;
    if (!q->admitted_once) {
        q->admitted = st->t->s->now;
        q->admitted_once = 1;
    }
    q->adm = st->next_adm++;
    st->run[st->nrun++] = q;
    return 1;
}

/* The iteration's work of one explicit request into it: o tokens in its
 * cache, c fed. */
static void add_explicit(llm_iter *it, const llm_req *q, double o, double c)
{
    it->tokens += c;
    it->attn_pairs += c * o + c * (c + 1) / 2;
    it->kv_read += c > 0 ? o : 0;
    it->sampled += c > 0 && c == q->to_compute;
    if (c == 1 && o > 0 && q->to_compute == 1) {    /* a decode step */
        it->decodes += 1;
        it->dec_pairs += o + 1;
        it->dec_kv_read += o;
    }
}

/* The self-check: the batch's work and the cache's blocks recomputed from
 * every running request (decoders by their explicit copies). */
static void check_batch(const llm_state *st, const llm_iter *it)
{
    llm_iter x;
    long blocks = st->free_blocks;
    memset(&x, 0, sizeof x);
    for (int i = 0; i < st->nrun; i++) {
        add_explicit(&x, st->run[i], st->run[i]->ctx, st->run[i]->chunk);
        blocks += st->run[i]->blocks;
    }
    for (int i = 0; i < st->ndec; i++) {
        llm_req one = *st->dec[i].q;
        one.to_compute = 1;
        add_explicit(&x, &one, one.chk.ctx, 1);
        blocks += one.chk.blocks;
    }
    selfcheck_checked++;
    /* the blocks add up to the cache's when no block is shared (prefix
     * cache) and none is held by a request between engines (disaggregated) */
    int whole = !st->p->prefix_cache && st->p->role == LLM_ROLE_BOTH;
    if (memcmp(&x, it, sizeof x) != 0 || (whole && blocks != st->total_blocks))
        selfcheck_bad++;
}

/* Form the batch and cost it: decodes first, one token each (max_tokens >=
 * max_batch, so all of them fit), then prefill chunks of running requests
 * in admission order, then new admissions in FIFO order while budget and
 * cache allow. */
static void form_batch(llm_state *st, llm_iter *it)
{
    const llm_params *p = st->p;
    if (p->kv_policy == LLM_KV_PREEMPT)
        reserve_decodes(st);
    long budget = p->max_tokens - st->ndec;
    for (int i = 0; i < st->nrun; i++)
        budget -= is_decode(st->run[i]);
    for (int i = 0; i < st->nrun; i++) {
        llm_req *q = st->run[i];
        if (is_decode(q))
            q->chunk = 1;
        else {
            q->chunk = q->to_compute < budget ? q->to_compute : (int)budget;
            budget -= q->chunk;
        }
    }
    while (st->wait_head && running(st) + st->nxfer < p->max_batch && budget > 0) {
        llm_req *q = st->wait_head;
        if (!admit(st, q, budget))
            break;
        wait_pop(st);
        long c = q->to_compute;
        if (c > budget && p->chunked_prefill)
            c = budget;             /* else it runs alone, whole (admit saw to it) */
        q->chunk = (int)c;
        budget -= c < budget ? c : budget;
    }
    memset(it, 0, sizeof *it);
    if (st->ndec > 0) {
        double nd = st->ndec, ctx = (double)(st->dec_base + st->ndec * st->g);
        it->tokens = it->sampled = it->decodes = nd;
        it->attn_pairs = it->dec_pairs = ctx + nd;
        it->kv_read = it->dec_kv_read = ctx;
    }
    for (int i = 0; i < st->nrun; i++)
        add_explicit(it, st->run[i], st->run[i]->ctx, st->run[i]->chunk);
    if (selfcheck_on)
        check_batch(st, it);
}

/* The record of q as of now, of `units` output tokens, its last token
 * sampled at last_token. */
static void fill_rec(const llm_state *st, const llm_req *q, tenant_rec *r, double units,
                     sim_time_t last_token)
{
    sim_time_t now = st->t->s->now;
    tenant_rec_begin(r, q->id, q->user, q->arrival);
    tenant_rec_split(r, q->admitted, q->service_ns, q->switch_ns, q->host_ns, now);
    r->units = units;
    r->size[0] = q->prompt;
    r->size[1] = q->output;
    r->metric[0] = (double)(q->first_token - q->arrival) / 1e6;
    r->metric[1] = q->output > 1 && last_token > q->first_token
                 ? (double)(last_token - q->first_token) / 1e6 / (q->output - 1) : 0;
    r->metric[2] = q->iters ? (double)q->batch_sum / q->iters : 0;
    r->metric[3] = q->iters && st->total_blocks > 0
                 ? 100.0 * (double)q->kv_blocks / ((double)q->iters * (double)st->total_blocks) : 0;
    r->metric[4] = q->preemptions;
    r->metric[5] = q->reserved ? (double)(q->reserved - q->first_token) / 1e6 : 0;
    r->metric[6] = q->fetched ? (double)(q->fetched - q->reserved) / 1e6 : 0;
    r->prefix_query = q->pfx_query;      /* on a decode engine, its prefill engine's */
    r->prefix_hit = q->pfx_hit;
}

/* The response leaves the front end: the request is complete (on a decode
 * engine, it produced every token but the first). */
static void complete(llm_state *st, llm_req *q)
{
    tenant_rec r;
    double units = st->p->role == LLM_ROLE_DECODE ? q->output - 1 : q->output;
    fill_rec(st, q, &r, units, st->t->s->now - st->fe_out_ns);
    sim_pool_put(&st->reqs, q);
    tenant_complete(st->t, &r);
}

static void on_front(sim *s, sim_event *ev);
static void kick(llm_state *st);
static void finish(llm_state *st, llm_req *q);

/* ---- disaggregation (models/disagg.h) ---- */

/* A decode engine reserves blocks for the requests waiting for them, in
 * order, while it has a batch slot, and asks each one's prefill engine for
 * its cache: prompt tokens x bytes per token, one shard per tp rank (of
 * the pool with fewer). */
static void pd_reserve(llm_state *st)
{
    while (st->pd_head && running(st) + st->nxfer < st->p->max_batch) {
        llm_req *q = st->pd_head;
        long need = need_blocks(st, q);
        if (need > st->free_blocks)
            break;
        if (!(st->pd_head = q->next))
            st->pd_tail = NULL;
        take_blocks(st, need);
        q->blocks = (int)need;
        q->reserved = st->t->s->now;
        st->nxfer++;
        q->xfer.obj = q;
        llm_state *from = q->peer->owner;
        /* the side with fewer GPUs moves 1/tp of the cache through each */
        int tp = st->p->tp < from->p->tp ? st->p->tp : from->p->tp;
        double bytes = (double)q->ctx * llm_kv_bytes_per_token(st->p) / tp;
        disagg_link_send(&from->link, &st->link, &q->xfer,
                         sim_round_ns(disagg_transfer_us(st->p->disagg, bytes) * 1e3));
    }
}

/* A cache left prefill engine ud and reached its decode engine: the
 * prefill engine frees its blocks and measures its part (arrival to now),
 * the request joins the decode engine's batch. */
static void pd_fetched(void *ud, disagg_xfer *x)
{
    llm_state *from = ud;
    llm_req *q = x->obj, *pq = q->peer;
    llm_state *st = q->owner;
    tenant_rec r;
    q->fetched = st->t->s->now;
    q->peer = NULL;
    from->free_blocks += pfx_let_go(from, pq);
    pq->reserved = q->reserved;
    pq->fetched = q->fetched;
    fill_rec(from, pq, &r, 1, 0);
    sim_pool_put(&from->reqs, pq);
    tenant_stage_done(from->t, &r);
    st->nxfer--;
    q->adm = st->next_adm++;
    st->run[st->nrun++] = q;
    kick(from);
    kick(st);
}

/* Prefill engine st sampled q's first token: a decode engine takes it on
 * (as a copy in its own pool, which counts its iterations afresh), and q
 * keeps its blocks until the cache has left. A request longer than the
 * decode engine's cache can hold is cut to what fits, as a length limit
 * does; if not even its next token fits, it ends here. */
static void pd_hand_on(llm_state *st, llm_req *q)
{
    arr_item it = { .user = q->user, .nsize = 2, .size = { q->prompt, q->output } };
    tenant *d = disagg_pick_decode(st->p->disagg, st->t->front_t, &it);
    llm_state *ds = d->wl_state;
    if (q->ctx + 1 > ds->max_tokens_req) {
        q->output = q->generated;
        finish(st, q);
        return;
    }
    llm_req *c = tenant_pool_get(d, &ds->reqs);
    if (!c)
        return;
    *c = *q;
    c->pfx = (arr_prefix){ NULL, 0, 0, 0 };     /* the prefill engine's cache holds its prefix */
    c->pfx_max = c->pfx_held = 0;
    c->id = d->next_id++;           /* ids are the engine's own, as on any replica */
    if (c->ctx + c->output > ds->max_tokens_req)
        c->output = ds->max_tokens_req - c->ctx;
    c->owner = ds;
    c->peer = q;
    c->next = NULL;
    c->iters = 0;
    c->batch_sum = c->kv_blocks = 0;
    sim_event_set(&c->ev_front, on_front, c);
    tenant_pass(d);
    if (ds->pd_tail)
        ds->pd_tail->next = c;
    else
        ds->pd_head = c;
    ds->pd_tail = c;
    pd_reserve(ds);
}

static void finish(llm_state *st, llm_req *q)
{
    st->free_blocks += pfx_let_go(st, q);
    q->blocks = 0;
    if (st->fe_out_ns <= 0) {
        complete(st, q);
        return;
    }
    q->host_ns += st->fe_out_ns;
    q->to_compute = -1;                  /* marks the outbound front end */
    fe_link(st, q);
    sim_after(st->t->s, &q->ev_front, st->fe_out_ns);
}

/* A request out of the batch: on to a decode engine after its first token
 * (disaggregated), else finished. */
static void retire(llm_state *st, llm_req *q)
{
    if (q->generated < q->output)
        pd_hand_on(st, q);
    else
        finish(st, q);
}

static void iteration_done(sim *s, gpu_job *j)
{
    llm_state *st = j->owner;
    int kept = 0, ndone = 0, nfin = 0, batch = st->ndec;
    for (int i = 0; i < st->nrun; i++)
        batch += st->run[i]->chunk > 0;
    long used = st->total_blocks - st->free_blocks;     /* the batch's, before the cache takes its new blocks */
    double kv = st->total_blocks > 0 ? 1 - (double)st->free_blocks / st->total_blocks : 0;
    if (st->t->gpu && st->t->gpu->counter) {      /* a timeline's counters: KV use and batch */
        st->t->gpu->counter(st->t->gpu->trace_ud, st->t->gpu, st->t->id, "kv", s->now, kv);
        st->t->gpu->counter(st->t->gpu->trace_ud, st->t->gpu, st->t->id, "batch", s->now, batch);
    }
    /* the decoders, all at once; those with their last token leave */
    st->g++;
    st->tot_batch += batch;
    st->tot_kv += used;
    st->tot_svc += j->service_ns;
    st->tot_sw += j->switch_ns;
    st->tot_host += st->host_ns;
    if (selfcheck_on)
        for (int i = 0; i < st->ndec; i++) {
            llm_req *q = st->dec[i].q;
            q->chk.iters++;
            q->chk.batch += batch;
            q->chk.kv += used;
            q->chk.svc += j->service_ns;
            q->chk.sw += j->switch_ns;
            q->chk.host += st->host_ns;
            q->chk.ctx++;
            q->chk.generated++;
        }
    while (st->ndec > 0 && st->dec[0].gfin == st->g) {
        llm_req *q = heap_pop(st);
        dec_sync(st, q);
        st->tmp[nfin++] = q;               /* in admission order */
    }
    /* the explicit ones, one by one */
    for (int i = 0; i < st->nrun; i++) {
        llm_req *q = st->run[i];
        if (q->chunk > 0) {
            q->iters++;
            q->batch_sum += batch;
            q->kv_blocks += used;
            q->service_ns += j->service_ns;
            q->switch_ns += j->switch_ns;
            q->host_ns += st->host_ns;
            q->ctx += q->chunk;
            q->to_compute -= q->chunk;
            while (q->pfx_held < q->pfx_max && (q->pfx_held + 1) * st->p->block_tokens <= q->ctx)
                st->free_blocks += pfx_add(&st->pc, &q->pfx, st->p->block_tokens, q->pfx_held++);
            q->chunk = 0;
            if (q->to_compute == 0) {             /* sampled a token */
                if (++q->generated == 1)
                    q->first_token = s->now;
                q->to_compute = 1;
            }
        }
        if (q->generated >= q->output || (st->p->role == LLM_ROLE_PREFILL && q->generated > 0))
            st->done[ndone++] = q;
        else if (joins_decoders(st, q))
            dec_enter(st, q);
        else
            st->run[kept++] = q;
    }
    st->nrun = kept;
    st->busy = 0;
    /* out of the batch: decoders and explicit ones merged in admission order */
    for (int a = 0, b = 0; a < nfin || b < ndone;) {
        if (b >= ndone || (a < nfin && st->tmp[a]->adm < st->done[b]->adm))
            retire(st, st->tmp[a++]);
        else
            retire(st, st->done[b++]);
    }
    if (st->pd_head)
        pd_reserve(st);
    kick(st);
}

static void start_iteration(llm_state *st)
{
    llm_iter it;
    form_batch(st, &it);
    if (it.tokens <= 0) {           /* nothing admissible yet */
        st->busy = 0;
        return;
    }
    llm_cost cost;
    llm_iter_cost(st->p, &st->t->rate, &it, &cost);
    st->job.work = cost.ns;
    st->job.kernels = cost.kernels > 0 ? cost.kernels : 1;
    st->job.compute_ns = cost.compute_ns;     /* its split, for MPS */
    st->job.mem_ns = cost.mem_ns;
    st->job.done = iteration_done;
    st->job.owner = st;
    tenant_submit(st->t, &st->job);
}

static void on_host(sim *s, sim_event *ev)
{
    (void)s;
    start_iteration(ev->ctx);
}

static void llm_arrive(void *state, sim *s, const arr_item *it)
{
    llm_state *st = state;
    llm_req *q = tenant_pool_get(st->t, &st->reqs);
    if (!q)
        return;
    memset(q, 0, sizeof *q);
    q->id = st->t->next_id++;
    q->user = it->user;
    q->arrival = s->now;
    int in = clamp_tokens((it->nsize >= 2 ? it->size[0] : draw_len(&st->p->prompt, st->t->rng_wl)) +
                          it->prefix.prepend);
    int out = clamp_tokens(it->nsize >= 2 ? it->size[1] : draw_len(&st->p->output, st->t->rng_wl));
    if (out > st->max_tokens_req - 1)
        out = st->max_tokens_req - 1;
    if (in + out > st->max_tokens_req)  /* truncate the prompt, as clients do */
        in = st->max_tokens_req - out;
    q->prompt = in;
    q->output = out;
    q->to_compute = in;
    if (st->p->prefix_cache) {
        int nb = pfx_blocks(&it->prefix, st->p->block_tokens);
        q->pfx = it->prefix;
        q->pfx_max = nb < in / st->p->block_tokens ? nb : in / st->p->block_tokens;
    }
    q->owner = st;
    sim_event_set(&q->ev_front, on_front, q);
    sim_time_t fe = st->fe_in_ns + sim_round_ns(st->fe_in_tok_ns * in);
    if (fe <= 0) {
        wait_push(st, q, 0);
        kick(st);
        return;
    }
    q->host_ns += fe;
    fe_link(st, q);
    sim_after(s, &q->ev_front, fe);
}

/* A front-end stage ended: into the scheduler's queue, or out as complete. */
static void on_front(sim *s, sim_event *ev)
{
    llm_req *q = ev->ctx;
    llm_state *st = q->owner;
    (void)s;
    fe_unlink(st, q);
    if (q->to_compute < 0) {
        complete(st, q);
        return;
    }
    wait_push(st, q, 0);
    kick(st);
}

/* The engine's arrays and the engine itself. */
static void free_arrays(llm_state *st)
{
    free(st->run);
    free(st->done);
    free(st->dec);
    free(st->tmp);
    free(st->dec_res);
    free(st);
}

static void *llm_alloc(const void *params, tenant *t)
{
    const llm_params *p = params;
    llm_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->p = p;
    st->t = t;
    st->run = calloc((size_t)p->max_batch, sizeof *st->run);
    st->done = calloc((size_t)p->max_batch, sizeof *st->done);
    st->dec = calloc((size_t)p->max_batch, sizeof *st->dec);
    st->tmp = calloc((size_t)p->max_batch, sizeof *st->tmp);
    if (p->kv_policy == LLM_KV_PREEMPT)
        st->dec_res = calloc((size_t)p->block_tokens, sizeof *st->dec_res);
    if (!st->run || !st->done || !st->dec || !st->tmp || (p->kv_policy == LLM_KV_PREEMPT && !st->dec_res)) {
        free_arrays(st);
        return NULL;
    }
    sim_pool_init(&st->reqs, sizeof(llm_req));
    double cap = llm_kv_capacity_tokens(p, t->mem_bytes);
    st->total_blocks = cap > 0 ? (long)(cap / p->block_tokens) : 0;
    if (p->prefix_cache && pfx_init(&st->pc, st->total_blocks) < 0) {
        free_arrays(st);
        return NULL;
    }
    st->free_blocks = st->total_blocks;
    long cap_tokens = st->total_blocks * p->block_tokens;
    st->max_tokens_req = (int)(cap_tokens < p->m->max_len ? cap_tokens : p->m->max_len);
    if (st->max_tokens_req < 2)
        st->max_tokens_req = 2;   /* refused at load time; keep the state sane */
    st->host_base_ns = sim_round_ns(p->engine.host_ms * 1e6);
    st->host_seq_ns = sim_round_ns(p->engine.host_seq_us * 1e3);
    st->hidden = p->engine.overlap;
    st->fe_in_ns = sim_round_ns(p->engine.frontend_in_ms * 1e6);
    st->fe_in_tok_ns = p->engine.frontend_in_tok_us * 1e3;
    st->fe_out_ns = sim_round_ns(p->engine.frontend_out_ms * 1e6);
    sim_event_set(&st->ev_host, on_host, st);
    disagg_link_init(&st->link, t->s, pd_fetched, st);
    return st;
}

static void llm_free(void *state)
{
    llm_state *st = state;
    sim_cancel(st->t->s, &st->ev_host);
    disagg_link_free(&st->link);
    for (llm_req *q = st->fe_head; q; q = q->fe_next)
        sim_cancel(st->t->s, &q->ev_front);
    sim_pool_free(&st->reqs);
    if (st->p->prefix_cache)
        pfx_free(&st->pc);
    free_arrays(st);
}

/* Per request: time to first token and per output token; and what vLLM
 * reports as engine figures, seen by the request: the mean sequences per
 * iteration it took part in, the mean share of KV-cache blocks in use then
 * (%), and how often it was preempted. */
static const char *const LLM_METRICS[] = { "ttft_ms", "tpot_ms", "batch_seqs", "kv_use_pct",
                                           "preemptions", NULL };
static const char *const LLM_PD_METRICS[] = { "ttft_ms", "tpot_ms", "batch_seqs", "kv_use_pct",
                                              "preemptions", "kv_wait_ms", "kv_xfer_ms", NULL };

/* Per GPU of the tp group: the engine's pool is mem_util x its share and
 * holds the weights and the KV cache (llm_kv_capacity_tokens); the CUDA
 * context and the activations of a full iteration live in the rest of the
 * share. Activations [I: the live tensors of the widest step, inferred from
 * the shapes]: the gate/up output and four residual-stream buffers of
 * max_tokens tokens, and fp32 logits of max_batch sampled tokens. */
static void llm_footprint(const void *params, double share_bytes, wl_footprint *f)
{
    const llm_params *p = params;
    const llm_model *m = p->m;
    double e = elem_bytes(p->prec), w = llm_weight_bytes(p) / p->tp;
    double pool = p->mem_util * share_bytes;
    f->weights = w;
    f->kv = pool > w ? pool - w : 0;
    f->activations = (double)p->max_tokens * (2.0 * m->ffn / p->tp + 4.0 * m->d_model) * e +
                     (double)p->max_batch * m->vocab / p->tp * 4.0;
    f->elastic = 1;
}

/* The blocks in use over the cache's blocks (1 for a cache of none). */
static double llm_kv_load(void *state)
{
    const llm_state *st = state;
    return st->total_blocks > 0 ? (double)(st->total_blocks - st->free_blocks) / (double)st->total_blocks : 1.0;
}

double llm_prefix_match(void *state, const arr_item *it)
{
    const llm_state *st = state;
    if (!st->p->prefix_cache)
        return 0;
    int b = st->p->block_tokens, max = 0x7fffffff;
    if (it->nsize >= 2)
        max = (clamp_tokens(it->size[0] + it->prefix.prepend) - 1) / b;
    return (double)pfx_match(&st->pc, &it->prefix, b, max, NULL) * b;
}

/* Tensor parallelism all-reduces every layer's output (coll.h). */
static int llm_collectives(const void *params)
{
    return ((const llm_params *)params)->tp > 1;
}

const wl_type wl_llm = {
    "llm", "tokens/s", LLM_METRICS, llm_alloc, llm_free, llm_arrive, llm_footprint, llm_kv_load,
    "llm", llm_collectives,
};

const wl_type wl_llm_disagg = {
    "llm", "tokens/s", LLM_PD_METRICS, llm_alloc, llm_free, llm_arrive, llm_footprint, llm_kv_load,
    "llm", llm_collectives,
};
