/* test_accuracy.c -- the validated error every run carries (models/accuracy.h):
 * its table is what `slicesim validate` computes, and each tenant gets the
 * families its figures rest on. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/testutil.h"
#include "models/accuracy.h"
#include "scenarios/scenario.h"

static char out[1 << 16], err[1 << 12];

/* Cases of a family whose rows are not a prediction held to a measurement:
 * nccl-fit compares the fitted constants with the ones the code keeps. */
static const char *const NOT_MEASURED[] = { "nccl-fit", NULL };

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Whether case c is one of cases (space-separated; a name ending in '*'
 * stands for every case it begins). */
static int case_listed(const char *cases, const char *c)
{
    for (const char *p = cases; *p;) {
        size_t n = strcspn(p, " ");
        int prefix = n > 0 && p[n - 1] == '*';
        size_t m = prefix ? n - 1 : n;
        if (strncmp(p, c, m) == 0 && (prefix || c[m] == '\0'))
            return 1;
        p += n;
        p += *p == ' ';
    }
    return 0;
}

static int not_measured(const char *c)
{
    for (int k = 0; NOT_MEASURED[k]; k++)
        if (strcmp(NOT_MEASURED[k], c) == 0)
            return 1;
    return 0;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Two decimals, as the table keeps them. */
static int kept_as(double kept, double value)
{
    return fabs(kept - value) <= 0.005 + 1e-9;
}

/* One family's published rows in doc: their |error|s into e (sorted), how
 * many are within tolerance; each published case of the family is either
 * the entry's or one of NOT_MEASURED. */
static size_t family_errors(const cJSON *doc, const acc_entry *a, double *e, int *within)
{
    const cJSON *r;
    size_t n = 0;
    *within = 0;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "rows")) {
        if (strcmp(str(r, "family"), a->family) != 0 || strcmp(str(r, "source"), "published") != 0)
            continue;
        const char *c = str(r, "case");
        int listed = case_listed(a->cases, c);
        CU_ASSERT(listed || not_measured(c));
        if (!listed && !not_measured(c))
            fprintf(stderr, "\n  %s: published case %s is not in models/accuracy.c", a->family, c);
        if (!listed)
            continue;
        e[n++] = fabs(cJSON_GetObjectItem(r, "error_pct")->valuedouble);
        *within += cJSON_IsTrue(cJSON_GetObjectItem(r, "ok"));
    }
    qsort(e, n, sizeof *e, by_value);
    return n;
}

/* An entry's left-out figures: over the summaries of its leave-one-out
 * case that predict a GPU or platform without it ("left out", "fit
 * without"), the points, their weighted mean and the largest error. */
static void left_out_is_what_validate_computes(const cJSON *doc, const acc_entry *a)
{
    const cJSON *s;
    double sum = 0, max = 0;
    int points = 0;
    cJSON_ArrayForEach(s, cJSON_GetObjectItem(doc, "summaries")) {
        const char *item = str(s, "item");
        if (!a->left_out_case || strcmp(str(s, "case"), a->left_out_case) != 0 ||
            (!strstr(item, "left out") && !strstr(item, "fit without")))
            continue;
        int n = cJSON_GetObjectItem(s, "points")->valueint;
        double m = cJSON_GetObjectItem(s, "max_abs_error_pct")->valuedouble;
        points += n;
        sum += n * cJSON_GetObjectItem(s, "mean_abs_error_pct")->valuedouble;
        max = m > max ? m : max;
    }
    double mean = points ? sum / points : 0;
    int ok = a->left_out_points == points && kept_as(a->left_out_mean_pct, mean) && kept_as(a->left_out_max_pct, max);
    CU_ASSERT(ok);
    CU_ASSERT(!a->left_out_case || points > 0);      /* a named case has left-out summaries */
    if (!ok)
        fprintf(stderr, "\n  models/accuracy.c %s left out is now: %d, %.2f, %.2f", a->family, points, mean, max);
}

/* An entry's GPUs: the presets its published rows name (validate's
 * "gpu"), each once, sorted by name, as the entry lists them. */
static void gpus_are_what_validate_rows_name(const cJSON *doc, const acc_entry *a)
{
    const char *seen[64];
    size_t n = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "rows")) {
        const char *g = str(r, "gpu");
        if (strcmp(str(r, "family"), a->family) != 0 || strcmp(str(r, "source"), "published") != 0 ||
            !case_listed(a->cases, str(r, "case")) || !g[0])
            continue;
        size_t k = 0;
        while (k < n && strcmp(seen[k], g) < 0)
            k++;
        if (k < n && strcmp(seen[k], g) == 0)
            continue;
        CU_ASSERT_FATAL(n < 64);
        memmove(&seen[k + 1], &seen[k], (n - k) * sizeof *seen);
        seen[k] = g;
        n++;
    }
    int ok = acc_ngpus(a) == n;
    for (size_t k = 0; ok && k < n; k++)
        ok = strcmp(a->gpus[k], seen[k]) == 0;
    CU_ASSERT(ok);
    if (!ok) {
        fprintf(stderr, "\n  models/accuracy.c %s GPUs are now: GPUS(", a->family);
        for (size_t k = 0; k < n; k++)
            fprintf(stderr, "%s\"%s\"", k ? ", " : "", seen[k]);
        fprintf(stderr, ")");
    }
    for (size_t k = 0; k < n; k++)
        CU_ASSERT(acc_measured_on(a, seen[k]));
    CU_ASSERT(!acc_measured_on(a, "gb300"));
    CU_ASSERT(!acc_measured_on(a, NULL));
}

static void table_is_what_validate_computes(void)
{
    char dir[64], path[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/v.json", dir);
    char *a[] = { "slicesim", "validate", "--json", path, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(a, out, sizeof out, err, sizeof err), 0);
    cJSON *doc = tu_read_json(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    double *e = malloc((size_t)cJSON_GetArraySize(cJSON_GetObjectItem(doc, "rows")) * sizeof *e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(acc_count(), 8);
    for (size_t i = 0; i < acc_count(); i++) {
        const acc_entry *x = acc_at(i);
        int within;
        size_t n = family_errors(doc, x, e, &within);
        CU_ASSERT_FATAL(n > 0);
        double sum = 0;
        for (size_t k = 0; k < n; k++)
            sum += e[k];
        double mean = sum / (double)n, p90 = e[(size_t)ceil(0.9 * (double)n) - 1], max = e[n - 1];
        int ok = x->rows == (int)n && x->within == within && kept_as(x->mean_pct, mean) &&
                 kept_as(x->p90_pct, p90) && kept_as(x->max_pct, max);
        CU_ASSERT(ok);
        if (!ok)
            fprintf(stderr, "\n  models/accuracy.c %s is now: %zu, %d, %.2f, %.2f, %.2f", x->family, n, within, mean,
                    p90, max);
        left_out_is_what_validate_computes(doc, x);
        gpus_are_what_validate_rows_name(doc, x);
    }
    free(e);
    cJSON_Delete(doc);
    CU_ASSERT_PTR_NULL(acc_at(acc_count()));
    CU_ASSERT_PTR_NULL(acc_find("synthetic"));
    CU_ASSERT_PTR_NULL(acc_find(NULL));
}

/* The families tenant `name` of scenario file rests on, space-separated. */
static void families_of(const char *file, char *const *sets, size_t nsets, char *buf, size_t len)
{
    scn *sc = NULL;
    char e[512];
    buf[0] = '\0';
    int rc = scn_load(file, sets, nsets, &sc, e, sizeof e);
    if (rc != SCN_OK)
        fprintf(stderr, "\n  %s: %s", file, e);
    CU_ASSERT_EQUAL_FATAL(rc, SCN_OK);
    const acc_entry *got[ACC_PER_TENANT];
    size_t n = acc_of_tenant(&sc->cfg, &sc->cfg.tenants[0], got, ACC_PER_TENANT);
    for (size_t k = 0; k < n; k++)
        snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", k ? " " : "", got[k]->family);
    scn_free(sc);
}

static void a_tenant_rests_on_its_workload_its_collectives_and_its_sharing(void)
{
    char f[128];
    families_of("scenarios/mm1-exclusive.json", NULL, 0, f, sizeof f);
    CU_ASSERT_STRING_EQUAL(f, "");                         /* a drawn burst on a GPU of its own */
    families_of("scenarios/llm-h100-exclusive.json", NULL, 0, f, sizeof f);
    CU_ASSERT_STRING_EQUAL(f, "llm");
    families_of("scenarios/llm-qwen3-h20-tp8.json", NULL, 0, f, sizeof f);
    CU_ASSERT_STRING_EQUAL(f, "llm nccl");                 /* tensor parallel over 8 GPUs */
    families_of("scenarios/training-dp-8gpu.json", NULL, 0, f, sizeof f);
    CU_ASSERT_STRING_EQUAL(f, "training nccl");
    families_of("scenarios/llm-diffusion-timesliced.json", NULL, 0, f, sizeof f);
    CU_ASSERT_STRING_EQUAL(f, "llm timeslice");
    families_of("scenarios/mig-a100-7x1g.json", NULL, 0, f, sizeof f);
    CU_ASSERT_STRING_EQUAL(f, "mig");
    families_of("scenarios/vgpu-equal-share.json", NULL, 0, f, sizeof f);
    CU_ASSERT_STRING_EQUAL(f, "timeslice virtualization");
    families_of("scenarios/virt-passthrough.json", NULL, 0, f, sizeof f);
    CU_ASSERT_STRING_EQUAL(f, "virtualization");          /* a drawn burst in a VM */
    char *bare[] = { "virtualization.mode=bare_metal" };
    families_of("scenarios/virt-passthrough.json", bare, 1, f, sizeof f);
    CU_ASSERT_STRING_EQUAL(f, "");
}

static void summary_and_table_carry_the_validated_error(void)
{
    char dir[64];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    char *a[] = { "slicesim", "run", "scenarios/llm-diffusion-timesliced.json", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(a, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "validated error of the model against published measurements"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\ntimeslice     5                 5         3.30%"));
    char path[128];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    cJSON *doc = tu_read_json(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "tenants"), 0);
    const cJSON *v = cJSON_GetObjectItem(t, "validation");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(v), 2);
    const cJSON *llm = cJSON_GetArrayItem(v, 0);
    const acc_entry *e = acc_find("llm");
    CU_ASSERT_STRING_EQUAL(str(llm, "family"), "llm");
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(llm, "rows")->valueint, e->rows);
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(llm, "p90_abs_error_pct")->valuedouble, e->p90_pct, 1e-9);
    cJSON_Delete(doc);
}

/* A run on a GPU no row of its families measured says so, once per
 * family, in its warnings and in each validation object; a run on a
 * measured GPU does not. */
static void a_gpu_no_row_measured_is_named_in_the_warnings(void)
{
    char dir[64], path[128];
    CU_ASSERT_PTR_NOT_NULL_FATAL(tu_tmpdir(dir, sizeof dir));
    char *a[] = { "slicesim", "run", "scenarios/llm-qwen3-h20-tp8.json", "--set", "duration_s=4", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(a, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "warning: no published row of the llm family was measured on h20 "
                                       "(hardware.gpu): its rows were measured on a100-sxm-80gb and h100-sxm"));
    /* the nccl family holds an H20 run (nccl#1244's NVLSTree rows, below 64 KiB) */
    CU_ASSERT_PTR_NULL(strstr(err, "no published row of the nccl family"));
    snprintf(path, sizeof path, "%s/summary.json", dir);
    cJSON *doc = tu_read_json(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const cJSON *v = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "tenants"), 0), "validation");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(v), 2);
    const cJSON *x;
    cJSON_ArrayForEach(x, v) {
        int nccl = strcmp(str(x, "family"), "nccl") == 0;
        CU_ASSERT(cJSON_IsBool(cJSON_GetObjectItem(x, "measured_on_this_gpu")) &&
                  cJSON_IsTrue(cJSON_GetObjectItem(x, "measured_on_this_gpu")) == nccl);
        CU_ASSERT_EQUAL((size_t)cJSON_GetArraySize(cJSON_GetObjectItem(x, "measured_on")),
                        acc_ngpus(acc_find(str(x, "family"))));
    }
    size_t warned = 0;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(doc, "warnings"))
        warned += strstr(x->valuestring, "no published row of the") != NULL;
    CU_ASSERT_EQUAL(warned, 1);
    cJSON_Delete(doc);
    /* the same on the H100s its rows were measured on: no such warning */
    char *b[] = { "slicesim", "run", "scenarios/llm-qwen3-h20-tp8.json", "--set", "duration_s=4", "--set",
                  "hardware.gpu=h100-sxm", "--set", "network.topology=hgx-h100", "-o", dir, NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(b, out, sizeof out, err, sizeof err), 0);
    CU_ASSERT_PTR_NULL(strstr(err, "no published row of the"));
    doc = tu_read_json(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    v = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "tenants"), 0), "validation");
    cJSON_ArrayForEach(x, v)
        CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(x, "measured_on_this_gpu")));
    cJSON_Delete(doc);
}

/* `slicesim list validation`: every family, its numbers and what its rows compare. */
static void list_prints_every_family(void)
{
    char *a[] = { "slicesim", "list", "validation", NULL };
    CU_ASSERT_EQUAL_FATAL(tu_cli(a, out, sizeof out, err, sizeof err), 0);
    for (size_t k = 0; k < acc_count(); k++) {
        const acc_entry *e = acc_at(k);
        char row[64];
        snprintf(row, sizeof row, "\n%s ", e->family);
        const char *at = strstr(out, row);
        CU_ASSERT_PTR_NOT_NULL(at);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, e->validated));
        snprintf(row, sizeof row, "%.2f%%", e->p90_pct);
        CU_ASSERT(at && strstr(at, row) && strstr(at, row) < strchr(at + 1, '\n'));
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nllm             a100-sxm-80gb, h100-sxm\n"));
    char *b[] = { "slicesim", "list", "validation", "nccl", NULL };
    CU_ASSERT_EQUAL(tu_cli(b, out, sizeof out, err, sizeof err), 2);
}

/* The numbers of a markdown table line: its cells read as numbers into v
 * (room for max), the first cell skipped; how many. */
static int line_numbers(const char *line, double *v, int max)
{
    char buf[1024];
    size_t n = strcspn(line, "\n");
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, line, n);
    buf[n] = '\0';
    int k = 0;
    char *save = NULL;
    for (char *c = strtok_r(buf, "|", &save); c && k < max; c = strtok_r(NULL, "|", &save)) {
        char *endp;
        double x = strtod(c, &endp);
        if (endp != c && (*endp == '%' || *endp == ' ' || *endp == '\0'))
            v[k++] = x;
    }
    return k;
}

/* docs/outputs.md's Validation table is the table every run prints. */
static void outputs_doc_table_is_the_table(void)
{
    char *md = tu_read_file("docs/outputs.md", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    size_t rows = 0;
    for (const char *line = strstr(md, "\n| `"); line; line = strstr(line + 1, "\n| `")) {
        char fam[32];
        double v[8];
        if (sscanf(line, "\n| `%31[a-z]` |", fam) != 1 || !acc_find(fam))
            continue;
        const acc_entry *e = acc_find(fam);
        int k = line_numbers(line + 1, v, 8), lo = e->left_out_points > 0;
        if (k == 0)
            continue;                                /* another table's row of that name */
        int ok = k == (lo ? 7 : 5) && (int)v[0] == e->rows && (int)v[1] == e->within && kept_as(v[2], e->mean_pct) &&
                 kept_as(v[3], e->p90_pct) && kept_as(v[4], e->max_pct) &&
                 (!lo || (kept_as(v[5], e->left_out_mean_pct) && kept_as(v[6], e->left_out_max_pct)));
        CU_ASSERT(ok);
        if (!ok)
            fprintf(stderr, "\n  docs/outputs.md %s: %g %g %g %g %g", fam, v[0], v[1], v[2], v[3], v[4]);
        rows++;
    }
    CU_ASSERT_EQUAL(rows, acc_count());
    free(md);
}

TU_SUITE_FN(accuracy)
{
    static const tu_test tests[] = {
        TU_TEST(table_is_what_validate_computes),
        TU_TEST(a_tenant_rests_on_its_workload_its_collectives_and_its_sharing),
        TU_TEST(summary_and_table_carry_the_validated_error),
        TU_TEST(a_gpu_no_row_measured_is_named_in_the_warnings),
        TU_TEST(outputs_doc_table_is_the_table),
        TU_TEST(list_prints_every_family),
    };
    TU_SUITE("accuracy", tests);
}
