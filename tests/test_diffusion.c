/* test_diffusion.c -- the diffusion model: the SDXL preset reproduces the
 * TensorRT timings it was derived from, a batch costs text + steps x UNet +
 * VAE, batching and the maximum wait behave as specified. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tests/testutil.h"
#include "tests/wl_helpers.h"
#include "models/diffusion.h"

static diff_params sdxl(void)
{
    diff_params p;
    memset(&p, 0, sizeof p);
    p.m = diff_model_find("sdxl-1024");
    p.prec = GPU_BF16;
    p.steps = 30;
    p.images = 1;
    p.cfg = 1;
    p.max_batch = 4;
    return p;
}

static double ms(const char *gpu, gpu_burst b)
{
    gpu_rate r = gpu_rate_of(gpu_spec_find(gpu), 1, 1);
    return (double)gpu_burst_ns(&r, &b) / 1e6;
}

static void sdxl_preset_reproduces_tensorrt_step_and_vae_times(void)
{
    diff_params p = sdxl();
    /* FACTS §6: 84 / 44 ms per UNet step with guidance, 228 / 127 ms VAE decode */
    ASSERT_REL(ms("a100-sxm-80gb", diff_unet_burst(&p, 1)), 84.0, 0.002);
    ASSERT_REL(ms("h100-sxm", diff_unet_burst(&p, 1)), 44.0, 0.002);
    ASSERT_REL(ms("a100-sxm-80gb", diff_vae_burst(&p, 1)), 228.0, 0.002);
    ASSERT_REL(ms("h100-sxm", diff_vae_burst(&p, 1)), 127.0, 0.002);
    /* without guidance the UNet runs one evaluation instead of two */
    p.cfg = 0;
    ASSERT_REL(ms("a100-sxm-80gb", diff_unet_burst(&p, 1)), 42.0, 0.003);
}

static double batch_ms(const diff_params *p, const char *gpu, int images, int steps)
{
    return ms(gpu, diff_text_burst(p, images)) + steps * (p->host_ms_per_step + ms(gpu, diff_unet_burst(p, images))) +
           ms(gpu, diff_vae_burst(p, images));
}

static void lone_request_latency_is_text_plus_steps_plus_vae(void)
{
    const char *json =
        "{ \"name\": \"d\", \"duration_s\": 120, \"replications\": 1,"
        "  \"hardware\": { \"gpu\": \"h100-sxm\" }, \"sharing\": { \"mode\": \"exclusive\" },"
        "  \"tenants\": [ { \"name\": \"img\", \"workload\": { \"type\": \"diffusion\", \"model\": \"sdxl-1024\","
        "     \"max_batch\": 1, \"host_ms_per_step\": 0.2 },"
        "     \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }";
    wl_run r;
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&r, json, NULL, NULL), 0);
    diff_params p = sdxl();
    p.host_ms_per_step = 0.2;
    double expect = batch_ms(&p, "h100-sxm", 1, 30);
    ASSERT_REL(wl_get(&r, 0, "latency_ms", "p50"), expect, 0.001);
    ASSERT_REL(wl_get(&r, 0, "throughput", "value"), 60.0 / (expect / 1e3), 0.02);   /* images/min */
    wl_run_free(&r);
}

static void four_users_share_one_batch_of_four(void)
{
    const char *json =
        "{ \"name\": \"d\", \"duration_s\": 60, \"replications\": 1,"
        "  \"hardware\": { \"gpu\": \"a100-sxm-80gb\" }, \"sharing\": { \"mode\": \"exclusive\" },"
        "  \"tenants\": [ { \"name\": \"img\", \"workload\": { \"type\": \"diffusion\", \"model\": \"sd15-512\","
        "     \"max_batch\": 4, \"max_wait_ms\": 1000, \"host_ms_per_step\": 0 },"
        "     \"arrivals\": { \"type\": \"closed\", \"users\": 4, \"think_s\": 0 } } ] }";
    wl_run r;
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&r, json, NULL, NULL), 0);
    diff_params p = sdxl();
    p.m = diff_model_find("sd15-512");
    double expect = batch_ms(&p, "a100-sxm-80gb", 4, 30);
    /* all four arrive together, fill the batch and leave together: no wait */
    ASSERT_REL(wl_get(&r, 0, "latency_ms", "p99"), expect, 0.001);
    ASSERT_REL(wl_get(&r, 0, "throughput", "value"), 4 * 60.0 / (expect / 1e3), 0.03);
    wl_run_free(&r);
}

static void a_partial_batch_waits_max_wait_then_runs(void)
{
    const char *json =
        "{ \"name\": \"d\", \"duration_s\": 60, \"replications\": 1,"
        "  \"hardware\": { \"gpu\": \"h100-sxm\" }, \"sharing\": { \"mode\": \"exclusive\" },"
        "  \"tenants\": [ { \"name\": \"img\", \"workload\": { \"type\": \"diffusion\", \"model\": \"sd15-512\","
        "     \"max_batch\": 4, \"max_wait_ms\": 250, \"steps\": 20, \"cfg\": false, \"host_ms_per_step\": 0 },"
        "     \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }";
    wl_run r;
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&r, json, NULL, NULL), 0);
    diff_params p = sdxl();
    p.m = diff_model_find("sd15-512");
    p.cfg = 0;
    ASSERT_REL(wl_get(&r, 0, "latency_ms", "p50"), 250 + batch_ms(&p, "h100-sxm", 1, 20), 0.001);
    CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r.summary, "tenants"), 0),
                                               "throughput"));
    wl_run_free(&r);
}

static void diffusion_trace_sizes_drive_steps_and_images(void)
{
    /* two requests one second apart: 10 steps x 2 images, then 40 steps x 1 image */
    const char *csv = "gmt_create,num_inference_steps,num_images_per_prompt\n"
                      "2024-11-15 16:57:50,10,2\n2024-11-15 16:57:51,40,1\n";
    const char *json =
        "{ \"name\": \"d\", \"duration_s\": 5, \"replications\": 1,"
        "  \"hardware\": { \"gpu\": \"h100-sxm\" }, \"sharing\": { \"mode\": \"exclusive\" },"
        "  \"tenants\": [ { \"name\": \"img\", \"workload\": { \"type\": \"diffusion\", \"model\": \"sd15-512\","
        "     \"max_batch\": 1, \"host_ms_per_step\": 0 },"
        "     \"arrivals\": { \"type\": \"trace\", \"file\": \"d.csv\", \"format\": \"diffusion\" } } ] }";
    wl_run r;
    CU_ASSERT_EQUAL_FATAL(wl_run_text(&r, json, "d.csv", csv), 0);
    diff_params p = sdxl();
    p.m = diff_model_find("sd15-512");
    /* a 2-image request runs alone as one batch of 2 although max_batch is 1 */
    double a = batch_ms(&p, "h100-sxm", 2, 10), b = batch_ms(&p, "h100-sxm", 1, 40);
    CU_ASSERT(a < 1000);
    ASSERT_REL(wl_get(&r, 0, "latency_ms", "mean"), (a + b) / 2, 0.001);
    ASSERT_REL(wl_get(&r, 0, "throughput", "value"), 3 * 60.0 / 5, 1e-9);
    wl_run_free(&r);
}

TU_SUITE_FN(diffusion)
{
    static const tu_test tests[] = {
        TU_TEST(sdxl_preset_reproduces_tensorrt_step_and_vae_times),
        TU_TEST(lone_request_latency_is_text_plus_steps_plus_vae),
        TU_TEST(four_users_share_one_batch_of_four),
        TU_TEST(a_partial_batch_waits_max_wait_then_runs),
        TU_TEST(diffusion_trace_sizes_drive_steps_and_images),
    };
    TU_SUITE("diffusion", tests);
}
