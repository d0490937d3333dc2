/* test_trace.c -- the timeline export: segments against the time-slice
 * mechanism (each slice q, each switch c, q/(q+c) of the window busy) and
 * the Chrome trace's shape. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"

/* Two always-busy tenants (20 ms bursts, closed loop, no think time) on one
 * GPU with a 1 ms slice and a 100 us switch: the GPU alternates run 1 ms,
 * switch 0.1 ms. */
static const char SCENARIO[] =
    "{ \"name\": \"trace-test\", \"seed\": 1, \"duration_s\": 0.2, \"warmup_s\": 0.05,\n"
    "  \"replications\": 2, \"hardware\": { \"gpu\": \"h100-sxm\" },\n"
    "  \"sharing\": { \"mode\": \"timeslice\", \"timeslice_ms\": 1, \"switch_cost_us\": 100 },\n"
    "  \"tenants\": [\n"
    "    { \"name\": \"a\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 20 } },\n"
    "      \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } },\n"
    "    { \"name\": \"b\", \"workload\": { \"type\": \"synthetic\",\n"
    "        \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 20 } },\n"
    "      \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }\n";

static char dir[64], scen[128], out[1 << 14], err[1 << 12];

static int run_traced(const char *window)
{
    char o[128], tr[160];
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    tu_write_file(scen, SCENARIO);
    snprintf(o, sizeof o, "%s/out", dir);
    snprintf(tr, sizeof tr, "%s/out/trace.json", dir);
    char *argv[] = { "slicesim", "run", scen, "-o", o, "--plot", "--trace", tr,
                     "--trace-window-ms", (char *)window, NULL };
    return tu_cli(argv, out, sizeof out, err, sizeof err);
}

/* The trace, window_ms long, of a one-replication run of the scenario
 * file, parsed (caller frees); the test stops if the run or the parse
 * fails. */
static cJSON *scenario_trace(const char *file, const char *window_ms)
{
    char d[64], tr[128];
    tu_tmpdir(d, sizeof d);
    snprintf(tr, sizeof tr, "%s/t.json", d);
    char *argv[] = { "slicesim", "run", (char *)file, "--reps", "1", "--trace", tr,
                     "--trace-window-ms", (char *)window_ms, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    cJSON *doc = tu_read_json(tr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    return doc;
}

static void timeline_alternates_slices_and_switches_of_the_configured_length(void)
{
    CU_ASSERT_EQUAL_FATAL(run_traced("55"), 0);
    char p[256], line[256];
    snprintf(p, sizeof p, "%s/out/timeline.csv", dir);
    FILE *f = fopen(p, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, f));
    CU_ASSERT_STRING_EQUAL(line, "gpu,tenant,kind,start_ms,end_ms\n");
    double run = 0, last_end = 50, first = -1;
    int nrun = 0, nsw = 0, inner_ok = 1;
    char prev_tenant[32] = "";
    while (fgets(line, sizeof line, f)) {
        int gpu;
        char tenant[32], kind[16];
        double a, b;
        CU_ASSERT_EQUAL_FATAL(sscanf(line, "%d,%31[^,],%15[^,],%lf,%lf", &gpu, tenant, kind, &a, &b), 5);
        CU_ASSERT(fabs(a - last_end) < 1e-9);          /* no gap, no overlap */
        if (first < 0)
            first = a;
        last_end = b;
        int inner = a > 50 + 1e-9 && b < 105 - 1e-9;   /* not clipped by the window */
        if (strcmp(kind, "run") == 0) {
            run += b - a;
            nrun++;
            if (inner && fabs(b - a - 1.0) > 1e-9)
                inner_ok = 0;
            CU_ASSERT(strcmp(tenant, prev_tenant) != 0);  /* every slice changes hands */
            snprintf(prev_tenant, sizeof prev_tenant, "%s", tenant);
        } else {
            nsw++;
            if (inner && fabs(b - a - 0.1) > 1e-9)
                inner_ok = 0;
        }
    }
    fclose(f);
    CU_ASSERT(inner_ok);
    CU_ASSERT_DOUBLE_EQUAL(first, 50, 1e-9);            /* window starts at warm-up */
    CU_ASSERT_DOUBLE_EQUAL(last_end, 105, 1e-9);
    CU_ASSERT(nrun >= 49 && nsw >= 49);
    ASSERT_REL(run / 55, 1.0 / 1.1, 0.02);              /* q/(q+c) busy */
}

static void chrome_trace_holds_bursts_switches_and_balanced_waits(void)
{
    CU_ASSERT_EQUAL_FATAL(run_traced("20"), 0);
    char p[256];
    snprintf(p, sizeof p, "%s/out/trace.json", dir);
    cJSON *doc = tu_read_json(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const cJSON *ev;
    int bursts = 0, switches = 0, begins = 0, ends = 0;
    double busy = 0;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItem(doc, "traceEvents")) {
        const char *ph = cJSON_GetObjectItem(ev, "ph")->valuestring;
        const cJSON *cat = cJSON_GetObjectItem(ev, "cat");
        if (strcmp(ph, "X") == 0 && strcmp(cat->valuestring, "burst") == 0) {
            bursts++;
            busy += cJSON_GetObjectItem(ev, "dur")->valuedouble;
        }
        switches += strcmp(ph, "X") == 0 && strcmp(cat->valuestring, "switch") == 0;
        begins += strcmp(ph, "b") == 0;
        ends += strcmp(ph, "e") == 0;
    }
    CU_ASSERT(bursts >= 17 && switches >= 17);
    CU_ASSERT_EQUAL(begins, ends);
    ASSERT_REL(busy / 20000.0, 1.0 / 1.1, 0.06);        /* microseconds in a 20 ms window */
    const cJSON *od = cJSON_GetObjectItem(doc, "otherData");
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(od, "segments_dropped")->valueint, 0);
    cJSON_Delete(doc);
}

/* Perfetto's conventions: pids and tids from 1, args on every slice, a flow
 * from each wait to its service, counter tracks. */
static void perfetto_trace_has_args_flows_and_counters_with_ids_from_1(void)
{
    cJSON *doc = scenario_trace("scenarios/default.json", "50");
    const cJSON *ev;
    int slices = 0, with_args = 0, flows_s = 0, flows_f = 0, services = 0, util = 0, queue = 0, low_id = 0;
    int bursts_with_requests = 0;
    double busy = 0, dur = 0;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItem(doc, "traceEvents")) {
        const char *ph = cJSON_GetObjectItem(ev, "ph")->valuestring, *name = cJSON_GetObjectItem(ev, "name")->valuestring;
        const cJSON *pid = cJSON_GetObjectItem(ev, "pid"), *tid = cJSON_GetObjectItem(ev, "tid");
        const cJSON *args = cJSON_GetObjectItem(ev, "args");
        low_id += pid->valueint < 1 || (tid && tid->valueint < 1);
        if (strcmp(ph, "X") == 0) {
            slices++;
            with_args += cJSON_IsObject(args);
            const char *cat = cJSON_GetObjectItem(ev, "cat")->valuestring;
            if (strcmp(cat, "burst") == 0) {
                busy += cJSON_GetObjectItem(ev, "dur")->valuedouble;
                bursts_with_requests += cJSON_GetObjectItem(args, "requests_in_service")->valueint > 0;
            }
            if (strcmp(name, "service") == 0) {
                services++;
                CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(args, "request"));
                CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(args, "gpu"));
                CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(args, "queue_ms"));
            }
        }
        flows_s += strcmp(ph, "s") == 0;
        flows_f += strcmp(ph, "f") == 0;
        if (strcmp(ph, "C") == 0 && strcmp(name, "utilization") == 0) {
            util++;
            dur += cJSON_GetObjectItem(args, "busy")->valuedouble;
        }
        queue += strcmp(ph, "C") == 0 && strcmp(name, "queue inference") == 0;
    }
    CU_ASSERT_EQUAL(low_id, 0);
    CU_ASSERT(slices > 50);
    CU_ASSERT_EQUAL(with_args, slices);
    CU_ASSERT(services > 3);
    CU_ASSERT(flows_s > 0);
    CU_ASSERT_EQUAL(flows_s, flows_f);
    CU_ASSERT(bursts_with_requests > 0);
    /* 200 bins: their mean busy share is the bursts' share of the 50 ms window */
    CU_ASSERT_EQUAL(util, 200);
    ASSERT_REL(dur / 200, busy / 50000.0, 1e-3);
    CU_ASSERT(queue > 2);
    cJSON_Delete(doc);
}

/* An LLM engine's KV-cache use and batch size as counter tracks. */
static void llm_traces_carry_kv_use_and_batch_counters(void)
{
    cJSON *doc = scenario_trace("scenarios/llm-h100-exclusive.json", "200");
    const cJSON *ev;
    int kv = 0, batch = 0, bad = 0;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItem(doc, "traceEvents")) {
        const char *ph = cJSON_GetObjectItem(ev, "ph")->valuestring, *name = cJSON_GetObjectItem(ev, "name")->valuestring;
        const cJSON *args = cJSON_GetObjectItem(ev, "args");
        if (strcmp(ph, "C") != 0)
            continue;
        if (strcmp(name, "kv chat") == 0) {
            double u = cJSON_GetObjectItem(args, "used")->valuedouble;
            kv++;
            bad += !(u > 0 && u <= 1);
        } else if (strcmp(name, "batch chat") == 0) {
            double b = cJSON_GetObjectItem(args, "sequences")->valuedouble;
            batch++;
            bad += !(b >= 1 && b <= 256 && b == (int)b);
        }
    }
    CU_ASSERT(kv > 0);
    CU_ASSERT(batch > 0);
    CU_ASSERT_EQUAL(bad, 0);
    cJSON_Delete(doc);
}

static void bad_trace_options_exit_2(void)
{
    CU_ASSERT_EQUAL(run_traced("0"), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--trace-window-ms"));
    CU_ASSERT_EQUAL(run_traced("x"), 2);
    char *argv[] = { "slicesim", "run", scen, "--plot", NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--plot needs -o"));
}

TU_SUITE_FN(trace)
{
    static const tu_test tests[] = {
        TU_TEST(timeline_alternates_slices_and_switches_of_the_configured_length),
        TU_TEST(chrome_trace_holds_bursts_switches_and_balanced_waits),
        TU_TEST(perfetto_trace_has_args_flows_and_counters_with_ids_from_1),
        TU_TEST(llm_traces_carry_kv_use_and_batch_counters),
        TU_TEST(bad_trace_options_exit_2),
    };
    TU_SUITE("trace", tests);
}
