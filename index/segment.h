/* Normalise and segment an article body into passages: drop the site chrome at
 * its end, split it into paragraphs, rejoin hard-wrapped lines (OCR columns),
 * and cut long paragraphs at sentence or line ends to a bounded length. */
#ifndef NG_SEGMENT_H
#define NG_SEGMENT_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest passage, in words, unless the segmenter is told otherwise. */
#define NG_PASSAGE_MAX_WORDS 120

typedef struct ng_segmenter ng_segmenter_t;

/* MAX_WORDS bounds a passage's length (0: NG_PASSAGE_MAX_WORDS). A paragraph
 * longer than that is cut, at a sentence end when one falls in its second half,
 * else at a line end, else at the bound itself. */
ng_status_t ng_segmenter_new(size_t max_words, ng_segmenter_t **out);
void ng_segmenter_destroy(ng_segmenter_t *seg);

/* Segment BODY (LEN bytes); *N receives the number of passages. */
ng_status_t ng_segment(ng_segmenter_t *seg, const char *body, size_t len, size_t *n);
/* Passage I of the last ng_segment() call: single-line text, valid until the
 * next call. */
void ng_segment_get(const ng_segmenter_t *seg, size_t i, const char **text, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
