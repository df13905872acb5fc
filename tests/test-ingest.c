/* The ingest driver (index/ingest.h) over its sinks (index/sink.h) and the
 * ledger of dumps (index/ledger.h): batches and commits, dumps passed over
 * when already indexed, what is reported, new indexes made aside, and a
 * reader that keeps working while a writer commits. Scratch indexes and files
 * live in a folder removed at the end. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer.h"
#include "buf.h"
#include "ingest.h"
#include "layout.h"
#include "ledger.h"
#include "query.h"
#include "sink.h"
#include "store.h"
#include "tap.h"

static char scratch[4096];

static void bail(const char *what)
{
    printf("Bail out! %s\n", what);
    exit(1);
}

static const char *scratch_path(const char *name, char *path, size_t size)
{
    if ((size_t)snprintf(path, size, "%s/%s", scratch, name) >= size)
        bail("scratch path too long");
    return path;
}

static const char *data_path(const char *name, char *path, size_t size)
{
    const char *srcdir = getenv("top_srcdir");
    if ((size_t)snprintf(path, size, "%s/tests/data/%s", srcdir && *srcdir ? srcdir : ".", name) >= size)
        bail("data path too long");
    return path;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        bail(path);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* What the callbacks saw. */
typedef struct seen {
    int notes, warnings, rejected, errors;
    char last[4][1024]; /* the last message of each kind */
    unsigned long progress_calls;
    unsigned long long last_done;
    int done_went_back; /* bytes_done ever decreased */
} seen_t;

static void on_report(void *ctx, ng_report_kind_t kind, const char *message)
{
    seen_t *s = ctx;
    int *counts[] = {&s->notes, &s->warnings, &s->rejected, &s->errors};
    (*counts[kind])++;
    snprintf(s->last[kind], sizeof s->last[kind], "%s", message);
}

static void on_progress(void *ctx, const ng_ingest_stats_t *stats)
{
    seen_t *s = ctx;
    s->progress_calls++;
    if (stats->bytes_done < s->last_done)
        s->done_went_back = 1;
    s->last_done = stats->bytes_done;
}

static ng_analyzer_t *analyzer(void)
{
    ng_analyzer_t *an;
    if (ng_analyzer_new("english", &an) != NG_STATUS_SUCCESS)
        bail("no analyzer");
    return an;
}

static ng_sink_t *open_sink(const char *path, int *created)
{
    ng_sink_t *sink;
    char *errmsg = NULL;
    ng_status_t st = ng_sink_open_index(path, 0, "english", &sink, created, &errmsg);
    if (st != NG_STATUS_SUCCESS) {
        printf("# %s: %s\n", ng_status_to_string(st), errmsg ? errmsg : "");
        bail("cannot open a sink");
    }
    free(errmsg);
    return sink;
}

static ng_ingest_t *new_ingest(ng_sink_t *sink, ng_analyzer_t *an, unsigned long batch, int force, seen_t *seen)
{
    ng_ingest_opts_t o;
    memset(&o, 0, sizeof o);
    o.batch = batch;
    o.force = force;
    o.report = on_report;
    o.progress = on_progress;
    o.ctx = seen;
    ng_ingest_t *ing;
    if (ng_ingest_new(sink, an, &o, &ing) != NG_STATUS_SUCCESS)
        bail("no ingest");
    return ing;
}

static unsigned long doc_count(const char *path)
{
    ng_store_t *st;
    if (ng_store_open(path, NG_STORE_READ, &st, NULL) != NG_STATUS_SUCCESS)
        return (unsigned long)-1;
    unsigned long n = ng_store_doc_count(st);
    ng_store_close(st);
    return n;
}

static int count_entry(void *ctx, const char *key, const char *value)
{
    (void)key, (void)value;
    ++*(int *)ctx;
    return 0;
}

static int ledger_entries(const char *path)
{
    ng_store_t *st;
    int n = 0;
    if (ng_store_open(path, NG_STORE_READ, &st, NULL) != NG_STATUS_SUCCESS)
        return -1;
    if (ng_store_list_metadata(st, NG_META_DUMP, count_entry, &n) != NG_STATUS_SUCCESS)
        n = -1;
    ng_store_close(st);
    return n;
}

static void test_ledger(void)
{
    ng_buf_t key = NG_BUF_INIT, value = NG_BUF_INIT;
    ng_ledger_key("/srv/dumps/2024-01-25.jsonl.gz", &key);
    is_str(ng_buf_str(&key), NG_META_DUMP "/srv/dumps/2024-01-25.jsonl.gz", "a short path is its own key");
    char long_path[400];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    ng_ledger_key(long_path, &key);
    ok(key.len < 240, "a long path makes a key Xapian accepts (%zu bytes)", key.len);
    ng_buf_t other = NG_BUF_INIT;
    long_path[300] = 'b';
    ng_ledger_key(long_path, &other);
    ok(strcmp(key.data, other.data) != 0, "two long paths that differ past the cut have two keys");

    ng_dump_t d, back;
    memset(&d, 0, sizeof d);
    d.path = "/srv/dumps/with\ttab and space.jsonl";
    snprintf(d.fingerprint, sizeof d.fingerprint, "%s", "1f-0badcafe-0123456789abcdef");
    d.time = 1700000000;
    snprintf(d.format, sizeof d.format, "%s", "jsonl");
    d.articles = 336;
    d.replaced = 2;
    d.passages = 5000;
    d.rejected = 1;
    ng_ledger_encode(&d, &value);
    is_num(ng_ledger_decode(value.data, &back), 0, "a ledger record decodes");
    is_str(back.path, d.path, "path (with a tab) back");
    is_str(back.fingerprint, d.fingerprint, "fingerprint back");
    is_str(back.format, "jsonl", "format back");
    ok(back.time == d.time && back.articles == 336 && back.replaced == 2 && back.passages == 5000 && back.rejected == 1,
       "time and counts back");
    is_num(ng_ledger_decode("2\tx\t1\tjsonl\t1\t0\t1\t0\t/p", &back), -1, "a record of another version is refused");
    is_num(ng_ledger_decode("garbage", &back), -1, "garbage is refused");
    is_num(ng_ledger_decode("1\tfp\tnot-a-number\tjsonl\t1\t0\t1\t0\t/p", &back), -1, "a bad number is refused");

    /* fingerprints: the content, not the name or the size alone */
    char a[4096], b[4096], c[4096], fa[NG_FINGERPRINT_SIZE], fb[NG_FINGERPRINT_SIZE], fc[NG_FINGERPRINT_SIZE];
    write_file(scratch_path("fa", a, sizeof a), "same content\n");
    write_file(scratch_path("fb", b, sizeof b), "same content\n");
    write_file(scratch_path("fc", c, sizeof c), "SAME content\n");
    int fds[3] = {open(a, O_RDONLY), open(b, O_RDONLY), open(c, O_RDONLY)};
    ng_ledger_fingerprint(fds[0], fa);
    ng_ledger_fingerprint(fds[1], fb);
    ng_ledger_fingerprint(fds[2], fc);
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    is_str(fa, fb, "two files with the same content have the same fingerprint");
    ok(strcmp(fa, fc) != 0, "the same size with another content does not (%s, %s)", fa, fc);
    ng_buf_free(&key);
    ng_buf_free(&other);
    ng_buf_free(&value);
}

static void test_ingest_and_ledger(void)
{
    char db[4096], dump[4096], dir[4096];
    seen_t seen;
    memset(&seen, 0, sizeof seen);
    ng_analyzer_t *an = analyzer();
    int created = 0;
    ng_sink_t *sink = open_sink(scratch_path("news.db", db, sizeof db), &created);
    ok(created, "a missing index is created");
    struct stat sb;
    ok(stat(db, &sb) == 0 && S_ISDIR(sb.st_mode), "at its path");
    char aside[4200];
    snprintf(aside, sizeof aside, "%s.new-%ld", db, (long)getpid());
    ok(stat(aside, &sb) != 0 && errno == ENOENT, "and the folder it was made in is gone");

    data_path("dumpdir", dir, sizeof dir);
    ng_ingest_t *ing = new_ingest(sink, an, 1, 0, &seen);
    ng_ingest_plan(ing, dir);
    ok(ng_ingest_stats(ing)->bytes_total > 0, "planning adds up the sizes of the dumps");
    is_num(ng_ingest_path(ing, dir), NG_STATUS_SUCCESS, "the dump folder is indexed");
    is_num(ng_ingest_finish(ing), NG_STATUS_SUCCESS, "and finished");
    const ng_ingest_stats_t *s = ng_ingest_stats(ing);
    is_num(s->files, 2, "two dump files in it");
    is_num(s->articles, 2, "two articles");
    is_num(s->added, 2, "both new");
    is_num(s->commits, 3, "with --batch 1: a commit per article and one for the last ledger entry");
    is_num(seen.notes, 1, "the README is noted");
    ok(strstr(seen.last[NG_REPORT_NOTE], "README: not a dump") != NULL, "as not a dump (%s)",
       seen.last[NG_REPORT_NOTE]);
    ok(seen.progress_calls >= 2 && !seen.done_went_back, "the progress is told, and never goes back");
    is_num(seen.last_done, s->bytes_total, "at the end, every byte planned is done");
    unsigned long passages = s->passages;
    ng_ingest_destroy(ing);
    ng_sink_close(sink);
    is_num(doc_count(db), passages, "the index holds the passages");
    is_num(ledger_entries(db), 2, "the ledger has the two dump files");

    /* again: passed over, nothing written */
    memset(&seen, 0, sizeof seen);
    sink = open_sink(db, &created);
    ok(!created, "an existing index is opened, not created");
    ing = new_ingest(sink, an, 1, 0, &seen);
    ng_ingest_path(ing, dir);
    ng_ingest_finish(ing);
    s = ng_ingest_stats(ing);
    ok(s->files == 2 && s->files_skipped == 2, "run again, both dumps are passed over");
    ok(s->skipped == 2 && s->added == 0 && s->replaced == 0 && s->passages == 0, "their articles counted as skipped");
    is_num(s->commits, 0, "and nothing is committed");
    ng_ingest_destroy(ing);

    /* forced: replaced, not doubled */
    ing = new_ingest(sink, an, 1000, 1, &seen);
    ng_ingest_path(ing, dir);
    ng_ingest_finish(ing);
    s = ng_ingest_stats(ing);
    ok(s->replaced == 2 && s->added == 0, "forced, both articles are read again and replace themselves");
    is_num(s->commits, 1, "with a batch of 1000, one commit at the end");
    ng_ingest_destroy(ing);
    ng_sink_close(sink);
    is_num(doc_count(db), passages, "no passage doubled");

    /* a changed dump at the same path is read again; the same content under another path is another dump */
    write_file(scratch_path("day.jsonl", dump, sizeof dump),
               "{\"id\": \"x1\", \"title\": \"Harbour strike\", \"body\": \"Dock workers strike.\"}\n");
    sink = open_sink(db, NULL);
    ing = new_ingest(sink, an, 1000, 0, &seen);
    ng_ingest_path(ing, dump);
    ng_ingest_finish(ing);
    ng_ingest_destroy(ing);
    write_file(dump, "{\"id\": \"x1\", \"title\": \"Harbour strike ends\", \"body\": \"Dock workers go back.\"}\n"
                     "{\"id\": \"x2\", \"title\": \"Ferries\", \"body\": \"Ferries run.\"}\n");
    ing = new_ingest(sink, an, 1000, 0, &seen);
    ng_ingest_path(ing, dump);
    ng_ingest_finish(ing);
    s = ng_ingest_stats(ing);
    ok(s->files_skipped == 0 && s->replaced == 1 && s->added == 1,
       "a changed dump is read again: one replaced, one added");
    ng_ingest_destroy(ing);
    char copy[4096];
    write_file(scratch_path("copy.jsonl", copy, sizeof copy),
               "{\"id\": \"x1\", \"title\": \"Harbour strike ends\", \"body\": \"Dock workers go back.\"}\n"
               "{\"id\": \"x2\", \"title\": \"Ferries\", \"body\": \"Ferries run.\"}\n");
    ing = new_ingest(sink, an, 1000, 0, &seen);
    ng_ingest_path(ing, copy);
    ng_ingest_finish(ing);
    s = ng_ingest_stats(ing);
    ok(s->files_skipped == 0 && s->replaced == 2, "a file with the same content under another path is another dump");
    ng_ingest_destroy(ing);
    ng_sink_close(sink);
    is_num(ledger_entries(db), 4, "the ledger has four dumps now");
    ng_analyzer_destroy(an);
}

static void test_reports(void)
{
    char path[4096];
    seen_t seen;
    memset(&seen, 0, sizeof seen);
    ng_analyzer_t *an = analyzer();
    ng_sink_t *sink;
    is_num(ng_sink_open_null(&sink), NG_STATUS_SUCCESS, "a dry-run sink opens");
    ng_ingest_t *ing = new_ingest(sink, an, 2, 0, &seen);
    is_num(ng_ingest_path(ing, data_path("bad/records.jsonl", path, sizeof path)), NG_STATUS_SUCCESS,
           "a dump with bad records is read through");
    ng_ingest_finish(ing);
    const ng_ingest_stats_t *s = ng_ingest_stats(ing);
    is_num(s->articles, 4, "its four good records are articles");
    is_num(s->rejected, 4, "its four bad ones are rejected");
    is_num(seen.rejected, 4, "and reported");
    ok(strstr(seen.last[NG_REPORT_REJECTED], "records.jsonl:7: record has neither title nor body") != NULL,
       "as FILE:LINE: reason (%s)", seen.last[NG_REPORT_REJECTED]);
    is_num(seen.warnings, 1, "the Windows-1252 record is kept with a warning");
    ok(strstr(seen.last[NG_REPORT_WARNING], "records.jsonl:5: warning: invalid UTF-8 read as Windows-1252") != NULL,
       "naming FILE:LINE (%s)", seen.last[NG_REPORT_WARNING]);
    ng_ingest_destroy(ing);

    memset(&seen, 0, sizeof seen);
    ing = new_ingest(sink, an, 0, 0, &seen);
    ng_ingest_path(ing, data_path("trec/topics.trec", path, sizeof path));
    is_num(seen.errors, 1, "a file named that holds no record is an error");
    ok(strstr(seen.last[NG_REPORT_ERROR], "topics.trec: holds no trec record") != NULL, "saying so (%s)",
       seen.last[NG_REPORT_ERROR]);
    is_num(ng_ingest_stats(ing)->files, 0, "and is no dump file");
    ng_ingest_destroy(ing);

    memset(&seen, 0, sizeof seen);
    ing = new_ingest(sink, an, 0, 0, &seen);
    ng_ingest_path(ing, data_path("trec", path, sizeof path));
    is_num(seen.errors, 0, "in a folder, a file that holds no record is no error");
    ok(strstr(seen.last[NG_REPORT_NOTE], "topics.trec: holds no trec record, skipped") != NULL, "but a note (%s)",
       seen.last[NG_REPORT_NOTE]);
    ng_ingest_destroy(ing);
    ng_sink_close(sink);

    /* excluded names and documentation */
    char dir[4096];
    mkdir(scratch_path("walk", dir, sizeof dir), 0777);
    write_file(scratch_path("walk/README.txt", path, sizeof path), "About these dumps\n\nThey are news.\n");
    write_file(scratch_path("walk/story.txt", path, sizeof path), "A story\n\nIts text.\n");
    write_file(scratch_path("walk/qrels.txt", path, sizeof path), "1 0 17 1\n");
    memset(&seen, 0, sizeof seen);
    const char *exclude[] = {"qrels*", NULL};
    ng_ingest_opts_t o;
    memset(&o, 0, sizeof o);
    o.exclude = exclude;
    o.report = on_report;
    o.ctx = &seen;
    ng_sink_open_null(&sink);
    ng_ingest_new(sink, an, &o, &ing);
    ng_ingest_path(ing, dir);
    is_num(ng_ingest_stats(ing)->articles, 1, "a README.txt and an excluded file are not articles: one story is");
    ok(strstr(seen.last[NG_REPORT_NOTE], "README.txt: not a dump") != NULL, "the README is noted (%s)",
       seen.last[NG_REPORT_NOTE]);
    ng_ingest_destroy(ing);
    ng_sink_close(sink);
    ng_analyzer_destroy(an);
}

/* A folder holding something else is never turned into an index. */
static void test_open(void)
{
    char path[4096], file[4400];
    ng_sink_t *sink = NULL;
    char *errmsg = NULL;
    mkdir(scratch_path("papers", path, sizeof path), 0777);
    snprintf(file, sizeof file, "%s/notes.txt", path);
    write_file(file, "not an index\n");
    ng_status_t st = ng_sink_open_index(path, 0, "english", &sink, NULL, &errmsg);
    ok(st != NG_STATUS_SUCCESS && sink == NULL, "a folder holding other files is not opened as an index (%s)",
       errmsg ? errmsg : "");
    free(errmsg);
    struct stat sb;
    snprintf(file, sizeof file, "%s/iamglass", path);
    ok(stat(file, &sb) != 0, "and no index is made in it");

    mkdir(scratch_path("empty.db", path, sizeof path), 0777);
    int created = 0;
    st = ng_sink_open_index(path, 0, "french", &sink, &created, &errmsg);
    ok(st == NG_STATUS_SUCCESS && created, "an empty folder becomes a new index");
    char *lang = NULL;
    ng_sink_get_metadata(sink, NG_META_LANGUAGE, &lang);
    is_str(lang, "french", "with its language recorded");
    free(lang);

    /* a second writer is refused at once */
    ng_sink_t *second = NULL;
    errmsg = NULL;
    is_num(ng_sink_open_index(path, 0, "french", &second, NULL, &errmsg), NG_STATUS_LOCKED,
           "a second writer gets NG_STATUS_LOCKED");
    free(errmsg);
    ng_sink_close(sink);

    /* the leftover of a making killed before its rename is removed */
    char leftover[4200];
    scratch_path("fresh.db", path, sizeof path);
    snprintf(leftover, sizeof leftover, "%s.new-999999999", path);
    mkdir(leftover, 0777);
    snprintf(file, sizeof file, "%s/flintlock", leftover);
    write_file(file, "");
    st = ng_sink_open_index(path, 0, "english", &sink, NULL, &errmsg);
    is_num(st, NG_STATUS_SUCCESS, "a new index is made beside a leftover");
    ok(stat(leftover, &sb) != 0, "and the leftover of a dead process is gone");
    ng_sink_close(sink);
}

/* A reader searches while a writer commits batch after batch. */
static void test_reader_during_commits(void)
{
    char db[4096];
    scratch_path("busy.db", db, sizeof db);
    ng_sink_t *sink = open_sink(db, NULL);
    ng_analyzer_t *an = analyzer();
    seen_t seen;
    memset(&seen, 0, sizeof seen);
    ng_ingest_t *ing = new_ingest(sink, an, 5, 0, &seen);
    ng_article_t a;
    memset(&a, 0, sizeof a);
    char id[32], body[256];
    a.title = "Harbour news";
    a.date = a.source = a.url = a.language = "";
    a.id = id;
    a.body = body;
    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof id, "a%d", i);
        a.body_len = (size_t)snprintf(body, sizeof body, "harbour story number %d with words w%d", i, i);
        ng_ingest_article(ing, &a);
    }
    ng_store_t *reader;
    if (ng_store_open(db, NG_STORE_READ, &reader, NULL) != NG_STATUS_SUCCESS)
        bail("no reader");
    ng_qnode_t *q = ng_qnode_new_term("harbour", 7, 0, 7);
    ng_search_opts_t so;
    ng_search_opts_init(&so);
    so.limit = 100;
    ng_results_t *res = NULL;
    is_num(ng_store_search(reader, q, &so, &res), NG_STATUS_SUCCESS, "a reader searches the committed batches");
    is_num(res ? ng_results_count(res) : 0, 10, "and sees the 10 articles of two commits");
    ng_results_destroy(res);
    /* many commits later, the reader's revision is long gone */
    int failures = 0;
    for (int round = 0; round < 30; round++) {
        for (int i = 0; i < 50; i++) {
            snprintf(id, sizeof id, "r%d-%d", round, i);
            a.body_len = (size_t)snprintf(body, sizeof body, "harbour round %d story %d", round, i);
            ng_ingest_article(ing, &a);
        }
        res = NULL;
        failures += ng_store_search(reader, q, &so, &res) != NG_STATUS_SUCCESS;
        ng_results_destroy(res);
    }
    is_num(failures, 0, "searches between 300 commits all succeed (%s)", ng_store_errmsg(reader));
    ng_qnode_free(q);
    ng_store_close(reader);
    ng_ingest_destroy(ing);
    ng_sink_close(sink);
    ng_analyzer_destroy(an);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/test-ingest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch))
        bail("cannot create a scratch folder");
    test_ledger();
    test_ingest_and_ledger();
    test_reports();
    test_open();
    test_reader_during_commits();
    nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return tap_done();
}
