/* parse_mps.c -- sharing.mode "mps": the "mps" settings (which MPS
 * instances of MIG read too), each tenant's active-thread percentage and
 * pinned memory limit, and the client limits; defaults are the model's
 * (models/mps.h). */
#include "scenarios/scenario.h"

#include <stdio.h>

int scn_parse_mps_settings(jv *v, scn *sc, const cJSON *sh)
{
    static const char *const keys[] = { "max_clients", "fault_rate_per_s", "restart_s", NULL };
    mps_cfg *m = &sc->cfg.mps;
    long clients = MPS_MAX_CLIENTS;
    double restart = MPS_DEFAULT_RESTART_S;
    m->fault_rate_per_s = 0;
    const cJSON *o = jv_object(v, sh, "sharing", "mps", 0);
    if (o) {
        jv_keys(v, o, "sharing.mps", keys);
        jv_int(v, o, "sharing.mps", "max_clients", 0, MPS_MAX_CLIENTS, 1, MPS_MAX_CLIENTS, &clients);
        jv_number(v, o, "sharing.mps", "fault_rate_per_s", 0, 0,
                  (jv_range){ 0, 1e6, 0, 0, "faults per second" }, &m->fault_rate_per_s);
        jv_number(v, o, "sharing.mps", "restart_s", 0, MPS_DEFAULT_RESTART_S,
                  (jv_range){ 0, 1e6, 0, 0, "seconds" }, &restart);
    }
    m->max_clients = (int)clients;
    m->restart_ns = sim_round_ns(restart * 1e9);
    return v->failed ? -1 : 0;
}

/* mps_active_thread_pct, and CUDA_MPS_PINNED_DEVICE_MEM_LIMIT (FACTS §3):
 * a client's memory capacity, at most its resource's; without it a client
 * sees all of it. */
static int mps_client(jv *v, scn *sc, const cJSON *obj, const char *path, tenant_cfg *tc)
{
    double pct = 100, cap = tc->mem_gb > 0 ? tc->mem_gb : sc->cfg.gpu->mem_gb, gb = 0;
    jv_number(v, obj, path, "mps_active_thread_pct", 0, 100, (jv_range){ 0, 100, 1, 0, "percent" }, &pct);
    tc->mps_frac = pct / 100;
    if (v->failed || !cJSON_HasObjectItem(obj, "mps_mem_limit_gb"))
        return v->failed ? -1 : 0;
    jv_number(v, obj, path, "mps_mem_limit_gb", 0, 0,
              (jv_range){ 0, cap, 1, 0, "GB (the memory of its GPU or instance)" }, &gb);
    tc->mem_gb = gb;
    return v->failed ? -1 : 0;
}

static int mps_check_tenant(jv *v, scn *sc, int i, const share_res *r, const scn_counts *k)
{
    char p[96], q[96];
    const model_cfg *c = &sc->cfg;
    const tenant_cfg *t = &c->tenants[i];
    jv_index(q, sizeof q, "tenants", i);
    if (t->per_request)
        return jv_fail(v, jv_join(p, sizeof p, q, "context"),
                       "value \"per_request\" cannot run on MPS (each tenant is one MPS client); use \"shared\"");
    if (r->inst) {
        int n = scn_count_on(k, t->gpu, t->instance);
        if (n > r->inst->mps_max_clients)
            return jv_fail(v, jv_join(p, sizeof p, q, "instance"),
                           "too many MPS clients on instance %d (%s): %d; allowed: at most %d "
                           "(48 scaled by %d of %d compute slices)", t->instance, r->inst->prof->name, n,
                           r->inst->mps_max_clients, r->inst->prof->compute_slices, c->mig->compute_slices);
        return 0;
    }
    int n = scn_count_on(k, t->gpu, -1);
    if (n > c->mps.max_clients)
        return jv_fail(v, jv_join(p, sizeof p, q, "gpu"),
                       "too many MPS clients on GPU %d: %d; allowed: at most %d (sharing.mps.max_clients)",
                       t->gpu, n, c->mps.max_clients);
    if (c->virt.mode == VIRT_VGPU && n > 1)
        return jv_fail(v, "sharing.mode", "value \"mps\" cannot share a GPU between vGPU VMs: MPS clients "
                       "share one OS; %d tenants are on GPU %d", n, t->gpu);
    return 0;
}

static const scn_owned_key client_keys[] = {
    { "mps_active_thread_pct",
      "the tenant does not run on MPS (sharing.mode \"mps\", or a MIG instance with mode \"mps\")" },
    { "mps_mem_limit_gb",
      "the tenant does not run on MPS (sharing.mode \"mps\", or a MIG instance with mode \"mps\")" },
    { NULL, NULL },
};

const scn_sharing_kind scn_mps_kind = {
    .type = &share_mps,
    .client_keys = client_keys,
    .client = mps_client,
    .check = scn_check_native_slice,
    .check_tenant = mps_check_tenant,
};
