/* vary.c -- --vary lists and ranges, and the point <-> values mapping.
 * Invariant: every dimension has 1..VARY_MAX_VALUES values and the product
 * of the sizes is at most VARY_MAX_POINTS. */
#include "cli/vary.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>

static int parse_double(const char *s, size_t len, double *out)
{
    char buf[64], *end;
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    *out = strtod(buf, &end);
    return *end == '\0' && errno == 0 && isfinite(*out) ? 0 : -1;
}

static int push_value(vary_dim *d, const char *s, size_t len)
{
    if (d->n == VARY_MAX_VALUES)
        return -1;
    char **v = d->values;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        if (!(v = realloc(d->values, cap * sizeof *v)))
            return -1;
        d->values = v;
        d->cap = cap;
    }
    if (!(v[d->n] = malloc(len + 1)))
        return -1;
    memcpy(v[d->n], s, len);
    v[d->n][len] = '\0';
    d->n++;
    return 0;
}

/* A:B:STEP with three numbers; 1 when it is a range, 0 when not, -1 on a
 * range that is not allowed (message on err). */
static int parse_range(vary_dim *d, const char *arg, const char *s, FILE *err)
{
    const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    double a, b, step;
    if (!c1 || !c2 || strchr(c2 + 1, ':') || parse_double(s, (size_t)(c1 - s), &a) < 0 ||
        parse_double(c1 + 1, (size_t)(c2 - c1 - 1), &b) < 0 ||
        parse_double(c2 + 1, strlen(c2 + 1), &step) < 0)
        return 0;
    if (!(step > 0) || a > b) {
        fprintf(err, "slicesim: --vary %s: range \"%s\" is not allowed; allowed: A:B:STEP with A <= B and STEP > 0\n",
                arg, s);
        return -1;
    }
    double count = floor((b - a) / step + 1e-9) + 1;
    if (count > VARY_MAX_VALUES) {
        fprintf(err, "slicesim: --vary %s: range \"%s\" has %.0f values; allowed: at most %d\n",
                arg, s, count, VARY_MAX_VALUES);
        return -1;
    }
    for (long k = 0; k < (long)count; k++) {
        char num[64];
        double x = a + (double)k * step;
        if (fabs(x) < 1e-12 * step)
            x = 0;
        int len = snprintf(num, sizeof num, "%.10g", x);
        if (push_value(d, num, (size_t)len) < 0) {
            fprintf(err, "slicesim: --vary %s: out of memory\n", arg);
            return -1;
        }
    }
    d->numeric = 1;
    return 1;
}

/* The end of one list item: the next comma outside brackets and quotes. */
static const char *item_end(const char *s)
{
    int depth = 0, quoted = 0;
    for (; *s; s++) {
        if (quoted) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '"')
                quoted = 0;
        } else if (*s == '"') {
            quoted = 1;
        } else if (*s == '[' || *s == '{') {
            depth++;
        } else if (*s == ']' || *s == '}') {
            depth--;
        } else if (*s == ',' && depth == 0) {
            return s;
        }
    }
    return s;
}

static int parse_list(vary_dim *d, const char *arg, const char *s, FILE *err)
{
    d->numeric = 1;
    for (;;) {
        const char *e = item_end(s);
        if (e == s) {
            fprintf(err, "slicesim: --vary %s: empty value in the list; allowed: V1,V2,... "
                    "(JSON values or plain strings) or A:B:STEP\n", arg);
            return -1;
        }
        char *text = strndup(s, (size_t)(e - s));
        cJSON *x = text ? cJSON_ParseWithOpts(text, NULL, 1) : NULL;
        if (!x || !cJSON_IsNumber(x))
            d->numeric = 0;
        cJSON_Delete(x);
        free(text);
        if (push_value(d, s, (size_t)(e - s)) < 0) {
            fprintf(err, "slicesim: --vary %s: more than %d values (or out of memory)\n",
                    arg, VARY_MAX_VALUES);
            return -1;
        }
        if (*e == '\0')
            return 0;
        s = e + 1;
    }
}

/* A tuple's paths are non-empty and each value is an array of one element
 * per path. 0, or -1 with a message on err. */
static int check_tuple(vary_dim *d, const char *arg, FILE *err)
{
    if (d->nparts == 1)
        return 0;
    const char *p = d->path;
    for (size_t j = 0; j < d->nparts; j++) {
        const char *e = strchr(p, '+');
        if ((e ? e : p + strlen(p)) == p) {
            fprintf(err, "slicesim: --vary %s: an empty path in \"%s\"; allowed: P1+P2+...=[A1,A2,...],...\n",
                    arg, d->path);
            return -1;
        }
        p = e ? e + 1 : p;
    }
    for (size_t k = 0; k < d->n; k++) {
        cJSON *x = cJSON_ParseWithOpts(d->values[k], NULL, 1);
        int ok = cJSON_IsArray(x) && (size_t)cJSON_GetArraySize(x) == d->nparts;
        cJSON_Delete(x);
        if (!ok) {
            fprintf(err, "slicesim: --vary %s: value \"%s\" is not allowed; allowed: a JSON array of %zu "
                    "values, one for each of %s\n", arg, d->values[k], d->nparts, d->path);
            return -1;
        }
    }
    d->numeric = 0;
    return 0;
}

int vary_add(vary_set *vs, const char *arg, FILE *err)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || eq[1] == '\0') {
        fprintf(err, "slicesim: --vary %s: expected PATH=V1,V2,... or PATH=A:B:STEP, "
                "e.g. sharing.timeslice_ms=0.5,1,2 or tenants.0.arrivals.rate_per_s=10:50:10\n", arg);
        return -1;
    }
    if (vs->ndims == VARY_MAX_DIMS) {
        fprintf(err, "slicesim: --vary %s: too many --vary options; allowed: at most %d\n",
                arg, VARY_MAX_DIMS);
        return -1;
    }
    size_t plen = (size_t)(eq - arg);
    for (size_t k = 0; k < vs->ndims; k++)
        if (strlen(vs->dims[k].path) == plen && strncmp(vs->dims[k].path, arg, plen) == 0) {
            fprintf(err, "slicesim: --vary %s: path \"%s\" is already varied; give each path once\n",
                    arg, vs->dims[k].path);
            return -1;
        }
    vary_dim *d = &vs->dims[vs->ndims++];
    memset(d, 0, sizeof *d);
    if (!(d->path = strndup(arg, plen))) {
        fprintf(err, "slicesim: --vary %s: out of memory\n", arg);
        return -1;
    }
    d->nparts = 1;
    for (const char *c = d->path; *c; c++)
        d->nparts += *c == '+';
    int r = d->nparts > 1 ? 0 : parse_range(d, arg, eq + 1, err);
    if (r == 0)
        r = parse_list(d, arg, eq + 1, err);
    if (r < 0 || check_tuple(d, arg, err) < 0)
        return -1;
    double total = 1;
    for (size_t k = 0; k < vs->ndims; k++)
        total *= (double)vs->dims[k].n;
    if (total > VARY_MAX_POINTS) {
        fprintf(err, "slicesim: --vary %s: the sweep would have %.0f points; allowed: at most %d\n",
                arg, total, VARY_MAX_POINTS);
        return -1;
    }
    return 0;
}

size_t vary_points(const vary_set *vs)
{
    size_t n = 1;
    for (size_t k = 0; k < vs->ndims; k++)
        n *= vs->dims[k].n;
    return n;
}

const char *vary_value(const vary_set *vs, size_t i, size_t k)
{
    size_t stride = 1;
    for (size_t j = k + 1; j < vs->ndims; j++)
        stride *= vs->dims[j].n;
    return vs->dims[k].values[(i / stride) % vs->dims[k].n];
}

const char *vary_assignment(const vary_set *vs, size_t i, size_t k, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s=%s", vs->dims[k].path, vary_value(vs, i, k));
    return n < 0 || (size_t)n >= len ? NULL : buf;
}

size_t vary_nparts(const vary_set *vs, size_t k)
{
    return vs->dims[k].nparts ? vs->dims[k].nparts : 1;
}

const char *vary_part(const vary_set *vs, size_t i, size_t k, size_t j, char *buf, size_t len)
{
    if (vary_nparts(vs, k) == 1)
        return j == 0 ? vary_assignment(vs, i, k, buf, len) : NULL;
    const char *p = vs->dims[k].path;
    for (size_t m = 0; m < j && p; m++)
        p = strchr(p, '+') ? strchr(p, '+') + 1 : NULL;
    if (!p)
        return NULL;
    const char *e = strchr(p, '+');
    size_t plen = e ? (size_t)(e - p) : strlen(p);
    cJSON *x = cJSON_ParseWithOpts(vary_value(vs, i, k), NULL, 1);
    char *v = x ? cJSON_PrintUnformatted(cJSON_GetArrayItem(x, (int)j)) : NULL;
    cJSON_Delete(x);
    int n = v ? snprintf(buf, len, "%.*s=%s", (int)plen, p, v) : -1;
    free(v);
    return n < 0 || (size_t)n >= len ? NULL : buf;
}

void vary_free(vary_set *vs)
{
    for (size_t k = 0; k < vs->ndims; k++) {
        for (size_t j = 0; j < vs->dims[k].n; j++)
            free(vs->dims[k].values[j]);
        free(vs->dims[k].values);
        free(vs->dims[k].path);
    }
    vs->ndims = 0;
}
