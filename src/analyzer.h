/* The one analyzer: UTF-8 tokenizer, case folding (NFC + Unicode case fold) and
 * Snowball stemming. Indexer, query parser and highlighter all call it, so an
 * indexed term, a query term and a highlighted word can never disagree. */
#ifndef NG_ANALYZER_H
#define NG_ANALYZER_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Terms longer than this (in bytes, after folding) are not emitted; their
 * position is still counted. Xapian's own limit is 245 bytes. */
#define NG_MAX_TERM 100

typedef struct ng_analyzer ng_analyzer_t;

/* One token, as handed to the callback. The strings belong to the analyzer
 * and stay valid only during the callback. */
typedef struct ng_token {
    const char *term; /* folded and stemmed; NUL-terminated */
    size_t term_len;
    const char *word; /* folded, not stemmed; NUL-terminated */
    size_t word_len;
    size_t start; /* byte range of the word in the analysed text */
    size_t end;
    unsigned pos; /* word position, counted from the FIRST_POS given to run() */
} ng_token_t;

/* Return 0 to go on, anything else to stop the run (run() then returns it). */
typedef int (*ng_token_fn)(void *ctx, const ng_token_t *token);

/* LANGUAGE is a Snowball name or code ("english", "en", "french", ...), or
 * "none" for folding without stemming; NULL means "english".
 * NG_STATUS_UNSUPPORTED for a language libstemmer does not know. */
ng_status_t ng_analyzer_new(const char *language, ng_analyzer_t **out);
void ng_analyzer_destroy(ng_analyzer_t *analyzer);
/* The language as given to ng_analyzer_new (owned by the analyzer). */
const char *ng_analyzer_language(const ng_analyzer_t *analyzer);

/* Tokenize TEXT (LEN bytes; invalid UTF-8 bytes are read as Windows-1252, never
 * dropped with the text after them) and call FN for each token in order.
 * Returns 0, FN's nonzero value if it stopped the run, or -1 when out of memory.
 * *NEXT_POS (may be NULL) receives the position after the last word. */
int ng_analyzer_run(ng_analyzer_t *analyzer, const char *text, size_t len, unsigned first_pos, unsigned *next_pos,
                    ng_token_fn fn, void *ctx);

/* The languages libstemmer offers, as a NULL-terminated static list. */
const char **ng_analyzer_languages(void);

#ifdef __cplusplus
}
#endif

#endif
