/* mig.h -- Multi-Instance GPU: profile and placement tables and layout
 * validation as the driver does it (FACTS §2).
 *
 * A GPU in MIG mode has `slots` memory slices (8; 4 on A30) and
 * `compute_slices` compute slices (7; 4 on A30). A profile takes
 * mem_slices consecutive memory slots starting at one of its allowed start
 * slots, and compute_slices compute slices; instances may not overlap in
 * memory slots, their compute slices may not exceed the GPU's, and each
 * profile may appear at most max_count times. Each instance computes with
 * its own SM count (MIG removes SMs: 7 x 1g on an A100 hold 98 of 108) and
 * its memory slices' share of capacity and bandwidth. The tables are
 * constant; nothing here has state. */
#ifndef MODELS_MIG_H
#define MODELS_MIG_H

#include <stddef.h>
#include "models/gpu.h"

#define MIG_MAX_INSTANCES 7
#define MIG_MAX_STARTS 8

typedef struct {
    const char *name;           /* as nvidia-smi spells it, e.g. "3g.40gb" */
    int    id;                  /* GPU instance profile ID */
    int    compute_slices, mem_slices, sms;
    double mem_gib;
    int    copy_engines, max_count;
    int    nstarts;
    int    starts[MIG_MAX_STARTS];
} mig_profile;

typedef struct {
    const char        *gpu;     /* gpu_spec name */
    int                slots, compute_slices;
    const mig_profile *profiles;
    int                nprofiles;
    const char        *source;
} mig_table;

/* mig_table_find: the table of GPU preset `gpu`, or NULL (no MIG). */
const mig_table *mig_table_find(const char *gpu);

/* mig_profile_find: the profile of t that name names, or NULL. name is
 * spelled as nvidia-smi and mig-parted spell it, in any case: "3g.40gb",
 * "MIG 3g.40gb", "1g.10gb+me", or the profile ID as digits ("9"). */
const mig_profile *mig_profile_find(const mig_table *t, const char *name);

typedef struct {
    const mig_profile *prof;
    int                start;   /* memory slot; -1 before placement = any */
} mig_instance;

/* mig_place: validate a layout of n instances and place those with start
 * -1 where they fit beside the given starts, in whatever order a placement
 * exists (a depth-first search whose first branch is first-fit in the
 * listed order, so a layout first-fit can place keeps that placement). On
 * success every start is set and 0 is returned. When no order fits returns
 * -1, sets *bad to the index of the first instance that first-fit in the
 * listed order cannot place (or -1 for the whole layout), and writes into
 * msg why and what would fit beside the instances before it. */
int mig_place(const mig_table *t, mig_instance *inst, int n, int *bad,
              char *msg, size_t len);

/* mig_even_profile: the profile that cuts the GPU into n instances of one
 * size with the most compute each (ties: the most memory), or NULL when no
 * profile fits n times. */
const mig_profile *mig_even_profile(const mig_table *t, int n);

/* mig_compute_frac / mig_mem_frac: an instance's share of the whole GPU's
 * SMs (its SM count over the GPU's) and of its memory bandwidth. */
double mig_compute_frac(const mig_profile *p, const gpu_spec *spec);
double mig_mem_frac(const mig_table *t, const mig_profile *p);

/* mig_mem_bytes: an instance's memory capacity in bytes. */
double mig_mem_bytes(const mig_profile *p);

/* mig_profile_list: "name, name, ..." of t's profiles into buf. */
const char *mig_profile_list(const mig_table *t, char *buf, size_t len);

#endif
