/* The article: what every dump reader yields and the ingest driver consumes,
 * whatever the format it came from. */
#ifndef NG_ARTICLE_H
#define NG_ARTICLE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* All strings are NUL-terminated and "" when unknown; they belong to whoever
 * produced the article (a reader keeps them valid until its next call). */
typedef struct ng_article {
    const char *id;   /* unique within the index; never "" */
    const char *date; /* YYYY-MM-DD, YYYY-MM or YYYY */
    const char *title;
    const char *source;
    const char *url;
    const char *language; /* ISO 639-1 code as given by the dump */
    const char *body;     /* paragraphs separated by line breaks */
    size_t body_len;
    unsigned long line; /* line of the dump where the record starts */
} ng_article_t;

#ifdef __cplusplus
}
#endif

#endif
