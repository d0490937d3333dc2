/* test_cmd_collective.c -- `slicesim collective` end to end: the table, the
 * CSV, determinism, noise, and bad input (cli/cmd_collective.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "calibration/nccltests.h"
#include "models/accuracy.h"

#define OUT_LEN (1 << 16)

static char out[OUT_LEN], err[4096];

static nccltests_log parse_out(void)
{
    nccltests_log log;
    char msg[512];
    FILE *f = fmemopen(out, strlen(out), "r");
    int rc = nccltests_parse(f, "stdout", &log, msg, sizeof msg);
    fclose(f);
    CU_ASSERT_EQUAL(rc, 0);
    return log;
}

static void prints_an_nccl_tests_table_that_reads_back(void)
{
    char *argv[] = { "slicesim", "collective", "--gpu", "h100-sxm", "--nodes", "2", "--gpus-per-node", "8",
                     "--op", "allreduce", "--min", "8", "--max", "1M", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "# Collective test starting: all_reduce_perf"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "#       size         count      type   redop    root     time"));
    /* the collective model's validated error, as a comment the log reader skips */
    char want[160];
    const acc_entry *v = acc_find("nccl");
    snprintf(want, sizeof want, "\n# Validated error      : %.2f%% mean, 90%% of %d published rows within %.2f%%",
             v->mean_pct, v->rows, v->p90_pct);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
    nccltests_log log = parse_out();
    CU_ASSERT_EQUAL(log.n, 18);                   /* 8 B ... 1 MiB, doubling */
    CU_ASSERT_EQUAL(log.op, COLL_ALLREDUCE);
    CU_ASSERT_EQUAL(log.plat_nodes, 2);
    CU_ASSERT_EQUAL(log.plat_ppn, 8);
    CU_ASSERT_STRING_EQUAL(log.topo, "dgx-h100");
    /* busbw = algbw x 2(n-1)/n on every row, to the printed precision */
    for (size_t i = 0; i < log.n; i++) {
        CU_ASSERT(fabs(log.rows[i].busbw[0] - log.rows[i].algbw[0] * 30.0 / 16) <= 0.015);
        CU_ASSERT(log.rows[i].algo[0] != '\0' && log.rows[i].proto[0] != '\0');
    }
    CU_ASSERT_STRING_EQUAL(log.rows[0].proto, "LL");
    nccltests_free(&log);
}

static void writes_csv_and_is_byte_identical_for_the_same_seed(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "collective", "--topo", "aws-p5", "--nodes", "4", "--op", "allgather",
                     "--min", "1K", "--max", "16M", "--jitter-us", "20", "--noise-rate", "500",
                     "--noise-us", "30", "--ring-mode", "chunk", "--iters", "5", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/collective.csv", dir);
    char *a = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    static const char head[] = "size_bytes,count,type,redop,root,time_us,algbw_gbs,busbw_gbs,algorithm,protocol,";
    CU_ASSERT_EQUAL(strncmp(a, head, strlen(head)), 0);
    size_t rows = 0;
    for (char *c = a; *c; c++)
        rows += *c == '\n';
    CU_ASSERT_EQUAL(rows, 1 + 15);
    char first[OUT_LEN];
    memcpy(first, out, sizeof first);
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    char *b = tu_read_file(path, NULL);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_STRING_EQUAL(first, out);
    free(a);
    free(b);
}

/* Exponential arrival jitter of mean 50 us over 64 ranks adds 50 H_64 us on
 * average; 2000 iterations put the mean within a few percent. */
static void arrival_jitter_adds_the_expected_straggler_delay(void)
{
    char *quiet[] = { "slicesim", "collective", "--gpu", "a100-sxm-80gb", "--nodes", "8", "--op", "allreduce",
                      "--min", "8", "--max", "8", NULL };
    char *noisy[] = { "slicesim", "collective", "--gpu", "a100-sxm-80gb", "--nodes", "8", "--op", "allreduce",
                      "--min", "8", "--max", "8", "--jitter-us", "50", "--iters", "2000", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(quiet, out, sizeof out, err, sizeof err), 0);
    nccltests_log q = parse_out();
    CU_ASSERT_EQUAL_FATAL(tu_cli(noisy, out, sizeof out, err, sizeof err), 0);
    nccltests_log n = parse_out();
    double h64 = 0;
    for (int k = 1; k <= 64; k++)
        h64 += 1.0 / k;
    ASSERT_REL(n.rows[0].time_us[0] - q.rows[0].time_us[0], 50 * h64, 0.03);
    nccltests_free(&q);
    nccltests_free(&n);
}

static void refuses_bad_options_with_exit_status_2(void)
{
    static const struct { const char *args[8]; const char *needle; } BAD[] = {
        { { "--gpu", "h100-sxm", "--op", "allsum" }, "allowed: allreduce" },
        { { "--gpu", "x900" }, "unknown name \"x900\"" },
        { { "--gpu", "h100-sxm", "--gpus-per-node", "9" }, "allowed: 1 to 8" },
        { { "--gpu", "h100-sxm", "--nodes", "1", "--gpus-per-node", "1" }, "at least 2 GPUs" },
        { { "--gpu", "h100-sxm", "--plot" }, "--plot needs -o DIR" },
        { { "--gpu", "h100-sxm", "--min", "0" }, "--min: value \"0\"" },
        { { "--gpu", "h100-sxm", "--max", "8X" }, "--max: value \"8X\"" },
        { { "--gpu", "h100-sxm", "--min", "1M", "--max", "1K" }, "larger than --max" },
        { { "--gpu", "h100-sxm", "--virt", "kvm" }, "allowed: bare_metal" },
        { { "--gpu", "h100-sxm", "--nodes", "300", "--ring-mode", "chunk" }, "at most 2048 ranks" },
        { { "--gpu", "h100-sxm", "--jitter", "uniform" }, "allowed: none, exponential, normal" },
        { { "--topo", "aws-p5", "--gpu", "a100-sxm-40gb" }, "does not match" },
        { { "--gpu", "h100-sxm", "--correction", "/nonexistent/c.json" }, "cannot open" },
        { { "--gpu", "h100-sxm", "--frobnicate" }, "unknown option" },
        /* refused before any table is printed (the header used to come out first) */
        { { "--gpu", "h100-sxm", "--op", "allgather", "--min", "8", "--max", "16" }, "allowed: --max at least 32" },
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char *argv[12] = { "slicesim", "collective" };
        int n = 2;
        for (int k = 0; k < 8 && BAD[i].args[k]; k++)
            argv[n++] = (char *)BAD[i].args[k];
        argv[n] = NULL;
        CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, BAD[i].needle));
        CU_ASSERT_PTR_NULL(strstr(out, "# Collective test starting"));
        if (!strstr(err, BAD[i].needle))
            fprintf(stderr, "\n    case %zu: %s", i, err);
    }
}

/* Without NVLink (a virtual PCI topology hides it) a one-node all-reduce of
 * 1 GiB runs at PCIe speed: busbw below 48 GB/s instead of above 300. */
static void hiding_nvlink_drops_busbw_to_pcie(void)
{
    char *argv[] = { "slicesim", "collective", "--gpu", "h100-sxm", "--min", "1G", "--max", "1G",
                     "--virt", "passthrough", "--hide-nvlink", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    nccltests_log log = parse_out();
    CU_ASSERT(log.rows[0].busbw[0] < 48.0 && log.rows[0].busbw[0] > 40.0);
    nccltests_free(&log);
}

/* --plot writes the gnuplot script next to the CSV (and the images when
 * gnuplot is installed); the command succeeds either way. */
static void plot_writes_a_gnuplot_script_of_busbw_against_size(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "collective", "--gpu", "a100-sxm-40gb", "--min", "8", "--max", "1M",
                     "-o", dir, "--plot", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/collective.png.gp", dir);
    char *gp = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "plot 'collective.csv' every ::1 using 1:8"));
    free(gp);
}

/* NCCL_ALGO / NCCL_PROTO and the release: --algo Ring --proto LL128 on
 * 8 H100 at 1 MiB runs the ring on LL128, whose time is the pipeline's;
 * NCCL 2.20.5's Hopper LL cap (87.7 GB/s, 141 from 2.21.5) slows a forced
 * Ring/LL. */
static void algorithm_protocol_and_release_can_be_forced(void)
{
    char *a[] = { "slicesim", "collective", "--topo", "dgx-h100", "--min", "1M", "--max", "1M", "--algo", "Ring",
                  "--proto", "LL128", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(a, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Ring   LL128"));
    char *ll_new[] = { "slicesim", "collective", "--topo", "dgx-h100", "--min", "64M", "--max", "64M", "--algo",
                       "Ring", "--proto", "LL", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(ll_new, out, sizeof out, err, sizeof err), 0);
    nccltests_log fresh, old;
    char msg[512];
    FILE *f = fmemopen(out, strlen(out), "r");
    CU_ASSERT_EQUAL_FATAL(nccltests_parse(f, "new", &fresh, msg, sizeof msg), 0);
    fclose(f);
    char *ll_old[] = { "slicesim", "collective", "--topo", "dgx-h100", "--min", "64M", "--max", "64M", "--algo",
                       "Ring", "--proto", "LL", "--nccl-version", "2.20.5", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(ll_old, out, sizeof out, err, sizeof err), 0);
    f = fmemopen(out, strlen(out), "r");
    CU_ASSERT_EQUAL_FATAL(nccltests_parse(f, "old", &old, msg, sizeof msg), 0);
    fclose(f);
    /* busbw at 64 MiB sits at each release's cap */
    ASSERT_REL(fresh.rows[0].busbw[0], 141.0, 0.10);
    ASSERT_REL(old.rows[0].busbw[0], 87.7, 0.10);
    nccltests_free(&fresh);
    nccltests_free(&old);
    char *bad[] = { "slicesim", "collective", "--topo", "dgx-h100", "--proto", "LL256", NULL };
    CU_ASSERT_EQUAL(tu_cli(bad, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--proto \"LL256\": protocol \"LL256\" is not known; allowed: LL, LL128, Simple"));
}

/* The header says which achieved-time parameters this platform measured
 * and which it takes from the pooled fit: the DGX H100's network is its
 * own (Vidur's 2 x 1 send/recv), an HGX H100's is borrowed. */
static void header_says_which_fitted_parameters_are_the_platforms_own(void)
{
    char *dgx[] = { "slicesim", "collective", "--topo", "dgx-h100", "--nodes", "2", "--min", "1M", "--max", "1M",
                    NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(dgx, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "# fitted: link share 0.984 (pooled), step 3.20 us (pooled); "
                                       "NIC share 0.766 (own), network step 15.4 us (own)"));
    char *hgx[] = { "slicesim", "collective", "--topo", "hgx-h100", "--nodes", "2", "--min", "1M", "--max", "1M",
                    NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(hgx, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "NIC share 0.658 (pooled), network step 22.1 us (pooled)"));
    char *one[] = { "slicesim", "collective", "--topo", "vidur-a100-net", "--min", "1M", "--max", "1M", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(one, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "# fitted: link share 0.738 (own)"));
    CU_ASSERT_PTR_NULL(strstr(out, "NIC share"));     /* one node: no network */
}

TU_SUITE_FN(cmd_collective)
{
    static const tu_test tests[] = {
        TU_TEST(prints_an_nccl_tests_table_that_reads_back),
        TU_TEST(writes_csv_and_is_byte_identical_for_the_same_seed),
        TU_TEST(arrival_jitter_adds_the_expected_straggler_delay),
        TU_TEST(refuses_bad_options_with_exit_status_2),
        TU_TEST(algorithm_protocol_and_release_can_be_forced),
        TU_TEST(hiding_nvlink_drops_busbw_to_pcie),
        TU_TEST(plot_writes_a_gnuplot_script_of_busbw_against_size),
        TU_TEST(header_says_which_fitted_parameters_are_the_platforms_own),
    };
    TU_SUITE("cmd_collective", tests);
}
