/* prefix.c -- the block-hash prefix cache and the shared-prefix generator.
 *
 * Invariants: an entry is in the table (its bucket's chain) or in the
 * unused chain; an entry of the table is in the LRU list exactly when its
 * ref is 0, and evictable counts those. */
#include "models/prefix.h"

#include <math.h>
#include <stdlib.h>

/* splitmix64's finalizer: a bijection that scatters its input's bits. */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

int pfx_blocks(const arr_prefix *k, int b)
{
    if (!k->ids || k->n <= 0 || k->tokens <= 0 || b <= 0)
        return 0;
    long long t = (long long)k->n * k->tokens / b;
    return t > 0x7fffffff ? 0x7fffffff : (int)t;
}

uint64_t pfx_hash(const arr_prefix *k, int b, int j)
{
    long long end = ((long long)j + 1) * b;            /* one past the block's last token */
    long long i = (end - 1) / k->tokens;               /* the id block holding it */
    long long off = end - i * k->tokens;               /* where in that block it ends, 1 .. tokens */
    return mix(mix((uint64_t)k->ids[i]) ^ ((uint64_t)i << 32 | (uint64_t)off));
}

int pfx_init(pfx_cache *c, long blocks)
{
    uint32_t nb = 1;
    while (nb < 2 * (uint64_t)blocks && nb < 0x80000000u)
        nb <<= 1;
    c->cap = blocks > 0x7ffffffe ? 0x7ffffffe : blocks;
    c->e = malloc((size_t)(c->cap ? c->cap : 1) * sizeof *c->e);
    c->bucket = malloc((size_t)nb * sizeof *c->bucket);
    if (!c->e || !c->bucket) {
        free(c->e);
        free(c->bucket);
        c->e = NULL;
        c->bucket = NULL;
        return -1;
    }
    c->mask = nb - 1;
    for (uint32_t i = 0; i < nb; i++)
        c->bucket[i] = -1;
    for (long i = 0; i < c->cap; i++)
        c->e[i].next = i + 1 < c->cap ? (int32_t)(i + 1) : -1;
    c->unused = c->cap > 0 ? 0 : -1;
    c->lru_head = c->lru_tail = -1;
    c->entries = c->evictable = 0;
    c->evictions = 0;
    return 0;
}

void pfx_free(pfx_cache *c)
{
    free(c->e);
    free(c->bucket);
    c->e = NULL;
    c->bucket = NULL;
}

static int32_t find(const pfx_cache *c, uint64_t h)
{
    int32_t i = c->bucket[h & c->mask];
    while (i >= 0 && c->e[i].hash != h)
        i = c->e[i].next;
    return i;
}

static void lru_unlink(pfx_cache *c, int32_t i)
{
    pfx_entry *e = &c->e[i];
    if (e->prev_lru >= 0)
        c->e[e->prev_lru].next_lru = e->next_lru;
    else
        c->lru_head = e->next_lru;
    if (e->next_lru >= 0)
        c->e[e->next_lru].prev_lru = e->prev_lru;
    else
        c->lru_tail = e->prev_lru;
    c->evictable--;
}

static void lru_push(pfx_cache *c, int32_t i)       /* the most recent end */
{
    pfx_entry *e = &c->e[i];
    e->next_lru = -1;
    e->prev_lru = c->lru_tail;
    if (c->lru_tail >= 0)
        c->e[c->lru_tail].next_lru = i;
    else
        c->lru_head = i;
    c->lru_tail = i;
    c->evictable++;
}

int pfx_match(const pfx_cache *c, const arr_prefix *k, int b, int max, long *unref)
{
    int n = pfx_blocks(k, b), j = 0;
    long u = 0;
    if (max < n)
        n = max;
    for (; c->e && j < n; j++) {
        int32_t i = find(c, pfx_hash(k, b, j));
        if (i < 0)
            break;
        u += c->e[i].ref == 0;
    }
    if (unref)
        *unref = u;
    return j;
}

long pfx_acquire(pfx_cache *c, const arr_prefix *k, int b, int n)
{
    long was_free = 0;
    for (int j = 0; j < n; j++) {
        int32_t i = find(c, pfx_hash(k, b, j));
        if (i < 0)
            continue;                     /* not so by the contract */
        if (c->e[i].ref++ == 0) {
            lru_unlink(c, i);
            was_free++;
        }
    }
    return was_free;
}

int pfx_add(pfx_cache *c, const arr_prefix *k, int b, int j)
{
    uint64_t h = pfx_hash(k, b, j);
    int32_t i = find(c, h);
    if (i >= 0) {                         /* computed twice: keep one */
        if (c->e[i].ref++ == 0) {
            lru_unlink(c, i);
            return 0;
        }
        return 1;
    }
    if (c->unused < 0)
        return 0;
    i = c->unused;
    c->unused = c->e[i].next;
    pfx_entry *e = &c->e[i];
    e->hash = h;
    e->ref = 1;
    e->next = c->bucket[h & c->mask];
    c->bucket[h & c->mask] = i;
    c->entries++;
    return 0;
}

long pfx_release(pfx_cache *c, const arr_prefix *k, int b, int n)
{
    long held = 0;
    for (int j = n - 1; j >= 0; j--) {
        int32_t i = find(c, pfx_hash(k, b, j));
        if (i < 0)
            continue;
        if (--c->e[i].ref == 0)
            lru_push(c, i);
        else
            held++;
    }
    return held;
}

static void evict(pfx_cache *c, int32_t i)
{
    uint64_t h = c->e[i].hash;
    int32_t *at = &c->bucket[h & c->mask];
    while (*at != i)
        at = &c->e[*at].next;
    *at = c->e[i].next;
    lru_unlink(c, i);
    c->e[i].next = c->unused;
    c->unused = i;
    c->entries--;
    c->evictions++;
}

void pfx_trim(pfx_cache *c, long free_blocks)
{
    while (c->evictable > free_blocks && c->lru_head >= 0)
        evict(c, c->lru_head);
}

int pfx_gen_init(pfx_gen *g, const pfx_gen_params *p)
{
    g->p = p;
    g->cdf = NULL;
    g->ids = malloc((size_t)p->groups * sizeof *g->ids);
    if (!g->ids)
        return -1;
    for (int i = 0; i < p->groups; i++)
        g->ids[i] = i + 1;
    if (p->zipf > 0) {
        if (!(g->cdf = malloc((size_t)p->groups * sizeof *g->cdf))) {
            pfx_gen_free(g);
            return -1;
        }
        double sum = 0;
        for (int i = 0; i < p->groups; i++)
            g->cdf[i] = sum += pow(i + 1.0, -p->zipf);
        for (int i = 0; i < p->groups; i++)
            g->cdf[i] /= sum;
    }
    return 0;
}

void pfx_gen_free(pfx_gen *g)
{
    free(g->ids);
    free(g->cdf);
    g->ids = NULL;
    g->cdf = NULL;
}

int pfx_gen_group(const pfx_gen *g, double u)
{
    int n = g->p->groups;
    if (!g->cdf) {
        int k = (int)(u * n);
        return k < n ? k : n - 1;
    }
    int lo = 0, hi = n - 1;            /* the first k with u < cdf[k] */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (u < g->cdf[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

void pfx_gen_draw(const pfx_gen *g, gsl_rng *r, arr_prefix *out)
{
    double u = gsl_rng_uniform(r);
    int grp = pfx_gen_group(g, gsl_rng_uniform(r));
    if (u >= g->p->reuse) {
        *out = (arr_prefix){ NULL, 0, 0, 0 };
        return;
    }
    *out = (arr_prefix){ &g->ids[grp], 1, g->p->tokens, g->p->tokens };
}
