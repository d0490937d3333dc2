/* coll_sel.c -- NCCL_ALGO / NCCL_PROTO lists and tuner rules (coll_sel.h). */
#include "models/coll_sel.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A name as a key: lower case, without '_', '-' and spaces, cut to len - 1;
 * 0 when empty or holding other characters than letters and digits. */
static int name_key(const char *s, size_t n, char *key, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '_' || c == '-' || isspace(c))
            continue;
        if (!isalnum(c) || k + 1 >= len)
            return 0;
        key[k++] = (char)tolower(c);
    }
    key[k] = '\0';
    return k > 0;
}

typedef struct { const char *key; int id; } name_id;

/* id -2: NCCL's, not modelled */
static const name_id ALGOS[] = {
    { "tree", COLL_ALGO_TREE }, { "ring", COLL_ALGO_RING }, { "nvls", COLL_ALGO_NVLS },
    { "nvlstree", COLL_ALGO_NVLSTREE }, { "p2p", COLL_ALGO_P2P },
    { "collnetdirect", -2 }, { "collnetchain", -2 }, { "collnet", -2 }, { "pat", -2 }, { NULL, -1 }
};
static const name_id PROTOS[] = {
    { "ll", COLL_LL }, { "ll128", COLL_LL128 }, { "simple", COLL_SIMPLE }, { NULL, -1 }
};
/* the collectives NCCL_ALGO sections and tuner rules name; tuner 0 for the
 * ones NCCL asks no tuner about */
static const struct { const char *key; int op, tuner; } OPS[] = {
    { "allreduce", COLL_ALLREDUCE, 1 }, { "allgather", COLL_ALLGATHER, 1 },
    { "reducescatter", COLL_REDUCESCATTER, 1 }, { "broadcast", COLL_BROADCAST, 1 },
    { "reduce", COLL_REDUCE, 1 }, { "alltoall", COLL_ALLTOALL, 0 }, { "sendrecv", COLL_SENDRECV, 0 },
    { NULL, -1, 0 }
};

/* The id of s[0..n) in t: >= 0, -2 (not modelled) or -1 (unknown). */
static int lookup(const name_id *t, const char *s, size_t n)
{
    char key[32];
    if (!name_key(s, n, key, sizeof key))
        return -1;
    for (; t->key; t++)
        if (strcmp(key, t->key) == 0)
            return t->id;
    return -1;
}

static int op_lookup(const char *s, size_t n, int *tuner)
{
    char key[32];
    if (!name_key(s, n, key, sizeof key))
        return -1;
    for (int i = 0; OPS[i].key; i++)
        if (strcmp(key, OPS[i].key) == 0) {
            if (tuner)
                *tuner = OPS[i].tuner;
            return OPS[i].op;
        }
    return -1;
}

coll_sel coll_sel_none(void)
{
    coll_sel s;
    memset(&s, 0, sizeof s);
    return s;
}

void coll_sel_force(coll_sel *s, int algo, int proto)
{
    for (int op = 0; op < COLL_NOPS; op++) {
        s->algos[op] = algo >= 0 ? 1u << algo : 0;
        s->protos[op] = proto >= 0 ? 1u << proto : 0;
    }
}

/* --- NCCL_ALGO / NCCL_PROTO --- */

typedef struct {
    const name_id *names;
    unsigned       all;
    const char    *what, *allowed;    /* "algorithm", "Tree, Ring, ..." */
} list_kind;

static const list_kind ALGO_LIST = {
    ALGOS, (1u << COLL_NALGOS) - 1, "algorithm", "Tree, Ring, NVLS, NVLSTree, P2P"
};
static const list_kind PROTO_LIST = {
    PROTOS, (1u << COLL_NPROTOS) - 1, "protocol", "LL, LL128, Simple"
};

/* One list "a,b" or "^a,b" (s[0..n)) into *mask. */
static int parse_list(const list_kind *k, const char *s, size_t n, unsigned *mask, char *err, size_t errlen)
{
    int exclude = 0;
    while (n > 0 && isspace((unsigned char)*s))
        s++, n--;
    const char *whole = s;
    size_t whole_n = n;
    if (n > 0 && *s == '^')
        exclude = 1, s++, n--;
    unsigned m = 0;
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && s[j] != ',')
            j++;
        int id = lookup(k->names, s + i, j - i);
        if (id == -2 && exclude) {           /* excluding what slicesim never runs changes nothing */
            i = j + 1;
            continue;
        }
        if (id < 0) {
            snprintf(err, errlen, "%s \"%.*s\" is %s; allowed: %s, as a list (\"a,b\") or an exclusion "
                     "(\"^a,b\")", k->what, (int)(j - i), s + i,
                     id == -2 ? "NCCL's but not modelled by slicesim" : "not known", k->allowed);
            return -1;
        }
        m |= 1u << id;
        i = j + 1;
    }
    *mask = exclude ? k->all & ~m : m;
    if (*mask == 0) {
        snprintf(err, errlen, "\"%.*s\" excludes every %s; allowed: a list that leaves one of %s",
                 (int)whole_n, whole, k->what, k->allowed);
        return -1;
    }
    return 0;
}

/* "coll:list;list;..." into masks[COLL_NOPS]. */
static int parse_sections(const list_kind *k, const char *text, unsigned masks[COLL_NOPS], char *err,
                          size_t errlen)
{
    unsigned out[COLL_NOPS] = { 0 }, dflt = 0;
    int named[COLL_NOPS] = { 0 };
    for (const char *p = text;;) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *colon = memchr(p, ':', n);
        unsigned m;
        if (colon) {
            int op = op_lookup(p, (size_t)(colon - p), NULL);
            if (op < 0) {
                snprintf(err, errlen, "collective \"%.*s\" is not known; allowed: allreduce, allgather, "
                         "reducescatter, broadcast, reduce, alltoall, sendrecv", (int)(colon - p), p);
                return -1;
            }
            if (parse_list(k, colon + 1, n - (size_t)(colon + 1 - p), &m, err, errlen) < 0)
                return -1;
            out[op] = m;
            named[op] = 1;
        } else {
            if (parse_list(k, p, n, &m, err, errlen) < 0)
                return -1;
            dflt = m;
        }
        if (!end)
            break;
        p = end + 1;
    }
    for (int op = 0; op < COLL_NOPS; op++)
        masks[op] = named[op] ? out[op] : dflt;
    return 0;
}

int coll_sel_parse_algos(coll_sel *s, const char *text, char *err, size_t errlen)
{
    return parse_sections(&ALGO_LIST, text, s->algos, err, errlen);
}

int coll_sel_parse_protos(coll_sel *s, const char *text, char *err, size_t errlen)
{
    return parse_sections(&PROTO_LIST, text, s->protos, err, errlen);
}

int coll_sel_allows(const coll_sel *s, coll_op op, int algo, int proto)
{
    return (!s->algos[op] || (s->algos[op] >> algo & 1u)) && (!s->protos[op] || (s->protos[op] >> proto & 1u));
}

/* --- the tuner's table --- */

#define TUNER_MAX_RULES 4096
#define TUNER_MAX_FIELDS 10

static const char *const FIELDS[TUNER_MAX_FIELDS] = {
    "collective", "min_bytes", "max_bytes", "algorithm", "protocol", "channels", "nNodes", "nRanks",
    "numPipeOps", "regBuff"
};

/* field f of a line: an integer in [lo, hi], or -1 where any is allowed */
static int int_field(const char *s, size_t n, long long lo, long long hi, int any, long long *out)
{
    char buf[32], *end;
    while (n > 0 && isspace((unsigned char)*s))
        s++, n--;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (*end || errno || ((v < lo || v > hi) && !(any && v == -1)))
        return -1;
    *out = v;
    return 0;
}

typedef struct { const char *s; size_t n; } span;

static int rule_fail(char *err, size_t errlen, int line, int f, span v, const char *allowed)
{
    snprintf(err, errlen, "line %d, field %d (%s): value \"%.*s\" is not allowed; allowed: %s", line, f + 1,
             FIELDS[f], (int)v.n, v.s, allowed);
    return -1;
}

/* One rule from the fields of a line. */
static int parse_rule(const span *fv, int nf, int line, coll_sel_rule *r, char *err, size_t errlen)
{
    static const long long BIG = 1LL << 52;
    int tuner = 0;
    long long v[TUNER_MAX_FIELDS] = { 0 };
    memset(r, 0, sizeof *r);
    r->line = line;
    r->op = op_lookup(fv[0].s, fv[0].n, &tuner);
    if (r->op < 0 || !tuner)
        return rule_fail(err, errlen, line, 0, fv[0], r->op < 0 ? "allreduce, allgather, reducescatter, "
                         "broadcast, reduce" : "allreduce, allgather, reducescatter, broadcast, reduce "
                         "(NCCL asks no tuner for send/recv or all-to-all)");
    if (int_field(fv[1].s, fv[1].n, 0, BIG, 0, &v[1]) < 0)
        return rule_fail(err, errlen, line, 1, fv[1], "a size in bytes, 0 or more");
    if (int_field(fv[2].s, fv[2].n, v[1], BIG, 1, &v[2]) < 0)
        return rule_fail(err, errlen, line, 2, fv[2], "a size in bytes, at least min_bytes, or -1 (no bound)");
    r->algo = lookup(ALGOS, fv[3].s, fv[3].n);
    if (r->algo < 0 || r->algo == COLL_ALGO_P2P)
        return rule_fail(err, errlen, line, 3, fv[3], r->algo == -2 ? "tree, ring, nvls, nvls_tree (NCCL's "
                         "collnet and pat are not modelled by slicesim)" : "tree, ring, nvls, nvls_tree");
    r->proto = lookup(PROTOS, fv[4].s, fv[4].n);
    if (r->proto < 0)
        return rule_fail(err, errlen, line, 4, fv[4], "ll, ll128, simple");
    static const char *const any[] = { "1 to 64, or -1 (NCCL's count)", "1 or more, or -1 (any)",
                                       "1 or more, or -1 (any)", "1 or more, or -1 (any)",
                                       "0 or 1, or -1 (any)" };
    static const long long hi[] = { 64, 65536, 1 << 24, 1 << 20, 1 };
    for (int f = 5; f < nf; f++)
        if (int_field(fv[f].s, fv[f].n, f == 9 ? 0 : 1, hi[f - 5], 1, &v[f]) < 0)
            return rule_fail(err, errlen, line, f, fv[f], any[f - 5]);
    r->min_bytes = (double)v[1];
    r->max_bytes = v[2] < 0 ? INFINITY : (double)v[2];
    r->channels = (int)v[5];
    r->nodes = (int)v[6];
    r->ranks = (int)v[7];
    r->pipe_ops = nf > 8 ? (int)v[8] : -1;
    r->reg_buff = nf > 9 ? (int)v[9] : -1;
    return 0;
}

/* The comma-separated fields of s[0..n) into fv; their count, or -1 when
 * there are more than TUNER_MAX_FIELDS. */
static int split_fields(const char *s, size_t n, span *fv)
{
    int nf = 0;
    for (size_t i = 0; i <= n; nf++) {
        size_t j = i;
        while (j < n && s[j] != ',')
            j++;
        if (nf == TUNER_MAX_FIELDS)
            return -1;
        fv[nf] = (span){ s + i, j - i };
        i = j + 1;
    }
    return nf;
}

int coll_sel_parse_tuner(const char *text, coll_sel_rule **rules, int *n, char *err, size_t errlen)
{
    coll_sel_rule *out = NULL;
    int count = 0, cap = 0, line = 0;
    *rules = NULL;
    *n = 0;
    for (const char *p = text; *p; ) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *s = p;
        line++;
        p = end ? end + 1 : p + len;
        while (len > 0 && isspace((unsigned char)*s))
            s++, len--;
        while (len > 0 && isspace((unsigned char)s[len - 1]))
            len--;
        if (len == 0 || *s == '#')
            continue;
        span fv[TUNER_MAX_FIELDS];
        int nf = split_fields(s, len, fv);
        if (nf < 8 || count == TUNER_MAX_RULES) {
            if (count == TUNER_MAX_RULES)
                snprintf(err, errlen, "line %d: more than %d rules; allowed: at most %d", line,
                         TUNER_MAX_RULES, TUNER_MAX_RULES);
            else
                snprintf(err, errlen, "line %d: %d fields where 8 to 10 are allowed: collective,min_bytes,"
                         "max_bytes,algorithm,protocol,channels,nNodes,nRanks[,numPipeOps,regBuff]", line,
                         nf < 0 ? TUNER_MAX_FIELDS + 1 : nf);
            free(out);
            return -1;
        }
        if (count == cap) {
            int c2 = cap ? 2 * cap : 16;
            coll_sel_rule *grown = realloc(out, sizeof *out * (size_t)c2);
            if (!grown) {
                free(out);
                return 1;
            }
            out = grown;
            cap = c2;
        }
        if (parse_rule(fv, nf, line, &out[count], err, errlen) < 0) {
            free(out);
            return -1;
        }
        count++;
    }
    *rules = out;
    *n = count;
    return 0;
}

const coll_sel_rule *coll_sel_match(const coll_sel *s, coll_op op, double bytes, int nodes, int ranks)
{
    for (int i = 0; i < s->nrules; i++) {
        const coll_sel_rule *r = &s->rules[i];
        if (r->op == (int)op && bytes >= r->min_bytes && bytes <= r->max_bytes &&
            (r->nodes < 0 || r->nodes == nodes) && (r->ranks < 0 || r->ranks == ranks) &&
            (r->pipe_ops < 0 || r->pipe_ops == 1) && r->reg_buff <= 0)
            return r;
    }
    return NULL;
}
