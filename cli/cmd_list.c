/* cmd_list.c -- `slicesim list WHAT [ARG]`: the names a scenario or an
 * option may use, so that none is found only in an error message. One
 * table row per list; a list added to the project is one row here. */
#include <string.h>
#include "cli/cli.h"
#include "cli/report.h"
#include "cli/setups.h"
#include "models/diffusion.h"
#include "models/gpu.h"
#include "models/llm.h"
#include "models/mig.h"
#include "models/router.h"
#include "models/topo.h"

static int list_gpus(const char *arg, FILE *out, FILE *err)
{
    (void)arg;
    (void)err;
    fprintf(out, "%-16s %-40s %5s %8s %9s %s\n", "name", "GPU", "SMs", "mem GB", "HBM TB/s", "MIG");
    for (size_t i = 0; i < gpu_spec_count(); i++) {
        const gpu_spec *g = gpu_spec_at(i);
        fprintf(out, "%-16s %-40s %5d %8.0f %9.2f %s\n", g->name, g->full_name, g->sms, g->mem_gb,
                g->mem_bw_tbs, mig_table_find(g->name) ? "yes" : "no");
    }
    return CLI_OK;
}

/* "a, b, c" printed one a line after a heading. */
static void print_names(const char *kind, const char *list, FILE *out)
{
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        const char *q = p;
        while (*q == ' ')
            q++, n--;
        fprintf(out, "%-10s %.*s\n", kind, (int)n, q);
        p = q + n;
        if (*p == ',')
            p++;
    }
}

static int list_models(const char *arg, FILE *out, FILE *err)
{
    (void)arg;
    (void)err;
    fprintf(out, "%-10s %s\n", "workload", "model");
    print_names("llm", llm_model_list(), out);
    print_names("diffusion", diff_model_list(), out);
    return CLI_OK;
}

static int list_topologies(const char *arg, FILE *out, FILE *err)
{
    (void)arg;
    (void)err;
    fprintf(out, "%-18s %-14s %5s %6s %6s  %s\n", "name", "gpu", "gpus", "nvlink", "nics", "server");
    for (size_t i = 0; i < topo_preset_count(); i++) {
        const topo_preset *t = topo_preset_at(i);
        fprintf(out, "%-18s %-14s %5d %6s %6d  %s\n", t->name, t->gpu, t->gpus_per_node,
                t->nvlink_links ? "yes" : "no", t->nics, t->full_name);
    }
    return CLI_OK;
}

static int list_mig(const char *arg, FILE *out, FILE *err)
{
    const mig_table *t = arg ? mig_table_find(arg) : NULL;
    if (!t) {
        fprintf(err, "slicesim list mig: %s%s%s; allowed (GPU presets with MIG):", arg ? "\"" : "",
                arg ? arg : "needs a GPU preset", arg ? "\" has no MIG table" : "");
        for (size_t i = 0, k = 0; i < gpu_spec_count(); i++)
            if (mig_table_find(gpu_spec_at(i)->name))
                fprintf(err, "%s %s", k++ ? "," : "", gpu_spec_at(i)->name);
        fputc('\n', err);
        return CLI_BAD_INPUT;
    }
    fprintf(out, "# %s: %d memory slots, %d compute slices; %s\n", t->gpu, t->slots, t->compute_slices,
            t->source);
    fprintf(out, "%-12s %3s %7s %6s %5s %8s %4s %5s  %s\n", "profile", "id", "compute", "memory", "SMs",
            "mem GiB", "CEs", "max", "placements (start slot)");
    for (int i = 0; i < t->nprofiles; i++) {
        const mig_profile *p = &t->profiles[i];
        fprintf(out, "%-12s %3d %7d %6d %5d %8.2f %4d %5d ", p->name, p->id, p->compute_slices,
                p->mem_slices, p->sms, p->mem_gib, p->copy_engines, p->max_count);
        for (int k = 0; k < p->nstarts; k++)
            fprintf(out, " %d", p->starts[k]);
        fputc('\n', out);
    }
    return CLI_OK;
}

static int list_engines(const char *arg, FILE *out, FILE *err)
{
    (void)arg;
    (void)err;
    fprintf(out, "%-14s %8s %12s %8s %15s %18s %16s\n", "engine", "host ms", "us/sequence", "overlap",
            "frontend in ms", "frontend us/token", "frontend out ms");
    const char *p = llm_engine_list();
    while (*p) {
        size_t n = strcspn(p, ",");
        char one[64];
        snprintf(one, sizeof one, "%.*s", (int)n, p);
        const llm_engine *e = llm_engine_find(one);
        if (e)
            fprintf(out, "%-14s %8.3g %12.3g %8.2f %15.3g %18.3g %16.3g\n", e->name, e->host_ms, e->host_seq_us,
                    e->overlap, e->frontend_in_ms, e->frontend_in_tok_us, e->frontend_out_ms);
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    fprintf(out, "\n%-14s %12s %14s %6s %6s %9s  (diffusion: workload.engine)\n", "engine", "host us/op",
            "host us/graph", "graphs", "fused", "step ops");
    const char *const DIFF[] = { "eager", "compile", "tensorrt" };
    for (size_t i = 0; i < sizeof DIFF / sizeof DIFF[0]; i++) {
        const diff_engine *e = diff_engine_find(DIFF[i]);
        if (e)
            fprintf(out, "%-14s %12.3g %14.3g %6d %6d %9.3g\n", e->name, e->graphs ? 0 : e->host_op_us,
                    e->host_graph_us, e->graphs, e->fused, e->step_ops);
    }
    return CLI_OK;
}

static int list_setups(const char *arg, FILE *out, FILE *err)
{
    char names[512];
    (void)arg;
    (void)err;
    setup_names(names, sizeof names);
    fprintf(out, "%-14s %s\n", "setup", "what (slicesim compare --modes)");
    for (const char *p = names; *p;) {
        size_t n = strcspn(p, ", ");
        char one[64];
        snprintf(one, sizeof one, "%.*s", (int)n, p);
        const setup_mode *m = setup_find(one);
        if (m)
            fprintf(out, "%-14s %s\n", m->name, m->what);
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return CLI_OK;
}

static int list_routers(const char *arg, FILE *out, FILE *err)
{
    (void)arg;
    (void)err;
    fprintf(out, "%-18s %s\n", "router", "how a fleet picks the replica of a request (tenant \"router\")");
    for (const router_type *const *r = router_types; *r; r++)
        fprintf(out, "%-18s %s\n", (*r)->name, (*r)->summary);
    return CLI_OK;
}

/* The validated error of every family (models/accuracy.h), with what its
 * rows compare: what a run's figures carry, before any run. */
static int list_validation(const char *arg, FILE *out, FILE *err)
{
    int used[ACC_MAX_FAMILIES];
    (void)arg;
    (void)err;
    for (size_t k = 0; k < ACC_MAX_FAMILIES; k++)
        used[k] = k < acc_count();
    report_validation_table(out, used);
    fprintf(out, "\n");
    for (size_t k = 0; k < acc_count(); k++)
        fprintf(out, "%-15s %s\n", acc_at(k)->family, acc_at(k)->validated);
    fprintf(out, "\nthe GPU presets each family's rows were measured on (a run on another GPU says so):\n");
    for (size_t k = 0; k < acc_count(); k++) {
        const acc_entry *e = acc_at(k);
        fprintf(out, "%-15s", e->family);
        for (size_t i = 0; e->gpus[i]; i++)
            fprintf(out, "%s%s", i ? ", " : " ", e->gpus[i]);
        fprintf(out, "\n");
    }
    return CLI_OK;
}

static const struct {
    const char *name, *arg, *what;
    int (*fn)(const char *arg, FILE *out, FILE *err);
} LISTS[] = {
    { "gpus", NULL, "GPU presets (hardware.gpu, --gpu)", list_gpus },
    { "models", NULL, "model presets of the LLM and diffusion workloads", list_models },
    { "topologies", NULL, "server presets (hardware.topology, --topo)", list_topologies },
    { "mig", "GPU", "the MIG profiles of a GPU preset, with IDs and placements", list_mig },
    { "engines", NULL, "LLM serving and diffusion engine presets (workload.engine) and their CPU costs",
      list_engines },
    { "setups", NULL, "the setups compare puts a workload under", list_setups },
    { "routers", NULL, "the routers of a fleet of replicas (tenant \"router\")", list_routers },
    { "validation", NULL, "the model's validated error by family, as every run reports it", list_validation },
};

#define NLISTS (sizeof LISTS / sizeof LISTS[0])

static void list_help(FILE *f)
{
    fprintf(f, "usage: slicesim list WHAT [ARG]\nthe names a scenario or an option may use:\n");
    for (size_t i = 0; i < NLISTS; i++) {
        char left[32];
        snprintf(left, sizeof left, "%s%s%s", LISTS[i].name, LISTS[i].arg ? " " : "",
                 LISTS[i].arg ? LISTS[i].arg : "");
        fprintf(f, "  %-16s %s\n", left, LISTS[i].what);
    }
}

int cli_cmd_list(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        list_help(out);
        return CLI_OK;
    }
    for (size_t i = 0; argc >= 2 && i < NLISTS; i++) {
        if (strcmp(argv[1], LISTS[i].name) != 0)
            continue;
        if (argc > (LISTS[i].arg ? 3 : 2)) {
            fprintf(err, "slicesim list %s: unexpected argument \"%s\"\n", argv[1], argv[argc - 1]);
            return CLI_BAD_INPUT;
        }
        return LISTS[i].fn(argc > 2 ? argv[2] : NULL, out, err);
    }
    if (argc >= 2)
        fprintf(err, "slicesim list: unknown list \"%s\"; allowed:", argv[1]);
    else
        fprintf(err, "slicesim list: needs what to list; allowed:");
    for (size_t i = 0; i < NLISTS; i++)
        fprintf(err, "%s %s", i ? "," : "", LISTS[i].name);
    fputc('\n', err);
    return CLI_BAD_INPUT;
}
