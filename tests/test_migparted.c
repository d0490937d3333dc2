/* test_migparted.c -- MIG layouts as MIG users write them: mig-parted
 * configuration files (YAML), mig-devices count maps, nvidia-smi's names
 * and profile IDs in a scenario. */
#include <stdio.h>
#include <string.h>
#include "tests/testutil.h"
#include "scenarios/migparted.h"
#include "scenarios/scenario.h"

static const char YAML[] =
    "version: v1\n"
    "mig-configs:\n"
    "  all-1g.10gb:\n"
    "    - devices: all\n"
    "      mig-enabled: true\n"
    "      mig-devices:\n"
    "        \"1g.10gb\": 7\n"
    "  custom:\n"
    "    - devices: [0, 1]\n"
    "      mig-enabled: false\n"
    "    - devices: [2]\n"
    "      mig-enabled: true\n"
    "      mig-devices:\n"
    "        \"3g.40gb\": 1\n"
    "        \"2g.20gb\": 1\n"
    "        \"1g.10gb\": 2\n"
    "        \"1g.20gb\": 0\n";

static const char *write_tmp(char *dir, size_t dlen, char *path, size_t plen, const char *name, const char *text)
{
    tu_tmpdir(dir, dlen);
    snprintf(path, plen, "%s/%s", dir, name);
    CU_ASSERT_EQUAL_FATAL(tu_write_file(path, text), 0);
    return path;
}

static void a_config_gives_each_device_its_mig_devices_in_order(void)
{
    char dir[64], path[128], msg[512];
    migparted_layout l;
    write_tmp(dir, sizeof dir, path, sizeof path, "m.yaml", YAML);
    CU_ASSERT_EQUAL_FATAL(migparted_load(path, "all-1g.10gb", 5, &l, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(l.enabled, 1);
    CU_ASSERT_EQUAL(l.ndev, 1);
    CU_ASSERT_STRING_EQUAL(l.dev[0].name, "1g.10gb");
    CU_ASSERT_EQUAL(l.dev[0].count, 7);
    CU_ASSERT_EQUAL(l.dev[0].line, 7);
    CU_ASSERT_EQUAL_FATAL(migparted_load(path, "custom", 2, &l, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(l.ndev, 3);                   /* the count 0 is dropped */
    CU_ASSERT_STRING_EQUAL(l.dev[0].name, "3g.40gb");
    CU_ASSERT_STRING_EQUAL(l.dev[2].name, "1g.10gb");
    CU_ASSERT_EQUAL(l.dev[2].count, 2);
    CU_ASSERT_EQUAL_FATAL(migparted_load(path, "custom", 1, &l, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(l.enabled, 0);
}

static void bad_files_name_the_file_line_and_column(void)
{
    char dir[64], path[128], msg[512];
    migparted_layout l;
    write_tmp(dir, sizeof dir, path, sizeof path, "m.yaml", YAML);
    CU_ASSERT_EQUAL(migparted_load(path, "nope", 0, &l, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "m.yaml:3:3: mig-configs: no configuration \"nope\"; the file has: "
                                       "all-1g.10gb, custom"));
    CU_ASSERT_EQUAL(migparted_load(path, "custom", 3, &l, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "no entry covers device 3"));
    write_tmp(dir, sizeof dir, path, sizeof path, "c.yaml",
              "version: v1\nmig-configs:\n  x:\n    - devices: all\n      mig-enabled: true\n"
              "      mig-devices:\n        \"1g.10gb\": many\n");
    CU_ASSERT_EQUAL(migparted_load(path, "x", 0, &l, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "c.yaml:7:20: mig-devices.1g.10gb: count \"many\""));
    write_tmp(dir, sizeof dir, path, sizeof path, "y.yaml", "version: v1\nmig-configs: [\n");
    CU_ASSERT_EQUAL(migparted_load(path, "x", 0, &l, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "y.yaml:3:1: not YAML"));
    CU_ASSERT_EQUAL(migparted_load("/nonexistent/m.yaml", "x", 0, &l, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "/nonexistent/m.yaml"));
}

#define MIG_SCN(sharing) \
    "{\"hardware\": {\"gpu\": \"h100-sxm\"}, \"duration_s\": 0.5, \"sharing\": {\"mode\": \"mig\", " sharing "}," \
    " \"tenants\": [{\"name\": \"a\", \"instance\": 0, \"workload\": {\"type\": \"synthetic\"," \
    " \"service_ms\": {\"dist\": \"exponential\", \"mean\": 1}}, \"arrivals\": {\"type\": \"poisson\"," \
    " \"rate_per_s\": 10}}]}"

static scn *load(const char *json, const char *file, char *err, size_t len)
{
    scn *sc = NULL;
    return scn_load_text(json, file, NULL, 0, &sc, err, len) == SCN_OK ? sc : NULL;
}

static void scenarios_take_count_maps_ids_and_nvidia_smi_names(void)
{
    char err[1024];
    /* mig-devices written inline: the 3g listed first still lands at slot 4 */
    scn *sc = load(MIG_SCN("\"instances\": {\"3g.40gb\": 1, \"4g.40gb\": 1}"), "s.json", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->cfg.ninst, 2);
    CU_ASSERT_STRING_EQUAL(sc->cfg.inst[0].prof->name, "3g.40gb");
    CU_ASSERT_EQUAL(sc->cfg.inst[0].start, 4);
    CU_ASSERT_EQUAL(sc->cfg.inst[1].start, 0);
    scn_free(sc);
    sc = load(MIG_SCN("\"instances\": [{\"profile\": \"MIG 2g.20gb\"}, {\"profile\": 9}, {\"profile\": \"1g.10gb+me\"}]"),
              "s.json", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_STRING_EQUAL(sc->cfg.inst[0].prof->name, "2g.20gb");
    CU_ASSERT_STRING_EQUAL(sc->cfg.inst[1].prof->name, "3g.40gb");
    CU_ASSERT_STRING_EQUAL(sc->cfg.inst[2].prof->name, "1g.10gb+me");
    CU_ASSERT_EQUAL(sc->cfg.inst[1].start, 4);
    scn_free(sc);
    CU_ASSERT_PTR_NULL(load(MIG_SCN("\"instances\": {\"1g.10gb\": 8}"), "s.json", err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "sharing.instances"));
    CU_ASSERT_PTR_NULL(load(MIG_SCN("\"instances\": [{\"profile\": 77}]"), "s.json", err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown MIG profile \"77\""));
}

static void a_scenario_reads_its_mig_parted_file_beside_it(void)
{
    char dir[64], path[128], spath[160], err[1024];
    write_tmp(dir, sizeof dir, path, sizeof path, "m.yaml", YAML);
    /* the file is named relative to the scenario's folder, not the working directory */
    snprintf(spath, sizeof spath, "%s/s.json", dir);
    scn *sc = load(MIG_SCN("\"mig_parted\": {\"file\": \"m.yaml\", \"config\": \"custom\", \"device\": 2}"), spath,
                   err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->cfg.ninst, 4);
    const char *want[4] = { "3g.40gb", "2g.20gb", "1g.10gb", "1g.10gb" };
    for (int i = 0; i < 4; i++)
        CU_ASSERT_STRING_EQUAL(sc->cfg.inst[i].prof->name, want[i]);
    scn_free(sc);
    CU_ASSERT_PTR_NULL(load(MIG_SCN("\"mig_parted\": {\"file\": \"m.yaml\", \"config\": \"custom\"}"), spath, err,
                            sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "mig-enabled: false for device 0"));
    CU_ASSERT_PTR_NULL(load(MIG_SCN("\"mig_parted\": {\"file\": \"m.yaml\", \"config\": \"custom\"},"
                                    " \"instances\": []"), spath, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "one of them"));
}

TU_SUITE_FN(migparted)
{
    static const tu_test tests[] = {
        TU_TEST(a_config_gives_each_device_its_mig_devices_in_order),
        TU_TEST(bad_files_name_the_file_line_and_column),
        TU_TEST(scenarios_take_count_maps_ids_and_nvidia_smi_names),
        TU_TEST(a_scenario_reads_its_mig_parted_file_beside_it),
    };
    TU_SUITE("migparted", tests);
}
