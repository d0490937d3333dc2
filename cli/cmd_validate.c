/* cmd_validate.c -- `slicesim validate [--root DIR] [--case NAME] [--strict]`:
 * run the validation cases (cli/validate.c) and print predicted, reference
 * and error for every row, the rows outside their tolerance included.
 * Exit status 0 when every case ran, 1 when a case is broken (or, with
 * --strict, when a row is outside its tolerance), 2 for bad arguments. */
#include <string.h>
#include "cli/cli.h"
#include "cli/validate.h"

int cli_cmd_validate(int argc, char **argv, FILE *out, FILE *err)
{
    const char *root = ".", *only = NULL;
    int strict = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--strict") == 0) {
            strict = 1;
            continue;
        }
        const char **dst = strcmp(argv[i], "--root") == 0 ? &root
                         : strcmp(argv[i], "--case") == 0 ? &only : NULL;
        if (!dst || i + 1 >= argc) {
            fprintf(err, "usage: slicesim validate [--root DIR] [--case NAME] [--strict]\n");
            return CLI_BAD_INPUT;
        }
        *dst = argv[++i];
    }
    val_out o = { out, NULL, root, 0, 0, 0, 0 };
    int found = 0;
    fprintf(out, "%-18s %-34s %12s %12s %9s %7s\n", "case", "quantity", "predicted", "reference",
            "error", "tol");
    for (const val_case *c = val_cases; c->name; c++) {
        if (only && strcmp(only, c->name) != 0)
            continue;
        found = 1;
        o.case_name = c->name;
        c->run(&o);
    }
    if (!found) {
        fprintf(err, "slicesim validate: --case \"%s\" is not a validation case; allowed:", only);
        for (const val_case *c = val_cases; c->name; c++)
            fprintf(err, " %s", c->name);
        fputc('\n', err);
        return CLI_BAD_INPUT;
    }
    fprintf(out, "\n%d rows: %d within tolerance, %d outside; %d case%s skipped, %d broken\n", o.rows,
            o.rows - o.failed, o.failed, o.skipped, o.skipped == 1 ? "" : "s", o.broken);
    return o.broken || (strict && o.failed) ? CLI_INTERNAL : CLI_OK;
}
