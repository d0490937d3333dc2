#include "models/disagg.h"

#include <string.h>
#include "models/router.h"
#include "models/tenant.h"

static const char *const PATHS[] = { "nvlink", "pcie", "network", NULL };

int disagg_path_parse(const char *name)
{
    for (int i = 0; PATHS[i]; i++)
        if (strcmp(PATHS[i], name) == 0)
            return i;
    return -1;
}

const char *disagg_path_name(disagg_path p)
{
    return PATHS[p];
}

double disagg_transfer_us(const disagg_cfg *c, double bytes)
{
    coll_est est;
    if (bytes <= 0 || coll_estimate(&c->net, COLL_SENDRECV, bytes, NULL, &est) != 0)
        return 0;
    return est.time_us;
}

tenant *disagg_pick_decode(const disagg_cfg *c, tenant *front, const arr_item *it)
{
    router_ctx rc = { (struct tenant *const *)front->fleet + c->prefill, c->decode, front->rng_wl,
                      &front->turn_decode };
    return front->fleet[c->prefill + c->decode_router->pick(&rc, it)];
}

static void on_link(sim *s, sim_event *ev)
{
    disagg_link *l = ev->ctx;
    disagg_xfer *x = l->head;
    if (!(l->head = x->next))
        l->tail = NULL;
    if (l->head)
        sim_at(s, &l->ev, l->head->end);
    l->done(l->ud, x);
}

void disagg_link_init(disagg_link *l, sim *s, disagg_done_fn done, void *ud)
{
    memset(l, 0, sizeof *l);
    l->s = s;
    l->done = done;
    l->ud = ud;
    sim_event_set(&l->ev, on_link, l);
}

void disagg_link_send(disagg_link *tx, disagg_link *rx, disagg_xfer *x, sim_time_t ns)
{
    sim_time_t start = tx->s->now;
    if (tx->free_at > start)
        start = tx->free_at;
    if (rx->free_at > start)
        start = rx->free_at;
    x->next = NULL;
    x->start = start;
    x->end = tx->free_at = rx->free_at = sim_time_add(start, ns);
    if (tx->tail) {                      /* ends after every earlier booking of tx */
        tx->tail->next = x;
        tx->tail = x;
        return;
    }
    tx->head = tx->tail = x;
    sim_at(tx->s, &tx->ev, x->end);
}

void disagg_link_free(disagg_link *l)
{
    if (l->s)
        sim_cancel(l->s, &l->ev);
}
