/* The store of store.h over xapian-core: the only C++ and the only <xapian.h>
 * in newsgrep. Every exported function catches everything it may throw. */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <xapian.h>

#include "analyzer.h"
#include "forward.h"
#include "lengths.h"
#include "record.h"
#include "store.h"

/* An index is two Xapian databases: the passages (the folder itself, one
 * document per passage, with positions) and, in its subfolder "articles",
 * one document per whole article, which ranks articles. */
struct ng_store {
    Xapian::Database *db;           /* the passages read from (== wdb when writing) */
    Xapian::WritableDatabase *wdb;  /* NULL when read-only */
    Xapian::Database *adb;          /* the articles (== awdb when writing); NULL if the index has none */
    Xapian::WritableDatabase *awdb; /* NULL when read-only */
    Xapian::Database *db2;          /* the passages again, for a second thread; NULL until one needs it */
    Xapian::Database *adb2;         /* the articles again, likewise */
    std::string path;
    std::string errmsg;
    bool bulk;                  /* NG_STORE_BULK: no transactions */
    bool positions;             /* NG_STORE_POSITIONS: Xapian's positions as well */
    bool articles_missing;      /* NG_META_ARTICLES_MISSING is set (read at open) */
    bool local;                 /* the passages are one glass database on this machine (no stub, no remote shard) */
    ng_length_table lengths[4]; /* the documents' lengths of db, adb, db2 and adb2, as read */
    ng_forward_writer forward_writer; /* the passages' words, written (forward.h) */
    ng_forward_table forward[2];      /* the passages' words of db and db2, as read */
    /* a stub's databases, each with its forward table (read when a match
     * needs them); empty until then, or when the stub lists a remote one */
    struct shard {
        std::string dir;
        Xapian::Database db;
        ng_forward_table table;
    };
    std::vector<std::unique_ptr<shard>> shards;
    bool shards_read;
};

/* The words of a passage as the indexer analysed them, read again from the
 * text of its record (forward.h): for the documents the forward files
 * lack. One analyzer (of the index's language), made when first needed
 * and shared by the matches' threads. */
static ng_text_words text_words()
{
    struct state {
        std::mutex lock;
        ng_analyzer_t *analyzer = nullptr;
        bool failed = false;
        ~state()
        {
            ng_analyzer_destroy(analyzer);
        }
    };
    auto st = std::make_shared<state>();
    return [st](const Xapian::Database &db, Xapian::docid did, std::vector<std::string> &terms) {
        terms.clear();
        std::string data;
        try {
            data = db.get_document(did).get_data();
        } catch (const Xapian::DocNotFoundError &) {
            return false;
        }
        ng_record_t rec;
        if (ng_record_decode(data.data(), data.size(), &rec) != 0)
            return false;
        std::lock_guard<std::mutex> hold(st->lock);
        if (!st->analyzer && !st->failed) {
            const std::string language = db.get_metadata(NG_META_LANGUAGE);
            st->failed = ng_analyzer_new(language.empty() ? NULL : language.c_str(), &st->analyzer) != NG_STATUS_SUCCESS;
        }
        if (st->failed)
            return false;
        auto word = [](void *ctx, const ng_token_t *tok) {
            auto *out = static_cast<std::vector<std::string> *>(ctx);
            if (tok->pos >= out->size())
                out->resize(tok->pos + size_t{1});
            (*out)[tok->pos].assign(tok->term, tok->term_len);
            return 0;
        };
        return ng_analyzer_run(st->analyzer, rec.text.ptr, rec.text.len, 0, NULL, word, &terms) == 0;
    };
}

/* ng_store_keep_positions was called */
static bool keep_positions = false;

static std::string articles_path(const std::string &path)
{
    return path + "/articles";
}

static ng_store_t *new_store(const char *path)
{
    ng_store_t *store = new ng_store;
    store->db = store->adb = NULL;
    store->wdb = store->awdb = NULL;
    store->db2 = store->adb2 = NULL;
    store->path = path;
    store->bulk = false;
    store->positions = false;
    store->articles_missing = false;
    store->local = false;
    store->shards_read = false;
    return store;
}

static void delete_store(ng_store_t *store)
{
    if (!store)
        return;
    if (store->wdb)
        delete store->wdb;
    else
        delete store->db;
    if (store->awdb)
        delete store->awdb;
    else
        delete store->adb;
    delete store->db2;
    delete store->adb2;
    delete store;
}

/* Record that some article has no article document (with the next commit). */
static void mark_articles_missing(ng_store_t *store)
{
    if (store->articles_missing)
        return;
    store->wdb->set_metadata(NG_META_ARTICLES_MISSING, "1");
    store->articles_missing = true;
}

/* Open both databases of STORE for writing (XFLAGS for the passages; the
 * articles database is made when missing) and start a transaction in each. */
static void open_writable(ng_store_t *store, int xflags)
{
    /* Small batches are both faster and leaner on xapian-core 1.4, which
     * reads the threshold when a database is opened. An article document
     * holds as many postings as its passages together, so the articles are
     * written out ten times as often (unless the user set a threshold). A
     * bulk loader (a worker's part) writes out twice as often: as fast
     * (within 2.5%), a third less memory (BENCHMARKS.md); one writer
     * adding to an index keeps the thresholds it was measured with. */
    struct threshold {
        /* ours only while a database is opened, so that it is never taken
         * for the user's (by this process or by the workers it starts) */
        const bool user = getenv("XAPIAN_FLUSH_THRESHOLD") != NULL;
        void set(const char *n) const
        {
            if (!user)
                setenv("XAPIAN_FLUSH_THRESHOLD", n, 1);
        }
        ~threshold()
        {
            if (!user)
                unsetenv("XAPIAN_FLUSH_THRESHOLD");
        }
    } threshold;
    threshold.set(store->bulk ? "1000" : "2000");
    store->wdb = new Xapian::WritableDatabase(store->path, xflags);
    store->db = store->wdb;
    store->forward_writer.open(*store->wdb, store->path, text_words());
    /* an index made before article documents gets its articles database now */
    const int action = 0x03; /* the bits of DB_CREATE_OR_OPEN ... DB_OPEN */
    int aflags = xflags;
    if ((xflags & action) == Xapian::DB_OPEN)
        aflags = (xflags & ~action) | Xapian::DB_CREATE_OR_OPEN;
    struct stat st;
    const bool had_articles = stat((articles_path(store->path) + "/iamglass").c_str(), &st) == 0;
    threshold.set(store->bulk ? "100" : "200");
    store->awdb = new Xapian::WritableDatabase(articles_path(store->path), aflags);
    store->adb = store->awdb;
    store->articles_missing = !store->wdb->get_metadata(NG_META_ARTICLES_MISSING).empty();
    /* positions asked for are recorded, and kept from then on */
    if (store->positions && store->wdb->get_metadata(NG_META_POSITIONS).empty())
        store->wdb->set_metadata(NG_META_POSITIONS, "1");
    store->positions = store->positions || !store->wdb->get_metadata(NG_META_POSITIONS).empty();
    if (!store->bulk) {
        /* One transaction per commit: a crash leaves the last commit. */
        store->awdb->begin_transaction(true);
        store->wdb->begin_transaction(true);
    }
    if (!had_articles && store->wdb->get_doccount() > 0)
        mark_articles_missing(store);
}

/* Open both databases of STORE for reading. A writer's commit can discard
 * the revision being opened (DatabaseModifiedError): open the new one. */
static void open_readable(ng_store_t *store)
{
    /* what an attempt opened, closed before the next */
    auto drop = [store] {
        delete store->db;
        delete store->adb;
        store->db = store->adb = NULL;
    };
    for (int attempt = 0;; attempt++) {
        struct stat before;
        const bool known = stat(store->path.c_str(), &before) == 0;
        try {
            try {
                store->db = new Xapian::Database(store->path);
            } catch (const Xapian::DatabaseNotFoundError &e) {
                /* something is there, but no index */
                throw Xapian::DatabaseOpeningError(e.get_msg(), e.get_context());
            }
            /* An empty file opens as a stub database listing no shard. */
            if (store->db->size() == 0)
                throw Xapian::DatabaseOpeningError("not a Xapian index", store->path);
            /* An index made before article documents ranks by passages. A
             * stub lists the articles of an addition being merged too. */
            struct stat st;
            if (stat((articles_path(store->path) + "/iamglass").c_str(), &st) == 0 ||
                stat((articles_path(store->path) + "/XAPIANDB").c_str(), &st) == 0)
                store->adb = new Xapian::Database(articles_path(store->path));
            store->local = stat((store->path + "/iamglass").c_str(), &st) == 0 && store->db->size() == 1;
            store->articles_missing = !store->db->get_metadata(NG_META_ARTICLES_MISSING).empty();
            return;
        } catch (const Xapian::DatabaseModifiedError &) {
            drop();
            if (attempt == 3)
                throw;
        } catch (const Xapian::DatabaseOpeningError &) {
            /* A stub whose databases went as the addition that showed them
             * ended: the merged index stands in its place now. */
            struct stat after;
            const bool moved = known && stat(store->path.c_str(), &after) == 0 &&
                               (after.st_ino != before.st_ino || after.st_dev != before.st_dev);
            drop();
            if (!moved || attempt == 3)
                throw;
        }
    }
}

struct ng_doc {
    Xapian::Document doc;
    ng_word_run run; /* the words with positions, for the forward file */
};

struct ng_results {
    std::vector<std::string> data;
    std::vector<std::string> ids; /* article ids */
    std::vector<ng_hit_t> hits;
    unsigned long estimate;
};

/* Rethrow the exception being handled and map it to a status and message.
 * Call only from inside a catch block. */
static ng_status_t current_exception_status(std::string &msg)
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        msg = e.get_description();
        return NG_STATUS_LOCKED;
    } catch (const Xapian::DatabaseNotFoundError &e) {
        msg = e.get_description();
        return NG_STATUS_NO_INDEX;
    } catch (const Xapian::Error &e) {
        msg = e.get_description();
        return NG_STATUS_INDEX_ERROR;
    } catch (const std::bad_alloc &) {
        msg = "out of memory";
        return NG_STATUS_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
        msg = e.what();
        return NG_STATUS_INDEX_ERROR;
    } catch (...) {
        msg = "unknown C++ exception";
        return NG_STATUS_INDEX_ERROR;
    }
}

/* For catch blocks of functions that have a store to hold the message. */
static ng_status_t store_fail(ng_store_t *store)
{
    try {
        return current_exception_status(store->errmsg);
    } catch (...) { /* assigning the message itself failed */
        return NG_STATUS_OUT_OF_MEMORY;
    }
}

/* For catch blocks of functions without a store: only the status survives. */
static ng_status_t bare_fail()
{
    std::string ignored;
    try {
        return current_exception_status(ignored);
    } catch (...) {
        return NG_STATUS_OUT_OF_MEMORY;
    }
}

static char *dup_string(const std::string &msg)
{
    char *s = static_cast<char *>(std::malloc(msg.size() + 1));
    if (s)
        std::memcpy(s, msg.c_str(), msg.size() + 1);
    return s;
}

/* For catch blocks of functions that give their message through ERRMSG. */
static ng_status_t message_fail(char **errmsg)
{
    std::string msg;
    ng_status_t status;
    try {
        status = current_exception_status(msg);
    } catch (...) {
        status = NG_STATUS_OUT_OF_MEMORY;
    }
    if (errmsg)
        *errmsg = dup_string(msg);
    return status;
}

/* An identity term. Xapian terms are limited to 245 bytes, so a long id is cut
 * and made unique again by a hash of the whole. */
static std::string identity_term(const char *prefix, const std::string &id)
{
    std::string term(prefix);
    const size_t max_id = 200;
    if (id.size() <= max_id)
        return term + id;
    unsigned long long h = 14695981039346656037ull;
    for (unsigned char c : id) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char hex[20];
    std::snprintf(hex, sizeof hex, "%016llx", h);
    return term + id.substr(0, max_id - 17) + "#" + hex;
}

extern "C" {

ng_status_t ng_store_open(const char *path, int mode, ng_store_t **out, char **errmsg)
{
    ng_store_t *store = NULL;
    std::string msg;
    ng_status_t status = NG_STATUS_SUCCESS;
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    try {
        struct stat st;
        if (mode == NG_STORE_READ && stat(path, &st) != 0) {
            status = NG_STATUS_NO_INDEX;
            msg = std::string("no index at ") + path;
        } else {
            store = new_store(path);
            if (mode == NG_STORE_WRITE) {
                store->positions = keep_positions;
                open_writable(store, Xapian::DB_CREATE_OR_OPEN);
            } else {
                open_readable(store);
            }
            *out = store;
            return NG_STATUS_SUCCESS;
        }
    } catch (...) {
        status = message_fail(errmsg);
        delete_store(store);
        return status;
    }
    if (errmsg)
        *errmsg = dup_string(msg);
    return status;
}

void ng_store_close(ng_store_t *store)
{
    if (!store)
        return;
    try {
        for (Xapian::WritableDatabase *w : {store->wdb, store->awdb}) {
            if (!w)
                continue;
            try {
                w->cancel_transaction();
            } catch (const Xapian::Error &) {
            }
        }
        delete_store(store);
    } catch (...) {
    }
}

const char *ng_store_errmsg(const ng_store_t *store)
{
    return store->errmsg.c_str();
}

ng_status_t ng_doc_new(ng_doc_t **out)
{
    *out = NULL;
    try {
        *out = new ng_doc;
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return bare_fail();
    }
}

void ng_doc_destroy(ng_doc_t *doc)
{
    delete doc;
}

void ng_doc_clear(ng_doc_t *doc)
{
    try {
        doc->doc = Xapian::Document();
        doc->run.clear();
    } catch (...) {
    }
}

ng_status_t ng_doc_add_posting(ng_doc_t *doc, const char *term, size_t len, unsigned pos)
{
    try {
        /* the position goes to the forward file (or, for a writer that
         * keeps none, to Xapian, in ng_store_replace_article) */
        doc->doc.add_term(std::string(term, len));
        doc->run.terms.append(term, len);
        doc->run.terms.push_back('\0');
        doc->run.positions.push_back(pos);
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return bare_fail();
    }
}

ng_status_t ng_doc_add_term(ng_doc_t *doc, const char *term, size_t len, unsigned wdf)
{
    try {
        doc->doc.add_term(std::string(term, len), wdf);
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return bare_fail();
    }
}

ng_status_t ng_doc_add_boolean(ng_doc_t *doc, const char *term, size_t len)
{
    try {
        doc->doc.add_boolean_term(std::string(term, len));
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return bare_fail();
    }
}

ng_status_t ng_doc_set_value(ng_doc_t *doc, unsigned slot, const char *value, size_t len)
{
    try {
        doc->doc.add_value(slot, std::string(value, len));
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return bare_fail();
    }
}

ng_status_t ng_doc_set_data(ng_doc_t *doc, const char *data, size_t len)
{
    try {
        doc->doc.set_data(std::string(data, len));
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return bare_fail();
    }
}

static ng_status_t not_writable(ng_store_t *store)
{
    store->errmsg = "index " + store->path + " is open read-only";
    return NG_STATUS_INVALID_ARGUMENT;
}

ng_status_t ng_store_replace_article(ng_store_t *store, const char *article_id, ng_doc_t *const *passages, size_t n,
                                     ng_doc_t *article, int *replaced)
{
    if (!store->wdb)
        return not_writable(store);
    try {
        const std::string id(article_id);
        const std::string article_term = identity_term(NG_PREFIX_ARTICLE, id);
        bool had = store->wdb->term_exists(article_term);
        if (had)
            store->wdb->delete_document(article_term);
        if (store->awdb->term_exists(article_term))
            store->awdb->delete_document(article_term);
        for (size_t i = 0; i < n; i++) {
            Xapian::Document &doc = passages[i]->doc;
            const unsigned number = static_cast<unsigned>(i + 1);
            doc.add_boolean_term(article_term);
            doc.add_value(NG_SLOT_ARTICLE, id);
            doc.add_value(NG_SLOT_PASSAGE, Xapian::sortable_serialise(number));
            const ng_word_run &run = passages[i]->run;
            if (!store->forward_writer.active() || store->positions) {
                /* an index made before forward files, or one to be read
                 * where the files are not (a remote shard): Xapian's
                 * positions */
                const char *term = run.terms.c_str();
                for (unsigned pos : run.positions) {
                    const size_t len = strlen(term);
                    doc.add_posting(std::string(term, len), pos, 0);
                    term += len + 1;
                }
            }
            store->forward_writer.add(store->wdb->add_document(doc), run);
        }
        if (article && n > 0) {
            article->doc.add_boolean_term(article_term);
            article->doc.add_value(NG_SLOT_ARTICLE, id);
            store->awdb->add_document(article->doc);
        } else if (n > 0) {
            mark_articles_missing(store);
        }
        if (replaced)
            *replaced = had;
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return store_fail(store);
    }
}

ng_status_t ng_store_delete_article(ng_store_t *store, const char *article_id, int *deleted)
{
    if (!store->wdb)
        return not_writable(store);
    try {
        const std::string article_term = identity_term(NG_PREFIX_ARTICLE, article_id);
        bool had = store->wdb->term_exists(article_term);
        if (had)
            store->wdb->delete_document(article_term);
        if (store->awdb->term_exists(article_term))
            store->awdb->delete_document(article_term);
        if (deleted)
            *deleted = had;
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return store_fail(store);
    }
}

ng_status_t ng_store_commit(ng_store_t *store)
{
    if (!store->wdb)
        return not_writable(store);
    try {
        /* the passages' words before the passages (forward.h) */
        auto commit_passages = [store](void (Xapian::WritableDatabase::*commit)()) {
            store->forward_writer.prepare(*store->wdb);
            try {
                ((*store->wdb).*commit)();
            } catch (...) {
                store->forward_writer.abandoned();
                throw;
            }
            store->forward_writer.committed();
        };
        if (store->bulk) {
            store->awdb->commit();
            commit_passages(&Xapian::WritableDatabase::commit);
            return NG_STATUS_SUCCESS;
        }
        /* Articles first: a crash between the two commits leaves article
         * documents whose passages are not in, which search passes over and
         * the next run replaces; never passages without their article. */
        store->awdb->commit_transaction();
        store->awdb->begin_transaction(true);
        commit_passages(&Xapian::WritableDatabase::commit_transaction);
        store->wdb->begin_transaction(true);
        /* the lengths of the documents added (lengths.h) */
        ng_lengths_write(*store->awdb, articles_path(store->path), false);
        ng_lengths_write(*store->wdb, store->path, false);
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return store_fail(store);
    }
}

ng_status_t ng_store_get_metadata(ng_store_t *store, const char *key, char **value)
{
    *value = NULL;
    try {
        *value = dup_string(store->db->get_metadata(key));
        return *value ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
    } catch (...) {
        return store_fail(store);
    }
}

ng_status_t ng_store_set_metadata(ng_store_t *store, const char *key, const char *value)
{
    if (!store->wdb)
        return not_writable(store);
    try {
        store->wdb->set_metadata(key, value);
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return store_fail(store);
    }
}

unsigned long ng_store_doc_count(ng_store_t *store)
{
    try {
        return store->db->get_doccount();
    } catch (...) {
        store_fail(store);
        return 0;
    }
}

int ng_store_has_article(ng_store_t *store, const char *article_id)
{
    try {
        return store->db->term_exists(identity_term(NG_PREFIX_ARTICLE, article_id)) ? 1 : 0;
    } catch (...) {
        store_fail(store);
        return -1;
    }
}

unsigned long ng_store_term_freq(ng_store_t *store, const char *term)
{
    try {
        return store->db->get_termfreq(term);
    } catch (...) {
        store_fail(store);
        return 0;
    }
}

unsigned long ng_store_collection_freq(ng_store_t *store, const char *term)
{
    try {
        return store->db->get_collection_freq(term);
    } catch (...) {
        store_fail(store);
        return 0;
    }
}

double ng_store_avg_length(ng_store_t *store)
{
    try {
        return store->db->get_avlength();
    } catch (...) {
        store_fail(store);
        return 0;
    }
}

void ng_search_opts_init(ng_search_opts_t *opts)
{
    opts->k1 = 1.2;
    opts->b = 0.75;
    opts->min_normlen = 0.5;
    opts->offset = 0;
    opts->limit = 10;
    opts->all_passages = 0;
    opts->sort = NG_SORT_SCORE;
    opts->ids_only = 0;
    opts->rank = NG_RANK_COMBINED;
    opts->passage_weight = NG_DEFAULT_PASSAGE_WEIGHT;
    opts->split = NG_SPLIT_AUTO;
    opts->lengths = NG_LENGTHS_AUTO;
    opts->positions = NG_POSITIONS_AUTO;
}

} /* extern "C" */

/* --- queries: ng_qnode_t trees to Xapian::Query -------------------------- */

/* Run FN, reopening the database and running it again when a writer
 * committed meanwhile (DatabaseModifiedError). */
template <typename Fn> static void with_reopen(ng_store_t *store, Fn fn)
{
    for (int attempt = 0;; attempt++) {
        try {
            fn();
            return;
        } catch (const Xapian::DatabaseModifiedError &) {
            if (attempt == 3)
                throw;
            store->db->reopen();
            if (store->adb)
                store->adb->reopen();
            if (store->db2)
                store->db2->reopen();
            if (store->adb2)
                store->adb2->reopen();
        }
    }
}

/* The terms NODE (a WILDCARD) stands for: those beginning with its prefix,
 * and term2. Throws WildcardError past MAX. */
static std::vector<std::string> wildcard_terms(const Xapian::Database &db, const ng_qnode_t *node, size_t max)
{
    std::vector<std::string> terms;
    const std::string prefix(node->term);
    for (Xapian::TermIterator t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
        if (terms.size() == max)
            throw Xapian::WildcardError("matches more than " + std::to_string(max) + " terms of the index");
        terms.push_back(*t);
    }
    if (node->term2) {
        const std::string stem(node->term2);
        if (stem.compare(0, prefix.size(), prefix) != 0 && db.term_exists(stem))
            terms.push_back(stem);
    }
    return terms;
}

/* N of "...#N": digits only, from 1. */
static bool passage_number(const std::string &digits, unsigned *number)
{
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
        return false;
    *number = static_cast<unsigned>(std::stoul(digits));
    return *number > 0;
}

/* Passage NUMBER of article ID. */
static Xapian::Query passage_query(const std::string &id, unsigned number)
{
    const std::string n = Xapian::sortable_serialise(number);
    return Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(identity_term(NG_PREFIX_ARTICLE, id)),
                         Xapian::Query(Xapian::Query::OP_VALUE_RANGE, NG_SLOT_PASSAGE, n, n));
}

/* TERM once more in TERMS, the query's terms with their query frequencies. */
static void count_term(std::vector<std::pair<std::string, unsigned>> &terms, const char *term)
{
    auto same = std::find_if(terms.begin(), terms.end(),
                             [term](const std::pair<std::string, unsigned> &t) { return t.first == term; });
    if (same != terms.end())
        same->second++;
    else
        terms.emplace_back(term, 1);
}

struct query_builder {
    const Xapian::Database &db;
    /* When set, a word that weighs in the match (alone, or in an AND, OR or
     * AND_MAYBE; not a word of a phrase, NEAR or wildcard, which need
     * Xapian's own leaves, nor one on the right of a FILTER or AND_NOT,
     * which weighs nothing) is an ng_bm25_term reading the lengths from
     * it: the same weights. */
    ng_length_table *table = nullptr;
    ng_bm25_params params{};
    /* When set, phrases, NEAR and ADJ are matched as the AND of their
     * words, filtered by where the words stand in the passages' forward
     * file (forward.h), rather than by Xapian's positions. */
    std::shared_ptr<const ng_forward_set> forward{};

    /* TERM, of query frequency WQF, WEIGHED or not by the match */
    Xapian::Query word(const std::string &term, Xapian::termcount wqf, bool weighed,
                       const std::shared_ptr<ng_phrase_leaves> &phrase = nullptr) const
    {
        if (table && weighed)
            return ng_bm25_term(term, wqf, table, params, phrase);
        return Xapian::Query(term, wqf);
    }

    /* The terms that may stand where a positional operand N (term,
     * wildcard) does */
    std::vector<std::string> slot(const ng_qnode_t *n) const
    {
        if (n->op == NG_Q_TERM)
            return {n->term};
        return expansion(n);
    }

    /* The leaf of a positional operand N whose terms are SLOT: the term,
     * or an OR of the terms a wildcard stands for; Xapian's NEAR and
     * PHRASE take no other. */
    static Xapian::Query leaf(const ng_qnode_t *n, const std::vector<std::string> &slot)
    {
        if (n->op == NG_Q_TERM)
            return Xapian::Query(n->term);
        return Xapian::Query(Xapian::Query::OP_OR, slot.begin(), slot.end());
    }

    /* LEAVES, whose terms are SLOTS, standing as KIND says within WINDOW
     * positions: Xapian's PHRASE or NEAR on its positions, or the AND of
     * the leaves (weighed alike) filtered through the forward file. */
    Xapian::Query positional(ng_sequence_kind kind, unsigned window, const std::vector<Xapian::Query> &leaves,
                             const std::vector<std::vector<std::string>> &slots,
                             const std::shared_ptr<ng_phrase_leaves> &phrase = nullptr) const
    {
        if (!forward)
            return Xapian::Query(kind == NG_SEQ_NEAR ? Xapian::Query::OP_NEAR : Xapian::Query::OP_PHRASE,
                                 leaves.begin(), leaves.end(), window);
        if (leaves.size() < 2) /* as Xapian makes a PHRASE or NEAR of one (or none) */
            return leaves.empty() ? Xapian::Query() : leaves[0];
        return Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(Xapian::Query::OP_AND, leaves.begin(), leaves.end()),
                             ng_sequence_filter(forward, kind, window, slots, phrase));
    }

    std::vector<std::string> expansion(const ng_qnode_t *n) const
    {
        if (!n->expanded)
            return wildcard_terms(db, n, NG_QUERY_MAX_EXPANSION);
        std::vector<std::string> terms;
        for (size_t i = 0; i < n->nkids; i++)
            terms.push_back(n->kids[i]->term);
        return terms;
    }

    /* NEAR and ADJ over words, phrases, wildcards and ORs of words. A phrase
     * operand lends its words to the window and must also occur as a phrase. */
    Xapian::Query proximity(const ng_qnode_t *n) const
    {
        std::vector<Xapian::Query> leaves, phrases;
        std::vector<std::vector<std::string>> slots;
        for (size_t i = 0; i < n->nkids; i++) {
            const ng_qnode_t *k = n->kids[i];
            if (k->op == NG_Q_PHRASE) {
                for (size_t j = 0; j < k->nkids; j++) {
                    slots.push_back(slot(k->kids[j]));
                    leaves.push_back(leaf(k->kids[j], slots.back()));
                }
                phrases.push_back(build(k));
            } else if (k->op == NG_Q_OR) {
                std::vector<Xapian::Query> alternatives;
                std::vector<std::string> any;
                for (size_t j = 0; j < k->nkids; j++) {
                    const std::vector<std::string> terms = slot(k->kids[j]);
                    alternatives.push_back(leaf(k->kids[j], terms));
                    any.insert(any.end(), terms.begin(), terms.end());
                }
                leaves.push_back(Xapian::Query(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end()));
                slots.push_back(std::move(any));
            } else {
                slots.push_back(slot(k));
                leaves.push_back(leaf(k, slots.back()));
            }
        }
        Xapian::Query q = positional(n->op == NG_Q_NEAR ? NG_SEQ_NEAR : NG_SEQ_ORDERED, n->window, leaves, slots);
        for (const Xapian::Query &phrase : phrases)
            q = Xapian::Query(Xapian::Query::OP_AND, q, phrase);
        return q;
    }

    /* id:ID, an article's id, or ID#N, its passage N: by the article's term
     * and the passage's number. (Older indexes also hold a term of each
     * passage, NG_PREFIX_PASSAGE; it is no longer written nor read.) */
    static Xapian::Query identity(const std::string &id)
    {
        Xapian::Query article(identity_term(NG_PREFIX_ARTICLE, id));
        const size_t hash = id.rfind('#');
        unsigned number;
        if (hash == std::string::npos || !passage_number(id.substr(hash + 1), &number))
            return article;
        return Xapian::Query(Xapian::Query::OP_OR, article, passage_query(id.substr(0, hash), number));
    }

    /* A term that only selects: it matches without adding to the score. */
    static Xapian::Query weightless(const Xapian::Query &q)
    {
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, 0.0);
    }

    /* N as a Xapian query, its words WEIGHED by the match or not (the right
     * side of a FILTER or AND_NOT weighs nothing) */
    Xapian::Query build(const ng_qnode_t *n, bool weighed = true) const
    {
        std::vector<Xapian::Query> kids;
        switch (n->op) {
        case NG_Q_TERM: return word(n->term, 1, weighed);
        case NG_Q_AND:
        case NG_Q_OR:
            if (n->nkids == 0) /* the identities: AND of nothing is everything */
                return n->op == NG_Q_AND ? Xapian::Query::MatchAll : Xapian::Query::MatchNothing;
            {
                /* A word said twice is one term of query frequency 2 (BM25's
                 * k3 weighs it), not two terms each weighed as said twice. */
                std::vector<std::pair<std::string, unsigned>> terms;
                for (size_t i = 0; i < n->nkids; i++) {
                    const ng_qnode_t *k = n->kids[i];
                    if (k->op != NG_Q_TERM) {
                        kids.push_back(build(k, weighed));
                        continue;
                    }
                    count_term(terms, k->term);
                }
                for (const auto &t : terms)
                    kids.push_back(word(t.first, t.second, weighed));
            }
            return Xapian::Query(n->op == NG_Q_AND ? Xapian::Query::OP_AND : Xapian::Query::OP_OR, kids.begin(),
                                 kids.end());
        case NG_Q_PHRASE: {
            /* Matched through the forward file, a phrase is an AND of its
             * words, which with the lengths table are ng_bm25_terms (a word
             * said twice twice, each of query frequency 1, as Xapian weighs
             * a phrase's leaves): each steps over the passages that weigh
             * too little, before the filter reads any of them. When the
             * phrase is all words that weigh, the filter also weighs a
             * passage by all of them before it reads the passage's words
             * (ng_phrase_leaves). */
            std::vector<std::vector<std::string>> slots;
            bool words = forward && table && weighed;
            for (size_t i = 0; i < n->nkids; i++)
                words = words && n->kids[i]->op == NG_Q_TERM;
            const auto phrase = words ? std::make_shared<ng_phrase_leaves>(n->nkids) : nullptr;
            for (size_t i = 0; i < n->nkids; i++) {
                const ng_qnode_t *k = n->kids[i];
                slots.push_back(slot(k));
                if (forward && table && k->op == NG_Q_TERM) {
                    kids.push_back(word(k->term, 1, weighed, phrase));
                } else {
                    kids.push_back(leaf(k, slots.back()));
                }
            }
            return positional(NG_SEQ_ORDERED, static_cast<unsigned>(kids.size()), kids, slots, phrase);
        }
        case NG_Q_AND_NOT:
        case NG_Q_AND_MAYBE:
        case NG_Q_FILTER:
            if (n->nkids != 2)
                break;
            return Xapian::Query(n->op == NG_Q_AND_NOT     ? Xapian::Query::OP_AND_NOT
                                 : n->op == NG_Q_AND_MAYBE ? Xapian::Query::OP_AND_MAYBE
                                                           : Xapian::Query::OP_FILTER,
                                 build(n->kids[0], weighed), build(n->kids[1], weighed && n->op == NG_Q_AND_MAYBE));
        case NG_Q_NEAR:
        case NG_Q_ADJ: return proximity(n);
        case NG_Q_WILDCARD: {
            /* one term for BM25, as Xapian's own OP_WILDCARD does it */
            std::vector<std::string> terms = expansion(n);
            return Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
        }
        case NG_Q_BOOLEAN: return weightless(Xapian::Query(n->term));
        case NG_Q_ID: return weightless(identity(n->term));
        case NG_Q_VALUE_RANGE: {
            const std::string lo(n->term ? n->term : ""), hi(n->term2 ? n->term2 : "");
            if (lo.empty() && hi.empty())
                return Xapian::Query::MatchAll;
            if (hi.empty())
                return Xapian::Query(Xapian::Query::OP_VALUE_GE, n->slot, lo);
            if (lo.empty())
                return Xapian::Query(Xapian::Query::OP_VALUE_LE, n->slot, hi);
            return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, n->slot, lo, hi);
        }
        }
        throw Xapian::InvalidArgumentError("malformed query node");
    }
};

/* The databases a stub at STORE's path lists, into STORE->shards; false
 * when one is not a folder on this machine (a remote one). */
static bool read_shards(ng_store_t *store)
{
    if (store->shards_read)
        return !store->shards.empty();
    store->shards_read = true;
    FILE *f = fopen((store->path + "/XAPIANDB").c_str(), "re");
    if (!f)
        return false;
    char line[4096];
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        std::string l(line);
        while (!l.empty() && (l.back() == '\n' || l.back() == '\r'))
            l.pop_back();
        if (l.empty() || l[0] == '#')
            continue;
        const size_t space = l.find(' ');
        const std::string kind = l.substr(0, space), where = space == std::string::npos ? "" : l.substr(space + 1);
        ok = (kind == "glass" || kind == "auto") && !where.empty();
        if (ok) {
            std::unique_ptr<ng_store::shard> sh(new ng_store::shard);
            sh->dir = where[0] == '/' ? where : store->path + "/" + where;
            try {
                sh->db = Xapian::Database(sh->dir);
                store->shards.push_back(std::move(sh));
            } catch (const Xapian::Error &) {
                ok = false;
            }
        }
    }
    fclose(f);
    if (!ok || store->shards.empty())
        store->shards.clear();
    return !store->shards.empty();
}

/* Where a match on DB, one of STORE's passages databases, reads where the
 * passages' words stand: their forward files (and their text for what
 * those lack); NULL for Xapian's positions, when POSITIONS says so, or a
 * database that lacks the files has them, or one is remote. */
static std::shared_ptr<const ng_forward_set> forward_of(ng_store_t *store, const Xapian::Database &db, int positions)
{
    if (positions == NG_POSITIONS_XAPIAN)
        return nullptr;
    auto set = std::make_shared<ng_forward_set>();
    set->text = text_words();
    auto add = [&set](const Xapian::Database &one, const std::string &dir, ng_forward_table &table) {
        const bool whole = table.bind(one, dir) && table.complete();
        if (!whole && one.has_positions())
            return false;
        set->tables.emplace_back(one.get_uuid(), &table);
        return true;
    };
    if (store->wdb || store->local) {
        if (!add(db, store->path, &db == store->db2 ? store->forward[1] : store->forward[0]))
            return nullptr;
        return set;
    }
    if (!read_shards(store))
        return nullptr;
    for (const std::unique_ptr<ng_store::shard> &sh : store->shards)
        if (!add(sh->db, sh->dir, sh->table))
            return nullptr;
    return set;
}

/* Does QUERY hold a phrase, NEAR or ADJ (which read where words stand)? */
static bool needs_word_order(const ng_qnode_t *query)
{
    if (query->op == NG_Q_PHRASE || query->op == NG_Q_NEAR || query->op == NG_Q_ADJ)
        return true;
    for (size_t i = 0; i < query->nkids; i++)
        if (needs_word_order(query->kids[i]))
            return true;
    return false;
}

/* forward_of, for QUERY: none (no file opened) when it needs none */
static std::shared_ptr<const ng_forward_set> forward_for(ng_store_t *store, const Xapian::Database &db,
                                                        const ng_qnode_t *query, int positions)
{
    return needs_word_order(query) ? forward_of(store, db, positions) : nullptr;
}

static Xapian::Query build_query(ng_store_t *store, const Xapian::Database &db, const ng_qnode_t *node,
                                 int positions = NG_POSITIONS_AUTO)
{
    query_builder b{db};
    b.forward = forward_for(store, db, node, positions);
    return b.build(node);
}

/* A query's failure: a too broad wildcard is the query's fault. */
static ng_status_t query_fail(ng_store_t *store)
{
    try {
        throw;
    } catch (const Xapian::WildcardError &e) {
        store->errmsg = e.get_msg();
        return NG_STATUS_BAD_QUERY;
    } catch (...) {
        return store_fail(store);
    }
}

static void expand_node(const Xapian::Database &db, ng_qnode_t *node, size_t max, const ng_qnode_t **too_broad)
{
    if (node->op == NG_Q_WILDCARD && !node->expanded) {
        std::vector<std::string> terms;
        try {
            terms = wildcard_terms(db, node, max);
        } catch (const Xapian::WildcardError &) {
            *too_broad = node;
            throw;
        }
        for (const std::string &t : terms) {
            ng_qnode_t *kid = ng_qnode_new_term(t.data(), t.size(), node->start, node->end);
            if (!kid || ng_qnode_add(node, kid) != 0)
                throw std::bad_alloc();
        }
        node->expanded = 1;
    }
    for (size_t i = 0; i < node->nkids; i++)
        expand_node(db, node->kids[i], max, too_broad);
}

extern "C" ng_status_t ng_store_expand_wildcards(ng_store_t *store, ng_qnode_t *query, size_t max,
                                                 const ng_qnode_t **too_broad)
{
    const ng_qnode_t *broad = NULL;
    if (too_broad)
        *too_broad = NULL;
    try {
        with_reopen(store, [&] { expand_node(*store->db, query, max, &broad); });
        return NG_STATUS_SUCCESS;
    } catch (...) {
        if (too_broad)
            *too_broad = broad;
        return query_fail(store);
    }
}

static void collect_match_term(void *ctx, const ng_qnode_t *term)
{
    static_cast<std::vector<std::string> *>(ctx)->push_back(term->term);
}

/* The weighting of every match: BM25 with the user's k1, b and least
 * normalised length, k2 0 (no correction for the query's length), k3 1. */
static Xapian::BM25Weight bm25(const ng_search_opts_t *opts)
{
    return Xapian::BM25Weight(opts->k1, 0, 1, opts->b, opts->min_normlen);
}

/* The table of lengths of DB, one of STORE's databases, ready to read; NULL
 * when Xapian is to read them (a writer, a stub, an index without one, or
 * OPTS say so). */
static ng_length_table *lengths_of(ng_store_t *store, const Xapian::Database &db, const ng_search_opts_t *opts)
{
    if (store->wdb || !store->local || opts->lengths == NG_LENGTHS_XAPIAN)
        return NULL;
    /* read one by one: a second thread may be setting db2 or adb2 */
    Xapian::Database *ng_store::*const handles[4] = {&ng_store::db, &ng_store::adb, &ng_store::db2, &ng_store::adb2};
    for (int i = 0; i < 4; i++)
        if (store->*handles[i] == &db) {
            ng_length_table &table = store->lengths[i];
            return table.bind(db, i % 2 ? articles_path(store->path) : store->path) ? &table : NULL;
        }
    return NULL;
}

/* The complete table of lengths of DB when QUERY is a phrase of words,
 * filtered or with words left out or not (weighted through ng_bm25_weight,
 * lengths.h); else NULL. */
static ng_length_table *phrase_lengths(ng_store_t *store, const Xapian::Database &db, const ng_qnode_t *query,
                                       const ng_search_opts_t *opts)
{
    while ((query->op == NG_Q_FILTER || query->op == NG_Q_AND_NOT) && query->nkids == 2)
        query = query->kids[0];
    if (query->op != NG_Q_PHRASE || query->nkids == 0)
        return NULL;
    for (size_t i = 0; i < query->nkids; i++)
        if (query->kids[i]->op != NG_Q_TERM)
            return NULL;
    ng_length_table *table = lengths_of(store, db, opts);
    return table && table->complete() ? table : NULL;
}

/* ENQUIRE weighted by BM25: through AT's table when scored_query gave it
 * one (a phrase of words), else by Xapian's BM25Weight. */
static void weigh(Xapian::Enquire &enquire, const ng_search_opts_t *opts, const ng_match_doc *at)
{
    if (at->table)
        enquire.set_weighting_scheme(ng_bm25_weight(ng_bm25_params{opts->k1, opts->b, opts->min_normlen}, at));
    else
        enquire.set_weighting_scheme(bm25(opts));
}

/* QUERY to be matched on DB: its words scored with the lengths kept by
 * the index (the same weights, faster: query_builder::table), or when it
 * is a phrase of words, ANDed with the tracker AT, its table set (see
 * weigh). */
static Xapian::Query scored_query(ng_store_t *store, const Xapian::Database &db, const ng_qnode_t *query,
                                  const ng_search_opts_t *opts, ng_match_doc *at)
{
    query_builder b{db};
    b.forward = forward_for(store, db, query, opts->positions);
    /* (a phrase matched through the forward file weighs its words itself) */
    if (!b.forward && (at->table = phrase_lengths(store, db, query, opts)) != NULL)
        return Xapian::Query(Xapian::Query::OP_AND, ng_track_doc(at), build_query(store, db, query, opts->positions));
    b.table = lengths_of(store, db, opts);
    b.params = ng_bm25_params{opts->k1, opts->b, opts->min_normlen};
    return b.build(query);
}

/* What an article document is matched by: the words that make a passage of
 * QUERY match, any of them (an empty query when there are none); on STORE's
 * database DB, scored with its lengths when it has them. */
static Xapian::Query article_query(ng_store_t *store, const Xapian::Database &db, const ng_qnode_t *query,
                                   const ng_search_opts_t *opts)
{
    std::vector<std::string> terms;
    ng_qnode_each_match_term(query, collect_match_term, &terms);
    if (terms.empty())
        return Xapian::Query();
    std::vector<std::pair<std::string, unsigned>> counted;
    for (const std::string &t : terms)
        count_term(counted, t.c_str());
    ng_length_table *table = lengths_of(store, db, opts);
    std::vector<Xapian::Query> leaves;
    /* a word twice is two leaves here: left to Xapian */
    if (table && counted.size() == terms.size()) {
        const ng_bm25_params params{opts->k1, opts->b, opts->min_normlen};
        for (const std::string &t : terms)
            leaves.push_back(ng_bm25_term(t, 1, table, params));
    } else {
        leaves.assign(terms.begin(), terms.end());
    }
    return Xapian::Query(Xapian::Query::OP_OR, leaves.begin(), leaves.end());
}

/* A filter of the documents IDS (sorted, distinct), read beforehand, so
 * that the match opens no posting list and gathers no statistics for it. */
class DocidSet : public Xapian::PostingSource
{
    std::vector<Xapian::docid> ids;
    size_t at = 0;
    bool started = false;

  public:
    explicit DocidSet(std::vector<Xapian::docid> ids_) : ids(std::move(ids_))
    {
    }
    Xapian::doccount get_termfreq_min() const override
    {
        return static_cast<Xapian::doccount>(ids.size());
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return static_cast<Xapian::doccount>(ids.size());
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return static_cast<Xapian::doccount>(ids.size());
    }
    void init(const Xapian::Database &) override
    {
        at = 0;
        started = false;
    }
    void next(double) override
    {
        if (started)
            at++;
        started = true;
    }
    void skip_to(Xapian::docid did, double) override
    {
        started = true;
        at = static_cast<size_t>(std::lower_bound(ids.begin() + static_cast<std::ptrdiff_t>(at), ids.end(), did) -
                                 ids.begin());
    }
    bool at_end() const override
    {
        return started && at >= ids.size();
    }
    Xapian::docid get_docid() const override
    {
        return ids[at];
    }
    Xapian::PostingSource *clone() const override
    {
        return new DocidSet(ids);
    }
    std::string get_description() const override
    {
        return "DocidSet";
    }
};

/* A filter of the documents of DB that hold the articles IDS: their
 * passages in the passages' database, their article documents in the
 * articles'. In one database (not a stub of several, whose sources a
 * PostingSource sees one at a time), their document ids are read here,
 * once, so that the match neither gathers statistics for the articles'
 * terms nor merges their posting lists (7-8% of an any-word query's time,
 * measured 2026-12-06). */
static Xapian::Query articles_filter(const Xapian::Database &db, const std::vector<std::string> &ids,
                                     std::map<Xapian::docid, std::string> *id_of = nullptr)
{
    if (db.size() != 1) {
        std::vector<Xapian::Query> terms;
        for (const std::string &id : ids)
            terms.emplace_back(identity_term(NG_PREFIX_ARTICLE, id));
        return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    }
    std::vector<Xapian::docid> dids;
    for (const std::string &id : ids) {
        const std::string term = identity_term(NG_PREFIX_ARTICLE, id);
        for (Xapian::PostingIterator p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
            dids.push_back(*p);
            if (id_of)
                (*id_of)[*p] = id;
        }
    }
    std::sort(dids.begin(), dids.end());
    dids.erase(std::unique(dids.begin(), dids.end()), dids.end());
    return Xapian::Query((new DocidSet(std::move(dids)))->release());
}

/* Above this many candidates, the articles are scored without a filter. */
static const size_t MAX_FILTERED_ARTICLES = 2000;

/* The whole-article BM25 scores of the articles IDS for the words that make a
 * passage of QUERY match, by article id; an article without its article
 * document scores 0. */
static std::map<std::string, double> article_scores(ng_store_t *store, const ng_qnode_t *query,
                                                    const ng_search_opts_t *opts, const std::vector<std::string> &ids)
{
    std::map<std::string, double> scores;
    Xapian::Query xq = article_query(store, *store->adb, query, opts);
    if (xq.empty() || ids.empty())
        return scores;
    const bool filtered = ids.size() <= MAX_FILTERED_ARTICLES;
    /* the articles' ids by document, as the filter finds them (a
     * document's id is not read again from its values) */
    std::map<Xapian::docid, std::string> id_of;
    if (filtered)
        xq = Xapian::Query(Xapian::Query::OP_FILTER, xq, articles_filter(*store->adb, ids, &id_of));
    Xapian::Enquire enquire(*store->adb);
    enquire.set_query(xq);
    enquire.set_weighting_scheme(bm25(opts));
    Xapian::MSet mset =
        enquire.get_mset(0, filtered ? static_cast<Xapian::doccount>(ids.size()) : store->adb->get_doccount());
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
        auto known = id_of.find(*it);
        scores[known != id_of.end() ? known->second : it.get_document().get_value(NG_SLOT_ARTICLE)] =
            it.get_weight();
    }
    return scores;
}

/* A hit before its strings are pointed at. */
struct candidate {
    double score;
    Xapian::docid docid;
    std::string id;
};

/* Append the hits of MSET to C, with their article ids when COLLAPSED. */
static void append_hits(const Xapian::MSet &mset, bool collapsed, std::vector<candidate> &c)
{
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
        c.push_back(candidate{it.get_weight(), *it, collapsed ? it.get_collapse_key() : std::string()});
}

/* Drop the first OFFSET hits of C (those before the page asked for). */
static void skip_hits(std::vector<candidate> &c, size_t offset)
{
    c.erase(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(std::min(offset, c.size())));
}

/* Order the re-ranked candidates C best first (stable: equal scores keep the
 * order of their passages) and keep the page of hits OFFSET .. WANT. */
static void page(std::vector<candidate> &c, size_t want, size_t offset)
{
    std::stable_sort(c.begin(), c.end(), [](const candidate &x, const candidate &y) { return x.score > y.score; });
    if (c.size() > want)
        c.resize(want);
    skip_hits(c, offset);
}

/* A filter of the document ids LO .. HI. It claims to match every document,
 * so that the query it filters drives the match (a posting list shorter than
 * the range would otherwise be skipped through for every id in it), and it
 * skips in constant time. */
class DocidRange : public Xapian::PostingSource
{
    Xapian::docid lo, hi, at = 0;
    Xapian::doccount all = 0;

  public:
    DocidRange(Xapian::docid lo_, Xapian::docid hi_) : lo(lo_), hi(hi_)
    {
    }
    Xapian::doccount get_termfreq_min() const override
    {
        return 0;
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return all;
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return all;
    }
    void init(const Xapian::Database &db) override
    {
        at = 0;
        all = db.get_doccount();
    }
    void next(double) override
    {
        at = at ? at + 1 : lo;
    }
    void skip_to(Xapian::docid did, double) override
    {
        at = std::max({did, at, lo});
    }
    bool at_end() const override
    {
        return at > hi;
    }
    Xapian::docid get_docid() const override
    {
        return at;
    }
    Xapian::PostingSource *clone() const override
    {
        return new DocidRange(lo, hi);
    }
    std::string get_description() const override
    {
        return "DocidRange";
    }
};

/* About how many postings matching NODE walks: those of its rarest required
 * term, or of all its alternatives. Only says whether a match is worth two
 * threads. */
static Xapian::doccount match_cost(const Xapian::Database &db, const ng_qnode_t *n)
{
    switch (n->op) {
    case NG_Q_TERM:
    case NG_Q_BOOLEAN: return db.get_termfreq(n->term);
    case NG_Q_OR:
    case NG_Q_WILDCARD: {
        Xapian::doccount sum = 0;
        for (size_t i = 0; i < n->nkids; i++)
            sum += match_cost(db, n->kids[i]);
        return n->op == NG_Q_WILDCARD && !n->expanded ? db.get_doccount() : sum;
    }
    case NG_Q_AND:
    case NG_Q_PHRASE:
    case NG_Q_NEAR:
    case NG_Q_ADJ:
    case NG_Q_FILTER: {
        Xapian::doccount least = db.get_doccount();
        for (size_t i = 0; i < n->nkids; i++)
            least = std::min(least, match_cost(db, n->kids[i]));
        return least;
    }
    case NG_Q_AND_NOT:
    case NG_Q_AND_MAYBE: return n->nkids ? match_cost(db, n->kids[0]) : 0;
    case NG_Q_ID: return 0;
    case NG_Q_VALUE_RANGE: return db.get_doccount();
    }
    return 0;
}

/* From this many postings on, a match runs in two threads, one per half of
 * the document ids: below, starting the second thread costs more than it
 * saves (bench/queries.tsv matched by Xapian alone on the 500 MB benchmark
 * index: of the 117 queries at or above it, two threads were faster for
 * 108). */
static const Xapian::doccount SPLIT_MIN_POSTINGS = 5000;

/* Is a match worth two threads, with COST() postings against MIN? */
template <typename Cost>
static bool worth_splitting(ng_store_t *store, const ng_search_opts_t *opts, Cost cost, Xapian::doccount min)
{
    if (store->wdb || !store->local || opts->split == NG_SPLIT_NEVER)
        return false;
    if (opts->split == NG_SPLIT_ALWAYS)
        return true;
    static const unsigned cores = std::thread::hardware_concurrency();
    return cores >= 2 && cost() >= min;
}

/* Move THREAD, just started, off the CPU this thread runs on. Left to
 * itself, Linux queues a new thread where its parent runs and moves it only
 * at the next balancing tick: 3.7-4.1 ms later in 3 of 6 runs of one query
 * here, when each half of its match takes 6. */
static void start_elsewhere(std::thread &thread)
{
#if defined(HAVE_PTHREAD_SETAFFINITY_NP) && defined(HAVE_SCHED_GETCPU)
    cpu_set_t cpus;
    const int here = sched_getcpu();
    if (here < 0 || sched_getaffinity(0, sizeof cpus, &cpus) != 0 || !CPU_ISSET(here, &cpus) || CPU_COUNT(&cpus) < 2)
        return;
    CPU_CLR(here, &cpus);
    pthread_setaffinity_np(thread.native_handle(), sizeof cpus, &cpus);
#else
    (void)thread;
#endif
}

/* One thread's half of a split match: its hits and estimates, or what it
 * threw. */
struct half_match {
    std::vector<candidate> hits;
    Xapian::doccount lower = 0, upper = 0, estimated = 0;
    std::exception_ptr error;
    void count(const Xapian::MSet &mset)
    {
        lower = mset.get_matches_lower_bound();
        upper = mset.get_matches_upper_bound();
        estimated = mset.get_matches_estimated();
    }
};

/* Run MATCH(db, lo, hi, half) over the two halves of the document ids of
 * ONE, the database at PATH: the first half here, the second in a thread
 * of its own through *AGAIN, PATH opened a second time (by that thread, so
 * that opening it costs no time here) at ONE's revision; put their best
 * WANT hits into C in Xapian's order (by score, then by document id), the
 * first of an article's when UNIQUE, and the match's estimate into
 * *ESTIMATE. When *AGAIN cannot be had at ONE's revision (a writer
 * committed, or another index took PATH's place), this thread matches the
 * second half too, through ONE. False when the match cannot be split. */
template <typename Match>
static bool in_two_halves(Xapian::Database *one, const std::string &path, Xapian::Database **again, Match match,
                          bool unique, size_t want, unsigned long *estimate, std::vector<candidate> &c)
{
    const Xapian::docid last = one->get_lastdocid(), mid = last / 2;
    if (mid == 0)
        return false;
    const std::string uuid = one->get_uuid();
    const Xapian::rev rev = one->get_revision();
    half_match half[2];
    bool elsewhere = false;
    auto run = [&](const Xapian::Database *db, Xapian::docid lo, Xapian::docid hi, half_match *out) {
        try {
            match(*db, lo, hi, *out);
        } catch (...) {
            out->error = std::current_exception();
        }
    };
    auto second_half = [&] {
        try {
            if (!*again)
                *again = new Xapian::Database(path);
            else if ((*again)->get_revision() != rev)
                (*again)->reopen();
            elsewhere = (*again)->get_uuid() == uuid && (*again)->get_revision() == rev;
        } catch (...) {
            return; /* the first thread matches it */
        }
        if (elsewhere)
            run(*again, mid + 1, last, &half[1]);
    };
    std::thread second;
    try {
        second = std::thread(second_half);
    } catch (const std::system_error &) {
        return false; /* no thread to be had: one will do */
    }
    start_elsewhere(second);
    run(one, 1, mid, &half[0]);
    second.join();
    if (!elsewhere)
        run(one, mid + 1, last, &half[1]);
    for (const half_match &h : half)
        if (h.error)
            std::rethrow_exception(h.error);
    *estimate = 0;
    c.clear();
    for (half_match &h : half) {
        /* the range claims every document, so a half's estimate from the
         * terms' statistics stands for the whole index: halve it */
        *estimate += h.lower == h.upper ? h.lower : std::max<Xapian::doccount>(h.lower, h.estimated / 2);
        std::move(h.hits.begin(), h.hits.end(), std::back_inserter(c));
    }
    std::sort(c.begin(), c.end(), [](const candidate &x, const candidate &y) {
        return x.score > y.score || (x.score == y.score && x.docid < y.docid);
    });
    if (unique) {
        /* an article both halves hold keeps its better passage, the first */
        std::vector<candidate> kept;
        std::set<std::string> seen;
        for (candidate &cand : c)
            if (seen.insert(cand.id).second)
                kept.push_back(std::move(cand));
        c.swap(kept);
    }
    if (c.size() > want)
        c.resize(want);
    return true;
}

/* The query of a half: Q filtered by the document ids LO .. HI. */
static Xapian::Query in_range(const Xapian::Query &q, Xapian::docid lo, Xapian::docid hi)
{
    return Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query((new DocidRange(lo, hi))->release()));
}

/* The best WANT hits of QUERY by score (the best passage of each article
 * when COLLAPSED) into C, as one Enquire over the whole index gives them,
 * found by two threads each over half of the document ids, each with its
 * own database handle and query objects (Xapian's reference counts are not
 * atomic). False when the match cannot be split. */
static bool split_match(ng_store_t *store, const ng_qnode_t *query, const ng_search_opts_t *opts, bool collapsed,
                        size_t want, unsigned long *estimate, std::vector<candidate> &c)
{
    auto match = [&](const Xapian::Database &db, Xapian::docid lo, Xapian::docid hi, half_match &out) {
        ng_match_doc at;
        Xapian::Enquire enquire(db);
        enquire.set_query(in_range(scored_query(store, db, query, opts, &at), lo, hi));
        weigh(enquire, opts, &at);
        if (collapsed)
            enquire.set_collapse_key(NG_SLOT_ARTICLE, 1);
        const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(want));
        out.count(mset);
        append_hits(mset, collapsed, out.hits);
    };
    return in_two_halves(store->db, store->path, &store->db2, match, collapsed, want, estimate, c);
}

/* The best WANT hits of ENQUIRE's query, QUERY, by score: in two threads
 * when that is worth it. */
static std::vector<candidate> best_hits(ng_store_t *store, Xapian::Enquire &enquire, const ng_qnode_t *query,
                                        const ng_search_opts_t *opts, bool collapsed, size_t want,
                                        unsigned long *estimate)
{
    /* no more than there are passages: get_mset takes a 32-bit count, and
     * --offset + -n can pass 2^32 */
    want = std::min<size_t>(want, store->db->get_doccount());
    std::vector<candidate> c;
    auto cost = [&] { return match_cost(*store->db, query); };
    if (worth_splitting(store, opts, cost, SPLIT_MIN_POSTINGS) &&
        split_match(store, query, opts, collapsed, want, estimate, c))
        return c;
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(want));
    *estimate = mset.get_matches_estimated();
    append_hits(mset, collapsed, c);
    return c;
}

/* Rank articles by their article score plus the weighted score of their best
 * passage: the best passages of the leading articles (by passage score) are
 * the candidates, re-ranked by the combined score. */
static std::vector<candidate> combined_ranking(ng_store_t *store, Xapian::Enquire &enquire, const ng_qnode_t *query,
                                               const ng_search_opts_t *opts, unsigned long *estimate)
{
    const size_t total = store->db->get_doccount();
    size_t want = std::min(opts->offset + std::min(opts->limit, total), total);
    size_t pool = std::min(total, want + std::max<size_t>(20, 2 * want));
    std::vector<candidate> c = best_hits(store, enquire, query, opts, true, pool, estimate);
    std::vector<std::string> ids;
    for (const candidate &cand : c)
        ids.push_back(cand.id);
    const std::map<std::string, double> art = article_scores(store, query, opts, ids);
    for (candidate &cand : c) {
        auto found = art.find(cand.id);
        double a = found == art.end() ? 0 : found->second;
        cand.score = opts->rank == NG_RANK_ARTICLE ? a : a + opts->passage_weight * cand.score;
    }
    page(c, want, opts->offset);
    return c;
}

/* Is QUERY words that any may match (one word, or an OR of words; no field,
 * whose prefixed terms are the passages' only)? Then an article has a
 * matching passage exactly when its text has one of them. */
static bool any_word(const ng_qnode_t *query)
{
    auto word = [](const ng_qnode_t *n) { return n->op == NG_Q_TERM && !std::isupper((unsigned char)n->term[0]); };
    if (query->op != NG_Q_OR)
        return word(query);
    for (size_t i = 0; i < query->nkids; i++)
        if (!word(query->kids[i]))
            return false;
    return query->nkids > 0;
}

/* About how many postings an any-word match of QUERY walks: its word's, or
 * of several words, those of all but the most common (which Xapian leaves
 * to be matched only where the others are, once the best hits score more
 * than it alone could). */
static Xapian::doccount any_word_cost(const Xapian::Database &db, const ng_qnode_t *query)
{
    std::vector<std::string> terms;
    ng_qnode_each_match_term(query, collect_match_term, &terms);
    Xapian::doccount sum = 0, most = 0;
    for (const std::string &t : terms) {
        const Xapian::doccount n = db.get_termfreq(t);
        sum += n;
        most = std::max(most, n);
    }
    return terms.size() > 1 ? sum - most : sum;
}

/* From this many postings on (any_word_cost), the articles' match of an
 * any-word query runs in two threads. Measured on the 500 MB benchmark
 * index (bench/queries.tsv, its 46 any-word queries, taking turns, 2 x 9
 * runs, 2026-12-06): from 10,000 on, two threads were 5-10% faster at the
 * median of each band of cost; from 4,000 to 10,000, 5-8% slower (one
 * build, the threshold set both ways), where waking the second processor
 * of this VM took 10 to 70 us at the median from one minute to the next.
 * (On 2026-12-02 two threads paid from 4,000 on.) */
static const Xapian::doccount ANY_SPLIT_MIN_POSTINGS = 10000;

/* The best WANT articles by their article score for the words of QUERY,
 * with their ids; in two threads when that is worth it. */
static std::vector<candidate> best_articles(ng_store_t *store, const ng_qnode_t *query, const ng_search_opts_t *opts,
                                            size_t want, unsigned long *estimate)
{
    std::vector<candidate> c;
    /* the articles LO .. HI (all of them when HI is 0) */
    auto match = [&](const Xapian::Database &db, Xapian::docid lo, Xapian::docid hi, half_match &out) {
        Xapian::Enquire enquire(db);
        enquire.set_query(hi ? in_range(article_query(store, db, query, opts), lo, hi)
                             : article_query(store, db, query, opts));
        enquire.set_weighting_scheme(bm25(opts));
        const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(want));
        out.count(mset);
        for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
            out.hits.push_back(candidate{it.get_weight(), *it, it.get_document().get_value(NG_SLOT_ARTICLE)});
    };
    auto cost = [&] { return any_word_cost(*store->adb, query); };
    if (worth_splitting(store, opts, cost, ANY_SPLIT_MIN_POSTINGS) &&
        in_two_halves(store->adb, articles_path(store->path), &store->adb2, match, false, want, estimate, c))
        return c;
    half_match whole;
    match(*store->adb, 1, 0, whole);
    *estimate = whole.estimated;
    return whole.hits;
}

/* The combined ranking of an any-word query, articles first: the leading
 * articles by their article score are the candidates (the article score
 * dominates the combined one), and their best passages are found among
 * theirs alone. Faster than finding the best passages of all articles
 * first, as combined_ranking does; the same scores. An article whose title
 * alone has the words has no passage to show: the pool grows until enough
 * candidates have one, or there are no more. False when that would take
 * more than MAX_FILTERED_ARTICLES candidates. */
static bool article_first_ranking(ng_store_t *store, const Xapian::Query &xq, const ng_qnode_t *query,
                                  const ng_search_opts_t *opts, unsigned long *estimate, std::vector<candidate> &c)
{
    const size_t want = opts->offset + opts->limit;
    for (size_t pool = want + std::max<size_t>(20, 2 * want);; pool *= 2) {
        if (pool > MAX_FILTERED_ARTICLES)
            return false; /* too many to look for their passages by id */
        const std::vector<candidate> top = best_articles(store, query, opts, pool, estimate);
        std::map<std::string, double> score;
        std::vector<std::string> ids;
        for (const candidate &art : top) {
            score[art.id] = art.score;
            ids.push_back(art.id);
        }
        Xapian::Enquire passages(*store->db);
        passages.set_query(Xapian::Query(Xapian::Query::OP_FILTER, xq, articles_filter(*store->db, ids)));
        passages.set_weighting_scheme(bm25(opts));
        passages.set_collapse_key(NG_SLOT_ARTICLE, 1);
        Xapian::MSet best = passages.get_mset(0, static_cast<Xapian::doccount>(top.size()));
        c.clear();
        for (Xapian::MSetIterator it = best.begin(); it != best.end(); ++it) {
            const double a = score[it.get_collapse_key()];
            c.push_back(candidate{opts->rank == NG_RANK_ARTICLE ? a : a + opts->passage_weight * it.get_weight(), *it,
                                  it.get_collapse_key()});
        }
        if (c.size() >= want || top.size() < pool)
            break;
    }
    page(c, want, opts->offset);
    return true;
}

extern "C" ng_status_t ng_store_search(ng_store_t *store, const ng_qnode_t *query, const ng_search_opts_t *opts,
                                       ng_results_t **out)
{
    *out = NULL;
    ng_results_t *results = NULL;
    try {
        results = new ng_results;
        with_reopen(store, [&] {
            ng_match_doc at;
            const Xapian::Query xq = scored_query(store, *store->db, query, opts, &at);
            Xapian::Enquire enquire(*store->db);
            enquire.set_query(xq);
            weigh(enquire, opts, &at);
            const bool collapsed = !opts->all_passages;
            if (collapsed)
                enquire.set_collapse_key(NG_SLOT_ARTICLE, 1);
            const bool by_date = opts->sort == NG_SORT_DATE || opts->sort == NG_SORT_DATE_DESC;
            if (by_date)
                enquire.set_sort_by_value_then_relevance(NG_SLOT_DATE, opts->sort == NG_SORT_DATE_DESC);
            std::vector<candidate> hits;
            const bool combined = collapsed && !by_date && opts->rank != NG_RANK_PASSAGE && store->adb;
            const bool ranked = combined && any_word(query) && !store->articles_missing &&
                                article_first_ranking(store, xq, query, opts, &results->estimate, hits);
            if (!ranked && combined) {
                hits = combined_ranking(store, enquire, query, opts, &results->estimate);
            } else if (!ranked && by_date) {
                Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(opts->offset),
                                                     static_cast<Xapian::doccount>(opts->limit));
                results->estimate = mset.get_matches_estimated();
                append_hits(mset, collapsed, hits);
            } else if (!ranked) {
                hits =
                    best_hits(store, enquire, query, opts, collapsed, opts->offset + opts->limit, &results->estimate);
                skip_hits(hits, opts->offset);
            }
            results->data.clear();
            results->ids.clear();
            results->hits.clear();
            for (const candidate &cand : hits) {
                if (opts->ids_only && collapsed) {
                    results->data.emplace_back();
                    results->ids.push_back(cand.id);
                } else {
                    Xapian::Document doc = store->db->get_document(cand.docid);
                    results->data.push_back(opts->ids_only ? std::string() : doc.get_data());
                    /* a collapsed hit has its article id already */
                    results->ids.push_back(collapsed ? cand.id : doc.get_value(NG_SLOT_ARTICLE));
                }
                ng_hit_t hit;
                hit.score = cand.score;
                hit.docid = cand.docid;
                hit.data = NULL;
                hit.data_len = 0;
                hit.article_id = NULL;
                hit.article_id_len = 0;
                results->hits.push_back(hit);
            }
        });
        /* Point the hits at their strings only now that the vectors stopped growing. */
        for (size_t i = 0; i < results->hits.size(); i++) {
            if (!opts->ids_only) {
                results->hits[i].data = results->data[i].data();
                results->hits[i].data_len = results->data[i].size();
            }
            results->hits[i].article_id = results->ids[i].data();
            results->hits[i].article_id_len = results->ids[i].size();
        }
        *out = results;
        return NG_STATUS_SUCCESS;
    } catch (...) {
        delete results;
        return query_fail(store);
    }
}

extern "C" ng_status_t ng_store_count(ng_store_t *store, const ng_qnode_t *query, unsigned long *passages,
                                      unsigned long *articles)
{
    *passages = *articles = 0;
    try {
        with_reopen(store, [&] {
            Xapian::Enquire enquire(*store->db);
            enquire.set_query(build_query(store, *store->db, query));
            enquire.set_weighting_scheme(Xapian::BoolWeight());
            Xapian::ValueCountMatchSpy spy(NG_SLOT_ARTICLE);
            enquire.add_matchspy(&spy);
            /* checking every document makes the spy see every match */
            enquire.get_mset(0, 0, store->db->get_doccount());
            unsigned long n = 0;
            for (Xapian::TermIterator v = spy.values_begin(); v != spy.values_end(); ++v)
                n++;
            *passages = spy.get_total();
            *articles = n;
        });
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return query_fail(store);
    }
}

struct ng_timeline {
    std::vector<std::pair<std::string, unsigned long>> periods;
};

extern "C" ng_status_t ng_store_timeline(ng_store_t *store, const ng_qnode_t *query, int all_passages, size_t digits,
                                         ng_timeline_t **out)
{
    *out = NULL;
    ng_timeline_t *timeline = NULL;
    try {
        timeline = new ng_timeline;
        with_reopen(store, [&] {
            std::map<std::string, unsigned long> counts;
            const Xapian::doccount all = store->db->get_doccount();
            Xapian::Enquire enquire(*store->db);
            enquire.set_query(build_query(store, *store->db, query));
            enquire.set_weighting_scheme(Xapian::BoolWeight());
            if (all_passages) {
                /* the spy sees every matching passage; those without a date have no value */
                Xapian::ValueCountMatchSpy spy(NG_SLOT_DATE);
                enquire.add_matchspy(&spy);
                enquire.get_mset(0, 0, all);
                unsigned long dated = 0;
                for (Xapian::TermIterator v = spy.values_begin(); v != spy.values_end(); ++v) {
                    counts[(*v).substr(0, digits)] += v.get_termfreq();
                    dated += v.get_termfreq();
                }
                if (spy.get_total() > dated)
                    counts[""] += spy.get_total() - dated;
            } else {
                /* A match spy sees the passages before collapsing, so it
                 * would count passages: count the collapsed hits instead. */
                enquire.set_collapse_key(NG_SLOT_ARTICLE, 1);
                enquire.set_docid_order(Xapian::Enquire::ASCENDING);
                Xapian::MSet mset = enquire.get_mset(0, all, all);
                for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
                    counts[it.get_document().get_value(NG_SLOT_DATE).substr(0, digits)]++;
            }
            timeline->periods.assign(counts.begin(), counts.end());
            /* the map sorts the undated ("") first; they go last */
            if (!timeline->periods.empty() && timeline->periods.front().first.empty())
                std::rotate(timeline->periods.begin(), timeline->periods.begin() + 1, timeline->periods.end());
        });
        *out = timeline;
        return NG_STATUS_SUCCESS;
    } catch (...) {
        delete timeline;
        return query_fail(store);
    }
}

extern "C" size_t ng_timeline_size(const ng_timeline_t *timeline)
{
    return timeline->periods.size();
}

extern "C" const char *ng_timeline_get(const ng_timeline_t *timeline, size_t i, unsigned long *count)
{
    *count = timeline->periods[i].second;
    return timeline->periods[i].first.c_str();
}

extern "C" void ng_timeline_destroy(ng_timeline_t *timeline)
{
    delete timeline;
}

extern "C" ng_status_t ng_store_get_passage(ng_store_t *store, const char *article_id, unsigned number, ng_buf_t *data)
{
    ng_buf_clear(data);
    try {
        bool found = false;
        std::string record;
        with_reopen(store, [&] {
            Xapian::Enquire enquire(*store->db);
            enquire.set_query(passage_query(article_id, number));
            enquire.set_weighting_scheme(Xapian::BoolWeight());
            Xapian::MSet mset = enquire.get_mset(0, 1);
            found = !mset.empty();
            if (found)
                record = mset.begin().get_document().get_data();
        });
        if (!found)
            return NG_STATUS_END;
        return ng_buf_append(data, record.data(), record.size()) == 0 ? NG_STATUS_SUCCESS : NG_STATUS_OUT_OF_MEMORY;
    } catch (...) {
        return store_fail(store);
    }
}

extern "C" size_t ng_results_count(const ng_results_t *results)
{
    return results->hits.size();
}

extern "C" const ng_hit_t *ng_results_get(const ng_results_t *results, size_t i)
{
    return &results->hits[i];
}

extern "C" unsigned long ng_results_estimate(const ng_results_t *results)
{
    return results->estimate;
}

extern "C" void ng_results_destroy(ng_results_t *results)
{
    delete results;
}

extern "C" void ng_store_keep_positions(void)
{
    keep_positions = true;
}

extern "C" ng_status_t ng_store_open_writer(const char *path, int flags, ng_store_t **out, char **errmsg)
{
    ng_store_t *store = NULL;
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    try {
        store = new_store(path);
        int xflags = (flags & NG_STORE_MUST_EXIST) ? Xapian::DB_OPEN : Xapian::DB_CREATE_OR_OPEN;
        if (flags & NG_STORE_BULK) {
            store->bulk = true;
            xflags = Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_DANGEROUS | Xapian::DB_NO_SYNC;
        }
        if (flags & NG_STORE_WAIT_LOCK)
            xflags |= Xapian::DB_RETRY_LOCK;
        store->positions = (flags & NG_STORE_POSITIONS) != 0 || keep_positions;
        open_writable(store, xflags);
        *out = store;
        return NG_STATUS_SUCCESS;
    } catch (...) {
        ng_status_t status = message_fail(errmsg);
        delete_store(store);
        return status;
    }
}

/* Compact the indexes at PATHS, in order, into DEST: their passages and
 * their article documents. */
static void compact_into(const std::vector<std::string> &paths, const char *dest)
{
    Xapian::Database passages, articles;
    for (const std::string &path : paths) {
        passages.add_database(Xapian::Database(path));
        articles.add_database(Xapian::Database(articles_path(path)));
    }
    /* The articles in a thread of their own, beside the passages: they take
     * about 40% of the passages' time (4.3 against 11.0 s for the 500 MB
     * benchmark index), and each compaction keeps one CPU busy. */
    if (mkdir(dest, 0777) != 0 && errno != EEXIST) /* the articles' folder goes inside */
        throw Xapian::DatabaseCreateError(std::string("cannot create ") + dest, errno);
    std::exception_ptr error;
    auto compact_articles = [&] {
        try {
            articles.compact(articles_path(dest));
        } catch (...) {
            error = std::current_exception();
        }
    };
    std::thread beside;
    try {
        beside = std::thread(compact_articles);
    } catch (const std::system_error &) {
        compact_articles(); /* no thread to be had: one after the other */
    }
    {
        /* joined however the passages' compaction ends */
        struct joiner {
            std::thread &thread;
            ~joiner()
            {
                if (thread.joinable())
                    thread.join();
            }
        } join{beside};
        passages.compact(dest);
    }
    if (error)
        std::rethrow_exception(error);
}

/* In DEST, made by compacting databases in order (SOURCES, perhaps after
 * others), keep only the latest version of each article: the version of the
 * last of SOURCES that holds it, whose passages (or article document) are the
 * last postings of the article's term; the earlier ones go. Nothing is
 * written when no article is in DEST twice. */
static void drop_older(Xapian::WritableDatabase &dest, const std::vector<Xapian::Database> &sources)
{
    std::vector<Xapian::docid> older;
    for (size_t i = 0; i < sources.size(); i++) {
        const Xapian::Database &src = sources[i];
        for (Xapian::TermIterator t = src.allterms_begin(NG_PREFIX_ARTICLE); t != src.allterms_end(NG_PREFIX_ARTICLE);
             ++t) {
            const Xapian::doccount keep = t.get_termfreq(), have = dest.get_termfreq(*t);
            if (have <= keep || std::any_of(sources.begin() + static_cast<std::ptrdiff_t>(i) + 1, sources.end(),
                                            [&](const Xapian::Database &later) { return later.term_exists(*t); }))
                continue; /* no older version, or a later source has the latest */
            Xapian::PostingIterator p = dest.postlist_begin(*t);
            for (Xapian::doccount n = 0; n < have - keep; n++, ++p)
                older.push_back(*p);
        }
    }
    for (Xapian::docid did : older)
        dest.delete_document(did);
    if (!older.empty())
        dest.commit();
}

/* Compact PATHS, in order, into DEST, keeping the latest version of an
 * article that several of PATHS from the FIRST on hold (an article of those
 * also replaces the one of an earlier path). */
static void compact_latest(const std::vector<std::string> &paths, size_t first, const char *dest)
{
    compact_into(paths, dest);
    Xapian::WritableDatabase wpassages(dest, Xapian::DB_OPEN), warticles(articles_path(dest), Xapian::DB_OPEN);
    std::vector<Xapian::Database> passages, articles;
    for (size_t i = first; i < paths.size(); i++) {
        passages.emplace_back(paths[i]);
        articles.emplace_back(articles_path(paths[i]));
    }
    drop_older(warticles, articles);
    drop_older(wpassages, passages);
    /* the documents are numbered anew: their lengths too */
    ng_lengths_write(warticles, articles_path(dest), true);
    ng_lengths_write(wpassages, dest, true);
    ng_forward_merge(paths, wpassages, dest, text_words());
}

extern "C" ng_status_t ng_store_compact(const char *const *sources, size_t n, const char *dest, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    try {
        compact_latest(std::vector<std::string>(sources, sources + n), 0, dest);
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return message_fail(errmsg);
    }
}

extern "C" ng_status_t ng_store_compact_onto(const char *base, const char *const *sources, size_t n, const char *dest,
                                             char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    try {
        /* compact BASE first and the sources after it, so that the newer
         * version of an article is the one with the higher document ids */
        std::vector<std::string> paths{base};
        paths.insert(paths.end(), sources, sources + n);
        compact_latest(paths, 1, dest);
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return message_fail(errmsg);
    }
}

extern "C" ng_status_t ng_store_list_metadata(ng_store_t *store, const char *prefix,
                                              int (*fn)(void *ctx, const char *key, const char *value), void *ctx)
{
    try {
        std::vector<std::pair<std::string, std::string>> items;
        /* A writer may commit while we read: reopen and read again. */
        for (int attempt = 0;; attempt++) {
            try {
                items.clear();
                for (Xapian::TermIterator it = store->db->metadata_keys_begin(prefix);
                     it != store->db->metadata_keys_end(prefix); ++it)
                    items.emplace_back(*it, store->db->get_metadata(*it));
                break;
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt == 3)
                    throw;
                store->db->reopen();
            }
        }
        /* FN says when to stop */
        (void)std::any_of(items.begin(), items.end(), [&](const std::pair<std::string, std::string> &item) {
            return fn(ctx, item.first.c_str(), item.second.c_str()) != 0;
        });
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return store_fail(store);
    }
}
