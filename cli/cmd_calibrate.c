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
#include "calibration/contention.h"
#include "calibration/throughput.h"
#include "cli/outfile.h"
#include "scenarios/jv.h"
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
    /* the profile as `run` will read it: printed, parsed back, checked by
     * the profile loader; what it refuses is not written */
    if (text) {
        char name[1200];
        prof p;
        snprintf(name, sizeof name, "the profile fitted from %s", raw_path);
        cJSON *back = jv_parse(text, name, msg, sizeof msg);
        int ok = back && prof_parse(back, name, &p, msg, sizeof msg) == 0;
        cJSON_Delete(back);
        if (!ok) {
            fprintf(err, "slicesim calibrate fit: %s; nothing written (do the measurements come from "
                    "this GPU? check --gpu)\n", msg);
            free(text);
            cJSON_Delete(doc);
            return CLI_BAD_INPUT;
        }
    }
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

/* The calibrate subcommands' options are all strings: each lands in the
 * slot named by its position in the table; positionals fill files[]. */
typedef struct {
    const cli_opt *opts;
    const char   **slot;           /* one per option */
    const char    *files[2];
    int            nfiles, maxfiles;
    const char    *cmd;
} cal_args;

static int cal_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    cal_args *c = ctx;
    (void)err;
    for (int i = 0; c->opts[i].name; i++) {
        const char *n = c->opts[i].name, *comma = strchr(n, ',');
        if (strcmp(comma ? comma + 1 : n, a) == 0)
            c->slot[i] = val;
    }
    return 0;
}

static int cal_arg(void *ctx, int n, const char *arg, FILE *err)
{
    cal_args *c = ctx;
    (void)n;
    if (c->nfiles == c->maxfiles) {
        fprintf(err, "slicesim %s: unexpected argument \"%s\"; see slicesim %s --help\n", c->cmd, arg, c->cmd);
        return -1;
    }
    c->files[c->nfiles++] = arg;
    return 0;
}

/* Returns 0, 1 after --help, -1 on a bad option. */
static int cal_parse(const cli_spec *spec, const char **slot, int maxfiles, cal_args *c,
                     int argc, char **argv, FILE *out, FILE *err)
{
    memset(c, 0, sizeof *c);
    c->opts = spec->opts;
    c->slot = slot;
    c->maxfiles = maxfiles;
    c->cmd = spec->cmd;
    return cli_parse(spec, argc, argv, cal_opt, maxfiles ? cal_arg : NULL, c, out, err);
}

static const cli_opt FIT_OPTS[] = {
    { "-o,--out", 1, "PROFILE.json", "write the fitted profile there (default: stdout)" },
    { "--gpu", 1, "PRESET", "the GPU preset the raw measurements are checked against" },
    { NULL, 0, NULL, NULL },
};
static const cli_spec FIT_SPEC = {
    "calibrate fit", "RAW.json", "Fit a GPU profile to the microbenchmarks' raw measurements.", FIT_OPTS, NULL,
};

static const cli_opt CALRUN_OPTS[] = {
    { "-o,--out", 1, "DIR", "where raw.json and profile.json go (default calibration-run)" },
    { "--bin", 1, "PATH", "the microbenchmark program (default: built by make calib)" },
    { "--budget-s", 1, "N", "the longest it may run, 10 to 600 s (default 240)" },
    { "--gpu", 1, "PRESET", "the GPU preset the fit is checked against" },
    { NULL, 0, NULL, NULL },
};
static const cli_spec CALRUN_SPEC = {
    "calibrate run", NULL, "Run the CUDA microbenchmarks on this machine's GPU and fit a profile.",
    CALRUN_OPTS, NULL,
};

static const cli_opt PRED_OPTS[] = {
    { "-o,--out", 1, "DIR", "write prediction.csv and a scenario.json replaying the run into DIR" },
    { "--reps", 1, "N", "replications, 1 to 1000 (default 20)" },
    { NULL, 0, NULL, NULL },
};
static const cli_spec PRED_SPEC = {
    "calibrate predict", "CONTENTION.json PROFILE.json",
    "A measured contention run against what the profile predicts for it.", PRED_OPTS, NULL,
};

static int cal_fit(int argc, char **argv, FILE *out, FILE *err)
{
    const char *slot[2] = { NULL, NULL };
    cal_args c;
    int pr = cal_parse(&FIT_SPEC, slot, 1, &c, argc, argv, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    const char *raw = c.files[0], *dst = slot[0], *gpu = slot[1];
    if (!raw) {
        fprintf(err, "slicesim calibrate fit: needs RAW.json\n");
        cli_usage_hint(&FIT_SPEC, err);
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
    const char *slot[4] = { NULL, NULL, NULL, NULL };
    cal_args c;
    int pr = cal_parse(&CALRUN_SPEC, slot, 0, &c, argc, argv, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    dir = slot[0] ? slot[0] : dir;
    bin = slot[1] ? slot[1] : bin;
    budget_text = slot[2] ? slot[2] : budget_text;
    gpu = slot[3];
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
        fprintf(err, "slicesim calibrate run: -o %s: cannot create or write the directory: %s\n", dir, strerror(errno));
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
    const char *slot[2] = { NULL, NULL };
    char msg[1024];
    long reps;
    cal_args c;
    int pr = cal_parse(&PRED_SPEC, slot, 2, &c, argc, argv, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    const char *dir = slot[0], *reps_text = slot[1] ? slot[1] : "20", *const *files = c.files;
    if (c.nfiles != 2) {
        fprintf(err, "slicesim calibrate predict: needs CONTENTION.json and PROFILE.json\n");
        cli_usage_hint(&PRED_SPEC, err);
        return CLI_BAD_INPUT;
    }
    if (cli_parse_long("--reps", reps_text, 1, 1000, &reps, err) < 0)
        return CLI_BAD_INPUT;
    cont_run r;
    cont_pred p;
    char *scenario = NULL;
    int rc = cont_read(files[0], &r, msg, sizeof msg);
    if (rc == 0 && dir && outfile_mkdirs(dir) < 0) {
        fprintf(err, "slicesim calibrate predict: -o %s: cannot create or write the directory: %s\n", dir,
                strerror(errno));
        return CLI_BAD_INPUT;
    }
    if (rc == 0)
        rc = cont_predict(&r, files[1], reps, dir, &p, &scenario, msg, sizeof msg);
    if (rc != 0) {
        fprintf(err, "slicesim calibrate predict: %s\n", msg);
        return rc;
    }
    print_comparison(out, NULL, files[0], &r, &p);
    rc = dir ? write_prediction(dir, files[0], &r, &p, scenario, err) : CLI_OK;
    free(scenario);
    return rc;
}

static const cli_opt TPUT_OPTS[] = {
    { "-o,--out", 1, "FILE.csv", "also write the table there (RFC 4180, one row per run)" },
    { NULL, 0, NULL, NULL },
};
static const cli_spec TPUT_SPEC = {
    "calibrate throughput", "PROFILE.json DIR",
    "The throughput probe's runs in DIR (throughput_*.json: N busy processes, time-sliced or under MPS, "
    "against one alone) against what the profile predicts; the switch cost each time-sliced run implies.",
    TPUT_OPTS, NULL,
};

#define TPUT_MAX_ROWS 256

static int cal_throughput(int argc, char **argv, FILE *out, FILE *err)
{
    const char *slot[1] = { NULL };
    cal_args c;
    char msg[1024];
    int pr = cal_parse(&TPUT_SPEC, slot, 2, &c, argc, argv, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    if (c.nfiles != 2) {
        fprintf(err, "slicesim calibrate throughput: needs PROFILE.json and DIR\n");
        cli_usage_hint(&TPUT_SPEC, err);
        return CLI_BAD_INPUT;
    }
    static tput_row rows[TPUT_MAX_ROWS];
    int n = tput_dir(c.files[1], c.files[0], rows, TPUT_MAX_ROWS, msg, sizeof msg);
    if (n < 0) {
        fprintf(err, "slicesim calibrate throughput: %s\n", msg);
        return CLI_BAD_INPUT;
    }
    /* -o FILE: written under a temporary name, renamed when whole */
    outfile of;
    FILE *csv = NULL;
    if (slot[0]) {
        char d[4096];
        const char *slash = strrchr(slot[0], '/');
        snprintf(d, sizeof d, "%.*s", slash ? (int)(slash - slot[0]) : 1, slash ? slot[0] : ".");
        if (slash == slot[0])
            snprintf(d, sizeof d, "/");
        if (outfile_open(&of, d, slash ? slash + 1 : slot[0], msg, sizeof msg) < 0) {
            fprintf(err, "slicesim calibrate throughput: -o %s\n", msg);
            return CLI_BAD_INPUT;
        }
        csv = of.f;
    }
    if (csv)
        fprintf(csv, "file,run,procs,measured_per_s,predicted_per_s,rel_error,alone_per_s,implied_switch_us\n");
    fprintf(out, "%-40s %-22s %12s %12s %9s %12s\n", "file", "run", "measured/s", "predicted/s", "error",
            "switch us");
    for (int i = 0; i < n; i++) {
        const tput_row *r = &rows[i];
        double e = (r->predicted_per_s - r->measured_per_s) / r->measured_per_s;
        fprintf(out, "%-40s %-22s %12.5g %12.5g %+8.2f%% %12.4g\n", r->file, r->label, r->measured_per_s,
                r->predicted_per_s, 100 * e, r->implied_switch_us);
        if (csv)
            fprintf(csv, "%s,%s,%d,%.9g,%.9g,%.9g,%.9g,%.9g\n", r->file, r->label, r->procs, r->measured_per_s,
                    r->predicted_per_s, e, r->alone_per_s, r->implied_switch_us);
    }
    if (n == 0)
        fprintf(out, "(no throughput_*.json in %s)\n", c.files[1]);
    if (csv && outfile_commit(&of, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim calibrate throughput: %s\n", msg);
        return CLI_INTERNAL;
    }
    return CLI_OK;
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
    { "throughput", cal_throughput },
    { "import-nccl-tests", cli_cmd_import_nccl_tests },
};

#define NSUB (sizeof SUBCOMMANDS / sizeof SUBCOMMANDS[0])

int cli_cmd_calibrate(int argc, char **argv, FILE *out, FILE *err)
{
    char list[256] = "";
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fprintf(out, "usage: slicesim calibrate SUBCOMMAND [options]\nsubcommands (each takes --help):\n");
        for (size_t i = 0; i < NSUB; i++)
            fprintf(out, "  %s\n", SUBCOMMANDS[i].name);
        return CLI_OK;
    }
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
