/* test_teach.c -- the teaching scenarios run, and the time-slice trade-off
 * they teach holds: a shorter slice lowers the latency-sensitive tenant's
 * p95 and costs the always-busy tenant throughput. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"

static char out[1 << 15], err[1 << 12];

static void every_teaching_scenario_runs(void)
{
    glob_t g;
    CU_ASSERT_EQUAL_FATAL(glob("scenarios/teach/*.json", 0, NULL, &g), 0);
    CU_ASSERT(g.gl_pathc >= 5);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *argv[] = { "slicesim", "run", g.gl_pathv[i], NULL };
        int rc = tu_cli(argv, out, sizeof out, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "\n    %s: %s", g.gl_pathv[i], err);
        CU_ASSERT_EQUAL(rc, 0);
    }
    globfree(&g);
}

static void shorter_slices_lower_p95_and_cost_batch_throughput(void)
{
    char dir[64], o[128], p[192];
    tu_tmpdir(dir, sizeof dir);
    snprintf(o, sizeof o, "%s/sw", dir);
    char *argv[] = { "slicesim", "sweep", "scenarios/teach/timeslice-tradeoff.json",
                     "--vary", "sharing.timeslice_ms=1,4,16", "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    snprintf(p, sizeof p, "%s/sweep.json", o);
    char *t = tu_read_file(p, NULL);
    cJSON *doc = t ? cJSON_Parse(t) : NULL;
    free(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    double p95[3], thr[3];
    for (int i = 0; i < 3; i++) {
        const cJSON *tl = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "points"), i), "tenants");
        p95[i] = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(tl, 0), "latency_ms"), "p95")->valuedouble;
        thr[i] = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(tl, 1), "throughput"), "value")->valuedouble;
    }
    /* inference waits up to a batch slice: p95 grows with the slice */
    CU_ASSERT(p95[0] < p95[1] && p95[1] < p95[2]);
    CU_ASSERT(p95[2] > 10 && p95[0] < 4);
    /* each switch costs 25 us of nobody's work: batch gains with longer slices */
    CU_ASSERT(thr[0] < thr[1] && thr[1] <= thr[2]);
    cJSON_Delete(doc);
}

TU_SUITE_FN(teach)
{
    static const tu_test tests[] = {
        TU_TEST(every_teaching_scenario_runs),
        TU_TEST(shorter_slices_lower_p95_and_cost_batch_throughput),
    };
    TU_SUITE("teach", tests);
}
