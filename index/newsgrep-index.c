/* newsgrep-index: add news dumps to an index, a commit every batch of articles;
 * show what was indexed when. Exit status: 0 all went in, 3 some records were
 * rejected, 2 a fatal error or an unreadable path. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "defaults.h"
#include "ingest.h"
#include "layout.h"
#include "ledger.h"
#include "reader.h"
#include "segment.h"
#include "sink.h"
#include "store.h"

enum { EXIT_OK = 0, EXIT_TROUBLE = 2, EXIT_REJECTED = 3 };

/* Dumps are added by several workers when they are at least 1/this of the
 * index's bytes: merging copies the whole index. */
#define NG_ADD_IN_PARALLEL 32

static const char *program = "newsgrep-index";

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: %s [OPTION]... DUMP...\n"
            "  or:  %s --list-dumps [--db=DIR]\n"
            "Add news dumps (files, directories, - for stdin; plain or gzip) to an index.\n"
            "\n"
            "  -d, --db=DIR           the index (default: $NEWSGREP_DB, else\n"
            "                         ~/.local/share/newsgrep/db); created when missing\n"
            "  -f, --format=FORMAT    read every dump as text, jsonl or trec (default: auto)\n"
            "  -b, --batch=N          commit every N articles (default %d)\n"
            "  -j, --jobs=N           workers making a new index or adding large dumps\n"
            "                         (default: the processors)\n"
            "      --force            index dumps again even if already indexed\n"
            "      --exclude=GLOB     in directories, pass over files named GLOB\n"
            "      --max-record=SIZE  reject records over SIZE bytes (default 16M)\n"
            "      --wait             wait for another newsgrep-index to finish\n"
            "  -n, --dry-run          read and check the dumps, write nothing\n"
            "      --list-dumps       list the dumps indexed, with when and counts\n"
            "      --language=LANG    stemming language of a new index (default english)\n"
            "      --passage-words=N  cut passages longer than N words (default %d)\n"
            "      --title-weight=N   a title word counts as N words of its article (default %d)\n"
            "      --dump-terms       print each passage's terms as JSON Lines; write nothing\n"
            "      --positions        keep Xapian's word positions too (for an index served\n"
            "                         to remote readers by xapian-tcpsrv; twice the size)\n"
            "  -q, --quiet            print only errors and rejected records\n"
            "  -h, --help             print this help and exit\n"
            "  -V, --version          print the version and exit\n"
            "\n"
            "Exit status: 0 when all went in, 3 when some records were rejected,\n"
            "2 on an error.\n",
            program, program, NG_INGEST_BATCH, NG_PASSAGE_MAX_WORDS, NG_DEFAULT_TITLE_WEIGHT);
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

typedef struct options {
    const char *db;
    const char *language;
    ng_format_t format;
    unsigned long passage_words;
    unsigned long batch;
    int batch_set; /* --batch given: one writer, committing as asked */
    size_t max_record;
    const char **exclude;
    int nexclude;
    int quiet, force, wait, dry_run, list_dumps, dump_terms;
    unsigned long title_weight;
    unsigned long jobs; /* workers making a new index, or adding */
    int jobs_set;       /* --jobs given: that many workers to add, whatever the sizes */
} options_t;

/* What the terminal shows: the progress line, when stderr is one. */
typedef struct ui {
    const options_t *opt;
    int bar;      /* draw the progress line */
    int shown;    /* a progress line is on the screen */
    double start; /* when the run began */
    double last;  /* when the line was last drawn */
} ui_t;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void clear_bar(ui_t *ui)
{
    if (ui->shown) {
        fputs("\r\033[K", stderr);
        ui->shown = 0;
    }
}

static void print_report(void *ctx, ng_report_kind_t kind, const char *message)
{
    ui_t *ui = ctx;
    if (kind != NG_REPORT_REJECTED && kind != NG_REPORT_ERROR && ui->opt->quiet)
        return;
    clear_bar(ui);
    if (kind == NG_REPORT_REJECTED || kind == NG_REPORT_WARNING)
        fprintf(stderr, "%s\n", message); /* FILE:LINE: ..., as compilers do */
    else
        fprintf(stderr, "%s: %s\n", program, message);
}

static int terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

static void show_progress(void *ctx, const ng_ingest_stats_t *s)
{
    ui_t *ui = ctx;
    double t = now();
    int complete = s->bytes_total && s->bytes_done >= s->bytes_total;
    if (!ui->bar || (t - ui->last < 0.1 && !complete)) /* redraw ten times a second, and at the end */
        return;
    ui->last = t;
    double elapsed = t - ui->start > 1e-3 ? t - ui->start : 1e-3;
    double mb = (double)s->bytes_done / 1e6, rate = mb / elapsed;
    char line[256];
    int n = 0;
    if (s->bytes_total) {
        double done = (double)s->bytes_done / (double)s->bytes_total;
        if (done > 1)
            done = 1;
        char bar[11];
        int filled = (int)(done * 10);
        for (int i = 0; i < 10; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[10] = '\0';
        n = snprintf(line, sizeof line, "[%s] %3d%%  %.1f/%.1f MB", bar, (int)(done * 100), mb,
                     (double)s->bytes_total / 1e6);
    } else {
        n = snprintf(line, sizeof line, "%.1f MB", mb);
    }
    n += snprintf(line + n, sizeof line - (size_t)n, "  %lu article%s, %.0f/s  %.1f MB/s", s->articles,
                  s->articles == 1 ? "" : "s", (double)s->articles / elapsed, rate);
    if (s->bytes_total && rate > 0 && s->bytes_done <= s->bytes_total) {
        long eta = (long)((double)(s->bytes_total - s->bytes_done) / 1e6 / rate + 0.5);
        snprintf(line + n, sizeof line - (size_t)n, "  ETA %ld:%02ld", eta / 60, eta % 60);
    }
    int width = terminal_width() - 1;
    if ((int)strlen(line) > width)
        line[width] = '\0';
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    ui->shown = 1;
}

/* The language of the index: as recorded, else the one asked for (recorded). */
static int choose_language(ng_sink_t *sink, const options_t *opt, ng_analyzer_t **analyzer)
{
    char *recorded = NULL;
    int rc = EXIT_TROUBLE;
    if (ng_sink_get_metadata(sink, NG_META_LANGUAGE, &recorded) != NG_STATUS_SUCCESS)
        return die("cannot read index %s: %s", opt->db, ng_sink_errmsg(sink));
    const char *language = opt->language ? opt->language : NG_DEFAULT_LANGUAGE;
    if (*recorded) {
        if (opt->language && strcmp(opt->language, recorded) != 0) {
            rc = die("index %s stems words as '%s', not '%s': use another --db", opt->db, recorded, opt->language);
            goto out;
        }
        language = recorded;
    }
    if (strcmp(ng_analyzer_language(*analyzer), language) != 0) {
        ng_analyzer_destroy(*analyzer);
        *analyzer = NULL;
        ng_status_t st = ng_analyzer_new(language, analyzer);
        if (st != NG_STATUS_SUCCESS) {
            rc = die("index %s: cannot stem words as '%s': %s", opt->db, language, ng_status_to_string(st));
            goto out;
        }
    }
    if (!*recorded && (ng_sink_set_metadata(sink, NG_META_LANGUAGE, language) != NG_STATUS_SUCCESS ||
                       ng_sink_commit(sink) != NG_STATUS_SUCCESS)) {
        rc = die("cannot write index %s: %s", opt->db, ng_sink_errmsg(sink));
        goto out;
    }
    rc = EXIT_OK;
out:
    free(recorded);
    return rc;
}

/* mkdir -p of PATH's parent: the index folder is made by renaming, not its parents. */
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

static int open_index(const options_t *opt, ng_sink_t **sink)
{
    char *errmsg = NULL;
    if (make_parents(opt->db) != 0)
        return die("cannot create the folders of %s: %s", opt->db, strerror(errno));
    ng_status_t st = ng_sink_open_index(opt->db, opt->wait ? NG_SINK_WAIT : 0,
                                        opt->language ? opt->language : NG_DEFAULT_LANGUAGE, sink, NULL, &errmsg);
    int rc = EXIT_OK;
    if (st == NG_STATUS_LOCKED)
        rc =
            die("index %s is locked: another newsgrep-index is writing to it (--wait waits for it to finish)", opt->db);
    else if (st != NG_STATUS_SUCCESS)
        rc = die("cannot open index %s for writing: %s", opt->db, errmsg ? errmsg : ng_status_to_string(st));
    free(errmsg);
    return rc;
}

static void ingest_options(const options_t *opt, ui_t *ui, ng_ingest_opts_t *io)
{
    memset(io, 0, sizeof *io);
    io->format = opt->format;
    io->max_words = opt->passage_words;
    io->max_record = opt->max_record;
    io->batch = opt->batch;
    io->title_weight = (unsigned)opt->title_weight;
    io->dump_terms = opt->dump_terms ? stdout : NULL;
    io->force = opt->force;
    io->exclude = opt->exclude;
    io->report = print_report;
    io->progress = show_progress;
    io->ctx = ui;
}

/* Index PATHS through the ingest INGEST, with the progress line on UI. */
static ng_status_t ingest_all(ng_ingest_t *ingest, ui_t *ui, char **paths, int npaths)
{
    ng_status_t st = NG_STATUS_SUCCESS;
    if (ui->bar && !ng_ingest_stats(ingest)->bytes_total)
        for (int i = 0; i < npaths; i++)
            ng_ingest_plan(ingest, paths[i]);
    for (int i = 0; i < npaths && st == NG_STATUS_SUCCESS; i++)
        st = ng_ingest_path(ingest, paths[i]);
    if (st == NG_STATUS_SUCCESS)
        st = ng_ingest_finish(ingest);
    clear_bar(ui);
    return st;
}

static int finish(const options_t *opt, const ng_ingest_stats_t *s, double start)
{
    if (!opt->quiet)
        fprintf(stderr,
                "%s: %s%lu file%s (%lu already indexed), %lu article%s (%lu added, %lu replaced, %lu skipped), "
                "%lu passage%s, %lu rejected record%s, %.1f s\n",
                program, opt->dry_run ? "dry run: " : "", s->files, s->files == 1 ? "" : "s", s->files_skipped,
                s->articles, s->articles == 1 ? "" : "s", s->added, s->replaced, s->skipped, s->passages,
                s->passages == 1 ? "" : "s", s->rejected, s->rejected == 1 ? "" : "s", now() - start);
    return s->errors ? EXIT_TROUBLE : s->rejected ? EXIT_REJECTED : EXIT_OK;
}

static int run_bulk(const options_t *opt, char **paths, int npaths, unsigned jobs, const char *language,
                    ng_sink_t **held);

/* Can every worker read all of PATHS? Not standard input, nor a pipe. */
static int readable_by_all(char **paths, int npaths)
{
    for (int i = 0; i < npaths; i++) {
        struct stat sb;
        if (strcmp(paths[i], "-") == 0 || (stat(paths[i], &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)))
            return 0;
    }
    return 1;
}

/* The workers to add the dumps with (1: the writer itself). Several make
 * parts merged onto a copy of the index, which pays when the dumps are not
 * small beside the index. */
static unsigned add_jobs(const options_t *opt, ng_ingest_t *ingest, char **paths, int npaths)
{
    if (opt->jobs < 2 || opt->dry_run || opt->dump_terms || opt->batch_set || !readable_by_all(paths, npaths))
        return 1;
    for (int i = 0; i < npaths; i++)
        ng_ingest_plan(ingest, paths[i]);
    unsigned long long dumps = ng_ingest_stats(ingest)->bytes_total;
    if (opt->jobs_set || (dumps && dumps * NG_ADD_IN_PARALLEL >= ng_sink_folder_bytes(opt->db)))
        return (unsigned)opt->jobs;
    return 1;
}

/* An index written with --positions is added to with them, by the
 * workers too. */
static int keep_positions(ng_sink_t *sink, const options_t *opt)
{
    char *recorded = NULL;
    if (ng_sink_get_metadata(sink, NG_META_POSITIONS, &recorded) != NG_STATUS_SUCCESS)
        return die("cannot read index %s: %s", opt->db, ng_sink_errmsg(sink));
    if (*recorded)
        ng_store_keep_positions();
    free(recorded);
    return EXIT_OK;
}

static int run(const options_t *opt, char **paths, int npaths)
{
    ui_t ui = {opt, 0, 0, now(), 0};
    ng_sink_t *sink = NULL;
    ng_analyzer_t *analyzer = NULL;
    ng_ingest_t *ingest = NULL;
    int rc = EXIT_TROUBLE;

    const char *language = opt->language ? opt->language : NG_DEFAULT_LANGUAGE;
    ng_status_t st = ng_analyzer_new(language, &analyzer);
    if (st == NG_STATUS_UNSUPPORTED)
        return die("unknown language '%s' (try english, french, german, ... or none)", language);
    if (st != NG_STATUS_SUCCESS)
        return die("%s", ng_status_to_string(st));
    if (!opt->dry_run && ng_sink_vacant(opt->db)) {
        /* A new index is made in bulk, in parallel, aside. */
        unsigned jobs = readable_by_all(paths, npaths) ? (unsigned)opt->jobs : 1;
        ng_analyzer_destroy(analyzer);
        rc = run_bulk(opt, paths, npaths, jobs, language, NULL);
        if (rc != -1)
            return rc;
        /* another newsgrep-index made the index meanwhile: add to it */
        if ((st = ng_analyzer_new(language, &analyzer)) != NG_STATUS_SUCCESS)
            return die("%s", ng_status_to_string(st));
        rc = EXIT_TROUBLE;
    }
    if (opt->dry_run) {
        if (ng_sink_open_null(&sink) != NG_STATUS_SUCCESS) {
            die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
            goto out;
        }
    } else if (open_index(opt, &sink) != EXIT_OK || choose_language(sink, opt, &analyzer) != EXIT_OK ||
               keep_positions(sink, opt) != EXIT_OK) {
        goto out;
    }

    ng_ingest_opts_t io;
    ingest_options(opt, &ui, &io);
    if ((st = ng_ingest_new(sink, analyzer, &io, &ingest)) != NG_STATUS_SUCCESS) {
        die("%s", ng_status_to_string(st));
        goto out;
    }
    unsigned jobs = add_jobs(opt, ingest, paths, npaths);
    if (jobs > 1 && (rc = run_bulk(opt, paths, npaths, jobs, ng_analyzer_language(analyzer), &sink)) != -2)
        goto out; /* -2: the file system cannot swap folders; one writer adds */
    rc = EXIT_TROUBLE;
    ui.bar = !opt->quiet && isatty(STDERR_FILENO);
    if ((st = ingest_all(ingest, &ui, paths, npaths)) != NG_STATUS_SUCCESS) {
        die("indexing stopped, index %s left at its last commit: %s", opt->db,
            *ng_sink_errmsg(sink) ? ng_sink_errmsg(sink) : ng_status_to_string(st));
        goto out;
    }
    rc = finish(opt, ng_ingest_stats(ingest), ui.start);
out:
    ng_ingest_destroy(ingest);
    ng_sink_close(sink);
    ng_analyzer_destroy(analyzer);
    return rc;
}

/* --- a new index, in bulk ---------------------------------------------------
 * JOBS worker processes read all the dumps; each indexes the articles whose
 * ids hash to it into a part of its own, written fast and unsafely in a
 * folder aside; the parts are merged and compacted into the index, which is
 * renamed into place once complete. A crash leaves no index (and the folder
 * aside, removed by the next run); the same command, run again, makes it. */

/* The passages a worker making a new index writes into one part before it
 * starts another: NEWSGREP_PART_PASSAGES, or 500000 (about 300 MB of JSON
 * Lines news: up to there the part's size did not slow indexing). */
static size_t part_passages(void)
{
    const char *v = getenv("NEWSGREP_PART_PASSAGES");
    char *end;
    unsigned long n = v ? strtoul(v, &end, 10) : 0;
    return v && *v && !*end && n > 0 ? (size_t)n : 500000;
}

/* One worker: index its share of PATHS into PART; send its figures to FD. */
static int bulk_worker(const options_t *opt, char **paths, int npaths, unsigned jobs, unsigned worker, const char *part,
                       const char *language, const char *base, int fd)
{
    ui_t ui = {opt, 0, 0, now(), 0};
    ng_analyzer_t *analyzer = NULL;
    ng_sink_t *sink = NULL;
    ng_ingest_t *ingest = NULL;
    char *errmsg = NULL;
    int rc = EXIT_TROUBLE;
    ng_status_t st = ng_analyzer_new(language, &analyzer);
    if (st == NG_STATUS_SUCCESS &&
        (st = base ? ng_sink_open_part(part, language, base, &sink, &errmsg)
                   : ng_sink_open_bulk_parts(part, language, part_passages(), &sink, &errmsg)) != NG_STATUS_SUCCESS) {
        die("cannot make index %s: %s", part, errmsg ? errmsg : ng_status_to_string(st));
        goto out;
    }
    ng_ingest_opts_t io;
    ingest_options(opt, &ui, &io);
    io.workers = jobs;
    io.worker = worker;
    if (worker > 0) { /* every worker reads every record: one tells */
        io.report = NULL;
        io.progress = NULL;
    }
    if (st == NG_STATUS_SUCCESS)
        st = ng_ingest_new(sink, analyzer, &io, &ingest);
    ui.bar = worker == 0 && !opt->quiet && isatty(STDERR_FILENO);
    if (st == NG_STATUS_SUCCESS)
        st = ingest_all(ingest, &ui, paths, npaths);
    if (st != NG_STATUS_SUCCESS) {
        die("indexing stopped, %s %s: %s", base ? "nothing added to index" : "no index made at", opt->db,
            sink && *ng_sink_errmsg(sink) ? ng_sink_errmsg(sink) : ng_status_to_string(st));
        goto out;
    }
    const ng_ingest_stats_t *s = ng_ingest_stats(ingest);
    if (write(fd, s, sizeof *s) == (ssize_t)sizeof *s)
        rc = EXIT_OK;
out:
    ng_ingest_destroy(ingest);
    ng_sink_close(sink);
    ng_analyzer_destroy(analyzer);
    free(errmsg);
    return rc;
}

/* Ledger records read from an index: the dumps decoded, and the values
 * whose bytes their paths point into. */
typedef struct dump_list {
    ng_dump_t *dumps;
    char **values;
    size_t n, cap;
    int bad;    /* records of another version, not added */
    int failed; /* out of memory */
} dump_list_t;

/* Decode VALUE into a new entry of L: 0 when added, 1 when it is not a
 * record of this version (counted in L->bad), -1 when out of memory. */
static int dump_list_add(dump_list_t *l, const char *value)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        ng_dump_t *dumps = realloc(l->dumps, cap * sizeof *dumps);
        if (dumps)
            l->dumps = dumps;
        char **values = dumps ? realloc(l->values, cap * sizeof *values) : NULL;
        if (values)
            l->values = values;
        if (!dumps || !values) {
            l->failed = 1;
            return -1;
        }
        l->cap = cap;
    }
    char *copy = strdup(value);
    if (!copy) {
        l->failed = 1;
        return -1;
    }
    if (ng_ledger_decode(copy, &l->dumps[l->n]) != 0) {
        free(copy);
        l->bad++;
        return 1;
    }
    l->values[l->n++] = copy;
    return 0;
}

static void dump_list_free(dump_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->values[i]);
    free(l->values);
    free(l->dumps);
}

/* Add a part's record of a dump to the merged ledger: the counts of the
 * articles are summed; every part read the whole dump, so the rejected
 * records are those of any part. A record that cannot be read fails the
 * merge. */
static int merge_dump(void *ctx, const char *key, const char *value)
{
    dump_list_t *m = ctx;
    (void)key;
    if (dump_list_add(m, value) != 0) {
        m->failed = 1;
        return 1;
    }
    const ng_dump_t *d = &m->dumps[m->n - 1];
    for (size_t i = 0; i + 1 < m->n; i++) {
        if (strcmp(m->dumps[i].path, d->path) == 0) {
            m->dumps[i].articles += d->articles;
            m->dumps[i].replaced += d->replaced;
            m->dumps[i].passages += d->passages;
            free(m->values[--m->n]);
            return 0;
        }
    }
    return 0;
}

static void free_paths(char **paths, size_t n)
{
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
}

/* The parts the JOBS workers wrote (their FIRST parts, each perhaps followed
 * by more: ng_sink_part_path) into *PARTS, *N of them; -1 when out of
 * memory. */
static int list_parts(char **first, unsigned jobs, char ***parts, size_t *n)
{
    *parts = NULL;
    *n = 0;
    for (unsigned k = 0; k < jobs; k++) {
        for (unsigned number = 0;; number++) {
            char *path = ng_sink_part_path(first[k], number);
            char **more = path ? realloc(*parts, (*n + 1) * sizeof **parts) : NULL;
            struct stat st;
            if (!more) {
                free(path);
                free_paths(*parts, *n);
                *parts = NULL;
                *n = 0;
                return -1;
            }
            *parts = more;
            if (number > 0 && stat(path, &st) != 0) {
                free(path);
                break;
            }
            (*parts)[(*n)++] = path;
        }
    }
    return 0;
}

/* Merge PARTS (N of them) into DEST (onto a copy of the index BASE, when not
 * NULL), with the merged ledger. */
static int merge_all(const options_t *opt, char **parts, size_t n, const char *dest, const char *base)
{
    dump_list_t m;
    memset(&m, 0, sizeof m);
    ng_store_t *store = NULL;
    char *errmsg = NULL;
    ng_buf_t key = NG_BUF_INIT, value = NG_BUF_INIT;
    int rc = EXIT_TROUBLE;
    ng_status_t st = base ? ng_store_compact_onto(base, (const char *const *)parts, n, dest, &errmsg)
                          : ng_store_compact((const char *const *)parts, n, dest, &errmsg);
    if (st != NG_STATUS_SUCCESS) {
        die("cannot merge the parts of index %s: %s", opt->db, errmsg ? errmsg : ng_status_to_string(st));
        goto out;
    }
    for (size_t k = 0; k < n && !m.failed; k++) {
        ng_store_t *part = NULL;
        free(errmsg);
        errmsg = NULL;
        if ((st = ng_store_open(parts[k], NG_STORE_READ, &part, &errmsg)) == NG_STATUS_SUCCESS)
            st = ng_store_list_metadata(part, NG_META_DUMP, merge_dump, &m);
        ng_store_close(part);
        if (st != NG_STATUS_SUCCESS || m.failed) {
            die("cannot read the dumps of %s: %s", parts[k], errmsg ? errmsg : ng_status_to_string(st));
            goto out;
        }
    }
    free(errmsg);
    errmsg = NULL;
    if ((st = ng_store_open_writer(dest, NG_STORE_MUST_EXIST, &store, &errmsg)) != NG_STATUS_SUCCESS) {
        die("cannot open the merged index %s: %s", dest, errmsg ? errmsg : ng_status_to_string(st));
        goto out;
    }
    /* the dumps were indexed when the index they are in was made */
    long long made = (long long)time(NULL);
    for (size_t i = 0; i < m.n && st == NG_STATUS_SUCCESS; i++) {
        m.dumps[i].time = made;
        ng_buf_clear(&value);
        if (ng_ledger_key(m.dumps[i].path, &key) != 0 || ng_ledger_encode(&m.dumps[i], &value) != 0)
            st = NG_STATUS_OUT_OF_MEMORY;
        else
            st = ng_store_set_metadata(store, key.data, value.data);
    }
    if (st == NG_STATUS_SUCCESS)
        st = ng_store_commit(store);
    if (st != NG_STATUS_SUCCESS) {
        die("cannot write the merged index %s: %s", dest, ng_store_errmsg(store));
        goto out;
    }
    rc = EXIT_OK;
out:
    ng_store_close(store);
    dump_list_free(&m);
    free(errmsg);
    ng_buf_free(&key);
    ng_buf_free(&value);
    return rc;
}

static void free_bulk(char **parts, pid_t *pids, int *fds, unsigned jobs, ng_buf_t *aside, ng_buf_t *dest)
{
    free_paths(parts, jobs);
    free(pids);
    free(fds);
    ng_buf_free(aside);
    ng_buf_free(dest);
}

/* Make a new index, or with HELD (the writer of the index, holding its lock)
 * add to a copy of the index and put the copy in its place, closing *HELD.
 * Returns an exit status, -1 when an index appeared at the path meanwhile,
 * or -2 when the index's file system cannot swap two folders (nothing done). */
static int run_bulk(const options_t *opt, char **paths, int npaths, unsigned jobs, const char *language,
                    ng_sink_t **held)
{
    const char *base = held ? opt->db : NULL;
    double start = now(), searchable = 0;
    int shown = 0; /* the parts searched with the index while merged (ng_sink_show_parts) */
    ng_buf_t aside = NG_BUF_INIT, dest = NG_BUF_INIT;
    char *view = NULL; /* where the index is while shown */
    char **all = NULL; /* every part, the workers' first and those after */
    size_t nall = 0;
    char **parts = calloc(jobs, sizeof *parts);
    pid_t *pids = calloc(jobs, sizeof *pids);
    int *fds = calloc(jobs, sizeof *fds);
    ng_ingest_stats_t total, s;
    int rc = EXIT_TROUBLE, failed = 0;
    memset(&total, 0, sizeof total);
    if (!parts || !pids || !fds) {
        die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
        goto out;
    }
    if (make_parents(opt->db) != 0) {
        die("cannot create the folders of %s: %s", opt->db, strerror(errno));
        goto out;
    }
    ng_sink_remove_leftovers(opt->db);
    char pid[32];
    snprintf(pid, sizeof pid, ".new-%ld", (long)getpid());
    if (ng_buf_append_str(&aside, opt->db) != 0 || ng_buf_append_str(&aside, pid) != 0 ||
        ng_buf_append_str(&dest, aside.data) != 0 || ng_buf_append_str(&dest, "/index") != 0) {
        die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
        goto out;
    }
    if (mkdir(aside.data, 0777) != 0) {
        die("cannot make %s: %s", aside.data, strerror(errno));
        goto out;
    }
    if (base && !ng_sink_can_swap(aside.data)) {
        rc = -2;
        goto remove;
    }
    fflush(NULL);
    for (unsigned k = 0; k < jobs; k++) {
        size_t n = aside.len + 32;
        int pipefd[2];
        if (!(parts[k] = malloc(n))) {
            failed = 1;
            break;
        }
        snprintf(parts[k], n, "%s/part-%u", aside.data, k);
        if (pipe(pipefd) != 0 || (pids[k] = fork()) < 0) {
            die("cannot start a worker: %s", strerror(errno));
            failed = 1;
            break;
        }
        if (pids[k] == 0) {
            /* a worker whose parent is killed stops too: its part is lost anyway */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() == 1)
                _exit(EXIT_TROUBLE);
            close(pipefd[0]);
            int code = bulk_worker(opt, paths, npaths, jobs, k, parts[k], language, base, pipefd[1]);
            /* the worker's copies of what the parent allocated (for valgrind) */
            free_bulk(parts, pids, fds, jobs, &aside, &dest);
            _exit(code);
        }
        close(pipefd[1]);
        fds[k] = pipefd[0];
    }
    for (unsigned k = 0; k < jobs; k++) {
        if (!pids[k])
            continue;
        ssize_t got = read(fds[k], &s, sizeof s);
        close(fds[k]);
        int status;
        while (waitpid(pids[k], &status, 0) < 0 && errno == EINTR)
            ;
        if (got != (ssize_t)sizeof s || !WIFEXITED(status) || WEXITSTATUS(status) != EXIT_OK) {
            failed = 1;
            continue;
        }
        if (k == 0) { /* every worker read every file and record, and passed over the same dumps */
            total.files = s.files;
            total.files_skipped = s.files_skipped;
            total.skipped = s.skipped;
            total.articles += s.skipped;
            total.rejected = s.rejected;
            total.warnings = s.warnings;
            total.errors = s.errors;
        }
        total.articles += s.articles - s.skipped;
        total.added += s.added;
        total.replaced += s.replaced;
        total.passages += s.passages;
    }
    if (failed) {
        die(base ? "nothing added to index %s" : "no index made at %s", opt->db);
        goto remove;
    }
    if (base && total.articles == total.skipped && total.rejected == 0) {
        rc = finish(opt, &total, start); /* nothing new: the index stays as it is */
        goto remove;
    }
    if (list_parts(parts, jobs, &all, &nall) != 0) {
        die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
        goto remove;
    }
    /* New articles only (a replaced one would show in both versions): they
     * can be searched with the index while they are merged onto it. */
    if (base && total.replaced == 0) {
        int r = (view = ng_sink_view_path(aside.data)) ? ng_sink_show_parts(opt->db, aside.data, all, nall) : -1;
        shown = r == 0;
        if (shown)
            searchable = now() - start;
        else if (r < 0)
            die("warning: the new articles are searched only once merged: %s",
                view ? strerror(errno) : ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
    }
    if (merge_all(opt, all, nall, dest.data, shown ? view : base) != EXIT_OK)
        goto hide;
    if (base) {
        /* from here, an interrupted run leaves the stub for the next writer */
        ng_sink_unguard();
        if (ng_sink_swap_index(dest.data, opt->db) != 0) {
            die("cannot put the new index in place of %s: %s", opt->db, strerror(errno));
            goto hide;
        }
        /* the old index, now aside, is removed with its lock */
        ng_sink_close(*held);
        *held = NULL;
        if (shown && !opt->quiet)
            fprintf(stderr, "%s: the new articles were searchable after %.1f s, merged into the index after %.1f s\n",
                    program, searchable, now() - start);
        rc = finish(opt, &total, start);
        goto remove;
    }
    if (rename(dest.data, opt->db) != 0) {
        if (errno == EEXIST || errno == ENOTEMPTY) {
            rc = -1; /* made by another newsgrep-index meanwhile */
            goto remove;
        }
        die("cannot move the new index to %s: %s", opt->db, strerror(errno));
        goto remove;
    }
    rc = finish(opt, &total, start);
    goto remove;
hide:
    /* the index back in its place, or kept aside for the next writer to put back */
    ng_sink_unguard();
    if (shown && ng_sink_hide_parts(opt->db, aside.data) != 0) {
        die("cannot put index %s back in its place from %s: %s", opt->db, view, strerror(errno));
        goto out;
    }
remove:
    ng_sink_remove_folder(aside.data);
out:
    free_bulk(parts, pids, fds, jobs, &aside, &dest);
    free_paths(all, nall);
    free(view);
    return rc;
}

/* --- --list-dumps ---------------------------------------------------------- */

static int collect(void *ctx, const char *key, const char *value)
{
    (void)key;
    return dump_list_add(ctx, value) < 0; /* stop when out of memory */
}

static int by_time(const void *a, const void *b)
{
    const ng_dump_t *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return strcmp(x->path, y->path);
}

static int list_dumps(const options_t *opt)
{
    ng_store_t *store = NULL;
    char *errmsg = NULL;
    ng_status_t st = ng_store_open(opt->db, NG_STORE_READ, &store, &errmsg);
    if (st != NG_STATUS_SUCCESS) {
        int rc = st == NG_STATUS_NO_INDEX ? die("no index at %s", opt->db)
                                          : die("cannot open index %s: %s", opt->db, errmsg ? errmsg : "");
        free(errmsg);
        return rc;
    }
    dump_list_t l;
    memset(&l, 0, sizeof l);
    int rc = EXIT_OK;
    st = ng_store_list_metadata(store, NG_META_DUMP, collect, &l);
    if (st != NG_STATUS_SUCCESS) {
        rc = die("cannot read index %s: %s", opt->db, ng_store_errmsg(store));
    } else if (l.failed) {
        rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
    } else {
        qsort(l.dumps, l.n, sizeof *l.dumps, by_time);
        printf("%-19s  %-6s %9s %9s %10s %9s  %s\n", "indexed", "format", "articles", "replaced", "passages",
               "rejected", "dump");
        for (size_t i = 0; i < l.n; i++) {
            const ng_dump_t *d = &l.dumps[i];
            char when[32];
            time_t t = (time_t)d->time;
            struct tm tm;
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
            printf("%-19s  %-6s %9lu %9lu %10lu %9lu  %s\n", when, d->format, d->articles, d->replaced, d->passages,
                   d->rejected, d->path);
        }
        if (l.bad)
            fprintf(stderr, "%s: %d ledger record%s of another version not shown\n", program, l.bad,
                    l.bad == 1 ? "" : "s");
    }
    dump_list_free(&l);
    ng_store_close(store);
    return rc;
}

/* --- options ----------------------------------------------------------------- */

/* A size such as 512K, 16M or 1G (powers of 1024); 0 when invalid. */
static size_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || errno || end == s)
        return 0;
    static const char units[] = "kKmMgG";
    const char *unit = *end ? strchr(units, *end) : NULL;
    if (*end && !unit)
        return 0;
    int shift = unit ? 10 * (1 + (int)(unit - units) / 2) : 0;
    if (unit)
        end++;
    if (*end || v > (1ull << 40) >> shift)
        return 0;
    return (size_t)(v << shift);
}

static int parse_number(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return *s >= '0' && *s <= '9' && !*end && !errno && *out >= 1 && *out <= max;
}

int main(int argc, char **argv)
{
    enum {
        OPT_LANGUAGE = 256,
        OPT_PASSAGE_WORDS,
        OPT_FORCE,
        OPT_EXCLUDE,
        OPT_MAX_RECORD,
        OPT_WAIT,
        OPT_LIST,
        OPT_TITLE_WEIGHT,
        OPT_DUMP_TERMS,
        OPT_POSITIONS,
    };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"batch", required_argument, NULL, 'b'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"max-record", required_argument, NULL, OPT_MAX_RECORD},
        {"wait", no_argument, NULL, OPT_WAIT},
        {"dry-run", no_argument, NULL, 'n'},
        {"list-dumps", no_argument, NULL, OPT_LIST},
        {"language", required_argument, NULL, OPT_LANGUAGE},
        {"passage-words", required_argument, NULL, OPT_PASSAGE_WORDS},
        {"title-weight", required_argument, NULL, OPT_TITLE_WEIGHT},
        {"dump-terms", no_argument, NULL, OPT_DUMP_TERMS},
        {"positions", no_argument, NULL, OPT_POSITIONS},
        {"jobs", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    options_t opt;
    memset(&opt, 0, sizeof opt);
    opt.format = NG_FORMAT_AUTO;
    opt.title_weight = NG_DEFAULT_TITLE_WEIGHT;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    opt.jobs = cpus < 1 ? 1 : cpus > 64 ? 64 : (unsigned long)cpus;
    opt.exclude = calloc((size_t)argc + 1, sizeof *opt.exclude);
    if (!opt.exclude)
        return die("out of memory");
    int c, rc = EXIT_TROUBLE;
    char *default_db = NULL, *db = NULL;

    while ((c = getopt_long(argc, argv, "d:f:b:j:nqhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': opt.db = optarg; break;
        case 'f':
            opt.format = ng_format_parse(optarg);
            if (opt.format == NG_FORMAT_NONE) {
                rc = die("unknown format '%s' (use text, jsonl, trec or auto)", optarg);
                goto out;
            }
            break;
        case 'b':
            opt.batch_set = 1;
            if (!parse_number(optarg, 10000000, &opt.batch)) {
                rc = die("invalid --batch '%s' (a number of articles from 1 to 10000000)", optarg);
                goto out;
            }
            break;
        case OPT_FORCE: opt.force = 1; break;
        case OPT_EXCLUDE: opt.exclude[opt.nexclude++] = optarg; break;
        case OPT_MAX_RECORD:
            opt.max_record = parse_size(optarg);
            if (opt.max_record < 1024 || opt.max_record > (1u << 30)) {
                rc = die("invalid --max-record '%s' (a size from 1K to 1G, such as 512K or 16M)", optarg);
                goto out;
            }
            break;
        case OPT_WAIT: opt.wait = 1; break;
        case 'n': opt.dry_run = 1; break;
        case OPT_LIST: opt.list_dumps = 1; break;
        case OPT_LANGUAGE: opt.language = optarg; break;
        case OPT_PASSAGE_WORDS:
            if (!parse_number(optarg, 100000, &opt.passage_words)) {
                rc = die("invalid --passage-words '%s' (a number from 1 to 100000)", optarg);
                goto out;
            }
            break;
        case OPT_TITLE_WEIGHT: {
            char *end;
            errno = 0;
            opt.title_weight = strtoul(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end || errno || opt.title_weight > 100) {
                rc = die("invalid --title-weight '%s' (a number from 0 to 100)", optarg);
                goto out;
            }
            break;
        }
        case OPT_POSITIONS: ng_store_keep_positions(); break;
        case OPT_DUMP_TERMS:
            opt.dump_terms = 1;
            opt.dry_run = 1;
            break;
        case 'j':
            if (!parse_number(optarg, 64, &opt.jobs)) {
                rc = die("invalid --jobs '%s' (a number of workers from 1 to 64)", optarg);
                goto out;
            }
            opt.jobs_set = 1;
            break;
        case 'q': opt.quiet = 1; break;
        case 'h':
            usage(stdout);
            rc = EXIT_OK;
            goto out;
        case 'V':
            printf("%s %s\n", program, PACKAGE_VERSION);
            rc = EXIT_OK;
            goto out;
        default: fprintf(stderr, "Try '%s --help' for more information.\n", program); goto out;
        }
    }
    if (opt.list_dumps && optind < argc) {
        rc = die("--list-dumps takes no dump");
        goto out;
    }
    if (!opt.list_dumps && optind == argc) {
        fprintf(stderr, "%s: no dump given\n", program);
        fprintf(stderr, "Usage: %s [OPTION]... DUMP...\n", program);
        goto out;
    }
    if (!opt.db) {
        if (!(default_db = ng_default_db_path())) {
            rc = die("no index given: use --db DIR or set NEWSGREP_DB");
            goto out;
        }
        opt.db = default_db;
    }
    /* "news.db/" names the folder news.db, whose folders aside go beside it */
    size_t len = strlen(opt.db);
    while (len > 1 && opt.db[len - 1] == '/')
        len--;
    if (len < strlen(opt.db)) {
        if (!(db = strndup(opt.db, len))) {
            rc = die("%s", ng_status_to_string(NG_STATUS_OUT_OF_MEMORY));
            goto out;
        }
        opt.db = db;
    }
    /* An index reached through a symbolic link is written where it is: its
     * folders aside beside it, the link kept. */
    struct stat sb;
    if (lstat(opt.db, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        char *real = realpath(opt.db, NULL);
        if (real) {
            free(db);
            opt.db = db = real;
        }
    }
    rc = opt.list_dumps ? list_dumps(&opt) : run(&opt, argv + optind, argc - optind);
out:
    free(db);
    free(default_db);
    free(opt.exclude);
    return rc;
}
