/* plot.h -- drawing with gnuplot at run time.
 *
 * A plot is a data file (written by the caller into DIR) plus a gnuplot
 * script that this module writes next to it and runs once per format (PNG
 * and SVG). Without gnuplot on PATH the data and the script are still written
 * and plot_render says so in one clear message; the run still succeeds. */
#ifndef PLOTS_PLOT_H
#define PLOTS_PLOT_H

#include <stdio.h>

/* plot_gnuplot_available: whether `gnuplot` can be run. */
int plot_gnuplot_available(void);

/* plot_render: write DIR/NAME.gp holding `body` (gnuplot commands that draw
 * from data files in DIR, which is gnuplot's working directory), then run it
 * for NAME.png and NAME.svg. Returns 0 when both images were made, 1 when
 * gnuplot is missing (message on err), -1 on failure (message on err). */
int plot_render(const char *dir, const char *name, const char *body, FILE *err);

#endif
