#!/bin/sh
# The real collections of the shared corpora folder ($NEWSGREP_CORPORA, by
# default ../shared/corpora beside the source tree) are read with zero
# rejected records and exactly their articles. The large ones are read with
# --dry-run (every record parsed, segmented and analysed, nothing written);
# the others are indexed. Skipped when the folder is absent (as in distcheck).
. "${top_srcdir:-.}/tests/lib.sh"

C=${NEWSGREP_CORPORA:-$top_srcdir/../shared/corpora}
[ -d "$C/reuters21578" ] || skip_all "no shared corpora at $C (set NEWSGREP_CORPORA)"

# run ARGS...: newsgrep-index with $rc and $err.
run() {
    "$NEWSGREP_INDEX" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    err=$(cat "$TMP/err")
}
lines_of() { grep -c -- "$1" "$TMP/err"; }

# Reuters-21578: 22 SGML files, half of them gzipped, one with Windows-1252 bytes.
run --dry-run "$C/reuters21578"
is "$rc" 0 "Reuters-21578: exit 0"
like "$err" "22 files \(0 already indexed\), 21578 articles \(21578 added, 0 replaced, 0 skipped\), [0-9]+ passages, 0 rejected records" \
    "Reuters-21578: its 21,578 stories, zero rejected"
stories=$(for f in "$C"/reuters21578/reut2-*; do gzip -dcf "$f"; done | grep -c '<REUTERS ')
is "$stories" 21578 "Reuters-21578: as many as <REUTERS> tags in the files"
like "$err" "reuters21578/README\.txt: not a dump, skipped" "Reuters-21578: the README is passed over"
like "$err" "reuters21578/lewis\.dtd: holds no trec record, skipped" "Reuters-21578: so is the DTD"
is "$(lines_of 'warning: invalid UTF-8 read as Windows-1252')" 1 "Reuters-21578: one story has Windows-1252 bytes, kept"
like "$err" "reut2-017\.sgm\.gz:[0-9]+: warning: invalid UTF-8" "Reuters-21578: in reut2-017"
is "$(lines_of 'warning: record has no text')" 1 "Reuters-21578: one story has no text at all, counted, warned about"

# TIME 1963: the same 423 articles as TREC SGML and as JSON Lines, with the same ids.
run --db "$TMP/time.db" "$C/time-1963/time.trec.gz"
is "$rc" 0 "TIME, TREC SGML: exit 0"
like "$err" "1 file \(0 already indexed\), 423 articles \(423 added, 0 replaced, 0 skipped\), ([0-9]+) passages, 0 rejected records" \
    "TIME, TREC SGML: 423 articles, zero rejected"
p_trec=$(printf '%s\n' "$err" | sed -n 's/.*skipped), \([0-9]*\) passages.*/\1/p')
run --db "$TMP/time.db" "$C/time-1963/time.jsonl.gz"
is "$rc" 0 "TIME, JSON Lines: exit 0"
like "$err" "423 articles \(0 added, 423 replaced, 0 skipped\), $p_trec passages, 0 rejected records" \
    "TIME, JSON Lines: the same 423 ids, replacing the SGML ones, in as many passages"
if command -v xapian-delve >/dev/null 2>&1; then
    is "$(xapian-delve -1 -A XA "$TMP/time.db" | grep -c "^XA" | tr -d ' ')" 423 "TIME: 423 articles in the index"
fi
run --dry-run "$C/time-1963/topics.trec"
is "$rc" 2 "TIME topics named on the command line: no record, exit 2"

# BBC News: 2,225 text files in five folders; sport/199.txt is Latin-1; 98 files
# repeat another's text, but are articles (and dumps) of their own.
run --db "$TMP/bbc.db" "$C/bbc-news"
is "$rc" 0 "BBC: exit 0"
like "$err" "2225 files \(0 already indexed\), 2225 articles \(2225 added, 0 replaced, 0 skipped\), [0-9]+ passages, 0 rejected records" \
    "BBC: 2,225 articles, zero rejected"
like "$err" "bbc-news/README\.TXT: not a dump, skipped" "BBC: the README is passed over"
like "$err" "bbc-news/sport/199\.txt:[0-9]+: warning: invalid UTF-8 read as Windows-1252" "BBC: sport/199.txt is kept, with a warning"
if command -v xapian-delve >/dev/null 2>&1; then
    is "$(xapian-delve -1 -A XA "$TMP/bbc.db" | grep -c "^XA" | tr -d ' ')" 2225 "BBC: 2,225 articles in the index"
fi
same=$(cd "$C/bbc-news" && find . -name '*.txt' -exec md5sum {} + | awk '{ n[$1]++ } END { for (h in n) s += n[h] - 1; print s }')
is "$same" 98 "BBC: 98 files repeat another file's text"
is "$("$NEWSGREP_INDEX" --list-dumps --db "$TMP/bbc.db" | sed 1d | wc -l | tr -d ' ')" 2225 \
    "BBC: the ledger has 2,225 dumps, repeated texts included"
run --db "$TMP/bbc.db" "$C/bbc-news"
like "$err" "2225 files \(2225 already indexed\)" "BBC: a second run passes every file over"

# Chronicling America, January 1916: one JSON Lines dump per day.
pages=$(gzip -dc "$C"/chronam-1916/*.jsonl.gz | grep -c '')
run --dry-run "$C/chronam-1916"
is "$rc" 0 "Chronicling America: exit 0"
like "$err" "31 files \(0 already indexed\), $pages articles \($pages added, 0 replaced, 0 skipped\), [0-9]+ passages, 0 rejected records" \
    "Chronicling America: every page ($pages), zero rejected"
like "$err" "chronam-1916/LICENSE\.md: not a dump, skipped" "Chronicling America: the licence is passed over"

# Wikinews.
run --db "$TMP/wn.db" "$C/wikinews-en" "$C/wikinews-fr"
is "$rc" 0 "Wikinews: exit 0"
like "$err" "2 files \(0 already indexed\), 436 articles \(436 added, 0 replaced, 0 skipped\), [0-9]+ passages, 0 rejected records" \
    "Wikinews: 336 English and 100 French articles, zero rejected"

done_testing
