/* cmd_calibrate.c -- `slicesim calibrate SUBCOMMAND ...` (docs/calibration.md):
 *   run      run the CUDA microbenchmarks (build/calib/microbench), then fit
 *   fit      raw microbenchmark JSON -> GPU profile JSON
 *   predict  a measured contention run against the simulator on a profile
 * Subcommands are a table; an unknown one is bad input (exit 2). */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "calibration/fit.h"
#include "cli/cli.h"
#include "cli/contention.h"
#include "cli/outfile.h"
#include "scenarios/profile.h"

#define DEFAULT_BIN "build/calib/microbench"

/* Write text as path (DIR/NAME) through a temporary and a rename. */
static int write_text(const char *path, const char *text, FILE *err)
{
    char dir[4096], msg[512];
    const char *slash = strrchr(path, '/');
    outfile o;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    if ((slash && outfile_mkdirs(dir) < 0) ||
        outfile_open(&o, dir, slash ? slash + 1 : path, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim calibrate: %s: cannot write there\n", path);
        return CLI_BAD_INPUT;
    }
    fputs(text, o.f);
    if (outfile_commit(&o, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim calibrate: %s\n", msg);
        return CLI_INTERNAL;
    }
    return CLI_OK;
}

static double num_at(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItem(o, a);
    if (b)
        x = cJSON_GetObjectItem(x, b);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static void print_profile(FILE *f, const cJSON *p)
{
    fprintf(f, "profile %s (%s)\n", cJSON_GetObjectItem(p, "name")->valuestring,
            cJSON_GetObjectItem(p, "source")->valuestring);
    fprintf(f, "  eta_c %.4f  eta_m %.4f  launch %.3g us  time slice %.4g ms  switch %.4g us\n",
            num_at(p, "eta_c", NULL), num_at(p, "eta_m", NULL), num_at(p, "launch_us", NULL),
            num_at(p, "timeslice_ms", NULL), num_at(p, "switch_us", NULL));
    const cJSON *e, *byp = cJSON_GetObjectItem(p, "eta_c_by_precision");
    cJSON_ArrayForEach(e, byp)
        fprintf(f, "  gemm %-5s eta %.4f  overhead %.3g us  rms residual %.2f%% (%g shapes)\n",
                e->string, num_at(e, "eta", NULL), num_at(e, "overhead_us", NULL),
                100 * num_at(e, "rms_rel_residual", NULL), num_at(e, "points", NULL));
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, "copy"))
        fprintf(f, "  copy %-12s %.4g GB/s after %.3g us\n", e->string, num_at(e, "gbs", NULL),
                num_at(e, "latency_us", NULL));
}

/* Fit raw (a file) into a profile written to out_path, or printed when NULL. */
static int fit_file(const char *raw_path, const char *out_path, const char *gpu, FILE *out, FILE *err)
{
    char msg[1024];
    cJSON *raw, *doc;
    if (prof_read_json(raw_path, &raw, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim calibrate fit: %s\n", msg);
        return CLI_BAD_INPUT;
    }
    int rc = fit_profile(raw, raw_path, gpu, &doc, msg, sizeof msg);
    cJSON_Delete(raw);
    if (rc != 0) {
        fprintf(err, "slicesim calibrate fit: %s\n", msg);
        return rc;
    }
    char *text = cJSON_Print(doc);
    size_t len = text ? strlen(text) : 0;
    char *line = text ? realloc(text, len + 2) : NULL;
    if (!line) {
        free(text);
        cJSON_Delete(doc);
        fprintf(err, "slicesim calibrate fit: out of memory\n");
        return CLI_INTERNAL;
    }
    memcpy(line + len, "\n", 2);
    if (out_path) {
        rc = write_text(out_path, line, err);
        if (rc == CLI_OK) {
            print_profile(out, doc);
            fprintf(out, "wrote %s\n", out_path);
        }
    } else {
        fputs(line, out);
    }
    free(line);
    cJSON_Delete(doc);
    return rc;
}

static int opt_value(int argc, char **argv, int *i, const char **dst, FILE *err)
{
    if (*i + 1 >= argc) {
        fprintf(err, "slicesim calibrate: %s needs a value\n", argv[*i]);
        return -1;
    }
    *dst = argv[++*i];
    return 0;
}

static int cal_fit(int argc, char **argv, FILE *out, FILE *err)
{
    const char *raw = NULL, *dst = NULL, *gpu = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0) {
            if (opt_value(argc, argv, &i, &dst, err) < 0)
                return CLI_BAD_INPUT;
        } else if (strcmp(argv[i], "--gpu") == 0) {
            if (opt_value(argc, argv, &i, &gpu, err) < 0)
                return CLI_BAD_INPUT;
        } else if (argv[i][0] == '-' || raw) {
            fprintf(err, "slicesim calibrate fit: unexpected argument \"%s\"\n"
                    "usage: slicesim calibrate fit RAW.json [-o PROFILE.json] [--gpu PRESET]\n", argv[i]);
            return CLI_BAD_INPUT;
        } else {
            raw = argv[i];
        }
    }
    if (!raw) {
        fprintf(err, "usage: slicesim calibrate fit RAW.json [-o PROFILE.json] [--gpu PRESET]\n");
        return CLI_BAD_INPUT;
    }
    return fit_file(raw, dst, gpu, out, err);
}

/* ---- run ---- */

static int wait_bounded(pid_t pid, long limit_s, int *status)
{
    struct timespec tick = { 0, 100000000L };
    for (long waited = 0; waited < limit_s * 10; waited++) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid)
            return 0;
        if (w < 0 && errno != EINTR)
            return -1;
        nanosleep(&tick, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    return -1;
}

static int cal_run(int argc, char **argv, FILE *out, FILE *err)
{
    const char *dir = "calibration-run", *bin = getenv("SLICESIM_CALIB_BIN"), *gpu = NULL;
    const char *budget_text = "240";
    long budget;
    if (!bin)
        bin = DEFAULT_BIN;
    for (int i = 1; i < argc; i++) {
        const char **dst = strcmp(argv[i], "-o") == 0 ? &dir : strcmp(argv[i], "--bin") == 0 ? &bin
                         : strcmp(argv[i], "--gpu") == 0 ? &gpu
                         : strcmp(argv[i], "--budget-s") == 0 ? &budget_text : NULL;
        if (!dst) {
            fprintf(err, "slicesim calibrate run: unexpected argument \"%s\"\nusage: slicesim calibrate "
                    "run [-o DIR] [--bin PATH] [--budget-s N] [--gpu PRESET]\n", argv[i]);
            return CLI_BAD_INPUT;
        }
        if (opt_value(argc, argv, &i, dst, err) < 0)
            return CLI_BAD_INPUT;
    }
    if (cli_parse_long("--budget-s", budget_text, 10, 600, &budget, err) < 0)
        return CLI_BAD_INPUT;
    if (access(bin, X_OK) != 0) {
        fprintf(err, "slicesim calibrate run: %s: no microbenchmark program there; build it with "
                "`make calib` (needs the CUDA toolkit) or give --bin PATH\n", bin);
        return CLI_BAD_INPUT;
    }
    if (access("/dev/nvidiactl", F_OK) != 0) {
        fprintf(err, "slicesim calibrate run: no NVIDIA GPU on this machine (/dev/nvidiactl is missing); "
                "run it where a GPU and its driver are present\n");
        return CLI_BAD_INPUT;
    }
    if (outfile_mkdirs(dir) < 0) {
        fprintf(err, "slicesim calibrate run: -o %s: cannot create the directory\n", dir);
        return CLI_BAD_INPUT;
    }
    char raw[4096], profile[4096];
    snprintf(raw, sizeof raw, "%s/raw.json", dir);
    snprintf(profile, sizeof profile, "%s/profile.json", dir);
    fprintf(out, "running %s all (at most %ld s) ...\n", bin, budget);
    fflush(out);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(err, "slicesim calibrate run: cannot start %s: %s\n", bin, strerror(errno));
        return CLI_INTERNAL;
    }
    if (pid == 0) {
        execl(bin, bin, "all", "--out", raw, "--budget-s", budget_text, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (wait_bounded(pid, budget + 120, &status) < 0) {
        fprintf(err, "slicesim calibrate run: %s did not finish within %ld s and was stopped\n", bin, budget + 120);
        return CLI_INTERNAL;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(err, "slicesim calibrate run: %s failed (status %d); see its messages above\n", bin,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return CLI_INTERNAL;
    }
    return fit_file(raw, profile, gpu, out, err);
}

/* ---- predict ---- */

static void compare_row(FILE *f, FILE *csv, int procs, const char *what, double pred, double meas)
{
    double e = (pred - meas) / meas;
    if (f)
        fprintf(f, "%-22s %12.4f %12.4f %+9.1f%%\n", what, pred, meas, 100 * e);
    if (csv)
        fprintf(csv, "%d,%s,%.9g,%.9g,%.6f\n", procs, what, pred, meas, e);
}

/* The table on out and the rows on csv, each when not NULL. */
static void print_comparison(FILE *out, FILE *csv, const char *file, const cont_run *r, const cont_pred *p)
{
    if (csv)
        fputs("procs,metric,predicted,measured,rel_error\n", csv);
    if (out) {
        char what[128];
        if (r->kind == CONT_COPY)
            snprintf(what, sizeof what, "%ld copy kernel%s over %.4g bytes", r->kernels,
                     r->kernels == 1 ? "" : "s", r->copy_bytes);
        else
            snprintf(what, sizeof what, "%ld GEMM%s %gx%gx%g", r->kernels, r->kernels == 1 ? "" : "s",
                     r->m, r->n, r->k);
        fprintf(out, "contention run %s%s: %d process%s, %.4g bursts/s each, %s per burst\n",
                file, r->synthetic ? " (synthetic)" : "", r->procs, r->procs == 1 ? "" : "es", r->rate_per_s,
                what);
        fprintf(out, "%-22s %12s %12s %10s\n", "", "predicted", "measured", "error");
    }
    if (isfinite(r->solo_ms))
        compare_row(out, csv, r->procs, "burst_alone_ms", p->burst_ms, r->solo_ms);
    compare_row(out, csv, r->procs, "throughput_per_s", p->throughput_per_s, r->throughput_per_s);
    compare_row(out, csv, r->procs, "latency_mean_ms", p->mean_ms, r->mean_ms);
    compare_row(out, csv, r->procs, "latency_p95_ms", p->p95_ms, r->p95_ms);
}

/* DIR/comparison.csv and DIR/scenario.json. */
static int write_prediction(const char *dir, const char *file, const cont_run *r, const cont_pred *p,
                            const char *scenario, FILE *err)
{
    char msg[512], path[4096];
    outfile o;
    if (outfile_mkdirs(dir) < 0 || outfile_open(&o, dir, "comparison.csv", msg, sizeof msg) < 0) {
        fprintf(err, "slicesim calibrate predict: -o %s: cannot write there\n", dir);
        return CLI_BAD_INPUT;
    }
    print_comparison(NULL, o.f, file, r, p);
    if (outfile_commit(&o, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim calibrate predict: %s\n", msg);
        return CLI_INTERNAL;
    }
    snprintf(path, sizeof path, "%s/scenario.json", dir);
    return write_text(path, scenario, err);
}

static int cal_predict(int argc, char **argv, FILE *out, FILE *err)
{
    const char *files[2] = { NULL, NULL }, *dir = NULL, *reps_text = "20";
    int nfiles = 0;
    long reps;
    char msg[1024];
    for (int i = 1; i < argc && nfiles >= 0; i++) {
        const char **dst = strcmp(argv[i], "-o") == 0 ? &dir
                         : strcmp(argv[i], "--reps") == 0 ? &reps_text : NULL;
        if (dst && opt_value(argc, argv, &i, dst, err) < 0)
            return CLI_BAD_INPUT;
        if (dst)
            continue;
        if (argv[i][0] == '-' || nfiles == 2)
            nfiles = -1;
        else
            files[nfiles++] = argv[i];
    }
    if (nfiles != 2) {
        fprintf(err, "usage: slicesim calibrate predict CONTENTION.json PROFILE.json [-o DIR] [--reps N]\n");
        return CLI_BAD_INPUT;
    }
    if (cli_parse_long("--reps", reps_text, 1, 1000, &reps, err) < 0)
        return CLI_BAD_INPUT;
    cont_run r;
    cont_pred p;
    char *scenario = NULL;
    int rc = cont_read(files[0], &r, msg, sizeof msg);
    if (rc == 0)
        rc = cont_predict(&r, files[1], reps, &p, &scenario, msg, sizeof msg);
    if (rc != 0) {
        fprintf(err, "slicesim calibrate predict: %s\n", msg);
        return rc;
    }
    print_comparison(out, NULL, files[0], &r, &p);
    rc = dir ? write_prediction(dir, files[0], &r, &p, scenario, err) : CLI_OK;
    free(scenario);
    return rc;
}

/* The subcommands; `import-nccl-tests` is the collective model's importer
 * (cli/cmd_import_nccl.c), also reachable as a top-level command. */
static const struct {
    const char *name;
    cli_cmd_fn  fn;
} SUBCOMMANDS[] = {
    { "run", cal_run },
    { "fit", cal_fit },
    { "predict", cal_predict },
    { "import-nccl-tests", cli_cmd_import_nccl_tests },
};

#define NSUB (sizeof SUBCOMMANDS / sizeof SUBCOMMANDS[0])

int cli_cmd_calibrate(int argc, char **argv, FILE *out, FILE *err)
{
    char list[256] = "";
    for (size_t i = 0; i < NSUB; i++) {
        if (argc >= 2 && strcmp(argv[1], SUBCOMMANDS[i].name) == 0)
            return SUBCOMMANDS[i].fn(argc - 1, argv + 1, out, err);
        strncat(list, SUBCOMMANDS[i].name, sizeof list - strlen(list) - 1);
        if (i + 1 < NSUB)
            strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    fprintf(err, "slicesim calibrate: %s \"%s\"; allowed: %s\n",
            argc < 2 ? "missing subcommand" : "unknown subcommand", argc < 2 ? "" : argv[1], list);
    return CLI_BAD_INPUT;
}
