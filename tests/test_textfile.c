/* test_textfile.c -- bounded inputs (regular files only, stated size
 * limits, bounded lines) and range-checked numbers (scenarios/textfile.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/testutil.h"
#include "scenarios/textfile.h"

static void has(const char *msg, const char *needle)
{
    if (!strstr(msg, needle))
        fprintf(stderr, "\n    message \"%s\" lacks \"%s\"\n", msg, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, needle));
}

static void only_regular_files_within_the_limit_are_read(void)
{
    char dir[64], path[128], err[512];
    tu_tmpdir(dir, sizeof dir);
    CU_ASSERT_PTR_NULL(textfile_read(dir, 1000, err, sizeof err));
    has(err, "is a directory; expected a file");
    CU_ASSERT_PTR_NULL(textfile_read("/dev/zero", 1000, err, sizeof err));
    has(err, "/dev/zero: is not a regular file");
    CU_ASSERT_PTR_NULL(textfile_read("/nonexistent/x.json", 1000, err, sizeof err));
    has(err, "/nonexistent/x.json: cannot open: No such file or directory");
    snprintf(path, sizeof path, "%s/a.json", dir);
    tu_write_file(path, "0123456789");
    CU_ASSERT_PTR_NULL(textfile_read(path, 9, err, sizeof err));
    has(err, "10 bytes, larger than the 9 bytes allowed");
    char *text = textfile_read(path, 10, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_STRING_EQUAL(text, "0123456789");
    free(text);
    FILE *f = fopen(path, "wb");
    fwrite("ab\0cd", 1, 5, f);
    fclose(f);
    CU_ASSERT_PTR_NULL(textfile_read(path, 100, err, sizeof err));
    has(err, "contains a NUL byte");
}

static void line_reader_bounds_lines_and_the_whole_stream(void)
{
    char err[512], *line;
    size_t len;
    textfile_lines r;
    static const char text[] = "abc\n0123456789\nxy";
    FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
    textfile_lines_from(&r, f, "t.csv", 1000, 10);
    CU_ASSERT_EQUAL(textfile_lines_next(&r, &line, &len, err, sizeof err), 1);
    CU_ASSERT_STRING_EQUAL(line, "abc\n");
    CU_ASSERT_EQUAL(len, 4);
    CU_ASSERT_EQUAL(textfile_lines_next(&r, &line, &len, err, sizeof err), 1);
    CU_ASSERT_STRING_EQUAL(line, "0123456789\n");        /* exactly the limit */
    CU_ASSERT_EQUAL(textfile_lines_next(&r, &line, &len, err, sizeof err), 1);
    CU_ASSERT_STRING_EQUAL(line, "xy");                  /* a last line without newline */
    CU_ASSERT_EQUAL(r.line, 3);
    CU_ASSERT_EQUAL(textfile_lines_next(&r, &line, &len, err, sizeof err), 0);
    textfile_lines_close(&r);
    fclose(f);

    f = fmemopen((void *)text, sizeof text - 1, "r");
    textfile_lines_from(&r, f, "t.csv", 1000, 9);
    CU_ASSERT_EQUAL(textfile_lines_next(&r, &line, &len, err, sizeof err), 1);
    CU_ASSERT_EQUAL(textfile_lines_next(&r, &line, &len, err, sizeof err), -1);
    has(err, "t.csv: line 2: longer than the 9 bytes allowed for a line");
    textfile_lines_close(&r);
    fclose(f);

    /* a stream longer than its stated size (a file that grows) ends in an error */
    f = fmemopen((void *)text, sizeof text - 1, "r");
    textfile_lines_from(&r, f, "t.csv", 6, 100);
    CU_ASSERT_EQUAL(textfile_lines_next(&r, &line, &len, err, sizeof err), 1);
    CU_ASSERT_EQUAL(textfile_lines_next(&r, &line, &len, err, sizeof err), -1);
    has(err, "t.csv: line 2: the file is larger than the 6 bytes allowed");
    textfile_lines_close(&r);
    fclose(f);

    CU_ASSERT_EQUAL(textfile_lines_open(&r, "/dev/zero", 1000, 100, err, sizeof err), -1);
    has(err, "not a regular file");
    textfile_lines_close(&r);
}

static void integers_are_range_checked_without_wrapping(void)
{
    int64_t x = 7;
    CU_ASSERT_EQUAL(textfile_parse_i64("9223372036854775807", INT64_MIN, INT64_MAX, &x), 0);
    CU_ASSERT_EQUAL(x, INT64_MAX);
    CU_ASSERT_EQUAL(textfile_parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &x), 0);
    CU_ASSERT_EQUAL(x, INT64_MIN);
    CU_ASSERT_EQUAL(textfile_parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &x), TEXTFILE_RANGE);
    CU_ASSERT_EQUAL(textfile_parse_i64("99999999999999999999999", 0, INT64_MAX, &x), TEXTFILE_RANGE);
    CU_ASSERT_EQUAL(textfile_parse_i64("4294967296", 0, INT32_MAX, &x), TEXTFILE_RANGE);
    CU_ASSERT_EQUAL(textfile_parse_i64("-2", -1, 10, &x), TEXTFILE_RANGE);
    CU_ASSERT_EQUAL(textfile_parse_i64("12x", 0, 100, &x), TEXTFILE_MALFORMED);
    CU_ASSERT_EQUAL(textfile_parse_i64("", 0, 100, &x), TEXTFILE_MALFORMED);
    CU_ASSERT_EQUAL(textfile_parse_i64("1.5", 0, 100, &x), TEXTFILE_MALFORMED);
    CU_ASSERT_EQUAL(textfile_parse_i64(" 42 ", 0, 100, &x), 0);
    CU_ASSERT_EQUAL(x, 42);
    double d = 0;
    CU_ASSERT_EQUAL(textfile_parse_double("1e400", 0, 1e300, &d), TEXTFILE_RANGE);
    CU_ASSERT_EQUAL(textfile_parse_double("nan", 0, 1, &d), TEXTFILE_MALFORMED);
    CU_ASSERT_EQUAL(textfile_parse_double("0.25", 0, 1, &d), 0);
    CU_ASSERT_DOUBLE_EQUAL(d, 0.25, 0);
}

static void control_characters_are_escaped(void)
{
    char buf[64];
    CU_ASSERT_STRING_EQUAL(textfile_sanitize("a\033[31mb\n\x7f", buf, sizeof buf), "a\\x1b[31mb\\x0a\\x7f");
    CU_ASSERT_STRING_EQUAL(textfile_sanitize("\001\001\001", buf, 9), "\\x01\\x01");   /* truncated whole */
}

/* Names from the command line are escaped too: a path, an option, a value. */
static void control_characters_of_arguments_are_escaped(void)
{
    static char out[1 << 14], err[1 << 12];
    char *a[] = { "slicesim", "run", "/tmp/no\033[31m.json", NULL };
    CU_ASSERT_EQUAL(tu_cli(a, out, sizeof out, err, sizeof err), 2);
    has(err, "/tmp/no\\x1b[31m.json: cannot open");
    char *b[] = { "slicesim", "run", "scenarios/default.json", "--reps", "1\007", NULL };
    CU_ASSERT_EQUAL(tu_cli(b, out, sizeof out, err, sizeof err), 2);
    has(err, "--reps: value \"1\\x07\" is not allowed");
    char *c[] = { "slicesim", "run", "--x\033", NULL };
    CU_ASSERT_EQUAL(tu_cli(c, out, sizeof out, err, sizeof err), 2);
    has(err, "unknown option \"--x\\x1b\"");
    for (const char *p = err; *p; p++)
        CU_ASSERT(*p == '\n' || (unsigned char)*p >= 0x20);
}

TU_SUITE_FN(textfile)
{
    static const tu_test tests[] = {
        TU_TEST(only_regular_files_within_the_limit_are_read),
        TU_TEST(line_reader_bounds_lines_and_the_whole_stream),
        TU_TEST(integers_are_range_checked_without_wrapping),
        TU_TEST(control_characters_are_escaped),
        TU_TEST(control_characters_of_arguments_are_escaped),
    };
    TU_SUITE("textfile", tests);
}
