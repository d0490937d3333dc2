/* cmd_plot.c -- `slicesim plot DIR`: (re)draw every picture whose input a
 * command wrote into DIR (plots/charts.h): after installing gnuplot, or
 * after merging shards. Exit 0 when every chart was drawn, or its data and
 * script written with gnuplot missing; 2 when DIR holds no input or an
 * input is malformed. */
#include <string.h>
#include "cli/cli.h"
#include "plots/charts.h"

static const cli_spec PLOT_SPEC = {
    "plot", "DIR", "(Re)draw every chart whose data a command wrote into DIR (PNG and SVG, with gnuplot).",
    NULL, NULL,
};

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
    int worst, n = charts_dir(dir, &worst, err);
    if (n < 0 || worst < 0)
        return CLI_BAD_INPUT;
    fprintf(out, "%d chart%s %s in %s\n", n, n == 1 ? "" : "s",
            worst == 0 ? "drawn (PNG and SVG)" : "prepared (data and gnuplot scripts)", dir);
    return CLI_OK;
}
