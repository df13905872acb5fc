/* Dump readers: open a dump file, find its format, and yield its articles one
 * by one; a bad record is reported and skipped, never the records around it. */
#ifndef NG_READER_H
#define NG_READER_H

#include "article.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ng_format {
    NG_FORMAT_AUTO = 0, /* decide from the content (and, for text, the name) */
    NG_FORMAT_TEXT,     /* one article per file: title line, then paragraphs */
    NG_FORMAT_JSONL,    /* one JSON object per line */
    NG_FORMAT_NONE,     /* detected: the file is no dump */
} ng_format_t;

typedef struct ng_reader ng_reader_t;

/* Open PATH ("-" for stdin), named NAME in messages. TEXT_ID is the article id
 * a text-format file gets (its path relative to the corpus root). With
 * NG_FORMAT_AUTO the format is found from the content: '{' first means JSON
 * Lines, a name ending in .txt (or .txt.gz) means text; anything else is
 * NG_FORMAT_NONE and yields no article. On failure *ERRMSG gets a malloc'ed
 * message. */
ng_status_t ng_reader_open(const char *path, const char *name, const char *text_id, ng_format_t format,
                           ng_reader_t **out, char **errmsg);
void ng_reader_close(ng_reader_t *reader);
ng_format_t ng_reader_format(const ng_reader_t *reader);

/* The next article, valid until the next call. NG_STATUS_END at the end of the
 * file; NG_STATUS_BAD_RECORD when a record was rejected (call again for the
 * next one); NG_STATUS_IO_ERROR when the rest of the file cannot be read.
 * After a failure, ng_reader_errmsg() says why and ng_reader_line() where. */
ng_status_t ng_reader_next(ng_reader_t *reader, ng_article_t *article);
const char *ng_reader_errmsg(const ng_reader_t *reader);
unsigned long ng_reader_line(const ng_reader_t *reader);

/* "text", "jsonl", ... for messages; ng_format_parse gives NG_FORMAT_NONE for
 * a name it does not know. */
const char *ng_format_name(ng_format_t format);
ng_format_t ng_format_parse(const char *name);

#ifdef __cplusplus
}
#endif

#endif
