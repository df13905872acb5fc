/* Document lengths kept by the index, and BM25 scoring that reads them
 * (lengths.h). */
#include <config.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "lengths.h"

/* The file: a header of HEADER bytes (MAGIC, the uuid of the database the
 * lengths are of, NUL-padded to UUID_END, then the number of documents it
 * holds, four bytes little-endian), then four bytes for each document from
 * the first, little-endian: its length plus one (0: not known, a document
 * deleted before it was written). Only ever added to in place; written
 * anew under another name and renamed into place, so that a reader's map
 * stays whole. */
static const char MAGIC[8] = {'N', 'G', 'L', 'E', 'N', 'G', 'T', '1'};
static const size_t UUID_END = 56, COUNT_AT = 56;

void ng_put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = static_cast<unsigned char>((v >> (8 * i)) & 0xff);
}

bool ng_header_of(const unsigned char *header, const char *magic, const std::string &uuid)
{
    return memcmp(header, magic, sizeof MAGIC) == 0 && uuid.size() < UUID_END - sizeof MAGIC &&
           memcmp(header + sizeof MAGIC, uuid.c_str(), uuid.size() + 1) == 0;
}

bool ng_map_file(const std::string &path, size_t least, const unsigned char **map, size_t *size)
{
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && static_cast<size_t>(st.st_size) >= least && st.st_size > 0;
    if (ok) {
        void *m = mmap(NULL, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
        ok = m != MAP_FAILED;
        if (ok) {
            *map = static_cast<const unsigned char *>(m);
            *size = static_cast<size_t>(st.st_size);
        }
    }
    close(fd);
    return ok;
}

bool ng_pwrite_all(int fd, const void *buf, size_t n, off_t at)
{
    const char *p = static_cast<const char *>(buf);
    while (n > 0) {
        const ssize_t done = pwrite(fd, p, n, at);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return false;
        p += done;
        n -= static_cast<size_t>(done);
        at += done;
    }
    return true;
}

void ng_lengths_write(const Xapian::Database &db, const std::string &dir, bool from_scratch)
{
    const std::string path = dir + "/" NG_LENGTHS_FILE, uuid = db.get_uuid();
    const Xapian::docid last = db.get_lastdocid();
    unsigned char header[ng_length_table::HEADER];
    Xapian::docid have = 0;
    int fd = from_scratch ? -1 : open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        if (pread(fd, header, sizeof header, 0) == static_cast<ssize_t>(sizeof header) && ng_header_of(header, MAGIC, uuid)) {
            have = ng_le32(header + COUNT_AT);
            if (have >= last) {
                close(fd);
                return;
            }
        } else {
            close(fd);
            fd = -1;
        }
    }
    std::string fresh;
    if (fd < 0) {
        fresh = path + ".new";
        fd = open(fresh.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
            unlink(path.c_str());
            return;
        }
        memset(header, 0, sizeof header);
        memcpy(header, MAGIC, sizeof MAGIC);
        /* NUL-padded: the header was zeroed, and a NUL always follows */
        uuid.copy(reinterpret_cast<char *>(header) + sizeof MAGIC, UUID_END - sizeof MAGIC - 1);
        have = 0;
    }
    std::vector<unsigned char> entries((last - have) * size_t{4}, 0);
    const Xapian::PostingIterator end = db.postlist_end(std::string());
    Xapian::PostingIterator doc = db.postlist_begin(std::string());
    if (have > 0)
        doc.skip_to(have + 1);
    for (; doc != end && *doc <= last; ++doc)
        ng_put_le32(&entries[(*doc - have - 1) * size_t{4}], doc.get_doclength() + 1);
    /* the entries before the count that says they are there */
    ng_put_le32(header + COUNT_AT, last);
    bool ok = ng_pwrite_all(fd, entries.data(), entries.size(), static_cast<off_t>(ng_length_table::HEADER + have * 4)) &&
              ng_pwrite_all(fd, header, sizeof header, 0);
    ok = close(fd) == 0 && ok;
    if (!fresh.empty())
        ok = ok && rename(fresh.c_str(), path.c_str()) == 0;
    if (!ok) {
        if (!fresh.empty())
            unlink(fresh.c_str());
        unlink(path.c_str());
    }
}

ng_length_table::~ng_length_table()
{
    unmap();
}

void ng_length_table::unmap()
{
    if (map_)
        munmap(const_cast<unsigned char *>(map_), size_);
    map_ = nullptr;
    size_ = 0;
    count_ = 0;
}

bool ng_length_table::bind(const Xapian::Database &db, const std::string &dir)
{
    const Xapian::rev rev = db.get_revision();
    if (&db == db_ && rev == rev_)
        return map_ != nullptr;
    unmap();
    db_ = &db;
    rev_ = rev;
    last_ = db.get_lastdocid();
    if (!ng_map_file(dir + "/" NG_LENGTHS_FILE, HEADER, &map_, &size_))
        return false;
    if (!ng_header_of(map_, MAGIC, db.get_uuid())) {
        unmap();
        return false;
    }
    count_ = std::min<Xapian::docid>(ng_le32(map_ + COUNT_AT), static_cast<Xapian::docid>((size_ - HEADER) / 4));
    return map_ != nullptr;
}

void ng_bm25::init(Xapian::doccount n, Xapian::doccount tf, Xapian::termcount wqf, double avlen, double factor)
{
    /* Robertson and Sparck Jones' weight, kept above zero for a term of most
     * documents as Xapian keeps it */
    double tw = (n - tf + 0.5) / (tf + 0.5);
    if (tw < 2)
        tw = tw * 0.5 + 1;
    termweight = std::log(tw) * factor;
    const double k3 = 1, wqf_double = wqf;
    termweight *= (k3 + 1) * wqf_double / (k3 + wqf_double);
    termweight *= (p.k1 + 1);
    len_factor = 0;
    if (p.b != 0 && p.k1 != 0) {
        len_factor = avlen;
        if (len_factor != 0)
            len_factor = 1 / len_factor;
    }
}

double ng_bm25::weight(Xapian::termcount wdf, Xapian::termcount len) const
{
    const double normlen = std::max(len * len_factor, p.min_normlen);
    const double wdf_double(wdf);
    const double denom = p.k1 * (normlen * p.b + (1 - p.b)) + wdf_double;
    return termweight * (wdf_double / denom);
}

double ng_bm25::bound(double wdf_max, double least) const
{
    double denom = p.k1;
    if (p.k1 != 0 && p.b != 0)
        denom *= std::max(std::max(wdf_max, least) * len_factor, p.min_normlen) * p.b + (1 - p.b);
    denom += wdf_max;
    return denom > 0 ? termweight * (wdf_max / denom) : 0;
}

namespace
{

/* A term's postings, weighted by BM25. The arithmetic is BM25Weight's
 * (xapian-core 1.4), step for step, so that the weights are the same to
 * the last bit: tests/test-search.c compares them with Xapian's own. Unlike
 * Xapian's own leaf, it skips the documents that weigh less than the
 * match says they need (settle). */
class bm25_source : public Xapian::PostingSource, public ng_phrase_leaves::leaf
{
  public:
    bm25_source(const std::string &term, Xapian::termcount wqf, ng_length_table *table, const ng_bm25_params &p,
                std::shared_ptr<ng_phrase_leaves> phrase)
        : term_(term), wqf_(wqf), table_(table), bm25_{p}, phrase_(std::move(phrase))
    {
    }
    ~bm25_source() override
    {
        if (link_)
            link_->to = nullptr;
    }

    Xapian::PostingSource *clone() const override
    {
        return new bm25_source(term_, wqf_, table_, bm25_.p, phrase_);
    }

    void init(const Xapian::Database &db) override
    {
        if (phrase_) {
            if (link_)
                link_->to = nullptr;
            link_ = std::make_shared<ng_phrase_leaves::link>(ng_phrase_leaves::link{this});
            phrase_->join(link_);
        }
        tf_ = db.get_termfreq(term_);
        bm25_.init(db.get_doccount(), tf_, wqf_, db.get_avlength(), 1);
        set_maxweight(bm25_.bound(db.get_wdf_upper_bound(term_), db.get_doclength_lower_bound()));
        it_ = db.postlist_begin(term_);
        end_ = db.postlist_end(term_);
        started_ = false;
        run_ = false;
        run_did_ = 0;
        counter_ = nullptr;
        last_ = db.get_lastdocid();
    }

    Xapian::doccount get_termfreq_min() const override
    {
        return tf_;
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return tf_;
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return tf_;
    }

    void next(double min_wt) override
    {
        if (run_) {
            move_run(started_ ? run_did_ + 1 : 1);
            return;
        }
        if (started_)
            ++it_;
        started_ = true;
        settle(min_wt);
    }
    void skip_to(Xapian::docid did, double min_wt) override
    {
        if (run_) {
            if (!started_ || did > run_did_)
                move_run(did);
            return;
        }
        started_ = true;
        it_.skip_to(did);
        settle(min_wt);
    }
    bool at_end() const override
    {
        return started_ && (run_ ? run_did_ > last_ : it_ == end_);
    }
    Xapian::docid get_docid() const override
    {
        return run_ ? run_did_ : *it_;
    }

    double get_weight() const override
    {
        if (!weighed_) {
            weight_ = weigh();
            weighed_ = true;
        }
        return weight_;
    }

    bool on(Xapian::docid did) const override
    {
        return started_ && (run_ ? run_did_ == did : it_ != end_ && *it_ == did);
    }
    Xapian::doccount termfreq() const override
    {
        return tf_;
    }
    void from_run(const std::shared_ptr<ng_phrase_leaves::counter_link> &counter, size_t slot) override
    {
        run_ = true;
        counter_ = counter;
        slot_ = slot;
    }
    double weight() const override
    {
        return get_weight();
    }
    double most() const override
    {
        return get_maxweight();
    }

  private:
    double weigh() const
    {
        if (run_)
            return weigh_run();
        const Xapian::termcount wdf = it_.get_wdf();
        Xapian::termcount len;
        if (!table_ || !table_->get(*it_, &len))
            len = it_.get_doclength();
        return bm25_.weight(wdf, len);
    }
    /* from the filter's count; else (never: the filter goes last) from the
     * word's postings */
    double weigh_run() const
    {
        Xapian::termcount wdf, len;
        if (counter_ && counter_->to) {
            wdf = counter_->to->wdf_in(run_did_, slot_);
        } else {
            it_.skip_to(run_did_);
            wdf = it_ != end_ && *it_ == run_did_ ? it_.get_wdf() : 0;
        }
        if (!table_ || !table_->get(run_did_, &len)) {
            it_.skip_to(run_did_);
            len = it_ != end_ && *it_ == run_did_ ? it_.get_doclength() : 0;
        }
        return bm25_.weight(wdf, len);
    }
    void move_run(Xapian::docid did)
    {
        started_ = true;
        weighed_ = false;
        run_did_ = did;
    }

    /* Onto the first document from here on that this word gives MIN_WT or
     * more (less a little, for rounding). MIN_WT is the least a document
     * needs from this word to join the best the match has found, the
     * match's other words counted at their most: a document below it
     * cannot join them, and Xapian would weigh it only to turn it away. */
    void settle(double min_wt)
    {
        const double least = min_wt - 1e-9 * get_maxweight();
        weighed_ = false;
        if (least <= 0)
            return; /* any document may: weighed only when asked */
        if (least > get_maxweight()) {
            it_ = end_; /* none can */
            return;
        }
        for (; it_ != end_; ++it_) {
            weight_ = weigh();
            if (weight_ >= least) {
                weighed_ = true;
                return;
            }
        }
    }

    std::string term_;
    Xapian::termcount wqf_;
    ng_length_table *table_;
    ng_bm25 bm25_;
    Xapian::doccount tf_ = 0;
    mutable Xapian::PostingIterator it_;
    Xapian::PostingIterator end_;
    bool started_ = false;
    bool run_ = false;                  /* from_run */
    Xapian::docid run_did_ = 0, last_ = 0; /* then the document it is on; the database's last */
    std::shared_ptr<ng_phrase_leaves::counter_link> counter_; /* then what counts it, */
    size_t slot_ = 0;                                         /* as its word SLOT */
    mutable double weight_ = 0;
    mutable bool weighed_ = false;
    std::shared_ptr<ng_phrase_leaves> phrase_;
    std::shared_ptr<ng_phrase_leaves::link> link_;
};

} // namespace

Xapian::Query ng_bm25_term(const std::string &term, Xapian::termcount wqf, ng_length_table *table,
                           const ng_bm25_params &params, std::shared_ptr<ng_phrase_leaves> phrase)
{
    return Xapian::Query((new bm25_source(term, wqf, table, params, std::move(phrase)))->release());
}

void ng_phrase_leaves::join(const std::shared_ptr<link> &l)
{
    std::lock_guard<std::mutex> hold(lock_);
    joined_[std::this_thread::get_id()].push_back(l);
}

std::vector<std::shared_ptr<ng_phrase_leaves::link>> ng_phrase_leaves::take()
{
    std::lock_guard<std::mutex> hold(lock_);
    auto mine = joined_.find(std::this_thread::get_id());
    std::vector<std::shared_ptr<link>> taken;
    if (mine == joined_.end())
        return taken;
    if (mine->second.size() >= words_)
        taken.assign(mine->second.end() - static_cast<std::ptrdiff_t>(words_), mine->second.end());
    joined_.erase(mine);
    return taken;
}

namespace
{

/* Every document, weighing nothing, telling AT where the match is. */
class doc_tracker : public Xapian::PostingSource
{
  public:
    explicit doc_tracker(ng_match_doc *at) : at_(at)
    {
    }
    Xapian::PostingSource *clone() const override
    {
        return new doc_tracker(at_);
    }
    void init(const Xapian::Database &db) override
    {
        n_ = db.get_doccount();
        last_ = db.get_lastdocid();
        did_ = 0;
        set_maxweight(0);
    }
    Xapian::doccount get_termfreq_min() const override
    {
        return 0; /* documents deleted leave gaps among the ids */
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return n_;
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return n_;
    }
    void next(double) override
    {
        at_->did = ++did_;
    }
    void skip_to(Xapian::docid did, double) override
    {
        if (did > did_)
            did_ = did;
        at_->did = did_;
    }
    bool at_end() const override
    {
        return did_ > last_;
    }
    Xapian::docid get_docid() const override
    {
        return did_;
    }

  private:
    ng_match_doc *at_;
    Xapian::doccount n_ = 0;
    Xapian::docid last_ = 0, did_ = 0;
};

} // namespace

Xapian::Query ng_track_doc(ng_match_doc *at)
{
    return Xapian::Query((new doc_tracker(at))->release());
}

ng_bm25_weight::ng_bm25_weight(const ng_bm25_params &params, const ng_match_doc *at) : bm25_{params}, at_(at)
{
    need_stat(COLLECTION_SIZE);
    need_stat(TERMFREQ);
    need_stat(WQF);
    need_stat(AVERAGE_LENGTH);
    need_stat(WDF);
    need_stat(WDF_MAX);
    need_stat(DOC_LENGTH_MIN);
}

ng_bm25_weight *ng_bm25_weight::clone() const
{
    return new ng_bm25_weight(bm25_.p, at_);
}

void ng_bm25_weight::init(double factor)
{
    bm25_.init(get_collection_size(), get_termfreq(), get_wqf(), get_average_length(), factor);
}

double ng_bm25_weight::get_sumpart(Xapian::termcount wdf, Xapian::termcount, Xapian::termcount) const
{
    Xapian::termcount len = 0;
    at_->table->get(at_->did, &len); /* complete: it holds every document matched */
    return bm25_.weight(wdf, len);
}

double ng_bm25_weight::get_maxpart() const
{
    return bm25_.bound(get_wdf_upper_bound(), get_doclength_lower_bound());
}

double ng_bm25_weight::get_sumextra(Xapian::termcount, Xapian::termcount) const
{
    return 0;
}

double ng_bm25_weight::get_maxextra() const
{
    return 0;
}
