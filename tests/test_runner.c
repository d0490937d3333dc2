/* test_runner.c -- the test runner itself: `slicesim-tests NAME` runs the
 * named suites only, and a name that is no suite is an error (exit 2) rather
 * than a run of nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "tests/testutil.h"

/* The runner beside the slicesim binary the suite was started with. */
static int run_runner(const char *args, char *out, size_t len)
{
    const char *b = getenv("SLICESIM");
    char path[512], cmd[1024];
    snprintf(path, sizeof path, "%s", b ? b : "build/slicesim");
    char *slash = strrchr(path, '/');
    snprintf(slash ? slash + 1 : path, sizeof path - (size_t)(slash ? slash + 1 - path : 0), "slicesim-tests");
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", path, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void an_unknown_suite_name_is_an_error_that_lists_the_suites(void)
{
    static char out[1 << 14];
    CU_ASSERT_EQUAL(run_runner("no-such-suite", out, sizeof out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "no suite named 'no-such-suite'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " golden"));
}

static void a_named_suite_runs_alone(void)
{
    static char out[1 << 14];
    CU_ASSERT_EQUAL(run_runner("evq", out, sizeof out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Suite: evq"));
    CU_ASSERT_PTR_NULL(strstr(out, "Suite: golden"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Run Summary"));
}

TU_SUITE_FN(runner)
{
    static const tu_test tests[] = {
        TU_TEST(an_unknown_suite_name_is_an_error_that_lists_the_suites),
        TU_TEST(a_named_suite_runs_alone),
    };
    TU_SUITE("runner", tests);
}
