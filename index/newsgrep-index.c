/* newsgrep-index: add news dumps to an index. Exit status: 0 all went in,
 * 3 some records were rejected, 2 a fatal error or an unreadable path. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <errno.h>

#include "analyzer.h"
#include "defaults.h"
#include "ingest.h"
#include "reader.h"
#include "segment.h"
#include "store.h"

enum { EXIT_OK = 0, EXIT_TROUBLE = 2, EXIT_REJECTED = 3 };

static const char *program = "newsgrep-index";

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: %s [OPTION]... DUMP...\n"
            "Add news dumps (files, directories, - for stdin; plain or gzip) to an index.\n"
            "\n"
            "  -d, --db=DIR           the index (default: $NEWSGREP_DB, else\n"
            "                         ~/.local/share/newsgrep/db); created when missing\n"
            "  -f, --format=FORMAT    read every dump as text or jsonl (default: auto)\n"
            "      --language=LANG    stemming language of a new index (default english)\n"
            "      --passage-words=N  cut passages longer than N words (default %d)\n"
            "  -q, --quiet            print only errors and rejected records\n"
            "  -h, --help             print this help and exit\n"
            "  -V, --version          print the version and exit\n"
            "\n"
            "Exit status: 0 when all went in, 3 when some records were rejected,\n"
            "2 on an error.\n",
            program, NG_PASSAGE_MAX_WORDS);
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
    const char *language;
    ng_format_t format;
    unsigned long passage_words;
    int quiet;
} options_t;

static void print_report(void *ctx, ng_report_kind_t kind, const char *message)
{
    const options_t *opt = ctx;
    if (kind == NG_REPORT_REJECTED)
        fprintf(stderr, "%s\n", message); /* FILE:LINE: reason, as compilers do */
    else if (kind == NG_REPORT_ERROR || !opt->quiet)
        fprintf(stderr, "%s: %s\n", program, message);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The language of the index: as recorded, else the one asked for (recorded). */
static int choose_language(ng_store_t *store, const options_t *opt, ng_analyzer_t **analyzer)
{
    char *recorded = NULL;
    int rc = EXIT_TROUBLE;
    if (ng_store_get_metadata(store, NG_META_LANGUAGE, &recorded) != NG_STATUS_SUCCESS)
        return die("cannot read index %s: %s", opt->db, ng_store_errmsg(store));
    const char *language = opt->language ? opt->language : NG_DEFAULT_LANGUAGE;
    if (*recorded) {
        if (opt->language && strcmp(opt->language, recorded) != 0) {
            rc = die("index %s stems words as '%s', not '%s': use another --db", opt->db, recorded, opt->language);
            goto out;
        }
        language = recorded;
    }
    ng_status_t st = ng_analyzer_new(language, analyzer);
    if (st == NG_STATUS_UNSUPPORTED) {
        rc = die("unknown language '%s' (try english, french, german, ... or none)", language);
        goto out;
    }
    if (st != NG_STATUS_SUCCESS) {
        rc = die("%s", ng_status_to_string(st));
        goto out;
    }
    if (!*recorded && ng_store_set_metadata(store, NG_META_LANGUAGE, language) != NG_STATUS_SUCCESS) {
        rc = die("cannot write index %s: %s", opt->db, ng_store_errmsg(store));
        goto out;
    }
    rc = EXIT_OK;
out:
    free(recorded);
    return rc;
}

/* mkdir -p of PATH's parent: Xapian creates the index folder, not its parents. */
static int make_parents(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            free(dir);
            return -1;
        }
        *p = '/';
    }
    free(dir);
    return 0;
}

static int run(const options_t *opt, char **paths, int npaths)
{
    double start = now();
    ng_store_t *store = NULL;
    ng_analyzer_t *analyzer = NULL;
    ng_ingest_t *ingest = NULL;
    char *errmsg = NULL;
    int rc = EXIT_TROUBLE;

    if (make_parents(opt->db) != 0) {
        die("cannot create the folders of %s: %s", opt->db, strerror(errno));
        goto out;
    }
    ng_status_t st = ng_store_open(opt->db, NG_STORE_WRITE, &store, &errmsg);
    if (st == NG_STATUS_LOCKED) {
        die("index %s is locked: another newsgrep-index is writing to it", opt->db);
        goto out;
    }
    if (st != NG_STATUS_SUCCESS) {
        die("cannot open index %s for writing: %s", opt->db, errmsg ? errmsg : ng_status_to_string(st));
        goto out;
    }
    if (choose_language(store, opt, &analyzer) != EXIT_OK)
        goto out;

    ng_ingest_opts_t io = {opt->format, opt->passage_words, print_report, (void *)opt};
    if ((st = ng_ingest_new(store, analyzer, &io, &ingest)) != NG_STATUS_SUCCESS) {
        die("%s", ng_status_to_string(st));
        goto out;
    }
    for (int i = 0; i < npaths; i++) {
        if ((st = ng_ingest_path(ingest, paths[i])) != NG_STATUS_SUCCESS) {
            die("indexing stopped, index %s left as it was: %s", opt->db,
                *ng_store_errmsg(store) ? ng_store_errmsg(store) : ng_status_to_string(st));
            goto out;
        }
    }
    if (ng_store_commit(store) != NG_STATUS_SUCCESS) {
        die("cannot commit to index %s: %s", opt->db, ng_store_errmsg(store));
        goto out;
    }

    const ng_ingest_stats_t *s = ng_ingest_stats(ingest);
    if (!opt->quiet)
        fprintf(stderr, "%s: %lu file%s, %lu article%s (%lu replaced), %lu passages, %lu rejected record%s, %.1f s\n",
                program, s->files, s->files == 1 ? "" : "s", s->articles, s->articles == 1 ? "" : "s", s->replaced,
                s->passages, s->rejected, s->rejected == 1 ? "" : "s", now() - start);
    rc = s->errors ? EXIT_TROUBLE : s->rejected ? EXIT_REJECTED : EXIT_OK;
out:
    ng_ingest_destroy(ingest);
    ng_analyzer_destroy(analyzer);
    ng_store_close(store);
    free(errmsg);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},       {"format", required_argument, NULL, 'f'},
        {"language", required_argument, NULL, 'L'}, {"passage-words", required_argument, NULL, 'W'},
        {"quiet", no_argument, NULL, 'q'},          {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},        {NULL, 0, NULL, 0},
    };
    options_t opt = {NULL, NULL, NG_FORMAT_AUTO, 0, 0};
    int c;
    char *end;

    while ((c = getopt_long(argc, argv, "d:f:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': opt.db = optarg; break;
        case 'f':
            opt.format = ng_format_parse(optarg);
            if (opt.format == NG_FORMAT_NONE)
                return die("unknown format '%s' (use text, jsonl or auto)", optarg);
            break;
        case 'L': opt.language = optarg; break;
        case 'W':
            opt.passage_words = strtoul(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end || opt.passage_words == 0 || opt.passage_words > 100000)
                return die("invalid --passage-words '%s' (a number from 1 to 100000)", optarg);
            break;
        case 'q': opt.quiet = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        case 'V': printf("%s %s\n", program, PACKAGE_VERSION); return EXIT_OK;
        default: fprintf(stderr, "Try '%s --help' for more information.\n", program); return EXIT_TROUBLE;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "%s: no dump given\n", program);
        fprintf(stderr, "Usage: %s [OPTION]... DUMP...\n", program);
        return EXIT_TROUBLE;
    }
    char *default_db = NULL;
    if (!opt.db) {
        if (!(default_db = ng_default_db_path()))
            return die("no index given: use --db DIR or set NEWSGREP_DB");
        opt.db = default_db;
    }
    int rc = run(&opt, argv + optind, argc - optind);
    free(default_db);
    return rc;
}
