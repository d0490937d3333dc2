/* cmd_run.c -- `slicesim run SCENARIO [-o DIR] [--seed N] [--reps N] [--set PATH=VALUE]...
 * [--jobs N] [--trace FILE] [--trace-window-ms MS] [--plot]` */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/report.h"
#include "cli/reqout.h"
#include "cli/timeline.h"
#include "plots/charts.h"

#define TRACE_MAX_SEGMENTS 200000


typedef struct {
    cli_scn_opts c;
    const char *trace;          /* Chrome trace file, or NULL */
    double      window_ms;      /* timeline window after warm-up */
    int         plot;
    long        jobs;           /* replications in parallel */
} run_opts;

static const cli_opt RUN_OPTS[] = {
    { "--jobs", 1, "N", "replications run in parallel, 1 to 256 (default 1; the same output whatever N)" },
    { "--plot", 0, NULL, "draw the charts into DIR (needs -o)" },
    { "--trace", 1, "FILE", "write a Perfetto/Chrome trace of the timeline to FILE" },
    { "--trace-window-ms", 1, "MS", "how much of the run after warm-up the trace covers (default 50)" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec RUN_SPEC = {
    "run", "SCENARIO.json", "Run one scenario, every replication; print a table per tenant and per GPU.",
    RUN_OPTS, NULL,
};

static int run_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    run_opts *o = ctx;
    if (strcmp(a, "--jobs") == 0) {
        return cli_parse_long("--jobs", val, 1, 256, &o->jobs, err);
    } else if (strcmp(a, "--plot") == 0) {
        o->plot = 1;
    } else if (strcmp(a, "--trace") == 0) {
        o->trace = val;
    } else {
        char *end;
        o->window_ms = strtod(val, &end);
        if (*val == '\0' || *end != '\0' || !(o->window_ms > 0 && o->window_ms <= 1e7)) {
            fprintf(err, "slicesim run: --trace-window-ms: value \"%s\" is not allowed; allowed: a number of ms "
                    "in (0, 1e7]\n", val);
            return -1;
        }
    }
    return 0;
}

/* Returns 0, 1 when help was printed, -1 on bad options. */
static int parse_opts(int argc, char **argv, run_opts *o, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    cli_scn_opts_init(&o->c);
    o->window_ms = 50;
    o->jobs = 1;
    int r = cli_scn_parse(&RUN_SPEC, argc, argv, &o->c, run_opt, o, out, err);
    if (r != 0)
        return r;
    if (!o->c.scenario) {
        fprintf(err, "slicesim run: needs a scenario\n");
        cli_usage_hint(&RUN_SPEC, err);
        return -1;
    }
    if (o->plot && !o->c.outdir) {
        fprintf(err, "slicesim run: --plot needs -o DIR (the pictures and their data go there)\n");
        return -1;
    }
    return 0;
}

static int write_summary(const char *dir, const scn *sc, const model_result *res, FILE *err)
{
    char msg[512];
    outfile o;
    cJSON *doc = report_summary(sc, res);
    char *text = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    if (!text) {
        fprintf(err, "slicesim run: out of memory writing summary.json\n");
        return CLI_INTERNAL;
    }
    int rc = CLI_OK;
    if (outfile_open(&o, dir, "summary.json", msg, sizeof msg) < 0) {
        rc = CLI_INTERNAL;
    } else {
        fputs(text, o.f);
        fputc('\n', o.f);
        if (outfile_commit(&o, msg, sizeof msg) < 0)
            rc = CLI_INTERNAL;
    }
    if (rc != CLI_OK)
        fprintf(err, "slicesim run: %s\n", msg);
    free(text);
    return rc;
}

/* Open FILE (a path) as an atomic output before the simulation, so that an
 * unwritable place is bad input found before any work. */
static int open_trace(const char *path, outfile *o, FILE *err)
{
    char dir[4096], msg[512];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    if (outfile_open(o, dir, slash ? slash + 1 : path, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim run: --trace: %s\n", msg);
        return CLI_BAD_INPUT;
    }
    return CLI_OK;
}

static int write_trace(outfile *o, const timeline_rec *t, const scn *sc, FILE *err)
{
    char msg[512];
    timeline_write_chrome(o->f, t, sc);
    if (outfile_commit(o, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim run: --trace: %s\n", msg);
        return CLI_INTERNAL;
    }
    return CLI_OK;
}

/* A chart's result as an exit status: drawn, or gnuplot missing (its data
 * and scripts written, one message), is fine; anything else is a failure. */
static int chart_rc(int r)
{
    return r < 0 ? CLI_INTERNAL : CLI_OK;
}

/* mig_layout.dat (plots/charts.h): every instance of every GPU on its slots,
 * labelled with the tenants placed on it. */
static int write_mig_layout(const char *dir, const scn *sc, FILE *err)
{
    char msg[512];
    outfile o;
    const model_cfg *c = &sc->cfg;
    if (outfile_open(&o, dir, "mig_layout.dat", msg, sizeof msg) < 0) {
        fprintf(err, "slicesim run: %s\n", msg);
        return CLI_INTERNAL;
    }
    fprintf(o.f, "# MIG layout of %s (%s)\nslots %d\n", sc->name, c->gpu->name, c->mig->slots);
    for (int g = 0; g < c->ngpus; g++)
        for (int k = 0; k < c->ninst; k++) {
            fprintf(o.f, "%d %d %d %s", g, c->inst[k].start, c->inst[k].prof->mem_slices,
                    c->inst[k].prof->name);
            const char *sep = " ";
            for (size_t i = 0; i < c->ntenants; i++)
                if (c->tenants[i].gpu == g && c->tenants[i].instance == k) {
                    fprintf(o.f, "%s%s", sep, c->tenants[i].name);
                    sep = "+";
                }
            fputc('\n', o.f);
        }
    if (outfile_commit(&o, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim run: %s\n", msg);
        return CLI_INTERNAL;
    }
    return chart_rc(charts_mig_layout(dir, err));
}

static int write_plots(const char *dir, const timeline_rec *t, const scn *sc, FILE *err)
{
    char msg[512];
    outfile o;
    if (outfile_open(&o, dir, "timeline.csv", msg, sizeof msg) < 0) {
        fprintf(err, "slicesim run: %s\n", msg);
        return CLI_INTERNAL;
    }
    timeline_write_csv(o.f, t, sc);
    if (outfile_commit(&o, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim run: %s\n", msg);
        return CLI_INTERNAL;
    }
    int rc = chart_rc(charts_latency_cdf(dir, err));   /* without gnuplot: data written, one message */
    if (rc == CLI_OK && t->n > 0)
        rc = chart_rc(charts_timeline(dir, err));
    if (rc == CLI_OK && sc->cfg.mig)
        rc = write_mig_layout(dir, sc, err);
    return rc;
}

/* Where each measured request goes as it finishes: its requests.csv row
 * and, for replication 0, the trace's waits. */
typedef struct {
    reqout       *rows;
    timeline_rec *tl;
} run_sink;

static void sink_rec(void *ud, const tenant_rec *r)
{
    run_sink *k = ud;
    if (k->rows)
        reqout_add(k->rows, r);
    if (k->tl && r->rep == 0)
        timeline_note_request(k->tl, r);
}

static void sink_rep_done(void *ud, int rep)
{
    run_sink *k = ud;
    if (k->rows)
        reqout_rep_done(k->rows, rep);
}

int cli_cmd_run(int argc, char **argv, FILE *out, FILE *err)
{
    run_opts o;
    char msg[1024];
    scn *sc = NULL;
    model_result res;
    int pr = parse_opts(argc, argv, &o, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    int rc = scn_load(o.c.scenario, o.c.sets, o.c.nsets, &sc, msg, sizeof msg);
    if (rc != SCN_OK) {
        fprintf(err, "slicesim: %s\n", msg);
        return rc == SCN_BAD_INPUT ? CLI_BAD_INPUT : CLI_INTERNAL;
    }
    if (o.c.seed >= 0)
        sc->cfg.seed = (uint64_t)o.c.seed;
    if (o.c.reps > 0)
        sc->cfg.reps = (int)o.c.reps;
    /* every output place is checked before the simulation */
    outfile_set set;
    outfile trace_file;
    memset(&set, 0, sizeof set);
    if (o.c.outdir && outfile_set_begin(&set, o.c.outdir, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim run: -o %s\n", msg);
        scn_free(sc);
        return CLI_BAD_INPUT;
    }
    if (o.trace && open_trace(o.trace, &trace_file, err) != CLI_OK) {
        outfile_set_abort(&set);
        scn_free(sc);
        return CLI_BAD_INPUT;
    }
    int have_res = 0;
    timeline_rec tr;
    run_sink sink = { NULL, NULL };
    memset(&tr, 0, sizeof tr);
    if (o.trace || o.plot) {
        sim_time_t from = sc->cfg.warmup, len = (sim_time_t)(o.window_ms * 1e6);
        if (timeline_init(&tr, from, len > SIM_TIME_MAX - from ? SIM_TIME_MAX : from + len,
                       TRACE_MAX_SEGMENTS) < 0) {
            fprintf(err, "slicesim run: out of memory for the timeline\n");
            rc = CLI_INTERNAL;
            goto out;
        }
        sc->cfg.trace = timeline_observe;
        sc->cfg.counter = timeline_count;
        sc->cfg.trace_ud = &tr;
        sink.tl = &tr;
    }
    sc->cfg.jobs = (int)o.jobs;
    if (o.c.outdir && !(sink.rows = reqout_open(outfile_set_dir(&set), sc, (int)o.jobs, msg, sizeof msg))) {
        fprintf(err, "slicesim run: %s\n", msg);
        rc = CLI_INTERNAL;
        goto out;
    }
    if (sink.rows || sink.tl) {
        sc->cfg.on_rec = sink_rec;
        sc->cfg.on_rep_done = sink_rep_done;
        sc->cfg.rec_ud = &sink;
    }
    if (model_run(&sc->cfg, &res, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim run: %s\n", msg);
        rc = CLI_INTERNAL;
        goto out;
    }
    have_res = 1;
    report_table(out, sc, &res);
    fflush(out);
    report_warnings(err, sc, &res, "");
    rc = CLI_OK;
    if (o.c.outdir) {
        const char *dir = outfile_set_dir(&set);
        rc = write_summary(dir, sc, &res, err);
        if (rc == CLI_OK) {
            if (reqout_commit(sink.rows, msg, sizeof msg) < 0) {
                fprintf(err, "slicesim run: %s\n", msg);
                rc = CLI_INTERNAL;
            }
            sink.rows = NULL;
        }
        if (rc == CLI_OK && o.plot)
            rc = write_plots(dir, &tr, sc, err);
    }
    if (rc == CLI_OK && o.trace) {
        rc = write_trace(&trace_file, &tr, sc, err);
        o.trace = NULL;
    }
    if (rc == CLI_OK && o.c.outdir) {
        char hash[32];
        cJSON *id = outfile_identity(sc->name, scn_hash(sc, hash, sizeof hash), (double)sc->cfg.seed,
                                     (double)sc->cfg.reps);
        if (!id || outfile_set_commit(&set, "run", id, msg, sizeof msg) < 0) {
            fprintf(err, "slicesim run: %s\n", id ? msg : "out of memory");
            rc = CLI_INTERNAL;
        }
        cJSON_Delete(id);
    }
out:
    if (sink.rows)
        reqout_abort(sink.rows);
    if (o.trace)
        outfile_abort(&trace_file);
    outfile_set_abort(&set);
    timeline_free(&tr);
    if (have_res)
        model_result_free(&res);
    scn_free(sc);
    return rc;
}
