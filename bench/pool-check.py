#!/usr/bin/env python3
"""How many candidate articles an any-word query's ranking needs: for each
any-word query (lines "or TAB words"), rank the best 400 articles by their
article score a, find each one's best passage score p (newsgrep's defaults:
BM25 k1 1.2, b 0.75, min_normlen 0.5; combined score a + 0.3 p), and find the
smallest pool of articles (by a) whose top ten by combined score is provably
the top ten over all articles: the tenth best combined score is at least the
next article's a plus 0.3 times the passage query's upper bound
(MSet.get_max_possible). Prints, per query: the words, that pool (- when 400
articles do not prove it), whether pools of 30 and of 20 give the same top
ten, the upper bound and the best passage score.

usage: pool-check.py INDEX QUERIES   (python3-xapian; the words are stemmed
with Xapian's own english stemmer, as newsgrep's analyzer does with Snowball)
"""
import sys

import xapian

PASSAGE_WEIGHT = 0.3
MAX_POOL = 400


def bm25():
    return xapian.BM25Weight(1.2, 0, 1, 0.75, 0.5)


def main():
    db = xapian.Database(sys.argv[1])
    adb = xapian.Database(sys.argv[1] + "/articles")
    stem = xapian.Stem("english")
    proved = same30 = same20 = 0
    for line in open(sys.argv[2], encoding="utf-8"):
        mode, words = line.rstrip("\n").split("\t")
        if mode != "or":
            continue
        words_q = xapian.Query(xapian.Query.OP_OR, [stem(w.lower()) for w in words.split()])
        articles = xapian.Enquire(adb)
        articles.set_query(words_q)
        articles.set_weighting_scheme(bm25())
        arts = [(m.document.get_value(1).decode(), m.weight) for m in articles.get_mset(0, MAX_POOL)]
        ids = xapian.Query(xapian.Query.OP_OR, [xapian.Query("XA" + i) for i, _ in arts])
        passages = xapian.Enquire(db)
        passages.set_query(xapian.Query(xapian.Query.OP_FILTER, words_q, ids))
        passages.set_weighting_scheme(bm25())
        passages.set_collapse_key(1, 1)
        best = {m.collapse_key.decode(): m.weight for m in passages.get_mset(0, len(arts))}
        everything = xapian.Enquire(db)
        everything.set_query(words_q)
        everything.set_weighting_scheme(bm25())
        top = everything.get_mset(0, 10)
        bound, attained = top.get_max_possible(), top.get_max_attained()
        combined = [(a + PASSAGE_WEIGHT * best[i], i) for i, a in arts if i in best]
        rank_of = {i: k for k, (i, _) in enumerate(arts)}

        def top10(pool):
            return [i for _, i in sorted((c for c in combined if rank_of[c[1]] < pool), reverse=True)[:10]]

        need = None
        for pool in range(10, len(arts) - 1):
            c = sorted((x for x in combined if rank_of[x[1]] < pool), reverse=True)
            if len(c) >= 10 and c[9][0] >= arts[pool][1] + PASSAGE_WEIGHT * bound:
                need = pool
                break
        if need:
            proved += 1
            same30 += top10(30) == top10(need)
            same20 += top10(20) == top10(need)
        print("%s\t%s\t%s\t%s\t%.2f\t%.2f" % (words, need or "-", top10(30) == top10(need) if need else "-",
                                             top10(20) == top10(need) if need else "-", bound, attained))
    print("# %d queries proved within %d articles; a pool of 30 gives their exact top ten for %d, "
          "a pool of 20 for %d" % (proved, MAX_POOL, same30, same20))


if __name__ == "__main__":
    main()
