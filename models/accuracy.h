/* accuracy.h -- how far the model's figures have been from published
 * measurements: the scoreboard of `slicesim validate`, by family, carried
 * beside every prediction that rests on it (docs/outputs.md, Validation).
 *
 * A family is validate's (`family` of `validate --json`). Its entry holds
 * what its published rows compare and, over those rows (source
 * `published`, the cases acc_entry.cases names), how many there are, how
 * many are within their tolerance, and the mean, 90th percentile (nearest
 * rank) and largest absolute error in percent, and for the families whose
 * every GPU or platform validate also predicts from a fit without it, the
 * points-weighted mean and the largest error of those predictions, and
 * the GPU presets its rows' predictions ran on (validate's "gpu": the
 * preset standing for the GPU each reference was measured on). The
 * numbers and GPUs are a copy of
 * what validate computes; tests/test_accuracy.c recomputes them from
 * validate's rows and fails, printing the entry to paste, when a change of
 * the model moves them. They describe the model against the rows it was
 * held to (its fit), not a bound on a configuration no row measured. */
#ifndef MODELS_ACCURACY_H
#define MODELS_ACCURACY_H

#include <stddef.h>
#include "models/model.h"

typedef struct {
    const char *family;      /* validate's family */
    const char *cases;       /* the validate cases its rows come from, space-separated; a
                              * name ending in '*' stands for every case it begins */
    const char *validated;   /* what those rows compare, and where from */
    const char *const *gpus; /* the GPU presets its rows ran on, sorted, NULL-terminated */
    int         rows, within;
    double      mean_pct, p90_pct, max_pct;
    /* the family's leave-one-out case (each GPU or platform predicted from
     * the others' fit), over the points its left-out summaries hold, or
     * NULL and 0 where validate has none that covers the family */
    const char *left_out_case;
    int         left_out_points;
    double      left_out_mean_pct, left_out_max_pct;
} acc_entry;

/* acc_find: the entry of family, or NULL when validate has no published
 * rows of that name. The table is static: callers borrow it. */
const acc_entry *acc_find(const char *family);

/* acc_count, acc_at: the entries in table order (at most
 * ACC_MAX_FAMILIES), for listing and tests; acc_at(i) is NULL for
 * i >= acc_count(). acc_index: e's place in that order (e from the table). */
#define ACC_MAX_FAMILIES 16
size_t acc_count(void);
const acc_entry *acc_at(size_t i);
size_t acc_index(const acc_entry *e);

/* acc_measured_on: whether some row of e was measured on GPU preset gpu
 * (NULL: no). acc_ngpus: how many presets e->gpus names. */
int acc_measured_on(const acc_entry *e, const char *gpu);
size_t acc_ngpus(const acc_entry *e);

/* acc_unmeasured: the families of the tenants of cfg, each once in table
 * order, whose rows were measured on other GPUs than cfg's (the run's
 * figures for them extrapolate the validated error to cfg->gpu), into out
 * (room for ACC_MAX_FAMILIES). Returns how many. */
size_t acc_unmeasured(const model_cfg *cfg, const acc_entry **out);

/* acc_of_tenant: the entries tc's figures rest on, into out (room for
 * max), in this order: its workload kind's family, "nccl" when it runs
 * collectives, the family of the GPU's sharing mode, "virtualization"
 * in a VM (pass-through or vGPU). A MIG GPU is "mig" whatever shares an
 * instance inside (the validated MIG rows are of instances alone). Returns how many
 * (0 for a synthetic tenant on a bare-metal GPU of its own). */
#define ACC_PER_TENANT 4    /* the most acc_of_tenant gives */
size_t acc_of_tenant(const model_cfg *cfg, const tenant_cfg *tc, const acc_entry **out, size_t max);

#endif
