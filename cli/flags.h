/* flags.h -- what a run's figures must be read with, computed once from its
 * result: the warnings (each once, in a fixed order) and, per tenant, the
 * conditions the table marks on the figures they affect.
 *
 *   low samples   a q-quantile from fewer than 10 / (1 - q) requests in some
 *                 replication (sim_ci_min_samples): marked FLAGS_MARK_LOW
 *   not steady    more requests in the system at the window's end than at
 *                 its start (by > 50 and > 2% of those completed): latencies
 *                 grow with the run's length; marked FLAGS_MARK_UNSTEADY
 *   unfinished    requests still running at the drain limit, excluded from
 *                 the latencies: marked FLAGS_MARK_UNFINISHED
 *   constant      every replication gave the same figures: nothing random
 *                 varies, the intervals are zero-width; marked FLAGS_MARK_CONSTANT
 *   profile       the GPU profile's own checks (datasheet-only, sizes outside
 *                 what it measured): every figure rests on it; marked
 *                 FLAGS_MARK_PROFILE
 *   also: one replication (no intervals), a tenant with no measured request. */
#ifndef CLI_FLAGS_H
#define CLI_FLAGS_H

#include <stdio.h>
#include "scenarios/scenario.h"
#include "sim/ci.h"

#define FLAGS_MARK_LOW        "*"
#define FLAGS_MARK_UNSTEADY   "!"
#define FLAGS_MARK_UNFINISHED "+"
#define FLAGS_MARK_CONSTANT   "="
#define FLAGS_MARK_PROFILE    "?"

typedef struct {
    double min_samples;        /* fewest measured requests in one replication */
    int    low[MQ_N];          /* quantile q (MQ_P50 ...) rests on too few */
    int    unsteady, constant, none;
    int    constant_figure;    /* the table marked some figure of it constant */
    double unfinished;         /* summed over replications */
} flags_tenant;

typedef struct {
    flags_tenant *t;
    int           ntenants;
    int           profile;     /* the profile added warnings */
    char        **msg;         /* the warnings, each once */
    size_t        nmsg, cap;
    int           oom;
} flags;

/* flags_compute: every flag and warning of res. 0, or -1 when out of
 * memory (f is then freeable). */
int  flags_compute(flags *f, const scn *sc, const model_result *res);
void flags_free(flags *f);

/* flags_marks: the marks of tenant ti's figure: quantile q (MQ_MEAN ...,
 * or -1 for a non-latency figure such as throughput) into buf. The mark of
 * a zero-width interval (FLAGS_MARK_CONSTANT) is the figure's own: the
 * table adds it from the figure's interval and sets constant_figure. */
const char *flags_marks(const flags *f, int ti, int q, char *buf, size_t len);

/* flags_mark: fig followed by tenant ti's marks for quantile q (as
 * flags_marks) and FLAGS_MARK_CONSTANT when c, the figure's interval, has
 * zero width (recorded in f for the legend); into buf. */
const char *flags_mark(char *buf, size_t len, const char *fig, flags *f, int ti, int q, const sim_ci *c);

/* flags_legend: one line per mark used in the table, each prefixed by indent. */
void flags_legend(const flags *f, FILE *out, const char *indent);

/* flags_legend_many: the same for a table of n results' figures. */
void flags_legend_many(const flags *const *f, size_t n, FILE *out, const char *indent);

/* flags_print: every warning on err, one line each: "slicesim: PREFIX warning: MSG"
 * (prefix may be ""). */
void flags_print(const flags *f, FILE *err, const char *prefix);

/* flags_print_grouped: the warnings of n results (fl[k] labelled
 * labels[k], NULL entries skipped), each text once on err with the labels
 * of every result that has it: "slicesim: CMD: warning (A, B): MSG". */
void flags_print_grouped(FILE *err, const char *cmd, const flags *const *fl, const char *const *labels,
                         size_t n);

#endif
