/* cmd_sweep.c -- `slicesim sweep SCENARIO --vary PATH=VALUES... -o DIR
 * [--jobs N] [--shard K/N] [--plot] [--set PATH=VALUE]... [--seed N] [--reps N]`
 *
 * Runs every point of the cartesian product of the --vary values (or the
 * K-th of N shards of them: the points i with i mod N = K-1) on parallel
 * threads and writes DIR/sweep.json and DIR/sweep.csv (cli/sweepio.h).
 *
 * Every finished point is also kept as DIR/.slicesim-points/KEY.json, KEY
 * its identity (points_key_of: the point's scenario hash, seed, replications
 * and the version), written as it finishes; with --resume a point whose KEY
 * file exists is taken from it instead of run again, so an interrupted sweep
 * rerun with --resume runs only what it had not finished, and gives the same
 * bytes as an uninterrupted one. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/points.h"
#include "cli/report.h"
#include "cli/sweepio.h"
#include "plots/figures.h"
#include "cli/table.h"
#include "plots/charts.h"


typedef struct {
    cli_scn_opts c;
    long        jobs, shard_k, shard_n;
    int         plot, resume;
    vary_set    vs;
} sweep_opts;

static const char USAGE[] =
    "usage: slicesim sweep SCENARIO.json --vary PATH=V1,V2,...|PATH=A:B:STEP [--vary ...] -o DIR\n"
    "       [--jobs N] [--shard K/N] [--plot] [--set PATH=VALUE]... [--seed N] [--reps N]\n";

/* "K/N" with 1 <= K <= N. */
static int parse_shard(const char *text, long *k, long *n, FILE *err)
{
    char *end;
    const char *slash = text ? strchr(text, '/') : NULL;
    if (slash) {
        *k = strtol(text, &end, 10);
        if (end == slash && slash > text) {
            *n = strtol(slash + 1, &end, 10);
            if (*end == '\0' && slash[1] != '\0' && *n >= 1 && *n <= 1000000 && *k >= 1 && *k <= *n)
                return 0;
        }
    }
    fprintf(err, "slicesim sweep: --shard: value \"%s\" is not allowed; allowed: K/N with 1 <= K <= N "
            "(e.g. 3/8, the third of eight slices)\n", text ? text : "(missing)");
    return -1;
}

static const cli_opt SWEEP_OPTS[] = {
    { "--vary", 1, "PATH=V1,V2,...", "a parameter and its values, or A:B:STEP (repeatable: the cartesian product)" },
    { "--jobs", 1, "N", "points run in parallel, 1 to 256 (default: the cores)" },
    { "--shard", 1, "K/N", "run only the K-th of N slices of the points (merge them with slicesim merge)" },
    { "--plot", 0, NULL, "draw the charts into DIR" },
    { "--resume", 0, NULL, "reuse the points DIR already holds whose scenario hash, seed and replications match" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec SWEEP_SPEC = {
    "sweep", "SCENARIO.json", "The cartesian product of values, in parallel, identical to a serial run "
    "(needs --vary and -o).",
    SWEEP_OPTS, NULL,
};

static int sweep_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    sweep_opts *o = ctx;
    if (strcmp(a, "--plot") == 0) {
        o->plot = 1;
        return 0;
    }
    if (strcmp(a, "--resume") == 0) {
        o->resume = 1;
        return 0;
    }
    if (strcmp(a, "--jobs") == 0)
        return cli_parse_long("--jobs", val, 1, 256, &o->jobs, err);
    if (strcmp(a, "--shard") == 0)
        return parse_shard(val, &o->shard_k, &o->shard_n, err);
    return vary_add(&o->vs, val, err);
}

static int parse_opts(int argc, char **argv, sweep_opts *o, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    cli_scn_opts_init(&o->c);
    o->jobs = points_jobs();
    o->shard_k = o->shard_n = 1;
    int r = cli_scn_parse(&SWEEP_SPEC, argc, argv, &o->c, sweep_opt, o, out, err);
    if (r != 0)
        return r;
    if (!o->c.scenario || !o->c.outdir || o->vs.ndims == 0) {
        fprintf(err, "slicesim sweep: needs a scenario, at least one --vary and -o DIR\n%s", USAGE);
        return -1;
    }
    return 0;
}

typedef struct {
    const vary_set *vs;
    size_t         *index;      /* local slot -> global point index */
    cJSON         **rows;       /* local slot -> point record */
    size_t         *slot;       /* run order -> local slot */
    const char     *cache;      /* DIR/.slicesim-points */
} sweep_ud;

#define CACHE_DIR ".slicesim-points"
/* A cache file's members (private to this file): the point's key and its
 * record, a point of sweep.json (plots/figures.h, scope FIG_POINT). */
#define CACHE_KEY   "key"
#define CACHE_POINT "point"

/* Keep point record p under key in the cache, through a temporary and a
 * rename, so that a point file is whole or absent. Best effort: a cache that
 * cannot be written only costs a rerun. */
static void cache_put(const char *cache, const char *key, size_t slot, const cJSON *p)
{
    char path[4400], tmp[4500];
    cJSON *doc = cJSON_CreateObject();
    if (!doc)
        return;
    cJSON_AddStringToObject(doc, CACHE_KEY, key);
    cJSON_AddItemToObject(doc, CACHE_POINT, cJSON_Duplicate(p, 1));
    char *text = cJSON_Print(doc);
    cJSON_Delete(doc);
    snprintf(path, sizeof path, "%s/%s.json", cache, key);
    snprintf(tmp, sizeof tmp, "%s/.%s.%ld.%zu.tmp", cache, key, (long)getpid(), slot);
    FILE *f = text ? fopen(tmp, "w") : NULL;
    if (f) {
        int ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
        ok = fclose(f) == 0 && ok;
        if (!ok || rename(tmp, path) != 0)
            remove(tmp);
    }
    free(text);
}

/* The cached record of key, with its index and values set for global point
 * i; NULL when there is none (or it is not whole). */
static cJSON *cache_get(const char *cache, const char *key, size_t i, const vary_set *vs)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s.json", cache, key);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = NULL;
    size_t len = 0, cap = 0, got;
    char buf[65536];
    while ((got = fread(buf, 1, sizeof buf, f)) > 0 && len < ((size_t)64 << 20)) {
        if (len + got + 1 > cap) {
            size_t nc = (len + got + 1) * 2;
            char *t = realloc(text, nc);
            if (!t)
                break;
            text = t;
            cap = nc;
        }
        memcpy(text + len, buf, got);
        len += got;
    }
    fclose(f);
    if (!text)
        return NULL;
    text[len] = '\0';
    cJSON *doc = cJSON_Parse(text), *p = NULL;
    free(text);
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(doc, CACHE_KEY);
    if (cJSON_IsString(k) && strcmp(k->valuestring, key) == 0 &&
        cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, CACHE_POINT)))
        p = cJSON_DetachItemFromObjectCaseSensitive(doc, CACHE_POINT);
    cJSON_Delete(doc);
    if (p) {
        cJSON_ReplaceItemInObjectCaseSensitive(p, fig_get(FIG_P_INDEX)->key, cJSON_CreateNumber((double)i));
        cJSON_ReplaceItemInObjectCaseSensitive(p, fig_get(FIG_P_VALUES)->key, sweepio_values(i, vs));
    }
    return p;
}

static int on_point(size_t i, const scn *sc, const model_result *res, void *ud,
                    char *msg, size_t len)
{
    (void)msg;
    (void)len;
    sweep_ud *u = ud;
    size_t s = u->slot[i];
    char key[128];
    u->rows[s] = sweepio_point(u->index[s], u->vs, sc, res);
    if (u->rows[s] && u->cache && points_key_of(sc, key, sizeof key))
        cache_put(u->cache, key, s, u->rows[s]);
    return u->rows[s] ? 0 : -1;
}

/* The assignments of each point of this shard. */
static int build_points(const sweep_opts *o, points_point **out, size_t **index, size_t *n)
{
    size_t total = vary_points(&o->vs), mine = 0;
    size_t k = (size_t)o->shard_k - 1, nshard = (size_t)o->shard_n;
    *n = total / nshard + (k < total % nshard);
    *out = calloc(*n ? *n : 1, sizeof **out);
    *index = calloc(*n ? *n : 1, sizeof **index);
    if (!*out || !*index)
        return -1;
    for (size_t i = k; i < total; i += nshard, mine++) {
        points_point *p = &(*out)[mine];
        (*index)[mine] = i;
        size_t nparts = 0;
        for (size_t d = 0; d < o->vs.ndims; d++)
            nparts += vary_nparts(&o->vs, d);
        p->sets = calloc(nparts, sizeof *p->sets);
        if (!p->sets)
            return -1;
        for (size_t d = 0; d < o->vs.ndims; d++)
            for (size_t j = 0; j < vary_nparts(&o->vs, d); j++) {
                char buf[4096];
                const char *as = vary_part(&o->vs, i, d, j, buf, sizeof buf);
                if (!as || !(p->sets[p->nsets] = strdup(as)))
                    return -1;
                p->nsets++;
            }
    }
    return 0;
}

static void free_points(points_point *pts, size_t n)
{
    for (size_t i = 0; pts && i < n; i++) {
        for (size_t d = 0; d < pts[i].nsets; d++)
            free(pts[i].sets[d]);
        free(pts[i].sets);
    }
    free(pts);
}

/* Figure v of a point's tenant t with its interval [lo, hi], for tab_ci. */
static sim_ci fig_ci(const cJSON *t, fig_id v, fig_id lo, fig_id hi)
{
    sim_ci c;
    memset(&c, 0, sizeof c);
    c.mean = fig_num(t, v);
    c.lo = fig_num(t, lo);
    c.hi = fig_num(t, hi);
    return c;
}

/* One row per point: its values, then per tenant throughput and p95 with
 * their intervals. */
static void print_table(FILE *f, const cJSON *doc)
{
    const cJSON *p, *t, *d, *v;
    const char *names[TAB_MAX_COLS + 1];
    char heads[TAB_MAX_COLS][TAB_CELL];
    size_t nc = 0;
    names[nc++] = "point";
    cJSON_ArrayForEach(d, fig_item(doc, FIG_W_VARY))
        if (nc < TAB_MAX_COLS)
            names[nc++] = fig_str(d, FIG_V_PATH);
    const cJSON *p0 = cJSON_GetArrayItem(fig_item(doc, FIG_W_POINTS), 0);
    cJSON_ArrayForEach(t, fig_item(p0, FIG_P_TENANTS))
        if (nc + 2 <= TAB_MAX_COLS) {
            const char *name = fig_str(t, FIG_T_NAME);
            const char *unit = fig_str(t, FIG_T_THROUGHPUT_UNIT);
            snprintf(heads[nc], TAB_CELL, "%s %s [95%% CI]", name, unit ? unit : "");
            names[nc] = heads[nc];
            nc++;
            snprintf(heads[nc], TAB_CELL, "%s p95 ms [95%% CI]", name);
            names[nc] = heads[nc];
            nc++;
        }
    names[nc] = NULL;
    tab tb;
    if (tab_init(&tb, names) < 0)
        return;
    cJSON_ArrayForEach(p, fig_item(doc, FIG_W_POINTS)) {
        size_t k = 1;
        char a[TAB_CELL];
        tab_add(&tb, "%.0f", fig_num(p, FIG_P_INDEX));
        cJSON_ArrayForEach(v, fig_item(p, FIG_P_VALUES))
            if (k++ < TAB_MAX_COLS) {
                if (cJSON_IsNumber(v))
                    tab_add(&tb, "%.10g", v->valuedouble);
                else if (cJSON_IsString(v))
                    tab_add(&tb, "%s", v->valuestring);
                else {
                    char *s = cJSON_PrintUnformatted(v);
                    tab_add(&tb, "%s", s ? s : "?");
                    free(s);
                }
            }
        cJSON_ArrayForEach(t, fig_item(p, FIG_P_TENANTS))
            if (k + 2 <= nc + 1 && k < nc) {
                sim_ci th = fig_ci(t, FIG_T_THROUGHPUT, FIG_T_THROUGHPUT_LO, FIG_T_THROUGHPUT_HI);
                sim_ci q = fig_ci(t, FIG_T_LAT_P95, FIG_T_LAT_P95_LO, FIG_T_LAT_P95_HI);
                tab_add(&tb, "%s", tab_ci(a, sizeof a, &th));
                tab_add(&tb, "%s", tab_ci(a, sizeof a, &q));
                k += 2;
            }
    }
    tab_print(&tb, f, "");
    tab_free(&tb);
    int used[ACC_MAX_FAMILIES] = { 0 };
    cJSON_ArrayForEach(p, fig_item(doc, FIG_W_POINTS))
        report_validation_mark(fig_item(p, FIG_P_TENANTS), used);
    report_validation_table(f, used);
}

/* Every point's warnings (summary "warnings") on err, each text once with
 * the points it concerns. */
static void print_warnings(FILE *err, const cJSON *doc)
{
    const cJSON *pts = fig_item(doc, FIG_W_POINTS), *p, *w;
    int n = cJSON_GetArraySize(pts), i = 0;
    cJSON_ArrayForEach(p, pts) {
        cJSON_ArrayForEach(w, fig_item(p, FIG_P_WARNINGS)) {
            int seen = 0;
            for (int j = 0; j < i && !seen; j++) {
                const cJSON *x;
                cJSON_ArrayForEach(x, fig_item(cJSON_GetArrayItem(pts, j), FIG_P_WARNINGS))
                    seen |= cJSON_IsString(x) && strcmp(x->valuestring, w->valuestring) == 0;
            }
            if (seen || !cJSON_IsString(w))
                continue;
            fprintf(err, "slicesim: sweep: warning (point %.0f", fig_num(p, FIG_P_INDEX));
            for (int j = i + 1; j < n; j++) {
                const cJSON *q = cJSON_GetArrayItem(pts, j), *x;
                cJSON_ArrayForEach(x, fig_item(q, FIG_P_WARNINGS))
                    if (cJSON_IsString(x) && strcmp(x->valuestring, w->valuestring) == 0) {
                        fprintf(err, ", %.0f", fig_num(q, FIG_P_INDEX));
                        break;
                    }
            }
            fprintf(err, "): %s\n", w->valuestring);
        }
        i++;
    }
}

static int run_sweep(sweep_opts *o, const scn *base, FILE *out, FILE *err)
{
    points_point *pts = NULL, *todo = NULL;
    size_t *index = NULL, *slot = NULL, n = 0;
    cJSON **rows = NULL, *doc = NULL;
    int rc = CLI_INTERNAL;
    char msg[1024];
    outfile_set set;
    memset(&set, 0, sizeof set);
    points_base b = { o->c.scenario, o->c.sets, o->c.nsets, o->c.seed, o->c.reps, base->root };
    if (build_points(o, &pts, &index, &n) < 0 || !(rows = calloc(n ? n : 1, sizeof *rows))) {
        fprintf(err, "slicesim sweep: out of memory\n");
        goto out;
    }
    if ((rc = points_validate(&b, pts, n, "sweep", err)) != CLI_OK)
        goto out;
    if (outfile_set_begin(&set, o->c.outdir, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim sweep: -o %s\n", msg);
        rc = CLI_BAD_INPUT;
        goto out;
    }
    /* the point cache beside the set; with --resume, the points it holds */
    char cache[4200];
    snprintf(cache, sizeof cache, "%s/%s", o->c.outdir, CACHE_DIR);
    int cached = outfile_mkdirs(cache) == 0;
    if (!(slot = calloc(n ? n : 1, sizeof *slot)) || !(todo = calloc(n ? n : 1, sizeof *todo))) {
        fprintf(err, "slicesim sweep: out of memory\n");
        rc = CLI_INTERNAL;
        goto out;
    }
    size_t nrun = 0, reused = 0;
    for (size_t i = 0; i < n; i++) {
        char key[128];
        if (o->resume && cached) {
            if ((rc = points_key(&b, &pts[i], key, sizeof key, msg, sizeof msg)) != CLI_OK) {
                fprintf(err, "slicesim sweep: %s\n", msg);
                goto out;
            }
            if ((rows[i] = cache_get(cache, key, index[i], &o->vs))) {
                reused++;
                continue;
            }
        }
        todo[nrun] = pts[i];
        slot[nrun++] = i;
    }
    if (o->resume)
        fprintf(err, "slicesim sweep: --resume: %zu of %zu point%s reused from %s, %zu to run\n", reused, n,
                n == 1 ? "" : "s", cache, nrun);
    sweep_ud u = { &o->vs, index, rows, slot, cached ? cache : NULL };
    rc = points_run(&b, todo, nrun, (int)o->jobs, isatty(fileno(err)), on_point, &u, "sweep", err);
    if (rc != CLI_OK)
        goto out;
    doc = sweepio_header(base, o->c.seed, o->c.reps, &o->vs, o->c.sets, o->c.nsets, vary_points(&o->vs));
    if (!doc) {
        rc = CLI_INTERNAL;
        goto out;
    }
    if (o->shard_n > 1 && sweepio_shard(doc, (size_t)o->shard_k, (size_t)o->shard_n) < 0) {
        rc = CLI_INTERNAL;
        goto out;
    }
    cJSON *arr = fig_member(doc, FIG_W_POINTS);
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(arr, rows[i]);
        rows[i] = NULL;
    }
    print_table(out, doc);
    fflush(out);
    print_warnings(err, doc);
    rc = sweepio_write(outfile_set_dir(&set), doc, "sweep", err);
    if (rc == CLI_OK && o->plot && o->shard_n == 1 && charts_sweep(outfile_set_dir(&set), err) < 0)
        rc = CLI_INTERNAL;
    if (rc == CLI_OK)
        rc = sweepio_commit(&set, doc, "sweep", err);
out:
    outfile_set_abort(&set);
    for (size_t i = 0; rows && i < n; i++)
        cJSON_Delete(rows[i]);
    free(rows);
    free(index);
    free(slot);
    free(todo);
    free_points(pts, n);
    cJSON_Delete(doc);
    return rc;
}

int cli_cmd_sweep(int argc, char **argv, FILE *out, FILE *err)
{
    sweep_opts o;
    char msg[1024];
    scn *base = NULL;
    int rc;
    int pr = parse_opts(argc, argv, &o, out, err);
    if (pr != 0) {
        vary_free(&o.vs);
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    }
    rc = scn_load(o.c.scenario, o.c.sets, o.c.nsets, &base, msg, sizeof msg);
    if (rc != SCN_OK) {
        fprintf(err, "slicesim: %s\n", msg);
        vary_free(&o.vs);
        return rc == SCN_BAD_INPUT ? CLI_BAD_INPUT : CLI_INTERNAL;
    }
    rc = run_sweep(&o, base, out, err);
    scn_free(base);
    vary_free(&o.vs);
    return rc;
}
