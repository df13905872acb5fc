#!/usr/bin/env python3
"""Time the benchmark queries (mode TAB query); print one line per engine and
query: engine TAB mode TAB query TAB milliseconds TAB hits. Every engine
returns the top 10 by its BM25 with the hits' stored text; the time of a query
is the median of RUNS runs after a warm-up run.

usage: query-peers.py ENGINE QUERIES RUNS ARGS...
  fts5 DB_FILE                      SQLite FTS5, ORDER BY bm25() LIMIT 10, in-process
  xapian DB_DIR                     Xapian (scriptindex's index), BM25Weight defaults, in-process
  rg DUMP                           rg -c -i over the raw dump, a process per query
  process NEWSGREP DB_DIR           a whole newsgrep process per query
  inproc NG_QUERY DB_DIR            newsgrep's library (bench/ng-query --serve, which
                                    times each query itself, in its process)
usage: query-peers.py turns QUERIES RUNS ENGINE=ARGS...
  the engines take turns: each run of a query is run by every engine, one
  after the other, in an order that rotates, so that a machine whose speed
  drifts (a VM's does, by up to 2x over minutes) slows them alike; ARGS are
  the engine's, joined by commas, e.g. fts5=/tmp/f.db process=ng,/tmp/ng.db
"""
import statistics
import subprocess
import sys
import time


def fts5_runner(path):
    import sqlite3
    db = sqlite3.connect(path)

    def run(mode, words):
        quoted = ['"%s"' % w for w in words]
        match = {"and": " ".join(quoted), "or": " OR ".join(quoted),
                 "phrase": '"%s"' % " ".join(words)}[mode]
        return len(db.execute("SELECT id, text FROM passages WHERE passages MATCH ? "
                              "ORDER BY bm25(passages) LIMIT 10", (match,)).fetchall())
    return run


def xapian_runner(path):
    import xapian
    db = xapian.Database(path)
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight())
    qp = xapian.QueryParser()
    qp.set_database(db)
    qp.set_stemmer(xapian.Stem("english"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)

    def run(mode, words):
        qp.set_default_op(xapian.Query.OP_OR if mode == "or" else xapian.Query.OP_AND)
        text = '"%s"' % " ".join(words) if mode == "phrase" else " ".join(words)
        enquire.set_query(qp.parse_query(text, xapian.QueryParser.FLAG_PHRASE))
        mset = enquire.get_mset(0, 10)
        return len([m.document.get_data() for m in mset])
    return run


def rg_runner(dump):
    def run(mode, words):
        if mode == "phrase":
            args = ["-F", " ".join(words)]
        else:
            args = [a for w in words for a in ("-e", w)]
        out = subprocess.run(["rg", "-c", "-i"] + args + [dump], capture_output=True, text=True).stdout
        return int(out.strip() or 0)
    return run


def process_runner(newsgrep, db):
    def run(mode, words):
        argv = [newsgrep, "--db", db, "-n", "10", "--color=never"]
        if mode == "or":
            argv.append("--any")
        argv.append('"%s"' % " ".join(words) if mode == "phrase" else " ".join(words))
        out = subprocess.run(argv, capture_output=True).stdout
        return out.count(b"\n\n") + (1 if out else 0)
    return run


def inproc_runner(ng_query, db):
    child = subprocess.Popen([ng_query, db, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, encoding="utf-8")

    def run(mode, words):
        child.stdin.write("%s\t%s\n" % (mode, " ".join(words)))
        child.stdin.flush()
        ms, hits = child.stdout.readline().split("\t")
        return int(hits), float(ms)
    return run


RUNNERS = {"fts5": fts5_runner, "xapian": xapian_runner, "rg": rg_runner,
           "process": process_runner, "inproc": inproc_runner}


def timed(runner, mode, words):
    """Run a query; its hits and milliseconds (as the engine measured them,
    when it does)."""
    t = time.perf_counter()
    got = runner(mode, words)
    ms = (time.perf_counter() - t) * 1000
    return got if isinstance(got, tuple) else (got, ms)


def main():
    what, queries, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if what == "turns":
        engines = []
        for arg in sys.argv[4:]:
            name, _, args = arg.partition("=")
            engines.append((name, RUNNERS[name](*args.split(","))))
    else:
        engines = [(what, RUNNERS[what](*sys.argv[4:]))]
    for line in open(queries, encoding="utf-8"):
        mode, query = line.rstrip("\n").split("\t")
        words = query.split()
        hits = {name: timed(runner, mode, words)[0] for name, runner in engines}  # warm-up
        times = {name: [] for name, _ in engines}
        for r in range(runs):
            k = r % len(engines)
            for name, runner in engines[k:] + engines[:k]:
                times[name].append(timed(runner, mode, words)[1])
        for name, _ in engines:
            print("%s\t%s\t%s\t%.3f\t%d" % (name, mode, query, statistics.median(times[name]), hits[name]),
                  flush=True)


if __name__ == "__main__":
    main()
