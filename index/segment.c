/* The segmenter of segment.h. It works on bytes: every rule it applies (line
 * ends, spaces, sentence punctuation, hyphens) is ASCII, so UTF-8 and even
 * stray non-UTF-8 bytes pass through unchanged. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "segment.h"

/* A block of at least this many lines averaging under WRAP_LINE_BYTES is
 * hard-wrapped text (OCR columns, e-mail): its lines are one flow. */
#define WRAP_MIN_LINES 3
#define WRAP_LINE_BYTES 80
/* A trailing block of short lines after a blank line is site chrome
 * ("Search", "Date archive") when no line has more than these. */
#define CHROME_MAX_LINES 8
#define CHROME_MAX_WORDS 4
#define CHROME_MAX_BYTES 40

typedef struct span {
    size_t start, len;
} span_t;

enum { WORD_SENTENCE_END = 1, WORD_LINE_END = 2 };

typedef struct word {
    size_t start, end;
    unsigned flags;
} word_t;

struct ng_segmenter {
    size_t max_words;
    span_t *lines;
    size_t nlines, lines_cap;
    ng_buf_t para; /* the paragraph being cut, whitespace collapsed */
    word_t *words;
    size_t nwords, words_cap;
    size_t *line_ends; /* paragraph offsets where hard-wrapped lines ended */
    size_t line_ends_cap;
    ng_buf_t out;     /* the text of all passages */
    span_t *passages; /* ranges of out */
    size_t npassages, passages_cap;
};

static int grow(void **array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(*array, n * size);
    if (!p)
        return -1;
    *array = p;
    *cap = n;
    return 0;
}

ng_status_t ng_segmenter_new(size_t max_words, ng_segmenter_t **out)
{
    ng_segmenter_t *seg = calloc(1, sizeof *seg);
    *out = seg;
    if (!seg)
        return NG_STATUS_OUT_OF_MEMORY;
    seg->max_words = max_words ? max_words : NG_PASSAGE_MAX_WORDS;
    return NG_STATUS_SUCCESS;
}

void ng_segmenter_destroy(ng_segmenter_t *seg)
{
    if (!seg)
        return;
    free(seg->lines);
    free(seg->words);
    free(seg->line_ends);
    free(seg->passages);
    ng_buf_free(&seg->para);
    ng_buf_free(&seg->out);
    free(seg);
}

void ng_segment_get(const ng_segmenter_t *seg, size_t i, const char **text, size_t *len)
{
    *text = seg->out.data + seg->passages[i].start;
    *len = seg->passages[i].len;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static size_t count_words(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (!is_blank(s[i]) && (i == 0 || is_blank(s[i - 1])))
            n++;
    return n;
}

/* Split BODY into lines trimmed of blanks; blank lines stay, with len 0. */
static int split_lines(ng_segmenter_t *seg, const char *body, size_t len)
{
    seg->nlines = 0;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(body + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - body) : len;
        size_t s = i, e = end;
        while (s < e && is_blank(body[s]))
            s++;
        while (e > s && is_blank(body[e - 1]))
            e--;
        if (grow((void **)&seg->lines, &seg->lines_cap, seg->nlines + 1, sizeof *seg->lines) != 0)
            return -1;
        seg->lines[seg->nlines].start = s;
        seg->lines[seg->nlines].len = e - s;
        seg->nlines++;
        i = end + 1;
    }
    return 0;
}

static int looks_like_chrome(const char *s, size_t len)
{
    if (len == 0 || len > CHROME_MAX_BYTES || count_words(s, len) > CHROME_MAX_WORDS)
        return 0;
    return strchr(".!?:;\"')", s[len - 1]) == NULL && (unsigned char)s[len - 1] < 0x80;
}

/* Drop a trailing block of chrome lines, when a blank line parts it from text. */
static void drop_chrome(ng_segmenter_t *seg, const char *body)
{
    size_t last = seg->nlines;
    while (last > 0 && seg->lines[last - 1].len == 0)
        last--;
    size_t first = last;
    while (first > 0 && seg->lines[first - 1].len > 0 &&
           looks_like_chrome(body + seg->lines[first - 1].start, seg->lines[first - 1].len))
        first--;
    if (first == last || last - first > CHROME_MAX_LINES || first < 2 || seg->lines[first - 1].len != 0)
        return;
    /* the block must follow a line that is not chrome, or it would be the text */
    for (size_t i = first - 1; i-- > 0;)
        if (seg->lines[i].len > 0) {
            seg->nlines = first;
            return;
        }
}

/* Append LEN bytes of S to the paragraph, blanks collapsed to one space. */
static int para_append(ng_segmenter_t *seg, const char *s, size_t len)
{
    if (ng_buf_reserve(&seg->para, len) != 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = is_blank(s[i]) ? ' ' : s[i];
        if (c == ' ' && (seg->para.len == 0 || seg->para.data[seg->para.len - 1] == ' '))
            continue;
        seg->para.data[seg->para.len++] = c;
    }
    seg->para.data[seg->para.len] = '\0';
    return 0;
}

static int is_sentence_end(const char *s, size_t start, size_t end)
{
    while (end > start && strchr("\"')]", s[end - 1]))
        end--;
    /* closing quotes ” and ’ (E2 80 9D, E2 80 99) */
    while (end >= start + 3 && (unsigned char)s[end - 3] == 0xE2 && (unsigned char)s[end - 2] == 0x80 &&
           ((unsigned char)s[end - 1] == 0x9D || (unsigned char)s[end - 1] == 0x99))
        end -= 3;
    return end > start && (s[end - 1] == '.' || s[end - 1] == '!' || s[end - 1] == '?');
}

/* Find the words of the paragraph; LINE_ENDS are the paragraph offsets where
 * an original line ended (sorted), NLINE_ENDS of them. */
static int find_words(ng_segmenter_t *seg, const size_t *line_ends, size_t nline_ends)
{
    const char *s = seg->para.data;
    size_t len = seg->para.len, k = 0;
    seg->nwords = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && s[i] != ' ')
            i++;
        if (grow((void **)&seg->words, &seg->words_cap, seg->nwords + 1, sizeof *seg->words) != 0)
            return -1;
        word_t *w = &seg->words[seg->nwords++];
        w->start = start;
        w->end = i;
        w->flags = is_sentence_end(s, start, i) ? WORD_SENTENCE_END : 0;
        while (k < nline_ends && line_ends[k] < i)
            k++;
        if (k < nline_ends && line_ends[k] <= i + 1)
            w->flags |= WORD_LINE_END;
    }
    return 0;
}

static int emit(ng_segmenter_t *seg, const char *s, size_t len)
{
    int has_word = 0;
    for (size_t i = 0; i < len && !has_word; i++) {
        unsigned char c = (unsigned char)s[i];
        has_word = c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    }
    if (!has_word)
        return 0;
    if (grow((void **)&seg->passages, &seg->passages_cap, seg->npassages + 1, sizeof *seg->passages) != 0)
        return -1;
    seg->passages[seg->npassages].start = seg->out.len;
    seg->passages[seg->npassages].len = len;
    seg->npassages++;
    return ng_buf_append(&seg->out, s, len);
}

/* Cut the paragraph into passages of at most max_words words. */
static int cut_paragraph(ng_segmenter_t *seg, const size_t *line_ends, size_t nline_ends)
{
    if (find_words(seg, line_ends, nline_ends) != 0)
        return -1;
    const char *s = seg->para.data;
    size_t max = seg->max_words, first = 0;
    while (seg->nwords - first > max) {
        size_t cut = 0, line_cut = 0;
        for (size_t w = first + max / 2; w < first + max; w++) {
            if (seg->words[w].flags & WORD_SENTENCE_END)
                cut = w + 1;
            if (seg->words[w].flags & WORD_LINE_END)
                line_cut = w + 1;
        }
        if (!cut)
            cut = line_cut ? line_cut : first + max;
        if (emit(seg, s + seg->words[first].start, seg->words[cut - 1].end - seg->words[first].start) != 0)
            return -1;
        first = cut;
    }
    if (first < seg->nwords)
        return emit(seg, s + seg->words[first].start, seg->words[seg->nwords - 1].end - seg->words[first].start);
    return 0;
}

/* A line ending "word-" whose next line starts in lower case was one word. */
static int hyphenated(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen >= 2 && a[alen - 1] == '-' && ((a[alen - 2] | 0x20) >= 'a' && (a[alen - 2] | 0x20) <= 'z') &&
           blen > 0 && b[0] >= 'a' && b[0] <= 'z';
}

static int segment_block(ng_segmenter_t *seg, const char *body, size_t first, size_t last)
{
    size_t n = last - first, bytes = 0;
    for (size_t i = first; i < last; i++)
        bytes += seg->lines[i].len;
    int wrapped = n >= WRAP_MIN_LINES && bytes / n < WRAP_LINE_BYTES;
    if (!wrapped) {
        for (size_t i = first; i < last; i++) {
            ng_buf_clear(&seg->para);
            if (para_append(seg, body + seg->lines[i].start, seg->lines[i].len) != 0 ||
                cut_paragraph(seg, NULL, 0) != 0)
                return -1;
        }
        return 0;
    }
    if (grow((void **)&seg->line_ends, &seg->line_ends_cap, n, sizeof *seg->line_ends) != 0)
        return -1;
    ng_buf_clear(&seg->para);
    for (size_t i = first; i < last; i++) {
        const char *s = body + seg->lines[i].start;
        size_t len = seg->lines[i].len;
        if (i + 1 < last && hyphenated(s, len, body + seg->lines[i + 1].start, seg->lines[i + 1].len))
            len--; /* "Pitts-" + "burgh" */
        if (para_append(seg, s, len) != 0)
            return -1;
        seg->line_ends[i - first] = seg->para.len;
        if (i + 1 < last && len == seg->lines[i].len && para_append(seg, " ", 1) != 0)
            return -1;
    }
    return cut_paragraph(seg, seg->line_ends, n);
}

ng_status_t ng_segment(ng_segmenter_t *seg, const char *body, size_t len, size_t *n)
{
    seg->npassages = 0;
    ng_buf_clear(&seg->out);
    *n = 0;
    if (split_lines(seg, body, len) != 0)
        return NG_STATUS_OUT_OF_MEMORY;
    drop_chrome(seg, body);
    for (size_t i = 0; i < seg->nlines;) {
        if (seg->lines[i].len == 0) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < seg->nlines && seg->lines[j].len > 0)
            j++;
        if (segment_block(seg, body, i, j) != 0)
            return NG_STATUS_OUT_OF_MEMORY;
        i = j;
    }
    *n = seg->npassages;
    return NG_STATUS_SUCCESS;
}
