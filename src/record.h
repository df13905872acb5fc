/* The passage record kept as each Xapian document's data: what a hit needs to be
 * printed without re-reading the dump (passage text, article id and metadata). */
#ifndef NG_RECORD_H
#define NG_RECORD_H

#include <stddef.h>

#include "buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A field is a byte range, not NUL-terminated; a missing field has len 0. */
typedef struct ng_field {
    const char *ptr;
    size_t len;
} ng_field_t;

typedef struct ng_record {
    ng_field_t article_id;
    unsigned passage; /* 1-based passage number within the article */
    ng_field_t title;
    ng_field_t date; /* YYYY-MM-DD, or a prefix of it, or empty */
    ng_field_t source;
    ng_field_t url;
    ng_field_t language;
    ng_field_t text; /* the passage */
} ng_record_t;

/* Append the encoding of REC to OUT. Returns 0, or -1 when out of memory. */
int ng_record_encode(const ng_record_t *rec, ng_buf_t *out);

/* Decode DATA (LEN bytes) into REC, whose fields then point into DATA.
 * Returns 0, or -1 when DATA is not a record of this version. */
int ng_record_decode(const char *data, size_t len, ng_record_t *rec);

#ifdef __cplusplus
}
#endif

#endif
