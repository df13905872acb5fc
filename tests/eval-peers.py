#!/usr/bin/env python3
"""The peers of the relevance evaluation, as TREC runs on the same collection:
SQLite FTS5 bm25() (tokenize='porter unicode61') and Xapian's BM25Weight with
its defaults (documents indexed as scriptindex does: TermGenerator, english
stemmer, STEM_SOME; queries through QueryParser), one document per article,
each topic an any-word (OR) query, top DEPTH.

usage: eval-peers.py fts5|xapian ARTICLES.jsonl[.gz] TOPICS.tsv WORKDIR [DEPTH]
"""
import gzip
import json
import os
import re
import sys


def articles(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                yield a["id"], (a.get("title") or "") + "\n" + (a.get("body") or "")


def topics(path):
    for line in open(path, encoding="utf-8"):
        if line.strip():
            num, text = line.rstrip("\n").split("\t", 1)
            yield num, text


def run_fts5(docs, tops, work, depth):
    import sqlite3
    db = sqlite3.connect(os.path.join(work, "fts5.db"))
    db.execute("DROP TABLE IF EXISTS a")
    db.execute("CREATE VIRTUAL TABLE a USING fts5(id UNINDEXED, text, tokenize='porter unicode61')")
    with db:
        db.executemany("INSERT INTO a(id, text) VALUES (?, ?)", docs)
    for num, text in tops:
        words = re.findall(r"\w+", text.lower())
        match = " OR ".join('"%s"' % w for w in words)
        rows = db.execute("SELECT id, bm25(a) FROM a WHERE a MATCH ? ORDER BY bm25(a) LIMIT ?",
                          (match, depth)).fetchall()
        for rank, (docid, score) in enumerate(rows, 1):
            print("%s Q0 %s %d %.6f fts5" % (num, docid, rank, -score))


def run_xapian(docs, tops, work, depth):
    import xapian
    db = xapian.WritableDatabase(os.path.join(work, "xapian.db"), xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("english"))
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    for docid, text in docs:
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(text)
        doc.add_boolean_term("Q" + docid)
        doc.set_data(docid)
        db.replace_document("Q" + docid, doc)
    db.commit()
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight())
    qp = xapian.QueryParser()
    qp.set_database(db)
    qp.set_stemmer(xapian.Stem("english"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_default_op(xapian.Query.OP_OR)
    for num, text in tops:
        enquire.set_query(qp.parse_query(text.lower(), 0))
        for rank, m in enumerate(enquire.get_mset(0, depth), 1):
            print("%s Q0 %s %d %.6f xapian" % (num, m.document.get_data().decode(), rank, m.weight))


def main():
    engine, corpus, topic_file, work = sys.argv[1:5]
    depth = int(sys.argv[5]) if len(sys.argv) > 5 else 1000
    {"fts5": run_fts5, "xapian": run_xapian}[engine](list(articles(corpus)), list(topics(topic_file)),
                                                       work, depth)


if __name__ == "__main__":
    main()
