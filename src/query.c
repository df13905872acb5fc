/* The query tree of query.h and its parser: a small lexer and a recursive
 * descent over it. Words and phrases go through the one analyzer, so a query
 * term is spelled exactly as the indexed term. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "layout.h"
#include "query.h"
#include "stopword.h"
#include "utf8.h"

/* --- the tree ------------------------------------------------------------ */

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

static char *copy_string(const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

ng_qnode_t *ng_qnode_new_term(const char *term, size_t len, size_t start, size_t end)
{
    ng_qnode_t *node = ng_qnode_new(NG_Q_TERM, start, end);
    if (!node)
        return NULL;
    node->term = copy_string(term, len);
    if (!node->term) {
        free(node);
        return NULL;
    }
    return node;
}

ng_qnode_t *ng_qnode_new_strings(ng_qop_t op, const char *term, const char *term2, size_t start, size_t end)
{
    ng_qnode_t *node = ng_qnode_new(op, start, end);
    if (!node)
        return NULL;
    if ((term && !(node->term = copy_string(term, strlen(term)))) ||
        (term2 && !(node->term2 = copy_string(term2, strlen(term2))))) {
        ng_qnode_free(node);
        return NULL;
    }
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

ng_qnode_t *ng_qnode_pair(ng_qop_t op, ng_qnode_t *a, ng_qnode_t *b)
{
    ng_qnode_t *node = ng_qnode_new(op, a->start < b->start ? a->start : b->start, a->end > b->end ? a->end : b->end);
    if (!node) {
        ng_qnode_free(a);
        ng_qnode_free(b);
        return NULL;
    }
    if (ng_qnode_add(node, a) != 0) {
        ng_qnode_free(b);
        ng_qnode_free(node);
        return NULL;
    }
    if (ng_qnode_add(node, b) != 0) {
        ng_qnode_free(node);
        return NULL;
    }
    return node;
}

void ng_qnode_free(ng_qnode_t *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->nkids; i++)
        ng_qnode_free(node->kids[i]);
    free(node->kids);
    free(node->term);
    free(node->term2);
    free(node);
}

void ng_qnode_each_term(const ng_qnode_t *node, void (*fn)(void *ctx, const ng_qnode_t *term), void *ctx)
{
    if (node->op == NG_Q_TERM)
        fn(ctx, node);
    for (size_t i = 0; i < node->nkids; i++)
        ng_qnode_each_term(node->kids[i], fn, ctx);
}

void ng_qnode_each_match_term(const ng_qnode_t *node, void (*fn)(void *ctx, const ng_qnode_t *term), void *ctx)
{
    if (node->op == NG_Q_TERM)
        fn(ctx, node);
    size_t n = node->nkids;
    if ((node->op == NG_Q_AND_NOT || node->op == NG_Q_FILTER) && n > 1)
        n = 1;
    for (size_t i = 0; i < n; i++)
        ng_qnode_each_match_term(node->kids[i], fn, ctx);
}

/* --- dates --------------------------------------------------------------- */

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int ng_query_date_bound(const char *date, int upper, char out[9])
{
    static const int month_days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t len = strlen(date);
    if (!(len == 4 || (len == 7 && date[4] == '-') || (len == 10 && date[4] == '-' && date[7] == '-')))
        return -1;
    if (!digits(date, 4) || (len >= 7 && !digits(date + 5, 2)) || (len == 10 && !digits(date + 8, 2)))
        return -1;
    int year = atoi(date);
    memcpy(out, date, 4);
    size_t n = 4;
    if (len >= 7) {
        int month = (date[5] - '0') * 10 + (date[6] - '0');
        if (month < 1 || month > 12)
            return -1;
        memcpy(out + n, date + 5, 2);
        n += 2;
        if (len == 10) {
            int day = (date[8] - '0') * 10 + (date[9] - '0');
            int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            if (day < 1 || day > month_days[month - 1] || (month == 2 && day == 29 && !leap))
                return -1;
            memcpy(out + n, date + 8, 2);
            n += 2;
        }
    }
    if (upper) {
        /* the end of the period: YYYY -> YYYY9999, YYYYMM -> YYYYMM99 */
        while (n < 8)
            out[n++] = '9';
    } else {
        /* Values of partial dates (YYYY, YYYYMM) sort before the full dates
         * they start, as their first day should: so the first day of a month
         * or year is written the way a partial date is. */
        if (n == 8 && out[6] == '0' && out[7] == '1')
            n = 6;
        if (n == 6 && out[4] == '0' && out[5] == '1')
            n = 4;
    }
    out[n] = '\0';
    return 0;
}

/* --- the lexer ----------------------------------------------------------- */

typedef enum tok_kind {
    TK_END,
    TK_LPAREN,
    TK_RPAREN,
    TK_AND,
    TK_OR,
    TK_NOT,
    TK_NEAR,
    TK_ADJ,
    TK_PLUS,
    TK_MINUS,
    TK_WORD,   /* [vstart, vend) is the word, as typed */
    TK_PHRASE, /* [vstart, vend) is the text inside the quotes */
    TK_FIELD,  /* field: [vstart, vend) is the value, inside its quotes when quoted */
} tok_kind_t;

typedef enum field { F_TITLE, F_SOURCE, F_ID } field_t;

typedef struct token {
    tok_kind_t kind;
    size_t start, end;
    size_t vstart, vend;
    field_t field;
    int quoted;
    unsigned n; /* NEAR/n, ADJ/n */
} token_t;

static const char *const kind_names[] = {
    "the end", "(", ")", "AND", "OR", "NOT", "NEAR", "ADJ", "+", "-", "a word", "a phrase", "a field",
};

typedef struct parser {
    ng_analyzer_t *analyzer;
    const ng_stoplist_t *stop;
    const char *text;
    size_t len;
    unsigned flags;
    ng_query_error_t *err;
    size_t at; /* where the lexer goes on */
    token_t tok;
    unsigned depth;
    size_t nterms;
    ng_buf_t scratch;
    /* analyse_span's state */
    ng_qnode_t *group;
    size_t base, span_end;
    const char *prefix;
    int stop_word; /* the last word analysed is a stopword */
    ng_status_t status;
} parser_t;

static ng_status_t parse_error(parser_t *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static ng_status_t parse_error(parser_t *p, size_t at, const char *fmt, ...)
{
    va_list ap;
    size_t column = 1;
    for (size_t i = 0; i < at && i < p->len; i++)
        column += ((unsigned char)p->text[i] & 0xC0) != 0x80;
    p->err->offset = at;
    p->err->column = column;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
    return NG_STATUS_BAD_QUERY;
}

/* The length of the valid UTF-8 sequence at S (N bytes left), 0 if invalid. */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    int32_t cp;
    return ng_utf8_sequence(s, n, &cp);
}

static ng_status_t check_text(parser_t *p)
{
    const unsigned char *s = (const unsigned char *)p->text;
    for (size_t i = 0; i < p->len;) {
        if (s[i] == 0)
            return parse_error(p, i, "a NUL byte in the query");
        size_t n = utf8_length(s + i, p->len - i);
        if (n == 0)
            return parse_error(p, i, "invalid UTF-8 (byte 0x%02X): give the query in UTF-8", s[i]);
        i += n;
    }
    return NG_STATUS_SUCCESS;
}

/* The length of the blank at AT (ASCII or Unicode white space), 0 if none. */
static size_t blank_at(const parser_t *p, size_t at)
{
    unsigned char c = (unsigned char)p->text[at];
    if (c < 0x80)
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)p->text + at, (utf8proc_ssize_t)(p->len - at), &cp);
    if (n <= 0)
        return 0;
    if (cp == 0x85 || cp == 0x2028 || cp == 0x2029 || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS)
        return (size_t)n;
    return 0;
}

/* Where the chunk (word, operator or field) starting at AT ends. */
static size_t chunk_end(const parser_t *p, size_t at)
{
    while (at < p->len && !blank_at(p, at) && p->text[at] != '(' && p->text[at] != ')' && p->text[at] != '"')
        at++;
    return at;
}

static int chunk_is(const parser_t *p, size_t start, size_t end, const char *word)
{
    size_t n = strlen(word);
    return end - start == n && memcmp(p->text + start, word, n) == 0;
}

/* NEAR, NEAR/n, ADJ, ADJ/n: 1 and *N set, 0 when not such an operator, or an
 * error status in *ST for a malformed count. */
static int proximity_operator(parser_t *p, size_t start, size_t end, tok_kind_t *kind, unsigned *n, ng_status_t *st)
{
    const char *name;
    size_t name_len;
    *st = NG_STATUS_SUCCESS;
    if (end - start >= 4 && memcmp(p->text + start, "NEAR", 4) == 0)
        *kind = TK_NEAR, name = "NEAR", name_len = 4;
    else if (end - start >= 3 && memcmp(p->text + start, "ADJ", 3) == 0)
        *kind = TK_ADJ, name = "ADJ", name_len = 3;
    else
        return 0;
    size_t i = start + name_len;
    if (i == end) {
        *n = NG_QUERY_DEFAULT_WINDOW;
        return 1;
    }
    if (p->text[i] != '/')
        return 0; /* NEARBY, ADJUST: words */
    unsigned long v = 0;
    size_t d = i + 1;
    while (d < end && p->text[d] >= '0' && p->text[d] <= '9' && v <= NG_QUERY_MAX_WINDOW)
        v = v * 10 + (unsigned long)(p->text[d++] - '0');
    if (d == i + 1 || d != end || v < 1 || v > NG_QUERY_MAX_WINDOW) {
        *st = parse_error(p, start, "%s/ takes a number of words from 1 to %d, as in %s/5", name, NG_QUERY_MAX_WINDOW,
                          name);
        return 1;
    }
    *n = (unsigned)v;
    return 1;
}

/* Read the next token into p->tok. */
static ng_status_t advance(parser_t *p)
{
    token_t *t = &p->tok;
    size_t prev = p->at; /* a modifier needs a blank, '(' or the start before it */
    while (p->at < p->len) {
        size_t n = blank_at(p, p->at);
        if (!n)
            break;
        p->at += n;
    }
    memset(t, 0, sizeof *t);
    size_t i = p->at;
    t->start = i;
    if (i == p->len) {
        t->kind = TK_END;
        t->end = i;
        return NG_STATUS_SUCCESS;
    }
    char c = p->text[i];
    if (c == '(' || c == ')') {
        t->kind = c == '(' ? TK_LPAREN : TK_RPAREN;
        t->end = p->at = i + 1;
        return NG_STATUS_SUCCESS;
    }
    if (c == '"') {
        const char *close = memchr(p->text + i + 1, '"', p->len - i - 1);
        if (!close)
            return parse_error(p, i, "unbalanced quote: no closing \"");
        t->kind = TK_PHRASE;
        t->vstart = i + 1;
        t->vend = (size_t)(close - p->text);
        t->end = p->at = t->vend + 1;
        return NG_STATUS_SUCCESS;
    }
    int after_gap = i == 0 || i > prev || p->text[i - 1] == '(';
    if ((c == '+' || c == '-') && after_gap && i + 1 < p->len && !blank_at(p, i + 1) && p->text[i + 1] != ')' &&
        p->text[i + 1] != '+' && p->text[i + 1] != '-') {
        t->kind = c == '+' ? TK_PLUS : TK_MINUS;
        t->end = p->at = i + 1;
        return NG_STATUS_SUCCESS;
    }
    size_t end = chunk_end(p, i);
    static const struct {
        const char *name;
        field_t field;
    } fields[] = {{"title:", F_TITLE}, {"source:", F_SOURCE}, {"id:", F_ID}};
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        size_t n = strlen(fields[f].name);
        if (p->len - i < n || memcmp(p->text + i, fields[f].name, n) != 0)
            continue;
        t->kind = TK_FIELD;
        t->field = fields[f].field;
        size_t v = i + n;
        if (v < p->len && p->text[v] == '"') {
            const char *close = memchr(p->text + v + 1, '"', p->len - v - 1);
            if (!close)
                return parse_error(p, v, "unbalanced quote: no closing \"");
            t->quoted = 1;
            t->vstart = v + 1;
            t->vend = (size_t)(close - p->text);
            t->end = p->at = t->vend + 1;
        } else {
            t->vstart = v;
            t->vend = t->end = p->at = chunk_end(p, v);
        }
        if (t->vend == t->vstart)
            return parse_error(p, i, "%s needs a value after it, as in %sword or %s\"two words\"", fields[f].name,
                               fields[f].name, fields[f].name);
        return NG_STATUS_SUCCESS;
    }
    t->end = p->at = end;
    t->vstart = i;
    t->vend = end;
    ng_status_t st;
    if (chunk_is(p, i, end, "AND"))
        t->kind = TK_AND;
    else if (chunk_is(p, i, end, "OR"))
        t->kind = TK_OR;
    else if (chunk_is(p, i, end, "NOT"))
        t->kind = TK_NOT;
    else if (proximity_operator(p, i, end, &t->kind, &t->n, &st))
        return st;
    else
        t->kind = TK_WORD;
    return NG_STATUS_SUCCESS;
}

/* --- words through the analyzer ------------------------------------------ */

static int add_token(void *ctx, const ng_token_t *tok)
{
    parser_t *p = ctx;
    size_t start = p->base + tok->start, end = p->base + tok->end;
    if (++p->nterms > NG_QUERY_MAX_TERMS) {
        p->status = parse_error(p, start, "too many words: a query may have at most %d", NG_QUERY_MAX_TERMS);
        return 1;
    }
    int wildcard = end < p->span_end && p->text[end] == '*';
    ng_buf_t *b = &p->scratch;
    ng_qnode_t *node;
    ng_buf_clear(b);
    if (wildcard) {
        /* The index holds stems: "withdrawal*" must also find the stem
         * "withdraw" that "withdrawal" itself has. */
        size_t cut;
        if (ng_buf_append_str(b, p->prefix) != 0 || ng_buf_append(b, tok->word, tok->word_len) != 0 ||
            ng_buf_append_byte(b, '\0') != 0)
            goto oom;
        cut = b->len;
        if (ng_buf_append_str(b, p->prefix) != 0 || ng_buf_append(b, tok->term, tok->term_len) != 0)
            goto oom;
        int same = tok->term_len == tok->word_len && memcmp(tok->term, tok->word, tok->word_len) == 0;
        node = ng_qnode_new_strings(NG_Q_WILDCARD, b->data, same ? NULL : b->data + cut, start, end + 1);
    } else {
        if (ng_buf_append_str(b, p->prefix) != 0 || ng_buf_append(b, tok->term, tok->term_len) != 0)
            goto oom;
        node = ng_qnode_new_term(b->data, b->len, start, end);
    }
    if (!node || ng_qnode_add(p->group, node) != 0)
        goto oom;
    p->stop_word = !wildcard && p->stop && ng_stoplist_has(p->stop, tok->word, tok->word_len);
    return 0;
oom:
    p->status = NG_STATUS_OUT_OF_MEMORY;
    return 1;
}

/* Analyse [START, END) into one node: a term or wildcard, a phrase of them
 * (an AND for title words, which have no positions), or NULL in *OUT when it
 * holds no word. *STOP tells whether it is one stopword. */
static ng_status_t analyse_span(parser_t *p, size_t start, size_t end, const char *prefix, ng_qnode_t **out, int *stop)
{
    *out = NULL;
    *stop = 0;
    p->group = ng_qnode_new(*prefix ? NG_Q_AND : NG_Q_PHRASE, start, end);
    if (!p->group)
        return NG_STATUS_OUT_OF_MEMORY;
    p->base = start;
    p->span_end = end;
    p->prefix = prefix;
    p->status = NG_STATUS_SUCCESS;
    p->stop_word = 0;
    int rc = ng_analyzer_run(p->analyzer, p->text + start, end - start, 0, NULL, add_token, p);
    ng_qnode_t *node = p->group;
    p->group = NULL;
    if (rc != 0) {
        ng_qnode_free(node);
        return p->status != NG_STATUS_SUCCESS ? p->status : NG_STATUS_OUT_OF_MEMORY;
    }
    if (node->nkids == 0) {
        ng_qnode_free(node);
        return NG_STATUS_SUCCESS;
    }
    if (node->nkids == 1) {
        ng_qnode_t *only = node->kids[0];
        node->nkids = 0;
        ng_qnode_free(node);
        *stop = p->stop_word;
        node = only;
    }
    *out = node;
    return NG_STATUS_SUCCESS;
}

/* --- the grammar --------------------------------------------------------- */

/* What a piece of the query amounts to: what matches (and ranks) and what
 * must not match. Either may be NULL. */
typedef struct part {
    ng_qnode_t *pos;
    ng_qnode_t *neg;
    size_t neg_at; /* where the first exclusion was written */
    int stop;      /* POS is one stopword that --stopwords may drop */
} part_t;

static void part_free(part_t *part)
{
    ng_qnode_free(part->pos);
    ng_qnode_free(part->neg);
    part->pos = part->neg = NULL;
}

static int part_empty(const part_t *part)
{
    return !part->pos && !part->neg;
}

/* Add NODE to the list *LIST (an OP node made on first use). */
static ng_status_t list_add(ng_qnode_t **list, ng_qop_t op, ng_qnode_t *node)
{
    if (!node)
        return NG_STATUS_SUCCESS;
    if (!*list && !(*list = ng_qnode_new(op, node->start, node->end))) {
        ng_qnode_free(node);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    if (node->start < (*list)->start)
        (*list)->start = node->start;
    if (node->end > (*list)->end)
        (*list)->end = node->end;
    return ng_qnode_add(*list, node) == 0 ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
}

/* The list as a node: NULL when empty, its only kid when it has one. */
static ng_qnode_t *list_close(ng_qnode_t *list)
{
    if (list && list->nkids == 1) {
        ng_qnode_t *only = list->kids[0];
        list->nkids = 0;
        ng_qnode_free(list);
        return only;
    }
    return list;
}

/* PART as one node (pos AND NOT neg); an error at neg_at when it only excludes. */
static ng_status_t part_close(parser_t *p, part_t *part, ng_qnode_t **out)
{
    *out = NULL;
    if (!part->pos && part->neg) {
        part_free(part);
        return parse_error(p, part->neg_at, "nothing to exclude from: add a word to search for beside - or NOT");
    }
    if (part->pos && part->neg) {
        *out = ng_qnode_pair(NG_Q_AND_NOT, part->pos, part->neg);
        part->pos = part->neg = NULL;
        return *out ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
    }
    *out = part->pos;
    part->pos = NULL;
    return NG_STATUS_SUCCESS;
}

static ng_status_t parse_expr(parser_t *p, part_t *out);

static int is_prefixed(const ng_qnode_t *n)
{
    return n->term && n->term[0] >= 'A' && n->term[0] <= 'Z';
}

static int positional_leaf(const ng_qnode_t *n)
{
    return (n->op == NG_Q_TERM || n->op == NG_Q_WILDCARD) && !is_prefixed(n);
}

/* Whether N can be an operand of NEAR or ADJ, which Xapian allows only over
 * positional terms; *WORDS gets the positions it spans. */
static int positional(const ng_qnode_t *n, unsigned *words)
{
    *words = 1;
    if (positional_leaf(n))
        return 1;
    if (n->op != NG_Q_PHRASE && n->op != NG_Q_OR)
        return 0;
    for (size_t i = 0; i < n->nkids; i++)
        if (!positional_leaf(n->kids[i]))
            return 0;
    if (n->op == NG_Q_PHRASE)
        *words = (unsigned)n->nkids;
    return 1;
}

/* A field term: title words are analysed, source names and ids are taken as
 * they are written. */
static ng_status_t parse_field(parser_t *p, part_t *out)
{
    const token_t *t = &p->tok;
    if (t->field == F_TITLE)
        return analyse_span(p, t->vstart, t->vend, NG_PREFIX_TITLE, &out->pos, &out->stop);
    if (++p->nterms > NG_QUERY_MAX_TERMS)
        return parse_error(p, t->start, "too many words: a query may have at most %d", NG_QUERY_MAX_TERMS);
    ng_buf_t value = NG_BUF_INIT;
    ng_status_t st = NG_STATUS_SUCCESS;
    if (ng_buf_append(&value, p->text + t->vstart, t->vend - t->vstart) != 0) {
        ng_buf_free(&value);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    if (t->field == F_SOURCE) {
        int rc = ng_layout_filter_term(&p->scratch, NG_PREFIX_SOURCE, ng_buf_str(&value));
        if (rc > 0)
            st = parse_error(p, t->start, "source: needs a name after it");
        else if (rc < 0 ||
                 !(out->pos = ng_qnode_new_strings(NG_Q_BOOLEAN, ng_buf_str(&p->scratch), NULL, t->start, t->end)))
            st = NG_STATUS_OUT_OF_MEMORY;
    } else if (!(out->pos = ng_qnode_new_strings(NG_Q_ID, ng_buf_str(&value), NULL, t->start, t->end))) {
        st = NG_STATUS_OUT_OF_MEMORY;
    }
    ng_buf_free(&value);
    return st;
}

/* primary := '(' expr ')' | phrase | word | field. *FOUND is 0 (and nothing
 * read) when the token starts none of them. */
static ng_status_t parse_primary(parser_t *p, part_t *out, int *found)
{
    ng_status_t st = NG_STATUS_SUCCESS;
    memset(out, 0, sizeof *out);
    *found = 1;
    switch (p->tok.kind) {
    case TK_LPAREN: {
        size_t open = p->tok.start;
        if (p->depth >= NG_QUERY_MAX_DEPTH)
            return parse_error(p, open, "too many nested parentheses (at most %d)", NG_QUERY_MAX_DEPTH);
        p->depth++;
        if ((st = advance(p)) != NG_STATUS_SUCCESS || (st = parse_expr(p, out)) != NG_STATUS_SUCCESS)
            return st;
        p->depth--;
        if (p->tok.kind != TK_RPAREN) {
            part_free(out);
            return parse_error(p, open, "unbalanced parenthesis: no ) for this (");
        }
        if (part_empty(out))
            return parse_error(p, open, "nothing to search for between ( and )");
        out->stop = 0;
        break;
    }
    case TK_PHRASE:
        st = analyse_span(p, p->tok.vstart, p->tok.vend, "", &out->pos, &out->stop);
        out->stop = 0; /* a quoted stopword is wanted */
        break;
    case TK_WORD: st = analyse_span(p, p->tok.vstart, p->tok.vend, "", &out->pos, &out->stop); break;
    case TK_FIELD:
        st = parse_field(p, out);
        out->stop = 0;
        break;
    default: *found = 0; return NG_STATUS_SUCCESS;
    }
    if (st == NG_STATUS_SUCCESS)
        st = advance(p);
    if (st != NG_STATUS_SUCCESS)
        part_free(out); /* on failure, nothing is handed over */
    return st;
}

/* prox := primary { (NEAR | NEAR/n | ADJ | ADJ/n) primary } */
static ng_status_t parse_prox(parser_t *p, part_t *out, int *found)
{
    size_t operand_at = p->tok.start;
    ng_status_t st = parse_primary(p, out, found);
    if (st != NG_STATUS_SUCCESS || !*found || (p->tok.kind != TK_NEAR && p->tok.kind != TK_ADJ))
        return st;
    tok_kind_t kind = p->tok.kind;
    const char *name = kind_names[kind];
    unsigned n = 0, words = 0, w;
    if (out->neg || !out->pos || !positional(out->pos, &w)) {
        size_t at = part_empty(out) ? p->tok.start : operand_at;
        part_free(out);
        return parse_error(p, at, "%s needs a word, \"phrase\", word* or (word OR word) before it", name);
    }
    ng_qnode_t *near = ng_qnode_new(kind == TK_NEAR ? NG_Q_NEAR : NG_Q_ADJ, out->pos->start, out->pos->end);
    if (!near) {
        part_free(out);
        return NG_STATUS_OUT_OF_MEMORY;
    }
    words += w;
    st = ng_qnode_add(near, out->pos) == 0 ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
    out->pos = NULL;
    while (st == NG_STATUS_SUCCESS && (p->tok.kind == TK_NEAR || p->tok.kind == TK_ADJ)) {
        size_t op_at = p->tok.start;
        if (p->tok.kind != kind) {
            st = parse_error(p, op_at, "NEAR and ADJ cannot be chained together");
            break;
        }
        if (p->tok.n > n)
            n = p->tok.n;
        part_t next;
        int got;
        if ((st = advance(p)) != NG_STATUS_SUCCESS)
            break;
        operand_at = p->tok.start;
        if ((st = parse_primary(p, &next, &got)) != NG_STATUS_SUCCESS)
            break;
        if (!got || part_empty(&next)) {
            st = parse_error(p, op_at, "%s needs a word, \"phrase\", word* or (word OR word) after it", name);
            break;
        }
        if (next.neg || !next.pos || !positional(next.pos, &w)) {
            size_t at = operand_at;
            part_free(&next);
            st = parse_error(p, at, "%s works on words, \"phrases\", word* and (word OR word) only", name);
            break;
        }
        words += w;
        if (next.pos->end > near->end)
            near->end = next.pos->end;
        st = ng_qnode_add(near, next.pos) == 0 ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
    }
    if (st != NG_STATUS_SUCCESS) {
        ng_qnode_free(near);
        return st;
    }
    /* at most n positions apart: the window spans the operands' words too */
    near->window = n + words - 1;
    out->pos = near;
    out->stop = 0;
    return NG_STATUS_SUCCESS;
}

static int starts_item(tok_kind_t kind)
{
    return kind == TK_LPAREN || kind == TK_PLUS || kind == TK_MINUS || kind == TK_NOT || kind == TK_WORD ||
           kind == TK_PHRASE || kind == TK_FIELD;
}

/* group := item { item }, item := [ + | - | NOT ] prox. Juxtaposed items are
 * all required, or alternatives with NG_QUERY_ANY; +item is required, -item
 * and NOT item excluded. */
static ng_status_t parse_group(parser_t *p, part_t *out)
{
    ng_qnode_t *required = NULL, *optional = NULL, *excluded = NULL;
    ng_qnode_t *stops = NULL; /* optional stopwords, set aside */
    ng_status_t st = NG_STATUS_SUCCESS;
    memset(out, 0, sizeof *out);
    while (st == NG_STATUS_SUCCESS) {
        tok_kind_t kind = p->tok.kind;
        if (kind == TK_NEAR || kind == TK_ADJ) {
            st = parse_error(p, p->tok.start, "%s needs a word, \"phrase\", word* or (word OR word) before it",
                             kind_names[kind]);
            break;
        }
        if (!starts_item(kind))
            break;
        size_t at = p->tok.start;
        tok_kind_t mod = TK_END;
        if (kind == TK_PLUS || kind == TK_MINUS || kind == TK_NOT) {
            mod = kind;
            if ((st = advance(p)) != NG_STATUS_SUCCESS)
                break;
        }
        part_t item;
        int found;
        if ((st = parse_prox(p, &item, &found)) != NG_STATUS_SUCCESS)
            break;
        if (!found) {
            st = parse_error(p, at, "%s needs a word, \"phrase\" or ( after it", kind_names[mod]);
            break;
        }
        if (part_empty(&item)) {
            if (mod == TK_NOT) {
                st = parse_error(p, at, "NOT needs a word after it");
                break;
            }
            continue; /* punctuation only */
        }
        if (!excluded) /* the first exclusion is where an error points */
            out->neg_at = mod == TK_MINUS || mod == TK_NOT ? at : item.neg_at;
        if (mod == TK_MINUS || mod == TK_NOT) {
            if (!item.pos) {
                part_free(&item);
                st = parse_error(p, at, "an exclusion of an exclusion: write what to search for instead");
                break;
            }
            ng_qnode_t *node;
            if ((st = part_close(p, &item, &node)) != NG_STATUS_SUCCESS)
                break;
            st = list_add(&excluded, NG_Q_OR, node);
            continue;
        }
        if ((st = list_add(&excluded, NG_Q_OR, item.neg)) != NG_STATUS_SUCCESS) {
            ng_qnode_free(item.pos);
            break;
        }
        if (mod == TK_PLUS || !(p->flags & NG_QUERY_ANY))
            st = list_add(&required, NG_Q_AND, item.pos);
        else if (item.stop && (p->flags & NG_QUERY_STOPWORDS))
            st = list_add(&stops, NG_Q_OR, item.pos);
        else
            st = list_add(&optional, NG_Q_OR, item.pos);
    }
    if (st == NG_STATUS_SUCCESS && stops) {
        /* A query of stopwords only keeps them: it has nothing else. */
        if (!required && !optional) {
            optional = stops;
            stops = NULL;
        }
    }
    ng_qnode_free(stops);
    if (st != NG_STATUS_SUCCESS) {
        ng_qnode_free(required);
        ng_qnode_free(optional);
        ng_qnode_free(excluded);
        return st;
    }
    required = list_close(required);
    optional = list_close(optional);
    if (required && optional)
        out->pos = ng_qnode_pair(NG_Q_AND_MAYBE, required, optional);
    else
        out->pos = required ? required : optional;
    out->neg = list_close(excluded);
    if ((required || optional) && !out->pos) {
        ng_qnode_free(out->neg);
        out->neg = NULL;
        return NG_STATUS_OUT_OF_MEMORY;
    }
    return NG_STATUS_SUCCESS;
}

/* conj := group { AND group } */
static ng_status_t parse_conj(parser_t *p, part_t *out)
{
    ng_status_t st = parse_group(p, out);
    if (st != NG_STATUS_SUCCESS || p->tok.kind != TK_AND)
        return st;
    ng_qnode_t *pos = NULL, *neg = NULL;
    if (part_empty(out))
        return parse_error(p, p->tok.start, "AND needs a word before it");
    size_t neg_at = out->neg_at;
    if ((st = list_add(&pos, NG_Q_AND, out->pos)) != NG_STATUS_SUCCESS) {
        ng_qnode_free(out->neg);
        return st;
    }
    st = list_add(&neg, NG_Q_OR, out->neg);
    while (st == NG_STATUS_SUCCESS && p->tok.kind == TK_AND) {
        size_t op_at = p->tok.start;
        part_t next;
        if ((st = advance(p)) != NG_STATUS_SUCCESS || (st = parse_group(p, &next)) != NG_STATUS_SUCCESS)
            break;
        if (part_empty(&next)) {
            st = parse_error(p, op_at, "AND needs a word after it");
            break;
        }
        if (next.neg && !neg)
            neg_at = next.neg_at;
        if ((st = list_add(&pos, NG_Q_AND, next.pos)) != NG_STATUS_SUCCESS) {
            ng_qnode_free(next.neg);
            break;
        }
        st = list_add(&neg, NG_Q_OR, next.neg);
    }
    if (st != NG_STATUS_SUCCESS) {
        ng_qnode_free(pos);
        ng_qnode_free(neg);
        memset(out, 0, sizeof *out);
        return st;
    }
    out->pos = list_close(pos);
    out->neg = list_close(neg);
    out->neg_at = neg_at;
    out->stop = 0;
    return NG_STATUS_SUCCESS;
}

/* expr := conj { OR conj } */
static ng_status_t parse_expr(parser_t *p, part_t *out)
{
    ng_status_t st = parse_conj(p, out);
    if (st != NG_STATUS_SUCCESS || p->tok.kind != TK_OR)
        return st;
    if (part_empty(out))
        return parse_error(p, p->tok.start, "OR needs a word before it");
    ng_qnode_t *any = NULL, *node;
    if ((st = part_close(p, out, &node)) != NG_STATUS_SUCCESS ||
        (st = list_add(&any, NG_Q_OR, node)) != NG_STATUS_SUCCESS)
        return st;
    while (st == NG_STATUS_SUCCESS && p->tok.kind == TK_OR) {
        size_t op_at = p->tok.start;
        part_t next;
        if ((st = advance(p)) != NG_STATUS_SUCCESS || (st = parse_conj(p, &next)) != NG_STATUS_SUCCESS)
            break;
        if (part_empty(&next)) {
            st = parse_error(p, op_at, "OR needs a word after it");
            break;
        }
        if ((st = part_close(p, &next, &node)) != NG_STATUS_SUCCESS)
            break;
        st = list_add(&any, NG_Q_OR, node);
    }
    if (st != NG_STATUS_SUCCESS) {
        ng_qnode_free(any);
        return st;
    }
    memset(out, 0, sizeof *out);
    out->pos = list_close(any);
    return NG_STATUS_SUCCESS;
}

ng_status_t ng_query_parse(ng_analyzer_t *analyzer, const char *text, size_t len, unsigned flags, ng_qnode_t **out,
                           ng_query_error_t *err)
{
    parser_t p;
    memset(&p, 0, sizeof p);
    p.analyzer = analyzer;
    p.text = text;
    p.len = len;
    p.flags = flags;
    p.err = err;
    *out = NULL;
    err->column = 0;
    err->offset = 0;
    err->message[0] = '\0';
    if (flags & NG_QUERY_STOPWORDS) {
        p.stop = ng_stoplist_for(ng_analyzer_language(analyzer));
        if (!p.stop)
            return NG_STATUS_UNSUPPORTED;
    }

    ng_status_t st = check_text(&p);
    if (st != NG_STATUS_SUCCESS)
        return st;
    size_t i = 0;
    while (i < len && blank_at(&p, i))
        i += blank_at(&p, i);
    if (i == len)
        return parse_error(&p, 0, "empty query");

    part_t top;
    memset(&top, 0, sizeof top);
    if ((st = advance(&p)) == NG_STATUS_SUCCESS && (st = parse_expr(&p, &top)) == NG_STATUS_SUCCESS &&
        p.tok.kind != TK_END) {
        part_free(&top);
        if (p.tok.kind == TK_RPAREN)
            st = parse_error(&p, p.tok.start, "unbalanced parenthesis: no ( for this )");
        else /* the grammar leaves nothing else here; say so rather than crash */
            st = parse_error(&p, p.tok.start, "unexpected %s", kind_names[p.tok.kind]);
    }
    if (st == NG_STATUS_SUCCESS && part_empty(&top))
        st = parse_error(&p, 0, "the query has no word to search for");
    ng_qnode_t *root = NULL;
    if (st == NG_STATUS_SUCCESS)
        st = part_close(&p, &top, &root);
    ng_buf_free(&p.scratch);
    if (st != NG_STATUS_SUCCESS) {
        part_free(&top);
        return st;
    }
    *out = root;
    return NG_STATUS_SUCCESS;
}

typedef struct plain {
    ng_qnode_t *root;
    const ng_stoplist_t *stop;
    size_t nterms;
    int failed; /* out of memory, or past the term limit */
} plain_t;

static int add_plain_term(void *ctx, const ng_token_t *tok)
{
    plain_t *pl = ctx;
    if (pl->stop && ng_stoplist_has(pl->stop, tok->word, tok->word_len))
        return 0;
    if (++pl->nterms > NG_QUERY_MAX_TERMS) {
        pl->failed = 2;
        return 1;
    }
    ng_qnode_t *term = ng_qnode_new_term(tok->term, tok->term_len, tok->start, tok->end);
    if (!term || ng_qnode_add(pl->root, term) != 0) {
        pl->failed = 1;
        return 1;
    }
    return 0;
}

ng_status_t ng_query_parse_plain(ng_analyzer_t *analyzer, const char *text, size_t len, unsigned flags,
                                 ng_qnode_t **out, ng_query_error_t *err)
{
    plain_t pl = {NULL, NULL, 0, 0};
    *out = NULL;
    memset(err, 0, sizeof *err);
    if (flags & NG_QUERY_STOPWORDS) {
        pl.stop = ng_stoplist_for(ng_analyzer_language(analyzer));
        if (!pl.stop)
            return NG_STATUS_UNSUPPORTED;
    }
    pl.root = ng_qnode_new(flags & NG_QUERY_ANY ? NG_Q_OR : NG_Q_AND, 0, len);
    if (!pl.root)
        return NG_STATUS_OUT_OF_MEMORY;
    int rc = ng_analyzer_run(analyzer, text, len, 0, NULL, add_plain_term, &pl);
    ng_status_t st = NG_STATUS_SUCCESS;
    if (pl.failed == 2) {
        err->column = 1;
        snprintf(err->message, sizeof err->message, "more than %d words", NG_QUERY_MAX_TERMS);
        st = NG_STATUS_BAD_QUERY;
    } else if (rc != 0 || pl.failed) {
        st = NG_STATUS_OUT_OF_MEMORY;
    } else if (pl.root->nkids == 0) {
        err->column = 1;
        snprintf(err->message, sizeof err->message, "the query has no word to search for");
        st = NG_STATUS_BAD_QUERY;
    }
    if (st != NG_STATUS_SUCCESS) {
        ng_qnode_free(pl.root);
        return st;
    }
    *out = pl.root;
    return NG_STATUS_SUCCESS;
}
