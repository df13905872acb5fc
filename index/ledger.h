/* The ledger of indexed dumps, kept in the index's metadata (one key per dump
 * path): each dump's content fingerprint, when it was indexed and what it held,
 * so that a dump already indexed is recognised and passed over. */
#ifndef NG_LEDGER_H
#define NG_LEDGER_H

#include "buf.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "size-crc32-hash64" in hex, and its NUL. */
#define NG_FINGERPRINT_SIZE 48

typedef struct ng_dump {
    const char *path;                      /* absolute; "-" for standard input */
    char fingerprint[NG_FINGERPRINT_SIZE]; /* "" when the dump could not be fingerprinted (a pipe) */
    long long time;                        /* when it was indexed, seconds since the epoch */
    char format[8];
    unsigned long articles, replaced, passages, rejected;
} ng_dump_t;

/* Set KEY to the metadata key of the dump at PATH. Returns 0, or -1 when out
 * of memory. */
int ng_ledger_key(const char *path, ng_buf_t *key);

/* The fingerprint of the content of the open file FD (read from its start to
 * its end) into OUT. NG_STATUS_IO_ERROR when it cannot be read (errno set). */
ng_status_t ng_ledger_fingerprint(int fd, char *out);

/* Append the metadata value recording DUMP to OUT. Returns 0, or -1 when out
 * of memory. */
int ng_ledger_encode(const ng_dump_t *dump, ng_buf_t *out);
/* Read VALUE back into DUMP, whose path then points into VALUE. Returns 0, or
 * -1 when VALUE is not a ledger record of this version. */
int ng_ledger_decode(const char *value, ng_dump_t *dump);

#ifdef __cplusplus
}
#endif

#endif
