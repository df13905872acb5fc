/* What the format modules (read-*.c) share with reader.c: the reader itself
 * and the helpers every format uses. Nothing outside index/read*.c includes it. */
#ifndef NG_READER_PRIVATE_H
#define NG_READER_PRIVATE_H

#include <stdarg.h>

#include "buf.h"
#include "input.h"
#include "reader.h"

#define NG_READER_FIELDS 7

/* The article's fields, as every format module indexes r->field[]. */
enum { NG_F_ID, NG_F_DATE, NG_F_TITLE, NG_F_SOURCE, NG_F_URL, NG_F_LANGUAGE, NG_F_BODY };

struct ng_reader {
    ng_input_t *in;
    ng_format_t format;
    char *text_id;
    int done;
    size_t max_record;  /* records (lines, files, SGML records) longer than this are rejected */
    unsigned long line; /* where the last record or failure is */
    char errmsg[512];
    unsigned long warn_line;          /* where the last article's warning is; 0: none */
    const char *warning;              /* a static string */
    ng_buf_t field[NG_READER_FIELDS]; /* storage for the article's strings */
    ng_buf_t repaired;                /* a line made valid UTF-8 */
    ng_buf_t record;                  /* trec: the raw text of the record at hand */
    ng_buf_t scratch;
    void *json; /* the jsonl reader's parsed record */
    /* trec: the unread rest of the current line, and where the record stands */
    const char *rest;
    size_t rest_len;
    int rest_repaired;
    int at_start; /* rest starts with the record's own start tag */
    int in_record;
    int in_garbage; /* the last line outside records was binary data */
    int record_kind;
    unsigned long record_line;
};

/* Set the reader's message (printf style) and return STATUS. */
ng_status_t ng_reader_fail(ng_reader_t *reader, ng_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The next line of the input, made valid UTF-8 (bytes that are not are read as
 * Windows-1252 and the line noted in warn_line when the record has no earlier
 * one) and checked for binary data. As ng_input_getline, plus
 * NG_STATUS_BAD_RECORD "binary data" for a line holding NUL bytes or mostly
 * control characters; the message of any failure is in errmsg. *REPAIRED (may be NULL) tells whether bytes were read as
 * Windows-1252. */
ng_status_t ng_reader_getline(ng_reader_t *reader, const char **line, size_t *len, int *repaired);

/* Does TEXT look like binary data rather than text? */
int ng_reader_is_binary(const char *text, size_t len);

/* Replace, in BUF, control characters other than tab and line breaks by spaces. */
void ng_reader_clean(ng_buf_t *buf);

/* Point ARTICLE at the reader's fields; an article without id gets its url,
 * else a hash of its source, date, title and body, the same in every run.
 * Returns SUCCESS, or BAD_RECORD when the record has neither title nor body,
 * unless ALLOW_EMPTY: an SGML record with an id and no text is an empty
 * article (with a warning), not a bad record. */
ng_status_t ng_reader_finish(ng_reader_t *reader, ng_article_t *article, int allow_empty);

/* The warnings of ng_reader_warning(). */
#define NG_WARN_REPAIRED "invalid UTF-8 read as Windows-1252"
#define NG_WARN_EMPTY "record has no text: nothing to index"

/* The format modules' readers. */
ng_status_t ng_read_text(ng_reader_t *reader, ng_article_t *article);
ng_status_t ng_read_jsonl(ng_reader_t *reader, ng_article_t *article);
void ng_read_jsonl_cleanup(ng_reader_t *reader);
ng_status_t ng_read_trec(ng_reader_t *reader, ng_article_t *article);

#endif
