/* test_charts.c -- the data files behind the pictures, written with or
 * without gnuplot, and the refusal of malformed inputs. */
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "plots/charts.h"

static char dir[64], out[1 << 14], err[1 << 12];

static FILE *sink(void) { return tmpfile(); }

/* A fresh dir holding the input file name with text, drawn by chart: 0,
 * or 1 without gnuplot (the data files are written either way). */
static void draw_from(const char *name, const char *text, int (*chart)(const char *, FILE *))
{
    char p[256];
    tu_tmpdir(dir, sizeof dir);
    snprintf(p, sizeof p, "%s/%s", dir, name);
    tu_write_file(p, text);
    FILE *e = sink();
    int rc = chart(dir, e);
    fclose(e);
    CU_ASSERT(rc == 0 || rc == 1);
}

/* The file name in folder base (caller frees); the test stops without it. */
static char *read_in(const char *base, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", base, name);
    char *d = tu_read_file(p, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    return d;
}

/* chart refuses dir (-1); what it says, into msg (len bytes). */
static void refusal(int (*chart)(const char *, FILE *), char *msg, size_t len)
{
    FILE *e = sink();
    CU_ASSERT_EQUAL(chart(dir, e), -1);
    rewind(e);
    msg[fread(msg, 1, len - 1, e)] = '\0';
    fclose(e);
}

static void latency_cdf_blocks_rise_to_one_per_tenant(void)
{
    draw_from("requests.csv", "rep,tenant,id,arrival_ms,start_ms,end_ms,latency_ms,queue_ms\n"
                              "0,web,0,0,0,3,3,0\n0,web,1,1,1,2,1,0\n0,db,0,0,0,5,5,0\n"
                              "1,web,0,0,0,2,2,0\n0,db,1,2,3,9,7,0\n", charts_latency_cdf);
    char *d = read_in(dir, "latency_cdf.dat");
    /* web: 1, 2, 3 ms at 1/3, 2/3, 1; then db: 5, 7 ms at 1/2, 1 */
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "# web\n1.000000 0.333333\n2.000000 0.666667\n3.000000 1.000000\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "\n\n\n# db\n5.000000 0.500000\n7.000000 1.000000\n"));
    /* the marks: order statistic ceil(q n): web p50 is its 2nd of 3, p95 and p99 its 3rd */
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "# web percentiles\n2.000000 0.666667 p50=2\n3.000000 1.000000 p95=3\n"
                                     "3.000000 1.000000 p99=3\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "# db percentiles\n5.000000 0.500000 p50=5\n7.000000 1.000000 p95=7\n"));
    free(d);
    d = read_in(dir, "latency_cdf.png.gp");
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set xlabel 'latency (ms, log scale)'\nset logscale x\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "index 1 using 1:2 with steps lw 2 lc 2 title 'db'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "index 3 using 1:2 with points pt 7 ps 1.2 lc 2 notitle"));
    free(d);
}

static void timeline_gives_each_tenant_a_colour_and_switches_a_visible_width(void)
{
    draw_from("timeline.csv", "gpu,tenant,kind,start_ms,end_ms\n0,a,run,0,5\n0,b,switch,5,5.001\n"
                              "0,b,run,5.001,10\n0,\"c,d\",run,10,12\n", charts_timeline);
    char *d = read_in(dir, "timeline.dat");
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "2.500000 0 2.500000 0.35 2062260\n"));     /* a: 0x1f77b4 */
    CU_ASSERT_PTR_NOT_NULL(strstr(d, " 1 0.000500 0.35 14034728\n"));              /* the switch: red */
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "7.500500 2 2.499500 0.35 16744206\n"));     /* b: 0xff7f0e */
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "11.000000 3 1.000000 0.35 2924588\n"));     /* "c,d": 0x2ca02c */
    free(d);
    d = read_in(dir, "timeline.png.gp");
    /* 12 ms window: at least 12/1200 ms half-width */
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "using 1:2:($3 < 0.01 ? 0.01 : $3):4:5 with boxxyerror lc rgb variable"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "'c,d (gpu 0)' 3"));
    free(d);
}

static void compare_bars_carry_intervals_and_each_slo_its_own_axis(void)
{
    draw_from("compare.json", "{\"setups\": [{\"mode\": \"mig\", \"tenants\": [{\"name\": \"chat\","
              " \"throughput\": {\"value\": 10, \"unit\": \"tokens/s\", \"ci95\": [9, 11]},"
              " \"latency_ms\": {\"p95\": 50, \"ci95_p95\": [45, 55]},"
              " \"slo\": {\"value\": 70, \"ci95\": [60, 80], \"metric\": \"ttft_ms.p95\", \"bound\": 500}}]}]}",
              charts_compare);
    char *d = read_in(dir, "compare.dat");
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "\"mig\" 50 45 55 10 9 11 70 60 80\n"));
    free(d);
    d = read_in(dir, "compare.png.gp");
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set style histogram errorbars"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "'compare.dat' using 2:3:4:xtic(1)"));
    /* the TTFT bound is drawn on the SLO metric's panel, not on the latency one */
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set ylabel 'SLO metric (ms)'\nplot 'compare.dat' using 8:9:10:xtic(1) lc 1 "
                                     "title 'chat ttft_ms.p95', 500 with lines dt 2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "title 'chat (tokens/s)'"));
    free(d);
}

static void malformed_inputs_are_refused_with_the_line(void)
{
    tu_tmpdir(dir, sizeof dir);
    char p[256], msg[512] = "";
    snprintf(p, sizeof p, "%s/requests.csv", dir);
    tu_write_file(p, "rep,tenant,id,arrival_ms,start_ms,end_ms,latency_ms\n0,web,0,0,0,3,3\n0,web,1\n");
    refusal(charts_latency_cdf, msg, sizeof msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "line 3"));
    snprintf(p, sizeof p, "%s/mig_layout.dat", dir);
    tu_write_file(p, "# a 7-slot GPU\nslots 7\n0 0 4 4g.40gb chat\n0 4 4 3g.40gb batch\n");
    refusal(charts_mig_layout, msg, sizeof msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "line 4"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "START + SIZE <= slots"));
    char empty[64];
    tu_tmpdir(empty, sizeof empty);
    char *argv[] = { "slicesim", "plot", empty, NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
}

static void mig_layout_draws_each_instance_on_its_slots(void)
{
    draw_from("mig_layout.dat", "slots 8\n0 0 4 4g.40gb chat\n0 4 2 2g.20gb\n0 6 1 1g.10gb batch\n1 0 8 7g.80gb train\n",
              charts_mig_layout);
    char *d = read_in(dir, "mig_layout.svg.gp");
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set object 2 rect from 4,-0.4 to 6,0.4"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set object 4 rect from 0,0.6 to 8,1.4"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set label 3 \"1g.10gb\\nbatch\" at 6.5,0 center rotate by 90"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set xrange [0:8]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set yrange [-0.5:1.5]"));
    free(d);
}

static void sweep_chart_has_one_series_per_tenant_and_other_value(void)
{
    static const char scenario[] =
        "{ \"name\": \"charts-test\", \"duration_s\": 0.3, \"replications\": 2,\n"
        "  \"hardware\": { \"gpu\": \"h100-sxm\" }, \"sharing\": { \"mode\": \"timeslice\" },\n"
        "  \"tenants\": [ { \"name\": \"web\", \"workload\": { \"type\": \"synthetic\",\n"
        "      \"service_ms\": { \"dist\": \"exponential\", \"mean\": 0.2 } },\n"
        "    \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 100 }, \"slo\": { \"latency_ms.p95\": 3 } },\n"
        "    { \"name\": \"batch\", \"workload\": { \"type\": \"synthetic\",\n"
        "      \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 5 } },\n"
        "    \"arrivals\": { \"type\": \"closed\", \"users\": 1 } } ] }\n";
    char scen[128], o[128];
    tu_tmpdir(dir, sizeof dir);
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    tu_write_file(scen, scenario);
    snprintf(o, sizeof o, "%s/sw", dir);
    char *argv[] = { "slicesim", "sweep", scen, "--vary", "sharing.timeslice_ms=1,2,4",
                     "--vary", "tenants.0.arrivals.rate_per_s=100,200", "-o", o, "--plot", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    char *d = read_in(o, "sweep_plot.dat");
    /* 2 tenants x 2 rates = 4 series, each the 3 slices in order */
    int blocks = 0, rows = 0;
    double last_x = -1;
    for (char *line = strtok(d, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "# web (", 7) == 0 || strncmp(line, "# batch (", 9) == 0) {
            blocks++;
            last_x = -1;
        } else if (line[0] == ' ') {
            double x = strtod(line, NULL);
            CU_ASSERT(x > last_x);
            last_x = x;
            rows++;
        }
    }
    CU_ASSERT_EQUAL(blocks, 4);
    CU_ASSERT_EQUAL(rows, 12);
    free(d);
    d = read_in(o, "sweep.png.gp");
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set xlabel 'sharing.timeslice_ms (ms)'"));
    /* the latency SLO on the latency panel, a line the axis reaches */
    CU_ASSERT_PTR_NOT_NULL(strstr(d, ", 3 with lines dt 2 lw 2 lc rgb 'red' title 'web SLO p95 <= 3 ms'\n"
                                     "set ylabel 'throughput (req/s)'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "title 'web (tenants.0.arrivals.rate_per_s=200)'"));
    free(d);
    /* two parameters: a heatmap of p95 per tenant, 3 x 2 cells each */
    d = read_in(o, "sweep_heatmap.dat");
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "# web\n 0 0 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "\n 2 1 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "\n\n\n# batch\n 0 0 "));
    free(d);
    d = read_in(o, "sweep_heatmap.png.gp");
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set xtics ('1' 0, '2' 1, '4' 2)\nset ytics ('100' 0, '200' 1)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "with image notitle"));
    free(d);
}

/* Tenants whose throughputs have different units never share an axis; a
 * TTFT SLO goes on a panel of its own metric, not on the latency axis. */
static void sweep_chart_gives_each_unit_and_slo_metric_its_own_axis(void)
{
    draw_from("sweep.json", "{\"vary\": [{\"path\": \"sharing.timeslice_ms\", \"values\": [1, 2]}], \"points_total\": 2,"
              " \"points\": ["
              "{\"index\": 0, \"values\": {\"sharing.timeslice_ms\": 1}, \"tenants\": ["
              "{\"name\": \"chat\", \"throughput\": {\"value\": 900, \"unit\": \"tokens/s\"}, \"latency_ms\": {\"p95\": 800},"
              " \"slo\": {\"metric\": \"ttft_ms.p95\", \"bound_ms\": 500, \"value_ms\": 120}},"
              "{\"name\": \"img\", \"throughput\": {\"value\": 6, \"unit\": \"images/min\"}, \"latency_ms\": {\"p95\": 9000}}]},"
              "{\"index\": 1, \"values\": {\"sharing.timeslice_ms\": 2}, \"tenants\": ["
              "{\"name\": \"chat\", \"throughput\": {\"value\": 950, \"unit\": \"tokens/s\"}, \"latency_ms\": {\"p95\": 700},"
              " \"slo\": {\"metric\": \"ttft_ms.p95\", \"bound_ms\": 500, \"value_ms\": 140}},"
              "{\"name\": \"img\", \"throughput\": {\"value\": 7, \"unit\": \"images/min\"}, \"latency_ms\": {\"p95\": 8000}}]}]}",
              charts_sweep);
    char *d = read_in(dir, "sweep.png.gp");
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set multiplot layout 4,1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set ylabel 'throughput (tokens/s)'\nplot 'sweep_plot.dat' index 0 using 1:5:6:7 "
                                     "with yerrorlines title 'chat'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set ylabel 'throughput (images/min)'\nplot 'sweep_plot.dat' index 1 using 1:5:6:7 "
                                     "with yerrorlines title 'img'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d, "set ylabel 'SLO metric (ms)'\nplot 'sweep_plot.dat' index 0 using 1:8:9:10 "
                                     "with yerrorlines title 'chat ttft_ms.p95', 500 with lines"));
    /* and not on the latency panel */
    char *lat = strstr(d, "set ylabel 'p95 latency (ms)'"), *thr = strstr(d, "set ylabel 'throughput");
    CU_ASSERT_FATAL(lat && thr && lat < thr);
    *thr = '\0';
    CU_ASSERT_PTR_NULL(strstr(lat, "500"));
    free(d);
}

TU_SUITE_FN(charts)
{
    static const tu_test tests[] = {
        TU_TEST(latency_cdf_blocks_rise_to_one_per_tenant),
        TU_TEST(timeline_gives_each_tenant_a_colour_and_switches_a_visible_width),
        TU_TEST(compare_bars_carry_intervals_and_each_slo_its_own_axis),
        TU_TEST(sweep_chart_gives_each_unit_and_slo_metric_its_own_axis),
        TU_TEST(malformed_inputs_are_refused_with_the_line),
        TU_TEST(mig_layout_draws_each_instance_on_its_slots),
        TU_TEST(sweep_chart_has_one_series_per_tenant_and_other_value),
    };
    TU_SUITE("charts", tests);
}
