#include "scenarios/jv.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/textfile.h"

void jv_init(jv *v, const char *file)
{
    v->file = file;
    v->failed = 0;
    v->msg[0] = '\0';
}

int jv_fail(jv *v, const char *path, const char *fmt, ...)
{
    if (v->failed)
        return -1;
    v->failed = 1;
    char raw[sizeof v->msg];
    int n = snprintf(raw, sizeof raw, "%s: %s: ", v->file, path && *path ? path : "(top level)");
    if (n < 0 || (size_t)n >= sizeof raw)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw + n, sizeof raw - (size_t)n, fmt, ap);
    va_end(ap);
    /* input text (file names, keys, strings) never reaches a terminal raw */
    textfile_sanitize(raw, v->msg, sizeof v->msg);
    return -1;
}

static int by_key(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* The first key of obj that appears twice, or NULL (-1 on out of memory). */
static const char *duplicate_key(const cJSON *obj, int *oom)
{
    size_t n = 0, k = 0;
    const cJSON *m;
    for (m = obj->child; m; m = m->next)
        n++;
    if (n < 2)
        return NULL;
    if (n <= 8) {
        for (const cJSON *a = obj->child; a; a = a->next)
            for (const cJSON *b = a->next; b; b = b->next)
                if (strcmp(a->string, b->string) == 0)
                    return a->string;
        return NULL;
    }
    const cJSON **keys = malloc(n * sizeof *keys);
    if (!keys) {
        *oom = 1;
        return NULL;
    }
    for (m = obj->child; m; m = m->next)
        keys[k++] = m;
    qsort(keys, n, sizeof *keys, by_key);
    const char *dup = NULL;
    for (k = 1; k < n && !dup; k++)
        if (strcmp(keys[k - 1]->string, keys[k]->string) == 0)
            dup = keys[k]->string;
    free(keys);
    return dup;
}

/* Depth-first: the path of the first object holding a duplicate key. */
static int check_keys(const cJSON *x, char *path, size_t len, size_t used, char *err, size_t errlen,
                      const char *file)
{
    int oom = 0;
    if (cJSON_IsObject(x)) {
        const char *dup = duplicate_key(x, &oom);
        if (oom || dup) {
            char shown[256], key[200];
            textfile_sanitize(used ? path : "(top level)", shown, sizeof shown);
            if (oom)
                snprintf(err, errlen, "%s: out of memory", file);
            else
                snprintf(err, errlen, "%s: %s: duplicate key \"%s\"; each key may appear once in an object",
                         file, shown, textfile_sanitize(dup, key, sizeof key));
            return -1;
        }
    }
    if (!cJSON_IsObject(x) && !cJSON_IsArray(x))
        return 0;
    long i = 0;
    for (const cJSON *m = x->child; m; m = m->next, i++) {
        int w = cJSON_IsObject(x) ? snprintf(path + used, len - used, "%s%s", used ? "." : "", m->string)
                                  : snprintf(path + used, len - used, "%s%ld", used ? "." : "", i);
        size_t next = w < 0 || (size_t)w >= len - used ? len - 1 : used + (size_t)w;
        if (check_keys(m, path, len, next, err, errlen, file) < 0)
            return -1;
        path[used] = '\0';
    }
    return 0;
}

cJSON *jv_parse(const char *text, const char *file, char *err, size_t errlen)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        int line = 1;
        const char *at = end ? end : cJSON_GetErrorPtr();
        for (const char *c = text; at && c < at && *c; c++)
            line += *c == '\n';
        char near[24], shown[100];
        snprintf(near, sizeof near, "%.20s", at ? at : "");
        snprintf(err, errlen, "%s: line %d: malformed JSON near \"%s\"", file, line,
                 textfile_sanitize(near, shown, sizeof shown));
        return NULL;
    }
    if (jv_check_keys(root, file, err, errlen) < 0) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int jv_check_keys(const cJSON *x, const char *what, char *err, size_t errlen)
{
    char path[1024] = "";
    return check_keys(x, path, sizeof path, 0, err, errlen, what);
}

const char *jv_join(char *buf, size_t len, const char *path, const char *key)
{
    if (path && *path)
        snprintf(buf, len, "%s.%s", path, key);
    else
        snprintf(buf, len, "%s", key);
    return buf;
}

const char *jv_index(char *buf, size_t len, const char *path, int i)
{
    snprintf(buf, len, "%s.%d", path, i);
    return buf;
}

const char *jv_describe(const cJSON *x, char *buf, size_t len)
{
    if (!x)
        snprintf(buf, len, "(missing)");
    else if (cJSON_IsString(x)) {
        char cut[64], shown[256];
        snprintf(cut, sizeof cut, "%.60s", x->valuestring);
        snprintf(buf, len, "\"%s\"", textfile_sanitize(cut, shown, sizeof shown));
    }
    else if (cJSON_IsNumber(x))
        snprintf(buf, len, "%.17g", x->valuedouble);
    else if (cJSON_IsBool(x))
        snprintf(buf, len, "%s", cJSON_IsTrue(x) ? "true" : "false");
    else if (cJSON_IsNull(x))
        snprintf(buf, len, "null");
    else if (cJSON_IsArray(x))
        snprintf(buf, len, "an array");
    else
        snprintf(buf, len, "an object");
    return buf;
}

int jv_keys(jv *v, const cJSON *obj, const char *path, const char *const allowed[])
{
    if (v->failed)
        return -1;
    const cJSON *m;
    cJSON_ArrayForEach(m, obj) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, m->string) == 0;
        if (ok)
            continue;
        char p[512], list[512] = "";
        for (const char *const *a = allowed; *a; a++) {
            strncat(list, *a, sizeof list - strlen(list) - 1);
            if (a[1])
                strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
        return jv_fail(v, jv_join(p, sizeof p, path, m->string),
                       "unknown field; allowed here: %s", list);
    }
    return 0;
}

static const cJSON *member(jv *v, const cJSON *obj, const char *path, const char *key,
                           int required, char *p, size_t plen)
{
    jv_join(p, plen, path, key);
    if (v->failed)
        return NULL;
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!x && required)
        jv_fail(v, p, "missing; this field is required");
    return x;
}

static void range_text(jv_range r, char *buf, size_t len)
{
    const char *u = r.unit ? r.unit : "";
    if (isinf(r.hi))
        snprintf(buf, len, "a number %s %g%s%s", r.lo_open ? ">" : ">=", r.lo, *u ? " " : "", u);
    else
        snprintf(buf, len, "a number in %c%g, %g%c%s%s", r.lo_open ? '(' : '[', r.lo,
                 r.hi, r.hi_open ? ')' : ']', *u ? " " : "", u);
}

int jv_number(jv *v, const cJSON *obj, const char *path, const char *key,
              int required, double def, jv_range r, double *out)
{
    char p[512], d[128], allowed[160];
    const cJSON *x = member(v, obj, path, key, required, p, sizeof p);
    if (v->failed)
        return -1;
    range_text(r, allowed, sizeof allowed);
    if (!x) {
        *out = def;
        return 0;
    }
    if (!cJSON_IsNumber(x))
        return jv_fail(v, p, "value %s is not a number; allowed: %s",
                       jv_describe(x, d, sizeof d), allowed);
    double y = x->valuedouble;
    if (!isfinite(y) || y < r.lo || (r.lo_open && y == r.lo) || y > r.hi || (r.hi_open && y == r.hi))
        return jv_fail(v, p, "value %s is out of range; allowed: %s",
                       jv_describe(x, d, sizeof d), allowed);
    *out = y;
    return 0;
}

int jv_int(jv *v, const cJSON *obj, const char *path, const char *key,
           int required, long def, long lo, long hi, long *out)
{
    char p[512], d[128];
    const cJSON *x = member(v, obj, path, key, required, p, sizeof p);
    if (v->failed)
        return -1;
    if (!x) {
        *out = def;
        return 0;
    }
    double y = cJSON_IsNumber(x) ? x->valuedouble : NAN;
    if (!cJSON_IsNumber(x) || y != floor(y))
        return jv_fail(v, p, "value %s is not an integer; allowed: an integer in [%ld, %ld]",
                       jv_describe(x, d, sizeof d), lo, hi);
    if (y < (double)lo || y > (double)hi)
        return jv_fail(v, p, "value %s is out of range; allowed: an integer in [%ld, %ld]",
                       jv_describe(x, d, sizeof d), lo, hi);
    *out = (long)y;
    return 0;
}

int jv_string(jv *v, const cJSON *obj, const char *path, const char *key,
              int required, const char *def, const char **out)
{
    char p[512], d[128];
    const cJSON *x = member(v, obj, path, key, required, p, sizeof p);
    if (v->failed)
        return -1;
    if (!x) {
        *out = def;
        return 0;
    }
    if (!cJSON_IsString(x))
        return jv_fail(v, p, "value %s is not a string", jv_describe(x, d, sizeof d));
    *out = x->valuestring;
    return 0;
}

int jv_enum(jv *v, const cJSON *obj, const char *path, const char *key,
            int required, int def, const char *const names[], int *out)
{
    char p[512], d[128], list[512] = "";
    const cJSON *x = member(v, obj, path, key, required, p, sizeof p);
    if (v->failed)
        return -1;
    if (!x) {
        *out = def;
        return 0;
    }
    for (int i = 0; names[i]; i++) {
        if (cJSON_IsString(x) && strcmp(names[i], x->valuestring) == 0) {
            *out = i;
            return 0;
        }
        strncat(list, names[i], sizeof list - strlen(list) - 1);
        if (names[i + 1])
            strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    return jv_fail(v, p, "value %s is not allowed; allowed: %s", jv_describe(x, d, sizeof d), list);
}

int jv_bool(jv *v, const cJSON *obj, const char *path, const char *key, int def, int *out)
{
    char p[512], d[128];
    const cJSON *x = member(v, obj, path, key, 0, p, sizeof p);
    if (v->failed)
        return -1;
    if (!x) {
        *out = def;
        return 0;
    }
    if (!cJSON_IsBool(x))
        return jv_fail(v, p, "value %s is not a boolean; allowed: true, false",
                       jv_describe(x, d, sizeof d));
    *out = cJSON_IsTrue(x);
    return 0;
}

static const cJSON *typed(jv *v, const cJSON *obj, const char *path, const char *key,
                          int required, int want_array)
{
    char p[512], d[128];
    const cJSON *x = member(v, obj, path, key, required, p, sizeof p);
    if (!x || v->failed)
        return NULL;
    if (want_array ? !cJSON_IsArray(x) : !cJSON_IsObject(x)) {
        jv_fail(v, p, "value %s is not %s", jv_describe(x, d, sizeof d),
                want_array ? "an array" : "an object");
        return NULL;
    }
    return x;
}

const cJSON *jv_object(jv *v, const cJSON *obj, const char *path, const char *key, int required)
{
    return typed(v, obj, path, key, required, 0);
}

const cJSON *jv_array(jv *v, const cJSON *obj, const char *path, const char *key, int required)
{
    return typed(v, obj, path, key, required, 1);
}
