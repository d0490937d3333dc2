/* validate.h -- the validation cases of `slicesim validate` (docs/calibration.md).
 *
 * A case compares what the model predicts with a reference: a closed form, a
 * known truth behind a synthetic fixture, or a measurement. It reports one
 * row per compared quantity through val_row, with the relative tolerance it
 * is held to. Adding a case is one function and one line in val_cases
 * (calibration/validate.c). Cases that read files take them relative to `root` (the
 * repository root by default) and skip themselves when a file is absent. */
#ifndef CALIBRATION_VALIDATE_H
#define CALIBRATION_VALIDATE_H

#include <stdio.h>

/* What a case compares against (the `family` of `validate --json`): the part
 * of the model it checks. Names in val_family_name. */
typedef enum {
    VAL_NCCL, VAL_LLM, VAL_DIFFUSION, VAL_TRAINING, VAL_TIMESLICE, VAL_MIG, VAL_MPS,
    VAL_VIRTUALIZATION, VAL_ANALYTIC, VAL_FIXTURE, VAL_NFAMILIES
} val_family;

/* Where the reference comes from (`source`): a published measurement, one
 * measured and recorded by this project, a synthetic fixture whose truth is
 * known, or a closed form. Names in val_source_name. */
typedef enum { VAL_PUBLISHED, VAL_MEASURED, VAL_SRC_FIXTURE, VAL_ANALYTIC_SRC, VAL_NSOURCES } val_source;

const char *val_family_name(val_family f);
const char *val_source_name(val_source s);

struct cJSON;

typedef struct {
    FILE         *out;
    const char   *case_name;
    const char   *root;
    val_family    family;    /* the running case's, from val_cases */
    val_source    source;    /* the running case's; a case may change it per row */
    const char   *unit;      /* unit of the next rows ("" when dimensionless) */
    const char   *gpu;       /* GPU preset the next rows' predictions ran on, standing for the
                              * GPU their reference was measured on; NULL when a row is of no
                              * one GPU (closed forms, fixtures). The runner clears it per case */
    struct cJSON *json;      /* array every row is appended to, or NULL */
    struct cJSON *json_notes; /* array of skipped and broken cases, or NULL */
    struct cJSON *json_summaries; /* array of val_summary objects, or NULL */
    int           rows, failed, skipped, broken;
    int           summaries, missed;
} val_out;

/* val_row: print predicted, reference and relative error; a row fails when
 * |predicted - reference| > tol |reference| or predicted is not finite.
 * When o->json is set the row is also appended there as an object (case,
 * family, source, item, predicted, reference, unit, error_pct,
 * tolerance_pct, ok, and gpu when o->gpu is set; docs/calibration.md). */
void val_row(val_out *o, const char *quantity, double predicted, double reference, double tol);

/* val_unit_row: val_row with the unit given for this row. */
void val_unit_row(val_out *o, const char *quantity, const char *unit, double predicted,
                  double reference, double tol);

/* val_summary: a series' accuracy (a collective curve): its scored points,
 * mean and largest |relative error| against targets (fractions); "ok" when
 * both are met, "MISS" otherwise. Printed, and in the JSON's "summaries". */
void val_summary(val_out *o, const char *item, int points, double mean, double max, double mean_target,
                 double max_target);

/* val_skip: the case cannot run here (a data file is missing); why says so. */
void val_skip(val_out *o, const char *why);

/* val_broken: the case itself failed to run (bad fixture, no memory). */
void val_broken(val_out *o, const char *why);

/* val_path: root/rel into buf. */
const char *val_path(const val_out *o, const char *rel, char *buf, size_t len);

/* val_open: the data file root/rel opened for reading, or NULL with the case
 * skipped (val_skip) saying which file is missing and how to point at it.
 * The caller closes the file. */
FILE *val_open(val_out *o, const char *rel);

typedef struct {
    const char *name;
    const char *what;
    val_family  family;
    val_source  source;
    void      (*run)(val_out *o);
} val_case;

/* The sharing models against measured sharing (calibration/val_sharing.c). */
void val_case_timeslice(val_out *o);
void val_case_mps(val_out *o);
void val_case_mig_pods(val_out *o);
void val_case_mig_profiles(val_out *o);
void val_case_vm(val_out *o);
void val_case_throughput_measured(val_out *o);

/* NULL-terminated table of every case the project holds. */
extern const val_case val_cases[];

#endif
