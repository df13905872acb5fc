#!/bin/sh
# Bad input as an operator meets it: each rejected record is reported as
# FILE:LINE: reason and the good records around it go in; invalid UTF-8 is
# read as Windows-1252 with a warning; the exit status says what happened;
# a fatal error leaves the index at its last commit.
. "${top_srcdir:-.}/tests/lib.sh"

BAD="$DATA/bad"

# run ARGS...: newsgrep-index, with $rc, $err.
run() {
    "$NEWSGREP_INDEX" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    err=$(cat "$TMP/err")
}

run --db "$TMP/records.db" "$BAD/records.jsonl"
is "$rc" 3 "records rejected: exit 3"
like "$err" "^$BAD/records\.jsonl:2: invalid JSON at column [0-9]+: " "invalid JSON, as FILE:LINE: reason"
like "$err" "^$BAD/records\.jsonl:4: binary data, not text$" "binary data"
like "$err" "^$BAD/records\.jsonl:6: not a JSON object$" "a JSON value that is not an object"
like "$err" "^$BAD/records\.jsonl:7: record has neither title nor body$" "neither title nor body"
like "$err" "^$BAD/records\.jsonl:5: warning: invalid UTF-8 read as Windows-1252$" "Windows-1252 bytes: a warning"
like "$err" "4 articles \(4 added, 0 replaced, 0 skipped\), [0-9]+ passages, 4 rejected records" \
    "the four good records went in, four were rejected"
is "$(grep -c '' "$TMP/out")" 0 "nothing on stdout"
"$NEWSGREP" --db "$TMP/records.db" -n 10 --any harbour pilots ferry >"$TMP/hits"
is "$(grep -c '^b[1358]#' "$TMP/hits")" 4 "the records before, between and after the bad ones are searchable"
"$NEWSGREP" --db "$TMP/records.db" "café" >"$TMP/hits"
like "$(cat "$TMP/hits")" "^b5#1 .*Café owners protest" "the Windows-1252 record is found by its UTF-8 words"
iconv -f UTF-8 -t UTF-8 "$TMP/hits" >/dev/null 2>&1
ok $? "and the passage text it shows is valid UTF-8"

run --quiet --db "$TMP/quiet.db" "$BAD/records.jsonl"
is "$rc" 3 "--quiet: still exit 3"
is "$(grep -c ':[0-9]*: ' "$TMP/err")" 4 "--quiet prints the rejected records, not the warning"

run --db "$TMP/cp.db" "$BAD/cp1252.txt"
is "$rc" 0 "a Windows-1252 text file: exit 0, nothing rejected"
is "$err" "$BAD/cp1252.txt:3: warning: invalid UTF-8 read as Windows-1252
newsgrep-index: 1 file (0 already indexed), 1 article (1 added, 0 replaced, 0 skipped), 2 passages, 0 rejected records, $(sed -n 's/.* records, //p' "$TMP/err")" \
    "a warning names FILE:LINE, then the summary"

run --db "$TMP/trunc.db" "$BAD/truncated.jsonl.gz"
is "$rc" 3 "a gzip dump cut short: exit 3"
like "$err" "truncated\.jsonl\.gz:148: gzip data cut short \(unexpected end of file\)$" "the damage is reported where it starts"
like "$err" "147 articles" "the 147 records before it went in"

run --db "$TMP/big.db" --max-record 2K "$BAD/oversize.jsonl"
is "$rc" 3 "a record over --max-record: exit 3"
like "$err" "oversize\.jsonl:2: record longer than 2048 bytes$" "reported with the limit"
like "$err" "2 articles" "the records around it went in"
run --db "$TMP/big2.db" "$BAD/oversize.jsonl"
is "$rc" 0 "under the default limit the same record goes in"

run --db "$TMP/bin.db" "$BAD/binary.txt"
is "$rc" 3 "a .txt file of binary data: exit 3"
like "$err" "binary\.txt:[0-9]+: binary data, not text$" "rejected as binary data"

head -c 3000 /dev/zero | tr '\0' '\001' >"$TMP/garbage.dat"
run --db "$TMP/g.db" "$TMP/garbage.dat"
is "$rc" 2 "a file of garbage named on the command line: exit 2"
like "$err" "garbage\.dat: not a dump in a known format" "it is no dump"
mkdir "$TMP/dir" && cp "$TMP/garbage.dat" "$DATA/dumpdir/day1.jsonl" "$TMP/dir/"
run --db "$TMP/g2.db" "$TMP/dir"
is "$rc" 0 "in a folder, the garbage is passed over: exit 0"
like "$err" "garbage\.dat: not a dump, skipped" "with a note"

run --db "$TMP/sgml.db" "$DATA/trec/bad.sgml"
is "$rc" 3 "bad SGML records: exit 3"
like "$err" "bad\.sgml:5: <DOC> record not closed before the next record" "a record not closed"
like "$err" "bad\.sgml:12: binary data, not text" "a record of binary data"
like "$err" "bad\.sgml:21: binary data, not text" "garbage between records"
like "$err" "bad\.sgml:27: warning: record has no text: nothing to index" "an empty record: a warning"
like "$err" "bad\.sgml:30: <DOC> record not closed at the end of the file" "a record cut by the end"
like "$err" "4 articles .*, 4 rejected records" "the four good ones went in"

# A fatal error mid-run (the disk full, here a file size limit) while adding
# to an index: exit 2, the index at its last commit; run again without the
# limit, it completes.
command -v xapian-check >/dev/null 2>&1 || { done_testing; exit; }
wn="$CORPUS/wikinews-en"
"$NEWSGREP_INDEX" --quiet --db "$TMP/full.db" "$DATA/dumpdir/day1.jsonl" || exit 99
(trap '' XFSZ; ulimit -f 2000 && exec "$NEWSGREP_INDEX" --db "$TMP/full.db" --batch 20 "$wn") 2>"$TMP/err"
is $? 2 "a write that fails: exit 2"
like "$(cat "$TMP/err")" "^newsgrep-index: indexing stopped, index $TMP/full\.db left at its last commit: .*File too large" \
    "the message says the index is at its last commit, and why"
xapian-check "$TMP/full.db" >/dev/null 2>&1
ok $? "the index passes xapian-check"
docs=$(xapian-delve "$TMP/full.db" | sed -n 's/^number of documents = //p')
ok $([ "${docs:-0}" -gt 2 ] && echo 0 || echo 1) "it holds the passages of the commits before ($docs)"
"$NEWSGREP_INDEX" --quiet --db "$TMP/full.db" --batch 20 "$wn"
ok $? "run again, the command completes"
"$NEWSGREP_INDEX" --quiet --db "$TMP/whole.db" "$DATA/dumpdir/day1.jsonl" "$wn"
is "$(xapian-delve "$TMP/full.db" | sed -n 's/^number of documents = //p')" \
    "$(xapian-delve "$TMP/whole.db" | sed -n 's/^number of documents = //p')" \
    "with as many passages as a run that never failed"

# The same while making a new index: no index at all, nothing left aside.
(trap '' XFSZ; ulimit -f 2000 && exec "$NEWSGREP_INDEX" --db "$TMP/new.db" "$wn") 2>"$TMP/err"
is $? 2 "a write that fails while making an index: exit 2"
like "$(cat "$TMP/err")" "^newsgrep-index: no index made at $TMP/new\.db" "the message says no index was made"
ok $([ ! -e "$TMP/new.db" ] && echo 0 || echo 1) "there is no index"
is "$(ls -d "$TMP"/new.db.new-* 2>/dev/null)" "" "and nothing is left aside"
"$NEWSGREP_INDEX" --quiet --db "$TMP/new.db" "$wn"
ok $? "run again, the command makes it"

done_testing
