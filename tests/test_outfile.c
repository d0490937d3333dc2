/* test_outfile.c -- output sets: a manifest written last that names the run
 * and its files; a killed run and a full disk leave the previous set as it
 * was and no temporary behind; writability is checked before any work. The
 * binary ($SLICESIM) runs in a child process so that signals and file-size
 * limits hit it alone. */
#define _DEFAULT_SOURCE 1
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cJSON.h>
#include "tests/testutil.h"

static char dir[64], scen[128], outdir[128], out[1 << 16], err[1 << 14];

/* A scenario that runs for minutes unless killed. */
static const char LONG_RUN[] =
    "{ \"name\": \"long\", \"duration_s\": 100000, \"replications\": 1, \"hardware\": { \"gpu\": \"h100-sxm\" },\n"
    "  \"tenants\": [ { \"name\": \"q\", \"workload\": { \"type\": \"synthetic\",\n"
    "    \"service_ms\": { \"dist\": \"exponential\", \"mean\": 1 } },\n"
    "    \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 500 } } ] }\n";

static const char *binary(void)
{
    const char *b = getenv("SLICESIM");
    return b ? b : "build/slicesim";
}

/* Start `slicesim ARGS...` (args NULL-terminated, after the program name)
 * with stdout/stderr to files in dir; fsize > 0 limits the size of any
 * file it writes (a full disk). */
static pid_t start_argv(char *const *args, rlim_t fsize)
{
    pid_t pid = fork();
    if (pid == 0) {
        char o[160], e[160], *argv[32];
        int n = 0;
        snprintf(o, sizeof o, "%s/stdout", dir);
        snprintf(e, sizeof e, "%s/stderr", dir);
        if (!freopen(o, "w", stdout) || !freopen(e, "w", stderr))
            _exit(99);
        if (fsize) {
            struct rlimit rl = { fsize, fsize };
            signal(SIGXFSZ, SIG_IGN);
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        argv[n++] = (char *)binary();
        for (; args[n - 1] && n < 31; n++)
            argv[n] = args[n - 1];
        argv[n] = NULL;
        execv(binary(), argv);
        _exit(98);
    }
    return pid;
}

/* `slicesim run SCEN -o OUTDIR [extra]`. */
static pid_t start(const char *scenario, const char *extra, rlim_t fsize)
{
    char *args[] = { "run", (char *)scenario, "-o", outdir, (char *)extra, NULL };
    return start_argv(args, fsize);
}

static char *child_stderr(void)
{
    char p[160];
    snprintf(p, sizeof p, "%s/stderr", dir);
    char *t = tu_read_file(p, NULL);
    return t ? t : strdup("");
}

/* Names in outdir that start with '.' (temporaries, staging folders). */
static int hidden_entries(void)
{
    DIR *d = opendir(outdir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static void setup(void)
{
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/long.json", dir);
    tu_write_file(scen, LONG_RUN);
    snprintf(outdir, sizeof outdir, "%s/out", dir);
}

/* A first, complete set to be protected. */
static char *first_set(void)
{
    char *argv[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "-o", outdir, "--reps", "1", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    char p[256];
    snprintf(p, sizeof p, "%s/summary.json", outdir);
    return tu_read_file(p, NULL);
}

static void the_manifest_names_the_run_and_every_file_with_its_size(void)
{
    setup();
    char *sum = first_set();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    char p[256];
    snprintf(p, sizeof p, "%s/manifest.json", outdir);
    char *text = tu_read_file(p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    cJSON *m = cJSON_Parse(text);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(m, "format")->valuestring, "slicesim-manifest/1");
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(m, "slicesim_version")->valuestring, "0.1.0");
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(m, "command")->valuestring, "run");
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(m, "scenario")->valuestring, "mm1-exclusive");
    CU_ASSERT_EQUAL(strlen(cJSON_GetObjectItem(m, "scenario_hash")->valuestring), 16);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(m, "replications")->valueint, 1);
    CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItem(m, "seed")));
    cJSON *files = cJSON_GetObjectItem(m, "files");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(files), 2);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(cJSON_GetArrayItem(files, 0), "name")->valuestring, "requests.csv");
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(cJSON_GetArrayItem(files, 1), "name")->valuestring, "summary.json");
    CU_ASSERT_EQUAL((size_t)cJSON_GetObjectItem(cJSON_GetArrayItem(files, 1), "bytes")->valuedouble, strlen(sum));
    /* --set changes the hash; the same run gives the same manifest bytes */
    char *again[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "-o", outdir, "--reps", "1", NULL };
    CU_ASSERT_EQUAL(tu_cli(again, out, sizeof out, err, sizeof err), 0);
    char *text2 = tu_read_file(p, NULL);
    CU_ASSERT_STRING_EQUAL(text, text2);
    char *set[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "-o", outdir, "--reps", "1",
                    "--set", "duration_s=20", NULL };
    CU_ASSERT_EQUAL(tu_cli(set, out, sizeof out, err, sizeof err), 0);
    char *text3 = tu_read_file(p, NULL);
    cJSON *m3 = cJSON_Parse(text3);
    CU_ASSERT_STRING_NOT_EQUAL(cJSON_GetObjectItem(m3, "scenario_hash")->valuestring,
                               cJSON_GetObjectItem(m, "scenario_hash")->valuestring);
    CU_ASSERT_EQUAL(hidden_entries(), 0);
    cJSON_Delete(m);
    cJSON_Delete(m3);
    free(text);
    free(text2);
    free(text3);
    free(sum);
}

static void a_killed_run_leaves_the_previous_set_and_no_temporary(void)
{
    static const int sigs[] = { SIGTERM, SIGINT };
    for (size_t k = 0; k < 2; k++) {
        setup();
        char *before = first_set(), p[256], stage[256];
        CU_ASSERT_PTR_NOT_NULL_FATAL(before);
        pid_t pid = start(scen, NULL, 0);
        CU_ASSERT_FATAL(pid > 0);
        /* wait (without a deadline on the outcome) for its staging folder */
        snprintf(stage, sizeof stage, "%s/.slicesim-new.%ld", outdir, (long)pid);
        struct stat st;
        for (int i = 0; i < 3000 && stat(stage, &st) != 0; i++)
            usleep(10000);
        CU_ASSERT_EQUAL(stat(stage, &st), 0);
        kill(pid, sigs[k]);
        int status = 0;
        waitpid(pid, &status, 0);
        CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == sigs[k]);
        CU_ASSERT_NOT_EQUAL(stat(stage, &st), 0);
        CU_ASSERT_EQUAL(hidden_entries(), 0);
        snprintf(p, sizeof p, "%s/summary.json", outdir);
        char *after = tu_read_file(p, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(after);
        CU_ASSERT_STRING_EQUAL(before, after);
        snprintf(p, sizeof p, "%s/manifest.json", outdir);
        char *man = tu_read_file(p, NULL);
        CU_ASSERT_PTR_NOT_NULL(man);
        CU_ASSERT(man && strstr(man, "\"mm1-exclusive\""));
        free(man);
        free(before);
        free(after);
    }
}

static void a_full_disk_exits_1_naming_the_file_and_the_reason(void)
{
    setup();
    char *before = first_set(), p[256];
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    /* files of at most 64 KiB: summary.json fits, requests.csv does not */
    pid_t pid = start("scenarios/mm1-exclusive.json", NULL, 65536);
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFEXITED(status));
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 1);
    char *e = child_stderr();
    char want[256];
    snprintf(want, sizeof want, "%s/requests.csv: cannot write: File too large", outdir);
    if (!strstr(e, want))
        fprintf(stderr, "\n    stderr: %s", e);
    CU_ASSERT_PTR_NOT_NULL(strstr(e, want));
    CU_ASSERT_EQUAL(hidden_entries(), 0);
    snprintf(p, sizeof p, "%s/summary.json", outdir);
    char *after = tu_read_file(p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(before, after);          /* the previous set, untouched */
    free(e);
    free(before);
    free(after);
}

/* With --plot, a chart that cannot be written whole (gnuplot does not say
 * so itself) fails the run: exit 1, the previous set kept. */
static void a_chart_cut_short_by_a_full_disk_fails_the_run(void)
{
    if (system("command -v gnuplot >/dev/null 2>&1") != 0)
        return;                       /* without gnuplot no image is drawn */
    setup();
    char *before = first_set(), small[160], p[256];
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    snprintf(small, sizeof small, "%s/small.json", dir);
    tu_write_file(small, "{ \"name\": \"small\", \"duration_s\": 0.05, \"replications\": 1,"
                         " \"hardware\": { \"gpu\": \"h100-sxm\" }, \"tenants\": [ { \"name\": \"q\","
                         " \"workload\": { \"type\": \"synthetic\", \"service_ms\": { \"dist\": \"exponential\","
                         " \"mean\": 1 } }, \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 500 } } ] }");
    /* 16 KiB per file: the data files fit, a 1000 x 650 PNG does not */
    pid_t pid = start(small, "--plot", 16384);
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    char *e = child_stderr();
    if (!strstr(e, "latency_cdf.png: cannot write: gnuplot left it incomplete"))
        fprintf(stderr, "\n    stderr: %s", e);
    CU_ASSERT_PTR_NOT_NULL(strstr(e, "latency_cdf.png: cannot write: gnuplot left it incomplete"));
    CU_ASSERT_EQUAL(hidden_entries(), 0);
    snprintf(p, sizeof p, "%s/latency_cdf.png", outdir);
    struct stat st;
    CU_ASSERT_NOT_EQUAL(stat(p, &st), 0);           /* no chart of the failed run */
    snprintf(p, sizeof p, "%s/summary.json", outdir);
    char *after = tu_read_file(p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_STRING_EQUAL(before, after);
    free(e);
    free(before);
    free(after);
}

/* sweep and compare no longer ignore a chart they could not write. */
static void sweep_and_compare_fail_when_a_chart_cannot_be_written(void)
{
    if (system("command -v gnuplot >/dev/null 2>&1") != 0)
        return;
    setup();
    char small[160];
    snprintf(small, sizeof small, "%s/small.json", dir);
    tu_write_file(small, "{ \"name\": \"small\", \"duration_s\": 0.05, \"replications\": 1,"
                         " \"hardware\": { \"gpu\": \"h100-sxm\" }, \"tenants\": [ { \"name\": \"q\","
                         " \"workload\": { \"type\": \"synthetic\", \"service_ms\": { \"dist\": \"exponential\","
                         " \"mean\": 1 } }, \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 500 } } ] }");
    char *sweep[] = { "sweep", small, "--vary", "tenants.0.arrivals.rate_per_s=100,200", "-o", outdir,
                      "--plot", NULL };
    char *compare[] = { "compare", small, "--modes", "bare_metal,mps", "-o", outdir, "--plot", NULL };
    char *const *cmds[] = { sweep, compare };
    static const char *const want[] = { "sweep.png: cannot write: gnuplot left it incomplete",
                                        "compare.png: cannot write: gnuplot left it incomplete" };
    static const char *const kept[] = { "sweep.json", "compare.json" };
    for (int k = 0; k < 2; k++) {
        pid_t pid = start_argv(cmds[k], 16384);
        int status = 0;
        waitpid(pid, &status, 0);
        CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 1);
        char *e = child_stderr(), p[256];
        if (!strstr(e, want[k]))
            fprintf(stderr, "\n    stderr: %s", e);
        CU_ASSERT_PTR_NOT_NULL(strstr(e, want[k]));
        snprintf(p, sizeof p, "%s/%s", outdir, kept[k]);
        struct stat st;
        CU_ASSERT_NOT_EQUAL(stat(p, &st), 0);        /* nothing of the failed set */
        snprintf(p, sizeof p, "%s/manifest.json", outdir);
        CU_ASSERT_NOT_EQUAL(stat(p, &st), 0);
        free(e);
    }
}

static void an_unwritable_output_is_refused_before_the_simulation(void)
{
    setup();
    char p[256], o[300];
    snprintf(p, sizeof p, "%s/a-file", dir);
    tu_write_file(p, "x");
    snprintf(o, sizeof o, "%s/sub", p);
    /* the long scenario would run for minutes: refusing it at once shows the order */
    char *argv[] = { "slicesim", "run", scen, "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot create or write the directory: Not a directory"));
    char tr[300];
    snprintf(tr, sizeof tr, "%s/nowhere/trace.json", dir);
    char *trace[] = { "slicesim", "run", scen, "--trace", tr, NULL };
    CU_ASSERT_EQUAL(tu_cli(trace, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--trace:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "trace.json: cannot write: No such file or directory"));
}

static void plot_refuses_a_directory_without_a_complete_set(void)
{
    setup();
    char p[256];
    mkdir(outdir, 0777);
    snprintf(p, sizeof p, "%s/requests.csv", outdir);
    tu_write_file(p, "rep,tenant,id,arrival_ms,start_ms,end_ms,latency_ms\n0,web,0,0,0,3,3\n");
    char *argv[] = { "slicesim", "plot", outdir, NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no manifest.json: not a complete set"));
    /* a complete set gets its charts added to the same manifest */
    free(first_set());
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    snprintf(p, sizeof p, "%s/manifest.json", outdir);
    char *man = tu_read_file(p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(man);
    CU_ASSERT_PTR_NOT_NULL(strstr(man, "\"latency_cdf.dat\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(man, "\"summary.json\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(man, "\"command\":\t\"run\""));
    CU_ASSERT_EQUAL(hidden_entries(), 0);
    free(man);
}

TU_SUITE_FN(outfile)
{
    static const tu_test tests[] = {
        TU_TEST(the_manifest_names_the_run_and_every_file_with_its_size),
        TU_TEST(a_killed_run_leaves_the_previous_set_and_no_temporary),
        TU_TEST(a_full_disk_exits_1_naming_the_file_and_the_reason),
        TU_TEST(a_chart_cut_short_by_a_full_disk_fails_the_run),
        TU_TEST(sweep_and_compare_fail_when_a_chart_cannot_be_written),
        TU_TEST(an_unwritable_output_is_refused_before_the_simulation),
        TU_TEST(plot_refuses_a_directory_without_a_complete_set),
    };
    TU_SUITE("outfile", tests);
}
