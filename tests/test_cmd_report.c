/* test_cmd_report.c -- `slicesim report DIR`: one self-contained page with
 * the scenario, the tables, every chart inline, the warnings and the
 * verdicts; rendered by headless Chromium where it is installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tests/testutil.h"

static char out[1 << 16], err[1 << 14];

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The SVG files slicesim plot left in dir. */
static size_t svg_files(const char *dir)
{
    char cmd[256], line[64];
    snprintf(cmd, sizeof cmd, "ls %s/*.svg 2>/dev/null | wc -l", dir);
    FILE *p = popen(cmd, "r");
    size_t n = p && fgets(line, sizeof line, p) ? (size_t)atol(line) : 0;
    if (p)
        pclose(p);
    return n;
}

static void a_run_folder_becomes_one_self_contained_page(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    char *run[] = { "slicesim", "run", "scenarios/llm-h100-exclusive.json", "-o", dir, "--plot", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(run, out, sizeof out, err, sizeof err), 0);
    char *rep[] = { "slicesim", "report", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(rep, out, sizeof out, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<title>slicesim report: llm-h100-exclusive</title>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<pre id=\"scenario\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "&quot;gpu&quot;:\t&quot;h100-sxm&quot;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<table id=\"tenants\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<table id=\"gpus\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "tokens/s"));
    /* the validated error the summary carries, one row per tenant and family */
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<table id=\"validation\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<td class=\"t\">llm</td><td class=\"t\">per-operator"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<td>2378</td><td>2363</td><td>6.27</td><td>16.22</td><td>100</td><td>&ndash;</td>"
                              "<td class=\"t\">yes</td></tr>"));     /* Vidur measured H100s */
    /* the SLO verdict, and the warnings the run printed */
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "ttft_ms.p95"));
    CU_ASSERT(strstr(html, "class=\"met\"") || strstr(html, "class=\"missed\"") ||
              strstr(html, "class=\"uncertain\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<ul class=\"warn\" id=\"warnings\">\n<li>"));
    /* every chart inline, nothing fetched: no script, stylesheet, image or link outside */
    size_t svgs = svg_files(dir);
    if (svgs > 0) {
        CU_ASSERT_EQUAL(count(html, "<svg"), svgs);
    } else {
        CU_ASSERT_PTR_NOT_NULL(strstr(html, "No charts in this folder"));
    }
    CU_ASSERT_PTR_NULL(strstr(html, "<script"));
    CU_ASSERT_PTR_NULL(strstr(html, "<link"));
    CU_ASSERT_PTR_NULL(strstr(html, "<img"));
    CU_ASSERT_PTR_NULL(strstr(html, "src="));
    CU_ASSERT_EQUAL(count(html, "http://") + count(html, "https://"), 2 * svgs);   /* the SVG namespaces only */
    free(html);
    char *bad[] = { "slicesim", "report", "scenarios", NULL };
    CU_ASSERT_EQUAL(tu_cli(bad, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no readable manifest.json"));
}

static void a_sweep_folder_shows_its_table(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    char *sw[] = { "slicesim", "sweep", "scenarios/mm1-exclusive.json", "--vary", "tenants.0.arrivals.rate_per_s=20,40",
                   "--reps", "2", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(sw, out, sizeof out, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/r.html", dir);
    char *rep[] = { "slicesim", "report", dir, "-o", path, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(rep, out, sizeof out, err, sizeof err), 0);
    char *html = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<h3>sweep.csv</h3>"));
    CU_ASSERT_EQUAL(count(html, "<tr>"), 3 + 6);    /* header + 2 points; the identity table's 6 rows */
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "tenants.0.arrivals.rate_per_s"));
    free(html);
}

/* The page without -o joins the folder's set: the manifest lists it, so the
 * next set written there removes it with the rest of the old set, and
 * `plot` (which redraws the charts it inlines) drops it too. */
static void the_page_is_part_of_the_set_and_goes_with_it(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *run[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "-o", dir, NULL };
    char *rep[] = { "slicesim", "report", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(run, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(tu_cli(rep, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_EQUAL(access(path, F_OK), 0);
    char mpath[128];
    snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
    char *man = tu_read_file(mpath, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(man);
    CU_ASSERT_PTR_NOT_NULL(strstr(man, "\"name\":\t\"report.html\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(man, "\"name\":\t\"summary.json\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(man, "\"command\":\t\"run\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(man, "\"scenario\":\t\"mm1-exclusive\""));
    free(man);
    /* a second report replaces the page; the set stays whole */
    CU_ASSERT_EQUAL_FATAL(tu_cli(rep, out, sizeof out, err, sizeof err), 0);
    /* a later run into the folder leaves no stale page */
    CU_ASSERT_EQUAL_FATAL(tu_cli(run, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
    CU_ASSERT_EQUAL_FATAL(tu_cli(rep, out, sizeof out, err, sizeof err), 0);
    char *plot[] = { "slicesim", "plot", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(plot, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
    snprintf(mpath, sizeof mpath, "%s/summary.json", dir);
    CU_ASSERT_EQUAL(access(mpath, F_OK), 0);
}

/* A file of the set that is not what slicesim writes is refused, naming
 * the file and the member (the one parser of plots/figures.h). */
static void a_malformed_summary_is_refused_naming_the_member(void)
{
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    char *run[] = { "slicesim", "run", "scenarios/mm1-exclusive.json", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(run, out, sizeof out, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    tu_write_file(path, "{ \"tenants\": [ { \"name\": \"a\", \"latency_ms\": { \"p95\": \"fast\" } } ] }\n");
    char *rep[] = { "slicesim", "report", dir, NULL };
    CU_ASSERT_EQUAL(tu_cli(rep, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "summary.json: tenants[0].latency_ms.p95: not a number or null"));
    snprintf(path, sizeof path, "%s/report.html", dir);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
}

/* Headless Chromium (Debian's chromium; CI installs it) opens the page from
 * disk and its DOM holds every chart and table. */
static void chromium_renders_every_chart_and_table(void)
{
    if (system("command -v chromium >/dev/null 2>&1") != 0) {
        fprintf(stderr, "\n    skipped: chromium is not installed (apt-get install chromium; .ci/run does)\n");
        return;
    }
    char dir[64], path[128], cmd[512], dom[160];
    tu_tmpdir(dir, sizeof dir);
    char *run[] = { "slicesim", "run", "scenarios/default.json", "-o", dir, "--plot", "--reps", "2", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(run, out, sizeof out, err, sizeof err), 0);
    char *rep[] = { "slicesim", "report", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(rep, out, sizeof out, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/report.html", dir);
    snprintf(dom, sizeof dom, "%s/dom.html", dir);
    /* no network: a proxy that does not exist, so any fetch would fail */
    snprintf(cmd, sizeof cmd, "chromium --headless --no-sandbox --disable-gpu --no-first-run "
             "--proxy-server=127.0.0.1:9 --user-data-dir=%s/profile --dump-dom file://%s > %s 2>/dev/null",
             dir, path, dom);
    int rc = system(cmd);
    CU_ASSERT_EQUAL_FATAL(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, 1);
    char *html = tu_read_file(dom, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    size_t svgs = svg_files(dir);
    CU_ASSERT(svgs >= 2);                            /* latency CDF and timeline */
    CU_ASSERT_EQUAL(count(html, "<svg"), svgs);
    CU_ASSERT_EQUAL(count(html, "<table"), 4);       /* identity, tenants, GPUs, validated error */
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<title>slicesim report: default-two-tenants-timesliced</title>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "id=\"verdicts\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "id=\"warnings\""));
    free(html);
}

TU_SUITE_FN(cmd_report)
{
    static const tu_test tests[] = {
        TU_TEST(a_run_folder_becomes_one_self_contained_page),
        TU_TEST(a_sweep_folder_shows_its_table),
        TU_TEST(the_page_is_part_of_the_set_and_goes_with_it),
        TU_TEST(a_malformed_summary_is_refused_naming_the_member),
        TU_TEST(chromium_renders_every_chart_and_table),
    };
    TU_SUITE("cmd_report", tests);
}
