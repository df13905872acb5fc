/* The ingest driver of ingest.h: dump paths -> readers -> articles -> segmenter
 * -> analyzer -> one document per passage -> the sink, a commit every batch;
 * and the ledger entry of each dump, in the commit of its last articles. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "analyzer.h"
#include "buf.h"
#include "ingest.h"
#include "layout.h"
#include "ledger.h"
#include "record.h"
#include "segment.h"

/* Deeper directory trees than this are surely a symlink loop. */
#define MAX_DEPTH 64

/* The counts of an article's terms. An article repeats its words, and one
 * Xapian call per distinct term (with its count) is much cheaper than one per
 * word. Open addressing; the keys live in an arena; reset per article. */
typedef struct count_slot {
    uint32_t hash, key_off, key_len, count; /* key_len 0: free */
} count_slot_t;

typedef struct counts {
    count_slot_t *slots;
    size_t cap, used;
    uint32_t *order; /* the slots in use, for the reset and the walk */
    ng_buf_t keys;
} counts_t;

static int counts_add(counts_t *c, const char *term, size_t len, unsigned n)
{
    if (c->used * 2 >= c->cap) { /* grow: rehash the slots in use */
        size_t cap = c->cap ? c->cap * 2 : 1024;
        count_slot_t *slots = calloc(cap, sizeof *slots);
        uint32_t *order = malloc(cap / 2 * sizeof *order);
        if (!slots || !order) {
            free(slots);
            free(order);
            return -1;
        }
        for (size_t i = 0; i < c->used; i++) {
            count_slot_t *old = &c->slots[c->order[i]];
            size_t j = old->hash & (cap - 1);
            while (slots[j].key_len)
                j = (j + 1) & (cap - 1);
            slots[j] = *old;
            order[i] = (uint32_t)j;
        }
        free(c->slots);
        free(c->order);
        c->slots = slots;
        c->order = order;
        c->cap = cap;
    }
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)term[i]) * 16777619u;
    size_t j = h & (c->cap - 1);
    for (; c->slots[j].key_len; j = (j + 1) & (c->cap - 1)) {
        count_slot_t *sl = &c->slots[j];
        if (sl->hash == h && sl->key_len == len && memcmp(c->keys.data + sl->key_off, term, len) == 0) {
            sl->count += n;
            return 0;
        }
    }
    count_slot_t *sl = &c->slots[j];
    sl->hash = h;
    sl->key_off = (uint32_t)c->keys.len;
    sl->key_len = (uint32_t)len;
    sl->count = n;
    c->order[c->used++] = (uint32_t)j;
    return ng_buf_append(&c->keys, term, len);
}

static void counts_reset(counts_t *c)
{
    for (size_t i = 0; i < c->used; i++)
        c->slots[c->order[i]].key_len = 0;
    c->used = 0;
    ng_buf_clear(&c->keys);
}

static void counts_free(counts_t *c)
{
    free(c->slots);
    free(c->order);
    ng_buf_free(&c->keys);
}

struct ng_ingest {
    ng_sink_t *sink;
    ng_analyzer_t *analyzer;
    ng_segmenter_t *seg;
    ng_ingest_opts_t opts;
    ng_ingest_stats_t stats;
    ng_doc_t **docs; /* one per passage of the article at hand, reused */
    size_t ndocs;
    ng_doc_t *doc;   /* the doc the token callbacks fill */
    ng_doc_t *whole; /* the article document of the article at hand */
    counts_t counts; /* its terms and their counts, until they go into it */
    ng_status_t doc_status;
    unsigned long pending; /* articles since the last commit */
    int dirty;             /* something to commit */
    ng_reader_t *reader;   /* the file being read, for the progress */
    unsigned long long bytes_base;
    ng_buf_t term;
    ng_buf_t record;
    ng_buf_t path; /* scratch for the directory walk */
    ng_buf_t key;
    ng_buf_t value;
};

static void report(ng_ingest_t *ing, ng_report_kind_t kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void report(ng_ingest_t *ing, ng_report_kind_t kind, const char *fmt, ...)
{
    if (!ing->opts.report)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ing->opts.report(ing->opts.ctx, kind, msg);
}

static void progress(ng_ingest_t *ing)
{
    if (!ing->opts.progress)
        return;
    ing->stats.bytes_done = ing->bytes_base + (ing->reader ? ng_reader_offset(ing->reader) : 0);
    ing->opts.progress(ing->opts.ctx, &ing->stats);
}

ng_status_t ng_ingest_new(ng_sink_t *sink, ng_analyzer_t *analyzer, const ng_ingest_opts_t *opts, ng_ingest_t **out)
{
    ng_ingest_t *ing = calloc(1, sizeof *ing);
    *out = NULL;
    if (!ing)
        return NG_STATUS_OUT_OF_MEMORY;
    ing->sink = sink;
    ing->analyzer = analyzer;
    ing->opts = *opts;
    if (!ing->opts.batch)
        ing->opts.batch = NG_INGEST_BATCH;
    if (!ing->opts.max_record)
        ing->opts.max_record = NG_READER_MAX_RECORD;
    ng_status_t st = ng_segmenter_new(opts->max_words, &ing->seg);
    if (st != NG_STATUS_SUCCESS) {
        ng_ingest_destroy(ing);
        return st;
    }
    *out = ing;
    return NG_STATUS_SUCCESS;
}

void ng_ingest_destroy(ng_ingest_t *ing)
{
    if (!ing)
        return;
    for (size_t i = 0; i < ing->ndocs; i++)
        ng_doc_destroy(ing->docs[i]);
    free(ing->docs);
    ng_doc_destroy(ing->whole);
    counts_free(&ing->counts);
    ng_segmenter_destroy(ing->seg);
    ng_buf_free(&ing->term);
    ng_buf_free(&ing->record);
    ng_buf_free(&ing->path);
    ng_buf_free(&ing->key);
    ng_buf_free(&ing->value);
    free(ing);
}

const ng_ingest_stats_t *ng_ingest_stats(const ng_ingest_t *ing)
{
    return &ing->stats;
}

/* Make sure docs[0, n) exist. */
static ng_status_t ensure_docs(ng_ingest_t *ing, size_t n)
{
    if (n <= ing->ndocs)
        return NG_STATUS_SUCCESS;
    ng_doc_t **docs = realloc(ing->docs, n * sizeof *docs);
    if (!docs)
        return NG_STATUS_OUT_OF_MEMORY;
    ing->docs = docs;
    while (ing->ndocs < n) {
        ng_status_t st = ng_doc_new(&ing->docs[ing->ndocs]);
        if (st != NG_STATUS_SUCCESS)
            return st;
        ing->ndocs++;
    }
    return NG_STATUS_SUCCESS;
}

/* A word of a passage: in the passage with its position, and counted in the
 * article document. */
static int add_word(void *ctx, const ng_token_t *tok)
{
    ng_ingest_t *ing = ctx;
    /* Xapian positions start at 1 */
    ing->doc_status = ng_doc_add_posting(ing->doc, tok->term, tok->term_len, tok->pos + 1);
    if (ing->doc_status == NG_STATUS_SUCCESS && counts_add(&ing->counts, tok->term, tok->term_len, 1) != 0)
        ing->doc_status = NG_STATUS_OUT_OF_MEMORY;
    return ing->doc_status != NG_STATUS_SUCCESS;
}

/* A title word: a title: term of each passage, which matches but weighs
 * nothing (the passage's length and score are its own words'). */
static int add_title_word(void *ctx, const ng_token_t *tok)
{
    ng_ingest_t *ing = ctx;
    ng_buf_clear(&ing->term);
    if (ng_buf_append_str(&ing->term, NG_PREFIX_TITLE) != 0 || ng_buf_append(&ing->term, tok->term, tok->term_len) != 0)
        ing->doc_status = NG_STATUS_OUT_OF_MEMORY;
    else
        ing->doc_status = ng_doc_add_term(ing->doc, ing->term.data, ing->term.len, 0);
    return ing->doc_status != NG_STATUS_SUCCESS;
}

/* A title word of the article document: it weighs title_weight words. */
static int add_whole_title_word(void *ctx, const ng_token_t *tok)
{
    ng_ingest_t *ing = ctx;
    if (counts_add(&ing->counts, tok->term, tok->term_len, ing->opts.title_weight) != 0)
        ing->doc_status = NG_STATUS_OUT_OF_MEMORY;
    return ing->doc_status != NG_STATUS_SUCCESS;
}

/* A filter term for VALUE, spelled as the query side will spell it. */
static ng_status_t add_filter(ng_ingest_t *ing, const char *prefix, const char *value)
{
    int rc = ng_layout_filter_term(&ing->term, prefix, value);
    if (rc < 0)
        return NG_STATUS_OUT_OF_MEMORY;
    return rc ? NG_STATUS_SUCCESS : ng_doc_add_boolean(ing->doc, ing->term.data, ing->term.len);
}

static ng_status_t build_passage(ng_ingest_t *ing, const ng_article_t *a, unsigned number, const char *text, size_t len)
{
    ng_doc_clear(ing->doc);
    ing->doc_status = NG_STATUS_SUCCESS;
    if (ng_analyzer_run(ing->analyzer, text, len, 0, NULL, add_word, ing) != 0 ||
        ng_analyzer_run(ing->analyzer, a->title, strlen(a->title), 0, NULL, add_title_word, ing) != 0)
        return ing->doc_status != NG_STATUS_SUCCESS ? ing->doc_status : NG_STATUS_OUT_OF_MEMORY;

    ng_status_t st;
    if ((st = add_filter(ing, NG_PREFIX_SOURCE, a->source)) != NG_STATUS_SUCCESS ||
        (st = add_filter(ing, NG_PREFIX_LANG, a->language)) != NG_STATUS_SUCCESS)
        return st;
    char date[9];
    size_t date_len = ng_layout_date_value(a->date, date);
    if (date_len && (st = ng_doc_set_value(ing->doc, NG_SLOT_DATE, date, date_len)) != NG_STATUS_SUCCESS)
        return st;

    ng_record_t rec;
    memset(&rec, 0, sizeof rec);
#define FIELD(f, s) (rec.f.ptr = (s), rec.f.len = strlen(s))
    FIELD(article_id, a->id);
    FIELD(title, a->title);
    FIELD(date, a->date);
    FIELD(source, a->source);
    FIELD(url, a->url);
    FIELD(language, a->language);
#undef FIELD
    rec.passage = number;
    rec.text.ptr = text;
    rec.text.len = len;
    ng_buf_clear(&ing->record);
    if (ng_record_encode(&rec, &ing->record) != 0)
        return NG_STATUS_OUT_OF_MEMORY;
    return ng_doc_set_data(ing->doc, ing->record.data, ing->record.len);
}

static int dump_term(void *ctx, const ng_token_t *tok)
{
    json_t *tokens = ctx;
    return json_array_append_new(tokens, json_stringn(tok->term, tok->term_len)) != 0;
}

/* --dump-terms: the passage's terms, in order, as the index holds them:
 * {"docid": "ID#N", "tokens": [...]} (the input of a BM25 reference scorer). */
static ng_status_t dump_passage(ng_ingest_t *ing, const ng_article_t *a, size_t number, const char *text, size_t len)
{
    json_t *tokens = json_array();
    char *docid = NULL;
    json_t *line = NULL;
    ng_status_t st = NG_STATUS_OUT_OF_MEMORY;
    size_t n = strlen(a->id) + 24;
    if (tokens && (docid = malloc(n)) != NULL &&
        ng_analyzer_run(ing->analyzer, text, len, 0, NULL, dump_term, tokens) == 0) {
        snprintf(docid, n, "%s#%zu", a->id, number);
        line = json_pack("{s:s, s:O}", "docid", docid, "tokens", tokens);
        char *out = line ? json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
        if (out) {
            st = fprintf(ing->opts.dump_terms, "%s\n", out) < 0 ? NG_STATUS_IO_ERROR : NG_STATUS_SUCCESS;
            free(out);
        }
    }
    json_decref(line);
    json_decref(tokens);
    free(docid);
    return st;
}

static ng_status_t commit(ng_ingest_t *ing)
{
    ng_status_t st = ng_sink_commit(ing->sink);
    if (st != NG_STATUS_SUCCESS)
        return st;
    ing->stats.commits++;
    ing->pending = 0;
    ing->dirty = 0;
    return NG_STATUS_SUCCESS;
}

/* The worker an article id belongs to: the same id always to the same one,
 * so that a later version of an article replaces an earlier one. */
static unsigned worker_of(const char *id, unsigned workers)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return (unsigned)(h % workers);
}

ng_status_t ng_ingest_article(ng_ingest_t *ing, const ng_article_t *a)
{
    if (ing->opts.workers > 1 && worker_of(a->id, ing->opts.workers) != ing->opts.worker)
        return NG_STATUS_SUCCESS;
    size_t n;
    ng_status_t st = ng_segment(ing->seg, a->body, a->body_len, &n);
    if (st != NG_STATUS_SUCCESS)
        return st;
    /* An article with a title and no text is found by its title; one with
     * neither (an empty wire story) has no passage. */
    int title_only = n == 0 && *a->title;
    if (title_only)
        n = 1;
    if ((st = ensure_docs(ing, n ? n : 1)) != NG_STATUS_SUCCESS)
        return st;
    if (!ing->whole && (st = ng_doc_new(&ing->whole)) != NG_STATUS_SUCCESS)
        return st;
    ng_doc_clear(ing->whole);
    counts_reset(&ing->counts);
    ing->doc_status = NG_STATUS_SUCCESS;
    if (ing->opts.title_weight && !title_only &&
        ng_analyzer_run(ing->analyzer, a->title, strlen(a->title), 0, NULL, add_whole_title_word, ing) != 0)
        return ing->doc_status != NG_STATUS_SUCCESS ? ing->doc_status : NG_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < n; i++) {
        const char *text = a->title;
        size_t len = strlen(a->title);
        if (!title_only)
            ng_segment_get(ing->seg, i, &text, &len);
        ing->doc = ing->docs[i];
        if ((st = build_passage(ing, a, (unsigned)(i + 1), text, len)) != NG_STATUS_SUCCESS)
            return st;
        if (ing->opts.dump_terms && (st = dump_passage(ing, a, i + 1, text, len)) != NG_STATUS_SUCCESS)
            return st;
        ing->stats.text_bytes += len;
    }
    for (size_t i = 0; i < ing->counts.used; i++) {
        const count_slot_t *sl = &ing->counts.slots[ing->counts.order[i]];
        if ((st = ng_doc_add_term(ing->whole, ing->counts.keys.data + sl->key_off, sl->key_len, sl->count)) !=
            NG_STATUS_SUCCESS)
            return st;
    }
    int replaced = 0;
    st = ng_sink_replace_article(ing->sink, a, ing->docs, n, ing->whole, &replaced);
    if (st != NG_STATUS_SUCCESS)
        return st;
    ing->stats.articles++;
    if (replaced)
        ing->stats.replaced++;
    else
        ing->stats.added++;
    ing->stats.passages += n;
    ing->dirty = 1;
    if (++ing->pending >= ing->opts.batch)
        return commit(ing);
    return NG_STATUS_SUCCESS;
}

ng_status_t ng_ingest_finish(ng_ingest_t *ing)
{
    return ing->dirty ? commit(ing) : NG_STATUS_SUCCESS;
}

/* A name that a directory of dumps uses for its documentation. */
static int documentation_name(const char *base)
{
    static const char *const names[] = {"readme",  "license", "licence", "copying", "changelog",
                                        "changes", "authors", "notice",  "install"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strncasecmp(base, names[i], strlen(names[i])) == 0)
            return 1;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The ledger's record of the dump at ABS, if it holds FINGERPRINT: 1 and the
 * record in *DUMP (its path points into ing->value), 0 if not, -1 on failure. */
static int in_ledger(ng_ingest_t *ing, const char *abs, const char *fingerprint, ng_dump_t *dump, ng_status_t *st)
{
    char *value = NULL;
    if (ng_ledger_key(abs, &ing->key) != 0) {
        *st = NG_STATUS_OUT_OF_MEMORY;
        return -1;
    }
    if ((*st = ng_sink_get_metadata(ing->sink, ing->key.data, &value)) != NG_STATUS_SUCCESS)
        return -1;
    ng_buf_clear(&ing->value);
    int rc = ng_buf_append_str(&ing->value, value);
    free(value);
    if (rc != 0) {
        *st = NG_STATUS_OUT_OF_MEMORY;
        return -1;
    }
    return ng_ledger_decode(ing->value.data, dump) == 0 && strcmp(dump->fingerprint, fingerprint) == 0 &&
           strcmp(dump->path, abs) == 0;
}

static ng_status_t record_dump(ng_ingest_t *ing, const ng_dump_t *dump)
{
    ng_buf_clear(&ing->value);
    if (ng_ledger_key(dump->path, &ing->key) != 0 || ng_ledger_encode(dump, &ing->value) != 0)
        return NG_STATUS_OUT_OF_MEMORY;
    ing->dirty = 1;
    return ng_sink_set_metadata(ing->sink, ing->key.data, ing->value.data);
}

/* Index the file PATH, called NAME in messages; TEXT_ID is the id its article
 * gets in the text format. NAMED: the user named it (so it must be a dump). */
static ng_status_t ingest_file(ng_ingest_t *ing, const char *path, const char *name, const char *text_id, int named)
{
    int is_stdin = strcmp(path, "-") == 0;
    struct stat before;
    memset(&before, 0, sizeof before);
    ng_dump_t dump;
    memset(&dump, 0, sizeof dump);
    char abs[PATH_MAX];
    size_t plen = strlen(path) < sizeof abs ? strlen(path) : sizeof abs - 1;
    memcpy(abs, path, plen);
    abs[plen] = '\0';
    if (!is_stdin) {
        if (stat(path, &before) != 0) {
            report(ing, NG_REPORT_ERROR, "%s: %s", name, strerror(errno));
            ing->stats.errors++;
            return NG_STATUS_SUCCESS;
        }
        if (!realpath(path, abs)) { /* keep the path as given */
            memcpy(abs, path, plen);
            abs[plen] = '\0';
        }
        if (S_ISREG(before.st_mode)) { /* pipes cannot be read twice */
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || ng_ledger_fingerprint(fd, dump.fingerprint) != NG_STATUS_SUCCESS) {
                report(ing, NG_REPORT_ERROR, "%s: %s", name, strerror(errno));
                ing->stats.errors++;
                if (fd >= 0)
                    close(fd);
                return NG_STATUS_SUCCESS;
            }
            close(fd);
        }
    }
    ng_status_t st;
    if (*dump.fingerprint && !ing->opts.force) {
        ng_dump_t old;
        int rc = in_ledger(ing, abs, dump.fingerprint, &old, &st);
        if (rc < 0)
            return st;
        if (rc) {
            char when[64];
            time_t t = (time_t)old.time;
            struct tm tm;
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
            if (named) /* in a folder of nightly dumps, the old ones are the rule: the summary counts them */
                report(ing, NG_REPORT_NOTE, "%s: already indexed on %s, passed over (--force indexes it again)", name,
                       when);
            ing->stats.files++;
            ing->stats.files_skipped++;
            ing->stats.articles += old.articles;
            ing->stats.skipped += old.articles;
            ing->bytes_base += (unsigned long long)before.st_size;
            progress(ing);
            return NG_STATUS_SUCCESS;
        }
    }

    char *errmsg;
    st = ng_reader_open(path, name, text_id, ing->opts.format, &ing->reader, &errmsg);
    if (st != NG_STATUS_SUCCESS) {
        if (st == NG_STATUS_OUT_OF_MEMORY)
            return st;
        report(ing, NG_REPORT_ERROR, "%s", errmsg ? errmsg : name);
        free(errmsg);
        ing->stats.errors++;
        return NG_STATUS_SUCCESS;
    }
    ng_reader_t *reader = ing->reader;
    ng_reader_set_max_record(reader, ing->opts.max_record);
    ng_format_t format = ng_reader_format(reader);
    if (format == NG_FORMAT_NONE || (!named && format == NG_FORMAT_TEXT && ing->opts.format == NG_FORMAT_AUTO &&
                                     documentation_name(base_name(path)))) {
        if (named) {
            report(ing, NG_REPORT_ERROR, "%s: not a dump in a known format (text files must end in .txt)", name);
            ing->stats.errors++;
        } else {
            report(ing, NG_REPORT_NOTE, "%s: not a dump, skipped", name);
        }
        goto done;
    }

    const ng_ingest_stats_t was = ing->stats;
    unsigned long records = 0; /* good ones, this ingest's share or not */
    ng_article_t article;
    for (;;) {
        st = ng_reader_next(reader, &article);
        if (st == NG_STATUS_END) {
            st = NG_STATUS_SUCCESS;
            break;
        }
        if (st == NG_STATUS_BAD_RECORD || st == NG_STATUS_IO_ERROR) {
            report(ing, NG_REPORT_REJECTED, "%s:%lu: %s", name, ng_reader_line(reader), ng_reader_errmsg(reader));
            ing->stats.rejected++;
            continue; /* after an I/O error the reader is at its end */
        }
        if (st != NG_STATUS_SUCCESS)
            goto done;
        unsigned long line;
        const char *warning = ng_reader_warning(reader, &line);
        if (warning) {
            report(ing, NG_REPORT_WARNING, "%s:%lu: warning: %s", name, line, warning);
            ing->stats.warnings++;
        }
        records++;
        if ((st = ng_ingest_article(ing, &article)) != NG_STATUS_SUCCESS)
            goto done;
        progress(ing);
    }
    dump.articles = ing->stats.articles - was.articles;
    dump.rejected = ing->stats.rejected - was.rejected;
    if (records == 0 && dump.rejected == 0) {
        if (named) {
            report(ing, NG_REPORT_ERROR, "%s: holds no %s record", name, ng_format_name(format));
            ing->stats.errors++;
        } else {
            report(ing, NG_REPORT_NOTE, "%s: holds no %s record, skipped", name, ng_format_name(format));
        }
        goto done;
    }
    ing->stats.files++;
    struct stat after;
    if (!is_stdin && *dump.fingerprint &&
        (stat(path, &after) != 0 || after.st_size != before.st_size || after.st_mtime != before.st_mtime)) {
        report(ing, NG_REPORT_WARNING, "%s: warning: the file changed while it was read; not recorded as indexed",
               name);
        ing->stats.warnings++;
        goto done;
    }
    dump.path = is_stdin ? "-" : abs;
    dump.time = (long long)time(NULL);
    snprintf(dump.format, sizeof dump.format, "%s", ng_format_name(format));
    dump.replaced = ing->stats.replaced - was.replaced;
    dump.passages = ing->stats.passages - was.passages;
    st = record_dump(ing, &dump);
done:
    ing->bytes_base +=
        is_stdin || !S_ISREG(before.st_mode) ? ng_reader_offset(reader) : (unsigned long long)before.st_size;
    ing->reader = NULL;
    ng_reader_close(reader);
    progress(ing);
    return st;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int excluded(const ng_ingest_t *ing, const char *name)
{
    for (const char **g = ing->opts.exclude; g && *g; g++)
        if (fnmatch(*g, name, 0) == 0)
            return 1;
    return 0;
}

/* Walk the directory ing->path, whose part after ROOT_LEN bytes is the article
 * id prefix of its text files. PLAN: only add up the sizes of its files. */
static ng_status_t walk(ng_ingest_t *ing, size_t root_len, int depth, int plan)
{
    if (depth > MAX_DEPTH) {
        if (!plan) {
            report(ing, NG_REPORT_ERROR, "%s: directories nested too deep (a symlink loop?)", ing->path.data);
            ing->stats.errors++;
        }
        return NG_STATUS_SUCCESS;
    }
    DIR *dir = opendir(ing->path.data);
    if (!dir) {
        if (!plan) {
            report(ing, NG_REPORT_ERROR, "%s: %s", ing->path.data, strerror(errno));
            ing->stats.errors++;
        }
        return NG_STATUS_SUCCESS;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    ng_status_t st = NG_STATUS_SUCCESS;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.' || excluded(ing, de->d_name))
            continue; /* ., .., hidden files such as .git, and what the user excludes */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **more = realloc(names, cap * sizeof *names);
            if (!more) {
                st = NG_STATUS_OUT_OF_MEMORY;
                break;
            }
            names = more;
        }
        if (!(names[n] = strdup(de->d_name))) {
            st = NG_STATUS_OUT_OF_MEMORY;
            break;
        }
        n++;
    }
    closedir(dir);
    if (st == NG_STATUS_SUCCESS && n > 1)
        qsort(names, n, sizeof *names, compare_names);

    size_t base = ing->path.len;
    for (size_t i = 0; i < n && st == NG_STATUS_SUCCESS; i++) {
        ing->path.len = base;
        if (ng_buf_append_byte(&ing->path, '/') != 0 || ng_buf_append_str(&ing->path, names[i]) != 0) {
            st = NG_STATUS_OUT_OF_MEMORY;
            break;
        }
        struct stat sb;
        if (stat(ing->path.data, &sb) != 0) {
            if (!plan) {
                report(ing, NG_REPORT_ERROR, "%s: %s", ing->path.data, strerror(errno));
                ing->stats.errors++;
            }
        } else if (S_ISDIR(sb.st_mode)) {
            st = walk(ing, root_len, depth + 1, plan);
        } else if (S_ISREG(sb.st_mode) && plan) {
            ing->stats.bytes_total += (unsigned long long)sb.st_size;
        } else if (S_ISREG(sb.st_mode)) {
            char *file = strdup(ing->path.data);
            if (!file)
                st = NG_STATUS_OUT_OF_MEMORY;
            else
                st = ingest_file(ing, file, file, file + root_len, 0);
            free(file);
        }
    }
    ing->path.len = base;
    ing->path.data[base] = '\0';
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

/* Walk PATH (PLAN: only add up sizes). */
static ng_status_t visit(ng_ingest_t *ing, const char *path, int plan)
{
    if (strcmp(path, "-") == 0)
        return plan ? NG_STATUS_SUCCESS : ingest_file(ing, "-", "(standard input)", "stdin", 1);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (!plan) {
            report(ing, NG_REPORT_ERROR, "%s: %s", path, strerror(errno));
            ing->stats.errors++;
        }
        return NG_STATUS_SUCCESS;
    }
    if (!S_ISDIR(sb.st_mode)) {
        if (plan) {
            if (S_ISREG(sb.st_mode))
                ing->stats.bytes_total += (unsigned long long)sb.st_size;
            return NG_STATUS_SUCCESS;
        }
        return ingest_file(ing, path, path, base_name(path), 1);
    }
    ng_buf_clear(&ing->path);
    if (ng_buf_append_str(&ing->path, path) != 0)
        return NG_STATUS_OUT_OF_MEMORY;
    while (ing->path.len > 1 && ing->path.data[ing->path.len - 1] == '/')
        ing->path.data[--ing->path.len] = '\0';
    /* ids of text files are their paths below PATH, without the slash */
    return walk(ing, ing->path.len + 1, 0, plan);
}

void ng_ingest_plan(ng_ingest_t *ing, const char *path)
{
    visit(ing, path, 1);
}

ng_status_t ng_ingest_path(ng_ingest_t *ing, const char *path)
{
    return visit(ing, path, 0);
}
