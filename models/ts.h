/* ts.h -- a time-sliced GPU: contexts take turns on the whole resource.
 *
 * Semantics (DESIGN §4, FACTS §3):
 *  - One context runs at a time, its jobs in FIFO order, at full speed.
 *  - A context that is given the GPU holds it for one time slice. When the
 *    slice ends and the policy has another context waiting, the running one is
 *    preempted; otherwise it gets a new slice without a switch.
 *  - A context that runs out of work gives the GPU up at once.
 *  - Loading a context other than the resident one costs switch_ns, during
 *    which no context does useful work. The first load after start is free.
 *  - Preemption waits for a preemption point: at once (`instruction`, CILP),
 *    at the end of the running thread block (`block`, block_ns of work), or at
 *    the end of the running kernel (`kernel`, wait for idle). A job's kernels
 *    split its work evenly; the last takes the remainder.
 *  - slice_ns = SIM_TIME_MAX never preempts: run-to-completion FIFO of
 *    contexts, which is how `exclusive` is modelled.
 *  - Slotted policies (holds_slot: equal and fixed share) cut time into slots
 *    of one slice each, in a fixed rotation over the attached contexts. A
 *    slot belongs to its owner even when the owner has no work: the GPU idles
 *    until the slot ends (TS_HOLD), and an owner that gets work in its own
 *    slot runs at once. Loading the owner is paid from its slot.
 *  - Adaptive round robin (arr_factor > 0): a turn that ends later than its
 *    nominal slice (a preemption that had to wait for a block or kernel end)
 *    adds the overshoot to the context's debt, one that ends earlier takes it
 *    off; each later slice of that context is shortened by debt/arr_factor,
 *    so the overshoot is paid back over about arr_factor slices.
 *  - Priorities (exec_ctx.prio, best_effort only): a context that becomes
 *    ready with a higher priority than the running one preempts it at once,
 *    within the preemption mode's latency; a slice ends in a switch only to
 *    a context of the same or a higher priority.
 *  - Best-effort guard (guard_ns > 0, best_effort only; the throttling of
 *    TGS, Orion and REEF): when a context gives the GPU up and only lower-
 *    priority contexts wait, the GPU stays idle for guard_ns (TS_GUARD), so
 *    that the higher one's next work, arriving within the guard, runs at
 *    once instead of waiting for a lower context's slice, kernel or block
 *    and a switch; a context of at least its priority ends the guard.
 *  - Speed (exec.speed, normally 1) scales how fast the running job's work
 *    goes; slices, switches and holds are wall time. A throttle changes it.
 * Which context runs next is the policy's (ts_policy, one file each). */
#ifndef MODELS_TS_H
#define MODELS_TS_H

#include "models/exec.h"

typedef enum { TS_PREEMPT_INSTRUCTION, TS_PREEMPT_BLOCK, TS_PREEMPT_KERNEL } ts_preempt;

typedef struct ts ts;

typedef struct ts_policy {
    const char *name;
    void      (*ready)(ts *t, exec_ctx *c);     /* c has just got work */
    exec_ctx *(*pick)(ts *t);                   /* next to run, removed from the set; NULL if none */
    void      (*requeue)(ts *t, exec_ctx *c);   /* c was preempted with work left */
    int       (*waiting)(const ts *t);          /* another context wants the GPU */
    int         holds_slot;   /* 1: pick returns the next slot's owner (NULL for
                                 an empty slot), work or not; see above */
} ts_policy;

extern const ts_policy ts_best_effort;
extern const ts_policy ts_equal_share;
extern const ts_policy ts_fixed_share;

/* ts_policies: every policy, NULL-terminated; scenarios name them by name. */
extern const ts_policy *const ts_policies[];

typedef struct {
    const ts_policy *policy;
    sim_time_t slice_ns;        /* > 0; SIM_TIME_MAX = never preempt */
    sim_time_t switch_ns;       /* >= 0 */
    ts_preempt preempt;
    sim_time_t block_ns;        /* > 0; used by TS_PREEMPT_BLOCK */
    int        arr_factor;      /* ARR averaging factor 1..60; 0 = no payback */
    int        nslots;          /* fixed share: slots per round (the vGPU type's
                                   max per GPU) >= attached contexts; 0 = one
                                   slot per attached context */
    sim_time_t guard_ns;        /* best-effort guard after a higher-priority
                                   context leaves; 0 = none (see above) */
} ts_cfg;

typedef enum { TS_IDLE, TS_SWITCH, TS_RUN, TS_DRAIN, TS_HOLD, TS_GUARD } ts_phase;

struct ts {
    exec       base;
    ts_cfg     cfg;
    ts_phase   phase;
    exec_ctx  *cur;
    uint64_t   resident;        /* uid of the loaded context; 0 = none yet */
    sim_time_t slice_end, seg_start;
    sim_event  ev;
    int        in_callback;     /* a job's done() is running: decide after it */
    exec_ctx  *rq_head, *rq_tail;   /* ready list, for FIFO policies */
    sim_time_t nominal_end;     /* end of the current turn's nominal slice */
    exec_ctx **members;         /* attached contexts, in slot order */
    int        nmembers, slot;  /* slot: index of the current slot, -1 before the first */
    sim_time_t drain_to;
    int        guard_prio;      /* TS_GUARD: the priority it protects */        /* TS_DRAIN: the head's remaining work at the stop point */
};

/* ts_alloc: a time-sliced executor on s with a copy of cfg. Free it with
 * exec_free(&t->base). Returns NULL when out of memory. */
ts *ts_alloc(sim *s, int id, const ts_cfg *cfg);

/* ts_attach: make persistent context c a member of t's slot rotation (its
 * index is its slot). Slotted policies need every context attached before
 * the run; others ignore members. Returns 0, or -1 when out of memory. */
int ts_attach(ts *t, exec_ctx *c);

/* ts_slots: the number of slots in one round of a slotted policy. */
int ts_slots(const ts *t);

/* ts_rq_push / ts_rq_pop: the FIFO ready list that policies may use. */
void      ts_rq_push(ts *t, exec_ctx *c);
exec_ctx *ts_rq_pop(ts *t);

/* Defaults of time-slicing (docs/sharing.md):
 * native time-slicing between processes uses the Volta+ channel-group slice
 * (FACTS §3, kernel_fifo_gv100.c) [F], unless a measured GPU profile found
 * another; the vGPU scheduler's slice follows the density rule (FACTS §3)
 * [F]: TS_DENSITY_LOW_MS up to `threshold` vGPUs per GPU, TS_DENSITY_HIGH_MS
 * above, the threshold a parameter because the guide is inconsistent about
 * exactly 8; adaptive round robin runs at TS_ARR_MIN_HZ .. TS_ARR_MAX_HZ
 * with averaging factor TS_ARR_DEFAULT_FACTOR (1 .. 60). */
#define TS_NATIVE_SLICE_MS 1.024
#define TS_DENSITY_LOW_MS 2.0
#define TS_DENSITY_HIGH_MS 1.0
#define TS_DEFAULT_DENSITY_THRESHOLD 8
#define TS_ARR_MIN_HZ 63
#define TS_ARR_MAX_HZ 960
#define TS_ARR_DEFAULT_FACTOR 33
#define TS_DEFAULT_BLOCK_US 10.0   /* one thread block's work [I]: a parameter (docs/sharing.md) */

/* ts_vgpu_slice_ms: the vGPU scheduler's default slice with `density`
 * vGPUs per GPU at the given density threshold. */
static inline double ts_vgpu_slice_ms(int density, int threshold)
{
    return density <= threshold ? TS_DENSITY_LOW_MS : TS_DENSITY_HIGH_MS;
}

/* ts_preempt_names: the preemption modes' names, indexed by ts_preempt,
 * NULL-terminated. ts_preempt_parse: name -> mode, or -1. */
extern const char *const ts_preempt_names[];
int ts_preempt_parse(const char *name);

#endif
