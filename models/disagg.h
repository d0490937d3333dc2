/* disagg.h -- prefill/decode disaggregation (DistServe, Splitwise, vLLM's
 * disaggregated prefill): a serving fleet whose engines are split into a
 * prefill pool and a decode pool.
 *
 * A disaggregated fleet is a fleet (tenant.h) whose first `prefill`
 * replicas are prefill engines and whose last `decode` replicas are decode
 * engines; the front's router spreads arrivals over the prefill pool only.
 * The flow of a request (the engine side is in models/llm.c):
 *  1. A prefill engine prefills it (prefill-only iterations) and samples
 *     its first token: TTFT ends there, as in DistServe and Splitwise (the
 *     prefill engine streams the first token to the client).
 *  2. The decode router picks a decode engine; the request waits there
 *     until the engine has KV blocks for the prompt and the next token (and
 *     the rest of the output under LLM_KV_RESERVE) and a batch slot, and
 *     the blocks are reserved (the engine pulls the cache into memory it
 *     set aside, as DistServe's decode instances and vLLM's connectors do).
 *  3. The cache, prompt x bytes per token (layers x 2 x kv_heads x head_dim
 *     x bytes per element; tensor-parallel engines move one shard through
 *     each GPU of the pool with fewer, all at once), goes over the link as
 *     one NCCL send/recv, costed
 *     by the collective model's point-to-point path (coll_estimate of
 *     COLL_SENDRECV on the link's two-GPU topology). A GPU sends one cache
 *     at a time and receives one at a time: a transfer starts when both its
 *     sender and its receiver are free of the transfers booked before it,
 *     and holds both until it ends. The prefill engine's blocks stay in use
 *     until the cache has left.
 *  4. The decode engine decodes it in decode-only iterations (no prefill
 *     chunk shares them, unless it recomputes a preempted request).
 * So the time between the first and second token, and therefore TPOT,
 * includes the wait for decode memory and the transfer; the per-request
 * figures kv_wait_ms and kv_xfer_ms report both.
 *
 * Not modelled: layer-by-layer transfer overlapped with the prefill
 * (Splitwise), a transfer filling a gap left before an earlier booking,
 * and moving the cache through host memory. */
#ifndef MODELS_DISAGG_H
#define MODELS_DISAGG_H

#include "models/arrival.h"
#include "models/coll.h"

struct tenant;
struct router_type;

/* Where the cache travels: between two GPUs of one node over NVLink (or
 * over PCIe), or between nodes over one NIC of each. */
typedef enum { DISAGG_NVLINK, DISAGG_PCIE, DISAGG_NETWORK } disagg_path;

typedef struct disagg_cfg {
    int                prefill, decode;   /* replicas of each pool, >= 1 */
    disagg_path        path;
    topo               net;               /* two ranks: one node of two GPUs, or two nodes of one */
    const struct router_type *decode_router;
} disagg_cfg;

/* disagg_path_parse: "nvlink" | "pcie" | "network" -> path, or -1. */
int disagg_path_parse(const char *name);
const char *disagg_path_name(disagg_path p);

/* disagg_transfer_us: the time of a send/recv of bytes between a prefill
 * and a decode GPU: the collective model's achieved time of COLL_SENDRECV
 * on c->net (no correction, no noise); 0 for bytes <= 0. */
double disagg_transfer_us(const disagg_cfg *c, double bytes);

/* disagg_pick_decode: the decode engine (one of the last c->decode
 * replicas of fleet front) for a request of item it whose prefill is done,
 * by c's decode router (its own rotation, the front's stream). */
struct tenant *disagg_pick_decode(const disagg_cfg *c, struct tenant *front, const arr_item *it);

/* An engine's side of the link: as a sender, its transfers in the order
 * booked, each ending at its `end`; as a sender or a receiver, the time it
 * is busy until. Nodes live in the caller's objects (no allocation);
 * done(ud, x) is called on the sender's link as each transfer ends. */
typedef struct disagg_xfer {
    struct disagg_xfer *next;
    sim_time_t          start, end;
    void               *obj;      /* the caller's object it belongs to */
} disagg_xfer;

typedef void (*disagg_done_fn)(void *ud, disagg_xfer *x);

typedef struct {
    sim           *s;
    sim_event      ev;
    disagg_xfer   *head, *tail;
    disagg_done_fn done;
    void          *ud;
    sim_time_t     free_at;   /* busy sending or receiving until then */
} disagg_link;

/* disagg_link_init: an idle link on s. disagg_link_send: book x, ns long,
 * from tx to rx (tx != rx): it starts at the latest of now and both links'
 * free_at, which it moves to its end. disagg_link_free: cancel the pending
 * end (the nodes stay the caller's). */
void disagg_link_init(disagg_link *l, sim *s, disagg_done_fn done, void *ud);
void disagg_link_send(disagg_link *tx, disagg_link *rx, disagg_xfer *x, sim_time_t ns);
void disagg_link_free(disagg_link *l);

#endif
