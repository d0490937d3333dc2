/* fuzz_scenario.c -- the scenario loader (scenarios/scenario.h) on any text:
 * it either builds a scenario or refuses it with one message. */
#include <stdio.h>
#include "tests/fuzz/fuzz.h"
#include "scenarios/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), err[1024];
    scn *sc = NULL;
    if (!text)
        return 0;
    if (scn_load_text(text, "fuzz.json", NULL, 0, &sc, err, sizeof err) == SCN_OK) {
        char hash[32];
        scn_hash(sc, hash, sizeof hash);
        scn_free(sc);
    } else if (sc || err[0] == '\0' || strchr(err, '\n')) {
        abort();                     /* a refusal is one message, nothing kept */
    }
    free(text);
    return 0;
}
