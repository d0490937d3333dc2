/* timeline.c -- the timeline recorder and its two output formats.
 * Invariant: v[0..n) are in the order the executors reported them (time
 * order per GPU) and lie inside [from, to). */
#include "cli/timeline.h"

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
    return t->v && t->w ? 0 : -1;
}

void timeline_free(timeline_rec *t)
{
    free(t->v);
    free(t->w);
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

static void metadata(FILE *f, const scn *sc)
{
    int first = 1;
    for (int g = 0; g < exec_count(sc); g++) {
        char name[96];
        share_exec_name(&sc->cfg, g, 1, name, sizeof name);
        fprintf(f, "%s\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"args\":{\"name\":",
                first ? "" : ",", g + 1);
        json_str(f, name);
        fputs("}}", f);
        first = 0;
        fprintf(f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":0,"
                "\"args\":{\"name\":\"context switches\"}}", g + 1);
    }
    fprintf(f, ",\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":\"requests (waits)\"}}");
    for (size_t i = 0; i < sc->cfg.ntenants; i++) {
        for (int pid = 0; pid <= exec_count(sc); pid++) {
            if (pid > 0 && tenant_exec(sc, i) != pid - 1)
                continue;
            fprintf(f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%zu,\"args\":{\"name\":", pid, i + 1);
            json_str(f, sc->cfg.tenants[i].name);
            fputs("}}", f);
        }
    }
}

void timeline_note_request(timeline_rec *t, const tenant_rec *r)
{
    if (r->rep != 0 || r->start <= r->arrival || r->start <= t->from || r->arrival >= t->to)
        return;
    if (t->nw == t->max) {
        t->wdropped++;
        return;
    }
    t->w[t->nw++] = (trace_wait){ r->tenant, r->id, r->arrival, r->start };
}

void timeline_write_chrome(FILE *f, const timeline_rec *t, const scn *sc)
{
    fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", f);
    metadata(f, sc);
    for (size_t k = 0; k < t->n; k++) {
        const trace_seg *s = &t->v[k];
        int sw = s->kind == EXEC_SEG_SWITCH;
        char name[192];
        snprintf(name, sizeof name, "%s%s", sw ? "switch to " : "", tenant_name(sc, s->tenant));
        fputs(",\n{\"name\":", f);
        json_str(f, name);
        fprintf(f, ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,\"pid\":%d,\"tid\":%d}",
                sw ? "switch" : "burst", us(s->start), us(s->end - s->start), s->gpu + 1,
                sw ? 0 : s->tenant + 1);
    }
    for (size_t k = 0; k < t->nw; k++) {
        const trace_wait *r = &t->w[k];
        for (int e = 0; e < 2; e++)
            fprintf(f, ",\n{\"name\":\"wait\",\"cat\":\"wait\",\"ph\":\"%c\",\"id\":\"%d.%llu\",\"ts\":%.3f,"
                    "\"pid\":0,\"tid\":%d}", e ? 'e' : 'b', r->tenant, (unsigned long long)r->id,
                    us(e ? r->start : r->arrival), r->tenant + 1);
    }
    fprintf(f, "\n],\"otherData\":{\"scenario\":");
    json_str(f, sc->name);
    fprintf(f, ",\"replication\":0,\"window_ms\":[%.6f,%.6f],\"segments_dropped\":%zu,\"waits_dropped\":%zu}}\n",
            (double)t->from / 1e6, (double)t->to / 1e6, t->dropped, t->wdropped);
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
        fprintf(f, "%s,%s,%s,%.6f,%.6f\n", exec_label(sc, s->gpu, lane, sizeof lane), tenant_name(sc, s->tenant),
                s->kind == EXEC_SEG_SWITCH ? "switch" : "run", (double)s->start / 1e6, (double)s->end / 1e6);
    }
}
