/* val_sharing.c -- validation cases of the sharing models against the
 * measured rows of calibration/data/sharing_measured.csv (families
 * timeslice, mps, mig; source published; docs/sharing.md gives the tables).
 *
 * Each row is a workload measured alone and with N tenants sharing one GPU.
 * The case runs the same sharing through the model: N tenants, each a
 * closed loop of requests whose time alone is the row's `alone` value, on
 * the row's GPU's sharing parameters, and compares the model's latency (or
 * total throughput) with the measurement. Tolerance 25% per row (issue 12's
 * target: no row beyond 25%, 10% mean). */
#include "cli/validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/report.h"
#include "models/ctxsw.h"
#include "scenarios/scenario.h"

#define ROW_TOL 0.25

typedef struct {
    char   family[16], item[96], gpu[32], mode[16], unit[32];
    int    tenants;
    double alone, value;
} meas_row;

/* Read the rows of `family`; calls fn on each. Returns rows read, -1 when
 * the file is missing (the case is skipped). */
static int each_row(val_out *o, const char *family, void (*fn)(val_out *, const meas_row *))
{
    char path[900], line[1024];
    val_path(o, "calibration/data/sharing_measured.csv", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(line, sizeof line, "%s not found (run from the repository root or give --root)", path);
        val_skip(o, line);
        return -1;
    }
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        meas_row r;
        if (sscanf(line, "%15[^,],%95[^,],%31[^,],%15[^,],%d,%lf,%lf,%31[^,]", r.family, r.item, r.gpu, r.mode,
                   &r.tenants, &r.alone, &r.value, r.unit) != 8 || strcmp(r.family, family) != 0)
            continue;
        fn(o, &r);
        n++;
    }
    fclose(f);
    if (n == 0)
        val_broken(o, "no rows of this family in calibration/data/sharing_measured.csv");
    return n;
}

/* Is the row a throughput (the sum over tenants) rather than a latency? */
static int is_rate(const meas_row *r) { return strchr(r->unit, '/') != NULL; }

/* The time one request takes alone, ms. */
static double alone_ms(const meas_row *r) { return is_rate(r) ? 1e3 / r->alone : r->alone * 1e3; }

/* Run text; the predicted value in the row's unit (mean latency in s or the
 * sum of throughputs), NAN on error (the case is then broken). */
static double predict(val_out *o, const meas_row *r, const char *text)
{
    char msg[1024];
    scn *sc = NULL;
    model_result res;
    if (scn_load_text(text, o->case_name, NULL, 0, &sc, msg, sizeof msg) != SCN_OK) {
        val_broken(o, msg);
        return NAN;
    }
    if (model_run(&sc->cfg, &res, msg, sizeof msg) < 0) {
        val_broken(o, msg);
        scn_free(sc);
        return NAN;
    }
    double x = 0;
    for (int t = 0; t < r->tenants; t++)
        x += is_rate(r) ? report_tenant_stat(&res, t, MT_THROUGHPUT).mean
                        : report_tenant_stat(&res, t, MT_MEAN).mean / 1e3 / r->tenants;
    model_result_free(&res);
    scn_free(sc);
    return x;
}

/* N closed-loop synthetic tenants, each request service_ms alone, with
 * wl_extra inside each workload object and t_extra inside each tenant
 * (both "" or JSON members ending in a comma). */
static void scenario_text(char *buf, size_t len, const meas_row *r, const char *sharing, const char *wl_extra,
                          const char *t_extra, double service_ms)
{
    double dur = 30.0 * r->tenants * service_ms / 1e3;
    size_t used = (size_t)snprintf(buf, len,
        "{\"seed\": 3, \"duration_s\": %.6g, \"warmup_s\": %.6g, \"replications\": 1,"
        " \"hardware\": {\"gpu\": \"a100-sxm-80gb\"}, \"sharing\": %s, \"tenants\": [",
        dur, dur / 10, sharing);
    for (int t = 0; t < r->tenants && used < len; t++)
        used += (size_t)snprintf(buf + used, len - used,
                                 "%s{\"name\": \"p%d\", %s\"workload\": {\"type\": \"synthetic\", %s"
                                 "\"service_ms\": {\"dist\": \"deterministic\", \"mean\": %.9g}}, "
                                 "\"arrivals\": {\"type\": \"closed\", \"users\": 1, \"think_s\": 0}}",
                                 t == 0 ? "" : ",", t, t_extra, wl_extra, service_ms);
    if (used < len)
        snprintf(buf + used, len - used, "]}");
}

/* ---- time-slicing ---- */

/* The switch cost is the parts' sum for the row's GPU with instruction-level
 * preemption (CUDA's default for compute since Pascal), the slice the
 * native 1.024 ms. The GPU preset of the scenario only hosts the executor:
 * every request's time alone is given. */
static void timeslice_row(val_out *o, const meas_row *r)
{
    const ctxsw_arch *a = ctxsw_arch_find(r->gpu);
    char sharing[256], text[8192], q[160];
    if (!a) {
        val_broken(o, "a row names a GPU without context-switch sizes (models/ctxsw.c)");
        return;
    }
    ctxsw_parts p;
    ctxsw_parts_of(a, TS_PREEMPT_INSTRUCTION, 0, &p);
    snprintf(sharing, sizeof sharing, "{\"mode\": \"timeslice\", \"timeslice_ms\": 1.024, \"preemption\": "
             "\"instruction\", \"switch_cost_us\": %.6g}", ctxsw_total_us(&p));
    scenario_text(text, sizeof text, r, sharing, "", "", alone_ms(r));
    snprintf(q, sizeof q, "%s %s x%d", r->gpu, r->item, r->tenants);
    val_unit_row(o, q, r->unit, predict(o, r, text), r->value, ROW_TOL);
}

void val_case_timeslice(val_out *o)
{
    each_row(o, "timeslice", timeslice_row);
}
