/* fuzz_profile.c -- the GPU-profile loader (scenarios/profile.h) on any text,
 * through the strict JSON parser every loader uses (scenarios/jv.h). */
#include "tests/fuzz/fuzz.h"
#include "scenarios/jv.h"
#include "scenarios/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), err[1024];
    if (!text)
        return 0;
    cJSON *root = jv_parse(text, "fuzz.json", err, sizeof err);
    if (root) {
        prof *p = calloc(1, sizeof *p);
        if (p && prof_parse(root, "fuzz.json", p, err, sizeof err) == 0 &&
            !(p->spec.eta_c > 0 && p->spec.eta_c <= 1.5 && p->spec.eta_m > 0 && p->spec.eta_m <= 1.5))
            abort();                 /* the invariants profile.h states */
        free(p);
        cJSON_Delete(root);
    }
    free(text);
    return 0;
}
