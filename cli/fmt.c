#include "cli/fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define EXACT_NS INT64_C(8589934592000000)     /* 2^33 * 10^6 */

/* "00" to "99" */
static const char PAIRS[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* how many decimal digits u has (1 for 0) */
static int digits(uint64_t u)
{
    int n = 1;
    for (;;) {
        if (u < 10)
            return n;
        if (u < 100)
            return n + 1;
        if (u < 1000)
            return n + 2;
        if (u < 10000)
            return n + 3;
        u /= 10000;
        n += 4;
    }
}

/* the decimal digits of u, most significant first, written from the end
 * two at a time */
static char *utoa(char *p, uint64_t u)
{
    char *end = p + digits(u), *q = end;
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100) * 2;
        u /= 100;
        *--q = PAIRS[d + 1];
        *--q = PAIRS[d];
    }
    if (u >= 10) {
        *--q = PAIRS[u * 2 + 1];
        *--q = PAIRS[u * 2];
    } else {
        *--q = (char)('0' + u);
    }
    return end;
}

/* the six digits of f < 10^6, with leading zeros */
static char *six(char *p, unsigned f)
{
    unsigned a = f / 10000, b = f / 100 % 100, c = f % 100;
    p[0] = PAIRS[2 * a];
    p[1] = PAIRS[2 * a + 1];
    p[2] = PAIRS[2 * b];
    p[3] = PAIRS[2 * b + 1];
    p[4] = PAIRS[2 * c];
    p[5] = PAIRS[2 * c + 1];
    return p + 6;
}

/* printf's own text: "%.9g" when g9, else "%.6f" */
static char *printed(char *p, int g9, double x)
{
    int n = g9 ? snprintf(p, FMT_MAX, "%.9g", x) : snprintf(p, FMT_MAX, "%.6f", x);
    return p + (n < 0 ? 0 : n >= FMT_MAX ? FMT_MAX - 1 : n);
}

char *fmt_int(char *p, int64_t v)
{
    if (v < 0)
        *p++ = '-';
    return utoa(p, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

char *fmt_ms(char *p, int64_t ns)
{
    if (ns == 0) {                   /* common: no wait, no switch, no host time */
        memcpy(p, "0.000000", 8);
        return p + 8;
    }
    if (ns <= -EXACT_NS || ns >= EXACT_NS)
        return printed(p, 0, (double)ns / 1e6);
    uint64_t u = ns < 0 ? (uint64_t)-ns : (uint64_t)ns;
    if (ns < 0)
        *p++ = '-';
    p = utoa(p, u / 1000000);
    *p++ = '.';
    return six(p, (unsigned)(u % 1000000));
}

/* k with x the double nearest k / 10^6 and |k| < EXACT_NS; 0 if none
 * (*ok then 0). -0.0 is left to printf, which writes its sign. */
static int64_t micro_units(double x, int *ok)
{
    *ok = 0;
    if (!(fabs(x) < 8.5e9) || (x == 0 && signbit(x)))
        return 0;
    double y = x * 1e6;
    int64_t k = (int64_t)(y >= 0 ? y + 0.5 : y - 0.5);
    if ((double)k / 1e6 != x)
        return 0;
    *ok = 1;
    return k;
}

char *fmt_f6(char *p, double x)
{
    int ok;
    int64_t k = micro_units(x, &ok);
    return ok ? fmt_ms(p, k) : printed(p, 0, x);
}

char *fmt_g9(char *p, double x)
{
    if (fabs(x) < 1e9 && x == (double)(int64_t)x && !(x == 0 && signbit(x))) {
        int64_t i = (int64_t)x;
        if (i < 0)
            *p++ = '-';
        return utoa(p, i < 0 ? (uint64_t)-i : (uint64_t)i);
    }
    int ok;
    int64_t k = micro_units(x, &ok);
    uint64_t u = k < 0 ? (uint64_t)-k : (uint64_t)k;
    if (!ok || u < 100 || u >= 1000000000)
        return printed(p, 1, x);
    if (k < 0)
        *p++ = '-';
    p = utoa(p, u / 1000000);
    uint64_t f = u % 1000000;
    if (f == 0)
        return p;
    *p++ = '.';
    int digits = 6;
    while (f % 10 == 0) {
        f /= 10;
        digits--;
    }
    for (int i = digits - 1; i >= 0; i--) {
        p[i] = (char)('0' + f % 10);
        f /= 10;
    }
    return p + digits;
}
