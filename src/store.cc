/* The store of store.h over xapian-core: the only C++ and the only <xapian.h>
 * in newsgrep. Every exported function catches everything it may throw. */
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include <xapian.h>

#include "store.h"

struct ng_store {
    Xapian::Database *db;          /* the database read from (== wdb when writing) */
    Xapian::WritableDatabase *wdb; /* NULL when read-only */
    std::string path;
    std::string errmsg;
};

struct ng_doc {
    Xapian::Document doc;
};

struct ng_results {
    std::vector<std::string> data;
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
            store = new ng_store;
            store->db = NULL;
            store->wdb = NULL;
            store->path = path;
            if (mode == NG_STORE_WRITE) {
                /* Small batches are both faster and leaner on xapian-core 1.4. */
                setenv("XAPIAN_FLUSH_THRESHOLD", "2000", 0);
                store->wdb = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
                store->db = store->wdb;
                /* One transaction per commit: a crash leaves the last commit. */
                store->wdb->begin_transaction(true);
            } else {
                try {
                    store->db = new Xapian::Database(path);
                } catch (const Xapian::DatabaseNotFoundError &e) {
                    /* something is there, but no index */
                    throw Xapian::DatabaseOpeningError(e.get_msg(), e.get_context());
                }
                /* An empty file opens as a stub database listing no shard. */
                if (store->db->size() == 0)
                    throw Xapian::DatabaseOpeningError("not a Xapian index", path);
            }
            *out = store;
            return NG_STATUS_SUCCESS;
        }
    } catch (...) {
        try {
            status = current_exception_status(msg);
        } catch (...) {
            status = NG_STATUS_OUT_OF_MEMORY;
        }
        if (store) {
            delete store->wdb;
            if (!store->wdb)
                delete store->db;
            delete store;
        }
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
        if (store->wdb) {
            try {
                store->wdb->cancel_transaction();
            } catch (const Xapian::Error &) {
            }
            delete store->wdb;
        } else {
            delete store->db;
        }
    } catch (...) {
    }
    delete store;
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
    } catch (...) {
    }
}

ng_status_t ng_doc_add_posting(ng_doc_t *doc, const char *term, size_t len, unsigned pos)
{
    try {
        doc->doc.add_posting(std::string(term, len), pos);
        return NG_STATUS_SUCCESS;
    } catch (...) {
        return bare_fail();
    }
}

ng_status_t ng_doc_add_term(ng_doc_t *doc, const char *term, size_t len)
{
    try {
        doc->doc.add_term(std::string(term, len));
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
                                     int *replaced)
{
    if (!store->wdb)
        return not_writable(store);
    try {
        const std::string id(article_id);
        const std::string article_term = identity_term(NG_PREFIX_ARTICLE, id);
        bool had = store->wdb->term_exists(article_term);
        if (had)
            store->wdb->delete_document(article_term);
        for (size_t i = 0; i < n; i++) {
            Xapian::Document &doc = passages[i]->doc;
            const unsigned number = static_cast<unsigned>(i + 1);
            doc.add_boolean_term(article_term);
            doc.add_boolean_term(identity_term(NG_PREFIX_PASSAGE, id + "#" + std::to_string(number)));
            doc.add_value(NG_SLOT_ARTICLE, id);
            doc.add_value(NG_SLOT_PASSAGE, Xapian::sortable_serialise(number));
            store->wdb->add_document(doc);
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
        store->wdb->commit_transaction();
        store->wdb->begin_transaction(true);
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
}

} /* extern "C" */

static Xapian::Query build_query(const ng_qnode_t *node)
{
    std::vector<Xapian::Query> kids;
    kids.reserve(node->nkids);
    for (size_t i = 0; i < node->nkids; i++)
        kids.push_back(build_query(node->kids[i]));
    switch (node->op) {
    case NG_Q_TERM: return Xapian::Query(node->term);
    case NG_Q_AND: return Xapian::Query(Xapian::Query::OP_AND, kids.begin(), kids.end());
    case NG_Q_OR: return Xapian::Query(Xapian::Query::OP_OR, kids.begin(), kids.end());
    case NG_Q_PHRASE: return Xapian::Query(Xapian::Query::OP_PHRASE, kids.begin(), kids.end(), kids.size());
    }
    throw Xapian::InvalidArgumentError("unknown query node");
}

extern "C" ng_status_t ng_store_search(ng_store_t *store, const ng_qnode_t *query, const ng_search_opts_t *opts,
                                       ng_results_t **out)
{
    *out = NULL;
    ng_results_t *results = NULL;
    try {
        results = new ng_results;
        const Xapian::Query xq = build_query(query);
        /* A writer may commit while we read: reopen and run the match again. */
        for (int attempt = 0;; attempt++) {
            try {
                Xapian::Enquire enquire(*store->db);
                enquire.set_query(xq);
                enquire.set_weighting_scheme(Xapian::BM25Weight(opts->k1, 0, 1, opts->b, opts->min_normlen));
                if (!opts->all_passages)
                    enquire.set_collapse_key(NG_SLOT_ARTICLE, 1);
                Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(opts->offset),
                                                     static_cast<Xapian::doccount>(opts->limit));
                results->data.clear();
                results->hits.clear();
                results->estimate = mset.get_matches_estimated();
                for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
                    results->data.push_back(it.get_document().get_data());
                    ng_hit_t hit;
                    hit.score = it.get_weight();
                    hit.docid = *it;
                    hit.data = NULL;
                    hit.data_len = 0;
                    results->hits.push_back(hit);
                }
                break;
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt == 3)
                    throw;
                store->db->reopen();
            }
        }
        /* Point the hits at their data only now that the vector stopped growing. */
        for (size_t i = 0; i < results->hits.size(); i++) {
            results->hits[i].data = results->data[i].data();
            results->hits[i].data_len = results->data[i].size();
        }
        *out = results;
        return NG_STATUS_SUCCESS;
    } catch (...) {
        delete results;
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

extern "C" ng_status_t ng_store_open_writer(const char *path, int flags, ng_store_t **out, char **errmsg)
{
    ng_store_t *store = NULL;
    std::string msg;
    ng_status_t status = NG_STATUS_INDEX_ERROR;
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    try {
        store = new ng_store;
        store->db = NULL;
        store->wdb = NULL;
        store->path = path;
        /* Small batches are both faster and leaner on xapian-core 1.4. */
        setenv("XAPIAN_FLUSH_THRESHOLD", "2000", 0);
        int xflags = (flags & NG_STORE_MUST_EXIST) ? Xapian::DB_OPEN : Xapian::DB_CREATE_OR_OPEN;
        if (flags & NG_STORE_WAIT_LOCK)
            xflags |= Xapian::DB_RETRY_LOCK;
        store->wdb = new Xapian::WritableDatabase(path, xflags);
        store->db = store->wdb;
        /* One transaction per commit: a crash leaves the last commit. */
        store->wdb->begin_transaction(true);
        *out = store;
        return NG_STATUS_SUCCESS;
    } catch (...) {
        try {
            status = current_exception_status(msg);
        } catch (...) {
            status = NG_STATUS_OUT_OF_MEMORY;
        }
        if (store)
            delete store->wdb;
        delete store;
    }
    if (errmsg)
        *errmsg = dup_string(msg);
    return status;
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
