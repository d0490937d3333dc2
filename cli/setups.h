/* setups.h -- the setups `slicesim compare` puts a workload under, each a
 * data-driven patch of the scenario (--set assignments) plus a placement:
 *
 *   dedicated   one GPU per tenant (hardware.gpus = tenants, tenant i on
 *               GPU i): bare metal, passthrough
 *   shared      every tenant on one GPU: native time-slicing, vGPU, MIG, MPS
 *
 * A setup whose patch the loaded build cannot validate (a mode another part
 * of the project has not added yet) fails with the scenario's exit-2
 * message, like any bad --set. */
#ifndef CLI_SETUPS_H
#define CLI_SETUPS_H

#include <stddef.h>

#define SETUP_MAX_SETS 8

typedef struct {
    const char *name;
    const char *what;                     /* one line for the table */
    int         dedicated;
    const char *sets[SETUP_MAX_SETS];     /* NULL-terminated */
} setup_mode;

/* setup_find: the setup called name, or NULL. */
const setup_mode *setup_find(const char *name);

/* setup_names: "bare_metal, passthrough, ..." into buf, for messages. */
const char *setup_names(char *buf, size_t len);

/* setup_assignments: the full list of "PATH=VALUE" for m with ntenants
 * tenants: the placement, then the patch. *out is malloc'd with its strings
 * (free with setup_free_assignments). 0, or -1 when out of memory. */
int  setup_assignments(const setup_mode *m, int ntenants, char ***out, size_t *n);
void setup_free_assignments(char **v, size_t n);

#endif
