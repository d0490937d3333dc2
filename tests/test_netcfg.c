/* test_netcfg.c -- a scenario's "network" section (scenarios/netcfg.h). */
#include <string.h>
#include "tests/testutil.h"
#include "scenarios/netcfg.h"
#include "scenarios/scenario.h"

static const char BASE[] =
    "{ \"duration_s\": 0.1, \"replications\": 1,"
    "  \"hardware\": { \"gpu\": \"h100-sxm\", \"gpus\": 8, \"nodes\": 4 },"
    "  \"network\": { \"topology\": \"aws-p5\", \"virtualization\": \"passthrough_no_gdr\","
    "                 \"jitter_us\": 10, \"host_noise_rate_per_s\": 100, \"host_noise_us\": 30,"
    "                 \"ring_mode\": \"chunk\", \"channels\": 16 },"
    "  \"tenants\": [ { \"name\": \"t\", \"workload\": { \"type\": \"synthetic\","
    "      \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 1 } },"
    "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1 } } ] }";

static void network_section_builds_topology_noise_and_virtualization(void)
{
    scn *sc;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(scn_load_text(BASE, "net.json", NULL, 0, &sc, err, sizeof err), SCN_OK);
    const netcfg *n = sc->net;
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_STRING_EQUAL(n->t.preset->name, "aws-p5");
    CU_ASSERT_EQUAL(topo_ranks(&n->t), 32);
    CU_ASSERT_EQUAL(n->t.virt, TOPO_VIRT_PASSTHROUGH_NO_GDR);
    ASSERT_REL(n->t.inter_gbs, 32 * 12.0 * 0.5, 1e-12);
    ASSERT_REL(n->t.intra_gbs, 16 * 20.6, 1e-12);
    CU_ASSERT_EQUAL(n->noise.jitter, COLL_JITTER_EXPONENTIAL);  /* the default once jitter_us > 0 */
    ASSERT_REL(n->noise.jitter_us, 10, 0);
    ASSERT_REL(n->noise.noise_rate_per_s, 100, 0);
    CU_ASSERT_EQUAL(n->noise.mode, COLL_MODE_CHUNK);
    CU_ASSERT_EQUAL(n->corr.n, 0);
    ASSERT_REL(n->corr.lat_scale, 1, 0);
    scn_free(sc);
}

static void scenarios_without_a_network_load_as_before(void)
{
    static const char text[] =
        "{ \"hardware\": { \"gpu\": \"h100-sxm\", \"gpus\": 16 },"
        "  \"tenants\": [ { \"name\": \"t\", \"workload\": { \"type\": \"synthetic\","
        "      \"service_ms\": { \"dist\": \"deterministic\", \"mean\": 1 } },"
        "      \"arrivals\": { \"type\": \"poisson\", \"rate_per_s\": 1 } } ] }";
    scn *sc;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(scn_load_text(text, "plain.json", NULL, 0, &sc, err, sizeof err), SCN_OK);
    CU_ASSERT_PTR_NULL(sc->net);          /* 16 GPUs in a node: no server preset, no network */
    scn_free(sc);
    char *sets[] = { "hardware.gpus=2", "hardware.nodes=1" };
    CU_ASSERT_EQUAL_FATAL(scn_load_text(text, "two.json", sets, 2, &sc, err, sizeof err), SCN_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc->net);   /* two GPUs: the GPU's default server */
    CU_ASSERT_STRING_EQUAL(sc->net->t.preset->name, "dgx-h100");
    scn_free(sc);
}

static void bad_network_values_name_their_json_path(void)
{
    static const struct { const char *set, *needle; } BAD[] = {
        { "network.topology=\"dgx-b200\"", "network.topology: unknown topology preset \"dgx-b200\"" },
        { "network.topology=\"dgx-a100\"", "holds a100-sxm-80gb GPUs" },
        { "network.virtualization=\"kvm\"", "network.virtualization" },
        { "network.nics=0", "network.nics" },
        { "network.net_bw_factor=0", "network.net_bw_factor" },
        { "network.jitter_dist=\"uniform\"", "network.jitter_dist" },
        { "network.ring_mode=\"wave\"", "network.ring_mode" },
        { "network.speed=3", "network.speed" },
        { "network.nvls=3", "network.nvls" },
        { "network.correction=\"/nonexistent/corr.json\"", "network.correction" },
        { "network.tuner=\"/nonexistent/nccl_tuner.conf\"", "network.tuner: /nonexistent/nccl_tuner.conf" },
        { "network.algo=\"Ring,PAT\"", "network.algo: value \"Ring,PAT\": algorithm \"PAT\" is NCCL's but not "
          "modelled by slicesim" },
        { "network.proto=\"allreduce:^LL,LL128,Simple\"", "network.proto: value \"allreduce:^LL,LL128,Simple\": "
          "\"^LL,LL128,Simple\" excludes every protocol" },
        { "hardware.gpus=1", "hardware: 4 node(s) x 1 GPU(s)" },
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        scn *sc;
        char err[1024];
        char *sets[] = { (char *)BAD[i].set };
        if (i == sizeof BAD / sizeof BAD[0] - 1) {
            char *two[] = { "hardware.gpus=1", "hardware.nodes=1" };
            CU_ASSERT_EQUAL(scn_load_text(BASE, "net.json", two, 2, &sc, err, sizeof err), SCN_BAD_INPUT);
            CU_ASSERT_PTR_NOT_NULL(strstr(err, "at least 2 GPUs"));
            continue;
        }
        CU_ASSERT_EQUAL(scn_load_text(BASE, "net.json", sets, 1, &sc, err, sizeof err), SCN_BAD_INPUT);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, BAD[i].needle));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "net.json"));
        if (!strstr(err, BAD[i].needle))
            fprintf(stderr, "\n    case %zu: %s", i, err);
    }
}

/* `collective --scenario` gives what the same platform on the command line
 * gives. */
static void collective_from_a_scenario_matches_the_same_options(void)
{
    static char a[1 << 15], b[1 << 15], err[2048];
    char *from[] = { "slicesim", "collective", "--scenario", "scenarios/collective-2node-h100-vm.json",
                     "--min", "1K", "--max", "64M", "--iters", "4", NULL };
    char *flags[] = { "slicesim", "collective", "--topo", "gcp-a3-mega", "--nodes", "2", "--virt",
                      "passthrough", "--jitter-us", "20", "--noise-rate", "200", "--noise-us", "50",
                      "--ring-mode", "chunk", "--correction",
                      "calibration/examples/a3mega-2x8.correction.json",
                      "--min", "1K", "--max", "64M", "--iters", "4", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(from, a, sizeof a, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(tu_cli(flags, b, sizeof b, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(a, b);
    char *both[] = { "slicesim", "collective", "--scenario", "scenarios/collective-2node-h100-vm.json",
                     "--nodes", "4", NULL };
    CU_ASSERT_EQUAL(tu_cli(both, a, sizeof a, err, sizeof err), 2);
}

/* network.tuner names a file beside the scenario (read relative to its
 * folder) and network.algo an NCCL_ALGO list: `collective --scenario`
 * gives what --tuner and --algo give; the header names the tuner. A line
 * of the file that is no rule is refused with its file, line and field. */
static void tuner_and_algorithm_lists_come_from_the_network_section(void)
{
    static char a[1 << 15], b[1 << 15], err[2048];
    char *from[] = { "slicesim", "collective", "--scenario", "scenarios/training-a3mega-tuner.json",
                     "--min", "64K", "--max", "64M", NULL };
    char *flags[] = { "slicesim", "collective", "--topo", "gcp-a3-mega", "--nodes", "2", "--virt", "passthrough",
                      "--tuner", "calibration/examples/a3mega-inferred.tuner.conf", "--algo", "^NVLS,NVLSTree",
                      "--min", "64K", "--max", "64M", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(from, a, sizeof a, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(tu_cli(flags, b, sizeof b, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "# tuner: a3mega-inferred.tuner.conf (2 rules;"));
    /* the rule's pairs, row by row: Ring/LL to 16 MiB, Tree/Simple from 32 */
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "16777216       4194304     float     sum      -1"));
    const char *r16 = strstr(a, "16777216       4194304"), *r32 = strstr(a, "33554432       8388608");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r32);
    CU_ASSERT(strstr(r16, "Ring      LL") < r32);
    CU_ASSERT_PTR_NOT_NULL(strstr(r32, "Tree  Simple"));
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bad.conf", dir);
    CU_ASSERT_EQUAL_FATAL(tu_write_file(path, "# ok\nallreduce,0,-1,ring,ll,-1,-1,-1\n"
                                              "allgather,0,-1,ring,simple,99,-1,-1\n"), 0);
    char set[200];
    snprintf(set, sizeof set, "network.tuner=\"%s\"", path);
    char *sets[] = { set };
    scn *sc;
    CU_ASSERT_EQUAL(scn_load_text(BASE, "net.json", sets, 1, &sc, err, sizeof err), SCN_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.conf: line 3, field 6 (channels): value \"99\" is not allowed; "
                                       "allowed: 1 to 64, or -1 (NCCL's count)"));
    char *cli[] = { "slicesim", "collective", "--topo", "dgx-h100", "--tuner", path, NULL };
    CU_ASSERT_EQUAL(tu_cli(cli, a, sizeof a, err, sizeof err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--tuner"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 3, field 6 (channels)"));
}

/* A correction is checked against what each tenant runs on it: a sharded
 * training tenant's all-gathers and reduce-scatters warn that it was
 * fitted on all-reduce (they were checked as all-reduces before). */
static void corrections_are_checked_against_each_tenants_collectives(void)
{
    static char o[1 << 12], e[1 << 13];
    char dir[64];
    tu_tmpdir(dir, sizeof dir);
    char *fs[] = { "slicesim", "run", "scenarios/collective-2node-h100-vm.json", "--set",
                   "tenants.0.workload.sharding=full_shard", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(fs, o, sizeof o, e, sizeof e), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(e, "tenant \"bert\": the correction was fitted on allreduce, not allgather"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e, "tenant \"bert\": the correction was fitted on allreduce, not reducescatter"));
    char *ddp[] = { "slicesim", "run", "scenarios/collective-2node-h100-vm.json", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(ddp, o, sizeof o, e, sizeof e), 0);
    CU_ASSERT_PTR_NULL(strstr(e, "not allgather"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e, "tenant \"bert\": the correction was fitted on virtualization bare_metal"));
}

TU_SUITE_FN(netcfg)
{
    static const tu_test tests[] = {
        TU_TEST(network_section_builds_topology_noise_and_virtualization),
        TU_TEST(scenarios_without_a_network_load_as_before),
        TU_TEST(bad_network_values_name_their_json_path),
        TU_TEST(collective_from_a_scenario_matches_the_same_options),
        TU_TEST(corrections_are_checked_against_each_tenants_collectives),
        TU_TEST(tuner_and_algorithm_lists_come_from_the_network_section),
    };
    TU_SUITE("netcfg", tests);
}
