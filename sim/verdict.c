/* verdict.c -- met / missed / uncertain from an interval (verdict.h). */
#include "sim/verdict.h"

#include <math.h>

int sim_verdict_satisfies(double x, sim_bound_op op, double bound)
{
    if (isnan(x))
        return 0;
    switch (op) {
    case SIM_BOUND_LE: return x <= bound;
    case SIM_BOUND_LT: return x < bound;
    case SIM_BOUND_GE: return x >= bound;
    case SIM_BOUND_GT: return x > bound;
    }
    return 0;
}

sim_verdict sim_verdict_judge(const sim_ci *c, sim_bound_op op, double bound)
{
    if (isnan(c->mean))
        return SIM_VERDICT_MISSED;
    if (isnan(c->lo) || isnan(c->hi))
        return SIM_VERDICT_UNCERTAIN;
    int lo_ok = sim_verdict_satisfies(c->lo, op, bound), hi_ok = sim_verdict_satisfies(c->hi, op, bound);
    if (lo_ok && hi_ok)
        return SIM_VERDICT_MET;
    if (!lo_ok && !hi_ok)
        return SIM_VERDICT_MISSED;
    return SIM_VERDICT_UNCERTAIN;
}

const char *sim_verdict_name(sim_verdict v)
{
    static const char *const NAMES[] = { "met", "missed", "uncertain" };
    return NAMES[v];
}

size_t sim_verdict_reps_to_resolve(const sim_ci *c, sim_bound_op op, double bound, size_t max)
{
    if (sim_verdict_judge(c, op, bound) != SIM_VERDICT_UNCERTAIN)
        return 0;
    return sim_ci_reps_to_exclude(c, bound, max);
}
