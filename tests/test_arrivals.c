/* test_arrivals.c -- arrival processes (gamma, on/off, diurnal, closed loop,
 * trace replay) and trace files, against their defining moments. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_statistics_double.h>
#include "tests/testutil.h"
#include "tests/wl_helpers.h"
#include "models/arrival.h"
#include "scenarios/scenario.h"
#include "scenarios/trace.h"
#include "sim/rng.h"
#include "sim/sim.h"

typedef struct {
    double *t;           /* arrival times, s */
    size_t  n, cap;
    double  size0_sum;
    size_t  count;       /* all arrivals, stored or not */
} log_t;

static void record(void *owner, sim *s, const arr_item *it)
{
    log_t *l = owner;
    l->count++;
    if (l->n < l->cap)
        l->t[l->n++] = (double)s->now / 1e9;
    if (it->nsize > 0)
        l->size0_sum += it->size[0];
}

/* Run an open process alone until `stop_s`; fills the log. */
static void drive(const arr_type *type, const void *params, double stop_s, log_t *l, uint32_t seed)
{
    sim s;
    arr_src a;
    sim_init(&s);
    gsl_rng *r = sim_rng_alloc(seed, 0, 0, 0);
    sim_time_t stop = (sim_time_t)llround(stop_s * 1e9);
    CU_ASSERT_EQUAL_FATAL(arr_src_init(&a, type, params, &s, r, record, l, stop), 0);
    arr_src_start(&a);
    sim_run(&s, stop);
    arr_src_free(&a);
    gsl_rng_free(r);
    sim_free(&s);
}

static void gaps(const log_t *l, double *g)
{
    for (size_t i = 1; i < l->n; i++)
        g[i - 1] = l->t[i] - l->t[i - 1];
}

static void gamma_gaps_have_the_target_mean_and_cv(void)
{
    const double cvs[] = { 0.5, 2.0 };
    for (int k = 0; k < 2; k++) {
        arr_gamma_params p = { 100.0, cvs[k] };
        log_t l = { malloc(60000 * sizeof(double)), 0, 60000, 0, 0 };
        double *g = malloc(60000 * sizeof(double));
        drive(&arr_gamma, &p, 500, &l, 11);
        CU_ASSERT_FATAL(l.n > 45000);
        gaps(&l, g);
        double mean = gsl_stats_mean(g, 1, l.n - 1), sd = gsl_stats_sd(g, 1, l.n - 1);
        ASSERT_REL(mean, 0.01, 0.02);
        ASSERT_REL(sd / mean, cvs[k], 0.04);
        free(g);
        free(l.t);
    }
}

static void onoff_rate_is_the_time_weighted_mean_and_counts_are_overdispersed(void)
{
    arr_onoff_params p = { 200.0, 0.0, 0.5, 1.5 };     /* mean rate 200 x 0.5 / 2 = 50/s */
    log_t l = { malloc(200000 * sizeof(double)), 0, 200000, 0, 0 };
    drive(&arr_onoff, &p, 40000, &l, 5);
    ASSERT_REL((double)l.count / 40000, 50.0, 0.03);
    /* counts in 1 s windows: a Poisson process has variance = mean; MMPP more */
    enum { W = 3000 };
    double *c = calloc(W, sizeof *c);
    for (size_t i = 0; i < l.n; i++)
        if (l.t[i] < W)
            c[(int)l.t[i]] += 1;
    double m = gsl_stats_mean(c, 1, W), v = gsl_stats_variance(c, 1, W);
    CU_ASSERT(v / m > 5.0);
    free(c);
    free(l.t);
}

static void diurnal_arrivals_follow_the_rate_curve(void)
{
    arr_diurnal_params p;
    memset(&p, 0, sizeof p);
    p.n = 4;
    p.rates_per_s[0] = 10; p.rates_per_s[1] = 30; p.rates_per_s[2] = 0; p.rates_per_s[3] = 20;
    p.period_s = 4;
    log_t l = { malloc(100000 * sizeof(double)), 0, 100000, 0, 0 };
    drive(&arr_diurnal, &p, 4000, &l, 9);
    double per[4] = { 0 };
    for (size_t i = 0; i < l.n; i++)
        per[(int)fmod(l.t[i], 4.0)] += 1;
    ASSERT_REL(per[0], 10.0 * 1000, 0.03);
    ASSERT_REL(per[1], 30.0 * 1000, 0.03);
    CU_ASSERT_EQUAL(per[2], 0);
    ASSERT_REL(per[3], 20.0 * 1000, 0.03);
    free(l.t);
}

static void closed_loop_throughput_obeys_the_response_time_law(void)
{
    /* X = N / (R + Z): 4 users, think 40 ms (exponential), 10 ms requests */
    const char *json =
        "{ \"name\": \"closed\", \"duration_s\": 200, \"warmup_s\": 10, \"replications\": 1,"
        "  \"hardware\": { \"gpu\": \"h100-sxm\" }, \"sharing\": { \"mode\": \"exclusive\" },"
        "  \"tenants\": [ { \"name\": \"u\", \"workload\": { \"type\": \"synthetic\","
        "     \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 10 } },"
        "     \"arrivals\": { \"type\": \"closed\", \"users\": 4, \"think_s\": 0.04 } } ] }";
    wl_run r;
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&r, json, NULL, NULL), 0);
    double x = wl_get(&r, 0, "throughput", "value");
    double rt = wl_get(&r, 0, "latency_ms", "mean") / 1e3;
    ASSERT_REL(x, 4.0 / (rt + 0.04), 0.02);
    CU_ASSERT(rt > 0.010);           /* users queue behind each other */
    wl_run_free(&r);
}

static void timestamps_parse_to_nanoseconds_since_the_epoch(void)
{
    int64_t ns = 0;
    CU_ASSERT_EQUAL(trace_parse_timestamp("1970-01-01 00:00:00", &ns), 0);
    CU_ASSERT_EQUAL(ns, 0);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2023-11-16 18:15:46.6805900", &ns), 0);
    CU_ASSERT_EQUAL(ns, INT64_C(1700158546) * 1000000000 + 680590000);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2024-02-29 12:00:00", &ns), 0);
    CU_ASSERT_EQUAL(ns, INT64_C(1709208000) * 1000000000);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2024-13-01 00:00:00", &ns), -1);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2024-01-01 00:00:00.", &ns), -1);
    /* int64 ns ends on 2262-04-11 23:47:16.854775807 and begins on 1677-09-21 00:12:43.145224192 */
    CU_ASSERT_EQUAL(trace_parse_timestamp("2262-04-11 23:47:16.854775807", &ns), 0);
    CU_ASSERT_EQUAL(ns, INT64_MAX);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2262-04-11 23:47:16.854775808", &ns), -2);
    CU_ASSERT_EQUAL(trace_parse_timestamp("1677-09-21 00:12:44", &ns), 0);
    CU_ASSERT_EQUAL(trace_parse_timestamp("1677-09-21 00:12:43", &ns), -2);
    /* ISO 8601 and the Azure 2024 trace's UTC offsets */
    CU_ASSERT_EQUAL(trace_parse_timestamp("2024-01-01T00:00:00", &ns), 0);
    CU_ASSERT_EQUAL(ns, INT64_C(1704067200) * 1000000000);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2024-05-10 00:00:00.009930+00:00", &ns), 0);
    CU_ASSERT_EQUAL(ns, INT64_C(1715299200) * 1000000000 + 9930000);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2024-05-10 02:00:00+02:00", &ns), 0);
    CU_ASSERT_EQUAL(ns, INT64_C(1715299200) * 1000000000);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2024-05-09 19:30:00-0430", &ns), 0);
    CU_ASSERT_EQUAL(ns, INT64_C(1715299200) * 1000000000);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2024-05-10 00:00:00Z", &ns), 0);
    CU_ASSERT_EQUAL(ns, INT64_C(1715299200) * 1000000000);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2024-05-10 00:00:00+25:00", &ns), -1);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2023-02-29 00:00:00", &ns), -1);
    CU_ASSERT_EQUAL(trace_parse_timestamp("2024-05-10 00:00:00 UTC", &ns), -1);
    CU_ASSERT_EQUAL(trace_parse_timestamp("24-05-10 00:00:00", &ns), -1);
}

static void trace_times_are_scaled_and_sizes_kept(void)
{
    char dir[256], path[512], err[512];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/g.csv", dir);
    tu_write_file(path, "time_s,prompt_tokens,output_tokens\n100,10,1\n101,20,2\n103.5,30,3\n");
    trace_opts o = { TRACE_GENERIC, 2.0, 4.0, 0.5, 0 };  /* x 0.5, skip the first 0.5 s */
    arr_trace_params p;
    CU_ASSERT_EQUAL_FATAL(trace_load(path, &o, &p, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(p.n, 2);
    CU_ASSERT_EQUAL(p.nsize, 2);
    CU_ASSERT_EQUAL(p.t_ns[0], 250000000);     /* (1 - 0.5) x 0.5 s */
    CU_ASSERT_EQUAL(p.t_ns[1], 1500000000);    /* (3.5 - 0.5) x 0.5 s */
    CU_ASSERT_EQUAL(p.sizes[2], 30);
    CU_ASSERT_EQUAL(p.sizes[3], 3);
    free(p.t_ns);
    free(p.sizes);
    wl_rmtree(dir);
}

static void azure_conv_replay_emits_every_row_of_its_window(void)
{
    /* 13 rows of the conv trace fall in its first 10 s, with 1073 output tokens */
    char err[512];
    trace_opts o = { TRACE_AZURE, 1.0, 1.0, 0.0, 0 };
    arr_trace_params p;
    CU_ASSERT_EQUAL_FATAL(trace_load("scenarios/traces/AzureLLMInferenceTrace_conv.csv", &o, &p,
                                     err, sizeof err), 0);
    CU_ASSERT_EQUAL(p.n, 19366);
    log_t l = { malloc(100 * sizeof(double)), 0, 100, 0, 0 };
    /* sizes[1] is output tokens: sum them through a shifted view */
    arr_trace_params q = p;
    drive(&arr_trace, &q, 10, &l, 1);
    CU_ASSERT_EQUAL(l.n, 13);
    double out = 0;
    for (size_t i = 0; i < 13; i++)
        out += p.sizes[2 * i + 1];
    CU_ASSERT_EQUAL(out, 1073);
    CU_ASSERT_EQUAL(l.t[0], 0);
    free(l.t);
    free(p.t_ns);
    free(p.sizes);
}

/* A bad trace file: exit 2 with one message naming the file and line. */
static void bad_trace(const char *format, const char *csv, const char *want)
{
    char json[1024];
    snprintf(json, sizeof json,
             "{ \"hardware\": { \"gpu\": \"a100-sxm-80gb\" }, \"duration_s\": 1,"
             "  \"tenants\": [ { \"name\": \"t\", \"workload\": { \"type\": \"synthetic\","
             "  \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 1 } },"
             "  \"arrivals\": { \"type\": \"trace\", \"file\": \"bad.csv\", \"format\": \"%s\" } } ] }",
             format);
    wl_run r;
    wl_run_text(&r, json, "bad.csv", csv);
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "bad.csv: line"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "tenants.0.arrivals.file"));
    if (!strstr(r.err, want))
        fprintf(stderr, "\n    expected \"%s\" in: %s", want, r.err);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, want));
    CU_ASSERT_PTR_NULL(strchr(strchr(r.err, '\n') ? strchr(r.err, '\n') + 1 : "", '\n'));
    wl_run_free(&r);
}

static void bad_trace_files_exit_2_naming_file_and_line(void)
{
    bad_trace("azure", "TIMESTAMP,ContextTokens\n2023-11-16 18:15:46.6,374\n",
              "line 1: missing column \"GeneratedTokens\"");
    bad_trace("azure", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6,374,44\nyesterday,1,2\n",
              "line 3: column 1 (TIMESTAMP): unparsable timestamp \"yesterday\"");
    bad_trace("azure", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6,374,x44\n",
              "line 2: column 3 (GeneratedTokens): size \"x44\" is not a non-negative number");
    bad_trace("azure", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:47,1,1\n2023-11-16 18:15:46,1,1\n",
              "line 3: time goes backwards");
    bad_trace("azure", "", "line 1: empty file");
    bad_trace("generic", "time_s,steps,images\n", "line 1: no data rows");
    bad_trace("diffusion", "gmt_create,num_inference_steps,num_images_per_prompt\n2024-11-15 16:57:50,30,\n",
              "line 2: column 3 (num_images_per_prompt): size \"\" is not a non-negative number");
    bad_trace("generic", "time_s,prompt_tokens\n1,2\n", "line 1: column \"prompt_tokens\" needs its partner");
    /* timestamps outside int64 nanoseconds are out of range, not "time goes backwards" */
    bad_trace("azure", "TIMESTAMP,ContextTokens,GeneratedTokens\n1600-01-01 00:00:00,1,1\n",
              "line 2: column 1 (TIMESTAMP): timestamp \"1600-01-01 00:00:00\" is out of range; allowed: 1677-09-22 to 2262-04-11");
    bad_trace("azure", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1,1\n2300-01-01 00:00:00,1,1\n",
              "line 3: column 1 (TIMESTAMP): timestamp \"2300-01-01 00:00:00\" is out of range");
    /* control characters of the input are escaped in the message */
    bad_trace("azure", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,\x1b[31m,1\n",
              "size \"\\x1b[31m\" is not a non-negative number");
}

/* Load text as a trace of format fmt; 0 with p filled, else -1 with err. */
static int load_text(const char *text, trace_format fmt, sim_time_t until, arr_trace_params *p, char *err,
                     size_t len)
{
    char dir[256], path[512];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t.csv", dir);
    tu_write_file(path, text);
    trace_opts o = { fmt, 1.0, 1.0, 0.0, until };
    int rc = trace_load(path, &o, p, err, len);
    wl_rmtree(dir);
    return rc;
}

static void every_published_trace_layout_is_read_by_its_header(void)
{
    static const struct { const char *text; trace_format fmt; double t1_s, size0, size1; } C[] = {
        /* Azure 2023 (7 fraction digits) and 2024 (UTC offsets) */
        { "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n"
          "2023-11-16 18:15:50.9951690,396,109\n", TRACE_AZURE, 4.314579, 396, 109 },
        { "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 00:00:00.009930+00:00,2162,5\n"
          "2024-05-10 00:00:01.5+00:00,100,7\n", TRACE_AZURE, 1.49007, 100, 7 },
        /* Vidur's request trace; Splitwise's own column names */
        { "arrived_at,num_prefill_tokens,num_decode_tokens,num_total_tokens\n0.0,1024,128,1152\n0.25,512,64,576\n",
          TRACE_VIDUR, 0.25, 512, 64 },
        { "request_id,request_type,application_id,arrival_timestamp,batch_size,prompt_size,token_size\n"
          "0,2,0,0.5,1,900,30\n1,2,0,0.75,1,1800,60\n", TRACE_VIDUR, 0.25, 1800, 60 },
        /* BurstGPT: quoted-free header with spaces, other columns ignored */
        { "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n5,ChatGPT,472,18,490,Conversation log\n"
          "45,GPT-4,1087,0,1087,API log\n", TRACE_BURSTGPT, 40, 1087, 0 },
        /* RFC 4180: BOM, CRLF, quoted header names and a quoted field with a comma and a newline */
        { "\xEF\xBB\xBF\"time_s\",\"prompt_tokens\",\"output_tokens\",\"note\"\r\n0,1,2,\"a, b\"\r\n"
          "1.5,\"30\",4,\"two\r\nlines \"\"quoted\"\"\"\r\n", TRACE_GENERIC, 1.5, 30, 4 },
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++)
        for (int automatic = 0; automatic < 2; automatic++) {
            arr_trace_params p;
            char err[512];
            int rc = load_text(C[i].text, automatic ? TRACE_AUTO : C[i].fmt, 0, &p, err, sizeof err);
            if (rc != 0)
                fprintf(stderr, "\n    case %zu (%s): %s\n", i, automatic ? "auto" : "named", err);
            CU_ASSERT_EQUAL_FATAL(rc, 0);
            CU_ASSERT_EQUAL(p.n, 2);
            CU_ASSERT_EQUAL(p.nsize, 2);
            CU_ASSERT_EQUAL(p.t_ns[0], 0);
            CU_ASSERT_EQUAL(p.t_ns[1], llround(C[i].t1_s * 1e9));
            CU_ASSERT_EQUAL(p.sizes[2], C[i].size0);
            CU_ASSERT_EQUAL(p.sizes[3], C[i].size1);
            CU_ASSERT_PTR_NULL(p.hash_ids);
            trace_free(&p);
        }
}

static void mooncake_traces_keep_their_prefix_hash_ids(void)
{
    arr_trace_params p;
    char err[512];
    const char *jsonl =
        "{\"timestamp\": 0, \"input_length\": 6955, \"output_length\": 52, \"hash_ids\": [46, 47, 48]}\n"
        "\n"
        "{\"timestamp\": 27482, \"input_length\": 512, \"output_length\": 9, \"hash_ids\": [46, 2214]}\n"
        "{\"timestamp\": 30535, \"input_length\": 20, \"output_length\": 1, \"hash_ids\": []}\n";
    CU_ASSERT_EQUAL_FATAL(load_text(jsonl, TRACE_AUTO, 0, &p, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(p.n, 3);
    CU_ASSERT_EQUAL(p.t_ns[1], INT64_C(27482000000));        /* milliseconds */
    CU_ASSERT_EQUAL(p.sizes[2], 512);
    CU_ASSERT_EQUAL(p.sizes[3], 9);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p.hash_start);
    CU_ASSERT_EQUAL(p.hash_start[0], 0);
    CU_ASSERT_EQUAL(p.hash_start[1], 3);
    CU_ASSERT_EQUAL(p.hash_start[2], 5);
    CU_ASSERT_EQUAL(p.hash_start[3], 5);
    CU_ASSERT_EQUAL(p.hash_ids[3], 46);
    CU_ASSERT_EQUAL(p.hash_ids[4], 2214);
    trace_free(&p);
    CU_ASSERT_EQUAL(load_text("{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n{\"timestamp\": 5}\n",
                              TRACE_MOONCAKE, 0, &p, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 2: field \"input_length\" is missing"));
    CU_ASSERT_EQUAL(load_text("{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1, \"hash_ids\": [1.5]}\n",
                              TRACE_MOONCAKE, 0, &p, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1: field \"hash_ids\""));
}

static void a_run_reads_a_trace_only_as_far_as_it_replays(void)
{
    /* the Azure conversation trace holds 19366 rows; its first 10 s hold 13, and
     * reading stops at the first row past 10 s */
    char err[512];
    trace_opts o = { TRACE_AUTO, 1.0, 1.0, 0.0, INT64_C(10000000000) };
    arr_trace_params p;
    CU_ASSERT_EQUAL_FATAL(trace_load("scenarios/traces/AzureLLMInferenceTrace_conv.csv", &o, &p, err, sizeof err), 0);
    CU_ASSERT_EQUAL(p.n, 14);
    CU_ASSERT(p.t_ns[12] <= INT64_C(10000000000));
    CU_ASSERT(p.t_ns[13] > INT64_C(10000000000));
    trace_free(&p);
    /* an error past the horizon is never read */
    CU_ASSERT_EQUAL(load_text("time_s\n0\n1\n2\nbroken\n", TRACE_GENERIC, INT64_C(1500000000), &p, err, sizeof err), 0);
    CU_ASSERT_EQUAL(p.n, 3);
    trace_free(&p);
    CU_ASSERT_EQUAL(load_text("time_s\n0\n1\n2\nbroken\n", TRACE_GENERIC, 0, &p, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 5: column 1 (time_s): time \"broken\""));
}

static void malformed_csv_names_file_line_and_column(void)
{
    arr_trace_params p;
    char err[512];
    CU_ASSERT_EQUAL(load_text("time_s,prompt_tokens,output_tokens\n0,1,2\n1,\"2,3\n", TRACE_GENERIC, 0, &p, err,
                              sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.csv: line 3: malformed CSV: a quoted field is not closed"));
    CU_ASSERT_EQUAL(load_text("time_s,prompt_tokens,output_tokens\n0,1,2\n1,\"2\"x,3\n", TRACE_GENERIC, 0, &p, err,
                              sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.csv: line 3: malformed CSV"));
    CU_ASSERT_EQUAL(load_text("arrived_at,num_prefill_tokens\n0,1\n", TRACE_VIDUR, 0, &p, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1: missing column \"num_decode_tokens\" for format vidur"));
    CU_ASSERT_EQUAL(load_text("when,what\n0,1\n", TRACE_AUTO, 0, &p, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1: header \"when,what\" is no trace format"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "arrived_at,num_prefill_tokens,num_decode_tokens (vidur)"));
    CU_ASSERT_EQUAL(load_text("Timestamp,Model,Request tokens,Response tokens\n3,x,5\n", TRACE_BURSTGPT, 0, &p, err,
                              sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 2: has 3 fields, fewer than the header's columns (column 4 is "
                                       "Response tokens)"));
}

static void trace_path_must_be_a_regular_file(void)
{
    static const struct { const char *file, *want; } cases[] = {
        { "/dev/zero", "/dev/zero: is not a regular file" },
        { "/tmp", "/tmp: is a directory; expected a file" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char json[1024];
        snprintf(json, sizeof json,
                 "{ \"hardware\": { \"gpu\": \"h100-sxm\" }, \"duration_s\": 1,"
                 "  \"tenants\": [ { \"name\": \"t\", \"workload\": { \"type\": \"synthetic\","
                 "  \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 1 } },"
                 "  \"arrivals\": { \"type\": \"trace\", \"file\": \"%s\" } } ] }", cases[k].file);
        wl_run r;
        wl_run_text(&r, json, NULL, NULL);
        CU_ASSERT_EQUAL(r.rc, 2);
        if (!strstr(r.err, cases[k].want))
            fprintf(stderr, "\n    expected \"%s\" in: %s", cases[k].want, r.err);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.err, cases[k].want));
        wl_run_free(&r);
    }
}

static void missing_trace_file_exits_2(void)
{
    const char *json =
        "{ \"hardware\": { \"gpu\": \"h100-sxm\" }, \"duration_s\": 1,"
        "  \"tenants\": [ { \"name\": \"t\", \"workload\": { \"type\": \"synthetic\","
        "  \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 1 } },"
        "  \"arrivals\": { \"type\": \"trace\", \"file\": \"nowhere.csv\" } } ] }";
    wl_run r;
    wl_run_text(&r, json, NULL, NULL);
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "nowhere.csv: cannot open"));
    wl_run_free(&r);
}

static void arrival_parameters_are_validated(void)
{
    const char *json =
        "{ \"hardware\": { \"gpu\": \"h100-sxm\" }, \"duration_s\": 1,"
        "  \"tenants\": [ { \"name\": \"t\", \"workload\": { \"type\": \"synthetic\","
        "  \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 1 } },"
        "  \"arrivals\": { \"type\": \"diurnal\", \"rates_per_s\": [1, -2] } } ] }";
    wl_run r;
    wl_run_text(&r, json, NULL, NULL);
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "tenants.0.arrivals.rates_per_s.1: value -2"));
    wl_run_free(&r);
}

/* A Poisson rate so high that every gap rounds to 0 ns would never let time
 * advance: refused, like the other processes' rates above 1e9/s. */
static void poisson_rates_above_one_per_ns_are_refused(void)
{
    const char *json =
        "{ \"hardware\": { \"gpu\": \"h100-sxm\" }, \"duration_s\": 1,"
        "  \"tenants\": [ { \"name\": \"t\", \"workload\": { \"type\": \"synthetic\","
        "  \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 1 } },"
        "  \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1e300 } } ] }";
    char err[512] = "";
    scn *sc = NULL;
    CU_ASSERT_EQUAL(scn_load_text(json, "s.json", NULL, 0, &sc, err, sizeof err), SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "s.json: tenants.0.arrivals.rate_per_s: value 1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "1e+09"));
    scn_free(sc);
}

/* Gaps far beyond the range of ns times (rates of 1e-300/s: a mean gap of
 * 1e309 ns, infinite as a double) mean no arrival before stop, for every
 * open process and for a closed loop's think time; they must not wrap to
 * a time in the past. A broken source emits at time 0 forever: stop after
 * a few. */
static void stop_after_a_few(void *owner, sim *s, const arr_item *it)
{
    (void)it;
    size_t *n = owner;
    if (++*n >= 5)
        sim_stop(s);
}

static size_t emitted(const arr_type *type, const void *params)
{
    sim s;
    arr_src a;
    size_t n = 0;
    sim_init(&s);
    gsl_rng *r = sim_rng_alloc(3, 0, 0, 0);
    CU_ASSERT_EQUAL_FATAL(arr_src_init(&a, type, params, &s, r, stop_after_a_few, &n,
                                       SIM_NS_PER_S), 0);
    arr_src_start(&a);
    sim_run(&s, SIM_NS_PER_S);
    arr_src_free(&a);
    gsl_rng_free(r);
    sim_free(&s);
    return n;
}

static void gaps_beyond_the_time_range_mean_no_arrival_before_stop(void)
{
    arr_poisson_params po = { 1e-300 };
    arr_gamma_params ga = { 1e-300, 2.0 };
    arr_closed_params cl = { 3, 1e300, ARR_THINK_EXPONENTIAL };
    CU_ASSERT_EQUAL(emitted(&arr_poisson, &po), 0);
    CU_ASSERT_EQUAL(emitted(&arr_gamma, &ga), 0);
    CU_ASSERT_EQUAL(emitted(&arr_closed, &cl), 0);     /* every user thinks first */
}

TU_SUITE_FN(arrivals)
{
    static const tu_test tests[] = {
        TU_TEST(gamma_gaps_have_the_target_mean_and_cv),
        TU_TEST(onoff_rate_is_the_time_weighted_mean_and_counts_are_overdispersed),
        TU_TEST(diurnal_arrivals_follow_the_rate_curve),
        TU_TEST(closed_loop_throughput_obeys_the_response_time_law),
        TU_TEST(timestamps_parse_to_nanoseconds_since_the_epoch),
        TU_TEST(trace_times_are_scaled_and_sizes_kept),
        TU_TEST(azure_conv_replay_emits_every_row_of_its_window),
        TU_TEST(bad_trace_files_exit_2_naming_file_and_line),
        TU_TEST(missing_trace_file_exits_2),
        TU_TEST(trace_path_must_be_a_regular_file),
        TU_TEST(every_published_trace_layout_is_read_by_its_header),
        TU_TEST(mooncake_traces_keep_their_prefix_hash_ids),
        TU_TEST(a_run_reads_a_trace_only_as_far_as_it_replays),
        TU_TEST(malformed_csv_names_file_line_and_column),
        TU_TEST(arrival_parameters_are_validated),
        TU_TEST(poisson_rates_above_one_per_ns_are_refused),
        TU_TEST(gaps_beyond_the_time_range_mean_no_arrival_before_stop),
    };
    TU_SUITE("arrivals", tests);
}
