/* The query tree of query.h and its parser. Words and phrases go through the
 * one analyzer, so a query term is spelled exactly as the indexed term. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

ng_qnode_t *ng_qnode_new(ng_qop_t op, size_t start, size_t end)
{
    ng_qnode_t *node = calloc(1, sizeof *node);
    if (node) {
        node->op = op;
        node->start = start;
        node->end = end;
    }
    return node;
}

ng_qnode_t *ng_qnode_new_term(const char *term, size_t len, size_t start, size_t end)
{
    ng_qnode_t *node = ng_qnode_new(NG_Q_TERM, start, end);
    if (!node)
        return NULL;
    node->term = malloc(len + 1);
    if (!node->term) {
        free(node);
        return NULL;
    }
    memcpy(node->term, term, len);
    node->term[len] = '\0';
    return node;
}

int ng_qnode_add(ng_qnode_t *parent, ng_qnode_t *kid)
{
    ng_qnode_t **kids = realloc(parent->kids, (parent->nkids + 1) * sizeof *kids);
    if (!kids) {
        ng_qnode_free(kid);
        return -1;
    }
    kids[parent->nkids++] = kid;
    parent->kids = kids;
    return 0;
}

void ng_qnode_free(ng_qnode_t *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->nkids; i++)
        ng_qnode_free(node->kids[i]);
    free(node->kids);
    free(node->term);
    free(node);
}

void ng_qnode_each_term(const ng_qnode_t *node, void (*fn)(void *ctx, const ng_qnode_t *term), void *ctx)
{
    if (node->op == NG_Q_TERM)
        fn(ctx, node);
    for (size_t i = 0; i < node->nkids; i++)
        ng_qnode_each_term(node->kids[i], fn, ctx);
}

typedef struct parser {
    ng_analyzer_t *analyzer;
    const char *text;
    size_t len;
    ng_query_error_t *err;
    size_t base;       /* offset of the span being analysed within the query */
    ng_qnode_t *group; /* the phrase under construction */
    int oom;
} parser_t;

static ng_status_t parse_error(parser_t *p, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p->err->column = at + 1;
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
    return NG_STATUS_BAD_QUERY;
}

static int add_token(void *ctx, const ng_token_t *tok)
{
    parser_t *p = ctx;
    ng_qnode_t *term = ng_qnode_new_term(tok->term, tok->term_len, p->base + tok->start, p->base + tok->end);
    if (!term || ng_qnode_add(p->group, term) != 0) {
        p->oom = 1;
        return 1;
    }
    return 0;
}

/* Analyse the query span [START, END) into one node: a term, a phrase of its
 * terms, or NULL in *OUT when it holds no word at all. */
static ng_status_t analyse_span(parser_t *p, size_t start, size_t end, ng_qnode_t **out)
{
    *out = NULL;
    p->group = ng_qnode_new(NG_Q_PHRASE, start, end);
    if (!p->group)
        return NG_STATUS_OUT_OF_MEMORY;
    p->base = start;
    int rc = ng_analyzer_run(p->analyzer, p->text + start, end - start, 0, NULL, add_token, p);
    if (rc != 0 || p->oom) {
        ng_qnode_free(p->group);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    ng_qnode_t *node = p->group;
    if (node->nkids == 0) {
        ng_qnode_free(node);
        return NG_STATUS_SUCCESS;
    }
    if (node->nkids == 1) {
        ng_qnode_t *only = node->kids[0];
        node->nkids = 0;
        ng_qnode_free(node);
        node = only;
    }
    *out = node;
    return NG_STATUS_SUCCESS;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

ng_status_t ng_query_parse(ng_analyzer_t *analyzer, const char *text, unsigned flags, ng_qnode_t **out,
                           ng_query_error_t *err)
{
    parser_t p = {analyzer, text, strlen(text), err, 0, NULL, 0};
    *out = NULL;
    err->column = 0;
    err->message[0] = '\0';

    size_t i = 0;
    while (i < p.len && is_space(text[i]))
        i++;
    if (i == p.len)
        return parse_error(&p, 0, "empty query");

    ng_qnode_t *root = ng_qnode_new(flags & NG_QUERY_ANY ? NG_Q_OR : NG_Q_AND, 0, p.len);
    if (!root)
        return NG_STATUS_OUT_OF_MEMORY;
    ng_status_t status = NG_STATUS_SUCCESS;
    while (i < p.len) {
        if (is_space(text[i])) {
            i++;
            continue;
        }
        size_t start = i, end;
        if (text[i] == '"') {
            const char *close = memchr(text + i + 1, '"', p.len - i - 1);
            if (!close) {
                status = parse_error(&p, i, "unbalanced quote: no closing \"");
                break;
            }
            start = i + 1;
            end = (size_t)(close - text);
            i = end + 1;
        } else {
            while (i < p.len && !is_space(text[i]) && text[i] != '"')
                i++;
            end = i;
        }
        ng_qnode_t *node;
        status = analyse_span(&p, start, end, &node);
        if (status != NG_STATUS_SUCCESS)
            break;
        if (node && ng_qnode_add(root, node) != 0) {
            status = NG_STATUS_OUT_OF_MEMORY;
            break;
        }
    }
    if (status == NG_STATUS_SUCCESS && root->nkids == 0)
        status = parse_error(&p, 0, "the query has no word to search for");
    if (status != NG_STATUS_SUCCESS) {
        ng_qnode_free(root);
        return status;
    }
    if (root->nkids == 1) { /* a lone AND/OR adds nothing */
        ng_qnode_t *only = root->kids[0];
        root->nkids = 0;
        ng_qnode_free(root);
        root = only;
    }
    *out = root;
    return NG_STATUS_SUCCESS;
}
