/* exec.h -- what runs GPU work: jobs, contexts and the executor interface.
 *
 * A job is one burst of GPU work, `work` nanoseconds long on its resource when
 * it runs alone. Jobs wait in the FIFO of a context (a CUDA context: a process,
 * a VM's vGPU); an executor (a time-sliced GPU, an MPS server) decides which
 * contexts run. Jobs and persistent contexts belong to their owners, who keep
 * them alive while queued; ephemeral contexts (one per request, as separate
 * processes have) belong to the executor and are freed when they empty.
 *
 * Each job accounts its own time: queueing behind earlier jobs of its context
 * (t_head - t_submit), service, and context-switch time spent loading its
 * context; the rest of its sojourn is time another context held the GPU. */
#ifndef MODELS_EXEC_H
#define MODELS_EXEC_H

#include "sim/sim.h"
#include "sim/pool.h"

typedef struct gpu_job gpu_job;
typedef void (*gpu_job_fn)(sim *s, gpu_job *j);

struct gpu_job {
    gpu_job   *next;
    sim_time_t work;          /* ns on the resource when alone; > 0 */
    uint32_t   kernels;       /* >= 1; sets preemption granularity */
    /* How work splits on the roofline (DESIGN §3): the compute time and the
     * memory time of the burst alone on its resource, each <= work; the rest
     * of work is launch cost. Executors that share SMs or bandwidth between
     * running bursts (MPS, virtualization factors) read them; 0 and 0 means
     * compute bound (compute_ns = work). Workloads set both. */
    sim_time_t compute_ns, mem_ns;
    uint32_t   copies;        /* host-device copies inside work (virtualization
                                 adds a cost per copy); workloads set it */
    uint32_t   blocks;        /* SMs its kernels keep busy at once (gpu_burst.blocks);
                                 0 = any resource's all; MPS reads it */
    gpu_job_fn done;          /* called at completion; may submit more work */
    void      *owner;
    /* set by the executor */
    sim_time_t remaining;
    sim_time_t t_submit, t_head, t_start, t_end;
    sim_time_t service_ns, switch_ns;
};

typedef struct exec_ctx exec_ctx;
struct exec_ctx {
    gpu_job    *head, *tail;
    exec_ctx   *rq_next;      /* executor's ready list */
    uint64_t    uid;          /* unique per executor; never reused */
    sim_time_t *busy_acct;    /* owner's GPU-time counter, or NULL */
    int         ephemeral;
    int         index;        /* position among persistent contexts, -1 else */
    int         tag;          /* owner's id (the tenant), for traces; -1 none */
    sim_time_t  debt;         /* time-slice overshoot not yet paid back (ARR) */
    int         prio;         /* priority, higher first (time-slicing); 0 normal */
};

typedef struct exec exec;

/* What an executor was doing over [start, end): a context's useful work
 * (EXEC_SEG_RUN) or the load of a context (EXEC_SEG_SWITCH). */
typedef enum { EXEC_SEG_RUN, EXEC_SEG_SWITCH } exec_seg_kind;

/* An optional observer of every segment, for timelines. It must not touch
 * the simulation. */
typedef void (*exec_trace_fn)(void *ud, const exec *e, exec_seg_kind kind,
                              const exec_ctx *c, sim_time_t start, sim_time_t end);

/* An optional observer of a tenant's engine state on this executor, for
 * timelines: counter `what` (a static name, e.g. "kv", "batch") of tenant
 * `tenant` took `value` at time t. It must not touch the simulation. */
typedef void (*exec_counter_fn)(void *ud, const exec *e, int who, const char *what, sim_time_t t,
                                double value);

typedef struct exec_type {
    const char *name;
    void (*submit)(exec *e, exec_ctx *c, gpu_job *j);
    void (*account)(exec *e);         /* bring counters up to now */
    void (*free)(exec *e);
} exec_type;

/* Counters are cumulative since time 0; a report takes differences between
 * two snapshots (warm-up end, run end). */
typedef struct {
    sim_time_t busy_ns;       /* some context doing useful work */
    sim_time_t switch_ns;     /* loading a context */
    uint64_t   switches;
    sim_time_t overhead_ns;   /* other time lost: virtualization overhead in
                                 the work it ran, MPS server restarts */
} exec_counters;

struct exec {
    const exec_type *type;
    sim             *s;
    int              id;
    exec_counters    c;
    uint64_t         next_uid;
    sim_pool         ctx_pool;   /* ephemeral contexts */
    exec_trace_fn    trace;      /* NULL = no timeline */
    void            *trace_ud;
    exec_counter_fn  counter;    /* NULL = none; called with trace_ud */
    /* Couplings across executors (the power throttle of a MIG GPU): speed
     * scales how fast work progresses (1 = nominal); set_speed is the
     * executor's way to change it (NULL: it cannot); busy_fn, if set, is
     * told whenever the executor starts or stops running work. */
    double           speed;
    void           (*set_speed)(exec *e, double speed);
    int              busy;
    void           (*busy_fn)(void *ud, exec *e, int busy);
    void            *busy_ud;
};

/* exec_note_busy: executors call it after each change of state; it tells
 * busy_fn when `busy` flips. */
static inline void exec_note_busy(exec *e, int busy)
{
    if (busy == e->busy)
        return;
    e->busy = busy;
    if (e->busy_fn)
        e->busy_fn(e->busy_ud, e, busy);
}

/* exec_base_init: common fields; exec_base_free releases the context pool. */
void exec_base_init(exec *e, const exec_type *type, sim *s, int id);
void exec_base_free(exec *e);

/* exec_ctx_init: a persistent context owned by the caller, counting its GPU
 * time into *busy_acct (may be NULL). */
void exec_ctx_init(exec *e, exec_ctx *c, sim_time_t *busy_acct);

/* exec_submit: queue j on persistent context c. */
static inline void exec_submit(exec *e, exec_ctx *c, gpu_job *j)
{
    e->type->submit(e, c, j);
}

/* exec_submit_alone: queue j on a new ephemeral context (a new process)
 * tagged `tag`. Returns 0, or -1 when out of memory (nothing queued). */
int exec_submit_alone(exec *e, gpu_job *j, sim_time_t *busy_acct, int tag);

/* exec_ctx_release: give an empty ephemeral context back to the pool. Called
 * by executors only. */
void exec_ctx_release(exec *e, exec_ctx *c);

/* exec_job_push / exec_job_pop: the context FIFO. push stamps t_submit and,
 * when the context was empty, t_head; it returns whether it was empty. pop
 * removes the head, stamps the new head's t_head and returns the old one. */
int      exec_job_push(exec_ctx *c, gpu_job *j, sim_time_t now);
gpu_job *exec_job_pop(exec_ctx *c, sim_time_t now);

static inline void exec_account(exec *e) { e->type->account(e); }
static inline void exec_free(exec *e) { e->type->free(e); }

#endif
