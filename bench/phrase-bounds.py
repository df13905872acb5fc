#!/usr/bin/python3
"""How much of a phrase's match could bounds kept per block of documents skip?

A phrase is matched as the AND of its words, each candidate weighed and only
those that could join the best checked for positions; the AND's walk over
its words' postings is where the time goes. This estimates, for each phrase
of the benchmark queries, how many of the AND's candidates lie in blocks of
BLOCK document ids where the words' bounds (the highest wdf and the least
length of each word's postings in the block) could still reach the weight of
the last of the best 30 articles the match keeps, and how many candidates
reach it by their exact weights. Offline and optimistic (the match would
know that weight only as it finds it); an estimate for a design, not a
timing.

    bench/phrase-bounds.py INDEX [BLOCK] [QUERIES]

INDEX is a newsgrep index (its passages' database), QUERIES the benchmark's
bench/queries.tsv. Words are stemmed by Xapian's English stemmer (Snowball's,
as newsgrep's analyzer); the weights are newsgrep's default BM25 (k1 1.2,
b 0.75, least normalised length 0.5).
"""
import collections
import math
import os
import sys

import xapian

K1, B, MIN_NORMLEN = 1.2, 0.75, 0.5
SLOT_ARTICLE = 1
POOL = 30  # the best articles a phrase's top 10 are drawn from


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: phrase-bounds.py INDEX [BLOCK] [QUERIES]")
    db = xapian.Database(sys.argv[1])
    block = int(sys.argv[2]) if len(sys.argv) > 2 else 128
    queries = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "queries.tsv")
    n, avlen = db.get_doccount(), db.get_avlength()
    stem = xapian.Stem("english")

    def termweight(tf):
        t = (n - tf + 0.5) / (tf + 0.5)
        if t < 2:
            t = t * 0.5 + 1
        return math.log(t) * (K1 + 1)

    def weight(tw, wdf, length):
        normlen = max(length / avlen, MIN_NORMLEN)
        return tw * (wdf / (K1 * (normlen * B + (1 - B)) + wdf))

    postings = {}

    def postings_of(term):
        if term not in postings:
            postings[term] = {p.docid: (p.wdf, p.doclength) for p in db.postlist(term)}
        return postings[term]

    phrases = []
    with open(queries, encoding="utf-8") as f:
        for line in f:
            mode, _, words = line.rstrip("\n").partition("\t")
            if mode == "phrase":
                phrases.append(words)
    blocks = db.get_lastdocid() // block + 1
    print("phrase\tAND candidates\tin live blocks\tshare\tweigh enough\tlive blocks of %d (%d ids each)" % (blocks, block))
    for phrase in phrases:
        terms = [stem(w).decode() for w in phrase.split()]
        if any(db.get_termfreq(t) == 0 for t in terms):
            continue
        enquire = xapian.Enquire(db)
        enquire.set_query(xapian.Query(xapian.Query.OP_PHRASE, terms))
        enquire.set_weighting_scheme(xapian.BM25Weight(K1, 0, 1, B, MIN_NORMLEN))
        enquire.set_collapse_key(SLOT_ARTICLE, 1)
        mset = enquire.get_mset(0, POOL)
        least = mset[mset.size() - 1].weight if mset.size() == POOL else 0.0
        lists = [postings_of(t) for t in terms]
        tws = [termweight(db.get_termfreq(t)) for t in terms]
        candidates = set(lists[0]).intersection(*lists[1:])
        enough = sum(1 for d in candidates if sum(weight(tws[i], *lists[i][d]) for i in range(len(terms))) >= least)
        bounds = [collections.defaultdict(lambda: [0, 1 << 32]) for _ in terms]
        for i, plist in enumerate(lists):
            for did, (wdf, length) in plist.items():
                b = bounds[i][(did - 1) // block]
                b[0] = max(b[0], wdf)
                b[1] = min(b[1], length)
        live = set()
        for k in bounds[0]:
            if all(k in bl for bl in bounds):
                if sum(weight(tws[i], *bounds[i][k]) for i in range(len(terms))) >= least:
                    live.add(k)
        inside = sum(1 for d in candidates if (d - 1) // block in live)
        share = 100.0 * inside / len(candidates) if candidates else 0.0
        print("%s\t%d\t%d\t%.1f%%\t%d\t%d" % (phrase, len(candidates), inside, share, enough, len(live)))
        for t in terms:
            if db.get_termfreq(t) > 100000:
                continue
            postings.pop(t, None)  # keep only the common words' lists


if __name__ == "__main__":
    main()
