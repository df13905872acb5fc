/* The growable byte buffer of buf.h.
 * Capacity doubles, so appending N bytes costs O(N) amortised. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int ng_buf_reserve(ng_buf_t *buf, size_t extra)
{
    if (extra > (size_t)-1 / 2 - buf->len)
        return -1;
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return 0;
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap *= 2;
    char *data = realloc(buf->data, cap);
    if (!data)
        return -1;
    buf->data = data;
    buf->cap = cap;
    return 0;
}

int ng_buf_append(ng_buf_t *buf, const void *bytes, size_t len)
{
    if (ng_buf_reserve(buf, len) != 0)
        return -1;
    if (len)
        memcpy(buf->data + buf->len, bytes, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return 0;
}

int ng_buf_append_str(ng_buf_t *buf, const char *str)
{
    return ng_buf_append(buf, str, strlen(str));
}

int ng_buf_append_byte(ng_buf_t *buf, char byte)
{
    return ng_buf_append(buf, &byte, 1);
}

void ng_buf_clear(ng_buf_t *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void ng_buf_free(ng_buf_t *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

const char *ng_buf_str(const ng_buf_t *buf)
{
    return buf->data ? buf->data : "";
}
