/* The dump readers (index/reader.h): text and JSON Lines files, plain or
 * gzip, and how a bad record is reported and skipped without losing the
 * records around it. Fixtures are in tests/data/reader/; gzip files are made
 * from them at run time, in a scratch folder. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "input.h"
#include "reader.h"
#include "tap.h"

static char scratch[4096];

static void bail(const char *what)
{
    printf("Bail out! %s\n", what);
    exit(1);
}

static const char *fixture(const char *name, char *path, size_t size)
{
    const char *srcdir = getenv("top_srcdir");
    if ((size_t)snprintf(path, size, "%s/tests/data/reader/%s", srcdir && *srcdir ? srcdir : ".", name) >= size)
        bail("fixture path too long");
    return path;
}

static const char *scratch_file(const char *name, char *path, size_t size)
{
    if ((size_t)snprintf(path, size, "%s/%s", scratch, name) >= size)
        bail("scratch path too long");
    return path;
}

static void make_scratch(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/test-reader.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch))
        bail("cannot create a scratch folder");
}

/* The scratch folder is flat: remove its files, then it. */
static void remove_scratch(void)
{
    DIR *dir = opendir(scratch);
    struct dirent *de;
    char path[4096 + 256];
    while (dir && (de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", scratch, de->d_name);
        unlink(path);
    }
    if (dir)
        closedir(dir);
    rmdir(scratch);
}

static void read_file(const char *path, ng_buf_t *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    size_t n;
    if (!f)
        bail(path);
    ng_buf_clear(out);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ng_buf_append(out, chunk, n);
    fclose(f);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        bail(path);
}

/* Append DATA as one gzip member to PATH (so two calls make a multi-member file). */
static void gzip_append(const char *path, const void *data, size_t len)
{
    gzFile gz = gzopen(path, "ab");
    if (!gz || gzwrite(gz, data, (unsigned)len) != (int)len || gzclose(gz) != Z_OK)
        bail(path);
}

static ng_reader_t *open_reader(const char *path, const char *text_id, ng_format_t format)
{
    ng_reader_t *r = NULL;
    char *errmsg = NULL;
    ng_status_t st = ng_reader_open(path, path, text_id, format, &r, &errmsg);
    if (st != NG_STATUS_SUCCESS) {
        printf("# %s\n", errmsg ? errmsg : ng_status_to_string(st));
        bail("cannot open a reader");
    }
    free(errmsg);
    return r;
}

/* Everything a reader yields, one line per call, so that two ways of reading
 * the same records can be compared as strings. Line numbers are left out. */
static void dump_reader(const char *path, ng_format_t format, ng_buf_t *out)
{
    ng_reader_t *r = open_reader(path, "id", format);
    ng_article_t a;
    ng_status_t st;
    ng_buf_clear(out);
    ng_buf_append_str(out, ""); /* an empty dump is "", not NULL */
    while ((st = ng_reader_next(r, &a)) != NG_STATUS_END) {
        ng_buf_append_str(out, ng_status_to_string(st));
        if (st == NG_STATUS_SUCCESS) {
            const char *fields[] = {a.id, a.date, a.title, a.source, a.url, a.language};
            for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
                ng_buf_append_byte(out, '|');
                ng_buf_append_str(out, fields[i]);
            }
            ng_buf_append_byte(out, '|');
            ng_buf_append(out, a.body, a.body_len);
        }
        ng_buf_append_byte(out, '\n');
    }
    ng_reader_close(r);
}

static void test_text(void)
{
    char path[4096], gz[4096];
    ng_article_t a;
    ng_reader_t *r = open_reader(fixture("article.txt", path, sizeof path), "seed/article.txt", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_TEXT, "a .txt file is read as text");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "text: one article");
    is_str(a.id, "seed/article.txt", "text: the id is the text_id given");
    is_str(a.title, "Baghdad talks to begin", "text: the title is the first non-blank line, left-trimmed");
    is_str(a.body, "The first paragraph.\n\nThe second paragraph.\n", "text: the body is the rest");
    is_num(a.body_len, strlen("The first paragraph.\n\nThe second paragraph.\n"), "text: body_len is its length");
    is_str(a.date, "", "text: no date");
    ok(a.source && a.url && a.language && !*a.source && !*a.url && !*a.language,
       "text: source, url and language are empty, not NULL");
    is_num(a.line, 3, "text: the article starts at its title line");
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "text: one article per file");
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "text: and the end stays the end");
    ng_reader_close(r);

    /* the same file gzip-compressed, named .txt.gz */
    ng_buf_t plain = NG_BUF_INIT, packed = NG_BUF_INIT;
    read_file(path, &plain);
    gzip_append(scratch_file("article.txt.gz", gz, sizeof gz), plain.data, plain.len);
    r = open_reader(gz, "seed/article.txt", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_TEXT, "a .txt.gz file is read as text");
    ng_reader_close(r);
    dump_reader(path, NG_FORMAT_AUTO, &plain);
    dump_reader(gz, NG_FORMAT_AUTO, &packed);
    ok(strstr(plain.data, "success|id||Baghdad talks to begin|") != NULL, "the .txt dump holds the article");
    is_str(packed.data, plain.data, "a .txt.gz file yields what the .txt yields");

    /* forced to text, a file of blank lines has no article */
    write_file(scratch_file("blank.txt", gz, sizeof gz), "\n  \n\t\n", 5);
    r = open_reader(gz, "blank.txt", NG_FORMAT_TEXT);
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "text: a file of blank lines has no article");
    ng_reader_close(r);
    ng_buf_free(&plain);
    ng_buf_free(&packed);
}

static void test_jsonl_good(void)
{
    char path[4096];
    ng_article_t a;
    ng_reader_t *r = open_reader(fixture("articles.jsonl", path, sizeof path), "unused", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_JSONL, "a file starting with { is JSON Lines");

    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "jsonl: record 1");
    is_str(a.id, "wire-001", "jsonl: id");
    is_str(a.date, "2024-01-25", "jsonl: a datetime 2024-01-25T10:00:00Z becomes the date 2024-01-25");
    is_str(a.title, "Baghdad, Washington to start talks", "jsonl: title");
    is_str(a.source, "Example Wire", "jsonl: source");
    is_str(a.url, "https://example.org/wire-001", "jsonl: url");
    is_str(a.language, "en", "jsonl: language");
    is_str(a.body,
           "The United States and Iraq said Thursday they will begin discussions.\n"
           "The talks will come at a time of heightened tensions.",
           "jsonl: body, \\n escapes decoded");
    is_num(a.line, 1, "jsonl: record 1 is on line 1");

    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "jsonl: record 2");
    is_str(a.date, "2024-01", "jsonl: a year-month date is kept");
    is_str(a.title, "Café owners protest “new rules”", "jsonl: \\u escapes become UTF-8");
    is_str(a.language, "fr", "jsonl: the language is as given");
    is_num(a.line, 2, "jsonl: record 2 is on line 2");

    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "jsonl: record 3");
    is_str(a.date, "", "jsonl: a date 'yesterday' is an unknown date");
    is_str(a.id, "wire-003", "jsonl: the record with the bad date is still read");
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "jsonl: then the end");
    ng_reader_close(r);
}

typedef struct expect {
    unsigned long line;
    ng_status_t status;
    const char *id;   /* SUCCESS: the id */
    const char *what; /* the case, for the messages */
} expect_t;

static void test_jsonl_bad_records(void)
{
    static const expect_t want[] = {
        {1, NG_STATUS_SUCCESS, "m1", "a good record"},
        {2, NG_STATUS_BAD_RECORD, NULL, "a line of broken JSON"},
        {3, NG_STATUS_SUCCESS, "m3", "the good record after the broken line"},
        {4, NG_STATUS_SUCCESS, "https://example.org/no-id", "a record without id: the url is its id"},
        {5, NG_STATUS_SUCCESS, NULL, "a record with neither id nor url: a hash is its id"},
        {6, NG_STATUS_BAD_RECORD, NULL, "a record with neither title nor body"},
        {7, NG_STATUS_BAD_RECORD, NULL, "a JSON array, not an object"},
        {9, NG_STATUS_SUCCESS, "42", "a numeric id (after a blank line, indented)"},
        {10, NG_STATUS_BAD_RECORD, NULL, "a record with a duplicate key"},
        {11, NG_STATUS_SUCCESS, "m11", "a record with a NUL in the body"},
        {12, NG_STATUS_SUCCESS, "m12", "the last record"},
    };
    char path[4096];
    ng_article_t a;
    ng_reader_t *r = open_reader(fixture("mixed.jsonl", path, sizeof path), "unused", NG_FORMAT_AUTO);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ng_status_t st = ng_reader_next(r, &a);
        is_num(st, want[i].status, "mixed line %lu, %s: %s", want[i].line, want[i].what,
               ng_status_to_string(want[i].status));
        is_num(ng_reader_line(r), want[i].line, "mixed line %lu: ng_reader_line() says so", want[i].line);
        if (st != want[i].status)
            continue;
        if (st == NG_STATUS_SUCCESS) {
            if (want[i].id)
                is_str(a.id, want[i].id, "mixed line %lu: id", want[i].line);
            is_num(a.line, want[i].line, "mixed line %lu: the article knows its line", want[i].line);
        } else {
            ok(*ng_reader_errmsg(r) != '\0', "mixed line %lu: with a message (%s)", want[i].line, ng_reader_errmsg(r));
        }
        if (want[i].line == 4) {
            is_str(a.url, "https://example.org/no-id", "the url is kept as the url too");
            is_str(a.date, "", "a record without a date has the empty date");
        }
        if (want[i].line == 5) {
            /* FNV-1a (64 bits) of source, date, title and body, each with its NUL */
            const char parts[] = "\0\0Neither id nor url\0Body five.";
            unsigned long long h = 14695981039346656037ull;
            for (size_t k = 0; k < sizeof parts; k++) {
                h ^= (unsigned char)parts[k];
                h *= 1099511628211ull;
            }
            char want_id[32];
            snprintf(want_id, sizeof want_id, "hash:%016llx", h);
            is_str(a.id, want_id, "the id of a record without id or url is the hash of its source, date, title, body");
        }
        if (want[i].line == 9)
            ok(a.body_len == 0 && *a.body == '\0', "an empty body is fine when there is a title");
        if (want[i].line == 11)
            ok(a.body_len == 12 && memcmp(a.body, "before after", 12) == 0, "a NUL in the body becomes a space");
        if (want[i].line == 12)
            is_str(a.date, "", "a date with month 13 is an unknown date");
    }
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "mixed: then the end");
    ng_reader_close(r);
}

static void test_gzip(void)
{
    char plain_path[4096], mixed_path[4096], gz[4096], multi[4096];
    ng_buf_t bytes = NG_BUF_INIT, want = NG_BUF_INIT, got = NG_BUF_INIT;

    fixture("articles.jsonl", plain_path, sizeof plain_path);
    fixture("mixed.jsonl", mixed_path, sizeof mixed_path);
    read_file(plain_path, &bytes);
    gzip_append(scratch_file("articles.jsonl.gz", gz, sizeof gz), bytes.data, bytes.len);
    gzip_append(scratch_file("multi.jsonl.gz", multi, sizeof multi), bytes.data, bytes.len);
    read_file(mixed_path, &bytes);
    gzip_append(multi, bytes.data, bytes.len);

    dump_reader(plain_path, NG_FORMAT_AUTO, &want);
    dump_reader(gz, NG_FORMAT_AUTO, &got);
    ok(want.len > 0 && strstr(want.data, "wire-003"), "the plain fixture reads");
    is_str(got.data, want.data, "a .jsonl.gz file yields what the plain file yields");

    /* two gzip members in one file: the records of both */
    dump_reader(mixed_path, NG_FORMAT_AUTO, &bytes);
    ng_buf_append_str(&want, bytes.data);
    dump_reader(multi, NG_FORMAT_AUTO, &got);
    is_str(got.data, want.data, "a multi-member gzip yields the records of every member");
    ng_reader_t *r = open_reader(multi, "unused", NG_FORMAT_AUTO);
    ng_article_t a;
    for (int i = 0; i < 4; i++)
        ng_reader_next(r, &a);
    is_str(a.id, "m1", "the second member's first record comes fourth");
    is_num(a.line, 4, "and the line count goes on across members");
    ng_reader_close(r);

    /* a gzip cut in the middle: the records before the damage, then an error */
    const int total = 2000;
    ng_buf_clear(&bytes);
    unsigned long rnd = 12345;
    for (int i = 0; i < total; i++) {
        char line[512];
        int n = snprintf(line, sizeof line, "{\"id\": \"r%04d\", \"title\": \"Record %d\", \"body\": \"", i, i);
        ng_buf_append(&bytes, line, (size_t)n);
        for (int w = 0; w < 12; w++) { /* varied words, so the stream does not shrink to nothing */
            rnd = rnd * 6364136223846793005ul + 1442695040888963407ul;
            n = snprintf(line, sizeof line, "w%lx ", (rnd >> 33) & 0xfffff);
            ng_buf_append(&bytes, line, (size_t)n);
        }
        ng_buf_append_str(&bytes, "\"}\n");
    }
    gzip_append(scratch_file("whole.jsonl.gz", gz, sizeof gz), bytes.data, bytes.len);
    read_file(gz, &bytes);
    write_file(scratch_file("truncated.jsonl.gz", gz, sizeof gz), bytes.data, bytes.len / 2);
    r = open_reader(gz, "unused", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_JSONL, "a truncated gzip is still recognised");
    ng_status_t st;
    int good = 0, in_order = 1;
    while ((st = ng_reader_next(r, &a)) == NG_STATUS_SUCCESS) {
        char id[16];
        snprintf(id, sizeof id, "r%04d", good);
        in_order &= strcmp(a.id, id) == 0;
        good++;
    }
    is_num(st, NG_STATUS_IO_ERROR, "a truncated gzip ends in an I/O error");
    ok(good > total / 10 && good < total, "the records before the damage are read (%d of %d)", good, total);
    ok(in_order, "they are the first records, in order");
    ok(*ng_reader_errmsg(r) != '\0', "the error has a message (%s)", ng_reader_errmsg(r));
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "after the I/O error the reader is at its end");
    ng_reader_close(r);

    /* nothing but the start of a gzip header */
    write_file(scratch_file("header.jsonl.gz", gz, sizeof gz), bytes.data, 6);
    r = open_reader(gz, "unused", NG_FORMAT_JSONL);
    is_num(ng_reader_next(r, &a), NG_STATUS_IO_ERROR, "a gzip cut inside its header is an I/O error");
    ng_reader_close(r);

    ng_buf_free(&bytes);
    ng_buf_free(&want);
    ng_buf_free(&got);
}

/* A record over NG_INPUT_MAX_LINE is rejected alone. */
static void test_long_line(void)
{
    char path[4096];
    FILE *f = fopen(scratch_file("long.jsonl", path, sizeof path), "wb");
    if (!f)
        bail(path);
    fputs("{\"id\": \"before\", \"title\": \"t\"}\n{\"id\": \"huge\", \"title\": \"t\", \"body\": \"", f);
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    for (size_t n = 0; n < NG_INPUT_MAX_LINE + (1u << 20); n += sizeof block)
        fwrite(block, 1, sizeof block, f);
    fputs("\"}\n{\"id\": \"after\", \"title\": \"t\"}\n", f);
    if (fclose(f) != 0)
        bail(path);

    ng_article_t a;
    ng_reader_t *r = open_reader(path, "unused", NG_FORMAT_AUTO);
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "long line file: the record before");
    is_num(ng_reader_next(r, &a), NG_STATUS_BAD_RECORD, "a line 1 MiB over NG_INPUT_MAX_LINE is rejected");
    is_num(ng_reader_line(r), 2, "as line 2");
    ng_status_t st = ng_reader_next(r, &a);
    is_num(st, NG_STATUS_SUCCESS, "the record after it is read");
    is_str(st == NG_STATUS_SUCCESS ? a.id : "", "after", "and is the right one");
    is_num(a.line, 3, "on line 3");
    ng_reader_close(r);
    unlink(path);

    /* The bound itself, through the line reader under the readers: a line of
     * NG_INPUT_MAX_LINE bytes is read, one byte more is not. gzip keeps the
     * scratch file small. */
    gzFile gz = gzopen(scratch_file("bound.txt.gz", path, sizeof path), "wb");
    if (!gz)
        bail(path);
    for (int extra = 0; extra <= 1; extra++) {
        for (size_t n = 0; n < NG_INPUT_MAX_LINE; n += sizeof block)
            gzwrite(gz, block, sizeof block);
        gzputs(gz, extra ? "x\n" : "\n");
    }
    gzputs(gz, "end\n");
    if (gzclose(gz) != Z_OK)
        bail(path);
    ng_input_t *in;
    char *errmsg;
    const char *line;
    size_t len = 0;
    if (ng_input_open(path, "bound.txt.gz", &in, &errmsg) != NG_STATUS_SUCCESS)
        bail(path);
    is_num(ng_input_getline(in, &line, &len), NG_STATUS_SUCCESS, "a line of NG_INPUT_MAX_LINE bytes is read");
    is_num(len, NG_INPUT_MAX_LINE, "whole, without its \\n");
    is_num(ng_input_getline(in, &line, &len), NG_STATUS_BAD_RECORD, "a line of NG_INPUT_MAX_LINE + 1 bytes is not");
    is_num(ng_input_line(in), 2, "it is line 2");
    is_num(ng_input_getline(in, &line, &len), NG_STATUS_SUCCESS, "the line after it is read");
    ok(len == 3 && memcmp(line, "end", 3) == 0, "and is the right one");
    is_num(ng_input_getline(in, &line, &len), NG_STATUS_END, "then the end");
    ng_input_close(in);
}

static void test_detection(void)
{
    char path[4096];
    ng_article_t a;
    ng_reader_t *r = open_reader(fixture("README", path, sizeof path), "README", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_NONE, "a README (no .txt, no {) is no dump");
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "and yields no article");
    ng_reader_close(r);

    r = open_reader(path, "README", NG_FORMAT_TEXT);
    is_num(ng_reader_format(r), NG_FORMAT_TEXT, "a forced format is kept");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "the README forced to text is read");
    is_str(a.title, "This folder holds the fixtures of tests/test-reader.c.", "its first line is the title");
    ng_reader_close(r);

    r = open_reader(fixture("looks-like-text.txt", path, sizeof path), "x", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_JSONL, "a .txt file starting with { is JSON Lines: content wins");
    ng_reader_close(r);

    write_file(scratch_file("empty.txt", path, sizeof path), "", 0);
    r = open_reader(path, "empty.txt", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_NONE, "an empty .txt file is no dump");
    ng_reader_close(r);

    /* A UTF-8 byte-order mark before the first '{' does not hide the format. */
    write_file(scratch_file("bom.jsonl", path, sizeof path), "\xEF\xBB\xBF{\"id\": \"b1\", \"body\": \"x\"}\n", 29);
    r = open_reader(path, "bom.jsonl", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_JSONL, "a JSON Lines file with a byte-order mark is JSON Lines");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "and its first record is read");
    is_str(a.id, "b1", "whole");
    ng_reader_close(r);
    write_file(scratch_file("bom.txt", path, sizeof path), "\xEF\xBB\xBFTitle\nBody.\n", 15);
    r = open_reader(path, "bom", NG_FORMAT_AUTO);
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "a text file with a byte-order mark is read");
    is_str(a.title, "Title", "without the mark in its title");
    ng_reader_close(r);

    static char sentinel;
    ng_reader_t *missing = (ng_reader_t *)&sentinel; /* must be reset to NULL */
    char *errmsg = NULL;
    is_num(ng_reader_open(scratch_file("no-such-file.jsonl", path, sizeof path), "no-such-file.jsonl", "x",
                          NG_FORMAT_AUTO, &missing, &errmsg),
           NG_STATUS_IO_ERROR, "a missing file is an I/O error");
    ok(missing == NULL, "and no reader is handed out");
    ok(errmsg && strstr(errmsg, "no-such-file.jsonl"), "the message names the file (%s)", errmsg ? errmsg : "");
    free(errmsg);

    /* "-" is standard input */
    int fd = open(fixture("articles.jsonl", path, sizeof path), O_RDONLY);
    if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
        bail("cannot redirect stdin");
    close(fd);
    r = open_reader("-", "stdin", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_JSONL, "- reads standard input");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "a record from standard input");
    is_str(a.id, "wire-001", "the first one");
    ng_reader_close(r);
}

static const char *data(const char *name, char *path, size_t size)
{
    const char *srcdir = getenv("top_srcdir");
    if ((size_t)snprintf(path, size, "%s/tests/data/%s", srcdir && *srcdir ? srcdir : ".", name) >= size)
        bail("data path too long");
    return path;
}

static void test_trec(void)
{
    char path[4096];
    ng_article_t a;
    ng_reader_t *r = open_reader(data("trec/wire.sgml", path, sizeof path), "unused", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_TREC, "a file starting with < is TREC SGML");

    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "trec: record 1");
    is_str(a.id, "WIRE-001", "trec: DOCNO is the id, trimmed");
    is_str(a.title, "Harbour strike ends after nine days", "trec: HEADLINE is the title, on one line");
    is_str(a.date, "2024-01-25", "trec: DATE 'January 25, 2024' is 2024-01-25");
    is_str(a.body,
           "Dock workers voted on Thursday to end the harbour strike, the union said, after nine days & nights of "
           "talks.\n\nThe agreement protects pensions \u2014 the main point of the dispute \u2014 and raises pay by "
           "4%.\n\nFerries are expected to run again on Friday.",
           "trec: indented lines start paragraphs, wrapped lines are joined, entities decoded");
    is_num(a.line, 2, "trec: the record starts on line 2");
    ok(ng_reader_warning(r, &a.line) == NULL, "trec: no warning");

    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "trec: record 2");
    is_str(a.title, "Caf\u00e9 owners <protest>", "trec: HL, with &eacute; &lt; &gt;");
    is_str(a.date, "2024-01-26", "trec: an ISO date-time");
    is_str(a.body,
           "The lead paragraph comes first.\n\nFirst paragraph of the text, wrapped over two lines.\n\nSecond "
           "paragraph, with an &unknown; entity and a lone & sign.\n\nA second TEXT element is more of the body.",
           "trec: LP first, then <P> paragraphs, then every TEXT; unknown entities stay");

    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "trec: record 3, in lower case");
    is_str(a.id, "wire-003", "trec: lower-case tags are read");
    is_str(a.title, "Lower-case tags", "trec: HEAD is a title");
    is_str(a.date, "", "trec: a two-digit year (900101) is left unknown");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "trec: record 4, on the same line");
    is_str(a.id, "wire-004", "trec: the second record of a line is read");
    is_str(a.date, "1987-02-26", "trec: 26-FEB-1987 15:01:01.79 is 1987-02-26");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "trec: record 5, without DOCNO");
    ok(strncmp(a.id, "hash:", 5) == 0 && strlen(a.id) == 21, "trec: it gets a hash id (%s)", a.id);
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "trec: then the end");
    ng_reader_close(r);
}

static void test_reuters(void)
{
    char path[4096];
    ng_article_t a;
    unsigned long line;
    ng_reader_t *r = open_reader(data("trec/reuters.sgm", path, sizeof path), "unused", NG_FORMAT_AUTO);
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "reuters: story 1");
    is_str(a.id, "reuters-1", "reuters: NEWID, prefixed, is the id");
    is_str(a.date, "1987-02-26", "reuters: the date");
    is_str(a.title, "BAHIA COCOA REVIEW", "reuters: TITLE");
    is_str(a.source, "Reuters", "reuters: the source is Reuters");
    is_str(a.body,
           "SALVADOR, Feb 26 - Showers continued throughout the week in the Bahia cocoa zone, alleviating the "
           "drought since early January.\n\nThe dry period means the temporao will be late this year.\n\n"
           "Comissaria Smith said <Bahia> prices rose.\n\nReuter",
           "reuters: the dateline opens the BODY; control-character entities are dropped");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "reuters: story 2, a brief");
    is_str(a.title, "ASSETS OF MONEY MARKET MUTUAL FUNDS ROSE 720.4 MLN DLRS IN LATEST WEEK", "reuters: its title");
    is_num(a.body_len, 0, "reuters: a brief has no body (its 'Blah blah blah.' is not one)");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "reuters: story 3, unprocessed");
    is_str(a.title, "", "reuters: no title");
    ok(strncmp(a.body, "FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26\n\n", 42) == 0,
       "reuters: the text of TEXT TYPE=UNPROC is the body");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "reuters: story 4, with no text at all, is an article");
    is_str(a.id, "reuters-4", "reuters: the empty one");
    is_str(ng_reader_warning(r, &line), "record has no text: nothing to index", "reuters: with a warning");
    is_num(line, 38, "reuters: on the line of the record");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "reuters: story 5, in Windows-1252");
    is_str(a.title, "M\u00dcNCHEN TRADE", "reuters: byte DC is \u00dc");
    is_str(a.body, "Exporters in M\u00fcnchen said \u201cprices\u201d rose.", "reuters: 93 and 94 are curly quotes");
    is_str(ng_reader_warning(r, &line), "invalid UTF-8 read as Windows-1252", "reuters: with a warning");
    is_num(line, 48, "reuters: naming the line of the first such byte");
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "reuters: then the end");
    ng_reader_close(r);
}

static void test_trec_bad(void)
{
    static const expect_t want[] = {
        {1, NG_STATUS_SUCCESS, "OK-1", "a good record"},
        {5, NG_STATUS_BAD_RECORD, NULL, "a record not closed before the next"},
        {8, NG_STATUS_SUCCESS, "OK-3", "the record after it"},
        {12, NG_STATUS_BAD_RECORD, NULL, "a record of binary data"},
        {21, NG_STATUS_BAD_RECORD, NULL, "binary garbage between records, reported once"},
        {23, NG_STATUS_SUCCESS, "OK-5", "the good record after the garbage"},
        {27, NG_STATUS_SUCCESS, "EMPTY-6", "a record with an id and no text: an empty article"},
        {30, NG_STATUS_BAD_RECORD, NULL, "a record cut by the end of the file"},
    };
    char path[4096];
    ng_article_t a;
    ng_reader_t *r = open_reader(data("trec/bad.sgml", path, sizeof path), "unused", NG_FORMAT_TREC);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ng_status_t st = ng_reader_next(r, &a);
        is_num(st, want[i].status, "bad.sgml line %lu, %s: %s", want[i].line, want[i].what,
               ng_status_to_string(want[i].status));
        is_num(ng_reader_line(r), want[i].line, "bad.sgml line %lu: ng_reader_line() says so (%s)", want[i].line,
               ng_reader_errmsg(r));
        if (st == NG_STATUS_SUCCESS && want[i].id)
            is_str(a.id, want[i].id, "bad.sgml line %lu: id", want[i].line);
    }
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "bad.sgml: then the end");
    ng_reader_close(r);

    char dtd[4096];
    write_file(scratch_file("lewis.dtd", dtd, sizeof dtd), "<!ELEMENT LEWIS O O (REUTERS+)>\n", 32);
    r = open_reader(dtd, "unused", NG_FORMAT_AUTO);
    is_num(ng_reader_format(r), NG_FORMAT_TREC, "a DTD starts with <");
    is_num(ng_reader_next(r, &a), NG_STATUS_END, "but holds no record");
    ng_reader_close(r);
}

static void test_jsonl_aliases(void)
{
    char path[4096];
    ng_article_t a;
    const char *text =
        "{\"title\": \"news-please\", \"maintext\": \"Main text.\", \"date_publish\": \"2021-03-04 10:00:00\", "
        "\"source_domain\": \"example.org\", \"url\": \"https://example.org/a\", \"language\": \"en\"}\n"
        "{\"_id\": \"x2\", \"headline\": \"Headline\", \"content\": \"Content.\", \"published\": \"Tue, 05 Jan 1963 "
        "10:00:00 +0000\", \"domain\": \"d.org\", \"lang\": \"de\"}\n"
        "{\"id\": \"x3\", \"title\": \"t\", \"text\": [\"One.\", \"Two.\"], \"publish_date\": \"March 1963\", "
        "\"source\": {\"id\": \"bbc\", \"name\": \"BBC News\"}}\n"
        "{\"id\": \"x4\", \"title\": \"t\", \"article\": \"Article.\", \"link\": \"https://l\", \"body\": \"\"}\n"
        "{\"id\": \"x5\", \"title\": \"\", \"body\": \"   \"}\n";
    write_file(scratch_file("aliases.jsonl", path, sizeof path), text, strlen(text));
    ng_reader_t *r = open_reader(path, "unused", NG_FORMAT_AUTO);
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "aliases: a news-please record");
    is_str(a.body, "Main text.", "aliases: maintext is the body");
    is_str(a.date, "2021-03-04", "aliases: date_publish is the date");
    is_str(a.source, "example.org", "aliases: source_domain is the source");
    is_str(a.id, "https://example.org/a", "aliases: no id: the url");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "aliases: record 2");
    is_str(a.id, "x2", "aliases: _id");
    is_str(a.title, "Headline", "aliases: headline");
    is_str(a.body, "Content.", "aliases: content");
    is_str(a.date, "1963-01-05", "aliases: published, an RFC 2822 date");
    is_str(a.source, "d.org", "aliases: domain");
    is_str(a.language, "de", "aliases: lang");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "aliases: record 3");
    is_str(a.body, "One.\nTwo.", "aliases: an array body is its paragraphs");
    is_str(a.date, "1963-03", "aliases: publish_date 'March 1963' is 1963-03");
    is_str(a.source, "BBC News", "aliases: a source object's name");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "aliases: record 4");
    is_str(a.body, "Article.", "aliases: an empty body gives way to article");
    is_str(a.url, "https://l", "aliases: link is the url");
    is_num(ng_reader_next(r, &a), NG_STATUS_BAD_RECORD, "aliases: a blank title and a blank body: rejected");
    ng_reader_close(r);
}

static void test_dates(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"2024-01-25", "2024-01-25"},
        {"  2024-01-25T10:00:00Z ", "2024-01-25"},
        {"2024-01-25 10:00", "2024-01-25"},
        {"2024-01", "2024-01"},
        {"2024", "2024"},
        {"20240125", "2024-01-25"},
        {"20240125T100000", "2024-01-25"},
        {"2024/01/25", "2024-01-25"},
        {"2024.01.25", "2024-01-25"},
        {"26-FEB-1987 15:01:01.79", "1987-02-26"},
        {" 3-APR-1987 07:09:06.48", "1987-04-03"},
        {"5 January 1963", "1963-01-05"},
        {"Tue, 05 Jan 1963 10:00:00 +0000", "1963-01-05"},
        {"January 5, 1963", "1963-01-05"},
        {"Jan. 5 1963", "1963-01-05"},
        {"Sept 30, 1990", "1990-09-30"},
        {"Sunday, January 1, 1989, Home Edition", "1989-01-01"},
        {"January 1963", "1963-01"},
        {"2024-02-29", "2024-02-29"},
        {"2023-02-29", ""},
        {"1900-02-29", ""},
        {"2024-13-01", ""},
        {"2024-04-31", ""},
        {"900101", ""},
        {"26-FEB-87", ""},
        {"01/02/1990", ""},
        {"yesterday", ""},
        {"Friday", ""},
        {"", ""},
        {"2024-01-25x", ""},
        {"Mayday 5, 1990", ""},
    };
    ng_buf_t b = NG_BUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ng_buf_clear(&b);
        ng_buf_append_str(&b, cases[i].in);
        int rc = ng_reader_normalise_date(&b);
        is_str(ng_buf_str(&b), cases[i].out, "date '%s' -> '%s'", cases[i].in, cases[i].out);
        is_num(rc, *cases[i].out ? 0 : -1, "date '%s': the status says whether it is a date", cases[i].in);
    }
    ng_buf_free(&b);
}

static void test_repair_and_limits(void)
{
    char path[4096];
    ng_article_t a;
    unsigned long line;
    ng_reader_t *r = open_reader(data("bad/cp1252.txt", path, sizeof path), "cp1252.txt", NG_FORMAT_AUTO);
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "a Windows-1252 text file is read");
    ok(strstr(a.body, "\u00a315.8m") && strstr(a.body, "club\u2019s") && strstr(a.body, "\u201czero tolerance\u201d"),
       "its bytes A3, 92, 93 and 94 are read as Windows-1252 (%s)", a.body);
    is_str(ng_reader_warning(r, &line), "invalid UTF-8 read as Windows-1252", "with a warning");
    is_num(line, 3, "naming line 3, where the first such byte is");
    ng_reader_close(r);

    r = open_reader(data("bad/binary.txt", path, sizeof path), "binary.txt", NG_FORMAT_AUTO);
    is_num(ng_reader_next(r, &a), NG_STATUS_BAD_RECORD, "a .txt file of binary data is rejected");
    is_str(ng_reader_errmsg(r), "binary data, not text", "as binary data");
    ng_reader_close(r);

    r = open_reader(data("bad/oversize.jsonl", path, sizeof path), "oversize.jsonl", NG_FORMAT_AUTO);
    ng_reader_set_max_record(r, 2048);
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "max-record 2K: the record before the long one");
    is_num(ng_reader_next(r, &a), NG_STATUS_BAD_RECORD, "max-record 2K: a 3 KB record is rejected");
    is_str(ng_reader_errmsg(r), "record longer than 2048 bytes", "saying so");
    is_num(ng_reader_line(r), 2, "on line 2");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "max-record 2K: the record after it is read");
    is_str(a.id, "b8", "and is the right one");
    ng_reader_close(r);

    /* a TREC record over the limit is rejected alone */
    ng_buf_t big = NG_BUF_INIT;
    ng_buf_append_str(&big, "<DOC><DOCNO>a</DOCNO><TEXT>short</TEXT></DOC>\n<DOC>\n<DOCNO>b</DOCNO>\n<TEXT>\n");
    for (int i = 0; i < 100; i++)
        ng_buf_append_str(&big, "a line of text that makes the record long\n");
    ng_buf_append_str(&big, "</TEXT>\n</DOC>\n<DOC><DOCNO>c</DOCNO><TEXT>after</TEXT></DOC>\n");
    write_file(scratch_file("big.sgml", path, sizeof path), big.data, big.len);
    r = open_reader(path, "big.sgml", NG_FORMAT_AUTO);
    ng_reader_set_max_record(r, 2048);
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "trec max-record: the short record");
    is_num(ng_reader_next(r, &a), NG_STATUS_BAD_RECORD, "trec max-record: the long record is rejected");
    is_num(ng_reader_line(r), 2, "trec max-record: where it starts");
    is_num(ng_reader_next(r, &a), NG_STATUS_SUCCESS, "trec max-record: the record after it");
    is_str(a.id, "c", "trec max-record: is c");
    ng_reader_close(r);
    ng_buf_free(&big);
}

static void test_format_names(void)
{
    const ng_format_t formats[] = {NG_FORMAT_AUTO, NG_FORMAT_TEXT, NG_FORMAT_JSONL, NG_FORMAT_TREC};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        is_num(ng_format_parse(ng_format_name(formats[i])), formats[i], "format %s: parse(name()) round trip",
               ng_format_name(formats[i]));
    is_str(ng_format_name(NG_FORMAT_TEXT), "text", "the text format is called text");
    is_str(ng_format_name(NG_FORMAT_JSONL), "jsonl", "the JSON Lines format is called jsonl");
    is_str(ng_format_name(NG_FORMAT_TREC), "trec", "the TREC SGML format is called trec");
    is_num(ng_format_parse("csv"), NG_FORMAT_NONE, "an unknown name parses to NG_FORMAT_NONE");
    is_num(ng_format_parse("TEXT"), NG_FORMAT_NONE, "names are case-sensitive");
}

int main(void)
{
    make_scratch();
    test_text();
    test_jsonl_good();
    test_jsonl_bad_records();
    test_gzip();
    test_long_line();
    test_detection();
    test_trec();
    test_reuters();
    test_trec_bad();
    test_jsonl_aliases();
    test_dates();
    test_repair_and_limits();
    test_format_names();
    remove_scratch();
    return tap_done();
}
