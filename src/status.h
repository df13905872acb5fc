/* Status codes shared by every newsgrep module, and their messages.
 * Library functions return one of these; only the programs' main() exits. */
#ifndef NG_STATUS_H
#define NG_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ng_status {
    NG_STATUS_SUCCESS = 0,
    NG_STATUS_END, /* an iteration has no more items */
    NG_STATUS_OUT_OF_MEMORY,
    NG_STATUS_IO_ERROR,    /* reading or writing a file failed */
    NG_STATUS_BAD_RECORD,  /* one input record was rejected; the next may be fine */
    NG_STATUS_BAD_QUERY,   /* the query text cannot be parsed */
    NG_STATUS_NO_INDEX,    /* nothing at the index path */
    NG_STATUS_INDEX_ERROR, /* the index exists but cannot be used */
    NG_STATUS_LOCKED,      /* another writer holds the index */
    NG_STATUS_INVALID_ARGUMENT,
    NG_STATUS_UNSUPPORTED, /* e.g. an unknown stemming language */
    NG_STATUS_LAST_STATUS
} ng_status_t;

/* A static string describing STATUS; never NULL. */
const char *ng_status_to_string(ng_status_t status);

/* "SUBJECT: WHAT" (a file and what went wrong with it), malloc'ed; NULL
 * when out of memory. */
char *ng_message(const char *subject, const char *what);

#ifdef __cplusplus
}
#endif

#endif
