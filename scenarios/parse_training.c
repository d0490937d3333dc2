/* parse_training.c -- "workload": {"type": "training", ...} (docs/workloads.md). */
#include "scenarios/scenario.h"

#include <math.h>
#include <string.h>
#include "models/training.h"
#include "scenarios/hfconfig.h"
#include "scenarios/netcfg.h"

static long gpus_max(const scn *sc)
{
    return sc->cfg.ngpus > 1 ? sc->cfg.ngpus : 1;
}

int scn_parse_training(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params)
{
    static const char *const keys[] = { "type", "model", "params_b", "seq_len", "precision",
        "batch_per_gpu", "gpus", "grad_bytes", "bucket_mb", "first_bucket_mb",
        "optimizer_bytes_per_param", "sharding", "param_bytes", "accumulation", "framework", "ep",
        "model_config", "loader_threads", "host_cores", NULL };
    static const char *const frameworks[] = { "pytorch", "pytorch-lddl", "pytorch-squad", "tensorflow", "tensorflow-noxla",
                                               "mxnet", NULL };
    static const char *const shardings[] = { "ddp", "zero1", "zero2", "shard_grad_op",
                                             "full_shard", "zero3", NULL };
    const jv_range pb = { 0, 1e5, 1, 0, "billions of parameters" };
    const jv_range gb = { 0, 16, 1, 0, "bytes" };
    const jv_range mb = { 0, 1e5, 1, 0, "MB" };
    const jv_range ob = { 0, 1e3, 0, 0, "bytes" };
    char p2[512];
    const char *name = NULL;
    double params_b = 0;
    long seq = 0, batch = 0, gpus = sc->cfg.ngpus;
    int shard = 0, fw = 0;
    long acc = 1, ep = 1;
    train_params *p = scn_own(sc, v, sizeof *p);
    if (!p)
        return -1;
    jv_keys(v, obj, path, keys);
    const char *config = NULL;
    jv_string(v, obj, path, "model_config", 0, NULL, &config);
    jv_string(v, obj, path, "model", !config, NULL, &name);
    jv_int(v, obj, path, "ep", 0, 1, 1, gpus_max(sc), &ep);
    jv_number(v, obj, path, "params_b", 0, 0, pb, &params_b);
    jv_int(v, obj, path, "seq_len", 0, 0, 1, 1 << 20, &seq);
    scn_parse_precision(v, obj, path, "precision", GPU_BF16, SCN_DENSE_PRECISIONS, &p->prec);
    jv_int(v, obj, path, "batch_per_gpu", 0, 0, 0, 1 << 20, &batch);
    jv_int(v, obj, path, "gpus", 0, sc->cfg.ngpus, 1, sc->cfg.ngpus, &gpus);
    jv_number(v, obj, path, "grad_bytes", 0, 4, gb, &p->grad_bytes);
    jv_number(v, obj, path, "bucket_mb", 0, 25, mb, &p->bucket_mb);
    jv_number(v, obj, path, "first_bucket_mb", 0, 1, mb, &p->first_bucket_mb);
    jv_number(v, obj, path, "optimizer_bytes_per_param", 0, 30, ob, &p->opt_bytes);
    jv_enum(v, obj, path, "sharding", 0, 0, shardings, &shard);
    jv_number(v, obj, path, "param_bytes", 0, 2, gb, &p->param_bytes);
    jv_int(v, obj, path, "accumulation", 0, 1, 1, 1 << 16, &acc);
    jv_enum(v, obj, path, "framework", 0, 0, frameworks, &fw);
    long loader = 0, cores = 0;
    jv_int(v, obj, path, "loader_threads", 0, 0, 0, 1024, &loader);
    jv_int(v, obj, path, "host_cores", 0, 0, 0, 4096, &cores);
    if (v->failed)
        return -1;
    jv_join(p2, sizeof p2, path, "model");
    const llm_model *lm = NULL;
    if (config) {
        char full[4096], msg[1200];
        llm_model *m = scn_own(sc, v, sizeof *m);
        if (!m)
            return -1;
        scn_path(sc, config, full, sizeof full);
        if (hfcfg_load(full, m, msg, sizeof msg) < 0)
            return jv_fail(v, jv_join(p2, sizeof p2, path, "model_config"), "%s", msg);
        const char *base = strrchr(full, '/');
        const char *nm0 = name ? name : base ? base + 1 : full;
        char *nm = scn_own(sc, v, strlen(nm0) + 1);
        if (!nm)
            return -1;
        strcpy(nm, nm0);
        m->name = nm;
        m->source = "config.json";
        lm = m;
    } else if (llm_model_find(name)) {
        lm = llm_model_find(name);
    }
    if (lm) {
        /* an LLM preset or config.json: its decoder (and experts), sequence 4096 unless seq_len [I] */
        p->model = train_model_from_llm(lm, seq > 0 ? (int)seq : 4096);
    } else if (strcmp(name, "gpt") == 0) {
        if (params_b <= 0)
            return jv_fail(v, jv_join(p2, sizeof p2, path, "params_b"),
                           "missing; a \"gpt\" model needs params_b (billions of parameters)");
        p->model = train_model_gpt(params_b * 1e9, seq > 0 ? (int)seq : 2048);
    } else if (train_model_find(name, (int)seq, &p->model) < 0) {
        return jv_fail(v, p2, "unknown model \"%s\"; allowed: resnet50, bert-base, bert-large, bert-large-squad, gpt, %s",
                       name, llm_model_list());
    }
    if (ep > 1) {
        char pe[512];
        jv_join(pe, sizeof pe, path, "ep");
        if (p->model.experts <= 0)
            return jv_fail(v, pe, "value %ld needs a model with experts; \"%s\" is dense; allowed: 1", ep,
                           p->model.name);
        if (gpus % ep != 0 || p->model.experts % ep != 0)
            return jv_fail(v, pe, "value %ld must divide gpus (%ld) and the %d experts; allowed: a common divisor",
                           ep, gpus, p->model.experts);
        if (netcfg_topo(v, sc, (int)ep, pe, &p->ep_net) < 0)
            return -1;
    }
    p->ep = (int)ep;
    /* Every bucket is a burst and a collective per step, and their count
     * an int: a guard far above real bucket sizes (PyTorch's 25 MB). */
    double nb = 1 + ceil((train_local_params(p) * p->grad_bytes - p->first_bucket_mb * 1e6) / (p->bucket_mb * 1e6));
    if (nb > TRAIN_MAX_BUCKETS)
        return jv_fail(v, jv_join(p2, sizeof p2, path, "bucket_mb"),
                       "value %g cuts %s's %.4g GB of gradients into %.4g buckets; allowed: at most %d buckets",
                       p->bucket_mb, p->model.name, train_local_params(p) * p->grad_bytes / 1e9, nb, TRAIN_MAX_BUCKETS);
    p->batch_per_gpu = batch > 0 ? (int)batch : p->model.batch_per_gpu;
    p->dp = (int)gpus;
    p->accumulation = (int)acc;
    p->loader_threads = (int)loader;
    p->host_cores = (int)cores;
    p->fw = train_framework_find(frameworks[fw]);
    p->sharding = (train_sharding)train_sharding_parse(shardings[shard]);
    if (p->dp > 1) {
        char pg[512];
        if (netcfg_topo(v, sc, p->dp, jv_join(pg, sizeof pg, path, "gpus"), &p->net) < 0)
            return -1;
        if (sc->net) {
            p->noise = sc->net->noise;
            p->corr = &sc->net->corr;
        }
    }
    *params = p;
    return 0;
}

/* Mixed-precision Adam keeps 16 bytes per parameter (Rajbhandari et al.
 * 2020, ZeRO: 2 + 2 + 12) on every GPU, less what sharding spreads over the
 * ranks; activations are not counted. */
int scn_fits_training(jv *v, const scn *sc, const tenant_cfg *tc, double mem_bytes, const char *path)
{
    const train_params *p = tc->wl_params;
    char q[512];
    (void)sc;
    double per_param = train_state_bytes_per_param(p->sharding, p->dp);
    double need = per_param * train_local_params(p);
    if (need <= mem_bytes)
        return 0;
    return jv_fail(v, jv_join(q, sizeof q, path, "model"),
                   "\"%s\" needs %.1f GB per GPU for weights, gradients and Adam state "
                   "(%.4g bytes per parameter, sharding \"%s\" over %d GPUs) but the tenant's resource has %.1f GB",
                   p->model.name, need / 1e9, per_param, train_sharding_name(p->sharding), p->dp, mem_bytes / 1e9);
}
