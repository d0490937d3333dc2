/* plancfg.c -- the shape of a scenario's "plan" object. */
#include "scenarios/plancfg.h"

static int check_list(jv *v, const cJSON *plan, const char *key)
{
    char p[64], q[80];
    const cJSON *a = jv_array(v, plan, "plan", key, 0), *e;
    if (!a)
        return v->failed ? -1 : 0;
    jv_join(p, sizeof p, "plan", key);
    if (cJSON_GetArraySize(a) > PLANCFG_MAX_ITEMS)
        return jv_fail(v, p, "%d entries; allowed: at most %d", cJSON_GetArraySize(a), PLANCFG_MAX_ITEMS);
    int i = 0;
    cJSON_ArrayForEach(e, a) {
        if (!cJSON_IsString(e) || !e->valuestring[0]) {
            char d[64];
            return jv_fail(v, jv_index(q, sizeof q, p, i), "value %s is not allowed; allowed: a non-empty string "
                           "in the syntax of plan's --%s", jv_describe(e, d, sizeof d),
                           key[0] == 's' ? "slo" : "vary");
        }
        i++;
    }
    return 0;
}

int plancfg_validate(jv *v, const cJSON *root)
{
    static const char *const keys[] = { "slos", "vary", "goal", "prices", NULL };
    static const char *const goals[] = { "max", "min", "cost", NULL };
    const cJSON *plan = jv_object(v, root, "", "plan", 0);
    const char *s;
    int g;
    if (!plan)
        return v->failed ? -1 : 0;
    jv_keys(v, plan, "plan", keys);
    check_list(v, plan, "slos");
    check_list(v, plan, "vary");
    jv_enum(v, plan, "plan", "goal", 0, 2, goals, &g);
    jv_string(v, plan, "plan", "prices", 0, NULL, &s);
    return v->failed ? -1 : 0;
}

size_t plancfg_strings(const cJSON *root, const char *key, const char **out)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "plan"), key), *e;
    size_t n = 0;
    cJSON_ArrayForEach(e, a)
        if (cJSON_IsString(e) && n < PLANCFG_MAX_ITEMS)
            out[n++] = e->valuestring;
    return n;
}

const char *plancfg_string(const cJSON *root, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "plan"), key);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}
