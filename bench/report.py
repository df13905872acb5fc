#!/usr/bin/env python3
"""Turn a benchmark run's measurements into the BENCHMARKS.md tables.

usage: report.py WORKDIR SIZE_MB COMMAND > BENCHMARKS.md
       report.py record WORKDIR SIZE_MB RUNS.tsv   (add the run's row to RUNS.tsv)
       report.py runs RUNS.tsv                     (the table of every run recorded)
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


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "?"


def machine():
    return "%d cores (%s), %s %s" % (os.cpu_count(), cpu_model(), platform.system(), platform.release())


def rss_cell(largest, together):
    """The peak RSS of the largest process, and of all together when there were several."""
    if together > largest * 1.05:
        return "%.0f (%.0f)" % (largest, together)
    return "%.0f" % largest


def read_index(work):
    """Each indexer's wall and CPU seconds and peak RSS in MiB (largest process, all)."""
    index = {}
    for line in open(os.path.join(work, "index.tsv")):
        name, wall, cpu, rss, rss_sum = line.split("\t")
        index[name] = (float(wall), float(cpu), int(rss) / 1024, int(rss_sum) / 1024)
    return index


def read_sizes(work):
    return dict((l.split("\t")[0], int(l.split("\t")[1])) for l in open(os.path.join(work, "size.tsv")))


def read_latencies(work):
    """Milliseconds by (engine, mode), every query also under mode "all"."""
    lat = collections.defaultdict(list)
    for line in open(os.path.join(work, "queries.tsv"), encoding="utf-8"):
        engine, mode, query, ms, hits = line.rstrip("\n").split("\t")
        lat[(engine, mode)].append(float(ms))
        lat[(engine, "all")].append(float(ms))
    return lat


def read_text(work, name, default=None):
    path = os.path.join(work, name)
    return open(path).read().strip() if os.path.exists(path) else default


def main():
    work, size, command = sys.argv[1], sys.argv[2], sys.argv[3]
    index = read_index(work)
    sizes = read_sizes(work)
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

    lat = read_latencies(work)
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


# The table of every run: one row of RUNS.tsv per run, "-" for a figure
# not measured; the columns as RUNS.tsv's first line names them.
RUN_COLUMNS = ("run", "mb", "cpu", "code", "newsgrep_s", "scriptindex_s", "x_scriptindex", "two_by_one",
               "own_code", "nightly_searchable_s", "nightly_merged_s", "or_p50_ms", "or_p50_x",
               "p95_x_and", "p95_x_or", "p95_x_phrase", "p99_ms", "p99_proc_ms", "proc_p50_ms", "index_x_fts5")


def cpu_kind():
    model = cpu_model()
    for kind in ("AMD EPYC", "Xeon"):
        if kind in model:
            return kind
    return model


def run_row(work, size):
    index, sizes, lat = read_index(work), read_sizes(work), read_latencies(work)
    ng = index["newsgrep"][0]
    row = dict.fromkeys(RUN_COLUMNS, "-")
    row.update(run=read_text(work, "started", "-"), mb=size, cpu=cpu_kind(), code=read_text(work, "code", "-"),
               newsgrep_s="%.1f" % ng, scriptindex_s="%.1f" % index["scriptindex"][0],
               x_scriptindex="%.2f" % (index["scriptindex"][0] / ng),
               index_x_fts5="%.2f" % (sizes["newsgrep"] / sizes["fts5"]))
    if "newsgrep-1" in index:
        row["two_by_one"] = "%.2f" % (index["newsgrep-1"][0] / ng)
    own = read_text(work, "own-code")
    if own:
        row["own_code"] = own
    searchable = read_text(work, "nightly.searchable")
    if searchable:
        row["nightly_searchable_s"] = "%.1f" % float(searchable)
    if "nightly" in index:
        row["nightly_merged_s"] = "%.1f" % index["nightly"][0]
    base = "inproc" if ("inproc", "all") in lat else "process"

    def ratio(engine, mode, p):
        if not lat.get((engine, mode)) or not lat.get((base, mode)):
            return "-"
        return "%.1f" % (pct(lat[(engine, mode)], p) / pct(lat[(base, mode)], p))
    if lat.get((base, "or")):
        row["or_p50_ms"] = "%.2f" % pct(lat[(base, "or")], 50)
        row["or_p50_x"] = ratio("fts5", "or", 50)
    row.update(p95_x_and=ratio("fts5", "and", 95), p95_x_or=ratio("fts5", "or", 95),
               p95_x_phrase=ratio("fts5", "phrase", 95), p99_ms="%.2f" % pct(lat[(base, "all")], 99))
    if lat.get(("process", "all")):
        row["p99_proc_ms"] = "%.1f" % pct(lat[("process", "all")], 99)
        row["proc_p50_ms"] = "%.1f" % pct(lat[("process", "all")], 50)
    return row


def read_runs(path):
    rows = []
    if os.path.exists(path):
        lines = open(path, encoding="utf-8").read().splitlines()
        columns = lines[0].split("\t")
        rows = [dict(zip(columns, line.split("\t"))) for line in lines[1:] if line]
    return rows


def record(work, size, path):
    row = run_row(work, size)
    rows = [r for r in read_runs(path) if r.get("run") != row["run"] or row["run"] == "-"] + [row]
    rows.sort(key=lambda r: r.get("run", ""), reverse=True)
    with open(path + ".new", "w", encoding="utf-8") as out:
        out.write("\t".join(RUN_COLUMNS) + "\n")
        for r in rows:
            out.write("\t".join(r.get(c, "-") for c in RUN_COLUMNS) + "\n")
    os.replace(path + ".new", path)


def runs_table(path):
    out = []
    w = out.append
    w("## Every whole run\n")
    w("Every run of `bench/run.sh` recorded in bench/runs.tsv, newest first. \"× scriptindex\" is "
      "newsgrep's indexing speed against scriptindex's; the query ratios are FTS5's time against "
      "newsgrep's (in-process); \"proc\" is a whole `newsgrep` process; the nightly dump is "
      "searchable, then merged (a run with one figure had no search while it merged); - is a "
      "figure not measured. Seconds move 1.5-4× with the kind of processor and the hour: compare "
      "them within one run, or between runs on the same kind.\n")
    w("| run (UTC) | MB | CPU | code | newsgrep-index s | scriptindex s | × scriptindex | 2 workers / 1 | "
      "own code | nightly s | any-word p50 ms (× FTS5) | p95 × FTS5: all-words, any-word, phrase | "
      "p99 ms: in-process, proc | proc p50 ms | index × FTS5 |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in read_runs(path):
        g = lambda c: r.get(c, "-")
        nightly = g("nightly_merged_s") if g("nightly_searchable_s") == "-" else "%s, %s" % (
            g("nightly_searchable_s"), g("nightly_merged_s"))
        any_word = g("or_p50_ms") if g("or_p50_x") == "-" else "%s (%s)" % (g("or_p50_ms"), g("or_p50_x"))
        own = g("own_code") if g("own_code") == "-" else g("own_code") + "%"
        w("| %s |" % " | ".join((
            g("run"), g("mb"), g("cpu"), g("code"), g("newsgrep_s"), g("scriptindex_s"), g("x_scriptindex"),
            g("two_by_one"), own, nightly, any_word,
            "%s, %s, %s" % (g("p95_x_and"), g("p95_x_or"), g("p95_x_phrase")),
            "%s, %s" % (g("p99_ms"), g("p99_proc_ms")), g("proc_p50_ms"), g("index_x_fts5"))))
    w("")
    print("\n".join(out))


if __name__ == "__main__":
    if sys.argv[1:2] == ["record"]:
        record(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1:2] == ["runs"]:
        runs_table(sys.argv[2])
    else:
        main()
