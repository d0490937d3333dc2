/* power.c -- the shared power budget of a MIG GPU (see power.h).
 *
 * Invariants: nbusy counts the members whose busy flag is set; throttled is
 * 1 exactly while nbusy == n, and then every member runs at `factor`. */
#include "models/power.h"

#include <stdlib.h>
#include <string.h>

struct power_mon {
    exec     **m;
    int        n, nbusy, throttled;
    double     factor;
    sim_time_t since, total;
};

static void set_all(power_mon *p, double speed)
{
    for (int i = 0; i < p->n; i++)
        if (p->m[i]->set_speed)
            p->m[i]->set_speed(p->m[i], speed);
}

static void on_busy(void *ud, exec *e, int busy)
{
    power_mon *p = ud;
    sim_time_t now = e->s->now;
    p->nbusy += busy ? 1 : -1;
    if (p->nbusy == p->n && !p->throttled) {
        p->throttled = 1;
        p->since = now;
        set_all(p, p->factor);
    } else if (p->nbusy < p->n && p->throttled) {
        p->throttled = 0;
        p->total += now - p->since;
        set_all(p, 1.0);
    }
}

power_mon *power_alloc(exec *const *members, int n, double factor)
{
    power_mon *p = calloc(1, sizeof *p);
    if (!p || !(p->m = malloc((size_t)n * sizeof *p->m))) {
        free(p);
        return NULL;
    }
    memcpy(p->m, members, (size_t)n * sizeof *p->m);
    p->n = n;
    p->factor = factor;
    for (int i = 0; i < n; i++) {
        members[i]->busy_fn = on_busy;
        members[i]->busy_ud = p;
        p->nbusy += members[i]->busy;
    }
    return p;
}

void power_free(power_mon *p)
{
    if (!p)
        return;
    free(p->m);
    free(p);
}

sim_time_t power_throttled_ns(power_mon *p)
{
    return p->total + (p->throttled && p->n > 0 ? p->m[0]->s->now - p->since : 0);
}
