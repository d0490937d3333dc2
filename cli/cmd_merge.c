/* cmd_merge.c -- `slicesim merge DIR... -o OUT`: join the sweep.json files
 * of the shards of one sweep (slicesim sweep --shard K/N) into OUT/sweep.json
 * and OUT/sweep.csv, the same bytes a single unsharded run writes.
 * The inputs must come from one sweep (same scenario, sets, vary and point
 * count) and together hold every point exactly once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/sweepio.h"
#include "plots/figures.h"
#include "scenarios/textfile.h"

#define MAX_INPUTS 100000

static const char USAGE[] = "usage: slicesim merge DIR... -o OUT\n";

/* The fields that make two files parts of the same sweep: the version that
 * wrote them, the scenario after --set (by name and by hash), the seed and
 * replications, the --set and --vary lists and the point count. */
static const fig_id SAME[] = { FIG_W_VERSION, FIG_W_SCENARIO, FIG_W_HASH, FIG_W_SEED, FIG_W_REPLICATIONS,
                               FIG_W_SETS, FIG_W_VARY, FIG_W_POINTS_TOTAL };

static int same_sweep(const cJSON *a, const cJSON *b, const char *first, const char *path, FILE *err)
{
    for (size_t k = 0; k < sizeof SAME / sizeof SAME[0]; k++) {
        const cJSON *x = fig_item(a, SAME[k]);
        const cJSON *y = fig_item(b, SAME[k]);
        if (cJSON_Compare(x, y, 1))
            continue;
        char *tx = x ? cJSON_PrintUnformatted(x) : NULL, *ty = y ? cJSON_PrintUnformatted(y) : NULL;
        char sx[200], sy[200];
        textfile_sanitize(tx ? tx : "(missing)", sx, sizeof sx);
        textfile_sanitize(ty ? ty : "(missing)", sy, sizeof sy);
        fprintf(err, "slicesim merge: %s: \"%s\" is %s, but %s in %s; allowed: shards of one sweep "
                "(same version, scenario after --set, --seed, --reps, --vary)\n", path, fig_get(SAME[k])->key, sy, sx,
                first);
        free(tx);
        free(ty);
        return -1;
    }
    return 0;
}

/* Move every point of the inputs into slot[index] (so they come out in
 * index order), refusing duplicates and indices out of range. Linear in
 * the number of points. */
static int collect(cJSON **docs, char **paths, int n, cJSON **slot, size_t total, FILE *err)
{
    for (int k = 0; k < n; k++) {
        cJSON *pts = fig_member(docs[k], FIG_W_POINTS);
        while (pts->child) {
            cJSON *p = cJSON_DetachItemViaPointer(pts, pts->child);
            double ix = fig_num(p, FIG_P_INDEX);
            if (!(ix >= 0 && ix < (double)total) || ix != (double)(size_t)ix) {
                fprintf(err, "slicesim merge: %s: point index %g is not allowed; allowed: 0..%zu\n",
                        paths[k], ix, total - 1);
                cJSON_Delete(p);
                return -1;
            }
            if (slot[(size_t)ix]) {
                fprintf(err, "slicesim merge: %s: point %zu is also in another input; "
                        "give each shard once\n", paths[k], (size_t)ix);
                cJSON_Delete(p);
                return -1;
            }
            slot[(size_t)ix] = p;
        }
    }
    for (size_t i = 0; i < total; i++)
        if (!slot[i]) {
            fprintf(err, "slicesim merge: point %zu of %zu is in no input; a shard is missing\n", i, total);
            return -1;
        }
    return 0;
}

static int merge(cJSON **docs, char **paths, int n, const char *outdir, FILE *out, FILE *err)
{
    if (!fig_str(docs[0], FIG_W_HASH)) {
        fprintf(err, "slicesim merge: %s: has no \"%s\" (written by slicesim before 0.1.0's "
                "identity checks); run its sweep again\n", paths[0], fig_get(FIG_W_HASH)->key);
        return CLI_BAD_INPUT;
    }
    for (int k = 1; k < n; k++)
        if (same_sweep(docs[0], docs[k], paths[0], paths[k], err) < 0)
            return CLI_BAD_INPUT;
    double totald = fig_num(docs[0], FIG_W_POINTS_TOTAL);
    if (!(totald >= 1 && totald <= 1e6)) {
        fprintf(err, "slicesim merge: %s: points_total %g is not allowed; allowed: 1..1000000\n",
                paths[0], totald);
        return CLI_BAD_INPUT;
    }
    size_t total = (size_t)totald;
    cJSON **slot = calloc(total, sizeof *slot);
    if (!slot) {
        fprintf(err, "slicesim merge: out of memory\n");
        return CLI_INTERNAL;
    }
    int rc = CLI_BAD_INPUT;
    cJSON *doc = NULL;
    if (collect(docs, paths, n, slot, total, err) == 0) {
        doc = cJSON_Duplicate(docs[0], 1);
        cJSON_DeleteItemFromObjectCaseSensitive(doc, fig_get(FIG_W_SHARD)->key);
        cJSON *arr = fig_member(doc, FIG_W_POINTS);
        for (size_t i = 0; i < total; i++) {
            cJSON_AddItemToArray(arr, slot[i]);
            slot[i] = NULL;
        }
        outfile_set set;
        char msg[1024];
        rc = outfile_set_begin(&set, outdir, msg, sizeof msg) < 0 ? CLI_BAD_INPUT : CLI_OK;
        if (rc != CLI_OK)
            fprintf(err, "slicesim merge: -o %s\n", msg);
        else if ((rc = sweepio_write(outfile_set_dir(&set), doc, "merge", err)) == CLI_OK)
            rc = sweepio_commit(&set, doc, "merge", err);
        if (rc != CLI_BAD_INPUT)
            outfile_set_abort(&set);
        if (rc == CLI_OK)
            fprintf(out, "merged %d input%s: %zu points into %s/sweep.json and sweep.csv\n",
                    n, n == 1 ? "" : "s", total, outdir);
    }
    for (size_t i = 0; i < total; i++)
        cJSON_Delete(slot[i]);
    free(slot);
    cJSON_Delete(doc);
    return rc;
}

static const cli_opt MERGE_OPTS[] = {
    { "-o,--out", 1, "OUT", "write the merged sweep into OUT" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec MERGE_SPEC = {
    "merge", "DIR...", "Join the shards of a sweep (each DIR holds a sweep.json) into one.",
    MERGE_OPTS, NULL,
};

typedef struct {
    const char *outdir;
    char      **paths;
    cJSON     **docs;
    int         n;
    int         rc;
} merge_args;

static int merge_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    (void)a;
    (void)err;
    ((merge_args *)ctx)->outdir = val;
    return 0;
}

static int merge_arg(void *ctx, int k, const char *arg, FILE *err)
{
    merge_args *m = ctx;
    (void)k;
    size_t len = strlen(arg) + sizeof "/sweep.json";
    if (!(m->paths[m->n] = malloc(len))) {
        m->rc = CLI_INTERNAL;
        fprintf(err, "slicesim merge: out of memory\n");
        return -1;
    }
    snprintf(m->paths[m->n], len, "%s/sweep.json", arg);
    /* a shard is trusted through its manifest: complete, and sweep.json as written */
    static const char *const need[] = { "sweep.json", NULL };
    char msg[1024];
    cJSON *man = outfile_manifest_read(arg, need, msg, sizeof msg);
    int rc = man ? CLI_OK : CLI_BAD_INPUT;
    if (!man)
        fprintf(err, "slicesim merge: %s\n", msg);
    cJSON_Delete(man);
    if (rc == CLI_OK)
        rc = sweepio_read(m->paths[m->n], &m->docs[m->n], err);
    m->n++;
    if (rc != CLI_OK) {
        m->rc = rc;
        return -1;
    }
    return 0;
}

int cli_cmd_merge(int argc, char **argv, FILE *out, FILE *err)
{
    merge_args m = { NULL, calloc((size_t)argc, sizeof(char *)), calloc((size_t)argc, sizeof(cJSON *)), 0,
                     CLI_OK };
    if (!m.paths || !m.docs) {
        free(m.paths);
        free(m.docs);
        fprintf(err, "slicesim merge: out of memory\n");
        return CLI_INTERNAL;
    }
    int rc = CLI_OK, pr = cli_parse(&MERGE_SPEC, argc, argv, merge_opt, merge_arg, &m, out, err);
    if (pr > 0)
        rc = CLI_OK;
    else if (pr < 0)
        rc = m.rc != CLI_OK ? m.rc : CLI_BAD_INPUT;
    else if (m.n == 0 || !m.outdir) {
        fprintf(err, "slicesim merge: needs at least one shard directory and -o OUT\n%s", USAGE);
        rc = CLI_BAD_INPUT;
    } else
        rc = merge(m.docs, m.paths, m.n, m.outdir, out, err);
    for (int k = 0; k < m.n; k++) {
        cJSON_Delete(m.docs[k]);
        free(m.paths[k]);
    }
    free(m.paths);
    free(m.docs);
    return rc;
}
