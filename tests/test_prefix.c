/* test_prefix.c -- prefix caching: block hashes, the cache's references and
 * LRU eviction, and an LLM engine's hits in closed form: k requests, one
 * after the other, sharing an N-block prefix find it cached k - 1 times; a
 * hit's prefill costs the uncached tokens only (attention still over the
 * whole context); prefix_affinity keeps a shared prefix on one replica
 * where round robin computes it once per replica; the synthetic generator
 * gives its reuse share, the same for a seed. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tests/testutil.h"
#include "scenarios/scenario.h"
#include "models/model.h"
#include "models/llm.h"
#include "models/prefix.h"

static const int64_t IDS_A[] = { 7, 8, 9 }, IDS_B[] = { 7, 8, 10 }, IDS_C[] = { 20, 21 };

static void engine_blocks_inside_a_trace_block_share_its_id(void)
{
    arr_prefix a = { IDS_A, 3, 512, 0 }, b = { IDS_B, 3, 512, 0 };
    CU_ASSERT_EQUAL(pfx_blocks(&a, 16), 96);       /* 3 x 512 / 16 */
    CU_ASSERT_EQUAL(pfx_blocks(&a, 1000), 1);
    int same = 0;
    while (same < 96 && pfx_hash(&a, 16, same) == pfx_hash(&b, 16, same))
        same++;
    CU_ASSERT_EQUAL(same, 64);                     /* the two shared 512-token blocks */
    CU_ASSERT(pfx_hash(&a, 16, 0) != pfx_hash(&a, 16, 1));
    arr_prefix none = { NULL, 0, 0, 0 };
    CU_ASSERT_EQUAL(pfx_blocks(&none, 16), 0);
}

static void a_released_block_stays_cached_until_its_memory_is_needed(void)
{
    pfx_cache c;
    arr_prefix a = { IDS_A, 3, 16, 0 }, b = { IDS_B, 3, 16, 0 };
    long unref = -1;
    CU_ASSERT_EQUAL_FATAL(pfx_init(&c, 8), 0);
    for (int j = 0; j < 3; j++)
        CU_ASSERT_EQUAL(pfx_add(&c, &a, 16, j), 0);
    CU_ASSERT_EQUAL(pfx_match(&c, &b, 16, 3, &unref), 2);
    CU_ASSERT_EQUAL(unref, 0);
    /* b computes its first two blocks meanwhile: its copies are dropped */
    CU_ASSERT_EQUAL(pfx_add(&c, &b, 16, 0), 1);
    CU_ASSERT_EQUAL(pfx_add(&c, &b, 16, 1), 1);
    CU_ASSERT_EQUAL(pfx_add(&c, &b, 16, 2), 0);
    CU_ASSERT_EQUAL(c.entries, 4);
    CU_ASSERT_EQUAL(pfx_release(&c, &a, 16, 3), 2);   /* blocks 0, 1 still b's */
    CU_ASSERT_EQUAL(c.evictable, 1);
    CU_ASSERT_EQUAL(pfx_release(&c, &b, 16, 3), 0);
    CU_ASSERT_EQUAL(c.evictable, 4);
    CU_ASSERT_EQUAL(pfx_match(&c, &a, 16, 3, &unref), 3);
    CU_ASSERT_EQUAL(unref, 3);
    CU_ASSERT_EQUAL(pfx_acquire(&c, &a, 16, 2), 2);
    CU_ASSERT_EQUAL(c.evictable, 2);
    pfx_trim(&c, 8);
    CU_ASSERT_EQUAL(c.evictions, 0);
    pfx_free(&c);
}

static void eviction_takes_the_least_recently_released_last_block_first(void)
{
    pfx_cache c;
    arr_prefix a = { IDS_A, 3, 16, 0 }, x = { IDS_C, 2, 16, 0 };
    CU_ASSERT_EQUAL_FATAL(pfx_init(&c, 5), 0);
    for (int j = 0; j < 3; j++)
        pfx_add(&c, &a, 16, j);
    for (int j = 0; j < 2; j++)
        pfx_add(&c, &x, 16, j);
    pfx_release(&c, &a, 16, 3);      /* released first: a's 2, 1, 0 */
    pfx_release(&c, &x, 16, 2);      /* then x's 1, 0 */
    pfx_trim(&c, 4);                 /* one block handed out: a's last */
    CU_ASSERT_EQUAL(pfx_match(&c, &a, 16, 3, NULL), 2);
    CU_ASSERT_EQUAL(pfx_match(&c, &x, 16, 2, NULL), 2);
    pfx_trim(&c, 2);                 /* then a's first two */
    CU_ASSERT_EQUAL(pfx_match(&c, &a, 16, 3, NULL), 0);
    CU_ASSERT_EQUAL(pfx_match(&c, &x, 16, 2, NULL), 2);
    CU_ASSERT_EQUAL(c.evictions, 3);
    pfx_acquire(&c, &x, 16, 2);      /* held blocks are never evicted */
    pfx_trim(&c, 0);
    CU_ASSERT_EQUAL(pfx_match(&c, &x, 16, 2, NULL), 2);
    CU_ASSERT_EQUAL(c.entries, 2);
    pfx_free(&c);
}

/* K requests 1 s apart, each 2100 prompt tokens of which the first four
 * 512-token Mooncake blocks (ids 1..4) are shared and the fifth is its own;
 * output 4 tokens. Into dir/t.jsonl. */
#define K 12
#define PROMPT 2100
#define SHARED 2048
static void write_trace(const char *dir)
{
    char path[512], buf[K * 128], *w = buf;
    for (int i = 0; i < K; i++)
        w += sprintf(w, "{\"timestamp\": %d, \"input_length\": %d, \"output_length\": 4, "
                        "\"hash_ids\": [1, 2, 3, 4, %d]}\n", 1000 * i, PROMPT, 100 + i);
    snprintf(path, sizeof path, "%s/t.jsonl", dir);
    tu_write_file(path, buf);
}

static int run_shared(const char *router, int replicas, const char *extra, scn **sc, model_result *res)
{
    char dir[256], file[600], text[2048], err[512];
    if (!tu_tmpdir(dir, sizeof dir))
        return -1;
    write_trace(dir);
    snprintf(file, sizeof file, "%s/s.json", dir);
    snprintf(text, sizeof text,
             "{\"name\":\"pfx\",\"seed\":3,\"duration_s\":%d,\"warmup_s\":0,\"replications\":1,"
             "\"hardware\":{\"gpu\":\"h100-sxm\",\"gpus\":%d},\"sharing\":{\"mode\":\"exclusive\"},"
             "\"tenants\":[{\"name\":\"chat\",\"replicas\":%d,\"router\":\"%s\","
             "\"workload\":{\"type\":\"llm\",\"model\":\"llama-3-8b\",\"engine\":\"none\"%s},"
             "\"arrivals\":{\"type\":\"trace\",\"file\":\"t.jsonl\",\"format\":\"mooncake\"}}]}",
             K + 1, replicas, replicas, router, extra);
    if (scn_load_text(text, file, NULL, 0, sc, err, sizeof err) != SCN_OK) {
            return -1;
    }
    return model_run(&(*sc)->cfg, res, err, sizeof err);
}

static void requests_sharing_a_prefix_hit_it_all_but_the_first_time(void)
{
    scn *sc = NULL;
    model_result res;
    CU_ASSERT_EQUAL_FATAL(run_shared("round_robin", 1, "", &sc, &res), 0);
    CU_ASSERT_EQUAL(model_tenant_stat(&res, 0, MT_COMPLETED)->mean, K);
    /* (K - 1) x 2048 found of K x 2100 looked up */
    ASSERT_REL(model_tenant_stat(&res, 0, MT_PREFIX_HIT)->mean, (K - 1.0) * SHARED / (K * (double)PROMPT), 1e-12);
    /* the prefill of a hit: 52 tokens, attending to the 2048 cached ones too */
    const llm_params *p = sc->cfg.tenants[0].wl_params;
    gpu_rate r = gpu_rate_of(sc->cfg.gpu, 1, 1);
    double c = PROMPT - SHARED, o = SHARED;
    llm_iter hit = { c, c * o + c * (c + 1) / 2, o, 1, 0, 0, 0 };
    llm_iter miss = { PROMPT, PROMPT * (PROMPT + 1.0) / 2, 0, 1, 0, 0, 0 };
    double host_ms = p->engine.host_ms, hit_ms = host_ms + llm_iter_ns(p, &r, &hit) / 1e6,
           miss_ms = host_ms + llm_iter_ns(p, &r, &miss) / 1e6;
    ASSERT_REL(model_tenant_xstat(&res, 0, 0, MQ_P50)->mean, hit_ms, 1e-9);       /* ttft_ms */
    ASSERT_REL(model_tenant_xstat(&res, 0, 0, MQ_MEAN)->mean, (miss_ms + (K - 1) * hit_ms) / K, 1e-9);
    /* 7.15 against 50.54 ms: the 52 uncached tokens cost what streaming
     * the weights once does, not 52/2100 of the full prefill */
    CU_ASSERT(hit_ms > 7.1 && hit_ms < 7.2 && miss_ms > 50.5 && miss_ms < 51);
    model_result_free(&res);
    scn_free(sc);
    CU_ASSERT_EQUAL_FATAL(run_shared("round_robin", 1, ",\"prefix_cache\":false", &sc, &res), 0);
    CU_ASSERT(isnan(model_tenant_stat(&res, 0, MT_PREFIX_HIT)->mean));
    ASSERT_REL(model_tenant_xstat(&res, 0, 0, MQ_P50)->mean, miss_ms, 1e-9);
    model_result_free(&res);
    scn_free(sc);
}

static void prefix_affinity_keeps_a_shared_prefix_on_one_replica(void)
{
    scn *sc = NULL;
    model_result res;
    CU_ASSERT_EQUAL_FATAL(run_shared("prefix_affinity", 4, "", &sc, &res), 0);
    int most = 0;
    for (int k = 0; k < 4; k++) {
        int n = (int)model_tenant_stat(&res, k, MT_COMPLETED)->mean;
        most = n > most ? n : most;
    }
    CU_ASSERT_EQUAL(most, K);                          /* one replica served all */
    ASSERT_REL(model_tenant_stat(&res, 4, MT_PREFIX_HIT)->mean, (K - 1.0) * SHARED / (K * (double)PROMPT), 1e-12);
    model_result_free(&res);
    scn_free(sc);
    /* round robin: each of the 4 replicas computes the prefix once */
    CU_ASSERT_EQUAL_FATAL(run_shared("round_robin", 4, "", &sc, &res), 0);
    ASSERT_REL(model_tenant_stat(&res, 4, MT_PREFIX_HIT)->mean, (K - 4.0) * SHARED / (K * (double)PROMPT), 1e-12);
    for (int k = 0; k < 4; k++)        /* per replica: K/4 requests, one miss */
        ASSERT_REL(model_tenant_stat(&res, k, MT_PREFIX_HIT)->mean, (K / 4 - 1.0) * SHARED / (K / 4 * (double)PROMPT),
                   1e-12);
    model_result_free(&res);
    scn_free(sc);
}

/* Poisson requests of 256 prompt tokens, half of them behind one 1024-token
 * shared prefix: hits are 1024 tokens of the reusing requests but the
 * first, the lookups 256 plus 1024 for reusing ones. */
static double gen_hit(uint64_t seed, double *reuse_seen)
{
    char text[2048], err[512];
    scn *sc = NULL;
    model_result res;
    snprintf(text, sizeof text,
             "{\"name\":\"gen\",\"seed\":%llu,\"duration_s\":40,\"warmup_s\":0,\"replications\":1,"
             "\"hardware\":{\"gpu\":\"h100-sxm\",\"gpus\":1},"
             "\"tenants\":[{\"name\":\"chat\",\"workload\":{\"type\":\"llm\",\"model\":\"llama-3-8b\","
             "\"prompt_tokens\":256,\"output_tokens\":2,\"prefix\":{\"reuse\":0.5,\"tokens\":1024}},"
             "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":20}}]}", (unsigned long long)seed);
    CU_ASSERT_EQUAL_FATAL(scn_load_text(text, "gen.json", NULL, 0, &sc, err, sizeof err), SCN_OK);
    CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &res, err, sizeof err), 0);
    double h = model_tenant_stat(&res, 0, MT_PREFIX_HIT)->mean;
    /* h = (m - 1) 1024 / (n 256 + m 1024) for m reusing of n requests */
    double n = model_tenant_stat(&res, 0, MT_COMPLETED)->mean;
    double m = (h * n * 256 + 1024) / (1024 - 1024 * h);
    *reuse_seen = m / n;
    model_result_free(&res);
    scn_free(sc);
    return h;
}

static void the_generator_shares_a_prefix_with_its_reuse_fraction(void)
{
    double f1, f2, f3;
    double a = gen_hit(11, &f1), b = gen_hit(11, &f2), c = gen_hit(12, &f3);
    CU_ASSERT_EQUAL(a, b);                             /* the same for a seed */
    CU_ASSERT(a != c);
    ASSERT_REL(f1, 0.5, 0.06);                         /* 800 requests: binomial sd 1.8% */
    ASSERT_REL(f3, 0.5, 0.06);
    /* near 0.5 x 1024 / (256 + 0.5 x 1024) = 2/3 */
    ASSERT_REL(a, 2.0 / 3, 0.05);
}

/* A cache too small for the traffic: decodes preempt, cached blocks are
 * evicted and re-entered; every request still finishes, under both
 * policies, and the hit rate stays a share. */
static void a_full_cache_evicts_and_preempts_and_every_request_finishes(void)
{
    static const char *const policy[2] = { "preempt", "reserve" };
    for (int k = 0; k < 2; k++) {
        char text[2048], err[512];
        scn *sc = NULL;
        model_result res;
        snprintf(text, sizeof text,
                 "{\"name\":\"full\",\"seed\":5,\"duration_s\":20,\"warmup_s\":2,\"replications\":2,\"drain_s\":600,"
                 "\"hardware\":{\"gpu\":\"h100-sxm\",\"gpus\":2},"
                 "\"tenants\":[{\"name\":\"chat\",\"replicas\":2,\"router\":\"prefix_affinity\","
                 "\"workload\":{\"type\":\"llm\",\"model\":\"llama-3-8b\",\"mem_util\":0.22,\"kv_full\":\"%s\","
                 "\"prompt_tokens\":{\"dist\":\"exponential\",\"mean\":400},\"output_tokens\":{\"dist\":\"exponential\",\"mean\":200},"
                 "\"prefix\":{\"reuse\":0.7,\"tokens\":2000,\"groups\":16}},"
                 "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":6}}]}", policy[k]);
        CU_ASSERT_EQUAL_FATAL(scn_load_text(text, "full.json", NULL, 0, &sc, err, sizeof err), SCN_OK);
        CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &res, err, sizeof err), 0);
        double h = model_tenant_stat(&res, 2, MT_PREFIX_HIT)->mean;
        /* 16 prefixes of 2000 tokens against about 12k tokens of cache a
         * replica: evictions keep it well under the 0.7 x 2000 / (400 +
         * 1400) = 0.78 of a cache that kept everything (0.42, 0.41) */
        CU_ASSERT(h > 0.2 && h < 0.6);
        CU_ASSERT_EQUAL(res.unfinished, 0);
        CU_ASSERT(model_tenant_stat(&res, 2, MT_COMPLETED)->mean > 80);
        if (k == 0)
            CU_ASSERT(model_tenant_xstat(&res, 2, 4, MQ_MEAN)->mean > 0);     /* preemptions */
        model_result_free(&res);
        scn_free(sc);
    }
}

/* The example: the same shared-prefix trace to two fleets of four; affinity
 * finds what round robin's caches, each holding every document, cannot. */
static void the_example_routes_by_prefix_to_more_hits_and_a_lower_ttft(void)
{
    char err[512];
    scn *sc = NULL;
    model_result res;
    CU_ASSERT_EQUAL_FATAL(scn_load("scenarios/fleet-prefix-affinity-h100.json", NULL, 0, &sc, err, sizeof err), SCN_OK);
    CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &res, err, sizeof err), 0);
    int a = res.ntenants - 2, r = res.ntenants - 1;
    CU_ASSERT_STRING_EQUAL(sc->cfg.tenants[a].name, "affinity");
    double ha = model_tenant_stat(&res, a, MT_PREFIX_HIT)->mean, hr = model_tenant_stat(&res, r, MT_PREFIX_HIT)->mean;
    double ta = model_tenant_xstat(&res, a, 0, MQ_P95)->mean, tr = model_tenant_xstat(&res, r, 0, MQ_P95)->mean;
    CU_ASSERT(ha > 0.95 && hr < 0.80);                 /* 96.8% against 74.2% */
    CU_ASSERT(ta < tr / 4);                             /* 26.6 against 233.5 ms */
    model_result_free(&res);
    scn_free(sc);
}

static void zipf_groups_follow_their_power_law(void)
{
    pfx_gen_params p = { 1, 64, 4, 1 };
    pfx_gen g;
    CU_ASSERT_EQUAL_FATAL(pfx_gen_init(&g, &p), 0);
    /* 1/(k+1) over H_4 = 25/12: shares 12/25, 6/25, 4/25, 3/25 */
    ASSERT_REL(g.cdf[0], 12.0 / 25, 1e-12);
    ASSERT_REL(g.cdf[1], 18.0 / 25, 1e-12);
    ASSERT_REL(g.cdf[2], 22.0 / 25, 1e-12);
    CU_ASSERT_EQUAL(pfx_gen_group(&g, 0.0), 0);
    CU_ASSERT_EQUAL(pfx_gen_group(&g, 0.4799), 0);
    CU_ASSERT_EQUAL(pfx_gen_group(&g, 0.4801), 1);
    CU_ASSERT_EQUAL(pfx_gen_group(&g, 0.8799), 2);
    CU_ASSERT_EQUAL(pfx_gen_group(&g, 0.9999), 3);
    pfx_gen_free(&g);
    p.zipf = 0;                                       /* uniform: quarters */
    CU_ASSERT_EQUAL_FATAL(pfx_gen_init(&g, &p), 0);
    CU_ASSERT_PTR_NULL(g.cdf);
    CU_ASSERT_EQUAL(pfx_gen_group(&g, 0.2499), 0);
    CU_ASSERT_EQUAL(pfx_gen_group(&g, 0.25), 1);
    CU_ASSERT_EQUAL(pfx_gen_group(&g, 0.9999), 3);
    pfx_gen_free(&g);
}

static void a_bad_prefix_is_refused_with_its_field(void)
{
    char err[512];
    scn *sc = NULL;
    const char *bad =
        "{\"hardware\":{\"gpu\":\"h100-sxm\",\"gpus\":1},\"tenants\":[{\"name\":\"c\",\"workload\":{\"type\":\"llm\",\"model\":\"llama-3-8b\","
        "\"prefix\":{\"reuse\":1.5,\"tokens\":64}},\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":1}}]}";
    CU_ASSERT_EQUAL(scn_load_text(bad, "bad.json", NULL, 0, &sc, err, sizeof err), SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tenants.0.workload.prefix.reuse"));
}

TU_SUITE_FN(prefix)
{
    static const tu_test tests[] = {
        TU_TEST(engine_blocks_inside_a_trace_block_share_its_id),
        TU_TEST(a_released_block_stays_cached_until_its_memory_is_needed),
        TU_TEST(eviction_takes_the_least_recently_released_last_block_first),
        TU_TEST(requests_sharing_a_prefix_hit_it_all_but_the_first_time),
        TU_TEST(prefix_affinity_keeps_a_shared_prefix_on_one_replica),
        TU_TEST(the_generator_shares_a_prefix_with_its_reuse_fraction),
        TU_TEST(a_full_cache_evicts_and_preempts_and_every_request_finishes),
        TU_TEST(the_example_routes_by_prefix_to_more_hits_and_a_lower_ttft),
        TU_TEST(zipf_groups_follow_their_power_law),
        TU_TEST(a_bad_prefix_is_refused_with_its_field),
    };
    TU_SUITE("prefix", tests);
}
