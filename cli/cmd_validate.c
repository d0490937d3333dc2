/* cmd_validate.c -- `slicesim validate [--root DIR] [--case NAME] [--strict]
 * [--json FILE]`: run the validation cases (cli/validate.c) and print
 * predicted, reference and error for every row, the rows outside their
 * tolerance included; with --json, every row also as an object in FILE
 * (docs/calibration.md). Exit status 0 when every case ran, 1 when a case is
 * broken (or, with --strict, when a row is outside its tolerance), 2 for bad
 * arguments or a FILE that cannot be written. */
#include <string.h>
#include <sys/stat.h>
#include <cJSON.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "calibration/validate.h"

static const cli_opt VAL_OPTS[] = {
    { "--case", 1, "NAME", "run only this validation case" },
    { "--root", 1, "DIR", "the repository root the cases read their files from (default .)" },
    { "--strict", 0, NULL, "exit 1 when a row is outside its tolerance" },
    { "--json", 1, "FILE", "also write every row, with its case, family, source and verdict, to FILE" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec VAL_SPEC = {
    "validate", NULL, "Every validation case the project holds: predicted, reference, error, tolerance.",
    VAL_OPTS, NULL,
};

typedef struct {
    const char *root, *only, *json;
    int         strict;
} val_args;

static int val_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    val_args *v = ctx;
    (void)err;
    if (strcmp(a, "--strict") == 0)
        v->strict = 1;
    else if (strcmp(a, "--root") == 0)
        v->root = val;
    else if (strcmp(a, "--json") == 0)
        v->json = val;
    else
        v->only = val;
    return 0;
}

/* Open path's temporary (its folders made): CLI_OK, or CLI_BAD_INPUT with
 * one message when path cannot be a file written there. */
static int open_json(const char *path, outfile *of, FILE *err)
{
    char dir[4096], msg[512];
    const char *slash = strrchr(path, '/');
    struct stat st;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    if (path[0] == '\0' || (slash && slash[1] == '\0')) {
        fprintf(err, "slicesim validate: --json \"%s\": not allowed; allowed: a file name\n", path);
        return CLI_BAD_INPUT;
    }
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(err, "slicesim validate: --json \"%s\": is a directory; allowed: a file name\n", path);
        return CLI_BAD_INPUT;
    }
    if ((slash && outfile_mkdirs(dir) < 0) ||
        outfile_open(of, dir, slash ? slash + 1 : path, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim validate: --json \"%s\": cannot write there\n", path);
        return CLI_BAD_INPUT;
    }
    return CLI_OK;
}

/* Write doc as path through a temporary and a rename; exit status. */
static int write_json(const char *path, cJSON *doc, FILE *err)
{
    char msg[512];
    outfile of;
    int rc = open_json(path, &of, err);
    if (rc != CLI_OK)
        return rc;
    char *text = cJSON_Print(doc);
    if (!text) {
        outfile_abort(&of);
        fprintf(err, "slicesim validate: out of memory writing %s\n", path);
        return CLI_INTERNAL;
    }
    fputs(text, of.f);
    fputc('\n', of.f);
    cJSON_free(text);
    if (outfile_commit(&of, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim validate: %s\n", msg);
        return CLI_INTERNAL;
    }
    return CLI_OK;
}

/* Before the cases run: a FILE that cannot be written is refused at once. */
static int check_json(const char *path, FILE *err)
{
    outfile of;
    int rc = open_json(path, &of, err);
    if (rc == CLI_OK)
        outfile_abort(&of);
    return rc;
}

int cli_cmd_validate(int argc, char **argv, FILE *out, FILE *err)
{
    val_args va = { ".", NULL, NULL, 0 };
    int pr = cli_parse(&VAL_SPEC, argc, argv, val_opt, NULL, &va, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    const char *root = va.root, *only = va.only, *json = va.json;
    int strict = va.strict;
    int found = 0;
    for (const val_case *c = val_cases; c->name; c++)
        found |= !only || strcmp(only, c->name) == 0;
    if (!found) {
        fprintf(err, "slicesim validate: --case \"%s\" is not a validation case; allowed:", only);
        for (const val_case *c = val_cases; c->name; c++)
            fprintf(err, " %s", c->name);
        fputc('\n', err);
        return CLI_BAD_INPUT;
    }
    val_out o;
    memset(&o, 0, sizeof o);
    o.out = out;
    o.root = root;
    cJSON *doc = NULL;
    if (json && check_json(json, err) != CLI_OK)
        return CLI_BAD_INPUT;
    if (json) {
        doc = cJSON_CreateObject();
        o.json = doc ? cJSON_AddArrayToObject(doc, "rows") : NULL;
        o.json_summaries = doc ? cJSON_AddArrayToObject(doc, "summaries") : NULL;
        o.json_notes = doc ? cJSON_AddArrayToObject(doc, "not_run") : NULL;
        if (!o.json || !o.json_notes || !o.json_summaries) {
            cJSON_Delete(doc);
            fprintf(err, "slicesim validate: out of memory\n");
            return CLI_INTERNAL;
        }
    }
    fprintf(out, "%-18s %-34s %12s %12s %9s %7s\n", "case", "quantity", "predicted", "reference",
            "error", "tol");
    for (const val_case *c = val_cases; c->name; c++) {
        if (only && strcmp(only, c->name) != 0)
            continue;
        o.case_name = c->name;
        o.family = c->family;
        o.source = c->source;
        o.unit = "";
        o.gpu = NULL;
        c->run(&o);
    }
    fprintf(out, "\n%d rows: %d within tolerance, %d outside; %d case%s skipped, %d broken\n", o.rows,
            o.rows - o.failed, o.failed, o.skipped, o.skipped == 1 ? "" : "s", o.broken);
    if (o.summaries)
        fprintf(out, "%d series summaries: %d meet their targets, %d miss\n", o.summaries,
                o.summaries - o.missed, o.missed);
    if (doc) {
        cJSON *sum = cJSON_AddObjectToObject(doc, "summary");
        if (sum) {
            cJSON_AddNumberToObject(sum, "rows", o.rows);
            cJSON_AddNumberToObject(sum, "within_tolerance", o.rows - o.failed);
            cJSON_AddNumberToObject(sum, "outside_tolerance", o.failed);
            cJSON_AddNumberToObject(sum, "skipped", o.skipped);
            cJSON_AddNumberToObject(sum, "broken", o.broken);
            cJSON_AddNumberToObject(sum, "series", o.summaries);
            cJSON_AddNumberToObject(sum, "series_missing_targets", o.missed);
        }
        int rc = sum ? write_json(json, doc, err) : CLI_INTERNAL;
        cJSON_Delete(doc);
        if (rc != CLI_OK)
            return rc;
    }
    return o.broken || (strict && o.failed) ? CLI_INTERNAL : CLI_OK;
}
