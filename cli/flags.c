/* flags.c -- warnings and table marks of a run (flags.h). */
#include "cli/flags.h"
#include "scenarios/netcfg.h"
#include "models/llm.h"
#include "models/training.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli/report.h"
#include "models/accuracy.h"
#include "sim/ci.h"

static const char *const QNAMES[MQ_N] = { "mean", "p50", "p90", "p95", "p99", "p99.9" };

static void add(flags *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append a warning unless the same text is already there. */
static void add(flags *f, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < f->nmsg; i++)
        if (strcmp(f->msg[i], msg) == 0)
            return;
    if (f->nmsg == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 8;
        char **m = realloc(f->msg, cap * sizeof *m);
        if (!m) {
            f->oom = 1;
            return;
        }
        f->msg = m;
        f->cap = cap;
    }
    size_t n = strlen(msg) + 1;
    if (!(f->msg[f->nmsg] = malloc(n))) {
        f->oom = 1;
        return;
    }
    memcpy(f->msg[f->nmsg++], msg, n);
}

/* prof_check's callback: a profile warning, noted for the ? mark. */
static void add_profile(void *ud, const char *msg)
{
    flags *f = ud;
    f->profile = 1;
    add(f, "%s", msg);
}

/* Whether every replication of tenant ti gave the same latencies and
 * throughput (with at least two replications). */
static int all_equal(const model_result *res, int ti)
{
    if (res->reps < 2)
        return 0;
    const model_tenant_rep *a = model_tenant_at(res, 0, ti);
    for (int r = 1; r < res->reps; r++) {
        const model_tenant_rep *b = model_tenant_at(res, r, ti);
        for (int m = MT_THROUGHPUT; m <= MT_P999; m++)
            if (!(a->t[m] == b->t[m]))
                return 0;
    }
    return 1;
}

/* Tenant i's flags and warnings (the rules in flags.h). */
static void tenant_flags(flags *f, const scn *sc, const model_result *res, int i)
{
    flags_tenant *t = &f->t[i];
    const tenant_cfg *tc = &sc->cfg.tenants[i];
    t->min_samples = INFINITY;
    for (int r = 0; r < res->reps; r++) {
        const model_tenant_rep *m = model_tenant_at(res, r, i);
        t->min_samples = fmin(t->min_samples, m->t[MT_COMPLETED]);
        t->unfinished += m->t[MT_UNFINISHED];
    }
    double grew = report_tenant_stat(res, i, MT_BACKLOG).mean;
    double done = report_tenant_stat(res, i, MT_COMPLETED).mean;
    t->none = !(done >= 1);
    t->unsteady = grew > 50 && grew > 0.02 * done;
    t->constant = !t->none && all_equal(res, i);
    char qs[128] = "", need[128] = "";
    for (int q = MQ_P50; q < MQ_N && !t->none; q++) {
        double want = sim_ci_min_samples(model_quantiles[q]);
        t->low[q] = t->min_samples < want;
        if (t->low[q]) {
            size_t n = strlen(qs), k = strlen(need);
            snprintf(qs + n, sizeof qs - n, "%s%s", n ? ", " : "", QNAMES[q]);
            snprintf(need + k, sizeof need - k, "%s%.0f", k ? ", " : "", want);
        }
    }
    if (t->none)
        add(f, "tenant \"%s\" completed no measured request", tc->name);
    if (qs[0])
        add(f, "tenant \"%s\": %s rest on fewer requests in some replication than 10/(1-q) asks "
            "(%s; the fewest a replication completed is the output's samples_per_replication): marked "
            "%s; they are rough and their intervals may not hold their 95%%; lengthen duration_s", tc->name, qs, need, FLAGS_MARK_LOW);
    if (t->unsteady)
        add(f, "tenant \"%s\": %.0f more requests were in the system at the end of the window "
            "than at its start: arrivals outpace service, the run is not in steady state and its "
            "latencies grow with duration_s (marked %s)", tc->name, grew, FLAGS_MARK_UNSTEADY);
    if (t->unfinished > 0)
        add(f, "tenant \"%s\": %.0f requests (over %d replication%s) had not finished %.3g s after "
            "the end of arrivals (overloaded?); its latencies exclude them (marked %s)", tc->name,
            t->unfinished, res->reps, res->reps == 1 ? "" : "s", (double)sc->cfg.drain / 1e9,
            FLAGS_MARK_UNFINISHED);
    if (t->constant)
        add(f, "tenant \"%s\": every replication gave the same figures: nothing random varies "
            "between them (a trace replay or fixed sizes and service times), so its intervals are "
            "zero (marked %s); set tenants.%d.service_noise_cv (a CV of kernel times measured on "
            "your GPU) to let service times vary",
            tc->name, FLAGS_MARK_CONSTANT, i);
}

/* The correction against the group and the ops a collective-running
 * tenant uses it for: a training tenant's data-parallel group (all-reduce
 * with DDP; all-gather and reduce-scatter when it shards), a serving
 * tenant's tensor-parallel group (all-reduce; all-to-all with expert
 * parallelism). A group or op other than the one it was fitted on warns,
 * naming the tenant. Returns the tenants checked. */
static int corr_flags(flags *f, const scn *sc)
{
    int used = 0;
    for (size_t i = 0; i < sc->cfg.ntenants; i++) {
        const tenant_cfg *tc = &sc->cfg.tenants[i];
        const topo *group = NULL;
        coll_op ops[2];
        int nops = 0;
        if (tc->wl == &wl_training) {
            const train_params *p = tc->wl_params;
            if (p->dp > 1 && p->corr) {
                group = &p->net;
                if (p->sharding == TRAIN_DDP)
                    ops[nops++] = COLL_ALLREDUCE;
                else
                    ops[nops++] = COLL_ALLGATHER, ops[nops++] = COLL_REDUCESCATTER;
            }
        } else if (tc->wl == &wl_llm) {
            const llm_params *p = tc->wl_params;
            if (p->tp > 1 && p->tp_corr) {
                group = &p->tp_net;
                ops[nops++] = COLL_ALLREDUCE;
                if (p->ep > 1)
                    ops[nops++] = COLL_ALLTOALL;
            }
        }
        for (int k = 0; k < nops; k++) {
            char msg[512];
            if (coll_corr_check(&sc->net->corr, group, ops[k], msg, sizeof msg) != COLL_CORR_FITS)
                add(f, "network.correction %s: tenant \"%s\": %s", sc->net->correction, tc->name, msg);
        }
        used += nops > 0;
    }
    return used;
}

/* A family whose published rows were measured on other GPUs than the
 * scenario's: the validated error carried beside the figures is theirs,
 * not this GPU's. One warning per family. */
static void gpu_flags(flags *f, const scn *sc)
{
    const acc_entry *e[ACC_MAX_FAMILIES];
    size_t n = acc_unmeasured(&sc->cfg, e);
    for (size_t k = 0; k < n; k++) {
        char list[512] = "";
        size_t used = 0, ng = acc_ngpus(e[k]);
        for (size_t i = 0; i < ng && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i == 0 ? "" : i + 1 == ng ? " and " : ", ",
                                     e[k]->gpus[i]);
        add(f, "no published row of the %s family was measured on %s (hardware.gpu): its rows were measured on "
            "%s, so the validated error reported with these figures does not cover this GPU",
            e[k]->family, sc->cfg.gpu->name, list);
    }
}

int flags_compute(flags *f, const scn *sc, const model_result *res)
{
    memset(f, 0, sizeof *f);
    f->ntenants = res->ntenants;
    f->t = calloc((size_t)(res->ntenants ? res->ntenants : 1), sizeof *f->t);
    if (!f->t)
        return -1;
    if (res->reps < 2)
        add(f, "one replication: no confidence intervals and no verdict beyond uncertain "
            "(set replications >= 3)");
    for (int i = 0; i < res->ntenants; i++)
        tenant_flags(f, sc, res, i);
    prof_check(sc->profile, &sc->cfg, add_profile, f);
    gpu_flags(f, sc);
    if (sc->net && sc->net->correction && corr_flags(f, sc) == 0) {
        /* no tenant runs a collective: the correction against the scenario's whole platform */
        char msg[512];
        if (coll_corr_check(&sc->net->corr, &sc->net->t, COLL_ALLREDUCE, msg, sizeof msg) != COLL_CORR_FITS)
            add(f, "network.correction %s: %s", sc->net->correction, msg);
    }
    return f->oom ? -1 : 0;
}

void flags_free(flags *f)
{
    for (size_t i = 0; i < f->nmsg; i++)
        free(f->msg[i]);
    free(f->msg);
    free(f->t);
    memset(f, 0, sizeof *f);
}

const char *flags_marks(const flags *f, int ti, int q, char *buf, size_t len)
{
    const flags_tenant *t = &f->t[ti];
    snprintf(buf, len, "%s%s%s%s", q > MQ_MEAN && t->low[q] ? FLAGS_MARK_LOW : "",
             t->unsteady ? FLAGS_MARK_UNSTEADY : "", q >= MQ_MEAN && t->unfinished > 0 ? FLAGS_MARK_UNFINISHED : "",
             f->profile ? FLAGS_MARK_PROFILE : "");
    return buf;
}

const char *flags_mark(char *buf, size_t len, const char *fig, flags *f, int ti, int q, const sim_ci *c)
{
    char m[16];
    f->t[ti].constant_figure |= c->constant;
    snprintf(buf, len, "%s%s%s", fig, flags_marks(f, ti, q, m, sizeof m), c->constant ? FLAGS_MARK_CONSTANT : "");
    return buf;
}

void flags_legend_many(const flags *const *fl, size_t n, FILE *out, const char *indent)
{
    int low = 0, unsteady = 0, unfinished = 0, constant = 0, profile = 0;
    for (size_t k = 0; k < n; k++) {
        const flags *f = fl[k];
        for (int i = 0; f && i < f->ntenants; i++) {
            for (int q = MQ_P50; q < MQ_N; q++)
                low |= f->t[i].low[q];
            unsteady |= f->t[i].unsteady;
            unfinished |= f->t[i].unfinished > 0;
            constant |= f->t[i].constant || f->t[i].constant_figure;
        }
        profile |= f && f->profile;
    }
    if (low)
        fprintf(out, "%s%s  from fewer than 10/(1-q) requests in a replication: rough, interval not assured\n",
                indent, FLAGS_MARK_LOW);
    if (unsteady)
        fprintf(out, "%s%s  not in steady state: the backlog grew over the window; figures depend on duration_s\n",
                indent, FLAGS_MARK_UNSTEADY);
    if (unfinished)
        fprintf(out, "%s%s  requests unfinished at the drain limit are left out of the latencies\n", indent,
                FLAGS_MARK_UNFINISHED);
    if (constant)
        fprintf(out, "%s%s  the same in every replication: nothing random moved it, its interval is zero\n", indent,
                FLAGS_MARK_CONSTANT);
    if (profile)
        fprintf(out, "%s%s  rests on a GPU profile that is datasheet-only or was left by the run (see stderr)\n",
                indent, FLAGS_MARK_PROFILE);
}

void flags_legend(const flags *f, FILE *out, const char *indent)
{
    flags_legend_many(&f, 1, out, indent);
}

/* Whether f (may be NULL) holds the warning text msg. */
static int has_msg(const flags *f, const char *msg)
{
    for (size_t i = 0; f && i < f->nmsg; i++)
        if (strcmp(f->msg[i], msg) == 0)
            return 1;
    return 0;
}

void flags_print_grouped(FILE *err, const char *cmd, const flags *const *fl, const char *const *labels,
                         size_t n)
{
    for (size_t k = 0; k < n; k++)
        for (size_t m = 0; fl[k] && m < fl[k]->nmsg; m++) {
            const char *msg = fl[k]->msg[m];
            int seen = 0;
            for (size_t j = 0; j < k && !seen; j++)
                seen = has_msg(fl[j], msg);
            if (seen)
                continue;
            fprintf(err, "slicesim: %s: warning (%s", cmd, labels[k]);
            for (size_t j = k + 1; j < n; j++)
                if (has_msg(fl[j], msg))
                    fprintf(err, ", %s", labels[j]);
            fprintf(err, "): %s\n", msg);
        }
}

void flags_print(const flags *f, FILE *err, const char *prefix)
{
    for (size_t i = 0; i < f->nmsg; i++)
        fprintf(err, "slicesim: %swarning: %s\n", prefix, f->msg[i]);
}
