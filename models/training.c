/* training.c -- training presets and the data-parallel step engine.
 *
 * Invariants: steps run one at a time in arrival order; during a step the
 * context holds at most one of its jobs, and the GPU stream either runs a
 * job or waits on one event (ev_wait) for a collective to end; comm_free is
 * the time the rank's network stream finishes the collectives issued so
 * far, and every collective of a step ends before the step does, so a step
 * starts with an idle network. The gather end times live in one array
 * allocated with the state (no allocation per event). */
#include "models/training.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/tenant.h"
#include "sim/pool.h"

/* ---- the models, layer by layer ---- */

/* Host time to dispatch one kernel, us [I: see FRAMEWORKS]. */
#define TRAIN_HOST_US 10.0
/* Host time one MoE layer's forward and backward of one micro-batch leave
 * exposed in Megatron-Core, s [fitted, one value shared by the two
 * Megatron-Bridge MoE rows of calibration/data/training_megatron.csv; range
 * 19-22 ms from fitting either row alone]. Mechanism [I]: the alltoall token
 * dispatcher copies the tokens per expert to the host each MoE layer's
 * forward (the all-to-all's splits and the grouped GEMM's m_splits are
 * Python lists), which drains the launch queue; from there the GPU runs as
 * fast as the host issues the layer's router (top-k, aux-loss statistics),
 * dispatcher preprocessing (all-gather of the counts, permute, the sort of
 * ep x local-expert chunks), per-expert quantise and GEMM loop, unpermute,
 * and their autograd backward. The two rows need the same time per MoE layer
 * (GPT-OSS 16384 tokens, 9 layers a chunk; Qwen3 8192 tokens, one layer a
 * chunk), so it is a per-layer fixed host cost, not a token or chunk one;
 * 21 ms is about 2000 host operations at TRAIN_HOST_US, more than the
 * kernels walk_experts counts (100-250): unmeasured here, no profile. */
#define MEGATRON_MOE_HOST_S 0.021
/* Tensors one multi-tensor-apply launch updates (apex's chunking) [I]. */
#define OPT_TENSORS_PER_LAUNCH 64.0
/* create_pretraining_data.py's short_seq_prob (Google BERT, kept by
 * DeepLearningExamples and LDDL) [F]. */
#define BERT_SHORT_SEQ_PROB 0.1
/* Mean tokens of a document of BERT's pre-training corpus (English
 * Wikipedia) as seq_longer models it [I from F: Krell et al. 2021
 * ("Efficient sequence packing without cross-contamination", arXiv
 * 2107.02027) find that padding is over 50% of the tokens of the Wikipedia
 * pre-training set at sequence 512; 340 makes seq_longer's mean length at
 * 512 half of 512 (and 79% of 128 at 128)]. Not fitted to the rows. */
#define BERT_DOC_TOKENS 340.0
/* LDDL's bin width in tokens as DeepLearningExamples' BERT scripts
 * preprocess with it (--bin-size 64) [I]. */
#define LDDL_BIN_TOKENS 64
/* Kernels per parameter tensor of an optimizer stepped as a Python loop
 * over the tensors, as DeepLearningExamples' run_squad.py steps BERT's Adam
 * (BertAdam) [I: each tensor's gradient clipped alone (norm, stack, norm,
 * add, div, clamp, mul: 7), the moments (mul, add, mul, addcmul: 4), the
 * update (sqrt, add, div: 3), learning rate (mul, add: 2), weight decay on
 * 6 of BERT's 16 tensors a layer (mul, add: 0.75 on average): 16.75; the
 * SQuAD rows of both precisions show about 60 ms a step on A100 beyond the
 * layers, which 392 tensors x 17 launches x 10 us is]. */
#define SQUAD_OPT_KERNELS_PER_TENSOR 17

double train_precision_bytes(gpu_prec p)
{
    return p == GPU_FP32 || p == GPU_TF32 ? 4 : 2;
}

/* A walk over a model's operators: costs the forward pass into f and the
 * backward into b on r (either NULL: not costed), and counts the forward
 * FLOPs of GEMMs and convolutions (the model FLOPs). */
typedef struct {
    const gpu_rate *r;
    gpu_prec p;
    double   e;              /* bytes of an activation element */
    double   e32;            /* ... of a norm's or softmax's: 4 under mixed precision when the
                              * framework runs them in fp32 (autocast) */
    ops_cost *f, *b;
    int      fused;          /* norm, ReLU and add as one kernel */
    double   flops;
    double   saved;          /* bytes of activations kept for the backward pass */
    int      folded;         /* inference as a compiler builds it: batch norm folded into the
                              * convolution's weights, ReLU and the residual add in its epilogue;
                              * a transformer layer as walk_layer_folded's 7 kernels */
    int      eval;           /* inference (eval mode): batch norm applies its running statistics
                              * (one kernel that reads and writes), dropout is the identity */
    double   weights;        /* weight tensors of GEMMs and convolutions (autocast's casts) */
    int      moe;            /* the layer walked routes its tokens to experts */
    int      ep;             /* expert-parallel GPUs the experts are split over (0: 1) */
    int      nchw;           /* tensor-core convolutions on NCHW tensors: cuDNN transposes each
                              * kernel's input and output to NHWC and back */
    int      expert_gemm;    /* the grouped GEMMs walked are a MoE layer's experts */
    int      graph;          /* TensorFlow graph mode without XLA: every op of the layer is a
                              * kernel of its own (TF_* below) */
    int      eager_attn;     /* TRAIN_EAGER: PyTorch eager BERT attention (walk_eager_attn) */
    double   inner;          /* kernels launched inside another operator's call, which the host
                              * does not dispatch on their own (torch.matmul's copies) */
} walk;

/* Element-wise and normalisation kernels move these many passes over
 * their tensor (reads plus writes) [I: from what each kernel must read and
 * write, as the framework kernels of DeepLearningExamples implement them:
 * batch norm in training reduces its input (one read) and normalises it
 * (a read and a write), its backward reduces dy and x and writes dx (two
 * reads, then three); ReLU reads and writes, its backward reads dy and the
 * output and writes dx; a residual add reads two and writes one, its
 * backward sums the two branches' gradients (three); layer norm as batch
 * norm; softmax reads and writes, its backward reads y and dy and writes
 * dx; dropout reads and writes and writes a one-byte mask, its backward
 * reads dy and the mask and writes; GELU reads and writes (bias fused into
 * the GEMM), SwiGLU reads gate and up and writes one]. Kernels: launches of
 * each (two for a reduction and its apply). */
#define BN_FWD_PASSES 3.0
#define BN_BWD_PASSES 5.0
#define RELU_FWD_PASSES 2.0
#define RELU_BWD_PASSES 3.0
#define ADD_PASSES 3.0
/* TF32 convolutions on NCHW tensors: DeepLearningExamples' ResNet-50
 * scripts ask for NHWC (channels-last) with mixed precision only
 * (PyTorch's --memory-format nhwc in its AMP configurations, MXNet's and
 * TensorFlow's NHWC layouts for float16) [I]; TF32 and FP32 run NCHW.
 * cuDNN's tensor-core kernels work on NHWC, so on Ampere in TF32 each
 * convolution kernel (forward, data and weight gradient) transposes its
 * input and its output, each transform a read and a write of the tensor:
 * 2 passes over input and output [I]. FP32 on V100 runs CUDA-core kernels
 * on NCHW directly (no transform). */
#define NCHW_TRANSFORM_PASSES 2.0
/* TensorFlow graph mode without XLA (TRAIN_TF_GRAPH): grappler fuses no
 * element-wise chain, so each op the model garden's BERT layers call (TF
 * 2.4, DeepLearningExamples' TensorFlow2 BERT) is a kernel that reads its
 * inputs and writes its output [I: from the ops each layer calls; passes in
 * the element's width, a 1-byte bool as 0.25]. Totals per element, forward
 * then backward, beyond what the walk costs for the op fused:
 * - GELU in its tanh form, x * 0.5 (1 + tanh(c (x + 0.044715 x^3))): pow,
 *   mul, add, mul, tanh, add, mul, mul, 8 kernels, 18 passes; backward the
 *   gradient of each (mul 3 + 3, mul 2, TanhGrad 3, mul 2, mul 2, pow's
 *   pow-mul-mul 7) and the AddN of x's three gradients (4): 26 passes, 10
 *   kernels. The walk costs 2 and 3 passes, one kernel each.
 * - dropout (tf.nn.dropout): random_uniform (writes 1), >= (1.25), x *
 *   scale (2), cast of the mask (1.25), mul (3): 8.5 passes, 5 kernels;
 *   backward mul by the mask (3) and by the scale (2): 5 passes, 2 kernels.
 *   The walk costs 2.25 and 2.25 passes, one kernel each.
 * - the attention scores: the scale (a mul, 2 passes forward and 2 back)
 *   and the additive mask (2 forward) as kernels of their own; softmax's
 *   backward as tf.nn.softmax's gradient (mul 3, reduce_sum 1, sub 2, mul
 *   3: 9 passes, 4 kernels, where the walk costs 3).
 * - the bias of each dense layer added by a kernel of its own (2 passes)
 *   and its gradient reduced by another (1 pass): QKV (three layers), the
 *   attention output, the MLP's two.
 * - tf.einsum's transposes around attention's batched GEMMs: K, Q and V
 *   to heads-major and the context back, 2 passes each over T x d, twice
 *   as many in the backward.
 * - Keras LayerNormalization's fused path normalises with unit scale and
 *   then multiplies by gamma and adds beta (2 kernels, 4 passes); backward
 *   the gradient through the mul (2), gamma's (3 + 1) and beta's (1)
 *   reductions: 7 passes, 4 kernels. */
#define TF_GELU_FWD 18.0, 8
#define TF_GELU_BWD 26.0, 10
#define TF_DROP_FWD 8.5, 5
#define TF_DROP_BWD 5.0, 2
#define TF_SOFTMAX_BWD 9.0, 4
#define TF_SCALE_MASK_FWD 4.0, 2
#define TF_SCALE_BWD 2.0, 1
#define TF_BIAS_FWD 2.0
#define TF_BIAS_BWD 1.0
#define TF_TRANSPOSES_FWD 4
#define TF_LN_FWD 4.0, 2
#define TF_LN_BWD 7.0, 4

static void w_stream(walk *w, ops_cost *c, double elems, double passes, double extra_bytes, double kernels)
{
    if (c && w->r)
        ops_stream(c, w->r, elems * passes * w->e + extra_bytes, kernels, 1);
}

/* A norm, softmax or dropout of a transformer in fp32 under mixed
 * precision: its passes at 4 bytes and a cast kernel of the result back
 * to 16-bit (reads 4, writes 2 bytes an element) for the next GEMM. */
static void w_stream32(walk *w, ops_cost *c, double elems, double passes, double extra_bytes, double kernels)
{
    if (!c || !w->r)
        return;
    double cast = w->e32 > w->e ? elems * (w->e32 + w->e) : 0;
    ops_stream(c, w->r, elems * passes * w->e32 + extra_bytes + cast, kernels + (cast > 0), 1);
}

/* TensorFlow graph mode without XLA (w->graph): what an op of `passes`
 * passes and `kernels` kernels (TF_*) costs beyond the `had_passes` and
 * `had_kernels` the walk gave it fused, over elems elements of the fp32
 * width (fp32: norms' and softmax's under mixed precision) or the
 * activations'. */
static void w_graph(walk *w, ops_cost *c, double elems, double passes, double kernels, double had_passes,
                    double had_kernels, int fp32)
{
    if (!c || !w->r || !w->graph)
        return;
    double e = fp32 ? w->e32 : w->e;
    ops_stream(c, w->r, elems * (passes - had_passes) * e, kernels - had_kernels, 1);
}

/* ... its dropout over elems: TF's five kernels forward and two backward
 * for the walk's one (two passes and a 1-byte mask) each way. */
static void w_graph_dropout(walk *w, double elems, int fp32)
{
    if (w->eval)
        return;
    double mask = 1.0 / (fp32 ? w->e32 : w->e);
    w_graph(w, w->f, elems, TF_DROP_FWD, 2 + mask, 1, fp32);
    w_graph(w, w->b, elems, TF_DROP_BWD, 2 + mask, 1, fp32);
}

/* ... a dense layer's bias over elems: an add forward, a reduction
 * backward, `layers` kernels each. */
static void w_graph_bias(walk *w, double elems, double layers)
{
    w_graph(w, w->f, elems, TF_BIAS_FWD, layers, 0, 0, 0);
    w_graph(w, w->b, elems, TF_BIAS_BWD, layers, 0, 0, 0);
}

/* ... a layer norm over elems (Keras' gamma and beta as kernels of their own). */
static void w_graph_norm(walk *w, double elems)
{
    w_graph(w, w->f, elems, TF_LN_FWD, 0, 0, 1);
    w_graph(w, w->b, elems, TF_LN_BWD, 0, 0, 1);
}

/* A GEMM Y[m,n] = X[m,k] W[k,n] in the forward pass and its two gradients
 * dX = dY W^T (m x k x n) and dW = X^T dY (k x n x m) in the backward;
 * `groups` of them as one batched kernel (attention's) or, for the experts
 * of a MoE layer (w->expert_gemm), one GEMM per expert. */
static void w_gemm(walk *w, double m, double n, double k, double groups)
{
    w->flops += 2 * m * n * k * groups;
    w->weights += groups == 1;
    if (!w->r)
        return;
    /* fp8: operands of one byte, and the 16-bit activation entering each
     * GEMM (forward: X, backward: dY) quantised first: a cast kernel that
     * reads 2 and writes 1 byte an element, its scale from the amax
     * (Transformer Engine's current scaling; weights are cast once per step).
     * Experts are linear layers too: Transformer Engine's GroupedLinear
     * quantises each expert's rows and runs each expert's GEMM as a cuBLAS
     * call of its own, a loop over the experts [I: TE's general_grouped_gemm,
     * as Megatron-Core's TEGroupedMLP calls it], so each pays its launch and
     * its own waves on the SMs; attention's batched GEMMs stay one kernel */
    int ex = w->expert_gemm && groups > 1;
    int f8 = w->p == GPU_FP8 && (groups == 1 || ex);
    double eb = f8 ? 1 : w->e > 2 ? w->e : 2;
    double g = ex ? 1 : groups, count = ex ? groups : 1;
    if (w->f) {
        ops_gemm_grouped(w->f, w->r, w->p, eb, m, n, k, g, count);
        if (f8)
            ops_stream(w->f, w->r, 3 * m * k * groups, 2 * groups, 1);
    }
    if (w->b) {
        ops_gemm_grouped(w->b, w->r, w->p, eb, m, k, n, g, count);
        ops_gemm_grouped(w->b, w->r, w->p, eb, k, n, m, g, count);
        if (f8)
            ops_stream(w->b, w->r, 3 * m * n * groups, 2 * groups, 1);
    }
}

/* ResNet-50 v1.5 (He et al. 2016; the v1.5 variant of torchvision and
 * DeepLearningExamples puts the stride in the 3x3 convolution): 224 x 224
 * images, a 7x7 stem, stages of 3, 4, 6, 3 bottlenecks of widths 64, 128,
 * 256, 512 (x4 out), each convolution followed by batch norm, ReLU after
 * every norm but the block's last, which follows the residual add; 4.1 G
 * multiply-accumulates per image, 25.6 M parameters. */
static void rn_conv(walk *w, double batch, double h, double cin, double cout, double k, double stride,
                    int first)
{
    ops_conv_shape s = { batch, h, h, cin, cout, k, stride };
    w->flops += ops_conv_flops(&s);
    w->weights += 1;
    w->saved += batch * h * h * cin * w->e;     /* the input, for the weight gradient */
    if (!w->r)
        return;
    double in = batch * h * h * cin, out = batch * ops_conv_out(h, stride) * ops_conv_out(h, stride) * cout;
    double nchw = w->nchw ? NCHW_TRANSFORM_PASSES : 0;
    if (w->f) {
        ops_conv(w->f, w->r, w->p, w->e, &s, OPS_CONV_FWD, 1);
        w_stream(w, w->f, in + out, nchw, 0, nchw > 0 ? 2 : 0);
    }
    if (w->b) {
        if (!first) {                 /* the image needs no gradient */
            ops_conv(w->b, w->r, w->p, w->e, &s, OPS_CONV_DGRAD, 1);
            w_stream(w, w->b, in + out, nchw, 0, nchw > 0 ? 2 : 0);
        }
        ops_conv(w->b, w->r, w->p, w->e, &s, OPS_CONV_WGRAD, 1);
        w_stream(w, w->b, in + out, nchw, 0, nchw > 0 ? 2 : 0);
    }
}

static void rn_bn(walk *w, double elems, int relu)
{
    w->saved += elems * w->e;                   /* the norm's input */
    if (w->folded)                              /* in the convolution's weights and epilogue */
        return;
    if (w->eval) {                              /* y = a x + b per channel (and ReLU, fused) */
        w_stream(w, w->f, elems, 2, 0, 1);
        if (relu && !w->fused)
            w_stream(w, w->f, elems, RELU_FWD_PASSES, 0, 1);
        return;
    }
    w_stream(w, w->f, elems, BN_FWD_PASSES, 0, 2);
    w_stream(w, w->b, elems, BN_BWD_PASSES, 0, 2);
    if (relu && w->fused) {                     /* the backward reads the output for ReLU's mask */
        w_stream(w, w->b, elems, 1, 0, 0);
    } else if (relu) {
        w_stream(w, w->f, elems, RELU_FWD_PASSES, 0, 1);
        w_stream(w, w->b, elems, RELU_BWD_PASSES, 0, 1);
    }
}

static void walk_resnet50(walk *w, double batch)
{
    static const struct { int blocks, width, stride; } STAGES[] = { { 3, 64, 1 }, { 4, 128, 2 },
                                                                   { 6, 256, 2 }, { 3, 512, 2 } };
    double h = 224, cin = 64;
    rn_conv(w, batch, h, 3, 64, 7, 2, 1);
    h = 112;
    rn_bn(w, batch * h * h * 64, 1);
    /* 3x3 max pool, stride 2: reads 112^2, writes 56^2 (backward scatters) */
    w_stream(w, w->f, batch * 64 * (h * h + h * h / 4), 1, 0, 1);
    w_stream(w, w->b, batch * 64 * (h * h + h * h / 4 * 2), 1, 0, 1);
    h = 56;
    for (size_t i = 0; i < sizeof STAGES / sizeof STAGES[0]; i++) {
        double mid = STAGES[i].width, out = 4 * mid;
        for (int b = 0; b < STAGES[i].blocks; b++) {
            double s = b == 0 ? STAGES[i].stride : 1, ho = ops_conv_out(h, s);
            rn_conv(w, batch, h, cin, mid, 1, 1, 0);
            rn_bn(w, batch * h * h * mid, 1);
            rn_conv(w, batch, h, mid, mid, 3, s, 0);
            rn_bn(w, batch * ho * ho * mid, 1);
            rn_conv(w, batch, ho, mid, out, 1, 1, 0);
            rn_bn(w, batch * ho * ho * out, 0);
            if (b == 0) {               /* projection shortcut */
                rn_conv(w, batch, h, cin, out, 1, s, 0);
                rn_bn(w, batch * ho * ho * out, 0);
            }
            if (w->fused || w->folded) { /* the norm's (or the convolution's) kernel reads the shortcut;
                                          * its backward writes its gradient */
                w_stream(w, w->f, batch * ho * ho * out, 1, 0, 0);
                w_stream(w, w->b, batch * ho * ho * out, 2, 0, 0);
            } else {
                w_stream(w, w->f, batch * ho * ho * out, ADD_PASSES + RELU_FWD_PASSES, 0, 2);
                w_stream(w, w->b, batch * ho * ho * out, ADD_PASSES + RELU_BWD_PASSES, 0, 2);
            }
            h = ho;
            cin = out;
        }
    }
    /* global average pool and the 1000-way classifier with its loss */
    w_stream(w, w->f, batch * h * h * cin, 1, 0, 1);
    w_stream(w, w->b, batch * h * h * cin, 1, 0, 1);
    w_gemm(w, batch, 1000, cin, 1);
    if (w->folded || w->eval)                   /* softmax: reads and writes */
        w_stream(w, w->f, batch * 1000, 2, 0, 1);
    else                                        /* softmax and the loss */
        w_stream(w, w->f, batch * 1000, 3, 0, 2);
}

/* A transformer layer over `batch` sequences of seq tokens, its heads and
 * MLP split over tp GPUs (Megatron): norm, QKV projection, attention,
 * output projection, dropout and residual add, norm, MLP, dropout and add.
 * Attention is FlashAttention (flash: causal, as GPT training runs it) or,
 * as DeepLearningExamples' BERT runs it, two batched GEMMs with softmax
 * and dropout over the batch x heads x seq^2 scores between them. */
/* A dropout and residual add: the dropout's read and write and its mask,
 * then the add; in eval mode the add alone. */
#define DROP_ADD_PASSES(w) ((w)->eval ? ADD_PASSES : 2 + ADD_PASSES)
#define DROP_MASK(w, elems) ((w)->eval ? 0 : (elems))
#define DROP_ADD_KERNELS(w) ((w)->eval ? 1 : 2)

/* An MLP of width ffn over `tokens` rows, as `groups` GEMMs each (the
 * experts of a MoE layer, tokens a group's; see w_gemm). */
static void walk_mlp(walk *w, const train_model *m, double tokens, double ffn, double groups)
{
    double d = m->d_model, rows = tokens * groups;
    w_gemm(w, tokens, (m->gated ? 2 : 1) * ffn, d, groups);            /* up (and gate) */
    w_stream(w, w->f, rows * ffn, m->gated ? 3 : 2, 0, 1);             /* SwiGLU / GELU */
    w_stream(w, w->b, rows * ffn, m->gated ? 5 : 3, 0, 1);
    if (!m->gated) {                                                   /* TF graph: GELU's ops */
        w_graph(w, w->f, rows * ffn, TF_GELU_FWD, 2, 1, 0);
        w_graph(w, w->b, rows * ffn, TF_GELU_BWD, 3, 1, 0);
    }
    w_gemm(w, tokens, d, ffn, groups);                                 /* down */
    w_graph_bias(w, rows * ffn, 1);
    w_graph_bias(w, rows * d, 1);
}

/* A MoE layer's MLP over T tokens (Shazeer et al. 2017; Mixtral,
 * DeepSeek-V3): the router's logits (T x experts) and its top-k; each token
 * copied to its experts_per_tok experts (permute: read and write T k d, and
 * back, weighted, after the experts: unpermute), the experts one grouped
 * GEMM per matrix. With expert parallelism the experts are split whole
 * over ep GPUs: a GPU runs experts / ep experts on the T k ep / experts
 * token rows each that the all-to-all brings it (balanced routing [I]; the
 * all-to-all itself is the step's, train_moe_alltoall_bytes). The FLOPs are
 * the active experts' only: 2 T k (2 or 3) d moe_ffn forward. Shared
 * experts (DeepSeek) run on every token as one dense MLP. Tensor
 * parallelism splits each expert's width. */
static void walk_experts(walk *w, const train_model *m, double T, int tp)
{
    double d = m->d_model, k = m->experts_per_tok, ep = w->ep > 1 ? w->ep : 1;
    double local = m->experts / ep, rows = T * k * ep / m->experts, fe = (double)m->moe_ffn / tp;
    w_gemm(w, T, m->experts, d, 1);                                    /* router */
    w_stream(w, w->f, T * m->experts, 2, 0, 2);                        /* softmax, top-k */
    w_stream(w, w->b, T * m->experts, 3, 0, 1);
    w_stream(w, w->f, T * k * d, 2, 0, 1);                             /* permute */
    w_stream(w, w->b, T * k * d, 2, 0, 1);
    w->expert_gemm = 1;
    walk_mlp(w, m, rows, fe, local);
    w->expert_gemm = 0;
    w_stream(w, w->f, T * k * d, 2, T * d * w->e, 1);                  /* unpermute, weighted sum */
    w_stream(w, w->b, T * k * d, 3, 0, 1);
    if (m->shared_experts > 0)
        walk_mlp(w, m, T, m->shared_experts * fe, 1);
}

/* A transformer layer's inference as an engine that compiles it builds
 * it (w->folded; eval, forward only): the QKV projection one GEMM with its
 * bias in the epilogue, attention one fused kernel over the batch x heads
 * x seq^2 (query, key) pairs (not causal: an encoder's), the output
 * projection, the residual add and layer norm one kernel (reads the two,
 * writes one), the MLP's up projection with bias and GELU in its epilogue,
 * the down projection, and add and norm again: 7 kernels [I: the fusions
 * of TensorRT's BERT plugins (fused multi-head attention, skip layer norm,
 * bias-GELU in the fully connected layer) and AITemplate's BERT example]. */
static void walk_layer_folded(walk *w, const train_model *m, double batch)
{
    double s = m->seq, T = batch * s, d = m->d_model, hd = m->head_dim, h = m->heads;
    w_gemm(w, T, 3 * h * hd, d, 1);                                    /* QKV */
    double pairs = batch * s * s;
    w->flops += 4 * hd * h * pairs;
    if (w->r && w->f)
        ops_attn_prefill(w->f, w->r, T, pairs, h, hd, 2 * T * h * hd * w->e, 1);
    w_gemm(w, T, d, h * hd, 1);                                        /* output projection */
    w_stream(w, w->f, T * d, ADD_PASSES, 0, 1);                        /* add and norm */
    w_gemm(w, T, m->ffn, d, 1);                                        /* up, bias and GELU */
    w_gemm(w, T, d, m->ffn, 1);                                        /* down */
    w_stream(w, w->f, T * d, ADD_PASSES, 0, 1);                        /* add and norm */
}

/* What PyTorch eager adds to a BERT layer's attention beyond the walk's
 * one scale-mask-softmax kernel (w->eager_attn) [I: the self-attention of
 * DeepLearningExamples' PyTorch BERT (modeling.py) and of Hugging Face's
 * BertSelfAttention, as PyTorch runs their operators]: the scores divided
 * by sqrt(head_dim) and the mask added as two element-wise kernels (the
 * mask in the parameters' dtype, fp32 under autocast, so the sum is written
 * in fp32 and softmax reads it so); torch.matmul's batched path reshaping
 * the permuted Q and K^T, then V, into contiguous batches, a copy each
 * (launched inside matmul: no dispatch of their own, w->inner), and the
 * context's .contiguous() after its permute: 4 copies of T x heads x
 * head_dim, 2 passes each. Backward: the scale's multiply and each copy's
 * gradient copied back (the fp32 gradient's cast to 16 bits is the one the
 * softmax's backward already carries, w_stream32). Found, not changed: in
 * training's forward under mixed precision the softmax's and the dropout's
 * w_stream32 each count a cast to 16 bits where autocast makes one (at the
 * matmul that follows the dropout); dropping the first moves the training
 * family 9.14 -> 9.30% (docs/training.md 0a). */
static void walk_eager_attn(walk *w, double scores, double qkv_elems)
{
    double e = w->e, e32 = w->e32;
    if (!w->r)
        return;
    if (w->f) {
        ops_stream(w->f, w->r, scores * 2 * e, 1, 1);                  /* scale */
        ops_stream(w->f, w->r, scores * (e + e32), 1, 1);              /* + mask */
        ops_stream(w->f, w->r, 4 * 2 * qkv_elems * e, 4, 1);           /* copies */
        w->inner += 3;
    }
    if (w->b) {
        ops_stream(w->b, w->r, scores * 2 * e, 1, 1);
        ops_stream(w->b, w->r, 4 * 2 * qkv_elems * e, 4, 1);
    }
}

static void walk_layer(walk *w, const train_model *m, double batch, int tp)
{
    /* the folded graph is an encoder's: bidirectional multi-head attention,
     * a GELU MLP, one GPU (a causal decoder, gated MLP, grouped or latent
     * attention or experts keep the eager walk) */
    if (w->folded && m->arch == TRAIN_ARCH_TRANSFORMER && !m->flash && !m->gated && m->experts == 0 &&
        m->kv_lora == 0 && m->kv_heads == m->heads && tp == 1) {
        walk_layer_folded(w, m, batch);
        return;
    }
    double s = m->seq, T = batch * s, d = m->d_model, hd = m->head_dim;
    double hq = (double)m->heads / tp, hkv = m->kv_heads >= tp ? (double)m->kv_heads / tp : 1;
    double ffn = (double)m->ffn / tp;
    (void)ffn;
    /* kept for backward: 34 s b h bytes per layer in 16-bit, plus 5 a s^2 b
     * of scores and masks without FlashAttention (Korthikanti et al. 2022) */
    w->saved += (34.0 * T * d / tp + (m->flash ? 0 : 5.0 * batch * hq * s * s)) * w->e / 2;
    w_stream32(w, w->f, T * d, BN_FWD_PASSES, 0, 2);                  /* norm */
    w_stream32(w, w->b, T * d, BN_BWD_PASSES, 0, 2);
    w_graph_norm(w, T * d);
    double qk = hd, vd = hd;                                           /* query/key and value head widths */
    if (m->kv_lora > 0) {                                              /* latent attention (MLA) */
        qk = hd + m->rope_dim, vd = m->v_head_dim;
        if (m->q_lora > 0) {
            w_gemm(w, T, m->q_lora, d, 1);                             /* q down */
            w_gemm(w, T, hq * qk, m->q_lora, 1);                       /* q up */
        } else {
            w_gemm(w, T, hq * qk, d, 1);
        }
        w_gemm(w, T, m->kv_lora + m->rope_dim, d, 1);                  /* kv down */
        w_gemm(w, T, hq * (hd + vd), m->kv_lora, 1);                   /* k and v up */
        hkv = hq;
    } else if (w->eager_attn && !m->flash) {                           /* Q, K, V: three linear layers */
        w_gemm(w, T, hq * hd, d, 1);
        w_gemm(w, T, hkv * hd, d, 1);
        w_gemm(w, T, hkv * hd, d, 1);
    } else {
        w_gemm(w, T, (hq + 2 * hkv) * hd, d, 1);                      /* QKV */
        w_graph_bias(w, T * (hq + 2 * hkv) * hd, 3);                   /* (three dense layers) */
    }
    if (m->flash) {
        double pairs = batch * s * (s + 1) / 2;                        /* causal */
        w->flops += 2 * (qk + vd) * hq * pairs;
        if (w->r) {
            double kv = 2 * T * hkv * hd * w->e;
            if (w->f)
                ops_attn_prefill(w->f, w->r, T, pairs, hq, hd, kv, 1);
            /* backward: five matrix products to the forward's two
             * (FlashAttention-2, Dao 2023), recomputing the scores */
            if (w->b)
                ops_attn_prefill(w->b, w->r, T, pairs, hq, hd, 2 * kv, 2.5);
        }
    } else {
        double g = batch * hq, scores = g * s * s;
        w_gemm(w, s, s, hd, g);                                        /* Q K^T */
        w_stream32(w, w->f, scores, 2, 0, 1);                          /* scale, mask, softmax */
        w_stream32(w, w->b, scores, 3, 0, 1);
        w_graph(w, w->f, scores, TF_SCALE_MASK_FWD, 0, 0, 1);
        w_graph(w, w->b, scores, TF_SCALE_BWD, 0, 0, 1);
        w_graph(w, w->b, scores, TF_SOFTMAX_BWD, 3, 1, 1);
        if (w->eager_attn)
            walk_eager_attn(w, scores, T * hq * hd);
        if (!w->eval) {                                                /* dropout */
            w_stream32(w, w->f, scores, 2, scores, 1);
            w_stream32(w, w->b, scores, 2, scores, 1);
            w_graph_dropout(w, scores, 1);
        }
        w_gemm(w, s, hd, s, g);                                        /* P V */
        /* TF graph: tf.einsum's transposes of K, Q, V and the context */
        w_graph(w, w->f, T * hq * hd, 2.0 * TF_TRANSPOSES_FWD, TF_TRANSPOSES_FWD, 0, 0, 0);
        w_graph(w, w->b, T * hq * hd, 4.0 * TF_TRANSPOSES_FWD, 2 * TF_TRANSPOSES_FWD, 0, 0, 0);
    }
    w_gemm(w, T, d, hq * vd, 1);                                       /* output projection */
    w_graph_bias(w, T * d, 1);
    w_stream(w, w->f, T * d, DROP_ADD_PASSES(w), DROP_MASK(w, T * d), DROP_ADD_KERNELS(w)); /* dropout, add */
    w_stream(w, w->b, T * d, 2 + ADD_PASSES, T * d, 2);
    w_graph_dropout(w, T * d, 0);
    w_stream32(w, w->f, T * d, BN_FWD_PASSES, 0, 2);                   /* norm */
    w_stream32(w, w->b, T * d, BN_BWD_PASSES, 0, 2);
    w_graph_norm(w, T * d);
    if (w->moe)
        walk_experts(w, m, T, tp);
    else
        walk_mlp(w, m, T, ffn, 1);
    w_stream(w, w->f, T * d, DROP_ADD_PASSES(w), DROP_MASK(w, T * d), DROP_ADD_KERNELS(w)); /* dropout, add */
    w_stream(w, w->b, T * d, 2 + ADD_PASSES, T * d, 2);
    w_graph_dropout(w, T * d, 0);
}

/* n identical layers (moe: with experts), walked once and counted n times */
static void walk_layers(walk *w, const train_model *m, double batch, int tp, int n, int moe)
{
    if (n <= 0)
        return;
    walk L = *w;
    L.flops = L.saved = L.weights = L.inner = 0;
    L.moe = moe;
    ops_cost f1 = { 0 }, b1 = { 0 };
    L.f = w->f ? &f1 : NULL;
    L.b = w->b ? &b1 : NULL;
    walk_layer(&L, m, batch, tp);
    w->flops += n * L.flops;
    w->saved += n * L.saved;
    w->weights += n * L.weights;
    w->inner += n * L.inner;
    if (w->f) {
        w->f->s += n * f1.s, w->f->compute_s += n * f1.compute_s;
        w->f->mem_s += n * f1.mem_s, w->f->kernels += n * f1.kernels;
    }
    if (w->b) {
        w->b->s += n * b1.s, w->b->compute_s += n * b1.compute_s;
        w->b->mem_s += n * b1.mem_s, w->b->kernels += n * b1.kernels;
    }
}

int train_model_moe_layers(const train_model *m)
{
    return m->experts > 0 && m->arch == TRAIN_ARCH_TRANSFORMER && m->layers > m->dense_layers
               ? m->layers - m->dense_layers
               : 0;
}

static void walk_transformer(walk *w, const train_model *m, double batch, int tp)
{
    double T = batch * m->seq, d = m->d_model;
    /* embedding lookup (and its scatter-add backward) and norm; folded:
     * one kernel that gathers the word, position and segment rows and
     * normalises their sum (TensorRT's embedding-layer-norm plugin) [I] */
    if (w->folded)
        w_stream(w, w->f, T * d, 4, 0, 1);
    else
        w_stream(w, w->f, T * d, 1 + BN_FWD_PASSES, 0, 3);
    w_stream(w, w->b, T * d, 3 + BN_BWD_PASSES, 0, 3);
    /* the dense layers, then (MoE) the layers with experts */
    int nmoe = train_model_moe_layers(m);
    walk_layers(w, m, batch, tp, m->layers - nmoe, 0);
    walk_layers(w, m, batch, tp, nmoe, 1);
    /* the output head on head_tokens of the tokens, its loss over fp32
     * logits (read, softmax, write; the backward writes their gradient) */
    double ht = T * m->head_tokens, v = (double)m->vocab / tp;
    w_gemm(w, ht, v, d, 1);
    if (w->r && w->f)
        ops_stream(w->f, w->r, 3 * 4 * ht * v, 2, 1);
    if (w->r && w->b)
        ops_stream(w->b, w->r, 2 * 4 * ht * v, 1, 1);
}

static void walk_model(walk *w, const train_model *m, double batch, int tp)
{
    if (m->arch == TRAIN_ARCH_RESNET50)
        walk_resnet50(w, batch);
    else
        walk_transformer(w, m, batch, tp);
}

void train_layers_cost(const train_model *m, const gpu_rate *r, gpu_prec p, double batch, int tp,
                       int fused_norm, ops_cost *fwd, ops_cost *bwd)
{
    train_layers_cost_ep(m, r, p, batch, tp, 1, fused_norm, fwd, bwd);
}

void train_layers_cost_ep(const train_model *m, const gpu_rate *r, gpu_prec p, double batch, int tp, int ep,
                          int fused_norm, ops_cost *fwd, ops_cost *bwd)
{
    double e = train_precision_bytes(p);
    /* DeepLearningExamples' BERT runs layer norm, softmax and dropout in
     * fp32 under mixed precision (PyTorch autocast's and TensorFlow's AMP
     * fp32 lists); fused FlashAttention models (Megatron) keep them in 16-bit */
    walk w = { r, p, e, m->flash ? e : 4, fwd, bwd, (fused_norm & TRAIN_FUSED_NORM) != 0, 0, 0, 0, 0, 0, 0, ep, 0, 0,
               (fused_norm & TRAIN_TF_GRAPH) != 0, (fused_norm & TRAIN_EAGER) != 0, 0 };
    w.nchw = p == GPU_TF32;
    walk_model(&w, m, batch, tp >= 1 ? tp : 1);
}

void train_infer_cost(const train_model *m, const gpu_rate *r, gpu_prec p, double batch, ops_cost *c)
{
    double e = train_precision_bytes(p);
    walk w = { r, p, e, e, c, NULL, 1, 0, 0, m->arch == TRAIN_ARCH_RESNET50, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
    walk_model(&w, m, batch, 1);
}

/* Inference engines as DeepLearningExamples' inference benchmarks run
 * them [I: from the kernels each calls]. pytorch: eager in eval mode
 * (DLE's ConvNets `--evaluate` and BERT's run_squad inference): every
 * module is its own kernel -- cuDNN's inference batch norm, in-place ReLU
 * and add as kernels of their own, no folding (PyTorch folds batch norm
 * into the convolution only under torch.fx / torch.jit.freeze, which these
 * scripts do not use) -- each dispatched from Python; under autocast every
 * forward re-casts each convolution's and linear layer's fp32 weight to
 * 16 bits (autocast's weight cache lives for one autocast region); a BERT
 * layer's attention as walk_eager_attn costs it.
 * mxnet: the hybridized symbolic graph, cuDNN's NHWC batch norm with ReLU
 * and the residual add fused in (the BatchNormAddRelu kernels of its
 * training), dispatched by the C++ dependency engine, which runs ahead of
 * the GPU. tensorrt: train_infer_cost's graph (batch norm folded into the
 * weights, ReLU and add in the convolution's epilogue), an encoder's
 * layers as walk_layer_folded's, launched from a prebuilt engine.
 * pytorch-half: pytorch's graph with the weights cast to 16 bits once
 * (model.half(): no autocast casts). aitemplate: the folded graph of
 * AITemplate's compiled module, launched from its C++ runtime. host_us:
 * the host's time per framework operator (the kernels an operator launches
 * inside its own call, torch.matmul's copies, are not dispatched again); a
 * batch takes the longer of the host's dispatch of all its operators and
 * the GPU's time
 * for their kernels (the launch queue lets the host run ahead, and the
 * batch ends with a synchronisation, so neither hides the other beyond
 * one batch). Values and fit: docs/training.md, "Inference". */
/* kernel_us: what each kernel of the engine adds on the GPU beyond the
 * operator's cost (models/ops.c), at the full clock. DeepLearningExamples'
 * inference tables time one batch at a time (every row's throughput is
 * batch / mean latency to the printed digits), so nothing of one batch
 * hides another's and the per-kernel time shows in full at small batch.
 * MXNet in container 20.12 (cuDNN 8.0): 16 us, fitted on the V100 and T4
 * tables [F: calibration/data/inference_dle.csv; fit and leave-one-GPU-out
 * in docs/training.md 0d]. It is GPU time, not the host's: the T4's batch
 * takes 1.9-2.4x the V100's at every batch from 1 to 256 in the same
 * container (7.6 against 3.5 ms at batch 1), the ratio of their large-batch
 * rows, while the PyTorch tables of the same two systems, host-bound at
 * batch 1, are equal (96 and 98 images/s); 1 / 0.449, the T4's sustained
 * clock, is 2.2 [I: a kernel's fixed time -- CTA launch, prologue, epilogue,
 * tail -- counts clock cycles]. MXNet in container 22.10 (cuDNN 8.6) on the
 * A100: 1.0 us (0.70 ms at batch 1 is 175 kernels' operator cost and 0.18
 * ms more), fitted on that one table, so it has no leave-one-out. Its host
 * runs ahead of the GPU in every row: the dependency engine's push is at
 * most 4 us an operator [F: the A100's 0.70 ms at batch 1 over 175
 * kernels]; the same bound is taken for 20.12 [I]. PyTorch's small batches
 * are bound by its host (58.5 us an operator), which hides any per-kernel
 * time: 0 [I]. */
#define INFER_HOST_US_PYTORCH 58.5
#define INFER_HOST_US_MXNET 4.0
#define INFER_KERNEL_US_MXNET_2210 1.0
#define INFER_KERNEL_US_MXNET_2012 16.0
#define INFER_HOST_US_TRT 2.0
/* AITemplate's module (examples/03_bert, CUDA 11.6.2, A100 40GB): 2.4 us a
 * kernel [F: fitted on the nine AITemplate rows of
 * calibration/data/inference_bert_engines.csv, least mean |log error|; one
 * table, no leave-one-out; docs/training.md 0f]. Without it the folded walk
 * meets batch 32-256 within 2.2% and is 0.2 ms short at batch 1-4: a
 * fixed time per kernel (launch, CUTLASS prologue and epilogue, tail at 64
 * tokens), the additive form because the table's small batches rise
 * smoothly (0.71, 0.74, 0.80, 0.95 ms) rather than sitting on a host floor.
 * Its host (2 us an operator, as TensorRT's [I]) stays hidden. */
#define INFER_KERNEL_US_AIT 2.4
/* PyTorch 1.12 eager (model.half()) on the host of AITemplate's BERT
 * benchmark: 36 us a framework operator [F: fitted on the nine eager rows of
 * calibration/data/inference_bert_engines.csv, the seven of batch 1-64
 * host-bound; one table, no leave-one-out; docs/training.md 0f]. A host's
 * time per operator is the machine's: DeepLearningExamples' ResNet-50 hosts
 * take 58.5 us (INFER_HOST_US_PYTORCH), MIGProfiler's two A100 hosts about
 * 27 and 47 us over the same BERT-base operators [I: their batch-1 floors,
 * 6.31 and 11.1 ms, over 234 operators]. */
#define INFER_HOST_US_PYTORCH_HALF 36.0
static const train_infer_engine INFER_ENGINES[] = {
    { "pytorch", 0, 0, 1, 1, INFER_HOST_US_PYTORCH, 0, "PyTorch eager, eval mode, autocast (DeepLearningExamples)" },
    { "mxnet", 0, 0, 0, 0, INFER_HOST_US_MXNET, INFER_KERNEL_US_MXNET_2210,
      "MXNet hybridized graph, NHWC BN-add-ReLU, NGC container 22.10 (DeepLearningExamples)" },
    { "mxnet-20.12", 0, 0, 0, 0, INFER_HOST_US_MXNET, INFER_KERNEL_US_MXNET_2012,
      "MXNet hybridized graph, NHWC BN-add-ReLU, NGC container 20.12 (DeepLearningExamples)" },
    { "tensorrt", 1, 1, 0, 0, INFER_HOST_US_TRT, 0, "TensorRT engine: batch norm folded, epilogue fusion" },
    { "pytorch-half", 0, 0, 0, 1, INFER_HOST_US_PYTORCH_HALF, 0, "PyTorch eager, eval mode, weights cast to 16 bits once" },
    { "aitemplate", 1, 1, 0, 0, INFER_HOST_US_TRT, INFER_KERNEL_US_AIT,
      "AITemplate compiled module: fused attention, GEMM epilogues, add + layer norm" },
};

const train_infer_engine *train_infer_engine_find(const char *name)
{
    for (size_t i = 0; i < sizeof INFER_ENGINES / sizeof INFER_ENGINES[0]; i++)
        if (strcmp(INFER_ENGINES[i].name, name) == 0)
            return &INFER_ENGINES[i];
    return NULL;
}

double train_infer_s(const train_model *m, const gpu_rate *r, gpu_prec p, double batch,
                     const train_infer_engine *eng, ops_cost *gpu)
{
    ops_cost c = { 0 };
    double e = train_precision_bytes(p);
    /* autocast keeps BERT's layer norm and softmax in fp32 (as in training) */
    double e32 = eng->autocast && !m->flash && m->arch == TRAIN_ARCH_TRANSFORMER ? 4 : e;
    walk w = { r, p, e, e32, &c, NULL, eng->fused_norm, 0, 0, eng->folded, 1, 0, 0, 0, 0, 0, 0,
               eng->eager_attn, 0 };
    walk_model(&w, m, batch, 1);
    /* autocast: each weight read in fp32 and written in 16 bits, one cast
     * kernel per weight tensor, and the input's cast */
    if (eng->autocast && e < 4) {
        ops_stream(&c, r, m->params * 6, w.weights, 1);
        ops_stream(&c, r, 0, 1, 1);
    }
    /* each kernel's fixed time, in clock cycles: longer at a capped clock;
     * the compute and memory shares keep their ratio and sum to the time */
    double cf = r->clock_frac > 0 && r->clock_frac < 1 ? r->clock_frac : 1.0;
    double fixed = c.kernels * eng->kernel_us * 1e-6 / cf;
    if (fixed > 0 && c.s > 0) {
        c.compute_s *= (c.s + fixed) / c.s;
        c.mem_s *= (c.s + fixed) / c.s;
        c.s += fixed;
    }
    if (gpu)
        *gpu = c;
    double host = (c.kernels - w.inner) * eng->host_us * 1e-6;
    return host > c.s ? host : c.s;
}

static double fwd_flops_of(const train_model *m)
{
    walk w = { NULL, GPU_BF16, 2, 2, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    walk_model(&w, m, 1, 1);
    return w.flops;
}

double train_activation_bytes(const train_model *m, gpu_prec p, double batch)
{
    walk w = { NULL, p, train_precision_bytes(p), train_precision_bytes(p), NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    walk_model(&w, m, batch, 1);
    return w.saved;
}

/* BERT-large (Devlin et al. 2019): 24 layers of 1024, 16 heads of 64, MLP
 * 4096, WordPiece vocabulary 30522, 340 M parameters. Pre-training predicts
 * the masked positions only: DeepLearningExamples gathers at most 20 of 128
 * (80 of 512) tokens per sequence, 15.6%, before the vocabulary projection.
 * SQuAD fine-tuning: sequence 384, a start/end logit per token. Batches [I]. */
int train_model_find(const char *name, int seq, train_model *m)
{
    memset(m, 0, sizeof *m);
    if (strcmp(name, "resnet50") == 0) {
        m->name = "resnet50";
        m->arch = TRAIN_ARCH_RESNET50;
        m->params = 25.6e6;
        m->tensors = 161;                       /* 53 convolutions, 53 norms x 2, the classifier x 2 */
        m->batch_per_gpu = 256;
        m->source = "He et al. 2016 (ResNet-50 v1.5 as in torchvision and DeepLearningExamples)";
    } else if (strcmp(name, "bert-large") == 0 || strcmp(name, "bert-large-squad") == 0) {
        int squad = strcmp(name, "bert-large-squad") == 0;
        m->name = squad ? "bert-large-squad" : "bert-large";
        m->arch = TRAIN_ARCH_TRANSFORMER;
        m->params = 340e6;
        m->layers = 24, m->d_model = 1024, m->heads = m->kv_heads = 16, m->head_dim = 64;
        m->ffn = 4096;
        m->vocab = squad ? 2 : 30522;
        m->seq = seq > 0 ? seq : squad ? 384 : 512;
        m->head_tokens = squad ? 1 : 0.15625;
        m->tensors = 24 * 16 + 8;               /* 16 per layer (weights, biases, norms), embeddings, head */
        m->doc_tokens = squad ? 0 : BERT_DOC_TOKENS;
        m->batch_per_gpu = 16;
        m->source = "Devlin et al. 2019; DeepLearningExamples BERT (masked positions, unfused attention)";
    } else if (strcmp(name, "bert-base") == 0) {
        /* the encoder with its pooler (Hugging Face's BertModel, as
         * inference benchmarks run it): the head is the pooler's 768 x 768
         * dense layer and tanh on each sequence's first token */
        m->name = "bert-base";
        m->arch = TRAIN_ARCH_TRANSFORMER;
        m->params = 110e6;
        m->layers = 12, m->d_model = 768, m->heads = m->kv_heads = 12, m->head_dim = 64;
        m->ffn = 3072;
        m->seq = seq > 0 ? seq : 128;
        m->vocab = 768;
        m->head_tokens = 1.0 / m->seq;
        m->tensors = 12 * 16 + 7;               /* 16 per layer, 3 embeddings and their norm, the pooler */
        m->batch_per_gpu = 32;
        m->source = "Devlin et al. 2019 (BERT-base: 12 layers, 768 wide, 12 heads, MLP 3072)";
    } else {
        return -1;
    }
    m->fwd_flops = fwd_flops_of(m);
    return 0;
}

train_model train_model_transformer(const char *name, int layers, int d_model, int heads, int kv_heads,
                                    int head_dim, int ffn, int vocab, int gated, int seq)
{
    train_model m;
    memset(&m, 0, sizeof m);
    m.name = name;
    m.arch = TRAIN_ARCH_TRANSFORMER;
    m.layers = layers, m.d_model = d_model, m.heads = heads, m.kv_heads = kv_heads;
    m.head_dim = head_dim, m.ffn = ffn, m.vocab = vocab, m.gated = gated, m.seq = seq;
    m.flash = 1;
    m.head_tokens = 1;
    m.tensors = 12.0 * layers + 3;
    m.params = layers * ((double)d_model * (heads + 2.0 * kv_heads) * head_dim +
                         (double)heads * head_dim * d_model + (gated ? 3.0 : 2.0) * d_model * ffn) +
               2.0 * vocab * d_model;
    m.batch_per_gpu = 8;
    m.source = "decoder of the given shape";
    m.fwd_flops = fwd_flops_of(&m);
    return m;
}

train_model train_model_from_llm(const llm_model *lm, int seq)
{
    train_model m = train_model_transformer(lm->name, lm->layers, lm->d_model, lm->heads, lm->kv_heads,
                                            lm->head_dim, lm->ffn, lm->vocab, 1, seq);
    m.params = llm_model_params(lm);
    m.active_params = llm_model_active_params(lm);
    if (lm->experts > 0) {
        m.experts = lm->experts, m.experts_per_tok = lm->experts_per_tok, m.moe_ffn = lm->moe_ffn;
        m.shared_experts = lm->shared_experts, m.dense_layers = lm->dense_layers;
        m.expert_params = (double)train_model_moe_layers(&m) * m.experts * 3.0 * m.d_model * m.moe_ffn;
    }
    if (lm->kv_lora > 0) {
        m.q_lora = lm->q_lora, m.kv_lora = lm->kv_lora, m.rope_dim = lm->rope_dim, m.v_head_dim = lm->v_head_dim;
    }
    if (lm->experts > 0) {
        /* per MoE layer: the router and each expert's three matrices */
        m.tensors += (double)train_model_moe_layers(&m) * (1 + 3.0 * (m.experts + m.shared_experts));
    }
    m.source = lm->source;
    m.fwd_flops = fwd_flops_of(&m);
    return m;
}

/* A GPT-style decoder: P = 12 L h^2 with h = 128 L (the aspect ratio of the
 * GPT-3 family, Brown et al. 2020) [I], L rounded, L heads of 128, MLP 4h, GPT-2's
 * vocabulary of 50257; `params` is kept as given (it counts the layers,
 * the embedding is extra). */
train_model train_model_gpt(double params, int seq)
{
    double L = cbrt(params / (12.0 * 128 * 128));
    if (L < 1)
        L = 1;
    int layers = (int)llround(L), h = 128 * layers;
    train_model m = train_model_transformer("gpt", layers, h, layers, layers, 128, 4 * h, 50257, 0, seq);
    m.params = params;
    m.source = "GPT-style by parameter count [I]";
    return m;
}

/* Frameworks as DeepLearningExamples runs them [I: fused_norm from the
 * kernels each implementation calls: MXNet's ResNet-50 runs cuDNN's NHWC
 * batch norm with fused ReLU and add, TensorFlow's XLA fuses the
 * element-wise ops into the norm, PyTorch (eager) launches ReLU and the add
 * as kernels of their own; PyTorch's optimizers are apex
 * multi-tensor kernels, TensorFlow's update tensor by tensor (about ten
 * kernels each: unscale, overflow check, clip, moments, update), MXNet's
 * tensor by tensor in one kernel each (its SGD-momentum update is one
 * operator, the gradient's rescale and clip and the fp32 master copy of
 * mixed precision inside it [F: MXNet src/operator/optimizer_op.cc
 * sgd_mom_update, mp_sgd_mom_update], and MXNet 1.6 and later updates
 * MXNET_AGGREGATION tensors a launch (multi_mp_sgd_mom_update); ten kernels a tensor had made every
 * MXNet ResNet-50 training row slow, A100 80GB mixed precision -18%, V100
 * 32GB -1..-12%; docs/training.md §0a); after_backward: TensorFlow's and
 * MXNet's scripts exchange gradients with Horovod once the gradient is
 * complete (tape.gradient, then allreduce of the fused tensors), PyTorch's
 * DDP as each bucket is ready;
 * host_us, the dispatch time of one kernel, 10 us (a framework
 * op's Python/C++ dispatch and launch; the SQuAD fine-tuning rows, whose
 * steps have no accumulation, show about 50 ms of fixed cost per step on
 * V100 with TensorFlow's ~4000 optimizer kernels)]. */
/* Tensors MXNet's SGD updates in one launch: MXNET_OPTIMIZER_AGGREGATION_SIZE,
 * whose default is 4 (MXNet 1.6+, python/mxnet/optimizer/optimizer.py,
 * SGD.aggregate_num; the Updater groups the indices it is given by it and
 * Horovod's DistributedOptimizer passes the groups through) [I: MXNet's
 * source, not in the reference set; DeepLearningExamples' 20.12 container
 * runs MXNet 1.8]. */
#define MXNET_AGGREGATION 4

static const train_framework FRAMEWORKS[] = {
    { "pytorch", TRAIN_EAGER, 0, TRAIN_HOST_US, 0, 0, "DeepLearningExamples PyTorch (apex fused optimizers, DDP)" },
    { "pytorch-lddl", TRAIN_EAGER, 0, TRAIN_HOST_US, 0, LDDL_BIN_TOKENS,
      "DeepLearningExamples PyTorch BERT pre-training (LDDL loader: sequences binned by length)" },
    { "pytorch-squad", TRAIN_EAGER, SQUAD_OPT_KERNELS_PER_TENSOR, TRAIN_HOST_US, 0, 0,
      "DeepLearningExamples PyTorch SQuAD fine-tuning (optimizer as a loop over parameter tensors)" },
    { "tensorflow", TRAIN_FUSED_NORM, 10, TRAIN_HOST_US, 1, 0,
      "DeepLearningExamples TensorFlow 1/2 (XLA fuses ReLU and add; Horovod)" },
    { "tensorflow-noxla", TRAIN_TF_GRAPH, 10, TRAIN_HOST_US, 1, 0,
      "TensorFlow 2 graph mode without XLA (every element-wise op a kernel; Horovod)" },
    { "mxnet", TRAIN_FUSED_NORM, 1.0 / MXNET_AGGREGATION, TRAIN_HOST_US, 1, 0,
      "DeepLearningExamples MXNet (NHWC BN-add-ReLU; Horovod)" },
};

const train_framework *train_framework_find(const char *name)
{
    for (size_t i = 0; i < sizeof FRAMEWORKS / sizeof FRAMEWORKS[0]; i++)
        if (strcmp(FRAMEWORKS[i].name, name) == 0)
            return &FRAMEWORKS[i];
    return NULL;
}

static const train_framework *fw_of(const train_params *p)
{
    return p->fw ? p->fw : &FRAMEWORKS[0];
}

double train_optimizer_s(const train_framework *fw, const gpu_rate *r, double params, double tensors,
                         double opt_bytes)
{
    double launches = fw->opt_kernels_per_tensor > 0 ? ceil(fw->opt_kernels_per_tensor * tensors)
                                                     : ceil(tensors / OPT_TENSORS_PER_LAUNCH);
    ops_cost c = { 0 };
    ops_stream(&c, r, opt_bytes * params, launches, 1);
    double host = launches * fw->host_us * 1e-6;
    return c.s > host ? c.s : host;
}

/* The share of a pre-training corpus' sequences (of at most s tokens) that
 * are longer than x tokens, 0 <= x < s. BERT's data preparation
 * (create_pretraining_data.py, Devlin et al. 2019, as LDDL keeps it) fills
 * a sequence with a document's sentences up to a target length, s, or with
 * probability short_seq_prob = 0.1 [F] a length drawn uniformly below s,
 * and ends it early where the document ends. Documents' lengths taken as
 * exponential of mean doc (memoryless: what remains of a document at a
 * sequence's start is again exponential) [I], a sequence is longer than x
 * when both its target and what remains of its document are. */
static double seq_longer(double x, double s, double doc)
{
    return (1 - BERT_SHORT_SEQ_PROB * x / s) * exp(-x / doc);
}

static void cost_add(ops_cost *to, const ops_cost *c, double w)
{
    to->s += w * c->s, to->compute_s += w * c->compute_s;
    to->mem_s += w * c->mem_s, to->kernels += w * c->kernels;
}

/* One micro-batch's forward and backward of a step: the layers at the
 * model's sequence or, where the framework's loader bins sequences by
 * length (bin_tokens) and the model's corpus has documents shorter than a
 * sequence, the mean over bins of a batch padded to its bin's top, each bin
 * as often as the corpus' sequences fall in it. */
static void step_layers_cost(const train_params *p, const gpu_rate *r, ops_cost *f, ops_cost *b)
{
    const train_model *m = &p->model;
    const train_framework *fw = fw_of(p);
    int w = fw->bin_tokens;
    if (w <= 0 || !(m->doc_tokens > 0) || m->arch != TRAIN_ARCH_TRANSFORMER || m->seq <= w) {
        train_layers_cost_ep(m, r, p->prec, p->batch_per_gpu, 1, p->ep, fw->fused_norm, f, b);
        return;
    }
    memset(f, 0, sizeof *f);
    memset(b, 0, sizeof *b);
    for (int lo = 0; lo < m->seq; lo += w) {
        int hi = lo + w < m->seq ? lo + w : m->seq;
        double share = seq_longer(lo, m->seq, m->doc_tokens) -
                       (hi < m->seq ? seq_longer(hi, m->seq, m->doc_tokens) : 0);
        train_model mk = *m;
        mk.seq = hi;
        ops_cost fk = { 0 }, bk = { 0 };
        train_layers_cost(&mk, r, p->prec, p->batch_per_gpu, 1, fw->fused_norm, &fk, &bk);
        cost_add(f, &fk, share);
        cost_add(b, &bk, share);
    }
}

/* Images one CPU core decodes and augments a second in DeepLearningExamples'
 * DALI CPU pipeline for ResNet-50 (JPEG decode, random resized crop to 224,
 * flip, normalise) [fitted: 250, on PyTorch's 8-GPU mixed-precision row of
 * DGX-1 V100 16GB, 8,322 images/s from 8 x 5 loader threads sharing the
 * node's 40 cores with the 8 main threads: 8322 / (40 x 40 / 48); libjpeg-
 * turbo decodes an ImageNet JPEG in 2-4 ms on one core, 250-500 a second,
 * before the crop and resize [I]]. */
#define TRAIN_LOADER_IMAGES_PER_CORE_S 250.0

double train_loader_s(const train_params *p)
{
    if (p->loader_threads <= 0 || p->model.arch != TRAIN_ARCH_RESNET50)
        return 0;
    /* the node's busy threads: each GPU's loaders and its process' main thread */
    double local = p->dp > 1 && p->net.ppn > 0 ? p->net.ppn : 1;
    double busy = local * (p->loader_threads + 1);
    double share = p->host_cores > 0 && busy > p->host_cores ? p->host_cores / busy : 1;
    double acc = p->accumulation > 1 ? p->accumulation : 1;
    return acc * p->batch_per_gpu / (p->loader_threads * share * TRAIN_LOADER_IMAGES_PER_CORE_S);
}

double train_step_s(const train_params *p, const gpu_rate *r)
{
    ops_cost f = { 0 }, b = { 0 };
    step_layers_cost(p, r, &f, &b);
    double params = train_local_params(p) / (p->sharding != TRAIN_DDP ? p->dp : 1);
    double acc = p->accumulation > 1 ? p->accumulation : 1;
    double gpu = acc * (f.s + b.s + train_moe_alltoall_s(p)) +
                 train_optimizer_s(fw_of(p), r, params, p->model.tensors, p->opt_bytes);
    double load = train_loader_s(p);
    return load > gpu ? load : gpu;
}

/* Megatron-Core's gradient buckets: max(40 M, 1 M x dp) parameters
 * [F: Megatron-Core DistributedDataParallelConfig.bucket_size default]. */
static double mp_bucket_params(int dp)
{
    return 1e6 * dp > 40e6 ? 1e6 * dp : 40e6;
}

/* The topology of a group of n ranks that Megatron places at stride
 * `stride` GPUs (its rank order is tp, cp, dp, pp, fastest first): inside
 * one server while n x stride fits it, else one or more ranks a node.
 * Returns 0, or -1 when n < 2 or the topology cannot be built. */
static int mp_group(topo *t, const topo_preset *s, int n, int stride)
{
    if (n < 2 || !s)
        return -1;
    int gpn = s->gpus_per_node, per = stride < gpn ? gpn / stride : 1;
    if (per > n)
        per = n;
    if (per < 1 || n % per != 0)
        per = 1;
    return topo_build(t, s, n / per, per, TOPO_VIRT_BARE_METAL, NULL, NULL, 0);
}

/* NCCL's time for op on t, seconds; *ch (may be NULL) its channels. */
static double mp_coll(const topo *t, coll_op op, double bytes, double *ch)
{
    coll_est e;
    if (ch)
        *ch = 0;
    if (bytes <= 0 || coll_estimate(t, op, bytes, NULL, &e) != 0)
        return 0;
    if (ch)
        *ch = e.channels;
    return e.time_us * 1e-6;
}

static double mp_coll_s(const topo *t, coll_op op, double bytes)
{
    return mp_coll(t, op, bytes, NULL);
}

/* A collective of `total` seconds issued beside `window` seconds of the
 * GPU's time (`busy` of them computing, the rest waiting in the bubble),
 * of which at least `first` (its first or last bucket) cannot hide: the
 * exposed seconds. While it runs beside compute its ch channels hold ch
 * SMs (one thread block each), so that compute takes sms / (sms - ch) as
 * long: the extra is added to *steal. */
static double mp_hide(double total, double first, double window, double busy, double ch, double sms,
                      double *steal)
{
    double exposed = total - window > first ? total - window : first;
    double hidden = total - exposed, beside = hidden < busy ? hidden : busy;
    if (beside > 0 && sms > ch)
        *steal += beside * ch / (sms - ch);
    return exposed;
}

/* The tensor-parallel collectives of one layer and one micro-batch, as
 * exposed: without sequence parallelism two all-reduces of the layer's
 * activations forward and two backward (two more when the forward is
 * recomputed); with it each all-reduce is an all-gather before and a
 * reduce-scatter after the column/row-parallel pair (Korthikanti et al.
 * 2022). With tp_overlap each collective runs beside the GEMM it feeds or
 * follows (Transformer Engine's userbuffers) and only what outlasts that
 * GEMM is exposed: forward QKV, output, up and down projections; backward
 * both gradient GEMMs of each. */
static double mp_tp_layer_s(const train_model *m, const gpu_rate *r, gpu_prec p, const train_mp *mp,
                            const topo *t, double tokens)
{
    int tp = mp->tp;
    double e = train_precision_bytes(p), d = m->d_model, hd = m->head_dim;
    double bytes = tokens * d * e;
    double ag = mp_coll_s(t, COLL_ALLGATHER, bytes), rs = mp_coll_s(t, COLL_REDUCESCATTER, bytes);
    double ar = mp_coll_s(t, COLL_ALLREDUCE, bytes);
    double fwd_passes = 1 + train_megatron_recompute_share(m, mp);
    if (!mp->tp_overlap)
        return mp->sp ? (fwd_passes + 1) * 2 * (ag + rs) : (fwd_passes + 1) * 2 * ar;
    double hq = (double)m->heads / tp, hkv = m->kv_heads >= tp ? (double)m->kv_heads / tp : 1;
    double ffn = (double)m->ffn / tp, eb = p == GPU_FP8 ? 1 : e;
    /* the GEMM beside each collective, forward: QKV (after the gather),
     * output projection (before the scatter), up, down */
    double g[4] = {
        ops_gemm_s(r, p, eb, tokens, (hq + 2 * hkv) * hd, d),
        ops_gemm_s(r, p, eb, tokens, d, hq * hd),
        ops_gemm_s(r, p, eb, tokens, (m->gated ? 2 : 1) * ffn, d),
        ops_gemm_s(r, p, eb, tokens, d, ffn),
    };
    double c[4] = { mp->sp ? ag : ar, mp->sp ? rs : 0, mp->sp ? ag : ar, mp->sp ? rs : 0 };
    double x = 0;
    for (int i = 0; i < 4; i++) {
        double f = c[i] - g[i], b = c[i] - 2 * g[i];
        x += fwd_passes * (f > 0 ? f : 0) + (b > 0 ? b : 0);
    }
    return x;
}

double train_megatron_cost(const train_model *m, const gpu_rate *r, gpu_prec p, const train_mp *mp,
                           const topo_preset *server, double opt_bytes, train_mp_cost *out)
{
    int tp = mp->tp > 0 ? mp->tp : 1, pp = mp->pp > 0 ? mp->pp : 1, cp = mp->cp > 0 ? mp->cp : 1;
    int vp = mp->vp > 0 ? mp->vp : 1, dp = mp->dp > 0 ? mp->dp : 1;
    train_mp_cost c = { 0 };
    topo t0;
    /* one GPU's slice: layers / pp of them, the sequence / cp; a layer's
     * causal pairs split evenly over the cp GPUs (load-balanced chunks) */
    train_model sl = *m;
    sl.layers = 1;
    sl.seq = m->seq / cp > 0 ? m->seq / cp : 1;
    double tokens = (double)mp->micro_batch * sl.seq;
    ops_cost f = { 0 }, b = { 0 };
    train_model one = sl;
    one.vocab = 0;                     /* the head separately, on the last stage */
    int ep = mp->ep > 1 ? mp->ep : 1, nmoe = train_model_moe_layers(m);
    double moe_host = 0;
    double moe_share = m->layers > 0 ? (double)nmoe / m->layers : 0;
    one.experts = 0, one.dense_layers = 0;
    train_layers_cost(&one, r, p, mp->micro_batch, tp, 0, &f, &b);
    if (nmoe > 0) {
        /* a MoE layer's experts split over ep GPUs (train_layers_cost_ep),
         * plus its four all-to-alls per micro-batch (two more when the
         * forward is recomputed), on the stream between router, experts
         * and residual add (no overlap [I: Megatron-Core without its
         * a2a-overlap option]); a stage holds the model's share of MoE
         * layers (moe_share of its layers) */
        train_model moe = sl;
        moe.vocab = 0, moe.dense_layers = 0;
        ops_cost mf = { 0 }, mb = { 0 };
        train_layers_cost_ep(&moe, r, p, mp->micro_batch, tp, ep, 0, &mf, &mb);
        double a2a = ep > 1 && mp_group(&t0, server, ep, tp) == 0
                         ? mp_coll_s(&t0, COLL_ALLTOALL, train_megatron_a2a_bytes(m, p, mp))
                         : 0;
        /* and its exposed host time (MEGATRON_MOE_HOST_S), a third in the
         * forward, two in the backward (twice the GEMMs) [I] */
        double host = MEGATRON_MOE_HOST_S;
        f.s += moe_share * (mf.s + 2 * a2a + host / 3 - f.s);
        b.s += moe_share * (mb.s + 2 * a2a + 2 * host / 3 - b.s);
        moe_host = moe_share * host;
    }
    double rshare = train_megatron_recompute_share(m, mp);
    double lf = f.s * (1 + rshare), lb = b.s;
    if (cp > 1) {
        /* the attention of a 1/cp slice sees the whole sequence's keys:
         * cp times the pairs of a sequence of seq / cp */
        double s_loc = sl.seq, hd = m->head_dim, hq = (double)m->heads / tp;
        double extra = (double)mp->micro_batch * (s_loc * m->seq / 2.0 - s_loc * (s_loc + 1) / 2.0);
        ops_cost a = { 0 }, ab = { 0 };
        ops_attn_prefill(&a, r, tokens, extra, hq, hd, 0, 1 + rshare);
        ops_attn_prefill(&ab, r, tokens, extra, hq, hd, 0, 2.5);
        lf += a.s, lb += ab.s;
    }
    topo t;
    double tp_layer = tp > 1 && mp_group(&t, server, tp, 1) == 0 ? mp_tp_layer_s(m, r, p, mp, &t, tokens) : 0;
    double per_gpu = (double)m->layers / pp;
    /* the last stage's head (vocabulary split over tp) */
    ops_cost hf = { 0 }, hb = { 0 };
    train_model head = sl;
    head.layers = 0, head.experts = 0, head.dense_layers = 0;
    train_layers_cost(&head, r, p, mp->micro_batch, tp, 0, &hf, &hb);
    double fwd = per_gpu * lf + hf.s, bwd = per_gpu * lb + hb.s, stage = fwd + bwd;
    double micro = (double)mp->global_batch / (mp->micro_batch * dp);
    c.compute_s = micro * stage;
    c.moe_host_s = micro * per_gpu * moe_host;
    c.bubble_s = (double)(pp - 1) / vp * stage;
    c.tp_s = (micro + (double)(pp - 1) / vp) * per_gpu * tp_layer;
    /* pipeline: each boundary sends a micro-batch's activations forward and
     * their gradient back, 1/tp of them per GPU (sequence-parallel shards,
     * or the scatter/gather of Narayanan et al. 2021); 2 (pp - 1) transfers
     * lie on the warm-up's and cool-down's critical path, and without
     * overlap_p2p_comm every chunk's send/receive blocks the stream */
    if (pp > 1 && mp_group(&t, server, 2, tp * cp * dp) == 0) {
        double x = mp_coll_s(&t, COLL_SENDRECV, tokens * m->d_model * train_precision_bytes(p) / tp);
        c.pp_s = 2.0 * (pp - 1) * x + (mp->p2p_overlap ? 0 : micro * 2.0 * vp * x);
    }
    /* data parallel: this GPU's gradients (grad_bytes each) reduced over
     * the dp ranks; with the distributed optimizer reduce-scattered and the
     * updated parameters (param_bytes) all-gathered, else all-reduced.
     * Overlapped (overlap_grad_reduce, overlap_param_gather) the buckets of
     * the last micro-batch's backward reduce while it runs and while the
     * GPU waits in the pipeline's cool-down (half the bubble [I: stage i
     * waits about i chunk times in the warm-up and pp - 1 - i in the
     * cool-down]), so the last bucket and what outlasts that window are
     * exposed; the gathers hide behind the next step's first forward and
     * the warm-up the same way. Without overlap the whole reduction follows
     * the last micro-batch. */
    double params = train_megatron_local_params(m, mp) / ((double)tp * pp);
    double gb = mp->grad_bytes > 0 ? mp->grad_bytes : 4, pb = mp->param_bytes > 0 ? mp->param_bytes : 2;
    if (dp * cp > 1 && mp_group(&t, server, dp * cp, tp) == 0) {
        double bk = mp_bucket_params(dp * cp), nb = ceil(params / bk), last = params - (nb - 1) * bk;
        double first = nb > 1 ? bk : params, half = c.bubble_s / 2, chr, cha;
        if (mp->fsdp) {
            /* FSDP (ZeRO-3, Megatron-FSDP): every micro-batch gathers the
             * parameters for its forward and again for its backward and
             * reduce-scatters its gradients, each hidden behind that pass
             * but its first bucket (the gather's) or last (the scatter's) */
            double ag = mp_coll(&t, COLL_ALLGATHER, pb * params, &cha);
            double rs = mp_coll(&t, COLL_REDUCESCATTER, gb * params, &chr);
            double ag1 = mp_coll_s(&t, COLL_ALLGATHER, pb * first);
            double rs1 = mp_coll_s(&t, COLL_REDUCESCATTER, gb * last);
            double x = mp_hide(ag, ag1, fwd, fwd, cha, r->sms, &c.steal_s) +
                       mp_hide(ag + rs, ag1 + rs1, bwd, bwd, (cha + chr) / 2, r->sms, &c.steal_s);
            c.dp_s = micro * x;
            c.steal_s *= micro;
        } else if (mp->dist_opt) {
            double rs = mp_coll(&t, COLL_REDUCESCATTER, gb * params, &chr);
            double ag = mp_coll(&t, COLL_ALLGATHER, pb * params, &cha);
            if (mp->dp_overlap) {
                double rs1 = mp_coll_s(&t, COLL_REDUCESCATTER, gb * last);
                double ag1 = mp_coll_s(&t, COLL_ALLGATHER, pb * first);
                rs = mp_hide(rs, rs1, bwd + half, bwd, chr, r->sms, &c.steal_s);
                ag = mp_hide(ag, ag1, fwd + half, fwd, cha, r->sms, &c.steal_s);
            }
            c.dp_s = rs + ag;
        } else {
            double ar = mp_coll(&t, COLL_ALLREDUCE, gb * params, &chr);
            if (mp->dp_overlap)
                ar = mp_hide(ar, mp_coll_s(&t, COLL_ALLREDUCE, gb * last), bwd + half, bwd, chr, r->sms, &c.steal_s);
            c.dp_s = ar;
        }
    }
    /* distributed optimizer: this GPU's share of the parameters; else all of its stage's */
    double opt_params = params / (mp->dist_opt || mp->fsdp ? dp * cp : 1);
    c.opt_s = opt_bytes * opt_params / (r->peak_bytes * r->ops.eta_bw);
    c.total_s = c.compute_s + c.bubble_s + c.tp_s + c.pp_s + c.dp_s + c.steal_s + c.opt_s;
    if (out)
        *out = c;
    return c.total_s;
}

/* The parameters one GPU of an ep-way expert-parallel group holds: the
 * dense ones and 1/ep of the experts'. */
static double ep_local_params(const train_model *m, int ep)
{
    if (ep <= 1 || m->experts <= 0)
        return m->params;
    return m->params - m->expert_params * (1 - 1.0 / ep);
}

/* One all-to-all's send buffer for tokens on one GPU: each token's hidden
 * state to its top-k experts; 0 without expert parallelism. */
static double ep_a2a_bytes(const train_model *m, gpu_prec p, int ep, double tokens)
{
    if (ep <= 1 || train_model_moe_layers(m) == 0)
        return 0;
    return tokens * m->experts_per_tok * m->d_model * train_precision_bytes(p);
}

double train_megatron_local_params(const train_model *m, const train_mp *mp)
{
    return ep_local_params(m, mp->ep);
}

double train_megatron_recompute_share(const train_model *m, const train_mp *mp)
{
    if (!mp->recompute)
        return 0;
    int pp = mp->pp > 0 ? mp->pp : 1, vp = mp->vp > 0 ? mp->vp : 1;
    double chunk = (double)m->layers / ((double)pp * vp);
    if (mp->recompute_layers <= 0 || mp->recompute_layers >= chunk)
        return 1;
    return mp->recompute_layers / chunk;
}

/* Bytes a layer keeps per token-column of s b h / (tp cp) for its backward
 * (Korthikanti et al. 2022, Table 2, with sequence parallelism), and what a
 * recomputed layer keeps (its 16-bit input) [F]. */
#define MP_ACT_BYTES 34.0
#define MP_ACT_RECOMPUTED_BYTES 2.0
/* Bytes a parameter's fp32 master copy and two Adam moments take [F:
 * Megatron-LM docs/distrib_optimizer, 12 of its 6 + 12/d]. */
#define MP_OPT_STATE_BYTES 12.0

double train_megatron_memory_bytes(const train_model *m, const train_mp *mp)
{
    int tp = mp->tp > 0 ? mp->tp : 1, pp = mp->pp > 0 ? mp->pp : 1, cp = mp->cp > 0 ? mp->cp : 1;
    int vp = mp->vp > 0 ? mp->vp : 1, dp = mp->dp > 0 ? mp->dp : 1, mb = mp->micro_batch > 0 ? mp->micro_batch : 1;
    double vd = (double)m->vocab * m->d_model;
    double local = train_megatron_local_params(m, mp);
    double params = (pp > 1 ? (local - 2 * vd) / pp + vd : local) / tp;
    double gb = mp->grad_bytes > 0 ? mp->grad_bytes : 4, pb = mp->param_bytes > 0 ? mp->param_bytes : 2;
    double shards = mp->dist_opt || mp->fsdp ? (double)dp * cp : 1;
    /* FSDP shards the weights and gradients too */
    double states = params * (mp->fsdp ? (pb + gb + MP_OPT_STATE_BYTES) / shards
                                       : pb + gb + MP_OPT_STATE_BYTES / shards);
    double col = (double)mb * (m->seq / cp) * m->d_model / tp;          /* s b h / (tp cp) */
    double micro = (double)mp->global_batch / ((double)mb * dp);
    double inflight = pp > 1 ? pp * (1 + (pp - 1.0) / ((double)pp * vp)) : 1;
    if (inflight > micro)
        inflight = micro > 1 ? micro : 1;
    double rs = train_megatron_recompute_share(m, mp), layers = (double)m->layers / pp;
    double per_layer = (1 - rs) * MP_ACT_BYTES + rs * MP_ACT_RECOMPUTED_BYTES;
    double act = inflight * layers * per_layer * col + (rs > 0 ? MP_ACT_BYTES * col : 0);
    return states + act;
}

double train_megatron_a2a_bytes(const train_model *m, gpu_prec p, const train_mp *mp)
{
    int cp = mp->cp > 0 ? mp->cp : 1;
    double s = m->seq / cp > 0 ? m->seq / cp : 1;
    return ep_a2a_bytes(m, p, mp->ep, (double)mp->micro_batch * s);
}

double train_megatron_step_s(const train_model *m, const gpu_rate *r, gpu_prec p, const train_mp *mp,
                             const topo_preset *server, double opt_bytes)
{
    return train_megatron_cost(m, r, p, mp, server, opt_bytes, NULL);
}

/* Model FLOPs of one iteration, no recomputation counted (Narayanan et al.
 * 2021: 72 B s l h^2 (1 + s/6h + V/12lh) for a GPT of MLP 4h); for other
 * shapes 6 x (the layer and head parameters' multiply-adds) per token plus
 * causal-free attention 12 l s h per token, as Megatron counts. */
double train_megatron_model_flops(const train_model *m, double global_batch)
{
    double s = m->seq, l = m->layers, h = m->d_model, hd = m->head_dim, V = m->vocab;
    double qkv = h * (m->heads + 2.0 * m->kv_heads) * hd, o = (double)m->heads * hd * h;
    double mlp = (m->gated ? 3.0 : 2.0) * h * m->ffn;
    double per_token = 6 * (l * (qkv + o + mlp) + h * V) + 12 * l * s * m->heads * hd;
    return global_batch * s * per_token;
}

double train_local_params(const train_params *p)
{
    return ep_local_params(&p->model, p->ep);
}

double train_moe_alltoall_bytes(const train_params *p)
{
    return ep_a2a_bytes(&p->model, p->prec, p->ep, (double)p->batch_per_gpu * p->model.seq);
}

double train_moe_alltoall_s(const train_params *p)
{
    double bytes = train_moe_alltoall_bytes(p);
    coll_est e;
    if (bytes <= 0 || coll_estimate(&p->ep_net, COLL_ALLTOALL, bytes, NULL, &e) < 0)
        return 0;
    return 4.0 * train_model_moe_layers(&p->model) * e.time_us * 1e-6;
}

int train_buckets(const train_params *p)
{
    double total = train_local_params(p) * p->grad_bytes, first = p->first_bucket_mb * 1e6;
    if (total <= first)
        return 1;
    return 1 + (int)ceil((total - first) / (p->bucket_mb * 1e6));
}

static const char *const SHARDINGS[] = {
    [TRAIN_DDP] = "ddp", [TRAIN_ZERO2] = "zero2",
    [TRAIN_SHARD_GRAD_OP] = "shard_grad_op", [TRAIN_FULL_SHARD] = "full_shard",
};

int train_sharding_parse(const char *name)
{
    if (strcmp(name, "zero1") == 0)      /* same collectives as stage 2 */
        return TRAIN_ZERO2;
    if (strcmp(name, "zero3") == 0)
        return TRAIN_FULL_SHARD;
    for (int i = 0; i < (int)(sizeof SHARDINGS / sizeof SHARDINGS[0]); i++)
        if (strcmp(name, SHARDINGS[i]) == 0)
            return i;
    return -1;
}

const char *train_sharding_name(train_sharding s) { return SHARDINGS[s]; }

double train_state_bytes_per_param(train_sharding s, int dp)
{
    switch (s) {
    case TRAIN_ZERO2: return 2 + 14.0 / dp;          /* weights kept; gradients and Adam sharded */
    case TRAIN_SHARD_GRAD_OP: return 2 + 14.0 / dp;
    case TRAIN_FULL_SHARD: return 16.0 / dp;
    default: return 16;
    }
}

/* ---- the step engine ---- */

typedef struct train_req train_req;
struct train_req {
    train_req *next;
    uint64_t   id;
    int        user;
    sim_time_t arrival;
};

typedef enum { PH_ACC, PH_FWD, PH_BWD, PH_OPT } train_phase;

/* What the GPU stream does once the collective it waits for has ended. */
typedef enum { NEXT_FWD_UNIT, NEXT_BWD_BUCKET, NEXT_OPT, NEXT_FINISH, NEXT_BACKWARD, NEXT_LAST } train_next;

typedef struct {
    const train_params *p;
    tenant             *t;
    sim_pool            reqs;
    train_req          *head, *tail;
    int                 nbuckets, bucket, unit;
    int                 running;            /* a step is in progress */
    int                 has_net;            /* dp > 1: a sampler exists */
    train_phase         phase;
    train_next          next;
    sim_time_t          start, comm_free, exposed, service, sw;
    sim_time_t         *gather_end;         /* [nbuckets] */
    double              wire_bytes;         /* this step, per rank */
    ops_cost            fwd, bwd;           /* the whole batch's passes on the tenant's resource */
    sim_time_t          load;               /* the CPU loader's time for a step's samples (0: none) */
    sim_time_t          batch_ready;        /* when the loader's next batch is ready */
    int                 data_wait;          /* waiting on ev_wait for that batch */
    sim_time_t          a2a;                /* MoE: one micro-batch's expert-parallel all-to-alls */
    double              a2a_bytes;          /* ... their bytes on the wire per rank */
    coll_sampler        cs;
    gpu_job             job;
    sim_event           ev_wait;
} train_state;

static double total_grad_bytes(const train_params *p)
{
    return train_local_params(p) * p->grad_bytes;
}

static double bucket_bytes(const train_state *st, int i)
{
    const train_params *p = st->p;
    double total = total_grad_bytes(p), first = p->first_bucket_mb * 1e6;
    if (i == 0)
        return total < first ? total : first;
    double rest = total - first - (i - 1) * p->bucket_mb * 1e6;
    return rest < p->bucket_mb * 1e6 ? rest : p->bucket_mb * 1e6;
}

/* Share of the parameters in bucket i (bucket 0 holds the last layers). */
static double bucket_share(const train_state *st, int i)
{
    return bucket_bytes(st, i) / total_grad_bytes(st->p);
}

static int sharded(const train_state *st)
{
    return st->p->sharding != TRAIN_DDP;
}

/* Issue a collective on the rank's network stream now; returns its end.
 * The sampler gives NCCL's time T and the lateness L of the last rank
 * (arrival jitter and host noise, max over ranks). Every rank queues the op
 * now and is ready L later; the op starts when the stream is free and the
 * last rank is ready, so lateness that falls while the stream still carries
 * earlier buckets is hidden, as it is under DDP's overlap. */
static sim_time_t issue(train_state *st, coll_op op, double bytes)
{
    sim_time_t now = st->t->s->now;
    if (!st->has_net)
        return now;
    coll_est e;
    double us = coll_sample_us(&st->cs, op, bytes, st->t->rng_wl, &e);
    if (us < 0)                                  /* never on >= 2 ranks */
        return now;
    sim_time_t t = sim_round_ns(e.time_us * 1e3);
    sim_time_t ready = now + sim_round_ns((us - e.time_us) * 1e3);
    sim_time_t from = st->comm_free > now ? st->comm_free : now;
    if (ready > from)
        from = ready;
    st->comm_free = from + (t > 0 ? t : 1);
    st->wire_bytes += bytes * coll_busbw_factor(op, st->p->dp);
    return st->comm_free;
}

static sim_time_t gather_bucket(train_state *st, int i)
{
    double params = bucket_share(st, i) * train_local_params(st->p);
    return issue(st, COLL_ALLGATHER, params * st->p->param_bytes);
}

/* Submit `share` of a pass's operators as one burst. */
static void submit(train_state *st, const ops_cost *c, double share, train_phase ph)
{
    st->phase = ph;
    st->job.work = sim_round_ns(share * c->s * 1e9);
    if (st->job.work < 1)
        st->job.work = 1;
    st->job.kernels = (uint32_t)ceil(share * c->kernels);
    if (st->job.kernels < 1)
        st->job.kernels = 1;
    st->job.compute_ns = sim_round_ns(share * c->compute_s * 1e9);
    st->job.mem_ns = sim_round_ns(share * c->mem_s * 1e9);
    tenant_submit(st->t, &st->job);
}

static void run_next(train_state *st);
static void begin_step(train_state *st);
static void begin_backward(train_state *st);

/* The GPU stream goes on with `next` once `ready` has passed. */
static void gate(train_state *st, sim_time_t ready, train_next next)
{
    sim_time_t now = st->t->s->now;
    st->next = next;
    if (ready > now) {
        st->exposed += ready - now;
        sim_at(st->t->s, &st->ev_wait, ready);
    } else {
        run_next(st);
    }
}

/* Forward unit u runs bucket nbuckets - 1 - u (parameter order). */
static void start_fwd_unit(train_state *st)
{
    int b = st->nbuckets - 1 - st->unit;
    double share = bucket_share(st, b);
    if (st->unit + 1 < st->nbuckets)          /* prefetch the next unit */
        st->gather_end[st->unit + 1] = gather_bucket(st, b - 1);
    submit(st, &st->fwd, share, PH_FWD);
}

static void start_bwd_bucket(train_state *st)
{
    const train_params *p = st->p;
    if (p->sharding == TRAIN_FULL_SHARD && st->bucket + 1 < st->nbuckets)
        st->gather_end[st->bucket + 1] = gather_bucket(st, st->bucket + 1);
    submit(st, &st->bwd, bucket_share(st, st->bucket), PH_BWD);
}

static void start_optimizer(train_state *st)
{
    double params = train_local_params(st->p) / (sharded(st) ? st->p->dp : 1);
    double t = train_optimizer_s(fw_of(st->p), &st->t->rate, params, st->p->model.tensors, st->p->opt_bytes);
    ops_cost c = { t, 0, t, 1 };
    submit(st, &c, 1, PH_OPT);
}

static void finish_step(train_state *st)
{
    sim_time_t now = st->t->s->now;
    train_req *q = st->head;
    st->head = q->next;
    if (!st->head)
        st->tail = NULL;
    tenant_rec r;
    tenant_rec_begin(&r, q->id, q->user, q->arrival);
    tenant_rec_split(&r, st->start, st->service, st->sw, 0, now);
    r.units = (double)st->p->batch_per_gpu * st->p->dp * (st->p->accumulation > 1 ? st->p->accumulation : 1);
    r.size[0] = r.units;
    r.size[1] = st->nbuckets;
    r.metric[0] = (double)(now - st->start) / 1e6;
    r.metric[1] = (double)st->exposed / 1e6;
    r.metric[2] = st->wire_bytes / 1e9;
    sim_pool_put(&st->reqs, q);
    st->running = 0;
    tenant_complete(st->t, &r);          /* a closed loop may send the next step now */
    if (st->head && !st->running)
        run_next(st);
}

static void start_step(train_state *st)
{
    const train_params *p = st->p;
    /* the CPU loader's batch: ready load seconds after the loader began it
     * (when the previous step took its batch); wait for it */
    sim_time_t now = st->t->s->now;
    if (st->load > 0) {
        if (st->data_wait)
            return;
        if (st->batch_ready > now) {
            st->data_wait = 1;
            sim_at(st->t->s, &st->ev_wait, st->batch_ready);
            return;
        }
        st->batch_ready = now + st->load;
    }
    st->running = 1;
    st->start = st->comm_free = st->t->s->now;
    st->service = st->sw = st->exposed = 0;
    st->wire_bytes = 0;
    memset(&st->fwd, 0, sizeof st->fwd);
    memset(&st->bwd, 0, sizeof st->bwd);
    step_layers_cost(p, &st->t->rate, &st->fwd, &st->bwd);
    if (p->accumulation > 1) {
        /* the micro-batches before the last: forward and backward, no
         * collective (gradients accumulate locally) */
        ops_cost acc = st->fwd;
        acc.s += st->bwd.s, acc.compute_s += st->bwd.compute_s, acc.mem_s += st->bwd.mem_s;
        acc.kernels += st->bwd.kernels;
        submit(st, &acc, p->accumulation - 1, PH_ACC);
        return;
    }
    begin_step(st);
}

/* The last micro-batch: its forward (and FSDP's first gather). */
static void begin_step(train_state *st)
{
    const train_params *p = st->p;
    st->comm_free = st->t->s->now;
    st->bucket = st->unit = 0;
    if (p->sharding == TRAIN_SHARD_GRAD_OP || p->sharding == TRAIN_FULL_SHARD) {
        st->gather_end[0] = gather_bucket(st, st->nbuckets - 1);
        gate(st, st->gather_end[0], NEXT_FWD_UNIT);
    } else {
        submit(st, &st->fwd, 1, PH_FWD);
    }
}

static void run_next(train_state *st)
{
    if (!st->running) {
        start_step(st);
        return;
    }
    switch (st->next) {
    case NEXT_FWD_UNIT: start_fwd_unit(st); break;
    case NEXT_BWD_BUCKET: start_bwd_bucket(st); break;
    case NEXT_OPT: start_optimizer(st); break;
    case NEXT_FINISH: finish_step(st); break;
    case NEXT_BACKWARD: begin_backward(st); break;
    case NEXT_LAST: begin_step(st); break;
    }
}

static void on_wait(sim *s, sim_event *ev)
{
    (void)s;
    train_state *st = ev->ctx;
    st->data_wait = 0;
    run_next(st);
}

static void begin_backward(train_state *st)
{
    st->bucket = 0;
    if (st->p->sharding == TRAIN_FULL_SHARD) {
        st->gather_end[0] = gather_bucket(st, 0);
        gate(st, st->gather_end[0], NEXT_BWD_BUCKET);
    } else {
        start_bwd_bucket(st);
    }
}

static void forward_done(train_state *st)
{
    int per_unit = st->p->sharding == TRAIN_SHARD_GRAD_OP || st->p->sharding == TRAIN_FULL_SHARD;
    if (per_unit && ++st->unit < st->nbuckets) {
        gate(st, st->gather_end[st->unit], NEXT_FWD_UNIT);
    } else if (st->a2a > 0) {         /* the micro-batch's all-to-alls, forward and backward */
        st->wire_bytes += st->a2a_bytes;
        gate(st, st->t->s->now + st->a2a, NEXT_BACKWARD);
    } else {
        begin_backward(st);
    }
}

static void backward_done(train_state *st)
{
    coll_op op = sharded(st) ? COLL_REDUCESCATTER : COLL_ALLREDUCE;
    if (!fw_of(st->p)->after_backward) {
        issue(st, op, bucket_bytes(st, st->bucket));
    } else if (st->bucket + 1 == st->nbuckets) {
        /* Horovod: the whole gradient, bucket by bucket, once backward ends */
        for (int i = 0; i < st->nbuckets; i++)
            issue(st, op, bucket_bytes(st, i));
    }
    if (++st->bucket < st->nbuckets)
        gate(st, st->p->sharding == TRAIN_FULL_SHARD ? st->gather_end[st->bucket] : 0,
             NEXT_BWD_BUCKET);
    else
        gate(st, st->comm_free, NEXT_OPT);
}

/* ZeRO gathers the updated parameters after the optimizer, bucket by
 * bucket; FSDP gathers them in the next forward. */
static void optimizer_done(train_state *st)
{
    if (st->p->sharding == TRAIN_ZERO2)
        for (int i = 0; i < st->nbuckets; i++)
            gather_bucket(st, i);
    gate(st, st->comm_free, NEXT_FINISH);
}

static void job_done(sim *s, gpu_job *j)
{
    (void)s;
    train_state *st = j->owner;
    st->service += j->service_ns;
    st->sw += j->switch_ns;
    switch (st->phase) {
    case PH_ACC:
        if (st->a2a > 0) {
            st->wire_bytes += (st->p->accumulation - 1) * st->a2a_bytes;
            gate(st, s->now + (st->p->accumulation - 1) * st->a2a, NEXT_LAST);
        } else {
            begin_step(st);
        }
        break;
    case PH_FWD: forward_done(st); break;
    case PH_BWD: backward_done(st); break;
    case PH_OPT: optimizer_done(st); break;
    }
}

static void train_arrive(void *state, sim *s, const arr_item *it)
{
    train_state *st = state;
    train_req *q = tenant_pool_get(st->t, &st->reqs);
    if (!q)
        return;
    q->next = NULL;
    q->id = st->t->next_id++;
    q->user = it->user;
    q->arrival = s->now;
    if (st->tail)
        st->tail->next = q;
    else
        st->head = q;
    st->tail = q;
    if (!st->running)
        start_step(st);
}

static void train_free(void *state);

static void *train_alloc(const void *params, tenant *t)
{
    train_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->p = params;
    st->t = t;
    st->nbuckets = train_buckets(st->p);
    sim_pool_init(&st->reqs, sizeof(train_req));
    st->job.owner = st;
    st->job.done = job_done;
    sim_event_set(&st->ev_wait, on_wait, st);
    st->gather_end = calloc((size_t)st->nbuckets, sizeof *st->gather_end);
    st->has_net = st->p->dp > 1;
    st->a2a = sim_round_ns(train_moe_alltoall_s(st->p) * 1e9);
    st->load = sim_round_ns(train_loader_s(st->p) * 1e9);
    st->a2a_bytes = 4.0 * train_model_moe_layers(&st->p->model) * train_moe_alltoall_bytes(st->p) *
                    coll_busbw_factor(COLL_ALLTOALL, st->p->ep > 1 ? st->p->ep : 1);
    if (!st->gather_end ||
        (st->has_net && coll_sampler_init(&st->cs, &st->p->net, &st->p->noise, st->p->corr) < 0)) {
        st->has_net = 0;
        train_free(st);
        return NULL;
    }
    return st;
}

static void train_free(void *state)
{
    train_state *st = state;
    sim_cancel(st->t->s, &st->ev_wait);
    sim_pool_free(&st->reqs);
    if (st->has_net)
        coll_sampler_free(&st->cs);
    free(st->gather_end);
    free(st);
}

static const char *const TRAIN_METRICS[] = { "step_ms", "exposed_comm_ms", "comm_gb", NULL };

/* Weights, gradients and optimizer state per GPU (train_state_bytes_per_param),
 * and the activations kept for the backward pass of one batch
 * (train_activation_bytes). */
static void train_footprint(const void *params, double share_bytes, wl_footprint *f)
{
    const train_params *p = params;
    (void)share_bytes;
    f->weights = train_state_bytes_per_param(p->sharding, p->dp) * train_local_params(p);
    f->activations = train_activation_bytes(&p->model, p->prec, p->batch_per_gpu);
}

/* Data and expert parallelism exchange gradients and tokens (coll.h). */
static int train_collectives(const void *params)
{
    const train_params *p = params;
    return p->dp > 1 || p->ep > 1;
}

const wl_type wl_training = {
    "training", "samples/s", TRAIN_METRICS, train_alloc, train_free, train_arrive, train_footprint, NULL,
    "training", train_collectives,
};
