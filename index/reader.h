/* Dump readers: open a dump file, find its format, and yield its articles one
 * by one; a bad record is reported and skipped, never the records around it. */
#ifndef NG_READER_H
#define NG_READER_H

#include <stddef.h>

#include "article.h"
#include "buf.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ng_format {
    NG_FORMAT_AUTO = 0, /* decide from the content (and, for text, the name) */
    NG_FORMAT_TEXT,     /* one article per file: title line, then paragraphs */
    NG_FORMAT_JSONL,    /* one JSON object per line */
    NG_FORMAT_TREC,     /* TREC SGML <DOC> records, or Reuters-21578 <REUTERS> */
    NG_FORMAT_NONE,     /* detected: the file is no dump */
} ng_format_t;

/* Records longer than this many bytes are rejected unless the reader is told
 * otherwise: each is read whole into memory. */
#define NG_READER_MAX_RECORD (16u << 20)

typedef struct ng_reader ng_reader_t;

/* Open PATH ("-" for stdin), named NAME in messages. TEXT_ID is the article id
 * a text-format file gets (its path relative to the corpus root). With
 * NG_FORMAT_AUTO the format is found from the content: '{' first means JSON
 * Lines, '<' TREC SGML, and else a name ending in .txt (or .txt.gz) means
 * text; anything else is NG_FORMAT_NONE and yields no article. On failure
 * *ERRMSG gets a malloc'ed message. */
ng_status_t ng_reader_open(const char *path, const char *name, const char *text_id, ng_format_t format,
                           ng_reader_t **out, char **errmsg);
void ng_reader_close(ng_reader_t *reader);
ng_format_t ng_reader_format(const ng_reader_t *reader);
/* Reject records longer than BYTES (at least 1024) from now on. */
void ng_reader_set_max_record(ng_reader_t *reader, size_t bytes);

/* The next article, valid until the next call. NG_STATUS_END at the end of the
 * file; NG_STATUS_BAD_RECORD when a record was rejected (call again for the
 * next one); NG_STATUS_IO_ERROR when the rest of the file cannot be read.
 * After a failure, ng_reader_errmsg() says why and ng_reader_line() where.
 * An article read with a doubt has a warning: see ng_reader_warning(). */
ng_status_t ng_reader_next(ng_reader_t *reader, ng_article_t *article);
const char *ng_reader_errmsg(const ng_reader_t *reader);
unsigned long ng_reader_line(const ng_reader_t *reader);
/* The warning about the article just read, NULL when there is none; *LINE gets
 * where it applies. Bytes that are not UTF-8 are read as Windows-1252 (the
 * line of the first one is given), and an SGML record with an id but no text
 * is an empty article: both are kept and warned about. */
const char *ng_reader_warning(const ng_reader_t *reader, unsigned long *line);
/* How many bytes of the file (compressed, for gzip) have been read so far. */
unsigned long long ng_reader_offset(const ng_reader_t *reader);

/* Normalise the date in DATE, in place, to YYYY-MM-DD (or YYYY-MM, YYYY): an
 * ISO 8601 date or date-time, or one of the unambiguous shapes of news dumps
 * ("26-FEB-1987 15:01:01.79", "January 5, 1963", "Tue, 5 Jan 1963"). Returns 0,
 * or -1 when it is no such date (DATE is emptied). */
int ng_reader_normalise_date(ng_buf_t *date);

/* "text", "jsonl", ... for messages; ng_format_parse gives NG_FORMAT_NONE for
 * a name it does not know. */
const char *ng_format_name(ng_format_t format);
ng_format_t ng_format_parse(const char *name);

#ifdef __cplusplus
}
#endif

#endif
