/* fuzz_rawcalib.c -- the raw-calibration reader and fit (calibration/fit.h)
 * on any text: it fits a profile or refuses with one message (exit 2 or 1). */
#include "tests/fuzz/fuzz.h"
#include "calibration/fit.h"
#include "scenarios/jv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), err[1024];
    if (!text)
        return 0;
    cJSON *raw = jv_parse(text, "fuzz.json", err, sizeof err);
    if (raw) {
        cJSON *doc = NULL;
        err[0] = '\0';
        int rc = fit_profile(raw, "fuzz.json", NULL, &doc, err, sizeof err);
        if (rc != 0 && (err[0] == '\0' || doc))
            abort();
        cJSON_Delete(doc);
        cJSON_Delete(raw);
    }
    free(text);
    return 0;
}
