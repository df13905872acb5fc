/* The highlighter of highlight.h. A query has a handful of terms, so a linear
 * scan of them per token beats any set structure. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"

struct ng_highlighter {
    ng_analyzer_t *analyzer;
    char **terms;
    size_t nterms;
    ng_span_t *spans;
    size_t nspans, cap;
    int oom;
};

static void collect_term(void *ctx, const ng_qnode_t *node)
{
    ng_highlighter_t *hl = ctx;
    /* Prefixed terms (S..., XSRC...) start with a capital; words never do. */
    if (hl->oom || isupper((unsigned char)node->term[0]))
        return;
    for (size_t i = 0; i < hl->nterms; i++)
        if (strcmp(hl->terms[i], node->term) == 0)
            return;
    char **terms = realloc(hl->terms, (hl->nterms + 1) * sizeof *terms);
    char *copy = strdup(node->term);
    if (!terms || !copy) {
        if (terms)
            hl->terms = terms;
        free(copy);
        hl->oom = 1;
        return;
    }
    hl->terms = terms;
    hl->terms[hl->nterms++] = copy;
}

ng_status_t ng_highlighter_new(ng_analyzer_t *analyzer, const ng_qnode_t *query, ng_highlighter_t **out)
{
    ng_highlighter_t *hl = calloc(1, sizeof *hl);
    *out = NULL;
    if (!hl)
        return NG_STATUS_OUT_OF_MEMORY;
    hl->analyzer = analyzer;
    ng_qnode_each_match_term(query, collect_term, hl);
    if (hl->oom) {
        ng_highlighter_destroy(hl);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    *out = hl;
    return NG_STATUS_SUCCESS;
}

void ng_highlighter_destroy(ng_highlighter_t *hl)
{
    if (!hl)
        return;
    for (size_t i = 0; i < hl->nterms; i++)
        free(hl->terms[i]);
    free(hl->terms);
    free(hl->spans);
    free(hl);
}

static int mark_token(void *ctx, const ng_token_t *tok)
{
    ng_highlighter_t *hl = ctx;
    for (size_t i = 0; i < hl->nterms; i++) {
        if (strcmp(hl->terms[i], tok->term) != 0)
            continue;
        if (hl->nspans == hl->cap) {
            size_t cap = hl->cap ? hl->cap * 2 : 16;
            ng_span_t *spans = realloc(hl->spans, cap * sizeof *spans);
            if (!spans)
                return 1;
            hl->spans = spans;
            hl->cap = cap;
        }
        hl->spans[hl->nspans].start = tok->start;
        hl->spans[hl->nspans].end = tok->end;
        hl->nspans++;
        break;
    }
    return 0;
}

ng_status_t ng_highlight(ng_highlighter_t *hl, const char *text, size_t len, const ng_span_t **spans, size_t *n)
{
    hl->nspans = 0;
    int rc = ng_analyzer_run(hl->analyzer, text, len, 0, NULL, mark_token, hl);
    *spans = hl->spans;
    *n = hl->nspans;
    return rc == 0 ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
}
