#!/bin/sh
# Nightly ingestion as an operator meets it: the three formats found by their
# content, gzip anywhere, folders with files that are no dumps, the ledger of
# dumps already indexed, --force, --list-dumps, --dry-run, and the options.
. "${top_srcdir:-.}/tests/lib.sh"

TREC="$DATA/trec"
count() { xapian-delve "$1" 2>/dev/null | sed -n 's/^number of documents = //p'; }

# TREC SGML and Reuters, by content.
"$NEWSGREP_INDEX" --db "$TMP/trec.db" "$TREC/wire.sgml" "$TREC/reuters.sgm" 2>"$TMP/err"
is $? 0 "TREC and Reuters SGML index with exit 0"
err=$(cat "$TMP/err")
like "$err" "2 files \(0 already indexed\), 10 articles \(10 added" "two files, ten articles"
like "$err" "reuters\.sgm:38: warning: record has no text: nothing to index" "the empty Reuters story is warned about"
like "$err" "reuters\.sgm:48: warning: invalid UTF-8 read as Windows-1252" "so is the one in Windows-1252"
"$NEWSGREP" --db "$TMP/trec.db" cocoa >"$TMP/out"
like "$(cat "$TMP/out")" "^reuters-1#1  1987-02-26  Reuters  BAHIA COCOA REVIEW$" "a Reuters story is found with its date and source"
"$NEWSGREP" --db "$TMP/trec.db" "München" >"$TMP/out"
like "$(cat "$TMP/out")" "^reuters-5#1 " "a word of the Windows-1252 story is found in UTF-8"
"$NEWSGREP" --db "$TMP/trec.db" pensions >"$TMP/out"
like "$(cat "$TMP/out")" "^WIRE-001#2  2024-01-25  Harbour strike ends after nine days$" \
    "a TREC paragraph is a passage of its own"

# gzip whatever the name, from standard input too.
gzip -c "$TREC/wire.sgml" >"$TMP/wire.dat"
"$NEWSGREP_INDEX" --db "$TMP/gz.db" "$TMP/wire.dat" 2>"$TMP/err"
like "$(cat "$TMP/err")" "1 file \(0 already indexed\), 5 articles" "a gzip file without .gz is read through"
cat "$TMP/wire.dat" "$TMP/wire.dat" | "$NEWSGREP_INDEX" --db "$TMP/stdin.db" - 2>"$TMP/err"
like "$(cat "$TMP/err")" "1 file \(0 already indexed\), 10 articles \(5 added, 5 replaced" \
    "two gzip members on standard input: both read, the second replacing the first"
is "$(count "$TMP/stdin.db")" "$(count "$TMP/gz.db")" "no passage doubled"

# --format overrides the content.
"$NEWSGREP_INDEX" --dry-run --format=text "$TREC/wire.sgml" 2>"$TMP/err"
like "$(cat "$TMP/err")" "1 file \(0 already indexed\), 1 article " "--format=text reads an SGML file as one text article"
"$NEWSGREP_INDEX" --dry-run --format=jsonl "$TREC/wire.sgml" 2>"$TMP/err"
is $? 3 "--format=jsonl on SGML: every line is rejected, exit 3"
like "$(cat "$TMP/err")" "wire\.sgml:1: invalid JSON" "as invalid JSON"
"$NEWSGREP_INDEX" --dry-run --format=trec "$DATA/dumpdir/day1.jsonl" 2>"$TMP/err"
is $? 2 "--format=trec on JSON Lines: no record, exit 2"
like "$(cat "$TMP/err")" "day1\.jsonl: holds no trec record" "the message says so"

# Folders: documentation, DTDs and lists of topics are passed over with a note.
mkdir -p "$TMP/night/sub" || exit 99
cp "$TREC/wire.sgml" "$TREC/topics.trec" "$DATA/dumpdir/day1.jsonl" "$TMP/night/" || exit 99
cp "$DATA/dumpdir/sub/column.txt" "$TMP/night/sub/"
printf 'About these dumps\n\nThey are news, delivered nightly.\n' >"$TMP/night/README.txt"
printf '1 0 17 1\n' >"$TMP/night/qrels.txt"
printf '<!ELEMENT DOC - - (DOCNO, TEXT)>\n' >"$TMP/night/trec.dtd"
"$NEWSGREP_INDEX" --db "$TMP/night.db" --exclude 'qrels*' "$TMP/night" 2>"$TMP/err"
is $? 0 "a folder of dumps and other files: exit 0"
err=$(cat "$TMP/err")
like "$err" "night/README\.txt: not a dump, skipped" "a README.txt is documentation, not an article"
like "$err" "night/topics\.trec: holds no trec record, skipped" "a file of TREC topics holds no record"
like "$err" "night/trec\.dtd: holds no trec record, skipped" "nor does a DTD"
unlike "$err" "qrels" "an excluded file is not even looked at"
like "$err" "3 files \(0 already indexed\), 7 articles" "the three dumps are read: 5 + 1 + 1 articles"

# The ledger: a dump already indexed is passed over; a changed one is read again.
"$NEWSGREP_INDEX" --db "$TMP/night.db" --exclude 'qrels*' "$TMP/night" 2>"$TMP/err"
is $? 0 "the same night again: exit 0"
like "$(cat "$TMP/err")" "3 files \(3 already indexed\), 7 articles \(0 added, 0 replaced, 7 skipped\), 0 passages" \
    "every dump passed over, its articles counted as skipped"
unlike "$(cat "$TMP/err")" "already indexed on" "in a folder, no note per dump passed over"
"$NEWSGREP_INDEX" --db "$TMP/night.db" "$TMP/night/day1.jsonl" 2>"$TMP/err"
like "$(cat "$TMP/err")" "day1\.jsonl: already indexed on [0-9-]+ [0-9:]+, passed over \(--force indexes it again\)" \
    "a dump named on the command line gets a note"
printf '%s\n' '{"id": "dir-2", "title": "Storm ends heatwave", "body": "Rain at last."}' >>"$TMP/night/day1.jsonl"
"$NEWSGREP_INDEX" --db "$TMP/night.db" --exclude 'qrels*' "$TMP/night" 2>"$TMP/err"
like "$(cat "$TMP/err")" "3 files \(2 already indexed\), 8 articles \(1 added, 1 replaced, 6 skipped\)" \
    "a dump that changed is read again: its old article replaced, its new one added"
before=$(count "$TMP/night.db")
"$NEWSGREP_INDEX" --db "$TMP/night.db" --force --exclude 'qrels*' "$TMP/night" 2>"$TMP/err"
like "$(cat "$TMP/err")" "3 files \(0 already indexed\), 8 articles \(0 added, 8 replaced, 0 skipped\)" \
    "--force reads every dump again, replacing"
is "$(count "$TMP/night.db")" "$before" "and doubles nothing"

# Two files with the same content are two dumps.
mkdir "$TMP/copies" && cp "$DATA/dumpdir/day1.jsonl" "$TMP/copies/a.jsonl" && cp "$DATA/dumpdir/day1.jsonl" "$TMP/copies/b.jsonl"
"$NEWSGREP_INDEX" --db "$TMP/copies.db" "$TMP/copies" 2>"$TMP/err"
like "$(cat "$TMP/err")" "2 files \(0 already indexed\), 2 articles \(1 added, 1 replaced" \
    "two files with equal content are both read"

# --list-dumps
"$NEWSGREP_INDEX" --db "$TMP/night.db" --list-dumps >"$TMP/list" 2>"$TMP/err"
is $? 0 "--list-dumps: exit 0"
is "$(head -1 "$TMP/list")" "indexed              format  articles  replaced   passages  rejected  dump" "a header line"
is "$(sed 1d "$TMP/list" | wc -l | tr -d ' ')" 3 "one line per dump"
like "$(cat "$TMP/list")" "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}  jsonl +2 +2 +3 +0  /.*/night/day1\.jsonl$" \
    "when, format, articles, replaced (all, by --force), passages, rejected and the absolute path"
like "$(cat "$TMP/list")" "  trec +5 +5 +[0-9]+ +0  /.*/night/wire\.sgml$" "the SGML dump too"
is "$(cat "$TMP/err")" "" "nothing on stderr"
"$NEWSGREP_INDEX" --db "$TMP/nowhere.db" --list-dumps 2>"$TMP/err"
is $? 2 "--list-dumps of a missing index: exit 2"
like "$(cat "$TMP/err")" "no index at $TMP/nowhere\.db" "and says so"

# --dry-run writes nothing, and needs no index.
"$NEWSGREP_INDEX" --dry-run --db "$TMP/dry.db" "$TMP/night" 2>"$TMP/err"
is $? 0 "--dry-run: exit 0"
like "$(cat "$TMP/err")" "^newsgrep-index: dry run: 4 files \(0 already indexed\), 9 articles" "reports what it read"
test ! -e "$TMP/dry.db"
ok $? "and creates no index"

# Where the index goes: an empty folder becomes one, a folder of other files does not.
mkdir "$TMP/empty.db"
"$NEWSGREP_INDEX" --quiet --db "$TMP/empty.db" "$DATA/dumpdir/day1.jsonl"
ok $? "an empty folder becomes an index"
mkdir "$TMP/papers" && echo notes >"$TMP/papers/notes.txt"
"$NEWSGREP_INDEX" --db "$TMP/papers" "$DATA/dumpdir/day1.jsonl" 2>"$TMP/err"
is $? 2 "a folder of other files is refused: exit 2"
like "$(cat "$TMP/err")" "^newsgrep-index: cannot open index $TMP/papers for writing: " "with a message naming it"
is "$(ls "$TMP/papers")" "notes.txt" "and left as it was"
is "$(ls -d "$TMP"/*.new-* 2>/dev/null)" "" "no index being made is left anywhere"

# A maker killed after moving its index into place leaves its folder aside:
# the next run, adding to that index, removes it (its process is gone).
(exit 0) & gone=$!
wait "$gone"
mkdir "$TMP/empty.db.new-$gone" && echo x >"$TMP/empty.db.new-$gone/part"
"$NEWSGREP_INDEX" --quiet --db "$TMP/empty.db" "$DATA/dumpdir/day1.jsonl"
ok $? "an index with a folder aside left by a killed maker takes a dump"
is "$(ls -d "$TMP"/empty.db.new-* 2>/dev/null)" "" "and the folder aside is gone"

# A new index's workers start a new part after a commit that finds
# NEWSGREP_PART_PASSAGES passages in theirs (--batch 5: a commit every five
# articles); the merged index is the same as one written in one
# part each, and an article that comes again in a later part keeps only its
# later version.
mkdir -p "$TMP/rot" || exit 99
printf '%s\n' '{"id": "again", "title": "First version", "body": "The first version of the article."}' >"$TMP/rot/a.jsonl"
gzip -dc "$CORPUS/wikinews-en/wikinews-en.jsonl.gz" | sed -n '1,60p' >"$TMP/rot/b.jsonl"
printf '%s\n' '{"id": "again", "title": "Second version", "body": "The second version, longer.\nIn two paragraphs."}' >"$TMP/rot/c.jsonl"
for jobs in 1 2; do
    "$NEWSGREP_INDEX" --db "$TMP/rot/one-$jobs.db" --jobs "$jobs" --batch 5 "$TMP/rot/a.jsonl" "$TMP/rot/b.jsonl" \
        "$TMP/rot/c.jsonl" 2>"$TMP/rot/one.err"
    is $? 0 "--jobs $jobs, one part each: indexed"
    NEWSGREP_PART_PASSAGES=20 "$NEWSGREP_INDEX" --db "$TMP/rot/parts-$jobs.db" --jobs "$jobs" --batch 5 "$TMP/rot/a.jsonl" \
        "$TMP/rot/b.jsonl" "$TMP/rot/c.jsonl" 2>"$TMP/rot/parts.err"
    is $? 0 "--jobs $jobs, a new part every 20 passages: indexed"
    is "$(sed 's/, [0-9.]* s$//' "$TMP/rot/parts.err")" "$(sed 's/, [0-9.]* s$//' "$TMP/rot/one.err")" \
        "the same report (the article that comes again counted as replaced)"
    for q in the said '"second version"' '"first version"'; do
        is "$("$NEWSGREP" --db "$TMP/rot/parts-$jobs.db" --count -- "$q")" \
            "$("$NEWSGREP" --db "$TMP/rot/one-$jobs.db" --count -- "$q")" "the same passages and articles match $q"
    done
    is "$("$NEWSGREP" --db "$TMP/rot/parts-$jobs.db" --count -- '"first version"')" "0 passages in 0 articles" \
        "the earlier version is gone"
    is "$("$NEWSGREP" --db "$TMP/rot/parts-$jobs.db" --files-with-matches -- "version" | grep -c '^again')" 1 \
        "the later version is there, once"
    is "$("$NEWSGREP" --db "$TMP/rot/parts-$jobs.db" --json -- '"the first version"')" "" "no passage of the first"
    is "$("$NEWSGREP_INDEX" --db "$TMP/rot/parts-$jobs.db" --list-dumps | cut -c22-)" \
        "$("$NEWSGREP_INDEX" --db "$TMP/rot/one-$jobs.db" --list-dumps | cut -c22-)" "the same ledger of the three dumps"
done

# Options.
for bad in "--batch 0" "--batch x" "--max-record 10" "--max-record 2X" "--format csv"; do
    # shellcheck disable=SC2086
    "$NEWSGREP_INDEX" --db "$TMP/o.db" $bad "$DATA/dumpdir" 2>"$TMP/err"
    is $? 2 "$bad is refused"
    like "$(cat "$TMP/err")" "^newsgrep-index: (invalid|unknown)" "with a message"
done
"$NEWSGREP_INDEX" --db "$TMP/o.db" --list-dumps "$DATA/dumpdir" 2>"$TMP/err"
is $? 2 "--list-dumps with a dump is refused"
test ! -e "$TMP/o.db"
ok $? "no refused command made an index"
"$NEWSGREP_INDEX" --help >"$TMP/out"
like "$(cat "$TMP/out")" "--wait" "--help lists --wait"

done_testing
