/* test_scale.c -- `slicesim scale`: efficiency 1 at one node and falling
 * with nodes, efficiency as the ratio of mean step times (and of samples/s
 * per GPU), a 1..1,024-node sweep on one simulated rank, stragglers in the
 * p95, the chart's data, determinism, and refusal of bad options. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "tests/wl_helpers.h"

#define SCALE_JSON \
    "{ \"name\": \"s\", \"seed\": 2, \"duration_s\": %g, \"warmup_s\": 0.05, \"replications\": 2," \
    "  \"hardware\": { \"gpu\": \"h100-sxm\", \"gpus\": 8, \"nodes\": 1 }," \
    "  \"network\": { \"topology\": \"dgx-h100\"%s }," \
    "  \"tenants\": [ { \"name\": \"train\", \"workload\": { \"type\": \"training\", \"model\": \"resnet50\"," \
    "     \"batch_per_gpu\": 64%s }, \"arrivals\": { \"type\": \"closed\", \"users\": 1, \"think_s\": 0 } } ] }"

#define MAX_ROWS 16

typedef struct {
    char   dir[256], out[8192], err[2048];
    int    rc, nrows;
    double row[MAX_ROWS][11];   /* the columns of scale.csv */
} scale_run;

static void read_csv(scale_run *s)
{
    char path[512];
    snprintf(path, sizeof path, "%s/out/scale.csv", s->dir);
    char *text = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    const char *head = "nodes,gpus,step_ms_mean,step_ms_p50,step_ms_p95,";
    CU_ASSERT(strncmp(text, head, strlen(head)) == 0);
    char *line = strchr(text, '\n');
    while (line && line[1] && s->nrows < MAX_ROWS) {
        char *p = line + 1;
        for (int c = 0; c < 11; c++) {
            s->row[s->nrows][c] = strtod(p, &p);
            if (*p == ',')
                p++;
        }
        s->nrows++;
        line = strchr(line + 1, '\n');
    }
    free(text);
}

/* Write the scenario (network and workload extras as JSON fragments) and
 * run `scale` on it with the node list; reads scale.csv on success. */
static int run_scale(scale_run *s, double duration, const char *net, const char *wl, const char *nodes)
{
    char json[2048], path[512], out[512];
    memset(s, 0, sizeof *s);
    if (!tu_tmpdir(s->dir, sizeof s->dir))
        return -1;
    snprintf(json, sizeof json, SCALE_JSON, duration, net ? net : "", wl ? wl : "");
    snprintf(path, sizeof path, "%s/scenario.json", s->dir);
    tu_write_file(path, json);
    snprintf(out, sizeof out, "%s/out", s->dir);
    char *argv[] = { "slicesim", "scale", path, "--nodes", (char *)nodes, "-o", out, NULL };
    s->rc = tu_cli(argv, s->out, sizeof s->out, s->err, sizeof s->err);
    if (s->rc == 0)
        read_csv(s);
    return s->rc;
}

static void efficiency_is_one_at_one_node_and_falls_with_nodes(void)
{
    scale_run s;
    CU_ASSERT_EQUAL_FATAL(run_scale(&s, 1.0, NULL, NULL, "1,2,8,64,512"), 0);
    CU_ASSERT_EQUAL_FATAL(s.nrows, 5);
    CU_ASSERT_EQUAL(s.row[0][10], 1.0);
    for (int i = 0; i < s.nrows; i++) {
        CU_ASSERT_EQUAL(s.row[i][1], 8 * s.row[i][0]);                  /* gpus = 8 x nodes */
        ASSERT_REL(s.row[i][10], s.row[0][2] / s.row[i][2], 1e-6);       /* T(1) / T(N) */
        /* at a fixed batch per GPU the same ratio is samples/s per GPU */
        ASSERT_REL(s.row[i][9] / s.row[0][9], s.row[i][10], 0.02);
        if (i > 0) {
            CU_ASSERT(s.row[i][10] < s.row[i - 1][10]);
            CU_ASSERT(s.row[i][7] > s.row[i - 1][7]);                    /* exposed communication */
        }
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(s.out, "efficiency"));
    /* the figures rest on the training and the collective models: their validated error follows */
    const char *acc = strstr(s.out, "validated error of the model against published measurements");
    CU_ASSERT_PTR_NOT_NULL_FATAL(acc);
    const char *train = strstr(acc, "\ntraining "), *nccl = strstr(acc, "\nnccl ");
    CU_ASSERT(train && nccl && train < nccl);
    /* fewer than 200 steps a replication: the step p95 is marked and the warning,
     * shared by the node counts, printed once with them */
    CU_ASSERT_PTR_NOT_NULL(strstr(s.out, "]*"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s.out, "*  from fewer than 10/(1-q) requests"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "slicesim: scale: warning (nodes=1, nodes=2"));
    const char *w = strstr(s.err, "tenant \"train\": p50");
    CU_ASSERT(w == NULL || strstr(w + 1, "tenant \"train\": p50") == NULL);
    wl_rmtree(s.dir);
}

static void one_to_1024_nodes_run_on_one_simulated_rank(void)
{
    scale_run s;
    CU_ASSERT_EQUAL_FATAL(run_scale(&s, 0.3, ", \"jitter_us\": 50, \"host_noise_rate_per_s\": 500, \"host_noise_us\": 100",
                                    NULL, "1,2,4,8,16,32,64,128,256,512,1024"), 0);
    CU_ASSERT_EQUAL_FATAL(s.nrows, 11);
    CU_ASSERT_EQUAL(s.row[10][1], 8192);
    CU_ASSERT_EQUAL(s.row[0][10], 1.0);
    CU_ASSERT(s.row[10][10] < s.row[0][10]);
    for (int i = 0; i < s.nrows; i++)
        CU_ASSERT(s.row[i][4] >= s.row[i][3]);                           /* p95 >= p50 */
    /* the last of 8,192 ranks is later than the last of 8: the median step
     * and the exposed communication grow with the ranks (the p95 - p50
     * spread need not: the max of many draws varies less) */
    CU_ASSERT(s.row[10][3] > s.row[0][3]);
    CU_ASSERT(s.row[10][7] > s.row[0][7]);
    wl_rmtree(s.dir);
}

static void plot_draws_step_time_and_efficiency_from_the_csv(void)
{
    scale_run s;
    char path[1024], out[512], msg[2048];
    CU_ASSERT_EQUAL_FATAL(run_scale(&s, 0.3, NULL, NULL, "1,4,16"), 0);
    snprintf(out, sizeof out, "%s/out", s.dir);
    char *argv[] = { "slicesim", "plot", out, NULL };
    CU_ASSERT_EQUAL(tu_cli(argv, msg, sizeof msg, s.err, sizeof s.err), 0);
    snprintf(path, sizeof path, "%s/scale.dat", out);
    char *dat = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dat);
    /* header, then nodes p50 p95 lo hi efficiency: the first row is 1 node at efficiency 1 */
    const char *row = strchr(dat, '\n');
    CU_ASSERT_PTR_NOT_NULL_FATAL(row);
    double nodes, p50, p95, lo, hi, eff;
    CU_ASSERT_EQUAL(sscanf(row + 1, "%lf %lf %lf %lf %lf %lf", &nodes, &p50, &p95, &lo, &hi, &eff), 6);
    CU_ASSERT_EQUAL(nodes, 1);
    CU_ASSERT_EQUAL(eff, 1);
    ASSERT_REL(p95, s.row[0][4], 1e-6);
    free(dat);
    snprintf(path, sizeof path, "%s/scale.png.gp", out);
    char *gp = tu_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL(gp);
    CU_ASSERT_PTR_NOT_NULL(gp ? strstr(gp, "logscale x 2") : NULL);
    free(gp);
    char *no_dir[] = { "slicesim", "scale", "scenarios/training-multinode-network.json", "--nodes", "1", "--plot", NULL };
    CU_ASSERT_EQUAL(tu_cli(no_dir, msg, sizeof msg, s.err, sizeof s.err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "--plot needs -o DIR"));
    wl_rmtree(s.dir);
}

static void scale_is_deterministic(void)
{
    scale_run a, b;
    const char *noise = ", \"jitter_us\": 80";
    CU_ASSERT_EQUAL_FATAL(run_scale(&a, 0.3, noise, NULL, "1,16,256"), 0);
    CU_ASSERT_EQUAL_FATAL(run_scale(&b, 0.3, noise, NULL, "1,16,256"), 0);
    CU_ASSERT_EQUAL(memcmp(a.row, b.row, sizeof a.row), 0);
    wl_rmtree(a.dir);
    wl_rmtree(b.dir);
}

static void bad_scale_options_exit_2_with_a_message(void)
{
    static const struct { const char *wl, *nodes, *msg; } cases[] = {
        { NULL, "1,4,2", "increasing" },
        { NULL, "0,2", "--nodes" },
        { NULL, "1,x", "--nodes" },
        { NULL, "1,5000", "--nodes" },
        { ", \"gpus\": 8", "1,2", "tenants.0.workload.gpus" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scale_run s;
        run_scale(&s, 0.2, NULL, cases[i].wl, cases[i].nodes);
        CU_ASSERT_EQUAL(s.rc, 2);
        CU_ASSERT_PTR_NOT_NULL(strstr(s.err, cases[i].msg));
        wl_rmtree(s.dir);
    }
    char out[1024], err[1024];
    char *no_nodes[] = { "slicesim", "scale", "scenarios/training-dp-8gpu.json", NULL };
    CU_ASSERT_EQUAL(tu_cli(no_nodes, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "usage"));
    char *not_training[] = { "slicesim", "scale", "scenarios/mm1-exclusive.json", "--nodes", "1,2", NULL };
    CU_ASSERT_EQUAL(tu_cli(not_training, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no tenant has a workload of type \"training\""));
    char *no_tenant[] = { "slicesim", "scale", "scenarios/training-multinode-network.json", "--nodes", "1",
                          "--tenant", "nobody", NULL };
    CU_ASSERT_EQUAL(tu_cli(no_tenant, out, sizeof out, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no tenant named \"nobody\""));
}

TU_SUITE_FN(scale)
{
    static const tu_test tests[] = {
        TU_TEST(efficiency_is_one_at_one_node_and_falls_with_nodes),
        TU_TEST(one_to_1024_nodes_run_on_one_simulated_rank),
        TU_TEST(plot_draws_step_time_and_efficiency_from_the_csv),
        TU_TEST(scale_is_deterministic),
        TU_TEST(bad_scale_options_exit_2_with_a_message),
    };
    TU_SUITE("scale", tests);
}
