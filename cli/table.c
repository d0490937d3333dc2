/* table.c -- aligned tables and the number format (table.h). */
#include "cli/table.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int tab_init(tab *t, const char *const *names)
{
    memset(t, 0, sizeof *t);
    while (names[t->ncols] && t->ncols < TAB_MAX_COLS)
        t->ncols++;
    for (size_t k = 0; k < t->ncols; k++) {
        const char *n = names[k];
        t->left[k] = n[0] == '<';
        if (tab_add(t, "%s", n + t->left[k]) < 0)
            return -1;
    }
    return 0;
}

void tab_free(tab *t)
{
    free(t->cells);
    memset(t, 0, sizeof *t);
}

int tab_add(tab *t, const char *fmt, ...)
{
    if (t->nfilled == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16 * (t->ncols ? t->ncols : 1);
        void *c = realloc(t->cells, cap * sizeof *t->cells);
        if (!c)
            return -1;
        t->cells = c;
        t->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->cells[t->nfilled++], TAB_CELL, fmt, ap);
    va_end(ap);
    return 0;
}

void tab_print(const tab *t, FILE *f, const char *indent)
{
    size_t w[TAB_MAX_COLS] = { 0 }, rows = t->ncols ? (t->nfilled + t->ncols - 1) / t->ncols : 0;
    for (size_t i = 0; i < t->nfilled; i++) {
        size_t n = strlen(t->cells[i]);
        if (n > w[i % t->ncols])
            w[i % t->ncols] = n;
    }
    for (size_t r = 0; r < rows; r++) {
        fputs(indent, f);
        for (size_t k = 0; k < t->ncols; k++) {
            size_t i = r * t->ncols + k;
            const char *c = i < t->nfilled ? t->cells[i] : "";
            int last = k + 1 == t->ncols;
            if (t->left[k])
                fprintf(f, "%s%-*s", k ? "  " : "", last ? 0 : (int)w[k], c);
            else
                fprintf(f, "%s%*s", k ? "  " : "", (int)w[k], c);
        }
        fputc('\n', f);
    }
}

const char *tab_num(char *buf, size_t len, double x)
{
    if (isnan(x)) {
        snprintf(buf, len, "-");
        return buf;
    }
    double a = fabs(x);
    int dec = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 || a == 0 ? 3
            : (int)fmin(6, 3 - floor(log10(a)));
    snprintf(buf, len, "%.*f", dec, x);
    return buf;
}

const char *tab_ci(char *buf, size_t len, const sim_ci *c)
{
    char v[48], lo[48], hi[48];
    if (isnan(c->lo))
        snprintf(buf, len, "%s", tab_num(v, sizeof v, c->mean));
    else
        snprintf(buf, len, "%s [%s, %s]", tab_num(v, sizeof v, c->mean), tab_num(lo, sizeof lo, c->lo),
                 tab_num(hi, sizeof hi, c->hi));
    return buf;
}
