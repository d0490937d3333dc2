/* test_reqout.c -- requests.csv as it streams: rows with printf's bytes,
 * in (replication, completion) order, one per measured request, and the
 * same file and summary whatever the number of threads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"
#include "cli/reqout.h"

static char out[1 << 16], err[1 << 12];

/* The row as requests.csv wrote it with printf before rows were streamed
 * (rep, tenant, id, nine times in ms, three %.9g, the metrics in %.6f). */
static void printf_row(char *buf, size_t len, const char *name, const tenant_rec *r, int nm)
{
    int n = snprintf(buf, len, "%d,%s,%llu,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.9g,%.9g,%.9g",
                     r->rep, name, (unsigned long long)r->id,
                     (double)r->arrival / 1e6, (double)r->start / 1e6, (double)r->end / 1e6,
                     (double)(r->end - r->arrival) / 1e6, (double)r->queue_ns / 1e6,
                     (double)r->other_ns / 1e6, (double)r->switch_ns / 1e6,
                     (double)r->service_ns / 1e6, (double)r->host_ns / 1e6, r->units,
                     r->size[0], r->size[1]);
    for (int k = 0; k < nm; k++)
        n += snprintf(buf + n, len - (size_t)n, ",%.6f", r->metric[k]);
    snprintf(buf + n, len - (size_t)n, "\n");
}

static void rows_have_the_bytes_printf_gave(void)
{
    char dir[64], msg[256];
    scn *sc;
    tu_tmpdir(dir, sizeof dir);
    CU_ASSERT_EQUAL_FATAL(scn_load("scenarios/llm-h100-exclusive.json", NULL, 0, &sc, msg, sizeof msg), SCN_OK);
    reqout *w = reqout_open(dir, sc, 1, msg, sizeof msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    int nm = 0;
    while (sc->cfg.tenants[0].wl->metrics[nm])
        nm++;
    CU_ASSERT_EQUAL(nm, 5);                 /* ttft_ms, tpot_ms, batch_seqs, kv_use_pct, preemptions */
    static const tenant_rec recs[] = {
        { .id = 0 },
        { .id = 7, .rep = 2, .arrival = 1001, .start = 2002, .end = 3003, .queue_ns = 1, .other_ns = -5,
          .switch_ns = 7, .service_ns = 999999, .host_ns = 1000001, .units = 49, .size = { 262, 49 },
          .metric = { 14.549748, 8.683544 } },
        { .id = 123456789, .rep = 999, .arrival = INT64_C(8589934591999999),
          .start = INT64_C(8589934592000000), .end = INT64_C(9007199254740993), .queue_ns = -1,
          .units = 1.5, .size = { 0.0001, 3.25e-7 }, .metric = { 1e-9, -0.0 } },
        { .id = 5, .rep = 1, .arrival = 3, .start = 5, .end = 9, .units = 1e9,
          .size = { 123456.789, -2 }, .metric = { 12345678.9, 0.1 + 0.2 } },
    };
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
        char a[REQOUT_ROW_MAX + 64], b[REQOUT_ROW_MAX + 64];
        size_t n = reqout_row(w, &recs[i], a, sizeof a);
        a[n] = '\0';
        printf_row(b, sizeof b, sc->cfg.tenants[0].name, &recs[i], nm);
        CU_ASSERT_STRING_EQUAL(a, b);
    }
    reqout_abort(w);
    scn_free(sc);
}

static int run(char **argv)
{
    return tu_cli(argv, out, sizeof out, err, sizeof err);
}

static char *read_in(const char *dir, const char *name, size_t *n)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return tu_read_file(p, n);
}

/* Replications on three threads give the serial run's files, byte for byte,
 * and the same table. */
static void jobs_give_the_serial_bytes(void)
{
    char d1[64], d2[64], table[sizeof out];
    tu_tmpdir(d1, sizeof d1);
    tu_tmpdir(d2, sizeof d2);
    char *serial[] = { "slicesim", "run", "scenarios/default.json", "--reps", "5", "-o", d1, NULL };
    char *par[] = { "slicesim", "run", "scenarios/default.json", "--reps", "5", "--jobs", "3", "-o", d2, NULL };
    CU_ASSERT_EQUAL_FATAL(run(serial), 0);
    memcpy(table, out, sizeof table);
    CU_ASSERT_EQUAL_FATAL(run(par), 0);
    CU_ASSERT_STRING_EQUAL(out, table);
    const char *files[] = { "summary.json", "requests.csv" };
    for (int i = 0; i < 2; i++) {
        size_t n1 = 0, n2 = 0;
        char *a = read_in(d1, files[i], &n1), *b = read_in(d2, files[i], &n2);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        CU_ASSERT(n1 > 1000);
        CU_ASSERT(n1 == n2 && memcmp(a, b, n1) == 0);
        free(a);
        free(b);
    }
}

/* One row per measured request (the summary's completed count times the
 * replications, per tenant), replications in order, each replication's
 * rows in order of completion. */
static void rows_are_every_measured_request_by_replication_then_completion(void)
{
    char d[64];
    tu_tmpdir(d, sizeof d);
    char *argv[] = { "slicesim", "run", "scenarios/default.json", "--reps", "3", "--jobs", "2", "-o", d, NULL };
    CU_ASSERT_EQUAL_FATAL(run(argv), 0);
    char *sum = read_in(d, "summary.json", NULL), *csv = read_in(d, "requests.csv", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    cJSON *doc = cJSON_Parse(sum);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    double want = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(doc, "tenants"))
        want += cJSON_GetObjectItem(t, "completed")->valuedouble * 3;
    long rows = 0, bad_order = 0, last_rep = 0;
    double last_end = -1;
    char *line = strchr(csv, '\n') + 1;
    while (*line) {
        int rep;
        double arrival, start, end;
        char name[64];
        if (sscanf(line, "%d,%63[^,],%*u,%lf,%lf,%lf", &rep, name, &arrival, &start, &end) != 5)
            break;
        if (rep < last_rep || (rep == last_rep && end < last_end))
            bad_order++;
        if (rep != last_rep)
            last_end = -1;
        last_rep = rep;
        last_end = end;
        rows++;
        line = strchr(line, '\n') + 1;
    }
    CU_ASSERT_EQUAL(*line, '\0');           /* every line read */
    CU_ASSERT_EQUAL(bad_order, 0);
    CU_ASSERT_EQUAL(last_rep, 2);
    CU_ASSERT_EQUAL((double)rows, want);
    CU_ASSERT(rows > 10000);
    cJSON_Delete(doc);
    free(sum);
    free(csv);
}

static void jobs_outside_1_to_256_exit_2(void)
{
    char *argv[] = { "slicesim", "run", "scenarios/default.json", "--jobs", "0", NULL };
    CU_ASSERT_EQUAL(run(argv), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--jobs"));
}

TU_SUITE_FN(reqout)
{
    static const tu_test tests[] = {
        TU_TEST(rows_have_the_bytes_printf_gave),
        TU_TEST(jobs_give_the_serial_bytes),
        TU_TEST(rows_are_every_measured_request_by_replication_then_completion),
        TU_TEST(jobs_outside_1_to_256_exit_2),
    };
    TU_SUITE("reqout", tests);
}
