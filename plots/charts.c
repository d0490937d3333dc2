/* charts.c -- data files and gnuplot scripts for slicesim's pictures.
 * Invariants: every chart reads only files in DIR and writes NAME.dat and
 * NAME.{png,svg}.gp there; titles are sanitised (no quotes) before they
 * enter a gnuplot script; nothing here runs a model. */
#include "plots/charts.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cJSON.h>
#include "plots/figures.h"
#include "plots/plot.h"

#define MAX_SERIES  64
#define CDF_POINTS  2000
#define BODY_BYTES  65536
#define LINE_BYTES  8192

typedef struct { char *buf; size_t len, cap; int oom; } sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    if (b->oom)
        return;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : BODY_BYTES) + (size_t)n;
        char *nb = realloc(b->buf, cap);
        if (!nb) {
            b->oom = 1;
            return;
        }
        b->buf = nb;
        b->cap = cap;
    }
}

/* A title safe inside gnuplot single quotes. */
static const char *safe(const char *s, char *buf, size_t len)
{
    size_t k = 0;
    for (; s && *s && k + 1 < len; s++)
        if (*s != '\'' && *s != '"' && *s != '\\' && (unsigned char)*s >= 32)
            buf[k++] = *s;
    buf[k] = '\0';
    return buf;
}

/* fclose that also reports an earlier write error, with errno kept. */
static int close_checked(FILE *f)
{
    int bad = fflush(f) != 0 || ferror(f);
    int e = errno;
    if (fclose(f) != 0 && !bad)
        return -1;
    errno = e ? e : EIO;
    return bad ? -1 : 0;
}

static FILE *open_in(const char *dir, const char *name, const char *mode, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", dir, name);
    return fopen(path, mode);
}

static int render(const char *dir, const char *name, sbuf *body, FILE *err)
{
    if (body->oom) {
        fprintf(err, "slicesim: plot %s: out of memory\n", name);
        free(body->buf);
        return -1;
    }
    int rc = plot_render(dir, name, body->buf, err);
    free(body->buf);
    return rc;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    long len;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)len + 1)) && fread(text, 1, (size_t)len, f) == (size_t)len)
        text[len] = '\0';
    else {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

/* The unit a scenario path's name implies, for axis labels. */
static const char *unit_of(const char *path)
{
    static const struct { const char *suffix, *unit; } units[] = {
        { "_per_s", "1/s" }, { "_ms", "ms" }, { "_us", "us" }, { "_s", "s" },
        { "gpus", "GPUs" }, { "users", "users" }, { "_gb", "GB" },
    };
    size_t n = strlen(path);
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        size_t m = strlen(units[k].suffix);
        if (n >= m && strcmp(path + n - m, units[k].suffix) == 0)
            return units[k].unit;
    }
    return "value";
}

/* ---- latency CDF from requests.csv ---- */

typedef struct { char name[128]; double *x; size_t n, cap; } series;

static int series_add(series *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        double *v = realloc(s->x, cap * sizeof *v);
        if (!v)
            return -1;
        s->x = v;
        s->cap = cap;
    }
    s->x[s->n++] = x;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Field k (0-based) of a CSV line without quoting, into buf. */
/* Field k (from 0) of a CSV line as RFC 4180 writes it: plain, or in double
 * quotes with quotes doubled (the writers quote tenant names that need it).
 * 0, or -1 when the line has fewer fields or the field does not fit. */
static int csv_field(const char *line, int k, char *buf, size_t len)
{
    for (int i = 0;; i++) {
        size_t n = 0;
        int quoted = *line == '"';
        if (quoted) {
            for (line++; *line && !(*line == '"' && line[1] != '"'); line++) {
                if (*line == '"')
                    line++;                     /* a doubled quote */
                if (i == k && n + 1 < len)
                    buf[n] = *line;
                n++;
            }
            if (*line != '"')
                return -1;
            line++;
        } else {
            for (; *line && *line != ',' && *line != '\r' && *line != '\n'; line++) {
                if (i == k && n + 1 < len)
                    buf[n] = *line;
                n++;
            }
        }
        if (i == k) {
            if (n >= len)
                return -1;
            buf[n] = '\0';
            return 0;
        }
        if (*line != ',')
            return -1;
        line++;
    }
}

static series *tenant_series(series *ss, int *ns, const char *name)
{
    for (int k = 0; k < *ns; k++)
        if (strcmp(ss[k].name, name) == 0)
            return &ss[k];
    if (*ns == MAX_SERIES)
        return NULL;
    series *s = &ss[(*ns)++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

static int read_latencies(const char *dir, series *ss, int *ns, FILE *err)
{
    char path[4096], line[LINE_BYTES], name[128], lat[64];
    FILE *f = open_in(dir, "requests.csv", "r", path, sizeof path);
    if (!f) {
        fprintf(err, "slicesim: plot latency_cdf: %s: cannot open (run with -o DIR first)\n", path);
        return -1;
    }
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        if (lineno == 1) {
            if (strncmp(line, "rep,tenant,id,arrival_ms,start_ms,end_ms,latency_ms", 51) != 0) {
                fprintf(err, "slicesim: plot latency_cdf: %s: line 1: not a requests.csv header\n", path);
                rc = -1;
            }
            continue;
        }
        char *end;
        series *s;
        if (csv_field(line, 1, name, sizeof name) < 0 || csv_field(line, 6, lat, sizeof lat) < 0 ||
            (strtod(lat, &end), *end != '\0') || lat[0] == '\0') {
            fprintf(err, "slicesim: plot latency_cdf: %s: line %d: expected tenant and latency_ms columns\n",
                    path, lineno);
            rc = -1;
        } else if (!(s = tenant_series(ss, ns, name)) || series_add(s, strtod(lat, NULL)) < 0) {
            fprintf(err, "slicesim: plot latency_cdf: %s: more than %d tenants or out of memory\n",
                    path, MAX_SERIES);
            rc = -1;
        }
    }
    fclose(f);
    return rc;
}

int charts_latency_cdf(const char *dir, FILE *err)
{
    series ss[MAX_SERIES];
    int ns = 0, rc = read_latencies(dir, ss, &ns, err);
    char path[4096], t[160];
    FILE *f = NULL;
    if (rc == 0 && ns == 0) {
        fprintf(err, "slicesim: plot latency_cdf: %s/requests.csv has no requests\n", dir);
        rc = -1;
    }
    if (rc == 0 && !(f = open_in(dir, "latency_cdf.dat", "w", path, sizeof path))) {
        fprintf(err, "slicesim: plot latency_cdf: %s: cannot write: %s\n", path, strerror(errno ? errno : EIO));
        rc = -1;
    }
    sbuf b = { 0 };
    if (rc == 0) {
        /* latencies span decades (a queue's tail): a log axis; the
         * percentiles people quote are marked on each curve */
        fprintf(f, "# latency CDF per tenant (from requests.csv, all replications); one block per tenant,\n"
                   "# then one block per tenant of its p50, p95, p99 (latency_ms fraction label)\n");
        sb_printf(&b, "set title 'Latency CDF per tenant (p50, p95, p99 marked)'\nset xlabel 'latency (ms, log scale)'\n"
                  "set logscale x\nset ylabel 'fraction of requests'\nset yrange [0:1.02]\nset grid xtics mxtics ytics\n"
                  "set key bottom right\nplot ");
        for (int k = 0; k < ns; k++) {
            series *s = &ss[k];
            qsort(s->x, s->n, sizeof *s->x, cmp_double);
            fprintf(f, "%s# %s\n", k ? "\n\n" : "", s->name);
            size_t m = s->n < CDF_POINTS ? s->n : CDF_POINTS;
            for (size_t j = 0; j < m; j++) {
                size_t i = m == s->n ? j : (size_t)llround((double)j * (double)(s->n - 1) / (double)(m - 1));
                fprintf(f, "%.6f %.6f\n", s->x[i] > 1e-6 ? s->x[i] : 1e-6, (double)(i + 1) / (double)s->n);
            }
            sb_printf(&b, "%s'latency_cdf.dat' index %d using 1:2 with steps lw 2 lc %d title '%s'",
                      k ? ", " : "", k, k + 1, safe(s->name, t, sizeof t));
        }
        for (int k = 0; k < ns; k++) {
            static const double qs[3] = { 0.50, 0.95, 0.99 };
            static const char *const qn[3] = { "p50", "p95", "p99" };
            series *s = &ss[k];
            fprintf(f, "\n\n# %s percentiles\n", s->name);
            for (int q = 0; q < 3; q++) {
                /* the order statistic ceil(q n): the fraction plotted above it */
                size_t i = (size_t)ceil(qs[q] * (double)s->n);
                i = i < 1 ? 0 : i > s->n ? s->n - 1 : i - 1;
                fprintf(f, "%.6f %.6f %s=%.3g\n", s->x[i] > 1e-6 ? s->x[i] : 1e-6, (double)(i + 1) / (double)s->n,
                        qn[q], s->x[i]);
            }
            sb_printf(&b, ", 'latency_cdf.dat' index %d using 1:2 with points pt 7 ps 1.2 lc %d notitle, "
                      "'' index %d using 1:2:3 with labels left offset 0.8,-0.6 font ',9' tc lt %d notitle",
                      ns + k, k + 1, ns + k, k + 1);
        }
        sb_printf(&b, "\n");
        if (close_checked(f) != 0) {
            fprintf(err, "slicesim: plot latency_cdf: %s: cannot write: %s\n", path, strerror(errno ? errno : EIO));
            rc = -1;
        }
    }
    for (int k = 0; k < ns; k++)
        free(ss[k].x);
    if (rc < 0) {
        free(b.buf);
        return rc;
    }
    return render(dir, "latency_cdf", &b, err);
}

/* ---- timeline (Gantt) from timeline.csv ---- */

int charts_timeline(const char *dir, FILE *err)
{
    char path[4096], line[LINE_BYTES], opath[4096], t[160];
    char names[MAX_SERIES][160];
    int nrows = 0, lineno = 0, rc = 0;
    FILE *f = open_in(dir, "timeline.csv", "r", path, sizeof path), *o = NULL;
    if (!f) {
        fprintf(err, "slicesim: plot timeline: %s: cannot open (run with --plot or --trace first)\n", path);
        return -1;
    }
    if (!(o = open_in(dir, "timeline.dat", "w", opath, sizeof opath))) {
        fclose(f);
        fprintf(err, "slicesim: plot timeline: %s: cannot write: %s\n", opath, strerror(errno ? errno : EIO));
        return -1;
    }
    fprintf(o, "# x_center_ms row half_width_ms half_height colour(RGB: one per tenant, switches red)\n");
    /* one colour per tenant (the Tableau 10 palette less its red, which marks switches) */
    static const unsigned palette[] = { 0x1f77b4, 0xff7f0e, 0x2ca02c, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f,
                                        0xbcbd22, 0x17becf };
    char tenants[MAX_SERIES][128];
    int ntenants = 0;
    double lo = INFINITY, hi = -INFINITY;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        char gpu[32], tenant[128], kind[16], s0[64], s1[64];
        if (++lineno == 1)
            continue;                       /* header */
        if (csv_field(line, 0, gpu, sizeof gpu) < 0 || csv_field(line, 1, tenant, sizeof tenant) < 0 ||
            csv_field(line, 2, kind, sizeof kind) < 0 || csv_field(line, 3, s0, sizeof s0) < 0 ||
            csv_field(line, 4, s1, sizeof s1) < 0) {
            fprintf(err, "slicesim: plot timeline: %s: line %d: expected gpu,tenant,kind,start_ms,end_ms\n",
                    path, lineno);
            rc = -1;
            break;
        }
        char row[160];
        int sw = strcmp(kind, "switch") == 0, r;
        snprintf(row, sizeof row, sw ? "switch (gpu %s)" : "%s (gpu %s)", sw ? gpu : tenant, gpu);
        for (r = 0; r < nrows && strcmp(names[r], row) != 0; r++)
            ;
        if (r == nrows) {
            if (nrows == MAX_SERIES) {
                fprintf(err, "slicesim: plot timeline: %s: more than %d rows\n", path, MAX_SERIES);
                rc = -1;
                break;
            }
            snprintf(names[nrows++], sizeof names[0], "%s", row);
        }
        double a = strtod(s0, NULL), e = strtod(s1, NULL);
        int ti = 0;
        for (; ti < ntenants && strcmp(tenants[ti], tenant) != 0; ti++)
            ;
        if (ti == ntenants && ntenants < MAX_SERIES)
            snprintf(tenants[ntenants++], sizeof tenants[0], "%s", tenant);
        lo = a < lo ? a : lo;
        hi = e > hi ? e : hi;
        fprintf(o, "%.6f %d %.6f 0.35 %u\n", (a + e) / 2, r, (e - a) / 2,
                sw ? 0xd62728u : palette[ti % (int)(sizeof palette / sizeof palette[0])]);
    }
    fclose(f);
    if (close_checked(o) != 0 && rc == 0) {
        fprintf(err, "slicesim: plot timeline: %s: cannot write: %s\n", opath, strerror(errno ? errno : EIO));
        rc = -1;
    }
    if (rc == 0 && nrows == 0) {
        fprintf(err, "slicesim: plot timeline: %s holds no segment\n", path);
        rc = -1;
    }
    if (rc < 0)
        return rc;
    sbuf b = { 0 };
    /* a switch lasts microseconds: drawn at least 1/600 of the window wide so that it shows */
    double minw = hi > lo ? (hi - lo) / 1200 : 0;
    sb_printf(&b, "set title 'Who holds the GPU: one colour per tenant, context switches in red'\n"
              "set xlabel 'time (ms)'\nset ylabel ''\nset yrange [-0.6:%d.6]\nset ytics (", nrows - 1);
    for (int r = 0; r < nrows; r++)
        sb_printf(&b, "%s'%s' %d", r ? ", " : "", safe(names[r], t, sizeof t), r);
    sb_printf(&b, ")\nset grid xtics\nset style fill solid 0.85 noborder\nunset key\n"
              "plot 'timeline.dat' using 1:2:($3 < %.9g ? %.9g : $3):4:5 with boxxyerror lc rgb variable\n",
              minw, minw);
    return render(dir, "timeline", &b, err);
}

/* ---- sweep.json: p95 and throughput against the first varied value ---- */

static void dat_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, " %.9g", x);
    else
        fputs(" NaN", f);
}

/* The label of the other dimensions' values of point p ("" with one). */
static void others_label(const cJSON *p, const cJSON *vary, char *buf, size_t len)
{
    const cJSON *d;
    int k = 0;
    buf[0] = '\0';
    cJSON_ArrayForEach(d, vary) {
        if (k++ == 0)
            continue;
        const char *path = fig_str(d, FIG_V_PATH);
        char *v = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(fig_item(p, FIG_P_VALUES), path));
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, "%s%s=%s", n ? ", " : "", path, v ? v : "?");
        free(v);
    }
}

typedef struct { char title[256]; int block, tenant; } sweep_series;

/* A point and its series: the values of the other dimensions, which for a
 * full sweep (first dimension slowest) is its index mod the product of the
 * other dimensions' sizes. */
typedef struct { const cJSON *p; long series, index; } pt_ref;

static int by_series(const void *a, const void *b)
{
    const pt_ref *x = a, *y = b;
    if (x->series != y->series)
        return (x->series > y->series) - (x->series < y->series);
    return (x->index > y->index) - (x->index < y->index);
}

/* The position of v among the first dimension's values (for non-numbers). */
static double x_position(const cJSON *values0, const cJSON *v)
{
    int k = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, values0) {
        if (cJSON_Compare(x, v, 1))
            return k;
        k++;
    }
    return NAN;
}

static pt_ref *sorted_points(const cJSON *doc, size_t *n)
{
    const cJSON *points = fig_item(doc, FIG_W_POINTS), *p;
    const cJSON *values0 = fig_item(cJSON_GetArrayItem(fig_item(doc, FIG_W_VARY), 0), FIG_V_VALUES);
    double total = fig_num(doc, FIG_W_POINTS_TOTAL);
    long n0 = cJSON_GetArraySize(values0);
    long stride = n0 > 0 && total >= n0 ? (long)total / n0 : 1;
    *n = (size_t)cJSON_GetArraySize(points);
    pt_ref *v = calloc(*n ? *n : 1, sizeof *v);
    size_t k = 0;
    if (!v)
        return NULL;
    cJSON_ArrayForEach(p, points) {
        long ix = (long)fig_num(p, FIG_P_INDEX);
        v[k++] = (pt_ref){ p, stride > 1 ? ix % stride : 0, ix };
    }
    qsort(v, *n, sizeof *v, by_series);
    return v;
}

/* Write one block per (tenant, series); x is the first dimension's value,
 * or its position among the values when they are not all numbers. Returns
 * the tenants written, or -1 (too many series, or out of memory). */
static int sweep_blocks(FILE *f, const cJSON *doc, sweep_series *ser, int *nser, double *slo, int *numeric)
{
    const cJSON *vary = fig_item(doc, FIG_W_VARY);
    const cJSON *d0 = cJSON_GetArrayItem(vary, 0);
    const char *x0 = fig_str(d0, FIG_V_PATH);
    const cJSON *values0 = fig_item(d0, FIG_V_VALUES), *t0, *x;
    const cJSON *p0 = cJSON_GetArrayItem(fig_item(doc, FIG_W_POINTS), 0);
    size_t n;
    pt_ref *pts = sorted_points(doc, &n);
    if (!pts)
        return -1;
    *numeric = 1;
    cJSON_ArrayForEach(x, values0)
        *numeric &= cJSON_IsNumber(x);
    int ti = 0;
    cJSON_ArrayForEach(t0, fig_item(p0, FIG_P_TENANTS)) {
        const char *tn = fig_str(t0, FIG_T_NAME);
        char lab[256];
        slo[ti] = fig_num(t0, FIG_T_SLO_BOUND);
        for (size_t k = 0; k < n; k++) {
            if (k == 0 || pts[k].series != pts[k - 1].series) {
                if (*nser == MAX_SERIES) {
                    free(pts);
                    return -1;
                }
                others_label(pts[k].p, vary, lab, sizeof lab);
                sweep_series *s = &ser[(*nser)++];
                snprintf(s->title, sizeof s->title, lab[0] ? "%s (%s)" : "%s%s", tn, lab);
                s->block = *nser - 1;
                s->tenant = ti;
                fprintf(f, "%s# %s\n", *nser > 1 ? "\n\n" : "", s->title);
            }
            const cJSON *p = pts[k].p;
            const cJSON *t = cJSON_GetArrayItem(fig_item(p, FIG_P_TENANTS), ti);
            const cJSON *xv = cJSON_GetObjectItemCaseSensitive(fig_item(p, FIG_P_VALUES), x0);
            dat_num(f, *numeric && cJSON_IsNumber(xv) ? xv->valuedouble : x_position(values0, xv));
            static const fig_id cols[] = { FIG_T_LAT_P95, FIG_T_LAT_P95_LO, FIG_T_LAT_P95_HI,
                                           FIG_T_THROUGHPUT, FIG_T_THROUGHPUT_LO, FIG_T_THROUGHPUT_HI,
                                           FIG_T_SLO_VALUE, FIG_T_SLO_LO, FIG_T_SLO_HI };
            for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
                dat_num(f, fig_num(t, cols[c]));
            fputc('\n', f);
        }
        if (++ti == MAX_SERIES)
            break;
    }
    free(pts);
    return ti;
}

/* Category labels on x when the first dimension's values are not numbers. */
static void category_tics(sbuf *b, const cJSON *values0)
{
    const cJSON *x;
    char t[160];
    int k = 0;
    sb_printf(b, "set xtics (");
    cJSON_ArrayForEach(x, values0) {
        char *s = cJSON_IsString(x) ? NULL : cJSON_PrintUnformatted(x);
        sb_printf(b, "%s'%s' %d", k ? ", " : "", safe(s ? s : x->valuestring, t, sizeof t), k);
        free(s);
        k++;
    }
    sb_printf(b, ")\nset offsets 0.5, 0.5, 0, 0\n");
}

/* A 2-D sweep as one heatmap of p95 latency per tenant over the first two
 * varied parameters (cells at their values' positions, each labelled with
 * its p95), at the first value of any further parameter. 0 or 1 as render,
 * -1 on error; 0 without writing anything for a 1-D sweep. */
static int sweep_heatmap(const char *dir, const cJSON *doc, FILE *err)
{
    const cJSON *vary = fig_item(doc, FIG_W_VARY), *d, *p, *tn;
    if (cJSON_GetArraySize(vary) < 2)
        return 0;
    const cJSON *d0 = cJSON_GetArrayItem(vary, 0), *d1 = cJSON_GetArrayItem(vary, 1);
    const cJSON *v0 = fig_item(d0, FIG_V_VALUES), *v1 = fig_item(d1, FIG_V_VALUES);
    const char *x0 = fig_str(d0, FIG_V_PATH);
    const char *x1 = fig_str(d1, FIG_V_PATH);
    const cJSON *tl = fig_item(cJSON_GetArrayItem(fig_item(doc, FIG_W_POINTS), 0), FIG_P_TENANTS);
    char opath[4096], t[300];
    FILE *f = open_in(dir, "sweep_heatmap.dat", "w", opath, sizeof opath);
    if (!f) {
        fprintf(err, "slicesim: plot sweep: %s: cannot write: %s\n", opath, strerror(errno ? errno : EIO));
        return -1;
    }
    fprintf(f, "# per tenant one block: position of %s, position of %s, p95 latency (ms)\n", x0, x1);
    int nt = 0;
    cJSON_ArrayForEach(tn, tl) {
        fprintf(f, "%s# %s\n", nt ? "\n\n" : "", fig_str(tn, FIG_T_NAME));
        cJSON_ArrayForEach(p, fig_item(doc, FIG_W_POINTS)) {
            const cJSON *vals = fig_item(p, FIG_P_VALUES);
            int k = 0, other = 0;
            cJSON_ArrayForEach(d, vary) {
                if (k++ < 2)
                    continue;
                other |= !cJSON_Compare(cJSON_GetObjectItemCaseSensitive(vals,
                                            fig_str(d, FIG_V_PATH)),
                                        cJSON_GetArrayItem(fig_item(d, FIG_V_VALUES), 0), 1);
            }
            if (other)
                continue;
            double i = x_position(v0, cJSON_GetObjectItemCaseSensitive(vals, x0));
            double j = x_position(v1, cJSON_GetObjectItemCaseSensitive(vals, x1));
            const cJSON *tp = cJSON_GetArrayItem(fig_item(p, FIG_P_TENANTS), nt);
            if (isfinite(i) && isfinite(j)) {
                dat_num(f, i);
                dat_num(f, j);
                dat_num(f, fig_num(tp, FIG_T_LAT_P95));
                fputc('\n', f);
            }
        }
        if (++nt == MAX_SERIES)
            break;
    }
    if (close_checked(f) != 0) {
        fprintf(err, "slicesim: plot sweep: %s: cannot write: %s\n", opath, strerror(errno ? errno : EIO));
        return -1;
    }
    sbuf b = { 0 };
    sb_printf(&b, "set multiplot layout %d,1 title 'p95 latency (ms) over %s and %s%s'\n", nt,
              safe(x0, t, sizeof t), x1, cJSON_GetArraySize(vary) > 2 ? " (further parameters at their first value)" : "");
    sb_printf(&b, "set xlabel '%s'\n", safe(x0, t, sizeof t));
    sb_printf(&b, "set ylabel '%s'\nset palette rgbformulae 22,13,-31\nset cblabel 'p95 ms'\n", safe(x1, t, sizeof t));
    for (int a = 0; a < 2; a++) {
        const cJSON *vv = a ? v1 : v0, *x;
        int k = 0;
        sb_printf(&b, "set %s (", a ? "ytics" : "xtics");
        cJSON_ArrayForEach(x, vv) {
            char *s = cJSON_IsString(x) ? NULL : cJSON_PrintUnformatted(x);
            sb_printf(&b, "%s'%s' %d", k ? ", " : "", safe(s ? s : x->valuestring, t, sizeof t), k);
            free(s);
            k++;
        }
        sb_printf(&b, ")\n");
    }
    sb_printf(&b, "set xrange [-0.5:%d.5]\nset yrange [-0.5:%d.5]\n", cJSON_GetArraySize(v0) - 1,
              cJSON_GetArraySize(v1) - 1);
    for (int k = 0; k < nt; k++)
        sb_printf(&b, "set title '%s'\nplot 'sweep_heatmap.dat' index %d using 1:2:3 with image notitle, "
                  "'' index %d using 1:2:(sprintf('%%.3g', $3)) with labels font ',8' notitle\n",
                  safe(fig_str(cJSON_GetArrayItem(tl, k), FIG_T_NAME), t,
                       sizeof t), k, k);
    sb_printf(&b, "unset multiplot\n");
    return render(dir, "sweep_heatmap", &b, err);
}

int charts_sweep(const char *dir, FILE *err)
{
    char path[4096], opath[4096], t[300];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    char *text = read_all(path);
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *vary = fig_item(doc, FIG_W_VARY);
    const cJSON *p0 = cJSON_GetArrayItem(fig_item(doc, FIG_W_POINTS), 0);
    if (!cJSON_GetArrayItem(vary, 0) || !p0 || !cJSON_IsArray(fig_item(p0, FIG_P_TENANTS))) {
        fprintf(err, "slicesim: plot sweep: %s: missing, or not a sweep with points\n", path);
        cJSON_Delete(doc);
        return -1;
    }
    FILE *f = open_in(dir, "sweep_plot.dat", "w", opath, sizeof opath);
    if (!f) {
        fprintf(err, "slicesim: plot sweep: %s: cannot write: %s\n", opath, strerror(errno ? errno : EIO));
        cJSON_Delete(doc);
        return -1;
    }
    sweep_series ser[MAX_SERIES];
    double slo[MAX_SERIES];
    int nser = 0, numeric, ntenants;
    fprintf(f, "# x p95_ms p95_lo p95_hi throughput throughput_lo throughput_hi; one block per series\n");
    ntenants = sweep_blocks(f, doc, ser, &nser, slo, &numeric);
    const char *x0 = fig_str(cJSON_GetArrayItem(vary, 0), FIG_V_PATH);
    if (close_checked(f) != 0 || ntenants < 0) {
        fprintf(err, "slicesim: plot sweep: cannot write %s (or more than %d series)\n", opath, MAX_SERIES);
        cJSON_Delete(doc);
        return -1;
    }
    /* one panel per unit: p95 latency (ms); throughput once per unit the
     * tenants report (tokens/s, images/min, ... never on one axis); the SLO
     * bounds on the axis of their own metric (a latency_ms.p95 bound on the
     * latency panel, any other metric on a panel of its own) */
    const cJSON *tl = fig_item(p0, FIG_P_TENANTS), *tt;
    const char *units[MAX_SERIES];
    int nunits = 0, other_slo = 0, tix = 0;
    const char *tunit[MAX_SERIES], *smetric[MAX_SERIES];
    char p95[64];
    fig_path(FIG_T_LAT_P95, p95, sizeof p95);
    cJSON_ArrayForEach(tt, tl) {
        if (tix == MAX_SERIES)
            break;
        const char *u = fig_str(tt, FIG_T_THROUGHPUT_UNIT);
        tunit[tix] = u ? u : "units/s";
        smetric[tix] = fig_str(tt, FIG_T_SLO_METRIC);
        other_slo |= smetric[tix] && isfinite(slo[tix]) && strcmp(smetric[tix], p95) != 0;
        int seen = 0;
        for (int k = 0; k < nunits; k++)
            seen |= strcmp(units[k], tunit[tix]) == 0;
        if (!seen)
            units[nunits++] = tunit[tix];
        tix++;
    }
    sbuf b = { 0 };
    safe(x0, t, sizeof t);
    char axis[128];
    sb_printf(&b, "set multiplot layout %d,1 title 'p95 latency and throughput against %s'\n"
              "set grid\nset key outside right\nset xlabel '%s (%s)'\nset ylabel '%s'\n",
              1 + nunits + other_slo, t, t, numeric ? unit_of(x0) : "value", fig_axis(FIG_T_LAT_P95, axis, sizeof axis));
    if (!numeric)
        category_tics(&b, fig_item(cJSON_GetArrayItem(vary, 0), FIG_V_VALUES));
    sb_printf(&b, "plot ");
    for (int k = 0; k < nser; k++)
        sb_printf(&b, "%s'sweep_plot.dat' index %d using 1:2:3:4 with yerrorlines title '%s'",
                  k ? ", " : "", ser[k].block, safe(ser[k].title, t, sizeof t));
    /* bounds as lines of the plot, so that the axis always reaches them */
    for (int k = 0; k < ntenants && k < tix; k++)
        if (isfinite(slo[k]) && (!smetric[k] || strcmp(smetric[k], p95) == 0)) {
            char nm[160];
            snprintf(nm, sizeof nm, "%s", safe(fig_str(cJSON_GetArrayItem(tl, k), FIG_T_NAME), t, sizeof t));
            sb_printf(&b, ", %.9g with lines dt 2 lw 2 lc rgb 'red' title '%s SLO p95 <= %.6g ms'", slo[k], nm,
                      slo[k]);
        }
    for (int u = 0; u < nunits; u++) {
        sb_printf(&b, "\nset ylabel 'throughput (%s)'\nplot ",
                  safe(units[u], t, sizeof t));
        int first = 1;
        for (int k = 0; k < nser; k++)
            if (ser[k].tenant < tix && strcmp(tunit[ser[k].tenant], units[u]) == 0) {
                sb_printf(&b, "%s'sweep_plot.dat' index %d using 1:5:6:7 with yerrorlines title '%s'",
                          first ? "" : ", ", ser[k].block, safe(ser[k].title, t, sizeof t));
                first = 0;
            }
    }
    if (other_slo) {
        sb_printf(&b, "\nset ylabel '%s'\nplot ", fig_axis(FIG_T_SLO_VALUE, axis, sizeof axis));
        int first = 1;
        for (int k = 0; k < nser; k++) {
            int ti2 = ser[k].tenant;
            if (ti2 >= tix || !smetric[ti2] || !isfinite(slo[ti2]) || strcmp(smetric[ti2], "latency_ms.p95") == 0)
                continue;
            char ttl[320];
            snprintf(ttl, sizeof ttl, "%.200s %.100s", ser[k].title, smetric[ti2]);
            sb_printf(&b, "%s'sweep_plot.dat' index %d using 1:8:9:10 with yerrorlines title '%s'",
                      first ? "" : ", ", ser[k].block, safe(ttl, t, sizeof t));
            first = 0;
        }
        for (int k = 0; k < tix; k++)
            if (smetric[k] && isfinite(slo[k]) && strcmp(smetric[k], "latency_ms.p95") != 0)
                sb_printf(&b, ", %.9g with lines dt 2 lw 2 lc rgb 'red' title '%s <= %.6g ms'", slo[k],
                          safe(smetric[k], t, sizeof t), slo[k]);
    }
    sb_printf(&b, "\nunset multiplot\n");
    int rc = render(dir, "sweep", &b, err);
    if (rc >= 0) {
        int h = sweep_heatmap(dir, doc, err);
        rc = h < 0 ? h : h > rc ? h : rc;
    }
    cJSON_Delete(doc);
    return rc;
}

/* ---- compare.json: p95 and throughput per setup ---- */

int charts_compare(const char *dir, FILE *err)
{
    char path[4096], opath[4096], t[160];
    snprintf(path, sizeof path, "%s/compare.json", dir);
    char *text = read_all(path);
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *setups = fig_item(doc, FIG_K_SETUPS);
    const cJSON *s0 = cJSON_GetArrayItem(setups, 0), *s, *tn;
    const cJSON *t0 = fig_item(s0, FIG_U_TENANTS);
    if (!s0 || !cJSON_GetArrayItem(t0, 0)) {
        fprintf(err, "slicesim: plot compare: %s: missing, or not written by slicesim compare\n", path);
        cJSON_Delete(doc);
        return -1;
    }
    FILE *f = open_in(dir, "compare.dat", "w", opath, sizeof opath);
    if (!f) {
        fprintf(err, "slicesim: plot compare: %s: cannot write: %s\n", opath, strerror(errno ? errno : EIO));
        cJSON_Delete(doc);
        return -1;
    }
    int nt = cJSON_GetArraySize(t0), nslo = 0;
    fprintf(f, "# setup, then per tenant 9 columns: p95_ms lo hi, throughput lo hi, slo_value_ms lo hi "
            "(95%% intervals)\n");
    cJSON_ArrayForEach(s, setups) {
        fprintf(f, "\"%s\"", safe(fig_str(s, FIG_U_MODE), t, sizeof t));
        cJSON_ArrayForEach(tn, fig_item(s, FIG_U_TENANTS)) {
            static const fig_id cols[] = { FIG_C_LAT_P95, FIG_C_LAT_P95_LO, FIG_C_LAT_P95_HI,
                                           FIG_C_THROUGHPUT, FIG_C_THROUGHPUT_LO, FIG_C_THROUGHPUT_HI,
                                           FIG_C_SLO_VALUE, FIG_C_SLO_LO, FIG_C_SLO_HI };
            for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
                dat_num(f, fig_num(tn, cols[c]));
        }
        fputc('\n', f);
    }
    cJSON_ArrayForEach(tn, t0)
        nslo += isfinite(fig_num(tn, FIG_C_SLO_BOUND));
    if (close_checked(f) != 0) {
        fprintf(err, "slicesim: plot compare: %s: cannot write: %s\n", opath, strerror(errno ? errno : EIO));
        cJSON_Delete(doc);
        return -1;
    }
    sbuf b = { 0 };
    char axis[128];
    /* bars with their 95% intervals; each tenant's SLO on its own metric's
     * panel, its bound a dashed line in the tenant's colour */
    sb_printf(&b, "set multiplot layout %d,1 title 'The same workload under each setup (bars: 95%% intervals)'\n"
              "set style data histograms\nset style histogram errorbars gap 1 lw 1\n"
              "set style fill solid 0.8 border -1\nset grid ytics\nset key outside right\nset yrange [0:*]\n"
              "set xlabel 'setup'\nset ylabel '%s'\nplot ", nslo ? 3 : 2, fig_axis(FIG_C_LAT_P95, axis, sizeof axis));
    for (int k = 0; k < nt; k++)
        sb_printf(&b, "%s'compare.dat' using %d:%d:%d%s lc %d title '%s'", k ? ", " : "", 2 + 9 * k, 3 + 9 * k,
                  4 + 9 * k, k ? "" : ":xtic(1)", k + 1, safe(fig_str(cJSON_GetArrayItem(t0, k), FIG_C_NAME), t, sizeof t));
    sb_printf(&b, "\nset ylabel 'throughput (unit in the key)'\nplot ");
    for (int k = 0; k < nt; k++) {
        const cJSON *tk = cJSON_GetArrayItem(t0, k);
        char unit[64];
        snprintf(unit, sizeof unit, "%s", safe(fig_str(tk, FIG_C_THROUGHPUT_UNIT), t, sizeof t));
        sb_printf(&b, "%s'compare.dat' using %d:%d:%d%s lc %d title '%s (%s)'", k ? ", " : "", 5 + 9 * k,
                  6 + 9 * k, 7 + 9 * k, k ? "" : ":xtic(1)", k + 1,
                  safe(fig_str(tk, FIG_C_NAME), t, sizeof t), unit);
    }
    if (nslo) {
        sb_printf(&b, "\nset ylabel '%s'\nplot ", fig_axis(FIG_C_SLO_VALUE, axis, sizeof axis));
        int first = 1;
        for (int k = 0; k < nt; k++) {
            const cJSON *tk = cJSON_GetArrayItem(t0, k);
            double bound = fig_num(tk, FIG_C_SLO_BOUND);
            if (isnan(bound))
                continue;
            char metric[96], name[96];
            snprintf(metric, sizeof metric, "%s", safe(fig_str(tk, FIG_C_SLO_METRIC), t, sizeof t));
            snprintf(name, sizeof name, "%s", safe(fig_str(tk, FIG_C_NAME), t, sizeof t));
            sb_printf(&b, "%s'compare.dat' using %d:%d:%d%s lc %d title '%s %s', "
                      "%.10g with lines dt 2 lw 2 lc %d title '%s bound %.4g ms'", first ? "" : ", ", 8 + 9 * k,
                      9 + 9 * k, 10 + 9 * k, first ? ":xtic(1)" : "", k + 1, name, metric, bound, k + 1, name, bound);
            first = 0;
        }
    }
    sb_printf(&b, "\nunset multiplot\n");
    cJSON_Delete(doc);
    return render(dir, "compare", &b, err);
}

/* ---- MIG layout ---- */

typedef struct { int gpu, start, size; char profile[32], tenant[64]; } mig_inst;

static int parse_mig_line(const char *line, mig_inst *m)
{
    m->tenant[0] = '\0';
    int n = sscanf(line, "%d %d %d %31s %63s", &m->gpu, &m->start, &m->size, m->profile, m->tenant);
    return n >= 4 ? 0 : -1;
}

static int read_mig(const char *path, mig_inst *v, int *n, int *slots, FILE *err)
{
    char line[512];
    int lineno = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(err, "slicesim: plot mig_layout: %s: cannot open\n", path);
        return -1;
    }
    *slots = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        const char *s = line + strspn(line, " \t");
        if (*s == '#' || *s == '\n' || *s == '\0')
            continue;
        const char *what = NULL;
        if (*slots == 0) {
            if (sscanf(s, "slots %d", slots) != 1 || *slots < 1 || *slots > 8)
                what = "expected \"slots N\" first, N in 1..8";
        } else if (*n == MAX_SERIES) {
            what = "too many instances (at most 64)";
        } else if (parse_mig_line(s, &v[*n]) < 0) {
            what = "expected GPU START SIZE PROFILE [TENANT]";
        } else if (v[*n].gpu < 0 || v[*n].gpu > 63 || v[*n].start < 0 || v[*n].size < 1 ||
                   v[*n].start + v[*n].size > *slots) {
            what = "instance outside the GPU's slots (0 <= START, 1 <= SIZE, START + SIZE <= slots, GPU 0..63)";
        } else {
            (*n)++;
        }
        if (what) {
            fprintf(err, "slicesim: plot mig_layout: %s: line %d: %s\n", path, lineno, what);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    if (*slots == 0 || *n == 0) {
        fprintf(err, "slicesim: plot mig_layout: %s: needs \"slots N\" and at least one instance\n", path);
        return -1;
    }
    return 0;
}

int charts_mig_layout(const char *dir, FILE *err)
{
    char path[4096], t[160], u[160];
    mig_inst v[MAX_SERIES];
    int n = 0, slots, ngpus = 0;
    snprintf(path, sizeof path, "%s/mig_layout.dat", dir);
    if (read_mig(path, v, &n, &slots, err) < 0)
        return -1;
    for (int k = 0; k < n; k++)
        ngpus = v[k].gpu + 1 > ngpus ? v[k].gpu + 1 : ngpus;
    sbuf b = { 0 };
    sb_printf(&b, "set title 'MIG layout: instances on their memory slots'\n"
              "set xlabel 'memory slot'\nset ylabel 'GPU'\nset xrange [0:%d]\nset yrange [-0.5:%d.5]\n"
              "set xtics 1\nset ytics 1\nset grid xtics\nunset key\nset style fill solid 0.5 border -1\n",
              slots, ngpus - 1);
    for (int k = 0; k < n; k++) {
        sb_printf(&b, "set object %d rect from %d,%g to %d,%g fc rgb '%s'\n", k + 1, v[k].start,
                  v[k].gpu - 0.4, v[k].start + v[k].size, v[k].gpu + 0.4, k % 2 ? "#9ecae1" : "#fdae6b");
        /* double quotes: gnuplot turns \n into a line break there; upright
         * text would not fit a one-slot instance */
        sb_printf(&b, "set label %d \"%s%s%s\" at %g,%d center rotate by 90\n", k + 1,
                  safe(v[k].profile, t, sizeof t), v[k].tenant[0] ? "\\n" : "",
                  safe(v[k].tenant, u, sizeof u), v[k].start + v[k].size / 2.0, v[k].gpu);
    }
    sb_printf(&b, "plot NaN notitle\n");
    return render(dir, "mig_layout", &b, err);
}

/* ---- scale.csv: step time and scaling efficiency against nodes ---- */

/* Copy the columns nodes, p50, p95, p95_lo, p95_hi, efficiency of
 * scale.csv (cli/cmd_scale.c) into scale.dat; the number of rows, or -1. */
static int scale_rows(FILE *in, FILE *out)
{
    static const int cols[] = { 0, 3, 4, 5, 6, 10 };
    char line[LINE_BYTES], field[64];
    int rows = 0;
    if (!fgets(line, sizeof line, in) || strncmp(line, "nodes,gpus,step_ms_mean,", 24) != 0)
        return -1;
    fprintf(out, "# nodes step_p50_ms step_p95_ms p95_lo p95_hi efficiency\n");
    while (fgets(line, sizeof line, in)) {
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
            if (csv_field(line, cols[k], field, sizeof field) < 0)
                return -1;
            char *end;
            double x = strtod(field, &end);
            if (end == field)
                return -1;
            dat_num(out, x);
        }
        fputc('\n', out);
        rows++;
    }
    return rows > 0 ? rows : -1;
}

int charts_scale(const char *dir, FILE *err)
{
    char path[4096], opath[4096];
    FILE *in = open_in(dir, "scale.csv", "r", path, sizeof path);
    FILE *out = in ? open_in(dir, "scale.dat", "w", opath, sizeof opath) : NULL;
    int rows = in && out ? scale_rows(in, out) : -1;
    if (in)
        fclose(in);
    if ((out && close_checked(out) != 0) || rows < 0) {
        fprintf(err, "slicesim: plot scale: %s: missing, unreadable, or not written by slicesim scale\n", path);
        return -1;
    }
    sbuf b = { 0 };
    sb_printf(&b, "set multiplot layout 2,1 title 'Scaling of a training job'\n"
              "set logscale x 2\nset grid\nset key top left\nset xlabel 'nodes'\n"
              "set ylabel 'step time (ms)'\n"
              "stats 'scale.dat' using 2 every ::0::0 nooutput name 'FIRST'\n"
              "plot 'scale.dat' using 1:2 with linespoints title 'p50', "
              "'scale.dat' using 1:3:4:5 with yerrorlines title 'p95 (95%% CI)', "
              "FIRST_min with lines dt 2 lw 2 lc rgb '#555555' title 'ideal (the first point''s p50)'\n"
              "set ylabel 'scaling efficiency'\nset yrange [0:1.1]\n"
              "plot 'scale.dat' using 1:6 with linespoints title 'step time at the first point / at N', "
              "1 with lines dt 2 lw 2 lc rgb '#555555' title 'ideal'\n"
              "unset multiplot\n");
    return render(dir, "scale", &b, err);
}

/* ---- everything in a directory ---- */

int charts_dir(const char *dir, int *worst, FILE *err)
{
    static const struct { const char *input; int (*fn)(const char *, FILE *); } charts[] = {
        { "requests.csv", charts_latency_cdf }, { "timeline.csv", charts_timeline },
        { "sweep.json", charts_sweep }, { "compare.json", charts_compare },
        { "mig_layout.dat", charts_mig_layout }, { "scale.csv", charts_scale },
    };
    char path[4096];
    struct stat st;
    int n = 0;
    *worst = 0;
    for (size_t k = 0; k < sizeof charts / sizeof charts[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, charts[k].input);
        if (stat(path, &st) != 0)
            continue;
        int rc = charts[k].fn(dir, err);
        n++;
        if (rc < 0 || (rc == 1 && *worst == 0))
            *worst = rc;
    }
    if (n == 0) {
        fprintf(err, "slicesim plot: %s holds no requests.csv, timeline.csv, sweep.json, compare.json, "
                "mig_layout.dat or scale.csv\n", dir);
        return -1;
    }
    return n;
}
