/* trace.c -- arrival traces (see trace.h). CSV through libcsv, fed one
 * bounded line at a time (textfile.h), so a quoted field may span lines and
 * reading can stop as soon as the run has what it replays; Mooncake's JSON
 * lines through cJSON. Rows go into growing arrays; nothing is kept on
 * error. No sscanf: every field is checked by a parser that rejects
 * trailing characters and out-of-range values. */
#include "scenarios/trace.h"
#include "scenarios/textfile.h"

#include <cJSON.h>
#include <csv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS   256          /* header columns remembered */
#define MAX_NAME   128          /* bytes of a header name kept */
#define MAX_VALUE  256          /* bytes of a needed field kept */
#define MAX_SIZE   1e15         /* tokens, steps, images */
#define MAX_TIME_S 1e9          /* a trace's time column, seconds (31 years) */

typedef struct {
    const char *path;
    char       *err;
    size_t      errlen;
    long        line;
    int         failed;
} ctx;

static int fail(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(ctx *c, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    if (c->failed)
        return -1;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s: line %ld: %s", c->path, c->line, detail);
    c->failed = 1;
    return -1;
}

const char *trace_format_name(trace_format f)
{
    static const char *const names[] = { "azure", "generic", "diffusion", "vidur", "burstgpt", "mooncake",
                                         "auto" };
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

/* ---- timestamps ---- */

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

/* Exactly n decimal digits at *p into *out; advances *p. */
static int digits(const char **p, int n, int *out)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        char ch = (*p)[i];
        if (ch < '0' || ch > '9')
            return -1;
        x = x * 10 + (ch - '0');
    }
    *p += n;
    *out = x;
    return 0;
}

static int expect(const char **p, char ch)
{
    if (**p != ch)
        return -1;
    (*p)++;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

int trace_parse_timestamp(const char *text, int64_t *ns)
{
    const char *p = text;
    int y, mo, d, h, mi, s;
    if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') || digits(&p, 2, &d))
        return -1;
    if (*p != ' ' && *p != 'T')
        return -1;
    p++;
    if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi) || expect(&p, ':') || digits(&p, 2, &s))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60)
        return -1;
    int64_t frac = 0;
    if (*p == '.') {
        int nd = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, nd++)
            if (nd < 9)
                frac = frac * 10 + (*p - '0');
        if (nd == 0)
            return -1;
        for (; nd < 9; nd++)
            frac *= 10;
    }
    int64_t offset_s = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (*p && digits(&p, 2, &om))
            return -1;
        if (oh > 23 || om > 59)
            return -1;
        offset_s = sign * (oh * 3600 + om * 60);
    }
    if (*p != '\0')
        return -1;
    /* local = UTC + offset */
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_s, whole;
    /* int64 ns spans 1677-09-21 00:12:43.145224192 to 2262-04-11 23:47:16.854775807 */
    if (__builtin_mul_overflow(secs, INT64_C(1000000000), &whole) ||
        __builtin_add_overflow(whole, frac, ns))
        return -2;
    return 0;
}

/* ---- the rows kept ---- */

typedef struct {
    sim_time_t *t;
    double     *sz;
    size_t      n, cap;
    size_t     *hs;             /* Mooncake: n + 1 starts into h */
    int64_t    *h;
    size_t      nh, caph;
} rows;

static void rows_free(rows *r)
{
    free(r->t);
    free(r->sz);
    free(r->hs);
    free(r->h);
}

static int push(rows *r, sim_time_t t, const double *sz, int nsize, int hashes)
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
        if (hashes) {
            size_t *h2 = realloc(r->hs, (cap + 1) * sizeof *h2);
            if (!h2)
                return -1;
            r->hs = h2;
            if (r->n == 0)
                r->hs[0] = 0;
        }
        r->cap = cap;
    }
    r->t[r->n] = t;
    for (int k = 0; k < nsize; k++)
        r->sz[r->n * (size_t)nsize + (size_t)k] = sz[k];
    r->n++;
    if (hashes)
        r->hs[r->n] = r->nh;
    return 0;
}

static int push_hash(rows *r, int64_t h)
{
    if (r->nh == r->caph) {
        size_t cap = r->caph ? r->caph * 2 : 4096;
        int64_t *h2 = realloc(r->h, cap * sizeof *h2);
        if (!h2)
            return -1;
        r->h = h2;
        r->caph = cap;
    }
    r->h[r->nh++] = h;
    return 0;
}

/* ---- what every format shares: time order, start_s, scaling, the horizon ---- */

typedef struct {
    ctx             *c;
    const trace_opts *o;
    rows            *r;
    int              nsize, hashes;
    int64_t          first, last;
    int              any, stop;
} sink;

/* One row at raw time raw (ns, any origin) with sizes sz; `shown` is the
 * time as written, for messages. 0, or -1 (c failed). */
static int sink_row(sink *s, int64_t raw, const double *sz, const char *shown)
{
    if (!s->any) {
        s->first = raw;
        s->any = 1;
    } else if (raw < s->last) {
        char buf[96];
        return fail(s->c, "time goes backwards (%s); rows must be sorted by time",
                    textfile_sanitize(shown, buf, sizeof buf));
    }
    s->last = raw;
    int64_t since;
    double trace_s = __builtin_sub_overflow(raw, s->first, &since)
                   ? ((double)raw - (double)s->first) / 1e9 : (double)since / 1e9;
    if (trace_s < s->o->start_s)
        return 1;                   /* skipped; the caller drops its hashes */
    double t_ns = (trace_s - s->o->start_s) * 1e9 * (s->o->time_scale / s->o->rate_scale);
    if (t_ns > 1e18) {
        s->stop = 1;                /* decades of simulated time: past any run */
        return 1;
    }
    sim_time_t t = sim_round_ns(t_ns);
    if (push(s->r, t, sz, s->nsize, s->hashes) < 0) {
        snprintf(s->c->err, s->c->errlen, "%s: out of memory", s->c->path);
        s->c->failed = 1;
        return -1;
    }
    if (s->o->until_ns > 0 && t > s->o->until_ns)
        s->stop = 1;                /* the run replays nothing later */
    return 0;
}

/* ---- CSV formats ---- */

typedef enum { TIME_STAMP, TIME_SECONDS } time_kind;

typedef struct {
    trace_format fmt;
    const char  *time, *size[2];    /* column names; no sizes: NULL */
    time_kind    kind;
} csv_spec;

static const csv_spec SPECS[] = {
    { TRACE_AZURE, "TIMESTAMP", { "ContextTokens", "GeneratedTokens" }, TIME_STAMP },
    { TRACE_DIFFUSION, "gmt_create", { "num_inference_steps", "num_images_per_prompt" }, TIME_STAMP },
    { TRACE_VIDUR, "arrived_at", { "num_prefill_tokens", "num_decode_tokens" }, TIME_SECONDS },
    { TRACE_VIDUR, "arrival_timestamp", { "prompt_size", "token_size" }, TIME_SECONDS },
    { TRACE_BURSTGPT, "Timestamp", { "Request tokens", "Response tokens" }, TIME_SECONDS },
    { TRACE_GENERIC, "time_s", { "prompt_tokens", "output_tokens" }, TIME_SECONDS },
    { TRACE_GENERIC, "time_s", { "steps", "images" }, TIME_SECONDS },
    { TRACE_GENERIC, "time_s", { NULL, NULL }, TIME_SECONDS },
};
#define NSPECS (sizeof SPECS / sizeof SPECS[0])

typedef struct {
    sink        s;
    trace_format fmt;
    const csv_spec *spec;
    char        hdr[MAX_COLS][MAX_NAME];
    int         nhdr;
    int         col[3], ncol;       /* time, sizes: field indices */
    char        val[3][MAX_VALUE];
    int         field, header_done;
    long        row_line;
} csv_state;

static int find_col(const csv_state *st, const char *name)
{
    for (int i = 0; i < st->nhdr; i++)
        if (strcmp(st->hdr[i], name) == 0)
            return i;
    return -1;
}

static int spec_matches(const csv_state *st, const csv_spec *sp)
{
    if (find_col(st, sp->time) < 0)
        return 0;
    for (int k = 0; k < 2; k++)
        if (sp->size[k] && find_col(st, sp->size[k]) < 0)
            return 0;
    return 1;
}

static void header_text(const csv_state *st, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; i < st->nhdr && strlen(buf) + 2 < len; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? "," : "", st->hdr[i]);
    }
}

static void expected_headers(trace_format fmt, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < NSPECS; i++) {
        const csv_spec *sp = &SPECS[i];
        if ((fmt != TRACE_AUTO && sp->fmt != fmt) || (i + 1 < NSPECS && sp->fmt == SPECS[i + 1].fmt &&
                                                      sp->fmt == TRACE_GENERIC && sp->size[0] == NULL))
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s%s%s%s%s (%s)", used ? "; " : "", sp->time, sp->size[0] ? "," : "",
                 sp->size[0] ? sp->size[0] : "", sp->size[1] ? "," : "", sp->size[1] ? sp->size[1] : "",
                 trace_format_name(sp->fmt));
    }
}

static int choose_layout(csv_state *st)
{
    ctx *c = st->s.c;
    char have[512], want[768];
    /* generic: a size column without its partner is a mistake, not "no sizes" */
    if (st->fmt == TRACE_GENERIC || (st->fmt == TRACE_AUTO && find_col(st, "time_s") >= 0)) {
        static const char *const pairs[2][2] = { { "prompt_tokens", "output_tokens" }, { "steps", "images" } };
        for (int k = 0; k < 2; k++) {
            int a = find_col(st, pairs[k][0]), b = find_col(st, pairs[k][1]);
            if ((a < 0) != (b < 0))
                return fail(c, "column \"%s\" needs its partner \"%s\"", a < 0 ? pairs[k][1] : pairs[k][0],
                            a < 0 ? pairs[k][0] : pairs[k][1]);
        }
    }
    for (size_t i = 0; i < NSPECS && !st->spec; i++)
        if ((st->fmt == TRACE_AUTO || SPECS[i].fmt == st->fmt) && spec_matches(st, &SPECS[i]))
            st->spec = &SPECS[i];
    if (!st->spec) {
        header_text(st, have, sizeof have);
        expected_headers(st->fmt, want, sizeof want);
        if (st->fmt != TRACE_AUTO) {
            /* name the first column of the format's first layout that is missing */
            for (size_t i = 0; i < NSPECS; i++) {
                const csv_spec *sp = &SPECS[i];
                if (sp->fmt != st->fmt)
                    continue;
                const char *miss = find_col(st, sp->time) < 0 ? sp->time
                                 : sp->size[0] && find_col(st, sp->size[0]) < 0 ? sp->size[0] : sp->size[1];
                char shown[160];
                return fail(c, "missing column \"%s\" for format %s; expected a header with %s",
                            textfile_sanitize(miss ? miss : "?", shown, sizeof shown),
                            trace_format_name(st->fmt), want);
            }
        }
        char shown[560];
        return fail(c, "header \"%s\" is no trace format slicesim reads; expected one of: %s",
                    textfile_sanitize(have, shown, sizeof shown), want);
    }
    st->col[0] = find_col(st, st->spec->time);
    st->ncol = 1;
    for (int k = 0; k < 2; k++)
        if (st->spec->size[k])
            st->col[st->ncol++] = find_col(st, st->spec->size[k]);
    st->s.nsize = st->ncol - 1;
    st->header_done = 1;
    return 0;
}

static int fail_field(csv_state *st, int k, const char *what, const char *allowed)
{
    char shown[128];
    const char *name = k == 0 ? st->spec->time : st->spec->size[k - 1];
    return fail(st->s.c, "column %d (%s): %s \"%s\"%s", st->col[k] + 1, name, what,
                textfile_sanitize(st->val[k], shown, sizeof shown), allowed);
}

static void csv_row(int term, void *data)
{
    csv_state *st = data;
    ctx *c = st->s.c;
    int nfields = st->field;
    (void)term;
    st->field = 0;
    if (c->failed || st->s.stop)
        return;
    long line = c->line;
    c->line = st->row_line ? st->row_line : c->line;
    if (!st->header_done) {
        choose_layout(st);
        c->line = line;
        return;
    }
    int need = 0;
    for (int k = 0; k < st->ncol; k++)
        need = st->col[k] > need ? st->col[k] : need;
    if (nfields <= need) {
        fail(c, "has %d field%s, fewer than the header's columns (column %d is %s)", nfields,
             nfields == 1 ? "" : "s", need + 1, st->hdr[need]);
        return;
    }
    int64_t raw;
    if (st->spec->kind == TIME_STAMP) {
        int r = trace_parse_timestamp(st->val[0], &raw);
        if (r == -2) {
            fail_field(st, 0, "timestamp", " is out of range; allowed: 1677-09-22 to 2262-04-11 "
                       "(nanoseconds in 64 bits)");
            return;
        }
        if (r < 0) {
            fail_field(st, 0, "unparsable timestamp", "; expected YYYY-MM-DD HH:MM:SS[.fraction][+HH:MM]");
            return;
        }
    } else {
        double sec;
        int r = textfile_parse_double(st->val[0], 0, MAX_TIME_S, &sec);
        if (r == TEXTFILE_RANGE) {
            fail_field(st, 0, "time", " is out of range; allowed: 0 to 1e9 seconds");
            return;
        }
        if (r < 0) {
            fail_field(st, 0, "time", " is not a non-negative number of seconds");
            return;
        }
        raw = llround(sec * 1e9);
    }
    double sz[2];
    for (int k = 1; k < st->ncol; k++)
        if (textfile_parse_double(st->val[k], 0, MAX_SIZE, &sz[k - 1]) < 0) {
            fail_field(st, k, "size", " is not a non-negative number");
            return;
        }
    sink_row(&st->s, raw, sz, st->val[0]);
    c->line = line;
}

static void csv_field(void *text, size_t len, void *data)
{
    csv_state *st = data;
    if (st->s.c->failed || st->s.stop)
        return;
    if (st->field == 0)
        st->row_line = st->s.c->line;
    if (!st->header_done) {
        if (st->nhdr < MAX_COLS) {
            size_t n = len < MAX_NAME - 1 ? len : MAX_NAME - 1;
            memcpy(st->hdr[st->nhdr], text, n);
            st->hdr[st->nhdr][n] = '\0';
            st->nhdr++;
        }
    } else {
        for (int k = 0; k < st->ncol; k++)
            if (st->col[k] == st->field) {
                size_t n = len < MAX_VALUE - 1 ? len : MAX_VALUE - 1;
                memcpy(st->val[k], text, n);
                st->val[k][n] = '\0';
            }
    }
    st->field++;
}

static int load_csv(ctx *c, textfile_lines *in, const char *first, size_t first_len, sink *s, trace_format fmt)
{
    struct csv_parser p;
    csv_state *st = calloc(1, sizeof *st);
    if (!st || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(st);
        snprintf(c->err, c->errlen, "%s: out of memory", c->path);
        return -1;
    }
    st->s = *s;
    st->fmt = fmt;
    char *line = (char *)first;
    size_t len = first_len;
    int got = 1;
    while (got > 0 && !c->failed && !st->s.stop) {
        if (csv_parse(&p, line, len, csv_field, csv_row, st) != len && !c->failed) {
            fail(c, "malformed CSV: %s (RFC 4180: a field with a quote, comma or newline is quoted, a quote "
                 "inside it doubled)", csv_strerror(csv_error(&p)));
            break;
        }
        if (c->failed || st->s.stop)
            break;
        got = textfile_lines_next(in, &line, &len, c->err, c->errlen);
        if (got < 0)
            c->failed = 1;
        else if (got > 0)
            c->line = in->line;
    }
    if (!c->failed && !st->s.stop && csv_fini(&p, csv_field, csv_row, st) != 0 && !c->failed)
        fail(c, "malformed CSV: a quoted field is not closed by the end of the file");
    csv_free(&p);
    if (!c->failed && !st->header_done)
        fail(c, "empty file; expected a header line");
    *s = st->s;
    free(st);
    return c->failed ? -1 : 0;
}

/* ---- Mooncake JSON lines ---- */

static int json_number(ctx *c, const cJSON *o, const char *key, double hi, double *out)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble) || x->valuedouble < 0 || x->valuedouble > hi)
        return fail(c, "field \"%s\" %s; allowed: a number 0 to %g", key, x ? "is out of range or not a number"
                    : "is missing", hi);
    *out = x->valuedouble;
    return 0;
}

static int mooncake_line(ctx *c, const char *line, size_t len, sink *s)
{
    size_t k = 0;
    while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r' || line[k] == '\n'))
        k++;
    if (k == len)
        return 0;                          /* a blank line */
    cJSON *o = cJSON_ParseWithLength(line, len);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return fail(c, "not a JSON object; Mooncake traces hold one {\"timestamp\", \"input_length\", "
                    "\"output_length\", \"hash_ids\"} per line");
    }
    double ms, sz[2];
    int rc = json_number(c, o, "timestamp", MAX_TIME_S * 1e3, &ms);
    if (rc == 0)
        rc = json_number(c, o, "input_length", MAX_SIZE, &sz[0]);
    if (rc == 0)
        rc = json_number(c, o, "output_length", MAX_SIZE, &sz[1]);
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "hash_ids"), *e;
    if (rc == 0 && h && !cJSON_IsArray(h))
        rc = fail(c, "field \"hash_ids\" is not a list of integers");
    size_t mark = s->r->nh;
    cJSON_ArrayForEach(e, h) {
        if (rc != 0)
            break;
        if (!cJSON_IsNumber(e) || e->valuedouble != floor(e->valuedouble) || fabs(e->valuedouble) > 9e15)
            rc = fail(c, "field \"hash_ids\" holds a value that is not an integer");
        else if (push_hash(s->r, (int64_t)e->valuedouble) < 0)
            rc = fail(c, "out of memory");
    }
    if (rc == 0) {
        char shown[48];
        snprintf(shown, sizeof shown, "timestamp %.17g", ms);
        int r = sink_row(s, llround(ms * 1e6), sz, shown);
        if (r < 0)
            rc = -1;
        else if (r > 0)
            s->r->nh = mark;               /* a skipped row keeps no hashes */
    }
    cJSON_Delete(o);
    return rc;
}

static int load_mooncake(ctx *c, textfile_lines *in, const char *first, size_t first_len, sink *s)
{
    const char *line = first;
    size_t len = first_len;
    char *next;
    int got = 1;
    s->hashes = 1;
    s->nsize = 2;
    while (got > 0 && !s->stop) {
        if (mooncake_line(c, line, len, s) < 0)
            return -1;
        if (s->stop)
            break;
        got = textfile_lines_next(in, &next, &len, c->err, c->errlen);
        line = next;
        if (got > 0)
            c->line = in->line;
    }
    return got < 0 ? -1 : 0;
}

/* ---- the entry point ---- */

static int load(ctx *c, textfile_lines *in, const trace_opts *o, rows *r, int *nsize, int *hashes)
{
    char *line = NULL;
    size_t len = 0;
    sink s = { c, o, r, 0, 0, 0, 0, 0, 0 };
    c->line = 1;
    int got = textfile_lines_next(in, &line, &len, c->err, c->errlen);
    if (got <= 0) {
        if (got == 0)
            fail(c, "empty file; expected a header line");
        return -1;
    }
    /* a UTF-8 byte-order mark, as spreadsheets write it */
    if (len >= 3 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
        (unsigned char)line[2] == 0xBF) {
        line += 3;
        len -= 3;
    }
    size_t k = strspn(line, " \t");
    trace_format fmt = o->format;
    if (fmt == TRACE_AUTO && line[k] == '{')
        fmt = TRACE_MOONCAKE;
    int rc = fmt == TRACE_MOONCAKE ? load_mooncake(c, in, line, len, &s) : load_csv(c, in, line, len, &s, fmt);
    if (rc < 0)
        return -1;
    if (r->n == 0)
        return fail(c, "no data rows%s", s.any ? " after start_s" : "");
    *nsize = s.nsize;
    *hashes = s.hashes;
    return 0;
}

int trace_load(const char *path, const trace_opts *o, arr_trace_params *p,
               char *err, size_t errlen)
{
    ctx c = { path, err, errlen, 0, 0 };
    rows r;
    int nsize = 0, hashes = 0;
    textfile_lines in;
    memset(&r, 0, sizeof r);
    if (textfile_lines_open(&in, path, TEXTFILE_MAX_STREAM, TEXTFILE_MAX_LINE, err, errlen) < 0)
        return -1;
    int rc = load(&c, &in, o, &r, &nsize, &hashes);
    textfile_lines_close(&in);
    if (rc < 0) {
        rows_free(&r);
        return -1;
    }
    memset(p, 0, sizeof *p);
    p->n = r.n;
    p->t_ns = r.t;
    p->sizes = r.sz;
    p->nsize = nsize;
    if (hashes) {
        p->hash_start = r.hs;
        p->hash_ids = r.h;
    } else {
        free(r.hs);
        free(r.h);
    }
    return 0;
}

void trace_free(arr_trace_params *p)
{
    free(p->t_ns);
    free(p->sizes);
    free(p->hash_start);
    free(p->hash_ids);
    p->t_ns = NULL;
    p->sizes = NULL;
    p->hash_start = NULL;
    p->hash_ids = NULL;
}
