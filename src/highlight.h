/* The highlighter: finds the words of a passage that match the query, by running
 * the passage through the same analyzer that built the index and the query. */
#ifndef NG_HIGHLIGHT_H
#define NG_HIGHLIGHT_H

#include <stddef.h>

#include "analyzer.h"
#include "query.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ng_span {
    size_t start, end; /* byte range in the passage text */
} ng_span_t;

typedef struct ng_highlighter ng_highlighter_t;

/* A highlighter for the unprefixed terms of QUERY. ANALYZER must outlive it;
 * QUERY need not. */
ng_status_t ng_highlighter_new(ng_analyzer_t *analyzer, const ng_qnode_t *query, ng_highlighter_t **out);
void ng_highlighter_destroy(ng_highlighter_t *hl);

/* The matching words of TEXT, in order, as *SPANS (owned by HL, valid until the
 * next call) and *N. */
ng_status_t ng_highlight(ng_highlighter_t *hl, const char *text, size_t len, const ng_span_t **spans, size_t *n);

#ifdef __cplusplus
}
#endif

#endif
