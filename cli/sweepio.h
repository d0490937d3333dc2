/* sweepio.h -- the files a sweep writes: DIR/sweep.json and DIR/sweep.csv.
 *
 * sweep.json = { "slicesim_version", "scenario", "scenario_hash" (scn_hash,
 *   after --set), "seed", "replications" (after --seed, --reps), "sets": [--set ...],
 *   "vary": [ { "path", "values": [...] } ], "points_total",
 *   "points": [ { "index", "values": { PATH: VALUE }, "seed", "replications",
 *                 "tenants": [...], "gpus": [...], "warnings": [...] } ],
 *   ("shard": { "index", "count" } in a shard's file only) }
 * where tenants/gpus/warnings are those of a run's summary.json; the names
 * are those of the schema table (plots/figures.h, scopes FIG_SWEEP,
 * FIG_VARY, FIG_POINT), through which this file writes and reads. sweep.csv
 * holds one row per point, derived from sweep.json alone (its columns and
 * their paths are those of plots/figures.h), so that merging
 * shards (which only have the JSON) writes the same bytes as one run. */
#ifndef CLI_SWEEPIO_H
#define CLI_SWEEPIO_H

#include <stdio.h>
#include <cJSON.h>
#include "cli/outfile.h"
#include "cli/vary.h"
#include "scenarios/scenario.h"

/* sweepio_header: a sweep document without points (an empty "points"
 * array at the end) for the base scenario (after --set) run with seed and
 * reps (-1: the scenario's own); NULL when out of memory. */
cJSON *sweepio_header(const scn *base, long seed, long reps, const vary_set *vs,
                      char *const *sets, size_t nsets, size_t total);

/* sweepio_shard: doc's "shard": { "index": k, "count": n }, after its
 * points (a shard's file). 0, or -1 when out of memory. */
int sweepio_shard(cJSON *doc, size_t k, size_t n);

/* sweepio_point: the record of point i; NULL when out of memory. */
cJSON *sweepio_point(size_t i, const vary_set *vs, const scn *sc, const model_result *res);

/* sweepio_values: point i's {"PATH": VALUE} object; NULL when out of
 * memory. */
cJSON *sweepio_values(size_t i, const vary_set *vs);

/* sweepio_csv: the table of doc's points. */
void sweepio_csv(FILE *f, const cJSON *doc);

/* sweepio_write: DIR/sweep.json and DIR/sweep.csv, each atomically.
 * CLI_OK or the exit status with a message on err. */
int sweepio_write(const char *dir, const cJSON *doc, const char *cmd, FILE *err);

/* sweepio_commit: commit the output set holding doc's files, its manifest
 * naming doc's scenario, scenario_hash, seed and replications. CLI_OK or
 * CLI_INTERNAL with a message on err. */
int sweepio_commit(outfile_set *set, const cJSON *doc, const char *cmd, FILE *err);

/* sweepio_read: parse a sweep.json. CLI_OK with *doc (caller frees), or
 * CLI_BAD_INPUT with one message naming the file. */
int sweepio_read(const char *path, cJSON **doc, FILE *err);

/* sweepio_write_json: doc as text into DIR/NAME atomically (shared by the
 * workflow commands). CLI_OK or the exit status with a message on err. */
int sweepio_write_json(const char *dir, const char *name, const cJSON *doc,
                       const char *cmd, FILE *err);

#endif
