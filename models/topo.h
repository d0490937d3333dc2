/* topo.h -- the network a collective runs on: nodes x GPUs per node, the
 * links inside a node (NVLink/NVSwitch or PCIe), the NICs between nodes, and
 * what virtualization does to them (DESIGN §6, reference FACTS §5).
 *
 * Invariants:
 *  - Bandwidths are in GB/s (10^9 bytes/s) as NCCL's topology search counts
 *    them: the bandwidth NCCL gets, not the line rate.
 *  - A topo is a plain value built from a constant preset table plus the
 *    caller's node count and overrides; nothing here allocates or keeps state.
 *  - Every preset number names its source; numbers not in FACTS are marked
 *    [I] and can be overridden (topo_overrides). */
#ifndef MODELS_TOPO_H
#define MODELS_TOPO_H

#include "models/coll_sel.h"
#include "models/gpu.h"

/* The newest NCCL release whose constants the model holds (2.30.7), the
 * default of network.nccl_version. */
#define TOPO_NCCL_NEWEST 23007

/* The kind of link a step of a collective crosses; indexes NCCL's hwLat. */
typedef enum { TOPO_LINK_NVLINK, TOPO_LINK_PCIE, TOPO_LINK_NET, TOPO_NLINKS } topo_link;

typedef struct {
    const char *name;          /* e.g. "dgx-h100" */
    const char *full_name;
    const char *gpu;           /* GPU preset of models/gpu.h */
    int    gpus_per_node;      /* GPUs in one node */
    int    nvlink_links;       /* per GPU; 0 = PCIe only */
    double nvlink_link_gbs;    /* NCCL per-channel bandwidth of one link */
    int    nvls;               /* NVLink SHARP (NVSwitch on Hopper) */
    double pcie_gbs;           /* NCCL bandwidth of one GPU's PCIe path */
    int    nics;               /* NICs per node for the GPU fabric */
    double nic_gbps;           /* line rate of one NIC, Gb/s */
    double nic_gbs;            /* what NCCL gets from one NIC, GB/s */
    double net_lat_scale;      /* factor on NCCL's network hwLat */
    const char *source;
    int    sm;                 /* compute capability x 10 (80, 90, 100): NCCL's per-architecture rows */
    int    nvlink_group;       /* GPUs joined by NVLink (bridged pairs: 2); 0 = every GPU of the node */
    const gpu_spec *spec;      /* the GPU when it is no preset (a profile's), else NULL: found by `gpu` */
} topo_preset;

/* The fitted parameters of the achieved-time model (coll.h, "Achieved
 * time"): each has a physical meaning, none depends on the size. */
typedef struct {
    double p2p_start_us;       /* launch to the first step of send/recv and all-to-all */
    double step_us;            /* synchronisation per pipeline step inside a node, Simple */
    double link_eff;           /* achieved share of NCCL's intra-node link bandwidth */
    double net_step_us;        /* synchronisation per step that crosses the network, Simple */
    double net_eff;            /* achieved share of the NICs' bandwidth */
    double p2p_eff;            /* achieved share of NCCL's intra-node link bandwidth by send/recv and all-to-all */
    double net_duplex;         /* share of that NIC bandwidth each direction keeps when a rank sends and
                                  receives at once (ring, tree): 1 with GPUDirect RDMA; below 1 where the
                                  traffic bounces through host memory. A platform's own, never pooled. */
} topo_fit;

/* How the guest sees the hardware (FACTS §4, §5). A passthrough VM with ATS
 * and GPUDirect RDMA behaves like bare metal; ACS without ATS sends
 * peer-to-peer and NIC DMA through the root complex; without GPUDirect RDMA
 * the NIC reads and writes host bounce buffers; a virtual PCI topology can
 * hide NVLink from NCCL, which then uses PCIe inside the node. Measured in
 * VMs (calibration set, virtualization.csv): GPUs and SR-IOV or passed-through
 * NICs with GPUDirect RDMA and NCCL's own topology detection in the guest
 * reach about 0.56 of bare metal across nodes (sriov_vm); a wrong NCCL
 * topology in the VM leaves about 0.14 (vm_wrong_topology). */
typedef enum {
    TOPO_VIRT_BARE_METAL, TOPO_VIRT_PASSTHROUGH, TOPO_VIRT_PASSTHROUGH_NO_ATS,
    TOPO_VIRT_PASSTHROUGH_NO_GDR, TOPO_VIRT_VGPU, TOPO_VIRT_SRIOV_VM, TOPO_VIRT_VM_WRONG_TOPOLOGY,
    TOPO_NVIRT
} topo_virt;

typedef struct {
    const char *name;
    int    hide_nvlink;        /* NCCL sees PCIe only inside the node */
    double net_bw_factor;      /* on inter-node bandwidth */
    double net_lat_add_us;     /* added to every network step */
    const char *source;
} topo_virt_preset;

/* What a user may override; a negative number (or -1 flag) keeps the
 * preset's value. */
typedef struct {
    int    nics;
    double nic_gbs;
    int    channels;
    int    nvls;               /* 0 disables NVLS, 1 enables where supported */
    int    hide_nvlink;
    double net_bw_factor;
    double net_lat_add_us;
    int    nccl_version;       /* 2.x.y as 2xxyy (coll_nccl_version_parse); -1 = the newest */
    coll_sel sel;              /* NCCL_ALGO / NCCL_PROTO and a tuner's rules (borrowed) */
} topo_overrides;

typedef struct {
    const topo_preset *preset;
    const gpu_spec    *gpu;
    int       nodes, ppn;      /* nodes, GPUs per node used */
    topo_virt virt;
    topo_link intra;           /* NVLINK, or PCIE when there is none or it is hidden */
    int       channels;        /* NCCL channels (rings) */
    double    intra_gbs;       /* NCCL bus bandwidth inside a node */
    double    link_gbs;        /* per-channel bandwidth inside a node */
    int       nvls;            /* NVLS usable */
    int       nics;            /* NICs serving the GPUs used */
    double    nic_gbs;
    double    inter_gbs;       /* bus bandwidth across nodes, per node */
    double    net_lat_scale, net_lat_add_us;
    int       sm;              /* compute capability x 10 */
    int       nccl_version;    /* 2xxyy */
    coll_sel  sel;             /* the pairs allowed, the tuner's rules */
    int       call_channels;   /* the channels a tuner rule allows this call (coll_estimate), 0 = no limit */
    topo_fit  fit;             /* the achieved-time model's parameters (topo_fit_default unless set) */
} topo;

/* topo_fit_default: the parameters fitted on every public curve of
 * calibration/data/nccl_curves.csv (models/topo.c says how). */
extern const topo_fit topo_fit_default;

/* The fields of topo_fit a measured platform may have fitted on its own
 * curves (topo_platform_fit), as bits. */
enum { TOPO_FIT_NET_STEP = 2, TOPO_FIT_NET_EFF = 4, TOPO_FIT_LINK_EFF = 8,
       TOPO_FIT_P2P_START = 16, TOPO_FIT_P2P_EFF = 32, TOPO_FIT_NET_DUPLEX = 64 };

/* topo_platform_fit: the parameters fitted on the curves of preset `name`
 * alone, for the presets of measured platforms whose network (TCPXO, RoCE,
 * Vidur's unnamed network), NVLink share or send/recv differs from the
 * pooled one (the measuring harness's own time is no part of the
 * platform: calibration/collfit.h): writes those
 * fields into *f, leaves the others, and returns their bits (0: the
 * preset has none). topo_build uses them in place of topo_fit_default's. */
int topo_platform_fit(const char *name, topo_fit *f);

/* topo_preset_find: the preset called name, or NULL. topo_preset_for_gpu:
 * the first preset built on GPU preset gpu, or NULL. */
const topo_preset *topo_preset_find(const char *name);
const topo_preset *topo_preset_for_gpu(const char *gpu);
size_t topo_preset_count(void);
const topo_preset *topo_preset_at(size_t i);

/* topo_generic_pcie: the preset used for a GPU that has no server preset: a
 * PCIe server sized by the GPU's host link ([I], documented). Returns a
 * pointer to storage the caller provides. */
const topo_preset *topo_generic_pcie(const gpu_spec *gpu, topo_preset *buf);

/* topo_virt_parse: a virtualization name -> mode, or -1. */
int topo_virt_parse(const char *name);
const topo_virt_preset *topo_virt_at(topo_virt v);

/* topo_overrides_none: every field "keep the preset". */
topo_overrides topo_overrides_none(void);

/* topo_build: the topology of `nodes` nodes of preset p using `ppn` GPUs
 * each, under virtualization v with overrides o (may be NULL). Returns 0, or
 * -1 with a message in err when ppn or nodes are out of range (ppn in
 * [1, p->gpus_per_node], nodes >= 1, ranks >= 2). */
int topo_build(topo *t, const topo_preset *p, int nodes, int ppn, topo_virt v,
               const topo_overrides *o, char *err, size_t errlen);

static inline int topo_ranks(const topo *t) { return t->nodes * t->ppn; }

/* topo_hw_link_name: "nvlink" | "pcie" | "net". */
const char *topo_link_name(topo_link l);

#endif
