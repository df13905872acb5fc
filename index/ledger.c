/* The ledger of ledger.h. A record is one line of tab-separated fields with a
 * version first, so that a later layout can tell old records apart. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "layout.h"
#include "ledger.h"

#define LEDGER_VERSION "1"
/* Xapian keys are short: a longer path is cut and made unique by a hash. */
#define MAX_KEY_PATH 180

static uint64_t fnv1a(uint64_t h, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ull;
    }
    return h;
}

int ng_ledger_key(const char *path, ng_buf_t *key)
{
    size_t len = strlen(path);
    ng_buf_clear(key);
    if (ng_buf_append_str(key, NG_META_DUMP) != 0)
        return -1;
    if (len <= MAX_KEY_PATH)
        return ng_buf_append(key, path, len);
    char hex[24];
    snprintf(hex, sizeof hex, "#%016" PRIx64, fnv1a(14695981039346656037ull, (const unsigned char *)path, len));
    if (ng_buf_append(key, path, MAX_KEY_PATH - 17) != 0 || ng_buf_append_str(key, hex) != 0)
        return -1;
    return 0;
}

ng_status_t ng_ledger_fingerprint(int fd, char *out)
{
    unsigned char chunk[1 << 15];
    unsigned long long size = 0;
    uLong crc = crc32(0L, Z_NULL, 0);
    uint64_t h = 14695981039346656037ull;
    if (lseek(fd, 0, SEEK_SET) != 0)
        return NG_STATUS_IO_ERROR;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return NG_STATUS_IO_ERROR;
        if (n == 0)
            break;
        size += (unsigned long long)n;
        crc = crc32(crc, chunk, (uInt)n);
        h = fnv1a(h, chunk, (size_t)n);
    }
    snprintf(out, NG_FINGERPRINT_SIZE, "%llx-%08lx-%016" PRIx64, size, (unsigned long)crc, h);
    return NG_STATUS_SUCCESS;
}

int ng_ledger_encode(const ng_dump_t *d, ng_buf_t *out)
{
    char head[256];
    snprintf(head, sizeof head, LEDGER_VERSION "\t%s\t%lld\t%s\t%lu\t%lu\t%lu\t%lu\t", d->fingerprint, d->time,
             d->format, d->articles, d->replaced, d->passages, d->rejected);
    if (ng_buf_append_str(out, head) != 0 || ng_buf_append_str(out, d->path) != 0)
        return -1;
    return 0;
}

/* Copy the field at *S up to its tab into OUT (SIZE bytes); -1 if too long. */
static int field(const char **s, char *out, size_t size)
{
    const char *tab = strchr(*s, '\t');
    if (!tab || (size_t)(tab - *s) >= size)
        return -1;
    memcpy(out, *s, (size_t)(tab - *s));
    out[tab - *s] = '\0';
    *s = tab + 1;
    return 0;
}

static int number(const char **s, unsigned long long *v)
{
    char buf[32], *end;
    if (field(s, buf, sizeof buf) != 0 || !*buf)
        return -1;
    errno = 0;
    *v = strtoull(buf, &end, 10);
    return *end || errno ? -1 : 0;
}

int ng_ledger_decode(const char *value, ng_dump_t *d)
{
    char version[8];
    unsigned long long t, articles, replaced, passages, rejected;
    memset(d, 0, sizeof *d);
    if (field(&value, version, sizeof version) != 0 || strcmp(version, LEDGER_VERSION) != 0 ||
        field(&value, d->fingerprint, sizeof d->fingerprint) != 0 || number(&value, &t) != 0 ||
        field(&value, d->format, sizeof d->format) != 0 || number(&value, &articles) != 0 ||
        number(&value, &replaced) != 0 || number(&value, &passages) != 0 || number(&value, &rejected) != 0)
        return -1;
    d->time = (long long)t;
    d->articles = (unsigned long)articles;
    d->replaced = (unsigned long)replaced;
    d->passages = (unsigned long)passages;
    d->rejected = (unsigned long)rejected;
    d->path = value;
    return 0;
}
