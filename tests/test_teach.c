/* test_teach.c -- the teaching scenarios run, and what each teaches holds
 * (scenarios/teach/README.md): the time-slice trade-off, the cost of
 * passthrough and of a full-card vGPU, diffusion jitter under time-slicing
 * against MIG, MIG isolation against MPS interference, and multi-node
 * training where a hidden NVLink outweighs a VM's compute overhead. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"

static char out[1 << 15], err[1 << 12];

static void every_teaching_scenario_runs(void)
{
    glob_t g;
    CU_ASSERT_EQUAL_FATAL(glob("scenarios/teach/*.json", 0, NULL, &g), 0);
    CU_ASSERT(g.gl_pathc >= 5);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *argv[] = { "slicesim", "run", g.gl_pathv[i], NULL };
        int rc = tu_cli(argv, out, sizeof out, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "\n    %s: %s", g.gl_pathv[i], err);
        CU_ASSERT_EQUAL(rc, 0);
    }
    globfree(&g);
}

static void shorter_slices_lower_p95_and_cost_batch_throughput(void)
{
    char dir[64], o[128], p[192];
    tu_tmpdir(dir, sizeof dir);
    snprintf(o, sizeof o, "%s/sw", dir);
    char *argv[] = { "slicesim", "sweep", "scenarios/teach/timeslice-tradeoff.json",
                     "--vary", "sharing.timeslice_ms=1,4,16", "-o", o, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    snprintf(p, sizeof p, "%s/sweep.json", o);
    cJSON *doc = tu_read_json(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    double p95[3], thr[3];
    for (int i = 0; i < 3; i++) {
        const cJSON *tl = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "points"), i), "tenants");
        p95[i] = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(tl, 0), "latency_ms"), "p95")->valuedouble;
        thr[i] = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(tl, 1), "throughput"), "value")->valuedouble;
    }
    /* inference waits up to a batch slice: p95 grows with the slice */
    CU_ASSERT(p95[0] < p95[1] && p95[1] < p95[2]);
    CU_ASSERT(p95[2] > 10 && p95[0] < 4);
    /* each switch costs 25 us of nobody's work: batch gains with longer slices */
    CU_ASSERT(thr[0] < thr[1] && thr[1] <= thr[2]);
    cJSON_Delete(doc);
}

/* Run a sweep of scenario file with the given --vary arguments; the parsed
 * sweep.json (caller frees) or NULL. */
static cJSON *sweep(const char *file, char *vary1, char *vary2)
{
    char dir[64], o[128], p[192];
    tu_tmpdir(dir, sizeof dir);
    snprintf(o, sizeof o, "%s/sw", dir);
    char *argv[10] = { "slicesim", "sweep", (char *)file, "--vary", vary1 };
    int n = 5;
    if (vary2) {
        argv[n++] = "--vary";
        argv[n++] = vary2;
    }
    argv[n++] = "-o";
    argv[n++] = o;
    argv[n] = NULL;
    if (tu_cli(argv, out, sizeof out, err, sizeof err) != 0) {
        fprintf(stderr, "\n    %s", err);
        return NULL;
    }
    snprintf(p, sizeof p, "%s/sweep.json", o);
    return tu_read_json(p);
}

/* points[point].tenants[tenant].KEY.FIELD */
static double at(const cJSON *doc, int point, int tenant, const char *key, const char *field)
{
    const cJSON *tl = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "points"), point),
                                          "tenants");
    const cJSON *x = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(tl, tenant), key), field);
    return cJSON_IsNumber(x) ? x->valuedouble : -1;
}

static void passthrough_costs_under_three_percent_and_full_card_vgpu_six_to_ten(void)
{
    cJSON *doc = sweep("scenarios/teach/virtualization-overhead.json",
                       "virtualization.mode=bare_metal,passthrough,vgpu", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    for (int t = 0; t < 2; t++) {
        double bare = at(doc, 0, t, "throughput", "value");
        double pass = at(doc, 1, t, "throughput", "value") / bare;
        double vgpu = at(doc, 2, t, "throughput", "value") / bare;
        CU_ASSERT(pass >= 0.98 && pass < 1.0);         /* KVM passthrough, measured */
        CU_ASSERT(vgpu >= 0.95 && vgpu < pass);        /* below mediated's measured 5% */
    }
    /* more kernels per unit of work: inference (tenant 1) pays more */
    CU_ASSERT(at(doc, 2, 1, "throughput", "value") / at(doc, 0, 1, "throughput", "value") <
              at(doc, 2, 0, "throughput", "value") / at(doc, 0, 0, "throughput", "value"));
    cJSON_Delete(doc);
}

static void time_slicing_spreads_diffusion_latency_and_mig_does_not(void)
{
    cJSON *doc = sweep("scenarios/teach/diffusion-jitter.json", "sharing.mode=timeslice,mig", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    double ts50 = at(doc, 0, 0, "latency_ms", "p50"), ts99 = at(doc, 0, 0, "latency_ms", "p99");
    double mig50 = at(doc, 1, 0, "latency_ms", "p50"), mig99 = at(doc, 1, 0, "latency_ms", "p99");
    CU_ASSERT(ts99 > 1.1 * ts50);
    ASSERT_REL(mig99, mig50, 1e-6);
    CU_ASSERT(mig50 > ts50);      /* fewer SMs: slower, but steady */
    cJSON_Delete(doc);
}

static void mig_keeps_serving_p95_flat_while_mps_follows_the_neighbour(void)
{
    cJSON *doc = sweep("scenarios/teach/mig-vs-mps.json", "sharing.mode=mig,mps",
                       "tenants.1.arrivals.think_s=1,0.002");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    /* points: (mig, 1), (mig, 0.002), (mps, 1), (mps, 0.002) */
    ASSERT_REL(at(doc, 1, 0, "latency_ms", "p95"), at(doc, 0, 0, "latency_ms", "p95"), 1e-9);
    CU_ASSERT(at(doc, 3, 0, "latency_ms", "p95") > 2 * at(doc, 2, 0, "latency_ms", "p95"));
    CU_ASSERT(at(doc, 2, 0, "latency_ms", "p95") < at(doc, 0, 0, "latency_ms", "p95"));
    cJSON_Delete(doc);
}

/* Priority buys the latency-critical tenant its p95 (preemption at arrival
 * instead of waiting for the batch slice) and costs the batch tenant
 * throughput (more switches); under MPS it buys SMs and costs batch no
 * throughput. Points: (timeslice, 0), (timeslice, 1), (mps, 0), (mps, 1). */
static void priority_buys_the_critical_p95_and_costs_batch_switches(void)
{
    cJSON *doc = sweep("scenarios/teach/priority.json", "sharing.mode=timeslice,mps", "tenants.0.priority=0,1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    double ts0 = at(doc, 0, 0, "latency_ms", "p95"), ts1 = at(doc, 1, 0, "latency_ms", "p95");
    CU_ASSERT(ts0 > 2.0 && ts1 < 1.0);                 /* the 2 ms SLO: missed, met */
    CU_ASSERT(at(doc, 1, 1, "throughput", "value") < at(doc, 0, 1, "throughput", "value"));
    CU_ASSERT(at(doc, 3, 0, "latency_ms", "p95") < 0.75 * at(doc, 2, 0, "latency_ms", "p95"));
    ASSERT_REL(at(doc, 3, 1, "throughput", "value"), at(doc, 2, 1, "throughput", "value"), 0.01);
    cJSON_Delete(doc);
}

/* One run of file with --set a and b; tenants[t].KEY.FIELD of its summary. */
static double run_stat(const char *file, char *a, char *b, int t, const char *key, const char *field)
{
    char dir[64], o[128], p[192];
    tu_tmpdir(dir, sizeof dir);
    snprintf(o, sizeof o, "%s/run", dir);
    char *argv[] = { "slicesim", "run", (char *)file, "--set", a, "--set", b, "--set",
                     "tenants.1.workload.kernels=10", "-o", o, NULL };
    if (tu_cli(argv, out, sizeof out, err, sizeof err) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/summary.json", o);
    cJSON *doc = tu_read_json(p);
    const cJSON *x = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "tenants"), t), key), field);
    double v = cJSON_IsNumber(x) ? x->valuedouble : -1;
    cJSON_Delete(doc);
    return v;
}

/* Throttling the batch tenant (a best-effort guard): with kernel-level
 * preemption and 2 ms batch kernels, keeping the GPU idle 3 ms after each
 * inference burst halves the inference mean and costs batch most of its
 * throughput. */
static void a_best_effort_guard_trades_batch_throughput_for_critical_latency(void)
{
    const char *f = "scenarios/teach/priority.json";
    double m0 = run_stat(f, "sharing.preemption=kernel", "sharing.best_effort_guard_us=0", 0, "latency_ms", "mean");
    double m3 = run_stat(f, "sharing.preemption=kernel", "sharing.best_effort_guard_us=3000", 0, "latency_ms", "mean");
    double b0 = run_stat(f, "sharing.preemption=kernel", "sharing.best_effort_guard_us=0", 1, "throughput", "value");
    double b3 = run_stat(f, "sharing.preemption=kernel", "sharing.best_effort_guard_us=3000", 1, "throughput", "value");
    CU_ASSERT(m0 > 0 && m3 > 0 && m3 < 0.6 * m0);
    CU_ASSERT(b0 > 0 && b3 > 0 && b3 < 0.5 * b0);
}

static void a_hidden_nvlink_outweighs_a_vms_compute_overhead_in_multinode_training(void)
{
    cJSON *vm = sweep("scenarios/teach/multinode-training.json", "virtualization.mode=bare_metal,passthrough,vgpu", NULL);
    cJSON *net = sweep("scenarios/teach/multinode-training.json", "network.hide_nvlink=false,true", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    double bare = at(vm, 0, 0, "latency_ms", "p95");
    /* the VM's compute overhead: about 1% in passthrough, 2-3% under a full-card vGPU */
    CU_ASSERT(at(vm, 1, 0, "latency_ms", "p95") / bare > 1.0 && at(vm, 1, 0, "latency_ms", "p95") / bare < 1.03);
    CU_ASSERT(at(vm, 2, 0, "latency_ms", "p95") / bare > 1.01 && at(vm, 2, 0, "latency_ms", "p95") / bare < 1.05);
    /* the VM's network path, as measured in VMs: SR-IOV NICs with NCCL's own
     * detection, and a wrong NCCL topology */
    cJSON *path = sweep("scenarios/teach/multinode-training.json",
                        "network.virtualization=passthrough,sriov_vm,vm_wrong_topology", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    double pt = at(path, 0, 0, "latency_ms", "p95");
    CU_ASSERT(at(path, 1, 0, "latency_ms", "p95") > 1.05 * pt);
    CU_ASSERT(at(path, 2, 0, "latency_ms", "p95") > 2 * pt);
    cJSON_Delete(path);
    /* a virtual PCI topology that hides NVLink: more than twice the step */
    ASSERT_REL(at(net, 0, 0, "latency_ms", "p95"), bare, 1e-9);
    CU_ASSERT(at(net, 1, 0, "latency_ms", "p95") > 2 * bare);
    cJSON_Delete(vm);
    cJSON_Delete(net);
}

TU_SUITE_FN(teach)
{
    static const tu_test tests[] = {
        TU_TEST(every_teaching_scenario_runs),
        TU_TEST(shorter_slices_lower_p95_and_cost_batch_throughput),
        TU_TEST(passthrough_costs_under_three_percent_and_full_card_vgpu_six_to_ten),
        TU_TEST(time_slicing_spreads_diffusion_latency_and_mig_does_not),
        TU_TEST(mig_keeps_serving_p95_flat_while_mps_follows_the_neighbour),
        TU_TEST(priority_buys_the_critical_p95_and_costs_batch_switches),
        TU_TEST(a_best_effort_guard_trades_batch_throughput_for_critical_latency),
        TU_TEST(a_hidden_nvlink_outweighs_a_vms_compute_overhead_in_multinode_training),
    };
    TU_SUITE("teach", tests);
}
