/* test_share.c -- the share_type table: how each mode numbers, names and
 * weights the resources of a GPU, read from scenarios as sharing.mode
 * names them; and the registry of sharing kinds. */
#include <string.h>
#include "tests/testutil.h"
#include "scenarios/scenario.h"
#include "models/diffusion.h"

#define TENANT(g, extra) "{\"name\":\"t" #g "\",\"gpu\":" #g "," extra \
    "\"workload\":{\"type\":\"synthetic\",\"service_ms\":{\"dist\":\"deterministic\",\"mean\":1}}," \
    "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":10}}"

static scn *load(const char *text)
{
    scn *sc = NULL;
    char err[512];
    int rc = scn_load_text(text, "share.json", NULL, 0, &sc, err, sizeof err);
    if (rc != SCN_OK)
        fprintf(stderr, "\n    %s", err);
    CU_ASSERT_EQUAL(rc, SCN_OK);
    return sc;
}

static void mig_numbers_executors_gpu_by_gpu_then_instance(void)
{
    scn *sc = load("{\"name\":\"m\",\"duration_s\":1,\"hardware\":{\"gpu\":\"a100-sxm-40gb\",\"gpus\":2},"
                   "\"sharing\":{\"mode\":\"mig\",\"instances\":[{\"profile\":\"3g.20gb\"},"
                   "{\"profile\":\"2g.10gb\",\"mode\":\"mps\"},{\"profile\":\"1g.5gb\",\"mode\":\"exclusive\"}]},"
                   "\"tenants\":[" TENANT(0, "\"instance\":2,") "," TENANT(1, "\"instance\":1,") "]}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    const model_cfg *c = &sc->cfg;
    char name[64];
    CU_ASSERT_PTR_EQUAL(c->share, &share_mig);
    CU_ASSERT_EQUAL(share_exec_count(c), 6);
    CU_ASSERT_EQUAL(share_exec_index(c, &c->tenants[0]), 2);
    CU_ASSERT_EQUAL(share_exec_index(c, &c->tenants[1]), 4);
    CU_ASSERT_PTR_EQUAL(share_inner(c, 0), &share_timeslice);
    CU_ASSERT_PTR_EQUAL(share_inner(c, 1), &share_mps);
    CU_ASSERT_PTR_EQUAL(share_inner(c, 2), &share_exclusive);
    share_exec_name(c, 4, 0, name, sizeof name);
    CU_ASSERT_STRING_EQUAL(name, "1.1");
    share_exec_name(c, 4, 1, name, sizeof name);
    CU_ASSERT_STRING_EQUAL(name, "GPU 1 instance 1 (2g.10gb)");
    /* weights: SMs of the instance over the GPU's 108 (42, 28, 14) */
    ASSERT_REL(c->share->part_frac(c, 0), 42.0 / 108, 1e-12);
    ASSERT_REL(c->share->part_frac(c, 2), 14.0 / 108, 1e-12);
    share_res r = share_res_of(c, 5);
    CU_ASSERT_EQUAL(r.gpu, 1);
    CU_ASSERT_EQUAL(r.k, 2);
    CU_ASSERT_PTR_EQUAL(r.inst, &c->inst[2]);
    scn_free(sc);
}

static void whole_gpu_modes_have_one_resource_named_as_the_gpu(void)
{
    static const char *const modes[] = { "exclusive", "timeslice", "mps" };
    for (int m = 0; m < 3; m++) {
        char text[1024], name[32];
        snprintf(text, sizeof text, "{\"name\":\"w\",\"duration_s\":1,\"hardware\":{\"gpu\":\"h100-sxm\",\"gpus\":3},"
                 "\"sharing\":{\"mode\":\"%s\"},\"tenants\":[" TENANT(2, "") "]}", modes[m]);
        scn *sc = load(text);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        const model_cfg *c = &sc->cfg;
        CU_ASSERT_STRING_EQUAL(c->share->name, modes[m]);
        CU_ASSERT_PTR_NULL(c->share->part_frac);
        CU_ASSERT_EQUAL(share_exec_count(c), 3);
        CU_ASSERT_EQUAL(share_exec_index(c, &c->tenants[0]), 2);
        share_exec_name(c, 2, 1, name, sizeof name);
        CU_ASSERT_STRING_EQUAL(name, "GPU 2");
        CU_ASSERT_PTR_NULL(share_res_of(c, 2).inst);
        scn_free(sc);
    }
}

static void time_slice_defaults_are_the_models(void)
{
    scn *sc = load("{\"name\":\"d\",\"duration_s\":1,\"hardware\":{\"gpu\":\"h100-sxm\"},"
                   "\"tenants\":[" TENANT(0, "") "]}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_PTR_EQUAL(sc->cfg.share, &share_exclusive);
    scn_free(sc);
    sc = load("{\"name\":\"d\",\"duration_s\":1,\"hardware\":{\"gpu\":\"h100-sxm\"},\"sharing\":{\"mode\":\"timeslice\"},"
              "\"tenants\":[" TENANT(0, "") "]}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->cfg.ts.slice_ns, 1024000);          /* TS_NATIVE_SLICE_MS */
    CU_ASSERT_EQUAL(sc->cfg.ts.block_ns, 10000);            /* TS_DEFAULT_BLOCK_US */
    CU_ASSERT_EQUAL(sc->cfg.mps.restart_ns, 2000000000LL);  /* MPS_DEFAULT_RESTART_S */
    scn_free(sc);
    /* the vGPU density rule: 2 ms up to the threshold, 1 ms above */
    CU_ASSERT_EQUAL(ts_vgpu_slice_ms(8, 8), 2.0);
    CU_ASSERT_EQUAL(ts_vgpu_slice_ms(9, 8), 1.0);
}

static void every_registered_kind_is_named_by_its_type(void)
{
    const char *names[16];
    int n = scn_sharing_names(names, 16, 0), inner = scn_sharing_names(names, 16, 1);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(inner, 3);      /* MIG cannot run inside an instance */
    for (int k = 0; scn_sharing_kinds[k]; k++)
        CU_ASSERT_PTR_EQUAL(scn_sharing_kind_of(scn_sharing_kinds[k]->type), scn_sharing_kinds[k]);
    scn *sc = NULL;
    char err[512];
    CU_ASSERT_EQUAL(scn_load_text("{\"name\":\"x\",\"duration_s\":1,\"hardware\":{\"gpu\":\"h100-sxm\"},"
                                  "\"sharing\":{\"mode\":\"vmware\"},\"tenants\":[" TENANT(0, "") "]}",
                                  "x.json", NULL, 0, &sc, err, sizeof err), SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "exclusive, timeslice, mps, mig"));
}

/* Precision, virtualization, preemption and policy names come from the
 * models' one list each; the scenario layer offers the subset a workload
 * takes. */
static void names_come_from_the_models_lists(void)
{
    char list[64], err[512];
    CU_ASSERT_STRING_EQUAL(gpu_prec_list(list, sizeof list), "bf16, fp16, fp8, tf32, fp32, fp4");
    for (int k = 0; virt_mode_names[k]; k++)
        CU_ASSERT_EQUAL(virt_mode_parse(virt_mode_names[k]), k);
    CU_ASSERT_EQUAL(ts_preempt_parse("kernel"), TS_PREEMPT_KERNEL);
    CU_ASSERT_PTR_EQUAL(ts_policies[2], &ts_fixed_share);
    scn *sc = NULL;
    CU_ASSERT_EQUAL(scn_load_text("{\"name\":\"x\",\"duration_s\":1,\"hardware\":{\"gpu\":\"h100-sxm\"},"
                                  "\"tenants\":[{\"name\":\"a\",\"workload\":{\"type\":\"llm\",\"model\":\"llama-2-7b\","
                                  "\"precision\":\"fp16\"},\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":1}}]}",
                                  "x.json", NULL, 0, &sc, err, sizeof err), SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "precision: value \"fp16\" is not allowed; allowed: bf16, fp8, fp4"));
    sc = load("{\"name\":\"d\",\"duration_s\":1,\"hardware\":{\"gpu\":\"h100-sxm\"},"
              "\"tenants\":[{\"name\":\"a\",\"workload\":{\"type\":\"diffusion\",\"model\":\"sdxl-1024\","
              "\"precision\":\"fp8\"},\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":1}}]}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(((const diff_params *)sc->cfg.tenants[0].wl_params)->prec, GPU_FP8);
    scn_free(sc);
}

TU_SUITE_FN(share)
{
    static const tu_test tests[] = {
        TU_TEST(mig_numbers_executors_gpu_by_gpu_then_instance),
        TU_TEST(whole_gpu_modes_have_one_resource_named_as_the_gpu),
        TU_TEST(time_slice_defaults_are_the_models),
        TU_TEST(every_registered_kind_is_named_by_its_type),
        TU_TEST(names_come_from_the_models_lists),
    };
    TU_SUITE("share", tests);
}
