/* cmd_report.c -- `slicesim report DIR [-o FILE]`: one self-contained HTML
 * page (DIR/report.html by default) of a command's output folder: what ran
 * (the manifest's identity and the scenario as the summary records it), the
 * tables, every chart inline as SVG, the warnings and the SLO verdicts. It
 * references nothing outside itself, so it opens from disk with no network.
 * The folder is read through its manifest (cli/outfile.h): only the files of
 * the set, plus the SVG charts `slicesim plot` drew there; summary.json,
 * sweep.json and compare.json through the one parser of result documents
 * (fig_row_read, plots/figures.h). Without -o the page joins the set. */
#include <csv.h>
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "plots/figures.h"
#include "scenarios/jv.h"
#include "scenarios/textfile.h"

#define MAX_TABLE_ROWS 1000
#define MAX_CHARTS     64
#define MAX_INPUT      (256L << 20)

static const cli_opt REPORT_OPTS[] = {
    { "-o,--out", 1, "FILE", "where to write the page (default DIR/report.html)" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec REPORT_SPEC = {
    "report", "DIR", "One self-contained report.html of an output folder: scenario, tables, charts (inline SVG), "
    "warnings, verdicts.", REPORT_OPTS, NULL,
};

typedef struct {
    const char *dir, *out;
} report_args;

static int rep_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    (void)a;
    (void)err;
    ((report_args *)ctx)->out = val;
    return 0;
}

static int rep_arg(void *ctx, int n, const char *arg, FILE *err)
{
    if (n > 0) {
        fprintf(err, "slicesim report: one folder only (\"%s\")\n", arg);
        return -1;
    }
    ((report_args *)ctx)->dir = arg;
    return 0;
}

/* ---- HTML pieces ---- */

static void esc_n(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        switch (s[i]) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:  fputc(s[i], f);
        }
    }
}

static void esc(FILE *f, const char *s)
{
    esc_n(f, s ? s : "", (size_t)-1);
}

static const char STYLE[] =
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}"
    "h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.9em}"
    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right}th{background:#f3f3f3}"
    "td.t,th.t{text-align:left}pre{background:#f7f7f7;padding:.8em;overflow:auto;font-size:.85em}"
    ".met{color:#176b1d;font-weight:bold}.missed{color:#b00020;font-weight:bold}"
    ".uncertain{color:#a15c00;font-weight:bold}figure{margin:1em 0}figure svg{max-width:100%;height:auto}"
    "ul.warn li{color:#7a4a00}";

/* How many files the manifest lists. */
static size_t manifest_files(const cJSON *man)
{
    return (size_t)cJSON_GetArraySize(outfile_manifest_member(man, OUTFILE_M_FILES));
}

static void num_cell(FILE *f, double x)
{
    if (isnan(x))
        fputs("<td>&ndash;</td>", f);
    else
        fprintf(f, "<td>%.4g</td>", x);
}

/* A figure and, when the row has it, its interval: id and the interval
 * entry ci (plots/figures.h). */
static void ci_cell(FILE *f, const fig_row *r, fig_id id, fig_id ci)
{
    double v = fig_row_num(r, id);
    const fig_val *c = fig_row_val(r, ci);
    if (isnan(v)) {
        fputs("<td>&ndash;</td>", f);
        return;
    }
    fprintf(f, "<td>%.4g", v);
    if (c && c->state == FV_SET)
        fprintf(f, " <small>[%.4g, %.4g]</small>", c->lo, c->hi);
    fputs("</td>", f);
}

static cJSON *read_json(const char *dir, const char *name)
{
    char path[4600], msg[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = textfile_read(path, MAX_INPUT, msg, sizeof msg);
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    return doc;
}

static int listed(const cJSON *manifest, const char *name);

/* DIR/NAME, when the manifest lists it, read by the one parser of result
 * documents (plots/figures.h) into *r of scope; *doc is the parsed text the
 * row borrows its strings from (free it after the row). 1 read, 0 not in
 * the set, -1 unreadable or malformed, with one message on err naming the
 * file and the member. */
static int read_rows(const char *dir, const cJSON *man, const char *name, fig_scope scope, fig_row *r,
                     cJSON **doc, FILE *err)
{
    char path[4600], msg[1024];
    if (!listed(man, name))
        return 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = textfile_read(path, MAX_INPUT, msg, sizeof msg);
    *doc = text ? jv_parse(text, path, msg, sizeof msg) : NULL;
    free(text);
    if (!*doc) {
        fprintf(err, "slicesim report: %s\n", msg);
        return -1;
    }
    if (fig_row_read(r, scope, *doc, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim report: %s: %s; allowed: the file as slicesim wrote it\n", path, msg);
        fig_row_free(r);
        return -1;
    }
    return 1;
}

static int listed(const cJSON *manifest, const char *name)
{
    const char *n;
    for (size_t k = 0; k < manifest_files(manifest); k++)
        if ((n = outfile_manifest_file(manifest, k)) && strcmp(n, name) == 0)
            return 1;
    return 0;
}

/* ---- the run's tables ---- */

static void verdict_span(FILE *f, const char *v)
{
    fprintf(f, "<span class=\"%s\">", v && (strcmp(v, "met") == 0 || strcmp(v, "missed") == 0) ? v : "uncertain");
    esc(f, v ? v : "none");
    fputs("</span>", f);
}

static const fig_row *rows_of(const fig_row *r, fig_id id, size_t *n)
{
    const fig_val *v = r ? fig_row_val(r, id) : NULL;
    *n = v && v->state == FV_SET ? v->n : 0;
    return *n ? v->rows : NULL;
}

static void tenant_table(FILE *f, const fig_row *sum)
{
    size_t n;
    const fig_row *t = rows_of(sum, FIG_S_TENANTS, &n);
    fputs("<table id=\"tenants\"><tr><th class=\"t\">tenant</th><th class=\"t\">workload</th><th>completed</th>"
          "<th>throughput [95% CI]</th><th class=\"t\">unit</th><th>mean ms</th><th>p50 ms</th>"
          "<th>p95 ms [95% CI]</th><th>p99 ms</th><th>GPU time share</th><th class=\"t\">SLO</th>"
          "<th class=\"t\">verdict</th></tr>\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<tr><td class=\"t\">", f);
        esc(f, fig_row_str(&t[i], FIG_T_NAME));
        fputs("</td><td class=\"t\">", f);
        esc(f, fig_row_str(&t[i], FIG_T_WORKLOAD));
        fputs("</td>", f);
        num_cell(f, fig_row_num(&t[i], FIG_T_COMPLETED));
        ci_cell(f, &t[i], FIG_T_THROUGHPUT, FIG_T_THROUGHPUT_CI);
        fputs("<td class=\"t\">", f);
        esc(f, fig_row_str(&t[i], FIG_T_THROUGHPUT_UNIT));
        fputs("</td>", f);
        num_cell(f, fig_row_num(&t[i], FIG_T_LAT_MEAN));
        num_cell(f, fig_row_num(&t[i], FIG_T_LAT_P50));
        ci_cell(f, &t[i], FIG_T_LAT_P95, FIG_T_LAT_CI_P95);
        num_cell(f, fig_row_num(&t[i], FIG_T_LAT_P99));
        num_cell(f, fig_row_num(&t[i], FIG_T_GPU_SHARE));
        fputs("<td class=\"t\">", f);
        if (fig_row_has(&t[i], FIG_T_SLO)) {
            esc(f, fig_row_str(&t[i], FIG_T_SLO_METRIC));
            fprintf(f, " &le; %.4g ms: %.4g", fig_row_num(&t[i], FIG_T_SLO_BOUND), fig_row_num(&t[i], FIG_T_SLO_VALUE));
            fputs("</td><td class=\"t\">", f);
            verdict_span(f, fig_row_str(&t[i], FIG_T_SLO_VERDICT));
        } else {
            fputs("none</td><td class=\"t\">&ndash;", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void gpu_table(FILE *f, const fig_row *sum)
{
    size_t n;
    const fig_row *g = rows_of(sum, FIG_S_GPUS, &n);
    fputs("<table id=\"gpus\"><tr><th>GPU</th><th>utilization [95% CI]</th><th>context switches</th>"
          "<th>switch overhead</th><th>virtualization overhead</th><th>PCIe utilization</th></tr>\n", f);
    for (size_t k = 0; k < n; k++) {
        fputs("<tr>", f);
        num_cell(f, fig_row_num(&g[k], FIG_G_ID));
        ci_cell(f, &g[k], FIG_G_UTILIZATION, FIG_G_UTIL_CI);
        num_cell(f, fig_row_num(&g[k], FIG_G_SWITCHES));
        num_cell(f, fig_row_num(&g[k], FIG_G_SWITCH_OVERHEAD));
        num_cell(f, fig_row_num(&g[k], FIG_G_VIRT_OVERHEAD));
        num_cell(f, fig_row_num(&g[k], FIG_G_PCIE));
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* The validated error of each family a tenant's figures rest on: what the
 * model's published rows say of the figures above (models/accuracy.h). */
static void validation_table(FILE *f, const fig_row *sum)
{
    size_t n;
    const fig_row *t = rows_of(sum, FIG_S_TENANTS, &n);
    fputs("<table id=\"validation\"><tr><th class=\"t\">tenant</th><th class=\"t\">family</th>"
          "<th class=\"t\">validated against</th><th>rows</th><th>within tolerance</th><th>mean |error| %</th>"
          "<th>90% of rows within %</th><th>largest %</th><th>left out: mean %</th>"
          "<th class=\"t\">measured on this GPU</th></tr>\n", f);
    for (size_t i = 0; i < n; i++) {
        size_t m;
        const fig_row *v = rows_of(&t[i], FIG_T_VALIDATION, &m);
        for (size_t k = 0; k < m; k++) {
            fputs("<tr><td class=\"t\">", f);
            esc(f, fig_row_str(&t[i], FIG_T_NAME));
            fputs("</td><td class=\"t\">", f);
            esc(f, fig_row_str(&v[k], FIG_A_FAMILY));
            fputs("</td><td class=\"t\">", f);
            esc(f, fig_row_str(&v[k], FIG_A_VALIDATED));
            fputs("</td>", f);
            static const fig_id NUMS[] = { FIG_A_ROWS, FIG_A_WITHIN, FIG_A_MEAN, FIG_A_P90, FIG_A_MAX };
            for (size_t j = 0; j < sizeof NUMS / sizeof NUMS[0]; j++)
                num_cell(f, fig_row_num(&v[k], NUMS[j]));
            num_cell(f, fig_row_num(&v[k], FIG_A_LO_MEAN));    /* NaN, a dash, without a left-out case */
            double on = fig_row_num(&v[k], FIG_A_THIS_GPU);   /* NaN in a summary from before the field */
            fprintf(f, "<td class=\"t\">%s</td></tr>\n", isnan(on) ? "&ndash;" : on ? "yes" : "no");
        }
    }
    fputs("</table>\n", f);
}

/* ---- any CSV of the set, as a table (libcsv) ---- */

typedef struct {
    FILE  *f;
    long   rows;
    int    in_row, header;
} csv_html;

static void cell_cb(void *s, size_t len, void *data)
{
    csv_html *h = data;
    if (h->rows > MAX_TABLE_ROWS)
        return;
    if (!h->in_row) {
        fputs("<tr>", h->f);
        h->in_row = 1;
    }
    fputs(h->header ? "<th>" : "<td>", h->f);
    esc_n(h->f, s, len);
    fputs(h->header ? "</th>" : "</td>", h->f);
}

static void row_cb(int c, void *data)
{
    csv_html *h = data;
    (void)c;
    if (h->in_row)
        fputs("</tr>\n", h->f);
    h->in_row = 0;
    h->header = 0;
    h->rows++;
}

static void csv_table(FILE *f, const char *dir, const char *name)
{
    char path[4600], msg[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = textfile_read(path, MAX_INPUT, msg, sizeof msg);
    struct csv_parser p;
    if (!text || csv_init(&p, CSV_APPEND_NULL) != 0) {
        free(text);
        return;
    }
    csv_html h = { f, 0, 0, 1 };
    fputs("<h3>", f);
    esc(f, name);
    fputs("</h3>\n<table class=\"csv\">\n", f);
    csv_parse(&p, text, strlen(text), cell_cb, row_cb, &h);
    csv_fini(&p, cell_cb, row_cb, &h);
    csv_free(&p);
    fputs("</table>\n", f);
    if (h.rows > MAX_TABLE_ROWS + 1)
        fprintf(f, "<p>first %d of %ld rows; the whole table is %s</p>\n", MAX_TABLE_ROWS, h.rows - 1, name);
    free(text);
}

/* ---- charts: the SVG files in DIR, inline ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int charts(FILE *f, const char *dir)
{
    DIR *d = opendir(dir);
    char *names[MAX_CHARTS];
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < MAX_CHARTS) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".svg") == 0 && e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    int drawn = 0;
    for (int i = 0; i < n; i++) {
        char path[4600], msg[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *text = names[i] ? textfile_read(path, 64L << 20, msg, sizeof msg) : NULL;
        const char *svg = text ? strstr(text, "<svg") : NULL;
        if (svg) {
            fputs("<figure>", f);
            fputs(svg, f);          /* the XML prolog and DOCTYPE are dropped: HTML5 takes <svg> inline */
            fputs("<figcaption>", f);
            esc(f, names[i]);
            fputs("</figcaption></figure>\n", f);
            drawn++;
        }
        free(text);
        free(names[i]);
    }
    if (drawn == 0)
        fputs("<p>No charts in this folder: run the command with <code>--plot</code>, or "
              "<code>slicesim plot DIR</code> (needs gnuplot), then the report again.</p>\n", f);
    return drawn;
}

/* ---- warnings and verdicts ---- */

static void warning_item(FILE *f, const char *w, int point)
{
    fputs("<li>", f);
    if (point >= 0)
        fprintf(f, "point %d: ", point);
    esc(f, w);
    fputs("</li>\n", f);
}

static int warnings(FILE *f, const fig_row *sum, const fig_row *sweep)
{
    int n = 0;
    size_t np;
    const fig_val *w = sum ? fig_row_val(sum, FIG_S_WARNINGS) : NULL;
    const fig_row *p = rows_of(sweep, FIG_W_POINTS, &np);
    fputs("<ul class=\"warn\" id=\"warnings\">\n", f);
    for (size_t k = 0; w && w->state == FV_SET && k < w->n; k++, n++)
        warning_item(f, w->strs[k], -1);
    for (size_t i = 0; i < np; i++) {
        const fig_val *pw = fig_row_val(&p[i], FIG_P_WARNINGS);
        for (size_t k = 0; pw->state == FV_SET && k < pw->n; k++, n++)
            warning_item(f, pw->strs[k], (int)fig_row_num(&p[i], FIG_P_INDEX));
    }
    fputs("</ul>\n", f);
    if (n == 0)
        fputs("<p>No warnings.</p>\n", f);
    return n;
}

static void verdicts(FILE *f, const fig_row *sum, const fig_row *cmp)
{
    int any = 0;
    size_t n;
    const fig_row *t = rows_of(sum, FIG_S_TENANTS, &n);
    fputs("<ul id=\"verdicts\">\n", f);
    for (size_t i = 0; i < n; i++) {
        if (!fig_row_has(&t[i], FIG_T_SLO))
            continue;
        fputs("<li>", f);
        esc(f, fig_row_str(&t[i], FIG_T_NAME));
        fputs(": ", f);
        esc(f, fig_row_str(&t[i], FIG_T_SLO_METRIC));
        fprintf(f, " &le; %.4g ms: ", fig_row_num(&t[i], FIG_T_SLO_BOUND));
        verdict_span(f, fig_row_str(&t[i], FIG_T_SLO_VERDICT));
        fputs("</li>\n", f);
        any = 1;
    }
    size_t ns;
    const fig_row *su = rows_of(cmp, FIG_K_SETUPS, &ns);
    for (size_t k = 0; k < ns; k++) {
        double m = fig_row_num(&su[k], FIG_U_MEETS);
        fputs("<li>", f);
        esc(f, fig_row_str(&su[k], FIG_U_MODE));
        fputs(": ", f);
        verdict_span(f, m == 1 ? "met" : m == 0 ? "missed" : "uncertain");
        fputs(" every SLO</li>\n", f);
        any = 1;
    }
    fputs("</ul>\n", f);
    if (!any)
        fputs("<p>No tenant has an SLO.</p>\n", f);
}

static void write_page(FILE *f, const char *dir, const cJSON *man, const fig_row *sum, const fig_row *sweep,
                       const fig_row *cmp)
{
    const char *name = cJSON_GetStringValue(outfile_manifest_member(man, OUTFILE_M_SCENARIO));
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>slicesim report: ", f);
    esc(f, name);
    fprintf(f, "</title><style>%s</style></head><body>\n<h1>slicesim report: ", STYLE);
    esc(f, name);
    fputs("</h1>\n<table id=\"identity\">", f);
    static const outfile_member ID[] = { OUTFILE_M_COMMAND, OUTFILE_M_VERSION, OUTFILE_M_SCENARIO, OUTFILE_M_HASH,
                                         OUTFILE_M_SEED, OUTFILE_M_REPLICATIONS };
    for (size_t k = 0; k < sizeof ID / sizeof ID[0]; k++) {
        const cJSON *x = outfile_manifest_member(man, ID[k]);
        fprintf(f, "<tr><th class=\"t\">%s</th><td class=\"t\">", outfile_member_key(ID[k]));
        if (k < 4)
            esc(f, cJSON_GetStringValue(x));
        else
            fprintf(f, "%.0f", cJSON_IsNumber(x) ? x->valuedouble : NAN);
        fputs("</td></tr>", f);
    }
    fputs("</table>\n", f);

    fputs("<h2>Scenario</h2>\n", f);
    static const fig_id run_parts[] = { FIG_S_SCENARIO, FIG_S_DURATION, FIG_S_WARMUP, FIG_S_HARDWARE,
                                        FIG_S_VIRTUALIZATION, FIG_S_SHARING, FIG_S_PERCENTILES };
    static const fig_id sweep_parts[] = { FIG_W_SCENARIO, FIG_W_SETS, FIG_W_VARY, FIG_W_POINTS_TOTAL };
    static const fig_id compare_parts[] = { FIG_K_SCENARIO };
    cJSON *sc = sum ? fig_row_json_part(sum, run_parts, sizeof run_parts / sizeof *run_parts)
              : sweep ? fig_row_json_part(sweep, sweep_parts, sizeof sweep_parts / sizeof *sweep_parts)
              : cmp ? fig_row_json_part(cmp, compare_parts, 1) : cJSON_CreateObject();
    char *text = cJSON_Print(sc);
    fputs("<pre id=\"scenario\">", f);
    esc(f, text);
    fputs("</pre>\n", f);
    free(text);
    cJSON_Delete(sc);

    fputs("<h2>Tables</h2>\n", f);
    if (sum) {
        fputs("<h3>Tenants</h3>\n", f);
        tenant_table(f, sum);
        fputs("<h3>GPUs</h3>\n", f);
        gpu_table(f, sum);
        fputs("<h3>Validated error of the model</h3>\n", f);
        validation_table(f, sum);
    }
    for (size_t k = 0; k < manifest_files(man); k++) {
        const char *n = outfile_manifest_file(man, k);
        size_t len = n ? strlen(n) : 0;
        /* per-request and per-segment files are data, not tables to read */
        if (len > 4 && strcmp(n + len - 4, ".csv") == 0 && strcmp(n, "requests.csv") != 0 &&
            strcmp(n, "timeline.csv") != 0)
            csv_table(f, dir, n);
    }
    fputs("<h2>Charts</h2>\n", f);
    charts(f, dir);
    fputs("<h2>Verdicts</h2>\n", f);
    verdicts(f, sum, cmp);
    fputs("<h2>Warnings</h2>\n", f);
    warnings(f, sum, sweep);
    fputs("</body></html>\n", f);
}

/* A file the page is drawn from and so not kept when it is written again
 * into its own set: only the page itself. */
static int the_page(const char *name)
{
    return strcmp(name, CLI_REPORT_HTML) == 0;
}

/* The page as DIR/report.html, a member of DIR's set: the set is committed
 * again with the files it had (cli/outfile.h), its command and identity,
 * and the page; a later set written into DIR removes it with the rest. */
static int write_in_set(const char *dir, const cJSON *man, const fig_row *sum, const fig_row *sweep,
                        const fig_row *cmp, FILE *out, FILE *err)
{
    char msg[1024];
    outfile_set set;
    outfile o;
    if (outfile_set_begin(&set, dir, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim report: %s\n", msg);
        return CLI_BAD_INPUT;
    }
    int rc = CLI_INTERNAL;
    if (outfile_set_keep(&set, man, the_page, msg, sizeof msg) == 0 &&
        outfile_open(&o, outfile_set_dir(&set), CLI_REPORT_HTML, msg, sizeof msg) == 0) {
        write_page(o.f, dir, man, sum, sweep, cmp);
        if (outfile_commit(&o, msg, sizeof msg) == 0) {
            cJSON *id = outfile_manifest_identity(man);
            const char *cmd = cJSON_GetStringValue(outfile_manifest_member(man, OUTFILE_M_COMMAND));
            if (id && outfile_set_commit(&set, cmd ? cmd : "report", id, msg, sizeof msg) == 0)
                rc = CLI_OK;
            else if (!id)
                snprintf(msg, sizeof msg, "out of memory");
            cJSON_Delete(id);
        }
    }
    outfile_set_abort(&set);
    if (rc == CLI_OK)
        fprintf(out, "report: %s/%s\n", dir, CLI_REPORT_HTML);
    else
        fprintf(err, "slicesim report: %s\n", msg);
    return rc;
}

/* The page as FILE, a single file outside any set. */
static int write_file(const char *dst, const char *dir, const cJSON *man, const fig_row *sum, const fig_row *sweep,
                      const fig_row *cmp, FILE *out, FILE *err)
{
    char msg[512], odir[4600];
    const char *slash = strrchr(dst, '/');
    snprintf(odir, sizeof odir, "%.*s", slash ? (int)(slash - dst) : 1, slash ? dst : ".");
    outfile o;
    if (outfile_open(&o, odir[0] ? odir : "/", slash ? slash + 1 : dst, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim report: %s\n", msg);
        return CLI_BAD_INPUT;
    }
    write_page(o.f, dir, man, sum, sweep, cmp);
    if (outfile_commit(&o, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim report: %s\n", msg);
        return CLI_INTERNAL;
    }
    fprintf(out, "report: %s\n", dst);
    return CLI_OK;
}

int cli_cmd_report(int argc, char **argv, FILE *out, FILE *err)
{
    report_args a = { NULL, NULL };
    int pr = cli_parse(&REPORT_SPEC, argc, argv, rep_opt, rep_arg, &a, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    if (!a.dir) {
        fprintf(err, "slicesim report: needs an output folder\n");
        cli_usage_hint(&REPORT_SPEC, err);
        return CLI_BAD_INPUT;
    }
    cJSON *man = read_json(a.dir, OUTFILE_MANIFEST);
    if (!cJSON_IsObject(man)) {
        fprintf(err, "slicesim report: %s: no readable %s; allowed: a folder a command wrote with -o DIR\n", a.dir,
                OUTFILE_MANIFEST);
        cJSON_Delete(man);
        return CLI_BAD_INPUT;
    }
    cJSON *sdoc = NULL, *wdoc = NULL, *cdoc = NULL;
    fig_row sum, sweep, cmp;
    int hs = read_rows(a.dir, man, "summary.json", FIG_SUMMARY, &sum, &sdoc, err);
    int hw = hs < 0 ? 0 : read_rows(a.dir, man, "sweep.json", FIG_SWEEP, &sweep, &wdoc, err);
    int hc = hs < 0 || hw < 0 ? 0 : read_rows(a.dir, man, "compare.json", FIG_COMPARE, &cmp, &cdoc, err);
    int rc = CLI_BAD_INPUT;
    const fig_row *ps = hs > 0 ? &sum : NULL, *pw = hw > 0 ? &sweep : NULL, *pc = hc > 0 ? &cmp : NULL;
    if (hs >= 0 && hw >= 0 && hc >= 0)
        rc = a.out ? write_file(a.out, a.dir, man, ps, pw, pc, out, err)
                   : write_in_set(a.dir, man, ps, pw, pc, out, err);
    if (hs > 0)
        fig_row_free(&sum);
    if (hw > 0)
        fig_row_free(&sweep);
    if (hc > 0)
        fig_row_free(&cmp);
    cJSON_Delete(man);
    cJSON_Delete(sdoc);
    cJSON_Delete(wdoc);
    cJSON_Delete(cdoc);
    return rc;
}
