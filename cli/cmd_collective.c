/* cmd_collective.c -- `slicesim collective`: NCCL's choice and time of one
 * collective over a range of sizes, as an nccl-tests table
 * (docs/collectives.md).
 *
 *   slicesim collective --gpu G --nodes N --gpus-per-node P --op OP
 *                       [--min 8] [--max 8G] [-o DIR] [--plot] ...
 *
 * Sizes double from --min to --max (nccl-tests -b/-e/-f). With noise
 * options each size is drawn --iters times from stream (seed, 0, 0, size
 * index) and the table shows the mean, as nccl-tests averages iterations. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/outfile.h"
#include "calibration/nccltests.h"
#include "models/accuracy.h"
#include "models/coll.h"
#include "plots/plot.h"
#include "scenarios/netcfg.h"
#include "scenarios/scenario.h"
#include "sim/rng.h"
#include "sim/sample.h"

#define MAX_CHUNK_RANKS 2048

typedef struct {
    const char *gpu, *topo, *op, *virt, *outdir, *correction, *jitter, *mode, *scenario;
    const char *nccl_version, *algo, *proto, *tuner;
    long   nodes, ppn, iters, seed, channels, nics;
    double min, max, factor, nic_gbs, net_bw_factor, net_lat_us;
    double jitter_us, noise_rate, noise_us;
    int    plot, no_nvls, hide_nvlink;
} coll_opts;

/* One run: the topology, the correction, the noise. */
typedef struct {
    topo_preset generic;
    topo        t;
    coll_op     op;
    coll_corr   corr;
    const char *corr_name;      /* its file, or NULL */
    const char *tuner_name;     /* the tuner configuration, or NULL */
    coll_sel_rule *tuner_rules; /* its rules when read from --tuner (freed at the end) */
    coll_noise  noise;
    int         noisy;
    scn        *sc;             /* --scenario, kept for the names it owns */
} coll_setup;

/* A size with an optional binary suffix K, M, G, T (as nccl-tests reads -b/-e). */
static int parse_size(const char *opt, const char *text, double *out, FILE *err)
{
    char *end;
    double x = text ? strtod(text, &end) : 0;
    double mult = 1;
    if (text && end != text) {
        switch (*end) {
        case 'K': case 'k': mult = 1024.0; end++; break;
        case 'M': case 'm': mult = 1024.0 * 1024; end++; break;
        case 'G': case 'g': mult = 1024.0 * 1024 * 1024; end++; break;
        case 'T': case 't': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
        default: break;
        }
    }
    if (!text || end == text || *end != '\0' || !(x * mult >= 1) || x * mult > 1e15 ||
        x * mult != floor(x * mult)) {
        fprintf(err, "slicesim collective: %s: value \"%s\" is not allowed; allowed: a whole number "
                "of bytes from 1 to 1e15, with an optional K, M, G or T suffix (powers of 1024)\n",
                opt, text ? text : "(missing)");
        return -1;
    }
    *out = x * mult;
    return 0;
}

static int parse_real(const char *opt, const char *text, double lo, double hi, double *out, FILE *err)
{
    char *end;
    double x = text ? strtod(text, &end) : NAN;
    if (!text || end == text || *end != '\0' || !(x >= lo && x <= hi)) {
        fprintf(err, "slicesim collective: %s: value \"%s\" is not allowed; allowed: a number in "
                "[%g, %g]\n", opt, text ? text : "(missing)", lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

static void opts_default(coll_opts *o)
{
    memset(o, 0, sizeof *o);
    o->op = "allreduce";
    o->virt = "bare_metal";
    o->nodes = 1;
    o->ppn = o->iters = o->channels = o->nics = -1;
    o->seed = 1;
    o->min = 8;
    o->max = 8.0 * 1024 * 1024 * 1024;
    o->factor = 2;
    o->nic_gbs = o->net_bw_factor = o->net_lat_us = -1;
}

/* Options that take a number. Returns 1 when a consumed, 0 when a is not
 * one of them, -1 on a bad value. */
static int number_opt(coll_opts *o, const char *a, const char *val, FILE *err)
{
    static const struct { const char *name; size_t off; double lo, hi; } REALS[] = {
        { "--factor", offsetof(coll_opts, factor), 1.1, 1024 },
        { "--nic-gbs", offsetof(coll_opts, nic_gbs), 0.001, 1e5 },
        { "--net-bw-factor", offsetof(coll_opts, net_bw_factor), 0.001, 10 },
        { "--net-lat-us", offsetof(coll_opts, net_lat_us), 0, 1e6 },
        { "--jitter-us", offsetof(coll_opts, jitter_us), 0, 1e9 },
        { "--noise-rate", offsetof(coll_opts, noise_rate), 0, 1e7 },
        { "--noise-us", offsetof(coll_opts, noise_us), 0, 1e9 },
    };
    static const struct { const char *name; size_t off; long lo, hi; } INTS[] = {
        { "--nodes", offsetof(coll_opts, nodes), 1, 65536 },
        { "--gpus-per-node", offsetof(coll_opts, ppn), 1, 72 },
        { "--iters", offsetof(coll_opts, iters), 1, 100000 },
        { "--seed", offsetof(coll_opts, seed), 0, 2147483647L },
        { "--channels", offsetof(coll_opts, channels), 1, 64 },
        { "--nics", offsetof(coll_opts, nics), 1, 72 },
    };
    for (size_t i = 0; i < sizeof REALS / sizeof REALS[0]; i++)
        if (strcmp(a, REALS[i].name) == 0)
            return parse_real(a, val, REALS[i].lo, REALS[i].hi,
                              (double *)(void *)((char *)o + REALS[i].off), err) < 0 ? -1 : 1;
    for (size_t i = 0; i < sizeof INTS / sizeof INTS[0]; i++)
        if (strcmp(a, INTS[i].name) == 0)
            return cli_parse_long(a, val, INTS[i].lo, INTS[i].hi,
                                  (long *)(void *)((char *)o + INTS[i].off), err) < 0 ? -1 : 1;
    if (strcmp(a, "--min") == 0)
        return parse_size(a, val, &o->min, err) < 0 ? -1 : 1;
    if (strcmp(a, "--max") == 0)
        return parse_size(a, val, &o->max, err) < 0 ? -1 : 1;
    return 0;
}

static int string_opt(coll_opts *o, const char *a, const char *val)
{
    static const struct { const char *name; size_t off; } STRS[] = {
        { "--gpu", offsetof(coll_opts, gpu) }, { "--topo", offsetof(coll_opts, topo) },
        { "--op", offsetof(coll_opts, op) }, { "--virt", offsetof(coll_opts, virt) },
        { "--out", offsetof(coll_opts, outdir) },
        { "--correction", offsetof(coll_opts, correction) },
        { "--jitter", offsetof(coll_opts, jitter) }, { "--ring-mode", offsetof(coll_opts, mode) },
        { "--scenario", offsetof(coll_opts, scenario) },
        { "--nccl-version", offsetof(coll_opts, nccl_version) },
        { "--algo", offsetof(coll_opts, algo) }, { "--proto", offsetof(coll_opts, proto) },
        { "--tuner", offsetof(coll_opts, tuner) },
    };
    for (size_t i = 0; i < sizeof STRS / sizeof STRS[0]; i++)
        if (strcmp(a, STRS[i].name) == 0) {
            *(const char **)(void *)((char *)o + STRS[i].off) = val;
            return 1;
        }
    return 0;
}

static int platform_given(const coll_opts *o)
{
    return o->gpu || o->topo || o->nodes != 1 || o->ppn > 0 || strcmp(o->virt, "bare_metal") != 0 ||
           o->channels > 0 || o->nics > 0 || o->nic_gbs >= 0 || o->net_bw_factor >= 0 ||
           o->net_lat_us >= 0 || o->no_nvls || o->hide_nvlink || o->correction || o->jitter ||
           o->mode || o->jitter_us > 0 || o->noise_rate > 0 || o->noise_us > 0 || o->nccl_version ||
           o->algo || o->proto || o->tuner;
}

static const cli_opt COLL_OPTS[] = {
    { "--gpu", 1, "G", "a GPU preset (its default server) or a server preset (slicesim list gpus)" },
    { "--topo", 1, "T", "a server preset (slicesim list topologies)" },
    { "--scenario", 1, "FILE", "take the platform, noise and correction from a scenario" },
    { "--nodes", 1, "N", "nodes, 1 to 65536 (default 1)" },
    { "--gpus-per-node", 1, "P", "GPUs per node (default: the preset's)" },
    { "--op", 1, "OP", "allreduce, allgather, reducescatter, broadcast, reduce, alltoall, sendrecv" },
    { "-b,--min", 1, "SIZE", "smallest size in bytes, suffix K/M/G/T (default 8)" },
    { "-e,--max", 1, "SIZE", "largest size (default 8G)" },
    { "-f,--factor", 1, "F", "size multiplier per row, > 1 (default 2)" },
    { "-n,--iters", 1, "N", "noisy draws per size (default 20 with noise, else 1)" },
    { "--seed", 1, "S", "random seed (default 1)" },
    { "-o,--out", 1, "DIR", "also write DIR/collective.csv" },
    { "--plot", 0, NULL, "draw busbw against size into DIR (needs -o)" },
    { "--virt", 1, "MODE", "virtualization of the nodes (default bare_metal)" },
    { "--hide-nvlink", 0, NULL, "NVLink hidden from the guest" },
    { "--no-nvls", 0, NULL, "no NVLink SHARP" },
    { "--channels", 1, "C", "NCCL channels, 1 to 64" },
    { "--nics", 1, "K", "NICs per node, 1 to 72" },
    { "--nic-gbs", 1, "X", "NIC bandwidth, GB/s" },
    { "--net-bw-factor", 1, "F", "share of the NIC bandwidth reached" },
    { "--net-lat-us", 1, "U", "network latency, us" },
    { "--correction", 1, "FILE", "a correction from import-nccl-tests" },
    { "--nccl-version", 1, "V", "NCCL release whose constants to use, 2.18.1 to 2.30.7 (default 2.30.7)" },
    { "--algo", 1, "A", "algorithms allowed, as NCCL_ALGO: Tree, Ring, NVLS, NVLSTree, P2P; a list, ^list "
      "to exclude, per collective \"allreduce:tree;^nvls\"" },
    { "--proto", 1, "P", "protocols allowed, as NCCL_PROTO: LL, LL128, Simple (same syntax)" },
    { "--tuner", 1, "FILE", "a tuner configuration (NCCL's example tuner format) whose rules pick the pair "
      "and channels by size" },
    { "--jitter", 1, "KIND", "arrival jitter: none, exponential, normal" },
    { "--jitter-us", 1, "U", "mean arrival jitter, us" },
    { "--noise-rate", 1, "R", "host noise events per second" },
    { "--noise-us", 1, "D", "host noise event length, us" },
    { "--ring-mode", 1, "max|chunk", "how a ring waits for its slowest rank" },
    { NULL, 0, NULL, NULL },
};

static const cli_spec COLL_SPEC = {
    "collective", NULL, "The collective model's times as an nccl-tests table (needs --gpu, --topo or --scenario).",
    COLL_OPTS, NULL,
};

static int coll_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    coll_opts *o = ctx;
    if (strcmp(a, "--plot") == 0) {
        o->plot = 1;
    } else if (strcmp(a, "--no-nvls") == 0) {
        o->no_nvls = 1;
    } else if (strcmp(a, "--hide-nvlink") == 0) {
        o->hide_nvlink = 1;
    } else {
        int rc = number_opt(o, a, val, err);
        if (rc < 0)
            return -1;
        if (rc == 0 && !string_opt(o, a, val)) {
            fprintf(err, "slicesim collective: internal: option %s has no handler\n", a);
            return -1;
        }
    }
    return 0;
}

/* --nccl-version, --algo, --proto, --tuner into ov (the tuner's rules
 * into su, which frees them); 0, or a CLI status with one message. */
static int pair_opts(const coll_opts *o, topo_overrides *ov, coll_setup *su, FILE *err)
{
    char msg[1024];
    if (o->nccl_version && (ov->nccl_version = coll_nccl_version_parse(o->nccl_version)) < 0) {
        fprintf(err, "slicesim collective: --nccl-version \"%s\" is not allowed; allowed: a release 2.x.y "
                "from 2.18.1 to 2.30.7\n", o->nccl_version);
        return CLI_BAD_INPUT;
    }
    if (o->algo && coll_sel_parse_algos(&ov->sel, o->algo, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim collective: --algo \"%s\": %s\n", o->algo, msg);
        return CLI_BAD_INPUT;
    }
    if (o->proto && coll_sel_parse_protos(&ov->sel, o->proto, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim collective: --proto \"%s\": %s\n", o->proto, msg);
        return CLI_BAD_INPUT;
    }
    su->tuner_name = o->tuner;
    if (o->tuner) {
        int rc = netcfg_tuner_load(o->tuner, &su->tuner_rules, &ov->sel.nrules, msg, sizeof msg);
        if (rc != SCN_OK) {
            fprintf(err, "slicesim collective: --tuner %s\n", msg);
            return rc == SCN_BAD_INPUT ? CLI_BAD_INPUT : CLI_INTERNAL;
        }
        ov->sel.rules = su->tuner_rules;
    }
    return CLI_OK;
}

/* Returns 0, 1 after --help, -1 on bad options. */
static int parse_opts(int argc, char **argv, coll_opts *o, FILE *out, FILE *err)
{
    opts_default(o);
    int r = cli_parse(&COLL_SPEC, argc, argv, coll_opt, NULL, o, out, err);
    if (r != 0)
        return r;
    if (!o->gpu && !o->topo && !o->scenario) {
        fprintf(err, "slicesim collective: needs --gpu G, --topo T or --scenario FILE\n");
        cli_usage_hint(&COLL_SPEC, err);
        return -1;
    }
    if (o->scenario && platform_given(o)) {
        fprintf(err, "slicesim collective: --scenario takes the platform and noise from %s; allowed "
                "with it: --op, --min, --max, --factor, --iters, --seed, -o, --plot\n", o->scenario);
        return -1;
    }
    if (o->min > o->max) {
        fprintf(err, "slicesim collective: --min %.0f is larger than --max %.0f\n", o->min, o->max);
        return -1;
    }
    if (o->plot && !o->outdir) {
        fprintf(err, "slicesim collective: --plot needs -o DIR to draw into\n");
        return -1;
    }
    return 0;
}

static void list_names(FILE *err)
{
    fprintf(err, "allowed: GPU presets");
    for (size_t i = 0; i < gpu_spec_count(); i++)
        fprintf(err, "%s %s", i ? "," : "", gpu_spec_at(i)->name);
    fprintf(err, "; topology presets");
    for (size_t i = 0; i < topo_preset_count(); i++)
        fprintf(err, "%s %s", i ? "," : "", topo_preset_at(i)->name);
    fprintf(err, "\n");
}

/* --gpu names a GPU preset or a server preset; --topo a server preset. */
static const topo_preset *find_preset(const coll_opts *o, coll_setup *su, FILE *err)
{
    const char *name = o->topo ? o->topo : o->gpu;
    const topo_preset *p = topo_preset_find(name);
    if (!p && !o->topo) {
        const gpu_spec *g = gpu_spec_find(name);
        if (g)
            p = topo_preset_for_gpu(g->name);
        if (g && !p)
            p = topo_generic_pcie(g, &su->generic);
    }
    if (!p) {
        fprintf(err, "slicesim collective: %s: unknown name \"%s\"; ", o->topo ? "--topo" : "--gpu", name);
        list_names(err);
        return NULL;
    }
    if (o->topo && o->gpu && strcmp(o->gpu, p->gpu) != 0) {
        fprintf(err, "slicesim collective: --gpu %s does not match --topo %s, which holds %s\n",
                o->gpu, p->name, p->gpu);
        return NULL;
    }
    return p;
}

/* enum_opt: the index of text in names, or -1 with a message. */
static int enum_opt(const char *opt, const char *text, const char *const names[], int def, FILE *err)
{
    if (!text)
        return def;
    for (int i = 0; names[i]; i++)
        if (strcmp(text, names[i]) == 0)
            return i;
    fprintf(err, "slicesim collective: %s \"%s\" is not allowed; allowed:", opt, text);
    for (int i = 0; names[i]; i++)
        fprintf(err, "%s %s", i ? "," : "", names[i]);
    fprintf(err, "\n");
    return -1;
}

static int build_noise(const coll_opts *o, coll_setup *su, FILE *err)
{
    static const char *const jitters[] = { "none", "exponential", "normal", NULL };
    static const char *const modes[] = { "max", "chunk", NULL };
    int jitter = enum_opt("--jitter", o->jitter, jitters, o->jitter_us > 0, err);
    int mode = jitter < 0 ? -1 : enum_opt("--ring-mode", o->mode, modes, 0, err);
    if (mode < 0)
        return -1;
    memset(&su->noise, 0, sizeof su->noise);
    su->noise.jitter = (coll_jitter)jitter;
    su->noise.mode = (coll_mode)mode;
    su->noise.jitter_us = o->jitter_us;
    su->noise.noise_rate_per_s = o->noise_rate;
    su->noise.noise_us = o->noise_us;
    su->noisy = (o->jitter_us > 0 && jitter != COLL_JITTER_NONE) ||
                (o->noise_rate > 0 && o->noise_us > 0);
    if (mode == COLL_MODE_CHUNK && topo_ranks(&su->t) > MAX_CHUNK_RANKS) {
        fprintf(err, "slicesim collective: --ring-mode chunk with %d ranks is not allowed; allowed: "
                "at most %d ranks (its cost grows as ranks squared)\n", topo_ranks(&su->t), MAX_CHUNK_RANKS);
        return -1;
    }
    return 0;
}

/* --scenario: the network section of a scenario file (docs/scenario.md). */
static int from_scenario(const coll_opts *o, coll_setup *su, FILE *err)
{
    char msg[1024];
    int rc = scn_load(o->scenario, NULL, 0, &su->sc, msg, sizeof msg);
    if (rc != SCN_OK) {
        fprintf(err, "slicesim collective: %s\n", msg);
        return rc == SCN_BAD_INPUT ? CLI_BAD_INPUT : CLI_INTERNAL;
    }
    const netcfg *n = su->sc->net;
    if (!n) {
        fprintf(err, "slicesim collective: %s: hardware has no multi-GPU topology; allowed: at least "
                "2 GPUs in all (hardware.gpus x hardware.nodes) on a known server\n", o->scenario);
        return CLI_BAD_INPUT;
    }
    su->generic = n->generic;
    su->t = n->t;
    if (su->t.preset == &n->generic)
        su->t.preset = &su->generic;
    su->noise = n->noise;
    su->corr = n->corr;
    su->corr_name = n->correction;
    su->tuner_name = n->tuner;
    su->noisy = (n->noise.jitter != COLL_JITTER_NONE && n->noise.jitter_us > 0) ||
                (n->noise.noise_rate_per_s > 0 && n->noise.noise_us > 0);
    return CLI_OK;
}

static int setup(const coll_opts *o, coll_setup *su, FILE *err)
{
    char msg[512];
    memset(su, 0, sizeof *su);
    su->corr.lat_scale = 1;
    int op = coll_op_parse(o->op), virt = topo_virt_parse(o->virt);
    if (op < 0) {
        fprintf(err, "slicesim collective: --op \"%s\" is not allowed; allowed: allreduce, allgather, "
                "reducescatter, broadcast, reduce, alltoall, sendrecv\n", o->op);
        return CLI_BAD_INPUT;
    }
    if (virt < 0) {
        fprintf(err, "slicesim collective: --virt \"%s\" is not allowed; allowed:", o->virt);
        for (int v = 0; v < TOPO_NVIRT; v++)
            fprintf(err, "%s %s", v ? "," : "", topo_virt_at((topo_virt)v)->name);
        fprintf(err, "\n");
        return CLI_BAD_INPUT;
    }
    su->op = (coll_op)op;
    if (o->scenario)
        return from_scenario(o, su, err);
    const topo_preset *p = find_preset(o, su, err);
    if (!p)
        return CLI_BAD_INPUT;
    topo_overrides ov = topo_overrides_none();
    ov.channels = (int)o->channels;
    ov.nics = (int)o->nics;
    ov.nic_gbs = o->nic_gbs;
    ov.net_bw_factor = o->net_bw_factor;
    ov.net_lat_add_us = o->net_lat_us;
    ov.nvls = o->no_nvls ? 0 : -1;
    ov.hide_nvlink = o->hide_nvlink ? 1 : -1;
    int prc = pair_opts(o, &ov, su, err);
    if (prc != CLI_OK)
        return prc;
    su->corr_name = o->correction;
    if (o->correction) {
        int rc = netcfg_corr_load(o->correction, &su->corr, msg, sizeof msg);
        if (rc != 0) {
            fprintf(err, "slicesim collective: %s\n", msg);
            return rc == 2 ? CLI_BAD_INPUT : CLI_INTERNAL;
        }
        if (!o->nccl_version && su->corr.nccl_version > 0)
            ov.nccl_version = su->corr.nccl_version;  /* the release the correction was fitted with */
    }
    int ppn = o->ppn > 0 ? (int)o->ppn : p->gpus_per_node;
    if (topo_build(&su->t, p, (int)o->nodes, ppn, (topo_virt)virt, &ov, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim collective: %s\n", msg);
        return CLI_BAD_INPUT;
    }
    if (build_noise(o, su, err) < 0)
        return CLI_BAD_INPUT;
    return CLI_OK;
}

static const char *fit_origin(int bits, int bit) { return bits & bit ? "own" : "pooled"; }

/* The achieved-time parameters the table rests on (t->fit), and which of
 * them this platform measured on its own (topo_platform_fit) rather than
 * took from the pooled fit of the public curves: a reader can tell a
 * calibrated network from a borrowed one. The network's only across
 * nodes. */
static void write_fit_line(FILE *f, const topo *t)
{
    topo_fit own = topo_fit_default;
    int bits = topo_platform_fit(t->preset->name, &own);
    fprintf(f, "# fitted: link share %.3f (%s), step %.2f us (pooled)", t->fit.link_eff,
            fit_origin(bits, TOPO_FIT_LINK_EFF), t->fit.step_us);
    if (t->nodes > 1)
        fprintf(f, "; NIC share %.3f (%s), network step %.1f us (%s)", t->fit.net_eff,
                fit_origin(bits, TOPO_FIT_NET_EFF), t->fit.net_step_us, fit_origin(bits, TOPO_FIT_NET_STEP));
    fprintf(f, "; own: fitted on this platform's curves, pooled: on all the public curves\n");
}

/* The buffer sizes of the sweep, rounded as nccl-tests rounds them (whole
 * elements of 4 bytes, per rank for the ops that split the buffer). */
static double round_size(double bytes, coll_op op, int ranks)
{
    int per_rank = op == COLL_ALLGATHER || op == COLL_REDUCESCATTER || op == COLL_ALLTOALL;
    double unit = 4.0 * (per_rank ? ranks : 1);
    return floor(bytes / unit) * unit;
}

typedef struct { double size, mean, p50, p95; coll_est est; nccltests_row row; } coll_point;

static int run_point(const coll_opts *o, coll_setup *su, coll_sampler *sm, double size,
                     uint32_t index, coll_point *pt)
{
    pt->size = size;
    if (!su->noisy) {
        coll_estimate(&su->t, su->op, size, &su->corr, &pt->est);
        pt->mean = pt->p50 = pt->p95 = pt->est.time_us;
    } else {
        gsl_rng *r = sim_rng_alloc((uint64_t)o->seed, 0, 0, index);
        sim_sample s;
        sim_sample_init(&s);
        long iters = o->iters > 0 ? o->iters : 20;
        for (long k = 0; r && k < iters; k++)
            if (sim_sample_add(&s, coll_sample_us(sm, su->op, size, r, &pt->est)) < 0)
                break;
        int ok = r && s.n == (size_t)iters;
        if (ok) {
            pt->mean = sim_sample_mean(&s);
            pt->p50 = sim_sample_quantile(&s, 0.5);
            pt->p95 = sim_sample_quantile(&s, 0.95);
        }
        sim_sample_free(&s);
        if (r)
            gsl_rng_free(r);
        if (!ok)
            return -1;
    }
    nccltests_model_row(&pt->row, &su->t, su->op, size, &pt->est, pt->mean);
    return 0;
}

static void print_header(FILE *f, const coll_opts *o, const coll_setup *su)
{
    const topo *t = &su->t;
    fprintf(f, "# slicesim collective: %s as slicesim's achieved-time model predicts it (not a measurement)\n",
            coll_op_perf_name(su->op));
    fprintf(f, "# Collective test starting: %s\n", coll_op_perf_name(su->op));
    fprintf(f, "# slicesim platform: topology %s nodes %d gpus_per_node %d virtualization %s\n",
            t->preset->name, t->nodes, t->ppn, topo_virt_at(t->virt)->name);
    fprintf(f, "# nRanks %d minBytes %.0f maxBytes %.0f step: %g(factor) gpu: %s\n",
            topo_ranks(t), o->min, o->max, o->factor, t->gpu->name);
    fprintf(f, "# intra-node: %s %.1f GB/s, %d channels%s; inter-node: %d NICs x %.1f GB/s = %.1f GB/s\n",
            topo_link_name(t->intra), t->intra_gbs, t->channels, t->nvls ? ", NVLS" : "",
            t->nics, t->nic_gbs, t->inter_gbs);
    write_fit_line(f, t);
    if (su->noisy)
        fprintf(f, "# noise: jitter %s %.3g us, host noise %.3g/s x %.3g us, %s mode, %ld iters, seed %ld\n",
                su->noise.jitter == COLL_JITTER_NORMAL ? "normal" : "exponential", su->noise.jitter_us,
                su->noise.noise_rate_per_s, su->noise.noise_us,
                su->noise.mode == COLL_MODE_CHUNK ? "chunk" : "max", o->iters > 0 ? o->iters : 20, o->seed);
    if (su->corr_name)
        fprintf(f, "# correction: %s (latency x %.3g, %d efficiency points)\n",
                strrchr(su->corr_name, '/') ? strrchr(su->corr_name, '/') + 1 : su->corr_name,
                su->corr.lat_scale, su->corr.n);
    if (su->tuner_name)
        fprintf(f, "# tuner: %s (%d rules; the first that matches a call sets its pair and channels)\n",
                strrchr(su->tuner_name, '/') ? strrchr(su->tuner_name, '/') + 1 : su->tuner_name,
                t->sel.nrules);
    nccltests_write_header(f, 1);
}

static int write_csv(const char *dir, const coll_point *pts, size_t n, FILE *err)
{
    char msg[512];
    outfile of;
    if (outfile_open(&of, dir, "collective.csv", msg, sizeof msg) < 0) {
        fprintf(err, "slicesim collective: %s\n", msg);
        return CLI_BAD_INPUT;
    }
    fprintf(of.f, "size_bytes,count,type,redop,root,time_us,algbw_gbs,busbw_gbs,algorithm,protocol,"
                  "latency_us,model_algbw_gbs,time_p50_us,time_p95_us\n");
    for (size_t i = 0; i < n; i++) {
        const nccltests_row *r = &pts[i].row;
        fprintf(of.f, "%.0f,%.0f,%s,%s,%d,%.6g,%.6g,%.6g,%s,%s,%.6g,%.6g,%.6g,%.6g\n", r->size, r->count,
                r->type, r->redop, r->root, r->time_us[0], r->algbw[0], r->busbw[0], r->algo, r->proto,
                pts[i].est.lat_us, pts[i].est.algbw_gbs, pts[i].p50, pts[i].p95);
    }
    if (outfile_commit(&of, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim collective: %s\n", msg);
        return CLI_INTERNAL;
    }
    return CLI_OK;
}

static int draw(const char *dir, const coll_setup *su, FILE *err)
{
    char body[1024];
    snprintf(body, sizeof body,
             "set datafile separator ','\nset logscale x 2\nset xtics 1024\nset format x '%%.0b %%BB'\n"
             "set xlabel 'message size (bytes)'\nset ylabel 'bus bandwidth (GB/s)'\nset grid\n"
             "set key top left\nset title '%s on %s, %d x %d GPUs (model)'\n"
             "plot 'collective.csv' every ::1 using 1:8 with linespoints lw 2 title 'busbw'\n",
             coll_op_name(su->op), su->t.preset->name, su->t.nodes, su->t.ppn);
    int rc = plot_render(dir, "collective", body, err);
    return rc < 0 ? CLI_INTERNAL : CLI_OK;
}

/* Whether some size of the sweep holds a whole element per rank (checked
 * before the header is printed: a refused sweep prints no table). */
static int any_size(const coll_opts *o, const coll_setup *su)
{
    for (double s = o->min; s <= o->max * (1 + 1e-12); s *= o->factor)
        if (round_size(floor(s), su->op, topo_ranks(&su->t)) > 0)
            return 1;
    return 0;
}

static int sweep(const coll_opts *o, coll_setup *su, FILE *out, FILE *err)
{
    if (!any_size(o, su)) {
        int per_rank = su->op == COLL_ALLGATHER || su->op == COLL_REDUCESCATTER || su->op == COLL_ALLTOALL;
        fprintf(err, "slicesim collective: no size in [--min, --max] holds a whole element per rank "
                "(%d ranks x 4 bytes); allowed: --max at least %d\n", topo_ranks(&su->t),
                4 * (per_rank ? topo_ranks(&su->t) : 1));
        return CLI_BAD_INPUT;
    }
    coll_sampler sm;
    size_t cap = (size_t)(log(o->max / o->min) / log(o->factor)) + 2, n = 0;
    coll_point *pts = calloc(cap, sizeof *pts);
    if (!pts || coll_sampler_init(&sm, &su->t, &su->noise, &su->corr) < 0) {
        free(pts);
        fprintf(err, "slicesim collective: out of memory\n");
        return CLI_INTERNAL;
    }
    int rc = CLI_OK;
    double sum_busbw = 0;
    print_header(out, o, su);
    for (double s = o->min; s <= o->max * (1 + 1e-12) && n < cap && rc == CLI_OK; s *= o->factor) {
        double size = round_size(floor(s), su->op, topo_ranks(&su->t));
        if (size <= 0 || (n > 0 && size == pts[n - 1].size))
            continue;
        if (run_point(o, su, &sm, size, (uint32_t)n, &pts[n]) < 0) {
            fprintf(err, "slicesim collective: out of memory\n");
            rc = CLI_INTERNAL;
            break;
        }
        nccltests_write_row(out, &pts[n].row);
        sum_busbw += pts[n].row.busbw[0];
        n++;
    }
    if (rc == CLI_OK) {
        const acc_entry *v = acc_find("nccl");
        fprintf(out, "# Avg bus bandwidth    : %g\n", sum_busbw / (double)n);
        fprintf(out, "# Validated error      : %.2f%% mean, 90%% of %d published rows within %.2f%%, largest %.2f%%; "
                "%.2f%% mean with the platform left out of the fit (slicesim validate, nccl)\n#\n", v->mean_pct,
                v->rows, v->p90_pct, v->max_pct, v->left_out_mean_pct);
    }
    if (rc == CLI_OK && o->outdir)
        rc = write_csv(o->outdir, pts, n, err);
    if (rc == CLI_OK && o->plot)
        rc = draw(o->outdir, su, err);
    coll_sampler_free(&sm);
    free(pts);
    return rc;
}

int cli_cmd_collective(int argc, char **argv, FILE *out, FILE *err)
{
    coll_opts o;
    coll_setup su;
    int pr = parse_opts(argc, argv, &o, out, err);
    if (pr != 0)
        return pr > 0 ? CLI_OK : CLI_BAD_INPUT;
    int rc = setup(&o, &su, err);
    if (rc == CLI_OK && su.corr_name) {
        /* a correction fitted elsewhere: warn, or refuse where it cannot apply */
        char msg[512];
        int fit = coll_corr_check(&su.corr, &su.t, su.op, msg, sizeof msg);
        if (fit != COLL_CORR_FITS)
            fprintf(err, "slicesim collective: %s%s: %s\n", fit == COLL_CORR_WARN ? "warning: " : "",
                    su.corr_name, msg);
        if (fit == COLL_CORR_CANNOT)
            rc = CLI_BAD_INPUT;
    }
    outfile_set set;
    char msg[1024];
    const char *dir = o.outdir;
    memset(&set, 0, sizeof set);
    if (rc == CLI_OK && dir && outfile_set_begin(&set, dir, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim collective: -o %s\n", msg);
        rc = CLI_BAD_INPUT;
    }
    if (rc == CLI_OK && dir)
        o.outdir = outfile_set_dir(&set);          /* the set's files go to its staging folder */
    if (rc == CLI_OK)
        rc = sweep(&o, &su, out, err);
    if (rc == CLI_OK && dir && outfile_set_commit(&set, "collective", NULL, msg, sizeof msg) < 0) {
        fprintf(err, "slicesim collective: %s\n", msg);
        rc = CLI_INTERNAL;
    }
    outfile_set_abort(&set);
    if (su.sc)
        scn_free(su.sc);
    free(su.tuner_rules);
    return rc;
}
