/* What the format modules (read-*.c) share with reader.c: the reader itself.
 * Nothing outside index/read*.c includes this. */
#ifndef NG_READER_PRIVATE_H
#define NG_READER_PRIVATE_H

#include <stdarg.h>

#include "buf.h"
#include "input.h"
#include "reader.h"

#define NG_READER_FIELDS 7

struct ng_reader {
    ng_input_t *in;
    ng_format_t format;
    char *text_id;
    int done;
    unsigned long line; /* where the last record or failure is */
    char errmsg[512];
    ng_buf_t field[NG_READER_FIELDS]; /* storage for the article's strings */
    void *json;                       /* the jsonl reader's parsed record */
};

/* Set the reader's message (printf style) and return STATUS. */
ng_status_t ng_reader_fail(ng_reader_t *reader, ng_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The format modules' readers. */
ng_status_t ng_read_text(ng_reader_t *reader, ng_article_t *article);
ng_status_t ng_read_jsonl(ng_reader_t *reader, ng_article_t *article);
void ng_read_jsonl_cleanup(ng_reader_t *reader);

/* Normalise the ISO 8601 date or datetime in DATE, in place, to YYYY-MM-DD (or
 * YYYY-MM, YYYY). Returns 0, or -1 when it is no such date (DATE is emptied). */
int ng_reader_normalise_date(ng_buf_t *date);

#endif
