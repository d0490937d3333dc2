/* netcfg.h -- JSON into collective-model configs: the correction files that
 * `slicesim import-nccl-tests` writes and `slicesim collective --correction`
 * reads (format in docs/collectives.md). Errors are user errors with one
 * message naming the file, the JSON path, the value and what is allowed. */
#ifndef SCENARIOS_NETCFG_H
#define SCENARIOS_NETCFG_H

#include <stddef.h>
#include <cJSON.h>
#include "models/coll.h"

/* netcfg_corr_from_json: fill and initialise c (coll_corr_init) from a
 * parsed correction document; `file` names it in messages. Returns 0, or
 * -1 with err. */
int netcfg_corr_from_json(const cJSON *root, const char *file, coll_corr *c,
                          char *err, size_t errlen);

/* netcfg_corr_load: the same from a file. Returns 0 (SCN_OK), 2
 * (SCN_BAD_INPUT: unreadable, malformed, invalid) or 1 (out of memory),
 * with a message in err. */
int netcfg_corr_load(const char *file, coll_corr *c, char *err, size_t errlen);

#endif
