/* test_mig.c -- MIG profile tables and driver-like layout validation. */
#include <string.h>
#include "tests/testutil.h"
#include "models/mig.h"

static int place(const char *gpu, const char *const *names, const int *starts, int n,
                 mig_instance *out, int *bad, char *msg, size_t len)
{
    const mig_table *t = mig_table_find(gpu);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (int i = 0; i < n; i++) {
        out[i].prof = mig_profile_find(t, names[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(out[i].prof);
        out[i].start = starts ? starts[i] : -1;
    }
    return mig_place(t, out, n, bad, msg, len);
}

static int sum_sms(const mig_instance *in, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += in[i].prof->sms;
    return s;
}

static void seven_1g_instances_of_an_a100_hold_98_sms_not_108(void)
{
    const char *const names[7] = { "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb" };
    mig_instance in[7];
    int bad;
    char msg[512];
    CU_ASSERT_EQUAL_FATAL(place("a100-sxm-40gb", names, NULL, 7, in, &bad, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(sum_sms(in, 7), 98);
    for (int i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(in[i].start, i);
    const gpu_spec *a100 = gpu_spec_find("a100-sxm-40gb");
    double frac = 0;
    for (int i = 0; i < 7; i++)
        frac += mig_compute_frac(in[i].prof, a100);
    ASSERT_REL(frac, 98.0 / 108.0, 1e-12);
    /* and seven on an H100 SXM: 7 x 16 = 112 of 132; its 7g keeps all 132 */
    const char *const h[7] = { "1g.10gb", "1g.10gb", "1g.10gb", "1g.10gb", "1g.10gb", "1g.10gb", "1g.10gb" };
    CU_ASSERT_EQUAL_FATAL(place("h100-sxm", h, NULL, 7, in, &bad, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(sum_sms(in, 7), 112);
    CU_ASSERT_EQUAL(mig_profile_find(mig_table_find("h100-sxm"), "7g.80gb")->sms, 132);
    CU_ASSERT_EQUAL(mig_profile_find(mig_table_find("a100-sxm-40gb"), "7g.40gb")->sms, 98);
}

static void documented_valid_layouts_are_accepted(void)
{
    mig_instance in[7];
    int bad;
    char msg[512];
    const char *const a[3] = { "4g.20gb", "2g.10gb", "1g.5gb" };
    const int sa[3] = { 0, 4, 6 };
    CU_ASSERT_EQUAL(place("a100-sxm-40gb", a, sa, 3, in, &bad, msg, sizeof msg), 0);
    const char *const b[2] = { "4g.40gb", "3g.40gb" };   /* allowed since R510 */
    CU_ASSERT_EQUAL(place("h100-sxm", b, NULL, 2, in, &bad, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(in[1].start, 4);
    const char *const c[4] = { "1g.6gb", "1g.6gb", "1g.6gb", "1g.6gb" };
    CU_ASSERT_EQUAL(place("a30", c, NULL, 4, in, &bad, msg, sizeof msg), 0);
    /* a 3g at slot 0 leaves slots 4, 5, 6 for 1g instances: three fit, a fourth does not */
    const char *const d[5] = { "3g.71gb", "1g.18gb", "1g.18gb", "1g.18gb", "1g.18gb" };
    const int sd[5] = { 0, -1, -1, -1, -1 };
    CU_ASSERT_EQUAL(place("h200", d, sd, 4, in, &bad, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(place("h200", d, sd, 5, in, &bad, msg, sizeof msg), -1);
    CU_ASSERT_EQUAL(bad, 4);
}

static void refused_layouts_say_why_and_what_would_fit(void)
{
    mig_instance in[8];
    int bad;
    char msg[768];
    const char *const two4g[2] = { "4g.20gb", "4g.20gb" };
    CU_ASSERT_EQUAL(place("a100-sxm-40gb", two4g, NULL, 2, in, &bad, msg, sizeof msg), -1);
    CU_ASSERT_EQUAL(bad, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "at most 1 time"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "3g.20gb@4"));        /* what fits beside the first 4g */

    const char *const bad_start[1] = { "3g.40gb" };
    const int s2[1] = { 2 };
    CU_ASSERT_EQUAL(place("a100-sxm-80gb", bad_start, s2, 1, in, &bad, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "placements start at 0, 4"));

    const char *const overlap[2] = { "2g.20gb", "1g.20gb" };
    const int s3[2] = { 2, 2 };
    CU_ASSERT_EQUAL(place("h100-pcie", overlap, s3, 2, in, &bad, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "overlap instance 0"));

    const char *const full[2] = { "7g.40gb", "1g.5gb" };
    CU_ASSERT_EQUAL(place("a100-sxm-40gb", full, NULL, 2, in, &bad, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "only 0 of 7"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "nothing"));

    const char *const a30[1] = { "2g.12gb" };
    const int s4[1] = { 1 };
    CU_ASSERT_EQUAL(place("a30", a30, s4, 1, in, &bad, msg, sizeof msg), -1);
}

/* Every permutation of names (n <= 4) through mig_place: each must be
 * placed, and the starts it returns must pass as given starts. */
static void every_order_places(const char *gpu, const char *const *names, int n)
{
    int perm[4] = { 0, 1, 2, 3 }, count = 0;
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            for (int c = 0; c < (n > 2 ? n : 1); c++)
                for (int d = 0; d < (n > 3 ? n : 1); d++) {
                    int idx[4] = { a, b, n > 2 ? c : 2, n > 3 ? d : 3 }, seen = 0;
                    for (int k = 0; k < n; k++)
                        seen |= 1 << idx[k];
                    if (seen != (1 << n) - 1)
                        continue;
                    const char *order[4];
                    for (int k = 0; k < n; k++)
                        order[k] = names[idx[k]];
                    mig_instance in[4], again[4];
                    int bad, starts[4];
                    char msg[768];
                    int rc = place(gpu, order, NULL, n, in, &bad, msg, sizeof msg);
                    if (rc != 0)
                        fprintf(stderr, "\n    %s refused in order %d: %s\n", gpu, count, msg);
                    CU_ASSERT_EQUAL_FATAL(rc, 0);
                    for (int k = 0; k < n; k++)
                        starts[k] = in[k].start;
                    CU_ASSERT_EQUAL(place(gpu, order, starts, n, again, &bad, msg, sizeof msg), 0);
                    count++;
                }
    (void)perm;
    int fact = n == 2 ? 2 : n == 3 ? 6 : 24;
    CU_ASSERT_EQUAL(count, fact);
}

static void a_valid_layout_is_placed_in_any_order_it_is_listed(void)
{
    /* smallest first: first-fit would put the 3g at slot 0 and refuse the 4g */
    const char *const a[2] = { "3g.20gb", "4g.20gb" };
    mig_instance in[4];
    int bad;
    char msg[768];
    CU_ASSERT_EQUAL_FATAL(place("a100-sxm-40gb", a, NULL, 2, in, &bad, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(in[0].start, 4);
    CU_ASSERT_EQUAL(in[1].start, 0);
    /* 1g before 4g: the 1g instances go to 4, 5, 6 */
    const char *const b[4] = { "1g.5gb", "1g.5gb", "1g.5gb", "4g.20gb" };
    CU_ASSERT_EQUAL_FATAL(place("a100-sxm-40gb", b, NULL, 4, in, &bad, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(in[0].start, 4);
    CU_ASSERT_EQUAL(in[1].start, 5);
    CU_ASSERT_EQUAL(in[2].start, 6);
    CU_ASSERT_EQUAL(in[3].start, 0);
    const char *const c[3] = { "4g.20gb", "2g.10gb", "1g.5gb" };
    every_order_places("a100-sxm-40gb", c, 3);
    const char *const d[3] = { "2g.20gb", "2g.20gb", "3g.40gb" };
    every_order_places("h100-sxm", d, 3);
    const char *const e[4] = { "1g.10gb", "1g.10gb", "2g.20gb", "3g.40gb" };
    every_order_places("h100-sxm", e, 4);
    const char *const f[3] = { "1g.6gb", "1g.6gb", "2g.12gb" };
    every_order_places("a30", f, 3);
    /* a given start is kept and the others placed around it */
    const char *const g[2] = { "1g.5gb", "3g.20gb" };
    const int sg[2] = { -1, 0 };
    CU_ASSERT_EQUAL_FATAL(place("a100-sxm-40gb", g, sg, 2, in, &bad, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(in[0].start, 4);
    CU_ASSERT_EQUAL(in[1].start, 0);
    /* no order fits two 3g and a 1g: every slot is taken by the 3g pair */
    const char *const h[3] = { "3g.20gb", "3g.20gb", "1g.5gb" };
    CU_ASSERT_EQUAL(place("a100-sxm-40gb", h, NULL, 3, in, &bad, msg, sizeof msg), -1);
    CU_ASSERT_EQUAL(bad, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "in this order or any other"));
}

static void profiles_are_found_as_nvidia_smi_and_mig_parted_name_them(void)
{
    const mig_table *t = mig_table_find("a100-sxm-40gb"), *h = mig_table_find("h100-sxm");
    const mig_profile *p = mig_profile_find(t, "1g.5gb");
    CU_ASSERT_PTR_EQUAL(mig_profile_find(t, "MIG 1g.5gb"), p);
    CU_ASSERT_PTR_EQUAL(mig_profile_find(t, "1G.5GB"), p);
    CU_ASSERT_PTR_EQUAL(mig_profile_find(t, "19"), p);            /* nvidia-smi mig -cgi 19 */
    CU_ASSERT_STRING_EQUAL(mig_profile_find(t, "9")->name, "3g.20gb");
    CU_ASSERT_STRING_EQUAL(mig_profile_find(h, "MIG 7g.80gb")->name, "7g.80gb");
    CU_ASSERT_PTR_NULL(mig_profile_find(t, "2g.20gb"));
    CU_ASSERT_PTR_NULL(mig_profile_find(t, "42"));
    /* media extensions: ID 20, a 1g's slices and SMs, one per GPU */
    const mig_profile *me = mig_profile_find(t, "MIG 1g.5gb+me");
    CU_ASSERT_PTR_NOT_NULL_FATAL(me);
    CU_ASSERT_PTR_EQUAL(mig_profile_find(t, "20"), me);
    CU_ASSERT_EQUAL(me->sms, 14);
    CU_ASSERT_EQUAL(me->mem_slices, 1);
    CU_ASSERT_EQUAL(me->max_count, 1);
    CU_ASSERT_STRING_EQUAL(mig_profile_find(h, "20")->name, "1g.10gb+me");
    mig_instance in[7];
    int bad;
    char msg[768];
    const char *const two[2] = { "1g.5gb+me", "1g.5gb+me" };
    CU_ASSERT_EQUAL(place("a100-sxm-40gb", two, NULL, 2, in, &bad, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "at most 1 time"));
    const char *const mix[7] = { "1g.5gb+me", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb" };
    CU_ASSERT_EQUAL(place("a100-sxm-40gb", mix, NULL, 7, in, &bad, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(sum_sms(in, 7), 98);
}

static void instances_get_their_memory_slices_share(void)
{
    const mig_table *t = mig_table_find("a100-sxm-40gb");
    ASSERT_REL(mig_mem_frac(t, mig_profile_find(t, "3g.20gb")), 0.5, 1e-12);
    ASSERT_REL(mig_mem_frac(t, mig_profile_find(t, "1g.5gb")), 0.125, 1e-12);
    ASSERT_REL(mig_mem_bytes(mig_profile_find(t, "1g.5gb")), 4.75 * 1073741824.0, 1e-12);
    const mig_table *a30 = mig_table_find("a30");
    ASSERT_REL(mig_mem_frac(a30, mig_profile_find(a30, "2g.12gb")), 0.5, 1e-12);
    CU_ASSERT_PTR_NULL(mig_table_find("l40s"));
}

static void an_even_split_takes_the_largest_profile_that_fits_n_times(void)
{
    const mig_table *a = mig_table_find("a100-sxm-40gb"), *b = mig_table_find("a30");
    const char *const want_a[9] = { NULL, "7g.40gb", "3g.20gb", "2g.10gb", "1g.10gb",
                                    "1g.5gb", "1g.5gb", "1g.5gb", NULL };
    for (int n = 1; n <= 8; n++) {
        const mig_profile *p = mig_even_profile(a, n);
        if (want_a[n]) {
            CU_ASSERT(p && strcmp(p->name, want_a[n]) == 0);
        } else {
            CU_ASSERT_PTR_NULL(p);
        }
    }
    CU_ASSERT_STRING_EQUAL(mig_even_profile(b, 1)->name, "4g.24gb");
    CU_ASSERT_STRING_EQUAL(mig_even_profile(b, 2)->name, "2g.12gb");
    CU_ASSERT_STRING_EQUAL(mig_even_profile(b, 4)->name, "1g.6gb");
    CU_ASSERT_PTR_NULL(mig_even_profile(b, 5));
}

TU_SUITE_FN(mig)
{
    static const tu_test tests[] = {
        TU_TEST(seven_1g_instances_of_an_a100_hold_98_sms_not_108),
        TU_TEST(documented_valid_layouts_are_accepted),
        TU_TEST(refused_layouts_say_why_and_what_would_fit),
        TU_TEST(a_valid_layout_is_placed_in_any_order_it_is_listed),
        TU_TEST(profiles_are_found_as_nvidia_smi_and_mig_parted_name_them),
        TU_TEST(instances_get_their_memory_slices_share),
        TU_TEST(an_even_split_takes_the_largest_profile_that_fits_n_times),
    };
    TU_SUITE("mig", tests);
}
