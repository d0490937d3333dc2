/* pool.h -- fixed-size object pool: objects come from chunks that grow
 * geometrically and return to a free list, so steady-state allocation costs
 * no malloc. Objects are not zeroed. All memory is released by sim_pool_free;
 * objects must not be used after it. */
#ifndef SIM_POOL_H
#define SIM_POOL_H

#include <stddef.h>

typedef struct sim_pool_chunk sim_pool_chunk;

typedef struct {
    size_t          size;       /* object size, rounded up for alignment */
    void           *free_list;
    sim_pool_chunk *chunks;
    size_t          next_chunk; /* objects in the next chunk */
    size_t          live;
} sim_pool;

void  sim_pool_init(sim_pool *p, size_t object_size);
void  sim_pool_free(sim_pool *p);
void *sim_pool_get(sim_pool *p);           /* NULL when out of memory */
void  sim_pool_put(sim_pool *p, void *obj);

#endif
