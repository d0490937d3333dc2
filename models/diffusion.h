/* diffusion.h -- text-to-image diffusion serving: model and engine presets,
 * the layer-by-layer cost of a UNet step, and the `diffusion` workload.
 *
 * A request asks for `images` images of `steps` denoising steps. The server
 * batches requests FIFO up to max_batch images (a larger request runs alone)
 * and dispatches a batch when it is full or its oldest request has waited
 * max_wait_ms, one batch at a time. A batch is (FACTS §6):
 *     text encode (one prompt per request, two with classifier-free guidance)
 *   + steps x (one UNet evaluation over images x (2 with CFG))
 *   + VAE decode of every image,
 * with steps = the largest of the batch. Every request of a batch ends with
 * it. Throughput is images per minute (each image counts 60 units, so the
 * per-second rate the tenant reports reads as images/min).
 * Record sizes: size[0] = steps, size[1] = images.
 *
 * Cost (docs/workloads.md, "diffusion"): by default each stage is walked
 * layer by layer (convolutions as implicit GEMMs, self- and cross-attention,
 * GroupNorm / LayerNorm / element-wise passes) at the requested resolution
 * and costed with the operator model (models/ops.h) on the tenant's
 * resource, with an engine preset (PyTorch eager, torch.compile, TensorRT)
 * deciding which element-wise chains are fused and what the host spends per
 * operator. The roofline of one burst per stage stays as the fallback
 * (`cost: roofline`). */
#ifndef MODELS_DIFFUSION_H
#define MODELS_DIFFUSION_H

#include "models/gpu.h"
#include "models/workload.h"

/* A CLIP-style text transformer: layers, width, heads, MLP width, vocabulary. */
typedef struct {
    int layers, d, heads, ffn, vocab;
} diff_text_arch;

typedef struct {
    const char *name;
    /* the UNet: `levels` resolutions (latent / 2^i) of ch[i] channels,
     * `layers` resnets per down block (layers + 1 per up block),
     * transformer depth and attention heads per level (0 = no attention),
     * the mid block's transformer depth, the text context (tokens x dim),
     * latent channels and pixels per latent pixel */
    int    levels, ch[4], depth[4], heads[4], layers, mid_depth;
    int    ctx_len, ctx_dim, latent_ch, vae_scale;
    int    res;                 /* default image side, pixels */
    diff_text_arch text[2];     /* text encoders (layers 0 = absent) */
    /* the roofline fallback's numbers (cost: roofline) */
    double unet_flops;          /* one UNet evaluation of one image */
    double unet_weight_bytes;   /* read once per evaluation of a batch */
    double unet_act_bytes;      /* per image evaluation */
    double text_flops, text_bytes;   /* per prompt encoded (flops), weights (bytes) */
    double vae_flops, vae_bytes;     /* per image decoded */
    int    default_steps;
    const char *source;
} diff_model;

/* diff_model_find: the preset called name, or NULL. diff_model_list: the
 * names, comma separated, for messages. */
const diff_model *diff_model_find(const char *name);
const char *diff_model_list(void);

/* An engine: how the framework runs the layers. host_op_us is the CPU time
 * to dispatch one framework operator when the engine runs them one by one
 * (eager); with CUDA graphs (graphs = 1) the UNet is one replay of
 * host_graph_us. fused = 1: element-wise chains fused into few kernels
 * (Inductor, TensorRT). step_ops: framework operators per step outside the
 * UNet (scheduler update, guidance combination), dispatched eagerly by every
 * engine at host_op_us each. */
typedef struct {
    const char *name;
    double host_op_us;
    double host_graph_us;
    int    graphs, fused;
    double step_ops;
    const char *source;
} diff_engine;

/* diff_engine_find: "eager", "compile", "tensorrt", or NULL;
 * diff_engine_list: the names. */
const diff_engine *diff_engine_find(const char *name);
const char *diff_engine_list(void);

typedef enum { DIFF_COST_LAYERS, DIFF_COST_ROOFLINE } diff_cost_mode;
typedef enum { DIFF_ATTN_SDPA, DIFF_ATTN_MATH } diff_attn;

typedef struct {
    const diff_model  *m;
    const diff_engine *engine;      /* NULL = "compile" */
    diff_cost_mode     cost;
    gpu_prec prec;
    int      width, height;         /* pixels; 0 = the model's default */
    int      controlnet;            /* a ControlNet (the UNet's encoder copy) runs every step */
    diff_attn attention;            /* SDPA's fused kernel, or the materialised scores */
    int      steps;                 /* when arrivals carry no sizes */
    int      images;                /* images per prompt, likewise */
    int      cfg;                   /* classifier-free guidance */
    int      max_batch;             /* images per batch */
    double   max_wait_ms;
    double   host_ms_per_step;      /* extra host time per step (both cost modes) */
    double   host_op_us;            /* host time per eager operator; 0 = the engine's */
    int      fused_qkv;             /* attention's q, k, v (cross: k, v) as one linear layer */
    int      int8_dynamic;          /* linear layers in int8, activations quantised per token at
                                     * run time, where that is faster (torchao's dynamic quant) */
    int      nchw;                  /* tensors in NCHW (memory_format "nchw"); 0 = channels_last,
                                     * whose eager GroupNorms copy to NCHW and back */
} diff_params;

extern const wl_type wl_diffusion;

/* The cost of one stage on a resource: GPU busy time and its compute- and
 * memory-bound parts, host time during which the GPU waits (dispatch
 * bubbles), kernels, and what the walk counted (FLOPs, framework operators,
 * parameters of the networks walked). */
typedef struct {
    double gpu_s, compute_s, mem_s, host_s;
    double kernels, ops, flops, params;
} diff_cost;

/* diff_unet_cost: one denoising step over `images` images (twice with
 * guidance): the UNet (and ControlNet) evaluation plus the step's own
 * operators. diff_text_cost: the text encoders over `prompts` prompts (twice
 * with guidance). diff_vae_cost: the VAE decoder over `images` images. */
void diff_unet_cost(const diff_params *p, const gpu_rate *r, int images, diff_cost *out);
void diff_text_cost(const diff_params *p, const gpu_rate *r, int prompts, diff_cost *out);
void diff_vae_cost(const diff_params *p, const gpu_rate *r, int images, diff_cost *out);

/* diff_step_s: the wall time of one denoising step alone on r (host bubbles
 * plus GPU time plus host_ms_per_step); its inverse is the iterations per
 * second diffusers reports. */
double diff_step_s(const diff_params *p, const gpu_rate *r, int images);

/* diff_image_s: the latency of one lone request of `images` images and
 * `steps` steps on r: text encoders (one prompt), steps x diff_step_s, VAE
 * decode, each stage's host bubbles included (layers cost only). */
double diff_image_s(const diff_params *p, const gpu_rate *r, int images, int steps);

/* The roofline fallback's bursts (cost: roofline): the UNet over `images`
 * images (twice with guidance) for one step, the text encoders for
 * `prompts` prompts, the VAE decode of `images` images. */
gpu_burst diff_unet_burst(const diff_params *p, int images);
gpu_burst diff_text_burst(const diff_params *p, int prompts);
gpu_burst diff_vae_burst(const diff_params *p, int images);

#endif
