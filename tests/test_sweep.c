/* test_sweep.c -- sweep and merge end to end: parallel = serial bytes,
 * shards merged = one run, each point = a run with the same --set, and the
 * refusal of bad input with exit status 2. */
#include <glob.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"
#include "cli/outfile.h"

static const char SCENARIO[] =
    "{ \"name\": \"sweep-test\", \"seed\": 3, \"duration_s\": 0.5, \"warmup_s\": 0.05,\n"
    "  \"replications\": 2, \"hardware\": { \"gpu\": \"h100-sxm\" },\n"
    "  \"sharing\": { \"mode\": \"timeslice\", \"timeslice_ms\": 1, \"switch_cost_us\": 25 },\n"
    "  \"tenants\": [\n"
    "    { \"name\": \"web\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"exponential\", \"mean\": 0.3 } },\n"
    "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 300 }, \"slo\": { \"latency_ms.p95\": 5 } },\n"
    "    { \"name\": \"batch\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 10 } },\n"
    "      \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }\n";

static char dir[64], scen[128];
static char out[1 << 16], err[1 << 14];

static void setup(void)
{
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    tu_write_file(scen, SCENARIO);
}

static int sweep(const char *sub, const char *jobs, const char *shard)
{
    char o[128];
    snprintf(o, sizeof o, "%s/%s", dir, sub);
    char *argv[16] = { "slicesim", "sweep", scen, "--vary", "sharing.timeslice_ms=0.5,2,8",
                       "--vary", "tenants.0.arrivals.rate_per_s=100:300:200", "-o", o,
                       "--jobs", (char *)jobs, NULL };
    if (shard) {
        argv[11] = "--shard";
        argv[12] = (char *)shard;
    }
    return tu_cli(argv, out, sizeof out, err, sizeof err);
}

static int same_file(const char *a, const char *b, const char *name)
{
    char pa[256], pb[256];
    snprintf(pa, sizeof pa, "%s/%s/%s", dir, a, name);
    snprintf(pb, sizeof pb, "%s/%s/%s", dir, b, name);
    size_t na, nb;
    char *x = tu_read_file(pa, &na), *y = tu_read_file(pb, &nb);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static void parallel_sweep_writes_the_same_bytes_as_a_serial_one(void)
{
    setup();
    CU_ASSERT_EQUAL_FATAL(sweep("serial", "1", NULL), 0);
    CU_ASSERT_EQUAL_FATAL(sweep("parallel", "4", NULL), 0);
    CU_ASSERT(same_file("serial", "parallel", "sweep.json"));
    CU_ASSERT(same_file("serial", "parallel", "sweep.csv"));
    char p[256];
    snprintf(p, sizeof p, "%s/serial/sweep.csv", dir);
    char *csv = tu_read_file(p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    int rows = 0;
    for (char *c = csv; *c; c++)
        rows += *c == '\n';
    CU_ASSERT_EQUAL(rows, 1 + 6);                 /* header + 3 x 2 points */
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n5,8,300,"));   /* last point: slice 8, rate 300 */
    free(csv);
}

static void merged_shards_equal_a_single_run(void)
{
    setup();
    CU_ASSERT_EQUAL_FATAL(sweep("single", "2", NULL), 0);
    CU_ASSERT_EQUAL_FATAL(sweep("s1", "1", "1/4"), 0);
    CU_ASSERT_EQUAL_FATAL(sweep("s2", "1", "2/4"), 0);
    CU_ASSERT_EQUAL_FATAL(sweep("s3", "1", "3/4"), 0);
    CU_ASSERT_EQUAL_FATAL(sweep("s4", "1", "4/4"), 0);
    char d1[128], d2[128], d3[128], d4[128], m[128];
    snprintf(d1, sizeof d1, "%s/s1", dir);
    snprintf(d2, sizeof d2, "%s/s2", dir);
    snprintf(d3, sizeof d3, "%s/s3", dir);
    snprintf(d4, sizeof d4, "%s/s4", dir);
    snprintf(m, sizeof m, "%s/merged", dir);
    char *argv[] = { "slicesim", "merge", d3, d1, d4, d2, "-o", m, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT(same_file("single", "merged", "sweep.json"));
    CU_ASSERT(same_file("single", "merged", "sweep.csv"));
    /* a missing shard, or one given twice, is refused */
    char *missing[] = { "slicesim", "merge", d1, d2, d3, "-o", m, NULL };
    CU_ASSERT_EQUAL(tu_cli(missing, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "a shard is missing"));
    char *twice[] = { "slicesim", "merge", d1, d2, d3, d4, d4, "-o", m, NULL };
    CU_ASSERT_EQUAL(tu_cli(twice, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "also in another input"));
}

/* A shard 2/2 with one extra option pair (--reps 2, --seed 7, --set ...). */
static int shard_with(const char *sub, const char *opt, const char *val)
{
    char o[128];
    snprintf(o, sizeof o, "%s/%s", dir, sub);
    char *argv[] = { "slicesim", "sweep", scen, "--vary", "sharing.timeslice_ms=0.5,2,8",
                     "--vary", "tenants.0.arrivals.rate_per_s=100:300:200", "-o", o,
                     "--jobs", "1", "--shard", "2/2", (char *)opt, (char *)val, NULL };
    return tu_cli(argv, out, sizeof out, err, sizeof err);
}

static void merge_refuses_shards_of_different_runs(void)
{
    setup();
    CU_ASSERT_EQUAL_FATAL(sweep("a", "1", "1/2"), 0);
    CU_ASSERT_EQUAL_FATAL(shard_with("reps", "--reps", "3"), 0);
    CU_ASSERT_EQUAL_FATAL(shard_with("seed", "--seed", "7"), 0);
    CU_ASSERT_EQUAL_FATAL(shard_with("edited", "--set", "tenants.1.arrivals.think_s=0.001"), 0);
    CU_ASSERT_EQUAL_FATAL(shard_with("same", "--seed", "3"), 0);
    static const struct { const char *sub, *field, *value; } cases[] = {
        { "reps", "\"replications\" is 3, but 2", "3" },
        { "seed", "\"seed\" is 7, but 3", "7" },
        { "edited", "\"scenario_hash\"", NULL },
    };
    char a[128], b[128], m[128];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(m, sizeof m, "%s/merged", dir);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snprintf(b, sizeof b, "%s/%s", dir, cases[k].sub);
        char *argv[] = { "slicesim", "merge", a, b, "-o", m, NULL };
        CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[k].field));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "/sweep.json"));
    }
    /* the scenario's own seed given explicitly is the same run */
    snprintf(b, sizeof b, "%s/same", dir);
    char *ok[] = { "slicesim", "merge", a, b, "-o", m, NULL };
    CU_ASSERT_EQUAL(tu_cli(ok, out, sizeof out, err, sizeof err), 0);
    /* a file of an older slicesim, without manifest or identity fields, is refused */
    char p[256];
    snprintf(p, sizeof p, "%s/old", dir);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/old/sweep.json", dir);
    static const char OLD[] = "{\"slicesim_version\": \"0.1.0\", \"scenario\": \"x\", \"sets\": [], "
                              "\"vary\": [], \"points_total\": 1, \"points\": []}";
    tu_write_file(p, OLD);
    snprintf(b, sizeof b, "%s/old", dir);
    char *old[] = { "slicesim", "merge", b, "-o", m, NULL };
    CU_ASSERT_EQUAL(tu_cli(old, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "old: no manifest.json: not a complete set"));
    snprintf(p, sizeof p, "%s/old/manifest.json", dir);
    char man[512];
    snprintf(man, sizeof man, "{\"format\": \"slicesim-manifest/1\", \"files\": [{\"name\": \"sweep.json\", "
             "\"bytes\": %zu}]}", strlen(OLD));
    tu_write_file(p, man);
    CU_ASSERT_EQUAL(tu_cli(old, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "has no \"scenario_hash\""));
    /* a shard whose sweep.json changed after its manifest was written is refused */
    snprintf(p, sizeof p, "%s/old/sweep.json", dir);
    tu_write_file(p, "{}");
    CU_ASSERT_EQUAL(tu_cli(old, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "sweep.json: 2 bytes, but manifest.json says"));
}

static double p95_of(cJSON *tenant)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(tenant, "latency_ms"), "p95")->valuedouble;
}

static void each_point_equals_a_run_with_the_same_set(void)
{
    setup();
    CU_ASSERT_EQUAL_FATAL(sweep("sw", "2", NULL), 0);
    const char *acc = strstr(out, "validated error of the model against published measurements");
    CU_ASSERT(acc && strstr(acc, "\ntimeslice "));        /* the time-sliced points' sharing */
    char o[128], p[256];
    snprintf(o, sizeof o, "%s/run", dir);
    char *argv[] = { "slicesim", "run", scen, "--set", "sharing.timeslice_ms=2",
                     "--set", "tenants.0.arrivals.rate_per_s=300", "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    snprintf(p, sizeof p, "%s/run/summary.json", dir);
    char *a = tu_read_file(p, NULL);
    snprintf(p, sizeof p, "%s/sw/sweep.json", dir);
    char *b = tu_read_file(p, NULL);
    cJSON *run = cJSON_Parse(a), *sw = cJSON_Parse(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(run);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
    cJSON *pt = cJSON_GetArrayItem(cJSON_GetObjectItem(sw, "points"), 3);   /* (2, 300) */
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(cJSON_GetObjectItem(pt, "values"), "sharing.timeslice_ms")->valuedouble, 2);
    for (int t = 0; t < 2; t++) {
        double x = p95_of(cJSON_GetArrayItem(cJSON_GetObjectItem(run, "tenants"), t));
        double y = p95_of(cJSON_GetArrayItem(cJSON_GetObjectItem(pt, "tenants"), t));
        CU_ASSERT_DOUBLE_EQUAL(x, y, 0);
        CU_ASSERT(x > 0);
        /* and the same validated error, as a run of that point has */
        const cJSON *ta = cJSON_GetArrayItem(cJSON_GetObjectItem(run, "tenants"), t);
        const cJSON *tb = cJSON_GetArrayItem(cJSON_GetObjectItem(pt, "tenants"), t);
        char *va = cJSON_PrintUnformatted(cJSON_GetObjectItem(ta, "validation"));
        char *vb = cJSON_PrintUnformatted(cJSON_GetObjectItem(tb, "validation"));
        CU_ASSERT_PTR_NOT_NULL(strstr(va, "\"family\":\"timeslice\""));
        CU_ASSERT_STRING_EQUAL(va, vb);
        free(va);
        free(vb);
    }
    cJSON_Delete(run);
    cJSON_Delete(sw);
    free(a);
    free(b);
}

/* An interrupted sweep: some points finished (their cache files written),
 * the set not. --resume runs only the others and writes the same bytes. */
static void resume_reuses_finished_points_and_writes_the_same_bytes(void)
{
    setup();
    CU_ASSERT_EQUAL_FATAL(sweep("whole", "2", NULL), 0);
    char o[128], cache[192], path[512];
    snprintf(o, sizeof o, "%s/cut", dir);
    /* the cut run: the whole run's cache less two points, and no set */
    snprintf(cache, sizeof cache, "%s/whole/.slicesim-points", dir);
    glob_t g;
    snprintf(path, sizeof path, "%s/*.json", cache);
    CU_ASSERT_EQUAL_FATAL(glob(path, 0, NULL, &g), 0);
    CU_ASSERT_EQUAL_FATAL(g.gl_pathc, 6);                /* 3 x 2 points */
    snprintf(path, sizeof path, "%s/.slicesim-points", o);
    CU_ASSERT_EQUAL_FATAL(outfile_mkdirs(path), 0);
    for (size_t k = 2; k < g.gl_pathc; k++) {
        char dst[600], *text = tu_read_file(g.gl_pathv[k], NULL);
        snprintf(dst, sizeof dst, "%s/%s", path, strrchr(g.gl_pathv[k], '/') + 1);
        CU_ASSERT_EQUAL(tu_write_file(dst, text), 0);
        free(text);
    }
    globfree(&g);
    char *argv[] = { "slicesim", "sweep", scen, "--vary", "sharing.timeslice_ms=0.5,2,8",
                     "--vary", "tenants.0.arrivals.rate_per_s=100:300:200", "-o", o, "--resume", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--resume: 4 of 6 points reused"));
    CU_ASSERT(same_file("whole", "cut", "sweep.json"));
    CU_ASSERT(same_file("whole", "cut", "sweep.csv"));
    /* again: everything is reused */
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--resume: 6 of 6 points reused"));
    CU_ASSERT(same_file("whole", "cut", "sweep.json"));
    /* another seed is another scenario: nothing matches */
    char *other[] = { "slicesim", "sweep", scen, "--vary", "sharing.timeslice_ms=0.5,2,8",
                      "--vary", "tenants.0.arrivals.rate_per_s=100:300:200", "-o", o, "--resume", "--seed", "4",
                      NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(other, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--resume: 0 of 6 points reused"));
    /* a damaged cache file is not trusted: that point runs again */
    snprintf(path, sizeof path, "%s/.slicesim-points/*.json", o);
    CU_ASSERT_EQUAL_FATAL(glob(path, 0, NULL, &g), 0);
    tu_write_file(g.gl_pathv[0], "{\"key\": \"x\"");
    globfree(&g);
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT(strstr(err, "5 of 6 points reused") || strstr(err, "6 of 6 points reused"));
    CU_ASSERT(same_file("whole", "cut", "sweep.json"));
}

static void bad_sweep_input_exits_2_and_writes_nothing(void)
{
    setup();
    char o[128], p[256];
    snprintf(o, sizeof o, "%s/bad", dir);
    char *bad_range[] = { "slicesim", "sweep", scen, "--vary", "sharing.timeslice_ms=4:1:1", "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(bad_range, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "A <= B"));
    /* a value the scenario refuses: the scenario's message with its JSON path */
    char *bad_value[] = { "slicesim", "sweep", scen, "--vary", "sharing.timeslice_ms=1,-3", "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(bad_value, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "sharing.timeslice_ms"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "-3"));
    char *no_vary[] = { "slicesim", "sweep", scen, "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(no_vary, out, sizeof out, err, sizeof err), 2);
    char *bad_shard[] = { "slicesim", "sweep", scen, "--vary", "seed=1,2", "--shard", "3/2", "-o", o, NULL };
    CU_ASSERT_EQUAL(tu_cli(bad_shard, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--shard"));
    snprintf(p, sizeof p, "%s/sweep.json", o);
    char *none = tu_read_file(p, NULL);
    CU_ASSERT_PTR_NULL(none);
    free(none);
}

static void csv_fields_with_edge_spaces_or_quotes_stay_one_field(void)
{
    setup();
    char o[128], p[256];
    snprintf(o, sizeof o, "%s/names", dir);
    char *argv[] = { "slicesim", "sweep", scen, "--vary", "tenants.0.name=\" web\",\"w\\\"q\"",
                     "--set", "replications=1", "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    snprintf(p, sizeof p, "%s/sweep.csv", o);
    char *csv = tu_read_file(p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    /* RFC 4180 readers may trim an unquoted edge space: the same rule as run's CSVs */
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n0,\" web\","));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n1,\"w\"\"q\","));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, ",\" web.throughput\","));
    free(csv);
}

TU_SUITE_FN(sweep)
{
    static const tu_test tests[] = {
        TU_TEST(parallel_sweep_writes_the_same_bytes_as_a_serial_one),
        TU_TEST(merged_shards_equal_a_single_run),
        TU_TEST(merge_refuses_shards_of_different_runs),
        TU_TEST(each_point_equals_a_run_with_the_same_set),
        TU_TEST(bad_sweep_input_exits_2_and_writes_nothing),
        TU_TEST(resume_reuses_finished_points_and_writes_the_same_bytes),
        TU_TEST(csv_fields_with_edge_spaces_or_quotes_stay_one_field),
    };
    TU_SUITE("sweep", tests);
}
