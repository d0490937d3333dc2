/* cmd_plan.c -- `slicesim plan SCENARIO --slo EXPR [--slo ...] --vary PATH=VALUES
 * [--vary ...] -o DIR [--goal max|min|cost] [--prices FILE] [--jobs N]
 * [--set PATH=VALUE]... [--seed N] [--reps N]`
 *
 * Two questions. With --goal max or min, the best value of one scenario
 * parameter that still meets every SLO: the longest time slice, the
 * highest load, the fewest GPUs. The candidates are the --vary values,
 * sorted. Meeting the SLOs is taken to be monotone along them (true of p95
 * against slice length, load and GPU count when the rest is fixed), so a
 * bisection finds the boundary in about log2(n) runs.
 *
 * With --goal cost (the default with several --vary, or one whose values
 * are not numbers or whose direction the path does not tell), every
 * configuration of the cartesian product of the --vary dimensions
 * (replicas, GPU type, sharing mode with its MIG layout as a tuple,
 * tensor-parallel size ...) is run, and those meeting every SLO are ranked
 * by cost, cheapest first: the GPUs the placed tenants hold
 * (price_gpus_held) times the price of a GPU-hour of the point's GPU, in
 * USD per hour of the fleet, from the scenario's "cost" object or
 * --prices FILE. Ties go to the larger relative margin of the deciding
 * SLO, then to the earlier point.
 *
 * A point meets the SLOs only when every SLO's verdict is met: its whole
 * 95% interval within the bound (sim/verdict.h); an uncertain point (some
 * interval straddles its bound, none wholly beyond) is not accepted, and
 * plan says how many replications would decide it. The deciding SLO of a
 * point is the one with the smallest margin relative to its bound. Writes
 * DIR/plan.json and DIR/sweep.csv (the evaluated points), and with goal
 * cost DIR/plan.csv (one row per configuration, ranked ones first). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/flags.h"
#include "cli/outfile.h"
#include "cli/points.h"
#include "cli/report.h"
#include "cli/slo.h"
#include "cli/sweepio.h"
#include "plots/figures.h"
#include "cli/table.h"
#include "scenarios/plancfg.h"
#include "scenarios/price.h"

#define MAX_SLOS 32

enum { GOAL_UNSET, GOAL_MAX, GOAL_MIN, GOAL_COST };

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
    const char *prices;                   /* --prices FILE, or NULL: the scenario's "cost" */
    long        jobs;                     /* --jobs; 0: the online cores */
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
    /* goal cost: what the point holds and costs */
    char         gpu[64];                 /* the GPU preset (hardware.gpu) */
    int          gpus;                    /* GPUs held (price_gpus_held) */
    double       usd_per_gpu_hour, usd_per_hour;
} plan_eval;

typedef struct {
    const vary_set *vs;
    const slo_expr *slo;
    size_t          nslo, index;          /* index: the point run alone (bisection), else 0 */
    plan_eval      *ev;
    const size_t   *order;                /* goal cost: the ranked points, then the rest */
} plan_ud;

static const char USAGE[] =
    "usage: slicesim plan SCENARIO.json --slo 'TENANT.latency_ms.p95<=200' [--slo ...]\n"
    "       --vary PATH=V1,V2,...|PATH=A:B:STEP|P1+P2=[A1,A2],... [--vary ...] -o DIR\n"
    "       [--goal max|min|cost] [--prices FILE] [--jobs N] [--set PATH=VALUE]... [--seed N] [--reps N]\n";

static const cli_opt PLAN_OPTS[] = {
    { "--slo", 1, "EXPR", "a target such as 'TENANT.latency_ms.p95<=200' (repeatable; all must hold)" },
    { "--vary", 1, "PATH=V1,V2,...", "a dimension searched (values, A:B:STEP, or P1+P2=[A1,A2],... for paths "
      "that move together); several make a cartesian product (goal cost)" },
    { "--goal", 1, "max|min|cost", "the largest or the smallest value of one --vary meeting every SLO, or every "
      "configuration meeting them ranked by cost (default: cost with several --vary)" },
    { "--prices", 1, "FILE", "USD per GPU-hour by GPU (the scenario's \"cost\" object shape; "
      "e.g. docs/prices-illustrative-2026-12.json)" },
    { "--jobs", 1, "N", "goal cost: run N points at once (default: the online cores)" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec PLAN_SPEC = {
    "plan", "SCENARIO.json", "The best value of one parameter, or every configuration of several ranked by cost, that meets every SLO "
    "(needs -o, and --slo and --vary or the scenario's \"plan\" object).",
    PLAN_OPTS, NULL,
};

static int plan_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    plan_opts *o = ctx;
    if (strcmp(a, "--goal") == 0) {
        o->goal = strcmp(val, "max") == 0 ? GOAL_MAX : strcmp(val, "min") == 0 ? GOAL_MIN
                : strcmp(val, "cost") == 0 ? GOAL_COST : -1;
        if (o->goal < 0) {
            fprintf(err, "slicesim plan: --goal: value \"%s\" is not allowed; allowed: max, min, cost\n", val);
            return -1;
        }
    } else if (strcmp(a, "--prices") == 0) {
        o->prices = val;
    } else if (strcmp(a, "--jobs") == 0) {
        return cli_parse_long("--jobs", val, 1, 256, &o->jobs, err);
    } else if (strcmp(a, "--slo") == 0) {
        if (o->nslo == MAX_SLOS) {
            fprintf(err, "slicesim plan: at most %d --slo options\n", MAX_SLOS);
            return -1;
        }
        o->slo_text[o->nslo++] = val;
    } else {
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
    if (!o->c.scenario || !o->c.outdir) {
        fprintf(err, "slicesim plan: needs a scenario, at least one --slo, a --vary and -o DIR\n%s", USAGE);
        return -1;
    }
    return 0;
}

/* What the command line leaves out, from the scenario's "plan" object
 * (scenarios/plancfg.h): its SLOs when no --slo is given, its dimensions
 * when no --vary is, its goal and prices file; then the checks that need
 * both. 0, or -1 with one message on err. */
static int from_block(plan_opts *o, const scn *base, char *prices, size_t len, FILE *err)
{
    const char *item[PLANCFG_MAX_ITEMS];
    size_t n;
    if (o->nslo == 0) {
        n = plancfg_strings(base->root, "slos", item);
        for (size_t k = 0; k < n && k < MAX_SLOS; k++)
            o->slo_text[o->nslo++] = item[k];
    }
    if (o->vs.ndims == 0) {
        n = plancfg_strings(base->root, "vary", item);
        for (size_t k = 0; k < n; k++) {
            char *text = NULL;
            size_t tlen = 0;
            FILE *m = open_memstream(&text, &tlen);
            int rc = m ? vary_add(&o->vs, item[k], m) : -1;
            if (m)
                fclose(m);
            if (rc < 0) {
                const char *why = text && strncmp(text, "slicesim: ", 10) == 0 ? text + 10 : text ? text : "out of memory\n";
                fprintf(err, "slicesim plan: %s: plan.vary.%zu: %s", o->c.scenario, k, why);
                free(text);
                return -1;
            }
            free(text);
        }
    }
    const char *g = plancfg_string(base->root, "goal");
    if (o->goal == GOAL_UNSET && g)
        o->goal = strcmp(g, "max") == 0 ? GOAL_MAX : strcmp(g, "min") == 0 ? GOAL_MIN : GOAL_COST;
    const char *pf = plancfg_string(base->root, "prices");
    if (!o->prices && pf)
        o->prices = scn_path(base, pf, prices, len);
    if (o->nslo == 0) {
        fprintf(err, "slicesim plan: no SLO: give at least one --slo 'TENANT.latency_ms.p95<=200' "
                "(or \"slos\" in the scenario's \"plan\" object)\n%s", USAGE);
        return -1;
    }
    if (o->vs.ndims == 0) {
        fprintf(err, "slicesim plan: the search space is empty: give at least one --vary PATH=V1,V2,... "
                "(several make a cartesian product), or \"vary\" in the scenario's \"plan\" object\n%s", USAGE);
        return -1;
    }
    if (o->vs.ndims > 1 && o->goal != GOAL_UNSET && o->goal != GOAL_COST) {
        fprintf(err, "slicesim plan: --goal %s takes one --vary (the parameter bisected), not %zu; "
                "allowed with several: --goal cost\n", o->goal == GOAL_MAX ? "max" : "min", o->vs.ndims);
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

/* The direction the path's name tells; else cost (every configuration,
 * ranked by price). */
static int default_goal(const char *path)
{
    size_t n = strlen(path);
    for (size_t k = 0; k < sizeof GOALS / sizeof GOALS[0]; k++) {
        size_t m = strlen(GOALS[k].suffix);
        if (n >= m && strcmp(path + n - m, GOALS[k].suffix) == 0)
            return GOALS[k].goal;
    }
    return GOAL_COST;
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
    plan_ud *u = ud;
    size_t idx = u->index + i;
    plan_eval *e = &u->ev[idx];
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
    e->point = sweepio_point(idx, u->vs, sc, res);
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

/* plan.json (doc), DIR/sweep.csv of the evaluated points and, when csv is
 * given, DIR/plan.csv written by it; then the set's manifest. */
static int write_outputs(const plan_opts *o, const scn *base, const plan_ud *u, const cJSON *doc,
                         void (*csv)(FILE *, const plan_opts *, const plan_ud *), outfile_set *set, FILE *err)
{
    const char *dir = outfile_set_dir(set);
    size_t n = vary_points(&o->vs);
    cJSON *sw = sweepio_header(base, o->c.seed, o->c.reps, &o->vs, o->c.sets, o->c.nsets, n);
    cJSON *arr = fig_member(sw, FIG_W_POINTS);
    for (size_t i = 0; sw && i < n; i++)
        if (u->ev[i].done)
            cJSON_AddItemToArray(arr, cJSON_Duplicate(u->ev[i].point, 1));
    int rc = sw ? sweepio_write_json(dir, "plan.json", doc, "plan", err) : CLI_INTERNAL;
    for (int w = 0; w < 2 && rc == CLI_OK; w++) {
        char msg[512];
        outfile f;
        if (w == 1 && !csv)
            break;
        if (outfile_open(&f, dir, w == 0 ? "sweep.csv" : "plan.csv", msg, sizeof msg) < 0) {
            fprintf(err, "slicesim plan: %s\n", msg);
            rc = CLI_INTERNAL;
        } else {
            if (w == 0)
                sweepio_csv(f.f, sw);
            else
                csv(f.f, o, u);
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

/* A dimension's value as the table shows it: a string without its quotes,
 * a tuple by its first element. */
static const char *cell_value(const vary_set *vs, size_t i, size_t k, char *buf, size_t len)
{
    const char *v = vary_value(vs, i, k);
    cJSON *x = cJSON_ParseWithOpts(v, NULL, 1);
    const cJSON *y = vary_nparts(vs, k) > 1 ? cJSON_GetArrayItem(x, 0) : x;
    if (cJSON_IsString(y))
        snprintf(buf, len, "%s", y->valuestring);
    else if (y && y != x) {
        char *t = cJSON_PrintUnformatted(y);
        snprintf(buf, len, "%s", t ? t : "?");
        free(t);
    } else
        snprintf(buf, len, "%s", v);
    cJSON_Delete(x);
    return buf;
}

/* "P1=V1 P2=V2 ..." of point i as the terminal shows it: a string value
 * without its quotes, a tuple as its first path and element (plan.json
 * and plan.csv hold every assignment). */
static const char *point_label(const vary_set *vs, size_t i, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < vs->ndims && at < len; k++) {
        char v[TAB_CELL];
        const char *p = vs->dims[k].path, *e = strchr(p, '+');
        int w = snprintf(buf + at, len - at, "%s%.*s=%s", k ? " " : "", (int)(e ? (size_t)(e - p) : strlen(p)), p,
                         cell_value(vs, i, k, v, sizeof v));
        at += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

/* The evaluated points' warnings, each text once with the values it
 * concerns. */
/* The validated error of every family the evaluated points' tenants rest
 * on (docs/outputs.md#validation). */
static void print_validation(FILE *f, const plan_eval *ev, size_t n)
{
    int used[ACC_MAX_FAMILIES] = { 0 };
    for (size_t i = 0; i < n; i++)
        if (ev[i].done && ev[i].point)
            report_validation_mark(fig_item(ev[i].point, FIG_P_TENANTS), used);
    report_validation_table(f, used);
}

static void print_warnings(FILE *err, const plan_opts *o, const plan_eval *ev, size_t n)
{
    const flags **fl = calloc(n ? n : 1, sizeof *fl);
    const char **labels = calloc(n ? n : 1, sizeof *labels);
    char (*buf)[160] = calloc(n ? n : 1, sizeof *buf);
    if (fl && labels && buf) {
        for (size_t i = 0; i < n; i++) {
            point_label(&o->vs, i, buf[i], sizeof buf[i]);
            fl[i] = ev[i].done ? &ev[i].fl : NULL;
            labels[i] = buf[i];
        }
        flags_print_grouped(err, "plan", fl, labels, n);
    }
    free(fl);
    free(labels);
    free(buf);
}

/* ---- goal cost: the cartesian product, ranked by price ---- */

/* The relative margin of the deciding SLO of e (larger: safer). */
static double rel_margin(const plan_ud *u, const plan_eval *e)
{
    size_t k = deciding(u, e);
    return slo_margin(&u->slo[k], e->st[k].mean) / fmax(fabs(u->slo[k].bound), 1e-300);
}

typedef struct { double cost, margin; size_t i; } rank_key;

/* Cheapest first; then the larger relative margin of the deciding SLO;
 * then the earlier point. */
static int by_cost(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    if (x->margin != y->margin && isfinite(x->margin) && isfinite(y->margin))
        return x->margin > y->margin ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* order[0..*nmeet) the points meeting every SLO ranked; the rest follow in
 * point order. -1 when out of memory. */
static int rank_points(const plan_ud *u, size_t n, size_t *order, size_t *nmeet)
{
    rank_key *key = calloc(n ? n : 1, sizeof *key);
    size_t m = 0, r = 0;
    if (!key)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (u->ev[i].feasible)
            key[m++] = (rank_key){ u->ev[i].usd_per_hour, rel_margin(u, &u->ev[i]), i };
    qsort(key, m, sizeof *key, by_cost);
    for (size_t q = 0; q < m; q++)
        order[q] = key[q].i;
    free(key);
    for (size_t i = 0; i < n; i++)
        if (!u->ev[i].feasible)
            order[m + r++] = i;
    *nmeet = m;
    return 0;
}

/* Point i's assignments, one string each ("PATH=VALUE"; a tuple gives one
 * per path), into pts->sets. 0, or -1 when out of memory or too long. */
static int point_sets(const vary_set *vs, size_t i, points_point *pt)
{
    size_t np = 0;
    for (size_t k = 0; k < vs->ndims; k++)
        np += vary_nparts(vs, k);
    pt->nsets = 0;
    if (!(pt->sets = calloc(np, sizeof *pt->sets)))
        return -1;
    for (size_t k = 0; k < vs->ndims; k++)
        for (size_t j = 0; j < vary_nparts(vs, k); j++) {
            char buf[4096];
            const char *as = vary_part(vs, i, k, j, buf, sizeof buf);
            if (!as || !(pt->sets[pt->nsets] = strdup(as)))
                return -1;
            pt->nsets++;
        }
    return 0;
}

/* The GPU names the prices object prices, for a message. */
static const char *priced_list(const cJSON *cost, char *buf, size_t len)
{
    const cJSON *e;
    size_t at = 0;
    buf[0] = '\0';
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(cost, "usd_per_gpu_hour_by_gpu")) {
        int w = snprintf(buf + at, len - at, "%s%s", at ? ", " : "", e->string);
        if (w < 0 || (size_t)w >= len - at)
            break;
        at += (size_t)w;
    }
    return at ? buf : "none";
}

/* Load every point once (its scenario's exit-2 message on bad input),
 * and price it: the GPUs it holds and their price. */
static int price_points(const points_base *b, const points_point *pts, const plan_opts *o, const cJSON *cost,
                        const char *from, plan_eval *ev, size_t n, FILE *err)
{
    char msg[1024], lab[512], list[512];
    for (size_t i = 0; i < n; i++) {
        scn *sc = NULL;
        int rc = points_load(b, &pts[i], &sc, msg, sizeof msg);
        if (rc != CLI_OK) {
            fprintf(err, "slicesim plan: at %s: %s\n", point_label(&o->vs, i, lab, sizeof lab), msg);
            return rc;
        }
        snprintf(ev[i].gpu, sizeof ev[i].gpu, "%s", sc->cfg.gpu->name);
        ev[i].gpus = price_gpus_held(&sc->cfg);
        scn_free(sc);
        if (ev[i].gpus < 0) {
            fprintf(err, "slicesim plan: out of memory\n");
            return CLI_INTERNAL;
        }
        price_info p = price_of_gpu(cost, ev[i].gpu);
        if (!p.given) {
            fprintf(err, "slicesim plan: %s: GPU \"%s\" (at %s) has no price; allowed: a GPU priced in %s "
                    "(usd_per_gpu_hour_by_gpu: %s), or a usd_per_gpu_hour for every GPU; "
                    "give cost.usd_per_gpu_hour_by_gpu.%s in the scenario or --prices FILE%s\n",
                    from, ev[i].gpu, point_label(&o->vs, i, lab, sizeof lab), from,
                    priced_list(cost, list, sizeof list), ev[i].gpu,
                    o->vs.ndims == 1 && o->vs.dims[0].numeric
                        ? " (or --goal max|min: the largest or smallest value meeting the SLOs, unpriced)" : "");
            return CLI_BAD_INPUT;
        }
        ev[i].usd_per_gpu_hour = p.usd_per_gpu_hour;
        ev[i].usd_per_hour = ev[i].gpus * p.usd_per_gpu_hour;
    }
    return CLI_OK;
}

/* The "set" list (one assignment per path) of point i. */
static cJSON *set_array(const vary_set *vs, size_t i)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; a && k < vs->ndims; k++)
        for (size_t j = 0; j < vary_nparts(vs, k); j++) {
            char buf[4096];
            const char *as = vary_part(vs, i, k, j, buf, sizeof buf);
            cJSON_AddItemToArray(a, cJSON_CreateString(as ? as : ""));
        }
    return a;
}

/* Point i of a cost plan as plan.json states it; rank 0: not meeting. */
static cJSON *cost_point_json(const plan_opts *o, const plan_ud *u, size_t i, size_t rank)
{
    const plan_eval *e = &u->ev[i];
    cJSON *p = cJSON_CreateObject();
    if (rank)
        cJSON_AddNumberToObject(p, "rank", (double)rank);
    cJSON_AddNumberToObject(p, "index", (double)i);
    cJSON_AddItemToObject(p, "values", sweepio_values(i, &o->vs));
    cJSON_AddItemToObject(p, "set", set_array(&o->vs, i));
    cJSON_AddStringToObject(p, "gpu", e->gpu);
    cJSON_AddNumberToObject(p, "gpus", e->gpus);
    cJSON_AddNumberToObject(p, "usd_per_gpu_hour", e->usd_per_gpu_hour);
    cJSON_AddNumberToObject(p, "usd_per_hour", e->usd_per_hour);
    cJSON_AddBoolToObject(p, "meets_slos", e->feasible);
    cJSON_AddStringToObject(p, "verdict", sim_verdict_name(e->verdict));
    if (e->verdict == SIM_VERDICT_UNCERTAIN)
        cJSON_AddNumberToObject(p, "replications_to_resolve", (double)e->reps_to_resolve);
    size_t k = deciding(u, e);
    cJSON_AddItemToObject(p, "deciding", slo_json(&u->slo[k], e->st[k], e->unsteady[k]));
    cJSON *l = cJSON_AddArrayToObject(p, "slos");
    for (size_t m = 0; m < u->nslo; m++)
        cJSON_AddItemToArray(l, slo_json(&u->slo[m], e->st[m], e->unsteady[m]));
    return p;
}

static cJSON *cost_doc(const plan_opts *o, const scn *base, const plan_ud *u, const size_t *order,
                       size_t n, size_t nmeet, const cJSON *cost, const char *from)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "slicesim_version", SLICESIM_VERSION);
    cJSON_AddStringToObject(doc, "scenario", base->name);
    cJSON_AddStringToObject(doc, "goal", "cost");
    cJSON_AddStringToObject(doc, "cost_unit", "USD/h");
    cJSON *pr = cJSON_AddObjectToObject(doc, "prices");
    cJSON_AddStringToObject(pr, "from", from);
    static const char *const meta[] = { "note", "date", "source" };
    for (int m = 0; m < 3; m++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(cost, meta[m]);
        if (cJSON_IsString(x))
            cJSON_AddStringToObject(pr, meta[m], x->valuestring);
    }
    cJSON *dims = cJSON_AddArrayToObject(doc, "vary");
    for (size_t k = 0; k < o->vs.ndims; k++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "path", o->vs.dims[k].path);
        cJSON_AddNumberToObject(d, "values", (double)o->vs.dims[k].n);
        cJSON_AddItemToArray(dims, d);
    }
    cJSON *s = cJSON_AddArrayToObject(doc, "slos");
    for (size_t k = 0; k < u->nslo; k++)
        cJSON_AddItemToArray(s, cJSON_CreateString(u->slo[k].text));
    cJSON_AddNumberToObject(doc, "points_total", (double)n);
    cJSON_AddNumberToObject(doc, "meeting", (double)nmeet);
    cJSON *r = cJSON_AddArrayToObject(doc, "ranked");
    for (size_t q = 0; q < nmeet; q++)
        cJSON_AddItemToArray(r, cost_point_json(o, u, order[q], q + 1));
    cJSON *x = cJSON_AddArrayToObject(doc, "not_meeting");
    for (size_t q = nmeet; q < n; q++)
        cJSON_AddItemToArray(x, cost_point_json(o, u, order[q], 0));
    if (nmeet)
        cJSON_AddItemToObject(doc, "answer", cost_point_json(o, u, order[0], 1));
    else
        cJSON_AddNullToObject(doc, "answer");
    return doc;
}

/* plan.csv: one row per point, the ranked ones first. */
static void cost_csv(FILE *f, const plan_opts *o, const plan_ud *u)
{
    size_t n = vary_points(&o->vs);
    fputs("rank,index", f);
    for (size_t k = 0; k < o->vs.ndims; k++) {
        fputc(',', f);
        report_csv_field(f, o->vs.dims[k].path);
    }
    fputs(",gpu,gpus,usd_per_gpu_hour,usd_per_hour,meets_slos,verdict,deciding_slo,deciding_value,"
          "deciding_lo,deciding_hi,deciding_margin\n", f);
    for (size_t q = 0; q < n; q++) {
        size_t i = u->order[q];
        const plan_eval *e = &u->ev[i];
        if (e->feasible)
            fprintf(f, "%zu", q + 1);
        fprintf(f, ",%zu", i);
        for (size_t k = 0; k < o->vs.ndims; k++) {
            const char *v = vary_value(&o->vs, i, k);
            fputc(',', f);
            if (v[0] == '"' && v[strlen(v) - 1] == '"' && strlen(v) >= 2)
                fprintf(f, "%.*s", (int)strlen(v) - 2, v + 1);
            else
                report_csv_field(f, v);
        }
        size_t k = deciding(u, e);
        report_stat st = e->st[k];
        fputc(',', f);
        report_csv_field(f, e->gpu);
        fprintf(f, ",%d,%.10g,%.10g,%s,%s,", e->gpus, e->usd_per_gpu_hour, e->usd_per_hour,
                e->feasible ? "true" : "false", sim_verdict_name(e->verdict));
        report_csv_field(f, u->slo[k].text);
        fprintf(f, ",%.10g,", shown(st.mean));
        if (isfinite(st.lo))
            fprintf(f, "%.10g,%.10g", st.lo, st.hi);
        else
            fputc(',', f);
        fprintf(f, ",%.10g\n", shown(slo_margin(&u->slo[k], st.mean)));
    }
}

/* The terminal table: the ranked configurations, then the count of those
 * not meeting every SLO and the uncertain ones' replications. */
static void print_cost(FILE *f, const plan_opts *o, const plan_ud *u, const size_t *order, size_t n, size_t nmeet)
{
    const char *names[TAB_MAX_COLS + 1];
    size_t nc = 0, nd = o->vs.ndims < TAB_MAX_COLS - 8 ? o->vs.ndims : TAB_MAX_COLS - 8;
    char head[TAB_MAX_COLS][TAB_CELL];
    names[nc++] = "rank";
    for (size_t k = 0; k < nd; k++) {
        const char *p = o->vs.dims[k].path, *e = strchr(p, '+');
        snprintf(head[k], sizeof head[k], "<%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
        names[nc++] = head[k];
    }
    names[nc++] = "<gpu";
    names[nc++] = "gpus";
    names[nc++] = "USD/h";
    names[nc++] = "<deciding SLO";
    names[nc++] = "value [95% CI]";
    names[nc++] = "margin";
    names[nc] = NULL;
    fprintf(f, "plan: %zu configurations", n);
    for (size_t k = 0; k < o->vs.ndims; k++)
        fprintf(f, "%s%s (%zu)", k ? " x " : " = ", o->vs.dims[k].path, o->vs.dims[k].n);
    fprintf(f, "; %zu meet every SLO", nmeet);
    if (!nmeet) {
        fprintf(f, "\n");
    } else {
        fprintf(f, ", cheapest first (USD per hour of the fleet: GPUs held x USD per GPU-hour):\n");
        tab t;
        if (tab_init(&t, names) == 0) {
            for (size_t q = 0; q < nmeet; q++) {
                size_t i = order[q];
                const plan_eval *e = &u->ev[i];
                size_t k = deciding(u, e);
                char b1[TAB_CELL], b2[64];
                tab_add(&t, "%zu", q + 1);
                for (size_t d = 0; d < nd; d++)
                    tab_add(&t, "%s", cell_value(&o->vs, i, d, b1, sizeof b1));
                tab_add(&t, "%s", e->gpu);
                tab_add(&t, "%d", e->gpus);
                tab_add(&t, "%s", tab_num(b2, sizeof b2, e->usd_per_hour));
                tab_add(&t, "%s", u->slo[k].text);
                tab_add(&t, "%s", tab_ci(b1, sizeof b1, &e->st[k]));
                tab_add(&t, "%s", tab_num(b2, sizeof b2, slo_margin(&u->slo[k], e->st[k].mean)));
            }
            tab_print(&t, f, "  ");
            tab_free(&t);
        }
    }
    size_t missed = 0, unc = 0;
    for (size_t q = nmeet; q < n; q++) {
        missed += u->ev[order[q]].verdict == SIM_VERDICT_MISSED;
        unc += u->ev[order[q]].verdict == SIM_VERDICT_UNCERTAIN;
    }
    if (n > nmeet)
        fprintf(f, "not meeting every SLO: %zu (missed %zu, uncertain %zu); plan.csv lists them\n",
                n - nmeet, missed, unc);
    for (size_t i = 0; i < n; i++) {
        const plan_eval *e = &u->ev[i];
        if (e->verdict != SIM_VERDICT_UNCERTAIN)
            continue;
        char lab[512];
        size_t k = deciding(u, e);
        fprintf(f, "uncertain: %s:", point_label(&o->vs, i, lab, sizeof lab));
        print_figure(f, &u->slo[k], e->st[k], 1);
        const char *r = slo_reason(&u->slo[k], &e->st[k], e->unsteady[k]);
        double nr = (double)e->reps_to_resolve;
        if (r && strcmp(r, "not_in_steady_state") == 0)
            fprintf(f, "; not in steady state (the backlog grew): lengthen duration_s to see whether it holds\n");
        else if (nr >= SLO_REPS_MAX)
            fprintf(f, "; it sits on the bound: no practical number of replications would decide it\n");
        else
            fprintf(f, "; about %.0f replications (--reps %.0f) would decide it\n", nr, nr);
    }
    if (nmeet) {
        const plan_eval *e = &u->ev[order[0]];
        char lab[512];
        size_t k = deciding(u, e);
        fprintf(f, "cheapest: %s: %d x %s at %.6g USD/h (%.6g USD per GPU-hour); deciding:",
                point_label(&o->vs, order[0], lab, sizeof lab), e->gpus, e->gpu, e->usd_per_hour,
                e->usd_per_gpu_hour);
        print_figure(f, &u->slo[k], e->st[k], 1);
        fprintf(f, ", margin %.6g\n", shown(slo_margin(&u->slo[k], e->st[k].mean)));
    }
}

static int run_cost(plan_opts *o, const scn *base, const slo_expr *slo, outfile_set *set, FILE *out, FILE *err)
{
    char msg[1024];
    size_t n = vary_points(&o->vs);
    cJSON *own = NULL;
    const cJSON *cost = cJSON_GetObjectItemCaseSensitive(base->root, "cost");
    const char *from = "the scenario's cost object";
    if (o->prices) {
        if (!(own = price_load(o->prices, msg, sizeof msg))) {
            fprintf(err, "slicesim plan: --prices %s\n", msg);
            return CLI_BAD_INPUT;
        }
        cost = own;
        from = o->prices;
    }
    plan_eval *ev = calloc(n, sizeof *ev);
    points_point *pts = calloc(n, sizeof *pts);
    size_t *order = calloc(n, sizeof *order);
    int rc = ev && pts && order ? CLI_OK : CLI_INTERNAL;
    for (size_t i = 0; rc == CLI_OK && i < n; i++)
        if (point_sets(&o->vs, i, &pts[i]) < 0)
            rc = CLI_INTERNAL;
    if (rc != CLI_OK)
        fprintf(err, "slicesim plan: out of memory (or a --vary value too long)\n");
    plan_ud u = { &o->vs, slo, o->nslo, 0, ev, NULL };
    points_base b = { o->c.scenario, o->c.sets, o->c.nsets, o->c.seed, o->c.reps, base->root };
    if (rc == CLI_OK)
        rc = price_points(&b, pts, o, cost, from, ev, n, err);
    if (rc == CLI_OK)
        rc = points_run(&b, pts, n, o->jobs > 0 ? (int)o->jobs : points_jobs(), 0, on_point, &u, "plan", err);
    if (rc == CLI_OK) {
        size_t nmeet = 0;
        cJSON *doc = rank_points(&u, n, order, &nmeet) == 0 ? cost_doc(o, base, &u, order, n, nmeet, cost, from)
                                                             : NULL;
        if (doc) {
            print_cost(out, o, &u, order, n, nmeet);
            print_validation(out, ev, n);
            fflush(out);
            print_warnings(err, o, ev, n);
        }
        u.order = order;
        rc = doc ? write_outputs(o, base, &u, doc, cost_csv, set, err) : CLI_INTERNAL;
        cJSON_Delete(doc);
    }
    for (size_t i = 0; pts && i < n; i++) {
        for (size_t j = 0; j < pts[i].nsets; j++)
            free(pts[i].sets[j]);
        free(pts[i].sets);
    }
    for (size_t i = 0; ev && i < n; i++) {
        cJSON_Delete(ev[i].point);
        flags_free(&ev[i].fl);
    }
    free(pts);
    free(ev);
    free(order);
    cJSON_Delete(own);
    return rc;
}

static int run_plan(plan_opts *o, const scn *base, FILE *out, FILE *err)
{
    slo_expr slo[MAX_SLOS];
    for (size_t k = 0; k < o->nslo; k++)
        if (slo_parse(o->slo_text[k], base, &slo[k], err) < 0)
            return CLI_BAD_INPUT;
    int goal = o->goal ? o->goal : o->vs.ndims > 1 || !o->vs.dims[0].numeric ? GOAL_COST
             : default_goal(o->vs.dims[0].path);
    if (goal != GOAL_COST && sort_candidates(&o->vs.dims[0], err) < 0)
        return CLI_BAD_INPUT;
    outfile_set set;
    char msg[1024];
    if (outfile_set_begin(&set, o->c.outdir, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim plan: -o %s\n", msg);
        return CLI_BAD_INPUT;
    }
    if (goal == GOAL_COST) {
        int rc = run_cost(o, base, slo, &set, out, err);
        outfile_set_abort(&set);
        return rc;
    }
    size_t n = o->vs.dims[0].n;
    plan_eval *ev = calloc(n, sizeof *ev);
    if (!ev) {
        fprintf(err, "slicesim plan: out of memory\n");
        outfile_set_abort(&set);
        return CLI_INTERNAL;
    }
    plan_ud u = { &o->vs, slo, o->nslo, 0, ev, NULL };
    points_base b = { o->c.scenario, o->c.sets, o->c.nsets, o->c.seed, o->c.reps, base->root };
    long ans = -1;
    int rc = bisect(&b, &u, n, goal, &ans, err);
    if (rc == CLI_OK) {
        cJSON *doc = plan_doc(o, base, &u, ans, goal);
        print_answer(out, o, &u, ans, goal);
        print_validation(out, ev, n);
        fflush(out);
        print_warnings(err, o, ev, n);
        rc = write_outputs(o, base, &u, doc, NULL, &set, err);
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
    char prices[1024];
    rc = from_block(&o, base, prices, sizeof prices, err) < 0 ? CLI_BAD_INPUT : run_plan(&o, base, out, err);
    scn_free(base);
    vary_free(&o.vs);
    return rc;
}
