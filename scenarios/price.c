/* price.c -- the optional "cost" object of a scenario. */
#include "scenarios/price.h"

static const jv_range PRICE = { 0, 1e6, 1, 0, "USD per GPU-hour" };

int price_validate(jv *v, const cJSON *root)
{
    static const char *const keys[] = { "usd_per_gpu_hour", "usd_per_gpu_hour_by_setup", NULL };
    const cJSON *c = jv_object(v, root, "", "cost", 0), *e;
    double x;
    if (!c)
        return v->failed ? -1 : 0;
    jv_keys(v, c, "cost", keys);
    jv_number(v, c, "cost", "usd_per_gpu_hour", 0, 1, PRICE, &x);
    const cJSON *by = jv_object(v, c, "cost", "usd_per_gpu_hour_by_setup", 0);
    cJSON_ArrayForEach(e, by)
        jv_number(v, by, "cost.usd_per_gpu_hour_by_setup", e->string, 1, 0, PRICE, &x);
    return v->failed ? -1 : 0;
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
