/* test_vary.c -- the --vary grammar and the point <-> values mapping. */
#include <stdio.h>
#include <string.h>
#include "tests/testutil.h"
#include "cli/vary.h"

static FILE *sink(void) { return tmpfile(); }

static void range_includes_both_ends_and_steps_exactly(void)
{
    vary_set vs = { 0 };
    FILE *e = sink();
    CU_ASSERT_EQUAL_FATAL(vary_add(&vs, "sharing.timeslice_ms=0.5:2:0.5", e), 0);
    CU_ASSERT_EQUAL(vs.dims[0].n, 4);
    CU_ASSERT_STRING_EQUAL(vs.dims[0].values[0], "0.5");
    CU_ASSERT_STRING_EQUAL(vs.dims[0].values[3], "2");
    CU_ASSERT(vs.dims[0].numeric);
    vary_free(&vs);
    /* 0.1 steps accumulate rounding error: the end must still be included */
    CU_ASSERT_EQUAL_FATAL(vary_add(&vs, "x=0:1:0.1", e), 0);
    CU_ASSERT_EQUAL(vs.dims[0].n, 11);
    CU_ASSERT_STRING_EQUAL(vs.dims[0].values[10], "1");
    CU_ASSERT_STRING_EQUAL(vs.dims[0].values[3], "0.3");
    vary_free(&vs);
    CU_ASSERT_EQUAL_FATAL(vary_add(&vs, "x=1:30:10", e), 0);
    CU_ASSERT_EQUAL(vs.dims[0].n, 3);          /* 1, 11, 21: 31 is past the end */
    CU_ASSERT_STRING_EQUAL(vs.dims[0].values[2], "21");
    vary_free(&vs);
    fclose(e);
}

/* The largest range allowed is read whole; one value more is refused. */
static void a_range_of_the_largest_size_is_read_whole(void)
{
    vary_set vs = { 0 };
    FILE *e = sink();
    CU_ASSERT_EQUAL_FATAL(vary_add(&vs, "x=1:100000:1", e), 0);
    CU_ASSERT_EQUAL(vs.dims[0].n, 100000);
    CU_ASSERT_STRING_EQUAL(vs.dims[0].values[99999], "100000");
    vary_free(&vs);
    CU_ASSERT_EQUAL(vary_add(&vs, "x=1:100001:1", e), -1);
    vary_free(&vs);
    fclose(e);
}

static void list_items_may_be_json_with_commas_or_plain_strings(void)
{
    vary_set vs = { 0 };
    FILE *e = sink();
    CU_ASSERT_EQUAL_FATAL(vary_add(&vs, "tenants.0.arrivals={\"type\":\"poisson\",\"rate_per_s\":5},"
                                        "{\"type\":\"closed\",\"users\":2}", e), 0);
    CU_ASSERT_EQUAL(vs.dims[0].n, 2);
    CU_ASSERT_STRING_EQUAL(vs.dims[0].values[1], "{\"type\":\"closed\",\"users\":2}");
    CU_ASSERT(!vs.dims[0].numeric);
    CU_ASSERT_EQUAL_FATAL(vary_add(&vs, "sharing.preemption=instruction,kernel", e), 0);
    CU_ASSERT_STRING_EQUAL(vs.dims[1].values[1], "kernel");
    vary_free(&vs);
    fclose(e);
}

static void points_enumerate_the_product_with_the_last_dimension_fastest(void)
{
    vary_set vs = { 0 };
    char buf[128];
    FILE *e = sink();
    CU_ASSERT_EQUAL_FATAL(vary_add(&vs, "a=1,2,3", e), 0);
    CU_ASSERT_EQUAL_FATAL(vary_add(&vs, "b=10:20:10", e), 0);
    CU_ASSERT_EQUAL(vary_points(&vs), 6);
    CU_ASSERT_STRING_EQUAL(vary_value(&vs, 0, 0), "1");
    CU_ASSERT_STRING_EQUAL(vary_value(&vs, 1, 1), "20");
    CU_ASSERT_STRING_EQUAL(vary_value(&vs, 2, 0), "2");
    CU_ASSERT_STRING_EQUAL(vary_value(&vs, 5, 0), "3");
    CU_ASSERT_STRING_EQUAL(vary_value(&vs, 5, 1), "20");
    CU_ASSERT_STRING_EQUAL(vary_assignment(&vs, 3, 1, buf, sizeof buf), "b=20");
    vary_free(&vs);
    fclose(e);
}

/* A tuple dimension moves its paths together: value k is one JSON array,
 * element j going to path j; a plain dimension has one part. */
static void a_tuple_sets_each_of_its_paths_to_its_element(void)
{
    vary_set vs = { 0 };
    FILE *e = sink();
    char buf[256];
    CU_ASSERT_EQUAL_FATAL(vary_add(&vs, "x=1,2", e), 0);
    CU_ASSERT_EQUAL_FATAL(vary_add(&vs, "sharing.mode+sharing.instances+tenants.1.instance="
                                        "[\"timeslice\",null,null],[\"mig\",[{\"profile\":\"7g.80gb\"}],0]", e), 0);
    CU_ASSERT_EQUAL(vary_points(&vs), 4);
    CU_ASSERT_EQUAL(vary_nparts(&vs, 0), 1);
    CU_ASSERT_EQUAL(vary_nparts(&vs, 1), 3);
    CU_ASSERT_FALSE(vs.dims[1].numeric);
    CU_ASSERT_STRING_EQUAL(vary_part(&vs, 3, 0, 0, buf, sizeof buf), "x=2");
    CU_ASSERT_PTR_NULL(vary_part(&vs, 3, 0, 1, buf, sizeof buf));
    CU_ASSERT_STRING_EQUAL(vary_part(&vs, 2, 1, 0, buf, sizeof buf), "sharing.mode=\"timeslice\"");
    CU_ASSERT_STRING_EQUAL(vary_part(&vs, 2, 1, 2, buf, sizeof buf), "tenants.1.instance=null");
    CU_ASSERT_STRING_EQUAL(vary_part(&vs, 3, 1, 1, buf, sizeof buf), "sharing.instances=[{\"profile\":\"7g.80gb\"}]");
    CU_ASSERT_STRING_EQUAL(vary_part(&vs, 3, 1, 2, buf, sizeof buf), "tenants.1.instance=0");
    vary_free(&vs);
    /* the wrong number of elements, or an empty path, is refused */
    CU_ASSERT_EQUAL(vary_add(&vs, "a+b=[1,2],[3]", e), -1);
    vary_free(&vs);
    CU_ASSERT_EQUAL(vary_add(&vs, "a++b=[1,2,3]", e), -1);
    vary_free(&vs);
    fclose(e);
}

static void bad_vary_expressions_are_refused_with_a_message(void)
{
    static const char *const bad[] = {
        "novalue", "=1,2", "x=", "x=1,,2", "x=5:1:1", "x=0:1:0", "x=0:1:-1", "x=0:1e9:1e-3",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        vary_set vs = { 0 };
        char msg[512] = "";
        FILE *e = sink();
        CU_ASSERT_EQUAL(vary_add(&vs, bad[k], e), -1);
        rewind(e);
        size_t n = fread(msg, 1, sizeof msg - 1, e);
        msg[n] = '\0';
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, "--vary"));
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, "allowed") ? strstr(msg, "allowed") : strstr(msg, "expected"));
        vary_free(&vs);
        fclose(e);
    }
    vary_set vs = { 0 };
    FILE *e = sink();
    CU_ASSERT_EQUAL(vary_add(&vs, "a=1,2", e), 0);
    CU_ASSERT_EQUAL(vary_add(&vs, "a=3", e), -1);           /* the same path twice */
    vary_free(&vs);
    fclose(e);
}

TU_SUITE_FN(vary)
{
    static const tu_test tests[] = {
        TU_TEST(range_includes_both_ends_and_steps_exactly),
        TU_TEST(a_range_of_the_largest_size_is_read_whole),
        TU_TEST(list_items_may_be_json_with_commas_or_plain_strings),
        TU_TEST(points_enumerate_the_product_with_the_last_dimension_fastest),
        TU_TEST(bad_vary_expressions_are_refused_with_a_message),
        TU_TEST(a_tuple_sets_each_of_its_paths_to_its_element),
    };
    TU_SUITE("vary", tests);
}
