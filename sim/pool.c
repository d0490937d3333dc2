#include "sim/pool.h"

#include <stdalign.h>
#include <stdlib.h>

struct sim_pool_chunk {
    sim_pool_chunk *next;
    alignas(max_align_t) unsigned char mem[];
};

void sim_pool_init(sim_pool *p, size_t object_size)
{
    size_t a = alignof(max_align_t);
    if (object_size < sizeof(void *))
        object_size = sizeof(void *);
    p->size = (object_size + a - 1) / a * a;
    p->free_list = NULL;
    p->chunks = NULL;
    p->next_chunk = 64;
    p->live = 0;
}

void sim_pool_free(sim_pool *p)
{
    while (p->chunks) {
        sim_pool_chunk *c = p->chunks;
        p->chunks = c->next;
        free(c);
    }
    p->free_list = NULL;
    p->live = 0;
}

static int grow(sim_pool *p)
{
    size_t n = p->next_chunk;
    sim_pool_chunk *c = malloc(sizeof *c + n * p->size);
    if (!c)
        return -1;
    c->next = p->chunks;
    p->chunks = c;
    for (size_t i = n; i-- > 0;) {
        void *obj = c->mem + i * p->size;
        *(void **)obj = p->free_list;
        p->free_list = obj;
    }
    if (p->next_chunk < 65536)
        p->next_chunk *= 2;
    return 0;
}

void *sim_pool_get(sim_pool *p)
{
    if (!p->free_list && grow(p) < 0)
        return NULL;
    void *obj = p->free_list;
    p->free_list = *(void **)obj;
    p->live++;
    return obj;
}

void sim_pool_put(sim_pool *p, void *obj)
{
    *(void **)obj = p->free_list;
    p->free_list = obj;
    p->live--;
}
