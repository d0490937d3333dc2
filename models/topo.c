/* topo.c -- server presets and the topology NCCL would see (topo.h).
 *
 * Sources (reference FACTS §5 unless marked [I]):
 *  - NCCL per-channel link bandwidth in its topology search: A100 NVLink
 *    20 GB/s per link (12 links), H100/H200 NVLink 20.6 GB/s (18 links),
 *    PCIe Gen3 x16 12 GB/s, a 100 Gb/s NIC 12 GB/s, a 400 Gb/s NDR NIC
 *    46-49 GB/s (we take 48).
 *  - [I] PCIe Gen4 24 GB/s and Gen5 48 GB/s: NCCL's Gen3 figure scaled by
 *    the link rate; a 200 Gb/s NIC 24 GB/s: the 100 Gb/s figure doubled.
 *  - Fabrics: AWS p5 32 EFA, 3,200 Gb/s; p5en 3,200 Gb/s EFAv3 with up to
 *    35% lower latency than p5 (we scale the network latency by 0.65); Azure
 *    ND A100 v4 8 x 200 Gb/s HDR, one per GPU; DGX H100 8 x 400 Gb/s NDR.
 *  - [I] DGX A100 8 x 200 Gb/s HDR (DGX A100 datasheet), AWS p4d 4 x 100 Gb/s
 *    EFA (AWS instance page), HGX H100/H200 and Azure ND H100 v5 8 x 400 Gb/s
 *    NDR (reference designs, Azure documentation), p5en as 16 x 200 Gb/s. */
#include "models/topo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const topo_preset PRESETS[] = {
    { "dgx-a100", "NVIDIA DGX A100 (8x A100 80GB, NVSwitch, 8x HDR)", "a100-sxm-80gb",
      8, 12, 20.0, 0, 24.0, 8, 200, 24.0, 1.0,
      "FACTS §5 NVLink per-channel bw; 8x200 Gb/s HDR from DGX A100 datasheet [I]", 80, 0, NULL },
    /* Volta: NVLink 2, six links per GPU at NCCL's SM70_NVLINK_BW 20 GB/s;
     * DGX-1 joins its 8 GPUs in a hybrid cube mesh (NCCL's rings use the
     * six links), DGX-2 its 16 through NVSwitch; 100 Gb/s EDR NICs at 12
     * GB/s (DGX-1 and DGX-2 datasheets) [I]. */
    { "dgx-1v", "NVIDIA DGX-1 (8x V100 SXM2, NVLink hybrid cube mesh, 4x EDR)", "v100-sxm2-16gb",
      8, 6, 20.0, 0, 12.0, 4, 100, 12.0, 1.0,
      "NCCL topo.h SM70_NVLINK_BW 20 GB/s x 6 links; DGX-1 datasheet 4x 100 Gb/s EDR [I]", 70, 0, NULL },
    { "dgx-2", "NVIDIA DGX-2 (16x V100 SXM3, NVSwitch, 8x EDR)", "v100-sxm2-32gb",
      16, 6, 20.0, 0, 12.0, 8, 100, 12.0, 1.0,
      "NCCL topo.h SM70_NVLINK_BW 20 GB/s x 6 links to the NVSwitches; DGX-2 datasheet 8x 100 Gb/s EDR [I]",
      70, 0, NULL },
    { "dgx-h100", "NVIDIA DGX H100 (8x H100 SXM, NVSwitch, 8x NDR)", "h100-sxm",
      8, 18, 20.6, 1, 48.0, 8, 400, 48.0, 1.0,
      "FACTS §5: NVLink 20.6 GB/s x 18, NVLS on Hopper, DGX H100 8x400 Gb/s NDR at 46-49 GB/s", 90, 0, NULL },
    { "hgx-h100", "NVIDIA HGX H100 8-GPU server (8x NDR)", "h100-sxm",
      8, 18, 20.6, 1, 48.0, 8, 400, 48.0, 1.0,
      "as dgx-h100; 8x400 Gb/s NDR per the HGX reference design [I]", 90, 0, NULL },
    { "hgx-h200", "NVIDIA HGX H200 8-GPU server (8x NDR)", "h200",
      8, 18, 20.6, 1, 48.0, 8, 400, 48.0, 1.0,
      "NVLink as H100 (FACTS §1: 900 GB/s); 8x400 Gb/s NDR per the HGX reference design [I]", 90, 0, NULL },
    { "aws-p4d", "AWS p4d.24xlarge (8x A100 40GB, 4x 100 Gb/s EFA)", "a100-sxm-40gb",
      8, 12, 20.0, 0, 24.0, 4, 100, 12.0, 1.0,
      "FACTS §5 NVLink and 100 Gb/s NIC = 12 GB/s; 400 Gb/s EFA as 4x100 from the AWS page [I]", 80, 0, NULL },
    { "aws-p5", "AWS p5.48xlarge (8x H100, 32 EFA, 3,200 Gb/s)", "h100-sxm",
      8, 18, 20.6, 1, 48.0, 32, 100, 12.0, 1.0,
      "FACTS §5: p5 8x H100, 32 EFA interfaces, 3,200 Gb/s; 100 Gb/s NIC = 12 GB/s", 90, 0, NULL },
    { "aws-p5en", "AWS p5en.48xlarge (8x H200, 3,200 Gb/s EFAv3)", "h200",
      8, 18, 20.6, 1, 48.0, 16, 200, 24.0, 0.65,
      "FACTS §5: p5en 3,200 Gb/s EFAv3, up to 35% lower latency than p5; 16x200 Gb/s split [I]", 90, 0, NULL },
    { "azure-nd-a100-v4", "Azure ND A100 v4 (8x A100 40GB, 8x HDR, GPUDirect RDMA)", "a100-sxm-40gb",
      8, 12, 20.0, 0, 24.0, 8, 200, 24.0, 1.0,
      "FACTS §5: ND A100 v4 8x A100 40GB NVLink3, 8x200 Gb/s HDR, one per GPU; 24 GB/s per HDR NIC [I]", 80, 0, NULL },
    { "azure-nd-h100-v5", "Azure ND H100 v5 (8x H100, 8x NDR)", "h100-sxm",
      8, 18, 20.6, 1, 48.0, 8, 400, 48.0, 1.0,
      "NVLink per FACTS §5; 8x400 Gb/s NDR per the Azure documentation [I]", 90, 0, NULL },
    /* Blackwell: NVLink 5, 18 links per GPU at NCCL's SM100_NVLINK_BW 40.1 GB/s
     * (topo.h, 2.27.5 on; 40.0 in 2.25.1-2.27.3), 1.8 TB/s both ways per GPU
     * (datasheet); NVLS with nvlsEfficiency 0.74 (coll_tune.c). */
    { "hgx-b200", "NVIDIA HGX B200 8-GPU server (NVLink 5, NVSwitch, 8x 400 Gb/s)", "b200",
      8, 18, 40.1, 1, 48.0, 8, 400, 48.0, 1.0,
      "NCCL topo.h SM100_NVLINK_BW 40.1 GB/s x 18 links; 8x 400 Gb/s ConnectX-7 per the HGX B200 reference "
      "design at NDR's 46-49 GB/s (FACTS §5) [I]", 100, 0, NULL },
    { "gb200-nvl72", "NVIDIA GB200 NVL72 rack: 72 GPUs in one NVLink domain, 72x 400 Gb/s", "gb200",
      72, 18, 40.1, 1, 48.0, 72, 400, 48.0, 1.0,
      "one NVLink domain of 72 Blackwell GPUs through NVLink switch trays, 18 links x 40.1 GB/s per GPU "
      "(NCCL topo.h); a node here is the rack; one 400 Gb/s ConnectX-7 per GPU (4 per compute tray) [I]",
      100, 0, NULL },
    /* GB300 NVL72: the GB200 rack's NVLink domain with Blackwell Ultra
     * GPUs; a ConnectX-8 of 800 Gb/s per GPU, NDR's 48 GB/s per 400 Gb/s
     * doubled [I: not in the reference set]. */
    { "gb300-nvl72", "NVIDIA GB300 NVL72 rack: 72 GPUs in one NVLink domain, 72x 800 Gb/s", "gb300",
      72, 18, 40.1, 1, 48.0, 72, 800, 96.0, 1.0,
      "one NVLink domain of 72 Blackwell Ultra GPUs (presets/gpus_2026.csv nvlink_domain_size 72), 18 links x "
      "40.1 GB/s per GPU (NCCL topo.h SM100_NVLINK_BW from compute capability 10.0; GB300 is 10.3); a node here "
      "is the rack; one 800 Gb/s ConnectX-8 per GPU [I]", 100, 0, NULL },
    /* Blackwell Ultra: NVLink 5 as B200 (SM100_NVLINK_BW applies from
     * compute capability 10.0, B300's 10.3 included: presets/gpus_2026.csv);
     * PCIe Gen6 (aiconfigurator b300_sxm.yaml), NCCL's Gen5 48 GB/s doubled
     * [I]; 8x 800 Gb/s ConnectX-8 per the HGX B300 reference design, NDR's
     * 48 GB/s per 400 Gb/s doubled [I: not in the reference set]. */
    { "hgx-b300", "NVIDIA HGX B300 8-GPU server (NVLink 5, NVSwitch, 8x 800 Gb/s)", "b300",
      8, 18, 40.1, 1, 96.0, 8, 800, 96.0, 1.0,
      "NCCL topo.h SM100_NVLINK_BW 40.1 GB/s x 18 links, 8 GPUs a node (aiconfigurator b300_sxm.yaml); "
      "PCIe Gen6; 8x 800 Gb/s ConnectX-8 per the HGX B300 reference design [I]", 100, 0, NULL },
    /* H20: Hopper's NVLink 4 and NVSwitch at H100's 18 links (SimAI
     * calbusbw.h "H100/H20"), 900 GB/s both ways (aiconfigurator
     * h20_sxm.yaml), NVLS (nccl#1244 forces NVLSTree on it); its 2-node run
     * there has 16 ConnectX-7 (IB NDR) NICs: 8 a node. */
    { "hgx-h20", "NVIDIA HGX H20 8-GPU server (NVSwitch, 8x NDR)", "h20",
      8, 18, 20.6, 1, 48.0, 8, 400, 48.0, 1.0,
      "NCCL topo.h SM90_NVLINK_BW 20.6 GB/s x 18 links (SimAI calbusbw.h H100/H20), 8 GPUs a node "
      "(aiconfigurator h20_sxm.yaml), NVLS and 8x 400 Gb/s ConnectX-7 NDR a node (nccl#1244)", 90, 0, NULL },
    { "hgx-h20-141gb", "NVIDIA HGX H20 141GB 8-GPU server (NVSwitch, 8x NDR)", "h20-141gb",
      8, 18, 20.6, 1, 48.0, 8, 400, 48.0, 1.0,
      "as hgx-h20: the same NVLink 4 baseboard, 8 GPUs a node (aiconfigurator h20_3e.yaml) [I]", 90, 0, NULL },
    /* PCIe cards with NVLink bridges: H100 NVL pairs (600 GB/s both ways, 12
     * links, as h100-nvl-pairs below), H200 NVL 900 GB/s both ways per GPU
     * (18 links) taken as 2-way bridges; the 4-way bridge (a mesh of four)
     * is not modelled [I]. Eight cards a server, PCIe Gen5 between pairs,
     * NICs as a generic 8-GPU server's, 4x 100 Gb/s [I]. */
    { "h100-nvl-server", "8x H100 NVL PCIe, NVLink bridges joining pairs, PCIe Gen5 between pairs", "h100-nvl",
      8, 12, 20.6, 0, 48.0, 4, 100, 12.0, 1.0,
      "H100 NVL datasheet: NVLink bridge 600 GB/s both ways = 12 links at NCCL's 20.6 GB/s [I]; PCIe Gen5 48 "
      "GB/s; 4x 100 Gb/s NICs [I]", 90, 2, NULL },
    { "h200-nvl-server", "8x H200 NVL PCIe, 2-way NVLink bridges joining pairs, PCIe Gen5 between pairs",
      "h200-nvl", 8, 18, 20.6, 0, 48.0, 4, 100, 12.0, 1.0,
      "H200 NVL datasheet: NVLink bridge 900 GB/s both ways per GPU = 18 links at NCCL's 20.6 GB/s, 2-way "
      "bridges taken (4-way not modelled) [I]; PCIe Gen5 48 GB/s; 4x 100 Gb/s NICs [I]", 90, 2, NULL },
    /* The platforms of the public curves (calibration/data/README.md). */
    { "gcp-a3-mega", "Google Cloud A3 Mega VM (8x H100, NVSwitch, 8x 200 Gb/s GPUDirect-TCPXO)", "h100-sxm",
      8, 18, 20.6, 1, 48.0, 8, 200, 24.0, 1.0,
      "NVLink per FACTS §5; 8 GPU NICs per VM (create-a3mega README); 200 Gb/s = NCCL's 12 GB/s per 100 Gb/s "
      "doubled [I]", 90, 0, NULL },
    { "h100-roce-4nic", "H100 SXM server, 4x 400 Gb/s RoCE NICs", "h100-sxm",
      8, 18, 20.6, 1, 48.0, 4, 400, 48.0, 1.0,
      "nccl-tests#232: 4 NICs per node, theoretical 200 GB/s; NDR 400 Gb/s at 46-49 GB/s (FACTS §5)", 90, 0, NULL },
    { "vidur-a100-net", "8x A100 NVSwitch nodes of Vidur's profiles, network not stated", "a100-sxm-80gb",
      8, 12, 20.0, 0, 24.0, 2, 100, 12.0, 1.0,
      "NVLink per FACTS §5; network unstated in microsoft/vidur: 2x 100 Gb/s [F: the one-GPU-per-node "
      "plateaus, 5.9-7.8 GB/s, fit one 100 Gb/s NIC per 4 GPUs]", 80, 0, NULL },
    { "a100-pcie-nvlink-pairs", "4x A100 PCIe, NVLink bridges joining pairs, PCIe Gen4 between pairs",
      "a100-sxm-80gb", 4, 12, 20.0, 0, 24.0, 1, 100, 12.0, 1.0,
      "A100 PCIe NVLink bridge 600 GB/s both ways = 12 NVLink3 links (A100 datasheet); PCIe Gen4 24 GB/s [I]; "
      "network not stated (microsoft/vidur) [I: 100 Gb/s]", 80, 2, NULL },
    { "h100-nvl-pairs", "4x H100 PCIe/NVL, NVLink bridges joining pairs, PCIe Gen5 between pairs", "h100-pcie",
      4, 12, 20.6, 0, 48.0, 1, 100, 12.0, 1.0,
      "H100 NVLink bridge 600 GB/s both ways = 12 links at NCCL's 20.6 GB/s (datasheet, FACTS §5); PCIe Gen5 "
      "48 GB/s [I]; network not stated (microsoft/vidur) [I: 100 Gb/s]", 90, 2, NULL },
    { "h100-pcie-nvlink-bridge", "2x H100 PCIe joined by NVLink bridges", "h100-pcie",
      2, 12, 20.6, 0, 48.0, 1, 100, 12.0, 1.0,
      "H100 PCIe NVLink bridge 600 GB/s both ways (datasheet); the bridges fitted in nccl-tests#194 are not "
      "stated", 90, 2, NULL },
};

#define NPRESETS (sizeof PRESETS / sizeof PRESETS[0])

/* [F] Fitted by `slicesim validate --case nccl-fit` (cli/validate.c): GSL's
 * simplex minimising the mean |log error| of bus bandwidth over every
 * point from 64 KiB up of calibration/data/nccl_curves.csv, all platforms
 * pooled; the case fails when these drift from the fit by more than 2%.
 * p2p_start: launch to the first step of a point-to-point transfer (the
 * curves' send/recv floors are 5-17 us); step, net_step: per-step
 * synchronisation of Simple inside a node and across the network;
 * link_eff, net_eff: the achieved share of NCCL's per-link and per-NIC
 * bandwidth; p2p_eff: the share of NCCL's intra-node bandwidth a
 * point-to-point transfer reaches (its own kernel: send and receive warps,
 * no reduction; coll_p2p.c). A collective's own start-up is no fitted
 * parameter: it is NCCL's baseLat of the pair (coll_start_us); the
 * measuring harness's time in the Vidur profiles (their all-reduce floors
 * are 25-60 us) is fitted beside these as a parameter of those
 * measurements, and never enters a prediction (calibration/collfit.c). */
const topo_fit topo_fit_default = { 4.4307, 3.2021, 0.98401, 22.1, 0.65849, 0.97762,
                                    1.0 /* full duplex: not fitted, a platform's own below */ };

/* [F] Measured platforms with their own network, NVLink share or
 * send/recv, fitted on each one's own curves with the other parameters at
 * topo_fit_default (the same case, `nccl-fit`, refits and checks them;
 * NAN: the pooled value): the NICs' achieved share and per-step cost of
 * GPUDirect-TCPXO (gcp-a3-mega), RoCE (h100-roce-4nic), Vidur's unnamed
 * network (vidur-a100-net) and Vidur's DGX H100 across nodes (dgx-h100:
 * its 2 x 1 send/recv, whose 17-20 us floor is a start-up and one network
 * step and whose 35.9 GB/s plateau one NIC's share; 15.4 us is about
 * NCCL's NET hwLat of 14 us, GPUDirect RDMA over NDR; 0.77 x 48 GB/s is
 * 294 Gb/s of a 400 Gb/s port); the link share that of Vidur's A100 machine
 * (vidur-a100-net, its single-node curves included: 0.74 of NCCL's 240
 * GB/s, where the A100 of nccl-tests#149 reaches about 230 GB/s with the
 * pooled share). Send/recv of their own: Vidur's A100 machine a p2p
 * start-up (its 2-GPU send/recv floor is 16-17 us where the H100's is 8-10
 * us: the host side again), and the A100 of li-plus/playground a p2p share
 * (0.81 of NCCL's 240 GB/s: 8 GPUs that each send and receive at once
 * plateau at 197 GB/s, where 2-GPU transfers and A100 rings reach 230-258;
 * docs/collectives.md §2a). The leave-one-platform-out table predicts each
 * of them with the pooled values instead. */
static const struct {
    const char *preset;
    double net_eff, net_step_us, link_eff, p2p_start_us, p2p_eff, net_duplex;
} PLATFORM_FITS[] = {
    { "gcp-a3-mega", 0.72819, 33.055, NAN, NAN, NAN, NAN },
    { "h100-roce-4nic", 1, 76.505, NAN, NAN, NAN, NAN },     /* at the bound: NCCL's 48 GB/s per NDR NIC */
    { "vidur-a100-net", 0.64628, 15.577, 0.73816, 11.64, NAN, 0.84364 },
    { "dgx-a100", NAN, NAN, NAN, NAN, 0.80533, NAN },
    { "dgx-h100", 0.76619, 15.385, NAN, NAN, NAN, NAN },    /* its network only; hgx-h100 and the other NDR presets keep the pooled one */
};

/* One parameter of a platform's own fit: v into *dst and bit returned,
 * or nothing and 0 when v is NAN (the pooled value stays). */
static int take_fit(double v, double *dst, int bit)
{
    if (isnan(v))
        return 0;
    *dst = v;
    return bit;
}

int topo_platform_fit(const char *name, topo_fit *f)
{
    for (size_t i = 0; i < sizeof PLATFORM_FITS / sizeof PLATFORM_FITS[0]; i++) {
        if (strcmp(PLATFORM_FITS[i].preset, name) != 0)
            continue;
        return take_fit(PLATFORM_FITS[i].net_eff, &f->net_eff, TOPO_FIT_NET_EFF) |
               take_fit(PLATFORM_FITS[i].net_step_us, &f->net_step_us, TOPO_FIT_NET_STEP) |
               take_fit(PLATFORM_FITS[i].net_duplex, &f->net_duplex, TOPO_FIT_NET_DUPLEX) |
               take_fit(PLATFORM_FITS[i].link_eff, &f->link_eff, TOPO_FIT_LINK_EFF) |
               take_fit(PLATFORM_FITS[i].p2p_start_us, &f->p2p_start_us, TOPO_FIT_P2P_START) |
               take_fit(PLATFORM_FITS[i].p2p_eff, &f->p2p_eff, TOPO_FIT_P2P_EFF);
    }
    return 0;
}

/* Network effects of virtualization (FACTS §4, §5). The troubleshooting
 * guide says ACS without ATS or a NIC without GPUDirect RDMA can cut
 * inter-node bandwidth "by half or more": 0.5 is the default [I]; the added
 * latencies are [I] defaults to calibrate. */
static const topo_virt_preset VIRTS[TOPO_NVIRT] = {
    [TOPO_VIRT_BARE_METAL] = { "bare_metal", 0, 1.0, 0.0, "reference" },
    [TOPO_VIRT_PASSTHROUGH] = { "passthrough", 0, 1.0, 0.0,
        "passthrough with ATS and GPUDirect RDMA: 96-100% of bare metal (FACTS §4) [I: no network loss]" },
    [TOPO_VIRT_PASSTHROUGH_NO_ATS] = { "passthrough_no_ats", 0, 0.5, 1.0,
        "ACS without ATS routes peer DMA through the root complex: half or more lost (FACTS §5) [I: 0.5, +1 us]" },
    [TOPO_VIRT_PASSTHROUGH_NO_GDR] = { "passthrough_no_gdr", 0, 0.5, 3.0,
        "no GPUDirect RDMA: NIC traffic staged in host memory (FACTS §5) [I: 0.5, +3 us]" },
    [TOPO_VIRT_VGPU] = { "vgpu", 0, 1.0, 1.0,
        "full-card vGPU with an SR-IOV NIC and GPUDirect RDMA [I: +1 us mediation per network step]" },
    [TOPO_VIRT_SRIOV_VM] = { "sriov_vm", 0, 0.5625, 1.0,
        "passthrough VMs with SR-IOV / passed-through NICs and GPUDirect RDMA, NCCL's topology detection in "
        "the guest: 180 of 320 GB/s busbw across 2 x 8 H200 [M: NVIDIA/nccl-tests#380]; +1 us [I]" },
    [TOPO_VIRT_VM_WRONG_TOPOLOGY] = { "vm_wrong_topology", 0, 51.0 / 365.0, 1.0,
        "a VM whose NCCL topology file misplaces the VFs: 51 of 365 GB/s with the good file "
        "[M: NVIDIA/nccl#1303, topo3 against topo1]; +1 us [I]" },
};

const topo_preset *topo_preset_find(const char *name)
{
    for (size_t i = 0; i < NPRESETS; i++)
        if (strcmp(PRESETS[i].name, name) == 0)
            return &PRESETS[i];
    return NULL;
}

const topo_preset *topo_preset_for_gpu(const char *gpu)
{
    for (size_t i = 0; i < NPRESETS; i++)
        if (strcmp(PRESETS[i].gpu, gpu) == 0)
            return &PRESETS[i];
    return NULL;
}

size_t topo_preset_count(void) { return NPRESETS; }
const topo_preset *topo_preset_at(size_t i) { return i < NPRESETS ? &PRESETS[i] : NULL; }

/* A GPU without a server preset sits in an 8-GPU PCIe server with 4x
 * 100 Gb/s NICs [I]; NCCL's PCIe bandwidth scales with the host link
 * (12 GB/s for Gen3 x16, whose per-direction rate is 15.75 GB/s). */
const topo_preset *topo_generic_pcie(const gpu_spec *gpu, topo_preset *buf)
{
    memset(buf, 0, sizeof *buf);
    buf->name = "generic-pcie";
    buf->full_name = "8-GPU PCIe server, 4x 100 Gb/s NICs";
    buf->gpu = gpu->name;
    buf->spec = gpu;
    buf->gpus_per_node = 8;
    buf->pcie_gbs = 12.0 * gpu->pcie_gbs / 15.75;
    buf->nics = 4;
    buf->nic_gbps = 100;
    buf->nic_gbs = 12.0;
    buf->net_lat_scale = 1.0;
    buf->source = "[I] generic PCIe server; PCIe and NIC bandwidth per FACTS §5 scaled by link rate";
    return buf;
}

int topo_virt_parse(const char *name)
{
    for (int v = 0; v < TOPO_NVIRT; v++)
        if (strcmp(VIRTS[v].name, name) == 0)
            return v;
    return -1;
}

const topo_virt_preset *topo_virt_at(topo_virt v) { return &VIRTS[v]; }

topo_overrides topo_overrides_none(void)
{
    return (topo_overrides){ -1, -1, -1, -1, -1, -1, -1, -1, coll_sel_none() };
}

/* The compute capability (x 10) of a GPU whose topology does not say, from
 * the GPU's architecture: only NCCL's per-architecture rows read it
 * (coll_arch_of_sm: Volta below 80, Ampere, Hopper, Blackwell from 100), so
 * Turing counts as Volta and Ada (89) as Ampere, as NCCL's compCapIndex
 * does; the GeForce and RTX PRO Blackwell parts (120) take the Blackwell
 * row. An architecture not known here reads as Ampere [I: the middle row]. */
static int sm_of_arch(const char *arch)
{
    static const struct { const char *arch; int sm; } SMS[] = {
        { "volta", 70 }, { "turing", 75 }, { "ampere", 80 }, { "ada", 89 },
        { "hopper", 90 }, { "blackwell", 100 },
    };
    for (size_t i = 0; arch && i < sizeof SMS / sizeof SMS[0]; i++)
        if (strcmp(arch, SMS[i].arch) == 0)
            return SMS[i].sm;
    return 80;
}

static int pick_int(int over, int def) { return over >= 0 ? over : def; }
static double pick_num(double over, double def) { return over >= 0 ? over : def; }

static void build_intra(topo *t, const topo_preset *p, const topo_overrides *o, int hide)
{
    /* NVLink-bridged pairs: a ring over more GPUs than a group crosses PCIe. */
    if (p->nvlink_group > 0 && t->ppn > p->nvlink_group)
        hide = 1;
    if (p->nvlink_links > 0 && !hide) {
        t->intra = TOPO_LINK_NVLINK;
        t->link_gbs = p->nvlink_link_gbs;
        t->channels = pick_int(o->channels, p->nvlink_links);
        int used = t->channels < p->nvlink_links ? t->channels : p->nvlink_links;
        t->intra_gbs = used * p->nvlink_link_gbs;
    } else {
        /* One PCIe path per GPU; more channels share it [I: 2 by default]. */
        t->intra = TOPO_LINK_PCIE;
        t->channels = pick_int(o->channels, 2);
        t->link_gbs = p->pcie_gbs / t->channels;
        t->intra_gbs = p->pcie_gbs;
    }
}

int topo_build(topo *t, const topo_preset *p, int nodes, int ppn, topo_virt v,
               const topo_overrides *o, char *err, size_t errlen)
{
    topo_overrides none = topo_overrides_none();
    if (!o)
        o = &none;
    memset(t, 0, sizeof *t);
    t->gpu = p->spec ? p->spec : gpu_spec_find(p->gpu);
    if (!t->gpu) {
        snprintf(err, errlen, "topology %s names unknown GPU preset %s", p->name, p->gpu);
        return -1;
    }
    if (ppn < 1 || ppn > p->gpus_per_node) {
        snprintf(err, errlen, "gpus per node %d is not allowed on %s; allowed: 1 to %d",
                 ppn, p->name, p->gpus_per_node);
        return -1;
    }
    if (nodes < 1 || nodes > 65536 || nodes * ppn < 2) {
        snprintf(err, errlen, "%d node(s) x %d GPU(s) is not allowed; allowed: 1 to 65536 nodes "
                 "and at least 2 GPUs in all", nodes, ppn);
        return -1;
    }
    const topo_virt_preset *vp = &VIRTS[v];
    t->preset = p;
    t->nodes = nodes;
    t->ppn = ppn;
    t->virt = v;
    build_intra(t, p, o, o->hide_nvlink >= 0 ? o->hide_nvlink : vp->hide_nvlink);
    t->nvls = p->nvls && t->intra == TOPO_LINK_NVLINK && o->nvls != 0;
    /* NCCL uses the NICs close to the GPUs it runs on. */
    int nics = pick_int(o->nics, p->nics);
    int used = (nics * ppn + p->gpus_per_node - 1) / p->gpus_per_node;
    t->nics = used > 0 ? used : 1;
    t->nic_gbs = pick_num(o->nic_gbs, p->nic_gbs);
    /* Across nodes NCCL's search finds two channels per NIC it uses [I: the
     * usual "2 coll channels per net device" of NCCL's INFO lines; 16 on a
     * DGX H100 pair]; inside a node the NVLink links bound them. */
    if (nodes > 1 && o->channels < 0 && t->channels > 2 * t->nics)
        t->channels = 2 * t->nics;
    t->inter_gbs = t->nics * t->nic_gbs * pick_num(o->net_bw_factor, vp->net_bw_factor);
    t->net_lat_scale = p->net_lat_scale;
    t->net_lat_add_us = pick_num(o->net_lat_add_us, vp->net_lat_add_us);
    t->sm = p->sm > 0 ? p->sm : sm_of_arch(t->gpu->arch);
    t->nccl_version = o->nccl_version > 0 ? o->nccl_version : TOPO_NCCL_NEWEST;
    t->sel = o->sel;
    t->fit = topo_fit_default;
    topo_platform_fit(p->name, &t->fit);
    return 0;
}

const char *topo_link_name(topo_link l)
{
    static const char *const names[TOPO_NLINKS] = { "nvlink", "pcie", "net" };
    return names[l];
}
