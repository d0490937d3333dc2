/* test_cli.c -- `slicesim run` end to end: outputs, determinism, options,
 * exit codes, and every example scenario. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cJSON.h>
#include "tests/testutil.h"

#define BIG 65536

static char out[BIG], err[BIG];

static int run(char **argv)
{
    return tu_cli(argv, out, sizeof out, err, sizeof err);
}

static void run_writes_summary_and_requests(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "run", "scenarios/default.json", "-o", dir, "--reps", "2", NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "inference"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "p95 ms [95% CI]"));
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *text = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    cJSON *doc = cJSON_Parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const char *top[] = { "slicesim_version", "scenario", "seed", "replications", "sim_time_s",
                          "events", "tenants", "gpus", "warnings" };
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(doc, top[i]));
    cJSON *t0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "tenants"), 0);
    cJSON *lat = cJSON_GetObjectItem(t0, "latency_ms");
    const char *lk[] = { "mean", "p50", "p90", "p95", "p99", "p999", "ci95_p95", "ci95_p50", "ci95_p99", "ci95_mean" };
    for (size_t i = 0; i < sizeof lk / sizeof lk[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(lat, lk[i]));
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(lat, "ci95_p95")), 2);
    cJSON *th = cJSON_GetObjectItem(t0, "throughput");
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(th, "unit")->valuestring, "req/s");
    CU_ASSERT(cJSON_GetObjectItem(th, "value")->valuedouble > 95);
    CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(t0, "latency_breakdown_ms"));
    CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(t0, "gpu_time_share"));
    CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(t0, "slo_attainment"));
    cJSON *g0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "gpus"), 0);
    CU_ASSERT(cJSON_GetObjectItem(g0, "utilization")->valuedouble > 0.5);
    CU_ASSERT(cJSON_GetObjectItem(g0, "context_switches")->valuedouble > 100);
    CU_ASSERT(cJSON_GetObjectItem(g0, "switch_overhead_fraction")->valuedouble > 0);
    cJSON_Delete(doc);
    free(text);
    snprintf(path, sizeof path, "%s/requests.csv", dir);
    text = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(strncmp(text, "rep,tenant,id,arrival_ms,start_ms,end_ms,latency_ms", 51), 0);
    size_t rows = 0;
    for (char *c = text; *c; c++)
        rows += *c == '\n';
    CU_ASSERT(rows > 10000);
    free(text);
    /* nothing half-written is left behind */
    glob_t g;
    snprintf(path, sizeof path, "%s/.*.tmp", dir);
    CU_ASSERT_EQUAL(glob(path, 0, NULL, &g), GLOB_NOMATCH);
    globfree(&g);
}

static void same_scenario_and_seed_give_identical_bytes(void)
{
    char d1[64], d2[64], p1[128], p2[128];
    tu_tmpdir(d1, sizeof d1);
    tu_tmpdir(d2, sizeof d2);
    char *a1[] = { "slicesim", "run", "scenarios/two-gpus.json", "-o", d1, NULL };
    char *a2[] = { "slicesim", "run", "scenarios/two-gpus.json", "-o", d2, NULL };
    CU_ASSERT_EQUAL_FATAL(run(a1), 0);
    CU_ASSERT_EQUAL_FATAL(run(a2), 0);
    const char *files[] = { "summary.json", "requests.csv" };
    for (int i = 0; i < 2; i++) {
        size_t n1 = 0, n2 = 0;
        snprintf(p1, sizeof p1, "%s/%s", d1, files[i]);
        snprintf(p2, sizeof p2, "%s/%s", d2, files[i]);
        char *t1 = tu_read_file(p1, &n1), *t2 = tu_read_file(p2, &n2);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
        CU_ASSERT(n1 == n2 && memcmp(t1, t2, n1) == 0);
        free(t1);
        free(t2);
    }
}

static void seed_option_changes_the_numbers(void)
{
    char a[BIG];
    char *s1[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "--seed", "1", "--reps", "1", NULL };
    char *s2[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "--seed", "2", "--reps", "1", NULL };
    CU_ASSERT_EQUAL(run(s1), 0);
    memcpy(a, out, sizeof a);
    CU_ASSERT_EQUAL(run(s2), 0);
    CU_ASSERT(strcmp(a, out) != 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 replication x"));
}

static void bad_options_exit_2_with_a_message(void)
{
    char *no_file[] = { "slicesim", "run", NULL };
    CU_ASSERT_EQUAL(run(no_file), 2);
    char *bad_reps[] = { "slicesim", "run", "scenarios/default.json", "--reps", "0", NULL };
    CU_ASSERT_EQUAL(run(bad_reps), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--reps"));
    char *unknown[] = { "slicesim", "run", "scenarios/default.json", "--fast", NULL };
    CU_ASSERT_EQUAL(run(unknown), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--fast"));
    char *cmd[] = { "slicesim", "fly", NULL };
    CU_ASSERT_EQUAL(run(cmd), 2);
    char *bad_set[] = { "slicesim", "run", "scenarios/default.json", "--set", "tenants.0.arrivals.rate_per_s=0", NULL };
    CU_ASSERT_EQUAL(run(bad_set), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "scenarios/default.json: tenants.0.arrivals.rate_per_s: value 0"));
    char *not_dir[] = { "slicesim", "run", "scenarios/default.json", "-o", "scenarios/default.json", NULL };
    CU_ASSERT_EQUAL(run(not_dir), 2);
}

static void every_command_answers_help_with_its_options(void)
{
    static const struct { const char *cmd, *sub, *opt; } C[] = {
        { "run", NULL, "--trace-window-ms MS" }, { "sweep", NULL, "--shard K/N" },
        { "merge", NULL, "-o, --out OUT" }, { "compare", NULL, "--modes" }, { "plot", NULL, "--help" },
        { "plan", NULL, "--goal max|min" }, { "collective", NULL, "-f, --factor F" },
        { "scale", NULL, "--nodes" }, { "import-nccl-tests", NULL, "--in-place" },
        { "calibrate", "fit", "--gpu PRESET" }, { "calibrate", "predict", "--reps N" },
        { "calibrate", "run", "--budget-s N" }, { "validate", NULL, "--strict" }, { "list", NULL, "mig GPU" },
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        char *argv[] = { "slicesim", (char *)C[i].cmd, (char *)(C[i].sub ? C[i].sub : "--help"),
                         C[i].sub ? "-h" : NULL, NULL };
        CU_ASSERT_EQUAL(run(argv), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: slicesim"));
        if (!strstr(out, C[i].opt))
            fprintf(stderr, "\n    %s %s --help lacks %s\n", C[i].cmd, C[i].sub ? C[i].sub : "", C[i].opt);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, C[i].opt));
    }
    char *top[] = { "slicesim", "help", "scale", NULL };
    CU_ASSERT_EQUAL(run(top), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--tenant NAME"));
}

static void options_take_their_value_after_an_equals_sign_or_as_the_next_word(void)
{
    char a[BIG];
    char *eq[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "--reps=2", "--seed=7",
                   "--set=tenants.0.arrivals.rate_per_s=50", NULL };
    CU_ASSERT_EQUAL_FATAL(run(eq), 0);
    memcpy(a, out, sizeof a);
    /* options before the scenario, values as the next word: the same run */
    char *sp[] = { "slicesim", "run", "--set", "tenants.0.arrivals.rate_per_s=50", "--seed", "7", "--reps", "2",
                   "scenarios/mm1-exclusive.json", NULL };
    CU_ASSERT_EQUAL_FATAL(run(sp), 0);
    CU_ASSERT_STRING_EQUAL(a, out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 replications"));
    char *flagval[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "--plot=yes", NULL };
    CU_ASSERT_EQUAL(run(flagval), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--plot takes no value"));
    char *missing[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "--reps", NULL };
    CU_ASSERT_EQUAL(run(missing), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--reps needs a value"));
}

static void collective_takes_the_nccl_tests_short_options(void)
{
    /* -b 1M -e 16M -f 4: 1, 4 and 16 MiB, as all_reduce_perf prints them */
    char *argv[] = { "slicesim", "collective", "--gpu", "h100-sxm", "-b", "1M", "-e", "16M", "-f", "4", NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "     1048576 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "     4194304 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "    16777216 "));
    CU_ASSERT_PTR_NULL(strstr(out, "     2097152 "));
    char *eq[] = { "slicesim", "collective", "--gpu=h100-sxm", "--min=1M", "--max=16M", "--factor=4", NULL };
    char a[BIG];
    memcpy(a, out, sizeof a);
    CU_ASSERT_EQUAL_FATAL(run(eq), 0);
    CU_ASSERT_STRING_EQUAL(a, out);
}

static void list_names_what_scenarios_may_use(void)
{
    char *gpus[] = { "slicesim", "list", "gpus", NULL };
    CU_ASSERT_EQUAL_FATAL(run(gpus), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "h100-sxm"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "a100-sxm-40gb"));
    char *mig[] = { "slicesim", "list", "mig", "a100-sxm-40gb", NULL };
    CU_ASSERT_EQUAL_FATAL(run(mig), 0);
    /* nvidia-smi mig -lgip: 1g.5gb is profile 19, 7 instances; 3g.20gb is 9, at slots 0 and 4 */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "1g.5gb        19       1      1    14     4.75    1     7  0 1 2 3 4 5 6"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "3g.20gb        9"));
    char *topo[] = { "slicesim", "list", "topologies", NULL };
    CU_ASSERT_EQUAL_FATAL(run(topo), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "dgx-h100"));
    char *models[] = { "slicesim", "list", "models", NULL };
    CU_ASSERT_EQUAL_FATAL(run(models), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "llama-3-8b"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "sdxl-1024"));
    char *eng[] = { "slicesim", "list", "engines", NULL };
    CU_ASSERT_EQUAL_FATAL(run(eng), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nvllm "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nsglang "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\ncompile "));
    char *nomig[] = { "slicesim", "list", "mig", "l4", NULL };
    CU_ASSERT_EQUAL(run(nomig), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "h100-sxm"));
    char *bad[] = { "slicesim", "list", "colours", NULL };
    CU_ASSERT_EQUAL(run(bad), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "allowed: gpus, models, topologies, mig, engines"));
}

static void scenario_paths_resolve_from_the_scenario_file_not_the_working_directory(void)
{
    /* a network correction, a trace, a GPU profile and a mig-parted file, each named
     * relative to scenarios/, found from another working directory */
    static const char *const files[] = { "collective-2node-h100-vm.json", "llm-azure-conv-a100.json",
                                         "profile-h200-timesliced.json", "mig-parted-a100.json" };
    char cwd[1024], path[1200];
    CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/scenarios/%s", cwd, files[i]);
        char *argv[] = { "slicesim", "run", path, "--reps", "1", "--set", "duration_s=6", NULL };
        CU_ASSERT_EQUAL_FATAL(chdir("/"), 0);
        int rc = run(argv);
        CU_ASSERT_EQUAL_FATAL(chdir(cwd), 0);
        if (rc != 0)
            fprintf(stderr, "\n    %s: %s\n", files[i], err);
        CU_ASSERT_EQUAL(rc, 0);
    }
}

static void csv_outputs_quote_names_as_rfc_4180_says(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "run", "scenarios/default.json", "-o", dir, "--reps", "1", "--set",
                     "duration_s=7", "--set", "tenants.1.name=batch,b \"x\"", NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    snprintf(path, sizeof path, "%s/requests.csv", dir);
    char *text = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n0,\"batch,b \"\"x\"\"\",")); /* one field, quotes doubled */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n0,inference,"));              /* plain names stay plain */
    /* every row still has the header's number of fields */
    size_t header = 1;
    for (const char *c = text; *c != '\n'; c++)
        header += *c == ',';
    int quoted = 0, bad = 0;
    size_t fields = 1;
    for (const char *c = strchr(text, '\n') + 1; *c; c++) {
        if (*c == '"')
            quoted = !quoted;
        else if (*c == ',' && !quoted)
            fields++;
        else if (*c == '\n') {
            bad += fields != header;
            fields = 1;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(text);
    /* and the latency chart reads the name back whole */
    char *plot[] = { "slicesim", "plot", dir, NULL };
    (void)run(plot);
    snprintf(path, sizeof path, "%s/latency_cdf.dat", dir);
    text = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "# batch,b \"x\"\n"));
    free(text);
}

static void bad_scenario_files_exit_2(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/broken.json", dir);
    tu_write_file(path, "{ \"hardware\": { \"gpu\": \"h100-sxm\" }, ");
    char *argv[] = { "slicesim", "run", path, NULL };
    CU_ASSERT_EQUAL(run(argv), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "broken.json: line 1: malformed JSON"));
    tu_write_file(path, "[1, 2]");
    CU_ASSERT_EQUAL(run(argv), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "a scenario is a JSON object"));
    tu_write_file(path, "");
    CU_ASSERT_EQUAL(run(argv), 2);
}

/* rho = 1.5: the backlog grows by about (1500 - 1000)/s x 29 s = 14,500
 * requests over the window, and the summary says the run is unstable. */
static void an_overloaded_run_warns_that_it_is_not_in_steady_state(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "--reps", "2", "-o", dir,
                     "--set", "tenants.0.arrivals.rate_per_s=1500", NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *text = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    const char *w = strstr(text, "more requests were in the system at the end");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const char *q = strstr(text, "queue\\\": ");     /* JSON-escaped quote */
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    long n = strtol(q + 9, NULL, 10);
    CU_ASSERT(n > 13500 && n < 15500);
    free(text);
    char *calm[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "--reps", "2", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(run(calm), 0);
    text = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NULL(strstr(text, "steady state"));
    free(text);
}

static void every_example_scenario_runs(void)
{
    glob_t g;
    int n = 0;
    glob("scenarios/*.json", 0, NULL, &g);
    glob("scenarios/*/*.json", GLOB_APPEND, NULL, &g);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *argv[] = { "slicesim", "run", g.gl_pathv[i], NULL };
        int rc = run(argv);
        if (rc != 0)
            fprintf(stderr, "\n    %s: exit %d: %s\n", g.gl_pathv[i], rc, err);
        CU_ASSERT_EQUAL(rc, 0);
        n++;
    }
    globfree(&g);
    CU_ASSERT(n >= 3);
}

TU_SUITE_FN(cli)
{
    static const tu_test tests[] = {
        TU_TEST(run_writes_summary_and_requests),
        TU_TEST(same_scenario_and_seed_give_identical_bytes),
        TU_TEST(seed_option_changes_the_numbers),
        TU_TEST(bad_options_exit_2_with_a_message),
        TU_TEST(bad_scenario_files_exit_2),
        TU_TEST(csv_outputs_quote_names_as_rfc_4180_says),
        TU_TEST(scenario_paths_resolve_from_the_scenario_file_not_the_working_directory),
        TU_TEST(every_command_answers_help_with_its_options),
        TU_TEST(options_take_their_value_after_an_equals_sign_or_as_the_next_word),
        TU_TEST(collective_takes_the_nccl_tests_short_options),
        TU_TEST(list_names_what_scenarios_may_use),
        TU_TEST(an_overloaded_run_warns_that_it_is_not_in_steady_state),
        TU_TEST(every_example_scenario_runs),
    };
    TU_SUITE("cli", tests);
}
