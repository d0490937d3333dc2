/* test_nccltests.c -- reading, writing and fitting nccl-tests output
 * (calibration/nccltests.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "calibration/nccltests.h"

static const char LOG_NEW[] =
    "# nThread 1 nGpus 1 minBytes 8 maxBytes 1048576 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0\n"
    "#\n"
    "# Using devices\n"
    "#  Rank  0 Group  0 Pid  40123 on     node-a device  0 [0x18] NVIDIA H100 80GB HBM3\n"
    "#  Rank  1 Group  0 Pid  40124 on     node-a device  1 [0x2a] NVIDIA H100 80GB HBM3\n"
    "#  Rank  2 Group  0 Pid  40125 on     node-b device  0 [0x18] NVIDIA H100 80GB HBM3\n"
    "#  Rank  3 Group  0 Pid  40126 on     node-b device  1 [0x2a] NVIDIA H100 80GB HBM3\n"
    "# Collective test starting: all_reduce_perf\n"
    "#\n"
    "#                                                              out-of-place                       in-place\n"
    "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong\n"
    "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)\n"
    "           8             2     float     sum      -1    28.50    0.00    0.00      0    27.96    0.00    0.00      0\n"
    "     1048576        262144     float     sum      -1    52.10   20.13   30.19      0    51.88   20.21   30.32      0\n"
    "# Out of bounds values : 0 OK\n"
    "# Avg bus bandwidth    : 15.1275\n"
    "#\n";

/* Before nccl-tests 2.10 there was no root column; validation off gives N/A. */
static const char LOG_OLD[] =
    "#       size         count      type   redop     time   algbw   busbw  error     time   algbw   busbw  error\n"
    "node-a:1234:1234 [0] NCCL INFO Launch mode Parallel\n"
    "     4194304       1048576     float    none    61.02   68.74   60.15    N/A    60.80   68.98   60.36    N/A\n";

static int parse_text(const char *text, nccltests_log *log, char *err, size_t errlen)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    int rc = nccltests_parse(f, "test.log", log, err, errlen);
    fclose(f);
    return rc;
}

static void reads_rows_ranks_hosts_and_test_name_of_a_current_log(void)
{
    nccltests_log log;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(parse_text(LOG_NEW, &log, err, sizeof err), 0);
    CU_ASSERT_EQUAL(log.n, 2);
    CU_ASSERT_EQUAL(log.op, COLL_ALLREDUCE);
    CU_ASSERT_EQUAL(log.ranks, 4);
    CU_ASSERT_EQUAL(log.nodes, 2);
    CU_ASSERT_STRING_EQUAL(log.gpu_name, "NVIDIA H100 80GB HBM3");
    CU_ASSERT_STRING_EQUAL(nccltests_gpu_preset(log.gpu_name), "h100-sxm");
    CU_ASSERT_STRING_EQUAL(nccltests_gpu_preset("NVIDIA GB300"), "gb300");
    CU_ASSERT_STRING_EQUAL(nccltests_gpu_preset("NVIDIA B300 SXM6 AC"), "b300");
    CU_ASSERT_STRING_EQUAL(nccltests_gpu_preset("NVIDIA GB200"), "gb200");
    const nccltests_row *r = &log.rows[1];
    ASSERT_REL(r->size, 1048576, 0);
    ASSERT_REL(r->count, 262144, 0);
    CU_ASSERT_STRING_EQUAL(r->type, "float");
    CU_ASSERT_STRING_EQUAL(r->redop, "sum");
    CU_ASSERT_EQUAL(r->root, -1);
    ASSERT_REL(r->time_us[0], 52.10, 1e-15);
    ASSERT_REL(r->busbw[0], 30.19, 1e-15);
    ASSERT_REL(r->time_us[1], 51.88, 1e-15);
    ASSERT_REL(r->algbw[1], 20.21, 1e-15);
    CU_ASSERT_EQUAL(r->wrong[1], 0);
    CU_ASSERT_EQUAL(r->line, 14);
    nccltests_free(&log);
}

/* NCCL's INFO lines for the variables it read: the first NCCL_ALGO and
 * NCCL_PROTO values (every rank prints them), behind an mpirun tag too. */
static void keeps_nccl_algo_and_proto_from_info_lines(void)
{
    static const char text[] =
        "[1,0]<stderr>:node-a:1:1 [0] NCCL INFO NCCL_ALGO set by environment to ^NVLS,CollNet\n"
        "node-b:2:2 [0] NCCL INFO NCCL_ALGO set by environment to Ring\n"
        "node-a:1:1 [0] NCCL INFO NCCL_PROTO set by environment to LL128\r\n"
        "     4194304       1048576     float     sum      -1    61.02   68.74   60.15      0    60.80   68.98   60.36      0\n";
    nccltests_log log;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(parse_text(text, &log, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(log.env_algo, "^NVLS,CollNet");
    CU_ASSERT_STRING_EQUAL(log.env_proto, "LL128");
    nccltests_free(&log);
    CU_ASSERT_EQUAL_FATAL(parse_text(LOG_OLD, &log, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(log.env_algo, "");
    nccltests_free(&log);
}

static void reads_logs_without_root_column_and_skips_nccl_info_lines(void)
{
    nccltests_log log;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(parse_text(LOG_OLD, &log, err, sizeof err), 0);
    CU_ASSERT_EQUAL(log.n, 1);
    CU_ASSERT_EQUAL(log.op, -1);
    CU_ASSERT_EQUAL(log.rows[0].root, -1);
    CU_ASSERT_EQUAL(log.rows[0].wrong[0], -1);
    ASSERT_REL(log.rows[0].busbw[1], 60.36, 1e-15);
    CU_ASSERT_STRING_EQUAL(log.rows[0].algo, "");
    nccltests_free(&log);
}

/* What mpirun prints around nccl-tests: Open MPI tags, NCCL INFO and WARN
 * lines (the version kept), launcher banners, two tests in one run (each
 * listing the ranks again). */
static const char LOG_MPI[] =
    "Warning: Permanently added 'node-a' (ED25519) to the list of known hosts.\n"
    "--------------------------------------------------------------------------\n"
    "[1,0]<stdout>:#  Rank  0 Group  0 Pid  1 on node-a device  0 [0x18] NVIDIA A100-SXM4-80GB\n"
    "[1,1]<stdout>:#  Rank  1 Group  0 Pid  2 on node-a device  1 [0x2a] NVIDIA A100-SXM4-80GB\n"
    "[1,0]<stderr>:node-a:1:1 [0] NCCL INFO NCCL version 2.19.3+cuda12.3\n"
    "[1,0]<stderr>:node-a:1:9 [0] NCCL WARN NET/IB : No device found.\n"
    "[1,0]<stdout>:# Collective test starting: all_reduce_perf\n"
    "[1,0]<stdout>:       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n"
    "[1,0]<stdout>:      16   4   float  sum  -1  28.6  0.00  0.00  0  27.99  0.00  0.00  0\n"
    "[1,0]<stdout>:#  Rank  0 Group  0 Pid  1 on node-a device  0 [0x18] NVIDIA A100-SXM4-80GB\n"
    "[1,1]<stdout>:#  Rank  1 Group  0 Pid  2 on node-a device  1 [0x2a] NVIDIA A100-SXM4-80GB\n"
    "[1,0]<stdout>:# Collective test starting: all_gather_perf\n"
    "[1,0]<stdout>:      64   8   float  none  -1  20.1  0.00  0.00  0  20.0  0.00  0.00  0\n"
    "mpirun: exiting normally\n";

static void reads_mpirun_logs_with_several_tests_one_by_one(void)
{
    nccltests_log log, one;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(parse_text(LOG_MPI, &log, err, sizeof err), 0);
    CU_ASSERT_EQUAL(log.n, 3);
    CU_ASSERT_EQUAL(log.ntests, 2);
    CU_ASSERT_EQUAL(log.ranks, 2);                  /* not 4: the second listing is the same ranks */
    CU_ASSERT_EQUAL(log.chatter, 3);                /* the ssh warning, the rule, mpirun's goodbye */
    CU_ASSERT_STRING_EQUAL(log.nccl_version, "2.19.3");
    CU_ASSERT_EQUAL(log.op, COLL_ALLREDUCE);
    CU_ASSERT_EQUAL(nccltests_find(&log, COLL_ALLGATHER), 1);
    CU_ASSERT_EQUAL(nccltests_find(&log, COLL_BROADCAST), -1);
    CU_ASSERT_EQUAL_FATAL(nccltests_select(&log, 1, &one), 0);
    CU_ASSERT_EQUAL(one.op, COLL_ALLGATHER);
    CU_ASSERT_EQUAL(one.n, 1);
    ASSERT_REL(one.rows[0].size, 64, 0);
    ASSERT_REL(one.rows[0].time_us[0], 20.1, 1e-15);
    CU_ASSERT_EQUAL(nccltests_select(&log, 2, &one), -1);
    CU_ASSERT_EQUAL(nccltests_select(&log, 0, &one), 0);
    CU_ASSERT_EQUAL(one.n, 2);
    ASSERT_REL(one.rows[1].size, 16, 0);
    nccltests_free(&log);
    /* a line that starts like a row must still be one */
    CU_ASSERT_EQUAL(parse_text("[1,0]<stdout>:   8  2  float\n", &log, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1, column 24:"));     /* columns count the MPI tag */
}

static void refuses_malformed_rows_with_the_line_number(void)
{
    static const struct { const char *text, *needle; } BAD[] = {
        { "# header\n       8   2   float  sum  -1  28.5  0.00  0.00  0  2x.96  0.00  0.00  0\n",
          "line 2, column 53: " },
        { "\n\n       8   2   float  sum  -1  28.5  0.00\n", "line 3, column 38: " },
        { "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n"
          "      -8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n", "line 2, column 7: " },
        { "       8   2   7  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n", "type \"7\"" },
        { "# only comments\n#\n", "no nccl-tests result rows" },
        { "", "no nccl-tests result rows" },
        /* a root past int32 was undefined behaviour; now out of range, naming the value */
        { "       8   2   float  sum  4294967296  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n",
          "root out of range (allowed: -1 to 2147483647) \"4294967296\"" },
        { "       8   2   float  sum  2147483648  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n",
          "root out of range" },
        { "       8   2   float  sum  -1  28.5  0.00  0.00  1e300  27.96  0.00  0.00  0\n",
          "out-of-place #wrong (allowed: a count from 0 to 1e18, as nccl-tests prints it, or N/A) \"1e300\"" },
        { "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  2.5\n", "in-place #wrong" },
        /* a row cut short where the column header announced root: named as such, not as a bad time */
        { "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong\n"
          "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00\n",
          "line 2, column 66: \"8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00\" is not an "
          "nccl-tests result row: 12 columns where the column header at line 1 has 13 (a cut or truncated line?)" },
        /* the last line of a killed run, cut after its size */
        { "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong\n"
          "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n  107374",
          "line 3, column 3: \"107374\" is not an nccl-tests result row: 1 column where the column header at line 1 "
          "has 13 (a cut or truncated line?)" },
        /* nccl-tests -d all: several types in one test would read as one curve whose sizes restart */
        { "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n"
          "       8   4    half  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n",
          "line 2: a half row after float ones (line 1) in one test (nccl-tests -d all or -o all)" },
        { "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n"
          "       8   2   float  max  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n", "a max row after sum ones" },
        /* control characters are escaped */
        { "       8   2\033   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n", "count \"2\\x1b\"" },
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        nccltests_log log;
        char err[512];
        CU_ASSERT_EQUAL(parse_text(BAD[i].text, &log, err, sizeof err), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, BAD[i].needle));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "test.log"));
        CU_ASSERT_EQUAL(log.n, 0);
    }
}

/* Header lines are read field by field: rank lines with or without the
 * "Group" of nccl-tests 2.17 on, a version with its CUDA suffix; slicesim's
 * own platform line must be whole, and a bad field is named with its line
 * and column. */
static void reads_header_lines_field_by_field(void)
{
    static const char OLD_RANKS[] =
        "# nThread 1 nGpus 1 minBytes 8 maxBytes 8 step: 2(factor) warmup iters: 5 iters: 20 validation: 1\n"
        "#   Rank  0 Pid  12345 on    dgx-01 device  0 [0x07] Tesla V100-SXM2-32GB\n"
        "#   Rank  1 Pid  12346 on    dgx-02 device  0 [0x07] Tesla V100-SXM2-32GB\n"
        "dgx-01:12345:12345 [0] NCCL INFO NCCL version 2.7.8+cuda11.0\n"
        "       8   2   float  sum  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n";
    nccltests_log log;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(parse_text(OLD_RANKS, &log, err, sizeof err), 0);
    CU_ASSERT_EQUAL(log.ranks, 2);
    CU_ASSERT_EQUAL(log.nodes, 2);
    CU_ASSERT_STRING_EQUAL(log.gpu_name, "Tesla V100-SXM2-32GB");
    CU_ASSERT_STRING_EQUAL(log.nccl_version, "2.7.8");
    nccltests_free(&log);
    static const char PLATFORM[] =
        "# slicesim platform: topology dgx-h100 nodes 2 gpus_per_node 8 virtualization bare_metal\n"
        "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n";
    CU_ASSERT_EQUAL_FATAL(parse_text(PLATFORM, &log, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(log.topo, "dgx-h100");
    CU_ASSERT_EQUAL(log.plat_nodes, 2);
    CU_ASSERT_EQUAL(log.plat_ppn, 8);
    CU_ASSERT_STRING_EQUAL(log.virt, "bare_metal");
    nccltests_free(&log);
    static const char BAD_PLATFORM[] =
        "# slicesim platform: topology dgx-h100 nodes two gpus_per_node 8 virtualization bare_metal\n"
        "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n";
    CU_ASSERT_EQUAL(parse_text(BAD_PLATFORM, &log, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "test.log: line 1, column 46: expected nodes, a whole number"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "found \"two\""));
    /* a version that is not three numbers is not kept */
    CU_ASSERT_EQUAL_FATAL(parse_text("# NCCL version 2.x\n"
                                     "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n",
                                     &log, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(log.nccl_version, "");
    nccltests_free(&log);
}

/* NCCL_DEBUG=VERSION prints the version alone on a line; nccl-tests 2.13 on
 * print "# nccl-tests version ... nccl-library=CODE" first. Either is read
 * (the first one wins), CRLF line ends included. */
static void reads_the_nccl_version_alone_or_from_the_nccl_tests_line(void)
{
    static const char ROW[] = "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\r\n";
    static const struct { const char *head, *version; } CASES[] = {
        { "NCCL version 2.21.5+cuda12.4\r\n", "2.21.5" },
        { "[1,0]<stdout>:NCCL version 2.19.3+cuda12.3\r\n", "2.19.3" },
        { "# nccl-tests version 2.13.11 nccl-headers=22105 nccl-library=21903\r\n"
          "NCCL version 2.21.5+cuda12.4\r\n", "2.19.3" },
        { "# nccl-tests version 2.10.0 nccl-headers=2804 nccl-library=2804\n", "2.8.4" },
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char text[512], err[512];
        nccltests_log log;
        snprintf(text, sizeof text, "%s%s", CASES[i].head, ROW);
        CU_ASSERT_EQUAL_FATAL(parse_text(text, &log, err, sizeof err), 0);
        CU_ASSERT_STRING_EQUAL(log.nccl_version, CASES[i].version);
        CU_ASSERT_EQUAL(log.chatter, 0);          /* a version line is not launcher output */
        nccltests_free(&log);
    }
}

/* nccl-tests prints #wrong with "%5g": a million wrong elements read
 * "1e+06". Such rows are read, and counted with the first one's line. */
static void wrong_counts_read_as_nccl_tests_prints_them(void)
{
    static const char TEXT[] =
        "       8   2   float  sum  -1  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n"
        "      16   4   float  sum  -1  28.5  0.00  0.00  1.23457e+06  27.96  0.00  0.00  1e+06\n"
        "      32   8   float  sum  -1  28.5  0.00  0.00  N/A  27.96  0.00  0.00  3\n";
    nccltests_log log;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(parse_text(TEXT, &log, err, sizeof err), 0);
    CU_ASSERT_EQUAL(log.n, 3);
    CU_ASSERT_EQUAL(log.rows[1].wrong[0], 1234570);
    CU_ASSERT_EQUAL(log.rows[1].wrong[1], 1000000);
    CU_ASSERT_EQUAL(log.rows[2].wrong[0], -1);
    CU_ASSERT_EQUAL(log.wrong_rows, 2);
    CU_ASSERT_EQUAL(log.wrong_line, 2);
    nccltests_free(&log);
}

/* Before 2.17 nothing names a test, but every run prints "# nThread" first:
 * two runs in one file are two tests, not one curve whose sizes restart.
 * A named test slicesim does not model keeps its name. */
static void nthread_lines_open_tests_and_names_are_kept(void)
{
    static const char TEXT[] =
        "# nThread 1 nGpus 8 minBytes 8 maxBytes 16 step: 2(factor) warmup iters: 5 iters: 20 validation: 1\n"
        "       8   2   float  sum  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n"
        "      16   4   float  sum  28.5  0.00  0.00  0  27.96  0.00  0.00  0\n"
        "# nThread 1 nGpus 8 minBytes 8 maxBytes 8 step: 2(factor) warmup iters: 5 iters: 20 validation: 1\n"
        "       8   2   float  sum  30.5  0.00  0.00  0  29.96  0.00  0.00  0\n"
        "# Collective test starting: scatter_perf\n"
        "# nThread 1 nGpus 8 minBytes 8 maxBytes 8 step: 2(factor) warmup iters: 5 iters: 20 validation: 1\n"
        "       8   2   float  none  0  30.5  0.00  0.00  0  29.96  0.00  0.00  0\n";
    nccltests_log log, one;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(parse_text(TEXT, &log, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(log.ntests, 3);
    CU_ASSERT_EQUAL(log.tests[0].n, 2);
    CU_ASSERT_EQUAL(log.tests[0].line, 1);
    CU_ASSERT_STRING_EQUAL(log.tests[0].name, "");
    CU_ASSERT_EQUAL(log.tests[1].n, 1);
    CU_ASSERT_EQUAL(log.tests[1].line, 4);
    CU_ASSERT_EQUAL(log.tests[2].op, -1);
    CU_ASSERT_STRING_EQUAL(log.tests[2].name, "scatter_perf");
    CU_ASSERT_EQUAL(log.tests[2].line, 6);
    CU_ASSERT_EQUAL(nccltests_select(&log, 1, &one), 0);
    ASSERT_REL(one.rows[0].time_us[0], 30.5, 0);
    nccltests_free(&log);
}

/* Launchers that label every line: Slurm's srun --label ("0: ", padded),
 * MPICH's -prepend-rank and Intel MPI's -l ("[0] "). The log reads as the
 * bare one (it was refused as a bad size "0:", or read as no rows at all). */
static void lines_labelled_by_srun_or_mpich_read_as_bare_ones(void)
{
    static const char *const LABEL[] = { "0: ", " 12: ", "[0] ", "[3]:" };
    for (size_t i = 0; i < sizeof LABEL / sizeof LABEL[0]; i++) {
        char text[4096] = "", err[512];
        const char *p = LOG_NEW;
        while (*p) {
            size_t n = strcspn(p, "\n");
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s%.*s\n", LABEL[i], (int)n, p);
            p += n + (p[n] == '\n');
        }
        nccltests_log log;
        CU_ASSERT_EQUAL_FATAL(parse_text(text, &log, err, sizeof err), 0);
        CU_ASSERT_EQUAL(log.n, 2);
        CU_ASSERT_EQUAL(log.op, COLL_ALLREDUCE);
        CU_ASSERT_EQUAL(log.ranks, 4);
        CU_ASSERT_EQUAL(log.chatter, 0);
        ASSERT_REL(log.rows[1].time_us[0], 52.10, 0);
        nccltests_free(&log);
    }
}

static char *render(const nccltests_log *log)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "# Collective test starting: all_reduce_perf\n");
    nccltests_write_header(f, log->rows[0].algo[0] != '\0');
    for (size_t i = 0; i < log->n; i++)
        nccltests_write_row(f, &log->rows[i]);
    fclose(f);
    return buf;
}

static void written_rows_read_back_to_the_same_numbers(void)
{
    char err[512];
    nccltests_log a, b;
    CU_ASSERT_EQUAL_FATAL(parse_text(LOG_NEW, &a, err, sizeof err), 0);
    char *t1 = render(&a);
    CU_ASSERT_EQUAL_FATAL(parse_text(t1, &b, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(b.n, a.n);
    for (size_t i = 0; i < a.n; i++) {
        CU_ASSERT_EQUAL(b.rows[i].size, a.rows[i].size);
        CU_ASSERT_EQUAL(b.rows[i].count, a.rows[i].count);
        CU_ASSERT_EQUAL(b.rows[i].root, a.rows[i].root);
        for (int k = 0; k < 2; k++) {
            CU_ASSERT_EQUAL(b.rows[i].time_us[k], a.rows[i].time_us[k]);
            CU_ASSERT_EQUAL(b.rows[i].algbw[k], a.rows[i].algbw[k]);
            CU_ASSERT_EQUAL(b.rows[i].busbw[k], a.rows[i].busbw[k]);
            CU_ASSERT_EQUAL(b.rows[i].wrong[k], a.rows[i].wrong[k]);
        }
    }
    char *t2 = render(&b);
    CU_ASSERT_STRING_EQUAL(t1, t2);           /* write(read(x)) is a fixed point */
    free(t1);
    free(t2);
    nccltests_free(&a);
    nccltests_free(&b);
}

/* The model's own rows, with algorithm and protocol, survive the trip at
 * the printed precision (times to 0.01 us below 100 us). */
static void model_rows_round_trip_with_algorithm_and_protocol(void)
{
    topo t;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(topo_build(&t, topo_preset_find("dgx-h100"), 2, 8, TOPO_VIRT_BARE_METAL,
                                     NULL, err, sizeof err), 0);
    nccltests_log log = { 0 };
    nccltests_row rows[20];
    log.rows = rows;
    for (int i = 0; i < 20; i++) {
        coll_est e;
        double s = exp2(3 + 2 * i);
        coll_estimate(&t, COLL_ALLGATHER, s * 16, NULL, &e);
        nccltests_model_row(&rows[i], &t, COLL_ALLGATHER, s * 16, &e, e.time_us);
        log.n++;
    }
    char *text = render(&log);
    nccltests_log back;
    CU_ASSERT_EQUAL_FATAL(parse_text(text, &back, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(back.n, 20);
    for (int i = 0; i < 20; i++) {
        CU_ASSERT_EQUAL(back.rows[i].size, rows[i].size);
        CU_ASSERT_EQUAL(back.rows[i].count, rows[i].size / 4 / 16);
        ASSERT_REL(back.rows[i].time_us[0], rows[i].time_us[0], 5e-4);
        CU_ASSERT_STRING_EQUAL(back.rows[i].algo, "Ring");
        CU_ASSERT_STRING_EQUAL(back.rows[i].proto, rows[i].proto);
        CU_ASSERT_STRING_EQUAL(back.rows[i].redop, "none");
    }
    free(text);
    nccltests_free(&back);
}

/* A platform that runs NCCL's latency 1.5x slower and reaches an efficiency
 * rising from 0.5 (1 MiB and below) to 0.8 (1 GiB), linear in log2 size. */
static double true_eff(double s)
{
    double x = log2(s);
    return x <= 20 ? 0.5 : x >= 30 ? 0.8 : 0.5 + 0.3 * (x - 20) / 10;
}

static void fit_recovers_a_known_latency_factor_and_efficiency_curve(void)
{
    topo t;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(topo_build(&t, topo_preset_find("dgx-a100"), 1, 8, TOPO_VIRT_BARE_METAL,
                                     NULL, err, sizeof err), 0);
    nccltests_log log = { 0 };
    nccltests_row rows[28];
    log.rows = rows;
    for (int i = 0; i < 28; i++) {
        coll_est e;
        double s = exp2(3 + i);
        coll_estimate(&t, COLL_ALLREDUCE, s, NULL, &e);
        double tm = 1.5 * e.lat_us + (e.time_us - e.lat_us) / true_eff(s);
        nccltests_model_row(&rows[i], &t, COLL_ALLREDUCE, s, &e, tm);
        log.n++;
    }
    char *text = render(&log);                 /* through the printed precision */
    nccltests_log back;
    CU_ASSERT_EQUAL_FATAL(parse_text(text, &back, err, sizeof err), 0);
    coll_corr c;
    nccltests_fit_report rep;
    CU_ASSERT_EQUAL_FATAL(nccltests_fit(&back, &t, COLL_ALLREDUCE, 0, &c, &rep, err, sizeof err), 0);
    ASSERT_REL(c.lat_scale, 1.5, 2e-3);
    CU_ASSERT(rep.lat_rows >= 5);
    CU_ASSERT(rep.bw_rows >= 10);
    ASSERT_REL(coll_corr_eff(&c, exp2(25)), 0.65, 0.01);
    ASSERT_REL(coll_corr_eff(&c, exp2(30)), 0.8, 0.01);
    CU_ASSERT(rep.rms_rel_err < 0.005);
    CU_ASSERT(rep.max_rel_err < 0.01);
    free(rep.pts);
    free(text);
    nccltests_free(&back);
}

TU_SUITE_FN(nccltests)
{
    static const tu_test tests[] = {
        TU_TEST(reads_rows_ranks_hosts_and_test_name_of_a_current_log),
        TU_TEST(keeps_nccl_algo_and_proto_from_info_lines),
        TU_TEST(reads_logs_without_root_column_and_skips_nccl_info_lines),
        TU_TEST(refuses_malformed_rows_with_the_line_number),
        TU_TEST(reads_header_lines_field_by_field),
        TU_TEST(reads_the_nccl_version_alone_or_from_the_nccl_tests_line),
        TU_TEST(wrong_counts_read_as_nccl_tests_prints_them),
        TU_TEST(nthread_lines_open_tests_and_names_are_kept),
        TU_TEST(lines_labelled_by_srun_or_mpich_read_as_bare_ones),
        TU_TEST(reads_mpirun_logs_with_several_tests_one_by_one),
        TU_TEST(written_rows_read_back_to_the_same_numbers),
        TU_TEST(model_rows_round_trip_with_algorithm_and_protocol),
        TU_TEST(fit_recovers_a_known_latency_factor_and_efficiency_curve),
    };
    TU_SUITE("nccltests", tests);
}
