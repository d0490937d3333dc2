/* test_topo.c -- server presets and what virtualization does to the
 * network (models/topo.h). */
#include <string.h>
#include "tests/testutil.h"
#include "models/coll.h"
#include "models/topo.h"

static void every_preset_names_a_known_gpu_and_its_source(void)
{
    CU_ASSERT(topo_preset_count() >= 9);
    for (size_t i = 0; i < topo_preset_count(); i++) {
        const topo_preset *p = topo_preset_at(i);
        CU_ASSERT_PTR_NOT_NULL(gpu_spec_find(p->gpu));
        CU_ASSERT(p->source && strlen(p->source) > 10);
        CU_ASSERT(p->nics >= 1 && p->nic_gbs > 0 && p->gpus_per_node >= 2);
        CU_ASSERT_PTR_EQUAL(topo_preset_find(p->name), p);
    }
    static const char *const required[] = { "dgx-a100", "dgx-h100", "hgx-h100", "hgx-h200", "aws-p4d",
                                            "aws-p5", "aws-p5en", "azure-nd-a100-v4", "azure-nd-h100-v5" };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(topo_preset_find(required[i]));
}

/* FACTS §5: p5 has 3,200 Gb/s of EFA: 32 x 100 Gb/s at 12 GB/s each for
 * NCCL; an H100 node's NVLink is 18 x 20.6 GB/s. */
static void aws_p5_has_3200_gbps_of_efa_and_nvlink4(void)
{
    topo t;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(topo_build(&t, topo_preset_find("aws-p5"), 2, 8, TOPO_VIRT_BARE_METAL,
                                     NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(t.nics * (int)t.preset->nic_gbps, 3200);
    ASSERT_REL(t.inter_gbs, 32 * 12.0, 1e-12);
    ASSERT_REL(t.intra_gbs, 18 * 20.6, 1e-12);
    CU_ASSERT_EQUAL(t.channels, 18);
    CU_ASSERT(t.nvls);
    /* p5en: up to 35% lower network latency than p5 */
    CU_ASSERT_EQUAL(topo_build(&t, topo_preset_find("aws-p5en"), 2, 8, TOPO_VIRT_BARE_METAL,
                               NULL, err, sizeof err), 0);
    ASSERT_REL(t.net_lat_scale, 0.65, 1e-12);
}

static void fewer_gpus_per_node_use_the_nics_next_to_them(void)
{
    topo t;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(topo_build(&t, topo_preset_find("aws-p4d"), 4, 2, TOPO_VIRT_BARE_METAL,
                                     NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(t.nics, 1);                  /* 4 NICs for 8 GPUs: 1 for 2 */
    topo_overrides o = topo_overrides_none();
    o.channels = 4;
    CU_ASSERT_EQUAL_FATAL(topo_build(&t, topo_preset_find("dgx-a100"), 1, 8, TOPO_VIRT_BARE_METAL,
                                     &o, err, sizeof err), 0);
    ASSERT_REL(t.intra_gbs, 4 * 20.0, 1e-12);    /* channels cap the bus bandwidth */
}

static void virtualization_modes_parse_and_cost_the_network(void)
{
    CU_ASSERT_EQUAL(topo_virt_parse("bare_metal"), TOPO_VIRT_BARE_METAL);
    CU_ASSERT_EQUAL(topo_virt_parse("passthrough_no_gdr"), TOPO_VIRT_PASSTHROUGH_NO_GDR);
    CU_ASSERT_EQUAL(topo_virt_parse("kvm"), -1);
    topo t;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(topo_build(&t, topo_preset_find("azure-nd-a100-v4"), 2, 8,
                                     TOPO_VIRT_PASSTHROUGH_NO_GDR, NULL, err, sizeof err), 0);
    ASSERT_REL(t.inter_gbs, 8 * 24.0 * 0.5, 1e-12);
    ASSERT_REL(t.net_lat_add_us, 3.0, 1e-12);
    CU_ASSERT_EQUAL(topo_build(&t, topo_preset_find("dgx-h100"), 1, 1, TOPO_VIRT_BARE_METAL,
                               NULL, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "at least 2 GPUs"));
}

/* A measured platform's own fitted start-up or network replaces the pooled
 * value on its preset only. */
static void measured_platforms_keep_their_own_fitted_parameters(void)
{
    char err[256];
    topo pairs, hgx, a3;
    CU_ASSERT_EQUAL_FATAL(topo_build(&pairs, topo_preset_find("h100-nvl-pairs"), 1, 2, TOPO_VIRT_BARE_METAL,
                                     NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(topo_build(&hgx, topo_preset_find("hgx-h100"), 1, 8, TOPO_VIRT_BARE_METAL, NULL,
                                     err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(topo_build(&a3, topo_preset_find("gcp-a3-mega"), 2, 8, TOPO_VIRT_BARE_METAL, NULL,
                                     err, sizeof err), 0);
    /* the pairs' own floor is their harness's (calibration), not the platform's */
    topo_fit f = topo_fit_default;
    CU_ASSERT_EQUAL(topo_platform_fit("h100-nvl-pairs", &f), 0);
    CU_ASSERT(pairs.fit.net_eff == topo_fit_default.net_eff && pairs.fit.step_us == topo_fit_default.step_us);
    CU_ASSERT(hgx.fit.net_step_us == topo_fit_default.net_step_us);
    f = topo_fit_default;
    CU_ASSERT_EQUAL(topo_platform_fit("gcp-a3-mega", &f), TOPO_FIT_NET_EFF | TOPO_FIT_NET_STEP);
    CU_ASSERT(a3.fit.net_eff == f.net_eff && a3.fit.step_us == topo_fit_default.step_us);
    CU_ASSERT_EQUAL(topo_platform_fit("hgx-h100", &f), 0);
    /* Vidur's DGX H100: its own network, fitted on its 2 x 1 send/recv */
    f = topo_fit_default;
    CU_ASSERT_EQUAL(topo_platform_fit("dgx-h100", &f), TOPO_FIT_NET_EFF | TOPO_FIT_NET_STEP);
    CU_ASSERT_DOUBLE_EQUAL(f.net_eff, 0.766, 0.001);
    CU_ASSERT_DOUBLE_EQUAL(f.net_step_us, 15.4, 0.05);
    CU_ASSERT(f.link_eff == topo_fit_default.link_eff);
}

static void a_gpu_without_a_server_preset_gets_a_pcie_server(void)
{
    topo_preset buf;
    const topo_preset *p = topo_generic_pcie(gpu_spec_find("l40s"), &buf);
    topo t;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(topo_build(&t, p, 1, 4, TOPO_VIRT_BARE_METAL, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(t.intra, TOPO_LINK_PCIE);
    ASSERT_REL(t.intra_gbs, 12.0 * 31.5 / 15.75, 1e-12);      /* Gen4: twice NCCL's Gen3 12 GB/s */
    CU_ASSERT_EQUAL(t.nvls, 0);
}

/* A topology that gives no compute capability takes its GPU's architecture:
 * the row of NCCL's per-architecture tables a T4, an L4 or an RTX PRO 6000
 * reads (Volta, Ampere, Blackwell), not one guessed from the name. */
static void a_generic_server_reads_the_nccl_row_of_its_gpus_architecture(void)
{
    static const struct { const char *gpu; int sm; int arch; } CASES[] = {
        { "t4", 75, COLL_ARCH_VOLTA }, { "v100-sxm2-16gb", 70, COLL_ARCH_VOLTA },
        { "l4", 89, COLL_ARCH_AMPERE }, { "a30", 80, COLL_ARCH_AMPERE },
        { "h100-pcie", 90, COLL_ARCH_HOPPER }, { "rtx-pro-6000", 100, COLL_ARCH_BLACKWELL },
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        topo_preset buf;
        const gpu_spec *g = gpu_spec_find(CASES[i].gpu);
        CU_ASSERT_PTR_NOT_NULL_FATAL(g);
        topo t;
        char err[256];
        CU_ASSERT_EQUAL_FATAL(topo_build(&t, topo_generic_pcie(g, &buf), 1, 2, TOPO_VIRT_BARE_METAL, NULL,
                                         err, sizeof err), 0);
        CU_ASSERT_EQUAL(t.sm, CASES[i].sm);
        CU_ASSERT_EQUAL(coll_arch_of_sm(t.sm), CASES[i].arch);
    }
}

/* The SXM GPUs of 2026 sit on their NVSwitch baseboards, not on PCIe: an
 * H20's default server has Hopper's 18 NVLink links and NVLS (nccl#1244
 * runs NVLSTree on it) and 8 NDR NICs, a B300's NVLink 5 and Blackwell's
 * row of NCCL's tables; NVL cards are bridged pairs, and a ring over more
 * than a pair crosses PCIe. */
static void the_2026_sxm_gpus_default_to_their_nvlink_servers(void)
{
    static const struct { const char *gpu, *server; int links, nvls, sm, group; double link_gbs; } CASES[] = {
        { "h20", "hgx-h20", 18, 1, 90, 0, 20.6 },           { "b300", "hgx-b300", 18, 1, 100, 0, 40.1 },
        { "h20-141gb", "hgx-h20-141gb", 18, 1, 90, 0, 20.6 },
        { "h100-nvl", "h100-nvl-server", 12, 0, 90, 2, 20.6 }, { "h200-nvl", "h200-nvl-server", 18, 0, 90, 2, 20.6 },
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const topo_preset *p = topo_preset_for_gpu(CASES[i].gpu);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        CU_ASSERT_STRING_EQUAL(p->name, CASES[i].server);
        CU_ASSERT_EQUAL(p->gpus_per_node, 8);
        CU_ASSERT_EQUAL(p->nvlink_group, CASES[i].group);
        topo t;
        char err[256];
        CU_ASSERT_EQUAL_FATAL(topo_build(&t, p, 1, 2, TOPO_VIRT_BARE_METAL, NULL, err, sizeof err), 0);
        CU_ASSERT_EQUAL(t.intra, TOPO_LINK_NVLINK);
        ASSERT_REL(t.intra_gbs, CASES[i].links * CASES[i].link_gbs, 1e-12);
        CU_ASSERT_EQUAL(t.nvls, CASES[i].nvls);
        CU_ASSERT_EQUAL(t.sm, CASES[i].sm);
        CU_ASSERT_EQUAL_FATAL(topo_build(&t, p, 2, 8, TOPO_VIRT_BARE_METAL, NULL, err, sizeof err), 0);
        CU_ASSERT_EQUAL(t.intra, CASES[i].group ? TOPO_LINK_PCIE : TOPO_LINK_NVLINK);
    }
    topo h20;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(topo_build(&h20, topo_preset_find("hgx-h20"), 2, 8, TOPO_VIRT_BARE_METAL, NULL, err,
                                     sizeof err), 0);
    CU_ASSERT_EQUAL(h20.nics, 8);          /* nccl#1244: 16 ConnectX-7 across its 2 nodes */
    ASSERT_REL(h20.inter_gbs, 8 * 48.0, 1e-12);
    /* GB300's default server is its NVL72 rack: 72 GPUs on NVLink 5 with
     * NVLS, Blackwell's row of NCCL's tables, an 800 Gb/s NIC a GPU */
    const topo_preset *rack = topo_preset_for_gpu("gb300");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rack);
    CU_ASSERT_STRING_EQUAL(rack->name, "gb300-nvl72");
    topo g3;
    CU_ASSERT_EQUAL_FATAL(topo_build(&g3, rack, 1, 72, TOPO_VIRT_BARE_METAL, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(g3.intra, TOPO_LINK_NVLINK);
    ASSERT_REL(g3.intra_gbs, 18 * 40.1, 1e-12);
    CU_ASSERT_EQUAL(g3.nvls, 1);
    CU_ASSERT_EQUAL(g3.sm, 100);
    CU_ASSERT_EQUAL(g3.nics, 72);
    ASSERT_REL(g3.inter_gbs, 72 * 96.0, 1e-12);
}

TU_SUITE_FN(topo)
{
    static const tu_test tests[] = {
        TU_TEST(every_preset_names_a_known_gpu_and_its_source),
        TU_TEST(aws_p5_has_3200_gbps_of_efa_and_nvlink4),
        TU_TEST(fewer_gpus_per_node_use_the_nics_next_to_them),
        TU_TEST(virtualization_modes_parse_and_cost_the_network),
        TU_TEST(a_gpu_without_a_server_preset_gets_a_pcie_server),
        TU_TEST(measured_platforms_keep_their_own_fitted_parameters),
        TU_TEST(a_generic_server_reads_the_nccl_row_of_its_gpus_architecture),
        TU_TEST(the_2026_sxm_gpus_default_to_their_nvlink_servers),
    };
    TU_SUITE("topo", tests);
}
