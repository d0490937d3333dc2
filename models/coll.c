/* coll.c -- NCCL's choice and cost of a collective, its correction from
 * measurements, and noisy completion over ranks (coll.h).
 *
 * Invariants:
 *  - Estimates are pure functions of (topology, op, size, correction).
 *  - The choice is made on NCCL's uncorrected model; the correction only
 *    changes the time of the chosen pair.
 *  - A sampler allocates once (coll_sampler_init); coll_sample_* never
 *    allocate. Randomness comes only from the caller's gsl_rng. */
#include "models/coll.h"
#include <ctype.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_interp.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"
#include <gsl/gsl_sf_psi.h>

static const struct { const char *name, *perf; } OPS[COLL_NOPS] = {
    [COLL_ALLREDUCE] = { "allreduce", "all_reduce_perf" },
    [COLL_ALLGATHER] = { "allgather", "all_gather_perf" },
    [COLL_REDUCESCATTER] = { "reducescatter", "reduce_scatter_perf" },
    [COLL_BROADCAST] = { "broadcast", "broadcast_perf" },
    [COLL_REDUCE] = { "reduce", "reduce_perf" },
    [COLL_ALLTOALL] = { "alltoall", "alltoall_perf" },
    [COLL_SENDRECV] = { "sendrecv", "sendrecv_perf" },
};

/* name in lower case without '_' and '-' ("AllReduce", "all-reduce" and
 * "all_reduce" all read "allreduce"), cut to len - 1; 0 when it holds
 * other characters than letters, '_' and '-'. */
static int op_key(const char *name, char *key, size_t len)
{
    size_t n = 0;
    for (const char *p = name; *p; p++) {
        if (*p == '_' || *p == '-')
            continue;
        if (!isalpha((unsigned char)*p) || n + 1 >= len)
            return 0;
        key[n++] = (char)tolower((unsigned char)*p);
    }
    key[n] = '\0';
    return n > 0;
}

int coll_op_parse(const char *name)
{
    char key[40];
    if (!op_key(name, key, sizeof key))
        return -1;
    size_t n = strlen(key);
    if (n > 4 && strcmp(key + n - 4, "perf") == 0)
        key[n - 4] = '\0';                 /* nccl-tests' binary: all_reduce_perf */
    for (int i = 0; i < COLL_NOPS; i++)
        if (strcmp(key, OPS[i].name) == 0)
            return i;
    return -1;
}

const char *coll_op_name(coll_op op) { return OPS[op].name; }
const char *coll_op_perf_name(coll_op op) { return OPS[op].perf; }

double coll_busbw_factor(coll_op op, int ranks)
{
    double n = ranks;
    switch (op) {
    case COLL_ALLREDUCE: return 2.0 * (n - 1) / n;
    case COLL_ALLGATHER:
    case COLL_REDUCESCATTER:
    case COLL_ALLTOALL: return (n - 1) / n;
    default: return 1.0;
    }
}

int coll_ring_steps(coll_op op, int ranks)
{
    switch (op) {
    case COLL_ALLREDUCE: return 2 * (ranks - 1);
    case COLL_BROADCAST:
    case COLL_REDUCE: return ranks;
    default: return ranks - 1;
    }
}

double coll_intra_lat_us(const topo *t, const coll_proto *p, coll_algo_id a)
{
    return p->hw_lat_us(a, t->intra);
}

double coll_inter_lat_us(const topo *t, const coll_proto *p, coll_algo_id a)
{
    return p->hw_lat_us(a, TOPO_LINK_NET) * t->net_lat_scale + t->net_lat_add_us;
}

double coll_bus_gbs(const topo *t)
{
    if (t->nodes == 1)
        return t->intra_gbs;
    if (t->ppn == 1)
        return t->inter_gbs;
    return t->intra_gbs < t->inter_gbs ? t->intra_gbs : t->inter_gbs;
}

/* --- correction --- */

int coll_corr_init(const coll_corr *c)
{
    if (c->n < 0 || c->n > COLL_CORR_MAX || !(c->lat_scale > 0))
        return -1;
    for (int i = 0; i < c->n; i++)
        if (!(c->eff[i] > 0) || (i > 0 && !(c->log2_size[i] > c->log2_size[i - 1])))
            return -1;
    return 0;
}

double coll_corr_eff(const coll_corr *c, double bytes)
{
    if (!c || c->n == 0)
        return 1.0;
    if (c->n == 1)
        return c->eff[0];
    double x = log2(bytes);
    if (x <= c->log2_size[0])
        return c->eff[0];
    if (x >= c->log2_size[c->n - 1])
        return c->eff[c->n - 1];
    size_t i = gsl_interp_bsearch(c->log2_size, x, 0, (size_t)c->n - 1);
    double f = (x - c->log2_size[i]) / (c->log2_size[i + 1] - c->log2_size[i]);
    return c->eff[i] + f * (c->eff[i + 1] - c->eff[i]);
}

/* Append "; " (after the first) and "A, not B" to buf (cut at len). */
static void add_clause(char *buf, size_t len, const char *a, const char *b)
{
    size_t n = strlen(buf);
    if (n + 3 >= len)
        return;
    snprintf(buf + n, len - n, "%s%s, not %s", n > 0 ? "; " : "", a, b);
}

static void version_text(int v, char *buf, size_t len)
{
    snprintf(buf, len, "%d.%d.%d", v / 10000 % 100, v / 100 % 100, v % 100);
}

/* Every recorded field of c's platform that differs from t and op. */
static void corr_mismatches(const coll_corr *c, const topo *t, coll_op op, char *what, size_t len)
{
    char a[64], b[64], v[16];
    what[0] = '\0';
    if (c->topo[0] && strcmp(c->topo, t->preset->name) != 0) {
        snprintf(a, sizeof a, "server %s", c->topo);
        add_clause(what, len, a, t->preset->name);
    }
    if (c->nodes > 0 && (c->nodes != t->nodes || c->ppn != t->ppn)) {
        snprintf(a, sizeof a, "%d node(s) x %d GPUs", c->nodes, c->ppn);
        snprintf(b, sizeof b, "%d x %d", t->nodes, t->ppn);
        add_clause(what, len, a, b);
    }
    if (c->op >= 0 && c->op != (int)op)
        add_clause(what, len, coll_op_name((coll_op)c->op), coll_op_name(op));
    if (c->virt[0] && strcmp(c->virt, topo_virt_at(t->virt)->name) != 0) {
        snprintf(a, sizeof a, "virtualization %.31s", c->virt);
        add_clause(what, len, a, topo_virt_at(t->virt)->name);
    }
    if (c->sel.algos[op] != t->sel.algos[op] || c->sel.protos[op] != t->sel.protos[op]) {
        char sel[112] = "";
        if (c->algo_text[0])
            snprintf(sel, sizeof sel, "NCCL_ALGO=%.40s", c->algo_text);
        if (c->proto_text[0])
            snprintf(sel + strlen(sel), sizeof sel - strlen(sel), "%sNCCL_PROTO=%.40s", sel[0] ? " " : "",
                     c->proto_text);
        add_clause(what, len, sel[0] ? sel : "NCCL's own choice of algorithm and protocol",
                   t->sel.algos[op] || t->sel.protos[op] ? "the NCCL_ALGO / NCCL_PROTO lists here"
                                                         : "NCCL's own choice");
    }
    if (c->nccl_version > 0 && c->nccl_version != t->nccl_version) {
        version_text(c->nccl_version, v, sizeof v);
        snprintf(a, sizeof a, "NCCL %s's constants", v);
        version_text(t->nccl_version, v, sizeof v);
        snprintf(b, sizeof b, "%s's", v);
        add_clause(what, len, a, b);
    }
}

const char *coll_size_text(double bytes, char *buf, size_t len)
{
    static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;
    double x = bytes;
    while (x >= 1024 && u < 4) {
        x /= 1024;
        u++;
    }
    if (x == floor(x))
        snprintf(buf, len, "%.0f %s", x, unit[u]);
    else
        snprintf(buf, len, "%.3g %s", x, unit[u]);
    return buf;
}

int coll_corr_check(const coll_corr *c, const topo *t, coll_op op, char *msg, size_t len)
{
    msg[0] = '\0';
    if (!c || (c->n == 0 && c->lat_scale == 1))
        return COLL_CORR_FITS;
    if (!c->has_platform) {
        snprintf(msg, len, "the correction records no platform; it may have been fitted elsewhere than %s "
                 "%d x %d", t->preset->name, t->nodes, t->ppn);
        return COLL_CORR_WARN;
    }
    if (c->gpu[0] && strcmp(c->gpu, t->gpu->name) != 0) {
        snprintf(msg, len, "the correction was fitted on %s GPUs (%s) and cannot apply to %s: other links "
                 "and NCCL constants", c->gpu, c->topo, t->gpu->name);
        return COLL_CORR_CANNOT;
    }
    char what[400], worst[160] = "";
    corr_mismatches(c, t, op, what, sizeof what);
    if (c->fit_max_err > 0.10) {
        char at[48] = "", sz[32];
        if (c->fit_max_err_size > 0)
            snprintf(at, sizeof at, " (at %s)", coll_size_text(c->fit_max_err_size, sz, sizeof sz));
        snprintf(worst, sizeof worst, "misses its own log by up to %.0f%%%s: it does not capture that platform "
                 "well", 100 * c->fit_max_err, at);
    }
    if (what[0])
        snprintf(msg, len, "the correction was fitted on %s: its efficiencies may not hold here%s%s", what,
                 worst[0] ? "; and it " : "", worst);
    else if (worst[0])
        snprintf(msg, len, "the correction %s", worst);
    return what[0] || worst[0] ? COLL_CORR_WARN : COLL_CORR_FITS;
}

/* --- estimate --- */

static const coll_algo *const ALGOS[] = { &coll_tree, &coll_ring, &coll_nvls, &coll_nvlstree, &coll_p2p };
static const coll_proto *const PROTOS[] = { &coll_ll, &coll_ll128, &coll_simple };   /* by coll_proto_id */
#define NALG (sizeof ALGOS / sizeof ALGOS[0])
#define NPROT (sizeof PROTOS / sizeof PROTOS[0])

double coll_pair_time_us(const topo *t, coll_op op, double bytes,
                         const coll_algo *a, const coll_proto *p)
{
    if (!a->supports(t, op, p, bytes))
        return INFINITY;
    return a->latency_us(t, op, p, bytes) + bytes / (1000.0 * a->algbw_gbs(t, op, p, bytes));
}

/* NCCL's ranking: the pair with the lowest estimate among those
 * NCCL_ALGO / NCCL_PROTO leave (every pair when !lists) into out; its
 * estimate, INFINITY when none runs op on t. */
static double rank_pairs(const topo *t, coll_op op, double bytes, int lists, coll_est *out)
{
    double best = INFINITY;
    for (size_t i = 0; i < NALG; i++)
        for (size_t j = 0; j < NPROT; j++) {
            if (lists && !coll_sel_allows(&t->sel, op, (int)ALGOS[i]->id, (int)PROTOS[j]->id))
                continue;
            double x = coll_pair_time_us(t, op, bytes, ALGOS[i], PROTOS[j]);
            if (x < best) {
                best = x;
                out->algo = ALGOS[i];
                out->proto = PROTOS[j];
            }
        }
    return best;
}

/* A tuner rule's pair, when the lists leave it and it runs op on t (as
 * NCCL's example tuner, which can only pick a pair NCCL has not ruled
 * out); its estimate, else INFINITY. */
static double tuned_pair(const topo *t, coll_op op, double bytes, const coll_sel_rule *r, coll_est *out)
{
    if (!coll_sel_allows(&t->sel, op, r->algo, r->proto))
        return INFINITY;
    for (size_t i = 0; i < NALG; i++)
        if ((int)ALGOS[i]->id == r->algo) {
            double x = coll_pair_time_us(t, op, bytes, ALGOS[i], PROTOS[r->proto]);
            if (isfinite(x)) {
                out->algo = ALGOS[i];
                out->proto = PROTOS[r->proto];
            }
            return x;
        }
    return INFINITY;
}

int coll_estimate(const topo *t, coll_op op, double bytes, const coll_corr *corr,
                  coll_est *out)
{
    memset(out, 0, sizeof *out);
    /* the tuner's rule first (its channels apply whatever pair runs), then
     * NCCL's ranking within NCCL_ALGO / NCCL_PROTO, then, when those leave
     * no pair that runs op here, NCCL's ranking over all pairs */
    topo tuned;
    const coll_sel_rule *r = coll_sel_match(&t->sel, op, bytes, t->nodes, topo_ranks(t));
    if (r && r->channels > 0) {
        tuned = *t;
        tuned.call_channels = r->channels;
        t = &tuned;
    }
    double best = r ? tuned_pair(t, op, bytes, r, out) : INFINITY;
    if (!out->algo)
        best = rank_pairs(t, op, bytes, 1, out);
    if (!out->algo)
        best = rank_pairs(t, op, bytes, 0, out);
    if (!out->algo)
        return -1;
    double scale = corr && corr->n >= 0 && corr->lat_scale > 0 ? corr->lat_scale : 1.0;
    out->nccl_us = best;
    coll_run run = { 0, 0 };
    double us = out->algo->achieved_us(t, op, out->proto, bytes, &run);
    /* the correction: its latency factor on the start-up and syncs, its
     * efficiency on the data's part */
    out->channels = run.channels;
    out->lat_us = (us - run.xfer_us) * scale;
    out->time_us = out->lat_us + run.xfer_us / coll_corr_eff(corr, bytes);
    out->algbw_gbs = bytes / (1000.0 * out->time_us);
    out->steps = out->algo->id == COLL_ALGO_RING ? coll_ring_steps(op, topo_ranks(t)) : 0;
    return 0;
}

/* --- stragglers: expectations --- */

typedef struct { const coll_noise *nz; int n; double q, d; } max_ctx;

static double jitter_cdf(const coll_noise *nz, double x)
{
    switch (nz->jitter) {
    case COLL_JITTER_EXPONENTIAL:
        return nz->jitter_us > 0 ? (x <= 0 ? 0 : gsl_cdf_exponential_P(x, nz->jitter_us)) : (x >= 0);
    case COLL_JITTER_NORMAL:
        return nz->jitter_us > 0 ? gsl_cdf_gaussian_P(x, nz->jitter_us) : (x >= 0);
    default:
        return x >= 0;
    }
}

/* CDF of one rank's delay: jitter plus at most one interruption of d. */
static double rank_cdf(const max_ctx *c, double x)
{
    double f = jitter_cdf(c->nz, x);
    return c->q > 0 ? (1 - c->q) * f + c->q * jitter_cdf(c->nz, x - c->d) : f;
}

static double upper_tail(double x, void *p)
{
    const max_ctx *c = p;
    return 1.0 - pow(rank_cdf(c, x), c->n);
}

static double lower_mass(double x, void *p)
{
    const max_ctx *c = p;
    return pow(rank_cdf(c, x), c->n);
}

/* E[max] = int_0^inf (1 - F^n) dx - int_-inf^0 F^n dx, split at the
 * interruption length where F has a jump. */
static double expected_max(const max_ctx *c)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    if (!w)
        return NAN;
    gsl_function up = { upper_tail, (void *)c }, lo = { lower_mass, (void *)c };
    double a = 0, b = 0, e = 0, z = 0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    if (c->d > 0) {
        gsl_integration_qags(&up, 0, c->d, 1e-12, 1e-9, 1000, w, &a, &e);
        gsl_integration_qagiu(&up, c->d, 1e-12, 1e-9, 1000, w, &b, &e);
    } else {
        gsl_integration_qagiu(&up, 0, 1e-12, 1e-9, 1000, w, &b, &e);
    }
    if (c->nz->jitter == COLL_JITTER_NORMAL && c->nz->jitter_us > 0)
        gsl_integration_qagil(&lo, 0, 1e-12, 1e-9, 1000, w, &z, &e);
    gsl_set_error_handler(old);
    gsl_integration_workspace_free(w);
    return a + b - z;
}

static int jitter_is_zero(const coll_noise *nz)
{
    return nz->jitter == COLL_JITTER_NONE || nz->jitter_us <= 0;
}

double coll_expected_max_us(const coll_noise *nz, int n)
{
    if (jitter_is_zero(nz) || n < 1)
        return 0;
    if (nz->jitter == COLL_JITTER_EXPONENTIAL)   /* theta H_n, H_n = psi(n+1) + gamma */
        return nz->jitter_us * (gsl_sf_psi_int(n + 1) + M_EULER);
    max_ctx c = { nz, n, 0, 0 };
    return expected_max(&c);
}

double coll_expected_straggler_us(const coll_noise *nz, int n, double time_us)
{
    double q = -expm1(-nz->noise_rate_per_s * time_us * 1e-6);
    double d = nz->noise_us;
    if (!(q > 0 && d > 0))
        return coll_expected_max_us(nz, n);
    if (jitter_is_zero(nz))
        return d * (1 - pow(1 - q, n));
    max_ctx c = { nz, n, q, d };
    return expected_max(&c);
}

/* --- stragglers: sampling --- */

int coll_sampler_init(coll_sampler *s, const topo *t, const coll_noise *nz,
                      const coll_corr *corr)
{
    memset(s, 0, sizeof *s);
    s->t = t;
    s->corr = corr;
    s->noise = *nz;
    s->n = topo_ranks(t);
    s->fin = malloc((size_t)s->n * sizeof *s->fin);
    s->next = malloc((size_t)s->n * sizeof *s->next);
    if (!s->fin || !s->next) {
        coll_sampler_free(s);
        return -1;
    }
    return 0;
}

void coll_sampler_free(coll_sampler *s)
{
    free(s->fin);
    free(s->next);
    s->fin = s->next = NULL;
}

static double draw_jitter(const coll_noise *nz, gsl_rng *r)
{
    if (jitter_is_zero(nz))
        return 0;
    if (nz->jitter == COLL_JITTER_EXPONENTIAL)
        return sim_ran_exponential(r, nz->jitter_us);
    return sim_ran_gaussian(r, nz->jitter_us);
}

/* Interruptions while a rank works for us microseconds. */
static double draw_noise(const coll_noise *nz, double us, gsl_rng *r)
{
    if (nz->noise_rate_per_s <= 0 || nz->noise_us <= 0 || us <= 0)
        return 0;
    return gsl_ran_poisson(r, nz->noise_rate_per_s * us * 1e-6) * nz->noise_us;
}

/* The max of n i.i.d. jitters in one draw: F^-1(U^(1/n)), with the upper
 * tail 1 - U^(1/n) computed without cancellation. */
static double draw_max_jitter(const coll_noise *nz, int n, gsl_rng *r)
{
    if (jitter_is_zero(nz))
        return 0;
    double tail = -expm1(log(gsl_rng_uniform_pos(r)) / n);
    if (nz->jitter == COLL_JITTER_EXPONENTIAL)
        return -nz->jitter_us * log(tail);
    return gsl_cdf_gaussian_Qinv(tail, nz->jitter_us);
}

/* The max over n ranks of (jitter + interruptions) without a draw per
 * rank, so that thousands of ranks cost a handful of draws: the number of
 * ranks interrupted k times is multinomial over k (drawn as successive
 * binomials of the Poisson probabilities), and the latest of the m ranks
 * interrupted k times arrives at k d + the max of m jitters, one draw. */
static double sample_max_mode(coll_sampler *s, double time_us, gsl_rng *r)
{
    const coll_noise *nz = &s->noise;
    if (nz->noise_rate_per_s <= 0 || nz->noise_us <= 0 || time_us <= 0)
        return draw_max_jitter(nz, s->n, r) + time_us;
    double mu = nz->noise_rate_per_s * time_us * 1e-6, rest = 1, worst = -INFINITY;
    unsigned left = (unsigned)s->n;
    for (unsigned k = 0; left > 0; k++) {
        double pk = gsl_ran_poisson_pdf(k, mu);
        unsigned m = pk >= rest ? left : gsl_ran_binomial(r, pk / rest, left);
        rest -= pk;
        if (m > 0) {
            double x = k * nz->noise_us + draw_max_jitter(nz, (int)m, r);
            worst = x > worst ? x : worst;
        }
        left -= m;
    }
    return worst + time_us;
}

/* Ring step k of rank i needs its own step k-1 and the data of its
 * predecessor's step k-1. */
static double sample_chunk_mode(coll_sampler *s, double time_us, int steps, gsl_rng *r)
{
    const coll_noise *nz = &s->noise;
    int n = s->n;
    double tau = time_us / steps;
    for (int i = 0; i < n; i++)
        s->fin[i] = draw_jitter(nz, r);
    for (int k = 0; k < steps; k++) {
        for (int i = 0; i < n; i++) {
            double own = s->fin[i], pred = s->fin[i == 0 ? n - 1 : i - 1];
            s->next[i] = (own > pred ? own : pred) + tau + draw_noise(nz, tau, r);
        }
        double *swap = s->fin;
        s->fin = s->next;
        s->next = swap;
    }
    double worst = -INFINITY;
    for (int i = 0; i < n; i++)
        worst = s->fin[i] > worst ? s->fin[i] : worst;
    return worst;
}

double coll_sample_us(coll_sampler *s, coll_op op, double bytes, gsl_rng *r, coll_est *est)
{
    coll_est e;
    if (coll_estimate(s->t, op, bytes, s->corr, &e) < 0)
        return -1;
    if (est)
        *est = e;
    if (s->noise.mode == COLL_MODE_CHUNK && e.steps > 0)
        return sample_chunk_mode(s, e.time_us, e.steps, r);
    return sample_max_mode(s, e.time_us, r);
}

sim_time_t coll_sample_ns(coll_sampler *s, coll_op op, double bytes, gsl_rng *r)
{
    double us = coll_sample_us(s, op, bytes, r, NULL);
    if (us < 0)
        return -1;
    sim_time_t ns = sim_round_ns(us * 1e3);
    return ns > 0 ? ns : 1;
}
