/* twavg.h -- time-weighted average of a piecewise-constant quantity (queue
 * length, busy flag). sim_tw_reset starts a new window, which is how warm-up
 * is removed. */
#ifndef SIM_TWAVG_H
#define SIM_TWAVG_H

#include "sim/evq.h"

typedef struct {
    sim_time_t t_start, t_last;
    double     value, area;
} sim_tw;

void   sim_tw_init(sim_tw *w, sim_time_t now, double value);
void   sim_tw_set(sim_tw *w, sim_time_t now, double value);  /* now >= t_last */
void   sim_tw_reset(sim_tw *w, sim_time_t now);               /* keep value, drop area */
double sim_tw_mean(const sim_tw *w, sim_time_t now);          /* NAN on an empty window */

#endif
