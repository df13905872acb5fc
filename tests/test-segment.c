/* The segmenter (index/segment.h): how an article body becomes passages. A
 * passage is what a hit shows and what BM25 ranks, so its bounds matter:
 * one paragraph, or a bounded piece of one cut where a reader would cut. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "segment.h"
#include "tap.h"

/* Passages of any test that held a line break or carriage return: a passage
 * must be single-line text wherever it came from. */
static size_t multiline_passages;
/* The passage count of the last ng_segment() call, so that passage() never
 * reads past the passages there are. */
static size_t last_count;

static size_t segment(ng_segmenter_t *seg, const char *body, size_t len)
{
    size_t n = 0;
    if (ng_segment(seg, body, len, &n) != NG_STATUS_SUCCESS) {
        printf("Bail out! ng_segment failed\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        const char *text;
        size_t tlen;
        ng_segment_get(seg, i, &text, &tlen);
        if (memchr(text, '\n', tlen) || memchr(text, '\r', tlen))
            multiline_passages++;
    }
    last_count = n;
    return n;
}

static size_t segment_str(ng_segmenter_t *seg, const char *body)
{
    return segment(seg, body, strlen(body));
}

/* Passage I as a C string (in a buffer reused by the next call with the same B). */
static const char *passage(ng_segmenter_t *seg, size_t i, ng_buf_t *b)
{
    const char *text;
    size_t len;
    if (i >= last_count)
        return "(no such passage)";
    ng_segment_get(seg, i, &text, &len);
    ng_buf_clear(b);
    ng_buf_append(b, text, len);
    return ng_buf_str(b);
}

static int starts_with(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strlen(s) >= n && memcmp(s, prefix, n) == 0;
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    for (size_t i = 0; s[i]; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
            n++;
    return n;
}

static ng_segmenter_t *new_segmenter(size_t max_words)
{
    ng_segmenter_t *seg = NULL;
    if (ng_segmenter_new(max_words, &seg) != NG_STATUS_SUCCESS || !seg) {
        printf("Bail out! cannot create a segmenter\n");
        exit(1);
    }
    return seg;
}

/* The file's bytes, malloc'ed, or exit. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ng_buf_t b = NG_BUF_INIT;
    char chunk[4096];
    size_t n;
    if (!f) {
        printf("Bail out! cannot open %s\n", path);
        exit(1);
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ng_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data;
}

static void test_seed_article(ng_segmenter_t *seg)
{
    const char *srcdir = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof path, "%s/corpus/seed/000_63da0c3924deb257.txt", srcdir ? srcdir : ".");
    size_t len;
    char *file = slurp(path, &len);
    /* the text format's first line is the title; the body is the rest */
    const char *nl = memchr(file, '\n', len);
    const char *body = nl ? nl + 1 : file + len;
    size_t n = segment(seg, body, len - (size_t)(body - file));
    ng_buf_t b = NG_BUF_INIT;

    is_num(n, 10, "the seed article has 10 passages");
    ok(n >= 9 && strstr(passage(seg, 8, &b), "calling on the coalition to withdraw"),
       "the 9th passage holds \"calling on the coalition to withdraw\"");
    ok(n >= 1 && starts_with(passage(seg, 0, &b), "The United States and Iraq said Thursday"),
       "the first passage is the first paragraph");
    size_t chrome = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = passage(seg, i, &b);
        chrome += strcmp(p, "Search") == 0 || strcmp(p, "Date archive") == 0 || strstr(p, "Date archive");
    }
    is_num(chrome, 0, "the site chrome at the end (Search, Date archive) is dropped");
    ok(n >= 1 && starts_with(passage(seg, n - 1, &b), "Sudani said Daesh"), "the last passage is the last paragraph");
    ng_buf_free(&b);
    free(file);
}

static void test_paragraphs(ng_segmenter_t *seg)
{
    ng_buf_t b = NG_BUF_INIT;
    const char *bbc = "The first paragraph says one thing.\n"
                      "\n"
                      "The second paragraph, a little longer, says another.\n"
                      "\n"
                      "\"The third is a quote,\" he said.\n";
    is_num(segment_str(seg, bbc), 3, "paragraphs parted by blank lines are passages");
    is_str(passage(seg, 0, &b), "The first paragraph says one thing.", "first paragraph, exact");
    is_str(passage(seg, 2, &b), "\"The third is a quote,\" he said.", "third paragraph, exact");

    /* Long lines with no blank line between them (the seed's style) are
     * paragraphs of their own too: long lines are not hard-wrapped text. */
    char body[2048];
    snprintf(body, sizeof body, "%s\n%s\n%s\n",
             "A long line of a web article that runs well past the width of any wrapped column of text.",
             "Another long line, also clearly a paragraph of its own, far longer than eighty bytes in all.",
             "And a third such line, which ends the article with a full sentence of its own here.");
    is_num(segment_str(seg, body), 3, "long lines are paragraphs even without blank lines");

    is_num(segment_str(seg, "  Spaces \t and\ttabs   collapse.  \r\n\r\nCRLF line ends.\r\n"), 2,
           "blank lines with CRLF part paragraphs");
    is_str(passage(seg, 0, &b), "Spaces and tabs collapse.", "runs of blanks become one space, ends trimmed");
    is_str(passage(seg, 1, &b), "CRLF line ends.", "the carriage return is not kept");

    is_num(segment_str(seg, "Before the break.\n\n* * *\n\nAfter the break.\n"), 2,
           "a paragraph with no letter or digit gives no passage");
    is_str(passage(seg, 1, &b), "After the break.", "the paragraph after it is kept");
    is_num(segment_str(seg, "--- *** ---\n"), 0, "a body of punctuation only has no passage");

    is_num(segment_str(seg, ""), 0, "an empty body has no passage");
    is_num(segment(seg, "ignored", 0), 0, "a zero length means an empty body");
    is_num(segment_str(seg, "\n\n \t \n\n"), 0, "a body of blank lines has no passage");
    ng_buf_free(&b);
}

static void test_chrome(ng_segmenter_t *seg)
{
    ng_buf_t b = NG_BUF_INIT;
    const char *body = "The talks began on Thursday in Baghdad, officials said.\n"
                       "\n"
                       "Share this\n"
                       "Twitter\n"
                       "Facebook\n";
    is_num(segment_str(seg, body), 1, "a trailing block of short unpunctuated lines is dropped");
    is_str(passage(seg, 0, &b), "The talks began on Thursday in Baghdad, officials said.", "the text is kept");

    body = "The talks began on Thursday in Baghdad, officials said.\n"
           "\n"
           "He left.\n";
    is_num(segment_str(seg, body), 2, "a short final sentence is no chrome");
    is_str(passage(seg, 1, &b), "He left.", "the final sentence is kept");

    body = "The talks began on Thursday in Baghdad, officials said.\n"
           "\n"
           "The talks will resume on Monday\n";
    is_num(segment_str(seg, body), 2, "a final line over four words is no chrome");

    /* short lines alone are the text itself, not chrome around it */
    is_num(segment_str(seg, "Ceasefire agreed\n"), 1, "a body that is one short line is kept");
    is_str(passage(seg, 0, &b), "Ceasefire agreed", "and is the passage");

    /* chrome must be parted from the text by a blank line */
    body = "The talks began on Thursday in Baghdad, officials said.\n"
           "Baghdad bureau\n";
    is_num(segment_str(seg, body), 2, "a short last line right under the text is kept");
    ng_buf_free(&b);
}

/* Paragraph of WORDS words in sentences of 3 to 9 words (one sentence end in
 * any 9 consecutive words), into B. */
static void make_long_paragraph(ng_buf_t *b, size_t words)
{
    static const size_t lengths[] = {7, 3, 9, 5, 8, 4, 6};
    size_t in_sentence = 0, k = 0;
    ng_buf_clear(b);
    for (size_t w = 0; w < words; w++) {
        char word[32];
        snprintf(word, sizeof word, "%sword%zu", in_sentence == 0 ? "W" : "", w);
        if (w)
            ng_buf_append_byte(b, ' ');
        ng_buf_append_str(b, word);
        if (++in_sentence == lengths[k % 7] || w + 1 == words) {
            ng_buf_append_byte(b, '.');
            in_sentence = 0;
            k++;
        }
    }
}

static void test_long_paragraph(void)
{
    const size_t max = 30;
    ng_segmenter_t *seg = new_segmenter(max);
    ng_buf_t para = NG_BUF_INIT, b = NG_BUF_INIT, joined = NG_BUF_INIT;
    make_long_paragraph(&para, 400);
    size_t n = segment(seg, para.data, para.len);
    ok(n >= 400 / max + 1 && n <= 400 / (max / 2), "400 words in passages of at most %zu: %zu passages", max, n);

    size_t too_long = 0, not_at_sentence = 0, first_half = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = passage(seg, i, &b);
        size_t words = count_words(p);
        too_long += words > max;
        if (i + 1 < n) {
            not_at_sentence += p[strlen(p) - 1] != '.';
            /* a sentence end falls in every window's second half: the cut is there */
            first_half += words <= max / 2;
        }
        if (i)
            ng_buf_append_byte(&joined, ' ');
        ng_buf_append_str(&joined, p);
    }
    is_num(too_long, 0, "no passage is over max_words");
    is_num(not_at_sentence, 0, "every cut is at a sentence end");
    is_num(first_half, 0, "no cut is in a window's first half");
    is_str(joined.data, para.data, "the passages put together are the paragraph: no word lost");
    ng_segmenter_destroy(seg);

    /* The last sentence end of the window is taken, not the first. */
    seg = new_segmenter(10);
    n = segment_str(seg, "a b c d e f. g h. i j k l m n o p.");
    is_num(n, 2, "a 16-word paragraph in windows of 10: 2 passages");
    is_str(passage(seg, 0, &b), "a b c d e f. g h.", "the cut is at the window's last sentence end");

    /* A sentence end in the first half only is not taken: the cut is at the bound. */
    n = segment_str(seg, "Short one. a b c d e f g h i j k l m n o");
    is_num(n, 2, "with no sentence end in the second half: 2 passages");
    is_str(passage(seg, 0, &b), "Short one. a b c d e f g h", "the cut is at the bound itself");
    is_str(passage(seg, 1, &b), "i j k l m n o", "and the rest follows");

    /* Closing quotes after the stop still end a sentence. */
    is_num(segment_str(seg, "a b c d e f \"g h.\" i j k l m n"), 2, "a quoted sentence end: 2 passages");
    is_str(passage(seg, 0, &b), "a b c d e f \"g h.\"", "a quoted sentence end is a sentence end");
    is_num(segment_str(seg, "a b c d e f “g h?” i j k l m n"), 2, "a curly-quoted one: 2 passages");
    is_str(passage(seg, 0, &b), "a b c d e f “g h?”", "so is one before a curly quote");
    ng_segmenter_destroy(seg);

    /* The default bound is NG_PASSAGE_MAX_WORDS. */
    seg = new_segmenter(0);
    make_long_paragraph(&para, NG_PASSAGE_MAX_WORDS);
    is_num(segment(seg, para.data, para.len), 1, "a paragraph of exactly NG_PASSAGE_MAX_WORDS is one passage");
    ng_buf_clear(&para);
    for (int w = 0; w < NG_PASSAGE_MAX_WORDS + 10; w++)
        ng_buf_append_str(&para, "word ");
    is_num(segment(seg, para.data, para.len), 2, "10 words more, without sentences: 2 passages");
    is_num(count_words(passage(seg, 0, &b)), NG_PASSAGE_MAX_WORDS, "the first is cut at the bound");
    ng_segmenter_destroy(seg);

    ng_buf_free(&para);
    ng_buf_free(&b);
    ng_buf_free(&joined);
}

static void test_wrapped(ng_segmenter_t *seg)
{
    ng_buf_t b = NG_BUF_INIT;
    const char *ocr = "The council met on Tuesday to\n"
                      "discuss the new bridge. Members\n"
                      "agreed that the work should begin\n"
                      "in the spring.\n";
    is_num(segment_str(seg, ocr), 1, "hard-wrapped short lines are one flow");
    is_str(passage(seg, 0, &b),
           "The council met on Tuesday to discuss the new bridge. Members agreed that the work should begin in "
           "the spring.",
           "its lines are joined by spaces");

    /* two short lines are not enough to call a block wrapped */
    is_num(segment_str(seg, "Short line one\nShort line two.\n"), 2, "two short lines stay two passages");

    const char *hyphen = "The steel works of Pitts-\n"
                         "burgh were busy all\n"
                         "through the long winter\n"
                         "months of that year.\n";
    segment_str(seg, hyphen);
    is_str(passage(seg, 0, &b),
           "The steel works of Pittsburgh were busy all through the long winter months of that year.",
           "Pitts-/burgh across a line end is rejoined to Pittsburgh");

    /* Cut at line ends when no sentence ends: 12 lines of 4 words, windows of
     * 10 words: each passage ends where a line ended (after 8 words). */
    ng_segmenter_t *small = new_segmenter(10);
    ng_buf_t body = NG_BUF_INIT;
    for (int line = 0; line < 12; line++) {
        char text[64];
        snprintf(text, sizeof text, "L%da L%db L%dc L%dd\n", line, line, line, line);
        ng_buf_append_str(&body, text);
    }
    size_t n = segment(small, body.data, body.len);
    is_num(n, 6, "48 wrapped words in windows of 10 cut at line ends: 6 passages");
    is_str(passage(small, 0, &b), "L0a L0b L0c L0d L1a L1b L1c L1d", "the first ends at a line end");
    is_str(passage(small, 1, &b), "L2a L2b L2c L2d L3a L3b L3c L3d", "so does the second");
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = passage(small, i, &b);
        bad += !(p[strlen(p) - 1] == 'd' && count_words(p) <= 10);
    }
    is_num(bad, 0, "every passage ends at a line end and is within the bound");

    /* a sentence end beats a line end */
    is_num(segment_str(small, "a b c d\ne f. g h\ni j k l\nm n o p\n"), 2,
           "16 wrapped words in windows of 10: 2 passages");
    is_str(passage(small, 0, &b), "a b c d e f.", "in wrapped text a sentence end beats a later line end");
    ng_segmenter_destroy(small);
    ng_buf_free(&body);
    ng_buf_free(&b);
}

static void test_bytes(ng_segmenter_t *seg)
{
    ng_buf_t b = NG_BUF_INIT;
    const char *body = "Caf\xE9 society \xFF\xFE in naïve “quotes”.";
    is_num(segment_str(seg, body), 1, "invalid UTF-8: one passage");
    is_str(passage(seg, 0, &b), body, "invalid UTF-8 bytes pass through unchanged");

    /* a paragraph of only non-ASCII letters is text */
    is_num(segment_str(seg, "Москва\n"), 1, "a Cyrillic-only paragraph is kept");
    ng_buf_free(&b);
}

int main(void)
{
    ng_segmenter_t *seg = new_segmenter(0);
    test_seed_article(seg);
    test_paragraphs(seg);
    test_chrome(seg);
    test_long_paragraph();
    test_wrapped(seg);
    test_bytes(seg);
    is_num(multiline_passages, 0, "no passage of any test holds a line break");
    ng_segmenter_destroy(seg);
    return tap_done();
}
