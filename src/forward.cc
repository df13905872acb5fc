/* Each passage's words in order, kept beside the database (forward.h). */
#include <config.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "forward.h"
#include "lengths.h"

/* NG_FORWARD_INDEX: a header of HEADER bytes (MAGIC, the uuid of the
 * database, NUL-padded to UUID_END, the number of documents held, four
 * bytes little-endian, at COUNT_AT), then for each document from the first
 * ENTRY bytes little-endian: where its run ends in NG_FORWARD_FILE (it
 * starts where the one before ends; an empty run is a document that is
 * not there). The header is written after the entries it counts.
 *
 * NG_FORWARD_FILE: the runs, one after the other: each position's word id
 * as a varint (seven bits a byte, low first, the top bit set on all but
 * the last), 0 where a position holds no word.
 *
 * NG_WORDS_FILE: a line "NGWORDS1 UUID N" and then the N words with their
 * ids, "WORD<TAB>ID" a line, in the bytes' order of the words, so that a
 * reader finds one by bisection. */
/* NG_PAIRS_FILE: a header of HEADER bytes (PAIRS_MAGIC, the uuid, the
 * number of documents it covers at COUNT_AT), then for each pair (A, B) of
 * word ids from 1 to NG_PAIR_WORDS, in order, where its list ends (eight
 * bytes) and how many passages it holds (four bytes), then the lists:
 * each passage's id less the one before it, as varints. */
static const char MAGIC[8] = {'N', 'G', 'F', 'W', 'D', 'I', 'X', '2'};
static const char PAIRS_MAGIC[8] = {'N', 'G', 'P', 'A', 'I', 'R', 'S', '1'};
static const size_t PAIRS = NG_PAIR_WORDS * NG_PAIR_WORDS, PAIR_ENTRY = 12;
static const char WORDS_MAGIC[] = "NGWORDS2";
static const size_t HEADER = 64, UUID_END = 56, COUNT_AT = 56;
/* A writer writes out what it was given past this many bytes of runs or
 * this many documents (forward.h: its memory stays bounded). */
static const size_t SPILL_BYTES = 256 * 1024, SPILL_RUNS = 16384;
/* A writer adds its new words after the words file's sorted lines until
 * they are more than this many and an eighth of those: then it writes
 * them all in order (at every commit, it took 8% of indexing). */
static const uint32_t UNSORTED_WORDS = 131072;
/* A passage longer than this many positions is not kept (nor its index). */
static const unsigned MAX_POSITION = 1u << 20;


static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = static_cast<unsigned char>((v >> (8 * i)) & 0xff);
}

/* An entry of NG_FORWARD_INDEX: where a run ends, in ENTRY bytes
 * little-endian (40 bits: a forward file of up to 1 TB). */
static const size_t ENTRY = 5;

static void put_entry(unsigned char *p, uint64_t v)
{
    for (size_t i = 0; i < ENTRY; i++)
        p[i] = static_cast<unsigned char>((v >> (8 * i)) & 0xff);
}

static uint64_t get_entry(const unsigned char *p)
{
    uint64_t v = 0;
    for (size_t i = ENTRY; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_varint(std::string &out, uint32_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

/* The varint at *P (before END) into *V; false when it runs past END. */
static bool get_varint(const unsigned char **p, const unsigned char *end, uint32_t *v)
{
    uint32_t x = 0;
    for (unsigned shift = 0; *p < end && shift < 35; shift += 7) {
        const unsigned char b = *(*p)++;
        x |= static_cast<uint32_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}


static void make_header(unsigned char *h, const std::string &uuid, Xapian::docid count)
{
    memset(h, 0, HEADER);
    memcpy(h, MAGIC, sizeof MAGIC);
    uuid.copy(reinterpret_cast<char *>(h) + sizeof MAGIC, UUID_END - sizeof MAGIC - 1);
    ng_put_le32(h + COUNT_AT, count);
}

static void remove_files(const std::string &dir)
{
    /* the index first: without it the others are not read */
    unlink((dir + "/" NG_FORWARD_INDEX).c_str());
    unlink((dir + "/" NG_PAIRS_FILE).c_str());
    unlink((dir + "/" NG_FORWARD_FILE).c_str());
    unlink((dir + "/" NG_WORDS_FILE).c_str());
}

/* The words file's header line: for the database UUID, N words, the first
 * SORTED of them in the words' order and ending at byte SORTED_END; its
 * numbers of fixed width, so that an addition rewrites it in place. */
static std::string words_header(const std::string &uuid, uint32_t n, uint32_t sorted, uint64_t sorted_end)
{
    char numbers[64];
    snprintf(numbers, sizeof numbers, " %010u %010u %012llu\n", n, sorted, static_cast<unsigned long long>(sorted_end));
    return std::string(WORDS_MAGIC) + " " + uuid + numbers;
}

/* The numbers of the words file's header line LINE (up to its newline)
 * for UUID; false when it is not one. */
static bool parse_words_header(std::string_view line, const std::string &uuid, uint32_t *n, uint32_t *sorted,
                               uint64_t *sorted_end)
{
    const std::string prefix = std::string(WORDS_MAGIC) + " " + uuid + " ";
    if (line.size() != words_header(uuid, 0, 0, 0).size() || line.compare(0, prefix.size(), prefix) != 0)
        return false;
    unsigned long long a, b, c;
    const std::string numbers(line.substr(prefix.size()));
    if (sscanf(numbers.c_str(), "%10llu %10llu %12llu", &a, &b, &c) != 3 || a > UINT32_MAX || b > a)
        return false;
    *n = static_cast<uint32_t>(a);
    *sorted = static_cast<uint32_t>(b);
    *sorted_end = c;
    return *sorted_end >= line.size();
}

/* --- the words and their ids -------------------------------------------- */

static uint32_t hash_term(std::string_view term)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (unsigned char c : term)
        h = (h ^ c) * 1099511628211u;
    return static_cast<uint32_t>(h >> 32) | 1; /* never 0: 0 is an empty slot */
}

size_t ng_word_ids::slot(std::string_view term, uint32_t h) const
{
    const size_t mask = table_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const uint64_t e = table_[i];
        if (e == 0 || (static_cast<uint32_t>(e >> 32) == h && this->term(static_cast<uint32_t>(e)) == term))
            return i;
    }
}

void ng_word_ids::grow()
{
    std::vector<uint64_t> old(std::max<size_t>(1024, table_.size() * 2), 0);
    old.swap(table_);
    for (uint64_t e : old)
        if (e != 0)
            table_[slot(term(static_cast<uint32_t>(e)), static_cast<uint32_t>(e >> 32))] = e;
}

uint32_t ng_word_ids::find(std::string_view term) const
{
    if (table_.empty())
        return 0;
    return static_cast<uint32_t>(table_[slot(term, hash_term(term))]);
}

uint32_t ng_word_ids::id(std::string_view term)
{
    if ((size() + size_t{1}) * 2 > table_.size()) /* at most half full */
        grow();
    return id_of(term, hash_term(term));
}

void ng_word_ids::ids(const std::string_view *terms, size_t n, uint32_t *out)
{
    while ((size() + n + 1) * 2 > table_.size())
        grow();
    hashes_.resize(n);
    const size_t mask = table_.size() - 1;
    for (size_t i = 0; i < n; i++) {
        hashes_[i] = hash_term(terms[i]);
        __builtin_prefetch(&table_[hashes_[i] & mask]);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = id_of(terms[i], hashes_[i]);
}

uint32_t ng_word_ids::id_of(std::string_view term, uint32_t h)
{
    uint64_t &e = table_[slot(term, h)];
    if (e == 0) {
        arena_.append(term);
        starts_.push_back(static_cast<uint32_t>(arena_.size()));
        e = static_cast<uint64_t>(h) << 32 | size();
    }
    return static_cast<uint32_t>(e);
}

bool ng_word_ids::append(const std::string &path, const std::string &uuid, uint32_t saved)
{
    std::string lines;
    char id[16];
    for (uint32_t i = saved + 1; i <= size(); i++) {
        lines.append(term(i));
        snprintf(id, sizeof id, "\t%u\n", i);
        lines.append(id);
    }
    const int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    /* the lines, then the header that counts them */
    std::string header(words_header(uuid, 0, 0, 0).size(), '\0');
    uint32_t n = 0, sorted = 0;
    uint64_t sorted_end = 0;
    bool ok = pread(fd, &header[0], header.size(), 0) == static_cast<ssize_t>(header.size()) &&
              parse_words_header(header, uuid, &n, &sorted, &sorted_end) && n == saved && sorted == sorted_ &&
              ng_pwrite_all(fd, lines.data(), lines.size(), static_cast<off_t>(end_));
    header = words_header(uuid, size(), sorted, sorted_end);
    ok = ok && ng_pwrite_all(fd, header.data(), header.size(), 0);
    ok = close(fd) == 0 && ok;
    if (ok)
        end_ += lines.size();
    return ok;
}

void ng_word_ids::clear()
{
    sorted_ = 0;
    end_ = 0;
    arena_.clear();
    arena_.shrink_to_fit();
    starts_.assign(1, 0);
    starts_.shrink_to_fit();
    table_.clear();
    table_.shrink_to_fit();
}

bool ng_word_ids::save(const std::string &path, const std::string &uuid, const std::vector<uint32_t> *ids) const
{
    std::vector<uint32_t> order(size());
    for (uint32_t i = 0; i < order.size(); i++)
        order[i] = i + 1;
    std::sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) { return term(a) < term(b); });
    const std::string fresh = path + ".new";
    FILE *f = fopen(fresh.c_str(), "we");
    if (!f)
        return false;
    /* the header once the lines are written: where the sorted ones end */
    std::string header = words_header(uuid, size(), size(), 0);
    bool ok = fputs(header.c_str(), f) >= 0;
    for (size_t i = 0; ok && i < order.size(); i++) {
        const std::string_view t = term(order[i]);
        ok = fwrite(t.data(), 1, t.size(), f) == t.size() && fprintf(f, "\t%u\n", ids ? (*ids)[order[i]] : order[i]) > 0;
    }
    const long end = ok ? ftell(f) : -1;
    header = words_header(uuid, size(), size(), static_cast<uint64_t>(end));
    ok = ok && end > 0 && fseek(f, 0, SEEK_SET) == 0 && fputs(header.c_str(), f) >= 0;
    ok = fclose(f) == 0 && ok;
    sorted_ = size();
    end_ = static_cast<uint64_t>(end);
    ok = ok && rename(fresh.c_str(), path.c_str()) == 0;
    if (!ok)
        unlink(fresh.c_str());
    return ok;
}

/* Call FN(WORD, ID) for each word of the words file PATH, written for
 * UUID, and set *N to their number and *SORTED to those in the words'
 * order, and *END to where their lines end; false when it is not such a
 * file (FN may have been called for some). Every id from 1 to *N is given
 * once. */
template <typename Fn>
static bool read_words(const std::string &path, const std::string &uuid, uint32_t *n, uint32_t *sorted,
                       uint64_t *end, Fn fn)
{
    FILE *f = fopen(path.c_str(), "re");
    if (!f)
        return false;
    std::string text;
    char buf[1 << 16];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        text.append(buf, got);
    const bool read_ok = !ferror(f);
    fclose(f);
    size_t nl = text.find('\n');
    uint64_t sorted_end;
    if (!read_ok || nl == std::string::npos ||
        !parse_words_header(std::string_view(text).substr(0, nl + 1), uuid, n, sorted, &sorted_end))
        return false;
    std::vector<bool> seen(*n + size_t{1}, false);
    size_t at = nl + 1, count = 0;
    *end = at;
    /* the lines the header counts (an addition cut short may have left more) */
    while (at < text.size() && count < *n) {
        nl = text.find('\n', at);
        const size_t tab = text.rfind('\t', nl);
        if (nl == std::string::npos || tab == std::string::npos || tab <= at)
            return false;
        const unsigned long id = strtoul(text.c_str() + tab + 1, NULL, 10);
        if (id == 0 || id > *n || seen[id])
            return false;
        seen[id] = true;
        count++;
        fn(std::string_view(text).substr(at, tab - at), static_cast<uint32_t>(id));
        at = nl + 1;
        *end = at;
    }
    return count == *n;
}

bool ng_word_ids::load(const std::string &path, const std::string &uuid)
{
    clear();
    /* the lines are in the words' order; the ids are given in theirs */
    std::string words;
    std::vector<std::pair<size_t, size_t>> where; /* each id's word in WORDS */
    uint32_t n = 0, sorted = 0;
    uint64_t end = 0;
    bool ok = read_words(path, uuid, &n, &sorted, &end, [&](std::string_view term, uint32_t id) {
        if (where.size() < id)
            where.resize(id, {0, 0});
        where[id - 1] = {words.size(), term.size()};
        words.append(term);
    });
    ok = ok && where.size() == n;
    for (uint32_t i = 0; ok && i < n; i++) /* a word twice is a broken file */
        ok = id(std::string_view(words).substr(where[i].first, where[i].second)) == i + 1;
    if (!ok)
        clear();
    sorted_ = ok ? sorted : 0;
    end_ = ok ? end : 0;
    return ok;
}

/* --- the writer ---------------------------------------------------------- */

void ng_forward_writer::drop()
{
    if (!dir_.empty())
        remove_files(dir_);
    active_ = false;
    words_.clear();
    restart();
}

void ng_forward_writer::open(const Xapian::Database &db, const std::string &dir, const ng_text_words &text)
{
    dir_ = dir;
    active_ = false;
    pending_.clear();
    ends_.clear();
    words_.clear();
    uuid_ = db.get_uuid();
    const Xapian::docid last = db.get_lastdocid();
    count_ = 0;
    data_end_ = 0;
    saved_words_ = 0;
    const int fd = ::open((dir + "/" NG_FORWARD_INDEX).c_str(), O_RDONLY | O_CLOEXEC);
    unsigned char h[HEADER], end[ENTRY] = {0};
    bool ok = fd >= 0 && pread(fd, h, HEADER, 0) == static_cast<ssize_t>(HEADER) && ng_header_of(h, MAGIC, uuid_);
    if (ok) {
        /* more than DB holds: written before a commit that did not happen */
        count_ = std::min<Xapian::docid>(ng_le32(h + COUNT_AT), last);
        ok = count_ == 0 || pread(fd, end, ENTRY, static_cast<off_t>(HEADER + (count_ - 1) * ENTRY)) == ENTRY;
    }
    if (fd >= 0)
        close(fd);
    struct stat st;
    ok = ok && words_.load(dir + "/" NG_WORDS_FILE, uuid_) &&
         (get_entry(end) == 0 || (stat((dir + "/" NG_FORWARD_FILE).c_str(), &st) == 0 &&
                                  static_cast<uint64_t>(st.st_size) >= get_entry(end)));
    if (!ok) {
        count_ = 0;
        words_.clear();
    }
    data_end_ = ok ? get_entry(end) : 0;
    saved_words_ = words_.size();
    restart();
    active_ = true;
    if (count_ == last && ok)
        return;
    if (count_ < last && db.has_positions()) {
        drop(); /* an index made before the files: Xapian's positions */
        return;
    }
    /* what the files lack, read again from the passages' text */
    std::vector<std::string> terms;
    for (Xapian::PostingIterator d = db.postlist_begin(std::string()); d != db.postlist_end(std::string()); ++d) {
        if (*d <= count_)
            continue;
        if (!text(db, *d, terms)) {
            drop();
            return;
        }
        add_terms(*d, terms);
        if (!active_)
            return;
    }
    if (!write_out(db))
        drop();
    else
        committed();
}

/* Is DID after every document added? Else the files are dropped. */
bool ng_forward_writer::in_order(Xapian::docid did)
{
    if (did > count_ && did > last_added_)
        return true;
    drop();
    return false;
}

/* The run of DID is at the end of pending_. */
void ng_forward_writer::added(Xapian::docid did)
{
    last_added_ = did;
    ends_.emplace_back(did, data_end_ + spilled_ + pending_.size());
    if ((pending_.size() > SPILL_BYTES || ends_.size() > SPILL_RUNS) && !spill())
        drop();
}

void ng_forward_writer::add_terms(Xapian::docid did, const std::vector<std::string> &terms)
{
    if (!in_order(did))
        return;
    if (terms.size() > MAX_POSITION) {
        drop();
        return;
    }
    for (const std::string &t : terms)
        put_varint(pending_, t.empty() ? 0 : words_.id(t));
    added(did);
}

void ng_forward_writer::add(Xapian::docid did, const ng_word_run &run)
{
    if (!active_ || !in_order(did))
        return;
    unsigned top = 0;
    for (unsigned p : run.positions)
        top = std::max(top, p);
    if (top > MAX_POSITION) {
        drop();
        return;
    }
    at_.assign(top, 0);
    terms_.clear();
    const char *term = run.terms.c_str();
    for (unsigned p : run.positions) {
        const size_t len = strlen(term);
        if (p == 0 || at_[p - 1] != 0) { /* two words at one position: not kept */
            drop();
            return;
        }
        at_[p - 1] = 1;
        terms_.emplace_back(term, len);
        term += len + 1;
    }
    ids_.resize(terms_.size());
    words_.ids(terms_.data(), terms_.size(), ids_.data());
    for (size_t i = 0; i < ids_.size(); i++)
        at_[run.positions[i] - 1] = ids_[i];
    for (uint32_t id : at_)
        put_varint(pending_, id);
    added(did);
}

/* The entries of the documents after the last written up to TO: each the
 * end of its run, or of the one before when it has none. */
bool ng_forward_writer::write_entries(Xapian::docid to)
{
    if (to <= entered_)
        return true;
    std::vector<unsigned char> entries((to - entered_) * ENTRY);
    size_t next = 0;
    for (Xapian::docid did = entered_ + 1; did <= to; did++) {
        if (next < ends_.size() && ends_[next].first == did)
            entered_end_ = ends_[next++].second;
        put_entry(&entries[(did - entered_ - 1) * ENTRY], entered_end_);
    }
    const int index = ::open((dir_ + "/" NG_FORWARD_INDEX).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    bool ok = index >= 0 && ng_pwrite_all(index, entries.data(), entries.size(), static_cast<off_t>(HEADER + entered_ * ENTRY));
    if (index >= 0)
        ok = close(index) == 0 && ok;
    ends_.erase(ends_.begin(), ends_.begin() + static_cast<std::ptrdiff_t>(next));
    entered_ = to;
    return ok;
}

/* Write the pending runs and their entries beyond what the header counts. */
bool ng_forward_writer::spill()
{
    const int data = ::open((dir_ + "/" NG_FORWARD_FILE).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    bool ok = data >= 0 && ng_pwrite_all(data, pending_.data(), pending_.size(), static_cast<off_t>(data_end_ + spilled_));
    if (data >= 0)
        ok = close(data) == 0 && ok;
    spilled_ += pending_.size();
    pending_.clear();
    return ok && write_entries(last_added_);
}

/* Write out the runs added, the words, the index's entries up to DB's last
 * document, then its header that counts them. */
bool ng_forward_writer::write_out(const Xapian::Database &db)
{
    const Xapian::docid last = db.get_lastdocid();
    if (last < count_ || last_added_ > last || !spill())
        return false;
    bool ok = write_entries(last);
    if (ok && (words_.size() != saved_words_ || count_ == 0)) {
        /* the new words added after the file's lines; all of them in
         * order anew once those are many (a reader reads them one by one) */
        const std::string path = dir_ + "/" NG_WORDS_FILE;
        const uint32_t unsorted = words_.size() - words_.sorted();
        const bool anew = count_ == 0 || saved_words_ == 0 || (unsorted > UNSORTED_WORDS && unsorted > words_.sorted() / 8);
        ok = (!anew && words_.append(path, uuid_, saved_words_)) || words_.save(path, uuid_);
        if (ok)
            saved_words_ = words_.size();
    }
    const int index = ok ? ::open((dir_ + "/" NG_FORWARD_INDEX).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666) : -1;
    if (index >= 0) {
        unsigned char h[HEADER];
        make_header(h, uuid_, last);
        ok = ng_pwrite_all(index, h, HEADER, 0);
        ok = close(index) == 0 && ok;
    }
    prepared_ = last;
    return ok && index >= 0;
}

void ng_forward_writer::prepare(const Xapian::Database &db)
{
    if (active_ && !write_out(db))
        drop();
}

/* Back to what the files held at the last commit. */
void ng_forward_writer::restart()
{
    spilled_ = 0;
    entered_ = last_added_ = count_;
    entered_end_ = data_end_;
    pending_.clear();
    ends_.clear();
}

void ng_forward_writer::committed()
{
    if (!active_)
        return;
    data_end_ += spilled_;
    count_ = prepared_;
    restart();
}

void ng_forward_writer::abandoned()
{
    if (!active_)
        return;
    /* the files count what they held before; what was added goes */
    unsigned char h[HEADER];
    make_header(h, uuid_, count_);
    const int index = ::open((dir_ + "/" NG_FORWARD_INDEX).c_str(), O_WRONLY | O_CLOEXEC);
    const bool ok = index >= 0 && ng_pwrite_all(index, h, HEADER, 0);
    if (index >= 0)
        close(index);
    restart();
    if (!ok)
        drop();
}

/* --- the reader ---------------------------------------------------------- */

ng_forward_table::~ng_forward_table()
{
    unmap();
}

void ng_forward_table::unmap()
{
    if (index_)
        munmap(const_cast<unsigned char *>(index_), index_size_);
    if (data_)
        munmap(const_cast<unsigned char *>(data_), data_size_);
    if (words_)
        munmap(const_cast<unsigned char *>(words_), words_size_);
    if (pairs_)
        munmap(const_cast<unsigned char *>(pairs_), pairs_size_);
    if (data_fd_ >= 0)
        close(data_fd_);
    data_fd_ = -1;
    index_ = data_ = words_ = pairs_ = nullptr;
    index_size_ = data_size_ = words_size_ = words_start_ = pairs_size_ = 0;
    count_ = pairs_count_ = 0;
}

bool ng_forward_table::bind(const Xapian::Database &db, const std::string &dir)
{
    const Xapian::rev rev = db.get_revision();
    if (&db == db_ && rev == rev_)
        return index_ != nullptr;
    unmap();
    db_ = &db;
    rev_ = rev;
    last_ = db.get_lastdocid();
    const std::string uuid = db.get_uuid();
    if (!ng_map_file(dir + "/" NG_FORWARD_INDEX, HEADER, &index_, &index_size_) || !ng_header_of(index_, MAGIC, uuid)) {
        unmap();
        return false;
    }
    count_ = std::min<Xapian::docid>(ng_le32(index_ + COUNT_AT), static_cast<Xapian::docid>((index_size_ - HEADER) / ENTRY));
    const uint64_t data_end = count_ ? get_entry(index_ + HEADER + (count_ - 1) * ENTRY) : 0;
    /* an empty file cannot be mapped: a database of empty passages has no runs to read */
    const bool data_ok =
        data_end == 0 || ng_map_file(dir + "/" NG_FORWARD_FILE, static_cast<size_t>(data_end), &data_, &data_size_);
    if (data_)
        data_fd_ = open((dir + "/" NG_FORWARD_FILE).c_str(), O_RDONLY | O_CLOEXEC);
    const size_t header = words_header(uuid, 0, 0, 0).size();
    uint32_t n, sorted;
    uint64_t sorted_end;
    if (!data_ok || !ng_map_file(dir + "/" NG_WORDS_FILE, header, &words_, &words_size_) ||
        !parse_words_header(std::string_view(reinterpret_cast<const char *>(words_), header), uuid, &n, &sorted,
                            &sorted_end) ||
        sorted_end > words_size_) {
        unmap();
        return false;
    }
    words_start_ = header;
    sorted_end_ = static_cast<size_t>(sorted_end);
    unsorted_ = n - sorted;
    /* the pairs file, when there is one of this database */
    const size_t table = HEADER + PAIRS * PAIR_ENTRY;
    if (ng_map_file(dir + "/" NG_PAIRS_FILE, table, &pairs_, &pairs_size_)) {
        if (memcmp(pairs_, PAIRS_MAGIC, sizeof PAIRS_MAGIC) == 0 &&
            memcmp(pairs_ + sizeof PAIRS_MAGIC, uuid.c_str(), uuid.size() + 1) == 0 &&
            table + le64(pairs_ + HEADER + (PAIRS - 1) * PAIR_ENTRY) <= pairs_size_) {
            pairs_count_ = std::min(ng_le32(pairs_ + COUNT_AT), count_);
        } else {
            munmap(const_cast<unsigned char *>(pairs_), pairs_size_);
            pairs_ = nullptr;
            pairs_size_ = 0;
        }
    }
    return true;
}

bool ng_forward_table::pair(uint32_t a, uint32_t b, const unsigned char **p, size_t *n, Xapian::docid *count) const
{
    if (!pairs_ || a == 0 || b == 0 || a > NG_PAIR_WORDS || b > NG_PAIR_WORDS)
        return false;
    const size_t i = (a - 1) * size_t{NG_PAIR_WORDS} + (b - 1);
    const unsigned char *entry = pairs_ + HEADER + i * PAIR_ENTRY;
    const uint64_t start = i == 0 ? 0 : le64(entry - PAIR_ENTRY), end = le64(entry);
    *p = pairs_ + HEADER + PAIRS * PAIR_ENTRY + start;
    *n = static_cast<size_t>(end - start);
    *count = ng_le32(entry + 8);
    return start <= end;
}

uint32_t ng_forward_table::find(std::string_view term) const
{
    if (!words_)
        return 0;
    /* bisect the lines of [lo, hi): LO is always a line's start */
    const char *base = reinterpret_cast<const char *>(words_);
    const char *lo = base + words_start_, *hi = base + sorted_end_;
    /* the words added since they were last sorted, one by one */
    const char *at = hi, *end = base + words_size_;
    for (uint32_t i = 0; i < unsorted_ && at < end; i++) {
        const char *tab = static_cast<const char *>(memchr(at, '\t', static_cast<size_t>(end - at)));
        const char *nl = tab ? static_cast<const char *>(memchr(tab, '\n', static_cast<size_t>(end - tab))) : NULL;
        if (!nl)
            break;
        if (term == std::string_view(at, static_cast<size_t>(tab - at)))
            return static_cast<uint32_t>(strtoul(tab + 1, NULL, 10));
        at = nl + 1;
    }
    while (lo < hi) {
        const char *line = lo + (hi - lo) / 2;
        while (line > lo && line[-1] != '\n')
            line--;
        const char *tab = static_cast<const char *>(memchr(line, '\t', static_cast<size_t>(hi - line)));
        const char *nl = tab ? static_cast<const char *>(memchr(tab, '\n', static_cast<size_t>(hi - tab))) : NULL;
        if (!nl)
            return 0; /* a broken file finds nothing */
        const int cmp = term.compare(std::string_view(line, static_cast<size_t>(tab - line)));
        if (cmp == 0)
            return static_cast<uint32_t>(strtoul(tab + 1, NULL, 10));
        if (cmp < 0)
            hi = line;
        else
            lo = nl + 1;
    }
    return 0;
}

/* The pages of the map at P (SIZE bytes) mapped now, as far as the kernel
 * can (MADV_POPULATE_READ, Linux 5.14; elsewhere faulted as touched). */
static void populate(const unsigned char *p, size_t size)
{
#ifdef MADV_POPULATE_READ
    if (p && size)
        madvise(const_cast<unsigned char *>(p), size, MADV_POPULATE_READ);
#else
    (void)p;
    (void)size;
#endif
}

bool ng_forward_table::run(Xapian::docid did, const unsigned char **p, size_t *n) const
{
    if (did == 0 || did > count_)
        return false;
    const uint64_t start = did == 1 ? 0 : get_entry(index_ + HEADER + (did - 2) * ENTRY);
    const uint64_t end = get_entry(index_ + HEADER + (did - 1) * ENTRY);
    if (start > end || end > data_size_)
        return false;
    *n = static_cast<size_t>(end - start);
    /* A process's first runs are read, not touched in the map: a page
     * touched first costs a fault, about 14 us on this machine's VM against
     * 1.9 us for a pread of a run (2,000 runs at random), and one newsgrep
     * process reads a few thousand runs at most. A process that goes on
     * reading (a library that serves many queries) maps them, all at once:
     * the kernel maps the 125 MB of runs of the 500 MB benchmark index in
     * about 6 ms, where faults one page at a time cost its first phrases
     * after the switch a few ms each. */
    if (reads_ <= READS_BEFORE_MAP && data_fd_ >= 0) {
        if (reads_++ == READS_BEFORE_MAP) {
            if (!in_order_) {
                populate(data_, data_size_);
                populate(index_, index_size_);
            }
            return run(did, p, n);
        }
        buffer_.resize(*n);
        size_t got = 0;
        while (got < *n) {
            const ssize_t r = pread(data_fd_, &buffer_[got], *n - got, static_cast<off_t>(start + got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return false;
            got += static_cast<size_t>(r);
        }
        *p = buffer_.data();
        return true;
    }
    *p = data_ + start;
    return true;
}

bool ng_forward_table::words(Xapian::docid did, std::vector<uint32_t> &out) const
{
    const unsigned char *p;
    size_t n;
    out.clear();
    if (!run(did, &p, &n))
        return false;
    out.resize(n); /* at most one word a byte */
    size_t k = 0;
    const unsigned char *stop = p + n;
    while (p < stop) {
        if (*p < 0x80) { /* most words: one byte */
            out[k++] = *p++;
            continue;
        }
        if (!get_varint(&p, stop, &out[k++]))
            return false;
    }
    out.resize(k);
    return true;
}

void ng_forward_table::done_before(Xapian::docid did) const
{
    if (!data_ || did < 2 || did > count_ + 1)
        return;
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t upto = static_cast<size_t>(get_entry(index_ + HEADER + (did - 2) * ENTRY)) / page * page;
    if (upto > 0)
        madvise(const_cast<unsigned char *>(data_), upto, MADV_DONTNEED);
    const size_t entries = (HEADER + (did - 1) * ENTRY) / page * page;
    if (entries > 0)
        madvise(const_cast<unsigned char *>(index_), entries, MADV_DONTNEED);
}

/* --- the merge ----------------------------------------------------------- */

namespace
{

/* The first and last documents of DB (0, 0 when it has none). */
void used_range(const Xapian::Database &db, Xapian::docid *first, Xapian::docid *last)
{
    *first = *last = 0;
    for (Xapian::PostingIterator d = db.postlist_begin(std::string()); d != db.postlist_end(std::string()); ++d) {
        if (!*first)
            *first = *d;
        *last = *d;
    }
}

/* DB's words into OUT (every unprefixed term: a passage's word; prefixes
 * are capital letters), in their order, and into RANK the new id of each:
 * the commonest first, by collection frequency. */
void words_by_frequency(const Xapian::Database &db, ng_word_ids &out, std::vector<uint32_t> &rank)
{
    std::vector<Xapian::termcount> freq{0};
    for (Xapian::TermIterator t = db.allterms_begin(); t != db.allterms_end(); ++t) {
        const std::string &term = *t;
        if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z'))
            continue;
        out.id(term);
        freq.push_back(db.get_collection_freq(term));
    }
    std::vector<uint32_t> order(out.size());
    for (uint32_t i = 0; i < order.size(); i++)
        order[i] = i + 1;
    std::stable_sort(order.begin(), order.end(), [&freq](uint32_t a, uint32_t b) { return freq[a] > freq[b]; });
    rank.assign(out.size() + size_t{1}, 0);
    for (uint32_t i = 0; i < order.size(); i++)
        rank[order[i]] = i + 1;
}

class file_writer
{
  public:
    explicit file_writer(const std::string &path) : f_(fopen(path.c_str(), "we"))
    {
    }
    ~file_writer()
    {
        if (f_)
            fclose(f_);
    }
    bool put(const void *p, size_t n)
    {
        ok_ = ok_ && f_ && fwrite(p, 1, n, f_) == n;
        return ok_;
    }
    bool finish()
    {
        const bool ok = f_ && ok_ && fclose(f_) == 0;
        f_ = NULL;
        return ok;
    }

  private:
    FILE *f_;
    bool ok_ = true;
};

/* The pairs' lists, as a merge makes them (NG_PAIRS_FILE). */
class pair_lists
{
  public:
    pair_lists() : data_(PAIRS), last_(PAIRS, 0), count_(PAIRS, 0)
    {
    }
    /* word A just before word B in passage DID (not before the last one added) */
    void add(uint32_t a, uint32_t b, Xapian::docid did)
    {
        if (a == 0 || b == 0 || a > NG_PAIR_WORDS || b > NG_PAIR_WORDS)
            return;
        const size_t i = (a - 1) * size_t{NG_PAIR_WORDS} + (b - 1);
        if (last_[i] == did)
            return;
        put_varint(data_[i], did - last_[i]);
        last_[i] = did;
        count_[i]++;
    }
    bool save(const std::string &path, const std::string &uuid, Xapian::docid count) const
    {
        file_writer f(path);
        unsigned char h[HEADER];
        make_header(h, uuid, count);
        memcpy(h, PAIRS_MAGIC, sizeof PAIRS_MAGIC);
        bool ok = f.put(h, HEADER);
        uint64_t end = 0;
        unsigned char e[PAIR_ENTRY];
        for (size_t i = 0; ok && i < PAIRS; i++) {
            end += data_[i].size();
            put64(e, end);
            ng_put_le32(e + 8, count_[i]);
            ok = f.put(e, sizeof e);
        }
        for (size_t i = 0; ok && i < PAIRS; i++)
            ok = f.put(data_[i].data(), data_[i].size());
        return f.finish() && ok;
    }

  private:
    std::vector<std::string> data_;
    std::vector<Xapian::docid> last_;
    std::vector<uint32_t> count_;
};

} // namespace

static bool merge_files(const std::vector<std::string> &sources, const Xapian::Database &dest,
                        const std::string &dest_dir, const ng_text_words &text)
{
    const Xapian::docid dest_last = dest.get_lastdocid();
    /* each source's documents are shifted as the compaction shifted them:
     * its first one to just after the last one of the sources before it */
    std::vector<Xapian::docid> offsets;
    Xapian::docid total = 0;
    for (const std::string &source : sources) {
        Xapian::Database db(source);
        Xapian::docid first, last;
        used_range(db, &first, &last);
        if (first)
            total -= first - 1;
        offsets.push_back(total);
        total += last;
    }
    if (total != dest_last)
        return false;
    ng_word_ids words;
    std::vector<uint32_t> rank;
    words_by_frequency(dest, words, rank);
    const std::string data_path = dest_dir + "/" NG_FORWARD_FILE;
    file_writer data(data_path);
    std::vector<uint64_t> ends(dest_last + size_t{1}, 0);
    uint64_t end = 0;
    Xapian::docid filled = 0; /* the entries set in ENDS */
    std::string run;
    std::vector<uint32_t> ids;
    std::vector<std::string> terms;
    std::vector<uint32_t> mapped; /* a run's words, in DEST's ids */
    pair_lists pairs;
    size_t runs = 0;
    Xapian::PostingIterator live = dest.postlist_begin(std::string());
    for (size_t i = 0; i < sources.size(); i++) {
        Xapian::Database db(sources[i]);
        /* the source's files as far as they go; its text beyond */
        ng_forward_table table;
        std::vector<uint32_t> remap;
        uint32_t n = 0, sorted = 0;
        uint64_t lines_end = 0;
        table.in_order();
        const bool files = table.bind(db, sources[i]) &&
                           read_words(sources[i] + "/" NG_WORDS_FILE, db.get_uuid(), &n, &sorted, &lines_end,
                                      [&](std::string_view t, uint32_t id) {
                               if (remap.size() <= id)
                                   remap.resize(id + size_t{1}, 0);
                               remap[id] = rank[words.find(t)];
                           });
        for (Xapian::PostingIterator d = db.postlist_begin(std::string()); d != db.postlist_end(std::string()); ++d) {
            const Xapian::docid to = *d + offsets[i];
            /* a passage dropped after the compaction (an older version) is left out */
            live.skip_to(to);
            if (live == dest.postlist_end(std::string()) || *live != to)
                continue;
            run.clear();
            mapped.clear();
            if (files && table.words(*d, ids)) {
                for (uint32_t id : ids)
                    mapped.push_back(id < remap.size() ? remap[id] : 0);
            } else {
                if (!text(db, *d, terms))
                    return false;
                for (const std::string &t : terms)
                    mapped.push_back(t.empty() ? 0 : rank[words.find(t)]);
            }
            for (size_t k = 0; k < mapped.size(); k++) {
                put_varint(run, mapped[k]);
                if (k > 0)
                    pairs.add(mapped[k - 1], mapped[k], to);
            }
            if (!data.put(run.data(), run.size()))
                return false;
            if (++runs % 65536 == 0)
                table.done_before(*d);
            while (filled < to)
                ends[++filled] = end;
            end += run.size();
            ends[to] = end;
        }
    }
    while (filled < dest_last)
        ends[++filled] = end;
    const std::string uuid = dest.get_uuid();
    if (!data.finish() || !words.save(dest_dir + "/" NG_WORDS_FILE, uuid, &rank))
        return false;
    file_writer index(dest_dir + "/" NG_FORWARD_INDEX);
    unsigned char h[HEADER];
    make_header(h, uuid, dest_last);
    bool ok = index.put(h, HEADER);
    unsigned char e[ENTRY];
    for (Xapian::docid did = 1; ok && did <= dest_last; did++) {
        put_entry(e, ends[did]);
        ok = index.put(e, ENTRY);
    }
    if (!index.finish() || !ok)
        return false;
    if (!pairs.save(dest_dir + "/" NG_PAIRS_FILE, uuid, dest_last))
        unlink((dest_dir + "/" NG_PAIRS_FILE).c_str()); /* phrases do without */
    return true;
}

void ng_forward_merge(const std::vector<std::string> &sources, const Xapian::Database &dest,
                      const std::string &dest_dir, const ng_text_words &text)
{
    remove_files(dest_dir);
    if (!merge_files(sources, dest, dest_dir, text))
        remove_files(dest_dir);
}

/* --- the filter ---------------------------------------------------------- */

namespace
{

struct sequence_pattern {
    ng_sequence_kind kind;
    unsigned window;
    std::vector<std::vector<std::string>> slots;
};

/* Ids for the words of a query that a forward table does not have: above
 * any it gives (they stand only in passages read from their text). */
const uint32_t UNLISTED = 0x80000000u;

/* The passages, among those the match asks about, whose words stand as a
 * pattern says. */
class sequence_source : public Xapian::PostingSource, public ng_phrase_leaves::counter
{
  public:
    sequence_source(std::shared_ptr<const sequence_pattern> pattern, std::shared_ptr<const ng_forward_set> set,
                    std::shared_ptr<ng_phrase_leaves> phrase)
        : pattern_(std::move(pattern)), set_(std::move(set)), phrase_(std::move(phrase))
    {
    }
    ~sequence_source() override
    {
        if (counter_)
            counter_->to = nullptr;
    }
    void init(const Xapian::Database &db) override
    {
        leaves_.clear();
        if (phrase_)
            leaves_ = phrase_->take();
        db_ = db;
        last_ = db.get_lastdocid();
        size_ = db.get_doccount();
        did_ = 0;
        started_ = ended_ = none_ = false;
        table_ = nullptr;
        const std::string uuid = db.get_uuid();
        for (const auto &t : set_->tables)
            if (t.first == uuid)
                table_ = t.second;
        /* with every document in the table, a word it lacks is in none */
        const bool whole = table_ && table_->complete();
        ids_.clear();
        term_ids_.clear();
        for (const std::vector<std::string> &slot : pattern_->slots) {
            std::vector<uint32_t> ids;
            bool listed = false;
            for (const std::string &term : slot) {
                uint32_t id = table_ ? table_->find(term) : 0;
                listed = listed || id != 0;
                if (!id)
                    id = UNLISTED + static_cast<uint32_t>(term_ids_.size());
                id = term_ids_.emplace(term, id).first->second;
                ids.push_back(id);
            }
            std::sort(ids.begin(), ids.end());
            none_ = none_ || ids.empty() || (whole && !listed);
            ids_.push_back(std::move(ids));
        }
        none_ = none_ || ids_.empty();
        /* a phrase of words the table has: matched on its bytes */
        exact_.clear();
        bool single = pattern_->kind == NG_SEQ_ORDERED && pattern_->window == ids_.size();
        for (const std::vector<uint32_t> &ids : ids_)
            single = single && ids.size() == 1 && ids[0] < UNLISTED;
        anchor_at_ = 0;
        for (size_t i = 0, rarest = 0; single && i < ids_.size(); i++) {
            if (ids_[i][0] > rarest) {
                rarest = ids_[i][0];
                anchor_at_ = exact_.size();
            }
            put_varint(exact_, ids_[i][0]);
        }
        /* and led by the lists of its pairs of common words, when it has
         * any: the passages in all of them */
        leads_.clear();
        lead_limit_ = 0;
        lead_count_ = 0;
        for (size_t i = 0; !exact_.empty() && i + 1 < ids_.size(); i++) {
            pair_cursor c;
            size_t n;
            Xapian::docid count;
            if (table_->pair(ids_[i][0], ids_[i + 1][0], &c.at, &n, &count)) {
                c.end = c.at + n;
                leads_.push_back(c);
                lead_count_ = leads_.size() == 1 ? count : std::min(lead_count_, count);
                lead_limit_ = table_->pairs_count();
            }
        }
        /* The words of most passages (but the rarest word) are not read
         * from their postings but taken as the filter finds them (from_run) */
        from_run_.assign(ids_.size(), false);
        if (counter_)
            counter_->to = nullptr;
        counter_ = std::make_shared<ng_phrase_leaves::counter_link>(ng_phrase_leaves::counter_link{this});
        counted_did_ = 0;
        if (!exact_.empty() && leaves_.size() == ids_.size()) {
            size_t rarest = 0;
            for (size_t i = 0; i < leaves_.size(); i++)
                if (!leaves_[i]->to)
                    rarest = leaves_.size(); /* a leaf gone: none */
                else if (rarest < leaves_.size() && leaves_[i]->to->termfreq() < leaves_[rarest]->to->termfreq())
                    rarest = i;
            for (size_t i = 0; rarest < leaves_.size() && i < leaves_.size(); i++)
                if (i != rarest && leaves_[i]->to->termfreq() >= size_ / 2) {
                    from_run_[i] = true;
                    leaves_[i]->to->from_run(counter_, i);
                }
        }
        /* Lists no shorter than a word's postings lead nothing: the AND
         * is better led by the word, with this filter checked last, after
         * all the words (and passed over when they weigh too little). */
        for (size_t i = 0; !leads_.empty() && i < pattern_->slots.size(); i++)
            if (db.get_termfreq(pattern_->slots[i][0]) <= lead_count_ + (last_ - std::min(last_, lead_limit_)))
                leads_.clear();
    }
    Xapian::doccount get_termfreq_min() const override
    {
        return 0;
    }
    /* as many as there are documents, so that an AND checks the others
     * first; or led by pairs' lists, the shortest's passages and those
     * after it */
    Xapian::doccount get_termfreq_est() const override
    {
        return !leads_.empty() ? std::min<Xapian::doccount>(size_, lead_count_ + (last_ - std::min(last_, lead_limit_)))
                               : size_;
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return get_termfreq_est();
    }
    void next(double) override
    {
        walk(started_ ? did_ + 1 : 1);
    }
    void skip_to(Xapian::docid did, double) override
    {
        if (started_ && (ended_ || did_ >= did))
            return;
        walk(did);
    }
    bool check(Xapian::docid did, double min_wt) override
    {
        started_ = true;
        if (none_) {
            ended_ = true;
            return true;
        }
        did_ = did;
        return !too_light(did, min_wt) && holds(did);
    }
    bool at_end() const override
    {
        return ended_;
    }
    Xapian::docid get_docid() const override
    {
        return did_;
    }
    Xapian::PostingSource *clone() const override
    {
        return new sequence_source(pattern_, set_, phrase_);
    }
    std::string get_description() const override
    {
        return "sequence_source";
    }

  private:
    /* Whether the phrase's words, all on DID, weigh less than DID needs
     * from them. MIN_WT is what the AND above passes this filter, which
     * weighs nothing: the least the document needs, less the most of all
     * the AND's leaves (the phrase's words and any beside them); so the
     * words need MIN_WT and their own most. (Less a little, for rounding,
     * as bm25_source settles.) */
    bool too_light(Xapian::docid did, double min_wt) const
    {
        if (leaves_.empty())
            return false;
        for (const std::shared_ptr<ng_phrase_leaves::link> &l : leaves_)
            if (!l->to || !l->to->on(did))
                return false;
        double weight = 0, most = 0;
        for (size_t i = 0; i < leaves_.size(); i++) {
            const double m = leaves_[i]->to->most();
            weight += from_run_[i] ? m : leaves_[i]->to->weight(); /* not counted yet: at most */
            most += m;
        }
        return weight < min_wt + most - 1e-9 * most;
    }
    /* The wdf of word SLOT in DID, which holds the pattern (its words
     * read once for all the words asked about) */
    Xapian::termcount wdf_in(Xapian::docid did, size_t slot) override
    {
        if (did != counted_did_) {
            counted_did_ = did;
            counted_.clear();
            if (read(did))
                for (size_t i = 0; i < from_run_.size(); i++)
                    counted_.push_back(from_run_[i] ? static_cast<Xapian::termcount>(std::count(
                                                           words_.begin(), words_.end(), ids_[i][0]))
                                                     : 0);
        }
        return slot < counted_.size() ? counted_[slot] : 0;
    }
    /* to the first document from DID that holds the pattern */
    void walk(Xapian::docid did)
    {
        started_ = true;
        if (none_) {
            ended_ = true;
            return;
        }
        /* the passages in all the pairs' lists, then every one after those
         * they cover */
        while (!leads_.empty() && did <= lead_limit_) {
            /* each list on to DID, and DID on to the furthest, until all agree */
            for (size_t i = 0, agreed = 0; agreed < leads_.size(); i = (i + 1) % leads_.size()) {
                pair_cursor &c = leads_[i];
                uint32_t gap;
                while (c.did < did && c.did <= lead_limit_)
                    c.did = get_varint(&c.at, c.end, &gap) ? c.did + gap : lead_limit_ + 1;
                if (c.did > lead_limit_) {
                    did = lead_limit_ + 1;
                    break;
                }
                agreed = c.did == did ? agreed + 1 : 1;
                did = c.did;
            }
            if (did > lead_limit_)
                break;
            /* a phrase of two words is what their pair's list holds */
            if (ids_.size() == 2 || holds(did)) {
                did_ = did;
                return;
            }
            did++;
        }
        for (did_ = did; did_ <= last_ && did_ != 0; did_++)
            if (holds(did_))
                return;
        ended_ = true;
    }
    bool in(size_t slot, uint32_t id) const
    {
        const std::vector<uint32_t> &ids = ids_[slot];
        return id != 0 && (ids.size() == 1 ? ids[0] == id : std::binary_search(ids.begin(), ids.end(), id));
    }
    /* the words of DID, from the table or else from the passage's text */
    bool read(Xapian::docid did)
    {
        if (table_ && table_->words(did, words_))
            return true;
        if (!set_->text || !set_->text(db_, did, terms_))
            return false;
        words_.clear();
        for (const std::string &t : terms_) {
            auto it = term_ids_.find(t);
            words_.push_back(it == term_ids_.end() ? 0 : it->second);
        }
        return true;
    }
    bool holds(Xapian::docid did)
    {
        const unsigned char *run;
        size_t n;
        if (!exact_.empty() && table_ && table_->run(did, &run, &n))
            return adjacent(run, n);
        if (!read(did))
            return false;
        return pattern_->kind == NG_SEQ_ORDERED ? ordered() : near();
    }
    /* A phrase of single words, from the run's bytes as they are: its
     * words' varints one after the other (exact_), starting where a
     * varint starts (after a byte under 0x80). */
    bool adjacent(const unsigned char *run, size_t n) const
    {
        /* found by its rarest word's bytes (anchor_), which stand less
         * often in a run than a common word's single byte */
        const unsigned char *end = run + n, *phrase = reinterpret_cast<const unsigned char *>(exact_.data());
        const unsigned char *anchor = phrase + anchor_at_;
        const size_t len = exact_.size();
        if (n < len)
            return false;
        for (const unsigned char *at = run + anchor_at_, *last = end - (len - anchor_at_); at <= last; at++) {
            at = static_cast<const unsigned char *>(memchr(at, anchor[0], static_cast<size_t>(last - at) + 1));
            if (!at)
                return false;
            const unsigned char *start = at - anchor_at_;
            if ((start == run || start[-1] < 0x80) && memcmp(start, phrase, len) == 0)
                return true;
        }
        return false;
    }
    /* the slots' words in order, the first and last within the window */
    bool ordered() const
    {
        const size_t len = words_.size(), n = ids_.size(), window = pattern_->window;
        for (size_t start = 0; start < len; start++) {
            if (!in(0, words_[start]))
                continue;
            const size_t limit = std::min(len, start + window); /* positions before it */
            size_t at = start, i = 1;
            for (; i < n; i++) {
                do
                    at++;
                while (at < limit && !in(i, words_[at]));
                if (at >= limit)
                    break;
            }
            if (i == n)
                return true;
        }
        return false;
    }
    /* slot I and the ones after it at distinct free positions of [FROM, LIMIT) */
    bool place(size_t i, size_t from, size_t limit)
    {
        if (i == ids_.size())
            return true;
        for (size_t at = from; at < limit; at++) {
            if (used_[at - from] || !in(i, words_[at]))
                continue;
            used_[at - from] = 1;
            const bool placed = place(i + 1, from, limit);
            used_[at - from] = 0;
            if (placed)
                return true;
        }
        return false;
    }
    /* the slots' words in any order, at distinct positions within the window */
    bool near()
    {
        const size_t len = words_.size(), window = pattern_->window;
        used_.assign(window, 0);
        for (size_t start = 0; start < len; start++) {
            bool any = false;
            for (size_t i = 0; i < ids_.size() && !any; i++)
                any = in(i, words_[start]);
            if (any && place(0, start, std::min(len, start + window)))
                return true;
        }
        return false;
    }

    std::shared_ptr<const sequence_pattern> pattern_;
    std::shared_ptr<const ng_forward_set> set_;
    std::shared_ptr<ng_phrase_leaves> phrase_;
    std::vector<std::shared_ptr<ng_phrase_leaves::link>> leaves_; /* the phrase's words on this database */
    std::vector<bool> from_run_;                           /* which of them are taken from the runs */
    std::shared_ptr<ng_phrase_leaves::counter_link> counter_; /* to this, for them */
    Xapian::docid counted_did_ = 0;                        /* the document last counted, */
    std::vector<Xapian::termcount> counted_;               /* and their wdf there */
    Xapian::Database db_;
    const ng_forward_table *table_ = nullptr;
    std::vector<std::vector<uint32_t>> ids_;               /* each slot's word ids, in order */
    std::string exact_;                                    /* a phrase's words' varints, or "" */
    size_t anchor_at_ = 0;                                 /* where its rarest word's start in it */
    /* where a pair's list that leads is read: the rest of it, and the
     * last passage read from it */
    struct pair_cursor {
        const unsigned char *at = nullptr, *end = nullptr;
        Xapian::docid did = 0;
    };
    std::vector<pair_cursor> leads_;
    Xapian::docid lead_limit_ = 0;    /* the last passage the lists cover */
    Xapian::doccount lead_count_ = 0; /* the passages of the shortest */
    std::unordered_map<std::string, uint32_t> term_ids_; /* the ids of the slots' words */
    std::vector<uint32_t> words_;                          /* the document's words */
    std::vector<std::string> terms_;                       /* the same read from its text */
    std::vector<unsigned char> used_;                      /* the window's positions taken */
    Xapian::docid did_ = 0, last_ = 0;
    Xapian::doccount size_ = 0;
    bool started_ = false, ended_ = false, none_ = false;
};

} // namespace

Xapian::Query ng_sequence_filter(const std::shared_ptr<const ng_forward_set> &set, ng_sequence_kind kind,
                                 unsigned window, const std::vector<std::vector<std::string>> &slots,
                                 std::shared_ptr<ng_phrase_leaves> phrase)
{
    auto pattern = std::make_shared<sequence_pattern>(sequence_pattern{kind, window, slots});
    return Xapian::Query((new sequence_source(pattern, set, std::move(phrase)))->release());
}
