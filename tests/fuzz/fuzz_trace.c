/* fuzz_trace.c -- the arrival-trace readers (scenarios/trace.h), every
 * format (and detection), on any file content; the first byte picks the
 * format, the second the scales and the start. Readers take a path, so the input goes to a file of this process. */
#include <stdio.h>
#include <unistd.h>
#include "tests/fuzz/fuzz.h"
#include "scenarios/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/slicesim-fuzz-trace.%ld.csv", (long)getpid());
    if (size < 2)
        return 0;
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data + 2, 1, size - 2, f);
    fclose(f);
    trace_opts o;
    memset(&o, 0, sizeof o);
    o.format = (trace_format)(data[0] % (TRACE_AUTO + 1));
    o.time_scale = 1 + (data[1] & 3);
    o.rate_scale = 1 + (data[1] >> 2 & 3);
    o.start_s = (data[1] >> 4 & 3) * 0.5;
    o.until_ns = (data[1] >> 6) ? (sim_time_t)(data[1] >> 6) * 1000000000 : 0;
    arr_trace_params p;
    char err[1024];
    memset(&p, 0, sizeof p);
    if (trace_load(path, &o, &p, err, sizeof err) == 0) {
        for (size_t i = 1; i < p.n; i++)
            if (p.t_ns[i] < p.t_ns[i - 1] || p.t_ns[i] < 0)
                abort();             /* replayed times never go backwards */
        trace_free(&p);
    } else if (err[0] == '\0') {
        abort();
    }
    return 0;
}
