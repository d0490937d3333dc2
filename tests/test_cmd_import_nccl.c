/* test_cmd_import_nccl.c -- `slicesim import-nccl-tests` end to end and the
 * correction files it writes (cli/cmd_import_nccl.c, scenarios/netcfg.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "calibration/nccltests.h"
#include "scenarios/netcfg.h"

#define EXAMPLE "calibration/examples/all_reduce_perf_h100_1x8.example.log"

static char out[1 << 16], err[4096];

static void malformed_log_is_refused_with_its_line_number(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bad.log", dir);
    tu_write_file(path, "# Collective test starting: all_reduce_perf\n#\n"
                        "           8             2     float     sum      -1    19.50    0.00    0.00     N/A    19.50    0.00    0.00     N/A\n"
                        "          16             4     float     sum      -1    19.50    0.00\n");
    char *argv[] = { "slicesim", "import-nccl-tests", path, "--gpu", "h100-sxm", NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 4, column "));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.log"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "allowed: size count type"));
    char *none[] = { "slicesim", "import-nccl-tests", "/nonexistent.log", NULL };
    CU_ASSERT_EQUAL(tu_cli(none, out, sizeof out, err, sizeof err), 2);
    tu_write_file(path, "           8             2     float     sum      -1    19.50    0.00    0.00     N/A    19.50    0.00    0.00     N/A\n");
    char *noop[] = { "slicesim", "import-nccl-tests", path, "--gpu", "h100-sxm", NULL };
    CU_ASSERT_EQUAL(tu_cli(noop, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "give --op"));
}

/* The example log 200 times slower: its latency factor would be far beyond
 * what `collective --correction` accepts, so nothing is written. */
static void a_correction_the_loader_would_refuse_is_not_written(void)
{
    char dir[64], path[128], msg[512];
    tu_tmpdir(dir, sizeof dir);
    nccltests_log log;
    FILE *f = fopen(EXAMPLE, "r");
    CU_ASSERT_EQUAL_FATAL(nccltests_parse(f, EXAMPLE, &log, msg, sizeof msg), 0);
    fclose(f);
    snprintf(path, sizeof path, "%s/slow.log", dir);
    f = fopen(path, "w");
    fprintf(f, "# Collective test starting: all_reduce_perf\n");
    nccltests_write_header(f, 0);
    for (size_t i = 0; i < log.n; i++) {
        nccltests_row r = log.rows[i];
        for (int k = 0; k < 2; k++) {
            r.time_us[k] *= 200;
            r.algbw[k] /= 200;
            r.busbw[k] /= 200;
        }
        r.algo[0] = r.proto[0] = '\0';
        nccltests_write_row(f, &r);
    }
    fclose(f);
    nccltests_free(&log);
    char o[128];
    snprintf(o, sizeof o, "%s/out", dir);
    char *argv[] = { "slicesim", "import-nccl-tests", path, "--gpu", "h100-sxm", "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
    if (!strstr(err, "latency_scale"))
        fprintf(stderr, "\n    %s", err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "the correction fitted from"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "latency_scale"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "out of range; allowed: a number in (0, 100]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "nothing written"));
    snprintf(path, sizeof path, "%s/out/nccl_correction.json", dir);
    CU_ASSERT_PTR_NULL(tu_read_file(path, NULL));
}

/* The example log was made with start-up and syncs x 1.3 and efficiency 0.52 at 1 GiB:
 * the import finds both, and `collective --correction` then reproduces the
 * log's times. */
static void imported_correction_reproduces_the_log(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "import-nccl-tests", EXAMPLE, "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "platform dgx-h100 1 x 8 GPUs"));
    snprintf(path, sizeof path, "%s/nccl_correction.json", dir);
    coll_corr c;
    char msg[512];
    CU_ASSERT_EQUAL_FATAL(netcfg_corr_load(path, &c, msg, sizeof msg), 0);
    ASSERT_REL(c.lat_scale, 1.3, 3e-3);
    ASSERT_REL(coll_corr_eff(&c, 1073741824.0), 0.52, 0.01);
    char *coll[] = { "slicesim", "collective", "--gpu", "h100-sxm", "--min", "8", "--max", "8G",
                     "--correction", path, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(coll, out, sizeof out, err, sizeof err), 0);
    nccltests_log model, meas;
    FILE *f = fmemopen(out, strlen(out), "r");
    CU_ASSERT_EQUAL_FATAL(nccltests_parse(f, "stdout", &model, msg, sizeof msg), 0);
    fclose(f);
    f = fopen(EXAMPLE, "r");
    CU_ASSERT_EQUAL_FATAL(nccltests_parse(f, EXAMPLE, &meas, msg, sizeof msg), 0);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(model.n, meas.n);
    for (size_t i = 0; i < meas.n; i++)
        ASSERT_REL(model.rows[i].time_us[0], meas.rows[i].time_us[0], 0.01);
    nccltests_free(&model);
    nccltests_free(&meas);
    snprintf(path, sizeof path, "%s/nccl_fit.csv", dir);
    char *csv = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL(csv);
    free(csv);
}

/* The shipped A3 Mega correction is what the importer fits from the
 * published log (a real 2 x 8 H100 run); its fit warns that it misses its
 * own latency-bound rows. */
static void shipped_correction_is_the_fit_of_its_log(void)
{
    char dir[64], mine[160];
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "import-nccl-tests", "calibration/examples/a3mega_2x8_all_reduce_perf.log",
                     "--topo", "gcp-a3-mega", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "platform gcp-a3-mega 2 x 8 GPUs"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "warning:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "still misses the log by up to 71.9% at 131072 bytes (128 KiB; rms 23.0%)"));
    snprintf(mine, sizeof mine, "%s/nccl_correction.json", dir);
    coll_corr a, b;
    char msg[512];
    CU_ASSERT_EQUAL_FATAL(netcfg_corr_load(mine, &a, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL_FATAL(netcfg_corr_load("calibration/examples/a3mega-2x8.correction.json", &b, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(a.n, b.n);
    ASSERT_REL(a.lat_scale, b.lat_scale, 1e-12);
    for (int k = 0; k < a.n && k < b.n; k++)
        ASSERT_REL(a.eff[k], b.eff[k], 1e-12);
    CU_ASSERT_STRING_EQUAL(b.topo, "gcp-a3-mega");
    CU_ASSERT_EQUAL(b.nodes, 2);
    CU_ASSERT_EQUAL(b.op, COLL_ALLREDUCE);
    ASSERT_REL(b.fit_max_err_size, 131072, 0);               /* where it misses most, recorded */
}

/* A correction applied elsewhere than where it was fitted warns; on
 * another GPU it cannot apply (exit 2). */
static void misapplied_corrections_warn_or_are_refused(void)
{
    char *same[] = { "slicesim", "collective", "--topo", "gcp-a3-mega", "--nodes", "2", "--min", "1M", "--max",
                     "1M", "--correction", "calibration/examples/a3mega-2x8.correction.json", NULL };
    CU_ASSERT_EQUAL(tu_cli(same, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "misses its own log by up to 72% (at 128 KiB)"));
    char *nodes[] = { "slicesim", "collective", "--topo", "gcp-a3-mega", "--nodes", "16", "--min", "1M", "--max",
                      "1M", "--correction", "calibration/examples/a3mega-2x8.correction.json", NULL };
    CU_ASSERT_EQUAL(tu_cli(nodes, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "warning: calibration/examples/a3mega-2x8.correction.json: the correction was "
                                       "fitted on 2 node(s) x 8 GPUs, not 16 x 8"));
    char *op[] = { "slicesim", "collective", "--topo", "gcp-a3-mega", "--nodes", "2", "--op", "allgather", "--min",
                   "1M", "--max", "1M", "--correction", "calibration/examples/a3mega-2x8.correction.json", NULL };
    CU_ASSERT_EQUAL(tu_cli(op, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "fitted on allreduce, not allgather"));
    char *gpu[] = { "slicesim", "collective", "--topo", "dgx-a100", "--nodes", "2", "--min", "1M", "--max", "1M",
                    "--correction", "calibration/examples/a3mega-2x8.correction.json", NULL };
    CU_ASSERT_EQUAL(tu_cli(gpu, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "fitted on h100-sxm GPUs (gcp-a3-mega) and cannot apply to a100-sxm-80gb"));
    /* every difference is named, the residual too (the server hid the rest before) */
    char *many[] = { "slicesim", "collective", "--topo", "aws-p5", "--nodes", "4", "--virt", "passthrough",
                     "--nccl-version", "2.21.5", "--min", "1M", "--max", "1M", "--correction",
                     "calibration/examples/a3mega-2x8.correction.json", NULL };
    CU_ASSERT_EQUAL(tu_cli(many, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "fitted on server gcp-a3-mega, not aws-p5; 2 node(s) x 8 GPUs, not 4 x 8; "
                                       "virtualization bare_metal, not passthrough; NCCL 2.30.7's constants, not "
                                       "2.21.5's: its efficiencies may not hold here; and it misses its own log "
                                       "by up to 72%"));
}

/* A correction fitted with a release's constants is applied with them
 * unless --nccl-version says otherwise (and then warns). */
static void a_correction_brings_its_nccl_release(void)
{
    char dir[64], odir[96], path[128], file[160];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/v.log", dir);
    snprintf(odir, sizeof odir, "%s/out", dir);
    tu_write_file(path, "# Collective test starting: all_reduce_perf\nNCCL version 2.20.5+cuda12.2\n"
                        "       65536         16384     float     sum      -1    25.20    2.60    4.55      0    24.90    2.63    4.61      0\n"
                        "   268435456      67108864     float     sum      -1   1180.5  227.39  397.93      0   1178.0  227.87  398.78      0\n");
    char *imp[] = { "slicesim", "import-nccl-tests", path, "--gpu", "h100-sxm", "-o", odir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(imp, out, sizeof out, err, sizeof err), 0);
    snprintf(file, sizeof file, "%s/nccl_correction.json", odir);
    static char a[1 << 14], b[1 << 14];
    char *with[] = { "slicesim", "collective", "--gpu", "h100-sxm", "--min", "64K", "--max", "256M", "-f", "64",
                     "--correction", file, NULL };
    CU_ASSERT_EQUAL(tu_cli(with, a, sizeof a, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(err, "");
    char *same[] = { "slicesim", "collective", "--gpu", "h100-sxm", "--min", "64K", "--max", "256M", "-f", "64",
                     "--nccl-version", "2.20.5", "--correction", file, NULL };
    CU_ASSERT_EQUAL(tu_cli(same, b, sizeof b, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(a, b);
    char *other[] = { "slicesim", "collective", "--gpu", "h100-sxm", "--min", "64K", "--max", "256M", "-f", "64",
                      "--nccl-version", "2.30.7", "--correction", file, NULL };
    CU_ASSERT_EQUAL(tu_cli(other, b, sizeof b, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "fitted on NCCL 2.20.5's constants, not 2.30.7's"));
}

/* A real run's log: mpirun tags, INFO/WARN lines, two tests. Each test is
 * imported in turn into its own files, or the one --op names; the NCCL
 * version of the log goes into the correction. The fixture's times are the
 * model's (2.30.7) x 1.15, so both fits find a factor of about 1.15. */
static void logs_with_several_tests_import_one_by_one_or_by_op(void)
{
    char dir[64], path[160];
    tu_tmpdir(dir, sizeof dir);
    char *all[] = { "slicesim", "import-nccl-tests", "tests/fixtures/nccl_tests_mpirun_two_tests.log", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(all, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "all_reduce_perf, 21 rows"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "all_gather_perf, 21 rows"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "skipped 5 lines"));
    static const char *const ops[] = { "allreduce", "allgather" };
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/nccl_correction_%s.json", dir, ops[i]);
        char *text = tu_read_file(path, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"nccl_version\":\t\"2.21.5\""));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, ops[i]));
        free(text);
        coll_corr c;
        char msg[512];
        CU_ASSERT_EQUAL_FATAL(netcfg_corr_load(path, &c, msg, sizeof msg), 0);
        ASSERT_REL(c.lat_scale, 1.15, 0.02);
        ASSERT_REL(coll_corr_eff(&c, 1073741824.0), 1 / 1.15, 0.03);
    }
    char *one[] = { "slicesim", "import-nccl-tests", "tests/fixtures/nccl_tests_mpirun_two_tests.log", "--op",
                    "all_gather", NULL };
    CU_ASSERT_EQUAL(tu_cli(one, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "all_gather_perf, 21 rows"));
    CU_ASSERT_PTR_NULL(strstr(out, "all_reduce_perf"));
    char *none[] = { "slicesim", "import-nccl-tests", "tests/fixtures/nccl_tests_mpirun_two_tests.log", "--op",
                     "broadcast", NULL };
    CU_ASSERT_EQUAL(tu_cli(none, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "holds no broadcast_perf test"));
    /* before nccl-tests 2.17 a log has no test name: --op says it */
    char *pre[] = { "slicesim", "import-nccl-tests", "tests/fixtures/nccl_tests_pre217_allreduce.log", NULL };
    CU_ASSERT_EQUAL(tu_cli(pre, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "give --op"));
    char *pre_op[] = { "slicesim", "import-nccl-tests", "tests/fixtures/nccl_tests_pre217_allreduce.log", "--op",
                       "allreduce", NULL };
    CU_ASSERT_EQUAL(tu_cli(pre_op, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "all_reduce_perf, 21 rows"));
}

/* What a real run prints around its rows: nccl-tests' version line, NCCL's
 * version alone (NCCL_DEBUG=VERSION), CRLF line ends, #wrong in "%g". The
 * same test twice gets two files; two runs before 2.17 (no test names) or
 * a test slicesim does not model are refused, and nothing is written. */
static void real_log_shapes_import_or_are_refused_whole(void)
{
    static const char ROWS[] =
        "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong\r\n"
        "       65536         16384     float     sum      -1    25.20    2.60    4.55      0    24.90    2.63    4.61      0\r\n"
        "     1048576        262144     float     sum      -1    36.10   29.05   50.83  1e+06    35.80   29.29   51.26      0\r\n"
        "   268435456      67108864     float     sum      -1   1180.5  227.39  397.93      0   1178.0  227.87  398.78      0\r\n";
    char dir[64], odir[96], path[128], file[160], text[4096];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/real.log", dir);
    snprintf(odir, sizeof odir, "%s/out", dir);
    snprintf(text, sizeof text, "# nccl-tests version 2.13.11 nccl-headers=22105 nccl-library=22105\r\n"
             "# Collective test starting: all_reduce_perf\r\nNCCL version 2.21.5+cuda12.4\r\n%s"
             "# Collective test starting: all_reduce_perf\r\n%s", ROWS, ROWS);
    tu_write_file(path, text);
    char *argv[] = { "slicesim", "import-nccl-tests", path, "--gpu", "h100-sxm", "-o", odir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NULL(strstr(err, "skipped"));                 /* the version line is no chatter */
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 6: 2 rows report wrong elements"));
    snprintf(file, sizeof file, "%s/nccl_correction_allreduce_2.json", odir);
    char *json = tu_read_file(file, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(json);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"nccl_version\":\t\"2.21.5\""));
    free(json);
    /* two runs before 2.17 in one file: which is which is unknown */
    snprintf(text, sizeof text, "# nThread 1 nGpus 8\n%s# nThread 1 nGpus 8\n%s", ROWS, ROWS);
    tu_write_file(path, text);
    snprintf(odir, sizeof odir, "%s/out2", dir);
    char *pre[] = { "slicesim", "import-nccl-tests", path, "--gpu", "h100-sxm", "-o", odir, NULL };
    CU_ASSERT_EQUAL(tu_cli(pre, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "real.log: line 1: test 1 of 2 names no collective"));
    snprintf(file, sizeof file, "%s/nccl_correction_allreduce.json", odir);
    CU_ASSERT_PTR_NULL(tu_read_file(file, NULL));
    char *pre_op[] = { "slicesim", "import-nccl-tests", path, "--gpu", "h100-sxm", "--op", "allreduce", NULL };
    CU_ASSERT_EQUAL(tu_cli(pre_op, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "2 of its 2 tests name no collective"));
    snprintf(text, sizeof text, "# Collective test starting: scatter_perf\n%s", ROWS);
    tu_write_file(path, text);
    char *scat[] = { "slicesim", "import-nccl-tests", path, "--gpu", "h100-sxm", NULL };
    CU_ASSERT_EQUAL(tu_cli(scat, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1: test scatter_perf is not a collective slicesim models"));
}

static void bad_correction_files_name_the_json_path(void)
{
    static const struct { const char *text, *needle; } BAD[] = {
        { "{\"latency_scale\": 1, \"bw_efficiency\": [{\"size_bytes\": 1024, \"eff\": 0}]}",
          "bw_efficiency.0.eff" },
        { "{\"latency_scale\": -1, \"bw_efficiency\": []}", "latency_scale" },
        { "{\"latency_scale\": 1, \"bw_efficiency\": [{\"size_bytes\": 2048, \"eff\": 1},"
          " {\"size_bytes\": 1024, \"eff\": 1}]}", "bw_efficiency.1" },
        { "{\"latency_scale\": 1}", "bw_efficiency" },
        { "{\"latency_scale\": 1, \"bw_efficiency\": [], \"extra\": 3}", "extra" },
        { "{\"latency_scale\": 1,\n \"bw_efficiency\": [}", "line 2: malformed JSON" },
        { "{\"latency_scale\": 1, \"bw_efficiency\": [], \"platform\": {\"nccl_algo\": \"CollNetDirect\"}}",
          "platform.nccl_algo: value \"CollNetDirect\": algorithm \"CollNetDirect\" is NCCL's but not modelled" },
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char dir[64], path[128], msg[1024];
        coll_corr c;
        tu_tmpdir(dir, sizeof dir);
        snprintf(path, sizeof path, "%s/c.json", dir);
        tu_write_file(path, BAD[i].text);
        CU_ASSERT_EQUAL(netcfg_corr_load(path, &c, msg, sizeof msg), 2);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, BAD[i].needle));
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, "c.json"));
        char *argv[] = { "slicesim", "collective", "--gpu", "a100-sxm-80gb", "--correction", path, NULL };
        CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
    }
}

/* A log whose 16-256 KiB rows are nearly all latency where the model puts
 * a tenth or more of the time in transfer: those rows leave a sliver once
 * the latency is corrected, and an efficiency read from it was 16.6, out of
 * the correction's range, so the whole import was refused. Such rows fix no
 * efficiency now: the import writes its correction, every efficiency within
 * what a platform can mean, and warns of the rows it misses. */
static void latency_bound_rows_fix_no_efficiency(void)
{
    char dir[64], path[128], msg[512];
    tu_tmpdir(dir, sizeof dir);
    char *argv[] = { "slicesim", "import-nccl-tests", "tests/fixtures/nccl_tests_latency_bound_mid.log",
                     "--topo", "dgx-h100", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "still misses the log by up to 14.6% at 32768 bytes"));
    snprintf(path, sizeof path, "%s/nccl_correction.json", dir);
    coll_corr c;
    CU_ASSERT_EQUAL_FATAL(netcfg_corr_load(path, &c, msg, sizeof msg), 0);
    ASSERT_REL(c.lat_scale, 1.334, 1e-3);
    CU_ASSERT_EQUAL(c.n, 16);
    ASSERT_REL(exp2(c.log2_size[0]), 262144, 0);          /* the first row with a real transfer */
    for (int k = 0; k < c.n; k++) {
        CU_ASSERT(c.eff[k] > 0.4);
        CU_ASSERT(c.eff[k] < 1.7);
    }
}

/* The RoCE run of nccl-tests#232 had NCCL_ALGO=Tree, and a log with
 * NCCL_DEBUG=INFO says so. The import fits the tree, not NCCL's default
 * choice there (a ring), records the list in the correction, and a
 * correction fitted under one list warns where it is applied under
 * another; --algo overrides the log's line. */
static void the_runs_nccl_algo_is_fitted_recorded_and_checked(void)
{
    char dir[64], path[160];
    tu_tmpdir(dir, sizeof dir);
    char *imp[] = { "slicesim", "import-nccl-tests", "tests/fixtures/nccl_tests_algo_env_tree.log", "--topo",
                    "h100-roce-4nic", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(imp, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "# the run's lists: NCCL_ALGO Tree, NCCL_PROTO unset"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "4194304       154.40       154.43"));   /* Tree/LL128's time */
    snprintf(path, sizeof path, "%s/nccl_correction.json", dir);
    coll_corr c;
    char msg[512];
    CU_ASSERT_EQUAL_FATAL(netcfg_corr_load(path, &c, msg, sizeof msg), 0);
    CU_ASSERT_STRING_EQUAL(c.algo_text, "Tree");
    CU_ASSERT_EQUAL(c.sel.algos[COLL_ALLREDUCE], 1u << COLL_ALGO_TREE);
    char *dflt[] = { "slicesim", "collective", "--topo", "h100-roce-4nic", "--nodes", "2", "--gpus-per-node", "1",
                     "-b", "2M", "-e", "2M", "--correction", path, NULL };
    CU_ASSERT_EQUAL(tu_cli(dflt, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "the correction was fitted on NCCL_ALGO=Tree, not NCCL's own choice"));
    char *tree[] = { "slicesim", "collective", "--topo", "h100-roce-4nic", "--nodes", "2", "--gpus-per-node", "1",
                     "-b", "2M", "-e", "2M", "--algo", "Tree", "--correction", path, NULL };
    CU_ASSERT_EQUAL(tu_cli(tree, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NULL(strstr(err, "warning"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "113.2   18.53   18.53"));                 /* the log's own row */
    char *ring[] = { "slicesim", "import-nccl-tests", "tests/fixtures/nccl_tests_algo_env_tree.log", "--topo",
                     "h100-roce-4nic", "--algo", "Ring", NULL };
    CU_ASSERT_EQUAL(tu_cli(ring, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "4194304       154.40       150.92"));   /* Ring/LL128's */
    char *pat[] = { "slicesim", "import-nccl-tests", "tests/fixtures/nccl_tests_algo_env_tree.log", "--topo",
                    "h100-roce-4nic", "--algo", "PAT", NULL };
    CU_ASSERT_EQUAL(tu_cli(pat, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--algo \"PAT\": algorithm \"PAT\" is NCCL's but not modelled"));
}

TU_SUITE_FN(cmd_import_nccl)
{
    static const tu_test tests[] = {
        TU_TEST(malformed_log_is_refused_with_its_line_number),
        TU_TEST(imported_correction_reproduces_the_log),
        TU_TEST(a_correction_the_loader_would_refuse_is_not_written),
        TU_TEST(shipped_correction_is_the_fit_of_its_log),
        TU_TEST(misapplied_corrections_warn_or_are_refused),
        TU_TEST(a_correction_brings_its_nccl_release),
        TU_TEST(bad_correction_files_name_the_json_path),
        TU_TEST(logs_with_several_tests_import_one_by_one_or_by_op),
        TU_TEST(real_log_shapes_import_or_are_refused_whole),
        TU_TEST(latency_bound_rows_fix_no_efficiency),
        TU_TEST(the_runs_nccl_algo_is_fitted_recorded_and_checked),
    };
    TU_SUITE("cmd_import_nccl", tests);
}
