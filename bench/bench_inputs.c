#define _DEFAULT_SOURCE 1
/* bench_inputs.c -- loading 10^5 tenants, merging 10^5 points (bench_inputs.h). */
#include "bench/bench_inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cJSON.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/sweepio.h"
#include "scenarios/scenario.h"

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);   /* CPU seconds, as the other lines */
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* 10^5 time-sliced tenants over 8192 GPUs (about 12 each, so that their
 * contexts fit): parse, validate, build. */
static void bench_load_tenants(size_t n)
{
    size_t cap = n * 220 + 512, k = 0;
    char *j = malloc(cap), err[1024];
    if (!j)
        return;
    k += (size_t)snprintf(j + k, cap - k, "{\"duration_s\": 1, \"replications\": 1, \"hardware\": "
                          "{\"gpu\": \"h100-sxm\", \"gpus\": 8, \"nodes\": 1024}, \"sharing\": {\"mode\": \"timeslice\"}, "
                          "\"tenants\": [");
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(j + k, cap - k, "%s{\"name\": \"t%zu\", \"gpu\": %zu, \"workload\": {\"type\": "
                              "\"synthetic\", \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}}, "
                              "\"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 0.001}}",
                              i ? ", " : "", i, i % 8192);
    snprintf(j + k, cap - k, "]}");
    scn *sc = NULL;
    double t0 = cpu_now();
    int rc = scn_load_text(j, "bench-tenants.json", NULL, 0, &sc, err, sizeof err);
    double dt = cpu_now() - t0;
    if (rc != SCN_OK)
        fprintf(stderr, "bench: %s\n", err);
    else
        printf("bench load_1e5_tenants %.4g s\n", dt);
    scn_free(sc);
    free(j);
}

/* One shard of a sweep with `total` points: those with index % count == k,
 * each with one tenant's figures, written with its manifest. */
static int write_shard(const char *dir, size_t total, size_t k, size_t count)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "slicesim_version", SLICESIM_VERSION);
    cJSON_AddStringToObject(d, "scenario", "bench-merge");
    cJSON_AddStringToObject(d, "scenario_hash", "0123456789abcdef");
    cJSON_AddNumberToObject(d, "seed", 1);
    cJSON_AddNumberToObject(d, "replications", 2);
    cJSON_AddArrayToObject(d, "sets");
    cJSON *vary = cJSON_AddArrayToObject(d, "vary"), *dim = cJSON_CreateObject();
    cJSON_AddStringToObject(dim, "path", "tenants.0.arrivals.rate_per_s");
    cJSON *vals = cJSON_AddArrayToObject(dim, "values");
    for (size_t i = 0; i < total; i++)
        cJSON_AddItemToArray(vals, cJSON_CreateNumber((double)(i + 1)));
    cJSON_AddItemToArray(vary, dim);
    cJSON_AddNumberToObject(d, "points_total", (double)total);
    cJSON *sh = cJSON_AddObjectToObject(d, "shard");
    cJSON_AddNumberToObject(sh, "index", (double)(k + 1));
    cJSON_AddNumberToObject(sh, "count", (double)count);
    cJSON *pts = cJSON_AddArrayToObject(d, "points");
    for (size_t i = k; i < total; i += count) {
        cJSON *p = cJSON_CreateObject(), *t = cJSON_CreateObject(), *list = cJSON_CreateArray();
        cJSON_AddNumberToObject(p, "index", (double)i);
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(p, "values"), "tenants.0.arrivals.rate_per_s",
                                (double)(i + 1));
        cJSON_AddNumberToObject(p, "seed", 1);
        cJSON_AddNumberToObject(p, "replications", 2);
        cJSON_AddStringToObject(t, "name", "web");
        cJSON_AddNumberToObject(t, "completed", (double)(1000 + i));
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(t, "latency_ms"), "p95", 1.5 + (double)i * 1e-6);
        cJSON_AddItemToArray(list, t);
        cJSON_AddItemToObject(p, "tenants", list);
        cJSON_AddArrayToObject(p, "gpus");
        cJSON_AddArrayToObject(p, "warnings");
        cJSON_AddItemToArray(pts, p);
    }
    outfile_set set;
    char msg[1024];
    int rc = outfile_set_begin(&set, dir, msg, sizeof msg) == 0 &&
             sweepio_write_json(outfile_set_dir(&set), "sweep.json", d, "bench", stderr) == CLI_OK &&
             sweepio_commit(&set, d, "bench", stderr) == CLI_OK ? 0 : -1;
    outfile_set_abort(&set);
    cJSON_Delete(d);
    return rc;
}

static void bench_merge_points(size_t total)
{
    char root[] = "/tmp/slicesim-bench-merge.XXXXXX", a[64], b[64], o[64];
    if (!mkdtemp(root))
        return;
    snprintf(a, sizeof a, "%s/a", root);
    snprintf(b, sizeof b, "%s/b", root);
    snprintf(o, sizeof o, "%s/out", root);
    if (write_shard(a, total, 0, 2) == 0 && write_shard(b, total, 1, 2) == 0) {
        char *argv[] = { "merge", a, b, "-o", o, NULL };
        FILE *sink = fopen("/dev/null", "w");
        double t0 = cpu_now();
        int rc = cli_cmd_merge(5, argv, sink, stderr);
        double dt = cpu_now() - t0;
        if (sink)
            fclose(sink);
        if (rc == CLI_OK)
            printf("bench merge_1e5_points %.4g s\n", dt);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", root);
}

void bench_inputs(void)
{
    bench_load_tenants(100000);
    bench_merge_points(100000);
}
