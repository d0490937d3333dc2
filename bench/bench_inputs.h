/* bench_inputs.h -- `make bench` lines for loading and merging at scale:
 * a scenario of 10^5 tenants and a merge of 10^5 sweep points (both were
 * quadratic once; each line is `bench NAME VALUE UNIT`). */
#ifndef BENCH_BENCH_INPUTS_H
#define BENCH_BENCH_INPUTS_H

void bench_inputs(void);

#endif
