/* Document lengths kept by the index, and BM25 scoring that reads them.
 *
 * BM25 divides by a document's length. Xapian reads it by walking its list
 * of every document's length, so a match that scores thousands of documents
 * decodes most of that list: on the 500 MB benchmark index, about a fifth
 * of an any-word or all-words match (BENCHMARKS.md). Beside each of its
 * databases the index keeps the lengths as a plain array, a file named
 * NG_LENGTHS_FILE that readers map into memory, and bm25_term scores a word
 * with the same formula and the same arithmetic as Xapian's BM25Weight,
 * its lengths read from there (ng_bm25_weight does the same for a phrase,
 * below). The file is a cache: written after each
 * commit for the documents it added, and anew after a compaction; a reader
 * trusts it only for the database it was written for (by its uuid) and
 * reads through Xapian what it does not hold. C++ only: used by store.cc. */
#ifndef NEWSGREP_LENGTHS_H
#define NEWSGREP_LENGTHS_H

#include <xapian.h>

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#define NG_LENGTHS_FILE "newsgrep-lengths"

/* The four bytes at P, little-endian. */
static inline uint32_t ng_le32(const unsigned char *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24;
}

/* Shared by the index's own files (this one and the forward file's,
 * forward.h): V as four bytes at P, little-endian; all N bytes of BUF
 * written to FD at AT; whether HEADER is MAGIC (8 bytes) and then UUID,
 * NUL-padded to byte 56. */
void ng_put_le32(unsigned char *p, uint32_t v);
bool ng_pwrite_all(int fd, const void *buf, size_t n, off_t at);
bool ng_header_of(const unsigned char *header, const char *magic, const std::string &uuid);
/* The file PATH mapped into memory, read-only (*MAP, *SIZE); false when
 * it cannot be, or holds less than LEAST bytes (or none). */
bool ng_map_file(const std::string &path, size_t least, const unsigned char **map, size_t *size);

/* Bring the lengths file of DB, the database in folder DIR, up to DB's
 * last committed document: write it anew (FROM_SCRATCH, after a
 * compaction, which numbers the documents anew) or add the documents after
 * those it holds. A file that cannot be written is removed (readers then
 * read the lengths through Xapian). */
void ng_lengths_write(const Xapian::Database &db, const std::string &dir, bool from_scratch);

/* One reader's view of a database's lengths file. */
class ng_length_table
{
  public:
    ng_length_table() = default;
    ng_length_table(const ng_length_table &) = delete;
    ng_length_table &operator=(const ng_length_table &) = delete;
    ~ng_length_table();
    /* Read the file of DB, the database in folder DIR, from now on; false
     * when there is none to trust. */
    bool bind(const Xapian::Database &db, const std::string &dir);
    /* The length of document DID into *LEN; false if the file does not
     * hold it. */
    bool get(Xapian::docid did, Xapian::termcount *len) const
    {
        if (did == 0 || did > count_)
            return false;
        const uint32_t v = ng_le32(map_ + HEADER + (did - 1) * 4);
        *len = v - 1;
        return v != 0;
    }
    /* Does the file hold every document of the database bound? */
    bool complete() const
    {
        return map_ && count_ >= last_;
    }
    static const size_t HEADER = 64;

  private:
    void unmap();
    const Xapian::Database *db_ = nullptr;
    Xapian::rev rev_ = 0;
    const unsigned char *map_ = nullptr;
    size_t size_ = 0;
    Xapian::docid count_ = 0, last_ = 0;
};

/* The BM25 weights of the user's search (k2 0, k3 1), as Xapian's
 * BM25Weight(k1, 0, 1, b, min_normlen) gives them. */
struct ng_bm25_params {
    double k1, b, min_normlen;
};

/* BM25Weight's arithmetic (xapian-core 1.4; k2 0, k3 1), step for step, so
 * that the weights are the same to the last bit (tests/test-search.c
 * compares them with Xapian's own). */
struct ng_bm25 {
    ng_bm25_params p;
    double termweight = 0, len_factor = 0;
    /* For a term of TF documents among N, of query frequency WQF, its
     * weights scaled by FACTOR, in documents of average length AVLEN. */
    void init(Xapian::doccount n, Xapian::doccount tf, Xapian::termcount wqf, double avlen, double factor);
    double weight(Xapian::termcount wdf, Xapian::termcount len) const;
    /* The most a document can score: at the highest wdf, WDF_MAX, and the
     * least length that allows (LEAST, the least of all documents). */
    double bound(double wdf_max, double least) const;
};

/* A leaf of a query: TERM, of query frequency WQF, scored by BM25 with the
 * lengths of TABLE (bound to the database the match runs on); the same
 * weights as Xapian's own leaf for TERM. Unlike that leaf, it steps over
 * the documents that weigh less than the least weight the match passes
 * down, so it is for words that weigh: not for the right side of a FILTER
 * or AND_NOT, nor under a weight scaled to 0. */
class ng_phrase_leaves;
Xapian::Query ng_bm25_term(const std::string &term, Xapian::termcount wqf, ng_length_table *table,
                           const ng_bm25_params &params, std::shared_ptr<ng_phrase_leaves> phrase = nullptr);

/* The ng_bm25_terms of a phrase matched through the forward file, as its
 * filter sees them (forward.h): Xapian checks the filter only after the
 * words, so the filter can weigh a passage by its words before it reads
 * the passage's run, and pass over one that weighs too little to join the
 * best found, as Xapian's own phrase does before it reads positions.
 * Xapian makes a copy of each leaf for each database it matches, in the
 * order of the query (a phrase's words, then its filter), in the thread
 * that runs the match: each copy joins the phrase when it starts, and the
 * filter takes the ones that joined last in its thread. */
class ng_phrase_leaves
{
  public:
    /* What counts a phrase's words in a document's run: the filter. */
    class counter
    {
      public:
        virtual Xapian::termcount wdf_in(Xapian::docid did, size_t slot) = 0;

      protected:
        ~counter() = default;
    };
    /* Set to NULL when the filter goes. */
    struct counter_link {
        counter *to;
    };
    /* A leaf as the filter sees it: whether it is on DID; the weight it
     * gives the document it is on; the most it gives any document. */
    class leaf
    {
      public:
        virtual bool on(Xapian::docid did) const = 0;
        virtual double weight() const = 0;
        virtual double most() const = 0;
        virtual Xapian::doccount termfreq() const = 0;
        /* From now on, take the documents the match asks about as they
         * come, without reading the word's postings (a word of most
         * passages: Xapian reads its postings one by one up to each
         * document asked about), and their wdf from COUNTER, as word SLOT
         * of its phrase: for a word that the filter, checked after the
         * leaf, finds in each document it lets through (and counts there
         * when the match weighs it). */
        virtual void from_run(const std::shared_ptr<counter_link> &counter, size_t slot) = 0;

      protected:
        ~leaf() = default;
    };
    /* Set to NULL when the leaf goes (Xapian drops a leaf at its end). */
    struct link {
        leaf *to;
    };
    explicit ng_phrase_leaves(size_t words) : words_(words)
    {
    }
    void join(const std::shared_ptr<link> &l);
    /* The phrase's leaves that joined last in this thread (none, unless
     * all of them did), taken out. */
    std::vector<std::shared_ptr<link>> take();

  private:
    size_t words_;
    std::mutex lock_;
    std::map<std::thread::id, std::vector<std::shared_ptr<link>>> joined_;
};

/* Matched on Xapian's positions (not the forward file, forward.h), a
 * phrase's words cannot be PostingSources (Xapian's phrase needs their
 * positions), and xapian-core 1.4 gives a Weight a document's length but not
 * its id. So a phrase is ANDed with ng_track_doc(AT), which matches every
 * document, weighs nothing and records in AT the document the match is on;
 * and the match is weighted with ng_bm25_weight, which reads the length of
 * that document from AT's table, a complete one (ng_length_table::complete). */
struct ng_match_doc {
    Xapian::docid did = 0;
    ng_length_table *table = nullptr; /* the complete table read, when a phrase is weighted so */
};

Xapian::Query ng_track_doc(ng_match_doc *at);

class ng_bm25_weight : public Xapian::Weight
{
  public:
    ng_bm25_weight(const ng_bm25_params &params, const ng_match_doc *at);
    ng_bm25_weight *clone() const override;
    void init(double factor) override;
    double get_sumpart(Xapian::termcount wdf, Xapian::termcount len, Xapian::termcount uniqterms) const override;
    double get_maxpart() const override;
    double get_sumextra(Xapian::termcount len, Xapian::termcount uniqterms) const override;
    double get_maxextra() const override;

  private:
    ng_bm25 bm25_;
    const ng_match_doc *at_;
};

#endif
