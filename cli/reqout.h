/* reqout.h -- requests.csv written as requests finish, so that a run of
 * millions of requests holds none of their records in memory.
 *
 * The model hands each measured request to reqout_add as it finishes (on
 * the thread of its replication); the row is formatted at once (cli/fmt.h:
 * printf's bytes, without printf for times) and written. With one thread
 * rows go straight into the file; with several, each replication writes to
 * an anonymous temporary file that is appended to requests.csv, in
 * replication order, as soon as every earlier replication is done, so the
 * file is the same byte for byte whatever the thread count. Rows are in
 * (replication, completion) order: completion in simulated time, ties in
 * event order. Columns: docs/outputs.md. */
#ifndef CLI_REQOUT_H
#define CLI_REQOUT_H

#include <stddef.h>
#include "scenarios/scenario.h"

typedef struct reqout reqout;

/* reqout_open: start DIR/requests.csv (its header written) for sc's
 * replications run on `jobs` threads. NULL with a message in msg. */
reqout *reqout_open(const char *dir, const scn *sc, int jobs, char *msg, size_t len);

/* reqout_add: the row of r (a model_cfg.on_rec, ud the reqout). */
void reqout_add(void *ud, const tenant_rec *r);

/* reqout_rep_done: replication rep has finished (a model_cfg.on_rep_done). */
void reqout_rep_done(void *ud, int rep);

/* reqout_commit: every replication done: the file renamed into place and w
 * freed. 0, or -1 with a message (a write failed; nothing is left). */
int reqout_commit(reqout *w, char *msg, size_t len);

/* reqout_abort: drop the file and free w. */
void reqout_abort(reqout *w);

/* reqout_row: r's row, newline included, into buf (len >= REQOUT_ROW_MAX
 * plus the tenant's name); returns its length. */
#define REQOUT_ROW_MAX (32 * 352)
size_t reqout_row(const reqout *w, const tenant_rec *r, char *buf, size_t len);

#endif
