/* The in-process side of the query benchmark: newsgrep's library answering the
 * benchmark queries (mode TAB query) on an open index, top 10 with records;
 * with --serve, one query at a time for bench/query-peers.py, which takes
 * turns among the engines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"
#include "buf.h"
#include "layout.h"
#include "query.h"
#include "record.h"
#include "store.h"

/* NG_QUERY_CLOCK=cpu: the process's CPU time (both threads of a split
 * match), steadier than the wall clock on a VM whose speed drifts, for
 * comparing two builds' work */
static clockid_t clock_used = CLOCK_MONOTONIC;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(clock_used, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Parse, match and fetch the top 10 with their records; the number of hits,
 * or -1 on an error. */
static int rank = NG_RANK_COMBINED;
/* NG_LENGTHS_XAPIAN when NG_QUERY_LENGTHS=xapian: Xapian reads the lengths
 * (to time what the index's table of lengths saves); with
 * NG_QUERY_LENGTHS=both, each run of a query is timed both ways, one after
 * the other, and both medians printed (Xapian's last) */
static int lengths = NG_LENGTHS_AUTO;
static int both = 0;
/* NG_QUERY_SPLIT=never or always: a costly match in one thread, or any in
 * two (to time the split against its threshold); else as newsgrep does */
static int split = NG_SPLIT_AUTO;
/* NG_QUERY_SINCE=YYYYMMDD: each query filtered as by newsgrep --since */
static const char *since = NULL;

static long run_query(ng_store_t *store, ng_analyzer_t *an, const char *mode, const char *words)
{
    ng_buf_t text = NG_BUF_INIT;
    if (strcmp(mode, "phrase") == 0) {
        ng_buf_append_byte(&text, '"');
        ng_buf_append_str(&text, words);
        ng_buf_append_byte(&text, '"');
    } else {
        ng_buf_append_str(&text, words);
    }
    ng_qnode_t *q = NULL;
    ng_query_error_t err;
    ng_results_t *res = NULL;
    long hits = -1;
    if (ng_query_parse(an, ng_buf_str(&text), text.len, strcmp(mode, "or") == 0 ? NG_QUERY_ANY : 0, &q, &err) ==
        NG_STATUS_SUCCESS) {
        if (since) {
            /* as newsgrep --since filters it: a FILTER by a date range */
            ng_qnode_t *range = ng_qnode_new_strings(NG_Q_VALUE_RANGE, since, "", 0, 0);
            if (range)
                range->slot = NG_SLOT_DATE;
            q = range ? ng_qnode_pair(NG_Q_FILTER, q, range) : NULL;
        }
        ng_search_opts_t opts;
        ng_search_opts_init(&opts);
        opts.rank = rank;
        opts.lengths = lengths;
        opts.split = split;
        if (ng_store_search(store, q, &opts, &res) == NG_STATUS_SUCCESS) {
            hits = (long)ng_results_count(res);
            for (size_t i = 0; i < ng_results_count(res); i++) {
                const ng_hit_t *hit = ng_results_get(res, i);
                ng_record_t rec;
                if (ng_record_decode(hit->data, hit->data_len, &rec) != 0)
                    hits = -1;
            }
        }
    }
    ng_results_destroy(res);
    ng_qnode_free(q);
    ng_buf_free(&text);
    return hits;
}

int main(int argc, char **argv)
{
    const int serve = argc == 3 && strcmp(argv[2], "--serve") == 0;
    if (!serve && argc != 4 && argc != 5) {
        fprintf(stderr, "usage: ng-query INDEX QUERIES RUNS [combined|article|passage]\n"
                        "       ng-query INDEX --serve  (each mode TAB query line of standard input answered\n"
                        "                                once: a line of its milliseconds TAB hits)\n");
        return 2;
    }
    if (argc == 5)
        rank = strcmp(argv[4], "passage") == 0   ? NG_RANK_PASSAGE
               : strcmp(argv[4], "article") == 0 ? NG_RANK_ARTICLE
                                                 : NG_RANK_COMBINED;
    int runs = serve ? 1 : atoi(argv[3]);
    const char *how = getenv("NG_QUERY_LENGTHS");
    if (how && strcmp(how, "xapian") == 0)
        lengths = NG_LENGTHS_XAPIAN;
    both = how && strcmp(how, "both") == 0;
    since = getenv("NG_QUERY_SINCE");
    const char *clock = getenv("NG_QUERY_CLOCK");
    if (clock && strcmp(clock, "cpu") == 0)
        clock_used = CLOCK_PROCESS_CPUTIME_ID;
    const char *threads = getenv("NG_QUERY_SPLIT");
    if (threads)
        split = strcmp(threads, "never") == 0 ? NG_SPLIT_NEVER
                : strcmp(threads, "always") == 0 ? NG_SPLIT_ALWAYS
                                                  : NG_SPLIT_AUTO;
    ng_store_t *store;
    char *errmsg = NULL;
    if (ng_store_open(argv[1], NG_STORE_READ, &store, &errmsg) != NG_STATUS_SUCCESS) {
        fprintf(stderr, "ng-query: %s\n", errmsg ? errmsg : "cannot open the index");
        return 2;
    }
    char *language = NULL;
    ng_analyzer_t *an = NULL;
    if (ng_store_get_metadata(store, NG_META_LANGUAGE, &language) != NG_STATUS_SUCCESS ||
        ng_analyzer_new(*language ? language : NULL, &an) != NG_STATUS_SUCCESS) {
        fprintf(stderr, "ng-query: cannot set up the analyzer\n");
        return 2;
    }
    FILE *fp = serve ? stdin : fopen(argv[2], "r");
    if (!fp) {
        perror(argv[2]);
        return 2;
    }
    char line[4096];
    double *times = calloc((size_t)(runs > 0 ? runs : 1), sizeof *times);
    double *theirs = calloc((size_t)(runs > 0 ? runs : 1), sizeof *theirs);
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        if (serve) {
            double t = now_ms();
            long hits = run_query(store, an, line, tab + 1);
            printf("%.3f\t%ld\n", now_ms() - t, hits);
            fflush(stdout);
            continue;
        }
        long hits = run_query(store, an, line, tab + 1); /* warm-up */
        for (int r = 0; r < runs; r++) {
            double t = now_ms();
            run_query(store, an, line, tab + 1);
            times[r] = now_ms() - t;
            if (both) {
                lengths = NG_LENGTHS_XAPIAN;
                t = now_ms();
                run_query(store, an, line, tab + 1);
                theirs[r] = now_ms() - t;
                lengths = NG_LENGTHS_AUTO;
            }
        }
        qsort(times, (size_t)runs, sizeof *times, compare_double);
        printf("inproc\t%s\t%s\t%.3f\t%ld", line, tab + 1, times[runs / 2], hits);
        if (both) {
            qsort(theirs, (size_t)runs, sizeof *theirs, compare_double);
            printf("\t%.3f", theirs[runs / 2]);
        }
        printf("\n");
    }
    if (!serve)
        fclose(fp);
    free(times);
    free(theirs);
    free(language);
    ng_analyzer_destroy(an);
    ng_store_close(store);
    free(errmsg);
    return 0;
}
