#!/bin/sh
# newsgrep's scores are BM25 to the decimal: each score of a passage-level
# run over corpus/ equals the one an independent scorer (tests/bm25-check.py,
# and the shared reference scorer when it is there) computes from the terms
# newsgrep-index --dump-terms says the passages and topics hold.
. "${top_srcdir:-.}/tests/lib.sh"

PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || skip_all "python3 is not installed"
db=$(corpus_db)
topics="$DATA/bm25-topics.tsv"

"$NEWSGREP_INDEX" --dump-terms "$CORPUS" >"$TMP/passages.jsonl" 2>/dev/null
ok $? "--dump-terms reads corpus/"
is "$(wc -l <"$TMP/passages.jsonl" | tr -d ' ')" "$(xapian-delve "$db" 2>/dev/null | sed -n 's/^number of documents = //p')" \
    "one line per passage of the index"
# the topics' own terms, through the same analyzer: each topic as an article
awk -F '\t' '{ gsub(/"/, "", $2); printf "{\"id\": \"%s\", \"body\": \"%s\"}\n", $1, $2 }' "$topics" >"$TMP/topics.jsonl"
"$NEWSGREP_INDEX" --dump-terms "$TMP/topics.jsonl" >"$TMP/queries.jsonl" 2>/dev/null
is "$(wc -l <"$TMP/queries.jsonl" | tr -d ' ')" 8 "the 8 topics' terms"
"$NEWSGREP_INDEX" --dump-terms "$TMP/nowhere.jsonl" >/dev/null 2>&1
is $? 2 "--dump-terms of a missing file: exit 2"

check() { # check K1 B MIN: compare a run made with those parameters
    "$NEWSGREP" --db "$db" --trec-run bm25 --topics "$topics" --all-passages --no-stopwords --bm25="$1,$2,$3" \
        -n 20 >"$TMP/run"
    result=$("$PY" "$top_srcdir/tests/bm25-check.py" "$TMP/passages.jsonl" "$TMP/queries.jsonl" "$TMP/run" "$1" "$2" "$3")
    pairs=${result% *} err=${result#* }
    test "$pairs" -ge 50
    ok $? "k1=$1 b=$2 min_normlen=$3: at least 50 (topic, passage) pairs scored ($pairs)"
    awk -v e="$err" 'BEGIN { exit !(e < 1e-9) }'
    ok $? "k1=$1 b=$2 min_normlen=$3: every score equals the independent one (largest relative error $err)"
}
check 1.2 0.75 0.5
check 0.9 0.3 0.5
check 2 1 0.8
# the check can fail: the last run, scored as if made with other parameters
result=$("$PY" "$top_srcdir/tests/bm25-check.py" "$TMP/passages.jsonl" "$TMP/queries.jsonl" "$TMP/run" 1.2 0.75 0.5)
awk -v e="${result#* }" 'BEGIN { exit !(e > 1e-3) }'
ok $? "scored with the wrong k1, b and min_normlen, the scores differ (largest relative error ${result#* })"

# The shared reference scorer too, where the project's shared tools are.
ref=${NEWSGREP_TOOLS:-$top_srcdir/../shared/tools}/bm25_ref.py
if [ -f "$ref" ]; then
    "$PY" - "$TMP/queries.jsonl" >"$TMP/queries.txt" <<'PYEOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    q = json.loads(line)
    print("%s\t%s" % (q["docid"].split("#")[0], " ".join(q["tokens"])))
PYEOF
    "$NEWSGREP" --db "$db" --trec-run bm25 --topics "$topics" --all-passages --no-stopwords -n 20 >"$TMP/run"
    "$PY" "$ref" "$TMP/passages.jsonl" --queries "$TMP/queries.txt" --variant xapian --stem none --k1 1.2 --b 0.75 \
        --min_normlen 0.5 --depth 100000 >"$TMP/ref.run" 2>"$TMP/ref.err"
    ok $? "the shared reference scorer runs"
    # it prints 6 decimals: agreement is to half a unit of the last one
    worst=$(awk 'NR == FNR { s[$1 " " $3] = $5; next }
                 { if (!(($1 " " $3) in s)) { missing++; next }
                   d = $5 - s[$1 " " $3]; if (d < 0) d = -d; if (d > w) w = d; n++ }
                 END { printf "%d %d %.3g\n", n, missing, w }' "$TMP/ref.run" "$TMP/run")
    set -- $worst
    test "$1" -ge 50 && test "$2" -eq 0
    ok $? "the reference scores all $1 pairs of newsgrep's run ($2 missing)"
    awk -v e="$3" 'BEGIN { exit !(e <= 5.000001e-7) }'
    ok $? "and agrees with every score to its 6 printed decimals (largest difference $3)"
fi

done_testing
