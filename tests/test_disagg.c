/* test_disagg.c -- prefill/decode disaggregation: the KV cache's size from
 * the model's shapes, its transfer costed as the collective model's
 * send/recv, a lone request's latency as prefill + transfer + decode
 * iterations to the nanosecond, decode batches without prefill stalls in
 * a mixed load, each pool counting every request once, and bad pools
 * refused with one message. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "scenarios/scenario.h"
#include "models/disagg.h"
#include "models/llm.h"
#include "models/model.h"

/* Llama-3-8B on H100s, prefill_replicas P and decode_replicas D over
 * `link` (P + D GPUs, or two nodes of 8 for the network), engine CPU costs
 * off, fixed prompt and output lengths; arrivals as given. */
static const char *pd_text(char *buf, size_t len, int np, int nd, const char *link, int prompt, int output,
                           const char *arrivals)
{
    snprintf(buf, len,
             "{\"name\":\"pd\",\"seed\":3,\"duration_s\":20,\"warmup_s\":2,\"replications\":1,"
             "\"hardware\":{\"gpu\":\"h100-sxm\",\"gpus\":%d},\"sharing\":{\"mode\":\"exclusive\"},"
             "\"tenants\":[{\"name\":\"chat\",\"router\":\"round_robin\","
             "\"disaggregation\":{\"prefill_replicas\":%d,\"decode_replicas\":%d,\"link\":\"%s\"},"
             "\"workload\":{\"type\":\"llm\",\"model\":\"llama-3-8b\",\"engine\":\"none\",\"host_ms\":0,"
             "\"max_batch\":64,\"max_tokens\":8192,\"prompt_tokens\":%d,\"output_tokens\":%d},"
             "\"arrivals\":%s}]}",
             np + nd, np, nd, link, prompt, output, arrivals);
    return buf;
}

static scn *load(const char *text)
{
    scn *sc = NULL;
    char err[1024];
    int rc = scn_load_text(text, "pd.json", NULL, 0, &sc, err, sizeof err);
    if (rc != SCN_OK)
        fprintf(stderr, "%s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    return sc;
}

static const llm_params *params_of(const scn *sc, int i)
{
    return sc->cfg.tenants[i].wl_params;
}

static void llama3_8b_holds_131072_bytes_of_kv_per_token(void)
{
    char text[2048];
    scn *sc = load(pd_text(text, sizeof text, 1, 1, "nvlink", 1000, 10, "{\"type\":\"poisson\",\"rate_per_s\":1}"));
    llm_params p = *params_of(sc, 0);
    CU_ASSERT_DOUBLE_EQUAL(llm_kv_bytes_per_token(&p), 32.0 * 2 * 8 * 128 * 2, 0);   /* 131072 B */
    p.prec = GPU_FP8;                                                               /* an fp8 cache */
    CU_ASSERT_DOUBLE_EQUAL(llm_kv_bytes_per_token(&p), 65536, 0);
    scn_free(sc);
}

static void a_cache_moves_in_the_send_recv_time_of_the_p2p_model(void)
{
    char text[2048];
    const double bytes = 4000 * 131072.0;     /* a 4000-token prompt's cache: 524 MB */
    const char *links[] = { "nvlink", "network", "pcie" };
    double us[3];
    for (int k = 0; k < 3; k++) {
        scn *sc = load(pd_text(text, sizeof text, 1, 1, links[k], 1000, 10, "{\"type\":\"poisson\",\"rate_per_s\":1}"));
        const disagg_cfg *c = params_of(sc, 0)->disagg;
        CU_ASSERT_EQUAL(params_of(sc, 0)->role, LLM_ROLE_PREFILL);
        CU_ASSERT_EQUAL(params_of(sc, 1)->role, LLM_ROLE_DECODE);
        CU_ASSERT_PTR_EQUAL(params_of(sc, 1)->disagg, c);
        topo t;
        CU_ASSERT_EQUAL_FATAL(topo_build(&t, topo_preset_find("dgx-h100"), k == 1 ? 2 : 1, k == 1 ? 1 : 2,
                                         TOPO_VIRT_BARE_METAL, NULL, NULL, 0), 0);
        if (k == 2) {                         /* NVLink hidden: the GPUs' PCIe path */
            topo_overrides o = topo_overrides_none();
            o.hide_nvlink = 1;
            topo_build(&t, topo_preset_find("dgx-h100"), 1, 2, TOPO_VIRT_BARE_METAL, &o, NULL, 0);
        }
        coll_est e;
        CU_ASSERT_EQUAL_FATAL(coll_estimate(&t, COLL_SENDRECV, bytes, NULL, &e), 0);
        us[k] = disagg_transfer_us(c, bytes);
        CU_ASSERT_DOUBLE_EQUAL(us[k], e.time_us, 0);
        CU_ASSERT_STRING_EQUAL(e.algo->name, "P2P");
        scn_free(sc);
    }
    /* NVLink (~370 GB/s achieved) beats one 400 Gb/s NIC (~50 GB/s) */
    CU_ASSERT(us[0] > 1000 && us[0] < 2000);
    CU_ASSERT(us[1] > 5 * us[0]);
    CU_ASSERT(us[2] > us[0]);
}

/* The records of decode engine tenant `ti` (requests finish there). */
typedef struct {
    int        ti, n;
    tenant_rec r[64];
} recs;

static void keep_rec(void *ud, const tenant_rec *r)
{
    recs *k = ud;
    if (r->tenant == k->ti && k->n < 64)
        k->r[k->n++] = *r;
}

static void a_lone_request_is_prefill_then_transfer_then_decodes(void)
{
    char text[2048], err[512];
    const int P = 2000, O = 17;
    scn *sc = load(pd_text(text, sizeof text, 1, 1, "nvlink", P, O,
                           "{\"type\":\"closed\",\"users\":1,\"think_s\":0}"));
    recs k = { .ti = 1 };
    sc->cfg.on_rec = keep_rec;
    sc->cfg.rec_ud = &k;
    model_result res;
    CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &res, err, sizeof err), 0);
    const llm_params *lp = params_of(sc, 0);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    llm_iter pre = { P, P * (P + 1.0) / 2, 0, 1, 0, 0, 0 };
    sim_time_t ttft = llm_iter_ns(lp, &r, &pre);
    sim_time_t xfer = sim_round_ns(disagg_transfer_us(lp->disagg, P * 131072.0) * 1e3);
    sim_time_t dec = 0;
    for (int j = 0; j < O - 1; j++) {          /* the second token on: cache of P + j tokens */
        double o = P + j;
        llm_iter it = { 1, o + 1, o, 1, 1, o + 1, o };
        dec += llm_iter_ns(params_of(sc, 1), &r, &it);
    }
    CU_ASSERT_FATAL(k.n > 10);
    for (int i = 0; i < k.n; i++) {            /* one user: every request alone */
        const tenant_rec *q = &k.r[i];
        CU_ASSERT_EQUAL(q->end - q->arrival, ttft + xfer + dec);
        CU_ASSERT_DOUBLE_EQUAL(q->metric[0], ttft / 1e6, 1e-9);                        /* ttft_ms */
        CU_ASSERT_DOUBLE_EQUAL(q->metric[1], (xfer + dec) / 1e6 / (O - 1), 1e-9);       /* tpot_ms */
        CU_ASSERT_DOUBLE_EQUAL(q->metric[5], 0, 0);                                    /* kv_wait_ms */
        CU_ASSERT_DOUBLE_EQUAL(q->metric[6], xfer / 1e6, 1e-9);                        /* kv_xfer_ms */
        CU_ASSERT_DOUBLE_EQUAL(q->units, O - 1, 0);
    }
    /* 2000 tokens: 262 MB in ~0.7 ms, against a ~100 ms prefill */
    CU_ASSERT(xfer > 500000 && xfer < 1000000);
    model_result_free(&res);
    scn_free(sc);
}

/* A prefill pool of tp 2 next to decode engines of tp 1: the prefill is
 * the tp-2 iteration (its all-reduces included), the cache crosses whole
 * through the decode GPU, the decode steps are tp 1. */
static void a_pool_may_have_its_own_tensor_parallel_group(void)
{
    char text[2048], err[512];
    const int P = 2000, O = 9;
    pd_text(text, sizeof text, 1, 1, "nvlink", P, O, "{\"type\":\"closed\",\"users\":1,\"think_s\":0}");
    char *at = strstr(text, "\"link\":\"nvlink\"");
    char with[2200];
    snprintf(with, sizeof with, "%.*s\"prefill\":{\"tp\":2},%s", (int)(at - text), text, at);
    scn *sc = load(with);
    const llm_params *pp = params_of(sc, 0), *dp = params_of(sc, 1);
    CU_ASSERT_EQUAL(pp->tp, 2);
    CU_ASSERT_EQUAL(dp->tp, 1);
    CU_ASSERT_EQUAL(topo_ranks(&pp->tp_net), 2);
    recs k = { .ti = 1 };
    sc->cfg.on_rec = keep_rec;
    sc->cfg.rec_ud = &k;
    model_result res;
    CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &res, err, sizeof err), 0);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    llm_iter pre = { P, P * (P + 1.0) / 2, 0, 1, 0, 0, 0 };
    llm_params one = *pp;
    one.tp = 1;
    sim_time_t ttft = llm_iter_ns(pp, &r, &pre), xfer = sim_round_ns(disagg_transfer_us(dp->disagg, P * 131072.0) * 1e3);
    sim_time_t dec = 0;
    for (int j = 0; j < O - 1; j++) {
        double o = P + j;
        llm_iter it = { 1, o + 1, o, 1, 1, o + 1, o };
        dec += llm_iter_ns(dp, &r, &it);
    }
    CU_ASSERT(ttft < 0.7 * llm_iter_ns(&one, &r, &pre));     /* two GPUs prefill */
    CU_ASSERT_FATAL(k.n > 10);
    CU_ASSERT_EQUAL(k.r[0].end - k.r[0].arrival, ttft + xfer + dec);
    CU_ASSERT_DOUBLE_EQUAL(k.r[0].metric[6], xfer / 1e6, 1e-9);
    model_result_free(&res);
    scn_free(sc);
}

/* Two prompts prefilled at once on two prefill engines, one decode engine
 * whose cache holds one of them but not two: the second waits for blocks
 * until the first has finished, to the nanosecond, then moves and decodes
 * alone in turn. */
static void a_decode_engine_admits_a_cache_only_when_its_blocks_are_free(void)
{
    char text[2048], err[512];
    const int P = 2000, O = 17;
    snprintf(text, sizeof text,
             "{\"name\":\"pd\",\"seed\":3,\"duration_s\":2,\"warmup_s\":0,\"replications\":1,"
             "\"hardware\":{\"gpu\":\"h100-sxm\",\"gpus\":3},\"sharing\":{\"mode\":\"exclusive\"},"
             "\"tenants\":[{\"name\":\"chat\",\"router\":\"round_robin\","
             "\"disaggregation\":{\"prefill_replicas\":2,\"decode_replicas\":1,\"decode\":{\"mem_util\":0.2065}},"
             "\"workload\":{\"type\":\"llm\",\"model\":\"llama-3-8b\",\"engine\":\"none\",\"host_ms\":0,"
             "\"prompt_tokens\":%d,\"output_tokens\":%d},"
             "\"arrivals\":{\"type\":\"closed\",\"users\":2,\"think_s\":0}}]}", P, O);
    scn *sc = load(text);
    const llm_params *dp = params_of(sc, 2);
    CU_ASSERT_DOUBLE_EQUAL(dp->mem_util, 0.2065, 0);
    CU_ASSERT_DOUBLE_EQUAL(params_of(sc, 0)->mem_util, 0.9, 0);
    double blocks = floor(llm_kv_capacity_tokens(dp, 80e9) / 16);
    CU_ASSERT(blocks >= 127 && blocks < 2 * 126);    /* 2001 tokens need 126 blocks, 2017 need 127 */
    recs k = { .ti = 2 };
    sc->cfg.on_rec = keep_rec;
    sc->cfg.rec_ud = &k;
    model_result res;
    CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &res, err, sizeof err), 0);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    sim_time_t xfer = sim_round_ns(disagg_transfer_us(dp->disagg, P * 131072.0) * 1e3), dec = 0;
    for (int j = 0; j < O - 1; j++) {
        double o = P + j;
        llm_iter it = { 1, o + 1, o, 1, 1, o + 1, o };
        dec += llm_iter_ns(dp, &r, &it);
    }
    const tenant_rec *first = NULL, *second = NULL;
    for (int i = 0; i < k.n; i++)
        if (k.r[i].arrival == 0)
            *(k.r[i].metric[5] == 0 ? &first : &second) = &k.r[i];
    CU_ASSERT_PTR_NOT_NULL_FATAL(first);
    CU_ASSERT_PTR_NOT_NULL_FATAL(second);
    CU_ASSERT_DOUBLE_EQUAL(second->metric[0], first->metric[0], 0);           /* prefilled side by side */
    CU_ASSERT_DOUBLE_EQUAL(second->metric[5], (xfer + dec) / 1e6, 1e-9);       /* kv_wait_ms: the first's stay */
    CU_ASSERT_DOUBLE_EQUAL(second->metric[6], xfer / 1e6, 1e-9);
    CU_ASSERT_EQUAL(second->end - first->end, xfer + dec);
    model_result_free(&res);
    scn_free(sc);
}

/* Long prompts at a load where colocated engines batch prefills with
 * decodes: two colocated replicas against one prefill and one decode
 * engine. The decode engine's iterations carry decode tokens only, so its
 * TPOT stays near one decode step while the colocated p95 carries whole
 * prefills. */
static void disaggregation_takes_prefill_stalls_out_of_tpot(void)
{
    char text[2048], err[512];
    const char *arr = "{\"type\":\"poisson\",\"rate_per_s\":5}";
    scn *pd = load(pd_text(text, sizeof text, 1, 1, "nvlink", 6000, 200, arr));
    /* the same engines, colocated: two replicas */
    char *co_text = strdup(text);
    char *d = strstr(co_text, "\"disaggregation\"");
    memcpy(d, "\"replicas\":2,", 13);
    memmove(d + 13, strstr(d, "},") + 2, strlen(strstr(d, "},") + 2) + 1);
    scn *co = load(co_text);
    free(co_text);
    model_result a, b;
    CU_ASSERT_EQUAL_FATAL(model_run(&pd->cfg, &a, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(model_run(&co->cfg, &b, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(co->cfg.tenants[2].name, "chat");
    double pd95 = model_tenant_xstat(&a, 2, 1, MQ_P95)->mean, co95 = model_tenant_xstat(&b, 2, 1, MQ_P95)->mean;
    /* one decode step at the decode engine's batch: the floor of TPOT */
    const llm_params *lp = params_of(pd, 1);
    gpu_rate r = gpu_rate_of(gpu_spec_find("h100-sxm"), 1, 1);
    double batch = model_tenant_xstat(&a, 1, 2, MQ_MEAN)->mean, o = 6100;
    llm_iter it = { batch, batch * (o + 1), batch * o, batch, batch, batch * (o + 1), batch * o };
    double step_ms = llm_iter_ns(lp, &r, &it) / 1e6;
    printf("\n    tpot p95: disaggregated %.2f ms, colocated %.2f ms; a decode step of %.1f at 6100: %.2f ms\n",
           pd95, co95, batch, step_ms);
    CU_ASSERT(pd95 < 1.25 * step_ms);
    CU_ASSERT(co95 > 1.4 * pd95);
    model_result_free(&a);
    model_result_free(&b);
    scn_free(pd);
    scn_free(co);
}

static void each_pool_counts_every_request_once(void)
{
    char text[2048], err[512];
    scn *sc = load(pd_text(text, sizeof text, 2, 2, "nvlink", 1500, 40, "{\"type\":\"poisson\",\"rate_per_s\":20}"));
    CU_ASSERT_EQUAL_FATAL(sc->cfg.ntenants, 5);
    const char *names[] = { "chat.p0", "chat.p1", "chat.d0", "chat.d1", "chat" };
    for (int i = 0; i < 5; i++)
        CU_ASSERT_STRING_EQUAL(sc->cfg.tenants[i].name, names[i]);
    CU_ASSERT_EQUAL(sc->cfg.tenants[4].routed, 2);
    model_result res;
    CU_ASSERT_EQUAL_FATAL(model_run(&sc->cfg, &res, err, sizeof err), 0);
    double c[5], thr[5];
    for (int i = 0; i < 5; i++) {
        c[i] = model_tenant_stat(&res, i, MT_COMPLETED)->mean;
        thr[i] = model_tenant_stat(&res, i, MT_THROUGHPUT)->mean;
    }
    CU_ASSERT(c[4] > 300);
    CU_ASSERT_DOUBLE_EQUAL(c[0] + c[1], c[4], 0);
    CU_ASSERT_DOUBLE_EQUAL(c[2] + c[3], c[4], 0);
    /* a prefill engine makes the first token, a decode engine the other 39 */
    ASSERT_REL(thr[2] + thr[3], 39 * (thr[0] + thr[1]), 0.02);
    ASSERT_REL(thr[0] + thr[1] + thr[2] + thr[3], thr[4], 0.05);   /* the window's edges differ */
    /* TTFT is the prefill pool's; the transfer is in TPOT and kv_xfer_ms */
    CU_ASSERT_DOUBLE_EQUAL(model_tenant_xstat(&res, 0, 1, MQ_MEAN)->mean, 0, 0);
    CU_ASSERT(model_tenant_xstat(&res, 4, 6, MQ_MEAN)->mean > 0.4);
    model_result_free(&res);
    scn_free(sc);
}

typedef struct {
    disagg_xfer x[4];
    sim_time_t  at[4];
    int         n;
    sim        *s;
} link_log;

static void log_done(void *ud, disagg_xfer *x)
{
    link_log *l = ud;
    l->at[x - l->x] = l->s->now;
    l->n++;
}

/* Two senders A, B and two receivers R, S: a transfer waits for both its
 * ends, in the order booked. */
static void a_cache_waits_for_its_sender_and_its_receiver(void)
{
    sim s;
    sim_init(&s);
    link_log lg = { .s = &s };
    disagg_link a, b, r, q;
    disagg_link_init(&a, &s, log_done, &lg);
    disagg_link_init(&b, &s, log_done, &lg);
    disagg_link_init(&r, &s, log_done, &lg);
    disagg_link_init(&q, &s, log_done, &lg);
    disagg_link_send(&a, &r, &lg.x[0], 5);       /* 0 - 5 */
    disagg_link_send(&b, &r, &lg.x[1], 7);       /* R busy: 5 - 12 */
    disagg_link_send(&a, &q, &lg.x[2], 11);      /* A busy: 5 - 16 */
    sim_run(&s, 20);
    disagg_link_send(&b, &q, &lg.x[3], 3);       /* both idle: at once, 20 - 23 */
    sim_run(&s, SIM_TIME_MAX);
    CU_ASSERT_EQUAL(lg.n, 4);
    CU_ASSERT_EQUAL(lg.at[0], 5);
    CU_ASSERT_EQUAL(lg.at[1], 12);
    CU_ASSERT_EQUAL(lg.at[2], 16);
    CU_ASSERT_EQUAL(lg.at[3], 23);
    CU_ASSERT_EQUAL(lg.x[1].start, 5);
    CU_ASSERT_EQUAL(lg.x[2].start, 5);
    disagg_link_free(&a);
    disagg_link_free(&b);
    sim_free(&s);
}

static void expect_refused(const char *from, const char *to, const char *msg)
{
    char text[2048], bad[2200], err[1024];
    pd_text(text, sizeof text, 1, 1, "nvlink", 1000, 10, "{\"type\":\"poisson\",\"rate_per_s\":1}");
    const char *at = strstr(text, from);
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    snprintf(bad, sizeof bad, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    scn *sc = NULL;
    CU_ASSERT_EQUAL(scn_load_text(bad, "pd.json", NULL, 0, &sc, err, sizeof err), SCN_BAD_INPUT);
    if (!strstr(err, msg))
        fprintf(stderr, "\n    got: %s\n", err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
}

static void bad_pools_are_refused_naming_the_field(void)
{
    expect_refused("\"link\":\"nvlink\"", "\"link\":\"infiniband\"",
                   "tenants.0.disaggregation.link: unknown link \"infiniband\"; allowed: nvlink, pcie, network");
    expect_refused("\"decode_replicas\":1", "\"decode_replicas\":0", "tenants.0.disaggregation.decode_replicas");
    expect_refused("\"decode_replicas\":1", "\"decode_replicas\":2",
                   "tenants.0.disaggregation: 3 engines (prefill_replicas + decode_replicas) go on GPUs 0..2 "
                   "(one each, from \"gpu\"), but hardware.gpus is 2; allowed: at most 2 engines here");
    expect_refused("\"router\":\"round_robin\"", "\"replicas\":2", "tenants.0.replicas: is set with \"disaggregation\"");
    expect_refused("\"link\":\"nvlink\"", "\"link\":\"nvlink\",\"decode_router\":\"nearest\"",
                   "tenants.0.disaggregation.decode_router: unknown router \"nearest\"");
    expect_refused("\"link\":\"nvlink\"", "\"link\":\"nvlink\",\"decode\":{\"max_batch\":512,\"max_tokens\":256}",
                   "tenants.0.disaggregation.decode.max_tokens: value 256 is below max_batch (512)");
    expect_refused("\"link\":\"nvlink\"", "\"link\":\"nvlink\",\"prefill\":{\"mem_util\":0}",
                   "tenants.0.disaggregation.prefill.mem_util");
    expect_refused("\"link\":\"nvlink\"", "\"link\":\"nvlink\",\"prefill\":{\"tp\":3}",
                   "tenants.0.disaggregation.prefill.tp: value 3");
    expect_refused("\"link\":\"nvlink\"", "\"link\":\"nvlink\",\"pools\":2",
                   "tenants.0.disaggregation");
    expect_refused("\"type\":\"llm\",\"model\":\"llama-3-8b\",\"engine\":\"none\",\"host_ms\":0,"
                   "\"max_batch\":64,\"max_tokens\":8192,\"prompt_tokens\":1000,\"output_tokens\":10",
                   "\"type\":\"synthetic\",\"service_ms\":{\"dist\":\"exponential\",\"mean\":1.0}",
                   "tenants.0.disaggregation: applies to llm workloads");
    expect_refused("\"h100-sxm\"", "\"l4\"", "the generic-pcie");
}

static void compare_refuses_a_disaggregated_fleet_naming_its_pools(void)
{
    char text[2048], out[4096], err[4096], dir[256], file[512];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    snprintf(file, sizeof file, "%s/pd.json", dir);
    tu_write_file(file, pd_text(text, sizeof text, 1, 1, "nvlink", 1000, 10, "{\"type\":\"poisson\",\"rate_per_s\":1}"));
    char *argv[] = { "slicesim", "compare", file, "--modes", "bare_metal,timeslice", "-o", dir, NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tenants.0 (\"chat\") is disaggregated (1 prefill + 1 decode engines)"));
}

TU_SUITE_FN(disagg)
{
    static const tu_test tests[] = {
        TU_TEST(llama3_8b_holds_131072_bytes_of_kv_per_token),
        TU_TEST(a_cache_moves_in_the_send_recv_time_of_the_p2p_model),
        TU_TEST(a_lone_request_is_prefill_then_transfer_then_decodes),
        TU_TEST(a_pool_may_have_its_own_tensor_parallel_group),
        TU_TEST(a_decode_engine_admits_a_cache_only_when_its_blocks_are_free),
        TU_TEST(disaggregation_takes_prefill_stalls_out_of_tpot),
        TU_TEST(each_pool_counts_every_request_once),
        TU_TEST(a_cache_waits_for_its_sender_and_its_receiver),
        TU_TEST(bad_pools_are_refused_naming_the_field),
        TU_TEST(compare_refuses_a_disaggregated_fleet_naming_its_pools),
    };
    TU_SUITE("disagg", tests);
}
