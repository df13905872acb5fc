/* The ingest driver of ingest.h: dump paths -> readers -> articles -> segmenter
 * -> analyzer -> one store document per passage. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyzer.h"
#include "buf.h"
#include "ingest.h"
#include "layout.h"
#include "record.h"
#include "segment.h"

/* Deeper directory trees than this are surely a symlink loop. */
#define MAX_DEPTH 64

struct ng_ingest {
    ng_store_t *store;
    ng_analyzer_t *analyzer;
    ng_segmenter_t *seg;
    ng_ingest_opts_t opts;
    ng_ingest_stats_t stats;
    ng_doc_t **docs; /* one per passage of the article at hand, reused */
    size_t ndocs;
    ng_doc_t *doc; /* the doc the token callbacks fill */
    ng_status_t doc_status;
    ng_buf_t term;
    ng_buf_t record;
    ng_buf_t path; /* scratch for the directory walk */
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
    ing->opts.report(ing->opts.report_ctx, kind, msg);
}

ng_status_t ng_ingest_new(ng_store_t *store, ng_analyzer_t *analyzer, const ng_ingest_opts_t *opts, ng_ingest_t **out)
{
    ng_ingest_t *ing = calloc(1, sizeof *ing);
    *out = NULL;
    if (!ing)
        return NG_STATUS_OUT_OF_MEMORY;
    ing->store = store;
    ing->analyzer = analyzer;
    ing->opts = *opts;
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
    ng_segmenter_destroy(ing->seg);
    ng_buf_free(&ing->term);
    ng_buf_free(&ing->record);
    ng_buf_free(&ing->path);
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

static int add_word(void *ctx, const ng_token_t *tok)
{
    ng_ingest_t *ing = ctx;
    /* Xapian positions start at 1 */
    ing->doc_status = ng_doc_add_posting(ing->doc, tok->term, tok->term_len, tok->pos + 1);
    return ing->doc_status != NG_STATUS_SUCCESS;
}

static int add_title_word(void *ctx, const ng_token_t *tok)
{
    ng_ingest_t *ing = ctx;
    ng_buf_clear(&ing->term);
    if (ng_buf_append_str(&ing->term, NG_PREFIX_TITLE) != 0 || ng_buf_append(&ing->term, tok->term, tok->term_len) != 0)
        ing->doc_status = NG_STATUS_OUT_OF_MEMORY;
    else
        ing->doc_status = ng_doc_add_term(ing->doc, ing->term.data, ing->term.len);
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

ng_status_t ng_ingest_article(ng_ingest_t *ing, const ng_article_t *a)
{
    size_t n;
    ng_status_t st = ng_segment(ing->seg, a->body, a->body_len, &n);
    if (st != NG_STATUS_SUCCESS)
        return st;
    /* An article with a title and no text is found by its title. */
    int title_only = n == 0;
    if (title_only)
        n = 1;
    if ((st = ensure_docs(ing, n)) != NG_STATUS_SUCCESS)
        return st;
    for (size_t i = 0; i < n; i++) {
        const char *text = a->title;
        size_t len = strlen(a->title);
        if (!title_only)
            ng_segment_get(ing->seg, i, &text, &len);
        ing->doc = ing->docs[i];
        if ((st = build_passage(ing, a, (unsigned)(i + 1), text, len)) != NG_STATUS_SUCCESS)
            return st;
        ing->stats.bytes += len;
    }
    int replaced = 0;
    st = ng_store_replace_article(ing->store, a->id, ing->docs, n, &replaced);
    if (st != NG_STATUS_SUCCESS)
        return st;
    ing->stats.articles++;
    ing->stats.replaced += (unsigned long)replaced;
    ing->stats.passages += n;
    return NG_STATUS_SUCCESS;
}

/* Index the file PATH, called NAME in messages; TEXT_ID is the id its article
 * gets in the text format. NAMED: the user named it (so it must be a dump). */
static ng_status_t ingest_file(ng_ingest_t *ing, const char *path, const char *name, const char *text_id, int named)
{
    ng_reader_t *reader;
    char *errmsg;
    ng_status_t st = ng_reader_open(path, name, text_id, ing->opts.format, &reader, &errmsg);
    if (st != NG_STATUS_SUCCESS) {
        if (st == NG_STATUS_OUT_OF_MEMORY)
            return st;
        report(ing, NG_REPORT_ERROR, "%s", errmsg ? errmsg : name);
        free(errmsg);
        ing->stats.errors++;
        return NG_STATUS_SUCCESS;
    }
    if (ng_reader_format(reader) == NG_FORMAT_NONE) {
        if (named) {
            report(ing, NG_REPORT_ERROR, "%s: not a dump in a known format (text files must end in .txt)", name);
            ing->stats.errors++;
        } else {
            report(ing, NG_REPORT_NOTE, "%s: not a dump, skipped", name);
        }
        ng_reader_close(reader);
        return NG_STATUS_SUCCESS;
    }
    ing->stats.files++;
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
            break;
        if ((st = ng_ingest_article(ing, &article)) != NG_STATUS_SUCCESS)
            break;
    }
    ng_reader_close(reader);
    return st;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk the directory ing->path, whose part after ROOT_LEN bytes is the article
 * id prefix of its text files. */
static ng_status_t walk(ng_ingest_t *ing, size_t root_len, int depth)
{
    if (depth > MAX_DEPTH) {
        report(ing, NG_REPORT_ERROR, "%s: directories nested too deep (a symlink loop?)", ing->path.data);
        ing->stats.errors++;
        return NG_STATUS_SUCCESS;
    }
    DIR *dir = opendir(ing->path.data);
    if (!dir) {
        report(ing, NG_REPORT_ERROR, "%s: %s", ing->path.data, strerror(errno));
        ing->stats.errors++;
        return NG_STATUS_SUCCESS;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    ng_status_t st = NG_STATUS_SUCCESS;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ., .., and hidden files such as .git */
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
            report(ing, NG_REPORT_ERROR, "%s: %s", ing->path.data, strerror(errno));
            ing->stats.errors++;
        } else if (S_ISDIR(sb.st_mode)) {
            st = walk(ing, root_len, depth + 1);
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

ng_status_t ng_ingest_path(ng_ingest_t *ing, const char *path)
{
    if (strcmp(path, "-") == 0)
        return ingest_file(ing, "-", "(standard input)", "stdin", 1);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        report(ing, NG_REPORT_ERROR, "%s: %s", path, strerror(errno));
        ing->stats.errors++;
        return NG_STATUS_SUCCESS;
    }
    if (!S_ISDIR(sb.st_mode)) {
        const char *slash = strrchr(path, '/');
        return ingest_file(ing, path, path, slash ? slash + 1 : path, 1);
    }
    ng_buf_clear(&ing->path);
    if (ng_buf_append_str(&ing->path, path) != 0)
        return NG_STATUS_OUT_OF_MEMORY;
    while (ing->path.len > 1 && ing->path.data[ing->path.len - 1] == '/')
        ing->path.data[--ing->path.len] = '\0';
    /* ids of text files are their paths below PATH, without the slash */
    return walk(ing, ing->path.len + 1, 0);
}
