/* cmd_scale.c -- `slicesim scale SCENARIO --nodes 1,2,4,...,1024 [--tenant NAME]
 * [-o DIR] [--plot] [--seed N] [--reps N] [--set PATH=VALUE]...`: the scaling
 * curve of a training tenant (docs/training.md).
 *
 * Each point loads the scenario with hardware.nodes set to N (after the
 * user's --set), so the data-parallel ranks are N x hardware.gpus; the
 * training workload simulates one rank and draws the others' delays from
 * the collective model, so 1,024 nodes cost no more events than one.
 * Scaling efficiency at N = mean step time at the first point / mean step
 * time at N: at a fixed per-GPU batch it is also the ratio of samples/s per
 * GPU. Invariants: nothing is written until every point ran; the CSV goes
 * through outfile (temporary name, then rename). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/flags.h"
#include "cli/report.h"
#include "cli/table.h"
#include "models/training.h"
#include "plots/charts.h"

#define MAX_POINTS 64

typedef struct {
    cli_scn_opts c;             /* scenario, -o, --seed, --reps, --set */
    const char  *tenant;
    long         nodes[MAX_POINTS];
    int          npoints;
    int          plot;
} scale_opts;

typedef struct {
    long        nodes, gpus;
    report_stat p50, p95, mean, exposed, tput;
    double      eff;
    flags       fl;             /* the point's warnings and marks */
    int         ti;             /* the tenant scaled */
    char        label[32];
    int         acc[ACC_MAX_FAMILIES];   /* the families its figures rest on (acc_index) */
} scale_point;

static int parse_nodes(scale_opts *o, const char *list, FILE *err)
{
    char buf[1024];
    if (!list || strlen(list) >= sizeof buf) {
        fprintf(err, "slicesim scale: --nodes needs a list such as 1,2,4,8\n");
        return -1;
    }
    strcpy(buf, list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long n;
        if (o->npoints == MAX_POINTS) {
            fprintf(err, "slicesim scale: --nodes: more than %d values\n", MAX_POINTS);
            return -1;
        }
        if (cli_parse_long("--nodes", tok, 1, 4096, &n, err) < 0)
            return -1;
        if (o->npoints > 0 && n <= o->nodes[o->npoints - 1]) {
            fprintf(err, "slicesim scale: --nodes: value %ld is not allowed after %ld; allowed: "
                    "increasing node counts\n", n, o->nodes[o->npoints - 1]);
            return -1;
        }
        o->nodes[o->npoints++] = n;
    }
    if (o->npoints == 0) {
        fprintf(err, "slicesim scale: --nodes needs a list such as 1,2,4,8\n");
        return -1;
    }
    return 0;
}

static const cli_opt SCALE_OPTS[] = {
    { "--nodes", 1, "N1,N2,...", "the node counts, e.g. 1,2,4,...,1024" },
    { "--tenant", 1, "NAME", "the training tenant (default: the first)" },
    { "--plot", 0, NULL, "draw step time and efficiency into DIR (needs -o)" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec SCALE_SPEC = {
    "scale", "SCENARIO.json", "A training tenant's step time p50/p95 and scaling efficiency by node count.",
    SCALE_OPTS, NULL,
};

static int scale_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    scale_opts *o = ctx;
    if (strcmp(a, "--plot") == 0)
        o->plot = 1;
    else if (strcmp(a, "--tenant") == 0)
        o->tenant = val;
    else
        return parse_nodes(o, val, err);
    return 0;
}

static int parse_opts(int argc, char **argv, scale_opts *o, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    cli_scn_opts_init(&o->c);
    int r = cli_scn_parse(&SCALE_SPEC, argc, argv, &o->c, scale_opt, o, out, err);
    if (r != 0)
        return r;
    if (!o->c.scenario || o->npoints == 0) {
        fprintf(err, "usage: slicesim scale SCENARIO.json --nodes 1,2,4,... [--tenant NAME] [-o DIR] [--plot] "
                "[--seed N] [--reps N] [--set PATH=VALUE]...\n");
        return -1;
    }
    if (o->plot && !o->c.outdir) {
        fprintf(err, "slicesim scale: --plot needs -o DIR (the pictures and their data go there)\n");
        return -1;
    }
    return 0;
}

/* The training tenant the curve is about: --tenant, else the first. */
static int find_tenant(const scn *sc, const scale_opts *o, FILE *err)
{
    for (size_t i = 0; i < sc->cfg.ntenants; i++) {
        const tenant_cfg *t = &sc->cfg.tenants[i];
        if (o->tenant ? strcmp(t->name, o->tenant) == 0 : t->wl == &wl_training) {
            if (t->wl == &wl_training)
                return (int)i;
            fprintf(err, "slicesim scale: %s: tenant \"%s\" runs a %s workload; allowed: a training tenant\n",
                    o->c.scenario, t->name, t->wl->name);
            return -1;
        }
    }
    if (o->tenant)
        fprintf(err, "slicesim scale: %s: no tenant named \"%s\"\n", o->c.scenario, o->tenant);
    else
        fprintf(err, "slicesim scale: %s: no tenant has a workload of type \"training\"\n", o->c.scenario);
    return -1;
}

static int run_point(const scale_opts *o, long nodes, scale_point *pt, FILE *err)
{
    char set[64], msg[1024];
    char *sets[CLI_MAX_SETS + 1];       /* the user's, then the node count */
    scn *sc = NULL;
    model_result res;
    memcpy(sets, o->c.sets, o->c.nsets * sizeof *sets);
    snprintf(set, sizeof set, "hardware.nodes=%ld", nodes);
    sets[o->c.nsets] = set;
    int rc = scn_load(o->c.scenario, sets, o->c.nsets + 1, &sc, msg, sizeof msg);
    if (rc != SCN_OK) {
        fprintf(err, "slicesim: %s\n", msg);
        return rc == SCN_BAD_INPUT ? CLI_BAD_INPUT : CLI_INTERNAL;
    }
    int ti = find_tenant(sc, o, err);
    if (ti < 0) {
        scn_free(sc);
        return CLI_BAD_INPUT;
    }
    const train_params *tp = sc->cfg.tenants[ti].wl_params;
    if (tp->dp != sc->cfg.ngpus) {
        fprintf(err, "slicesim scale: %s: tenants.%d.workload.gpus fixes the ranks at %d of %d GPUs; allowed: "
                "leave it out so that the ranks follow hardware.nodes x hardware.gpus\n",
                o->c.scenario, ti, tp->dp, sc->cfg.ngpus);
        scn_free(sc);
        return CLI_BAD_INPUT;
    }
    if (o->c.seed >= 0)
        sc->cfg.seed = (uint64_t)o->c.seed;
    if (o->c.reps > 0)
        sc->cfg.reps = (int)o->c.reps;
    if (model_run(&sc->cfg, &res, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim scale: %s\n", msg);
        scn_free(sc);
        return CLI_INTERNAL;
    }
    pt->nodes = nodes;
    pt->gpus = sc->cfg.ngpus;
    pt->mean = report_tenant_xstat(&res, ti, 0, MQ_MEAN);     /* step_ms */
    pt->p50 = report_tenant_xstat(&res, ti, 0, MQ_P50);
    pt->p95 = report_tenant_xstat(&res, ti, 0, MQ_P95);
    pt->exposed = report_tenant_xstat(&res, ti, 1, MQ_MEAN);  /* exposed_comm_ms */
    pt->tput = report_tenant_stat(&res, ti, MT_THROUGHPUT);
    const acc_entry *e[ACC_PER_TENANT];
    size_t ne = acc_of_tenant(&sc->cfg, &sc->cfg.tenants[ti], e, ACC_PER_TENANT);
    for (size_t k = 0; k < ne; k++)
        pt->acc[acc_index(e[k])] = 1;
    snprintf(pt->label, sizeof pt->label, "nodes=%ld", nodes);
    pt->ti = ti;
    int oom = flags_compute(&pt->fl, sc, &res) < 0;
    model_result_free(&res);
    if (oom) {
        fprintf(err, "slicesim scale: out of memory\n");
        scn_free(sc);
        return CLI_INTERNAL;
    }
    scn_free(sc);
    return CLI_OK;
}

static void print_table(FILE *f, const scale_opts *o, scale_point *pts, int n)
{
    static const char *const COLS[] = { "nodes", "gpus", "step p50 ms", "step p95 ms [95% CI]", "exposed ms",
                                        "samples/s [95% CI]", "per GPU", "efficiency", NULL };
    tab t;
    fprintf(f, "scaling of %s (efficiency = mean step time at %ld node%s / mean step time at N)\n\n",
            o->c.scenario, pts[0].nodes, pts[0].nodes == 1 ? "" : "s");
    if (tab_init(&t, COLS) < 0)
        return;
    for (int i = 0; i < n; i++) {
        scale_point *p = &pts[i];
        char a[96], m[128];
        tab_add(&t, "%ld", p->nodes);
        tab_add(&t, "%ld", p->gpus);
        tab_add(&t, "%s", flags_mark(m, sizeof m, tab_num(a, sizeof a, p->p50.mean), &p->fl, p->ti, MQ_P50, &p->p50));
        tab_add(&t, "%s", flags_mark(m, sizeof m, tab_ci(a, sizeof a, &p->p95), &p->fl, p->ti, MQ_P95, &p->p95));
        tab_add(&t, "%s", tab_num(a, sizeof a, p->exposed.mean));
        tab_add(&t, "%s", flags_mark(m, sizeof m, tab_ci(a, sizeof a, &p->tput), &p->fl, p->ti, -1, &p->tput));
        tab_add(&t, "%s", tab_num(a, sizeof a, p->tput.mean / (double)p->gpus));
        tab_add(&t, "%.4f", p->eff);
    }
    tab_print(&t, f, "");
    tab_free(&t);
    const flags *fls[MAX_POINTS];
    for (int i = 0; i < n; i++)
        fls[i] = &pts[i].fl;
    flags_legend_many(fls, (size_t)n, f, "  ");
    int used[ACC_MAX_FAMILIES] = { 0 };
    for (int i = 0; i < n; i++)
        for (int k = 0; k < ACC_MAX_FAMILIES; k++)
            used[k] |= pts[i].acc[k];
    report_validation_table(f, used);
}

static int write_csv(const char *dir, const scale_point *pts, int n, FILE *err)
{
    char msg[512];
    outfile o;
    if (outfile_open(&o, dir, "scale.csv", msg, sizeof msg) < 0) {
        fprintf(err, "slicesim scale: %s\n", msg);
        return CLI_INTERNAL;
    }
    fprintf(o.f, "nodes,gpus,step_ms_mean,step_ms_p50,step_ms_p95,step_ms_p95_lo,step_ms_p95_hi,"
            "exposed_comm_ms,samples_per_s,samples_per_s_per_gpu,efficiency\n");
    for (int i = 0; i < n; i++) {
        const scale_point *p = &pts[i];
        fprintf(o.f, "%ld,%ld,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", p->nodes, p->gpus,
                p->mean.mean, p->p50.mean, p->p95.mean, p->p95.lo, p->p95.hi, p->exposed.mean,
                p->tput.mean, p->tput.mean / (double)p->gpus, p->eff);
    }
    if (outfile_commit(&o, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim scale: %s\n", msg);
        return CLI_INTERNAL;
    }
    return CLI_OK;
}

int cli_cmd_scale(int argc, char **argv, FILE *out, FILE *err)
{
    scale_opts o;
    scale_point pts[MAX_POINTS];
    memset(pts, 0, sizeof pts);
    int pr = parse_opts(argc, argv, &o, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    outfile_set set;
    char msg[1024];
    memset(&set, 0, sizeof set);
    if (o.c.outdir && outfile_set_begin(&set, o.c.outdir, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim scale: -o %s\n", msg);
        return CLI_BAD_INPUT;
    }
    for (int i = 0; i < o.npoints; i++) {
        int rc = run_point(&o, o.nodes[i], &pts[i], err);
        if (rc != CLI_OK) {
            for (int j = 0; j <= i; j++)
                flags_free(&pts[j].fl);
            outfile_set_abort(&set);
            return rc;
        }
        pts[i].eff = pts[0].mean.mean / pts[i].mean.mean;
    }
    print_table(out, &o, pts, o.npoints);
    fflush(out);
    const flags *fls[MAX_POINTS];
    const char *labels[MAX_POINTS];
    for (int i = 0; i < o.npoints; i++) {
        fls[i] = &pts[i].fl;
        labels[i] = pts[i].label;
    }
    flags_print_grouped(err, "scale", fls, labels, (size_t)o.npoints);
    for (int i = 0; i < o.npoints; i++)
        flags_free(&pts[i].fl);
    int rc = o.c.outdir ? write_csv(outfile_set_dir(&set), pts, o.npoints, err) : CLI_OK;
    if (rc == CLI_OK && o.plot && charts_scale(outfile_set_dir(&set), err) < 0)
        rc = CLI_INTERNAL;             /* gnuplot missing (1) only says so */
    if (rc == CLI_OK && o.c.outdir && outfile_set_commit(&set, "scale", NULL, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim scale: %s\n", msg);
        rc = CLI_INTERNAL;
    }
    outfile_set_abort(&set);
    return rc;
}
