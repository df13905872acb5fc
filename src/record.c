/* Encoding of the passage record: a version byte, the passage number, then each
 * field as a varint length and its bytes, in a fixed order. */
#include <stdint.h>
#include <string.h>

#include "record.h"

#define RECORD_VERSION 1

static int put_varint(ng_buf_t *out, uint64_t v)
{
    unsigned char b[10];
    size_t n = 0;
    do {
        b[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    return ng_buf_append(out, b, n);
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p == end)
            return -1;
        unsigned char b = *(*p)++;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

/* The fields in their encoded order. */
#define RECORD_FIELDS(rec)                                                                                           \
    {                                                                                                                \
        &(rec)->article_id, &(rec)->title, &(rec)->date, &(rec)->source, &(rec)->url, &(rec)->language, &(rec)->text \
    }

int ng_record_encode(const ng_record_t *rec, ng_buf_t *out)
{
    const ng_field_t *fields[] = RECORD_FIELDS(rec);
    if (ng_buf_append_byte(out, RECORD_VERSION) != 0 || put_varint(out, rec->passage) != 0)
        return -1;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (put_varint(out, fields[i]->len) != 0 || ng_buf_append(out, fields[i]->ptr, fields[i]->len) != 0)
            return -1;
    return 0;
}

int ng_record_decode(const char *data, size_t len, ng_record_t *rec)
{
    const unsigned char *p = (const unsigned char *)data, *end = p + len;
    ng_field_t *fields[] = RECORD_FIELDS(rec);
    uint64_t v;
    memset(rec, 0, sizeof *rec);
    if (p == end || *p++ != RECORD_VERSION || get_varint(&p, end, &v) != 0 || v > UINT32_MAX)
        return -1;
    rec->passage = (unsigned)v;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (get_varint(&p, end, &v) != 0 || v > (uint64_t)(end - p))
            return -1;
        fields[i]->ptr = (const char *)p;
        fields[i]->len = (size_t)v;
        p += v;
    }
    return p == end ? 0 : -1;
}
