/* scenario.h -- scenario files: JSON in, a validated model_cfg out.
 *
 * This is the one place that reads JSON into model configs. A scenario owns
 * its parsed JSON tree (the strings the config points to) and every parameter
 * struct built from it. Errors are user errors (exit status 2) with one
 * message naming the file, the JSON path, the value and what is allowed. */
#ifndef SCENARIOS_SCENARIO_H
#define SCENARIOS_SCENARIO_H

#include <stddef.h>
#include <cJSON.h>
#include "models/model.h"
#include "scenarios/jv.h"
#include "scenarios/profile.h"

typedef struct scn {
    char       *file;
    cJSON      *root;            /* after --set overrides */
    const char *name, *description;
    const char *virt_mode;       /* virtualization.mode */
    const char *sharing_mode;    /* sharing.mode as written */
    int         nodes, gpus_per_node;
    const struct netcfg *net;    /* "network" (scenarios/netcfg.h); NULL without one */
    model_cfg   cfg;
    double      pct_rel_err;     /* percentiles.relative_error; 0 = exact */
    prof       *profile;         /* hardware.profile, or NULL; cfg.gpu points into it */
    void      **owned;
    size_t      nowned, capowned;
} scn;

/* Result codes of the loaders. */
enum { SCN_OK = 0, SCN_INTERNAL = 1, SCN_BAD_INPUT = 2 };

/* scn_load: read file, apply each "PATH=VALUE" of sets in order, validate and
 * build. Returns SCN_OK with *out set (free with scn_free), or an error code
 * with a one-line message in err. */
int scn_load(const char *file, char *const *sets, size_t nsets, scn **out,
             char *err, size_t errlen);

/* scn_load_text: the same from a string; `file` only names it in messages. */
int scn_load_text(const char *text, const char *file, char *const *sets, size_t nsets,
                  scn **out, char *err, size_t errlen);

/* scn_read: the parsed JSON of a scenario file (bounded as scn_load reads
 * it), to build many scenarios from (scn_load_doc); NULL with a message in
 * err. The caller frees it (cJSON_Delete). */
cJSON *scn_read(const char *file, char *err, size_t errlen);

/* scn_load_doc: scn_load from an already parsed document: a copy of doc
 * with each of sets applied, validated and built; `file` names it in
 * messages and anchors its relative paths. doc is only read, so threads
 * may share it. */
int scn_load_doc(const cJSON *doc, const char *file, char *const *sets, size_t nsets, scn **out,
                 char *err, size_t errlen);

void scn_free(scn *sc);

/* scn_hash: the identity of the scenario after --set overrides: FNV-1a 64
 * over its JSON printed without spaces (cJSON's canonical rendering, key
 * order as written), as 16 hex digits in buf (len >= 17). It tells runs of
 * different scenarios apart; it is not a cryptographic digest. Returns buf,
 * or NULL when out of memory. */
const char *scn_hash(const scn *sc, char *buf, size_t len);

/* scn_set: apply one "PATH=VALUE" to a JSON tree. PATH is dotted, array
 * elements by index (tenants.0.arrivals.rate_per_s); a missing last key is
 * created (validation then judges it). VALUE is JSON (12, "x", true, {..}) or,
 * if it does not parse as JSON, a plain string; `null` removes the field of
 * an object, so that its default applies. Returns 0 or -1 with err. */
int scn_set(cJSON *root, const char *assignment, char *err, size_t errlen);

/* scn_path: the file a scenario's field names: path itself when absolute,
 * else relative to the folder of the scenario file (so a scenario runs
 * from any working directory). Returns buf. */
const char *scn_path(const scn *sc, const char *path, char *buf, size_t len);

/* --- for the parsers of workload and arrival kinds --- */

/* scn_own: zeroed memory freed with the scenario; NULL (and v failed) when
 * out of memory. */
void *scn_own(scn *sc, jv *v, size_t size);

typedef int (*scn_parse_fn)(jv *v, scn *sc, const cJSON *obj, const char *path,
                            const void **params);

/* A check that a serving engine's weights leave room for its KV cache in
 * the share it is given (mem_bytes: a GPU, a MIG instance, a vGPU, an MPS
 * limit or an even split of a shared GPU), with a message that says what
 * to change; path is the workload's JSON path. scn_check_memory calls it. */
typedef int (*scn_fits_fn)(jv *v, const scn *sc, const tenant_cfg *tc, double mem_bytes,
                           const char *path);

typedef struct {
    const char  *name;
    const wl_type *wl;
    scn_parse_fn parse;
    scn_fits_fn  fits;        /* NULL: no memory check */
} scn_workload_kind;
typedef struct { const char *name; const arr_type *arr; scn_parse_fn parse; } scn_arrival_kind;

/* --- fleets (scenario.c) and disaggregated fleets (parse_disagg.c) --- */

#define SCN_MAX_REPLICAS 1024

struct disagg_cfg;

/* scn_disagg_replicas: the engines tenant obj's "disaggregation" asks for
 * (prefill_replicas + decode_replicas), or 0 when it has none or a bad
 * one (which scn_parse_disagg then reports). */
long scn_disagg_replicas(const cJSON *obj);

/* scn_parse_disagg: tenant obj's "disaggregation" (tc: the tenant as
 * parsed) into *out, owned by sc: the pools, the link's two-GPU topology,
 * the decode router. Returns 0, or -1 with v failed. */
int scn_parse_disagg(jv *v, scn *sc, const cJSON *obj, const char *path, const tenant_cfg *tc,
                     const struct disagg_cfg **out);

/* scn_disagg_pools: fleet rep[0 .. prefill + decode) with front becomes
 * c's pools: the first prefill replicas prefill engines named NAME.pK,
 * the others decode engines NAME.dK, each with its pool's engine limits;
 * the front routes arrivals to the prefill pool. Returns 0, or -1 with v
 * failed. */
int scn_disagg_pools(jv *v, scn *sc, const cJSON *obj, const char *path, const struct disagg_cfg *c,
                     tenant_cfg *rep, tenant_cfg *front);

/* NULL-terminated registries (scenarios/kinds.c). */
extern const scn_workload_kind scn_workload_kinds[];
extern const scn_arrival_kind  scn_arrival_kinds[];

/* scn_parse_precision: obj.key, one of the precisions in mask (bits
 * 1 << gpu_prec; names from models/gpu.h), default def, into *out. */
int scn_parse_precision(jv *v, const cJSON *obj, const char *path, const char *key, gpu_prec def,
                        unsigned mask, gpu_prec *out);
#define SCN_ALL_PRECISIONS ((1u << GPU_NPREC) - 1)
#define SCN_DENSE_PRECISIONS (SCN_ALL_PRECISIONS & ~(1u << GPU_FP4))   /* what training and synthetic bursts take */

int scn_parse_synthetic(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params);
int scn_fits_llm(jv *v, const scn *sc, const tenant_cfg *tc, double mem_bytes, const char *path);
int scn_fits_training(jv *v, const scn *sc, const tenant_cfg *tc, double mem_bytes, const char *path);
int scn_parse_poisson(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params);
int scn_parse_closed(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params);
int scn_parse_gamma(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params);
int scn_parse_onoff(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params);
int scn_parse_diurnal(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params);
int scn_parse_trace(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params);
int scn_parse_llm(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params);

/* scn_llm_prefix: an llm tenant's prefix cache is on ("prefix_cache", true
 * by default, as in vLLM) only when its requests can carry prefixes: a
 * Mooncake trace's hash ids or the "prefix" generator, which tc then
 * draws from (tenant_cfg.prefix_gen). Called once its arrivals are parsed. */
void scn_llm_prefix(tenant_cfg *tc);
int scn_parse_diffusion(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params);
int scn_parse_training(jv *v, scn *sc, const cJSON *obj, const char *path, const void **params);

/* scn_check_memory: every tenant's footprint (wl_type.footprint) against
 * the memory it is placed on (scenarios/memfit.c); sets each serving
 * engine's share into tenant_cfg.mem_gb. Run once placements are settled. */
int scn_check_memory(jv *v, scn *sc);

/* --- sharing and virtualization (scenarios/parse_sharing.c) --- */

/* scn_parse_virtualization / scn_parse_sharing: the "virtualization" and
 * "sharing" objects (either may be NULL: the defaults) into sc->cfg. */
int scn_parse_virtualization(jv *v, scn *sc, const cJSON *vz);
int scn_parse_sharing(jv *v, scn *sc, const cJSON *sh);

/* scn_parse_tenant_sharing: a tenant's instance, mps_active_thread_pct and
 * vgpu_gb, and the resource it runs on. */
int scn_parse_tenant_sharing(jv *v, scn *sc, const cJSON *obj, const char *path, tenant_cfg *tc);

/* scn_check_sharing: the rules across tenants (client limits, one vGPU type
 * under fixed share, policies the mode cannot run) and the time slice. */
int scn_check_sharing(jv *v, scn *sc);

/* Tenants per GPU (gpu[g], the first of them first[g], -1 for none) and per
 * GPU instance (inst[g * ninst + i]; ninst 0 unless partitioned). */
typedef struct { int *gpu, *first, *inst; int ninst; } scn_counts;

/* A key only one sharing mode takes, and what to say when another mode
 * is given it. */
typedef struct { const char *key, *why; } scn_owned_key;

/* How a scenario names and reads one sharing mode (one file each,
 * scenarios/parse_MODE.c; registered by the share type's name in kinds.c).
 * Every hook may be NULL: nothing to do. */
typedef struct {
    const share_type *type;
    const scn_owned_key *keys;          /* of "sharing", only this mode's; {NULL} ends */
    const scn_owned_key *tenant_keys;   /* of a tenant, only under this mode */
    const scn_owned_key *client_keys;   /* of a tenant, only on a resource of this type */
    /* parse: this mode's keys of "sharing" (sh may be NULL). */
    int (*parse)(jv *v, scn *sc, const cJSON *sh);
    /* tenant: a tenant's placement fields under this mode (tenant_keys), or
     * on a resource of this type (client_keys). */
    int (*tenant)(jv *v, scn *sc, const cJSON *obj, const char *path, tenant_cfg *tc);
    int (*client)(jv *v, scn *sc, const cJSON *obj, const char *path, tenant_cfg *tc);
    /* check: rules across tenants and the time slice, after every tenant. */
    int (*check)(jv *v, scn *sc, const cJSON *sh, const scn_counts *k);
    /* check_tenant: tenant i on resource r of this type (r->inst NULL: a
     * whole GPU). */
    int (*check_tenant)(jv *v, scn *sc, int i, const share_res *r, const scn_counts *k);
} scn_sharing_kind;

/* The sharing modes, NULL-terminated (scenarios/kinds.c). */
extern const scn_sharing_kind *const scn_sharing_kinds[];
extern const scn_sharing_kind scn_exclusive_kind, scn_timeslice_kind, scn_mps_kind, scn_mig_kind;

/* scn_sharing_kind_of: the registered kind of type t (NULL when t is not
 * registered, which the share types' own code never makes). */
const scn_sharing_kind *scn_sharing_kind_of(const share_type *t);

/* scn_sharing_names: the names of the registered modes into names (at most
 * n - 1, NULL-terminated) for jv_enum; only those that can run inside a
 * partition when inner. Returns the count. */
int scn_sharing_names(const char **names, int n, int inner);

/* Helpers the modes share (parse_sharing.c, parse_timeslice.c, parse_mps.c). */
int scn_count_on(const scn_counts *k, int gpu, int inst);   /* tenants on GPU gpu (instance inst, or any: -1) */
int scn_parse_ts_settings(jv *v, scn *sc, const cJSON *sh);
int scn_parse_mps_settings(jv *v, scn *sc, const cJSON *sh);
int scn_check_native_slice(jv *v, scn *sc, const cJSON *sh, const scn_counts *k);
int scn_vgpu_density(jv *v, scn *sc, const scn_counts *k);   /* vGPU types settled; their largest density, 0 without vGPUs, -1 on error */

#endif
