/* virt.h -- virtualization overhead as a mechanism (DESIGN §4, FACTS §4).
 *
 * A virt executor stands between one tenant (a VM) and the executor that
 * runs its GPU work. Every job it forwards is made longer by the mechanisms
 * of the mode:
 *  - compute_factor, bw_factor in (0, 1]: the share of compute and of memory
 *    bandwidth the guest achieves; C' = C / compute_factor, M' = M /
 *    bw_factor on the job's roofline split (work = max(C, M) + rest);
 *  - launch_ns per kernel launch and copy_ns per host-device copy, added
 *    to the job (the longer submission path: trap or mediation, IOMMU);
 *  - host noise: interruptions of the VM arrive as a Poisson process
 *    (noise_rate_per_s) with durations from a distribution; an interruption
 *    that begins while a burst is being launched (between its submission and
 *    its end as if it ran at once) stalls it: the job grows by its duration.
 * The extra time is counted in the inner executor's overhead_ns when the
 * job is forwarded. Bare metal is the identity and needs no virt executor.
 * Contexts stay the inner executor's (the tenant's context is initialised on
 * the inner executor); ephemeral contexts are created on the inner one. */
#ifndef MODELS_VIRT_H
#define MODELS_VIRT_H

#include <gsl/gsl_rng.h>
#include "models/exec.h"

typedef enum { VIRT_BARE_METAL, VIRT_PASSTHROUGH, VIRT_VGPU } virt_mode;
typedef enum { VIRT_NOISE_EXPONENTIAL, VIRT_NOISE_DETERMINISTIC, VIRT_NOISE_LOGNORMAL } virt_noise_dist;

typedef struct {
    virt_mode       mode;
    double          launch_us;          /* >= 0, per kernel */
    double          copy_us;            /* >= 0, per host-device copy */
    double          compute_factor;     /* (0, 1] */
    double          bw_factor;          /* (0, 1] */
    double          noise_rate_per_s;   /* >= 0 */
    double          noise_mean_us;      /* > 0 */
    virt_noise_dist noise_dist;
    double          noise_cv;           /* lognormal */
} virt_cfg;

/* virt_preset: the defaults of a mode (docs/sharing.md gives the reasoning);
 * 0, or -1 for an unknown mode. */
int virt_preset(virt_mode mode, virt_cfg *out);

/* virt_mode_names: the modes' names, indexed by virt_mode, NULL-terminated.
 * virt_mode_parse: "bare_metal" | "passthrough" | "vgpu" -> mode, or -1. */
extern const char *const virt_mode_names[];
int virt_mode_parse(const char *name);
const char *virt_mode_name(virt_mode m);

/* virt_is_identity: no mechanism adds anything. */
int virt_is_identity(const virt_cfg *c);

typedef struct virt_layer virt_layer;

/* virt_alloc: a virtualization layer over inner (not owned) with a copy of
 * cfg, drawing noise from rng (owned, freed with the layer; may be NULL when
 * there is no noise). Free with exec_free(virt_base(v)). NULL when out of
 * memory (rng is then freed). */
virt_layer *virt_alloc(sim *s, int id, exec *inner, const virt_cfg *cfg, gsl_rng *rng);
exec *virt_base(virt_layer *v);

/* virt_set_horizon: the time the run ends (default never). Interruptions
 * from then on are not drawn: they could only stall what ends after the
 * run, and a job far longer than the run would otherwise cost a draw per
 * interruption of its whole length. */
void virt_set_horizon(virt_layer *v, sim_time_t horizon);

/* virt_inflate: the work of a job of work w (compute c, memory m, kernels k,
 * copies n) after the factors and per-launch and per-copy costs, without
 * noise; sets *c2 and *m2 to the new split. Exposed for tests. */
sim_time_t virt_inflate(const virt_cfg *cfg, sim_time_t w, sim_time_t c, sim_time_t m,
                        uint32_t k, uint32_t n, sim_time_t *c2, sim_time_t *m2);

#endif
