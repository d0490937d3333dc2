/* parse_exclusive.c -- sharing.mode "exclusive": one tenant per GPU (or
 * per MIG instance), one context. */
#include "scenarios/scenario.h"

#include <stdio.h>

static int excl_check_tenant(jv *v, scn *sc, int i, const share_res *r, const scn_counts *k)
{
    char p[64], q[96];
    const model_cfg *c = &sc->cfg;
    const tenant_cfg *t = &c->tenants[i];
    jv_index(p, sizeof p, "tenants", i);
    if (r->inst) {
        int n = scn_count_on(k, t->gpu, t->instance);
        if (n > 1)
            return jv_fail(v, jv_join(q, sizeof q, p, "instance"),
                           "value %d: instance %d (%s) holds one tenant (mode exclusive); %d are placed on it",
                           t->instance, t->instance, r->inst->prof->name, n);
        return 0;
    }
    if (t->per_request)
        return jv_fail(v, jv_join(q, sizeof q, p, "context"),
                       "value \"per_request\" needs sharing.mode \"timeslice\" (exclusive runs one context per GPU)");
    int first = k->first[t->gpu];
    if (first != i)
        return jv_fail(v, jv_join(q, sizeof q, p, "gpu"),
                       "value %d is taken by tenant \"%s\"; sharing.mode \"exclusive\" allows one tenant per GPU "
                       "(use \"timeslice\" to share)", t->gpu, c->tenants[first].name);
    return 0;
}

const scn_sharing_kind scn_exclusive_kind = {
    .type = &share_exclusive,
    .check = scn_check_native_slice,
    .check_tenant = excl_check_tenant,
};
