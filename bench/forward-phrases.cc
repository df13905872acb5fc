/* A measurement, not part of newsgrep: phrases matched from a forward file
 * of each passage's words, against Xapian's own phrase match on the same
 * index (BENCHMARKS.md, "Phrases from a forward file").
 *
 *   bench/forward-phrases build INDEX DIR
 *       writes DIR/words (each word of INDEX that has positions, by
 *       collection frequency, one a line: its id is its line number),
 *       DIR/forward (each passage's words as ids in position order, varints;
 *       0 where a position holds no word), DIR/offsets (where each document
 *       id's words start, 8 bytes each) and DIR/articles (each document id's
 *       article as a number, 4 bytes), all read back from INDEX's positions
 *   bench/forward-phrases pairs DIR K
 *       writes DIR/pairs-K and DIR/pairs-K.offsets: for each pair of words
 *       both among the K commonest (ids 1 to K), the passages in which the
 *       two stand next to each other in that order (document ids as
 *       varint gaps), read from DIR/forward
 *   bench/forward-phrases match INDEX DIR QUERIES [RUNS] [COMMON] [K]
 *       for each phrase of QUERIES (mode TAB query, bench/queries.tsv), the
 *       best 30 passages collapsed by article, as newsgrep's phrase match
 *       gives them before its article scores: by Xapian (OP_PHRASE,
 *       BM25Weight 1.2, 0, 1, 0.75, 0.5, collapsed on the article slot), and
 *       from DIR; prints the phrase, the medians of RUNS runs of each in ms,
 *       whether both gave the same documents and weights, and how many
 *       passages the forward match read.
 *
 * The forward match: the words of the phrase in at most COMMON (0.5) of the
 * documents are ANDed through their posting lists, which give their wdf and
 * so their exact BM25 weights; the other words (such as "the") are counted
 * at their most. A document whose weight so bounded cannot join the best 30
 * articles is passed over; the others have their words read from the
 * forward file, which checks the phrase and counts the wdf of the words not
 * ANDed. Words are stemmed with Xapian's English stemmer, as newsgrep's
 * analyzer stems them. With K, a phrase that has two such words next to
 * each other is matched from their pairs' lists instead (the passages in
 * all of them, each read from the forward file), when those are fewer
 * than the passages of its rarest word. */
#include <config.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "layout.h"
#include "lengths.h"

namespace
{

const size_t BEST = 30;
/* newsgrep's BM25 (k1, b, min_normlen; k2 0, k3 1), for both matches */
const ng_bm25_params BM25{1.2, 0.75, 0.5};

void die(const std::string &what)
{
    fprintf(stderr, "forward-phrases: %s\n", what.c_str());
    exit(2);
}

FILE *create(const std::string &path)
{
    FILE *f = fopen(path.c_str(), "w");
    if (!f)
        die("cannot write " + path);
    return f;
}

void put_varint(std::vector<unsigned char> &out, uint32_t v)
{
    while (v >= 128) {
        out.push_back(static_cast<unsigned char>((v & 127) | 128));
        v >>= 7;
    }
    out.push_back(static_cast<unsigned char>(v));
}

uint32_t get_varint(const unsigned char *&p)
{
    uint32_t v = *p++;
    if (v & 128) {
        v &= 127;
        for (int shift = 7;; shift += 7) {
            const uint32_t c = *p++;
            v |= (c & 127) << shift;
            if (!(c & 128))
                break;
        }
    }
    return v;
}

int build(const std::string &index, const std::string &dir)
{
    Xapian::Database db(index);
    /* the words: terms with positions, which newsgrep's terms without a
     * capital prefix are */
    std::vector<std::pair<Xapian::termcount, std::string>> words;
    for (Xapian::TermIterator t = db.allterms_begin(); t != db.allterms_end(); ++t) {
        const std::string &w = *t;
        if (!w.empty() && !(w[0] >= 'A' && w[0] <= 'Z'))
            words.emplace_back(db.get_collection_freq(w), w);
    }
    std::sort(words.begin(), words.end(), [](const auto &a, const auto &b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    std::unordered_map<std::string, uint32_t> ids;
    FILE *f = create(dir + "/words");
    for (size_t i = 0; i < words.size(); i++) {
        ids[words[i].second] = static_cast<uint32_t>(i + 1);
        fprintf(f, "%s\n", words[i].second.c_str());
    }
    fclose(f);

    const Xapian::docid last = db.get_lastdocid();
    std::vector<uint64_t> offsets(last + 2, 0);
    std::vector<uint32_t> articles(last + 1, 0);
    std::unordered_map<std::string, uint32_t> article_numbers;
    std::vector<uint32_t> seq;
    std::vector<unsigned char> bytes;
    uint64_t at = 0;
    f = create(dir + "/forward");
    for (Xapian::docid did = 1; did <= last; did++) {
        offsets[did] = at;
        Xapian::Document doc;
        try {
            doc = db.get_document(did);
        } catch (const Xapian::DocNotFoundError &) {
            continue;
        }
        articles[did] = article_numbers.emplace(doc.get_value(NG_SLOT_ARTICLE), article_numbers.size() + 1).first->second;
        seq.clear();
        for (Xapian::TermIterator t = db.termlist_begin(did); t != db.termlist_end(did); ++t) {
            const auto id = ids.find(*t);
            if (id == ids.end())
                continue;
            for (Xapian::PositionIterator p = t.positionlist_begin(); p != t.positionlist_end(); ++p) {
                if (*p == 0)
                    continue;
                if (seq.size() < *p)
                    seq.resize(*p, 0);
                seq[*p - 1] = id->second;
            }
        }
        bytes.clear();
        for (uint32_t v : seq)
            put_varint(bytes, v);
        fwrite(bytes.data(), 1, bytes.size(), f);
        at += bytes.size();
    }
    offsets[last + 1] = at;
    fclose(f);
    f = create(dir + "/offsets");
    fwrite(offsets.data(), sizeof offsets[0], offsets.size(), f);
    fclose(f);
    f = create(dir + "/articles");
    fwrite(articles.data(), sizeof articles[0], articles.size(), f);
    fclose(f);
    printf("%u documents, %zu words, %llu bytes of words, %zu bytes of offsets\n", last, words.size(),
           static_cast<unsigned long long>(at), offsets.size() * sizeof offsets[0]);
    return 0;
}

const void *map_file(const std::string &path, size_t *size = nullptr)
{
    const int fd = open(path.c_str(), O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        die("cannot read " + path);
    void *map = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        die("cannot map " + path);
    if (size)
        *size = static_cast<size_t>(st.st_size);
    return map;
}

struct hit {
    double weight;
    Xapian::docid did;
};

bool before(const hit &a, const hit &b)
{
    return a.weight > b.weight || (a.weight == b.weight && a.did < b.did);
}

/* The best BEST articles, each by its best passage, as Xapian collapses. */
class best_articles
{
  public:
    /* The least weight a passage needs to change the best. */
    double needs() const
    {
        return best_.size() < BEST ? 0 : least_;
    }
    void offer(uint32_t article, const hit &h)
    {
        const auto it = best_.find(article);
        if (it != best_.end()) {
            if (!before(h, it->second))
                return;
            it->second = h;
        } else {
            best_.emplace(article, h);
            if (best_.size() > BEST) {
                auto worst = best_.begin();
                for (auto j = best_.begin(); j != best_.end(); ++j)
                    if (before(worst->second, j->second))
                        worst = j;
                best_.erase(worst);
            }
        }
        least_ = 1e300;
        for (const auto &j : best_)
            least_ = std::min(least_, j.second.weight);
    }
    std::vector<hit> sorted() const
    {
        std::vector<hit> out;
        for (const auto &j : best_)
            out.push_back(j.second);
        std::sort(out.begin(), out.end(), before);
        return out;
    }

  private:
    std::unordered_map<uint32_t, hit> best_;
    double least_ = 0;
};

struct forward_file {
    const unsigned char *words;
    const uint64_t *offsets;
    const uint32_t *articles;
};

/* Do the words [P, STOP) hold the phrase IDS (of at most 64 words)? With
 * WDF, all of them are read and each phrase word's count set in it; else
 * the reading stops at the phrase. */
bool holds_phrase(const unsigned char *p, const unsigned char *stop, const std::vector<uint32_t> &ids,
                  std::vector<unsigned> *wdf)
{
    const size_t k = ids.size();
    uint32_t last[64]; /* the last words read, by position modulo 64 */
    size_t seen = 0;
    bool found = false;
    if (wdf)
        std::fill(wdf->begin(), wdf->end(), 0);
    while (p < stop && (wdf || !found)) {
        const uint32_t v = get_varint(p);
        if (wdf)
            for (size_t i = 0; i < k; i++)
                (*wdf)[i] += v == ids[i];
        last[seen++ & 63] = v;
        if (found || v != ids[k - 1] || seen < k)
            continue;
        found = true;
        for (size_t i = 0; i < k && found; i++)
            found = last[(seen - k + i) & 63] == ids[i];
    }
    return found;
}

/* Each word of TERMS weighed by BM25 in DB, as Xapian's BM25Weight does. */
std::vector<ng_bm25> word_weights(const Xapian::Database &db, const std::vector<std::string> &terms)
{
    std::vector<ng_bm25> bm25(terms.size());
    for (size_t i = 0; i < terms.size(); i++) {
        bm25[i].p = BM25;
        bm25[i].init(db.get_doccount(), db.get_termfreq(terms[i]), 1, db.get_avlength(), 1);
    }
    return bm25;
}

/* The length of passage DID: from the index's array, else from Xapian. */
Xapian::termcount passage_length(const Xapian::Database &db, const ng_length_table &lengths, Xapian::docid did)
{
    Xapian::termcount len = 0;
    if (!lengths.get(did, &len))
        len = db.get_doclength(did);
    return len;
}

/* The BM25 weight of a passage of length LEN whose phrase words occur WDF
 * times. */
double passage_weight(const std::vector<ng_bm25> &bm25, const std::vector<unsigned> &wdf, Xapian::termcount len)
{
    double weight = 0;
    for (size_t i = 0; i < bm25.size(); i++)
        weight += bm25[i].weight(wdf[i], len);
    return weight;
}

/* The phrase TERMS (ids IDS) from the forward file: see the head of this file. */
std::vector<hit> forward_match(const Xapian::Database &db, const ng_length_table &lengths, const forward_file &ff,
                               const std::vector<std::string> &terms, const std::vector<uint32_t> &ids,
                               double common, size_t *read)
{
    const size_t k = terms.size();
    const Xapian::doccount n = db.get_doccount();
    const std::vector<ng_bm25> bm25 = word_weights(db, terms);
    std::vector<size_t> anded;
    double others_most = 0;
    const double least = db.get_doclength_lower_bound();
    for (size_t i = 0; i < k; i++) {
        if (db.get_termfreq(terms[i]) <= common * n)
            anded.push_back(i);
        else
            others_most += bm25[i].bound(db.get_wdf_upper_bound(terms[i]), least);
    }
    if (anded.empty()) { /* the rarest alone */
        size_t rarest = 0;
        for (size_t i = 1; i < k; i++)
            if (db.get_termfreq(terms[i]) < db.get_termfreq(terms[rarest]))
                rarest = i;
        anded.push_back(rarest);
        others_most -= bm25[rarest].bound(db.get_wdf_upper_bound(terms[rarest]), least);
    }
    std::sort(anded.begin(), anded.end(),
              [&](size_t a, size_t b) { return db.get_termfreq(terms[a]) < db.get_termfreq(terms[b]); });
    std::vector<Xapian::PostingIterator> its;
    for (size_t i : anded)
        its.push_back(db.postlist_begin(terms[i]));
    const Xapian::PostingIterator end;
    best_articles best;
    std::vector<unsigned> wdf(k);
    *read = 0;
    while (its[0] != end) {
        /* the next document every ANDed word is in */
        Xapian::docid did = *its[0];
        size_t a = 1;
        while (a < its.size()) {
            its[a].skip_to(did);
            if (its[a] == end)
                return best.sorted();
            if (*its[a] == did) {
                a++;
                continue;
            }
            its[0].skip_to(*its[a]);
            if (its[0] == end)
                return best.sorted();
            did = *its[0];
            a = 1;
        }
        const Xapian::termcount len = passage_length(db, lengths, did);
        double weight = 0;
        for (size_t j = 0; j < its.size(); j++)
            weight += bm25[anded[j]].weight(its[j].get_wdf(), len);
        ++its[0];
        if (weight + others_most < best.needs())
            continue;
        ++*read;
        const unsigned char *p = ff.words + ff.offsets[did], *const stop = ff.words + ff.offsets[did + 1];
        if (!holds_phrase(p, stop, ids, nullptr))
            continue;
        holds_phrase(p, stop, ids, &wdf);
        best.offer(ff.articles[did], hit{passage_weight(bm25, wdf, len), did});
    }
    return best.sorted();
}

int pairs(const std::string &dir, uint32_t k)
{
    size_t size;
    const unsigned char *words = static_cast<const unsigned char *>(map_file(dir + "/forward"));
    const uint64_t *offsets = static_cast<const uint64_t *>(map_file(dir + "/offsets", &size));
    const size_t docs = size / sizeof offsets[0] - 2;
    std::vector<std::vector<unsigned char>> lists(static_cast<size_t>(k) * k);
    std::vector<Xapian::docid> last(lists.size(), 0);
    for (Xapian::docid did = 1; did <= docs; did++) {
        const unsigned char *p = words + offsets[did], *const stop = words + offsets[did + 1];
        uint32_t before = 0;
        while (p < stop) {
            const uint32_t v = get_varint(p);
            if (before >= 1 && before <= k && v >= 1 && v <= k) {
                const size_t pair = static_cast<size_t>(before - 1) * k + (v - 1);
                if (last[pair] != did) {
                    put_varint(lists[pair], did - last[pair]);
                    last[pair] = did;
                }
            }
            before = v;
        }
    }
    const std::string name = dir + "/pairs-" + std::to_string(k);
    std::vector<uint64_t> at(lists.size() + 1, 0);
    FILE *f = create(name);
    for (size_t i = 0; i < lists.size(); i++) {
        fwrite(lists[i].data(), 1, lists[i].size(), f);
        at[i + 1] = at[i] + lists[i].size();
    }
    fclose(f);
    f = create(name + ".offsets");
    fwrite(at.data(), sizeof at[0], at.size(), f);
    fclose(f);
    printf("%zu pairs, %llu bytes of lists\n", lists.size(), static_cast<unsigned long long>(at.back()));
    return 0;
}

struct pair_lists {
    uint32_t k = 0;
    const unsigned char *lists = nullptr;
    const uint64_t *offsets = nullptr;
};

/* The phrase from the lists of its pairs of common words (PL), when it has
 * one; false when it has none. */
bool pair_match(const Xapian::Database &db, const ng_length_table &lengths, const forward_file &ff,
                const pair_lists &pl, const std::vector<std::string> &terms, const std::vector<uint32_t> &ids,
                size_t *read, std::vector<hit> &out)
{
    const size_t k = terms.size();
    std::vector<Xapian::docid> in, both;
    bool first = true;
    for (size_t i = 0; i + 1 < k; i++) {
        if (ids[i] > pl.k || ids[i + 1] > pl.k)
            continue;
        const size_t pair = static_cast<size_t>(ids[i] - 1) * pl.k + (ids[i + 1] - 1);
        std::vector<Xapian::docid> docs;
        Xapian::docid did = 0;
        for (const unsigned char *p = pl.lists + pl.offsets[pair]; p < pl.lists + pl.offsets[pair + 1];)
            docs.push_back(did += get_varint(p));
        if (first) {
            in.swap(docs);
            first = false;
        } else {
            both.clear();
            std::set_intersection(in.begin(), in.end(), docs.begin(), docs.end(), std::back_inserter(both));
            in.swap(both);
        }
    }
    if (first)
        return false;
    /* fewer passages to read than the rarest word has: else its AND */
    Xapian::doccount rarest = db.get_termfreq(terms[0]);
    for (const std::string &t : terms)
        rarest = std::min(rarest, db.get_termfreq(t));
    if (in.size() >= rarest)
        return false;
    const std::vector<ng_bm25> bm25 = word_weights(db, terms);
    best_articles best;
    std::vector<unsigned> wdf(k);
    *read = 0;
    for (Xapian::docid did : in) {
        ++*read;
        if (!holds_phrase(ff.words + ff.offsets[did], ff.words + ff.offsets[did + 1], ids, &wdf))
            continue;
        best.offer(ff.articles[did], hit{passage_weight(bm25, wdf, passage_length(db, lengths, did)), did});
    }
    out = best.sorted();
    return true;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

int match(const std::string &index, const std::string &dir, const std::string &queries, int runs, double common,
          uint32_t k)
{
    pair_lists pl;
    if (k > 0) {
        const std::string name = dir + "/pairs-" + std::to_string(k);
        pl = pair_lists{k, static_cast<const unsigned char *>(map_file(name)),
                        static_cast<const uint64_t *>(map_file(name + ".offsets"))};
    }
    Xapian::Database db(index);
    ng_length_table lengths;
    if (!lengths.bind(db, index))
        die("no lengths file in " + index);
    std::unordered_map<std::string, uint32_t> ids;
    {
        std::ifstream in(dir + "/words");
        std::string w;
        for (uint32_t id = 1; std::getline(in, w); id++)
            ids[w] = id;
    }
    const forward_file ff{static_cast<const unsigned char *>(map_file(dir + "/forward")),
                          static_cast<const uint64_t *>(map_file(dir + "/offsets")),
                          static_cast<const uint32_t *>(map_file(dir + "/articles"))};
    const Xapian::Stem stem("english");
    std::ifstream in(queries);
    std::string line;
    while (std::getline(in, line)) {
        const size_t tab = line.find('\t');
        if (tab == std::string::npos || line.compare(0, tab, "phrase") != 0)
            continue;
        const std::string text = line.substr(tab + 1);
        std::vector<std::string> terms;
        std::vector<uint32_t> term_ids;
        std::istringstream words(text);
        for (std::string w; words >> w;) {
            for (char &c : w)
                c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
            terms.push_back(stem(w));
            const auto id = ids.find(terms.back());
            term_ids.push_back(id == ids.end() ? 0 : id->second);
        }
        if (terms.size() < 2 || terms.size() > 64 || std::count(term_ids.begin(), term_ids.end(), 0u) > 0) {
            printf("%s\t-\t-\tnot a phrase of indexed words\n", text.c_str());
            continue;
        }
        Xapian::Enquire enquire(db);
        enquire.set_query(Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), terms.size()));
        enquire.set_weighting_scheme(Xapian::BM25Weight(BM25.k1, 0, 1, BM25.b, BM25.min_normlen));
        enquire.set_collapse_key(NG_SLOT_ARTICLE, 1);
        std::vector<double> xapian_ms, forward_ms;
        Xapian::MSet mset;
        std::vector<hit> hits;
        size_t read = 0;
        for (int run = 0; run <= runs; run++) { /* run 0 warms up; the two take turns */
            auto t0 = std::chrono::steady_clock::now();
            mset = enquire.get_mset(0, BEST);
            auto t1 = std::chrono::steady_clock::now();
            if (!(pl.k && pair_match(db, lengths, ff, pl, terms, term_ids, &read, hits)))
                hits = forward_match(db, lengths, ff, terms, term_ids, common, &read);
            auto t2 = std::chrono::steady_clock::now();
            if (run > 0) {
                xapian_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
                forward_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
            }
        }
        bool same = hits.size() == mset.size();
        size_t i = 0;
        for (Xapian::MSetIterator m = mset.begin(); same && m != mset.end(); ++m, ++i)
            same = *m == hits[i].did && m.get_weight() == hits[i].weight;
        printf("%s\t%.3f\t%.3f\t%s\t%zu\n", text.c_str(), median(xapian_ms), median(forward_ms),
               same ? "same" : "different", read);
        fflush(stdout);
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    try {
        if (argc == 4 && strcmp(argv[1], "build") == 0)
            return build(argv[2], argv[3]);
        if (argc == 4 && strcmp(argv[1], "pairs") == 0)
            return pairs(argv[2], static_cast<uint32_t>(atoi(argv[3])));
        if (argc >= 5 && argc <= 8 && strcmp(argv[1], "match") == 0)
            return match(argv[2], argv[3], argv[4], argc > 5 ? atoi(argv[5]) : 7, argc > 6 ? atof(argv[6]) : 0.5,
                         argc > 7 ? static_cast<uint32_t>(atoi(argv[7])) : 0);
    } catch (const Xapian::Error &e) {
        die(e.get_description());
    }
    fprintf(stderr, "usage: forward-phrases build INDEX DIR\n"
                    "       forward-phrases pairs DIR K\n"
                    "       forward-phrases match INDEX DIR QUERIES [RUNS] [COMMON] [K]\n");
    return 2;
}
