/* fmt.h -- numbers as text, byte for byte what printf writes, without
 * printf where integer arithmetic gives the same bytes (the output path of
 * requests.csv writes millions of them).
 *
 * Each function writes at p (at most FMT_MAX bytes, no terminating NUL) and
 * returns the end. Outside the ranges where the integer path is exact they
 * call snprintf, so the result is always printf's. */
#ifndef CLI_FMT_H
#define CLI_FMT_H

#include <stdint.h>

#define FMT_MAX 352     /* "%.6f" of the largest double: 309 digits, point, 6 */

/* fmt_int: "%lld" of v. */
char *fmt_int(char *p, int64_t v);

/* fmt_ms: "%.6f" of (double)ns / 1e6, nanoseconds as milliseconds. Exact
 * in integers for |ns| < 2^33 * 10^6 (99 days): there the double nearest
 * ns / 10^6 is within 2^-21 of it, so printf's rounding to six places
 * gives ns's own digits. */
char *fmt_ms(char *p, int64_t ns);

/* fmt_f6: "%.6f" of x; integer path when x is the double nearest k / 10^6
 * for an integer k in fmt_ms's range. */
char *fmt_f6(char *p, double x);

/* fmt_g9: "%.9g" of x; integer path for integers below 10^9 in magnitude
 * and for the double nearest k / 10^6 with 100 <= |k| < 10^9 (every digit
 * of k fits in nine significant ones, and the fixed notation of %g is used
 * from 1e-4 up). */
char *fmt_g9(char *p, double x);

#endif
