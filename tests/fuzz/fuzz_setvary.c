/* fuzz_setvary.c -- the --set and --vary parsers on any text: each line is
 * one argument; lines before the first empty one are --set PATH=VALUE on a
 * fixed scenario, the rest --vary PATH=VALUES. */
#include <stdio.h>
#include "tests/fuzz/fuzz.h"
#include "cli/vary.h"
#include "scenarios/scenario.h"

#define FUZZ_MAX_SETS 16

static const char BASE[] =
    "{\"name\": \"f\", \"hardware\": {\"gpu\": \"h100-sxm\"}, \"sharing\": {\"mode\": \"timeslice\"},"
    " \"tenants\": [{\"name\": \"a\", \"workload\": {\"type\": \"synthetic\", \"service_ms\":"
    " {\"dist\": \"exponential\", \"mean\": 1}}, \"arrivals\": {\"type\": \"poisson\", \"rate_per_s\": 10}},"
    " {\"name\": \"b\", \"workload\": {\"type\": \"synthetic\", \"service_ms\": {\"dist\": \"deterministic\","
    " \"mean\": 2}}, \"arrivals\": {\"type\": \"closed\", \"users\": 1}}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink && !(sink = fopen("/dev/null", "w")))
        return 0;
    char *text = fuzz_text(data, size), err[1024];
    if (!text)
        return 0;
    char *sets[FUZZ_MAX_SETS];
    size_t nsets = 0;
    vary_set vs;
    memset(&vs, 0, sizeof vs);
    int varying = 0;
    for (char *line = text, *next; line && *line && nsets < FUZZ_MAX_SETS; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (*line == '\0') {
            varying = 1;
            continue;
        }
        if (!varying)
            sets[nsets++] = line;
        else if (vary_add(&vs, line, sink) < 0)
            break;
    }
    scn *sc = NULL;
    if (scn_load_text(BASE, "base.json", sets, nsets, &sc, err, sizeof err) == SCN_OK)
        scn_free(sc);
    size_t pts = vary_points(&vs);
    char buf[1024];
    for (size_t i = 0; i < pts && i < 64; i++)
        for (size_t k = 0; k < vs.ndims; k++)
            vary_assignment(&vs, i, k, buf, sizeof buf);
    vary_free(&vs);
    free(text);
    return 0;
}
