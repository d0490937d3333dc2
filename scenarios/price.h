/* price.h -- what a GPU-hour costs, for ranking setups (slicesim compare)
 * and configurations (slicesim plan).
 *
 * A scenario may say, in an optional top-level object:
 *     "cost": { "usd_per_gpu_hour": 2.5,
 *               "usd_per_gpu_hour_by_setup": { "vgpu": 2.9, "passthrough": 2.6 },
 *               "usd_per_gpu_hour_by_gpu": { "h100-sxm": 3.0, "a100-sxm-80gb": 1.8 },
 *               "note": "...", "date": "2026-12", "source": "..." }
 * and `slicesim plan --prices FILE` reads the same object from a file of
 * its own (docs/prices-illustrative-2026-12.json is a template). No
 * price is built into slicesim: public prices vary by provider, region and
 * contract and no source row backs one [I]. Without a price, compare ranks
 * setups by the GPUs they hold; plan refuses a GPU it cannot price. */
#ifndef SCENARIOS_PRICE_H
#define SCENARIOS_PRICE_H

#include <stddef.h>
#include <cJSON.h>
#include "models/model.h"
#include "scenarios/jv.h"

typedef struct {
    int    given;               /* a price was set for this setup */
    double usd_per_gpu_hour;    /* when given */
} price_info;

/* price_validate: check root's "cost" object if present (one jv message).
 * Returns 0 or -1. */
int price_validate(jv *v, const cJSON *root);

/* price_for: the price of setup `name`: its by_setup entry, else the
 * general price, else given = 0. root must have passed price_validate. */
price_info price_for(const cJSON *root, const char *name);

/* price_of_gpu: the price of a GPU-hour of GPU preset `gpu` in cost (a
 * "cost" object that passed validation, or NULL): its by_gpu entry, else
 * the general usd_per_gpu_hour, else given = 0. */
price_info price_of_gpu(const cJSON *cost, const char *gpu);

/* price_load: a prices file: one JSON object of the "cost" shape. The
 * object (the caller frees it with cJSON_Delete), or NULL with one message
 * in msg naming the file, the field, the value and what is allowed. */
cJSON *price_load(const char *file, char *msg, size_t len);

/* price_gpus_held: the GPUs the placed tenants of c occupy: every GPU that
 * runs at least one engine, a GPU whose engines include an LLM engine of
 * tensor-parallel size T (or a training job on D data-parallel ranks)
 * counting max(T, D) GPUs, as the modelled GPU stands for its whole group.
 * GPUs of the hardware that no tenant uses are not counted. -1 when out
 * of memory. */
int price_gpus_held(const model_cfg *c);

#endif
