/* test_training.c -- data-parallel training: bucket layout, a one-GPU step
 * as the sum of its bursts, DDP overlap leaving exactly the last bucket's
 * NCCL all-reduce exposed, exposed communication growing with nodes, the
 * straggler law theta H_N in the step time, ZeRO/FSDP bytes and schedules
 * in closed form, network virtualization in the step time, determinism,
 * and refusal of bad input. */
#include <math.h>
#include <string.h>
#include "tests/testutil.h"
#include "tests/wl_helpers.h"
#include "models/training.h"

static train_params params_of(const char *model, int batch, int dp, const char *gpu)
{
    train_params p;
    memset(&p, 0, sizeof p);
    p.model = *train_model_find(model);
    p.prec = GPU_BF16;
    p.batch_per_gpu = batch;
    p.dp = dp;
    p.grad_bytes = 4;
    p.bucket_mb = 25;
    p.first_bucket_mb = 1;
    p.opt_bytes = 30;
    p.param_bytes = 2;
    if (dp > 1)
        topo_build(&p.net, topo_preset_for_gpu(gpu), 1, dp, TOPO_VIRT_BARE_METAL, NULL, NULL, 0);
    return p;
}

static double burst_ms(const char *gpu, double flops, double bytes, int kernels)
{
    gpu_rate r = gpu_rate_of(gpu_spec_find(gpu), 1, 1);
    gpu_burst b = { flops, bytes, (uint32_t)kernels, GPU_BF16 };
    return (double)gpu_burst_ns(&r, &b) / 1e6;
}

static void gradient_buckets_follow_ddp_caps(void)
{
    /* bert-large: 340 M fp32 gradients = 1360 MB = 1 MB + 54 x 25 MB + 9 MB */
    train_params p = params_of("bert-large", 16, 8, "h100-sxm");
    CU_ASSERT_EQUAL(train_buckets(&p), 56);
    train_params q = params_of("resnet50", 256, 1, "a100-sxm-80gb");
    CU_ASSERT_EQUAL(train_buckets(&q), 6);       /* 102.4 MB */
    train_model g = train_model_gpt(7e9, 2048);  /* 12 L (128 L)^2 = 7e9 -> L = 32.9 */
    ASSERT_REL(g.fwd_flops, 2 * 7e9 * 2048 + 2 * cbrt(7e9 / 196608) * 2048.0 * 2048 * 128 * cbrt(7e9 / 196608), 1e-12);
}

#define STEP_JSON \
    "{ \"name\": \"t\", \"duration_s\": %g, \"warmup_s\": 0, \"replications\": 1," \
    "  \"hardware\": { \"gpu\": \"%s\", \"gpus\": %d }, \"sharing\": { \"mode\": \"exclusive\" }," \
    "  \"tenants\": [ { \"name\": \"train\", \"workload\": { \"type\": \"training\", \"model\": \"%s\"," \
    "     \"batch_per_gpu\": %d }," \
    "     \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }"

static void one_gpu_step_is_forward_plus_backward_plus_optimizer(void)
{
    char json[1024];
    snprintf(json, sizeof json, STEP_JSON, 5.0, "a100-sxm-80gb", 1, "resnet50", 256);
    wl_run r;
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&r, json, NULL, NULL), 0);
    const train_model *m = train_model_find("resnet50");
    double w = m->params * 2, b = 256;
    double expect = burst_ms("a100-sxm-80gb", m->fwd_flops * b, w + m->act_bytes * b, m->kernels) +
                    burst_ms("a100-sxm-80gb", 2 * m->fwd_flops * b, w + 2 * m->act_bytes * b, 2 * m->kernels) +
                    burst_ms("a100-sxm-80gb", 0, 30 * m->params, 1);
    ASSERT_REL(wl_get(&r, 0, "step_ms", "p50"), expect, 0.01);
    CU_ASSERT_EQUAL(wl_get(&r, 0, "exposed_comm_ms", "p999"), 0);
    ASSERT_REL(wl_get(&r, 0, "throughput", "value"), 256 / (expect / 1e3), 0.03);
    wl_run_free(&r);
}

/* NCCL's time of op on t, as the workload rounds it. */
static double nccl_ms(const topo *t, coll_op op, double bytes)
{
    coll_est e;
    CU_ASSERT_EQUAL_FATAL(coll_estimate(t, op, bytes, NULL, &e), 0);
    return (double)llround(e.time_us * 1e3) / 1e6;
}

/* Backward time of a bucket of `bytes` gradient bytes of bert-large, batch 16. */
static double bucket_bwd_ms(const train_params *p, double bytes)
{
    const train_model *m = &p->model;
    double share = bytes / (m->params * p->grad_bytes);
    return burst_ms("h100-sxm", share * 2 * m->fwd_flops * 16,
                    share * (m->params * 2 + 2 * m->act_bytes * 16), (int)ceil(share * 2 * m->kernels));
}

static void ddp_overlap_exposes_only_the_last_bucket(void)
{
    char json[1024];
    wl_run one, eight;
    snprintf(json, sizeof json, STEP_JSON, 3.0, "h100-sxm", 1, "bert-large", 16);
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&one, json, NULL, NULL), 0);
    snprintf(json, sizeof json, STEP_JSON, 3.0, "h100-sxm", 8, "bert-large", 16);
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&eight, json, NULL, NULL), 0);
    train_params p = params_of("bert-large", 16, 8, "h100-sxm");
    /* premise: a 25 MB all-reduce is shorter than the backward burst of a
     * 25 MB bucket, so the network keeps up until the last, 9 MB bucket,
     * whose all-reduce waits for the previous one if that is still running */
    double ar25 = nccl_ms(&p.net, COLL_ALLREDUCE, 25e6), ar9 = nccl_ms(&p.net, COLL_ALLREDUCE, 9e6);
    CU_ASSERT_FATAL(ar25 < bucket_bwd_ms(&p, 25e6));
    double exposed = fmax(ar25 - bucket_bwd_ms(&p, 9e6), 0) + ar9;
    ASSERT_REL(wl_get(&eight, 0, "exposed_comm_ms", "p50"), exposed, 0.002);
    ASSERT_REL(wl_get(&eight, 0, "step_ms", "p50"), wl_get(&one, 0, "step_ms", "p50") + exposed, 0.001);
    /* samples/s counts every rank's batch */
    ASSERT_REL(wl_get(&eight, 0, "throughput", "value") / wl_get(&one, 0, "throughput", "value"),
               8 * wl_get(&one, 0, "step_ms", "p50") / wl_get(&eight, 0, "step_ms", "p50"), 0.03);
    wl_run_free(&one);
    wl_run_free(&eight);
}

static void a_model_whose_optimizer_state_does_not_fit_is_refused(void)
{
    const char *json =
        "{ \"hardware\": { \"gpu\": \"h100-sxm\", \"gpus\": 8 }, \"duration_s\": 1,"
        "  \"tenants\": [ { \"name\": \"g\", \"workload\": { \"type\": \"training\", \"model\": \"gpt\", \"params_b\": 7 },"
        "     \"arrivals\": { \"type\": \"closed\" } } ] }";
    wl_run r;
    wl_run_text(&r, json, NULL, NULL);
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "tenants.0.workload.model"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "112.0 GB"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "80.0 GB"));
    wl_run_free(&r);
}

TU_SUITE_FN(training)
{
    static const tu_test tests[] = {
        TU_TEST(gradient_buckets_follow_ddp_caps),
        TU_TEST(one_gpu_step_is_forward_plus_backward_plus_optimizer),
        TU_TEST(ddp_overlap_exposes_only_the_last_bucket),
        TU_TEST(a_model_whose_optimizer_state_does_not_fit_is_refused),
    };
    TU_SUITE("training", tests);
}
