/* outfile.h -- output files that never show half-written, and output sets
 * whose files become visible together.
 *
 * A single file is written to a hidden temporary name in its directory and
 * renamed into place on commit. A set (the files of one command in one
 * directory) is written into a hidden staging folder DIR/.slicesim-new.PID
 * and moved into DIR on commit; DIR/manifest.json, written last, names the
 * slicesim version, the command, the scenario's identity (name, hash after
 * --set, seed, replications) and every file of the set with its size.
 * Readers trust a directory through its manifest: a file the manifest does
 * not list, or lists with another size, is not part of the set.
 *
 * SIGINT and SIGTERM (outfile_install_signals) remove the staging folder
 * and every registered temporary, leave the previous set as it was, and end
 * the process by the same signal. While a commit moves files the signal
 * waits until the new set is complete. A failed write is reported as
 * "PATH: cannot write: REASON" and the command exits 1. */
#ifndef CLI_OUTFILE_H
#define CLI_OUTFILE_H

#include <stdio.h>
#include <cJSON.h>

typedef struct {
    FILE *f;
    char  path[4096], tmp[4096];
    int   slot;                 /* signal-cleanup registry slot, -1 none */
} outfile;

/* outfile_mkdirs: create dir and its parents and check that files can be
 * made in it; 0 or -1 with errno. */
int outfile_mkdirs(const char *dir);

/* outfile_open: start DIR/NAME as a hidden temporary in DIR. 0, or -1 with a
 * message in err. */
int outfile_open(outfile *o, const char *dir, const char *name, char *err, size_t errlen);

/* outfile_commit: flush, sync, close and rename into place; 0, or -1 with
 * "PATH: cannot write: REASON" in err (the temporary is removed).
 * outfile_abort: close and remove the temporary. */
int  outfile_commit(outfile *o, char *err, size_t errlen);
void outfile_abort(outfile *o);

/* outfile_install_signals: SIGINT and SIGTERM clean up as described above
 * (main calls it once). */
void outfile_install_signals(void);

#define OUTFILE_MANIFEST "manifest.json"
#define OUTFILE_MANIFEST_FORMAT "slicesim-manifest/1"

typedef struct {
    char dir[4096], stage[4200];
    int  active;
} outfile_set;

/* outfile_set_begin: create DIR (and parents) and its staging folder, so
 * that an unwritable DIR fails before any work. 0, or -1 with "DIR: cannot
 * create or write the directory: REASON" in err. One set at a time. */
int outfile_set_begin(outfile_set *s, const char *dir, char *err, size_t errlen);

/* outfile_set_dir: where the set's files are written until commit. */
const char *outfile_set_dir(const outfile_set *s);

/* outfile_set_commit: move every file of the staging folder into DIR,
 * remove the files the previous manifest listed that the new set lacks, and
 * write the manifest with cmd and the members of identity (an object, or
 * NULL) copied into it. 0, or -1 with a message (nothing of the new set is
 * visible unless the failure came while moving, which the message says). */
int outfile_set_commit(outfile_set *s, const char *cmd, const cJSON *identity,
                       char *err, size_t errlen);

/* outfile_set_abort: remove the staging folder; the previous set stays. */
void outfile_set_abort(outfile_set *s);

/* outfile_identity: a new object {"scenario", "scenario_hash", "seed",
 * "replications"} for a manifest; NULL when out of memory. */
cJSON *outfile_identity(const char *scenario, const char *hash, double seed, double reps);

/* outfile_set_keep: link every file man (DIR's manifest) lists into s's
 * staging folder (same file system), except those drop(name) says the
 * command rewrites, so that the new set keeps them and its manifest lists
 * them; a command that adds files to a set (plot, report) calls it before
 * writing its own. 0, or -1 with a message naming the file in err. */
int outfile_set_keep(outfile_set *s, const cJSON *man, int (*drop)(const char *name), char *err, size_t errlen);

/* The members of a manifest, named here once: the writer (outfile_set_commit)
 * and every reader (plot, report) go through this list. */
typedef enum { OUTFILE_M_FORMAT, OUTFILE_M_VERSION, OUTFILE_M_COMMAND, OUTFILE_M_SCENARIO, OUTFILE_M_HASH,
               OUTFILE_M_SEED, OUTFILE_M_REPLICATIONS, OUTFILE_M_FILES, OUTFILE_M_N } outfile_member;

/* outfile_member_key: m's name in manifest.json. */
const char *outfile_member_key(outfile_member m);

/* outfile_manifest_member: member m of man, NULL when absent. */
const cJSON *outfile_manifest_member(const cJSON *man, outfile_member m);

/* outfile_manifest_file: the name of the k-th file man lists; NULL past
 * the last, or for an entry without a name. */
const char *outfile_manifest_file(const cJSON *man, size_t k);

/* outfile_manifest_identity: a new object with the identity members of man
 * (scenario, scenario_hash, seed, replications: those it has), for the
 * manifest of a set rewritten from it; NULL when out of memory. */
cJSON *outfile_manifest_identity(const cJSON *man);

/* outfile_manifest_read: DIR's manifest, checked: its format, and for each
 * name of need (NULL-terminated, may be NULL) that it lists the file with
 * the size the file has. The manifest (cJSON_Delete), or NULL with one
 * message in err. */
cJSON *outfile_manifest_read(const char *dir, const char *const *need, char *err, size_t errlen);

/* outfile_display: path with a staging folder component removed (the name
 * the user will see once the set is committed), into buf. */
const char *outfile_display(const char *path, char *buf, size_t len);

#endif
