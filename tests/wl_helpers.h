/* wl_helpers.h -- helpers of the workload and arrival suites: run a
 * scenario given as text and read numbers back from its summary.json. */
#ifndef TESTS_WL_HELPERS_H
#define TESTS_WL_HELPERS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cJSON.h>
#include "tests/testutil.h"

/* wl_rmtree: remove a folder the tests made, and everything in it. */
static inline void wl_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[4096];
        struct stat st;
        int n = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof p)
            continue;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            wl_rmtree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

typedef struct {
    char   dir[256];
    int    rc;
    char   out[8192], err[2048];
    cJSON *summary;
} wl_run;

/* wl_run_text: write json (and, when csv_name is set, a CSV beside it) into
 * a fresh folder and run it with -o there. Fills r; free with wl_run_free. */
static inline int wl_run_text(wl_run *r, const char *json, const char *csv_name, const char *csv)
{
    char path[512], out[512];
    memset(r, 0, sizeof *r);
    if (!tu_tmpdir(r->dir, sizeof r->dir))
        return -1;
    snprintf(path, sizeof path, "%s/scenario.json", r->dir);
    tu_write_file(path, json);
    if (csv_name) {
        char cpath[512];
        snprintf(cpath, sizeof cpath, "%s/%s", r->dir, csv_name);
        tu_write_file(cpath, csv);
    }
    snprintf(out, sizeof out, "%s/out", r->dir);
    char *argv[] = { "slicesim", "run", path, "-o", out, NULL };
    r->rc = tu_cli(argv, r->out, sizeof r->out, r->err, sizeof r->err);
    snprintf(path, sizeof path, "%s/out/summary.json", r->dir);
    char *text = r->rc == 0 ? tu_read_file(path, NULL) : NULL;
    r->summary = text ? cJSON_Parse(text) : NULL;
    free(text);
    return r->rc;
}

static inline void wl_run_free(wl_run *r)
{
    cJSON_Delete(r->summary);
    r->summary = NULL;
    if (r->dir[0])
        wl_rmtree(r->dir);
}

/* wl_get: summary number at tenants.T.KEY[.SUB] (SUB may be NULL); NAN if absent. */
static inline double wl_get(const wl_run *r, int t, const char *key, const char *sub)
{
    const cJSON *ts = cJSON_GetObjectItem(r->summary, "tenants");
    const cJSON *x = cJSON_GetObjectItem(cJSON_GetArrayItem(ts, t), key);
    if (sub)
        x = cJSON_GetObjectItem(x, sub);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

#endif
