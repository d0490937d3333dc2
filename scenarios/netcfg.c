/* netcfg.c -- correction files for the collective model (netcfg.h).
 *
 * {"latency_scale": 1.2,
 *  "bw_efficiency": [{"size_bytes": 16777216, "eff": 0.45}, ...],
 *  "kind", "source", "platform", "fit", "note": informative, not read} */
#include "scenarios/netcfg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/jv.h"
#include "scenarios/scenario.h"

#define MAX_CORR_BYTES (1L << 20)

static int read_points(jv *v, const cJSON *arr, coll_corr *c)
{
    static const char *const keys[] = { "size_bytes", "eff", NULL };
    const jv_range size = { 1, 1e18, 0, 0, "bytes" };
    const jv_range eff = { 0, 10, 1, 0, "(share of the model's bandwidth)" };
    int n = cJSON_GetArraySize(arr);
    if (n > COLL_CORR_MAX)
        return jv_fail(v, "bw_efficiency", "%d points; allowed: at most %d", n, COLL_CORR_MAX);
    for (int i = 0; i < n; i++) {
        char path[64];
        const cJSON *p = cJSON_GetArrayItem(arr, i);
        jv_index(path, sizeof path, "bw_efficiency", i);
        if (!cJSON_IsObject(p))
            return jv_fail(v, path, "a point is an object {\"size_bytes\", \"eff\"}");
        double bytes = 0;
        jv_keys(v, p, path, keys);
        jv_number(v, p, path, "size_bytes", 1, 0, size, &bytes);
        jv_number(v, p, path, "eff", 1, 0, eff, &c->eff[i]);
        if (v->failed)
            return -1;
        c->log2_size[i] = log2(bytes);
        if (i > 0 && !(c->log2_size[i] > c->log2_size[i - 1]))
            return jv_fail(v, path, "size_bytes %.17g; allowed: larger than the previous point's", bytes);
    }
    c->n = n;
    return 0;
}

int netcfg_corr_from_json(const cJSON *root, const char *file, coll_corr *c,
                          char *err, size_t errlen)
{
    static const char *const keys[] = { "kind", "source", "platform", "fit", "note",
                                        "latency_scale", "bw_efficiency", NULL };
    const jv_range scale = { 0, 100, 1, 0, "(factor on NCCL's latency)" };
    jv v;
    jv_init(&v, file);
    memset(c, 0, sizeof *c);
    if (!cJSON_IsObject(root)) {
        jv_fail(&v, "", "a correction file is a JSON object");
    } else {
        jv_keys(&v, root, "", keys);
        jv_number(&v, root, "", "latency_scale", 1, 1, scale, &c->lat_scale);
        const cJSON *pts = jv_array(&v, root, "", "bw_efficiency", 1);
        if (pts)
            read_points(&v, pts, c);
    }
    if (!v.failed && coll_corr_init(c) < 0)
        jv_fail(&v, "", "out of memory");
    if (v.failed) {
        snprintf(err, errlen, "%s", v.msg);
        return -1;
    }
    return 0;
}

static char *slurp(const char *file, char *err, size_t errlen)
{
    FILE *f = fopen(file, "rb");
    char *text = NULL;
    long len = -1;
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the correction file", file);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && len <= MAX_CORR_BYTES &&
        fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)len + 1)) != NULL &&
        fread(text, 1, (size_t)len, f) == (size_t)len) {
        text[len] = '\0';
    } else {
        free(text);
        text = NULL;
        snprintf(err, errlen, "%s: cannot read (not a regular file, or larger than %ld bytes)",
                 file, MAX_CORR_BYTES);
    }
    fclose(f);
    return text;
}

int netcfg_corr_load(const char *file, coll_corr *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    char *text = slurp(file, err, errlen);
    if (!text)
        return SCN_BAD_INPUT;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        int line = 1;
        for (const char *p = text; end && p < end && *p; p++)
            line += *p == '\n';
        snprintf(err, errlen, "%s: line %d: malformed JSON near \"%.20s\"", file, line, end ? end : "");
        free(text);
        return SCN_BAD_INPUT;
    }
    int rc = netcfg_corr_from_json(root, file, c, err, errlen) < 0 ? SCN_BAD_INPUT : SCN_OK;
    cJSON_Delete(root);
    free(text);
    return rc;
}
