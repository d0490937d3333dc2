/* table.h -- aligned text tables and the one number format every table
 * uses.
 *
 * Cells are collected row by row, then printed with each column as wide as
 * its widest cell (two spaces between columns), so no column runs into the
 * next whatever the names or numbers. Numbers are never printed in
 * scientific notation: tab_num keeps four significant digits in fixed
 * point (0 to 6 decimals by magnitude). */
#ifndef CLI_TABLE_H
#define CLI_TABLE_H

#include <stddef.h>
#include <stdio.h>
#include "sim/ci.h"

#define TAB_MAX_COLS 32
#define TAB_CELL 96

typedef struct {
    size_t ncols, nfilled, cap;     /* cells filled, header included */
    int    left[TAB_MAX_COLS];      /* left-aligned (text) columns */
    char (*cells)[TAB_CELL];        /* nrows * ncols */
} tab;

/* tab_init: a table of ncols (<= TAB_MAX_COLS) columns whose header cells
 * are the NULL-terminated names; a name starting with '<' is a left-aligned
 * column (the '<' is not printed). 0, or -1 when out of memory. */
int  tab_init(tab *t, const char *const *names);
void tab_free(tab *t);

/* tab_add: the next cell (printf-style), filling rows left to right. A
 * cell longer than TAB_CELL - 1 is cut. 0, or -1 when out of memory. */
int  tab_add(tab *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tab_print: the header and every row, each prefixed by indent. */
void tab_print(const tab *t, FILE *f, const char *indent);

/* tab_num: x with four significant digits in fixed point: 0 decimals from
 * 1000 up, then 1, 2, 3 and, below 1, up to 6; "-" for NAN. */
const char *tab_num(char *buf, size_t len, double x);

/* tab_ci: "value [lo, hi]" in tab_num's format, or the value alone when c
 * has no interval. */
const char *tab_ci(char *buf, size_t len, const sim_ci *c);

#endif
