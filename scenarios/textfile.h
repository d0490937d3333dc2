/* textfile.h -- bounded reading of input files (scenarios, profiles,
 * corrections, traces, logs) and range-checked parsing of the numbers in
 * them, each failure one message "PATH: why".
 *
 * Every input is a regular file (a directory, a FIFO or a device such as
 * /dev/zero is refused as what it is) of at most a stated size, checked on
 * the open descriptor; streaming readers count what they read against that
 * size and bound each line, so a file that grows while it is read still
 * ends. Nothing here keeps global state. */
#ifndef SCENARIOS_TEXTFILE_H
#define SCENARIOS_TEXTFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Sizes the readers allow (stated in their messages). */
#define TEXTFILE_MAX_JSON   (64L << 20)      /* a scenario, profile, correction */
#define TEXTFILE_MAX_STREAM (16LL << 30)     /* a trace or a log */
#define TEXTFILE_MAX_LINE   (1L << 20)       /* one line of a trace or a log */

/* textfile_open: path opened for reading ("rb") once it is known to be a
 * regular file of at most max_bytes; *size gets its size when size is not
 * NULL. NULL with a message in err: cannot open (strerror), a directory, not
 * a regular file, larger than the limit (both numbers given). */
FILE *textfile_open(const char *path, long long max_bytes, long long *size,
                    char *err, size_t errlen);

/* textfile_read: the contents of path, NUL-terminated, in memory the caller
 * frees; textfile_open's checks, then NULL with a message when it cannot be
 * read or holds a NUL byte. */
char *textfile_read(const char *path, long max_bytes, char *err, size_t errlen);

/* A line reader over a bounded stream. */
typedef struct {
    FILE       *f;
    const char *path;
    long long   left;       /* bytes the limit still allows */
    long long   max_bytes;
    size_t      max_line;
    char       *buf;
    size_t      cap;
    long        line;       /* number of the line last returned, from 1 */
    int         owned;      /* 1: opened by textfile_lines_open */
} textfile_lines;

/* textfile_lines_open: textfile_open(path, max_bytes) for reading line by
 * line, no line longer than max_line bytes. 0, or -1 with err. */
int textfile_lines_open(textfile_lines *r, const char *path, long long max_bytes,
                        size_t max_line, char *err, size_t errlen);

/* textfile_lines_from: the same over an open stream (tests, fuzzing); the
 * caller keeps ownership of f. */
void textfile_lines_from(textfile_lines *r, FILE *f, const char *path, long long max_bytes,
                         size_t max_line);

/* textfile_lines_next: the next line, NUL-terminated, with its newline (a
 * last line may lack one), valid until the next call; *len its length.
 * 1 with a line, 0 at the end, -1 with "PATH: line N: why" in err (a line
 * over max_line, the file grew past max_bytes, a NUL byte, a read error). */
int textfile_lines_next(textfile_lines *r, char **line, size_t *len, char *err, size_t errlen);

/* textfile_lines_close: free the buffer and close the file (when opened by
 * textfile_lines_open). */
void textfile_lines_close(textfile_lines *r);

/* Range-checked numbers. Each returns 0 with *out, TEXTFILE_MALFORMED when
 * text is not such a number (empty, trailing characters), TEXTFILE_RANGE
 * when it is one outside [lo, hi] (including values past int64 or double). */
enum { TEXTFILE_MALFORMED = -1, TEXTFILE_RANGE = -2 };
int textfile_parse_i64(const char *text, int64_t lo, int64_t hi, int64_t *out);
int textfile_parse_double(const char *text, double lo, double hi, double *out);

/* textfile_sanitize: text copied into buf (at most len - 1 bytes) with
 * control characters and DEL written as \xNN, so that input never reaches a
 * terminal raw; returns buf. */
const char *textfile_sanitize(const char *text, char *buf, size_t len);

#endif
