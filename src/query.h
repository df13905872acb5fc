/* The query: a tree of plain-C nodes that the parser builds through the analyzer
 * and the store turns into a Xapian query, so neither side knows the other. */
#ifndef NG_QUERY_H
#define NG_QUERY_H

#include <stddef.h>

#include "analyzer.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ng_qop {
    NG_Q_TERM,        /* one term (prefix included), ranked */
    NG_Q_AND,         /* all kids match */
    NG_Q_OR,          /* any kid matches */
    NG_Q_PHRASE,      /* TERM or WILDCARD kids in order, adjacent */
    NG_Q_AND_NOT,     /* kids[0] matches and kids[1] does not */
    NG_Q_AND_MAYBE,   /* kids[0] must match; kids[1] only adds to the score */
    NG_Q_NEAR,        /* kids within `window` positions, in any order */
    NG_Q_ADJ,         /* kids in order within `window` positions */
    NG_Q_WILDCARD,    /* terms beginning with `term`, and the term `term2`; kids: the expansion */
    NG_Q_FILTER,      /* kids[0] ranked, only where kids[1] matches (which adds no weight) */
    NG_Q_BOOLEAN,     /* the filter term `term`: present or absent, no weight */
    NG_Q_ID,          /* `term` is an article id or "<article id>#<n>": its passages, no weight */
    NG_Q_VALUE_RANGE, /* value `slot` between `term` and `term2`, inclusive ("" = unbounded) */
} ng_qop_t;

typedef struct ng_qnode {
    ng_qop_t op;
    char *term;        /* TERM, BOOLEAN, ID: the term; WILDCARD: the prefix; VALUE_RANGE: low (owned) */
    char *term2;       /* WILDCARD: the stem of the prefix or NULL; VALUE_RANGE: high (owned) */
    unsigned window;   /* NEAR, ADJ: the Xapian window, in positions */
    unsigned slot;     /* VALUE_RANGE */
    int expanded;      /* WILDCARD: its kids are its expansion (see ng_store_expand_wildcards) */
    size_t start, end; /* byte range in the query text it came from */
    size_t nkids;
    struct ng_qnode **kids; /* owned */
} ng_qnode_t;

/* Tree building; each returns NULL when out of memory. A node owns its kids. */
ng_qnode_t *ng_qnode_new(ng_qop_t op, size_t start, size_t end);
ng_qnode_t *ng_qnode_new_term(const char *term, size_t len, size_t start, size_t end);
/* A node of OP (BOOLEAN, ID, WILDCARD, VALUE_RANGE...) holding copies of the
 * strings TERM and TERM2 (either may be NULL). */
ng_qnode_t *ng_qnode_new_strings(ng_qop_t op, const char *term, const char *term2, size_t start, size_t end);
/* Give KID to PARENT. Returns 0, or -1 when out of memory (KID is then freed). */
int ng_qnode_add(ng_qnode_t *parent, ng_qnode_t *kid);
/* A new node of OP with the two kids A and B; NULL when out of memory (both are then freed). */
ng_qnode_t *ng_qnode_pair(ng_qop_t op, ng_qnode_t *a, ng_qnode_t *b);
void ng_qnode_free(ng_qnode_t *node);

/* Call FN on each NG_Q_TERM of the tree, depth first. */
void ng_qnode_each_term(const ng_qnode_t *node, void (*fn)(void *ctx, const ng_qnode_t *term), void *ctx);
/* The same, leaving out the terms that a matching passage must NOT have (the
 * right side of AND_NOT) and the filter side of FILTER: the terms worth
 * highlighting. */
void ng_qnode_each_match_term(const ng_qnode_t *node, void (*fn)(void *ctx, const ng_qnode_t *term), void *ctx);

enum {
    NG_QUERY_ANY = 1 << 0,       /* words are alternatives (OR ranking) instead of all required */
    NG_QUERY_STOPWORDS = 1 << 1, /* with NG_QUERY_ANY: leave the language's stopwords out of the ranking */
};

/* What the parser accepts at most: a bigger query is an error, never a crash. */
#define NG_QUERY_MAX_TERMS 1000
#define NG_QUERY_MAX_DEPTH 100   /* nested parentheses */
#define NG_QUERY_MAX_WINDOW 1000 /* n of NEAR/n and ADJ/n */
#define NG_QUERY_DEFAULT_WINDOW 10
#define NG_QUERY_MAX_EXPANSION 1000 /* terms a word* may stand for */

typedef struct ng_query_error {
    size_t column; /* 1-based column, in characters, of the offending place */
    size_t offset; /* the same place as a 0-based byte offset */
    char message[160];
} ng_query_error_t;

/* Parse the LEN bytes of TEXT (see the grammar in newsgrep(1)): words,
 * "phrases", word*, title:/source:/id: fields, +/-, AND, OR, NOT, NEAR/n,
 * ADJ/n and parentheses; operators only in upper case. Every word goes
 * through ANALYZER; a word it splits into several terms (al-Sudani) is a
 * phrase. On NG_STATUS_BAD_QUERY (also for a NUL byte, invalid UTF-8 or a
 * query past the limits above) ERR says what and where. *OUT belongs to the
 * caller (ng_qnode_free). */
ng_status_t ng_query_parse(ng_analyzer_t *analyzer, const char *text, size_t len, unsigned flags, ng_qnode_t **out,
                           ng_query_error_t *err);

/* Parse the LEN bytes of TEXT as plain words, as a natural-language topic is
 * written: no operator, quote, field or wildcard has a meaning; each word the
 * analyzer finds is a term (a repeated word counts again in the ranking).
 * FLAGS as for ng_query_parse: NG_QUERY_ANY makes the terms alternatives,
 * NG_QUERY_STOPWORDS leaves the stopwords out. NG_STATUS_BAD_QUERY when no
 * word is left. */
ng_status_t ng_query_parse_plain(ng_analyzer_t *analyzer, const char *text, size_t len, unsigned flags,
                                 ng_qnode_t **out, ng_query_error_t *err);

/* The bound of the date slot's values (layout.h) for DATE, YYYY, YYYY-MM or
 * YYYY-MM-DD: the lowest value on or after it (UPPER 0, for --since) or the
 * highest on or before its end (UPPER 1, for --until). An article dated only
 * by year or month counts as dated on the first day of it. OUT receives at
 * most 8 digits and a NUL. Returns 0, or -1 when DATE is not a valid date. */
int ng_query_date_bound(const char *date, int upper, char out[9]);

#ifdef __cplusplus
}
#endif

#endif
