/* coll_sel.h -- which (algorithm, protocol) pair a collective may run:
 * NCCL_ALGO / NCCL_PROTO lists and a tuner plugin's table of size ranges
 * (docs/collectives.md, "What a user can force").
 *
 * NCCL picks the pair its ranking model says is fastest (coll.h). Users
 * narrow that choice in two ways, and both are modelled here:
 *  - NCCL_ALGO / NCCL_PROTO: a comma-separated list of the algorithms
 *    (protocols) allowed, or "^" and the list of those excluded; optionally
 *    per collective, "allreduce:tree,ring;allgather:^nvls" (sections split
 *    by ';', each "collective:list"; a section without a collective is the
 *    default of the collectives no section names);
 *  - a tuner plugin: NCCL asks it for every collective and it may set the
 *    pair and the channel count. The table read here is the configuration
 *    of NCCL's example tuner plugin (ext-tuner/example, NCCL_TUNER_CONFIG_FILE
 *    [I: NCCL's repository, not in the calibration set]): one rule a line,
 *        collective,min_bytes,max_bytes,algorithm,protocol,channels,nNodes,nRanks[,numPipeOps,regBuff]
 *    sizes inclusive, -1 for "any" (channels -1: NCCL's own count), '#'
 *    comments; the first rule that matches the call decides.
 *
 * Invariants: a mask of 0 allows every id; bit i allows id i. A coll_sel
 * is a plain value; its rules are borrowed (whoever parsed them frees them
 * with free()). Nothing here keeps state. */
#ifndef MODELS_COLL_SEL_H
#define MODELS_COLL_SEL_H

#include <stddef.h>

typedef enum {
    COLL_ALLREDUCE, COLL_ALLGATHER, COLL_REDUCESCATTER, COLL_BROADCAST,
    COLL_REDUCE, COLL_ALLTOALL, COLL_SENDRECV, COLL_NOPS
} coll_op;

typedef enum { COLL_LL, COLL_LL128, COLL_SIMPLE, COLL_NPROTOS } coll_proto_id;

/* Algorithms index the protocols' tables (coll.h). */
typedef enum {
    COLL_ALGO_TREE, COLL_ALGO_RING, COLL_ALGO_NVLS, COLL_ALGO_P2P, COLL_ALGO_NVLSTREE, COLL_NALGOS
} coll_algo_id;

/* One tuner rule: op, [min_bytes, max_bytes], nodes, ranks, pipe_ops and
 * reg_buff (-1 any) select it; algo and proto are the pair it sets,
 * channels the most channels the call may launch (-1: NCCL's own). A
 * collective here is one operation on buffers NCCL has not registered, so
 * a rule for pipe_ops other than 1 or for registered buffers (reg_buff 1)
 * never matches. line is its line in the file, for messages. */
typedef struct {
    int    op;
    double min_bytes, max_bytes;   /* max_bytes INFINITY for -1 */
    int    algo, proto, channels;
    int    nodes, ranks, pipe_ops, reg_buff;
    int    line;
} coll_sel_rule;

typedef struct {
    unsigned algos[COLL_NOPS], protos[COLL_NOPS];   /* allowed ids, bits; 0 = all */
    const coll_sel_rule *rules;                     /* the tuner's, first match wins; may be NULL */
    int nrules;
} coll_sel;

/* coll_sel_none: allows every pair, no tuner. */
coll_sel coll_sel_none(void);

/* coll_sel_force: allow only algorithm algo and protocol proto for every
 * op (-1 leaves that side open), as NCCL_ALGO=X / NCCL_PROTO=Y. */
void coll_sel_force(coll_sel *s, int algo, int proto);

/* coll_sel_parse_algos / coll_sel_parse_protos: an NCCL_ALGO (NCCL_PROTO)
 * value into s's masks (case, '_' and '-' do not count: "NVLSTree",
 * "nvls_tree"). Algorithms: Tree, Ring, NVLS, NVLSTree, P2P (slicesim's
 * name for send/recv's path); NCCL's CollNetDirect, CollNetChain (CollNet)
 * and PAT are refused as not modelled in a list of those allowed, and
 * ignored in one of those excluded (slicesim never runs them). Returns 0, or -1 with one message in err
 * naming the item and what is allowed; s is left as it was on error. */
int coll_sel_parse_algos(coll_sel *s, const char *text, char *err, size_t errlen);
int coll_sel_parse_protos(coll_sel *s, const char *text, char *err, size_t errlen);

/* coll_sel_parse_tuner: the rules of a tuner configuration (text, NUL
 * terminated) into a malloc'd array (*rules, *n; NULL and 0 when it has
 * none). Collectives: allreduce, allgather, reducescatter, broadcast,
 * reduce (NCCL asks no tuner for send/recv or all-to-all); algorithms and
 * protocols as NCCL writes them (tree, ring, nvls, nvls_tree; ll, ll128,
 * simple). Returns 0, 1 when out of memory, or -1 with one message in err
 * naming the line, the field, the value and what is allowed. */
int coll_sel_parse_tuner(const char *text, coll_sel_rule **rules, int *n, char *err, size_t errlen);

/* coll_sel_allows: whether s's lists leave the pair (algo, proto) for op. */
int coll_sel_allows(const coll_sel *s, coll_op op, int algo, int proto);

/* coll_sel_match: the first tuner rule of s for op on bytes over nodes
 * nodes of ranks ranks in all, or NULL. */
const coll_sel_rule *coll_sel_match(const coll_sel *s, coll_op op, double bytes, int nodes, int ranks);

#endif
