/* prefix.h -- prefix caching: the block-hash cache an LLM engine keeps in
 * its KV memory (vLLM's automatic prefix caching, SGLang's radix cache),
 * the hashes of a request's blocks, and a synthetic generator of shared
 * prefixes.
 *
 * A request's prompt is cut into blocks of the engine's block_tokens; block
 * j (tokens j*b .. (j+1)*b - 1) has a hash when its last token lies inside
 * the ids of its arr_prefix: the hash mixes the id of the prefix block that
 * holds that token with the block's end within it, so that two requests
 * share block j exactly when they share its whole prefix (the ids chain
 * the prefix, as Mooncake's hash_ids do). The engine's block and the id's
 * block need not be the same size.
 *
 * The cache: every full, hashed block a request has computed is entered
 * under its hash. An entry is referenced by the requests running with it
 * (ref > 0) or unreferenced (ref 0): an unreferenced entry still holds its
 * KV but counts as free memory and is evicted, least recently released
 * first, when the engine needs a block and none is free otherwise. A
 * request's blocks go back in reverse order, so that its last blocks are
 * evicted before its first (vLLM's free order). The engine keeps the count
 * of free blocks; the cache keeps how many of them are unreferenced
 * entries (evictable) and evicts whenever that exceeds the free count
 * (pfx_trim). Storage is allocated once, one entry per KV block: nothing is
 * allocated per event. */
#ifndef MODELS_PREFIX_H
#define MODELS_PREFIX_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "models/arrival.h"

/* pfx_blocks: how many leading blocks of b tokens of a request with
 * prefix k have a hash (their last token inside the ids). */
int pfx_blocks(const arr_prefix *k, int b);

/* pfx_hash: the hash of block j (< pfx_blocks(k, b)) of b tokens. */
uint64_t pfx_hash(const arr_prefix *k, int b, int j);

typedef struct {
    uint64_t hash;
    int32_t  ref;          /* requests holding it */
    int32_t  next;         /* in its bucket; -1 = last */
    int32_t  prev_lru, next_lru;   /* in the LRU list while ref == 0 */
} pfx_entry;

typedef struct {
    pfx_entry *e;          /* [cap] */
    int32_t   *bucket;     /* [mask + 1]: first entry, -1 = none */
    uint32_t   mask;
    int32_t    unused;     /* entries not in the table, chained by next */
    int32_t    lru_head, lru_tail;   /* head: evicted first */
    long       cap, entries, evictable;
    uint64_t   evictions;
} pfx_cache;

/* pfx_init: a cache of at most blocks entries (the engine's KV blocks),
 * empty. 0, or -1 when out of memory (nothing to free then). */
int pfx_init(pfx_cache *c, long blocks);
void pfx_free(pfx_cache *c);

/* pfx_match: how many of the first max blocks of k (b tokens each) are in
 * the cache, counted from block 0 to the first one missing; *unref (when
 * not NULL) how many of those no request holds. Pure. */
int pfx_match(const pfx_cache *c, const arr_prefix *k, int b, int max, long *unref);

/* pfx_acquire: take a reference on the first n blocks of k, all in the
 * cache (n <= pfx_match). Returns how many of them were unreferenced: they
 * stop being free, and the caller takes them off its free count. */
long pfx_acquire(pfx_cache *c, const arr_prefix *k, int b, int n);

/* pfx_add: block j of k has just been computed by a request that holds it
 * as a private block; it enters the cache, referenced by that request.
 * When an entry of that hash exists already (another request computed the
 * same block meanwhile) the request takes a reference on it instead and
 * its own copy is dropped. Returns the blocks freed: 1 when the copy was
 * dropped next to an entry that another request holds, else 0 (a new
 * entry, or an unreferenced one taken: the dropped copy makes up for it).
 * With no unused entry left (cannot happen when each entry is a distinct
 * KV block) nothing is entered and 0 returned; the block stays private. */
int pfx_add(pfx_cache *c, const arr_prefix *k, int b, int j);

/* pfx_release: drop the references of a request on the first n blocks of
 * k, the last block first; an entry no request holds becomes the most
 * recently used of the evictable ones. Returns how many of the n are
 * still held by other requests (they do not become free). */
long pfx_release(pfx_cache *c, const arr_prefix *k, int b, int n);

/* pfx_trim: evict least recently used unreferenced entries until at most
 * free_blocks of them remain (the others' memory was handed out). */
void pfx_trim(pfx_cache *c, long free_blocks);

/* The synthetic generator: a request starts with a shared prefix of
 * `tokens` tokens with probability reuse, one of `groups` prefixes chosen
 * uniformly, or with zipf > 0 prefix k (from 0) with probability
 * proportional to 1 / (k + 1)^zipf (a few popular system prompts, a long
 * tail); the prefix comes in front of its drawn prompt. The others carry
 * no prefix. */
typedef struct {
    double reuse;          /* [0, 1] */
    int    tokens;         /* >= 1 */
    int    groups;         /* >= 1 */
    double zipf;           /* >= 0; 0 = uniform */
} pfx_gen_params;

typedef struct {
    const pfx_gen_params *p;
    int64_t              *ids;   /* [groups]: one id per prefix */
    double               *cdf;   /* [groups] with zipf > 0, else NULL */
} pfx_gen;

/* pfx_gen_init: the ids of p's groups. 0, or -1 when out of memory. */
int pfx_gen_init(pfx_gen *g, const pfx_gen_params *p);
void pfx_gen_free(pfx_gen *g);

/* pfx_gen_group: the group a uniform u in [0, 1) picks (uniform or Zipf). */
int pfx_gen_group(const pfx_gen *g, double u);

/* pfx_gen_draw: the prefix of the next request, from stream r (two
 * uniforms a request, whatever the outcome, so that a run is the same for
 * a seed). */
void pfx_gen_draw(const pfx_gen *g, gsl_rng *r, arr_prefix *out);

#endif
