/* charts.h -- the pictures of slicesim's outputs, drawn from the files a
 * command wrote into DIR (so `slicesim plot DIR` redraws them later):
 *
 *   latency_cdf   from requests.csv: latency CDF per tenant
 *   timeline      from timeline.csv: who holds the GPU over a short window,
 *                 context switches marked (a Gantt chart)
 *   sweep         from sweep.json: p95 latency (with its 95% CI and the SLO
 *                 line) and throughput against the first varied value
 *   compare       from compare.json: p95 and throughput per setup
 *   mig_layout    from mig_layout.dat: MIG instances drawn on their slots
 *   scale         from scale.csv: step time p50 and p95 (with its 95% CI)
 *                 and scaling efficiency against nodes (log2 axis)
 *
 * Each writes its data file (NAME.dat) and gnuplot scripts into DIR whether
 * or not gnuplot exists, then renders NAME.png and NAME.svg. Each returns 0
 * (drawn), 1 (gnuplot missing: data written, message on err), -1 (input
 * missing or malformed, or gnuplot failed: message on err). */
#ifndef PLOTS_CHARTS_H
#define PLOTS_CHARTS_H

#include <stdio.h>

int charts_latency_cdf(const char *dir, FILE *err);
int charts_timeline(const char *dir, FILE *err);
int charts_sweep(const char *dir, FILE *err);
int charts_compare(const char *dir, FILE *err);

/* mig_layout.dat, a small text format (one instance a line, '#' comments):
 *     slots N                      the GPU's memory slots (7 or 8), first
 *     GPU START SIZE PROFILE [TENANT]
 * START and SIZE count slots (0 <= START, START + SIZE <= N); PROFILE is the
 * MIG profile name (e.g. 3g.40gb); TENANT is optional. */
int charts_mig_layout(const char *dir, FILE *err);
int charts_scale(const char *dir, FILE *err);

/* charts_dir: draw every chart whose input is in DIR. Returns the number of
 * charts attempted, or -1 when DIR holds none of the inputs (message on
 * err). *worst gets the worst single result (-1, 1 or 0). */
int charts_dir(const char *dir, int *worst, FILE *err);

#endif
