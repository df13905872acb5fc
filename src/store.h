/* The store: newsgrep's only door to Xapian. Plain C, opaque handles, status
 * codes; every Xapian exception is caught inside and comes out as a status plus
 * a message (ng_store_errmsg). One Xapian document per passage. */
#ifndef NG_STORE_H
#define NG_STORE_H

#include <stddef.h>

#include "layout.h"
#include "query.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ng_store ng_store_t;
typedef struct ng_doc ng_doc_t;
typedef struct ng_results ng_results_t;

enum {
    NG_STORE_READ = 0,
    NG_STORE_WRITE = 1, /* open for writing, creating the index when missing */
};

/* Open the index at PATH. On failure *OUT is NULL and *ERRMSG (when ERRMSG is
 * not NULL) receives a malloc'ed message the caller frees. NG_STATUS_NO_INDEX
 * when nothing is at PATH (reading), NG_STATUS_LOCKED when another writer holds
 * it, NG_STATUS_INDEX_ERROR when PATH is not a usable index. */
ng_status_t ng_store_open(const char *path, int mode, ng_store_t **out, char **errmsg);
/* Close the index; pending changes of a writer are discarded, not committed. */
void ng_store_close(ng_store_t *store);
/* The message of the last failed call on STORE (owned by STORE; "" if none). */
const char *ng_store_errmsg(const ng_store_t *store);

/* Documents (passages) under construction. A doc is reusable after ng_doc_clear. */
ng_status_t ng_doc_new(ng_doc_t **out);
void ng_doc_destroy(ng_doc_t *doc);
void ng_doc_clear(ng_doc_t *doc);
/* A ranked term at word position POS (positions make phrase search possible). */
ng_status_t ng_doc_add_posting(ng_doc_t *doc, const char *term, size_t len, unsigned pos);
/* A term without position whose WDF grows by WDF (its count); WDF 0 makes a
 * term that matches but adds nothing to ranking or to the document length,
 * as the passages' title terms. */
ng_status_t ng_doc_add_term(ng_doc_t *doc, const char *term, size_t len, unsigned wdf);
/* A filter term: present or absent, no weight in ranking. */
ng_status_t ng_doc_add_boolean(ng_doc_t *doc, const char *term, size_t len);
ng_status_t ng_doc_set_value(ng_doc_t *doc, unsigned slot, const char *value, size_t len);
ng_status_t ng_doc_set_data(ng_doc_t *doc, const char *data, size_t len);

/* Make PASSAGES (N docs, in order) the passages of ARTICLE_ID, and ARTICLE
 * (may be NULL) its article document, the whole article as one document that
 * ranks articles (terms with their counts, no positions; kept in the index's
 * articles database). Every passage and the article document the article had
 * before are deleted first, so an article indexed again is replaced, never
 * doubled. The store adds the identity terms and values to each doc. *REPLACED
 * (may be NULL) tells whether the article was there before. Visible to readers
 * after the next ng_store_commit. */
ng_status_t ng_store_replace_article(ng_store_t *store, const char *article_id, ng_doc_t *const *passages, size_t n,
                                     ng_doc_t *article, int *replaced);
/* Delete every passage of ARTICLE_ID; *DELETED (may be NULL) = 0 if it had none. */
ng_status_t ng_store_delete_article(ng_store_t *store, const char *article_id, int *deleted);
/* Make all changes since the last commit durable and visible, as one step. */
ng_status_t ng_store_commit(ng_store_t *store);

/* Index metadata (key/value strings kept with the index and committed with it).
 * *VALUE is malloc'ed, "" when the key is unset; the caller frees it. */
ng_status_t ng_store_get_metadata(ng_store_t *store, const char *key, char **value);
ng_status_t ng_store_set_metadata(ng_store_t *store, const char *key, const char *value);

/* Writers for the indexer: ng_store_open_writer's FLAGS. */
enum {
    NG_STORE_WAIT_LOCK = 1,  /* wait for another writer to close, rather than fail with NG_STATUS_LOCKED */
    NG_STORE_MUST_EXIST = 2, /* open an existing index; never create one (NG_STATUS_NO_INDEX) */
    /* Build a new index at PATH (overwriting what is there) for a bulk load:
     * written in place, unsynced, each commit a plain commit. Fast, and a
     * crash leaves a broken index: for a folder aside, renamed into place
     * only once complete. */
    NG_STORE_BULK = 4,
    /* Keep Xapian's positions of the passages' words as well as the forward
     * file (src/forward.h): for an index searched where the file is not,
     * as a shard served by xapian-tcpsrv. Twice the index's size. */
    NG_STORE_POSITIONS = 8,
};
/* From now on, every writer this process opens (and the processes it
 * starts) writes as with NG_STORE_POSITIONS. A writer of an index that
 * records it was written so (NG_META_POSITIONS) does too. */
void ng_store_keep_positions(void);

/* Open the index at PATH for writing, as ng_store_open does with NG_STORE_WRITE,
 * with FLAGS. */
ng_status_t ng_store_open_writer(const char *path, int flags, ng_store_t **out, char **errmsg);

/* Merge the N indexes at SOURCES (their passages and their article documents)
 * into a new, compacted index at DEST, as xapian-compact does. An article that
 * several sources hold keeps the version of the last of them. The metadata
 * kept is the first source's; set what else DEST needs after. */
ng_status_t ng_store_compact(const char *const *sources, size_t n, const char *dest, char **errmsg);
/* Merge BASE and then the N indexes at SOURCES into a new, compacted index
 * at DEST, where an article of the sources replaces BASE's article of the
 * same id (and of an earlier source, as in ng_store_compact). The metadata
 * kept is BASE's. */
ng_status_t ng_store_compact_onto(const char *base, const char *const *sources, size_t n, const char *dest,
                                  char **errmsg);
/* Does the index hold article ARTICLE_ID? 1: yes, 0: no, -1: failed (the
 * store's message says why). */
int ng_store_has_article(ng_store_t *store, const char *article_id);

/* Call FN(CTX, KEY, VALUE) for each metadata key starting with PREFIX, in key
 * order (the strings last only during the call); FN returns nonzero to stop.
 * Readers see the last commit. */
ng_status_t ng_store_list_metadata(ng_store_t *store, const char *prefix,
                                   int (*fn)(void *ctx, const char *key, const char *value), void *ctx);

/* Statistics, over passages. On error they return 0 and set the message. */
unsigned long ng_store_doc_count(ng_store_t *store);
unsigned long ng_store_term_freq(ng_store_t *store, const char *term); /* passages with TERM */
unsigned long ng_store_collection_freq(ng_store_t *store, const char *term);
double ng_store_avg_length(ng_store_t *store);

enum {
    NG_SORT_SCORE,     /* best BM25 score first */
    NG_SORT_DATE,      /* oldest first (undated first), then by score */
    NG_SORT_DATE_DESC, /* newest first (undated last), then by score */
};

typedef struct ng_search_opts {
    double k1, b; /* BM25Weight parameters */
    double min_normlen;
    size_t offset;         /* hits to skip */
    size_t limit;          /* hits to return */
    int all_passages;      /* 0: the best passage of each article only */
    int sort;              /* NG_SORT_* */
    int ids_only;          /* the hits need their article id only: no record is read */
    int rank;              /* NG_RANK_*: how articles are ranked when collapsed and sorted by score */
    double passage_weight; /* NG_RANK_COMBINED: the weight of the best passage's score */
    int split;             /* NG_SPLIT_*: whether a match may run in two threads */
    int lengths;           /* NG_LENGTHS_*: where BM25 reads the documents' lengths */
    int positions;         /* NG_POSITIONS_*: where phrases, NEAR and ADJ read where words stand */
} ng_search_opts_t;

enum {
    /* A match that walks many postings runs in two threads, one per half of
     * the document ids (when there are two cores and the index is one
     * database on this machine, open read-only); the hits are the same
     * either way. */
    NG_SPLIT_AUTO = 0,
    NG_SPLIT_NEVER,
    NG_SPLIT_ALWAYS, /* whatever it costs (for the tests) */
};

enum {
    /* The words of a query of words (a word, an AND or OR of words, or a
     * phrase of words) are scored with the documents' lengths that the
     * index keeps beside Xapian's (src/lengths.h): the same scores, without
     * walking Xapian's list of all lengths. */
    NG_LENGTHS_AUTO = 0,
    NG_LENGTHS_XAPIAN, /* Xapian's own (for the tests and bench/ng-query) */
};

enum {
    /* An article's score is the BM25 score of the whole article (its article
     * document) plus passage_weight times its best passage's: whole-article
     * evidence finds the right articles, the passage picks what to show. */
    NG_RANK_COMBINED = 0,
    NG_RANK_PASSAGE, /* the best passage's score alone */
    NG_RANK_ARTICLE, /* the whole article's score alone (the passage shown is still the best) */
};

enum {
    /* Phrases, NEAR and ADJ are matched as the AND of their words, filtered
     * by each passage's words as the index keeps them in order beside
     * Xapian's database (src/forward.h), when the index is one database on
     * this machine whose forward file holds every passage; else on Xapian's
     * positions. The same passages either way. */
    NG_POSITIONS_AUTO = 0,
    NG_POSITIONS_XAPIAN, /* Xapian's positions (for the tests and bench/ng-query) */
};

/* The default weight of the best passage in NG_RANK_COMBINED. */
#define NG_DEFAULT_PASSAGE_WEIGHT 0.3

/* k1 = 1.2, b = 0.75, min_normlen = 0.5, offset 0, limit 10, collapsed,
 * by score (NG_RANK_COMBINED), with records, NG_SPLIT_AUTO. */
void ng_search_opts_init(ng_search_opts_t *opts);

/* Rank the passages matching QUERY by BM25. *OUT belongs to the caller.
 * NG_STATUS_BAD_QUERY (with the message) when a wildcard that
 * ng_store_expand_wildcards did not expand is too broad. */
ng_status_t ng_store_search(ng_store_t *store, const ng_qnode_t *query, const ng_search_opts_t *opts,
                            ng_results_t **out);

typedef struct ng_hit {
    double score;
    unsigned docid;
    const char *data; /* the passage record (see record.h), owned by the results; NULL with ids_only */
    size_t data_len;
    const char *article_id; /* owned by the results; not NUL-terminated */
    size_t article_id_len;
} ng_hit_t;

size_t ng_results_count(const ng_results_t *results);
/* Hit I (0-based, < count), best first. */
const ng_hit_t *ng_results_get(const ng_results_t *results, size_t i);
/* Xapian's estimate of all matching passages (or articles, when collapsed). */
unsigned long ng_results_estimate(const ng_results_t *results);
void ng_results_destroy(ng_results_t *results);

/* Give each NG_Q_WILDCARD node of QUERY its expansion as TERM kids: every
 * term of the index that begins with its prefix, and its term2 when the
 * index has that. NG_STATUS_BAD_QUERY when a node would expand to more than
 * MAX terms: *TOO_BROAD (may be NULL) then points at it. Searching expands
 * the wildcards left unexpanded by itself, with NG_QUERY_MAX_EXPANSION. */
ng_status_t ng_store_expand_wildcards(ng_store_t *store, ng_qnode_t *query, size_t max, const ng_qnode_t **too_broad);

/* The exact numbers of passages and of articles that match QUERY: every
 * match is visited (a ValueCountMatchSpy on the article slot), so these are
 * counts, never estimates, on one index and over remote shards alike. */
ng_status_t ng_store_count(ng_store_t *store, const ng_qnode_t *query, unsigned long *passages,
                           unsigned long *articles);

/* Matches of QUERY per period, exactly: articles (their best passage), or
 * passages when ALL_PASSAGES. A period is the first DIGITS (4: year, 6:
 * month, 8: day) digits of the date value; a date known less precisely is
 * its own period ("2019" in a timeline by month); "" holds the undated. */
typedef struct ng_timeline ng_timeline_t;
ng_status_t ng_store_timeline(ng_store_t *store, const ng_qnode_t *query, int all_passages, size_t digits,
                              ng_timeline_t **out);
size_t ng_timeline_size(const ng_timeline_t *timeline);
/* Period I, oldest first and the undated ("") last; its count in *COUNT.
 * The string belongs to the timeline. */
const char *ng_timeline_get(const ng_timeline_t *timeline, size_t i, unsigned long *count);
void ng_timeline_destroy(ng_timeline_t *timeline);

/* The record of passage NUMBER (from 1) of ARTICLE_ID, into DATA (emptied
 * first); NG_STATUS_END when the article has no such passage. */
ng_status_t ng_store_get_passage(ng_store_t *store, const char *article_id, unsigned number, ng_buf_t *data);

#ifdef __cplusplus
}
#endif

#endif
