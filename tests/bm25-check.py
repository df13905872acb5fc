#!/usr/bin/env python3
"""An independent BM25 scorer to check newsgrep's scores: given the passages'
terms as newsgrep's analyzer made them (newsgrep-index --dump-terms), the
queries' terms (the same dump of the query texts), and a passage-level TREC
run of newsgrep (--trec-run --all-passages), recompute every score of the run
with Xapian's BM25Weight formula and report the largest relative error.

  r   = (N - n + 0.5) / (n + 0.5);  if r < 2: r = r / 2 + 1
  tw  = ln(r) * (k3 + 1) * wqf / (k3 + wqf) * (k1 + 1)
  L   = max(dl / avgdl, min_normlen)
  w   = tw * wdf / (k1 * (L * b + 1 - b) + wdf)     summed over the query's distinct terms

N: passages, n: passages holding the term, dl: the passage's terms, avgdl: their
mean, wdf: the term's count in the passage, wqf: its count in the query.

usage: bm25-check.py PASSAGES.jsonl QUERIES.jsonl RUN K1 B MIN_NORMLEN
prints "PAIRS MAX_RELATIVE_ERROR"; exits 1 when a scored pair is missing
"""
import collections
import json
import math
import sys


def main():
    passages_path, queries_path, run_path = sys.argv[1:4]
    k1, b, min_normlen = map(float, sys.argv[4:7])
    k3 = 1.0
    tf = {}
    df = collections.Counter()
    total = 0
    for line in open(passages_path, encoding="utf-8"):
        p = json.loads(line)
        counts = collections.Counter(p["tokens"])
        tf[p["docid"]] = (counts, len(p["tokens"]))
        df.update(counts.keys())
        total += len(p["tokens"])
    N = len(tf)
    avgdl = total / N
    queries = {}
    for line in open(queries_path, encoding="utf-8"):
        q = json.loads(line)
        queries[q["docid"].split("#")[0]] = collections.Counter(q["tokens"])
    pairs = 0
    worst = 0.0
    for line in open(run_path, encoding="utf-8"):
        topic, _, docid, _, score, _ = line.split()
        counts, dl = tf[docid]
        L = max(dl / avgdl, min_normlen)
        expect = 0.0
        for term, wqf in queries[topic].items():
            wdf = counts.get(term, 0)
            if not wdf:
                continue
            n = df[term]
            r = (N - n + 0.5) / (n + 0.5)
            if r < 2:
                r = r / 2 + 1
            tw = math.log(r) * (k3 + 1) * wqf / (k3 + wqf) * (k1 + 1)
            expect += tw * wdf / (k1 * (L * b + 1 - b) + wdf)
        got = float(score)
        worst = max(worst, abs(got - expect) / max(abs(expect), 1e-300))
        pairs += 1
    print(pairs, "%.3g" % worst)


if __name__ == "__main__":
    main()
