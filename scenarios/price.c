/* price.c -- the optional "cost" object of a scenario, a prices file of
 * the same shape, and the GPUs a configuration holds. */
#include "scenarios/price.h"

#include <stdlib.h>
#include "models/llm.h"
#include "models/training.h"
#include "scenarios/textfile.h"

#define PRICE_FILE_MAX (1L << 20)

static const jv_range PRICE = { 0, 1e6, 1, 0, "USD per GPU-hour" };

/* The cost object c at path: its keys, prices and notes. */
static int check_cost(jv *v, const cJSON *c, const char *path)
{
    static const char *const keys[] = { "usd_per_gpu_hour", "usd_per_gpu_hour_by_setup", "usd_per_gpu_hour_by_gpu",
                                        "note", "date", "source", NULL };
    static const char *const maps[] = { "usd_per_gpu_hour_by_setup", "usd_per_gpu_hour_by_gpu" };
    char p[256];
    const cJSON *e;
    const char *s;
    double x;
    jv_keys(v, c, path, keys);
    jv_number(v, c, path, "usd_per_gpu_hour", 0, 1, PRICE, &x);
    jv_string(v, c, path, "note", 0, NULL, &s);
    jv_string(v, c, path, "date", 0, NULL, &s);
    jv_string(v, c, path, "source", 0, NULL, &s);
    for (int m = 0; m < 2; m++) {
        const cJSON *by = jv_object(v, c, path, maps[m], 0);
        jv_join(p, sizeof p, path, maps[m]);
        cJSON_ArrayForEach(e, by)
            jv_number(v, by, p, e->string, 1, 0, PRICE, &x);
    }
    return v->failed ? -1 : 0;
}

int price_validate(jv *v, const cJSON *root)
{
    const cJSON *c = jv_object(v, root, "", "cost", 0);
    if (!c)
        return v->failed ? -1 : 0;
    return check_cost(v, c, "cost");
}

price_info price_for(const cJSON *root, const char *name)
{
    price_info p = { 0, 0 };
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "cost");
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(c, "usd_per_gpu_hour_by_setup"), name);
    if (!cJSON_IsNumber(x))
        x = cJSON_GetObjectItemCaseSensitive(c, "usd_per_gpu_hour");
    if (cJSON_IsNumber(x)) {
        p.given = 1;
        p.usd_per_gpu_hour = x->valuedouble;
    }
    return p;
}

price_info price_of_gpu(const cJSON *cost, const char *gpu)
{
    price_info p = { 0, 0 };
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cost, "usd_per_gpu_hour_by_gpu"), gpu);
    if (!cJSON_IsNumber(x))
        x = cJSON_GetObjectItemCaseSensitive(cost, "usd_per_gpu_hour");
    if (cJSON_IsNumber(x)) {
        p.given = 1;
        p.usd_per_gpu_hour = x->valuedouble;
    }
    return p;
}

cJSON *price_load(const char *file, char *msg, size_t len)
{
    char *text = textfile_read(file, PRICE_FILE_MAX, msg, len);
    if (!text)
        return NULL;
    cJSON *c = jv_parse(text, file, msg, len);
    free(text);
    if (!c)
        return NULL;
    jv v;
    jv_init(&v, file);
    if (!cJSON_IsObject(c))
        jv_fail(&v, "(top level)", "a prices file is one object such as "
                "{\"usd_per_gpu_hour_by_gpu\": {\"h100-sxm\": 3.0}}");
    else
        check_cost(&v, c, "");
    if (v.failed) {
        snprintf(msg, len, "%s", v.msg);
        cJSON_Delete(c);
        return NULL;
    }
    return c;
}

/* The GPUs one engine of tc spans: its tensor-parallel group (LLM) or its
 * data-parallel ranks (training); 1 otherwise. */
static int span_of(const tenant_cfg *tc)
{
    if (llm_is_engine(tc->wl))
        return ((const llm_params *)tc->wl_params)->tp;
    if (tc->wl == &wl_training)
        return ((const train_params *)tc->wl_params)->dp;
    return 1;
}

int price_gpus_held(const model_cfg *c)
{
    int *span = calloc((size_t)(c->ngpus > 0 ? c->ngpus : 1), sizeof *span), held = 0;
    if (!span)
        return -1;
    for (size_t k = 0; k < c->ntenants; k++) {
        const tenant_cfg *tc = &c->tenants[k];
        int s = span_of(tc);
        if (tenant_cfg_placed(tc) && tc->gpu >= 0 && tc->gpu < c->ngpus && s > span[tc->gpu])
            span[tc->gpu] = s;
    }
    for (int g = 0; g < c->ngpus; g++)
        held += span[g];
    free(span);
    return held;
}
