/* link.h -- a shared transfer link (a GPU's PCIe link to the host): the
 * transfers in progress share its bandwidth equally (processor sharing).
 *
 * Each context is one sender whose transfers go in FIFO order, one at a
 * time; a job's work is its transfer time alone on the link. With n senders
 * transferring, each progresses at 1/n of the link's rate; rates change at
 * every start and finish, so the result is exact for this discipline. All
 * tenants on a GPU, on whatever MIG instance, share its link: MIG isolates
 * SMs and memory, not the host interface (FACTS §2). Counters: busy_ns while
 * any transfer runs. */
#ifndef MODELS_LINK_H
#define MODELS_LINK_H

#include "models/exec.h"

typedef struct link_exec link_exec;

/* link_alloc: a link executor on s; free with exec_free(link_base(l)).
 * NULL when out of memory. Any context (persistent or ephemeral) may submit. */
link_exec *link_alloc(sim *s, int id);
exec *link_base(link_exec *l);

#endif
