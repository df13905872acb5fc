#!/bin/sh
# The benchmark: newsgrep against Xapian's scriptindex, SQLite FTS5 and
# ripgrep, on the same passages of the same real news, in one run on this
# machine; writes the table to BENCHMARKS.md (or $BENCH_REPORT).
#
#   bench/run.sh [SIZE_MB] [WORKDIR]      (make bench SIZE=... does the same)
#
# Needs the shared corpora ($NEWSGREP_CORPORA, default ../shared/corpora from
# the source tree), a built tree ($BUILDDIR, default .), and the peers:
# apt-get install xapian-omega xapian-tools python3-xapian sqlite3 ripgrep time
set -eu

SIZE=${1:-500}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
builddir=$(cd "${BUILDDIR:-.}" && pwd)
corpora=${NEWSGREP_CORPORA:-$top/../shared/corpora}
work=${2:-${TMPDIR:-/tmp}/newsgrep-bench-$SIZE}
report=${BENCH_REPORT:-$top/BENCHMARKS.md}
# every run's figures, one row each, the table "Every whole run" of the report
history=${BENCH_HISTORY:-$here/runs.tsv}
runs=${BENCH_RUNS:-5}
PY=/usr/bin/python3

[ -d "$corpora" ] || { echo "bench: no corpora at $corpora (set NEWSGREP_CORPORA)" >&2; exit 77; }
for tool in scriptindex xapian-compact sqlite3 rg /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool missing; apt-get install xapian-omega xapian-tools sqlite3 ripgrep time python3-xapian" >&2; exit 2; }
done
$PY -c 'import xapian' 2>/dev/null || { echo "bench: python3-xapian missing" >&2; exit 2; }
NEWSGREP="$builddir/src/newsgrep"
NEWSGREP_INDEX="$builddir/index/newsgrep-index"
NG_QUERY="$builddir/bench/ng-query"
[ -x "$NEWSGREP_INDEX" ] || { echo "bench: build first (no $NEWSGREP_INDEX)" >&2; exit 2; }

mkdir -p "$work"
say() { echo "bench: $*" >&2; }
# when the run started and with what code, for its row in $history
date -u '+%Y-%m-%d %H:%M' >"$work/started"
git -C "$top" describe --always --dirty >"$work/code" 2>/dev/null || echo - >"$work/code"
rm -f "$work/own-code"

# the watchers (peak RSS of an indexer's processes; when a dump becomes
# searchable) are bench/watch.py: one process each, reading /proc and the
# index's folder, so that they take little of the CPU the indexers use (a
# ps and awk every 0.5 s took 41 ms of it each time, a newsgrep process
# every 0.1 s about 7% of a core, both on the AMD EPYC)
WATCH="$here/watch.py"

# measure NAME CMD...: run CMD under GNU time; append NAME, wall and CPU
# seconds, the peak RSS in kB of its largest process and of all its processes
# together to $work/index.tsv
measure() {
    name=$1
    shift
    echo 0 >"$work/$name.rss"
    /usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" &
    timer=$!
    $PY "$WATCH" rss "$timer" "$work/$name.rss" &
    sampler=$!
    status=0
    wait "$timer" || status=$?
    kill "$sampler"
    wait "$sampler" 2>/dev/null || true
    [ "$status" -eq 0 ] || { cat "$work/$name.err" >&2; exit 1; }
    read -r wall user sys rss <"$work/$name.time"
    sum=$(cat "$work/$name.rss")
    [ "$sum" -ge "$rss" ] || sum=$rss # a run shorter than a sample
    echo "$name	$wall	$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')	$rss	$sum" >>"$work/index.tsv"
}

bytes() { du -sb "$1" | cut -f1; }

corpus="$work/corpus.jsonl"
if [ ! -s "$corpus" ]; then
    say "building a $SIZE MB corpus"
    $PY "$here/make-corpus.py" "$corpora" "$SIZE" "$corpus"
fi
: >"$work/index.tsv"

say "indexing: newsgrep-index, one worker"
rm -rf "$work/newsgrep-1.db"
measure newsgrep-1 "$NEWSGREP_INDEX" --jobs 1 --db "$work/newsgrep-1.db" "$corpus"
rm -rf "$work/newsgrep-1.db"
say "indexing: newsgrep-index, $(getconf _NPROCESSORS_ONLN) workers"
rm -rf "$work/newsgrep.db"
measure newsgrep "$NEWSGREP_INDEX" --db "$work/newsgrep.db" "$corpus"
echo "newsgrep	$(bytes "$work/newsgrep.db")" >"$work/size.tsv"
if [ "${BENCH_NIGHTLY:-1}" = 1 ]; then
    # a night's dump of 200 MB of other articles, added to the index
    say "a nightly dump: 200 MB more into the index"
    [ -s "$work/night.jsonl" ] || $PY - "$corpus" "$work/night.jsonl" <<'PYEOF'
import json, sys
out = open(sys.argv[2], "w", encoding="utf-8")
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    rec = json.loads(line)
    rec["id"] = "night/" + rec["id"]
    line = json.dumps(rec, ensure_ascii=False) + "\n"
    out.write(line)
    n += len(line.encode("utf-8"))
    if n >= 200e6:
        break
PYEOF
    # by the workers (the dump is large beside the index), then by one writer
    # when the dump is searchable: its last article found by a search
    last=$(tail -n 1 "$work/night.jsonl" | $PY -c 'import json, sys; print(json.loads(sys.stdin.read())["id"])')
    cp -R "$work/newsgrep.db" "$work/nightly.db"
    rm -f "$work/nightly.searchable"
    $PY "$WATCH" search "$NEWSGREP" "$work/nightly.db" "id:$last" "$work/nightly.searchable" 2>"$work/nightly.watch" &
    watcher=$!
    measure nightly "$NEWSGREP_INDEX" --db "$work/nightly.db" "$work/night.jsonl"
    # the watcher sees the merged index at the latest; it ends within 2 s
    wait "$watcher" 2>/dev/null || true
    rm -rf "$work/nightly.db"
    cp -R "$work/newsgrep.db" "$work/nightly.db"
    measure nightly-1 "$NEWSGREP_INDEX" --jobs 1 --db "$work/nightly.db" "$work/night.jsonl"
    rm -rf "$work/nightly.db" "$work/night-new.db"
    measure night-new "$NEWSGREP_INDEX" --db "$work/night-new.db" "$work/night.jsonl"
    echo "$(du -sb "$work/night.jsonl" | cut -f1)" >"$work/night-bytes"
    rm -rf "$work/night-new.db"
fi

say "exporting newsgrep's passages for the peers"
$PY "$here/export-passages.py" "$work/newsgrep.db" >"$work/passages.jsonl"
$PY - "$work/passages.jsonl" >"$work/text-bytes" <<'PYEOF'
import json, sys
print(sum(len(json.loads(l)["text"].encode()) for l in open(sys.argv[1], encoding="utf-8")))
PYEOF
$PY "$here/to-scriptindex.py" "$work/passages.jsonl" >"$work/passages.scriptindex"

say "indexing: SQLite FTS5"
rm -f "$work/fts5.db"
measure fts5 $PY "$here/index-fts5.py" "$work/passages.jsonl" "$work/fts5.db"
echo "fts5	$(bytes "$work/fts5.db")" >>"$work/size.tsv"

say "indexing: scriptindex"
rm -rf "$work/scriptindex.db" "$work/scriptindex-compact.db"
measure scriptindex scriptindex --overwrite --stemmer=english "$work/scriptindex.db" "$here/scriptindex.script" "$work/passages.scriptindex"
echo "scriptindex	$(bytes "$work/scriptindex.db")" >>"$work/size.tsv"
measure scriptindex-compact xapian-compact "$work/scriptindex.db" "$work/scriptindex-compact.db"
echo "scriptindex-compact	$(bytes "$work/scriptindex-compact.db")" >>"$work/size.tsv"

queries="$here/queries.tsv"
: >"$work/queries.tsv"
# the engines take turns, query by query (see query-peers.py)
inproc=""
[ -x "$NG_QUERY" ] && inproc="inproc=$NG_QUERY,$work/newsgrep.db"
say "queries: newsgrep in-process and as a process, Xapian, FTS5, taking turns"
$PY "$here/query-peers.py" turns "$queries" "$runs" $inproc "process=$NEWSGREP,$work/newsgrep.db" \
    "xapian=$work/scriptindex-compact.db" "fts5=$work/fts5.db" >>"$work/queries.tsv"
say "queries: rg"
$PY "$here/query-peers.py" rg "$queries" 1 "$corpus" >>"$work/queries.tsv"

profile=""
if command -v perf >/dev/null 2>&1; then
    say "profiling newsgrep-index on 20 MB"
    profile=$(BUILDDIR="$builddir" sh "$here/profile.sh" "$corpus" 20 2>/dev/null || true)
    printf '%s\n' "$profile" | sed -n 's/.*newsgrep and the libraries it calls\*\* | \*\*\([0-9.]*\)%.*/\1/p' >"$work/own-code"
fi
# which malloc newsgrep-index was linked with (configure --without-jemalloc)
if ldd "$NEWSGREP_INDEX" 2>/dev/null | grep -q libjemalloc; then
    echo jemalloc >"$work/malloc"
else
    echo "the C library's malloc" >"$work/malloc"
fi
$PY "$here/report.py" record "$work" "$SIZE" "$history"
# the notes written under the table by hand are kept
notes=""
[ -f "$report" ] && notes=$(sed -n '/^## Notes/,$p' "$report")
{
    $PY "$here/report.py" "$work" "$SIZE" "sh bench/run.sh $SIZE"
    if [ -n "$profile" ]; then
        echo "## Where indexing CPU goes"
        echo
        echo "\`bench/profile.sh\`: perf samples of \`newsgrep-index --jobs 1\` over the first 20 MB of the corpus."
        echo
        echo "| code | share of CPU samples |"
        echo "|---|---|"
        echo "$profile"
        echo
    fi
    $PY "$here/report.py" runs "$history"
    [ -z "$notes" ] || printf '%s\n' "$notes"
} >"$report.new"
mv "$report.new" "$report"
say "wrote $report"
cat "$report"
