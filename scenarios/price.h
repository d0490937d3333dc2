/* price.h -- what a GPU-hour costs, for ranking setups (slicesim compare).
 *
 * A scenario may say, in an optional top-level object:
 *     "cost": { "usd_per_gpu_hour": 2.5,
 *               "usd_per_gpu_hour_by_setup": { "vgpu": 2.9, "passthrough": 2.6 } }
 * No price ships with slicesim: public prices vary by provider, region and
 * contract and no source row backs one [I]. Without a price, setups are
 * ranked by the GPUs they hold (cost in GPU-hours per hour). */
#ifndef SCENARIOS_PRICE_H
#define SCENARIOS_PRICE_H

#include <cJSON.h>
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

#endif
