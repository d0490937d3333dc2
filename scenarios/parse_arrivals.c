/* parse_arrivals.c -- "arrivals": {"type": ...} of a tenant (docs/scenario.md). */
#include "scenarios/scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/trace.h"

int scn_parse_poisson(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "rate_per_s", NULL };
    /* at most one per ns on average, as the other processes: beyond, every
     * gap rounds to 0 ns and time never advances */
    const jv_range rate = { 0, 1e9, 1, 0, "requests per second" };
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

int scn_parse_gamma(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "rate_per_s", "cv", NULL };
    const jv_range rate = { 0, 1e9, 1, 0, "requests per second" };
    const jv_range cv = { 0, 100, 1, 0, NULL };
    arr_gamma_params *p = scn_own(sc, v, sizeof *p);
    if (!p)
        return -1;
    jv_keys(v, obj, path, keys);
    jv_number(v, obj, path, "rate_per_s", 1, 0, rate, &p->rate_per_s);
    jv_number(v, obj, path, "cv", 1, 1, cv, &p->cv);
    *params = p;
    return v->failed ? -1 : 0;
}

int scn_parse_onoff(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "rate_on_per_s", "rate_off_per_s", "on_s", "off_s", NULL };
    const jv_range rate = { 0, 1e9, 0, 0, "requests per second" };
    const jv_range period = { 0, 1e7, 1, 0, "seconds" };
    char p2[512];
    arr_onoff_params *p = scn_own(sc, v, sizeof *p);
    if (!p)
        return -1;
    jv_keys(v, obj, path, keys);
    jv_number(v, obj, path, "rate_on_per_s", 1, 0, rate, &p->rate_on_per_s);
    jv_number(v, obj, path, "rate_off_per_s", 0, 0, rate, &p->rate_off_per_s);
    jv_number(v, obj, path, "on_s", 1, 0, period, &p->on_s);
    jv_number(v, obj, path, "off_s", 1, 0, period, &p->off_s);
    if (!v->failed && p->rate_on_per_s <= 0 && p->rate_off_per_s <= 0)
        return jv_fail(v, jv_join(p2, sizeof p2, path, "rate_on_per_s"),
                       "value 0 with rate_off_per_s 0 gives no arrivals; allowed: a rate > 0 in one state");
    *params = p;
    return v->failed ? -1 : 0;
}

int scn_parse_diurnal(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "rates_per_s", "period_s", "offset_s", NULL };
    const jv_range period = { 0, 1e8, 1, 0, "seconds" };
    const jv_range offset = { 0, 1e8, 0, 0, "seconds" };
    char p2[512], d[64];
    arr_diurnal_params *p = scn_own(sc, v, sizeof *p);
    if (!p)
        return -1;
    jv_keys(v, obj, path, keys);
    const cJSON *rates = jv_array(v, obj, path, "rates_per_s", 1);
    jv_number(v, obj, path, "period_s", 0, 86400, period, &p->period_s);
    jv_number(v, obj, path, "offset_s", 0, 0, offset, &p->offset_s);
    if (v->failed)
        return -1;
    jv_join(p2, sizeof p2, path, "rates_per_s");
    int n = cJSON_GetArraySize(rates);
    if (n < 1 || n > ARR_DIURNAL_MAX)
        return jv_fail(v, p2, "has %d entries; allowed: 1 to %d rates (requests per second)", n, ARR_DIURNAL_MAX);
    double top = 0;
    for (int i = 0; i < n; i++) {
        const cJSON *x = cJSON_GetArrayItem(rates, i);
        if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0) || x->valuedouble > 1e9) {
            char pi[600];
            return jv_fail(v, jv_index(pi, sizeof pi, p2, i), "value %s is not allowed; allowed: a number in [0, 1e9] requests per second",
                           jv_describe(x, d, sizeof d));
        }
        p->rates_per_s[i] = x->valuedouble;
        top = x->valuedouble > top ? x->valuedouble : top;
    }
    if (top <= 0)
        return jv_fail(v, p2, "all rates are 0; allowed: at least one rate > 0");
    p->n = n;
    p->offset_s = fmod(p->offset_s, p->period_s);
    *params = p;
    return 0;
}

int scn_parse_trace(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "file", "format", "time_scale", "rate_scale",
                                        "start_s", "hash_block_tokens", NULL };
    static const char *const formats[] = { "auto", "azure", "generic", "diffusion", "vidur", "splitwise",
                                           "burstgpt", "mooncake", NULL };
    static const trace_format fmt_of[] = { TRACE_AUTO, TRACE_AZURE, TRACE_GENERIC, TRACE_DIFFUSION, TRACE_VIDUR,
                                           TRACE_VIDUR, TRACE_BURSTGPT, TRACE_MOONCAKE };
    const jv_range scale = { 0, 1e6, 1, 0, NULL };
    const jv_range start = { 0, 1e9, 0, 0, "seconds" };
    const char *file = NULL;
    int format = 0;
    trace_opts o;
    char full[4096], msg[1024], p2[512];
    arr_trace_params *p = scn_own(sc, v, sizeof *p), tmp;
    if (!p)
        return -1;
    jv_keys(v, obj, path, keys);
    jv_string(v, obj, path, "file", 1, NULL, &file);
    jv_enum(v, obj, path, "format", 0, 0, formats, &format);
    jv_number(v, obj, path, "time_scale", 0, 1, scale, &o.time_scale);
    jv_number(v, obj, path, "rate_scale", 0, 1, scale, &o.rate_scale);
    jv_number(v, obj, path, "start_s", 0, 0, start, &o.start_s);
    long hbt = 512;                    /* Mooncake's traces hash blocks of 512 tokens */
    jv_int(v, obj, path, "hash_block_tokens", 0, 512, 1, 1 << 20, &hbt);
    if (v->failed)
        return -1;
    o.format = fmt_of[format];
    /* only as much of the trace as the run replays: arrivals stop at duration_s */
    o.until_ns = sc->cfg.duration;
    if (trace_load(scn_path(sc, file, full, sizeof full), &o, &tmp, msg, sizeof msg) < 0)
        return jv_fail(v, jv_join(p2, sizeof p2, path, "file"), "%s", msg);
    p->n = tmp.n;
    p->nsize = tmp.nsize;
    p->t_ns = scn_own(sc, v, tmp.n * sizeof *p->t_ns);
    p->sizes = scn_own(sc, v, tmp.n * (size_t)(tmp.nsize ? tmp.nsize : 1) * sizeof *p->sizes);
    if (p->t_ns && p->sizes) {
        memcpy(p->t_ns, tmp.t_ns, tmp.n * sizeof *p->t_ns);
        memcpy(p->sizes, tmp.sizes, tmp.n * (size_t)tmp.nsize * sizeof *p->sizes);
    }
    p->hash_block_tokens = (int)hbt;
    if (tmp.hash_start && (p->hash_start = scn_own(sc, v, (tmp.n + 1) * sizeof *p->hash_start))) {
        size_t nh = tmp.hash_start[tmp.n];
        memcpy(p->hash_start, tmp.hash_start, (tmp.n + 1) * sizeof *p->hash_start);
        if ((p->hash_ids = scn_own(sc, v, (nh ? nh : 1) * sizeof *p->hash_ids)) && nh)
            memcpy(p->hash_ids, tmp.hash_ids, nh * sizeof *p->hash_ids);
    }
    trace_free(&tmp);
    *params = p;
    return v->failed ? -1 : 0;
}
