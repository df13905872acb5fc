/* The sink: where the ingest driver writes each article's passages and its
 * bookkeeping (metadata). Today an index is one Xapian database, or nothing
 * (a dry run); a time-sharded index (one database per period behind a stub)
 * will choose the database of each article behind these same calls. */
#ifndef NG_SINK_H
#define NG_SINK_H

#include <stddef.h>

#include "article.h"
#include "status.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ng_sink ng_sink_t;

enum {
    NG_SINK_WAIT = 1, /* wait for another writer to finish instead of failing with NG_STATUS_LOCKED */
};

/* Open the index at PATH for writing. An index that does not exist yet (or an
 * empty folder) is made aside, in PATH.new-PID, with LANGUAGE recorded as its
 * analyzer language, committed, and renamed into place, so that PATH never
 * holds a half-made index; leftovers of such makings killed before their
 * rename are removed. *CREATED (may be NULL) tells whether this call made the
 * index. On failure *ERRMSG gets a malloc'ed message. */
ng_status_t ng_sink_open_index(const char *path, int flags, const char *language, ng_sink_t **out, int *created,
                               char **errmsg);
/* A bulk loader's part: a new index at PATH (overwritten) written fast and
 * unsafely (NG_STORE_BULK), with LANGUAGE recorded. PATH must be a folder
 * aside that a crash may leave broken; see ng_store_compact. */
ng_status_t ng_sink_open_bulk(const char *path, const char *language, ng_sink_t **out, char **errmsg);
/* A bulk loader's parts: as ng_sink_open_bulk, but once a commit finds
 * MAX_PASSAGES or more in the part being written, the next are written into a
 * new one: PATH, then PATH.1, PATH.2, ... (ng_sink_part_path). An article
 * that an earlier part holds counts as replaced; merged by ng_store_compact
 * in that order, the latest version of an article is kept. */
ng_status_t ng_sink_open_bulk_parts(const char *path, const char *language, size_t max_passages, ng_sink_t **out,
                                    char **errmsg);
/* The path of part NUMBER (0, 1, ...) of the bulk loader at PATH, malloc'ed;
 * NULL when out of memory. */
char *ng_sink_part_path(const char *path, unsigned number);
/* A part of an addition to the index at BEHIND: as ng_sink_open_bulk, but an
 * article that BEHIND holds counts as replaced, and BEHIND's metadata shows
 * through where the part has none (its record of the dumps indexed). The
 * parts are merged onto BEHIND with ng_store_compact_onto. */
ng_status_t ng_sink_open_part(const char *path, const char *language, const char *behind, ng_sink_t **out,
                              char **errmsg);
/* Put the index at NEW in the place of the one at PATH in one step, as a
 * reader sees it; the old index is then at NEW. -1 (errno set) on failure.
 * A writer that was waiting for the old index's lock opens the new one. */
int ng_sink_swap_index(const char *new, const char *path);
/* Can two folders in the folder DIR swap places so (ng_sink_swap_index)?
 * Not on every file system. */
int ng_sink_can_swap(const char *dir);
/* Let the parts of an addition (PARTS, N of them, in the folder aside ASIDE)
 * be searched with the index at PATH before they are merged onto it: a stub
 * listing the index and the parts takes the index's place, and the index
 * goes to ASIDE/view. 0 when done; 1 when the index cannot be shown so (it
 * has no articles database, is a symbolic link, or has a name a stub cannot
 * list); -1 (errno set) on failure. The index stays as it was unless 0 is returned. */
int ng_sink_show_parts(const char *path, const char *aside, char *const *parts, size_t n);
/* Where ng_sink_show_parts puts the index while shown: ASIDE/view,
 * malloc'ed; NULL when out of memory. */
char *ng_sink_view_path(const char *aside);
/* Stop guarding the index that ng_sink_show_parts showed: from its return
 * until this call, a SIGINT, SIGTERM or SIGHUP that stops the process puts
 * the index back in its place first. */
void ng_sink_unguard(void);
/* Undo ng_sink_show_parts: put the index at ASIDE/view back at PATH, if it
 * is there and PATH is the stub. 0 when done or nothing to do, -1 (errno
 * set) on failure. */
int ng_sink_hide_parts(const char *path, const char *aside);
/* Remove the folders aside (PATH.new-PID) of index makings whose process is
 * gone, putting back an index they showed with their parts. */
void ng_sink_remove_leftovers(const char *path);
/* Remove the folder PATH of an index being made, and all it holds. */
void ng_sink_remove_folder(const char *path);
/* The bytes of the files under the folder PATH. */
unsigned long long ng_sink_folder_bytes(const char *path);
/* Is there no index at PATH yet (nothing, or an empty folder)? */
int ng_sink_vacant(const char *path);
/* A sink that keeps nothing and remembers no metadata: a dry run. */
ng_status_t ng_sink_open_null(ng_sink_t **out);
/* Close the sink; changes not committed are discarded. */
void ng_sink_close(ng_sink_t *sink);

/* Make DOCS (N of them, in order) the passages of ARTICLE and WHOLE its
 * article document (see ng_store_replace_article), in the index that holds
 * it, deleting what it had; *REPLACED: it had some. */
ng_status_t ng_sink_replace_article(ng_sink_t *sink, const ng_article_t *article, ng_doc_t *const *docs, size_t n,
                                    ng_doc_t *whole, int *replaced);
/* The sink's own metadata, committed with the articles. *VALUE is malloc'ed
 * ("" when unset). */
ng_status_t ng_sink_get_metadata(ng_sink_t *sink, const char *key, char **value);
ng_status_t ng_sink_set_metadata(ng_sink_t *sink, const char *key, const char *value);
/* Make every change since the last commit durable and visible; with several
 * databases, the metadata is committed last, so that it never records
 * articles that are not in. */
ng_status_t ng_sink_commit(ng_sink_t *sink);
/* The message of the last failure ("" if none). */
const char *ng_sink_errmsg(const ng_sink_t *sink);

#ifdef __cplusplus
}
#endif

#endif
