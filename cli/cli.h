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
/* cli_cmd_list: `list gpus|models|topologies|mig GPU|...`, the names a
 * scenario or option may use, one a line with what each is. */
int cli_cmd_list(int argc, char **argv, FILE *out, FILE *err);
/* cli_cmd_report: `report DIR [-o FILE]`, one self-contained report.html
 * of an output folder (docs/outputs.md); without -o the page joins DIR's
 * output set, so that the next command writing a set there removes it. */
int cli_cmd_report(int argc, char **argv, FILE *out, FILE *err);
#define CLI_REPORT_HTML "report.html"

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

/* A command's option. name is the long form ("--trace"), optionally after
 * a one-letter alias ("-f,--factor"), or a short form alone ("-f"); the
 * handler is given the long form when there is one. takes_value: 1 when a
 * value follows (--name=V, --name V, -fV or -f V). metavar names the value
 * in --help ("FILE"), help says what the option does. */
typedef struct {
    const char *name;
    int         takes_value;
    const char *metavar;
    const char *help;
} cli_opt;

/* cli_opt_fn: store option opt (value val, NULL for a flag) into the
 * command's ctx; 0, or -1 with one message on err. */
typedef int (*cli_opt_fn)(void *ctx, const char *opt, const char *val, FILE *err);

/* cli_arg_fn: take positional argument arg (the n-th, from 0); 0, or -1
 * with one message on err. */
typedef int (*cli_arg_fn)(void *ctx, int n, const char *arg, FILE *err);

/* What a command accepts: its name as typed ("run", "calibrate fit"), its
 * positional arguments for the synopsis ("SCENARIO.json"), one line on what
 * it does, its own options (NULL-terminated) and, for the commands that load
 * a scenario, the common ones (cli_scn_common, or NULL). */
typedef struct {
    const char    *cmd, *args, *about;
    const cli_opt *opts, *common;
} cli_spec;

/* cli_parse: read argv[1..argc) with getopt_long: every option of spec
 * (and -h/--help) through fn, in the order given, every positional
 * argument through pos (NULL: none allowed). Returns 0; 1 after printing
 * the command's help on out (the command then returns CLI_OK); -1 after one
 * message on err naming the command and the option (an unknown option, a
 * missing value, a value given to a flag, or fn's or pos's refusal). */
int cli_parse(const cli_spec *spec, int argc, char **argv, cli_opt_fn fn, cli_arg_fn pos,
              void *ctx, FILE *out, FILE *err);

/* cli_help: the command's synopsis, what it does and every option with its
 * value and meaning, onto f. */
void cli_help(const cli_spec *spec, FILE *f);

/* cli_usage_hint: "usage: slicesim CMD ARGS [options]; see slicesim CMD
 * --help" onto err, after a message saying what is missing. */
void cli_usage_hint(const cli_spec *spec, FILE *err);

/* The common options of the scenario commands: -o/--out DIR, --seed N,
 * --reps N, --set PATH=VALUE. */
extern const cli_opt cli_scn_common[];

/* cli_scn_parse: cli_parse for a command that loads a scenario: the
 * scenario file (one positional argument) and the common options into o,
 * spec's own options through fn. Same return values as cli_parse. */
int cli_scn_parse(const cli_spec *spec, int argc, char **argv, cli_scn_opts *o,
                  cli_opt_fn fn, void *ctx, FILE *out, FILE *err);

/* cli_parse_real: a number for option opt into *out, within [lo, hi]; 0, or
 * -1 with a message on err. */
int cli_parse_real(const char *opt, const char *text, double lo, double hi, double *out, FILE *err);

/* cli_parse_u64: a decimal number for option opt into *out; 0, or -1 with a
 * message on err. */
int cli_parse_long(const char *opt, const char *text, long lo, long hi, long *out, FILE *err);

#endif
