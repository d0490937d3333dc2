#include "cli/outfile.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int outfile_mkdirs(const char *dir)
{
    char p[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(p, dir, n + 1);
    for (char *c = p + 1; *c; c++) {
        if (*c != '/')
            continue;
        *c = '\0';
        if (mkdir(p, 0777) < 0 && errno != EEXIST)
            return -1;
        *c = '/';
    }
    if (mkdir(p, 0777) < 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(p, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    /* writable before any work is done, not after a long simulation */
    return access(p, W_OK | X_OK) < 0 ? -1 : 0;
}

int outfile_open(outfile *o, const char *dir, const char *name, char *err, size_t errlen)
{
    o->f = NULL;
    int a = snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    int b = snprintf(o->tmp, sizeof o->tmp, "%s/.%s.%ld.tmp", dir, name, (long)getpid());
    if (a < 0 || b < 0 || (size_t)a >= sizeof o->path || (size_t)b >= sizeof o->tmp) {
        snprintf(err, errlen, "%s/%s: path too long", dir, name);
        return -1;
    }
    o->f = fopen(o->tmp, "w");
    if (!o->f) {
        snprintf(err, errlen, "%s: cannot write: %s", o->tmp, strerror(errno));
        return -1;
    }
    return 0;
}

int outfile_commit(outfile *o, char *err, size_t errlen)
{
    int bad = ferror(o->f);
    if (fclose(o->f) != 0)
        bad = 1;
    o->f = NULL;
    if (bad || rename(o->tmp, o->path) < 0) {
        snprintf(err, errlen, "%s: cannot write: %s", o->path, strerror(errno ? errno : EIO));
        unlink(o->tmp);
        return -1;
    }
    return 0;
}

void outfile_abort(outfile *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
}
