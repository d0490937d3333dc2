/* testutil.h -- small helpers shared by the CUnit suites. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <stddef.h>
#include <CUnit/CUnit.h>

typedef struct { const char *name; CU_TestFunc fn; } tu_test;
#define TU_TEST(fn) { #fn, fn }

/* tu_add_suite: register a suite of n tests. */
void tu_add_suite(const char *name, const tu_test *tests, size_t n);
#define TU_SUITE(name, tests) tu_add_suite(name, tests, sizeof tests / sizeof tests[0])

/* TU_SUITE_FN(name) { ... }: defines name_suite(), the function the runner
 * calls for tests/test_name.c. */
#define TU_SUITE_FN(name) void name##_suite(void); void name##_suite(void)

/* tu_assert_rel: |actual - expected| <= tol |expected|, with both values in
 * the failure message. */
void tu_assert_rel(double actual, double expected, double tol, const char *what,
                   const char *file, unsigned line);
#define ASSERT_REL(actual, expected, tol) \
    tu_assert_rel((actual), (expected), (tol), #actual, __FILE__, __LINE__)

/* tu_cli: run the CLI in-process on a NULL-terminated argument list (argv[0]
 * included); capture stdout and stderr into out / err (NUL-terminated, may be
 * NULL). Returns the exit status. */
int tu_cli(char **argv, char *out, size_t outlen, char *err, size_t errlen);

/* tu_tmpdir: a fresh empty directory under /tmp; path in buf. */
const char *tu_tmpdir(char *buf, size_t len);

/* tu_cleanup: remove every directory tu_tmpdir made (the runner calls it). */
void tu_cleanup(void);

/* tu_read_file: whole file into a malloc'd string (caller frees), or NULL. */
char *tu_read_file(const char *path, size_t *len);

/* tu_read_json: the JSON document in path (caller frees with cJSON_Delete),
 * or NULL when the file cannot be read or does not parse. */
struct cJSON *tu_read_json(const char *path);

/* tu_write_file: write text to path; 0 or -1. */
int tu_write_file(const char *path, const char *text);

#endif
