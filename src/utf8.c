/* The UTF-8 helpers of utf8.h: a strict decoder (the rules of utf8proc) with
 * Windows-1252 as the reading of every byte it cannot place. */
#include "utf8.h"

/* Windows-1252 reading of the bytes 0x80-0x9F; other bytes >= 0xA0 are Latin-1. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static int continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* The length of the valid sequence at S (N bytes left), 0 when invalid. */
size_t ng_utf8_sequence(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2 || c > 0xF4) /* continuation bytes, overlong 2-byte leads, past U+10FFFF */
        return 0;
    if (c < 0xE0) {
        if (n < 2 || !continuation(s[1]))
            return 0;
        *cp = ((int32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || !continuation(s[1]) || !continuation(s[2]))
            return 0;
        int32_t v = ((int32_t)(c & 0x0F) << 12) | ((int32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return 3;
    }
    if (n < 4 || !continuation(s[1]) || !continuation(s[2]) || !continuation(s[3]))
        return 0;
    int32_t v =
        ((int32_t)(c & 0x07) << 18) | ((int32_t)(s[1] & 0x3F) << 12) | ((int32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    if (v < 0x10000 || v > 0x10FFFF)
        return 0;
    *cp = v;
    return 4;
}

size_t ng_utf8_decode(const unsigned char *s, size_t n, int32_t *cp)
{
    size_t k = ng_utf8_sequence(s, n, cp);
    if (k)
        return k;
    *cp = s[0] < 0xA0 ? cp1252_high[s[0] - 0x80] : s[0];
    return 1;
}

size_t ng_utf8_valid_prefix(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    int32_t cp;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = ng_utf8_sequence(s + i, len - i, &cp);
        if (!k)
            return i;
        i += k;
    }
    return len;
}

size_t ng_utf8_encode(int32_t cp, char *out)
{
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

long ng_utf8_repair(const char *text, size_t len, ng_buf_t *out)
{
    long repaired = 0;
    size_t done = 0;
    while (done < len) {
        size_t valid = done + ng_utf8_valid_prefix(text + done, len - done);
        if (ng_buf_append(out, text + done, valid - done) != 0)
            return -1;
        if (valid == len)
            break;
        int32_t cp;
        char enc[4];
        ng_utf8_decode((const unsigned char *)text + valid, len - valid, &cp);
        if (ng_buf_append(out, enc, ng_utf8_encode(cp, enc)) != 0)
            return -1;
        repaired++;
        done = valid + 1;
    }
    return repaired;
}
