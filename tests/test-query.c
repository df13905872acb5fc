/* The query parser (src/query.h): which tree a query text becomes, and where
 * a bad query is reported. Terms come from the one analyzer, so "coalition"
 * in a query is spelled exactly as the indexed "coalit". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "buf.h"
#include "query.h"
#include "tap.h"

static ng_analyzer_t *an;

static ng_qnode_t *parse(const char *text, unsigned flags)
{
    ng_qnode_t *q = NULL;
    ng_query_error_t err;
    ng_status_t st = ng_query_parse(an, text, strlen(text), flags, &q, &err);
    if (st != NG_STATUS_SUCCESS) {
        printf("# parsing '%s': %s at column %zu: %s\n", text, ng_status_to_string(st), err.column, err.message);
        return NULL;
    }
    return q;
}

/* The tree in a compact form: "AND(coalit,withdraw)", "PHRASE(al,sudani)". */
static void show(const ng_qnode_t *n, ng_buf_t *out)
{
    static const char *const ops[] = {"TERM", "AND", "OR", "PHRASE"};
    if (n->op == NG_Q_TERM) {
        ng_buf_append_str(out, n->term ? n->term : "(null)");
        if (n->nkids)
            ng_buf_append_str(out, "(TERM WITH KIDS)");
        return;
    }
    ng_buf_append_str(out, (unsigned)n->op < 4 ? ops[n->op] : "?");
    ng_buf_append_byte(out, '(');
    for (size_t i = 0; i < n->nkids; i++) {
        if (i)
            ng_buf_append_byte(out, ',');
        show(n->kids[i], out);
    }
    ng_buf_append_byte(out, ')');
}

/* TEXT with control characters escaped, for a one-line TAP message. */
static const char *printable(const char *text, ng_buf_t *out)
{
    ng_buf_clear(out);
    for (const char *p = text; *p; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r')
            ng_buf_append_str(out, *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : "\\r");
        else
            ng_buf_append_byte(out, *p);
    }
    return ng_buf_str(out);
}

/* Parse TEXT and compare the tree's form with WANT. */
static void tree_is(const char *text, unsigned flags, const char *want, const char *what)
{
    ng_qnode_t *q = parse(text, flags);
    ng_buf_t b = NG_BUF_INIT, name = NG_BUF_INIT;
    if (q)
        show(q, &b);
    else
        ng_buf_append_str(&b, "(parse failed)");
    is_str(b.data, want, "%s: %s", printable(text, &name), what);
    ng_buf_free(&b);
    ng_buf_free(&name);
    ng_qnode_free(q);
}

static void test_trees(void)
{
    tree_is("coalition withdrawal", 0, "AND(coalit,withdraw)", "words are all required, stemmed");
    tree_is("coalition withdrawal", NG_QUERY_ANY, "OR(coalit,withdraw)", "with NG_QUERY_ANY they are alternatives");
    tree_is("Iraq", 0, "iraq", "a single word is a lone term");
    tree_is("Iraq", NG_QUERY_ANY, "iraq", "a single word is a lone term under NG_QUERY_ANY too");
    tree_is("\"security partnership\"", 0, "PHRASE(secur,partnership)", "a quoted phrase, in order");
    tree_is("\"partnership security\"", 0, "PHRASE(partnership,secur)", "the phrase keeps its order");
    tree_is("al-Sudani", 0, "PHRASE(al,sudani)", "a word the analyzer splits is a phrase");
    tree_is("U.S.-led coalition", 0, "AND(PHRASE(us,led),coalit)", "a split word beside a word");
    tree_is("\"Iraq\"", 0, "iraq", "a quoted single word is a lone term");
    tree_is("  troops \t\n withdrawal  ", 0, "AND(troop,withdraw)", "blanks of any kind separate words");
    tree_is("Iraq \"security partnership\" withdrawal", NG_QUERY_ANY, "OR(iraq,PHRASE(secur,partnership),withdraw)",
            "words and a phrase together");
    tree_is("troops, (withdrawal)!", 0, "AND(troop,withdraw)", "punctuation around words is dropped");
    tree_is("troops !!! withdrawal", 0, "AND(troop,withdraw)", "a punctuation-only word is dropped");
}

static void error_is(const char *text, size_t column, const char *what)
{
    static char sentinel;
    ng_qnode_t *q = (ng_qnode_t *)&sentinel; /* must be reset to NULL */
    ng_query_error_t err;
    memset(&err, 'x', sizeof err);
    ng_status_t st = ng_query_parse(an, text, strlen(text), 0, &q, &err);
    is_num(st, NG_STATUS_BAD_QUERY, "'%s': %s: a bad query", text, what);
    is_num(err.column, column, "'%s': reported at column %zu", text, column);
    ok(st == NG_STATUS_BAD_QUERY && memchr(err.message, '\0', sizeof err.message) && err.message[0] != '\0',
       "'%s': with a message (%s)", text, st == NG_STATUS_BAD_QUERY ? err.message : "");
    ok(q == NULL, "'%s': and no tree", text);
    if (st == NG_STATUS_SUCCESS)
        ng_qnode_free(q);
}

static void test_errors(void)
{
    error_is("", 1, "the empty query");
    error_is("  \t ", 1, "a blank query");
    error_is("iraq \"security partnership", 6, "an unbalanced quote is reported at the quote");
    error_is("\"", 1, "a lone quote");
    error_is("!!! ???", 1, "a query of punctuation only");
    error_is("\"...\"", 1, "a phrase of punctuation only");
}

typedef struct visit {
    const char *text;
    ng_buf_t terms;
    size_t mismatched; /* terms whose span does not analyse back to them */
    size_t visits;
} visit_t;

static void check_term(void *ctx, const ng_qnode_t *term)
{
    visit_t *v = ctx;
    v->visits++;
    if (v->terms.len)
        ng_buf_append_byte(&v->terms, ' ');
    ng_buf_append_str(&v->terms, term->term);
    /* the span holds the word the term came from: analysed alone it gives the term */
    ng_qnode_t *q = NULL;
    ng_query_error_t err;
    char word[256];
    size_t len = term->end - term->start;
    if (term->end <= term->start || term->end > strlen(v->text) || len >= sizeof word) {
        v->mismatched++;
        return;
    }
    memcpy(word, v->text + term->start, len);
    word[len] = '\0';
    if (ng_query_parse(an, word, strlen(word), 0, &q, &err) != NG_STATUS_SUCCESS || q->op != NG_Q_TERM ||
        strcmp(q->term, term->term) != 0)
        v->mismatched++;
    ng_qnode_free(q);
}

static void test_offsets_and_order(void)
{
    const char *text = "coalition withdrawal";
    ng_qnode_t *q = parse(text, 0);
    ok(q && q->nkids == 2, "'%s' has two kids", text);
    if (q && q->nkids == 2) {
        is_num(q->kids[0]->start, 0, "coalition starts at 0");
        is_num(q->kids[0]->end, 9, "coalition ends at 9");
        is_num(q->kids[1]->start, 10, "withdrawal starts at 10");
        is_num(q->kids[1]->end, 20, "withdrawal ends at 20");
        is_num(q->end, strlen(text), "the root spans the query");
    }
    ng_qnode_free(q);

    text = "iraq \"security partnership\"";
    q = parse(text, 0);
    ok(q && q->nkids == 2 && q->kids[1]->op == NG_Q_PHRASE, "'%s' is a word and a phrase", text);
    if (q && q->nkids == 2 && q->kids[1]->nkids == 2) {
        const ng_qnode_t *phrase = q->kids[1];
        is_num(phrase->start, 6, "the phrase starts after its opening quote");
        is_num(phrase->end, 26, "and ends at its closing quote");
        is_num(phrase->kids[0]->start, 6, "security starts at 6");
        is_num(phrase->kids[1]->start, 15, "partnership starts at 15");
        is_num(phrase->kids[1]->end, 26, "partnership ends at 26");
    }
    ng_qnode_free(q);

    visit_t v = {"first \"second, third\" al-Sudani U.S. fourth", NG_BUF_INIT, 0, 0};
    q = parse(v.text, 0);
    if (q)
        ng_qnode_each_term(q, check_term, &v);
    is_str(ng_buf_str(&v.terms), "first second third al sudani us fourth", "ng_qnode_each_term visits terms in order");
    is_num(v.visits, 7, "each term once");
    is_num(v.mismatched, 0, "every term's span is the word it came from");
    ng_qnode_free(q);
    ng_buf_free(&v.terms);
}

static void count_term(void *ctx, const ng_qnode_t *term)
{
    (void)term;
    ++*(size_t *)ctx;
}

static void test_building(void)
{
    /* trees built by hand, as the store's tests do */
    ng_qnode_t *root = ng_qnode_new(NG_Q_OR, 0, 0);
    ng_qnode_t *t = ng_qnode_new_term("withdrawal", 8, 3, 11);
    ok(root && root->op == NG_Q_OR && root->nkids == 0 && root->term == NULL, "ng_qnode_new: an empty node");
    is_str(t ? t->term : NULL, "withdraw", "ng_qnode_new_term copies LEN bytes and ends them");
    ok(t && t->op == NG_Q_TERM && t->start == 3 && t->end == 11, "and keeps the op and the span");
    is_num(ng_qnode_add(root, t), 0, "ng_qnode_add gives a kid");
    is_num(ng_qnode_add(root, ng_qnode_new_term("iraq", 4, 0, 4)), 0, "and another");
    size_t n = 0;
    ng_qnode_each_term(root, count_term, &n);
    is_num(n, 2, "the parent holds both");
    ng_qnode_free(root); /* frees the kids too: valgrind says if not */
    ng_qnode_free(NULL);
}

int main(void)
{
    if (ng_analyzer_new("english", &an) != NG_STATUS_SUCCESS) {
        printf("Bail out! no english analyzer\n");
        return 1;
    }
    test_trees();
    test_errors();
    test_offsets_and_order();
    test_building();
    ng_analyzer_destroy(an);
    return tap_done();
}
