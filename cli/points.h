/* points.h -- running many variants of one scenario, in parallel threads.
 *
 * A point is the base scenario with a list of "PATH=VALUE" assignments (the
 * --set syntax) applied in order. The base is parsed once: each point is a
 * copy of its document with the point's assignments applied in memory
 * (scn_load_doc), never a re-read of the file. Every point is validated before any runs,
 * so bad input fails fast with the scenario's exit-2 message. Points then run
 * on `jobs` threads; each point's result goes to the caller's hook with its
 * index, and since a point's numbers depend only on its scenario and seed,
 * the results are the same whatever the thread count. */
#ifndef CLI_POINTS_H
#define CLI_POINTS_H

#include <stdio.h>
#include "scenarios/scenario.h"

typedef struct {
    const char   *file;        /* the base scenario */
    char *const  *sets;        /* user --set assignments, applied first */
    size_t        nsets;
    long          seed, reps;  /* -1: as the scenario says */
    const cJSON  *doc;         /* the base's parsed document with sets applied
                                  (the loaded base scenario's root), read by
                                  every point; NULL: read file, apply sets */
} points_base;

typedef struct {
    char  **sets;              /* this point's assignments (caller owns) */
    size_t  nsets;
} points_point;

/* points_fn: called once per point, from a worker thread, with the loaded
 * scenario and its result (both freed after it returns). It may write only
 * to the caller's slot for index i. Returns 0; -1 when out of memory; or
 * POINTS_BAD_INPUT when the point cannot be judged as asked, with one
 * message in msg (len bytes), which points_run prints and turns into
 * CLI_BAD_INPUT. */
enum { POINTS_BAD_INPUT = -2 };
typedef int (*points_fn)(size_t i, const scn *sc, const model_result *res, void *ud,
                         char *msg, size_t len);

/* points_jobs: the default thread count (online cores). */
int points_jobs(void);

/* points_validate: load every point once. CLI_OK, or the exit status with
 * one message on err: "slicesim CMD: " and the scenario's message. */
int points_validate(const points_base *b, const points_point *pts, size_t n,
                    const char *cmd, FILE *err);

/* points_load: point p of base b, loaded (with b's seed and replications
 * applied) into *sc (free with scn_free). CLI_OK, or the exit status with
 * the scenario's message in msg. */
int points_load(const points_base *b, const points_point *p, scn **sc, char *msg, size_t len);

/* points_key_of: the identity of a loaded point: its scenario hash after
 * every assignment (scn_hash), its seed and replications and the slicesim
 * version, as "HASH-sSEED-rREPS-vVERSION" into buf; NULL when out of memory.
 * Two points with equal keys give the same numbers. */
const char *points_key_of(const scn *sc, char *buf, size_t len);

/* points_key: the same for point p of base b, loading it. CLI_OK, or the
 * exit status with the scenario's message in msg. */
int points_key(const points_base *b, const points_point *p, char *buf, size_t len, char *msg, size_t mlen);

/* points_run: run the points (already validated) on up to jobs threads; a
 * progress bar goes to err when progress is set. CLI_OK, or CLI_INTERNAL
 * (CLI_BAD_INPUT when fn said POINTS_BAD_INPUT) with one message on err. */
int points_run(const points_base *b, const points_point *pts, size_t n, int jobs,
               int progress, points_fn fn, void *ud, const char *cmd, FILE *err);

#endif
