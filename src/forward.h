/* Each passage's words in order, kept by the index beside Xapian's
 * database, instead of Xapian's positions: the forward file.
 *
 * A phrase, NEAR or ADJ matches where its words stand in a passage. Xapian
 * keeps that as positions, one B-tree entry per passage and word (on the
 * 500 MB benchmark index 876 MB, as much as FTS5's whole database, and a
 * third of the indexing time), read for every candidate passage. The
 * forward file holds each passage's words as a short run of word ids
 * (varints, the commonest words the smallest; 142 MB there), addressed by
 * document id, so a candidate is checked by reading one run from a map in
 * memory: the words are matched by Xapian as an AND, which weighs them as
 * its phrase does, and ng_sequence_filter keeps the passages where they
 * stand as asked.
 *
 * Three files beside each passages database: NG_FORWARD_FILE (the runs),
 * NG_FORWARD_INDEX (where each document's run ends) and NG_WORDS_FILE (the
 * words with their ids). They are written by the writer at each commit for
 * the passages it added, before Xapian's commit, and anew after a
 * compaction; a reader trusts them only for the database they were written
 * for (its uuid). What they lack is read again from the passages' stored
 * text (ng_text_words), and an index made before them (with Xapian's
 * positions, and without the files) is matched on its positions. C++ only:
 * used by store.cc. */
#ifndef NEWSGREP_FORWARD_H
#define NEWSGREP_FORWARD_H

#include <xapian.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lengths.h"

#define NG_FORWARD_FILE "newsgrep-forward"
#define NG_FORWARD_INDEX "newsgrep-forward-index"
#define NG_WORDS_FILE "newsgrep-words"
#define NG_PAIRS_FILE "newsgrep-pairs"

/* The pairs file, written by a merge: for each two words both among the
 * NG_PAIR_WORDS commonest, the passages where the first stands just before
 * the second. A phrase of common words ("but said") is matched from the
 * passages of its rarest pair, rather than by checking every passage that
 * has all its words (58,942 for "but said" on the 500 MB benchmark index,
 * 1,958 of them with the phrase). */
#define NG_PAIR_WORDS 50

/* A passage's words as the writer is given them: TERMS holds each word
 * followed by a NUL, POSITIONS its position (from 1), in the same order. */
struct ng_word_run {
    std::string terms;
    std::vector<unsigned> positions;
    void clear()
    {
        terms.clear();
        positions.clear();
    }
};

/* A passage's words read again from its stored text, as the indexer
 * analysed them: TERMS[i] stands at position i + 1 ("" where no word
 * does); false when document DID of DB has no passage record to read. */
using ng_text_words =
    std::function<bool(const Xapian::Database &db, Xapian::docid did, std::vector<std::string> &terms)>;

/* The words and their ids, as a writer or a merge holds them: the words
 * back to back in one string, and an open-addressing table of their
 * hashes and ids (a writer looks up every word of every passage: a
 * std::unordered_map took about 5% of indexing, its nodes and strings
 * scattered in memory). */
class ng_word_ids
{
  public:
    /* The id of TERM, a new one when it has none (ids from 1). */
    uint32_t id(std::string_view term);
    /* The ids of the N TERMS into OUT, as id gives them, looked up
     * together: the table's entries for all are asked of memory first,
     * so that their cache misses overlap (a writer's table outgrows the
     * processor's caches, and its misses were 3% of indexing). */
    void ids(const std::string_view *terms, size_t n, uint32_t *out);
    /* The id of TERM, 0 when it has none. */
    uint32_t find(std::string_view term) const;
    uint32_t size() const
    {
        return static_cast<uint32_t>(starts_.size() - 1);
    }
    std::string_view term(uint32_t id) const
    {
        return std::string_view(arena_).substr(starts_[id - 1], starts_[id] - starts_[id - 1]);
    }
    /* Write them to PATH (through a new file renamed into place) for the
     * database UUID, each with its id or, with IDS, IDS[its id]; false
     * when that fails. */
    bool save(const std::string &path, const std::string &uuid, const std::vector<uint32_t> *ids = nullptr) const;
    /* Add to PATH, which holds the first SAVED of them (as load or save
     * left it), the others after its lines, where a reader looks for
     * them one by one; false when that fails. */
    bool append(const std::string &path, const std::string &uuid, uint32_t saved);
    /* How many of them PATH holds in the words' order (those the last
     * save wrote). */
    uint32_t sorted() const
    {
        return sorted_;
    }
    /* Read PATH, written for UUID; false (and empty) when it is not. */
    bool load(const std::string &path, const std::string &uuid);
    void clear();

  private:
    /* the slot of TERM (of hash H) in the table: its own, or the empty one where it would go */
    size_t slot(std::string_view term, uint32_t h) const;
    void grow();
    /* the id of TERM of hash H, with the table grown for it already */
    uint32_t id_of(std::string_view term, uint32_t h);
    std::vector<uint32_t> hashes_; /* of the terms ids looks up */
    std::string arena_;
    std::vector<uint32_t> starts_{0}; /* where each id's word starts in arena_; then its end */
    std::vector<uint64_t> table_;     /* hash << 32 | id; 0: empty */
    mutable uint32_t sorted_ = 0;     /* as the file holds them: in order */
    mutable uint64_t end_ = 0;        /* where its lines end */
};

/* A writer's side: the words of the passages added since the last commit,
 * written out at the commit. */
class ng_forward_writer
{
  public:
    ng_forward_writer() = default;
    ng_forward_writer(const ng_forward_writer &) = delete;
    ng_forward_writer &operator=(const ng_forward_writer &) = delete;
    /* Take up the files of DB, the database in folder DIR opened for
     * writing, and keep them from now on. What they lack of DB's
     * documents is read again from their TEXT and written now; but a DB
     * with Xapian's positions whose files lack documents (an index made
     * before the files) keeps to its positions: its files are removed,
     * and this writer keeps none (active() is false). */
    void open(const Xapian::Database &db, const std::string &dir, const ng_text_words &text);
    /* Are the files kept? When not, the passages need Xapian's positions. */
    bool active() const
    {
        return active_;
    }
    /* Passage DID (added since the last commit, in increasing order) has
     * the words RUN. */
    void add(Xapian::docid did, const ng_word_run &run);
    /* Before DB's commit: write out what was added, the files then
     * holding DB's documents up to its last (readers of the revision
     * before ask for none of the new ones). Then committed() once DB's
     * commit is done, or abandoned() when it failed. */
    void prepare(const Xapian::Database &db);
    void committed();
    void abandoned();

  private:
    void drop();
    void restart();
    bool in_order(Xapian::docid did);
    void added(Xapian::docid did);
    void add_terms(Xapian::docid did, const std::vector<std::string> &terms);
    bool spill();
    bool write_entries(Xapian::docid to);
    bool write_out(const Xapian::Database &db);
    bool active_ = false;
    Xapian::docid prepared_ = 0; /* the count written by prepare */
    std::string uuid_;
    std::string dir_;
    ng_word_ids words_;
    uint32_t saved_words_ = 0; /* the words in the file */
    Xapian::docid count_ = 0;  /* the documents the files hold (their header says) */
    uint64_t data_end_ = 0;    /* the bytes of their runs */
    /* What was added since: written out beyond those (which readers do
     * not read before the header counts it) every so often, so that a
     * writer's memory stays bounded however much it adds between commits;
     * the rest in memory. */
    uint64_t spilled_ = 0;           /* the bytes of runs written beyond data_end_ */
    Xapian::docid entered_ = 0;      /* the last document whose entry is written */
    uint64_t entered_end_ = 0;       /* where its run ends */
    Xapian::docid last_added_ = 0;   /* the last document added */
    std::string pending_;            /* runs not yet written */
    std::vector<uint32_t> at_;       /* add's words by position */
    std::vector<std::string_view> terms_; /* add's words in the order given */
    std::vector<uint32_t> ids_;           /* and their ids */
    std::vector<std::pair<Xapian::docid, uint64_t>> ends_; /* their documents and ends */
};

/* A reader's view of a database's forward files. */
class ng_forward_table
{
  public:
    ng_forward_table() = default;
    ng_forward_table(const ng_forward_table &) = delete;
    ng_forward_table &operator=(const ng_forward_table &) = delete;
    ~ng_forward_table();
    /* Read the files of DB, the database in folder DIR, from now on;
     * false when there are none to trust. */
    bool bind(const Xapian::Database &db, const std::string &dir);
    /* Do the files hold every document of the database bound? */
    bool complete() const
    {
        return index_ && count_ >= last_;
    }
    /* The id of TERM, 0 when no passage has it. */
    uint32_t find(std::string_view term) const;
    /* The words of document DID into OUT (0 where a position holds no word);
     * false when the files do not hold it. */
    bool words(Xapian::docid did, std::vector<uint32_t> &out) const;
    /* The run of document DID as it is kept: *N bytes of varints at *P
     * (until the next call); false when the files do not hold it. */
    bool run(Xapian::docid did, const unsigned char **p, size_t *n) const;
    /* The passages where word A stands just before word B (ids of this
     * table), when both are among the NG_PAIR_WORDS commonest and the
     * pairs file has them: *N bytes of varints at *P (each passage's id,
     * less the one before), *COUNT passages, all of those up to document
     * pairs_count(). False otherwise. */
    bool pair(uint32_t a, uint32_t b, const unsigned char **p, size_t *n, Xapian::docid *count) const;
    Xapian::docid pairs_count() const
    {
        return pairs_count_;
    }
    /* The runs before document DID are read no more: their pages leave
     * this process's memory (a merge reads every run once, in order). */
    void done_before(Xapian::docid did) const;
    /* The runs will be read once, in order (a merge's): the file is not
     * mapped all at once after the first reads, so that the memory it
     * takes stays what done_before leaves. */
    void in_order() const
    {
        in_order_ = true;
    }

  private:
    void unmap();
    const Xapian::Database *db_ = nullptr;
    Xapian::rev rev_ = 0;
    const unsigned char *index_ = nullptr, *data_ = nullptr, *words_ = nullptr, *pairs_ = nullptr;
    size_t index_size_ = 0, data_size_ = 0, words_size_ = 0, words_start_ = 0, pairs_size_ = 0;
    size_t sorted_end_ = 0; /* the words file's sorted lines end there, */
    uint32_t unsorted_ = 0; /* and this many lines follow */
    Xapian::docid count_ = 0, last_ = 0, pairs_count_ = 0;
    /* the runs read with pread so far, and where (run) */
    static const size_t READS_BEFORE_MAP = 8192;
    int data_fd_ = -1;
    mutable size_t reads_ = 0;
    mutable bool in_order_ = false;
    mutable std::vector<unsigned char> buffer_;
};

/* After the compaction of the databases of SOURCES (folders, in order)
 * into DEST (folder DEST_DIR): DEST's forward files, from the sources'
 * (document ids shifted as the compaction shifts them, words given new
 * ids, the commonest the smallest), and from their TEXT for the documents
 * a source's files lack; none when that fails. */
void ng_forward_merge(const std::vector<std::string> &sources, const Xapian::Database &dest,
                      const std::string &dest_dir, const ng_text_words &text);

/* Where a match reads the passages' words: the forward table of each
 * database searched (by its uuid; NULL or incomplete tables are allowed),
 * and the stored text for the documents the tables lack. */
struct ng_forward_set {
    std::vector<std::pair<std::string, const ng_forward_table *>> tables;
    ng_text_words text;
};

/* How ng_sequence_filter's words must stand. */
enum ng_sequence_kind {
    NG_SEQ_ORDERED, /* in the order given, the first and last within WINDOW
                     * positions (a phrase: WINDOW = the number of words) */
    NG_SEQ_NEAR,    /* in any order, at distinct positions within WINDOW */
};

/* A filter of the passages where a word of each of SLOTS (each slot: the
 * terms that may stand there) stands as KIND and WINDOW say, read through
 * SET. To be the right side of an OP_FILTER whose left side matches the
 * passages that have the words: it checks the documents the left side
 * gives it. With PHRASE, the left side's leaves (ng_bm25_terms, one for
 * each slot), it passes over a document they weigh too little for the
 * match without reading its words. */
Xapian::Query ng_sequence_filter(const std::shared_ptr<const ng_forward_set> &set, ng_sequence_kind kind,
                                 unsigned window, const std::vector<std::vector<std::string>> &slots,
                                 std::shared_ptr<ng_phrase_leaves> phrase = nullptr);

#endif
