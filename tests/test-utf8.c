/* The shared UTF-8 helpers (src/utf8.h): the strict decoder, the Windows-1252
 * reading of bytes that are not UTF-8, and the repair the readers make. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"
#include "utf8.h"

static int32_t decode1(const char *s, size_t n, size_t *len)
{
    int32_t cp = -2;
    *len = ng_utf8_decode((const unsigned char *)s, n, &cp);
    return cp;
}

static void test_decode(void)
{
    size_t len;
    is_num(decode1("a", 1, &len), 'a', "ASCII decodes to itself");
    is_num(len, 1, "in one byte");
    is_num(decode1("\xC3\xA9", 2, &len), 0xE9, "C3 A9 is é");
    is_num(len, 2, "in two bytes");
    is_num(decode1("\xE2\x82\xAC", 3, &len), 0x20AC, "E2 82 AC is the euro sign");
    is_num(decode1("\xF0\x9F\x93\xB0", 4, &len), 0x1F4F0, "a 4-byte sequence (newspaper emoji)");
    is_num(len, 4, "in four bytes");

    /* bytes that are no UTF-8: one Windows-1252 character each */
    is_num(decode1("\xE9t\xE9", 3, &len), 0xE9, "a lone E9 is Windows-1252 é");
    is_num(len, 1, "one byte");
    is_num(decode1("\x80", 1, &len), 0x20AC, "80 is the euro sign in Windows-1252");
    is_num(decode1("\x93", 1, &len), 0x201C, "93 is a left double quote");
    is_num(decode1("\x81", 1, &len), 0xFFFD, "81, undefined in Windows-1252, is U+FFFD");
    is_num(decode1("\xC0\xAF", 2, &len), 0xC0, "an overlong C0 AF is two characters, not '/'");
    is_num(len, 1, "the first of them one byte long");
    is_num(decode1("\xE0\x80\xAF", 3, &len), 0xE0, "an overlong 3-byte form is not decoded");
    is_num(decode1("\xED\xA0\x80", 3, &len), 0xED, "a UTF-16 surrogate is not decoded");
    is_num(decode1("\xF4\x90\x80\x80", 4, &len), 0xF4, "past U+10FFFF is not decoded");
    is_num(decode1("\xC3", 1, &len), 0xC3, "a sequence cut by the end is read byte by byte");
    is_num(decode1("\xE2\x82", 2, &len), 0xE2, "so is a 3-byte one");
}

static void test_valid_prefix(void)
{
    is_num(ng_utf8_valid_prefix("plain", 5), 5, "ASCII is valid");
    is_num(ng_utf8_valid_prefix("caf\xC3\xA9", 5), 5, "UTF-8 é is valid");
    is_num(ng_utf8_valid_prefix("caf\xE9 au lait", 12), 3, "the prefix ends at the first bad byte");
    is_num(ng_utf8_valid_prefix("ab\xC3", 3), 2, "a sequence cut at the end is not valid");
    is_num(ng_utf8_valid_prefix("", 0), 0, "the empty string is valid");
}

static void test_repair(void)
{
    ng_buf_t out = NG_BUF_INIT;
    is_num(ng_utf8_repair("caf\xC3\xA9", 5, &out), 0, "valid text needs no repair");
    is_str(ng_buf_str(&out), "caf\xC3\xA9", "and is appended as it is");

    ng_buf_clear(&out);
    is_num(ng_utf8_repair("caf\xE9 \x93hot\x94 \xA3"
                          "5",
                          13, &out),
           4, "four Windows-1252 bytes repaired");
    is_str(ng_buf_str(&out), "café “hot” £5", "into their UTF-8 characters");
    is_num(ng_utf8_valid_prefix(out.data, out.len), out.len, "the result is valid UTF-8");

    ng_buf_clear(&out);
    is_num(ng_utf8_repair("a\xC3\xA9\xE9z", 5, &out), 1,
           "a mix of UTF-8 and Latin-1: only the Latin-1 byte is repaired");
    is_str(ng_buf_str(&out), "aééz", "both read as é");

    ng_buf_clear(&out);
    is_num(ng_utf8_repair("\x81", 1, &out), 1, "an undefined byte is repaired");
    is_str(ng_buf_str(&out), "\xEF\xBF\xBD", "into U+FFFD");

    /* every byte value alone gives valid UTF-8 */
    int all_valid = 1;
    for (int b = 0; b < 256; b++) {
        char c = (char)b;
        ng_buf_clear(&out);
        ng_utf8_repair(&c, 1, &out);
        all_valid &= ng_utf8_valid_prefix(out.data, out.len) == out.len;
    }
    ok(all_valid, "every single byte repairs to valid UTF-8");
    ng_buf_free(&out);
}

static void test_encode(void)
{
    char out[4];
    is_num(ng_utf8_encode('A', out), 1, "A in one byte");
    is_num(ng_utf8_encode(0xE9, out), 2, "é in two");
    ok(memcmp(out, "\xC3\xA9", 2) == 0, "as C3 A9");
    is_num(ng_utf8_encode(0x20AC, out), 3, "the euro sign in three");
    is_num(ng_utf8_encode(0x1F4F0, out), 4, "an emoji in four");
    is_num(ng_utf8_encode(0xD800, out), 0, "a surrogate is no character");
    is_num(ng_utf8_encode(0x110000, out), 0, "nor is U+110000");
}

int main(void)
{
    test_decode();
    test_valid_prefix();
    test_repair();
    test_encode();
    return tap_done();
}
