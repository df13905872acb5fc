#!/bin/sh
# newsgrep-index as an operator meets it: corpus/, dump folders, stdin,
# gzip, bad records, re-runs, and what it prints and returns.
. "${top_srcdir:-.}/tests/lib.sh"

db="$TMP/news.db"
"$NEWSGREP_INDEX" --db "$db" "$CORPUS" >"$TMP/out" 2>"$TMP/err"
ok $? "corpus/ indexes with exit 0"
is "$(cat "$TMP/out")" "" "nothing on stdout"
like "$(cat "$TMP/err")" "^newsgrep-index: 5 files \(0 already indexed\), 472 articles \(472 added, 0 replaced, 0 skipped\), [0-9]+ passages, 0 rejected records, [0-9.]+ s$" \
    "summary: 5 dump files, 472 articles (1 text, 336 Wikinews, 135 front pages)"
passages=$(sed -n 's/.* skipped), \([0-9]*\) passages.*/\1/p' "$TMP/err")
like "$(cat "$TMP/err")" "README: not a dump, skipped" "the corpus README is passed over with a note"

if command -v xapian-check >/dev/null 2>&1; then
    xapian-check "$db" >/dev/null 2>&1
    ok $? "xapian-check finds the index sound"
fi
if command -v xapian-delve >/dev/null 2>&1; then
    count=$(xapian-delve "$db" | sed -n 's/^number of documents = //p')
    is "$count" "$passages" "the index holds one document per passage"
    is "$(xapian-delve -t XAseed/000_63da0c3924deb257.txt "$db" | sed -n 's/.*(termfreq \([0-9]*\),.*/\1/p')" 10 \
        "the seed article has its 10 paragraphs as passages (site chrome dropped)"
fi

# Indexing the same dumps again passes them over; forced, it replaces, never doubles.
"$NEWSGREP_INDEX" --db "$db" "$CORPUS" 2>"$TMP/err"
ok $? "indexing corpus/ again succeeds"
like "$(cat "$TMP/err")" "5 files \(5 already indexed\), 472 articles \(0 added, 0 replaced, 472 skipped\), 0 passages" \
    "every dump is passed over as already indexed"
"$NEWSGREP_INDEX" --force --db "$db" "$CORPUS" 2>"$TMP/err"
ok $? "indexing corpus/ again with --force succeeds"
like "$(cat "$TMP/err")" "472 articles \(0 added, 472 replaced, 0 skipped\), $passages passages" "every article replaced, same passage count"
if command -v xapian-delve >/dev/null 2>&1; then
    is "$(xapian-delve "$db" | sed -n 's/^number of documents = //p')" "$passages" "no passage doubled"
fi

# Text ids are paths below the folder given.
"$NEWSGREP" --db "$db" -n 1 "coalition withdrawal" >"$TMP/out"
like "$(head -1 "$TMP/out")" "^seed/000_63da0c3924deb257\.txt#9 " "a text article's id is its path under corpus/"

# A dump folder: README noted and skipped, subfolders walked, both formats.
"$NEWSGREP_INDEX" --db "$TMP/dir.db" "$DATA/dumpdir" >"$TMP/out" 2>"$TMP/err"
ok $? "a folder with a README and two formats indexes with exit 0"
like "$(cat "$TMP/err")" "dumpdir/README: not a dump, skipped" "the README is noted"
like "$(cat "$TMP/err")" "2 files \(0 already indexed\), 2 articles" "the JSONL file and the nested .txt file are read"
"$NEWSGREP" --db "$TMP/dir.db" --any --all-passages heatwave cattle >"$TMP/out"
like "$(cat "$TMP/out")" "^sub/column\.txt#1  Letters to the editor$" "the nested text article is found under its relative path"
like "$(cat "$TMP/out")" "^dir-1#2  2022-07-01  Valley Herald  Heatwave grips the valley$" "the JSONL article is found with date and source"

# Bad records are reported as FILE:LINE and skipped; the rest goes in.
"$NEWSGREP_INDEX" --db "$TMP/mixed.db" "$DATA/mixed.jsonl" >"$TMP/out" 2>"$TMP/err"
is $? 3 "exit status 3 when records were rejected"
err=$(cat "$TMP/err")
like "$err" "mixed\.jsonl:2: invalid JSON" "line 2 rejected as invalid JSON"
like "$err" "mixed\.jsonl:4: not a JSON object" "line 4 rejected: not an object"
like "$err" "mixed\.jsonl:5: record has neither title nor body" "line 5 rejected: no text"
like "$err" "3 articles \(3 added, 0 replaced, 0 skipped\), [0-9]+ passages, 3 rejected records" "3 articles in, 3 rejected"
"$NEWSGREP" --db "$TMP/mixed.db" --any harbour >"$TMP/out"
is "$(grep -c '^[^ ].*#' "$TMP/out")" 3 "the good records before, between and after the bad ones are searchable"
like "$(cat "$TMP/out")" "^https://example\.org/6#1  Pilots return$" "a record without id takes its url as id"
like "$(cat "$TMP/out")" "^good-1#1  2021-03-04  Test Wire  Harbour strike ends$" "a date-time is kept as its date"

# Standard input, and gzip members concatenated by cat.
cat "$CORPUS"/chronam-1916/*.jsonl.gz | "$NEWSGREP_INDEX" --db "$TMP/stdin.db" - 2>"$TMP/err"
ok $? "concatenated gzip dumps on stdin index with exit 0"
pages=0
for f in "$CORPUS"/chronam-1916/*.jsonl.gz; do pages=$((pages + $(gzip -dc "$f" | wc -l))); done
like "$(cat "$TMP/err")" "1 file \(0 already indexed\), $pages articles" "every member of the multi-member gzip stream is read ($pages pages)"

# Errors: a missing path does not stop the others; a named non-dump is an error.
"$NEWSGREP_INDEX" --db "$TMP/err.db" "$TMP/missing.jsonl" "$DATA/dumpdir/day1.jsonl" 2>"$TMP/err"
is $? 2 "exit status 2 when a dump cannot be read"
like "$(cat "$TMP/err")" "^newsgrep-index: .*missing\.jsonl: No such file or directory$" "the missing path is named"
"$NEWSGREP" --db "$TMP/err.db" cattle >/dev/null
ok $? "the readable dump beside it still went in"
"$NEWSGREP_INDEX" --db "$TMP/err.db" "$DATA/dumpdir/README" 2>"$TMP/err"
is $? 2 "a file named on the command line must be a dump"
like "$(cat "$TMP/err")" "README: not a dump in a known format" "and the message says so"

# Language: recorded in a new index, kept by the index.
"$NEWSGREP_INDEX" --db "$TMP/none.db" --language none "$DATA/dumpdir/day1.jsonl" 2>/dev/null
ok $? "an index without stemming can be made"
"$NEWSGREP" --db "$TMP/none.db" -n 1 farmer >/dev/null
is $? 1 "without stemming, farmer does not find Farmers"
"$NEWSGREP" --db "$TMP/none.db" -n 1 farmers >/dev/null
ok $? "but farmers does"
"$NEWSGREP_INDEX" --db "$TMP/none.db" --language french "$DATA/dumpdir/day1.jsonl" 2>"$TMP/err"
is $? 2 "another language for an existing index is refused"
like "$(cat "$TMP/err")" "stems words as 'none', not 'french'" "with a message naming both"
"$NEWSGREP_INDEX" --db "$TMP/x.db" --language klingon "$DATA/dumpdir/day1.jsonl" 2>"$TMP/err"
is $? 2 "an unknown language is refused"
like "$(cat "$TMP/err")" "unknown language 'klingon'" "and named"

# Options.
"$NEWSGREP_INDEX" --db "$TMP/x.db" --format=csv "$DATA/dumpdir" 2>"$TMP/err"
is $? 2 "an unknown --format is refused"
"$NEWSGREP_INDEX" 2>"$TMP/err"
is $? 2 "no dump given: exit 2"
like "$(cat "$TMP/err")" "no dump given" "with a message"
"$NEWSGREP_INDEX" --quiet --db "$TMP/q.db" "$DATA/dumpdir" 2>"$TMP/err"
is "$(cat "$TMP/err")" "" "--quiet prints nothing when all is well"
"$NEWSGREP_INDEX" --db "$TMP/w.db" --passage-words 5 "$DATA/dumpdir/day1.jsonl" 2>"$TMP/err"
like "$(cat "$TMP/err")" "1 article \(1 added, 0 replaced, 0 skipped\), 4 passages" "--passage-words 5 cuts an 8-word and a 6-word paragraph in two each"
like "$("$NEWSGREP" --db "$TMP/w.db" pastures)" "^dir-1#4  " "the last word of the 6-word paragraph is passage 4"
like "$("$NEWSGREP" --db "$TMP/dir.db" pastures)" "^dir-1#2  " "by default that paragraph is passage 2"
NEWSGREP_DB="$TMP/env.db" "$NEWSGREP_INDEX" --quiet "$DATA/dumpdir/day1.jsonl"
ok $? "NEWSGREP_DB names the index when --db is absent"
test -f "$TMP/env.db/iamglass"
ok $? "and the index is created there"
"$NEWSGREP_INDEX" --db "$TMP/deep/er/news.db" --quiet "$DATA/dumpdir/day1.jsonl"
ok $? "missing parent folders of the index are created"

done_testing
