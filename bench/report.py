#!/usr/bin/env python3
"""Turn a benchmark run's measurements into the BENCHMARKS.md table.

usage: report.py WORKDIR SIZE_MB COMMAND > BENCHMARKS.md
"""
import collections
import os
import platform
import sys
import time


def pct(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def machine():
    model = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return "%d cores (%s), %s %s" % (os.cpu_count(), model, platform.system(), platform.release())


def rss_cell(largest, together):
    """The peak RSS of the largest process, and of all together when there were several."""
    if together > largest * 1.05:
        return "%.0f (%.0f)" % (largest, together)
    return "%.0f" % largest


def main():
    work, size, command = sys.argv[1], sys.argv[2], sys.argv[3]
    index = {}
    for line in open(os.path.join(work, "index.tsv")):
        name, wall, cpu, rss, rss_sum = line.split("\t")
        index[name] = (float(wall), float(cpu), int(rss) / 1024, int(rss_sum) / 1024)
    sizes = dict((l.split("\t")[0], int(l.split("\t")[1])) for l in open(os.path.join(work, "size.tsv")))
    text_mb = int(open(os.path.join(work, "text-bytes")).read()) / 1e6
    passages = sum(1 for _ in open(os.path.join(work, "passages.jsonl")))
    out = []
    w = out.append
    w("# Benchmarks\n")
    w("Produced by `%s` (`make bench SIZE=%s`) on %s, %s.\n" % (command, size, machine(), time.strftime("%Y-%m-%d")))
    w("Corpus: %s MB of JSON Lines built from the real collections (1916 front pages, BBC, "
      "Reuters-21578, Wikinews, repeated under fresh ids); %d passages, %.1f MB of passage text. "
      "Every engine indexes the same passages (exported from newsgrep's index), with stemming and "
      "positions; MB/s is passage text per wall second.\n" % (size, passages, text_mb))
    malloc = os.path.join(work, "malloc")
    if os.path.exists(malloc):
        w("newsgrep-index is linked with %s.\n" % open(malloc).read().strip())
    w("## Indexing\n")
    w("| engine | wall s | CPU s | MB/s | peak RSS MiB, largest process (all) | index MB | newsgrep's speed / this |")
    w("|---|---|---|---|---|---|---|")
    ng_wall = index["newsgrep"][0]
    rows = [("newsgrep-index", "newsgrep", "newsgrep"), ("SQLite FTS5", "fts5", "fts5"),
            ("scriptindex", "scriptindex", "scriptindex")]
    for label, key, size_key in rows:
        wall, cpu, rss, rss_sum = index[key]
        w("| %s | %.1f | %.1f | %.2f | %s | %.0f | %.2f |" % (
            label, wall, cpu, text_mb / wall, rss_cell(rss, rss_sum), sizes[size_key] / 1e6,
            wall / ng_wall if key != "newsgrep" else 1))
    if "newsgrep-1" in index:
        wall, cpu, rss, rss_sum = index["newsgrep-1"]
        w("| newsgrep-index --jobs 1 | %.1f | %.1f | %.2f | %s | | %.2f |" % (
            wall, cpu, text_mb / wall, rss_cell(rss, rss_sum), wall / ng_wall))
    if "scriptindex-compact" in index:
        wall, cpu, rss, rss_sum = index["scriptindex-compact"]
        w("| + xapian-compact of scriptindex's | %.1f | %.1f | | %s | %.0f | |" % (
            wall, cpu, rss_cell(rss, rss_sum), sizes["scriptindex-compact"] / 1e6))
    w("")
    if "newsgrep-1" in index:
        w("Indexing speed, newsgrep / scriptindex: %.2f; newsgrep / FTS5: %.2f; two workers / one: %.2f.\n" % (
            index["scriptindex"][0] / ng_wall, index["fts5"][0] / ng_wall, index["newsgrep-1"][0] / ng_wall))
    if "nightly" in index:
        night_mb = int(open(os.path.join(work, "night-bytes")).read()) / 1e6
        night = "A nightly dump of %.0f MB of JSON Lines (other articles): " % night_mb
        searchable = os.path.join(work, "nightly.searchable")
        if os.path.exists(searchable):
            night += ("searchable after %.1f s (a whole `newsgrep` process, run from the start each time the "
                      "index's folder changed and at least every 2 s, found its last article) and " % float(open(searchable).read()))
        night += ("added to this index in %.1f s (by the workers, merged onto a copy of the index; "
                  "peak RSS %s MiB)" % (index["nightly"][0], rss_cell(*index["nightly"][2:])))
        if "nightly-1" in index:
            night += " or in %.1f s by one writer (`--jobs 1`, commits every 1000 articles; peak RSS %s MiB)" % (
                index["nightly-1"][0], rss_cell(*index["nightly-1"][2:]))
        w(night + "; made into a new index in %.1f s (peak RSS %s MiB).\n" % (
            index["night-new"][0], rss_cell(*index["night-new"][2:])))
    w("Index size, newsgrep / FTS5: %.2f; newsgrep / compacted scriptindex: %.2f.\n" % (
        sizes["newsgrep"] / sizes["fts5"], sizes["newsgrep"] / sizes.get("scriptindex-compact", sizes["scriptindex"])))

    lat = collections.defaultdict(list)
    for line in open(os.path.join(work, "queries.tsv"), encoding="utf-8"):
        engine, mode, query, ms, hits = line.rstrip("\n").split("\t")
        lat[(engine, mode)].append(float(ms))
        lat[(engine, "all")].append(float(ms))
    names = {"inproc": "newsgrep (library, in-process)", "process": "newsgrep (whole process)",
             "xapian": "Xapian, python3-xapian, BM25Weight defaults", "fts5": "SQLite FTS5 bm25()",
             "rg": "rg -c -i over the dump (no ranking)"}
    base = "inproc" if ("inproc", "all") in lat else "process"
    nq = len(lat[(base, "all")])
    w("## Queries\n")
    w("%d fixed queries (bench/queries.tsv): single words from every frequency band "
      "(\"the\", \"said\" among them), all-words queries of 2-4 words, any-word (OR) queries, "
      "phrases; top 10 by BM25 with the stored text; milliseconds, median of the runs of each query "
      "after a warm-up run. The engines but rg take turns, query by query and run by run (this VM's "
      "speed drifts by up to 2x over minutes, so engines timed one after the other are not comparable). "
      "Ratios are peer / %s (above 1: newsgrep is faster).\n" % (nq, names[base]))
    w("| engine | mode | queries | p50 ms | p95 ms | p99 ms | p50 ratio | p95 ratio | p99 ratio |")
    w("|---|---|---|---|---|---|---|---|---|")
    for engine in ("inproc", "process", "xapian", "fts5", "rg"):
        for mode in ("all", "and", "or", "phrase"):
            v = lat.get((engine, mode))
            b = lat.get((base, mode))
            if not v or not b:
                continue
            p = [pct(v, q) for q in (50, 95, 99)]
            r = [pct(v, q) / pct(b, q) for q in (50, 95, 99)]
            w("| %s | %s | %d | %.2f | %.2f | %.2f | %.1f | %.1f | %.1f |" % (
                names[engine], mode, len(v), p[0], p[1], p[2], r[0], r[1], r[2]))
    w("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
