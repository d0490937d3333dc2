/* arr_closed.c -- a closed loop: N users, each with one request outstanding;
 * a user thinks for a while after each completion, then sends the next. With
 * zero think time the next request is sent at the instant of completion,
 * before the GPU decides what to run next, so such a user is never idle. */
#include "models/arrival.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "sim/rng.h"

typedef struct {
    int        users;
    sim_event *think;     /* one timer per user; ev->ctx is the source */
} closed_state;

static void emit_user(arr_src *a, int user)
{
    arr_item it = { user, 0, { 0 }, { NULL, 0, 0, 0 } };
    a->emit(a->owner, a->s, &it);
}

static void on_think_done(sim *s, sim_event *ev)
{
    (void)s;
    arr_src *a = ev->ctx;
    closed_state *st = a->state;
    emit_user(a, (int)(ev - st->think));
}

static sim_time_t think_ns(arr_src *a)
{
    const arr_closed_params *p = a->params;
    double mean_ns = p->think_s * 1e9;
    if (mean_ns <= 0)
        return 0;
    if (p->think_dist == ARR_THINK_DETERMINISTIC)
        return sim_round_ns(mean_ns);
    return sim_round_ns(sim_ran_exponential(a->rng, mean_ns));
}

static void user_next(arr_src *a, int user)
{
    closed_state *st = a->state;
    sim_time_t z = think_ns(a);
    if (z >= a->stop - a->s->now)
        return;
    if (z == 0)
        emit_user(a, user);
    else
        sim_after(a->s, &st->think[user], z);
}

static int closed_init(arr_src *a)
{
    const arr_closed_params *p = a->params;
    closed_state *st = malloc(sizeof *st);
    if (!st)
        return -1;
    st->users = p->users;
    st->think = calloc((size_t)p->users, sizeof *st->think);
    if (!st->think) {
        free(st);
        return -1;
    }
    for (int u = 0; u < p->users; u++)
        sim_event_set(&st->think[u], on_think_done, a);
    a->state = st;
    return 0;
}

static void closed_start(arr_src *a)
{
    closed_state *st = a->state;
    for (int u = 0; u < st->users; u++)
        user_next(a, u);
}

static void closed_free(arr_src *a)
{
    closed_state *st = a->state;
    if (!st)
        return;
    for (int u = 0; u < st->users; u++)
        sim_cancel(a->s, &st->think[u]);
    free(st->think);
    free(st);
    a->state = NULL;
}

const arr_type arr_closed = { "closed", closed_init, closed_start, user_next, closed_free, NULL };
