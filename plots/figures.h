/* figures.h -- the schema of slicesim's result documents, each name owned
 * once, and the typed rows that are written from it and read back through it.
 *
 * summary.json, sweep.json (and so plan.json's points) and compare.json are
 * made of objects of a few scopes: the summary, a tenant, a GPU, a MIG
 * instance; a sweep, a varied path, a point; a comparison, a setup, an
 * uncertain setup, a setup's tenant. This table is the one place that names
 * every member of those objects: its key, its kind (number, string,
 * interval, object, array of rows, ...), the object it sits in, and for the
 * figures a chart or table prints, its unit, label and sweep.csv column.
 * Table order is the order of the members in the documents.
 *
 * A fig_row holds one object's values, typed and indexed by fig_id. The
 * writers (cli/report.c, cli/sweepio.c, cli/cmd_compare.c) fill rows from
 * the typed results and write them with fig_row_json; a document read back
 * from disk (cli/cmd_report.c) is parsed with fig_row_read, the one parser,
 * into the same rows; fig_row_json of what fig_row_read gave writes the same
 * text (tests/test_figures.c). Code working on a parsed cJSON document
 * (sweep.csv, the sweep table, merge, plan, the charts) reaches its members
 * by id with fig_item, fig_num and fig_str, which follow the same table.
 *
 * A member's path is its key below its parents' ("latency_ms.p95"); an end
 * of an interval (FK_LO, FK_HI) reads element 0 or 1 of its parent
 * ("latency_ms.ci95_p95[0]"). */
#ifndef PLOTS_FIGURES_H
#define PLOTS_FIGURES_H

#include <stddef.h>
#include <cJSON.h>

typedef enum {
    FIG_NONE = -1,
    /* summary.json */
    FIG_S_VERSION, FIG_S_SCENARIO, FIG_S_SEED, FIG_S_REPLICATIONS, FIG_S_DURATION, FIG_S_WARMUP,
    FIG_S_SIM_TIME, FIG_S_EVENTS,
    FIG_S_HARDWARE, FIG_S_HW_GPU, FIG_S_HW_GPUS, FIG_S_HW_PROFILE,
    FIG_S_VIRTUALIZATION, FIG_S_SHARING,
    FIG_S_PERCENTILES, FIG_S_PCT_METHOD, FIG_S_PCT_ERROR,
    FIG_S_TENANTS, FIG_S_GPUS, FIG_S_WARNINGS,
    /* a tenant of summary.json (and of a sweep or plan point) */
    FIG_T_NAME,
    FIG_T_WORKLOAD,
    FIG_T_GPU,
    FIG_T_ROUTER,
    FIG_T_REPLICAS,
    FIG_T_DISAGG,           /* a disaggregated fleet: its pools and link */
    FIG_T_DG_PREFILL, FIG_T_DG_DECODE, FIG_T_DG_LINK, FIG_T_DG_ROUTER, FIG_T_DG_KV_BYTES,
    FIG_T_FLEET,
    FIG_T_COMPLETED,
    FIG_T_THROUGHPUT_OBJ,
    FIG_T_THROUGHPUT,
    FIG_T_THROUGHPUT_UNIT,
    FIG_T_THROUGHPUT_CI,
    FIG_T_THROUGHPUT_LO,
    FIG_T_THROUGHPUT_HI,
    FIG_T_LATENCY,
    /* the latency block, in order; every workload metric block (ttft_ms,
     * ...) has the same members */
    FIG_T_LAT_MEAN, FIG_T_LAT_P50, FIG_T_LAT_P90, FIG_T_LAT_P95, FIG_T_LAT_P99, FIG_T_LAT_P999,
    FIG_T_LAT_CI_MEAN, FIG_T_LAT_CI_P50, FIG_T_LAT_CI_P90, FIG_T_LAT_CI_P95, FIG_T_LAT_CI_P99,
    FIG_T_LAT_CI_P999,
    FIG_T_LAT_SAMPLES,
    FIG_T_LAT_LOW,
    FIG_T_LAT_P95_LO,
    FIG_T_LAT_P95_HI,
    FIG_T_METRICS,          /* the workload's metric blocks, each named by the workload */
    FIG_T_BREAKDOWN,
    FIG_T_BD_QUEUEING, FIG_T_BD_OTHER, FIG_T_BD_SWITCH, FIG_T_BD_SERVICE, FIG_T_BD_HOST,
    FIG_T_GPU_SHARE,
    FIG_T_GPU_SHARE_CI,
    FIG_T_IN_SYSTEM,
    /* only an LLM tenant with a prefix cache (and a fleet of them) has it */
    FIG_T_PREFIX,
    FIG_T_PREFIX_HIT,
    FIG_T_PREFIX_CI,
    FIG_T_SLO,
    FIG_T_SLO_METRIC,
    FIG_T_SLO_BOUND,
    FIG_T_SLO_VALUE,
    FIG_T_SLO_CI,
    FIG_T_SLO_LO,
    FIG_T_SLO_HI,
    FIG_T_SLO_VERDICT,
    FIG_T_SLO_MET,
    FIG_T_SLO_REASON,
    FIG_T_SLO_REPS,
    FIG_T_SLO_ATTAINMENT,
    FIG_T_FLAGS,
    FIG_T_FL_UNSTEADY, FIG_T_FL_UNFINISHED, FIG_T_FL_CONSTANT,
    FIG_T_VALIDATION,       /* the validated error of the families its figures rest on */
    /* a GPU of summary.json */
    FIG_G_ID,
    FIG_G_UTILIZATION,
    FIG_G_UTIL_CI,
    FIG_G_SWITCHES,
    FIG_G_SWITCH_OVERHEAD,
    FIG_G_VIRT_OVERHEAD,
    FIG_G_PCIE,
    FIG_G_THROTTLED,
    FIG_G_INSTANCES,
    /* a MIG instance of a GPU */
    FIG_I_ID, FIG_I_PROFILE, FIG_I_START, FIG_I_SMS, FIG_I_MEMORY, FIG_I_MODE,
    FIG_I_UTILIZATION, FIG_I_UTIL_CI, FIG_I_SWITCHES, FIG_I_SWITCH_OVERHEAD, FIG_I_VIRT_OVERHEAD,
    /* a point of sweep.json (and of plan.json) */
    FIG_P_INDEX, FIG_P_VALUES, FIG_P_SEED, FIG_P_REPLICATIONS, FIG_P_TENANTS, FIG_P_GPUS, FIG_P_WARNINGS,
    /* sweep.json (cli/sweepio.h) and one of its varied paths */
    FIG_W_VERSION, FIG_W_SCENARIO, FIG_W_HASH, FIG_W_SEED, FIG_W_REPLICATIONS, FIG_W_SETS, FIG_W_VARY,
    FIG_W_POINTS_TOTAL, FIG_W_POINTS, FIG_W_SHARD, FIG_W_SHARD_INDEX, FIG_W_SHARD_COUNT,
    FIG_V_PATH, FIG_V_VALUES,
    /* compare.json, one of its setups, and a setup's tenant, whose SLO
     * figures are named without units */
    FIG_K_VERSION, FIG_K_SCENARIO, FIG_K_BASELINE, FIG_K_COST_UNIT, FIG_K_SETUPS,
    FIG_K_VERDICT, FIG_K_MEETING, FIG_K_UNCERTAIN, FIG_K_CHEAPEST,
    FIG_U_MODE, FIG_U_WHAT, FIG_U_GPUS, FIG_U_COST, FIG_U_UTIL_OBJ, FIG_U_UTILIZATION, FIG_U_UTIL_CI,
    FIG_U_MEETS, FIG_U_TENANTS,
    FIG_X_MODE, FIG_X_REPS, FIG_X_UNSTEADY,     /* a setup of verdict.uncertain */
    FIG_C_NAME,
    FIG_C_THROUGHPUT_OBJ, FIG_C_THROUGHPUT, FIG_C_THROUGHPUT_CI, FIG_C_THROUGHPUT_LO, FIG_C_THROUGHPUT_HI,
    FIG_C_THROUGHPUT_UNIT,
    FIG_C_LATENCY,
    FIG_C_LAT_P50, FIG_C_LAT_CI_P50, FIG_C_LAT_P95, FIG_C_LAT_CI_P95, FIG_C_LAT_P99, FIG_C_LAT_CI_P99,
    FIG_C_LAT_P95_LO, FIG_C_LAT_P95_HI,
    FIG_C_METRICS,
    FIG_C_SLO_OBJ,
    FIG_C_SLO_VALUE,
    FIG_C_SLO_CI,
    FIG_C_SLO_LO,
    FIG_C_SLO_HI,
    FIG_C_SLO_TEXT,
    FIG_C_SLO_METRIC,
    FIG_C_SLO_BOUND,
    FIG_C_SLO_VERDICT,
    FIG_C_SLO_REASON,
    FIG_C_SLO_REPS,
    FIG_C_SLO_MET,
    FIG_C_VS, FIG_C_VS_THROUGHPUT, FIG_C_VS_P95,
    FIG_C_VALIDATION,       /* the validated error of the families the setup's figures rest on */
    /* a family of a tenant's validation (models/accuracy.h) */
    FIG_A_FAMILY, FIG_A_VALIDATED, FIG_A_ROWS, FIG_A_WITHIN, FIG_A_MEAN, FIG_A_P90, FIG_A_MAX,
    FIG_A_LEFT_OUT, FIG_A_LO_POINTS, FIG_A_LO_MEAN, FIG_A_LO_MAX, FIG_A_GPUS, FIG_A_THIS_GPU,
    FIG_COUNT
} fig_id;

/* The object a member lives in. */
typedef enum { FIG_SUMMARY, FIG_TENANT, FIG_GPU, FIG_INSTANCE, FIG_POINT, FIG_SWEEP, FIG_VARY,
               FIG_COMPARE, FIG_SETUP, FIG_UNCERTAIN, FIG_COMPARE_TENANT, FIG_VALIDATION, FIG_SCOPES } fig_scope;

typedef enum {
    FK_NUM,     /* a number (null when not finite) */
    FK_STR,
    FK_BOOL,
    FK_CI,      /* a 95% interval: [lo, hi], or null */
    FK_LO,      /* an end of the parent interval (not written of its own) */
    FK_HI,
    FK_OBJ,     /* an object of the entries whose parent it is, or null */
    FK_STRS,    /* an array of strings */
    FK_QLIST,   /* an array of keys of its parent's members, those whose bit is set */
    FK_ROWS,    /* an array of objects of another scope */
    FK_RAW,     /* a JSON value whose members its producer owns (the sharing
                 * mode's description, a point's varied values) */
    FK_BLOCKS,  /* the workload's own metric blocks: objects named by the
                 * workload, each with the members of the scope's latency
                 * object (FIG_T_LATENCY, FIG_C_LATENCY) */
} fig_kind;

typedef struct {
    fig_id      id;
    fig_scope   scope;
    fig_kind    kind;
    fig_id      parent;   /* the FK_OBJ or FK_CI entry it lives in; FIG_NONE: the scope's object */
    const char *key;      /* its member name; NULL for FK_LO, FK_HI, FK_BLOCKS */
    fig_scope   rows;     /* FK_ROWS: the scope of each element */
    const char *unit;     /* "" when none or given by the document (throughput) */
    const char *label;    /* what a chart's axis or a table says */
    const char *col;      /* sweep.csv column suffix, NULL: not a column */
} fig;

/* fig_get: figure id's entry. */
const fig *fig_get(fig_id id);

/* fig_path: id's dotted path below its scope's object into buf; buf. */
const char *fig_path(fig_id id, char *buf, size_t len);

/* fig_csv_cols: the sweep.csv columns of scope into out (room for
 * FIG_COUNT), in column order; returns how many. */
size_t fig_csv_cols(fig_scope scope, const fig **out);

/* fig_item: the JSON value of figure id in obj (an object of id's scope), or
 * NULL when absent. */
const cJSON *fig_item(const cJSON *obj, fig_id id);

/* fig_member: as fig_item, for a document being built (cli/sweepio.c
 * appends points to FIG_W_POINTS). */
cJSON *fig_member(cJSON *obj, fig_id id);

/* fig_num: figure id of obj as a number; NaN when absent or not a number. */
double fig_num(const cJSON *obj, fig_id id);

/* fig_str: figure id of obj as a string; NULL when absent or not one. */
const char *fig_str(const cJSON *obj, fig_id id);

/* fig_axis: "LABEL (UNIT)" (or "LABEL" without a unit) into buf; buf. */
const char *fig_axis(fig_id id, char *buf, size_t len);

/* ---- typed rows ---- */

#define FIG_BLOCK_N (FIG_T_LAT_LOW - FIG_T_LAT_MEAN + 1)   /* members of a metric block */
#define FIG_MAX_BLOCKS 8                                   /* workload metric blocks per tenant */

typedef enum { FV_ABSENT, FV_NULL, FV_SET } fig_state;

typedef struct fig_row fig_row;

/* One member's value. Strings are borrowed (from the scenario a writer
 * read, or the document a parser read: it must outlive the row); arrays,
 * rows and raw values are the row's own. */
typedef struct {
    fig_state    state;
    double       num;     /* FK_NUM; FK_BOOL 0 or 1; FK_QLIST a bit per member of the parent, in order */
    double       lo, hi;  /* FK_CI */
    const char  *str;     /* FK_STR */
    const char **strs;    /* FK_STRS, n of them */
    fig_row     *rows;    /* FK_ROWS, n of them */
    size_t       n;
    cJSON       *raw;     /* FK_RAW */
} fig_val;

struct fig_row {
    fig_scope   scope;
    fig_val    *v;                              /* the scope's entries, from its first id */
    size_t      nblocks;                        /* a tenant's workload metric blocks */
    const char *block_name[FIG_MAX_BLOCKS];
    fig_val    *block;                          /* [k * FIG_BLOCK_N + slot]: the latency object's members in order */
    char      **own;                            /* strings the row keeps (fig_row_own) */
    size_t      nown;
};

/* fig_row_init: an empty row of scope (every member absent); 0, or -1 when
 * out of memory. */
int fig_row_init(fig_row *r, fig_scope scope);

/* fig_row_free: free what r owns (arrays, rows, raw values); r is empty. */
void fig_row_free(fig_row *r);

/* fig_set_*: set a member of r (an entry of r's scope with that kind).
 * fig_set_num writes null for a number that is not finite; fig_set_ci null
 * when lo is not finite. fig_set_strs copies the array (not the strings);
 * fig_set_rows makes n empty rows of the entry's row scope and returns them
 * (NULL when out of memory); fig_set_raw takes raw. fig_set_null: the member
 * is null; fig_set_obj: the object is there (its members set one by one).
 * fig_set_blocks: n workload metric blocks (at most FIG_MAX_BLOCKS) named
 * names[k]; fig_block: member id of the latency object (FIG_T_LAT_MEAN ...
 * FIG_T_LAT_LOW, FIG_C_LAT_P50 ... FIG_C_LAT_CI_P99) of block k, for
 * fig_val_num and fig_val_ci. */
void fig_set_num(fig_row *r, fig_id id, double x);
void fig_set_str(fig_row *r, fig_id id, const char *s);
void fig_set_bool(fig_row *r, fig_id id, int b);
void fig_set_ci(fig_row *r, fig_id id, double lo, double hi);
void fig_set_null(fig_row *r, fig_id id);
void fig_set_obj(fig_row *r, fig_id id);
int  fig_set_strs(fig_row *r, fig_id id, const char *const *s, size_t n);
fig_row *fig_set_rows(fig_row *r, fig_id id, size_t n);
void fig_set_raw(fig_row *r, fig_id id, cJSON *raw);
int  fig_set_blocks(fig_row *r, size_t n, const char *const *names);
fig_val *fig_block(fig_row *r, size_t k, fig_id id);
void fig_val_num(fig_val *v, double x);
void fig_val_ci(fig_val *v, double lo, double hi);

/* fig_row_own: a copy of s that r keeps until fig_row_free (for a string
 * a member borrows that would not outlive the row); NULL when out of
 * memory. */
const char *fig_row_own(fig_row *r, const char *s);

/* fig_move: member from of src into member to of dst (entries of the same
 * kind), src's member left absent; the strings src keeps go with it. */
void fig_move(fig_row *dst, fig_id to, fig_row *src, fig_id from);

/* fig_row_val: member id of r (of r's scope), NULL for another scope's. */
const fig_val *fig_row_val(const fig_row *r, fig_id id);

/* fig_row_num: member id of r as a number (FK_LO, FK_HI: an end of the
 * parent interval); NaN when absent or null. fig_row_str: as a string, NULL
 * when absent. fig_row_has: whether the member is set (not absent, not
 * null). */
double      fig_row_num(const fig_row *r, fig_id id);
const char *fig_row_str(const fig_row *r, fig_id id);
int         fig_row_has(const fig_row *r, fig_id id);

/* fig_row_json: r as the JSON object its scope's entries describe, members
 * in table order; NULL when out of memory. */
cJSON *fig_row_json(const fig_row *r);

/* fig_row_json_part: as fig_row_json, with only the top-level members
 * listed in top (n of them; each with what it holds). */
cJSON *fig_row_json_part(const fig_row *r, const fig_id *top, size_t n);

/* fig_row_read: the one parser: obj (an object of scope) into r
 * (initialized here; fig_row_free it even on failure). Members the table
 * does not name are a tenant's workload metric blocks when they are
 * objects, and ignored otherwise. 0, or -1 with a message naming the
 * member and what it should be in err. */
int fig_row_read(fig_row *r, fig_scope scope, const cJSON *obj, char *err, size_t errlen);

/* fig_row_equal: whether a and b hold the same members with the same
 * values, numbers within a relative tol of each other (0: exactly; cJSON
 * writes a number with 15 significant digits when they read back within
 * one DBL_EPSILON, so a row read from text is within 2 DBL_EPSILON of the
 * one written), NaN equal to NaN. */
int fig_row_equal(const fig_row *a, const fig_row *b, double tol);

#endif
