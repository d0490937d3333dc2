/* nccltests.c -- reading and writing nccl-tests output, and the correction
 * fit (nccltests.h).
 *
 * Invariants: a parsed log holds only rows that passed every check; the
 * writer's output parses back to the same numbers at the printed
 * precision; the fit uses GSL (gsl_fit_mul) and coll_estimate only. */
#include "calibration/nccltests.h"
#include "scenarios/textfile.h"

#include <stddef.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_fit.h>

#define MAX_TOKENS 24
#define MAX_HOSTS 4096

static const char ROW_SHAPE[] =
    "size count type redop [root] time algbw busbw #wrong time algbw busbw #wrong [algorithm protocol]";

/* --- reading --- */

typedef struct {
    const char *file;
    int   line;
    char *err;
    size_t errlen;
    char **hosts;
    size_t nhosts;
    const char *start;        /* the line as read: columns count from it */
    const char *base;         /* where parse_row's copy of the row begins in that line */
    int   hdr_cols, hdr_line; /* the column header's row width (12 or 13, without slicesim's
                                 algorithm and protocol) and its line; 0 before one */
} reader;

/* The 1-based column of p in the current line (p inside the line, or inside
 * parse_row's copy of it). */
static int column_of(const reader *rd, const char *copy, const char *p)
{
    return copy ? (int)(rd->base - rd->start) + (int)(p - copy) + 1 : (int)(p - rd->start) + 1;
}

/* tok points into parse_row's copy (copy), or is a literal (copy NULL:
 * no column). */
static int bad_row_at(reader *rd, const char *text, const char *what, const char *copy, const char *tok)
{
    char cut[80], shown[320], tshown[160], col[32] = "";
    snprintf(cut, sizeof cut, "%.*s", (int)strcspn(text, "\r\n"), text);
    textfile_sanitize(cut, shown, sizeof shown);
    textfile_sanitize(tok, tshown, sizeof tshown);
    if (copy)
        snprintf(col, sizeof col, ", column %d", column_of(rd, copy, tok));
    snprintf(rd->err, rd->errlen, "%s: line %d%s: \"%s\" is not an nccl-tests result row: %s \"%s\"; "
             "allowed: %s", rd->file, rd->line, col, shown, what, tshown, ROW_SHAPE);
    return -1;
}

#define bad_row(rd, text, what, tok) bad_row_at(rd, text, what, row_copy, tok)

static int parse_num(const char *tok, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(tok, &end);
    if (end == tok || *end != '\0' || errno || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

static int parse_whole(const char *tok, double *out)
{
    return parse_num(tok, out) < 0 || *out < 0 || *out != floor(*out) ? -1 : 0;
}

/* nccl-tests prints #wrong with "%5g" of the count as a double, so a large
 * count reads "1.23457e+06"; or "N/A" when validation is off (-c 0). */
#define MAX_WRONG 1e18

static int parse_wrong(const char *tok, long *out)
{
    double x;
    if (strcmp(tok, "N/A") == 0) {
        *out = -1;
        return 0;
    }
    if (parse_whole(tok, &x) < 0 || x > MAX_WRONG)
        return -1;
    *out = (long)x;
    return 0;
}

static int is_word(const char *tok)
{
    double x;
    return isalpha((unsigned char)tok[0]) && parse_num(tok, &x) < 0;
}

/* The three columns time algbw busbw #wrong of one placement. */
static int parse_placement(reader *rd, const char *text, const char *row_copy, char **tok, nccltests_row *r,
                           int k)
{
    static const char *const what[2][4] = {
        { "out-of-place time", "out-of-place algbw", "out-of-place busbw", "out-of-place #wrong" },
        { "in-place time", "in-place algbw", "in-place busbw", "in-place #wrong" },
    };
    static const char *const wrong[2] = {
        "out-of-place #wrong (allowed: a count from 0 to 1e18, as nccl-tests prints it, or N/A)",
        "in-place #wrong (allowed: a count from 0 to 1e18, as nccl-tests prints it, or N/A)",
    };
    if (parse_num(tok[0], &r->time_us[k]) < 0 || r->time_us[k] < 0)
        return bad_row(rd, text, what[k][0], tok[0]);
    if (parse_num(tok[1], &r->algbw[k]) < 0 || r->algbw[k] < 0)
        return bad_row(rd, text, what[k][1], tok[1]);
    if (parse_num(tok[2], &r->busbw[k]) < 0 || r->busbw[k] < 0)
        return bad_row(rd, text, what[k][2], tok[2]);
    if (parse_wrong(tok[3], &r->wrong[k]) < 0)
        return bad_row(rd, text, wrong[k], tok[3]);
    return 0;
}

static int parse_row(reader *rd, char *text, nccltests_row *r)
{
    char copy[1024], *tok[MAX_TOKENS], *save = NULL;
    const char *row_copy = copy;
    int n = 0;
    rd->base = text;
    if (strlen(text) >= sizeof copy)
        return bad_row_at(rd, text, "a line longer than 1023 characters, starting", NULL, "");
    snprintf(copy, sizeof copy, "%s", text);
    for (char *t = strtok_r(copy, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == MAX_TOKENS)
            return bad_row(rd, text, "too many columns at", t);
        tok[n++] = t;
    }
    int has_root = n == 13 || n == 15, extras = n == 14 || n == 15;
    if (rd->hdr_cols && n != rd->hdr_cols && n != rd->hdr_cols + 2) {
        char what[160];
        snprintf(what, sizeof what, "%d column%s where the column header at line %d has %d (a cut or "
                 "truncated line?), the last", n, n == 1 ? "" : "s", rd->hdr_line, rd->hdr_cols);
        return bad_row(rd, text, what, tok[n - 1]);
    }
    if (n < 12 || n > 15)
        return bad_row(rd, text, "wrong number of columns near", tok[n - 1]);
    memset(r, 0, sizeof *r);
    r->line = rd->line;
    r->root = -1;
    if (parse_whole(tok[0], &r->size) < 0)
        return bad_row(rd, text, "size", tok[0]);
    if (parse_whole(tok[1], &r->count) < 0)
        return bad_row(rd, text, "count", tok[1]);
    if (!is_word(tok[2]))
        return bad_row(rd, text, "type", tok[2]);
    if (!is_word(tok[3]))
        return bad_row(rd, text, "redop", tok[3]);
    snprintf(r->type, sizeof r->type, "%s", tok[2]);
    snprintf(r->redop, sizeof r->redop, "%s", tok[3]);
    int at = 4;
    if (has_root) {
        int64_t root;
        int why = textfile_parse_i64(tok[4], -1, INT32_MAX, &root);
        if (why == TEXTFILE_RANGE)
            return bad_row(rd, text, "root out of range (allowed: -1 to 2147483647)", tok[4]);
        if (why < 0)
            return bad_row(rd, text, "root", tok[4]);
        r->root = (int)root;
        at = 5;
    }
    if (parse_placement(rd, text, row_copy, tok + at, r, 0) < 0 ||
        parse_placement(rd, text, row_copy, tok + at + 4, r, 1) < 0)
        return -1;
    if (extras) {
        if (!is_word(tok[at + 8]) || !is_word(tok[at + 9]))
            return bad_row(rd, text, "algorithm and protocol", tok[at + 8]);
        snprintf(r->algo, sizeof r->algo, "%s", tok[at + 8]);
        snprintf(r->proto, sizeof r->proto, "%s", tok[at + 9]);
    }
    return 0;
}

static int note_host(reader *rd, const char *host)
{
    for (size_t i = 0; i < rd->nhosts; i++)
        if (strcmp(rd->hosts[i], host) == 0)
            return 0;
    if (rd->nhosts == MAX_HOSTS)
        return 0;
    char *h = strdup(host);
    if (!h)
        return -1;
    rd->hosts[rd->nhosts++] = h;
    return 0;
}

/* --- header lines: a cursor of words and whole numbers (strtol) --- */

typedef struct { const char *p; } cursor;

static void skip_blank(cursor *c)
{
    while (*c->p == ' ' || *c->p == '\t')
        c->p++;
}

/* The word w next (after blanks, ending at a blank or the end): 1 and past
 * it, else 0 with the cursor at the word that is there. */
static int take_word(cursor *c, const char *w)
{
    skip_blank(c);
    size_t n = strlen(w);
    if (strncmp(c->p, w, n) != 0 || (c->p[n] && !isspace((unsigned char)c->p[n])))
        return 0;
    c->p += n;
    return 1;
}

/* The next run of non-blank characters into buf (cut to len - 1): its
 * length, 0 at the end of the line. */
static size_t take_token(cursor *c, char *buf, size_t len)
{
    skip_blank(c);
    size_t n = strcspn(c->p, " \t\r\n");
    snprintf(buf, len, "%.*s", (int)n, c->p);
    c->p += n;
    return n;
}

/* A whole number in [lo, hi] next (strtol, base 10), ending where `stop`
 * allows: at a blank or the end (stop NULL) or at one of its characters.
 * 1 and past it; 0 with the cursor at what is there instead. */
static int take_long(cursor *c, long lo, long hi, const char *stop, long *out)
{
    skip_blank(c);
    if (!isdigit((unsigned char)*c->p) && *c->p != '-')
        return 0;
    char *end;
    errno = 0;
    long x = strtol(c->p, &end, 10);
    int ends = stop ? (*end && strchr(stop, *end)) || *end == '\0' || isspace((unsigned char)*end)
                    : *end == '\0' || isspace((unsigned char)*end);
    if (end == c->p || errno || !ends || x < lo || x > hi)
        return 0;
    *out = x;
    c->p = end;
    return 1;
}

/* The release NCCL_VERSION_CODE encodes: 2.21.5 is 22105 (2.9 on), 2.8.4
 * was 2804 (src/nccl.h.in). */
static void keep_version_code(long code, nccltests_log *log)
{
    long maj = code >= 10000 ? code / 10000 : code / 1000;
    long min = code >= 10000 ? code / 100 % 100 : code / 100 % 10;
    char v[64];
    snprintf(v, sizeof v, "%ld.%ld.%ld", maj, min, code % 100);
    if (log->nccl_version[0] == '\0')
        snprintf(log->nccl_version, sizeof log->nccl_version, "%.15s", v);
}

/* NCCL's INFO line for a variable it read, "NCCL INFO NCCL_ALGO set by
 * environment to Tree" [I: NCCL's env.cc, as printed with NCCL_DEBUG=INFO]:
 * the value of NCCL_ALGO and NCCL_PROTO, the first seen (every rank prints
 * it), into log. */
static void note_env(const char *text, nccltests_log *log)
{
    static const struct { const char *var; size_t off; } VARS[] = {
        { "NCCL_ALGO set by environment to ", offsetof(nccltests_log, env_algo) },
        { "NCCL_PROTO set by environment to ", offsetof(nccltests_log, env_proto) },
    };
    for (size_t i = 0; i < sizeof VARS / sizeof VARS[0]; i++) {
        const char *p = strstr(text, VARS[i].var);
        char *dst = (char *)log + VARS[i].off;
        if (!p || dst[0])
            continue;
        p += strlen(VARS[i].var);
        size_t n = strcspn(p, " \t\r\n");
        snprintf(dst, sizeof log->env_algo, "%.*s", (int)(n < 63 ? n : 63), p);
    }
}

/* "NCCL version 2.21.5+cuda12.4" anywhere in the line (an INFO line, a
 * comment, or alone as NCCL_DEBUG=VERSION prints it): keep 2.21.5; or
 * nccl-tests' own "# nccl-tests version 2.13.11 nccl-headers=22105
 * nccl-library=22105": keep the library's. The first one read wins. A
 * version that does not read as three whole numbers is not a version line
 * (left alone, as any other NCCL INFO text). */
static int note_version(const char *text, nccltests_log *log)
{
    const char *p = strstr(text, "NCCL version ");
    long v[3];
    if (!p && (p = strstr(text, "nccl-library="))) {
        cursor c = { p + strlen("nccl-library=") };
        if (!take_long(&c, 2000, 999999, NULL, &v[0]))
            return 0;
        keep_version_code(v[0], log);
        return 1;
    }
    if (!p)
        return 0;
    cursor c = { p + strlen("NCCL version ") };
    for (int i = 0; i < 3; i++) {
        if (!take_long(&c, 0, 999, i < 2 ? "." : "+-_ ", &v[i]))
            return 0;
        if (i < 2 && *c.p++ != '.')
            return 0;
    }
    if (log->nccl_version[0] == '\0')
        snprintf(log->nccl_version, sizeof log->nccl_version, "%ld.%ld.%ld", v[0], v[1], v[2]);
    return 1;
}

/* "#  Rank  0 Group  0 Pid  40123 on node-a device  0 [0x18] NVIDIA H100
 * 80GB HBM3"; nccl-tests before 2.17 print no "Group n". 1 and the host and
 * device name when the line has that shape, else 0. */
static int read_rank_line(const char *text, char *host, size_t hlen, char *dev, size_t dlen)
{
    cursor c = { text + 1 };                      /* past '#' */
    long x;
    if (!take_word(&c, "Rank") || !take_long(&c, 0, INT32_MAX, NULL, &x))
        return 0;
    if (take_word(&c, "Group") && !take_long(&c, 0, INT32_MAX, NULL, &x))
        return 0;
    if (!take_word(&c, "Pid") || !take_long(&c, 0, LONG_MAX, NULL, &x) ||
        !take_word(&c, "on") || take_token(&c, host, hlen) == 0 || !take_word(&c, "device") ||
        !take_long(&c, 0, INT32_MAX, NULL, &x))
        return 0;
    skip_blank(&c);
    if (*c.p == '[') {                            /* the PCI bus id */
        const char *e = strchr(c.p, ']');
        if (!e)
            return 0;
        c.p = e + 1;
    }
    skip_blank(&c);
    snprintf(dev, dlen, "%.*s", (int)strcspn(c.p, "\r\n"), c.p);
    return 1;
}

/* "# slicesim platform: topology T nodes N gpus_per_node P virtualization V"
 * (slicesim's own output): every field as that, or -1 naming the line, the
 * column and the field. */
static int read_platform_line(reader *rd, const char *p, nccltests_log *log)
{
    static const char SHAPE[] = "slicesim platform: topology T nodes N gpus_per_node P virtualization V";
    cursor c = { p + strlen("slicesim platform:") };
    const char *what = NULL;
    long nodes = 0, ppn = 0;
    char tname[sizeof log->topo], virt[sizeof log->virt];
    if (!take_word(&c, "topology"))
        what = "the word \"topology\"";
    else if (take_token(&c, tname, sizeof tname) == 0)
        what = "a topology name";
    else if (!take_word(&c, "nodes"))
        what = "the word \"nodes\"";
    else if (!take_long(&c, 1, 65536, NULL, &nodes))
        what = "nodes, a whole number from 1 to 65536,";
    else if (!take_word(&c, "gpus_per_node"))
        what = "the word \"gpus_per_node\"";
    else if (!take_long(&c, 1, 1024, NULL, &ppn))
        what = "gpus_per_node, a whole number from 1 to 1024,";
    else if (!take_word(&c, "virtualization"))
        what = "the word \"virtualization\"";
    else if (take_token(&c, virt, sizeof virt) == 0)
        what = "a virtualization mode";
    if (what) {
        char got[64], shown[160];
        cursor at = c;
        take_token(&at, got, sizeof got);
        skip_blank(&c);
        textfile_sanitize(got, shown, sizeof shown);
        snprintf(rd->err, rd->errlen, "%s: line %d, column %d: expected %s, found \"%s\"; allowed: \"%s\"",
                 rd->file, rd->line, column_of(rd, NULL, c.p), what, shown, SHAPE);
        return -1;
    }
    snprintf(log->topo, sizeof log->topo, "%s", tname);
    snprintf(log->virt, sizeof log->virt, "%s", virt);
    log->plat_nodes = (int)nodes;
    log->plat_ppn = (int)ppn;
    return 0;
}

/* A result row starts with its size: a digit (a sign or point before one
 * still counts, so that a malformed size is refused, not skipped). */
static int looks_like_row(const char *s)
{
    if (*s == '-' || *s == '+' || *s == '.')
        s++;
    return isdigit((unsigned char)*s);
}

/* A launcher's per-line prefix: Open MPI's --tag-output "[1,0]<stdout>:"
 * (or "<stderr>:"), MPICH's -prepend-rank and Intel MPI's -l "[0] ", Slurm
 * srun --label's "0: " (padded with blanks). A result row never starts
 * with either: its size is a bare number. */
static const char *strip_mpi_tag(const char *s)
{
    const char *p = s;
    if (*s == '[') {
        const char *e = strchr(s, ']');
        if (!e)
            return s;
        if (strncmp(e + 1, "<stdout>:", 9) == 0 || strncmp(e + 1, "<stderr>:", 9) == 0)
            return e + 10;
        for (p = s + 1; isdigit((unsigned char)*p); p++)
            ;
        return p > s + 1 && p == e && (e[1] == ' ' || e[1] == ':' || e[1] == '\0') ? e + 1 + (e[1] == ':') : s;
    }
    while (isdigit((unsigned char)*p))
        p++;
    return p > s && *p == ':' && (p[1] == ' ' || p[1] == '\t' || p[1] == '\0') ? p + 1 : s;
}

/* A new test after one with rows (else the current one, or the first). */
static nccltests_test *open_test(reader *rd, nccltests_log *log)
{
    nccltests_test *t = &log->tests[log->ntests > 0 ? log->ntests - 1 : 0];
    int fresh = log->ntests == 0;
    if (log->ntests > 0 && t->n > 0) {
        if (log->ntests == NCCLTESTS_MAX_TESTS) {
            snprintf(rd->err, rd->errlen, "%s: line %d: more than %d tests in one log", rd->file,
                     rd->line, NCCLTESTS_MAX_TESTS);
            return NULL;
        }
        t = &log->tests[log->ntests];
        fresh = 1;
    }
    if (fresh) {
        log->ntests++;
        memset(t, 0, sizeof *t);
        t->op = -1;
        t->first = log->n;
    }
    if (t->line == 0)
        t->line = rd->line;
    return t;
}

/* "#       size         count      type   redop    root     time ...": the
 * row width it announces (13 with root, 12 without, before 2.10). */
static int read_column_header(reader *rd, const char *text)
{
    cursor c = { text + 1 };
    char tok[32];
    int cols = 2;
    if (!take_word(&c, "size") || !take_word(&c, "count"))
        return 0;
    while (take_token(&c, tok, sizeof tok) > 0)
        cols += strcmp(tok, "root") == 0;
    rd->hdr_cols = cols == 3 ? 13 : 12;
    rd->hdr_line = rd->line;
    return 1;
}

/* Header comments that say what ran and where. A test opens at its name
 * ("# Collective test starting:", nccl-tests 2.17 on) or, in any release,
 * at the "# nThread" line each run prints first. */
static int parse_comment(reader *rd, const char *text, nccltests_log *log)
{
    const char *p;
    char name[64], host[256], dev[128];
    cursor c = { text + 1 };
    if (take_word(&c, "nThread"))
        return open_test(rd, log) ? 0 : -1;
    if ((p = strstr(text, "Collective test starting:")) &&
        (c.p = p + strlen("Collective test starting:"), take_token(&c, name, sizeof name) > 0)) {
        nccltests_test *t = open_test(rd, log);
        if (!t)
            return -1;
        t->op = coll_op_parse(name);
        snprintf(t->name, sizeof t->name, "%s", name);
        if (log->op < 0)
            log->op = t->op;
    } else if (note_version(text, log)) {
        /* kept */
    } else if (read_column_header(rd, text)) {
        /* the row width */
    } else if (read_rank_line(text, host, sizeof host, dev, sizeof dev)) {
        if (log->n > 0)             /* a later test of the same run lists the ranks again */
            return 0;
        if (log->ranks == 0)
            snprintf(log->gpu_name, sizeof log->gpu_name, "%s", dev);
        log->ranks++;
        if (note_host(rd, host) < 0)
            return -1;
    } else if ((p = strstr(text, "slicesim platform:"))) {
        return read_platform_line(rd, p, log);
    }
    return 0;
}

static int blank(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

static int push_row(nccltests_log *log, const nccltests_row *r)
{
    if (log->n == log->cap) {
        size_t cap = log->cap ? 2 * log->cap : 64;
        nccltests_row *rows = realloc(log->rows, cap * sizeof *rows);
        if (!rows)
            return -1;
        log->rows = rows;
        log->cap = cap;
    }
    if (log->ntests == 0) {                       /* rows before any header: one test */
        log->ntests = 1;
        memset(&log->tests[0], 0, sizeof log->tests[0]);
        log->tests[0].op = -1;
        log->tests[0].first = log->n;
        log->tests[0].line = r->line;
    }
    if ((r->wrong[0] > 0 || r->wrong[1] > 0) && log->wrong_rows++ == 0)
        log->wrong_line = r->line;
    log->rows[log->n++] = *r;
    log->tests[log->ntests - 1].n++;
    return 0;
}

/* One test holds one data type and reduction: nccl-tests -d all / -o all
 * sweep several in one run, whose rows would read as one curve whose
 * sizes restart. 0, or -1 naming both rows. */
static int same_kind(reader *rd, const nccltests_log *log, const nccltests_row *r)
{
    if (log->ntests == 0 || log->tests[log->ntests - 1].n == 0)
        return 0;
    const nccltests_row *q = &log->rows[log->n - 1];
    int type = strcmp(q->type, r->type) != 0;
    if (!type && strcmp(q->redop, r->redop) == 0)
        return 0;
    char now[80], was[80];
    textfile_sanitize(type ? r->type : r->redop, now, sizeof now);
    textfile_sanitize(type ? q->type : q->redop, was, sizeof was);
    snprintf(rd->err, rd->errlen, "%s: line %d: a %s row after %s ones (line %d) in one test (nccl-tests -d all "
             "or -o all); allowed: one data type and reduction per test (-d float -o sum, say)", rd->file,
             rd->line, now, was, q->line);
    return -1;
}

static int read_lines(FILE *f, reader *rd, nccltests_log *log)
{
    textfile_lines in;
    char *line;
    size_t len;
    int rc = 0, got = 0;
    textfile_lines_from(&in, f, rd->file, NCCLTESTS_MAX_BYTES, NCCLTESTS_MAX_LINE);
    while (rc == 0 && (got = textfile_lines_next(&in, &line, &len, rd->err, rd->errlen)) > 0) {
        rd->line = (int)in.line;
        rd->start = line;
        char *body = (char *)strip_mpi_tag(line + strspn(line, " \t"));
        const char *s = body + strspn(body, " \t");
        nccltests_row r;
        if (blank(s))
            continue;
        if (strstr(s, "NCCL INFO") || strstr(s, "NCCL WARN")) {
            note_version(s, log);
            note_env(s, log);
            continue;
        }
        if (*s == '#')
            rc = parse_comment(rd, s, log);
        else if (!looks_like_row(s) && !note_version(s, log))
            log->chatter++;                        /* launcher output, banners, prompts */
        else if (!looks_like_row(s))
            continue;                              /* NCCL_DEBUG=VERSION's "NCCL version ..." */
        else if ((rc = parse_row(rd, body, &r)) == 0 && (rc = same_kind(rd, log, &r)) == 0 &&
                 push_row(log, &r) < 0)
            rc = -1;
        if (rc < 0 && rd->err[0] == '\0')
            snprintf(rd->err, rd->errlen, "%s: out of memory", rd->file);
    }
    if (rc == 0 && got < 0)
        rc = -1;
    textfile_lines_close(&in);
    return rc;
}

int nccltests_parse(FILE *f, const char *file, nccltests_log *log, char *err, size_t errlen)
{
    char *hosts[MAX_HOSTS];
    reader rd = { file, 0, err, errlen, hosts, 0, NULL, NULL, 0, 0 };
    memset(log, 0, sizeof *log);
    log->op = -1;
    err[0] = '\0';
    int rc = read_lines(f, &rd, log);
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: cannot read the file", file);
        rc = -1;
    }
    if (rc == 0 && log->n == 0) {
        snprintf(err, errlen, "%s: line %d: no nccl-tests result rows in the file; allowed: rows of %s",
                 file, rd.line, ROW_SHAPE);
        rc = -1;
    }
    log->nodes = (int)rd.nhosts;
    for (size_t i = 0; i < rd.nhosts; i++)
        free(hosts[i]);
    if (rc < 0)
        nccltests_free(log);
    return rc;
}

void nccltests_free(nccltests_log *log)
{
    free(log->rows);
    memset(log, 0, sizeof *log);
    log->op = -1;
}

int nccltests_select(const nccltests_log *log, int k, nccltests_log *out)
{
    if (k < 0 || k >= log->ntests)
        return -1;
    *out = *log;
    out->rows = log->rows + log->tests[k].first;
    out->n = out->cap = log->tests[k].n;
    out->op = log->tests[k].op;
    out->ntests = 1;
    out->tests[0] = log->tests[k];
    out->tests[0].first = 0;
    return 0;
}

int nccltests_find(const nccltests_log *log, int op)
{
    for (int k = 0; k < log->ntests; k++)
        if (log->tests[k].op == op)
            return k;
    return -1;
}

const char *nccltests_gpu_preset(const char *dev)
{
    if (strstr(dev, "GB200"))
        return "gb200";
    if (strstr(dev, "GB300"))
        return "gb300";
    if (strstr(dev, "B200"))
        return "b200";
    if (strstr(dev, "B300"))
        return "b300";
    if (strstr(dev, "H200"))
        return "h200";
    if (strstr(dev, "H20"))
        return "h20";
    if (strstr(dev, "H100"))
        return strstr(dev, "PCIe") ? "h100-pcie" : "h100-sxm";
    if (strstr(dev, "A100"))
        return strstr(dev, "40GB") ? "a100-sxm-40gb" : "a100-sxm-80gb";
    if (strstr(dev, "L40S"))
        return "l40s";
    if (strstr(dev, "A30"))
        return "a30";
    return NULL;
}

/* --- writing --- */

const char *nccltests_format_time(double us, char *buf, size_t len)
{
    if (us >= 10000.0)
        snprintf(buf, len, "%7.0f", us);
    else if (us >= 100.0)
        snprintf(buf, len, "%7.1f", us);
    else
        snprintf(buf, len, "%7.2f", us);
    return buf;
}

void nccltests_write_header(FILE *f, int with_algo)
{
    fprintf(f, "#\n#%76s%39s\n", "out-of-place", "in-place");
    fprintf(f, "#       size         count      type   redop    root     time   algbw   busbw  #wrong"
               "     time   algbw   busbw  #wrong%s\n", with_algo ? "   algo   proto" : "");
    fprintf(f, "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)        "
               "     (us)  (GB/s)  (GB/s)\n");
}

static void write_placement(FILE *f, const nccltests_row *r, int k)
{
    char t[32], w[24];
    if (r->wrong[k] < 0)
        snprintf(w, sizeof w, "N/A");
    else
        snprintf(w, sizeof w, "%ld", r->wrong[k]);
    fprintf(f, "  %7s  %6.2f  %6.2f  %6s", nccltests_format_time(r->time_us[k], t, sizeof t),
            r->algbw[k], r->busbw[k], w);
}

void nccltests_write_row(FILE *f, const nccltests_row *r)
{
    fprintf(f, "%12.0f  %12.0f  %8s  %6s  %6d", r->size, r->count, r->type, r->redop, r->root);
    write_placement(f, r, 0);
    write_placement(f, r, 1);
    if (r->algo[0])
        fprintf(f, "  %5s  %6s", r->algo, r->proto);
    fputc('\n', f);
}

void nccltests_model_row(nccltests_row *r, const topo *t, coll_op op, double bytes,
                         const coll_est *est, double time_us)
{
    int n = topo_ranks(t);
    int per_rank = op == COLL_ALLGATHER || op == COLL_REDUCESCATTER || op == COLL_ALLTOALL;
    int reduces = op == COLL_ALLREDUCE || op == COLL_REDUCE || op == COLL_REDUCESCATTER;
    memset(r, 0, sizeof *r);
    r->size = bytes;
    r->count = floor(bytes / 4.0 / (per_rank ? n : 1));
    snprintf(r->type, sizeof r->type, "float");
    snprintf(r->redop, sizeof r->redop, "%s", reduces ? "sum" : "none");
    r->root = op == COLL_BROADCAST || op == COLL_REDUCE ? 0 : -1;
    double algbw = bytes / (time_us * 1e3);
    for (int k = 0; k < 2; k++) {
        r->time_us[k] = time_us;
        r->algbw[k] = algbw;
        r->busbw[k] = algbw * coll_busbw_factor(op, n);
        r->wrong[k] = -1;
    }
    snprintf(r->algo, sizeof r->algo, "%s", est->algo->name);
    snprintf(r->proto, sizeof r->proto, "%s", est->proto->name);
}

/* --- fitting --- */

#define LAT_SHARE 0.9    /* a row fixes the latency when >= 90% of its model time is latency */
#define BW_SHARE  0.1    /* and the efficiency when >= 10% is transfer, in the model and in the log */

/* Latency rows less their transfer time, as the efficiency fitted so far
 * (prev) predicts it. */
static int fit_latency(nccltests_point *pts, const coll_est *est, size_t n, const coll_corr *prev,
                       double *scale, int *rows)
{
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    size_t m = 0;
    if (!x || !y) {
        free(x);
        free(y);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (est[i].lat_us >= LAT_SHARE * pts[i].model_us) {
            x[m] = est[i].lat_us;
            y[m] = pts[i].measured_us - (pts[i].model_us - est[i].lat_us) / coll_corr_eff(prev, pts[i].size);
            m++;
        }
    double c1 = 1, cov = 0, sumsq = 0;
    if (m > 0)
        gsl_fit_mul(x, 1, y, 1, m, &c1, &cov, &sumsq);
    *scale = m > 0 && c1 > 0 ? c1 : 1.0;
    *rows = (int)m;
    free(x);
    free(y);
    return 0;
}

static void fit_efficiency(nccltests_point *pts, const coll_est *est, size_t n, double scale,
                           coll_corr *corr, int *rows)
{
    corr->n = 0;
    for (size_t i = 0; i < n && corr->n < COLL_CORR_MAX; i++) {
        double xfer = pts[i].model_us - est[i].lat_us;
        double left = pts[i].measured_us - scale * est[i].lat_us;
        pts[i].eff = NAN;
        /* A row the log spends almost wholly in latency leaves a sliver,
         * and a sliver's ratio is noise: 0.2 us left of a 19.7 us row gave
         * an efficiency of 16.6 where its neighbours gave 0.9. */
        if (xfer < BW_SHARE * pts[i].model_us || left < BW_SHARE * pts[i].measured_us)
            continue;
        double lx = log2(pts[i].size);
        if (corr->n > 0 && lx <= corr->log2_size[corr->n - 1])
            continue;                               /* sizes must grow */
        pts[i].eff = xfer / left;
        corr->log2_size[corr->n] = lx;
        corr->eff[corr->n] = pts[i].eff;
        corr->n++;
    }
    *rows = corr->n;
}

static void fit_errors(nccltests_fit_report *rep, const topo *t, coll_op op, const coll_corr *corr)
{
    double sum = 0, worst = 0;
    for (size_t i = 0; i < rep->n; i++) {
        coll_est e;
        coll_estimate(t, op, rep->pts[i].size, corr, &e);
        rep->pts[i].corrected_us = e.time_us;
        double rel = fabs(e.time_us - rep->pts[i].measured_us) / rep->pts[i].measured_us;
        sum += rel * rel;
        if (rel > worst) {
            worst = rel;
            rep->max_err_size = rep->pts[i].size;
        }
    }
    rep->rms_rel_err = rep->n ? sqrt(sum / (double)rep->n) : NAN;
    rep->max_rel_err = worst;
}

/* Latency and efficiency each need the other; alternate a few rounds from
 * efficiency 1 (the latency rows carry little transfer, so it settles at
 * once). Returns 0, or -1 out of memory or when a fitted value is out of
 * range. */
#define FIT_ROUNDS 4

static int fit_alternating(nccltests_fit_report *rep, const coll_est *est, coll_corr *corr)
{
    coll_corr prev = { 0 };
    prev.lat_scale = 1;
    for (int round = 0; round < FIT_ROUNDS; round++) {
        coll_corr next = { 0 };
        if (fit_latency(rep->pts, est, rep->n, &prev, &next.lat_scale, &rep->lat_rows) < 0)
            return -1;
        fit_efficiency(rep->pts, est, rep->n, next.lat_scale, &next, &rep->bw_rows);
        if (coll_corr_init(&next) < 0)
            return -1;
        prev = next;
    }
    *corr = prev;
    return 0;
}

int nccltests_fit(const nccltests_log *log, const topo *t, coll_op op, int in_place,
                  coll_corr *corr, nccltests_fit_report *rep, char *err, size_t errlen)
{
    memset(rep, 0, sizeof *rep);
    memset(corr, 0, sizeof *corr);
    corr->lat_scale = 1;
    rep->pts = calloc(log->n ? log->n : 1, sizeof *rep->pts);
    coll_est *est = calloc(log->n ? log->n : 1, sizeof *est);
    if (!rep->pts || !est) {
        free(est);
        free(rep->pts);
        rep->pts = NULL;
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    double factor = coll_busbw_factor(op, topo_ranks(t));
    for (size_t i = 0; i < log->n; i++) {
        const nccltests_row *r = &log->rows[i];
        double tm = r->time_us[in_place ? 1 : 0];
        if (r->size <= 0 || tm <= 0 || coll_estimate(t, op, r->size, NULL, &est[rep->n]) < 0)
            continue;
        nccltests_point *p = &rep->pts[rep->n++];
        p->size = r->size;
        p->measured_us = tm;
        p->model_us = est[rep->n - 1].time_us;
        p->measured_busbw = r->size / (tm * 1e3) * factor;
        p->model_busbw = r->size / (p->model_us * 1e3) * factor;
    }
    int rc = rep->n == 0 ? -1 : fit_alternating(rep, est, corr);
    if (rep->n == 0)
        snprintf(err, errlen, "no row with a positive size and time to fit");
    else if (rc < 0)
        snprintf(err, errlen, "out of memory");
    else
        fit_errors(rep, t, op, corr);
    free(est);
    return rc;
}
