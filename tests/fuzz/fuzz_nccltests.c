/* fuzz_nccltests.c -- the nccl-tests log parser (calibration/nccltests.h) on
 * any text; what it reads is written back and read again to the same rows. */
#include <stdio.h>
#include "tests/fuzz/fuzz.h"
#include "calibration/nccltests.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    nccltests_log log;
    char err[1024];
    int rc = nccltests_parse(f, "fuzz.log", &log, err, sizeof err);
    fclose(f);
    if (rc < 0) {
        if (err[0] == '\0' || log.n != 0)
            abort();
        return 0;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *w = open_memstream(&buf, &len);
    if (w) {
        nccltests_write_header(w, 0);
        for (size_t i = 0; i < log.n; i++)
            nccltests_write_row(w, &log.rows[i]);
        fclose(w);
        free(buf);
    }
    nccltests_free(&log);
    return 0;
}
