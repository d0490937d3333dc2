/* sweepio.c -- sweep.json and the sweep.csv derived from it.
 * Invariant: the CSV is a pure function of the JSON document, and the JSON
 * holds points in index order; so a merged set of shards and a single run
 * write identical bytes. */
#include "cli/sweepio.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/report.h"
#include "plots/figures.h"
#include "scenarios/jv.h"
#include "scenarios/textfile.h"

#define MAX_FILE_BYTES (1L << 30)

static cJSON *parse_value(const char *text)
{
    cJSON *x = cJSON_ParseWithOpts(text, NULL, 1);
    return x ? x : cJSON_CreateString(text);
}

cJSON *sweepio_header(const scn *base, long seed, long reps, const vary_set *vs,
                      char *const *sets, size_t nsets, size_t total)
{
    char hash[32];
    fig_row r;
    cJSON *d = NULL;
    if (!scn_hash(base, hash, sizeof hash) || fig_row_init(&r, FIG_SWEEP) < 0)
        return NULL;
    fig_set_str(&r, FIG_W_VERSION, SLICESIM_VERSION);
    fig_set_str(&r, FIG_W_SCENARIO, base->name);
    fig_set_str(&r, FIG_W_HASH, hash);
    fig_set_num(&r, FIG_W_SEED, seed >= 0 ? (double)seed : (double)base->cfg.seed);
    fig_set_num(&r, FIG_W_REPLICATIONS, reps > 0 ? (double)reps : (double)base->cfg.reps);
    fig_row *dims = fig_set_rows(&r, FIG_W_VARY, vs->ndims);
    int ok = fig_set_strs(&r, FIG_W_SETS, (const char *const *)sets, nsets) == 0 && dims;
    for (size_t k = 0; ok && k < vs->ndims; k++) {
        cJSON *vals = cJSON_CreateArray();
        for (size_t j = 0; vals && j < vs->dims[k].n; j++)
            cJSON_AddItemToArray(vals, parse_value(vs->dims[k].values[j]));
        fig_set_str(&dims[k], FIG_V_PATH, vs->dims[k].path);
        fig_set_raw(&dims[k], FIG_V_VALUES, vals);
        ok = vals != NULL;
    }
    fig_set_num(&r, FIG_W_POINTS_TOTAL, (double)total);
    ok = ok && fig_set_rows(&r, FIG_W_POINTS, 0);
    if (ok)
        d = fig_row_json(&r);
    fig_row_free(&r);
    return d;
}

int sweepio_shard(cJSON *doc, size_t k, size_t n)
{
    static const fig_id SHARD[] = { FIG_W_SHARD };
    fig_row r;
    if (fig_row_init(&r, FIG_SWEEP) < 0)
        return -1;
    fig_set_obj(&r, FIG_W_SHARD);
    fig_set_num(&r, FIG_W_SHARD_INDEX, (double)k);
    fig_set_num(&r, FIG_W_SHARD_COUNT, (double)n);
    cJSON *o = fig_row_json_part(&r, SHARD, 1);
    fig_row_free(&r);
    cJSON *sh = o ? cJSON_DetachItemViaPointer(o, o->child) : NULL;
    cJSON_Delete(o);
    if (!sh)
        return -1;
    cJSON_AddItemToObject(doc, fig_get(FIG_W_SHARD)->key, sh);
    return 0;
}

cJSON *sweepio_values(size_t i, const vary_set *vs)
{
    cJSON *vals = cJSON_CreateObject();
    for (size_t k = 0; vals && k < vs->ndims; k++)
        cJSON_AddItemToObject(vals, vs->dims[k].path, parse_value(vary_value(vs, i, k)));
    return vals;
}

cJSON *sweepio_point(size_t i, const vary_set *vs, const scn *sc, const model_result *res)
{
    fig_row sum, p;
    cJSON *doc = NULL;
    if (report_summary_row(&sum, sc, res) == 0 && fig_row_init(&p, FIG_POINT) == 0) {
        fig_set_num(&p, FIG_P_INDEX, (double)i);
        fig_set_raw(&p, FIG_P_VALUES, sweepio_values(i, vs));
        fig_set_num(&p, FIG_P_SEED, (double)sc->cfg.seed);
        fig_set_num(&p, FIG_P_REPLICATIONS, res->reps);
        fig_move(&p, FIG_P_TENANTS, &sum, FIG_S_TENANTS);
        fig_move(&p, FIG_P_GPUS, &sum, FIG_S_GPUS);
        fig_move(&p, FIG_P_WARNINGS, &sum, FIG_S_WARNINGS);
        if (fig_row_has(&p, FIG_P_VALUES))
            doc = fig_row_json(&p);
        fig_row_free(&p);
    }
    fig_row_free(&sum);
    return doc;
}

/* ---- CSV ---- */

static void csv_json(FILE *f, const cJSON *x)
{
    if (cJSON_IsNumber(x) && isfinite(x->valuedouble)) {
        fprintf(f, "%.10g", x->valuedouble);
    } else if (cJSON_IsString(x)) {
        report_csv_field(f, x->valuestring);
    } else if (cJSON_IsBool(x)) {
        fputs(cJSON_IsTrue(x) ? "true" : "false", f);
    } else if (x && !cJSON_IsNull(x)) {
        char *t = cJSON_PrintUnformatted(x);
        if (t)
            report_csv_field(f, t);
        free(t);
    }
}

static const cJSON *tenant_named(const cJSON *point, const char *name)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, fig_item(point, FIG_P_TENANTS)) {
        const char *n = fig_str(t, FIG_T_NAME);
        if (n && strcmp(n, name) == 0)
            return t;
    }
    return NULL;
}

static void csv_header(FILE *f, const cJSON *vary, const cJSON *first, int ngpus)
{
    const cJSON *d, *t;
    fputs("point", f);
    cJSON_ArrayForEach(d, vary) {
        fputc(',', f);
        csv_json(f, fig_item(d, FIG_V_PATH));
    }
    const fig *tc[FIG_COUNT], *gc[FIG_COUNT];
    size_t nt = fig_csv_cols(FIG_TENANT, tc), ng = fig_csv_cols(FIG_GPU, gc);
    cJSON_ArrayForEach(t, fig_item(first, FIG_P_TENANTS))
        for (size_t c = 0; c < nt; c++) {
            fputc(',', f);
            char col[256];
            snprintf(col, sizeof col, "%s.%s", fig_str(t, FIG_T_NAME), tc[c]->col);
            report_csv_field(f, col);
        }
    for (int g = 0; g < ngpus; g++)
        for (size_t c = 0; c < ng; c++)
            fprintf(f, ",gpu%d.%s", g, gc[c]->col);
    fputc('\n', f);
}

void sweepio_csv(FILE *f, const cJSON *doc)
{
    const cJSON *vary = fig_item(doc, FIG_W_VARY);
    const cJSON *points = fig_item(doc, FIG_W_POINTS);
    const cJSON *first = cJSON_GetArrayItem(points, 0), *p, *d, *t;
    const fig *tc[FIG_COUNT], *gc[FIG_COUNT];
    size_t nt = fig_csv_cols(FIG_TENANT, tc), ng = fig_csv_cols(FIG_GPU, gc);
    int ngpus = 0;
    cJSON_ArrayForEach(p, points) {
        int g = cJSON_GetArraySize(fig_item(p, FIG_P_GPUS));
        ngpus = g > ngpus ? g : ngpus;
    }
    csv_header(f, vary, first, ngpus);
    cJSON_ArrayForEach(p, points) {
        csv_json(f, fig_item(p, FIG_P_INDEX));
        const cJSON *vals = fig_item(p, FIG_P_VALUES);
        cJSON_ArrayForEach(d, vary) {
            fputc(',', f);
            csv_json(f, cJSON_GetObjectItemCaseSensitive(vals, fig_str(d, FIG_V_PATH)));
        }
        cJSON_ArrayForEach(t, fig_item(first, FIG_P_TENANTS)) {
            const cJSON *mine = tenant_named(p, fig_str(t, FIG_T_NAME));
            for (size_t c = 0; c < nt; c++) {
                fputc(',', f);
                if (mine)
                    csv_json(f, fig_item(mine, tc[c]->id));
            }
        }
        const cJSON *gpus = fig_item(p, FIG_P_GPUS);
        for (int g = 0; g < ngpus; g++)
            for (size_t c = 0; c < ng; c++) {
                fputc(',', f);
                csv_json(f, fig_item(cJSON_GetArrayItem(gpus, g), gc[c]->id));
            }
        fputc('\n', f);
    }
}

/* ---- files ---- */

static int commit(outfile *o, const char *cmd, FILE *err)
{
    char msg[512];
    if (outfile_commit(o, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim %s: %s\n", cmd, msg);
        return CLI_INTERNAL;
    }
    return CLI_OK;
}

int sweepio_write_json(const char *dir, const char *name, const cJSON *doc,
                       const char *cmd, FILE *err)
{
    char msg[512];
    outfile o;
    char *text = cJSON_Print(doc);
    if (!text) {
        fprintf(err, "slicesim %s: out of memory writing %s\n", cmd, name);
        return CLI_INTERNAL;
    }
    if (outfile_open(&o, dir, name, msg, sizeof msg) < 0) {     /* the directory was checked: a write failure */
        fprintf(err, "slicesim %s: %s\n", cmd, msg);
        free(text);
        return CLI_INTERNAL;
    }
    fputs(text, o.f);
    fputc('\n', o.f);
    free(text);
    return commit(&o, cmd, err);
}

/* The CSV is made from the JSON text read back, not from the numbers in
 * memory: cJSON prints 15 significant digits when they come back within an
 * epsilon, so only the text is what a merge of shards sees. */
int sweepio_write(const char *dir, const cJSON *doc, const char *cmd, FILE *err)
{
    char msg[512];
    outfile o;
    int rc = sweepio_write_json(dir, "sweep.json", doc, cmd, err);
    if (rc != CLI_OK)
        return rc;
    char *text = cJSON_Print(doc);
    cJSON *back = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!back) {
        fprintf(err, "slicesim %s: out of memory writing sweep.csv\n", cmd);
        return CLI_INTERNAL;
    }
    if (outfile_open(&o, dir, "sweep.csv", msg, sizeof msg) < 0) {
        fprintf(err, "slicesim %s: %s\n", cmd, msg);
        cJSON_Delete(back);
        return CLI_INTERNAL;
    }
    sweepio_csv(o.f, back);
    cJSON_Delete(back);
    return commit(&o, cmd, err);
}

int sweepio_commit(outfile_set *set, const cJSON *doc, const char *cmd, FILE *err)
{
    char msg[1024];
    char hash[64];
    snprintf(hash, sizeof hash, "%s", fig_str(doc, FIG_W_HASH) ? fig_str(doc, FIG_W_HASH) : "");
    cJSON *id = outfile_identity(fig_str(doc, FIG_W_SCENARIO), hash, fig_num(doc, FIG_W_SEED),
                                 fig_num(doc, FIG_W_REPLICATIONS));
    int rc = id && outfile_set_commit(set, cmd, id, msg, sizeof msg) == 0 ? CLI_OK : CLI_INTERNAL;
    if (rc != CLI_OK)
        fprintf(err, "slicesim %s: %s\n", cmd, id ? msg : "out of memory");
    cJSON_Delete(id);
    return rc;
}

/* Every point: a numeric index, a values object, tenants with names. */
static int points_well_formed(const cJSON *doc)
{
    const cJSON *p, *t;
    cJSON_ArrayForEach(p, fig_item(doc, FIG_W_POINTS)) {
        if (!cJSON_IsNumber(fig_item(p, FIG_P_INDEX)) || !cJSON_IsObject(fig_item(p, FIG_P_VALUES)) ||
            !cJSON_IsArray(fig_item(p, FIG_P_TENANTS)))
            return 0;
        cJSON_ArrayForEach(t, fig_item(p, FIG_P_TENANTS))
            if (!fig_str(t, FIG_T_NAME))
                return 0;
    }
    cJSON_ArrayForEach(p, fig_item(doc, FIG_W_VARY))
        if (!fig_str(p, FIG_V_PATH))
            return 0;
    return 1;
}

int sweepio_read(const char *path, cJSON **doc, FILE *err)
{
    char msg[1024];
    *doc = NULL;
    char *text = textfile_read(path, MAX_FILE_BYTES, msg, sizeof msg);
    if (!text) {
        fprintf(err, "slicesim: %s\n", msg);
        return CLI_BAD_INPUT;
    }
    *doc = jv_parse(text, path, msg, sizeof msg);
    free(text);
    if (!*doc) {
        fprintf(err, "slicesim: %s\n", msg);
        return CLI_BAD_INPUT;
    }
    if (!cJSON_IsObject(*doc) || !cJSON_IsArray(fig_item(*doc, FIG_W_POINTS)) ||
        !cJSON_IsArray(fig_item(*doc, FIG_W_VARY)) || !cJSON_IsNumber(fig_item(*doc, FIG_W_POINTS_TOTAL)) ||
        !points_well_formed(*doc)) {
        cJSON_Delete(*doc);
        *doc = NULL;
        fprintf(err, "slicesim: %s: not a sweep.json written by slicesim sweep "
                "(needs \"vary\", \"points_total\" and \"points\")\n", path);
        return CLI_BAD_INPUT;
    }
    return CLI_OK;
}
