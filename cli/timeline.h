/* timeline.h -- a timeline of the first replication: which tenant's context
 * ran on each GPU and when, the context switches between them, and how long
 * each request waited before its first service.
 *
 * The recorder observes the executors through exec_trace_fn (set as
 * model_cfg.trace) and keeps the segments inside a window [from, to),
 * clipped to it, in a buffer sized at init: the observer never allocates.
 * Adjacent segments of the same tenant and kind are joined. Past `max`
 * segments the rest are counted as dropped.
 *
 * Outputs: Chrome trace / Perfetto JSON (chrome://tracing, ui.perfetto.dev)
 * and timeline.csv (gpu,tenant,kind,start_ms,end_ms) for the Gantt chart. */
#ifndef CLI_TIMELINE_H
#define CLI_TIMELINE_H

#include <stdio.h>
#include "scenarios/scenario.h"

typedef struct {
    int        gpu, tenant, kind;     /* kind: EXEC_SEG_RUN or EXEC_SEG_SWITCH */
    sim_time_t start, end;
} trace_seg;

typedef struct {
    int        tenant, what;          /* what: 0 KV use (fraction), 1 batch (sequences) */
    sim_time_t t;
    double     value;
} trace_count;

typedef struct {
    trace_seg  *v;
    size_t      n, max, dropped;
    sim_time_t  from, to;
    tenant_rec *w;             /* replication 0's requests overlapping the window, at most max */
    trace_count *c;            /* engine counters in the window, when they change, at most max */
    size_t      nc, cdropped;
    size_t      nw, wdropped;
} timeline_rec;

/* timeline_init: an empty recorder for [from, to) holding at most max
 * segments. 0, or -1 when out of memory. */
int  timeline_init(timeline_rec *t, sim_time_t from, sim_time_t to, size_t max);
void timeline_free(timeline_rec *t);

/* timeline_observe: the exec_trace_fn; ud is the timeline_rec. */
void timeline_observe(void *ud, const exec *e, exec_seg_kind kind, const exec_ctx *c,
                   sim_time_t start, sim_time_t end);

/* timeline_count: the exec_counter_fn; ud is the timeline_rec. */
void timeline_count(void *ud, const exec *e, int who, const char *what, sim_time_t t, double value);

/* timeline_note_request: keep a copy of r when it is of replication 0 and
 * its time in the system overlaps the window (called with each measured
 * request as it finishes, on replication 0's thread); past max, counted as
 * dropped. */
void timeline_note_request(timeline_rec *t, const tenant_rec *r);

/* timeline_write_chrome: the Chrome trace / Perfetto JSON of t: its
 * segments with args, the requests noted (wait and service slices joined by
 * flows), queue and utilization counters (docs/outputs.md). */
void timeline_write_chrome(FILE *f, const timeline_rec *t, const scn *sc);

/* timeline_write_csv: timeline.csv. */
void timeline_write_csv(FILE *f, const timeline_rec *t, const scn *sc);

#endif
