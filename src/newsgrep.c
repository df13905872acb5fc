/* newsgrep: search an index of news passages and print the best matches.
 * Exit status as grep: 0 something matched, 1 nothing did, 2 an error. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "buf.h"
#include "defaults.h"
#include "highlight.h"
#include "output.h"
#include "query.h"
#include "record.h"
#include "store.h"

enum { EXIT_MATCH = 0, EXIT_NO_MATCH = 1, EXIT_TROUBLE = 2 };

static const char *program = "newsgrep";

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: %s [OPTION]... QUERY...\n"
            "Search an index of news articles; print the best passages, ranked by BM25.\n"
            "\n"
            "  -d, --db=DIR          the index (default: $NEWSGREP_DB, else\n"
            "                        ~/.local/share/newsgrep/db)\n"
            "  -n, --hits=NUM        print at most NUM hits (default 10)\n"
            "      --any             rank passages that match any word (default: all words)\n"
            "      --all-passages    every matching passage, not only the best per article\n"
            "      --color[=WHEN]    highlight matches: auto (default), always or never\n"
            "  -h, --help            print this help and exit\n"
            "  -V, --version         print the version and exit\n"
            "\n"
            "Exit status: 0 when something matched, 1 when nothing did, 2 on error.\n",
            program);
}

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

typedef struct options {
    const char *db;
    unsigned long hits;
    int any;
    int all_passages;
    ng_color_mode_t color;
} options_t;

static int parse_count(const char *arg, unsigned long *out)
{
    char *end;
    if (!arg || *arg < '0' || *arg > '9')
        return -1;
    unsigned long v = strtoul(arg, &end, 10);
    if (*end || v > UINT_MAX)
        return -1;
    *out = v;
    return 0;
}

/* Run QUERY against the open STORE and print the hits. */
static int search(ng_store_t *store, const options_t *opt, const char *query_text)
{
    char *language = NULL;
    ng_analyzer_t *analyzer = NULL;
    ng_qnode_t *query = NULL;
    ng_highlighter_t *hl = NULL;
    ng_results_t *results = NULL;
    ng_query_error_t qerr;
    int rc = EXIT_TROUBLE;
    ng_status_t st;

    if (ng_store_get_metadata(store, NG_META_LANGUAGE, &language) != NG_STATUS_SUCCESS) {
        rc = die("cannot read index %s: %s", opt->db, ng_store_errmsg(store));
        goto out;
    }
    st = ng_analyzer_new(*language ? language : NG_DEFAULT_LANGUAGE, &analyzer);
    if (st != NG_STATUS_SUCCESS) {
        rc = die("index %s uses language '%s': %s", opt->db, language, ng_status_to_string(st));
        goto out;
    }
    st = ng_query_parse(analyzer, query_text, strlen(query_text), opt->any ? NG_QUERY_ANY : 0, &query, &qerr);
    if (st == NG_STATUS_BAD_QUERY) {
        rc = die("bad query at column %zu: %s", qerr.column, qerr.message);
        goto out;
    } else if (st != NG_STATUS_SUCCESS) {
        rc = die("%s", ng_status_to_string(st));
        goto out;
    }

    ng_search_opts_t so;
    ng_search_opts_init(&so);
    so.limit = opt->hits;
    so.all_passages = opt->all_passages;
    if (ng_store_search(store, query, &so, &results) != NG_STATUS_SUCCESS) {
        rc = die("search in %s failed: %s", opt->db, ng_store_errmsg(store));
        goto out;
    }
    if (ng_highlighter_new(analyzer, query, &hl) != NG_STATUS_SUCCESS) {
        rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
        goto out;
    }

    ng_output_t output;
    ng_output_init(&output, stdout, ng_output_want_color(opt->color, STDOUT_FILENO));
    for (size_t i = 0; i < ng_results_count(results); i++) {
        const ng_hit_t *hit = ng_results_get(results, i);
        ng_record_t rec;
        const ng_span_t *spans;
        size_t nspans;
        if (ng_record_decode(hit->data, hit->data_len, &rec) != 0) {
            rc = die("index %s: document %u holds no passage record (index built by another program?)", opt->db,
                     hit->docid);
            goto out;
        }
        if (ng_highlight(hl, rec.text.ptr, rec.text.len, &spans, &nspans) != NG_STATUS_SUCCESS) {
            rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
            goto out;
        }
        if (ng_output_hit(&output, &rec, spans, nspans) != 0)
            break;
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = die("error writing output");
    else
        rc = ng_results_count(results) ? EXIT_MATCH : EXIT_NO_MATCH;
out:
    ng_results_destroy(results);
    ng_highlighter_destroy(hl);
    ng_qnode_free(query);
    ng_analyzer_destroy(analyzer);
    free(language);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"hits", required_argument, NULL, 'n'},
        {"any", no_argument, NULL, 'A'},
        {"all-passages", no_argument, NULL, 'P'},
        {"color", optional_argument, NULL, 'C'},
        {"colour", optional_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    options_t opt = {NULL, 10, 0, 0, NG_COLOR_AUTO};
    char *default_db = NULL;
    int c;

    while ((c = getopt_long(argc, argv, "d:n:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': opt.db = optarg; break;
        case 'n':
            if (parse_count(optarg, &opt.hits) != 0)
                return die("invalid number of hits '%s'", optarg);
            break;
        case 'A': opt.any = 1; break;
        case 'P': opt.all_passages = 1; break;
        case 'C':
            if (!optarg || strcmp(optarg, "auto") == 0)
                opt.color = NG_COLOR_AUTO;
            else if (strcmp(optarg, "always") == 0)
                opt.color = NG_COLOR_ALWAYS;
            else if (strcmp(optarg, "never") == 0)
                opt.color = NG_COLOR_NEVER;
            else
                return die("invalid --color argument '%s' (use always, never or auto)", optarg);
            break;
        case 'h': usage(stdout); return EXIT_MATCH;
        case 'V': printf("%s %s\n", program, PACKAGE_VERSION); return EXIT_MATCH;
        default: fprintf(stderr, "Try '%s --help' for more information.\n", program); return EXIT_TROUBLE;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "%s: no query given\n", program);
        fprintf(stderr, "Usage: %s [OPTION]... QUERY...\n", program);
        return EXIT_TROUBLE;
    }

    /* The words of a query may come as one argument or several. */
    ng_buf_t query = NG_BUF_INIT;
    for (int i = optind; i < argc; i++)
        if ((i > optind && ng_buf_append_byte(&query, ' ') != 0) || ng_buf_append_str(&query, argv[i]) != 0)
            return die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));

    if (!opt.db) {
        default_db = ng_default_db_path();
        if (!default_db) {
            ng_buf_free(&query);
            return die("no index given: use --db DIR or set NEWSGREP_DB");
        }
        opt.db = default_db;
    }

    int rc;
    ng_store_t *store = NULL;
    char *errmsg = NULL;
    ng_status_t st = ng_store_open(opt.db, NG_STORE_READ, &store, &errmsg);
    if (st == NG_STATUS_NO_INDEX)
        rc = die("no index at %s: build one first with 'newsgrep-index --db %s DUMP...'", opt.db, opt.db);
    else if (st != NG_STATUS_SUCCESS)
        rc = die("cannot open index %s: %s", opt.db, errmsg ? errmsg : ng_status_to_string(st));
    else
        rc = search(store, &opt, ng_buf_str(&query));
    free(errmsg);
    ng_store_close(store);
    ng_buf_free(&query);
    free(default_db);
    return rc;
}
