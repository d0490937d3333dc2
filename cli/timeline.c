/* timeline.c -- the timeline recorder and its two output formats.
 * Invariant: v[0..n) are in the order the executors reported them (time
 * order per GPU) and lie inside [from, to). */
#include "cli/timeline.h"
#include "cli/report.h"

#include <stdlib.h>
#include <string.h>

int timeline_init(timeline_rec *t, sim_time_t from, sim_time_t to, size_t max)
{
    memset(t, 0, sizeof *t);
    t->from = from;
    t->to = to;
    t->max = max;
    t->v = calloc(max ? max : 1, sizeof *t->v);
    t->w = calloc(max ? max : 1, sizeof *t->w);
    t->c = calloc(max ? max : 1, sizeof *t->c);
    return t->v && t->w && t->c ? 0 : -1;
}

void timeline_free(timeline_rec *t)
{
    free(t->v);
    free(t->w);
    free(t->c);
    memset(t, 0, sizeof *t);
}

/* The previous segment of the same GPU when it ends where this one starts. */
static trace_seg *joinable(timeline_rec *t, int gpu, int who, int kind, sim_time_t start)
{
    for (size_t k = t->n; k-- > 0;) {
        trace_seg *s = &t->v[k];
        if (s->gpu != gpu)
            continue;
        return s->end == start && s->tenant == who && s->kind == kind ? s : NULL;
    }
    return NULL;
}

void timeline_observe(void *ud, const exec *e, exec_seg_kind kind, const exec_ctx *c,
                   sim_time_t start, sim_time_t end)
{
    timeline_rec *t = ud;
    if (end <= t->from || start >= t->to)
        return;
    if (start < t->from)
        start = t->from;
    if (end > t->to)
        end = t->to;
    int who = c ? c->tag : -1;
    trace_seg *prev = joinable(t, e->id, who, (int)kind, start);
    if (prev) {
        prev->end = end;
        return;
    }
    if (t->n == t->max) {
        t->dropped++;
        return;
    }
    t->v[t->n++] = (trace_seg){ e->id, who, (int)kind, start, end };
}

static const char *tenant_name(const scn *sc, int i)
{
    return i >= 0 && (size_t)i < sc->cfg.ntenants ? sc->cfg.tenants[i].name : "?";
}

/* A JSON string body: tenant names come from the scenario, so escape. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 32)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static double us(sim_time_t ns) { return (double)ns / 1e3; }

/* Executors are numbered as the model numbers them (share.h). */
static int exec_count(const scn *sc)
{
    return share_exec_count(&sc->cfg);
}

static int tenant_exec(const scn *sc, size_t i)
{
    return share_exec_index(&sc->cfg, &sc->cfg.tenants[i]);
}

/* Perfetto / Chrome trace layout (pids and tids from 1, as the viewers
 * expect):
 *   pid e + 1        executor e (a GPU, or a GPU's MIG instance): tid 1 its
 *                    context switches, tid t + 2 tenant t's bursts on it;
 *                    counter "utilization" (busy share per 1/200 of the window)
 *   pid E + 1        "requests": per tenant up to LANES lanes (tid
 *                    1 + t * LANES + lane), each request a "wait" slice then a
 *                    "service" slice with a flow from one to the other;
 *                    counter "queue TENANT" (requests waiting)
 * Every slice carries args. */
#define LANES 32
#define UTIL_BINS 200
#define ARG_IDS 8

static int exec_of_tenant(const scn *sc, int t)
{
    return t >= 0 && (size_t)t < sc->cfg.ntenants ? tenant_exec(sc, (size_t)t) : -1;
}

static void exec_args(FILE *f, const scn *sc, int e)
{
    char name[96];
    int per = sc->cfg.ngpus > 0 ? exec_count(sc) / sc->cfg.ngpus : 1;
    share_exec_name(&sc->cfg, e, 0, name, sizeof name);
    fprintf(f, "\"gpu\":%d,\"executor\":", per > 0 ? e / per : e);
    json_str(f, name);
}

static void metadata(FILE *f, const scn *sc)
{
    int first = 1, req_pid = exec_count(sc) + 1;
    for (int g = 0; g < exec_count(sc); g++) {
        char name[96];
        share_exec_name(&sc->cfg, g, 1, name, sizeof name);
        fprintf(f, "%s\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"args\":{\"name\":",
                first ? "" : ",", g + 1);
        json_str(f, name);
        fputs("}}", f);
        first = 0;
        fprintf(f, ",\n{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":%d,\"args\":{\"sort_index\":%d}}",
                g + 1, g + 1);
        fprintf(f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":1,"
                "\"args\":{\"name\":\"context switches\"}}", g + 1);
    }
    fprintf(f, ",\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"args\":{\"name\":\"requests\"}}", req_pid);
    fprintf(f, ",\n{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":%d,\"args\":{\"sort_index\":%d}}",
            req_pid, req_pid);
    for (size_t i = 0; i < sc->cfg.ntenants; i++) {
        fprintf(f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%zu,\"args\":{\"name\":",
                tenant_exec(sc, i) + 1, i + 2);
        json_str(f, sc->cfg.tenants[i].name);
        fputs("}}", f);
    }
}

/* The rep-0 requests that overlap the window, with their lanes. */
typedef struct {
    const tenant_rec *r;
    int               lane;      /* -1: more overlapping requests than lanes */
} req_ref;

static int by_arrival(const void *a, const void *b)
{
    const req_ref *x = a, *y = b;
    if (x->r->tenant != y->r->tenant)
        return x->r->tenant < y->r->tenant ? -1 : 1;
    if (x->r->arrival != y->r->arrival)
        return x->r->arrival < y->r->arrival ? -1 : 1;
    return x->r->id < y->r->id ? -1 : x->r->id > y->r->id;
}

static size_t window_requests(const timeline_rec *t, req_ref **out)
{
    size_t n = t->nw;
    *out = NULL;
    if (n == 0 || !(*out = malloc(n * sizeof **out)))
        return 0;
    for (size_t k = 0; k < n; k++)
        (*out)[k] = (req_ref){ &t->w[k], -1 };
    qsort(*out, n, sizeof **out, by_arrival);
    /* lanes: the first lane free at the request's arrival (interval colouring) */
    sim_time_t free_at[LANES];
    int cur = -1;
    for (size_t k = 0; k < n; k++) {
        if ((*out)[k].r->tenant != cur) {
            cur = (*out)[k].r->tenant;
            for (int l = 0; l < LANES; l++)
                free_at[l] = INT64_MIN;
        }
        for (int l = 0; l < LANES; l++)
            if (free_at[l] <= (*out)[k].r->arrival) {
                (*out)[k].lane = l;
                free_at[l] = (*out)[k].r->end;
                break;
            }
    }
    return n;
}

static void request_args(FILE *f, const scn *sc, const tenant_rec *r)
{
    const tenant_cfg *tc = &sc->cfg.tenants[r->tenant];
    fprintf(f, "\"args\":{\"request\":%llu,\"tenant\":", (unsigned long long)r->id);
    json_str(f, tc->name);
    fputc(',', f);
    exec_args(f, sc, tenant_exec(sc, (size_t)r->tenant));
    fprintf(f, ",\"arrival_ms\":%.6f,\"queue_ms\":%.6f,\"other_tenants_ms\":%.6f,\"switch_ms\":%.6f,"
            "\"service_ms\":%.6f,\"units\":%.9g,\"size_a\":%.9g,\"size_b\":%.9g",
            (double)r->arrival / 1e6, (double)r->queue_ns / 1e6, (double)r->other_ns / 1e6,
            (double)r->switch_ns / 1e6, (double)r->service_ns / 1e6, r->units, r->size[0], r->size[1]);
    const char *const *m = tc->wl->metrics;
    for (int k = 0; m && m[k] && k < TENANT_MAX_METRICS; k++)
        fprintf(f, ",\"%s\":%.6f", m[k], r->metric[k]);
    fputc('}', f);
}

static void request_events(FILE *f, const scn *sc, const req_ref *q, size_t n)
{
    int pid = exec_count(sc) + 1;
    int named[64][LANES / 32 + 1];
    memset(named, 0, sizeof named);
    for (size_t k = 0; k < n; k++) {
        const tenant_rec *r = q[k].r;
        if (q[k].lane < 0)
            continue;
        int tid = 1 + r->tenant * LANES + q[k].lane;
        if (r->tenant < 64 && !(named[r->tenant][q[k].lane / 32] & (1 << (q[k].lane % 32)))) {
            named[r->tenant][q[k].lane / 32] |= 1 << (q[k].lane % 32);
            char lane[200];
            snprintf(lane, sizeof lane, "%s #%d", sc->cfg.tenants[r->tenant].name, q[k].lane + 1);
            fprintf(f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"args\":{\"name\":", pid, tid);
            json_str(f, lane);
            fputs("}}", f);
        }
        if (r->start > r->arrival) {
            fprintf(f, ",\n{\"name\":\"wait\",\"cat\":\"request\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,"
                    "\"pid\":%d,\"tid\":%d,", us(r->arrival), us(r->start - r->arrival), pid, tid);
            request_args(f, sc, r);
            fputc('}', f);
            /* the flow from the wait to the service it ends in */
            fprintf(f, ",\n{\"name\":\"wait to service\",\"cat\":\"request\",\"ph\":\"s\",\"id\":%zu,"
                    "\"ts\":%.3f,\"pid\":%d,\"tid\":%d}", k + 1, us(r->arrival), pid, tid);
            fprintf(f, ",\n{\"name\":\"wait to service\",\"cat\":\"request\",\"ph\":\"f\",\"bp\":\"e\","
                    "\"id\":%zu,\"ts\":%.3f,\"pid\":%d,\"tid\":%d}", k + 1, us(r->start), pid, tid);
        }
        fprintf(f, ",\n{\"name\":\"service\",\"cat\":\"request\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,"
                "\"pid\":%d,\"tid\":%d,", us(r->start), us(r->end - r->start), pid, tid);
        request_args(f, sc, r);
        fputc('}', f);
    }
}

typedef struct { sim_time_t t; int d; } qev;

static int by_time(const void *a, const void *b)
{
    const qev *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t ? 1 : x->d - y->d;
}

/* "queue TENANT": requests arrived and not yet in service, over the window
 * (from the kept records: measured requests only). */
static void queue_counters(FILE *f, const scn *sc, const timeline_rec *t)
{
    int pid = exec_count(sc) + 1;
    qev *ev = t->nw ? malloc(2 * t->nw * sizeof *ev) : NULL;
    for (size_t ti = 0; ti < sc->cfg.ntenants; ti++) {
        size_t m = 0;
        for (size_t k = 0; ev && k < t->nw; k++) {
            const tenant_rec *r = &t->w[k];
            if (r->tenant != (int)ti || r->start <= r->arrival)
                continue;
            ev[m++] = (qev){ r->arrival, 1 };
            ev[m++] = (qev){ r->start, -1 };
        }
        if (m > 1)
            qsort(ev, m, sizeof *ev, by_time);
        char name[200];
        snprintf(name, sizeof name, "queue %s", sc->cfg.tenants[ti].name);
        long q = 0;
        size_t k = 0;
        for (; k < m && ev[k].t <= t->from; k++)
            q += ev[k].d;
        fputs(",\n{\"name\":", f);
        json_str(f, name);
        fprintf(f, ",\"ph\":\"C\",\"ts\":%.3f,\"pid\":%d,\"args\":{\"waiting\":%ld}}", us(t->from), pid, q);
        for (; k < m && ev[k].t < t->to; k++) {
            q += ev[k].d;
            if (k + 1 < m && ev[k + 1].t == ev[k].t)
                continue;           /* one value per instant */
            fputs(",\n{\"name\":", f);
            json_str(f, name);
            fprintf(f, ",\"ph\":\"C\",\"ts\":%.3f,\"pid\":%d,\"args\":{\"waiting\":%ld}}", us(ev[k].t), pid, q);
        }
    }
    free(ev);
}

/* "utilization": per executor, the share of each 1/UTIL_BINS of the window
 * spent running a tenant's work (switches excluded). */
static void util_counters(FILE *f, const scn *sc, const timeline_rec *t)
{
    int ne = exec_count(sc);
    double *busy = calloc((size_t)ne * UTIL_BINS, sizeof *busy);
    if (!busy || t->to <= t->from) {
        free(busy);
        return;
    }
    double width = (double)(t->to - t->from) / UTIL_BINS;
    for (size_t k = 0; k < t->n; k++) {
        const trace_seg *s = &t->v[k];
        if (s->kind == EXEC_SEG_SWITCH || s->gpu < 0 || s->gpu >= ne)
            continue;
        double a = (double)(s->start - t->from), b = (double)(s->end - t->from);
        for (int i = (int)(a / width); i < UTIL_BINS && i * width < b; i++) {
            double lo = i * width, hi = lo + width;
            double ov = (b < hi ? b : hi) - (a > lo ? a : lo);
            if (ov > 0)
                busy[(size_t)s->gpu * UTIL_BINS + (size_t)i] += ov / width;
        }
    }
    for (int e = 0; e < ne; e++)
        for (int i = 0; i < UTIL_BINS; i++) {
            double u = busy[(size_t)e * UTIL_BINS + (size_t)i];
            fprintf(f, ",\n{\"name\":\"utilization\",\"ph\":\"C\",\"ts\":%.3f,\"pid\":%d,\"args\":{\"busy\":%.4f}}",
                    us(t->from) + i * width / 1e3, e + 1, u > 1 ? 1.0 : u);
        }
    free(busy);
}

/* The requests of the segment's tenant in service during it (at most
 * ARG_IDS named, all counted). q is sorted by (tenant, arrival). */
static void burst_args(FILE *f, const scn *sc, const trace_seg *s, const req_ref *q, size_t n)
{
    fputs(",\"args\":{\"tenant\":", f);
    json_str(f, tenant_name(sc, s->tenant));
    fputc(',', f);
    exec_args(f, sc, s->gpu);
    if (s->kind == EXEC_SEG_SWITCH) {
        fputc('}', f);
        return;
    }
    size_t lo = 0, hi = n;
    while (lo < hi) {                         /* the tenant's first request */
        size_t mid = (lo + hi) / 2;
        if (q[mid].r->tenant < s->tenant)
            lo = mid + 1;
        else
            hi = mid;
    }
    int count = 0;
    fputs(",\"requests\":[", f);
    for (size_t k = lo; k < n && q[k].r->tenant == s->tenant && q[k].r->arrival < s->end; k++)
        if (q[k].r->start < s->end && q[k].r->end > s->start) {
            if (count < ARG_IDS)
                fprintf(f, "%s%llu", count ? "," : "", (unsigned long long)q[k].r->id);
            count++;
        }
    fprintf(f, "],\"requests_in_service\":%d}", count);
}

void timeline_count(void *ud, const exec *e, int who, const char *what, sim_time_t when, double value)
{
    timeline_rec *t = ud;
    int w = strcmp(what, "kv") == 0 ? 0 : strcmp(what, "batch") == 0 ? 1 : -1;
    (void)e;
    if (w < 0 || when < t->from || when >= t->to)
        return;
    for (size_t k = t->nc; k-- > 0;)             /* only changes: the last value of this counter */
        if (t->c[k].tenant == who && t->c[k].what == w) {
            if (t->c[k].value == value)
                return;
            break;
        }
    if (t->nc == t->max) {
        t->cdropped++;
        return;
    }
    t->c[t->nc++] = (trace_count){ who, w, when, value };
}

void timeline_note_request(timeline_rec *t, const tenant_rec *r)
{
    if (r->rep != 0 || r->end <= t->from || r->arrival >= t->to)
        return;
    if (t->nw == t->max) {
        t->wdropped++;
        return;
    }
    t->w[t->nw++] = *r;
}

void timeline_write_chrome(FILE *f, const timeline_rec *t, const scn *sc)
{
    req_ref *q;
    size_t nq = window_requests(t, &q), undrawn = 0;
    fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", f);
    metadata(f, sc);
    for (size_t k = 0; k < t->n; k++) {
        const trace_seg *s = &t->v[k];
        int sw = s->kind == EXEC_SEG_SWITCH;
        char name[192];
        snprintf(name, sizeof name, "%s%s", sw ? "switch to " : "", tenant_name(sc, s->tenant));
        fputs(",\n{\"name\":", f);
        json_str(f, name);
        fprintf(f, ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,\"pid\":%d,\"tid\":%d",
                sw ? "switch" : "burst", us(s->start), us(s->end - s->start), s->gpu + 1,
                sw || exec_of_tenant(sc, s->tenant) != s->gpu ? 1 : s->tenant + 2);
        burst_args(f, sc, s, q, nq);
        fputc('}', f);
    }
    request_events(f, sc, q, nq);
    for (size_t k = 0; k < nq; k++)
        undrawn += q[k].lane < 0;
    queue_counters(f, sc, t);
    util_counters(f, sc, t);
    for (size_t k = 0; k < t->nc; k++) {          /* the engines' KV use and batch size */
        const trace_count *c = &t->c[k];
        char name[200];
        snprintf(name, sizeof name, "%s %s", c->what ? "batch" : "kv", tenant_name(sc, c->tenant));
        fputs(",\n{\"name\":", f);
        json_str(f, name);
        fprintf(f, ",\"ph\":\"C\",\"ts\":%.3f,\"pid\":%d,\"args\":{\"%s\":%.6g}}", us(c->t), exec_count(sc) + 1,
                c->what ? "sequences" : "used", c->value);
    }
    free(q);
    fprintf(f, "\n],\"otherData\":{\"scenario\":");
    json_str(f, sc->name);
    fprintf(f, ",\"replication\":0,\"window_ms\":[%.6f,%.6f],\"segments_dropped\":%zu,"
            "\"requests_dropped\":%zu,\"requests_not_drawn\":%zu}}\n", (double)t->from / 1e6, (double)t->to / 1e6,
            t->dropped, t->wdropped, undrawn);
}

/* The executor's short name ("0", under MIG "GPU.INSTANCE"), as the
 * summary's table spells it. */
static const char *exec_label(const scn *sc, int e, char *buf, size_t len)
{
    share_exec_name(&sc->cfg, e, 0, buf, len);
    return buf;
}

void timeline_write_csv(FILE *f, const timeline_rec *t, const scn *sc)
{
    char lane[32];
    fputs("gpu,tenant,kind,start_ms,end_ms\n", f);
    for (size_t k = 0; k < t->n; k++) {
        const trace_seg *s = &t->v[k];
        fprintf(f, "%s,", exec_label(sc, s->gpu, lane, sizeof lane));
        report_csv_field(f, tenant_name(sc, s->tenant));
        fprintf(f, ",%s,%.6f,%.6f\n", s->kind == EXEC_SEG_SWITCH ? "switch" : "run", (double)s->start / 1e6,
                (double)s->end / 1e6);
    }
}
