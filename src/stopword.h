/* Stopword lists: the very common words of a language that --stopwords leaves
 * out of --any ranking. Words are compared as the analyzer folds them. */
#ifndef NG_STOPWORD_H
#define NG_STOPWORD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ng_stoplist ng_stoplist_t;

/* The list of LANGUAGE (a Snowball name or code, as given to the analyzer),
 * or NULL when newsgrep has none for it. The list is static. */
const ng_stoplist_t *ng_stoplist_for(const char *language);
/* The language names that have a list, as one static string ("english"). */
const char *ng_stoplist_languages(void);
/* Whether WORD (LEN bytes, folded: lower case, NFC) is on LIST. */
int ng_stoplist_has(const ng_stoplist_t *list, const char *word, size_t len);

#ifdef __cplusplus
}
#endif

#endif
