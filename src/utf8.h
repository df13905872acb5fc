/* UTF-8 decoding and repair shared by the analyzer and the dump readers: bytes
 * that are not valid UTF-8 are read as Windows-1252 everywhere, by one table. */
#ifndef NG_UTF8_H
#define NG_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Decode the code point at S (N >= 1 bytes left) into *CP and return its length
 * in bytes (>= 1). A byte that does not start a valid sequence (overlong forms,
 * surrogates and code points past U+10FFFF are invalid) is one Windows-1252
 * character; the five bytes that code page leaves undefined give U+FFFD. */
size_t ng_utf8_decode(const unsigned char *s, size_t n, int32_t *cp);

/* The length of the valid UTF-8 sequence at S (N >= 1 bytes left), its code
 * point in *CP; 0 when none starts there (an overlong form, a surrogate, past
 * U+10FFFF, cut short). */
size_t ng_utf8_sequence(const unsigned char *s, size_t n, int32_t *cp);

/* The length of the longest valid UTF-8 prefix of TEXT: LEN when all of it is. */
size_t ng_utf8_valid_prefix(const char *text, size_t len);

/* Append TEXT to OUT as valid UTF-8: each byte that ng_utf8_decode reads as
 * Windows-1252 is re-encoded. Returns the number of such bytes (0: TEXT was
 * valid and is appended as it is), or -1 when out of memory. */
long ng_utf8_repair(const char *text, size_t len, ng_buf_t *out);

/* Write CP as UTF-8 into OUT (room for 4 bytes); returns the length, 0 for a
 * value that is no Unicode scalar value. */
size_t ng_utf8_encode(int32_t cp, char *out);

#ifdef __cplusplus
}
#endif

#endif
