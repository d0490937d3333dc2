/* cmd_import_nccl.c -- `slicesim import-nccl-tests LOG [-o DIR] ...`: read
 * nccl-tests output, fit a per-platform correction of the collective model
 * and write it for `slicesim collective --correction` (docs/collectives.md).
 *
 * The platform comes from the options, else from slicesim's platform line
 * in the log, else from the "# Rank" lines (GPU name, hosts). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "calibration/nccltests.h"
#include "scenarios/jv.h"
#include "scenarios/netcfg.h"
#include "scenarios/textfile.h"

typedef struct {
    const char *log, *outdir, *topo, *gpu, *op, *virt, *algo, *proto;
    long nodes, ppn;
    int  in_place;
} imp_opts;

static const cli_opt IMP_OPTS[] = {
    { "-o,--out", 1, "DIR", "write the correction (nccl_correction.json) into DIR" },
    { "--topo", 1, "T", "the server preset the log was measured on" },
    { "--gpu", 1, "G", "the GPU preset (its default server)" },
    { "--nodes", 1, "N", "nodes in the run, 1 to 65536 (default: from the log)" },
    { "--gpus-per-node", 1, "P", "GPUs per node, 1 to 72 (default: from the log)" },
    { "--op", 1, "OP", "the collective (default: from the log's test name)" },
    { "--virt", 1, "MODE", "the virtualization of the measured nodes" },
    { "--in-place", 0, NULL, "fit the in-place columns instead of the out-of-place ones" },
    { "--algo", 1, "A", "the NCCL_ALGO the run had (default: the log's \"NCCL_ALGO set by environment\" line)" },
    { "--proto", 1, "P", "the NCCL_PROTO the run had (default: the log's line)" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec IMP_SPEC = {
    "import-nccl-tests", "LOG", "Read an nccl-tests log and fit a correction of the collective model.",
    IMP_OPTS, NULL,
};

static int imp_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    imp_opts *o = ctx;
    if (strcmp(a, "--out") == 0)
        o->outdir = val;
    else if (strcmp(a, "--topo") == 0)
        o->topo = val;
    else if (strcmp(a, "--gpu") == 0)
        o->gpu = val;
    else if (strcmp(a, "--op") == 0)
        o->op = val;
    else if (strcmp(a, "--virt") == 0)
        o->virt = val;
    else if (strcmp(a, "--algo") == 0)
        o->algo = val;
    else if (strcmp(a, "--proto") == 0)
        o->proto = val;
    else if (strcmp(a, "--nodes") == 0)
        return cli_parse_long(a, val, 1, 65536, &o->nodes, err);
    else if (strcmp(a, "--gpus-per-node") == 0)
        return cli_parse_long(a, val, 1, 72, &o->ppn, err);
    else
        o->in_place = 1;
    return 0;
}

static int imp_arg(void *ctx, int n, const char *arg, FILE *err)
{
    imp_opts *o = ctx;
    if (n > 0) {
        fprintf(err, "slicesim import-nccl-tests: more than one log (\"%s\")\n", arg);
        return -1;
    }
    o->log = arg;
    return 0;
}

/* Returns 0, 1 after --help, -1 on bad options. */
static int parse_opts(int argc, char **argv, imp_opts *o, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    o->nodes = o->ppn = -1;
    int r = cli_parse(&IMP_SPEC, argc, argv, imp_opt, imp_arg, o, out, err);
    if (r != 0)
        return r;
    if (!o->log) {
        fprintf(err, "usage: slicesim import-nccl-tests LOG [-o DIR] [--topo T | --gpu G] [--nodes N] "
                "[--gpus-per-node P] [--op OP] [--virt V] [--in-place]\n");
        return -1;
    }
    return 0;
}

static int read_log(const char *file, nccltests_log *log, FILE *err)
{
    char msg[1024];
    FILE *f = textfile_open(file, NCCLTESTS_MAX_BYTES, NULL, msg, sizeof msg);
    if (!f) {
        fprintf(err, "slicesim import-nccl-tests: %s\n", msg);
        return -1;
    }
    int rc = nccltests_parse(f, file, log, msg, sizeof msg);
    fclose(f);
    if (rc < 0)
        fprintf(err, "slicesim import-nccl-tests: %s\n", msg);
    return rc;
}

/* The server preset: --topo, --gpu, the log's platform line, its GPU name. */
static const topo_preset *pick_preset(const imp_opts *o, const nccltests_log *log,
                                      topo_preset *generic, FILE *err)
{
    const char *name = o->topo ? o->topo : o->gpu ? o->gpu : log->topo[0] ? log->topo
                     : nccltests_gpu_preset(log->gpu_name);
    if (!name) {
        fprintf(err, "slicesim import-nccl-tests: %s: the log names no known GPU (\"%s\"); give --topo or --gpu\n",
                o->log, log->gpu_name);
        return NULL;
    }
    const topo_preset *p = topo_preset_find(name);
    const gpu_spec *g = p ? NULL : gpu_spec_find(name);
    if (!p && g)
        p = topo_preset_for_gpu(g->name);
    if (!p && g)
        p = topo_generic_pcie(g, generic);
    if (!p)
        fprintf(err, "slicesim import-nccl-tests: unknown topology or GPU preset \"%s\"\n", name);
    return p;
}

/* The NCCL_ALGO / NCCL_PROTO the run had: the options, else the log's
 * INFO lines; the fit then models the pairs they leave. */
static const char *run_algo(const imp_opts *o, const nccltests_log *log)
{
    return o->algo ? o->algo : log->env_algo[0] ? log->env_algo : NULL;
}

static const char *run_proto(const imp_opts *o, const nccltests_log *log)
{
    return o->proto ? o->proto : log->env_proto[0] ? log->env_proto : NULL;
}

static int run_lists(const imp_opts *o, const nccltests_log *log, coll_sel *sel, FILE *err)
{
    char msg[400];
    const char *a = run_algo(o, log), *p = run_proto(o, log);
    if (a && coll_sel_parse_algos(sel, a, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim import-nccl-tests: %s \"%s\": %s\n", o->algo ? "--algo" : "the log's NCCL_ALGO", a, msg);
        return -1;
    }
    if (p && coll_sel_parse_protos(sel, p, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim import-nccl-tests: %s \"%s\": %s\n", o->proto ? "--proto" : "the log's NCCL_PROTO", p,
                msg);
        return -1;
    }
    return 0;
}

static int build_topo(const imp_opts *o, const nccltests_log *log, topo *t, topo_preset *generic, FILE *err)
{
    char msg[512];
    const topo_preset *p = pick_preset(o, log, generic, err);
    if (!p)
        return -1;
    int virt = topo_virt_parse(o->virt ? o->virt : log->virt[0] ? log->virt : "bare_metal");
    if (virt < 0) {
        fprintf(err, "slicesim import-nccl-tests: --virt \"%s\" is not a virtualization mode\n", o->virt);
        return -1;
    }
    int nodes = o->nodes > 0 ? (int)o->nodes : log->plat_nodes > 0 ? log->plat_nodes
              : log->nodes > 0 ? log->nodes : 1;
    int ppn = o->ppn > 0 ? (int)o->ppn : log->plat_ppn > 0 ? log->plat_ppn
            : log->ranks > 0 ? log->ranks / nodes : p->gpus_per_node;
    topo_overrides ov = topo_overrides_none();
    if (run_lists(o, log, &ov.sel, err) < 0)
        return -1;
    if (log->nccl_version[0]) {
        ov.nccl_version = coll_nccl_version_parse(log->nccl_version);
        if (ov.nccl_version < 0)
            fprintf(err, "slicesim import-nccl-tests: warning: %s: NCCL %s is outside the releases the model "
                    "holds (2.18.1 to 2.30.7); using 2.30.7's constants\n", o->log, log->nccl_version);
    }
    if (topo_build(t, p, nodes, ppn, (topo_virt)virt, &ov, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim import-nccl-tests: %s\n", msg);
        return -1;
    }
    return 0;
}

static cJSON *correction_doc(const imp_opts *o, const nccltests_log *log, const topo *t, coll_op op,
                             const coll_corr *c, const nccltests_fit_report *rep)
{
    cJSON *d = cJSON_CreateObject(), *plat = cJSON_CreateObject(), *fit = cJSON_CreateObject();
    cJSON *pts = cJSON_CreateArray();
    if (!d || !plat || !fit || !pts) {
        cJSON_Delete(d), cJSON_Delete(plat), cJSON_Delete(fit), cJSON_Delete(pts);
        return NULL;
    }
    cJSON_AddStringToObject(d, "kind", "slicesim-nccl-correction");
    cJSON_AddStringToObject(d, "source", o->log);
    cJSON_AddStringToObject(plat, "topology", t->preset->name);
    cJSON_AddStringToObject(plat, "gpu", t->gpu->name);
    cJSON_AddNumberToObject(plat, "nodes", t->nodes);
    cJSON_AddNumberToObject(plat, "gpus_per_node", t->ppn);
    cJSON_AddStringToObject(plat, "virtualization", topo_virt_at(t->virt)->name);
    cJSON_AddStringToObject(plat, "op", coll_op_name(op));
    cJSON_AddStringToObject(plat, "column", o->in_place ? "in-place" : "out-of-place");
    char ver[16];
    snprintf(ver, sizeof ver, "%d.%d.%d", t->nccl_version / 10000, t->nccl_version / 100 % 100,
             t->nccl_version % 100);
    cJSON_AddStringToObject(plat, "nccl_version", ver);
    if (run_algo(o, log))
        cJSON_AddStringToObject(plat, "nccl_algo", run_algo(o, log));
    if (run_proto(o, log))
        cJSON_AddStringToObject(plat, "nccl_proto", run_proto(o, log));
    cJSON_AddItemToObject(d, "platform", plat);
    cJSON_AddNumberToObject(d, "latency_scale", c->lat_scale);
    for (int i = 0; i < c->n; i++) {
        cJSON *p = cJSON_CreateObject();
        if (!p)
            break;
        cJSON_AddNumberToObject(p, "size_bytes", round(exp2(c->log2_size[i])));
        cJSON_AddNumberToObject(p, "eff", c->eff[i]);
        cJSON_AddItemToArray(pts, p);
    }
    cJSON_AddItemToObject(d, "bw_efficiency", pts);
    cJSON_AddNumberToObject(fit, "latency_rows", rep->lat_rows);
    cJSON_AddNumberToObject(fit, "bandwidth_rows", rep->bw_rows);
    cJSON_AddNumberToObject(fit, "rms_rel_err", rep->rms_rel_err);
    cJSON_AddNumberToObject(fit, "max_rel_err", rep->max_rel_err);
    cJSON_AddNumberToObject(fit, "max_rel_err_size_bytes", rep->max_err_size);
    cJSON_AddItemToObject(d, "fit", fit);
    return d;
}

/* The correction as its reader will see it: the printed text parsed back
 * and checked by netcfg_corr_from_json, the loader of `collective
 * --correction` and of scenarios. CLI_OK, or CLI_BAD_INPUT with the
 * loader's reason: a writer never writes what its reader refuses. */
static int check_readable(const char *log, const char *text, FILE *err)
{
    char msg[1024], name[1200];
    coll_corr c;
    snprintf(name, sizeof name, "the correction fitted from %s", log);
    cJSON *back = jv_parse(text, name, msg, sizeof msg);
    int ok = back && netcfg_corr_from_json(back, name, &c, msg, sizeof msg) == 0;
    cJSON_Delete(back);
    if (ok)
        return CLI_OK;
    fprintf(err, "slicesim import-nccl-tests: %s; nothing written (the log does not fit this platform's "
            "model: check --topo/--gpu, --nodes, --gpus-per-node and --op)\n", msg);
    return CLI_BAD_INPUT;
}

static int write_json(const char *dir, const char *name, const char *text, FILE *err)
{
    char msg[512];
    outfile of;
    int rc = CLI_OK;
    if (outfile_open(&of, dir, name, msg, sizeof msg) < 0) {
        rc = CLI_INTERNAL;
    } else {
        fprintf(of.f, "%s\n", text);
        if (outfile_commit(&of, msg, sizeof msg) < 0)
            rc = CLI_INTERNAL;
    }
    if (rc != CLI_OK)
        fprintf(err, "slicesim import-nccl-tests: %s\n", msg);
    return rc;
}

static int write_csv(const char *dir, const char *name, const nccltests_fit_report *rep, FILE *err)
{
    char msg[512];
    outfile of;
    if (outfile_open(&of, dir, name, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim import-nccl-tests: %s\n", msg);
        return CLI_INTERNAL;
    }
    fprintf(of.f, "size_bytes,measured_us,model_us,corrected_us,measured_busbw_gbs,model_busbw_gbs,eff\n");
    for (size_t i = 0; i < rep->n; i++) {
        const nccltests_point *p = &rep->pts[i];
        fprintf(of.f, "%.0f,%.6g,%.6g,%.6g,%.6g,%.6g,", p->size, p->measured_us, p->model_us,
                p->corrected_us, p->measured_busbw, p->model_busbw);
        if (!isnan(p->eff))                 /* empty: the row fixed no efficiency */
            fprintf(of.f, "%.6g", p->eff);
        fputc('\n', of.f);
    }
    if (outfile_commit(&of, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim import-nccl-tests: %s\n", msg);
        return CLI_INTERNAL;
    }
    return CLI_OK;
}

static void print_fit(FILE *out, const imp_opts *o, const nccltests_log *log, const topo *t, coll_op op,
                      const coll_corr *c, const nccltests_fit_report *rep)
{
    fprintf(out, "# %s: %s, %zu rows, %s column, platform %s %d x %d GPUs (%s)\n", o->log,
            coll_op_perf_name(op), log->n, o->in_place ? "in-place" : "out-of-place",
            t->preset->name, t->nodes, t->ppn, topo_virt_at(t->virt)->name);
    if (run_algo(o, log) || run_proto(o, log))
        fprintf(out, "# the run's lists: NCCL_ALGO %s, NCCL_PROTO %s (the model picks within them)\n",
                run_algo(o, log) ? run_algo(o, log) : "unset", run_proto(o, log) ? run_proto(o, log) : "unset");
    fprintf(out, "# latency: the model's start-up and syncs x %.4g (from %d rows)\n", c->lat_scale, rep->lat_rows);
    fprintf(out, "# bandwidth efficiency at %d sizes; corrected model vs log: rms %.2f%%, max %.2f%%\n",
            rep->bw_rows, 100 * rep->rms_rel_err, 100 * rep->max_rel_err);
    fprintf(out, "%14s %12s %12s %12s %12s %12s %8s\n", "size(B)", "measured_us", "model_us",
            "corrected_us", "meas_busbw", "model_busbw", "eff");
    for (size_t i = 0; i < rep->n; i++) {
        const nccltests_point *p = &rep->pts[i];
        fprintf(out, "%14.0f %12.2f %12.2f %12.2f %12.2f %12.2f %8.3f\n", p->size, p->measured_us,
                p->model_us, p->corrected_us, p->measured_busbw, p->model_busbw, p->eff);
    }
}

/* A correction whose corrected model still misses its own log by more
 * than this warns (docs/collectives.md §4). */
#define IMP_RESIDUAL_WARN 0.10

/* suffix: "" for the log's only test, else "_OP" so that each test of a
 * log gets its own files. */
static int fit_and_write(const imp_opts *o, const nccltests_log *log, const topo *t, coll_op op,
                         const char *suffix, FILE *out, FILE *err)
{
    char msg[512];
    coll_corr c;
    nccltests_fit_report rep;
    if (nccltests_fit(log, t, op, o->in_place, &c, &rep, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim import-nccl-tests: %s: %s\n", o->log, msg);
        free(rep.pts);
        return CLI_BAD_INPUT;
    }
    print_fit(out, o, log, t, op, &c, &rep);
    char sz[32];
    if (rep.max_rel_err > IMP_RESIDUAL_WARN)
        fprintf(err, "slicesim import-nccl-tests: warning: %s: %s: the corrected model still misses the log by "
                "up to %.1f%% at %.0f bytes (%s; rms %.1f%%); the correction does not capture this platform well\n",
                o->log, coll_op_perf_name(op), 100 * rep.max_rel_err, rep.max_err_size,
                coll_size_text(rep.max_err_size, sz, sizeof sz), 100 * rep.rms_rel_err);
    char jname[64], cname[64];
    snprintf(jname, sizeof jname, "nccl_correction%s.json", suffix);
    snprintf(cname, sizeof cname, "nccl_fit%s.csv", suffix);
    cJSON *doc = correction_doc(o, log, t, op, &c, &rep);
    char *text = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    int rc = text ? check_readable(o->log, text, err) : CLI_INTERNAL;
    if (!text)
        fprintf(err, "slicesim import-nccl-tests: out of memory\n");
    if (rc == CLI_OK && o->outdir) {
        rc = write_json(o->outdir, jname, text, err);
        if (rc == CLI_OK)
            rc = write_csv(o->outdir, cname, &rep, err);
    }
    free(text);
    free(rep.pts);
    return rc;
}

/* A log of several tests where one names no collective (nccl-tests before
 * 2.17 print no test name): which op its rows are is unknown. 0, or
 * CLI_BAD_INPUT naming the test. */
static int all_named(const imp_opts *o, const nccltests_log *log, FILE *err)
{
    for (int k = 0; k < log->ntests; k++)
        if (log->tests[k].n > 0 && log->tests[k].name[0] == '\0') {
            fprintf(err, "slicesim import-nccl-tests: %s: line %d: test %d of %d names no collective (no \"# "
                    "Collective test starting:\" line: nccl-tests before 2.17); allowed: one test per log "
                    "without a name, with --op, or every test named\n", o->log, log->tests[k].line, k + 1,
                    log->ntests);
            return CLI_BAD_INPUT;
        }
    return CLI_OK;
}

/* "_allreduce" for the first all-reduce test of the log, "_allreduce_2"
 * for its second, ... */
static void test_suffix(const nccltests_log *log, int k, char *buf, size_t len)
{
    int same = 0;
    for (int j = 0; j < k; j++)
        same += log->tests[j].op == log->tests[k].op;
    if (same == 0)
        snprintf(buf, len, "_%s", coll_op_name((coll_op)log->tests[k].op));
    else
        snprintf(buf, len, "_%s_%d", coll_op_name((coll_op)log->tests[k].op), same + 1);
}

/* The fits this run writes: a log of one test, that test (op); a log of
 * several, the one --op names or each in turn, its files suffixed by its
 * collective (and its rank among the tests of that collective). Tests
 * slicesim does not model (scatter_perf, ...) are skipped, saying so. */
static int fit_tests(const imp_opts *o, const nccltests_log *log, int op, const topo *t, FILE *out, FILE *err)
{
    if (log->ntests <= 1)
        return fit_and_write(o, log, t, (coll_op)op, "", out, err);
    int k = o->op ? nccltests_find(log, op) : 0, rc = o->op ? CLI_OK : all_named(o, log, err), fitted = 0;
    if (o->op && k < 0) {
        int unnamed = 0;
        for (int j = 0; j < log->ntests; j++)
            unnamed += log->tests[j].n > 0 && log->tests[j].name[0] == '\0';
        fprintf(err, "slicesim import-nccl-tests: %s: --op %s: the log holds no %s test", o->log, o->op,
                coll_op_perf_name((coll_op)op));
        if (unnamed > 0)
            fprintf(err, ", and %d of its %d tests name no collective (nccl-tests before 2.17), so --op cannot "
                    "say which; allowed: one test per log without a name", unnamed, log->ntests);
        fputc('\n', err);
        return CLI_BAD_INPUT;
    }
    for (; k < log->ntests && rc == CLI_OK; k++) {
        nccltests_log one;
        nccltests_select(log, k, &one);
        if (one.op < 0 || one.n == 0) {
            fprintf(err, "slicesim import-nccl-tests: %s: line %d: skipped test %s: %s\n", o->log,
                    log->tests[k].line, log->tests[k].name[0] ? log->tests[k].name : "without a name",
                    one.n == 0 ? "it has no rows" : "not a collective slicesim models");
            continue;
        }
        char suffix[64];
        test_suffix(log, k, suffix, sizeof suffix);
        rc = fit_and_write(o, &one, t, (coll_op)one.op, o->op ? "" : suffix, out, err);
        fitted++;
        if (o->op)
            break;
    }
    if (rc == CLI_OK && fitted == 0) {
        fprintf(err, "slicesim import-nccl-tests: %s: no test of the log is a collective slicesim models; "
                "allowed: all_reduce_perf, all_gather_perf, reduce_scatter_perf, broadcast_perf, reduce_perf, "
                "alltoall_perf, sendrecv_perf\n", o->log);
        rc = CLI_BAD_INPUT;
    }
    return rc;
}

/* The op of a log of one test: --op, else its name; -1 with the reason. */
static int log_op(const imp_opts *o, const nccltests_log *log, FILE *err)
{
    int op = o->op ? coll_op_parse(o->op) : log->op;
    const char *name = log->ntests > 0 ? log->tests[0].name : "";
    if (op >= 0)
        return op;
    if (o->op)
        fprintf(err, "slicesim import-nccl-tests: %s: --op \"%s\" names no collective", o->log, o->op);
    else if (name[0] && log->ntests == 1)
        fprintf(err, "slicesim import-nccl-tests: %s: line %d: test %s is not a collective slicesim models",
                o->log, log->tests[0].line, name);
    else if (log->ntests <= 1)
        fprintf(err, "slicesim import-nccl-tests: %s: the log does not name its test; give --op", o->log);
    else
        return 0;                     /* several tests: each says its own (fit_tests) */
    fprintf(err, "; allowed: allreduce, allgather, reducescatter, broadcast, reduce, alltoall, sendrecv\n");
    return -1;
}

int cli_cmd_import_nccl_tests(int argc, char **argv, FILE *out, FILE *err)
{
    imp_opts o;
    nccltests_log log;
    topo_preset generic;
    topo t;
    int pr = parse_opts(argc, argv, &o, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    if (read_log(o.log, &log, err) < 0)
        return CLI_BAD_INPUT;
    int rc = CLI_OK;
    if (log.chatter > 0)
        fprintf(err, "slicesim import-nccl-tests: %s: skipped %d line%s that %s neither results nor comments "
                "(launcher output)\n", o.log, log.chatter, log.chatter == 1 ? "" : "s",
                log.chatter == 1 ? "is" : "are");
    if (log.wrong_rows > 0)
        fprintf(err, "slicesim import-nccl-tests: warning: %s: line %d: %d row%s report%s wrong elements "
                "(#wrong above 0): that run computed wrong results; its times are fitted as they are\n", o.log,
                log.wrong_line, log.wrong_rows, log.wrong_rows == 1 ? "" : "s", log.wrong_rows == 1 ? "s" : "");
    int op = log_op(&o, &log, err);
    if (op < 0) {
        nccltests_free(&log);
        return CLI_BAD_INPUT;
    }
    if (build_topo(&o, &log, &t, &generic, err) < 0) {
        nccltests_free(&log);
        return CLI_BAD_INPUT;
    }
    outfile_set set;
    char msg[1024];
    const char *dir = o.outdir;
    memset(&set, 0, sizeof set);
    if (dir && outfile_set_begin(&set, dir, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim import-nccl-tests: -o %s\n", msg);
        nccltests_free(&log);
        return CLI_BAD_INPUT;
    }
    if (dir)
        o.outdir = outfile_set_dir(&set);      /* every file to the staging folder, one set */
    rc = fit_tests(&o, &log, op, &t, out, err);
    if (rc == CLI_OK && dir && outfile_set_commit(&set, "import-nccl-tests", NULL, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim import-nccl-tests: %s\n", msg);
        rc = CLI_INTERNAL;
    }
    outfile_set_abort(&set);
    nccltests_free(&log);
    return rc;
}
