/* The dump readers under libFuzzer: whatever the bytes of a dump (JSON Lines,
 * TREC SGML, text, gzip of any of them), each call gives an article, a
 * rejected record with a message and a line, or the end, and never crashes,
 * leaks or overflows; every article it gives holds what article.h promises
 * (an id, a normalised date, valid UTF-8), and is segmented and analysed as
 * ingestion does. The first byte picks the format and the record bound. The
 * same function replays saved inputs in make check (replay.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "reader.h"
#include "segment.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ng_analyzer_t *analyzer;
static ng_segmenter_t *segmenter;
static char path[96];

static void fail(const char *what)
{
    fprintf(stderr, "fuzz-reader: %s\n", what);
    abort();
}

static void cleanup(void)
{
    if (*path)
        unlink(path);
}

/* The scratch file the reader reads: its name ends in .txt, so that the
 * automatic format takes a file that starts with neither '{' nor '<' as text. */
static void setup(void)
{
    if (ng_analyzer_new("english", &analyzer) != NG_STATUS_SUCCESS ||
        ng_segmenter_new(0, &segmenter) != NG_STATUS_SUCCESS)
        fail("no analyzer or segmenter");
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%.40s/newsgrep-fuzzXXXXXX.txt", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 4);
    if (fd < 0)
        fail("no scratch file");
    close(fd);
    atexit(cleanup);
}

static void check_string(const char *s, const char *what)
{
    if (!s)
        fail(what);
    size_t len = strlen(s);
    if (ng_utf8_valid_prefix(s, len) != len)
        fail(what);
}

/* YYYY-MM-DD, YYYY-MM, YYYY or "". */
static void check_date(const char *d)
{
    size_t len = strlen(d);
    if (len != 0 && len != 4 && len != 7 && len != 10)
        fail("date of a bad length");
    for (size_t i = 0; i < len; i++)
        if ((i == 4 || i == 7) ? d[i] != '-' : (d[i] < '0' || d[i] > '9'))
            fail("date not normalised");
}

static int count_token(void *ctx, const ng_token_t *tok)
{
    size_t len = *(size_t *)ctx;
    if (!tok->term_len || !tok->word_len || tok->start >= tok->end || tok->end > len)
        fail("bad token");
    return 0;
}

static void check_article(const ng_article_t *a)
{
    check_string(a->id, "id not UTF-8");
    if (!*a->id)
        fail("empty id");
    check_date(a->date);
    check_string(a->title, "title not UTF-8");
    check_string(a->source, "source not UTF-8");
    check_string(a->url, "url not UTF-8");
    check_string(a->language, "language not UTF-8");
    if (!a->body || ng_utf8_valid_prefix(a->body, a->body_len) != a->body_len)
        fail("body not UTF-8");
    size_t n, len = strlen(a->title);
    if (ng_analyzer_run(analyzer, a->title, len, 0, NULL, count_token, &len) != 0)
        fail("title not analysed");
    if (ng_segment(segmenter, a->body, a->body_len, &n) != NG_STATUS_SUCCESS)
        fail("body not segmented");
    for (size_t i = 0; i < n; i++) {
        const char *text;
        ng_segment_get(segmenter, i, &text, &len);
        if (memchr(text, '\n', len))
            fail("a passage of more than one line");
        if (ng_analyzer_run(analyzer, text, len, 0, NULL, count_token, &len) != 0)
            fail("passage not analysed");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!analyzer)
        setup();
    if (size == 0)
        return 0;
    static const ng_format_t formats[] = {NG_FORMAT_AUTO, NG_FORMAT_JSONL, NG_FORMAT_TREC, NG_FORMAT_TEXT};
    ng_format_t format = formats[data[0] & 3];
    size_t max_record = data[0] & 4 ? 1024 : NG_READER_MAX_RECORD;
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data + 1, 1, size - 1, fp) != size - 1 || fclose(fp) != 0)
        fail("cannot write the scratch file");
    ng_reader_t *r = NULL;
    char *errmsg = NULL;
    if (ng_reader_open(path, "fuzz", "fuzz.txt", format, &r, &errmsg) != NG_STATUS_SUCCESS)
        fail(errmsg ? errmsg : "cannot open the scratch file");
    ng_reader_set_max_record(r, max_record);
    unsigned long last = 0;
    for (size_t calls = 0;; calls++) {
        if (calls > size + 2)
            fail("more records than bytes");
        ng_article_t a;
        ng_status_t st = ng_reader_next(r, &a);
        if (st == NG_STATUS_END || st == NG_STATUS_IO_ERROR) {
            if (st == NG_STATUS_IO_ERROR && !ng_reader_errmsg(r))
                fail("an I/O error without a message");
            break;
        }
        if (st == NG_STATUS_BAD_RECORD) {
            const char *msg = ng_reader_errmsg(r);
            if (!msg || !*msg || strchr(msg, '\n'))
                fail("a rejected record without a one-line message");
            if (ng_reader_line(r) < last)
                fail("line numbers going back");
            last = ng_reader_line(r);
            continue;
        }
        if (st != NG_STATUS_SUCCESS)
            fail("a status the reader does not promise");
        check_article(&a);
        unsigned long wline;
        const char *warning = ng_reader_warning(r, &wline);
        if (warning && (!*warning || strchr(warning, '\n')))
            fail("a warning of other than one line");
    }
    ng_reader_close(r);
    return 0;
}
