/* test_points.c -- points of a sweep, compare or plan are built in memory:
 * each is a copy of the base scenario's parsed document with its own
 * assignments applied (scn_load_doc), never a re-read of the file. */
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "cli/points.h"

static double p95_of(const model_result *res) { return model_tenant_stat(res, 0, MT_P95)->mean; }

static void a_document_copy_with_sets_equals_the_file_with_sets(void)
{
    char err[512], *sets[] = { "sharing.timeslice_ms=4", "replications=2", "duration_s=8" };
    scn *a = NULL, *b = NULL;
    CU_ASSERT_EQUAL_FATAL(scn_load("scenarios/default.json", sets, 3, &a, err, sizeof err), SCN_OK);
    cJSON *doc = scn_read("scenarios/default.json", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    char *before = cJSON_PrintUnformatted(doc);
    CU_ASSERT_EQUAL_FATAL(scn_load_doc(doc, "scenarios/default.json", sets, 3, &b, err, sizeof err), SCN_OK);
    char *after = cJSON_PrintUnformatted(doc);
    CU_ASSERT_STRING_EQUAL(before, after);              /* the document itself is untouched */
    CU_ASSERT_EQUAL(b->cfg.ts.slice_ns, 4000000);
    CU_ASSERT_EQUAL(a->cfg.ts.slice_ns, b->cfg.ts.slice_ns);
    model_result ra, rb;
    CU_ASSERT_EQUAL_FATAL(model_run(&a->cfg, &ra, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(model_run(&b->cfg, &rb, err, sizeof err), 0);
    CU_ASSERT_EQUAL(p95_of(&ra), p95_of(&rb));          /* the same numbers to the bit */
    CU_ASSERT(p95_of(&ra) > 1);
    model_result_free(&ra);
    model_result_free(&rb);
    free(before);
    free(after);
    cJSON_Delete(doc);
    scn_free(a);
    scn_free(b);
}

typedef struct { double p95[2]; } got;

static int keep(size_t i, const scn *sc, const model_result *res, void *ud, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    (void)sc;
    ((got *)ud)->p95[i] = p95_of(res);
    return 0;
}

/* With the document given, the points never open the file: a base whose
 * file is gone still runs every point. */
static void points_run_from_the_document_without_the_file(void)
{
    char err[512];
    scn *base = NULL;
    CU_ASSERT_EQUAL_FATAL(scn_load("scenarios/teach/timeslice-tradeoff.json", NULL, 0, &base, err, sizeof err), SCN_OK);
    char *s1[] = { "sharing.timeslice_ms=1" }, *s2[] = { "sharing.timeslice_ms=16" };
    points_point pts[2] = { { s1, 1 }, { s2, 1 } };
    points_base b = { "scenarios/no-such-file.json", NULL, 0, -1, -1, base->root };
    got g;
    FILE *e = tmpfile();
    CU_ASSERT_EQUAL(points_validate(&b, pts, 2, "test", e), 0);
    CU_ASSERT_EQUAL(points_run(&b, pts, 2, 2, 0, keep, &g, "test", e), 0);
    fclose(e);
    /* inference waits up to a batch slice: p95 grows with the slice (test_teach) */
    CU_ASSERT(g.p95[0] < g.p95[1]);
    scn_free(base);
}

TU_SUITE_FN(points)
{
    static const tu_test tests[] = {
        TU_TEST(a_document_copy_with_sets_equals_the_file_with_sets),
        TU_TEST(points_run_from_the_document_without_the_file),
    };
    TU_SUITE("points", tests);
}
