/* trace.h -- reading arrival traces (CSV) into trace-replay parameters.
 *
 * Formats (docs/workloads.md):
 *  - TRACE_AZURE: Azure LLM inference trace, header TIMESTAMP,ContextTokens,
 *    GeneratedTokens; TIMESTAMP is "YYYY-MM-DD HH:MM:SS[.fraction]" wall
 *    clock. Sizes: prompt tokens, output tokens.
 *  - TRACE_GENERIC: header with time_s (seconds, any origin) and optionally
 *    prompt_tokens,output_tokens (LLM) or steps,images (diffusion).
 *  - TRACE_DIFFUSION: the Alibaba GenAI lora_request_trace layout:
 *    gmt_create ("YYYY-MM-DD HH:MM:SS"), num_inference_steps,
 *    num_images_per_prompt; other columns are ignored. Sizes: steps, images.
 * Fields are comma separated without quoting; a trailing CR is ignored.
 * Times become ns from the first row, times time_scale / rate_scale; rows
 * before start_s (in trace time) are skipped, rows scaled beyond 1e18 ns
 * (31 years) are dropped. Every error names the file and
 * line: missing columns, unparsable or negative fields, timestamps that go
 * backwards, no rows. */
#ifndef SCENARIOS_TRACE_H
#define SCENARIOS_TRACE_H

#include <stddef.h>
#include "models/arrival.h"

typedef enum { TRACE_AZURE, TRACE_GENERIC, TRACE_DIFFUSION } trace_format;

typedef struct {
    trace_format format;
    double       time_scale;    /* > 0: 2 = twice as slow */
    double       rate_scale;    /* > 0: 2 = twice the rate */
    double       start_s;       /* >= 0, skip this much of the trace */
} trace_opts;

/* trace_load: read path into *p. On success returns 0 and p->t_ns and
 * p->sizes are malloc'd (the caller frees both). On failure returns -1 with
 * one message in err naming the file and line; nothing is allocated. */
int trace_load(const char *path, const trace_opts *o, arr_trace_params *p,
               char *err, size_t errlen);

/* trace_parse_timestamp: "YYYY-MM-DD HH:MM:SS[.fraction]" to ns since
 * 1970-01-01 (no time zone applied). 0, or -1 when malformed. */
int trace_parse_timestamp(const char *text, int64_t *ns);

#endif
