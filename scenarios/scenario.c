#include "scenarios/scenario.h"
#include "scenarios/textfile.h"
#include "scenarios/netcfg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/plancfg.h"
#include "scenarios/price.h"
#include "models/disagg.h"
#include "models/router.h"
#include "models/llm.h"
#include "models/diffusion.h"

#define MAX_FILE_BYTES (64L << 20)

void *scn_own(scn *sc, jv *v, size_t size)
{
    if (v->failed)
        return NULL;
    if (sc->nowned == sc->capowned) {
        size_t cap = sc->capowned ? sc->capowned * 2 : 16;
        void **o = realloc(sc->owned, cap * sizeof *o);
        if (!o) {
            jv_fail(v, "", "out of memory");
            return NULL;
        }
        sc->owned = o;
        sc->capowned = cap;
    }
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        jv_fail(v, "", "out of memory");
        return NULL;
    }
    sc->owned[sc->nowned++] = p;
    return p;
}

void scn_free(scn *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->nowned; i++)
        free(sc->owned[i]);
    free(sc->owned);
    cJSON_Delete(sc->root);
    free(sc->file);
    free(sc);
}

const char *scn_hash(const scn *sc, char *buf, size_t len)
{
    char *text = cJSON_PrintUnformatted(sc->root);
    if (!text || len < 17) {
        free(text);
        return NULL;
    }
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        h = (h ^ *c) * UINT64_C(1099511628211);
    free(text);
    snprintf(buf, len, "%016llx", (unsigned long long)h);
    return buf;
}

/* ---- --set ---- */

/* An array index: 0 with *i, or -1 with a message naming the index, the
 * element count and what is allowed. Indices are checked as 64-bit numbers
 * so that none wraps onto another element. */
static int array_index(const cJSON *arr, const char *seg, const char *assignment, int *i,
                       char *err, size_t errlen)
{
    int n = cJSON_GetArraySize(arr);
    int64_t x;
    char a[300], sg[160];
    int r = *seg ? 0 : TEXTFILE_MALFORMED;
    for (const char *c = seg; r == 0 && *c; c++)
        if (*c < '0' || *c > '9')
            r = TEXTFILE_MALFORMED;          /* no sign, no spaces */
    if (r == 0)
        r = textfile_parse_i64(seg, 0, INT64_MAX, &x);
    if (r == 0 && x < n) {
        *i = (int)x;
        return 0;
    }
    textfile_sanitize(assignment, a, sizeof a);
    textfile_sanitize(seg, sg, sizeof sg);
    if (r == TEXTFILE_MALFORMED)
        snprintf(err, errlen, "--set %s: '%s' is not an array index; allowed: an index 0..%d", a, sg, n - 1);
    else
        snprintf(err, errlen, "--set %s: index %s is out of range; the array has %d element%s (allowed: 0..%d)",
                 a, sg, n, n == 1 ? "" : "s", n - 1);
    return -1;
}

/* A value: JSON when it parses as JSON (keys distinct), otherwise the text
 * as a string. NULL when out of memory or on a duplicate key (err set). */
static cJSON *parse_value(const char *text, char *err, size_t errlen)
{
    cJSON *x = cJSON_ParseWithOpts(text, NULL, 1);
    if (x && jv_check_keys(x, "--set value", err, errlen) < 0) {
        cJSON_Delete(x);
        return NULL;
    }
    if (!x && !(x = cJSON_CreateString(text)))
        snprintf(err, errlen, "--set: out of memory");
    return x;
}

int scn_set(cJSON *root, const char *assignment, char *err, size_t errlen)
{
    char a[300], sg[160];
    textfile_sanitize(assignment, a, sizeof a);
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        snprintf(err, errlen, "--set %s: expected PATH=VALUE, e.g. sharing.timeslice_ms=4", a);
        return -1;
    }
    char path[512];
    size_t plen = (size_t)(eq - assignment);
    if (plen >= sizeof path) {
        snprintf(err, errlen, "--set: path longer than %zu characters", sizeof path - 1);
        return -1;
    }
    memcpy(path, assignment, plen);
    path[plen] = '\0';
    if (path[0] == '.' || path[plen - 1] == '.' || strstr(path, "..")) {
        snprintf(err, errlen, "--set %s: empty element in the path", a);
        return -1;
    }
    cJSON *node = root;
    char *save = NULL, *seg = strtok_r(path, ".", &save);
    while (seg) {
        char *next = strtok_r(NULL, ".", &save);
        int i = 0;
        textfile_sanitize(seg, sg, sizeof sg);
        if (cJSON_IsArray(node) && array_index(node, seg, a, &i, err, errlen) < 0)
            return -1;
        if (cJSON_IsObject(node) && strchr(seg, '[') && !cJSON_GetObjectItemCaseSensitive(node, seg)) {
            /* no scenario field has a bracket: this is an index written C-style */
            snprintf(err, errlen, "--set %s: '%s' is not a field name; array elements are addressed "
                     "by a dotted index, e.g. tenants.0.name", a, sg);
            return -1;
        }
        if (!cJSON_IsArray(node) && !cJSON_IsObject(node)) {
            snprintf(err, errlen, "--set %s: '%s' cannot be set there: its parent is a %s, not an object or array",
                     a, sg, cJSON_IsString(node) ? "string" : cJSON_IsNumber(node) ? "number" : "value");
            return -1;
        }
        if (!next) {
            cJSON *value = parse_value(eq + 1, err, errlen);
            if (!value)
                return -1;
            int ok;
            if (cJSON_IsNull(value) && cJSON_IsObject(node)) {
                /* PATH=null removes the field: its default applies again */
                cJSON_DeleteItemFromObjectCaseSensitive(node, seg);
                cJSON_Delete(value);
                return 0;
            }
            if (cJSON_IsArray(node))
                ok = cJSON_ReplaceItemInArray(node, i, value);
            else
                ok = cJSON_GetObjectItemCaseSensitive(node, seg)
                   ? cJSON_ReplaceItemInObjectCaseSensitive(node, seg, value)
                   : cJSON_AddItemToObject(node, seg, value);
            if (!ok) {
                cJSON_Delete(value);
                snprintf(err, errlen, "--set %s: out of memory", a);
                return -1;
            }
            return 0;
        }
        cJSON *c = cJSON_IsArray(node) ? cJSON_GetArrayItem(node, i)
                 : cJSON_GetObjectItemCaseSensitive(node, seg);
        if (!c && cJSON_IsObject(node))
            c = cJSON_AddObjectToObject(node, seg);
        if (!c) {
            snprintf(err, errlen, "--set %s: out of memory", a);
            return -1;
        }
        node = c;
        seg = next;
    }
    snprintf(err, errlen, "--set %s: empty path", a);
    return -1;
}

/* ---- the scenario ---- */

static const jv_range POS_SECONDS = { 0, 1e7, 1, 0, "seconds" };
static const jv_range NONNEG_SECONDS = { 0, 1e7, 0, 0, "seconds" };

static sim_time_t ns_of(double x, double scale)
{
    return sim_round_ns(x * scale);
}

static void list_gpus(char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < gpu_spec_count(); i++) {
        strncat(buf, gpu_spec_at(i)->name, len - strlen(buf) - 1);
        if (i + 1 < gpu_spec_count())
            strncat(buf, ", ", len - strlen(buf) - 1);
    }
}

const char *scn_path(const scn *sc, const char *path, char *buf, size_t len)
{
    const char *slash = sc->file ? strrchr(sc->file, '/') : NULL;
    if (path[0] == '/' || !slash)
        snprintf(buf, len, "%s", path);
    else
        snprintf(buf, len, "%.*s/%s", (int)(slash - sc->file), sc->file, path);
    return buf;
}

/* hardware.profile: a GPU profile file, relative to the scenario's folder. */
static int load_profile(jv *v, scn *sc, const char *path)
{
    char full[1024], msg[1024];
    scn_path(sc, path, full, sizeof full);
    sc->profile = scn_own(sc, v, sizeof *sc->profile);
    if (!sc->profile)
        return -1;
    if (prof_load(full, sc->profile, msg, sizeof msg) < 0)
        return jv_fail(v, "hardware.profile", "value \"%s\" is not a usable GPU profile: %s", path, msg);
    sc->cfg.gpu = &sc->profile->spec;
    return 0;
}

static int parse_hardware(jv *v, scn *sc, const cJSON *hw)
{
    static const char *const keys[] = { "gpu", "gpus", "nodes", "profile", NULL };
    const char *name = NULL, *profile = NULL;
    long gpus = 1, nodes = 1;
    jv_keys(v, hw, "hardware", keys);
    jv_string(v, hw, "hardware", "profile", 0, NULL, &profile);
    jv_string(v, hw, "hardware", "gpu", 0, NULL, &name);
    if (!v->failed && !profile && !name)
        return jv_fail(v, "hardware.gpu", "missing; give hardware.gpu (a GPU preset) or "
                       "hardware.profile (a GPU profile file)");
    jv_int(v, hw, "hardware", "gpus", 0, 1, 1, 72, &gpus);   /* 72: a GB200 NVL72 NVLink domain */
    jv_int(v, hw, "hardware", "nodes", 0, 1, 1, 4096, &nodes);
    if (v->failed)
        return -1;
    if (profile) {
        if (load_profile(v, sc, profile) < 0)
            return -1;
    } else if (!(sc->cfg.gpu = gpu_spec_find(name))) {
        char list[512];
        list_gpus(list, sizeof list);
        return jv_fail(v, "hardware.gpu", "unknown GPU preset \"%s\"; allowed: %s", name, list);
    }
    sc->gpus_per_node = (int)gpus;
    sc->nodes = (int)nodes;
    sc->cfg.ngpus = (int)(gpus * nodes);
    return 0;
}

static int parse_virtualization(jv *v, scn *sc, const cJSON *vz)
{
    return scn_parse_virtualization(v, sc, vz);
}

static int parse_sharing(jv *v, scn *sc, const cJSON *sh)
{
    return scn_parse_sharing(v, sc, sh);
}

static int parse_kind(jv *v, scn *sc, const cJSON *obj, const char *path,
                      int is_workload, tenant_cfg *tc)
{
    const char *type = NULL;
    char p[512], list[256] = "";
    jv_string(v, obj, path, "type", 1, NULL, &type);
    if (v->failed)
        return -1;
    if (is_workload) {
        for (const scn_workload_kind *k = scn_workload_kinds; k->name; k++) {
            if (strcmp(k->name, type) == 0) {
                tc->wl = k->wl;
                return k->parse(v, sc, obj, path, &tc->wl_params);
            }
            strncat(list, k->name, sizeof list - strlen(list) - 1);
            if (k[1].name)
                strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
    } else {
        for (const scn_arrival_kind *k = scn_arrival_kinds; k->name; k++) {
            if (strcmp(k->name, type) == 0) {
                tc->arr = k->arr;
                return k->parse(v, sc, obj, path, &tc->arr_params);
            }
            strncat(list, k->name, sizeof list - strlen(list) - 1);
            if (k[1].name)
                strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
    }
    return jv_fail(v, jv_join(p, sizeof p, path, "type"), "unknown %s type \"%s\"; allowed: %s",
                   is_workload ? "workload" : "arrival", type, list);
}

/* "slo": {"latency_ms.p95": 500}: a percentile bound on latency or on one of
 * the workload's metrics. */
static int parse_slo(jv *v, const cJSON *slo, const char *path, tenant_cfg *tc)
{
    char p[512], metric[64];
    tc->slo_metric = -2;
    if (!slo)
        return 0;
    if (cJSON_GetArraySize(slo) != 1)
        return jv_fail(v, path, "give exactly one bound, e.g. {\"latency_ms.p95\": 500}");
    const cJSON *b = slo->child;
    jv_join(p, sizeof p, path, b->string);
    const char *dot = strrchr(b->string, '.');
    size_t mlen = dot ? (size_t)(dot - b->string) : 0;
    if (!dot || mlen >= sizeof metric)
        return jv_fail(v, p, "expected METRIC.pNN, e.g. latency_ms.p95");
    memcpy(metric, b->string, mlen);
    metric[mlen] = '\0';
    int q = model_quantile_find(dot + 1);
    tc->slo_quantile = q > MQ_MEAN ? model_quantiles[q] : NAN;      /* a percentile: not the mean */
    if (isnan(tc->slo_quantile)) {
        char allowed[64] = "";
        for (int k = MQ_P50; k < MQ_N; k++)
            snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s", k > MQ_P50 ? ", " : "",
                     model_quantile_names[k]);
        return jv_fail(v, p, "percentile \"%s\" is not allowed; allowed: %s", dot + 1, allowed);
    }
    if (strcmp(metric, MODEL_LATENCY_NAME) == 0) {
        tc->slo_metric = -1;
    } else {
        int k = 0;
        const char *const *m = tc->wl->metrics;
        for (; m && m[k] && strcmp(m[k], metric) != 0; k++)
            ;
        if (!m || !m[k])
            return jv_fail(v, p, "metric \"%s\" is not reported by a %s workload", metric, tc->wl->name);
        tc->slo_metric = k;
    }
    const jv_range pos = { 0, 1e12, 1, 0, "ms" };
    return jv_number(v, slo, path, b->string, 1, 0, pos, &tc->slo_ms);
}

static int parse_tenant(jv *v, scn *sc, const cJSON *obj, const char *path, tenant_cfg *tc)
{
    static const char *const keys[] = { "name", "gpu", "context", "workload", "arrivals", "slo",
                                        "instance", "mps_active_thread_pct", "mps_mem_limit_gb", "vgpu_gb", "memory_gb",
                                        "service_noise_cv", "priority", "replicas", "router", "placement",
                                        "disaggregation", NULL };
    static const char *const contexts[] = { "shared", "per_request", NULL };
    char p[512];
    long gpu = 0;
    int context = 0;
    if (!cJSON_IsObject(obj))
        return jv_fail(v, path, "each tenant is an object");
    jv_keys(v, obj, path, keys);
    jv_string(v, obj, path, "name", 1, NULL, &tc->name);
    jv_int(v, obj, path, "gpu", 0, 0, 0, sc->cfg.ngpus - 1, &gpu);
    jv_enum(v, obj, path, "context", 0, 0, contexts, &context);
    const jv_range cv = { 0, 2, 0, 0, "(coefficient of variation)" };
    jv_number(v, obj, path, "service_noise_cv", 0, 0, cv, &tc->service_noise_cv);
    const cJSON *wl = jv_object(v, obj, path, "workload", 1);
    const cJSON *arr = jv_object(v, obj, path, "arrivals", 1);
    const cJSON *slo = jv_object(v, obj, path, "slo", 0);
    if (v->failed)
        return -1;
    tc->gpu = (int)gpu;
    tc->per_request = context == 1;
    if (scn_parse_tenant_sharing(v, sc, obj, path, tc) < 0)
        return -1;
    if (parse_kind(v, sc, wl, jv_join(p, sizeof p, path, "workload"), 1, tc) < 0 ||
        parse_kind(v, sc, arr, jv_join(p, sizeof p, path, "arrivals"), 0, tc) < 0)
        return -1;
    if (tc->wl == &wl_llm)
        scn_llm_prefix(tc);
    return parse_slo(v, slo, jv_join(p, sizeof p, path, "slo"), tc);
}

/* The replicas a tenant asks for (1 when it names none or a bad value,
 * which parse_fleet then reports). */
static long replicas_of(const cJSON *obj)
{
    long pd = scn_disagg_replicas(obj);
    if (pd > 0)
        return pd;
    const cJSON *r = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, "replicas") : NULL;
    return cJSON_IsNumber(r) && r->valuedouble >= 2 && r->valuedouble <= SCN_MAX_REPLICAS ? (long)r->valuedouble : 1;
}

/* Parse tenant obj again as the replica on GPU gpu (and MIG instance inst
 * when >= 0) into tc: obj's "gpu" and "instance" are set for the call and
 * put back after it, so that every placement-dependent field (a MIG
 * instance's size, its memory) is the replica's own. */
static int parse_replica_at(jv *v, scn *sc, const cJSON *obj, const char *path, long gpu, long inst,
                            tenant_cfg *tc)
{
    static const char *const keys[2] = { "gpu", "instance" };
    const long val[2] = { gpu, inst };
    cJSON *o = (cJSON *)obj, *item[2];
    double old[2] = { 0, 0 };
    for (int i = 0; i < 2; i++) {
        item[i] = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
        if (item[i])
            old[i] = item[i]->valuedouble;
        if (val[i] < 0)
            continue;
        if (item[i])
            cJSON_SetNumberValue(item[i], (double)val[i]);
        else
            cJSON_AddNumberToObject(o, keys[i], (double)val[i]);
    }
    int rc = parse_tenant(v, sc, obj, path, tc);
    for (int i = 0; i < 2; i++) {
        if (item[i])
            cJSON_SetNumberValue(item[i], old[i]);
        else if (val[i] >= 0)
            cJSON_DeleteItemFromObjectCaseSensitive(o, keys[i]);
    }
    return rc;
}

/* "replicas": N and "router": tenant tc (parsed) becomes N replicas at
 * rep[0..N) and a front at *front; each replica named NAME.rK. Replica k
 * runs on GPU gpu + k (its own GPU, or the same MIG instance of the next
 * GPU), or where "placement" (N objects {"gpu": G, "instance": I}) puts
 * it. */
static int parse_fleet(jv *v, scn *sc, const cJSON *obj, const char *path, long n,
                       tenant_cfg *rep, tenant_cfg *front, int front_ix, int first_ix)
{
    char p[512];
    const char *rname = "round_robin";
    const tenant_cfg *tc = &rep[0];
    jv_string(v, obj, path, "router", 0, "round_robin", &rname);
    if (v->failed)
        return -1;
    const router_type *rt = router_find(rname);
    if (!rt) {
        char list[256] = "";
        for (const router_type *const *r = router_types; *r; r++) {
            strncat(list, (*r)->name, sizeof list - strlen(list) - 1);
            if (r[1])
                strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
        return jv_fail(v, jv_join(p, sizeof p, path, "router"), "unknown router \"%s\"; allowed: %s", rname, list);
    }
    if (tc->wl != &wl_llm && tc->wl != &wl_diffusion && tc->wl != &wl_synthetic)
        return jv_fail(v, jv_join(p, sizeof p, path, "replicas"),
                       "value %ld: a %s workload has no replicas; allowed: llm, diffusion or synthetic (serving) workloads",
                       n, tc->wl->name);
    if (!front)                        /* one replica: the tenant as it is */
        return 0;
    const cJSON *pl = jv_array(v, obj, path, "placement", 0);
    if (v->failed)
        return -1;
    if (pl && cJSON_GetArraySize(pl) != n)
        return jv_fail(v, jv_join(p, sizeof p, path, "placement"),
                       "%d entries for %ld replicas; allowed: one {\"gpu\": G, \"instance\": I} per replica",
                       cJSON_GetArraySize(pl), n);
    tenant_cfg first;                  /* the tenant as written; outlives the placement block (named: reads it) */
    if (pl) {
        static const char *const pkeys[] = { "gpu", "instance", NULL };
        const cJSON *e = pl->child;
        first = *tc;
        for (long k = 0; k < n; k++, e = e->next) {
            char q[600];
            long g = 0, inst = -1;
            snprintf(q, sizeof q, "%s.placement.%ld", path, k);
            if (!cJSON_IsObject(e))
                return jv_fail(v, q, "each placement is an object {\"gpu\": G, \"instance\": I}");
            jv_keys(v, e, q, pkeys);
            jv_int(v, e, q, "gpu", 1, 0, 0, sc->cfg.ngpus - 1, &g);
            jv_int(v, e, q, "instance", 0, -1, 0, MIG_MAX_INSTANCES - 1, &inst);
            if (v->failed || parse_replica_at(v, sc, obj, path, g, inst, &rep[k]) < 0)
                return -1;
            rep[k].src = first.src;
        }
        tc = &first;
        *front = first;
        front->gpu = rep[0].gpu;
        front->instance = rep[0].instance;
        goto named;
    }
    if (tc->gpu + n > sc->cfg.ngpus) {
        if (cJSON_HasObjectItem(obj, "disaggregation"))   /* prefill_replicas + decode_replicas */
            return jv_fail(v, jv_join(p, sizeof p, path, "disaggregation"),
                           "%ld engines (prefill_replicas + decode_replicas) go on GPUs %d..%ld (one each, from "
                           "\"gpu\"), but hardware.gpus is %d; allowed: at most %d engines here, or more GPUs",
                           n, tc->gpu, tc->gpu + n - 1, sc->cfg.ngpus, sc->cfg.ngpus - tc->gpu);
        return jv_fail(v, jv_join(p, sizeof p, path, "replicas"),
                       "value %ld: the replicas go on GPUs %d..%ld (one each, from \"gpu\"), but hardware.gpus is %d; "
                       "allowed: 1 to %d here, or more GPUs", n, tc->gpu, tc->gpu + n - 1, sc->cfg.ngpus,
                       sc->cfg.ngpus - tc->gpu);
    }
    *front = *tc;
    for (long k = n - 1; k >= 0; k--) {
        rep[k] = *tc;
        rep[k].gpu = tc->gpu + (int)k;
    }
named:
    front->replicas = (int)n;
    front->first_replica = first_ix;
    front->router = rt;
    for (long k = n - 1; k >= 0; k--) {
        rep[k].front = front_ix + 1;
        rep[k].slo_metric = -2;        /* the SLO is the fleet's, judged on the front */
        size_t len = strlen(tc->name) + 24;
        char *name = scn_own(sc, v, len);
        if (!name)
            return -1;
        snprintf(name, len, "%s.r%ld", tc->name, k);
        rep[k].name = name;
    }
    return 0;
}

/* Tenants in file order, a fleet's replicas in its place; the fleets'
 * fronts after every placed tenant, so that sharing and memory checks see
 * the placed ones alone (the first of the list). */
static int parse_tenants(jv *v, scn *sc, const cJSON *arr)
{
    int n = cJSON_GetArraySize(arr);
    if (n < 1)
        return jv_fail(v, "tenants", "an empty list; give at least one tenant");
    size_t total = 0, fronts = 0;
    for (const cJSON *t = arr->child; t; t = t->next) {
        long r = replicas_of(t);
        total += (size_t)r;
        fronts += r > 1;
    }
    sc->cfg.tenants = scn_own(sc, v, (total + fronts) * sizeof *sc->cfg.tenants);
    if (!sc->cfg.tenants)
        return -1;
    sc->cfg.ntenants = total + fronts;
    char p[64];
    int i = 0;
    size_t at = 0, f = 0;
    for (const cJSON *t = arr->child; t; t = t->next, i++) {     /* linear in tenants */
        tenant_cfg *tc = &sc->cfg.tenants[at];
        jv_index(p, sizeof p, "tenants", i);
        if (parse_tenant(v, sc, t, p, tc) < 0)
            return -1;
        tc->src = i;
        long r = 1;
        const disagg_cfg *dc = NULL;
        if (cJSON_HasObjectItem(t, "disaggregation")) {
            if (scn_parse_disagg(v, sc, t, p, tc, &dc) < 0)
                return -1;
            r = dc->prefill + dc->decode;
        }
        jv_int(v, t, p, "replicas", 0, r, 1, SCN_MAX_REPLICAS, &r);
        if (v->failed)
            return -1;
        if (r == 1 && cJSON_HasObjectItem(t, "router") &&     /* a fleet of one: checked, unused */
            parse_fleet(v, sc, t, p, 1, tc, NULL, 0, 0) < 0)
            return -1;
        if (r > 1 && parse_fleet(v, sc, t, p, r, tc, &sc->cfg.tenants[total + f], (int)(total + f), (int)at) < 0)
            return -1;
        if (dc && scn_disagg_pools(v, sc, t, p, dc, tc, &sc->cfg.tenants[total + f]) < 0)
            return -1;
        at += (size_t)r;
        f += r > 1;
    }
    return 0;
}

typedef struct { const char *name; size_t i; } named;

static int by_name(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The first tenant (in file order) whose name an earlier one has: sorting
 * (name, index) pairs keeps this O(n log n) for 1e5 tenants. */
static int unique_names(jv *v, const model_cfg *c)
{
    char p[64], q[96];
    size_t n = c->ntenants, bad = n, first = 0;
    named *ix = malloc(n * sizeof *ix);
    if (!ix)
        return jv_fail(v, "tenants", "out of memory");
    for (size_t i = 0; i < n; i++)
        ix[i] = (named){ c->tenants[i].name, i };
    qsort(ix, n, sizeof *ix, by_name);
    for (size_t k = 1, run = 0; k < n; k++) {
        if (strcmp(ix[k - 1].name, ix[k].name) != 0) {
            run = k;
            continue;
        }
        if (ix[k].i < bad) {       /* ix[run] is the earliest with this name */
            bad = ix[k].i;
            first = ix[run].i;
        }
    }
    free(ix);
    if (bad == n)
        return 0;
    return jv_fail(v, jv_join(q, sizeof q, jv_index(p, sizeof p, "tenants", (int)bad), "name"),
                   "value \"%s\" is used by tenants.%zu too; names must be unique",
                   c->tenants[bad].name, first);
}

/* Rules that involve more than one field. */
static int check_whole(jv *v, scn *sc)
{
    model_cfg *c = &sc->cfg;
    if (c->warmup >= c->duration)
        return jv_fail(v, "warmup_s", "value %g is not below duration_s (%g); allowed: 0 <= warmup_s < duration_s",
                       (double)c->warmup / 1e9, (double)c->duration / 1e9);
    if (unique_names(v, c) < 0)
        return -1;
    size_t all = c->ntenants;          /* the checks see the placed tenants only */
    while (c->ntenants > 0 && !tenant_cfg_placed(&c->tenants[c->ntenants - 1]))
        c->ntenants--;
    int rc = scn_check_sharing(v, sc) < 0 || scn_check_memory(v, sc) < 0 ? -1 : 0;
    c->ntenants = all;
    return rc;
}

/* "percentiles": {"method": "exact"} (every value kept) or {"method":
 * "histogram", "relative_error": e} (bounded memory, for very long runs). */
static int parse_percentiles(jv *v, scn *sc, const cJSON *pc)
{
    static const char *const keys[] = { "method", "relative_error", NULL };
    static const char *const methods[] = { "exact", "histogram", NULL };
    const jv_range err = { 0, 0.1, 1, 0, NULL };
    int method = 0;
    double rel = 0.005;
    if (pc) {
        jv_keys(v, pc, "percentiles", keys);
        jv_enum(v, pc, "percentiles", "method", 0, 0, methods, &method);
        jv_number(v, pc, "percentiles", "relative_error", 0, 0.005, err, &rel);
        if (!v->failed && method == 0 && cJSON_HasObjectItem(pc, "relative_error"))
            return jv_fail(v, "percentiles.relative_error", "applies to \"method\": \"histogram\" only");
    }
    sc->pct_rel_err = method == 1 ? rel : 0;
    for (size_t i = 0; i < sc->cfg.ntenants; i++)
        sc->cfg.tenants[i].pct_rel_err = sc->pct_rel_err;
    return v->failed ? -1 : 0;
}

static int build(jv *v, scn *sc)
{
    static const char *const keys[] = { "name", "description", "seed", "duration_s", "warmup_s",
                                        "drain_s", "replications", "hardware", "virtualization",
                                        "sharing", "tenants", "network", "cost", "percentiles", "plan", NULL };
    const cJSON *r = sc->root;
    double duration = 60, warmup = 0, drain = -1;
    long seed = 1, reps = 5;
    if (!cJSON_IsObject(r))
        return jv_fail(v, "", "a scenario is a JSON object");
    jv_keys(v, r, "", keys);
    jv_string(v, r, "", "name", 0, "unnamed", &sc->name);
    jv_string(v, r, "", "description", 0, "", &sc->description);
    jv_int(v, r, "", "seed", 0, 1, 0, 2147483647L, &seed);
    jv_number(v, r, "", "duration_s", 0, 60, POS_SECONDS, &duration);
    jv_number(v, r, "", "warmup_s", 0, 0, NONNEG_SECONDS, &warmup);
    jv_number(v, r, "", "drain_s", 0, -1, (jv_range){ 0, 1e7, 0, 0, "seconds" }, &drain);
    jv_int(v, r, "", "replications", 0, 5, 1, 1000, &reps);
    const cJSON *hw = jv_object(v, r, "", "hardware", 1);
    const cJSON *vz = jv_object(v, r, "", "virtualization", 0);
    const cJSON *sh = jv_object(v, r, "", "sharing", 0);
    const cJSON *tn = jv_array(v, r, "", "tenants", 1);
    const cJSON *nw = jv_object(v, r, "", "network", 0);
    const cJSON *pc = jv_object(v, r, "", "percentiles", 0);
    price_validate(v, r);
    plancfg_validate(v, r);
    if (v->failed)
        return -1;
    sc->cfg.seed = (uint64_t)seed;
    sc->cfg.reps = (int)reps;
    sc->cfg.duration = ns_of(duration, 1e9);
    if (sc->cfg.duration < 1)
        return jv_fail(v, "duration_s", "value %.3g is shorter than 1 ns, the simulator's time step; "
                       "allowed: a number in [1e-9, 1e7] seconds", duration);
    sc->cfg.warmup = ns_of(warmup, 1e9);
    sc->cfg.drain = drain < 0 ? sc->cfg.duration : ns_of(drain, 1e9);
    if (parse_hardware(v, sc, hw) < 0 || parse_virtualization(v, sc, vz) < 0 ||
        netcfg_parse(v, sc, nw, &sc->net) < 0 ||
        parse_sharing(v, sc, sh) < 0 || parse_tenants(v, sc, tn) < 0 ||
        parse_percentiles(v, sc, pc) < 0)
        return -1;
    return check_whole(v, sc);
}

/* Build a scenario from root (taken over, freed on failure). */
static int load_root(cJSON *root, const char *file, char *const *sets, size_t nsets,
                     scn **out, char *err, size_t errlen)
{
    *out = NULL;
    scn *sc = calloc(1, sizeof *sc);
    if (!sc || !(sc->file = strdup(file))) {
        free(sc);
        cJSON_Delete(root);
        snprintf(err, errlen, "out of memory");
        return SCN_INTERNAL;
    }
    sc->root = root;
    for (size_t i = 0; i < nsets; i++) {
        char msg[512];
        if (scn_set(sc->root, sets[i], msg, sizeof msg) < 0) {
            snprintf(err, errlen, "%s: %s", file, msg);
            scn_free(sc);
            return SCN_BAD_INPUT;
        }
    }
    jv v;
    jv_init(&v, file);
    if (build(&v, sc) < 0) {
        snprintf(err, errlen, "%s", v.msg);
        scn_free(sc);
        return SCN_BAD_INPUT;
    }
    *out = sc;
    return SCN_OK;
}

int scn_load_text(const char *text, const char *file, char *const *sets, size_t nsets,
                  scn **out, char *err, size_t errlen)
{
    *out = NULL;
    cJSON *root = jv_parse(text, file, err, errlen);
    return root ? load_root(root, file, sets, nsets, out, err, errlen) : SCN_BAD_INPUT;
}

cJSON *scn_read(const char *file, char *err, size_t errlen)
{
    char *text = textfile_read(file, MAX_FILE_BYTES, err, errlen);
    if (!text)
        return NULL;
    cJSON *root = jv_parse(text, file, err, errlen);
    free(text);
    return root;
}

int scn_load_doc(const cJSON *doc, const char *file, char *const *sets, size_t nsets, scn **out,
                 char *err, size_t errlen)
{
    *out = NULL;
    cJSON *root = cJSON_Duplicate(doc, 1);
    if (!root) {
        snprintf(err, errlen, "out of memory");
        return SCN_INTERNAL;
    }
    return load_root(root, file, sets, nsets, out, err, errlen);
}

int scn_load(const char *file, char *const *sets, size_t nsets, scn **out,
             char *err, size_t errlen)
{
    *out = NULL;
    cJSON *root = scn_read(file, err, errlen);
    return root ? load_root(root, file, sets, nsets, out, err, errlen) : SCN_BAD_INPUT;
}

int scn_parse_precision(jv *v, const cJSON *obj, const char *path, const char *key, gpu_prec def,
                        unsigned mask, gpu_prec *out)
{
    const char *names[GPU_NPREC + 1];
    gpu_prec which[GPU_NPREC];
    int n = 0, d = 0, k = 0;
    for (int p = 0; p < GPU_NPREC; p++)
        if (mask & (1u << p)) {
            if (p == (int)def)
                d = n;
            which[n] = (gpu_prec)p;
            names[n++] = gpu_prec_names[p];
        }
    names[n] = NULL;
    if (jv_enum(v, obj, path, key, 0, d, names, &k) < 0)
        return -1;
    *out = which[k];
    return 0;
}
