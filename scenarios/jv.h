/* jv.h -- typed, path-aware reads of a JSON scenario with one clear error.
 *
 * Every reader takes the object, the dotted path of that object (the syntax
 * of --set: "tenants.0.arrivals") and a key. On the first error it writes one
 * message naming the file, the full path, the value and what is allowed, and
 * every later call is a no-op returning -1, so a parser can read a whole
 * object and check once. Nothing here allocates. */
#ifndef SCENARIOS_JV_H
#define SCENARIOS_JV_H

#include <cJSON.h>
#include <stddef.h>

typedef struct {
    const char *file;
    int         failed;
    char        msg[1024];
} jv;

void jv_init(jv *v, const char *file);

/* jv_parse: text as one JSON document with nothing after it, every object's
 * keys distinct. The tree (cJSON_Delete), or NULL with one message in err:
 * "FILE: line N: malformed JSON near "..."" or "FILE: PATH: duplicate key
 * "K"; each key once". Nesting is bounded by cJSON (1000 levels). */
cJSON *jv_parse(const char *text, const char *file, char *err, size_t errlen);

/* jv_check_keys: 0 when every object in x has distinct keys, else -1 with
 * jv_parse's duplicate-key message ("what" in place of the file name). */
int jv_check_keys(const cJSON *x, const char *what, char *err, size_t errlen);

/* jv_fail: record an error at path (printf-style detail). Returns -1. */
int jv_fail(jv *v, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* jv_join: "path.key" (or "key" at the top) into buf. */
const char *jv_join(char *buf, size_t len, const char *path, const char *key);
const char *jv_index(char *buf, size_t len, const char *path, int i);

/* jv_keys: fail on any member of obj not in allowed (NULL-terminated). */
int jv_keys(jv *v, const cJSON *obj, const char *path, const char *const allowed[]);

/* Readers. `required` = 1: a missing key is an error; otherwise *out = def.
 * Numbers must lie in [lo, hi]; lo_open / hi_open make that end exclusive. */
typedef struct { double lo, hi; int lo_open, hi_open; const char *unit; } jv_range;

int jv_number(jv *v, const cJSON *obj, const char *path, const char *key,
              int required, double def, jv_range r, double *out);
int jv_int(jv *v, const cJSON *obj, const char *path, const char *key,
           int required, long def, long lo, long hi, long *out);
int jv_string(jv *v, const cJSON *obj, const char *path, const char *key,
              int required, const char *def, const char **out);
int jv_enum(jv *v, const cJSON *obj, const char *path, const char *key,
            int required, int def, const char *const names[], int *out);
int jv_bool(jv *v, const cJSON *obj, const char *path, const char *key,
            int def, int *out);
/* jv_object / jv_array: the member, type-checked; NULL when absent (or on
 * error, with v->failed set). */
const cJSON *jv_object(jv *v, const cJSON *obj, const char *path, const char *key, int required);
const cJSON *jv_array(jv *v, const cJSON *obj, const char *path, const char *key, int required);

/* jv_describe: a short rendering of a JSON value for messages. */
const char *jv_describe(const cJSON *x, char *buf, size_t len);

#endif
