#include "sim/twavg.h"

#include <math.h>

void sim_tw_init(sim_tw *w, sim_time_t now, double value)
{
    w->t_start = w->t_last = now;
    w->value = value;
    w->area = 0;
}

void sim_tw_set(sim_tw *w, sim_time_t now, double value)
{
    w->area += w->value * (double)(now - w->t_last);
    w->t_last = now;
    w->value = value;
}

void sim_tw_reset(sim_tw *w, sim_time_t now)
{
    sim_tw_init(w, now, w->value);
}

double sim_tw_mean(const sim_tw *w, sim_time_t now)
{
    if (now <= w->t_start)
        return NAN;
    double area = w->area + w->value * (double)(now - w->t_last);
    return area / (double)(now - w->t_start);
}
