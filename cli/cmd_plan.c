/* cmd_plan.c -- `slicesim plan SCENARIO --slo EXPR [--slo ...] --vary PATH=VALUES
 * -o DIR [--goal max|min] [--set PATH=VALUE]... [--seed N] [--reps N]`
 *
 * The best value of one scenario parameter that still meets every SLO: the
 * longest time slice, the highest load, the fewest GPUs. The candidates are
 * the --vary values, sorted. Meeting the SLOs is taken to be monotone along
 * them (true of p95 against slice length, load and GPU count when the rest
 * is fixed), so a bisection finds the boundary in about log2(n) runs. A
 * point meets the SLOs only when every SLO's verdict is met: its whole 95%
 * interval within the bound (sim/verdict.h); an uncertain point (some
 * interval straddles its bound, none wholly beyond) is not accepted, and
 * plan says how many replications would decide it. Every evaluated point
 * is reported, and any that contradicts monotonicity is flagged. Writes
 * DIR/plan.json and DIR/sweep.csv (the evaluated points). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/flags.h"
#include "cli/outfile.h"
#include "cli/points.h"
#include "cli/slo.h"
#include "cli/sweepio.h"

#define MAX_SLOS 32

enum { GOAL_UNSET, GOAL_MAX, GOAL_MIN };

/* Which end of a parameter is the cheap or good one, by its name. */
static const struct { const char *suffix; int goal; const char *max_word, *min_word; } GOALS[] = {
    { "timeslice_ms", GOAL_MAX, "longest", "shortest" },
    { "rate_per_s", GOAL_MAX, "highest", "lowest" },
    { "users", GOAL_MAX, "most", "fewest" },
    { "gpus", GOAL_MIN, "most", "fewest" },
    { "nodes", GOAL_MIN, "most", "fewest" },
};

typedef struct {
    cli_scn_opts c;
    int         goal;
    const char *slo_text[MAX_SLOS];
    size_t      nslo;
    vary_set    vs;
} plan_opts;

typedef struct {
    int          done, feasible;          /* feasible: every SLO met */
    report_stat  st[MAX_SLOS];
    sim_verdict  v[MAX_SLOS];
    int          unsteady[MAX_SLOS];      /* the SLO's tenant is not in steady state */
    sim_verdict  verdict;                 /* met; missed if any SLO is; else uncertain */
    size_t       reps_to_resolve;         /* uncertain: the most any SLO needs */
    flags        fl;                      /* the point's warnings */
    cJSON       *point;
} plan_eval;

typedef struct {
    const vary_set *vs;
    const slo_expr *slo;
    size_t          nslo, index;
    plan_eval      *ev;
} plan_ud;

static const char USAGE[] =
    "usage: slicesim plan SCENARIO.json --slo 'TENANT.latency_ms.p95<=200' [--slo ...]\n"
    "       --vary PATH=V1,V2,...|PATH=A:B:STEP -o DIR [--goal max|min] [--set PATH=VALUE]... [--seed N] [--reps N]\n";

static const cli_opt PLAN_OPTS[] = {
    { "--slo", 1, "EXPR", "a target such as 'TENANT.latency_ms.p95<=200' (repeatable; all must hold)" },
    { "--vary", 1, "PATH=V1,V2,...", "the one parameter searched (values, or A:B:STEP)" },
    { "--goal", 1, "max|min", "the largest or the smallest value meeting every SLO (default max)" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec PLAN_SPEC = {
    "plan", "SCENARIO.json", "The cheapest configuration that meets every SLO (needs --slo, --vary and -o).",
    PLAN_OPTS, NULL,
};

static int plan_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    plan_opts *o = ctx;
    if (strcmp(a, "--goal") == 0) {
        o->goal = strcmp(val, "max") == 0 ? GOAL_MAX : strcmp(val, "min") == 0 ? GOAL_MIN : -1;
        if (o->goal < 0) {
            fprintf(err, "slicesim plan: --goal: value \"%s\" is not allowed; allowed: max, min\n", val);
            return -1;
        }
    } else if (strcmp(a, "--slo") == 0) {
        if (o->nslo == MAX_SLOS) {
            fprintf(err, "slicesim plan: at most %d --slo options\n", MAX_SLOS);
            return -1;
        }
        o->slo_text[o->nslo++] = val;
    } else {
        if (o->vs.ndims == 1) {
            fprintf(err, "slicesim plan: one --vary only (the parameter searched); "
                    "fix the others with --set\n");
            return -1;
        }
        return vary_add(&o->vs, val, err);
    }
    return 0;
}

static int parse_opts(int argc, char **argv, plan_opts *o, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    cli_scn_opts_init(&o->c);
    int r = cli_scn_parse(&PLAN_SPEC, argc, argv, &o->c, plan_opt, o, out, err);
    if (r != 0)
        return r;
    if (!o->c.scenario || !o->c.outdir || o->vs.ndims != 1 || o->nslo == 0) {
        fprintf(err, "slicesim plan: needs a scenario, at least one --slo, one --vary and -o DIR\n%s", USAGE);
        return -1;
    }
    return 0;
}

static int by_number(const void *a, const void *b)
{
    double x = strtod(*(char *const *)a, NULL), y = strtod(*(char *const *)b, NULL);
    return (x > y) - (x < y);
}

/* Sort the candidates ascending and drop repeats; they must be numbers. */
static int sort_candidates(vary_dim *d, FILE *err)
{
    if (!d->numeric) {
        fprintf(err, "slicesim plan: --vary %s: the values must be numbers (plan bisects an ordered range)\n",
                d->path);
        return -1;
    }
    qsort(d->values, d->n, sizeof *d->values, by_number);
    size_t w = 0;
    for (size_t r = 0; r < d->n; r++) {
        if (w > 0 && strtod(d->values[r], NULL) == strtod(d->values[w - 1], NULL))
            free(d->values[r]);
        else
            d->values[w++] = d->values[r];
    }
    d->n = w;
    return 0;
}

static int default_goal(const char *path, FILE *err)
{
    size_t n = strlen(path);
    for (size_t k = 0; k < sizeof GOALS / sizeof GOALS[0]; k++) {
        size_t m = strlen(GOALS[k].suffix);
        if (n >= m && strcmp(path + n - m, GOALS[k].suffix) == 0)
            return GOALS[k].goal;
    }
    fprintf(err, "slicesim plan: --vary %s: say whether the largest or the smallest value meeting the SLOs "
            "is wanted: --goal max or --goal min\n", path);
    return -1;
}

static const char *goal_word(const char *path, int goal)
{
    size_t n = strlen(path);
    for (size_t k = 0; k < sizeof GOALS / sizeof GOALS[0]; k++) {
        size_t m = strlen(GOALS[k].suffix);
        if (n >= m && strcmp(path + n - m, GOALS[k].suffix) == 0)
            return goal == GOAL_MAX ? GOALS[k].max_word : GOALS[k].min_word;
    }
    return goal == GOAL_MAX ? "largest" : "smallest";
}

static int on_point(size_t i, const scn *sc, const model_result *res, void *ud,
                    char *msg, size_t len)
{
    (void)i;
    plan_ud *u = ud;
    plan_eval *e = &u->ev[u->index];
    int missed = 0;
    e->feasible = 1;
    if (flags_compute(&e->fl, sc, res) < 0)
        return -1;
    for (size_t k = 0; k < u->nslo; k++) {
        /* The tenants' indices can differ between points (a fleet's
         * replicas are tenants of their own), so each SLO names its tenant
         * again in this point's scenario. */
        slo_expr here;
        if (slo_resolve(&u->slo[k], sc, &here, msg, len) < 0)
            return POINTS_BAD_INPUT;
        e->st[k] = slo_stat(&here, res);
        e->unsteady[k] = e->fl.t[here.tenant].unsteady;
        e->v[k] = slo_verdict(&u->slo[k], &e->st[k], e->unsteady[k]);
        e->feasible &= e->v[k] == SIM_VERDICT_MET;
        missed |= e->v[k] == SIM_VERDICT_MISSED;
        size_t need = slo_reps_to_resolve(&u->slo[k], &e->st[k], e->unsteady[k]);
        if (e->v[k] == SIM_VERDICT_UNCERTAIN && need > e->reps_to_resolve)
            e->reps_to_resolve = need;
    }
    e->verdict = e->feasible ? SIM_VERDICT_MET : missed ? SIM_VERDICT_MISSED : SIM_VERDICT_UNCERTAIN;
    e->point = sweepio_point(u->index, u->vs, sc, res);
    e->done = 1;
    return e->point ? 0 : -1;
}

static int evaluate(const points_base *b, plan_ud *u, size_t index, FILE *err)
{
    if (u->ev[index].done)
        return CLI_OK;
    char buf[4096];
    char *as = (char *)vary_assignment(u->vs, index, 0, buf, sizeof buf);
    points_point p = { &as, 1 };
    u->index = index;
    if (!as) {
        fprintf(err, "slicesim plan: --vary value too long\n");
        return CLI_BAD_INPUT;
    }
    int rc = points_validate(b, &p, 1, "plan", err);
    return rc != CLI_OK ? rc : points_run(b, &p, 1, 1, 0, on_point, u, "plan", err);
}

/* Bisection for the boundary of a monotone feasible set: with goal max the
 * feasible values are a prefix of the sorted candidates, with min a suffix.
 * *answer = the index of the best feasible value, or -1. */
static int bisect(const points_base *b, plan_ud *u, size_t n, int goal, long *answer, FILE *err)
{
    long lo = -1, hi = (long)n;        /* goal max: lo feasible, hi not; min: the reverse */
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        int rc = evaluate(b, u, (size_t)mid, err);
        if (rc != CLI_OK)
            return rc;
        int ok = u->ev[mid].feasible;
        if ((goal == GOAL_MAX) == (ok != 0))
            lo = mid;
        else
            hi = mid;
    }
    *answer = goal == GOAL_MAX ? lo : (hi == (long)n ? -1 : hi);
    return CLI_OK;
}

static cJSON *ci_array(report_stat s)
{
    if (!isfinite(s.lo))
        return cJSON_CreateNull();
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateNumber(s.lo));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(s.hi));
    return a;
}

static void add_num(cJSON *o, const char *k, double x)
{
    if (isfinite(x))
        cJSON_AddNumberToObject(o, k, x);
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *slo_json(const slo_expr *s, report_stat st, int unsteady)
{
    cJSON *o = cJSON_CreateObject();
    sim_verdict v = slo_verdict(s, &st, unsteady);
    cJSON_AddStringToObject(o, "slo", s->text);
    add_num(o, "value", st.mean);
    cJSON_AddItemToObject(o, "ci95", ci_array(st));
    add_num(o, "margin", slo_margin(s, st.mean));
    cJSON_AddStringToObject(o, "verdict", sim_verdict_name(v));
    cJSON_AddBoolToObject(o, "met", v == SIM_VERDICT_MET);
    if (v == SIM_VERDICT_UNCERTAIN) {
        cJSON_AddStringToObject(o, "reason", slo_reason(s, &st, unsteady));
        cJSON_AddNumberToObject(o, "replications_to_resolve", (double)slo_reps_to_resolve(s, &st, unsteady));
    }
    return o;
}

/* The SLO closest to failing at evaluation e (smallest margin relative to
 * its bound). */
static size_t deciding(const plan_ud *u, const plan_eval *e)
{
    size_t best = 0;
    double bm = INFINITY;
    for (size_t k = 0; k < u->nslo; k++) {
        double m = slo_margin(&u->slo[k], e->st[k].mean) / fmax(fabs(u->slo[k].bound), 1e-300);
        if (m < bm) {
            bm = m;
            best = k;
        }
    }
    return best;
}

/* Evaluated points that contradict monotonicity (a feasible one beyond an
 * infeasible one in the goal's direction). */
static int monotone(const plan_eval *ev, size_t n, int goal)
{
    int seen_bad = 0;
    for (size_t j = 0; j < n; j++) {
        size_t i = goal == GOAL_MAX ? j : n - 1 - j;
        if (!ev[i].done)
            continue;
        if (!ev[i].feasible)
            seen_bad = 1;
        else if (seen_bad)
            return 0;
    }
    return 1;
}

static cJSON *plan_doc(const plan_opts *o, const scn *base, const plan_ud *u, long ans, int goal)
{
    const vary_dim *d = &o->vs.dims[0];
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "slicesim_version", SLICESIM_VERSION);
    cJSON_AddStringToObject(doc, "scenario", base->name);
    cJSON_AddStringToObject(doc, "vary", d->path);
    cJSON_AddStringToObject(doc, "goal", goal == GOAL_MAX ? "max" : "min");
    cJSON *s = cJSON_AddArrayToObject(doc, "slos");
    for (size_t k = 0; k < u->nslo; k++)
        cJSON_AddItemToArray(s, cJSON_CreateString(u->slo[k].text));
    cJSON_AddNumberToObject(doc, "candidates", (double)d->n);
    cJSON *ev = cJSON_AddArrayToObject(doc, "evaluated");
    for (size_t i = 0; i < d->n; i++) {
        if (!u->ev[i].done)
            continue;
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "value", strtod(d->values[i], NULL));
        cJSON_AddBoolToObject(p, "meets_slos", u->ev[i].feasible);
        cJSON_AddStringToObject(p, "verdict", sim_verdict_name(u->ev[i].verdict));
        if (u->ev[i].verdict == SIM_VERDICT_UNCERTAIN)
            cJSON_AddNumberToObject(p, "replications_to_resolve", (double)u->ev[i].reps_to_resolve);
        cJSON *l = cJSON_AddArrayToObject(p, "slos");
        for (size_t k = 0; k < u->nslo; k++)
            cJSON_AddItemToArray(l, slo_json(&u->slo[k], u->ev[i].st[k], u->ev[i].unsteady[k]));
        cJSON_AddItemToArray(ev, p);
    }
    cJSON_AddBoolToObject(doc, "consistent_with_monotone", monotone(u->ev, d->n, goal));
    if (ans < 0) {
        cJSON_AddNullToObject(doc, "answer");
        return doc;
    }
    cJSON *a = cJSON_AddObjectToObject(doc, "answer");
    cJSON_AddNumberToObject(a, "value", strtod(d->values[ans], NULL));
    char buf[4096];
    cJSON_AddStringToObject(a, "set", vary_assignment(&o->vs, (size_t)ans, 0, buf, sizeof buf));
    size_t k = deciding(u, &u->ev[ans]);
    cJSON_AddItemToObject(a, "deciding", slo_json(&u->slo[k], u->ev[ans].st[k], u->ev[ans].unsteady[k]));
    long next = goal == GOAL_MAX ? ans + 1 : ans - 1;
    if (next >= 0 && next < (long)d->n && u->ev[next].done) {
        if (u->ev[next].verdict == SIM_VERDICT_MISSED)
            cJSON_AddNumberToObject(a, "next_value_fails", strtod(d->values[next], NULL));
        else
            cJSON_AddNumberToObject(a, "next_value_uncertain", strtod(d->values[next], NULL));
    }
    return doc;
}

/* x, or NaN where plan.json holds null (so the printed text is that of the
 * document). */
static double shown(double x)
{
    return isfinite(x) ? x : NAN;
}

/* " at VALUE [95% CI LO, HI]" of an SLO's figure, the interval only when
 * there is one (as plan.json's "ci95" is null without one). */
static void print_figure(FILE *f, const slo_expr *s, report_stat st, int no_ci_note)
{
    fprintf(f, " %s at %.6g", s->text, shown(st.mean));
    if (isfinite(st.lo))
        fprintf(f, " [95%% CI %.6g, %.6g]", st.lo, st.hi);
    else if (no_ci_note)
        fprintf(f, " (one replication: no interval)");
}

/* One line per evaluated point whose verdict is uncertain: the SLOs that
 * straddle their bounds and the replications that would decide it. Read
 * from the evaluations that plan.json is written from. */
static void print_uncertain(FILE *f, const vary_dim *d, const plan_ud *u)
{
    for (size_t i = 0; i < d->n; i++) {
        const plan_eval *e = &u->ev[i];
        if (!e->done || e->verdict != SIM_VERDICT_UNCERTAIN)
            continue;
        int unsteady = 0;
        fprintf(f, "uncertain: %s=%.6g:", d->path, strtod(d->values[i], NULL));
        for (size_t k = 0; k < u->nslo; k++) {
            if (slo_verdict(&u->slo[k], &e->st[k], e->unsteady[k]) != SIM_VERDICT_UNCERTAIN)
                continue;
            print_figure(f, &u->slo[k], e->st[k], 1);
            const char *r = slo_reason(&u->slo[k], &e->st[k], e->unsteady[k]);
            unsteady |= r && strcmp(r, "not_in_steady_state") == 0;
        }
        double n = (double)e->reps_to_resolve;
        if (unsteady)
            fprintf(f, "; not in steady state (the backlog grew): lengthen duration_s to see whether it holds\n");
        else if (n >= SLO_REPS_MAX)
            fprintf(f, "; it sits on the bound: no practical number of replications would decide it\n");
        else
            fprintf(f, "; about %.0f replications (--reps %.0f) would decide it\n", n, n);
    }
}

/* The answer ans (-1: none) as plan.json states it, from the same
 * evaluations. */
static void print_answer(FILE *f, const plan_opts *o, const plan_ud *u, long ans, int goal)
{
    const vary_dim *d = &o->vs.dims[0];
    size_t nev = 0;
    for (size_t i = 0; i < d->n; i++)
        nev += u->ev[i].done != 0;
    fprintf(f, "plan: %s %s meeting every SLO", goal_word(d->path, goal), d->path);
    if (ans < 0) {
        fprintf(f, ": none of the %zu candidates beyond doubt (evaluated %zu)\n", d->n, nev);
        print_uncertain(f, d, u);
        return;
    }
    char buf[4096];
    const plan_eval *e = &u->ev[ans];
    size_t k = deciding(u, e);
    fprintf(f, ": %s  (bisection: %zu of %zu candidates run)\n",
            vary_assignment(&o->vs, (size_t)ans, 0, buf, sizeof buf), nev, d->n);
    fprintf(f, "deciding:");
    print_figure(f, &u->slo[k], e->st[k], 0);
    fprintf(f, ", margin %.6g\n", shown(slo_margin(&u->slo[k], e->st[k].mean)));
    long next = goal == GOAL_MAX ? ans + 1 : ans - 1;
    if (next >= 0 && next < (long)d->n && u->ev[next].done && u->ev[next].verdict == SIM_VERDICT_MISSED)
        fprintf(f, "the next candidate, %.6g, fails\n", strtod(d->values[next], NULL));
    print_uncertain(f, d, u);
    if (!monotone(u->ev, d->n, goal))
        fprintf(f, "warning: the evaluated points are not monotone; check with slicesim sweep\n");
}

static int write_outputs(const plan_opts *o, const scn *base, const plan_ud *u, const cJSON *doc,
                         outfile_set *set, FILE *err)
{
    const char *dir = outfile_set_dir(set);
    cJSON *sw = sweepio_header(base, o->c.seed, o->c.reps, &o->vs, o->c.sets, o->c.nsets, o->vs.dims[0].n);
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(sw, "points");
    for (size_t i = 0; sw && i < o->vs.dims[0].n; i++)
        if (u->ev[i].done)
            cJSON_AddItemToArray(arr, cJSON_Duplicate(u->ev[i].point, 1));
    int rc = sw ? sweepio_write_json(dir, "plan.json", doc, "plan", err) : CLI_INTERNAL;
    if (rc == CLI_OK) {
        char msg[512];
        outfile f;
        if (outfile_open(&f, dir, "sweep.csv", msg, sizeof msg) < 0) {
            fprintf(err, "slicesim plan: %s\n", msg);
            rc = CLI_INTERNAL;
        } else {
            sweepio_csv(f.f, sw);
            if (outfile_commit(&f, msg, sizeof msg) < 0) {
                fprintf(err, "slicesim plan: %s\n", msg);
                rc = CLI_INTERNAL;
            }
        }
    }
    if (rc == CLI_OK)
        rc = sweepio_commit(set, sw, "plan", err);
    cJSON_Delete(sw);
    return rc;
}

/* The evaluated points' warnings, each text once with the values it
 * concerns. */
static void print_warnings(FILE *err, const plan_opts *o, const plan_eval *ev, size_t n)
{
    const flags **fl = calloc(n ? n : 1, sizeof *fl);
    const char **labels = calloc(n ? n : 1, sizeof *labels);
    char (*buf)[160] = calloc(n ? n : 1, sizeof *buf);
    if (fl && labels && buf) {
        for (size_t i = 0; i < n; i++) {
            snprintf(buf[i], sizeof buf[i], "%s=%s", o->vs.dims[0].path, o->vs.dims[0].values[i]);
            fl[i] = ev[i].done ? &ev[i].fl : NULL;
            labels[i] = buf[i];
        }
        flags_print_grouped(err, "plan", fl, labels, n);
    }
    free(fl);
    free(labels);
    free(buf);
}

static int run_plan(plan_opts *o, const scn *base, FILE *out, FILE *err)
{
    slo_expr slo[MAX_SLOS];
    for (size_t k = 0; k < o->nslo; k++)
        if (slo_parse(o->slo_text[k], base, &slo[k], err) < 0)
            return CLI_BAD_INPUT;
    if (sort_candidates(&o->vs.dims[0], err) < 0)
        return CLI_BAD_INPUT;
    int goal = o->goal ? o->goal : default_goal(o->vs.dims[0].path, err);
    if (goal < 0)
        return CLI_BAD_INPUT;
    outfile_set set;
    char msg[1024];
    if (outfile_set_begin(&set, o->c.outdir, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim plan: -o %s\n", msg);
        return CLI_BAD_INPUT;
    }
    size_t n = o->vs.dims[0].n;
    plan_eval *ev = calloc(n, sizeof *ev);
    if (!ev) {
        fprintf(err, "slicesim plan: out of memory\n");
        outfile_set_abort(&set);
        return CLI_INTERNAL;
    }
    plan_ud u = { &o->vs, slo, o->nslo, 0, ev };
    points_base b = { o->c.scenario, o->c.sets, o->c.nsets, o->c.seed, o->c.reps, base->root };
    long ans = -1;
    int rc = bisect(&b, &u, n, goal, &ans, err);
    if (rc == CLI_OK) {
        cJSON *doc = plan_doc(o, base, &u, ans, goal);
        print_answer(out, o, &u, ans, goal);
        fflush(out);
        print_warnings(err, o, ev, n);
        rc = write_outputs(o, base, &u, doc, &set, err);
        cJSON_Delete(doc);
    }
    outfile_set_abort(&set);
    for (size_t i = 0; i < n; i++) {
        cJSON_Delete(ev[i].point);
        flags_free(&ev[i].fl);
    }
    free(ev);
    return rc;
}

int cli_cmd_plan(int argc, char **argv, FILE *out, FILE *err)
{
    plan_opts o;
    char msg[1024];
    scn *base = NULL;
    int pr = parse_opts(argc, argv, &o, out, err);
    if (pr != 0) {
        vary_free(&o.vs);
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    }
    int rc = scn_load(o.c.scenario, o.c.sets, o.c.nsets, &base, msg, sizeof msg);
    if (rc != SCN_OK) {
        fprintf(err, "slicesim: %s\n", msg);
        vary_free(&o.vs);
        return rc == SCN_BAD_INPUT ? CLI_BAD_INPUT : CLI_INTERNAL;
    }
    rc = run_plan(&o, base, out, err);
    scn_free(base);
    vary_free(&o.vs);
    return rc;
}
