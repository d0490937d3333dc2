/* netcfg.h -- JSON into collective-model configs: a scenario's "network"
 * section (docs/scenario.md) and the correction files that `slicesim
 * import-nccl-tests` writes and `slicesim collective --correction` reads
 * (docs/collectives.md). Errors are user errors with one message naming the
 * file, the JSON path, the value and what is allowed. */
#ifndef SCENARIOS_NETCFG_H
#define SCENARIOS_NETCFG_H

#include <stddef.h>
#include <cJSON.h>
#include "models/coll.h"
#include "scenarios/jv.h"

struct scn;

/* The network of a scenario: the topology of hardware.nodes x
 * hardware.gpus, its noise and its correction; what a training workload
 * builds a coll_sampler from. Owned by the scenario. */
typedef struct netcfg {
    topo_preset generic;      /* storage when the GPU has no server preset */
    topo        t;            /* t.preset may point at generic */
    topo_overrides ov;        /* the section's overrides, for netcfg_topo */
    coll_noise  noise;
    coll_corr   corr;         /* identity unless "correction" names a file */
    const char *correction;   /* that file, or NULL */
    const char *tuner;        /* the tuner configuration named (its rules in t.sel), or NULL */
} netcfg;

/* netcfg_parse: the "network" object obj (NULL when absent) of a scenario
 * whose hardware and virtualization are parsed. Sets *out to a netcfg owned
 * by sc, or to NULL when obj is absent and the hardware has no multi-GPU
 * topology (one GPU, or more per node than any server preset holds), so
 * that scenarios without a network never fail here. Returns 0, or -1 with
 * v failed. */
int netcfg_parse(jv *v, struct scn *sc, const cJSON *obj, const netcfg **out);

/* netcfg_topo: the topology of `ranks` GPUs of the scenario's network (its
 * preset, virtualization and overrides; without a network, the GPU's server
 * preset or the generic PCIe server, the scenario's virtualization mode and
 * no overrides): one node of `ranks` GPUs when they fit in hardware.gpus,
 * else ranks / hardware.gpus full nodes. ranks >= 2. `path` names the field
 * that asked for the GPUs in messages. Returns 0, or -1 with v failed (the
 * ranks do not fill whole nodes, or the preset has fewer GPUs per node). */
int netcfg_topo(jv *v, struct scn *sc, int ranks, const char *path, topo *out);

/* netcfg_topo_shape: the same for nodes x ppn GPUs as given (a
 * point-to-point path: one node of two GPUs, or two nodes of one), inside
 * the node over PCIe when pcie is set (NVLink hidden). */
int netcfg_topo_shape(jv *v, struct scn *sc, int nodes, int ppn, int pcie, const char *path, topo *out);

/* netcfg_corr_from_json: fill and initialise c (coll_corr_init) from a
 * parsed correction document; `file` names it in messages. Returns 0, or
 * -1 with err. */
int netcfg_corr_from_json(const cJSON *root, const char *file, coll_corr *c,
                          char *err, size_t errlen);

/* netcfg_corr_load: the same from a file. Returns 0 (SCN_OK), 2
 * (SCN_BAD_INPUT: unreadable, malformed, invalid) or 1 (out of memory),
 * with a message in err. */
int netcfg_corr_load(const char *file, coll_corr *c, char *err, size_t errlen);

/* netcfg_tuner_load: the rules of a tuner configuration file in NCCL's
 * example-tuner format (coll_sel.h) into a malloc'd array the caller frees
 * (*rules NULL when it has none). Returns SCN_OK, SCN_BAD_INPUT
 * (unreadable, or a line that is not a rule: the message names the file,
 * the line, the field, the value and what is allowed) or SCN_INTERNAL (out
 * of memory), with a message in err. */
int netcfg_tuner_load(const char *file, coll_sel_rule **rules, int *n, char *err, size_t errlen);

#endif
