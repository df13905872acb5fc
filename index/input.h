/* Input files for the readers: plain or gzip (by magic bytes, any number of
 * concatenated members), a path or stdin, read by lines of bounded length. */
#ifndef NG_INPUT_H
#define NG_INPUT_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Lines (records) longer than this are rejected, not read into memory, unless
 * the input is told otherwise (ng_input_set_max_line). */
#define NG_INPUT_MAX_LINE (16u << 20)

typedef struct ng_input ng_input_t;

/* Open PATH ("-" for standard input). NAME is how messages call the file.
 * On failure *ERRMSG receives a malloc'ed message. */
ng_status_t ng_input_open(const char *path, const char *name, ng_input_t **out, char **errmsg);
void ng_input_close(ng_input_t *in);
const char *ng_input_name(const ng_input_t *in);
/* Reject lines longer than MAX bytes (at least 1) from now on. */
void ng_input_set_max_line(ng_input_t *in, size_t max);
/* How many bytes of the file (compressed, for gzip) have been read so far. */
unsigned long long ng_input_offset(const ng_input_t *in);

/* The first non-blank byte of the (decompressed) content, without consuming
 * it; -1 for an empty or all-blank input. */
int ng_input_first_byte(ng_input_t *in);

/* The next line, without its "\n" or "\r\n", in *LINE (valid until the next
 * call) and *LEN. NG_STATUS_END at the end; NG_STATUS_BAD_RECORD for a line over
 * the limit (skipped: the next call reads the line after it);
 * NG_STATUS_IO_ERROR when the file cannot be read further (a truncated gzip).
 * The message of the last failure is ng_input_errmsg(). */
ng_status_t ng_input_getline(ng_input_t *in, const char **line, size_t *len);
/* The number of the line last returned (1-based). */
unsigned long ng_input_line(const ng_input_t *in);
const char *ng_input_errmsg(const ng_input_t *in);

#ifdef __cplusplus
}
#endif

#endif
