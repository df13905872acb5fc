/* The ingest driver: walks the dump paths, reads their articles, segments and
 * analyses them, and writes their passages through a sink, committing every
 * batch of articles; it keeps the ledger of indexed dumps, so that a dump
 * already in is passed over. It reports through callbacks and never prints. */
#ifndef NG_INGEST_H
#define NG_INGEST_H

#include "analyzer.h"
#include <stdio.h>

#include "article.h"
#include "reader.h"
#include "sink.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Articles per commit unless told otherwise: few enough that a commit comes
 * every second or two, many enough that commits cost little. */
#define NG_INGEST_BATCH 1000

typedef enum ng_report_kind {
    NG_REPORT_NOTE,     /* something the operator may want to know */
    NG_REPORT_WARNING,  /* "FILE:LINE: warning: ..." an article went in, with a doubt */
    NG_REPORT_REJECTED, /* a record was skipped: "FILE:LINE: reason" */
    NG_REPORT_ERROR,    /* a path could not be read at all, or holds no dump */
} ng_report_kind_t;

typedef void (*ng_report_fn)(void *ctx, ng_report_kind_t kind, const char *message);

typedef struct ng_ingest_stats {
    unsigned long files;         /* dump files seen, of which: */
    unsigned long files_skipped; /* already indexed, passed over */
    unsigned long articles;      /* articles seen: added + replaced + skipped */
    unsigned long added;         /* new to the index */
    unsigned long replaced;      /* replaced an article of the same id */
    unsigned long skipped;       /* in dumps passed over */
    unsigned long passages;
    unsigned long rejected; /* records skipped as bad */
    unsigned long warnings;
    unsigned long errors;           /* paths that could not be read */
    unsigned long commits;          /* commits made */
    unsigned long long text_bytes;  /* bytes of passage text indexed */
    unsigned long long bytes_done;  /* bytes of dump files read (compressed, for gzip) */
    unsigned long long bytes_total; /* of all the dumps planned (ng_ingest_plan); 0: unknown */
} ng_ingest_stats_t;

/* Called after each article and each file, with the figures so far. */
typedef void (*ng_progress_fn)(void *ctx, const ng_ingest_stats_t *stats);

typedef struct ng_ingest_opts {
    ng_format_t format;      /* NG_FORMAT_AUTO unless forced */
    size_t max_words;        /* passage bound (0: NG_PASSAGE_MAX_WORDS) */
    size_t max_record;       /* record size bound (0: NG_READER_MAX_RECORD) */
    unsigned long batch;     /* articles per commit (0: NG_INGEST_BATCH) */
    unsigned title_weight;   /* how many times a title word counts in its article document (0 is 0) */
    FILE *dump_terms;        /* may be NULL: write each passage's terms as JSON Lines here */
    unsigned workers;        /* > 1: one of that many ingests sharing the dumps, */
    unsigned worker;         /* this one, indexing the articles whose id hashes to it */
    int force;               /* index dumps the ledger has already */
    const char **exclude;    /* NULL-terminated globs: names a directory walk passes over; may be NULL */
    ng_report_fn report;     /* may be NULL */
    ng_progress_fn progress; /* may be NULL */
    void *ctx;               /* for both callbacks */
} ng_ingest_opts_t;

/* A title word counts as this many words of its article, unless told otherwise. */
#define NG_DEFAULT_TITLE_WEIGHT 1

typedef struct ng_ingest ng_ingest_t;

/* An ingest writing into SINK with ANALYZER (both must outlive it). */
ng_status_t ng_ingest_new(ng_sink_t *sink, ng_analyzer_t *analyzer, const ng_ingest_opts_t *opts, ng_ingest_t **out);
void ng_ingest_destroy(ng_ingest_t *ingest);

/* Add the size of the dump files at PATH to bytes_total, for the progress. */
void ng_ingest_plan(ng_ingest_t *ingest, const char *path);

/* Index the dump at PATH: a file, a directory (walked recursively, in name
 * order; files that hold no dump are passed over with a note) or "-" (stdin).
 * A file the ledger records with the same content is passed over (unless
 * opts.force); a file read is recorded in the ledger, in the commit of its
 * last articles. Bad records and unreadable files are reported and counted;
 * the status is not SUCCESS only when the sink failed (stop then: what was not
 * committed is lost, the index is as the last commit left it). */
ng_status_t ng_ingest_path(ng_ingest_t *ingest, const char *path);
/* Index one article (whatever its origin); commits when a batch is full. */
ng_status_t ng_ingest_article(ng_ingest_t *ingest, const ng_article_t *article);
/* Commit what is pending. */
ng_status_t ng_ingest_finish(ng_ingest_t *ingest);

const ng_ingest_stats_t *ng_ingest_stats(const ng_ingest_t *ingest);

#ifdef __cplusplus
}
#endif

#endif
