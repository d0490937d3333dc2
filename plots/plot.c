#include "plots/plot.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int plot_gnuplot_available(void)
{
    int rc = system("command -v gnuplot >/dev/null 2>&1");
    return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

static int write_script(const char *path, const char *term, const char *out, const char *body)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "set terminal %s\nset output '%s'\n%s\n", term, out, body);
    return fclose(f);
}

/* The directory goes to the shell in single quotes; refuse names that would
 * break out of them rather than escape them. */
static int shell_safe(const char *s)
{
    return strchr(s, '\'') == NULL;
}

int plot_render(const char *dir, const char *name, const char *body, FILE *err)
{
    static const struct { const char *ext, *term; } fmts[] = {
        { "png", "pngcairo size 1000,650 noenhanced" },
        { "svg", "svg size 1000,650 noenhanced" },
    };
    char gp[4096], img[512], cmd[8192];
    if (!shell_safe(dir) || !shell_safe(name)) {
        fprintf(err, "slicesim: plot: directory or name contains a quote: %s/%s\n", dir, name);
        return -1;
    }
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        snprintf(gp, sizeof gp, "%s/%s.%s.gp", dir, name, fmts[i].ext);
        snprintf(img, sizeof img, "%s.%s", name, fmts[i].ext);
        if (write_script(gp, fmts[i].term, img, body) != 0) {
            fprintf(err, "slicesim: plot: cannot write %s\n", gp);
            return -1;
        }
    }
    if (!plot_gnuplot_available()) {
        fprintf(err, "slicesim: gnuplot not found; wrote the data and %s/%s.*.gp "
                "(install gnuplot-nox and run gnuplot on them)\n", dir, name);
        return 1;
    }
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot '%s.%s.gp' 2>&1", dir, name, fmts[i].ext);
        int rc = system(cmd);
        if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
            fprintf(err, "slicesim: plot: gnuplot failed on %s/%s.%s.gp\n", dir, name, fmts[i].ext);
            return -1;
        }
    }
    return 0;
}
