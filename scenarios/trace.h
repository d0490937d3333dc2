/* trace.h -- reading arrival traces into trace-replay parameters.
 *
 * Formats (docs/workloads.md), each recognised by its header:
 *  - TRACE_AZURE: Azure LLM inference traces 2023 and 2024, header
 *    TIMESTAMP,ContextTokens,GeneratedTokens; TIMESTAMP a wall-clock
 *    "YYYY-MM-DD HH:MM:SS[.fraction][+HH:MM|Z]". Sizes: prompt, output.
 *  - TRACE_GENERIC: time_s (seconds, any origin) and optionally
 *    prompt_tokens,output_tokens (LLM) or steps,images (diffusion).
 *  - TRACE_DIFFUSION: Alibaba GenAI lora_request_trace: gmt_create,
 *    num_inference_steps, num_images_per_prompt.
 *  - TRACE_VIDUR: Vidur / Splitwise request traces: arrived_at (s),
 *    num_prefill_tokens, num_decode_tokens; or Splitwise's own columns
 *    arrival_timestamp (s), prompt_size, token_size.
 *  - TRACE_BURSTGPT: BurstGPT: Timestamp (s), "Request tokens",
 *    "Response tokens".
 *  - TRACE_MOONCAKE: Mooncake's JSON lines {"timestamp": ms,
 *    "input_length", "output_length", "hash_ids": [...]}; the hash ids of
 *    each request's prefix blocks are kept.
 *  - TRACE_AUTO: whichever of these the first line is.
 * CSV files are RFC 4180 (quoted fields with commas, quotes and newlines, a
 * UTF-8 byte-order mark, CRLF or LF) and read with libcsv. Columns are
 * found by name; others are ignored.
 *
 * Times become ns from the first row, times time_scale / rate_scale; rows
 * before start_s (trace time) are skipped. Reading stops at the first row
 * past until_ns of simulated time (that row is kept): a run reads only as
 * much of a trace as it replays. Every error names the file, the line and,
 * for a field, its column (number and name). */
#ifndef SCENARIOS_TRACE_H
#define SCENARIOS_TRACE_H

#include <stddef.h>
#include "models/arrival.h"

typedef enum {
    TRACE_AZURE, TRACE_GENERIC, TRACE_DIFFUSION, TRACE_VIDUR, TRACE_BURSTGPT, TRACE_MOONCAKE, TRACE_AUTO
} trace_format;

typedef struct {
    trace_format format;
    double       time_scale;    /* > 0: 2 = twice as slow */
    double       rate_scale;    /* > 0: 2 = twice the rate */
    double       start_s;       /* >= 0, skip this much of the trace */
    sim_time_t   until_ns;      /* > 0: stop after the first row past it; 0: read all */
} trace_opts;

/* trace_format_name: "azure", ... for messages and docs. */
const char *trace_format_name(trace_format f);

/* trace_load: read path into *p. On success returns 0 and p->t_ns,
 * p->sizes (and, for Mooncake, p->hash_start and p->hash_ids) are malloc'd
 * (the caller frees them; trace_free does). On failure returns -1 with one
 * message in err naming the file, line and column; nothing is allocated. */
int trace_load(const char *path, const trace_opts *o, arr_trace_params *p,
               char *err, size_t errlen);

/* trace_free: the arrays trace_load allocated. */
void trace_free(arr_trace_params *p);

/* trace_parse_timestamp: "YYYY-MM-DD HH:MM:SS[.fraction]" (a 'T' may stand
 * for the space), then optionally "Z" or a UTC offset "+HH:MM" / "-HH:MM"
 * (or +HHMM, +HH), to ns since 1970-01-01 UTC; without an offset the time
 * is taken as UTC. 0; -1 when malformed; -2 outside int64 nanoseconds. */
int trace_parse_timestamp(const char *text, int64_t *ns);

#endif
