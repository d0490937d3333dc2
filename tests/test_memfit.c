/* test_memfit.c -- memory that must fit (scenarios/memfit.c): footprints
 * from the workload kinds, placements refused with exit 2 naming tenants,
 * footprints and memory, and serving engines sized from their share. */
#include <stdio.h>
#include <string.h>
#include "tests/testutil.h"
#include "scenarios/scenario.h"
#include "models/llm.h"
#include "models/diffusion.h"

#define HDR(gpu, mode) "{\"name\":\"m\",\"seed\":1,\"duration_s\":2,\"warmup_s\":0,\"replications\":1," \
                       "\"hardware\":{\"gpu\":\"" gpu "\"},\"sharing\":{\"mode\":\"" mode "\"},\"tenants\":["
#define LLM(name, model) "{\"name\":\"" name "\",\"workload\":{\"type\":\"llm\",\"model\":\"" model "\"}," \
                         "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":1}}"
#define SDXL(batch) "{\"name\":\"images\",\"workload\":{\"type\":\"diffusion\",\"model\":\"sdxl-1024\",\"max_batch\":" #batch "}," \
                    "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":0.1}}"
#define SYN(name, gb) "{\"name\":\"" name "\",\"workload\":{\"type\":\"synthetic\",\"service_ms\":{\"dist\":\"deterministic\"," \
                      "\"mean\":1},\"memory_gb\":" #gb "},\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":10}}"

static int load(const char *text, scn **sc, char *err, size_t len)
{
    return scn_load_text(text, "m.json", NULL, 0, sc, err, len);
}

/* llama-2-7b in bf16: 6.74e9 x 2 B of weights; its pool is 0.9 of the share. */
static void test_llm_footprint_grows_with_its_share(void)
{
    char err[2048];
    scn *sc = NULL;
    CU_ASSERT_EQUAL_FATAL(load(HDR("h100-sxm", "exclusive") LLM("chat", "llama-2-7b") "]}", &sc, err, sizeof err), SCN_OK);
    const tenant_cfg *t = &sc->cfg.tenants[0];
    wl_footprint a, b;
    wl_footprint_of(t->wl, t->wl_params, 80e9, &a);
    wl_footprint_of(t->wl, t->wl_params, 40e9, &b);
    CU_ASSERT_EQUAL(a.elastic, 1);
    ASSERT_REL(a.weights, 6.74e9 * 2, 1e-12);
    ASSERT_REL(a.kv, 0.9 * 80e9 - 6.74e9 * 2, 1e-12);
    ASSERT_REL(b.kv, 0.9 * 40e9 - 6.74e9 * 2, 1e-12);
    ASSERT_REL(a.context, 0.5e9, 1e-12);
    ASSERT_REL(a.activations, b.activations, 1e-12);
    /* alone on its GPU, the engine keeps the whole GPU's memory */
    ASSERT_REL(t->mem_gb > 0 ? t->mem_gb : 80, 80, 1e-12);
    scn_free(sc);
}

/* Two engines time-sliced on one 80 GB GPU with a 10 GB synthetic tenant:
 * each engine gets half of the 69.5 GB the other leaves (80 - 0.5 - 10). */
static void test_engines_split_what_others_leave(void)
{
    char err[2048];
    scn *sc = NULL;
    CU_ASSERT_EQUAL_FATAL(load(HDR("h100-sxm", "timeslice") LLM("a", "llama-2-7b") "," LLM("b", "llama-2-7b") ","
                               SYN("s", 10) "]}", &sc, err, sizeof err), SCN_OK);
    ASSERT_REL(sc->cfg.tenants[0].mem_gb, 69.5 / 2, 1e-9);
    ASSERT_REL(sc->cfg.tenants[1].mem_gb, 69.5 / 2, 1e-9);
    CU_ASSERT_EQUAL(sc->cfg.tenants[2].mem_gb, 0);
    scn_free(sc);
}

/* memory_gb gives an engine its share; the rest goes to the other engine. */
static void test_memory_gb_sets_a_share(void)
{
    char err[2048];
    scn *sc = NULL;
    CU_ASSERT_EQUAL_FATAL(load(HDR("h100-sxm", "timeslice")
                               "{\"name\":\"a\",\"memory_gb\":50,\"workload\":{\"type\":\"llm\",\"model\":\"llama-2-7b\"},"
                               "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":1}}," LLM("b", "llama-2-7b") "]}",
                               &sc, err, sizeof err), SCN_OK);
    ASSERT_REL(sc->cfg.tenants[0].mem_gb, 50, 1e-12);
    ASSERT_REL(sc->cfg.tenants[1].mem_gb, 30, 1e-12);
    scn_free(sc);
}

/* Three Llama-3-8B engines and an SDXL service at batch 20 on one 80 GB GPU:
 * SDXL holds 0.5 + 6.87 + 26.8 GB, each engine's 15.3 GB share leaves no
 * room for 16 GB of weights: refused, naming the engine and its share. */
static void test_three_llms_and_sdxl_do_not_fit(void)
{
    char err[2048];
    scn *sc = NULL;
    int rc = load(HDR("h100-sxm", "timeslice") LLM("a", "llama-3-8b") "," LLM("b", "llama-3-8b") ","
                  LLM("c", "llama-3-8b") "," SDXL(20) "]}", &sc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tenants.0.workload.model"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "llama-3-8b"));
    if (rc == SCN_OK)
        scn_free(sc);
}

/* Fixed footprints that add up to more than the GPU: the message names
 * every tenant with its footprint and the memory available. */
static void test_fixed_footprints_over_the_gpu_are_refused(void)
{
    char err[2048];
    scn *sc = NULL;
    int rc = load(HDR("a100-sxm-40gb", "timeslice") SYN("x", 25) "," SYN("y", 15) "]}", &sc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "x 25.5 GB"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "y 15.5 GB"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "41 GB needed, 40 GB available"));
    if (rc == SCN_OK)
        scn_free(sc);
}

/* A MIG instance is its own pool: 1g.5gb holds 4.75 GiB (5.1 GB). */
static void test_mig_instance_is_its_own_pool(void)
{
    char err[2048];
    scn *sc = NULL;
    int rc = load("{\"name\":\"m\",\"seed\":1,\"duration_s\":2,\"replications\":1,\"hardware\":{\"gpu\":\"a100-sxm-40gb\"},"
                  "\"sharing\":{\"mode\":\"mig\",\"instances\":[{\"profile\":\"1g.5gb\"},{\"profile\":\"3g.20gb\"}]},"
                  "\"tenants\":[" SYN("small", 4.7) "]}", &sc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "MIG instance 0 (1g.5gb)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "5.2 GB needed, 5.1 GB available"));
    if (rc == SCN_OK)
        scn_free(sc);
    CU_ASSERT_EQUAL(load("{\"name\":\"m\",\"seed\":1,\"duration_s\":2,\"replications\":1,\"hardware\":{\"gpu\":\"a100-sxm-40gb\"},"
                         "\"sharing\":{\"mode\":\"mig\",\"instances\":[{\"profile\":\"1g.5gb\"},{\"profile\":\"3g.20gb\"}]},"
                         "\"tenants\":[" SYN("small", 4) "]}", &sc, err, sizeof err), SCN_OK);
    scn_free(sc);
}

/* An SDXL footprint: the fp16 weights the layer walk counts (UNet 2.567 G,
 * text encoders 0.818 G, VAE decoder 0.049 G parameters), and activations
 * that grow with the batch (the VAE decoder's first resnet at 1024x1024:
 * its 256-channel input and three 128-channel tensors, 1.34 GB per image). */
static void test_sdxl_footprint_by_batch(void)
{
    char err[2048];
    scn *sc = NULL;
    CU_ASSERT_EQUAL_FATAL(load(HDR("h100-sxm", "exclusive") SDXL(2) "]}", &sc, err, sizeof err), SCN_OK);
    const tenant_cfg *t = &sc->cfg.tenants[0];
    wl_footprint f, f4;
    wl_footprint_of(t->wl, t->wl_params, 80e9, &f);
    CU_ASSERT_EQUAL(f.elastic, 0);
    ASSERT_REL(f.weights, 2.0 * (2567463684.0 + 123060480 + 694659841 + 49490199), 0.003);
    ASSERT_REL(f.activations, 2 * (256 + 3 * 128) * 1024.0 * 1024 * 2, 0.01);
    diff_params p4 = *(const diff_params *)t->wl_params;
    p4.max_batch = 8;
    wl_footprint_of(t->wl, &p4, 80e9, &f4);
    ASSERT_REL(f4.activations, 4 * f.activations, 1e-9);
    scn_free(sc);
}

TU_SUITE_FN(memfit)
{
    static const tu_test tests[] = {
        TU_TEST(test_llm_footprint_grows_with_its_share),
        TU_TEST(test_engines_split_what_others_leave),
        TU_TEST(test_memory_gb_sets_a_share),
        TU_TEST(test_three_llms_and_sdxl_do_not_fit),
        TU_TEST(test_fixed_footprints_over_the_gpu_are_refused),
        TU_TEST(test_mig_instance_is_its_own_pool),
        TU_TEST(test_sdxl_footprint_by_batch),
    };
    TU_SUITE("memfit", tests);
}
