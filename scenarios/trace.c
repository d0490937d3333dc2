/* trace.c -- CSV arrival traces (see trace.h). The whole file is read line
 * by line into growing arrays; nothing is kept on error. */
#include "scenarios/trace.h"
#include "scenarios/textfile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 32

typedef struct {
    const char *path;
    char       *err;
    size_t      errlen;
    long        line;
} ctx;

static int fail(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(ctx *c, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s: line %ld: %s", c->path, c->line, detail);
    return -1;
}

/* Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int trace_parse_timestamp(const char *text, int64_t *ns)
{
    int y, mo, d, h, mi, s, n = 0;
    if (sscanf(text, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 || n == 0)
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || h < 0 || mi < 0 || s < 0)
        return -1;
    int64_t frac = 0;
    const char *p = text + n;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 9)
                frac = frac * 10 + (*p - '0');
        if (digits == 0)
            return -1;
        for (; digits < 9; digits++)
            frac *= 10;
    }
    if (*p != '\0')
        return -1;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s, whole;
    /* int64 ns spans 1677-09-21 00:12:43.145224192 to 2262-04-11 23:47:16.854775807 */
    if (__builtin_mul_overflow(secs, INT64_C(1000000000), &whole) ||
        __builtin_add_overflow(whole, frac, ns))
        return -2;
    return 0;
}

static int split(char *line, char **f)
{
    int n = 0;
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    for (char *p = line;; ) {
        if (n == MAX_FIELDS)
            return n;
        f[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            return n;
        *comma = '\0';
        p = comma + 1;
    }
}

static int column(char **f, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(f[i], name) == 0)
            return i;
    return -1;
}

/* The columns a format needs: time first, then the sizes in order. */
typedef struct { int time, size[2], nsize, time_is_stamp; } layout;

static int find_layout(ctx *c, trace_format fmt, char **f, int n, layout *l)
{
    static const char *const need[3][3] = {
        { "TIMESTAMP", "ContextTokens", "GeneratedTokens" },
        { "time_s", NULL, NULL },
        { "gmt_create", "num_inference_steps", "num_images_per_prompt" },
    };
    memset(l, 0, sizeof *l);
    l->time_is_stamp = fmt != TRACE_GENERIC;
    for (int k = 0; k < 3; k++) {
        const char *name = need[fmt][k];
        if (!name)
            break;
        int i = column(f, n, name);
        if (i < 0)
            return fail(c, "missing column \"%s\"%s", name,
                        fmt == TRACE_AZURE ? "; the Azure trace header is TIMESTAMP,ContextTokens,GeneratedTokens"
                        : fmt == TRACE_DIFFUSION ? "; expected the lora_request_trace header" : "");
        if (k == 0)
            l->time = i;
        else
            l->size[l->nsize++] = i;
    }
    if (fmt == TRACE_GENERIC) {
        static const char *const pairs[2][2] = { { "prompt_tokens", "output_tokens" }, { "steps", "images" } };
        for (int k = 0; k < 2 && l->nsize == 0; k++) {
            int a = column(f, n, pairs[k][0]), b = column(f, n, pairs[k][1]);
            if ((a < 0) != (b < 0))
                return fail(c, "column \"%s\" needs its partner \"%s\"", a < 0 ? pairs[k][1] : pairs[k][0],
                            a < 0 ? pairs[k][0] : pairs[k][1]);
            if (a >= 0) {
                l->size[0] = a;
                l->size[1] = b;
                l->nsize = 2;
            }
        }
    }
    return 0;
}

static int number(ctx *c, const char *text, const char *what, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (*text == '\0' || *end != '\0' || errno || !isfinite(x) || x < 0)
    {
        char shown[96];
        return fail(c, "%s \"%s\" is not a non-negative number", what,
                    textfile_sanitize(text, shown, sizeof shown));
    }
    *out = x;
    return 0;
}

typedef struct {
    sim_time_t *t;
    double     *sz;
    size_t      n, cap;
} rows;

static int push(rows *r, sim_time_t t, const double *sz, int nsize)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        sim_time_t *t2 = realloc(r->t, cap * sizeof *t2);
        if (!t2)
            return -1;
        r->t = t2;
        double *s2 = realloc(r->sz, cap * (size_t)(nsize ? nsize : 1) * sizeof *s2);
        if (!s2)
            return -1;
        r->sz = s2;
        r->cap = cap;
    }
    r->t[r->n] = t;
    for (int k = 0; k < nsize; k++)
        r->sz[r->n * (size_t)nsize + (size_t)k] = sz[k];
    r->n++;
    return 0;
}

static int read_row(ctx *c, const layout *l, char **f, int n, int64_t *raw, double *sz)
{
    int need = l->time;
    for (int k = 0; k < l->nsize; k++)
        need = l->size[k] > need ? l->size[k] : need;
    if (n <= need)
        return fail(c, "has %d fields, fewer than the header's columns", n);
    if (l->time_is_stamp) {
        char shown[96];
        int r = trace_parse_timestamp(f[l->time], raw);
        if (r == -2)
            return fail(c, "timestamp \"%s\" is out of range; allowed: 1677-09-22 to 2262-04-11 "
                        "(nanoseconds in 64 bits)", textfile_sanitize(f[l->time], shown, sizeof shown));
        if (r < 0)
            return fail(c, "unparsable timestamp \"%s\"%s", textfile_sanitize(f[l->time], shown, sizeof shown),
                        "; expected YYYY-MM-DD HH:MM:SS[.fraction]");
    } else {
        double s;
        if (number(c, f[l->time], "time_s", &s) < 0)
            return -1;
        if (s > 1e9)
            return fail(c, "time_s \"%s\" is out of range; allowed: 0 to 1e9 seconds", f[l->time]);
        *raw = llround(s * 1e9);
    }
    for (int k = 0; k < l->nsize; k++)
        if (number(c, f[l->size[k]], "size", &sz[k]) < 0)
            return -1;
    return 0;
}

static int load(ctx *c, textfile_lines *in, const trace_opts *o, rows *r, int *nsize)
{
    char *line = NULL, *f[MAX_FIELDS];
    size_t len = 0;
    layout l;
    int64_t first = 0, last = INT64_MIN;
    int rc = -1, got;
    double factor = o->time_scale / o->rate_scale;
    c->line = 1;
    if ((got = textfile_lines_next(in, &line, &len, c->err, c->errlen)) <= 0) {
        if (got == 0)
            fail(c, "empty file; expected a header line");
        goto out;
    }
    if (find_layout(c, o->format, f, split(line, f), &l) < 0)
        goto out;
    *nsize = l.nsize;
    while ((got = textfile_lines_next(in, &line, &len, c->err, c->errlen)) > 0) {
        c->line = in->line;
        if (line[0] == '\n' || (line[0] == '\r' && line[1] == '\n') || line[0] == '\0')
            continue;
        int64_t raw;
        double sz[2];
        if (read_row(c, &l, f, split(line, f), &raw, sz) < 0)
            goto out;
        if (last == INT64_MIN)
            first = raw;
        else if (raw < last) {
            char shown[96];
            fail(c, "time goes backwards (%s); rows must be sorted by time",
                 textfile_sanitize(f[l.time], shown, sizeof shown));
            goto out;
        }
        last = raw;
        int64_t since;
        double trace_s = __builtin_sub_overflow(raw, first, &since)
                       ? ((double)raw - (double)first) / 1e9 : (double)since / 1e9;
        if (trace_s < o->start_s)
            continue;
        double t_ns = (trace_s - o->start_s) * 1e9 * factor;
        if (t_ns > 1e18)
            break;                  /* decades of simulated time: past any run */
        sim_time_t t = sim_round_ns(t_ns);
        if (push(r, t, sz, l.nsize) < 0) {
            snprintf(c->err, c->errlen, "%s: out of memory", c->path);
            goto out;
        }
    }
    if (got < 0)
        goto out;
    if (r->n == 0) {
        fail(c, "no data rows%s", last == INT64_MIN ? "" : " after start_s");
        goto out;
    }
    rc = 0;
out:
    return rc;
}

int trace_load(const char *path, const trace_opts *o, arr_trace_params *p,
               char *err, size_t errlen)
{
    ctx c = { path, err, errlen, 0 };
    rows r = { NULL, NULL, 0, 0 };
    int nsize = 0;
    textfile_lines in;
    if (textfile_lines_open(&in, path, TEXTFILE_MAX_STREAM, TEXTFILE_MAX_LINE, err, errlen) < 0)
        return -1;
    int rc = load(&c, &in, o, &r, &nsize);
    textfile_lines_close(&in);
    if (rc < 0) {
        free(r.t);
        free(r.sz);
        return -1;
    }
    p->n = r.n;
    p->t_ns = r.t;
    p->sizes = r.sz;
    p->nsize = nsize;
    return 0;
}
