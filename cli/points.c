/* points.c -- validated, parallel runs of scenario variants.
 * Invariant: workers share only the index counter and the progress count,
 * both under one mutex; each writes its own result slot through the hook. */
#include "cli/points.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"

#define MAX_ASSIGN 160

typedef struct {
    const points_base  *b;
    const points_point *pts;
    size_t              n, next, done;
    int                 progress, failed, bad_input;
    points_fn           fn;
    void               *ud;
    const char         *cmd;
    FILE               *err;
    char                msg[1024];
    pthread_mutex_t     lock;
} pool_run;

int points_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* The base sets then the point's, as one list. */
static size_t merge_sets(const points_base *b, const points_point *p, char **all)
{
    size_t n = 0;
    for (size_t k = 0; k < b->nsets && n < MAX_ASSIGN; k++)
        all[n++] = b->sets[k];
    for (size_t k = 0; k < p->nsets && n < MAX_ASSIGN; k++)
        all[n++] = p->sets[k];
    return n;
}

static int load_point(const points_base *b, const points_point *p, scn **sc, char *msg, size_t len)
{
    char *all[MAX_ASSIGN];
    size_t n = merge_sets(b, p, all);
    int rc = b->doc ? scn_load_doc(b->doc, b->file, p->sets, p->nsets, sc, msg, len)
                    : scn_load(b->file, all, n, sc, msg, len);
    if (rc != SCN_OK)
        return rc == SCN_BAD_INPUT ? CLI_BAD_INPUT : CLI_INTERNAL;
    if (b->seed >= 0)
        (*sc)->cfg.seed = (uint64_t)b->seed;
    if (b->reps > 0)
        (*sc)->cfg.reps = (int)b->reps;
    return CLI_OK;
}

int points_load(const points_base *b, const points_point *p, scn **sc, char *msg, size_t len)
{
    if (b->nsets + p->nsets > MAX_ASSIGN) {
        snprintf(msg, len, "too many assignments for one point (at most %d)", MAX_ASSIGN);
        return CLI_BAD_INPUT;
    }
    return load_point(b, p, sc, msg, len);
}

const char *points_key_of(const scn *sc, char *buf, size_t len)
{
    char hash[32];
    if (!scn_hash(sc, hash, sizeof hash))
        return NULL;
    snprintf(buf, len, "%s-s%llu-r%d-v%s", hash, (unsigned long long)sc->cfg.seed, sc->cfg.reps, SLICESIM_VERSION);
    return buf;
}

int points_key(const points_base *b, const points_point *p, char *buf, size_t len, char *msg, size_t mlen)
{
    scn *sc = NULL;
    int rc = load_point(b, p, &sc, msg, mlen);
    if (rc == CLI_OK && !points_key_of(sc, buf, len)) {
        snprintf(msg, mlen, "out of memory");
        rc = CLI_INTERNAL;
    }
    scn_free(sc);
    return rc;
}

int points_validate(const points_base *b, const points_point *pts, size_t n,
                    const char *cmd, FILE *err)
{
    char msg[1024];
    for (size_t i = 0; i < n; i++) {
        scn *sc = NULL;
        if (b->nsets + pts[i].nsets > MAX_ASSIGN) {
            fprintf(err, "slicesim %s: too many assignments for one point (at most %d)\n", cmd, MAX_ASSIGN);
            return CLI_BAD_INPUT;
        }
        int rc = load_point(b, &pts[i], &sc, msg, sizeof msg);
        scn_free(sc);
        if (rc != CLI_OK) {
            fprintf(err, "slicesim %s: %s\n", cmd, msg);
            return rc;
        }
    }
    return CLI_OK;
}

static void draw_progress(pool_run *p)
{
    enum { WIDTH = 40 };
    char bar[WIDTH + 1];
    size_t fill = p->n ? p->done * WIDTH / p->n : WIDTH;
    for (size_t k = 0; k < WIDTH; k++)
        bar[k] = k < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    fprintf(p->err, "\r%s [%s] %zu/%zu points", p->cmd, bar, p->done, p->n);
    if (p->done == p->n)
        fputc('\n', p->err);
    fflush(p->err);
}

static int run_point(pool_run *p, size_t i, char *msg, size_t len)
{
    scn *sc = NULL;
    model_result res;
    if (load_point(p->b, &p->pts[i], &sc, msg, len) != CLI_OK)
        return -1;
    int rc = model_run(&sc->cfg, &res, msg, len);
    if (rc == 0) {
        rc = p->fn(i, sc, &res, p->ud, msg, len);
        if (rc < 0 && rc != POINTS_BAD_INPUT)
            snprintf(msg, len, "out of memory collecting point %zu", i);
        model_result_free(&res);
    }
    scn_free(sc);
    return rc;
}

static void *worker(void *arg)
{
    pool_run *p = arg;
    char msg[1024];
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->failed ? p->n : p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        int rc = run_point(p, i, msg, sizeof msg);
        pthread_mutex_lock(&p->lock);
        if (rc < 0 && !p->failed) {
            p->failed = 1;
            p->bad_input = rc == POINTS_BAD_INPUT;
            snprintf(p->msg, sizeof p->msg, "%s", msg);
        }
        p->done++;
        if (p->progress && !p->failed)
            draw_progress(p);
        pthread_mutex_unlock(&p->lock);
    }
}

int points_run(const points_base *b, const points_point *pts, size_t n, int jobs,
               int progress, points_fn fn, void *ud, const char *cmd, FILE *err)
{
    pool_run p;
    memset(&p, 0, sizeof p);
    p.b = b;
    p.pts = pts;
    p.n = n;
    p.progress = progress;
    p.fn = fn;
    p.ud = ud;
    p.cmd = cmd;
    p.err = err;
    pthread_mutex_init(&p.lock, NULL);
    if (jobs < 1)
        jobs = 1;
    if ((size_t)jobs > n)
        jobs = n ? (int)n : 1;
    pthread_t *tids = calloc((size_t)jobs, sizeof *tids);
    int started = 0;
    if (tids && jobs > 1)
        for (; started < jobs; started++)
            if (pthread_create(&tids[started], NULL, worker, &p) != 0)
                break;
    if (started == 0)
        worker(&p);          /* one job, or no thread could start: run here */
    for (int k = 0; k < started; k++)
        pthread_join(tids[k], NULL);
    free(tids);
    pthread_mutex_destroy(&p.lock);
    if (p.failed) {
        fprintf(err, "slicesim %s: %s\n", cmd, p.msg);
        return p.bad_input ? CLI_BAD_INPUT : CLI_INTERNAL;
    }
    return CLI_OK;
}
