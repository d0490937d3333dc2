#define _XOPEN_SOURCE 700   /* nftw */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ftw.h>
#include <sys/stat.h>
#include <math.h>
#include <cJSON.h>
#include "cli/cli.h"

void tu_add_suite(const char *name, const tu_test *tests, size_t n)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);
    for (size_t i = 0; s && i < n; i++)
        CU_add_test(s, tests[i].name, tests[i].fn);
}

void tu_assert_rel(double actual, double expected, double tol, const char *what,
                   const char *file, unsigned line)
{
    char msg[256];
    int ok = isfinite(actual) && fabs(actual - expected) <= tol * fabs(expected);
    snprintf(msg, sizeof msg, "%s = %.6g, expected %.6g within %.3g%%", what, actual,
             expected, 100 * tol);
    if (!ok)
        fprintf(stderr, "\n    %s:%u: %s\n", file, line, msg);
    CU_assertImplementation(ok, line, msg, file, "", CU_FALSE);
}

static void slurp(FILE *f, char *buf, size_t len)
{
    if (!buf)
        return;
    rewind(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
}

int tu_cli(char **argv, char *out, size_t outlen, char *err, size_t errlen)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    FILE *fo = tmpfile(), *fe = tmpfile();
    if (!fo || !fe)
        return -1;
    int rc = cli_main(argc, argv, fo, fe);
    fflush(fo);
    fflush(fe);
    slurp(fo, out, outlen);
    slurp(fe, err, errlen);
    fclose(fo);
    fclose(fe);
    return rc;
}

/* Every directory tu_tmpdir made, removed by tu_cleanup when the run ends.
 * (Test-harness state; the simulator itself has none.) */
#define MAX_TMPDIRS 4096
static char *tmpdirs[MAX_TMPDIRS];
static size_t ntmpdirs;

const char *tu_tmpdir(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/slicesim-test-XXXXXX");
    if (!mkdtemp(buf))
        return NULL;
    if (ntmpdirs < MAX_TMPDIRS)
        tmpdirs[ntmpdirs++] = strdup(buf);
    return buf;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tu_cleanup(void)
{
    for (size_t i = 0; i < ntmpdirs; i++) {
        if (tmpdirs[i])
            nftw(tmpdirs[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(tmpdirs[i]);
    }
    ntmpdirs = 0;
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

struct cJSON *tu_read_json(const char *path)
{
    char *text = tu_read_file(path, NULL);
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    return doc;
}

int tu_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}
