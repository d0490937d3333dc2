/* outfile.c -- atomic output files and output sets (outfile.h).
 *
 * Signal safety: the handler only reads the registry (pointers to paths
 * that stay valid while registered) and the staging folder's path, and
 * calls open, getdents64, unlinkat, rmdir, unlink, sigaction and raise, all
 * async-signal-safe system calls. */
#define _GNU_SOURCE 1
#include "cli/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cli/cli.h"
#include "scenarios/jv.h"
#include "scenarios/textfile.h"

#define REGISTRY 64
#define STAGE_PREFIX ".slicesim-new."
#define MAX_MANIFEST_BYTES (16L << 20)
#define MAX_SET_FILES 4096

static const char *volatile registry[REGISTRY];   /* temporaries outside a set */
static char stage_path[4200];                       /* the set being written */
static volatile sig_atomic_t stage_live, committing, pending;

/* ---- signals ---- */

static void remove_tree_signal_safe(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        unsigned long long words[512];
        char *buf = (char *)words;
        for (;;) {
            long n = syscall(SYS_getdents64, fd, buf, sizeof words);
            if (n <= 0)
                break;
            for (long off = 0; off < n; ) {
                struct { unsigned long long ino; long long off; unsigned short reclen; unsigned char type;
                         char name[]; } *d = (void *)(buf + off);
                if (strcmp(d->name, ".") != 0 && strcmp(d->name, "..") != 0)
                    unlinkat(fd, d->name, 0);
                off += d->reclen;
            }
        }
        close(fd);
    }
    rmdir(dir);
}

static void on_signal(int sig)
{
    if (committing) {          /* the new set is being moved: finish it first */
        pending = sig;
        return;
    }
    for (int i = 0; i < REGISTRY; i++) {
        const char *p = registry[i];
        if (p)
            unlink(p);
    }
    if (stage_live)
        remove_tree_signal_safe(stage_path);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    raise(sig);
}

void outfile_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int reg_add(const char *path)
{
    for (int i = 0; i < REGISTRY; i++)
        if (!registry[i]) {
            registry[i] = path;
            return i;
        }
    return -1;        /* full: the file is still atomic, only not cleaned on a signal */
}

static void reg_drop(int slot)
{
    if (slot >= 0 && slot < REGISTRY)
        registry[slot] = NULL;
}

static void end_commit(void)
{
    committing = 0;
    if (pending) {
        int sig = pending;
        pending = 0;
        raise(sig);
    }
}

/* ---- single files ---- */

const char *outfile_display(const char *path, char *buf, size_t len)
{
    const char *s = strstr(path, "/" STAGE_PREFIX);
    if (!s) {
        snprintf(buf, len, "%s", path);
        return buf;
    }
    const char *rest = strchr(s + 1, '/');
    snprintf(buf, len, "%.*s%s", (int)(s - path), path, rest ? rest : "");
    return buf;
}

int outfile_mkdirs(const char *dir)
{
    char p[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p) {
        errno = n ? ENAMETOOLONG : ENOENT;
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
    o->slot = -1;
    int a = snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    int b = snprintf(o->tmp, sizeof o->tmp, "%s/.%s.%ld.tmp", dir, name, (long)getpid());
    if (a < 0 || b < 0 || (size_t)a >= sizeof o->path || (size_t)b >= sizeof o->tmp) {
        snprintf(err, errlen, "%s/%s: path too long", dir, name);
        return -1;
    }
    o->slot = reg_add(o->tmp);            /* before the file exists */
    o->f = fopen(o->tmp, "w");
    if (!o->f) {
        char shown[4096];
        snprintf(err, errlen, "%s: cannot write: %s", outfile_display(o->path, shown, sizeof shown),
                 strerror(errno));
        reg_drop(o->slot);
        o->slot = -1;
        return -1;
    }
    return 0;
}

int outfile_commit(outfile *o, char *err, size_t errlen)
{
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    if (!e && fsync(fileno(o->f)) != 0 && errno != EINVAL && errno != EROFS)
        e = errno;
    if (fclose(o->f) != 0 && !e)
        e = errno ? errno : EIO;
    o->f = NULL;
    if (!e && rename(o->tmp, o->path) < 0)
        e = errno;
    if (e) {
        char shown[4096];
        snprintf(err, errlen, "%s: cannot write: %s", outfile_display(o->path, shown, sizeof shown),
                 strerror(e));
        unlink(o->tmp);
    }
    reg_drop(o->slot);
    o->slot = -1;
    return e ? -1 : 0;
}

void outfile_abort(outfile *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
    reg_drop(o->slot);
    o->slot = -1;
}

/* ---- sets ---- */

int outfile_set_begin(outfile_set *s, const char *dir, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    if (stage_live) {
        snprintf(err, errlen, "%s: another output set is open in this process", dir);
        return -1;
    }
    if (strlen(dir) >= sizeof s->dir - 64) {
        snprintf(err, errlen, "%s: path too long", dir);
        return -1;
    }
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    snprintf(s->stage, sizeof s->stage, "%s/" STAGE_PREFIX "%ld", dir, (long)getpid());
    if (outfile_mkdirs(dir) < 0) {
        snprintf(err, errlen, "%s: cannot create or write the directory: %s", dir, strerror(errno));
        return -1;
    }
    memcpy(stage_path, s->stage, sizeof s->stage);
    stage_live = 1;                 /* before the folder exists: a signal from now on removes it */
    if (mkdir(s->stage, 0777) < 0 && errno != EEXIST) {
        stage_live = 0;
        snprintf(err, errlen, "%s: cannot create or write the directory: %s", dir, strerror(errno));
        return -1;
    }
    s->active = 1;
    return 0;
}

const char *outfile_set_dir(const outfile_set *s)
{
    return s->stage;
}

void outfile_set_abort(outfile_set *s)
{
    if (!s->active)
        return;
    stage_live = 0;
    remove_tree_signal_safe(s->stage);
    s->active = 0;
}

static const char *const MKEYS[OUTFILE_M_N] = { "format", "slicesim_version", "command", "scenario",
                                                 "scenario_hash", "seed", "replications", "files" };
/* A file's members in the manifest's "files". */
#define FILE_NAME "name"
#define FILE_BYTES "bytes"

const char *outfile_member_key(outfile_member m)
{
    return MKEYS[m];
}

const cJSON *outfile_manifest_member(const cJSON *man, outfile_member m)
{
    return cJSON_GetObjectItemCaseSensitive(man, MKEYS[m]);
}

const char *outfile_manifest_file(const cJSON *man, size_t k)
{
    const cJSON *f = cJSON_GetArrayItem(outfile_manifest_member(man, OUTFILE_M_FILES), (int)k);
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, FILE_NAME));
}

/* The identity members of a manifest, in its order. */
static const outfile_member IDENTITY[] = { OUTFILE_M_SCENARIO, OUTFILE_M_HASH, OUTFILE_M_SEED,
                                           OUTFILE_M_REPLICATIONS };

cJSON *outfile_identity(const char *scenario, const char *hash, double seed, double reps)
{
    cJSON *id = cJSON_CreateObject();
    if (!id)
        return NULL;
    cJSON_AddStringToObject(id, MKEYS[OUTFILE_M_SCENARIO], scenario ? scenario : "");
    cJSON_AddStringToObject(id, MKEYS[OUTFILE_M_HASH], hash ? hash : "");
    cJSON_AddNumberToObject(id, MKEYS[OUTFILE_M_SEED], seed);
    cJSON_AddNumberToObject(id, MKEYS[OUTFILE_M_REPLICATIONS], reps);
    return id;
}

cJSON *outfile_manifest_identity(const cJSON *man)
{
    cJSON *id = cJSON_CreateObject();
    for (size_t k = 0; id && k < sizeof IDENTITY / sizeof IDENTITY[0]; k++) {
        const cJSON *x = outfile_manifest_member(man, IDENTITY[k]);
        if (x)
            cJSON_AddItemToObject(id, MKEYS[IDENTITY[k]], cJSON_Duplicate(x, 1));
    }
    return id;
}

int outfile_set_keep(outfile_set *s, const cJSON *man, int (*drop)(const char *name), char *err, size_t errlen)
{
    const char *nm;
    for (size_t k = 0; k < (size_t)cJSON_GetArraySize(outfile_manifest_member(man, OUTFILE_M_FILES)); k++) {
        if (!(nm = outfile_manifest_file(man, k)) || strchr(nm, '/') || nm[0] == '.' || (drop && drop(nm)))
            continue;
        char from[8400], to[8400];
        snprintf(from, sizeof from, "%s/%s", s->dir, nm);
        snprintf(to, sizeof to, "%s/%s", s->stage, nm);
        if (link(from, to) < 0) {
            snprintf(err, errlen, "%s: cannot keep it in the new set: %s", from, strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of the staging folder, sorted; temporaries left by a
 * command (hidden names) are removed. */
static int list_stage(const char *stage, char ***names, size_t *n, char *err, size_t errlen)
{
    DIR *d = opendir(stage);
    *names = NULL;
    *n = 0;
    if (!d) {
        snprintf(err, errlen, "%s: cannot read: %s", stage, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) && rc == 0) {
        if (e->d_name[0] == '.') {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(dirfd(d), e->d_name, 0);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **g = cap <= MAX_SET_FILES ? realloc(*names, cap * sizeof *g) : NULL;
            if (!g) {
                snprintf(err, errlen, "%s: too many files in one output set", stage);
                rc = -1;
                break;
            }
            *names = g;
        }
        if (!((*names)[*n] = strdup(e->d_name))) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        (*n)++;
    }
    closedir(d);
    if (rc == 0)
        qsort(*names, *n, sizeof **names, by_str);
    return rc;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Data on disk before it becomes visible. */
static int sync_file(const char *dir, const char *name, long long *bytes, char *err, size_t errlen)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || (fsync(fd) < 0 && errno != EINVAL && errno != EROFS)) {
        char shown[8400];
        snprintf(err, errlen, "%s: cannot write: %s", outfile_display(path, shown, sizeof shown),
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    *bytes = (long long)st.st_size;
    return 0;
}

static int name_in(const char *name, char *const *names, size_t n)
{
    return bsearch(&name, names, n, sizeof *names, by_str) != NULL;
}

int outfile_set_commit(outfile_set *s, const char *cmd, const cJSON *identity,
                       char *err, size_t errlen)
{
    char **names = NULL;
    size_t n = 0;
    if (!s->active) {
        snprintf(err, errlen, "%s: no output set open", s->dir);
        return -1;
    }
    if (list_stage(s->stage, &names, &n, err, errlen) < 0) {
        outfile_set_abort(s);
        return -1;
    }
    cJSON *man = cJSON_CreateObject(), *files = NULL;
    if (man) {
        cJSON_AddStringToObject(man, MKEYS[OUTFILE_M_FORMAT], OUTFILE_MANIFEST_FORMAT);
        cJSON_AddStringToObject(man, MKEYS[OUTFILE_M_VERSION], SLICESIM_VERSION);
        cJSON_AddStringToObject(man, MKEYS[OUTFILE_M_COMMAND], cmd);
        const cJSON *m;
        cJSON_ArrayForEach(m, identity)
            cJSON_AddItemToObject(man, m->string, cJSON_Duplicate(m, 1));
        files = cJSON_AddArrayToObject(man, MKEYS[OUTFILE_M_FILES]);
    }
    int rc = man && files ? 0 : -1;
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    for (size_t i = 0; i < n && rc == 0; i++) {
        long long bytes = 0;
        if (strcmp(names[i], OUTFILE_MANIFEST) == 0)
            continue;
        if ((rc = sync_file(s->stage, names[i], &bytes, err, errlen)) == 0) {
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, FILE_NAME, names[i]);
            cJSON_AddNumberToObject(f, FILE_BYTES, (double)bytes);
            cJSON_AddItemToArray(files, f);
        }
    }
    char *text = rc == 0 ? cJSON_Print(man) : NULL;
    if (rc == 0 && !text) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    /* the previous manifest's names, to remove what the new set lacks */
    cJSON *old = NULL;
    char mpath[4200], mnew[8400];
    snprintf(mpath, sizeof mpath, "%s/" OUTFILE_MANIFEST, s->dir);
    snprintf(mnew, sizeof mnew, "%s/" OUTFILE_MANIFEST, s->stage);
    if (rc == 0) {
        char ignored[256];
        old = outfile_manifest_read(s->dir, NULL, ignored, sizeof ignored);
    }
    /* the manifest is written (into the staging folder) before anything of
     * the old set is touched, so that a full disk shows here */
    if (rc == 0) {
        outfile mf;
        char msg[512];
        if (outfile_open(&mf, s->stage, OUTFILE_MANIFEST, msg, sizeof msg) < 0) {
            snprintf(err, errlen, "%s", msg);
            rc = -1;
        } else {
            fputs(text, mf.f);
            fputc('\n', mf.f);
            if (outfile_commit(&mf, msg, sizeof msg) < 0) {
                snprintf(err, errlen, "%s", msg);
                rc = -1;
            }
        }
    }
    if (rc == 0) {
        committing = 1;
        unlink(mpath);                       /* from here the old set is no longer trusted */
        for (size_t i = 0; i < n && rc == 0; i++) {
            char from[8400], to[8400];
            if (strcmp(names[i], OUTFILE_MANIFEST) == 0)
                continue;
            snprintf(from, sizeof from, "%s/%s", s->stage, names[i]);
            snprintf(to, sizeof to, "%s/%s", s->dir, names[i]);
            if (rename(from, to) < 0) {
                snprintf(err, errlen, "%s: cannot move into place: %s (the directory holds no complete set "
                         "now: %s is missing)", to, strerror(errno), OUTFILE_MANIFEST);
                rc = -1;
            }
        }
        const cJSON *f;
        cJSON_ArrayForEach(f, outfile_manifest_member(old, OUTFILE_M_FILES)) {
            const char *nm = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, FILE_NAME));
            if (rc == 0 && nm && !strchr(nm, '/') && nm[0] != '.' && !name_in(nm, names, n)) {
                char stale[8400];
                snprintf(stale, sizeof stale, "%s/%s", s->dir, nm);
                unlink(stale);
            }
        }
        if (rc == 0 && rename(mnew, mpath) < 0) {
            snprintf(err, errlen, "%s: cannot write: %s", mpath, strerror(errno));
            rc = -1;
        }
        int dfd = open(s->dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    free(text);
    cJSON_Delete(man);
    cJSON_Delete(old);
    free_names(names, n);
    outfile_set_abort(s);
    end_commit();
    return rc;
}

cJSON *outfile_manifest_read(const char *dir, const char *const *need, char *err, size_t errlen)
{
    char path[4200], msg[1024];
    snprintf(path, sizeof path, "%s/" OUTFILE_MANIFEST, dir);
    char *text = textfile_read(path, MAX_MANIFEST_BYTES, msg, sizeof msg);
    if (!text) {
        if (access(path, F_OK) < 0 && errno == ENOENT)
            snprintf(err, errlen, "%s: no %s: not a complete set of slicesim outputs (the command was "
                     "interrupted, failed, or is older than manifests)", dir, OUTFILE_MANIFEST);
        else
            snprintf(err, errlen, "%s", msg);
        return NULL;
    }
    cJSON *m = jv_parse(text, path, msg, sizeof msg);
    free(text);
    if (!m) {
        snprintf(err, errlen, "%s", msg);
        return NULL;
    }
    const cJSON *fmt = outfile_manifest_member(m, OUTFILE_M_FORMAT);
    const cJSON *files = outfile_manifest_member(m, OUTFILE_M_FILES);
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, OUTFILE_MANIFEST_FORMAT) != 0 || !cJSON_IsArray(files)) {
        snprintf(err, errlen, "%s: not a slicesim manifest (\"format\": \"%s\" and \"files\" expected)",
                 path, OUTFILE_MANIFEST_FORMAT);
        cJSON_Delete(m);
        return NULL;
    }
    for (const char *const *k = need; k && *k; k++) {
        const cJSON *f, *hit = NULL;
        cJSON_ArrayForEach(f, files) {
            const char *nm = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, FILE_NAME));
            if (nm && strcmp(nm, *k) == 0)
                hit = f;
        }
        char fp[8400];
        struct stat st;
        snprintf(fp, sizeof fp, "%s/%s", dir, *k);
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(hit, FILE_BYTES);
        if (!hit) {
            snprintf(err, errlen, "%s: %s is not in %s: not part of this output set", dir, *k, OUTFILE_MANIFEST);
        } else if (stat(fp, &st) < 0) {
            snprintf(err, errlen, "%s: listed in %s but cannot be read: %s", fp, OUTFILE_MANIFEST, strerror(errno));
        } else if (!cJSON_IsNumber(b) || b->valuedouble != (double)st.st_size) {
            snprintf(err, errlen, "%s: %lld bytes, but %s says %.0f: changed after it was written",
                     fp, (long long)st.st_size, OUTFILE_MANIFEST, cJSON_IsNumber(b) ? b->valuedouble : -1.0);
        } else {
            continue;
        }
        cJSON_Delete(m);
        return NULL;
    }
    return m;
}
