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
#include "models/llm.h"
#include "models/ops.h"
#include "models/workload.h"

/* What a training step is made of. Convolutional nets are a list of
 * layers (ResNet-50 v1.5); transformers are `layers` identical layers of
 * the shape below plus their embedding and head. */
typedef enum { TRAIN_ARCH_RESNET50, TRAIN_ARCH_TRANSFORMER } train_arch;

typedef struct {
    const char *name;
    train_arch  arch;
    double params;
    double fwd_flops;           /* per sample (image or sequence), forward, from the layers */
    int    batch_per_gpu;       /* default */
    /* transformers: */
    int    layers, d_model, heads, kv_heads, head_dim, ffn, vocab, seq;
    int    gated;               /* SwiGLU MLP (three matrices) rather than GELU (two) */
    int    flash;               /* fused FlashAttention; 0: attention as batched GEMMs,
                                 * softmax and dropout kernels (BERT as DeepLearningExamples runs it) */
    double head_tokens;         /* share of the tokens the output head sees (BERT's masked
                                 * positions), 1 for a language model */
    double tensors;             /* parameter tensors (the optimizer's launches) */
    double doc_tokens;          /* pre-training corpus: mean tokens of a document, which is cut
                                 * into sequences of at most seq (0: every sequence is full) */
    /* mixture of experts (experts = 0: dense), as llm_model describes it:
     * layers from dense_layers on route each token to experts_per_tok of
     * `experts` gated MLPs of moe_ffn, plus shared_experts always-on ones */
    int    experts, experts_per_tok, moe_ffn, shared_experts, dense_layers;
    double expert_params;       /* the routed experts' parameters, all layers */
    /* multi-head latent attention (DeepSeek; kv_lora = 0: none), as llm_model:
     * queries through a q_lora-rank projection (0: direct), keys and values
     * through a kv_lora-rank one, query/key heads of head_dim + rope_dim,
     * value heads of v_head_dim */
    int    q_lora, kv_lora, rope_dim, v_head_dim;
    double active_params;       /* parameters a token multiplies (llm_model_active_params) */
    const char *source;
} train_model;

/* train_model_find: "resnet50", "bert-base" (the encoder and its pooler,
 * sequence 128 unless seq), "bert-large" (pre-training, sequence seq, 0 for
 * its 512) or "bert-large-squad" (fine-tuning on SQuAD: sequence 384 unless
 * seq, a two-logit head) into *m; -1 for another name.
 * train_model_gpt: a GPT-style decoder of `params` parameters and
 * sequence length seq. train_model_transformer: a decoder of the given
 * shape (an LLM preset's), sequence seq. */
int train_model_find(const char *name, int seq, train_model *m);

/* train_model_from_llm: the decoder an LLM preset or Hugging Face
 * config.json describes (models/llm.h), trained at sequence seq: its
 * shape, gated MLP, FlashAttention, its experts (MoE) and latent attention
 * (MLA: the low-rank projections as GEMMs of their own; the attention
 * kernel on the up-projected heads, as in training, not the absorbed form
 * of decoding); params the preset's total, active_params its active ones. */
train_model train_model_from_llm(const llm_model *lm, int seq);

/* train_model_moe_layers: the layers of m with experts (0 when dense). */
int train_model_moe_layers(const train_model *m);
train_model train_model_gpt(double params, int seq);
train_model train_model_transformer(const char *name, int layers, int d_model, int heads, int kv_heads,
                                    int head_dim, int ffn, int vocab, int gated, int seq);

/* train_precision_bytes: the bytes of an activation element under p: 4 for
 * fp32 and tf32 (TF32 is a GEMM mode; tensors stay fp32), 2 otherwise
 * (mixed precision keeps fp16/bf16 activations; fp8 GEMMs too). */
double train_precision_bytes(gpu_prec p);

/* How a framework's kernels are fused (the fused_norm flags of
 * train_layers_cost and train_framework): TRAIN_FUSED_NORM: batch norm,
 * ReLU and the residual add as one kernel; TRAIN_TF_GRAPH: TensorFlow's
 * graph without XLA, a transformer's every element-wise op (GELU's tanh
 * form, dropout, the scores' scale and mask, biases, einsum transposes,
 * Keras' layer-norm gamma and beta) a kernel of its own. 0: each module a
 * kernel (PyTorch eager), and with TRAIN_EAGER a BERT layer's attention as
 * the PyTorch BERT of DeepLearningExamples and Hugging Face writes it: Q,
 * K and V three linear layers, the scores' scale and mask two element-wise
 * operators, torch.matmul's copies of the permuted Q, K and V to batches
 * and the context's copy back (models/training.c, walk_eager_attn). */
#define TRAIN_FUSED_NORM 1
#define TRAIN_TF_GRAPH 2
#define TRAIN_EAGER 4

/* train_layers_cost: the GPU time of `batch` samples' forward pass (fwd)
 * and backward pass (bwd: input and weight gradients) on r in precision
 * p, operator by operator (models/ops.h); tp splits a transformer's
 * heads and MLP over tp GPUs (Megatron), 1 otherwise; fused_norm the
 * flags above. Either pointer may be NULL. */
void train_layers_cost(const train_model *m, const gpu_rate *r, gpu_prec p, double batch, int tp,
                       int fused_norm, ops_cost *fwd, ops_cost *bwd);

/* train_layers_cost_ep: as train_layers_cost, a MoE model's experts split
 * whole over ep GPUs (expert parallelism; each GPU runs experts / ep of
 * them on the token rows the all-to-all brings it); ep = 1 as above. */
void train_layers_cost_ep(const train_model *m, const gpu_rate *r, gpu_prec p, double batch, int tp, int ep,
                          int fused_norm, ops_cost *fwd, ops_cost *bwd);

/* train_infer_cost: the GPU time of `batch` samples' inference (the
 * forward pass alone) on r in precision p, added to c, as an inference
 * engine builds it: ResNet-50's batch norms folded into its convolutions
 * and ReLU and the residual add run in their epilogues (TensorRT's layer
 * fusion), so 57 kernels: 53 convolutions, the two poolings, the
 * classifier and its softmax; a transformer as its training forward
 * pass, norms and softmax in the activation precision. */
void train_infer_cost(const train_model *m, const gpu_rate *r, gpu_prec p, double batch, ops_cost *c);

/* An inference engine (train_infer_engine_find): folded: the graph a
 * compiler builds -- ResNet-50's batch norm in the convolution's weights
 * and ReLU and add in its epilogue (TensorRT), an encoder layer (BERT's)
 * as 7 kernels (QKV, fused attention, output projection, add + norm, the
 * MLP's two GEMMs with bias and GELU in the epilogue, add + norm);
 * fused_norm: batch norm, ReLU and add as one kernel (MXNet's NHWC
 * kernels); autocast: 16-bit runs re-cast every fp32 weight each forward
 * (PyTorch autocast); host_us: host time to dispatch one operator;
 * kernel_us: GPU time each of its kernels takes beyond the operator's cost
 * (models/ops.c), at the GPU's full clock: on a power-capped GPU it is
 * 1 / gpu_rate.clock_frac as long. */
typedef struct {
    const char *name;
    int    folded, fused_norm, autocast;
    int    eager_attn;          /* a BERT layer's attention as PyTorch eager runs it (TRAIN_EAGER) */
    double host_us;
    double kernel_us;
    const char *source;
} train_infer_engine;

/* train_infer_engine_find: "pytorch", "pytorch-half" (eager, weights in
 * 16 bits, no autocast), "mxnet" (NGC container 22.10), "mxnet-20.12"
 * (container 20.12), "tensorrt", "aitemplate"; NULL otherwise. */
const train_infer_engine *train_infer_engine_find(const char *name);

/* train_infer_s: the time of one inference batch of `batch` samples of m
 * on r in precision p under engine eng, from its layers in eval mode (no
 * dropout, batch norm from running statistics): the longer of the GPU's
 * kernels (each with the engine's kernel_us) and the host's dispatch of
 * its framework operators at host_us (one a kernel, but for the kernels an
 * operator launches inside its own call). gpu (may be NULL) receives the
 * GPU's part. */
double train_infer_s(const train_model *m, const gpu_rate *r, gpu_prec p, double batch,
                     const train_infer_engine *eng, ops_cost *gpu);

/* train_activation_bytes: what `batch` samples keep in memory for the
 * backward pass: ResNet's convolution and norm inputs; a transformer
 * layer's 34 s b h bytes plus 5 a s^2 b without FlashAttention in 16-bit
 * (Korthikanti et al. 2022), twice that in fp32. */
double train_activation_bytes(const train_model *m, gpu_prec p, double batch);

typedef enum { TRAIN_DDP, TRAIN_ZERO2, TRAIN_SHARD_GRAD_OP, TRAIN_FULL_SHARD } train_sharding;

/* How a framework runs the step's kernels (train_framework_find):
 * fused_norm: the fusion flags (TRAIN_FUSED_NORM: batch norm, ReLU and the
 * residual add as one kernel, cuDNN's NHWC BN-add-ReLU or XLA;
 * TRAIN_TF_GRAPH: TensorFlow without XLA); opt_kernels_per_tensor: the optimizer's launches per
 * parameter tensor (below 1: several tensors a launch; 0: a multi-tensor kernel, one launch per
 * OPT_TENSORS_PER_LAUNCH tensors); host_us: host time to dispatch one
 * optimizer kernel. The optimizer follows a host synchronisation (the
 * mixed-precision overflow check), so its launches are not hidden behind
 * GPU work: it takes the longer of its GPU time and its dispatch time.
 * after_backward: the gradient buckets are reduced once the whole backward
 * has ended (Horovod), not each as its backward ends (DDP).
 * bin_tokens: the data loader groups sequences by length into bins of this
 * many tokens and pads a batch to its bin's top, not to seq (LDDL's
 * binning; 0: every batch padded to seq). */
typedef struct {
    const char *name;
    int    fused_norm;
    double opt_kernels_per_tensor;
    double host_us;
    int    after_backward;
    int    bin_tokens;
    const char *source;
} train_framework;

/* train_framework_find: "pytorch", "pytorch-lddl", "pytorch-squad",
 * "tensorflow", "tensorflow-noxla", "mxnet"; NULL otherwise. */
const train_framework *train_framework_find(const char *name);

typedef struct {
    train_model model;
    gpu_prec    prec;
    int         batch_per_gpu;
    int         dp;                 /* data-parallel ranks */
    int         accumulation;       /* micro-batches per optimizer step (gradient accumulation) */
    const train_framework *fw;      /* NULL: pytorch */
    train_sharding sharding;
    double      grad_bytes;         /* per parameter, as all-reduced or reduce-scattered */
    double      param_bytes;        /* per parameter, as all-gathered */
    double      bucket_mb, first_bucket_mb;   /* of gradient bytes */
    double      opt_bytes;          /* optimizer HBM traffic per parameter */
    topo        net;                /* dp ranks; unused when dp = 1 */
    coll_noise  noise;              /* per-rank jitter and host noise */
    const coll_corr *corr;          /* may be NULL */
    int         ep;                 /* MoE: expert-parallel GPUs (a divisor of dp; 0 or 1: none) */
    topo        ep_net;             /* the ep GPUs of one expert-parallel group; unused when ep <= 1 */
    int         loader_threads;     /* CPU threads decoding each GPU's images (DALI's CPU pipeline); 0: no limit */
    int         host_cores;         /* a node's physical CPU cores, shared by its GPUs' loader and main
                                     * threads; 0: as many as they need */
} train_params;

/* train_loader_s: the seconds p's CPU data loader needs for one step's
 * samples (batch x accumulation) of an image model: loader_threads per
 * GPU, each decoding and augmenting TRAIN_LOADER_IMAGES_PER_CORE_S images
 * a second on a core of its own, and a node's GPUs' loader threads and
 * main threads sharing its host_cores when they outnumber them; 0 without a
 * loader or for a model that is not an image model. The step takes at
 * least this long (the loader prepares the next batch while the GPU runs). */
double train_loader_s(const train_params *p);

/* Expert parallelism (MoE, ep > 1; DeepSpeed-MoE, Megatron-Core): the dp
 * GPUs form dp / ep groups of ep; a group holds every expert once, each
 * GPU experts / ep of them, so a GPU keeps the dense parameters and 1/ep of
 * the experts' (train_local_params), and data parallelism reduces those
 * (a GPU's expert gradients with the same experts' replicas in the other
 * groups; costed as one reduction over the dp GPUs of the GPU's bytes [I]).
 * Every MoE layer's forward sends each token to its top-k experts and
 * back: two all-to-alls over the group of T k d e bytes each (T the GPU's
 * tokens per micro-batch, e the activation bytes; nccl-tests' size, a rank's
 * send buffer), the backward two more of the gradients. They sit between
 * the router and the experts and between the experts and the residual
 * add, so the GPU waits for them (no overlap [I: as Megatron-Core without
 * its a2a-overlap option]); each costs through the NCCL model
 * (coll_estimate, COLL_ALLTOALL on ep_net). */

/* train_local_params: the parameters one GPU holds and reduces under p's
 * expert parallelism (all of them without). */
double train_local_params(const train_params *p);

/* train_moe_alltoall_bytes: the send buffer of one all-to-all of one MoE
 * layer for a micro-batch (T k d e); 0 for a dense model or ep <= 1. */
double train_moe_alltoall_bytes(const train_params *p);

/* train_moe_alltoall_s: one micro-batch's all-to-alls, forward and
 * backward (4 per MoE layer), through the NCCL model; 0 without ep. */
double train_moe_alltoall_s(const train_params *p);

/* train_optimizer_s: the optimizer's time on r for `params` parameters in
 * `tensors` tensors, opt_bytes of HBM traffic each, under framework fw. */
double train_optimizer_s(const train_framework *fw, const gpu_rate *r, double params, double tensors,
                         double opt_bytes);

/* train_step_s: one GPU's optimizer step alone (no collectives): accumulation
 * x (forward + backward) of batch_per_gpu plus the optimizer, on r. */
double train_step_s(const train_params *p, const gpu_rate *r);

/* A Megatron-style step of 3-D parallelism (Narayanan et al. 2021): tensor
 * parallel tp (heads and MLP split; per layer two all-reduces of the
 * activations forward and two backward, or with sequence parallelism sp an
 * all-gather and a reduce-scatter for each, on the tp GPUs of a server),
 * pipeline parallel pp with vp virtual stages per GPU (interleaved 1F1B: the
 * bubble is (pp - 1) / vp micro-batch times; activations sent between stages),
 * context parallel cp (each GPU a 1/cp slice of the sequence and of the
 * causal attention pairs; its key/value exchange hidden behind attention),
 * data parallel dp (gradients reduced over the dp x cp ranks that hold the
 * same weights; dist_opt: the distributed optimizer, reduce-scatter of the
 * gradients, the optimizer on 1/(dp cp) of the stage's parameters and an
 * all-gather of the updated ones). recompute: full activation recomputation
 * (one more forward per micro-batch, with its collectives); recompute_layers
 * (Megatron's --recompute-method block --recompute-num-layers): with
 * recompute on, the first recompute_layers layers of each pipeline chunk
 * (layers / (pp vp) of them) are recomputed, the rest keep their
 * activations; 0, or at least the chunk's layers: all. Overlap flags of
 * Megatron-Core: tp_overlap (the tensor-parallel collectives beside their
 * GEMMs), dp_overlap (overlap_grad_reduce and overlap_param_gather),
 * p2p_overlap (overlap_p2p_comm). grad_bytes, param_bytes: per parameter as
 * reduced and as gathered (0: 4, fp32 gradient reduction, and 2). fsdp:
 * the parameters sharded too (ZeRO-3, Megatron-FSDP): gathered for every
 * micro-batch's forward and backward, gradients reduce-scattered after
 * each, all overlapped. */
typedef struct {
    int tp, pp, vp, cp, dp;
    int micro_batch, global_batch;
    int recompute, tp_overlap;
    int sp, dist_opt, dp_overlap, p2p_overlap;
    double grad_bytes, param_bytes;
    int fsdp;
    int ep;     /* MoE: expert-parallel size (0 or 1: none), see train_megatron_cost */
    int recompute_layers;  /* per pipeline chunk, with recompute (0: all), see above */
} train_mp;

/* Where one iteration's time goes, seconds: compute (micro-batches x the
 * stage's forward and backward), bubble (the pipeline's fill and drain),
 * and the exposed communication: tp_s (tensor-parallel collectives not
 * hidden), pp_s (stage-to-stage sends on the critical path), dp_s
 * (gradient reduction and parameter gathers not hidden behind the last
 * backward and the first forward), steal_s (compute slowed by the SMs
 * that overlapped NCCL collectives hold: one per channel), opt_s (the
 * optimizer); total_s the sum. */
typedef struct {
    double compute_s, bubble_s, tp_s, pp_s, dp_s, steal_s, opt_s, total_s;
    double moe_host_s;  /* of compute_s: the MoE layers' exposed host time (MEGATRON_MOE_HOST_S) */
} train_mp_cost;

/* train_megatron_cost: the iteration time on r of m (seq = m->seq) in
 * precision p under the layout mp, every collective costed by the NCCL
 * model (coll_estimate) on groups of `server` nodes placed in Megatron's
 * rank order (tp, cp, dp, pp: a group inside one server while it fits, else
 * across servers, one rank a node when its stride fills a node); out (may
 * be NULL) receives the parts. server may be NULL only when every
 * parallel size is 1. train_megatron_step_s: the same, the total only.
 * MoE (m->experts > 0): a MoE layer costs its router, permutes and the
 * active experts only (train_layers_cost_ep: experts / ep local experts on
 * the token rows routed to them, balanced [I]); with ep > 1 each MoE layer
 * adds four all-to-alls per micro-batch (dispatch and combine, forward and
 * backward; train_megatron_a2a_bytes each) over an ep group placed at
 * stride tp (Megatron-Core's expert order tp, ep, dp: inside a server
 * while tp x ep fits), not overlapped, and the host time the dispatcher's
 * per-layer synchronisation exposes (moe_host_s: MEGATRON_MOE_HOST_S per
 * MoE layer and micro-batch, a third of it in the forward, which a
 * recomputation repeats); the data-parallel traffic is that of
 * train_megatron_local_params, costed as one reduction over the dp x cp
 * ranks [I: the experts' gradients reduce over dp cp / ep replicas; a
 * smaller group, hidden behind the backward all the same]. */
double train_megatron_cost(const train_model *m, const gpu_rate *r, gpu_prec p, const train_mp *mp,
                           const topo_preset *server, double opt_bytes, train_mp_cost *out);
double train_megatron_step_s(const train_model *m, const gpu_rate *r, gpu_prec p, const train_mp *mp,
                             const topo_preset *server, double opt_bytes);

/* train_megatron_local_params: the parameters of m one (tp, pp)-slice of
 * a GPU holds under mp: the dense ones and 1/ep of the routed experts'
 * (all of m->params without ep). train_megatron_a2a_bytes: one all-to-all's
 * send buffer per GPU for a micro-batch, micro_batch x seq/cp x
 * experts_per_tok x d_model x activation bytes (bf16 under fp8 too);
 * 0 for a dense model or ep <= 1. */
double train_megatron_local_params(const train_model *m, const train_mp *mp);

/* train_megatron_recompute_share: the share of a stage's layers whose
 * forward mp recomputes in the backward (0 .. 1, see recompute_layers). */
double train_megatron_recompute_share(const train_model *m, const train_mp *mp);

/* train_megatron_memory_bytes: what the first pipeline stage's GPU (the
 * fullest: the embedding, and the most micro-batches in flight) holds for a
 * dense model m under mp in 16-bit activations: its parameters (its layers'
 * and the vocabulary's 1/tp share, from train_megatron_local_params) times
 * param_bytes + grad_bytes + the optimizer's 12 bytes (fp32 master weights
 * and two Adam moments) over dp x cp with the distributed optimizer
 * (Megatron-LM docs/distrib_optimizer: 6 + 12/d bytes a parameter for bf16
 * weights and fp32 gradients [F]), plus the activations: 34 s b h / (tp cp)
 * bytes a layer and micro-batch kept for the backward (Korthikanti et al.
 * 2022 with sequence parallelism; FlashAttention keeps no s^2 scores, as
 * their selective recomputation [F]), 2 s b h / (tp cp) for a recomputed
 * layer (its input) and one recomputed layer's full set during its
 * backward; the first stage of interleaved 1F1B holds pp micro-batches'
 * worth of its layers times 1 + (pp - 1) / (pp vp) (Korthikanti et al.
 * 2022 §4.2.3 [F]), at most the iteration's micro-batches. Bytes, not
 * counting the framework's own allocations (workspaces, communication
 * buffers, the allocator's fragmentation). */
double train_megatron_memory_bytes(const train_model *m, const train_mp *mp);
double train_megatron_a2a_bytes(const train_model *m, gpu_prec p, const train_mp *mp);

/* train_megatron_model_flops: the model FLOPs of one iteration of
 * global_batch sequences, recomputation not counted (Narayanan et al. 2021,
 * 72 B s l h^2 (1 + s/6h + V/12lh) for a GPT of MLP 4h; for other shapes 6
 * x the layers' and head's multiply-adds per token plus 12 l s h of
 * attention): MFU = this / (iteration x GPUs x dense peak). */
double train_megatron_model_flops(const train_model *m, double global_batch);

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
