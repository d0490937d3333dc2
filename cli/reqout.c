#include "cli/reqout.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/fmt.h"
#include "cli/outfile.h"

#define MAX_COLS 16
#define IO_BUF   (1 << 20)
#define BATCH    (1 << 16)          /* rows are formatted into a batch, written when it fills */

struct reqout {
    const scn      *sc;
    outfile         o;
    char           *obuf;
    int             ncols;
    const char     *cols[MAX_COLS];
    int            *col_metric;      /* [tenant * MAX_COLS + col]: metric index or -1 */
    size_t         *name_len;        /* per tenant: of its name as a CSV field */
    char          **name_csv;        /* per tenant: its name as an RFC 4180 field */
    int             jobs, reps;
    /* several threads: a file per replication, appended in order */
    char           *batch;           /* one thread: the rows not yet written */
    size_t          nbatch;
    FILE          **spill;
    char          **spill_buf;       /* per replication: its batch, while it runs */
    size_t         *spill_n;
    char           *done;
    int             next;            /* first replication not yet appended */
    int             failed;
    pthread_mutex_t lock;
};

/* The metric columns: the union of the tenants' workload metric names. */
static int metric_columns(const scn *sc, const char **cols)
{
    int n = 0;
    for (size_t i = 0; i < sc->cfg.ntenants; i++) {
        const char *const *m = sc->cfg.tenants[i].wl->metrics;
        for (int k = 0; m && m[k]; k++) {
            int seen = 0;
            for (int j = 0; j < n; j++)
                seen |= strcmp(cols[j], m[k]) == 0;
            if (!seen && n < MAX_COLS)
                cols[n++] = m[k];
        }
    }
    return n;
}

/* name as one RFC 4180 field (quoted, quotes doubled, when it holds a comma,
 * a quote, CR or LF, or starts or ends with a space), malloc'd; NULL when out
 * of memory. The same rule as report_csv_field. */
static char *csv_field_text(const char *name)
{
    size_t n = strlen(name), q = 0;
    int need = strpbrk(name, ",\"\r\n") || (n > 0 && (name[0] == ' ' || name[n - 1] == ' '));
    for (const char *c = name; *c; c++)
        q += *c == '"';
    char *out = malloc(n + q + 3), *p = out;
    if (!out)
        return NULL;
    if (need)
        *p++ = '"';
    for (const char *c = name; *c; c++) {
        if (need && *c == '"')
            *p++ = '"';
        *p++ = *c;
    }
    if (need)
        *p++ = '"';
    *p = '\0';
    return out;
}

static void free_all(reqout *w)
{
    if (w->spill)
        for (int r = 0; r < w->reps; r++)
            if (w->spill[r])
                fclose(w->spill[r]);
    if (w->spill_buf)
        for (int r = 0; r < w->reps; r++)
            free(w->spill_buf[r]);
    free(w->spill);
    free(w->spill_buf);
    free(w->spill_n);
    free(w->batch);
    free(w->done);
    free(w->col_metric);
    free(w->name_len);
    for (size_t i = 0; w->name_csv && i < w->sc->cfg.ntenants; i++)
        free(w->name_csv[i]);
    free(w->name_csv);
    if (w->jobs > 1)
        pthread_mutex_destroy(&w->lock);
    free(w->obuf);
    free(w);
}

reqout *reqout_open(const char *dir, const scn *sc, int jobs, char *msg, size_t len)
{
    reqout *w = calloc(1, sizeof *w);
    size_t nt = sc->cfg.ntenants;
    if (!w) {
        snprintf(msg, len, "out of memory for requests.csv");
        return NULL;
    }
    w->sc = sc;
    w->reps = sc->cfg.reps;
    w->jobs = jobs < 1 ? 1 : jobs > w->reps ? w->reps : jobs;
    if (w->jobs > 1)
        pthread_mutex_init(&w->lock, NULL);
    w->ncols = metric_columns(sc, w->cols);
    w->col_metric = malloc((nt ? nt : 1) * MAX_COLS * sizeof *w->col_metric);
    w->name_len = malloc((nt ? nt : 1) * sizeof *w->name_len);
    w->name_csv = calloc(nt ? nt : 1, sizeof *w->name_csv);
    w->obuf = malloc(IO_BUF);
    if (w->jobs > 1) {
        w->spill = calloc((size_t)w->reps, sizeof *w->spill);
        w->spill_buf = calloc((size_t)w->reps, sizeof *w->spill_buf);
        w->spill_n = calloc((size_t)w->reps, sizeof *w->spill_n);
        w->done = calloc((size_t)w->reps, 1);
    } else {
        w->batch = malloc(BATCH);
    }
    if (!w->col_metric || !w->name_len || !w->name_csv || !w->obuf ||
        (w->jobs > 1 && (!w->spill || !w->spill_buf || !w->spill_n || !w->done)) ||
        (w->jobs == 1 && !w->batch)) {
        snprintf(msg, len, "out of memory for requests.csv");
        free_all(w);
        return NULL;
    }
    for (size_t i = 0; i < nt; i++) {
        const char *const *m = sc->cfg.tenants[i].wl->metrics;
        if (!(w->name_csv[i] = csv_field_text(sc->cfg.tenants[i].name))) {
            free_all(w);
            snprintf(msg, len, "out of memory");
            return NULL;
        }
        w->name_len[i] = strlen(w->name_csv[i]);
        for (int j = 0; j < w->ncols; j++) {
            int k = 0;
            while (m && m[k] && strcmp(m[k], w->cols[j]) != 0)
                k++;
            w->col_metric[i * MAX_COLS + (size_t)j] = m && m[k] ? k : -1;
        }
    }
    if (outfile_open(&w->o, dir, "requests.csv", msg, len) < 0) {
        free_all(w);
        return NULL;
    }
    setvbuf(w->o.f, w->obuf, _IOFBF, IO_BUF);
    fputs("rep,tenant,id,arrival_ms,start_ms,end_ms,latency_ms,queue_ms,other_ms,switch_ms,"
          "service_ms,host_ms,units,size_a,size_b", w->o.f);
    for (int j = 0; j < w->ncols; j++)
        fprintf(w->o.f, ",%s", w->cols[j]);
    fputc('\n', w->o.f);
    return w;
}

size_t reqout_row(const reqout *w, const tenant_rec *r, char *buf, size_t len)
{
    const char *name = w->name_csv[r->tenant];
    size_t nl = w->name_len[r->tenant];
    if (len < REQOUT_ROW_MAX + nl)
        return 0;
    char *p = buf;
    p = fmt_int(p, r->rep);
    *p++ = ',';
    memcpy(p, name, nl);
    p += nl;
    *p++ = ',';
    p = fmt_int(p, (int64_t)r->id);     /* ids count requests: far below 2^63 */
    const sim_time_t t[9] = { r->arrival, r->start, r->end, r->end - r->arrival, r->queue_ns,
                              r->other_ns, r->switch_ns, r->service_ns, r->host_ns };
    for (int i = 0; i < 9; i++) {
        *p++ = ',';
        p = fmt_ms(p, t[i]);
    }
    const double g[3] = { r->units, r->size[0], r->size[1] };
    for (int i = 0; i < 3; i++) {
        *p++ = ',';
        p = fmt_g9(p, g[i]);
    }
    const int *cm = &w->col_metric[(size_t)r->tenant * MAX_COLS];
    for (int j = 0; j < w->ncols; j++) {
        *p++ = ',';
        if (cm[j] >= 0)
            p = fmt_f6(p, r->metric[cm[j]]);
    }
    *p++ = '\n';
    return (size_t)(p - buf);
}

/* A row could not be written: remembered for the commit. */
static void fail(reqout *w)
{
    if (w->jobs > 1)
        pthread_mutex_lock(&w->lock);
    w->failed = 1;
    if (w->jobs > 1)
        pthread_mutex_unlock(&w->lock);
}

/* The file replication rep writes to and its batch: requests.csv itself
 * with one thread, else its own temporary (made on its first row, by its
 * own thread). */
static FILE *file_of(reqout *w, int rep, char **batch, size_t **n)
{
    if (w->jobs == 1) {
        *batch = w->batch;
        *n = &w->nbatch;
        return w->o.f;
    }
    if (!w->spill[rep]) {
        w->spill[rep] = tmpfile();
        w->spill_buf[rep] = malloc(BATCH);
        w->spill_n[rep] = 0;
        if (!w->spill_buf[rep] && w->spill[rep]) {
            fclose(w->spill[rep]);
            w->spill[rep] = NULL;
        }
    }
    *batch = w->spill_buf[rep];
    *n = &w->spill_n[rep];
    return w->spill[rep];
}

static void flush_batch(FILE *f, char *batch, size_t *n)
{
    if (*n > 0)
        fwrite(batch, 1, *n, f);     /* errors surface in ferror at commit */
    *n = 0;
}

void reqout_add(void *ud, const tenant_rec *r)
{
    reqout *w = ud;
    char *batch;
    size_t *n;
    FILE *f = file_of(w, r->rep, &batch, &n);
    if (!f) {
        fail(w);
        return;
    }
    size_t need = REQOUT_ROW_MAX + w->name_len[r->tenant];
    if (need <= BATCH / 2) {
        if (*n + need > BATCH)
            flush_batch(f, batch, n);
        *n += reqout_row(w, r, batch + *n, BATCH - *n);
        return;
    }
    flush_batch(f, batch, n);       /* a very long tenant name: a row of its own */
    char *big = malloc(need);
    if (!big) {
        fail(w);
        return;
    }
    fwrite(big, 1, reqout_row(w, r, big, need), f);
    free(big);
}

/* Append replication rep's temporary file to requests.csv and close it. */
static void append(reqout *w, int rep)
{
    FILE *s = w->spill[rep];
    if (!s)
        return;                  /* no rows */
    char *buf = malloc(IO_BUF);
    if (!buf || fflush(s) != 0 || ferror(s) || fseek(s, 0, SEEK_SET) != 0) {
        w->failed = 1;
    } else {
        size_t n;
        while ((n = fread(buf, 1, IO_BUF, s)) > 0)
            if (fwrite(buf, 1, n, w->o.f) != n) {
                w->failed = 1;
                break;
            }
        if (ferror(s))
            w->failed = 1;
    }
    free(buf);
    fclose(s);
    w->spill[rep] = NULL;
}

void reqout_rep_done(void *ud, int rep)
{
    reqout *w = ud;
    if (w->jobs == 1)
        return;
    if (w->spill[rep]) {             /* this replication's thread: its last rows */
        flush_batch(w->spill[rep], w->spill_buf[rep], &w->spill_n[rep]);
        free(w->spill_buf[rep]);
        w->spill_buf[rep] = NULL;
    }
    pthread_mutex_lock(&w->lock);
    w->done[rep] = 1;
    while (w->next < w->reps && w->done[w->next])
        append(w, w->next++);
    pthread_mutex_unlock(&w->lock);
}

int reqout_commit(reqout *w, char *msg, size_t len)
{
    int rc = 0;
    if (w->jobs == 1)
        flush_batch(w->o.f, w->batch, &w->nbatch);
    if (w->failed || (w->jobs > 1 && w->next < w->reps)) {
        snprintf(msg, len, "requests.csv: a temporary file could not be written");
        outfile_abort(&w->o);
        rc = -1;
    } else if (outfile_commit(&w->o, msg, len) < 0) {
        rc = -1;
    }
    free_all(w);
    return rc;
}

void reqout_abort(reqout *w)
{
    outfile_abort(&w->o);
    free_all(w);
}
