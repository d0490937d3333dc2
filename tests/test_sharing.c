/* test_sharing.c -- sharing modes end to end through `slicesim run`: the
 * behaviour that defines each mode, and bad input refused with exit 2 and
 * one message naming the path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"
#include "tests/wl_helpers.h"
#include "scenarios/scenario.h"

#define HDR(gpu, dur) "{\"name\":\"t\",\"seed\":1,\"duration_s\":" #dur ",\"warmup_s\":0.5,\"replications\":3," \
                      "\"hardware\":{\"gpu\":\"" gpu "\"},"
#define BUSY(ms) "\"workload\":{\"type\":\"synthetic\",\"service_ms\":{\"dist\":\"deterministic\",\"mean\":" #ms "},\"kernels\":20}," \
                 "\"arrivals\":{\"type\":\"closed\",\"users\":1,\"think_s\":0}"
#define SHORT(rate) "\"workload\":{\"type\":\"synthetic\",\"service_ms\":{\"dist\":\"exponential\",\"mean\":0.5},\"kernels\":5}," \
                    "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":" #rate "}"

static char dir[256];

static void bad(const char *name, const char *text, const char *want1, const char *want2);

static void remove_dir(void) { wl_rmtree(dir); }

/* The suite's folder, made on first use and removed at exit. */
static const char *workdir(void)
{
    if (!dir[0]) {
        tu_tmpdir(dir, sizeof dir);
        atexit(remove_dir);
    }
    return dir;
}

static const char *scenario(const char *name, const char *text)
{
    static char path[8][512];
    static int k;
    workdir();
    char *p = path[k++ % 8];
    snprintf(p, 512, "%s/%s.json", dir, name);
    CU_ASSERT_EQUAL(tu_write_file(p, text), 0);
    return p;
}

/* Run a scenario with up to two --set; parse summary.json (caller frees). */
static cJSON *run(const char *file, const char *set1, const char *set2)
{
    char out[512], err[2048], o[300];
    static int n;
    snprintf(o, sizeof o, "%s/out%d", workdir(), n++);
    char *argv[12] = { "slicesim", "run", (char *)file, "-o", o };
    int argc = 5;
    if (set1) { argv[argc++] = "--set"; argv[argc++] = (char *)set1; }
    if (set2) { argv[argc++] = "--set"; argv[argc++] = (char *)set2; }
    argv[argc] = NULL;
    int rc = tu_cli(argv, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "\n    %s: %s", file, err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    char path[400];
    snprintf(path, sizeof path, "%s/summary.json", o);
    cJSON *doc = tu_read_json(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    return doc;
}

static double num(const cJSON *doc, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *x = doc;
    for (char *save = NULL, *seg = strtok_r(buf, ".", &save); seg && x; seg = strtok_r(NULL, ".", &save))
        x = cJSON_IsArray(x) ? cJSON_GetArrayItem(x, atoi(seg)) : cJSON_GetObjectItemCaseSensitive(x, seg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    return x->valuedouble;
}

/* ---- MIG ---- */

static void mig_noisy_neighbour_leaves_p95_within_its_interval(void)
{
    const char *f = scenario("mig_iso", HDR("a100-sxm-40gb", 3)
        "\"sharing\":{\"mode\":\"mig\",\"instances\":[{\"profile\":\"3g.20gb\"},{\"profile\":\"3g.20gb\"}]},"
        "\"tenants\":[{\"name\":\"victim\",\"instance\":0," SHORT(200) "},"
        "{\"name\":\"neighbour\",\"instance\":1," SHORT(1) "}]}");
    cJSON *quiet = run(f, NULL, NULL);
    cJSON *noisy = run(f, "tenants.1.arrivals={\"type\":\"closed\",\"users\":4,\"think_s\":0}",
                       "tenants.1.workload.bound=\"memory\"");
    double q = num(quiet, "tenants.0.latency_ms.p95"), n = num(noisy, "tenants.0.latency_ms.p95");
    CU_ASSERT(n >= num(quiet, "tenants.0.latency_ms.ci95_p95.0") && n <= num(quiet, "tenants.0.latency_ms.ci95_p95.1"));
    ASSERT_REL(n, q, 1e-9);
    /* the neighbour did load its own instance */
    CU_ASSERT(num(noisy, "gpus.0.instances.1.utilization") > 0.99);
    CU_ASSERT(num(quiet, "gpus.0.instances.1.utilization") < 0.05);
    cJSON_Delete(quiet);
    cJSON_Delete(noisy);
}

/* sharing.mode=mig with no layout (as `--set` gives it): one instance per
 * tenant, all of the largest profile that fits that many times. */
static void mig_without_a_layout_gives_each_tenant_its_own_instance(void)
{
    cJSON *d = run("scenarios/default.json", "sharing.mode=\"mig\"", NULL);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(
        cJSON_GetObjectItem(d, "gpus"), 0), "instances")), 2);
    CU_ASSERT_EQUAL(num(d, "gpus.0.instances.1.sms"), 60);       /* 3g.40gb on an H100 */
    CU_ASSERT_EQUAL(num(d, "gpus.0.instances.1.start"), 4);
    CU_ASSERT(num(d, "gpus.0.instances.0.utilization") > 0.5);
    CU_ASSERT(num(d, "gpus.0.instances.1.utilization") > 0.5);
    cJSON_Delete(d);
    char text[4096];
    int n = snprintf(text, sizeof text, HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"mig\"},\"tenants\":[");
    for (int i = 0; i < 8; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s{\"name\":\"c%d\"," SHORT(1) "}", i ? "," : "", i);
    snprintf(text + n, sizeof text - (size_t)n, "]}");
    bad("mig8", text, "sharing.instances: missing, and 8 tenants", "give a layout");
}

/* MIG isolates SMs and memory, not the host link: big host-to-device
 * copies on one instance slow the copies of a tenant on another. */
static void mig_instances_share_the_pcie_link(void)
{
    const char *f = scenario("mig_pcie", HDR("a100-sxm-40gb", 3)
        "\"sharing\":{\"mode\":\"mig\",\"instances\":[{\"profile\":\"3g.20gb\"},{\"profile\":\"3g.20gb\"}]},"
        "\"tenants\":[{\"name\":\"victim\",\"instance\":0,\"workload\":{\"type\":\"synthetic\","
        "\"service_ms\":{\"dist\":\"deterministic\",\"mean\":1},\"copy_mb\":16},"
        "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":20}},"
        "{\"name\":\"loader\",\"instance\":1,\"workload\":{\"type\":\"synthetic\","
        "\"service_ms\":{\"dist\":\"deterministic\",\"mean\":0.01},\"copy_mb\":64},"
        "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":1}}]}");
    cJSON *quiet = run(f, NULL, NULL);
    cJSON *busy = run(f, "tenants.1.arrivals={\"type\":\"closed\",\"users\":1,\"think_s\":0}", NULL);
    /* alone, 16 MB at the achieved 0.8 x 31.5 GB/s is 0.635 ms of host
     * time; beside a loader that copies nearly all the time the link is
     * shared half and half */
    double hq = num(quiet, "tenants.0.latency_breakdown_ms.host");
    double hb = num(busy, "tenants.0.latency_breakdown_ms.host");
    ASSERT_REL(hq, 16e6 / (0.8 * 31.5e9) * 1e3, 0.1);
    CU_ASSERT(hb > 1.8 * hq);
    /* the loader keeps the link busy: 64 MB (2.54 ms) per 2.57 ms cycle */
    CU_ASSERT(num(busy, "gpus.0.pcie_utilization") > 0.95);
    CU_ASSERT(num(quiet, "gpus.0.pcie_utilization") < 0.05);
    cJSON_Delete(quiet);
    cJSON_Delete(busy);
}

/* A drawn time's host gaps do not shrink with the instance: 10 ms on the
 * whole A100 with 100 kernels x 20 us of gaps takes 8 x 108/14 + 2 =
 * 63.71 ms on a 1g.5gb (14 of its 108 SMs), against 77.14 ms without. */
static void host_gaps_do_not_scale_on_a_mig_instance(void)
{
    const char *f = scenario("mig_gap", HDR("a100-sxm-40gb", 5)
        "\"sharing\":{\"mode\":\"mig\",\"instances\":[{\"profile\":\"1g.5gb\"}]},"
        "\"tenants\":[{\"name\":\"t\",\"instance\":0,\"workload\":{\"type\":\"synthetic\","
        "\"service_ms\":{\"dist\":\"deterministic\",\"mean\":10},\"kernels\":100,\"gap_us\":20},"
        "\"arrivals\":{\"type\":\"closed\",\"users\":1,\"think_s\":0}}]}");
    cJSON *gap = run(f, NULL, NULL);
    cJSON *none = run(f, "tenants.0.workload.gap_us=0", NULL);
    ASSERT_REL(num(gap, "tenants.0.latency_ms.mean"), 8.0 * 108 / 14 + 2, 1e-3);
    ASSERT_REL(num(none, "tenants.0.latency_ms.mean"), 10.0 * 108 / 14, 1e-3);
    cJSON_Delete(gap);
    cJSON_Delete(none);
}

/* Seven compute-bound tenants on seven 1g instances get 98/108 of what the
 * whole A100 gives one of them: 14 SMs each, not 108/7. */
static void seven_1g_instances_deliver_98_of_108_sms(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, HDR("a100-sxm-40gb", 30)
        "\"sharing\":{\"mode\":\"mig\",\"instances\":[");
    for (int i = 0; i < 7; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s{\"profile\":\"1g.5gb\"}", i ? "," : "");
    n += snprintf(text + n, sizeof text - (size_t)n, "]},\"tenants\":[");
    for (int i = 0; i < 7; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s{\"name\":\"t%d\",\"instance\":%d," BUSY(10) "}",
                      i ? "," : "", i, i);
    snprintf(text + n, sizeof text - (size_t)n, "]}");
    cJSON *mig = run(scenario("mig7", text), NULL, NULL);
    cJSON *whole = run(scenario("whole", HDR("a100-sxm-40gb", 30) "\"sharing\":{\"mode\":\"exclusive\"},"
                                "\"tenants\":[{\"name\":\"t\"," BUSY(10) "}]}"), NULL, NULL);
    double sum = 0;
    for (int i = 0; i < 7; i++) {
        char p[64];
        snprintf(p, sizeof p, "tenants.%d.throughput.value", i);
        sum += num(mig, p);
    }
    ASSERT_REL(sum, num(whole, "tenants.0.throughput.value") * 98.0 / 108.0, 0.01);
    ASSERT_REL(num(mig, "gpus.0.utilization"), 98.0 / 108.0, 0.01);
    /* with a power throttle of 0.95 all seven always run: 5% less */
    cJSON *hot = run(scenario("mig7", text), "sharing.power_throttle=0.95", NULL);
    double hsum = 0;
    for (int i = 0; i < 7; i++) {
        char p[64];
        snprintf(p, sizeof p, "tenants.%d.throughput.value", i);
        hsum += num(hot, p);
    }
    ASSERT_REL(hsum, 0.95 * sum, 0.01);
    ASSERT_REL(num(hot, "gpus.0.power_throttled_fraction"), 1.0, 0.001);
    cJSON_Delete(hot);
    cJSON_Delete(mig);
    cJSON_Delete(whole);
}

/* A timeline names each MIG instance and puts its tenants' bursts on it. */
static void timelines_show_mig_instances(void)
{
    char tr[400], out[512], err[1024];
    snprintf(tr, sizeof tr, "%s/trace.json", workdir());
    char *argv[] = { "slicesim", "run", "scenarios/mig-a100-mixed.json", "--trace", tr, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(argv, out, sizeof out, err, sizeof err), 0);
    char *text = tu_read_file(tr, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"GPU 0 instance 2 (1g.5gb)\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"pid\":3,\"tid\":5,\"args\":{\"name\":\"small-b\"}"));
    free(text);
}

/* A copy needs a link rate: a GPU profile without pcie_gbs cannot cost one. */
static void a_copy_without_a_pcie_rate_is_refused(void)
{
    cJSON *doc = tu_read_json("calibration/profiles/h200.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "pcie_gbs");
    char path[400], scn_text[1024];
    snprintf(path, sizeof path, "%s/nopcie.json", workdir());
    char *out = cJSON_Print(doc);
    tu_write_file(path, out);
    free(out);
    cJSON_Delete(doc);
    snprintf(scn_text, sizeof scn_text, "{\"name\":\"t\",\"duration_s\":1,\"hardware\":{\"profile\":\"%s\"},"
             "\"tenants\":[{\"name\":\"a\",\"workload\":{\"type\":\"synthetic\",\"service_ms\":"
             "{\"dist\":\"exponential\",\"mean\":1},\"copy_mb\":4}," "\"arrivals\":{\"type\":\"poisson\","
             "\"rate_per_s\":1}}]}", path);
    bad("copy_without_rate", scn_text, "tenants.0.workload.copy_mb", "gives none (pcie_gbs)");
}

/* ---- MPS ---- */

static void mps_bandwidth_heavy_neighbour_raises_a_memory_bound_tenants_latency(void)
{
    cJSON *heavy = run("scenarios/mps-interference.json", NULL, NULL);
    cJSON *light = run("scenarios/mps-interference.json", "tenants.1.workload.bound=\"compute\"", NULL);
    double ph = num(heavy, "tenants.0.latency_ms.p95"), pl = num(light, "tenants.0.latency_ms.p95");
    double mh = num(heavy, "tenants.0.latency_ms.mean"), ml = num(light, "tenants.0.latency_ms.mean");
    CU_ASSERT(ph > 1.3 * pl);
    CU_ASSERT(mh > 1.3 * ml);
    cJSON_Delete(heavy);
    cJSON_Delete(light);
}

/* The LLM workload's iterations carry their roofline split: decode streams
 * weights and KV cache, so under MPS a bandwidth-heavy neighbour slows it
 * far more than a compute-bound one with the same SM share. */
static void mps_llm_feels_a_bandwidth_heavy_neighbour(void)
{
    const char *f = scenario("llm_mps", HDR("h100-sxm", 6) "\"sharing\":{\"mode\":\"mps\"},"
        "\"tenants\":[{\"name\":\"chat\",\"mps_active_thread_pct\":50,\"workload\":{\"type\":\"llm\","
        "\"model\":\"llama-3-8b\",\"max_batch\":64,\"host_ms\":0.5,"
        "\"prompt_tokens\":{\"dist\":\"lognormal\",\"mean\":400,\"cv\":1.0},"
        "\"output_tokens\":{\"dist\":\"lognormal\",\"mean\":100,\"cv\":1.0}},"
        "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":4}},"
        "{\"name\":\"neighbour\",\"mps_active_thread_pct\":50,\"workload\":{\"type\":\"synthetic\","
        "\"service_ms\":{\"dist\":\"deterministic\",\"mean\":5},\"bound\":\"memory\"},"
        "\"arrivals\":{\"type\":\"closed\",\"users\":1,\"think_s\":0}}]}");
    cJSON *heavy = run(f, NULL, NULL);
    cJSON *light = run(f, "tenants.1.workload.bound=\"compute\"", NULL);
    CU_ASSERT(num(heavy, "tenants.0.latency_ms.mean") > 1.3 * num(light, "tenants.0.latency_ms.mean"));
    CU_ASSERT(num(heavy, "tenants.0.throughput.value") < num(light, "tenants.0.throughput.value"));
    cJSON_Delete(heavy);
    cJSON_Delete(light);
}

/* The memory a tenant's workload may use is its resource's: a MIG
 * instance's, a vGPU's frame buffer, an MPS client's pinned limit. */
static void tenants_get_the_memory_of_their_resource(void)
{
    static const char *const texts[3] = {
        HDR("a100-sxm-40gb", 1) "\"sharing\":{\"mode\":\"mig\",\"instances\":[{\"profile\":\"3g.20gb\"}]},"
            "\"tenants\":[{\"name\":\"a\"," SHORT(1) "}]}",
        HDR("a100-sxm-40gb", 1) "\"virtualization\":{\"mode\":\"vgpu\"},\"sharing\":{\"mode\":\"timeslice\"},"
            "\"tenants\":[{\"name\":\"a\",\"vgpu_gb\":10," SHORT(1) "},{\"name\":\"b\",\"vgpu_gb\":10," SHORT(1) "}]}",
        HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"mps\"},"
            "\"tenants\":[{\"name\":\"a\",\"mps_mem_limit_gb\":20," SHORT(1) "},{\"name\":\"b\"," SHORT(1) "}]}",
    };
    const double want[3][2] = { { 19.62 * 1.073741824, 0 }, { 10, 10 }, { 20, 0 } };
    for (int k = 0; k < 3; k++) {
        scn *sc;
        char err[1024];
        CU_ASSERT_EQUAL_FATAL(scn_load_text(texts[k], "mem.json", NULL, 0, &sc, err, sizeof err), SCN_OK);
        for (size_t i = 0; i < sc->cfg.ntenants; i++)
            ASSERT_REL(sc->cfg.tenants[i].mem_gb, want[k][i], 1e-9);
        scn_free(sc);
    }
}

/* ---- time-slicing ---- */

/* a short-request tenant (0.2 ms bursts, shorter than every slice tried)
 * beside always-busy batch tenants of 20 ms bursts */
#define TS_SCN(nbatch_tenants) HDR("h100-sxm", 4) \
    "\"sharing\":{\"mode\":\"timeslice\",\"policy\":\"best_effort\",\"switch_cost_us\":200}," \
    "\"tenants\":[{\"name\":\"short\",\"workload\":{\"type\":\"synthetic\",\"service_ms\":" \
    "{\"dist\":\"deterministic\",\"mean\":0.2},\"kernels\":5}," \
    "\"arrivals\":{\"type\":\"poisson\",\"rate_per_s\":50}}" nbatch_tenants "]}"
#define B1 ",{\"name\":\"b1\"," BUSY(20) "}"
#define B2 ",{\"name\":\"b2\"," BUSY(20) "}"
#define B3 ",{\"name\":\"b3\"," BUSY(20) "}"

static void timeslice_p95_grows_with_slice_and_throughput_too_when_switches_cost(void)
{
    const char *f = scenario("ts2", TS_SCN(B1 B2));
    const char *slices[3] = { "sharing.timeslice_ms=0.5", "sharing.timeslice_ms=2", "sharing.timeslice_ms=8" };
    double p95[3], thr[3];
    for (int i = 0; i < 3; i++) {
        cJSON *d = run(f, slices[i], NULL);
        p95[i] = num(d, "tenants.0.latency_ms.p95");
        thr[i] = num(d, "tenants.1.throughput.value") + num(d, "tenants.2.throughput.value");
        cJSON_Delete(d);
    }
    CU_ASSERT(p95[0] < p95[1] && p95[1] < p95[2]);
    CU_ASSERT(thr[0] < thr[1] && thr[1] < thr[2]);
    /* always-busy tenants with switch cost c get at most q/(q+c) of the
     * GPU between them (50 bursts/s on the whole GPU), a little less for
     * the short tenant's turns: 0.5 ms slices, 0.2 ms switches */
    CU_ASSERT(thr[0] <= 50 * 0.5 / 0.7);
    CU_ASSERT(thr[0] >= 0.95 * 50 * 0.5 / 0.7);
}

static void timeslice_p95_grows_with_the_number_of_tenants(void)
{
    double p95[3];
    const char *texts[3] = { TS_SCN(B1), TS_SCN(B1 B2), TS_SCN(B1 B2 B3) };
    for (int i = 0; i < 3; i++) {
        cJSON *d = run(scenario(i == 0 ? "k1" : i == 1 ? "k2" : "k3", texts[i]), NULL, NULL);
        p95[i] = num(d, "tenants.0.latency_ms.p95");
        cJSON_Delete(d);
    }
    CU_ASSERT(p95[0] < p95[1] && p95[1] < p95[2]);
}

/* ---- vGPU policies idling ---- */

static double util_with_one_busy_vgpu(const char *policy)
{
    char text[2048], set[64];
    snprintf(text, sizeof text, HDR("a100-sxm-40gb", 3)
        "\"virtualization\":{\"mode\":\"vgpu\",\"noise\":{\"rate_per_s\":0}},"
        "\"sharing\":{\"mode\":\"timeslice\",\"policy\":\"best_effort\",\"switch_cost_us\":0},"
        "\"tenants\":[{\"name\":\"busy\",\"vgpu_gb\":10," BUSY(10) "},"
        "{\"name\":\"idle\",\"vgpu_gb\":10," SHORT(0.001) "}]}");
    snprintf(set, sizeof set, "sharing.policy=\"%s\"", policy);
    cJSON *d = run(scenario("idle", text), set, NULL);
    double u = num(d, "gpus.0.utilization");
    cJSON_Delete(d);
    return u;
}

static void equal_and_fixed_share_leave_the_gpu_idle_best_effort_does_not(void)
{
    ASSERT_REL(util_with_one_busy_vgpu("best_effort"), 1.0, 0.001);
    ASSERT_REL(util_with_one_busy_vgpu("equal_share"), 0.5, 0.01);
    ASSERT_REL(util_with_one_busy_vgpu("fixed_share"), 0.25, 0.01);   /* 10 GB type: 4 per GPU */
}

/* The vGPU density rule: 2 ms up to `density_threshold` (8) vGPUs per GPU,
 * 1 ms above; ARR frequency f gives a 1/f slice. */
static double vgpu_slice_ms(int ntenants, const char *set)
{
    char text[8192];
    int n = snprintf(text, sizeof text, HDR("h100-sxm", 1)
                     "\"virtualization\":{\"mode\":\"vgpu\"},\"sharing\":{\"mode\":\"timeslice\"},\"tenants\":[");
    for (int i = 0; i < ntenants; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s{\"name\":\"v%d\"," SHORT(1) "}", i ? "," : "", i);
    snprintf(text + n, sizeof text - (size_t)n, "]}");
    cJSON *d = run(scenario("density", text), set, NULL);
    double ms = num(d, "sharing.timeslice_ms");
    cJSON_Delete(d);
    return ms;
}

static void vgpu_default_slice_follows_the_density_rule(void)
{
    ASSERT_REL(vgpu_slice_ms(8, NULL), 2.0, 1e-12);
    ASSERT_REL(vgpu_slice_ms(9, NULL), 1.0, 1e-12);
    ASSERT_REL(vgpu_slice_ms(9, "sharing.density_threshold=16"), 2.0, 1e-12);
    ASSERT_REL(vgpu_slice_ms(2, "sharing.arr_frequency_hz=480"), 1000.0 / 480, 1e-6);
    ASSERT_REL(vgpu_slice_ms(2, "sharing.timeslice_ms=4"), 4.0, 1e-12);
}

/* ---- determinism and the examples ---- */

static void examples_run_and_repeat_byte_for_byte(void)
{
    const char *ex[] = { "scenarios/vgpu-equal-share.json", "scenarios/vgpu-fixed-share.json",
                         "scenarios/mig-a100-mixed.json", "scenarios/mps-interference.json",
                         "scenarios/mps-fault.json", "scenarios/virt-vgpu-full-card.json",
                         "scenarios/virt-passthrough.json", "scenarios/mig-isolation.json",
                         "scenarios/mig-a100-7x1g.json", "scenarios/timeslice-short-vs-batch.json",
                         "scenarios/vgpu-arr-kernel-preemption.json" };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        cJSON *a = run(ex[i], NULL, NULL), *b = run(ex[i], NULL, NULL);
        char *ta = cJSON_Print(a), *tb = cJSON_Print(b);
        CU_ASSERT_STRING_EQUAL(ta, tb);
        free(ta);
        free(tb);
        cJSON_Delete(a);
        cJSON_Delete(b);
    }
}

/* ---- bad input ---- */

static void bad(const char *name, const char *text, const char *want1, const char *want2)
{
    char out[256], err[2048];
    const char *f = scenario(name, text);
    char *argv[] = { "slicesim", "run", (char *)f, NULL };
    int rc = tu_cli(argv, out, sizeof out, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 2);
    int ok = strstr(err, want1) && (!want2 || strstr(err, want2)) && strchr(err, '\n') == strrchr(err, '\n');
    if (!ok)
        fprintf(stderr, "\n    %s: got: %s", name, err);
    CU_ASSERT(ok);
}

#define ONE(extra) "\"tenants\":[{\"name\":\"a\"" extra "," SHORT(10) "}]}"
#define TWO(e1, e2) "\"tenants\":[{\"name\":\"a\"" e1 "," SHORT(10) "},{\"name\":\"b\"" e2 "," SHORT(10) "}]}"

static void invalid_mig_layouts_are_refused_with_what_would_fit(void)
{
    bad("mig_two4g", HDR("a100-sxm-40gb", 1) "\"sharing\":{\"mode\":\"mig\",\"instances\":"
        "[{\"profile\":\"4g.20gb\"},{\"profile\":\"4g.20gb\"}]}," ONE(""),
        "sharing.instances.1: invalid MIG layout", "what fits is: ");
    bad("mig_start", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"mig\",\"instances\":"
        "[{\"profile\":\"3g.40gb\",\"start\":2}]}," ONE(""), "sharing.instances.0", "start at 0, 4");
    bad("mig_name", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"mig\",\"instances\":"
        "[{\"profile\":\"3g.20gb\"}]}," ONE(""), "sharing.instances.0.profile", "3g.40gb");
    bad("mig_l40s", HDR("l40s", 1) "\"sharing\":{\"mode\":\"mig\",\"instances\":"
        "[{\"profile\":\"1g.10gb\"}]}," ONE(""), "sharing.mode", "GPUs with MIG");
    bad("mig_inst", HDR("a30", 1) "\"sharing\":{\"mode\":\"mig\",\"instances\":"
        "[{\"profile\":\"2g.12gb\"}]}," ONE(",\"instance\":1"), "tenants.0.instance", "[0, 0]");
}

static void mps_percentages_and_client_limits_are_checked(void)
{
    bad("pct", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"mps\"}," ONE(",\"mps_active_thread_pct\":150"),
        "tenants.0.mps_active_thread_pct", "out of range");
    bad("pct0", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"mps\"}," ONE(",\"mps_active_thread_pct\":0"),
        "tenants.0.mps_active_thread_pct", "(0, 100]");
    bad("pct_ts", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"timeslice\"}," ONE(",\"mps_active_thread_pct\":50"),
        "tenants.0.mps_active_thread_pct", "does not run on MPS");
    bad("clients", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"mps\",\"mps\":{\"max_clients\":1}}," TWO("", ""),
        "too many MPS clients", "at most 1");
    bad("clients49", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"mps\",\"mps\":{\"max_clients\":49}}," ONE(""),
        "sharing.mps.max_clients", "[1, 48]");
    char text[8192];
    int n = snprintf(text, sizeof text, HDR("a100-sxm-40gb", 1) "\"sharing\":{\"mode\":\"mig\",\"instances\":"
                     "[{\"profile\":\"1g.5gb\",\"mode\":\"mps\"}]},\"tenants\":[");
    for (int i = 0; i < 7; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s{\"name\":\"c%d\"," SHORT(1) "}", i ? "," : "", i);
    snprintf(text + n, sizeof text - (size_t)n, "]}");
    bad("mig_mps", text, "too many MPS clients on instance 0 (1g.5gb): 7", "at most 6");
    bad("mps_mem", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"mps\"}," ONE(",\"mps_mem_limit_gb\":90"),
        "tenants.0.mps_mem_limit_gb", "(0, 80]");
    bad("mps_mem_ts", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"timeslice\"}," ONE(",\"mps_mem_limit_gb\":9"),
        "tenants.0.mps_mem_limit_gb", "does not run on MPS");
    bad("mps_req", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"mps\"}," ONE(",\"context\":\"per_request\""),
        "tenants.0.context", "MPS");
}

static void policies_the_mode_cannot_run_are_refused(void)
{
    bad("eq_bare", HDR("h100-sxm", 1) "\"sharing\":{\"mode\":\"timeslice\",\"policy\":\"equal_share\"}," TWO("", ""),
        "sharing.policy", "virtualization.mode \"vgpu\"");
    bad("fixed_mix", HDR("a100-sxm-40gb", 1) "\"virtualization\":{\"mode\":\"vgpu\"},"
        "\"sharing\":{\"mode\":\"timeslice\",\"policy\":\"fixed_share\"}," TWO(",\"vgpu_gb\":10", ",\"vgpu_gb\":20"),
        "tenants.1.vgpu_gb", "different sizes");
    bad("arr_hz", HDR("a100-sxm-40gb", 1) "\"virtualization\":{\"mode\":\"vgpu\"},"
        "\"sharing\":{\"mode\":\"timeslice\",\"arr_frequency_hz\":1000}," TWO("", ""),
        "sharing.arr_frequency_hz", "[63, 960]");
    bad("arr_factor", HDR("a100-sxm-40gb", 1) "\"virtualization\":{\"mode\":\"vgpu\"},"
        "\"sharing\":{\"mode\":\"timeslice\",\"arr_averaging_factor\":61}," TWO("", ""),
        "sharing.arr_averaging_factor", "[1, 60]");
    bad("legacy", HDR("a100-sxm-40gb", 1) "\"virtualization\":{\"mode\":\"vgpu\"},"
        "\"sharing\":{\"mode\":\"timeslice\",\"scheduler\":\"legacy\",\"timeslice_ms\":40}," TWO("", ""),
        "sharing.timeslice_ms", "[1, 30]");
    bad("sched_bare", HDR("a100-sxm-40gb", 1)
        "\"sharing\":{\"mode\":\"timeslice\",\"scheduler\":\"arr\"}," TWO("", ""), "sharing.scheduler", "vgpu");
    bad("mig_vgpu", HDR("a100-sxm-40gb", 1) "\"virtualization\":{\"mode\":\"vgpu\"},"
        "\"sharing\":{\"mode\":\"mig\",\"instances\":[{\"profile\":\"7g.40gb\",\"mode\":\"timeslice\"}]}," TWO("", ""),
        "tenants.0.instance", "not time-sliced");
    bad("vgpu_fb", HDR("a100-sxm-40gb", 1) "\"virtualization\":{\"mode\":\"vgpu\"},"
        "\"sharing\":{\"mode\":\"timeslice\"}," TWO(",\"vgpu_gb\":40", ",\"vgpu_gb\":20"),
        "tenants", "frame buffer");
    bad("throttle", HDR("a100-sxm-40gb", 1) "\"sharing\":{\"mode\":\"timeslice\",\"power_throttle\":0.9}," ONE(""),
        "sharing.power_throttle", "mig");
    bad("throttle0", HDR("a100-sxm-40gb", 1) "\"sharing\":{\"mode\":\"mig\",\"power_throttle\":0,"
        "\"instances\":[{\"profile\":\"7g.40gb\"}]}," ONE(""), "sharing.power_throttle", "(0, 1]");
    bad("factor", HDR("a100-sxm-40gb", 1) "\"virtualization\":{\"mode\":\"vgpu\",\"compute_factor\":1.5},"
        "\"sharing\":{\"mode\":\"exclusive\"}," ONE(""), "virtualization.compute_factor", "(0, 1]");
}

TU_SUITE_FN(sharing)
{
    static const tu_test tests[] = {
        TU_TEST(mig_noisy_neighbour_leaves_p95_within_its_interval),
        TU_TEST(seven_1g_instances_deliver_98_of_108_sms),
        TU_TEST(host_gaps_do_not_scale_on_a_mig_instance),
        TU_TEST(mig_instances_share_the_pcie_link),
        TU_TEST(mig_without_a_layout_gives_each_tenant_its_own_instance),
        TU_TEST(timelines_show_mig_instances),
        TU_TEST(a_copy_without_a_pcie_rate_is_refused),
        TU_TEST(mps_bandwidth_heavy_neighbour_raises_a_memory_bound_tenants_latency),
        TU_TEST(mps_llm_feels_a_bandwidth_heavy_neighbour),
        TU_TEST(tenants_get_the_memory_of_their_resource),
        TU_TEST(timeslice_p95_grows_with_slice_and_throughput_too_when_switches_cost),
        TU_TEST(timeslice_p95_grows_with_the_number_of_tenants),
        TU_TEST(equal_and_fixed_share_leave_the_gpu_idle_best_effort_does_not),
        TU_TEST(vgpu_default_slice_follows_the_density_rule),
        TU_TEST(examples_run_and_repeat_byte_for_byte),
        TU_TEST(invalid_mig_layouts_are_refused_with_what_would_fit),
        TU_TEST(mps_percentages_and_client_limits_are_checked),
        TU_TEST(policies_the_mode_cannot_run_are_refused),
    };
    TU_SUITE("sharing", tests);
}
