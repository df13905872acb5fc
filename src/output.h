/* Output of search results: grep-like text, coloured only when asked or when
 * writing to a terminal (NO_COLOR honoured), or JSON Lines; hits, article
 * lists, counts and timelines. */
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
    int json;      /* JSON Lines instead of text */
    int scores;    /* text: show each hit's score in its heading */
    unsigned hits; /* hits written so far */
} ng_output_t;

/* Whether MODE means colour for output on file descriptor FD. */
int ng_output_want_color(ng_color_mode_t mode, int fd);
/* Text output to FP, coloured when COLOR; set out->json or out->scores after. */
void ng_output_init(ng_output_t *out, FILE *fp, int color);

/* Write one hit: a heading "ID#N  DATE  SOURCE  TITLE", then the passage,
 * indented, with SPANS highlighted; hits are separated by a blank line.
 * Control characters of the data are written as spaces, so an article cannot
 * send escape sequences to the terminal. Returns 0, or -1 on a write error. */
int ng_output_hit(ng_output_t *out, const ng_record_t *rec, const ng_span_t *spans, size_t nspans);

/* A hit in full: its SCORE, and the NBEFORE passages of its article before it
 * and the NAFTER after it (-C), in article order. As text, these neighbours
 * are lines starting with "- " around the indented passage; as JSON, the
 * "context" array. Returns 0, or -1 on a write error or when out of memory. */
int ng_output_hit_full(ng_output_t *out, const ng_record_t *rec, double score, const ng_span_t *spans, size_t nspans,
                       const ng_record_t *before, size_t nbefore, const ng_record_t *after, size_t nafter);

/* One article id (-l): the id alone on its line, or {"id": ...}. */
int ng_output_article(ng_output_t *out, const char *id, size_t len);

/* The counts (-c): "P passages in A articles", or {"passages":P,"articles":A}. */
int ng_output_counts(ng_output_t *out, unsigned long passages, unsigned long articles);

/* One period of a timeline: the digits of its dates ("2019", "201903",
 * "20190305"; "" for the undated) and its number of matches. */
typedef struct ng_period {
    const char *digits;
    unsigned long count;
} ng_period_t;

/* The timeline of PERIODS (N, ascending, the undated last) by periods of
 * DIGITS digits (4, 6 or 8), counting UNIT ("articles" or "passages"). As
 * text, a bar chart of WIDTH columns at most, one line per period from the
 * first to the last, a run of more than 3 empty periods folded into one
 * line; as JSON, one object per period that has matches. */
int ng_output_timeline(ng_output_t *out, const ng_period_t *periods, size_t n, size_t digits, const char *unit,
                       size_t width);

#ifdef __cplusplus
}
#endif

#endif
