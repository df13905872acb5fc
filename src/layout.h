/* The index layout: term prefixes, value slots and metadata keys, and the
 * spelling of filter terms and values, shared by the indexer and the query. */
#ifndef NG_LAYOUT_H
#define NG_LAYOUT_H

#include <stddef.h>

#include "buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Unprefixed terms are the passage's stemmed words (where each stands is in
 * the forward file, src/forward.h, and with --positions in Xapian too). */
#define NG_PREFIX_TITLE "S"     /* stemmed title words */
#define NG_PREFIX_SOURCE "XSRC" /* source name, see ng_layout_filter_term */
#define NG_PREFIX_LANG "XLANG"  /* language code, see ng_layout_filter_term */
#define NG_PREFIX_ARTICLE "XA"  /* article id: every passage of the article (store-owned) */
#define NG_PREFIX_PASSAGE "Q"   /* "<article id>#<n>": the passage itself, in older indexes only (store-owned) */

enum {
    NG_SLOT_DATE = 0,    /* YYYYMMDD (or YYYYMM, YYYY), sortable; absent when unknown */
    NG_SLOT_ARTICLE = 1, /* article id: the collapse key (store-owned) */
    NG_SLOT_PASSAGE = 2, /* passage number, sortable (store-owned) */
};

/* Metadata keys. */
#define NG_META_LANGUAGE "newsgrep.language" /* the analyzer language of the index */
#define NG_META_DUMP "newsgrep.dump:"        /* + dump path: the indexer's record of a dump (index/ledger.h) */
/* "1" when some article of the index has no article document (an index made
 * before them, or passages given without one): ranking must not start from
 * the article documents then (store-owned) */
#define NG_META_ARTICLES_MISSING "newsgrep.articles-missing"
/* "1" when the passages' words have Xapian's positions as well as the
 * forward file (newsgrep-index --positions; store-owned) */
#define NG_META_POSITIONS "newsgrep.positions"

/* Filter terms are cut to this many bytes (Xapian's term limit is 245). */
#define NG_MAX_FILTER_TERM 200

/* Set OUT to the filter term PREFIX + VALUE, the value trimmed, its ASCII
 * letters in lower case and runs of blanks made one space, cut to
 * NG_MAX_FILTER_TERM bytes: "Wikinews" and " wikinews " are one source.
 * Returns 0, 1 when VALUE is blank (OUT is then empty), -1 when out of memory. */
int ng_layout_filter_term(ng_buf_t *out, const char *prefix, const char *value);

/* Write the sortable date value of DATE (YYYY-MM-DD, YYYY-MM or YYYY) into
 * OUT (at least 9 bytes): its digits. Returns their number, 0 for no date. */
size_t ng_layout_date_value(const char *date, char *out);

#ifdef __cplusplus
}
#endif

#endif
