/* fuzz_trace.c -- the arrival-trace readers (scenarios/trace.h), every
 * format, on any file content; the first byte picks the format and the
 * scales. Readers take a path, so the input goes to a file of this process. */
#include <stdio.h>
#include <unistd.h>
#include "tests/fuzz/fuzz.h"
#include "scenarios/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/slicesim-fuzz-trace.%ld.csv", (long)getpid());
    if (size < 1)
        return 0;
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    trace_opts o = { (trace_format)(data[0] % 3), 1 + (data[0] >> 2 & 3), 1 + (data[0] >> 4 & 3),
                     (data[0] >> 6) * 0.5 };
    arr_trace_params p;
    char err[1024];
    memset(&p, 0, sizeof p);
    if (trace_load(path, &o, &p, err, sizeof err) == 0) {
        for (size_t i = 1; i < p.n; i++)
            if (p.t_ns[i] < p.t_ns[i - 1] || p.t_ns[i] < 0)
                abort();             /* replayed times never go backwards */
        free(p.t_ns);
        free(p.sizes);
    } else if (err[0] == '\0') {
        abort();
    }
    return 0;
}
