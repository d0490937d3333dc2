/* test_ctxsw.c -- the context-switch cost from its parts (models/ctxsw.c). */
#include "tests/testutil.h"
#include "models/ctxsw.h"

/* H100 SXM: 132 SMs x (256 + 228) KB of SM state at 0.75 x 3.35 TB/s out
 * and in, and 50 MB of L2 refilled at the same rate. */
static void test_h100_instruction_switch_saves_and_restores_every_sm(void)
{
    ctxsw_arch a = ctxsw_arch_of(gpu_spec_find("h100-sxm"));
    ctxsw_parts p;
    ctxsw_parts_of(&a, TS_PREEMPT_INSTRUCTION, 0, &p);
    double bw = 3.35e12 * 0.75;
    ASSERT_REL(p.save_us, 132 * 484 * 1024.0 / bw * 1e6, 1e-12);
    ASSERT_REL(p.restore_us, p.save_us, 1e-12);
    ASSERT_REL(p.warm_us, 50e6 / bw * 1e6, 1e-12);
    CU_ASSERT_EQUAL(p.vm_us, 0);
    ASSERT_REL(ctxsw_total_us(&p), 71.98, 1e-3);
}

/* Block and kernel preemption end the running blocks first: nothing to
 * save, only the cache to warm. */
static void test_block_and_kernel_switches_only_warm_the_cache(void)
{
    const gpu_spec *s = gpu_spec_find("a100-sxm-80gb");
    double warm = 40e6 / (2.039e12 * 0.73) * 1e6;
    ASSERT_REL(ctxsw_cost_us(s, TS_PREEMPT_BLOCK, 0), warm, 1e-12);
    ASSERT_REL(ctxsw_cost_us(s, TS_PREEMPT_KERNEL, 0), warm, 1e-12);
    CU_ASSERT(ctxsw_cost_us(s, TS_PREEMPT_INSTRUCTION, 0) > 3 * warm);
}

/* A switch between VMs pays the address-space change on top. */
static void test_a_switch_between_vms_costs_more(void)
{
    const gpu_spec *s = gpu_spec_find("a100-sxm-40gb");
    ASSERT_REL(ctxsw_cost_us(s, TS_PREEMPT_INSTRUCTION, 1) - ctxsw_cost_us(s, TS_PREEMPT_INSTRUCTION, 0),
               CTXSW_VM_US, 1e-12);
}

/* A slower memory moves the same state for longer: T4's 40 SMs x 320 KB
 * at 0.75 x 320 GB/s take 54.6 us each way. */
static void test_t4_moves_its_state_at_its_bandwidth(void)
{
    const ctxsw_arch *a = ctxsw_arch_find("t4");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    ctxsw_parts p;
    ctxsw_parts_of(a, TS_PREEMPT_INSTRUCTION, 0, &p);
    ASSERT_REL(p.save_us, 40 * 320 * 1024.0 / (0.32e12 * 0.75) * 1e6, 1e-12);
    ASSERT_REL(p.save_us, 54.61, 1e-3);
}

TU_SUITE_FN(ctxsw)
{
    static const tu_test tests[] = {
        TU_TEST(test_h100_instruction_switch_saves_and_restores_every_sm),
        TU_TEST(test_block_and_kernel_switches_only_warm_the_cache),
        TU_TEST(test_a_switch_between_vms_costs_more),
        TU_TEST(test_t4_moves_its_state_at_its_bandwidth),
    };
    TU_SUITE("ctxsw", tests);
}
