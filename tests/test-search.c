/* The query side of the store (src/store.h) on a small index made here:
 * parsed queries as Xapian matches them (NEAR, ADJ, phrases, wildcards,
 * fields, exclusions), filters on source, language and date, exact counts,
 * timelines by article and by passage, neighbouring passages, sorting by
 * date, the errors of a too broad wildcard, and a match split between two
 * threads giving the hits of one. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "buf.h"
#include "layout.h"
#include "query.h"
#include "record.h"
#include "store.h"
#include "tap.h"

static char scratch[4096];
static ng_analyzer_t *an;
static ng_store_t *store;

static void bail(const char *what)
{
    printf("Bail out! %s\n", what);
    exit(1);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

typedef struct article {
    const char *id, *date, *source, *lang, *title;
    const char *passages[4];
} article_t;

/* Positions are given as the indexer gives them: from 1, word by word. */
static const article_t articles[] = {
    {"a1",
     "2019-01-05",
     "Wikinews",
     "en",
     "Troops leave Iraq",
     {"the troop withdrawal from iraq began", "syria was not mentioned at all", "the withdrawal was slow"}},
    {"a2", "2019-01-20", "The Day Book", "", "Iraq news", {"iraq troop withdrawal", "withdrawn forces"}},
    {"a3", "2019-03", "Wikinews", "en", "March story", {"troop in iraq withdrawal syria"}},
    {"a4", "2020", "Other", "fr", "Year only", {"syria troop x x x x x x withdrawal"}},
    {"a5", "", "", "", "Undated", {"iraq iraq iraq"}},
};

typedef struct adder {
    ng_doc_t *doc;
    ng_buf_t term;
    int title;
} adder_t;

static int add_token(void *ctx, const ng_token_t *tok)
{
    adder_t *a = ctx;
    if (a->title) {
        ng_buf_clear(&a->term);
        ng_buf_append_str(&a->term, NG_PREFIX_TITLE);
        ng_buf_append(&a->term, tok->term, tok->term_len);
        return ng_doc_add_term(a->doc, a->term.data, a->term.len, 1) != NG_STATUS_SUCCESS;
    }
    return ng_doc_add_posting(a->doc, tok->term, tok->term_len, tok->pos + 1) != NG_STATUS_SUCCESS;
}

static void put_article(const article_t *art)
{
    ng_doc_t *docs[4];
    size_t n = 0;
    ng_buf_t data = NG_BUF_INIT;
    adder_t a = {NULL, NG_BUF_INIT, 0};
    for (; n < 4 && art->passages[n]; n++) {
        const char *text = art->passages[n];
        if (ng_doc_new(&docs[n]) != NG_STATUS_SUCCESS)
            bail("ng_doc_new");
        a.doc = docs[n];
        a.title = 0;
        if (ng_analyzer_run(an, text, strlen(text), 0, NULL, add_token, &a) != 0)
            bail("analyse");
        a.title = 1;
        if (ng_analyzer_run(an, art->title, strlen(art->title), 0, NULL, add_token, &a) != 0)
            bail("analyse title");
        if (ng_layout_filter_term(&a.term, NG_PREFIX_SOURCE, art->source) == 0)
            ng_doc_add_boolean(docs[n], a.term.data, a.term.len);
        if (ng_layout_filter_term(&a.term, NG_PREFIX_LANG, art->lang) == 0)
            ng_doc_add_boolean(docs[n], a.term.data, a.term.len);
        char date[9];
        size_t date_len = ng_layout_date_value(art->date, date);
        if (date_len)
            ng_doc_set_value(docs[n], NG_SLOT_DATE, date, date_len);
        ng_record_t rec;
        memset(&rec, 0, sizeof rec);
#define FIELD(f, s) (rec.f.ptr = (s), rec.f.len = strlen(s))
        FIELD(article_id, art->id);
        FIELD(title, art->title);
        FIELD(date, art->date);
        FIELD(source, art->source);
        FIELD(language, art->lang);
        FIELD(text, text);
#undef FIELD
        rec.passage = (unsigned)(n + 1);
        ng_buf_clear(&data);
        if (ng_record_encode(&rec, &data) != 0 || ng_doc_set_data(docs[n], data.data, data.len) != NG_STATUS_SUCCESS)
            bail("record");
    }
    if (ng_store_replace_article(store, art->id, docs, n, NULL, NULL) != NG_STATUS_SUCCESS)
        bail(ng_store_errmsg(store));
    for (size_t i = 0; i < n; i++)
        ng_doc_destroy(docs[i]);
    ng_buf_free(&data);
    ng_buf_free(&a.term);
}

/* An article of 1001 distinct words zz0000 ... zz1000, for zz* */
static void put_many_terms(void)
{
    ng_doc_t *doc;
    ng_buf_t data = NG_BUF_INIT;
    ng_record_t rec;
    if (ng_doc_new(&doc) != NG_STATUS_SUCCESS)
        bail("ng_doc_new");
    for (unsigned i = 0; i <= 1000; i++) {
        char word[16];
        snprintf(word, sizeof word, "zz%04u", i);
        ng_doc_add_posting(doc, word, strlen(word), i + 1);
    }
    memset(&rec, 0, sizeof rec);
    rec.article_id.ptr = "many";
    rec.article_id.len = 4;
    rec.passage = 1;
    rec.text.ptr = "zz";
    rec.text.len = 2;
    if (ng_record_encode(&rec, &data) != 0 || ng_doc_set_data(doc, data.data, data.len) != NG_STATUS_SUCCESS)
        bail("record");
    if (ng_store_replace_article(store, "many", &doc, 1, NULL, NULL) != NG_STATUS_SUCCESS)
        bail(ng_store_errmsg(store));
    ng_doc_destroy(doc);
    ng_buf_free(&data);
}

static ng_qnode_t *parse(const char *text, unsigned flags)
{
    ng_qnode_t *q = NULL;
    ng_query_error_t err;
    if (ng_query_parse(an, text, strlen(text), flags, &q, &err) != NG_STATUS_SUCCESS) {
        printf("# cannot parse '%s': column %zu: %s\n", text, err.column, err.message);
        return NULL;
    }
    return q;
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The hits of QUERY as "id#n" words, sorted (SORTED) or in rank order. */
static void hits_of(ng_qnode_t *query, int all_passages, int sort, int sorted, ng_buf_t *out)
{
    ng_search_opts_t opts;
    ng_results_t *res = NULL;
    ng_buf_clear(out);
    ng_search_opts_init(&opts);
    opts.all_passages = all_passages;
    opts.sort = sort;
    opts.limit = 100;
    ng_status_t st = query ? ng_store_search(store, query, &opts, &res) : NG_STATUS_BAD_QUERY;
    if (st != NG_STATUS_SUCCESS) {
        ng_buf_append_str(out, "(search failed: ");
        ng_buf_append_str(out, query ? ng_store_errmsg(store) : "no query");
        ng_buf_append_str(out, ")");
        return;
    }
    char *names[100];
    size_t n = ng_results_count(res);
    for (size_t i = 0; i < n; i++) {
        const ng_hit_t *hit = ng_results_get(res, i);
        ng_record_t rec;
        char name[64];
        if (ng_record_decode(hit->data, hit->data_len, &rec) != 0)
            snprintf(name, sizeof name, "(bad record)");
        else
            snprintf(name, sizeof name, "%.*s#%u", (int)rec.article_id.len, rec.article_id.ptr, rec.passage);
        names[i] = strdup(name);
    }
    if (sorted)
        qsort(names, n, sizeof names[0], compare);
    for (size_t i = 0; i < n; i++) {
        if (i)
            ng_buf_append_byte(out, ' ');
        ng_buf_append_str(out, names[i]);
        free(names[i]);
    }
    ng_results_destroy(res);
}

static void matches(const char *text, unsigned flags, int all_passages, const char *want, const char *what)
{
    ng_buf_t b = NG_BUF_INIT;
    ng_qnode_t *q = parse(text, flags);
    hits_of(q, all_passages, NG_SORT_SCORE, 1, &b);
    is_str(ng_buf_str(&b), want, "%s: %s", text, what);
    ng_qnode_free(q);
    ng_buf_free(&b);
}

static void test_matching(void)
{
    matches("troop NEAR/1 withdrawal", 0, 1, "a1#1 a2#1", "NEAR/1: next to each other");
    matches("withdrawal NEAR/1 troop", 0, 1, "a1#1 a2#1", "in either order");
    matches("troop NEAR/3 withdrawal", 0, 1, "a1#1 a2#1 a3#1", "NEAR/3: at most 3 positions apart");
    matches("troop NEAR/7 withdrawal", 0, 1, "a1#1 a2#1 a3#1 a4#1", "NEAR/7 reaches a4");
    matches("troop NEAR withdrawal", 0, 1, "a1#1 a2#1 a3#1 a4#1", "NEAR is NEAR/10");
    matches("withdrawal ADJ/3 troop", 0, 1, "", "ADJ keeps the order");
    matches("troop ADJ/3 withdrawal", 0, 1, "a1#1 a2#1 a3#1", "ADJ/3 in order");
    matches("\"troop withdrawal\" NEAR/2 iraq", 0, 1, "a1#1 a2#1", "a phrase near a word");
    matches("\"troop withdrawal\" NEAR/1 iraq", 0, 1, "a2#1", "a phrase next to a word");
    matches("iraq ADJ/1 \"troop withdrawal\"", 0, 1, "a2#1", "a word just before a phrase");
    matches("(iraq OR syria) NEAR/1 troop", 0, 1, "a2#1 a4#1", "alternatives near a word");
    matches("withdr*", 0, 1, "a1#1 a1#3 a2#1 a2#2 a3#1 a4#1", "a wildcard");
    matches("withdrawal*", 0, 1, "a1#1 a1#3 a2#1 a3#1 a4#1", "a prefix past its stem: the stem, not withdrawn");
    matches("withdr* NEAR/1 troop", 0, 1, "a1#1 a2#1", "a wildcard near a word");
    matches("\"troop withdr*\"", 0, 1, "a1#1 a2#1", "a wildcard in a phrase");
    matches("nothing*", 0, 1, "", "a wildcard that expands to nothing");
    matches("nothing* NEAR troop", 0, 1, "", "and near a word");
    matches("iraq -syria", 0, 1, "a1#1 a2#1 a5#1", "an exclusion");
    matches("iraq NOT (syria OR began)", 0, 1, "a2#1 a5#1", "an excluded group");
    matches("title:iraq", 0, 0, "a1#1 a2#1", "title terms");
    matches("title:\"iraq news\"", 0, 0, "a2#1", "title words, all of them");
    matches("title:troop*", 0, 0, "a1#1", "a title wildcard");
    matches("source:wikinews", 0, 0, "a1#1 a3#1", "a source");
    matches("source:\"The  day book\"", 0, 1, "a2#1 a2#2", "a source of several words");
    matches("withdrawal -source:wikinews", 0, 1, "a2#1 a4#1", "an excluded source");
    matches("id:a2", 0, 1, "a2#1 a2#2", "an article id");
    matches("id:a2#2", 0, 1, "a2#2", "a passage id");
    matches("id:a9", 0, 1, "", "an unknown id");
    matches("the", 0, 0, "a1#1", "collapsed: one passage per article");
    matches("troop withdrawal +syria", NG_QUERY_ANY, 1, "a1#2 a3#1 a4#1", "+word is required under --any");

    /* a boolean term adds no weight: the ranking is that of the words */
    ng_search_opts_t opts;
    ng_search_opts_init(&opts);
    ng_results_t *r1 = NULL, *r2 = NULL;
    ng_qnode_t *q1 = parse("troop", 0), *q2 = parse("troop source:wikinews", 0);
    ng_store_search(store, q1, &opts, &r1);
    ng_store_search(store, q2, &opts, &r2);
    ok(r1 && r2 && ng_results_count(r2) == 2 && ng_results_count(r1) == 4, "troop: 4 articles, 2 of wikinews");
    for (size_t j = 0; r1 && r2 && j < ng_results_count(r2); j++) {
        double want = -1;
        for (size_t i = 0; i < ng_results_count(r1); i++)
            if (ng_results_get(r1, i)->docid == ng_results_get(r2, j)->docid)
                want = ng_results_get(r1, i)->score;
        ok(want > 0 && want == ng_results_get(r2, j)->score, "source: leaves the score of hit %zu as it is (%.6f)", j,
           want);
    }
    ng_results_destroy(r1);
    ng_results_destroy(r2);
    ng_qnode_free(q1);
    ng_qnode_free(q2);
}

/* Q restricted to dates SINCE..UNTIL (NULL: open) and the filter TERM, as
 * newsgrep's --since, --until and --source restrict a query. */
static ng_qnode_t *restricted(ng_qnode_t *q, const char *since, const char *until, const char *term)
{
    ng_qnode_t *filter = ng_qnode_new(NG_Q_AND, 0, 0);
    if (!since && !until && !term) { /* an empty AND matches everything */
        ng_qnode_free(filter);
        filter = ng_qnode_new(NG_Q_AND, 0, 0);
    }
    char lo[9] = "", hi[9] = "";
    if (since && ng_query_date_bound(since, 0, lo) != 0)
        bail("bad since");
    if (until && ng_query_date_bound(until, 1, hi) != 0)
        bail("bad until");
    if (since || until) {
        ng_qnode_t *range = ng_qnode_new_strings(NG_Q_VALUE_RANGE, lo, hi, 0, 0);
        range->slot = NG_SLOT_DATE;
        ng_qnode_add(filter, range);
    }
    if (term)
        ng_qnode_add(filter, ng_qnode_new_strings(NG_Q_BOOLEAN, term, NULL, 0, 0));
    return ng_qnode_pair(NG_Q_FILTER, q, filter);
}

/* The query TEXT restricted as restricted() says. */
static ng_qnode_t *filtered(const char *text, const char *since, const char *until, const char *term)
{
    return restricted(parse(text, 0), since, until, term);
}

static void filter_is(const char *text, const char *since, const char *until, const char *term, const char *want,
                      const char *what)
{
    ng_buf_t b = NG_BUF_INIT;
    ng_qnode_t *q = filtered(text, since, until, term);
    hits_of(q, 0, NG_SORT_SCORE, 1, &b);
    is_str(ng_buf_str(&b), want, "%s --since %s --until %s %s: %s", text, since ? since : "-", until ? until : "-",
           term ? term : "", what);
    ng_qnode_free(q);
    ng_buf_free(&b);
}

static void test_filters(void)
{
    filter_is("troop OR iraq", NULL, NULL, NULL, "a1#1 a2#1 a3#1 a4#1 a5#1", "no filter: every article");
    filter_is("troop OR iraq", "2019-01-10", NULL, NULL, "a2#1 a3#1 a4#1", "since a day: the undated are out");
    filter_is("troop OR iraq", NULL, "2019-01", NULL, "a1#1 a2#1", "until a month: its whole");
    filter_is("troop OR iraq", "2019-03", "2019-03", NULL, "a3#1", "a month-only date within its month");
    filter_is("troop OR iraq", "2019-03-02", "2019-12-31", NULL, "", "a month-only date is its first day");
    filter_is("troop OR iraq", "2020", NULL, NULL, "a4#1", "a year");
    filter_is("troop OR iraq", "2019-02", "2020-01-01", NULL, "a3#1 a4#1", "a year-only date is its January 1");
    filter_is("troop OR iraq", NULL, NULL, "XLANGen", "a1#1 a3#1", "a language");
    filter_is("troop OR iraq", "2019-02", NULL, "XLANGen", "a3#1", "a language and a date");
    filter_is("syria", NULL, NULL, "XSRCother", "a4#1", "a source");
}

static void test_counts(void)
{
    static const struct {
        const char *text;
        unsigned long passages, articles;
    } cases[] = {
        {"troop", 4, 4}, {"withdr*", 6, 4}, {"the", 2, 1}, {"iraq OR syria", 6, 5}, {"zzyzzyva", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned long p = 99, a = 99;
        ng_qnode_t *q = parse(cases[i].text, 0);
        ng_status_t st = ng_store_count(store, q, &p, &a);
        ok(st == NG_STATUS_SUCCESS && p == cases[i].passages && a == cases[i].articles,
           "count %s: %lu passages in %lu articles (got %lu, %lu)", cases[i].text, cases[i].passages, cases[i].articles,
           p, a);
        ng_qnode_free(q);
    }
    unsigned long p = 0, a = 0;
    ng_qnode_t *q = filtered("withdr*", "2019-02", NULL, NULL);
    ok(ng_store_count(store, q, &p, &a) == NG_STATUS_SUCCESS && p == 2 && a == 2, "count with a date filter: 2, 2");
    ng_qnode_free(q);
}

static void timeline_is(const char *text, int all_passages, size_t digits, const char *want)
{
    ng_timeline_t *tl = NULL;
    ng_buf_t b = NG_BUF_INIT;
    ng_qnode_t *q = parse(text, 0);
    if (ng_store_timeline(store, q, all_passages, digits, &tl) != NG_STATUS_SUCCESS) {
        ng_buf_append_str(&b, "(failed)");
    } else {
        for (size_t i = 0; i < ng_timeline_size(tl); i++) {
            unsigned long n;
            const char *period = ng_timeline_get(tl, i, &n);
            char item[64];
            snprintf(item, sizeof item, "%s%s=%lu", i ? " " : "", *period ? period : "undated", n);
            ng_buf_append_str(&b, item);
        }
    }
    is_str(ng_buf_str(&b), want, "timeline of %s by %zu digits, %s", text, digits,
           all_passages ? "passages" : "articles");
    ng_timeline_destroy(tl);
    ng_qnode_free(q);
    ng_buf_free(&b);
}

static void test_timelines(void)
{
    timeline_is("withdr*", 0, 6, "201901=2 201903=1 2020=1");
    timeline_is("withdr*", 1, 6, "201901=4 201903=1 2020=1");
    timeline_is("withdr*", 0, 4, "2019=3 2020=1");
    timeline_is("withdr*", 0, 8, "20190105=1 20190120=1 201903=1 2020=1");
    timeline_is("iraq", 0, 4, "2019=3 undated=1");
    timeline_is("iraq", 1, 4, "2019=3 undated=1");
    timeline_is("zzyzzyva", 0, 6, "");
}

static void test_passages(void)
{
    ng_buf_t b = NG_BUF_INIT;
    ng_record_t rec;
    is_num(ng_store_get_passage(store, "a1", 2, &b), NG_STATUS_SUCCESS, "passage 2 of a1");
    ok(ng_record_decode(b.data, b.len, &rec) == 0 && rec.passage == 2 && rec.text.len == 30 &&
           memcmp(rec.text.ptr, "syria was not mentioned at all", 30) == 0,
       "is its second passage");
    is_num(ng_store_get_passage(store, "a1", 4, &b), NG_STATUS_END, "a1 has no passage 4");
    is_num(b.len, 0, "and the buffer is empty");
    is_num(ng_store_get_passage(store, "a1", 0, &b), NG_STATUS_END, "nor a passage 0");
    is_num(ng_store_get_passage(store, "nowhere", 1, &b), NG_STATUS_END, "an unknown article has none");
    ng_buf_free(&b);
}

static void test_sorting(void)
{
    ng_buf_t b = NG_BUF_INIT;
    ng_qnode_t *q = parse("troop OR iraq", 0);
    hits_of(q, 0, NG_SORT_DATE, 0, &b);
    is_str(ng_buf_str(&b), "a5#1 a1#1 a2#1 a3#1 a4#1", "--sort=date: oldest first, undated first");
    hits_of(q, 0, NG_SORT_DATE_DESC, 0, &b);
    is_str(ng_buf_str(&b), "a4#1 a3#1 a2#1 a1#1 a5#1", "--sort=-date: newest first, undated last");
    ng_qnode_free(q);
    ng_buf_free(&b);

    ng_search_opts_t opts;
    ng_results_t *res = NULL;
    ng_search_opts_init(&opts);
    opts.ids_only = 1;
    q = parse("withdr*", 0);
    ok(ng_store_search(store, q, &opts, &res) == NG_STATUS_SUCCESS && ng_results_count(res) == 4,
       "ids_only: one hit per article");
    int fine = res != NULL;
    for (size_t i = 0; res && i < ng_results_count(res); i++) {
        const ng_hit_t *h = ng_results_get(res, i);
        fine &= h->data == NULL && h->article_id_len == 2 && h->article_id[0] == 'a';
    }
    ok(fine, "with article ids and no records");
    ng_results_destroy(res);
    ng_qnode_free(q);
}

static void test_wildcard_errors(void)
{
    ng_qnode_t *q = parse("troop withdr*", 0);
    const ng_qnode_t *broad = NULL;
    is_num(ng_store_expand_wildcards(store, q, 1, &broad), NG_STATUS_BAD_QUERY, "withdr* is more than 1 term");
    ok(broad && broad->op == NG_Q_WILDCARD && broad->start == 6 && broad->end == 13, "the node is given back");
    ok(strstr(ng_store_errmsg(store), "more than 1 term") != NULL, "with a message (%s)", ng_store_errmsg(store));
    is_num(ng_store_expand_wildcards(store, q, 2, &broad), NG_STATUS_SUCCESS, "but not more than 2");
    ok(!broad && q->kids[1]->expanded && q->kids[1]->nkids == 2 && strcmp(q->kids[1]->kids[0]->term, "withdraw") == 0 &&
           strcmp(q->kids[1]->kids[1]->term, "withdrawn") == 0,
       "its expansion: withdraw, withdrawn");
    ng_qnode_free(q);

    q = parse("withdrawal*", 0);
    ng_store_expand_wildcards(store, q, 10, NULL);
    ok(q->expanded && q->nkids == 1 && strcmp(q->kids[0]->term, "withdraw") == 0, "withdrawal* expands to its stem");
    ng_qnode_free(q);

    /* searching expands by itself, up to NG_QUERY_MAX_EXPANSION */
    ng_buf_t b = NG_BUF_INIT;
    q = parse("zz000*", 0);
    hits_of(q, 0, NG_SORT_SCORE, 1, &b);
    is_str(ng_buf_str(&b), "many#1", "zz000* (10 terms) finds its article");
    ng_qnode_free(q);
    q = parse("zz*", 0);
    ng_results_t *res = NULL;
    ng_search_opts_t opts;
    ng_search_opts_init(&opts);
    is_num(ng_store_search(store, q, &opts, &res), NG_STATUS_BAD_QUERY, "zz* (1001 terms) is too broad to search");
    ok(res == NULL && strstr(ng_store_errmsg(store), "more than 1000") != NULL, "with a message (%s)",
       ng_store_errmsg(store));
    unsigned long p, a;
    is_num(ng_store_count(store, q, &p, &a), NG_STATUS_BAD_QUERY, "to count");
    ng_timeline_t *tl = NULL;
    is_num(ng_store_timeline(store, q, 0, 6, &tl), NG_STATUS_BAD_QUERY, "and for a timeline");
    ng_qnode_free(q);
    q = parse("zz* NEAR troop", 0);
    is_num(ng_store_search(store, q, &opts, &res), NG_STATUS_BAD_QUERY, "also near a word");
    ng_qnode_free(q);
    ng_buf_free(&b);
}

/* Every shape of tree the parser makes is one Xapian runs. */
static void test_every_shape(void)
{
    static const char *const queries[] = {
        "coalition withdrawal",
        "\"troop withdrawal\" NEAR/5 Iraq -Syria",
        "+Iraq troops -Syria",
        "(Iraq OR Syria) AND (troops OR soldiers)",
        "Iraq NOT (Syria OR Iran) troops",
        "a NEAR/2 b NEAR/4 c",
        "(Iraq OR Syria) NEAR/3 troops",
        "(withdr* OR syria) ADJ/3 troops",
        "\"the withdr*\" NEAR iraq",
        "al-Sudani ADJ/2 coalition",
        "\"a b\" NEAR \"c d\" NEAR e*",
        "title:\"US military\" title:withdraw* source:x id:a1",
        "+source:wikinews -id:a2 troop",
        "((((iraq))))",
        "(a -b) OR (c NOT d) OR e*",
    };
    for (size_t any = 0; any < 2; any++) {
        for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
            ng_qnode_t *q = parse(queries[i], any ? NG_QUERY_ANY : 0);
            ng_search_opts_t opts;
            ng_results_t *res = NULL;
            unsigned long p, a;
            ng_timeline_t *tl = NULL;
            ng_search_opts_init(&opts);
            ng_status_t st = q ? ng_store_search(store, q, &opts, &res) : NG_STATUS_BAD_QUERY;
            ng_status_t st2 = q ? ng_store_count(store, q, &p, &a) : NG_STATUS_BAD_QUERY;
            ng_status_t st3 = q ? ng_store_timeline(store, q, 0, 6, &tl) : NG_STATUS_BAD_QUERY;
            ok(st == NG_STATUS_SUCCESS && st2 == NG_STATUS_SUCCESS && st3 == NG_STATUS_SUCCESS,
               "%s%s: Xapian takes it (%s)", any ? "--any " : "", queries[i],
               st == NG_STATUS_SUCCESS ? "" : ng_store_errmsg(store));
            ng_results_destroy(res);
            ng_timeline_destroy(tl);
            ng_qnode_free(q);
        }
    }
}

/* A second index, of many articles with their article documents, whose words
 * come from a small vocabulary: many ties, and an article on both sides of
 * the split. */
/* ng_store_open_writer's flags for put_vocabulary_index, and how many
 * articles it writes */
static int vocabulary_flags = 0;
static unsigned vocabulary_articles = 119;
/* when set, every other word is "the" (a word of almost every passage) */
static int vocabulary_common = 0;

static void put_vocabulary_index(const char *path, unsigned seed)
{
    /* words that are their own stems */
    static const char *const words[] = {"troop", "iraq", "syria", "withdraw", "the",  "said", "gun", "deal",
                                        "oil",   "bank", "rate",  "market",   "vote", "tax",  "war", "talk"};
    const size_t nwords = sizeof words / sizeof words[0];
    ng_store_t *w = NULL;
    ng_buf_t data = NG_BUF_INIT, text = NG_BUF_INIT;
    if (ng_store_open_writer(path, vocabulary_flags, &w, NULL) != NG_STATUS_SUCCESS)
        bail("cannot create the second index");
    /* 296 passages: the split falls after the second passage of v059, whose
     * passages all have "quorum" */
    for (unsigned a = 0; a < vocabulary_articles; a++) {
        char id[16];
        ng_doc_t *docs[4], *whole;
        size_t n = 1 + a % 4;
        snprintf(id, sizeof id, "v%03u", a);
        if (ng_doc_new(&whole) != NG_STATUS_SUCCESS)
            bail("ng_doc_new");
        for (size_t i = 0; i < n; i++) {
            if (ng_doc_new(&docs[i]) != NG_STATUS_SUCCESS)
                bail("ng_doc_new");
            ng_buf_clear(&text);
            size_t len = 3 + (seed = seed * 1103515245u + 12345u) % 9;
            for (size_t k = 0; k < len; k++) {
                seed = seed * 1103515245u + 12345u;
                const char *word = !vocabulary_common        ? words[seed / 65536 % nwords]
                                   : seed / 65536 % 2 ? "the"
                                                      : words[seed / 131072 % nwords];
                ng_doc_add_posting(docs[i], word, strlen(word), (unsigned)k + 1);
                ng_doc_add_term(whole, word, strlen(word), 1);
                if (k)
                    ng_buf_append_byte(&text, ' ');
                ng_buf_append_str(&text, word);
            }
            if (a == 59) {
                ng_doc_add_posting(docs[i], "quorum", 6, (unsigned)len + 1);
                ng_doc_add_term(whole, "quorum", 6, 1);
                ng_buf_append_str(&text, " quorum");
            }
            /* dated 1990, 1991 or 1992, for the filtered queries */
            char date[9];
            snprintf(date, sizeof date, "%u0101", 1990 + a % 3);
            if (ng_doc_set_value(docs[i], NG_SLOT_DATE, date, 8) != NG_STATUS_SUCCESS)
                bail("date");
            ng_record_t rec;
            memset(&rec, 0, sizeof rec);
            rec.article_id.ptr = id;
            rec.article_id.len = strlen(id);
            rec.passage = (unsigned)(i + 1);
            rec.text.ptr = text.data;
            rec.text.len = text.len;
            ng_buf_clear(&data);
            if (ng_record_encode(&rec, &data) != 0 ||
                ng_doc_set_data(docs[i], data.data, data.len) != NG_STATUS_SUCCESS)
                bail("record");
        }
        if (ng_store_replace_article(w, id, docs, n, whole, NULL) != NG_STATUS_SUCCESS)
            bail(ng_store_errmsg(w));
        for (size_t i = 0; i < n; i++)
            ng_doc_destroy(docs[i]);
        ng_doc_destroy(whole);
    }
    if (ng_store_commit(w) != NG_STATUS_SUCCESS)
        bail("commit");
    ng_store_close(w);
    ng_buf_free(&data);
    ng_buf_free(&text);
}

/* The hits of QUERY with OPTS, as one line: docid, score, article id and
 * record length each; *ESTIMATE gets the estimate of all the matches. */
static void describe_hits(ng_store_t *st, ng_qnode_t *query, ng_search_opts_t *opts, ng_buf_t *out,
                          unsigned long *estimate)
{
    ng_results_t *res = NULL;
    ng_buf_clear(out);
    if (ng_store_search(st, query, opts, &res) != NG_STATUS_SUCCESS) {
        ng_buf_append_str(out, "(search failed)");
        return;
    }
    char hit[128];
    *estimate = ng_results_estimate(res);
    for (size_t i = 0; i < ng_results_count(res); i++) {
        const ng_hit_t *h = ng_results_get(res, i);
        snprintf(hit, sizeof hit, "%s%u/%.17g/%.*s/%zu", i ? " " : "", h->docid, h->score, (int)h->article_id_len,
                 h->article_id, h->data_len);
        ng_buf_append_str(out, hit);
    }
    ng_results_destroy(res);
}

/* The queries matched in one thread and in two, each alone and as any-word. */
static const char *const split_queries[] = {
    "the",         "troop iraq",        "\"the war\"",        "said -oil",        "troop NEAR/3 war",
    "war OR talk", "\"gun said\" bank", "(oil OR bank) rate", "iraq ADJ/2 syria", "withdr* deal",
    "quorum",      "quorum OR gun",
};

/* A match split between two threads, one per half of the document ids,
 * gives the hits, scores and order of one thread's (its estimate is the sum
 * of two estimates: not compared). */
static void test_split(const char *path)
{
    static const struct {
        int all_passages, rank;
        size_t offset, limit;
    } modes[] = {{0, NG_RANK_COMBINED, 0, 10}, {0, NG_RANK_PASSAGE, 0, 10}, {1, NG_RANK_COMBINED, 0, 10},
                 {0, NG_RANK_COMBINED, 3, 5},  {1, NG_RANK_PASSAGE, 7, 40}, {0, NG_RANK_ARTICLE, 0, 200}};
    ng_store_t *st = NULL;
    ng_buf_t one = NG_BUF_INIT, two = NG_BUF_INIT;
    unsigned long est1, est2;
    put_vocabulary_index(path, 7);
    if (ng_store_open(path, NG_STORE_READ, &st, NULL) != NG_STATUS_SUCCESS)
        bail("cannot open the second index");
    for (size_t any = 0; any < 2; any++)
        for (size_t i = 0; i < sizeof split_queries / sizeof split_queries[0]; i++)
            for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
                ng_qnode_t *q = parse(split_queries[i], any ? NG_QUERY_ANY : 0);
                ng_search_opts_t opts;
                ng_search_opts_init(&opts);
                opts.all_passages = modes[m].all_passages;
                opts.rank = modes[m].rank;
                opts.offset = modes[m].offset;
                opts.limit = modes[m].limit;
                opts.split = NG_SPLIT_NEVER;
                describe_hits(st, q, &opts, &one, &est1);
                opts.split = NG_SPLIT_ALWAYS;
                describe_hits(st, q, &opts, &two, &est2);
                ok((one.len > 0 || modes[m].offset > 0) && strcmp(ng_buf_str(&one), ng_buf_str(&two)) == 0 && est2 > 0,
                   "%s%s (passages %d, rank %d, hits %zu-%zu): split, the same hits", any ? "--any " : "",
                   split_queries[i], modes[m].all_passages, modes[m].rank, modes[m].offset, modes[m].limit);
                if (strcmp(ng_buf_str(&one), ng_buf_str(&two)) != 0)
                    printf("#   one: %s\n# split: %s\n", ng_buf_str(&one), ng_buf_str(&two));
                ng_qnode_free(q);
            }
    ng_store_close(st);
    ng_buf_free(&one);
    ng_buf_free(&two);
}

/* The hits of split_queries on ST, in one thread (SPLIT NG_SPLIT_NEVER) or
 * two (NG_SPLIT_ALWAYS), the documents' lengths read as LENGTHS says, each
 * query alone and as any-word, as it is and filtered by date when FILTERS,
 * ranked each way when ALL_RANKS: one line each, added to OUT. */
static void describe_queries(ng_store_t *st, int split, int lengths, int all_ranks, int filters, ng_buf_t *out)
{
    ng_buf_t one = NG_BUF_INIT;
    unsigned long est;
    const size_t nq = sizeof split_queries / sizeof split_queries[0];
    for (size_t any = 0; any < 2; any++)
        for (size_t i = 0; i < (filters ? 2 * nq : nq); i++)
            for (int rank = NG_RANK_COMBINED; rank <= (all_ranks ? NG_RANK_ARTICLE : NG_RANK_COMBINED); rank++) {
                ng_qnode_t *q = parse(split_queries[i % nq], any ? NG_QUERY_ANY : 0);
                if (i >= nq)
                    q = restricted(q, "1991", NULL, NULL);
                ng_search_opts_t opts;
                ng_search_opts_init(&opts);
                opts.split = split;
                opts.lengths = lengths;
                opts.rank = rank;
                describe_hits(st, q, &opts, &one, &est);
                ng_buf_append_str(out, ng_buf_str(&one));
                ng_buf_append_byte(out, '\n');
                ng_qnode_free(q);
            }
    ng_buf_free(&one);
}

/* The hits of split_queries on ST, ranked by default, matched as SPLIT
 * says (OUT cleared first). */
static void describe_default(ng_store_t *st, int split, ng_buf_t *out)
{
    ng_buf_clear(out);
    describe_queries(st, split, NG_LENGTHS_AUTO, 0, 0, out);
}

/* The second thread of a split match opens the index again; when what it
 * finds there is not what the first thread reads (a writer committed since,
 * or another index took the folder's place), the first thread matches both
 * halves: the hits are those of the handle searched, from one database. */
static void test_split_elsewhere(const char *dir)
{
    char path[4300], other[4300], old[4300];
    ng_store_t *st = NULL;
    ng_buf_t before = NG_BUF_INIT, never = NG_BUF_INIT, split = NG_BUF_INIT;

    snprintf(path, sizeof path, "%s/committed.db", dir);
    put_vocabulary_index(path, 7);
    if (ng_store_open(path, NG_STORE_READ, &st, NULL) != NG_STATUS_SUCCESS)
        bail("cannot open an index");
    describe_default(st, NG_SPLIT_NEVER, &before);
    /* every article replaced: a new revision, which the second thread will
     * find when it first opens the index */
    put_vocabulary_index(path, 11);
    describe_default(st, NG_SPLIT_NEVER, &never);
    describe_default(st, NG_SPLIT_ALWAYS, &split);
    ok(strcmp(ng_buf_str(&never), ng_buf_str(&before)) == 0, "a handle searches its revision after a commit");
    ok(strcmp(ng_buf_str(&split), ng_buf_str(&never)) == 0, "a split match after a commit: the same hits");
    ng_store_close(st);

    snprintf(path, sizeof path, "%s/swapped.db", dir);
    snprintf(other, sizeof other, "%s/swapped-new.db", dir);
    snprintf(old, sizeof old, "%s/swapped-old.db", dir);
    put_vocabulary_index(path, 7);
    put_vocabulary_index(other, 13); /* as many commits: the same revision */
    if (ng_store_open(path, NG_STORE_READ, &st, NULL) != NG_STATUS_SUCCESS)
        bail("cannot open an index");
    describe_default(st, NG_SPLIT_NEVER, &never);
    if (rename(path, old) != 0)
        bail("cannot move an index");
    describe_default(st, NG_SPLIT_ALWAYS, &split);
    ok(strcmp(ng_buf_str(&split), ng_buf_str(&never)) == 0, "a split match once the folder is gone: the same hits");
    if (rename(other, path) != 0)
        bail("cannot put an index in the place of another");
    describe_default(st, NG_SPLIT_ALWAYS, &split);
    ok(strcmp(ng_buf_str(&split), ng_buf_str(&never)) == 0,
       "a split match once another index took the folder's place: the same hits");
    if (strcmp(ng_buf_str(&split), ng_buf_str(&never)) != 0)
        printf("# one thread:\n%s# split:\n%s", ng_buf_str(&never), ng_buf_str(&split));
    ng_store_close(st);
    ng_buf_free(&before);
    ng_buf_free(&never);
    ng_buf_free(&split);
}

/* The hits of split_queries on ST, every way, filtered and not, in one
 * thread and in two, the documents' lengths read as LENGTHS says. */
static void describe_lengths(ng_store_t *st, int lengths, ng_buf_t *out)
{
    ng_buf_clear(out);
    describe_queries(st, NG_SPLIT_NEVER, lengths, 1, 1, out);
    describe_queries(st, NG_SPLIT_ALWAYS, lengths, 1, 1, out);
}

/* Do the searches of describe_lengths on the index at PATH give the same
 * hits and scores with its lengths file as with Xapian's lengths? Both
 * printed when that is not what EXPECT says. */
static int lengths_agree(const char *path, int expect)
{
    ng_buf_t own = NG_BUF_INIT, xapian = NG_BUF_INIT;
    ng_store_t *st = NULL;
    if (ng_store_open(path, NG_STORE_READ, &st, NULL) != NG_STATUS_SUCCESS)
        bail("cannot open a lengths index");
    describe_lengths(st, NG_LENGTHS_AUTO, &own);
    describe_lengths(st, NG_LENGTHS_XAPIAN, &xapian);
    ng_store_close(st);
    const int agree = own.len > 0 && strcmp(ng_buf_str(&own), ng_buf_str(&xapian)) == 0;
    if (agree != expect)
        printf("# own:\n%s# Xapian's:\n%s", ng_buf_str(&own), ng_buf_str(&xapian));
    ng_buf_free(&own);
    ng_buf_free(&xapian);
    return agree;
}

/* BM25 reading the lengths from the index's own file (src/lengths.h) gives
 * Xapian's scores to the last bit: as one writer wrote it, after an
 * addition, and after a compaction; and the file is what is read. */
static void test_lengths(const char *dir)
{
    char path[4200], dest[4300];
    snprintf(path, sizeof path, "%s/lengths.db", dir);
    snprintf(dest, sizeof dest, "%s/lengths-compacted.db", dir);
    put_vocabulary_index(path, 11);
    ok(lengths_agree(path, 1), "scored with the index's lengths: Xapian's hits and scores");

    /* the same articles again: replaced, their new documents numbered
     * after the old, which are deleted (the table's entries for them stay) */
    put_vocabulary_index(path, 11);
    ok(lengths_agree(path, 1), "after an addition: Xapian's hits and scores");

    /* compacted: the documents numbered anew, the table written anew */
    const char *sources[] = {path};
    char *err = NULL;
    if (ng_store_compact(sources, 1, dest, &err) != NG_STATUS_SUCCESS)
        bail(err ? err : "compaction");
    ok(lengths_agree(dest, 1), "after a compaction: Xapian's hits and scores");

    /* another database's file (here the index before its compaction) is
     * not read: the scores stay Xapian's */
    char file[4400], theirs[4400];
    snprintf(file, sizeof file, "%s/newsgrep-lengths", dest);
    snprintf(theirs, sizeof theirs, "%s/newsgrep-lengths", path);
    if (rename(theirs, file) != 0)
        bail("cannot move the lengths file");
    ok(lengths_agree(dest, 1), "another database's lengths file: not read");

    /* a file that lies is believed: the file is what the scores read */
    unsigned char lie[4096];
    memset(lie, 1, sizeof lie); /* every length 16843008 */
    if (rename(file, theirs) != 0)
        bail("cannot move the lengths file back");
    ng_store_t *w = NULL;
    if (ng_store_open(dest, NG_STORE_WRITE, &w, NULL) != NG_STATUS_SUCCESS || ng_store_commit(w) != NG_STATUS_SUCCESS)
        bail("cannot commit");
    ng_store_close(w);
    int fd = open(file, O_WRONLY);
    if (fd < 0 || pwrite(fd, lie, sizeof lie, 64) != (ssize_t)sizeof lie || close(fd) != 0)
        bail("cannot write the lie");
    ok(!lengths_agree(dest, 0), "a wrong lengths file changes the scores: it is read");
}

/* Queries whose words must stand somewhere: phrases, NEAR and ADJ, of
 * words, repeated words, wildcards and ORs. */
static const char *const positional_queries[] = {
    "\"the war\"",          "\"troop iraq\"",          "\"the the\"",
    "\"war talk tax\"",     "\"iraq syria withdraw\"", "troop NEAR/3 war",
    "war NEAR/1 war",       "iraq NEAR/2 iraq",        "iraq ADJ/2 syria",
    "iraq ADJ/3 iraq",      "withdr* NEAR/2 deal",     "\"t* war\"",
    "(oil OR bank) NEAR/2 rate", "\"gun said\" NEAR/3 bank", "\"said deal\" -oil",
    "\"oil bank\" OR \"bank oil\"", "quorum NEAR/5 the",  "gun ADJ/1 said",
    "\"gun said\" ADJ/2 \"the war\"", "\"nothing here\"",  "tax NEAR/20 vote",
    "\"zebra lamp\"",         "lamp NEAR/2 zebra",       "\"lamp the\"",
};

/* The hits of positional_queries on ST, ranked by their passages, in one
 * thread and in two, each alone and as any-word, where words stand read as
 * POSITIONS says; one line each (OUT cleared first). Every passage of each,
 * and the best 3 (so that the match soon needs more weight than most
 * passages have, and a phrase passes over them unread). */
static void describe_positional(ng_store_t *st, int positions, ng_buf_t *out)
{
    ng_buf_t one = NG_BUF_INIT;
    unsigned long est;
    ng_buf_clear(out);
    for (int split = NG_SPLIT_NEVER; split <= NG_SPLIT_ALWAYS; split++)
        for (size_t any = 0; any < 4; any++)
            for (size_t i = 0; i < sizeof positional_queries / sizeof positional_queries[0]; i++) {
                ng_qnode_t *q = parse(positional_queries[i], any % 2 ? NG_QUERY_ANY : 0);
                ng_search_opts_t opts;
                ng_search_opts_init(&opts);
                opts.split = split;
                opts.positions = positions;
                opts.all_passages = 1;
                opts.rank = NG_RANK_PASSAGE;
                opts.limit = any < 2 ? 1000 : 3;
                describe_hits(st, q, &opts, &one, &est);
                ng_buf_append_str(out, positional_queries[i]);
                ng_buf_append_str(out, ": ");
                ng_buf_append_str(out, ng_buf_str(&one));
                ng_buf_append_byte(out, '\n');
                ng_qnode_free(q);
            }
    ng_buf_free(&one);
}

/* Do the searches of describe_positional on the index at PATH give the
 * same hits and scores from its forward file as from Xapian's positions?
 * Both printed when that is not what EXPECT says. */
static int positions_agree(const char *path, int expect)
{
    ng_buf_t own = NG_BUF_INIT, xapian = NG_BUF_INIT;
    ng_store_t *st = NULL;
    if (ng_store_open(path, NG_STORE_READ, &st, NULL) != NG_STATUS_SUCCESS)
        bail("cannot open an index");
    describe_positional(st, NG_POSITIONS_AUTO, &own);
    describe_positional(st, NG_POSITIONS_XAPIAN, &xapian);
    ng_store_close(st);
    /* the queries find something: the comparison is not of nothings */
    const int agree = strstr(ng_buf_str(&xapian), "/v0") && strcmp(ng_buf_str(&own), ng_buf_str(&xapian)) == 0;
    if (agree != expect)
        printf("# forward file:\n%s# Xapian's positions:\n%s", ng_buf_str(&own), ng_buf_str(&xapian));
    ng_buf_free(&own);
    ng_buf_free(&xapian);
    return agree;
}

static const char *const forward_files[] = {"newsgrep-forward", "newsgrep-forward-index", "newsgrep-words"};

/* Move the forward files of the index at FROM to the folder TO (made if
 * missing), or back when BACK. */
static void move_forward_files(const char *from, const char *to, int back)
{
    char a[4400], b[4400];
    mkdir(to, 0777);
    for (size_t i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "%s/%s", from, forward_files[i]);
        snprintf(b, sizeof b, "%s/%s", to, forward_files[i]);
        if (rename(back ? b : a, back ? a : b) != 0)
            bail("cannot move a forward file");
    }
}

/* The hits of describe_positional on the index at PATH into OUT, its
 * forward files moved away first when AWAY (into AWAY): read from the
 * passages' text. */
static void describe_index(const char *path, const char *away, ng_buf_t *out)
{
    ng_store_t *st = NULL;
    if (away)
        move_forward_files(path, away, 0);
    if (ng_store_open(path, NG_STORE_READ, &st, NULL) != NG_STATUS_SUCCESS)
        bail("cannot open an index");
    describe_positional(st, NG_POSITIONS_AUTO, out);
    ng_store_close(st);
    if (away)
        move_forward_files(path, away, 1);
}

/* Do the phrases of the index at PATH find, from its forward files, what
 * they find from the passages' text (the files moved into AWAY a while)? */
static int text_agrees(const char *path, const char *away)
{
    ng_buf_t own = NG_BUF_INIT, text = NG_BUF_INIT;
    describe_index(path, NULL, &own);
    describe_index(path, away, &text);
    const int agree = strstr(ng_buf_str(&own), "/v0") && strcmp(ng_buf_str(&own), ng_buf_str(&text)) == 0;
    if (!agree)
        printf("# forward file:\n%s# text:\n%s", ng_buf_str(&own), ng_buf_str(&text));
    ng_buf_free(&own);
    ng_buf_free(&text);
    return agree;
}

static void copy_file(const char *from, const char *to)
{
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    if (system(cmd) != 0)
        bail("cannot copy a file");
}

/* Add to the index at PATH, in a commit of its own, an article of words
 * it did not have. */
static void add_new_words(const char *path)
{
    static const char *const words[] = {"zebra", "lamp", "the", "zebra"}; /* their own stems */
    ng_store_t *w = NULL;
    ng_doc_t *doc = NULL;
    ng_buf_t data = NG_BUF_INIT;
    ng_record_t rec;
    if (ng_store_open_writer(path, vocabulary_flags, &w, NULL) != NG_STATUS_SUCCESS || ng_doc_new(&doc) != NG_STATUS_SUCCESS)
        bail("cannot add new words");
    for (unsigned i = 0; i < 4; i++)
        ng_doc_add_posting(doc, words[i], strlen(words[i]), i + 1);
    memset(&rec, 0, sizeof rec);
    rec.article_id.ptr = "v900";
    rec.article_id.len = 4;
    rec.passage = 1;
    rec.text.ptr = "zebra lamp the zebra";
    rec.text.len = strlen(rec.text.ptr);
    if (ng_record_encode(&rec, &data) != 0 || ng_doc_set_data(doc, data.data, data.len) != NG_STATUS_SUCCESS ||
        ng_store_replace_article(w, "v900", &doc, 1, NULL, NULL) != NG_STATUS_SUCCESS ||
        ng_store_commit(w) != NG_STATUS_SUCCESS)
        bail("cannot add new words");
    ng_doc_destroy(doc);
    ng_store_close(w);
    ng_buf_free(&data);
}

/* The words of the words file of the index at PATH not in order (added
 * after its sorted lines), or -1. */
static long unsorted_words(const char *path)
{
    char file[4400], line[256];
    unsigned long n, sorted, end;
    snprintf(file, sizeof file, "%s/newsgrep-words", path);
    FILE *f = fopen(file, "r");
    char *got = f ? fgets(line, sizeof line, f) : NULL;
    if (f)
        fclose(f);
    const char *numbers = got ? strrchr(line, ' ') : NULL; /* three from the end */
    for (int i = 0; numbers && i < 2; i++)
        for (numbers--; numbers > line && *numbers != ' '; numbers--)
            ;
    if (!numbers || sscanf(numbers, " %lu %lu %lu", &n, &sorted, &end) != 3)
        return -1;
    return (long)(n - sorted);
}

/* Make every word of the forward file of the index at PATH no word. */
static void lie_in(const char *path)
{
    char file[4400];
    snprintf(file, sizeof file, "%s/newsgrep-forward", path);
    int fd = open(file, O_RDWR);
    off_t size = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
    char *zeros = size > 0 ? calloc(1, (size_t)size) : NULL;
    if (!zeros || pwrite(fd, zeros, (size_t)size, 0) != (ssize_t)size || close(fd) != 0)
        bail("cannot write the lie");
    free(zeros);
}

/* Open the index at PATH for writing and commit. */
static void commit_writer(const char *path)
{
    ng_store_t *w = NULL;
    if (ng_store_open(path, NG_STORE_WRITE, &w, NULL) != NG_STATUS_SUCCESS || ng_store_commit(w) != NG_STATUS_SUCCESS)
        bail("cannot commit");
    ng_store_close(w);
}

/* Phrases, NEAR and ADJ matched from the index's forward file
 * (src/forward.h) give the passages and scores of Xapian's positions (an
 * index written with NG_STORE_POSITIONS has both): as one writer wrote it,
 * after additions, after a compaction of several indexes; and the file is
 * what is read, when it is the database's. */
static void test_forward_against_positions(const char *dir)
{
    char path[4200], other[4200], dest[4300], file[4400], theirs[4400];
    snprintf(path, sizeof path, "%s/forward.db", dir);
    snprintf(other, sizeof other, "%s/forward-other.db", dir);
    snprintf(dest, sizeof dest, "%s/forward-compacted.db", dir);
    vocabulary_flags = NG_STORE_POSITIONS;
    put_vocabulary_index(path, 5);
    ok(positions_agree(path, 1), "phrases from the forward file: Xapian's passages and scores");
    put_vocabulary_index(path, 9); /* every article replaced, in a second commit */
    ok(positions_agree(path, 1), "after an addition: Xapian's passages and scores");
    add_new_words(path); /* new words: after the sorted ones */
    ok(unsorted_words(path) == 2 && positions_agree(path, 1),
       "new words of a later commit: added after the sorted ones, and found");

    /* a word of almost every passage, in a phrase: counted in the runs,
     * not read from its postings */
    snprintf(file, sizeof file, "%s/forward-common.db", dir);
    vocabulary_common = 1;
    put_vocabulary_index(file, 23);
    vocabulary_common = 0;
    ok(positions_agree(file, 1), "a word of almost every passage: Xapian's passages and scores");

    /* more than a writer keeps in memory between commits: written out as it goes */
    snprintf(file, sizeof file, "%s/forward-many.db", dir);
    vocabulary_articles = 30000;
    put_vocabulary_index(file, 31);
    vocabulary_articles = 119;
    ok(positions_agree(file, 1), "75000 passages in one commit: Xapian's passages and scores");

    /* two indexes made one, the second's articles replacing the first's */
    put_vocabulary_index(other, 17);
    vocabulary_flags = 0;
    const char *sources[] = {path, other};
    char *err = NULL;
    if (ng_store_compact(sources, 2, dest, &err) != NG_STATUS_SUCCESS)
        bail(err ? err : "compaction");
    snprintf(file, sizeof file, "%s/newsgrep-forward-index", dest);
    ok(access(file, F_OK) == 0, "a compaction writes the forward file anew");
    ok(positions_agree(dest, 1), "after a compaction of two indexes: Xapian's passages and scores");
    snprintf(file, sizeof file, "%s/newsgrep-pairs", dest);
    ok(access(file, F_OK) == 0, "a compaction writes the lists of pairs of common words");

    /* lists of pairs that hold nothing are believed: they lead the phrases */
    unsigned char none[2500 * 12] = {0};
    int pfd = open(file, O_WRONLY);
    if (pfd < 0 || pwrite(pfd, none, sizeof none, 64) != (ssize_t)sizeof none || close(pfd) != 0)
        bail("cannot empty the pairs' lists");
    ok(!positions_agree(dest, 0), "empty lists of pairs change the hits: they lead the phrases of common words");

    /* another database's files are not read */
    for (size_t i = 0; i < 3; i++) {
        snprintf(file, sizeof file, "%s/%s", dest, forward_files[i]);
        snprintf(theirs, sizeof theirs, "%s/%s", other, forward_files[i]);
        copy_file(theirs, file);
    }
    ok(positions_agree(dest, 1), "another database's forward file: not read");

    /* a file that lies is believed: the file is what the phrases read */
    lie_in(path);
    ok(!positions_agree(path, 0), "a wrong forward file changes the hits: it is read");

    /* a writer that finds the files behind a database that has Xapian's
     * positions (made before the files) drops them: the positions again */
    snprintf(file, sizeof file, "%s/newsgrep-forward-index", path);
    if (truncate(file, 64 + 8) != 0)
        bail("cannot cut the forward index");
    commit_writer(path);
    ok(access(file, F_OK) != 0 && positions_agree(path, 1),
       "files behind a database with positions are dropped: Xapian's positions again");
}

/* An index written as newsgrep-index writes it has no Xapian positions: its
 * phrases read the forward file, and the passages' text for what that
 * lacks; a writer writes again from the text what the files lack, and a
 * compaction reads the text of a source without them. */
static void test_forward_alone(const char *dir)
{
    char path[4200], other[4200], dest[4300], away[4300], file[4400];
    ng_buf_t before = NG_BUF_INIT, after = NG_BUF_INIT;
    snprintf(path, sizeof path, "%s/plain.db", dir);
    snprintf(other, sizeof other, "%s/plain-other.db", dir);
    snprintf(dest, sizeof dest, "%s/plain-compacted.db", dir);
    snprintf(away, sizeof away, "%s/away", dir);
    put_vocabulary_index(path, 5);
    ok(!positions_agree(path, 0), "no Xapian positions: nothing found from them");
    ok(text_agrees(path, away), "the forward file gives what the passages' text gives");

    /* the files lost: the text serves, and the next writer writes them again */
    describe_index(path, NULL, &before);
    move_forward_files(path, away, 0);
    commit_writer(path);
    snprintf(file, sizeof file, "%s/newsgrep-forward-index", path);
    describe_index(path, NULL, &after);
    ok(access(file, F_OK) == 0 && strcmp(ng_buf_str(&before), ng_buf_str(&after)) == 0,
       "files lost: a writer writes them again from the passages' text");
    move_forward_files(path, away, 1); /* the old ones, of the same database: still right */

    /* written before a commit that did not happen: they say they hold more */
    unsigned char more[4] = {0xff, 0xff, 0, 0};
    int fd = open(file, O_WRONLY);
    if (fd < 0 || pwrite(fd, more, sizeof more, 56) != (ssize_t)sizeof more || close(fd) != 0)
        bail("cannot write the count");
    put_vocabulary_index(path, 9);
    ok(text_agrees(path, away), "files that held more than the database: the writer goes on from the database");

    /* a compaction of an index with the files and one without */
    put_vocabulary_index(other, 17);
    move_forward_files(other, away, 0);
    const char *sources[] = {path, other};
    char *err = NULL;
    if (ng_store_compact(sources, 2, dest, &err) != NG_STATUS_SUCCESS)
        bail(err ? err : "compaction");
    snprintf(file, sizeof file, "%s/newsgrep-forward-index", dest);
    ok(access(file, F_OK) == 0 && text_agrees(dest, away),
       "a compaction of a source with the files and one without: the text fills in");
    ng_buf_free(&before);
    ng_buf_free(&after);
}

/* A stub listing two indexes (as an addition being merged is shown) reads
 * each one's forward file. */
static void test_forward_stub(const char *dir)
{
    char one[4200], two[4200], stub[4200], file[4300];
    snprintf(one, sizeof one, "%s/stub-one.db", dir);
    snprintf(two, sizeof two, "%s/stub-two.db", dir);
    snprintf(stub, sizeof stub, "%s/stub.db", dir);
    vocabulary_flags = NG_STORE_POSITIONS;
    put_vocabulary_index(one, 23);
    put_vocabulary_index(two, 29);
    vocabulary_flags = 0;
    snprintf(file, sizeof file, "%s/XAPIANDB", stub);
    FILE *f = mkdir(stub, 0777) == 0 ? fopen(file, "w") : NULL;
    if (!f || fprintf(f, "glass ../stub-one.db\nglass %s\n", two) < 0 || fclose(f) != 0)
        bail("cannot write a stub");
    ok(positions_agree(stub, 1), "a stub of two indexes: each one's forward file, Xapian's passages and scores");
    lie_in(two);
    ok(!positions_agree(stub, 0), "a wrong forward file of one of them changes the hits: it is read");
}

static void test_forward(const char *dir)
{
    test_forward_against_positions(dir);
    test_forward_alone(dir);
    test_forward_stub(dir);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[4200];
    snprintf(scratch, sizeof scratch, "%s/test-search.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch))
        bail("cannot create a scratch folder");
    snprintf(path, sizeof path, "%s/index.db", scratch);
    if (ng_analyzer_new("english", &an) != NG_STATUS_SUCCESS)
        bail("no analyzer");
    if (ng_store_open(path, NG_STORE_WRITE, &store, NULL) != NG_STATUS_SUCCESS)
        bail("cannot create the index");
    for (size_t i = 0; i < sizeof articles / sizeof articles[0]; i++)
        put_article(&articles[i]);
    put_many_terms();
    if (ng_store_commit(store) != NG_STATUS_SUCCESS)
        bail("commit");
    ng_store_close(store);
    if (ng_store_open(path, NG_STORE_READ, &store, NULL) != NG_STATUS_SUCCESS)
        bail("cannot open the index");

    test_matching();
    test_filters();
    test_counts();
    test_timelines();
    test_passages();
    test_sorting();
    test_wildcard_errors();
    test_every_shape();
    snprintf(path, sizeof path, "%s/vocabulary.db", scratch);
    test_split(path);
    test_split_elsewhere(scratch);
    test_lengths(scratch);
    test_forward(scratch);

    ng_store_close(store);
    ng_analyzer_destroy(an);
    nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return tap_done();
}
