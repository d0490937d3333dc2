/* share.h -- how a GPU is shared: one share_type per sharing mode, a table of
 * function pointers as ts_policy is for time-slice policies.
 *
 * A share_type cuts each GPU into resources (one, or under MIG one per
 * instance), builds the executor of each resource, places tenants on them,
 * names and describes them, and sets its defaults. One file each:
 * share_exclusive.c, share_timeslice.c, share_mps.c, share_mig.c. A MIG
 * instance runs one of the other types inside it (model_instance.share);
 * those types see the instance through share_res. The model (model.c) and
 * the outputs call only these functions; nothing tests which mode it is. */
#ifndef MODELS_SHARE_H
#define MODELS_SHARE_H

#include <stddef.h>
#include "models/exec.h"
#include "models/tenant.h"

struct model_cfg;
struct model_instance;

/* Random streams of executors: entity SHARE_ENTITY_EXEC + executor id, away
 * from tenant ids (replications seed them as sim/rng.h says). */
#define SHARE_ENTITY_EXEC (1u << 20)
#define SHARE_STREAM_MPS_FAULTS 0u

/* The resource an executor runs: GPU gpu, its resource k, and when the GPU is
 * partitioned the instance it is (NULL for a whole GPU). */
typedef struct {
    int                          gpu, k;
    const struct model_instance *inst;
} share_res;

/* Where describe puts one field of the mode's description: group NULL for
 * the mode's own fields, else a named sub-object ("mps"). */
typedef struct {
    void (*str)(void *ud, const char *group, const char *key, const char *val);
    void (*num)(void *ud, const char *group, const char *key, double val);
} share_sink;

typedef struct share_type {
    const char *name;      /* as sharing.mode spells it */
    const char *summary;   /* one line: what the mode is */
    const char *family;    /* validate's family whose rows hold the mode's overheads
                              (models/accuracy.h); NULL: none (one tenant per GPU) */
    int vm_switches;       /* 1: under virtualization.mode "vgpu" its context
                              switches cross VMs (time-sliced vGPUs; models/ctxsw.h) */
    /* defaults: set the mode's fields of cfg (cfg->gpu is set) to its defaults. */
    void (*defaults)(struct model_cfg *cfg);
    /* resources: how many executors each GPU is cut into (>= 1). */
    int (*resources)(const struct model_cfg *cfg);
    /* inner: the type that runs resource k; NULL: the type itself (a type
     * that does not partition its GPU). */
    const struct share_type *(*inner)(const struct model_cfg *cfg, int k);
    /* build: the executor of resource r as executor `id` of replication rep;
     * NULL when out of memory. */
    exec *(*build)(const struct model_cfg *cfg, const share_res *r, sim *s, int id, int rep);
    /* resource_of: which resource of its GPU tenant tc runs on. */
    int (*resource_of)(const struct model_cfg *cfg, const tenant_cfg *tc);
    /* attach: join tenant t to executor e of resource r (MPS clients, slot
     * owners); 0, or -1 when out of memory or over a client limit. */
    int (*attach)(const struct model_cfg *cfg, const share_res *r, exec *e, tenant *t);
    /* part_frac: resource k's share of its GPU's compute, by which the GPU's
     * figures weight the resources' ones; NULL when the GPU is not
     * partitioned (its one resource is the GPU, reported as such). */
    double (*part_frac)(const struct model_cfg *cfg, int k);
    /* resource_name: resource k of GPU g, short ("0", "0.3") or long ("GPU 0",
     * "GPU 0 instance 3 (3g.40gb)"). */
    void (*resource_name)(const struct model_cfg *cfg, int g, int k, int longform, char *buf, size_t len);
    /* label: the parenthesised detail of the mode in a table heading
     * (" (best_effort, slice 1.024 ms, switch 25 us)"), or "". */
    void (*label)(const struct model_cfg *cfg, char *buf, size_t len);
    /* describe: the mode's settings, field by field, into sink. */
    void (*describe)(const struct model_cfg *cfg, const share_sink *sink, void *ud);
} share_type;

extern const share_type share_exclusive;
extern const share_type share_timeslice;
extern const share_type share_mps;
extern const share_type share_mig;

/* share_exec_count: executors of the whole model (GPUs x resources). */
int share_exec_count(const struct model_cfg *cfg);

/* share_exec_index: the executor tenant tc runs on; executors are numbered
 * GPU by GPU, resource by resource (g * resources + k). */
int share_exec_index(const struct model_cfg *cfg, const tenant_cfg *tc);

/* share_res_of: the resource of executor e. */
share_res share_res_of(const struct model_cfg *cfg, int e);

/* share_exec_name: executor e's name, as resource_name spells it. */
void share_exec_name(const struct model_cfg *cfg, int e, int longform, char *buf, size_t len);

/* share_inner: the type that runs resource k of every GPU of cfg. */
const share_type *share_inner(const struct model_cfg *cfg, int k);

/* For the types: one resource per GPU (share_one), every tenant on it
 * (share_whole_gpu), named as the GPU (share_gpu_name). */
int  share_one(const struct model_cfg *cfg);
int  share_whole_gpu(const struct model_cfg *cfg, const tenant_cfg *tc);
void share_gpu_name(const struct model_cfg *cfg, int g, int k, int longform, char *buf, size_t len);

/* share_no_label / share_no_fields: a mode with no detail to show. */
void share_no_label(const struct model_cfg *cfg, char *buf, size_t len);
void share_no_fields(const struct model_cfg *cfg, const share_sink *sink, void *ud);

/* share_mps_describe: the MPS server's fields, under "mps". */
void share_mps_describe(const struct model_cfg *cfg, const share_sink *sink, void *ud);

/* share_ts_describe_native: the time-slice fields as native best-effort
 * time-slicing runs them (MIG instances). */
void share_ts_describe_native(const struct model_cfg *cfg, const share_sink *sink, void *ud);

#endif
