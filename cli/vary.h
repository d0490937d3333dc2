/* vary.h -- the grammar of --vary and the cartesian product of its values.
 *
 *   --vary PATH=V1,V2,...     a list; each V is JSON (4, "x", true) or, when
 *                             it does not parse as JSON, a plain string
 *   --vary PATH=A:B:STEP      a range: A, A+STEP, ... up to B inclusive
 *                             (within a relative 1e-9 of STEP); STEP > 0, A <= B
 *
 *   --vary P1+P2+...=[A1,A2,...],[B1,B2,...]
 *                             a tuple: paths that move together (a sharing
 *                             mode and the MIG layout and placement it
 *                             needs); each value is a JSON array with one
 *                             element per path, element j set at path j
 *
 * PATH is a scenario path as --set takes it. A sweep over d dimensions has
 * the product of their sizes as points; point i takes value
 * (i / stride_k) % n_k of dimension k, the last dimension varying fastest.
 * A vary_set owns every string it holds. */
#ifndef CLI_VARY_H
#define CLI_VARY_H

#include <stddef.h>
#include <stdio.h>

#define VARY_MAX_DIMS   8
#define VARY_MAX_VALUES 100000
#define VARY_MAX_POINTS 1000000

typedef struct {
    char   *path;
    char  **values;      /* the JSON text of each value */
    size_t  n, cap;      /* values held, room for (doubling: linear in n) */
    int     numeric;     /* every value is a JSON number */
    size_t  nparts;      /* paths in path ("P1+P2": 2); 1 for a plain one */
} vary_dim;

typedef struct {
    vary_dim dims[VARY_MAX_DIMS];
    size_t   ndims;
} vary_set;

/* vary_add: parse one --vary argument into vs. 0, or -1 with one message on
 * err naming the argument, the bad part and what is allowed. */
int vary_add(vary_set *vs, const char *arg, FILE *err);

/* vary_points: the number of points (1 with no dimension). */
size_t vary_points(const vary_set *vs);

/* vary_value: the JSON text dimension k takes at point i. */
const char *vary_value(const vary_set *vs, size_t i, size_t k);

/* vary_assignment: "PATH=VALUE" of dimension k at point i into buf (the
 * --set syntax); NULL when it does not fit. For a tuple it is the whole
 * "P1+P2=[A1,A2]" (a label, not an assignment: see vary_part). */
const char *vary_assignment(const vary_set *vs, size_t i, size_t k, char *buf, size_t len);

/* vary_nparts: the paths dimension k sets (1, or a tuple's size). */
size_t vary_nparts(const vary_set *vs, size_t k);

/* vary_part: "PATH_j=VALUE_j", the j-th assignment of dimension k at point
 * i (for a plain dimension j = 0 gives vary_assignment), into buf; NULL
 * when it does not fit or out of memory. */
const char *vary_part(const vary_set *vs, size_t i, size_t k, size_t j, char *buf, size_t len);

void vary_free(vary_set *vs);

#endif
