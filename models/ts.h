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
} ts_policy;

extern const ts_policy ts_best_effort;

typedef struct {
    const ts_policy *policy;
    sim_time_t slice_ns;        /* > 0; SIM_TIME_MAX = never preempt */
    sim_time_t switch_ns;       /* >= 0 */
    ts_preempt preempt;
    sim_time_t block_ns;        /* > 0; used by TS_PREEMPT_BLOCK */
} ts_cfg;

typedef enum { TS_IDLE, TS_SWITCH, TS_RUN, TS_DRAIN } ts_phase;

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
};

/* ts_alloc: a time-sliced executor on s with a copy of cfg. Free it with
 * exec_free(&t->base). Returns NULL when out of memory. */
ts *ts_alloc(sim *s, int id, const ts_cfg *cfg);

/* ts_rq_push / ts_rq_pop: the FIFO ready list that policies may use. */
void      ts_rq_push(ts *t, exec_ctx *c);
exec_ctx *ts_rq_pop(ts *t);

/* ts_preempt_parse: "instruction" | "block" | "kernel" -> mode, or -1. */
int ts_preempt_parse(const char *name);

#endif
