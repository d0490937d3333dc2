/* plancfg.h -- a scenario's optional "plan" object: the search that
 * `slicesim plan` runs when the command line gives none.
 *
 *     "plan": { "slos": [ "chat.ttft_ms.p95<=500" ],
 *               "vary": [ "tenants.0.replicas=1:6:1", "hardware.gpu=h100-sxm,h200" ],
 *               "goal": "cost",
 *               "prices": "../docs/prices-illustrative-2026-12.json" }
 *
 * Each string is what plan's --slo and --vary take; "goal" is --goal's
 * value; "prices" a prices file (scenarios/price.h), relative to the
 * scenario's folder unless absolute. Here only the shape is checked: the
 * expressions are plan's to read (cli/cmd_plan.c), and every other command
 * ignores the object. */
#ifndef SCENARIOS_PLANCFG_H
#define SCENARIOS_PLANCFG_H

#include <cJSON.h>
#include "scenarios/jv.h"

#define PLANCFG_MAX_ITEMS 32

/* plancfg_validate: root's "plan" object if present (one jv message).
 * 0 or -1. */
int plancfg_validate(jv *v, const cJSON *root);

/* plancfg_strings: the strings of plan.KEY ("slos" or "vary") of a
 * validated root into out (room for PLANCFG_MAX_ITEMS; they point into
 * root); returns how many (0 without a plan object or key). */
size_t plancfg_strings(const cJSON *root, const char *key, const char **out);

/* plancfg_string: plan.KEY ("goal" or "prices") of a validated root, or
 * NULL. */
const char *plancfg_string(const cJSON *root, const char *key);

#endif
