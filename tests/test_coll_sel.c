/* test_coll_sel.c -- NCCL_ALGO / NCCL_PROTO lists and tuner rules
 * (models/coll_sel.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "models/coll_sel.h"

#define BIT(x) (1u << (x))

/* "Ring" allows one algorithm for every collective; "^NVLS,NVLSTree"
 * every other one; names read as NCCL writes them or as the tuner does. */
static void algorithm_lists_include_or_exclude(void)
{
    char err[512];
    coll_sel s = coll_sel_none();
    CU_ASSERT_EQUAL_FATAL(coll_sel_parse_algos(&s, "Ring", err, sizeof err), 0);
    for (int op = 0; op < COLL_NOPS; op++)
        CU_ASSERT_EQUAL(s.algos[op], BIT(COLL_ALGO_RING));
    CU_ASSERT_EQUAL_FATAL(coll_sel_parse_algos(&s, "^NVLS,nvls_tree", err, sizeof err), 0);
    CU_ASSERT_EQUAL(s.algos[COLL_ALLREDUCE], BIT(COLL_ALGO_TREE) | BIT(COLL_ALGO_RING) | BIT(COLL_ALGO_P2P));
    CU_ASSERT(coll_sel_allows(&s, COLL_ALLREDUCE, COLL_ALGO_RING, COLL_LL));
    CU_ASSERT(!coll_sel_allows(&s, COLL_ALLREDUCE, COLL_ALGO_NVLS, COLL_SIMPLE));
    /* excluding what slicesim never runs is accepted and changes nothing */
    coll_sel x = coll_sel_none();
    CU_ASSERT_EQUAL_FATAL(coll_sel_parse_algos(&x, "^NVLS,CollNet,PAT", err, sizeof err), 0);
    CU_ASSERT_EQUAL(x.algos[COLL_ALLREDUCE], s.algos[COLL_ALLREDUCE] | BIT(COLL_ALGO_NVLSTREE));
    CU_ASSERT_EQUAL_FATAL(coll_sel_parse_protos(&s, "^LL128", err, sizeof err), 0);
    CU_ASSERT_EQUAL(s.protos[COLL_ALLGATHER], BIT(COLL_LL) | BIT(COLL_SIMPLE));
    CU_ASSERT(!coll_sel_allows(&s, COLL_ALLGATHER, COLL_ALGO_RING, COLL_LL128));
    coll_sel none = coll_sel_none();
    CU_ASSERT(coll_sel_allows(&none, COLL_REDUCE, COLL_ALGO_NVLS, COLL_LL128));
}

/* "allreduce:tree;allgather:ring,nvls;^nvls": sections per collective,
 * the unprefixed one for the collectives no section names. */
static void sections_set_the_list_of_each_collective(void)
{
    char err[512];
    coll_sel s = coll_sel_none();
    CU_ASSERT_EQUAL_FATAL(coll_sel_parse_algos(&s, "allreduce:tree;AllGather:ring,nvls;^nvls", err,
                                               sizeof err), 0);
    CU_ASSERT_EQUAL(s.algos[COLL_ALLREDUCE], BIT(COLL_ALGO_TREE));
    CU_ASSERT_EQUAL(s.algos[COLL_ALLGATHER], BIT(COLL_ALGO_RING) | BIT(COLL_ALGO_NVLS));
    unsigned rest = BIT(COLL_ALGO_TREE) | BIT(COLL_ALGO_RING) | BIT(COLL_ALGO_P2P) | BIT(COLL_ALGO_NVLSTREE);
    CU_ASSERT_EQUAL(s.algos[COLL_REDUCESCATTER], rest);
    CU_ASSERT_EQUAL(s.algos[COLL_SENDRECV], rest);
    /* without a default section the others stay open */
    CU_ASSERT_EQUAL_FATAL(coll_sel_parse_protos(&s, "broadcast:simple", err, sizeof err), 0);
    CU_ASSERT_EQUAL(s.protos[COLL_BROADCAST], BIT(COLL_SIMPLE));
    CU_ASSERT_EQUAL(s.protos[COLL_ALLREDUCE], 0u);
}

/* Bad lists are refused with the item and what is allowed, and leave the
 * selection as it was. */
static void bad_lists_are_refused_naming_the_item(void)
{
    char err[512];
    coll_sel s = coll_sel_none();
    CU_ASSERT_EQUAL(coll_sel_parse_algos(&s, "Ring,PAT", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "algorithm \"PAT\" is NCCL's but not modelled by slicesim; allowed: "
                                       "Tree, Ring, NVLS, NVLSTree, P2P"));
    CU_ASSERT_EQUAL(coll_sel_parse_algos(&s, "Rign", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "algorithm \"Rign\" is not known"));
    CU_ASSERT_EQUAL(coll_sel_parse_algos(&s, "^tree,ring,nvls,nvlstree,p2p", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "excludes every algorithm"));
    CU_ASSERT_EQUAL(coll_sel_parse_algos(&s, "allreduse:tree", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "collective \"allreduse\" is not known"));
    CU_ASSERT_EQUAL(coll_sel_parse_protos(&s, "LL,,Simple", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "protocol \"\" is not known"));
    for (int op = 0; op < COLL_NOPS; op++)
        CU_ASSERT(s.algos[op] == 0 && s.protos[op] == 0);
}

static const char TUNER[] =
    "# NCCL example tuner format\n"
    "\n"
    "allreduce,0,65536,tree,ll,2,-1,-1\n"
    "  allreduce , 65537 , 16777216 , ring , ll128 , -1 , 2 , 16  \r\n"
    "allreduce,16777217,-1,nvls_tree,simple,8,2,-1,-1,-1\n"
    "allgather,0,-1,ring,simple,-1,-1,-1,4,-1\n"
    "reducescatter,0,-1,ring,simple,-1,-1,-1,-1,1\n";

/* Each line is one rule; '#' lines and blank ones are skipped; -1 is "any"
 * (max_bytes -1: no bound). */
static void tuner_lines_read_as_rules(void)
{
    char err[512];
    coll_sel_rule *r;
    int n;
    CU_ASSERT_EQUAL_FATAL(coll_sel_parse_tuner(TUNER, &r, &n, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(n, 5);
    CU_ASSERT(r[0].op == COLL_ALLREDUCE && r[0].algo == COLL_ALGO_TREE && r[0].proto == COLL_LL);
    CU_ASSERT(r[0].min_bytes == 0 && r[0].max_bytes == 65536 && r[0].channels == 2 && r[0].line == 3);
    CU_ASSERT(r[1].algo == COLL_ALGO_RING && r[1].proto == COLL_LL128 && r[1].nodes == 2 && r[1].ranks == 16);
    CU_ASSERT(r[1].channels == -1 && r[1].pipe_ops == -1 && r[1].reg_buff == -1 && r[1].line == 4);
    CU_ASSERT(r[2].algo == COLL_ALGO_NVLSTREE && isinf(r[2].max_bytes) && r[2].channels == 8);
    CU_ASSERT(r[3].op == COLL_ALLGATHER && r[3].pipe_ops == 4);
    CU_ASSERT(r[4].op == COLL_REDUCESCATTER && r[4].reg_buff == 1);
    free(r);
    CU_ASSERT_EQUAL(coll_sel_parse_tuner("# nothing\n\n", &r, &n, err, sizeof err), 0);
    CU_ASSERT(r == NULL && n == 0);
}

/* The first rule that matches decides: the size range is inclusive, the
 * node and rank counts must agree where given; a rule for grouped
 * operations or registered buffers never matches one plain call. */
static void the_first_matching_rule_decides(void)
{
    char err[512];
    coll_sel s = coll_sel_none();
    coll_sel_rule *r;
    CU_ASSERT_EQUAL_FATAL(coll_sel_parse_tuner(TUNER, &r, &s.nrules, err, sizeof err), 0);
    s.rules = r;
    CU_ASSERT_PTR_EQUAL(coll_sel_match(&s, COLL_ALLREDUCE, 65536, 1, 8), &r[0]);
    CU_ASSERT_PTR_EQUAL(coll_sel_match(&s, COLL_ALLREDUCE, 65537, 2, 16), &r[1]);
    CU_ASSERT_PTR_EQUAL(coll_sel_match(&s, COLL_ALLREDUCE, 16777216, 2, 16), &r[1]);
    CU_ASSERT_PTR_NULL(coll_sel_match(&s, COLL_ALLREDUCE, 1048576, 1, 8));     /* nodes, ranks differ */
    CU_ASSERT_PTR_EQUAL(coll_sel_match(&s, COLL_ALLREDUCE, 1e12, 2, 32), &r[2]);
    CU_ASSERT_PTR_NULL(coll_sel_match(&s, COLL_ALLGATHER, 1048576, 1, 8));     /* numPipeOps 4 */
    CU_ASSERT_PTR_NULL(coll_sel_match(&s, COLL_REDUCESCATTER, 1048576, 1, 8)); /* registered buffers */
    CU_ASSERT_PTR_NULL(coll_sel_match(&s, COLL_BROADCAST, 8, 1, 8));
    free(r);
}

/* A line that is no rule is refused with its line, field and value. */
static void bad_tuner_lines_are_refused_naming_line_and_field(void)
{
    static const struct { const char *text, *want; } BAD[] = {
        { "allreduce,0,-1,ring,ll\n", "line 1: 5 fields where 8 to 10 are allowed" },
        { "#\nsendrecv,0,-1,ring,ll,-1,-1,-1\n",
          "line 2, field 1 (collective): value \"sendrecv\" is not allowed; allowed: allreduce, allgather, "
          "reducescatter, broadcast, reduce (NCCL asks no tuner" },
        { "allreduce,100,10,ring,ll,-1,-1,-1\n", "line 1, field 3 (max_bytes): value \"10\" is not allowed" },
        { "allreduce,0,-1,pat,simple,-1,-1,-1\n", "field 4 (algorithm): value \"pat\" is not allowed; allowed: "
          "tree, ring, nvls, nvls_tree (NCCL's collnet and pat are not modelled by slicesim)" },
        { "allreduce,0,-1,ring,ll256,-1,-1,-1\n", "field 5 (protocol): value \"ll256\"" },
        { "allreduce,0,-1,ring,ll,0,-1,-1\n", "field 6 (channels): value \"0\" is not allowed; allowed: 1 to 64" },
        { "allreduce,0,-1,ring,ll,-1,two,-1\n", "field 7 (nNodes): value \"two\"" },
        { "allreduce,0,-1,ring,ll,-1,-1,-1,-1,2\n", "field 10 (regBuff): value \"2\"" },
        { "allreduce,0,-1,ring,ll,-1,-1,-1,-1,-1,7\n", "line 1: 11 fields" },
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char err[512] = "";
        coll_sel_rule dummy, *r = &dummy;            /* must come back NULL */
        int n = 3;
        CU_ASSERT_EQUAL(coll_sel_parse_tuner(BAD[i].text, &r, &n, err, sizeof err), -1);
        CU_ASSERT(r == NULL && n == 0);
        if (!strstr(err, BAD[i].want))
            CU_FAIL(BAD[i].want);
    }
}

TU_SUITE_FN(coll_sel)
{
    static const tu_test tests[] = {
        TU_TEST(algorithm_lists_include_or_exclude),
        TU_TEST(sections_set_the_list_of_each_collective),
        TU_TEST(bad_lists_are_refused_naming_the_item),
        TU_TEST(tuner_lines_read_as_rules),
        TU_TEST(the_first_matching_rule_decides),
        TU_TEST(bad_tuner_lines_are_refused_naming_line_and_field),
    };
    TU_SUITE("coll_sel", tests);
}
