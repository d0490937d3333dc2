/* nccltests.h -- nccl-tests output: reading it, writing it, and fitting a
 * per-platform correction of the collective model from it
 * (docs/collectives.md, "Importing nccl-tests").
 *
 * The format is the standard output of all_reduce_perf and friends
 * (NVIDIA/nccl-tests): comment lines start with '#'; a result row holds
 *   size count type redop root  time algbw busbw #wrong  time algbw busbw #wrong
 * (out-of-place, then in-place; older versions have no root column; #wrong
 * is a count or N/A), optionally followed by slicesim's algorithm and
 * protocol. Header comments give the test name ("# Collective test
 * starting: all_reduce_perf"), the ranks ("#  Rank  0 Group ... on HOST
 * device 0 [..] GPU NAME") and, in slicesim's own output, the platform
 * ("# slicesim platform: topology T nodes N gpus_per_node P virtualization V").
 *
 * Real logs carry more: the NCCL version ("NCCL version 2.21.5+cuda12.4", in
 * an INFO line, a comment or alone; or nccl-tests' "nccl-library=22105";
 * kept), NCCL INFO and WARN lines, MPI launcher
 * output (Open MPI's "[1,0]<stdout>:", MPICH's "[0] " and srun's "0: "
 * tags are stripped; other lines that
 * neither start with a digit nor '#' are counted and skipped), logs before
 * 2.17 without the test-name header (--op names the test), and several
 * tests one after the other, each opened by its header or its "# nThread"
 * line (nccltests_test; nccltests_select picks one). A line that starts
 * with a digit must be a result row, as wide as the column header before
 * it announces (with or without root). A log owns its rows; nothing here keeps state between calls. */
#ifndef CALIBRATION_NCCLTESTS_H
#define CALIBRATION_NCCLTESTS_H

#include <stdio.h>
#include "models/coll.h"

/* A log is at most this large (1 GiB: far above any nccl-tests run, and
 * fewer lines than an int counts), each line at most NCCLTESTS_MAX_LINE. */
#define NCCLTESTS_MAX_BYTES (1LL << 30)
#define NCCLTESTS_MAX_LINE  4096

typedef struct {
    double size;              /* bytes */
    double count;             /* elements */
    char   type[16], redop[16];
    int    root;              /* -1 when the column is absent or -1 */
    double time_us[2];        /* [0] out-of-place, [1] in-place */
    double algbw[2], busbw[2];/* GB/s */
    long   wrong[2];          /* -1 = N/A */
    char   algo[8], proto[8]; /* slicesim's extra columns, "" when absent */
    int    line;              /* where it was read */
} nccltests_row;

/* One test of a log: the rows after a "# Collective test starting:" header
 * or a "# nThread" line (each run of a test prints one; the only opener
 * before nccl-tests 2.17), or before any. */
typedef struct {
    int    op;                /* coll_op the header names, or -1 (none, or not one slicesim models) */
    char   name[64];          /* the name the header gives ("scatter_perf"), "" when none */
    int    line;              /* where the test opens */
    size_t first, n;          /* its rows in the log */
} nccltests_test;

#define NCCLTESTS_MAX_TESTS 16

typedef struct {
    nccltests_row *rows;
    size_t n, cap;
    int    op;                /* coll_op named by the (first) header, or -1 */
    nccltests_test tests[NCCLTESTS_MAX_TESTS];
    int    ntests;            /* tests with rows */
    char   nccl_version[16];  /* "2.21.5" from an "NCCL version" line, "" when none */
    char   env_algo[64];      /* NCCL's "NCCL_ALGO set by environment to X" INFO line: X, "" when none */
    char   env_proto[64];     /* the same for NCCL_PROTO */
    int    chatter;           /* lines that were neither results, comments nor NCCL's own (skipped) */
    int    wrong_rows;        /* rows whose #wrong (either column) is above 0, */
    int    wrong_line;        /* the first of them */
    int    ranks;             /* "# Rank" lines, 0 when none */
    int    nodes;             /* distinct hosts of those lines */
    char   gpu_name[128];     /* of rank 0, "" when none */
    char   topo[32], virt[32];/* slicesim platform line, "" when none */
    int    plat_nodes, plat_ppn;
} nccltests_log;

/* nccltests_parse: read a log from f ("file" names it in messages). On
 * success fills *log (free with nccltests_free) and returns 0. On a
 * malformed row, or a log without rows, returns -1 with one message in err
 * naming the file, the line, the text and what is allowed; *log is then
 * empty. */
int  nccltests_parse(FILE *f, const char *file, nccltests_log *log, char *err, size_t errlen);
void nccltests_free(nccltests_log *log);

/* nccltests_select: a view of test k of log (rows borrowed from log, op
 * the test's): *out must not be freed. Returns 0, or -1 when k is out of
 * range. nccltests_find: the index of the first test of op, or -1. */
int nccltests_select(const nccltests_log *log, int k, nccltests_log *out);
int nccltests_find(const nccltests_log *log, int op);

/* nccltests_gpu_preset: the GPU preset for a device name printed by
 * nccl-tests ("NVIDIA H100 80GB HBM3"), or NULL. */
const char *nccltests_gpu_preset(const char *device_name);

/* nccltests_write_header / nccltests_write_row: the column header and one
 * row in nccl-tests layout, with the algorithm and protocol columns when
 * the row has them. nccltests_format_time: nccl-tests' time rendering. */
void nccltests_write_header(FILE *f, int with_algo);
void nccltests_write_row(FILE *f, const nccltests_row *r);
const char *nccltests_format_time(double us, char *buf, size_t len);

/* nccltests_model_row: the row the model predicts for op on t at size
 * bytes (time from est), with nccl-tests' count, type and redop columns. */
void nccltests_model_row(nccltests_row *r, const topo *t, coll_op op, double bytes,
                         const coll_est *est, double time_us);

/* The fit: for each row, the model's uncorrected and corrected time. */
typedef struct {
    double size, measured_us, model_us, corrected_us, eff;   /* eff NAN when not fitted */
    double measured_busbw, model_busbw;
} nccltests_point;

typedef struct {
    nccltests_point *pts;     /* one per usable row (size > 0, time > 0) */
    size_t n;
    int    lat_rows, bw_rows; /* rows that fixed the latency, the efficiency */
    double rms_rel_err;       /* corrected model vs measurement */
    double max_rel_err;
    double max_err_size;      /* the size (bytes) of the row it misses most */
} nccltests_fit_report;

/* nccltests_fit: fit corr (filled and initialised with coll_corr_init) to
 * the rows of log for op on t, using the in-place column when in_place.
 * Latency: rows whose model time is at least 90% latency fix a factor on
 * NCCL's latency (GSL least squares through the origin, gsl_fit_mul);
 * bandwidth: rows whose model time is at least 10% transfer, and whose
 * measured time less the corrected latency is at least 10% of it, give the
 * efficiency at their size; the two are alternated a few rounds since each
 * uses the other. Returns 0, or -1 with err (no usable rows, out of memory). The
 * caller frees rep->pts (free). */
int nccltests_fit(const nccltests_log *log, const topo *t, coll_op op, int in_place,
                  coll_corr *corr, nccltests_fit_report *rep, char *err, size_t errlen);

#endif
