/* The query parser under libFuzzer: whatever the bytes, ng_query_parse gives
 * a well-formed tree or a one-line error at a column inside the text, and
 * never crashes, leaks or overflows. The first byte picks the flags. The same
 * function replays saved inputs in make check (replay.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "highlight.h"
#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ng_analyzer_t *analyzer;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz-query: %s\n", what);
    abort();
}

static int is_positional(const ng_qnode_t *n)
{
    return (n->op == NG_Q_TERM || n->op == NG_Q_WILDCARD) && !(n->term[0] >= 'A' && n->term[0] <= 'Z');
}

/* The invariants of a parsed tree; returns its number of terms. */
static size_t check(const ng_qnode_t *n, size_t len, unsigned depth)
{
    size_t terms = 0;
    if (depth > 4 * NG_QUERY_MAX_DEPTH + 16)
        fail("tree too deep");
    if (n->start > n->end || n->end > len)
        fail("node span outside the query");
    switch (n->op) {
    case NG_Q_TERM:
        if (!n->term || !*n->term || n->nkids)
            fail("bad term");
        return 1;
    case NG_Q_WILDCARD:
        if (!n->term || !*n->term || n->nkids || n->expanded)
            fail("bad wildcard");
        return 1;
    case NG_Q_BOOLEAN:
    case NG_Q_ID:
        if (!n->term || !*n->term || n->nkids)
            fail("bad field");
        return 1;
    case NG_Q_AND:
    case NG_Q_OR:
    case NG_Q_PHRASE:
        if (n->nkids < 2)
            fail("a list of fewer than two");
        break;
    case NG_Q_AND_NOT:
    case NG_Q_AND_MAYBE:
        if (n->nkids != 2)
            fail("a pair of other than two");
        break;
    case NG_Q_NEAR:
    case NG_Q_ADJ:
        if (n->nkids < 2 || n->window < n->nkids || n->window > NG_QUERY_MAX_WINDOW * 2 + NG_QUERY_MAX_TERMS)
            fail("bad NEAR/ADJ");
        for (size_t i = 0; i < n->nkids; i++) {
            const ng_qnode_t *k = n->kids[i];
            if (is_positional(k))
                continue;
            if (k->op != NG_Q_PHRASE && k->op != NG_Q_OR)
                fail("a NEAR/ADJ operand Xapian cannot take");
            for (size_t j = 0; j < k->nkids; j++)
                if (!is_positional(k->kids[j]))
                    fail("a NEAR/ADJ operand Xapian cannot take");
        }
        break;
    default: fail("a node the parser never makes");
    }
    if (n->op == NG_Q_PHRASE)
        for (size_t i = 0; i < n->nkids; i++)
            if (!is_positional(n->kids[i]))
                fail("a phrase of other than words");
    for (size_t i = 0; i < n->nkids; i++)
        terms += check(n->kids[i], len, depth + 1);
    return terms;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!analyzer && ng_analyzer_new("english", &analyzer) != NG_STATUS_SUCCESS)
        fail("no analyzer");
    if (size == 0)
        return 0;
    unsigned flags = data[0] & (NG_QUERY_ANY | NG_QUERY_STOPWORDS);
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    ng_qnode_t *q = NULL;
    ng_query_error_t err;
    memset(&err, 0x55, sizeof err);
    ng_status_t st = ng_query_parse(analyzer, text, len, flags, &q, &err);
    if (st == NG_STATUS_SUCCESS) {
        if (!q)
            fail("success without a tree");
        if (check(q, len, 0) > NG_QUERY_MAX_TERMS)
            fail("more terms than the limit");
        ng_highlighter_t *hl = NULL;
        if (ng_highlighter_new(analyzer, q, &hl) != NG_STATUS_SUCCESS)
            fail("no highlighter");
        const ng_span_t *spans;
        size_t n;
        if (ng_highlight(hl, text, len, &spans, &n) != NG_STATUS_SUCCESS)
            fail("highlight failed");
        for (size_t i = 0; i < n; i++)
            if (spans[i].start >= spans[i].end || spans[i].end > len || (i && spans[i].start < spans[i - 1].end))
                fail("bad highlight span");
        ng_highlighter_destroy(hl);
        ng_qnode_free(q);
    } else if (st == NG_STATUS_BAD_QUERY) {
        if (q)
            fail("an error with a tree");
        if (err.offset > len || err.column < 1 || err.column > err.offset + 1)
            fail("error column outside the query");
        if (!memchr(err.message, '\0', sizeof err.message) || !err.message[0] || strchr(err.message, '\n'))
            fail("error message not one line");
    } else {
        fail("a status other than success or bad query");
    }
    return 0;
}
