/* validate.h -- the validation cases of `slicesim validate` (docs/calibration.md).
 *
 * A case compares what the model predicts with a reference: a closed form, a
 * known truth behind a synthetic fixture, or a measurement. It reports one
 * row per compared quantity through val_row, with the relative tolerance it
 * is held to. Adding a case is one function and one line in val_cases
 * (cli/validate.c). Cases that read files take them relative to `root` (the
 * repository root by default) and skip themselves when a file is absent. */
#ifndef CLI_VALIDATE_H
#define CLI_VALIDATE_H

#include <stdio.h>

typedef struct {
    FILE       *out;
    const char *case_name;
    const char *root;
    int         rows, failed, skipped, broken;
} val_out;

/* val_row: print predicted, reference and relative error; a row fails when
 * |predicted - reference| > tol |reference| or predicted is not finite. */
void val_row(val_out *o, const char *quantity, double predicted, double reference, double tol);

/* val_skip: the case cannot run here (a data file is missing); why says so. */
void val_skip(val_out *o, const char *why);

/* val_broken: the case itself failed to run (bad fixture, no memory). */
void val_broken(val_out *o, const char *why);

/* val_path: root/rel into buf. */
const char *val_path(const val_out *o, const char *rel, char *buf, size_t len);

typedef struct {
    const char *name;
    const char *what;
    void      (*run)(val_out *o);
} val_case;

/* NULL-terminated table of every case the project holds. */
extern const val_case val_cases[];

#endif
