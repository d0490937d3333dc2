#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const cli_cmd COMMANDS[] = {
    { "run", cli_cmd_run,
      "run SCENARIO.json [-o DIR] [--seed N] [--reps N] [--set PATH=VALUE]... [--trace FILE] [--trace-window-ms MS] [--plot]" },
    { "sweep", cli_cmd_sweep,
      "sweep SCENARIO.json --vary PATH=V1,V2,...|PATH=A:B:STEP [--vary ...] -o DIR [--jobs N] [--shard K/N] [--plot]" },
    { "merge", cli_cmd_merge, "merge DIR... -o OUT" },
    { "compare", cli_cmd_compare,
      "compare SCENARIO.json --modes bare_metal,passthrough,timeslice,vgpu,mig,mps -o DIR [--plot]" },
    { "plot", cli_cmd_plot, "plot DIR" },
    { "plan", cli_cmd_plan,
      "plan SCENARIO.json --slo 'TENANT.latency_ms.p95<=200' [--slo ...] --vary PATH=VALUES -o DIR [--goal max|min]" },
    { "collective", cli_cmd_collective,
      "collective --gpu G --nodes N --gpus-per-node P --op OP [--min 8] [--max 8G] [-o DIR] [--plot]" },
    { "scale", cli_cmd_scale,
      "scale SCENARIO.json --nodes 1,2,4,...,1024 [--tenant NAME] [-o DIR] [--plot] [--seed N] [--reps N] [--set PATH=VALUE]..." },
    { "import-nccl-tests", cli_cmd_import_nccl_tests,
      "import-nccl-tests LOG [-o DIR] [--topo T | --gpu G] [--nodes N] [--gpus-per-node P] [--op OP]" },
    { "calibrate", cli_cmd_calibrate,
      "calibrate (run [-o DIR] | fit RAW.json [-o PROFILE.json] | predict CONTENTION.json PROFILE.json [-o DIR] | import-nccl-tests LOG [-o DIR])" },
    { "validate", cli_cmd_validate, "validate [--root DIR] [--case NAME] [--strict] [--json FILE]" },
};

#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *f)
{
    fprintf(f, "slicesim %s: a discrete-event simulator of shared GPUs\nusage:\n", SLICESIM_VERSION);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  slicesim %s\n", COMMANDS[i].usage);
    fprintf(f, "  slicesim --version\n");
}

int cli_parse_long(const char *opt, const char *text, long lo, long hi, long *out, FILE *err)
{
    char *end;
    errno = 0;
    long x = text ? strtol(text, &end, 10) : 0;
    if (!text || *text == '\0' || *end != '\0' || errno || x < lo || x > hi) {
        fprintf(err, "slicesim: %s: value \"%s\" is not allowed; allowed: an integer in [%ld, %ld]\n",
                opt, text ? text : "(missing)", lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

void cli_scn_opts_init(cli_scn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seed = o->reps = -1;
}

int cli_scn_opt(const char *cmd, int argc, char **argv, int *i, cli_scn_opts *o, FILE *err)
{
    const char *a = argv[*i], *val = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (a[0] != '-' || a[1] == '\0') {
        if (o->scenario) {
            fprintf(err, "slicesim %s: more than one scenario (\"%s\" and \"%s\")\n", cmd, o->scenario, a);
            return -1;
        }
        o->scenario = a;
        return 1;
    }
    int out = strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0;
    int seed = strcmp(a, "--seed") == 0, reps = strcmp(a, "--reps") == 0, set = strcmp(a, "--set") == 0;
    if (!out && !seed && !reps && !set)
        return 0;
    if (!val) {
        fprintf(err, "slicesim %s: %s needs a value\n", cmd, a);
        return -1;
    }
    (*i)++;
    if (out)
        o->outdir = val;
    else if (seed)
        return cli_parse_long("--seed", val, 0, 2147483647L, &o->seed, err) < 0 ? -1 : 1;
    else if (reps)
        return cli_parse_long("--reps", val, 1, 1000, &o->reps, err) < 0 ? -1 : 1;
    else if (o->nsets == CLI_MAX_SETS) {
        fprintf(err, "slicesim %s: at most %d --set options\n", cmd, CLI_MAX_SETS);
        return -1;
    } else
        o->sets[o->nsets++] = argv[*i];
    return 1;
}

int cli_scn_parse(const char *cmd, int argc, char **argv, cli_scn_opts *o,
                  const cli_opt *own, cli_opt_fn fn, void *ctx, FILE *err)
{
    for (int i = 1; i < argc; i++) {
        int r = cli_scn_opt(cmd, argc, argv, &i, o, err);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        const cli_opt *k = own;
        while (k->name && strcmp(k->name, argv[i]) != 0)
            k++;
        if (!k->name) {
            fprintf(err, "slicesim %s: unknown option \"%s\" (see slicesim --help)\n", cmd, argv[i]);
            return -1;
        }
        const char *val = NULL;
        if (k->takes_value) {
            if (i + 1 >= argc) {
                fprintf(err, "slicesim %s: %s needs a value\n", cmd, k->name);
                return -1;
            }
            val = argv[++i];
        }
        if (fn(ctx, k->name, val, err) < 0)
            return -1;
    }
    return 0;
}

int cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? err : out);
        return argc < 2 ? CLI_BAD_INPUT : CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        fprintf(out, "slicesim %s\n", SLICESIM_VERSION);
        return CLI_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0)
            return COMMANDS[i].fn(argc - 1, argv + 1, out, err);
    fprintf(err, "slicesim: unknown command \"%s\"\n", argv[1]);
    usage(err);
    return CLI_BAD_INPUT;
}
