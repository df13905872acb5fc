/* The passage record (src/record.h): what each Xapian document carries as its
 * data. Whatever is encoded must decode to the same bytes, and anything that
 * is not a whole record of this version must be refused, never half-read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "record.h"
#include "tap.h"

#define NFIELDS 7

static const char *const field_names[NFIELDS] = {"article_id", "title", "date", "source", "url", "language", "text"};

static ng_field_t *field(ng_record_t *rec, int i)
{
    ng_field_t *fields[NFIELDS] = {&rec->article_id, &rec->title,    &rec->date, &rec->source,
                                   &rec->url,        &rec->language, &rec->text};
    return fields[i];
}

static ng_field_t bytes(const char *ptr, size_t len)
{
    ng_field_t f = {ptr, len};
    return f;
}

static ng_field_t str(const char *s)
{
    return bytes(s, strlen(s));
}

/* Encode IN, decode it, and check that every field came back; WHAT names the case. */
static void round_trip(const ng_record_t *in, const char *what)
{
    ng_buf_t buf = NG_BUF_INIT;
    ng_record_t out;
    is_num(ng_record_encode(in, &buf), 0, "%s: encodes", what);
    if (!is_num(ng_record_decode(buf.data, buf.len, &out), 0, "%s: decodes", what)) {
        ng_buf_free(&buf);
        return;
    }
    is_num(out.passage, in->passage, "%s: passage number", what);
    ng_record_t copy = *in;
    for (int i = 0; i < NFIELDS; i++) {
        const ng_field_t *a = field(&copy, i), *b = field(&out, i);
        ok(a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0), "%s: %s (%zu bytes)", what,
           field_names[i], a->len);
        /* decoded fields are views into the encoded bytes, not copies */
        if (b->len)
            ok(b->ptr >= buf.data && b->ptr + b->len <= buf.data + buf.len, "%s: %s points into the data", what,
               field_names[i]);
    }
    ng_buf_free(&buf);
}

static ng_record_t sample(void)
{
    ng_record_t rec;
    memset(&rec, 0, sizeof rec);
    rec.article_id = str("wikinews-en/2024/baghdad-talks");
    rec.passage = 9;
    rec.title = str("Baghdad, Washington to start talks to end US military presence in Iraq");
    rec.date = str("2024-01-25");
    rec.source = str("Wikinews");
    rec.url = str("https://en.wikinews.org/wiki/Baghdad_talks");
    rec.language = str("en");
    rec.text = str("Prime Minister Mohamed Shia al-Sudani calling on the coalition to withdraw.");
    return rec;
}

static void test_round_trips(void)
{
    ng_record_t rec = sample();
    round_trip(&rec, "all fields");

    ng_record_t empty;
    memset(&empty, 0, sizeof empty);
    empty.passage = 1;
    round_trip(&empty, "all fields empty (NULL pointers)");

    rec = sample();
    rec.date = str("");
    rec.source = str("");
    rec.url = bytes(NULL, 0);
    round_trip(&rec, "some fields empty");

    rec = sample();
    rec.text = bytes("before\0middle\0after", 19);
    rec.title = bytes("\0", 1);
    round_trip(&rec, "NUL bytes in text and title");

    /* lengths and passage numbers that need several varint bytes */
    char *big = malloc(70000);
    if (!big) {
        printf("Bail out! out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < 70000; i++)
        big[i] = (char)(i * 7 + 1);
    rec = sample();
    rec.text = bytes(big, 70000);
    rec.title = bytes(big, 128);
    rec.passage = 300;
    round_trip(&rec, "a 70000-byte text, a 128-byte title, passage 300");
    free(big);

    rec = sample();
    rec.passage = UINT32_MAX;
    round_trip(&rec, "the largest passage number");
}

static void test_append(void)
{
    /* encode appends: what was in the buffer stays, the record follows it */
    ng_buf_t buf = NG_BUF_INIT;
    ng_record_t rec = sample(), out;
    ng_buf_append_str(&buf, "XYZ");
    ng_record_encode(&rec, &buf);
    ok(buf.len > 3 && memcmp(buf.data, "XYZ", 3) == 0, "encode keeps what the buffer held");
    is_num(ng_record_decode(buf.data + 3, buf.len - 3, &out), 0, "the appended record decodes");
    char id[64];
    snprintf(id, sizeof id, "%.*s", (int)out.article_id.len, out.article_id.ptr ? out.article_id.ptr : "");
    is_str(id, "wikinews-en/2024/baghdad-talks", "and holds the article id");
    ng_buf_free(&buf);
}

static void test_rejects(void)
{
    ng_buf_t buf = NG_BUF_INIT;
    ng_record_t rec = sample(), out;
    ng_record_encode(&rec, &buf);
    size_t len = buf.len;

    /* Every proper prefix, each in its own allocation so that valgrind sees
     * any read past the end. */
    size_t accepted = 0;
    for (size_t n = 0; n < len; n++) {
        char *prefix = malloc(n ? n : 1);
        memcpy(prefix, buf.data, n);
        accepted += ng_record_decode(prefix, n, &out) == 0;
        free(prefix);
    }
    is_num(accepted, 0, "none of the %zu proper prefixes of a record decodes", len);

    char *copy = malloc(len + 1);
    memcpy(copy, buf.data, len);
    copy[0] = 2;
    is_num(ng_record_decode(copy, len, &out), -1, "version byte 2 is refused");
    copy[0] = 0;
    is_num(ng_record_decode(copy, len, &out), -1, "version byte 0 is refused");
    copy[0] = buf.data[0];
    is_num(ng_record_decode(copy, len, &out), 0, "with its version byte back the copy decodes");
    copy[len] = 'x';
    is_num(ng_record_decode(copy, len + 1, &out), -1, "one byte of trailing garbage is refused");
    free(copy);

    /* a length longer than the bytes left */
    const unsigned char short_field[] = {1, 1, 5, 'a', 'b'};
    is_num(ng_record_decode((const char *)short_field, sizeof short_field, &out), -1,
           "a field length past the end is refused");
    /* a varint that never ends within 64 bits */
    unsigned char endless[16];
    endless[0] = 1;
    memset(endless + 1, 0x80, sizeof endless - 1);
    is_num(ng_record_decode((const char *)endless, sizeof endless, &out), -1, "an endless varint is refused");
    /* a passage number over 32 bits */
    const unsigned char huge_passage[] = {1, 0x80, 0x80, 0x80, 0x80, 0x10, 0, 0, 0, 0, 0, 0, 0};
    is_num(ng_record_decode((const char *)huge_passage, sizeof huge_passage, &out), -1,
           "a passage number over 2^32 - 1 is refused");
    /* the same bytes with passage 1 are a valid all-empty record */
    const unsigned char minimal[] = {1, 1, 0, 0, 0, 0, 0, 0, 0};
    is_num(ng_record_decode((const char *)minimal, sizeof minimal, &out), 0, "the smallest record decodes");
    is_num(out.passage, 1, "as passage 1");
    ng_buf_free(&buf);
}

int main(void)
{
    test_round_trips();
    test_append();
    test_rejects();
    return tap_done();
}
