/* test_golden.c -- every example and teaching scenario (the .json files of
 * scenarios/ and scenarios/teach/) still writes, byte for byte, the summary.json held
 * under tests/golden/ (scenarios/X.json -> tests/golden/X.summary.json). A
 * change of numbers is meant to be a reviewed diff: `make golden` rewrites the
 * files, and the failure message says so. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/testutil.h"

#define GOLDEN_DIR "tests/golden/"
static const char *const PATTERNS[] = { "scenarios/*.json", "scenarios/teach/*.json" };
static const char *const GOLDEN_PATTERNS[] = { GOLDEN_DIR "*.summary.json",
                                               GOLDEN_DIR "teach/*.summary.json" };

static char out[1 << 16], err[1 << 12];

/* Golden path of a scenario file: scenarios/REL.json -> tests/golden/REL.summary.json. */
static void golden_path(const char *scenario, char *buf, size_t len)
{
    const char *rel = scenario + strlen("scenarios/");
    size_t n = strlen(rel) - strlen(".json");
    snprintf(buf, len, GOLDEN_DIR "%.*s.summary.json", (int)n, rel);
}

/* Scenario path of a golden file: the inverse of golden_path. */
static void scenario_path(const char *golden, char *buf, size_t len)
{
    const char *rel = golden + strlen(GOLDEN_DIR);
    size_t n = strlen(rel) - strlen(".summary.json");
    snprintf(buf, len, "scenarios/%.*s.json", (int)n, rel);
}

/* Report the first line where got and want differ (1-based), with both lines. */
static void report_difference(const char *golden, const char *got, const char *want)
{
    unsigned line = 1;
    const char *g = got, *w = want;
    while (*g && *g == *w) {
        if (*g == '\n') {
            line++;
            got = g + 1;
            want = w + 1;
        }
        g++;
        w++;
    }
    int gl = (int)strcspn(got, "\n"), wl = (int)strcspn(want, "\n");
    fprintf(stderr, "\n    %s differs at line %u:\n      golden: %.*s\n      now:    %.*s\n"
            "    if the change of numbers is intended, run `make golden` and commit the diff\n",
            golden, line, wl, want, gl, got);
}

/* Run one scenario into a fresh directory and compare its summary.json. */
static void check_scenario(const char *scenario)
{
    char gold[512], dir[64], sum[128];
    golden_path(scenario, gold, sizeof gold);
    char *want = tu_read_file(gold, NULL);
    if (!want) {
        fprintf(stderr, "\n    %s has no golden summary %s; run `make golden` and commit it",
                scenario, gold);
        CU_FAIL("scenario without a golden summary");
        return;
    }
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "run", (char *)scenario, "-o", dir, NULL };
    int rc = tu_cli(argv, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "\n    %s: exit %d: %s", scenario, rc, err);
    CU_ASSERT_EQUAL(rc, 0);
    snprintf(sum, sizeof sum, "%s/summary.json", dir);
    size_t n = 0;
    char *got = tu_read_file(sum, &n);
    CU_ASSERT_PTR_NOT_NULL(got);
    if (got) {
        int same = n == strlen(want) && memcmp(got, want, n) == 0;
        if (!same)
            report_difference(gold, got, want);
        CU_ASSERT(same);
    }
    free(got);
    free(want);
}

static void every_example_writes_its_golden_summary(void)
{
    size_t seen = 0;
    for (size_t p = 0; p < sizeof PATTERNS / sizeof PATTERNS[0]; p++) {
        glob_t g;
        if (glob(PATTERNS[p], 0, NULL, &g) != 0)
            continue;
        for (size_t i = 0; i < g.gl_pathc; i++, seen++)
            check_scenario(g.gl_pathv[i]);
        globfree(&g);
    }
    /* 23 examples and 5 teaching scenarios when the golden files were made */
    CU_ASSERT(seen >= 28);
}

static void every_golden_summary_has_its_scenario(void)
{
    size_t seen = 0;
    for (size_t p = 0; p < sizeof GOLDEN_PATTERNS / sizeof GOLDEN_PATTERNS[0]; p++) {
        glob_t g;
        if (glob(GOLDEN_PATTERNS[p], 0, NULL, &g) != 0)
            continue;
        for (size_t i = 0; i < g.gl_pathc; i++, seen++) {
            char scen[512];
            scenario_path(g.gl_pathv[i], scen, sizeof scen);
            int ok = access(scen, R_OK) == 0;
            if (!ok)
                fprintf(stderr, "\n    %s is left from a removed scenario %s; run `make golden`",
                        g.gl_pathv[i], scen);
            CU_ASSERT(ok);
        }
        globfree(&g);
    }
    CU_ASSERT(seen >= 28);
}

TU_SUITE_FN(golden)
{
    static const tu_test tests[] = {
        TU_TEST(every_example_writes_its_golden_summary),
        TU_TEST(every_golden_summary_has_its_scenario),
    };
    TU_SUITE("golden", tests);
}
