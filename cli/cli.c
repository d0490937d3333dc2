#include "cli/cli.h"
#include "scenarios/textfile.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
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
    { "list", cli_cmd_list, "list gpus|models|topologies|mig GPU|engines|setups" },
    { "report", cli_cmd_report, "report DIR [-o FILE]" },
};

#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *f)
{
    fprintf(f, "slicesim %s: a discrete-event simulator of shared GPUs\nusage:\n", SLICESIM_VERSION);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  slicesim %s\n", COMMANDS[i].usage);
    fprintf(f, "  slicesim --version\n");
    fprintf(f, "every command takes -h/--help and lists its options; options take --opt=VALUE or --opt VALUE\n");
}

int cli_parse_long(const char *opt, const char *text, long lo, long hi, long *out, FILE *err)
{
    char *end;
    errno = 0;
    long x = text ? strtol(text, &end, 10) : 0;
    if (!text || *text == '\0' || *end != '\0' || errno || x < lo || x > hi) {
        char shown[160];
        fprintf(err, "slicesim: %s: value \"%s\" is not allowed; allowed: an integer in [%ld, %ld]\n",
                opt, text ? textfile_sanitize(text, shown, sizeof shown) : "(missing)", lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_parse_real(const char *opt, const char *text, double lo, double hi, double *out, FILE *err)
{
    char *end;
    errno = 0;
    double x = text ? strtod(text, &end) : 0;
    if (!text || *text == '\0' || *end != '\0' || errno || !isfinite(x) || x < lo || x > hi) {
        char shown[160];
        fprintf(err, "slicesim: %s: value \"%s\" is not allowed; allowed: a number in [%g, %g]\n",
                opt, text ? textfile_sanitize(text, shown, sizeof shown) : "(missing)", lo, hi);
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

const cli_opt cli_scn_common[] = {
    { "-o,--out", 1, "DIR", "write the outputs into DIR" },
    { "--seed", 1, "N", "the random seed (default: the scenario's)" },
    { "--reps", 1, "N", "independent replications, 1 to 1000 (default: the scenario's)" },
    { "--set", 1, "PATH=VALUE", "override one scenario value (repeatable; JSON value or text)" },
    { NULL, 0, NULL, NULL },
};

#define MAX_OPTS 96

/* The option of spec with getopt value v (a letter, or 256 + table index). */
typedef struct {
    const cli_opt *opt;
    const char    *canon;   /* "--name", or "-x" for a short-only option */
} opt_ref;

static const char *long_part(const char *name)
{
    const char *c = strchr(name, ',');
    return c ? c + 1 : name[1] == '-' ? name : NULL;
}

static char short_part(const char *name)
{
    return name[0] == '-' && name[1] != '-' ? name[1] : 0;
}

static size_t collect(const cli_spec *s, opt_ref *refs, size_t max)
{
    size_t n = 0;
    const cli_opt *tabs[2] = { s->opts, s->common };
    for (int t = 0; t < 2; t++)
        for (const cli_opt *k = tabs[t]; k && k->name && n < max; k++) {
            refs[n].opt = k;
            refs[n].canon = long_part(k->name) ? long_part(k->name) : k->name;
            n++;
        }
    return n;
}

static void help_table(const cli_opt *k, FILE *f)
{
    for (; k && k->name; k++) {
        char left[64];
        const char *l = long_part(k->name);
        char sh = short_part(k->name);
        int w = 0;
        if (sh && l)
            w = snprintf(left, sizeof left, "-%c, %s", sh, l);
        else
            w = snprintf(left, sizeof left, "%s%s", sh ? "" : "    ", k->name);
        if (k->takes_value && w >= 0 && (size_t)w < sizeof left)
            snprintf(left + w, sizeof left - (size_t)w, " %s", k->metavar ? k->metavar : "VALUE");
        fprintf(f, "  %-30s %s\n", left, k->help ? k->help : "");
    }
}

void cli_help(const cli_spec *s, FILE *f)
{
    fprintf(f, "usage: slicesim %s%s%s [options]\n", s->cmd, s->args ? " " : "", s->args ? s->args : "");
    if (s->about)
        fprintf(f, "%s\n", s->about);
    fprintf(f, "\noptions (--opt=VALUE or --opt VALUE):\n");
    help_table(s->opts, f);
    help_table(s->common, f);
    fprintf(f, "  %-30s %s\n", "-h, --help", "print this help and exit");
}

void cli_usage_hint(const cli_spec *s, FILE *err)
{
    fprintf(err, "usage: slicesim %s%s%s [options]; see slicesim %s --help\n", s->cmd,
            s->args ? " " : "", s->args ? s->args : "", s->cmd);
}

int cli_parse(const cli_spec *s, int argc, char **argv, cli_opt_fn fn, cli_arg_fn pos,
              void *ctx, FILE *out, FILE *err)
{
    opt_ref refs[MAX_OPTS];
    struct option lo[MAX_OPTS + 2];
    char shorts[2 * MAX_OPTS + 4];
    size_t n = collect(s, refs, MAX_OPTS), nl = 0, ns = 0;
    shorts[ns++] = ':';                     /* report a missing value as ':' */
    for (size_t i = 0; i < n; i++) {
        const char *l = long_part(refs[i].opt->name);
        char sh = short_part(refs[i].opt->name);
        int val = sh ? (unsigned char)sh : (int)(256 + i);
        if (l)
            lo[nl++] = (struct option){ l + 2, refs[i].opt->takes_value ? required_argument : no_argument,
                                        NULL, val };
        if (sh) {
            shorts[ns++] = sh;
            if (refs[i].opt->takes_value)
                shorts[ns++] = ':';
        }
    }
    lo[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
    lo[nl] = (struct option){ NULL, 0, NULL, 0 };
    shorts[ns++] = 'h';
    shorts[ns] = '\0';

    optind = 0;             /* glibc: start afresh (commands run in one process in the tests) */
    opterr = 0;
    int c, help = 0;
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        const char *given = argv[optind - 1];
        if (c == 'h') {
            help = 1;
            continue;
        }
        if (c == '?' || c == ':') {
            char sbuf[3] = { '-', (char)(optopt > 0 && optopt < 256 ? optopt : '?'), 0 };
            const char *what = optopt >= 256 ? refs[optopt - 256].canon : optopt > 0 ? sbuf : given;
            for (size_t i = 0; i < n && optopt > 0 && optopt < 256; i++)
                if (short_part(refs[i].opt->name) == optopt)
                    what = refs[i].canon;
            char sw[160], sg[160];       /* argv never reaches a terminal raw */
            textfile_sanitize(what, sw, sizeof sw);
            textfile_sanitize(given, sg, sizeof sg);
            if (c == ':')
                fprintf(err, "slicesim %s: %s needs a value; see slicesim %s --help\n", s->cmd, sw, s->cmd);
            else if (optopt != 0 && strncmp(given, "--", 2) == 0)
                fprintf(err, "slicesim %s: %s takes no value (given \"%s\")\n", s->cmd, sw, sg);
            else
                fprintf(err, "slicesim %s: unknown option \"%s\"; see slicesim %s --help\n", s->cmd,
                        optopt > 0 && optopt < 256 ? textfile_sanitize(sbuf, sw, sizeof sw) : sg, s->cmd);
            return -1;
        }
        const opt_ref *r = NULL;
        for (size_t i = 0; i < n && !r; i++)
            if (c >= 256 ? (size_t)(c - 256) == i : short_part(refs[i].opt->name) == c)
                r = &refs[i];
        if (!r) {
            fprintf(err, "slicesim %s: internal: option %d has no entry\n", s->cmd, c);
            return -1;
        }
        if (fn(ctx, r->canon, r->opt->takes_value ? optarg : NULL, err) < 0)
            return -1;
    }
    if (help) {
        cli_help(s, out);
        return 1;
    }
    for (int i = optind, k = 0; i < argc; i++, k++) {
        if (!pos) {
            char shown[160];
            fprintf(err, "slicesim %s: unexpected argument \"%s\"; see slicesim %s --help\n", s->cmd,
                    textfile_sanitize(argv[i], shown, sizeof shown), s->cmd);
            return -1;
        }
        if (pos(ctx, k, argv[i], err) < 0)
            return -1;
    }
    return 0;
}

/* The scenario commands: common options into the cli_scn_opts, which is
 * the first member of every command's options struct; the others to fn. */
typedef struct {
    cli_scn_opts *o;
    const cli_spec *spec;
    cli_opt_fn    fn;
    void         *ctx;
} scn_ctx;

static int scn_opt(void *ctx, const char *a, const char *val, FILE *err)
{
    scn_ctx *c = ctx;
    cli_scn_opts *o = c->o;
    if (strcmp(a, "--out") == 0) {
        o->outdir = val;
    } else if (strcmp(a, "--seed") == 0) {
        return cli_parse_long("--seed", val, 0, 2147483647L, &o->seed, err);
    } else if (strcmp(a, "--reps") == 0) {
        return cli_parse_long("--reps", val, 1, 1000, &o->reps, err);
    } else if (strcmp(a, "--set") == 0) {
        if (o->nsets == CLI_MAX_SETS) {
            fprintf(err, "slicesim %s: at most %d --set options\n", c->spec->cmd, CLI_MAX_SETS);
            return -1;
        }
        o->sets[o->nsets++] = (char *)val;
    } else {
        return c->fn(c->ctx, a, val, err);
    }
    return 0;
}

static int scn_arg(void *ctx, int n, const char *arg, FILE *err)
{
    scn_ctx *c = ctx;
    if (n > 0) {
        fprintf(err, "slicesim %s: more than one scenario (\"%s\" and \"%s\")\n", c->spec->cmd,
                c->o->scenario, arg);
        return -1;
    }
    c->o->scenario = arg;
    return 0;
}

int cli_scn_parse(const cli_spec *spec, int argc, char **argv, cli_scn_opts *o,
                  cli_opt_fn fn, void *ctx, FILE *out, FILE *err)
{
    cli_spec s = *spec;
    s.common = cli_scn_common;
    scn_ctx c = { o, spec, fn, ctx };
    return cli_parse(&s, argc, argv, scn_opt, scn_arg, &c, out, err);
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
    if (strcmp(argv[1], "help") == 0 && argc == 3) {
        char help[] = "--help";
        char *hv[] = { argv[0], argv[2], help, NULL };
        return cli_main(3, hv, out, err);
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0)
            return COMMANDS[i].fn(argc - 1, argv + 1, out, err);
    char shown[160];
    fprintf(err, "slicesim: unknown command \"%s\"\n", textfile_sanitize(argv[1], shown, sizeof shown));
    usage(err);
    return CLI_BAD_INPUT;
}
