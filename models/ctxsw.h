/* ctxsw.h -- the cost of a context switch on a time-sliced GPU, from its
 * parts (docs/sharing.md "Context-switch cost").
 *
 * A switch from one context to another costs, by preemption mode:
 *  - instruction (compute-instruction-level preemption, CILP): saving the
 *    outgoing context's SM state -- every SM's register file and shared
 *    memory -- to its context buffer in device memory, and restoring the
 *    incoming one's, each at the GPU's achieved memory bandwidth;
 *  - block and kernel: nothing to save (the running blocks or kernel end
 *    first; that drain is run by the executor, models/ts.c, as useful
 *    work up to the block or kernel boundary);
 *  - every mode: warming the L2 cache for the incoming context (its working
 *    set refilled at the achieved bandwidth; an upper bound, the whole L2);
 *  - between VMs (time-sliced vGPU): the address-space change and the vGPU
 *    scheduler's own work.
 * Sizes are the architecture whitepapers' [F]; how the state moves and the
 * VM part are inferred [I] (see ctxsw.c). */
#ifndef MODELS_CTXSW_H
#define MODELS_CTXSW_H

#include "models/gpu.h"
#include "models/ts.h"

/* What a context switch moves on one GPU model. */
typedef struct {
    const char *name;        /* a GPU preset name, or another GPU of the calibration set */
    int    sms;
    double rf_kb;            /* register file per SM, KB (1024 B) */
    double smem_kb;          /* largest shared-memory carve-out per SM, KB */
    double l2_mb;            /* L2 cache, MB (10^6 B) */
    double bw_tbs;           /* memory bandwidth, TB/s */
    double eta_m;            /* achieved fraction of it */
    const char *source;
} ctxsw_arch;

/* The parts of one switch, in microseconds. */
typedef struct {
    double save_us, restore_us;   /* SM state out and in (instruction mode) */
    double warm_us;               /* L2 refill for the incoming context */
    double vm_us;                 /* a switch between VMs */
} ctxsw_parts;

/* ctxsw_arch_find: the row called name, or NULL. */
const ctxsw_arch *ctxsw_arch_find(const char *name);

/* ctxsw_arch_of: spec's row, its bandwidth and eta_m taken from spec; a GPU
 * without a row gets the Hopper per-SM sizes with spec's SMs, bandwidth and
 * 1 MB of L2 per 2.64 SMs (H100's ratio) [I]. */
ctxsw_arch ctxsw_arch_of(const gpu_spec *spec);

/* ctxsw_parts_of: the parts of a switch on a under preemption mode, with
 * vm != 0 when it crosses VMs. */
void ctxsw_parts_of(const ctxsw_arch *a, ts_preempt mode, int vm, ctxsw_parts *out);

/* ctxsw_total_us: the sum of the parts. */
double ctxsw_total_us(const ctxsw_parts *p);

/* ctxsw_cost_us: the default switch cost of spec under mode (a shortcut of
 * the three functions above). */
double ctxsw_cost_us(const gpu_spec *spec, ts_preempt mode, int vm);

/* The VM-crossing part, us [I: see ctxsw.c]. */
#define CTXSW_VM_US 10.0

#endif
