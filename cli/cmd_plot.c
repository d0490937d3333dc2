/* cmd_plot.c -- `slicesim plot DIR`: (re)draw every picture whose input a
 * command wrote into DIR (plots/charts.h): after installing gnuplot, or
 * after merging shards. Exit 0 when every chart was drawn, or its data and
 * script written with gnuplot missing; 2 when DIR holds no input or an
 * input is malformed. */
#include <string.h>
#include "cli/cli.h"
#include "plots/charts.h"

int cli_cmd_plot(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(err, "usage: slicesim plot DIR\n");
        return CLI_BAD_INPUT;
    }
    int worst, n = charts_dir(argv[1], &worst, err);
    if (n < 0 || worst < 0)
        return CLI_BAD_INPUT;
    fprintf(out, "%d chart%s %s in %s\n", n, n == 1 ? "" : "s",
            worst == 0 ? "drawn (PNG and SVG)" : "prepared (data and gnuplot scripts)", argv[1]);
    return CLI_OK;
}
