/* test_llm.c -- the LLM serving model: model shapes and parameter counts
 * (presets and config.json), KV-cache sizing, operator-level iteration cost, the engine's timing in closed form,
 * token conservation under a full cache, and refusal of models that do not
 * fit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "tests/wl_helpers.h"
#include "models/llm.h"
#include "scenarios/hfconfig.h"
#include "scenarios/scenario.h"

/* ---- sizes ---- */

static llm_params params_of(const char *model, gpu_prec prec, int tp)
{
    llm_params p;
    memset(&p, 0, sizeof p);
    p.m = llm_model_find(model);
    p.prec = prec;
    p.tp = tp;
    p.mem_util = 0.9;
    p.block_tokens = 16;
    p.kernels_per_layer = 4;
    if (tp > 1)
        topo_build(&p.tp_net, topo_preset_find("dgx-h100"), 1, tp, TOPO_VIRT_BARE_METAL, NULL, NULL, 0);
    return p;
}

static void kv_cache_capacity_is_memory_minus_weights(void)
{
    llm_params p = params_of("llama-2-7b", GPU_BF16, 1);
    /* 2 x 32 layers x 32 KV heads x 128 x 2 bytes = 524288 bytes per token */
    CU_ASSERT_EQUAL(llm_kv_bytes_per_token(&p), 524288.0);
    ASSERT_REL(llm_kv_capacity_tokens(&p, 80e9), (0.9 * 80e9 - 6.74e9 * 2) / 524288.0, 1e-12);
    llm_params q = params_of("llama-3-8b", GPU_FP8, 1);    /* GQA: 8 KV heads, 1 byte */
    CU_ASSERT_EQUAL(llm_kv_bytes_per_token(&q), 65536.0);
    llm_params r = params_of("llama-2-70b", GPU_BF16, 4);  /* 4 GPUs share weights and cache */
    ASSERT_REL(llm_kv_capacity_tokens(&r, 80e9), (4 * 0.9 * 80e9 - 138e9) / 327680.0, 1e-12);
}

static void decode_iteration_streams_weights_and_cache_at_the_fitted_bandwidth(void)
{
    /* 32 sequences at 1000 tokens of context: every weight and 32 x 1000
     * tokens of cache are read once, at eta_bw (0.919) of 3.35 TB/s; the
     * kernels' fixed costs and the little compute add a few per cent */
    llm_params p = params_of("llama-2-7b", GPU_BF16, 1);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    llm_iter it = { 32, 32 * 1001.0, 32 * 1000.0, 32, 32, 32 * 1001.0, 32 * 1000.0 };
    double bytes = llm_model_params(p.m) * 2 + 32 * 1000.0 * 524288;
    double stream_ns = bytes / (0.919 * 3.35e12) * 1e9;
    double t = (double)llm_iter_ns(&p, &r, &it);
    CU_ASSERT(t > stream_ns);
    CU_ASSERT(t < 1.25 * stream_ns);
    /* fp8 weights and cache halve the bytes: decode is nearly twice as fast
     * (the roofline's single eta_c did not distinguish) */
    llm_params q = params_of("llama-2-7b", GPU_FP8, 1);
    double t8 = (double)llm_iter_ns(&q, &r, &it);
    CU_ASSERT(t8 < 0.6 * t);
    CU_ASSERT(t8 > 0.45 * t);
    /* the roofline fallback stays reachable */
    p.cost = LLM_COST_ROOFLINE;
    double expect = fmax(bytes / r.bytes_per_s, 2 * 6.74e9 * 32 / r.flops_per_s[GPU_BF16]) * 1e9 +
                    (32 * 4 + 1) * r.launch_ns;
    ASSERT_REL((double)llm_iter_ns(&p, &r, &it), expect, 0.03);
}

static void prefill_iteration_is_compute_bound_near_the_fitted_gemm_efficiency(void)
{
    /* 4096 prompt tokens of llama-3-8b on H100: the GEMMs do 2 x 4096 x
     * (non-embedding parameters) FLOPs at about eta_mm (0.75) of 989 TFLOP/s */
    llm_params p = params_of("llama-3-8b", GPU_BF16, 1);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    llm_iter it = { 4096, 4096.0 * 4097 / 2, 0, 1, 0, 0, 0 };
    double lin = 32.0 * (4096.0 * (4096 + 2 * 1024) + 4096.0 * 4096 + 3.0 * 4096 * 14336);
    double gemm_ns = 2 * 4096 * lin / (0.75 * 989e12) * 1e9;
    double t = (double)llm_iter_ns(&p, &r, &it);
    CU_ASSERT(t > gemm_ns);
    CU_ASSERT(t < 1.5 * gemm_ns);    /* + attention, norms, element-wise */
}

static void tensor_parallel_iteration_adds_two_allreduces_per_layer(void)
{
    llm_params p1 = params_of("llama-2-70b", GPU_BF16, 1), p4 = params_of("llama-2-70b", GPU_BF16, 4);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    llm_iter it = { 512, 512.0 * 513 / 2, 0, 1, 0, 0, 0 };
    /* sharding divides the per-GPU burst by 4; launches do not shrink */
    gpu_burst b1 = llm_linear_burst(p1.m, GPU_BF16, 1, 512), b4 = llm_linear_burst(p4.m, GPU_BF16, 4, 512);
    ASSERT_REL(b4.flops, b1.flops / 4, 1e-12);
    coll_est e;
    CU_ASSERT_EQUAL_FATAL(coll_estimate(&p4.tp_net, COLL_ALLREDUCE, 512.0 * 8192 * 2, NULL, &e), 0);
    /* 8 MiB over 4 H100s of a DGX: NVLS. 16 channels, each GPU owns a
     * 128 KiB part per channel, in NCCL's 32 KiB chunks (8 MiB is below
     * 8 x 16 x 4 x 64 KiB): the first passes two stages of 4 chunks over the
     * channel's NVLS share 0.85 x link_eff x 18 x 20.6 / 16 GB/s, each with
     * its sync; the other three overlap at 5 chunks per direction */
    CU_ASSERT_STRING_EQUAL(e.algo->name, "NVLS");
    const topo_fit *f = &p4.tp_net.fit;
    double ch = 0.85 * f->link_eff * 18 * 20.6 / 16, c = 32768 / (1e3 * ch);
    ASSERT_REL(e.time_us, coll_start_us(COLL_ALGO_NVLS, &coll_simple) + 2 * (4 * c + f->step_us) + 3 * fmax(5 * c, (5 * c + f->step_us) / 4),
               1e-9);
    sim_time_t ar = (sim_time_t)llround(e.time_us * 1e3);
    sim_time_t t4 = llm_iter_ns(&p4, &r, &it);
    CU_ASSERT(t4 >= 2 * 80 * ar);
    CU_ASSERT(t4 < llm_iter_ns(&p1, &r, &it));
}

/* ---- the engine, end to end ---- */

static const char *ONE_USER =
    "{ \"name\": \"one\", \"duration_s\": 20, \"warmup_s\": 1, \"replications\": 1,"
    "  \"hardware\": { \"gpu\": \"h100-sxm\" }, \"sharing\": { \"mode\": \"exclusive\" },"
    "  \"tenants\": [ { \"name\": \"c\", \"workload\": { \"type\": \"llm\", \"model\": \"llama-2-7b\","
    "     \"host_ms\": 0.5, \"prompt_tokens\": 512, \"output_tokens\": 65 },"
    "     \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }";

static void a_lone_request_has_ttft_of_one_prefill_and_tpot_of_one_decode(void)
{
    wl_run run;
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&run, ONE_USER, NULL, NULL), 0);
    llm_params p = params_of("llama-2-7b", GPU_BF16, 1);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    llm_iter pre = { 512, 512.0 * 513 / 2, 0, 1, 0, 0, 0 };
    llm_iter dec = { 1, 544, 543, 1, 1, 544, 543 };   /* the middle of the decode phase */
    double ttft = 0.5 + (double)llm_iter_ns(&p, &r, &pre) / 1e6;
    double tpot = 0.5 + (double)llm_iter_ns(&p, &r, &dec) / 1e6;
    ASSERT_REL(wl_get(&run, 0, "ttft_ms", "p50"), ttft, 0.001);
    ASSERT_REL(wl_get(&run, 0, "tpot_ms", "p50"), tpot, 0.005);
    ASSERT_REL(wl_get(&run, 0, "latency_ms", "mean"), ttft + 64 * tpot, 0.005);
    /* one user, no think time: 65 tokens per request latency */
    ASSERT_REL(wl_get(&run, 0, "throughput", "value"), 65 / ((ttft + 64 * tpot) / 1e3), 0.02);
    wl_run_free(&run);
}

static void chunked_prefill_splits_a_long_prompt_over_iterations(void)
{
    /* 1000 prompt tokens, 256 per iteration: chunks 256, 256, 256, 232, the
     * last of which samples the first token */
    const char *json =
        "{ \"name\": \"chunks\", \"duration_s\": 5, \"replications\": 1,"
        "  \"hardware\": { \"gpu\": \"h100-sxm\" }, \"sharing\": { \"mode\": \"exclusive\" },"
        "  \"tenants\": [ { \"name\": \"c\", \"workload\": { \"type\": \"llm\", \"model\": \"llama-3-8b\","
        "     \"max_batch\": 16, \"max_tokens\": 256, \"host_ms\": 1, \"prompt_tokens\": 1000, \"output_tokens\": 2 },"
        "     \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }";
    wl_run run;
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&run, json, NULL, NULL), 0);
    llm_params p = params_of("llama-3-8b", GPU_BF16, 1);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    double ttft = 0;
    for (int k = 0; k < 4; k++) {
        double o = 256.0 * k, c = k < 3 ? 256 : 232;
        llm_iter it = { c, c * o + c * (c + 1) / 2, k > 0 ? o : 0, k == 3, 0, 0, 0 };
        ttft += 1 + (double)llm_iter_ns(&p, &r, &it) / 1e6;
    }
    ASSERT_REL(wl_get(&run, 0, "ttft_ms", "p50"), ttft, 0.001);
    wl_run_free(&run);
}

static void full_cache_conserves_tokens_under_both_policies(void)
{
    /* llama-2-7b on an A100 40GB with mem_util 0.35: 0.52 GB of cache, 61 blocks
     * of 16 tokens: two 400-token requests fit at once, eight users contend */
    const char *policies[] = { "preempt", "reserve" };
    double tput[2];
    for (int k = 0; k < 2; k++) {
        char json[1024];
        snprintf(json, sizeof json,
            "{ \"name\": \"kv\", \"duration_s\": 30, \"warmup_s\": 2, \"replications\": 1,"
            "  \"hardware\": { \"gpu\": \"a100-sxm-40gb\" }, \"sharing\": { \"mode\": \"exclusive\" },"
            "  \"tenants\": [ { \"name\": \"c\", \"workload\": { \"type\": \"llm\", \"model\": \"llama-2-7b\","
            "     \"mem_util\": 0.35, \"kv_full\": \"%s\", \"prompt_tokens\": 200, \"output_tokens\": 200 },"
            "     \"arrivals\": { \"type\": \"closed\", \"users\": 8, \"think_s\": 0 } } ] }", policies[k]);
        wl_run run;
        CU_ASSERT_EQUAL_FATAL(wl_run_text(&run, json, NULL, NULL), 0);
        double done = wl_get(&run, 0, "completed", NULL);
        tput[k] = wl_get(&run, 0, "throughput", "value");
        CU_ASSERT(done > 15);
        /* tokens counted = 200 per completed request, give or take the edges */
        ASSERT_REL(tput[k] * 28, 200 * done, 0.05);
        /* the engine figures: preemptions only when the cache may overflow;
         * reserve keeps two sequences a batch and the cache nearly full */
        if (k == 0) {
            CU_ASSERT(wl_get(&run, 0, "preemptions", "mean") > 0.1);
        } else {
            CU_ASSERT_EQUAL(wl_get(&run, 0, "preemptions", "mean"), 0);
        }
        CU_ASSERT(wl_get(&run, 0, "batch_seqs", "mean") >= 1.9);
        CU_ASSERT(wl_get(&run, 0, "kv_use_pct", "mean") > 50);
        CU_ASSERT(wl_get(&run, 0, "kv_use_pct", "p99") <= 100);
        if (k == 1) {
            CU_ASSERT(wl_get(&run, 0, "batch_seqs", "mean") <= 2.0 + 1e-9);
        }
        wl_run_free(&run);
    }
    /* reserving the whole output admits two at a time; preemption packs more
     * sequences per iteration and so streams more tokens per weight read */
    CU_ASSERT(tput[0] > tput[1]);
}

static void decoders_in_aggregate_match_an_explicit_count_through_joins_leaves_and_preemptions(void)
{
    /* a cache of 61 blocks (as above), random prompt and output lengths,
     * Poisson arrivals above what it serves, small token budgets: requests
     * join, leave, chunk their prompts and (preempt) are preempted all the
     * time; every iteration's work and cache, and every request's figures
     * when it leaves the aggregate, are compared with an explicit count */
    const char *policies[] = { "preempt", "reserve" };
    const char *chunked[] = { "true", "false" };
    const int budget[] = { 64, 512 };
    llm_selfcheck(1);
    for (int k = 0; k < 4; k++) {
        char json[1400];
        snprintf(json, sizeof json,
            "{ \"name\": \"agg\", \"duration_s\": 20, \"replications\": 2, \"seed\": %d,"
            "  \"hardware\": { \"gpu\": \"a100-sxm-40gb\" }, \"sharing\": { \"mode\": \"exclusive\" },"
            "  \"tenants\": [ { \"name\": \"c\", \"workload\": { \"type\": \"llm\", \"model\": \"llama-2-7b\","
            "     \"mem_util\": 0.35, \"kv_full\": \"%s\", \"chunked_prefill\": %s, \"max_batch\": 32,"
            "     \"max_tokens\": %d, \"engine\": \"vllm\","
            "     \"prompt_tokens\": { \"dist\": \"lognormal\", \"mean\": 120, \"cv\": 1.2 },"
            "     \"output_tokens\": { \"dist\": \"lognormal\", \"mean\": 60, \"cv\": 1.5 } },"
            "     \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 30 } } ] }",
            k + 1, policies[k % 2], chunked[k / 2], budget[k / 2]);
        long c0, b0, c1, b1;
        llm_selfcheck_counts(&c0, &b0);
        wl_run run;
        CU_ASSERT_EQUAL_FATAL(wl_run_text(&run, json, NULL, NULL), 0);
        llm_selfcheck_counts(&c1, &b1);
        CU_ASSERT(c1 - c0 > 2000);
        CU_ASSERT_EQUAL(b1 - b0, 0);
        CU_ASSERT(wl_get(&run, 0, "completed", NULL) > 100);
        if (k % 2 == 0) {
            CU_ASSERT(wl_get(&run, 0, "preemptions", "mean") > 0.05);
        }
        wl_run_free(&run);
    }
    llm_selfcheck(0);
}

static void decoders_in_aggregate_match_an_explicit_count_with_prefix_caching_and_disaggregation(void)
{
    /* the examples of both: shared prefix blocks (the cache's blocks do not
     * add up per request there; the work and every request's figures must),
     * and decode engines that take requests on from prefill engines */
    const char *files[] = { "scenarios/fleet-prefix-affinity-h100.json",
                            "scenarios/disagg-llama3-long-prompts.json" };
    llm_selfcheck(1);
    for (int k = 0; k < 2; k++) {
        char *argv[] = { "slicesim", "run", (char *)files[k], NULL };
        static char out[65536], err[65536];
        long c0, b0, c1, b1;
        llm_selfcheck_counts(&c0, &b0);
        CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
        llm_selfcheck_counts(&c1, &b1);
        CU_ASSERT(c1 - c0 > 10000);
        CU_ASSERT_EQUAL(b1 - b0, 0);
    }
    llm_selfcheck(0);
}

static void a_model_that_does_not_fit_is_refused_with_both_sizes(void)
{
    const char *json =
        "{ \"hardware\": { \"gpu\": \"h100-sxm\" }, \"duration_s\": 1,"
        "  \"tenants\": [ { \"name\": \"big\", \"workload\": { \"type\": \"llm\", \"model\": \"llama-2-70b\" },"
        "     \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1 } } ] }";
    wl_run run;
    wl_run_text(&run, json, NULL, NULL);
    CU_ASSERT_EQUAL(run.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(run.err, "tenants.0.workload.model"));
    CU_ASSERT_PTR_NOT_NULL(strstr(run.err, "138.00 GB of weights"));
    CU_ASSERT_PTR_NOT_NULL(strstr(run.err, "72.00 GB"));
    wl_run_free(&run);
}

/* On MIG the check uses the instance's memory: Llama-3-8B's 16.06 GB of
 * bf16 weights fit a 3g.40gb instance of an A100 80GB (39.25 GiB) but not a
 * 1g.10gb (9.5 GiB); the KV cache is sized from the instance. */
static void a_model_is_checked_against_its_mig_instance(void)
{
#define MIG_LLM \
        "{ \"hardware\": { \"gpu\": \"a100-sxm-80gb\" }, \"duration_s\": 20, \"replications\": 1," \
        "  \"sharing\": { \"mode\": \"mig\", \"instances\": [ { \"profile\": \"%s\" } ] }," \
        "  \"tenants\": [ { \"name\": \"chat\", \"instance\": 0," \
        "     \"workload\": { \"type\": \"llm\", \"model\": \"llama-3-8b\" }," \
        "     \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 2 } } ] }"
    char json[1024];
    wl_run run;
    snprintf(json, sizeof json, MIG_LLM, "1g.10gb");
    wl_run_text(&run, json, NULL, NULL);
    CU_ASSERT_EQUAL(run.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(run.err, "tenants.0.workload.model"));
    CU_ASSERT_PTR_NOT_NULL(strstr(run.err, "16.06 GB of weights"));
    CU_ASSERT_PTR_NOT_NULL(strstr(run.err, "of 10.20 GB"));
    wl_run_free(&run);
    snprintf(json, sizeof json, MIG_LLM, "3g.40gb");
    CU_ASSERT_EQUAL(wl_run_text(&run, json, NULL, NULL), 0);
    CU_ASSERT(wl_get(&run, 0, "completed", NULL) >= 1);
    wl_run_free(&run);
}

static void unknown_model_and_bad_limits_are_bad_input(void)
{
    const char *json =
        "{ \"hardware\": { \"gpu\": \"h100-sxm\" }, \"duration_s\": 1,"
        "  \"tenants\": [ { \"name\": \"x\", \"workload\": { \"type\": \"llm\", \"model\": \"gpt-5\" },"
        "     \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1 } } ] }";
    wl_run run;
    wl_run_text(&run, json, NULL, NULL);
    CU_ASSERT_EQUAL(run.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(run.err, "unknown model \"gpt-5\"; allowed: llama-2-7b"));
    wl_run_free(&run);
    const char *json2 =
        "{ \"hardware\": { \"gpu\": \"h100-sxm\", \"gpus\": 2 }, \"duration_s\": 1,"
        "  \"tenants\": [ { \"name\": \"x\", \"workload\": { \"type\": \"llm\", \"model\": \"llama-2-7b\", \"tp\": 4 },"
        "     \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1 } } ] }";
    wl_run_text(&run, json2, NULL, NULL);
    CU_ASSERT_EQUAL(run.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(run.err, "tenants.0.workload.tp: value 4 is out of range"));
    wl_run_free(&run);
}

/* ---- models users bring ---- */

static void presets_count_their_parameters_as_the_model_cards_do(void)
{
    /* total / active as models_2026.csv quotes the cards (rounded there) */
    static const struct { const char *name; double total, active; } CARDS[] = {
        { "mixtral-8x7b", 47e9, 13e9 }, { "qwen3-30b-a3b", 30.5e9, 3.3e9 },
        { "qwen3-235b-a22b", 235e9, 22e9 }, { "gpt-oss-120b", 117e9, 5.1e9 },
        { "gpt-oss-20b", 21e9, 3.6e9 }, { "deepseek-v3", 671e9, 37e9 },
    };
    for (size_t i = 0; i < sizeof CARDS / sizeof CARDS[0]; i++) {
        const llm_model *m = llm_model_find(CARDS[i].name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        ASSERT_REL(llm_model_params(m), CARDS[i].total, 0.04);
        ASSERT_REL(llm_model_active_params(m), CARDS[i].active, 0.08);
    }
    /* a dense model: 8.03 B for Llama 3.1 8B (FACTS §6 gives Llama 3 8B the same shapes) */
    ASSERT_REL(llm_model_params(llm_model_find("llama-3.1-8b")), 8.03e9, 0.005);
    /* MLA caches 512 + 64 values per token and layer: 61 x 576 x 1 byte in fp8 */
    llm_params p = params_of("deepseek-v3", GPU_FP8, 1);
    CU_ASSERT_EQUAL(llm_kv_bytes_per_token(&p), 61.0 * 576);
    for (size_t i = 0; i < llm_model_count(); i++)
        CU_ASSERT(llm_model_at(i)->source && llm_model_at(i)->source[0]);
}

static void a_config_json_gives_the_shapes_of_its_preset(void)
{
    const char *const files[] = { "scenarios/models/qwen3-30b-a3b/config.json",
                                  "scenarios/models/deepseek-v3/config.json" };
    const char *const presets[] = { "qwen3-30b-a3b", "deepseek-v3" };
    for (int i = 0; i < 2; i++) {
        llm_model m;
        char err[1024];
        memset(&m, 0, sizeof m);
        CU_ASSERT_EQUAL_FATAL(hfcfg_load(files[i], &m, err, sizeof err), 0);
        const llm_model *q = llm_model_find(presets[i]);
        CU_ASSERT_EQUAL(m.layers, q->layers);
        CU_ASSERT_EQUAL(m.d_model, q->d_model);
        CU_ASSERT_EQUAL(m.heads, q->heads);
        CU_ASSERT_EQUAL(m.kv_heads, q->kv_heads);
        CU_ASSERT_EQUAL(m.head_dim, q->head_dim);
        CU_ASSERT_EQUAL(m.ffn, q->ffn);
        CU_ASSERT_EQUAL(m.vocab, q->vocab);
        CU_ASSERT_EQUAL(m.experts, q->experts);
        CU_ASSERT_EQUAL(m.experts_per_tok, q->experts_per_tok);
        CU_ASSERT_EQUAL(m.moe_ffn, q->moe_ffn);
        CU_ASSERT_EQUAL(m.shared_experts, q->shared_experts);
        CU_ASSERT_EQUAL(m.dense_layers, q->dense_layers);
        CU_ASSERT_EQUAL(m.kv_lora, q->kv_lora);
        CU_ASSERT_EQUAL(m.q_lora, q->q_lora);
        CU_ASSERT_EQUAL(m.rope_dim, q->rope_dim);
        CU_ASSERT_EQUAL(m.v_head_dim, q->v_head_dim);
        ASSERT_REL(llm_model_params(&m), llm_model_params(q), 1e-12);
    }
}

#define CFG_SCENARIO(model_field) \
    "{ \"duration_s\": 10, \"warmup_s\": 1, \"replications\": 1, \"hardware\": { \"gpu\": \"h100-sxm\" }," \
    "  \"tenants\": [ { \"name\": \"c\", \"workload\": { \"type\": \"llm\", " model_field "," \
    "     \"host_ms\": 0.5, \"prompt_tokens\": 512, \"output_tokens\": 33 }," \
    "     \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }"

static void a_scenario_runs_a_model_from_its_config_json_as_the_preset(void)
{
    /* Mistral-7B-v0.3's config.json keys (models_2026.csv) beside the scenario */
    const char *cfg = "{ \"architectures\": [\"MistralForCausalLM\"], \"num_hidden_layers\": 32,"
                      " \"hidden_size\": 4096, \"num_attention_heads\": 32, \"num_key_value_heads\": 8,"
                      " \"intermediate_size\": 14336, \"vocab_size\": 32768, \"max_position_embeddings\": 32768,"
                      " \"sliding_window\": null, \"rope_theta\": 1000000.0, \"tie_word_embeddings\": false }";
    wl_run a, b;
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&a, CFG_SCENARIO("\"model_config\": \"mistral.json\""), "mistral.json", cfg), 0);
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&b, CFG_SCENARIO("\"model\": \"mistral-7b-v0.3\""), NULL, NULL), 0);
    CU_ASSERT(wl_get(&a, 0, "ttft_ms", "p50") > 0);
    ASSERT_REL(wl_get(&a, 0, "ttft_ms", "p50"), wl_get(&b, 0, "ttft_ms", "p50"), 1e-9);
    ASSERT_REL(wl_get(&a, 0, "tpot_ms", "p50"), wl_get(&b, 0, "tpot_ms", "p50"), 1e-9);
    wl_run_free(&a);
    wl_run_free(&b);
    /* a config without a required key is bad input naming the file and the key */
    wl_run_text(&a, CFG_SCENARIO("\"model_config\": \"bad.json\""), "bad.json", "{ \"hidden_size\": 4096 }");
    CU_ASSERT_EQUAL(a.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(a.err, "bad.json"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a.err, "num_hidden_layers"));
    wl_run_free(&a);
}

/* scenarios/llm-deepseek-fp4-gb300.json: DeepSeek-V3's fp4 weights over tp 2
 * are 178 GB a GPU; a GB300 (279 GB, 0.9 to the engine) keeps room for the
 * KV cache, a GB200 (186 GB: 167.4 to the engine) does not. */
static void deepseek_fp4_fits_two_gb300_but_not_two_gb200(void)
{
    const char *file = "scenarios/llm-deepseek-fp4-gb300.json";
    char err[1024] = "";
    scn *sc = NULL;
    CU_ASSERT_EQUAL_FATAL(scn_load(file, NULL, 0, &sc, err, sizeof err), SCN_OK);
    scn_free(sc);
    sc = NULL;
    char *gb200[] = { "hardware.gpu=gb200", "network.topology=gb200-nvl72" };
    CU_ASSERT_EQUAL(scn_load(file, gb200, 2, &sc, err, sizeof err), SCN_BAD_INPUT);
    CU_ASSERT_PTR_NULL(sc);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tenants.0.workload.model"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "178.24 GB of weights per GPU (tp 2)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "167.40 GB"));
    /* 4.25 bits a weight (MXFP4: a shared 8-bit scale per 32) */
    llm_params p = params_of("deepseek-v3", GPU_FP4, 2);
    ASSERT_REL(llm_weight_bytes(&p) / 2, llm_model_params(p.m) * 4.25 / 8 / 2, 0.01);
}

static void moe_decode_reads_only_the_experts_its_batch_touches(void)
{
    /* Mixtral: one sequence decoding touches 2 of 8 experts; 256 touch all */
    llm_params p = params_of("mixtral-8x7b", GPU_BF16, 1);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h200"), 1, 1);
    llm_iter one = { 1, 101, 100, 1, 1, 101, 100 }, many = { 256, 256 * 101.0, 256 * 100.0, 256, 256, 256 * 101.0, 256 * 100.0 };
    double bw = 0.919 * 4.8e12;
    double active = llm_model_active_params(p.m) * 2 / bw * 1e9, total = llm_model_params(p.m) * 2 / bw * 1e9;
    double t1 = (double)llm_iter_ns(&p, &r, &one), t256 = (double)llm_iter_ns(&p, &r, &many);
    CU_ASSERT(t1 > active);
    /* + kernel floors and 64-row tiles of a one-row GEMM: 7.3 ms on an H200,
     * near the 7-10 ms per token reported for batch-1 Mixtral on H100/H200 */
    CU_ASSERT(t1 < 1.4 * active);
    CU_ASSERT(t1 < 0.5 * total);
    CU_ASSERT(t256 > total);
    /* 1 - (1 - 2/8)^256 of the experts: all of them, so the weights read are the total */
    CU_ASSERT(t256 < 1.4 * total + 256 * 100.0 * llm_kv_bytes_per_token(&p) / bw * 1e9);
}

static void expert_parallel_trades_an_allreduce_for_two_all_to_alls(void)
{
    llm_params tp8 = params_of("qwen3-30b-a3b", GPU_BF16, 8), ep8 = tp8;
    ep8.ep = 8;
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    llm_iter it = { 64, 64 * 1001.0, 64 * 1000.0, 64, 64, 64 * 1001.0, 64 * 1000.0 };
    llm_cost a, b;
    llm_iter_cost(&tp8, &r, &it, &a);
    llm_iter_cost(&ep8, &r, &it, &b);
    CU_ASSERT(a.comm_ns > 0);
    CU_ASSERT(b.comm_ns != a.comm_ns);
    CU_ASSERT(b.ns - b.comm_ns != a.ns - a.comm_ns);   /* whole experts, not shards, per GPU */
    const char *json =
        "{ \"hardware\": { \"gpu\": \"h100-sxm\", \"gpus\": 8 }, \"duration_s\": 1,"
        "  \"tenants\": [ { \"name\": \"x\", \"workload\": { \"type\": \"llm\", \"model\": \"qwen3-30b-a3b\","
        "     \"tp\": 8, \"ep\": 4 }, \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1 } } ] }";
    wl_run run;
    wl_run_text(&run, json, NULL, NULL);
    CU_ASSERT_EQUAL(run.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(run.err, "tenants.0.workload.ep: value 4 is not allowed; allowed: 1"));
    wl_run_free(&run);
}

/* ---- serving engines ---- */

static void an_engine_preset_adds_its_cpu_and_front_end_times(void)
{
    /* one user on vllm: the front end takes 1 ms + 512 x 1 us before the
     * scheduler and 0.5 ms after the last token; each iteration half of
     * 0.3 ms + 6 us per running sequence */
    const char *json =
        "{ \"name\": \"eng\", \"duration_s\": 20, \"warmup_s\": 1, \"replications\": 1,"
        "  \"hardware\": { \"gpu\": \"h100-sxm\" }, \"sharing\": { \"mode\": \"exclusive\" },"
        "  \"tenants\": [ { \"name\": \"c\", \"workload\": { \"type\": \"llm\", \"model\": \"llama-2-7b\","
        "     \"engine\": \"vllm\", \"prompt_tokens\": 512, \"output_tokens\": 65 },"
        "     \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }";
    wl_run run;
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&run, json, NULL, NULL), 0);
    llm_params p = params_of("llama-2-7b", GPU_BF16, 1);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    llm_iter pre = { 512, 512.0 * 513 / 2, 0, 1, 0, 0, 0 };
    llm_iter dec = { 1, 544, 543, 1, 1, 544, 543 };
    /* vllm: 0.3 ms + vllm-0.5's 150 us a sequence, of which the scheduling
     * share 29/62 is paid once in 8 steps (8.77 us), half hidden */
    double h = 0.3, hs = 0.150 * 29 / 62 / 8;
    double ttft = 1.0 + 0.512 + 0.5 * h + (double)llm_iter_ns(&p, &r, &pre) / 1e6;
    double tpot = 0.5 * (h + hs) + (double)llm_iter_ns(&p, &r, &dec) / 1e6;
    ASSERT_REL(wl_get(&run, 0, "ttft_ms", "p50"), ttft, 0.002);
    ASSERT_REL(wl_get(&run, 0, "tpot_ms", "p50"), tpot, 0.005);
    ASSERT_REL(wl_get(&run, 0, "latency_ms", "mean"), ttft + 64 * tpot + 0.5, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(wl_get(&run, 0, "batch_seqs", "mean"), 1, 1e-9);
    wl_run_free(&run);
    /* the pre-0.6 vLLM engine costs more CPU per sequence than the current one */
    const llm_engine *old = llm_engine_find("vllm-0.5"), *now = llm_engine_find("vllm");
    CU_ASSERT(old->host_seq_us > 10 * now->host_seq_us);
    ASSERT_REL(now->host_seq_us, old->host_seq_us * 29 / 62 / 8, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(old->overlap, 0, 1e-12);
    CU_ASSERT(llm_engine_find("sglang")->overlap > llm_engine_find("vllm")->overlap);
    CU_ASSERT_PTR_NULL(llm_engine_find("ollama"));
    const char *bad =
        "{ \"hardware\": { \"gpu\": \"h100-sxm\" }, \"duration_s\": 1,"
        "  \"tenants\": [ { \"name\": \"x\", \"workload\": { \"type\": \"llm\", \"model\": \"llama-2-7b\","
        "     \"engine\": \"ollama\" }, \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1 } } ] }";
    wl_run_text(&run, bad, NULL, NULL);
    CU_ASSERT_EQUAL(run.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(run.err, "tenants.0.workload.engine: unknown engine \"ollama\"; allowed: vllm"));
    wl_run_free(&run);
}

TU_SUITE_FN(llm)
{
    static const tu_test tests[] = {
        TU_TEST(kv_cache_capacity_is_memory_minus_weights),
        TU_TEST(decode_iteration_streams_weights_and_cache_at_the_fitted_bandwidth),
        TU_TEST(prefill_iteration_is_compute_bound_near_the_fitted_gemm_efficiency),
        TU_TEST(tensor_parallel_iteration_adds_two_allreduces_per_layer),
        TU_TEST(a_lone_request_has_ttft_of_one_prefill_and_tpot_of_one_decode),
        TU_TEST(chunked_prefill_splits_a_long_prompt_over_iterations),
        TU_TEST(full_cache_conserves_tokens_under_both_policies),
        TU_TEST(decoders_in_aggregate_match_an_explicit_count_through_joins_leaves_and_preemptions),
        TU_TEST(decoders_in_aggregate_match_an_explicit_count_with_prefix_caching_and_disaggregation),
        TU_TEST(a_model_that_does_not_fit_is_refused_with_both_sizes),
        TU_TEST(a_model_is_checked_against_its_mig_instance),
        TU_TEST(unknown_model_and_bad_limits_are_bad_input),
        TU_TEST(presets_count_their_parameters_as_the_model_cards_do),
        TU_TEST(a_config_json_gives_the_shapes_of_its_preset),
        TU_TEST(deepseek_fp4_fits_two_gb300_but_not_two_gb200),
        TU_TEST(a_scenario_runs_a_model_from_its_config_json_as_the_preset),
        TU_TEST(moe_decode_reads_only_the_experts_its_batch_touches),
        TU_TEST(expert_parallel_trades_an_allreduce_for_two_all_to_alls),
        TU_TEST(an_engine_preset_adds_its_cpu_and_front_end_times),
    };
    TU_SUITE("llm", tests);
}
