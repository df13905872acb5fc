#!/bin/sh
# make eval: how well newsgrep ranks, measured on the TIME test collection
# (423 articles of 1963, 83 topics, 253 judged-relevant pairs) beside SQLite
# FTS5's bm25() and Xapian's BM25Weight with its defaults, all at article
# level, every topic an any-word query. Prints the table (MAP, P@10, nDCG@10,
# recall@100, and paired randomisation tests); with EVAL_REPORT=FILE, writes
# it there too (make eval writes EVALUATION.md).
#
# Needs the shared corpora and tools ($NEWSGREP_CORPORA, $NEWSGREP_TOOLS,
# default ../shared/corpora and ../shared/tools of the source tree), python3,
# and python3-xapian for the Xapian peer; exits 77 (skipped) without them.
set -eu

: "${top_srcdir:=.}" "${top_builddir:=.}"
corpora=${NEWSGREP_CORPORA:-$top_srcdir/../shared/corpora}
tools=${NEWSGREP_TOOLS:-$top_srcdir/../shared/tools}
T="$corpora/time-1963"
PY=${PYTHON:-/usr/bin/python3}
NEWSGREP="$top_builddir/src/newsgrep"
NEWSGREP_INDEX="$top_builddir/index/newsgrep-index"
if [ ! -f "$T/qrels.txt" ] || [ ! -f "$tools/trec_eval.py" ] || ! command -v "$PY" >/dev/null; then
    echo "eval: skipped: needs $T, $tools/trec_eval.py and python3" >&2
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/newsgrep-eval.XXXXXX")
trap 'rm -rf "$work"' EXIT
say() { echo "eval: $*" >&2; }

# index NAME [OPTION...]: the collection indexed with those options
index() {
    name=$1
    shift
    "$NEWSGREP_INDEX" --quiet "$@" --db "$work/$name.db" "$T/time.jsonl.gz"
}
# score NAME: per-topic and mean results of $work/NAME.run
score() {
    "$PY" "$tools/trec_eval.py" -q "$T/qrels.txt" "$work/$1.run" >"$work/$1.eval"
    runs="$runs $1=$work/$1.eval"
}
# run NAME DB [OPTION...]: newsgrep's run of the topics
run() {
    name=$1 db=$2
    shift 2
    "$NEWSGREP" --db "$work/$db.db" --trec-run "$name" --topics "$T/topics.tsv" "$@" >"$work/$name.run"
    score "$name"
}

runs=""
start=$(date +%s)
say "indexing the collection five ways"
index default
index title3 --title-weight 3
index p50 --passage-words 50
index p300 --passage-words 300
index whole --passage-words 100000

say "newsgrep runs"
run defaults default
run keep-stopwords default --no-stopwords
run rank-passage default --rank passage
run rank-article default --rank article
run passage-weight-0.5 default --passage-weight 0.5
run title-weight-3 title3
run passages-50-words p50
run passages-300-words p300
run passages-whole-article whole
for k1 in 0.6 0.9 1.2 1.5; do
    for b in 0.3 0.4 0.5 0.75; do
        run "bm25-$k1-$b" default --bm25 "$k1,$b"
    done
done

say "peers"
"$PY" "$top_srcdir/tests/eval-peers.py" fts5 "$T/time.jsonl.gz" "$T/topics.tsv" "$work" >"$work/sqlite-fts5.run"
score sqlite-fts5
if "$PY" -c 'import xapian' 2>/dev/null; then
    "$PY" "$top_srcdir/tests/eval-peers.py" xapian "$T/time.jsonl.gz" "$T/topics.tsv" "$work" >"$work/xapian-bm25.run"
    score xapian-bm25
else
    say "python3-xapian is missing: no Xapian peer"
fi

# shellcheck disable=SC2086
"$PY" "$top_srcdir/tests/eval-report.py" defaults $runs >"$work/table.md"
{
    echo "# Relevance"
    echo
    echo "Produced by \`make eval\` (tests/eval.sh) on $(date +%Y-%m-%d), in $(($(date +%s) - start)) s."
    echo "Collection: TIME (Glasgow IR group), 423 articles of TIME magazine, 1963, 83 topics of which"
    echo "79 have judged-relevant articles; all runs at article level, top 1000, every topic an"
    echo "any-word query; measured with trec_eval's rules (shared tools/trec_eval.py)."
    echo "\`defaults\` is newsgrep as shipped: passages of at most 120 words, BM25 k1 = 1.2, b = 0.75,"
    echo "articles ranked by their whole-article score plus 0.3 times their best passage's, the"
    echo "topics' stopwords left out. The other newsgrep runs change one thing each. The collection"
    echo "has no titles, so the title weight cannot change anything here; its articles are one"
    echo "paragraph each, so \"one paragraph\" passages are whole articles."
    echo "Peers: SQLite FTS5 bm25() over tokenize='porter unicode61', and Xapian's BM25Weight with"
    echo "its defaults (TermGenerator, english stemmer), one document per article (title and text)."
    echo
    cat "$work/table.md"
} >"$work/report.md"
cat "$work/report.md"
[ -z "${EVAL_REPORT:-}" ] || cp "$work/report.md" "$EVAL_REPORT"
