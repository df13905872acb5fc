/* A growable byte buffer, the one way newsgrep builds strings and records.
 * The buffer owns its bytes; the contents stay NUL-terminated for convenience. */
#ifndef NG_BUF_H
#define NG_BUF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ng_buf {
    char *data; /* NUL-terminated when cap > 0; NULL before the first append */
    size_t len;
    size_t cap;
} ng_buf_t;

#define NG_BUF_INIT \
    {               \
        NULL, 0, 0  \
    }

/* Make room for EXTRA more bytes (plus the NUL). Returns 0, or -1 when out of memory. */
int ng_buf_reserve(ng_buf_t *buf, size_t extra);
int ng_buf_append(ng_buf_t *buf, const void *bytes, size_t len);
int ng_buf_append_str(ng_buf_t *buf, const char *str);
int ng_buf_append_byte(ng_buf_t *buf, char byte);
/* Empty the buffer but keep its memory for reuse. */
void ng_buf_clear(ng_buf_t *buf);
void ng_buf_free(ng_buf_t *buf);
/* The contents as a C string ("" for an empty buffer). */
const char *ng_buf_str(const ng_buf_t *buf);

#ifdef __cplusplus
}
#endif

#endif
