/* parse_arrivals.c -- "arrivals": {"type": ...} of a tenant (docs/scenario.md). */
#include "scenarios/scenario.h"

#include <math.h>

int scn_parse_poisson(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "rate_per_s", NULL };
    const jv_range rate = { 0, INFINITY, 1, 0, "requests per second" };
    arr_poisson_params *p = scn_own(sc, v, sizeof *p);
    if (!p)
        return -1;
    jv_keys(v, obj, path, keys);
    jv_number(v, obj, path, "rate_per_s", 1, 0, rate, &p->rate_per_s);
    *params = p;
    return v->failed ? -1 : 0;
}

int scn_parse_closed(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "users", "think_s", "think_dist", NULL };
    static const char *const dists[] = { "exponential", "deterministic", NULL };
    const jv_range think = { 0, 1e6, 0, 0, "seconds" };
    arr_closed_params *p = scn_own(sc, v, sizeof *p);
    if (!p)
        return -1;
    long users = 1;
    int dist = 0;
    jv_keys(v, obj, path, keys);
    jv_int(v, obj, path, "users", 0, 1, 1, 1000000, &users);
    jv_number(v, obj, path, "think_s", 0, 0, think, &p->think_s);
    jv_enum(v, obj, path, "think_dist", 0, 0, dists, &dist);
    p->users = (int)users;
    p->think_dist = (arr_think_dist)dist;
    *params = p;
    return v->failed ? -1 : 0;
}
