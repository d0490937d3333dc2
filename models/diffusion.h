/* diffusion.h -- text-to-image diffusion serving: presets and the
 * `diffusion` workload.
 *
 * A request asks for `images` images of `steps` denoising steps. The server
 * batches requests FIFO up to max_batch images (a larger request runs alone)
 * and dispatches a batch when it is full or its oldest request has waited
 * max_wait_ms, one batch at a time. A batch is (FACTS §6):
 *     text encode (one prompt per request, two with classifier-free guidance)
 *   + steps x (host time, then one UNet burst over images x (2 with CFG))
 *   + VAE decode of every image,
 * with steps = the largest of the batch. Every request of a batch ends with
 * it. Throughput is images per minute (each image counts 60 units, so the
 * per-second rate the tenant reports reads as images/min).
 * Record sizes: size[0] = steps, size[1] = images. */
#ifndef MODELS_DIFFUSION_H
#define MODELS_DIFFUSION_H

#include "models/gpu.h"
#include "models/workload.h"

typedef struct {
    const char *name;
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

typedef struct {
    const diff_model *m;
    gpu_prec prec;
    int      steps;             /* when arrivals carry no sizes */
    int      images;            /* images per prompt, likewise */
    int      cfg;               /* classifier-free guidance */
    int      max_batch;         /* images per batch */
    double   max_wait_ms;
    double   host_ms_per_step;
} diff_params;

extern const wl_type wl_diffusion;

/* The bursts of one batch, for checks and for the engine: the UNet over
 * `images` images (twice with guidance) for one step, the text encoders for
 * `prompts` prompts, the VAE decode of `images` images. */
gpu_burst diff_unet_burst(const diff_params *p, int images);
gpu_burst diff_text_burst(const diff_params *p, int prompts);
gpu_burst diff_vae_burst(const diff_params *p, int images);

#endif
