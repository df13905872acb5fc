/* Output of search results: grep-like text, coloured only when asked or when
 * writing to a terminal (NO_COLOR honoured). */
#ifndef NG_OUTPUT_H
#define NG_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "highlight.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ng_color_mode { NG_COLOR_AUTO, NG_COLOR_ALWAYS, NG_COLOR_NEVER } ng_color_mode_t;

typedef struct ng_output {
    FILE *fp;
    int color;
    unsigned hits; /* hits written so far */
} ng_output_t;

/* Whether MODE means colour for output on file descriptor FD. */
int ng_output_want_color(ng_color_mode_t mode, int fd);
void ng_output_init(ng_output_t *out, FILE *fp, int color);

/* Write one hit: a heading "ID#N  DATE  SOURCE  TITLE", then the passage,
 * indented, with SPANS highlighted; hits are separated by a blank line.
 * Control characters of the data are written as spaces, so an article cannot
 * send escape sequences to the terminal. Returns 0, or -1 on a write error. */
int ng_output_hit(ng_output_t *out, const ng_record_t *rec, const ng_span_t *spans, size_t nspans);

#ifdef __cplusplus
}
#endif

#endif
