#include "plots/plot.h"

#include <errno.h>
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
    int bad = fflush(f) != 0 || ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* Whether gnuplot wrote the whole image: a PNG ends with its IEND chunk
 * (type and CRC, 8 bytes), an SVG with its closing tag. gnuplot does not
 * report a full disk in its exit status; a truncated file shows here. */
static int image_complete(const char *path, const char *ext)
{
    static const unsigned char iend[8] = { 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82 };
    unsigned char tail[64];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    long n = 0;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0) {
        long k = n < (long)sizeof tail ? n : (long)sizeof tail;
        if (fseek(f, n - k, SEEK_SET) != 0 || fread(tail, 1, (size_t)k, f) != (size_t)k)
            n = 0;
        else
            n = k;
    }
    fclose(f);
    if (strcmp(ext, "png") == 0)
        return n >= 8 && memcmp(tail + n - 8, iend, 8) == 0;
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == ' ' || tail[n - 1] == '\r'))
        n--;
    return n >= 6 && memcmp(tail + n - 6, "</svg>", 6) == 0;
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
            fprintf(err, "slicesim: plot: %s: cannot write: %s\n", gp, strerror(errno ? errno : EIO));
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
        snprintf(gp, sizeof gp, "%s/%s.%s", dir, name, fmts[i].ext);
        if (!image_complete(gp, fmts[i].ext)) {
            fprintf(err, "slicesim: plot: %s: cannot write: gnuplot left it incomplete (disk full?)\n", gp);
            return -1;
        }
    }
    return 0;
}
