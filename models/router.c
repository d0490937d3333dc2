#include "models/router.h"

#include <string.h>
#include "models/tenant.h"

const router_type *const router_types[] = {
    &router_random, &router_round_robin, &router_least_outstanding, &router_least_kv,
    &router_power_of_two, &router_prefix_affinity, NULL,
};

const router_type *router_find(const char *name)
{
    for (const router_type *const *r = router_types; *r; r++)
        if (strcmp((*r)->name, name) == 0)
            return *r;
    return NULL;
}

double router_outstanding(const router_ctx *c, int i)
{
    return (double)c->rep[i]->in_flight;
}

double router_kv_load(const router_ctx *c, int i)
{
    const struct tenant *t = c->rep[i];
    if (t->cfg->wl->kv_load)
        return t->cfg->wl->kv_load(t->wl_state);
    return (double)t->in_flight;
}

int router_argmin(const router_ctx *c, double (*load)(const router_ctx *c, int i))
{
    int start = (int)(*c->turn % (uint64_t)c->n), best = start;
    double lo = load(c, start);
    (*c->turn)++;
    for (int k = 1; k < c->n; k++) {
        int i = (start + k) % c->n;
        double x = load(c, i);
        if (x < lo) {
            lo = x;
            best = i;
        }
    }
    return best;
}
