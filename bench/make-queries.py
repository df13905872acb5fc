#!/usr/bin/env python3
"""Write the fixed benchmark query list (mode TAB query) from the real corpora:
single words from every frequency band (with "the" and "said"), all-words
queries of 2-4 words taken from one article, any-word queries, and phrases of
2-3 adjacent words. Deterministic: the same corpora give the same list.

usage: make-queries.py CORPUS.jsonl > queries.tsv
(CORPUS.jsonl: the output of make-corpus.py; only its first copy is read)
"""
import collections
import json
import random
import re
import sys

WORD = re.compile(r"[a-z]{3,}")


def main():
    docs = []
    seen = set()
    for line in open(sys.argv[1], encoding="utf-8"):
        rec = json.loads(line)
        if "~" in rec["id"] or rec["id"] in seen:
            continue
        seen.add(rec["id"])
        docs.append(WORD.findall(rec["body"].lower()))
    freq = collections.Counter(w for d in docs for w in set(d))
    rng = random.Random(1916)
    ranked = [w for w, _ in freq.most_common()]
    n = len(ranked)
    bands = {"common": ranked[:200], "frequent": ranked[200:2000], "middle": ranked[2000:20000],
             "rare": [w for w in ranked[20000:] if freq[w] >= 3]}
    out = [("and", "the"), ("and", "said"), ("or", "the said")]
    for band, words in bands.items():
        out += [("and", w) for w in rng.sample(words, 12)]
    long_docs = [d for d in docs if len(d) > 60]
    middle = set(bands["frequent"] + bands["middle"])
    for k, mode, count in ((2, "and", 40), (3, "and", 20), (4, "and", 15), (2, "or", 20), (3, "or", 15), (4, "or", 10)):
        for _ in range(count):
            d = rng.choice(long_docs)
            words = list(dict.fromkeys(w for w in d if w in middle))
            if len(words) >= k:
                out.append((mode, " ".join(rng.sample(words, k))))
    for k, count in ((2, 30), (3, 15)):
        for _ in range(count):
            d = rng.choice(long_docs)
            i = rng.randrange(len(d) - k)
            out.append(("phrase", " ".join(d[i:i + k])))
    for mode, q in out:
        print("%s\t%s" % (mode, q))
    print("%d queries from %d articles, %d distinct words" % (len(out), len(docs), n), file=sys.stderr)


if __name__ == "__main__":
    main()
