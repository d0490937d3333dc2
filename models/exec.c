#include "models/exec.h"

void exec_base_init(exec *e, const exec_type *type, sim *s, int id)
{
    e->type = type;
    e->s = s;
    e->id = id;
    e->c.busy_ns = e->c.switch_ns = 0;
    e->c.switches = 0;
    e->c.overhead_ns = 0;
    e->next_uid = 1;
    sim_pool_init(&e->ctx_pool, sizeof(exec_ctx));
    e->trace = NULL;
    e->trace_ud = NULL;
    e->speed = 1.0;
    e->set_speed = NULL;
    e->busy = 0;
    e->busy_fn = NULL;
    e->busy_ud = NULL;
}

void exec_base_free(exec *e)
{
    sim_pool_free(&e->ctx_pool);
}

void exec_ctx_init(exec *e, exec_ctx *c, sim_time_t *busy_acct)
{
    c->head = c->tail = NULL;
    c->rq_next = NULL;
    c->uid = e->next_uid++;
    c->busy_acct = busy_acct;
    c->ephemeral = 0;
    c->index = -1;
    c->tag = -1;
    c->debt = 0;
    c->prio = 0;
}

int exec_submit_alone(exec *e, gpu_job *j, sim_time_t *busy_acct, int tag)
{
    exec_ctx *c = sim_pool_get(&e->ctx_pool);
    if (!c)
        return -1;
    exec_ctx_init(e, c, busy_acct);
    c->ephemeral = 1;
    c->tag = tag;
    exec_submit(e, c, j);
    return 0;
}

void exec_ctx_release(exec *e, exec_ctx *c)
{
    sim_pool_put(&e->ctx_pool, c);
}

int exec_job_push(exec_ctx *c, gpu_job *j, sim_time_t now)
{
    int was_empty = c->head == NULL;
    j->next = NULL;
    j->remaining = j->work;
    j->t_submit = now;
    j->t_head = was_empty ? now : -1;
    j->t_start = j->t_end = -1;
    j->service_ns = j->switch_ns = 0;
    if (was_empty)
        c->head = j;
    else
        c->tail->next = j;
    c->tail = j;
    return was_empty;
}

gpu_job *exec_job_pop(exec_ctx *c, sim_time_t now)
{
    gpu_job *j = c->head;
    c->head = j->next;
    if (!c->head)
        c->tail = NULL;
    else
        c->head->t_head = now;
    j->next = NULL;
    j->t_end = now;
    return j;
}
