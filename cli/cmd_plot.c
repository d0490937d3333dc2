/* cmd_plot.c -- `slicesim plot DIR`: (re)draw every picture whose input a
 * command wrote into DIR (plots/charts.h): after installing gnuplot, or
 * after merging shards. Exit 0 when every chart was drawn, or its data and
 * script written with gnuplot missing; 2 when DIR holds no input or an
 * input is malformed. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "plots/charts.h"

static const cli_spec PLOT_SPEC = {
    "plot", "DIR", "(Re)draw every chart whose data a command wrote into DIR (PNG and SVG, with gnuplot).",
    NULL, NULL,
};

/* Whether a file is drawn by the charts (and so rewritten, not kept): the
 * images, scripts and data files, except mig_layout.dat, which is input;
 * and report.html, whose inline charts would be the old ones (`slicesim
 * report DIR` writes it again). */
static int chart_output(const char *name)
{
    static const char *const ext[] = { ".png", ".svg", ".gp", ".dat" };
    size_t n = strlen(name);
    if (strcmp(name, "mig_layout.dat") == 0)
        return 0;
    if (strcmp(name, CLI_REPORT_HTML) == 0)
        return 1;
    for (size_t k = 0; k < sizeof ext / sizeof ext[0]; k++) {
        size_t e = strlen(ext[k]);
        if (n > e && strcmp(name + n - e, ext[k]) == 0)
            return 1;
    }
    return 0;
}

static int plot_arg(void *ctx, int n, const char *arg, FILE *err)
{
    if (n > 0) {
        fprintf(err, "slicesim plot: one directory only (\"%s\")\n", arg);
        return -1;
    }
    *(const char **)ctx = arg;
    return 0;
}

static int no_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    (void)ctx;
    (void)a;
    (void)val;
    (void)err;
    return 0;
}

int cli_cmd_plot(int argc, char **argv, FILE *out, FILE *err)
{
    const char *dir = NULL;
    int pr = cli_parse(&PLOT_SPEC, argc, argv, no_opt, plot_arg, &dir, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    if (!dir) {
        fprintf(err, "slicesim plot: needs a directory\n");
        cli_usage_hint(&PLOT_SPEC, err);
        return CLI_BAD_INPUT;
    }
    char msg[1024];
    cJSON *man = outfile_manifest_read(dir, NULL, msg, sizeof msg);
    if (!man) {
        fprintf(err, "slicesim plot: %s\n", msg);
        return CLI_BAD_INPUT;
    }
    outfile_set set;
    if (outfile_set_begin(&set, dir, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim plot: %s\n", msg);
        cJSON_Delete(man);
        return CLI_BAD_INPUT;
    }
    int rc = CLI_INTERNAL, worst = -1, n = -1;
    if (outfile_set_keep(&set, man, chart_output, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim plot: %s\n", msg);
    } else {
        n = charts_dir(outfile_set_dir(&set), &worst, err);
        rc = n < 0 || worst < 0 ? CLI_BAD_INPUT : CLI_OK;
    }
    if (rc == CLI_OK) {
        cJSON *id = outfile_manifest_identity(man);
        const char *cmd = cJSON_GetStringValue(outfile_manifest_member(man, OUTFILE_M_COMMAND));
        if (!id || outfile_set_commit(&set, cmd ? cmd : "plot", id, msg, sizeof msg) < 0) {
            fprintf(err, "slicesim plot: %s\n", id ? msg : "out of memory");
            rc = CLI_INTERNAL;
        }
        cJSON_Delete(id);
    }
    outfile_set_abort(&set);
    cJSON_Delete(man);
    if (rc == CLI_OK)
        fprintf(out, "%d chart%s %s in %s\n", n, n == 1 ? "" : "s",
                worst == 0 ? "drawn (PNG and SVG)" : "prepared (data and gnuplot scripts)", dir);
    return rc;
}
