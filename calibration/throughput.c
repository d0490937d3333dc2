/* throughput.c -- throughput probe runs against the model (throughput.h). */
#include "calibration/throughput.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "scenarios/scenario.h"
#include "scenarios/textfile.h"

#define MAX_FILES 256
#define MAX_PROCS 8

typedef struct {
    char   name[256], burst[256], kind[16], sharing[16], shape[64];
    int    procs, blocks[MAX_PROCS];
    double per_s[MAX_PROCS], solo_us[MAX_PROCS];
} tput_run;

static double median(const cJSON *arr)
{
    double v[64];
    int n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
        if (cJSON_IsNumber(x) && n < 64)
            v[n++] = x->valuedouble;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double y = v[j];
            v[j] = v[j - 1];
            v[j - 1] = y;
        }
    return n ? v[n / 2] : NAN;
}

static int read_run(const char *path, const char *name, tput_run *r, char *err, size_t errlen)
{
    char msg[256];
    char *text = textfile_read(path, 1 << 24, msg, sizeof msg);
    if (!text) {
        snprintf(err, errlen, "%s: %s", path, msg);
        return -1;
    }
    cJSON *doc = cJSON_Parse(text);
    free(text);
    const cJSON *fmt = cJSON_GetObjectItem(doc, "format"), *burst = cJSON_GetObjectItem(doc, "burst");
    const cJSON *det = cJSON_GetObjectItem(doc, "procs_detail"), *sh = cJSON_GetObjectItem(doc, "sharing");
    if (!doc || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, "slicesim-throughput/1") != 0 ||
        !cJSON_IsObject(burst) || !cJSON_IsArray(det) || !cJSON_IsString(sh)) {
        snprintf(err, errlen, "%s: not a throughput run (\"format\": \"slicesim-throughput/1\" with burst, "
                 "sharing and procs_detail)", path);
        cJSON_Delete(doc);
        return -1;
    }
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->sharing, sizeof r->sharing, "%s", sh->valuestring);
    const cJSON *kind = cJSON_GetObjectItem(burst, "kind");
    snprintf(r->kind, sizeof r->kind, "%s", cJSON_IsString(kind) ? kind->valuestring : "?");
    char *b = cJSON_PrintUnformatted(burst);
    snprintf(r->burst, sizeof r->burst, "%s", b ? b : "");
    free(b);
    /* A cuBLAS GEMM's width from its shape [I]: one 128 x 128 output tile
     * per block, a block per SM (cuBLAS's large tiles); 0 for the copy
     * kernel, which launches 8 blocks per SM. */
    const cJSON *m = cJSON_GetObjectItem(burst, "m"), *nn = cJSON_GetObjectItem(burst, "n");
    int gemm_blocks = strcmp(r->kind, "gemm") == 0 && cJSON_IsNumber(m) && cJSON_IsNumber(nn)
                          ? ((m->valueint + 127) / 128) * ((nn->valueint + 127) / 128) : 0;
    const cJSON *kk = cJSON_GetObjectItem(burst, "k");
    if (gemm_blocks > 0 && cJSON_IsNumber(kk))
        snprintf(r->shape, sizeof r->shape, " %dx%dx%d", m->valueint, nn->valueint, kk->valueint);
    const cJSON *p;
    cJSON_ArrayForEach(p, det) {
        if (r->procs == MAX_PROCS)
            break;
        const cJSON *bl = cJSON_GetObjectItem(p, "blocks"), *ps = cJSON_GetObjectItem(p, "per_s");
        r->blocks[r->procs] = strcmp(r->kind, "fma") == 0 ? (cJSON_IsNumber(bl) ? bl->valueint : 0) : gemm_blocks;
        r->per_s[r->procs] = cJSON_IsNumber(ps) ? ps->valuedouble : NAN;
        r->solo_us[r->procs] = median(cJSON_GetObjectItem(p, "solo_burst_us"));
        if (!(r->per_s[r->procs] >= 0) || !(r->solo_us[r->procs] > 0)) {
            snprintf(err, errlen, "%s: procs_detail.%d needs per_s >= 0 and solo_burst_us samples > 0", path,
                     r->procs);
            cJSON_Delete(doc);
            return -1;
        }
        if (strcmp(r->kind, "fma") == 0 && strlen(r->shape) + 12 < sizeof r->shape)
            snprintf(r->shape + strlen(r->shape), sizeof r->shape - strlen(r->shape), "%s%d",
                     r->procs ? "+" : " ", r->blocks[r->procs]);
        r->procs++;
    }
    if (strcmp(r->kind, "fma") == 0 && strlen(r->shape) + 8 < sizeof r->shape)
        strcat(r->shape, " blocks");
    cJSON_Delete(doc);
    if (r->procs == 0) {
        snprintf(err, errlen, "%s: procs_detail is empty", path);
        return -1;
    }
    return 0;
}

static double total(const tput_run *r)
{
    double s = 0;
    for (int i = 0; i < r->procs; i++)
        s += r->per_s[i];
    return s;
}

/* The one-process run of the same burst (same block count for its process). */
static const tput_run *alone_of(const tput_run *runs, int n, const tput_run *r, int i)
{
    for (int k = 0; k < n; k++)
        if (runs[k].procs == 1 && strcmp(runs[k].kind, r->kind) == 0 &&
            (strcmp(runs[k].kind, "fma") != 0 ? strcmp(runs[k].burst, r->burst) == 0
                                              : runs[k].blocks[0] == r->blocks[i]))
            return &runs[k];
    return NULL;
}

static double predict(const tput_run *runs, int n, const tput_run *r, const char *profile, char *err,
                      size_t errlen)
{
    size_t cap = 4096 + (size_t)r->procs * 512, used;
    char *text = malloc(cap);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return NAN;
    }
    double cycle = 0;
    for (int i = 0; i < r->procs; i++)
        cycle += r->solo_us[i] * 1e-6;
    double dur = 40 * cycle > 2 ? 40 * cycle : 2;
    used = (size_t)snprintf(text, cap, "{\"seed\": 5, \"duration_s\": %.6g, \"warmup_s\": %.6g, \"replications\": 1,"
                            " \"hardware\": {\"profile\": \"%s\"}, \"sharing\": {\"mode\": \"%s\"}, \"tenants\": [",
                            dur, dur / 10, profile, strcmp(r->sharing, "mps") == 0 ? "mps" : "timeslice");
    for (int i = 0; i < r->procs && used < cap; i++) {
        const tput_run *a = alone_of(runs, n, r, i);
        double gap = a && a->per_s[0] > 0 ? 1.0 / a->per_s[0] - a->solo_us[0] * 1e-6 : 0;
        used += (size_t)snprintf(text + used, cap - used,
                                 "%s{\"name\": \"p%d\", \"workload\": {\"type\": \"synthetic\", \"blocks\": %d, "
                                 "\"service_ms\": {\"dist\": \"deterministic\", \"mean\": %.9g}}, \"arrivals\": "
                                 "{\"type\": \"closed\", \"users\": 1, \"think_s\": %.9g}}",
                                 i ? ", " : "", i, r->blocks[i],
                                 r->solo_us[i] / 1e3, gap > 0 ? gap : 0);
    }
    if (used < cap)
        snprintf(text + used, cap - used, "]}");
    scn *sc = NULL;
    model_result res;
    char msg[1024];
    double x = NAN;
    if (scn_load_text(text, "(throughput scenario)", NULL, 0, &sc, msg, sizeof msg) != SCN_OK ||
        model_run(&sc->cfg, &res, msg, sizeof msg) < 0) {
        snprintf(err, errlen, "%s: %s", r->name, msg);
    } else {
        x = 0;
        for (int i = 0; i < r->procs; i++)
            x += model_tenant_stat(&res, i, MT_THROUGHPUT)->mean;
        model_result_free(&res);
    }
    if (sc)
        scn_free(sc);
    free(text);
    return x;
}

double tput_switch_us(double q_ms, double alone_per_s, double total_per_s)
{
    if (!(total_per_s > 0) || total_per_s >= alone_per_s)
        return NAN;
    return q_ms * 1e3 * (alone_per_s / total_per_s - 1);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const tput_run *)a)->name, ((const tput_run *)b)->name);
}

int tput_dir(const char *dir, const char *profile_path, tput_row *rows, int cap, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot open the folder", dir);
        return -1;
    }
    tput_run *runs = calloc(MAX_FILES, sizeof *runs);
    if (!runs) {
        closedir(d);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int n = 0, rc = 0;
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d)) != NULL && n < MAX_FILES && rc == 0) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "throughput_", 11) != 0 || len < 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        rc = read_run(path, e->d_name, &runs[n], err, errlen);
        n += rc == 0;
    }
    closedir(d);
    if (rc != 0) {
        free(runs);
        return -1;
    }
    qsort(runs, (size_t)n, sizeof *runs, by_name);
    prof pr;
    char msg[512];
    if (n > 0 && prof_load(profile_path, &pr, msg, sizeof msg) < 0) {
        snprintf(err, errlen, "%s: %s", profile_path, msg);
        free(runs);
        return -1;
    }
    int k = 0;
    for (int i = 0; i < n && k < cap; i++) {
        const tput_run *r = &runs[i];
        tput_row *o = &rows[k];
        memset(o, 0, sizeof *o);
        snprintf(o->file, sizeof o->file, "%s", r->name);
        snprintf(o->sharing, sizeof o->sharing, "%s", r->sharing);
        snprintf(o->label, sizeof o->label, "%s%s %s x%d", r->kind, r->shape, r->sharing, r->procs);
        o->procs = r->procs;
        o->measured_per_s = total(r);
        const tput_run *a = alone_of(runs, n, r, 0);
        o->alone_per_s = a ? a->per_s[0] : 0;
        o->implied_switch_us = strcmp(r->sharing, "timeslice") == 0 && r->procs > 1 && a &&
                                       strcmp(r->kind, "fma") != 0
                                   ? tput_switch_us(pr.timeslice_ms, a->per_s[0], o->measured_per_s)
                                   : NAN;
        o->predicted_per_s = predict(runs, n, r, profile_path, err, errlen);
        if (!isfinite(o->predicted_per_s)) {
            free(runs);
            return -1;
        }
        k++;
    }
    free(runs);
    return k;
}
