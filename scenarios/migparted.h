/* migparted.h -- NVIDIA mig-parted configuration files (YAML), as
 * `nvidia-mig-parted apply -f FILE -c CONFIG` reads them:
 *
 *   version: v1
 *   mig-configs:
 *     CONFIG:
 *       - devices: all | [0, 1, ...]
 *         mig-enabled: true
 *         mig-devices: { "1g.10gb": 2, "2g.20gb": 1 }
 *
 * Read with libyaml. The layout of one device is its entry's mig-devices,
 * in the order written, each profile repeated by its count. Profile names
 * are checked by the caller (models/mig.h), which knows the GPU. */
#ifndef SCENARIOS_MIGPARTED_H
#define SCENARIOS_MIGPARTED_H

#include <stddef.h>

#define MIGPARTED_MAX 16
#define MIGPARTED_NAME 32

typedef struct {
    char name[MIGPARTED_NAME];  /* the profile as written, e.g. "1g.10gb" */
    int  count;
    int  line, column;          /* where in the file, for messages */
} migparted_entry;

typedef struct {
    int             enabled;    /* mig-enabled */
    migparted_entry dev[MIGPARTED_MAX];
    int             ndev;       /* distinct profiles of mig-devices */
} migparted_layout;

/* migparted_load: the layout that config `config` of `file` gives device
 * `device` (the first entry whose devices is "all" or lists it). Returns 0,
 * or -1 with one message in msg naming the file, the line and column where
 * it applies, what was found and what is allowed (an unknown config lists
 * the file's configs). */
int migparted_load(const char *file, const char *config, int device, migparted_layout *out,
                   char *msg, size_t len);

#endif
