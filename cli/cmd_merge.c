/* cmd_merge.c -- `slicesim merge DIR... -o OUT`: join the sweep.json files
 * of the shards of one sweep (slicesim sweep --shard K/N) into OUT/sweep.json
 * and OUT/sweep.csv, the same bytes a single unsharded run writes.
 * The inputs must come from one sweep (same scenario, sets, vary and point
 * count) and together hold every point exactly once. */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/sweepio.h"

#define MAX_INPUTS 100000

static const char USAGE[] = "usage: slicesim merge DIR... -o OUT\n";

/* The fields that make two files parts of the same sweep. */
static const char *const SAME[] = { "slicesim_version", "scenario", "sets", "vary", "points_total" };

static int same_sweep(const cJSON *a, const cJSON *b, const char *path, FILE *err)
{
    for (size_t k = 0; k < sizeof SAME / sizeof SAME[0]; k++)
        if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(a, SAME[k]),
                           cJSON_GetObjectItemCaseSensitive(b, SAME[k]), 1)) {
            fprintf(err, "slicesim merge: %s: \"%s\" differs from the first input's; "
                    "allowed: shards of one sweep (same scenario, --set, --vary)\n", path, SAME[k]);
            return -1;
        }
    return 0;
}

/* Move every point of the inputs into slot[index] (so they come out in
 * index order), refusing duplicates and indices out of range. */
static int collect(cJSON **docs, char **paths, int n, cJSON **slot, size_t total, FILE *err)
{
    for (int k = 0; k < n; k++) {
        cJSON *pts = cJSON_GetObjectItemCaseSensitive(docs[k], "points");
        while (cJSON_GetArraySize(pts) > 0) {
            cJSON *p = cJSON_DetachItemFromArray(pts, 0);
            double ix = cJSON_GetObjectItemCaseSensitive(p, "index")->valuedouble;
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
    for (int k = 1; k < n; k++)
        if (same_sweep(docs[0], docs[k], paths[k], err) < 0)
            return CLI_BAD_INPUT;
    double totald = cJSON_GetObjectItemCaseSensitive(docs[0], "points_total")->valuedouble;
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
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "shard");
        cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, "points");
        for (size_t i = 0; i < total; i++) {
            cJSON_AddItemToArray(arr, slot[i]);
            slot[i] = NULL;
        }
        rc = outfile_mkdirs(outdir) < 0 ? CLI_BAD_INPUT : CLI_OK;
        if (rc != CLI_OK)
            fprintf(err, "slicesim merge: -o %s: cannot create the directory\n", outdir);
        else
            rc = sweepio_write(outdir, doc, "merge", err);
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

int cli_cmd_merge(int argc, char **argv, FILE *out, FILE *err)
{
    const char *outdir = NULL;
    char **paths = calloc((size_t)argc, sizeof *paths);
    cJSON **docs = calloc((size_t)argc, sizeof *docs);
    int n = 0, rc = CLI_OK;
    if (!paths || !docs) {
        free(paths);
        free(docs);
        fprintf(err, "slicesim merge: out of memory\n");
        return CLI_INTERNAL;
    }
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        if (strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc) {
                fprintf(err, "slicesim merge: -o needs a directory\n%s", USAGE);
                rc = CLI_BAD_INPUT;
            }
            outdir = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(err, "slicesim merge: unknown option \"%s\"\n%s", argv[i], USAGE);
            rc = CLI_BAD_INPUT;
        } else {
            size_t len = strlen(argv[i]) + sizeof "/sweep.json";
            if (!(paths[n] = malloc(len))) {
                rc = CLI_INTERNAL;
                break;
            }
            snprintf(paths[n], len, "%s/sweep.json", argv[i]);
            rc = sweepio_read(paths[n], &docs[n], err);
            n++;
        }
    }
    if (rc == CLI_OK && (n == 0 || !outdir)) {
        fprintf(err, "slicesim merge: needs at least one shard directory and -o OUT\n%s", USAGE);
        rc = CLI_BAD_INPUT;
    }
    if (rc == CLI_OK)
        rc = merge(docs, paths, n, outdir, out, err);
    for (int k = 0; k < n; k++) {
        cJSON_Delete(docs[k]);
        free(paths[k]);
    }
    free(paths);
    free(docs);
    return rc;
}
