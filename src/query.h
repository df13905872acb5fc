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
    NG_Q_TERM,   /* one term (prefix included), ranked */
    NG_Q_AND,    /* all kids match */
    NG_Q_OR,     /* any kid matches */
    NG_Q_PHRASE, /* TERM kids in order, adjacent */
} ng_qop_t;

typedef struct ng_qnode {
    ng_qop_t op;
    char *term;        /* NG_Q_TERM: the analysed term, owned */
    size_t start, end; /* byte range in the query text it came from */
    size_t nkids;
    struct ng_qnode **kids; /* owned */
} ng_qnode_t;

/* Tree building; each returns NULL when out of memory. A node owns its kids. */
ng_qnode_t *ng_qnode_new(ng_qop_t op, size_t start, size_t end);
ng_qnode_t *ng_qnode_new_term(const char *term, size_t len, size_t start, size_t end);
/* Give KID to PARENT. Returns 0, or -1 when out of memory (KID is then freed). */
int ng_qnode_add(ng_qnode_t *parent, ng_qnode_t *kid);
void ng_qnode_free(ng_qnode_t *node);

/* Call FN on each NG_Q_TERM of the tree, depth first. */
void ng_qnode_each_term(const ng_qnode_t *node, void (*fn)(void *ctx, const ng_qnode_t *term), void *ctx);

enum {
    NG_QUERY_ANY = 1 << 0, /* words are alternatives (OR) instead of all required (AND) */
};

typedef struct ng_query_error {
    size_t column; /* 1-based byte column in the query text */
    char message[160];
} ng_query_error_t;

/* Parse TEXT: words, and "quoted phrases". A word the analyzer splits into
 * several terms (al-Sudani, U.S.-led) is a phrase. On NG_STATUS_BAD_QUERY,
 * ERR says what and where. *OUT belongs to the caller (ng_qnode_free). */
ng_status_t ng_query_parse(ng_analyzer_t *analyzer, const char *text, unsigned flags, ng_qnode_t **out,
                           ng_query_error_t *err);

#ifdef __cplusplus
}
#endif

#endif
