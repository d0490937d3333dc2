/* textfile.c -- bounded input files and range-checked numbers (textfile.h). */
#include "scenarios/textfile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A path as messages show it (control characters escaped). */
#define SHOWN(path) textfile_sanitize((path), shown, sizeof shown)

FILE *textfile_open(const char *path, long long max_bytes, long long *size,
                    char *err, size_t errlen)
{
    char shown[1024];
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", SHOWN(path), strerror(errno));
        return NULL;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(fileno(f), &st) < 0)
        why = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        why = "is a directory; expected a file";
    else if (!S_ISREG(st.st_mode))
        why = "is not a regular file (a device, FIFO or socket); expected a file";
    if (why) {
        snprintf(err, errlen, "%s: %s", SHOWN(path), why);
        fclose(f);
        return NULL;
    }
    if ((long long)st.st_size > max_bytes) {
        snprintf(err, errlen, "%s: %lld bytes, larger than the %lld bytes allowed", SHOWN(path),
                 (long long)st.st_size, max_bytes);
        fclose(f);
        return NULL;
    }
    if (size)
        *size = (long long)st.st_size;
    return f;
}

char *textfile_read(const char *path, long max_bytes, char *err, size_t errlen)
{
    char shown[1024];
    long long len = 0;
    FILE *f = textfile_open(path, max_bytes, &len, err, errlen);
    if (!f)
        return NULL;
    char *text = malloc((size_t)len + 1);
    if (!text) {
        snprintf(err, errlen, "%s: out of memory for %lld bytes", SHOWN(path), len);
        fclose(f);
        return NULL;
    }
    size_t got = fread(text, 1, (size_t)len, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || got != (size_t)len) {
        snprintf(err, errlen, "%s: cannot read: %s", SHOWN(path), bad ? strerror(errno ? errno : EIO)
                 : "the file shrank while it was read");
        free(text);
        return NULL;
    }
    text[len] = '\0';
    if (strlen(text) != (size_t)len) {
        free(text);
        snprintf(err, errlen, "%s: contains a NUL byte; expected text", SHOWN(path));
        return NULL;
    }
    return text;
}

void textfile_lines_from(textfile_lines *r, FILE *f, const char *path, long long max_bytes,
                         size_t max_line)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->path = path;
    r->left = r->max_bytes = max_bytes;
    r->max_line = max_line;
}

int textfile_lines_open(textfile_lines *r, const char *path, long long max_bytes,
                        size_t max_line, char *err, size_t errlen)
{
    FILE *f = textfile_open(path, max_bytes, NULL, err, errlen);
    textfile_lines_from(r, f, path, max_bytes, max_line);
    if (!f)
        return -1;
    r->owned = 1;
    return 0;
}

int textfile_lines_next(textfile_lines *r, char **line, size_t *len, char *err, size_t errlen)
{
    char shown[1024];
    size_t n = 0;
    int c;
    if (!r->buf) {
        size_t cap = 256;
        char *b = realloc(r->buf, cap);
        if (!b) {
            snprintf(err, errlen, "%s: out of memory", SHOWN(r->path));
            return -1;
        }
        r->buf = b;
        r->cap = cap;
    }
    while ((c = getc_unlocked(r->f)) != EOF) {
        if (r->left-- <= 0) {
            snprintf(err, errlen, "%s: line %ld: the file is larger than the %lld bytes allowed",
                     SHOWN(r->path), r->line + 1, r->max_bytes);
            return -1;
        }
        if (c == '\0') {
            snprintf(err, errlen, "%s: line %ld: contains a NUL byte; expected text", SHOWN(r->path), r->line + 1);
            return -1;
        }
        if (c != '\n' && n >= r->max_line) {
            snprintf(err, errlen, "%s: line %ld: longer than the %zu bytes allowed for a line",
                     SHOWN(r->path), r->line + 1, r->max_line);
            return -1;
        }
        if (n + 2 > r->cap) {
            char *b = realloc(r->buf, r->cap * 2);
            if (!b) {
                snprintf(err, errlen, "%s: out of memory", SHOWN(r->path));
                return -1;
            }
            r->buf = b;
            r->cap *= 2;
        }
        r->buf[n++] = (char)c;
        if (c == '\n')
            break;
    }
    if (ferror(r->f)) {
        snprintf(err, errlen, "%s: line %ld: cannot read: %s", SHOWN(r->path), r->line + 1,
                 strerror(errno ? errno : EIO));
        return -1;
    }
    if (n == 0)
        return 0;
    r->buf[n] = '\0';
    r->line++;
    *line = r->buf;
    *len = n;
    return 1;
}

void textfile_lines_close(textfile_lines *r)
{
    if (r->owned && r->f)
        fclose(r->f);
    r->f = NULL;
    r->owned = 0;
    free(r->buf);
    r->buf = NULL;
    r->cap = 0;
}

int textfile_parse_i64(const char *text, int64_t lo, int64_t hi, int64_t *out)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    int neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    if (*p < '0' || *p > '9')
        return TEXTFILE_MALFORMED;
    uint64_t mag = 0;
    int over = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (mag > (UINT64_MAX - d) / 10)
            over = 1;
        else
            mag = mag * 10 + d;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0')
        return TEXTFILE_MALFORMED;
    if (over || (!neg && mag > (uint64_t)INT64_MAX) || (neg && mag > (uint64_t)INT64_MAX + 1))
        return TEXTFILE_RANGE;
    int64_t x = neg ? (mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag) : (int64_t)mag;
    if (x < lo || x > hi)
        return TEXTFILE_RANGE;
    *out = x;
    return 0;
}

int textfile_parse_double(const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (end == text)
        return TEXTFILE_MALFORMED;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end != '\0' || isnan(x))
        return TEXTFILE_MALFORMED;
    if ((errno == ERANGE && x != 0) || !isfinite(x) || x < lo || x > hi)
        return TEXTFILE_RANGE;
    *out = x;
    return 0;
}

const char *textfile_sanitize(const char *text, char *buf, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    if (len == 0)
        return buf;
    for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
        if (*s < 0x20 || *s == 0x7f) {
            if (n + 4 >= len)
                break;
            buf[n++] = '\\';
            buf[n++] = 'x';
            buf[n++] = hex[*s >> 4];
            buf[n++] = hex[*s & 15];
        } else {
            if (n + 1 >= len)
                break;
            buf[n++] = (char)*s;
        }
    }
    buf[n] = '\0';
    return buf;
}
