/* setups.c -- the table of compare setups. Adding or finishing a setup is
 * an edit of SETUPS only. */
#include "cli/setups.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const setup_mode SETUPS[] = {
    { "bare_metal", "bare metal, one GPU per tenant", 1,
      { "virtualization.mode=bare_metal", "sharing.mode=exclusive", NULL } },
    { "passthrough", "a VM per tenant with a passed-through GPU", 1,
      { "virtualization.mode=passthrough", "sharing.mode=exclusive", NULL } },
    { "timeslice", "bare metal, CUDA time-slicing on one GPU", 0,
      { "virtualization.mode=bare_metal", "sharing.mode=timeslice", NULL } },
    /* the vGPU scheduler has its own slice range and default (density rule):
     * a native slice written in the scenario does not carry over */
    { "vgpu", "time-sliced vGPUs on one GPU", 0,
      { "virtualization.mode=vgpu", "sharing.mode=timeslice", "sharing.timeslice_ms=null", NULL } },
    { "mig", "MIG instances on one GPU", 0,
      { "virtualization.mode=bare_metal", "sharing.mode=mig", NULL } },
    { "mps", "MPS clients on one GPU", 0,
      { "virtualization.mode=bare_metal", "sharing.mode=mps", NULL } },
};
#define NSETUPS (sizeof SETUPS / sizeof SETUPS[0])

const setup_mode *setup_find(const char *name)
{
    for (size_t k = 0; k < NSETUPS; k++)
        if (strcmp(SETUPS[k].name, name) == 0)
            return &SETUPS[k];
    return NULL;
}

const char *setup_names(char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t k = 0; k < NSETUPS; k++) {
        strncat(buf, SETUPS[k].name, len - strlen(buf) - 1);
        if (k + 1 < NSETUPS)
            strncat(buf, ", ", len - strlen(buf) - 1);
    }
    return buf;
}

static int push(char **v, size_t *n, const char *key, int value)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s=%d", key, value);
    return (v[(*n)++] = strdup(buf)) ? 0 : -1;
}

int setup_assignments(const setup_mode *m, int ntenants, char ***out, size_t *n)
{
    size_t cap = 2 + (size_t)ntenants + SETUP_MAX_SETS;
    char **v = calloc(cap, sizeof *v);
    *out = v;
    *n = 0;
    if (!v)
        return -1;
    int rc = push(v, n, "hardware.gpus", m->dedicated ? ntenants : 1);
    rc |= push(v, n, "hardware.nodes", 1);
    for (int i = 0; i < ntenants; i++) {
        char key[32];
        snprintf(key, sizeof key, "tenants.%d.gpu", i);
        rc |= push(v, n, key, m->dedicated ? i : 0);
    }
    for (int k = 0; k < SETUP_MAX_SETS && m->sets[k]; k++)
        rc |= (v[(*n)++] = strdup(m->sets[k])) ? 0 : -1;
    return rc ? -1 : 0;
}

void setup_free_assignments(char **v, size_t n)
{
    for (size_t k = 0; v && k < n; k++)
        free(v[k]);
    free(v);
}
