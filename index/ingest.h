/* The ingest driver: walks the dump paths, reads their articles, segments and
 * analyses them, and writes their passages to the store. It reports through a
 * callback and never prints or exits. */
#ifndef NG_INGEST_H
#define NG_INGEST_H

#include "article.h"
#include "reader.h"
#include "status.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ng_report_kind {
    NG_REPORT_NOTE,     /* something the operator may want to know */
    NG_REPORT_REJECTED, /* a record was skipped: "FILE:LINE: reason" */
    NG_REPORT_ERROR,    /* a path could not be read at all */
} ng_report_kind_t;

typedef void (*ng_report_fn)(void *ctx, ng_report_kind_t kind, const char *message);

typedef struct ng_ingest_opts {
    ng_format_t format;  /* NG_FORMAT_AUTO unless forced */
    size_t max_words;    /* passage bound (0: NG_PASSAGE_MAX_WORDS) */
    ng_report_fn report; /* may be NULL */
    void *report_ctx;
} ng_ingest_opts_t;

typedef struct ng_ingest_stats {
    unsigned long files;    /* dump files read */
    unsigned long articles; /* articles indexed */
    unsigned long replaced; /* of which replaced an article of the same id */
    unsigned long passages;
    unsigned long rejected;   /* records skipped as bad */
    unsigned long errors;     /* paths that could not be read */
    unsigned long long bytes; /* bytes of article text indexed */
} ng_ingest_stats_t;

typedef struct ng_ingest ng_ingest_t;

/* An ingest writing into STORE with ANALYZER (both must outlive it). */
ng_status_t ng_ingest_new(ng_store_t *store, ng_analyzer_t *analyzer, const ng_ingest_opts_t *opts, ng_ingest_t **out);
void ng_ingest_destroy(ng_ingest_t *ingest);

/* Index the dump at PATH: a file, a directory (walked recursively, in name
 * order; files that are no dump are passed over with a note) or "-" (stdin).
 * Bad records and unreadable files are reported and counted; the status is
 * not SUCCESS only when the store failed (nothing should be committed then). */
ng_status_t ng_ingest_path(ng_ingest_t *ingest, const char *path);
/* Index one article (whatever its origin). */
ng_status_t ng_ingest_article(ng_ingest_t *ingest, const ng_article_t *article);

const ng_ingest_stats_t *ng_ingest_stats(const ng_ingest_t *ingest);

#ifdef __cplusplus
}
#endif

#endif
