/* cli.h -- the command line: subcommands, each a function taking its
 * arguments and the streams to write to, returning the exit status
 * (0 success, 1 internal error, 2 bad input). No command calls exit(). */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdio.h>

#define SLICESIM_VERSION "0.1.0"

enum { CLI_OK = 0, CLI_INTERNAL = 1, CLI_BAD_INPUT = 2 };

typedef int (*cli_cmd_fn)(int argc, char **argv, FILE *out, FILE *err);

typedef struct {
    const char *name;
    cli_cmd_fn  fn;
    const char *usage;
} cli_cmd;

/* cli_main: dispatch argv[1] to its command. */
int cli_main(int argc, char **argv, FILE *out, FILE *err);

int cli_cmd_run(int argc, char **argv, FILE *out, FILE *err);
/* cli_cmd_collective: `collective ...`, NCCL's predicted times as an
 * nccl-tests table on out (docs/collectives.md). */
int cli_cmd_collective(int argc, char **argv, FILE *out, FILE *err);

/* cli_cmd_import_nccl_tests: `import-nccl-tests LOG [-o DIR] ...`, reads an
 * nccl-tests log and fits a correction of the collective model; a
 * malformed log is exit status 2 with its line number on err. */
int cli_cmd_import_nccl_tests(int argc, char **argv, FILE *out, FILE *err);
/* cli_cmd_scale: `scale SCENARIO --nodes 1,2,...`, step time p50/p95 and
 * scaling efficiency of a training tenant by node count (docs/training.md). */
int cli_cmd_scale(int argc, char **argv, FILE *out, FILE *err);
int cli_cmd_sweep(int argc, char **argv, FILE *out, FILE *err);
int cli_cmd_merge(int argc, char **argv, FILE *out, FILE *err);
int cli_cmd_plan(int argc, char **argv, FILE *out, FILE *err);
int cli_cmd_compare(int argc, char **argv, FILE *out, FILE *err);
int cli_cmd_plot(int argc, char **argv, FILE *out, FILE *err);
int cli_cmd_calibrate(int argc, char **argv, FILE *out, FILE *err);
int cli_cmd_validate(int argc, char **argv, FILE *out, FILE *err);

/* The options every command that loads a scenario takes. */
#define CLI_MAX_SETS 64
typedef struct {
    const char *scenario, *outdir;
    long        seed, reps;              /* -1: the scenario's own */
    char       *sets[CLI_MAX_SETS];      /* --set PATH=VALUE, in order */
    size_t      nsets;
} cli_scn_opts;

/* cli_scn_opts_init: nothing given yet. */
void cli_scn_opts_init(cli_scn_opts *o);

/* cli_scn_opt: if argv[*i] is the scenario file (a word not starting with
 * '-') or one of -o/--out DIR, --seed N, --reps N, --set PATH=VALUE, store
 * it, move *i past its value and return 1; return 0 when it is none of
 * these (the command's own option); -1 with one message on err, naming the
 * command cmd, when its value is missing or not allowed. */
int cli_scn_opt(const char *cmd, int argc, char **argv, int *i, cli_scn_opts *o, FILE *err);

/* A command's own option: its name, and whether a value follows it. */
typedef struct {
    const char *name;
    int         takes_value;
} cli_opt;

/* cli_opt_fn: store option opt (value val, NULL for a flag) into the
 * command's ctx; 0, or -1 with one message on err. */
typedef int (*cli_opt_fn)(void *ctx, const char *opt, const char *val, FILE *err);

/* cli_scn_parse: read argv[1..argc): the common options into o
 * (cli_scn_opt), the command's own options (the NULL-terminated table own)
 * through fn. An option in neither, or one missing its value, is one
 * message naming the command on err and -1; otherwise 0. */
int cli_scn_parse(const char *cmd, int argc, char **argv, cli_scn_opts *o,
                  const cli_opt *own, cli_opt_fn fn, void *ctx, FILE *err);

/* cli_parse_u64: a decimal number for option opt into *out; 0, or -1 with a
 * message on err. */
int cli_parse_long(const char *opt, const char *text, long lo, long hi, long *out, FILE *err);

#endif
