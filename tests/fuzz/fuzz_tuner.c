/* fuzz_tuner.c -- NCCL's selection syntax (models/coll_sel.h) on any text:
 * the tuner-configuration reader, and the same text as an NCCL_ALGO and an
 * NCCL_PROTO value. What is read keeps its invariants; a refusal has a
 * message and keeps nothing. */
#include <math.h>
#include "tests/fuzz/fuzz.h"
#include "models/coll_sel.h"

static void check_rule(const coll_sel_rule *r)
{
    if (r->op < 0 || r->op >= COLL_NOPS || r->algo < 0 || r->algo >= COLL_NALGOS || r->algo == COLL_ALGO_P2P ||
        r->proto < 0 || r->proto >= COLL_NPROTOS || !(r->min_bytes >= 0) || !(r->max_bytes >= r->min_bytes) ||
        r->channels == 0 || r->channels > 64 || r->line < 1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), err[1024] = "";
    if (!text)
        return 0;
    coll_sel_rule *rules = NULL;
    int n = -1, rc = coll_sel_parse_tuner(text, &rules, &n, err, sizeof err);
    if (rc < 0 && (err[0] == '\0' || rules || n != 0))
        abort();
    coll_sel s = coll_sel_none();
    s.rules = rules;
    s.nrules = rc == 0 ? n : 0;
    for (int i = 0; i < s.nrules; i++) {
        check_rule(&rules[i]);
        if (coll_sel_match(&s, (coll_op)rules[i].op, rules[i].min_bytes, 1, 8) == NULL &&
            rules[i].nodes < 0 && rules[i].ranks < 0 && rules[i].pipe_ops < 0 && rules[i].reg_buff < 0)
            abort();                        /* an open rule matches its own smallest size */
    }
    free(rules);
    coll_sel before = coll_sel_none();
    err[0] = '\0';
    if (coll_sel_parse_algos(&s, text, err, sizeof err) < 0 &&
        (err[0] == '\0' || memcmp(s.algos, before.algos, sizeof s.algos) != 0))
        abort();
    err[0] = '\0';
    if (coll_sel_parse_protos(&s, text, err, sizeof err) < 0 &&
        (err[0] == '\0' || memcmp(s.protos, before.protos, sizeof s.protos) != 0))
        abort();
    for (int op = 0; op < COLL_NOPS; op++)
        if (s.algos[op] >> COLL_NALGOS || s.protos[op] >> COLL_NPROTOS)
            abort();
    free(text);
    return 0;
}
