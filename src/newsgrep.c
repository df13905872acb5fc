/* newsgrep: search an index of news passages and print the best matches.
 * Exit status as grep: 0 something matched, 1 nothing did, 2 an error. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "analyzer.h"
#include "buf.h"
#include "defaults.h"
#include "highlight.h"
#include "layout.h"
#include "output.h"
#include "query.h"
#include "record.h"
#include "stopword.h"
#include "store.h"

enum { EXIT_MATCH = 0, EXIT_NO_MATCH = 1, EXIT_TROUBLE = 2 };

/* A query file larger than this is a mistake, not a query. */
#define MAX_QUERY_FILE (1u << 20)

static const char *program = "newsgrep";

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: %s [OPTION]... QUERY...\n"
            "Search an index of news articles; print the best passages, ranked by BM25.\n"
            "QUERY: words (all required), \"phrases\", word*, -word, +word, AND, OR, NOT,\n"
            "( ), NEAR/n, ADJ/n, title:, source:, id: (see man newsgrep).\n"
            "\n"
            "Index and query:\n"
            "  -d, --db=DIR            the index (default: $NEWSGREP_DB, else\n"
            "                          ~/.local/share/newsgrep/db)\n"
            "  -f, --query-file=FILE   read the query from FILE ('-' for standard input)\n"
            "      --any               rank passages that match any word (default: all words)\n"
            "      --stopwords         with --any, leave the language's stopwords out\n"
            "      --no-stopwords      keep them (the default, but for --trec-run topics)\n"
            "Filters:\n"
            "      --since=DATE        articles dated DATE or later (YYYY, YYYY-MM, YYYY-MM-DD)\n"
            "      --until=DATE        articles dated DATE or earlier\n"
            "      --source=NAME       articles of source NAME (repeatable)\n"
            "      --lang=CODE         articles in language CODE (repeatable)\n"
            "Output:\n"
            "  -n, --hits=NUM          print at most NUM hits (default 10)\n"
            "  -m, --max-count=NUM     the same as --hits\n"
            "      --offset=NUM        skip the first NUM hits\n"
            "      --all-passages      every matching passage, not only the best per article\n"
            "  -C, --context=NUM       print NUM passages of the article before and after each hit\n"
            "      --sort=ORDER        score (default), date (oldest first) or -date (newest first)\n"
            "      --scores            show each hit's score\n"
            "  -l, --files-with-matches  print only the ids of the matching articles\n"
            "  -c, --count             print the numbers of matching passages and articles\n"
            "      --timeline[=UNIT]   matching articles per month (or year, day), as a bar chart\n"
            "      --json              JSON Lines: one object per hit (or id, count, period)\n"
            "Ranking and evaluation:\n"
            "      --bm25=K1,B[,MIN]   BM25 parameters (default 1.2,0.75,0.5)\n"
            "      --rank=HOW          rank articles by combined (default), article or passage scores\n"
            "      --passage-weight=W  the best passage's weight in the combined score (default 0.3)\n"
            "      --trec-run=TAG      rank each topic of --topics, print a TREC run tagged TAG\n"
            "      --topics=FILE       topics: TREC <top> format, or one ID<TAB>TEXT per line\n"
            "      --color[=WHEN]      highlight matches: auto (default), always or never\n"
            "  -h, --help              print this help and exit\n"
            "  -V, --version           print the version and exit\n"
            "\n"
            "A query word that starts with - goes after -- or inside one quoted QUERY.\n"
            "Exit status: 0 when something matched, 1 when nothing did, 2 on error.\n",
            program);
}

static int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", program);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_TROUBLE;
}

typedef enum mode { MODE_HITS, MODE_LIST, MODE_COUNT, MODE_TIMELINE, MODE_TREC } mode_t_;

typedef struct options {
    const char *db;
    unsigned long hits;
    int hits_given;
    unsigned long offset;
    unsigned long context;
    int any;
    int stopwords; /* 1 --stopwords, 0 --no-stopwords, -1 not said */
    int all_passages;
    int scores;
    int json;
    int sort;
    mode_t_ mode;
    int modes; /* how many of -l, -c, --timeline were given */
    size_t timeline_digits;
    const char *since, *until;
    char since_value[9], until_value[9];
    const char **sources;
    size_t nsources;
    const char **langs;
    size_t nlangs;
    const char *query_file;
    ng_color_mode_t color;
    double k1, b, min_normlen;
    int rank;
    double passage_weight;
    const char *trec_tag;
    const char *topics;
} options_t;

static int parse_count(const char *arg, unsigned long *out)
{
    char *end;
    if (!arg || *arg < '0' || *arg > '9')
        return -1;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (*end || errno || v > UINT_MAX)
        return -1;
    *out = v;
    return 0;
}

/* One of the words an option takes, and what it stands for. */
typedef struct choice {
    const char *word;
    int value;
} choice_t;

/* The value of ARG among the N CHOICES of OPTION into *VALUE; on a word that
 * is not one of them, a message listing them and -1. */
static int choose(const char *option, const char *arg, const choice_t *choices, size_t n, int *value)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arg, choices[i].word) == 0) {
            *value = choices[i].value;
            return 0;
        }
    fprintf(stderr, "%s: invalid %s argument '%s' (use ", program, option, arg);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ", choices[i].word);
    fputs(")\n", stderr);
    return -1;
}
#define CHOOSE(option, arg, choices, value) choose(option, arg, choices, sizeof choices / sizeof *choices, value)

/* --bm25=K1,B[,MIN_NORMLEN] into OPT. */
static int parse_bm25(const char *arg, options_t *opt)
{
    double v[3] = {0, 0, opt->min_normlen};
    const char *p = arg;
    int n = 0;
    for (; n < 3; n++) {
        char *end;
        errno = 0;
        v[n] = strtod(p, &end);
        if (end == p || errno || v[n] != v[n])
            return -1;
        p = end;
        if (*p != ',')
            break;
        p++;
    }
    if (*p || n < 1 || v[0] < 0 || v[0] > 1000 || v[1] < 0 || v[1] > 1 || v[2] < 0 || v[2] > 1000)
        return -1;
    opt->k1 = v[0];
    opt->b = v[1];
    opt->min_normlen = v[2];
    return 0;
}

/* The whole of FILE ("-": standard input) into OUT. */
static int read_query_file(const char *path, ng_buf_t *out)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    const char *name = fp == stdin ? "standard input" : path;
    if (!fp)
        return die("cannot open query file %s: %s", path, strerror(errno));
    char chunk[4096];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (out->len + n > MAX_QUERY_FILE) {
            rc = die("the query in %s is longer than %u bytes", name, MAX_QUERY_FILE);
            break;
        }
        if (ng_buf_append(out, chunk, n) != 0) {
            rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
            break;
        }
    }
    if (rc == 0 && ferror(fp))
        rc = die("cannot read query file %s: %s", name, strerror(errno));
    if (fp != stdin)
        fclose(fp);
    return rc;
}

/* OR of the filter terms PREFIX+VALUE of VALUES, added to the AND *FILTER. */
static ng_status_t add_term_filter(ng_qnode_t *filter, const char *prefix, const char *const *values, size_t n)
{
    ng_qnode_t *any = ng_qnode_new(NG_Q_OR, 0, 0);
    ng_buf_t term = NG_BUF_INIT;
    ng_status_t st = any ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; st == NG_STATUS_SUCCESS && i < n; i++) {
        int rc = ng_layout_filter_term(&term, prefix, values[i]);
        if (rc > 0)
            continue; /* blank: the option parser refused it already */
        ng_qnode_t *node = rc == 0 ? ng_qnode_new_strings(NG_Q_BOOLEAN, ng_buf_str(&term), NULL, 0, 0) : NULL;
        if (!node || ng_qnode_add(any, node) != 0)
            st = NG_STATUS_OUT_OF_MEMORY;
    }
    ng_buf_free(&term);
    if (st == NG_STATUS_SUCCESS && ng_qnode_add(filter, any) != 0)
        return NG_STATUS_OUT_OF_MEMORY;
    if (st != NG_STATUS_SUCCESS)
        ng_qnode_free(any);
    return st;
}

/* *QUERY restricted by the filters of OPT (a FILTER node), or left as it is.
 * On failure *QUERY is freed and NULL. */
static ng_status_t apply_filters(const options_t *opt, ng_qnode_t **query)
{
    if (!opt->nsources && !opt->nlangs && !opt->since && !opt->until)
        return NG_STATUS_SUCCESS;
    ng_qnode_t *filter = ng_qnode_new(NG_Q_AND, 0, 0);
    ng_status_t st = filter ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
    if (st == NG_STATUS_SUCCESS && opt->nsources)
        st = add_term_filter(filter, NG_PREFIX_SOURCE, opt->sources, opt->nsources);
    if (st == NG_STATUS_SUCCESS && opt->nlangs)
        st = add_term_filter(filter, NG_PREFIX_LANG, opt->langs, opt->nlangs);
    if (st == NG_STATUS_SUCCESS && (opt->since || opt->until)) {
        ng_qnode_t *range = ng_qnode_new_strings(NG_Q_VALUE_RANGE, opt->since ? opt->since_value : "",
                                                 opt->until ? opt->until_value : "", 0, 0);
        if (range)
            range->slot = NG_SLOT_DATE;
        if (!range || ng_qnode_add(filter, range) != 0)
            st = NG_STATUS_OUT_OF_MEMORY;
    }
    if (st != NG_STATUS_SUCCESS) {
        ng_qnode_free(filter);
        ng_qnode_free(*query);
        *query = NULL;
        return st;
    }
    ng_qnode_t *filtered = ng_qnode_pair(NG_Q_FILTER, *query, filter);
    *query = filtered;
    return filtered ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
}

/* Where a write to standard output failed: a reader that went away (a closed
 * pipe, as with "| head") ends the output quietly. */
static int output_failed(void)
{
    if (errno == EPIPE)
        return 0;
    return die("error writing output: %s", strerror(errno));
}

/* The records of the passages around HIT_REC (-C): up to CONTEXT before and
 * after, as far as the article goes. The records point into BUFS. */
typedef struct neighbours {
    ng_buf_t *bufs;
    ng_record_t *recs;
    size_t cap, nbefore, nafter;
} neighbours_t;

static ng_status_t fetch_neighbours(ng_store_t *store, const ng_record_t *hit_rec, unsigned long context,
                                    neighbours_t *nb, char **bad_id)
{
    nb->nbefore = nb->nafter = 0;
    *bad_id = NULL;
    char *id = malloc(hit_rec->article_id.len + 1);
    if (!id)
        return NG_STATUS_OUT_OF_MEMORY;
    memcpy(id, hit_rec->article_id.ptr, hit_rec->article_id.len);
    id[hit_rec->article_id.len] = '\0';
    unsigned hit = hit_rec->passage;
    unsigned first = hit > context ? hit - (unsigned)context : 1;
    ng_status_t st = NG_STATUS_SUCCESS;
    size_t n = 0;
    for (unsigned long p = first; p <= hit + context; p++) {
        if (p == hit)
            continue;
        if (n == nb->cap) {
            size_t cap = nb->cap ? nb->cap * 2 : 8;
            ng_buf_t *bufs = realloc(nb->bufs, cap * sizeof *bufs);
            if (bufs)
                nb->bufs = bufs;
            ng_record_t *recs = realloc(nb->recs, cap * sizeof *recs);
            if (recs)
                nb->recs = recs;
            if (!bufs || !recs) {
                st = NG_STATUS_OUT_OF_MEMORY;
                break;
            }
            for (size_t i = nb->cap; i < cap; i++)
                nb->bufs[i] = (ng_buf_t)NG_BUF_INIT;
            nb->cap = cap;
        }
        st = ng_store_get_passage(store, id, (unsigned)p, &nb->bufs[n]);
        if (st == NG_STATUS_END && p > hit) { /* the article ends here */
            st = NG_STATUS_SUCCESS;
            break;
        }
        if (st == NG_STATUS_END)
            continue;
        if (st != NG_STATUS_SUCCESS)
            break;
        if (ng_record_decode(nb->bufs[n].data, nb->bufs[n].len, &nb->recs[n]) != 0) {
            st = NG_STATUS_INDEX_ERROR;
            *bad_id = id;
            return st;
        }
        if (p < hit)
            nb->nbefore++;
        else
            nb->nafter++;
        n++;
    }
    free(id);
    return st;
}

static void neighbours_free(neighbours_t *nb)
{
    for (size_t i = 0; i < nb->cap; i++)
        ng_buf_free(&nb->bufs[i]);
    free(nb->bufs);
    free(nb->recs);
}

/* The width of a timeline's bars: the terminal's, when it is one. */
static size_t bar_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 40)
        return ws.ws_col - 30u;
    return 50;
}

/* The ranking and paging options of OPT, for ng_store_search. */
static void search_opts(const options_t *opt, ng_search_opts_t *so)
{
    ng_search_opts_init(so);
    so->k1 = opt->k1;
    so->b = opt->b;
    so->min_normlen = opt->min_normlen;
    so->rank = opt->rank;
    so->passage_weight = opt->passage_weight;
    so->offset = opt->offset;
    so->all_passages = opt->all_passages;
}

/* Print the hits (or ids) of QUERY; *MATCHED says whether there was one. */
static int print_hits(ng_store_t *store, const options_t *opt, ng_analyzer_t *analyzer, const ng_qnode_t *query,
                      ng_output_t *output, int *matched)
{
    ng_search_opts_t so;
    ng_results_t *results = NULL;
    ng_highlighter_t *hl = NULL;
    neighbours_t nb = {NULL, NULL, 0, 0, 0};
    int rc = EXIT_MATCH;
    search_opts(opt, &so);
    so.sort = opt->sort;
    so.limit = opt->hits;
    if (opt->mode == MODE_LIST) {
        so.ids_only = 1;
        so.all_passages = 0; /* one line per article */
        if (!opt->hits_given)
            so.limit = ng_store_doc_count(store);
    }
    ng_status_t st = ng_store_search(store, query, &so, &results);
    if (st == NG_STATUS_BAD_QUERY)
        return die("bad query: %s", ng_store_errmsg(store));
    if (st != NG_STATUS_SUCCESS)
        return die("search in %s failed: %s", opt->db, ng_store_errmsg(store));
    *matched = ng_results_count(results) > 0;
    if (opt->mode == MODE_HITS && ng_highlighter_new(analyzer, query, &hl) != NG_STATUS_SUCCESS) {
        ng_results_destroy(results);
        return die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
    }
    for (size_t i = 0; i < ng_results_count(results); i++) {
        const ng_hit_t *hit = ng_results_get(results, i);
        if (opt->mode == MODE_LIST) {
            if (ng_output_article(output, hit->article_id, hit->article_id_len) != 0) {
                rc = output_failed();
                break;
            }
            continue;
        }
        ng_record_t rec;
        const ng_span_t *spans;
        size_t nspans;
        if (ng_record_decode(hit->data, hit->data_len, &rec) != 0) {
            rc = die("index %s: document %u holds no passage record (index built by another program?)", opt->db,
                     hit->docid);
            break;
        }
        if (ng_highlight(hl, rec.text.ptr, rec.text.len, &spans, &nspans) != NG_STATUS_SUCCESS) {
            rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
            break;
        }
        if (opt->context) {
            char *bad_id = NULL;
            st = fetch_neighbours(store, &rec, opt->context, &nb, &bad_id);
            if (st != NG_STATUS_SUCCESS) {
                if (bad_id)
                    rc = die("index %s: a passage of article %s holds no passage record", opt->db, bad_id);
                else if (st == NG_STATUS_OUT_OF_MEMORY)
                    rc = die("%s", ng_status_to_string(st));
                else
                    rc = die("cannot read the passages around a hit in %s: %s", opt->db, ng_store_errmsg(store));
                free(bad_id);
                break;
            }
        }
        if (ng_output_hit_full(output, &rec, hit->score, spans, nspans, nb.recs, opt->context ? nb.nbefore : 0,
                               nb.recs ? nb.recs + nb.nbefore : NULL, opt->context ? nb.nafter : 0) != 0) {
            rc = output_failed();
            break;
        }
    }
    neighbours_free(&nb);
    ng_highlighter_destroy(hl);
    ng_results_destroy(results);
    return rc;
}

static int print_timeline(ng_store_t *store, const options_t *opt, const ng_qnode_t *query, ng_output_t *output,
                          int *matched)
{
    ng_timeline_t *tl = NULL;
    ng_status_t st = ng_store_timeline(store, query, opt->all_passages, opt->timeline_digits, &tl);
    if (st == NG_STATUS_BAD_QUERY)
        return die("bad query: %s", ng_store_errmsg(store));
    if (st != NG_STATUS_SUCCESS)
        return die("search in %s failed: %s", opt->db, ng_store_errmsg(store));
    size_t n = ng_timeline_size(tl);
    ng_period_t *periods = calloc(n ? n : 1, sizeof *periods);
    int rc = EXIT_MATCH;
    if (!periods) {
        rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
    } else {
        for (size_t i = 0; i < n; i++)
            periods[i].digits = ng_timeline_get(tl, i, &periods[i].count);
        *matched = n > 0;
        if (ng_output_timeline(output, periods, n, opt->timeline_digits, opt->all_passages ? "passages" : "articles",
                               bar_width()) != 0)
            rc = output_failed();
    }
    free(periods);
    ng_timeline_destroy(tl);
    return rc;
}

/* The analyzer of the index's language; with --stopwords, check the language
 * has a list. Returns EXIT_MATCH, or an error status after a message. */
static int index_analyzer(ng_store_t *store, const options_t *opt, ng_analyzer_t **analyzer)
{
    char *language = NULL;
    int rc = EXIT_TROUBLE;
    *analyzer = NULL;
    if (ng_store_get_metadata(store, NG_META_LANGUAGE, &language) != NG_STATUS_SUCCESS)
        return die("cannot read index %s: %s", opt->db, ng_store_errmsg(store));
    const char *lang = *language ? language : NG_DEFAULT_LANGUAGE;
    ng_status_t st = ng_analyzer_new(lang, analyzer);
    if (st != NG_STATUS_SUCCESS)
        rc = die("index %s uses language '%s': %s", opt->db, lang, ng_status_to_string(st));
    else if (opt->stopwords == 1 && !ng_stoplist_for(lang))
        rc = die("--stopwords: no stopword list for '%s', the language of index %s (lists: %s)", lang, opt->db,
                 ng_stoplist_languages());
    else
        rc = EXIT_MATCH;
    if (rc != EXIT_MATCH) {
        ng_analyzer_destroy(*analyzer);
        *analyzer = NULL;
    }
    free(language);
    return rc;
}

typedef struct topic {
    char *id;
    char *text;
    unsigned long line;
} topic_t;

static void topics_free(topic_t *topics, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(topics[i].id);
        free(topics[i].text);
    }
    free(topics);
}

static char *dup_trimmed(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static unsigned long line_of(const char *text, const char *at)
{
    unsigned long line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

/* Read the topics of PATH: TREC topics (<top> <num> Number: N <title> TEXT
 * </top>; the title is the query) or lines ID<TAB>TEXT. */
static int read_topics(const char *path, topic_t **out, size_t *count)
{
    ng_buf_t buf = NG_BUF_INIT;
    topic_t *topics = NULL;
    size_t n = 0, cap = 0;
    int rc = read_query_file(path, &buf);
    const char *text = ng_buf_str(&buf);
    *out = NULL;
    *count = 0;
    if (rc != 0) {
        ng_buf_free(&buf);
        return rc;
    }
    int trec = strstr(text, "<top>") != NULL;
    const char *p = text;
    while (*p) {
        const char *id, *id_end, *q, *q_end, *next;
        if (trec) {
            const char *top = strstr(p, "<top>");
            if (!top)
                break;
            const char *end = strstr(top, "</top>");
            next = end ? end + 6 : top + strlen(top);
            const char *num = strstr(top, "<num>"), *title = strstr(top, "<title>");
            if (!num || !title || num > next || title > next) {
                rc = die("%s:%lu: a <top> without <num> or <title>", path, line_of(text, top));
                break;
            }
            id = num + 5;
            while (*id == ' ' || *id == '\t')
                id++;
            if (strncmp(id, "Number:", 7) == 0)
                id += 7;
            for (id_end = id; *id_end && *id_end != '<' && *id_end != '\n'; id_end++)
                ;
            q = title + 7;
            for (q_end = q; *q_end && *q_end != '<'; q_end++)
                ;
        } else {
            const char *nl = strchr(p, '\n');
            next = nl ? nl + 1 : p + strlen(p);
            const char *tab = memchr(p, '\t', (size_t)(next - p));
            if (next - p <= 1 || (next - p == 2 && *p == '\r')) {
                p = next;
                continue;
            }
            if (!tab) {
                rc = die("%s:%lu: not a topic line ID<TAB>TEXT (nor a TREC <top>)", path, line_of(text, p));
                break;
            }
            id = p;
            id_end = tab;
            q = tab + 1;
            q_end = nl ? nl : next;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            topic_t *more = realloc(topics, cap * sizeof *more);
            if (!more) {
                rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
                break;
            }
            topics = more;
        }
        topics[n].id = dup_trimmed(id, (size_t)(id_end - id));
        topics[n].text = dup_trimmed(q, (size_t)(q_end - q));
        topics[n].line = line_of(text, id);
        n++;
        if (!topics[n - 1].id || !topics[n - 1].text) {
            rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
            break;
        }
        if (!*topics[n - 1].id) {
            rc = die("%s:%lu: a topic without an id", path, topics[n - 1].line);
            break;
        }
        p = next;
    }
    ng_buf_free(&buf);
    if (rc == 0 && n == 0)
        rc = die("%s holds no topic", path);
    if (rc != 0) {
        topics_free(topics, n);
        return rc;
    }
    *out = topics;
    *count = n;
    return 0;
}

/* --trec-run: rank each topic as plain words, any of them (a natural-language
 * topic would match nothing if all its words were required), and print the
 * hits as a TREC run: TOPIC Q0 DOCID RANK SCORE TAG. */
static int trec_run(ng_store_t *store, const options_t *opt)
{
    ng_analyzer_t *analyzer = NULL;
    topic_t *topics = NULL;
    size_t ntopics = 0;
    int rc = index_analyzer(store, opt, &analyzer);
    if (rc == EXIT_MATCH)
        rc = read_topics(opt->topics, &topics, &ntopics);
    int matched = 0;
    for (size_t t = 0; rc == EXIT_MATCH && t < ntopics; t++) {
        ng_qnode_t *query = NULL;
        ng_query_error_t qerr;
        /* Topics are sentences: their stopwords go, unless told otherwise. */
        int stop =
            opt->stopwords == 1 || (opt->stopwords == -1 && ng_stoplist_for(ng_analyzer_language(analyzer)) != NULL);
        unsigned flags = NG_QUERY_ANY | (stop ? NG_QUERY_STOPWORDS : 0);
        ng_status_t st = ng_query_parse_plain(analyzer, topics[t].text, strlen(topics[t].text), flags, &query, &qerr);
        if (st == NG_STATUS_BAD_QUERY) {
            fprintf(stderr, "%s: %s:%lu: topic %s skipped: %s\n", program, opt->topics, topics[t].line, topics[t].id,
                    qerr.message);
            continue;
        }
        if (st == NG_STATUS_SUCCESS)
            st = apply_filters(opt, &query);
        if (st != NG_STATUS_SUCCESS) {
            rc = die("%s", ng_status_to_string(st));
            break;
        }
        ng_search_opts_t so;
        ng_results_t *results = NULL;
        search_opts(opt, &so);
        so.limit = opt->hits_given ? opt->hits : 1000;
        st = ng_store_search(store, query, &so, &results);
        ng_qnode_free(query);
        if (st != NG_STATUS_SUCCESS) {
            rc = die("search in %s failed: %s", opt->db, ng_store_errmsg(store));
            break;
        }
        for (size_t i = 0; i < ng_results_count(results); i++) {
            const ng_hit_t *hit = ng_results_get(results, i);
            ng_record_t rec;
            if (ng_record_decode(hit->data, hit->data_len, &rec) != 0) {
                rc = die("index %s: document %u holds no passage record", opt->db, hit->docid);
                break;
            }
            matched = 1;
            if (opt->all_passages)
                printf("%s Q0 %.*s#%u %zu %.15g %s\n", topics[t].id, (int)rec.article_id.len, rec.article_id.ptr,
                       rec.passage, opt->offset + i + 1, hit->score, opt->trec_tag);
            else
                printf("%s Q0 %.*s %zu %.15g %s\n", topics[t].id, (int)rec.article_id.len, rec.article_id.ptr,
                       opt->offset + i + 1, hit->score, opt->trec_tag);
        }
        ng_results_destroy(results);
        if (rc == EXIT_MATCH && ferror(stdout))
            rc = output_failed();
    }
    if (rc == EXIT_MATCH && fflush(stdout) != 0)
        rc = output_failed();
    if (rc == EXIT_MATCH && !matched)
        rc = EXIT_NO_MATCH;
    topics_free(topics, ntopics);
    ng_analyzer_destroy(analyzer);
    return rc;
}

/* Run QUERY against the open STORE and print what OPT asks for. */
static int search(ng_store_t *store, const options_t *opt, const char *query_text, size_t query_len)
{
    ng_analyzer_t *analyzer = NULL;
    ng_qnode_t *query = NULL;
    ng_query_error_t qerr;
    int rc;
    ng_status_t st;

    if (index_analyzer(store, opt, &analyzer) != EXIT_MATCH)
        return EXIT_TROUBLE;
    rc = EXIT_TROUBLE;
    unsigned flags = (opt->any ? NG_QUERY_ANY : 0) | (opt->stopwords == 1 ? NG_QUERY_STOPWORDS : 0);
    st = ng_query_parse(analyzer, query_text, query_len, flags, &query, &qerr);
    if (st == NG_STATUS_BAD_QUERY) {
        rc = die("bad query at column %zu: %s", qerr.column, qerr.message);
        goto out;
    } else if (st != NG_STATUS_SUCCESS) {
        rc = die("%s", ng_status_to_string(st));
        goto out;
    }
    const ng_qnode_t *broad = NULL;
    st = ng_store_expand_wildcards(store, query, NG_QUERY_MAX_EXPANSION, &broad);
    if (st == NG_STATUS_BAD_QUERY && broad) {
        size_t column = 1;
        for (size_t i = 0; i < broad->start; i++)
            column += ((unsigned char)query_text[i] & 0xC0) != 0x80;
        rc = die("bad query at column %zu: %.*s %s: make the prefix longer", column, (int)(broad->end - broad->start),
                 query_text + broad->start, ng_store_errmsg(store));
        goto out;
    } else if (st != NG_STATUS_SUCCESS) {
        rc = die("search in %s failed: %s", opt->db, ng_store_errmsg(store));
        goto out;
    }
    if ((st = apply_filters(opt, &query)) != NG_STATUS_SUCCESS) {
        rc = die("%s", ng_status_to_string(st));
        goto out;
    }

    ng_output_t output;
    ng_output_init(&output, stdout, !opt->json && ng_output_want_color(opt->color, STDOUT_FILENO));
    output.json = opt->json;
    output.scores = opt->scores;
    int matched = 0;
    if (opt->mode == MODE_COUNT) {
        unsigned long passages, articles;
        st = ng_store_count(store, query, &passages, &articles);
        if (st == NG_STATUS_BAD_QUERY) {
            rc = die("bad query: %s", ng_store_errmsg(store));
            goto out;
        } else if (st != NG_STATUS_SUCCESS) {
            rc = die("search in %s failed: %s", opt->db, ng_store_errmsg(store));
            goto out;
        }
        matched = passages > 0;
        rc = ng_output_counts(&output, passages, articles) == 0 ? EXIT_MATCH : output_failed();
    } else if (opt->mode == MODE_TIMELINE) {
        rc = print_timeline(store, opt, query, &output, &matched);
    } else {
        rc = print_hits(store, opt, analyzer, query, &output, &matched);
    }
    if (rc == EXIT_MATCH && fflush(stdout) != 0)
        rc = output_failed();
    if (rc == EXIT_MATCH && !matched)
        rc = EXIT_NO_MATCH;
out:
    ng_qnode_free(query);
    ng_analyzer_destroy(analyzer);
    return rc;
}

enum {
    OPT_ANY = 256,
    OPT_ALL_PASSAGES,
    OPT_COLOR,
    OPT_STOPWORDS,
    OPT_NO_STOPWORDS,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_SOURCE,
    OPT_LANG,
    OPT_OFFSET,
    OPT_SCORES,
    OPT_JSON,
    OPT_SORT,
    OPT_TIMELINE,
    OPT_BM25,
    OPT_RANK,
    OPT_PASSAGE_WEIGHT,
    OPT_TREC_RUN,
    OPT_TOPICS,
};

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"query-file", required_argument, NULL, 'f'},
        {"hits", required_argument, NULL, 'n'},
        {"max-count", required_argument, NULL, 'm'},
        {"offset", required_argument, NULL, OPT_OFFSET},
        {"any", no_argument, NULL, OPT_ANY},
        {"stopwords", no_argument, NULL, OPT_STOPWORDS},
        {"no-stopwords", no_argument, NULL, OPT_NO_STOPWORDS},
        {"since", required_argument, NULL, OPT_SINCE},
        {"until", required_argument, NULL, OPT_UNTIL},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"lang", required_argument, NULL, OPT_LANG},
        {"all-passages", no_argument, NULL, OPT_ALL_PASSAGES},
        {"context", required_argument, NULL, 'C'},
        {"sort", required_argument, NULL, OPT_SORT},
        {"scores", no_argument, NULL, OPT_SCORES},
        {"files-with-matches", no_argument, NULL, 'l'},
        {"count", no_argument, NULL, 'c'},
        {"timeline", optional_argument, NULL, OPT_TIMELINE},
        {"json", no_argument, NULL, OPT_JSON},
        {"bm25", required_argument, NULL, OPT_BM25},
        {"rank", required_argument, NULL, OPT_RANK},
        {"passage-weight", required_argument, NULL, OPT_PASSAGE_WEIGHT},
        {"trec-run", required_argument, NULL, OPT_TREC_RUN},
        {"topics", required_argument, NULL, OPT_TOPICS},
        {"color", optional_argument, NULL, OPT_COLOR},
        {"colour", optional_argument, NULL, OPT_COLOR},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    options_t opt;
    memset(&opt, 0, sizeof opt);
    opt.hits = 10;
    opt.color = NG_COLOR_AUTO;
    opt.sort = NG_SORT_SCORE;
    ng_search_opts_t defaults;
    ng_search_opts_init(&defaults);
    opt.k1 = defaults.k1;
    opt.b = defaults.b;
    opt.min_normlen = defaults.min_normlen;
    opt.rank = defaults.rank;
    opt.stopwords = -1;
    opt.passage_weight = defaults.passage_weight;
    char *default_db = NULL;
    int c;

    /* The filter values point into argv, which outlives them. */
    opt.sources = calloc((size_t)argc + 1, sizeof *opt.sources);
    opt.langs = calloc((size_t)argc + 1, sizeof *opt.langs);
    int rc = EXIT_TROUBLE;
    ng_buf_t query = NG_BUF_INIT;
    if (!opt.sources || !opt.langs) {
        rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
        goto done;
    }

    while ((c = getopt_long(argc, argv, "d:f:n:m:C:lchV", longopts, NULL)) != -1) {
        const char *arg = optarg ? optarg : ""; /* getopt sets it for every required argument */
        switch (c) {
        case 'd': opt.db = arg; break;
        case 'f': opt.query_file = arg; break;
        case 'n':
        case 'm':
            if (parse_count(arg, &opt.hits) != 0) {
                rc = die("invalid number of hits '%s'", arg);
                goto done;
            }
            opt.hits_given = 1;
            break;
        case OPT_OFFSET:
            if (parse_count(arg, &opt.offset) != 0) {
                rc = die("invalid --offset '%s': give a number of hits to skip", arg);
                goto done;
            }
            break;
        case 'C':
            if (parse_count(arg, &opt.context) != 0) {
                rc = die("invalid context '%s': give a number of passages", arg);
                goto done;
            }
            break;
        case OPT_ANY: opt.any = 1; break;
        case OPT_STOPWORDS: opt.stopwords = 1; break;
        case OPT_NO_STOPWORDS: opt.stopwords = 0; break;
        case OPT_SINCE:
        case OPT_UNTIL: {
            int upper = c == OPT_UNTIL;
            if (ng_query_date_bound(arg, upper, upper ? opt.until_value : opt.since_value) != 0) {
                rc = die("invalid date '%s' for --%s: use YYYY, YYYY-MM or YYYY-MM-DD", arg, upper ? "until" : "since");
                goto done;
            }
            *(upper ? &opt.until : &opt.since) = arg;
            break;
        }
        case OPT_SOURCE:
        case OPT_LANG: {
            const char *p = arg;
            while (*p == ' ' || *p == '\t')
                p++;
            if (!*p) {
                rc = die("--%s needs a non-empty value", c == OPT_SOURCE ? "source" : "lang");
                goto done;
            }
            if (c == OPT_SOURCE)
                opt.sources[opt.nsources++] = arg;
            else
                opt.langs[opt.nlangs++] = arg;
            break;
        }
        case OPT_ALL_PASSAGES: opt.all_passages = 1; break;
        case OPT_SORT: {
            static const choice_t sorts[] = {
                {"score", NG_SORT_SCORE}, {"date", NG_SORT_DATE}, {"-date", NG_SORT_DATE_DESC}};
            if (CHOOSE("--sort", arg, sorts, &opt.sort) != 0) {
                rc = EXIT_TROUBLE;
                goto done;
            }
            break;
        }
        case OPT_SCORES: opt.scores = 1; break;
        case OPT_BM25:
            if (parse_bm25(arg, &opt) != 0) {
                rc = die("invalid --bm25 '%s': give K1,B or K1,B,MIN_NORMLEN (K1 >= 0, 0 <= B <= 1, MIN_NORMLEN >= 0)",
                         arg);
                goto done;
            }
            break;
        case OPT_RANK: {
            static const choice_t ranks[] = {
                {"combined", NG_RANK_COMBINED}, {"article", NG_RANK_ARTICLE}, {"passage", NG_RANK_PASSAGE}};
            if (CHOOSE("--rank", arg, ranks, &opt.rank) != 0) {
                rc = EXIT_TROUBLE;
                goto done;
            }
            break;
        }
        case OPT_PASSAGE_WEIGHT: {
            char *end;
            errno = 0;
            opt.passage_weight = strtod(arg, &end);
            if (end == arg || *end || errno || !(opt.passage_weight >= 0 && opt.passage_weight <= 100)) {
                rc = die("invalid --passage-weight '%s' (a number from 0 to 100)", arg);
                goto done;
            }
            break;
        }
        case OPT_TREC_RUN:
            if (!*arg || strpbrk(arg, " \t\n")) {
                rc = die("invalid --trec-run tag '%s': one word", arg);
                goto done;
            }
            if (opt.mode != MODE_TREC)
                opt.modes++;
            opt.mode = MODE_TREC;
            opt.trec_tag = arg;
            break;
        case OPT_TOPICS: opt.topics = arg; break;
        case OPT_JSON: opt.json = 1; break;
        case 'l':
        case 'c':
        case OPT_TIMELINE: {
            mode_t_ mode = c == 'l' ? MODE_LIST : c == 'c' ? MODE_COUNT : MODE_TIMELINE;
            if (opt.mode != mode)
                opt.modes++;
            opt.mode = mode;
            if (c == OPT_TIMELINE) {
                /* a timeline counts by the first 4, 6 or 8 digits of the dates */
                static const choice_t spans[] = {{"month", 6}, {"year", 4}, {"day", 8}};
                int digits = 6;
                if (optarg && CHOOSE("--timeline", arg, spans, &digits) != 0) {
                    rc = EXIT_TROUBLE;
                    goto done;
                }
                opt.timeline_digits = (size_t)digits;
            }
            break;
        }
        case OPT_COLOR: {
            static const choice_t colors[] = {
                {"always", NG_COLOR_ALWAYS}, {"never", NG_COLOR_NEVER}, {"auto", NG_COLOR_AUTO}};
            int color = NG_COLOR_AUTO;
            if (optarg && CHOOSE("--color", arg, colors, &color) != 0) {
                rc = EXIT_TROUBLE;
                goto done;
            }
            opt.color = (ng_color_mode_t)color;
            break;
        }
        case 'h':
            usage(stdout);
            rc = EXIT_MATCH;
            goto done;
        case 'V':
            printf("%s %s\n", program, PACKAGE_VERSION);
            rc = EXIT_MATCH;
            goto done;
        default:
            fprintf(stderr, "Try '%s --help' for more information; a query word starting with - goes after --.\n",
                    program);
            goto done;
        }
    }
    if (opt.modes > 1) {
        rc = die("-l, -c, --timeline and --trec-run exclude each other: choose one");
        goto done;
    }
    if ((opt.mode == MODE_TREC) != (opt.topics != NULL)) {
        rc = die(opt.topics ? "--topics needs --trec-run TAG" : "--trec-run needs --topics FILE");
        goto done;
    }
    if (opt.mode == MODE_TREC && (optind < argc || opt.query_file)) {
        rc = die("--trec-run takes its queries from --topics, not from arguments or -f");
        goto done;
    }
    if (opt.since && opt.until && strcmp(opt.since_value, opt.until_value) > 0) {
        rc = die("--since %s is after --until %s", opt.since, opt.until);
        goto done;
    }
    if (opt.query_file && optind < argc) {
        rc = die("give the query as arguments or with -f, not both");
        goto done;
    }
    if (!opt.query_file && optind == argc && opt.mode != MODE_TREC) {
        fprintf(stderr, "%s: no query given\n", program);
        fprintf(stderr, "Usage: %s [OPTION]... QUERY...\n", program);
        goto done;
    }

    if (opt.query_file) {
        if (read_query_file(opt.query_file, &query) != 0)
            goto done;
    } else {
        /* The words of a query may come as one argument or several. */
        for (int i = optind; i < argc; i++)
            if ((i > optind && ng_buf_append_byte(&query, ' ') != 0) || ng_buf_append_str(&query, argv[i]) != 0) {
                rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
                goto done;
            }
    }

    if (!opt.db) {
        default_db = ng_default_db_path();
        if (!default_db) {
            rc = die("no index given: use --db DIR or set NEWSGREP_DB");
            goto done;
        }
        opt.db = default_db;
    }

    /* A reader that stops reading ("| head -1") is no error: see output_failed. */
    signal(SIGPIPE, SIG_IGN);

    ng_store_t *store = NULL;
    char *errmsg = NULL;
    ng_status_t st = ng_store_open(opt.db, NG_STORE_READ, &store, &errmsg);
    if (st == NG_STATUS_NO_INDEX)
        rc = die("no index at %s: build one first with 'newsgrep-index --db %s DUMP...'", opt.db, opt.db);
    else if (st != NG_STATUS_SUCCESS)
        rc = die("cannot open index %s: %s", opt.db, errmsg ? errmsg : ng_status_to_string(st));
    else if (opt.mode == MODE_TREC)
        rc = trec_run(store, &opt);
    else
        rc = search(store, &opt, ng_buf_str(&query), query.len);
    free(errmsg);
    ng_store_close(store);
done:
    ng_buf_free(&query);
    free(default_db);
    free(opt.sources);
    free(opt.langs);
    return rc;
}
