/* The store (src/store.h): newsgrep's door to Xapian. An article is a set of
 * passages that is replaced as a whole; changes become visible only on commit;
 * search ranks passages by BM25 and shows one passage per article unless told
 * otherwise; every failure is a status and a message. Each test works on
 * indexes in a scratch folder removed at the end. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "query.h"
#include "record.h"
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

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static ng_store_t *open_store(const char *path, int mode)
{
    ng_store_t *store = NULL;
    char *errmsg = NULL;
    ng_status_t st = ng_store_open(path, mode, &store, &errmsg);
    if (st != NG_STATUS_SUCCESS) {
        printf("# %s: %s\n", ng_status_to_string(st), errmsg ? errmsg : "");
        bail("cannot open the index");
    }
    free(errmsg);
    return store;
}

/* Give ARTICLE_ID the passages PASSAGES (N of them), each a string of
 * space-separated terms indexed at positions 1, 2, ...; each doc's data is a
 * record holding the passage text. */
static ng_status_t put_article(ng_store_t *store, const char *article_id, const char *const *passages, size_t n,
                               int *replaced)
{
    ng_doc_t *docs[8];
    ng_buf_t data = NG_BUF_INIT;
    ng_status_t st = NG_STATUS_SUCCESS;
    if (n > 8)
        bail("too many passages");
    for (size_t i = 0; i < n; i++) {
        if (ng_doc_new(&docs[i]) != NG_STATUS_SUCCESS)
            bail("ng_doc_new");
        unsigned pos = 1;
        for (const char *p = passages[i]; *p;) {
            size_t len = strcspn(p, " ");
            if (len && ng_doc_add_posting(docs[i], p, len, pos++) != NG_STATUS_SUCCESS)
                bail("ng_doc_add_posting");
            p += len;
            p += *p == ' ';
        }
        ng_record_t rec;
        memset(&rec, 0, sizeof rec);
        rec.article_id.ptr = article_id;
        rec.article_id.len = strlen(article_id);
        rec.passage = (unsigned)(i + 1);
        rec.text.ptr = passages[i];
        rec.text.len = strlen(passages[i]);
        ng_buf_clear(&data);
        if (ng_record_encode(&rec, &data) != 0 || ng_doc_set_data(docs[i], data.data, data.len) != NG_STATUS_SUCCESS)
            bail("record");
    }
    st = ng_store_replace_article(store, article_id, docs, n, NULL, replaced);
    for (size_t i = 0; i < n; i++)
        ng_doc_destroy(docs[i]);
    ng_buf_free(&data);
    return st;
}

/* Query trees by hand: the store must not depend on the parser. */
static ng_qnode_t *term(const char *t)
{
    return ng_qnode_new_term(t, strlen(t), 0, 0);
}

static ng_qnode_t *node2(ng_qop_t op, ng_qnode_t *a, ng_qnode_t *b)
{
    ng_qnode_t *n = ng_qnode_new(op, 0, 0);
    ng_qnode_add(n, a);
    ng_qnode_add(n, b);
    return n;
}

/* Search, then free QUERY; NULL when the search failed. */
static ng_results_t *search(ng_store_t *store, ng_qnode_t *query, int all_passages)
{
    ng_search_opts_t opts;
    ng_results_t *res = NULL;
    ng_search_opts_init(&opts);
    opts.all_passages = all_passages;
    ng_status_t st = ng_store_search(store, query, &opts, &res);
    ng_qnode_free(query);
    if (st != NG_STATUS_SUCCESS) {
        printf("# search: %s: %s\n", ng_status_to_string(st), ng_store_errmsg(store));
        return NULL;
    }
    return res;
}

/* The hits as "article#passage" words, best first: "a#1 b#1". */
static void hits_of(const ng_results_t *res, ng_buf_t *out)
{
    ng_buf_clear(out);
    ng_buf_append_str(out, res ? "" : "(search failed)");
    for (size_t i = 0; res && i < ng_results_count(res); i++) {
        const ng_hit_t *hit = ng_results_get(res, i);
        ng_record_t rec;
        char name[512];
        if (ng_record_decode(hit->data, hit->data_len, &rec) != 0)
            snprintf(name, sizeof name, "(bad record)");
        else
            snprintf(name, sizeof name, "%.*s#%u", (int)rec.article_id.len, rec.article_id.ptr, rec.passage);
        if (i)
            ng_buf_append_byte(out, ' ');
        ng_buf_append_str(out, name);
    }
}

/* Search and return the hits as hits_of() writes them (in a buffer of OUT). */
static const char *found(ng_store_t *store, ng_qnode_t *query, int all_passages, ng_buf_t *out)
{
    ng_results_t *res = search(store, query, all_passages);
    hits_of(res, out);
    ng_results_destroy(res);
    return ng_buf_str(out);
}

/* The small collection of the ranking tests: 5 passages of 4 articles, terms
 * at known positions, 21 postings in all (average length 4.2). */
static const char *const article_a[] = {"iraq troops talks iraq", "iraq"};
static const char *const article_b[] = {"withdraw troops iraq begin soon now"};
static const char *const article_c[] = {"talks begin soon"};
static const char *const article_d[] = {"syria talks begin next week here now"};

static void build_collection(const char *path)
{
    ng_store_t *w = open_store(path, NG_STORE_WRITE);
    int replaced = -1;
    is_num(put_article(w, "a", article_a, 2, &replaced), NG_STATUS_SUCCESS, "article a (2 passages) is added");
    is_num(replaced, 0, "a new article replaces nothing");
    put_article(w, "b", article_b, 1, NULL);
    put_article(w, "c", article_c, 1, NULL);
    put_article(w, "d", article_d, 1, NULL);
    is_num(ng_store_set_metadata(w, NG_META_LANGUAGE, "english"), NG_STATUS_SUCCESS, "metadata is set");

    /* Nothing is visible before the commit. */
    ng_store_t *r = open_store(path, NG_STORE_READ);
    is_num(ng_store_doc_count(r), 0, "a reader sees no passage before the commit");
    ng_store_close(r);

    is_num(ng_store_commit(w), NG_STATUS_SUCCESS, "commit");
    ng_store_close(w);
}

static void test_statistics(const char *path)
{
    ng_store_t *r = open_store(path, NG_STORE_READ);
    is_num(ng_store_doc_count(r), 5, "5 passages after the commit");
    is_num(ng_store_term_freq(r, "iraq"), 3, "iraq is in 3 passages");
    is_num(ng_store_collection_freq(r, "iraq"), 4, "and occurs 4 times");
    is_num(ng_store_term_freq(r, "absent"), 0, "an absent term is in no passage");
    is_num(ng_store_term_freq(r, NG_PREFIX_ARTICLE "a"), 2, "the article term marks both passages of a");
    is_num(ng_store_term_freq(r, NG_PREFIX_PASSAGE "a#2"), 0, "a passage has no term of its own (its number is a value)");
    is_num(ng_store_has_article(r, "a"), 1, "the index has article a");
    is_num(ng_store_has_article(r, "zz"), 0, "and not article zz");
    ok(fabs(ng_store_avg_length(r) - 21.0 / 5) < 1e-9, "the average length counts postings only (%g)",
       ng_store_avg_length(r));
    char *value = NULL;
    is_num(ng_store_get_metadata(r, NG_META_LANGUAGE, &value), NG_STATUS_SUCCESS, "metadata is read back");
    is_str(value, "english", "metadata: the value set before the commit");
    free(value);
    value = NULL;
    ng_store_get_metadata(r, "newsgrep.unset", &value);
    is_str(value, "", "an unset key reads as the empty string");
    free(value);

    /* A reader cannot write. */
    int replaced = 0;
    is_num(put_article(r, "x", article_c, 1, &replaced), NG_STATUS_INVALID_ARGUMENT,
           "replacing an article through a reader is refused");
    ok(*ng_store_errmsg(r) != '\0', "with a message (%s)", ng_store_errmsg(r));
    is_num(ng_store_set_metadata(r, "k", "v"), NG_STATUS_INVALID_ARGUMENT, "so is setting metadata");
    is_num(ng_store_commit(r), NG_STATUS_INVALID_ARGUMENT, "and committing");
    ng_store_close(r);
}

/* Xapian 1.4's BM25Weight for a one-term query with k2 = 0 and k3 = 1 (so
 * the query part is 1): see xapian-core weight/bm25weight.cc. The idf ratio
 * is not clamped at 2: below 2 it is mapped to ratio/2 + 1 (always > 1),
 * and the weight carries the factor (k1 + 1). */
static double bm25(double N, double n, double wdf, double len, double avlen)
{
    const double k1 = 1.2, b = 0.75, min_normlen = 0.5;
    double ratio = (N - n + 0.5) / (n + 0.5);
    if (ratio < 2)
        ratio = ratio * 0.5 + 1;
    double termweight = log(ratio) * (k1 + 1);
    double normlen = len / avlen > min_normlen ? len / avlen : min_normlen;
    return termweight * wdf / (k1 * (normlen * b + (1 - b)) + wdf);
}

static void test_search(const char *path)
{
    ng_store_t *r = open_store(path, NG_STORE_READ);
    ng_buf_t b = NG_BUF_INIT;

    is_str(found(r, term("iraq"), 1, &b), "a#1 a#2 b#1", "all passages with iraq, best first");
    is_str(found(r, term("iraq"), 0, &b), "a#1 b#1", "collapsed: one passage per article, the best");
    ng_results_t *collapsed = search(r, term("iraq"), 0);
    is_num(collapsed ? ng_results_estimate(collapsed) : 0, 2, "collapsed, the estimate counts articles");
    ng_results_destroy(collapsed);
    is_str(found(r, term("absent"), 0, &b), "", "an absent term finds nothing");
    is_str(found(r, node2(NG_Q_AND, term("iraq"), term("troops")), 1, &b), "a#1 b#1", "AND: both terms");
    is_str(found(r, node2(NG_Q_PHRASE, term("iraq"), term("troops")), 1, &b), "a#1",
           "PHRASE: only where the terms are adjacent and in order");
    is_str(found(r, node2(NG_Q_PHRASE, term("troops"), term("iraq")), 1, &b), "b#1", "PHRASE: the other order");
    is_str(found(r, node2(NG_Q_OR, term("withdraw"), term("syria")), 1, &b), "b#1 d#1", "OR: either term");

    /* BM25 on the collection: N = 5, average length 4.2. */
    ng_results_t *res = search(r, term("iraq"), 1);
    ok(res && ng_results_count(res) == 3, "iraq: 3 hits");
    if (res && ng_results_count(res) == 3) {
        /* iraq: n = 3, so (N - n + 0.5) / (n + 0.5) = 0.71 < 2 */
        const double want[3] = {bm25(5, 3, 2, 4, 4.2), bm25(5, 3, 1, 1, 4.2), bm25(5, 3, 1, 6, 4.2)};
        const char *why[3] = {"wdf 2, length 4", "wdf 1, length 1 (normlen clamped to 0.5)", "wdf 1, length 6"};
        for (size_t i = 0; i < 3; i++) {
            double got = ng_results_get(res, i)->score;
            ok(fabs(got - want[i]) < 1e-9 * want[i], "iraq hit %zu, %s: score %.12g is BM25's %.12g", i + 1, why[i],
               got, want[i]);
        }
        ok(ng_results_get(res, 0)->score > ng_results_get(res, 1)->score &&
               ng_results_get(res, 1)->score > ng_results_get(res, 2)->score,
           "scores descend");
        is_num(ng_results_estimate(res), 3, "the estimate is exact on a small index");
    }
    ng_results_destroy(res);
    res = search(r, term("withdraw"), 1);
    ok(res && ng_results_count(res) == 1, "withdraw: 1 hit");
    if (res && ng_results_count(res) == 1) {
        /* withdraw: n = 1, ratio 3 >= 2 is used as it is */
        double want = bm25(5, 1, 1, 6, 4.2), got = ng_results_get(res, 0)->score;
        ok(fabs(got - want) < 1e-9 * want, "withdraw, a rare term: score %.12g is BM25's %.12g", got, want);
    }
    ng_results_destroy(res);

    /* offset and limit page through the ranked hits */
    ng_search_opts_t opts;
    ng_search_opts_init(&opts);
    ok(opts.k1 == 1.2 && opts.b == 0.75 && opts.min_normlen == 0.5 && opts.offset == 0 && opts.limit == 10 &&
           !opts.all_passages,
       "ng_search_opts_init: the documented defaults");
    opts.all_passages = 1;
    opts.offset = 1;
    opts.limit = 1;
    ng_qnode_t *q = term("iraq");
    res = NULL;
    is_num(ng_store_search(r, q, &opts, &res), NG_STATUS_SUCCESS, "a search with offset 1, limit 1");
    hits_of(res, &b);
    is_str(b.data, "a#2", "gives the second hit only");
    ng_results_destroy(res);
    ng_qnode_free(q);

    /* the hit's data is the record given to the passage */
    res = search(r, term("syria"), 0);
    if (res && ng_results_count(res) == 1) {
        const ng_hit_t *hit = ng_results_get(res, 0);
        ng_record_t rec;
        is_num(ng_record_decode(hit->data, hit->data_len, &rec), 0, "the hit's data is a record");
        ok(rec.text.len == strlen(article_d[0]) && memcmp(rec.text.ptr, article_d[0], rec.text.len) == 0,
           "holding the passage text");
        ok(hit->docid > 0, "and the hit has a docid");
    } else {
        ok(0, "syria: one hit");
    }
    ng_results_destroy(res);
    ng_buf_free(&b);
    ng_store_close(r);
}

static void test_replace_and_delete(const char *path)
{
    ng_buf_t b = NG_BUF_INIT;
    ng_store_t *w = open_store(path, NG_STORE_WRITE);
    static const char *const shorter_a[] = {"ceasefire troops"};
    int replaced = -1, deleted = -1;
    is_num(put_article(w, "a", shorter_a, 1, &replaced), NG_STATUS_SUCCESS, "article a is replaced by 1 passage");
    is_num(replaced, 1, "replaced says it was there");
    is_num(ng_store_delete_article(w, "c", &deleted), NG_STATUS_SUCCESS, "article c is deleted");
    is_num(deleted, 1, "deleted says it was there");
    is_num(ng_store_delete_article(w, "no-such-article", &deleted), NG_STATUS_SUCCESS,
           "deleting an absent article is no error");
    is_num(deleted, 0, "but deleted says it had no passage");
    is_num(ng_store_delete_article(w, "d", NULL), NG_STATUS_SUCCESS, "deleted may be NULL");
    is_num(ng_store_commit(w), NG_STATUS_SUCCESS, "commit");
    ng_store_close(w);

    ng_store_t *r = open_store(path, NG_STORE_READ);
    is_num(ng_store_doc_count(r), 2, "5 - 2 (old a) + 1 (new a) - 1 (c) - 1 (d) = 2 passages");
    is_num(ng_store_term_freq(r, NG_PREFIX_ARTICLE "a"), 1, "article a has exactly its new passage");
    is_num(ng_store_get_passage(r, "a", 2, &b), NG_STATUS_END, "its old second passage is gone");
    is_num(ng_store_get_passage(r, "a", 1, &b), NG_STATUS_SUCCESS, "its new first passage is there");
    is_num(ng_store_term_freq(r, NG_PREFIX_ARTICLE "c"), 0, "article c is gone");
    is_str(found(r, term("ceasefire"), 1, &b), "a#1", "the new passage is found");
    is_str(found(r, term("iraq"), 1, &b), "b#1", "the old passages of a are not");
    is_str(found(r, term("talks"), 1, &b), "", "nor those of the deleted articles");
    ng_store_close(r);
    ng_buf_free(&b);
}

static void test_uncommitted(const char *path)
{
    ng_store_t *w = open_store(path, NG_STORE_WRITE);
    static const char *const e[] = {"uncommitted words"};
    put_article(w, "e", e, 1, NULL);
    ng_store_delete_article(w, "b", NULL);
    ng_store_set_metadata(w, NG_META_LANGUAGE, "french");
    ng_store_close(w); /* no commit */

    ng_store_t *r = open_store(path, NG_STORE_READ);
    is_num(ng_store_doc_count(r), 2, "closing without a commit discards the changes");
    is_num(ng_store_term_freq(r, "uncommitted"), 0, "the added article is not there");
    is_num(ng_store_term_freq(r, NG_PREFIX_ARTICLE "b"), 1, "the deleted article is still there");
    char *value = NULL;
    ng_store_get_metadata(r, NG_META_LANGUAGE, &value);
    is_str(value, "english", "the metadata set is not kept either");
    free(value);
    ng_store_close(r);
}

static void test_doc_reuse(const char *path)
{
    /* a doc cleared with ng_doc_clear keeps nothing of its past */
    ng_store_t *w = open_store(path, NG_STORE_WRITE);
    ng_doc_t *doc;
    ng_doc_new(&doc);
    ng_doc_add_posting(doc, "stale", 5, 1);
    ng_doc_add_term(doc, "Sstale", 6, 1);
    ng_doc_add_boolean(doc, "XSRCstale", 9);
    ng_doc_set_value(doc, NG_SLOT_DATE, "20240125", 8);
    ng_doc_set_data(doc, "stale", 5);
    ng_doc_clear(doc);
    ng_doc_add_posting(doc, "fresh", 5, 1);
    ng_doc_add_term(doc, "Sfresh", 6, 1);
    ng_doc_add_term(doc, "Sfresh", 6, 1);
    ng_doc_add_boolean(doc, "XSRCwire", 8);
    is_num(ng_store_replace_article(w, "reused", &doc, 1, NULL, NULL), NG_STATUS_SUCCESS, "a reused doc is stored");
    ng_store_commit(w);
    ng_store_close(w);
    ng_doc_destroy(doc);

    ng_store_t *r = open_store(path, NG_STORE_READ);
    is_num(ng_store_term_freq(r, "stale") + ng_store_term_freq(r, "Sstale") + ng_store_term_freq(r, "XSRCstale"), 0,
           "no term from before the clear");
    is_num(ng_store_term_freq(r, "fresh"), 1, "the terms after it are there");
    is_num(ng_store_collection_freq(r, "Sfresh"), 2, "ng_doc_add_term counts each occurrence");
    is_num(ng_store_term_freq(r, "XSRCwire"), 1, "the boolean term is there");
    ng_store_close(r);
}

static void test_long_ids(const char *path)
{
    /* Xapian terms stop at 245 bytes: the identity terms of a long id are
     * hashed, and two ids alike in their first 300 bytes stay two articles. */
    char id1[401], id2[401];
    memset(id1, 'i', 400);
    id1[400] = '\0';
    memcpy(id2, id1, sizeof id1);
    id2[399] = 'j';
    static const char *const two[] = {"longid first", "longid second"};
    static const char *const one[] = {"longid replaced"};

    ng_store_t *w = open_store(path, NG_STORE_WRITE);
    unsigned long before = ng_store_doc_count(w);
    is_num(put_article(w, id1, two, 2, NULL), NG_STATUS_SUCCESS, "an article with a 400-byte id is added");
    is_num(put_article(w, id2, one, 1, NULL), NG_STATUS_SUCCESS, "and one whose id differs in its last byte");
    ng_store_commit(w);
    is_num(ng_store_doc_count(w), before + 3, "both are there");
    int replaced = 0;
    is_num(put_article(w, id1, one, 1, &replaced), NG_STATUS_SUCCESS, "the first is replaced");
    is_num(replaced, 1, "it was found by its long id");
    ng_store_commit(w);
    is_num(ng_store_doc_count(w), before + 2, "it has one passage now, the other article still one");
    ng_store_close(w);

    ng_store_t *r = open_store(path, NG_STORE_READ);
    ng_results_t *res = search(r, term("longid"), 1);
    size_t with_id1 = 0, with_id2 = 0;
    for (size_t i = 0; res && i < ng_results_count(res); i++) {
        const ng_hit_t *hit = ng_results_get(res, i);
        ng_record_t rec;
        if (ng_record_decode(hit->data, hit->data_len, &rec) != 0 || rec.article_id.len != 400)
            continue;
        with_id1 += memcmp(rec.article_id.ptr, id1, 400) == 0;
        with_id2 += memcmp(rec.article_id.ptr, id2, 400) == 0;
    }
    ok(res && ng_results_count(res) == 2 && with_id1 == 1 && with_id2 == 1,
       "a search finds one passage of each long-id article, with the whole id");
    ng_results_destroy(res);
    /* collapsing is by the whole id, not by the cut term */
    res = search(r, term("longid"), 0);
    is_num(res ? ng_results_count(res) : 0, 2, "collapsed, they are still two articles");
    ng_results_destroy(res);
    ng_store_close(r);

    w = open_store(path, NG_STORE_WRITE);
    int deleted = 0;
    ng_store_delete_article(w, id2, &deleted);
    is_num(deleted, 1, "the second long-id article is deleted");
    ng_store_commit(w);
    is_num(ng_store_doc_count(w), before + 1, "leaving the first");
    replaced = 0;
    is_num(ng_store_replace_article(w, id1, NULL, 0, NULL, &replaced), NG_STATUS_SUCCESS,
           "replacing an article by no passage at all");
    is_num(replaced, 1, "finds it");
    ng_store_commit(w);
    is_num(ng_store_doc_count(w), before, "and removes it");
    ng_store_close(w);
}

static void test_open_errors(void)
{
    char path[4096];
    ng_store_t *store = NULL;
    char *errmsg = NULL;

    is_num(ng_store_open(scratch_path("missing.db", path, sizeof path), NG_STORE_READ, &store, &errmsg),
           NG_STATUS_NO_INDEX, "reading a missing path: no index");
    ok(store == NULL, "no store is handed out");
    ok(errmsg && *errmsg, "with a message (%s)", errmsg ? errmsg : "");
    free(errmsg);
    is_num(ng_store_open(path, NG_STORE_READ, &store, NULL), NG_STATUS_NO_INDEX, "the message may be declined");

    /* a folder with other things in it */
    scratch_path("not-an-index", path, sizeof path);
    char file[4200];
    snprintf(file, sizeof file, "%s/notes.txt", path);
    FILE *f = NULL;
    if (mkdir(path, 0700) != 0 || !(f = fopen(file, "w")) || fputs("not an index\n", f) < 0 || fclose(f) != 0)
        bail("cannot make the not-an-index folder");
    errmsg = NULL;
    is_num(ng_store_open(path, NG_STORE_READ, &store, &errmsg), NG_STATUS_INDEX_ERROR,
           "a folder that is not an index: index error");
    ok(store == NULL && errmsg && *errmsg, "with a message (%s)", errmsg ? errmsg : "");
    free(errmsg);

    /* a plain file */
    errmsg = NULL;
    is_num(ng_store_open(file, NG_STORE_READ, &store, &errmsg), NG_STATUS_INDEX_ERROR, "a plain file: index error");
    free(errmsg);
    /* an empty file: Xapian reads it as a stub database of no shard */
    char empty[4200];
    snprintf(empty, sizeof empty, "%s/empty", path);
    if (!(f = fopen(empty, "w")) || fclose(f) != 0)
        bail("cannot make an empty file");
    is_num(ng_store_open(empty, NG_STORE_READ, &store, NULL), NG_STATUS_INDEX_ERROR, "an empty file: index error");
    ok(store == NULL, "and no store");

    errmsg = NULL;
    is_num(ng_store_open(file, NG_STORE_WRITE, &store, &errmsg), NG_STATUS_INDEX_ERROR,
           "a plain file opened for writing: index error");
    ok(store == NULL && errmsg && *errmsg, "with a message (%s)", errmsg ? errmsg : "");
    free(errmsg);
    ng_store_close(NULL);
}

static void test_lock(const char *path)
{
    ng_store_t *w = open_store(path, NG_STORE_WRITE);
    fflush(stdout);
    /* Xapian's lock may be per process: the second writer runs in a child. */
    pid_t pid = fork();
    if (pid < 0)
        bail("fork");
    if (pid == 0) {
        ng_store_t *second = NULL;
        char *errmsg = NULL;
        ng_status_t st = ng_store_open(path, NG_STORE_WRITE, &second, &errmsg);
        int has_message = errmsg && *errmsg;
        _exit((int)st * 2 + has_message);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    is_num(code / 2, NG_STATUS_LOCKED, "a second writer is locked out");
    is_num(code % 2, 1, "with a message");

    /* a reader is not */
    ng_store_t *r = NULL;
    is_num(ng_store_open(path, NG_STORE_READ, &r, NULL), NG_STATUS_SUCCESS, "a reader opens beside the writer");
    ng_store_close(r);
    is_num(ng_store_commit(w), NG_STATUS_SUCCESS, "the writer still commits");
    ng_store_close(w);

    /* once the writer is closed, another may open */
    ng_store_t *again = NULL;
    is_num(ng_store_open(path, NG_STORE_WRITE, &again, NULL), NG_STATUS_SUCCESS, "after close, a new writer opens");
    ng_store_close(again);
}

/* The flush threshold a writer sets is for its own databases only: left in
 * the environment, workers started later would take it for the user's. */
static void test_flush_threshold(const char *path)
{
    ng_store_t *w = NULL;
    unsetenv("XAPIAN_FLUSH_THRESHOLD");
    is_num(ng_store_open(path, NG_STORE_WRITE, &w, NULL), NG_STATUS_SUCCESS, "a writer opens");
    ok(getenv("XAPIAN_FLUSH_THRESHOLD") == NULL, "and leaves no flush threshold in the environment");
    ng_store_close(w);
    setenv("XAPIAN_FLUSH_THRESHOLD", "123", 1);
    is_num(ng_store_open(path, NG_STORE_WRITE, &w, NULL), NG_STATUS_SUCCESS, "a writer opens with the user's");
    const char *value = getenv("XAPIAN_FLUSH_THRESHOLD");
    is_str(value ? value : "(unset)", "123", "and leaves it as it was");
    ng_store_close(w);
    unsetenv("XAPIAN_FLUSH_THRESHOLD");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(scratch, sizeof scratch, "%s/test-store.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch))
        bail("cannot create a scratch folder");
    scratch_path("index.db", path, sizeof path);

    test_open_errors();
    build_collection(path);
    test_statistics(path);
    test_search(path);
    test_replace_and_delete(path);
    test_uncommitted(path);
    test_doc_reuse(path);
    test_long_ids(path);
    test_lock(path);
    test_flush_threshold(path);

    nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return tap_done();
}
